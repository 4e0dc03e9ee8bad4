//! The one error type of the API and its one mapping to HTTP: an RFC 7807 problem document
//! with the stable [`ErrorCode`] the client translates. Internal details go to the log only.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use cistern_shared::{ErrorCode, FieldCode, FieldError, Problem};

use crate::db::DbError;

#[derive(Debug, Clone)]
pub struct ApiError {
    pub code: ErrorCode,
    pub detail: Option<String>,
    pub fields: Vec<FieldError>,
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn new(code: ErrorCode) -> ApiError {
        ApiError {
            code,
            detail: None,
            fields: Vec::new(),
        }
    }

    pub fn with_detail(code: ErrorCode, detail: impl Into<String>) -> ApiError {
        ApiError {
            code,
            detail: Some(detail.into()),
            fields: Vec::new(),
        }
    }

    pub fn not_found() -> ApiError {
        ApiError::new(ErrorCode::NotFound)
    }

    pub fn forbidden() -> ApiError {
        ApiError::new(ErrorCode::Forbidden)
    }

    pub fn unauthenticated() -> ApiError {
        ApiError::new(ErrorCode::Unauthenticated)
    }

    /// A validation failure on one field.
    pub fn field(field: &str, code: FieldCode, message: impl Into<String>) -> ApiError {
        ApiError {
            code: ErrorCode::ValidationFailed,
            detail: Some("the request has invalid fields".into()),
            fields: vec![FieldError {
                field: field.to_owned(),
                code,
                message: message.into(),
            }],
        }
    }

    /// A text parameter longer than `max` characters, refused on `field`.
    pub fn check_length(field: &str, value: Option<&str>, max: usize) -> ApiResult<()> {
        if value.is_some_and(|t| t.chars().count() > max) {
            return Err(ApiError::field(
                field,
                FieldCode::Length,
                format!("must be at most {max} characters"),
            ));
        }
        Ok(())
    }

    /// Something broke on our side. The cause is logged here, never sent.
    pub fn internal(cause: impl std::fmt::Display) -> ApiError {
        tracing::error!(error = %cause, "internal error");
        ApiError::new(ErrorCode::Internal)
    }

    pub fn problem(&self) -> Problem {
        Problem {
            type_uri: format!("urn:cistern:problem:{}", self.code.as_str()),
            title: title(self.code).to_owned(),
            status: self.code.http_status(),
            detail: self.detail.clone(),
            code: self.code,
            fields: self.fields.clone(),
            request_id: None,
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.detail {
            Some(d) => write!(f, "{}: {d}", self.code),
            None => write!(f, "{}", self.code),
        }
    }
}

fn title(code: ErrorCode) -> &'static str {
    match code {
        ErrorCode::Unauthenticated => "Sign-in required",
        ErrorCode::InvalidCredentials => "Wrong username or password",
        ErrorCode::TooManyAttempts => "Too many attempts",
        ErrorCode::SignInBusy => "Too many sign-ins at once",
        ErrorCode::Forbidden => "Not allowed",
        ErrorCode::NotFound => "Not found",
        ErrorCode::ValidationFailed => "Invalid input",
        ErrorCode::MalformedJson => "Malformed request body",
        ErrorCode::InvalidPath => "Invalid path parameter",
        ErrorCode::InvalidQuery => "Invalid query parameter",
        ErrorCode::PayloadTooLarge => "Request body too large",
        ErrorCode::UnsupportedMediaType => "Unsupported media type",
        ErrorCode::MethodNotAllowed => "Method not allowed",
        ErrorCode::UsernameTaken => "Username taken",
        ErrorCode::WrongPassword => "Current password is wrong",
        ErrorCode::Conflict => "Conflict",
        ErrorCode::DuplicateOpenOrder => "An order of this type is already open",
        ErrorCode::PremiseOccupied => "The premise has an open account",
        ErrorCode::OrderNotOpen => "The order is no longer open",
        ErrorCode::ApproverMadeLastChange => "Someone else must approve this draft",
        ErrorCode::ChangedMeanwhile => "Changed in the meantime",
        ErrorCode::RateScheduleNotDraft => "Not a draft",
        ErrorCode::RateScheduleNotApproved => "Not an approved version",
        ErrorCode::AccountNotOpen => "The account is not open",
        ErrorCode::ServiceStatusNotAllowed => "Status change not allowed",
        ErrorCode::OwnAccess => "You cannot change your own access",
        ErrorCode::NotAnIntegrator => "Not an integrator",
        ErrorCode::MeterSerialTaken => "Serial number already in the inventory",
        ErrorCode::CycleCodeTaken => "Billing cycle code already in use",
        ErrorCode::ImportInProgress => "Import already running",
        ErrorCode::ServiceUnavailable => "Service unavailable",
        ErrorCode::Internal => "Internal error",
    }
}

