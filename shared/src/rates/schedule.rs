//! The rate schedule document: what a council resolution says, in a form the engine can bill.
//!
//! Every decimal is a JSON string ("2.58"), never a JSON number, so no rate ever passes
//! through a float. Unknown fields are rejected so a typo cannot silently drop a rate.
//! `docs/rates.md` describes every field with worked examples.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// The document format this code reads and writes. Bumped only for incompatible changes.
pub const FORMAT_VERSION: u32 = 1;

/// One version of a rate schedule: the rates of one rate book from its effective date until the
/// next version of the same `id` takes over.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RateSchedule {
    /// Always 1 for this format.
    pub format_version: u32,
    /// Stable name of the rate book, shared by all its versions, e.g. `salem-water`.
    pub id: String,
    /// Name shown to staff, e.g. "Salem water rates".
    pub title: Text,
    /// First day (or bill date) these rates apply, per `effective_by`.
    pub effective_date: NaiveDate,
    #[serde(default)]
    pub effective_by: EffectiveBy,
    #[serde(default)]
    pub rounding: Rounding,
    #[serde(default)]
    pub seasons_by: SeasonBasis,
    /// Where the rates come from (resolution, ordinance, web page), for the audit trail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Customer classes this schedule knows. When empty, any class is accepted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub classes: Vec<CustomerClass>,
    pub services: Vec<ServiceRates>,
}

/// How a version is chosen for a bill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum EffectiveBy {
    /// Rates change on the effective date; a service period that straddles it is split by days.
    #[default]
    ServiceDays,
    /// A service period is billed wholly at the rates in effect on its first day
    /// ("billing cycles starting on or after").
    PeriodStart,
    /// The rates in effect on the bill date apply to the whole bill (a pass-through lag).
    BillDate,
}

/// How each line is rounded to cents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Rounding {
    /// Half a cent rounds away from zero (0.125 -> 0.13). What customers check by hand.
    #[default]
    HalfUp,
    /// Banker's rounding: half a cent rounds to the even cent (0.125 -> 0.12).
    HalfEven,
}

/// Which month decides a seasonal rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SeasonBasis {
    /// A period that crosses a season boundary is split by days, like a rate change.
    #[default]
    ServiceDays,
    /// The month of the read (the last day of the service period) decides for the whole bill.
    ReadDate,
}

/// A label in the two languages every bill is offered in. Spanish falls back to English.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Text {
    pub en: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub es: Option<String>,
}

impl Text {
    pub fn new(en: impl Into<String>, es: impl Into<String>) -> Text {
        Text {
            en: en.into(),
            es: Some(es.into()),
        }
    }

    /// The label in `locale`, falling back to English when no Spanish was written.
    pub fn get(&self, locale: crate::dto::Locale) -> &str {
        match (locale, &self.es) {
            (crate::dto::Locale::Es, Some(es)) if !es.is_empty() => es,
            _ => &self.en,
        }
    }
}

/// A customer class as the schedule names it, e.g. `single_family`, `multi_family`,
/// `commercial`, `irrigation`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CustomerClass {
    pub code: String,
    pub label: Text,
    /// Monthly winter average used for accounts with no winter history (the class average).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_winter_average: Option<Volume>,
}

/// The billed services; lines and totals are grouped by these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Service {
    Water,
    Sewer,
    Stormwater,
    CityFees,
}

impl Service {
    pub const ALL: [Service; 4] = [
        Service::Water,
        Service::Sewer,
        Service::Stormwater,
        Service::CityFees,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Service::Water => "water",
            Service::Sewer => "sewer",
            Service::Stormwater => "stormwater",
            Service::CityFees => "city_fees",
        }
    }

    pub(crate) fn index(self) -> usize {
        match self {
            Service::Water => 0,
            Service::Sewer => 1,
            Service::Stormwater => 2,
            Service::CityFees => 3,
        }
    }
}

/// Inside or outside city limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CityLimits {
    #[default]
    Inside,
    Outside,
}

/// The charges of one service, evaluated in the order written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ServiceRates {
    pub service: Service,
    pub components: Vec<Component>,
}

