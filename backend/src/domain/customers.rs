//! Customers: the people and organisations accounts belong to. Every change is one
//! transaction with its audit row; the accounts a customer's name or phone finds are
//! re-indexed in that same transaction.

use cistern_shared::customers::{CustomerDetailDto, CustomerInput};
use diesel::prelude::*;

use crate::db::models::Customer;
use crate::db::schema::customers;
use crate::db::{now, DbConnection, WriteTx};
use crate::domain::accounts::{self, AccountFilter};
use crate::domain::audit::{self, Actor, Change};
use crate::domain::{contacts, new_id};
use crate::error::{ApiError, ApiResult};

/// One customer's row; not found is a 404.
pub fn customer_row(c: &mut DbConnection, id: &str) -> ApiResult<Customer> {
    customers::table
        .find(id)
        .select(Customer::as_select())
        .first(c)
        .optional()?
        .ok_or_else(ApiError::not_found)
}

pub fn create_customer(
    tx: &mut WriteTx<'_>,
    actor: &Actor,
    input: &CustomerInput,
) -> ApiResult<String> {
    let mailing = input.mailing().map_err(super::address_error)?;
    let row = Customer::new(new_id(), input, &mailing, now());
    diesel::insert_into(customers::table)
        .values(&row)
        .execute(tx.db())?;
    audit::record(
        tx,
        actor,
        Change {
            action: "customer.create",
            entity_type: "customer",
            entity_id: &row.id,
            before: None,
            after: audit::snapshot(&CustomerInput::from(&row)),
            reason: None,
        },
    )?;
    Ok(row.id)
}

pub fn update_customer(
    tx: &mut WriteTx<'_>,
    actor: &Actor,
    id: &str,
    input: &CustomerInput,
) -> ApiResult<CustomerDetailDto> {
    let mailing = input.mailing().map_err(super::address_error)?;
    let mut row = customer_row(tx, id)?;
    let before = CustomerInput::from(&row);
    row.assign(input, &mailing);
    row.updated_at = Some(now());
    diesel::update(customers::table.find(id))
        .set(&row)
        .execute(tx.db())?;
    audit::record(
        tx,
        actor,
        Change {
            action: "customer.update",
            entity_type: "customer",
            entity_id: id,
            before: audit::snapshot(&before),
            after: audit::snapshot(&CustomerInput::from(&row)),
            reason: None,
        },
    )?;
    get_customer(tx, id)
}

pub fn get_customer(c: &mut DbConnection, id: &str) -> ApiResult<CustomerDetailDto> {
    let row = customer_row(c, id)?;
    let accounts = accounts::summaries(c, AccountFilter::Customer(id))?;
    let contacts = contacts::contacts_of(c, id, None)?;
    Ok(row.into_dto(accounts, contacts))
}
