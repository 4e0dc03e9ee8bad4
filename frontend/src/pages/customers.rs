//! `/staff/customers/:id`: a customer — details (editable by clerks), accounts and the
//! contact history, with the form to log a contact.

use cistern_shared::customers::{CustomerDetailDto, CustomerInput};
use cistern_shared::dto::Locale;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::api::{encode_query_value, use_api, use_auth, ApiError};
use crate::app::can_edit_records;
use crate::components::{
    focus_first_invalid, focus_id, local_problem, Check, ErrorAlert, Input, LoadError, Loading,
    Select, StatusMessage,
};
use crate::format;
use crate::i18n::{locale_key, use_i18n, Key};
use crate::pages::account::{contact_table, ContactForm, Loaded, Phase};
use crate::pages::accounts::AccountTable;
use crate::tr;

#[component]
pub fn CustomerPage() -> impl IntoView {
    let api = use_api();
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").unwrap_or_default()));
    let loaded = Loaded::<CustomerDetailDto>::new(api);
    Effect::new(move |_| loaded.load(format!("/customers/{}", encode_query_value(&id.get()))));
    let phase = loaded.phase();
    view! {
        <p class="back"><A href="/staff/accounts">"← " {tr!(AccountBack)}</A></p>
        {move || match phase.get() {
            Phase::Loading => view! { <Loading /> }.into_any(),
            Phase::Failed(e) => view! { <LoadError err=e /> }.into_any(),
            Phase::Ready => view! { <CustomerBody loaded=loaded /> }.into_any(),
        }}
    }
}

#[component]
fn CustomerBody(loaded: Loaded<CustomerDetailDto>) -> impl IntoView {
    let auth = use_auth();
    let i18n = use_i18n();
    let can_edit = Memo::new(move |_| can_edit_records(auth.role()));
    let c = loaded.data;
    let cid = c.with_untracked(|c| c.as_ref().map(|c| c.id.clone()).unwrap_or_default());
    let text = move |f: &dyn Fn(&CustomerDetailDto) -> String| {
        c.with(|c| c.as_ref().map(f).unwrap_or_default())
    };
    let opt = move |f: &dyn Fn(&CustomerDetailDto) -> Option<String>| {
        c.with(|c| c.as_ref().and_then(f))
            .unwrap_or_else(|| i18n.t(Key::CommonNotSet).to_string())
    };
    let flag = move |f: &dyn Fn(&CustomerDetailDto) -> bool| {
        if c.with(|c| c.as_ref().map(f).unwrap_or(false)) {
            i18n.t(Key::CommonYes)
        } else {
            i18n.t(Key::CommonNo)
        }
    };
    let message = RwSignal::new(None::<String>);
    let editing = RwSignal::new(false);
    let reload = Callback::new(move |msg: String| {
        message.set(Some(msg));
        loaded.reload();
    });
    let cid2 = cid.clone();
    view! {
        <div class="page-head" id="customer-head">
            <h1>{move || text(&|c| c.name.clone())}</h1>
            {move || {
                can_edit
                    .get()
                    .then(|| {
                        view! {
                            <button
                                type="button"
                                class="btn btn-secondary"
                                id="customer-edit"
                                on:click=move |_| {
                                    editing.set(true);
                                    focus_id("cf-name");
                                }
                            >
                                {tr!(CommonEdit)}
                            </button>
                        }
                    })
            }}
        </div>
        <StatusMessage message=message />
        <ErrorAlert error=loaded.reload_error />
        <Show when=move || editing.get()>
            {
                let id = cid.clone();
                move || {
                    c.get()
                        .map(|cur| {
                            view! {
                                <CustomerForm
                                    id=id.clone()
                                    current=cur
                                    on_saved=Callback::new(move |msg: String| {
                                        editing.set(false);
                                        reload.run(msg);
                                    })
                                    on_cancel=Callback::new(move |_| editing.set(false))
                                />
                            }
                        })
                }
            }
        </Show>
        <section class="card" aria-labelledby="customer-details">
            <h2 id="customer-details">{tr!(CustomerDetails)}</h2>
            <dl class="facts">
                <dt>{tr!(AccountCustomerType)}</dt>
                <dd>{move || if c.with(|c| c.as_ref().map(|c| c.is_organisation).unwrap_or(false)) { i18n.t(Key::AccountOrganisation) } else { i18n.t(Key::AccountPerson) }}</dd>
                <dt>{tr!(FieldMailingAddress)}</dt>
                <dd class="pre">{move || text(&|c| c.mailing_address.clone())}</dd>
                <dt>{tr!(FieldPhone)}</dt>
                <dd>{move || opt(&|c| c.phone.clone())}</dd>
                <dt>{tr!(FieldPhoneAlt)}</dt>
                <dd>{move || opt(&|c| c.phone_alt.clone())}</dd>
                <dt>{tr!(FieldEmail)}</dt>
                <dd>{move || opt(&|c| c.email.clone())}</dd>
                <dt>{tr!(AccountPreferredLanguage)}</dt>
                <dd>{move || c.with(|c| c.as_ref().map(|c| i18n.t(locale_key(c.preferred_locale)))).unwrap_or_default()}</dd>
                <dt>{tr!(CustomerNotifyEmail)}</dt>
                <dd>{move || flag(&|c| c.notify_email)}</dd>
                <dt>{tr!(CustomerNotifyText)}</dt>
                <dd>{move || flag(&|c| c.notify_text)}</dd>
                <dt>{tr!(CustomerNotifyMail)}</dt>
                <dd>{move || flag(&|c| c.notify_mail)}</dd>
            </dl>
        </section>
        <section class="card" aria-labelledby="customer-accounts">
            <h2 id="customer-accounts">{tr!(CustomerAccounts)}</h2>
            {move || {
                let list = c.with(|c| c.as_ref().map(|c| c.accounts.clone()).unwrap_or_default());
                if list.is_empty() {
                    view! { <p class="empty">{tr!(AccountsNone)}</p> }.into_any()
                } else {
                    view! { <AccountTable items=list base="/staff/accounts" /> }.into_any()
                }
            }}
        </section>
        <section class="card" aria-labelledby="acct-contacts">
            <h2 id="acct-contacts" tabindex="-1">{tr!(OverviewContacts)}</h2>
            {move || contact_table(i18n, c.with(|c| c.as_ref().map(|c| c.contacts.clone()).unwrap_or_default()))}
            {move || can_edit.get().then(|| view! { <ContactForm customer_id=cid2.clone() account_id=None on_done=reload /> })}
        </section>
    }
}

