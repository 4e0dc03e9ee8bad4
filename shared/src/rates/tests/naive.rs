//! The differential test against the naive reference bill in `naive_ref.rs`.
//! Whole-period bills must agree to the cent; bills split by a rate change within the
//! per-line rounding tolerance (see the second test).

use proptest::prelude::*;
use rust_decimal::Decimal;

use super::gen::{build, case, specs};
use super::naive_ref::naive_bill;
use super::*;

#[test]
fn naive_reference_agrees_on_a_hand_worked_bill() {
    // Salem sewer 2015 (see golden.rs): 16.59 + 6 x 3.23 + 5% = 37.77.
    let s = load(SALEM_SEWER_2015);
    let mut i = input(day(2015, 7, 1), day(2015, 7, 31), ccf(Decimal::from(14)));
    i.winter_average = Some(ccf(Decimal::from(6)));
    assert_eq!(naive_bill(&[s], &i).unwrap().0, Decimal::new(3777, 2));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Whole periods at one version: the engine and the reference agree to the cent.
    #[test]
    fn engine_matches_the_naive_reference(specs in specs(250), c in case()) {
        let s = build("gen", day(2000, 1, 1), &specs.0, &specs.1);
        let i = c.input();
        let q = quote(std::slice::from_ref(&s), &i).unwrap();
        let (naive, _) = naive_bill(&[s], &i).unwrap();
        prop_assert_eq!(q.total.as_decimal(), naive);
    }

    /// Periods split by a rate change: equal within one cent per line, because the engine
    /// rounds lines of scaled quantities and the reference rounds scaled whole-period lines
    /// (the exact amounts agree; only a value within 1e-20 of a half cent can round apart).
    #[test]
    fn engine_matches_the_naive_reference_across_a_rate_change(
        old in specs(250), new in specs(250), c in case(), cut in 1u32..62,
    ) {
        let a = build("gen", day(2000, 1, 1), &old.0, &old.1);
        let b = build("gen", c.start() + chrono::Days::new(u64::from(cut % c.len.max(1))), &new.0, &new.1);
        let i = c.input();
        let versions = [a, b];
        let q = quote(&versions, &i).unwrap();
        let (naive, naive_lines) = naive_bill(&versions, &i).unwrap();
        let lines = q.lines.iter().filter(|l| !l.amount.as_decimal().is_zero()).count().max(naive_lines);
        let diff = (q.total.as_decimal() - naive).abs();
        prop_assert!(diff <= Decimal::new(i64::try_from(lines).unwrap(), 2), "engine {} naive {}", q.total, naive);
    }
}
