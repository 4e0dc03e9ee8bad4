//! Writing a planned batch: typed multi-row upserts (`INSERT ... VALUES (...), (...) ON
//! CONFLICT (key) DO UPDATE SET column = excluded.column`), table by table, in chunks that keep
//! under both backends' limit of bound parameters. Diesel builds a multi-row statement for one
//! backend at a time, so each runs through [`crate::per_backend!`].

use std::collections::HashSet;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::upsert::excluded;

use super::parse::*;
use super::plan::*;
use super::{LOOKUP_CHUNK, MAX_BINDS, MAX_ROWS_PER_STATEMENT};
use crate::db::models::{MailingAddress, ServiceAddress};
use crate::db::schema::{
    accounts, customers, meter_reads, meter_registers, meters, premises, services, winter_averages,
};
use crate::db::WriteTx;
use crate::domain::audit::Actor;

/// Rows per statement for a table of `columns` columns.
fn rows_per(columns: usize) -> usize {
    (MAX_BINDS / columns.max(1)).clamp(1, MAX_ROWS_PER_STATEMENT)
}

pub(super) fn changed<T>(v: &[(Action, T)]) -> impl Iterator<Item = (Action, &T)> {
    v.iter()
        .filter(|(a, _)| *a != Action::Unchanged)
        .map(|(a, r)| (*a, r))
}

/// `updated_at` of a row: set when the import changes a stored record.
fn stamp(a: Action, now: NaiveDateTime) -> Option<NaiveDateTime> {
    (a == Action::Update).then_some(now)
}

#[derive(Insertable)]
#[diesel(table_name = customers, treat_none_as_default_value = false)]
struct CustomerRow<'a> {
    id: &'a str,
    name: &'a str,
    is_organisation: bool,
    mailing_address: &'a str,
    phone: Option<&'a str>,
    phone_alt: Option<&'a str>,
    email: Option<&'a str>,
    preferred_locale: &'a str,
    notify_email: bool,
    notify_text: bool,
    notify_mail: bool,
    created_at: NaiveDateTime,
    updated_at: Option<NaiveDateTime>,
    #[diesel(embed)]
    mailing: MailingAddress,
}

#[derive(Insertable)]
#[diesel(table_name = premises, treat_none_as_default_value = false)]
struct PremiseRow<'a> {
    id: &'a str,
    service_address: &'a str,
    parcel: Option<&'a str>,
    inside_city: bool,
    cycle_id: &'a str,
    route: &'a str,
    read_sequence: i32,
    dwelling_units: i32,
    notes: Option<&'a str>,
    created_at: NaiveDateTime,
    updated_at: Option<NaiveDateTime>,
    #[diesel(embed)]
    service: ServiceAddress,
}

#[derive(Insertable)]
#[diesel(table_name = meters, treat_none_as_default_value = false)]
struct MeterRow<'a> {
    id: &'a str,
    serial: &'a str,
    size: &'a str,
    kind: &'a str,
    unit: &'a str,
    manufacturer: Option<&'a str>,
    model: Option<&'a str>,
    endpoint_serial: Option<&'a str>,
    status: &'a str,
    premise_id: Option<&'a str>,
    installed_on: Option<NaiveDate>,
    removed_on: Option<NaiveDate>,
    created_at: NaiveDateTime,
    updated_at: Option<NaiveDateTime>,
}

#[derive(Insertable)]
#[diesel(table_name = meter_registers)]
struct RegisterRow<'a> {
    meter_id: &'a str,
    code: &'a str,
    digits: i32,
    multiplier: String,
}

#[derive(Insertable)]
#[diesel(table_name = services, treat_none_as_default_value = false)]
struct ServiceRow<'a> {
    id: &'a str,
    premise_id: &'a str,
    service_type: &'a str,
    customer_class: &'a str,
    rate_code: &'a str,
    status: &'a str,
    esu: Option<String>,
    started_on: NaiveDate,
    ended_on: Option<NaiveDate>,
    created_at: NaiveDateTime,
    updated_at: Option<NaiveDateTime>,
}

#[derive(Insertable)]
#[diesel(table_name = accounts, treat_none_as_default_value = false)]
struct AccountRow<'a> {
    id: &'a str,
    number: &'a str,
    customer_id: &'a str,
    premise_id: &'a str,
    status: &'a str,
    occupant: &'a str,
    opened_on: NaiveDate,
    closed_on: Option<NaiveDate>,
    deposit_required_cents: i64,
    owner_copy_customer_id: Option<&'a str>,
    paperless: bool,
    autopay: bool,
    final_read_on: Option<NaiveDate>,
    created_at: NaiveDateTime,
    updated_at: Option<NaiveDateTime>,
}

