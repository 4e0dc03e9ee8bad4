//! Notes on an account.

use actix_web::{post, web, HttpResponse};
use cistern_shared::notes::{NoteDto, NoteInput};
use cistern_shared::Problem;

use crate::auth::{Allow, Clerks};
use crate::domain::audit::Actor;
use crate::domain::notes;
use crate::error::{validate, ApiResult};
use crate::startup::{blocking, AppState, RequestId};

/// Add a note to an account.
#[utoipa::path(tag = "accounts", params(("id" = String, Path, description = "Account id")), request_body = NoteInput,
    responses((status = 201, body = Vec<NoteDto>), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[post("/api/v1/accounts/{id}/notes")]
pub async fn add_note(
    state: web::Data<AppState>,
    who: Allow<Clerks>,
    rid: RequestId,
    id: web::Path<String>,
    body: web::Json<NoteInput>,
) -> ApiResult<HttpResponse> {
    validate(&*body)?;
    let actor = Actor::user(&who, Some(rid.0));
    let (id, body) = (id.into_inner(), body.into_inner());
    let list = blocking(&state, move |s| {
        s.pool.write(|tx| notes::add_note(tx, &actor, &id, &body))
    })
    .await?;
    Ok(HttpResponse::Created().json(list))
}