#[component]
fn CustomerForm(
    id: String,
    current: CustomerDetailDto,
    on_saved: Callback<String>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let api = use_api();
    let i18n = use_i18n();
    let name = RwSignal::new(current.name.clone());
    let is_org = RwSignal::new(current.is_organisation);
    let mailing = RwSignal::new(current.mailing_address.clone());
    let phone = RwSignal::new(current.phone.clone().unwrap_or_default());
    let phone_alt = RwSignal::new(current.phone_alt.clone().unwrap_or_default());
    let email = RwSignal::new(current.email.clone().unwrap_or_default());
    let locale = RwSignal::new(current.preferred_locale.as_str().to_string());
    let notify_email = RwSignal::new(current.notify_email);
    let notify_text = RwSignal::new(current.notify_text);
    let notify_mail = RwSignal::new(current.notify_mail);
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let locales = Signal::derive(move || {
        [Locale::En, Locale::Es]
            .into_iter()
            .map(|l| (l.as_str().to_string(), i18n.t(locale_key(l)).to_string()))
            .collect::<Vec<_>>()
    });
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let input = CustomerInput {
            name: name.get_untracked().trim().to_string(),
            is_organisation: is_org.get_untracked(),
            mailing_address: mailing.get_untracked().trim().to_string(),
            phone: format::non_empty(&phone.get_untracked()),
            phone_alt: format::non_empty(&phone_alt.get_untracked()),
            email: format::non_empty(&email.get_untracked()),
            preferred_locale: Locale::parse(&locale.get_untracked()).unwrap_or_default(),
            notify_email: notify_email.get_untracked(),
            notify_text: notify_text.get_untracked(),
            notify_mail: notify_mail.get_untracked(),
        };
        let mut bad = Vec::new();
        if input.name.is_empty() {
            bad.push(("name", "required"));
        }
        if input.mailing_address.chars().count() < 5 {
            bad.push(("mailing_address", "length"));
        }
        for (f, v) in [("phone", &input.phone), ("phone_alt", &input.phone_alt)] {
            if v.as_ref()
                .is_some_and(|p| !(7..=30).contains(&p.chars().count()))
            {
                bad.push((f, "phone"));
            }
        }
        if input.email.as_ref().is_some_and(|e| !e.contains('@')) {
            bad.push(("email", "email"));
        }
        if !bad.is_empty() {
            error.set(Some(local_problem(&bad)));
            focus_first_invalid();
            return;
        }
        error.set(None);
        busy.set(true);
        let path = format!("/customers/{}", encode_query_value(&id));
        spawn_local(async move {
            let r = api.put::<_, CustomerDetailDto>(&path, &input).await;
            busy.try_set(false);
            match r {
                Ok(_) => on_saved.run(i18n.t(Key::CommonSaved).to_string()),
                Err(e) => {
                    error.try_set(Some(e));
                    focus_first_invalid();
                }
            }
        });
    };
    view! {
        <section class="card" aria-labelledby="customer-form-title">
            <h2 id="customer-form-title">{tr!(CustomerEditTitle)}</h2>
            <ErrorAlert error=error />
            <form class="form form-grid" on:submit=on_submit novalidate>
                <Input id="cf-name" label=Key::FieldName value=name field="name" error=error required=true />
                <Check id="cf-org" label=Key::MoveinIsOrganisation checked=is_org />
                <Input id="cf-mailing" label=Key::FieldMailingAddress value=mailing field="mailing_address" error=error required=true multiline=true class="span-2" />
                <Input id="cf-phone" label=Key::FieldPhone value=phone field="phone" error=error input_type="tel" />
                <Input id="cf-phone-alt" label=Key::FieldPhoneAlt value=phone_alt field="phone_alt" error=error input_type="tel" />
                <Input id="cf-email" label=Key::FieldEmail value=email field="email" error=error input_type="email" />
                <Select id="cf-locale" label=Key::AccountPreferredLanguage value=locale options=locales />
                <fieldset class="radios span-2">
                    <legend>{tr!(CustomerNotifications)}</legend>
                    <Check id="cf-notify-email" label=Key::CustomerNotifyEmail checked=notify_email />
                    <Check id="cf-notify-text" label=Key::CustomerNotifyText checked=notify_text />
                    <Check id="cf-notify-mail" label=Key::CustomerNotifyMail checked=notify_mail />
                </fieldset>
                <div class="form-actions">
                    <button type="submit" class="btn btn-primary" disabled=busy>{tr!(CommonSave)}</button>
                    <button type="button" class="btn btn-secondary" on:click=move |_| on_cancel.run(())>{tr!(CommonCancel)}</button>
                </div>
            </form>
        </section>
    }
}
