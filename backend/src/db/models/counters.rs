use diesel::prelude::*;

use crate::db::schema::counters;

/// A row of `counters`: the last number handed out of a named sequence (service orders,
/// complaints).
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = counters, primary_key(name))]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct Counter {
    pub name: String,
    pub value: i64,
}
