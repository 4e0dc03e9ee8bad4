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
    /// The change conflicts with the resource's current state (a rule the database enforces;
    /// the specific refusals below have their own codes).
    Conflict,
    /// An order of the same type is already open at the premise; resend to create it anyway.
    DuplicateOpenOrder,
    /// The premise already has an open account: move the current customer out first.
    PremiseOccupied,
    /// The service order is already completed or cancelled.
    OrderNotOpen,
    /// Maker-checker: the one who made the last change to a draft cannot also approve it.
    ApproverMadeLastChange,
    /// Someone else changed the same record at the same moment (or since you looked): look again and retry.
    ChangedMeanwhile,
    /// Only a draft rate schedule can be edited or approved; this version is approved or retired.
    RateScheduleNotDraft,
    /// Only an approved rate schedule can be retired.
    RateScheduleNotApproved,
    /// The account is closed (final or inactive): nothing can be scheduled on it.
    AccountNotOpen,
    /// A service cannot move from its status to the one asked for (e.g. an inactive service back to seasonal off).
    ServiceStatusNotAllowed,
    /// Nobody can deactivate themselves or give up their own administrator role.
    OwnAccess,
    /// API keys are issued to integrator users only.
    NotAnIntegrator,
    /// A meter with this serial number is already in the inventory.
    MeterSerialTaken,
    /// A billing cycle with this code exists.
    CycleCodeTaken,
    /// The same files are being imported by someone else right now.
    ImportInProgress,
    /// The database is unreachable or its schema is not current.
    ServiceUnavailable,
    /// Something went wrong on our side; the details are in the server log.
    Internal,
}

