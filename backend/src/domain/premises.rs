//! Premises: the places service is delivered to. Every change is one transaction with its
//! audit row; the accounts a service address finds are re-indexed in that same transaction.

use cistern_shared::FieldCode;
use std::collections::HashMap;

use cistern_shared::dto::Page;
use cistern_shared::meters::MeterStatus;
use cistern_shared::orders::OrderStatus;
use cistern_shared::premises::{PremiseDetailDto, PremiseInput, PremiseQuery, PremiseSummaryDto};
use diesel::prelude::*;

use crate::db::models::Premise;
use crate::db::schema::{accounts, cycles, meters, premises};
use crate::db::{now, DbConnection, WriteTx};
use crate::domain::accounts::{self as account_list, AccountFilter};
use crate::domain::audit::{self, Actor, Change};
use crate::domain::moves::OPEN_STATUSES;
use crate::domain::orders::{self, OrderFilter, OrderViewer};
use crate::domain::{meters as meter_list, new_id, paging, sdcs, services};
use crate::error::{ApiError, ApiResult};

fn cycle_id(c: &mut DbConnection, code: &str) -> ApiResult<String> {
    cycles::table
        .filter(cycles::code.eq(code))
        .select(cycles::id)
        .first(c)
        .optional()?
        .ok_or_else(|| ApiError::field("cycle_code", FieldCode::Unknown, "no such billing cycle"))
}

/// One premise's row and its cycle's code; not found is a 404.
pub fn premise_row(c: &mut DbConnection, id: &str) -> ApiResult<(Premise, String)> {
    premises::table
        .inner_join(cycles::table)
        .filter(premises::id.eq(id))
        .select((Premise::as_select(), cycles::code))
        .first(c)
        .optional()?
        .ok_or_else(ApiError::not_found)
}

pub fn create_premise(
    tx: &mut WriteTx<'_>,
    actor: &Actor,
    input: &PremiseInput,
) -> ApiResult<String> {
    let service = input.service().map_err(super::address_error)?;
    let cycle = cycle_id(tx, &input.cycle_code)?;
    let row = Premise::new(new_id(), input, &service, cycle, now());
    diesel::insert_into(premises::table)
        .values(&row)
        .execute(tx.db())?;
    audit::record(
        tx,
        actor,
        Change {
            action: "premise.create",
            entity_type: "premise",
            entity_id: &row.id,
            before: None,
            after: audit::snapshot(&row.input(input.cycle_code.clone())),
            reason: None,
        },
    )?;
    Ok(row.id)
}

pub fn update_premise(
    tx: &mut WriteTx<'_>,
    actor: &Actor,
    id: &str,
    input: &PremiseInput,
) -> ApiResult<PremiseDetailDto> {
    let service = input.service().map_err(super::address_error)?;
    let (mut row, cycle_code) = premise_row(tx, id)?;
    let before = row.input(cycle_code);
    let cycle = cycle_id(tx, &input.cycle_code)?;
    row.assign(input, &service, cycle);
    row.updated_at = Some(now());
    diesel::update(premises::table.find(id))
        .set(&row)
        .execute(tx.db())?;
    audit::record(
        tx,
        actor,
        Change {
            action: "premise.update",
            entity_type: "premise",
            entity_id: id,
            before: audit::snapshot(&before),
            after: audit::snapshot(&row.input(input.cycle_code.clone())),
            reason: None,
        },
    )?;
    get_premise(tx, OrderViewer::All, id)
}

diesel::define_sql_function!(fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text);

/// Premises by service address, optionally only vacant ones or those matching every word of
/// `q`; paged, with the installed meters and the open account of each (two queries for the
/// page, not two per premise).
pub fn list_premises(c: &mut DbConnection, q: &PremiseQuery) -> ApiResult<Page<PremiseSummaryDto>> {
    let (page, per_page) = paging(q.page, q.per_page);
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
                    .filter(accounts::status.eq_any(OPEN_STATUSES)),
            )));
        }
        s
    };
    let total: i64 = filtered().count().get_result(c)?;
    let rows: Vec<(Premise, String)> = filtered()
        .select((Premise::as_select(), cycles::code))
        .order((premises::service_address.asc(), premises::id.asc()))
        .limit(per_page)
        .offset((page - 1) * per_page)
        .load(c)?;
    let ids: Vec<&str> = rows.iter().map(|(p, _)| p.id.as_str()).collect();
    let mut meters_at: HashMap<String, i64> = HashMap::new();
    for premise in meters::table
        .filter(meters::premise_id.eq_any(&ids))
        .filter(meters::status.eq(MeterStatus::Installed))
        .select(meters::premise_id.assume_not_null())
        .load::<String>(c)?
    {
        *meters_at.entry(premise).or_default() += 1;
    }
    let mut holding: HashMap<String, String> = accounts::table
        .filter(accounts::premise_id.eq_any(&ids))
        .filter(accounts::status.eq_any(OPEN_STATUSES))
        .select((accounts::premise_id, accounts::number))
        .load::<(String, String)>(c)?
        .into_iter()
        .collect();
    let items = rows
        .into_iter()
        .map(|(p, cycle_code)| {
            let meters_installed = meters_at.get(&p.id).copied().unwrap_or(0);
            let open_account = holding.remove(&p.id);
            p.into_summary(cycle_code, meters_installed, open_account)
        })
        .collect();
    Ok(Page {
        items,
        total,
        page,
        per_page,
    })
}

/// One premise as `viewer` may see it (a field user sees only their own open orders there).
pub fn get_premise(
    c: &mut DbConnection,
    viewer: OrderViewer<'_>,
    id: &str,
) -> ApiResult<PremiseDetailDto> {
    let (p, cycle_code) = premise_row(c, id)?;
    let meters = meter_list::installed_at(c, id)?;
    let services = services::services_of(c, id)?;
    let accounts = account_list::summaries(c, AccountFilter::Premise(id))?;
    let sdc_charges = sdcs::sdc_of(c, id)?;
    let open_orders = orders::list(
        c,
        viewer,
        &OrderFilter {
            premise_id: Some(id.to_owned()),
            status: Some(OrderStatus::Open),
            ..Default::default()
        },
    )?;
    Ok(PremiseDetailDto {
        id: p.id,
        service_address_parts: p.service.address(),
        service_address: p.service_address,
        parcel: p.parcel,
        inside_city: p.inside_city,
        cycle_code,
        route: p.route,
        read_sequence: p.read_sequence,
        dwelling_units: p.dwelling_units,
        notes: p.notes,
        meters,
        services,
        accounts,
        sdc_charges,
        open_orders,
    })
}
