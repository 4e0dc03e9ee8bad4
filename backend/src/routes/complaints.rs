//! Complaints: list, open, assign, progress and resolve.

use actix_web::{get, patch, post, web, HttpResponse};
use cistern_shared::complaints::{ComplaintDto, ComplaintInput, ComplaintQuery, ComplaintUpdate};
use cistern_shared::Problem;

use crate::auth::{Allow, Clerks, Staff};
use crate::domain::audit::Actor;
use crate::domain::complaints;
use crate::error::{validate, ApiResult};
use crate::startup::{blocking, AppState, RequestId};

/// Customer complaints (newest first).
#[utoipa::path(tag = "complaints", params(ComplaintQuery),
    responses((status = 200, body = Vec<ComplaintDto>), (status = 401, body = Problem), (status = 403, body = Problem)))]
#[get("/api/v1/complaints")]
pub async fn list_complaints(
    state: web::Data<AppState>,
    _who: Allow<Staff>,
    q: web::Query<ComplaintQuery>,
) -> ApiResult<HttpResponse> {
    let q = q.into_inner();
    let list = blocking(&state, move |s| {
        s.pool.read(|c| complaints::complaints(c, &q))
    })
    .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// Open a complaint.
#[utoipa::path(tag = "complaints", request_body = ComplaintInput,
    responses((status = 201, body = ComplaintDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
#[post("/api/v1/complaints")]
pub async fn open_complaint(
    state: web::Data<AppState>,
    who: Allow<Clerks>,
    rid: RequestId,
    body: web::Json<ComplaintInput>,
) -> ApiResult<HttpResponse> {
    validate(&*body)?;
    let actor = Actor::user(&who, Some(rid.0));
    let body = body.into_inner();
    let c = blocking(&state, move |s| {
        s.pool
            .write(|tx| complaints::open_complaint(tx, &actor, &body))
    })
    .await?;
    Ok(HttpResponse::Created().json(c))
}

/// Assign, progress or resolve a complaint (resolving needs a resolution).
#[utoipa::path(tag = "complaints", params(("id" = String, Path, description = "Complaint id")), request_body = ComplaintUpdate,
    responses((status = 200, body = ComplaintDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[patch("/api/v1/complaints/{id}")]
pub async fn update_complaint(
    state: web::Data<AppState>,
    who: Allow<Clerks>,
    rid: RequestId,
    id: web::Path<String>,
    body: web::Json<ComplaintUpdate>,
) -> ApiResult<HttpResponse> {
    validate(&*body)?;
    let actor = Actor::user(&who, Some(rid.0));
    let (id, body) = (id.into_inner(), body.into_inner());
    let c = blocking(&state, move |s| {
        s.pool
            .write(|tx| complaints::update_complaint(tx, &actor, &id, &body))
    })
    .await?;
    Ok(HttpResponse::Ok().json(c))
}
