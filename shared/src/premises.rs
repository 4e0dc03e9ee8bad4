//! Premises: the places service is delivered to.

use crate::address::Address;
use crate::meters::MeterDto;
use crate::orders::ServiceOrderDto;
use crate::sdcs::SdcChargeDto;
use crate::services::ServiceDto;
use serde::{Deserialize, Serialize};

#[cfg(feature = "server")]
use utoipa::ToSchema;
#[cfg(feature = "server")]
use validator::Validate;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema, Validate))]
pub struct PremiseInput {
    /// The service address as text, read by the server; not needed when
    /// `service_address_parts` is given. 5 to 200 characters.
    #[serde(default)]
    pub service_address: String,
    /// The service address in parts; when given, it is what is stored and `service_address`
    /// is ignored. A service address is never foreign.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_address_parts: Option<Address>,
    #[cfg_attr(
        feature = "server",
        validate(length(min = 1, max = 40, code = "length"))
    )]
    pub parcel: Option<String>,
    #[serde(default = "crate::yes")]
    pub inside_city: bool,
    /// Cycle code, e.g. `C1`.
    #[cfg_attr(
        feature = "server",
        validate(length(min = 1, max = 10, code = "required"))
    )]
    pub cycle_code: String,
    #[cfg_attr(
        feature = "server",
        validate(length(min = 1, max = 10, code = "required"))
    )]
    pub route: String,
    #[cfg_attr(
        feature = "server",
        validate(range(min = 0, max = 1_000_000, code = "range"))
    )]
    pub read_sequence: i32,
    #[cfg_attr(
        feature = "server",
        validate(range(min = 1, max = 5000, code = "range"))
    )]
    #[serde(default = "one")]
    pub dwelling_units: i32,
    #[cfg_attr(feature = "server", validate(length(max = 2000, code = "length")))]
    pub notes: Option<String>,
}

impl PremiseInput {
    /// The service address the input gives, in parts or as text (see
    /// [`crate::address::resolve`]).
    pub fn service(&self) -> Result<Address, crate::address::AddressFieldError> {
        crate::address::resolve(
            "service_address",
            "service_address_parts",
            &self.service_address,
            self.service_address_parts.as_ref(),
            200,
            false,
        )
    }
}

fn one() -> i32 {
    1
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct PremiseDetailDto {
    pub id: String,
    /// The service address's display form.
    pub service_address: String,
    /// The service address in parts; `None` for an address stored before addresses had parts
    /// whose text does not read as one.
    pub service_address_parts: Option<Address>,
    pub parcel: Option<String>,
    pub inside_city: bool,
    pub cycle_code: String,
    pub route: String,
    pub read_sequence: i32,
    pub dwelling_units: i32,
    pub notes: Option<String>,
    pub meters: Vec<MeterDto>,
    pub services: Vec<ServiceDto>,
    /// Every account ever at this premise, newest first.
    pub accounts: Vec<crate::dto::AccountSummaryDto>,
    pub sdc_charges: Vec<SdcChargeDto>,
    pub open_orders: Vec<ServiceOrderDto>,
}

/// A premise in a list: where it is, and whether it is served now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct PremiseSummaryDto {
    pub id: String,
    pub service_address: String,
    pub parcel: Option<String>,
    pub inside_city: bool,
    pub cycle_code: String,
    /// Meters installed there now.
    pub meters_installed: i64,
    /// The account open there now (pending, active or suspended); `None`: vacant.
    pub current_account_number: Option<String>,
}

pub use crate::query::PremiseQuery;

pub use crate::query::PeriodQuery;
