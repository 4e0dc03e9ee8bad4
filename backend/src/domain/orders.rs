//! Service orders and the workflows built on them: move-in, move-out, transfer of service,
//! meter change-out, and the consumption that reads imply.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use cistern_shared::cis::*;
use cistern_shared::dto::AccountStatus;
use cistern_shared::{ErrorCode, Money, Role};
use diesel::prelude::*;
use rust_decimal::Decimal;

use crate::auth::Principal;
use crate::db::schema::{
    accounts, customers, cycles, meter_reads, meter_registers, meters, premises, service_orders,
    users,
};
use crate::db::{now, DbConnection};
use crate::domain::audit::{self, Actor, Change};
use crate::domain::cis::{self, next_number, utc};
use crate::domain::{new_id, search};
use crate::error::{ApiError, ApiResult};

/// Order types that leave a reading of the meter behind.
pub fn needs_reading(t: OrderType) -> bool {
    !matches!(t, OrderType::LeakCheck | OrderType::Locate)
}

/// Order types that work on the meter installed at the premise.
fn works_on_installed_meter(t: OrderType) -> bool {
    !matches!(t, OrderType::MeterSet | OrderType::Locate)
}

pub use cistern_shared::query::OrderFilter;

type OrderRow = (
    (
        String,
        String,
        String,
        String,
        String,
        String,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
    ),
    (
        NaiveDate,
        Option<String>,
        NaiveDateTime,
        Option<NaiveDate>,
        Option<i64>,
        Option<i64>,
        Option<String>,
        Option<String>,
    ),
);

pub fn list_filtered(c: &mut DbConnection, f: &OrderFilter) -> ApiResult<Vec<ServiceOrderDto>> {
    let mut q = service_orders::table
        .inner_join(premises::table)
        .select((
            (
                service_orders::id,
                service_orders::number,
                service_orders::order_type,
                service_orders::status,
                service_orders::priority,
                service_orders::premise_id,
                premises::service_address,
                service_orders::account_id,
                service_orders::meter_id,
                service_orders::new_meter_id,
                service_orders::assigned_to,
            ),
            (
                service_orders::due_on,
                service_orders::instructions,
                service_orders::created_at,
                service_orders::completed_on,
                service_orders::reading,
                service_orders::new_reading,
                service_orders::completion_notes,
                service_orders::cancel_reason,
            ),
        ))
        .order((service_orders::due_on.asc(), service_orders::number.asc()))
        .limit(1000)
        .into_boxed();
    if let Some(s) = f.status {
        q = q.filter(service_orders::status.eq(s.as_str()));
    }
    if let Some(t) = f.order_type {
        q = q.filter(service_orders::order_type.eq(t.as_str()));
    }
    if let Some(a) = &f.assigned_to {
        q = q.filter(service_orders::assigned_to.eq(a.clone()));
    }
    if let Some(p) = &f.premise_id {
        q = q.filter(service_orders::premise_id.eq(p.clone()));
    }
    if let Some(a) = &f.account_id {
        q = q.filter(service_orders::account_id.eq(a.clone()));
    }
    let rows: Vec<OrderRow> = q.load(c)?;
    // Names for the ids on the page, in three bulk lookups (no per-row queries).
    let ids = |pick: &dyn Fn(&OrderRow) -> Option<String>| -> Vec<String> {
        let mut v: Vec<String> = rows.iter().filter_map(pick).collect();
        v.sort();
        v.dedup();
        v
    };
    let account_ids = ids(&|r| r.0 .7.clone());
    let meter_ids = ids(&|r| r.0 .8.clone().or(r.0 .9.clone()));
    let mut meter_ids2 = ids(&|r| r.0 .9.clone());
    meter_ids2.extend(meter_ids);
    let user_ids = ids(&|r| r.0 .10.clone());
    let accts: Vec<(String, String, String)> = accounts::table
        .inner_join(customers::table)
        .filter(accounts::id.eq_any(&account_ids))
        .select((accounts::id, accounts::number, customers::name))
        .load(c)?;
    let serials: Vec<(String, String)> = meters::table
        .filter(meters::id.eq_any(&meter_ids2))
        .select((meters::id, meters::serial))
        .load(c)?;
    let names: Vec<(String, String)> = users::table
        .filter(users::id.eq_any(&user_ids))
        .select((users::id, users::display_name))
        .load(c)?;
    let serial_of = |id: &Option<String>| {
        id.as_ref()
            .and_then(|i| serials.iter().find(|s| &s.0 == i))
            .map(|s| s.1.clone())
    };
    rows.into_iter()
        .map(|(a, b)| {
            let acct = a.7.as_ref().and_then(|i| accts.iter().find(|x| &x.0 == i));
            Ok(ServiceOrderDto {
                order_type: OrderType::parse(&a.2)
                    .ok_or_else(|| ApiError::internal("order type"))?,
                status: OrderStatus::parse(&a.3)
                    .ok_or_else(|| ApiError::internal("order status"))?,
                priority: Priority::parse(&a.4).ok_or_else(|| ApiError::internal("priority"))?,
                account_number: acct.map(|x| x.1.clone()),
                customer_name: acct.map(|x| x.2.clone()),
                meter_serial: serial_of(&a.8),
                new_meter_serial: serial_of(&a.9),
                assigned_name: a
                    .10
                    .as_ref()
                    .and_then(|i| names.iter().find(|n| &n.0 == i))
                    .map(|n| n.1.clone()),
                id: a.0,
                number: a.1,
                premise_id: a.5,
                service_address: a.6,
                account_id: a.7,
                meter_id: a.8,
                new_meter_id: a.9,
                assigned_to: a.10,
                due_on: b.0,
                instructions: b.1,
                created_at: utc(b.2),
                completed_on: b.3,
                reading: b.4,
                new_reading: b.5,
                completion_notes: b.6,
                cancel_reason: b.7,
            })
        })
        .collect()
}

