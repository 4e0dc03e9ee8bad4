//! The HTTP layer: same-origin JSON calls to `/api/v1/...` with the bearer token, one refresh
//! on a 401, and every failure turned into an [`ApiError`] the UI can translate.

mod endpoints;

use std::cell::RefCell;

use cistern_shared::dto::{LoginRequest, LoginResponse, UserDto};
use cistern_shared::{ErrorCode, Problem, Role};
use futures::future::{FutureExt, LocalBoxFuture, Shared};
use gloo_net::http::{Request, RequestBuilder, Response};
use leptos::prelude::*;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::i18n::Key;

/// Why a call failed.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// The server answered with a problem document (or a bare error status, mapped to one).
    Problem(Problem),
    /// The request never got an answer.
    Network,
    /// The answer was not what this client expects.
    Unexpected,
}

impl ApiError {
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            ApiError::Problem(p) => Some(p.code),
            _ => None,
        }
    }

    /// The key of the message to show for this error.
    pub fn message_key(&self) -> Key {
        match self {
            ApiError::Problem(p) => crate::i18n::error_key(p.code),
            ApiError::Network => Key::ClientErrorNetwork,
            ApiError::Unexpected => Key::ClientErrorUnexpected,
        }
    }
}

/// A problem document for an error status whose body was not one.
fn problem_for_status(status: u16) -> Problem {
    let code = match status {
        401 => ErrorCode::Unauthenticated,
        403 => ErrorCode::Forbidden,
        404 => ErrorCode::NotFound,
        405 => ErrorCode::MethodNotAllowed,
        409 => ErrorCode::Conflict,
        413 => ErrorCode::PayloadTooLarge,
        415 => ErrorCode::UnsupportedMediaType,
        422 => ErrorCode::ValidationFailed,
        429 => ErrorCode::TooManyAttempts,
        400 => ErrorCode::MalformedJson,
        502..=504 => ErrorCode::ServiceUnavailable,
        _ => ErrorCode::Internal,
    };
    Problem {
        type_uri: format!("urn:cistern:problem:{}", code.as_str()),
        title: String::new(),
        status,
        detail: None,
        code,
        fields: Vec::new(),
        request_id: None,
    }
}

async fn into_error(resp: Response) -> ApiError {
    let status = resp.status();
    match resp.json::<Problem>().await {
        Ok(p) => ApiError::Problem(p),
        Err(_) => ApiError::Problem(problem_for_status(status)),
    }
}

async fn decode<T: DeserializeOwned>(resp: Response) -> Result<T, ApiError> {
    if resp.ok() {
        resp.json::<T>().await.map_err(|_| ApiError::Unexpected)
    } else {
        Err(into_error(resp).await)
    }
}

async fn no_content(resp: Response) -> Result<(), ApiError> {
    if resp.ok() {
        Ok(())
    } else {
        Err(into_error(resp).await)
    }
}

// ---------------------------------------------------------------- session

/// The signed-in user and their access token, kept in memory only (never in storage).
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    pub token: String,
    pub user: UserDto,
}

/// Who is signed in. Provided as context at the root; all fields are signals.
#[derive(Clone, Copy)]
pub struct Auth {
    session: RwSignal<Option<Session>>,
    /// False until the start-up refresh has answered.
    ready: RwSignal<bool>,
    /// A message for the sign-in page (signed out, session ended, password changed).
    notice: RwSignal<Option<Key>>,
}

impl Auth {
    pub fn provide() -> Auth {
        let auth = Auth {
            session: RwSignal::new(None),
            ready: RwSignal::new(false),
            notice: RwSignal::new(None),
        };
        provide_context(auth);
        auth
    }

    pub fn ready(self) -> bool {
        self.ready.get()
    }

    /// The start-up session check has answered (signed in or not).
    pub fn mark_ready(self) {
        self.ready.try_set(true);
    }

    /// The signed-in user's role (tracked).
    pub fn role(self) -> Option<Role> {
        self.session.with(|s| s.as_ref().map(|s| s.user.role))
    }

    /// The signed-in user (tracked).
    pub fn user(self) -> Option<UserDto> {
        self.session.with(|s| s.as_ref().map(|s| s.user.clone()))
    }

    pub fn notice(self) -> Option<Key> {
        self.notice.get()
    }

    fn token(self) -> Option<String> {
        self.session
            .try_with_untracked(|s| s.as_ref().map(|s| s.token.clone()))
            .flatten()
    }

    fn signed_in(self, lr: LoginResponse) {
        self.notice.try_set(None);
        self.session.try_set(Some(Session {
            token: lr.access_token,
            user: lr.user,
        }));
    }

    /// Forget the session locally, leaving `notice` for the sign-in page.
    pub fn clear(self, notice: Option<Key>) {
        self.notice.try_set(notice);
        self.session.try_set(None);
    }

    /// The session is over (refresh refused): the route guards send the user to `/login`.
    fn expire(self) {
        let had_session = self
            .session
            .try_with_untracked(Option::is_some)
            .unwrap_or(false);
        if had_session {
            self.clear(Some(Key::LoginSessionEnded));
        }
    }
}

