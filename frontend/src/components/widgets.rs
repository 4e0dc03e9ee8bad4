//! Page furniture: the language switch, the pager and the printable-sheet button.

use cistern_shared::dto::Locale;
use cistern_shared::query::SheetQuery;
use leptos::prelude::*;

use crate::api::ApiError;
use crate::i18n::{use_i18n, Key};
use crate::tr;

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
        let order_id = order_id.clone();
        let q = SheetQuery {
            lang: Some(i18n.locale()),
        };
        let number = number.clone();
        leptos::task::spawn_local(async move {
            let result = api.service_order_sheet(&order_id, &q).await;
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

/// Saves `blob` as a file named `filename` (false if the browser could not make its URL).
pub fn save_blob(blob: &web_sys::Blob, filename: &str) -> bool {
    let Ok(url) = web_sys::Url::create_object_url_with_blob(blob) else {
        return false;
    };
    download(&url, filename);
    true
}
