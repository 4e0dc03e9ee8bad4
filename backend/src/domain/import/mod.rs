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

//!
//! The module's parts, in the order a batch goes through them: [`columns`] (the files and
//! their columns), [`parse`] (one generic sheet reader: a row becomes a record or problems),
//! [`plan`] (references, cross-file rules and what each record does, against the database)
//! and [`write`] (typed multi-row upserts).

mod columns;
mod parse;
mod plan;
mod write;

use cistern_shared::FieldCode;
use std::collections::BTreeMap;
use std::io::Read as _;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use cistern_shared::import::{ConversionReport, ImportOutcome, ImportProblem};
use cistern_shared::{ErrorCode, FieldError};
use diesel::prelude::*;
use sha2::{Digest, Sha256};

use crate::db::schema::import_batches;
use crate::db::{DbConnection, DbPool, WriteTx};
use crate::domain::audit::{self, Actor, Change};
use crate::error::{ApiError, ApiResult};

use self::columns::*;
pub use self::columns::{
    account_id, customer_id, meter_id, premise_id, read_id, service_id, FileKind,
};
use self::parse::*;
use self::plan::*;
use self::write::*;

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

#[derive(Debug, Default, Clone)]
struct Problems {
    list: Vec<ImportProblem>,
    count: u64,
}

impl Problems {
    fn add(
        &mut self,
        file: &str,
        row: u64,
        field: &str,
        code: FieldCode,
        message: impl Into<String>,
    ) {
        self.count += 1;
        if self.list.len() < MAX_PROBLEMS {
            self.list.push(ImportProblem {
                file: file.to_owned(),
                row,
                field: field.to_owned(),
                code,
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
                FieldCode::Empty,
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
                    FieldCode::UnknownFile,
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
                    FieldCode::Duplicate,
                    "sent twice (file names are not case-sensitive)",
                );
                continue;
            }
            let text = match text {
                Ok(t) => t,
                Err((line, message)) => {
                    problems.add(file, line, "", FieldCode::InvalidEncoding, message);
                    continue;
                }
            };
            if text.len() > MAX_FILE_BYTES {
                problems.add(
                    file,
                    0,
                    "",
                    FieldCode::TooLarge,
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
        // Nothing here can write: a dry run only checks, in a read transaction.
        pool.read(|c| Ok(check(c, files, batch, problems, opts)?.0))
    } else {
        pool.write(|tx| import(tx, actor, files, batch, problems, opts))
    }
}

/// Checks a parsed batch against the database: the report (outcome `invalid`,
/// `already_imported` or `ready`) and, when the batch is `ready`, the plan that writes it.
fn check(
    conn: &mut DbConnection,
    files: &ImportFiles,
    batch: &Batch,
    mut problems: Problems,
    opts: Options,
) -> ApiResult<(ConversionReport, Option<Plan>)> {
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
            return Ok((report, None));
        }
    }
    let plan = plan(conn, batch, &mut problems)?;
    report.files = plan.counts(batch);
    if !problems.is_empty() {
        let (count, list) = problems.sorted();
        report.problem_count = count;
        report.problems = list;
        return Ok((report, None));
    }
    report.outcome = ImportOutcome::Ready;
    Ok((report, Some(plan)))
}

/// A real run: checks the batch and, when it is ready, writes it, all in `tx`.
fn import(
    tx: &mut WriteTx<'_>,
    actor: &Actor,
    files: &ImportFiles,
    batch: &Batch,
    problems: Problems,
    opts: Options,
) -> ApiResult<ConversionReport> {
    let (mut report, plan) = check(tx, files, batch, problems, opts)?;
    let Some(plan) = plan else {
        return Ok(report);
    };
    write(tx, &plan, actor)?;
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
        .execute(tx.db());
    match inserted {
        Ok(_) => {}
        Err(e) if crate::db::is_unique_violation(&e) => {
            // Two identical batches at the same moment: the second loses on the checksum.
            return Err(ApiError::with_detail(
                ErrorCode::ImportInProgress,
                "the same files are being imported by someone else right now",
            ));
        }
        Err(e) => return Err(e.into()),
    }
    audit::record(
        tx,
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
                code: p.code,
                message: p.message.clone(),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests;
