use chrono::NaiveDateTime;
use cistern_shared::address::Address;
use cistern_shared::contacts::ContactDto;
use cistern_shared::customers::{CustomerDetailDto, CustomerInput};
use cistern_shared::dto::{AccountSummaryDto, CustomerDto, Locale};
use diesel::prelude::*;

use crate::db::schema::customers;

/// A row of `customers`. The columns the API edits are written in one place, [`Customer::assign`],
/// for both create and update.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = customers, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
#[diesel(treat_none_as_null = true, treat_none_as_default_value = false)]
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
    #[diesel(embed)]
    pub mailing: MailingAddress,
}

/// The mailing address's parts (`customers.house_number` ... `foreign_address`). All `None`:
/// not split (a row from before addresses had parts whose text did not read as an address).
#[derive(Debug, Clone, Default, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = customers, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
#[diesel(treat_none_as_null = true, treat_none_as_default_value = false)]
pub struct MailingAddress {
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
    pub foreign_address: Option<String>,
}

impl From<&Address> for MailingAddress {
    fn from(a: &Address) -> MailingAddress {
        let [house_number, pre_direction, street, suffix, post_direction, unit, city, state, zip, zip4] =
            super::address_parts(a);
        MailingAddress {
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
            foreign_address: a.foreign.clone(),
        }
    }
}

impl MailingAddress {
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
            foreign: self.foreign_address.clone(),
        };
        (!a.is_empty()).then_some(a)
    }
}

impl Customer {
    /// A new customer from the API's input, with the mailing address it gives
    /// ([`CustomerInput::mailing`], resolved by the caller so its error reaches the client).
    pub fn new(
        id: String,
        input: &CustomerInput,
        mailing: &Address,
        at: NaiveDateTime,
    ) -> Customer {
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
            mailing: MailingAddress::default(),
        };
        c.assign(input, mailing);
        c
    }

    /// Takes every field the API edits from `input` (the name trimmed), and the mailing
    /// address `input` gives, in parts and as its display form.
    pub fn assign(&mut self, input: &CustomerInput, mailing: &Address) {
        self.name = input.name.trim().to_owned();
        self.is_organisation = input.is_organisation;
        self.set_mailing(mailing);
        self.phone = input.phone.clone();
        self.phone_alt = input.phone_alt.clone();
        self.email = input.email.clone();
        self.preferred_locale = input.preferred_locale;
        self.notify_email = input.notify_email;
        self.notify_text = input.notify_text;
        self.notify_mail = input.notify_mail;
    }

    /// The mailing address as text: split into parts when it reads as an address (then the
    /// text is the address's display form), kept as given otherwise.
    pub fn set_mailing_address(&mut self, text: &str) {
        match Address::parse(text) {
            Ok(a) => self.set_mailing(&a),
            Err(_) => {
                self.mailing_address = text.to_owned();
                self.mailing = MailingAddress::default();
            }
        }
    }

    /// The mailing address in parts, and its display form.
    pub fn set_mailing(&mut self, a: &Address) {
        self.mailing_address = a.one_line();
        self.mailing = MailingAddress::from(a);
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
            mailing_address_parts: self.mailing.address(),
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
            mailing_address_parts: c.mailing.address(),
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
            mailing_address_parts: c.mailing.address(),
            mailing_address: c.mailing_address,
            phone: c.phone,
            email: c.email,
            preferred_locale: c.preferred_locale,
        }
    }
}
