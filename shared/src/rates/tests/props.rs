//! Properties that hold for every schedule and every bill.

use proptest::prelude::*;
use rust_decimal::Decimal;

use super::gen::{build, case, specs};
use super::*;
use crate::dto::Locale;

fn total_cents(schedules: &[RateSchedule], i: &QuoteInput) -> i64 {
    cents(quote(schedules, i).unwrap().total)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// More water never makes a smaller bill (non-negative prices; percentages of charges).
    #[test]
    fn charge_never_decreases_as_use_grows(specs in specs(1000), c in case(), more in 0u32..40, frac in 0i64..100) {
        let s = [build("gen", day(2000, 1, 1), &specs.0, &specs.1)];
        let mut i = c.input();
        i.consumption = ccf(Decimal::new(i64::from(c.consumption) * 100 + frac, 2));
        let before = total_cents(&s, &i);
        i.consumption = ccf(i.consumption.amount + Decimal::from(more));
        prop_assert!(total_cents(&s, &i) >= before);
        // and through a rate change too
        let mut split = i.clone();
        let t = [s[0].clone(), build("gen", c.start() + chrono::Days::new(u64::from(c.len / 2)), &specs.0, &specs.1)];
        let a = total_cents(&t, &split);
        split.consumption = ccf(split.consumption.amount + Decimal::from(more));
        prop_assert!(total_cents(&t, &split) >= a);
    }

    /// At a tier boundary the bill is continuous: a ten-thousandth of a unit either side moves
    /// it by no more than that water's price, plus a cent of rounding on each line either side.
    #[test]
    fn continuity_at_tier_boundaries(tiers in prop::collection::vec((1u32..15, 0i64..6_000), 2..5), pick in any::<prop::sample::Index>(), c in case()) {
        let vol = gen::Spec::Volume { winter_average: false, cap: false, allowance: 0, tiers: tiers.clone() };
        let s = [build("gen", day(2000, 1, 1), &[vol], &[])];
        let months = if c.len > 31 { 2 } else { 1 };
        let bounds: Vec<u32> = tiers.iter().scan(0, |acc, (w, _)| { *acc += w; Some(*acc * months) }).take(tiers.len() - 1).collect();
        let at = Decimal::from(*pick.get(&bounds));
        let eps = Decimal::new(1, 4);
        let mut i = c.input();
        let mut at_volume = |v: Decimal| { i.consumption = ccf(v); quote(&s, &i).unwrap() };
        let (below, on, above) = (at_volume(at - eps), at_volume(at), at_volume(at + eps));
        for (x, y) in [(&below, &on), (&on, &above)] {
            let jump = (y.total.as_decimal() - x.total.as_decimal()).abs();
            let tolerance = Decimal::new(6, 0) * eps + Decimal::new(i64::try_from(x.lines.len() + y.lines.len()).unwrap(), 2);
            prop_assert!(jump <= tolerance, "{} -> {}", x.total, y.total);
        }
    }

    /// The lines always add up to the service totals and the bill total.
    #[test]
    fn lines_sum_to_the_total(specs in specs(1000), c in case(), cycle_extra in 0u32..20) {
        let s = [build("gen", day(2000, 1, 1), &specs.0, &specs.1)];
        let mut i = c.input();
        let q = quote(&s, &i).unwrap();
        assert_adds_up(&q);
        i.cycle_period = Some(Period::new(i.service_period.start, i.service_period.end + chrono::Days::new(u64::from(cycle_extra))));
        assert_adds_up(&quote(&s, &i).unwrap());
    }

    /// Prorating over the whole cycle is no proration at all.
    #[test]
    fn proration_of_a_whole_period_equals_no_proration(specs in specs(1000), c in case()) {
        let s = [build("gen", day(2000, 1, 1), &specs.0, &specs.1)];
        let plain = c.input();
        let mut whole = plain.clone();
        whole.cycle_period = Some(plain.service_period);
        prop_assert_eq!(quote(&s, &plain).unwrap(), quote(&s, &whole).unwrap());
    }

    /// A period split at a rate change bills what the two whole-period bills weighted by days
    /// would, within the per-line rounding tolerance: one cent per line of the split bill and of
    /// each whole-period bill (docs/rates.md, "Rounding").
    #[test]
    fn a_split_period_equals_the_day_weighted_bills(
        old in specs(250), new in specs(250), c in case(), cut in 1u32..62, cycle_extra in 0u32..10,
    ) {
        prop_assume!(c.len >= 2);
        let cut = 1 + cut % (c.len - 1);
        let a = build("gen", day(2000, 1, 1), &old.0, &old.1);
        let b = build("gen", c.start() + chrono::Days::new(u64::from(cut)), &new.0, &new.1);
        let mut b_whole = b.clone();
        b_whole.effective_date = day(2000, 1, 1);
        let mut i = c.input();
        i.cycle_period = Some(Period::new(i.service_period.start, i.service_period.end + chrono::Days::new(u64::from(cycle_extra))));
        let split = quote(&[a.clone(), b], &i).unwrap();
        prop_assert_eq!(split.segments.len(), 2);
        let qa = quote(&[a], &i).unwrap();
        let qb = quote(&[b_whole], &i).unwrap();
        let days = Decimal::from(c.len);
        let weighted = (qa.total.as_decimal() * Decimal::from(cut) + qb.total.as_decimal() * Decimal::from(c.len - cut)) / days;
        let lines = split.lines.len() + qa.lines.len() + qb.lines.len();
        let diff = (split.total.as_decimal() - weighted).abs();
        prop_assert!(diff <= Decimal::new(i64::try_from(lines).unwrap(), 2), "split {} weighted {}", split.total, weighted);
    }

    /// Whatever the schedule and the input, `quote`, `explain` and `validate` return; they never
    /// panic. A schedule that validates clean is never refused as invalid.
    #[test]
    fn no_panic_for_any_input(s in wild_schedule(), i in wild_input(), more in prop::collection::vec(wild_schedule(), 0..2)) {
        let problems = validate(&s);
        let mut all = vec![s];
        all.extend(more);
        let _ = validate_versions(&all);
        match quote(&all, &i) {
            Ok(q) => {
                assert_adds_up(&q);
                let _ = q.explain(Locale::En);
                let _ = q.explain(Locale::Es);
            }
            Err(e) => {
                let _ = e.to_string();
                if problems.is_empty() && all.len() == 1 {
                    prop_assert!(!matches!(e, RateError::InvalidSchedule { .. }), "{e}");
                }
            }
        }
    }
}

