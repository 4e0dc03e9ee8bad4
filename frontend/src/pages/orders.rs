//! Service orders: the board (`/staff/orders`: grouped by status and assignee, filters,
//! assign / cancel / complete, and the create form with the duplicate warning) and the field
//! user's phone-friendly list (`/staff/my-orders`) with its completion form.

use cistern_shared::dto::AccountDto;
use cistern_shared::meters::MeterDto;
use cistern_shared::orders::{
    AssignServiceOrder, CancelServiceOrder, CompleteServiceOrder, CreateServiceOrder, OrderStatus,
    OrderType, Priority, ServiceOrderDto,
};
use cistern_shared::premises::PremiseDetailDto;
use cistern_shared::query::OrderFilter;
use cistern_shared::FieldCode;
use cistern_shared::{ErrorCode, Role};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::api::{encode_query_value, query_string, use_api, use_auth, ApiError};
use crate::app::{can_assign, can_complete, can_edit_records, Forbidden};
use crate::components::{
    col, focus_id, loaded_or, local_problem, Badge, Disclosure, ErrorAlert, Input, Select,
    SheetButton, StatusMessage, Submit, SubmitButton, Table,
};
use crate::format;
use crate::i18n::{order_status_key, order_type_key, priority_key, use_i18n, I18n, Key};
use crate::pages::account::sheet_label;
use crate::pickers::{assignee_value, meter_line, AccountFinder, AssigneePicker, StockMeterPicker};
use crate::tr;

/// Order types that leave a reading behind (the server's rule: all but leak checks and locates).
pub fn needs_reading(t: OrderType) -> bool {
    !matches!(t, OrderType::LeakCheck | OrderType::Locate)
}

/// Order types that take a meter from stock.
fn takes_new_meter(t: OrderType) -> bool {
    matches!(t, OrderType::MeterSet | OrderType::MeterChange)
}

fn type_options(i18n: I18n, with_all: bool) -> Vec<(String, String)> {
    let mut v = Vec::new();
    if with_all {
        v.push((String::new(), i18n.t(Key::OrdersAllTypes).to_string()));
    }
    v.extend(OrderType::ALL.iter().map(|t| {
        (
            t.as_str().to_string(),
            i18n.t(order_type_key(*t)).to_string(),
        )
    }));
    v
}

fn priority_options(i18n: I18n) -> Vec<(String, String)> {
    Priority::ALL
        .iter()
        .map(|p| (p.as_str().to_string(), i18n.t(priority_key(*p)).to_string()))
        .collect()
}

/// Whose name to show for an order's assignee.
fn assignee_name(i18n: I18n, o: &ServiceOrderDto) -> String {
    match (&o.assigned_name, &o.assigned_to) {
        (Some(n), _) => n.clone(),
        (None, Some(id)) => id.clone(),
        (None, None) => i18n.t(Key::OrdersUnassigned).to_string(),
    }
}

fn priority_badge(p: Priority) -> impl IntoView {
    view! { <Badge tone=format!("badge-prio-{}", p.as_str()) label=priority_key(p) /> }
}

// ---------------------------------------------------------------- the board

#[component]
pub fn OrdersPage() -> impl IntoView {
    let auth = use_auth();
    let role = Memo::new(move |_| auth.role());
    move || match role.get() {
        Some(Role::Field) => view! {
            <Forbidden title=Key::OrdersTitle />
            <p><A href="/staff/my-orders">{tr!(NavMyOrders)}</A></p>
        }
        .into_any(),
        _ => view! { <OrderBoard /> }.into_any(),
    }
}

/// What is being done to one order on the board.
#[derive(Debug, Clone, PartialEq)]
enum Action {
    Assign(ServiceOrderDto),
    Cancel(ServiceOrderDto),
    Complete(ServiceOrderDto),
}

