//! `/staff/premises/:id`: a service location — its details (editable by clerks), meters,
//! services (seasonal off / on, add one), every account ever there, open orders, system
//! development charges and the water used over a period.

use cistern_shared::dto::{AccountStatus, CycleDto};
use cistern_shared::meters::ConsumptionDto;
use cistern_shared::premises::{PremiseDetailDto, PremiseInput};
use cistern_shared::services::{ServiceDto, ServiceInput, ServiceType};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::api::{encode_query_value, query_string, use_api, use_auth, ApiError};
use crate::app::can_edit_records;
use crate::components::{
    focus_first_invalid, focus_id, local_problem, Check, ErrorAlert, Input, LoadError, Loading,
    Select, StatusMessage,
};
use crate::format;
use crate::i18n::{meter_unit_key, register_key, service_type_key, use_i18n, Key};
use crate::pages::account::{meter_list, order_table, Loaded, Phase, ServiceTable};
use crate::pages::accounts::AccountTable;
use crate::tr;

#[component]
pub fn PremisePage() -> impl IntoView {
    let api = use_api();
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").unwrap_or_default()));
    let loaded = Loaded::<PremiseDetailDto>::new(api);
    Effect::new(move |_| loaded.load(format!("/premises/{}", encode_query_value(&id.get()))));
    let phase = loaded.phase();
    view! {
        <p class="back"><A href="/staff/accounts">"← " {tr!(AccountBack)}</A></p>
        {move || match phase.get() {
            Phase::Loading => view! { <Loading /> }.into_any(),
            Phase::Failed(e) => view! { <LoadError err=e /> }.into_any(),
            Phase::Ready => view! { <PremiseBody loaded=loaded /> }.into_any(),
        }}
    }
}

