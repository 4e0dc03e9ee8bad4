//! `/staff/move-in`: the new-service wizard. Customer (existing or new) → premise (found,
//! looked up by id, or created here) → occupant, start date and options → a meter from stock
//! when the premise has none → review → `POST /move-ins` → the result: account number, the
//! deposit the rules require and the service orders, with their printable sheets.
//!
//! Each step is its own `<form>` (Enter goes to the next step); the step heading takes the
//! focus on every change; errors, local or from the server, are shown next to their fields and
//! a server error sends the wizard back to the step that owns the field.

use cistern_shared::customers::CustomerInput;
use cistern_shared::dto::{AccountDto, AccountStatus, Locale};
use cistern_shared::meters::MeterDto;
use cistern_shared::orders::{MoveInRequest, MoveInResult, Occupant};
use cistern_shared::premises::{PremiseDetailDto, PremiseInput};
use cistern_shared::FieldCode;
use cistern_shared::{ErrorCode, Problem};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use crate::api::{encode_query_value, use_api, use_auth, ApiError};
use crate::app::{can_edit_records, Forbidden};
use crate::components::{
    col, focus_id, local_problem, AddressFields, AddressForm, AddressNames, Check, ErrorAlert,
    Input, Radios, Select, SheetButton, StatusBadge, Submit, SubmitButton, Table,
};
use crate::format;
use crate::i18n::{locale_key, occupant_key, order_type_key, use_i18n, I18n, Key};
use crate::pages::account::sheet_label;
use crate::pages::premises::{count_or, premise_problems};
use crate::pickers::{meter_line, AccountFinder, PremiseFinder, StockMeterPicker};
use crate::tr;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Customer,
    Premise,
    Occupancy,
    Meter,
    Review,
}

impl Step {
    fn title(self) -> Key {
        match self {
            Step::Customer => Key::MoveinStepCustomer,
            Step::Premise => Key::MoveinStepPremise,
            Step::Occupancy => Key::MoveinStepOccupancy,
            Step::Meter => Key::MoveinStepMeter,
            Step::Review => Key::MoveinStepReview,
        }
    }
}

/// Everything the wizard has gathered. All fields are signals, so the struct is `Copy`.
#[derive(Clone, Copy)]
struct Wizard {
    step: RwSignal<Step>,
    /// Sends the wizard's requests; its `error` is the one every step shows.
    submit: Submit,
    error: RwSignal<Option<ApiError>>,
    busy: RwSignal<bool>,
    // customer
    customer_mode: RwSignal<String>,
    existing: RwSignal<Option<AccountDto>>,
    name: RwSignal<String>,
    is_org: RwSignal<bool>,
    mailing: AddressForm,
    phone: RwSignal<String>,
    email: RwSignal<String>,
    locale: RwSignal<String>,
    // premise
    premise_mode: RwSignal<String>,
    premise: RwSignal<Option<PremiseDetailDto>>,
    premise_id_text: RwSignal<String>,
    address: AddressForm,
    parcel: RwSignal<String>,
    inside_city: RwSignal<bool>,
    cycle: RwSignal<String>,
    route: RwSignal<String>,
    sequence: RwSignal<String>,
    units: RwSignal<String>,
    // occupancy
    occupant: RwSignal<String>,
    start_on: RwSignal<String>,
    paperless: RwSignal<bool>,
    autopay: RwSignal<bool>,
    owner_copy: RwSignal<Option<AccountDto>>,
    // meter
    meter: RwSignal<Option<MeterDto>>,
    // done
    result: RwSignal<Option<MoveInResult>>,
}

impl Wizard {
    fn new() -> Wizard {
        let submit = Submit::new();
        Wizard {
            step: RwSignal::new(Step::Customer),
            submit,
            error: submit.error,
            busy: submit.busy,
            customer_mode: RwSignal::new("new".into()),
            existing: RwSignal::new(None),
            name: RwSignal::new(String::new()),
            is_org: RwSignal::new(false),
            mailing: AddressForm::default(),
            phone: RwSignal::new(String::new()),
            email: RwSignal::new(String::new()),
            locale: RwSignal::new("en".into()),
            premise_mode: RwSignal::new("existing".into()),
            premise: RwSignal::new(None),
            premise_id_text: RwSignal::new(String::new()),
            address: AddressForm::default(),
            parcel: RwSignal::new(String::new()),
            inside_city: RwSignal::new(true),
            cycle: RwSignal::new(String::new()),
            route: RwSignal::new(String::new()),
            sequence: RwSignal::new(String::new()),
            units: RwSignal::new("1".into()),
            occupant: RwSignal::new("owner".into()),
            start_on: RwSignal::new(format::date(format::today())),
            paperless: RwSignal::new(false),
            autopay: RwSignal::new(false),
            owner_copy: RwSignal::new(None),
            meter: RwSignal::new(None),
            result: RwSignal::new(None),
        }
    }

