use actix_web::{get, patch, post, web, HttpResponse};
use cistern_shared::dto::{
    ApiKeyCreated, ApiKeyDto, AuditEntryDto, CreateApiKeyRequest, CreateUserRequest,
    EnqueueJobRequest, JobDto, Page, ResetPasswordRequest, UpdateUserRequest, UserDto,
};
use cistern_shared::query::PageQuery;
use cistern_shared::Problem;

use crate::auth::{AdminOnly, Allow, AuditReaders};
use crate::domain::audit::{self, Actor, AuditQuery};
use crate::domain::{jobs, users};
use crate::error::{validate, ApiResult};
use crate::startup::{blocking, AppState, RequestId};

/// List users.
#[utoipa::path(
    tag = "users",
    params(PageQuery),
    responses(
        (status = 200, description = "Users by username", body = Page<UserDto>),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Role not allowed", body = Problem)
    )
)]
#[get("/api/v1/users")]
pub async fn list_users(
    state: web::Data<AppState>,
    _who: Allow<AdminOnly>,
    q: web::Query<PageQuery>,
) -> ApiResult<HttpResponse> {
    let q = q.into_inner();
    let page = blocking(&state, move |s| {
        s.pool.read(|c| users::list(c, q.page, q.per_page))
    })
    .await?;
    Ok(HttpResponse::Ok().json(page))
}

/// Create a user. Integrators get no password: issue them an API key.
#[utoipa::path(
    tag = "users",
    request_body = CreateUserRequest,
    responses(
        (status = 201, description = "Created", body = UserDto),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Role not allowed", body = Problem),
        (status = 409, description = "Username taken", body = Problem),
        (status = 422, description = "Invalid input", body = Problem)
    )
)]
#[post("/api/v1/users")]
pub async fn create_user(
    state: web::Data<AppState>,
    who: Allow<AdminOnly>,
    rid: RequestId,
    body: web::Json<CreateUserRequest>,
) -> ApiResult<HttpResponse> {
    validate(&*body)?;
    let actor = Actor::user(&who, Some(rid.0));
    let body = body.into_inner();
    let user = blocking(&state, move |s| {
        // The slow hashing runs before the transaction opens.
        let hash = users::new_user_password_hash(&s.hasher, &body)?;
        s.pool.write(|tx| users::create(tx, &actor, &body, hash))
    })
    .await?;
    Ok(HttpResponse::Created().json(user))
}

/// One user.
#[utoipa::path(
    tag = "users",
    params(("id" = String, Path, description = "User id")),
    responses(
        (status = 200, description = "The user", body = UserDto),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Role not allowed", body = Problem),
        (status = 404, description = "No such user", body = Problem)
    )
)]
#[get("/api/v1/users/{id}")]
pub async fn get_user(
    state: web::Data<AppState>,
    _who: Allow<AdminOnly>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let user = blocking(&state, move |s| {
        s.pool
            .read(|c| users::find_by_id(c, &id))
            .map(UserDto::from)
    })
    .await?;
    Ok(HttpResponse::Ok().json(user))
}

/// Change a user's name, role, language or whether they may sign in. Deactivating a user or
/// changing their role ends their sessions at once.
#[utoipa::path(
    tag = "users",
    params(("id" = String, Path, description = "User id")),
    request_body = UpdateUserRequest,
    responses(
        (status = 200, description = "Updated", body = UserDto),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Role not allowed", body = Problem),
        (status = 404, description = "No such user", body = Problem),
        (status = 409, description = "Not allowed on yourself", body = Problem),
        (status = 422, description = "Invalid input", body = Problem)
    )
)]
#[patch("/api/v1/users/{id}")]
pub async fn update_user(
    state: web::Data<AppState>,
    who: Allow<AdminOnly>,
    rid: RequestId,
    id: web::Path<String>,
    body: web::Json<UpdateUserRequest>,
) -> ApiResult<HttpResponse> {
    validate(&*body)?;
    let actor = Actor::user(&who, Some(rid.0));
    let (id, body) = (id.into_inner(), body.into_inner());
    let user = blocking(&state, move |s| {
        s.pool.write(|tx| users::update(tx, &actor, &id, &body))
    })
    .await?;
    Ok(HttpResponse::Ok().json(user))
}

