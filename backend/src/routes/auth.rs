use actix_web::cookie::{time::Duration as CookieDuration, Cookie, SameSite};
use actix_web::http::header::{self, HeaderValue};
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use cistern_shared::dto::{ChangePasswordRequest, LoginRequest, LoginResponse, UserDto};
use cistern_shared::{ErrorCode, Problem};

use crate::auth::{client_address, Allow, People, SignedIn, REFRESH_COOKIE};
use crate::domain::audit::Actor;
use crate::domain::throttle::{Attempt, ThrottlePolicy};
use crate::domain::users::{self, PasswordChange, SignIn, SignInOutcome, SignInPolicy};
use crate::error::{validate, ApiError, ApiResult};
use crate::startup::{blocking, AppState, RequestId};

fn refresh_cookie(state: &AppState, token: &str) -> Cookie<'static> {
    Cookie::build(REFRESH_COOKIE, token.to_owned())
        .path("/api/v1/auth")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(state.secure_cookies())
        .max_age(CookieDuration::seconds(state.config.refresh_token_ttl_secs))
        .finish()
}

fn cleared_cookie(state: &AppState) -> Cookie<'static> {
    let mut c = refresh_cookie(state, "");
    c.make_removal();
    c
}

impl AppState {
    fn secure_cookies(&self) -> bool {
        self.config.secure_cookies()
    }
}

fn throttle_policy(state: &AppState) -> ThrottlePolicy {
    ThrottlePolicy {
        window_secs: state.config.login_window_secs,
        max_per_user_address: state.config.login_max_failures,
        max_per_address: state.config.login_address_max_failures,
    }
}

/// 429 `too_many_attempts`, with `Retry-After` saying when the window ends.
fn throttled(retry_after_secs: i64) -> HttpResponse {
    use actix_web::ResponseError;
    let mut res = ApiError::with_detail(
        ErrorCode::TooManyAttempts,
        "too many failed sign-ins for this username from here; wait and try again",
    )
    .error_response();
    if let Ok(v) = HeaderValue::from_str(&retry_after_secs.max(1).to_string()) {
        res.headers_mut().insert(header::RETRY_AFTER, v);
    }
    res
}

fn signed_in(state: &AppState, s: SignIn) -> ApiResult<HttpResponse> {
    let access_token = state.jwt.issue(&s.user.id, &s.session_id, s.user.role)?;
    let body = LoginResponse {
        access_token,
        token_type: "Bearer".into(),
        expires_in: state.jwt.ttl_secs,
        user: UserDto::from(&s.user),
    };
    Ok(HttpResponse::Ok()
        .cookie(refresh_cookie(state, &s.refresh_token))
        .json(body))
}

/// Sign in with a username and password.
///
/// Answers a short-lived access token and sets the refresh token as an HttpOnly,
/// SameSite=Strict cookie. Each attempt reserves a place before the password is checked:
/// past `login_max_failures` checks for a username from one client address (or
/// `login_address_max_failures` from one address across usernames) within the window the
/// answer is 429 `too_many_attempts` with `Retry-After`, whatever the password. When too many
/// password checks run at once the answer is a fast 429 `sign_in_busy` (`Retry-After: 1`).
#[utoipa::path(
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in", body = LoginResponse),
        (status = 401, description = "Wrong username or password", body = Problem),
        (status = 422, description = "Invalid input", body = Problem),
        (status = 429, description = "Too many failed attempts (`too_many_attempts`) or too many sign-ins at once (`sign_in_busy`); see `Retry-After`", body = Problem)
    )
)]
#[post("/api/v1/auth/login")]
pub async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    rid: RequestId,
    body: web::Json<LoginRequest>,
) -> ApiResult<HttpResponse> {
    validate(&*body)?;
    let ua = req
        .headers()
        .get(actix_web::http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let address = client_address(&req, state.config.client_address_header.as_deref());
    // Wait (briefly) for a hashing slot before touching the database at all.
    let permit = state.hash_gate.enter().await?;
    let body = body.into_inner();
    let outcome = blocking(&state, move |s| {
        let policy = SignInPolicy {
            throttle: throttle_policy(s),
            refresh_ttl_secs: s.config.refresh_token_ttl_secs,
        };
        let attempt = Attempt {
            username: &body.username,
            address: &address,
            request_id: Some(rid.0),
        };
        users::sign_in(
            &s.pool,
            &s.hasher,
            permit,
            &policy,
            &attempt,
            &body.password,
            ua,
        )
    })
    .await?;
    match outcome {
        SignInOutcome::SignedIn(s) => signed_in(&state, s),
        SignInOutcome::Throttled { retry_after_secs } => Ok(throttled(retry_after_secs)),
    }
}

/// Exchange the refresh cookie for a new access token (and a new refresh cookie).
#[utoipa::path(
    tag = "auth",
    responses(
        (status = 200, description = "Renewed", body = LoginResponse),
        (status = 401, description = "No valid refresh cookie", body = Problem)
    )
)]
#[post("/api/v1/auth/refresh")]
pub async fn refresh(state: web::Data<AppState>, req: HttpRequest) -> ApiResult<HttpResponse> {
    let token = req
        .cookie(REFRESH_COOKIE)
        .map(|c| c.value().to_owned())
        .filter(|v| !v.is_empty())
        .ok_or_else(crate::error::ApiError::unauthenticated)?;
    let s = blocking(&state, move |s| {
        s.pool
            .write(|tx| users::refresh(tx, &s.refresh_key, &token))?
            .into_sign_in()
    })
    .await?;
    signed_in(&state, s)
}

