//! Customers: the people and organisations accounts belong to.

use crate::address::Address;
use crate::contacts::ContactDto;
use crate::dto::Locale;
use serde::{Deserialize, Serialize};

#[cfg(feature = "server")]
use utoipa::ToSchema;
#[cfg(feature = "server")]
use validator::Validate;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema, Validate))]
pub struct CustomerInput {
    #[cfg_attr(
        feature = "server",
        validate(length(min = 1, max = 200, code = "required"))
    )]
    pub name: String,
    #[serde(default)]
    pub is_organisation: bool,
    /// The mailing address as text (one line, or lines separated by newlines), read by the
    /// server; not needed when `mailing_address_parts` is given. 5 to 400 characters.
    #[serde(default)]
    pub mailing_address: String,
    /// The mailing address in parts (or `foreign`, an address outside the United States);
    /// when given, it is what is stored and `mailing_address` is ignored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mailing_address_parts: Option<Address>,
    #[cfg_attr(
        feature = "server",
        validate(length(min = 7, max = 30, code = "phone"))
    )]
    pub phone: Option<String>,
    #[cfg_attr(
        feature = "server",
        validate(length(min = 7, max = 30, code = "phone"))
    )]
    pub phone_alt: Option<String>,
    #[cfg_attr(feature = "server", validate(email(code = "email")))]
    pub email: Option<String>,
    #[serde(default)]
    pub preferred_locale: Locale,
    #[serde(default)]
    pub notify_email: bool,
    #[serde(default)]
    pub notify_text: bool,
    #[serde(default = "crate::yes")]
    pub notify_mail: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct CustomerDetailDto {
    pub id: String,
    pub name: String,
    pub is_organisation: bool,
    /// The mailing address's display form.
    pub mailing_address: String,
    /// The mailing address in parts; `None` for an address stored before addresses had parts
    /// whose text does not read as one.
    pub mailing_address_parts: Option<Address>,
    pub phone: Option<String>,
    pub phone_alt: Option<String>,
    pub email: Option<String>,
    pub preferred_locale: Locale,
    pub notify_email: bool,
    pub notify_text: bool,
    pub notify_mail: bool,
    pub accounts: Vec<crate::dto::AccountSummaryDto>,
    pub contacts: Vec<ContactDto>,
}

impl CustomerInput {
    /// The mailing address the input gives, in parts or as text (see [`crate::address::resolve`]).
    pub fn mailing(&self) -> Result<Address, crate::address::AddressFieldError> {
        crate::address::resolve(
            "mailing_address",
            "mailing_address_parts",
            &self.mailing_address,
            self.mailing_address_parts.as_ref(),
            400,
            true,
        )
    }
}
