//! Customer information: customers, premises, meters, services, service orders, the
//! move-in / move-out / transfer workflows, notes, contacts, complaints, vendors and system
//! development charges. Request and response bodies shared by the server and the client.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::dto::{AccountStatus, Locale};
use crate::Money;

#[cfg(feature = "server")]
use utoipa::ToSchema;
#[cfg(feature = "server")]
use validator::Validate;

/// An enum stored as TEXT: its wire name is its column value. On the server it is also a
/// diesel type, so a row with an unknown value fails to load instead of becoming a default.
#[macro_export]
macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $text:literal),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[cfg_attr(feature = "server", derive(utoipa::ToSchema, diesel::AsExpression, diesel::FromSqlRow))]
        #[cfg_attr(feature = "server", diesel(sql_type = diesel::sql_types::Text))]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),* }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),*];
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),* }
            }
            pub fn parse(s: &str) -> Option<$name> {
                match s { $($text => Some($name::$variant),)* _ => None }
            }
        }

        $crate::text_column!($name);
    };
}

/// Diesel conversions for a type with `as_str` and `parse`, on both backends.
#[macro_export]
#[cfg(feature = "server")]
macro_rules! text_column {
    ($name:ident) => {
        impl diesel::serialize::ToSql<diesel::sql_types::Text, diesel::sqlite::Sqlite> for $name {
            fn to_sql<'b>(
                &'b self,
                out: &mut diesel::serialize::Output<'b, '_, diesel::sqlite::Sqlite>,
            ) -> diesel::serialize::Result {
                out.set_value(self.as_str());
                Ok(diesel::serialize::IsNull::No)
            }
        }
        impl diesel::serialize::ToSql<diesel::sql_types::Text, diesel::pg::Pg> for $name {
            fn to_sql<'b>(
                &'b self,
                out: &mut diesel::serialize::Output<'b, '_, diesel::pg::Pg>,
            ) -> diesel::serialize::Result {
                <str as diesel::serialize::ToSql<diesel::sql_types::Text, diesel::pg::Pg>>::to_sql(
                    self.as_str(),
                    &mut out.reborrow(),
                )
            }
        }
        impl diesel::deserialize::FromSql<diesel::sql_types::Text, diesel::sqlite::Sqlite>
            for $name
        {
            fn from_sql(
                bytes: <diesel::sqlite::Sqlite as diesel::backend::Backend>::RawValue<'_>,
            ) -> diesel::deserialize::Result<Self> {
                let s = <String as diesel::deserialize::FromSql<
                    diesel::sql_types::Text,
                    diesel::sqlite::Sqlite,
                >>::from_sql(bytes)?;
                $name::parse(&s).ok_or_else(|| {
                    format!("unknown {} `{}` in the database", stringify!($name), s).into()
                })
            }
        }
        impl diesel::deserialize::FromSql<diesel::sql_types::Text, diesel::pg::Pg> for $name {
            fn from_sql(
                bytes: <diesel::pg::Pg as diesel::backend::Backend>::RawValue<'_>,
            ) -> diesel::deserialize::Result<Self> {
                let s = <String as diesel::deserialize::FromSql<
                    diesel::sql_types::Text,
                    diesel::pg::Pg,
                >>::from_sql(bytes)?;
                $name::parse(&s).ok_or_else(|| {
                    format!("unknown {} `{}` in the database", stringify!($name), s).into()
                })
            }
        }
    };
}

#[macro_export]
#[cfg(not(feature = "server"))]
macro_rules! text_column {
    ($name:ident) => {};
}

