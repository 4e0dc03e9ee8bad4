//! `/staff/accounts` (search and list) and the portal's account detail.

use cistern_shared::dto::{AccountDto, AccountSummaryDto, Page, SEARCH_RESULT_WINDOW};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

use crate::api::{encode_query_value, query_string, use_api};
use crate::components::{LoadError, Loading, Pager, StatusBadge};
use crate::format;
use crate::i18n::{locale_key, use_i18n, Key};
use crate::pages::dashboard::frequency;
use crate::tr;

const PER_PAGE: i64 = 20;

#[component]
pub fn AccountsPage() -> impl IntoView {
    let api = use_api();
    let i18n = use_i18n();
    let query = use_query_map();
    let q = Memo::new(move |_| query.with(|m| m.get("q").unwrap_or_default()));
    let page = Memo::new(move |_| {
        query.with(|m| {
            m.get("page")
                .and_then(|p| p.parse::<i64>().ok())
                .filter(|p| *p >= 1)
                .unwrap_or(1)
        })
    });
    let input = RwSignal::new(q.get_untracked());
    let data = LocalResource::new(move || {
        let path = format!(
            "/accounts{}",
            query_string(&[
                ("q", q.get()),
                ("page", page.get().to_string()),
                ("per_page", PER_PAGE.to_string())
            ])
        );
        async move { api.get::<Page<AccountSummaryDto>>(&path).await }
    });
    let navigate = use_navigate();
    let nav2 = navigate.clone();
    let on_search = move |ev: SubmitEvent| {
        ev.prevent_default();
        let text = input.get_untracked().trim().to_string();
        navigate(
            &format!("/staff/accounts{}", query_string(&[("q", text)])),
            Default::default(),
        );
    };
    let on_page = Callback::new(move |p: i64| {
        nav2(
            &format!(
                "/staff/accounts{}",
                query_string(&[("q", q.get_untracked()), ("page", p.to_string())])
            ),
            Default::default(),
        );
    });
    // A text search pages only through its best matches; the plain list through all.
    let window = Signal::derive(move || (!q.get().is_empty()).then_some(SEARCH_RESULT_WINDOW));
    let total = Signal::derive(move || {
        data.get()
            .and_then(|r| r.ok())
            .map(|p| p.total)
            .unwrap_or(0)
    });

    view! {
        <div class="page-head">
            <h1>{tr!(AccountsTitle)}</h1>
        </div>
        <form class="search" role="search" on:submit=on_search>
            <label for="account-search">{tr!(AccountsSearchLabel)}</label>
            <div class="search-row">
                <input
                    id="account-search"
                    name="q"
                    type="search"
                    aria-describedby="account-search-hint"
                    bind:value=input
                />
                <button type="submit" class="btn btn-primary">{tr!(AccountsSearch)}</button>
            </div>
            <p class="hint" id="account-search-hint">{tr!(AccountsSearchHint)}</p>
        </form>
        {move || match data.get() {
            None => view! { <Loading /> }.into_any(),
            Some(Err(e)) => view! { <LoadError err=e /> }.into_any(),
            Some(Ok(p)) if p.items.is_empty() => view! { <p class="empty">{move || i18n.t(Key::AccountsNone)}</p> }.into_any(),
            Some(Ok(p)) => view! { <AccountTable items=p.items base="/staff/accounts" /> }.into_any(),
        }}
        {move || {
            window
                .get()
                .filter(|shown| total.get() > *shown)
                .map(|shown| {
                    view! {
                        <p class="hint" id="account-search-window">
                            {move || {
                                i18n.tf(
                                    Key::AccountsSearchWindow,
                                    &[
                                        ("shown", &format::count(shown)),
                                        ("total", &format::count(total.get())),
                                    ],
                                )
                            }}
                        </p>
                    }
                })
        }}
        <Pager page=page per_page=PER_PAGE total=total on_page=on_page window=window />
    }
}