/// Set a new password for a user (for example, one who forgot theirs). Their sessions end.
#[utoipa::path(
    tag = "users",
    params(("id" = String, Path, description = "User id")),
    request_body = ResetPasswordRequest,
    responses(
        (status = 204, description = "Password set"),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Role not allowed", body = Problem),
        (status = 404, description = "No such user", body = Problem),
        (status = 422, description = "Invalid input", body = Problem)
    )
)]
#[post("/api/v1/users/{id}/password")]
pub async fn reset_password(
    state: web::Data<AppState>,
    who: Allow<AdminOnly>,
    rid: RequestId,
    id: web::Path<String>,
    body: web::Json<ResetPasswordRequest>,
) -> ApiResult<HttpResponse> {
    validate(&*body)?;
    let actor = Actor::user(&who, Some(rid.0));
    let (id, body) = (id.into_inner(), body.into_inner());
    blocking(&state, move |s| {
        // The slow hashing runs before the transaction opens.
        let hash = s.hasher.hash(&body.new_password)?;
        s.pool
            .write(|tx| users::reset_password(tx, &actor, &id, hash))
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// End every session of a user, on every server.
#[utoipa::path(
    tag = "users",
    params(("id" = String, Path, description = "User id")),
    responses(
        (status = 204, description = "Sessions ended"),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Role not allowed", body = Problem),
        (status = 404, description = "No such user", body = Problem)
    )
)]
#[post("/api/v1/users/{id}/sessions/revoke")]
pub async fn revoke_sessions(
    state: web::Data<AppState>,
    who: Allow<AdminOnly>,
    rid: RequestId,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let actor = Actor::user(&who, Some(rid.0));
    let id = id.into_inner();
    blocking(&state, move |s| {
        s.pool
            .write(|tx| users::revoke_sessions_of(tx, &actor, &id))
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Issue an API key for an integrator user, optionally expiring and limited to named
/// operations. The key is shown once, in this answer; the server keeps only its hash.
#[utoipa::path(
    tag = "users",
    params(("id" = String, Path, description = "User id of an integrator")),
    request_body = CreateApiKeyRequest,
    responses(
        (status = 201, description = "The new key", body = ApiKeyCreated),
        (status = 400, description = "Malformed body", body = Problem),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Role not allowed", body = Problem),
        (status = 404, description = "No such user", body = Problem),
        (status = 409, description = "Not an integrator", body = Problem),
        (status = 422, description = "Invalid name, expiry or operations", body = Problem)
    )
)]
#[post("/api/v1/users/{id}/api-keys")]
pub async fn create_api_key(
    state: web::Data<AppState>,
    who: Allow<AdminOnly>,
    rid: RequestId,
    id: web::Path<String>,
    body: web::Json<CreateApiKeyRequest>,
) -> ApiResult<HttpResponse> {
    validate(&*body)?;
    let actor = Actor::user(&who, Some(rid.0));
    let id = id.into_inner();
    let body = body.into_inner();
    let key = blocking(&state, move |s| {
        s.pool
            .write(|tx| users::create_api_key(tx, &actor, &id, &body))
    })
    .await?;
    Ok(HttpResponse::Created().json(key))
}

/// An integrator's API keys, newest first: name, prefix, expiry, last use, limits, revocation.
#[utoipa::path(
    tag = "users",
    params(("id" = String, Path, description = "User id")),
    responses(
        (status = 200, description = "The keys (never the keys themselves)", body = Vec<ApiKeyDto>),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Role not allowed", body = Problem),
        (status = 404, description = "No such user", body = Problem)
    )
)]
#[get("/api/v1/users/{id}/api-keys")]
pub async fn list_api_keys(
    state: web::Data<AppState>,
    _who: Allow<AdminOnly>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let keys = blocking(&state, move |s| s.pool.read(|c| users::api_keys_of(c, &id))).await?;
    Ok(HttpResponse::Ok().json(keys))
}

