//! What the database holds of the batch's records, and the plan: references and rules across
//! files checked, and what each valid record does (create, update or nothing).

use cistern_shared::FieldCode;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::str::FromStr;

use cistern_shared::dto::AccountStatus;
use cistern_shared::import::ImportFileCounts;
use cistern_shared::meters::{MeterStatus, RegisterCode};
use cistern_shared::orders::Occupant;
use cistern_shared::services::ServiceType;
use diesel::prelude::*;
use rust_decimal::Decimal;

use super::columns::*;
use super::parse::*;
use super::{shown, Problems, LOOKUP_CHUNK};
use crate::db::schema::{
    accounts, customers, cycles, meter_reads, meter_registers, meters, premises, services,
    winter_averages,
};
use crate::db::{models, DbConnection};

/// Loads rows in `IN (...)` chunks.
pub(super) fn load_chunked<T>(
    ids: &[String],
    mut load: impl FnMut(&[String]) -> QueryResult<Vec<T>>,
) -> QueryResult<Vec<T>> {
    let mut out = Vec::new();
    for chunk in ids.chunks(LOOKUP_CHUNK) {
        out.extend(load(chunk)?);
    }
    Ok(out)
}

pub(super) fn sorted_ids(ids: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut v: Vec<String> = ids.into_iter().collect();
    v.sort();
    v.dedup();
    v
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = winter_averages)]
struct StoredWinter {
    premise_id: String,
    season: String,
    average_ccf: String,
    source: String,
}

/// What the database holds of the records the batch names or refers to.
#[derive(Default)]
pub(super) struct Existing {
    /// cycle code -> id
    pub(super) cycles: BTreeMap<String, String>,
    pub(super) customers: HashMap<String, Customer>,
    pub(super) premises: HashMap<String, Premise>,
    pub(super) meters: HashMap<String, Meter>,
    pub(super) services: HashMap<String, Service>,
    pub(super) accounts: HashMap<String, Account>,
    pub(super) reads: HashMap<String, MeterRead>,
    /// (premise id, season) -> (average, source)
    pub(super) winter: HashMap<(String, String), (Decimal, String)>,
    /// serial -> meter id, for the serials in meters.csv
    pub(super) serials: HashMap<String, String>,
    /// number -> account id, for the numbers in accounts.csv
    pub(super) numbers: HashMap<String, String>,
}

