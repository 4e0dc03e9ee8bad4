use chrono::NaiveDateTime;
use cistern_shared::vendors::{VendorDto, VendorInput};
use diesel::prelude::*;

use crate::db::schema::vendors;

/// A row of `vendors`. The columns the API edits are written in one place, [`Vendor::assign`].
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = vendors, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
#[diesel(treat_none_as_null = true)]
pub struct Vendor {
    pub id: String,
    pub name: String,
    pub category: String,
    pub contact_name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub notes: Option<String>,
    pub active: bool,
    #[diesel(skip_update)]
    pub created_at: NaiveDateTime,
    pub updated_at: Option<NaiveDateTime>,
}

impl Vendor {
    pub fn new(id: String, input: &VendorInput, at: NaiveDateTime) -> Vendor {
        let mut v = Vendor {
            id,
            name: String::new(),
            category: String::new(),
            contact_name: None,
            phone: None,
            email: None,
            notes: None,
            active: true,
            created_at: at,
            updated_at: None,
        };
        v.assign(input);
        v
    }

    /// Takes every field the API edits from `input` (name and category trimmed).
    pub fn assign(&mut self, input: &VendorInput) {
        self.name = input.name.trim().to_owned();
        self.category = input.category.trim().to_owned();
        self.contact_name = input.contact_name.clone();
        self.phone = input.phone.clone();
        self.email = input.email.clone();
        self.notes = input.notes.clone();
        self.active = input.active;
    }
}

impl From<Vendor> for VendorDto {
    fn from(v: Vendor) -> VendorDto {
        VendorDto {
            id: v.id,
            name: v.name,
            category: v.category,
            contact_name: v.contact_name,
            phone: v.phone,
            email: v.email,
            notes: v.notes,
            active: v.active,
        }
    }
}