impl std::error::Error for ApiError {}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.code.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse {
        let mut res = HttpResponse::build(self.status_code());
        res.insert_header((header::CONTENT_TYPE, "application/problem+json"));
        match self.code {
            ErrorCode::TooManyAttempts => {
                res.insert_header((header::RETRY_AFTER, "60"));
            }
            ErrorCode::SignInBusy => {
                res.insert_header((header::RETRY_AFTER, "1"));
            }
            _ => {}
        }
        if self.code == ErrorCode::Unauthenticated {
            res.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
        }
        // The request id is added by the request-id middleware on the way out.
        let body = serde_json::to_string(&self.problem()).unwrap_or_else(|_| "{}".into());
        res.body(body)
    }
}

impl From<DbError> for ApiError {
    fn from(e: DbError) -> Self {
        match e {
            DbError::Pool(_) | DbError::Connection(_) => {
                tracing::error!(error = %e, "database unavailable");
                ApiError::new(ErrorCode::ServiceUnavailable)
            }
            other => ApiError::internal(other),
        }
    }
}

impl From<diesel::result::Error> for ApiError {
    fn from(e: diesel::result::Error) -> Self {
        match e {
            diesel::result::Error::NotFound => ApiError::not_found(),
            // A rule the database enforces (a unique index) that the workflow did not name: a
            // clear 409, never a 500. Workflows that can name the rule map it themselves.
            diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                info,
            ) => {
                tracing::warn!(constraint = ?info.constraint_name(), "unique rule refused a write");
                ApiError::with_detail(
                    ErrorCode::Conflict,
                    "the change conflicts with a record saved at the same moment",
                )
            }
            // PostgreSQL gave up on one of two concurrent transactions: safe to retry.
            diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::SerializationFailure,
                _,
            ) => ApiError::with_detail(
                ErrorCode::ChangedMeanwhile,
                "the record changed at the same moment; try again",
            ),
            other => ApiError::internal(other),
        }
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(e: actix_web::error::BlockingError) -> Self {
        ApiError::internal(e)
    }
}

impl From<validator::ValidationErrors> for ApiError {
    fn from(errors: validator::ValidationErrors) -> Self {
        let mut fields = Vec::new();
        collect_field_errors("", &errors, &mut fields);
        fields.sort_by(|a, b| a.field.cmp(&b.field));
        ApiError {
            code: ErrorCode::ValidationFailed,
            detail: Some("the request has invalid fields".into()),
            fields,
        }
    }
}

fn collect_field_errors(
    prefix: &str,
    errors: &validator::ValidationErrors,
    out: &mut Vec<FieldError>,
) {
    use validator::ValidationErrorsKind;
    for (field, kind) in errors.errors() {
        let path = if prefix.is_empty() {
            field.to_string()
        } else {
            format!("{prefix}.{field}")
        };
        match kind {
            ValidationErrorsKind::Field(list) => {
                for e in list {
                    let message = e
                        .message
                        .as_ref()
                        .map(|m| m.to_string())
                        .unwrap_or_else(|| describe(&e.code, &e.params));
                    out.push(FieldError {
                        field: path.clone(),
                        code: validator_code(&e.code),
                        message,
                    });
                }
            }
            ValidationErrorsKind::Struct(inner) => collect_field_errors(&path, inner, out),
            ValidationErrorsKind::List(items) => {
                for (i, inner) in items {
                    collect_field_errors(&format!("{path}[{i}]"), inner, out);
                }
            }
        }
    }
}

/// The field code of a `validator` rule. The rules in the DTOs name their codes as text
/// (`code = "length"`); a test holds every such name to a [`FieldCode`], so the fallback is
/// only a guard.
fn validator_code(code: &str) -> FieldCode {
    FieldCode::parse(code).unwrap_or_else(|| {
        tracing::error!(code, "validation rule with a code that is not a FieldCode");
        FieldCode::Invalid
    })
}

