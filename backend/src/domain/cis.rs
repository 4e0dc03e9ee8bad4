//! Customer-information records: customers, premises, meters, services, notes, contacts,
//! complaints, vendors and system development charges. Every change is one transaction with
//! its audit row; anything an account is found by is re-indexed in that same transaction.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use cistern_shared::cis::*;
use cistern_shared::dto::{AccountSummaryDto, Locale};
use cistern_shared::Money;
use diesel::prelude::*;
use rust_decimal::Decimal;

use crate::db::schema::{
    account_notes, accounts, complaints, contacts, counters, customers, cycles, meter_reads,
    meter_registers, meters, premises, sdc_charges, services, users, vendors,
};
use crate::db::{now, DbConnection};
use crate::domain::audit::{self, Actor, Change};
use crate::domain::{new_id, search};
use crate::error::{ApiError, ApiResult};

pub fn utc(t: NaiveDateTime) -> DateTime<Utc> {
    DateTime::<Utc>::from_naive_utc_and_offset(t, Utc)
}

fn bad(s: &str, what: &str) -> ApiError {
    ApiError::internal(format!("unknown {what} `{s}` in the database"))
}

/// The next number of a named sequence (service orders, complaints), inside the caller's
/// transaction: the UPDATE locks the counter row until commit.
pub fn next_number(c: &mut DbConnection, name: &str) -> ApiResult<i64> {
    let n = diesel::update(counters::table.find(name))
        .set(counters::value.eq(counters::value + 1))
        .execute(c)?;
    if n == 0 {
        diesel::insert_into(counters::table)
            .values((counters::name.eq(name), counters::value.eq(1i64)))
            .execute(c)?;
    }
    Ok(counters::table
        .find(name)
        .select(counters::value)
        .first(c)?)
}

/// Accounts whose search terms depend on a customer or a premise.
pub fn accounts_of_customer(c: &mut DbConnection, customer_id: &str) -> QueryResult<Vec<String>> {
    accounts::table
        .filter(accounts::customer_id.eq(customer_id))
        .select(accounts::id)
        .load(c)
}

pub fn accounts_of_premise(c: &mut DbConnection, premise_id: &str) -> QueryResult<Vec<String>> {
    accounts::table
        .filter(accounts::premise_id.eq(premise_id))
        .select(accounts::id)
        .load(c)
}

fn user_name(c: &mut DbConnection, id: Option<&str>) -> QueryResult<Option<String>> {
    match id {
        None => Ok(None),
        Some(id) => users::table
            .find(id)
            .select(users::display_name)
            .first(c)
            .optional(),
    }
}

// ---------------------------------------------------------------- customers

type CustomerRow = (
    String,
    String,
    bool,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
    bool,
    bool,
    bool,
);

pub fn create_customer(
    c: &mut DbConnection,
    actor: &Actor,
    input: &CustomerInput,
) -> ApiResult<String> {
    let id = new_id();
    let t = now();
    diesel::insert_into(customers::table)
        .values((
            customers::id.eq(&id),
            customers::name.eq(input.name.trim()),
            customers::is_organisation.eq(input.is_organisation),
            customers::mailing_address.eq(input.mailing_address.trim()),
            customers::phone.eq(&input.phone),
            customers::phone_alt.eq(&input.phone_alt),
            customers::email.eq(&input.email),
            customers::preferred_locale.eq(input.preferred_locale.as_str()),
            customers::notify_email.eq(input.notify_email),
            customers::notify_text.eq(input.notify_text),
            customers::notify_mail.eq(input.notify_mail),
            customers::created_at.eq(t),
        ))
        .execute(c)?;
    audit::record(
        c,
        actor,
        Change {
            action: "customer.create",
            entity_type: "customer",
            entity_id: &id,
            before: None,
            after: audit::snapshot(input),
            reason: None,
        },
    )?;
    Ok(id)
}

fn customer_input(c: &mut DbConnection, id: &str) -> ApiResult<CustomerInput> {
    let r: Option<CustomerRow> = customers::table
        .find(id)
        .select((
            customers::id,
            customers::name,
            customers::is_organisation,
            customers::mailing_address,
            customers::phone,
            customers::phone_alt,
            customers::email,
            customers::preferred_locale,
            customers::notify_email,
            customers::notify_text,
            customers::notify_mail,
        ))
        .first(c)
        .optional()?;
    let r = r.ok_or_else(ApiError::not_found)?;
    Ok(CustomerInput {
        name: r.1,
        is_organisation: r.2,
        mailing_address: r.3,
        phone: r.4,
        phone_alt: r.5,
        email: r.6,
        preferred_locale: Locale::parse(&r.7).unwrap_or_default(),
        notify_email: r.8,
        notify_text: r.9,
        notify_mail: r.10,
    })
}

pub fn update_customer(
    c: &mut DbConnection,
    actor: &Actor,
    id: &str,
    input: &CustomerInput,
) -> ApiResult<CustomerDetailDto> {
    let before = customer_input(c, id)?;
    diesel::update(customers::table.find(id))
        .set((
            customers::name.eq(input.name.trim()),
            customers::is_organisation.eq(input.is_organisation),
            customers::mailing_address.eq(input.mailing_address.trim()),
            customers::phone.eq(&input.phone),
            customers::phone_alt.eq(&input.phone_alt),
            customers::email.eq(&input.email),
            customers::preferred_locale.eq(input.preferred_locale.as_str()),
            customers::notify_email.eq(input.notify_email),
            customers::notify_text.eq(input.notify_text),
            customers::notify_mail.eq(input.notify_mail),
            customers::updated_at.eq(Some(now())),
        ))
        .execute(c)?;
    audit::record(
        c,
        actor,
        Change {
            action: "customer.update",
            entity_type: "customer",
            entity_id: id,
            before: audit::snapshot(&before),
            after: audit::snapshot(input),
            reason: None,
        },
    )?;
    let ids = accounts_of_customer(c, id)?;
    search::reindex_accounts(c, &ids)?;
    get_customer(c, id)
}

