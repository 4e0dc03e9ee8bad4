//! Domain rules as plain functions over a database connection. Handlers call these; these
//! never see HTTP.

pub mod accounts;
pub mod audit;
pub mod complaints;
pub mod contacts;
pub mod customers;
pub mod import;
pub mod jobs;
pub mod meters;
pub mod notes;
pub mod orders;
pub mod premises;
pub mod rates;
pub mod sdcs;
pub mod search;
pub mod services;
pub mod sheets;
pub mod users;
pub mod vendors;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use crate::db::models::Counter;
use crate::db::schema::{counters, users as users_table};
use crate::db::{DbConnection, WriteTx};
use crate::error::ApiResult;

/// Clamps a 1-based page number and a page size (1..=200, default 50).
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

/// The next number of a named sequence (service orders, complaints), inside the caller's
/// transaction: the UPDATE locks the counter row until commit.
pub fn next_number(tx: &mut WriteTx<'_>, name: &str) -> ApiResult<i64> {
    let n = diesel::update(counters::table.find(name))
        .set(counters::value.eq(counters::value + 1))
        .execute(tx.db())?;
    if n == 0 {
        diesel::insert_into(counters::table)
            .values(Counter {
                name: name.to_owned(),
                value: 1,
            })
            .execute(tx.db())?;
    }
    Ok(counters::table
        .find(name)
        .select(counters::value)
        .first(tx.db())?)
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