#[component]
fn OrderBoard() -> impl IntoView {
    let api = use_api();
    let auth = use_auth();
    let i18n = use_i18n();
    let query = use_query_map();
    let navigate = use_navigate();
    let role = Memo::new(move |_| auth.role());
    let status_q =
        Memo::new(move |_| query.with(|q| q.get("status").unwrap_or_else(|| "open".into())));
    let type_q = Memo::new(move |_| query.with(|q| q.get("type").unwrap_or_default()));
    let who_q = Memo::new(move |_| query.with(|q| q.get("assignee").unwrap_or_default()));
    let status_in = RwSignal::new(status_q.get_untracked());
    let type_in = RwSignal::new(type_q.get_untracked());
    let who_in = RwSignal::new(who_q.get_untracked());
    let data = LocalResource::new(move || {
        // `all`, or a status the client does not know, lists every status.
        let filter = OrderFilter {
            status: OrderStatus::parse(&status_q.get()),
            order_type: OrderType::parse(&type_q.get()),
            ..Default::default()
        };
        async move { api.service_orders(&filter).await }
    });
    let message = RwSignal::new(None::<String>);
    let action = RwSignal::new(None::<Action>);
    // Everyone assigned to an order in the list: the choices of the assignee filter and picker.
    let known = Memo::new(move |_| {
        let mut v: Vec<(String, String)> = match data.get() {
            Some(Ok(list)) => list
                .iter()
                .filter_map(|o| {
                    o.assigned_to
                        .clone()
                        .map(|id| (id.clone(), o.assigned_name.clone().unwrap_or(id)))
                })
                .collect(),
            _ => Vec::new(),
        };
        v.sort();
        v.dedup();
        v
    });
    let done = Callback::new(move |msg: String| {
        action.set(None);
        message.set(Some(msg));
        data.refetch();
        focus_id("orders-title");
    });
    let apply = move |ev: SubmitEvent| {
        ev.prevent_default();
        navigate(
            &format!(
                "/staff/orders{}",
                query_string(&[
                    ("status", status_in.get_untracked()),
                    ("type", type_in.get_untracked()),
                    ("assignee", who_in.get_untracked()),
                ])
            ),
            Default::default(),
        );
    };
    let status_options = Signal::derive(move || {
        let mut v: Vec<(String, String)> = OrderStatus::ALL
            .iter()
            .map(|s| {
                (
                    s.as_str().to_string(),
                    i18n.t(order_status_key(*s)).to_string(),
                )
            })
            .collect();
        v.push(("all".into(), i18n.t(Key::OrdersAllStatuses).to_string()));
        v
    });
    let who_options = Signal::derive(move || {
        let mut v = vec![
            (String::new(), i18n.t(Key::OrdersEveryone).to_string()),
            (
                "none".to_string(),
                i18n.t(Key::OrdersUnassigned).to_string(),
            ),
        ];
        v.extend(known.get());
        v
    });
    let types = Signal::derive(move || type_options(i18n, true));
    view! {
        <div class="page-head">
            <h1 id="orders-title" tabindex="-1">{tr!(OrdersTitle)}</h1>
            <p class="muted">{tr!(OrdersIntro)}</p>
        </div>
        <StatusMessage message=message />
        <form class="filters" on:submit=apply aria-label=move || i18n.t(Key::OrdersFilters)>
            <Select id="filter-status" label=Key::ColStatus value=status_in options=status_options />
            <Select id="filter-type" label=Key::ColType value=type_in options=types />
            <Select id="filter-assignee" label=Key::ColAssignee value=who_in options=who_options />
            <div class="form-actions">
                <button type="submit" class="btn btn-primary">{tr!(AuditApply)}</button>
            </div>
        </form>
        {move || {
            action
                .get()
                .map(|a| {
                    view! { <ActionPanel action=a close=action known=known done=done /> }
                })
        }}
        {move || loaded_or(data.get(), |list| {
                let who = who_q.get();
                let list: Vec<ServiceOrderDto> = list
                    .into_iter()
                    .filter(|o| match who.as_str() {
                        "" => true,
                        "none" => o.assigned_to.is_none(),
                        id => o.assigned_to.as_deref() == Some(id),
                    })
                    .collect();
                if list.is_empty() {
                    return view! { <p class="empty" id="orders-empty">{tr!(OrdersNone)}</p> }.into_any();
                }
                view! { <Groups list=list role=role.get() action=action /> }.into_any()
        })}
        {move || {
            can_edit_records(role.get())
                .then(|| {
                    view! {
                        <CreateOrderForm
                            known=known
                            on_created=Callback::new(move |o: ServiceOrderDto| {
                                message.set(Some(i18n.tf(Key::OrdersCreated, &[("number", &o.number)])));
                                data.refetch();
                            })
                        />
                    }
                })
        }}
    }
}

