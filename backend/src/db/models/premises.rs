use chrono::NaiveDateTime;
use cistern_shared::dto::PremiseDto;
use cistern_shared::premises::{PremiseInput, PremiseSummaryDto};
use diesel::prelude::*;

use crate::db::schema::premises;

/// A row of `premises`. The cycle is stored by id; the API names it by code, so converting to
/// and from the DTOs takes the code (or id) alongside.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = premises, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
#[diesel(treat_none_as_null = true)]
pub struct Premise {
    pub id: String,
    pub service_address: String,
    pub parcel: Option<String>,
    pub inside_city: bool,
    pub cycle_id: String,
    pub route: String,
    pub read_sequence: i32,
    #[diesel(skip_update)]
    pub created_at: NaiveDateTime,
    pub dwelling_units: i32,
    pub notes: Option<String>,
    pub updated_at: Option<NaiveDateTime>,
}

impl Premise {
    pub fn new(id: String, input: &PremiseInput, cycle_id: String, at: NaiveDateTime) -> Premise {
        let mut p = Premise {
            id,
            service_address: String::new(),
            parcel: None,
            inside_city: true,
            cycle_id: String::new(),
            route: String::new(),
            read_sequence: 0,
            created_at: at,
            dwelling_units: 1,
            notes: None,
            updated_at: None,
        };
        p.assign(input, cycle_id);
        p
    }

    /// Takes every field the API edits from `input` (the service address trimmed); the cycle
    /// is the id of `input.cycle_code`.
    pub fn assign(&mut self, input: &PremiseInput, cycle_id: String) {
        self.service_address = input.service_address.trim().to_owned();
        self.parcel = input.parcel.clone();
        self.inside_city = input.inside_city;
        self.cycle_id = cycle_id;
        self.route = input.route.clone();
        self.read_sequence = input.read_sequence;
        self.dwelling_units = input.dwelling_units;
        self.notes = input.notes.clone();
    }

    /// The API's view of the editable fields, with the cycle by code.
    pub fn input(&self, cycle_code: String) -> PremiseInput {
        PremiseInput {
            service_address: self.service_address.clone(),
            parcel: self.parcel.clone(),
            inside_city: self.inside_city,
            cycle_code,
            route: self.route.clone(),
            read_sequence: self.read_sequence,
            dwelling_units: self.dwelling_units,
            notes: self.notes.clone(),
        }
    }

    /// The premise in a list.
    pub fn into_summary(
        self,
        cycle_code: String,
        meters_installed: i64,
        current_account_number: Option<String>,
    ) -> PremiseSummaryDto {
        PremiseSummaryDto {
            id: self.id,
            service_address: self.service_address,
            parcel: self.parcel,
            inside_city: self.inside_city,
            cycle_code,
            meters_installed,
            current_account_number,
        }
    }
}

impl From<Premise> for PremiseDto {
    fn from(p: Premise) -> PremiseDto {
        PremiseDto {
            id: p.id,
            service_address: p.service_address,
            parcel: p.parcel,
            inside_city: p.inside_city,
        }
    }
}