/// One order. Field users see only the orders assigned to them (others answer 404).
pub fn get(c: &mut DbConnection, who: Option<&Principal>, id: &str) -> ApiResult<ServiceOrderDto> {
    let row: Option<(String, Option<String>)> = service_orders::table
        .find(id)
        .select((service_orders::premise_id, service_orders::assigned_to))
        .first(c)
        .optional()?;
    let (premise_id, assigned) = row.ok_or_else(ApiError::not_found)?;
    if let Some(p) = who {
        if p.role == Role::Field && assigned.as_deref() != Some(p.user_id.as_str()) {
            return Err(ApiError::not_found());
        }
    }
    list_filtered(
        c,
        &OrderFilter {
            premise_id: Some(premise_id),
            ..Default::default()
        },
    )?
    .into_iter()
    .find(|o| o.id == id)
    .ok_or_else(ApiError::not_found)
}

/// Who can take service orders, field users first, with their open and overdue orders
/// (one query for all of them, not one per person).
pub fn assignees(c: &mut DbConnection, today: NaiveDate) -> ApiResult<Vec<AssigneeDto>> {
    let roles = Role::ASSIGNABLE.map(|r| r.as_str());
    let people: Vec<(String, String, String)> = users::table
        .filter(users::active.eq(true))
        .filter(users::role.eq_any(roles))
        .select((users::id, users::display_name, users::role))
        .load(c)?;
    // Open orders are a day's or a week's work: tallied here from one query.
    let open_rows: Vec<(Option<String>, NaiveDate)> = service_orders::table
        .filter(service_orders::status.eq(OrderStatus::Open.as_str()))
        .filter(service_orders::assigned_to.is_not_null())
        .select((service_orders::assigned_to, service_orders::due_on))
        .load(c)?;
    let mut open: HashMap<String, i64> = HashMap::new();
    let mut overdue: HashMap<String, i64> = HashMap::new();
    for (who, due) in open_rows {
        let Some(who) = who else { continue };
        if due < today {
            *overdue.entry(who.clone()).or_default() += 1;
        }
        *open.entry(who).or_default() += 1;
    }
    let mut list: Vec<AssigneeDto> = people
        .into_iter()
        .filter_map(|(id, display_name, role)| {
            Some(AssigneeDto {
                open_orders: open.get(&id).copied().unwrap_or(0),
                overdue_orders: overdue.get(&id).copied().unwrap_or(0),
                role: Role::parse(&role)?,
                id,
                display_name,
            })
        })
        .collect();
    let rank = |r: Role| match r {
        Role::Field => 0,
        Role::Lead => 1,
        _ => 2,
    };
    list.sort_by(|a, b| {
        (rank(a.role), a.display_name.to_lowercase(), &a.id).cmp(&(
            rank(b.role),
            b.display_name.to_lowercase(),
            &b.id,
        ))
    });
    Ok(list)
}

fn check_assignee(c: &mut DbConnection, id: &str) -> ApiResult<()> {
    let row: Option<(String, bool)> = users::table
        .find(id)
        .select((users::role, users::active))
        .first(c)
        .optional()?;
    match row {
        Some((role, true)) if Role::parse(&role).is_some_and(|r| Role::ASSIGNABLE.contains(&r)) => {
            Ok(())
        }
        _ => Err(ApiError::field(
            "assigned_to",
            "unknown",
            "not an active field user",
        )),
    }
}

