//! Background jobs and named locks, both kept in the database so that several server
//! instances on one PostgreSQL never run the same job twice or hold the same lock at once.
//!
//! A job is claimed by a conditional UPDATE (`... WHERE status = 'pending'`): the database
//! lets exactly one instance's update match. A claim carries a lease; a job whose instance
//! died is claimed again when its lease runs out.
//!
//! Each step is its own function over the caller's transaction; the job runner
//! (`startup::run_due_jobs`) strings them together, one transaction per step, so a claim is
//! visible to the other instances before the job runs.

use chrono::{Duration, NaiveDateTime};
use cistern_shared::dto::{JobDto, JobStatus};
use cistern_shared::FieldCode;
use diesel::prelude::*;

use crate::db::models::job_runs::NewJobRun;
use crate::db::models::jobs::Job;
use crate::db::models::locks::Lock;
use crate::db::schema::{job_runs, jobs, locks, sessions};
use crate::db::{is_unique_violation, now, DbConnection, WriteTx};
use crate::domain::audit::{self, Actor, Change};
use crate::domain::new_id;
use crate::error::{ApiError, ApiResult};

/// The kinds of job this build knows how to run.
pub const PURGE_SESSIONS: &str = "maintenance.purge_sessions";
pub const KINDS: &[&str] = &[PURGE_SESSIONS];

const LEASE_SECS: i64 = 300;

pub fn get(conn: &mut DbConnection, id: &str) -> ApiResult<JobDto> {
    let row: Option<Job> = jobs::table
        .find(id)
        .select(Job::as_select())
        .first(conn)
        .optional()?;
    row.map(JobDto::from).ok_or_else(ApiError::not_found)
}

pub fn list(conn: &mut DbConnection, limit: i64) -> ApiResult<Vec<JobDto>> {
    let rows: Vec<Job> = jobs::table
        .select(Job::as_select())
        .order(jobs::created_at.desc())
        .limit(limit)
        .load(conn)?;
    Ok(rows.into_iter().map(JobDto::from).collect())
}

/// Queues a job to run as soon as an instance is free. With a `unique_key`, queuing the same
/// key twice (say, from two instances' schedulers) leaves one job: `Ok(None)` the second time.
pub fn enqueue(
    tx: &mut WriteTx<'_>,
    actor: &Actor,
    kind: &str,
    run_at: NaiveDateTime,
    unique_key: Option<&str>,
) -> ApiResult<Option<String>> {
    if !KINDS.contains(&kind) {
        return Err(ApiError::field(
            "kind",
            FieldCode::Unknown,
            format!("unknown job kind; known: {}", KINDS.join(", ")),
        ));
    }
    let row = Job {
        id: new_id(),
        kind: kind.to_owned(),
        status: JobStatus::Pending,
        run_at,
        attempts: 0,
        claimed_by: None,
        lease_until: None,
        finished_at: None,
        result: None,
        unique_key: unique_key.map(str::to_owned),
        created_at: now(),
    };
    // A savepoint, so a duplicate key leaves the caller's transaction usable (PostgreSQL
    // aborts the whole transaction on an error otherwise).
    let inserted = tx
        .db()
        .transaction(|c| diesel::insert_into(jobs::table).values(&row).execute(c));
    match inserted {
        Ok(_) => {}
        Err(e) if is_unique_violation(&e) => return Ok(None),
        Err(e) => return Err(e.into()),
    }
    audit::record(
        tx,
        actor,
        Change {
            action: "job.enqueue",
            entity_type: "job",
            entity_id: &row.id,
            before: None,
            after: Some(serde_json::json!({ "kind": kind, "unique_key": unique_key })),
            reason: None,
        },
    )?;
    Ok(Some(row.id))
}

/// A job some instance may claim: due and pending, or running on a lease that ran out.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = jobs, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct DueJob {
    pub id: String,
    pub kind: String,
}

/// Up to eight jobs due at `t`, oldest first.
pub fn due(c: &mut DbConnection, t: NaiveDateTime) -> ApiResult<Vec<DueJob>> {
    Ok(jobs::table
        .filter(
            jobs::status
                .eq(JobStatus::Pending)
                .and(jobs::run_at.le(t))
                .or(jobs::status
                    .eq(JobStatus::Running)
                    .and(jobs::lease_until.lt(t))),
        )
        .select(DueJob::as_select())
        .order(jobs::run_at.asc())
        .limit(8)
        .load(c)?)
}

