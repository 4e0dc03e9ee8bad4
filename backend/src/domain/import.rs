//! The conversion import: a city arriving from another billing system brings its customers,
//! premises, meters (with their registers), services, accounts, last reads and winter-average
//! history as CSV files, documented in `docs/import.md`.
//!
//! The files are untrusted input. Every problem is collected as (file, row, field, message);
//! nothing here panics or answers a 500 for a bad file.
//!
//! - **Identity.** Every record is keyed by the legacy system's id, and its Cistern id is
//!   derived from it (`cus-L<legacy_id>`, `prm-L…`, `met-L…`, `svc-L…`, `acc-L…`; a read is
//!   `rd-L<meter>-<register>-<yyyymmdd>`; a winter average is keyed by premise and season).
//!   A repeated or overlapping batch therefore finds its earlier records instead of
//!   duplicating them: an identical record is skipped (`unchanged`), a changed one is updated.
//! - **Columns left out** of a file's header keep their stored value on an update (and take
//!   their default on a create); an empty cell in a column that is there means "no value".
//! - **Dry run**: parse, validate and compare with the database in a read transaction; report.
//! - **Real run**: the same checks inside one write transaction; any problem and nothing is
//!   written. Otherwise bulk upserts (multi-row statements, lookups loaded in bulk), one audit
//!   record summarising the batch, the batch in `import_batches` with its checksum (the same
//!   files again answer `already_imported` and change nothing), and the search index rebuilt for
//!   the accounts touched.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Read as _;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use cistern_shared::dto::{AccountStatus, Locale};
use cistern_shared::import::{ConversionReport, ImportFileCounts, ImportOutcome, ImportProblem};
use cistern_shared::meters::{MeterKind, MeterStatus, MeterUnit, RegisterCode};
use cistern_shared::orders::Occupant;
use cistern_shared::services::{ServiceStatus, ServiceType};
use cistern_shared::{ErrorCode, FieldError, Money};
use diesel::prelude::*;
use rust_decimal::Decimal;
use sha2::{Digest, Sha256};

use crate::db::schema::{
    accounts, customers, cycles, import_batches, meter_reads, meter_registers, meters, premises,
    services, winter_averages,
};
use crate::db::{DbConnection, DbPool};
use crate::domain::audit::{self, Actor, Change};
use crate::error::{ApiError, ApiResult};

/// Largest file accepted (the API's body limit is 64 MiB for all files together).
pub const MAX_FILE_BYTES: usize = 64 * 1024 * 1024;
/// Most data rows in one file.
pub const MAX_ROWS: u64 = 500_000;
/// Most problems listed in a report (all are counted).
pub const MAX_PROBLEMS: usize = 10_000;
/// Ids per `IN (...)` lookup.
const LOOKUP_CHUNK: usize = 5_000;
/// Bound parameters per multi-row statement (SQLite allows 32,766; PostgreSQL 65,535).
const MAX_BINDS: usize = 16_000;
/// Rows per multi-row statement.
const MAX_ROWS_PER_STATEMENT: usize = 1_000;
/// Legacy ids: 1 to 40 of these characters, so derived ids are safe in URLs.
const LEGACY_ID_MAX: usize = 40;

// ---------------------------------------------------------------- files and columns

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
type Column = (&'static str, bool);

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

    fn order(self) -> usize {
        FileKind::ALL
            .iter()
            .position(|k| *k == self)
            .unwrap_or_default()
    }
}

fn all_file_names() -> String {
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
fn legacy_of(id: &str) -> &str {
    id.split_once("-L").map(|(_, l)| l).unwrap_or(id)
}

// ---------------------------------------------------------------- problems

#[derive(Debug, Default, Clone)]
struct Problems {
    list: Vec<ImportProblem>,
    count: u64,
}

impl Problems {
    fn add(&mut self, file: &str, row: u64, field: &str, code: &str, message: impl Into<String>) {
        self.count += 1;
        if self.list.len() < MAX_PROBLEMS {
            self.list.push(ImportProblem {
                file: file.to_owned(),
                row,
                field: field.to_owned(),
                code: code.to_owned(),
                message: message.into(),
            });
        }
    }

    fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// In file order, then row order (the order found within a row is kept).
    fn sorted(mut self) -> (u64, Vec<ImportProblem>) {
        let rank = |f: &str| match f {
            "" => 0,
            name => FileKind::from_file_name(name).map_or(usize::MAX, |k| k.order() + 1),
        };
        self.list.sort_by_key(|p| (rank(&p.file), p.row));
        (self.count, self.list)
    }
}

/// A name from the request, cut short for messages.
fn shown(name: &str) -> String {
    let s: String = name.chars().filter(|c| !c.is_control()).take(80).collect();
    if s.is_empty() {
        "(no name)".into()
    } else {
        s
    }
}

// ---------------------------------------------------------------- the batch

/// The files of one batch, decoded, with the problems found in decoding them.
pub struct ImportFiles {
    files: Vec<(FileKind, String)>,
    problems: Problems,
    checksum: String,
}

impl ImportFiles {
    /// Files sent as text (the API): name -> CSV text.
    pub fn from_texts(map: BTreeMap<String, String>) -> ImportFiles {
        ImportFiles::build(map.into_iter().map(|(n, t)| (n, Ok(t))).collect())
    }

    /// Files read as bytes (the command line): each must be UTF-8.
    pub fn from_bytes(files: Vec<(String, Vec<u8>)>) -> ImportFiles {
        ImportFiles::build(
            files
                .into_iter()
                .map(|(name, bytes)| {
                    let text = decode(bytes);
                    (name, text)
                })
                .collect(),
        )
    }

    /// Reads every `*.csv` file of a folder (other files are ignored).
    pub fn from_dir(dir: &std::path::Path) -> std::io::Result<ImportFiles> {
        let mut files = Vec::new();
        let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
        entries.sort_by_key(|e| e.file_name());
        for entry in entries {
            let path = entry.path();
            let is_csv = path
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
            if !is_csv || !path.is_file() {
                continue;
            }
            let name = entry.file_name().to_string_lossy().into_owned();
            // Read one byte past the limit at most: enough to tell the file is too large.
            let mut bytes = Vec::new();
            std::fs::File::open(&path)?
                .take(u64::try_from(MAX_FILE_BYTES).unwrap_or(u64::MAX) + 1)
                .read_to_end(&mut bytes)?;
            files.push((name, bytes));
        }
        Ok(ImportFiles::from_bytes(files))
    }

    fn build(entries: Vec<(String, Decoded)>) -> ImportFiles {
        let mut problems = Problems::default();
        if entries.is_empty() {
            problems.add(
                "",
                0,
                "",
                "empty",
                format!(
                    "no files were sent; send one or more of {}",
                    all_file_names()
                ),
            );
        }
        let mut files: Vec<(FileKind, String)> = Vec::new();
        for (name, text) in entries {
            let Some(kind) = FileKind::from_file_name(&name) else {
                problems.add(
                    &shown(&name),
                    0,
                    "",
                    "unknown_file",
                    format!("unknown file; the files are {}", all_file_names()),
                );
                continue;
            };
            let file = kind.file_name();
            if files.iter().any(|(k, _)| *k == kind) {
                problems.add(
                    file,
                    0,
                    "",
                    "duplicate",
                    "sent twice (file names are not case-sensitive)",
                );
                continue;
            }
            let text = match text {
                Ok(t) => t,
                Err((line, message)) => {
                    problems.add(file, line, "", "encoding", message);
                    continue;
                }
            };
            if text.len() > MAX_FILE_BYTES {
                problems.add(
                    file,
                    0,
                    "",
                    "too_large",
                    format!("larger than {} MiB", MAX_FILE_BYTES / (1024 * 1024)),
                );
                continue;
            }
            let text = match text.strip_prefix('\u{feff}') {
                Some(rest) => rest.to_owned(),
                None => text,
            };
            files.push((kind, text));
        }
        files.sort_by_key(|(k, _)| *k);
        let mut h = Sha256::new();
        for (kind, text) in &files {
            h.update(kind.file_name().as_bytes());
            h.update([0]);
            h.update(u64::try_from(text.len()).unwrap_or(u64::MAX).to_le_bytes());
            h.update(text.as_bytes());
        }
        ImportFiles {
            files,
            problems,
            checksum: hex::encode(h.finalize()),
        }
    }

    pub fn checksum(&self) -> &str {
        &self.checksum
    }
}

/// A file's text, or the line and the reason it could not be read as UTF-8.
type Decoded = Result<String, (u64, String)>;

/// UTF-8 text from a file's bytes, or where and why it is not.
fn decode(bytes: Vec<u8>) -> Decoded {
    if bytes.starts_with(&[0xff, 0xfe]) || bytes.starts_with(&[0xfe, 0xff]) {
        return Err((
            0,
            "the file is UTF-16; save it as UTF-8 (\"CSV UTF-8\" in Excel)".into(),
        ));
    }
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let line = 1 + bytes
            .get(..valid)
            .map_or(0, |b| b.iter().filter(|c| **c == b'\n').count());
        (
            u64::try_from(line).unwrap_or(u64::MAX),
            format!(
                "not UTF-8 text (byte {} of line {line}); save the file as UTF-8 (\"CSV UTF-8\" in Excel)",
                valid + 1
            ),
        )
    })
}

// ---------------------------------------------------------------- reading one file

/// One data row's cells, with the parsers every column uses. A parser that finds a problem
/// records it and marks the row bad; the row's values are then never used.
struct Cells<'a> {
    file: &'static str,
    line: u64,
    rec: &'a csv::StringRecord,
    idx: &'a HashMap<&'static str, usize>,
    p: &'a mut Problems,
    ok: bool,
    /// The row is misaligned (wrong number of values): only its key is read, silently.
    quiet: bool,
    /// Columns with a problem: rules across columns run only over good ones.
    failed: Vec<&'static str>,
}

impl<'a> Cells<'a> {
    /// The trimmed cell, `None` when the column is absent or the cell is empty.
    fn raw(&self, col: &'static str) -> Option<&'a str> {
        let i = *self.idx.get(col)?;
        let rec: &'a csv::StringRecord = self.rec;
        rec.get(i).map(str::trim).filter(|s| !s.is_empty())
    }

    fn bad(&mut self, col: &'static str, code: &str, message: impl Into<String>) {
        self.ok = false;
        self.failed.push(col);
        if !self.quiet {
            self.p.add(self.file, self.line, col, code, message);
        }
    }

    fn required(&mut self, col: &'static str) -> Option<&'a str> {
        let v = self.raw(col);
        if v.is_none() {
            self.bad(col, "required", "is required");
        }
        v
    }

    /// Optional text of at most `max` characters; no control characters except line breaks
    /// and tabs in multi-line columns (CRLF becomes LF).
    fn text(&mut self, col: &'static str, max: usize, multiline: bool) -> Option<String> {
        let s = self.raw(col)?;
        self.check_text(col, s, 0, max, multiline)
    }

    fn req_text(&mut self, col: &'static str, min: usize, max: usize, multiline: bool) -> String {
        match self.required(col) {
            Some(s) => self
                .check_text(col, s, min, max, multiline)
                .unwrap_or_default(),
            None => String::new(),
        }
    }

    fn check_text(
        &mut self,
        col: &'static str,
        s: &str,
        min: usize,
        max: usize,
        multiline: bool,
    ) -> Option<String> {
        let n = s.chars().count();
        if n > max {
            self.bad(
                col,
                "too_long",
                format!("at most {max} characters ({n} given)"),
            );
            return None;
        }
        if n < min {
            self.bad(col, "too_short", format!("at least {min} characters"));
            return None;
        }
        let allowed = |c: char| multiline && matches!(c, '\n' | '\r' | '\t');
        if s.chars().any(|c| c.is_control() && !allowed(c)) {
            self.bad(
                col,
                "invalid",
                if multiline {
                    "contains a control character"
                } else {
                    "contains a line break or another control character"
                },
            );
            return None;
        }
        Some(if multiline {
            s.replace("\r\n", "\n").replace('\r', "\n")
        } else {
            s.to_owned()
        })
    }

    /// A legacy id: 1 to 40 letters, digits, `.`, `_` or `-`.
    fn legacy(&mut self, col: &'static str, required: bool) -> Option<String> {
        let s = if required {
            self.required(col)?
        } else {
            self.raw(col)?
        };
        let ok_chars = s
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
        if s.chars().count() > LEGACY_ID_MAX || !ok_chars {
            self.bad(
                col,
                "invalid",
                format!(
                    "`{}` is not a legacy id: 1 to {LEGACY_ID_MAX} letters, digits, '.', '_' or '-'",
                    shown(s)
                ),
            );
            return None;
        }
        Some(s.to_owned())
    }

    fn bool(&mut self, col: &'static str, default: bool) -> bool {
        let Some(s) = self.raw(col) else {
            return default;
        };
        match s.to_ascii_lowercase().as_str() {
            "true" | "t" | "yes" | "y" | "1" => true,
            "false" | "f" | "no" | "n" | "0" => false,
            _ => {
                self.bad(
                    col,
                    "invalid",
                    format!(
                        "`{}` is not true or false (true/false, yes/no, 1/0)",
                        shown(s)
                    ),
                );
                default
            }
        }
    }

    fn date(&mut self, col: &'static str) -> Option<NaiveDate> {
        let s = self.raw(col)?;
        match parse_date(s) {
            Ok(d) => Some(d),
            Err(m) => {
                self.bad(col, "invalid", m);
                None
            }
        }
    }

    fn req_date(&mut self, col: &'static str) -> NaiveDate {
        if self.required(col).is_none() {
            return NaiveDate::default();
        }
        self.date(col).unwrap_or_default()
    }

    fn int(&mut self, col: &'static str, min: i64, max: i64) -> Option<i64> {
        let s = self.raw(col)?;
        let digits = s.strip_prefix('-').unwrap_or(s);
        let parsed = (!digits.is_empty()
            && digits.len() <= 18
            && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse::<i64>().ok())
        .flatten();
        match parsed {
            Some(n) if (min..=max).contains(&n) => Some(n),
            Some(_) => {
                self.bad(col, "range", format!("must be from {min} to {max}"));
                None
            }
            None => {
                self.bad(
                    col,
                    "invalid",
                    format!("`{}` is not a whole number", shown(s)),
                );
                None
            }
        }
    }

    fn req_int(&mut self, col: &'static str, min: i64, max: i64) -> i64 {
        if self.required(col).is_none() {
            return 0;
        }
        self.int(col, min, max).unwrap_or_default()
    }

    /// A non-negative exact decimal with at most `scale` decimal places, at most `max`.
    fn decimal(&mut self, col: &'static str, scale: u32, max: Decimal) -> Option<Decimal> {
        let s = self.raw(col)?;
        match parse_decimal(s, scale) {
            Ok(d) if d <= max => Some(d),
            Ok(_) => {
                self.bad(col, "range", format!("must be at most {max}"));
                None
            }
            Err(m) => {
                self.bad(col, "invalid", m);
                None
            }
        }
    }

    /// An enumerated value, by its stable name (letter case ignored).
    fn choice<T: Copy>(
        &mut self,
        col: &'static str,
        all: &[T],
        name: fn(T) -> &'static str,
    ) -> Option<T> {
        let s = self.raw(col)?;
        let lower = s.to_ascii_lowercase();
        let found = all.iter().copied().find(|v| name(*v) == lower);
        if found.is_none() {
            let allowed: Vec<&str> = all.iter().map(|v| name(*v)).collect();
            self.bad(
                col,
                "unknown_value",
                format!("`{}` is not one of: {}", shown(s), allowed.join(", ")),
            );
        }
        found
    }

    fn req_choice<T: Copy>(
        &mut self,
        col: &'static str,
        all: &[T],
        name: fn(T) -> &'static str,
    ) -> Option<T> {
        self.required(col)?;
        self.choice(col, all, name)
    }
}

/// `YYYY-MM-DD`, a real date between 1900 and 2100.
fn parse_date(s: &str) -> Result<NaiveDate, String> {
    let b = s.as_bytes();
    let shape = b.len() == 10
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            _ => c.is_ascii_digit(),
        });
    if !shape {
        return Err(format!(
            "`{}` is not a date in the form YYYY-MM-DD",
            shown(s)
        ));
    }
    let d = NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| format!("`{s}` is not a real date"))?;
    let year = chrono::Datelike::year(&d);
    if !(1900..=2100).contains(&year) {
        return Err(format!("`{s}` is outside the years 1900 to 2100"));
    }
    Ok(d)
}

