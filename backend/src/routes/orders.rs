//! Service orders and the workflows that create them: move-in, move-out, transfer.

use actix_web::{get, post, web, HttpResponse};
use cistern_shared::cis::*;
use cistern_shared::dto::Locale;
use cistern_shared::{Problem, Role};

use crate::auth::{Allow, Clerks, FieldWork, Leads, Staff};
use crate::domain::audit::Actor;
use crate::domain::orders::{self, DepositRules, OrderFilter};
use crate::error::{validate, ApiResult};
use crate::startup::{blocking, AppState, RequestId};

fn deposits(s: &AppState) -> DepositRules {
    DepositRules {
        owner_cents: s.config.deposit_owner_cents,
        tenant_cents: s.config.deposit_tenant_cents,
    }
}

/// Service orders. The lead's board shows all; a field user sees only their own.
#[utoipa::path(tag = "service_orders", params(OrderFilter),
    responses((status = 200, body = Vec<ServiceOrderDto>), (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem)),
    security(("bearer" = ["admin", "finance_director", "lead", "clerk", "field", "auditor"])))]
#[get("/api/v1/service-orders")]
pub async fn list(
    state: web::Data<AppState>,
    who: Allow<Staff>,
    q: web::Query<OrderFilter>,
) -> ApiResult<HttpResponse> {
    let mut f = q.into_inner();
    if who.role == Role::Field || f.assigned_to.as_deref() == Some("me") {
        f.assigned_to = Some(who.user_id.clone());
    }
    let list = blocking(&state, move |s| {
        s.pool.read(|c| orders::list_filtered(c, &f))
    })
    .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// Who service orders can be assigned to (active field users, leads and administrators),
/// field users first, each with their open and overdue orders: the assignee picker of those
/// who create and assign orders.
#[utoipa::path(tag = "service_orders",
    responses((status = 200, body = Vec<AssigneeDto>), (status = 401, body = Problem), (status = 403, body = Problem)),
    security(("bearer" = ["admin", "lead", "clerk"])))]
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
    responses((status = 200, body = ServiceOrderDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = ["admin", "finance_director", "lead", "clerk", "field", "auditor"])))]
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
    responses((status = 201, body = ServiceOrderDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = ["admin", "lead", "clerk"])))]
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
        s.pool.write(|c| orders::create(c, &actor, &body))
    })
    .await?;
    Ok(HttpResponse::Created().json(o))
}

/// Assign (or reassign) an order to a field user, with its due date and priority.
#[utoipa::path(tag = "service_orders", params(("id" = String, Path, description = "Service order id")), request_body = AssignServiceOrder,
    responses((status = 200, body = ServiceOrderDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = ["admin", "lead"])))]
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
        s.pool.write(|c| orders::assign(c, &actor, &id, &body))
    })
    .await?;
    Ok(HttpResponse::Ok().json(o))
}

/// Complete an order: its reading and notes are recorded and the account and meters updated,
/// in one transaction. A second completion answers 409 `order_not_open`.
#[utoipa::path(tag = "service_orders", params(("id" = String, Path, description = "Service order id")), request_body = CompleteServiceOrder,
    responses((status = 200, body = ServiceOrderDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = ["admin", "lead", "field"])))]
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
            .write(|c| orders::complete(c, &actor, &who, &id, &body))
    })
    .await?;
    Ok(HttpResponse::Ok().json(o))
}

/// Cancel an open order, saying why.
#[utoipa::path(tag = "service_orders", params(("id" = String, Path, description = "Service order id")), request_body = CancelServiceOrder,
    responses((status = 200, body = ServiceOrderDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = ["admin", "lead", "clerk"])))]
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
            .write(|c| orders::cancel(c, &actor, &id, &body.reason))
    })
    .await?;
    Ok(HttpResponse::Ok().json(o))
}

use cistern_shared::query::SheetQuery as LangQuery;

/// The printable work order; for a meter set, the meter set sheet field staff take along.
#[utoipa::path(tag = "service_orders", params(("id" = String, Path, description = "Service order id"), LangQuery),
    responses((status = 200, description = "PDF", content_type = "application/pdf"), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = ["admin", "finance_director", "lead", "clerk", "field", "auditor"])))]
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
                None => {
                    let u = crate::domain::users::find_by_id(c, &who.user_id)?;
                    Locale::parse(&u.locale).unwrap_or_default()
                }
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

/// New service: opens the account (pending until the meter is set or turned on), records the
/// deposit the rules require, and creates the field order.
#[utoipa::path(tag = "accounts", request_body = MoveInRequest,
    responses((status = 201, body = MoveInResult), (status = 401, body = Problem), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = ["admin", "lead", "clerk"])))]
#[post("/api/v1/move-ins")]
pub async fn move_in(
    state: web::Data<AppState>,
    who: Allow<Clerks>,
    rid: RequestId,
    body: web::Json<MoveInRequest>,
) -> ApiResult<HttpResponse> {
    validate(&*body)?;
    let actor = Actor::user(&who, Some(rid.0));
    let body = body.into_inner();
    let r = blocking(&state, move |s| {
        let rules = deposits(s);
        s.pool.write(|c| orders::move_in(c, &actor, &rules, &body))
    })
    .await?;
    Ok(HttpResponse::Created().json(r))
}

/// Move-out: creates the final-read order; completing it marks the account final and queues
/// its closing bill.
#[utoipa::path(tag = "accounts", params(("id" = String, Path, description = "Account id")), request_body = MoveOutRequest,
    responses((status = 201, body = ServiceOrderDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = ["admin", "lead", "clerk"])))]
#[post("/api/v1/accounts/{id}/move-out")]
pub async fn move_out(
    state: web::Data<AppState>,
    who: Allow<Clerks>,
    rid: RequestId,
    id: web::Path<String>,
    body: web::Json<MoveOutRequest>,
) -> ApiResult<HttpResponse> {
    validate(&*body)?;
    let actor = Actor::user(&who, Some(rid.0));
    let (id, body) = (id.into_inner(), body.into_inner());
    let o = blocking(&state, move |s| {
        s.pool.write(|c| orders::move_out(c, &actor, &id, &body))
    })
    .await?;
    Ok(HttpResponse::Created().json(o))
}

/// Transfer of service: move-out here and move-in at the new address for the same customer,
/// in one step.
#[utoipa::path(tag = "accounts", params(("id" = String, Path, description = "Account id")), request_body = TransferRequest,
    responses((status = 201, body = TransferResult), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = ["admin", "lead", "clerk"])))]
#[post("/api/v1/accounts/{id}/transfer")]
pub async fn transfer(
    state: web::Data<AppState>,
    who: Allow<Clerks>,
    rid: RequestId,
    id: web::Path<String>,
    body: web::Json<TransferRequest>,
) -> ApiResult<HttpResponse> {
    validate(&*body)?;
    let actor = Actor::user(&who, Some(rid.0));
    let (id, body) = (id.into_inner(), body.into_inner());
    let r = blocking(&state, move |s| {
        let rules = deposits(s);
        s.pool
            .write(|c| orders::transfer(c, &actor, &rules, &id, &body))
    })
    .await?;
    Ok(HttpResponse::Created().json(r))
}