pub fn get_customer(c: &mut DbConnection, id: &str) -> ApiResult<CustomerDetailDto> {
    let i = customer_input(c, id)?;
    let accounts = account_summaries(c, AccountFilter::Customer(id))?;
    let contacts = contacts_of(c, id, None)?;
    Ok(CustomerDetailDto {
        id: id.to_owned(),
        name: i.name,
        is_organisation: i.is_organisation,
        mailing_address: i.mailing_address,
        phone: i.phone,
        phone_alt: i.phone_alt,
        email: i.email,
        preferred_locale: i.preferred_locale,
        notify_email: i.notify_email,
        notify_text: i.notify_text,
        notify_mail: i.notify_mail,
        accounts,
        contacts,
    })
}

pub enum AccountFilter<'a> {
    Customer(&'a str),
    Premise(&'a str),
}

pub fn account_summaries(
    c: &mut DbConnection,
    f: AccountFilter<'_>,
) -> ApiResult<Vec<AccountSummaryDto>> {
    let mut q = accounts::table
        .inner_join(customers::table)
        .inner_join(premises::table.inner_join(cycles::table))
        .select((
            accounts::id,
            accounts::number,
            accounts::status,
            customers::name,
            premises::service_address,
            cycles::code,
        ))
        .order((accounts::opened_on.desc(), accounts::number.desc()))
        .into_boxed();
    q = match f {
        AccountFilter::Customer(id) => q.filter(accounts::customer_id.eq(id.to_owned())),
        AccountFilter::Premise(id) => q.filter(accounts::premise_id.eq(id.to_owned())),
    };
    let rows: Vec<(String, String, String, String, String, String)> = q.load(c)?;
    rows.into_iter()
        .map(
            |(id, number, status, customer_name, service_address, cycle_code)| {
                Ok(AccountSummaryDto {
                    id,
                    number,
                    status: cistern_shared::dto::AccountStatus::parse(&status)
                        .ok_or_else(|| bad(&status, "status"))?,
                    customer_name,
                    service_address,
                    cycle_code,
                })
            },
        )
        .collect()
}

// ---------------------------------------------------------------- premises

fn cycle_id(c: &mut DbConnection, code: &str) -> ApiResult<String> {
    cycles::table
        .filter(cycles::code.eq(code))
        .select(cycles::id)
        .first(c)
        .optional()?
        .ok_or_else(|| ApiError::field("cycle_code", "unknown", "no such billing cycle"))
}

pub fn create_premise(
    c: &mut DbConnection,
    actor: &Actor,
    input: &PremiseInput,
) -> ApiResult<String> {
    let cycle = cycle_id(c, &input.cycle_code)?;
    let id = new_id();
    diesel::insert_into(premises::table)
        .values((
            premises::id.eq(&id),
            premises::service_address.eq(input.service_address.trim()),
            premises::parcel.eq(&input.parcel),
            premises::inside_city.eq(input.inside_city),
            premises::cycle_id.eq(&cycle),
            premises::route.eq(&input.route),
            premises::read_sequence.eq(input.read_sequence),
            premises::dwelling_units.eq(input.dwelling_units),
            premises::notes.eq(&input.notes),
            premises::created_at.eq(now()),
        ))
        .execute(c)?;
    audit::record(
        c,
        actor,
        Change {
            action: "premise.create",
            entity_type: "premise",
            entity_id: &id,
            before: None,
            after: audit::snapshot(input),
            reason: None,
        },
    )?;
    Ok(id)
}

type PremiseRow = (
    String,
    String,
    Option<String>,
    bool,
    String,
    String,
    i32,
    i32,
    Option<String>,
);

fn premise_row(c: &mut DbConnection, id: &str) -> ApiResult<PremiseRow> {
    premises::table
        .inner_join(cycles::table)
        .filter(premises::id.eq(id))
        .select((
            premises::id,
            premises::service_address,
            premises::parcel,
            premises::inside_city,
            cycles::code,
            premises::route,
            premises::read_sequence,
            premises::dwelling_units,
            premises::notes,
        ))
        .first(c)
        .optional()?
        .ok_or_else(ApiError::not_found)
}

pub fn update_premise(
    c: &mut DbConnection,
    actor: &Actor,
    id: &str,
    input: &PremiseInput,
) -> ApiResult<PremiseDetailDto> {
    let before = premise_row(c, id)?;
    let cycle = cycle_id(c, &input.cycle_code)?;
    diesel::update(premises::table.find(id))
        .set((
            premises::service_address.eq(input.service_address.trim()),
            premises::parcel.eq(&input.parcel),
            premises::inside_city.eq(input.inside_city),
            premises::cycle_id.eq(&cycle),
            premises::route.eq(&input.route),
            premises::read_sequence.eq(input.read_sequence),
            premises::dwelling_units.eq(input.dwelling_units),
            premises::notes.eq(&input.notes),
            premises::updated_at.eq(Some(now())),
        ))
        .execute(c)?;
    audit::record(
        c,
        actor,
        Change {
            action: "premise.update",
            entity_type: "premise",
            entity_id: id,
            before: Some(serde_json::json!({
                "service_address": before.1, "parcel": before.2, "inside_city": before.3,
                "cycle_code": before.4, "route": before.5, "read_sequence": before.6,
                "dwelling_units": before.7, "notes": before.8,
            })),
            after: audit::snapshot(input),
            reason: None,
        },
    )?;
    let ids = accounts_of_premise(c, id)?;
    search::reindex_accounts(c, &ids)?;
    get_premise(c, id)
}

diesel::define_sql_function!(fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text);

pub use cistern_shared::query::PremiseQuery;

/// Premises by service address, optionally only vacant ones or those matching every word of
/// `q`; paged, with the installed meters and the open account of each (two queries for the
/// page, not two per premise).
pub fn list_premises(
    c: &mut DbConnection,
    q: &PremiseQuery,
) -> ApiResult<cistern_shared::dto::Page<PremiseSummaryDto>> {
    let (page, per_page) = crate::domain::paging(q.page, q.per_page);
    let words: Vec<String> =
        q.q.as_deref()
            .unwrap_or("")
            .split_whitespace()
            .map(|w| {
                let w = w.to_lowercase();
                // LIKE's own wildcards in the input are literal text here.
                let escaped = w
                    .replace('\\', "\\\\")
                    .replace('%', "\\%")
                    .replace('_', "\\_");
                format!("%{escaped}%")
            })
            .collect();
    let filtered = || {
        let mut s = premises::table.inner_join(cycles::table).into_boxed();
        for w in &words {
            s = s.filter(
                lower(premises::service_address)
                    .like(w.clone())
                    .escape('\\')
                    // (No parcel: NULL, which no row passes.)
                    .or(lower(premises::parcel.assume_not_null())
                        .like(w.clone())
                        .escape('\\')),
            );
        }
        if q.vacant == Some(true) {
            s = s.filter(diesel::dsl::not(diesel::dsl::exists(
                accounts::table
                    .filter(accounts::premise_id.eq(premises::id))
                    .filter(accounts::status.eq_any(crate::domain::orders::OPEN_STATUSES)),
            )));
        }
        s
    };
    let total: i64 = filtered().count().get_result(c)?;
    let rows: Vec<(String, String, Option<String>, bool, String)> = filtered()
        .select((
            premises::id,
            premises::service_address,
            premises::parcel,
            premises::inside_city,
            cycles::code,
        ))
        .order((premises::service_address.asc(), premises::id.asc()))
        .limit(per_page)
        .offset((page - 1) * per_page)
        .load(c)?;
    let ids: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    let mut meters_at: HashMap<String, i64> = HashMap::new();
    for premise in meters::table
        .filter(meters::premise_id.eq_any(&ids))
        .filter(meters::status.eq(MeterStatus::Installed.as_str()))
        .select(meters::premise_id.assume_not_null())
        .load::<String>(c)?
    {
        *meters_at.entry(premise).or_default() += 1;
    }
    let mut holding: HashMap<String, String> = accounts::table
        .filter(accounts::premise_id.eq_any(&ids))
        .filter(accounts::status.eq_any(crate::domain::orders::OPEN_STATUSES))
        .select((accounts::premise_id, accounts::number))
        .load::<(String, String)>(c)?
        .into_iter()
        .collect();
    let items = rows
        .into_iter()
        .map(
            |(id, service_address, parcel, inside_city, cycle_code)| PremiseSummaryDto {
                meters_installed: meters_at.get(&id).copied().unwrap_or(0),
                current_account_number: holding.remove(&id),
                id,
                service_address,
                parcel,
                inside_city,
                cycle_code,
            },
        )
        .collect();
    Ok(cistern_shared::dto::Page {
        items,
        total,
        page,
        per_page,
    })
}

pub fn get_premise(c: &mut DbConnection, id: &str) -> ApiResult<PremiseDetailDto> {
    let p = premise_row(c, id)?;
    let meter_ids: Vec<String> = meters::table
        .filter(meters::premise_id.eq(id))
        .filter(meters::status.eq(MeterStatus::Installed.as_str()))
        .select(meters::id)
        .load(c)?;
    let meters = meters_by_ids(c, &meter_ids)?;
    let services = services_of(c, id)?;
    let accounts = account_summaries(c, AccountFilter::Premise(id))?;
    let sdc = sdc_of(c, id)?;
    let open_orders = crate::domain::orders::list_filtered(
        c,
        &crate::domain::orders::OrderFilter {
            premise_id: Some(id.to_owned()),
            status: Some(OrderStatus::Open),
            ..Default::default()
        },
    )?;
    Ok(PremiseDetailDto {
        id: p.0,
        service_address: p.1,
        parcel: p.2,
        inside_city: p.3,
        cycle_code: p.4,
        route: p.5,
        read_sequence: p.6,
        dwelling_units: p.7,
        notes: p.8,
        meters,
        services,
        accounts,
        sdc_charges: sdc,
        open_orders,
    })
}

// ---------------------------------------------------------------- meters

pub fn parse_multiplier(m: &Decimal) -> ApiResult<Decimal> {
    if *m <= Decimal::ZERO || m.scale() > 4 {
        return Err(ApiError::field(
            "registers",
            "multiplier",
            "a multiplier is a positive number with at most 4 decimal places",
        ));
    }
    Ok(m.normalize())
}

pub fn create_meter(
    c: &mut DbConnection,
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
            "registers",
            "a compound meter has a low and a high register; any other meter has one main register",
        ));
    }
    for r in &input.registers {
        if !(3..=10).contains(&r.digits) {
            return Err(ApiError::field(
                "registers",
                "digits",
                "a register has 3 to 10 digits",
            ));
        }
        parse_multiplier(&r.multiplier)?;
    }
    let serial = input.serial.trim().to_uppercase();
    let exists: i64 = meters::table
        .filter(meters::serial.eq(&serial))
        .count()
        .get_result(c)?;
    if exists > 0 {
        return Err(ApiError {
            code: cistern_shared::ErrorCode::Conflict,
            detail: Some("a meter with that serial number exists".into()),
            fields: vec![cistern_shared::FieldError {
                field: "serial".into(),
                code: "taken".into(),
                message: "is already in the inventory".into(),
            }],
        });
    }
    let id = new_id();
    diesel::insert_into(meters::table)
        .values((
            meters::id.eq(&id),
            meters::serial.eq(&serial),
            meters::size.eq(input.size.trim()),
            meters::kind.eq(input.kind.as_str()),
            meters::unit.eq(input.unit.as_str()),
            meters::manufacturer.eq(&input.manufacturer),
            meters::model.eq(&input.model),
            meters::endpoint_serial.eq(&input.endpoint_serial),
            meters::status.eq(MeterStatus::InStock.as_str()),
            meters::created_at.eq(now()),
        ))
        .execute(c)?;
    for r in &input.registers {
        diesel::insert_into(meter_registers::table)
            .values((
                meter_registers::meter_id.eq(&id),
                meter_registers::code.eq(r.code.as_str()),
                meter_registers::digits.eq(r.digits),
                meter_registers::multiplier.eq(r.multiplier.normalize().to_string()),
            ))
            .execute(c)?;
    }
    audit::record(
        c,
        actor,
        Change {
            action: "meter.create",
            entity_type: "meter",
            entity_id: &id,
            before: None,
            after: audit::snapshot(input),
            reason: None,
        },
    )?;
    meters_by_ids(c, std::slice::from_ref(&id))?
        .pop()
        .ok_or_else(ApiError::not_found)
}

