//! Meters: the inventory, each meter's registers (dials) and its reads.

use chrono::NaiveDate;
use cistern_shared::meters::{
    MeterDto, MeterInput, MeterKind, MeterReadDto, MeterStatus, RegisterCode, RegisterDto,
};
use cistern_shared::FieldCode;
use cistern_shared::{ErrorCode, FieldError};
use diesel::prelude::*;
use rust_decimal::Decimal;

use crate::db::models::{Meter, MeterRead, MeterRegister};
use crate::db::schema::{meter_reads, meter_registers, meters};
use crate::db::{now, DbConnection, WriteTx};
use crate::domain::audit::{self, Actor, Change};
use crate::domain::new_id;
use crate::error::{ApiError, ApiResult};

pub fn parse_multiplier(m: &Decimal) -> ApiResult<Decimal> {
    if *m <= Decimal::ZERO || m.scale() > 4 {
        return Err(ApiError::field(
            "registers",
            FieldCode::Multiplier,
            "a multiplier is a positive number with at most 4 decimal places",
        ));
    }
    Ok(m.normalize())
}

fn serial_taken() -> ApiError {
    ApiError {
        code: ErrorCode::MeterSerialTaken,
        detail: Some("a meter with that serial number exists".into()),
        fields: vec![FieldError {
            field: "serial".into(),
            code: FieldCode::Taken,
            message: "is already in the inventory".into(),
        }],
    }
}

pub fn create_meter(
    tx: &mut WriteTx<'_>,
    actor: &Actor,
    input: &MeterInput,
) -> ApiResult<MeterDto> {
    let codes: Vec<RegisterCode> = input.registers.iter().map(|r| r.code).collect();
    let compound = input.kind == MeterKind::Compound;
    let valid = if compound {
        codes.len() == 2
            && codes.contains(&RegisterCode::Low)
            && codes.contains(&RegisterCode::High)
    } else {
        codes == [RegisterCode::Main]
    };
    if !valid {
        return Err(ApiError::field(
            "registers",
            FieldCode::Registers,
            "a compound meter has a low and a high register; any other meter has one main register",
        ));
    }
    for r in &input.registers {
        if !(3..=10).contains(&r.digits) {
            return Err(ApiError::field(
                "registers",
                FieldCode::Digits,
                "a register has 3 to 10 digits",
            ));
        }
        parse_multiplier(&r.multiplier)?;
    }
    let serial = input.serial.trim().to_uppercase();
    let exists: i64 = meters::table
        .filter(meters::serial.eq(&serial))
        .count()
        .get_result(tx.db())?;
    if exists > 0 {
        return Err(serial_taken());
    }
    let row = Meter::in_stock(new_id(), serial, input, now());
    // The count above is the friendly answer; the unique serial is the rule when two requests
    // for one serial race past it.
    diesel::insert_into(meters::table)
        .values(&row)
        .execute(tx.db())
        .map_err(|e| {
            if crate::db::violates_unique(&e, "meters_serial_key", "meters.serial") {
                serial_taken()
            } else {
                e.into()
            }
        })?;
    let registers: Vec<MeterRegister> = input
        .registers
        .iter()
        .map(|r| MeterRegister::new(row.id.clone(), r))
        .collect();
    for r in &registers {
        diesel::insert_into(meter_registers::table)
            .values(r)
            .execute(tx.db())?;
    }
    audit::record(
        tx,
        actor,
        Change {
            action: "meter.create",
            entity_type: "meter",
            entity_id: &row.id,
            before: None,
            after: audit::snapshot(input),
            reason: None,
        },
    )?;
    meters_by_ids(tx, std::slice::from_ref(&row.id))?
        .pop()
        .ok_or_else(ApiError::not_found)
}