#[component]
pub fn AccountTable(items: Vec<AccountSummaryDto>, base: &'static str) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table class="table" id="account-table">
                <thead>
                    <tr>
                        <th scope="col">{tr!(ColNumber)}</th>
                        <th scope="col">{tr!(ColCustomer)}</th>
                        <th scope="col">{tr!(ColAddress)}</th>
                        <th scope="col">{tr!(ColCycle)}</th>
                        <th scope="col">{tr!(ColStatus)}</th>
                    </tr>
                </thead>
                <tbody>
                    {items
                        .into_iter()
                        .map(|a| {
                            let href = format!("{base}/{}", encode_query_value(&a.id));
                            view! {
                                <tr>
                                    <th scope="row"><A href=href attr:class="account-number">{a.number}</A></th>
                                    <td>{a.customer_name}</td>
                                    <td>{a.service_address}</td>
                                    <td>{a.cycle_code}</td>
                                    <td><StatusBadge status=a.status /></td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// One account, loaded by the `:id` route parameter (the customer portal's view; staff see
/// [`crate::pages::account::StaffAccountPage`]).
#[component]
pub fn AccountDetail(back_href: &'static str, back_label: Key) -> impl IntoView {
    let api = use_api();
    let i18n = use_i18n();
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").unwrap_or_default()));
    let data = LocalResource::new(move || {
        let path = format!("/accounts/{}", encode_query_value(&id.get()));
        async move { api.get::<AccountDto>(&path).await }
    });
    view! {
        <p class="back"><A href=back_href>"← " {move || i18n.t(back_label)}</A></p>
        {move || match data.get() {
            None => view! { <Loading /> }.into_any(),
            Some(Err(e)) => view! { <LoadError err=e /> }.into_any(),
            Some(Ok(a)) => view! { <AccountBody a=a /> }.into_any(),
        }}
    }
}

fn or_not_set(i18n: crate::i18n::I18n, v: Option<String>) -> impl Fn() -> String {
    move || {
        v.clone()
            .unwrap_or_else(|| i18n.t(Key::CommonNotSet).to_string())
    }
}

#[component]
fn AccountBody(a: AccountDto) -> impl IntoView {
    let i18n = use_i18n();
    let number = a.number.clone();
    let occupant = a.occupant.clone();
    let is_org = a.customer.is_organisation;
    let inside = a.premise.inside_city;
    let months = a.cycle.months_per_bill;
    let pref = a.customer.preferred_locale;
    let closed = a.closed_on.map(format::date);
    view! {
        <div class="page-head" id="account-head">
            <h1>{move || i18n.tf(Key::AccountTitle, &[("number", &number)])}</h1>
            <StatusBadge status=a.status />
        </div>
        <div class="grid-3">
            <section class="card" aria-labelledby="acct-details">
                <h2 id="acct-details">{tr!(AccountDetails)}</h2>
                <dl class="facts">
                    <dt>{tr!(ColNumber)}</dt>
                    <dd id="account-number">{a.number.clone()}</dd>
                    <dt>{tr!(AccountOccupant)}</dt>
                    <dd>
                        {move || match occupant.as_str() {
                            "owner" => i18n.t(Key::OccupantOwner).to_string(),
                            "tenant" => i18n.t(Key::OccupantTenant).to_string(),
                            other => other.to_string(),
                        }}
                    </dd>
                    <dt>{tr!(AccountCycle)}</dt>
                    <dd>{format!("{} — {}", a.cycle.code, a.cycle.name)} " (" {move || frequency(i18n, months)} ")"</dd>
                    <dt>{tr!(AccountOpenedOn)}</dt>
                    <dd>{format::date(a.opened_on)}</dd>
                    <dt>{tr!(AccountClosedOn)}</dt>
                    <dd>{or_not_set(i18n, closed)}</dd>
                    <dt>{tr!(AccountDepositRequired)}</dt>
                    <dd>{format::money(a.deposit_required)}</dd>
                </dl>
            </section>
            <section class="card" aria-labelledby="acct-customer">
                <h2 id="acct-customer">{tr!(AccountCustomer)}</h2>
                <dl class="facts">
                    <dt>{tr!(AccountCustomerName)}</dt>
                    <dd id="customer-name">{a.customer.name.clone()}</dd>
                    <dt>{tr!(AccountCustomerType)}</dt>
                    <dd>
                        {move || {
                            if is_org { i18n.t(Key::AccountOrganisation) } else { i18n.t(Key::AccountPerson) }
                        }}
                    </dd>
                    <dt>{tr!(AccountMailingAddress)}</dt>
                    <dd class="pre">{a.customer.mailing_address.clone()}</dd>
                    <dt>{tr!(AccountPhone)}</dt>
                    <dd>{or_not_set(i18n, a.customer.phone.clone())}</dd>
                    <dt>{tr!(AccountEmail)}</dt>
                    <dd>{or_not_set(i18n, a.customer.email.clone())}</dd>
                    <dt>{tr!(AccountPreferredLanguage)}</dt>
                    <dd>{move || i18n.t(locale_key(pref))}</dd>
                </dl>
            </section>
            <section class="card" aria-labelledby="acct-premise">
                <h2 id="acct-premise">{tr!(AccountPremise)}</h2>
                <dl class="facts">
                    <dt>{tr!(AccountServiceAddress)}</dt>
                    <dd>{a.premise.service_address.clone()}</dd>
                    <dt>{tr!(AccountParcel)}</dt>
                    <dd>{or_not_set(i18n, a.premise.parcel.clone())}</dd>
                    <dt>{tr!(AccountInsideCity)}</dt>
                    <dd>{move || if inside { i18n.t(Key::CommonYes) } else { i18n.t(Key::CommonNo) }}</dd>
                </dl>
            </section>
        </div>
    }
}