fn installed_meters(c: &mut DbConnection, premise_id: &str) -> QueryResult<Vec<String>> {
    meters::table
        .filter(meters::premise_id.eq(premise_id))
        .filter(meters::status.eq(MeterStatus::Installed.as_str()))
        .select(meters::id)
        .load(c)
}

fn meter_in_stock(c: &mut DbConnection, id: &str, field: &str) -> ApiResult<()> {
    let status: Option<String> = meters::table
        .find(id)
        .select(meters::status)
        .first(c)
        .optional()?;
    match status.as_deref() {
        Some("in_stock") => Ok(()),
        Some(_) => Err(ApiError::field(
            field,
            "not_in_stock",
            "that meter is not in stock",
        )),
        None => Err(ApiError::field(field, "unknown", "no such meter")),
    }
}

pub fn create(
    c: &mut DbConnection,
    actor: &Actor,
    input: &CreateServiceOrder,
) -> ApiResult<ServiceOrderDto> {
    let premise: Option<String> = premises::table
        .find(&input.premise_id)
        .select(premises::id)
        .first(c)
        .optional()?;
    premise.ok_or_else(|| ApiError::field("premise_id", "unknown", "no such premise"))?;
    if let Some(a) = &input.account_id {
        let at: Option<String> = accounts::table
            .find(a)
            .select(accounts::premise_id)
            .first(c)
            .optional()?;
        if at.as_deref() != Some(input.premise_id.as_str()) {
            return Err(ApiError::field(
                "account_id",
                "unknown",
                "not an account at this premise",
            ));
        }
    }
    let t = input.order_type;
    let installed = installed_meters(c, &input.premise_id)?;
    let meter_id = if works_on_installed_meter(t) {
        match &input.meter_id {
            Some(m) if installed.contains(m) => Some(m.clone()),
            Some(_) => {
                return Err(ApiError::field(
                    "meter_id",
                    "not_installed",
                    "that meter is not installed at this premise",
                ))
            }
            None if installed.len() == 1 => installed.first().cloned(),
            None if installed.is_empty() && t != OrderType::Reread && t != OrderType::LeakCheck => {
                return Err(ApiError::field(
                    "meter_id",
                    "no_meter",
                    "no meter is installed at this premise: set one first",
                ))
            }
            None if installed.is_empty() => None,
            None => {
                return Err(ApiError::field(
                    "meter_id",
                    "required",
                    "choose which of the premise's meters",
                ))
            }
        }
    } else {
        None
    };
    let new_meter_id = match t {
        OrderType::MeterSet | OrderType::MeterChange => {
            let m = input.new_meter_id.clone().ok_or_else(|| {
                ApiError::field(
                    "new_meter_id",
                    "required",
                    "choose the meter to install from stock",
                )
            })?;
            meter_in_stock(c, &m, "new_meter_id")?;
            if t == OrderType::MeterSet && !installed.is_empty() {
                return Err(ApiError::field(
                    "order_type",
                    "meter_installed",
                    "the premise has a meter: use a meter change",
                ));
            }
            Some(m)
        }
        _ => None,
    };
    if let Some(a) = &input.assigned_to {
        check_assignee(c, a)?;
    }
    if !input.allow_duplicate {
        let open: Option<String> = service_orders::table
            .filter(service_orders::premise_id.eq(&input.premise_id))
            .filter(service_orders::order_type.eq(t.as_str()))
            .filter(service_orders::status.eq(OrderStatus::Open.as_str()))
            .select(service_orders::number)
            .first(c)
            .optional()?;
        if let Some(number) = open {
            return Err(ApiError::with_detail(
                ErrorCode::DuplicateOpenOrder,
                format!("{number} is already open for this address"),
            ));
        }
    }
    let id = new_id();
    let number = format!("SO-{:06}", next_number(c, "service_order")?);
    diesel::insert_into(service_orders::table)
        .values((
            service_orders::id.eq(&id),
            service_orders::number.eq(&number),
            service_orders::order_type.eq(t.as_str()),
            service_orders::status.eq(OrderStatus::Open.as_str()),
            service_orders::priority.eq(input.priority.as_str()),
            service_orders::premise_id.eq(&input.premise_id),
            service_orders::account_id.eq(&input.account_id),
            service_orders::meter_id.eq(&meter_id),
            service_orders::new_meter_id.eq(&new_meter_id),
            service_orders::assigned_to.eq(&input.assigned_to),
            service_orders::due_on.eq(input.due_on),
            service_orders::instructions.eq(&input.instructions),
            service_orders::created_by.eq(&actor.username),
            service_orders::created_at.eq(now()),
        ))
        .execute(c)?;
    audit::record(
        c,
        actor,
        Change {
            action: "service_order.create",
            entity_type: "service_order",
            entity_id: &id,
            before: None,
            after: Some(serde_json::json!({ "number": number, "order": input })),
            reason: None,
        },
    )?;
    get(c, None, &id)
}