#[component]
fn PremiseBody(loaded: Loaded<PremiseDetailDto>) -> impl IntoView {
    let auth = use_auth();
    let i18n = use_i18n();
    let can_edit = Memo::new(move |_| can_edit_records(auth.role()));
    let p = loaded.data;
    let pid = p.with_untracked(|p| p.as_ref().map(|p| p.id.clone()).unwrap_or_default());
    let text = move |f: &dyn Fn(&PremiseDetailDto) -> String| {
        p.with(|p| p.as_ref().map(f).unwrap_or_default())
    };
    let message = RwSignal::new(None::<String>);
    let editing = RwSignal::new(false);
    let reload = Callback::new(move |msg: String| {
        message.set(Some(msg));
        loaded.reload();
    });
    let vacant = Memo::new(move |_| {
        p.with(|p| {
            p.as_ref()
                .map(|p| {
                    !p.accounts.iter().any(|a| {
                        matches!(
                            a.status,
                            AccountStatus::Pending
                                | AccountStatus::Active
                                | AccountStatus::Suspended
                        )
                    })
                })
                .unwrap_or(false)
        })
    });
    let movein_href = format!("/staff/move-in?premise={}", encode_query_value(&pid));
    let order_href = format!(
        "/staff/orders?premise={}#create-order",
        encode_query_value(&pid)
    );
    let pid2 = pid.clone();
    let pid3 = pid.clone();
    view! {
        <div class="page-head" id="premise-head">
            <h1>{move || i18n.tf(Key::PremiseTitle, &[("address", &text(&|p| p.service_address.clone()))])}</h1>
            <p class="muted">{move || i18n.tf(Key::PremiseId, &[("id", &pid)])}</p>
        </div>
        {move || {
            can_edit
                .get()
                .then(|| {
                    let movein_href = movein_href.clone();
                    let order_href = order_href.clone();
                    view! {
                        <nav class="actions-bar" aria-label=move || i18n.t(Key::OverviewActions)>
                            {move || vacant.get().then(|| view! { <A href=movein_href.clone() attr:class="btn btn-secondary">{tr!(PremiseNewService)}</A> })}
                            <A href=order_href attr:class="btn btn-secondary">{tr!(OverviewNewOrder)}</A>
                            <button
                                type="button"
                                class="btn btn-secondary"
                                id="premise-edit"
                                on:click=move |_| {
                                    editing.set(true);
                                    focus_id("pf-address");
                                }
                            >
                                {tr!(CommonEdit)}
                            </button>
                        </nav>
                    }
                })
        }}
        <StatusMessage message=message />
        <ErrorAlert error=loaded.reload_error />
        <Show when=move || editing.get()>
            {
                let id = pid2.clone();
                move || {
                    p.get()
                        .map(|cur| {
                            view! {
                                <PremiseForm
                                    id=id.clone()
                                    current=cur
                                    on_saved=Callback::new(move |msg: String| {
                                        editing.set(false);
                                        reload.run(msg);
                                    })
                                    on_cancel=Callback::new(move |_| editing.set(false))
                                />
                            }
                        })
                }
            }
        </Show>
        <div class="grid-2">
            <section class="card" aria-labelledby="premise-details">
                <h2 id="premise-details">{tr!(PremiseDetails)}</h2>
                <dl class="facts">
                    <dt>{tr!(FieldServiceAddress)}</dt>
                    <dd id="premise-address">{move || text(&|p| p.service_address.clone())}</dd>
                    <dt>{tr!(FieldParcel)}</dt>
                    <dd>{move || p.with(|p| p.as_ref().and_then(|p| p.parcel.clone())).unwrap_or_else(|| i18n.t(Key::CommonNotSet).to_string())}</dd>
                    <dt>{tr!(AccountInsideCity)}</dt>
                    <dd>{move || if p.with(|p| p.as_ref().map(|p| p.inside_city).unwrap_or(false)) { i18n.t(Key::CommonYes) } else { i18n.t(Key::CommonNo) }}</dd>
                    <dt>{tr!(FieldCycle)}</dt>
                    <dd>{move || text(&|p| p.cycle_code.clone())}</dd>
                    <dt>{tr!(FieldRoute)}</dt>
                    <dd>{move || text(&|p| p.route.clone())}</dd>
                    <dt>{tr!(FieldReadSequence)}</dt>
                    <dd>{move || text(&|p| p.read_sequence.to_string())}</dd>
                    <dt>{tr!(FieldDwellingUnits)}</dt>
                    <dd>{move || text(&|p| p.dwelling_units.to_string())}</dd>
                    <dt>{tr!(FieldNotes)}</dt>
                    <dd class="pre">{move || p.with(|p| p.as_ref().and_then(|p| p.notes.clone())).unwrap_or_else(|| i18n.t(Key::CommonNotSet).to_string())}</dd>
                </dl>
            </section>
            <section class="card" aria-labelledby="premise-meters">
                <h2 id="premise-meters">{tr!(OverviewMeters)}</h2>
                {move || meter_list(i18n, p.with(|p| p.as_ref().map(|p| p.meters.clone()).unwrap_or_default()))}
            </section>
        </div>
        <section class="card" aria-labelledby="premise-services">
            <h2 id="premise-services">{tr!(OverviewServices)}</h2>
            <ServiceTable
                services=Signal::derive(move || p.with(|p| p.as_ref().map(|p| p.services.clone()).unwrap_or_default()))
                can_edit=can_edit
                on_done=reload
            />
            {move || can_edit.get().then(|| view! { <AddServiceForm premise_id=pid3.clone() on_done=reload /> })}
        </section>
        <section class="card" aria-labelledby="premise-accounts">
            <h2 id="premise-accounts">{tr!(PremiseAccounts)}</h2>
            {move || {
                let list = p.with(|p| p.as_ref().map(|p| p.accounts.clone()).unwrap_or_default());
                if list.is_empty() {
                    view! { <p class="empty">{tr!(PremiseNoAccounts)}</p> }.into_any()
                } else {
                    view! { <AccountTable items=list base="/staff/accounts" /> }.into_any()
                }
            }}
        </section>
        <section class="card" aria-labelledby="premise-orders">
            <h2 id="premise-orders">{tr!(OverviewOpenOrders)}</h2>
            {move || order_table(i18n, p.with(|p| p.as_ref().map(|p| p.open_orders.clone()).unwrap_or_default()))}
        </section>
        <section class="card" aria-labelledby="premise-sdc">
            <h2 id="premise-sdc">{tr!(PremiseSdc)}</h2>
            {move || {
                let list = p.with(|p| p.as_ref().map(|p| p.sdc_charges.clone()).unwrap_or_default());
                if list.is_empty() {
                    return view! { <p class="empty">{tr!(PremiseNoSdc)}</p> }.into_any();
                }
                view! {
                    <div class="table-wrap">
                        <table class="table">
                            <thead>
                                <tr>
                                    <th scope="col">{tr!(ColPermit)}</th>
                                    <th scope="col">{tr!(ColService)}</th>
                                    <th scope="col" class="num">{tr!(ColAmount)}</th>
                                    <th scope="col">{tr!(ColAssessed)}</th>
                                    <th scope="col">{tr!(ColPaid)}</th>
                                </tr>
                            </thead>
                            <tbody>
                                {list
                                    .into_iter()
                                    .map(|s| {
                                        view! {
                                            <tr>
                                                <th scope="row">{s.permit_number.clone()}</th>
                                                <td>{s.service_type.clone()}</td>
                                                <td class="num">{format::money(s.amount)}</td>
                                                <td>{format::date(s.assessed_on)}</td>
                                                <td>{s.paid_on.map(format::date).unwrap_or_else(|| i18n.t(Key::CommonNo).to_string())}</td>
                                            </tr>
                                        }
                                    })
                                    .collect_view()}
                            </tbody>
                        </table>
                    </div>
                }
                    .into_any()
            }}
        </section>
        <Consumption premise_id=p.with_untracked(|p| p.as_ref().map(|p| p.id.clone()).unwrap_or_default()) />
    }
}

