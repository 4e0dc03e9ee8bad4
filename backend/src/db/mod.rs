//! One code base over SQLite (embedded, the default) and PostgreSQL (production, several
//! server instances). Queries are written once against [`DbConnection`], diesel's
//! `MultiConnection` over both backends.

pub mod addresses;
pub mod copy;
pub mod models;
pub mod schema;
pub mod search_sql;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::prelude::*;
use diesel::sqlite::SqliteConnection;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations/sqlite");
pub const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations/postgres");

#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Postgres(PgConnection),
    Sqlite(SqliteConnection),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("unsupported DATABASE_URL (use sqlite://PATH or postgres://...)")]
    UnsupportedUrl,
    #[error(transparent)]
    Connection(#[from] diesel::ConnectionError),
    #[error(transparent)]
    Query(#[from] diesel::result::Error),
    #[error(transparent)]
    Pool(#[from] r2d2::Error),
    #[error("migration failed: {0}")]
    Migration(String),
    #[error("i/o: {0}")]
    Io(#[from] std::io::Error),
}

/// Where a `DATABASE_URL` points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DbTarget {
    /// A file path (or `:memory:`).
    Sqlite(String),
    Postgres(String),
}

impl DbTarget {
    pub fn parse(url: &str) -> Result<DbTarget, DbError> {
        if let Some(rest) = url.strip_prefix("sqlite://") {
            if rest.is_empty() {
                return Err(DbError::UnsupportedUrl);
            }
            Ok(DbTarget::Sqlite(rest.to_owned()))
        } else if let Some(rest) = url.strip_prefix("sqlite:") {
            if rest.is_empty() {
                return Err(DbError::UnsupportedUrl);
            }
            Ok(DbTarget::Sqlite(rest.to_owned()))
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(DbTarget::Postgres(url.to_owned()))
        } else {
            Err(DbError::UnsupportedUrl)
        }
    }

    pub fn backend(&self) -> Backend {
        match self {
            DbTarget::Sqlite(_) => Backend::Sqlite,
            DbTarget::Postgres(_) => Backend::Postgres,
        }
    }

    /// Opens one connection, with SQLite's per-connection settings applied.
    pub fn connect(&self) -> Result<DbConnection, DbError> {
        match self {
            DbTarget::Sqlite(path) => {
                if path != ":memory:" {
                    if let Some(dir) = std::path::Path::new(path).parent() {
                        if !dir.as_os_str().is_empty() {
                            create_private_dir(dir)?;
                        }
                    }
                    create_private_file(std::path::Path::new(path))?;
                }
                let mut c = SqliteConnection::establish(path)?;
                // WAL lets readers go on while one writer writes; busy_timeout makes a writer
                // wait for the lock instead of failing; SQLite does not enforce foreign keys
                // unless asked, per connection.
                c.batch_execute(
                    "PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL; \
                     PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;",
                )?;
                Ok(DbConnection::Sqlite(c))
            }
            DbTarget::Postgres(url) => {
                let mut c = PgConnection::establish(url)?;
                c.batch_execute("SET TIME ZONE 'UTC'")?;
                Ok(DbConnection::Postgres(c))
            }
        }
    }
}

pub struct Manager {
    target: DbTarget,
}

impl r2d2::ManageConnection for Manager {
    type Connection = DbConnection;
    type Error = DbError;

    fn connect(&self) -> Result<DbConnection, DbError> {
        self.target.connect()
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), DbError> {
        conn.batch_execute("SELECT 1").map_err(DbError::from)
    }

    fn has_broken(&self, _conn: &mut DbConnection) -> bool {
        false
    }
}

pub type PooledConn = r2d2::PooledConnection<Manager>;

/// The connection pool plus what the domain needs to know about the backend.
#[derive(Clone)]
pub struct DbPool {
    pool: r2d2::Pool<Manager>,
    backend: Backend,
    /// SQLite allows one writer at a time. Serialising write transactions inside the process
    /// means they queue here instead of racing for the file lock, so a write never fails with
    /// "database is locked" (and a read-then-write transaction cannot hit SQLITE_BUSY_SNAPSHOT).
    /// PostgreSQL needs no such lock.
    sqlite_writer: Arc<Mutex<()>>,
}

impl DbPool {
    pub fn new(database_url: &str, max_size: u32) -> Result<DbPool, DbError> {
        let target = DbTarget::parse(database_url)?;
        let backend = target.backend();
        let max_size = match (&target, max_size) {
            (DbTarget::Sqlite(p), _) if p == ":memory:" => 1,
            (_, n) => n.max(1),
        };
        let pool = r2d2::Pool::builder()
            .max_size(max_size)
            .connection_timeout(Duration::from_secs(15))
            .build(Manager { target })?;
        Ok(DbPool {
            pool,
            backend,
            sqlite_writer: Arc::new(Mutex::new(())),
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn get(&self) -> Result<PooledConn, DbError> {
        Ok(self.pool.get()?)
    }

    /// Runs `f` in one write transaction: all of it commits or none of it does. Only here is
    /// a [`WriteTx`] made, so a function that changes data (it takes `&mut WriteTx`) cannot be
    /// called from a read transaction: that does not compile.
    pub fn write<T, E>(&self, f: impl FnOnce(&mut WriteTx<'_>) -> Result<T, E>) -> Result<T, E>
    where
        E: From<diesel::result::Error> + From<DbError>,
    {
        let mut pooled = self.get()?;
        let conn: &mut DbConnection = &mut pooled;
        let _guard = match self.backend {
            Backend::Sqlite => Some(self.sqlite_writer.lock().unwrap_or_else(|p| p.into_inner())),
            Backend::Postgres => None,
        };
        write_on(conn, f)
    }

    /// Runs `f` in a read transaction (a consistent snapshot on both backends). On PostgreSQL
    /// the transaction is also `READ ONLY`, so a write that slipped past the types fails there.
    pub fn read<T, E>(&self, f: impl FnOnce(&mut ReadTx<'_>) -> Result<T, E>) -> Result<T, E>
    where
        E: From<diesel::result::Error> + From<DbError>,
    {
        let mut pooled = self.get()?;
        let conn: &mut DbConnection = &mut pooled;
        conn.transaction(|c| {
            if matches!(c, DbConnection::Postgres(_)) {
                c.batch_execute("SET TRANSACTION READ ONLY")?;
            }
            f(&mut ReadTx { conn: c })
        })
    }
}

/// Runs `f` in one write transaction on a connection the caller holds (a bench or a tool with
/// one connection); servers use [`DbPool::write`], which also queues SQLite writers.
pub fn write_on<T, E>(
    conn: &mut DbConnection,
    f: impl FnOnce(&mut WriteTx<'_>) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    conn.transaction(|c| {
        let mut tx = WriteTx { conn: c };
        let out = f(&mut tx)?;
        before_commit(&mut tx)?;
        Ok(out)
    })
}

/// A write transaction, open until [`DbPool::write`]'s closure returns. Functions that change
/// data take `&mut WriteTx`; functions that only read take `&mut DbConnection`, which both
/// transaction kinds dereference to. Diesel's query methods want the connection itself:
/// `.execute(tx.db())`.
pub struct WriteTx<'a> {
    conn: &'a mut DbConnection,
}

/// A read transaction, open until [`DbPool::read`]'s closure returns.
pub struct ReadTx<'a> {
    conn: &'a mut DbConnection,
}

impl<'a> WriteTx<'a> {
    pub fn db(&mut self) -> &mut DbConnection {
        self.conn
    }

    /// A unit test's own connection, as if in a write transaction (tests only).
    #[cfg(test)]
    pub(crate) fn in_test(conn: &'a mut DbConnection) -> WriteTx<'a> {
        WriteTx { conn }
    }

    pub fn backend(&self) -> Backend {
        match self.conn {
            DbConnection::Sqlite(_) => Backend::Sqlite,
            DbConnection::Postgres(_) => Backend::Postgres,
        }
    }
}

impl ReadTx<'_> {
    pub fn db(&mut self) -> &mut DbConnection {
        self.conn
    }
}

impl std::ops::Deref for WriteTx<'_> {
    type Target = DbConnection;
    fn deref(&self) -> &DbConnection {
        self.conn
    }
}

impl std::ops::DerefMut for WriteTx<'_> {
    fn deref_mut(&mut self) -> &mut DbConnection {
        self.conn
    }
}

impl std::ops::Deref for ReadTx<'_> {
    type Target = DbConnection;
    fn deref(&self) -> &DbConnection {
        self.conn
    }
}

impl std::ops::DerefMut for ReadTx<'_> {
    fn deref_mut(&mut self) -> &mut DbConnection {
        self.conn
    }
}

/// Work every write transaction does last, before it commits: derived data is brought up to
/// date here, so no caller has to remember it. Triggers note what changed (see the
/// `search_pending` migration); this re-indexes those accounts.
fn before_commit(tx: &mut WriteTx<'_>) -> Result<(), diesel::result::Error> {
    crate::domain::search::refresh_pending(tx)?;
    Ok(())
}

/// Applies every pending migration of the connection's backend, then splits the addresses
/// stored before addresses had parts ([`addresses::backfill`]; idempotent). The split never
/// fails the migration: a database error there is logged and the rows stay as they were.
pub fn run_migrations(conn: &mut DbConnection) -> Result<usize, DbError> {
    let applied = match conn {
        DbConnection::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS).map(|v| v.len()),
        DbConnection::Postgres(c) => c
            .run_pending_migrations(POSTGRES_MIGRATIONS)
            .map(|v| v.len()),
    };
    let applied = applied.map_err(|e| DbError::Migration(e.to_string()))?;
    match write_on(conn, addresses::backfill) {
        Ok(done) if done == addresses::Backfill::default() => {}
        Ok(done) => tracing::info!(
            customers_split = done.customers_split,
            customers_unsplit = done.customers_unsplit,
            premises_split = done.premises_split,
            premises_unsplit = done.premises_unsplit,
            "split stored addresses into parts"
        ),
        Err(e) => tracing::warn!(error = %e, "could not split stored addresses into parts"),
    }
    Ok(applied)
}

/// Reverts every migration (used by the up-down-up test and `cistern migrate --reset`).
pub fn revert_all_migrations(conn: &mut DbConnection) -> Result<usize, DbError> {
    let reverted = match conn {
        DbConnection::Sqlite(c) => c.revert_all_migrations(SQLITE_MIGRATIONS).map(|v| v.len()),
        DbConnection::Postgres(c) => c
            .revert_all_migrations(POSTGRES_MIGRATIONS)
            .map(|v| v.len()),
    };
    reverted.map_err(|e| DbError::Migration(e.to_string()))
}

/// True when no migration of this binary is pending on the database.
pub fn migrations_current(conn: &mut DbConnection) -> Result<bool, DbError> {
    let pending = match conn {
        DbConnection::Sqlite(c) => c.has_pending_migration(SQLITE_MIGRATIONS),
        DbConnection::Postgres(c) => c.has_pending_migration(POSTGRES_MIGRATIONS),
    };
    pending
        .map(|p| !p)
        .map_err(|e| DbError::Migration(e.to_string()))
}

/// Runs `$body` with `$c` bound to the concrete connection inside a [`DbConnection`]. For the
/// few statements diesel cannot build for both backends at once (multi-row INSERTs): the same
/// code is compiled once per backend.
#[macro_export]
macro_rules! per_backend {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::db::DbConnection::Sqlite($c) => $body,
            $crate::db::DbConnection::Postgres($c) => $body,
        }
    };
}

