//! Consumption: the use that meter reads imply at a premise over a period, register by
//! register, across meter change-outs.

use chrono::NaiveDate;
use cistern_shared::meters::{ConsumptionDto, MeterUnit, RegisterCode, RegisterUse};
use diesel::prelude::*;
use rust_decimal::Decimal;

use crate::db::schema::{meter_reads, meter_registers, meters};
use crate::db::DbConnection;
use crate::error::{ApiError, ApiResult};

/// One read with what its meter and register say about how to count it.
#[derive(Queryable, Selectable)]
#[diesel(table_name = meter_reads, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
struct RegisterRead {
    meter_id: String,
    #[diesel(column_name = register_code)]
    register: RegisterCode,
    reading: i64,
    read_on: NaiveDate,
    #[diesel(select_expression = meters::serial, select_expression_type = meters::serial)]
    meter_serial: String,
    #[diesel(select_expression = meters::unit, select_expression_type = meters::unit)]
    unit: MeterUnit,
    #[diesel(select_expression = meter_registers::digits, select_expression_type = meter_registers::digits)]
    digits: i32,
    /// Decimal text.
    #[diesel(select_expression = meter_registers::multiplier, select_expression_type = meter_registers::multiplier)]
    multiplier: String,
}

/// Use at a premise over (from, to], register by register: from the last read on or before
/// `from` (or the meter's first read, if it was set later) to the last read on or before `to`.
/// A meter changed out in the period contributes up to its final read and its replacement
/// from its initial read, so the change neither loses nor doubles anything.
pub fn consumption(
    c: &mut DbConnection,
    premise_id: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> ApiResult<ConsumptionDto> {
    let rows: Vec<RegisterRead> = meter_reads::table
        .inner_join(meters::table)
        .inner_join(
            meter_registers::table.on(meter_registers::meter_id
                .eq(meter_reads::meter_id)
                .and(meter_registers::code.eq(meter_reads::register_code))),
        )
        .filter(meter_reads::premise_id.eq(premise_id))
        .filter(meter_reads::read_on.le(to))
        .select(RegisterRead::as_select())
        .order((
            meter_reads::meter_id,
            meter_reads::register_code,
            meter_reads::read_on,
            meter_reads::created_at,
        ))
        .load(c)?;
    let mut out: Vec<RegisterUse> = Vec::new();
    // The reads come ordered by meter and register: one run of them per register.
    for seq in rows.chunk_by(|a, b| a.meter_id == b.meter_id && a.register == b.register) {
        // Start: last read on or before `from`, else the first read inside the period.
        let start = seq
            .iter()
            .rposition(|r| r.read_on <= from)
            .or_else(|| seq.iter().position(|r| r.read_on > from));
        let (Some(s), Some(last)) = (start, seq.last()) else {
            continue;
        };
        if seq.len() - 1 <= s {
            continue;
        }
        let first = &seq[s];
        let multiplier: Decimal = first
            .multiplier
            .parse()
            .map_err(|_| ApiError::internal("multiplier"))?;
        let mut used = Decimal::ZERO;
        for w in seq[s..].windows(2) {
            let step = cistern_shared::meters::consumption(
                w[0].reading,
                w[1].reading,
                first.digits,
                multiplier,
            )
            .map_err(|e| ApiError::internal(format!("consumption: {e:?}")))?;
            used = used
                .checked_add(step)
                .ok_or_else(|| ApiError::internal("overflow"))?;
        }
        out.push(RegisterUse {
            meter_id: first.meter_id.clone(),
            meter_serial: first.meter_serial.clone(),
            register: first.register,
            unit: first.unit,
            from_reading: first.reading,
            from_date: first.read_on,
            to_reading: last.reading,
            to_date: last.read_on,
            consumption: used,
        });
    }
    let unit = out.first().map(|u| u.unit);
    let same_unit = out.iter().all(|u| Some(u.unit) == unit);
    let total = if same_unit {
        out.iter()
            .try_fold(Decimal::ZERO, |acc, u| acc.checked_add(u.consumption))
    } else {
        None
    };
    Ok(ConsumptionDto {
        premise_id: premise_id.to_owned(),
        from,
        to,
        registers: out,
        total,
        unit: if same_unit { unit } else { None },
    })
}
