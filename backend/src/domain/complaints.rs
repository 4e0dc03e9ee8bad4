//! Complaints: opened by clerks, owned by a staff user, resolved with a resolution.

use cistern_shared::complaints::{
    ComplaintDto, ComplaintInput, ComplaintQuery, ComplaintStatus, ComplaintUpdate,
};
use cistern_shared::FieldCode;
use cistern_shared::Role;
use diesel::prelude::*;

use crate::db::models::Complaint;
use crate::db::schema::{complaints, customers, users};
use crate::db::{now, DbConnection, WriteTx};
use crate::domain::audit::{self, Actor, Change};
use crate::domain::{accounts, customers as customer_rows, new_id, next_number};
use crate::error::{ApiError, ApiResult};

/// Complaints matching `q` (and, given, the one with id `only`), newest first, at most 500,
/// with the customer's and the owner's names.
fn load(
    c: &mut DbConnection,
    q: &ComplaintQuery,
    only: Option<&str>,
) -> ApiResult<Vec<ComplaintDto>> {
    let mut query = complaints::table
        .inner_join(customers::table)
        .left_join(users::table.on(complaints::owner_id.eq(users::id.nullable())))
        .select((
            Complaint::as_select(),
            customers::name,
            users::display_name.nullable(),
        ))
        .order(complaints::opened_at.desc())
        .limit(500)
        .into_boxed();
    if let Some(id) = only {
        query = query.filter(complaints::id.eq(id.to_owned()));
    }
    if let Some(s) = q.status {
        query = query.filter(complaints::status.eq(s));
    }
    if let Some(cid) = &q.customer_id {
        query = query.filter(complaints::customer_id.eq(cid.clone()));
    }
    if let Some(aid) = &q.account_id {
        query = query.filter(complaints::account_id.eq(aid.clone()));
    }
    let rows: Vec<(Complaint, String, Option<String>)> = query.load(c)?;
    Ok(rows
        .into_iter()
        .map(|(row, customer_name, owner_name)| row.into_dto(customer_name, owner_name))
        .collect())
}

pub fn complaints(c: &mut DbConnection, q: &ComplaintQuery) -> ApiResult<Vec<ComplaintDto>> {
    load(c, q, None)
}

fn complaint(c: &mut DbConnection, id: &str) -> ApiResult<ComplaintDto> {
    load(c, &ComplaintQuery::default(), Some(id))?
        .pop()
        .ok_or_else(ApiError::not_found)
}

fn check_staff_user(c: &mut DbConnection, id: &str, field: &str) -> ApiResult<()> {
    let user: Option<(Role, bool)> = users::table
        .find(id)
        .select((users::role, users::active))
        .first(c)
        .optional()?;
    match user {
        Some((role, true)) if role.is_staff() => Ok(()),
        _ => Err(ApiError::field(
            field,
            FieldCode::Unknown,
            "not an active staff user",
        )),
    }
}

pub fn open_complaint(
    tx: &mut WriteTx<'_>,
    actor: &Actor,
    input: &ComplaintInput,
) -> ApiResult<ComplaintDto> {
    customer_rows::customer_row(tx, &input.customer_id)
        .map_err(|_| ApiError::field("customer_id", FieldCode::Unknown, "no such customer"))?;
    if let Some(a) = &input.account_id {
        if accounts::customer_of(tx, a)?.as_deref() != Some(input.customer_id.as_str()) {
            return Err(ApiError::field(
                "account_id",
                FieldCode::Unknown,
                "not an account of this customer",
            ));
        }
    }
    if let Some(o) = &input.owner_id {
        check_staff_user(tx, o, "owner_id")?;
    }
    let row = Complaint {
        id: new_id(),
        number: format!("CMP-{:06}", next_number(tx, "complaint")?),
        customer_id: input.customer_id.clone(),
        account_id: input.account_id.clone(),
        category: input.category,
        description: input.description.trim().to_owned(),
        owner_id: input.owner_id.clone(),
        status: ComplaintStatus::Open,
        resolution: None,
        opened_at: now(),
        resolved_at: None,
    };
    diesel::insert_into(complaints::table)
        .values(&row)
        .execute(tx.db())?;
    audit::record(
        tx,
        actor,
        Change {
            action: "complaint.open",
            entity_type: "complaint",
            entity_id: &row.id,
            before: None,
            after: audit::snapshot(input),
            reason: None,
        },
    )?;
    complaint(tx, &row.id)
}

pub fn update_complaint(
    tx: &mut WriteTx<'_>,
    actor: &Actor,
    id: &str,
    input: &ComplaintUpdate,
) -> ApiResult<ComplaintDto> {
    let before = complaint(tx, id)?;
    if let Some(o) = &input.owner_id {
        check_staff_user(tx, o, "owner_id")?;
    }
    let mut row: Complaint = complaints::table
        .find(id)
        .select(Complaint::as_select())
        .first(tx.db())?;
    let status = input.status.unwrap_or(row.status);
    let resolution = input.resolution.clone().or(row.resolution.clone());
    if matches!(status, ComplaintStatus::Resolved | ComplaintStatus::Closed) && resolution.is_none()
    {
        return Err(ApiError::field(
            "resolution",
            FieldCode::Required,
            "say how the complaint was resolved",
        ));
    }
    row.resolved_at = match (status, row.resolved_at) {
        (ComplaintStatus::Resolved | ComplaintStatus::Closed, None) => Some(now()),
        (ComplaintStatus::Resolved | ComplaintStatus::Closed, Some(t)) => Some(t),
        _ => None,
    };
    row.status = status;
    row.owner_id = input.owner_id.clone().or(row.owner_id);
    row.resolution = resolution;
    diesel::update(complaints::table.find(id))
        .set(&row)
        .execute(tx.db())?;
    audit::record(
        tx,
        actor,
        Change {
            action: "complaint.update",
            entity_type: "complaint",
            entity_id: id,
            before: audit::snapshot(&before),
            after: audit::snapshot(input),
            reason: None,
        },
    )?;
    complaint(tx, id)
}
