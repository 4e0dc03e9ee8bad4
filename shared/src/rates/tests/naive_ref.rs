//! Test support: a deliberately naive reference bill, written separately from the engine.
//! Also compiled into the benchmark as its baseline (`benches/quote.rs`), so it uses no
//! `unwrap` and imports the rate types from whatever module includes it.
//!
//! Where the engine scales every input (volume, thresholds, allowance, fixed amounts) by the
//! segment's share of days and prices blocks by arithmetic, the reference walks the period day
//! by day to find which version bills each day, walks the whole period's water unit by unit up
//! the ladder, and then scales each whole-period line by its days. It supports the subset the
//! generator produces (`gen.rs`): fixed charges per account, metered or winter-average volume
//! with absolute tiers and an allowance, percentages, minimums and maximums, whole cycles.
//! Accounts without a winter average use 5 units.

use std::collections::HashMap;

use rust_decimal::{Decimal, RoundingStrategy};

use super::*;

fn cents_of(x: Decimal) -> Decimal {
    x.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// The naive bill: (total, number of lines with an amount).
pub fn naive_bill(versions: &[RateSchedule], input: &QuoteInput) -> Option<(Decimal, usize)> {
    let (start, end) = (input.service_period.start, input.service_period.end);
    let months = Decimal::from(input.billing_frequency.months());

    // Which version bills each day, collapsed into runs of days.
    let mut runs: Vec<(usize, i64)> = Vec::new();
    let mut d = start;
    while d <= end {
        let v = (0..versions.len())
            .filter(|&i| versions.get(i).is_some_and(|v| v.effective_date <= d))
            .max_by_key(|&i| versions.get(i).map(|v| v.effective_date))?;
        match runs.last_mut() {
            Some((last, n)) if *last == v => *n += 1,
            _ => runs.push((v, 1)),
        }
        d = d.succ_opt()?;
    }
    let period_days: i64 = runs.iter().map(|r| r.1).sum();

    let metered = input.consumption.amount * input.multiplier;
    let mut total = Decimal::ZERO;
    let mut lines = 0;
    for (v, days) in runs {
        let schedule = versions.get(v)?;
        let share = |x: Decimal| x * Decimal::from(days) / Decimal::from(period_days);
        let mut amounts: HashMap<&str, Decimal> = HashMap::new();
        for rates in &schedule.services {
            let mut earlier: Vec<&str> = Vec::new();
            for c in &rates.components {
                let amount = match &c.charge {
                    Charge::Fixed(f) => {
                        let amount = f.amount?;
                        let times = if f.frequency == Frequency::PerBill {
                            Decimal::ONE
                        } else {
                            months
                        };
                        lines += 1;
                        cents_of(share(amount * times))
                    }
                    Charge::Volume(vc) => {
                        let winter =
                            input.winter_average.map_or(Decimal::from(5), |w| w.amount) * months;
                        let volume = match vc.volume {
                            VolumeSource::Metered => metered,
                            VolumeSource::WinterAverage if vc.cap_at_metered => winter.min(metered),
                            VolumeSource::WinterAverage => winter,
                        };
                        // Walk the period's water one unit at a time.
                        let mut per_tier = vec![Decimal::ZERO; vc.tiers.len()];
                        let mut unit = Decimal::ZERO;
                        while unit < volume {
                            if unit >= vc.allowance * months {
                                let tier = vc
                                    .tiers
                                    .iter()
                                    .position(|t| t.up_to.is_none_or(|u| unit < u * months))?;
                                *per_tier.get_mut(tier)? += vc.tiers.get(tier)?.price;
                            }
                            unit += Decimal::ONE;
                        }
                        let mut sum = Decimal::ZERO;
                        for cost in per_tier.into_iter().filter(|c| !c.is_zero()) {
                            lines += 1;
                            sum += cents_of(share(cost));
                        }
                        sum
                    }
                    Charge::Percentage(p) => {
                        let base: Decimal =
                            p.of.iter()
                                .map(|id| amounts.get(id.as_str()).copied().unwrap_or_default())
                                .sum();
                        lines += 1;
                        cents_of(base * p.percent / Decimal::ONE_HUNDRED)
                    }
                    Charge::Minimum(l) | Charge::Maximum(l) => {
                        let base: Decimal = earlier
                            .iter()
                            .map(|id| amounts.get(id).copied().unwrap_or_default())
                            .sum();
                        let limit = cents_of(share(l.amount * months));
                        let gap = limit - base;
                        let is_min = matches!(c.charge, Charge::Minimum(_));
                        if (is_min && gap > Decimal::ZERO) || (!is_min && gap < Decimal::ZERO) {
                            lines += 1;
                            gap
                        } else {
                            Decimal::ZERO
                        }
                    }
                };
                amounts.insert(&c.id, amount);
                earlier.push(&c.id);
                total += amount;
            }
        }
    }
    Some((total, lines))
}