/// One charge on the bill. Components are evaluated in document order; a percentage,
/// minimum or maximum may only refer to components written before it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Component {
    /// Unique within the schedule; referenced by percentages and limits, and carried on
    /// every bill line (e.g. for the GL interface).
    pub id: String,
    /// What the bill calls it. A default by kind is used when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<Text>,
    /// Which accounts this charge applies to; empty means every account.
    #[serde(default, skip_serializing_if = "AppliesTo::is_everyone")]
    pub applies_to: AppliesTo,
    pub charge: Charge,
}

/// Filters on the account. Every non-empty filter must match.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AppliesTo {
    /// Customer class codes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub classes: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city_limits: Option<CityLimits>,
    /// Meter sizes, as written on the account (e.g. "5/8x3/4", "1", "2").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub meter_sizes: Vec<String>,
}

impl AppliesTo {
    pub fn is_everyone(&self) -> bool {
        self.classes.is_empty() && self.city_limits.is_none() && self.meter_sizes.is_empty()
    }
}

/// The kinds of charge.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Charge {
    /// A fixed amount per month or per bill, times a count (account, dwelling units, ESUs...).
    Fixed(FixedCharge),
    /// A price per unit of water: uniform, tiered, seasonal.
    Volume(VolumeCharge),
    /// A percentage of earlier components (surcharges, franchise fees, discounts).
    Percentage(PercentageCharge),
    /// Raises the named components up to a minimum charge.
    Minimum(LimitCharge),
    /// Caps the named components at a maximum charge.
    Maximum(LimitCharge),
}

/// How often an amount or a volume threshold recurs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Frequency {
    /// Per month: a bimonthly bill charges it twice.
    #[default]
    Monthly,
    /// Once on every bill, whatever the billing frequency.
    PerBill,
}

/// What a fixed charge is counted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FixedBasis {
    /// Once per account.
    #[default]
    Account,
    /// Per dwelling unit (multi-family on one meter).
    DwellingUnit,
    /// Per equivalent service unit (stormwater).
    Esu,
    /// Per `area_per_unit` square feet of impervious area (stormwater).
    ImperviousArea,
    /// Per inch of fire-line diameter; applies only to accounts with a fire line.
    FireLineInch,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FixedCharge {
    #[serde(default)]
    pub per: FixedBasis,
    #[serde(default)]
    pub frequency: Frequency,
    /// The amount per unit; also the fallback for meter sizes missing from `by_meter_size`.
    #[serde(
        default,
        with = "rust_decimal::serde::str_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "server", schema(value_type = Option<String>))]
    pub amount: Option<Decimal>,
    /// Amounts by meter size.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub by_meter_size: Vec<MeterSizeAmount>,
    /// Square feet per billing unit when `per` is `impervious_area` (often one ESU, e.g. 2500).
    #[serde(
        default,
        with = "rust_decimal::serde::str_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "server", schema(value_type = Option<String>))]
    pub area_per_unit: Option<Decimal>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MeterSizeAmount {
    pub meter_size: String,
    #[serde(with = "rust_decimal::serde::str")]
    #[cfg_attr(feature = "server", schema(value_type = String))]
    pub amount: Decimal,
}

/// Units of water. One CCF (a "unit") is 100 cubic feet, billed as 748 gallons.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum VolumeUnit {
    #[default]
    Ccf,
    Gallons,
    /// Thousand gallons.
    Kgal,
}

impl VolumeUnit {
    /// Gallons in one unit; 748 per CCF is the billing convention (100 ft³ ≈ 748.05 gal).
    pub fn gallons(self) -> Decimal {
        match self {
            VolumeUnit::Ccf => Decimal::from(748u32),
            VolumeUnit::Gallons => Decimal::ONE,
            VolumeUnit::Kgal => Decimal::from(1000u32),
        }
    }
}

/// An amount of water in a unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Volume {
    #[serde(with = "rust_decimal::serde::str")]
    #[cfg_attr(feature = "server", schema(value_type = String, example = "6"))]
    pub amount: Decimal,
    pub unit: VolumeUnit,
}

impl Volume {
    pub fn new(amount: Decimal, unit: VolumeUnit) -> Volume {
        Volume { amount, unit }
    }

    /// This volume in `unit`, or `None` on overflow. Same-unit conversion is exact; gallons
    /// to CCF divides by 748 at 28 significant digits.
    pub fn to_unit(self, unit: VolumeUnit) -> Option<Decimal> {
        if self.unit == unit {
            return Some(self.amount);
        }
        self.amount
            .checked_mul(self.unit.gallons())?
            .checked_div(unit.gallons())
    }
}

