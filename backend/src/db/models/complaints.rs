use chrono::NaiveDateTime;
use cistern_shared::complaints::{ComplaintCategory, ComplaintDto, ComplaintStatus};
use diesel::prelude::*;

use crate::db::schema::complaints;

/// A row of `complaints`.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = complaints, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
#[diesel(treat_none_as_null = true)]
pub struct Complaint {
    pub id: String,
    pub number: String,
    pub customer_id: String,
    pub account_id: Option<String>,
    pub category: ComplaintCategory,
    pub description: String,
    pub owner_id: Option<String>,
    pub status: ComplaintStatus,
    pub resolution: Option<String>,
    #[diesel(skip_update)]
    pub opened_at: NaiveDateTime,
    pub resolved_at: Option<NaiveDateTime>,
}

impl Complaint {
    /// The API's view, with the names joined from `customers` and `users`.
    pub fn into_dto(self, customer_name: String, owner_name: Option<String>) -> ComplaintDto {
        ComplaintDto {
            id: self.id,
            number: self.number,
            customer_id: self.customer_id,
            customer_name,
            account_id: self.account_id,
            category: self.category,
            description: self.description,
            owner_id: self.owner_id,
            owner_name,
            status: self.status,
            resolution: self.resolution,
            opened_at: self.opened_at.and_utc(),
            resolved_at: self.resolved_at.map(|t| t.and_utc()),
        }
    }
}