pub fn assign(
    c: &mut DbConnection,
    actor: &Actor,
    id: &str,
    input: &AssignServiceOrder,
) -> ApiResult<ServiceOrderDto> {
    let before = get(c, None, id)?;
    if before.status != OrderStatus::Open {
        return Err(ApiError::new(ErrorCode::OrderNotOpen));
    }
    if let Some(a) = &input.assigned_to {
        check_assignee(c, a)?;
    }
    diesel::update(service_orders::table.find(id))
        .set((
            service_orders::assigned_to.eq(&input.assigned_to),
            service_orders::due_on.eq(input.due_on.unwrap_or(before.due_on)),
            service_orders::priority.eq(input.priority.unwrap_or(before.priority).as_str()),
        ))
        .execute(c)?;
    audit::record(
        c,
        actor,
        Change {
            action: "service_order.assign",
            entity_type: "service_order",
            entity_id: id,
            before: Some(
                serde_json::json!({ "assigned_to": before.assigned_to, "due_on": before.due_on, "priority": before.priority }),
            ),
            after: audit::snapshot(input),
            reason: None,
        },
    )?;
    get(c, None, id)
}

pub fn cancel(
    c: &mut DbConnection,
    actor: &Actor,
    id: &str,
    reason: &str,
) -> ApiResult<ServiceOrderDto> {
    let n = diesel::update(
        service_orders::table
            .find(id)
            .filter(service_orders::status.eq(OrderStatus::Open.as_str())),
    )
    .set((
        service_orders::status.eq(OrderStatus::Cancelled.as_str()),
        service_orders::cancel_reason.eq(reason),
    ))
    .execute(c)?;
    if n == 0 {
        get(c, None, id)?;
        return Err(ApiError::new(ErrorCode::OrderNotOpen));
    }
    audit::record(
        c,
        actor,
        Change {
            action: "service_order.cancel",
            entity_type: "service_order",
            entity_id: id,
            before: None,
            after: None,
            reason: Some(reason),
        },
    )?;
    get(c, None, id)
}

fn set_account_status(
    c: &mut DbConnection,
    account_id: &str,
    from: &[AccountStatus],
    to: AccountStatus,
) -> ApiResult<bool> {
    let from: Vec<&str> = from.iter().map(|s| s.as_str()).collect();
    let n = diesel::update(
        accounts::table
            .find(account_id)
            .filter(accounts::status.eq_any(from)),
    )
    .set((
        accounts::status.eq(to.as_str()),
        accounts::updated_at.eq(Some(now())),
    ))
    .execute(c)?;
    Ok(n == 1)
}

