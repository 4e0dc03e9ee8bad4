//! Starting, ending and moving service: move-in opens an account and its turn-on or meter-set
//! order, move-out creates the final-read order (completing it closes the account), and a
//! transfer does both for one customer in one step.

use chrono::{NaiveDate, NaiveDateTime};
use cistern_shared::dto::AccountStatus;
use cistern_shared::orders::*;
use cistern_shared::FieldCode;
use cistern_shared::{ErrorCode, Money, Role};
use diesel::prelude::*;

use crate::auth::Principal;
use crate::db::schema::{accounts, customers, cycles, premises};
use crate::db::{now, DbConnection, WriteTx};
use crate::domain::audit::{self, Actor, Change};
use crate::domain::{customers as customer_rows, lock_premise, next_number};
use crate::domain::{new_id, orders};
use crate::error::{ApiError, ApiResult};

/// What moving service needs to know of an account. (The accounts table's row model comes
/// with the customer-information split; until then, these columns by name.)
#[derive(Queryable, Selectable)]
#[diesel(table_name = accounts, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
struct AccountFacts {
    customer_id: String,
    premise_id: String,
    status: AccountStatus,
    opened_on: NaiveDate,
    paperless: bool,
    autopay: bool,
}

/// A new account as move-in opens it.
#[derive(Insertable)]
#[diesel(table_name = accounts, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
struct NewAccount {
    id: String,
    number: String,
    customer_id: String,
    premise_id: String,
    status: AccountStatus,
    occupant: Occupant,
    opened_on: NaiveDate,
    deposit_required_cents: i64,
    created_at: NaiveDateTime,
    owner_copy_customer_id: Option<String>,
    paperless: bool,
    autopay: bool,
}

fn find_account(c: &mut DbConnection, id: &str) -> ApiResult<AccountFacts> {
    accounts::table
        .find(id)
        .select(AccountFacts::as_select())
        .first(c)
        .optional()?
        .ok_or_else(ApiError::not_found)
}

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
pub(crate) const OPEN_STATUSES: [AccountStatus; 3] = [
    AccountStatus::Pending,
    AccountStatus::Active,
    AccountStatus::Suspended,
];

/// A premise's meter-reading route and billing cycle, which a new account number encodes.
#[derive(Queryable, Selectable)]
#[diesel(table_name = premises, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
struct PremiseRoute {
    route: String,
    #[diesel(select_expression = cycles::code, select_expression_type = cycles::code)]
    cycle_code: String,
}

fn next_account_number(tx: &mut WriteTx<'_>, premise_id: &str) -> ApiResult<String> {
    let last: Option<String> = accounts::table
        .filter(accounts::premise_id.eq(premise_id))
        .select(accounts::number)
        .order(accounts::number.desc())
        .first(tx.db())
        .optional()?;
    // The city's numbers are <route>-<location>-<occupancy>: a new occupant of a known
    // location keeps the location and takes the next occupancy.
    if let Some((base, occ)) = last.as_deref().and_then(|n| n.rsplit_once('-')) {
        if let Ok(k) = occ.parse::<u32>() {
            let candidate = format!("{base}-{:02}", k + 1);
            let taken: i64 = accounts::table
                .filter(accounts::number.eq(&candidate))
                .count()
                .get_result(tx.db())?;
            if taken == 0 {
                return Ok(candidate);
            }
        }
    }
    let place: PremiseRoute = premises::table
        .inner_join(cycles::table)
        .filter(premises::id.eq(premise_id))
        .select(PremiseRoute::as_select())
        .first(tx.db())?;
    let digit: String = place
        .cycle_code
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    Ok(format!(
        "{digit}{:0>2}-9{:05}-01",
        place.route,
        next_number(tx, "account")?
    ))
}