/// Any decimal at all: tiny, huge, negative, many places.
fn wild_decimal() -> impl Strategy<Value = Decimal> {
    prop_oneof![
        4 => (-100_000i64..100_000, 0u32..4).prop_map(|(m, s)| Decimal::new(m, s)),
        1 => (any::<i64>(), 0u32..=28).prop_map(|(m, s)| Decimal::new(m, s)),
        1 => Just(Decimal::MAX),
        1 => Just(Decimal::MIN),
        1 => Just(Decimal::ZERO),
    ]
}

fn wild_date() -> impl Strategy<Value = NaiveDate> {
    prop_oneof![
        4 => (0i64..3_000).prop_map(|d| day(2014, 1, 1) + chrono::Duration::days(d)),
        1 => any::<i32>().prop_map(|d| NaiveDate::from_num_days_from_ce_opt(d % 90_000_000).unwrap_or(NaiveDate::MAX)),
        1 => Just(NaiveDate::MAX),
        1 => Just(NaiveDate::MIN),
    ]
}

fn wild_unit() -> impl Strategy<Value = VolumeUnit> {
    prop_oneof![
        Just(VolumeUnit::Ccf),
        Just(VolumeUnit::Gallons),
        Just(VolumeUnit::Kgal)
    ]
}

fn wild_tiers() -> impl Strategy<Value = Vec<Tier>> {
    prop::collection::vec(
        (prop::option::of(wild_decimal()), wild_decimal())
            .prop_map(|(up_to, price)| Tier { up_to, price }),
        0..4,
    )
}

fn wild_ids() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec("[a-d]", 0..3)
}

