use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// An amount of US dollars, exact. Serialised as a decimal string ("12.34") so no JSON
/// number ever passes through a float; stored in the database as integer cents.
///
/// In JSON an amount is a string of digits with at most two decimals (`"42.50"`, `"-3"`,
/// `"0.5"`); a JSON number is refused, so no client can lose cents to a float.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "server",
    schema(value_type = String, example = "42.50", pattern = r"^-?[0-9]{1,13}(\.[0-9]{1,2})?$")
)]
#[serde(transparent)]
pub struct Money(Decimal);

/// The most digits before the decimal point: ten billion dollars is more than any utility
/// bills, and the cents of it fit an i64 with room to add.
const MAX_WHOLE_DIGITS: usize = 13;

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
    /// Exactly `-?DIGITS(.D or .DD)?`: no sign but a leading minus, no exponent, no spaces, no
    /// thousands separators, no third decimal (`-0.009` is refused, not rounded to zero).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let unsigned = s.strip_prefix('-').unwrap_or(s);
        let (whole, cents) = match unsigned.split_once('.') {
            Some((w, c)) => (w, Some(c)),
            None => (unsigned, None),
        };
        let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
        if !digits(whole) || whole.len() > MAX_WHOLE_DIGITS {
            return Err("not a decimal amount");
        }
        if let Some(c) = cents {
            if !digits(c) {
                return Err("not a decimal amount");
            }
            if c.len() > 2 {
                return Err("amounts have at most two decimal places");
            }
        }
        let mut d: Decimal = s.parse().map_err(|_| "not a decimal amount")?;
        // Always two places, as amounts are shown and stored ("42.5" is "42.50").
        d.rescale(2);
        Ok(Money(d))
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Money, D::Error> {
        struct Amount;
        impl serde::de::Visitor<'_> for Amount {
            type Value = Money;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an amount as a string with at most two decimals, e.g. \"42.50\"")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Money, E> {
                v.parse().map_err(E::custom)
            }
        }
        d.deserialize_str(Amount)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rust_decimal_macros::dec;

    #[test]
    fn json_amounts_are_strings_with_at_most_two_decimals() {
        let ok = |s: &str| serde_json::from_str::<Money>(s).map(|m| m.to_string());
        assert_eq!(ok("\"42.5\"").ok(), Some("42.50".into()));
        assert_eq!(ok("\"-3\"").ok(), Some("-3.00".into()));
        assert_eq!(ok("\"0.05\"").ok(), Some("0.05".into()));
        for bad in [
            "12.34",
            "12",
            "\"-0.009\"",
            "\"1.005\"",
            "\"1e3\"",
            "\"+1\"",
            "\" 1\"",
            "\"1,000\"",
            "\"\"",
            "\"-\"",
            "\".5\"",
            "\"5.\"",
            "\"NaN\"",
            "null",
            "\"12345678901234\"",
        ] {
            assert!(ok(bad).is_err(), "{bad} should be refused");
        }
    }

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