/// Meters with their registers and recent reads, three queries whatever the count.
pub fn meters_by_ids(c: &mut DbConnection, ids: &[String]) -> ApiResult<Vec<MeterDto>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<Meter> = meters::table
        .filter(meters::id.eq_any(ids))
        .select(Meter::as_select())
        .order(meters::serial.asc())
        .load(c)?;
    let regs: Vec<MeterRegister> = meter_registers::table
        .filter(meter_registers::meter_id.eq_any(ids))
        .select(MeterRegister::as_select())
        .order((meter_registers::meter_id, meter_registers::code))
        .load(c)?;
    let reads: Vec<MeterRead> = meter_reads::table
        .filter(meter_reads::meter_id.eq_any(ids))
        .select(MeterRead::as_select())
        .order((
            meter_reads::read_on.desc(),
            meter_reads::created_at.desc(),
            meter_reads::register_code.asc(),
            meter_reads::id.asc(),
        ))
        .load(c)?;
    rows.into_iter()
        .map(|m| {
            let registers = regs
                .iter()
                .filter(|g| g.meter_id == m.id)
                .map(|g| RegisterDto::try_from(g.clone()))
                .collect::<Result<Vec<_>, _>>()?;
            let recent_reads = reads
                .iter()
                .filter(|r| r.meter_id == m.id)
                .take(24)
                .map(|r| MeterReadDto::from(r.clone()))
                .collect();
            Ok(m.into_dto(registers, recent_reads))
        })
        .collect()
}

/// The meters installed at a premise now.
pub fn installed_at(c: &mut DbConnection, premise_id: &str) -> ApiResult<Vec<MeterDto>> {
    let ids: Vec<String> = meters::table
        .filter(meters::premise_id.eq(premise_id))
        .filter(meters::status.eq(MeterStatus::Installed))
        .select(meters::id)
        .load(c)?;
    meters_by_ids(c, &ids)
}

pub fn list_meters(
    c: &mut DbConnection,
    status: Option<MeterStatus>,
    q: Option<&str>,
    limit: i64,
) -> ApiResult<Vec<MeterDto>> {
    let mut query = meters::table
        .select(meters::id)
        .order(meters::serial.asc())
        .limit(limit)
        .into_boxed();
    if let Some(s) = status {
        query = query.filter(meters::status.eq(s));
    }
    if let Some(q) = q.filter(|q| !q.trim().is_empty()) {
        // A serial prefix: LIKE's own wildcards (and the escape character) in it are text.
        let escaped = q
            .trim()
            .to_uppercase()
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        query = query.filter(meters::serial.like(format!("{escaped}%")).escape('\\'));
    }
    let ids: Vec<String> = query.load(c)?;
    meters_by_ids(c, &ids)
}

/// One read, checked against the register: it must fit on the dial.
#[allow(clippy::too_many_arguments)]
pub fn record_read(
    tx: &mut WriteTx<'_>,
    actor: &Actor,
    meter_id: &str,
    register: RegisterCode,
    read_on: NaiveDate,
    reading: i64,
    kind: &str,
    source: &str,
    premise_id: Option<&str>,
    account_id: Option<&str>,
    order_id: Option<&str>,
    field: &str,
) -> ApiResult<()> {
    let digits: Option<i32> = meter_registers::table
        .find((meter_id, register))
        .select(meter_registers::digits)
        .first(tx.db())
        .optional()?;
    let digits = digits.ok_or_else(|| {
        ApiError::field(field, FieldCode::Register, "the meter has no such register")
    })?;
    let max = 10i64
        .checked_pow(u32::try_from(digits).unwrap_or(10))
        .unwrap_or(i64::MAX);
    if !(0..max).contains(&reading) {
        return Err(ApiError::field(
            field,
            FieldCode::ReadingRange,
            format!(
                "a reading on this {digits}-digit register is between 0 and {}",
                max - 1
            ),
        ));
    }
    let row = MeterRead {
        id: new_id(),
        meter_id: meter_id.to_owned(),
        register_code: register,
        premise_id: premise_id.map(str::to_owned),
        account_id: account_id.map(str::to_owned),
        read_on,
        reading,
        kind: kind.to_owned(),
        source: source.to_owned(),
        service_order_id: order_id.map(str::to_owned),
        note: None,
        created_by: actor.username.clone(),
        created_at: now(),
    };
    diesel::insert_into(meter_reads::table)
        .values(&row)
        .execute(tx.db())?;
    Ok(())
}

/// The single register of a meter that a service order's one reading applies to.
pub fn main_register(c: &mut DbConnection, meter_id: &str) -> ApiResult<RegisterCode> {
    let codes: Vec<RegisterCode> = meter_registers::table
        .filter(meter_registers::meter_id.eq(meter_id))
        .select(meter_registers::code)
        .load(c)?;
    // A compound meter's orders record the high (main-flow) register.
    if codes.contains(&RegisterCode::Main) {
        Ok(RegisterCode::Main)
    } else if codes.contains(&RegisterCode::High) {
        Ok(RegisterCode::High)
    } else {
        Err(ApiError::internal("meter without registers"))
    }
}
