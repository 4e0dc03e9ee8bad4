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
    /// At most this many rows can be paged to (a search's window); `total` stays exact.
    #[prop(optional, into)]
    window: MaybeProp<i64>,
) -> impl IntoView {
    let i18n = use_i18n();
    let pages = move || {
        let reachable = window.get().map_or(total.get(), |w| total.get().min(w));
        ((reachable + per_page - 1) / per_page.max(1)).max(1)
    };
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

// ---------------------------------------------------------------- forms with field errors

/// The field messages of `err` that belong to one of `names` (API field paths, e.g.
/// `new_customer.name`).
pub fn field_errors_for(err: &Option<ApiError>, names: &[&str]) -> Vec<FieldError> {
    match err {
        Some(ApiError::Problem(p)) => p
            .fields
            .iter()
            .filter(|f| names.iter().any(|n| *n == f.field))
            .cloned()
            .collect(),
        _ => Vec::new(),
    }
}

/// A validation failure found before sending: the same shape as the server's, so it is shown
/// the same way (summary in the alert, message next to each field).
pub fn local_problem(fields: &[(&str, &str)]) -> ApiError {
    use cistern_shared::{ErrorCode, Problem};
    ApiError::Problem(Problem {
        type_uri: format!(
            "urn:cistern:problem:{}",
            ErrorCode::ValidationFailed.as_str()
        ),
        title: String::new(),
        status: 422,
        detail: None,
        code: ErrorCode::ValidationFailed,
        fields: fields
            .iter()
            .map(|(field, code)| FieldError {
                field: (*field).to_string(),
                code: (*code).to_string(),
                message: (*code).to_string(),
            })
            .collect(),
        request_id: None,
    })
}

/// The translated message of one field error.
pub fn field_message(i18n: I18n, f: &FieldError) -> String {
    field_rule_key(&f.code)
        .map(|k| i18n.t(k).to_string())
        .unwrap_or_else(|| f.message.clone())
}

/// Moves keyboard focus to the element with this id (after the current render).
pub fn focus_id(id: &str) {
    let id = id.to_string();
    request_animation_frame(move || {
        if let Some(el) = document().get_element_by_id(&id) {
            use wasm_bindgen::JsCast;
            if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
                let _ = el.focus();
            }
        }
    });
}

/// Moves keyboard focus to the first field marked invalid, if any (after the current render).
pub fn focus_first_invalid() {
    request_animation_frame(move || {
        if let Ok(Some(el)) = document().query_selector("[aria-invalid='true']") {
            use wasm_bindgen::JsCast;
            if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
                let _ = el.focus();
            }
        }
    });
}

/// The messages under one field; `id` is what the control's `aria-describedby` points at.
#[component]
pub fn FieldMessages(
    #[prop(into)] id: String,
    #[prop(into)] error: Signal<Option<ApiError>>,
    names: Vec<&'static str>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="field-error" id=id>
            {move || {
                let list = error.with(|e| field_errors_for(e, &names));
                list.into_iter()
                    .map(|f| view! { <p>{field_message(i18n, &f)}</p> })
                    .collect_view()
            }}
        </div>
    }
}

fn describedby(hint: Option<&String>, err: &str) -> String {
    match hint {
        Some(h) => format!("{h} {err}"),
        None => err.to_string(),
    }
}

