//! Accounts as the staff console and the customer portal see them: lists, one account, the
//! account at a glance (its meters, services, notes, orders, complaints and contacts) and the
//! dashboard.

use chrono::NaiveDate;
use cistern_shared::accounts::AccountOverviewDto;
use cistern_shared::complaints::ComplaintQuery;
use cistern_shared::dto::{
    AccountDto, AccountStatus, AccountSummaryDto, CustomerDto, CycleDto, DashboardDto, Page,
    PremiseDto, StatusCount,
};
use cistern_shared::orders::OrderStatus;
use cistern_shared::{Money, Role};
use diesel::prelude::*;

use crate::auth::Principal;
use crate::db::models::{Account, Customer, Cycle, Premise};
use crate::db::schema::{accounts, customers, cycles, premises};
use crate::db::DbConnection;
use crate::domain::{complaints, contacts, meters, notes, orders, paging, services};
use crate::error::{ApiError, ApiResult};

pub use cistern_shared::query::AccountQuery;

/// An account in a list, as [`summary_columns`] selects it.
#[derive(Queryable)]
struct SummaryRow {
    id: String,
    number: String,
    status: AccountStatus,
    customer_name: String,
    service_address: String,
    cycle_code: String,
}

/// The columns of a [`SummaryRow`], from accounts joined to customers, premises and cycles.
fn summary_columns() -> (
    accounts::id,
    accounts::number,
    accounts::status,
    customers::name,
    premises::service_address,
    cycles::code,
) {
    (
        accounts::id,
        accounts::number,
        accounts::status,
        customers::name,
        premises::service_address,
        cycles::code,
    )
}

impl From<SummaryRow> for AccountSummaryDto {
    fn from(r: SummaryRow) -> AccountSummaryDto {
        AccountSummaryDto {
            id: r.id,
            number: r.number,
            status: r.status,
            customer_name: r.customer_name,
            service_address: r.service_address,
            cycle_code: r.cycle_code,
        }
    }
}

fn summaries_from(rows: Vec<SummaryRow>) -> Vec<AccountSummaryDto> {
    rows.into_iter().map(AccountSummaryDto::from).collect()
}

/// Whose accounts: one customer's, or every one ever at a premise.
pub enum AccountFilter<'a> {
    Customer(&'a str),
    Premise(&'a str),
}

/// The accounts of a customer or at a premise, newest first.
pub fn summaries(c: &mut DbConnection, f: AccountFilter<'_>) -> ApiResult<Vec<AccountSummaryDto>> {
    let mut q = accounts::table
        .inner_join(customers::table)
        .inner_join(premises::table.inner_join(cycles::table))
        .select(summary_columns())
        .order((accounts::opened_on.desc(), accounts::number.desc()))
        .into_boxed();
    q = match f {
        AccountFilter::Customer(id) => q.filter(accounts::customer_id.eq(id.to_owned())),
        AccountFilter::Premise(id) => q.filter(accounts::premise_id.eq(id.to_owned())),
    };
    Ok(summaries_from(q.load(c)?))
}

/// The ids of a customer's accounts (whose search terms include the customer's).
pub fn ids_of_customer(c: &mut DbConnection, customer_id: &str) -> QueryResult<Vec<String>> {
    accounts::table
        .filter(accounts::customer_id.eq(customer_id))
        .select(accounts::id)
        .load(c)
}

/// The ids of every account at a premise (whose search terms include the premise's).
pub fn ids_of_premise(c: &mut DbConnection, premise_id: &str) -> QueryResult<Vec<String>> {
    accounts::table
        .filter(accounts::premise_id.eq(premise_id))
        .select(accounts::id)
        .load(c)
}

/// The customer an account belongs to; `None` when there is no such account.
pub fn customer_of(c: &mut DbConnection, account_id: &str) -> QueryResult<Option<String>> {
    accounts::table
        .find(account_id)
        .select(accounts::customer_id)
        .first(c)
        .optional()
}

/// Accounts by number, optionally of one status; with text `q`, the search index answers
/// instead (see `domain::search`: names, addresses, numbers, serials, phones, parcels).
pub fn search(conn: &mut DbConnection, q: &AccountQuery) -> ApiResult<Page<AccountSummaryDto>> {
    if q.q.as_deref().is_some_and(|t| !t.trim().is_empty()) {
        return crate::domain::search::search(conn, q);
    }
    let (page, per_page) = paging(q.page, q.per_page);
    let filtered = || {
        let mut s = accounts::table
            .inner_join(customers::table)
            .inner_join(premises::table.inner_join(cycles::table))
            .into_boxed();
        if let Some(st) = q.status {
            s = s.filter(accounts::status.eq(st));
        }
        s
    };
    let total: i64 = filtered().count().get_result(conn)?;
    let rows: Vec<SummaryRow> = filtered()
        .select(summary_columns())
        .order(accounts::number.asc())
        .limit(per_page)
        .offset((page - 1) * per_page)
        .load(conn)?;
    Ok(Page {
        items: summaries_from(rows),
        total,
        page,
        per_page,
    })
}

/// The signed-in customer's own accounts.
pub fn of_customer(
    conn: &mut DbConnection,
    customer_id: &str,
) -> ApiResult<Vec<AccountSummaryDto>> {
    let rows: Vec<SummaryRow> = accounts::table
        .inner_join(customers::table)
        .inner_join(premises::table.inner_join(cycles::table))
        .filter(accounts::customer_id.eq(customer_id))
        .select(summary_columns())
        .order(accounts::number.asc())
        .load(conn)?;
    Ok(summaries_from(rows))
}

/// One account in full. A customer asking for an account that is not theirs gets the same
/// 404 as for one that does not exist, so account ids cannot be probed.
pub fn get(conn: &mut DbConnection, who: &Principal, id: &str) -> ApiResult<AccountDto> {
    let row: Option<(Account, Customer, Premise, Cycle)> = accounts::table
        .inner_join(customers::table)
        .inner_join(premises::table.inner_join(cycles::table))
        .filter(accounts::id.eq(id))
        .select((
            Account::as_select(),
            Customer::as_select(),
            Premise::as_select(),
            Cycle::as_select(),
        ))
        .first(conn)
        .optional()?;
    let (account, customer, premise, cycle) = row.ok_or_else(ApiError::not_found)?;
    if who.role == Role::Customer
        && who.customer_id.as_deref() != Some(account.customer_id.as_str())
    {
        return Err(ApiError::not_found());
    }
    let account_count: i64 = accounts::table
        .inner_join(premises::table)
        .filter(premises::cycle_id.eq(&cycle.id))
        .count()
        .get_result(conn)?;
    Ok(account.into_dto(
        CustomerDto::from(customer),
        PremiseDto::from(premise),
        cycle.into_dto(account_count),
    ))
}

pub fn cycles(conn: &mut DbConnection) -> ApiResult<Vec<CycleDto>> {
    let counts: Vec<(String, i64)> = accounts::table
        .inner_join(premises::table)
        .group_by(premises::cycle_id)
        .select((premises::cycle_id, diesel::dsl::count_star()))
        .load(conn)?;
    let rows: Vec<Cycle> = cycles::table
        .select(Cycle::as_select())
        .order(cycles::code.asc())
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|cycle| {
            let account_count = counts
                .iter()
                .find(|(c, _)| *c == cycle.id)
                .map(|(_, n)| *n)
                .unwrap_or(0);
            cycle.into_dto(account_count)
        })
        .collect())
}