fn describe(
    code: &str,
    params: &std::collections::HashMap<std::borrow::Cow<'static, str>, serde_json::Value>,
) -> String {
    let min = params.get("min").map(|v| v.to_string());
    let max = params.get("max").map(|v| v.to_string());
    match (code, min, max) {
        ("required", _, _) => "is required".into(),
        ("password_length", Some(min), _) => format!("must be at least {min} characters"),
        ("range", Some(min), Some(max)) => format!("must be from {min} to {max}"),
        (_, Some(min), Some(max)) => format!("must be between {min} and {max} characters"),
        (_, Some(min), None) => format!("must be at least {min} characters"),
        (_, None, Some(max)) => format!("must be at most {max} characters"),
        _ => "is not valid".into(),
    }
}

/// Runs validator's checks and turns failures into a 422 problem.
pub fn validate<T: validator::Validate>(value: &T) -> ApiResult<()> {
    value.validate().map_err(ApiError::from)
}

// ---------------------------------------------------------------- extractor errors

use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError};
use actix_web::HttpRequest;

pub fn json_error(err: JsonPayloadError, _req: &HttpRequest) -> actix_web::Error {
    let api = match &err {
        JsonPayloadError::Overflow { .. } | JsonPayloadError::OverflowKnownLength { .. } => {
            ApiError::with_detail(ErrorCode::PayloadTooLarge, "the request body is too large")
        }
        JsonPayloadError::ContentType => ApiError::with_detail(
            ErrorCode::UnsupportedMediaType,
            "send the body as application/json",
        ),
        JsonPayloadError::Deserialize(e) => {
            // serde's message names the field and what was expected; it holds no secrets.
            ApiError::with_detail(ErrorCode::MalformedJson, e.to_string())
        }
        _ => ApiError::with_detail(
            ErrorCode::MalformedJson,
            "the request body could not be read",
        ),
    };
    actix_web::error::InternalError::from_response(err, api.error_response()).into()
}

pub fn path_error(err: PathError, _req: &HttpRequest) -> actix_web::Error {
    let api = ApiError::with_detail(ErrorCode::InvalidPath, err.to_string());
    actix_web::error::InternalError::from_response(err, api.error_response()).into()
}

pub fn query_error(err: QueryPayloadError, _req: &HttpRequest) -> actix_web::Error {
    let api = ApiError::with_detail(ErrorCode::InvalidQuery, err.to_string());
    actix_web::error::InternalError::from_response(err, api.error_response()).into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::body::to_bytes;

    async fn body_of(e: &ApiError) -> (u16, String, serde_json::Value) {
        let res = e.error_response();
        let status = res.status().as_u16();
        let ct = res
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let bytes = to_bytes(res.into_body()).await.unwrap_or_default();
        (
            status,
            ct,
            serde_json::from_slice(&bytes).unwrap_or_default(),
        )
    }

    #[actix_web::test]
    async fn every_code_maps_to_a_problem_document() {
        for code in ErrorCode::ALL {
            let (status, ct, body) = body_of(&ApiError::new(code)).await;
            assert_eq!(status, code.http_status());
            assert_eq!(ct, "application/problem+json");
            assert_eq!(body["code"], code.as_str());
            assert_eq!(body["status"], status);
            assert_eq!(
                body["type"],
                format!("urn:cistern:problem:{}", code.as_str())
            );
            assert!(body["title"].as_str().is_some_and(|t| !t.is_empty()));
        }
    }

    #[actix_web::test]
    async fn internal_errors_do_not_leak_their_cause() {
        let (status, _, body) =
            body_of(&ApiError::internal("password=hunter2 in table users")).await;
        assert_eq!(status, 500);
        assert!(!body.to_string().contains("hunter2"));
    }

    #[actix_web::test]
    async fn database_not_found_is_404_and_pool_trouble_is_503() {
        let (status, _, _) = body_of(&ApiError::from(diesel::result::Error::NotFound)).await;
        assert_eq!(status, 404);
        let conn_err = DbError::Connection(diesel::ConnectionError::BadConnection("x".into()));
        let (status, _, body) = body_of(&ApiError::from(conn_err)).await;
        assert_eq!(status, 503);
        assert_eq!(body["code"], "service_unavailable");
    }

    #[test]
    fn validation_errors_become_sorted_field_messages() {
        let req = cistern_shared::dto::CreateUserRequest {
            username: "a!".into(),
            display_name: String::new(),
            role: cistern_shared::Role::Clerk,
            password: Some("short".into()),
            locale: Default::default(),
            customer_id: None,
        };
        let err = validate(&req).unwrap_err();
        assert_eq!(err.code, ErrorCode::ValidationFailed);
        let names: Vec<_> = err
            .fields
            .iter()
            .map(|f| (f.field.as_str(), f.code.as_str()))
            .collect();
        assert_eq!(
            names,
            vec![
                ("display_name", "required"),
                ("password", "password_length"),
                ("username", "length"),
                ("username", "username_chars"),
            ]
        );
        assert_eq!(err.fields[1].message, "must be at least 10 characters");
    }
}