    /// The premise has no installed meter, so one must be set from stock.
    fn needs_meter(self) -> bool {
        self.premise
            .with(|p| p.as_ref().map(|p| p.meters.is_empty()).unwrap_or(true))
    }

    fn steps(self) -> Vec<Step> {
        let mut s = vec![Step::Customer, Step::Premise, Step::Occupancy];
        if self.needs_meter() {
            s.push(Step::Meter);
        }
        s.push(Step::Review);
        s
    }

    fn go(self, to: Step) {
        self.step.set(to);
        focus_id("wizard-step-title");
    }

    fn next(self) {
        let steps = self.steps();
        let cur = self.step.get_untracked();
        if let Some(i) = steps.iter().position(|s| *s == cur) {
            if let Some(n) = steps.get(i + 1) {
                self.error.set(None);
                self.go(*n);
            }
        }
    }

    fn back(self) {
        let steps = self.steps();
        let cur = self.step.get_untracked();
        if let Some(i) = steps.iter().position(|s| *s == cur) {
            if let Some(prev) = i.checked_sub(1).and_then(|j| steps.get(j)) {
                self.error.set(None);
                self.go(*prev);
            }
        }
    }

    fn fail(self, e: ApiError) {
        self.submit.fail(e);
    }

    fn new_customer(self) -> CustomerInput {
        CustomerInput {
            name: self.name.get_untracked().trim().to_string(),
            is_organisation: self.is_org.get_untracked(),
            mailing_address: String::new(),
            mailing_address_parts: Some(self.mailing.address()),
            phone: format::non_empty(&self.phone.get_untracked()),
            phone_alt: None,
            email: format::non_empty(&self.email.get_untracked()),
            preferred_locale: Locale::parse(&self.locale.get_untracked()).unwrap_or_default(),
            notify_email: false,
            notify_text: false,
            notify_mail: true,
        }
    }

    fn request(self) -> Option<MoveInRequest> {
        let premise_id = self
            .premise
            .with_untracked(|p| p.as_ref().map(|p| p.id.clone()))?;
        let occupant = Occupant::parse(&self.occupant.get_untracked())?;
        let start_on = format::parse_date(&self.start_on.get_untracked())?;
        let existing = self.customer_mode.get_untracked() == "existing";
        Some(MoveInRequest {
            customer_id: if existing {
                self.existing
                    .with_untracked(|a| a.as_ref().map(|a| a.customer.id.clone()))
            } else {
                None
            },
            new_customer: (!existing).then(|| self.new_customer()),
            premise_id,
            occupant,
            start_on,
            owner_copy_customer_id: if occupant == Occupant::Tenant {
                self.owner_copy
                    .with_untracked(|a| a.as_ref().map(|a| a.customer.id.clone()))
            } else {
                None
            },
            paperless: self.paperless.get_untracked(),
            autopay: self.autopay.get_untracked(),
            meter_id: if self.needs_meter() {
                self.meter
                    .with_untracked(|m| m.as_ref().map(|m| m.id.clone()))
            } else {
                None
            },
            assigned_to: None,
        })
    }

    fn reset(self) {
        let fresh = Wizard::new();
        self.customer_mode.set(fresh.customer_mode.get_untracked());
        self.existing.set(None);
        self.mailing.clear();
        self.address.clear();
        for s in [self.name, self.phone, self.email, self.premise_id_text] {
            s.set(String::new());
        }
        for s in [self.parcel, self.route, self.sequence] {
            s.set(String::new());
        }
        self.units.set("1".into());
        self.is_org.set(false);
        self.inside_city.set(true);
        self.premise.set(None);
        self.premise_mode.set("existing".into());
        self.occupant.set("owner".into());
        self.start_on.set(format::date(format::today()));
        self.paperless.set(false);
        self.autopay.set(false);
        self.owner_copy.set(None);
        self.meter.set(None);
        self.result.set(None);
        self.error.set(None);
        self.go(Step::Customer);
    }
}

