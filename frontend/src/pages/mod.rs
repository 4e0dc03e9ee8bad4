//! One module per screen.

pub mod account;
pub mod accounts;
pub mod audit;
pub mod customers;
pub mod cycles;
pub mod dashboard;
pub mod estimator;
pub mod login;
pub mod meters;
pub mod movein;
pub mod moveout;
pub mod orders;
pub mod password;
pub mod portal;
pub mod premises;
pub mod rate_editor;
pub mod rates;
pub mod users;

use leptos::prelude::*;
use leptos_router::components::A;

use crate::tr;

#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <section class="card narrow" aria-labelledby="notfound-title">
            <h1 id="notfound-title">{tr!(NotfoundTitle)}</h1>
            <p>{tr!(NotfoundBody)}</p>
            <p><A href="/">{tr!(NotfoundHome)}</A></p>
        </section>
    }
}
