//! `/staff`: today's figures.

use cistern_shared::dto::{CycleDto, DashboardDto};
use leptos::prelude::*;

use crate::api::use_api;
use crate::components::{col, loaded_or, num_col, StatusBadge, Table};
use crate::format;
use crate::i18n::{use_i18n, I18n, Key};
use crate::tr;

#[component]
pub fn DashboardPage() -> impl IntoView {
    let api = use_api();
    let data = LocalResource::new(move || async move { api.dashboard().await });
    view! {
        <div class="page-head" id="dashboard">
            <h1>{tr!(DashboardTitle)}</h1>
        </div>
        {move || loaded_or(data.get(), |d| view! { <DashboardBody d=d /> }.into_any())}
    }
}

pub fn frequency(i18n: I18n, months: i32) -> String {
    match months {
        1 => i18n.t(Key::CycleMonthly).to_string(),
        2 => i18n.t(Key::CycleBimonthly).to_string(),
        n => i18n.tf(Key::CycleEveryN, &[("n", &n.to_string())]),
    }
}

#[component]
fn DashboardBody(d: DashboardDto) -> impl IntoView {
    let i18n = use_i18n();
    let total_accounts: i64 = d.accounts_by_status.iter().map(|s| s.count).sum();
    let statuses = d.accounts_by_status.clone();
    let cycles = d.cycles.clone();
    let cycles_for_chart = d.cycles.clone();
    let has_cycles = !d.cycles.is_empty();
    view! {
        <dl class="stats">
            <div class="stat">
                <dt>{tr!(DashboardBusinessDate)}</dt>
                <dd id="stat-business-date">{format::date(d.business_date)}</dd>
            </div>
            <div class="stat">
                <dt>{tr!(DashboardCustomers)}</dt>
                <dd id="stat-customers">{format::count(d.customers)}</dd>
            </div>
            <div class="stat">
                <dt>{tr!(DashboardPremises)}</dt>
                <dd id="stat-premises">{format::count(d.premises)}</dd>
            </div>
            <div class="stat">
                <dt>{tr!(DashboardAccounts)}</dt>
                <dd id="stat-accounts">{format::count(total_accounts)}</dd>
            </div>
            <div class="stat stat-wide">
                <dt>{tr!(DashboardDepositsRequired)}</dt>
                <dd id="stat-deposits">{format::money(d.deposits_required)}</dd>
            </div>
        </dl>
        <div class="grid-2">
            <section class="card" aria-labelledby="by-status-title">
                <h2 id="by-status-title">{tr!(DashboardAccountsByStatus)}</h2>
                <Table columns=vec![col(Key::ColStatus), num_col(Key::ColAccounts)] bare=true id="accounts-by-status">
                        {statuses
                            .into_iter()
                            .map(|s| {
                                view! {
                                    <tr>
                                        <td><StatusBadge status=s.status /></td>
                                        <td class="num">{format::count(s.count)}</td>
                                    </tr>
                                }
                            })
                            .collect_view()}
                </Table>
            </section>
            <section class="card" aria-labelledby="cycles-title">
                <h2 id="cycles-title">{tr!(DashboardCycles)}</h2>
                {if has_cycles {
                    view! {
                        <CycleChart cycles=cycles_for_chart />
                        <Table columns=vec![col(Key::ColCode), col(Key::ColCycle), col(Key::ColFrequency), num_col(Key::ColAccounts)] bare=true id="cycles">
                                {cycles
                                    .into_iter()
                                    .map(|c| {
                                        let months = c.months_per_bill;
                                        view! {
                                            <tr>
                                                <td>{c.code}</td>
                                                <td>{c.name}</td>
                                                <td>{move || frequency(i18n, months)}</td>
                                                <td class="num">{format::count(c.account_count)}</td>
                                            </tr>
                                        }
                                    })
                                    .collect_view()}
                        </Table>
                    }
                        .into_any()
                } else {
                    view! { <p class="muted">{tr!(DashboardNoCycles)}</p> }.into_any()
                }}
            </section>
        </div>
    }
}

/// Horizontal bars of accounts per cycle. The SVG is an image with a text alternative that
/// states the figures; the table beside it carries the same data.
#[component]
fn CycleChart(cycles: Vec<CycleDto>) -> impl IntoView {
    let i18n = use_i18n();
    const ROW: f64 = 30.0;
    const LABEL_W: f64 = 56.0;
    const VALUE_W: f64 = 64.0;
    const WIDTH: f64 = 480.0;
    let max = cycles
        .iter()
        .map(|c| c.account_count)
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let height = ROW * cycles.len() as f64 + 8.0;
    let summary = cycles
        .iter()
        .map(|c| format!("{} {}", c.code, format::count(c.account_count)))
        .collect::<Vec<_>>()
        .join(", ");
    let bars = cycles
        .into_iter()
        .enumerate()
        .map(|(i, c)| {
            let y = 4.0 + ROW * i as f64;
            let w = ((WIDTH - LABEL_W - VALUE_W) * c.account_count as f64 / max).max(2.0);
            view! {
                <g>
                    <text x="0" y=y + ROW / 2.0 + 5.0 class="chart-label">{c.code.clone()}</text>
                    <rect x=LABEL_W y=y + 4.0 width=w height=ROW - 10.0 rx="3" class="chart-bar" />
                    <text x=LABEL_W + w + 6.0 y=y + ROW / 2.0 + 5.0 class="chart-value">
                        {format::count(c.account_count)}
                    </text>
                </g>
            }
        })
        .collect_view();
    view! {
        <figure class="chart">
            <figcaption>{tr!(DashboardChartTitle)}</figcaption>
            <svg
                viewBox=format!("0 0 {WIDTH} {height}")
                width="100%"
                role="img"
                aria-label=move || i18n.tf(Key::DashboardChartAlt, &[("summary", &summary)])
                preserveAspectRatio="xMinYMin meet"
            >
                {bars}
            </svg>
        </figure>
    }
}