/// Digits, optionally `.` and at most `scale` decimals: no sign, exponent, spaces, currency
/// symbol or thousands separator.
fn parse_decimal(s: &str, scale: u32) -> Result<Decimal, String> {
    let explain = || {
        format!(
            "`{}` is not a number like 12.5 (digits, optionally '.' and at most {scale} decimals; no sign, '$' or ',')",
            shown(s)
        )
    };
    let (whole, frac) = match s.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (s, None),
    };
    if whole.is_empty() || whole.len() > 12 || !whole.bytes().all(|b| b.is_ascii_digit()) {
        return Err(explain());
    }
    if let Some(f) = frac {
        if f.is_empty()
            || !f.bytes().all(|b| b.is_ascii_digit())
            || f.len() > usize::try_from(scale).unwrap_or(0)
        {
            return Err(explain());
        }
    }
    Decimal::from_str(s).map_err(|_| explain())
}

/// A season `YYYY-YY`: the winter from November of the first year to March of the next.
fn parse_season(s: &str) -> Result<String, String> {
    let explain = || {
        format!(
            "`{}` is not a season like 2015-16 (the winter from Nov 2015 to Mar 2016)",
            shown(s)
        )
    };
    let b = s.as_bytes();
    if b.len() != 7
        || b.get(4) != Some(&b'-')
        || !b
            .iter()
            .enumerate()
            .all(|(i, c)| i == 4 || c.is_ascii_digit())
    {
        return Err(explain());
    }
    let first: i32 = s
        .get(..4)
        .and_then(|y| y.parse().ok())
        .ok_or_else(explain)?;
    let second: i32 = s
        .get(5..)
        .and_then(|y| y.parse().ok())
        .ok_or_else(explain)?;
    if !(1900..=2100).contains(&first) || (first + 1) % 100 != second {
        return Err(explain());
    }
    Ok(s.to_owned())
}

/// The stored text of an exact decimal: no trailing zeros ("1", "0.25", "10").
fn decimal_text(d: Decimal) -> String {
    d.normalize().to_string()
}

/// Reads a file's header and calls `row` for each data row. Answers the number of data rows
/// and the columns the header has.
fn read_sheet(
    kind: FileKind,
    text: &str,
    p: &mut Problems,
    mut row: impl FnMut(&mut Cells<'_>),
) -> (u64, HashSet<&'static str>) {
    let file = kind.file_name();
    let mut present = HashSet::new();
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rec = csv::StringRecord::new();
    let line_of = |r: &csv::StringRecord| r.position().map_or(0, |p| p.line());
    let blank = |r: &csv::StringRecord| r.iter().all(|c| c.trim().is_empty());

    // The header: the first line that is not blank.
    let header = loop {
        match rdr.read_record(&mut rec) {
            Ok(true) if blank(&rec) => continue,
            Ok(true) => break rec.clone(),
            Ok(false) => {
                p.add(
                    file,
                    0,
                    "",
                    "empty",
                    "the file is empty: it needs at least the header line",
                );
                return (0, present);
            }
            Err(e) => {
                p.add(file, 1, "", "invalid", format!("unreadable CSV: {e}"));
                return (0, present);
            }
        }
    };
    let header_line = line_of(&header);
    let columns = kind.columns();
    let mut idx: HashMap<&'static str, usize> = HashMap::new();
    let mut header_ok = true;
    if header.len() == 1 {
        let only = header.get(0).unwrap_or_default();
        if only.contains(';') || only.contains('\t') {
            p.add(
                file,
                header_line,
                "",
                "invalid",
                "the columns seem to be separated by ';' or tabs: save the file with commas",
            );
            return (0, present);
        }
    }
    for (i, cell) in header.iter().enumerate() {
        let name = cell
            .trim()
            .trim_start_matches('\u{feff}')
            .to_ascii_lowercase();
        match columns.iter().find(|(c, _)| *c == name) {
            Some((c, _)) if idx.contains_key(c) => {
                p.add(
                    file,
                    header_line,
                    c,
                    "duplicate_column",
                    "the header names this column twice",
                );
                header_ok = false;
            }
            Some((c, _)) => {
                idx.insert(c, i);
                present.insert(*c);
            }
            None if name.is_empty() => {
                p.add(
                    file,
                    header_line,
                    "",
                    "unknown_column",
                    format!("column {} has no name", i + 1),
                );
            }
            None => {
                let known: Vec<&str> = columns.iter().map(|(c, _)| *c).collect();
                p.add(
                    file,
                    header_line,
                    &shown(&name),
                    "unknown_column",
                    format!("unknown column; the columns are {}", known.join(", ")),
                );
            }
        }
    }
    for (c, required) in columns {
        if *required && !idx.contains_key(c) {
            p.add(
                file,
                header_line,
                c,
                "missing_column",
                "the header lacks this required column",
            );
            header_ok = false;
        }
    }
    if !header_ok {
        // Every row would repeat the same complaint: the header's problems say it once.
        return (0, present);
    }

    let width = header.len();
    let mut rows = 0u64;
    loop {
        match rdr.read_record(&mut rec) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                p.add(file, line, "", "invalid", format!("unreadable CSV: {e}"));
                break;
            }
        }
        if blank(&rec) {
            continue;
        }
        rows += 1;
        let line = line_of(&rec);
        if rows > MAX_ROWS {
            p.add(
                file,
                line,
                "",
                "too_large",
                format!("more than {MAX_ROWS} rows; split the batch"),
            );
            break;
        }
        let quiet = rec.len() != width;
        if quiet {
            p.add(
                file,
                line,
                "",
                "invalid",
                format!(
                    "this row has {} values but the header has {width} columns (a stray or unclosed quote can cause this)",
                    rec.len()
                ),
            );
        }
        let mut cells = Cells {
            file,
            line,
            rec: &rec,
            idx: &idx,
            p,
            ok: !quiet,
            quiet,
            failed: Vec::new(),
        };
        row(&mut cells);
    }
    (rows, present)
}

// ---------------------------------------------------------------- records

#[derive(Debug, Clone, PartialEq, Queryable)]
struct Customer {
    id: String,
    name: String,
    is_organisation: bool,
    mailing_address: String,
    phone: Option<String>,
    phone_alt: Option<String>,
    email: Option<String>,
    preferred_locale: String,
    notify_email: bool,
    notify_text: bool,
    notify_mail: bool,
}

#[derive(Debug, Clone, PartialEq, Queryable)]
struct Premise {
    id: String,
    service_address: String,
    parcel: Option<String>,
    inside_city: bool,
    cycle_id: String,
    route: String,
    read_sequence: i32,
    dwelling_units: i32,
    notes: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
struct Register {
    code: RegisterCode,
    digits: i32,
    multiplier: Decimal,
}

#[derive(Debug, Clone, PartialEq)]
struct Meter {
    id: String,
    serial: String,
    size: String,
    kind: String,
    unit: String,
    manufacturer: Option<String>,
    model: Option<String>,
    endpoint_serial: Option<String>,
    status: String,
    premise_id: Option<String>,
    installed_on: Option<NaiveDate>,
    removed_on: Option<NaiveDate>,
    /// Sorted by code.
    registers: Vec<Register>,
}

#[derive(Debug, Clone, PartialEq)]
struct Service {
    id: String,
    premise_id: String,
    service_type: String,
    customer_class: String,
    rate_code: String,
    status: String,
    esu: Option<Decimal>,
    started_on: NaiveDate,
    ended_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Queryable)]
struct Account {
    id: String,
    number: String,
    customer_id: String,
    premise_id: String,
    status: String,
    occupant: String,
    opened_on: NaiveDate,
    closed_on: Option<NaiveDate>,
    deposit_required_cents: i64,
    owner_copy_customer_id: Option<String>,
    paperless: bool,
    autopay: bool,
    final_read_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Queryable)]