#[derive(Insertable)]
#[diesel(table_name = meter_reads, treat_none_as_default_value = false)]
struct ReadRow<'a> {
    id: &'a str,
    meter_id: &'a str,
    register_code: &'a str,
    premise_id: Option<&'a str>,
    account_id: Option<&'a str>,
    read_on: NaiveDate,
    reading: i64,
    kind: &'a str,
    source: &'a str,
    note: Option<&'a str>,
    created_by: Option<&'a str>,
    created_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = winter_averages, treat_none_as_default_value = false)]
struct WinterRow<'a> {
    premise_id: &'a str,
    season: &'a str,
    average_ccf: String,
    source: &'a str,
    created_at: NaiveDateTime,
}

/// Upserts `rows` into `$table` in chunks: one multi-row statement per chunk, a row whose key
/// exists updating the listed columns from the row given (`excluded`).
macro_rules! upsert_rows {
    ($tx:expr, $rows:expr, $table:ident, $columns:expr, ($($key:ident),+), [$($col:ident),+ $(,)?]) => {
        for chunk in $rows.chunks(rows_per($columns)) {
            crate::per_backend!($tx.db(), |c| diesel::insert_into($table::table)
                .values(chunk)
                .on_conflict(($($table::$key,)+))
                .do_update()
                .set(($($table::$col.eq(excluded($table::$col)),)+))
                .execute(c))?;
        }
    };
}

