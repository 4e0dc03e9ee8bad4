use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::sign_in_throttle;

/// One throttling key's counters for its current window (see `domain::throttle`).
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = sign_in_throttle, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct ThrottleRow {
    pub key: String,
    pub window_start: NaiveDateTime,
    /// Places reserved in the window: password checks that ran (or are running).
    pub attempts: i64,
    /// Reserved checks not yet settled.
    pub in_flight: i64,
    /// Checks that failed in the window.
    pub failures: i64,
    /// Attempts refused in the window.
    pub refused: i64,
}
