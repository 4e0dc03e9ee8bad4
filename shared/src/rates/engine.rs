//! The bill calculation.
//!
//! How a bill is built (docs/rates.md has the long version):
//! 1. Versions of each schedule are grouped by `id`; the group's `effective_by` picks the
//!    version(s). With `service_days` the service period is cut at each effective date, and at
//!    season boundaries when `seasons_by` is `service_days`, into segments.
//! 2. Each segment bills its share of the period. Fixed charges and limits: x months x
//!    segment days / cycle days. Volume: the block ladder is walked on the whole period's volume,
//!    thresholds and allowance (thresholds prorated by service days / cycle days only where the
//!    schedule says so), and each line's units are scaled by segment days / service days. Block
//!    pricing is linear when volume and thresholds scale together, so a split bill equals the
//!    day-weighted whole-period bills before rounding.
//! 3. Components are evaluated in document order; every line is rounded to cents on its own,
//!    and percentages and limits work on the rounded amounts they refer to, as a clerk would.
//! 4. The total is the sum of the lines.

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use super::error::RateError;
use super::input::{Period, QuoteInput};
use super::quote::{
    LineKind, LineUnit, Proration, Quote, QuoteLine, Segment, ServiceTotal, WinterAverageSource,
    WinterAverageUsed,
};
use super::schedule::{
    Charge, Component, EffectiveBy, FixedBasis, FixedCharge, Frequency, LimitCharge,
    MeterSizeTiers, PercentageCharge, RateSchedule, Rounding, SeasonBasis, Service, Text,
    ThresholdBasis, Tier, Volume, VolumeCharge, VolumeSource, VolumeUnit, FORMAT_VERSION,
};
use crate::Money;

/// The longest span one quote bills (two years); longer catch-up bills are split by the caller.
pub const MAX_PERIOD_DAYS: u32 = 731;

/// Calculates one bill from every version of every schedule that applies to the account.
///
/// `schedules` may hold several rate books (e.g. water, sewer pass-through, city fees), each in
/// several versions; versions of one book share an `id`. Never panics: any input the engine
/// cannot bill is a `RateError`.
pub fn quote(schedules: &[RateSchedule], input: &QuoteInput) -> Result<Quote, RateError> {
    if schedules.is_empty() {
        return Err(RateError::NoSchedules);
    }
    let ctx = Ctx::new(input)?;
    let mut out = Out {
        segments: Vec::with_capacity(4),
        lines: Vec::with_capacity(16),
        amounts: Vec::new(),
    };
    for (i, schedule) in schedules.iter().enumerate() {
        // Each rate book once, at its first version in the slice.
        if schedules.iter().take(i).any(|s| s.id == schedule.id) {
            continue;
        }
        bill_rate_book(schedules, &schedule.id, &ctx, &mut out)?;
    }

    // Group by service for the bill; the sort is stable so schedule order is kept within one.
    out.lines.sort_by_key(|l| l.service);
    let mut totals: [Option<Money>; 4] = [None; 4];
    let mut total = Money::ZERO;
    for line in &out.lines {
        let slot = totals
            .get_mut(line.service.index())
            .ok_or(RateError::Overflow)?;
        *slot = Some(
            slot.unwrap_or(Money::ZERO)
                .checked_add(line.amount)
                .ok_or(RateError::Overflow)?,
        );
        total = total.checked_add(line.amount).ok_or(RateError::Overflow)?;
    }
    let service_totals = Service::ALL
        .iter()
        .zip(totals)
        .filter_map(|(service, amount)| {
            amount.map(|amount| ServiceTotal {
                service: *service,
                amount,
            })
        })
        .collect();

    Ok(Quote {
        service_period: input.service_period,
        bill_date: input.bill_date,
        billing_frequency: input.billing_frequency,
        proration: (ctx.cycle_days != ctx.service_days).then_some(Proration {
            days: ctx.service_days,
            of_days: ctx.cycle_days,
        }),
        segments: out.segments,
        sewer_override: input.sewer_override.clone(),
        lines: out.lines,
        service_totals,
        total,
    })
}