/// The orders grouped by status, then by assignee (unassigned first), one table per group.
#[component]
fn Groups(
    list: Vec<ServiceOrderDto>,
    role: Option<Role>,
    action: RwSignal<Option<Action>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let mut groups: Vec<(OrderStatus, Option<String>, String, Vec<ServiceOrderDto>)> = Vec::new();
    for status in OrderStatus::ALL {
        let mut in_status: Vec<ServiceOrderDto> = list
            .iter()
            .filter(|o| o.status == *status)
            .cloned()
            .collect();
        // Unassigned first, then by name.
        in_status.sort_by(|a, b| {
            (
                a.assigned_to.is_some(),
                assignee_name(i18n, a),
                a.due_on,
                &a.number,
            )
                .cmp(&(
                    b.assigned_to.is_some(),
                    assignee_name(i18n, b),
                    b.due_on,
                    &b.number,
                ))
        });
        for o in in_status {
            let key = o.assigned_to.clone();
            match groups.last_mut() {
                Some(g) if g.0 == *status && g.1 == key => g.3.push(o),
                _ => {
                    let name = assignee_name(i18n, &o);
                    groups.push((*status, key, name, vec![o]));
                }
            }
        }
    }
    groups
        .into_iter()
        .enumerate()
        .map(|(i, (status, who, name, orders))| {
            let title_id = format!("group-{i}");
            let labelled = title_id.clone();
            let count = orders.len();
            let group_class = format!("board-group board-{}", status.as_str());
            let data_who = who.clone().unwrap_or_else(|| "none".into());
            view! {
                <section class=group_class aria-labelledby=labelled data-assignee=data_who>
                    <h2 id=title_id>
                        {move || i18n.t(order_status_key(status))}
                        " · "
                        {name}
                        " "
                        <span class="muted">{format!("({count})")}</span>
                    </h2>
                    <Table columns=vec![col(Key::ColOrder), col(Key::ColType), col(Key::ColAddress), col(Key::ColAccount), col(Key::ColDue), col(Key::ColPriority), col(Key::ColActions)] class="board-table">
                                {orders.into_iter().map(|o| view! { <BoardRow o=o role=role action=action /> }).collect_view()}
                    </Table>
                </section>
            }
        })
        .collect_view()
}

#[component]
fn BoardRow(
    o: ServiceOrderDto,
    role: Option<Role>,
    action: RwSignal<Option<Action>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let t = o.order_type;
    let open = o.status == OrderStatus::Open;
    let account = o.account_id.clone().map(|id| {
        (
            format!("/staff/accounts/{}", encode_query_value(&id)),
            o.account_number.clone().unwrap_or(id),
        )
    });
    let premise_href = format!("/staff/premises/{}", encode_query_value(&o.premise_id));
    let number = o.number.clone();
    let (o1, o2, o3) = (o.clone(), o.clone(), o.clone());
    let (n1, n2, n3) = (number.clone(), number.clone(), number.clone());
    let button = move |label: Key, named: Key, n: String, act: Action, focus: &'static str| {
        view! {
            <button
                type="button"
                class="btn btn-small btn-secondary"
                aria-label=move || i18n.tf(named, &[("number", &n)])
                on:click=move |_| {
                    action.set(Some(act.clone()));
                    focus_id(focus);
                }
            >
                {move || i18n.t(label)}
            </button>
        }
    };
    view! {
        <tr data-order=o.id.clone()>
            <th scope="row" class="order-number">{o.number.clone()}</th>
            <td>{move || i18n.t(order_type_key(t))}</td>
            <td><A href=premise_href>{o.service_address.clone()}</A></td>
            <td>
                {account.map(|(href, n)| view! { <A href=href>{n}</A> })}
                {o.customer_name.clone().map(|c| view! { <span class="muted small block">{c}</span> })}
            </td>
            <td class="nowrap">{format::date(o.due_on)}</td>
            <td>{priority_badge(o.priority)}</td>
            <td class="actions">
                <SheetButton order_id=o.id.clone() number=o.number.clone() label=sheet_label(t) />
                {(open && can_assign(role))
                    .then(|| button(Key::OrdersAssign, Key::OrdersAssignNamed, n1, Action::Assign(o1), "assign-to"))}
                {(open && can_complete(role))
                    .then(|| button(Key::OrdersComplete, Key::OrdersCompleteNamed, n2, Action::Complete(o2), "complete-reading"))}
                {(open && can_edit_records(role))
                    .then(|| button(Key::OrdersCancel, Key::OrdersCancelNamed, n3, Action::Cancel(o3), "cancel-reason"))}
            </td>
        </tr>
    }
}

#[component]
fn ActionPanel(
    action: Action,
    close: RwSignal<Option<Action>>,
    #[prop(into)] known: Signal<Vec<(String, String)>>,
    done: Callback<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let cancel = Callback::new(move |_: ()| close.set(None));
    match action {
        Action::Assign(o) => {
            view! { <AssignForm o=o known=known done=done cancel=cancel /> }.into_any()
        }
        Action::Cancel(o) => view! { <CancelForm o=o done=done cancel=cancel /> }.into_any(),
        Action::Complete(o) => {
            let number = o.number.clone();
            view! {
                <section class="card action-panel" aria-labelledby="complete-title">
                    <h2 id="complete-title">{move || i18n.tf(Key::OrdersCompleteNamed, &[("number", &number)])}</h2>
                    <CompleteForm
                        o=o
                        prefix="complete"
                        on_done=Callback::new(move |o: ServiceOrderDto| {
                            done.run(i18n.tf(Key::OrdersCompleted, &[("number", &o.number)]))
                        })
                        on_cancel=cancel
                    />
                </section>
            }
                .into_any()
        }
    }
}

