use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::import_batches;

/// A row of `import_batches`: one conversion import that was written (its checksum makes a
/// repeated batch change nothing). `summary` is JSON text.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = import_batches, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct ImportBatch {
    pub id: String,
    pub checksum: String,
    pub kind: String,
    pub summary: String,
    pub imported_by: Option<String>,
    pub imported_at: NaiveDateTime,
}