/// The step that owns a server error, so the wizard can go back to it.
fn step_of_error(e: &ApiError) -> Option<Step> {
    let ApiError::Problem(p) = e else {
        return None;
    };
    if p.code == ErrorCode::PremiseOccupied {
        return Some(Step::Premise);
    }
    let f = p.fields.first().map(|f| f.field.as_str())?;
    Some(if f.starts_with("new_customer") || f == "customer_id" {
        Step::Customer
    } else if f == "premise_id" {
        Step::Premise
    } else if f == "meter_id" {
        Step::Meter
    } else {
        Step::Occupancy
    })
}

fn occupied(p: &PremiseDetailDto) -> Option<String> {
    p.accounts
        .iter()
        .find(|a| {
            matches!(
                a.status,
                AccountStatus::Pending | AccountStatus::Active | AccountStatus::Suspended
            )
        })
        .map(|a| a.number.clone())
}

fn problem(code: ErrorCode, detail: Option<String>) -> ApiError {
    ApiError::Problem(Problem {
        type_uri: format!("urn:cistern:problem:{}", code.as_str()),
        title: String::new(),
        status: code.http_status(),
        detail,
        code,
        fields: Vec::new(),
        request_id: None,
    })
}

#[component]
pub fn MoveInPage() -> impl IntoView {
    let auth = use_auth();
    let allowed = Memo::new(move |_| can_edit_records(auth.role()));
    move || {
        if allowed.get() {
            view! { <MoveInWizard /> }.into_any()
        } else {
            view! { <Forbidden title=Key::MoveinTitle /> }.into_any()
        }
    }
}

#[component]
fn MoveInWizard() -> impl IntoView {
    let api = use_api();
    let i18n = use_i18n();
    let w = Wizard::new();
    let query = use_query_map();
    // `?premise=<id>` (from a premise page): start with that premise chosen.
    if let Some(pid) = query.with_untracked(|q| q.get("premise")) {
        w.premise_id_text.set(pid.clone());
        // Not found or not allowed: the premise step shows the id to look up again.
        w.submit
            .send_then(async move { api.premise(&pid).await }, move |r| {
                if let Ok(p) = r {
                    w.premise.try_set(Some(p));
                }
                None
            });
    }
    view! {
        <div class="page-head" id="movein">
            <h1>{tr!(MoveinTitle)}</h1>
            <p class="muted">{tr!(MoveinIntro)}</p>
        </div>
        {move || match w.result.get() {
            Some(r) => view! { <MoveInDone r=r w=w /> }.into_any(),
            None => {
                view! {
                    <StepList w=w />
                    <section class="card wizard" aria-labelledby="wizard-step-title">
                        <h2 id="wizard-step-title" tabindex="-1">
                            {move || {
                                let steps = w.steps();
                                let cur = w.step.get();
                                let n = steps.iter().position(|s| *s == cur).unwrap_or(0) + 1;
                                i18n.tf(
                                    Key::MoveinStepOf,
                                    &[
                                        ("n", &n.to_string()),
                                        ("total", &steps.len().to_string()),
                                        ("title", i18n.t(cur.title())),
                                    ],
                                )
                            }}
                        </h2>
                        <ErrorAlert error=w.error id="movein-error" />
                        {move || match w.step.get() {
                            Step::Customer => view! { <CustomerStep w=w /> }.into_any(),
                            Step::Premise => view! { <PremiseStep w=w /> }.into_any(),
                            Step::Occupancy => view! { <OccupancyStep w=w /> }.into_any(),
                            Step::Meter => view! { <MeterStep w=w /> }.into_any(),
                            Step::Review => view! { <ReviewStep w=w /> }.into_any(),
                        }}
                    </section>
                }
                    .into_any()
            }
        }}
    }
}

#[component]
fn StepList(w: Wizard) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <ol class="steps" aria-label=move || i18n.t(Key::MoveinProgress)>
            {move || {
                let cur = w.step.get();
                let steps = w.steps();
                let at = steps.iter().position(|s| *s == cur).unwrap_or(0);
                steps
                    .into_iter()
                    .enumerate()
                    .map(|(i, s)| {
                        let class = if i == at {
                            "step step-current"
                        } else if i < at {
                            "step step-done"
                        } else {
                            "step"
                        };
                        view! {
                            <li class=class aria-current=(i == at).then_some("step")>
                                {move || i18n.t(s.title())}
                            </li>
                        }
                    })
                    .collect_view()
            }}
        </ol>
    }
}