pub fn use_auth() -> Auth {
    use_context::<Auth>().unwrap_or_else(Auth::provide)
}

// ---------------------------------------------------------------- refresh (shared)

type RefreshFuture = Shared<LocalBoxFuture<'static, Option<LoginResponse>>>;

thread_local! {
    /// The refresh in flight, so concurrent 401s share one refresh (the server may rotate the
    /// refresh cookie, and a second refresh with the old cookie would fail).
    static REFRESH: RefCell<Option<RefreshFuture>> = const { RefCell::new(None) };
}

async fn refresh_once() -> Option<LoginResponse> {
    let resp = Request::post("/api/v1/auth/refresh").send().await.ok()?;
    if resp.ok() {
        resp.json::<LoginResponse>().await.ok()
    } else {
        None
    }
}

/// Ask for a new access token with the refresh cookie. True if we are signed in afterwards.
pub async fn refresh(auth: Auth) -> bool {
    let fut = REFRESH.with(|slot| {
        let mut slot = slot.borrow_mut();
        match slot.as_ref() {
            Some(f) => f.clone(),
            None => {
                let f = refresh_once().boxed_local().shared();
                *slot = Some(f.clone());
                f
            }
        }
    });
    let result = fut.await;
    REFRESH.with(|slot| *slot.borrow_mut() = None);
    match result {
        Some(lr) => {
            auth.signed_in(lr);
            true
        }
        None => false,
    }
}

// ---------------------------------------------------------------- the client

#[derive(Clone, Copy, PartialEq, Eq)]
enum Method {
    Get,
    Post,
    Put,
    Patch,
}

/// Authorised API calls. Get it with [`use_api`] while rendering, then move it into futures.
#[derive(Clone, Copy)]
pub struct Api {
    auth: Auth,
}

pub fn use_api() -> Api {
    Api { auth: use_auth() }
}

impl Api {
    async fn send_once(
        path: &str,
        method: Method,
        body: Option<&str>,
        token: Option<&str>,
    ) -> Result<Response, ApiError> {
        let url = format!("/api/v1{path}");
        let mut rb: RequestBuilder = match method {
            Method::Get => Request::get(&url),
            Method::Post => Request::post(&url),
            Method::Put => Request::put(&url),
            Method::Patch => Request::patch(&url),
        };
        rb = rb.header("Accept", "application/json, application/problem+json");
        if let Some(t) = token {
            rb = rb.header("Authorization", &format!("Bearer {t}"));
        }
        let req = match body {
            Some(json) => rb
                .header("Content-Type", "application/json")
                .body(json.to_string())
                .map_err(|_| ApiError::Unexpected)?,
            None => rb.build().map_err(|_| ApiError::Unexpected)?,
        };
        req.send().await.map_err(|_| ApiError::Network)
    }

    /// Sends with the current token; on a 401 refreshes once and retries, and if that fails
    /// too, ends the session (the route guards then show the sign-in page).
    async fn send(
        self,
        path: &str,
        method: Method,
        body: Option<String>,
    ) -> Result<Response, ApiError> {
        let token = self.auth.token();
        let resp = Self::send_once(path, method, body.as_deref(), token.as_deref()).await?;
        if resp.status() != 401 {
            return Ok(resp);
        }
        if refresh(self.auth).await {
            let token = self.auth.token();
            let retry = Self::send_once(path, method, body.as_deref(), token.as_deref()).await?;
            if retry.status() == 401 {
                self.auth.expire();
            }
            Ok(retry)
        } else {
            self.auth.expire();
            Ok(resp)
        }
    }

    fn to_json<B: Serialize>(body: &B) -> Result<String, ApiError> {
        serde_json::to_string(body).map_err(|_| ApiError::Unexpected)
    }

    async fn get<T: DeserializeOwned>(self, path: &str) -> Result<T, ApiError> {
        decode(self.send(path, Method::Get, None).await?).await
    }

    async fn post<B: Serialize, T: DeserializeOwned>(
        self,
        path: &str,
        body: &B,
    ) -> Result<T, ApiError> {
        let json = Self::to_json(body)?;
        decode(self.send(path, Method::Post, Some(json)).await?).await
    }

    async fn post_no_content<B: Serialize>(self, path: &str, body: &B) -> Result<(), ApiError> {
        let json = Self::to_json(body)?;
        no_content(self.send(path, Method::Post, Some(json)).await?).await
    }

    async fn patch<B: Serialize, T: DeserializeOwned>(
        self,
        path: &str,
        body: &B,
    ) -> Result<T, ApiError> {
        let json = Self::to_json(body)?;
        decode(self.send(path, Method::Patch, Some(json)).await?).await
    }

    async fn put<B: Serialize, T: DeserializeOwned>(
        self,
        path: &str,
        body: &B,
    ) -> Result<T, ApiError> {
        let json = Self::to_json(body)?;
        decode(self.send(path, Method::Put, Some(json)).await?).await
    }