#[component]
fn PremiseForm(
    id: String,
    current: PremiseDetailDto,
    on_saved: Callback<String>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let api = use_api();
    let i18n = use_i18n();
    let cycles =
        LocalResource::new(move || async move { api.get::<Vec<CycleDto>>("/cycles").await });
    let address = RwSignal::new(current.service_address.clone());
    let parcel = RwSignal::new(current.parcel.clone().unwrap_or_default());
    let inside = RwSignal::new(current.inside_city);
    let cycle = RwSignal::new(current.cycle_code.clone());
    let route = RwSignal::new(current.route.clone());
    let sequence = RwSignal::new(current.read_sequence.to_string());
    let units = RwSignal::new(current.dwelling_units.to_string());
    let notes = RwSignal::new(current.notes.clone().unwrap_or_default());
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let cycle_options = Signal::derive(move || match cycles.get() {
        Some(Ok(list)) => list
            .into_iter()
            .map(|c| (c.code.clone(), format!("{} — {}", c.code, c.name)))
            .collect(),
        _ => vec![(cycle.get_untracked(), cycle.get_untracked())],
    });
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let seq =
            format::parse_count(&sequence.get_untracked()).and_then(|s| i32::try_from(s).ok());
        let du = format::parse_count(&units.get_untracked()).and_then(|s| i32::try_from(s).ok());
        let input = PremiseInput {
            service_address: address.get_untracked().trim().to_string(),
            parcel: format::non_empty(&parcel.get_untracked()),
            inside_city: inside.get_untracked(),
            cycle_code: cycle.get_untracked(),
            route: route.get_untracked().trim().to_string(),
            read_sequence: seq.unwrap_or(-1),
            dwelling_units: du.unwrap_or(0),
            notes: format::non_empty(&notes.get_untracked()),
        };
        let mut bad = Vec::new();
        if input.service_address.chars().count() < 5 {
            bad.push(("service_address", "length"));
        }
        if input.route.is_empty() {
            bad.push(("route", "required"));
        }
        if input.read_sequence < 0 {
            bad.push(("read_sequence", "number"));
        }
        if input.dwelling_units < 1 {
            bad.push(("dwelling_units", "number"));
        }
        if !bad.is_empty() {
            error.set(Some(local_problem(&bad)));
            focus_first_invalid();
            return;
        }
        error.set(None);
        busy.set(true);
        let path = format!("/premises/{}", encode_query_value(&id));
        spawn_local(async move {
            let r = api.put::<_, PremiseDetailDto>(&path, &input).await;
            busy.try_set(false);
            match r {
                Ok(_) => on_saved.run(i18n.t(Key::CommonSaved).to_string()),
                Err(e) => {
                    error.try_set(Some(e));
                    focus_first_invalid();
                }
            }
        });
    };
    view! {
        <section class="card" aria-labelledby="premise-form-title">
            <h2 id="premise-form-title">{tr!(PremiseEditTitle)}</h2>
            <ErrorAlert error=error />
            <form class="form form-grid" on:submit=on_submit novalidate>
                <Input id="pf-address" label=Key::FieldServiceAddress value=address field="service_address" error=error required=true class="span-2" />
                <Input id="pf-parcel" label=Key::FieldParcel value=parcel field="parcel" error=error />
                <Check id="pf-inside" label=Key::AccountInsideCity checked=inside />
                <Select id="pf-cycle" label=Key::FieldCycle value=cycle options=cycle_options field="cycle_code" error=error required=true />
                <Input id="pf-route" label=Key::FieldRoute value=route field="route" error=error required=true />
                <Input id="pf-sequence" label=Key::FieldReadSequence value=sequence field="read_sequence" error=error inputmode="numeric" required=true />
                <Input id="pf-units" label=Key::FieldDwellingUnits value=units field="dwelling_units" error=error inputmode="numeric" required=true />
                <Input id="pf-notes" label=Key::FieldNotes value=notes field="notes" error=error multiline=true class="span-2" />
                <div class="form-actions">
                    <button type="submit" class="btn btn-primary" disabled=busy>{tr!(CommonSave)}</button>
                    <button type="button" class="btn btn-secondary" on:click=move |_| on_cancel.run(())>{tr!(CommonCancel)}</button>
                </div>
            </form>
        </section>
    }
}

