//! Result tables: the frame every list page repeats (scrolling wrapper, table, column
//! headers), so a page writes only its rows.

use leptos::prelude::*;

use crate::i18n::{use_i18n, Key};

/// One column header.
#[derive(Clone, Copy)]
pub struct Col {
    label: Key,
    class: Option<&'static str>,
}

/// A column of text.
pub fn col(label: Key) -> Col {
    Col { label, class: None }
}

/// A column of numbers (right-aligned).
pub fn num_col(label: Key) -> Col {
    Col {
        label,
        class: Some("num"),
    }
}

/// A column whose header has this class.
pub fn col_class(label: Key, class: &'static str) -> Col {
    Col {
        label,
        class: Some(class),
    }
}

/// `<div class="table-wrap"><table class="table …">` with a header row of `columns`; the
/// children are the body's rows.
#[component]
pub fn Table(
    columns: Vec<Col>,
    #[prop(optional, into)] id: Option<String>,
    /// Classes after `table` (e.g. `order-table`).
    #[prop(optional)]
    class: Option<&'static str>,
    /// A caption for screen readers only.
    #[prop(optional)]
    caption: Option<Key>,
    /// Without the scrolling wrapper (a narrow table inside a card).
    #[prop(optional)]
    bare: bool,
    children: Children,
) -> impl IntoView {
    let i18n = use_i18n();
    let class = match class {
        Some(c) => format!("table {c}"),
        None => "table".to_string(),
    };
    let table = view! {
        <table class=class id=id>
            {caption.map(|k| view! { <caption class="visually-hidden">{move || i18n.t(k)}</caption> })}
            <thead>
                <tr>
                    {columns
                        .into_iter()
                        .map(|c| view! { <th scope="col" class=c.class>{move || i18n.t(c.label)}</th> })
                        .collect_view()}
                </tr>
            </thead>
            <tbody>{children()}</tbody>
        </table>
    };
    if bare {
        table.into_any()
    } else {
        view! { <div class="table-wrap">{table}</div> }.into_any()
    }
}
