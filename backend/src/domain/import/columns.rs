//! The files of a batch, the columns each may have, and the ids derived from legacy ids.

use chrono::NaiveDate;
use cistern_shared::meters::RegisterCode;

/// The files of a conversion batch, in the order they are imported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FileKind {
    Customers,
    Premises,
    Meters,
    Services,
    Accounts,
    Reads,
    WinterAverages,
}

/// A column: its name and whether the header must have it.
pub(super) type Column = (&'static str, bool);

const CUSTOMER_COLUMNS: &[Column] = &[
    ("legacy_id", true),
    ("name", true),
    ("mailing_address", true),
    ("is_organisation", false),
    ("phone", false),
    ("phone_alt", false),
    ("email", false),
    ("preferred_locale", false),
    ("notify_email", false),
    ("notify_text", false),
    ("notify_mail", false),
];
const PREMISE_COLUMNS: &[Column] = &[
    ("legacy_id", true),
    ("service_address", true),
    ("cycle_code", true),
    ("route", true),
    ("read_sequence", true),
    ("parcel", false),
    ("inside_city", false),
    ("dwelling_units", false),
    ("notes", false),
];
const METER_COLUMNS: &[Column] = &[
    ("legacy_id", true),
    ("serial", true),
    ("size", true),
    ("kind", true),
    ("unit", true),
    ("manufacturer", false),
    ("model", false),
    ("endpoint_serial", false),
    ("status", false),
    ("premise_legacy_id", false),
    ("installed_on", false),
    ("removed_on", false),
    ("digits", false),
    ("multiplier", false),
    ("low_digits", false),
    ("low_multiplier", false),
    ("high_digits", false),
    ("high_multiplier", false),
];
const SERVICE_COLUMNS: &[Column] = &[
    ("legacy_id", true),
    ("premise_legacy_id", true),
    ("service_type", true),
    ("customer_class", true),
    ("rate_code", true),
    ("started_on", true),
    ("status", false),
    ("esu", false),
    ("ended_on", false),
];
const ACCOUNT_COLUMNS: &[Column] = &[
    ("legacy_id", true),
    ("number", true),
    ("customer_legacy_id", true),
    ("premise_legacy_id", true),
    ("status", true),
    ("occupant", true),
    ("opened_on", true),
    ("closed_on", false),
    ("deposit_required", false),
    ("owner_copy_customer_legacy_id", false),
    ("paperless", false),
    ("autopay", false),
    ("final_read_on", false),
];
const READ_COLUMNS: &[Column] = &[
    ("meter_legacy_id", true),
    ("read_on", true),
    ("reading", true),
    ("register", false),
    ("account_legacy_id", false),
    ("note", false),
];
const WINTER_COLUMNS: &[Column] = &[
    ("premise_legacy_id", true),
    ("season", true),
    ("average_ccf", true),
];

impl FileKind {
    pub const ALL: [FileKind; 7] = [
        FileKind::Customers,
        FileKind::Premises,
        FileKind::Meters,
        FileKind::Services,
        FileKind::Accounts,
        FileKind::Reads,
        FileKind::WinterAverages,
    ];

    pub fn file_name(self) -> &'static str {
        match self {
            FileKind::Customers => "customers.csv",
            FileKind::Premises => "premises.csv",
            FileKind::Meters => "meters.csv",
            FileKind::Services => "services.csv",
            FileKind::Accounts => "accounts.csv",
            FileKind::Reads => "reads.csv",
            FileKind::WinterAverages => "winter_averages.csv",
        }
    }

    /// The kind of a file by its name (letter case ignored).
    pub fn from_file_name(name: &str) -> Option<FileKind> {
        FileKind::ALL
            .into_iter()
            .find(|k| k.file_name().eq_ignore_ascii_case(name.trim()))
    }

    pub fn columns(self) -> &'static [Column] {
        match self {
            FileKind::Customers => CUSTOMER_COLUMNS,
            FileKind::Premises => PREMISE_COLUMNS,
            FileKind::Meters => METER_COLUMNS,
            FileKind::Services => SERVICE_COLUMNS,
            FileKind::Accounts => ACCOUNT_COLUMNS,
            FileKind::Reads => READ_COLUMNS,
            FileKind::WinterAverages => WINTER_COLUMNS,
        }
    }

    pub(super) fn order(self) -> usize {
        FileKind::ALL
            .iter()
            .position(|k| *k == self)
            .unwrap_or_default()
    }
}

pub(super) fn all_file_names() -> String {
    FileKind::ALL
        .iter()
        .map(|k| k.file_name())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Deterministic ids: the same legacy id is always the same record.
pub fn customer_id(legacy: &str) -> String {
    format!("cus-L{legacy}")
}
pub fn premise_id(legacy: &str) -> String {
    format!("prm-L{legacy}")
}
pub fn meter_id(legacy: &str) -> String {
    format!("met-L{legacy}")
}
pub fn service_id(legacy: &str) -> String {
    format!("svc-L{legacy}")
}
pub fn account_id(legacy: &str) -> String {
    format!("acc-L{legacy}")
}
pub fn read_id(meter_legacy: &str, register: RegisterCode, read_on: NaiveDate) -> String {
    format!(
        "rd-L{meter_legacy}-{}-{}",
        register.as_str(),
        read_on.format("%Y%m%d")
    )
}

/// The legacy id inside a derived id, for messages.
pub(super) fn legacy_of(id: &str) -> &str {
    id.split_once("-L").map(|(_, l)| l).unwrap_or(id)
}

// ---------------------------------------------------------------- problems
