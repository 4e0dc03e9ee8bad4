use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::job_runs;

/// One run of a job by one server instance.
/// `Insertable` with its number only to copy a database whole (`db::copy`).
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = job_runs, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct JobRun {
    pub id: i64,
    pub job_id: String,
    pub instance: String,
    pub started_at: NaiveDateTime,
    pub finished_at: Option<NaiveDateTime>,
    pub outcome: Option<String>,
}

/// A new run; the database numbers it.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = job_runs, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct NewJobRun<'a> {
    pub job_id: &'a str,
    pub instance: &'a str,
    pub started_at: NaiveDateTime,
    pub finished_at: Option<NaiveDateTime>,
    pub outcome: Option<&'a str>,
}