struct MeterRead {
    id: String,
    meter_id: String,
    register_code: String,
    premise_id: Option<String>,
    account_id: Option<String>,
    read_on: NaiveDate,
    reading: i64,
    note: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
struct WinterAverage {
    premise_id: String,
    season: String,
    average_ccf: Decimal,
}

struct Row<T> {
    line: u64,
    rec: T,
    /// Every field parsed. A row with problems is kept (unless misaligned) so its
    /// references and its good columns are still checked; it is never written.
    valid: bool,
    /// The columns that had problems.
    failed: Vec<&'static str>,
}

impl<T> Row<T> {
    /// These columns parsed (a rule over them can run).
    fn fine(&self, cols: &[&str]) -> bool {
        !cols.iter().any(|c| self.failed.contains(c))
    }
}

/// One file's valid rows, and the keys of all its rows (valid or not, first line of each):
/// a reference to a row that has problems of its own is not reported again.
struct Parsed<T> {
    rows: Vec<Row<T>>,
    keys: HashMap<String, u64>,
    present: HashSet<&'static str>,
    count: u64,
    sent: bool,
}

impl<T> Default for Parsed<T> {
    fn default() -> Self {
        Parsed {
            rows: Vec::new(),
            keys: HashMap::new(),
            present: HashSet::new(),
            count: 0,
            sent: false,
        }
    }
}

impl<T> Parsed<T> {
    fn has(&self, col: &str) -> bool {
        self.present.contains(col)
    }
}

/// Records a row's key; a second row with the same key is a problem.
fn claim(
    keys: &mut HashMap<String, u64>,
    cells: &mut Cells<'_>,
    field: &'static str,
    key: String,
    shown_key: &str,
) {
    match keys.get(&key) {
        Some(first) => {
            let first = *first;
            cells.bad(
                field,
                "duplicate",
                format!("`{shown_key}` is also on line {first}"),
            );
        }
        None => {
            keys.insert(key, cells.line);
        }
    }
}

/// A value unique within a file (meter serials, account numbers).
fn claim_unique(
    seen: &mut HashMap<String, u64>,
    cells: &mut Cells<'_>,
    field: &'static str,
    value: &str,
) {
    if value.is_empty() {
        return;
    }
    match seen.get(value) {
        Some(first) => {
            let first = *first;
            cells.bad(
                field,
                "duplicate",
                format!("`{}` is also on line {first}", shown(value)),
            );
        }
        None => {
            seen.insert(value.to_owned(), cells.line);
        }
    }
}

struct PremiseIn {
    rec: Premise,
    cycle_code: String,
}

struct MeterIn {
    rec: Meter,
    /// `None`: not given (derived from the premise, or kept on an update).
    status: Option<MeterStatus>,
}

struct ReadIn {
    rec: MeterRead,
    register: RegisterCode,
}

/// Everything the files say, checked field by field.
#[derive(Default)]
struct Batch {
    customers: Parsed<Customer>,
    premises: Parsed<PremiseIn>,
    meters: Parsed<MeterIn>,
    services: Parsed<Service>,
    accounts: Parsed<Account>,
    reads: Parsed<ReadIn>,
    winter: Parsed<WinterAverage>,
}

const MAX_MULTIPLIER: Decimal = Decimal::from_parts(1_000_000, 0, 0, false, 0);
const MAX_ESU: Decimal = Decimal::from_parts(100_000, 0, 0, false, 0);
const MAX_CCF: Decimal = Decimal::from_parts(1_000_000, 0, 0, false, 0);
const MAX_DEPOSIT: Decimal = Decimal::from_parts(1_000_000, 0, 0, false, 0);

fn parse_batch(files: &ImportFiles, p: &mut Problems, today: NaiveDate) -> Batch {
    let mut b = Batch::default();
    for (kind, text) in &files.files {
        match kind {
            FileKind::Customers => b.customers = parse_customers(text, p),
            FileKind::Premises => b.premises = parse_premises(text, p),
            FileKind::Meters => b.meters = parse_meters(text, p),
            FileKind::Services => b.services = parse_services(text, p),
            FileKind::Accounts => b.accounts = parse_accounts(text, p),
            FileKind::Reads => b.reads = parse_reads(text, p, today),
            FileKind::WinterAverages => b.winter = parse_winter(text, p),
        }
    }
    b
}

fn parse_customers(text: &str, p: &mut Problems) -> Parsed<Customer> {
    let mut out = Parsed::<Customer> {
        sent: true,
        ..Default::default()
    };
    let (count, present) = read_sheet(FileKind::Customers, text, p, |c| {
        let Some(legacy) = c.legacy("legacy_id", true) else {
            return;
        };
        let id = customer_id(&legacy);
        claim(&mut out.keys, c, "legacy_id", id.clone(), &legacy);
        let name = c.req_text("name", 1, 200, false);
        let mailing_address = c.req_text("mailing_address", 5, 400, true);
        let is_organisation = c.bool("is_organisation", false);
        let phone = c.text("phone", 30, false);
        let phone_alt = c.text("phone_alt", 30, false);
        for (col, v) in [("phone", &phone), ("phone_alt", &phone_alt)] {
            if v.as_ref().is_some_and(|s| s.chars().count() < 7) {
                c.bad(col, "too_short", "at least 7 characters");
            }
        }
        let email = c.text("email", 254, false);
        if let Some(e) = &email {
            if !validator::ValidateEmail::validate_email(e) {
                c.bad(
                    "email",
                    "invalid",
                    format!("`{}` is not an email address", shown(e)),
                );
            }
        }
        let locale = c
            .choice(
                "preferred_locale",
                &[Locale::En, Locale::Es],
                Locale::as_str,
            )
            .unwrap_or_default();
        let rec = Customer {
            id,
            name,
            is_organisation,
            mailing_address,
            phone,
            phone_alt,
            email,
            preferred_locale: locale.as_str().to_owned(),
            notify_email: c.bool("notify_email", false),
            notify_text: c.bool("notify_text", false),
            notify_mail: c.bool("notify_mail", true),
        };
        if !c.quiet {
            out.rows.push(Row {
                line: c.line,
                rec,
                valid: c.ok,
                failed: std::mem::take(&mut c.failed),
            });
        }
    });
    out.count = count;
    out.present = present;
    out
}

fn parse_premises(text: &str, p: &mut Problems) -> Parsed<PremiseIn> {
    let mut out = Parsed::<PremiseIn> {
        sent: true,
        ..Default::default()
    };
    let (count, present) = read_sheet(FileKind::Premises, text, p, |c| {
        let Some(legacy) = c.legacy("legacy_id", true) else {
            return;
        };
        let id = premise_id(&legacy);
        claim(&mut out.keys, c, "legacy_id", id.clone(), &legacy);
        let rec = Premise {
            id,
            service_address: c.req_text("service_address", 5, 200, false),
            parcel: c.text("parcel", 40, false),
            inside_city: c.bool("inside_city", true),
            cycle_id: String::new(),
            route: c.req_text("route", 1, 10, false),
            read_sequence: i32::try_from(c.req_int("read_sequence", 0, 1_000_000))
                .unwrap_or_default(),
            dwelling_units: c
                .int("dwelling_units", 1, 5_000)
                .and_then(|n| i32::try_from(n).ok())
                .unwrap_or(1),
            notes: c.text("notes", 2_000, true),
        };
        let cycle_code = c.req_text("cycle_code", 1, 10, false);
        if !c.quiet {
            out.rows.push(Row {
                line: c.line,
                rec: PremiseIn { rec, cycle_code },
                valid: c.ok,
                failed: std::mem::take(&mut c.failed),
            });
        }
    });
    out.count = count;
    out.present = present;
    out
}

fn parse_registers(c: &mut Cells<'_>, kind: Option<MeterKind>) -> Vec<Register> {
    let reg = |c: &mut Cells<'_>, code: RegisterCode, digits: &'static str, mult: &'static str| {
        let d = if c.raw(digits).is_none() {
            c.bad(
                digits,
                "required",
                if code == RegisterCode::Main {
                    "is required for a meter that is not compound"
                } else {
                    "is required for a compound meter (low and high registers)"
                },
            );
            None
        } else {
            c.int(digits, 3, 10).and_then(|n| i32::try_from(n).ok())
        };
        let m = c.decimal(mult, 6, MAX_MULTIPLIER);
        if m.is_some_and(|m| m.is_zero()) {
            c.bad(mult, "range", "must be more than 0");
        }
        Register {
            code,
            digits: d.unwrap_or(3),
            multiplier: m.unwrap_or(Decimal::ONE),
        }
    };
    let forbid = |c: &mut Cells<'_>, cols: &[&'static str], why: &str| {
        for col in cols {
            if c.raw(col).is_some() {
                c.bad(col, "invalid", why.to_owned());
            }
        }
    };
    match kind {
        Some(MeterKind::Compound) => {
            forbid(
                c,
                &["digits", "multiplier"],
                "a compound meter has low and high registers: use low_* and high_*",
            );
            vec![
                reg(c, RegisterCode::Low, "low_digits", "low_multiplier"),
                reg(c, RegisterCode::High, "high_digits", "high_multiplier"),
            ]
        }
        Some(_) => {
            forbid(
                c,
                &[
                    "low_digits",
                    "low_multiplier",
                    "high_digits",
                    "high_multiplier",
                ],
                "only a compound meter has low and high registers",
            );
            vec![reg(c, RegisterCode::Main, "digits", "multiplier")]
        }
        None => Vec::new(),
    }
}

fn register_order(code: RegisterCode) -> u8 {
    match code {
        RegisterCode::Main => 0,
        RegisterCode::Low => 1,
        RegisterCode::High => 2,
    }
}

fn parse_meters(text: &str, p: &mut Problems) -> Parsed<MeterIn> {
    let mut out = Parsed::<MeterIn> {
        sent: true,
        ..Default::default()
    };
    let mut serials = HashMap::new();
    let (count, present) = read_sheet(FileKind::Meters, text, p, |c| {
        let Some(legacy) = c.legacy("legacy_id", true) else {
            return;
        };
        let id = meter_id(&legacy);
        claim(&mut out.keys, c, "legacy_id", id.clone(), &legacy);
        let serial = c.req_text("serial", 3, 40, false);
        claim_unique(&mut serials, c, "serial", &serial);
        let size = c.req_text("size", 1, 10, false);
        let kind = c.req_choice("kind", MeterKind::ALL, MeterKind::as_str);
        let unit = c.req_choice("unit", MeterUnit::ALL, MeterUnit::as_str);
        let status = c.choice("status", MeterStatus::ALL, MeterStatus::as_str);
        let premise = c.legacy("premise_legacy_id", false).map(|l| premise_id(&l));
        let mut registers = parse_registers(c, kind);
        registers.sort_by_key(|r| register_order(r.code));
        let rec = Meter {
            id,
            serial,
            size,
            kind: kind.map(MeterKind::as_str).unwrap_or_default().to_owned(),
            unit: unit.map(MeterUnit::as_str).unwrap_or_default().to_owned(),
            manufacturer: c.text("manufacturer", 80, false),
            model: c.text("model", 80, false),
            endpoint_serial: c.text("endpoint_serial", 40, false),
            status: String::new(),
            premise_id: premise,
            installed_on: c.date("installed_on"),
            removed_on: c.date("removed_on"),
            registers,
        };
        if !c.quiet {
            out.rows.push(Row {
                line: c.line,
                rec: MeterIn { rec, status },
                valid: c.ok,
                failed: std::mem::take(&mut c.failed),
            });
        }
    });
    out.count = count;
    out.present = present;
    out
}

fn parse_services(text: &str, p: &mut Problems) -> Parsed<Service> {
    let mut out = Parsed::<Service> {
        sent: true,
        ..Default::default()
    };
    let (count, present) = read_sheet(FileKind::Services, text, p, |c| {
        let Some(legacy) = c.legacy("legacy_id", true) else {
            return;
        };
        let id = service_id(&legacy);
        claim(&mut out.keys, c, "legacy_id", id.clone(), &legacy);
        let premise = c
            .legacy("premise_legacy_id", true)
            .map(|l| premise_id(&l))
            .unwrap_or_default();
        let service_type = c.req_choice("service_type", ServiceType::ALL, ServiceType::as_str);
        let status = c
            .choice("status", ServiceStatus::ALL, ServiceStatus::as_str)
            .unwrap_or(ServiceStatus::Active);
        let rec = Service {
            id,
            premise_id: premise,
            service_type: service_type
                .map(ServiceType::as_str)
                .unwrap_or_default()
                .to_owned(),
            customer_class: c.req_text("customer_class", 1, 30, false),
            rate_code: c.req_text("rate_code", 1, 30, false),
            status: status.as_str().to_owned(),
            esu: c.decimal("esu", 4, MAX_ESU),
            started_on: c.req_date("started_on"),
            ended_on: c.date("ended_on"),
        };
        if !c.quiet {
            out.rows.push(Row {
                line: c.line,
                rec,
                valid: c.ok,
                failed: std::mem::take(&mut c.failed),
            });
        }
    });
    out.count = count;
    out.present = present;
    out
}

fn parse_accounts(text: &str, p: &mut Problems) -> Parsed<Account> {
    let mut out = Parsed::<Account> {
        sent: true,
        ..Default::default()
    };
    let mut numbers = HashMap::new();
    let (count, present) = read_sheet(FileKind::Accounts, text, p, |c| {
        let Some(legacy) = c.legacy("legacy_id", true) else {
            return;
        };
        let id = account_id(&legacy);
        claim(&mut out.keys, c, "legacy_id", id.clone(), &legacy);
        let number = c.req_text("number", 1, 30, false);
        claim_unique(&mut numbers, c, "number", &number);
        let customer = c
            .legacy("customer_legacy_id", true)
            .map(|l| customer_id(&l))
            .unwrap_or_default();
        let premise = c
            .legacy("premise_legacy_id", true)
            .map(|l| premise_id(&l))
            .unwrap_or_default();
        let status = c.req_choice("status", &AccountStatus::ALL, AccountStatus::as_str);
        let occupant = c.req_choice("occupant", Occupant::ALL, Occupant::as_str);
        let deposit = c
            .decimal("deposit_required", 2, MAX_DEPOSIT)
            .and_then(Money::from_decimal)
            .and_then(Money::to_cents)
            .unwrap_or(0);
        let rec = Account {
            id,
            number,
            customer_id: customer,
            premise_id: premise,
            status: status
                .map(AccountStatus::as_str)
                .unwrap_or_default()
                .to_owned(),
            occupant: occupant
                .map(Occupant::as_str)
                .unwrap_or_default()
                .to_owned(),
            opened_on: c.req_date("opened_on"),
            closed_on: c.date("closed_on"),
            deposit_required_cents: deposit,
            owner_copy_customer_id: c
                .legacy("owner_copy_customer_legacy_id", false)
                .map(|l| customer_id(&l)),
            paperless: c.bool("paperless", false),
            autopay: c.bool("autopay", false),
            final_read_on: c.date("final_read_on"),
        };
        if !c.quiet {
            out.rows.push(Row {
                line: c.line,
                rec,
                valid: c.ok,
                failed: std::mem::take(&mut c.failed),
            });
        }
    });
    out.count = count;
    out.present = present;
    out
}

fn parse_reads(text: &str, p: &mut Problems, today: NaiveDate) -> Parsed<ReadIn> {
    let mut out = Parsed::<ReadIn> {
        sent: true,
        ..Default::default()
    };
    let (count, present) = read_sheet(FileKind::Reads, text, p, |c| {
        let meter = c.legacy("meter_legacy_id", true);
        let register = match c.raw("register") {
            None => Some(RegisterCode::Main),
            Some(_) => c.choice("register", RegisterCode::ALL, RegisterCode::as_str),
        };
        let read_on = if c.required("read_on").is_some() {
            c.date("read_on")
        } else {
            None
        };
        if read_on.is_some_and(|d| d > today) {
            c.bad("read_on", "range", format!("is after today ({today})"));
        }
        let (Some(meter), Some(read_on), Some(register)) = (meter, read_on, register) else {
            c.ok = false;
            return;
        };
        let id = read_id(&meter, register, read_on);
        claim(
            &mut out.keys,
            c,
            "read_on",
            id.clone(),
            &format!("{meter} {} {read_on}", register.as_str()),
        );
        let reading = c.req_int("reading", 0, 9_999_999_999);
        let rec = MeterRead {
            id,
            meter_id: meter_id(&meter),
            register_code: register.as_str().to_owned(),
            premise_id: None,
            account_id: c.legacy("account_legacy_id", false).map(|l| account_id(&l)),
            read_on,
            reading,
            note: c.text("note", 2_000, true),
        };
        if !c.quiet {
            out.rows.push(Row {
                line: c.line,
                rec: ReadIn { rec, register },
                valid: c.ok,
                failed: std::mem::take(&mut c.failed),
            });
        }
    });
    out.count = count;
    out.present = present;
    out
}

