//! `/staff/meters`: the meter inventory (filter by status and serial) and, for admins, leads
//! and field staff, the form to add a meter to stock.

use cistern_shared::meters::{
    MeterDto, MeterInput, MeterKind, MeterStatus, MeterUnit, RegisterCode, RegisterDto,
};
use cistern_shared::query::MeterQuery;
use cistern_shared::FieldCode;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::{encode_query_value, use_api, use_auth};
use crate::app::can_keep_meters;
use crate::components::{
    col, loaded_or, Badge, ErrorAlert, Input, Select, StatusMessage, Submit, SubmitButton, Table,
};
use crate::format;
use crate::i18n::{meter_kind_key, meter_status_key, meter_unit_key, use_i18n, Key};
use crate::tr;

#[component]
pub fn MetersPage() -> impl IntoView {
    let api = use_api();
    let auth = use_auth();
    let i18n = use_i18n();
    let can_add = Memo::new(move |_| can_keep_meters(auth.role()));
    let status_in = RwSignal::new(MeterStatus::InStock.as_str().to_string());
    let serial_in = RwSignal::new(String::new());
    let applied = RwSignal::new((status_in.get_untracked(), String::new()));
    let data = LocalResource::new(move || {
        let (status, q) = applied.get();
        let query = MeterQuery {
            status: MeterStatus::parse(&status),
            q: format::non_empty(&q),
        };
        async move { api.meters(&query).await }
    });
    let message = RwSignal::new(None::<String>);
    let statuses = Signal::derive(move || {
        let mut v = vec![(String::new(), i18n.t(Key::MetersAllStatuses).to_string())];
        v.extend(MeterStatus::ALL.iter().map(|s| {
            (
                s.as_str().to_string(),
                i18n.t(meter_status_key(*s)).to_string(),
            )
        }));
        v
    });
    let apply = move |ev: SubmitEvent| {
        ev.prevent_default();
        applied.set((
            status_in.get_untracked(),
            serial_in.get_untracked().trim().to_string(),
        ));
    };
    view! {
        <div class="page-head">
            <h1>{tr!(MetersTitle)}</h1>
            <p class="muted">{tr!(MetersIntro)}</p>
        </div>
        <StatusMessage message=message />
        <form class="filters" on:submit=apply aria-label=move || i18n.t(Key::OrdersFilters)>
            <Select id="meter-status" label=Key::ColStatus value=status_in options=statuses />
            <Input id="meter-serial" label=Key::MetersFilterSerial value=serial_in hint=Key::MetersSerialHint />
            <div class="form-actions">
                <button type="submit" class="btn btn-primary">{tr!(AuditApply)}</button>
            </div>
        </form>
        {move || loaded_or(data.get(), |v| match v {
            list if list.is_empty() => view! { <p class="empty">{tr!(MetersNone)}</p> }.into_any(),
            list => {
                let n = list.len();
                view! {
                    <p class="muted small">{move || i18n.tf(Key::MetersCount, &[("n", &n.to_string())])}</p>
                    <Table columns=vec![col(Key::FieldSerial), col(Key::FieldSize), col(Key::FieldMeterKind), col(Key::FieldMeterUnit), col(Key::MetersMake), col(Key::ColStatus), col(Key::ColPremise)] id="meter-table">
                                {list
                                    .into_iter()
                                    .map(|m| {
                                        let (k, u, s) = (m.kind, m.unit, m.status);
                                        let make = [m.manufacturer.clone(), m.model.clone()]
                                            .into_iter()
                                            .flatten()
                                            .collect::<Vec<_>>()
                                            .join(" ");
                                        view! {
                                            <tr>
                                                <th scope="row">{m.serial.clone()}</th>
                                                <td>{format!("{}\"", m.size)}</td>
                                                <td>{move || i18n.t(meter_kind_key(k))}</td>
                                                <td>{move || i18n.t(meter_unit_key(u))}</td>
                                                <td>{make}</td>
                                                <td><Badge tone=format!("badge-meter-{}", s.as_str()) label=meter_status_key(s) /></td>
                                                <td>
                                                    {m.premise_id.clone().map(|p| {
                                                        let href = format!("/staff/premises/{}", encode_query_value(&p));
                                                        let since = m.installed_on.map(format::date).unwrap_or_default();
                                                        view! { <A href=href>{move || i18n.tf(Key::MetersInstalledSince, &[("date", &since)])}</A> }
                                                    })}
                                                </td>
                                            </tr>
                                        }
                                    })
                                    .collect_view()}
                    </Table>
                }
                    .into_any()
            }
        })}
        {move || {
            can_add
                .get()
                .then(|| {
                    view! {
                        <AddMeterForm on_added=Callback::new(move |m: MeterDto| {
                            message.set(Some(i18n.tf(Key::MetersAdded, &[("serial", &m.serial)])));
                            data.refetch();
                        }) />
                    }
                })
        }}
    }
}