string_enum!(
    /// Whether the account holder owns the premise or rents it.
    Occupant { Owner => "owner", Tenant => "tenant" }
);
string_enum!(
    MeterKind {
        PositiveDisplacement => "positive_displacement",
        Compound => "compound",
        Turbine => "turbine",
        Electromagnetic => "electromagnetic",
        Ultrasonic => "ultrasonic",
    }
);
string_enum!(
    /// The unit a meter's register counts in.
    MeterUnit { Ccf => "ccf", CubicFeet => "cubic_feet", Gallons => "gallons", Kgal => "kgal" }
);
string_enum!(
    MeterStatus { InStock => "in_stock", Installed => "installed", Removed => "removed", Retired => "retired" }
);
string_enum!(
    /// `main` for a plain meter; `low` and `high` for the two registers of a compound meter.
    RegisterCode { Main => "main", Low => "low", High => "high" }
);
string_enum!(
    ServiceType { Water => "water", Sewer => "sewer", Stormwater => "stormwater", Fee => "fee" }
);
string_enum!(
    ServiceStatus { Active => "active", SeasonalOff => "seasonal_off", Inactive => "inactive" }
);
string_enum!(
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
string_enum!(
    OrderStatus { Open => "open", Completed => "completed", Cancelled => "cancelled" }
);
string_enum!(
    Priority { Low => "low", Normal => "normal", High => "high", Urgent => "urgent" }
);
string_enum!(
    ContactChannel {
        Phone => "phone",
        Email => "email",
        InPerson => "in_person",
        Letter => "letter",
        Portal => "portal",
        Text => "text",
    }
);
string_enum!(
    ContactDirection { Inbound => "inbound", Outbound => "outbound" }
);
string_enum!(
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
string_enum!(
    ComplaintStatus { Open => "open", InProgress => "in_progress", Resolved => "resolved", Closed => "closed" }
);

// ---------------------------------------------------------------- customers

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
    #[serde(default = "yes")]
    pub notify_mail: bool,
}

fn yes() -> bool {
    true
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

// ---------------------------------------------------------------- premises, meters, services

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema, Validate))]
pub struct PremiseInput {
    #[cfg_attr(
        feature = "server",
        validate(length(min = 5, max = 200, code = "length"))
    )]
    pub service_address: String,
    #[cfg_attr(
        feature = "server",
        validate(length(min = 1, max = 40, code = "length"))
    )]
    pub parcel: Option<String>,
    #[serde(default = "yes")]
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

fn one() -> i32 {
    1
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct RegisterDto {
    pub code: RegisterCode,
    /// Digits on the register's dial: the reading rolls over at 10^digits.
    pub digits: i32,
    /// Units per count on the dial (exact decimal, e.g. "1", "10", "0.01").
    #[cfg_attr(feature = "server", schema(value_type = String))]
    pub multiplier: Decimal,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema, Validate))]
pub struct MeterInput {
    #[cfg_attr(
        feature = "server",
        validate(length(min = 3, max = 40, code = "length"))
    )]
    pub serial: String,
    /// Nominal size in inches, e.g. `5/8`, `3/4`, `1`, `1-1/2`, `2`.
    #[cfg_attr(
        feature = "server",
        validate(length(min = 1, max = 10, code = "required"))
    )]
    pub size: String,
    pub kind: MeterKind,
    pub unit: MeterUnit,
    #[cfg_attr(feature = "server", validate(length(max = 80, code = "length")))]
    pub manufacturer: Option<String>,
    #[cfg_attr(feature = "server", validate(length(max = 80, code = "length")))]
    pub model: Option<String>,
    /// AMR/AMI endpoint (MXU) serial.
    #[cfg_attr(feature = "server", validate(length(max = 40, code = "length")))]
    pub endpoint_serial: Option<String>,
    /// One register (`main`) for most meters; `low` and `high` for compound meters.
    #[cfg_attr(
        feature = "server",
        validate(length(min = 1, max = 2, code = "registers"))
    )]
    pub registers: Vec<RegisterDto>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct MeterReadDto {
    pub id: String,
    pub register: RegisterCode,
    pub read_on: NaiveDate,
    pub reading: i64,
    /// initial, regular, final, reread, estimated, change_out_final, change_out_initial, conversion
    pub kind: String,
    pub source: String,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct MeterDto {
    pub id: String,
    pub serial: String,
    pub size: String,
    pub kind: MeterKind,
    pub unit: MeterUnit,
    pub manufacturer: Option<String>,
    pub model: Option<String>,
    pub endpoint_serial: Option<String>,
    pub status: MeterStatus,
    pub premise_id: Option<String>,
    pub installed_on: Option<NaiveDate>,
    pub removed_on: Option<NaiveDate>,
    pub registers: Vec<RegisterDto>,
    /// Newest first, at most 24.
    pub recent_reads: Vec<MeterReadDto>,
}

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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct PremiseDetailDto {
    pub id: String,
    pub service_address: String,
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

// ---------------------------------------------------------------- service orders

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

// ---------------------------------------------------------------- workflows

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
    #[cfg_attr(
        feature = "server",
        validate(length(min = 5, max = 400, code = "length"))
    )]
    pub forwarding_address: Option<String>,
    pub assigned_to: Option<String>,
    #[cfg_attr(feature = "server", validate(length(max = 500, code = "length")))]
    pub reason: Option<String>,
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

// ---------------------------------------------------------------- notes, contacts, complaints

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct NoteDto {
    pub id: String,
    pub body: String,
    pub pinned: bool,
    pub author_name: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema, Validate))]
