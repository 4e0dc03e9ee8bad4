//! System development charges assessed on a premise.

use cistern_shared::sdcs::{SdcChargeDto, SdcChargeInput};
use cistern_shared::FieldCode;
use diesel::prelude::*;

use crate::db::models::SdcCharge;
use crate::db::schema::sdc_charges;
use crate::db::{now, DbConnection, WriteTx};
use crate::domain::audit::{self, Actor, Change};
use crate::domain::{new_id, premises};
use crate::error::{ApiError, ApiResult};

pub fn sdc_of(c: &mut DbConnection, premise_id: &str) -> ApiResult<Vec<SdcChargeDto>> {
    Ok(sdc_charges::table
        .filter(sdc_charges::premise_id.eq(premise_id))
        .select(SdcCharge::as_select())
        .order(sdc_charges::assessed_on.desc())
        .load(c)?
        .into_iter()
        .map(SdcChargeDto::from)
        .collect())
}

pub fn add_sdc(
    tx: &mut WriteTx<'_>,
    actor: &Actor,
    premise_id: &str,
    input: &SdcChargeInput,
) -> ApiResult<Vec<SdcChargeDto>> {
    premises::premise_row(tx, premise_id)?;
    let cents = input
        .amount
        .to_cents()
        .filter(|c| *c >= 0)
        .ok_or_else(|| ApiError::field("amount", FieldCode::Range, "must be zero or more"))?;
    let row = SdcCharge::new(new_id(), premise_id.to_owned(), input, cents, now());
    diesel::insert_into(sdc_charges::table)
        .values(&row)
        .execute(tx.db())?;
    audit::record(
        tx,
        actor,
        Change {
            action: "sdc.create",
            entity_type: "premise",
            entity_id: premise_id,
            before: None,
            after: audit::snapshot(input),
            reason: None,
        },
    )?;
    sdc_of(tx, premise_id)
}
