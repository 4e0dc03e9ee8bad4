//! System development charges: record one against a premise.

use actix_web::{post, web, HttpResponse};
use cistern_shared::sdcs::{SdcChargeDto, SdcChargeInput};
use cistern_shared::Problem;

use crate::auth::{Allow, Leads};
use crate::domain::audit::Actor;
use crate::domain::sdcs;
use crate::error::{validate, ApiResult};
use crate::startup::{blocking, AppState, RequestId};

/// Record a system development charge against a premise.
#[utoipa::path(tag = "premises", params(("id" = String, Path, description = "Premise id")), request_body = SdcChargeInput,
    responses((status = 201, body = Vec<SdcChargeDto>), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[post("/api/v1/premises/{id}/sdc-charges")]
pub async fn add_sdc(
    state: web::Data<AppState>,
    who: Allow<Leads>,
    rid: RequestId,
    id: web::Path<String>,
    body: web::Json<SdcChargeInput>,
) -> ApiResult<HttpResponse> {
    validate(&*body)?;
    let actor = Actor::user(&who, Some(rid.0));
    let (id, body) = (id.into_inner(), body.into_inner());
    let list = blocking(&state, move |s| {
        s.pool.write(|tx| sdcs::add_sdc(tx, &actor, &id, &body))
    })
    .await?;
    Ok(HttpResponse::Created().json(list))
}
