//! Background jobs and named locks, both kept in the database so that several server
//! instances on one PostgreSQL never run the same job twice or hold the same lock at once.
//!
//! A job is claimed by a conditional UPDATE (`... WHERE status = 'pending'`): the database
//! lets exactly one instance's update match. A claim carries a lease; a job whose instance
//! died is claimed again when its lease runs out.

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use cistern_shared::dto::{JobDto, JobStatus};
use diesel::prelude::*;

use crate::db::schema::{job_runs, jobs, locks, login_attempts, sessions};
use crate::db::{is_unique_violation, now, DbConnection, DbPool};
use crate::domain::audit::{self, Actor, Change};
use crate::domain::new_id;
use crate::error::{ApiError, ApiResult};

/// The kinds of job this build knows how to run.
pub const PURGE_SESSIONS: &str = "maintenance.purge_sessions";
pub const KINDS: &[&str] = &[PURGE_SESSIONS];

const LEASE_SECS: i64 = 300;

fn status_of(s: &str) -> JobStatus {
    match s {
        "running" => JobStatus::Running,
        "done" => JobStatus::Done,
        "failed" => JobStatus::Failed,
        _ => JobStatus::Pending,
    }
}

fn utc(t: NaiveDateTime) -> DateTime<Utc> {
    DateTime::<Utc>::from_naive_utc_and_offset(t, Utc)
}

type JobRow = (
    String,
    String,
    String,
    NaiveDateTime,
    i32,
    Option<String>,
    Option<NaiveDateTime>,
    Option<String>,
);

fn to_dto(r: JobRow) -> JobDto {
    JobDto {
        id: r.0,
        kind: r.1,
        status: status_of(&r.2),
        run_at: utc(r.3),
        attempts: r.4,
        claimed_by: r.5,
        finished_at: r.6.map(utc),
        result: r.7,
    }
}

pub fn get(conn: &mut DbConnection, id: &str) -> ApiResult<JobDto> {
    let row: Option<JobRow> = jobs::table
        .find(id)
        .select((
            jobs::id,
            jobs::kind,
            jobs::status,
            jobs::run_at,
            jobs::attempts,
            jobs::claimed_by,
            jobs::finished_at,
            jobs::result,
        ))
        .first(conn)
        .optional()?;
    row.map(to_dto).ok_or_else(ApiError::not_found)
}

pub fn list(conn: &mut DbConnection, limit: i64) -> ApiResult<Vec<JobDto>> {
    let rows: Vec<JobRow> = jobs::table
        .select((
            jobs::id,
            jobs::kind,
            jobs::status,
            jobs::run_at,
            jobs::attempts,
            jobs::claimed_by,
            jobs::finished_at,
            jobs::result,
        ))
        .order(jobs::created_at.desc())
        .limit(limit)
        .load(conn)?;
    Ok(rows.into_iter().map(to_dto).collect())
}

/// Queues a job to run as soon as an instance is free. With a `unique_key`, queuing the same
/// key twice (say, from two instances' schedulers) leaves one job: `Ok(None)` the second time.
pub fn enqueue(
    conn: &mut DbConnection,
    actor: &Actor,
    kind: &str,
    run_at: NaiveDateTime,
    unique_key: Option<&str>,
) -> ApiResult<Option<String>> {
    if !KINDS.contains(&kind) {
        return Err(ApiError::field(
            "kind",
            "unknown",
            format!("unknown job kind; known: {}", KINDS.join(", ")),
        ));
    }
    let id = new_id();
    // A savepoint, so a duplicate key leaves the caller's transaction usable (PostgreSQL
    // aborts the whole transaction on an error otherwise).
    let inserted = conn.transaction(|c| {
        diesel::insert_into(jobs::table)
            .values((
                jobs::id.eq(&id),
                jobs::kind.eq(kind),
                jobs::status.eq("pending"),
                jobs::run_at.eq(run_at),
                jobs::attempts.eq(0),
                jobs::unique_key.eq(unique_key),
                jobs::created_at.eq(now()),
            ))
            .execute(c)
    });
    match inserted {
        Ok(_) => {}
        Err(e) if is_unique_violation(&e) => return Ok(None),
        Err(e) => return Err(e.into()),
    }
    audit::record(
        conn,
        actor,
        Change {
            action: "job.enqueue",
            entity_type: "job",
            entity_id: &id,
            before: None,
            after: Some(serde_json::json!({ "kind": kind, "unique_key": unique_key })),
            reason: None,
        },
    )?;
    Ok(Some(id))
}

