//! Form controls: labelled inputs, selects, checkboxes and radios, each showing the field
//! errors (server or local) that belong to it, and the focus helpers forms use.

use cistern_shared::FieldCode;
use cistern_shared::FieldError;
use leptos::prelude::*;

use crate::api::ApiError;
use crate::i18n::{field_rule_key, use_i18n, I18n, Key};

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
pub fn local_problem(fields: &[(&str, FieldCode)]) -> ApiError {
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
                code: *code,
                message: code.as_str().to_string(),
            })
            .collect(),
        request_id: None,
    })
}

/// The translated message of one field error.
pub fn field_message(i18n: I18n, f: &FieldError) -> String {
    i18n.t(field_rule_key(f.code)).to_string()
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

/// How a labelled control is tied to its hint and its field errors: the ids its
/// `aria-describedby` names and whether it is `aria-invalid`.
struct Wiring {
    error: Signal<Option<ApiError>>,
    names: Vec<&'static str>,
    invalid: Signal<bool>,
    hint_id: Option<String>,
    err_id: String,
    described: String,
}

impl Wiring {
    fn new(
        id: &str,
        field: Option<&'static str>,
        error: Option<Signal<Option<ApiError>>>,
        hint: Option<Key>,
    ) -> Wiring {
        let error = error.unwrap_or_else(|| Signal::derive(|| None));
        let names: Vec<&'static str> = field.into_iter().collect();
        let names2 = names.clone();
        let invalid =
            Signal::derive(move || error.with(|e| !field_errors_for(e, &names2).is_empty()));
        let hint_id = hint.map(|_| format!("{id}-hint"));
        let err_id = format!("{id}-error");
        let described = match &hint_id {
            Some(h) => format!("{h} {err_id}"),
            None => err_id.clone(),
        };
        Wiring {
            error,
            names,
            invalid,
            hint_id,
            err_id,
            described,
        }
    }

    /// `<div class="field">`: the label (with the required mark), the control, the hint and
    /// the field's messages.
    fn frame(
        self,
        id: String,
        label: Key,
        required: bool,
        class: Option<&'static str>,
        hint: Option<Key>,
        control: AnyView,
    ) -> impl IntoView {
        let i18n = use_i18n();
        let Wiring {
            error,
            names,
            hint_id,
            err_id,
            ..
        } = self;
        view! {
            <div class=format!("field {}", class.unwrap_or_default())>
                <label for=id>
                    {move || i18n.t(label)}
                    {required.then(|| view! { <span class="req" aria-hidden="true">" *"</span> })}
                </label>
                {control}
                {hint.map(|h| view! { <p class="hint" id=hint_id.clone()>{move || i18n.t(h)}</p> })}
                <FieldMessages id=err_id error=error names=names />
            </div>
        }
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
    let w = Wiring::new(&id, field, error, hint);
    let invalid = w.invalid;
    let described = w.described.clone();
    let control = if multiline {
        view! {
            <textarea
                id=id.clone()
                name=id.clone()
                rows=rows.unwrap_or(3)
                required=required
                aria-required=required.then_some("true")
                aria-invalid=move || invalid.get().then_some("true")
                aria-describedby=described
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
                aria-describedby=described
                bind:value=value
            />
        }
        .into_any()
    };
    w.frame(id, label, required, class, hint, control)
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
    let w = Wiring::new(&id, field, error, hint);
    let invalid = w.invalid;
    let control = view! {
        <select
            id=id.clone()
            name=id.clone()
            required=required
            aria-invalid=move || invalid.get().then_some("true")
            aria-describedby=w.described.clone()
            on:change=move |ev| value.set(event_target_value(&ev))
            prop:value=move || value.get()
        >
            {move || options_of(value, options.get())}
        </select>
    }
    .into_any();
    w.frame(id, label, required, class, hint, control)
}

/// The `<option>`s of a select bound to `value`: `(value, text)` pairs.
pub fn options_of(value: RwSignal<String>, options: Vec<(String, String)>) -> impl IntoView {
    options
        .into_iter()
        .map(|(v, text)| {
            let v2 = v.clone();
            view! { <option value=v selected=move || value.with(|cur| *cur == v2)>{text}</option> }
        })
        .collect_view()
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

/// A button that opens a form (`open`) and moves focus to `focus`, its first field.
#[component]
pub fn OpenButton(
    open: RwSignal<bool>,
    label: Key,
    id: Option<&'static str>,
    focus: &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <button
            type="button"
            class="btn btn-secondary"
            id=id
            on:click=move |_| {
                open.set(true);
                focus_id(focus);
            }
        >
            {move || i18n.t(label)}
        </button>
    }
}

/// A form that opens from a button: the button while closed, the form (`children`) while
/// open; opening moves focus to `focus` (the form's first field).
#[component]
pub fn Disclosure(
    open: RwSignal<bool>,
    /// The opening button's text.
    label: Key,
    #[prop(optional)] id: Option<&'static str>,
    focus: &'static str,
    children: ChildrenFn,
) -> impl IntoView {
    view! {
        <Show
            when=move || open.get()
            fallback=move || view! { <OpenButton open=open label=label id=id focus=focus /> }
        >
            {children()}
        </Show>
    }
}

/// "Edit" on a record page: opens its form (`editing`) and moves focus to `focus`.
#[component]
pub fn EditButton(editing: RwSignal<bool>, id: &'static str, focus: &'static str) -> impl IntoView {
    view! { <OpenButton open=editing label=Key::CommonEdit id=Some(id) focus=focus /> }
}