pub fn dashboard(conn: &mut DbConnection, business_date: NaiveDate) -> ApiResult<DashboardDto> {
    let customers_n: i64 = customers::table.count().get_result(conn)?;
    let premises_n: i64 = premises::table.count().get_result(conn)?;
    let by_status: Vec<(AccountStatus, i64)> = accounts::table
        .group_by(accounts::status)
        .select((accounts::status, diesel::dsl::count_star()))
        .load(conn)?;
    let accounts_by_status = AccountStatus::ALL
        .into_iter()
        .map(|status| StatusCount {
            status,
            count: by_status
                .iter()
                .find(|(s, _)| *s == status)
                .map(|(_, n)| *n)
                .unwrap_or(0),
        })
        .collect();
    // SUM of a BIGINT is NUMERIC on PostgreSQL and INTEGER on SQLite; the cast gives both
    // the same exact integer type.
    let total_cents: i64 = accounts::table
        .filter(accounts::status.eq(AccountStatus::Active))
        .select(diesel::dsl::sql::<diesel::sql_types::BigInt>(
            "CAST(COALESCE(SUM(deposit_required_cents), 0) AS BIGINT)",
        ))
        .get_result(conn)?;
    Ok(DashboardDto {
        business_date,
        customers: customers_n,
        premises: premises_n,
        accounts_by_status,
        cycles: cycles(conn)?,
        deposits_required: Money::from_cents(total_cents),
    })
}

/// The account's own flags the overview shows beside [`AccountDto`].
#[derive(Queryable, Selectable)]
#[diesel(table_name = accounts, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
struct OverviewFlags {
    owner_copy_customer_id: Option<String>,
    paperless: bool,
    autopay: bool,
    final_read_on: Option<NaiveDate>,
    closing_bill_pending: bool,
}

/// Everything about an account at a glance.
pub fn overview(c: &mut DbConnection, who: &Principal, id: &str) -> ApiResult<AccountOverviewDto> {
    let account = get(c, who, id)?;
    let flags: OverviewFlags = accounts::table
        .find(id)
        .select(OverviewFlags::as_select())
        .first(c)?;
    let owner_copy_to = match &flags.owner_copy_customer_id {
        Some(o) => customers::table
            .find(o)
            .select(customers::name)
            .first(c)
            .optional()?,
        None => None,
    };
    let premise_id = account.premise.id.clone();
    let meters = meters::installed_at(c, &premise_id)?;
    let services = services::services_of(c, &premise_id)?;
    let notes = notes::notes_of(c, id)?;
    let open_orders = orders::list(
        c,
        orders::OrderViewer::of(who),
        &orders::OrderFilter {
            premise_id: Some(premise_id),
            status: Some(OrderStatus::Open),
            ..Default::default()
        },
    )?;
    let complaints = complaints::complaints(
        c,
        &ComplaintQuery {
            account_id: Some(id.to_owned()),
            ..Default::default()
        },
    )?;
    let contacts = contacts::contacts_of(c, &account.customer.id, Some(id))?;
    Ok(AccountOverviewDto {
        status: account.status,
        account,
        owner_copy_to,
        paperless: flags.paperless,
        autopay: flags.autopay,
        final_read_on: flags.final_read_on,
        closing_bill_pending: flags.closing_bill_pending,
        meters,
        services,
        notes,
        open_orders,
        complaints,
        contacts,
    })
}