/// Completes an order: records its reading(s) and notes and updates the account and meters,
/// all in the caller's transaction. A second completion is refused.
pub fn complete(
    c: &mut DbConnection,
    actor: &Actor,
    who: &Principal,
    id: &str,
    input: &CompleteServiceOrder,
) -> ApiResult<ServiceOrderDto> {
    let order = get(c, Some(who), id)?;
    if order.status != OrderStatus::Open {
        return Err(ApiError::with_detail(
            ErrorCode::OrderNotOpen,
            format!("{} is {}", order.number, order.status.as_str()),
        ));
    }
    let t = order.order_type;
    let reading =
        if needs_reading(t) {
            Some(input.reading.ok_or_else(|| {
                ApiError::field("reading", "required", "record the meter reading")
            })?)
        } else {
            input.reading
        };
    if t == OrderType::MeterChange && input.new_reading.is_none() {
        return Err(ApiError::field(
            "new_reading",
            "required",
            "record the new meter's starting reading",
        ));
    }
    let on = input.completed_on;
    let premise = order.premise_id.as_str();
    let account = order.account_id.as_deref();
    // Claim the order first: a concurrent second completion matches no row and stops here.
    let claimed = diesel::update(
        service_orders::table
            .find(id)
            .filter(service_orders::status.eq(OrderStatus::Open.as_str())),
    )
    .set((
        service_orders::status.eq(OrderStatus::Completed.as_str()),
        service_orders::completed_at.eq(Some(now())),
        service_orders::completed_by.eq(&actor.username),
        service_orders::completed_on.eq(Some(on)),
        service_orders::reading.eq(reading),
        service_orders::new_reading.eq(input.new_reading),
        service_orders::completion_notes.eq(&input.notes),
    ))
    .execute(c)?;
    if claimed == 0 {
        return Err(ApiError::new(ErrorCode::OrderNotOpen));
    }
    let read =
        |c: &mut DbConnection, meter: &str, value: i64, kind: &str, field: &str| -> ApiResult<()> {
            let reg = cis::main_register(c, meter)?;
            cis::record_read(
                c,
                actor,
                meter,
                reg,
                on,
                value,
                kind,
                "field",
                Some(premise),
                account,
                Some(id),
                field,
            )
        };
    let install = |c: &mut DbConnection, meter: &str| -> ApiResult<()> {
        diesel::update(
            meters::table
                .find(meter)
                .filter(meters::status.eq(MeterStatus::InStock.as_str())),
        )
        .set((
            meters::status.eq(MeterStatus::Installed.as_str()),
            meters::premise_id.eq(Some(premise)),
            meters::installed_on.eq(Some(on)),
            meters::updated_at.eq(Some(now())),
        ))
        .execute(c)
        .map_err(ApiError::from)
        .and_then(|n| {
            if n == 1 {
                Ok(())
            } else {
                Err(ApiError::field(
                    "new_meter_id",
                    "not_in_stock",
                    "that meter is no longer in stock",
                ))
            }
        })
    };
    let value = reading.unwrap_or(0);
    match t {
        OrderType::MeterSet => {
            let m = order
                .new_meter_id
                .as_deref()
                .ok_or_else(|| ApiError::internal("meter set without meter"))?;
            install(c, m)?;
            read(c, m, value, "initial", "reading")?;
            if let Some(a) = account {
                set_account_status(c, a, &[AccountStatus::Pending], AccountStatus::Active)?;
            }
        }
        OrderType::TurnOn => {
            if let Some(m) = order.meter_id.as_deref() {
                read(c, m, value, "initial", "reading")?;
            }
            if let Some(a) = account {
                set_account_status(c, a, &[AccountStatus::Pending], AccountStatus::Active)?;
            }
        }
        OrderType::FinalRead => {
            if let Some(m) = order.meter_id.as_deref() {
                read(c, m, value, "final", "reading")?;
            }
            if let Some(a) = account {
                let moved = set_account_status(
                    c,
                    a,
                    &[
                        AccountStatus::Active,
                        AccountStatus::Pending,
                        AccountStatus::Suspended,
                    ],
                    AccountStatus::Final,
                )?;
                if !moved {
                    return Err(ApiError::with_detail(
                        ErrorCode::Conflict,
                        "the account is not open",
                    ));
                }
                // Queued for its closing bill, which the billing run prorates to this date.
                diesel::update(accounts::table.find(a))
                    .set((
                        accounts::final_read_on.eq(Some(on)),
                        accounts::closed_on.eq(Some(on)),
                        accounts::closing_bill_pending.eq(true),
                    ))
                    .execute(c)?;
            }
        }
        OrderType::ShutOffNonpayment => {
            if let Some(m) = order.meter_id.as_deref() {
                read(c, m, value, "regular", "reading")?;
            }
            if let Some(a) = account {
                set_account_status(c, a, &[AccountStatus::Active], AccountStatus::Suspended)?;
            }
        }
        OrderType::Reconnect => {
            if let Some(m) = order.meter_id.as_deref() {
                read(c, m, value, "regular", "reading")?;
            }
            if let Some(a) = account {
                set_account_status(c, a, &[AccountStatus::Suspended], AccountStatus::Active)?;
            }
        }
        OrderType::MeterChange => {
            let old = order
                .meter_id
                .as_deref()
                .ok_or_else(|| ApiError::internal("meter change without meter"))?;
            let new = order
                .new_meter_id
                .as_deref()
                .ok_or_else(|| ApiError::internal("meter change without new meter"))?;
            // Old meter's final and new meter's initial read on the same day, in one
            // transaction: consumption up to the change is on the old meter, after it on the new.
            read(c, old, value, "change_out_final", "reading")?;
            diesel::update(meters::table.find(old))
                .set((
                    meters::status.eq(MeterStatus::Removed.as_str()),
                    meters::removed_on.eq(Some(on)),
                    meters::updated_at.eq(Some(now())),
                ))
                .execute(c)?;
            install(c, new)?;
            read(
                c,
                new,
                input.new_reading.unwrap_or(0),
                "change_out_initial",
                "new_reading",
            )?;
            let ids = cis::accounts_of_premise(c, premise)?;
            search::reindex_accounts(c, &ids)?;
        }
        OrderType::TurnOff | OrderType::Reread => {
            if let Some(m) = order.meter_id.as_deref() {
                read(
                    c,
                    m,
                    value,
                    if t == OrderType::Reread {
                        "reread"
                    } else {
                        "regular"
                    },
                    "reading",
                )?;
            }
        }
        OrderType::LeakCheck | OrderType::Locate => {
            if let (Some(m), Some(v)) = (order.meter_id.as_deref(), reading) {
                read(c, m, v, "regular", "reading")?;
            }
        }
    }
    audit::record(
        c,
        actor,
        Change {
            action: "service_order.complete",
            entity_type: "service_order",
            entity_id: id,
            before: None,
            after: audit::snapshot(input),
            reason: None,
        },
    )?;
    get(c, None, id)
}

