//! `/staff/accounts/:id`: everything about one account at a glance — customer, premise,
//! meters and their last reads, services, billing (empty until receivables exist), notes,
//! open service orders, complaints and contacts — with the clerk's actions on each.

use cistern_shared::accounts::AccountOverviewDto;
use cistern_shared::complaints::{
    ComplaintCategory, ComplaintDto, ComplaintInput, ComplaintStatus, ComplaintUpdate,
};
use cistern_shared::contacts::{ContactChannel, ContactDirection, ContactDto, ContactInput};
use cistern_shared::dto::AccountStatus;
use cistern_shared::meters::MeterDto;
use cistern_shared::notes::{NoteDto, NoteInput};
use cistern_shared::orders::ServiceOrderDto;
use cistern_shared::services::{ServiceDto, ServiceStatus, ServiceStatusChange};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::api::{encode_query_value, use_api, use_auth, Api, ApiError};
use crate::app::can_edit_records;
use crate::components::{
    focus_first_invalid, focus_id, local_problem, Badge, Check, ErrorAlert, Input, LoadError,
    Loading, Select, SheetButton, StatusBadge, StatusMessage,
};
use crate::format;
use crate::i18n::{
    complaint_category_key, complaint_status_key, contact_channel_key, contact_direction_key,
    locale_key, occupant_text_key, order_type_key, priority_key, register_key, service_status_key,
    service_type_key, use_i18n, I18n, Key,
};
use crate::tr;

/// Loads a record into a signal and reloads it on demand, so a page can render its frame
/// once and let only the lists inside change (forms keep their state and focus on a reload).
pub struct Loaded<T: Send + Sync + 'static> {
    pub data: RwSignal<Option<T>>,
    pub first_error: RwSignal<Option<ApiError>>,
    pub reload_error: RwSignal<Option<ApiError>>,
    path: RwSignal<String>,
    api: Api,
}

impl<T: Send + Sync + 'static> Clone for Loaded<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static> Copy for Loaded<T> {}

