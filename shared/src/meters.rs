//! Meters, their registers and reads, and the consumption between two reads.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

#[cfg(feature = "server")]
use utoipa::ToSchema;
#[cfg(feature = "server")]
use validator::Validate;

crate::string_enum!(
    MeterKind {
        PositiveDisplacement => "positive_displacement",
        Compound => "compound",
        Turbine => "turbine",
        Electromagnetic => "electromagnetic",
        Ultrasonic => "ultrasonic",
    }
);

crate::string_enum!(
    /// The unit a meter's register counts in.
    MeterUnit { Ccf => "ccf", CubicFeet => "cubic_feet", Gallons => "gallons", Kgal => "kgal" }
);

crate::string_enum!(
    MeterStatus { InStock => "in_stock", Installed => "installed", Removed => "removed", Retired => "retired" }
);

crate::string_enum!(
    /// `main` for a plain meter; `low` and `high` for the two registers of a compound meter.
    RegisterCode { Main => "main", Low => "low", High => "high" }
);

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

pub use crate::query::MeterQuery;

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