    /// GETs a file (a PDF) as a `Blob`, with the bearer token like every other call.
    async fn get_blob(self, path: &str) -> Result<web_sys::Blob, ApiError> {
        let resp = self.send(path, Method::Get, None).await?;
        if !resp.ok() {
            return Err(into_error(resp).await);
        }
        let mime = resp
            .headers()
            .get("content-type")
            .unwrap_or_else(|| "application/octet-stream".to_string());
        let bytes = resp.binary().await.map_err(|_| ApiError::Network)?;
        let parts = web_sys::js_sys::Array::of1(&web_sys::js_sys::Uint8Array::from(&bytes[..]));
        let opts = web_sys::BlobPropertyBag::new();
        opts.set_type(&mime);
        web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &opts)
            .map_err(|_| ApiError::Unexpected)
    }

    /// GETs a text file (an exported document) exactly as the server sent it.
    async fn get_text(self, path: &str) -> Result<String, ApiError> {
        let resp = self.send(path, Method::Get, None).await?;
        if !resp.ok() {
            return Err(into_error(resp).await);
        }
        resp.text().await.map_err(|_| ApiError::Network)
    }

    async fn raw_once(
        path: &str,
        put: bool,
        body: &wasm_bindgen::JsValue,
        token: Option<&str>,
    ) -> Result<Response, ApiError> {
        let url = format!("/api/v1{path}");
        let mut rb = if put {
            Request::put(&url)
        } else {
            Request::post(&url)
        };
        rb = rb
            .header("Accept", "application/json, application/problem+json")
            .header("Content-Type", "application/json");
        if let Some(t) = token {
            rb = rb.header("Authorization", &format!("Bearer {t}"));
        }
        let req = rb.body(body.clone()).map_err(|_| ApiError::Unexpected)?;
        req.send().await.map_err(|_| ApiError::Network)
    }

    /// POSTs (or PUTs, with `put`) a body exactly as given: JSON text as typed, or a file's
    /// bytes (a `Blob`), so the server keeps it byte for byte (rate schedule documents). The
    /// token and the one refresh on a 401 work as for every other call.
    async fn send_raw<T: DeserializeOwned>(
        self,
        path: &str,
        put: bool,
        body: &wasm_bindgen::JsValue,
    ) -> Result<T, ApiError> {
        let token = self.auth.token();
        let resp = Self::raw_once(path, put, body, token.as_deref()).await?;
        if resp.status() != 401 {
            return decode(resp).await;
        }
        if refresh(self.auth).await {
            let token = self.auth.token();
            let retry = Self::raw_once(path, put, body, token.as_deref()).await?;
            if retry.status() == 401 {
                self.auth.expire();
            }
            decode(retry).await
        } else {
            self.auth.expire();
            decode(resp).await
        }
    }

    /// `POST /auth/login`. A 401 here is wrong credentials, so no refresh is tried.
    pub async fn login(self, req: &LoginRequest) -> Result<UserDto, ApiError> {
        let json = Self::to_json(req)?;
        let resp = Self::send_once("/auth/login", Method::Post, Some(&json), None).await?;
        let lr: LoginResponse = decode(resp).await?;
        let user = lr.user.clone();
        self.auth.signed_in(lr);
        Ok(user)
    }

    /// `POST /auth/logout`, then forget the session whatever the server said.
    pub async fn logout(self) {
        let token = self.auth.token();
        let _ = Self::send_once("/auth/logout", Method::Post, None, token.as_deref()).await;
        self.auth.clear(Some(Key::LoginSignedOut));
    }

    /// `POST /auth/password`; on success every session has ended, so forget ours.
    pub async fn change_password(
        self,
        req: &cistern_shared::dto::ChangePasswordRequest,
    ) -> Result<(), ApiError> {
        self.post_no_content("/auth/password", req).await?;
        self.auth.clear(Some(Key::LoginPasswordChanged));
        Ok(())
    }
}

/// Percent-encodes a query-string value (RFC 3986 unreserved characters pass through).
pub fn encode_query_value(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `?a=1&b=x` from the pairs whose value is not empty.
pub fn query_string(pairs: &[(&str, String)]) -> String {
    let parts: Vec<String> = pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", encode_query_value(v)))
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!("?{}", parts.join("&"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_values_are_encoded() {
        assert_eq!(
            encode_query_value("12 Main St & 3/4"),
            "12%20Main%20St%20%26%203%2F4"
        );
        assert_eq!(encode_query_value("ñ"), "%C3%B1");
        assert_eq!(
            query_string(&[
                ("q", "a b".into()),
                ("page", "2".into()),
                ("actor", String::new())
            ]),
            "?q=a%20b&page=2"
        );
        assert_eq!(query_string(&[("q", String::new())]), "");
    }

    #[test]
    fn bare_statuses_map_to_codes() {
        assert_eq!(problem_for_status(401).code, ErrorCode::Unauthenticated);
        assert_eq!(problem_for_status(503).code, ErrorCode::ServiceUnavailable);
        assert_eq!(problem_for_status(500).code, ErrorCode::Internal);
    }
}
