//! One module per screen.

pub mod accounts;
pub mod audit;
pub mod dashboard;
pub mod login;
pub mod password;
pub mod portal;
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
