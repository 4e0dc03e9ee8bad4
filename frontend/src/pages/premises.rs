//! `/staff/premises/:id`: a service location — its details (editable by clerks), meters,
//! services (seasonal off / on, add one), every account ever there, open orders, system
//! development charges and the water used over a period.

use cistern_shared::dto::AccountStatus;
use cistern_shared::meters::ConsumptionDto;
use cistern_shared::premises::{PremiseDetailDto, PremiseInput};
use cistern_shared::query::PeriodQuery;
use cistern_shared::services::{ServiceInput, ServiceType};
use cistern_shared::FieldCode;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::{encode_query_value, use_api, use_auth};
use crate::app::can_edit_records;
use crate::components::{
    col, num_col, AddressFields, AddressForm, AddressNames, Check, Disclosure, EditButton,
    ErrorAlert, Fact, Facts, Input, Loaded, Select, StatusMessage, Submit, SubmitButton, Table,
};
use crate::format;
use crate::i18n::{meter_unit_key, register_key, service_type_key, use_i18n, Key};
use crate::pages::account::{meter_list, order_table, ServiceTable};
use crate::pages::accounts::account_table_or_none;
use crate::tr;

#[component]
pub fn PremisePage() -> impl IntoView {
    let api = use_api();
    let loaded =
        Loaded::<PremiseDetailDto>::from_route_id(move |id| async move { api.premise(&id).await });
    view! {
        <p class="back"><A href="/staff/accounts">"← " {tr!(AccountBack)}</A></p>
        {loaded.view(move || view! { <PremiseBody loaded=loaded /> }.into_any())}
    }
}

#[component]
fn PremiseBody(loaded: Loaded<PremiseDetailDto>) -> impl IntoView {
    let auth = use_auth();
    let i18n = use_i18n();
    let can_edit = Memo::new(move |_| can_edit_records(auth.role()));
    let p = loaded.data;
    let pid = loaded.untracked(|p| p.id.clone());
    let text = move |f: &dyn Fn(&PremiseDetailDto) -> String| loaded.text(f);
    let opt = move |f: &dyn Fn(&PremiseDetailDto) -> Option<String>| loaded.or_not_set(i18n, f);
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
    let pid4 = pid.clone();
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
                            <EditButton editing=editing id="premise-edit" focus="pf-address" />
                        </nav>
                    }
                })
        }}
        <StatusMessage message=message />
        <ErrorAlert error=loaded.reload_error />
        {
            let id = pid2.clone();
            loaded.edit_form(editing, reload, move |cur, saved, cancel| {
                view! { <PremiseForm id=id.clone() current=cur on_saved=saved on_cancel=cancel /> }.into_any()
            })
        }
        <div class="grid-2">
            <section class="card" aria-labelledby="premise-details">
                <h2 id="premise-details">{tr!(PremiseDetails)}</h2>
                <Facts>
                    <Fact label=Key::FieldServiceAddress id="premise-address">{move || text(&|p| p.service_address.clone())}</Fact>
                    <Fact label=Key::FieldParcel>{move || opt(&|p| p.parcel.clone())}</Fact>
                    <Fact label=Key::AccountInsideCity>{move || loaded.yes_no(i18n, |p| p.inside_city)}</Fact>
                    <Fact label=Key::FieldCycle>{move || text(&|p| p.cycle_code.clone())}</Fact>
                    <Fact label=Key::FieldRoute>{move || text(&|p| p.route.clone())}</Fact>
                    <Fact label=Key::FieldReadSequence>{move || text(&|p| p.read_sequence.to_string())}</Fact>
                    <Fact label=Key::FieldDwellingUnits>{move || text(&|p| p.dwelling_units.to_string())}</Fact>
                    <Fact label=Key::FieldNotes class="pre">{move || opt(&|p| p.notes.clone())}</Fact>
                </Facts>
            </section>
            <section class="card" aria-labelledby="premise-meters">
                <h2 id="premise-meters">{tr!(OverviewMeters)}</h2>
                {move || meter_list(i18n, loaded.read(|p| p.meters.clone()).unwrap_or_default())}
            </section>
        </div>
        <section class="card" aria-labelledby="premise-services">
            <h2 id="premise-services">{tr!(OverviewServices)}</h2>
            <ServiceTable
                services=Signal::derive(move || loaded.read(|p| p.services.clone()).unwrap_or_default())
                can_edit=can_edit
                on_done=reload
            />
            {move || can_edit.get().then(|| view! { <AddServiceForm premise_id=pid3.clone() on_done=reload /> })}
        </section>
        <section class="card" aria-labelledby="premise-accounts">
            <h2 id="premise-accounts">{tr!(PremiseAccounts)}</h2>
            {move || account_table_or_none(loaded.read(|p| p.accounts.clone()).unwrap_or_default(), Key::PremiseNoAccounts)}
        </section>
        <section class="card" aria-labelledby="premise-orders">
            <h2 id="premise-orders">{tr!(OverviewOpenOrders)}</h2>
            {move || order_table(i18n, loaded.read(|p| p.open_orders.clone()).unwrap_or_default())}
        </section>
        <section class="card" aria-labelledby="premise-sdc">
            <h2 id="premise-sdc">{tr!(PremiseSdc)}</h2>
            {move || {
                let list = loaded.read(|p| p.sdc_charges.clone()).unwrap_or_default();
                if list.is_empty() {
                    return view! { <p class="empty">{tr!(PremiseNoSdc)}</p> }.into_any();
                }
                let columns = vec![col(Key::ColPermit), col(Key::ColService), num_col(Key::ColAmount), col(Key::ColAssessed), col(Key::ColPaid)];
                view! {
                    <Table columns=columns>
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
                    </Table>
                }
                    .into_any()
            }}
        </section>
        <Consumption premise_id=pid4 />
    }
}

