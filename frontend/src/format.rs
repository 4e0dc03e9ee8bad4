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

/// Today in the browser's time zone (the default for date fields; staff can change it).
pub fn today() -> NaiveDate {
    #[cfg(target_arch = "wasm32")]
    {
        let d = web_sys::js_sys::Date::new_0();
        let (y, m, day) = (d.get_full_year(), d.get_month() + 1, d.get_date());
        if let Some(date) = i32::try_from(y)
            .ok()
            .and_then(|y| NaiveDate::from_ymd_opt(y, m, day))
        {
            return date;
        }
    }
    NaiveDate::default()
}

/// A date field's value (`2026-11-27`), if it is one.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()
}

/// A whole number typed by a person: digits, with spaces and thousands separators ignored.
pub fn parse_count(s: &str) -> Option<i64> {
    let digits: String = s
        .chars()
        .filter(|c| !matches!(c, ' ' | ',' | '_'))
        .collect();
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// `Some(trimmed)` unless the text is blank.
pub fn non_empty(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
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
    fn typed_values_are_read() {
        assert_eq!(parse_count("1,234"), Some(1234));
        assert_eq!(parse_count(" 42 "), Some(42));
        assert_eq!(parse_count("-5"), None);
        assert_eq!(parse_count("12a"), None);
        assert_eq!(parse_count(""), None);
        assert_eq!(
            parse_date("2026-03-01"),
            NaiveDate::from_ymd_opt(2026, 3, 1)
        );
        assert_eq!(parse_date("03/01/2026"), None);
        assert_eq!(non_empty("  "), None);
        assert_eq!(non_empty(" a "), Some("a".to_string()));
    }

    #[test]
    fn counts_are_grouped() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1000), "1,000");
        assert_eq!(count(-1_234_567), "-1,234,567");
    }
}