/// The input, checked, with the day counts every segment needs.
struct Ctx<'a> {
    input: &'a QuoteInput,
    service_days: u32,
    cycle_days: u32,
    months: u32,
    /// Consumption times the meter multiplier.
    metered: Volume,
}

impl<'a> Ctx<'a> {
    fn new(input: &'a QuoteInput) -> Result<Ctx<'a>, RateError> {
        let period = input.service_period;
        let service_days = period_days(period)?;
        let cycle_days = match input.cycle_period {
            None => service_days,
            Some(cycle) => {
                let days = period_days(cycle)?;
                if cycle.start > period.start || period.end > cycle.end {
                    return Err(RateError::PeriodOutsideCycle);
                }
                days
            }
        };
        let invalid = |field, reason| Err(RateError::InvalidInput { field, reason });
        if input.multiplier <= Decimal::ZERO {
            return invalid("multiplier", "must be greater than zero");
        }
        if input.consumption.amount.is_sign_negative() && !input.consumption.amount.is_zero() {
            return invalid("consumption", "must not be negative");
        }
        let negative = |d: Option<Decimal>| d.is_some_and(|d| d < Decimal::ZERO);
        if negative(input.winter_average.map(|v| v.amount)) {
            return invalid("winter_average", "must not be negative");
        }
        if negative(input.esus) {
            return invalid("esus", "must not be negative");
        }
        if negative(input.impervious_area_sq_ft) {
            return invalid("impervious_area_sq_ft", "must not be negative");
        }
        if negative(input.fire_line_inches) {
            return invalid("fire_line_inches", "must not be negative");
        }
        if let Some(o) = &input.sewer_override {
            if o.volume.amount < Decimal::ZERO {
                return invalid("sewer_override.volume", "must not be negative");
            }
            if o.reason.trim().is_empty() {
                return invalid("sewer_override.reason", "a reason is required");
            }
        }
        let metered = Volume::new(
            mul(input.consumption.amount, input.multiplier)?,
            input.consumption.unit,
        );
        Ok(Ctx {
            input,
            service_days,
            cycle_days,
            months: input.billing_frequency.months(),
            metered,
        })
    }

    /// Months a per-month quantity is multiplied by.
    fn times(&self, frequency: Frequency) -> u32 {
        match frequency {
            Frequency::Monthly => self.months,
            Frequency::PerBill => 1,
        }
    }
}

fn period_days(p: Period) -> Result<u32, RateError> {
    let days = p.days().ok_or(RateError::InvalidPeriod {
        start: p.start,
        end: p.end,
    })?;
    if days > MAX_PERIOD_DAYS {
        return Err(RateError::PeriodTooLong { days });
    }
    Ok(days)
}

/// What the calculation builds, plus scratch space reused across segments.
struct Out {
    segments: Vec<Segment>,
    lines: Vec<QuoteLine>,
    /// Rounded amount of each component of the current segment, by document position.
    amounts: Vec<Money>,
}

/// Bills every segment of one rate book.
fn bill_rate_book(
    all: &[RateSchedule],
    id: &str,
    ctx: &Ctx,
    out: &mut Out,
) -> Result<(), RateError> {
    let mut versions: Vec<&RateSchedule> = all.iter().filter(|s| s.id == id).collect();
    versions.sort_by_key(|s| s.effective_date);
    let conflict = |reason| RateError::ConflictingVersions {
        schedule_id: id.to_owned(),
        reason,
    };
    let mut basis = None;
    let mut previous: Option<NaiveDate> = None;
    for v in &versions {
        if v.format_version != FORMAT_VERSION {
            return Err(RateError::UnsupportedFormatVersion {
                schedule_id: id.to_owned(),
                version: v.format_version,
            });
        }
        if basis.is_some_and(|b| b != v.effective_by) {
            return Err(conflict(
                "versions choose their rates differently (effective_by)",
            ));
        }
        basis = Some(v.effective_by);
        if previous == Some(v.effective_date) {
            return Err(conflict("two versions take effect on the same date"));
        }
        previous = Some(v.effective_date);
    }
    let period = ctx.input.service_period;
    // The version in effect on a date: the latest that took effect on or before it.
    let in_effect = |date: NaiveDate| -> Result<usize, RateError> {
        versions
            .iter()
            .rposition(|v| v.effective_date <= date)
            .ok_or_else(|| RateError::NoRatesInEffect {
                schedule_id: id.to_owned(),
                date,
            })
    };
    let first_segment = out.segments.len();
    match basis.unwrap_or_default() {
        EffectiveBy::BillDate | EffectiveBy::PeriodStart => {
            let date = if basis == Some(EffectiveBy::BillDate) {
                ctx.input.bill_date
            } else {
                period.start
            };
            let v = versions.get(in_effect(date)?).ok_or(RateError::Overflow)?;
            bill_version(v, period, ctx, out)?;
        }
        EffectiveBy::ServiceDays => {
            let mut start = period.start;
            let mut i = in_effect(start)?;
            while let Some(v) = versions.get(i) {
                let next = versions
                    .get(i + 1)
                    .map(|n| n.effective_date)
                    .filter(|d| *d <= period.end);
                let end = match next {
                    Some(d) => d.pred_opt().ok_or(RateError::Overflow)?,
                    None => period.end,
                };
                bill_version(v, Period::new(start, end), ctx, out)?;
                match next {
                    Some(d) => start = d,
                    None => break,
                }
                i += 1;
            }
        }
    }
    if out.segments.len() - first_segment > 1 {
        for s in out.segments.iter_mut().skip(first_segment) {
            s.split = true;
        }
    }
    Ok(())
}

/// Bills one version over `run`, cut at season boundaries when seasons go by days.
fn bill_version(
    schedule: &RateSchedule,
    run: Period,
    ctx: &Ctx,
    out: &mut Out,
) -> Result<(), RateError> {
    if !schedule.classes.is_empty() && schedule.class(&ctx.input.class).is_none() {
        return Err(RateError::UnknownClass {
            schedule_id: schedule.id.clone(),
            class: ctx.input.class.clone(),
        });
    }
    if schedule.seasons_by == SeasonBasis::ReadDate {
        return bill_segment(
            schedule,
            run,
            ctx.input.service_period.end.month(),
            ctx,
            out,
        );
    }
    let boundaries = season_boundaries(schedule, ctx.input);
    let mut start = run.start;
    let mut next = first_of_next_month(start)?;
    while next <= run.end {
        if boundaries & (1 << next.month()) != 0 {
            let end = next.pred_opt().ok_or(RateError::Overflow)?;
            bill_segment(schedule, Period::new(start, end), start.month(), ctx, out)?;
            start = next;
        }
        next = first_of_next_month(next)?;
    }
    bill_segment(
        schedule,
        Period::new(start, run.end),
        start.month(),
        ctx,
        out,
    )
}

/// Bit m set: a seasonal rate that applies to this account changes on the first of month m.
fn season_boundaries(schedule: &RateSchedule, input: &QuoteInput) -> u16 {
    let mut bits = 0u16;
    for (_, c) in schedule.components().filter(|(_, c)| applies(c, input)) {
        if let Charge::Volume(v) = &c.charge {
            for s in &v.seasons {
                if (1..=12).contains(&s.from_month) {
                    bits |= 1 << s.from_month;
                }
                if (1..=12).contains(&s.to_month) {
                    bits |= 1 << (s.to_month % 12 + 1);
                }
            }
        }
    }
    bits
}

fn first_of_next_month(d: NaiveDate) -> Result<NaiveDate, RateError> {
    let (y, m) = if d.month() == 12 {
        (d.year().checked_add(1).ok_or(RateError::Overflow)?, 1)
    } else {
        (d.year(), d.month() + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1).ok_or(RateError::Overflow)
}

/// One segment's lines: days of `period` billed at `schedule`.
fn bill_segment(
    schedule: &RateSchedule,
    period: Period,
    season_month: u32,
    ctx: &Ctx,
    out: &mut Out,
) -> Result<(), RateError> {
    let days = period_days(period)?;
    let segment = out.segments.len();
    out.segments.push(Segment {
        schedule_id: schedule.id.clone(),
        effective_date: schedule.effective_date,
        period,
        days,
        split: false,
        winter_average: None,
    });
    let seg = Seg {
        schedule,
        index: segment,
        days,
        season_month,
        ctx,
    };
    let count = schedule.services.iter().map(|s| s.components.len()).sum();
    out.amounts.clear();
    out.amounts.resize(count, Money::ZERO);

    let mut k = 0usize;
    for rates in &schedule.services {
        let service_start = k;
        for component in &rates.components {
            if applies(component, ctx.input) {
                let amount = match &component.charge {
                    Charge::Fixed(f) => seg.fixed(rates.service, component, f, out)?,
                    Charge::Volume(v) => seg.volume(rates.service, component, v, out)?,
                    Charge::Percentage(p) => seg.percentage(rates.service, component, p, k, out)?,
                    Charge::Minimum(l) => seg.limit(
                        rates.service,
                        component,
                        l,
                        LineKind::Minimum,
                        service_start,
                        k,
                        out,
                    )?,
                    Charge::Maximum(l) => seg.limit(
                        rates.service,
                        component,
                        l,
                        LineKind::Maximum,
                        service_start,
                        k,
                        out,
                    )?,
                };
                if let Some(slot) = out.amounts.get_mut(k) {
                    *slot = amount;
                }
            }
            k += 1;
        }
    }
    Ok(())
}

fn applies(c: &Component, input: &QuoteInput) -> bool {
    let a = &c.applies_to;
    (a.classes.is_empty() || a.classes.contains(&input.class))
        && a.city_limits.is_none_or(|l| l == input.city_limits)
        && (a.meter_sizes.is_empty()
            || input
                .meter_size
                .as_ref()
                .is_some_and(|m| a.meter_sizes.contains(m)))
}

/// One segment being billed.
struct Seg<'a> {
    schedule: &'a RateSchedule,
    index: usize,
    days: u32,
    season_month: u32,
    ctx: &'a Ctx<'a>,
}

/// What varies between the lines a component produces.
struct Line<'t> {
    kind: LineKind,
    tier: Option<u32>,
    season: Option<&'t Text>,
    quantity: Decimal,
    unit: LineUnit,
    price: Decimal,
    months: u32,
    of_days: u32,
    amount: Money,
}

