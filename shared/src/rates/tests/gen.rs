//! Random schedules and inputs for the property and differential tests.
//!
//! `Spec`s are always valid schedules (they pass `validate`); prices, amounts and percentages are
//! non-negative, volumes and tier widths whole units, so the naive reference can walk unit by unit.

use proptest::prelude::*;
use proptest::sample::Index;
use rust_decimal::Decimal;

use super::*;

#[derive(Debug, Clone)]
pub(super) enum Spec {
    Fixed {
        cents: i64,
        per_bill: bool,
    },
    Volume {
        winter_average: bool,
        cap: bool,
        allowance: u32,
        tiers: Vec<(u32, i64)>,
    },
    Percentage {
        tenths: i64,
        refs: Vec<Index>,
    },
    Minimum {
        cents: i64,
    },
    Maximum {
        cents: i64,
    },
}

/// `max_percent_tenths` bounds percentages (in tenths of a percent).
pub(super) fn spec(max_percent_tenths: i64) -> impl Strategy<Value = Spec> {
    prop_oneof![
        3 => (0i64..10_000, any::<bool>()).prop_map(|(cents, per_bill)| Spec::Fixed { cents, per_bill }),
        4 => (any::<bool>(), any::<bool>(), 0u32..4, prop::collection::vec((1u32..15, 0i64..6_000), 1..4)).prop_map(
            |(winter_average, cap, allowance, tiers)| Spec::Volume { winter_average, cap: cap && winter_average, allowance, tiers }
        ),
        2 => (0i64..=max_percent_tenths, prop::collection::vec(any::<Index>(), 1..3))
            .prop_map(|(tenths, refs)| Spec::Percentage { tenths, refs }),
        1 => (0i64..3_000).prop_map(|cents| Spec::Minimum { cents }),
        1 => (3_000i64..30_000).prop_map(|cents| Spec::Maximum { cents }),
    ]
}

pub(super) fn specs(max_percent_tenths: i64) -> impl Strategy<Value = (Vec<Spec>, Vec<Spec>)> {
    (
        prop::collection::vec(spec(max_percent_tenths), 1..5),
        prop::collection::vec(spec(max_percent_tenths), 0..4),
    )
}

fn money(cents: i64) -> Decimal {
    Decimal::new(cents, 2)
}

/// Builds a valid schedule: water components then sewer components. Percentages refer only to
/// earlier fixed or volume components (so the total grows with use); a percentage or limit with
/// nothing before it to refer to becomes a fixed charge.
pub(super) fn build(
    id: &str,
    effective: NaiveDate,
    water: &[Spec],
    sewer: &[Spec],
) -> RateSchedule {
    let mut services = Vec::new();
    let mut chargeable: Vec<String> = Vec::new();
    let mut n = 0;
    for (service, specs) in [(Service::Water, water), (Service::Sewer, sewer)] {
        if specs.is_empty() {
            continue;
        }
        let mut components = Vec::new();
        for spec in specs {
            let cid = format!("c{n}");
            n += 1;
            let charge = match spec {
                Spec::Fixed { cents, per_bill } => fixed(*cents, *per_bill),
                Spec::Volume {
                    winter_average,
                    cap,
                    allowance,
                    tiers,
                } => {
                    let mut up_to = 0u32;
                    let last = tiers.len() - 1;
                    let tiers = tiers
                        .iter()
                        .enumerate()
                        .map(|(i, (width, mills))| {
                            up_to += width;
                            Tier {
                                up_to: (i != last).then(|| Decimal::from(up_to)),
                                price: Decimal::new(*mills, 3),
                            }
                        })
                        .collect();
                    Charge::Volume(VolumeCharge {
                        unit: VolumeUnit::Ccf,
                        volume: if *winter_average {
                            VolumeSource::WinterAverage
                        } else {
                            VolumeSource::Metered
                        },
                        cap_at_metered: *cap,
                        allowance: Decimal::from(*allowance),
                        tiers,
                        ..VolumeCharge::default()
                    })
                }
                Spec::Percentage { tenths, refs } if !chargeable.is_empty() => {
                    let mut of: Vec<String> =
                        refs.iter().map(|r| r.get(&chargeable).clone()).collect();
                    of.sort();
                    of.dedup();
                    Charge::Percentage(PercentageCharge {
                        percent: Decimal::new(*tenths, 1),
                        of,
                    })
                }
                Spec::Minimum { cents } if !components.is_empty() => Charge::Minimum(LimitCharge {
                    amount: money(*cents),
                    frequency: Frequency::Monthly,
                    of: vec![],
                }),
                Spec::Maximum { cents } if !components.is_empty() => Charge::Maximum(LimitCharge {
                    amount: money(*cents),
                    frequency: Frequency::Monthly,
                    of: vec![],
                }),
                Spec::Percentage { tenths: c, .. }
                | Spec::Minimum { cents: c }
                | Spec::Maximum { cents: c } => fixed(*c, false),
            };
            if matches!(charge, Charge::Fixed(_) | Charge::Volume(_)) {
                chargeable.push(cid.clone());
            }
            components.push(Component {
                id: cid,
                label: None,
                applies_to: AppliesTo::default(),
                charge,
            });
        }
        services.push(ServiceRates {
            service,
            components,
        });
    }
    let s = RateSchedule {
        format_version: FORMAT_VERSION,
        id: id.into(),
        title: Text {
            en: "Generated".into(),
            es: None,
        },
        effective_date: effective,
        effective_by: EffectiveBy::ServiceDays,
        rounding: Rounding::HalfUp,
        seasons_by: SeasonBasis::ServiceDays,
        source: None,
        classes: vec![CustomerClass {
            code: "single_family".into(),
            label: Text {
                en: "SFR".into(),
                es: None,
            },
            default_winter_average: Some(ccf(Decimal::from(5))),
        }],
        services,
    };
    debug_assert!(validate(&s).is_empty(), "{:?}", validate(&s));
    s
}

fn fixed(cents: i64, per_bill: bool) -> Charge {
    Charge::Fixed(FixedCharge {
        amount: Some(money(cents)),
        frequency: if per_bill {
            Frequency::PerBill
        } else {
            Frequency::Monthly
        },
        ..FixedCharge::default()
    })
}

/// A bill for `len` days starting `offset` days into 2016, monthly up to 31 days.
#[derive(Debug, Clone)]
pub(super) struct Case {
    pub offset: u32,
    pub len: u32,
    pub consumption: u32,
    pub winter_average: Option<u32>,
}

pub(super) fn case() -> impl Strategy<Value = Case> {
    (0u32..700, 1u32..=62, 0u32..80, prop::option::of(0u32..20)).prop_map(
        |(offset, len, consumption, winter_average)| Case {
            offset,
            len,
            consumption,
            winter_average,
        },
    )
}

impl Case {
    pub fn start(&self) -> NaiveDate {
        day(2016, 1, 1) + chrono::Days::new(u64::from(self.offset))
    }

    pub fn input(&self) -> QuoteInput {
        let start = self.start();
        let end = start + chrono::Days::new(u64::from(self.len - 1));
        let mut i = input(start, end, ccf(Decimal::from(self.consumption)));
        if self.len > 31 {
            i.billing_frequency = BillingFrequency::Bimonthly;
        }
        i.winter_average = self.winter_average.map(|w| ccf(Decimal::from(w)));
        i
    }
}
