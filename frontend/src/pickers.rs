//! Choosers used inside larger forms: find an account (and through it a customer or a
//! premise), pick a meter from stock, pick a field user to assign work to.
//!
//! None of them renders a `<form>`: they live inside the forms of the wizards, so Enter in
//! their search box runs the search instead of submitting the surrounding form.

use cistern_shared::dto::{AccountDto, AccountSummaryDto, Page};
use cistern_shared::meters::{MeterDto, MeterStatus};
use cistern_shared::premises::PremiseSummaryDto;
use cistern_shared::query::{AccountQuery, MeterQuery, PremiseQuery};
use cistern_shared::Role;
use leptos::prelude::*;

use crate::api::{use_api, use_auth, ApiError};
use crate::components::{
    col, loaded_or, options_of, FieldMessages, LoadError, StatusBadge, Submit, Table,
};
use crate::format;
use crate::i18n::{meter_kind_key, use_i18n, Key};
use crate::tr;

/// How many matches a finder lists.
const FINDER_ROWS: i64 = 8;

/// A finder's search box: label, input (Enter searches), Search button and hint; ids
/// `{id}-q`, `{id}-search`, `{id}-hint`.
#[component]
fn FinderSearchRow(
    id: &'static str,
    label: Key,
    hint: Key,
    text: RwSignal<String>,
    busy: RwSignal<bool>,
    on_search: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let input_id = format!("{id}-q");
    let hint_id = format!("{id}-hint");
    view! {
        <label for=input_id.clone()>{move || i18n.t(label)}</label>
        <div class="search-row">
            <input
                id=input_id
                type="search"
                autocomplete="off"
                aria-describedby=hint_id.clone()
                bind:value=text
                on:keydown=move |ev| {
                    if ev.key() == "Enter" {
                        ev.prevent_default();
                        on_search.run(());
                    }
                }
            />
            <button type="button" class="btn btn-secondary" id=format!("{id}-search") on:click=move |_| on_search.run(()) disabled=busy>
                {tr!(AccountsSearch)}
            </button>
        </div>
        <p class="hint" id=hint_id>{move || i18n.t(hint)}</p>
    }
}

