//! Premises: the list and picker, one in full, add and change one, and the water used there.

use actix_web::{get, post, put, web, HttpResponse};
use cistern_shared::meters::ConsumptionDto;
use cistern_shared::premises::{
    PeriodQuery, PremiseDetailDto, PremiseInput, PremiseQuery, PremiseSummaryDto,
};
use cistern_shared::FieldCode;
use cistern_shared::Problem;

use crate::auth::{AccountReaders, Allow, Clerks};
use crate::domain::audit::Actor;
use crate::domain::orders::OrderViewer;
use crate::domain::premises;
use crate::error::{validate, ApiError, ApiResult};
use crate::startup::{blocking, AppState, RequestId};

/// Premises by service address or parcel (every word must appear), optionally only vacant
/// ones: the picker for starting or transferring service at a premise no account has used.
#[utoipa::path(tag = "premises", params(PremiseQuery),
    responses((status = 200, body = cistern_shared::dto::Page<PremiseSummaryDto>), (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
#[get("/api/v1/premises")]
pub async fn list_premises(
    state: web::Data<AppState>,
    _who: Allow<AccountReaders>,
    q: web::Query<PremiseQuery>,
) -> ApiResult<HttpResponse> {
    let q = q.into_inner();
    ApiError::check_length("q", q.q.as_deref(), 100)?;
    let page = blocking(&state, move |s| {
        s.pool.read(|c| premises::list_premises(c, &q))
    })
    .await?;
    Ok(HttpResponse::Ok().json(page))
}

/// One premise: meters, services, every account ever there, SDCs and open orders.
#[utoipa::path(tag = "premises", params(("id" = String, Path, description = "Premise id")),
    responses((status = 200, body = PremiseDetailDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
#[get("/api/v1/premises/{id}")]
pub async fn get_premise(
    state: web::Data<AppState>,
    who: Allow<AccountReaders>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let p = blocking(&state, move |s| {
        s.pool
            .read(|c| premises::get_premise(c, OrderViewer::of(&who), &id))
    })
    .await?;
    Ok(HttpResponse::Ok().json(p))
}

/// Add a premise (a service location).
#[utoipa::path(tag = "premises", request_body = PremiseInput,
    responses((status = 201, body = PremiseDetailDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
#[post("/api/v1/premises")]
pub async fn create_premise(
    state: web::Data<AppState>,
    who: Allow<Clerks>,
    rid: RequestId,
    body: web::Json<PremiseInput>,
) -> ApiResult<HttpResponse> {
    validate(&*body)?;
    let actor = Actor::user(&who, Some(rid.0));
    let body = body.into_inner();
    let p = blocking(&state, move |s| {
        s.pool.write(|tx| {
            let id = premises::create_premise(tx, &actor, &body)?;
            premises::get_premise(tx, OrderViewer::All, &id)
        })
    })
    .await?;
    Ok(HttpResponse::Created().json(p))
}

/// Change a premise's address, parcel, cycle, route or read sequence.
#[utoipa::path(tag = "premises", params(("id" = String, Path, description = "Premise id")), request_body = PremiseInput,
    responses((status = 200, body = PremiseDetailDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[put("/api/v1/premises/{id}")]
pub async fn update_premise(
    state: web::Data<AppState>,
    who: Allow<Clerks>,
    rid: RequestId,
    id: web::Path<String>,
    body: web::Json<PremiseInput>,
) -> ApiResult<HttpResponse> {
    validate(&*body)?;
    let actor = Actor::user(&who, Some(rid.0));
    let (id, body) = (id.into_inner(), body.into_inner());
    let p = blocking(&state, move |s| {
        s.pool
            .write(|tx| premises::update_premise(tx, &actor, &id, &body))
    })
    .await?;
    Ok(HttpResponse::Ok().json(p))
}

/// Water used at a premise over a period, register by register (meter change-outs included).
#[utoipa::path(tag = "premises", params(("id" = String, Path, description = "Premise id"), PeriodQuery),
    responses((status = 200, body = ConsumptionDto), (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
#[get("/api/v1/premises/{id}/consumption")]
pub async fn consumption(
    state: web::Data<AppState>,
    _who: Allow<AccountReaders>,
    id: web::Path<String>,
    q: web::Query<PeriodQuery>,
) -> ApiResult<HttpResponse> {
    let (id, q) = (id.into_inner(), q.into_inner());
    if q.to < q.from {
        return Err(ApiError::field(
            "to",
            FieldCode::BeforeFrom,
            "the period ends before it starts",
        ));
    }
    let d = blocking(&state, move |s| {
        s.pool
            .read(|c| crate::domain::consumption::consumption(c, &id, q.from, q.to))
    })
    .await?;
    Ok(HttpResponse::Ok().json(d))
}
