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
