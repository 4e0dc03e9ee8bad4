//! Service orders and the workflows that create them: move-in, move-out, transfer.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::customers::CustomerInput;
use crate::Money;

#[cfg(feature = "server")]
use utoipa::ToSchema;
#[cfg(feature = "server")]
use validator::Validate;

crate::string_enum!(
    /// Whether the account holder owns the premise or rents it.
    Occupant { Owner => "owner", Tenant => "tenant" }
);

crate::string_enum!(
    OrderType {
        MeterSet => "meter_set",
        TurnOn => "turn_on",
        TurnOff => "turn_off",
        FinalRead => "final_read",
        Reread => "reread",
        LeakCheck => "leak_check",
        ShutOffNonpayment => "shut_off_nonpayment",
        Reconnect => "reconnect",
        MeterChange => "meter_change",
        Locate => "locate",
    }
);

crate::string_enum!(
    OrderStatus { Open => "open", Completed => "completed", Cancelled => "cancelled" }
);

crate::string_enum!(
    Priority { Low => "low", Normal => "normal", High => "high", Urgent => "urgent" }
);

/// Someone service orders can be assigned to (an active field user, lead or administrator),
/// with the open work they already carry, so the lead can spread it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct AssigneeDto {
    pub id: String,
    pub display_name: String,
    pub role: crate::Role,
    /// Open orders assigned to them.
    pub open_orders: i64,
    /// Of those, the ones due before the business date.
    pub overdue_orders: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct ServiceOrderDto {
    pub id: String,
    /// e.g. `SO-000123`.
    pub number: String,
    pub order_type: OrderType,
    pub status: OrderStatus,
    pub priority: Priority,
    pub premise_id: String,
    pub service_address: String,
    pub account_id: Option<String>,
    pub account_number: Option<String>,
    pub customer_name: Option<String>,
    pub meter_id: Option<String>,
    pub meter_serial: Option<String>,
    pub new_meter_id: Option<String>,
    pub new_meter_serial: Option<String>,
    pub assigned_to: Option<String>,
    pub assigned_name: Option<String>,
    pub due_on: NaiveDate,
    pub instructions: Option<String>,
    pub created_at: DateTime<Utc>,
    pub completed_on: Option<NaiveDate>,
    pub reading: Option<i64>,
    pub new_reading: Option<i64>,
    pub completion_notes: Option<String>,
    pub cancel_reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema, Validate))]
pub struct CreateServiceOrder {
    pub order_type: OrderType,
    #[cfg_attr(
        feature = "server",
        validate(length(min = 1, max = 64, code = "required"))
    )]
    pub premise_id: String,
    pub account_id: Option<String>,
    pub meter_id: Option<String>,
    /// For `meter_change` and `meter_set`: the meter from stock to install.
    pub new_meter_id: Option<String>,
    pub assigned_to: Option<String>,
    pub due_on: NaiveDate,
    #[serde(default = "normal")]
    pub priority: Priority,
    #[cfg_attr(feature = "server", validate(length(max = 2000, code = "length")))]
    pub instructions: Option<String>,
    /// Create it even though an order of the same type is open at the premise.
    #[serde(default)]
    pub allow_duplicate: bool,
}

fn normal() -> Priority {
    Priority::Normal
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema, Validate))]
pub struct AssignServiceOrder {
    /// A field user's id, or null to unassign.
    pub assigned_to: Option<String>,
    pub due_on: Option<NaiveDate>,
    pub priority: Option<Priority>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema, Validate))]
pub struct CompleteServiceOrder {
    pub completed_on: NaiveDate,
    /// The reading taken (required for meter set, turn on, turn off, final read, reread,
    /// reconnect and meter change; for a change-out, the old meter's final reading).
    pub reading: Option<i64>,
    /// For a meter change: the new meter's initial reading.
    pub new_reading: Option<i64>,
    #[cfg_attr(feature = "server", validate(length(max = 2000, code = "length")))]
    pub notes: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema, Validate))]
pub struct CancelServiceOrder {
    #[cfg_attr(
        feature = "server",
        validate(length(min = 1, max = 500, code = "required"))
    )]
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema, Validate))]
pub struct MoveInRequest {
    /// An existing customer, or...
    pub customer_id: Option<String>,
    /// ...a new one.
    #[cfg_attr(feature = "server", validate(nested))]
    pub new_customer: Option<CustomerInput>,
    #[cfg_attr(
        feature = "server",
        validate(length(min = 1, max = 64, code = "required"))
    )]
    pub premise_id: String,
    pub occupant: Occupant,
    /// The first day of service.
    pub start_on: NaiveDate,
    /// For rentals: the owner who receives a copy of each bill.
    pub owner_copy_customer_id: Option<String>,
    #[serde(default)]
    pub paperless: bool,
    #[serde(default)]
    pub autopay: bool,
    /// The meter from stock to set, when the premise has none installed.
    pub meter_id: Option<String>,
    /// Field user to assign the orders to.
    pub assigned_to: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct MoveInResult {
    pub account: crate::dto::AccountDto,
    /// The deposit the configured rules require (owner or tenant); charged with receivables.
    pub deposit_required: Money,
    /// The rule that set it, e.g. "tenant deposit".
    pub deposit_rule: String,
    pub service_orders: Vec<ServiceOrderDto>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema, Validate))]
pub struct MoveOutRequest {
    /// The last day of service: the final read is due then.
    pub move_out_on: NaiveDate,
    /// The customer's new mailing address as text, read by the server (5 to 400 characters).
    pub forwarding_address: Option<String>,
    /// The new mailing address in parts; when given, `forwarding_address` is ignored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub forwarding_address_parts: Option<crate::address::Address>,
    pub assigned_to: Option<String>,
    #[cfg_attr(feature = "server", validate(length(max = 500, code = "length")))]
    pub reason: Option<String>,
}

impl MoveOutRequest {
    /// The forwarding address, if the request gives one (in parts or as text).
    pub fn forwarding(
        &self,
    ) -> Result<Option<crate::address::Address>, crate::address::AddressFieldError> {
        if self.forwarding_address.is_none() && self.forwarding_address_parts.is_none() {
            return Ok(None);
        }
        crate::address::resolve(
            "forwarding_address",
            "forwarding_address_parts",
            self.forwarding_address.as_deref().unwrap_or_default(),
            self.forwarding_address_parts.as_ref(),
            400,
            true,
        )
        .map(Some)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema, Validate))]
pub struct TransferRequest {
    #[cfg_attr(
        feature = "server",
        validate(length(min = 1, max = 64, code = "required"))
    )]
    pub to_premise_id: String,
    pub move_out_on: NaiveDate,
    pub move_in_on: NaiveDate,
    pub occupant: Occupant,
    /// The meter from stock to set at the new premise, when it has none installed.
    #[serde(default)]
    pub meter_id: Option<String>,
    pub assigned_to: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct TransferResult {
    pub final_read_order: ServiceOrderDto,
    pub new_account: MoveInResult,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enums_round_trip() {
        for t in OrderType::ALL {
            assert_eq!(OrderType::parse(t.as_str()), Some(*t));
            assert_eq!(
                serde_json::to_string(t).unwrap(),
                format!("\"{}\"", t.as_str())
            );
        }
    }
}
