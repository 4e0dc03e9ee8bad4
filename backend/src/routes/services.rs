//! Services at a premise: add one, turn one off for the season or back on.

use actix_web::{post, web, HttpResponse};
use cistern_shared::services::{ServiceDto, ServiceInput, ServiceStatusChange};
use cistern_shared::Problem;

use crate::auth::{Allow, Clerks};
use crate::domain::audit::Actor;
use crate::domain::services;
use crate::error::{validate, ApiResult};
use crate::startup::{blocking, AppState, RequestId};

/// Add a service (water, sewer, stormwater, a fee) at a premise.
#[utoipa::path(tag = "premises", params(("id" = String, Path, description = "Premise id")), request_body = ServiceInput,
    responses((status = 201, body = ServiceDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[post("/api/v1/premises/{id}/services")]
pub async fn add_service(
    state: web::Data<AppState>,
    who: Allow<Clerks>,
    rid: RequestId,
    id: web::Path<String>,
    body: web::Json<ServiceInput>,
) -> ApiResult<HttpResponse> {
    validate(&*body)?;
    let actor = Actor::user(&who, Some(rid.0));
    let (id, body) = (id.into_inner(), body.into_inner());
    let s = blocking(&state, move |s| {
        s.pool
            .write(|tx| services::add_service(tx, &actor, &id, &body))
    })
    .await?;
    Ok(HttpResponse::Created().json(s))
}

/// Turn one service off for the season (or back on, or end it) without closing the account.
#[utoipa::path(tag = "premises", params(("id" = String, Path, description = "Service id")), request_body = ServiceStatusChange,
    responses((status = 200, body = ServiceDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("/api/v1/services/{id}/status")]
pub async fn service_status(
    state: web::Data<AppState>,
    who: Allow<Clerks>,
    rid: RequestId,
    id: web::Path<String>,
    body: web::Json<ServiceStatusChange>,
) -> ApiResult<HttpResponse> {
    validate(&*body)?;
    let actor = Actor::user(&who, Some(rid.0));
    let (id, body) = (id.into_inner(), body.into_inner());
    let s = blocking(&state, move |s| {
        s.pool
            .write(|tx| services::change_service_status(tx, &actor, &id, &body))
    })
    .await?;
    Ok(HttpResponse::Ok().json(s))
}