#[component]
fn AddServiceForm(premise_id: String, on_done: Callback<String>) -> impl IntoView {
    let api = use_api();
    let i18n = use_i18n();
    let open = RwSignal::new(false);
    let service_type = RwSignal::new(ServiceType::Water.as_str().to_string());
    let class = RwSignal::new("sfr".to_string());
    let rate = RwSignal::new(String::new());
    let esu = RwSignal::new(String::new());
    let started = RwSignal::new(format::date(format::today()));
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let types = Signal::derive(move || {
        ServiceType::ALL
            .iter()
            .map(|t| {
                (
                    t.as_str().to_string(),
                    i18n.t(service_type_key(*t)).to_string(),
                )
            })
            .collect::<Vec<_>>()
    });
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let t = ServiceType::parse(&service_type.get_untracked());
        let date = format::parse_date(&started.get_untracked());
        let esu_text = esu.get_untracked();
        let esu_value = format::non_empty(&esu_text).map(|e| e.parse());
        let mut bad = Vec::new();
        if format::non_empty(&class.get_untracked()).is_none() {
            bad.push(("customer_class", "required"));
        }
        if format::non_empty(&rate.get_untracked()).is_none() {
            bad.push(("rate_code", "required"));
        }
        if date.is_none() {
            bad.push(("started_on", "date"));
        }
        if matches!(esu_value, Some(Err(_))) {
            bad.push(("esu", "number"));
        }
        let (Some(t), Some(date), true) = (t, date, bad.is_empty()) else {
            error.set(Some(local_problem(&bad)));
            focus_first_invalid();
            return;
        };
        let input = ServiceInput {
            service_type: t,
            customer_class: class.get_untracked().trim().to_string(),
            rate_code: rate.get_untracked().trim().to_uppercase(),
            esu: esu_value.and_then(Result::ok),
            started_on: date,
        };
        error.set(None);
        busy.set(true);
        let path = format!("/premises/{}/services", encode_query_value(&premise_id));
        spawn_local(async move {
            let r = api.post::<_, ServiceDto>(&path, &input).await;
            busy.try_set(false);
            match r {
                Ok(s) => {
                    open.try_set(false);
                    rate.try_set(String::new());
                    esu.try_set(String::new());
                    on_done.run(i18n.tf(
                        Key::ServiceAdded,
                        &[("service", i18n.t(service_type_key(s.service_type)))],
                    ));
                }
                Err(e) => {
                    error.try_set(Some(e));
                    focus_first_invalid();
                }
            }
        });
    };
    view! {
        <Show
            when=move || open.get()
            fallback=move || {
                view! {
                    <button
                        type="button"
                        class="btn btn-secondary"
                        on:click=move |_| {
                            open.set(true);
                            focus_id("svc-type");
                        }
                    >
                        {tr!(ServiceAdd)}
                    </button>
                }
            }
        >
            <form class="form subform" on:submit=on_submit.clone() novalidate aria-labelledby="svc-add-title">
                <h3 id="svc-add-title">{tr!(ServiceAdd)}</h3>
                <ErrorAlert error=error />
                <div class="form-grid">
                    <Select id="svc-type" label=Key::ColService value=service_type options=types field="service_type" error=error />
                    <Input id="svc-class" label=Key::FieldCustomerClass value=class field="customer_class" error=error required=true hint=Key::ServiceClassHint />
                    <Input id="svc-rate" label=Key::FieldRateCode value=rate field="rate_code" error=error required=true hint=Key::ServiceRateHint />
                    <Input id="svc-esu" label=Key::FieldEsu value=esu field="esu" error=error inputmode="decimal" hint=Key::ServiceEsuHint />
                    <Input id="svc-started" label=Key::FieldStartedOn value=started input_type="date" field="started_on" error=error required=true />
                </div>
                <div class="form-actions">
                    <button type="submit" class="btn btn-primary" disabled=busy>{tr!(ServiceAdd)}</button>
                    <button type="button" class="btn btn-secondary" on:click=move |_| open.set(false)>{tr!(CommonCancel)}</button>
                </div>
            </form>
        </Show>
    }
}