fn wild_charge() -> impl Strategy<Value = Charge> {
    prop_oneof![
        (
            0u8..5,
            any::<bool>(),
            prop::option::of(wild_decimal()),
            prop::collection::vec(("[0-9]", wild_decimal()), 0..3),
            prop::option::of(wild_decimal())
        )
            .prop_map(
                |(per, per_bill, amount, sizes, area)| Charge::Fixed(FixedCharge {
                    per: [
                        FixedBasis::Account,
                        FixedBasis::DwellingUnit,
                        FixedBasis::Esu,
                        FixedBasis::ImperviousArea,
                        FixedBasis::FireLineInch
                    ][usize::from(per)],
                    frequency: if per_bill {
                        Frequency::PerBill
                    } else {
                        Frequency::Monthly
                    },
                    amount,
                    by_meter_size: sizes
                        .into_iter()
                        .map(|(meter_size, amount)| MeterSizeAmount { meter_size, amount })
                        .collect(),
                    area_per_unit: area,
                })
            ),
        (
            wild_unit(),
            any::<bool>(),
            any::<bool>(),
            wild_decimal(),
            any::<bool>(),
            any::<bool>(),
            wild_tiers(),
            prop::collection::vec((0u32..14, 0u32..14, wild_tiers()), 0..3),
            prop::collection::vec(("[0-9]", wild_tiers()), 0..2)
        )
            .prop_map(
                |(unit, wa, cap, allowance, relative, prorate, tiers, seasons, sized)| {
                    Charge::Volume(VolumeCharge {
                        unit,
                        volume: if wa {
                            VolumeSource::WinterAverage
                        } else {
                            VolumeSource::Metered
                        },
                        cap_at_metered: cap,
                        allowance,
                        thresholds: if relative {
                            ThresholdBasis::AboveWinterAverage
                        } else {
                            ThresholdBasis::Absolute
                        },
                        frequency: Frequency::Monthly,
                        prorate_thresholds: prorate,
                        tiers,
                        tiers_by_meter_size: sized
                            .into_iter()
                            .map(|(meter_size, tiers)| MeterSizeTiers { meter_size, tiers })
                            .collect(),
                        seasons: seasons
                            .into_iter()
                            .map(|(from_month, to_month, tiers)| Season {
                                label: None,
                                from_month,
                                to_month,
                                tiers,
                                tiers_by_meter_size: vec![],
                            })
                            .collect(),
                    })
                }
            ),
        (wild_decimal(), wild_ids())
            .prop_map(|(percent, of)| Charge::Percentage(PercentageCharge { percent, of })),
        (wild_decimal(), wild_ids()).prop_map(|(amount, of)| Charge::Minimum(LimitCharge {
            amount,
            frequency: Frequency::Monthly,
            of
        })),
        (wild_decimal(), wild_ids()).prop_map(|(amount, of)| Charge::Maximum(LimitCharge {
            amount,
            frequency: Frequency::PerBill,
            of
        })),
    ]
}

fn wild_schedule() -> impl Strategy<Value = RateSchedule> {
    let component = (
        "[a-d]",
        prop::option::of("[0-9]"),
        prop::option::of(any::<bool>()),
        wild_charge(),
    )
        .prop_map(|(id, meter, outside, charge)| Component {
            id,
            label: None,
            applies_to: AppliesTo {
                classes: vec![],
                city_limits: outside.map(|o| {
                    if o {
                        CityLimits::Outside
                    } else {
                        CityLimits::Inside
                    }
                }),
                meter_sizes: meter.into_iter().collect(),
            },
            charge,
        });
    let service = prop_oneof![
        Just(Service::Water),
        Just(Service::Sewer),
        Just(Service::Stormwater),
        Just(Service::CityFees)
    ];
    (
        wild_date(),
        0u8..3,
        any::<bool>(),
        any::<bool>(),
        prop::option::of(prop::option::of(wild_decimal())),
        prop::collection::vec((service, prop::collection::vec(component, 0..5)), 0..4),
        0u32..3,
    )
        .prop_map(
            |(effective_date, by, even, read_date, class, services, format)| RateSchedule {
                format_version: if format == 0 { 2 } else { 1 },
                id: "wild".into(),
                title: Text {
                    en: "Wild".into(),
                    es: None,
                },
                effective_date,
                effective_by: [
                    EffectiveBy::ServiceDays,
                    EffectiveBy::PeriodStart,
                    EffectiveBy::BillDate,
                ][usize::from(by)],
                rounding: if even {
                    Rounding::HalfEven
                } else {
                    Rounding::HalfUp
                },
                seasons_by: if read_date {
                    SeasonBasis::ReadDate
                } else {
                    SeasonBasis::ServiceDays
                },
                source: None,
                classes: class
                    .map(|d| {
                        vec![CustomerClass {
                            code: "single_family".into(),
                            label: Text::default(),
                            default_winter_average: d.map(ccf),
                        }]
                    })
                    .unwrap_or_default(),
                services: services
                    .into_iter()
                    .map(|(service, components)| ServiceRates {
                        service,
                        components,
                    })
                    .collect(),
            },
        )
}