/// Back / Next buttons of a step form.
#[component]
fn StepButtons(
    w: Wizard,
    #[prop(optional)] next_label: Option<Key>,
    #[prop(optional)] first: bool,
) -> impl IntoView {
    let label = next_label.unwrap_or(Key::WizardNext);
    view! {
        <div class="form-actions wizard-actions">
            {(!first)
                .then(|| {
                    view! {
                        <button type="button" class="btn btn-secondary" id="wizard-back" on:click=move |_| w.back()>
                            <span aria-hidden="true">"← "</span>
                            {tr!(WizardBack)}
                        </button>
                    }
                })}
            <SubmitButton submit=w.submit label=label busy_label=Key::CommonSaving id="wizard-next" />
        </div>
    }
}

#[component]
fn CustomerStep(w: Wizard) -> impl IntoView {
    let i18n = use_i18n();
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if w.customer_mode.get_untracked() == "existing" {
            if w.existing.with_untracked(Option::is_none) {
                w.fail(local_problem(&[("customer_id", FieldCode::Required)]));
                return;
            }
        } else {
            let c = w.new_customer();
            let mut bad = Vec::new();
            if c.name.is_empty() {
                bad.push(("new_customer.name", FieldCode::Required));
            }
            bad.extend(w.mailing.problems(&AddressNames::NEW_CUSTOMER_MAILING));
            if c.phone
                .as_ref()
                .is_some_and(|p| !(7..=30).contains(&p.chars().count()))
            {
                bad.push(("new_customer.phone", FieldCode::Phone));
            }
            if c.email.as_ref().is_some_and(|e| !e.contains('@')) {
                bad.push(("new_customer.email", FieldCode::Email));
            }
            if !bad.is_empty() {
                w.fail(local_problem(&bad));
                return;
            }
        }
        w.next();
    };
    let locales = Signal::derive(move || {
        [Locale::En, Locale::Es]
            .into_iter()
            .map(|l| (l.as_str().to_string(), i18n.t(locale_key(l)).to_string()))
            .collect::<Vec<_>>()
    });
    let err: Signal<Option<ApiError>> = w.error.into();
    view! {
        <form class="form" on:submit=on_submit novalidate>
            <Radios
                name="customer-mode"
                legend=Key::MoveinCustomerMode
                value=w.customer_mode
                options=vec![("new", Key::MoveinCustomerNew), ("existing", Key::MoveinCustomerExisting)]
                inline=true
            />
            <Show
                when=move || w.customer_mode.get() == "existing"
                fallback=move || {
                    view! {
                        <div class="form-grid">
                            <Input id="cust-name" label=Key::FieldName value=w.name field="new_customer.name" error=err required=true autocomplete="off" />
                            <Check id="cust-org" label=Key::MoveinIsOrganisation checked=w.is_org />
                            <AddressFields
                                id="cust-mailing"
                                legend=Key::FieldMailingAddress
                                form=w.mailing
                                names=AddressNames::NEW_CUSTOMER_MAILING
                                error=err
                                allow_foreign=true
                                hint=Key::MoveinMailingHint
                            />
                            <Input id="cust-phone" label=Key::FieldPhone value=w.phone field="new_customer.phone" error=err input_type="tel" autocomplete="off" />
                            <Input id="cust-email" label=Key::FieldEmail value=w.email field="new_customer.email" error=err input_type="email" autocomplete="off" />
                            <Select id="cust-locale" label=Key::AccountPreferredLanguage value=w.locale options=locales />
                        </div>
                    }
                }
            >
                <AccountFinder
                    id="customer-finder"
                    label=Key::MoveinFindCustomer
                    hint=Key::MoveinFindCustomerHint
                    on_pick=Callback::new(move |a: AccountDto| {
                        w.existing.set(Some(a));
                        w.error.set(None);
                        focus_id("chosen-customer");
                    })
                />
                <crate::components::FieldMessages id="customer-error" error=err names=vec!["customer_id"] />
                {move || {
                    w.existing
                        .get()
                        .map(|a| {
                            view! {
                                <div class="chosen" id="chosen-customer" tabindex="-1">
                                    <p class="chosen-label">{tr!(MoveinChosenCustomer)}</p>
                                    <p><strong>{a.customer.name.clone()}</strong></p>
                                    <p class="pre muted">{a.customer.mailing_address.clone()}</p>
                                </div>
                            }
                        })
                }}
            </Show>
            <StepButtons w=w first=true />
        </form>
    }
}

