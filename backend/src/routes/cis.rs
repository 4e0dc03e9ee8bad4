//! Customer-information records: customers, premises, meters, services, notes, contacts,
//! complaints, vendors and system development charges.

use actix_web::{get, patch, post, put, web, HttpResponse};
use cistern_shared::cis::*;
use cistern_shared::Problem;

use crate::auth::{AccountReaders, Allow, Clerks, Leads, MeterKeepers, Staff};
use crate::domain::audit::Actor;
use crate::domain::cis::{self, ComplaintQuery};
use crate::domain::orders;
use crate::error::{validate, ApiError, ApiResult};
use crate::startup::{blocking, AppState, RequestId};

/// One customer with their accounts and contact history.
#[utoipa::path(tag = "customers", params(("id" = String, Path, description = "Customer id")),
    responses((status = 200, body = CustomerDetailDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = ["admin", "finance_director", "lead", "clerk", "field", "auditor", "integrator"])))]
#[get("/api/v1/customers/{id}")]
pub async fn get_customer(
    state: web::Data<AppState>,
    _who: Allow<AccountReaders>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let c = blocking(&state, move |s| s.pool.read(|c| cis::get_customer(c, &id))).await?;
    Ok(HttpResponse::Ok().json(c))
}

/// Add a customer.
#[utoipa::path(tag = "customers", request_body = CustomerInput,
    responses((status = 201, body = CustomerDetailDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = ["admin", "lead", "clerk"])))]
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
        s.pool.write(|c| {
            let id = cis::create_customer(c, &actor, &body)?;
            cis::get_customer(c, &id)
        })
    })
    .await?;
    Ok(HttpResponse::Created().json(c))
}

/// Change a customer's name, addresses, phones, language or notification preferences.
#[utoipa::path(tag = "customers", params(("id" = String, Path, description = "Customer id")), request_body = CustomerInput,
    responses((status = 200, body = CustomerDetailDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = ["admin", "lead", "clerk"])))]
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
            .write(|c| cis::update_customer(c, &actor, &id, &body))
    })
    .await?;
    Ok(HttpResponse::Ok().json(c))
}

/// Log a call, e-mail, visit or letter with a customer.
#[utoipa::path(tag = "customers", params(("id" = String, Path, description = "Customer id")), request_body = ContactInput,
    responses((status = 201, body = Vec<ContactDto>), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = ["admin", "lead", "clerk"])))]
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
        s.pool.write(|c| cis::add_contact(c, &actor, &id, &body))
    })
    .await?;
    Ok(HttpResponse::Created().json(list))
}

/// Premises by service address or parcel (every word must appear), optionally only vacant
/// ones: the picker for starting or transferring service at a premise no account has used.
#[utoipa::path(tag = "premises", params(cis::PremiseQuery),
    responses((status = 200, body = cistern_shared::dto::Page<PremiseSummaryDto>), (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = ["admin", "finance_director", "lead", "clerk", "field", "auditor", "integrator"])))]
#[get("/api/v1/premises")]
pub async fn list_premises(
    state: web::Data<AppState>,
    _who: Allow<AccountReaders>,
    q: web::Query<cis::PremiseQuery>,
) -> ApiResult<HttpResponse> {
    let q = q.into_inner();
    ApiError::check_length("q", q.q.as_deref(), 100)?;
    let page = blocking(&state, move |s| s.pool.read(|c| cis::list_premises(c, &q))).await?;
    Ok(HttpResponse::Ok().json(page))
}

/// One premise: meters, services, every account ever there, SDCs and open orders.
#[utoipa::path(tag = "premises", params(("id" = String, Path, description = "Premise id")),
    responses((status = 200, body = PremiseDetailDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = ["admin", "finance_director", "lead", "clerk", "field", "auditor", "integrator"])))]
#[get("/api/v1/premises/{id}")]
pub async fn get_premise(
    state: web::Data<AppState>,
    _who: Allow<AccountReaders>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let p = blocking(&state, move |s| s.pool.read(|c| cis::get_premise(c, &id))).await?;
    Ok(HttpResponse::Ok().json(p))
}

/// Add a premise (a service location).
#[utoipa::path(tag = "premises", request_body = PremiseInput,
    responses((status = 201, body = PremiseDetailDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = ["admin", "lead", "clerk"])))]
#[post("/api/v1/premises")]
pub async fn create_premise(
    state: web::Data<AppState>,
    who: Allow<Clerks>,
    rid: RequestId,
    body: web::Json<PremiseInput>,
) -> ApiResult<HttpResponse> {
    validate(&*body)?;
    let actor = Actor::user(&who, Some(rid.0));
    let body = body.into_inner();
    let p = blocking(&state, move |s| {
        s.pool.write(|c| {
            let id = cis::create_premise(c, &actor, &body)?;
            cis::get_premise(c, &id)
        })
    })
    .await?;
    Ok(HttpResponse::Created().json(p))
}