pub(super) fn write(tx: &mut WriteTx<'_>, plan: &Plan, actor: &Actor) -> QueryResult<()> {
    let now = crate::db::now();

    let rows: Vec<CustomerRow<'_>> = changed(&plan.customers)
        .map(|(a, c)| CustomerRow {
            id: &c.id,
            name: &c.name,
            is_organisation: c.is_organisation,
            mailing_address: &c.mailing_address,
            phone: c.phone.as_deref(),
            phone_alt: c.phone_alt.as_deref(),
            email: c.email.as_deref(),
            preferred_locale: &c.preferred_locale,
            notify_email: c.notify_email,
            notify_text: c.notify_text,
            notify_mail: c.notify_mail,
            created_at: now,
            updated_at: stamp(a, now),
            mailing: c.mailing.clone(),
        })
        .collect();
    upsert_rows!(
        tx,
        rows,
        customers,
        24,
        (id),
        [
            name,
            is_organisation,
            mailing_address,
            phone,
            phone_alt,
            email,
            preferred_locale,
            notify_email,
            notify_text,
            notify_mail,
            updated_at,
            house_number,
            pre_direction,
            street,
            suffix,
            post_direction,
            unit,
            city,
            state,
            zip,
            zip4,
            foreign_address,
        ]
    );

    let rows: Vec<PremiseRow<'_>> = changed(&plan.premises)
        .map(|(a, p)| PremiseRow {
            id: &p.id,
            service_address: &p.service_address,
            parcel: p.parcel.as_deref(),
            inside_city: p.inside_city,
            cycle_id: &p.cycle_id,
            route: &p.route,
            read_sequence: p.read_sequence,
            dwelling_units: p.dwelling_units,
            notes: p.notes.as_deref(),
            created_at: now,
            updated_at: stamp(a, now),
            service: p.service.clone(),
        })
        .collect();
    upsert_rows!(
        tx,
        rows,
        premises,
        21,
        (id),
        [
            service_address,
            parcel,
            inside_city,
            cycle_id,
            route,
            read_sequence,
            dwelling_units,
            notes,
            updated_at,
            house_number,
            pre_direction,
            street,
            suffix,
            post_direction,
            unit,
            city,
            state,
            zip,
            zip4,
        ]
    );

    let rows: Vec<MeterRow<'_>> = changed(&plan.meters)
        .map(|(a, m)| MeterRow {
            id: &m.id,
            serial: &m.serial,
            size: &m.size,
            kind: &m.kind,
            unit: &m.unit,
            manufacturer: m.manufacturer.as_deref(),
            model: m.model.as_deref(),
            endpoint_serial: m.endpoint_serial.as_deref(),
            status: &m.status,
            premise_id: m.premise_id.as_deref(),
            installed_on: m.installed_on,
            removed_on: m.removed_on,
            created_at: now,
            updated_at: stamp(a, now),
        })
        .collect();
    upsert_rows!(
        tx,
        rows,
        meters,
        14,
        (id),
        [
            serial,
            size,
            kind,
            unit,
            manufacturer,
            model,
            endpoint_serial,
            status,
            premise_id,
            installed_on,
            removed_on,
            updated_at,
        ]
    );

    // Registers: replaced whole for existing meters whose registers changed; added for new ones.
    for chunk in plan.register_changes.chunks(LOOKUP_CHUNK) {
        diesel::delete(meter_registers::table.filter(meter_registers::meter_id.eq_any(chunk)))
            .execute(tx.db())?;
    }
    let replaced: HashSet<&str> = plan.register_changes.iter().map(String::as_str).collect();
    let rows: Vec<RegisterRow<'_>> = plan
        .meters
        .iter()
        .filter(|(a, m)| *a == Action::Create || replaced.contains(m.id.as_str()))
        .flat_map(|(_, m)| {
            m.registers.iter().map(|r| RegisterRow {
                meter_id: &m.id,
                code: r.code.as_str(),
                digits: r.digits,
                multiplier: decimal_text(r.multiplier),
            })
        })
        .collect();
    for chunk in rows.chunks(rows_per(4)) {
        crate::per_backend!(tx.db(), |c| diesel::insert_into(meter_registers::table)
            .values(chunk)
            .execute(c))?;
    }

    let rows: Vec<ServiceRow<'_>> = changed(&plan.services)
        .map(|(a, s)| ServiceRow {
            id: &s.id,
            premise_id: &s.premise_id,
            service_type: &s.service_type,
            customer_class: &s.customer_class,
            rate_code: &s.rate_code,
            status: &s.status,
            esu: s.esu.map(decimal_text),
            started_on: s.started_on,
            ended_on: s.ended_on,
            created_at: now,
            updated_at: stamp(a, now),
        })
        .collect();
    upsert_rows!(
        tx,
        rows,
        services,
        11,
        (id),
        [
            premise_id,
            service_type,
            customer_class,
            rate_code,
            status,
            esu,
            started_on,
            ended_on,
            updated_at,
        ]
    );

    let rows: Vec<AccountRow<'_>> = changed(&plan.accounts)
        .map(|(a, acc)| AccountRow {
            id: &acc.id,
            number: &acc.number,
            customer_id: &acc.customer_id,
            premise_id: &acc.premise_id,
            status: &acc.status,
            occupant: &acc.occupant,
            opened_on: acc.opened_on,
            closed_on: acc.closed_on,
            deposit_required_cents: acc.deposit_required_cents,
            owner_copy_customer_id: acc.owner_copy_customer_id.as_deref(),
            paperless: acc.paperless,
            autopay: acc.autopay,
            final_read_on: acc.final_read_on,
            created_at: now,
            updated_at: stamp(a, now),
        })
        .collect();
    upsert_rows!(
        tx,
        rows,
        accounts,
        15,
        (id),
        [
            number,
            customer_id,
            premise_id,
            status,
            occupant,
            opened_on,
            closed_on,
            deposit_required_cents,
            owner_copy_customer_id,
            paperless,
            autopay,
            final_read_on,
            updated_at,
        ]
    );

    let rows: Vec<ReadRow<'_>> = changed(&plan.reads)
        .map(|(_, r)| ReadRow {
            id: &r.id,
            meter_id: &r.meter_id,
            register_code: &r.register_code,
            premise_id: r.premise_id.as_deref(),
            account_id: r.account_id.as_deref(),
            read_on: r.read_on,
            reading: r.reading,
            kind: SOURCE,
            source: SOURCE,
            note: r.note.as_deref(),
            created_by: actor.user_id.as_deref(),
            created_at: now,
        })
        .collect();
    upsert_rows!(
        tx,
        rows,
        meter_reads,
        12,
        (id),
        [premise_id, account_id, reading, note]
    );

    let rows: Vec<WinterRow<'_>> = changed(&plan.winter)
        .map(|(_, w)| WinterRow {
            premise_id: &w.premise_id,
            season: &w.season,
            average_ccf: decimal_text(w.average_ccf),
            source: SOURCE,
            created_at: now,
        })
        .collect();
    upsert_rows!(
        tx,
        rows,
        winter_averages,
        5,
        (premise_id, season),
        [average_ccf, source]
    );
    Ok(())
}
