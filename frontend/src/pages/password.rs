//! `/account/password`: change your own password (every role).

use cistern_shared::dto::ChangePasswordRequest;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use crate::api::use_api;
use crate::components::{ErrorAlert, Submit, SubmitButton, TextField};
use crate::i18n::Key;
use crate::tr;

#[component]
pub fn ChangePasswordPage() -> impl IntoView {
    let api = use_api();
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let submit = Submit::new();
    let error = submit.error;
    let local = RwSignal::new(None::<Key>);
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if submit.is_busy() {
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
        let body = ChangePasswordRequest {
            current_password: c,
            new_password: n,
        };
        // On success the session is gone and the guard shows the sign-in page with a notice.
        submit.send(async move { api.change_password(&body).await }, |()| {});
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
                <SubmitButton submit=submit label=Key::PasswordSubmit busy_label=Key::CommonSaving />
            </form>
        </section>
    }
}
