//! Password-guessing throttle for sign-in and password change.
//!
//! Every password check first **reserves a place** in a database row, in a write transaction
//! that locks the row (PostgreSQL: the UPDATE's row lock, held to commit; SQLite: the one
//! writer), and only an attempt that got a place runs Argon2. So the limit holds however many
//! requests arrive at once and on however many server instances share the database; the rest
//! are refused (429 with `Retry-After`) without hashing.
//!
//! Two keys per attempt, both of which must have room:
//! - `ua:<username>|<address>`: one username from one client address, `max_per_user_address`
//!   checks per window. Keyed by address too, so that guessing from one place does not lock
//!   the owner out everywhere else.
//! - `a:<address>`: every username from one client address, `max_per_address` checks per
//!   window (password spraying).
//!
//! A successful check gives its place back on the address key at once. On the username key,
//! successes are given back only once nothing is in flight and nothing has failed in the
//! window (routine sign-ins, even several at once, never lock anyone out); after a failure the
//! places stay used, so a burst of guesses with the right password among them never checks
//! more than the limit. The window is fixed: it starts with the first attempt.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::db::models::ThrottleRow;
use crate::db::schema::sign_in_throttle;
use crate::db::{now, DbConnection, WriteTx};
use crate::domain::audit::{self, Actor, Change};
use crate::error::ApiResult;

/// The limits, from configuration.
#[derive(Debug, Clone, Copy)]
pub struct ThrottlePolicy {
    pub window_secs: i64,
    pub max_per_user_address: i64,
    pub max_per_address: i64,
}

/// Who is trying: the username as typed and the client address (see `auth::client_address`).
#[derive(Debug, Clone)]
pub struct Attempt<'a> {
    pub username: &'a str,
    pub address: &'a str,
    pub request_id: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    Address,
    UserAddress,
}

impl Scope {
    fn as_str(self) -> &'static str {
        match self {
            Scope::Address => "address",
            Scope::UserAddress => "username_and_address",
        }
    }
}

/// A place reserved for one password check, to settle after it.
#[derive(Debug, Clone)]
pub struct Ticket {
    places: Vec<(String, Scope, NaiveDateTime)>,
}

#[derive(Debug, Clone)]
pub enum Reservation {
    Granted(Ticket),
    /// No place: answer 429 without checking the password.
    Refused {
        retry_after_secs: i64,
    },
}

/// Usernames are compared without case here, so `Clerk` and `clerk` share one budget.
fn keys(attempt: &Attempt<'_>) -> Vec<(String, Scope)> {
    let user = attempt.username.trim().to_lowercase();
    // Sorted by key ("a:" < "ua:"), so concurrent transactions lock rows in one order.
    vec![
        (format!("a:{}", attempt.address), Scope::Address),
        (format!("ua:{user}|{}", attempt.address), Scope::UserAddress),
    ]
}

fn lock_row(tx: &mut WriteTx<'_>, key: &str, t: NaiveDateTime) -> QueryResult<ThrottleRow> {
    let fresh = ThrottleRow {
        key: key.to_owned(),
        window_start: t,
        attempts: 0,
        in_flight: 0,
        failures: 0,
        refused: 0,
    };
    match tx.db() {
        DbConnection::Sqlite(c) => diesel::insert_or_ignore_into(sign_in_throttle::table)
            .values(&fresh)
            .execute(c)?,
        DbConnection::Postgres(c) => diesel::insert_into(sign_in_throttle::table)
            .values(&fresh)
            .on_conflict_do_nothing()
            .execute(c)?,
    };
    // An UPDATE takes the row lock (PostgreSQL), so the read below and the write after it are
    // not interleaved with another instance's reservation.
    diesel::update(sign_in_throttle::table.find(key))
        .set(sign_in_throttle::attempts.eq(sign_in_throttle::attempts))
        .execute(tx.db())?;
    sign_in_throttle::table
        .find(key)
        .select(ThrottleRow::as_select())
        .first(tx.db())
}

fn store(tx: &mut WriteTx<'_>, row: &ThrottleRow) -> QueryResult<()> {
    diesel::update(sign_in_throttle::table.find(&row.key))
        .set((
            sign_in_throttle::window_start.eq(row.window_start),
            sign_in_throttle::attempts.eq(row.attempts),
            sign_in_throttle::in_flight.eq(row.in_flight),
            sign_in_throttle::failures.eq(row.failures),
            sign_in_throttle::refused.eq(row.refused),
        ))
        .execute(tx.db())
        .map(|_| ())
}

