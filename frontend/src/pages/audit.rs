//! `/staff/audit` (admin, auditor): the audit trail, filterable by entity type and actor.

use cistern_shared::dto::AuditEntryDto;
use cistern_shared::query::AuditQuery;
use cistern_shared::Role;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use crate::api::{use_api, use_auth};
use crate::components::{col, loaded_or, Pager, Table};
use crate::format;
use crate::i18n::{use_i18n, Key};
use crate::tr;

const PER_PAGE: i64 = 25;

#[component]
pub fn AuditPage() -> impl IntoView {
    let auth = use_auth();
    let allowed = Memo::new(move |_| matches!(auth.role(), Some(Role::Admin | Role::Auditor)));
    move || {
        if allowed.get() {
            view! { <AuditTrail /> }.into_any()
        } else {
            view! {
                <div class="page-head"><h1>{tr!(AuditTitle)}</h1></div>
                <div class="alert alert-error" role="alert"><p>{tr!(ErrorForbidden)}</p></div>
            }
            .into_any()
        }
    }
}

fn pretty(v: &Option<serde_json::Value>) -> Option<String> {
    v.as_ref()
        .map(|v| serde_json::to_string_pretty(v).unwrap_or_else(|_| v.to_string()))
}

#[component]
fn AuditTrail() -> impl IntoView {
    let api = use_api();
    let i18n = use_i18n();
    let page = RwSignal::new(1_i64);
    let entity_input = RwSignal::new(String::new());
    let actor_input = RwSignal::new(String::new());
    // The filters in force (applied on submit).
    let filters = RwSignal::new((String::new(), String::new()));
    let data = LocalResource::new(move || {
        let (entity_type, actor) = filters.get();
        let query = AuditQuery {
            entity_type: format::non_empty(&entity_type),
            actor: format::non_empty(&actor),
            page: Some(page.get()),
            per_page: Some(PER_PAGE),
            ..Default::default()
        };
        async move { api.audit(&query).await }
    });
    let total = Signal::derive(move || {
        data.get()
            .and_then(|r| r.ok())
            .map(|p| p.total)
            .unwrap_or(0)
    });
    let apply = move |ev: SubmitEvent| {
        ev.prevent_default();
        page.set(1);
        filters.set((
            entity_input.get_untracked().trim().to_string(),
            actor_input.get_untracked().trim().to_string(),
        ));
    };
    let clear = move |_| {
        entity_input.set(String::new());
        actor_input.set(String::new());
        page.set(1);
        filters.set((String::new(), String::new()));
    };
    view! {
        <div class="page-head">
            <h1>{tr!(AuditTitle)}</h1>
        </div>
        <form class="filters" on:submit=apply aria-label=move || i18n.t(Key::AuditFilters)>
            <div class="field">
                <label for="audit-entity">{tr!(AuditEntityType)}</label>
                <input id="audit-entity" type="text" aria-describedby="audit-entity-hint" bind:value=entity_input />
                <p class="hint" id="audit-entity-hint">{tr!(AuditEntityTypeHint)}</p>
            </div>
            <div class="field">
                <label for="audit-actor">{tr!(AuditActor)}</label>
                <input id="audit-actor" type="text" bind:value=actor_input />
            </div>
            <div class="form-actions">
                <button type="submit" class="btn btn-primary">{tr!(AuditApply)}</button>
                <button type="button" class="btn btn-secondary" on:click=clear>{tr!(AuditClear)}</button>
            </div>
        </form>
        {move || loaded_or(data.get(), |v| match v {
            p if p.items.is_empty() => view! { <p class="empty">{tr!(AuditNone)}</p> }.into_any(),
            p => {
                let columns = [Key::ColAt, Key::ColActor, Key::ColAction, Key::ColEntity, Key::ColReason, Key::ColChanges];
                view! {
                    <Table columns=columns.into_iter().map(col).collect() id="audit-table">
                        {p.items.into_iter().map(|e| view! { <AuditRow e=e /> }).collect_view()}
                    </Table>
                }
                    .into_any()
            }
        })}
        <Pager page=page per_page=PER_PAGE total=total on_page=Callback::new(move |p| page.set(p)) />
    }
}

#[component]
fn AuditRow(e: AuditEntryDto) -> impl IntoView {
    let i18n = use_i18n();
    let before = pretty(&e.before);
    let after = pretty(&e.after);
    let has_changes = before.is_some() || after.is_some();
    let actor = e.actor_username.clone();
    view! {
        <tr>
            <td class="nowrap">{format::timestamp(e.at)}</td>
            <td>{move || actor.clone().unwrap_or_else(|| i18n.t(Key::AuditSystem).to_string())}</td>
            <td><code>{e.action.clone()}</code></td>
            <td>
                <code>{e.entity_type.clone()}</code>
                " "
                <span class="muted small">{e.entity_id.clone()}</span>
            </td>
            <td>{e.reason.clone().unwrap_or_default()}</td>
            <td>
                {has_changes
                    .then(|| {
                        view! {
                            <details>
                                <summary>{tr!(AuditShowChanges)}</summary>
                                {before
                                    .map(|b| {
                                        view! {
                                            <h3 class="small">{tr!(AuditBefore)}</h3>
                                            <pre class="json">{b}</pre>
                                        }
                                    })}
                                {after
                                    .map(|a| {
                                        view! {
                                            <h3 class="small">{tr!(AuditAfter)}</h3>
                                            <pre class="json">{a}</pre>
                                        }
                                    })}
                            </details>
                        }
                    })}
            </td>
        </tr>
    }
}