type MeterRow = (
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
    Option<String>,
    Option<NaiveDate>,
    Option<NaiveDate>,
);

/// Meters with their registers and recent reads, three queries whatever the count.
pub fn meters_by_ids(c: &mut DbConnection, ids: &[String]) -> ApiResult<Vec<MeterDto>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<MeterRow> = meters::table
        .filter(meters::id.eq_any(ids))
        .select((
            meters::id,
            meters::serial,
            meters::size,
            meters::kind,
            meters::unit,
            meters::manufacturer,
            meters::model,
            meters::endpoint_serial,
            meters::status,
            meters::premise_id,
            meters::installed_on,
            meters::removed_on,
        ))
        .order(meters::serial.asc())
        .load(c)?;
    let regs: Vec<(String, String, i32, String)> = meter_registers::table
        .filter(meter_registers::meter_id.eq_any(ids))
        .select((
            meter_registers::meter_id,
            meter_registers::code,
            meter_registers::digits,
            meter_registers::multiplier,
        ))
        .order((meter_registers::meter_id, meter_registers::code))
        .load(c)?;
    type ReadRow = (
        String,
        String,
        String,
        NaiveDate,
        i64,
        String,
        String,
        Option<String>,
    );
    let reads: Vec<ReadRow> = meter_reads::table
        .filter(meter_reads::meter_id.eq_any(ids))
        .select((
            meter_reads::meter_id,
            meter_reads::id,
            meter_reads::register_code,
            meter_reads::read_on,
            meter_reads::reading,
            meter_reads::kind,
            meter_reads::source,
            meter_reads::note,
        ))
        .order((meter_reads::read_on.desc(), meter_reads::created_at.desc()))
        .load(c)?;
    rows.into_iter()
        .map(|r| {
            let registers = regs
                .iter()
                .filter(|g| g.0 == r.0)
                .map(|g| {
                    Ok(RegisterDto {
                        code: RegisterCode::parse(&g.1).ok_or_else(|| bad(&g.1, "register"))?,
                        digits: g.2,
                        multiplier: g.3.parse().map_err(|_| bad(&g.3, "multiplier"))?,
                    })
                })
                .collect::<ApiResult<Vec<_>>>()?;
            let recent_reads = reads
                .iter()
                .filter(|x| x.0 == r.0)
                .take(24)
                .map(|x| {
                    Ok(MeterReadDto {
                        id: x.1.clone(),
                        register: RegisterCode::parse(&x.2).ok_or_else(|| bad(&x.2, "register"))?,
                        read_on: x.3,
                        reading: x.4,
                        kind: x.5.clone(),
                        source: x.6.clone(),
                        note: x.7.clone(),
                    })
                })
                .collect::<ApiResult<Vec<_>>>()?;
            Ok(MeterDto {
                kind: MeterKind::parse(&r.3).ok_or_else(|| bad(&r.3, "meter kind"))?,
                unit: MeterUnit::parse(&r.4).ok_or_else(|| bad(&r.4, "unit"))?,
                status: MeterStatus::parse(&r.8).ok_or_else(|| bad(&r.8, "meter status"))?,
                id: r.0,
                serial: r.1,
                size: r.2,
                manufacturer: r.5,
                model: r.6,
                endpoint_serial: r.7,
                premise_id: r.9,
                installed_on: r.10,
                removed_on: r.11,
                registers,
                recent_reads,
            })
        })
        .collect()
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
        query = query.filter(meters::status.eq(s.as_str()));
    }
    if let Some(q) = q.filter(|q| !q.trim().is_empty()) {
        query = query.filter(meters::serial.like(format!("{}%", q.trim().to_uppercase())));
    }
    let ids: Vec<String> = query.load(c)?;
    meters_by_ids(c, &ids)
}