pub fn move_in(
    tx: &mut WriteTx<'_>,
    actor: &Actor,
    rules: &DepositRules,
    input: &MoveInRequest,
) -> ApiResult<MoveInResult> {
    let customer_id = match (&input.customer_id, &input.new_customer) {
        (Some(id), None) => {
            let n: i64 = customers::table
                .filter(customers::id.eq(id))
                .count()
                .get_result(tx.db())?;
            if n == 0 {
                return Err(ApiError::field(
                    "customer_id",
                    FieldCode::Unknown,
                    "no such customer",
                ));
            }
            id.clone()
        }
        (None, Some(new)) => {
            // The new customer's address errors name the field inside `new_customer`.
            new.mailing().map_err(|mut e| {
                e.field = format!("new_customer.{}", e.field);
                super::address_error(e)
            })?;
            customer_rows::create_customer(tx, actor, new)?
        }
        _ => {
            return Err(ApiError::field(
                "customer_id",
                FieldCode::OneOf,
                "give either an existing customer or a new one",
            ))
        }
    };
    // One open account per premise: the premise row is locked before the check, so a
    // concurrent move-in (or transfer) to it waits here and then sees this one's account.
    let premise = lock_premise(tx, &input.premise_id)?;
    premise.ok_or_else(|| ApiError::field("premise_id", FieldCode::Unknown, "no such premise"))?;
    let occupied: Option<String> = accounts::table
        .filter(accounts::premise_id.eq(&input.premise_id))
        .filter(accounts::status.eq_any(OPEN_STATUSES))
        .select(accounts::number)
        .first(tx.db())
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
            .get_result(tx.db())?;
        if n == 0 {
            return Err(ApiError::field(
                "owner_copy_customer_id",
                FieldCode::Unknown,
                "no such customer",
            ));
        }
    }
    let installed = orders::installed_meters(tx, &input.premise_id)?;
    if installed.is_empty() && input.meter_id.is_none() {
        return Err(ApiError::field(
            "meter_id",
            FieldCode::Required,
            "the premise has no meter: choose one from stock to set",
        ));
    }
    let (deposit, rule) = rules.for_occupant(input.occupant);
    let account = NewAccount {
        id: new_id(),
        number: next_account_number(tx, &input.premise_id)?,
        customer_id,
        premise_id: input.premise_id.clone(),
        status: AccountStatus::Pending,
        occupant: input.occupant,
        opened_on: input.start_on,
        deposit_required_cents: deposit.to_cents().unwrap_or(0),
        created_at: now(),
        owner_copy_customer_id: input.owner_copy_customer_id.clone(),
        paperless: input.paperless,
        autopay: input.autopay,
    };
    diesel::insert_into(accounts::table)
        .values(&account)
        .execute(tx.db())?;
    let (account_id, number) = (account.id, account.number);
    audit::record(
        tx,
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
    let so = orders::create(tx, actor, &order)?;
    let system = Principal {
        user_id: String::new(),
        username: String::new(),
        role: Role::Admin,
        customer_id: None,
        session_id: None,
        operations: None,
    };
    Ok(MoveInResult {
        account: crate::domain::accounts::get(tx, &system, &account_id)?,
        deposit_required: deposit,
        deposit_rule: rule.to_owned(),
        service_orders: vec![so],
    })
}

pub fn move_out(
    tx: &mut WriteTx<'_>,
    actor: &Actor,
    account_id: &str,
    input: &MoveOutRequest,
) -> ApiResult<ServiceOrderDto> {
    let account = find_account(tx, account_id)?;
    if !OPEN_STATUSES.contains(&account.status) {
        return Err(ApiError::with_detail(
            ErrorCode::AccountNotOpen,
            format!("the account is {}", account.status.as_str()),
        ));
    }
    if input.move_out_on < account.opened_on {
        return Err(ApiError::field(
            "move_out_on",
            FieldCode::BeforeStart,
            "is before the account opened",
        ));
    }
    if let Some(addr) = input.forwarding().map_err(super::address_error)? {
        let mut customer = crate::domain::customers::customer_row(tx, &account.customer_id)?;
        customer.set_mailing(&addr);
        customer.updated_at = Some(now());
        diesel::update(customers::table.find(&account.customer_id))
            .set(&customer)
            .execute(tx.db())?;
    }
    let order = CreateServiceOrder {
        order_type: OrderType::FinalRead,
        premise_id: account.premise_id.clone(),
        account_id: Some(account_id.to_owned()),
        meter_id: None,
        new_meter_id: None,
        assigned_to: input.assigned_to.clone(),
        due_on: input.move_out_on,
        priority: Priority::Normal,
        instructions: Some(format!("Final read for move-out on {}", input.move_out_on)),
        allow_duplicate: false,
    };
    let so = orders::create(tx, actor, &order)?;
    audit::record(
        tx,
        actor,
        Change {
            action: "account.move_out",
            entity_type: "account",
            entity_id: account_id,
            before: Some(serde_json::json!({ "status": account.status })),
            after: audit::snapshot(input),
            reason: input.reason.as_deref(),
        },
    )?;
    Ok(so)
}

/// Transfer of service: the customer leaves one premise and starts at another, in one step.
pub fn transfer(
    tx: &mut WriteTx<'_>,
    actor: &Actor,
    rules: &DepositRules,
    account_id: &str,
    input: &TransferRequest,
) -> ApiResult<TransferResult> {
    // The new premise's lock first, before the final-read order takes the order counter's:
    // a move-in takes them in that order too, so the two never wait for each other.
    lock_premise(tx, &input.to_premise_id)?;
    let account = find_account(tx, account_id)?;
    if input.move_in_on < input.move_out_on {
        return Err(ApiError::field(
            "move_in_on",
            FieldCode::BeforeMoveOut,
            "service at the new address cannot start before it ends at the old one",
        ));
    }
    let final_read_order = move_out(
        tx,
        actor,
        account_id,
        &MoveOutRequest {
            move_out_on: input.move_out_on,
            forwarding_address: None,
            forwarding_address_parts: None,
            assigned_to: input.assigned_to.clone(),
            reason: Some("transfer of service".into()),
        },
    )?;
    let new_account = move_in(
        tx,
        actor,
        rules,
        &MoveInRequest {
            customer_id: Some(account.customer_id),
            new_customer: None,
            premise_id: input.to_premise_id.clone(),
            occupant: input.occupant,
            start_on: input.move_in_on,
            owner_copy_customer_id: None,
            paperless: account.paperless,
            autopay: account.autopay,
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
