//! `cistern copy-database`: every table of one database into another, across backends
//! (SQLite to PostgreSQL and back), through the typed row models.
//!
//! The target is migrated first and must hold no data (only the rows the migrations
//! themselves write, the zeroed `counters`). Everything is written in one transaction on the
//! target, parents before children, ids kept (the numbered audit trail and job runs too;
//! PostgreSQL's sequences are then moved past them). The account search index is derived
//! data: the target's triggers and `before_commit` rebuild it in the same transaction. The
//! row count of every copied table is compared before the transaction commits; a difference
//! rolls everything back.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;

use super::models::{
    Account, AccountNote, ApiKey, AuditEntry, Complaint, Contact, Counter, Customer, Cycle,
    ImportBatch, Job, JobRun, Lock, Meter, MeterRead, MeterRegister, Premise, RateScheduleVersion,
    RefreshToken, SdcCharge, Service, ServiceOrder, Session, ThrottleRow, User, Vendor,
    WinterAverage,
};
use super::schema;
use super::{run_migrations, write_on, DbConnection, DbError, DbTarget, WriteTx};

/// Rows per INSERT: well under both backends' limits on bound parameters.
const CHUNK: usize = 200;

/// One copied table: rows in the source, rows in the target after the copy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableCopy {
    pub table: &'static str,
    pub source: i64,
    pub target: i64,
}

#[derive(Debug, thiserror::Error)]
pub enum CopyError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Query(#[from] diesel::result::Error),
    #[error("the target database is not empty: {0} has rows. Copy into a new, empty database")]
    TargetNotEmpty(&'static str),
    #[error("source and target are the same database")]
    SameDatabase,
    #[error("row counts differ after the copy ({0}); nothing was written")]
    CountMismatch(String),
}

/// Copies one table: load every row of the source with the model, insert in chunks.
macro_rules! copy_table {
    ($src:expr, $tx:expr, $out:expr, $table:ident, $model:ty) => {{
        let rows: Vec<$model> = schema::$table::table
            .select(<$model>::as_select())
            .load($src)?;
        for chunk in rows.chunks(CHUNK) {
            crate::per_backend!($tx.db(), |c| diesel::insert_into(schema::$table::table)
                .values(chunk)
                .execute(c))?;
        }
        $out.push((
            stringify!($table),
            i64::try_from(rows.len()).unwrap_or(i64::MAX),
        ));
    }};
}

/// Runs `$then!` with the copied tables, parents before children (the foreign keys' order).
/// `counters` is last among the plain tables: the migrations write its rows, so the copy
/// replaces them.
macro_rules! tables {
    ($then:ident) => {
        $then! {
            cycles => Cycle,
            customers => Customer,
            premises => Premise,
            accounts => Account,
            users => User,
            sessions => Session,
            refresh_tokens => RefreshToken,
            api_keys => ApiKey,
            sign_in_throttle => ThrottleRow,
            jobs => Job,
            job_runs => JobRun,
            locks => Lock,
            meters => Meter,
            meter_registers => MeterRegister,
            meter_reads => MeterRead,
            services => Service,
            service_orders => ServiceOrder,
            account_notes => AccountNote,
            contacts => Contact,
            complaints => Complaint,
            vendors => Vendor,
            sdc_charges => SdcCharge,
            winter_averages => WinterAverage,
            import_batches => ImportBatch,
            rate_schedules => RateScheduleVersion,
            audit_log => AuditEntry,
        }
    };
}

macro_rules! define_copy {
    ($($table:ident => $model:ty),* $(,)?) => {
        /// The copied tables, in copy order (and `counters`).
        pub const TABLES: &[&str] = &[$(stringify!($table)),*, "counters"];

        fn first_nonempty(c: &mut DbConnection) -> QueryResult<Option<&'static str>> {
            $(
                let n: i64 = schema::$table::table.count().get_result(c)?;
                if n > 0 {
                    return Ok(Some(stringify!($table)));
                }
            )*
            Ok(None)
        }

        fn counts(c: &mut DbConnection) -> QueryResult<Vec<(&'static str, i64)>> {
            Ok(vec![
                $( (stringify!($table), schema::$table::table.count().get_result(c)?), )*
                ("counters", schema::counters::table.count().get_result(c)?),
            ])
        }

        fn copy_rows(
            src: &mut DbConnection,
            tx: &mut WriteTx<'_>,
        ) -> QueryResult<Vec<(&'static str, i64)>> {
            let mut out = Vec::new();
            $( copy_table!(src, tx, out, $table, $model); )*
            diesel::delete(schema::counters::table).execute(tx.db())?;
            copy_table!(src, tx, out, counters, Counter);
            Ok(out)
        }
    };
}

tables!(define_copy);

/// Copies every table of `from` into `to` (migrated here first; it must be empty).
pub fn copy_database(from: &DbTarget, to: &DbTarget) -> Result<Vec<TableCopy>, CopyError> {
    if from == to {
        return Err(CopyError::SameDatabase);
    }
    let mut src = from.connect()?;
    // The models are those of the current schema: bring the source up to it too, as every
    // start of the server would.
    run_migrations(&mut src)?;
    let mut dst = to.connect()?;
    run_migrations(&mut dst)?;
    if let Some(table) = first_nonempty(&mut dst)? {
        return Err(CopyError::TargetNotEmpty(table));
    }
    // One snapshot of the source, one transaction on the target.
    src.transaction(|src| {
        write_on(&mut dst, |tx| -> Result<Vec<TableCopy>, CopyError> {
            let source_counts = copy_rows(src, tx)?;
            if let DbConnection::Postgres(_) = tx.db() {
                // Explicit ids do not move a BIGSERIAL's sequence: move it past them.
                tx.db().batch_execute(
                    "SELECT setval(pg_get_serial_sequence('audit_log', 'id'), \
                         COALESCE((SELECT MAX(id) FROM audit_log), 1), \
                         (SELECT MAX(id) FROM audit_log) IS NOT NULL); \
                     SELECT setval(pg_get_serial_sequence('job_runs', 'id'), \
                         COALESCE((SELECT MAX(id) FROM job_runs), 1), \
                         (SELECT MAX(id) FROM job_runs) IS NOT NULL);",
                )?;
            }
            let target_counts = counts(tx)?;
            let copies: Vec<TableCopy> = source_counts
                .iter()
                .map(|(table, n)| TableCopy {
                    table,
                    source: *n,
                    target: target_counts
                        .iter()
                        .find(|(t, _)| t == table)
                        .map(|(_, m)| *m)
                        .unwrap_or(-1),
                })
                .collect();
            // The source's own counts, read in the same snapshot, must agree as well.
            let src_counts = counts(src)?;
            let wrong: Vec<String> = copies
                .iter()
                .filter(|c| {
                    c.source != c.target
                        || src_counts
                            .iter()
                            .any(|(t, n)| *t == c.table && *n != c.source)
                })
                .map(|c| format!("{}: {} -> {}", c.table, c.source, c.target))
                .collect();
            if !wrong.is_empty() {
                return Err(CopyError::CountMismatch(wrong.join(", ")));
            }
            Ok(copies)
        })
    })
}
