//! What a page shows while it waits, when something failed, and small status marks.

use cistern_shared::dto::AccountStatus;
use cistern_shared::FieldError;
use leptos::prelude::*;

use crate::api::ApiError;
use crate::i18n::{field_label_key, field_rule_key, status_key, use_i18n, I18n, Key};
use crate::tr;

/// A polite "Loading…" line for screen readers and sighted users alike.
#[component]
pub fn Loading() -> impl IntoView {
    view! { <p class="loading" role="status">{tr!(AppLoading)}</p> }
}

fn field_line(i18n: I18n, f: FieldError) -> impl IntoView {
    let label_key = field_label_key(&f.field);
    let rule_key = field_rule_key(f.code);
    let field = f.field.clone();
    view! {
        <li>
            <strong>{move || label_key.map(|k| i18n.t(k).to_string()).unwrap_or_else(|| field.clone())}</strong>
            ": "
            {move || i18n.t(rule_key)}
        </li>
    }
}

/// The translated message for an API error, with field messages for validation failures and
/// the request id to quote to support.
pub fn error_body(i18n: I18n, err: ApiError) -> impl IntoView {
    let key = err.message_key();
    let (fields, request_id) = match &err {
        ApiError::Problem(p) => (p.fields.clone(), p.request_id.clone()),
        _ => (Vec::new(), None),
    };
    let has_fields = !fields.is_empty();
    view! {
        <p class="alert-message">{move || i18n.t(key)}</p>
        {has_fields
            .then(|| {
                view! {
                    <p>{move || i18n.t(Key::CommonFixFields)}</p>
                    <ul class="field-errors">
                        {fields.into_iter().map(|f| field_line(i18n, f)).collect_view()}
                    </ul>
                }
            })}
        {request_id
            .map(|id| {
                view! {
                    <p class="muted small">{move || i18n.tf(Key::CommonReference, &[("id", &id)])}</p>
                }
            })}
    }
}

/// A live `role="alert"` region that is always in the page (so screen readers announce what
/// appears in it) and shows the current error, if any. An API error wins over a local one.
#[component]
pub fn ErrorAlert(
    #[prop(into)] error: Signal<Option<ApiError>>,
    #[prop(optional, into)] local: Option<Signal<Option<Key>>>,
    #[prop(optional)] id: Option<&'static str>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="alert alert-error" role="alert" id=id>
            {move || match (error.get(), local.and_then(|l| l.get())) {
                (Some(e), _) => Some(error_body(i18n, e).into_any()),
                (None, Some(k)) => Some(view! { <p class="alert-message">{move || i18n.t(k)}</p> }.into_any()),
                (None, None) => None,
            }}
        </div>
    }
}

/// A `role="status"` region for confirmations ("User created.").
#[component]
pub fn StatusMessage(#[prop(into)] message: Signal<Option<String>>) -> impl IntoView {
    view! {
        <div class="alert alert-ok" role="status">
            {move || message.get().map(|m| view! { <p class="alert-message">{m}</p> })}
        </div>
    }
}

/// An error that replaced a page's content (the resource could not be loaded).
#[component]
pub fn LoadError(err: ApiError) -> impl IntoView {
    let i18n = use_i18n();
    view! { <div class="alert alert-error" role="alert">{error_body(i18n, err)}</div> }
}

#[component]
pub fn StatusBadge(status: AccountStatus) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <span class=format!("badge badge-{}", status.as_str())>{move || i18n.t(status_key(status))}</span>
    }
}

/// A small coloured badge with a translated label.
#[component]
pub fn Badge(#[prop(into)] tone: String, label: Key) -> impl IntoView {
    let i18n = use_i18n();
    view! { <span class=format!("badge {tone}")>{move || i18n.t(label)}</span> }
}
