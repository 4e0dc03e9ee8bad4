//! Billing cycles: create and change (the list is `GET /api/v1/cycles`, with the accounts).

use actix_web::{post, put, web, HttpResponse};
use cistern_shared::cycles::{CycleDto, CycleInput};
use cistern_shared::Problem;

use crate::auth::{Allow, ReferenceKeepers};
use crate::domain::audit::Actor;
use crate::domain::cycles;
use crate::error::{validate, ApiResult};
use crate::startup::{blocking, AppState, RequestId};

/// Create a billing cycle (reference data a city sets up before importing its accounts).
#[utoipa::path(tag = "accounts", request_body = CycleInput,
    responses((status = 201, body = CycleDto), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 409, description = "`cycle_code_taken`: a cycle with this code exists", body = Problem),
        (status = 422, body = Problem)))]
#[post("/api/v1/cycles")]
pub async fn create_cycle(
    state: web::Data<AppState>,
    who: Allow<ReferenceKeepers>,
    rid: RequestId,
    body: web::Json<CycleInput>,
) -> ApiResult<HttpResponse> {
    validate(&*body)?;
    let actor = Actor::user(&who, Some(rid.0));
    let body = body.into_inner();
    let c = blocking(&state, move |s| {
        s.pool.write(|tx| cycles::create(tx, &actor, &body))
    })
    .await?;
    Ok(HttpResponse::Created().json(c))
}

/// Change a billing cycle's code, name or months per bill.
#[utoipa::path(tag = "accounts", params(("id" = String, Path, description = "Cycle id")), request_body = CycleInput,
    responses((status = 200, body = CycleDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, description = "`cycle_code_taken`: another cycle has this code", body = Problem),
        (status = 422, body = Problem)))]
#[put("/api/v1/cycles/{id}")]
pub async fn update_cycle(
    state: web::Data<AppState>,
    who: Allow<ReferenceKeepers>,
    rid: RequestId,
    id: web::Path<String>,
    body: web::Json<CycleInput>,
) -> ApiResult<HttpResponse> {
    validate(&*body)?;
    let actor = Actor::user(&who, Some(rid.0));
    let (id, body) = (id.into_inner(), body.into_inner());
    let c = blocking(&state, move |s| {
        s.pool.write(|tx| cycles::update(tx, &actor, &id, &body))
    })
    .await?;
    Ok(HttpResponse::Ok().json(c))
}