/// Reserves a place for one password check, or answers how long to wait. A refusal that
/// starts a lock-out (the first refusal of a key's window) is written to the audit trail.
pub fn reserve(
    tx: &mut WriteTx<'_>,
    policy: &ThrottlePolicy,
    attempt: &Attempt<'_>,
) -> ApiResult<Reservation> {
    let t = now();
    let window = Duration::seconds(policy.window_secs.max(1));
    let mut rows = Vec::new();
    for (key, scope) in keys(attempt) {
        let mut row = lock_row(tx, &key, t)?;
        if row.window_start + window <= t {
            row.window_start = t;
            row.attempts = 0;
            row.in_flight = 0;
            row.failures = 0;
            row.refused = 0;
        }
        let max = match scope {
            Scope::Address => policy.max_per_address,
            Scope::UserAddress => policy.max_per_user_address,
        };
        rows.push((row, scope, max));
    }
    let full: Vec<usize> = (0..rows.len())
        .filter(|i| rows[*i].0.attempts >= rows[*i].2)
        .collect();
    if full.is_empty() {
        let mut places = Vec::new();
        for (row, scope, _) in &mut rows {
            row.attempts += 1;
            row.in_flight += 1;
            store(tx, row)?;
            places.push((row.key.clone(), *scope, row.window_start));
        }
        return Ok(Reservation::Granted(Ticket { places }));
    }
    let mut retry_after_secs = 1;
    for (i, (row, scope, max)) in rows.iter_mut().enumerate() {
        if full.contains(&i) {
            row.refused += 1;
            let until = row.window_start + window;
            retry_after_secs = retry_after_secs.max((until - t).num_seconds() + 1);
            if row.refused == 1 {
                audit::record(
                    tx,
                    &actor(attempt),
                    Change {
                        action: "auth.sign_in_locked",
                        entity_type: "sign_in",
                        entity_id: &row.key,
                        before: None,
                        after: Some(serde_json::json!({
                            "scope": scope.as_str(),
                            "username": attempt.username.trim(),
                            "address": attempt.address,
                            "attempts": row.attempts,
                            "limit": max,
                            "until": crate::db::models::utc(until),
                        })),
                        reason: Some("too many password checks in the window"),
                    },
                )?;
            }
        }
        store(tx, row)?;
    }
    Ok(Reservation::Refused {
        retry_after_secs: retry_after_secs.min(policy.window_secs.max(1)),
    })
}

/// Settles a successful check: on the address key its place is given back (a success is not
/// a guess); on the username key the window's places are all given back once nothing else is
/// in flight and nothing failed.
pub fn settle_success(tx: &mut WriteTx<'_>, ticket: &Ticket) -> ApiResult<()> {
    for (key, scope, window_start) in &ticket.places {
        let row = || {
            sign_in_throttle::table
                .find(key)
                .filter(sign_in_throttle::window_start.eq(window_start))
        };
        diesel::update(row().filter(sign_in_throttle::in_flight.gt(0)))
            .set(sign_in_throttle::in_flight.eq(sign_in_throttle::in_flight - 1))
            .execute(tx.db())?;
        match scope {
            Scope::Address => diesel::update(row().filter(sign_in_throttle::attempts.gt(0)))
                .set(sign_in_throttle::attempts.eq(sign_in_throttle::attempts - 1))
                .execute(tx.db())?,
            Scope::UserAddress => diesel::update(
                row()
                    .filter(sign_in_throttle::in_flight.eq(0))
                    .filter(sign_in_throttle::failures.eq(0)),
            )
            .set(sign_in_throttle::attempts.eq(0))
            .execute(tx.db())?,
        };
    }
    Ok(())
}

/// Settles a failed password check (its place stays used) and records it in the audit trail.
pub fn settle_failure(
    tx: &mut WriteTx<'_>,
    ticket: &Ticket,
    attempt: &Attempt<'_>,
    action: &str,
    user_id: Option<&str>,
    why: &str,
) -> ApiResult<()> {
    for (key, _, window_start) in &ticket.places {
        let row = || {
            sign_in_throttle::table
                .find(key)
                .filter(sign_in_throttle::window_start.eq(window_start))
        };
        diesel::update(row().filter(sign_in_throttle::in_flight.gt(0)))
            .set(sign_in_throttle::in_flight.eq(sign_in_throttle::in_flight - 1))
            .execute(tx.db())?;
        diesel::update(row())
            .set(sign_in_throttle::failures.eq(sign_in_throttle::failures + 1))
            .execute(tx.db())?;
    }
    let entity = attempt.username.trim().to_lowercase();
    audit::record(
        tx,
        &actor(attempt),
        Change {
            action,
            entity_type: "sign_in",
            entity_id: &entity,
            before: None,
            after: Some(serde_json::json!({
                "address": attempt.address,
                "user_id": user_id,
                "why": why,
            })),
            reason: None,
        },
    )?;
    Ok(())
}

fn actor(attempt: &Attempt<'_>) -> Actor {
    Actor {
        request_id: attempt.request_id.clone(),
        ..Actor::system("auth")
    }
}

/// Forgets counters whose window ended before `cutoff` (the hourly purge job).
pub fn purge(tx: &mut WriteTx<'_>, cutoff: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(sign_in_throttle::table.filter(sign_in_throttle::window_start.lt(cutoff)))
        .execute(tx.db())
}

/// The counters of a key (tests and diagnostics).
pub fn counters(c: &mut DbConnection, key: &str) -> QueryResult<Option<ThrottleRow>> {
    sign_in_throttle::table
        .find(key)
        .select(ThrottleRow::as_select())
        .first(c)
        .optional()
}
