//! Services at a premise (water, sewer, stormwater, fees) and their seasonal status.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

#[cfg(feature = "server")]
use utoipa::ToSchema;
#[cfg(feature = "server")]
use validator::Validate;

crate::string_enum!(
    ServiceType { Water => "water", Sewer => "sewer", Stormwater => "stormwater", Fee => "fee" }
);

crate::string_enum!(
    ServiceStatus { Active => "active", SeasonalOff => "seasonal_off", Inactive => "inactive" }
);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema, Validate))]
pub struct ServiceInput {
    pub service_type: ServiceType,
    /// e.g. `sfr` (single-family residential), `mfr`, `commercial`, `irrigation`.
    #[cfg_attr(
        feature = "server",
        validate(length(min = 1, max = 30, code = "required"))
    )]
    pub customer_class: String,
    /// The rate code the bill calculation uses, e.g. `W-RES-IN`.
    #[cfg_attr(
        feature = "server",
        validate(length(min = 1, max = 30, code = "required"))
    )]
    pub rate_code: String,
    /// Equivalent service units for stormwater (exact decimal).
    #[cfg_attr(feature = "server", schema(value_type = Option<String>))]
    pub esu: Option<Decimal>,
    pub started_on: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct ServiceDto {
    pub id: String,
    pub premise_id: String,
    pub service_type: ServiceType,
    pub customer_class: String,
    pub rate_code: String,
    pub status: ServiceStatus,
    #[cfg_attr(feature = "server", schema(value_type = Option<String>))]
    pub esu: Option<Decimal>,
    pub started_on: NaiveDate,
    pub ended_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema, Validate))]
pub struct ServiceStatusChange {
    /// `seasonal_off` turns one service off without closing the account; `active` turns it back on.
    pub status: ServiceStatus,
    pub effective_on: NaiveDate,
    #[cfg_attr(
        feature = "server",
        validate(length(min = 1, max = 500, code = "required"))
    )]
    pub reason: String,
}