fn parse_winter(text: &str, p: &mut Problems) -> Parsed<WinterAverage> {
    let mut out = Parsed::<WinterAverage> {
        sent: true,
        ..Default::default()
    };
    let (count, present) = read_sheet(FileKind::WinterAverages, text, p, |c| {
        let premise = c.legacy("premise_legacy_id", true);
        let season = c.required("season").and_then(|s| match parse_season(s) {
            Ok(s) => Some(s),
            Err(m) => {
                c.bad("season", "invalid", m);
                None
            }
        });
        let average = if c.required("average_ccf").is_some() {
            c.decimal("average_ccf", 3, MAX_CCF)
        } else {
            None
        };
        let (Some(premise), Some(season)) = (premise, season) else {
            c.ok = false;
            return;
        };
        claim(
            &mut out.keys,
            c,
            "season",
            format!("{premise}\u{0}{season}"),
            &format!("{premise} {season}"),
        );
        let rec = WinterAverage {
            premise_id: premise_id(&premise),
            season,
            average_ccf: average.unwrap_or_default(),
        };
        if !c.quiet {
            out.rows.push(Row {
                line: c.line,
                rec,
                valid: c.ok,
                failed: std::mem::take(&mut c.failed),
            });
        }
    });
    out.count = count;
    out.present = present;
    out
}

// ---------------------------------------------------------------- what the database has

/// Loads rows in `IN (...)` chunks.
fn load_chunked<T>(
    ids: &[String],
    mut load: impl FnMut(&[String]) -> QueryResult<Vec<T>>,
) -> QueryResult<Vec<T>> {
    let mut out = Vec::new();
    for chunk in ids.chunks(LOOKUP_CHUNK) {
        out.extend(load(chunk)?);
    }
    Ok(out)
}

fn sorted_ids(ids: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut v: Vec<String> = ids.into_iter().collect();
    v.sort();
    v.dedup();
    v
}

type MeterRow = (
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
    Option<String>,
    Option<NaiveDate>,
    Option<NaiveDate>,
);
type ServiceRow = (
    String,
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    NaiveDate,
    Option<NaiveDate>,
);

/// What the database holds of the records the batch names or refers to.
#[derive(Default)]
struct Existing {
    /// cycle code -> id
    cycles: BTreeMap<String, String>,
    customers: HashMap<String, Customer>,
    premises: HashMap<String, Premise>,
    meters: HashMap<String, Meter>,
    services: HashMap<String, Service>,
    accounts: HashMap<String, Account>,
    reads: HashMap<String, MeterRead>,
    /// (premise id, season) -> (average, source)
    winter: HashMap<(String, String), (Decimal, String)>,
    /// serial -> meter id, for the serials in meters.csv
    serials: HashMap<String, String>,
    /// number -> account id, for the numbers in accounts.csv
    numbers: HashMap<String, String>,
}

fn load_existing(conn: &mut DbConnection, b: &Batch) -> QueryResult<Existing> {
    let mut e = Existing::default();
    let rows: Vec<(String, String)> = cycles::table
        .select((cycles::code, cycles::id))
        .load(conn)?;
    e.cycles = rows.into_iter().collect();

    let customer_ids = sorted_ids(b.customers.keys.keys().cloned().chain(
        b.accounts.rows.iter().flat_map(|r| {
            std::iter::once(r.rec.customer_id.clone()).chain(r.rec.owner_copy_customer_id.clone())
        }),
    ));
    let found: Vec<Customer> = load_chunked(&customer_ids, |chunk| {
        customers::table
            .filter(customers::id.eq_any(chunk))
            .select((
                customers::id,
                customers::name,
                customers::is_organisation,
                customers::mailing_address,
                customers::phone,
                customers::phone_alt,
                customers::email,
                customers::preferred_locale,
                customers::notify_email,
                customers::notify_text,
                customers::notify_mail,
            ))
            .load(conn)
    })?;
    e.customers = found.into_iter().map(|c| (c.id.clone(), c)).collect();

    let premise_ids = sorted_ids(
        b.premises
            .keys
            .keys()
            .cloned()
            .chain(
                b.meters
                    .rows
                    .iter()
                    .filter_map(|r| r.rec.rec.premise_id.clone()),
            )
            .chain(b.services.rows.iter().map(|r| r.rec.premise_id.clone()))
            .chain(b.accounts.rows.iter().map(|r| r.rec.premise_id.clone()))
            .chain(b.winter.rows.iter().map(|r| r.rec.premise_id.clone())),
    );
    let found: Vec<Premise> = load_chunked(&premise_ids, |chunk| {
        premises::table
            .filter(premises::id.eq_any(chunk))
            .select((
                premises::id,
                premises::service_address,
                premises::parcel,
                premises::inside_city,
                premises::cycle_id,
                premises::route,
                premises::read_sequence,
                premises::dwelling_units,
                premises::notes,
            ))
            .load(conn)
    })?;
    e.premises = found.into_iter().map(|p| (p.id.clone(), p)).collect();

    let meter_ids = sorted_ids(
        b.meters
            .keys
            .keys()
            .cloned()
            .chain(b.reads.rows.iter().map(|r| r.rec.rec.meter_id.clone())),
    );
    let found: Vec<MeterRow> = load_chunked(&meter_ids, |chunk| {
        meters::table
            .filter(meters::id.eq_any(chunk))
            .select((
                meters::id,
                meters::serial,
                meters::size,
                meters::kind,
                meters::unit,
                meters::manufacturer,
                meters::model,
                meters::endpoint_serial,
                meters::status,
                meters::premise_id,
                meters::installed_on,
                meters::removed_on,
            ))
            .load(conn)
    })?;
    let regs: Vec<(String, String, i32, String)> = load_chunked(&meter_ids, |chunk| {
        meter_registers::table
            .filter(meter_registers::meter_id.eq_any(chunk))
            .select((
                meter_registers::meter_id,
                meter_registers::code,
                meter_registers::digits,
                meter_registers::multiplier,
            ))
            .load(conn)
    })?;
    let mut regs_of: HashMap<String, Vec<Register>> = HashMap::new();
    for (meter, code, digits, multiplier) in regs {
        let Some(code) = RegisterCode::parse(&code) else {
            continue;
        };
        regs_of.entry(meter).or_default().push(Register {
            code,
            digits,
            // An unreadable stored multiplier compares unequal, so the import rewrites it.
            multiplier: Decimal::from_str(&multiplier).unwrap_or(Decimal::MIN),
        });
    }
    for m in found {
        let mut registers = regs_of.remove(&m.0).unwrap_or_default();
        registers.sort_by_key(|r| register_order(r.code));
        e.meters.insert(
            m.0.clone(),
            Meter {
                id: m.0,
                serial: m.1,
                size: m.2,
                kind: m.3,
                unit: m.4,
                manufacturer: m.5,
                model: m.6,
                endpoint_serial: m.7,
                status: m.8,
                premise_id: m.9,
                installed_on: m.10,
                removed_on: m.11,
                registers,
            },
        );
    }
    let serials = sorted_ids(b.meters.rows.iter().map(|r| r.rec.rec.serial.clone()));
    let found: Vec<(String, String)> = load_chunked(&serials, |chunk| {
        meters::table
            .filter(meters::serial.eq_any(chunk))
            .select((meters::serial, meters::id))
            .load(conn)
    })?;
    e.serials = found.into_iter().collect();

    let service_ids = sorted_ids(b.services.keys.keys().cloned());
    let found: Vec<ServiceRow> = load_chunked(&service_ids, |chunk| {
        services::table
            .filter(services::id.eq_any(chunk))
            .select((
                services::id,
                services::premise_id,
                services::service_type,
                services::customer_class,
                services::rate_code,
                services::status,
                services::esu,
                services::started_on,
                services::ended_on,
            ))
            .load(conn)
    })?;
    e.services = found
        .into_iter()
        .map(|s| {
            (
                s.0.clone(),
                Service {
                    id: s.0,
                    premise_id: s.1,
                    service_type: s.2,
                    customer_class: s.3,
                    rate_code: s.4,
                    status: s.5,
                    esu: s.6.map(|t| Decimal::from_str(&t).unwrap_or(Decimal::MIN)),
                    started_on: s.7,
                    ended_on: s.8,
                },
            )
        })
        .collect();

    let account_ids = sorted_ids(
        b.accounts.keys.keys().cloned().chain(
            b.reads
                .rows
                .iter()
                .filter_map(|r| r.rec.rec.account_id.clone()),
        ),
    );
    let found: Vec<Account> = load_chunked(&account_ids, |chunk| {
        accounts::table
            .filter(accounts::id.eq_any(chunk))
            .select((
                accounts::id,
                accounts::number,
                accounts::customer_id,
                accounts::premise_id,
                accounts::status,
                accounts::occupant,
                accounts::opened_on,
                accounts::closed_on,
                accounts::deposit_required_cents,
                accounts::owner_copy_customer_id,
                accounts::paperless,
                accounts::autopay,
                accounts::final_read_on,
            ))
            .load(conn)
    })?;
    e.accounts = found.into_iter().map(|a| (a.id.clone(), a)).collect();
    let numbers = sorted_ids(b.accounts.rows.iter().map(|r| r.rec.number.clone()));
    let found: Vec<(String, String)> = load_chunked(&numbers, |chunk| {
        accounts::table
            .filter(accounts::number.eq_any(chunk))
            .select((accounts::number, accounts::id))
            .load(conn)
    })?;
    e.numbers = found.into_iter().collect();

    let read_ids = sorted_ids(b.reads.rows.iter().map(|r| r.rec.rec.id.clone()));
    let found: Vec<MeterRead> = load_chunked(&read_ids, |chunk| {
        meter_reads::table
            .filter(meter_reads::id.eq_any(chunk))
            .select((
                meter_reads::id,
                meter_reads::meter_id,
                meter_reads::register_code,
                meter_reads::premise_id,
                meter_reads::account_id,
                meter_reads::read_on,
                meter_reads::reading,
                meter_reads::note,
            ))
            .load(conn)
    })?;
    e.reads = found.into_iter().map(|r| (r.id.clone(), r)).collect();

    let winter_premises = sorted_ids(b.winter.rows.iter().map(|r| r.rec.premise_id.clone()));
    let found: Vec<(String, String, String, String)> = load_chunked(&winter_premises, |chunk| {
        winter_averages::table
            .filter(winter_averages::premise_id.eq_any(chunk))
            .select((
                winter_averages::premise_id,
                winter_averages::season,
                winter_averages::average_ccf,
                winter_averages::source,
            ))
            .load(conn)
    })?;
    e.winter = found
        .into_iter()
        .map(|(p, s, a, src)| ((p, s), (Decimal::from_str(&a).unwrap_or(Decimal::MIN), src)))
        .collect();
    Ok(e)
}

// ---------------------------------------------------------------- the plan

/// What a record does in this batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    Create,
    Update,
    Unchanged,
}

fn action<T: PartialEq>(new: &T, old: Option<&T>) -> Action {
    match old {
        None => Action::Create,
        Some(o) if o == new => Action::Unchanged,
        Some(_) => Action::Update,
    }
}

/// Columns the header left out keep their stored values on an update.
macro_rules! keep_absent {
    ($parsed:expr, $new:expr, $old:expr; $($col:literal => $field:ident),* $(,)?) => {
        $(
            if !$parsed.has($col) {
                $new.$field = $old.$field.clone();
            }
        )*
    };
}

#[derive(Default)]
struct Plan {
    customers: Vec<(Action, Customer)>,
    premises: Vec<(Action, Premise)>,
    meters: Vec<(Action, Meter)>,
    /// Existing meters whose registers are replaced.
    register_changes: Vec<String>,
    services: Vec<(Action, Service)>,
    accounts: Vec<(Action, Account)>,
    reads: Vec<(Action, MeterRead)>,
    winter: Vec<(Action, WinterAverage)>,
}

fn counts(file: FileKind, rows: u64, actions: impl Iterator<Item = Action>) -> ImportFileCounts {
    let mut c = ImportFileCounts {
        file: file.file_name().to_owned(),
        rows,
        ..Default::default()
    };
    for a in actions {
        match a {
            Action::Create => c.created += 1,
            Action::Update => c.updated += 1,
            Action::Unchanged => c.unchanged += 1,
        }
    }
    c
}

impl Plan {
    fn counts(&self, b: &Batch) -> Vec<ImportFileCounts> {
        let mut out = Vec::new();
        let mut add = |sent: bool, c: ImportFileCounts| {
            if sent {
                out.push(c);
            }
        };
        add(
            b.customers.sent,
            counts(
                FileKind::Customers,
                b.customers.count,
                acts_of(&self.customers),
            ),
        );
        add(
            b.premises.sent,
            counts(
                FileKind::Premises,
                b.premises.count,
                acts_of(&self.premises),
            ),
        );
        add(
            b.meters.sent,
            counts(FileKind::Meters, b.meters.count, acts_of(&self.meters)),
        );
        add(
            b.services.sent,
            counts(
                FileKind::Services,
                b.services.count,
                acts_of(&self.services),
            ),
        );
        add(
            b.accounts.sent,
            counts(
                FileKind::Accounts,
                b.accounts.count,
                acts_of(&self.accounts),
            ),
        );
        add(
            b.reads.sent,
            counts(FileKind::Reads, b.reads.count, acts_of(&self.reads)),
        );
        add(
            b.winter.sent,
            counts(
                FileKind::WinterAverages,
                b.winter.count,
                acts_of(&self.winter),
            ),
        );
        out
    }
}

