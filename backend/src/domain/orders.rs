//! Service orders: field work (meter sets, turn-ons and -offs, final reads, rereads, leak
//! checks, shut-offs and reconnects, meter change-outs, locates), from creation through
//! assignment to completion, whose effects on the account and meters are here too.
//!
//! The workflows that create orders for an account (move-in, move-out, transfer) are in
//! [`crate::domain::moves`]; use at a premise in [`crate::domain::consumption`].

use cistern_shared::FieldCode;
use std::collections::HashMap;

use chrono::NaiveDate;
use cistern_shared::dto::AccountStatus;
use cistern_shared::meters::*;
use cistern_shared::orders::*;
use cistern_shared::{ErrorCode, Role};
use diesel::prelude::*;

use crate::auth::Principal;
use crate::db::models::service_orders::{ServiceOrder, ServiceOrderView};
use crate::db::models::users::User;
use crate::db::schema::{accounts, customers, meters, premises, service_orders, users};
use crate::db::{now, DbConnection, WriteTx};
use crate::domain::audit::{self, Actor, Change};
use crate::domain::new_id;
use crate::domain::{meters as meter_rows, next_number};
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

/// An order with its premise's address, read in one join.
#[derive(Queryable, Selectable)]
#[diesel(table_name = service_orders, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
struct OrderAtPremise {
    #[diesel(embed)]
    order: ServiceOrder,
    #[diesel(select_expression = premises::service_address, select_expression_type = premises::service_address)]
    service_address: String,
}

/// An account's number and its customer's name, for order lists.
#[derive(Queryable, Selectable)]
#[diesel(table_name = accounts, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
struct AccountLabel {
    id: String,
    number: String,
    #[diesel(select_expression = customers::name, select_expression_type = customers::name)]
    customer_name: String,
}

/// The distinct ids `pick` finds on the orders.
fn distinct_ids<'a>(ids: impl Iterator<Item = &'a Option<String>>) -> Vec<String> {
    let mut v: Vec<String> = ids.flatten().cloned().collect();
    v.sort();
    v.dedup();
    v
}

/// Whose service orders a caller may see. A field user sees only the orders assigned to them
/// (an order carries access instructions and its assignee), wherever orders are listed: the
/// order board, a premise, an account overview. Everyone else who may read orders sees all.
#[derive(Debug, Clone, Copy)]
pub enum OrderViewer<'a> {
    All,
    AssignedTo(&'a str),
}

