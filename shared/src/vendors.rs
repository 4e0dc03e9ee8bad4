//! Vendors the utility works with.

use serde::{Deserialize, Serialize};

#[cfg(feature = "server")]
use utoipa::ToSchema;
#[cfg(feature = "server")]
use validator::Validate;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema, Validate))]
pub struct VendorInput {
    #[cfg_attr(
        feature = "server",
        validate(length(min = 1, max = 200, code = "required"))
    )]
    pub name: String,
    /// e.g. `billing_software`, `phone_notification`, `postal`, `meters`, `printing`.
    #[cfg_attr(
        feature = "server",
        validate(length(min = 1, max = 60, code = "required"))
    )]
    pub category: String,
    #[cfg_attr(feature = "server", validate(length(max = 120, code = "length")))]
    pub contact_name: Option<String>,
    #[cfg_attr(feature = "server", validate(length(max = 30, code = "length")))]
    pub phone: Option<String>,
    #[cfg_attr(feature = "server", validate(email(code = "email")))]
    pub email: Option<String>,
    #[cfg_attr(feature = "server", validate(length(max = 4000, code = "length")))]
    pub notes: Option<String>,
    #[serde(default = "crate::yes")]
    pub active: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct VendorDto {
    pub id: String,
    pub name: String,
    pub category: String,
    pub contact_name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub notes: Option<String>,
    pub active: bool,
}