fn acts_of<T>(v: &[(Action, T)]) -> impl Iterator<Item = Action> + '_ {
    v.iter().map(|(a, _)| *a)
}

/// Checks references and cross-field rules against the batch and the database, and decides
/// what each valid record does. Rows with problems of their own are still checked for
/// references and for rules over their good columns, so one dry run reports everything.
fn plan(conn: &mut DbConnection, b: &Batch, p: &mut Problems) -> QueryResult<Plan> {
    let e = load_existing(conn, b)?;
    let mut plan = Plan::default();
    let premise_known = |id: &str| b.premises.keys.contains_key(id) || e.premises.contains_key(id);
    let customer_known =
        |id: &str| b.customers.keys.contains_key(id) || e.customers.contains_key(id);
    let missing = |p: &mut Problems, file: &str, line: u64, field: &str, what: &str, id: &str| {
        p.add(
            file,
            line,
            field,
            "unknown_reference",
            format!(
                "{what} `{}` is neither in {what_file} nor imported before",
                legacy_of(id),
                what_file = match what {
                    "customer" => "customers.csv",
                    "premise" => "premises.csv",
                    "meter" => "meters.csv",
                    _ => "accounts.csv",
                }
            ),
        );
    };

    // Customers.
    for row in b.customers.rows.iter().filter(|r| r.valid) {
        let mut rec = row.rec.clone();
        let old = e.customers.get(&rec.id);
        if let Some(old) = old {
            keep_absent!(b.customers, rec, old;
                "is_organisation" => is_organisation, "phone" => phone, "phone_alt" => phone_alt,
                "email" => email, "preferred_locale" => preferred_locale,
                "notify_email" => notify_email, "notify_text" => notify_text,
                "notify_mail" => notify_mail);
        }
        plan.customers.push((action(&rec, old), rec));
    }

    // Premises.
    let file = FileKind::Premises.file_name();
    for row in &b.premises.rows {
        let mut rec = row.rec.rec.clone();
        let code = &row.rec.cycle_code;
        match e.cycles.get(code) {
            Some(id) => rec.cycle_id = id.clone(),
            None if code.is_empty() => {}
            None => {
                let codes: Vec<&str> = e.cycles.keys().map(String::as_str).collect();
                p.add(
                    file,
                    row.line,
                    "cycle_code",
                    "unknown_reference",
                    format!(
                        "no billing cycle has the code `{}`; the cycles are: {}",
                        shown(code),
                        if codes.is_empty() {
                            "(none yet: create the cycles first)".to_owned()
                        } else {
                            codes.join(", ")
                        }
                    ),
                );
                continue;
            }
        }
        if !row.valid {
            continue;
        }
        let old = e.premises.get(&rec.id);
        if let Some(old) = old {
            keep_absent!(b.premises, rec, old;
                "parcel" => parcel, "inside_city" => inside_city,
                "dwelling_units" => dwelling_units, "notes" => notes);
        }
        plan.premises.push((action(&rec, old), rec));
    }

    // Meters.
    let file = FileKind::Meters.file_name();
    let mut meter_after: HashMap<String, Meter> = HashMap::new();
    let mut register_check: Vec<(u64, String, Vec<RegisterCode>)> = Vec::new();
    for row in &b.meters.rows {
        let mut rec = row.rec.rec.clone();
        if let Some(pid) = &rec.premise_id {
            if !premise_known(pid) {
                missing(p, file, row.line, "premise_legacy_id", "premise", pid);
            }
        }
        match e.serials.get(&rec.serial) {
            Some(holder) if *holder != rec.id && !rec.serial.is_empty() => p.add(
                file,
                row.line,
                "serial",
                "taken",
                format!(
                    "serial `{}` is already on meter {holder} in Cistern (to move a serial between meters, import the two changes separately)",
                    shown(&rec.serial)
                ),
            ),
            _ => {}
        }
        let old = e.meters.get(&rec.id);
        if let Some(old) = old {
            keep_absent!(b.meters, rec, old;
                "manufacturer" => manufacturer, "model" => model,
                "endpoint_serial" => endpoint_serial, "premise_legacy_id" => premise_id,
                "installed_on" => installed_on, "removed_on" => removed_on);
        }
        rec.status = match (row.rec.status, old) {
            (Some(s), _) => s.as_str().to_owned(),
            (None, Some(o)) if !b.meters.has("status") => o.status.clone(),
            (None, _) if rec.premise_id.is_some() => MeterStatus::Installed.as_str().to_owned(),
            (None, _) => MeterStatus::InStock.as_str().to_owned(),
        };
        if row.fine(&["status", "premise_legacy_id"]) {
            let installed = rec.status == MeterStatus::Installed.as_str();
            if installed && rec.premise_id.is_none() {
                p.add(
                    file,
                    row.line,
                    "premise_legacy_id",
                    "required",
                    "an installed meter needs the premise it is installed at",
                );
            }
            let unplaced = [MeterStatus::InStock.as_str(), MeterStatus::Retired.as_str()];
            if unplaced.contains(&rec.status.as_str()) && rec.premise_id.is_some() {
                p.add(
                    file,
                    row.line,
                    "premise_legacy_id",
                    "invalid",
                    format!("a meter that is {} is at no premise", rec.status),
                );
            }
        }
        if let (Some(i), Some(r)) = (rec.installed_on, rec.removed_on) {
            if r < i {
                p.add(
                    file,
                    row.line,
                    "removed_on",
                    "range",
                    "is before installed_on",
                );
            }
        }
        if !row.valid {
            continue;
        }
        if let Some(old) = old {
            if old.registers != rec.registers {
                let kept: Vec<RegisterCode> = rec.registers.iter().map(|r| r.code).collect();
                let dropped: Vec<RegisterCode> = old
                    .registers
                    .iter()
                    .map(|r| r.code)
                    .filter(|c| !kept.contains(c))
                    .collect();
                register_check.push((row.line, rec.id.clone(), dropped));
                plan.register_changes.push(rec.id.clone());
            }
        }
        meter_after.insert(rec.id.clone(), rec.clone());
        plan.meters.push((action(&rec, old), rec));
    }
    // A register that has reads in Cistern cannot disappear.
    let changing: Vec<String> = register_check
        .iter()
        .filter(|(_, _, dropped)| !dropped.is_empty())
        .map(|(_, id, _)| id.clone())
        .collect();
    let with_reads: Vec<(String, String)> = load_chunked(&changing, |chunk| {
        meter_reads::table
            .filter(meter_reads::meter_id.eq_any(chunk))
            .select((meter_reads::meter_id, meter_reads::register_code))
            .distinct()
            .load(conn)
    })?;
    let with_reads: HashSet<(String, String)> = with_reads.into_iter().collect();
    for (line, id, dropped) in &register_check {
        for code in dropped {
            if with_reads.contains(&(id.clone(), code.as_str().to_owned())) {
                p.add(
                    file,
                    *line,
                    "kind",
                    "conflict",
                    format!(
                        "meter `{}` has reads on its `{}` register in Cistern, so that register cannot be removed",
                        legacy_of(id),
                        code.as_str()
                    ),
                );
            }
        }
    }

    // Services.
    let file = FileKind::Services.file_name();
    for row in &b.services.rows {
        let mut rec = row.rec.clone();
        if !rec.premise_id.is_empty() && !premise_known(&rec.premise_id) {
            missing(
                p,
                file,
                row.line,
                "premise_legacy_id",
                "premise",
                &rec.premise_id,
            );
        }
        let old = e.services.get(&rec.id);
        if let Some(old) = old {
            keep_absent!(b.services, rec, old;
                "status" => status, "esu" => esu, "ended_on" => ended_on);
        }
        if row.fine(&["started_on", "ended_on"]) && rec.ended_on.is_some_and(|d| d < rec.started_on)
        {
            p.add(file, row.line, "ended_on", "range", "is before started_on");
        }
        if row.fine(&["service_type", "esu"])
            && rec.esu.is_some()
            && rec.service_type != ServiceType::Stormwater.as_str()
        {
            p.add(
                file,
                row.line,
                "esu",
                "invalid",
                "equivalent service units are for stormwater services only",
            );
        }
        if row.valid {
            plan.services.push((action(&rec, old), rec));
        }
    }

    // Accounts.
    let file = FileKind::Accounts.file_name();
    let mut account_after: HashMap<String, Account> = HashMap::new();
    for row in &b.accounts.rows {
        let mut rec = row.rec.clone();
        if !rec.customer_id.is_empty() && !customer_known(&rec.customer_id) {
            missing(
                p,
                file,
                row.line,
                "customer_legacy_id",
                "customer",
                &rec.customer_id,
            );
        }
        if !rec.premise_id.is_empty() && !premise_known(&rec.premise_id) {
            missing(
                p,
                file,
                row.line,
                "premise_legacy_id",
                "premise",
                &rec.premise_id,
            );
        }
        if let Some(owner) = &rec.owner_copy_customer_id {
            if !customer_known(owner) {
                missing(
                    p,
                    file,
                    row.line,
                    "owner_copy_customer_legacy_id",
                    "customer",
                    owner,
                );
            }
        }
        match e.numbers.get(&rec.number) {
            Some(holder) if *holder != rec.id && !rec.number.is_empty() => p.add(
                file,
                row.line,
                "number",
                "taken",
                format!(
                    "account number `{}` already belongs to account {holder} in Cistern",
                    shown(&rec.number)
                ),
            ),
            _ => {}
        }
        let old = e.accounts.get(&rec.id);
        if let Some(old) = old {
            keep_absent!(b.accounts, rec, old;
                "closed_on" => closed_on, "deposit_required" => deposit_required_cents,
                "owner_copy_customer_legacy_id" => owner_copy_customer_id,
                "paperless" => paperless, "autopay" => autopay,
                "final_read_on" => final_read_on);
        }
        let closed = rec.status == AccountStatus::Closed.as_str();
        if row.fine(&["status", "closed_on"]) {
            match rec.closed_on {
                None if closed => p.add(
                    file,
                    row.line,
                    "closed_on",
                    "required",
                    "a closed account needs the date it closed",
                ),
                Some(_) if !closed => p.add(
                    file,
                    row.line,
                    "closed_on",
                    "invalid",
                    format!(
                        "only a closed account has closed_on (status is {})",
                        rec.status
                    ),
                ),
                _ => {}
            }
        }
        if row.fine(&["opened_on", "closed_on"]) && rec.closed_on.is_some_and(|d| d < rec.opened_on)
        {
            p.add(file, row.line, "closed_on", "range", "is before opened_on");
        }
        if row.fine(&["opened_on", "final_read_on"])
            && rec.final_read_on.is_some_and(|d| d < rec.opened_on)
        {
            p.add(
                file,
                row.line,
                "final_read_on",
                "range",
                "is before opened_on",
            );
        }
        if row.fine(&["occupant", "owner_copy_customer_legacy_id"])
            && rec.owner_copy_customer_id.is_some()
            && rec.occupant != Occupant::Tenant.as_str()
        {
            p.add(
                file,
                row.line,
                "owner_copy_customer_legacy_id",
                "invalid",
                "an owner's copy is for rentals (occupant tenant)",
            );
        }
        if row.valid {
            account_after.insert(rec.id.clone(), rec.clone());
            plan.accounts.push((action(&rec, old), rec));
        }
    }

    // Reads.
    let file = FileKind::Reads.file_name();
    for row in &b.reads.rows {
        let mut rec = row.rec.rec.clone();
        // A meter in meters.csv is checked as the file has it (not at all if its row is bad).
        let in_file = b.meters.keys.contains_key(&rec.meter_id);
        let meter = if in_file {
            meter_after.get(&rec.meter_id)
        } else {
            e.meters.get(&rec.meter_id)
        };
        match meter {
            Some(m) => {
                rec.premise_id = m.premise_id.clone();
                match m.registers.iter().find(|r| r.code == row.rec.register) {
                    Some(r) => {
                        let limit = 10i64.checked_pow(u32::try_from(r.digits).unwrap_or(0));
                        if row.fine(&["reading"]) && limit.is_some_and(|l| rec.reading >= l) {
                            p.add(
                                file,
                                row.line,
                                "reading",
                                "range",
                                format!(
                                    "does not fit the {}-digit register of meter `{}`",
                                    r.digits,
                                    legacy_of(&m.id)
                                ),
                            );
                        }
                    }
                    None => {
                        let codes: Vec<&str> =
                            m.registers.iter().map(|r| r.code.as_str()).collect();
                        p.add(
                            file,
                            row.line,
                            "register",
                            "unknown_reference",
                            format!(
                                "meter `{}` has no `{}` register (it has: {})",
                                legacy_of(&m.id),
                                row.rec.register.as_str(),
                                codes.join(", ")
                            ),
                        );
                    }
                }
            }
            None if in_file => {}
            None => missing(p, file, row.line, "meter_legacy_id", "meter", &rec.meter_id),
        }
        if let Some(aid) = &rec.account_id {
            let in_file = b.accounts.keys.contains_key(aid);
            let account = if in_file {
                account_after.get(aid)
            } else {
                e.accounts.get(aid)
            };
            match account {
                Some(a) => {
                    if let Some(mp) = meter.and_then(|m| m.premise_id.as_ref()) {
                        if *mp != a.premise_id {
                            p.add(
                                file,
                                row.line,
                                "account_legacy_id",
                                "conflict",
                                format!(
                                    "account `{}` is at premise `{}`, but meter `{}` is at premise `{}`",
                                    legacy_of(aid),
                                    legacy_of(&a.premise_id),
                                    legacy_of(&rec.meter_id),
                                    legacy_of(mp)
                                ),
                            );
                        }
                    }
                }
                None if in_file => {}
                None => missing(p, file, row.line, "account_legacy_id", "account", aid),
            }
        }
        if !row.valid {
            continue;
        }
        let old = e.reads.get(&rec.id);
        if let Some(old) = old {
            keep_absent!(b.reads, rec, old;
                "account_legacy_id" => account_id, "note" => note);
        }
        plan.reads.push((action(&rec, old), rec));
    }

    // Winter averages.
    let file = FileKind::WinterAverages.file_name();
    for row in &b.winter.rows {
        let rec = row.rec.clone();
        if !premise_known(&rec.premise_id) {
            missing(
                p,
                file,
                row.line,
                "premise_legacy_id",
                "premise",
                &rec.premise_id,
            );
        }
        let key = (rec.premise_id.clone(), rec.season.clone());
        let act = match e.winter.get(&key) {
            None => Action::Create,
            Some((_, source)) if source != SOURCE => {
                p.add(
                    file,
                    row.line,
                    "season",
                    "conflict",
                    format!(
                        "Cistern already has a winter average for premise `{}` in {} (source: {}); it is not overwritten",
                        legacy_of(&rec.premise_id),
                        rec.season,
                        shown(source)
                    ),
                );
                Action::Unchanged
            }
            Some((avg, _)) if *avg == rec.average_ccf => Action::Unchanged,
            Some(_) => Action::Update,
        };
        if row.valid {
            plan.winter.push((act, rec));
        }
    }
    Ok(plan)
}