impl<T: serde::de::DeserializeOwned + Clone + Send + Sync + 'static> Loaded<T> {
    pub fn new(api: Api) -> Self {
        Loaded {
            data: RwSignal::new(None),
            first_error: RwSignal::new(None),
            reload_error: RwSignal::new(None),
            path: RwSignal::new(String::new()),
            api,
        }
    }

    /// Loads `path` (a new record: the page shows "Loading…" until it is here).
    pub fn load(self, path: String) {
        self.data.set(None);
        self.first_error.set(None);
        self.path.set(path);
        self.reload();
    }

    /// Fetches the same record again, keeping what is shown until the answer arrives.
    pub fn reload(self) {
        let path = self.path.get_untracked();
        let api = self.api;
        spawn_local(async move {
            match api.get::<T>(&path).await {
                Ok(v) => {
                    self.reload_error.try_set(None);
                    self.data.try_set(Some(v));
                }
                Err(e) => {
                    if self.data.try_with_untracked(Option::is_some) == Some(true) {
                        self.reload_error.try_set(Some(e));
                    } else {
                        self.first_error.try_set(Some(e));
                    }
                }
            }
        });
    }

    /// Loading / failed / ready, changing only on those transitions.
    pub fn phase(self) -> Memo<Phase> {
        Memo::new(move |_| {
            if self.data.with(Option::is_some) {
                Phase::Ready
            } else if let Some(e) = self.first_error.get() {
                Phase::Failed(e)
            } else {
                Phase::Loading
            }
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Phase {
    Loading,
    Failed(ApiError),
    Ready,
}

/// `/staff/accounts/:id`.
#[component]
pub fn StaffAccountPage() -> impl IntoView {
    let api = use_api();
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").unwrap_or_default()));
    let loaded = Loaded::<AccountOverviewDto>::new(api);
    Effect::new(move |_| {
        loaded.load(format!(
            "/accounts/{}/overview",
            encode_query_value(&id.get())
        ));
    });
    let phase = loaded.phase();
    view! {
        <p class="back"><A href="/staff/accounts">"← " {tr!(AccountBack)}</A></p>
        {move || match phase.get() {
            Phase::Loading => view! { <Loading /> }.into_any(),
            Phase::Failed(e) => view! { <LoadError err=e /> }.into_any(),
            Phase::Ready => view! { <Overview loaded=loaded /> }.into_any(),
        }}
    }
}

fn yes_no(i18n: I18n, b: bool) -> &'static str {
    if b {
        i18n.t(Key::CommonYes)
    } else {
        i18n.t(Key::CommonNo)
    }
}

fn or_not_set(i18n: I18n, v: Option<String>) -> String {
    v.unwrap_or_else(|| i18n.t(Key::CommonNotSet).to_string())
}

/// Whether the account can still be moved out or transferred.
fn is_open(s: AccountStatus) -> bool {
    matches!(
        s,
        AccountStatus::Pending | AccountStatus::Active | AccountStatus::Suspended
    )
}

#[component]
fn Overview(loaded: Loaded<AccountOverviewDto>) -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    let can_edit = Memo::new(move |_| can_edit_records(auth.role()));
    let ov = loaded.data;
    // Fields read inside reactive closures; `get` clones the whole overview, so read parts.
    let with = move |f: &dyn Fn(&AccountOverviewDto) -> String| {
        ov.with(|o| o.as_ref().map(f).unwrap_or_default())
    };
    let account_id =
        ov.with_untracked(|o| o.as_ref().map(|o| o.account.id.clone()).unwrap_or_default());
    let customer_id = ov.with_untracked(|o| {
        o.as_ref()
            .map(|o| o.account.customer.id.clone())
            .unwrap_or_default()
    });
    let premise_id = ov.with_untracked(|o| {
        o.as_ref()
            .map(|o| o.account.premise.id.clone())
            .unwrap_or_default()
    });
    let status = Memo::new(move |_| {
        ov.with(|o| {
            o.as_ref()
                .map(|o| o.status)
                .unwrap_or(AccountStatus::Closed)
        })
    });
    let number = Memo::new(move |_| with(&|o| o.account.number.clone()));
    let status_msg = RwSignal::new(None::<String>);
    let reload = Callback::new(move |msg: String| {
        status_msg.set(Some(msg));
        loaded.reload();
    });
    let aid = account_id.clone();
    let moveout_href = format!(
        "/staff/accounts/{}/move-out",
        encode_query_value(&account_id)
    );
    let transfer_href = format!(
        "/staff/accounts/{}/transfer",
        encode_query_value(&account_id)
    );
    let order_href = format!(
        "/staff/orders?premise={}&account={}#create-order",
        encode_query_value(&premise_id),
        encode_query_value(&account_id)
    );
    let customer_href = format!("/staff/customers/{}", encode_query_value(&customer_id));
    let premise_href = format!("/staff/premises/{}", encode_query_value(&premise_id));
    view! {
        <div class="page-head" id="account-head">
            <h1>{move || i18n.tf(Key::AccountTitle, &[("number", &number.get())])}</h1>
            {move || view! { <StatusBadge status=status.get() /> }}
            <p class="muted" id="account-summary">
                {move || with(&|o| format!("{} · {}", o.account.customer.name, o.account.premise.service_address))}
            </p>
        </div>
        {move || {
            (can_edit.get())
                .then(|| {
                    let open = is_open(status.get());
                    let moveout_href = moveout_href.clone();
                    let transfer_href = transfer_href.clone();
                    let order_href = order_href.clone();
                    view! {
                        <nav class="actions-bar" aria-label=move || i18n.t(Key::OverviewActions)>
                            {open
                                .then(|| {
                                    view! {
                                        <A href=moveout_href attr:class="btn btn-secondary" attr:id="action-move-out">{tr!(OverviewMoveOut)}</A>
                                        <A href=transfer_href attr:class="btn btn-secondary" attr:id="action-transfer">{tr!(OverviewTransfer)}</A>
                                    }
                                })}
                            <A href=order_href attr:class="btn btn-secondary" attr:id="action-new-order">{tr!(OverviewNewOrder)}</A>
                        </nav>
                    }
                })
        }}
        <StatusMessage message=status_msg />
        <ErrorAlert error=loaded.reload_error />
        <div class="grid-3">
            <section class="card" aria-labelledby="acct-customer">
                <h2 id="acct-customer">{tr!(AccountCustomer)}</h2>
                <dl class="facts">
                    <dt>{tr!(AccountCustomerName)}</dt>
                    <dd id="customer-name"><A href=customer_href>{move || with(&|o| o.account.customer.name.clone())}</A></dd>
                    <dt>{tr!(AccountCustomerType)}</dt>
                    <dd>
                        {move || {
                            if ov.with(|o| o.as_ref().map(|o| o.account.customer.is_organisation).unwrap_or(false)) {
                                i18n.t(Key::AccountOrganisation)
                            } else {
                                i18n.t(Key::AccountPerson)
                            }
                        }}
                    </dd>
                    <dt>{tr!(AccountMailingAddress)}</dt>
                    <dd class="pre">{move || with(&|o| o.account.customer.mailing_address.clone())}</dd>
                    <dt>{tr!(AccountPhone)}</dt>
                    <dd>{move || or_not_set(i18n, ov.with(|o| o.as_ref().and_then(|o| o.account.customer.phone.clone())))}</dd>
                    <dt>{tr!(AccountEmail)}</dt>
                    <dd>{move || or_not_set(i18n, ov.with(|o| o.as_ref().and_then(|o| o.account.customer.email.clone())))}</dd>
                    <dt>{tr!(AccountPreferredLanguage)}</dt>
                    <dd>
                        {move || {
                            ov.with(|o| o.as_ref().map(|o| i18n.t(locale_key(o.account.customer.preferred_locale))).unwrap_or_default())
                        }}
                    </dd>
                </dl>
            </section>
            <section class="card" aria-labelledby="acct-premise">
                <h2 id="acct-premise">{tr!(AccountPremise)}</h2>
                <dl class="facts">
                    <dt>{tr!(AccountServiceAddress)}</dt>
                    <dd id="premise-address"><A href=premise_href>{move || with(&|o| o.account.premise.service_address.clone())}</A></dd>
                    <dt>{tr!(AccountParcel)}</dt>
                    <dd>{move || or_not_set(i18n, ov.with(|o| o.as_ref().and_then(|o| o.account.premise.parcel.clone())))}</dd>
                    <dt>{tr!(AccountInsideCity)}</dt>
                    <dd>{move || yes_no(i18n, ov.with(|o| o.as_ref().map(|o| o.account.premise.inside_city).unwrap_or(false)))}</dd>
                    <dt>{tr!(AccountCycle)}</dt>
                    <dd>
                        {move || {
                            ov.with(|o| {
                                o.as_ref()
                                    .map(|o| {
                                        format!(
                                            "{} — {} ({})",
                                            o.account.cycle.code,
                                            o.account.cycle.name,
                                            crate::pages::dashboard::frequency(i18n, o.account.cycle.months_per_bill),
                                        )
                                    })
                                    .unwrap_or_default()
                            })
                        }}
                    </dd>
                </dl>
            </section>
            <section class="card" aria-labelledby="acct-details">
                <h2 id="acct-details">{tr!(AccountDetails)}</h2>
                <dl class="facts">
                    <dt>{tr!(ColNumber)}</dt>
                    <dd id="account-number">{move || number.get()}</dd>
                    <dt>{tr!(ColStatus)}</dt>
                    <dd id="account-status">{move || view! { <StatusBadge status=status.get() /> }}</dd>
                    <dt>{tr!(AccountOccupant)}</dt>
                    <dd>
                        {move || {
                            let occ = with(&|o| o.account.occupant.clone());
                            occupant_text_key(&occ).map(|k| i18n.t(k).to_string()).unwrap_or(occ)
                        }}
                    </dd>
                    <dt>{tr!(AccountOpenedOn)}</dt>
                    <dd>{move || with(&|o| format::date(o.account.opened_on))}</dd>
                    <dt>{tr!(AccountClosedOn)}</dt>
                    <dd>{move || or_not_set(i18n, ov.with(|o| o.as_ref().and_then(|o| o.account.closed_on.map(format::date))))}</dd>
                    <dt>{tr!(AccountDepositRequired)}</dt>
                    <dd id="account-deposit">{move || with(&|o| format::money(o.account.deposit_required))}</dd>
                    <dt>{tr!(OverviewPaperless)}</dt>
                    <dd>{move || yes_no(i18n, ov.with(|o| o.as_ref().map(|o| o.paperless).unwrap_or(false)))}</dd>
                    <dt>{tr!(OverviewAutopay)}</dt>
                    <dd>{move || yes_no(i18n, ov.with(|o| o.as_ref().map(|o| o.autopay).unwrap_or(false)))}</dd>
                    <dt>{tr!(OverviewOwnerCopy)}</dt>
                    <dd>
                        {move || {
                            ov.with(|o| o.as_ref().and_then(|o| o.owner_copy_to.clone()))
                                .unwrap_or_else(|| i18n.t(Key::CommonNo).to_string())
                        }}
                    </dd>
                    <dt>{tr!(OverviewFinalRead)}</dt>
                    <dd>{move || or_not_set(i18n, ov.with(|o| o.as_ref().and_then(|o| o.final_read_on.map(format::date))))}</dd>
                    <dt>{tr!(OverviewClosingBill)}</dt>
                    <dd>
                        {move || {
                            if ov.with(|o| o.as_ref().map(|o| o.closing_bill_pending).unwrap_or(false)) {
                                i18n.t(Key::OverviewClosingBillPending)
                            } else {
                                i18n.t(Key::CommonNo)
                            }
                        }}
                    </dd>
                </dl>
            </section>
        </div>

        <div class="grid-2">
            <section class="card" aria-labelledby="acct-meters" id="meters">
                <h2 id="acct-meters">{tr!(OverviewMeters)}</h2>
                {move || {
                    let meters = ov.with(|o| o.as_ref().map(|o| o.meters.clone()).unwrap_or_default());
                    meter_list(i18n, meters)
                }}
            </section>
            <section class="card billing-card" aria-labelledby="acct-billing" id="billing">
                <h2 id="acct-billing">{tr!(OverviewBilling)}</h2>
                <dl class="facts">
                    <dt>{tr!(OverviewBalance)}</dt>
                    <dd id="account-balance">{tr!(OverviewNoBalance)}</dd>
                </dl>
                <p class="empty" id="billing-empty">{tr!(OverviewNoBills)}</p>
            </section>
        </div>

        <section class="card" aria-labelledby="acct-services" id="services">
            <h2 id="acct-services">{tr!(OverviewServices)}</h2>
            <ServiceTable
                services=Signal::derive(move || ov.with(|o| o.as_ref().map(|o| o.services.clone()).unwrap_or_default()))
                can_edit=can_edit
                on_done=reload
            />
        </section>

        <section class="card" aria-labelledby="acct-orders" id="open-orders">
            <h2 id="acct-orders">{tr!(OverviewOpenOrders)}</h2>
            {move || {
                let orders = ov.with(|o| o.as_ref().map(|o| o.open_orders.clone()).unwrap_or_default());
                order_table(i18n, orders)
            }}
        </section>

        <div class="grid-2">
            <section class="card" aria-labelledby="acct-notes" id="notes">
                <h2 id="acct-notes" tabindex="-1">{tr!(OverviewNotes)}</h2>
                {move || {
                    let notes = ov.with(|o| o.as_ref().map(|o| o.notes.clone()).unwrap_or_default());
                    note_list(i18n, notes)
                }}
                {move || can_edit.get().then(|| view! { <NoteForm account_id=aid.clone() on_done=reload /> })}
            </section>
            <section class="card" aria-labelledby="acct-complaints" id="complaints">
                <h2 id="acct-complaints" tabindex="-1">{tr!(OverviewComplaints)}</h2>
                <ComplaintList
                    complaints=Signal::derive(move || ov.with(|o| o.as_ref().map(|o| o.complaints.clone()).unwrap_or_default()))
                    can_edit=can_edit
                    on_done=reload
                />
                {
                    let (cid, aid) = (customer_id.clone(), account_id.clone());
                    move || can_edit.get().then(|| view! { <ComplaintForm customer_id=cid.clone() account_id=aid.clone() on_done=reload /> })
                }
            </section>
        </div>

        <section class="card" aria-labelledby="acct-contacts" id="contacts">
            <h2 id="acct-contacts" tabindex="-1">{tr!(OverviewContacts)}</h2>
            {move || {
                let list = ov.with(|o| o.as_ref().map(|o| o.contacts.clone()).unwrap_or_default());
                contact_table(i18n, list)
            }}
            {
                let (cid, aid) = (customer_id.clone(), account_id.clone());
                move || can_edit.get().then(|| view! { <ContactForm customer_id=cid.clone() account_id=Some(aid.clone()) on_done=reload /> })
            }
        </section>
    }
}

/// Meters with their registers and last reads.
pub fn meter_list(i18n: I18n, meters: Vec<MeterDto>) -> AnyView {
    if meters.is_empty() {
        return view! { <p class="empty">{move || i18n.t(Key::OverviewNoMeters)}</p> }.into_any();
    }
    meters
        .into_iter()
        .map(|m| {
            let line = crate::pickers::meter_line(i18n, &m);
            let unit = m.unit;
            let installed = m.installed_on.map(format::date);
            let reads: Vec<_> = m.recent_reads.iter().take(4).cloned().collect();
            let has_reads = !reads.is_empty();
            view! {
                <div class="meter">
                    <h3 class="meter-serial">{line}</h3>
                    <p class="muted small">
                        {move || i18n.t(crate::i18n::meter_unit_key(unit))}
                        {installed.map(|d| view! { " · " {move || i18n.tf(Key::OverviewInstalledOn, &[("date", &d)])} })}
                    </p>
                    {if has_reads {
                        view! {
                            <table class="table compact">
                                <caption class="visually-hidden">{move || i18n.t(Key::OverviewLastReads)}</caption>
                                <thead>
                                    <tr>
                                        <th scope="col">{move || i18n.t(Key::ColDate)}</th>
                                        <th scope="col">{move || i18n.t(Key::ColRegister)}</th>
                                        <th scope="col" class="num">{move || i18n.t(Key::ColReading)}</th>
                                        <th scope="col">{move || i18n.t(Key::ColKind)}</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {reads
                                        .into_iter()
                                        .map(|r| {
                                            let reg = r.register;
                                            view! {
                                                <tr>
                                                    <td>{format::date(r.read_on)}</td>
                                                    <td>{move || i18n.t(register_key(reg))}</td>
                                                    <td class="num">{format::count(r.reading)}</td>
                                                    <td>{read_kind(i18n, &r.kind)}</td>
                                                </tr>
                                            }
                                        })
                                        .collect_view()}
                                </tbody>
                            </table>
                        }
                            .into_any()
                    } else {
                        view! { <p class="muted">{move || i18n.t(Key::OverviewNoReads)}</p> }.into_any()
                    }}
                </div>
            }
        })
        .collect_view()
        .into_any()
}

fn read_kind(i18n: I18n, kind: &str) -> String {
    let key = match kind {
        "initial" => Key::ReadKindInitial,
        "regular" => Key::ReadKindRegular,
        "final" => Key::ReadKindFinal,
        "reread" => Key::ReadKindReread,
        "estimated" => Key::ReadKindEstimated,
        "change_out_final" => Key::ReadKindChangeOutFinal,
        "change_out_initial" => Key::ReadKindChangeOutInitial,
        "conversion" => Key::ReadKindConversion,
        other => return other.to_string(),
    };
    i18n.t(key).to_string()
}

/// Open (or any) service orders as a table with their sheet buttons.
pub fn order_table(i18n: I18n, orders: Vec<ServiceOrderDto>) -> AnyView {
    if orders.is_empty() {
        return view! { <p class="empty">{move || i18n.t(Key::OverviewNoOrders)}</p> }.into_any();
    }
    view! {
        <div class="table-wrap">
            <table class="table order-table">
                <thead>
                    <tr>
                        <th scope="col">{move || i18n.t(Key::ColOrder)}</th>
                        <th scope="col">{move || i18n.t(Key::ColType)}</th>
                        <th scope="col">{move || i18n.t(Key::ColDue)}</th>
                        <th scope="col">{move || i18n.t(Key::ColPriority)}</th>
                        <th scope="col">{move || i18n.t(Key::ColAssignee)}</th>
                        <th scope="col">{move || i18n.t(Key::ColMeter)}</th>
                        <th scope="col">{move || i18n.t(Key::ColActions)}</th>
                    </tr>
                </thead>
                <tbody>
                    {orders
                        .into_iter()
                        .map(|o| {
                            let t = o.order_type;
                            let p = o.priority;
                            let meter = o.new_meter_serial.clone().or(o.meter_serial.clone()).unwrap_or_default();
                            let assignee = o.assigned_name.clone();
                            view! {
                                <tr>
                                    <th scope="row" class="order-number">{o.number.clone()}</th>
                                    <td>{move || i18n.t(order_type_key(t))}</td>
                                    <td>{format::date(o.due_on)}</td>
                                    <td>{move || i18n.t(priority_key(p))}</td>
                                    <td>{move || assignee.clone().unwrap_or_else(|| i18n.t(Key::OrdersUnassigned).to_string())}</td>
                                    <td>{meter}</td>
                                    <td class="actions">
                                        <SheetButton order_id=o.id.clone() number=o.number.clone() label=sheet_label(t) />
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

/// "Print meter set sheet" for meter sets, "Print work order" for everything else.
pub fn sheet_label(t: cistern_shared::cis::OrderType) -> Key {
    if t == cistern_shared::cis::OrderType::MeterSet {
        Key::OrdersPrintMeterSetSheet
    } else {
        Key::OrdersPrintWorkOrder
    }
}

/// Services with the seasonal off / back on action for clerks.
#[component]
pub fn ServiceTable(
    #[prop(into)] services: Signal<Vec<ServiceDto>>,
    #[prop(into)] can_edit: Signal<bool>,
    on_done: Callback<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    // The service whose status is being changed, and to what.
    let changing = RwSignal::new(None::<(ServiceDto, ServiceStatus)>);
    view! {
        {move || {
            let list = services.get();
            if list.is_empty() {
                return view! { <p class="empty">{move || i18n.t(Key::OverviewNoServices)}</p> }.into_any();
            }
            view! {
                <div class="table-wrap">
                    <table class="table service-table">
                        <thead>
                            <tr>
                                <th scope="col">{tr!(ColService)}</th>
                                <th scope="col">{tr!(ColClass)}</th>
                                <th scope="col">{tr!(ColRate)}</th>
                                <th scope="col">{tr!(ColStatus)}</th>
                                <th scope="col">{tr!(ColSince)}</th>
                                {can_edit.get().then(|| view! { <th scope="col">{tr!(ColActions)}</th> })}
                            </tr>
                        </thead>
                        <tbody>
                            {list
                                .into_iter()
                                .map(|s| {
                                    let t = s.service_type;
                                    let st = s.status;
                                    let next = match st {
                                        ServiceStatus::Active => Some(ServiceStatus::SeasonalOff),
                                        ServiceStatus::SeasonalOff => Some(ServiceStatus::Active),
                                        ServiceStatus::Inactive => None,
                                    };
                                    let s2 = s.clone();
                                    view! {
                                        <tr>
                                            <th scope="row">{move || i18n.t(service_type_key(t))}</th>
                                            <td>{s.customer_class.clone()}</td>
                                            <td>{s.rate_code.clone()}</td>
                                            <td>
                                                <Badge tone=format!("badge-svc-{}", st.as_str()) label=service_status_key(st) />
                                            </td>
                                            <td>{format::date(s.started_on)}</td>
                                            {can_edit
                                                .get()
                                                .then(|| {
                                                    view! {
                                                        <td class="actions">
                                                            {next
                                                                .map(|to| {
                                                                    let s3 = s2.clone();
                                                                    let k = if to == ServiceStatus::SeasonalOff { Key::ServiceSeasonalOff } else { Key::ServiceTurnBackOn };
                                                                    view! {
                                                                        <button
                                                                            type="button"
                                                                            class="btn btn-small btn-secondary"
                                                                            aria-label=move || format!("{} — {}", i18n.t(k), i18n.t(service_type_key(t)))
                                                                            on:click=move |_| {
                                                                                changing.set(Some((s3.clone(), to)));
                                                                                focus_id("svc-effective");
                                                                            }
                                                                        >
                                                                            {move || i18n.t(k)}
                                                                        </button>
                                                                    }
                                                                })}
                                                        </td>
                                                    }
                                                })}
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
        {move || changing.get().map(|(s, to)| view! { <ServiceStatusForm service=s to=to changing=changing on_done=on_done /> })}
    }
}

#[component]
fn ServiceStatusForm(
    service: ServiceDto,
    to: ServiceStatus,
    changing: RwSignal<Option<(ServiceDto, ServiceStatus)>>,
    on_done: Callback<String>,
) -> impl IntoView {
    let api = use_api();
    let i18n = use_i18n();
    let effective = RwSignal::new(format::date(format::today()));
    let reason = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let t = service.service_type;
    let sid = service.id.clone();
    let title = if to == ServiceStatus::SeasonalOff {
        Key::ServiceSeasonalOffTitle
    } else {
        Key::ServiceTurnBackOnTitle
    };
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let date = format::parse_date(&effective.get_untracked());
        let why = format::non_empty(&reason.get_untracked());
        let mut bad = Vec::new();
        if date.is_none() {
            bad.push(("effective_on", "date"));
        }
        if why.is_none() {
            bad.push(("reason", "required"));
        }
        let (Some(date), Some(why), true) = (date, why, bad.is_empty()) else {
            error.set(Some(local_problem(&bad)));
            focus_first_invalid();
            return;
        };
        error.set(None);
        busy.set(true);
        let path = format!("/services/{}/status", encode_query_value(&sid));
        let body = ServiceStatusChange {
            status: to,
            effective_on: date,
            reason: why,
        };
        spawn_local(async move {
            let r = api.post::<_, ServiceDto>(&path, &body).await;
            busy.try_set(false);
            match r {
                Ok(s) => {
                    changing.try_set(None);
                    on_done.run(i18n.tf(
                        Key::ServiceStatusChanged,
                        &[
                            ("service", i18n.t(service_type_key(s.service_type))),
                            ("status", i18n.t(service_status_key(s.status))),
                        ],
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
        <form class="form subform" on:submit=on_submit novalidate aria-labelledby="svc-form-title">
            <h3 id="svc-form-title">{move || i18n.tf(title, &[("service", i18n.t(service_type_key(t)))])}</h3>
            <ErrorAlert error=error />
            <div class="form-grid">
                <Input id="svc-effective" label=Key::FieldEffectiveOn value=effective input_type="date" field="effective_on" error=error required=true />
                <Input id="svc-reason" label=Key::FieldReason value=reason field="reason" error=error required=true />
            </div>
            <div class="form-actions">
                <button type="submit" class="btn btn-primary" disabled=busy>{tr!(CommonSave)}</button>
                <button type="button" class="btn btn-secondary" on:click=move |_| changing.set(None)>{tr!(CommonCancel)}</button>
            </div>
        </form>
    }
}

fn note_list(i18n: I18n, mut notes: Vec<NoteDto>) -> AnyView {
    if notes.is_empty() {
        return view! { <p class="empty">{move || i18n.t(Key::OverviewNoNotes)}</p> }.into_any();
    }
    // Pinned first, newest first (the server sends them so; keep it true whatever it sends).
    notes.sort_by(|a, b| {
        b.pinned
            .cmp(&a.pinned)
            .then(b.created_at.cmp(&a.created_at))
    });
    view! {
        <ul class="notes" id="note-list">
            {notes
                .into_iter()
                .map(|n| {
                    let pinned = n.pinned;
                    let meta = format!(
                        "{} · {}",
                        n.author_name.clone().unwrap_or_default(),
                        format::timestamp(n.created_at)
                    );
                    view! {
                        <li class=if pinned { "note note-pinned" } else { "note" }>
                            {pinned.then(|| view! { <span class="badge badge-pinned">{move || i18n.t(Key::NotesPinned)}</span> " " })}
                            <span class="note-body pre">{n.body.clone()}</span>
                            <span class="muted small note-meta">{meta}</span>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
    .into_any()
}

#[component]
fn NoteForm(account_id: String, on_done: Callback<String>) -> impl IntoView {
    let api = use_api();
    let i18n = use_i18n();
    let body = RwSignal::new(String::new());
    let pinned = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let Some(text) = format::non_empty(&body.get_untracked()) else {
            error.set(Some(local_problem(&[("body", "required")])));
            focus_first_invalid();
            return;
        };
        error.set(None);
        busy.set(true);
        let path = format!("/accounts/{}/notes", encode_query_value(&account_id));
        let req = NoteInput {
            body: text,
            pinned: pinned.get_untracked(),
        };
        spawn_local(async move {
            let r = api.post::<_, Vec<NoteDto>>(&path, &req).await;
            busy.try_set(false);
            match r {
                Ok(_) => {
                    body.try_set(String::new());
                    pinned.try_set(false);
                    on_done.run(i18n.t(Key::NotesAdded).to_string());
                }
                Err(e) => {
                    error.try_set(Some(e));
                    focus_first_invalid();
                }
            }
        });
    };
    view! {
        <form class="form subform" on:submit=on_submit novalidate aria-labelledby="note-form-title">
            <h3 id="note-form-title">{tr!(NotesAddTitle)}</h3>
            <ErrorAlert error=error />
            <Input id="note-body" label=Key::FieldNoteBody value=body field="body" error=error multiline=true required=true />
            <Check id="note-pinned" label=Key::NotesPin checked=pinned />
            <div class="form-actions">
                <button type="submit" class="btn btn-primary" id="note-submit" disabled=busy>{tr!(NotesAdd)}</button>
            </div>
        </form>
    }
}

#[component]
fn ComplaintList(
    #[prop(into)] complaints: Signal<Vec<ComplaintDto>>,
    #[prop(into)] can_edit: Signal<bool>,
    on_done: Callback<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let resolving = RwSignal::new(None::<ComplaintDto>);
    view! {
        {move || {
            let list = complaints.get();
            if list.is_empty() {
                return view! { <p class="empty">{move || i18n.t(Key::OverviewNoComplaints)}</p> }.into_any();
            }
            view! {
                <ul class="complaints" id="complaint-list">
                    {list
                        .into_iter()
                        .map(|c| {
                            let cat = c.category;
                            let st = c.status;
                            let open = matches!(st, ComplaintStatus::Open | ComplaintStatus::InProgress);
                            let c2 = c.clone();
                            let number = c.number.clone();
                            view! {
                                <li class="complaint">
                                    <p>
                                        <strong>{c.number.clone()}</strong>
                                        " · "
                                        {move || i18n.t(complaint_category_key(cat))}
                                        " "
                                        <Badge tone=format!("badge-cmp-{}", st.as_str()) label=complaint_status_key(st) />
                                    </p>
                                    <p class="pre">{c.description.clone()}</p>
                                    {c.resolution.clone().map(|r| view! { <p class="muted"><strong>{move || i18n.t(Key::FieldResolution)}</strong>": " {r}</p> })}
                                    <p class="muted small">
                                        {format::timestamp(c.opened_at)}
                                        {c.owner_name.clone().map(|o| view! { " · " {o} })}
                                    </p>
                                    {(open && can_edit.get())
                                        .then(|| {
                                            let number = number.clone();
                                            view! {
                                                <button
                                                    type="button"
                                                    class="btn btn-small btn-secondary"
                                                    aria-label=move || i18n.tf(Key::ComplaintUpdateNamed, &[("number", &number)])
                                                    on:click=move |_| {
                                                        resolving.set(Some(c2.clone()));
                                                        focus_id("cmp-status");
                                                    }
                                                >
                                                    {move || i18n.t(Key::ComplaintUpdate)}
                                                </button>
                                            }
                                        })}
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            }
                .into_any()
        }}
        {move || resolving.get().map(|c| view! { <ComplaintUpdateForm complaint=c resolving=resolving on_done=on_done /> })}
    }
}

#[component]
fn ComplaintUpdateForm(
    complaint: ComplaintDto,
    resolving: RwSignal<Option<ComplaintDto>>,
    on_done: Callback<String>,
) -> impl IntoView {
    let api = use_api();
    let i18n = use_i18n();
    let status = RwSignal::new(ComplaintStatus::Resolved.as_str().to_string());
    let resolution = RwSignal::new(complaint.resolution.clone().unwrap_or_default());
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let options = Signal::derive(move || {
        ComplaintStatus::ALL
            .iter()
            .map(|s| {
                (
                    s.as_str().to_string(),
                    i18n.t(complaint_status_key(*s)).to_string(),
                )
            })
            .collect::<Vec<_>>()
    });
    let id = complaint.id.clone();
    let number = complaint.number.clone();
    let number2 = number.clone();
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let st = ComplaintStatus::parse(&status.get_untracked());
        let res = format::non_empty(&resolution.get_untracked());
        if matches!(
            st,
            Some(ComplaintStatus::Resolved | ComplaintStatus::Closed)
        ) && res.is_none()
        {
            error.set(Some(local_problem(&[("resolution", "required")])));
            focus_first_invalid();
            return;
        }
        error.set(None);
        busy.set(true);
        let path = format!("/complaints/{}", encode_query_value(&id));
        let body = ComplaintUpdate {
            status: st,
            owner_id: None,
            resolution: res,
        };
        let number = number.clone();
        spawn_local(async move {
            let r = api.patch::<_, ComplaintDto>(&path, &body).await;
            busy.try_set(false);
            match r {
                Ok(_) => {
                    resolving.try_set(None);
                    on_done.run(i18n.tf(Key::ComplaintUpdated, &[("number", &number)]));
                }
                Err(e) => {
                    error.try_set(Some(e));
                    focus_first_invalid();
                }
            }
        });
    };
    view! {
        <form class="form subform" on:submit=on_submit novalidate aria-labelledby="cmp-update-title">
            <h3 id="cmp-update-title">{move || i18n.tf(Key::ComplaintUpdateNamed, &[("number", &number2)])}</h3>
            <ErrorAlert error=error />
            <Select id="cmp-status" label=Key::ColStatus value=status options=options field="status" error=error />
            <Input id="cmp-resolution" label=Key::FieldResolution value=resolution field="resolution" error=error multiline=true />
            <div class="form-actions">
                <button type="submit" class="btn btn-primary" disabled=busy>{tr!(CommonSave)}</button>
                <button type="button" class="btn btn-secondary" on:click=move |_| resolving.set(None)>{tr!(CommonCancel)}</button>
            </div>
        </form>
    }
}

#[component]
fn ComplaintForm(
    customer_id: String,
    account_id: String,
    on_done: Callback<String>,
) -> impl IntoView {
    let api = use_api();
    let i18n = use_i18n();
    let open = RwSignal::new(false);
    let category = RwSignal::new(ComplaintCategory::HighBill.as_str().to_string());
    let description = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let options = Signal::derive(move || {
        ComplaintCategory::ALL
            .iter()
            .map(|c| {
                (
                    c.as_str().to_string(),
                    i18n.t(complaint_category_key(*c)).to_string(),
                )
            })
            .collect::<Vec<_>>()
    });
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let Some(desc) = format::non_empty(&description.get_untracked()) else {
            error.set(Some(local_problem(&[("description", "required")])));
            focus_first_invalid();
            return;
        };
        let Some(cat) = ComplaintCategory::parse(&category.get_untracked()) else {
            error.set(Some(local_problem(&[("category", "required")])));
            return;
        };
        error.set(None);
        busy.set(true);
        let body = ComplaintInput {
            customer_id: customer_id.clone(),
            account_id: Some(account_id.clone()),
            category: cat,
            description: desc,
            owner_id: None,
        };
        spawn_local(async move {
            let r = api.post::<_, ComplaintDto>("/complaints", &body).await;
            busy.try_set(false);
            match r {
                Ok(c) => {
                    description.try_set(String::new());
                    open.try_set(false);
                    on_done.run(i18n.tf(Key::ComplaintOpened, &[("number", &c.number)]));
                    focus_id("acct-complaints");
                }
                Err(e) => {
                    error.try_set(Some(e));
                    focus_first_invalid();
                }
            }
        });
    };
    view! {
        {move || {
            (!open.get())
                .then(|| {
                    view! {
                        <button
                            type="button"
                            class="btn btn-secondary"
                            id="complaint-open"
                            on:click=move |_| {
                                open.set(true);
                                focus_id("cmp-category");
                            }
                        >
                            {tr!(ComplaintOpen)}
                        </button>
                    }
                })
        }}
        <Show when=move || open.get()>
            <form class="form subform" on:submit=on_submit.clone() novalidate aria-labelledby="cmp-form-title">
                <h3 id="cmp-form-title">{tr!(ComplaintOpenTitle)}</h3>
                <ErrorAlert error=error />
                <Select id="cmp-category" label=Key::FieldCategory value=category options=options field="category" error=error />
                <Input id="cmp-description" label=Key::FieldDescription value=description field="description" error=error multiline=true required=true />
                <div class="form-actions">
                    <button type="submit" class="btn btn-primary" disabled=busy>{tr!(ComplaintOpen)}</button>
                    <button type="button" class="btn btn-secondary" on:click=move |_| open.set(false)>{tr!(CommonCancel)}</button>
                </div>
            </form>
        </Show>
    }
}

/// Contacts (calls, e-mails, visits, letters) as a table.
pub fn contact_table(i18n: I18n, list: Vec<ContactDto>) -> AnyView {
    if list.is_empty() {
        return view! { <p class="empty">{move || i18n.t(Key::OverviewNoContacts)}</p> }.into_any();
    }
    view! {
        <div class="table-wrap">
            <table class="table contact-table">
                <thead>
                    <tr>
                        <th scope="col">{move || i18n.t(Key::ColAt)}</th>
                        <th scope="col">{move || i18n.t(Key::ColChannel)}</th>
                        <th scope="col">{move || i18n.t(Key::ColSubject)}</th>
                        <th scope="col">{move || i18n.t(Key::ColStaff)}</th>
                    </tr>
                </thead>
                <tbody>
                    {list
                        .into_iter()
                        .map(|c| {
                            let ch = c.channel;
                            let dir = c.direction;
                            view! {
                                <tr>
                                    <td class="nowrap">{format::timestamp(c.at)}</td>
                                    <td>{move || format!("{} ({})", i18n.t(contact_channel_key(ch)), i18n.t(contact_direction_key(dir)))}</td>
                                    <th scope="row">
                                        {c.subject.clone()}
                                        {c.body.clone().map(|b| view! { <span class="muted small pre contact-body">{b}</span> })}
                                    </th>
                                    <td>{c.staff_name.clone().unwrap_or_default()}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

/// Log a call, e-mail, visit or letter with the customer (on this account, if given).
#[component]
pub fn ContactForm(
    customer_id: String,
    account_id: Option<String>,
    on_done: Callback<String>,
) -> impl IntoView {
    let api = use_api();
    let i18n = use_i18n();
    let open = RwSignal::new(false);
    let channel = RwSignal::new(ContactChannel::Phone.as_str().to_string());
    let direction = RwSignal::new(ContactDirection::Inbound.as_str().to_string());
    let subject = RwSignal::new(String::new());
    let body = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let channels = Signal::derive(move || {
        ContactChannel::ALL
            .iter()
            .map(|c| {
                (
                    c.as_str().to_string(),
                    i18n.t(contact_channel_key(*c)).to_string(),
                )
            })
            .collect::<Vec<_>>()
    });
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let Some(subj) = format::non_empty(&subject.get_untracked()) else {
            error.set(Some(local_problem(&[("subject", "required")])));
            focus_first_invalid();
            return;
        };
        let (Some(ch), Some(dir)) = (
            ContactChannel::parse(&channel.get_untracked()),
            ContactDirection::parse(&direction.get_untracked()),
        ) else {
            return;
        };
        error.set(None);
        busy.set(true);
        let path = format!("/customers/{}/contacts", encode_query_value(&customer_id));
        let req = ContactInput {
            account_id: account_id.clone(),
            channel: ch,
            direction: dir,
            subject: subj,
            body: format::non_empty(&body.get_untracked()),
        };
        spawn_local(async move {
            let r = api.post::<_, Vec<ContactDto>>(&path, &req).await;
            busy.try_set(false);
            match r {
                Ok(_) => {
                    subject.try_set(String::new());
                    body.try_set(String::new());
                    open.try_set(false);
                    on_done.run(i18n.t(Key::ContactLogged).to_string());
                    focus_id("acct-contacts");
                }
                Err(e) => {
                    error.try_set(Some(e));
                    focus_first_invalid();
                }
            }
        });
    };
    view! {
        {move || {
            (!open.get())
                .then(|| {
                    view! {
                        <button
                            type="button"
                            class="btn btn-secondary"
                            id="contact-open"
                            on:click=move |_| {
                                open.set(true);
                                focus_id("contact-channel");
                            }
                        >
                            {tr!(ContactLog)}
                        </button>
                    }
                })
        }}
        <Show when=move || open.get()>
            <form class="form subform" on:submit=on_submit.clone() novalidate aria-labelledby="contact-form-title">
                <h3 id="contact-form-title">{tr!(ContactLogTitle)}</h3>
                <ErrorAlert error=error />
                <div class="form-grid">
                    <Select id="contact-channel" label=Key::ColChannel value=channel options=channels field="channel" error=error />
                    <crate::components::Radios
                        name="contact-direction"
                        legend=Key::FieldDirection
                        value=direction
                        options=vec![("inbound", Key::ContactDirectionInbound), ("outbound", Key::ContactDirectionOutbound)]
                        inline=true
                    />
                </div>
                <Input id="contact-subject" label=Key::FieldSubject value=subject field="subject" error=error required=true />
                <Input id="contact-body" label=Key::FieldContactBody value=body field="body" error=error multiline=true />
                <div class="form-actions">
                    <button type="submit" class="btn btn-primary" disabled=busy>{tr!(ContactLog)}</button>
                    <button type="button" class="btn btn-secondary" on:click=move |_| open.set(false)>{tr!(CommonCancel)}</button>
                </div>
            </form>
        </Show>
    }
}