/// Change a premise's address, parcel, cycle, route or read sequence.
#[utoipa::path(tag = "premises", params(("id" = String, Path, description = "Premise id")), request_body = PremiseInput,
    responses((status = 200, body = PremiseDetailDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = ["admin", "lead", "clerk"])))]
#[put("/api/v1/premises/{id}")]
pub async fn update_premise(
    state: web::Data<AppState>,
    who: Allow<Clerks>,
    rid: RequestId,
    id: web::Path<String>,
    body: web::Json<PremiseInput>,
) -> ApiResult<HttpResponse> {
    validate(&*body)?;
    let actor = Actor::user(&who, Some(rid.0));
    let (id, body) = (id.into_inner(), body.into_inner());
    let p = blocking(&state, move |s| {
        s.pool.write(|c| cis::update_premise(c, &actor, &id, &body))
    })
    .await?;
    Ok(HttpResponse::Ok().json(p))
}

/// Add a service (water, sewer, stormwater, a fee) at a premise.
#[utoipa::path(tag = "premises", params(("id" = String, Path, description = "Premise id")), request_body = ServiceInput,
    responses((status = 201, body = ServiceDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = ["admin", "lead", "clerk"])))]
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
        s.pool.write(|c| cis::add_service(c, &actor, &id, &body))
    })
    .await?;
    Ok(HttpResponse::Created().json(s))
}

/// Turn one service off for the season (or back on, or end it) without closing the account.
#[utoipa::path(tag = "premises", params(("id" = String, Path, description = "Service id")), request_body = ServiceStatusChange,
    responses((status = 200, body = ServiceDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = ["admin", "lead", "clerk"])))]
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
            .write(|c| cis::change_service_status(c, &actor, &id, &body))
    })
    .await?;
    Ok(HttpResponse::Ok().json(s))
}

/// Record a system development charge against a premise.
#[utoipa::path(tag = "premises", params(("id" = String, Path, description = "Premise id")), request_body = SdcChargeInput,
    responses((status = 201, body = Vec<SdcChargeDto>), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = ["admin", "lead"])))]
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
        s.pool.write(|c| cis::add_sdc(c, &actor, &id, &body))
    })
    .await?;
    Ok(HttpResponse::Created().json(list))
}

use cistern_shared::query::PeriodQuery;

/// Water used at a premise over a period, register by register (meter change-outs included).
#[utoipa::path(tag = "premises", params(("id" = String, Path, description = "Premise id"), PeriodQuery),
    responses((status = 200, body = ConsumptionDto), (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = ["admin", "finance_director", "lead", "clerk", "field", "auditor", "integrator"])))]
#[get("/api/v1/premises/{id}/consumption")]
pub async fn consumption(
    state: web::Data<AppState>,
    _who: Allow<AccountReaders>,
    id: web::Path<String>,
    q: web::Query<PeriodQuery>,
) -> ApiResult<HttpResponse> {
    let (id, q) = (id.into_inner(), q.into_inner());
    if q.to < q.from {
        return Err(ApiError::field(
            "to",
            "before_from",
            "the period ends before it starts",
        ));
    }
    let d = blocking(&state, move |s| {
        s.pool.read(|c| orders::consumption(c, &id, q.from, q.to))
    })
    .await?;
    Ok(HttpResponse::Ok().json(d))
}

use cistern_shared::query::MeterQuery;

/// The meter inventory (`status=in_stock` for meters ready to set).
#[utoipa::path(tag = "meters", params(MeterQuery),
    responses((status = 200, body = Vec<MeterDto>), (status = 401, body = Problem), (status = 403, body = Problem)),
    security(("bearer" = ["admin", "finance_director", "lead", "clerk", "field", "auditor"])))]
#[get("/api/v1/meters")]
pub async fn list_meters(
    state: web::Data<AppState>,
    _who: Allow<Staff>,
    q: web::Query<MeterQuery>,
) -> ApiResult<HttpResponse> {
    let q = q.into_inner();
    let list = blocking(&state, move |s| {
        s.pool
            .read(|c| cis::list_meters(c, q.status, q.q.as_deref(), 500))
    })
    .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// One meter with its registers and recent reads.
#[utoipa::path(tag = "meters", params(("id" = String, Path, description = "Meter id")),
    responses((status = 200, body = MeterDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = ["admin", "finance_director", "lead", "clerk", "field", "auditor"])))]