/// The `source` of imported reads and winter averages.
const SOURCE: &str = "conversion";

// ---------------------------------------------------------------- writing

/// A value bound to a multi-row statement.
enum Val<'a> {
    Text(&'a str),
    OptText(Option<&'a str>),
    Bool(bool),
    Int(i32),
    BigInt(i64),
    Date(NaiveDate),
    OptDate(Option<NaiveDate>),
    Ts(NaiveDateTime),
    OptTs(Option<NaiveDateTime>),
}

/// `INSERT INTO table (columns) VALUES (...), (...) [ON CONFLICT (key) DO UPDATE SET ...]`,
/// in chunks, with every value bound. Diesel cannot build a multi-row upsert for SQLite, so
/// the statement is written here; the table and column names are this module's constants.
fn upsert(
    conn: &mut DbConnection,
    table: &str,
    columns: &[&str],
    conflict: &[&str],
    update: &[&str],
    rows: &[Vec<Val<'_>>],
) -> QueryResult<()> {
    let per = (MAX_BINDS / columns.len().max(1)).clamp(1, MAX_ROWS_PER_STATEMENT);
    let sqlite = matches!(conn, DbConnection::Sqlite(_));
    for chunk in rows.chunks(per) {
        let mut sql = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
        let mut n = 0usize;
        for (i, _) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push_str(", ");
            }
            sql.push('(');
            for j in 0..columns.len() {
                if j > 0 {
                    sql.push_str(", ");
                }
                n += 1;
                if sqlite {
                    sql.push('?');
                } else {
                    sql.push_str(&format!("${n}"));
                }
            }
            sql.push(')');
        }
        if !conflict.is_empty() {
            sql.push_str(&format!(" ON CONFLICT ({}) DO ", conflict.join(", ")));
            if update.is_empty() {
                sql.push_str("NOTHING");
            } else {
                let sets: Vec<String> = update
                    .iter()
                    .map(|c| format!("{c} = excluded.{c}"))
                    .collect();
                sql.push_str(&format!("UPDATE SET {}", sets.join(", ")));
            }
        }
        crate::per_backend!(&mut *conn, |c| {
            use diesel::sql_types::{BigInt, Bool, Date, Integer, Nullable, Text, Timestamp};
            let mut q = diesel::sql_query(sql.as_str()).into_boxed();
            for v in chunk.iter().flatten() {
                q = match v {
                    Val::Text(s) => q.bind::<Text, _>(*s),
                    Val::OptText(s) => q.bind::<Nullable<Text>, _>(*s),
                    Val::Bool(b) => q.bind::<Bool, _>(*b),
                    Val::Int(i) => q.bind::<Integer, _>(*i),
                    Val::BigInt(i) => q.bind::<BigInt, _>(*i),
                    Val::Date(d) => q.bind::<Date, _>(*d),
                    Val::OptDate(d) => q.bind::<Nullable<Date>, _>(*d),
                    Val::Ts(t) => q.bind::<Timestamp, _>(*t),
                    Val::OptTs(t) => q.bind::<Nullable<Timestamp>, _>(*t),
                };
            }
            q.execute(c)
        })?;
    }
    Ok(())
}

fn changed<T>(v: &[(Action, T)]) -> impl Iterator<Item = (Action, &T)> {
    v.iter()
        .filter(|(a, _)| *a != Action::Unchanged)
        .map(|(a, r)| (*a, r))
}

/// `updated_at` of a row: set when the import changes a stored record.
fn stamp(a: Action, now: NaiveDateTime) -> Option<NaiveDateTime> {
    (a == Action::Update).then_some(now)
}

fn write(conn: &mut DbConnection, plan: &Plan, actor: &Actor) -> QueryResult<()> {
    let now = crate::db::now();

    let rows: Vec<Vec<Val<'_>>> = changed(&plan.customers)
        .map(|(a, c)| {
            vec![
                Val::Text(&c.id),
                Val::Text(&c.name),
                Val::Bool(c.is_organisation),
                Val::Text(&c.mailing_address),
                Val::OptText(c.phone.as_deref()),
                Val::OptText(c.phone_alt.as_deref()),
                Val::OptText(c.email.as_deref()),
                Val::Text(&c.preferred_locale),
                Val::Bool(c.notify_email),
                Val::Bool(c.notify_text),
                Val::Bool(c.notify_mail),
                Val::Ts(now),
                Val::OptTs(stamp(a, now)),
            ]
        })
        .collect();
    upsert(
        conn,
        "customers",
        &[
            "id",
            "name",
            "is_organisation",
            "mailing_address",
            "phone",
            "phone_alt",
            "email",
            "preferred_locale",
            "notify_email",
            "notify_text",
            "notify_mail",
            "created_at",
            "updated_at",
        ],
        &["id"],
        &[
            "name",
            "is_organisation",
            "mailing_address",
            "phone",
            "phone_alt",
            "email",
            "preferred_locale",
            "notify_email",
            "notify_text",
            "notify_mail",
            "updated_at",
        ],
        &rows,
    )?;

    let rows: Vec<Vec<Val<'_>>> = changed(&plan.premises)
        .map(|(a, p)| {
            vec![
                Val::Text(&p.id),
                Val::Text(&p.service_address),
                Val::OptText(p.parcel.as_deref()),
                Val::Bool(p.inside_city),
                Val::Text(&p.cycle_id),
                Val::Text(&p.route),
                Val::Int(p.read_sequence),
                Val::Int(p.dwelling_units),
                Val::OptText(p.notes.as_deref()),
                Val::Ts(now),
                Val::OptTs(stamp(a, now)),
            ]
        })
        .collect();
    upsert(
        conn,
        "premises",
        &[
            "id",
            "service_address",
            "parcel",
            "inside_city",
            "cycle_id",
            "route",
            "read_sequence",
            "dwelling_units",
            "notes",
            "created_at",
            "updated_at",
        ],
        &["id"],
        &[
            "service_address",
            "parcel",
            "inside_city",
            "cycle_id",
            "route",
            "read_sequence",
            "dwelling_units",
            "notes",
            "updated_at",
        ],
        &rows,
    )?;

    let rows: Vec<Vec<Val<'_>>> = changed(&plan.meters)
        .map(|(a, m)| {
            vec![
                Val::Text(&m.id),
                Val::Text(&m.serial),
                Val::Text(&m.size),
                Val::Text(&m.kind),
                Val::Text(&m.unit),
                Val::OptText(m.manufacturer.as_deref()),
                Val::OptText(m.model.as_deref()),
                Val::OptText(m.endpoint_serial.as_deref()),
                Val::Text(&m.status),
                Val::OptText(m.premise_id.as_deref()),
                Val::OptDate(m.installed_on),
                Val::OptDate(m.removed_on),
                Val::Ts(now),
                Val::OptTs(stamp(a, now)),
            ]
        })
        .collect();
    upsert(
        conn,
        "meters",
        &[
            "id",
            "serial",
            "size",
            "kind",
            "unit",
            "manufacturer",
            "model",
            "endpoint_serial",
            "status",
            "premise_id",
            "installed_on",
            "removed_on",
            "created_at",
            "updated_at",
        ],
        &["id"],
        &[
            "serial",
            "size",
            "kind",
            "unit",
            "manufacturer",
            "model",
            "endpoint_serial",
            "status",
            "premise_id",
            "installed_on",
            "removed_on",
            "updated_at",
        ],
        &rows,
    )?;

    // Registers: replaced whole for existing meters whose registers changed; added for new ones.
    for chunk in plan.register_changes.chunks(LOOKUP_CHUNK) {
        diesel::delete(meter_registers::table.filter(meter_registers::meter_id.eq_any(chunk)))
            .execute(conn)?;
    }
    let replaced: HashSet<&str> = plan.register_changes.iter().map(String::as_str).collect();
    type MeterRegisters<'p> = (&'p str, Vec<(RegisterCode, i32, String)>);
    let multipliers: Vec<MeterRegisters<'_>> = plan
        .meters
        .iter()
        .filter(|(a, m)| *a == Action::Create || replaced.contains(m.id.as_str()))
        .map(|(_, m)| {
            (
                m.id.as_str(),
                m.registers
                    .iter()
                    .map(|r| (r.code, r.digits, decimal_text(r.multiplier)))
                    .collect(),
            )
        })
        .collect();
    let rows: Vec<Vec<Val<'_>>> = multipliers
        .iter()
        .flat_map(|(id, regs)| {
            regs.iter().map(move |(code, digits, mult)| {
                vec![
                    Val::Text(id),
                    Val::Text(code.as_str()),
                    Val::Int(*digits),
                    Val::Text(mult),
                ]
            })
        })
        .collect();
    upsert(
        conn,
        "meter_registers",
        &["meter_id", "code", "digits", "multiplier"],
        &[],
        &[],
        &rows,
    )?;

    let esus: Vec<Option<String>> = changed(&plan.services)
        .map(|(_, s)| s.esu.map(decimal_text))
        .collect();
    let rows: Vec<Vec<Val<'_>>> = changed(&plan.services)
        .zip(&esus)
        .map(|((a, s), esu)| {
            vec![
                Val::Text(&s.id),
                Val::Text(&s.premise_id),
                Val::Text(&s.service_type),
                Val::Text(&s.customer_class),
                Val::Text(&s.rate_code),
                Val::Text(&s.status),
                Val::OptText(esu.as_deref()),
                Val::Date(s.started_on),
                Val::OptDate(s.ended_on),
                Val::Ts(now),
                Val::OptTs(stamp(a, now)),
            ]
        })
        .collect();
    upsert(
        conn,
        "services",
        &[
            "id",
            "premise_id",
            "service_type",
            "customer_class",
            "rate_code",
            "status",
            "esu",
            "started_on",
            "ended_on",
            "created_at",
            "updated_at",
        ],
        &["id"],
        &[
            "premise_id",
            "service_type",
            "customer_class",
            "rate_code",
            "status",
            "esu",
            "started_on",
            "ended_on",
            "updated_at",
        ],
        &rows,
    )?;

    let rows: Vec<Vec<Val<'_>>> = changed(&plan.accounts)
        .map(|(a, acc)| {
            vec![
                Val::Text(&acc.id),
                Val::Text(&acc.number),
                Val::Text(&acc.customer_id),
                Val::Text(&acc.premise_id),
                Val::Text(&acc.status),
                Val::Text(&acc.occupant),
                Val::Date(acc.opened_on),
                Val::OptDate(acc.closed_on),
                Val::BigInt(acc.deposit_required_cents),
                Val::OptText(acc.owner_copy_customer_id.as_deref()),
                Val::Bool(acc.paperless),
                Val::Bool(acc.autopay),
                Val::OptDate(acc.final_read_on),
                Val::Ts(now),
                Val::OptTs(stamp(a, now)),
            ]
        })
        .collect();
    upsert(
        conn,
        "accounts",
        &[
            "id",
            "number",
            "customer_id",
            "premise_id",
            "status",
            "occupant",
            "opened_on",
            "closed_on",
            "deposit_required_cents",
            "owner_copy_customer_id",
            "paperless",
            "autopay",
            "final_read_on",
            "created_at",
            "updated_at",
        ],
        &["id"],
        &[
            "number",
            "customer_id",
            "premise_id",
            "status",
            "occupant",
            "opened_on",
            "closed_on",
            "deposit_required_cents",
            "owner_copy_customer_id",
            "paperless",
            "autopay",
            "final_read_on",
            "updated_at",
        ],
        &rows,
    )?;

    let rows: Vec<Vec<Val<'_>>> = changed(&plan.reads)
        .map(|(_, r)| {
            vec![
                Val::Text(&r.id),
                Val::Text(&r.meter_id),
                Val::Text(&r.register_code),
                Val::OptText(r.premise_id.as_deref()),
                Val::OptText(r.account_id.as_deref()),
                Val::Date(r.read_on),
                Val::BigInt(r.reading),
                Val::Text(SOURCE),
                Val::Text(SOURCE),
                Val::OptText(r.note.as_deref()),
                Val::OptText(actor.user_id.as_deref()),
                Val::Ts(now),
            ]
        })
        .collect();
    upsert(
        conn,
        "meter_reads",
        &[
            "id",
            "meter_id",
            "register_code",
            "premise_id",
            "account_id",
            "read_on",
            "reading",
            "kind",
            "source",
            "note",
            "created_by",
            "created_at",
        ],
        &["id"],
        &["premise_id", "account_id", "reading", "note"],
        &rows,
    )?;

    let averages: Vec<String> = changed(&plan.winter)
        .map(|(_, w)| decimal_text(w.average_ccf))
        .collect();
    let rows: Vec<Vec<Val<'_>>> = changed(&plan.winter)
        .zip(&averages)
        .map(|((_, w), avg)| {
            vec![
                Val::Text(&w.premise_id),
                Val::Text(&w.season),
                Val::Text(avg),
                Val::Text(SOURCE),
                Val::Ts(now),
            ]
        })
        .collect();
    upsert(
        conn,
        "winter_averages",
        &[
            "premise_id",
            "season",
            "average_ccf",
            "source",
            "created_at",
        ],
        &["premise_id", "season"],
        &["average_ccf", "source"],
        &rows,
    )?;
    Ok(())
}

