use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// An amount of US dollars, exact. Serialised as a decimal string ("12.34") so no JSON
/// number ever passes through a float; stored in the database as integer cents.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(value_type = String, example = "42.50"))]
#[serde(transparent)]
pub struct Money(Decimal);

impl Money {
    pub const ZERO: Money = Money(Decimal::ZERO);

    /// From a decimal that must already be whole cents (no rounding is done here).
    pub fn from_decimal(d: Decimal) -> Option<Money> {
        (d.round_dp(2) == d).then_some(Money(d.normalize()))
    }

    pub fn from_cents(cents: i64) -> Money {
        Money(Decimal::new(cents, 2))
    }

    pub fn as_decimal(self) -> Decimal {
        self.0
    }

    /// Integer cents, or `None` if the amount does not fit in an i64.
    pub fn to_cents(self) -> Option<i64> {
        let scaled = self.0.checked_mul(Decimal::ONE_HUNDRED)?;
        i64::try_from(scaled.trunc()).ok()
    }

    pub fn checked_add(self, other: Money) -> Option<Money> {
        self.0.checked_add(other.0).map(Money)
    }

    pub fn checked_sub(self, other: Money) -> Option<Money> {
        self.0.checked_sub(other.0).map(Money)
    }

    pub fn is_negative(self) -> bool {
        self.0.is_sign_negative() && !self.0.is_zero()
    }
}

impl std::fmt::Display for Money {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:.2}", self.0)
    }
}

impl std::str::FromStr for Money {
    type Err = &'static str;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let d: Decimal = s.trim().parse().map_err(|_| "not a decimal amount")?;
        Money::from_decimal(d).ok_or("amounts have at most two decimal places")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rust_decimal_macros::dec;

    #[test]
    fn cents_round_trip_and_display() {
        let m = Money::from_cents(-123_456);
        assert_eq!(m.to_string(), "-1234.56");
        assert_eq!(m.to_cents(), Some(-123_456));
        assert_eq!(
            "16.59".parse::<Money>().map(|m| m.to_cents()),
            Ok(Some(1659))
        );
        assert!("16.595".parse::<Money>().is_err());
        assert!("abc".parse::<Money>().is_err());
    }

    #[test]
    fn serialises_as_a_string() {
        let m = Money::from_decimal(dec!(458.45)).unwrap();
        assert_eq!(serde_json::to_string(&m).unwrap(), "\"458.45\"");
        let back: Money = serde_json::from_str("\"458.45\"").unwrap();
        assert_eq!(back, m);
    }

    proptest! {
        #[test]
        fn any_cents_survive_the_round_trip(c in any::<i64>()) {
            prop_assert_eq!(Money::from_cents(c).to_cents(), Some(c));
        }

        #[test]
        fn addition_is_exact(a in -1_000_000_000i64..1_000_000_000, b in -1_000_000_000i64..1_000_000_000) {
            let sum = Money::from_cents(a).checked_add(Money::from_cents(b)).and_then(Money::to_cents);
            prop_assert_eq!(sum, Some(a + b));
        }
    }
}