/// One read, checked against the register: it must fit on the dial.
#[allow(clippy::too_many_arguments)]
pub fn record_read(
    c: &mut DbConnection,
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
        .find((meter_id, register.as_str()))
        .select(meter_registers::digits)
        .first(c)
        .optional()?;
    let digits = digits
        .ok_or_else(|| ApiError::field(field, "register", "the meter has no such register"))?;
    let max = 10i64
        .checked_pow(u32::try_from(digits).unwrap_or(10))
        .unwrap_or(i64::MAX);
    if !(0..max).contains(&reading) {
        return Err(ApiError::field(
            field,
            "reading_range",
            format!(
                "a reading on this {digits}-digit register is between 0 and {}",
                max - 1
            ),
        ));
    }
    diesel::insert_into(meter_reads::table)
        .values((
            meter_reads::id.eq(new_id()),
            meter_reads::meter_id.eq(meter_id),
            meter_reads::register_code.eq(register.as_str()),
            meter_reads::premise_id.eq(premise_id),
            meter_reads::account_id.eq(account_id),
            meter_reads::read_on.eq(read_on),
            meter_reads::reading.eq(reading),
            meter_reads::kind.eq(kind),
            meter_reads::source.eq(source),
            meter_reads::service_order_id.eq(order_id),
            meter_reads::created_by.eq(&actor.username),
            meter_reads::created_at.eq(now()),
        ))
        .execute(c)?;
    Ok(())
}

