//! Request and response bodies of the JSON API, shared with the client so both sides
//! agree at compile time.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::{Money, Role};

#[cfg(feature = "server")]
use utoipa::ToSchema;
#[cfg(feature = "server")]
use validator::Validate;

/// The two languages every screen and document is offered in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
#[cfg_attr(feature = "server", derive(diesel::AsExpression, diesel::FromSqlRow))]
#[cfg_attr(feature = "server", diesel(sql_type = diesel::sql_types::Text))]
#[serde(rename_all = "lowercase")]
pub enum Locale {
    #[default]
    En,
    Es,
}

impl Locale {
    pub fn as_str(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::Es => "es",
        }
    }
    pub fn parse(s: &str) -> Option<Locale> {
        match s {
            "en" => Some(Locale::En),
            "es" => Some(Locale::Es),
            _ => None,
        }
    }
}

// ---------------------------------------------------------------- auth

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema, Validate))]
pub struct LoginRequest {
    #[cfg_attr(
        feature = "server",
        validate(length(min = 1, max = 64, code = "required"))
    )]
    pub username: String,
    #[cfg_attr(
        feature = "server",
        validate(length(min = 1, max = 256, code = "required"))
    )]
    pub password: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct LoginResponse {
    /// Short-lived bearer token for the `Authorization` header.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until the access token expires; renew with `POST /api/v1/auth/refresh`.
    pub expires_in: i64,
    pub user: UserDto,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema, Validate))]
pub struct ChangePasswordRequest {
    #[cfg_attr(
        feature = "server",
        validate(length(min = 1, max = 256, code = "required"))
    )]
    pub current_password: String,
    #[cfg_attr(
        feature = "server",
        validate(length(min = 10, max = 256, code = "password_length"))
    )]
    pub new_password: String,
}

// ---------------------------------------------------------------- users

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct UserDto {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub active: bool,
    pub locale: Locale,
    /// For customers: the customer record whose accounts they may see.
    pub customer_id: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema, Validate))]
pub struct CreateUserRequest {
    #[cfg_attr(
        feature = "server",
        validate(
            length(min = 3, max = 64, code = "length"),
            custom(function = "crate::dto::validate_username")
        )
    )]
    pub username: String,
    #[cfg_attr(
        feature = "server",
        validate(length(min = 1, max = 120, code = "required"))
    )]
    pub display_name: String,
    pub role: Role,
    /// Required for every role but `integrator`, which signs in with an API key.
    #[cfg_attr(
        feature = "server",
        validate(length(min = 10, max = 256, code = "password_length"))
    )]
    pub password: Option<String>,
    #[serde(default)]
    pub locale: Locale,
    /// Required for the `customer` role.
    pub customer_id: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema, Validate))]
pub struct UpdateUserRequest {
    #[cfg_attr(
        feature = "server",
        validate(length(min = 1, max = 120, code = "required"))
    )]
    pub display_name: Option<String>,
    pub role: Option<Role>,
    pub active: Option<bool>,
    pub locale: Option<Locale>,
    /// Why the change was made; kept in the audit trail.
    #[cfg_attr(feature = "server", validate(length(max = 500, code = "length")))]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema, Validate))]
pub struct ResetPasswordRequest {
    #[cfg_attr(
        feature = "server",
        validate(length(min = 10, max = 256, code = "password_length"))
    )]
    pub new_password: String,
}

/// `POST /users/{id}/api-keys`: a key for an integrator user.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema, Validate))]
pub struct CreateApiKeyRequest {
    /// What the key is for, to recognise it in the list ("Lobby kiosk", "Bank lockbox").
    #[cfg_attr(
        feature = "server",
        validate(length(min = 1, max = 80, code = "length"))
    )]
    #[cfg_attr(feature = "server", schema(min_length = 1, max_length = 80))]
    pub name: String,
    /// When the key stops working; none for a key that works until revoked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Limit the key to these operations (the `operationId`s of this API document that the
    /// integrator role may call): least privilege for, e.g., a kiosk that only shows
    /// balances. None: every operation the integrator role admits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "server",
        validate(length(min = 1, max = 100, code = "length"))
    )]
    pub operations: Option<Vec<String>>,
}

/// An API key as administrators see it: never the key itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct ApiKeyDto {
    pub id: String,
    /// The first characters, to recognise the key.
    pub prefix: String,
    pub name: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<chrono::DateTime<chrono::Utc>>,
    /// The last request made with the key (to the minute).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_used_at: Option<chrono::DateTime<chrono::Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<chrono::DateTime<chrono::Utc>>,
    /// The operations the key is limited to; absent: every operation of its role.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operations: Option<Vec<String>>,
}

/// A new API key. The key itself is shown only once; the server keeps only its hash.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct ApiKeyCreated {
    pub id: String,
    /// Send as `X-Api-Key: <key>`. Shown this once: store it now.
    pub key: String,
    /// The first characters, to recognise the key in lists.
    pub prefix: String,
    /// The key as the list shows it.
    pub details: ApiKeyDto,
}

#[cfg(feature = "server")]
pub fn validate_username(u: &str) -> Result<(), validator::ValidationError> {
    if u.chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'))
    {
        Ok(())
    } else {
        let mut e = validator::ValidationError::new("username_chars");
        e.message = Some("letters, digits, '.', '_', '-' and '@' only".into());
        Err(e)
    }
}

// ---------------------------------------------------------------- paging

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