/// Tries to claim one due job for `instance`. Exactly one instance wins any given job.
pub fn claim_next(pool: &DbPool, instance: &str) -> ApiResult<Option<(String, String)>> {
    let t = now();
    let candidates: Vec<(String, String)> = pool.read(|c| -> ApiResult<_> {
        Ok(jobs::table
            .filter(
                jobs::status
                    .eq("pending")
                    .and(jobs::run_at.le(t))
                    .or(jobs::status.eq("running").and(jobs::lease_until.lt(t))),
            )
            .select((jobs::id, jobs::kind))
            .order(jobs::run_at.asc())
            .limit(8)
            .load(c.db())?)
    })?;
    for (id, kind) in candidates {
        let won = pool.write(|c| -> ApiResult<bool> {
            let n = diesel::update(
                jobs::table.find(&id).filter(
                    jobs::status
                        .eq("pending")
                        .or(jobs::status.eq("running").and(jobs::lease_until.lt(t))),
                ),
            )
            .set((
                jobs::status.eq("running"),
                jobs::claimed_by.eq(instance),
                jobs::lease_until.eq(t + Duration::seconds(LEASE_SECS)),
                jobs::attempts.eq(jobs::attempts + 1),
            ))
            .execute(c.db())?;
            Ok(n == 1)
        })?;
        if won {
            return Ok(Some((id, kind)));
        }
    }
    Ok(None)
}

/// Claims and runs due jobs until none is left; answers how many it ran.
pub fn run_due(pool: &DbPool, instance: &str) -> ApiResult<usize> {
    let mut ran = 0;
    while let Some((id, kind)) = claim_next(pool, instance)? {
        run_claimed(pool, instance, &id, &kind)?;
        ran += 1;
    }
    Ok(ran)
}

fn run_claimed(pool: &DbPool, instance: &str, id: &str, kind: &str) -> ApiResult<()> {
    let started = now();
    let outcome = match kind {
        PURGE_SESSIONS => purge_sessions(pool),
        other => Err(ApiError::internal(format!(
            "no runner for job kind {other}"
        ))),
    };
    let (status, result) = match &outcome {
        Ok(text) => ("done", text.clone()),
        Err(e) => ("failed", e.to_string()),
    };
    tracing::info!(job = id, kind, status, result = %result, "job finished");
    pool.write(|c| -> ApiResult<()> {
        let finished = now();
        diesel::insert_into(job_runs::table)
            .values((
                job_runs::job_id.eq(id),
                job_runs::instance.eq(instance),
                job_runs::started_at.eq(started),
                job_runs::finished_at.eq(Some(finished)),
                job_runs::outcome.eq(Some(&result)),
            ))
            .execute(c.db())?;
        diesel::update(jobs::table.find(id).filter(jobs::claimed_by.eq(instance)))
            .set((
                jobs::status.eq(status),
                jobs::finished_at.eq(Some(finished)),
                jobs::result.eq(Some(&result)),
                jobs::lease_until.eq(None::<NaiveDateTime>),
            ))
            .execute(c.db())?;
        Ok(())
    })
}

/// Removes sessions and sign-in attempts that can no longer matter.
fn purge_sessions(pool: &DbPool) -> ApiResult<String> {
    pool.write(|c| -> ApiResult<String> {
        let cutoff = now() - Duration::days(1);
        let s = diesel::delete(sessions::table.filter(sessions::expires_at.lt(cutoff)))
            .execute(c.db())?;
        let a = diesel::delete(login_attempts::table.filter(login_attempts::at.lt(cutoff)))
            .execute(c.db())?;
        Ok(format!("purged {s} sessions and {a} sign-in attempts"))
    })
}

/// Every instance's scheduler calls this; the unique key makes the hourly job exist once.
pub fn schedule_recurring(pool: &DbPool) -> ApiResult<()> {
    let t = now();
    let key = format!("{PURGE_SESSIONS}@{}", t.format("%Y-%m-%dT%H"));
    pool.write(|c| {
        enqueue(
            c,
            &Actor::system("scheduler"),
            PURGE_SESSIONS,
            t,
            Some(&key),
        )
    })?;
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
pub fn try_lock(pool: &DbPool, name: &str, holder: &str, ttl: Duration) -> ApiResult<bool> {
    let t = now();
    let inserted = pool.write(|c| -> ApiResult<bool> {
        let r = c.transaction(|c| {
            diesel::insert_into(locks::table)
                .values((
                    locks::name.eq(name),
                    locks::holder.eq(holder),
                    locks::acquired_at.eq(t),
                    locks::expires_at.eq(t + ttl),
                ))
                .execute(c)
        });
        match r {
            Ok(_) => Ok(true),
            Err(e) if is_unique_violation(&e) => Ok(false),
            Err(e) => Err(e.into()),
        }
    })?;
    if inserted {
        return Ok(true);
    }
    // Held already: take it over only if it expired (or we hold it: renew).
    pool.write(|c| -> ApiResult<bool> {
        let n = diesel::update(
            locks::table
                .find(name)
                .filter(locks::expires_at.lt(t).or(locks::holder.eq(holder))),
        )
        .set((
            locks::holder.eq(holder),
            locks::acquired_at.eq(t),
            locks::expires_at.eq(t + ttl),
        ))
        .execute(c.db())?;
        Ok(n == 1)
    })
}

pub fn unlock(pool: &DbPool, name: &str, holder: &str) -> ApiResult<bool> {
    pool.write(|c| -> ApiResult<bool> {
        let n = diesel::delete(locks::table.find(name).filter(locks::holder.eq(holder)))
            .execute(c.db())?;
        Ok(n == 1)
    })
}