/// Revoke one API key at once; the integrator's other keys keep working.
#[utoipa::path(
    tag = "users",
    params(
        ("id" = String, Path, description = "User id"),
        ("key_id" = String, Path, description = "API key id")
    ),
    responses(
        (status = 200, description = "The key, revoked", body = ApiKeyDto),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Role not allowed", body = Problem),
        (status = 404, description = "No such key of this user", body = Problem)
    )
)]
#[post("/api/v1/users/{id}/api-keys/{key_id}/revoke")]
pub async fn revoke_api_key(
    state: web::Data<AppState>,
    who: Allow<AdminOnly>,
    rid: RequestId,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    let actor = Actor::user(&who, Some(rid.0));
    let (id, key_id) = path.into_inner();
    let key = blocking(&state, move |s| {
        s.pool
            .write(|tx| users::revoke_api_key(tx, &actor, &id, &key_id))
    })
    .await?;
    Ok(HttpResponse::Ok().json(key))
}

/// The audit trail, newest first.
#[utoipa::path(
    tag = "audit",
    params(AuditQuery),
    responses(
        (status = 200, description = "Entries", body = Page<AuditEntryDto>),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Role not allowed", body = Problem)
    )
)]
#[get("/api/v1/audit")]
pub async fn audit_log(
    state: web::Data<AppState>,
    _who: Allow<AuditReaders>,
    q: web::Query<AuditQuery>,
) -> ApiResult<HttpResponse> {
    let q = q.into_inner();
    let page = blocking(&state, move |s| s.pool.read(|c| audit::query(c, &q))).await?;
    Ok(HttpResponse::Ok().json(page))
}

/// Recent background jobs.
#[utoipa::path(
    tag = "jobs",
    responses(
        (status = 200, description = "Newest first", body = Vec<JobDto>),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Role not allowed", body = Problem)
    )
)]
#[get("/api/v1/jobs")]
pub async fn list_jobs(
    state: web::Data<AppState>,
    _who: Allow<AdminOnly>,
) -> ApiResult<HttpResponse> {
    let list = blocking(&state, |s| s.pool.read(|c| jobs::list(c, 100))).await?;
    Ok(HttpResponse::Ok().json(list))
}

/// Queue a job now. Exactly one server instance will run it.
#[utoipa::path(
    tag = "jobs",
    request_body = EnqueueJobRequest,
    responses(
        (status = 202, description = "Queued", body = JobDto),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Role not allowed", body = Problem),
        (status = 422, description = "Unknown kind", body = Problem)
    )
)]
#[post("/api/v1/jobs")]
pub async fn enqueue_job(
    state: web::Data<AppState>,
    who: Allow<AdminOnly>,
    rid: RequestId,
    body: web::Json<EnqueueJobRequest>,
) -> ApiResult<HttpResponse> {
    validate(&*body)?;
    let actor = Actor::user(&who, Some(rid.0));
    let kind = body.into_inner().kind;
    let job = blocking(&state, move |s| {
        s.pool.write(|tx| {
            let id = jobs::enqueue(tx, &actor, &kind, crate::db::now(), None)?
                .ok_or_else(|| crate::error::ApiError::internal("job not queued"))?;
            jobs::get(tx, &id)
        })
    })
    .await?;
    Ok(HttpResponse::Accepted().json(job))
}

/// One job and its outcome.
#[utoipa::path(
    tag = "jobs",
    params(("id" = String, Path, description = "Job id")),
    responses(
        (status = 200, description = "The job", body = JobDto),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Role not allowed", body = Problem),
        (status = 404, description = "No such job", body = Problem)
    )
)]
#[get("/api/v1/jobs/{id}")]
pub async fn get_job(
    state: web::Data<AppState>,
    _who: Allow<AdminOnly>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let job = blocking(&state, move |s| s.pool.read(|c| jobs::get(c, &id))).await?;
    Ok(HttpResponse::Ok().json(job))
}
