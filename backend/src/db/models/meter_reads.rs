use chrono::{NaiveDate, NaiveDateTime};
use cistern_shared::meters::{MeterReadDto, RegisterCode};
use diesel::prelude::*;

use crate::db::schema::meter_reads;

/// A row of `meter_reads`: one reading of one register.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = meter_reads, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct MeterRead {
    pub id: String,
    pub meter_id: String,
    pub register_code: RegisterCode,
    pub premise_id: Option<String>,
    pub account_id: Option<String>,
    pub read_on: NaiveDate,
    pub reading: i64,
    /// initial, regular, final, reread, estimated, change_out_final, change_out_initial, conversion
    pub kind: String,
    pub source: String,
    pub service_order_id: Option<String>,
    pub note: Option<String>,
    pub created_by: Option<String>,
    pub created_at: NaiveDateTime,
}

impl From<MeterRead> for MeterReadDto {
    fn from(r: MeterRead) -> MeterReadDto {
        MeterReadDto {
            id: r.id,
            register: r.register_code,
            read_on: r.read_on,
            reading: r.reading,
            kind: r.kind,
            source: r.source,
            note: r.note,
        }
    }
}