#[component]
fn PremiseStep(w: Wizard) -> impl IntoView {
    let api = use_api();
    let cycles = LocalResource::new(move || async move { api.cycles().await });
    let cycle_options = Signal::derive(move || match cycles.get() {
        Some(Ok(list)) => list
            .into_iter()
            .map(|c| (c.code.clone(), format!("{} — {}", c.code, c.name)))
            .collect(),
        _ => Vec::new(),
    });
    // Default the cycle to the first one once they are known.
    Effect::new(move |_| {
        if let Some(Ok(list)) = cycles.get() {
            if w.cycle.with_untracked(String::is_empty) {
                if let Some(c) = list.first() {
                    w.cycle.set(c.code.clone());
                }
            }
        }
    });
    // Switching between "existing" and "new" forgets the premise chosen under the other.
    Effect::new(move |prev: Option<String>| {
        let mode = w.premise_mode.get();
        if prev.is_some_and(|p| p != mode) {
            w.premise.set(None);
            w.meter.set(None);
            w.error.set(None);
        }
        mode
    });
    let choose = move |p: PremiseDetailDto| {
        w.premise.set(Some(p));
        w.meter.set(None);
        w.error.set(None);
        focus_id("chosen-premise");
    };
    let load = move |id: String| {
        w.submit
            .send_then(async move { api.premise(&id).await }, move |r| match r {
                Ok(p) => {
                    choose(p);
                    None
                }
                Err(ApiError::Problem(p)) if p.code == ErrorCode::NotFound => {
                    Some(local_problem(&[("premise_id", FieldCode::Unknown)]))
                }
                Err(e) => Some(e),
            });
    };
    let lookup = move || match format::non_empty(&w.premise_id_text.get_untracked()) {
        Some(id) => load(id),
        None => w.fail(local_problem(&[("premise_id", FieldCode::Required)])),
    };
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if w.busy.get_untracked() {
            return;
        }
        if w.premise_mode.get_untracked() == "new" && w.premise.with_untracked(Option::is_none) {
            // Create the premise, then continue.
            let input = PremiseInput {
                service_address: String::new(),
                service_address_parts: Some(w.address.address()),
                parcel: format::non_empty(&w.parcel.get_untracked()),
                inside_city: w.inside_city.get_untracked(),
                cycle_code: w.cycle.get_untracked(),
                route: w.route.get_untracked().trim().to_string(),
                read_sequence: count_or(&w.sequence.get_untracked(), -1),
                dwelling_units: count_or(&w.units.get_untracked(), 0),
                notes: None,
            };
            let bad = premise_problems(&input, &w.address);
            if !bad.is_empty() {
                w.fail(local_problem(&bad));
                return;
            }
            w.submit
                .send(async move { api.create_premise(&input).await }, move |p| {
                    w.premise.try_set(Some(p));
                    w.meter.try_set(None);
                    w.next();
                });
            return;
        }
        match w.premise.get_untracked() {
            None => w.fail(local_problem(&[("premise_id", FieldCode::Required)])),
            Some(p) => match occupied(&p) {
                Some(number) => w.fail(problem(ErrorCode::PremiseOccupied, Some(number))),
                None => w.next(),
            },
        }
    };
    let err: Signal<Option<ApiError>> = w.error.into();
    view! {
        <form class="form" on:submit=on_submit novalidate>
            <Radios
                name="premise-mode"
                legend=Key::MoveinPremiseMode
                value=w.premise_mode
                options=vec![("existing", Key::MoveinPremiseExisting), ("new", Key::MoveinPremiseNew)]
                inline=true
            />
            {move || {
                (w.premise_mode.get() == "existing" || w.premise.with(Option::is_some))
                    .then(|| view! { <ChosenPremise w=w /> })
            }}
            <Show
                when=move || w.premise_mode.get() == "existing"
                fallback=move || {
                    view! {
                        <Show when=move || w.premise.with(Option::is_none)>
                            <div class="form-grid" id="new-premise">
                                <AddressFields id="prem-address" legend=Key::FieldServiceAddress form=w.address names=AddressNames::SERVICE error=err />
                                <Input id="prem-parcel" label=Key::FieldParcel value=w.parcel field="parcel" error=err autocomplete="off" />
                                <Check id="prem-inside" label=Key::AccountInsideCity checked=w.inside_city />
                                <Select id="prem-cycle" label=Key::FieldCycle value=w.cycle options=cycle_options field="cycle_code" error=err required=true />
                                <Input id="prem-route" label=Key::FieldRoute value=w.route field="route" error=err required=true autocomplete="off" />
                                <Input id="prem-sequence" label=Key::FieldReadSequence value=w.sequence field="read_sequence" error=err required=true inputmode="numeric" autocomplete="off" />
                                <Input id="prem-units" label=Key::FieldDwellingUnits value=w.units field="dwelling_units" error=err required=true inputmode="numeric" autocomplete="off" />
                            </div>
                        </Show>
                    }
                }
            >
                <PremiseFinder
                    id="premise-finder"
                    label=Key::MoveinFindPremise
                    hint=Key::MoveinFindPremiseHint
                    on_pick=Callback::new(load)
                />
                <div class="field">
                    <label for="premise-id">{tr!(MoveinPremiseId)}</label>
                    <div class="search-row">
                        <input
                            id="premise-id"
                            type="text"
                            autocomplete="off"
                            aria-describedby="premise-id-error"
                            aria-invalid=move || w.error.with(|e| !crate::components::field_errors_for(e, &["premise_id"]).is_empty()).then_some("true")
                            bind:value=w.premise_id_text
                            on:keydown=move |ev| {
                                if ev.key() == "Enter" {
                                    ev.prevent_default();
                                    lookup();
                                }
                            }
                        />
                        <button type="button" class="btn btn-secondary" on:click=move |_| lookup()>{tr!(MoveinLookUp)}</button>
                    </div>
                    <crate::components::FieldMessages id="premise-id-error" error=err names=vec!["premise_id"] />
                </div>
            </Show>
            {
                let label = Signal::derive(move || {
                    if w.premise_mode.get() == "new" && w.premise.with(Option::is_none) {
                        Key::MoveinCreatePremise
                    } else {
                        Key::WizardNext
                    }
                });
                move || view! { <StepButtons w=w next_label=label.get() /> }
            }
        </form>
    }
}

