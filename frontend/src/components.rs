//! Small building blocks shared by the pages.

use cistern_shared::dto::{AccountStatus, Locale};
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
    let rule_key = field_rule_key(&f.code);
    let field = f.field.clone();
    let message = f.message.clone();
    view! {
        <li>
            <strong>{move || label_key.map(|k| i18n.t(k).to_string()).unwrap_or_else(|| field.clone())}</strong>
            ": "
            {move || rule_key.map(|k| i18n.t(k).to_string()).unwrap_or_else(|| message.clone())}
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

/// The language `<select>`; the choice is remembered in localStorage.
#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let on_change = move |ev: leptos::ev::Event| {
        if let Some(loc) = Locale::parse(&event_target_value(&ev)) {
            i18n.set_locale(loc);
        }
    };
    view! {
        <div class="lang-switch">
            <label for="lang-select" class="lang-label">{tr!(LangLabel)}</label>
            <select
                id="lang-select"
                aria-label=move || i18n.t(Key::LangLabel)
                on:change=on_change
                prop:value=move || i18n.locale().as_str()
            >
                <option value="en" lang="en" selected=move || i18n.locale() == Locale::En>
                    {move || i18n.t(Key::LangEn)}
                </option>
                <option value="es" lang="es" selected=move || i18n.locale() == Locale::Es>
                    {move || i18n.t(Key::LangEs)}
                </option>
            </select>
        </div>
    }
}

/// "Page 2 of 7" with previous/next buttons.
#[component]
pub fn Pager(
    #[prop(into)] page: Signal<i64>,
    per_page: i64,
    #[prop(into)] total: Signal<i64>,
    on_page: Callback<i64>,
) -> impl IntoView {
    let i18n = use_i18n();
    let pages = move || ((total.get() + per_page - 1) / per_page.max(1)).max(1);
    view! {
        <nav class="pager" aria-label=move || i18n.t(Key::PagerLabel)>
            <button
                type="button"
                class="btn btn-secondary"
                disabled=move || page.get() <= 1
                on:click=move |_| on_page.run(page.get_untracked() - 1)
            >
                <span aria-hidden="true">"← "</span>
                {move || i18n.t(Key::PagerPrevious)}
            </button>
            <span class="pager-status" aria-live="polite">
                {move || {
                    i18n.tf(
                        Key::PagerStatus,
                        &[
                            ("page", &page.get().to_string()),
                            ("pages", &pages().to_string()),
                            ("total", &crate::format::count(total.get())),
                        ],
                    )
                }}
            </span>
            <button
                type="button"
                class="btn btn-secondary"
                disabled=move || { page.get() >= pages() }
                on:click=move |_| on_page.run(page.get_untracked() + 1)
            >
                {move || i18n.t(Key::PagerNext)}
                <span aria-hidden="true">" →"</span>
            </button>
        </nav>
    }
}

/// A label + input pair with an optional hint, wired up with `for`/`aria-describedby`.
#[component]
pub fn TextField(
    id: &'static str,
    label: Key,
    value: RwSignal<String>,
    #[prop(optional)] hint: Option<Key>,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] required: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let hint_id = hint.map(|_| format!("{id}-hint"));
    let hint_id2 = hint_id.clone();
    view! {
        <div class="field">
            <label for=id>
                {move || i18n.t(label)}
                {required
                    .then(|| {
                        view! {
                            <span class="req" aria-hidden="true">" *"</span>
                        }
                    })}
            </label>
            <input
                id=id
                name=id
                type=input_type
                autocomplete=autocomplete
                required=required
                aria-required=required.then_some("true")
                aria-describedby=hint_id
                bind:value=value
            />
            {hint.map(|h| view! { <p class="hint" id=hint_id2>{move || i18n.t(h)}</p> })}
        </div>
    }
}
