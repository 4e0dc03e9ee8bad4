//! Cistern's browser client: the staff console and the customer portal.
//!
//! Leptos (client-side rendering) compiled to wasm32. All data comes from the same-origin JSON
//! API (`/api/v1`), typed with the DTOs of `cistern-shared`. Every visible string goes through
//! [`i18n`], whose keys are generated and checked at build time from `locales/*.json`.

pub mod api;
pub mod app;
pub mod components;
pub mod format;
pub mod i18n;
pub mod pages;
pub mod pickers;

use wasm_bindgen::prelude::wasm_bindgen;

/// Entry point, run by `init()` in `boot.js`.
#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
