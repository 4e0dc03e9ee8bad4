use actix_web::{get, web, HttpResponse};
use cistern_shared::accounts::AccountOverviewDto;
use cistern_shared::dto::{AccountDto, AccountSummaryDto, CycleDto, DashboardDto, Page};
use cistern_shared::Problem;

use crate::auth::{AccountReaders, AccountReadersOwn, Allow, Customers, Staff};
use crate::domain::accounts::{self, AccountQuery};
use crate::error::{ApiError, ApiResult};
use crate::startup::{blocking, AppState};

/// The staff console's front page: today's business date and the city at a glance.
#[utoipa::path(
    tag = "accounts",
    responses(
        (status = 200, description = "Counts and totals", body = DashboardDto),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Role not allowed", body = Problem)
    )
)]
#[get("/api/v1/dashboard")]
pub async fn dashboard(state: web::Data<AppState>, _who: Allow<Staff>) -> ApiResult<HttpResponse> {
    let d = blocking(&state, |s| {
        let today = s.business_date();
        s.pool.read(|c| accounts::dashboard(c, today))
    })
    .await?;
    Ok(HttpResponse::Ok().json(d))
}

/// Billing cycles with their account counts.
#[utoipa::path(
    tag = "accounts",
    responses(
        (status = 200, description = "Cycles by code", body = Vec<CycleDto>),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Role not allowed", body = Problem)
    )
)]
#[get("/api/v1/cycles")]
pub async fn cycles(
    state: web::Data<AppState>,
    _who: Allow<AccountReaders>,
) -> ApiResult<HttpResponse> {
    let list = blocking(&state, |s| s.pool.read(|c| accounts::cycles(c))).await?;
    Ok(HttpResponse::Ok().json(list))
}

/// Find accounts by number, customer name or service address.
#[utoipa::path(
    tag = "accounts",
    params(AccountQuery),
    responses(
        (status = 200, description = "Matching accounts by number", body = Page<AccountSummaryDto>),
        (status = 400, description = "Bad query parameter", body = Problem),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Role not allowed", body = Problem)
    )
)]
#[get("/api/v1/accounts")]
pub async fn search(
    state: web::Data<AppState>,
    _who: Allow<AccountReaders>,
    q: web::Query<AccountQuery>,
) -> ApiResult<HttpResponse> {
    let q = q.into_inner();
    ApiError::check_length("q", q.q.as_deref(), 100)?;
    let page = blocking(&state, move |s| s.pool.read(|c| accounts::search(c, &q))).await?;
    Ok(HttpResponse::Ok().json(page))
}

/// One account in full. Customers may read only their own; others' answer 404.
#[utoipa::path(
    tag = "accounts",
    params(("id" = String, Path, description = "Account id")),
    responses(
        (status = 200, description = "The account", body = AccountDto),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Role not allowed", body = Problem),
        (status = 404, description = "No such account (or not yours)", body = Problem)
    )
)]
#[get("/api/v1/accounts/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    who: Allow<AccountReadersOwn>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let (who, id) = (who.0, id.into_inner());
    let a = blocking(&state, move |s| {
        s.pool.read(|c| accounts::get(c, &who, &id))
    })
    .await?;
    Ok(HttpResponse::Ok().json(a))
}

/// The signed-in customer's own accounts.
#[utoipa::path(
    tag = "portal",
    responses(
        (status = 200, description = "Your accounts", body = Vec<AccountSummaryDto>),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Role not allowed", body = Problem)
    )
)]
#[get("/api/v1/portal/accounts")]
pub async fn portal_accounts(
    state: web::Data<AppState>,
    who: Allow<Customers>,
) -> ApiResult<HttpResponse> {
    let customer_id = who.customer_id.clone().ok_or_else(ApiError::not_found)?;
    let list = blocking(&state, move |s| {
        s.pool.read(|c| accounts::of_customer(c, &customer_id))
    })
    .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// Everything about an account at a glance.
#[utoipa::path(tag = "accounts", params(("id" = String, Path, description = "Account id")),
    responses((status = 200, body = AccountOverviewDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
#[get("/api/v1/accounts/{id}/overview")]
pub async fn overview(
    state: web::Data<AppState>,
    who: Allow<AccountReaders>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let (who, id) = (who.0, id.into_inner());
    let o = blocking(&state, move |s| {
        s.pool.read(|c| accounts::overview(c, &who, &id))
    })
    .await?;
    Ok(HttpResponse::Ok().json(o))
}
