//! Rate schedules (versioned documents: drafts, maker-checker approval, retirement, import and
//! export byte for byte) and quotes from the bill engine. The rules are in `domain::rates`.

use actix_web::http::header::{self, ContentDisposition, DispositionParam, DispositionType};
use actix_web::{get, post, put, web, HttpMessage, HttpRequest, HttpResponse};
use cistern_shared::rates::RateSchedule;
use cistern_shared::rates_api::{
    ApproveRateScheduleRequest, RateBookDto, RateQuoteDto, RateQuoteRequest, RateScheduleDto,
    RateScheduleSummaryDto, RateValidationDto, RetireRateScheduleRequest,
};
use cistern_shared::Problem;
use cistern_shared::{ErrorCode, Role};

use crate::auth::{Allow, RateApprovers, RateEditors, RateReaders, SignedIn};
use crate::domain::audit::Actor;
use crate::domain::rates::{self, Origin, QuoteAudience};
use crate::error::{validate, ApiError, ApiResult};
use crate::startup::{blocking, AppState, RequestId};

/// Reads the whole request body, up to the configured limit, as a problem when too large.
async fn body_bytes(state: &AppState, payload: web::Payload) -> ApiResult<Vec<u8>> {
    match payload.to_bytes_limited(state.config.max_body_bytes).await {
        Ok(Ok(bytes)) => Ok(bytes.to_vec()),
        Ok(Err(_)) => Err(ApiError::with_detail(
            ErrorCode::MalformedJson,
            "the request body could not be read",
        )),
        Err(_) => Err(ApiError::with_detail(
            ErrorCode::PayloadTooLarge,
            "the request body is too large",
        )),
    }
}

fn require_json(req: &HttpRequest) -> ApiResult<()> {
    if req.content_type().eq_ignore_ascii_case("application/json") {
        Ok(())
    } else {
        Err(ApiError::with_detail(
            ErrorCode::UnsupportedMediaType,
            "send the body as application/json",
        ))
    }
}

/// Rate books: each document `id` with its version counts, the version in effect today and
/// those to come.
#[utoipa::path(
    tag = "rates",
    responses(
        (status = 200, description = "Rate books by id", body = Vec<RateBookDto>),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Role not allowed", body = Problem)
    )
)]
#[get("/api/v1/rate-books")]
pub async fn list_books(
    state: web::Data<AppState>,
    _who: Allow<RateReaders>,
) -> ApiResult<HttpResponse> {
    let list = blocking(&state, |s| {
        let today = s.business_date();
        s.pool.read(|c| rates::list_books(c, today))
    })
    .await?;
    Ok(HttpResponse::Ok().json(list))
}

use cistern_shared::query::RateListQuery;

/// The printable rate list for staff: of every rate book, the approved version in effect on
/// the date, each charge in plain words (prices, blocks, fixed amounts, who pays them), and
/// the next version to come. Drafts and retired versions are never on it.
#[utoipa::path(
    tag = "rates",
    params(RateListQuery),
    responses(
        (status = 200, description = "The rate list as a PDF", content_type = "application/pdf"),
        (status = 400, description = "Malformed query (e.g. a date that is not YYYY-MM-DD)", body = Problem),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Role not allowed", body = Problem)
    )
)]
#[get("/api/v1/rate-books/rate-list.pdf")]
pub async fn rate_list(
    state: web::Data<AppState>,
    who: Allow<RateReaders>,
    q: web::Query<RateListQuery>,
) -> ApiResult<HttpResponse> {
    let (user_id, q) = (who.user_id.clone(), q.into_inner());
    let (bytes, on) = blocking(&state, move |s| {
        let on = q.on.unwrap_or_else(|| s.business_date());
        s.pool.read(|c| {
            let locale = match q.lang {
                Some(l) => l,
                None => rates::user_locale(c, &user_id)?,
            };
            Ok((rates::rate_list_pdf(c, on, locale)?, on))
        })
    })
    .await?;
    Ok(HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header(ContentDisposition {
            disposition: DispositionType::Inline,
            parameters: vec![DispositionParam::Filename(format!("rate-list-{on}.pdf"))],
        })
        .body(bytes))
}

