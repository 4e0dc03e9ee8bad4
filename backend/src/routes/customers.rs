//! Customers: one with their accounts and contacts, add one, change one.

use actix_web::{get, post, put, web, HttpResponse};
use cistern_shared::customers::{CustomerDetailDto, CustomerInput};
use cistern_shared::Problem;

use crate::auth::{AccountReaders, Allow, Clerks};
use crate::domain::audit::Actor;
use crate::domain::customers;
use crate::error::{validate, ApiResult};
use crate::startup::{blocking, AppState, RequestId};

/// One customer with their accounts and contact history.
#[utoipa::path(tag = "customers", params(("id" = String, Path, description = "Customer id")),
    responses((status = 200, body = CustomerDetailDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
#[get("/api/v1/customers/{id}")]
pub async fn get_customer(
    state: web::Data<AppState>,
    _who: Allow<AccountReaders>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let c = blocking(&state, move |s| {
        s.pool.read(|c| customers::get_customer(c, &id))
    })
    .await?;
    Ok(HttpResponse::Ok().json(c))
}

/// Add a customer.
#[utoipa::path(tag = "customers", request_body = CustomerInput,
    responses((status = 201, body = CustomerDetailDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
#[post("/api/v1/customers")]
pub async fn create_customer(
    state: web::Data<AppState>,
    who: Allow<Clerks>,
    rid: RequestId,
    body: web::Json<CustomerInput>,
) -> ApiResult<HttpResponse> {
    validate(&*body)?;
    let actor = Actor::user(&who, Some(rid.0));
    let body = body.into_inner();
    let c = blocking(&state, move |s| {
        s.pool.write(|tx| {
            let id = customers::create_customer(tx, &actor, &body)?;
            customers::get_customer(tx, &id)
        })
    })
    .await?;
    Ok(HttpResponse::Created().json(c))
}

/// Change a customer's name, addresses, phones, language or notification preferences.
#[utoipa::path(tag = "customers", params(("id" = String, Path, description = "Customer id")), request_body = CustomerInput,
    responses((status = 200, body = CustomerDetailDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[put("/api/v1/customers/{id}")]
pub async fn update_customer(
    state: web::Data<AppState>,
    who: Allow<Clerks>,
    rid: RequestId,
    id: web::Path<String>,
    body: web::Json<CustomerInput>,
) -> ApiResult<HttpResponse> {
    validate(&*body)?;
    let actor = Actor::user(&who, Some(rid.0));
    let (id, body) = (id.into_inner(), body.into_inner());
    let c = blocking(&state, move |s| {
        s.pool
            .write(|tx| customers::update_customer(tx, &actor, &id, &body))
    })
    .await?;
    Ok(HttpResponse::Ok().json(c))
}
