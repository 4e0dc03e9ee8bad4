//! `/staff/customers/:id`: a customer — details (editable by clerks), accounts and the
//! contact history, with the form to log a contact.

use cistern_shared::customers::{CustomerDetailDto, CustomerInput};
use cistern_shared::dto::Locale;
use cistern_shared::FieldCode;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::{use_api, use_auth};
use crate::app::can_edit_records;
use crate::components::{
    AddressFields, AddressForm, AddressNames, Check, EditButton, ErrorAlert, Fact, Facts, Input,
    Loaded, Select, StatusMessage, Submit, SubmitButton,
};
use crate::format;
use crate::i18n::{locale_key, use_i18n, Key};
use crate::pages::account::{contact_table, ContactForm};
use crate::pages::accounts::account_table_or_none;
use crate::tr;

#[component]
pub fn CustomerPage() -> impl IntoView {
    let api = use_api();
    let loaded =
        Loaded::<CustomerDetailDto>::from_route_id(
            move |id| async move { api.customer(&id).await },
        );
    view! {
        <p class="back"><A href="/staff/accounts">"← " {tr!(AccountBack)}</A></p>
        {loaded.view(move || view! { <CustomerBody loaded=loaded /> }.into_any())}
    }
}

#[component]
fn CustomerBody(loaded: Loaded<CustomerDetailDto>) -> impl IntoView {
    let auth = use_auth();
    let i18n = use_i18n();
    let can_edit = Memo::new(move |_| can_edit_records(auth.role()));
    let cid = loaded.untracked(|c| c.id.clone());
    let text = move |f: &dyn Fn(&CustomerDetailDto) -> String| loaded.text(f);
    let opt = move |f: &dyn Fn(&CustomerDetailDto) -> Option<String>| loaded.or_not_set(i18n, f);
    let flag = move |f: &dyn Fn(&CustomerDetailDto) -> bool| loaded.yes_no(i18n, f);
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
            {move || can_edit.get().then(|| view! { <EditButton editing=editing id="customer-edit" focus="cf-name" /> })}
        </div>
        <StatusMessage message=message />
        <ErrorAlert error=loaded.reload_error />
        {
            let id = cid.clone();
            loaded.edit_form(editing, reload, move |cur, saved, cancel| {
                view! { <CustomerForm id=id.clone() current=cur on_saved=saved on_cancel=cancel /> }.into_any()
            })
        }
        <section class="card" aria-labelledby="customer-details">
            <h2 id="customer-details">{tr!(CustomerDetails)}</h2>
            <Facts>
                <Fact label=Key::AccountCustomerType>
                    {move || if loaded.read(|c| c.is_organisation).unwrap_or(false) { i18n.t(Key::AccountOrganisation) } else { i18n.t(Key::AccountPerson) }}
                </Fact>
                <Fact label=Key::FieldMailingAddress>{move || text(&|c| c.mailing_address.clone())}</Fact>
                <Fact label=Key::FieldPhone>{move || opt(&|c| c.phone.clone())}</Fact>
                <Fact label=Key::FieldPhoneAlt>{move || opt(&|c| c.phone_alt.clone())}</Fact>
                <Fact label=Key::FieldEmail>{move || opt(&|c| c.email.clone())}</Fact>
                <Fact label=Key::AccountPreferredLanguage>{move || loaded.read(|c| i18n.t(locale_key(c.preferred_locale))).unwrap_or_default()}</Fact>
                <Fact label=Key::CustomerNotifyEmail>{move || flag(&|c| c.notify_email)}</Fact>
                <Fact label=Key::CustomerNotifyText>{move || flag(&|c| c.notify_text)}</Fact>
                <Fact label=Key::CustomerNotifyMail>{move || flag(&|c| c.notify_mail)}</Fact>
            </Facts>
        </section>
        <section class="card" aria-labelledby="customer-accounts">
            <h2 id="customer-accounts">{tr!(CustomerAccounts)}</h2>
            {move || account_table_or_none(loaded.read(|c| c.accounts.clone()).unwrap_or_default(), Key::AccountsNone)}
        </section>
        <section class="card" aria-labelledby="acct-contacts">
            <h2 id="acct-contacts" tabindex="-1">{tr!(OverviewContacts)}</h2>
            {move || contact_table(i18n, loaded.read(|c| c.contacts.clone()).unwrap_or_default())}
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
    let mailing = AddressForm::new(
        current.mailing_address_parts.as_ref(),
        &current.mailing_address,
    );
    let phone = RwSignal::new(current.phone.clone().unwrap_or_default());
    let phone_alt = RwSignal::new(current.phone_alt.clone().unwrap_or_default());
    let email = RwSignal::new(current.email.clone().unwrap_or_default());
    let locale = RwSignal::new(current.preferred_locale.as_str().to_string());
    let notify_email = RwSignal::new(current.notify_email);
    let notify_text = RwSignal::new(current.notify_text);
    let notify_mail = RwSignal::new(current.notify_mail);
    let submit = Submit::new();
    let error = submit.error;
    let locales = Signal::derive(move || {
        [Locale::En, Locale::Es]
            .into_iter()
            .map(|l| (l.as_str().to_string(), i18n.t(locale_key(l)).to_string()))
            .collect::<Vec<_>>()
    });
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if submit.is_busy() {
            return;
        }
        let input = CustomerInput {
            name: name.get_untracked().trim().to_string(),
            is_organisation: is_org.get_untracked(),
            mailing_address: String::new(),
            mailing_address_parts: Some(mailing.address()),
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
            bad.push(("name", FieldCode::Required));
        }
        bad.extend(mailing.problems(&AddressNames::MAILING));
        for (f, v) in [("phone", &input.phone), ("phone_alt", &input.phone_alt)] {
            if v.as_ref()
                .is_some_and(|p| !(7..=30).contains(&p.chars().count()))
            {
                bad.push((f, FieldCode::Phone));
            }
        }
        if input.email.as_ref().is_some_and(|e| !e.contains('@')) {
            bad.push(("email", FieldCode::Email));
        }
        if !bad.is_empty() {
            submit.invalid(&bad);
            return;
        }
        let id = id.clone();
        submit.send(
            async move { api.update_customer(&id, &input).await },
            move |_| on_saved.run(i18n.t(Key::CommonSaved).to_string()),
        );
    };
    view! {
        <section class="card" aria-labelledby="customer-form-title">
            <h2 id="customer-form-title">{tr!(CustomerEditTitle)}</h2>
            <ErrorAlert error=error />
            <form class="form form-grid" on:submit=on_submit novalidate>
                <Input id="cf-name" label=Key::FieldName value=name field="name" error=error required=true />
                <Check id="cf-org" label=Key::MoveinIsOrganisation checked=is_org />
                <AddressFields id="cf-mailing" legend=Key::FieldMailingAddress form=mailing names=AddressNames::MAILING error=error allow_foreign=true />
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
                    <SubmitButton submit=submit label=Key::CommonSave />
                    <button type="button" class="btn btn-secondary" on:click=move |_| on_cancel.run(())>{tr!(CommonCancel)}</button>
                </div>
            </form>
        </section>
    }
}
