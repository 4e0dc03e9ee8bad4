use chrono::{NaiveDate, NaiveDateTime};
use cistern_shared::meters::{
    MeterDto, MeterInput, MeterKind, MeterReadDto, MeterStatus, MeterUnit, RegisterDto,
};
use diesel::prelude::*;

use crate::db::schema::meters;

/// A row of `meters` (the one definition: the domain and the conversion import both use it).
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = meters, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
#[diesel(treat_none_as_null = true)]
pub struct Meter {
    pub id: String,
    pub serial: String,
    pub size: String,
    pub kind: MeterKind,
    pub unit: MeterUnit,
    pub manufacturer: Option<String>,
    pub model: Option<String>,
    pub endpoint_serial: Option<String>,
    pub status: MeterStatus,
    pub premise_id: Option<String>,
    pub installed_on: Option<NaiveDate>,
    pub removed_on: Option<NaiveDate>,
    #[diesel(skip_update)]
    pub created_at: NaiveDateTime,
    pub updated_at: Option<NaiveDateTime>,
}

impl Meter {
    /// A meter received into stock; `serial` is already normalised (trimmed, upper case).
    pub fn in_stock(id: String, serial: String, input: &MeterInput, at: NaiveDateTime) -> Meter {
        Meter {
            id,
            serial,
            size: input.size.trim().to_owned(),
            kind: input.kind,
            unit: input.unit,
            manufacturer: input.manufacturer.clone(),
            model: input.model.clone(),
            endpoint_serial: input.endpoint_serial.clone(),
            status: MeterStatus::InStock,
            premise_id: None,
            installed_on: None,
            removed_on: None,
            created_at: at,
            updated_at: None,
        }
    }

    /// The API's view, with the meter's registers and recent reads.
    pub fn into_dto(
        self,
        registers: Vec<RegisterDto>,
        recent_reads: Vec<MeterReadDto>,
    ) -> MeterDto {
        MeterDto {
            id: self.id,
            serial: self.serial,
            size: self.size,
            kind: self.kind,
            unit: self.unit,
            manufacturer: self.manufacturer,
            model: self.model,
            endpoint_serial: self.endpoint_serial,
            status: self.status,
            premise_id: self.premise_id,
            installed_on: self.installed_on,
            removed_on: self.removed_on,
            registers,
            recent_reads,
        }
    }
}