pub(super) fn load_existing(conn: &mut DbConnection, b: &Batch) -> QueryResult<Existing> {
    let mut e = Existing::default();
    let rows: Vec<(String, String)> = cycles::table
        .select((cycles::code, cycles::id))
        .load(conn)?;
    e.cycles = rows.into_iter().collect();

    let customer_ids = sorted_ids(b.customers.keys.keys().cloned().chain(
        b.accounts.rows.iter().flat_map(|r| {
            std::iter::once(r.rec.customer_id.clone()).chain(r.rec.owner_copy_customer_id.clone())
        }),
    ));
    let found: Vec<Customer> = load_chunked(&customer_ids, |chunk| {
        customers::table
            .filter(customers::id.eq_any(chunk))
            .select(Customer::as_select())
            .load(conn)
    })?;
    e.customers = found.into_iter().map(|c| (c.id.clone(), c)).collect();

    let premise_ids = sorted_ids(
        b.premises
            .keys
            .keys()
            .cloned()
            .chain(
                b.meters
                    .rows
                    .iter()
                    .filter_map(|r| r.rec.rec.premise_id.clone()),
            )
            .chain(b.services.rows.iter().map(|r| r.rec.premise_id.clone()))
            .chain(b.accounts.rows.iter().map(|r| r.rec.premise_id.clone()))
            .chain(b.winter.rows.iter().map(|r| r.rec.premise_id.clone())),
    );
    let found: Vec<Premise> = load_chunked(&premise_ids, |chunk| {
        premises::table
            .filter(premises::id.eq_any(chunk))
            .select(Premise::as_select())
            .load(conn)
    })?;
    e.premises = found.into_iter().map(|p| (p.id.clone(), p)).collect();

    let meter_ids = sorted_ids(
        b.meters
            .keys
            .keys()
            .cloned()
            .chain(b.reads.rows.iter().map(|r| r.rec.rec.meter_id.clone())),
    );
    let found: Vec<models::Meter> = load_chunked(&meter_ids, |chunk| {
        meters::table
            .filter(meters::id.eq_any(chunk))
            .select(models::Meter::as_select())
            .load(conn)
    })?;
    let regs: Vec<models::MeterRegister> = load_chunked(&meter_ids, |chunk| {
        meter_registers::table
            .filter(meter_registers::meter_id.eq_any(chunk))
            .select(models::MeterRegister::as_select())
            .load(conn)
    })?;
    let mut regs_of: HashMap<String, Vec<Register>> = HashMap::new();
    for r in regs {
        regs_of.entry(r.meter_id).or_default().push(Register {
            code: r.code,
            digits: r.digits,
            // An unreadable stored multiplier compares unequal, so the import rewrites it.
            multiplier: Decimal::from_str(&r.multiplier).unwrap_or(Decimal::MIN),
        });
    }
    for m in found {
        let mut registers = regs_of.remove(&m.id).unwrap_or_default();
        registers.sort_by_key(|r| register_order(r.code));
        e.meters.insert(
            m.id.clone(),
            Meter {
                id: m.id,
                serial: m.serial,
                size: m.size,
                kind: m.kind.as_str().to_owned(),
                unit: m.unit.as_str().to_owned(),
                manufacturer: m.manufacturer,
                model: m.model,
                endpoint_serial: m.endpoint_serial,
                status: m.status.as_str().to_owned(),
                premise_id: m.premise_id,
                installed_on: m.installed_on,
                removed_on: m.removed_on,
                registers,
            },
        );
    }
    let serials = sorted_ids(b.meters.rows.iter().map(|r| r.rec.rec.serial.clone()));
    let found: Vec<(String, String)> = load_chunked(&serials, |chunk| {
        meters::table
            .filter(meters::serial.eq_any(chunk))
            .select((meters::serial, meters::id))
            .load(conn)
    })?;
    e.serials = found.into_iter().collect();

    let service_ids = sorted_ids(b.services.keys.keys().cloned());
    let found: Vec<models::Service> = load_chunked(&service_ids, |chunk| {
        services::table
            .filter(services::id.eq_any(chunk))
            .select(models::Service::as_select())
            .load(conn)
    })?;
    e.services = found
        .into_iter()
        .map(|s| {
            (
                s.id.clone(),
                Service {
                    id: s.id,
                    premise_id: s.premise_id,
                    service_type: s.service_type.as_str().to_owned(),
                    customer_class: s.customer_class,
                    rate_code: s.rate_code,
                    status: s.status.as_str().to_owned(),
                    esu: s.esu.map(|t| Decimal::from_str(&t).unwrap_or(Decimal::MIN)),
                    started_on: s.started_on,
                    ended_on: s.ended_on,
                },
            )
        })
        .collect();

    let account_ids = sorted_ids(
        b.accounts.keys.keys().cloned().chain(
            b.reads
                .rows
                .iter()
                .filter_map(|r| r.rec.rec.account_id.clone()),
        ),
    );
    let found: Vec<Account> = load_chunked(&account_ids, |chunk| {
        accounts::table
            .filter(accounts::id.eq_any(chunk))
            .select(Account::as_select())
            .load(conn)
    })?;
    e.accounts = found.into_iter().map(|a| (a.id.clone(), a)).collect();
    let numbers = sorted_ids(b.accounts.rows.iter().map(|r| r.rec.number.clone()));
    let found: Vec<(String, String)> = load_chunked(&numbers, |chunk| {
        accounts::table
            .filter(accounts::number.eq_any(chunk))
            .select((accounts::number, accounts::id))
            .load(conn)
    })?;
    e.numbers = found.into_iter().collect();

    let read_ids = sorted_ids(b.reads.rows.iter().map(|r| r.rec.rec.id.clone()));
    let found: Vec<MeterRead> = load_chunked(&read_ids, |chunk| {
        meter_reads::table
            .filter(meter_reads::id.eq_any(chunk))
            .select(MeterRead::as_select())
            .load(conn)
    })?;
    e.reads = found.into_iter().map(|r| (r.id.clone(), r)).collect();

    let winter_premises = sorted_ids(b.winter.rows.iter().map(|r| r.rec.premise_id.clone()));
    let found: Vec<StoredWinter> = load_chunked(&winter_premises, |chunk| {
        winter_averages::table
            .filter(winter_averages::premise_id.eq_any(chunk))
            .select(StoredWinter::as_select())
            .load(conn)
    })?;
    e.winter = found
        .into_iter()
        .map(|w| {
            let average = Decimal::from_str(&w.average_ccf).unwrap_or(Decimal::MIN);
            ((w.premise_id, w.season), (average, w.source))
        })
        .collect();
    Ok(e)
}

