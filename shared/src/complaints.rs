//! Complaints and their resolution.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[cfg(feature = "server")]
use utoipa::ToSchema;
#[cfg(feature = "server")]
use validator::Validate;

crate::string_enum!(
    ComplaintCategory {
        HighBill => "high_bill",
        WaterQuality => "water_quality",
        Leak => "leak",
        Meter => "meter",
        BillingError => "billing_error",
        Service => "service",
        Staff => "staff",
        Other => "other",
    }
);

crate::string_enum!(
    ComplaintStatus { Open => "open", InProgress => "in_progress", Resolved => "resolved", Closed => "closed" }
);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct ComplaintDto {
    pub id: String,
    /// e.g. `CMP-000042`.
    pub number: String,
    pub customer_id: String,
    pub customer_name: String,
    pub account_id: Option<String>,
    pub category: ComplaintCategory,
    pub description: String,
    pub owner_id: Option<String>,
    pub owner_name: Option<String>,
    pub status: ComplaintStatus,
    pub resolution: Option<String>,
    pub opened_at: DateTime<Utc>,
    pub resolved_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema, Validate))]
pub struct ComplaintInput {
    #[cfg_attr(
        feature = "server",
        validate(length(min = 1, max = 64, code = "required"))
    )]
    pub customer_id: String,
    pub account_id: Option<String>,
    pub category: ComplaintCategory,
    #[cfg_attr(
        feature = "server",
        validate(length(min = 1, max = 4000, code = "required"))
    )]
    pub description: String,
    pub owner_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema, Validate))]
pub struct ComplaintUpdate {
    pub status: Option<ComplaintStatus>,
    pub owner_id: Option<String>,
    #[cfg_attr(
        feature = "server",
        validate(length(min = 1, max = 4000, code = "required"))
    )]
    pub resolution: Option<String>,
}

pub use crate::query::ComplaintQuery;
