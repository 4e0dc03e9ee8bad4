//! `/staff/accounts` (search and list) and the portal's account detail.

use cistern_shared::dto::{AccountDto, AccountSummaryDto, SEARCH_RESULT_WINDOW};
use cistern_shared::query::AccountQuery;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

use crate::api::{encode_query_value, query_string, use_api};
use crate::components::{
    col, loaded_or, or_not_set, yes_no, Fact, Facts, Pager, StatusBadge, Table,
};
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
        let query = AccountQuery {
            q: format::non_empty(&q.get()),
            page: Some(page.get()),
            per_page: Some(PER_PAGE),
            ..Default::default()
        };
        async move { api.search_accounts(&query).await }
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
        {move || loaded_or(data.get(), |p| account_table_or_none(p.items, Key::AccountsNone))}
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

/// The accounts as a table, or `none` when there are none.
pub fn account_table_or_none(items: Vec<AccountSummaryDto>, none: Key) -> AnyView {
    if items.is_empty() {
        let i18n = use_i18n();
        view! { <p class="empty">{move || i18n.t(none)}</p> }.into_any()
    } else {
        view! { <AccountTable items=items base="/staff/accounts" /> }.into_any()
    }
}

#[component]
pub fn AccountTable(items: Vec<AccountSummaryDto>, base: &'static str) -> impl IntoView {
    let columns = vec![
        col(Key::ColNumber),
        col(Key::ColCustomer),
        col(Key::ColAddress),
        col(Key::ColCycle),
        col(Key::ColStatus),
    ];
    view! {
        <Table columns=columns id="account-table">
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
        </Table>
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
        let id = id.get();
        async move { api.account(&id).await }
    });
    view! {
        <p class="back"><A href=back_href>"← " {move || i18n.t(back_label)}</A></p>
        {move || loaded_or(data.get(), |a| view! { <AccountBody a=a /> }.into_any())}
    }
}

/// The value or "Not set", in the language of the moment.
fn not_set(i18n: crate::i18n::I18n, v: Option<String>) -> impl Fn() -> String {
    move || or_not_set(i18n, v.clone())
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
                <Facts>
                    <Fact label=Key::ColNumber id="account-number">{a.number.clone()}</Fact>
                    <Fact label=Key::AccountOccupant>
                        {move || match occupant.as_str() {
                            "owner" => i18n.t(Key::OccupantOwner).to_string(),
                            "tenant" => i18n.t(Key::OccupantTenant).to_string(),
                            other => other.to_string(),
                        }}
                    </Fact>
                    <Fact label=Key::AccountCycle>{format!("{} — {}", a.cycle.code, a.cycle.name)} " (" {move || frequency(i18n, months)} ")"</Fact>
                    <Fact label=Key::AccountOpenedOn>{format::date(a.opened_on)}</Fact>
                    <Fact label=Key::AccountClosedOn>{not_set(i18n, closed)}</Fact>
                    <Fact label=Key::AccountDepositRequired>{format::money(a.deposit_required)}</Fact>
                </Facts>
            </section>
            <section class="card" aria-labelledby="acct-customer">
                <h2 id="acct-customer">{tr!(AccountCustomer)}</h2>
                <Facts>
                    <Fact label=Key::AccountCustomerName id="customer-name">{a.customer.name.clone()}</Fact>
                    <Fact label=Key::AccountCustomerType>
                        {move || {
                            if is_org { i18n.t(Key::AccountOrganisation) } else { i18n.t(Key::AccountPerson) }
                        }}
                    </Fact>
                    <Fact label=Key::AccountMailingAddress class="pre">{a.customer.mailing_address.clone()}</Fact>
                    <Fact label=Key::AccountPhone>{not_set(i18n, a.customer.phone.clone())}</Fact>
                    <Fact label=Key::AccountEmail>{not_set(i18n, a.customer.email.clone())}</Fact>
                    <Fact label=Key::AccountPreferredLanguage>{move || i18n.t(locale_key(pref))}</Fact>
                </Facts>
            </section>
            <section class="card" aria-labelledby="acct-premise">
                <h2 id="acct-premise">{tr!(AccountPremise)}</h2>
                <Facts>
                    <Fact label=Key::AccountServiceAddress>{a.premise.service_address.clone()}</Fact>
                    <Fact label=Key::AccountParcel>{not_set(i18n, a.premise.parcel.clone())}</Fact>
                    <Fact label=Key::AccountInsideCity>{move || yes_no(i18n, inside)}</Fact>
                </Facts>
            </section>
        </div>
    }
}
