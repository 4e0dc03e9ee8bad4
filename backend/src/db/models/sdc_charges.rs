use chrono::{NaiveDate, NaiveDateTime};
use cistern_shared::sdcs::{SdcChargeDto, SdcChargeInput};
use cistern_shared::Money;
use diesel::prelude::*;

use crate::db::schema::sdc_charges;

/// A row of `sdc_charges`: a system development charge assessed on a premise, in cents.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = sdc_charges, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct SdcCharge {
    pub id: String,
    pub premise_id: String,
    pub permit_number: String,
    pub service_type: String,
    pub amount_cents: i64,
    pub assessed_on: NaiveDate,
    pub paid_on: Option<NaiveDate>,
    pub notes: Option<String>,
    pub created_at: NaiveDateTime,
}

impl SdcCharge {
    /// A new charge of `amount_cents` (the caller has checked the amount; permit number and
    /// service type trimmed).
    pub fn new(
        id: String,
        premise_id: String,
        input: &SdcChargeInput,
        amount_cents: i64,
        at: NaiveDateTime,
    ) -> SdcCharge {
        SdcCharge {
            id,
            premise_id,
            permit_number: input.permit_number.trim().to_owned(),
            service_type: input.service_type.trim().to_owned(),
            amount_cents,
            assessed_on: input.assessed_on,
            paid_on: input.paid_on,
            notes: input.notes.clone(),
            created_at: at,
        }
    }
}

impl From<SdcCharge> for SdcChargeDto {
    fn from(s: SdcCharge) -> SdcChargeDto {
        SdcChargeDto {
            id: s.id,
            permit_number: s.permit_number,
            service_type: s.service_type,
            amount: Money::from_cents(s.amount_cents),
            assessed_on: s.assessed_on,
            paid_on: s.paid_on,
            notes: s.notes,
        }
    }
}
