//! Reading the files: one generic sheet reader ([`parse_sheet`]) over each kind's column table,
//! and per kind a row-to-record function ([`Record::from_cells`]).

use cistern_shared::FieldCode;
use std::collections::{HashMap, HashSet};
use std::str::FromStr;

use chrono::NaiveDate;
use cistern_shared::address::{Address, AddressError};
use cistern_shared::dto::{AccountStatus, Locale};
use cistern_shared::meters::{MeterKind, MeterStatus, MeterUnit, RegisterCode};
use cistern_shared::orders::Occupant;
use cistern_shared::services::{ServiceStatus, ServiceType};
use cistern_shared::Money;
use diesel::prelude::*;
use rust_decimal::Decimal;

use super::columns::*;
use super::{shown, ImportFiles, Problems, LEGACY_ID_MAX, MAX_ROWS};

/// One data row's cells, with the parsers every column uses. A parser that finds a problem
/// records it and marks the row bad; the row's values are then never used.
pub(super) struct Cells<'a> {
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
    /// The file's record keys so far, with the line of each.
    keys: &'a mut HashMap<String, u64>,
    /// Values that must be unique within the file (meter serials, account numbers), by column.
    unique: &'a mut HashMap<(&'static str, String), u64>,
}

impl<'a> Cells<'a> {
    /// The trimmed cell, `None` when the column is absent or the cell is empty.
    fn raw(&self, col: &'static str) -> Option<&'a str> {
        let i = *self.idx.get(col)?;
        let rec: &'a csv::StringRecord = self.rec;
        rec.get(i).map(str::trim).filter(|s| !s.is_empty())
    }

    fn bad(&mut self, col: &'static str, code: FieldCode, message: impl Into<String>) {
        self.ok = false;
        self.failed.push(col);
        if !self.quiet {
            self.p.add(self.file, self.line, col, code, message);
        }
    }

    /// Records the row's key; a second row with the same key is a problem.
    fn claim(&mut self, field: &'static str, key: String, shown_key: &str) {
        match self.keys.get(&key) {
            Some(first) => {
                let first = *first;
                self.bad(
                    field,
                    FieldCode::Duplicate,
                    format!("`{shown_key}` is also on line {first}"),
                );
            }
            None => {
                self.keys.insert(key, self.line);
            }
        }
    }

    /// A value unique within a file (meter serials, account numbers).
    fn claim_unique(&mut self, field: &'static str, value: &str) {
        if value.is_empty() {
            return;
        }
        match self.unique.get(&(field, value.to_owned())) {
            Some(first) => {
                let first = *first;
                self.bad(
                    field,
                    FieldCode::Duplicate,
                    format!("`{}` is also on line {first}", shown(value)),
                );
            }
            None => {
                self.unique.insert((field, value.to_owned()), self.line);
            }
        }
    }

    fn required(&mut self, col: &'static str) -> Option<&'a str> {
        let v = self.raw(col);
        if v.is_none() {
            self.bad(col, FieldCode::Required, "is required");
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
                FieldCode::TooLong,
                format!("at most {max} characters ({n} given)"),
            );
            return None;
        }
        if n < min {
            self.bad(
                col,
                FieldCode::TooShort,
                format!("at least {min} characters"),
            );
            return None;
        }
        let allowed = |c: char| multiline && matches!(c, '\n' | '\r' | '\t');
        if s.chars().any(|c| c.is_control() && !allowed(c)) {
            self.bad(
                col,
                FieldCode::Invalid,
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

    /// An address: in parts when any part column of the row is filled (`street`, `city`, ...;
    /// `foreign_address` too where `foreign_ok`), otherwise the text of `text_col` (required,
    /// 5 to `max` characters), read as a US address. A problem names the column at fault with
    /// the address's field code.
    fn address(
        &mut self,
        text_col: &'static str,
        max: usize,
        multiline: bool,
        foreign_ok: bool,
    ) -> Option<Address> {
        let foreign = if foreign_ok {
            self.raw("foreign_address")
        } else {
            None
        };
        let in_parts = foreign.is_some() || ADDRESS_PARTS.iter().any(|c| self.raw(c).is_some());
        if in_parts {
            let mut part = |c: &'static str| self.text(c, 400, c == "foreign_address");
            let given = Address {
                house_number: part("house_number"),
                pre_direction: part("pre_direction"),
                street: part("street").unwrap_or_default(),
                suffix: part("suffix"),
                post_direction: part("post_direction"),
                unit: part("unit"),
                city: part("city"),
                state: part("state"),
                zip: part("zip"),
                zip4: part("zip4"),
                foreign: if foreign_ok {
                    part("foreign_address")
                } else {
                    None
                },
            };
            let column = |part: &str| {
                ADDRESS_PARTS
                    .iter()
                    .find(|c| **c == part)
                    .copied()
                    .unwrap_or("foreign_address")
            };
            return match given.normalized() {
                Ok(a) => Some(a),
                Err((part, e)) => {
                    self.bad(column(part), e.code(), address_problem(e));
                    None
                }
            };
        }
        let text = self.req_text(text_col, 5, max, multiline);
        if text.is_empty() {
            return None;
        }
        match Address::parse(&text).and_then(|a| a.normalized().map_err(|(_, e)| e)) {
            Ok(a) if a.is_foreign() && !foreign_ok => {
                let e = AddressError::Foreign;
                self.bad(text_col, e.code(), address_problem(e));
                None
            }
            Ok(a) => Some(a),
            Err(e) => {
                self.bad(text_col, e.code(), address_problem(e));
                None
            }
        }
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
                FieldCode::Invalid,
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
                    FieldCode::Invalid,
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
                self.bad(col, FieldCode::Invalid, m);
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
                self.bad(
                    col,
                    FieldCode::Range,
                    format!("must be from {min} to {max}"),
                );
                None
            }
            None => {
                self.bad(
                    col,
                    FieldCode::Invalid,
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
                self.bad(col, FieldCode::Range, format!("must be at most {max}"));
                None
            }
            Err(m) => {
                self.bad(col, FieldCode::Invalid, m);
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
                FieldCode::UnknownValue,
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
/// What is wrong with an address, for a problem's message.
fn address_problem(e: AddressError) -> &'static str {
    match e {
        AddressError::Empty => "is required",
        AddressError::NoStreet => "has no street: give the house number and street",
        AddressError::BadZip => "is not a ZIP code (five digits; ZIP+4 four more)",
        AddressError::BadState => "is not a two-letter state code",
        AddressError::BadDirection => "is not a direction (N, S, E, W, NE, NW, SE, SW)",
        AddressError::Length => "is too long",
        AddressError::Foreign => {
            "is an address outside the United States, which is not allowed here (or is given with US parts)"
        }
    }
}

pub(super) fn parse_date(s: &str) -> Result<NaiveDate, String> {
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
pub(super) fn parse_decimal(s: &str, scale: u32) -> Result<Decimal, String> {
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
pub(super) fn parse_season(s: &str) -> Result<String, String> {
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
pub(super) fn decimal_text(d: Decimal) -> String {
    d.normalize().to_string()
}

/// A record of one file kind. The file's columns are [`FileKind::columns`]; `from_cells` turns
/// one data row into the record, recording every problem it finds in the row's cells, or
/// answers `None` when the row has no usable key (nothing else can be said about it).
pub(super) trait Record: Sized {
    const KIND: FileKind;
    fn from_cells(c: &mut Cells<'_>, today: NaiveDate) -> Option<Self>;
}

/// The physical line (1-based) of byte offsets in a text, whatever its line ends: `\n`,
/// `\r\n` (Excel on Windows) and a lone `\r` each end one line, and a line break inside a
/// quoted cell counts too. Offsets are asked in increasing order, so a file is counted once.
pub(super) struct Lines<'t> {
    text: &'t [u8],
    pos: usize,
    line: u64,
}

impl<'t> Lines<'t> {
    fn new(text: &'t str) -> Lines<'t> {
        Lines {
            text: text.as_bytes(),
            pos: 0,
            line: 1,
        }
    }

    /// The line of the record that starts at `byte`. The CSV reader may place a record's
    /// start on the line break that ends the previous one (the `\n` of a `\r\n`), so line
    /// breaks at the start are passed over: a record starts at its first character.
    fn of_record(&mut self, byte: u64) -> u64 {
        let mut at = usize::try_from(byte)
            .unwrap_or(usize::MAX)
            .min(self.text.len());
        while matches!(self.text.get(at), Some(b'\r' | b'\n')) {
            at += 1;
        }
        if at < self.pos {
            self.pos = 0;
            self.line = 1;
        }
        let counted = self.text.get(self.pos..at).unwrap_or_default();
        for (i, b) in counted.iter().enumerate() {
            let ends = match b {
                b'\n' => true,
                b'\r' => counted.get(i + 1) != Some(&b'\n'),
                _ => false,
            };
            if ends {
                self.line += 1;
            }
        }
        self.pos = at;
        self.line
    }
}

/// The one sheet reader: checks a file's header against its kind's columns, then makes each
/// data row a [`Record`] (keeping rows with problems, marked invalid, unless misaligned).
pub(super) fn parse_sheet<T: Record>(text: &str, p: &mut Problems, today: NaiveDate) -> Parsed<T> {
    let kind = T::KIND;
    let file = kind.file_name();
    let mut out = Parsed::<T> {
        sent: true,
        ..Default::default()
    };
    let mut unique = HashMap::new();
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rec = csv::StringRecord::new();
    let mut lines = Lines::new(text);
    let mut line_of = |r: &csv::StringRecord| r.position().map_or(0, |p| lines.of_record(p.byte()));
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
                    FieldCode::Empty,
                    "the file is empty: it needs at least the header line",
                );
                return out;
            }
            Err(e) => {
                p.add(
                    file,
                    1,
                    "",
                    FieldCode::Invalid,
                    format!("unreadable CSV: {e}"),
                );
                return out;
            }
        }
    };
    let header_line = line_of(&header);
    let mut present = HashSet::new();
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
                FieldCode::Invalid,
                "the columns seem to be separated by ';' or tabs: save the file with commas",
            );
            out.present = present;
            return out;
        }
    }
    for (i, cell) in header.iter().enumerate() {
        let name = kind.column_name(cell);
        match columns.iter().find(|(c, _)| *c == name) {
            Some((c, _)) if idx.contains_key(c) => {
                p.add(
                    file,
                    header_line,
                    c,
                    FieldCode::DuplicateColumn,
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
                    FieldCode::UnknownColumn,
                    format!("column {} has no name", i + 1),
                );
            }
            None => {
                let known: Vec<&str> = columns.iter().map(|(c, _)| *c).collect();
                p.add(
                    file,
                    header_line,
                    &shown(&name),
                    FieldCode::UnknownColumn,
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
                FieldCode::MissingColumn,
                "the header lacks this required column",
            );
            header_ok = false;
        }
    }
    for group in kind.one_of() {
        if !group.iter().any(|c| idx.contains_key(c)) {
            p.add(
                file,
                header_line,
                group[0],
                FieldCode::MissingColumn,
                format!(
                    "the header lacks this column (or the address in parts: {})",
                    group[1..].join(", ")
                ),
            );
            header_ok = false;
        }
    }
    if !header_ok {
        // Every row would repeat the same complaint: the header's problems say it once.
        out.present = present;
        return out;
    }

    out.present = present;

    let width = header.len();
    let mut rows = 0u64;
    loop {
        match rdr.read_record(&mut rec) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                let line = e.position().map_or(0, |p| lines_at(text, p.byte()));
                p.add(
                    file,
                    line,
                    "",
                    FieldCode::Invalid,
                    format!("unreadable CSV: {e}"),
                );
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
                FieldCode::TooLarge,
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
                FieldCode::Invalid,
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
            keys: &mut out.keys,
            unique: &mut unique,
        };
        if let Some(record) = T::from_cells(&mut cells, today) {
            if !quiet {
                let (valid, failed) = (cells.ok, cells.failed);
                out.rows.push(Row {
                    line,
                    rec: record,
                    valid,
                    failed,
                });
            }
        }
    }
    out.count = rows;
    out
}

/// The physical line at a byte offset (for an error, where the reader stopped).
pub(super) fn lines_at(text: &str, byte: u64) -> u64 {
    Lines::new(text).of_record(byte)
}

// ---------------------------------------------------------------- records

#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = crate::db::schema::customers)]
pub(super) struct Customer {
    pub(super) id: String,
    pub(super) name: String,
    pub(super) is_organisation: bool,
    pub(super) mailing_address: String,
    pub(super) phone: Option<String>,
    pub(super) phone_alt: Option<String>,
    pub(super) email: Option<String>,
    pub(super) preferred_locale: String,
    pub(super) notify_email: bool,
    pub(super) notify_text: bool,
    pub(super) notify_mail: bool,
    #[diesel(embed)]
    pub(super) mailing: crate::db::models::MailingAddress,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = crate::db::schema::premises)]
pub(super) struct Premise {
    pub(super) id: String,
    pub(super) service_address: String,
    pub(super) parcel: Option<String>,
    pub(super) inside_city: bool,
    pub(super) cycle_id: String,
    pub(super) route: String,
    pub(super) read_sequence: i32,
    pub(super) dwelling_units: i32,
    pub(super) notes: Option<String>,
    #[diesel(embed)]
    pub(super) service: crate::db::models::ServiceAddress,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct Register {
    pub(super) code: RegisterCode,
    pub(super) digits: i32,
    pub(super) multiplier: Decimal,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct Meter {
    pub(super) id: String,
    pub(super) serial: String,
    pub(super) size: String,
    pub(super) kind: String,
    pub(super) unit: String,
    pub(super) manufacturer: Option<String>,
    pub(super) model: Option<String>,
    pub(super) endpoint_serial: Option<String>,
    pub(super) status: String,
    pub(super) premise_id: Option<String>,
    pub(super) installed_on: Option<NaiveDate>,
    pub(super) removed_on: Option<NaiveDate>,
    /// Sorted by code.
    pub(super) registers: Vec<Register>,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct Service {
    pub(super) id: String,
    pub(super) premise_id: String,
    pub(super) service_type: String,
    pub(super) customer_class: String,
    pub(super) rate_code: String,
    pub(super) status: String,
    pub(super) esu: Option<Decimal>,
    pub(super) started_on: NaiveDate,
    pub(super) ended_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = crate::db::schema::accounts)]
pub(super) struct Account {
    pub(super) id: String,
    pub(super) number: String,
    pub(super) customer_id: String,
    pub(super) premise_id: String,
    pub(super) status: String,
    pub(super) occupant: String,
    pub(super) opened_on: NaiveDate,
    pub(super) closed_on: Option<NaiveDate>,
    pub(super) deposit_required_cents: i64,
    pub(super) owner_copy_customer_id: Option<String>,
    pub(super) paperless: bool,
    pub(super) autopay: bool,
    pub(super) final_read_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = crate::db::schema::meter_reads)]
pub(super) struct MeterRead {
    pub(super) id: String,
    pub(super) meter_id: String,
    pub(super) register_code: String,
    pub(super) premise_id: Option<String>,
    pub(super) account_id: Option<String>,
    pub(super) read_on: NaiveDate,
    pub(super) reading: i64,
    pub(super) note: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct WinterAverage {
    pub(super) premise_id: String,
    pub(super) season: String,
    pub(super) average_ccf: Decimal,
}

pub(super) struct Row<T> {
    pub(super) line: u64,
    pub(super) rec: T,
    /// Every field parsed. A row with problems is kept (unless misaligned) so its
    /// references and its good columns are still checked; it is never written.
    pub(super) valid: bool,
    /// The columns that had problems.
    pub(super) failed: Vec<&'static str>,
}

impl<T> Row<T> {
    /// These columns parsed (a rule over them can run).
    pub(super) fn fine(&self, cols: &[&str]) -> bool {
        !cols.iter().any(|c| self.failed.contains(c))
    }
}

/// One file's valid rows, and the keys of all its rows (valid or not, first line of each):
/// a reference to a row that has problems of its own is not reported again.
pub(super) struct Parsed<T> {
    pub(super) rows: Vec<Row<T>>,
    pub(super) keys: HashMap<String, u64>,
    pub(super) present: HashSet<&'static str>,
    pub(super) count: u64,
    pub(super) sent: bool,
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
    pub(super) fn has(&self, col: &str) -> bool {
        self.present.contains(col)
    }
}

pub(super) struct PremiseIn {
    pub(super) rec: Premise,
    pub(super) cycle_code: String,
}

pub(super) struct MeterIn {
    pub(super) rec: Meter,
    /// `None`: not given (derived from the premise, or kept on an update).
    pub(super) status: Option<MeterStatus>,
}

pub(super) struct ReadIn {
    pub(super) rec: MeterRead,
    pub(super) register: RegisterCode,
}

/// Everything the files say, checked field by field.
#[derive(Default)]
pub(super) struct Batch {
    pub(super) customers: Parsed<Customer>,
    pub(super) premises: Parsed<PremiseIn>,
    pub(super) meters: Parsed<MeterIn>,
    pub(super) services: Parsed<Service>,
    pub(super) accounts: Parsed<Account>,
    pub(super) reads: Parsed<ReadIn>,
    pub(super) winter: Parsed<WinterAverage>,
}

pub(super) const MAX_MULTIPLIER: Decimal = Decimal::from_parts(1_000_000, 0, 0, false, 0);
pub(super) const MAX_ESU: Decimal = Decimal::from_parts(100_000, 0, 0, false, 0);
pub(super) const MAX_CCF: Decimal = Decimal::from_parts(1_000_000, 0, 0, false, 0);
pub(super) const MAX_DEPOSIT: Decimal = Decimal::from_parts(1_000_000, 0, 0, false, 0);

pub(super) fn parse_batch(files: &ImportFiles, p: &mut Problems, today: NaiveDate) -> Batch {
    let mut b = Batch::default();
    for (kind, text) in &files.files {
        match kind {
            FileKind::Customers => b.customers = parse_sheet(text, p, today),
            FileKind::Premises => b.premises = parse_sheet(text, p, today),
            FileKind::Meters => b.meters = parse_sheet(text, p, today),
            FileKind::Services => b.services = parse_sheet(text, p, today),
            FileKind::Accounts => b.accounts = parse_sheet(text, p, today),
            FileKind::Reads => b.reads = parse_sheet(text, p, today),
            FileKind::WinterAverages => b.winter = parse_sheet(text, p, today),
        }
    }
    b
}

impl Record for Customer {
    const KIND: FileKind = FileKind::Customers;

    fn from_cells(c: &mut Cells<'_>, _today: NaiveDate) -> Option<Customer> {
        let legacy = c.legacy("legacy_id", true)?;
        let id = customer_id(&legacy);
        c.claim("legacy_id", id.clone(), &legacy);
        let name = c.req_text("name", 1, 200, false);
        let mailing = c.address("mailing_address", 400, true, true);
        let is_organisation = c.bool("is_organisation", false);
        let phone = c.text("phone", 30, false);
        let phone_alt = c.text("phone_alt", 30, false);
        for (col, v) in [("phone", &phone), ("phone_alt", &phone_alt)] {
            if v.as_ref().is_some_and(|s| s.chars().count() < 7) {
                c.bad(col, FieldCode::TooShort, "at least 7 characters");
            }
        }
        let email = c.text("email", 254, false);
        if let Some(e) = &email {
            if !validator::ValidateEmail::validate_email(e) {
                c.bad(
                    "email",
                    FieldCode::Invalid,
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
            mailing_address: mailing.as_ref().map(Address::one_line).unwrap_or_default(),
            mailing: mailing.as_ref().map(Into::into).unwrap_or_default(),
            phone,
            phone_alt,
            email,
            preferred_locale: locale.as_str().to_owned(),
            notify_email: c.bool("notify_email", false),
            notify_text: c.bool("notify_text", false),
            notify_mail: c.bool("notify_mail", true),
        };
        Some(rec)
    }
}

impl Record for PremiseIn {
    const KIND: FileKind = FileKind::Premises;

    fn from_cells(c: &mut Cells<'_>, _today: NaiveDate) -> Option<PremiseIn> {
        let legacy = c.legacy("legacy_id", true)?;
        let id = premise_id(&legacy);
        c.claim("legacy_id", id.clone(), &legacy);
        let service = c.address("service_address", 200, false, false);
        let rec = Premise {
            id,
            service_address: service.as_ref().map(Address::one_line).unwrap_or_default(),
            service: service.as_ref().map(Into::into).unwrap_or_default(),
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
        Some(PremiseIn { rec, cycle_code })
    }
}

pub(super) fn parse_registers(c: &mut Cells<'_>, kind: Option<MeterKind>) -> Vec<Register> {
    let reg = |c: &mut Cells<'_>, code: RegisterCode, digits: &'static str, mult: &'static str| {
        let d = if c.raw(digits).is_none() {
            c.bad(
                digits,
                FieldCode::Required,
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
            c.bad(mult, FieldCode::Range, "must be more than 0");
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
                c.bad(col, FieldCode::Invalid, why.to_owned());
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

pub(super) fn register_order(code: RegisterCode) -> u8 {
    match code {
        RegisterCode::Main => 0,
        RegisterCode::Low => 1,
        RegisterCode::High => 2,
    }
}

impl Record for MeterIn {
    const KIND: FileKind = FileKind::Meters;

    fn from_cells(c: &mut Cells<'_>, _today: NaiveDate) -> Option<MeterIn> {
        let legacy = c.legacy("legacy_id", true)?;
        let id = meter_id(&legacy);
        c.claim("legacy_id", id.clone(), &legacy);
        let serial = c.req_text("serial", 3, 40, false);
        c.claim_unique("serial", &serial);
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
        Some(MeterIn { rec, status })
    }
}

impl Record for Service {
    const KIND: FileKind = FileKind::Services;

    fn from_cells(c: &mut Cells<'_>, _today: NaiveDate) -> Option<Service> {
        let legacy = c.legacy("legacy_id", true)?;
        let id = service_id(&legacy);
        c.claim("legacy_id", id.clone(), &legacy);
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
        Some(rec)
    }
}

impl Record for Account {
    const KIND: FileKind = FileKind::Accounts;

    fn from_cells(c: &mut Cells<'_>, _today: NaiveDate) -> Option<Account> {
        let legacy = c.legacy("legacy_id", true)?;
        let id = account_id(&legacy);
        c.claim("legacy_id", id.clone(), &legacy);
        let number = c.req_text("number", 1, 30, false);
        c.claim_unique("number", &number);
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
        Some(rec)
    }
}

impl Record for ReadIn {
    const KIND: FileKind = FileKind::Reads;

    fn from_cells(c: &mut Cells<'_>, today: NaiveDate) -> Option<ReadIn> {
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
            c.bad(
                "read_on",
                FieldCode::Range,
                format!("is after today ({today})"),
            );
        }
        let (Some(meter), Some(read_on), Some(register)) = (meter, read_on, register) else {
            c.ok = false;
            return None;
        };
        let id = read_id(&meter, register, read_on);
        c.claim(
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
        Some(ReadIn { rec, register })
    }
}

impl Record for WinterAverage {
    const KIND: FileKind = FileKind::WinterAverages;

    fn from_cells(c: &mut Cells<'_>, _today: NaiveDate) -> Option<WinterAverage> {
        let premise = c.legacy("premise_legacy_id", true);
        let season = c.required("season").and_then(|s| match parse_season(s) {
            Ok(s) => Some(s),
            Err(m) => {
                c.bad("season", FieldCode::Invalid, m);
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
            return None;
        };
        c.claim(
            "season",
            format!("{premise}\u{0}{season}"),
            &format!("{premise} {season}"),
        );
        let rec = WinterAverage {
            premise_id: premise_id(&premise),
            season,
            average_ccf: average.unwrap_or_default(),
        };
        Some(rec)
    }
}
