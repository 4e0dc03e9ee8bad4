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
    // The mailing address: as text, or in parts (see ADDRESS_PARTS); one of the two.
    ("mailing_address", false),
    ("is_organisation", false),
    ("phone", false),
    ("phone_alt", false),
    ("email", false),
    ("preferred_locale", false),
    ("notify_email", false),
    ("notify_text", false),
    ("notify_mail", false),
    ("house_number", false),
    ("pre_direction", false),
    ("street", false),
    ("suffix", false),
    ("post_direction", false),
    ("unit", false),
    ("city", false),
    ("state", false),
    ("zip", false),
    ("zip4", false),
    ("foreign_address", false),
];
const PREMISE_COLUMNS: &[Column] = &[
    ("legacy_id", true),
    // The service address: as text, or in parts (see ADDRESS_PARTS); one of the two.
    ("service_address", false),
    ("cycle_code", true),
    ("route", true),
    ("read_sequence", true),
    ("parcel", false),
    ("inside_city", false),
    ("dwelling_units", false),
    ("notes", false),
    ("house_number", false),
    ("pre_direction", false),
    ("street", false),
    ("suffix", false),
    ("post_direction", false),
    ("unit", false),
    ("city", false),
    ("state", false),
    ("zip", false),
    ("zip4", false),
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

/// The columns of an address in parts, in the order of [`cistern_shared::address::Address`]'s
/// US parts (customers.csv also has `foreign_address`, a free-form address abroad).
pub(super) const ADDRESS_PARTS: [&str; 10] = [
    "house_number",
    "pre_direction",
    "street",
    "suffix",
    "post_direction",
    "unit",
    "city",
    "state",
    "zip",
    "zip4",
];

/// Other names legacy systems give the address columns (compared after the header is put in
/// lower case with spaces and hyphens as `_`): `House Number`, `Street Name`, `Apt`,
/// `ZIP Code`, `ZIP+4`; `Service Address` (the Sensus route file) and `Address`.
const ADDRESS_ALIASES: &[(&str, &str)] = &[
    ("house_no", "house_number"),
    ("house_num", "house_number"),
    ("house", "house_number"),
    ("street_number", "house_number"),
    ("street_no", "house_number"),
    ("address_number", "house_number"),
    ("predir", "pre_direction"),
    ("pre_dir", "pre_direction"),
    ("predirectional", "pre_direction"),
    ("street_prefix", "pre_direction"),
    ("street_name", "street"),
    ("street_suffix", "suffix"),
    ("street_type", "suffix"),
    ("postdir", "post_direction"),
    ("post_dir", "post_direction"),
    ("postdirectional", "post_direction"),
    ("apt", "unit"),
    ("apartment", "unit"),
    ("suite", "unit"),
    ("unit_number", "unit"),
    ("unit_no", "unit"),
    ("apt_unit", "unit"),
    ("town", "city"),
    ("state_code", "state"),
    ("zip_code", "zip"),
    ("zipcode", "zip"),
    ("postal_code", "zip"),
    ("zip5", "zip"),
    ("zip+4", "zip4"),
    ("zip_4", "zip4"),
    ("plus4", "zip4"),
    ("plus_4", "zip4"),
    ("zip_plus4", "zip4"),
    ("zip_plus_4", "zip4"),
];
const CUSTOMER_ALIASES: &[(&str, &str)] = &[
    ("address", "mailing_address"),
    ("mail_address", "mailing_address"),
    ("billing_address", "mailing_address"),
    ("foreign", "foreign_address"),
];
const PREMISE_ALIASES: &[(&str, &str)] = &[
    ("address", "service_address"),
    ("premise_address", "service_address"),
    ("location_address", "service_address"),
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

    /// A header cell as the column it names: trimmed, without a byte order mark, in lower
    /// case, spaces and hyphens as `_`, and another name of an address column as its own.
    pub(super) fn column_name(self, cell: &str) -> String {
        let name: String = cell
            .trim()
            .trim_start_matches('\u{feff}')
            .trim()
            .to_ascii_lowercase()
            .split([' ', '-'])
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join("_");
        let aliases: &[&[(&str, &str)]] = match self {
            FileKind::Customers => &[ADDRESS_ALIASES, CUSTOMER_ALIASES],
            FileKind::Premises => &[ADDRESS_ALIASES, PREMISE_ALIASES],
            _ => &[],
        };
        aliases
            .iter()
            .flat_map(|a| a.iter())
            .find(|(alias, _)| *alias == name)
            .map_or(name, |(_, c)| (*c).to_owned())
    }

    /// Columns of which the header needs at least one: the address as text or in parts.
    pub(super) fn one_of(self) -> &'static [&'static [&'static str]] {
        match self {
            FileKind::Customers => &[&["mailing_address", "street", "foreign_address"]],
            FileKind::Premises => &[&["service_address", "street"]],
            _ => &[],
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
