//! Billing cycles: reference data a city creates before it imports its accounts. The code is
//! unique (a unique index, so two concurrent creations give one cycle and one clear 409).

use cistern_shared::cycles::{CycleDto, CycleInput};
use cistern_shared::{ErrorCode, FieldCode, FieldError};
use diesel::prelude::*;

use crate::db::models::Cycle;
use crate::db::schema::{accounts, cycles, premises};
use crate::db::{is_unique_violation, DbConnection, WriteTx};
use crate::domain::audit::{self, Actor, Change};
use crate::domain::new_id;
use crate::error::{ApiError, ApiResult};

fn code_taken() -> ApiError {
    ApiError {
        code: ErrorCode::CycleCodeTaken,
        detail: Some("a billing cycle with that code exists".into()),
        fields: vec![FieldError {
            field: "code".into(),
            code: FieldCode::Taken,
            message: "is already in use".into(),
        }],
    }
}

fn row(c: &mut DbConnection, id: &str) -> ApiResult<Cycle> {
    cycles::table
        .find(id)
        .select(Cycle::as_select())
        .first(c)
        .optional()?
        .ok_or_else(ApiError::not_found)
}

/// One cycle as the API shows it, with its number of accounts.
pub fn get(c: &mut DbConnection, id: &str) -> ApiResult<CycleDto> {
    let cycle = row(c, id)?;
    let n: i64 = accounts::table
        .inner_join(premises::table)
        .filter(premises::cycle_id.eq(id))
        .count()
        .get_result(c)?;
    Ok(cycle.into_dto(n))
}

fn values(input: &CycleInput) -> (String, String) {
    (input.code.trim().to_owned(), input.name.trim().to_owned())
}

/// Creates a billing cycle; its code must be new (`cycle_code_taken`).
pub fn create(tx: &mut WriteTx<'_>, actor: &Actor, input: &CycleInput) -> ApiResult<CycleDto> {
    let (code, name) = values(input);
    let cycle = Cycle {
        id: new_id(),
        code,
        name,
        months_per_bill: input.months_per_bill,
    };
    match diesel::insert_into(cycles::table)
        .values(&cycle)
        .execute(tx.db())
    {
        Ok(_) => {}
        Err(e) if is_unique_violation(&e) => return Err(code_taken()),
        Err(e) => return Err(e.into()),
    }
    let dto = get(tx, &cycle.id)?;
    audit::record(
        tx,
        actor,
        Change {
            action: "cycle.create",
            entity_type: "cycle",
            entity_id: &cycle.id,
            before: None,
            after: audit::snapshot(&dto),
            reason: None,
        },
    )?;
    Ok(dto)
}

/// Changes a billing cycle's code, name or billing period. Premises keep pointing at it by id.
pub fn update(
    tx: &mut WriteTx<'_>,
    actor: &Actor,
    id: &str,
    input: &CycleInput,
) -> ApiResult<CycleDto> {
    let before = get(tx, id)?;
    let (code, name) = values(input);
    match diesel::update(cycles::table.find(id))
        .set((
            cycles::code.eq(&code),
            cycles::name.eq(&name),
            cycles::months_per_bill.eq(input.months_per_bill),
        ))
        .execute(tx.db())
    {
        Ok(_) => {}
        Err(e) if is_unique_violation(&e) => return Err(code_taken()),
        Err(e) => return Err(e.into()),
    }
    let after = get(tx, id)?;
    audit::record(
        tx,
        actor,
        Change {
            action: "cycle.update",
            entity_type: "cycle",
            entity_id: id,
            before: audit::snapshot(&before),
            after: audit::snapshot(&after),
            reason: None,
        },
    )?;
    Ok(after)
}