#[component]
fn AssignForm(
    o: ServiceOrderDto,
    #[prop(into)] known: Signal<Vec<(String, String)>>,
    done: Callback<String>,
    cancel: Callback<()>,
) -> impl IntoView {
    let api = use_api();
    let i18n = use_i18n();
    let choice = RwSignal::new(o.assigned_to.clone().unwrap_or_default());
    let other = RwSignal::new(String::new());
    let due = RwSignal::new(format::date(o.due_on));
    let priority = RwSignal::new(o.priority.as_str().to_string());
    let submit = Submit::new();
    let error = submit.error;
    let number = o.number.clone();
    let number2 = o.number.clone();
    let id = o.id.clone();
    // The order's current assignee is a choice even when nobody else on the page has them.
    let known = Signal::derive(move || {
        let mut k = known.get();
        if let (Some(a), Some(n)) = (&o.assigned_to, &o.assigned_name) {
            k.push((a.clone(), n.clone()));
        }
        k
    });
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if submit.is_busy() {
            return;
        }
        let Some(due_on) = format::parse_date(&due.get_untracked()) else {
            submit.invalid(&[("due_on", FieldCode::Date)]);
            return;
        };
        let body = AssignServiceOrder {
            assigned_to: assignee_value(&choice.get_untracked(), &other.get_untracked()),
            due_on: Some(due_on),
            priority: Priority::parse(&priority.get_untracked()),
        };
        let id = id.clone();
        let number = number.clone();
        submit.send(
            async move { api.assign_service_order(&id, &body).await },
            move |o| {
                done.run(i18n.tf(
                    Key::OrdersAssigned,
                    &[("number", &number), ("name", &assignee_name(i18n, &o))],
                ))
            },
        );
    };
    let priorities = Signal::derive(move || priority_options(i18n));
    view! {
        <section class="card action-panel" aria-labelledby="assign-title">
            <h2 id="assign-title">{move || i18n.tf(Key::OrdersAssignNamed, &[("number", &number2)])}</h2>
            <ErrorAlert error=error id="assign-error" />
            <form class="form form-grid" on:submit=on_submit novalidate>
                <AssigneePicker id="assign-to" choice=choice other=other known=known error=error />
                <Input id="assign-due" label=Key::FieldDueOn value=due input_type="date" field="due_on" error=error />
                <Select id="assign-priority" label=Key::FieldPriority value=priority options=priorities field="priority" error=error />
                <div class="form-actions">
                    <SubmitButton submit=submit label=Key::OrdersAssign id="assign-submit" />
                    <button type="button" class="btn btn-secondary" on:click=move |_| cancel.run(())>{tr!(CommonCancel)}</button>
                </div>
            </form>
        </section>
    }
}

#[component]
fn CancelForm(o: ServiceOrderDto, done: Callback<String>, cancel: Callback<()>) -> impl IntoView {
    let api = use_api();
    let i18n = use_i18n();
    let reason = RwSignal::new(String::new());
    let submit = Submit::new();
    let error = submit.error;
    let number = o.number.clone();
    let number2 = o.number.clone();
    let id = o.id.clone();
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if submit.is_busy() {
            return;
        }
        let Some(why) = format::non_empty(&reason.get_untracked()) else {
            submit.invalid(&[("reason", FieldCode::Required)]);
            return;
        };
        let id = id.clone();
        let number = number.clone();
        let body = CancelServiceOrder { reason: why };
        submit.send(
            async move { api.cancel_service_order(&id, &body).await },
            move |_| done.run(i18n.tf(Key::OrdersCancelled, &[("number", &number)])),
        );
    };
    view! {
        <section class="card action-panel" aria-labelledby="cancel-title">
            <h2 id="cancel-title">{move || i18n.tf(Key::OrdersCancelNamed, &[("number", &number2)])}</h2>
            <ErrorAlert error=error />
            <form class="form" on:submit=on_submit novalidate>
                <Input id="cancel-reason" label=Key::FieldReason value=reason field="reason" error=error required=true />
                <div class="form-actions">
                    <SubmitButton submit=submit label=Key::OrdersCancelConfirm />
                    <button type="button" class="btn btn-secondary" on:click=move |_| cancel.run(())>{tr!(OrdersKeep)}</button>
                </div>
            </form>
        </section>
    }
}

