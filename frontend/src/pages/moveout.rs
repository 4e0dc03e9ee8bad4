//! From the account page: the move-out wizard (`/staff/accounts/:id/move-out`: date and
//! reason → forwarding address → review → the final-read order with its sheet) and the
//! transfer of service (`/staff/accounts/:id/transfer`: new premise → dates and occupant →
//! review → the final-read order here and the new account there).

use cistern_shared::dto::AccountDto;
use cistern_shared::meters::MeterDto;
use cistern_shared::orders::{
    MoveOutRequest, Occupant, ServiceOrderDto, TransferRequest, TransferResult,
};
use cistern_shared::premises::PremiseDetailDto;
use cistern_shared::FieldCode;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::api::{encode_query_value, use_api, use_auth, ApiError};
use crate::app::{can_edit_records, Forbidden};
use crate::components::{
    focus_id, loaded_or, local_problem, ErrorAlert, Input, Radios, SheetButton, StatusBadge,
    Submit, SubmitButton,
};
use crate::format;
use crate::i18n::{occupant_key, order_type_key, use_i18n, Key};
use crate::pages::account::sheet_label;
use crate::pickers::{PremiseFinder, StockMeterPicker};
use crate::tr;

fn account_id() -> Memo<String> {
    let params = use_params_map();
    Memo::new(move |_| params.with(|p| p.get("id").unwrap_or_default()))
}

/// Loads the account the wizard works on, then renders `body` with it.
#[component]
fn WithAccount(title: Key, body: fn(AccountDto) -> AnyView) -> impl IntoView {
    let api = use_api();
    let auth = use_auth();
    let i18n = use_i18n();
    let id = account_id();
    let allowed = Memo::new(move |_| can_edit_records(auth.role()));
    let data = LocalResource::new(move || {
        let id = id.get();
        async move { api.account(&id).await }
    });
    move || {
        if !allowed.get() {
            return view! { <Forbidden title=title /> }.into_any();
        }
        let back = format!("/staff/accounts/{}", encode_query_value(&id.get()));
        view! {
            <p class="back"><A href=back>"← " {tr!(MoveoutBack)}</A></p>
            {loaded_or(data.get(), |a| {
                    let number = a.number.clone();
                    view! {
                        <div class="page-head">
                            <h1>{move || i18n.tf(title, &[("number", &number)])}</h1>
                            <StatusBadge status=a.status />
                            <p class="muted">{format!("{} · {}", a.customer.name, a.premise.service_address)}</p>
                        </div>
                        {body(a)}
                    }
                        .into_any()
            })}
        }
        .into_any()
    }
}

// ---------------------------------------------------------------- move-out