/// The single register of a meter that a service order's one reading applies to.
pub fn main_register(c: &mut DbConnection, meter_id: &str) -> ApiResult<RegisterCode> {
    let codes: Vec<String> = meter_registers::table
        .filter(meter_registers::meter_id.eq(meter_id))
        .select(meter_registers::code)
        .load(c)?;
    // A compound meter's orders record the high (main-flow) register.
    if codes.iter().any(|c| c == "main") {
        Ok(RegisterCode::Main)
    } else if codes.iter().any(|c| c == "high") {
        Ok(RegisterCode::High)
    } else {
        Err(ApiError::internal("meter without registers"))
    }
}

// ---------------------------------------------------------------- services

pub fn services_of(c: &mut DbConnection, premise_id: &str) -> ApiResult<Vec<ServiceDto>> {
    type Row = (
        String,
        String,
        String,
        String,
        String,
        String,
        Option<String>,
        NaiveDate,
        Option<NaiveDate>,
    );
    let rows: Vec<Row> = services::table
        .filter(services::premise_id.eq(premise_id))
        .select((
            services::id,
            services::premise_id,
            services::service_type,
            services::customer_class,
            services::rate_code,
            services::status,
            services::esu,
            services::started_on,
            services::ended_on,
        ))
        .order((services::service_type, services::started_on))
        .load(c)?;
    rows.into_iter()
        .map(|r| {
            Ok(ServiceDto {
                id: r.0,
                premise_id: r.1,
                service_type: ServiceType::parse(&r.2).ok_or_else(|| bad(&r.2, "service type"))?,
                customer_class: r.3,
                rate_code: r.4,
                status: ServiceStatus::parse(&r.5).ok_or_else(|| bad(&r.5, "service status"))?,
                esu: r.6.and_then(|e| e.parse().ok()),
                started_on: r.7,
                ended_on: r.8,
            })
        })
        .collect()
}

pub fn add_service(
    c: &mut DbConnection,
    actor: &Actor,
    premise_id: &str,
    input: &ServiceInput,
) -> ApiResult<ServiceDto> {
    premise_row(c, premise_id)?;
    if input.esu.is_some_and(|e| e <= Decimal::ZERO) {
        return Err(ApiError::field("esu", "range", "must be positive"));
    }
    let id = new_id();
    diesel::insert_into(services::table)
        .values((
            services::id.eq(&id),
            services::premise_id.eq(premise_id),
            services::service_type.eq(input.service_type.as_str()),
            services::customer_class.eq(input.customer_class.trim()),
            services::rate_code.eq(input.rate_code.trim()),
            services::status.eq(ServiceStatus::Active.as_str()),
            services::esu.eq(input.esu.map(|e| e.normalize().to_string())),
            services::started_on.eq(input.started_on),
            services::created_at.eq(now()),
        ))
        .execute(c)?;
    audit::record(
        c,
        actor,
        Change {
            action: "service.create",
            entity_type: "service",
            entity_id: &id,
            before: None,
            after: audit::snapshot(input),
            reason: None,
        },
    )?;
    services_of(c, premise_id)?
        .into_iter()
        .find(|s| s.id == id)
        .ok_or_else(ApiError::not_found)
}

/// Seasonal turn-off (and back on) of one service; the account stays open.
pub fn change_service_status(
    c: &mut DbConnection,
    actor: &Actor,
    id: &str,
    change: &ServiceStatusChange,
) -> ApiResult<ServiceDto> {
    let (premise_id, status): (String, String) = services::table
        .find(id)
        .select((services::premise_id, services::status))
        .first(c)
        .optional()?
        .ok_or_else(ApiError::not_found)?;
    let allowed = matches!(
        (status.as_str(), change.status),
        ("active", ServiceStatus::SeasonalOff)
            | ("seasonal_off", ServiceStatus::Active)
            | ("active" | "seasonal_off", ServiceStatus::Inactive)
    );
    if !allowed {
        return Err(ApiError::with_detail(
            cistern_shared::ErrorCode::Conflict,
            format!(
                "a service that is {status} cannot become {}",
                change.status.as_str()
            ),
        ));
    }
    let ended_on = (change.status == ServiceStatus::Inactive).then_some(change.effective_on);
    diesel::update(services::table.find(id))
        .set((
            services::status.eq(change.status.as_str()),
            services::ended_on.eq(ended_on),
            services::updated_at.eq(Some(now())),
        ))
        .execute(c)?;
    audit::record(
        c,
        actor,
        Change {
            action: "service.status",
            entity_type: "service",
            entity_id: id,
            before: Some(serde_json::json!({ "status": status })),
            after: Some(
                serde_json::json!({ "status": change.status, "effective_on": change.effective_on }),
            ),
            reason: Some(&change.reason),
        },
    )?;
    services_of(c, &premise_id)?
        .into_iter()
        .find(|s| s.id == id)
        .ok_or_else(ApiError::not_found)
}

// ---------------------------------------------------------------- SDCs

