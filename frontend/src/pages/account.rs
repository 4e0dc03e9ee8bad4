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
use cistern_shared::FieldCode;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::{encode_query_value, use_api, use_auth};
use crate::app::can_edit_records;
use crate::components::{
    col, focus_id, num_col, Badge, Check, Disclosure, ErrorAlert, Fact, Facts, Input, Loaded,
    Select, SheetButton, StatusBadge, StatusMessage, Submit, SubmitButton, Table,
};
use crate::format;
use crate::i18n::{
    complaint_category_key, complaint_status_key, contact_channel_key, contact_direction_key,
    locale_key, occupant_text_key, order_type_key, priority_key, register_key, service_status_key,
    service_type_key, use_i18n, I18n, Key,
};
use crate::tr;

/// `/staff/accounts/:id`.
#[component]
pub fn StaffAccountPage() -> impl IntoView {
    let api = use_api();
    let loaded = Loaded::<AccountOverviewDto>::from_route_id(move |id| async move {
        api.account_overview(&id).await
    });
    view! {
        <p class="back"><A href="/staff/accounts">"← " {tr!(AccountBack)}</A></p>
        {loaded.view(move || view! { <Overview loaded=loaded /> }.into_any())}
    }
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
    // Fields read inside reactive closures; `get` clones the whole overview, so read parts.
    let with = move |f: &dyn Fn(&AccountOverviewDto) -> String| loaded.text(f);
    let opt = move |f: &dyn Fn(&AccountOverviewDto) -> Option<String>| loaded.or_not_set(i18n, f);
    let flag = move |f: &dyn Fn(&AccountOverviewDto) -> bool| loaded.yes_no(i18n, f);
    let account_id = loaded.untracked(|o| o.account.id.clone());
    let customer_id = loaded.untracked(|o| o.account.customer.id.clone());
    let premise_id = loaded.untracked(|o| o.account.premise.id.clone());
    let status = Memo::new(move |_| loaded.read(|o| o.status).unwrap_or(AccountStatus::Closed));
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
                <Facts>
                    <Fact label=Key::AccountCustomerName id="customer-name">
                        <A href=customer_href>{move || with(&|o| o.account.customer.name.clone())}</A>
                    </Fact>
                    <Fact label=Key::AccountCustomerType>
                        {move || {
                            if loaded.read(|o| o.account.customer.is_organisation).unwrap_or(false) {
                                i18n.t(Key::AccountOrganisation)
                            } else {
                                i18n.t(Key::AccountPerson)
                            }
                        }}
                    </Fact>
                    <Fact label=Key::AccountMailingAddress class="pre">{move || with(&|o| o.account.customer.mailing_address.clone())}</Fact>
                    <Fact label=Key::AccountPhone>{move || opt(&|o| o.account.customer.phone.clone())}</Fact>
                    <Fact label=Key::AccountEmail>{move || opt(&|o| o.account.customer.email.clone())}</Fact>
                    <Fact label=Key::AccountPreferredLanguage>
                        {move || loaded.read(|o| i18n.t(locale_key(o.account.customer.preferred_locale))).unwrap_or_default()}
                    </Fact>
                </Facts>
            </section>
            <section class="card" aria-labelledby="acct-premise">
                <h2 id="acct-premise">{tr!(AccountPremise)}</h2>
                <Facts>
                    <Fact label=Key::AccountServiceAddress id="premise-address">
                        <A href=premise_href>{move || with(&|o| o.account.premise.service_address.clone())}</A>
                    </Fact>
                    <Fact label=Key::AccountParcel>{move || opt(&|o| o.account.premise.parcel.clone())}</Fact>
                    <Fact label=Key::AccountInsideCity>{move || flag(&|o| o.account.premise.inside_city)}</Fact>
                    <Fact label=Key::AccountCycle>
                        {move || {
                            with(&|o| {
                                format!(
                                    "{} — {} ({})",
                                    o.account.cycle.code,
                                    o.account.cycle.name,
                                    crate::pages::dashboard::frequency(i18n, o.account.cycle.months_per_bill),
                                )
                            })
                        }}
                    </Fact>
                </Facts>
            </section>
            <section class="card" aria-labelledby="acct-details">
                <h2 id="acct-details">{tr!(AccountDetails)}</h2>
                <Facts>
                    <Fact label=Key::ColNumber id="account-number">{move || number.get()}</Fact>
                    <Fact label=Key::ColStatus id="account-status">{move || view! { <StatusBadge status=status.get() /> }}</Fact>
                    <Fact label=Key::AccountOccupant>
                        {move || {
                            let occ = with(&|o| o.account.occupant.clone());
                            occupant_text_key(&occ).map(|k| i18n.t(k).to_string()).unwrap_or(occ)
                        }}
                    </Fact>
                    <Fact label=Key::AccountOpenedOn>{move || with(&|o| format::date(o.account.opened_on))}</Fact>
                    <Fact label=Key::AccountClosedOn>{move || opt(&|o| o.account.closed_on.map(format::date))}</Fact>
                    <Fact label=Key::AccountDepositRequired id="account-deposit">{move || with(&|o| format::money(o.account.deposit_required))}</Fact>
                    <Fact label=Key::OverviewPaperless>{move || flag(&|o| o.paperless)}</Fact>
                    <Fact label=Key::OverviewAutopay>{move || flag(&|o| o.autopay)}</Fact>
                    <Fact label=Key::OverviewOwnerCopy>
                        {move || {
                            loaded
                                .read(|o| o.owner_copy_to.clone())
                                .flatten()
                                .unwrap_or_else(|| i18n.t(Key::CommonNo).to_string())
                        }}
                    </Fact>
                    <Fact label=Key::OverviewFinalRead>{move || opt(&|o| o.final_read_on.map(format::date))}</Fact>
                    <Fact label=Key::OverviewClosingBill>
                        {move || {
                            if loaded.read(|o| o.closing_bill_pending).unwrap_or(false) {
                                i18n.t(Key::OverviewClosingBillPending)
                            } else {
                                i18n.t(Key::CommonNo)
                            }
                        }}
                    </Fact>
                </Facts>
            </section>
        </div>

        <div class="grid-2">
            <section class="card" aria-labelledby="acct-meters" id="meters">
                <h2 id="acct-meters">{tr!(OverviewMeters)}</h2>
                {move || {
                    let meters = loaded.read(|o| o.meters.clone()).unwrap_or_default();
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
                services=Signal::derive(move || loaded.read(|o| o.services.clone()).unwrap_or_default())
                can_edit=can_edit
                on_done=reload
            />
        </section>

        <section class="card" aria-labelledby="acct-orders" id="open-orders">
            <h2 id="acct-orders">{tr!(OverviewOpenOrders)}</h2>
            {move || {
                let orders = loaded.read(|o| o.open_orders.clone()).unwrap_or_default();
                order_table(i18n, orders)
            }}
        </section>

        <div class="grid-2">
            <section class="card" aria-labelledby="acct-notes" id="notes">
                <h2 id="acct-notes" tabindex="-1">{tr!(OverviewNotes)}</h2>
                {move || {
                    let notes = loaded.read(|o| o.notes.clone()).unwrap_or_default();
                    note_list(i18n, notes)
                }}
                {move || can_edit.get().then(|| view! { <NoteForm account_id=aid.clone() on_done=reload /> })}
            </section>
            <section class="card" aria-labelledby="acct-complaints" id="complaints">
                <h2 id="acct-complaints" tabindex="-1">{tr!(OverviewComplaints)}</h2>
                <ComplaintList
                    complaints=Signal::derive(move || loaded.read(|o| o.complaints.clone()).unwrap_or_default())
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
                let list = loaded.read(|o| o.contacts.clone()).unwrap_or_default();
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
                            <Table columns=vec![col(Key::ColDate), col(Key::ColRegister), num_col(Key::ColReading), col(Key::ColKind)] bare=true class="compact" caption=Key::OverviewLastReads>
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
                            </Table>
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
        <Table columns=vec![col(Key::ColOrder), col(Key::ColType), col(Key::ColDue), col(Key::ColPriority), col(Key::ColAssignee), col(Key::ColMeter), col(Key::ColActions)] class="order-table">
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
        </Table>
    }
    .into_any()
}

/// "Print meter set sheet" for meter sets, "Print work order" for everything else.
pub fn sheet_label(t: cistern_shared::orders::OrderType) -> Key {
    if t == cistern_shared::orders::OrderType::MeterSet {
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
    let submit = Submit::new();
    let error = submit.error;
    let t = service.service_type;
    let sid = service.id.clone();
    let title = if to == ServiceStatus::SeasonalOff {
        Key::ServiceSeasonalOffTitle
    } else {
        Key::ServiceTurnBackOnTitle
    };
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if submit.is_busy() {
            return;
        }
        let date = format::parse_date(&effective.get_untracked());
        let why = format::non_empty(&reason.get_untracked());
        let mut bad = Vec::new();
        if date.is_none() {
            bad.push(("effective_on", FieldCode::Date));
        }
        if why.is_none() {
            bad.push(("reason", FieldCode::Required));
        }
        let (Some(date), Some(why), true) = (date, why, bad.is_empty()) else {
            submit.invalid(&bad);
            return;
        };
        let sid = sid.clone();
        let body = ServiceStatusChange {
            status: to,
            effective_on: date,
            reason: why,
        };
        submit.send(
            async move { api.change_service_status(&sid, &body).await },
            move |s| {
                changing.try_set(None);
                on_done.run(i18n.tf(
                    Key::ServiceStatusChanged,
                    &[
                        ("service", i18n.t(service_type_key(s.service_type))),
                        ("status", i18n.t(service_status_key(s.status))),
                    ],
                ));
            },
        );
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
                <SubmitButton submit=submit label=Key::CommonSave />
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
    let submit = Submit::new();
    let error = submit.error;
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if submit.is_busy() {
            return;
        }
        let Some(text) = format::non_empty(&body.get_untracked()) else {
            submit.invalid(&[("body", FieldCode::Required)]);
            return;
        };
        let id = account_id.clone();
        let req = NoteInput {
            body: text,
            pinned: pinned.get_untracked(),
        };
        submit.send(async move { api.add_note(&id, &req).await }, move |_| {
            body.try_set(String::new());
            pinned.try_set(false);
            on_done.run(i18n.t(Key::NotesAdded).to_string());
        });
    };
    view! {
        <form class="form subform" on:submit=on_submit novalidate aria-labelledby="note-form-title">
            <h3 id="note-form-title">{tr!(NotesAddTitle)}</h3>
            <ErrorAlert error=error />
            <Input id="note-body" label=Key::FieldNoteBody value=body field="body" error=error multiline=true required=true />
            <Check id="note-pinned" label=Key::NotesPin checked=pinned />
            <div class="form-actions">
                <SubmitButton submit=submit label=Key::NotesAdd id="note-submit" />
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
    let submit = Submit::new();
    let error = submit.error;
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
        if submit.is_busy() {
            return;
        }
        let st = ComplaintStatus::parse(&status.get_untracked());
        let res = format::non_empty(&resolution.get_untracked());
        if matches!(
            st,
            Some(ComplaintStatus::Resolved | ComplaintStatus::Closed)
        ) && res.is_none()
        {
            submit.invalid(&[("resolution", FieldCode::Required)]);
            return;
        }
        let id = id.clone();
        let body = ComplaintUpdate {
            status: st,
            owner_id: None,
            resolution: res,
        };
        let number = number.clone();
        submit.send(
            async move { api.update_complaint(&id, &body).await },
            move |_| {
                resolving.try_set(None);
                on_done.run(i18n.tf(Key::ComplaintUpdated, &[("number", &number)]));
            },
        );
    };
    view! {
        <form class="form subform" on:submit=on_submit novalidate aria-labelledby="cmp-update-title">
            <h3 id="cmp-update-title">{move || i18n.tf(Key::ComplaintUpdateNamed, &[("number", &number2)])}</h3>
            <ErrorAlert error=error />
            <Select id="cmp-status" label=Key::ColStatus value=status options=options field="status" error=error />
            <Input id="cmp-resolution" label=Key::FieldResolution value=resolution field="resolution" error=error multiline=true />
            <div class="form-actions">
                <SubmitButton submit=submit label=Key::CommonSave />
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
    let submit = Submit::new();
    let error = submit.error;
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
        if submit.is_busy() {
            return;
        }
        let Some(desc) = format::non_empty(&description.get_untracked()) else {
            submit.invalid(&[("description", FieldCode::Required)]);
            return;
        };
        let Some(cat) = ComplaintCategory::parse(&category.get_untracked()) else {
            submit.invalid(&[("category", FieldCode::Required)]);
            return;
        };
        let body = ComplaintInput {
            customer_id: customer_id.clone(),
            account_id: Some(account_id.clone()),
            category: cat,
            description: desc,
            owner_id: None,
        };
        submit.send(async move { api.open_complaint(&body).await }, move |c| {
            description.try_set(String::new());
            open.try_set(false);
            on_done.run(i18n.tf(Key::ComplaintOpened, &[("number", &c.number)]));
            focus_id("acct-complaints");
        });
    };
    view! {
        <Disclosure open=open label=Key::ComplaintOpen id="complaint-open" focus="cmp-category">
            <form class="form subform" on:submit=on_submit.clone() novalidate aria-labelledby="cmp-form-title">
                <h3 id="cmp-form-title">{tr!(ComplaintOpenTitle)}</h3>
                <ErrorAlert error=error />
                <Select id="cmp-category" label=Key::FieldCategory value=category options=options field="category" error=error />
                <Input id="cmp-description" label=Key::FieldDescription value=description field="description" error=error multiline=true required=true />
                <div class="form-actions">
                    <SubmitButton submit=submit label=Key::ComplaintOpen />
                    <button type="button" class="btn btn-secondary" on:click=move |_| open.set(false)>{tr!(CommonCancel)}</button>
                </div>
            </form>
        </Disclosure>
    }
}

/// Contacts (calls, e-mails, visits, letters) as a table.
pub fn contact_table(i18n: I18n, list: Vec<ContactDto>) -> AnyView {
    if list.is_empty() {
        return view! { <p class="empty">{move || i18n.t(Key::OverviewNoContacts)}</p> }.into_any();
    }
    view! {
        <Table columns=vec![col(Key::ColAt), col(Key::ColChannel), col(Key::ColSubject), col(Key::ColStaff)] class="contact-table">
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
        </Table>
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
    let submit = Submit::new();
    let error = submit.error;
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
        if submit.is_busy() {
            return;
        }
        let Some(subj) = format::non_empty(&subject.get_untracked()) else {
            submit.invalid(&[("subject", FieldCode::Required)]);
            return;
        };
        let (Some(ch), Some(dir)) = (
            ContactChannel::parse(&channel.get_untracked()),
            ContactDirection::parse(&direction.get_untracked()),
        ) else {
            return;
        };
        let cid = customer_id.clone();
        let req = ContactInput {
            account_id: account_id.clone(),
            channel: ch,
            direction: dir,
            subject: subj,
            body: format::non_empty(&body.get_untracked()),
        };
        submit.send(
            async move { api.log_contact(&cid, &req).await },
            move |_| {
                subject.try_set(String::new());
                body.try_set(String::new());
                open.try_set(false);
                on_done.run(i18n.t(Key::ContactLogged).to_string());
                focus_id("acct-contacts");
            },
        );
    };
    view! {
        <Disclosure open=open label=Key::ContactLog id="contact-open" focus="contact-channel">
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
                    <SubmitButton submit=submit label=Key::ContactLog />
                    <button type="button" class="btn btn-secondary" on:click=move |_| open.set(false)>{tr!(CommonCancel)}</button>
                </div>
            </form>
        </Disclosure>
    }
}