#[component]
pub fn MoveOutPage() -> impl IntoView {
    view! { <WithAccount title=Key::MoveoutTitle body=|a| view! { <MoveOutWizard a=a /> }.into_any() /> }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OutStep {
    When,
    Forwarding,
    Review,
}

#[component]
fn MoveOutWizard(a: AccountDto) -> impl IntoView {
    let api = use_api();
    let i18n = use_i18n();
    let step = RwSignal::new(OutStep::When);
    let date = RwSignal::new(format::date(format::today()));
    let reason = RwSignal::new(String::new());
    let forwarding = RwSignal::new(String::new());
    let submit = Submit::new();
    let error = submit.error;
    let result = RwSignal::new(None::<ServiceOrderDto>);
    let account_id = a.id.clone();
    let opened = a.opened_on;
    let mailing = a.customer.mailing_address.clone();
    let go = move |s: OutStep| {
        error.set(None);
        step.set(s);
        focus_id("moveout-step-title");
    };
    let fail = move |e: ApiError| submit.fail(e);
    let submit_when = move |ev: SubmitEvent| {
        ev.prevent_default();
        match format::parse_date(&date.get_untracked()) {
            None => fail(local_problem(&[("move_out_on", FieldCode::Date)])),
            Some(d) if d < opened => {
                fail(local_problem(&[("move_out_on", FieldCode::BeforeStart)]))
            }
            Some(_) => go(OutStep::Forwarding),
        }
    };
    let submit_forwarding = move |ev: SubmitEvent| {
        ev.prevent_default();
        let f = forwarding.get_untracked();
        if !f.trim().is_empty() && f.trim().chars().count() < 5 {
            fail(local_problem(&[("forwarding_address", FieldCode::Length)]));
            return;
        }
        go(OutStep::Review);
    };
    let finish = move |ev: SubmitEvent| {
        ev.prevent_default();
        if submit.is_busy() {
            return;
        }
        let Some(move_out_on) = format::parse_date(&date.get_untracked()) else {
            go(OutStep::When);
            return;
        };
        let req = MoveOutRequest {
            move_out_on,
            forwarding_address: format::non_empty(&forwarding.get_untracked()),
            forwarding_address_parts: None,
            assigned_to: None,
            reason: format::non_empty(&reason.get_untracked()),
        };
        let id = account_id.clone();
        submit.send_then(
            async move { api.move_out(&id, &req).await },
            move |r| match r {
                Ok(o) => {
                    result.try_set(Some(o));
                    focus_id("moveout-done-title");
                    None
                }
                Err(e) => {
                    let back = match &e {
                        ApiError::Problem(p) => p.fields.first().map(|f| {
                            if f.field == "forwarding_address" {
                                OutStep::Forwarding
                            } else {
                                OutStep::When
                            }
                        }),
                        _ => None,
                    };
                    if let Some(s) = back {
                        step.try_set(s);
                    }
                    Some(e)
                }
            },
        );
    };
    let href = format!("/staff/accounts/{}", encode_query_value(&a.id));
    let steps = [
        (OutStep::When, Key::MoveoutStepWhen),
        (OutStep::Forwarding, Key::MoveoutStepForwarding),
        (OutStep::Review, Key::MoveoutStepReview),
    ];
    move || {
        if let Some(o) = result.get() {
            let t = o.order_type;
            let href = href.clone();
            let number = o.number.clone();
            return view! {
                <section class="card" aria-labelledby="moveout-done-title" id="moveout-result">
                    <h2 id="moveout-done-title" tabindex="-1">{tr!(MoveoutDoneTitle)}</h2>
                    <div class="alert alert-ok" role="status">
                        <p class="alert-message">{move || i18n.tf(Key::MoveoutDoneMessage, &[("number", &number)])}</p>
                    </div>
                    <dl class="facts">
                        <dt>{tr!(ColOrder)}</dt>
                        <dd id="moveout-order-number" class="order-number">{o.number.clone()}</dd>
                        <dt>{tr!(ColType)}</dt>
                        <dd>{move || i18n.t(order_type_key(t))}</dd>
                        <dt>{tr!(ColDue)}</dt>
                        <dd>{format::date(o.due_on)}</dd>
                        <dt>{tr!(ColMeter)}</dt>
                        <dd>{o.meter_serial.clone().unwrap_or_default()}</dd>
                    </dl>
                    <p class="hint">{tr!(MoveoutDoneHint)}</p>
                    <div class="form-actions">
                        <SheetButton order_id=o.id.clone() number=o.number.clone() label=sheet_label(t) class="btn-normal" />
                        <A href=href attr:class="btn btn-primary">{tr!(MoveoutBack)}</A>
                    </div>
                </section>
            }
            .into_any();
        }
        let cur = step.get();
        let at = steps.iter().position(|(s, _)| *s == cur).unwrap_or(0);
        let mailing = mailing.clone();
        view! {
            <ol class="steps" aria-label=move || i18n.t(Key::MoveinProgress)>
                {steps
                    .iter()
                    .enumerate()
                    .map(|(i, (_, k))| {
                        let k = *k;
                        let class = if i == at { "step step-current" } else if i < at { "step step-done" } else { "step" };
                        view! { <li class=class aria-current=(i == at).then_some("step")>{move || i18n.t(k)}</li> }
                    })
                    .collect_view()}
            </ol>
            <section class="card wizard" aria-labelledby="moveout-step-title">
                <h2 id="moveout-step-title" tabindex="-1">
                    {move || {
                        i18n.tf(
                            Key::MoveinStepOf,
                            &[("n", &(at + 1).to_string()), ("total", "3"), ("title", i18n.t(steps[at].1))],
                        )
                    }}
                </h2>
                <ErrorAlert error=error id="moveout-error" />
                {match cur {
                    OutStep::When => {
                        view! {
                            <form class="form" on:submit=submit_when novalidate>
                                <div class="form-grid">
                                    <Input id="moveout-date" label=Key::FieldMoveOutOn value=date input_type="date" field="move_out_on" error=error required=true hint=Key::MoveoutDateHint />
                                    <Input id="moveout-reason" label=Key::FieldReason value=reason field="reason" error=error />
                                </div>
                                <div class="form-actions wizard-actions">
                                    <button type="submit" class="btn btn-primary" id="wizard-next">{tr!(WizardNext)}</button>
                                </div>
                            </form>
                        }
                            .into_any()
                    }
                    OutStep::Forwarding => {
                        view! {
                            <form class="form" on:submit=submit_forwarding novalidate>
                                <p class="muted">{move || i18n.t(Key::MoveoutOnFile)}</p>
                                <p class="pre">{mailing.clone()}</p>
                                <Input
                                    id="moveout-forwarding"
                                    label=Key::FieldForwardingAddress
                                    value=forwarding
                                    field="forwarding_address"
                                    error=error
                                    multiline=true
                                    hint=Key::MoveoutForwardingHint
                                />
                                <div class="form-actions wizard-actions">
                                    <button type="button" class="btn btn-secondary" on:click=move |_| go(OutStep::When)>
                                        <span aria-hidden="true">"← "</span>
                                        {tr!(WizardBack)}
                                    </button>
                                    <button type="submit" class="btn btn-primary" id="wizard-next">{tr!(WizardNext)}</button>
                                </div>
                            </form>
                        }
                            .into_any()
                    }
                    OutStep::Review => {
                        view! {
                            <form class="form" on:submit=finish.clone() novalidate>
                                <dl class="facts review">
                                    <dt>{tr!(FieldMoveOutOn)}</dt>
                                    <dd>{date.get_untracked()}</dd>
                                    <dt>{tr!(FieldReason)}</dt>
                                    <dd>{move || format::non_empty(&reason.get()).unwrap_or_else(|| i18n.t(Key::CommonNotSet).to_string())}</dd>
                                    <dt>{tr!(FieldForwardingAddress)}</dt>
                                    <dd class="pre">
                                        {move || format::non_empty(&forwarding.get()).unwrap_or_else(|| i18n.t(Key::MoveoutKeepAddress).to_string())}
                                    </dd>
                                </dl>
                                <p class="hint">{tr!(MoveoutReviewHint)}</p>
                                <div class="form-actions wizard-actions">
                                    <button type="button" class="btn btn-secondary" on:click=move |_| go(OutStep::Forwarding)>
                                        <span aria-hidden="true">"← "</span>
                                        {tr!(WizardBack)}
                                    </button>
                                    <SubmitButton submit=submit label=Key::MoveoutSubmit busy_label=Key::CommonSaving id="wizard-next" />
                                </div>
                            </form>
                        }
                            .into_any()
                    }
                }}
            </section>
        }
        .into_any()
    }
}

// ---------------------------------------------------------------- transfer

#[component]
pub fn TransferPage() -> impl IntoView {
    view! { <WithAccount title=Key::TransferTitle body=|a| view! { <TransferForm a=a /> }.into_any() /> }
}

#[component]
fn TransferForm(a: AccountDto) -> impl IntoView {
    let api = use_api();
    let premise = RwSignal::new(None::<PremiseDetailDto>);
    let out_on = RwSignal::new(format::date(format::today()));
    let in_on = RwSignal::new(format::date(format::today()));
    let occupant = RwSignal::new(
        Occupant::parse(&a.occupant)
            .unwrap_or(Occupant::Owner)
            .as_str()
            .to_string(),
    );
    let submit = Submit::new();
    let error = submit.error;
    let result = RwSignal::new(None::<TransferResult>);
    let meter = RwSignal::new(None::<MeterDto>);
    let account_id = a.id.clone();
    let here = a.premise.id.clone();
    let pick = move |id: String| {
        submit.send(async move { api.premise(&id).await }, move |p| {
            premise.try_set(Some(p));
            meter.try_set(None);
            focus_id("transfer-premise");
        });
    };
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if submit.is_busy() {
            return;
        }
        let to = premise.with_untracked(|p| p.as_ref().map(|p| p.id.clone()));
        let needs_meter =
            premise.with_untracked(|p| p.as_ref().is_some_and(|p| p.meters.is_empty()));
        let meter_id = meter.with_untracked(|m| m.as_ref().map(|m| m.id.clone()));
        let o = format::parse_date(&out_on.get_untracked());
        let i = format::parse_date(&in_on.get_untracked());
        let mut bad = Vec::new();
        if to.is_none() {
            bad.push(("to_premise_id", FieldCode::Required));
        }
        if to.as_deref() == Some(here.as_str()) {
            bad.push(("to_premise_id", FieldCode::OneOf));
        }
        if needs_meter && meter_id.is_none() {
            bad.push(("meter_id", FieldCode::Required));
        }
        if o.is_none() {
            bad.push(("move_out_on", FieldCode::Date));
        }
        if i.is_none() {
            bad.push(("move_in_on", FieldCode::Date));
        }
        if let (Some(o), Some(i)) = (o, i) {
            if i < o {
                bad.push(("move_in_on", FieldCode::BeforeMoveOut));
            }
        }
        let (Some(to), Some(o), Some(i), true) = (to, o, i, bad.is_empty()) else {
            submit.invalid(&bad);
            return;
        };
        let req = TransferRequest {
            to_premise_id: to,
            move_out_on: o,
            move_in_on: i,
            occupant: Occupant::parse(&occupant.get_untracked()).unwrap_or(Occupant::Owner),
            meter_id: if needs_meter { meter_id } else { None },
            assigned_to: None,
        };
        let id = account_id.clone();
        submit.send(async move { api.transfer(&id, &req).await }, move |t| {
            result.try_set(Some(t));
            focus_id("transfer-done-title");
        });
    };
    let err: Signal<Option<ApiError>> = error.into();
    move || {
        if let Some(t) = result.get() {
            return view! { <TransferDone t=t /> }.into_any();
        }
        view! {
            <section class="card" aria-labelledby="transfer-form-title">
                <h2 id="transfer-form-title">{tr!(TransferFormTitle)}</h2>
                <p class="muted">{tr!(TransferIntro)}</p>
                <ErrorAlert error=error id="transfer-error" />
                <form class="form" on:submit=on_submit.clone() novalidate>
                    <PremiseFinder id="transfer-finder" label=Key::TransferFindPremise hint=Key::TransferFindPremiseHint on_pick=Callback::new(pick) />
                    <crate::components::FieldMessages id="transfer-premise-error" error=err names=vec!["to_premise_id", "premise_id"] />
                    {move || {
                        premise
                            .get()
                            .map(|p| {
                                let no_meter = p.meters.is_empty();
                                view! {
                                    <div class="chosen" id="transfer-premise" tabindex="-1">
                                        <p class="chosen-label">{tr!(TransferTo)}</p>
                                        <p><strong>{p.service_address.clone()}</strong></p>
                                    </div>
                                    {no_meter.then(|| view! {
                                        <p class="notice" id="transfer-no-meter">{tr!(TransferNoMeter)}</p>
                                        <StockMeterPicker chosen=meter field="meter_id" error=err legend=Key::MoveinChooseMeter />
                                    })}
                                }
                            })
                    }}
                    <div class="form-grid">
                        <Input id="transfer-out" label=Key::FieldMoveOutOn value=out_on input_type="date" field="move_out_on" error=err required=true />
                        <Input id="transfer-in" label=Key::FieldMoveInOn value=in_on input_type="date" field="move_in_on" error=err required=true />
                    </div>
                    <Radios
                        name="transfer-occupant"
                        legend=Key::FieldOccupant
                        value=occupant
                        options=vec![("owner", Key::OccupantOwner), ("tenant", Key::OccupantTenant)]
                        field="occupant"
                        error=err
                        inline=true
                    />
                    <div class="form-actions">
                        <SubmitButton submit=submit label=Key::TransferSubmit busy_label=Key::CommonSaving id="transfer-submit" />
                    </div>
                </form>
            </section>
        }
        .into_any()
    }
}

