use chrono::NaiveDateTime;
use cistern_shared::contacts::{ContactChannel, ContactDirection, ContactDto};
use diesel::prelude::*;

use crate::db::schema::contacts;

/// A row of `contacts`: one conversation with a customer.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = contacts, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct Contact {
    pub id: String,
    pub customer_id: String,
    pub account_id: Option<String>,
    pub channel: ContactChannel,
    pub direction: ContactDirection,
    pub subject: String,
    pub body: Option<String>,
    pub staff_id: Option<String>,
    pub staff_name: Option<String>,
    pub at: NaiveDateTime,
}

impl From<Contact> for ContactDto {
    fn from(c: Contact) -> ContactDto {
        ContactDto {
            id: c.id,
            account_id: c.account_id,
            channel: c.channel,
            direction: c.direction,
            subject: c.subject,
            body: c.body,
            staff_name: c.staff_name,
            at: c.at.and_utc(),
        }
    }
}