/// Which volume a volume charge bills.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum VolumeSource {
    /// The metered consumption of the period (times the meter multiplier).
    #[default]
    Metered,
    /// The account's monthly winter average times the months billed (sewer).
    WinterAverage,
}

/// What tier thresholds are measured from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ThresholdBasis {
    /// `up_to` is a volume from zero.
    #[default]
    Absolute,
    /// `up_to` is added to the account's monthly winter average (water budgets, Wilsonville).
    AboveWinterAverage,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct VolumeCharge {
    /// The unit prices and thresholds are written in.
    pub unit: VolumeUnit,
    #[serde(default)]
    pub volume: VolumeSource,
    /// With `winter_average`: bill the lesser of the winter average and the metered use.
    #[serde(default, skip_serializing_if = "is_false")]
    pub cap_at_metered: bool,
    /// Units included in the base charge: the first units of the ladder are not billed here.
    #[serde(
        default,
        with = "rust_decimal::serde::str",
        skip_serializing_if = "Decimal::is_zero"
    )]
    #[cfg_attr(feature = "server", schema(value_type = String))]
    pub allowance: Decimal,
    #[serde(default)]
    pub thresholds: ThresholdBasis,
    /// Whether thresholds and the allowance are per month or per bill.
    #[serde(default)]
    pub frequency: Frequency,
    /// Scale thresholds and the allowance by days on a partial (move-in/move-out) bill.
    #[serde(default, skip_serializing_if = "is_false")]
    pub prorate_thresholds: bool,
    /// The ladder; a single tier without `up_to` is a uniform price.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tiers: Vec<Tier>,
    /// Ladders for particular meter sizes; other sizes use `tiers`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tiers_by_meter_size: Vec<MeterSizeTiers>,
    /// Seasonal ladders by month range, instead of `tiers`; together they cover all 12 months.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub seasons: Vec<Season>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// One block of a ladder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Tier {
    /// Upper end of the block (exclusive of what follows); absent on the last, open block.
    #[serde(
        default,
        with = "rust_decimal::serde::str_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "server", schema(value_type = Option<String>))]
    pub up_to: Option<Decimal>,
    /// Price per unit within the block.
    #[serde(with = "rust_decimal::serde::str")]
    #[cfg_attr(feature = "server", schema(value_type = String))]
    pub price: Decimal,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MeterSizeTiers {
    pub meter_size: String,
    pub tiers: Vec<Tier>,
}

/// A ladder for a range of months, inclusive; `from_month` > `to_month` wraps the new year
/// (November to March is 11..3).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Season {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<Text>,
    pub from_month: u32,
    pub to_month: u32,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tiers: Vec<Tier>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tiers_by_meter_size: Vec<MeterSizeTiers>,
}

impl Season {
    /// Whether calendar month `month` (1-12) falls in this season.
    pub fn contains(&self, month: u32) -> bool {
        if self.from_month <= self.to_month {
            (self.from_month..=self.to_month).contains(&month)
        } else {
            month >= self.from_month || month <= self.to_month
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PercentageCharge {
    /// Percent, e.g. "5" for a 5% franchise fee; negative for a discount (not below -100).
    #[serde(with = "rust_decimal::serde::str")]
    #[cfg_attr(feature = "server", schema(value_type = String))]
    pub percent: Decimal,
    /// Ids of earlier components (any service) whose rounded amounts it is a percentage of.
    pub of: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LimitCharge {
    #[serde(with = "rust_decimal::serde::str")]
    #[cfg_attr(feature = "server", schema(value_type = String))]
    pub amount: Decimal,
    #[serde(default)]
    pub frequency: Frequency,
    /// Ids of earlier components it limits; empty means every earlier component of this service.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub of: Vec<String>,
}

impl RateSchedule {
    /// Parses a schedule document from JSON.
    pub fn from_json(json: &str) -> Result<RateSchedule, serde_json::Error> {
        serde_json::from_str(json)
    }

    /// Every component with its service, in evaluation (document) order.
    pub fn components(&self) -> impl Iterator<Item = (Service, &Component)> {
        self.services
            .iter()
            .flat_map(|s| s.components.iter().map(move |c| (s.service, c)))
    }

    pub fn class(&self, code: &str) -> Option<&CustomerClass> {
        self.classes.iter().find(|c| c.code == code)
    }
}
