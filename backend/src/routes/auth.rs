use actix_web::cookie::{time::Duration as CookieDuration, Cookie, SameSite};
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use cistern_shared::dto::{ChangePasswordRequest, LoginRequest, LoginResponse, UserDto};
use cistern_shared::Problem;

use crate::auth::{Allow, People, SignedIn, REFRESH_COOKIE};
use crate::domain::audit::Actor;
use crate::domain::users::{self, SignIn, SignInPolicy};
use crate::error::{validate, ApiResult};
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
/// SameSite=Strict cookie. Repeated failures for a username are answered 429 for a while.
#[utoipa::path(
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in", body = LoginResponse),
        (status = 401, description = "Wrong username or password", body = Problem),
        (status = 422, description = "Invalid input", body = Problem),
        (status = 429, description = "Too many failed attempts", body = Problem)
    )
)]
#[post("/api/v1/auth/login")]
pub async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<LoginRequest>,
) -> ApiResult<HttpResponse> {
    validate(&*body)?;
    let ua = req
        .headers()
        .get(actix_web::http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = body.into_inner();
    let s = blocking(&state, move |s| {
        let policy = SignInPolicy {
            max_failures: s.config.login_max_failures,
            window_secs: s.config.login_window_secs,
            refresh_ttl_secs: s.config.refresh_token_ttl_secs,
        };
        users::sign_in(
            &s.pool,
            &s.hasher,
            &policy,
            &body.username,
            &body.password,
            ua,
        )
    })
    .await?;
    signed_in(&state, s)
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
            .write(|tx| users::refresh(tx, &token))?
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
#[utoipa::path(
    tag = "auth",
    request_body = ChangePasswordRequest,
    responses(
        (status = 204, description = "Changed; sign in again"),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Role not allowed", body = Problem),
        (status = 422, description = "Invalid input or wrong current password", body = Problem)
    )
)]
#[post("/api/v1/auth/password")]
pub async fn change_password(
    state: web::Data<AppState>,
    who: Allow<People>,
    rid: RequestId,
    body: web::Json<ChangePasswordRequest>,
) -> ApiResult<HttpResponse> {
    validate(&*body)?;
    let actor = Actor::user(&who, Some(rid.0));
    let id = who.user_id.clone();
    let body = body.into_inner();
    blocking(&state, move |s| {
        let user = s.pool.read(|c| users::find_by_id(c, &id))?;
        // The slow hashing runs between the two transactions, in neither.
        let hash =
            users::new_password_hash(&s.hasher, &user, &body.current_password, &body.new_password)?;
        s.pool
            .write(|tx| users::change_password(tx, &actor, &id, hash))
    })
    .await?;
    Ok(HttpResponse::NoContent()
        .cookie(cleared_cookie(&state))
        .finish())
}