#[component]
fn ChosenPremise(w: Wizard) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        w.premise.get().map(|p| {
            let occ = occupied(&p);
            let meters: Vec<String> = p.meters.iter().map(|m| meter_line(i18n, m)).collect();
            let no_meter = meters.is_empty();
            view! {
                <div class="chosen" id="chosen-premise" tabindex="-1">
                    <p class="chosen-label">{tr!(MoveinChosenPremise)}</p>
                    <p><strong id="chosen-premise-address">{p.service_address.clone()}</strong></p>
                    <p class="muted small">
                        {move || i18n.tf(Key::MoveinPremiseFacts, &[("cycle", &p.cycle_code), ("route", &p.route), ("id", &p.id)])}
                    </p>
                    {if no_meter {
                        view! { <p class="notice">{tr!(MoveinNoMeter)}</p> }.into_any()
                    } else {
                        view! { <p>{move || i18n.tf(Key::MoveinHasMeter, &[("meters", &meters.join(", "))])}</p> }.into_any()
                    }}
                    {occ.map(|n| view! { <p class="notice notice-warn">{move || i18n.tf(Key::MoveinOccupied, &[("number", &n)])}</p> })}
                </div>
            }
        })
    }
}

#[component]
fn OccupancyStep(w: Wizard) -> impl IntoView {
    let i18n = use_i18n();
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if format::parse_date(&w.start_on.get_untracked()).is_none() {
            w.fail(local_problem(&[("start_on", FieldCode::Date)]));
            return;
        }
        w.next();
    };
    let err: Signal<Option<ApiError>> = w.error.into();
    view! {
        <form class="form" on:submit=on_submit novalidate>
            <Radios
                name="occupant"
                legend=Key::FieldOccupant
                value=w.occupant
                options=vec![("owner", Key::OccupantOwner), ("tenant", Key::OccupantTenant)]
                field="occupant"
                error=err
                inline=true
            />
            <div class="form-grid">
                <Input id="start-on" label=Key::FieldStartOn value=w.start_on input_type="date" field="start_on" error=err required=true hint=Key::MoveinStartHint />
            </div>
            <Check id="opt-paperless" label=Key::OverviewPaperless checked=w.paperless hint=Key::MoveinPaperlessHint />
            <Check id="opt-autopay" label=Key::OverviewAutopay checked=w.autopay hint=Key::MoveinAutopayHint />
            <Show when=move || w.occupant.get() == "tenant">
                <div class="subform">
                    <h3>{tr!(OverviewOwnerCopy)}</h3>
                    <p class="hint">{tr!(MoveinOwnerCopyHint)}</p>
                    <AccountFinder
                        id="owner-finder"
                        label=Key::MoveinFindOwner
                        hint=Key::MoveinFindCustomerHint
                        on_pick=Callback::new(move |a: AccountDto| w.owner_copy.set(Some(a)))
                    />
                    <crate::components::FieldMessages id="owner-copy-error" error=err names=vec!["owner_copy_customer_id"] />
                    {move || {
                        w.owner_copy
                            .get()
                            .map(|a| {
                                view! {
                                    <p class="chosen">
                                        {move || i18n.tf(Key::MoveinOwnerCopyTo, &[("name", &a.customer.name)])}
                                        " "
                                        <button type="button" class="btn btn-small btn-secondary" on:click=move |_| w.owner_copy.set(None)>
                                            {tr!(CommonRemove)}
                                        </button>
                                    </p>
                                }
                            })
                    }}
                </div>
            </Show>
            <StepButtons w=w />
        </form>
    }
}

