//! What the engine needs to know about one account's bill.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::schedule::{CityLimits, Volume};

/// A span of days, both ends included (a read-to-read period of Jan 5..Feb 4 is 31 days).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Period {
    pub start: NaiveDate,
    pub end: NaiveDate,
}

impl Period {
    pub fn new(start: NaiveDate, end: NaiveDate) -> Period {
        Period { start, end }
    }

    /// Days in the period, both ends counted; `None` if `end` is before `start`.
    pub fn days(&self) -> Option<u32> {
        let d = self.end.signed_duration_since(self.start).num_days();
        u32::try_from(d).ok().and_then(|d| d.checked_add(1))
    }

    pub fn contains(&self, date: NaiveDate) -> bool {
        self.start <= date && date <= self.end
    }
}

/// How many months one bill covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum BillingFrequency {
    #[default]
    Monthly,
    Bimonthly,
    Quarterly,
}

impl BillingFrequency {
    pub fn months(self) -> u32 {
        match self {
            BillingFrequency::Monthly => 1,
            BillingFrequency::Bimonthly => 2,
            BillingFrequency::Quarterly => 3,
        }
    }
}

/// A sewer volume set by hand (a leak adjustment, a deduct meter, pool fill), with its reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SewerOverride {
    /// The sewer volume for the whole service period.
    pub volume: Volume,
    /// Why; printed in the explanation and kept for the audit trail. Required.
    pub reason: String,
}

fn one() -> Decimal {
    Decimal::ONE
}

fn is_one(d: &Decimal) -> bool {
    *d == Decimal::ONE
}

fn one_unit() -> u32 {
    1
}

/// Everything about an account and a period that a bill depends on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct QuoteInput {
    /// The days billed. For a move-in or move-out this is the account's part of the cycle.
    pub service_period: Period,
    /// The full billing cycle when `service_period` is only part of it; fixed charges are then
    /// prorated by days. Absent means the service period is a whole cycle.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cycle_period: Option<Period>,
    #[serde(default)]
    pub billing_frequency: BillingFrequency,
    pub bill_date: NaiveDate,
    /// Customer class code, e.g. `single_family`.
    pub class: String,
    #[serde(default)]
    pub city_limits: CityLimits,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meter_size: Option<String>,
    /// Meter multiplier: billed volume = register difference x multiplier.
    #[serde(
        default = "one",
        with = "rust_decimal::serde::str",
        skip_serializing_if = "is_one"
    )]
    #[cfg_attr(feature = "server", schema(value_type = String, example = "1"))]
    pub multiplier: Decimal,
    /// Register difference for the period, before the multiplier.
    pub consumption: Volume,
    /// The account's monthly winter average (already multiplied); absent for new accounts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub winter_average: Option<Volume>,
    #[serde(default = "one_unit")]
    pub dwelling_units: u32,
    /// Equivalent service units (stormwater).
    #[serde(
        default,
        with = "rust_decimal::serde::str_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "server", schema(value_type = Option<String>))]
    pub esus: Option<Decimal>,
    /// Impervious area in square feet (stormwater).
    #[serde(
        default,
        with = "rust_decimal::serde::str_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "server", schema(value_type = Option<String>))]
    pub impervious_area_sq_ft: Option<Decimal>,
    /// Fire-line diameter in inches; absent for accounts without fire service.
    #[serde(
        default,
        with = "rust_decimal::serde::str_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "server", schema(value_type = Option<String>))]
    pub fire_line_inches: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sewer_override: Option<SewerOverride>,
}

impl QuoteInput {
    /// A monthly, whole-cycle, inside-city, single-dwelling input with no winter history;
    /// set the other fields as needed.
    pub fn new(
        service_period: Period,
        bill_date: NaiveDate,
        class: impl Into<String>,
        consumption: Volume,
    ) -> QuoteInput {
        QuoteInput {
            service_period,
            cycle_period: None,
            billing_frequency: BillingFrequency::Monthly,
            bill_date,
            class: class.into(),
            city_limits: CityLimits::Inside,
            meter_size: None,
            multiplier: Decimal::ONE,
            consumption,
            winter_average: None,
            dwelling_units: 1,
            esus: None,
            impervious_area_sq_ft: None,
            fire_line_inches: None,
            sewer_override: None,
        }
    }
}