/// A finder's results: an error, `none` when nothing matched, else the count and a table
/// with the `head` columns and one row per item from `row`.
#[component]
fn FinderResults<T, R>(
    results: RwSignal<Option<Result<Page<T>, ApiError>>>,
    none: Key,
    table_id: String,
    head: Vec<Key>,
    row: R,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    R: Fn(T) -> AnyView + Clone + Send + Sync + 'static,
{
    let i18n = use_i18n();
    view! {
        <div aria-live="polite">
            {move || match results.get() {
                None => None,
                Some(Err(e)) => Some(view! { <LoadError err=e /> }.into_any()),
                Some(Ok(p)) if p.items.is_empty() => {
                    Some(view! { <p class="empty">{move || i18n.t(none)}</p> }.into_any())
                }
                Some(Ok(p)) => {
                    let (row, head, table_id) = (row.clone(), head.clone(), table_id.clone());
                    let total = p.total.to_string();
                    Some(
                        view! {
                            <p class="muted small">{move || i18n.tf(Key::FinderFound, &[("n", &total)])}</p>
                            <Table columns=head.into_iter().map(col).collect() class="finder-results" id=table_id>
                                {p.items.into_iter().map(row).collect_view()}
                            </Table>
                        }
                            .into_any(),
                    )
                }
            }}
        </div>
    }
}

/// Search accounts by name, number or address and choose one; the chosen account (with its
/// customer and premise ids) is handed to `on_pick`.
#[component]
pub fn AccountFinder(
    /// Prefix for element ids (several finders may share a page).
    id: &'static str,
    label: Key,
    hint: Key,
    on_pick: Callback<AccountDto>,
) -> impl IntoView {
    let api = use_api();
    let i18n = use_i18n();
    let text = RwSignal::new(String::new());
    let results = RwSignal::new(None::<Result<Page<AccountSummaryDto>, ApiError>>);
    let search = Submit::new();
    let busy = search.busy;
    let picking = Submit::new();
    let pick_error = picking.error;
    let table_id = format!("{id}-results");
    let run = move || {
        let Some(q) = format::non_empty(&text.get_untracked()) else {
            return;
        };
        let query = AccountQuery {
            q: Some(q),
            per_page: Some(FINDER_ROWS),
            ..Default::default()
        };
        search.send_then(async move { api.search_accounts(&query).await }, move |r| {
            results.try_set(Some(r));
            None
        });
    };
    let pick = move |account_id: String| {
        picking.send(async move { api.account(&account_id).await }, move |a| {
            results.try_set(None);
            on_pick.run(a);
        });
    };
    view! {
        <div class="finder" id=id>
            <FinderSearchRow id=id label=label hint=hint text=text busy=busy on_search=Callback::new(move |_: ()| run()) />
            {move || pick_error.get().map(|e| view! { <LoadError err=e /> })}
            <FinderResults
                results=results
                none=Key::AccountsNone
                table_id=table_id.clone()
                head=vec![Key::ColNumber, Key::ColCustomer, Key::ColAddress, Key::ColStatus, Key::ColActions]
                row=move |a: AccountSummaryDto| {
                    let aid = a.id.clone();
                    let label_text = format!("{} — {}", a.customer_name, a.service_address);
                    view! {
                        <tr>
                            <th scope="row">{a.number.clone()}</th>
                            <td>{a.customer_name.clone()}</td>
                            <td>{a.service_address.clone()}</td>
                            <td><StatusBadge status=a.status /></td>
                            <td>
                                <button
                                    type="button"
                                    class="btn btn-small btn-primary finder-choose"
                                    aria-label=move || i18n.tf(Key::FinderChooseNamed, &[("name", &label_text)])
                                    on:click=move |_| pick(aid.clone())
                                >
                                    {tr!(FinderChoose)}
                                </button>
                            </td>
                        </tr>
                    }.into_any()
                }
            />
        </div>
    }
}

/// Search premises by service address or parcel (vacant ones first choice for new service)
/// and choose one; its id is handed to `on_pick`. Finds premises no account has used yet,
/// which the account search cannot.
#[component]
pub fn PremiseFinder(
    /// Prefix for element ids.
    id: &'static str,
    label: Key,
    hint: Key,
    on_pick: Callback<String>,
) -> impl IntoView {
    let api = use_api();
    let i18n = use_i18n();
    let text = RwSignal::new(String::new());
    let vacant_only = RwSignal::new(true);
    let results = RwSignal::new(None::<Result<Page<PremiseSummaryDto>, ApiError>>);
    let search = Submit::new();
    let busy = search.busy;
    let vacant_id = format!("{id}-vacant");
    let table_id = format!("{id}-results");
    let run = move || {
        let Some(q) = format::non_empty(&text.get_untracked()) else {
            return;
        };
        let query = PremiseQuery {
            q: Some(q),
            vacant: vacant_only.get_untracked().then_some(true),
            per_page: Some(FINDER_ROWS),
            ..Default::default()
        };
        search.send_then(async move { api.search_premises(&query).await }, move |r| {
            results.try_set(Some(r));
            None
        });
    };
    view! {
        <div class="finder" id=id>
            <FinderSearchRow id=id label=label hint=hint text=text busy=busy on_search=Callback::new(move |_: ()| run()) />
            <div class="check">
                <input
                    type="checkbox"
                    id=vacant_id.clone()
                    prop:checked=move || vacant_only.get()
                    on:change=move |ev| {
                        vacant_only.set(event_target_checked(&ev));
                        run();
                    }
                />
                <label for=vacant_id>{tr!(PremiseFinderVacantOnly)}</label>
            </div>
            <FinderResults
                results=results
                none=Key::PremiseFinderNone
                table_id=table_id.clone()
                head=vec![Key::ColAddress, Key::FieldParcel, Key::ColCycle, Key::PremiseFinderServed, Key::ColActions]
                row=move |pr: PremiseSummaryDto| {
                    let pid = pr.id.clone();
                    let address = pr.service_address.clone();
                    let served = match &pr.current_account_number {
                        Some(n) => i18n.tf(Key::PremiseFinderOccupied, &[("number", n)]).to_string(),
                        None => i18n.t(Key::PremiseFinderVacant).to_string(),
                    };
                    let meters = i18n
                        .tf(Key::PremiseFinderMeters, &[("n", &pr.meters_installed.to_string())])
                        .to_string();
                    view! {
                        <tr data-premise=pr.id.clone()>
                            <th scope="row">{pr.service_address.clone()}</th>
                            <td>{pr.parcel.clone().unwrap_or_default()}</td>
                            <td>{pr.cycle_code.clone()}</td>
                            <td>{served}<span class="muted small block">{meters}</span></td>
                            <td>
                                <button
                                    type="button"
                                    class="btn btn-small btn-primary finder-choose"
                                    aria-label=move || i18n.tf(Key::FinderChooseNamed, &[("name", &address)])
                                    on:click=move |_| {
                                        results.set(None);
                                        on_pick.run(pid.clone());
                                    }
                                >
                                    {tr!(FinderChoose)}
                                </button>
                            </td>
                        </tr>
                    }.into_any()
                }
            />
        </div>
    }
}

/// One meter in a line: `BM4200000 · 5/8" · Positive displacement · Badger Meter Recordall M25`.
pub fn meter_line(i18n: crate::i18n::I18n, m: &MeterDto) -> String {
    let make = [m.manufacturer.clone(), m.model.clone()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let mut parts = vec![
        m.serial.clone(),
        format!("{}\"", m.size),
        i18n.t(meter_kind_key(m.kind)).to_string(),
    ];
    if !make.is_empty() {
        parts.push(make);
    }
    parts.join(" · ")
}

/// Radio list of the meters in stock (with a serial filter); the chosen one goes to `chosen`.
#[component]
pub fn StockMeterPicker(
    chosen: RwSignal<Option<MeterDto>>,
    /// API field name whose errors show under the list (`meter_id`, `new_meter_id`).
    field: &'static str,
    #[prop(into)] error: Signal<Option<ApiError>>,
    legend: Key,
) -> impl IntoView {
    let api = use_api();
    let i18n = use_i18n();
    let filter = RwSignal::new(String::new());
    let applied = RwSignal::new(String::new());
    let data = LocalResource::new(move || {
        let query = MeterQuery {
            status: Some(MeterStatus::InStock),
            q: format::non_empty(&applied.get()),
        };
        async move { api.meters(&query).await }
    });
    let err_id = format!("{field}-error");
    let err_id2 = err_id.clone();
    view! {
        <fieldset class="radios meter-picker" aria-describedby=err_id2>
            <legend>{move || i18n.t(legend)}</legend>
            <div class="search-row">
                <label class="visually-hidden" for="meter-filter">{tr!(MetersFilterSerial)}</label>
                <input
                    id="meter-filter"
                    type="search"
                    autocomplete="off"
                    placeholder=move || i18n.t(Key::MetersFilterSerial)
                    bind:value=filter
                    on:keydown=move |ev| {
                        if ev.key() == "Enter" {
                            ev.prevent_default();
                            applied.set(filter.get_untracked().trim().to_string());
                        }
                    }
                />
                <button
                    type="button"
                    class="btn btn-secondary"
                    on:click=move |_| applied.set(filter.get_untracked().trim().to_string())
                >
                    {tr!(MetersFilter)}
                </button>
            </div>
            {move || loaded_or(data.get(), |v| match v {
                list if list.is_empty() => {
                    view! { <p class="empty">{tr!(MetersNoneInStock)}</p> }.into_any()
                }
                list => {
                    view! {
                        <ul class="choice-list" id="stock-meters">
                            {list
                                .into_iter()
                                .map(|m| {
                                    let input_id = format!("meter-{}", m.id);
                                    let mid = m.id.clone();
                                    let mid2 = m.id.clone();
                                    let line = meter_line(i18n, &m);
                                    view! {
                                        <li class="radio">
                                            <input
                                                type="radio"
                                                name="stock-meter"
                                                id=input_id.clone()
                                                value=m.id.clone()
                                                prop:checked=move || chosen.with(|c| c.as_ref().map(|c| c.id == mid).unwrap_or(false))
                                                on:change=move |_| chosen.set(Some(m.clone()))
                                                data-meter=mid2
                                            />
                                            <label for=input_id>{line}</label>
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    }
                        .into_any()
                }
            })}
            <FieldMessages id=err_id error=error names=vec![field] />
        </fieldset>
    }
}

/// What an assignee picker resolved to: a user id, or nobody.
pub fn assignee_value(choice: &str, other: &str) -> Option<String> {
    match choice {
        "" => None,
        OTHER => crate::format::non_empty(other),
        id => Some(id.to_string()),
    }
}

const OTHER: &str = "__other";

/// Choose who does a job: those who create orders pick from the active field users, leads and
/// administrators, each shown with the open and overdue orders they carry; anyone can also
/// pick from `known` (people already assigned to orders on the page, and themselves) or type
/// a user id.
#[component]
pub fn AssigneePicker(
    #[prop(into)] id: String,
    choice: RwSignal<String>,
    other: RwSignal<String>,
    #[prop(into)] known: Signal<Vec<(String, String)>>,
    #[prop(optional, into)] error: Option<Signal<Option<ApiError>>>,
) -> impl IntoView {
    let api = use_api();
    let auth = use_auth();
    let i18n = use_i18n();
    let error = error.unwrap_or_else(|| Signal::derive(|| None));
    let picks = matches!(auth.role(), Some(Role::Admin | Role::Lead | Role::Clerk));
    let me = auth.user();
    let staff = LocalResource::new(move || async move {
        if picks {
            api.assignees().await
        } else {
            Ok(Vec::new())
        }
    });
    let options = Memo::new(move |_| {
        let mut list: Vec<(String, String)> = Vec::new();
        if let Some(Ok(people)) = staff.get() {
            for p in people {
                let (open, overdue) = (p.open_orders.to_string(), p.overdue_orders.to_string());
                let args = [
                    ("name", p.display_name.as_str()),
                    ("open", open.as_str()),
                    ("overdue", overdue.as_str()),
                ];
                let label = if p.overdue_orders > 0 {
                    i18n.tf(Key::AssignWorkloadOverdue, &args)
                } else {
                    i18n.tf(Key::AssignWorkload, &args)
                };
                list.push((p.id, label.to_string()));
            }
        }
        // The server's order (field users first), then anyone else known here, by name.
        let mut extra: Vec<(String, String)> = known.get();
        if let Some(u) = &me {
            if Role::ASSIGNABLE.contains(&u.role) {
                extra.push((u.id.clone(), u.display_name.clone()));
            }
        }
        extra.sort_by(|a, b| a.1.cmp(&b.1));
        list.extend(extra);
        let mut seen = std::collections::HashSet::new();
        list.retain(|(i, _)| seen.insert(i.clone()));
        list
    });
    let err_id = format!("{id}-error");
    let other_id = format!("{id}-other");
    let other_id2 = other_id.clone();
    view! {
        <div class="field">
            <label for=id.clone()>{tr!(FieldAssignedTo)}</label>
            <select
                id=id.clone()
                aria-describedby=err_id.clone()
                on:change=move |ev| choice.set(event_target_value(&ev))
                prop:value=move || choice.get()
            >
                <option value="" selected=move || choice.with(String::is_empty)>{tr!(OrdersUnassigned)}</option>
                {move || options_of(choice, options.get())}
                <option value=OTHER selected=move || choice.with(|c| c == OTHER)>{tr!(AssignOther)}</option>
            </select>
            {move || {
                (choice.get() == OTHER)
                    .then(|| {
                        let other_id = other_id.clone();
                        view! {
                            <label for=other_id.clone() class="sub-label">{tr!(AssignOtherId)}</label>
                            <input id=other_id type="text" autocomplete="off" aria-describedby=format!("{}-hint", other_id2) bind:value=other />
                            <p class="hint" id=format!("{}-hint", other_id2)>{move || i18n.t(Key::AssignOtherHint)}</p>
                        }
                    })
            }}
            <FieldMessages id=err_id error=error names=vec!["assigned_to"] />
        </div>
    }
}
