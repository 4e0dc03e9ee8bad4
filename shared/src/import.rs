//! The conversion import: a city's customers, premises, meters, services, accounts, last reads
//! and winter-average history, brought over from its previous system as CSV files
//! (`docs/import.md` documents every file and column).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[cfg(feature = "server")]
use utoipa::ToSchema;

/// The files of one conversion batch, by file name (`customers.csv`, `premises.csv`,
/// `meters.csv`, `services.csv`, `accounts.csv`, `reads.csv`, `winter_averages.csv`), each as
/// its CSV text (UTF-8; a leading byte-order mark is ignored). Any subset may be sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct ConversionImportRequest {
    #[cfg_attr(
        feature = "server",
        schema(example = json!({"customers.csv": "legacy_id,name,mailing_address\nC1,Ana Ruiz,\"12 Elm St, Keizer OR 97303\"\n"}))
    )]
    pub files: BTreeMap<String, String>,
}

/// What happened, or (in a dry run) what would happen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ImportOutcome {
    /// Dry run: no problems; a real run would make the changes counted.
    Ready,
    /// There are problems: nothing was (or would be) changed.
    Invalid,
    /// Real run: the changes counted were made, in one transaction.
    Imported,
    /// These exact files were imported before (same checksum): nothing was changed.
    AlreadyImported,
}

impl ImportOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            ImportOutcome::Ready => "ready",
            ImportOutcome::Invalid => "invalid",
            ImportOutcome::Imported => "imported",
            ImportOutcome::AlreadyImported => "already_imported",
        }
    }
}

/// One problem found in the files: where it is and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct ImportProblem {
    /// The file, e.g. `meters.csv` (empty for a problem with the batch as a whole).
    pub file: String,
    /// The line of the file where the record starts: 1 is the header line, 2 the first data
    /// row (as a spreadsheet numbers rows). 0 means the file as a whole.
    pub row: u64,
    /// The column (empty for a problem with the whole row or file).
    pub field: String,
    /// The rule broken: `required`, `invalid`, `unknown_value`, `unknown_reference`,
    /// `duplicate`, `taken`, `unknown_column`, `missing_column`, `unknown_file`,
    /// `invalid_encoding`, `empty`, `too_large`, `too_long`, `range`, `conflict`, ...
    pub code: crate::FieldCode,
    /// An English explanation.
    pub message: String,
}

/// Rows of one file and what they do.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct ImportFileCounts {
    pub file: String,
    /// Data rows read (header and blank rows not counted).
    pub rows: u64,
    /// New records.
    pub created: u64,
    /// Records already imported before, with at least one changed value.
    pub updated: u64,
    /// Records already imported before, identical: skipped.
    pub unchanged: u64,
}

/// The result of a conversion import or of its dry run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct ConversionReport {
    pub dry_run: bool,
    pub outcome: ImportOutcome,
    /// SHA-256 of the batch (file names and contents): the same files give the same checksum.
    pub checksum: String,
    /// The recorded batch: the new one after a real run, the earlier one when already imported.
    pub batch_id: Option<String>,
    /// When the batch was recorded (a real run, or the earlier import of these files).
    pub imported_at: Option<DateTime<Utc>>,
    /// Per file sent, in import order.
    pub files: Vec<ImportFileCounts>,
    /// How many problems were found in all (`problems` holds at most the first 10,000).
    pub problem_count: u64,
    /// In file order, then row order.
    pub problems: Vec<ImportProblem>,
}