#[component]
fn AddMeterForm(on_added: Callback<MeterDto>) -> impl IntoView {
    let api = use_api();
    let i18n = use_i18n();
    let serial = RwSignal::new(String::new());
    let size = RwSignal::new("5/8".to_string());
    let kind = RwSignal::new(MeterKind::PositiveDisplacement.as_str().to_string());
    let unit = RwSignal::new(MeterUnit::Ccf.as_str().to_string());
    let manufacturer = RwSignal::new(String::new());
    let model = RwSignal::new(String::new());
    let endpoint = RwSignal::new(String::new());
    let digits = RwSignal::new("6".to_string());
    let multiplier = RwSignal::new("1".to_string());
    let submit = Submit::new();
    let error = submit.error;
    let kinds = Signal::derive(move || {
        MeterKind::ALL
            .iter()
            .map(|k| {
                (
                    k.as_str().to_string(),
                    i18n.t(meter_kind_key(*k)).to_string(),
                )
            })
            .collect::<Vec<_>>()
    });
    let units = Signal::derive(move || {
        MeterUnit::ALL
            .iter()
            .map(|u| {
                (
                    u.as_str().to_string(),
                    i18n.t(meter_unit_key(*u)).to_string(),
                )
            })
            .collect::<Vec<_>>()
    });
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if submit.is_busy() {
            return;
        }
        let k = MeterKind::parse(&kind.get_untracked());
        let u = MeterUnit::parse(&unit.get_untracked());
        let d = format::parse_count(&digits.get_untracked())
            .and_then(|d| i32::try_from(d).ok())
            .filter(|d| (3..=10).contains(d));
        let m = multiplier.get_untracked().trim().parse();
        let mut bad = Vec::new();
        if serial.get_untracked().trim().chars().count() < 3 {
            bad.push(("serial", FieldCode::Length));
        }
        if format::non_empty(&size.get_untracked()).is_none() {
            bad.push(("size", FieldCode::Required));
        }
        if d.is_none() {
            bad.push(("registers", FieldCode::Digits));
        }
        if m.is_err() {
            bad.push(("registers", FieldCode::Multiplier));
        }
        let (Some(k), Some(u), Some(d), Ok(m), true) = (k, u, d, m, bad.is_empty()) else {
            submit.invalid(&bad);
            return;
        };
        let codes: &[RegisterCode] = if k == MeterKind::Compound {
            &[RegisterCode::Low, RegisterCode::High]
        } else {
            &[RegisterCode::Main]
        };
        let input = MeterInput {
            serial: serial.get_untracked().trim().to_uppercase(),
            size: size.get_untracked().trim().to_string(),
            kind: k,
            unit: u,
            manufacturer: format::non_empty(&manufacturer.get_untracked()),
            model: format::non_empty(&model.get_untracked()),
            endpoint_serial: format::non_empty(&endpoint.get_untracked()),
            registers: codes
                .iter()
                .map(|c| RegisterDto {
                    code: *c,
                    digits: d,
                    multiplier: m,
                })
                .collect(),
        };
        submit.send(async move { api.create_meter(&input).await }, move |m| {
            serial.try_set(String::new());
            endpoint.try_set(String::new());
            on_added.run(m);
        });
    };
    view! {
        <section class="card" aria-labelledby="add-meter-title" id="add-meter">
            <h2 id="add-meter-title">{tr!(MetersAddTitle)}</h2>
            <ErrorAlert error=error id="add-meter-error" />
            <form class="form form-grid" on:submit=on_submit novalidate>
                <Input id="am-serial" label=Key::FieldSerial value=serial field="serial" error=error required=true autocomplete="off" />
                <Input id="am-size" label=Key::FieldSize value=size field="size" error=error required=true hint=Key::MetersSizeHint />
                <Select id="am-kind" label=Key::FieldMeterKind value=kind options=kinds field="kind" error=error hint=Key::MetersKindHint />
                <Select id="am-unit" label=Key::FieldMeterUnit value=unit options=units field="unit" error=error />
                <Input id="am-manufacturer" label=Key::FieldManufacturer value=manufacturer field="manufacturer" error=error />
                <Input id="am-model" label=Key::FieldModel value=model field="model" error=error />
                <Input id="am-endpoint" label=Key::FieldEndpointSerial value=endpoint field="endpoint_serial" error=error />
                <Input id="am-digits" label=Key::MetersDigits value=digits field="registers" error=error inputmode="numeric" hint=Key::MetersDigitsHint />
                <Input id="am-multiplier" label=Key::MetersMultiplier value=multiplier inputmode="decimal" hint=Key::MetersMultiplierHint />
                <div class="form-actions">
                    <SubmitButton submit=submit label=Key::MetersAdd busy_label=Key::CommonSaving />
                </div>
            </form>
        </section>
    }
}