#[cfg(test)]
mod code_coverage {
    use cistern_shared::{ErrorCode, FieldCode};

    /// Product code only: test modules and the title table do not count as using a code.
    fn sources(dir: &std::path::Path, out: &mut String) {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let p = entry.path();
            if p.is_dir() {
                sources(&p, out);
            } else if p.extension().is_some_and(|e| e == "rs")
                && !p.ends_with("frontend/src/i18n.rs")
            {
                let text = std::fs::read_to_string(&p).unwrap();
                let product = text.split("#[cfg(test)]").next().unwrap_or_default();
                let product = match product.split_once("fn title(") {
                    Some((before, after)) => {
                        format!(
                            "{before}{}",
                            after
                                .split_once("\n}\n")
                                .map(|(_, a)| a)
                                .unwrap_or_default()
                        )
                    }
                    None => product.to_owned(),
                };
                out.push_str(&product);
            }
        }
    }

    fn variant_name(code: ErrorCode) -> String {
        code.as_str()
            .split('_')
            .map(|w| {
                let mut c = w.chars();
                c.next()
                    .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                    .unwrap_or_default()
            })
            .collect()
    }

    /// Every published code is produced somewhere in the server: a code nobody returns is a
    /// promise the API does not keep.
    #[test]
    fn every_error_code_is_used_by_the_server() {
        let mut src = String::new();
        sources(
            std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src")),
            &mut src,
        );
        let unused: Vec<_> = ErrorCode::ALL
            .into_iter()
            .filter(|c| !src.contains(&format!("ErrorCode::{}", variant_name(*c))))
            .map(ErrorCode::as_str)
            .collect();
        assert!(unused.is_empty(), "error codes never produced: {unused:?}");
    }

    /// The client translates every code, in both languages.
    #[test]
    fn every_error_code_has_an_english_and_a_spanish_message() {
        for lang in ["en", "es"] {
            let path = format!(
                "{}/../frontend/locales/{lang}.json",
                env!("CARGO_MANIFEST_DIR")
            );
            let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
            let map: serde_json::Map<String, serde_json::Value> =
                serde_json::from_str(&text).unwrap();
            for code in ErrorCode::ALL {
                let key = format!("error.{}", code.as_str());
                let msg = map.get(&key).and_then(|v| v.as_str()).unwrap_or_default();
                assert!(!msg.trim().is_empty(), "{lang}.json lacks {key}");
            }
        }
    }

    /// Product code of the server, the shared crate and the client (where the client's own
    /// checks produce field codes before sending); not the client's translation table, which
    /// names every code.
    fn all_sources() -> String {
        let mut src = String::new();
        for dir in ["/src", "/../shared/src", "/../frontend/src"] {
            sources(
                &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(&dir[1..]),
                &mut src,
            );
        }
        src
    }

    /// The `validator` rules name their codes as text; each must be a [`FieldCode`] the client
    /// translates, or the user would read a generic message.
    #[test]
    fn every_validator_rule_code_is_a_field_code() {
        let src = all_sources();
        let mut named = Vec::new();
        for marker in ["code = \"", "ValidationError::new(\""] {
            for piece in src.split(marker).skip(1) {
                named.push(piece.split('"').next().unwrap_or_default().to_owned());
            }
        }
        assert!(named.len() > 20, "the scan found the rules: {named:?}");
        let unknown: Vec<_> = named
            .iter()
            .filter(|n| FieldCode::parse(n).is_none())
            .collect();
        assert!(
            unknown.is_empty(),
            "rule codes that are not FieldCodes: {unknown:?}"
        );
    }

    /// Every published field code is produced somewhere (server rule, validator rule or the
    /// client's own check): a code nobody produces is a translation nobody reads.
    #[test]
    fn every_field_code_is_produced() {
        let src = all_sources();
        let unused: Vec<_> = FieldCode::ALL
            .iter()
            .filter(|c| {
                !src.contains(&format!("FieldCode::{c:?}"))
                    && !src.contains(&format!("code = \"{}\"", c.as_str()))
                    && !src.contains(&format!("ValidationError::new(\"{}\")", c.as_str()))
            })
            .map(|c| c.as_str())
            .collect();
        assert!(unused.is_empty(), "field codes never produced: {unused:?}");
    }
}