/// A text search shows its best this-many matches (its `total` stays exact), as search
/// engines do: nobody reads past them, and ranking every match of a word as common as a
/// street direction, page after page, is what would make searching slow for everyone.
/// A page beyond them answers 422 `validation_failed` on `page`.
pub const SEARCH_RESULT_WINDOW: i64 = 1_000;

// ---------------------------------------------------------------- audit

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct AuditEntryDto {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor_id: Option<String>,
    pub actor_username: Option<String>,
    /// e.g. `user.create`, `user.update`, `auth.password_change`.
    pub action: String,
    pub entity_type: String,
    pub entity_id: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub reason: Option<String>,
}

// ---------------------------------------------------------------- accounts

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
#[cfg_attr(feature = "server", derive(diesel::AsExpression, diesel::FromSqlRow))]
#[cfg_attr(feature = "server", diesel(sql_type = diesel::sql_types::Text))]
#[serde(rename_all = "snake_case")]
pub enum AccountStatus {
    Pending,
    Active,
    Suspended,
    Final,
    Closed,
}

impl AccountStatus {
    pub const ALL: [AccountStatus; 5] = [
        AccountStatus::Pending,
        AccountStatus::Active,
        AccountStatus::Suspended,
        AccountStatus::Final,
        AccountStatus::Closed,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            AccountStatus::Pending => "pending",
            AccountStatus::Active => "active",
            AccountStatus::Suspended => "suspended",
            AccountStatus::Final => "final",
            AccountStatus::Closed => "closed",
        }
    }
    pub fn parse(s: &str) -> Option<AccountStatus> {
        AccountStatus::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct CycleDto {
    pub id: String,
    /// Short code, e.g. `C1`.
    pub code: String,
    pub name: String,
    /// Months between bills: 1 (monthly) or 2 (bimonthly).
    pub months_per_bill: i32,
    pub account_count: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct AccountSummaryDto {
    pub id: String,
    /// The account number customers quote, e.g. `100-0001-01`.
    pub number: String,
    pub status: AccountStatus,
    pub customer_name: String,
    pub service_address: String,
    pub cycle_code: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct CustomerDto {
    pub id: String,
    pub name: String,
    pub is_organisation: bool,
    /// The mailing address's display form.
    pub mailing_address: String,
    /// The mailing address in parts (`None`: stored before addresses had parts, unreadable).
    pub mailing_address_parts: Option<crate::address::Address>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub preferred_locale: Locale,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct PremiseDto {
    pub id: String,
    /// The service address's display form.
    pub service_address: String,
    /// The service address in parts (`None`: stored before addresses had parts, unreadable).
    pub service_address_parts: Option<crate::address::Address>,
    pub parcel: Option<String>,
    pub inside_city: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct AccountDto {
    pub id: String,
    pub number: String,
    pub status: AccountStatus,
    /// `owner` or `tenant`.
    pub occupant: String,
    pub customer: CustomerDto,
    pub premise: PremiseDto,
    pub cycle: CycleDto,
    pub opened_on: NaiveDate,
    pub closed_on: Option<NaiveDate>,
    /// The deposit the configured rules require for this account.
    pub deposit_required: Money,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct DashboardDto {
    /// Today's business date in the utility's time zone.
    pub business_date: NaiveDate,
    pub customers: i64,
    pub premises: i64,
    pub accounts_by_status: Vec<StatusCount>,
    pub cycles: Vec<CycleDto>,
    /// Sum of the deposits required on active accounts.
    pub deposits_required: Money,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct StatusCount {
    pub status: AccountStatus,
    pub count: i64,
}

// ---------------------------------------------------------------- operations

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct HealthDto {
    /// `ok`.
    pub status: String,
    pub version: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct ReadyDto {
    /// `ready` or `not_ready`.
    pub status: String,
    /// `sqlite` or `postgres`.
    pub database: String,
    pub database_reachable: bool,
    pub migrations_current: bool,
}

// Where a background job is; stored as TEXT in `jobs.status` (a plain comment: a doc comment
// would change the OpenAPI description).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
#[cfg_attr(feature = "server", derive(diesel::AsExpression, diesel::FromSqlRow))]
#[cfg_attr(feature = "server", diesel(sql_type = diesel::sql_types::Text))]
#[serde(rename_all = "snake_case")]
pub enum JobStatus {
    Pending,
    Running,
    Done,
    Failed,
}

impl JobStatus {
    pub const ALL: [JobStatus; 4] = [
        JobStatus::Pending,
        JobStatus::Running,
        JobStatus::Done,
        JobStatus::Failed,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            JobStatus::Pending => "pending",
            JobStatus::Running => "running",
            JobStatus::Done => "done",
            JobStatus::Failed => "failed",
        }
    }
    pub fn parse(s: &str) -> Option<JobStatus> {
        JobStatus::ALL.into_iter().find(|j| j.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct JobDto {
    pub id: String,
    /// What the job does, e.g. `maintenance.purge_sessions`.
    pub kind: String,
    pub status: JobStatus,
    pub run_at: DateTime<Utc>,
    pub attempts: i32,
    /// The server instance that claimed it.
    pub claimed_by: Option<String>,
    pub finished_at: Option<DateTime<Utc>>,
    pub result: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema, Validate))]
pub struct EnqueueJobRequest {
    #[cfg_attr(
        feature = "server",
        validate(length(min = 1, max = 64, code = "required"))
    )]
    pub kind: String,
}

crate::text_column!(Locale);

crate::text_column!(AccountStatus);

crate::text_column!(JobStatus);