impl<'a> OrderViewer<'a> {
    pub fn of(who: &'a Principal) -> OrderViewer<'a> {
        if who.role == Role::Field {
            OrderViewer::AssignedTo(&who.user_id)
        } else {
            OrderViewer::All
        }
    }
}

/// The orders `f` selects that `viewer` may see.
pub fn list(
    c: &mut DbConnection,
    viewer: OrderViewer<'_>,
    f: &OrderFilter,
) -> ApiResult<Vec<ServiceOrderDto>> {
    match viewer {
        OrderViewer::All => list_filtered(c, f),
        OrderViewer::AssignedTo(user_id) => list_filtered(
            c,
            &OrderFilter {
                assigned_to: Some(user_id.to_owned()),
                ..f.clone()
            },
        ),
    }
}

fn list_filtered(c: &mut DbConnection, f: &OrderFilter) -> ApiResult<Vec<ServiceOrderDto>> {
    let mut q = service_orders::table
        .inner_join(premises::table)
        .select(OrderAtPremise::as_select())
        .order((service_orders::due_on.asc(), service_orders::number.asc()))
        .limit(1000)
        .into_boxed();
    if let Some(s) = f.status {
        q = q.filter(service_orders::status.eq(s));
    }
    if let Some(t) = f.order_type {
        q = q.filter(service_orders::order_type.eq(t));
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
    let rows: Vec<OrderAtPremise> = q.load(c)?;
    // Names for the ids on the page, in three bulk lookups (no per-row queries).
    let account_ids = distinct_ids(rows.iter().map(|r| &r.order.account_id));
    let meter_ids = distinct_ids(
        rows.iter()
            .flat_map(|r| [&r.order.meter_id, &r.order.new_meter_id]),
    );
    let user_ids = distinct_ids(rows.iter().map(|r| &r.order.assigned_to));
    let accts: HashMap<String, AccountLabel> = accounts::table
        .inner_join(customers::table)
        .filter(accounts::id.eq_any(&account_ids))
        .select(AccountLabel::as_select())
        .load(c)?
        .into_iter()
        .map(|a: AccountLabel| (a.id.clone(), a))
        .collect();
    let serials: HashMap<String, String> = meters::table
        .filter(meters::id.eq_any(&meter_ids))
        .select((meters::id, meters::serial))
        .load::<(String, String)>(c)?
        .into_iter()
        .collect();
    let names: HashMap<String, String> = users::table
        .filter(users::id.eq_any(&user_ids))
        .select((users::id, users::display_name))
        .load::<(String, String)>(c)?
        .into_iter()
        .collect();
    let lookup = |map: &HashMap<String, String>, id: &Option<String>| {
        id.as_ref().and_then(|i| map.get(i)).cloned()
    };
    Ok(rows
        .into_iter()
        .map(|r| {
            let acct = r.order.account_id.as_ref().and_then(|i| accts.get(i));
            ServiceOrderDto::from(ServiceOrderView {
                service_address: r.service_address,
                account_number: acct.map(|a| a.number.clone()),
                customer_name: acct.map(|a| a.customer_name.clone()),
                meter_serial: lookup(&serials, &r.order.meter_id),
                new_meter_serial: lookup(&serials, &r.order.new_meter_id),
                assigned_name: lookup(&names, &r.order.assigned_to),
                order: r.order,
            })
        })
        .collect())
}

fn find(c: &mut DbConnection, id: &str) -> ApiResult<ServiceOrder> {
    service_orders::table
        .find(id)
        .select(ServiceOrder::as_select())
        .first(c)
        .optional()?
        .ok_or_else(ApiError::not_found)
}

/// One order. Field users see only the orders assigned to them (others answer 404).
pub fn get(c: &mut DbConnection, who: Option<&Principal>, id: &str) -> ApiResult<ServiceOrderDto> {
    let order = find(c, id)?;
    if let Some(p) = who {
        if p.role == Role::Field && order.assigned_to.as_deref() != Some(p.user_id.as_str()) {
            return Err(ApiError::not_found());
        }
    }
    list_filtered(
        c,
        &OrderFilter {
            premise_id: Some(order.premise_id),
            ..Default::default()
        },
    )?
    .into_iter()
    .find(|o| o.id == id)
    .ok_or_else(ApiError::not_found)
}

/// An open order's assignee and due date, for the workload tally.
#[derive(Queryable, Selectable)]
#[diesel(table_name = service_orders, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
struct OpenAssignment {
    assigned_to: Option<String>,
    due_on: NaiveDate,
}

/// Who can take service orders, field users first, with their open and overdue orders
/// (one query for all of them, not one per person).
pub fn assignees(c: &mut DbConnection, today: NaiveDate) -> ApiResult<Vec<AssigneeDto>> {
    let people: Vec<User> = users::table
        .filter(users::active.eq(true))
        .filter(users::role.eq_any(Role::ASSIGNABLE))
        .select(User::as_select())
        .load(c)?;
    // Open orders are a day's or a week's work: tallied here from one query.
    let open_rows: Vec<OpenAssignment> = service_orders::table
        .filter(service_orders::status.eq(OrderStatus::Open))
        .filter(service_orders::assigned_to.is_not_null())
        .select(OpenAssignment::as_select())
        .load(c)?;
    let mut open: HashMap<String, i64> = HashMap::new();
    let mut overdue: HashMap<String, i64> = HashMap::new();
    for row in open_rows {
        let Some(who) = row.assigned_to else { continue };
        if row.due_on < today {
            *overdue.entry(who.clone()).or_default() += 1;
        }
        *open.entry(who).or_default() += 1;
    }
    let mut list: Vec<AssigneeDto> = people
        .into_iter()
        .map(|u| AssigneeDto {
            open_orders: open.get(&u.id).copied().unwrap_or(0),
            overdue_orders: overdue.get(&u.id).copied().unwrap_or(0),
            role: u.role,
            id: u.id,
            display_name: u.display_name,
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
    let user: Option<User> = users::table
        .find(id)
        .select(User::as_select())
        .first(c)
        .optional()?;
    match user {
        Some(u) if u.active && Role::ASSIGNABLE.contains(&u.role) => Ok(()),
        _ => Err(ApiError::field(
            "assigned_to",
            FieldCode::Unknown,
            "not an active field user",
        )),
    }
}

pub(crate) fn installed_meters(c: &mut DbConnection, premise_id: &str) -> QueryResult<Vec<String>> {
    meters::table
        .filter(meters::premise_id.eq(premise_id))
        .filter(meters::status.eq(MeterStatus::Installed))
        .select(meters::id)
        .load(c)
}

fn meter_in_stock(c: &mut DbConnection, id: &str, field: &str) -> ApiResult<()> {
    let status: Option<MeterStatus> = meters::table
        .find(id)
        .select(meters::status)
        .first(c)
        .optional()?;
    match status {
        Some(MeterStatus::InStock) => Ok(()),
        Some(_) => Err(ApiError::field(
            field,
            FieldCode::NotInStock,
            "that meter is not in stock",
        )),
        None => Err(ApiError::field(field, FieldCode::Unknown, "no such meter")),
    }
}

pub fn create(
    tx: &mut WriteTx<'_>,
    actor: &Actor,
    input: &CreateServiceOrder,
) -> ApiResult<ServiceOrderDto> {
    let premise: Option<String> = premises::table
        .find(&input.premise_id)
        .select(premises::id)
        .first(tx.db())
        .optional()?;
    premise.ok_or_else(|| ApiError::field("premise_id", FieldCode::Unknown, "no such premise"))?;
    if let Some(a) = &input.account_id {
        let at: Option<String> = accounts::table
            .find(a)
            .select(accounts::premise_id)
            .first(tx.db())
            .optional()?;
        if at.as_deref() != Some(input.premise_id.as_str()) {
            return Err(ApiError::field(
                "account_id",
                FieldCode::Unknown,
                "not an account at this premise",
            ));
        }
    }
    let t = input.order_type;
    let installed = installed_meters(tx, &input.premise_id)?;
    let meter_id = if works_on_installed_meter(t) {
        match &input.meter_id {
            Some(m) if installed.contains(m) => Some(m.clone()),
            Some(_) => {
                return Err(ApiError::field(
                    "meter_id",
                    FieldCode::NotInstalled,
                    "that meter is not installed at this premise",
                ))
            }
            None if installed.len() == 1 => installed.first().cloned(),
            None if installed.is_empty() && t != OrderType::Reread && t != OrderType::LeakCheck => {
                return Err(ApiError::field(
                    "meter_id",
                    FieldCode::NoMeter,
                    "no meter is installed at this premise: set one first",
                ))
            }
            None if installed.is_empty() => None,
            None => {
                return Err(ApiError::field(
                    "meter_id",
                    FieldCode::Required,
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
                    FieldCode::Required,
                    "choose the meter to install from stock",
                )
            })?;
            meter_in_stock(tx, &m, "new_meter_id")?;
            if t == OrderType::MeterSet && !installed.is_empty() {
                return Err(ApiError::field(
                    "order_type",
                    FieldCode::MeterInstalled,
                    "the premise has a meter: use a meter change",
                ));
            }
            Some(m)
        }
        _ => None,
    };
    if let Some(a) = &input.assigned_to {
        check_assignee(tx, a)?;
    }
    if !input.allow_duplicate {
        let open: Option<String> = service_orders::table
            .filter(service_orders::premise_id.eq(&input.premise_id))
            .filter(service_orders::order_type.eq(t))
            .filter(service_orders::status.eq(OrderStatus::Open))
            .select(service_orders::number)
            .first(tx.db())
            .optional()?;
        if let Some(number) = open {
            return Err(ApiError::with_detail(
                ErrorCode::DuplicateOpenOrder,
                format!("{number} is already open for this address"),
            ));
        }
    }
    let row = ServiceOrder {
        id: new_id(),
        number: format!("SO-{:06}", next_number(tx, "service_order")?),
        order_type: t,
        status: OrderStatus::Open,
        priority: input.priority,
        premise_id: input.premise_id.clone(),
        account_id: input.account_id.clone(),
        meter_id,
        new_meter_id,
        assigned_to: input.assigned_to.clone(),
        due_on: input.due_on,
        instructions: input.instructions.clone(),
        created_by: actor.username.clone(),
        created_at: now(),
        completed_at: None,
        completed_by: None,
        completed_on: None,
        reading: None,
        new_reading: None,
        completion_notes: None,
        cancel_reason: None,
        allow_duplicate: input.allow_duplicate,
    };
    // The check above gives the friendly answer (with the open order's number); this index is
    // the rule under concurrency: of two identical orders racing past the check, the second
    // insert is refused (after the first commits, on PostgreSQL).
    diesel::insert_into(service_orders::table)
        .values(&row)
        .execute(tx.db())
        .map_err(|e| {
            if crate::db::violates_unique(
                &e,
                "service_orders_one_open_per_type",
                "service_orders.premise_id, service_orders.order_type",
            ) {
                ApiError::with_detail(
                    ErrorCode::DuplicateOpenOrder,
                    "an order of this type is already open for this address",
                )
            } else {
                e.into()
            }
        })?;
    audit::record(
        tx,
        actor,
        Change {
            action: "service_order.create",
            entity_type: "service_order",
            entity_id: &row.id,
            before: None,
            after: Some(serde_json::json!({ "number": row.number, "order": input })),
            reason: None,
        },
    )?;
    get(tx, None, &row.id)
}

pub fn assign(
    tx: &mut WriteTx<'_>,
    actor: &Actor,
    id: &str,
    input: &AssignServiceOrder,
) -> ApiResult<ServiceOrderDto> {
    let before = get(tx, None, id)?;
    if before.status != OrderStatus::Open {
        return Err(ApiError::new(ErrorCode::OrderNotOpen));
    }
    if let Some(a) = &input.assigned_to {
        check_assignee(tx, a)?;
    }
    diesel::update(service_orders::table.find(id))
        .set((
            service_orders::assigned_to.eq(&input.assigned_to),
            service_orders::due_on.eq(input.due_on.unwrap_or(before.due_on)),
            service_orders::priority.eq(input.priority.unwrap_or(before.priority)),
        ))
        .execute(tx.db())?;
    audit::record(
        tx,
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
    get(tx, None, id)
}

pub fn cancel(
    tx: &mut WriteTx<'_>,
    actor: &Actor,
    id: &str,
    reason: &str,
) -> ApiResult<ServiceOrderDto> {
    let n = diesel::update(
        service_orders::table
            .find(id)
            .filter(service_orders::status.eq(OrderStatus::Open)),
    )
    .set((
        service_orders::status.eq(OrderStatus::Cancelled),
        service_orders::cancel_reason.eq(reason),
    ))
    .execute(tx.db())?;
    if n == 0 {
        get(tx, None, id)?;
        return Err(ApiError::new(ErrorCode::OrderNotOpen));
    }
    audit::record(
        tx,
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
    get(tx, None, id)
}

fn set_account_status(
    tx: &mut WriteTx<'_>,
    account_id: &str,
    from: &[AccountStatus],
    to: AccountStatus,
) -> ApiResult<bool> {
    let n = diesel::update(
        accounts::table
            .find(account_id)
            .filter(accounts::status.eq_any(from.to_vec())),
    )
    .set((
        accounts::status.eq(to),
        accounts::updated_at.eq(Some(now())),
    ))
    .execute(tx.db())?;
    Ok(n == 1)
}

/// Completes an order: records its reading(s) and notes and updates the account and meters,
/// all in the caller's transaction. A second completion is refused.
pub fn complete(
    tx: &mut WriteTx<'_>,
    actor: &Actor,
    who: &Principal,
    id: &str,
    input: &CompleteServiceOrder,
) -> ApiResult<ServiceOrderDto> {
    let order = get(tx, Some(who), id)?;
    if order.status != OrderStatus::Open {
        return Err(ApiError::with_detail(
            ErrorCode::OrderNotOpen,
            format!("{} is {}", order.number, order.status.as_str()),
        ));
    }
    let t = order.order_type;
    let reading = if needs_reading(t) {
        Some(input.reading.ok_or_else(|| {
            ApiError::field("reading", FieldCode::Required, "record the meter reading")
        })?)
    } else {
        input.reading
    };
    if t == OrderType::MeterChange && input.new_reading.is_none() {
        return Err(ApiError::field(
            "new_reading",
            FieldCode::Required,
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
            .filter(service_orders::status.eq(OrderStatus::Open)),
    )
    .set((
        service_orders::status.eq(OrderStatus::Completed),
        service_orders::completed_at.eq(Some(now())),
        service_orders::completed_by.eq(&actor.username),
        service_orders::completed_on.eq(Some(on)),
        service_orders::reading.eq(reading),
        service_orders::new_reading.eq(input.new_reading),
        service_orders::completion_notes.eq(&input.notes),
    ))
    .execute(tx.db())?;
    if claimed == 0 {
        return Err(ApiError::new(ErrorCode::OrderNotOpen));
    }
    let read =
        |tx: &mut WriteTx<'_>, meter: &str, value: i64, kind: &str, field: &str| -> ApiResult<()> {
            let reg = meter_rows::main_register(tx, meter)?;
            meter_rows::record_read(
                tx,
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
    let install = |tx: &mut WriteTx<'_>, meter: &str| -> ApiResult<()> {
        diesel::update(
            meters::table
                .find(meter)
                .filter(meters::status.eq(MeterStatus::InStock)),
        )
        .set((
            meters::status.eq(MeterStatus::Installed),
            meters::premise_id.eq(Some(premise)),
            meters::installed_on.eq(Some(on)),
            meters::updated_at.eq(Some(now())),
        ))
        .execute(tx.db())
        .map_err(ApiError::from)
        .and_then(|n| {
            if n == 1 {
                Ok(())
            } else {
                Err(ApiError::field(
                    "new_meter_id",
                    FieldCode::NotInStock,
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
            install(tx, m)?;
            read(tx, m, value, "initial", "reading")?;
            if let Some(a) = account {
                set_account_status(tx, a, &[AccountStatus::Pending], AccountStatus::Active)?;
            }
        }
        OrderType::TurnOn => {
            if let Some(m) = order.meter_id.as_deref() {
                read(tx, m, value, "initial", "reading")?;
            }
            if let Some(a) = account {
                set_account_status(tx, a, &[AccountStatus::Pending], AccountStatus::Active)?;
            }
        }
        OrderType::FinalRead => {
            if let Some(m) = order.meter_id.as_deref() {
                read(tx, m, value, "final", "reading")?;
            }
            if let Some(a) = account {
                let moved = set_account_status(
                    tx,
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
                        ErrorCode::AccountNotOpen,
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
                    .execute(tx.db())?;
            }
        }
        OrderType::ShutOffNonpayment => {
            if let Some(m) = order.meter_id.as_deref() {
                read(tx, m, value, "regular", "reading")?;
            }
            if let Some(a) = account {
                set_account_status(tx, a, &[AccountStatus::Active], AccountStatus::Suspended)?;
            }
        }
        OrderType::Reconnect => {
            if let Some(m) = order.meter_id.as_deref() {
                read(tx, m, value, "regular", "reading")?;
            }
            if let Some(a) = account {
                set_account_status(tx, a, &[AccountStatus::Suspended], AccountStatus::Active)?;
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
            read(tx, old, value, "change_out_final", "reading")?;
            diesel::update(meters::table.find(old))
                .set((
                    meters::status.eq(MeterStatus::Removed),
                    meters::removed_on.eq(Some(on)),
                    meters::updated_at.eq(Some(now())),
                ))
                .execute(tx.db())?;
            install(tx, new)?;
            read(
                tx,
                new,
                input.new_reading.unwrap_or(0),
                "change_out_initial",
                "new_reading",
            )?;
        }
        OrderType::TurnOff | OrderType::Reread => {
            if let Some(m) = order.meter_id.as_deref() {
                read(
                    tx,
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
                read(tx, m, v, "regular", "reading")?;
            }
        }
    }
    audit::record(
        tx,
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
    get(tx, None, id)
}