/// Record the work done: the reading (and for a meter change the new meter's first reading),
/// the date and notes. Used on the board and on a field user's list.
#[component]
pub fn CompleteForm(
    o: ServiceOrderDto,
    /// Prefix for element ids (unique on the page).
    #[prop(into)]
    prefix: String,
    on_done: Callback<ServiceOrderDto>,
    #[prop(optional)] on_cancel: Option<Callback<()>>,
    #[prop(optional)] touch: bool,
) -> impl IntoView {
    let api = use_api();
    let i18n = use_i18n();
    let t = o.order_type;
    let reading = RwSignal::new(String::new());
    let new_reading = RwSignal::new(String::new());
    let on = RwSignal::new(format::date(format::today()));
    let notes = RwSignal::new(String::new());
    let submit = Submit::new();
    let error = submit.error;
    let id = o.id.clone();
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if submit.is_busy() {
            return;
        }
        let r_text = reading.get_untracked();
        let r = format::parse_count(&r_text);
        let nr = format::parse_count(&new_reading.get_untracked());
        let date = format::parse_date(&on.get_untracked());
        let mut bad = Vec::new();
        if r.is_none() && (needs_reading(t) || !r_text.trim().is_empty()) {
            bad.push((
                "reading",
                if r_text.trim().is_empty() {
                    FieldCode::Required
                } else {
                    FieldCode::Number
                },
            ));
        }
        if t == OrderType::MeterChange && nr.is_none() {
            bad.push(("new_reading", FieldCode::Required));
        }
        if date.is_none() {
            bad.push(("completed_on", FieldCode::Date));
        }
        let (Some(completed_on), true) = (date, bad.is_empty()) else {
            submit.invalid(&bad);
            return;
        };
        let body = CompleteServiceOrder {
            completed_on,
            reading: r,
            new_reading: if t == OrderType::MeterChange {
                nr
            } else {
                None
            },
            notes: format::non_empty(&notes.get_untracked()),
        };
        let id = id.clone();
        submit.send(
            async move { api.complete_service_order(&id, &body).await },
            move |done| on_done.run(done),
        );
    };
    let reading_label = if t == OrderType::MeterChange {
        Key::CompleteOldReading
    } else if t == OrderType::MeterSet {
        Key::CompleteFirstReading
    } else {
        Key::FieldReading
    };
    let meter_note = match (&o.new_meter_serial, &o.meter_serial) {
        (Some(new), Some(old)) => {
            Some(i18n.tf(Key::CompleteMeterChange, &[("old", old), ("new", new)]))
        }
        (Some(new), None) => Some(i18n.tf(Key::CompleteMeterToSet, &[("meter", new)])),
        (None, Some(m)) => Some(i18n.tf(Key::CompleteMeter, &[("meter", m)])),
        (None, None) => None,
    };
    let class = if touch {
        "form complete-form touch"
    } else {
        "form complete-form"
    };
    let p = prefix.clone();
    view! {
        <form class=class on:submit=on_submit novalidate>
            <ErrorAlert error=error />
            {meter_note.filter(|_| !touch).map(|m| view! { <p class="muted">{m}</p> })}
            <div class="form-grid">
                <Input
                    id=format!("{p}-reading")
                    label=reading_label
                    value=reading
                    field="reading"
                    error=error
                    inputmode="numeric"
                    autocomplete="off"
                    required=needs_reading(t)
                />
                {(t == OrderType::MeterChange)
                    .then(|| {
                        view! {
                            <Input
                                id=format!("{p}-new-reading")
                                label=Key::CompleteNewReading
                                value=new_reading
                                field="new_reading"
                                error=error
                                inputmode="numeric"
                                autocomplete="off"
                                required=true
                            />
                        }
                    })}
                <Input id=format!("{p}-date") label=Key::FieldCompletedOn value=on input_type="date" field="completed_on" error=error required=true />
                <Input id=format!("{p}-notes") label=Key::FieldNotes value=notes field="notes" error=error multiline=true class="span-2" />
            </div>
            <div class="form-actions">
                <button type="submit" class="btn btn-primary complete-submit" id=format!("{p}-submit") disabled=submit.busy>
                    {move || if submit.busy.get() { i18n.t(Key::CommonSaving) } else { i18n.t(Key::OrdersCompleteSubmit) }}
                </button>
                {on_cancel
                    .map(|c| {
                        view! {
                            <button type="button" class="btn btn-secondary" on:click=move |_| c.run(())>{tr!(CommonCancel)}</button>
                        }
                    })}
            </div>
        </form>
    }
}

// ---------------------------------------------------------------- create

