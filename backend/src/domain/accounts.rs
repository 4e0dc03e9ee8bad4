//! Accounts as the staff console and the customer portal see them. (The full customer
//! information lifecycle builds on these tables.)

use chrono::NaiveDate;
use cistern_shared::dto::{
    AccountDto, AccountStatus, AccountSummaryDto, CustomerDto, CycleDto, DashboardDto, Locale,
    Page, PremiseDto, StatusCount,
};
use cistern_shared::{Money, Role};
use diesel::prelude::*;

use crate::auth::Principal;
use crate::db::schema::{accounts, customers, cycles, premises};
use crate::db::DbConnection;
use crate::domain::paging;
use crate::error::{ApiError, ApiResult};

pub use cistern_shared::query::AccountQuery;

fn status_of(s: &str) -> ApiResult<AccountStatus> {
    AccountStatus::parse(s).ok_or_else(|| ApiError::internal("unknown account status"))
}

type SummaryRow = (String, String, String, String, String, String);

fn summaries(rows: Vec<SummaryRow>) -> ApiResult<Vec<AccountSummaryDto>> {
    rows.into_iter()
        .map(
            |(id, number, status, customer_name, service_address, cycle_code)| {
                Ok(AccountSummaryDto {
                    id,
                    number,
                    status: status_of(&status)?,
                    customer_name,
                    service_address,
                    cycle_code,
                })
            },
        )
        .collect()
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
            s = s.filter(accounts::status.eq(st.as_str()));
        }
        s
    };
    let total: i64 = filtered().count().get_result(conn)?;
    let rows: Vec<SummaryRow> = filtered()
        .select((
            accounts::id,
            accounts::number,
            accounts::status,
            customers::name,
            premises::service_address,
            cycles::code,
        ))
        .order(accounts::number.asc())
        .limit(per_page)
        .offset((page - 1) * per_page)
        .load(conn)?;
    Ok(Page {
        items: summaries(rows)?,
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
        .select((
            accounts::id,
            accounts::number,
            accounts::status,
            customers::name,
            premises::service_address,
            cycles::code,
        ))
        .order(accounts::number.asc())
        .load(conn)?;
    summaries(rows)
}

type DetailRow = (
    (
        String,
        String,
        String,
        String,
        NaiveDate,
        Option<NaiveDate>,
        i64,
        String,
    ),
    (
        String,
        String,
        bool,
        String,
        Option<String>,
        Option<String>,
        String,
    ),
    (String, String, Option<String>, bool),
    (String, String, String, i32),
);

/// One account in full. A customer asking for an account that is not theirs gets the same
/// 404 as for one that does not exist, so account ids cannot be probed.
pub fn get(conn: &mut DbConnection, who: &Principal, id: &str) -> ApiResult<AccountDto> {
    let row: Option<DetailRow> = accounts::table
        .inner_join(customers::table)
        .inner_join(premises::table.inner_join(cycles::table))
        .filter(accounts::id.eq(id))
        .select((
            (
                accounts::id,
                accounts::number,
                accounts::status,
                accounts::occupant,
                accounts::opened_on,
                accounts::closed_on,
                accounts::deposit_required_cents,
                accounts::customer_id,
            ),
            (
                customers::id,
                customers::name,
                customers::is_organisation,
                customers::mailing_address,
                customers::phone,
                customers::email,
                customers::preferred_locale,
            ),
            (
                premises::id,
                premises::service_address,
                premises::parcel,
                premises::inside_city,
            ),
            (
                cycles::id,
                cycles::code,
                cycles::name,
                cycles::months_per_bill,
            ),
        ))
        .first(conn)
        .optional()?;
    let (a, c, p, cy) = row.ok_or_else(ApiError::not_found)?;
    if who.role == Role::Customer && who.customer_id.as_deref() != Some(a.7.as_str()) {
        return Err(ApiError::not_found());
    }
    let account_count: i64 = accounts::table
        .inner_join(premises::table)
        .filter(premises::cycle_id.eq(&cy.0))
        .count()
        .get_result(conn)?;
    Ok(AccountDto {
        id: a.0,
        number: a.1,
        status: status_of(&a.2)?,
        occupant: a.3,
        opened_on: a.4,
        closed_on: a.5,
        deposit_required: Money::from_cents(a.6),
        customer: CustomerDto {
            id: c.0,
            name: c.1,
            is_organisation: c.2,
            mailing_address: c.3,
            phone: c.4,
            email: c.5,
            preferred_locale: Locale::parse(&c.6).unwrap_or_default(),
        },
        premise: PremiseDto {
            id: p.0,
            service_address: p.1,
            parcel: p.2,
            inside_city: p.3,
        },
        cycle: CycleDto {
            id: cy.0,
            code: cy.1,
            name: cy.2,
            months_per_bill: cy.3,
            account_count,
        },
    })
}

pub fn cycles(conn: &mut DbConnection) -> ApiResult<Vec<CycleDto>> {
    let counts: Vec<(String, i64)> = accounts::table
        .inner_join(premises::table)
        .group_by(premises::cycle_id)
        .select((premises::cycle_id, diesel::dsl::count_star()))
        .load(conn)?;
    let rows: Vec<(String, String, String, i32)> = cycles::table
        .select((
            cycles::id,
            cycles::code,
            cycles::name,
            cycles::months_per_bill,
        ))
        .order(cycles::code.asc())
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, code, name, months_per_bill)| {
            let account_count = counts
                .iter()
                .find(|(c, _)| *c == id)
                .map(|(_, n)| *n)
                .unwrap_or(0);
            CycleDto {
                id,
                code,
                name,
                months_per_bill,
                account_count,
            }
        })
        .collect())
}

pub fn dashboard(conn: &mut DbConnection, business_date: NaiveDate) -> ApiResult<DashboardDto> {
    let customers_n: i64 = customers::table.count().get_result(conn)?;
    let premises_n: i64 = premises::table.count().get_result(conn)?;
    let by_status: Vec<(String, i64)> = accounts::table
        .group_by(accounts::status)
        .select((accounts::status, diesel::dsl::count_star()))
        .load(conn)?;
    let accounts_by_status = AccountStatus::ALL
        .into_iter()
        .map(|status| StatusCount {
            status,
            count: by_status
                .iter()
                .find(|(s, _)| s == status.as_str())
                .map(|(_, n)| *n)
                .unwrap_or(0),
        })
        .collect();
    // SUM of a BIGINT is NUMERIC on PostgreSQL and INTEGER on SQLite; the cast gives both
    // the same exact integer type.
    let total_cents: i64 = accounts::table
        .filter(accounts::status.eq(AccountStatus::Active.as_str()))
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
