//! Customers: the people and organisations accounts belong to.

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
    /// Full mailing address, lines separated by newlines.
    #[cfg_attr(
        feature = "server",
        validate(length(min = 5, max = 400, code = "length"))
    )]
    pub mailing_address: String,
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
    pub mailing_address: String,
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
