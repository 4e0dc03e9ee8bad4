//! The one way a form (or a button) sends a request: a second press while the first is out
//! does nothing, the button shows it is busy, a failure is shown by [`ErrorAlert`] in the
//! user's language (from the problem's `code` and its field codes, never its English
//! `detail`) with focus on the first field it marks, and success runs the form's callback.
//!
//! [`ErrorAlert`]: crate::components::ErrorAlert

use cistern_shared::FieldCode;
use std::future::Future;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::ApiError;
use crate::components::{focus_first_invalid, local_problem};
use crate::i18n::{use_i18n, Key};

/// The sending state of one form. `Copy`: move it into handlers freely.
#[derive(Clone, Copy)]
pub struct Submit {
    /// True while a request is out (bind the submit button's `disabled` to it).
    pub busy: RwSignal<bool>,
    /// The last failure, local or from the server (give it to `ErrorAlert` and the fields).
    pub error: RwSignal<Option<ApiError>>,
}

impl Default for Submit {
    fn default() -> Self {
        Self::new()
    }
}

impl Submit {
    pub fn new() -> Self {
        Submit {
            busy: RwSignal::new(false),
            error: RwSignal::new(None),
        }
    }

    /// Whether a request is out (untracked, for handlers: check it before validating).
    pub fn is_busy(self) -> bool {
        self.busy.get_untracked()
    }

    /// Forgets the last failure.
    pub fn clear(self) {
        self.error.set(None);
    }

    /// Shows a failure and moves focus to the first field it marks invalid.
    pub fn fail(self, err: ApiError) {
        self.error.try_set(Some(err));
        focus_first_invalid();
    }

    /// A check before sending found these `(field, code)` wrong: shown like the server's.
    pub fn invalid(self, fields: &[(&str, FieldCode)]) {
        self.fail(local_problem(fields));
    }

    /// Sends `request` unless one is already out, then runs `on_ok` with the answer or shows
    /// the failure.
    pub fn send<T, F>(self, request: F, on_ok: impl FnOnce(T) + 'static)
    where
        T: 'static,
        F: Future<Output = Result<T, ApiError>> + 'static,
    {
        self.send_then(request, move |r| match r {
            Ok(v) => {
                on_ok(v);
                None
            }
            Err(e) => Some(e),
        });
    }

    /// Like [`Submit::send`], for forms that react to some failures themselves: `on_result`
    /// sees every answer and returns the failure to show, if any.
    pub fn send_then<T, F>(
        self,
        request: F,
        on_result: impl FnOnce(Result<T, ApiError>) -> Option<ApiError> + 'static,
    ) where
        T: 'static,
        F: Future<Output = Result<T, ApiError>> + 'static,
    {
        if self.busy.get_untracked() {
            return;
        }
        self.error.set(None);
        self.busy.set(true);
        spawn_local(async move {
            let r = request.await;
            self.busy.try_set(false);
            if let Some(e) = on_result(r) {
                self.fail(e);
            }
        });
    }
}

/// A form's primary button: disabled while the request is out, showing `busy_label` (e.g.
/// "Saving…") then if one is given.
#[component]
pub fn SubmitButton(
    submit: Submit,
    label: Key,
    #[prop(optional)] busy_label: Option<Key>,
    #[prop(optional)] id: Option<&'static str>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <button type="submit" class="btn btn-primary" id=id disabled=submit.busy>
            {move || match busy_label {
                Some(b) if submit.busy.get() => i18n.t(b),
                _ => i18n.t(label),
            }}
        </button>
    }
}
