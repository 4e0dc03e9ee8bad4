//! Why a bill could not be calculated. The engine never panics: every bad input ends here.

use chrono::NaiveDate;

/// A bill that cannot be calculated, with a stable `code()` for the API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RateError {
    /// No schedules were given.
    NoSchedules,
    /// The period ends before it starts.
    InvalidPeriod { start: NaiveDate, end: NaiveDate },
    /// Longer than `MAX_PERIOD_DAYS`; bill such a span as several bills.
    PeriodTooLong { days: u32 },
    /// The service period is not inside the billing cycle given for proration.
    PeriodOutsideCycle,
    /// An input field is out of range (negative consumption, zero multiplier, blank reason...).
    InvalidInput {
        field: &'static str,
        reason: &'static str,
    },
    /// No version of the schedule is in effect on the date.
    NoRatesInEffect {
        schedule_id: String,
        date: NaiveDate,
    },
    /// Versions of one schedule disagree (mixed `effective_by`, two with one effective date).
    ConflictingVersions {
        schedule_id: String,
        reason: &'static str,
    },
    /// The schedule lists its classes and the account's is not one of them.
    UnknownClass { schedule_id: String, class: String },
    /// A charge depends on the meter size and the account has none.
    MeterSizeRequired { component_id: String },
    /// A charge has no rate for the account's meter size.
    UnknownMeterSize {
        component_id: String,
        meter_size: String,
    },
    /// A charge needs account data that was not given (`esus`, `impervious_area_sq_ft`).
    MissingAccountData {
        component_id: String,
        field: &'static str,
    },
    /// A charge needs a winter average; the account has none and its class has no default.
    MissingWinterAverage { component_id: String },
    /// The schedule cannot be billed as written; `validate` reports the details.
    InvalidSchedule {
        schedule_id: String,
        component_id: String,
        reason: &'static str,
    },
    /// The document is in a format version this code does not read.
    UnsupportedFormatVersion { schedule_id: String, version: u32 },
    /// An amount exceeded what exact decimal arithmetic can hold.
    Overflow,
}

impl RateError {
    /// Stable machine-readable code; never changes once published.
    pub fn code(&self) -> crate::FieldCode {
        match self {
            RateError::NoSchedules => crate::FieldCode::NoSchedules,
            RateError::InvalidPeriod { .. } => crate::FieldCode::InvalidPeriod,
            RateError::PeriodTooLong { .. } => crate::FieldCode::PeriodTooLong,
            RateError::PeriodOutsideCycle => crate::FieldCode::PeriodOutsideCycle,
            RateError::InvalidInput { .. } => crate::FieldCode::InvalidInput,
            RateError::NoRatesInEffect { .. } => crate::FieldCode::NoRatesInEffect,
            RateError::ConflictingVersions { .. } => crate::FieldCode::ConflictingVersions,
            RateError::UnknownClass { .. } => crate::FieldCode::UnknownClass,
            RateError::MeterSizeRequired { .. } => crate::FieldCode::MeterSizeRequired,
            RateError::UnknownMeterSize { .. } => crate::FieldCode::UnknownMeterSize,
            RateError::MissingAccountData { .. } => crate::FieldCode::MissingAccountData,
            RateError::MissingWinterAverage { .. } => crate::FieldCode::MissingWinterAverage,
            RateError::InvalidSchedule { .. } => crate::FieldCode::InvalidSchedule,
            RateError::UnsupportedFormatVersion { .. } => {
                crate::FieldCode::UnsupportedFormatVersion
            }
            RateError::Overflow => crate::FieldCode::Overflow,
        }
    }
}

impl std::fmt::Display for RateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RateError::NoSchedules => f.write_str("no rate schedules were given"),
            RateError::InvalidPeriod { start, end } => write!(f, "the service period ends ({end}) before it starts ({start})"),
            RateError::PeriodTooLong { days } => write!(
                f,
                "the period is {days} days; at most {} can be billed at once",
                super::engine::MAX_PERIOD_DAYS
            ),
            RateError::PeriodOutsideCycle => f.write_str("the service period is not inside the billing cycle"),
            RateError::InvalidInput { field, reason } => write!(f, "{field}: {reason}"),
            RateError::NoRatesInEffect { schedule_id, date } => {
                write!(f, "no version of rate schedule {schedule_id} is in effect on {date}")
            }
            RateError::ConflictingVersions { schedule_id, reason } => {
                write!(f, "versions of rate schedule {schedule_id} conflict: {reason}")
            }
            RateError::UnknownClass { schedule_id, class } => {
                write!(f, "rate schedule {schedule_id} has no customer class {class}")
            }
            RateError::MeterSizeRequired { component_id } => {
                write!(f, "charge {component_id} depends on the meter size, and the account has none")
            }
            RateError::UnknownMeterSize { component_id, meter_size } => {
                write!(f, "charge {component_id} has no rate for meter size {meter_size}")
            }
            RateError::MissingAccountData { component_id, field } => {
                write!(f, "charge {component_id} needs the account's {field}")
            }
            RateError::MissingWinterAverage { component_id } => write!(
                f,
                "charge {component_id} needs a winter average; the account has none and its class has no default"
            ),
            RateError::InvalidSchedule { schedule_id, component_id, reason } => {
                write!(f, "rate schedule {schedule_id}, charge {component_id}: {reason}")
            }
            RateError::UnsupportedFormatVersion { schedule_id, version } => {
                write!(f, "rate schedule {schedule_id} is in format version {version}, which this version does not read")
            }
            RateError::Overflow => f.write_str("an amount is too large to calculate exactly"),
        }
    }
}

impl std::error::Error for RateError {}