#[get("/api/v1/meters/{id}")]
pub async fn get_meter(
    state: web::Data<AppState>,
    _who: Allow<Staff>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let m = blocking(&state, move |s| {
        s.pool.read(|c| {
            cis::meters_by_ids(c, std::slice::from_ref(&id))?
                .pop()
                .ok_or_else(ApiError::not_found)
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(m))
}

/// Add a meter to the inventory (in stock until it is set).
#[utoipa::path(tag = "meters", request_body = MeterInput,
    responses((status = 201, body = MeterDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = ["admin", "lead", "field"])))]
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
        s.pool.write(|c| cis::create_meter(c, &actor, &body))
    })
    .await?;
    Ok(HttpResponse::Created().json(m))
}

/// Everything about an account at a glance.
#[utoipa::path(tag = "accounts", params(("id" = String, Path, description = "Account id")),
    responses((status = 200, body = AccountOverviewDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = ["admin", "finance_director", "lead", "clerk", "field", "auditor", "integrator"])))]
#[get("/api/v1/accounts/{id}/overview")]
pub async fn overview(
    state: web::Data<AppState>,
    who: Allow<AccountReaders>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let (who, id) = (who.0, id.into_inner());
    let o = blocking(&state, move |s| {
        s.pool.read(|c| cis::overview(c, &who, &id))
    })
    .await?;
    Ok(HttpResponse::Ok().json(o))
}

/// Add a note to an account.
#[utoipa::path(tag = "accounts", params(("id" = String, Path, description = "Account id")), request_body = NoteInput,
    responses((status = 201, body = Vec<NoteDto>), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = ["admin", "lead", "clerk"])))]
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
        s.pool.write(|c| cis::add_note(c, &actor, &id, &body))
    })
    .await?;
    Ok(HttpResponse::Created().json(list))
}

/// Customer complaints (newest first).
#[utoipa::path(tag = "complaints", params(ComplaintQuery),
    responses((status = 200, body = Vec<ComplaintDto>), (status = 401, body = Problem), (status = 403, body = Problem)),
    security(("bearer" = ["admin", "finance_director", "lead", "clerk", "field", "auditor"])))]
#[get("/api/v1/complaints")]
pub async fn list_complaints(
    state: web::Data<AppState>,
    _who: Allow<Staff>,
    q: web::Query<ComplaintQuery>,
) -> ApiResult<HttpResponse> {
    let q = q.into_inner();
    let list = blocking(&state, move |s| s.pool.read(|c| cis::complaints(c, &q))).await?;
    Ok(HttpResponse::Ok().json(list))
}

/// Open a complaint.
#[utoipa::path(tag = "complaints", request_body = ComplaintInput,
    responses((status = 201, body = ComplaintDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = ["admin", "lead", "clerk"])))]
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
        s.pool.write(|c| cis::open_complaint(c, &actor, &body))
    })
    .await?;
    Ok(HttpResponse::Created().json(c))
}

/// Assign, progress or resolve a complaint (resolving needs a resolution).
#[utoipa::path(tag = "complaints", params(("id" = String, Path, description = "Complaint id")), request_body = ComplaintUpdate,
    responses((status = 200, body = ComplaintDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = ["admin", "lead", "clerk"])))]
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
            .write(|c| cis::update_complaint(c, &actor, &id, &body))
    })
    .await?;
    Ok(HttpResponse::Ok().json(c))
}

/// The vendor files (billing software, phone notification, postal, meters, printing...).
#[utoipa::path(tag = "vendors",
    responses((status = 200, body = Vec<VendorDto>), (status = 401, body = Problem), (status = 403, body = Problem)),
    security(("bearer" = ["admin", "finance_director", "lead", "clerk", "field", "auditor"])))]
#[get("/api/v1/vendors")]
pub async fn list_vendors(
    state: web::Data<AppState>,
    _who: Allow<Staff>,
) -> ApiResult<HttpResponse> {
    let list = blocking(&state, |s| s.pool.read(cis::vendors)).await?;
    Ok(HttpResponse::Ok().json(list))
}

/// Add a vendor file.
#[utoipa::path(tag = "vendors", request_body = VendorInput,
    responses((status = 201, body = VendorDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = ["admin", "lead"])))]
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
        s.pool.write(|c| cis::save_vendor(c, &actor, None, &body))
    })
    .await?;
    Ok(HttpResponse::Created().json(v))
}

/// Update a vendor file.
#[utoipa::path(tag = "vendors", params(("id" = String, Path, description = "Vendor id")), request_body = VendorInput,
    responses((status = 200, body = VendorDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = ["admin", "lead"])))]
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
            .write(|c| cis::save_vendor(c, &actor, Some(&id), &body))
    })
    .await?;
    Ok(HttpResponse::Ok().json(v))
}
