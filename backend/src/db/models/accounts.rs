use chrono::{NaiveDate, NaiveDateTime};
use cistern_shared::dto::{AccountDto, AccountStatus, CustomerDto, CycleDto, PremiseDto};
use cistern_shared::orders::Occupant;
use cistern_shared::Money;
use diesel::prelude::*;

use crate::db::schema::accounts;

/// A row of `accounts`: one customer's service at one premise. Money in cents.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = accounts, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
#[diesel(treat_none_as_null = true)]
pub struct Account {
    pub id: String,
    pub number: String,
    pub customer_id: String,
    pub premise_id: String,
    pub status: AccountStatus,
    pub occupant: Occupant,
    pub opened_on: NaiveDate,
    pub closed_on: Option<NaiveDate>,
    pub deposit_required_cents: i64,
    #[diesel(skip_update)]
    pub created_at: NaiveDateTime,
    pub owner_copy_customer_id: Option<String>,
    pub paperless: bool,
    pub autopay: bool,
    pub final_read_on: Option<NaiveDate>,
    pub closing_bill_pending: bool,
    pub updated_at: Option<NaiveDateTime>,
}

impl Account {
    /// The API's view, with the customer, premise and cycle it joins.
    pub fn into_dto(
        self,
        customer: CustomerDto,
        premise: PremiseDto,
        cycle: CycleDto,
    ) -> AccountDto {
        AccountDto {
            id: self.id,
            number: self.number,
            status: self.status,
            occupant: self.occupant.as_str().to_owned(),
            customer,
            premise,
            cycle,
            opened_on: self.opened_on,
            closed_on: self.closed_on,
            deposit_required: Money::from_cents(self.deposit_required_cents),
        }
    }
}
