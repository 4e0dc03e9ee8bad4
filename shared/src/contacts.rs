//! Contacts: each conversation with a customer.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[cfg(feature = "server")]
use utoipa::ToSchema;
#[cfg(feature = "server")]
use validator::Validate;

crate::string_enum!(
    ContactChannel {
        Phone => "phone",
        Email => "email",
        InPerson => "in_person",
        Letter => "letter",
        Portal => "portal",
        Text => "text",
    }
);

crate::string_enum!(
    ContactDirection { Inbound => "inbound", Outbound => "outbound" }
);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct ContactDto {
    pub id: String,
    pub account_id: Option<String>,
    pub channel: ContactChannel,
    pub direction: ContactDirection,
    pub subject: String,
    pub body: Option<String>,
    pub staff_name: Option<String>,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema, Validate))]
pub struct ContactInput {
    pub account_id: Option<String>,
    pub channel: ContactChannel,
    pub direction: ContactDirection,
    #[cfg_attr(
        feature = "server",
        validate(length(min = 1, max = 200, code = "required"))
    )]
    pub subject: String,
    #[cfg_attr(feature = "server", validate(length(max = 4000, code = "length")))]
    pub body: Option<String>,
}
