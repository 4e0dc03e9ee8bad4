use chrono::{NaiveDate, NaiveDateTime};
use cistern_shared::rates_api::RateStatus;
use diesel::prelude::*;

use crate::db::schema::rate_schedules;

/// One version of one rate book (see `domain::rates`). The document is kept exactly as sent.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = rate_schedules, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct RateScheduleVersion {
    pub id: String,
    pub book_id: String,
    pub version: i32,
    pub title: String,
    pub effective_date: NaiveDate,
    pub status: RateStatus,
    pub document: String,
    pub created_by: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_by: Option<String>,
    pub updated_at: NaiveDateTime,
    pub approved_by: Option<String>,
    pub approved_at: Option<NaiveDateTime>,
    pub retired_by: Option<String>,
    pub retired_at: Option<NaiveDateTime>,
}
