//! Contacts: log a conversation with a customer.

use actix_web::{post, web, HttpResponse};
use cistern_shared::contacts::{ContactDto, ContactInput};
use cistern_shared::Problem;

use crate::auth::{Allow, Clerks};
use crate::domain::audit::Actor;
use crate::domain::contacts;
use crate::error::{validate, ApiResult};
use crate::startup::{blocking, AppState, RequestId};

/// Log a call, e-mail, visit or letter with a customer.
#[utoipa::path(tag = "customers", params(("id" = String, Path, description = "Customer id")), request_body = ContactInput,
    responses((status = 201, body = Vec<ContactDto>), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[post("/api/v1/customers/{id}/contacts")]
pub async fn add_contact(
    state: web::Data<AppState>,
    who: Allow<Clerks>,
    rid: RequestId,
    id: web::Path<String>,
    body: web::Json<ContactInput>,
) -> ApiResult<HttpResponse> {
    validate(&*body)?;
    let actor = Actor::user(&who, Some(rid.0));
    let (id, body) = (id.into_inner(), body.into_inner());
    let list = blocking(&state, move |s| {
        s.pool
            .write(|tx| contacts::add_contact(tx, &actor, &id, &body))
    })
    .await?;
    Ok(HttpResponse::Created().json(list))
}
