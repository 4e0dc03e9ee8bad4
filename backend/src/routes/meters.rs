//! Meters: the inventory, one meter, add one to stock.

use actix_web::{get, post, web, HttpResponse};
use cistern_shared::meters::{MeterDto, MeterInput, MeterQuery};
use cistern_shared::Problem;

use crate::auth::{Allow, MeterKeepers, Staff};
use crate::domain::audit::Actor;
use crate::domain::meters;
use crate::error::{validate, ApiError, ApiResult};
use crate::startup::{blocking, AppState, RequestId};

/// The meter inventory (`status=in_stock` for meters ready to set).
#[utoipa::path(tag = "meters", params(MeterQuery),
    responses((status = 200, body = Vec<MeterDto>), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
#[get("/api/v1/meters")]
pub async fn list_meters(
    state: web::Data<AppState>,
    _who: Allow<Staff>,
    q: web::Query<MeterQuery>,
) -> ApiResult<HttpResponse> {
    let q = q.into_inner();
    ApiError::check_length("q", q.q.as_deref(), 100)?;
    let list = blocking(&state, move |s| {
        s.pool
            .read(|c| meters::list_meters(c, q.status, q.q.as_deref(), 500))
    })
    .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// One meter with its registers and recent reads.
#[utoipa::path(tag = "meters", params(("id" = String, Path, description = "Meter id")),
    responses((status = 200, body = MeterDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
#[get("/api/v1/meters/{id}")]
pub async fn get_meter(
    state: web::Data<AppState>,
    _who: Allow<Staff>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let m = blocking(&state, move |s| {
        s.pool.read(|c| {
            meters::meters_by_ids(c, std::slice::from_ref(&id))?
                .pop()
                .ok_or_else(ApiError::not_found)
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(m))
}

/// Add a meter to the inventory (in stock until it is set).
#[utoipa::path(tag = "meters", request_body = MeterInput,
    responses((status = 201, body = MeterDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("/api/v1/meters")]
pub async fn create_meter(
    state: web::Data<AppState>,
    who: Allow<MeterKeepers>,
    rid: RequestId,
    body: web::Json<MeterInput>,
) -> ApiResult<HttpResponse> {
    validate(&*body)?;
    let actor = Actor::user(&who, Some(rid.0));
    let body = body.into_inner();
    let m = blocking(&state, move |s| {
        s.pool.write(|tx| meters::create_meter(tx, &actor, &body))
    })
    .await?;
    Ok(HttpResponse::Created().json(m))
}
