//! Domain rules as plain functions over a database connection. Handlers call these; these
//! never see HTTP.

pub mod accounts;
pub mod audit;
pub mod complaints;
pub mod consumption;
pub mod contacts;
pub mod customers;
pub mod cycles;
pub mod import;
pub mod jobs;
pub mod meters;
pub mod moves;
pub mod notes;
pub mod orders;
pub mod premises;
pub mod rates;
pub mod sdcs;
pub mod search;
pub mod services;
pub mod sheets;
pub mod throttle;
pub mod users;
pub mod vendors;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use crate::db::models::Counter;
use crate::db::schema::{counters, users as users_table};
use crate::db::{DbConnection, WriteTx};
use crate::error::ApiResult;

/// Clamps a 1-based page number and a page size (1..=200, default 50).
/// An address a request gives that is not one: a 422 on the field at fault, with the
/// address's field code.
pub fn address_error(e: cistern_shared::address::AddressFieldError) -> crate::error::ApiError {
    use cistern_shared::address::AddressError;
    let message = match e.error {
        AddressError::Empty => "is required",
        AddressError::NoStreet => "has no street",
        AddressError::BadZip => "is not a ZIP code (five digits, ZIP+4 four more)",
        AddressError::BadState => "is not a two-letter state code",
        AddressError::BadDirection => "is not a direction (N, S, E, W, NE, NW, SE, SW)",
        AddressError::Length => "is too short or too long",
        AddressError::Foreign => "cannot be an address outside the United States here",
    };
    crate::error::ApiError::field(&e.field, e.error.code(), message)
}

pub fn paging(page: Option<i64>, per_page: Option<i64>) -> (i64, i64) {
    let per_page = per_page.unwrap_or(50).clamp(1, 200);
    let page = page.unwrap_or(1).clamp(1, 1_000_000);
    (page, per_page)
}

/// A new primary key: a UUIDv7, so keys sort by creation time.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// A stored timestamp (naive, in UTC) as the API shows it.
pub fn utc(t: NaiveDateTime) -> DateTime<Utc> {
    t.and_utc()
}

/// The next number of a named sequence (accounts, service orders, complaints), inside the
/// caller's transaction. The UPDATE takes the counter row's lock (PostgreSQL; SQLite's writer
/// lock does the same), held to commit, so concurrent transactions take turns and never get
/// one number twice. A sequence without its row yet gets one by an insert that ignores a
/// concurrent twin (never a read-then-insert, which two transactions could both pass).
pub fn next_number(tx: &mut WriteTx<'_>, name: &str) -> ApiResult<i64> {
    let bump = |tx: &mut WriteTx<'_>| {
        diesel::update(counters::table.find(name))
            .set(counters::value.eq(counters::value + 1))
            .execute(tx.db())
    };
    if bump(tx)? == 0 {
        let fresh = Counter {
            name: name.to_owned(),
            value: 0,
        };
        crate::per_backend!(tx.db(), |c| diesel::insert_into(counters::table)
            .values(&fresh)
            .on_conflict_do_nothing()
            .execute(c))?;
        bump(tx)?;
    }
    Ok(counters::table
        .find(name)
        .select(counters::value)
        .first(tx.db())?)
}

/// Takes the premise row's lock until the transaction ends, so that workflows holding a
/// premise to a rule ("one open account") take turns on PostgreSQL: the second one's check
/// runs after the first one committed, and sees its row. SQLite's writers are serialised
/// already (`DbPool::write`).
pub fn lock_premise(tx: &mut WriteTx<'_>, premise_id: &str) -> ApiResult<Option<String>> {
    use crate::db::schema::premises;
    let found = match tx.db() {
        DbConnection::Postgres(pg) => premises::table
            .find(premise_id)
            .select(premises::id)
            .for_update()
            .first(pg)
            .optional()?,
        DbConnection::Sqlite(c) => premises::table
            .find(premise_id)
            .select(premises::id)
            .first(c)
            .optional()?,
    };
    Ok(found)
}

/// The display name of a user (who wrote a note, who took a call), when there is one.
pub fn user_name(c: &mut DbConnection, id: Option<&str>) -> QueryResult<Option<String>> {
    match id {
        None => Ok(None),
        Some(id) => users_table::table
            .find(id)
            .select(users_table::display_name)
            .first(c)
            .optional(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn paging_is_clamped() {
        assert_eq!(super::paging(None, None), (1, 50));
        assert_eq!(super::paging(Some(0), Some(10_000)), (1, 200));
        assert_eq!(super::paging(Some(-5), Some(0)), (1, 1));
        assert_eq!(super::paging(Some(3), Some(20)), (3, 20));
    }
}

#[cfg(test)]
mod transaction_rule {
    /// The transaction rule, checked on the source: a domain function that writes (INSERT,
    /// UPDATE, DELETE) takes a `WriteTx`, never a bare connection, so it cannot be called from a
    /// read transaction. The compiler enforces the rest: only `DbPool::write` makes a `WriteTx`.
    #[test]
    fn writing_functions_take_a_write_transaction() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/domain");
        let mut files = Vec::new();
        let mut stack = vec![dir];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap().flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.extension().is_some_and(|x| x == "rs") {
                    files.push(p);
                }
            }
        }
        let writes = [
            "diesel::insert_into(",
            "diesel::insert_or_ignore_into(",
            "diesel::update(",
            "diesel::delete(",
            "diesel::replace_into(",
        ];
        let mut offenders = Vec::new();
        for f in files {
            let text = std::fs::read_to_string(&f).unwrap();
            // Test modules may set up rows however they like.
            let text = text.split("#[cfg(test)]").next().unwrap_or("");
            let mut starts: Vec<usize> = text
                .match_indices("fn ")
                .map(|(i, _)| i)
                .filter(|&i| i == 0 || text[..i].ends_with(' ') || text[..i].ends_with('\n'))
                .collect();
            starts.push(text.len());
            for w in starts.windows(2) {
                let item = &text[w[0]..w[1]];
                let Some(sig_end) = item.find('{') else {
                    continue;
                };
                let sig = &item[..sig_end];
                let takes_bare = sig.contains("&mut DbConnection");
                if takes_bare && writes.iter().any(|s| item.contains(s)) {
                    let name = sig.split('(').next().unwrap_or(sig).trim().to_owned();
                    offenders.push(format!("{}: {name}", f.display()));
                }
            }
        }
        assert!(
            offenders.is_empty(),
            "these write but take a bare connection (take `tx: &mut WriteTx<'_>`): {offenders:#?}"
        );
    }
}