/// The accounts whose search terms may have changed: those imported, and those of customers,
/// premises and meters the batch changed.
fn accounts_to_reindex(conn: &mut DbConnection, plan: &Plan) -> QueryResult<Vec<String>> {
    let mut ids: Vec<String> = changed(&plan.accounts).map(|(_, a)| a.id.clone()).collect();
    let customers: Vec<String> = changed(&plan.customers)
        .filter(|(a, _)| *a == Action::Update)
        .map(|(_, c)| c.id.clone())
        .collect();
    let premises: Vec<String> = sorted_ids(
        changed(&plan.premises)
            .filter(|(a, _)| *a == Action::Update)
            .map(|(_, p)| p.id.clone())
            .chain(changed(&plan.meters).filter_map(|(_, m)| m.premise_id.clone())),
    );
    ids.extend(load_chunked(&customers, |chunk| {
        accounts::table
            .filter(accounts::customer_id.eq_any(chunk))
            .select(accounts::id)
            .load::<String>(conn)
    })?);
    ids.extend(load_chunked(&premises, |chunk| {
        accounts::table
            .filter(accounts::premise_id.eq_any(chunk))
            .select(accounts::id)
            .load::<String>(conn)
    })?);
    Ok(sorted_ids(ids))
}

// ---------------------------------------------------------------- running a batch

#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Check and report; change nothing.
    pub dry_run: bool,
    /// The business date: reads may not be dated after it.
    pub today: NaiveDate,
}

/// Imports a batch, or (dry run) reports what importing it would do. The report's outcome
/// tells which: `invalid` (problems listed, nothing changed), `ready` (dry run, no problems),
/// `imported`, or `already_imported` (these exact files were imported before).
pub fn run(
    pool: &DbPool,
    actor: &Actor,
    files: &ImportFiles,
    opts: Options,
) -> ApiResult<ConversionReport> {
    let mut problems = files.problems.clone();
    let batch = parse_batch(files, &mut problems, opts.today);
    let batch = &batch;
    if opts.dry_run {
        pool.read(|conn| execute(conn, actor, files, batch, problems, opts))
    } else {
        pool.write(|conn| execute(conn, actor, files, batch, problems, opts))
    }
}

fn execute(
    conn: &mut DbConnection,
    actor: &Actor,
    files: &ImportFiles,
    batch: &Batch,
    mut problems: Problems,
    opts: Options,
) -> ApiResult<ConversionReport> {
    let mut report = ConversionReport {
        dry_run: opts.dry_run,
        outcome: ImportOutcome::Invalid,
        checksum: files.checksum.clone(),
        batch_id: None,
        imported_at: None,
        files: Vec::new(),
        problem_count: 0,
        problems: Vec::new(),
    };
    let earlier: Option<(String, NaiveDateTime)> = import_batches::table
        .filter(import_batches::checksum.eq(&files.checksum))
        .select((import_batches::id, import_batches::imported_at))
        .first(conn)
        .optional()?;
    if let Some((id, at)) = earlier {
        if problems.is_empty() {
            report.outcome = ImportOutcome::AlreadyImported;
            report.batch_id = Some(id);
            report.imported_at = Some(DateTime::from_naive_utc_and_offset(at, Utc));
            report.files = Plan::default().counts(batch);
            return Ok(report);
        }
    }
    let plan = plan(conn, batch, &mut problems)?;
    report.files = plan.counts(batch);
    if !problems.is_empty() {
        let (count, list) = problems.sorted();
        report.problem_count = count;
        report.problems = list;
        return Ok(report);
    }
    if opts.dry_run {
        report.outcome = ImportOutcome::Ready;
        return Ok(report);
    }

    write(conn, &plan, actor)?;
    let batch_id = crate::domain::new_id();
    let at = crate::db::now();
    let summary = serde_json::json!({
        "checksum": files.checksum,
        "files": report.files,
    });
    let inserted = diesel::insert_into(import_batches::table)
        .values((
            import_batches::id.eq(&batch_id),
            import_batches::checksum.eq(&files.checksum),
            import_batches::kind.eq("conversion"),
            import_batches::summary.eq(summary.to_string()),
            import_batches::imported_by.eq(actor.username.as_deref()),
            import_batches::imported_at.eq(at),
        ))
        .execute(conn);
    match inserted {
        Ok(_) => {}
        Err(e) if crate::db::is_unique_violation(&e) => {
            // Two identical batches at the same moment: the second loses on the checksum.
            return Err(ApiError::with_detail(
                ErrorCode::Conflict,
                "the same files are being imported by someone else right now",
            ));
        }
        Err(e) => return Err(e.into()),
    }
    audit::record(
        conn,
        actor,
        Change {
            action: "import.conversion",
            entity_type: "import_batch",
            entity_id: &batch_id,
            before: None,
            after: Some(summary),
            reason: None,
        },
    )?;
    let touched = accounts_to_reindex(conn, &plan)?;
    crate::domain::search::reindex_accounts(conn, &touched)?;
    report.outcome = ImportOutcome::Imported;
    report.batch_id = Some(batch_id);
    report.imported_at = Some(DateTime::from_naive_utc_and_offset(at, Utc));
    Ok(report)
}

