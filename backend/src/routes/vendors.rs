//! Vendor files: list, add, change.

use actix_web::{get, post, put, web, HttpResponse};
use cistern_shared::vendors::{VendorDto, VendorInput};
use cistern_shared::Problem;

use crate::auth::{Allow, Leads, Staff};
use crate::domain::audit::Actor;
use crate::domain::vendors;
use crate::error::{validate, ApiResult};
use crate::startup::{blocking, AppState, RequestId};

/// The vendor files (billing software, phone notification, postal, meters, printing...).
#[utoipa::path(tag = "vendors",
    responses((status = 200, body = Vec<VendorDto>), (status = 401, body = Problem), (status = 403, body = Problem)))]
#[get("/api/v1/vendors")]
pub async fn list_vendors(
    state: web::Data<AppState>,
    _who: Allow<Staff>,
) -> ApiResult<HttpResponse> {
    let list = blocking(&state, |s| s.pool.read(|c| vendors::vendors(c))).await?;
    Ok(HttpResponse::Ok().json(list))
}

/// Add a vendor file.
#[utoipa::path(tag = "vendors", request_body = VendorInput,
    responses((status = 201, body = VendorDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
#[post("/api/v1/vendors")]
pub async fn create_vendor(
    state: web::Data<AppState>,
    who: Allow<Leads>,
    rid: RequestId,
    body: web::Json<VendorInput>,
) -> ApiResult<HttpResponse> {
    validate(&*body)?;
    let actor = Actor::user(&who, Some(rid.0));
    let body = body.into_inner();
    let v = blocking(&state, move |s| {
        s.pool
            .write(|tx| vendors::save_vendor(tx, &actor, None, &body))
    })
    .await?;
    Ok(HttpResponse::Created().json(v))
}

/// Update a vendor file.
#[utoipa::path(tag = "vendors", params(("id" = String, Path, description = "Vendor id")), request_body = VendorInput,
    responses((status = 200, body = VendorDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[put("/api/v1/vendors/{id}")]
pub async fn update_vendor(
    state: web::Data<AppState>,
    who: Allow<Leads>,
    rid: RequestId,
    id: web::Path<String>,
    body: web::Json<VendorInput>,
) -> ApiResult<HttpResponse> {
    validate(&*body)?;
    let actor = Actor::user(&who, Some(rid.0));
    let (id, body) = (id.into_inner(), body.into_inner());
    let v = blocking(&state, move |s| {
        s.pool
            .write(|tx| vendors::save_vendor(tx, &actor, Some(&id), &body))
    })
    .await?;
    Ok(HttpResponse::Ok().json(v))
}