impl Seg<'_> {
    fn money(&self, exact: Decimal) -> Result<Money, RateError> {
        round(exact, self.schedule.rounding)
    }

    fn invalid(&self, c: &Component, reason: &'static str) -> RateError {
        RateError::InvalidSchedule {
            schedule_id: self.schedule.id.clone(),
            component_id: c.id.clone(),
            reason,
        }
    }

    fn push(&self, out: &mut Out, service: Service, c: &Component, line: Line) {
        out.lines.push(QuoteLine {
            service,
            segment: self.index,
            component_id: c.id.clone(),
            label: c.label.clone().unwrap_or_else(|| default_label(&c.charge)),
            kind: line.kind,
            tier: line.tier,
            season: line.season.cloned(),
            quantity: line.quantity,
            unit: line.unit,
            price: line.price,
            months: line.months,
            days: self.days,
            of_days: line.of_days,
            amount: line.amount,
        });
    }

    fn fixed(
        &self,
        service: Service,
        c: &Component,
        f: &FixedCharge,
        out: &mut Out,
    ) -> Result<Money, RateError> {
        let input = self.ctx.input;
        let missing = |field| RateError::MissingAccountData {
            component_id: c.id.clone(),
            field,
        };
        let (count, unit) = match f.per {
            FixedBasis::Account => (Decimal::ONE, LineUnit::Account),
            FixedBasis::DwellingUnit => {
                (Decimal::from(input.dwelling_units), LineUnit::DwellingUnit)
            }
            FixedBasis::Esu => (input.esus.ok_or_else(|| missing("esus"))?, LineUnit::Esu),
            FixedBasis::ImperviousArea => {
                let area = input
                    .impervious_area_sq_ft
                    .ok_or_else(|| missing("impervious_area_sq_ft"))?;
                let per = f
                    .area_per_unit
                    .filter(|a| *a > Decimal::ZERO)
                    .ok_or_else(|| {
                        self.invalid(c, "impervious area charge without a positive area_per_unit")
                    })?;
                (div(area, per)?, LineUnit::ImperviousAreaUnit)
            }
            // No fire line, no fire service charge.
            FixedBasis::FireLineInch => match input.fire_line_inches {
                Some(inches) => (inches, LineUnit::FireLineInch),
                None => return Ok(Money::ZERO),
            },
        };
        let by_size = input
            .meter_size
            .as_ref()
            .and_then(|m| f.by_meter_size.iter().find(|r| r.meter_size == *m));
        let price = match (by_size, f.amount, &input.meter_size) {
            (Some(r), _, _) => r.amount,
            (None, Some(a), _) => a,
            (None, None, Some(m)) => {
                return Err(RateError::UnknownMeterSize {
                    component_id: c.id.clone(),
                    meter_size: m.clone(),
                })
            }
            (None, None, None) if !f.by_meter_size.is_empty() => {
                return Err(RateError::MeterSizeRequired {
                    component_id: c.id.clone(),
                })
            }
            (None, None, None) => return Err(self.invalid(c, "fixed charge without an amount")),
        };
        let months = self.ctx.times(f.frequency);
        let exact = prorate(
            mul(mul(count, price)?, Decimal::from(months))?,
            self.days,
            self.ctx.cycle_days,
        )?;
        let amount = self.money(exact)?;
        let line = Line {
            kind: LineKind::Fixed,
            tier: None,
            season: None,
            quantity: count,
            unit,
            price,
            months,
            of_days: self.ctx.cycle_days,
            amount,
        };
        self.push(out, service, c, line);
        Ok(amount)
    }

    /// The monthly winter average in `unit`: the account's, else its class default.
    fn winter_average(
        &self,
        c: &Component,
        unit: VolumeUnit,
        out: &mut Out,
    ) -> Result<Decimal, RateError> {
        let used = match self.ctx.input.winter_average {
            Some(volume) => WinterAverageUsed {
                volume,
                source: WinterAverageSource::Account,
            },
            None => {
                let class = self.schedule.class(&self.ctx.input.class);
                let volume = class
                    .and_then(|k| k.default_winter_average)
                    .ok_or_else(|| RateError::MissingWinterAverage {
                        component_id: c.id.clone(),
                    })?;
                WinterAverageUsed {
                    volume,
                    source: WinterAverageSource::ClassDefault,
                }
            }
        };
        if let Some(s) = out.segments.get_mut(self.index) {
            s.winter_average.get_or_insert(used);
        }
        used.volume.to_unit(unit).ok_or(RateError::Overflow)
    }

    /// Volume lines. The ladder is walked on the whole service period's volume and thresholds,
    /// then each line's units are scaled to this segment's days: the same result as scaling the
    /// inputs (block pricing is linear when volume and thresholds scale together) with one
    /// division per line instead of one per input.
    fn volume(
        &self,
        service: Service,
        c: &Component,
        v: &VolumeCharge,
        out: &mut Out,
    ) -> Result<Money, RateError> {
        let ctx = self.ctx;
        let unit = v.unit;
        let months = Decimal::from(ctx.months);
        // The whole period's volume.
        let metered = ctx.metered.to_unit(unit).ok_or(RateError::Overflow)?;
        let sewer_override = ctx
            .input
            .sewer_override
            .as_ref()
            .filter(|_| service == Service::Sewer);
        let volume = match (sewer_override, v.volume) {
            (Some(o), _) => o.volume.to_unit(unit).ok_or(RateError::Overflow)?,
            (None, VolumeSource::Metered) => metered,
            (None, VolumeSource::WinterAverage) => {
                // A monthly figure: times the months billed, prorated on a partial bill.
                let wa = mul(self.winter_average(c, unit, out)?, months)?;
                let wa = prorate(wa, ctx.service_days, ctx.cycle_days)?;
                if v.cap_at_metered {
                    wa.min(metered)
                } else {
                    wa
                }
            }
        };

        // Thresholds and allowance for the whole period: per month or per bill, prorated on a
        // partial bill only where the schedule says so.
        let times = Decimal::from(ctx.times(v.frequency));
        let base = match v.thresholds {
            ThresholdBasis::Absolute => Decimal::ZERO,
            ThresholdBasis::AboveWinterAverage => mul(self.winter_average(c, unit, out)?, months)?,
        };
        let partial = |x: Decimal| -> Result<Decimal, RateError> {
            if v.prorate_thresholds {
                prorate(x, ctx.service_days, ctx.cycle_days)
            } else {
                Ok(x)
            }
        };
        let allowance = partial(mul(v.allowance, times)?)?;
        // This segment's share of a whole-period quantity.
        let share = |x: Decimal| prorate(x, self.days, ctx.service_days);

        let (tiers, season) = self.ladder(c, v)?;
        let line_unit = line_unit(unit);
        let volume_line = |tier, quantity, price, amount| Line {
            kind: LineKind::Volume,
            tier,
            season,
            quantity,
            unit: line_unit,
            price,
            months: 1,
            of_days: self.days,
            amount,
        };
        let mut total = Money::ZERO;
        let mut lines = 0usize;
        if allowance > Decimal::ZERO && volume > Decimal::ZERO {
            let included = share(volume.min(allowance))?;
            let line = Line {
                kind: LineKind::Included,
                ..volume_line(None, included, Decimal::ZERO, Money::ZERO)
            };
            self.push(out, service, c, line);
            lines += 1;
        }
        let mut low = Decimal::ZERO;
        let mut covered = false;
        for (n, tier) in tiers.iter().enumerate() {
            let high = match tier.up_to {
                Some(up_to) => Some(partial(add(base, mul(up_to, times)?)?)?.max(low)),
                None => None,
            };
            let from = low.max(allowance);
            let to = high.map_or(volume, |h| h.min(volume));
            if to > from {
                let quantity = share(sub(to, from)?)?;
                let amount = self.money(mul(quantity, tier.price)?)?;
                // A uniform price (one tier) has no tier number to show.
                let tier_no = if tiers.len() > 1 {
                    Some(u32::try_from(n + 1).map_err(|_| RateError::Overflow)?)
                } else {
                    None
                };
                self.push(
                    out,
                    service,
                    c,
                    volume_line(tier_no, quantity, tier.price, amount),
                );
                total = total.checked_add(amount).ok_or(RateError::Overflow)?;
                lines += 1;
            }
            match high {
                Some(h) => low = h,
                None => {
                    covered = true;
                    break;
                }
            }
        }
        if !covered && volume > low {
            return Err(self.invalid(
                c,
                "volume above the last tier has no price (the last tier needs no up_to)",
            ));
        }
        if lines == 0 {
            // Always one line, so the bill shows the charge even with no use.
            let price = tiers.first().map_or(Decimal::ZERO, |t| t.price);
            let tier_no = (tiers.len() > 1).then_some(1);
            self.push(
                out,
                service,
                c,
                volume_line(tier_no, Decimal::ZERO, price, Money::ZERO),
            );
        }
        Ok(total)
    }

    /// The ladder for this segment's season and the account's meter size.
    fn ladder<'v>(
        &self,
        c: &Component,
        v: &'v VolumeCharge,
    ) -> Result<(&'v [Tier], Option<&'v Text>), RateError> {
        let (tiers, by_size, season) = if v.seasons.is_empty() {
            (&v.tiers, &v.tiers_by_meter_size, None)
        } else {
            let s = v.seasons.iter().find(|s| s.contains(self.season_month));
            let s = s.ok_or_else(|| self.invalid(c, "no season covers this month"))?;
            (&s.tiers, &s.tiers_by_meter_size, s.label.as_ref())
        };
        let meter = self.ctx.input.meter_size.as_ref();
        let sized = meter.and_then(|m| {
            by_size
                .iter()
                .find(|t: &&MeterSizeTiers| t.meter_size == *m)
        });
        match (sized, meter) {
            (Some(t), _) => Ok((&t.tiers, season)),
            (None, _) if !tiers.is_empty() => Ok((tiers, season)),
            (None, Some(m)) if !by_size.is_empty() => Err(RateError::UnknownMeterSize {
                component_id: c.id.clone(),
                meter_size: m.clone(),
            }),
            (None, None) if !by_size.is_empty() => Err(RateError::MeterSizeRequired {
                component_id: c.id.clone(),
            }),
            _ => Err(self.invalid(c, "volume charge without tiers")),
        }
    }

    /// Sum of the rounded amounts of earlier components named in `of`.
    fn sum_of(
        &self,
        c: &Component,
        of: &[String],
        k: usize,
        out: &Out,
    ) -> Result<Money, RateError> {
        let mut sum = Money::ZERO;
        for id in of {
            let j = self
                .schedule
                .components()
                .take(k)
                .position(|(_, e)| e.id == *id);
            let j = j.ok_or_else(|| {
                self.invalid(
                    c,
                    "refers to a component that is unknown or not written before it",
                )
            })?;
            let amount = out.amounts.get(j).copied().unwrap_or(Money::ZERO);
            sum = sum.checked_add(amount).ok_or(RateError::Overflow)?;
        }
        Ok(sum)
    }

    fn percentage(
        &self,
        service: Service,
        c: &Component,
        p: &PercentageCharge,
        k: usize,
        out: &mut Out,
    ) -> Result<Money, RateError> {
        let base = self.sum_of(c, &p.of, k, out)?.as_decimal();
        if base.is_zero() {
            // Nothing to take a percentage of (e.g. the charges do not apply to this account).
            return Ok(Money::ZERO);
        }
        let amount = self.money(hundredth(mul(base, p.percent)?)?)?;
        let line = Line {
            kind: LineKind::Percentage,
            tier: None,
            season: None,
            quantity: base,
            unit: LineUnit::Dollars,
            price: p.percent,
            months: 1,
            of_days: self.days,
            amount,
        };
        self.push(out, service, c, line);
        Ok(amount)
    }

    /// A minimum or maximum over `of`, or over the service's earlier components
    /// (those from `service_start` to `k`).
    #[allow(clippy::too_many_arguments)]
    fn limit(
        &self,
        service: Service,
        c: &Component,
        l: &LimitCharge,
        kind: LineKind,
        service_start: usize,
        k: usize,
        out: &mut Out,
    ) -> Result<Money, RateError> {
        let base = if l.of.is_empty() {
            let mut sum = Money::ZERO;
            for a in out.amounts.iter().take(k).skip(service_start) {
                sum = sum.checked_add(*a).ok_or(RateError::Overflow)?;
            }
            sum
        } else {
            self.sum_of(c, &l.of, k, out)?
        };
        let months = self.ctx.times(l.frequency);
        let limit = prorate(
            mul(l.amount, Decimal::from(months))?,
            self.days,
            self.ctx.cycle_days,
        )?;
        let gap = self
            .money(limit)?
            .checked_sub(base)
            .ok_or(RateError::Overflow)?;
        let applies = match kind {
            LineKind::Minimum => gap > Money::ZERO,
            _ => gap < Money::ZERO,
        };
        if !applies {
            return Ok(Money::ZERO);
        }
        let line = Line {
            kind,
            tier: None,
            season: None,
            quantity: base.as_decimal(),
            unit: LineUnit::Dollars,
            price: l.amount,
            months,
            of_days: self.ctx.cycle_days,
            amount: gap,
        };
        self.push(out, service, c, line);
        Ok(gap)
    }
}