#[component]
fn Consumption(premise_id: String) -> impl IntoView {
    let api = use_api();
    let i18n = use_i18n();
    let today = format::today();
    let from = RwSignal::new(format::date(
        today
            .checked_sub_months(chrono::Months::new(3))
            .unwrap_or(today),
    ));
    let to = RwSignal::new(format::date(today));
    let error = RwSignal::new(None::<ApiError>);
    let data = RwSignal::new(None::<ConsumptionDto>);
    let busy = RwSignal::new(false);
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let (f, t) = (
            format::parse_date(&from.get_untracked()),
            format::parse_date(&to.get_untracked()),
        );
        let (Some(f), Some(t)) = (f, t) else {
            let mut bad = Vec::new();
            if f.is_none() {
                bad.push(("from", "date"));
            }
            if t.is_none() {
                bad.push(("to", "date"));
            }
            error.set(Some(local_problem(&bad)));
            focus_first_invalid();
            return;
        };
        error.set(None);
        busy.set(true);
        let path = format!(
            "/premises/{}/consumption{}",
            encode_query_value(&premise_id),
            query_string(&[("from", format::date(f)), ("to", format::date(t))])
        );
        spawn_local(async move {
            let r = api.get::<ConsumptionDto>(&path).await;
            busy.try_set(false);
            match r {
                Ok(d) => {
                    data.try_set(Some(d));
                }
                Err(e) => {
                    error.try_set(Some(e));
                    focus_first_invalid();
                }
            }
        });
    };
    view! {
        <section class="card" aria-labelledby="premise-use">
            <h2 id="premise-use">{tr!(PremiseConsumption)}</h2>
            <ErrorAlert error=error />
            <form class="form form-inline" on:submit=on_submit novalidate>
                <Input id="use-from" label=Key::FieldFrom value=from input_type="date" field="from" error=error />
                <Input id="use-to" label=Key::FieldTo value=to input_type="date" field="to" error=error />
                <div class="form-actions align-end">
                    <button type="submit" class="btn btn-primary" disabled=busy>{tr!(PremiseShowUse)}</button>
                </div>
            </form>
            <div aria-live="polite">
                {move || {
                    data.get()
                        .map(|d| {
                            if d.registers.is_empty() {
                                return view! { <p class="empty">{tr!(PremiseNoUse)}</p> }.into_any();
                            }
                            let total = d.total.map(|t| {
                                let unit = d.unit;
                                view! {
                                    <p>
                                        <strong>{tr!(PremiseTotalUse)}": "</strong>
                                        {t.to_string()}
                                        " "
                                        {move || unit.map(|u| i18n.t(meter_unit_key(u))).unwrap_or_default()}
                                    </p>
                                }
                            });
                            view! {
                                {total}
                                <div class="table-wrap">
                                    <table class="table">
                                        <thead>
                                            <tr>
                                                <th scope="col">{tr!(ColMeter)}</th>
                                                <th scope="col">{tr!(ColRegister)}</th>
                                                <th scope="col">{tr!(FieldFrom)}</th>
                                                <th scope="col">{tr!(FieldTo)}</th>
                                                <th scope="col" class="num">{tr!(ColUse)}</th>
                                            </tr>
                                        </thead>
                                        <tbody>
                                            {d.registers
                                                .into_iter()
                                                .map(|r| {
                                                    let reg = r.register;
                                                    let unit = r.unit;
                                                    view! {
                                                        <tr>
                                                            <th scope="row">{r.meter_serial.clone()}</th>
                                                            <td>{move || i18n.t(register_key(reg))}</td>
                                                            <td>{format!("{} ({})", format::count(r.from_reading), format::date(r.from_date))}</td>
                                                            <td>{format!("{} ({})", format::count(r.to_reading), format::date(r.to_date))}</td>
                                                            <td class="num">{r.consumption.to_string()} " " {move || i18n.t(meter_unit_key(unit))}</td>
                                                        </tr>
                                                    }
                                                })
                                                .collect_view()}
                                        </tbody>
                                    </table>
                                </div>
                            }
                                .into_any()
                        })
                }}
            </div>
        </section>
    }
}