/// Tries to claim a due job for `instance`: true when this instance won it. Exactly one
/// instance wins any given job.
pub fn claim(tx: &mut WriteTx<'_>, id: &str, instance: &str, t: NaiveDateTime) -> ApiResult<bool> {
    let n = diesel::update(
        jobs::table.find(id).filter(
            jobs::status.eq(JobStatus::Pending).or(jobs::status
                .eq(JobStatus::Running)
                .and(jobs::lease_until.lt(t))),
        ),
    )
    .set((
        jobs::status.eq(JobStatus::Running),
        jobs::claimed_by.eq(instance),
        jobs::lease_until.eq(t + Duration::seconds(LEASE_SECS)),
        jobs::attempts.eq(jobs::attempts + 1),
    ))
    .execute(tx.db())?;
    Ok(n == 1)
}

/// Does the work of a claimed job of `kind`; answers what it did, for the job's result.
pub fn run(tx: &mut WriteTx<'_>, kind: &str) -> ApiResult<String> {
    match kind {
        PURGE_SESSIONS => purge_sessions(tx),
        other => Err(ApiError::internal(format!(
            "no runner for job kind {other}"
        ))),
    }
}

/// Records how a claimed job's run ended (if `instance` still holds it).
pub fn finish(
    tx: &mut WriteTx<'_>,
    id: &str,
    instance: &str,
    started: NaiveDateTime,
    status: JobStatus,
    result: &str,
) -> ApiResult<()> {
    let finished = now();
    diesel::insert_into(job_runs::table)
        .values(NewJobRun {
            job_id: id,
            instance,
            started_at: started,
            finished_at: Some(finished),
            outcome: Some(result),
        })
        .execute(tx.db())?;
    diesel::update(jobs::table.find(id).filter(jobs::claimed_by.eq(instance)))
        .set((
            jobs::status.eq(status),
            jobs::finished_at.eq(Some(finished)),
            jobs::result.eq(Some(result)),
            jobs::lease_until.eq(None::<NaiveDateTime>),
        ))
        .execute(tx.db())?;
    Ok(())
}

/// Removes sessions and sign-in attempts that can no longer matter.
fn purge_sessions(tx: &mut WriteTx<'_>) -> ApiResult<String> {
    let cutoff = now() - Duration::days(1);
    let s =
        diesel::delete(sessions::table.filter(sessions::expires_at.lt(cutoff))).execute(tx.db())?;
    let a = crate::domain::throttle::purge(tx, cutoff)?;
    Ok(format!(
        "purged {s} sessions and {a} sign-in throttle counters"
    ))
}

/// Every instance's scheduler calls this; the unique key makes the hourly job exist once.
pub fn schedule_recurring(tx: &mut WriteTx<'_>) -> ApiResult<()> {
    let t = now();
    let key = format!("{PURGE_SESSIONS}@{}", t.format("%Y-%m-%dT%H"));
    enqueue(
        tx,
        &Actor::system("scheduler"),
        PURGE_SESSIONS,
        t,
        Some(&key),
    )?;
    Ok(())
}

pub fn runs_of(conn: &mut DbConnection, job_id: &str) -> ApiResult<Vec<String>> {
    Ok(job_runs::table
        .filter(job_runs::job_id.eq(job_id))
        .select(job_runs::instance)
        .load(conn)?)
}

// ---------------------------------------------------------------- named locks

/// Takes the lock `name` for `holder` for `ttl`, unless another holder has it and its time
/// has not run out. For jobs such as billing runs that must not run twice at once.
pub fn try_lock(tx: &mut WriteTx<'_>, name: &str, holder: &str, ttl: Duration) -> ApiResult<bool> {
    let t = now();
    let lock = Lock {
        name: name.to_owned(),
        holder: holder.to_owned(),
        acquired_at: t,
        expires_at: t + ttl,
    };
    // A savepoint, so a lock held already leaves the transaction usable for the takeover.
    let inserted = tx
        .db()
        .transaction(|c| diesel::insert_into(locks::table).values(&lock).execute(c));
    match inserted {
        Ok(_) => return Ok(true),
        Err(e) if is_unique_violation(&e) => {}
        Err(e) => return Err(e.into()),
    }
    // Held already: take it over only if it expired (or we hold it: renew).
    let n = diesel::update(
        locks::table
            .find(name)
            .filter(locks::expires_at.lt(t).or(locks::holder.eq(holder))),
    )
    .set(&lock)
    .execute(tx.db())?;
    Ok(n == 1)
}

pub fn unlock(tx: &mut WriteTx<'_>, name: &str, holder: &str) -> ApiResult<bool> {
    let n = diesel::delete(locks::table.find(name).filter(locks::holder.eq(holder)))
        .execute(tx.db())?;
    Ok(n == 1)
}
