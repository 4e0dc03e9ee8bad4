use chrono::NaiveDateTime;
use cistern_shared::dto::{JobDto, JobStatus};
use diesel::prelude::*;

use super::utc;
use crate::db::schema::jobs;

/// A background job (see `domain::jobs`).
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = jobs, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct Job {
    pub id: String,
    pub kind: String,
    pub status: JobStatus,
    pub run_at: NaiveDateTime,
    pub attempts: i32,
    pub claimed_by: Option<String>,
    pub lease_until: Option<NaiveDateTime>,
    pub finished_at: Option<NaiveDateTime>,
    pub result: Option<String>,
    /// Queuing the same key twice leaves one job.
    pub unique_key: Option<String>,
    pub created_at: NaiveDateTime,
}

impl From<Job> for JobDto {
    fn from(r: Job) -> JobDto {
        JobDto {
            id: r.id,
            kind: r.kind,
            status: r.status,
            run_at: utc(r.run_at),
            attempts: r.attempts,
            claimed_by: r.claimed_by,
            finished_at: r.finished_at.map(utc),
            result: r.result,
        }
    }
}
