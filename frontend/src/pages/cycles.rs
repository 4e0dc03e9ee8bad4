//! `/staff/cycles`: the billing cycles with their accounts and, for admins and leads, the form
//! to add one (a production install makes its cycles before importing a city).

use cistern_shared::cycles::{self, CycleDto, CycleInput};
use cistern_shared::FieldCode;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use crate::api::{use_api, use_auth};
use crate::app::can_keep_reference_data;
use crate::components::{
    col, loaded_or, num_col, ErrorAlert, Input, Select, StatusMessage, Submit, SubmitButton, Table,
};
use crate::i18n::{use_i18n, Key};
use crate::pages::dashboard::frequency;
use crate::tr;

#[component]
pub fn CyclesPage() -> impl IntoView {
    let api = use_api();
    let auth = use_auth();
    let i18n = use_i18n();
    let can_add = Memo::new(move |_| can_keep_reference_data(auth.role()));
    let data = LocalResource::new(move || async move { api.cycles().await });
    let message = RwSignal::new(None::<String>);
    view! {
        <div class="page-head">
            <h1>{tr!(CyclesTitle)}</h1>
            <p class="muted">{tr!(CyclesIntro)}</p>
        </div>
        <StatusMessage message=message />
        {move || loaded_or(data.get(), |v| match v {
            list if list.is_empty() => view! { <p class="empty">{tr!(CyclesNone)}</p> }.into_any(),
            list => view! {
                <Table columns=vec![col(Key::ColCode), col(Key::ColName), col(Key::ColFrequency), num_col(Key::ColAccounts)] id="cycle-table">
                    {list
                        .into_iter()
                        .map(|c| {
                            let months = c.months_per_bill;
                            view! {
                                <tr>
                                    <th scope="row">{c.code.clone()}</th>
                                    <td>{c.name.clone()}</td>
                                    <td>{move || frequency(i18n, months)}</td>
                                    <td class="num">{c.account_count}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </Table>
            }
            .into_any(),
        })}
        {move || {
            can_add.get().then(|| {
                view! {
                    <AddCycleForm on_added=Callback::new(move |c: CycleDto| {
                        message.set(Some(i18n.tf(Key::CyclesAdded, &[("code", &c.code)])));
                        data.refetch();
                    }) />
                }
            })
        }}
    }
}

#[component]
fn AddCycleForm(on_added: Callback<CycleDto>) -> impl IntoView {
    let api = use_api();
    let i18n = use_i18n();
    let code = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let months = RwSignal::new("1".to_string());
    let submit = Submit::new();
    let error = submit.error;
    let periods = Signal::derive(move || {
        [1, 2]
            .into_iter()
            .map(|m| (m.to_string(), frequency(i18n, m)))
            .collect::<Vec<_>>()
    });
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if submit.is_busy() {
            return;
        }
        let c = code.get_untracked().trim().to_uppercase();
        let n = name.get_untracked().trim().to_string();
        let m: Option<i32> = months.get_untracked().parse().ok();
        let mut bad = Vec::new();
        if !cycles::is_code(&c) {
            bad.push(("code", FieldCode::Invalid));
        }
        if n.is_empty() || n.chars().count() > 80 {
            bad.push(("name", FieldCode::Required));
        }
        let (Some(m), true) = (m, bad.is_empty()) else {
            submit.invalid(&bad);
            return;
        };
        let input = CycleInput {
            code: c,
            name: n,
            months_per_bill: m,
        };
        submit.send(async move { api.create_cycle(&input).await }, move |c| {
            code.try_set(String::new());
            name.try_set(String::new());
            on_added.run(c);
        });
    };
    view! {
        <section class="card" aria-labelledby="add-cycle-title" id="add-cycle">
            <h2 id="add-cycle-title">{tr!(CyclesAddTitle)}</h2>
            <ErrorAlert error=error id="add-cycle-error" />
            <form class="form form-grid" on:submit=on_submit novalidate>
                <Input id="ac-code" label=Key::ColCode value=code field="code" error=error required=true autocomplete="off" hint=Key::CyclesCodeHint />
                <Input id="ac-name" label=Key::ColName value=name field="name" error=error required=true />
                <Select id="ac-months" label=Key::ColFrequency value=months options=periods field="months_per_bill" error=error />
                <div class="form-actions">
                    <SubmitButton submit=submit label=Key::CyclesAdd busy_label=Key::CommonSaving />
                </div>
            </form>
        </section>
    }
}