#[component]
fn TransferDone(t: TransferResult) -> impl IntoView {
    let i18n = use_i18n();
    let new = t.new_account.clone();
    let href = format!("/staff/accounts/{}", encode_query_value(&new.account.id));
    let occ = Occupant::parse(&new.account.occupant).unwrap_or(Occupant::Owner);
    let mut orders = vec![t.final_read_order.clone()];
    orders.extend(new.service_orders.clone());
    let number = new.account.number.clone();
    view! {
        <section class="card" aria-labelledby="transfer-done-title" id="transfer-result">
            <h2 id="transfer-done-title" tabindex="-1">{tr!(TransferDoneTitle)}</h2>
            <div class="alert alert-ok" role="status">
                <p class="alert-message">{move || i18n.tf(Key::TransferDoneMessage, &[("number", &number)])}</p>
            </div>
            <dl class="facts">
                <dt>{tr!(ColNumber)}</dt>
                <dd><A href=href.clone() attr:id="transfer-account-number">{new.account.number.clone()}</A></dd>
                <dt>{tr!(AccountServiceAddress)}</dt>
                <dd>{new.account.premise.service_address.clone()}</dd>
                <dt>{tr!(FieldOccupant)}</dt>
                <dd>{move || i18n.t(occupant_key(occ))}</dd>
                <dt>{tr!(AccountDepositRequired)}</dt>
                <dd>{format::money(new.deposit_required)}</dd>
            </dl>
            <h3>{tr!(MoveinOrdersCreated)}</h3>
            {crate::pages::account::order_table(i18n, orders)}
        </section>
    }
}
