//! Tests of the rate engine. Golden tests use published rates and cite them; the rest check
//! each component, validation, serialisation, properties and a naive reference implementation.

mod components;
mod gen;
mod golden;
mod naive;
mod naive_ref;
mod props;
mod serde_format;
mod validation;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::*;

pub(super) const SALEM_WATER_2015: &str = include_str!("../examples/salem-water-2015.json");
pub(super) const SALEM_WATER_2016: &str = include_str!("../examples/salem-water-2016.json");
pub(super) const SALEM_SEWER_2015: &str = include_str!("../examples/salem-sewer-2015.json");
pub(super) const KEIZER_SEWER_2015: &str = include_str!("../examples/keizer-sewer-2015.json");
pub(super) const KEIZER_SEWER_2016: &str = include_str!("../examples/keizer-sewer-2016.json");
pub(super) const KEIZER_WATER: &str = include_str!("../examples/keizer-water.json");
pub(super) const KEIZER_FEES_2015: &str = include_str!("../examples/keizer-city-fees-2015.json");
pub(super) const KEIZER_FEES_2017: &str = include_str!("../examples/keizer-city-fees-2017-11.json");
pub(super) const WILSONVILLE: &str = include_str!("../examples/wilsonville-water.json");
pub(super) const LYONS_MEHAMA: &str = include_str!("../examples/lyons-mehama-water.json");
pub(super) const RIVERTON: &str = include_str!("../examples/riverton-2016.json");
pub(super) const BENCH_CITY: &str = include_str!("../examples/bench-city.json");

pub(super) const ALL_EXAMPLES: [&str; 12] = [
    SALEM_WATER_2015,
    SALEM_WATER_2016,
    SALEM_SEWER_2015,
    KEIZER_SEWER_2015,
    KEIZER_SEWER_2016,
    KEIZER_WATER,
    KEIZER_FEES_2015,
    KEIZER_FEES_2017,
    WILSONVILLE,
    LYONS_MEHAMA,
    RIVERTON,
    BENCH_CITY,
];

pub(super) fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// Parses a schedule and insists it validates clean.
pub(super) fn load(json: &str) -> RateSchedule {
    let s =
        RateSchedule::from_json(json).unwrap_or_else(|e| panic!("bad schedule JSON: {e}\n{json}"));
    let problems = validate(&s);
    assert!(
        problems.is_empty(),
        "schedule {} has problems: {problems:#?}",
        s.id
    );
    s
}

pub(super) fn ccf(amount: Decimal) -> Volume {
    Volume::new(amount, VolumeUnit::Ccf)
}

/// A monthly single-family input for `start..=end`, billed the day after.
pub(super) fn input(start: NaiveDate, end: NaiveDate, consumption: Volume) -> QuoteInput {
    QuoteInput::new(
        Period::new(start, end),
        end.succ_opt().unwrap(),
        "single_family",
        consumption,
    )
}

pub(super) fn cents(m: Money) -> i64 {
    m.to_cents().unwrap()
}

pub(super) fn line_cents<'a>(q: &'a Quote, component: &'a str) -> Vec<i64> {
    q.lines_of(component).map(|l| cents(l.amount)).collect()
}

/// Checks what must hold for every quote: lines add up to the service totals and the total.
pub(super) fn assert_adds_up(q: &Quote) {
    let sum: i64 = q.lines.iter().map(|l| cents(l.amount)).sum();
    assert_eq!(sum, cents(q.total), "lines must add up to the total");
    let by_service: i64 = q.service_totals.iter().map(|t| cents(t.amount)).sum();
    assert_eq!(
        by_service,
        cents(q.total),
        "service totals must add up to the total"
    );
    for t in &q.service_totals {
        let s: i64 = q
            .lines
            .iter()
            .filter(|l| l.service == t.service)
            .map(|l| cents(l.amount))
            .sum();
        assert_eq!(s, cents(t.amount));
    }
    for l in &q.lines {
        assert!(l.segment < q.segments.len());
    }
}

/// A one-service schedule around the given components (JSON array body), for component tests.
pub(super) fn schedule_with(service: &str, components: &str) -> RateSchedule {
    load(&format!(
        r#"{{"format_version":1,"id":"test","title":{{"en":"Test"}},"effective_date":"2000-01-01",
            "services":[{{"service":"{service}","components":[{components}]}}]}}"#
    ))
}

use crate::Money;