// ---------------------------------------------------------------- move-in, move-out, transfer

pub struct DepositRules {
    pub owner_cents: i64,
    pub tenant_cents: i64,
}

impl DepositRules {
    pub fn for_occupant(&self, o: Occupant) -> (Money, &'static str) {
        match o {
            Occupant::Owner => (Money::from_cents(self.owner_cents), "owner deposit"),
            Occupant::Tenant => (Money::from_cents(self.tenant_cents), "tenant deposit"),
        }
    }
}

/// Statuses of an account that holds its premise (no one else can start service there).
pub(crate) const OPEN_STATUSES: [&str; 3] = ["pending", "active", "suspended"];

fn next_account_number(c: &mut DbConnection, premise_id: &str) -> ApiResult<String> {
    let last: Option<String> = accounts::table
        .filter(accounts::premise_id.eq(premise_id))
        .select(accounts::number)
        .order(accounts::number.desc())
        .first(c)
        .optional()?;
    // The city's numbers are <route>-<location>-<occupancy>: a new occupant of a known
    // location keeps the location and takes the next occupancy.
    if let Some((base, occ)) = last.as_deref().and_then(|n| n.rsplit_once('-')) {
        if let Ok(k) = occ.parse::<u32>() {
            let candidate = format!("{base}-{:02}", k + 1);
            let taken: i64 = accounts::table
                .filter(accounts::number.eq(&candidate))
                .count()
                .get_result(c)?;
            if taken == 0 {
                return Ok(candidate);
            }
        }
    }
    let (code, route): (String, String) = premises::table
        .inner_join(cycles::table)
        .filter(premises::id.eq(premise_id))
        .select((cycles::code, premises::route))
        .first(c)?;
    let digit: String = code.chars().filter(char::is_ascii_digit).collect();
    Ok(format!(
        "{digit}{route:0>2}-9{:05}-01",
        next_number(c, "account")?
    ))
}

