//! The address fields of a form: house number, street, unit, city, state and ZIP (and, for a
//! mailing address, a free-form address abroad). The form sends the address in parts
//! ([`Address`]); the page shows it in its one display form.

use cistern_shared::address::Address;
use cistern_shared::FieldCode;
use leptos::prelude::*;

use crate::api::ApiError;
use crate::components::{Check, Input};
use crate::i18n::{use_i18n, Key};

/// The API field paths of an address's parts in one request body, so each field shows its
/// own errors.
#[derive(Debug, Clone, Copy)]
pub struct AddressNames {
    pub house_number: &'static str,
    pub street: &'static str,
    pub unit: &'static str,
    pub city: &'static str,
    pub state: &'static str,
    pub zip: &'static str,
    pub foreign: &'static str,
}

macro_rules! address_names {
    ($p:literal) => {
        AddressNames {
            house_number: concat!($p, ".house_number"),
            street: concat!($p, ".street"),
            unit: concat!($p, ".unit"),
            city: concat!($p, ".city"),
            state: concat!($p, ".state"),
            zip: concat!($p, ".zip"),
            foreign: concat!($p, ".foreign"),
        }
    };
}

impl AddressNames {
    /// `CustomerInput::mailing_address_parts`.
    pub const MAILING: AddressNames = address_names!("mailing_address_parts");
    /// The move-in's new customer's mailing address.
    pub const NEW_CUSTOMER_MAILING: AddressNames =
        address_names!("new_customer.mailing_address_parts");
    /// `PremiseInput::service_address_parts`.
    pub const SERVICE: AddressNames = address_names!("service_address_parts");

    /// The field a part's problem shows on (directions and suffix are typed in the street
    /// field, ZIP+4 in the ZIP field).
    pub fn of(&self, part: &str) -> &'static str {
        match part {
            "house_number" => self.house_number,
            "unit" => self.unit,
            "city" => self.city,
            "state" => self.state,
            "zip" | "zip4" => self.zip,
            "foreign" => self.foreign,
            _ => self.street,
        }
    }
}

/// The values of an address's fields.
#[derive(Debug, Clone, Copy)]
pub struct AddressForm {
    pub house_number: RwSignal<String>,
    pub street: RwSignal<String>,
    pub unit: RwSignal<String>,
    pub city: RwSignal<String>,
    pub state: RwSignal<String>,
    pub zip: RwSignal<String>,
    /// The address is outside the United States (mailing addresses only).
    pub abroad: RwSignal<bool>,
    pub foreign: RwSignal<String>,
}

impl Default for AddressForm {
    fn default() -> Self {
        AddressForm::new(None, "")
    }
}

impl AddressForm {
    /// Fields filled from a stored address: its parts, or (stored before addresses had parts)
    /// its text read as an address, or else the text in the street field to be corrected.
    pub fn new(parts: Option<&Address>, text: &str) -> AddressForm {
        let a = parts.cloned().or_else(|| Address::parse(text).ok());
        let s = |v: &str| RwSignal::new(v.to_owned());
        match a {
            Some(a) => {
                let street = [
                    a.pre_direction.as_deref(),
                    Some(a.street.as_str()).filter(|s| !s.is_empty()),
                    a.suffix.as_deref(),
                    a.post_direction.as_deref(),
                ]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ");
                let zip = match (&a.zip, &a.zip4) {
                    (Some(z), Some(f)) => format!("{z}-{f}"),
                    (Some(z), None) => z.clone(),
                    _ => String::new(),
                };
                AddressForm {
                    house_number: s(a.house_number.as_deref().unwrap_or_default()),
                    street: s(&street),
                    unit: s(a.unit.as_deref().unwrap_or_default()),
                    city: s(a.city.as_deref().unwrap_or_default()),
                    state: s(a.state.as_deref().unwrap_or_default()),
                    zip: s(&zip),
                    abroad: RwSignal::new(a.foreign.is_some()),
                    foreign: s(a.foreign.as_deref().unwrap_or_default()),
                }
            }
            None => AddressForm {
                house_number: s(""),
                street: s(text.trim()),
                unit: s(""),
                city: s(""),
                state: s(""),
                zip: s(""),
                abroad: RwSignal::new(false),
                foreign: s(""),
            },
        }
    }

    /// The address the fields hold (not yet checked).
    pub fn address(&self) -> Address {
        if self.abroad.get_untracked() {
            return Address {
                foreign: Some(self.foreign.get_untracked().trim().to_owned()),
                ..Address::default()
            };
        }
        Address::from_form(
            &self.house_number.get_untracked(),
            &self.street.get_untracked(),
            &self.unit.get_untracked(),
            &self.city.get_untracked(),
            &self.state.get_untracked(),
            &self.zip.get_untracked(),
        )
    }

    /// What the server would refuse in the address, as (field, code), found before sending.
    pub fn problems(&self, names: &AddressNames) -> Vec<(&'static str, FieldCode)> {
        let a = self.address();
        if a.foreign.as_deref().is_some_and(str::is_empty) {
            return vec![(names.foreign, FieldCode::Required)];
        }
        match a.normalized() {
            Ok(_) => Vec::new(),
            Err((part, e)) => vec![(names.of(part), e.code())],
        }
    }

    /// Empties every field.
    pub fn clear(&self) {
        for s in [
            self.house_number,
            self.street,
            self.unit,
            self.city,
            self.state,
            self.zip,
            self.foreign,
        ] {
            s.set(String::new());
        }
        self.abroad.set(false);
    }
}

/// An address's fields in a fieldset: `{id}-house`, `{id}-street`, `{id}-unit`, `{id}-city`,
/// `{id}-state`, `{id}-zip` (and `{id}-abroad`, `{id}-foreign` where `allow_foreign`).
#[component]
pub fn AddressFields(
    id: &'static str,
    legend: Key,
    form: AddressForm,
    names: AddressNames,
    #[prop(into)] error: Signal<Option<ApiError>>,
    #[prop(optional)] allow_foreign: bool,
    #[prop(optional)] hint: Option<Key>,
) -> impl IntoView {
    let i18n = use_i18n();
    let abroad = form.abroad;
    view! {
        <fieldset class="address-fields span-2" id=id>
            <legend>{move || i18n.t(legend)}</legend>
            {hint.map(|h| view! { <p class="hint">{move || i18n.t(h)}</p> })}
            {allow_foreign.then(|| view! {
                <Check id=format!("{id}-abroad") label=Key::AddressAbroad checked=abroad />
            })}
            <div class="form-grid" hidden=move || abroad.get()>
                <Input id=format!("{id}-house") label=Key::AddressHouseNumber value=form.house_number field=names.house_number error=error inputmode="text" />
                <Input id=format!("{id}-street") label=Key::AddressStreet value=form.street field=names.street error=error required=true hint=Key::AddressStreetHint />
                <Input id=format!("{id}-unit") label=Key::AddressUnit value=form.unit field=names.unit error=error />
                <Input id=format!("{id}-city") label=Key::AddressCity value=form.city field=names.city error=error autocomplete="address-level2" />
                <Input id=format!("{id}-state") label=Key::AddressState value=form.state field=names.state error=error autocomplete="address-level1" />
                <Input id=format!("{id}-zip") label=Key::AddressZip value=form.zip field=names.zip error=error autocomplete="postal-code" inputmode="numeric" />
            </div>
            {allow_foreign.then(|| view! {
                <div hidden=move || !abroad.get()>
                    <Input id=format!("{id}-foreign") label=Key::AddressForeign value=form.foreign field=names.foreign error=error multiline=true required=true />
                </div>
            })}
        </fieldset>
    }
}