#[component]
fn MeterStep(w: Wizard) -> impl IntoView {
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if w.meter.with_untracked(Option::is_none) {
            w.fail(local_problem(&[("meter_id", FieldCode::Required)]));
            return;
        }
        w.next();
    };
    view! {
        <form class="form" on:submit=on_submit novalidate>
            <p>{tr!(MoveinMeterIntro)}</p>
            <StockMeterPicker chosen=w.meter field="meter_id" error=w.error legend=Key::MoveinChooseMeter />
            <StepButtons w=w />
        </form>
    }
}

#[component]
fn ReviewStep(w: Wizard) -> impl IntoView {
    let api = use_api();
    let i18n = use_i18n();
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if w.busy.get_untracked() {
            return;
        }
        let Some(req) = w.request() else {
            w.fail(local_problem(&[("premise_id", FieldCode::Required)]));
            return;
        };
        w.submit
            .send_then(async move { api.move_in(&req).await }, move |r| match r {
                Ok(res) => {
                    w.result.try_set(Some(res));
                    focus_id("movein-done-title");
                    None
                }
                Err(e) => {
                    if let Some(s) = step_of_error(&e) {
                        w.step.try_set(s);
                    }
                    Some(e)
                }
            });
    };
    let existing = w.customer_mode.get_untracked() == "existing";
    let customer = if existing {
        w.existing
            .get_untracked()
            .map(|a| (a.customer.name, a.customer.mailing_address))
            .unwrap_or_default()
    } else {
        let c = w.new_customer();
        (c.name, c.mailing_address)
    };
    let premise = w
        .premise
        .get_untracked()
        .map(|p| p.service_address)
        .unwrap_or_default();
    let occupant = Occupant::parse(&w.occupant.get_untracked()).unwrap_or(Occupant::Owner);
    let meter = w.meter.get_untracked().filter(|_| w.needs_meter());
    let owner_copy = w
        .owner_copy
        .get_untracked()
        .filter(|_| occupant == Occupant::Tenant)
        .map(|a| a.customer.name);
    view! {
        <form class="form" on:submit=on_submit novalidate>
            <dl class="facts review" id="movein-review">
                <dt>{tr!(AccountCustomer)}</dt>
                <dd>
                    <strong>{customer.0}</strong>
                    " "
                    {move || if existing { i18n.t(Key::MoveinExistingTag) } else { i18n.t(Key::MoveinNewTag) }}
                    <span class="muted small review-address">{customer.1}</span>
                </dd>
                <dt>{tr!(AccountServiceAddress)}</dt>
                <dd>{premise}</dd>
                <dt>{tr!(FieldOccupant)}</dt>
                <dd>{move || i18n.t(occupant_key(occupant))}</dd>
                <dt>{tr!(FieldStartOn)}</dt>
                <dd>{w.start_on.get_untracked()}</dd>
                <dt>{tr!(OverviewPaperless)}</dt>
                <dd>{move || if w.paperless.get() { i18n.t(Key::CommonYes) } else { i18n.t(Key::CommonNo) }}</dd>
                <dt>{tr!(OverviewAutopay)}</dt>
                <dd>{move || if w.autopay.get() { i18n.t(Key::CommonYes) } else { i18n.t(Key::CommonNo) }}</dd>
                <dt>{tr!(OverviewOwnerCopy)}</dt>
                <dd>{move || owner_copy.clone().unwrap_or_else(|| i18n.t(Key::CommonNo).to_string())}</dd>
                <dt>{tr!(FieldMeter)}</dt>
                <dd>
                    {move || match &meter {
                        Some(m) => i18n.tf(Key::MoveinMeterToSet, &[("meter", &meter_line(i18n, m))]),
                        None => i18n.t(Key::MoveinTurnOnExisting).to_string(),
                    }}
                </dd>
            </dl>
            <p class="hint">{tr!(MoveinReviewHint)}</p>
            <StepButtons w=w next_label=Key::MoveinSubmit />
        </form>
    }
}

