//! Row models: one typed struct per table, as diesel reads and writes it, with its
//! conversions to and from the shared DTOs. Enum columns are the shared enums, so a value the
//! code does not know fails to load instead of turning into a default.
//!
//! A table whose key the database assigns (`BIGINT` identity) has a second, insert-only struct
//! without the key (`New...`).

pub mod api_keys;
pub mod audit_log;
mod enums;
pub mod job_runs;
pub mod jobs;
pub mod locks;
pub mod login_attempts;
pub mod rate_schedules;
pub mod service_orders;
pub mod sessions;
pub mod users;

pub use api_keys::ApiKey;
pub use audit_log::{AuditEntry, NewAuditEntry};
pub use job_runs::{JobRun, NewJobRun};
pub use jobs::Job;
pub use locks::Lock;
pub use login_attempts::{LoginAttempt, NewLoginAttempt};
pub use rate_schedules::RateScheduleVersion;
pub use service_orders::{ServiceOrder, ServiceOrderView};
pub use sessions::Session;
pub use users::User;

use chrono::{DateTime, NaiveDateTime, Utc};

/// A stored timestamp (always UTC) as the API shows it.
pub fn utc(t: NaiveDateTime) -> DateTime<Utc> {
    DateTime::<Utc>::from_naive_utc_and_offset(t, Utc)
}

#[cfg(test)]
mod tests {
    use diesel::connection::SimpleConnection;
    use diesel::prelude::*;

    use super::*;
    use crate::db::schema::{jobs, users};
    use crate::db::DbPool;

    fn pool() -> (tempfile::TempDir, DbPool) {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("models.db").display());
        let pool = DbPool::new(&url, 1).unwrap();
        crate::db::run_migrations(&mut pool.get().unwrap()).unwrap();
        (dir, pool)
    }

    /// A value no code path writes (here past the CHECK constraints, as an old database or a
    /// hand edit could hold it) fails to load, naming the type and the value; it never turns
    /// into a default.
    #[test]
    fn an_unknown_enum_value_in_the_database_is_an_error() {
        let (_dir, pool) = pool();
        let mut c = pool.get().unwrap();
        c.batch_execute(
            "PRAGMA ignore_check_constraints = ON; \
             INSERT INTO users (id, username, display_name, role, active, locale, created_at, updated_at) \
             VALUES ('u1', 'a', 'A', 'root', TRUE, 'en', '2026-01-01 00:00:00', '2026-01-01 00:00:00'), \
                    ('u2', 'b', 'B', 'clerk', TRUE, 'fr', '2026-01-01 00:00:00', '2026-01-01 00:00:00'), \
                    ('u3', 'c', 'C', 'clerk', TRUE, 'es', '2026-01-01 00:00:00', '2026-01-01 00:00:00'); \
             INSERT INTO jobs (id, kind, status, run_at, attempts, created_at) \
             VALUES ('j1', 'maintenance.purge_sessions', 'paused', '2026-01-01 00:00:00', 0, '2026-01-01 00:00:00');",
        )
        .unwrap();
        let user = |c: &mut crate::db::DbConnection, id: &str| {
            users::table.find(id).select(User::as_select()).first(c)
        };
        let e = user(&mut c, "u1").unwrap_err();
        let e = format!("{e:?}");
        assert!(e.contains("unknown Role `root`"), "{e}");
        let e = user(&mut c, "u2").unwrap_err();
        let e = format!("{e:?}");
        assert!(e.contains("unknown Locale `fr`"), "{e}");
        assert_eq!(
            user(&mut c, "u3").unwrap().locale,
            cistern_shared::dto::Locale::Es
        );
        let e = jobs::table
            .find("j1")
            .select(Job::as_select())
            .first(&mut c)
            .unwrap_err();
        let e = format!("{e:?}");
        assert!(e.contains("unknown JobStatus `paused`"), "{e}");
    }
}
