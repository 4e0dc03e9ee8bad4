//! `/login`: the sign-in form.

use cistern_shared::dto::LoginRequest;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::Redirect;

use crate::api::{use_api, use_auth};
use crate::app::{gate, home_path, replace, Gate};
use crate::components::{ErrorAlert, Submit, TextField};
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
    let submit = Submit::new();
    let error = submit.error;
    let local_error = RwSignal::new(None::<Key>);

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if submit.is_busy() {
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
        let body = LoginRequest {
            username: u,
            password: p,
        };
        // On success the session is set and the redirect below takes us home.
        submit.send_then(async move { api.login(&body).await }, move |r| {
            r.err().inspect(|_| {
                password.try_set(String::new());
            })
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
                <button type="submit" id="login-submit" class="btn btn-primary btn-block" disabled=submit.busy>
                    {move || if submit.busy.get() { i18n.t(Key::LoginSubmitting) } else { i18n.t(Key::LoginSubmit) }}
                </button>
            </form>
        </section>
    }
}
