//! Service orders: the lead's board, assignment, completion and the printed work order. The
//! workflows that create orders for an account (move-in, move-out, transfer) are in `moves`.

use actix_web::{get, post, web, HttpResponse};
use cistern_shared::orders::*;
use cistern_shared::Problem;

use crate::auth::{Allow, Clerks, FieldWork, Leads, Staff};
use crate::domain::audit::Actor;
use crate::domain::orders::{self, OrderFilter};
use crate::error::{validate, ApiResult};
use crate::startup::{blocking, AppState, RequestId};

/// Service orders. The lead's board shows all; a field user sees only their own.
#[utoipa::path(tag = "service_orders", params(OrderFilter),
    responses((status = 200, body = Vec<ServiceOrderDto>), (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem)))]
#[get("/api/v1/service-orders")]
pub async fn list(
    state: web::Data<AppState>,
    who: Allow<Staff>,
    q: web::Query<OrderFilter>,
) -> ApiResult<HttpResponse> {
    let mut f = q.into_inner();
    if f.assigned_to.as_deref() == Some("me") {
        f.assigned_to = Some(who.user_id.clone());
    }
    let list = blocking(&state, move |s| {
        s.pool
            .read(|c| orders::list(c, orders::OrderViewer::of(&who), &f))
    })
    .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// Who service orders can be assigned to (active field users, leads and administrators),
/// field users first, each with their open and overdue orders: the assignee picker of those
/// who create and assign orders.
#[utoipa::path(tag = "service_orders",
    responses((status = 200, body = Vec<AssigneeDto>), (status = 401, body = Problem), (status = 403, body = Problem)))]
#[get("/api/v1/assignees")]
pub async fn assignees(state: web::Data<AppState>, _who: Allow<Clerks>) -> ApiResult<HttpResponse> {
    let people = blocking(&state, move |s| {
        let today = s.business_date();
        s.pool.read(|c| orders::assignees(c, today))
    })
    .await?;
    Ok(HttpResponse::Ok().json(people))
}

/// One service order (field users: only their own).
#[utoipa::path(tag = "service_orders", params(("id" = String, Path, description = "Service order id")),
    responses((status = 200, body = ServiceOrderDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
#[get("/api/v1/service-orders/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    who: Allow<Staff>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let (who, id) = (who.0, id.into_inner());
    let o = blocking(&state, move |s| {
        s.pool.read(|c| orders::get(c, Some(&who), &id))
    })
    .await?;
    Ok(HttpResponse::Ok().json(o))
}

/// Create a service order. If one of the same type is open at the premise the answer is 409
/// `duplicate_open_order`; send `allow_duplicate: true` to create it anyway.
#[utoipa::path(tag = "service_orders", request_body = CreateServiceOrder,
    responses((status = 201, body = ServiceOrderDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("/api/v1/service-orders")]
pub async fn create(
    state: web::Data<AppState>,
    who: Allow<Clerks>,
    rid: RequestId,
    body: web::Json<CreateServiceOrder>,
) -> ApiResult<HttpResponse> {
    validate(&*body)?;
    let actor = Actor::user(&who, Some(rid.0));
    let body = body.into_inner();
    let o = blocking(&state, move |s| {
        s.pool.write(|tx| orders::create(tx, &actor, &body))
    })
    .await?;
    Ok(HttpResponse::Created().json(o))
}

/// Assign (or reassign) an order to a field user, with its due date and priority.
#[utoipa::path(tag = "service_orders", params(("id" = String, Path, description = "Service order id")), request_body = AssignServiceOrder,
    responses((status = 200, body = ServiceOrderDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("/api/v1/service-orders/{id}/assign")]
pub async fn assign(
    state: web::Data<AppState>,
    who: Allow<Leads>,
    rid: RequestId,
    id: web::Path<String>,
    body: web::Json<AssignServiceOrder>,
) -> ApiResult<HttpResponse> {
    validate(&*body)?;
    let actor = Actor::user(&who, Some(rid.0));
    let (id, body) = (id.into_inner(), body.into_inner());
    let o = blocking(&state, move |s| {
        s.pool.write(|tx| orders::assign(tx, &actor, &id, &body))
    })
    .await?;
    Ok(HttpResponse::Ok().json(o))
}

/// Complete an order: its reading and notes are recorded and the account and meters updated,
/// in one transaction. A second completion answers 409 `order_not_open`.
#[utoipa::path(tag = "service_orders", params(("id" = String, Path, description = "Service order id")), request_body = CompleteServiceOrder,
    responses((status = 200, body = ServiceOrderDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("/api/v1/service-orders/{id}/complete")]
pub async fn complete(
    state: web::Data<AppState>,
    who: Allow<FieldWork>,
    rid: RequestId,
    id: web::Path<String>,
    body: web::Json<CompleteServiceOrder>,
) -> ApiResult<HttpResponse> {
    validate(&*body)?;
    let actor = Actor::user(&who, Some(rid.0));
    let (who, id, body) = (who.0, id.into_inner(), body.into_inner());
    let o = blocking(&state, move |s| {
        s.pool
            .write(|tx| orders::complete(tx, &actor, &who, &id, &body))
    })
    .await?;
    Ok(HttpResponse::Ok().json(o))
}

/// Cancel an open order, saying why.
#[utoipa::path(tag = "service_orders", params(("id" = String, Path, description = "Service order id")), request_body = CancelServiceOrder,
    responses((status = 200, body = ServiceOrderDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("/api/v1/service-orders/{id}/cancel")]
pub async fn cancel(
    state: web::Data<AppState>,
    who: Allow<Clerks>,
    rid: RequestId,
    id: web::Path<String>,
    body: web::Json<CancelServiceOrder>,
) -> ApiResult<HttpResponse> {
    validate(&*body)?;
    let actor = Actor::user(&who, Some(rid.0));
    let (id, body) = (id.into_inner(), body.into_inner());
    let o = blocking(&state, move |s| {
        s.pool
            .write(|tx| orders::cancel(tx, &actor, &id, &body.reason))
    })
    .await?;
    Ok(HttpResponse::Ok().json(o))
}

use cistern_shared::query::SheetQuery as LangQuery;

/// The printable work order; for a meter set, the meter set sheet field staff take along.
#[utoipa::path(tag = "service_orders", params(("id" = String, Path, description = "Service order id"), LangQuery),
    responses((status = 200, description = "PDF", content_type = "application/pdf"), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
#[get("/api/v1/service-orders/{id}/sheet.pdf")]
pub async fn sheet(
    state: web::Data<AppState>,
    who: Allow<Staff>,
    id: web::Path<String>,
    q: web::Query<LangQuery>,
) -> ApiResult<HttpResponse> {
    let (who, id, lang) = (who.0, id.into_inner(), q.into_inner().lang);
    let (bytes, number) = blocking(&state, move |s| {
        s.pool.read(|c| {
            let o = orders::get(c, Some(&who), &id)?;
            let locale = match lang {
                Some(l) => l,
                None => crate::domain::users::find_by_id(c, &who.user_id)?.locale,
            };
            let bytes = crate::domain::sheets::work_order(c, &o, locale)?;
            Ok((bytes, o.number))
        })
    })
    .await?;
    Ok(HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header((
            "Content-Disposition",
            format!("inline; filename=\"{number}.pdf\""),
        ))
        .body(bytes))
}
