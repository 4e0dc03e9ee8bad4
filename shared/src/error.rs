use serde::{Deserialize, Serialize};

/// Stable, machine-readable error codes. The client translates these (locale key
/// `error.<code>`); the strings never change once published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// No valid credentials were presented, or the session has ended.
    Unauthenticated,
    /// Username or password is wrong (deliberately not saying which).
    InvalidCredentials,
    /// Too many failed sign-ins; try again later.
    TooManyAttempts,
    /// Too many password checks are running at once; try again in a moment (`Retry-After`).
    SignInBusy,
    /// Signed in, but this role may not do this.
    Forbidden,
    /// No such resource (or not one of yours).
    NotFound,
    /// The request body or parameters broke a rule; see `fields`.
    ValidationFailed,
    /// The body is not well-formed JSON of the expected shape.
    MalformedJson,
    /// A path parameter could not be read.
    InvalidPath,
    /// A query-string parameter could not be read.
    InvalidQuery,
    /// The request body is larger than allowed.
    PayloadTooLarge,
    /// The body's media type is not accepted.
    UnsupportedMediaType,
    /// The resource does not accept this HTTP method.
    MethodNotAllowed,
    /// The username is already in use.
    UsernameTaken,
    /// The current password given for a password change is wrong.
    WrongPassword,
    /// The change conflicts with the resource's current state.
    Conflict,
    /// An order of the same type is already open at the premise; resend to create it anyway.
    DuplicateOpenOrder,
    /// The premise already has an open account: move the current customer out first.
    PremiseOccupied,
    /// The service order is already completed or cancelled.
    OrderNotOpen,
    /// Maker-checker: the one who made the last change to a draft cannot also approve it.
    ApproverMadeLastChange,
    /// The database is unreachable or its schema is not current.
    ServiceUnavailable,
    /// Something went wrong on our side; the details are in the server log.
    Internal,
}

impl ErrorCode {
    pub const ALL: [ErrorCode; 22] = [
        ErrorCode::Unauthenticated,
        ErrorCode::InvalidCredentials,
        ErrorCode::TooManyAttempts,
        ErrorCode::SignInBusy,
        ErrorCode::Forbidden,
        ErrorCode::NotFound,
        ErrorCode::ValidationFailed,
        ErrorCode::MalformedJson,
        ErrorCode::InvalidPath,
        ErrorCode::InvalidQuery,
        ErrorCode::PayloadTooLarge,
        ErrorCode::UnsupportedMediaType,
        ErrorCode::MethodNotAllowed,
        ErrorCode::UsernameTaken,
        ErrorCode::WrongPassword,
        ErrorCode::Conflict,
        ErrorCode::DuplicateOpenOrder,
        ErrorCode::PremiseOccupied,
        ErrorCode::OrderNotOpen,
        ErrorCode::ApproverMadeLastChange,
        ErrorCode::ServiceUnavailable,
        ErrorCode::Internal,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Unauthenticated => "unauthenticated",
            ErrorCode::InvalidCredentials => "invalid_credentials",
            ErrorCode::TooManyAttempts => "too_many_attempts",
            ErrorCode::SignInBusy => "sign_in_busy",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::NotFound => "not_found",
            ErrorCode::ValidationFailed => "validation_failed",
            ErrorCode::MalformedJson => "malformed_json",
            ErrorCode::InvalidPath => "invalid_path",
            ErrorCode::InvalidQuery => "invalid_query",
            ErrorCode::PayloadTooLarge => "payload_too_large",
            ErrorCode::UnsupportedMediaType => "unsupported_media_type",
            ErrorCode::MethodNotAllowed => "method_not_allowed",
            ErrorCode::UsernameTaken => "username_taken",
            ErrorCode::WrongPassword => "wrong_password",
            ErrorCode::Conflict => "conflict",
            ErrorCode::DuplicateOpenOrder => "duplicate_open_order",
            ErrorCode::PremiseOccupied => "premise_occupied",
            ErrorCode::OrderNotOpen => "order_not_open",
            ErrorCode::ApproverMadeLastChange => "approver_made_last_change",
            ErrorCode::ServiceUnavailable => "service_unavailable",
            ErrorCode::Internal => "internal",
        }
    }

    /// The HTTP status this code is answered with. One table, used by the server's error mapping.
    pub fn http_status(self) -> u16 {
        match self {
            ErrorCode::Unauthenticated | ErrorCode::InvalidCredentials => 401,
            ErrorCode::Forbidden => 403,
            ErrorCode::NotFound => 404,
            ErrorCode::MethodNotAllowed => 405,
            ErrorCode::UsernameTaken
            | ErrorCode::Conflict
            | ErrorCode::DuplicateOpenOrder
            | ErrorCode::PremiseOccupied
            | ErrorCode::OrderNotOpen
            | ErrorCode::ApproverMadeLastChange => 409,
            ErrorCode::PayloadTooLarge => 413,
            ErrorCode::UnsupportedMediaType => 415,
            ErrorCode::ValidationFailed | ErrorCode::WrongPassword => 422,
            ErrorCode::MalformedJson | ErrorCode::InvalidPath | ErrorCode::InvalidQuery => 400,
            ErrorCode::TooManyAttempts | ErrorCode::SignInBusy => 429,
            ErrorCode::ServiceUnavailable => 503,
            ErrorCode::Internal => 500,
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One field's complaint in a validation failure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct FieldError {
    /// The field's name as sent (JSON path for nested fields, e.g. `address.city`).
    pub field: String,
    /// A stable code for the rule broken, e.g. `length`, `required`, `email`.
    pub code: String,
    /// An English explanation; the client may translate by `code`.
    pub message: String,
}

/// An RFC 7807 problem document, as every error response carries it
/// (`Content-Type: application/problem+json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Problem {
    /// A URI naming the problem type: `urn:cistern:problem:<code>`.
    #[serde(rename = "type")]
    pub type_uri: String,
    /// A short English summary.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What went wrong, in English, safe to show (never internal details).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The stable code the client translates.
    pub code: ErrorCode,
    /// Field-level messages for validation failures.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldError>,
    /// The request id, to quote to support and find in the server log.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_serialise_as_their_stable_names() {
        for c in ErrorCode::ALL {
            assert_eq!(
                serde_json::to_string(&c).unwrap(),
                format!("\"{}\"", c.as_str())
            );
            assert!((400..600).contains(&c.http_status()));
        }
    }

    #[test]
    fn all_lists_every_code_once() {
        let mut names: Vec<_> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), ErrorCode::ALL.len());
    }
}
