//! Rate schedules and the bill calculation engine (issue 4).
//!
//! - [`RateSchedule`]: the versioned JSON document a billing office keeps for each rate book
//!   (docs/rates.md, docs/rate-schedule.schema.json).
//! - [`validate`] / [`validate_versions`]: every problem in a document, as field errors for a 422.
//! - [`quote`]: one bill from the schedule versions and a [`QuoteInput`], as itemised lines.
//! - [`Quote::explain`]: the bill in plain English or Spanish.
//! - [`describe`]: a schedule's prices in plain English or Spanish (rate lists, the editor).
//!
//! Exact decimal arithmetic throughout (no floats), checked so that no input panics.

mod describe;
mod engine;
mod error;
mod explain;
mod input;
mod quote;
mod schedule;
mod validate;

#[cfg(test)]
mod tests;

pub use describe::{describe, long_date, service_name, ComponentText, ScheduleText, ServiceText};
pub use engine::{quote, MAX_PERIOD_DAYS};
pub use error::RateError;
pub use explain::explain;
pub use input::{BillingFrequency, Period, QuoteInput, SewerOverride};
pub use quote::{
    LineKind, LineUnit, Proration, Quote, QuoteLine, Segment, ServiceTotal, WinterAverageSource,
    WinterAverageUsed,
};
pub use schedule::{
    AppliesTo, Charge, CityLimits, Component, CustomerClass, EffectiveBy, FixedBasis, FixedCharge,
    Frequency, LimitCharge, MeterSizeAmount, MeterSizeTiers, PercentageCharge, RateSchedule,
    Rounding, Season, SeasonBasis, Service, ServiceRates, Text, ThresholdBasis, Tier, Volume,
    VolumeCharge, VolumeSource, VolumeUnit, FORMAT_VERSION,
};
pub use validate::{validate, validate_versions, MAX_COMPONENTS, MAX_TIERS};