/// Sign out: the session ends on every server at once.
#[utoipa::path(
    tag = "auth",
    responses(
        (status = 204, description = "Signed out"),
        (status = 401, description = "Not signed in", body = Problem)
    )
)]
#[post("/api/v1/auth/logout")]
pub async fn logout(
    state: web::Data<AppState>,
    who: Allow<SignedIn>,
    rid: RequestId,
) -> ApiResult<HttpResponse> {
    let actor = Actor::user(&who, Some(rid.0));
    if let Some(sid) = who.session_id.clone() {
        blocking(&state, move |s| {
            s.pool.write(|tx| users::revoke_session(tx, &sid, &actor))
        })
        .await?;
    }
    Ok(HttpResponse::NoContent()
        .cookie(cleared_cookie(&state))
        .finish())
}

/// The signed-in user.
#[utoipa::path(
    tag = "auth",
    responses(
        (status = 200, description = "You", body = UserDto),
        (status = 401, description = "Not signed in", body = Problem)
    )
)]
#[get("/api/v1/auth/me")]
pub async fn me(state: web::Data<AppState>, who: Allow<SignedIn>) -> ApiResult<HttpResponse> {
    let id = who.user_id.clone();
    let user = blocking(&state, move |s| {
        s.pool
            .read(|c| users::find_by_id(c, &id))
            .map(UserDto::from)
    })
    .await?;
    Ok(HttpResponse::Ok().json(user))
}

/// Change your own password. Every session of yours ends, this one included.
///
/// The current password is checked under the same throttle as sign-in (429
/// `too_many_attempts` with `Retry-After`), and the same bound on concurrent password checks
/// (429 `sign_in_busy`).
#[utoipa::path(
    tag = "auth",
    request_body = ChangePasswordRequest,
    responses(
        (status = 204, description = "Changed; sign in again"),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Role not allowed", body = Problem),
        (status = 422, description = "Invalid input or wrong current password", body = Problem),
        (status = 429, description = "Too many wrong current passwords (`too_many_attempts`) or too many password checks at once (`sign_in_busy`); see `Retry-After`", body = Problem)
    )
)]
#[post("/api/v1/auth/password")]
pub async fn change_password(
    state: web::Data<AppState>,
    who: Allow<People>,
    req: HttpRequest,
    rid: RequestId,
    body: web::Json<ChangePasswordRequest>,
) -> ApiResult<HttpResponse> {
    validate(&*body)?;
    let actor = Actor::user(&who, Some(rid.0));
    let id = who.user_id.clone();
    let address = client_address(&req, state.config.client_address_header.as_deref());
    let permit = state.hash_gate.enter().await?;
    let body = body.into_inner();
    let outcome = blocking(&state, move |s| {
        users::change_own_password(
            &s.pool,
            &s.hasher,
            permit,
            &throttle_policy(s),
            &actor,
            &id,
            &address,
            &body.current_password,
            &body.new_password,
        )
    })
    .await?;
    match outcome {
        PasswordChange::Changed => Ok(HttpResponse::NoContent()
            .cookie(cleared_cookie(&state))
            .finish()),
        PasswordChange::Throttled { retry_after_secs } => Ok(throttled(retry_after_secs)),
    }
}
