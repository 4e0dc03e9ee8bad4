//! How pages load what they show: a `LocalResource` (the client-side-rendering resource of
//! Leptos) that fetches again when the signals it reads change. [`loaded_or`] renders one
//! ("Loading…", the failure, or the data); [`Loaded`] is for record pages whose frame and
//! forms must stay put while the record is fetched again after a change.

use leptos::prelude::*;

use leptos_router::hooks::use_params_map;

use crate::api::ApiError;
use crate::components::{or_not_set, yes_no, LoadError, Loading};
use crate::i18n::I18n;

/// "Loading…" until the answer is here, the failure if it failed, else `ready(data)`.
pub fn loaded_or<T>(r: Option<Result<T, ApiError>>, ready: impl FnOnce(T) -> AnyView) -> AnyView {
    match r {
        None => view! { <Loading /> }.into_any(),
        Some(Err(e)) => view! { <LoadError err=e /> }.into_any(),
        Some(Ok(v)) => ready(v),
    }
}

/// A record loaded by a `LocalResource` and kept in a signal: the page renders its frame once
/// and only the parts that read the record change on a reload (forms keep their state and
/// focus). A reload that fails keeps what is shown and reports in `reload_error`; a new key
/// (another record) shows "Loading…" again.
pub struct Loaded<T: Send + Sync + 'static> {
    pub data: RwSignal<Option<T>>,
    pub first_error: RwSignal<Option<ApiError>>,
    pub reload_error: RwSignal<Option<ApiError>>,
    refetch: Callback<()>,
}

impl<T: Send + Sync + 'static> Clone for Loaded<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static> Copy for Loaded<T> {}

impl<T: Clone + Send + Sync + 'static> Loaded<T> {
    /// Loads `fetch(key())`, again whenever `key()` changes.
    pub fn new<Fut>(
        key: impl Fn() -> String + Send + Sync + 'static,
        fetch: impl Fn(String) -> Fut + 'static,
    ) -> Self
    where
        Fut: std::future::Future<Output = Result<T, ApiError>> + 'static,
    {
        let key = Memo::new(move |_| key());
        let data = RwSignal::new(None::<T>);
        let first_error = RwSignal::new(None::<ApiError>);
        let reload_error = RwSignal::new(None::<ApiError>);
        // Each answer carries the key it was asked for, so a late answer for the record shown
        // before cannot replace the one asked for now.
        let resource = LocalResource::new(move || {
            let k = key.get();
            let fut = fetch(k.clone());
            async move { (k, fut.await) }
        });
        Effect::new(move |prev: Option<String>| {
            let k = key.get();
            if prev.as_ref().is_some_and(|p| *p != k) {
                data.set(None);
                first_error.set(None);
                reload_error.set(None);
            }
            k
        });
        Effect::new(move |_| {
            let Some((k, r)) = resource.get() else {
                return;
            };
            if key.with_untracked(|cur| *cur != k) {
                return;
            }
            match r {
                Ok(v) => {
                    reload_error.set(None);
                    data.set(Some(v));
                }
                Err(e) => {
                    if data.with_untracked(Option::is_some) {
                        reload_error.set(Some(e));
                    } else {
                        first_error.set(Some(e));
                    }
                }
            }
        });
        Loaded {
            data,
            first_error,
            reload_error,
            refetch: Callback::new(move |_| resource.refetch()),
        }
    }

    /// Loads the record the route's `:id` names (`fetch(id)`), again when it changes.
    pub fn from_route_id<Fut>(fetch: impl Fn(String) -> Fut + 'static) -> Self
    where
        Fut: std::future::Future<Output = Result<T, ApiError>> + 'static,
    {
        let params = use_params_map();
        let id = Memo::new(move |_| params.with(|p| p.get("id").unwrap_or_default()));
        Self::new(move || id.get(), fetch)
    }

    /// Fetches the same record again, keeping what is shown until the answer arrives.
    pub fn reload(self) {
        self.refetch.run(());
    }

    /// Loading / failed / ready, changing only on those transitions.
    pub fn phase(self) -> Memo<Phase> {
        Memo::new(move |_| {
            if self.data.with(Option::is_some) {
                Phase::Ready
            } else if let Some(e) = self.first_error.get() {
                Phase::Failed(e)
            } else {
                Phase::Loading
            }
        })
    }

    /// The page: "Loading…", the failure, or `ready()` once the record is here (rendered once,
    /// not again on each reload).
    pub fn view(self, ready: impl Fn() -> AnyView + Send + Sync + 'static) -> impl IntoView {
        let phase = self.phase();
        move || match phase.get() {
            Phase::Loading => view! { <Loading /> }.into_any(),
            Phase::Failed(e) => view! { <LoadError err=e /> }.into_any(),
            Phase::Ready => ready(),
        }
    }

    /// The record's edit form while `editing`, given the record as shown, what to do once
    /// saved (close the form and `reload` with the confirmation) and on cancel (close it).
    pub fn edit_form<F>(
        self,
        editing: RwSignal<bool>,
        reload: Callback<String>,
        form: F,
    ) -> impl IntoView
    where
        F: Fn(T, Callback<String>, Callback<()>) -> AnyView + Clone + Send + Sync + 'static,
    {
        let data = self.data;
        view! {
            <Show when=move || editing.get()>
                {
                    let form = form.clone();
                    move || {
                        let saved = Callback::new(move |msg: String| {
                            editing.set(false);
                            reload.run(msg);
                        });
                        let cancel = Callback::new(move |_| editing.set(false));
                        data.get().map(|cur| form(cur, saved, cancel))
                    }
                }
            </Show>
        }
    }

    /// A text read from the record (empty while there is none), tracked.
    pub fn text(self, f: impl Fn(&T) -> String) -> String {
        self.data.with(|d| d.as_ref().map(f).unwrap_or_default())
    }

    /// Reads a part of the record (`None` while there is none), tracked.
    pub fn read<U>(self, f: impl Fn(&T) -> U) -> Option<U> {
        self.data.with(|d| d.as_ref().map(f))
    }

    /// An optional text of the record, or "Not set" (tracked).
    pub fn or_not_set(self, i18n: I18n, f: impl Fn(&T) -> Option<String>) -> String {
        or_not_set(i18n, self.read(f).flatten())
    }

    /// "Yes" or "No" for a flag of the record (tracked; "No" while there is none).
    pub fn yes_no(self, i18n: I18n, f: impl Fn(&T) -> bool) -> &'static str {
        yes_no(i18n, self.read(f).unwrap_or(false))
    }

    /// Reads a part of the record without tracking (for ids fixed while the page is shown).
    pub fn untracked<U: Default>(self, f: impl Fn(&T) -> U) -> U {
        self.data
            .with_untracked(|d| d.as_ref().map(f))
            .unwrap_or_default()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Phase {
    Loading,
    Failed(ApiError),
    Ready,
}