/// Every version of one rate book, newest first.
#[utoipa::path(
    tag = "rates",
    params(("id" = String, Path, description = "Rate book id (the document's `id`)")),
    responses(
        (status = 200, description = "Versions, newest first", body = Vec<RateScheduleSummaryDto>),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Role not allowed", body = Problem),
        (status = 404, description = "No such rate book", body = Problem)
    )
)]
#[get("/api/v1/rate-books/{id}/versions")]
pub async fn list_versions(
    state: web::Data<AppState>,
    _who: Allow<RateReaders>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let list = blocking(&state, move |s| {
        s.pool.read(|c| rates::list_versions(c, &id))
    })
    .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// Create a draft: the body is a rate schedule document (docs/rates.md), stored exactly as
/// sent, as the next version of its rate book. It must validate clean.
#[utoipa::path(
    tag = "rates",
    request_body(content = RateSchedule, content_type = "application/json",
        description = "A rate schedule document, format version 1"),
    responses(
        (status = 201, description = "The new draft", body = RateScheduleSummaryDto),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Role not allowed", body = Problem),
        (status = 409, description = "Saved at the same moment as another version; try again", body = Problem),
        (status = 413, description = "Body too large", body = Problem),
        (status = 415, description = "Not application/json", body = Problem),
        (status = 422, description = "Not a valid document; `fields` has every problem with its JSON path", body = Problem)
    )
)]
#[post("/api/v1/rate-schedules")]
pub async fn create(
    state: web::Data<AppState>,
    who: Allow<RateEditors>,
    rid: RequestId,
    req: HttpRequest,
    payload: web::Payload,
) -> ApiResult<HttpResponse> {
    require_json(&req)?;
    let body = body_bytes(&state, payload).await?;
    let actor = Actor::user(&who, Some(rid.0));
    let created = blocking(&state, move |s| {
        s.pool
            .write(|tx| rates::create_draft(tx, &actor, &body, Origin::Api))
    })
    .await?;
    Ok(HttpResponse::Created().json(created))
}

/// Import a rate schedule file as a new draft: like creating one, but any content type is
/// accepted (a file upload); the bytes are kept exactly, so an export gives them back.
#[utoipa::path(
    tag = "rates",
    request_body(content = RateSchedule, content_type = "application/json",
        description = "The file's bytes: UTF-8 JSON in the rate schedule format (any content type)"),
    responses(
        (status = 201, description = "The new draft", body = RateScheduleSummaryDto),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Role not allowed", body = Problem),
        (status = 409, description = "Saved at the same moment as another version; try again", body = Problem),
        (status = 413, description = "Body too large", body = Problem),
        (status = 422, description = "Not a valid document; `fields` has every problem with its JSON path", body = Problem)
    )
)]
#[post("/api/v1/rate-schedules/import")]
pub async fn import(
    state: web::Data<AppState>,
    who: Allow<RateEditors>,
    rid: RequestId,
    payload: web::Payload,
) -> ApiResult<HttpResponse> {
    let body = body_bytes(&state, payload).await?;
    let actor = Actor::user(&who, Some(rid.0));
    let created = blocking(&state, move |s| {
        s.pool
            .write(|tx| rates::create_draft(tx, &actor, &body, Origin::Import))
    })
    .await?;
    Ok(HttpResponse::Created().json(created))
}