pub struct NoteInput {
    #[cfg_attr(
        feature = "server",
        validate(length(min = 1, max = 4000, code = "required"))
    )]
    pub body: String,
    #[serde(default)]
    pub pinned: bool,
}

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

// ---------------------------------------------------------------- vendors

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
    #[serde(default = "yes")]
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

// ---------------------------------------------------------------- the account at a glance

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct AccountOverviewDto {
    pub account: crate::dto::AccountDto,
    pub status: AccountStatus,
    pub owner_copy_to: Option<String>,
    pub paperless: bool,
    pub autopay: bool,
    pub final_read_on: Option<NaiveDate>,
    pub closing_bill_pending: bool,
    pub meters: Vec<MeterDto>,
    pub services: Vec<ServiceDto>,
    pub notes: Vec<NoteDto>,
    pub open_orders: Vec<ServiceOrderDto>,
    pub complaints: Vec<ComplaintDto>,
    pub contacts: Vec<ContactDto>,
}

// ---------------------------------------------------------------- reads and consumption

/// Why a consumption could not be computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConsumptionError {
    /// A reading does not fit on the register's dial.
    ReadingTooLarge,
    /// The register has an impossible number of digits.
    BadDigits,
    Overflow,
}

/// Consumption between two readings of one register, in the meter's unit: the dial rolls
/// over at 10^digits (a 4-digit register goes 9990 -> 0010 for 20 counts), times the
/// register's multiplier. A reading lower than the previous one is taken as a rollover.
pub fn consumption(
    previous: i64,
    current: i64,
    digits: i32,
    multiplier: Decimal,
) -> Result<Decimal, ConsumptionError> {
    let digits = u32::try_from(digits).map_err(|_| ConsumptionError::BadDigits)?;
    if !(1..=15).contains(&digits) {
        return Err(ConsumptionError::BadDigits);
    }
    let modulus = 10i64
        .checked_pow(digits)
        .ok_or(ConsumptionError::Overflow)?;
    if !(0..modulus).contains(&previous) || !(0..modulus).contains(&current) {
        return Err(ConsumptionError::ReadingTooLarge);
    }
    let counts = if current >= previous {
        current - previous
    } else {
        modulus - previous + current
    };
    Decimal::from(counts)
        .checked_mul(multiplier)
        .ok_or(ConsumptionError::Overflow)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rust_decimal_macros::dec;

    #[test]
    fn consumption_handles_rollover_and_multipliers() {
        // The glossary's example: a 4-digit register goes 9990 -> 0010.
        assert_eq!(consumption(9990, 10, 4, dec!(1)), Ok(dec!(20)));
        assert_eq!(consumption(1000, 1050, 4, dec!(1)), Ok(dec!(50)));
        assert_eq!(consumption(120, 125, 6, dec!(10)), Ok(dec!(50)));
        assert_eq!(consumption(5, 5, 4, dec!(1)), Ok(dec!(0)));
        assert_eq!(
            consumption(10_000, 5, 4, dec!(1)),
            Err(ConsumptionError::ReadingTooLarge)
        );
        assert_eq!(
            consumption(-1, 5, 4, dec!(1)),
            Err(ConsumptionError::ReadingTooLarge)
        );
        assert_eq!(
            consumption(1, 5, 0, dec!(1)),
            Err(ConsumptionError::BadDigits)
        );
    }

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

    proptest! {
        /// Adding the consumption to the previous reading, modulo the dial, gives the current one.
        #[test]
        fn consumption_is_the_distance_round_the_dial(digits in 3i32..9, a in 0i64..1_000_000_000, b in 0i64..1_000_000_000) {
            let m = 10i64.pow(digits as u32);
            let (prev, cur) = (a % m, b % m);
            let used = consumption(prev, cur, digits, dec!(1)).unwrap();
            let used = i64::try_from(used).unwrap();
            prop_assert!(used >= 0 && used < m);
            prop_assert_eq!((prev + used) % m, cur);
        }
    }
}

/// Consumption of one register over a period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct RegisterUse {
    pub meter_id: String,
    pub meter_serial: String,
    pub register: RegisterCode,
    pub unit: MeterUnit,
    pub from_reading: i64,
    pub from_date: NaiveDate,
    pub to_reading: i64,
    pub to_date: NaiveDate,
    #[cfg_attr(feature = "server", schema(value_type = String))]
    pub consumption: Decimal,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct ConsumptionDto {
    pub premise_id: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub registers: Vec<RegisterUse>,
    /// Sum over the registers, when they all count in one unit.
    #[cfg_attr(feature = "server", schema(value_type = Option<String>))]
    pub total: Option<Decimal>,
    pub unit: Option<MeterUnit>,
}
