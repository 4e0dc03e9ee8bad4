//! `/login`: the sign-in form.

use cistern_shared::dto::LoginRequest;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::Redirect;

use crate::api::{use_api, use_auth, ApiError};
use crate::app::{gate, home_path, replace, Gate};
use crate::components::{ErrorAlert, TextField};
use crate::i18n::{use_i18n, Key};
use crate::tr;

#[component]
pub fn LoginPage() -> impl IntoView {
    let auth = use_auth();
    let api = use_api();
    let i18n = use_i18n();
    let g = gate(auth);
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let local_error = RwSignal::new(None::<Key>);
    let busy = RwSignal::new(false);

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let u = username.get_untracked().trim().to_string();
        let p = password.get_untracked();
        error.set(None);
        if u.is_empty() || p.is_empty() {
            local_error.set(Some(Key::LoginRequired));
            return;
        }
        local_error.set(None);
        busy.set(true);
        spawn_local(async move {
            let result = api
                .login(&LoginRequest {
                    username: u,
                    password: p,
                })
                .await;
            busy.try_set(false);
            if let Err(e) = result {
                password.try_set(String::new());
                error.try_set(Some(e));
            }
            // On success the session is set and the redirect below takes us home.
        });
    };

    view! {
        {move || match g.get() {
            Gate::SignedIn(r) => Some(view! { <Redirect path=home_path(r) options=replace() /> }),
            _ => None,
        }}
        <section class="card login-card" aria-labelledby="login-title">
            <h1 id="login-title">{tr!(LoginTitle)}</h1>
            <p class="muted">{tr!(LoginIntro)}</p>
            <div class="alert alert-info" role="status" id="login-notice">
                {move || auth.notice().map(|k| view! { <p class="alert-message">{move || i18n.t(k)}</p> })}
            </div>
            <ErrorAlert error=error local=local_error id="login-error" />
            <form class="form" on:submit=on_submit novalidate>
                <TextField
                    id="username"
                    label=Key::LoginUsername
                    value=username
                    autocomplete="username"
                    required=true
                />
                <TextField
                    id="password"
                    label=Key::LoginPassword
                    value=password
                    input_type="password"
                    autocomplete="current-password"
                    required=true
                />
                <button type="submit" id="login-submit" class="btn btn-primary btn-block" disabled=busy>
                    {move || if busy.get() { i18n.t(Key::LoginSubmitting) } else { i18n.t(Key::LoginSubmit) }}
                </button>
            </form>
        </section>
    }
}
