//! Starting, ending and moving service: move-in, move-out and transfer, each creating the
//! service order the field completes.

use actix_web::{post, web, HttpResponse};
use cistern_shared::orders::*;
use cistern_shared::Problem;

use crate::auth::{Allow, Clerks};
use crate::domain::audit::Actor;
use crate::domain::moves::{self, DepositRules};
use crate::error::{validate, ApiResult};
use crate::startup::{blocking, AppState, RequestId};

fn deposits(s: &AppState) -> DepositRules {
    DepositRules {
        owner_cents: s.config.deposit_owner_cents,
        tenant_cents: s.config.deposit_tenant_cents,
    }
}

/// New service: opens the account (pending until the meter is set or turned on), records the
/// deposit the rules require, and creates the field order.
#[utoipa::path(tag = "accounts", request_body = MoveInRequest,
    responses((status = 201, body = MoveInResult), (status = 401, body = Problem), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("/api/v1/move-ins")]
pub async fn move_in(
    state: web::Data<AppState>,
    who: Allow<Clerks>,
    rid: RequestId,
    body: web::Json<MoveInRequest>,
) -> ApiResult<HttpResponse> {
    validate(&*body)?;
    let actor = Actor::user(&who, Some(rid.0));
    let body = body.into_inner();
    let r = blocking(&state, move |s| {
        let rules = deposits(s);
        s.pool.write(|tx| moves::move_in(tx, &actor, &rules, &body))
    })
    .await?;
    Ok(HttpResponse::Created().json(r))
}

/// Move-out: creates the final-read order; completing it marks the account final and queues
/// its closing bill.
#[utoipa::path(tag = "accounts", params(("id" = String, Path, description = "Account id")), request_body = MoveOutRequest,
    responses((status = 201, body = ServiceOrderDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("/api/v1/accounts/{id}/move-out")]
pub async fn move_out(
    state: web::Data<AppState>,
    who: Allow<Clerks>,
    rid: RequestId,
    id: web::Path<String>,
    body: web::Json<MoveOutRequest>,
) -> ApiResult<HttpResponse> {
    validate(&*body)?;
    let actor = Actor::user(&who, Some(rid.0));
    let (id, body) = (id.into_inner(), body.into_inner());
    let o = blocking(&state, move |s| {
        s.pool.write(|tx| moves::move_out(tx, &actor, &id, &body))
    })
    .await?;
    Ok(HttpResponse::Created().json(o))
}

/// Transfer of service: move-out here and move-in at the new address for the same customer,
/// in one step.
#[utoipa::path(tag = "accounts", params(("id" = String, Path, description = "Account id")), request_body = TransferRequest,
    responses((status = 201, body = TransferResult), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("/api/v1/accounts/{id}/transfer")]
pub async fn transfer(
    state: web::Data<AppState>,
    who: Allow<Clerks>,
    rid: RequestId,
    id: web::Path<String>,
    body: web::Json<TransferRequest>,
) -> ApiResult<HttpResponse> {
    validate(&*body)?;
    let actor = Actor::user(&who, Some(rid.0));
    let (id, body) = (id.into_inner(), body.into_inner());
    let r = blocking(&state, move |s| {
        let rules = deposits(s);
        s.pool
            .write(|tx| moves::transfer(tx, &actor, &rules, &id, &body))
    })
    .await?;
    Ok(HttpResponse::Created().json(r))
}