/// A labelled input (or textarea) whose server-side or local field errors are shown under it,
/// with `aria-invalid` and `aria-describedby` wired up.
#[component]
pub fn Input(
    #[prop(into)] id: String,
    label: Key,
    value: RwSignal<String>,
    /// The API field path(s) whose errors belong here.
    #[prop(optional)]
    field: Option<&'static str>,
    #[prop(optional, into)] error: Option<Signal<Option<ApiError>>>,
    #[prop(optional)] hint: Option<Key>,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] inputmode: Option<&'static str>,
    #[prop(optional)] required: bool,
    #[prop(optional)] multiline: bool,
    #[prop(optional)] rows: Option<u32>,
    #[prop(optional)] class: Option<&'static str>,
) -> impl IntoView {
    let i18n = use_i18n();
    let error = error.unwrap_or_else(|| Signal::derive(|| None));
    let names: Vec<&'static str> = field.into_iter().collect();
    let names2 = names.clone();
    let invalid = Signal::derive(move || error.with(|e| !field_errors_for(e, &names2).is_empty()));
    let hint_id = hint.map(|_| format!("{id}-hint"));
    let err_id = format!("{id}-error");
    let described = describedby(hint_id.as_ref(), &err_id);
    let control = if multiline {
        view! {
            <textarea
                id=id.clone()
                name=id.clone()
                rows=rows.unwrap_or(3)
                required=required
                aria-required=required.then_some("true")
                aria-invalid=move || invalid.get().then_some("true")
                aria-describedby=described.clone()
                bind:value=value
            ></textarea>
        }
        .into_any()
    } else {
        view! {
            <input
                id=id.clone()
                name=id.clone()
                type=input_type
                autocomplete=autocomplete
                inputmode=inputmode
                required=required
                aria-required=required.then_some("true")
                aria-invalid=move || invalid.get().then_some("true")
                aria-describedby=described.clone()
                bind:value=value
            />
        }
        .into_any()
    };
    view! {
        <div class=format!("field {}", class.unwrap_or_default())>
            <label for=id.clone()>
                {move || i18n.t(label)}
                {required.then(|| view! { <span class="req" aria-hidden="true">" *"</span> })}
            </label>
            {control}
            {hint.map(|h| view! { <p class="hint" id=hint_id.clone()>{move || i18n.t(h)}</p> })}
            <FieldMessages id=err_id error=error names=names />
        </div>
    }
}

/// A labelled `<select>` of `(value, label)` options.
#[component]
pub fn Select(
    #[prop(into)] id: String,
    label: Key,
    value: RwSignal<String>,
    #[prop(into)] options: Signal<Vec<(String, String)>>,
    #[prop(optional)] field: Option<&'static str>,
    #[prop(optional, into)] error: Option<Signal<Option<ApiError>>>,
    #[prop(optional)] hint: Option<Key>,
    #[prop(optional)] required: bool,
    #[prop(optional)] class: Option<&'static str>,
) -> impl IntoView {
    let i18n = use_i18n();
    let error = error.unwrap_or_else(|| Signal::derive(|| None));
    let names: Vec<&'static str> = field.into_iter().collect();
    let names2 = names.clone();
    let invalid = Signal::derive(move || error.with(|e| !field_errors_for(e, &names2).is_empty()));
    let hint_id = hint.map(|_| format!("{id}-hint"));
    let err_id = format!("{id}-error");
    let described = describedby(hint_id.as_ref(), &err_id);
    view! {
        <div class=format!("field {}", class.unwrap_or_default())>
            <label for=id.clone()>
                {move || i18n.t(label)}
                {required.then(|| view! { <span class="req" aria-hidden="true">" *"</span> })}
            </label>
            <select
                id=id.clone()
                name=id.clone()
                required=required
                aria-invalid=move || invalid.get().then_some("true")
                aria-describedby=described
                on:change=move |ev| value.set(event_target_value(&ev))
                prop:value=move || value.get()
            >
                {move || {
                    options
                        .get()
                        .into_iter()
                        .map(|(v, text)| {
                            let v2 = v.clone();
                            view! {
                                <option value=v selected=move || value.with(|cur| *cur == v2)>{text}</option>
                            }
                        })
                        .collect_view()
                }}
            </select>
            {hint.map(|h| view! { <p class="hint" id=hint_id.clone()>{move || i18n.t(h)}</p> })}
            <FieldMessages id=err_id error=error names=names />
        </div>
    }
}

/// A checkbox with its label after it.
#[component]
pub fn Check(
    #[prop(into)] id: String,
    label: Key,
    checked: RwSignal<bool>,
    #[prop(optional)] hint: Option<Key>,
) -> impl IntoView {
    let i18n = use_i18n();
    let hint_id = hint.map(|_| format!("{id}-hint"));
    view! {
        <div class="field field-check">
            <input id=id.clone() name=id.clone() type="checkbox" aria-describedby=hint_id.clone() bind:checked=checked />
            <label for=id.clone()>{move || i18n.t(label)}</label>
            {hint.map(|h| view! { <p class="hint" id=hint_id.clone()>{move || i18n.t(h)}</p> })}
        </div>
    }
}