/// Check a document without saving it: its own problems and conflicts with the approved
/// versions of its rate book. A document that cannot be read is reported as one problem.
#[utoipa::path(
    tag = "rates",
    request_body(content = RateSchedule, content_type = "application/json",
        description = "A rate schedule document, format version 1"),
    responses(
        (status = 200, description = "Every problem, with the JSON path of its field", body = RateValidationDto),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Role not allowed", body = Problem),
        (status = 413, description = "Body too large", body = Problem)
    )
)]
#[post("/api/v1/rate-schedules/validate")]
pub async fn validate_document(
    state: web::Data<AppState>,
    _who: Allow<RateReaders>,
    payload: web::Payload,
) -> ApiResult<HttpResponse> {
    let body = body_bytes(&state, payload).await?;
    let answer = blocking(&state, move |s| {
        s.pool.read(|c| rates::validate_document(c, &body))
    })
    .await?;
    Ok(HttpResponse::Ok().json(answer))
}

/// One version with its parsed document and, for a draft, what approval would refuse.
#[utoipa::path(
    tag = "rates",
    params(("id" = String, Path, description = "Rate schedule version id")),
    responses(
        (status = 200, description = "The version", body = RateScheduleDto),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Role not allowed", body = Problem),
        (status = 404, description = "No such version", body = Problem)
    )
)]
#[get("/api/v1/rate-schedules/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    _who: Allow<RateReaders>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let v = blocking(&state, move |s| s.pool.read(|c| rates::get(c, &id))).await?;
    Ok(HttpResponse::Ok().json(v))
}

/// Replace a draft's document (stored exactly as sent). Approved and retired versions never
/// change (409): import a corrected document as a new draft instead.
#[utoipa::path(
    tag = "rates",
    params(("id" = String, Path, description = "Rate schedule version id")),
    request_body(content = RateSchedule, content_type = "application/json",
        description = "The whole new document; its `id` must stay the draft's rate book"),
    responses(
        (status = 200, description = "The draft as saved", body = RateScheduleSummaryDto),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Role not allowed", body = Problem),
        (status = 404, description = "No such version", body = Problem),
        (status = 409, description = "Not a draft", body = Problem),
        (status = 413, description = "Body too large", body = Problem),
        (status = 415, description = "Not application/json", body = Problem),
        (status = 422, description = "Not a valid document, or another rate book's", body = Problem)
    )
)]
#[put("/api/v1/rate-schedules/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    who: Allow<RateEditors>,
    rid: RequestId,
    id: web::Path<String>,
    req: HttpRequest,
    payload: web::Payload,
) -> ApiResult<HttpResponse> {
    require_json(&req)?;
    let body = body_bytes(&state, payload).await?;
    let actor = Actor::user(&who, Some(rid.0));
    let id = id.into_inner();
    let saved = blocking(&state, move |s| {
        s.pool
            .write(|tx| rates::update_draft(tx, &actor, &id, &body))
    })
    .await?;
    Ok(HttpResponse::Ok().json(saved))
}

/// The document exactly as stored (what was created, imported or last saved), as a file.
#[utoipa::path(
    tag = "rates",
    params(("id" = String, Path, description = "Rate schedule version id")),
    responses(
        (status = 200, description = "The stored document, byte for byte", content_type = "application/json", body = RateSchedule),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Role not allowed", body = Problem),
        (status = 404, description = "No such version", body = Problem)
    )
)]
#[get("/api/v1/rate-schedules/{id}/export")]
pub async fn export(
    state: web::Data<AppState>,
    _who: Allow<RateReaders>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let (filename, text) =
        blocking(&state, move |s| s.pool.read(|c| rates::export(c, &id))).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "application/json"))
        .insert_header(ContentDisposition {
            disposition: DispositionType::Attachment,
            parameters: vec![DispositionParam::Filename(filename)],
        })
        .body(text))
}