/// What a record does in this batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Action {
    Create,
    Update,
    Unchanged,
}

pub(super) fn action<T: PartialEq>(new: &T, old: Option<&T>) -> Action {
    match old {
        None => Action::Create,
        Some(o) if o == new => Action::Unchanged,
        Some(_) => Action::Update,
    }
}

/// Columns the header left out keep their stored values on an update.
macro_rules! keep_absent {
    ($parsed:expr, $new:expr, $old:expr; $($col:literal => $field:ident),* $(,)?) => {
        $(
            if !$parsed.has($col) {
                $new.$field = $old.$field.clone();
            }
        )*
    };
}

#[derive(Default)]
pub(super) struct Plan {
    pub(super) customers: Vec<(Action, Customer)>,
    pub(super) premises: Vec<(Action, Premise)>,
    pub(super) meters: Vec<(Action, Meter)>,
    /// Existing meters whose registers are replaced.
    pub(super) register_changes: Vec<String>,
    pub(super) services: Vec<(Action, Service)>,
    pub(super) accounts: Vec<(Action, Account)>,
    pub(super) reads: Vec<(Action, MeterRead)>,
    pub(super) winter: Vec<(Action, WinterAverage)>,
}

pub(super) fn counts(
    file: FileKind,
    rows: u64,
    actions: impl Iterator<Item = Action>,
) -> ImportFileCounts {
    let mut c = ImportFileCounts {
        file: file.file_name().to_owned(),
        rows,
        ..Default::default()
    };
    for a in actions {
        match a {
            Action::Create => c.created += 1,
            Action::Update => c.updated += 1,
            Action::Unchanged => c.unchanged += 1,
        }
    }
    c
}

impl Plan {
    pub(super) fn counts(&self, b: &Batch) -> Vec<ImportFileCounts> {
        let mut out = Vec::new();
        let mut add = |sent: bool, c: ImportFileCounts| {
            if sent {
                out.push(c);
            }
        };
        add(
            b.customers.sent,
            counts(
                FileKind::Customers,
                b.customers.count,
                acts_of(&self.customers),
            ),
        );
        add(
            b.premises.sent,
            counts(
                FileKind::Premises,
                b.premises.count,
                acts_of(&self.premises),
            ),
        );
        add(
            b.meters.sent,
            counts(FileKind::Meters, b.meters.count, acts_of(&self.meters)),
        );
        add(
            b.services.sent,
            counts(
                FileKind::Services,
                b.services.count,
                acts_of(&self.services),
            ),
        );
        add(
            b.accounts.sent,
            counts(
                FileKind::Accounts,
                b.accounts.count,
                acts_of(&self.accounts),
            ),
        );
        add(
            b.reads.sent,
            counts(FileKind::Reads, b.reads.count, acts_of(&self.reads)),
        );
        add(
            b.winter.sent,
            counts(
                FileKind::WinterAverages,
                b.winter.count,
                acts_of(&self.winter),
            ),
        );
        out
    }
}