/// "tenant deposit" / "owner deposit" (the server's rule names) in the current language.
fn deposit_rule(i18n: I18n, rule: &str) -> String {
    match rule {
        "tenant deposit" => i18n.t(Key::MoveinRuleTenant).to_string(),
        "owner deposit" => i18n.t(Key::MoveinRuleOwner).to_string(),
        other => other.to_string(),
    }
}

#[component]
fn MoveInDone(r: MoveInResult, w: Wizard) -> impl IntoView {
    let i18n = use_i18n();
    let href = format!("/staff/accounts/{}", encode_query_value(&r.account.id));
    let rule = r.deposit_rule.clone();
    let orders = r.service_orders.clone();
    let number = r.account.number.clone();
    view! {
        <section class="card" aria-labelledby="movein-done-title" id="movein-result">
            <h2 id="movein-done-title" tabindex="-1">{tr!(MoveinDoneTitle)}</h2>
            <div class="alert alert-ok" role="status">
                <p class="alert-message">{move || i18n.tf(Key::MoveinDoneMessage, &[("number", &number)])}</p>
            </div>
            <dl class="facts">
                <dt>{tr!(ColNumber)}</dt>
                <dd><A href=href.clone() attr:id="movein-account-number" attr:class="account-number">{r.account.number.clone()}</A></dd>
                <dt>{tr!(ColStatus)}</dt>
                <dd><StatusBadge status=r.account.status /></dd>
                <dt>{tr!(AccountCustomer)}</dt>
                <dd>{r.account.customer.name.clone()}</dd>
                <dt>{tr!(AccountServiceAddress)}</dt>
                <dd>{r.account.premise.service_address.clone()}</dd>
                <dt>{tr!(AccountDepositRequired)}</dt>
                <dd>
                    <strong id="movein-deposit">{format::money(r.deposit_required)}</strong>
                    " "
                    <span class="muted">{move || format!("({})", deposit_rule(i18n, &rule))}</span>
                </dd>
            </dl>
            <p class="hint">{tr!(MoveinDepositHint)}</p>
            <h3>{tr!(MoveinOrdersCreated)}</h3>
            <Table columns=vec![col(Key::ColOrder), col(Key::ColType), col(Key::ColDue), col(Key::ColMeter), col(Key::ColActions)] id="movein-orders">
                        {orders
                            .into_iter()
                            .map(|o| {
                                let t = o.order_type;
                                view! {
                                    <tr>
                                        <th scope="row" class="order-number">{o.number.clone()}</th>
                                        <td class="order-type">{move || i18n.t(order_type_key(t))}</td>
                                        <td>{format::date(o.due_on)}</td>
                                        <td>{o.new_meter_serial.clone().or(o.meter_serial.clone()).unwrap_or_default()}</td>
                                        <td class="actions">
                                            <SheetButton order_id=o.id.clone() number=o.number.clone() label=sheet_label(t) />
                                        </td>
                                    </tr>
                                }
                            })
                            .collect_view()}
            </Table>
            <div class="form-actions">
                <A href=href attr:class="btn btn-primary">{tr!(MoveinOpenAccount)}</A>
                <button type="button" class="btn btn-secondary" id="movein-another" on:click=move |_| w.reset()>
                    {tr!(MoveinAnother)}
                </button>
            </div>
        </section>
    }
}