/// A real run's problems as a 422: each problem is a field error named `file:row:field`.
pub fn problems_error(report: &ConversionReport) -> ApiError {
    ApiError {
        code: ErrorCode::ValidationFailed,
        detail: Some(format!(
            "{} problem(s) in the files; nothing was imported. A dry run (dry_run=true) reports them with file, row and field apart.",
            report.problem_count
        )),
        fields: report
            .problems
            .iter()
            .map(|p| FieldError {
                field: format!("{}:{}:{}", p.file, p.row, p.field),
                code: p.code.clone(),
                message: p.message.clone(),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn batch(list: &[(&str, &str)]) -> ImportFiles {
        ImportFiles::from_texts(
            list.iter()
                .map(|(n, t)| ((*n).to_owned(), (*t).to_owned()))
                .collect(),
        )
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 27).unwrap()
    }

    /// The problems found without a database, as (file, row, field, code).
    fn parse_problems(files: &ImportFiles) -> Vec<(String, u64, String, String)> {
        let mut p = files.problems.clone();
        let _ = parse_batch(files, &mut p, today());
        p.sorted()
            .1
            .into_iter()
            .map(|p| (p.file, p.row, p.field, p.code))
            .collect()
    }

    fn has(
        problems: &[(String, u64, String, String)],
        file: &str,
        row: u64,
        field: &str,
        code: &str,
    ) -> bool {
        problems
            .iter()
            .any(|p| p.0 == file && p.1 == row && p.2 == field && p.3 == code)
    }

    const CUSTOMERS: &str = "legacy_id,name,mailing_address\nC1,Ana Ruiz,\"12 Elm St\nKeizer OR 97303\"\nC2,Bo Li,14 Elm St Keizer\n";

    #[test]
    fn dates_are_iso_and_real() {
        assert_eq!(
            parse_date("2015-03-02"),
            NaiveDate::from_ymd_opt(2015, 3, 2).ok_or(String::new())
        );
        for bad in [
            "2015-3-2",
            "03/02/2015",
            "2015-02-30",
            "2015-13-01",
            "1850-01-01",
            "20150302",
            "2015-03-02T00:00",
        ] {
            assert!(parse_date(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn decimals_are_exact_and_plain() {
        assert_eq!(parse_decimal("1.5", 2), Ok(Decimal::new(15, 1)));
        assert_eq!(parse_decimal("10", 0), Ok(Decimal::from(10)));
        for bad in [
            "", "-1", "1e5", "1,000", "$5", "1.", ".5", "1.234", " 1", "1_000", "NaN",
        ] {
            assert!(parse_decimal(bad, 2).is_err(), "{bad}");
        }
        assert_eq!(decimal_text(Decimal::new(1000, 3)), "1");
        assert_eq!(decimal_text(Decimal::new(25, 2)), "0.25");
        assert_eq!(decimal_text(Decimal::from(10)), "10");
    }

    #[test]
    fn seasons_span_two_years() {
        assert_eq!(parse_season("2015-16"), Ok("2015-16".into()));
        assert_eq!(parse_season("1999-00"), Ok("1999-00".into()));
        for bad in [
            "2015-17",
            "2015",
            "2015/16",
            "15-16",
            "2015-2016",
            "abcd-ef",
        ] {
            assert!(parse_season(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_clean_file_parses_with_multi_line_addresses() {
        let f = batch(&[("customers.csv", CUSTOMERS)]);
        let mut p = Problems::default();
        let b = parse_batch(&f, &mut p, today());
        assert!(p.is_empty(), "{:?}", p.list);
        assert_eq!(b.customers.count, 2);
        let first = &b.customers.rows[0];
        assert_eq!(first.line, 2);
        assert_eq!(first.rec.id, "cus-LC1");
        assert_eq!(first.rec.mailing_address, "12 Elm St\nKeizer OR 97303");
        assert!(first.rec.notify_mail && !first.rec.notify_email);
        // The second record starts on line 4: the first one spans two lines.
        assert_eq!(b.customers.rows[1].line, 4);
    }

    #[test]
    fn a_byte_order_mark_and_header_case_are_ignored() {
        let text = "\u{feff}Legacy_ID, NAME ,Mailing_Address\r\nC1,Ana,12 Elm St\r\n";
        let f = batch(&[("Customers.CSV", text)]);
        assert!(parse_problems(&f).is_empty());
        let bytes = [b"\xef\xbb\xbf".as_slice(), CUSTOMERS.as_bytes()].concat();
        let g = ImportFiles::from_bytes(vec![("customers.csv".into(), bytes)]);
        assert!(parse_problems(&g).is_empty());
        // The same content, BOM or not, is the same batch.
        assert_eq!(
            g.checksum(),
            batch(&[("customers.csv", CUSTOMERS)]).checksum()
        );
    }

    #[test]
    fn encodings_other_than_utf8_are_refused() {
        let latin1 = b"legacy_id,name,mailing_address\nC1,Jos\xe9,12 Elm St\n".to_vec();
        let f = ImportFiles::from_bytes(vec![("customers.csv".into(), latin1)]);
        let p = parse_problems(&f);
        assert!(has(&p, "customers.csv", 2, "", "encoding"), "{p:?}");
        let utf16 = vec![0xff, 0xfe, b'l', 0];
        let g = ImportFiles::from_bytes(vec![("customers.csv".into(), utf16)]);
        assert!(has(&parse_problems(&g), "customers.csv", 0, "", "encoding"));
    }

    #[test]
    fn empty_files_unknown_files_and_no_files_are_problems() {
        let p = parse_problems(&batch(&[("customers.csv", ""), ("notes.csv", "x")]));
        assert!(has(&p, "customers.csv", 0, "", "empty"), "{p:?}");
        assert!(has(&p, "notes.csv", 0, "", "unknown_file"), "{p:?}");
        let p = parse_problems(&batch(&[]));
        assert!(has(&p, "", 0, "", "empty"), "{p:?}");
        // Only a header: nothing to import, and nothing wrong.
        assert!(parse_problems(&batch(&[(
            "customers.csv",
            "legacy_id,name,mailing_address\n"
        )]))
        .is_empty());
        let p = parse_problems(&batch(&[("customers.csv", "\n\n  \n")]));
        assert!(has(&p, "customers.csv", 0, "", "empty"), "{p:?}");
    }

    #[test]
    fn a_wrong_header_is_reported_once_not_per_row() {
        let text = "legacy_id,nombre,mailing_address,name\nC1,x,12 Elm St,Ana\n";
        let p = parse_problems(&batch(&[("customers.csv", text)]));
        assert_eq!(
            p,
            vec![(
                "customers.csv".into(),
                1,
                "nombre".into(),
                "unknown_column".into()
            )]
        );
        let text = "legacy_id,mailing_address\nC1,12 Elm St\nC2,14 Elm St\n";
        let p = parse_problems(&batch(&[("customers.csv", text)]));
        assert_eq!(
            p,
            vec![(
                "customers.csv".into(),
                1,
                "name".into(),
                "missing_column".into()
            )]
        );
        let text = "legacy_id;name;mailing_address\nC1;Ana;12 Elm St\n";
        let p = parse_problems(&batch(&[("customers.csv", text)]));
        assert_eq!(p.len(), 1);
        assert!(has(&p, "customers.csv", 1, "", "invalid"));
        let text = "legacy_id,name,name,mailing_address\n";
        let p = parse_problems(&batch(&[("customers.csv", text)]));
        assert!(has(&p, "customers.csv", 1, "name", "duplicate_column"));
    }

    #[test]
    fn every_bad_cell_is_reported_with_its_row_and_column() {
        let text = "legacy_id,name,mailing_address,email,preferred_locale,notify_email,phone\n\
                    C1,Ana,12 Elm St,not-mail,fr,maybe,12\n\
                    C1,Bo,14 Elm St,,,,\n\
                    bad id!,,x,,,,\n\
                    C4,Cy\n";
        let p = parse_problems(&batch(&[("customers.csv", text)]));
        for (row, field, code) in [
            (2, "email", "invalid"),
            (2, "preferred_locale", "unknown_value"),
            (2, "notify_email", "invalid"),
            (2, "phone", "too_short"),
            (3, "legacy_id", "duplicate"),
            (4, "legacy_id", "invalid"),
            (5, "", "invalid"),
        ] {
            assert!(
                has(&p, "customers.csv", row, field, code),
                "{row} {field} {code}: {p:?}"
            );
        }
        // The misaligned row says so once, not once per missing cell.
        assert_eq!(p.iter().filter(|x| x.1 == 5).count(), 1, "{p:?}");
    }

    #[test]
    fn control_characters_never_reach_the_database() {
        let text =
            "legacy_id,name,mailing_address\nC1,\"An\u{0}a\",12 Elm St\nC2,\"Bo\nLi\",12 Elm St\n";
        let p = parse_problems(&batch(&[("customers.csv", text)]));
        assert!(has(&p, "customers.csv", 2, "name", "invalid"), "{p:?}");
        assert!(has(&p, "customers.csv", 3, "name", "invalid"), "{p:?}");
    }

    #[test]
    fn meters_need_the_registers_their_kind_has() {
        let head = "legacy_id,serial,size,kind,unit,digits,multiplier,low_digits,low_multiplier,high_digits,high_multiplier\n";
        let text = format!(
            "{head}M1,SER001,5/8,positive_displacement,ccf,6,1,,,,\n\
             M2,SER002,2,compound,ccf,6,,6,1,6,10\n\
             M3,SER003,2,compound,ccf,,,6,1,,\n\
             M4,SER001,1,propeller,litres,2,0,,,,\n\
             M5,SER005,1,turbine,ccf,6,1.1234567,,,,\n"
        );
        let p = parse_problems(&batch(&[("meters.csv", &text)]));
        for (row, field, code) in [
            (3, "digits", "invalid"),
            (4, "high_digits", "required"),
            (5, "serial", "duplicate"),
            (5, "kind", "unknown_value"),
            (5, "unit", "unknown_value"),
            (6, "multiplier", "invalid"),
        ] {
            assert!(
                has(&p, "meters.csv", row, field, code),
                "{row} {field} {code}: {p:?}"
            );
        }
        assert!(!p.iter().any(|x| x.1 == 2), "{p:?}");
        let f = batch(&[(
            "meters.csv",
            &format!("{head}M2,SER002,2,compound,ccf,,,6,1,6,10\n"),
        )]);
        let mut pr = Problems::default();
        let b = parse_batch(&f, &mut pr, today());
        let regs = &b.meters.rows[0].rec.rec.registers;
        assert_eq!(
            regs.iter().map(|r| r.code).collect::<Vec<_>>(),
            vec![RegisterCode::Low, RegisterCode::High]
        );
        assert_eq!(regs[1].multiplier, Decimal::from(10));
    }

    #[test]
    fn reads_and_money_are_checked() {
        let text = "meter_legacy_id,register,read_on,reading\nM1,main,2026-12-01,5\nM1,mid,2026-01-01,5\nM1,main,2026-01-01,-3\nM1,main,2026-01-01,7\n";
        let p = parse_problems(&batch(&[("reads.csv", text)]));
        assert!(has(&p, "reads.csv", 2, "read_on", "range"), "{p:?}");
        assert!(
            has(&p, "reads.csv", 3, "register", "unknown_value"),
            "{p:?}"
        );
        assert!(has(&p, "reads.csv", 4, "reading", "range"), "{p:?}");
        assert!(has(&p, "reads.csv", 5, "read_on", "duplicate"), "{p:?}");
        let text = "legacy_id,number,customer_legacy_id,premise_legacy_id,status,occupant,opened_on,deposit_required\n\
                    A1,N1,C1,P1,active,tenant,2020-01-01,200.001\nA2,N2,C1,P1,active,tenant,2020-01-01,12.5\n";
        let f = batch(&[("accounts.csv", text)]);
        let mut pr = Problems::default();
        let b = parse_batch(&f, &mut pr, today());
        assert_eq!(pr.list.len(), 1, "{:?}", pr.list);
        assert_eq!(pr.list[0].field, "deposit_required");
        assert_eq!(b.accounts.rows[1].rec.deposit_required_cents, 1250);
    }

    #[test]
    fn problems_are_capped_but_all_counted() {
        let mut text = String::from("legacy_id,name,mailing_address\n");
        for i in 0..(MAX_PROBLEMS + 50) {
            text.push_str(&format!("C{i},,12 Elm St\n"));
        }
        let f = batch(&[("customers.csv", &text)]);
        let mut p = Problems::default();
        let _ = parse_batch(&f, &mut p, today());
        assert_eq!(p.count, u64::try_from(MAX_PROBLEMS + 50).unwrap());
        assert_eq!(p.list.len(), MAX_PROBLEMS);
    }

    // ------------------------------------------------------------ against a database

    fn pool() -> DbPool {
        let pool = DbPool::new("sqlite://:memory:", 1).unwrap();
        let mut c = pool.get().unwrap();
        crate::db::run_migrations(&mut c).unwrap();
        diesel::insert_into(cycles::table)
            .values((
                cycles::id.eq("cyc-1"),
                cycles::code.eq("C1"),
                cycles::name.eq("Cycle 1"),
                cycles::months_per_bill.eq(1),
            ))
            .execute(&mut *c)
            .unwrap();
        pool
    }

    fn run_on(pool: &DbPool, files: &[(&str, &str)], dry_run: bool) -> ConversionReport {
        let opts = Options {
            dry_run,
            today: today(),
        };
        run(pool, &Actor::system("test"), &batch(files), opts).unwrap()
    }

    const PREMISES: &str =
        "legacy_id,service_address,cycle_code,route,read_sequence\nP1,12 Elm St Keizer,C1,01,10\n";
    const ACCOUNTS: &str = "legacy_id,number,customer_legacy_id,premise_legacy_id,status,occupant,opened_on\nA1,N-1,C1,P1,active,owner,2020-01-01\n";

    #[test]
    fn references_must_resolve_in_the_batch_or_the_database() {
        let pool = pool();
        let bad = "legacy_id,number,customer_legacy_id,premise_legacy_id,status,occupant,opened_on\nA1,N-1,C9,P9,active,owner,2020-01-01\n";
        let premises = "legacy_id,service_address,cycle_code,route,read_sequence\nP1,12 Elm St Keizer,C7,01,10\n";
        let r = run_on(
            &pool,
            &[
                ("customers.csv", CUSTOMERS),
                ("premises.csv", premises),
                ("accounts.csv", bad),
            ],
            true,
        );
        assert_eq!(r.outcome, ImportOutcome::Invalid);
        let found: Vec<(&str, u64, &str, &str)> = r
            .problems
            .iter()
            .map(|p| (p.file.as_str(), p.row, p.field.as_str(), p.code.as_str()))
            .collect();
        assert_eq!(
            found,
            vec![
                ("premises.csv", 2, "cycle_code", "unknown_reference"),
                ("accounts.csv", 2, "customer_legacy_id", "unknown_reference"),
                ("accounts.csv", 2, "premise_legacy_id", "unknown_reference"),
            ]
        );
        // A reference to a record imported by an earlier batch resolves.
        let r = run_on(
            &pool,
            &[("customers.csv", CUSTOMERS), ("premises.csv", PREMISES)],
            false,
        );
        assert_eq!(r.outcome, ImportOutcome::Imported, "{:?}", r.problems);
        let r = run_on(&pool, &[("accounts.csv", ACCOUNTS)], false);
        assert_eq!(r.outcome, ImportOutcome::Imported, "{:?}", r.problems);
    }

    #[test]
    fn a_repeat_skips_an_overlap_updates_and_left_out_columns_are_kept() {
        let pool = pool();
        let customers =
            "legacy_id,name,mailing_address,phone\nC1,Ana Ruiz,12 Elm St Keizer,503-555-0100\n";
        let r = run_on(
            &pool,
            &[
                ("customers.csv", customers),
                ("premises.csv", PREMISES),
                ("accounts.csv", ACCOUNTS),
            ],
            false,
        );
        assert_eq!(r.outcome, ImportOutcome::Imported, "{:?}", r.problems);
        let again = run_on(
            &pool,
            &[
                ("customers.csv", customers),
                ("premises.csv", PREMISES),
                ("accounts.csv", ACCOUNTS),
            ],
            false,
        );
        assert_eq!(again.outcome, ImportOutcome::AlreadyImported);
        assert_eq!(again.batch_id, r.batch_id);
        // Overlapping: C1's name changes; the phone column is left out, so the phone stays.
        let overlap = "legacy_id,name,mailing_address\nC1,Ana Ruiz-Soto,12 Elm St Keizer\nC2,Bo Li,14 Elm St Keizer\n";
        let r = run_on(&pool, &[("customers.csv", overlap)], false);
        assert_eq!(r.outcome, ImportOutcome::Imported);
        assert_eq!(
            (r.files[0].created, r.files[0].updated, r.files[0].unchanged),
            (1, 1, 0)
        );
        let mut c = pool.get().unwrap();
        let (name, phone): (String, Option<String>) = customers::table
            .filter(customers::id.eq("cus-LC1"))
            .select((customers::name, customers::phone))
            .first(&mut *c)
            .unwrap();
        assert_eq!(
            (name.as_str(), phone.as_deref()),
            ("Ana Ruiz-Soto", Some("503-555-0100"))
        );
        drop(c);
        // The same rows in another order: a new checksum, but every record is unchanged.
        let reordered = "legacy_id,name,mailing_address\nC2,Bo Li,14 Elm St Keizer\nC1,Ana Ruiz-Soto,12 Elm St Keizer\n";
        let r = run_on(&pool, &[("customers.csv", reordered)], true);
        assert_eq!(r.outcome, ImportOutcome::Ready);
        assert_eq!(
            (r.files[0].created, r.files[0].updated, r.files[0].unchanged),
            (0, 0, 2)
        );
    }

    #[test]
    fn a_serial_or_number_held_by_another_record_is_taken() {
        let pool = pool();
        let r = run_on(
            &pool,
            &[
                ("customers.csv", CUSTOMERS),
                ("premises.csv", PREMISES),
                ("accounts.csv", ACCOUNTS),
            ],
            false,
        );
        assert_eq!(r.outcome, ImportOutcome::Imported);
        let clash = "legacy_id,number,customer_legacy_id,premise_legacy_id,status,occupant,opened_on\nA2,N-1,C2,P1,active,owner,2021-01-01\n";
        let r = run_on(&pool, &[("accounts.csv", clash)], true);
        assert_eq!(r.problems.len(), 1);
        assert_eq!(
            (r.problems[0].field.as_str(), r.problems[0].code.as_str()),
            ("number", "taken")
        );
    }

    #[test]
    fn registers_are_replaced_unless_reads_depend_on_them() {
        let pool = pool();
        let head = "legacy_id,serial,size,kind,unit,premise_legacy_id,digits,multiplier,low_digits,low_multiplier,high_digits,high_multiplier\n";
        let plain = format!("{head}M1,SER001,5/8,positive_displacement,ccf,P1,6,1,,,,\n");
        let reads = "meter_legacy_id,read_on,reading\nM1,2026-10-01,120\n";
        let r = run_on(
            &pool,
            &[
                ("premises.csv", PREMISES),
                ("meters.csv", &plain),
                ("reads.csv", reads),
            ],
            false,
        );
        assert_eq!(r.outcome, ImportOutcome::Imported, "{:?}", r.problems);
        // A new multiplier replaces the register.
        let ten = format!("{head}M1,SER001,5/8,positive_displacement,ccf,P1,6,10,,,,\n");
        let r = run_on(&pool, &[("meters.csv", &ten)], false);
        assert_eq!((r.files[0].updated, r.files[0].unchanged), (1, 0));
        let mut c = pool.get().unwrap();
        let regs: Vec<(String, String)> = meter_registers::table
            .filter(meter_registers::meter_id.eq("met-LM1"))
            .select((meter_registers::code, meter_registers::multiplier))
            .load(&mut *c)
            .unwrap();
        assert_eq!(regs, vec![("main".to_owned(), "10".to_owned())]);
        drop(c);
        // Turning it into a compound meter would orphan the read on `main`.
        let compound = format!("{head}M1,SER001,2,compound,ccf,P1,,,6,1,6,10\n");
        let r = run_on(&pool, &[("meters.csv", &compound)], true);
        assert_eq!(r.outcome, ImportOutcome::Invalid);
        assert_eq!(
            (
                r.problems[0].row,
                r.problems[0].field.as_str(),
                r.problems[0].code.as_str()
            ),
            (2, "kind", "conflict")
        );
    }
}