impl ErrorCode {
    pub const ALL: [ErrorCode; 32] = [
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
        ErrorCode::ChangedMeanwhile,
        ErrorCode::RateScheduleNotDraft,
        ErrorCode::RateScheduleNotApproved,
        ErrorCode::AccountNotOpen,
        ErrorCode::ServiceStatusNotAllowed,
        ErrorCode::OwnAccess,
        ErrorCode::NotAnIntegrator,
        ErrorCode::MeterSerialTaken,
        ErrorCode::CycleCodeTaken,
        ErrorCode::ImportInProgress,
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
            ErrorCode::ChangedMeanwhile => "changed_meanwhile",
            ErrorCode::RateScheduleNotDraft => "rate_schedule_not_draft",
            ErrorCode::RateScheduleNotApproved => "rate_schedule_not_approved",
            ErrorCode::AccountNotOpen => "account_not_open",
            ErrorCode::ServiceStatusNotAllowed => "service_status_not_allowed",
            ErrorCode::OwnAccess => "own_access",
            ErrorCode::NotAnIntegrator => "not_an_integrator",
            ErrorCode::MeterSerialTaken => "meter_serial_taken",
            ErrorCode::CycleCodeTaken => "cycle_code_taken",
            ErrorCode::ImportInProgress => "import_in_progress",
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
            | ErrorCode::ApproverMadeLastChange
            | ErrorCode::ChangedMeanwhile
            | ErrorCode::RateScheduleNotDraft
            | ErrorCode::RateScheduleNotApproved
            | ErrorCode::AccountNotOpen
            | ErrorCode::ServiceStatusNotAllowed
            | ErrorCode::OwnAccess
            | ErrorCode::NotAnIntegrator
            | ErrorCode::MeterSerialTaken
            | ErrorCode::CycleCodeTaken
            | ErrorCode::ImportInProgress => 409,
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

crate::string_enum! {
    /// Stable, machine-readable codes for the rule a field broke (`FieldError::code`). The
    /// client translates every one (locale key `field_error.<code>`, or the rate editor's own
    /// wording for rate documents); the names never change once published.
    FieldCode {
        // ---- any form
        /// A value is missing or blank.
        Required => "required",
        /// Too long (or too short) for the field.
        Length => "length",
        /// Shorter than the password rule allows.
        PasswordLength => "password_length",
        /// A username may use letters, digits, `.`, `_`, `-` and `@`.
        UsernameChars => "username_chars",
        /// Not an e-mail address.
        Email => "email",
        /// Not a telephone number.
        Phone => "phone",
        /// A number outside the allowed range.
        Range => "range",
        /// Not a value the field accepts.
        Invalid => "invalid",
        /// Shorter than the field allows.
        TooShort => "too_short",
        /// Longer than the field allows.
        TooLong => "too_long",
        /// No such record (or not one this request may use).
        Unknown => "unknown",
        /// Not a date (year-month-day).
        Date => "date",
        /// A date outside the window the utility accepts (by default 1900-2199).
        DateRange => "date_range",
        /// Not a number.
        Number => "number",
        /// Give exactly one of two alternatives.
        OneOf => "one_of",
        /// Fields that contradict each other.
        Conflict => "conflict",
        /// Already in use.
        Taken => "taken",
        /// Appears twice.
        Duplicate => "duplicate",
        /// Not allowed for this kind of record or user.
        NotAllowed => "not_allowed",
        /// The new value is the same as the old.
        Unchanged => "unchanged",
        /// The current password is not right.
        WrongPassword => "wrong_password",
        /// Text with control characters (or NUL) where only printable text belongs.
        ControlCharacters => "control_characters",
        /// A page beyond the last one a search can show.
        BeyondSearchWindow => "beyond_search_window",
        // ---- addresses
        /// An address without a street: only a city, state or ZIP.
        AddressStreet => "address_street",
        /// A ZIP code that is not five digits (with an optional four after a hyphen).
        AddressZip => "address_zip",
        /// Not a two-letter USPS state code.
        AddressState => "address_state",
        /// A foreign address where only a US one will do, or one that also has US parts.
        AddressForeign => "address_foreign",
        // ---- dates in a workflow
        /// Before the account opened.
        BeforeStart => "before_start",
        /// Service at the new address cannot start before it ends at the old one.
        BeforeMoveOut => "before_move_out",
        /// The period ends before it starts.
        BeforeFrom => "before_from",
        // ---- meters and orders
        /// The meter is not in stock.
        NotInStock => "not_in_stock",
        /// No meter is installed at the premise.
        NoMeter => "no_meter",
        /// The meter is not installed at this premise.
        NotInstalled => "not_installed",
        /// The premise already has a meter.
        MeterInstalled => "meter_installed",
        /// A compound meter has a low and a high register; any other meter one main register.
        Registers => "registers",
        /// The meter has no such register.
        Register => "register",
        /// A register has 3 to 10 digits.
        Digits => "digits",
        /// A multiplier is a positive number with at most 4 decimal places.
        Multiplier => "multiplier",
        /// A reading larger than the register's dials can show.
        ReadingRange => "reading_range",
        // ---- conversion import files
        /// A file with no rows.
        Empty => "empty",
        /// A file larger than allowed.
        TooLarge => "too_large",
        /// Not one of the values the column accepts.
        UnknownValue => "unknown_value",
        /// Refers to a record that is neither in the files nor in the database.
        UnknownReference => "unknown_reference",
        /// A column the file format does not have.
        UnknownColumn => "unknown_column",
        /// A required column is missing.
        MissingColumn => "missing_column",
        /// A column appears twice.
        DuplicateColumn => "duplicate_column",
        /// A file the import does not know.
        UnknownFile => "unknown_file",
        /// The file is not UTF-8 text.
        InvalidEncoding => "invalid_encoding",
        // ---- rate schedule documents
        /// The document is not readable JSON in the rate schedule format.
        InvalidJson => "invalid_json",
        /// Only format version 1 is supported.
        UnsupportedVersion => "unsupported_version",
        /// Use 1 to 64 letters, digits, `-`, `_` or `.`.
        InvalidId => "invalid_id",
        /// The schedule does not list this customer class.
        UnknownClass => "unknown_class",
        /// Must not be negative.
        Negative => "negative",
        /// Must be more than zero.
        NotPositive => "not_positive",
        /// Out of range (a percent is between -100 and 1000).
        OutOfRange => "out_of_range",
        /// This field means nothing here.
        NotApplicable => "not_applicable",
        /// Too many entries.
        TooMany => "too_many",
        /// Each tier must end above the one before it.
        TiersNotIncreasing => "tiers_not_increasing",
        /// Only the last tier may be open-ended.
        OpenTierNotLast => "open_tier_not_last",
        /// The last tier must have no upper limit.
        LastTierBounded => "last_tier_bounded",
        /// A month is from 1 to 12.
        InvalidMonth => "invalid_month",
        /// A month is in two seasons.
        OverlappingSeasons => "overlapping_seasons",
        /// Some month is in no season.
        SeasonGap => "season_gap",
        /// No charge has this id.
        UnknownComponent => "unknown_component",
        /// A charge cannot refer to itself.
        SelfReference => "self_reference",
        /// Refer only to charges written before this one.
        ForwardReference => "forward_reference",
        /// The minimum is above the maximum.
        MinimumAboveMaximum => "minimum_above_maximum",
        /// All versions of a rate book must choose their rates the same way.
        MixedEffectiveBy => "mixed_effective_by",
        /// An approved version of this rate book already takes effect on this date.
        DuplicateVersion => "duplicate_version",
        /// The document is for another rate book than the one being edited (the editor's check).
        OtherBook => "other_book",
        // ---- calculating a bill
        /// No rate schedules were given.
        NoSchedules => "no_schedules",
        /// The service period ends before it starts.
        InvalidPeriod => "invalid_period",
        /// The period is longer than can be billed at once.
        PeriodTooLong => "period_too_long",
        /// The period lies outside the billing cycle.
        PeriodOutsideCycle => "period_outside_cycle",
        /// The usage or account data given cannot be billed.
        InvalidInput => "invalid_input",
        /// No approved rate schedule is in effect on the date.
        NoRatesInEffect => "no_rates_in_effect",
        /// Two versions of a rate book contradict each other.
        ConflictingVersions => "conflicting_versions",
        /// A charge by meter size needs the meter's size.
        MeterSizeRequired => "meter_size_required",
        /// The schedule has no rate for this meter size.
        UnknownMeterSize => "unknown_meter_size",
        /// The account lacks data a charge needs.
        MissingAccountData => "missing_account_data",
        /// A sewer charge on winter average needs the winter average.
        MissingWinterAverage => "missing_winter_average",
        /// The schedule itself is not valid.
        InvalidSchedule => "invalid_schedule",
        /// The schedule's format version is not supported.
        UnsupportedFormatVersion => "unsupported_format_version",
        /// An amount too large to calculate.
        Overflow => "overflow",
    }
}

impl std::fmt::Display for FieldCode {
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
    /// The rule broken.
    pub code: FieldCode,
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

    #[test]
    fn field_codes_serialise_as_their_stable_names() {
        let mut names = std::collections::BTreeSet::new();
        for c in FieldCode::ALL {
            assert_eq!(
                serde_json::to_string(c).unwrap(),
                format!("\"{}\"", c.as_str())
            );
            assert_eq!(FieldCode::parse(c.as_str()), Some(*c));
            assert!(names.insert(c.as_str()), "{c} listed twice");
        }
    }
}
