use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::locks;

/// A named lock held by one holder until it expires (see `domain::jobs::try_lock`).
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = locks, primary_key(name), check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct Lock {
    pub name: String,
    pub holder: String,
    pub acquired_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
}