/// Creates `dir` (and missing parents) readable by the owner only (0700 on Unix): it holds
/// the database and the development secret. An existing folder is left as it is.
pub fn create_private_dir(dir: &std::path::Path) -> std::io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(dir)
}

/// Creates the SQLite file empty and owner-only (0600 on Unix) before SQLite opens it, so it
/// is never readable by others, not even for a moment (SQLite gives its `-wal` and `-shm`
/// files the database file's permissions). An existing file is left as it is.
fn create_private_file(path: &std::path::Path) -> std::io::Result<()> {
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    match o.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

/// True when `e` is a unique-constraint violation (the same on both backends).
pub fn is_unique_violation(e: &diesel::result::Error) -> bool {
    matches!(
        e,
        diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)
    )
}

/// True when `e` is a violation of one named unique rule, so a workflow can answer with that
/// rule's own error code (any other unique violation stays the unnamed 409 `conflict`).
/// PostgreSQL names the index or constraint (`index`); SQLite's message names an expression
/// index (`index 'users_username_lower'`) but only the columns of any other
/// (`UNIQUE constraint failed: meters.serial`), so `sqlite_columns` gives those, exactly as
/// SQLite lists them.
pub fn violates_unique(e: &diesel::result::Error, index: &str, sqlite_columns: &str) -> bool {
    let diesel::result::Error::DatabaseError(
        diesel::result::DatabaseErrorKind::UniqueViolation,
        info,
    ) = e
    else {
        return false;
    };
    if info.constraint_name() == Some(index) {
        return true;
    }
    let message = info.message();
    message.contains(&format!("index '{index}'"))
        || (!sqlite_columns.is_empty()
            && message.strip_prefix("UNIQUE constraint failed: ") == Some(sqlite_columns))
}

/// Now, in UTC, truncated to microseconds: PostgreSQL keeps no finer, and both backends must
/// give back exactly what was stored.
pub fn now() -> chrono::NaiveDateTime {
    let n = chrono::Utc::now().naive_utc();
    let micros = n.and_utc().timestamp_micros();
    chrono::DateTime::from_timestamp_micros(micros)
        .map(|d| d.naive_utc())
        .unwrap_or(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_parsed_by_scheme() {
        assert_eq!(
            DbTarget::parse("sqlite://./data/cistern.db").ok(),
            Some(DbTarget::Sqlite("./data/cistern.db".into()))
        );
        assert_eq!(
            DbTarget::parse("sqlite:///var/lib/c.db").ok(),
            Some(DbTarget::Sqlite("/var/lib/c.db".into()))
        );
        assert!(matches!(
            DbTarget::parse("postgres://u@h/db"),
            Ok(DbTarget::Postgres(_))
        ));
        assert!(DbTarget::parse("mysql://x").is_err());
        assert!(DbTarget::parse("sqlite://").is_err());
    }
}
