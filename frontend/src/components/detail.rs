//! Detail lists: the `<dl class="facts">` blocks of the account, customer, premise and meter
//! pages, one [`Fact`] (label and value) a row, and the words they show for empty values.

use leptos::prelude::*;

use crate::i18n::{use_i18n, I18n, Key};

/// A detail list; its children are [`Fact`]s.
#[component]
pub fn Facts(children: Children) -> impl IntoView {
    view! { <dl class="facts">{children()}</dl> }
}

/// One row of a detail list: `<dt>` the translated label, `<dd>` the value.
#[component]
pub fn Fact(
    label: Key,
    /// The `<dd>`'s id (what the browser tests and links find it by).
    #[prop(optional)]
    id: Option<&'static str>,
    /// The `<dd>`'s class (`pre` keeps line breaks, e.g. of an address).
    #[prop(optional)]
    class: Option<&'static str>,
    children: Children,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <dt>{move || i18n.t(label)}</dt>
        <dd id=id class=class>{children()}</dd>
    }
}

/// "Yes" or "No".
pub fn yes_no(i18n: I18n, b: bool) -> &'static str {
    if b {
        i18n.t(Key::CommonYes)
    } else {
        i18n.t(Key::CommonNo)
    }
}

/// The value, or "Not set".
pub fn or_not_set(i18n: I18n, v: Option<String>) -> String {
    v.unwrap_or_else(|| i18n.t(Key::CommonNotSet).to_string())
}