/// Approve a draft. The approver must not be the draft's last editor (maker-checker); the
/// document must validate clean and agree with the rate book's approved versions (one per
/// effective date). Send `document_sha256` to approve exactly what you reviewed.
#[utoipa::path(
    tag = "rates",
    params(("id" = String, Path, description = "Rate schedule version id")),
    request_body = ApproveRateScheduleRequest,
    responses(
        (status = 200, description = "Approved", body = RateScheduleSummaryDto),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Role not allowed", body = Problem),
        (status = 404, description = "No such version", body = Problem),
        (status = 409, description = "Not a draft, you made its last change, or it changed since you reviewed it", body = Problem),
        (status = 422, description = "Problems or conflicts with approved versions, in `fields`", body = Problem)
    )
)]
#[post("/api/v1/rate-schedules/{id}/approve")]
pub async fn approve(
    state: web::Data<AppState>,
    who: Allow<RateApprovers>,
    rid: RequestId,
    id: web::Path<String>,
    body: web::Json<ApproveRateScheduleRequest>,
) -> ApiResult<HttpResponse> {
    validate(&*body)?;
    let actor = Actor::user(&who, Some(rid.0));
    let (id, body) = (id.into_inner(), body.into_inner());
    let v = blocking(&state, move |s| {
        s.pool.write(|tx| rates::approve(tx, &actor, &id, &body))
    })
    .await?;
    Ok(HttpResponse::Ok().json(v))
}

/// Retire an approved version: it stays on record but is no longer used for quotes, and a
/// corrected version for the same date may then be approved.
#[utoipa::path(
    tag = "rates",
    params(("id" = String, Path, description = "Rate schedule version id")),
    request_body = RetireRateScheduleRequest,
    responses(
        (status = 200, description = "Retired", body = RateScheduleSummaryDto),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Role not allowed", body = Problem),
        (status = 404, description = "No such version", body = Problem),
        (status = 409, description = "Not an approved version", body = Problem),
        (status = 422, description = "Invalid input", body = Problem)
    )
)]
#[post("/api/v1/rate-schedules/{id}/retire")]
pub async fn retire(
    state: web::Data<AppState>,
    who: Allow<RateApprovers>,
    rid: RequestId,
    id: web::Path<String>,
    body: web::Json<RetireRateScheduleRequest>,
) -> ApiResult<HttpResponse> {
    validate(&*body)?;
    let actor = Actor::user(&who, Some(rid.0));
    let (id, body) = (id.into_inner(), body.into_inner());
    let v = blocking(&state, move |s| {
        s.pool.write(|tx| rates::retire(tx, &actor, &id, &body))
    })
    .await?;
    Ok(HttpResponse::Ok().json(v))
}

use cistern_shared::query::QuoteQuery as LangQuery;

/// Calculate an itemised bill for an account's facts (meter size, class, consumption, winter
/// average, dwelling units, period dates) against one version (e.g. a draft) or the approved
/// versions in effect, with the bill explained in English or Spanish.
#[utoipa::path(
    tag = "rates",
    params(LangQuery),
    request_body = RateQuoteRequest,
    responses(
        (status = 200, description = "The bill and its explanation", body = RateQuoteDto),
        (status = 400, description = "Malformed body or query", body = Problem),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Role not allowed", body = Problem),
        (status = 404, description = "No such version", body = Problem),
        (status = 422, description = "The bill cannot be calculated; `fields[0].code` is the engine's reason (e.g. `missing_winter_average`)", body = Problem)
    )
)]
#[post("/api/v1/rate-quotes")]
pub async fn quote(
    state: web::Data<AppState>,
    who: Allow<SignedIn>,
    q: web::Query<LangQuery>,
    body: web::Json<RateQuoteRequest>,
) -> ApiResult<HttpResponse> {
    let audience = if who.role == Role::Customer {
        QuoteAudience::Customer
    } else {
        QuoteAudience::Staff
    };
    let (lang, user_id, body) = (q.into_inner().lang, who.user_id.clone(), body.into_inner());
    let answer = blocking(&state, move |s| {
        s.pool.read(|c| {
            let locale = match lang {
                Some(l) => l,
                None => rates::user_locale(c, &user_id)?,
            };
            rates::quote(c, audience, &body, locale)
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(answer))
}
