//! `/account/password`: change your own password (every role).

use cistern_shared::dto::ChangePasswordRequest;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{use_api, ApiError};
use crate::components::{ErrorAlert, TextField};
use crate::i18n::{use_i18n, Key};
use crate::tr;

#[component]
pub fn ChangePasswordPage() -> impl IntoView {
    let api = use_api();
    let i18n = use_i18n();
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let local = RwSignal::new(None::<Key>);
    let busy = RwSignal::new(false);
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        error.set(None);
        let (c, n, r) = (
            current.get_untracked(),
            new.get_untracked(),
            confirm.get_untracked(),
        );
        let problem = if c.is_empty() {
            Some(Key::FieldErrorRequired)
        } else if n.chars().count() < 10 {
            Some(Key::PasswordTooShort)
        } else if n != r {
            Some(Key::PasswordMismatch)
        } else {
            None
        };
        local.set(problem);
        if problem.is_some() {
            return;
        }
        busy.set(true);
        spawn_local(async move {
            let result = api
                .change_password(&ChangePasswordRequest {
                    current_password: c,
                    new_password: n,
                })
                .await;
            busy.try_set(false);
            // On success the session is gone and the guard shows the sign-in page with a notice.
            if let Err(e) = result {
                error.try_set(Some(e));
            }
        });
    };
    view! {
        <div class="page-head">
            <h1>{tr!(PasswordTitle)}</h1>
        </div>
        <section class="card narrow" aria-labelledby="pw-form-title">
            <p id="pw-form-title" class="muted">{tr!(PasswordIntro)}</p>
            <ErrorAlert error=error local=local id="password-error" />
            <form class="form" on:submit=on_submit novalidate>
                <TextField
                    id="current-password"
                    label=Key::PasswordCurrent
                    value=current
                    input_type="password"
                    autocomplete="current-password"
                    required=true
                />
                <TextField
                    id="new-password"
                    label=Key::PasswordNew
                    value=new
                    hint=Key::PasswordNewHint
                    input_type="password"
                    autocomplete="new-password"
                    required=true
                />
                <TextField
                    id="confirm-password"
                    label=Key::PasswordConfirm
                    value=confirm
                    input_type="password"
                    autocomplete="new-password"
                    required=true
                />
                <button type="submit" class="btn btn-primary" disabled=busy>
                    {move || if busy.get() { i18n.t(Key::CommonSaving) } else { i18n.t(Key::PasswordSubmit) }}
                </button>
            </form>
        </section>
    }
}
