//! The calculated bill: itemised lines, service totals and the facts behind them.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::input::{BillingFrequency, Period, SewerOverride};
use super::schedule::{Service, Text, Volume};
use crate::Money;

/// A calculated bill.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Quote {
    pub service_period: Period,
    pub bill_date: NaiveDate,
    pub billing_frequency: BillingFrequency,
    /// Present when the service period is only part of the billing cycle.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proration: Option<Proration>,
    /// The stretches of days billed at one schedule version; lines point here by index.
    pub segments: Vec<Segment>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sewer_override: Option<SewerOverride>,
    /// Lines grouped by service (water, sewer, stormwater, city fees), then in schedule order.
    pub lines: Vec<QuoteLine>,
    /// One total per service billed, in the same order.
    pub service_totals: Vec<ServiceTotal>,
    /// The sum of the lines.
    pub total: Money,
}

/// A partial bill: `days` of the cycle's `of_days`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Proration {
    pub days: u32,
    pub of_days: u32,
}

/// Days billed at one version of one schedule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Segment {
    pub schedule_id: String,
    /// The version's effective date.
    pub effective_date: NaiveDate,
    pub period: Period,
    pub days: u32,
    /// Whether the schedule version has more than one segment in this quote (rate change or
    /// season split), so the explanation names the dates.
    pub split: bool,
    /// The winter average the segment's charges used, if any did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub winter_average: Option<WinterAverageUsed>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct WinterAverageUsed {
    /// Monthly volume.
    pub volume: Volume,
    pub source: WinterAverageSource,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum WinterAverageSource {
    /// The account's own winter history.
    Account,
    /// The class default from the schedule (new account, no winter history).
    ClassDefault,
}

/// What a line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum LineKind {
    /// amount = quantity x price x months x days / of_days
    Fixed,
    /// amount = quantity x price (the quantity is already this segment's share)
    Volume,
    /// Volume included in the base charge; amount is zero.
    Included,
    /// amount = quantity x price / 100, where quantity is the dollars it is a percentage of.
    Percentage,
    /// amount = max(0, limit - quantity), limit = price x months x days / of_days, rounded.
    Minimum,
    /// amount = min(0, limit - quantity), limit as for a minimum.
    Maximum,
}

/// The unit of a line's quantity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum LineUnit {
    Account,
    DwellingUnit,
    Esu,
    /// A block of impervious area (the schedule's `area_per_unit` square feet).
    ImperviousAreaUnit,
    FireLineInch,
    Ccf,
    Gallons,
    Kgal,
    Dollars,
}

/// One itemised line of a bill.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct QuoteLine {
    pub service: Service,
    /// Index into `Quote::segments`.
    pub segment: usize,
    pub component_id: String,
    pub label: Text,
    pub kind: LineKind,
    /// 1-based block of a tiered ladder.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier: Option<u32>,
    /// The season's label, when the rate is seasonal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub season: Option<Text>,
    /// Exact; round only for display.
    #[serde(with = "rust_decimal::serde::str")]
    #[cfg_attr(feature = "server", schema(value_type = String))]
    pub quantity: Decimal,
    pub unit: LineUnit,
    /// Price per unit as written in the schedule (per month for monthly charges), or the
    /// percent, or the limit.
    #[serde(with = "rust_decimal::serde::str")]
    #[cfg_attr(feature = "server", schema(value_type = String))]
    pub price: Decimal,
    /// Months a monthly amount is multiplied by (the billing frequency); 1 otherwise.
    pub months: u32,
    /// Proration: the amount covers `days` of `of_days` (equal when nothing is prorated).
    pub days: u32,
    pub of_days: u32,
    pub amount: Money,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ServiceTotal {
    pub service: Service,
    pub amount: Money,
}

impl Quote {
    /// The total for one service, zero when it was not billed.
    pub fn service_total(&self, service: Service) -> Money {
        self.service_totals
            .iter()
            .find(|t| t.service == service)
            .map_or(Money::ZERO, |t| t.amount)
    }

    /// Lines of one component, in order.
    pub fn lines_of<'a>(
        &'a self,
        component_id: &'a str,
    ) -> impl Iterator<Item = &'a QuoteLine> + 'a {
        self.lines
            .iter()
            .filter(move |l| l.component_id == component_id)
    }
}