#[component]
fn CreateOrderForm(
    #[prop(into)] known: Signal<Vec<(String, String)>>,
    on_created: Callback<ServiceOrderDto>,
) -> impl IntoView {
    let api = use_api();
    let i18n = use_i18n();
    let query = use_query_map();
    let preset_premise = query.with_untracked(|q| q.get("premise"));
    let preset_account = query.with_untracked(|q| q.get("account"));
    let open = RwSignal::new(preset_premise.is_some());
    let order_type = RwSignal::new(OrderType::Reread.as_str().to_string());
    let premise = RwSignal::new(None::<PremiseDetailDto>);
    let premise_text = RwSignal::new(String::new());
    let account_id = RwSignal::new(preset_account.unwrap_or_default());
    let meter_id = RwSignal::new(String::new());
    let new_meter = RwSignal::new(None::<MeterDto>);
    let choice = RwSignal::new(String::new());
    let other = RwSignal::new(String::new());
    let due = RwSignal::new(format::date(format::today()));
    let priority = RwSignal::new(Priority::Normal.as_str().to_string());
    let instructions = RwSignal::new(String::new());
    let submit = Submit::new();
    let error = submit.error;
    let duplicate = RwSignal::new(None::<CreateServiceOrder>);
    let load_premise = move |id: String| {
        submit.send_then(async move { api.premise(&id).await }, move |r| match r {
            Ok(p) => {
                premise_text.try_set(p.id.clone());
                meter_id.try_set(p.meters.first().map(|m| m.id.clone()).unwrap_or_default());
                premise.try_set(Some(p));
                None
            }
            Err(ApiError::Problem(p)) if p.code == ErrorCode::NotFound => {
                premise.try_set(None);
                Some(local_problem(&[("premise_id", FieldCode::Unknown)]))
            }
            Err(e) => Some(e),
        });
    };
    if let Some(p) = preset_premise {
        load_premise(p);
        focus_id("create-order-title");
    }
    let send = move |req: CreateServiceOrder| {
        duplicate.set(None);
        let body = req.clone();
        submit.send_then(
            async move { api.create_service_order(&body).await },
            move |r| match r {
                Ok(o) => {
                    instructions.try_set(String::new());
                    new_meter.try_set(None);
                    on_created.run(o);
                    None
                }
                Err(e) if e.code() == Some(ErrorCode::DuplicateOpenOrder) => {
                    duplicate.try_set(Some(req));
                    focus_id("duplicate-warning");
                    None
                }
                Err(e) => Some(e),
            },
        );
    };
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if submit.is_busy() {
            return;
        }
        let t = OrderType::parse(&order_type.get_untracked());
        let date = format::parse_date(&due.get_untracked());
        let premise_id = premise
            .with_untracked(|p| p.as_ref().map(|p| p.id.clone()))
            .or_else(|| format::non_empty(&premise_text.get_untracked()));
        let mut bad = Vec::new();
        if premise_id.is_none() {
            bad.push(("premise_id", FieldCode::Required));
        }
        if date.is_none() {
            bad.push(("due_on", FieldCode::Date));
        }
        if t.is_some_and(takes_new_meter) && new_meter.with_untracked(Option::is_none) {
            bad.push(("new_meter_id", FieldCode::Required));
        }
        let (Some(t), Some(premise_id), Some(due_on), true) = (t, premise_id, date, bad.is_empty())
        else {
            submit.invalid(&bad);
            return;
        };
        let req = CreateServiceOrder {
            order_type: t,
            premise_id,
            account_id: format::non_empty(&account_id.get_untracked()),
            meter_id: if t == OrderType::MeterSet || t == OrderType::Locate {
                None
            } else {
                format::non_empty(&meter_id.get_untracked())
            },
            new_meter_id: if takes_new_meter(t) {
                new_meter.with_untracked(|m| m.as_ref().map(|m| m.id.clone()))
            } else {
                None
            },
            assigned_to: assignee_value(&choice.get_untracked(), &other.get_untracked()),
            due_on,
            priority: Priority::parse(&priority.get_untracked()).unwrap_or(Priority::Normal),
            instructions: format::non_empty(&instructions.get_untracked()),
            allow_duplicate: false,
        };
        send(req);
    };
    let types = Signal::derive(move || type_options(i18n, false));
    let priorities = Signal::derive(move || priority_options(i18n));
    let meter_options = Signal::derive(move || {
        premise.with(|p| {
            p.as_ref()
                .map(|p| {
                    p.meters
                        .iter()
                        .map(|m| (m.id.clone(), meter_line(i18n, m)))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    });
    let account_options = Signal::derive(move || {
        let mut v = vec![(String::new(), i18n.t(Key::OrdersNoAccount).to_string())];
        premise.with(|p| {
            if let Some(p) = p {
                v.extend(
                    p.accounts
                        .iter()
                        .map(|a| (a.id.clone(), format!("{} — {}", a.number, a.customer_name))),
                );
            }
        });
        v
    });
    let err: Signal<Option<ApiError>> = error.into();
    view! {
        <section class="card" aria-labelledby="create-order-title" id="create-order">
            <h2 id="create-order-title" tabindex="-1">{tr!(OrdersCreateTitle)}</h2>
            <Disclosure open=open label=Key::OrdersCreateOpen id="create-order-open" focus="order-type">
                <ErrorAlert error=error id="create-order-error" />
                {move || {
                    duplicate
                        .get()
                        .map(|req| {
                            view! {
                                <div class="alert alert-warn" role="alert" id="duplicate-warning" tabindex="-1">
                                    <p class="alert-message">{move || i18n.t(Key::ErrorDuplicateOpenOrder)}</p>
                                    <div class="form-actions">
                                        <button
                                            type="button"
                                            class="btn btn-primary"
                                            id="create-anyway"
                                            on:click=move |_| {
                                                let mut again = req.clone();
                                                again.allow_duplicate = true;
                                                send(again);
                                            }
                                        >
                                            {tr!(OrdersCreateAnyway)}
                                        </button>
                                        <button type="button" class="btn btn-secondary" on:click=move |_| duplicate.set(None)>
                                            {tr!(CommonCancel)}
                                        </button>
                                    </div>
                                </div>
                            }
                        })
                }}
                <form class="form" on:submit=on_submit novalidate>
                    <div class="form-grid">
                        <Select id="order-type" label=Key::FieldOrderType value=order_type options=types field="order_type" error=err required=true />
                        <Input id="order-due" label=Key::FieldDueOn value=due input_type="date" field="due_on" error=err required=true />
                        <Select id="order-priority" label=Key::FieldPriority value=priority options=priorities field="priority" error=err />
                        <AssigneePicker id="order-assignee" choice=choice other=other known=known error=err />
                    </div>
                    <AccountFinder
                        id="order-finder"
                        label=Key::OrdersFindPremise
                        hint=Key::MoveinFindPremiseHint
                        on_pick=Callback::new(move |a: AccountDto| {
                            account_id.set(a.id.clone());
                            load_premise(a.premise.id);
                        })
                    />
                    <div class="form-grid">
                        <div class="field">
                            <label for="order-premise">{tr!(MoveinPremiseId)}</label>
                            <div class="search-row">
                                <input
                                    id="order-premise"
                                    type="text"
                                    autocomplete="off"
                                    aria-describedby="order-premise-error"
                                    bind:value=premise_text
                                    on:keydown=move |ev| {
                                        if ev.key() == "Enter" {
                                            ev.prevent_default();
                                            if let Some(id) = format::non_empty(&premise_text.get_untracked()) {
                                                load_premise(id);
                                            }
                                        }
                                    }
                                />
                                <button
                                    type="button"
                                    class="btn btn-secondary"
                                    on:click=move |_| {
                                        if let Some(id) = format::non_empty(&premise_text.get_untracked()) {
                                            load_premise(id);
                                        }
                                    }
                                >
                                    {tr!(MoveinLookUp)}
                                </button>
                            </div>
                            <crate::components::FieldMessages id="order-premise-error" error=err names=vec!["premise_id"] />
                        </div>
                        {move || {
                            premise
                                .get()
                                .map(|p| {
                                    view! {
                                        <div class="chosen" id="order-premise-chosen">
                                            <p class="chosen-label">{tr!(MoveinChosenPremise)}</p>
                                            <p><strong>{p.service_address.clone()}</strong></p>
                                        </div>
                                    }
                                })
                        }}
                    </div>
                    <Show when=move || premise.with(Option::is_some)>
                        <div class="form-grid">
                            <Select id="order-account" label=Key::FieldAccount value=account_id options=account_options field="account_id" error=err />
                            <Show when=move || !meter_options.with(Vec::is_empty)>
                                <Select id="order-meter" label=Key::FieldMeter value=meter_id options=meter_options field="meter_id" error=err />
                            </Show>
                        </div>
                    </Show>
                    <Show when=move || OrderType::parse(&order_type.get()).is_some_and(takes_new_meter)>
                        <StockMeterPicker chosen=new_meter field="new_meter_id" error=err legend=Key::FieldNewMeter />
                    </Show>
                    <Input id="order-instructions" label=Key::FieldInstructions value=instructions field="instructions" error=err multiline=true />
                    <div class="form-actions">
                        <SubmitButton submit=submit label=Key::OrdersCreate busy_label=Key::CommonSaving id="create-order-submit" />
                    </div>
                </form>
            </Disclosure>
        </section>
    }
}

// ---------------------------------------------------------------- my orders (field)

#[component]
pub fn MyOrdersPage() -> impl IntoView {
    let auth = use_auth();
    let allowed = Memo::new(move |_| can_complete(auth.role()));
    move || {
        if allowed.get() {
            view! { <MyOrders /> }.into_any()
        } else {
            view! { <Forbidden title=Key::MyordersTitle /> }.into_any()
        }
    }
}

#[component]
fn MyOrders() -> impl IntoView {
    let api = use_api();
    let i18n = use_i18n();
    // Field users get only their own orders whatever they ask; `me` does the same for leads.
    let data = LocalResource::new(move || async move {
        let mine = OrderFilter {
            status: Some(OrderStatus::Open),
            assigned_to: Some("me".into()),
            ..Default::default()
        };
        api.service_orders(&mine).await
    });
    let message = RwSignal::new(None::<String>);
    let today = format::today();
    view! {
        <div class="page-head" id="my-orders">
            <h1 id="my-orders-title" tabindex="-1">{tr!(MyordersTitle)}</h1>
            <p class="muted">{tr!(MyordersIntro)}</p>
        </div>
        <StatusMessage message=message />
        {move || loaded_or(data.get(), |v| match v {
            list if list.is_empty() => {
                view! { <p class="empty" id="my-orders-empty">{tr!(MyordersNone)}</p> }.into_any()
            }
            mut list => {
                list.sort_by(|a, b| (a.due_on, &a.number).cmp(&(b.due_on, &b.number)));
                let n = list.len().to_string();
                view! {
                    <p class="muted" aria-live="polite">{move || i18n.tf(Key::MyordersCount, &[("n", &n)])}</p>
                    <ul class="order-cards" id="my-order-list">
                        {list
                            .into_iter()
                            .map(|o| {
                                view! {
                                    <OrderCard
                                        o=o
                                        today=today
                                        on_done=Callback::new(move |o: ServiceOrderDto| {
                                            message.set(Some(i18n.tf(Key::OrdersCompleted, &[("number", &o.number)])));
                                            data.refetch();
                                            focus_id("my-orders-title");
                                        })
                                    />
                                }
                            })
                            .collect_view()}
                    </ul>
                }
                    .into_any()
            }
        })}
    }
}

#[component]
fn OrderCard(
    o: ServiceOrderDto,
    today: chrono::NaiveDate,
    on_done: Callback<ServiceOrderDto>,
) -> impl IntoView {
    let i18n = use_i18n();
    let t = o.order_type;
    let completing = RwSignal::new(false);
    let prefix = format!("o-{}", o.id);
    let first_field = format!("{prefix}-reading");
    let title_id = format!("{prefix}-title");
    let labelled = title_id.clone();
    let due_key = if o.due_on < today {
        Some(("badge-overdue", Key::MyordersOverdue))
    } else if o.due_on == today {
        Some(("badge-today", Key::MyordersDueToday))
    } else {
        None
    };
    let number = o.number.clone();
    let o2 = o.clone();
    view! {
        <li class="card order-card" data-order=o.id.clone() aria-labelledby=labelled>
            <h2 id=title_id class="order-card-title">
                <span class="order-number">{o.number.clone()}</span>
                " · "
                <span class="order-type">{move || i18n.t(order_type_key(t))}</span>
            </h2>
            <p class="order-address">{o.service_address.clone()}</p>
            <dl class="facts">
                <dt>{tr!(ColDue)}</dt>
                <dd>
                    {format::date(o.due_on)}
                    {due_key.map(|(tone, k)| view! { " " <Badge tone=tone label=k /> })}
                </dd>
                <dt>{tr!(ColPriority)}</dt>
                <dd>{priority_badge(o.priority)}</dd>
                {o.customer_name.clone().map(|c| view! { <dt>{tr!(ColCustomer)}</dt> <dd>{c}</dd> })}
                {o.account_number.clone().map(|n| view! { <dt>{tr!(ColAccount)}</dt> <dd>{n}</dd> })}
                {o.meter_serial.clone().map(|m| view! { <dt>{tr!(ColMeter)}</dt> <dd>{m}</dd> })}
                {o.new_meter_serial.clone().map(|m| view! { <dt>{tr!(FieldNewMeter)}</dt> <dd>{m}</dd> })}
            </dl>
            {o.instructions.clone().map(|i| view! { <p class="instructions pre">{i}</p> })}
            <div class="card-actions">
                <SheetButton order_id=o.id.clone() number=o.number.clone() label=sheet_label(t) class="btn-block" />
                <Show when=move || !completing.get()>
                    {
                        let first_field = first_field.clone();
                        let number = number.clone();
                        view! {
                            <button
                                type="button"
                                class="btn btn-primary btn-block complete-open"
                                aria-label=move || i18n.tf(Key::OrdersCompleteNamed, &[("number", &number)])
                                on:click=move |_| {
                                    completing.set(true);
                                    focus_id(&first_field);
                                }
                            >
                                {tr!(OrdersComplete)}
                            </button>
                        }
                    }
                </Show>
            </div>
            <Show when=move || completing.get()>
                <CompleteForm
                    o=o2.clone()
                    prefix=prefix.clone()
                    on_done=on_done
                    on_cancel=Callback::new(move |_| completing.set(false))
                    touch=true
                />
            </Show>
        </li>
    }
}
