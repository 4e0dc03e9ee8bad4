use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::winter_averages;

/// A row of `winter_averages`: a premise's average winter consumption for one season, the
/// base of its sewer charge. `average_ccf` is an exact decimal as text.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = winter_averages, primary_key(premise_id, season), check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct WinterAverage {
    pub premise_id: String,
    pub season: String,
    pub average_ccf: String,
    pub source: String,
    pub created_at: NaiveDateTime,
}