/// A group of radio buttons in a fieldset; `options` are `(value, label key)`.
#[component]
pub fn Radios(
    #[prop(into)] name: String,
    legend: Key,
    value: RwSignal<String>,
    options: Vec<(&'static str, Key)>,
    #[prop(optional)] field: Option<&'static str>,
    #[prop(optional, into)] error: Option<Signal<Option<ApiError>>>,
    #[prop(optional)] inline: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let error = error.unwrap_or_else(|| Signal::derive(|| None));
    let names: Vec<&'static str> = field.into_iter().collect();
    let err_id = format!("{name}-error");
    let err_id2 = err_id.clone();
    view! {
        <fieldset class=if inline { "radios radios-inline" } else { "radios" } aria-describedby=err_id2>
            <legend>{move || i18n.t(legend)}</legend>
            {options
                .into_iter()
                .map(|(v, k)| {
                    let id = format!("{name}-{v}");
                    view! {
                        <div class="radio">
                            <input
                                type="radio"
                                id=id.clone()
                                name=name.clone()
                                value=v
                                prop:checked=move || value.with(|cur| cur == v)
                                on:change=move |_| value.set(v.to_string())
                            />
                            <label for=id>{move || i18n.t(k)}</label>
                        </div>
                    }
                })
                .collect_view()}
            <FieldMessages id=err_id error=error names=names />
        </fieldset>
    }
}

/// A small coloured badge with a translated label.
#[component]
pub fn Badge(#[prop(into)] tone: String, label: Key) -> impl IntoView {
    let i18n = use_i18n();
    view! { <span class=format!("badge {tone}")>{move || i18n.t(label)}</span> }
}

/// Opens a service order's printable sheet (`sheet.pdf`) in a new tab. The request needs the
/// bearer token, so the PDF is fetched as a blob and opened from an object URL; the tab is
/// opened at the click (so pop-up blockers allow it) and pointed at the PDF when it arrives.
/// When no tab can be opened the PDF is downloaded instead.
#[component]
pub fn SheetButton(
    #[prop(into)] order_id: String,
    #[prop(into)] number: String,
    label: Key,
    #[prop(optional)] class: Option<&'static str>,
) -> impl IntoView {
    let api = crate::api::use_api();
    let i18n = use_i18n();
    let busy = RwSignal::new(false);
    let failed = RwSignal::new(None::<ApiError>);
    let number2 = number.clone();
    let on_click = move |_| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        failed.set(None);
        let win = window()
            .open_with_url_and_target("", "_blank")
            .ok()
            .flatten();
        let path = format!(
            "/service-orders/{}/sheet.pdf?lang={}",
            crate::api::encode_query_value(&order_id),
            i18n.locale().as_str()
        );
        let number = number.clone();
        leptos::task::spawn_local(async move {
            let result = api.get_blob(&path).await;
            busy.try_set(false);
            match result {
                Ok(blob) => {
                    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
                        failed.try_set(Some(ApiError::Unexpected));
                        return;
                    };
                    let opened = win
                        .as_ref()
                        .map(|w| w.location().set_href(&url).is_ok())
                        .unwrap_or(false);
                    if !opened {
                        download(&url, &format!("{number}.pdf"));
                    }
                }
                Err(e) => {
                    if let Some(w) = win {
                        let _ = w.close();
                    }
                    failed.try_set(Some(e));
                }
            }
        });
    };
    view! {
        <button
            type="button"
            class=format!("btn btn-secondary sheet-button {}", class.unwrap_or("btn-small"))
            aria-label=move || format!("{} — {}", i18n.t(label), number2)
            on:click=on_click
            disabled=busy
        >
            {move || i18n.t(label)}
        </button>
        {move || {
            failed
                .get()
                .map(|e| {
                    view! {
                        <span class="inline-error" role="alert">{move || i18n.t(e.message_key())}</span>
                    }
                })
        }}
    }
}

fn download(url: &str, filename: &str) {
    use wasm_bindgen::JsCast;
    let doc = document();
    if let Ok(a) = doc.create_element("a") {
        let _ = a.set_attribute("href", url);
        let _ = a.set_attribute("download", filename);
        if let Some(body) = doc.body() {
            let _ = body.append_child(&a);
            if let Ok(el) = a.clone().dyn_into::<web_sys::HtmlElement>() {
                el.click();
            }
            let _ = body.remove_child(&a);
        }
    }
}