pub fn move_in(
    c: &mut DbConnection,
    actor: &Actor,
    rules: &DepositRules,
    input: &MoveInRequest,
) -> ApiResult<MoveInResult> {
    let customer_id = match (&input.customer_id, &input.new_customer) {
        (Some(id), None) => {
            let n: i64 = customers::table
                .filter(customers::id.eq(id))
                .count()
                .get_result(c)?;
            if n == 0 {
                return Err(ApiError::field(
                    "customer_id",
                    "unknown",
                    "no such customer",
                ));
            }
            id.clone()
        }
        (None, Some(new)) => cis::create_customer(c, actor, new)?,
        _ => {
            return Err(ApiError::field(
                "customer_id",
                "one_of",
                "give either an existing customer or a new one",
            ))
        }
    };
    let premise: Option<String> = premises::table
        .find(&input.premise_id)
        .select(premises::id)
        .first(c)
        .optional()?;
    premise.ok_or_else(|| ApiError::field("premise_id", "unknown", "no such premise"))?;
    let occupied: Option<String> = accounts::table
        .filter(accounts::premise_id.eq(&input.premise_id))
        .filter(accounts::status.eq_any(OPEN_STATUSES))
        .select(accounts::number)
        .first(c)
        .optional()?;
    if let Some(number) = occupied {
        return Err(ApiError::with_detail(
            ErrorCode::PremiseOccupied,
            format!("account {number} is open at this address"),
        ));
    }
    if let Some(o) = &input.owner_copy_customer_id {
        let n: i64 = customers::table
            .filter(customers::id.eq(o))
            .count()
            .get_result(c)?;
        if n == 0 {
            return Err(ApiError::field(
                "owner_copy_customer_id",
                "unknown",
                "no such customer",
            ));
        }
    }
    let installed = installed_meters(c, &input.premise_id)?;
    if installed.is_empty() && input.meter_id.is_none() {
        return Err(ApiError::field(
            "meter_id",
            "required",
            "the premise has no meter: choose one from stock to set",
        ));
    }
    let (deposit, rule) = rules.for_occupant(input.occupant);
    let account_id = new_id();
    let number = next_account_number(c, &input.premise_id)?;
    diesel::insert_into(accounts::table)
        .values((
            accounts::id.eq(&account_id),
            accounts::number.eq(&number),
            accounts::customer_id.eq(&customer_id),
            accounts::premise_id.eq(&input.premise_id),
            accounts::status.eq(AccountStatus::Pending.as_str()),
            accounts::occupant.eq(input.occupant.as_str()),
            accounts::opened_on.eq(input.start_on),
            accounts::deposit_required_cents.eq(deposit.to_cents().unwrap_or(0)),
            accounts::owner_copy_customer_id.eq(&input.owner_copy_customer_id),
            accounts::paperless.eq(input.paperless),
            accounts::autopay.eq(input.autopay),
            accounts::created_at.eq(now()),
        ))
        .execute(c)?;
    audit::record(
        c,
        actor,
        Change {
            action: "account.move_in",
            entity_type: "account",
            entity_id: &account_id,
            before: None,
            after: Some(
                serde_json::json!({ "number": number, "request": input, "deposit_required": deposit, "deposit_rule": rule }),
            ),
            reason: None,
        },
    )?;
    let order = CreateServiceOrder {
        order_type: if installed.is_empty() {
            OrderType::MeterSet
        } else {
            OrderType::TurnOn
        },
        premise_id: input.premise_id.clone(),
        account_id: Some(account_id.clone()),
        meter_id: None,
        new_meter_id: if installed.is_empty() {
            input.meter_id.clone()
        } else {
            None
        },
        assigned_to: input.assigned_to.clone(),
        due_on: input.start_on,
        priority: Priority::Normal,
        instructions: Some(format!(
            "New service for account {number} starting {}",
            input.start_on
        )),
        allow_duplicate: false,
    };
    let so = create(c, actor, &order)?;
    search::reindex_accounts(c, std::slice::from_ref(&account_id))?;
    let system = Principal {
        user_id: String::new(),
        username: String::new(),
        role: Role::Admin,
        customer_id: None,
        session_id: None,
    };
    Ok(MoveInResult {
        account: crate::domain::accounts::get(c, &system, &account_id)?,
        deposit_required: deposit,
        deposit_rule: rule.to_owned(),
        service_orders: vec![so],
    })
}

pub fn move_out(
    c: &mut DbConnection,
    actor: &Actor,
    account_id: &str,
    input: &MoveOutRequest,
) -> ApiResult<ServiceOrderDto> {
    let row: Option<(String, String, String, NaiveDate)> = accounts::table
        .find(account_id)
        .select((
            accounts::premise_id,
            accounts::status,
            accounts::customer_id,
            accounts::opened_on,
        ))
        .first(c)
        .optional()?;
    let (premise_id, status, customer_id, opened_on) = row.ok_or_else(ApiError::not_found)?;
    if !OPEN_STATUSES.contains(&status.as_str()) {
        return Err(ApiError::with_detail(
            ErrorCode::Conflict,
            format!("the account is {status}"),
        ));
    }
    if input.move_out_on < opened_on {
        return Err(ApiError::field(
            "move_out_on",
            "before_start",
            "is before the account opened",
        ));
    }
    if let Some(addr) = &input.forwarding_address {
        diesel::update(customers::table.find(&customer_id))
            .set((
                customers::mailing_address.eq(addr.trim()),
                customers::updated_at.eq(Some(now())),
            ))
            .execute(c)?;
    }
    let order = CreateServiceOrder {
        order_type: OrderType::FinalRead,
        premise_id: premise_id.clone(),
        account_id: Some(account_id.to_owned()),
        meter_id: None,
        new_meter_id: None,
        assigned_to: input.assigned_to.clone(),
        due_on: input.move_out_on,
        priority: Priority::Normal,
        instructions: Some(format!("Final read for move-out on {}", input.move_out_on)),
        allow_duplicate: false,
    };
    let so = create(c, actor, &order)?;
    audit::record(
        c,
        actor,
        Change {
            action: "account.move_out",
            entity_type: "account",
            entity_id: account_id,
            before: Some(serde_json::json!({ "status": status })),
            after: audit::snapshot(input),
            reason: input.reason.as_deref(),
        },
    )?;
    let ids = vec![account_id.to_owned()];
    search::reindex_accounts(c, &ids)?;
    Ok(so)
}