pub(super) fn acts_of<T>(v: &[(Action, T)]) -> impl Iterator<Item = Action> + '_ {
    v.iter().map(|(a, _)| *a)
}

/// Checks references and cross-field rules against the batch and the database, and decides
/// what each valid record does. Rows with problems of their own are still checked for
/// references and for rules over their good columns, so one dry run reports everything.
pub(super) fn plan(conn: &mut DbConnection, b: &Batch, p: &mut Problems) -> QueryResult<Plan> {
    let e = load_existing(conn, b)?;
    let mut plan = Plan::default();
    let premise_known = |id: &str| b.premises.keys.contains_key(id) || e.premises.contains_key(id);
    let customer_known =
        |id: &str| b.customers.keys.contains_key(id) || e.customers.contains_key(id);
    let missing = |p: &mut Problems, file: &str, line: u64, field: &str, what: &str, id: &str| {
        p.add(
            file,
            line,
            field,
            FieldCode::UnknownReference,
            format!(
                "{what} `{}` is neither in {what_file} nor imported before",
                legacy_of(id),
                what_file = match what {
                    "customer" => "customers.csv",
                    "premise" => "premises.csv",
                    "meter" => "meters.csv",
                    _ => "accounts.csv",
                }
            ),
        );
    };

    // Customers.
    for row in b.customers.rows.iter().filter(|r| r.valid) {
        let mut rec = row.rec.clone();
        let old = e.customers.get(&rec.id);
        if let Some(old) = old {
            keep_absent!(b.customers, rec, old;
                "is_organisation" => is_organisation, "phone" => phone, "phone_alt" => phone_alt,
                "email" => email, "preferred_locale" => preferred_locale,
                "notify_email" => notify_email, "notify_text" => notify_text,
                "notify_mail" => notify_mail);
        }
        plan.customers.push((action(&rec, old), rec));
    }

    // Premises.
    let file = FileKind::Premises.file_name();
    for row in &b.premises.rows {
        let mut rec = row.rec.rec.clone();
        let code = &row.rec.cycle_code;
        match e.cycles.get(code) {
            Some(id) => rec.cycle_id = id.clone(),
            None if code.is_empty() => {}
            None => {
                let codes: Vec<&str> = e.cycles.keys().map(String::as_str).collect();
                p.add(
                    file,
                    row.line,
                    "cycle_code",
                    FieldCode::UnknownReference,
                    format!(
                        "no billing cycle has the code `{}`; the cycles are: {}",
                        shown(code),
                        if codes.is_empty() {
                            "(none yet: create the cycles first)".to_owned()
                        } else {
                            codes.join(", ")
                        }
                    ),
                );
                continue;
            }
        }
        if !row.valid {
            continue;
        }
        let old = e.premises.get(&rec.id);
        if let Some(old) = old {
            keep_absent!(b.premises, rec, old;
                "parcel" => parcel, "inside_city" => inside_city,
                "dwelling_units" => dwelling_units, "notes" => notes);
        }
        plan.premises.push((action(&rec, old), rec));
    }

    // Meters.
    let file = FileKind::Meters.file_name();
    let mut meter_after: HashMap<String, Meter> = HashMap::new();
    let mut register_check: Vec<(u64, String, Vec<RegisterCode>)> = Vec::new();
    for row in &b.meters.rows {
        let mut rec = row.rec.rec.clone();
        if let Some(pid) = &rec.premise_id {
            if !premise_known(pid) {
                missing(p, file, row.line, "premise_legacy_id", "premise", pid);
            }
        }
        match e.serials.get(&rec.serial) {
            Some(holder) if *holder != rec.id && !rec.serial.is_empty() => p.add(
                file,
                row.line,
                "serial",
                FieldCode::Taken,
                format!(
                    "serial `{}` is already on meter {holder} in Cistern (to move a serial between meters, import the two changes separately)",
                    shown(&rec.serial)
                ),
            ),
            _ => {}
        }
        let old = e.meters.get(&rec.id);
        if let Some(old) = old {
            keep_absent!(b.meters, rec, old;
                "manufacturer" => manufacturer, "model" => model,
                "endpoint_serial" => endpoint_serial, "premise_legacy_id" => premise_id,
                "installed_on" => installed_on, "removed_on" => removed_on);
        }
        rec.status = match (row.rec.status, old) {
            (Some(s), _) => s.as_str().to_owned(),
            (None, Some(o)) if !b.meters.has("status") => o.status.clone(),
            (None, _) if rec.premise_id.is_some() => MeterStatus::Installed.as_str().to_owned(),
            (None, _) => MeterStatus::InStock.as_str().to_owned(),
        };
        if row.fine(&["status", "premise_legacy_id"]) {
            let installed = rec.status == MeterStatus::Installed.as_str();
            if installed && rec.premise_id.is_none() {
                p.add(
                    file,
                    row.line,
                    "premise_legacy_id",
                    FieldCode::Required,
                    "an installed meter needs the premise it is installed at",
                );
            }
            let unplaced = [MeterStatus::InStock.as_str(), MeterStatus::Retired.as_str()];
            if unplaced.contains(&rec.status.as_str()) && rec.premise_id.is_some() {
                p.add(
                    file,
                    row.line,
                    "premise_legacy_id",
                    FieldCode::Invalid,
                    format!("a meter that is {} is at no premise", rec.status),
                );
            }
        }
        if let (Some(i), Some(r)) = (rec.installed_on, rec.removed_on) {
            if r < i {
                p.add(
                    file,
                    row.line,
                    "removed_on",
                    FieldCode::Range,
                    "is before installed_on",
                );
            }
        }
        if !row.valid {
            continue;
        }
        if let Some(old) = old {
            if old.registers != rec.registers {
                let kept: Vec<RegisterCode> = rec.registers.iter().map(|r| r.code).collect();
                let dropped: Vec<RegisterCode> = old
                    .registers
                    .iter()
                    .map(|r| r.code)
                    .filter(|c| !kept.contains(c))
                    .collect();
                register_check.push((row.line, rec.id.clone(), dropped));
                plan.register_changes.push(rec.id.clone());
            }
        }
        meter_after.insert(rec.id.clone(), rec.clone());
        plan.meters.push((action(&rec, old), rec));
    }
    // A register that has reads in Cistern cannot disappear.
    let changing: Vec<String> = register_check
        .iter()
        .filter(|(_, _, dropped)| !dropped.is_empty())
        .map(|(_, id, _)| id.clone())
        .collect();
    let with_reads: Vec<(String, String)> = load_chunked(&changing, |chunk| {
        meter_reads::table
            .filter(meter_reads::meter_id.eq_any(chunk))
            .select((meter_reads::meter_id, meter_reads::register_code))
            .distinct()
            .load(conn)
    })?;
    let with_reads: HashSet<(String, String)> = with_reads.into_iter().collect();
    for (line, id, dropped) in &register_check {
        for code in dropped {
            if with_reads.contains(&(id.clone(), code.as_str().to_owned())) {
                p.add(
                    file,
                    *line,
                    "kind",
                    FieldCode::Conflict,
                    format!(
                        "meter `{}` has reads on its `{}` register in Cistern, so that register cannot be removed",
                        legacy_of(id),
                        code.as_str()
                    ),
                );
            }
        }
    }

    // Services.
    let file = FileKind::Services.file_name();
    for row in &b.services.rows {
        let mut rec = row.rec.clone();
        if !rec.premise_id.is_empty() && !premise_known(&rec.premise_id) {
            missing(
                p,
                file,
                row.line,
                "premise_legacy_id",
                "premise",
                &rec.premise_id,
            );
        }
        let old = e.services.get(&rec.id);
        if let Some(old) = old {
            keep_absent!(b.services, rec, old;
                "status" => status, "esu" => esu, "ended_on" => ended_on);
        }
        if row.fine(&["started_on", "ended_on"]) && rec.ended_on.is_some_and(|d| d < rec.started_on)
        {
            p.add(
                file,
                row.line,
                "ended_on",
                FieldCode::Range,
                "is before started_on",
            );
        }
        if row.fine(&["service_type", "esu"])
            && rec.esu.is_some()
            && rec.service_type != ServiceType::Stormwater.as_str()
        {
            p.add(
                file,
                row.line,
                "esu",
                FieldCode::Invalid,
                "equivalent service units are for stormwater services only",
            );
        }
        if row.valid {
            plan.services.push((action(&rec, old), rec));
        }
    }

    // Accounts.
    let file = FileKind::Accounts.file_name();
    let mut account_after: HashMap<String, Account> = HashMap::new();
    for row in &b.accounts.rows {
        let mut rec = row.rec.clone();
        if !rec.customer_id.is_empty() && !customer_known(&rec.customer_id) {
            missing(
                p,
                file,
                row.line,
                "customer_legacy_id",
                "customer",
                &rec.customer_id,
            );
        }
        if !rec.premise_id.is_empty() && !premise_known(&rec.premise_id) {
            missing(
                p,
                file,
                row.line,
                "premise_legacy_id",
                "premise",
                &rec.premise_id,
            );
        }
        if let Some(owner) = &rec.owner_copy_customer_id {
            if !customer_known(owner) {
                missing(
                    p,
                    file,
                    row.line,
                    "owner_copy_customer_legacy_id",
                    "customer",
                    owner,
                );
            }
        }
        match e.numbers.get(&rec.number) {
            Some(holder) if *holder != rec.id && !rec.number.is_empty() => p.add(
                file,
                row.line,
                "number",
                FieldCode::Taken,
                format!(
                    "account number `{}` already belongs to account {holder} in Cistern",
                    shown(&rec.number)
                ),
            ),
            _ => {}
        }
        let old = e.accounts.get(&rec.id);
        if let Some(old) = old {
            keep_absent!(b.accounts, rec, old;
                "closed_on" => closed_on, "deposit_required" => deposit_required_cents,
                "owner_copy_customer_legacy_id" => owner_copy_customer_id,
                "paperless" => paperless, "autopay" => autopay,
                "final_read_on" => final_read_on);
        }
        let closed = rec.status == AccountStatus::Closed.as_str();
        if row.fine(&["status", "closed_on"]) {
            match rec.closed_on {
                None if closed => p.add(
                    file,
                    row.line,
                    "closed_on",
                    FieldCode::Required,
                    "a closed account needs the date it closed",
                ),
                Some(_) if !closed => p.add(
                    file,
                    row.line,
                    "closed_on",
                    FieldCode::Invalid,
                    format!(
                        "only a closed account has closed_on (status is {})",
                        rec.status
                    ),
                ),
                _ => {}
            }
        }
        if row.fine(&["opened_on", "closed_on"]) && rec.closed_on.is_some_and(|d| d < rec.opened_on)
        {
            p.add(
                file,
                row.line,
                "closed_on",
                FieldCode::Range,
                "is before opened_on",
            );
        }
        if row.fine(&["opened_on", "final_read_on"])
            && rec.final_read_on.is_some_and(|d| d < rec.opened_on)
        {
            p.add(
                file,
                row.line,
                "final_read_on",
                FieldCode::Range,
                "is before opened_on",
            );
        }
        if row.fine(&["occupant", "owner_copy_customer_legacy_id"])
            && rec.owner_copy_customer_id.is_some()
            && rec.occupant != Occupant::Tenant.as_str()
        {
            p.add(
                file,
                row.line,
                "owner_copy_customer_legacy_id",
                FieldCode::Invalid,
                "an owner's copy is for rentals (occupant tenant)",
            );
        }
        if row.valid {
            account_after.insert(rec.id.clone(), rec.clone());
            plan.accounts.push((action(&rec, old), rec));
        }
    }

    // Reads.
    let file = FileKind::Reads.file_name();
    for row in &b.reads.rows {
        let mut rec = row.rec.rec.clone();
        // A meter in meters.csv is checked as the file has it (not at all if its row is bad).
        let in_file = b.meters.keys.contains_key(&rec.meter_id);
        let meter = if in_file {
            meter_after.get(&rec.meter_id)
        } else {
            e.meters.get(&rec.meter_id)
        };
        match meter {
            Some(m) => {
                rec.premise_id = m.premise_id.clone();
                match m.registers.iter().find(|r| r.code == row.rec.register) {
                    Some(r) => {
                        let limit = 10i64.checked_pow(u32::try_from(r.digits).unwrap_or(0));
                        if row.fine(&["reading"]) && limit.is_some_and(|l| rec.reading >= l) {
                            p.add(
                                file,
                                row.line,
                                "reading",
                                FieldCode::Range,
                                format!(
                                    "does not fit the {}-digit register of meter `{}`",
                                    r.digits,
                                    legacy_of(&m.id)
                                ),
                            );
                        }
                    }
                    None => {
                        let codes: Vec<&str> =
                            m.registers.iter().map(|r| r.code.as_str()).collect();
                        p.add(
                            file,
                            row.line,
                            "register",
                            FieldCode::UnknownReference,
                            format!(
                                "meter `{}` has no `{}` register (it has: {})",
                                legacy_of(&m.id),
                                row.rec.register.as_str(),
                                codes.join(", ")
                            ),
                        );
                    }
                }
            }
            None if in_file => {}
            None => missing(p, file, row.line, "meter_legacy_id", "meter", &rec.meter_id),
        }
        if let Some(aid) = &rec.account_id {
            let in_file = b.accounts.keys.contains_key(aid);
            let account = if in_file {
                account_after.get(aid)
            } else {
                e.accounts.get(aid)
            };
            match account {
                Some(a) => {
                    if let Some(mp) = meter.and_then(|m| m.premise_id.as_ref()) {
                        if *mp != a.premise_id {
                            p.add(
                                file,
                                row.line,
                                "account_legacy_id",
                                FieldCode::Conflict,
                                format!(
                                    "account `{}` is at premise `{}`, but meter `{}` is at premise `{}`",
                                    legacy_of(aid),
                                    legacy_of(&a.premise_id),
                                    legacy_of(&rec.meter_id),
                                    legacy_of(mp)
                                ),
                            );
                        }
                    }
                }
                None if in_file => {}
                None => missing(p, file, row.line, "account_legacy_id", "account", aid),
            }
        }
        if !row.valid {
            continue;
        }
        let old = e.reads.get(&rec.id);
        if let Some(old) = old {
            keep_absent!(b.reads, rec, old;
                "account_legacy_id" => account_id, "note" => note);
        }
        plan.reads.push((action(&rec, old), rec));
    }

    // Winter averages.
    let file = FileKind::WinterAverages.file_name();
    for row in &b.winter.rows {
        let rec = row.rec.clone();
        if !premise_known(&rec.premise_id) {
            missing(
                p,
                file,
                row.line,
                "premise_legacy_id",
                "premise",
                &rec.premise_id,
            );
        }
        let key = (rec.premise_id.clone(), rec.season.clone());
        let act = match e.winter.get(&key) {
            None => Action::Create,
            Some((_, source)) if source != SOURCE => {
                p.add(
                    file,
                    row.line,
                    "season",
                    FieldCode::Conflict,
                    format!(
                        "Cistern already has a winter average for premise `{}` in {} (source: {}); it is not overwritten",
                        legacy_of(&rec.premise_id),
                        rec.season,
                        shown(source)
                    ),
                );
                Action::Unchanged
            }
            Some((avg, _)) if *avg == rec.average_ccf => Action::Unchanged,
            Some(_) => Action::Update,
        };
        if row.valid {
            plan.winter.push((act, rec));
        }
    }
    Ok(plan)
}

/// The `source` of imported reads and winter averages.
pub(super) const SOURCE: &str = "conversion";
