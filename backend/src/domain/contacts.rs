//! Contacts: each call, e-mail, visit or letter with a customer, optionally about one of
//! their accounts.

use cistern_shared::contacts::{ContactDto, ContactInput};
use cistern_shared::FieldCode;
use diesel::prelude::*;

use crate::db::models::Contact;
use crate::db::schema::contacts;
use crate::db::{now, DbConnection, WriteTx};
use crate::domain::audit::{self, Actor, Change};
use crate::domain::{accounts, customers, new_id, user_name};
use crate::error::{ApiError, ApiResult};

/// A customer's latest 100 contacts (newest first), optionally only those about one account.
pub fn contacts_of(
    c: &mut DbConnection,
    customer_id: &str,
    account_id: Option<&str>,
) -> ApiResult<Vec<ContactDto>> {
    let mut q = contacts::table
        .filter(contacts::customer_id.eq(customer_id.to_owned()))
        .select(Contact::as_select())
        .order(contacts::at.desc())
        .limit(100)
        .into_boxed();
    if let Some(a) = account_id {
        q = q.filter(contacts::account_id.eq(a.to_owned()));
    }
    Ok(q.load(c)?.into_iter().map(ContactDto::from).collect())
}

pub fn add_contact(
    tx: &mut WriteTx<'_>,
    actor: &Actor,
    customer_id: &str,
    input: &ContactInput,
) -> ApiResult<Vec<ContactDto>> {
    customers::customer_row(tx, customer_id)?;
    if let Some(a) = &input.account_id {
        if accounts::customer_of(tx, a)?.as_deref() != Some(customer_id) {
            return Err(ApiError::field(
                "account_id",
                FieldCode::Unknown,
                "not an account of this customer",
            ));
        }
    }
    let row = Contact {
        id: new_id(),
        customer_id: customer_id.to_owned(),
        account_id: input.account_id.clone(),
        channel: input.channel,
        direction: input.direction,
        subject: input.subject.trim().to_owned(),
        body: input.body.clone(),
        staff_id: actor.user_id.clone(),
        staff_name: user_name(tx, actor.user_id.as_deref())?,
        at: now(),
    };
    diesel::insert_into(contacts::table)
        .values(&row)
        .execute(tx.db())?;
    audit::record(
        tx,
        actor,
        Change {
            action: "customer.contact",
            entity_type: "customer",
            entity_id: customer_id,
            before: None,
            after: audit::snapshot(input),
            reason: None,
        },
    )?;
    contacts_of(tx, customer_id, None)
}