/// Transfer of service: the customer leaves one premise and starts at another, in one step.
pub fn transfer(
    c: &mut DbConnection,
    actor: &Actor,
    rules: &DepositRules,
    account_id: &str,
    input: &TransferRequest,
) -> ApiResult<TransferResult> {
    let customer_id: Option<(String, bool, bool, Option<String>)> = accounts::table
        .find(account_id)
        .select((
            accounts::customer_id,
            accounts::paperless,
            accounts::autopay,
            accounts::owner_copy_customer_id,
        ))
        .first(c)
        .optional()?;
    let (customer_id, paperless, autopay, _) = customer_id.ok_or_else(ApiError::not_found)?;
    if input.move_in_on < input.move_out_on {
        return Err(ApiError::field(
            "move_in_on",
            "before_move_out",
            "service at the new address cannot start before it ends at the old one",
        ));
    }
    let final_read_order = move_out(
        c,
        actor,
        account_id,
        &MoveOutRequest {
            move_out_on: input.move_out_on,
            forwarding_address: None,
            assigned_to: input.assigned_to.clone(),
            reason: Some("transfer of service".into()),
        },
    )?;
    let new_account = move_in(
        c,
        actor,
        rules,
        &MoveInRequest {
            customer_id: Some(customer_id),
            new_customer: None,
            premise_id: input.to_premise_id.clone(),
            occupant: input.occupant,
            start_on: input.move_in_on,
            owner_copy_customer_id: None,
            paperless,
            autopay,
            meter_id: input.meter_id.clone(),
            assigned_to: input.assigned_to.clone(),
        },
    )
    .map_err(|mut e| {
        if e.fields.iter().any(|f| f.field == "premise_id") {
            e.fields
                .iter_mut()
                .for_each(|f| f.field = "to_premise_id".into());
        }
        e
    })?;
    Ok(TransferResult {
        final_read_order,
        new_account,
    })
}

// ---------------------------------------------------------------- consumption

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
    type Row = (String, String, i64, NaiveDate, String, String, i32, String);
    let rows: Vec<Row> = meter_reads::table
        .inner_join(meters::table)
        .inner_join(
            meter_registers::table.on(meter_registers::meter_id
                .eq(meter_reads::meter_id)
                .and(meter_registers::code.eq(meter_reads::register_code))),
        )
        .filter(meter_reads::premise_id.eq(premise_id))
        .filter(meter_reads::read_on.le(to))
        .select((
            meter_reads::meter_id,
            meter_reads::register_code,
            meter_reads::reading,
            meter_reads::read_on,
            meters::serial,
            meters::unit,
            meter_registers::digits,
            meter_registers::multiplier,
        ))
        .order((
            meter_reads::meter_id,
            meter_reads::register_code,
            meter_reads::read_on,
            meter_reads::created_at,
        ))
        .load(c)?;
    let mut out: Vec<RegisterUse> = Vec::new();
    let mut i = 0;
    while i < rows.len() {
        let key = (&rows[i].0, &rows[i].1);
        let mut j = i;
        while j < rows.len() && (&rows[j].0, &rows[j].1) == key {
            j += 1;
        }
        let seq = &rows[i..j];
        // Start: last read on or before `from`, else the first read inside the period.
        let start = seq
            .iter()
            .rposition(|r| r.3 <= from)
            .or_else(|| seq.iter().position(|r| r.3 > from));
        if let Some(s) = start {
            let end = seq.len() - 1;
            if end > s {
                let r0 = &seq[s];
                let multiplier: Decimal =
                    r0.7.parse().map_err(|_| ApiError::internal("multiplier"))?;
                let mut used = Decimal::ZERO;
                for w in seq[s..=end].windows(2) {
                    let step = cistern_shared::cis::consumption(w[0].2, w[1].2, r0.6, multiplier)
                        .map_err(|e| ApiError::internal(format!("consumption: {e:?}")))?;
                    used = used
                        .checked_add(step)
                        .ok_or_else(|| ApiError::internal("overflow"))?;
                }
                out.push(RegisterUse {
                    meter_id: r0.0.clone(),
                    meter_serial: r0.4.clone(),
                    register: RegisterCode::parse(&r0.1)
                        .ok_or_else(|| ApiError::internal("register"))?,
                    unit: MeterUnit::parse(&r0.5).ok_or_else(|| ApiError::internal("unit"))?,
                    from_reading: r0.2,
                    from_date: r0.3,
                    to_reading: seq[end].2,
                    to_date: seq[end].3,
                    consumption: used,
                });
            }
        }
        i = j;
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
