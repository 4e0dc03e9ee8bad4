//! System development charges assessed on a premise.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::Money;

#[cfg(feature = "server")]
use utoipa::ToSchema;
#[cfg(feature = "server")]
use validator::Validate;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct SdcChargeDto {
    pub id: String,
    pub permit_number: String,
    pub service_type: String,
    pub amount: Money,
    pub assessed_on: NaiveDate,
    pub paid_on: Option<NaiveDate>,
    pub notes: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema, Validate))]
pub struct SdcChargeInput {
    #[cfg_attr(
        feature = "server",
        validate(length(min = 1, max = 40, code = "required"))
    )]
    pub permit_number: String,
    #[cfg_attr(
        feature = "server",
        validate(length(min = 1, max = 30, code = "required"))
    )]
    pub service_type: String,
    pub amount: Money,
    pub assessed_on: NaiveDate,
    pub paid_on: Option<NaiveDate>,
    #[cfg_attr(feature = "server", validate(length(max = 2000, code = "length")))]
    pub notes: Option<String>,
}
