use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::login_attempts;

/// One sign-in attempt, counted to slow down password guessing.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = login_attempts, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct LoginAttempt {
    pub id: i64,
    pub username: String,
    pub at: NaiveDateTime,
    pub succeeded: bool,
}

/// A new attempt; the database numbers it.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = login_attempts, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct NewLoginAttempt<'a> {
    pub username: &'a str,
    pub at: NaiveDateTime,
    pub succeeded: bool,
}