pub fn sdc_of(c: &mut DbConnection, premise_id: &str) -> ApiResult<Vec<SdcChargeDto>> {
    type Row = (
        String,
        String,
        String,
        i64,
        NaiveDate,
        Option<NaiveDate>,
        Option<String>,
    );
    let rows: Vec<Row> = sdc_charges::table
        .filter(sdc_charges::premise_id.eq(premise_id))
        .select((
            sdc_charges::id,
            sdc_charges::permit_number,
            sdc_charges::service_type,
            sdc_charges::amount_cents,
            sdc_charges::assessed_on,
            sdc_charges::paid_on,
            sdc_charges::notes,
        ))
        .order(sdc_charges::assessed_on.desc())
        .load(c)?;
    Ok(rows
        .into_iter()
        .map(|r| SdcChargeDto {
            id: r.0,
            permit_number: r.1,
            service_type: r.2,
            amount: Money::from_cents(r.3),
            assessed_on: r.4,
            paid_on: r.5,
            notes: r.6,
        })
        .collect())
}

pub fn add_sdc(
    c: &mut DbConnection,
    actor: &Actor,
    premise_id: &str,
    input: &SdcChargeInput,
) -> ApiResult<Vec<SdcChargeDto>> {
    premise_row(c, premise_id)?;
    let cents = input
        .amount
        .to_cents()
        .filter(|c| *c >= 0)
        .ok_or_else(|| ApiError::field("amount", "range", "must be zero or more"))?;
    let id = new_id();
    diesel::insert_into(sdc_charges::table)
        .values((
            sdc_charges::id.eq(&id),
            sdc_charges::premise_id.eq(premise_id),
            sdc_charges::permit_number.eq(input.permit_number.trim()),
            sdc_charges::service_type.eq(input.service_type.trim()),
            sdc_charges::amount_cents.eq(cents),
            sdc_charges::assessed_on.eq(input.assessed_on),
            sdc_charges::paid_on.eq(input.paid_on),
            sdc_charges::notes.eq(&input.notes),
            sdc_charges::created_at.eq(now()),
        ))
        .execute(c)?;
    audit::record(
        c,
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
    sdc_of(c, premise_id)
}

// ---------------------------------------------------------------- notes and contacts

pub fn notes_of(c: &mut DbConnection, account_id: &str) -> ApiResult<Vec<NoteDto>> {
    let rows: Vec<(String, String, bool, Option<String>, NaiveDateTime)> = account_notes::table
        .filter(account_notes::account_id.eq(account_id))
        .select((
            account_notes::id,
            account_notes::body,
            account_notes::pinned,
            account_notes::author_name,
            account_notes::created_at,
        ))
        .order((
            account_notes::pinned.desc(),
            account_notes::created_at.desc(),
        ))
        .load(c)?;
    Ok(rows
        .into_iter()
        .map(|r| NoteDto {
            id: r.0,
            body: r.1,
            pinned: r.2,
            author_name: r.3,
            created_at: utc(r.4),
        })
        .collect())
}

pub fn add_note(
    c: &mut DbConnection,
    actor: &Actor,
    account_id: &str,
    input: &NoteInput,
) -> ApiResult<Vec<NoteDto>> {
    let exists: i64 = accounts::table
        .filter(accounts::id.eq(account_id))
        .count()
        .get_result(c)?;
    if exists == 0 {
        return Err(ApiError::not_found());
    }
    let id = new_id();
    let author = user_name(c, actor.user_id.as_deref())?;
    diesel::insert_into(account_notes::table)
        .values((
            account_notes::id.eq(&id),
            account_notes::account_id.eq(account_id),
            account_notes::body.eq(input.body.trim()),
            account_notes::pinned.eq(input.pinned),
            account_notes::author_id.eq(&actor.user_id),
            account_notes::author_name.eq(author),
            account_notes::created_at.eq(now()),
        ))
        .execute(c)?;
    audit::record(
        c,
        actor,
        Change {
            action: "account.note",
            entity_type: "account",
            entity_id: account_id,
            before: None,
            after: audit::snapshot(input),
            reason: None,
        },
    )?;
    notes_of(c, account_id)
}

pub fn contacts_of(
    c: &mut DbConnection,
    customer_id: &str,
    account_id: Option<&str>,
) -> ApiResult<Vec<ContactDto>> {
    type Row = (
        String,
        Option<String>,
        String,
        String,
        String,
        Option<String>,
        Option<String>,
        NaiveDateTime,
    );
    let mut q = contacts::table
        .filter(contacts::customer_id.eq(customer_id.to_owned()))
        .select((
            contacts::id,
            contacts::account_id,
            contacts::channel,
            contacts::direction,
            contacts::subject,
            contacts::body,
            contacts::staff_name,
            contacts::at,
        ))
        .order(contacts::at.desc())
        .limit(100)
        .into_boxed();
    if let Some(a) = account_id {
        q = q.filter(contacts::account_id.eq(a.to_owned()));
    }
    let rows: Vec<Row> = q.load(c)?;
    rows.into_iter()
        .map(|r| {
            Ok(ContactDto {
                id: r.0,
                account_id: r.1,
                channel: ContactChannel::parse(&r.2).ok_or_else(|| bad(&r.2, "channel"))?,
                direction: ContactDirection::parse(&r.3).ok_or_else(|| bad(&r.3, "direction"))?,
                subject: r.4,
                body: r.5,
                staff_name: r.6,
                at: utc(r.7),
            })
        })
        .collect()
}

pub fn add_contact(
    c: &mut DbConnection,
    actor: &Actor,
    customer_id: &str,
    input: &ContactInput,
) -> ApiResult<Vec<ContactDto>> {
    customer_input(c, customer_id)?;
    if let Some(a) = &input.account_id {
        let owner: Option<String> = accounts::table
            .find(a)
            .select(accounts::customer_id)
            .first(c)
            .optional()?;
        if owner.as_deref() != Some(customer_id) {
            return Err(ApiError::field(
                "account_id",
                "unknown",
                "not an account of this customer",
            ));
        }
    }
    let id = new_id();
    let staff = user_name(c, actor.user_id.as_deref())?;
    diesel::insert_into(contacts::table)
        .values((
            contacts::id.eq(&id),
            contacts::customer_id.eq(customer_id),
            contacts::account_id.eq(&input.account_id),
            contacts::channel.eq(input.channel.as_str()),
            contacts::direction.eq(input.direction.as_str()),
            contacts::subject.eq(input.subject.trim()),
            contacts::body.eq(&input.body),
            contacts::staff_id.eq(&actor.user_id),
            contacts::staff_name.eq(staff),
            contacts::at.eq(now()),
        ))
        .execute(c)?;
    audit::record(
        c,
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
    contacts_of(c, customer_id, None)
}

// ---------------------------------------------------------------- complaints

type ComplaintRow = (
    String,
    String,
    String,
    String,
    Option<String>,
    String,
    String,
    Option<String>,
    Option<String>,
    String,
    Option<String>,
    NaiveDateTime,
    Option<NaiveDateTime>,
);

pub use cistern_shared::query::ComplaintQuery;

pub fn complaints(c: &mut DbConnection, q: &ComplaintQuery) -> ApiResult<Vec<ComplaintDto>> {
    let mut query = complaints::table
        .inner_join(customers::table)
        .left_join(users::table.on(complaints::owner_id.eq(users::id.nullable())))
        .select((
            complaints::id,
            complaints::number,
            complaints::customer_id,
            customers::name,
            complaints::account_id,
            complaints::category,
            complaints::description,
            complaints::owner_id,
            users::display_name.nullable(),
            complaints::status,
            complaints::resolution,
            complaints::opened_at,
            complaints::resolved_at,
        ))
        .order(complaints::opened_at.desc())
        .limit(500)
        .into_boxed();
    if let Some(s) = q.status {
        query = query.filter(complaints::status.eq(s.as_str()));
    }
    if let Some(cid) = &q.customer_id {
        query = query.filter(complaints::customer_id.eq(cid.clone()));
    }
    if let Some(aid) = &q.account_id {
        query = query.filter(complaints::account_id.eq(aid.clone()));
    }
    let rows: Vec<ComplaintRow> = query.load(c)?;
    rows.into_iter()
        .map(|r| {
            Ok(ComplaintDto {
                id: r.0,
                number: r.1,
                customer_id: r.2,
                customer_name: r.3,
                account_id: r.4,
                category: ComplaintCategory::parse(&r.5).ok_or_else(|| bad(&r.5, "category"))?,
                description: r.6,
                owner_id: r.7,
                owner_name: r.8,
                status: ComplaintStatus::parse(&r.9)
                    .ok_or_else(|| bad(&r.9, "complaint status"))?,
                resolution: r.10,
                opened_at: utc(r.11),
                resolved_at: r.12.map(utc),
            })
        })
        .collect()
}

fn complaint(c: &mut DbConnection, id: &str) -> ApiResult<ComplaintDto> {
    let num: Option<String> = complaints::table
        .find(id)
        .select(complaints::number)
        .first(c)
        .optional()?;
    num.ok_or_else(ApiError::not_found)?;
    complaints(c, &ComplaintQuery::default())?
        .into_iter()
        .find(|x| x.id == id)
        .ok_or_else(ApiError::not_found)
}

fn check_staff_user(c: &mut DbConnection, id: &str, field: &str) -> ApiResult<()> {
    let role: Option<(String, bool)> = users::table
        .find(id)
        .select((users::role, users::active))
        .first(c)
        .optional()?;
    match role {
        Some((r, true)) if cistern_shared::Role::parse(&r).is_some_and(|r| r.is_staff()) => Ok(()),
        _ => Err(ApiError::field(
            field,
            "unknown",
            "not an active staff user",
        )),
    }
}

pub fn open_complaint(
    c: &mut DbConnection,
    actor: &Actor,
    input: &ComplaintInput,
) -> ApiResult<ComplaintDto> {
    customer_input(c, &input.customer_id)
        .map_err(|_| ApiError::field("customer_id", "unknown", "no such customer"))?;
    if let Some(a) = &input.account_id {
        let owner: Option<String> = accounts::table
            .find(a)
            .select(accounts::customer_id)
            .first(c)
            .optional()?;
        if owner.as_deref() != Some(input.customer_id.as_str()) {
            return Err(ApiError::field(
                "account_id",
                "unknown",
                "not an account of this customer",
            ));
        }
    }
    if let Some(o) = &input.owner_id {
        check_staff_user(c, o, "owner_id")?;
    }
    let id = new_id();
    let number = format!("CMP-{:06}", next_number(c, "complaint")?);
    diesel::insert_into(complaints::table)
        .values((
            complaints::id.eq(&id),
            complaints::number.eq(&number),
            complaints::customer_id.eq(&input.customer_id),
            complaints::account_id.eq(&input.account_id),
            complaints::category.eq(input.category.as_str()),
            complaints::description.eq(input.description.trim()),
            complaints::owner_id.eq(&input.owner_id),
            complaints::status.eq(ComplaintStatus::Open.as_str()),
            complaints::opened_at.eq(now()),
        ))
        .execute(c)?;
    audit::record(
        c,
        actor,
        Change {
            action: "complaint.open",
            entity_type: "complaint",
            entity_id: &id,
            before: None,
            after: audit::snapshot(input),
            reason: None,
        },
    )?;
    complaint(c, &id)
}

pub fn update_complaint(
    c: &mut DbConnection,
    actor: &Actor,
    id: &str,
    input: &ComplaintUpdate,
) -> ApiResult<ComplaintDto> {
    let before = complaint(c, id)?;
    if let Some(o) = &input.owner_id {
        check_staff_user(c, o, "owner_id")?;
    }
    let status = input.status.unwrap_or(before.status);
    let resolution = input.resolution.clone().or(before.resolution.clone());
    if matches!(status, ComplaintStatus::Resolved | ComplaintStatus::Closed) && resolution.is_none()
    {
        return Err(ApiError::field(
            "resolution",
            "required",
            "say how the complaint was resolved",
        ));
    }
    let resolved_at = match (status, before.resolved_at) {
        (ComplaintStatus::Resolved | ComplaintStatus::Closed, None) => Some(now()),
        (ComplaintStatus::Resolved | ComplaintStatus::Closed, Some(t)) => Some(t.naive_utc()),
        _ => None,
    };
    diesel::update(complaints::table.find(id))
        .set((
            complaints::status.eq(status.as_str()),
            complaints::owner_id.eq(input.owner_id.clone().or(before.owner_id.clone())),
            complaints::resolution.eq(&resolution),
            complaints::resolved_at.eq(resolved_at),
        ))
        .execute(c)?;
    audit::record(
        c,
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
    complaint(c, id)
}

// ---------------------------------------------------------------- vendors

pub fn vendors(c: &mut DbConnection) -> ApiResult<Vec<VendorDto>> {
    type Row = (
        String,
        String,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
        bool,
    );
    let rows: Vec<Row> = vendors::table
        .select((
            vendors::id,
            vendors::name,
            vendors::category,
            vendors::contact_name,
            vendors::phone,
            vendors::email,
            vendors::notes,
            vendors::active,
        ))
        .order(vendors::name.asc())
        .load(c)?;
    Ok(rows
        .into_iter()
        .map(|r| VendorDto {
            id: r.0,
            name: r.1,
            category: r.2,
            contact_name: r.3,
            phone: r.4,
            email: r.5,
            notes: r.6,
            active: r.7,
        })
        .collect())
}

pub fn save_vendor(
    c: &mut DbConnection,
    actor: &Actor,
    id: Option<&str>,
    input: &VendorInput,
) -> ApiResult<VendorDto> {
    let t = now();
    let (id, action, before) = match id {
        Some(id) => {
            let before = vendors(c)?
                .into_iter()
                .find(|v| v.id == id)
                .ok_or_else(ApiError::not_found)?;
            diesel::update(vendors::table.find(id))
                .set((
                    vendors::name.eq(input.name.trim()),
                    vendors::category.eq(input.category.trim()),
                    vendors::contact_name.eq(&input.contact_name),
                    vendors::phone.eq(&input.phone),
                    vendors::email.eq(&input.email),
                    vendors::notes.eq(&input.notes),
                    vendors::active.eq(input.active),
                    vendors::updated_at.eq(Some(t)),
                ))
                .execute(c)?;
            (id.to_owned(), "vendor.update", audit::snapshot(&before))
        }
        None => {
            let id = new_id();
            diesel::insert_into(vendors::table)
                .values((
                    vendors::id.eq(&id),
                    vendors::name.eq(input.name.trim()),
                    vendors::category.eq(input.category.trim()),
                    vendors::contact_name.eq(&input.contact_name),
                    vendors::phone.eq(&input.phone),
                    vendors::email.eq(&input.email),
                    vendors::notes.eq(&input.notes),
                    vendors::active.eq(input.active),
                    vendors::created_at.eq(t),
                ))
                .execute(c)?;
            (id, "vendor.create", None)
        }
    };
    audit::record(
        c,
        actor,
        Change {
            action,
            entity_type: "vendor",
            entity_id: &id,
            before,
            after: audit::snapshot(input),
            reason: None,
        },
    )?;
    vendors(c)?
        .into_iter()
        .find(|v| v.id == id)
        .ok_or_else(ApiError::not_found)
}

/// Everything about an account at a glance.
pub fn overview(
    c: &mut DbConnection,
    who: &crate::auth::Principal,
    id: &str,
) -> ApiResult<AccountOverviewDto> {
    let account = crate::domain::accounts::get(c, who, id)?;
    type Extra = (String, Option<String>, bool, bool, Option<NaiveDate>, bool);
    let extra: Extra = accounts::table
        .find(id)
        .select((
            accounts::status,
            accounts::owner_copy_customer_id,
            accounts::paperless,
            accounts::autopay,
            accounts::final_read_on,
            accounts::closing_bill_pending,
        ))
        .first(c)?;
    let owner_copy_to = match &extra.1 {
        Some(o) => customers::table
            .find(o)
            .select(customers::name)
            .first(c)
            .optional()?,
        None => None,
    };
    let premise_id = account.premise.id.clone();
    let meter_ids: Vec<String> = meters::table
        .filter(meters::premise_id.eq(&premise_id))
        .filter(meters::status.eq(MeterStatus::Installed.as_str()))
        .select(meters::id)
        .load(c)?;
    let meters = meters_by_ids(c, &meter_ids)?;
    let services = services_of(c, &premise_id)?;
    let notes = notes_of(c, id)?;
    let open_orders = crate::domain::orders::list_filtered(
        c,
        &crate::domain::orders::OrderFilter {
            premise_id: Some(premise_id),
            status: Some(OrderStatus::Open),
            ..Default::default()
        },
    )?;
    let complaints = complaints(
        c,
        &ComplaintQuery {
            account_id: Some(id.to_owned()),
            ..Default::default()
        },
    )?;
    let contacts = contacts_of(c, &account.customer.id, Some(id))?;
    Ok(AccountOverviewDto {
        status: account.status,
        account,
        owner_copy_to,
        paperless: extra.2,
        autopay: extra.3,
        final_read_on: extra.4,
        closing_bill_pending: extra.5,
        meters,
        services,
        notes,
        open_orders,
        complaints,
        contacts,
    })
}