fn wild_input() -> impl Strategy<Value = QuoteInput> {
    (
        (
            wild_date(),
            prop_oneof![4 => 0u64..70, 1 => 0u64..2_000],
            prop::option::of((0u64..40, 0u64..40)),
        ),
        (
            wild_date(),
            0u8..3,
            "[0-9]?",
            wild_decimal(),
            wild_decimal(),
            wild_unit(),
        ),
        (
            prop::option::of(wild_decimal()),
            0u32..5,
            prop::option::of(wild_decimal()),
            prop::option::of(wild_decimal()),
            prop::option::of(wild_decimal()),
        ),
        (
            prop::option::of((wild_decimal(), "[ a]{0,2}")),
            any::<bool>(),
            any::<bool>(),
        ),
    )
        .prop_map(
            |(
                (start, len, cycle),
                (bill_date, freq, meter, multiplier, consumption, unit),
                (wa, dwelling_units, esus, area, fire),
                (over, outside, backwards),
            )| {
                let end = start
                    .checked_add_days(chrono::Days::new(len))
                    .unwrap_or(start);
                let (start, end) = if backwards {
                    (end, start)
                } else {
                    (start, end)
                };
                QuoteInput {
                    service_period: Period::new(start, end),
                    cycle_period: cycle.map(|(before, after)| {
                        Period::new(
                            start
                                .checked_sub_days(chrono::Days::new(before))
                                .unwrap_or(start),
                            end.checked_add_days(chrono::Days::new(after))
                                .unwrap_or(end),
                        )
                    }),
                    billing_frequency: [
                        BillingFrequency::Monthly,
                        BillingFrequency::Bimonthly,
                        BillingFrequency::Quarterly,
                    ][usize::from(freq)],
                    bill_date,
                    class: "single_family".into(),
                    city_limits: if outside {
                        CityLimits::Outside
                    } else {
                        CityLimits::Inside
                    },
                    meter_size: (!meter.is_empty()).then_some(meter),
                    multiplier,
                    consumption: Volume::new(consumption, unit),
                    winter_average: wa.map(|w| Volume::new(w, unit)),
                    dwelling_units,
                    esus,
                    impervious_area_sq_ft: area,
                    fire_line_inches: fire,
                    sewer_override: over.map(|(v, reason)| SewerOverride {
                        volume: ccf(v),
                        reason,
                    }),
                }
            },
        )
}

proptest! {
    /// The engine's integer rounding is `round_dp_with_strategy` to the cent, both ways.
    #[test]
    fn rounding_to_cents_matches_rust_decimal(m in any::<i64>(), extra in any::<u32>(), s in 0u32..=28, even in any::<bool>()) {
        let x = Decimal::from_i128_with_scale(i128::from(m) * i128::from(extra % 1_000_000), s);
        let (mode, strategy) = if even {
            (Rounding::HalfEven, rust_decimal::RoundingStrategy::MidpointNearestEven)
        } else {
            (Rounding::HalfUp, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
        };
        let expected = x.round_dp_with_strategy(2, strategy);
        match super::super::engine::round(x, mode) {
            Ok(m) => prop_assert_eq!(m.as_decimal(), expected),
            Err(_) => prop_assert!(expected.abs() >= Decimal::from(i64::MAX) / Decimal::ONE_HUNDRED),
        }
    }
}
