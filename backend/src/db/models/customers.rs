use chrono::NaiveDateTime;
use cistern_shared::contacts::ContactDto;
use cistern_shared::customers::{CustomerDetailDto, CustomerInput};
use cistern_shared::dto::{AccountSummaryDto, CustomerDto, Locale};
use diesel::prelude::*;

use crate::db::schema::customers;

/// A row of `customers`. The columns the API edits are written in one place, [`Customer::assign`],
/// for both create and update.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = customers, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
#[diesel(treat_none_as_null = true)]
pub struct Customer {
    pub id: String,
    pub name: String,
    pub is_organisation: bool,
    pub mailing_address: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub preferred_locale: Locale,
    #[diesel(skip_update)]
    pub created_at: NaiveDateTime,
    pub phone_alt: Option<String>,
    pub notify_email: bool,
    pub notify_text: bool,
    pub notify_mail: bool,
    pub updated_at: Option<NaiveDateTime>,
}

impl Customer {
    /// A new customer from the API's input.
    pub fn new(id: String, input: &CustomerInput, at: NaiveDateTime) -> Customer {
        let mut c = Customer {
            id,
            name: String::new(),
            is_organisation: false,
            mailing_address: String::new(),
            phone: None,
            email: None,
            preferred_locale: Locale::default(),
            created_at: at,
            phone_alt: None,
            notify_email: false,
            notify_text: false,
            notify_mail: true,
            updated_at: None,
        };
        c.assign(input);
        c
    }

    /// Takes every field the API edits from `input` (name and mailing address trimmed).
    pub fn assign(&mut self, input: &CustomerInput) {
        self.name = input.name.trim().to_owned();
        self.is_organisation = input.is_organisation;
        self.mailing_address = input.mailing_address.trim().to_owned();
        self.phone = input.phone.clone();
        self.phone_alt = input.phone_alt.clone();
        self.email = input.email.clone();
        self.preferred_locale = input.preferred_locale;
        self.notify_email = input.notify_email;
        self.notify_text = input.notify_text;
        self.notify_mail = input.notify_mail;
    }

    /// The API's view, with the customer's accounts and contact history.
    pub fn into_dto(
        self,
        accounts: Vec<AccountSummaryDto>,
        contacts: Vec<ContactDto>,
    ) -> CustomerDetailDto {
        CustomerDetailDto {
            id: self.id,
            name: self.name,
            is_organisation: self.is_organisation,
            mailing_address: self.mailing_address,
            phone: self.phone,
            phone_alt: self.phone_alt,
            email: self.email,
            preferred_locale: self.preferred_locale,
            notify_email: self.notify_email,
            notify_text: self.notify_text,
            notify_mail: self.notify_mail,
            accounts,
            contacts,
        }
    }
}

impl From<&Customer> for CustomerInput {
    fn from(c: &Customer) -> CustomerInput {
        CustomerInput {
            name: c.name.clone(),
            is_organisation: c.is_organisation,
            mailing_address: c.mailing_address.clone(),
            phone: c.phone.clone(),
            phone_alt: c.phone_alt.clone(),
            email: c.email.clone(),
            preferred_locale: c.preferred_locale,
            notify_email: c.notify_email,
            notify_text: c.notify_text,
            notify_mail: c.notify_mail,
        }
    }
}

impl From<Customer> for CustomerDto {
    fn from(c: Customer) -> CustomerDto {
        CustomerDto {
            id: c.id,
            name: c.name,
            is_organisation: c.is_organisation,
            mailing_address: c.mailing_address,
            phone: c.phone,
            email: c.email,
            preferred_locale: c.preferred_locale,
        }
    }
}
