//! Display formatting for money, counts and dates.

use chrono::{DateTime, NaiveDate, Utc};
use cistern_shared::Money;

/// Groups the digits of a non-negative integer string in threes: `1234567` -> `1,234,567`.
fn group(digits: &str) -> String {
    let n = digits.len();
    let mut out = String::with_capacity(n + n / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (n - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `$1,234.50`, `-$3.00`.
pub fn money(m: Money) -> String {
    let s = m.to_string();
    let (neg, abs) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s.as_str()),
    };
    let (int, frac) = abs.split_once('.').unwrap_or((abs, "00"));
    format!("{}${}.{}", if neg { "-" } else { "" }, group(int), frac)
}

/// `12,345`.
pub fn count(n: i64) -> String {
    let s = n.unsigned_abs().to_string();
    format!("{}{}", if n < 0 { "-" } else { "" }, group(&s))
}

/// ISO date, `2026-11-27`.
pub fn date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// ISO-like timestamp in UTC, `2026-11-27 14:03:05`.
pub fn timestamp(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M:%S").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_dollars_with_cents() {
        assert_eq!(money(Money::from_cents(4250)), "$42.50");
        assert_eq!(money(Money::from_cents(0)), "$0.00");
        assert_eq!(money(Money::from_cents(123_456_789)), "$1,234,567.89");
        assert_eq!(money(Money::from_cents(-300)), "-$3.00");
        let parsed: Money = serde_json::from_str("\"42.5\"").unwrap_or_default();
        assert_eq!(money(parsed), "$42.50");
    }

    #[test]
    fn counts_are_grouped() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1000), "1,000");
        assert_eq!(count(-1_234_567), "-1,234,567");
    }
}