fn line_unit(unit: VolumeUnit) -> LineUnit {
    match unit {
        VolumeUnit::Ccf => LineUnit::Ccf,
        VolumeUnit::Gallons => LineUnit::Gallons,
        VolumeUnit::Kgal => LineUnit::Kgal,
    }
}

/// What a component is called when the schedule gives it no label.
pub(crate) fn default_label(charge: &Charge) -> Text {
    let (en, es) = match charge {
        Charge::Fixed(f) => match f.per {
            FixedBasis::Account => ("Base charge", "Cargo básico"),
            FixedBasis::DwellingUnit => ("Charge per dwelling unit", "Cargo por vivienda"),
            FixedBasis::Esu => (
                "Charge per equivalent service unit",
                "Cargo por unidad de servicio equivalente",
            ),
            FixedBasis::ImperviousArea => {
                ("Impervious area charge", "Cargo por superficie impermeable")
            }
            FixedBasis::FireLineInch => {
                ("Fire service charge", "Cargo por servicio contra incendios")
            }
        },
        Charge::Volume(_) => ("Usage charge", "Cargo por consumo"),
        Charge::Percentage(_) => ("Surcharge", "Recargo"),
        Charge::Minimum(_) => ("Minimum charge adjustment", "Ajuste al cargo mínimo"),
        Charge::Maximum(_) => ("Maximum charge credit", "Crédito por cargo máximo"),
    };
    Text::new(en, es)
}

