//! Request and response bodies of the rates API (`/api/v1/rate-books`, `/api/v1/rate-schedules`,
//! `/api/v1/rate-quotes`), shared by the server and the browser client. The rules behind them
//! are in the server's `domain::rates`; the documents and the engine in [`crate::rates`].

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::dto::Locale;
use crate::rates::{Quote, QuoteInput, RateSchedule};
use crate::FieldError;

#[cfg(feature = "server")]
use utoipa::ToSchema;
#[cfg(feature = "server")]
use validator::Validate;

/// Where a version is in its life: draft -> approved -> retired.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
#[cfg_attr(feature = "server", derive(diesel::AsExpression, diesel::FromSqlRow))]
#[cfg_attr(feature = "server", diesel(sql_type = diesel::sql_types::Text))]
#[serde(rename_all = "snake_case")]
pub enum RateStatus {
    /// Being written; may still change.
    Draft,
    /// Checked and approved by a second person; never changes again.
    Approved,
    /// Withdrawn: kept for history, no longer used for quotes.
    Retired,
}

impl RateStatus {
    pub const ALL: [RateStatus; 3] = [RateStatus::Draft, RateStatus::Approved, RateStatus::Retired];

    pub fn as_str(self) -> &'static str {
        match self {
            RateStatus::Draft => "draft",
            RateStatus::Approved => "approved",
            RateStatus::Retired => "retired",
        }
    }

    pub fn parse(s: &str) -> Option<RateStatus> {
        RateStatus::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// One version of a rate book, without its document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct RateScheduleSummaryDto {
    /// This version's id.
    pub id: String,
    /// The rate book: the document's `id`, shared by all its versions.
    pub book_id: String,
    /// 1, 2, ... per rate book, in the order the versions were created.
    pub version: i32,
    /// The document's English title.
    pub title: String,
    pub effective_date: NaiveDate,
    pub status: RateStatus,
    /// SHA-256 (hex) of the stored document. Send it with an approval to approve exactly the
    /// document you reviewed.
    pub document_sha256: String,
    /// Usernames of who created, last changed, approved and retired this version.
    pub created_by: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_by: Option<String>,
    pub updated_at: DateTime<Utc>,
    pub approved_by: Option<String>,
    pub approved_at: Option<DateTime<Utc>>,
    pub retired_by: Option<String>,
    pub retired_at: Option<DateTime<Utc>>,
}

/// One version with its document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct RateScheduleDto {
    #[serde(flatten)]
    pub summary: RateScheduleSummaryDto,
    /// The document as parsed (the export gives the stored text byte for byte).
    pub document: RateSchedule,
    /// For a draft, what approval would refuse today (the document's own problems and
    /// conflicts with the book's approved versions); empty otherwise.
    pub problems: Vec<FieldError>,
}

/// A rate book: all versions of one document `id`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct RateBookDto {
    pub book_id: String,
    /// The title of the newest version.
    pub title: String,
    pub versions: i64,
    pub drafts: i64,
    /// The approved version in effect on the business date (the latest effective on or before
    /// it), if any.
    pub in_effect: Option<RateScheduleSummaryDto>,
    /// Approved versions that take effect after the business date, earliest first.
    pub upcoming: Vec<RateScheduleSummaryDto>,
}

/// The answer of a validation: every problem, with the JSON path of its field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct RateValidationDto {
    /// True when the document could be approved as it stands.
    pub valid: bool,
    /// The rate book the document belongs to, when it could be read.
    pub book_id: Option<String>,
    pub problems: Vec<FieldError>,
}

/// Approve a draft.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema, Validate))]
#[serde(deny_unknown_fields)]
pub struct ApproveRateScheduleRequest {
    /// Why, e.g. the resolution adopting the rates; kept in the audit trail.
    #[cfg_attr(feature = "server", validate(length(max = 1000, code = "length")))]
    #[serde(default)]
    pub reason: Option<String>,
    /// The `document_sha256` of the version as you reviewed it; if the draft has changed
    /// since, the approval is refused (409).
    #[cfg_attr(feature = "server", validate(length(equal = 64, code = "length")))]
    #[serde(default)]
    pub document_sha256: Option<String>,
}

/// Retire an approved version.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema, Validate))]
#[serde(deny_unknown_fields)]
pub struct RetireRateScheduleRequest {
    /// Why it is withdrawn; kept in the audit trail.
    #[cfg_attr(feature = "server", validate(length(max = 1000, code = "length")))]
    #[serde(default)]
    pub reason: Option<String>,
}

/// What to quote: an account's facts for one bill, and which rates to use.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RateQuoteRequest {
    /// Quote against this one version alone, whatever its status (a draft, to see what it
    /// would do). Customers may name approved versions only. Not with `on` or `book_id`.
    #[serde(default)]
    pub schedule_id: Option<String>,
    /// Use the approved versions adopted by this date: of each rate book, the versions
    /// effective on or before it (the engine picks among them by the service period and bill
    /// date). Default: the later of the service period's last day and the bill date.
    #[serde(default)]
    pub on: Option<NaiveDate>,
    /// Only this rate book. Default: every rate book with an approved version effective on or
    /// before `on`.
    #[serde(default)]
    pub book_id: Option<String>,
    pub input: QuoteInput,
}

/// A version a quote was calculated with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct RateScheduleRefDto {
    pub id: String,
    pub book_id: String,
    pub version: i32,
    pub effective_date: NaiveDate,
    pub status: RateStatus,
}

/// An itemised bill and its explanation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct RateQuoteDto {
    pub quote: Quote,
    /// The bill in sentences a clerk can read to a customer, in `locale`.
    pub explanation: Vec<String>,
    pub locale: Locale,
    /// The versions whose rates appear on the bill.
    pub schedules: Vec<RateScheduleRefDto>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_round_trip_as_their_json_names() {
        for s in RateStatus::ALL {
            assert_eq!(RateStatus::parse(s.as_str()), Some(s));
            assert_eq!(
                serde_json::to_value(s).ok(),
                Some(serde_json::Value::String(s.as_str().to_owned()))
            );
        }
        assert_eq!(RateStatus::parse("pending"), None);
    }

    #[test]
    fn approval_bodies_accept_nothing_unknown() {
        let ok: Result<ApproveRateScheduleRequest, _> =
            serde_json::from_str(r#"{"reason": "Resolution 2014-58"}"#);
        assert!(ok.is_ok());
        let bad: Result<ApproveRateScheduleRequest, _> =
            serde_json::from_str(r#"{"reason": "x", "approve": true}"#);
        assert!(bad.is_err());
    }
}

crate::text_column!(RateStatus);
