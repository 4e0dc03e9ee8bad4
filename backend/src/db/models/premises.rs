use chrono::NaiveDateTime;
use cistern_shared::address::Address;
use cistern_shared::dto::PremiseDto;
use cistern_shared::premises::{PremiseInput, PremiseSummaryDto};
use diesel::prelude::*;

use crate::db::schema::premises;

/// A row of `premises`. The cycle is stored by id; the API names it by code, so converting to
/// and from the DTOs takes the code (or id) alongside.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = premises, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
#[diesel(treat_none_as_null = true, treat_none_as_default_value = false)]
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
    #[diesel(embed)]
    pub service: ServiceAddress,
}

/// The service address's parts (`premises.house_number` ... `zip4`). All `None`: not split
/// (a row from before addresses had parts whose text did not read as an address).
#[derive(Debug, Clone, Default, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = premises, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
#[diesel(treat_none_as_null = true, treat_none_as_default_value = false)]
pub struct ServiceAddress {
    pub house_number: Option<String>,
    pub pre_direction: Option<String>,
    pub street: Option<String>,
    pub suffix: Option<String>,
    pub post_direction: Option<String>,
    pub unit: Option<String>,
    pub city: Option<String>,
    pub state: Option<String>,
    pub zip: Option<String>,
    pub zip4: Option<String>,
}

impl From<&Address> for ServiceAddress {
    /// The US parts (a service address is never foreign: the API refuses one).
    fn from(a: &Address) -> ServiceAddress {
        let [house_number, pre_direction, street, suffix, post_direction, unit, city, state, zip, zip4] =
            super::address_parts(a);
        ServiceAddress {
            house_number,
            pre_direction,
            street,
            suffix,
            post_direction,
            unit,
            city,
            state,
            zip,
            zip4,
        }
    }
}

impl ServiceAddress {
    /// The address, or `None` when the row's address is not split.
    pub fn address(&self) -> Option<Address> {
        let a = Address {
            house_number: self.house_number.clone(),
            pre_direction: self.pre_direction.clone(),
            street: self.street.clone().unwrap_or_default(),
            suffix: self.suffix.clone(),
            post_direction: self.post_direction.clone(),
            unit: self.unit.clone(),
            city: self.city.clone(),
            state: self.state.clone(),
            zip: self.zip.clone(),
            zip4: self.zip4.clone(),
            foreign: None,
        };
        (!a.is_empty()).then_some(a)
    }
}

impl Premise {
    /// A new premise from the API's input, with the service address it gives
    /// ([`PremiseInput::service`], resolved by the caller so its error reaches the client).
    pub fn new(
        id: String,
        input: &PremiseInput,
        service: &Address,
        cycle_id: String,
        at: NaiveDateTime,
    ) -> Premise {
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
            service: ServiceAddress::default(),
        };
        p.assign(input, service, cycle_id);
        p
    }

    /// Takes every field the API edits from `input`, and the service address it gives (in
    /// parts and as its display form); the cycle is the id of `input.cycle_code`.
    pub fn assign(&mut self, input: &PremiseInput, service: &Address, cycle_id: String) {
        self.set_service(service);
        self.parcel = input.parcel.clone();
        self.inside_city = input.inside_city;
        self.cycle_id = cycle_id;
        self.route = input.route.clone();
        self.read_sequence = input.read_sequence;
        self.dwelling_units = input.dwelling_units;
        self.notes = input.notes.clone();
    }

    /// The service address as text: split into parts when it reads as a US address (then
    /// the text is the address's display form), kept as given otherwise.
    pub fn set_service_address(&mut self, text: &str) {
        match Address::parse(text) {
            Ok(a) if !a.is_foreign() => self.set_service(&a),
            _ => {
                self.service_address = text.to_owned();
                self.service = ServiceAddress::default();
            }
        }
    }

    /// The service address in parts, and its display form.
    pub fn set_service(&mut self, a: &Address) {
        self.service_address = a.one_line();
        self.service = ServiceAddress::from(a);
    }

    /// The API's view of the editable fields, with the cycle by code.
    pub fn input(&self, cycle_code: String) -> PremiseInput {
        PremiseInput {
            service_address: self.service_address.clone(),
            service_address_parts: self.service.address(),
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
            service_address_parts: p.service.address(),
            service_address: p.service_address,
            parcel: p.parcel,
            inside_city: p.inside_city,
        }
    }
}