/// Rounds to cents with the schedule's rule. Works on the integer mantissa: the same result as
/// `round_dp_with_strategy(2, ..)` (a test checks), several times faster on the 28-digit values
/// that proration leaves.
pub(crate) fn round(exact: Decimal, rounding: Rounding) -> Result<Money, RateError> {
    let mantissa = exact.mantissa();
    let scale = exact.scale();
    let cents = if scale <= 2 {
        let up = 10i128.checked_pow(2 - scale).ok_or(RateError::Overflow)?;
        mantissa.checked_mul(up).ok_or(RateError::Overflow)?
    } else {
        let divisor = 10i128.checked_pow(scale - 2).ok_or(RateError::Overflow)?;
        let (quotient, remainder) = (mantissa / divisor, mantissa % divisor);
        let twice = remainder.unsigned_abs() * 2;
        let half = divisor.unsigned_abs();
        let away = match rounding {
            Rounding::HalfUp => twice >= half,
            Rounding::HalfEven => twice > half || (twice == half && quotient % 2 != 0),
        };
        if away {
            quotient + mantissa.signum()
        } else {
            quotient
        }
    };
    i64::try_from(cents)
        .map(Money::from_cents)
        .map_err(|_| RateError::Overflow)
}

/// `x * days / of_days`, exact when the two are equal; multiplies first to keep precision.
fn prorate(x: Decimal, days: u32, of_days: u32) -> Result<Decimal, RateError> {
    if days == of_days {
        return Ok(x);
    }
    div(mul(x, Decimal::from(days))?, Decimal::from(of_days))
}

/// `x / 100`, by moving the decimal point when the scale allows (a division is slow).
fn hundredth(x: Decimal) -> Result<Decimal, RateError> {
    let mut y = x;
    match y.set_scale(x.scale() + 2) {
        Ok(()) => Ok(y),
        Err(_) => div(x, Decimal::ONE_HUNDRED),
    }
}

fn mul(a: Decimal, b: Decimal) -> Result<Decimal, RateError> {
    a.checked_mul(b).ok_or(RateError::Overflow)
}

fn div(a: Decimal, b: Decimal) -> Result<Decimal, RateError> {
    a.checked_div(b).ok_or(RateError::Overflow)
}

fn add(a: Decimal, b: Decimal) -> Result<Decimal, RateError> {
    a.checked_add(b).ok_or(RateError::Overflow)
}

fn sub(a: Decimal, b: Decimal) -> Result<Decimal, RateError> {
    a.checked_sub(b).ok_or(RateError::Overflow)
}