/// A whole number typed in a field, or `bad` (which the checks refuse) if it is not one.
pub fn count_or(text: &str, bad: i32) -> i32 {
    format::parse_count(text)
        .and_then(|n| i32::try_from(n).ok())
        .unwrap_or(bad)
}

/// What the server would refuse in a premise (its service address in `address`), found
/// before sending.
pub fn premise_problems(
    input: &PremiseInput,
    address: &AddressForm,
) -> Vec<(&'static str, FieldCode)> {
    let mut bad = address.problems(&AddressNames::SERVICE);
    if input.cycle_code.is_empty() {
        bad.push(("cycle_code", FieldCode::Required));
    }
    if input.route.is_empty() {
        bad.push(("route", FieldCode::Required));
    }
    if input.read_sequence < 0 {
        bad.push(("read_sequence", FieldCode::Number));
    }
    if input.dwelling_units < 1 {
        bad.push(("dwelling_units", FieldCode::Number));
    }
    bad
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
    let cycles = LocalResource::new(move || async move { api.cycles().await });
    let address = AddressForm::new(
        current.service_address_parts.as_ref(),
        &current.service_address,
    );
    let parcel = RwSignal::new(current.parcel.clone().unwrap_or_default());
    let inside = RwSignal::new(current.inside_city);
    let cycle = RwSignal::new(current.cycle_code.clone());
    let route = RwSignal::new(current.route.clone());
    let sequence = RwSignal::new(current.read_sequence.to_string());
    let units = RwSignal::new(current.dwelling_units.to_string());
    let notes = RwSignal::new(current.notes.clone().unwrap_or_default());
    let submit = Submit::new();
    let error = submit.error;
    let cycle_options = Signal::derive(move || match cycles.get() {
        Some(Ok(list)) => list
            .into_iter()
            .map(|c| (c.code.clone(), format!("{} — {}", c.code, c.name)))
            .collect(),
        _ => vec![(cycle.get_untracked(), cycle.get_untracked())],
    });
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if submit.is_busy() {
            return;
        }
        let input = PremiseInput {
            service_address: String::new(),
            service_address_parts: Some(address.address()),
            parcel: format::non_empty(&parcel.get_untracked()),
            inside_city: inside.get_untracked(),
            cycle_code: cycle.get_untracked(),
            route: route.get_untracked().trim().to_string(),
            read_sequence: count_or(&sequence.get_untracked(), -1),
            dwelling_units: count_or(&units.get_untracked(), 0),
            notes: format::non_empty(&notes.get_untracked()),
        };
        let bad = premise_problems(&input, &address);
        if !bad.is_empty() {
            submit.invalid(&bad);
            return;
        }
        let id = id.clone();
        submit.send(
            async move { api.update_premise(&id, &input).await },
            move |_| on_saved.run(i18n.t(Key::CommonSaved).to_string()),
        );
    };
    view! {
        <section class="card" aria-labelledby="premise-form-title">
            <h2 id="premise-form-title">{tr!(PremiseEditTitle)}</h2>
            <ErrorAlert error=error />
            <form class="form form-grid" on:submit=on_submit novalidate>
                <AddressFields id="pf-address" legend=Key::FieldServiceAddress form=address names=AddressNames::SERVICE error=error />
                <Input id="pf-parcel" label=Key::FieldParcel value=parcel field="parcel" error=error />
                <Check id="pf-inside" label=Key::AccountInsideCity checked=inside />
                <Select id="pf-cycle" label=Key::FieldCycle value=cycle options=cycle_options field="cycle_code" error=error required=true />
                <Input id="pf-route" label=Key::FieldRoute value=route field="route" error=error required=true />
                <Input id="pf-sequence" label=Key::FieldReadSequence value=sequence field="read_sequence" error=error inputmode="numeric" required=true />
                <Input id="pf-units" label=Key::FieldDwellingUnits value=units field="dwelling_units" error=error inputmode="numeric" required=true />
                <Input id="pf-notes" label=Key::FieldNotes value=notes field="notes" error=error multiline=true class="span-2" />
                <div class="form-actions">
                    <SubmitButton submit=submit label=Key::CommonSave />
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
    let submit = Submit::new();
    let error = submit.error;
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
        if submit.is_busy() {
            return;
        }
        let t = ServiceType::parse(&service_type.get_untracked());
        let date = format::parse_date(&started.get_untracked());
        let esu_text = esu.get_untracked();
        let esu_value = format::non_empty(&esu_text).map(|e| e.parse());
        let mut bad = Vec::new();
        if format::non_empty(&class.get_untracked()).is_none() {
            bad.push(("customer_class", FieldCode::Required));
        }
        if format::non_empty(&rate.get_untracked()).is_none() {
            bad.push(("rate_code", FieldCode::Required));
        }
        if date.is_none() {
            bad.push(("started_on", FieldCode::Date));
        }
        if matches!(esu_value, Some(Err(_))) {
            bad.push(("esu", FieldCode::Number));
        }
        let (Some(t), Some(date), true) = (t, date, bad.is_empty()) else {
            submit.invalid(&bad);
            return;
        };
        let input = ServiceInput {
            service_type: t,
            customer_class: class.get_untracked().trim().to_string(),
            rate_code: rate.get_untracked().trim().to_uppercase(),
            esu: esu_value.and_then(Result::ok),
            started_on: date,
        };
        let id = premise_id.clone();
        submit.send(
            async move { api.add_service(&id, &input).await },
            move |s| {
                open.try_set(false);
                rate.try_set(String::new());
                esu.try_set(String::new());
                on_done.run(i18n.tf(
                    Key::ServiceAdded,
                    &[("service", i18n.t(service_type_key(s.service_type)))],
                ));
            },
        );
    };
    view! {
        <Disclosure open=open label=Key::ServiceAdd focus="svc-type">
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
                    <SubmitButton submit=submit label=Key::ServiceAdd />
                    <button type="button" class="btn btn-secondary" on:click=move |_| open.set(false)>{tr!(CommonCancel)}</button>
                </div>
            </form>
        </Disclosure>
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
    let submit = Submit::new();
    let error = submit.error;
    let data = RwSignal::new(None::<ConsumptionDto>);
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let (f, t) = (
            format::parse_date(&from.get_untracked()),
            format::parse_date(&to.get_untracked()),
        );
        let (Some(f), Some(t)) = (f, t) else {
            let mut bad = Vec::new();
            if f.is_none() {
                bad.push(("from", FieldCode::Date));
            }
            if t.is_none() {
                bad.push(("to", FieldCode::Date));
            }
            submit.invalid(&bad);
            return;
        };
        let id = premise_id.clone();
        let period = PeriodQuery { from: f, to: t };
        submit.send(
            async move { api.consumption(&id, &period).await },
            move |d| {
                data.try_set(Some(d));
            },
        );
    };
    view! {
        <section class="card" aria-labelledby="premise-use">
            <h2 id="premise-use">{tr!(PremiseConsumption)}</h2>
            <ErrorAlert error=error />
            <form class="form form-inline" on:submit=on_submit novalidate>
                <Input id="use-from" label=Key::FieldFrom value=from input_type="date" field="from" error=error />
                <Input id="use-to" label=Key::FieldTo value=to input_type="date" field="to" error=error />
                <div class="form-actions align-end">
                    <SubmitButton submit=submit label=Key::PremiseShowUse />
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
                                <Table columns=vec![col(Key::ColMeter), col(Key::ColRegister), col(Key::FieldFrom), col(Key::FieldTo), num_col(Key::ColUse)]>
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
                                </Table>
                            }
                                .into_any()
                        })
                }}
            </div>
        </section>
    }
}
