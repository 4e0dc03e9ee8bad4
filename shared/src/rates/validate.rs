//! Checks a schedule document before it is saved, listing every problem with the JSON path of
//! the field, a stable code and an English message, so the API can answer 422 with all of them.
//!
//! The engine does not run these checks (they allocate); it refuses what it cannot bill with a
//! `RateError` instead. A schedule that validates clean never makes the engine report
//! `InvalidSchedule`.

use rust_decimal::Decimal;

use super::schedule::{
    Charge, Component, Frequency, RateSchedule, ThresholdBasis, Tier, VolumeSource, FORMAT_VERSION,
};
use crate::{FieldCode, FieldError};

/// The most tiers one ladder may have.
pub const MAX_TIERS: usize = 100;
/// The most components one schedule may have.
pub const MAX_COMPONENTS: usize = 500;

struct Problems(Vec<FieldError>);

impl Problems {
    fn add(&mut self, path: impl Into<String>, code: FieldCode, message: impl Into<String>) {
        self.0.push(FieldError {
            field: path.into(),
            code,
            message: message.into(),
        });
    }

    fn not_negative(&mut self, path: impl Into<String>, d: Decimal, what: &str) {
        if d < Decimal::ZERO {
            self.add(
                path,
                FieldCode::Negative,
                format!("{what} must not be negative"),
            );
        }
    }
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.')
}

/// Every problem in one schedule document; empty when it can be saved.
pub fn validate(s: &RateSchedule) -> Vec<FieldError> {
    let mut p = Problems(Vec::new());
    check_schedule(s, &mut p);
    p.0
}

/// Every problem in a set of schedule versions (as `quote` takes them): each document's, with
/// paths prefixed `[i].`, and conflicts between versions of one schedule.
pub fn validate_versions(schedules: &[RateSchedule]) -> Vec<FieldError> {
    let mut p = Problems(Vec::new());
    for (i, s) in schedules.iter().enumerate() {
        for e in validate(s) {
            p.add(format!("[{i}].{}", e.field), e.code, e.message);
        }
        for (j, earlier) in schedules.iter().enumerate().take(i) {
            if earlier.id != s.id {
                continue;
            }
            if earlier.effective_by != s.effective_by {
                p.add(
                    format!("[{i}].effective_by"),
                    FieldCode::MixedEffectiveBy,
                    format!(
                        "every version of {} must choose its rates the same way (see [{j}])",
                        s.id
                    ),
                );
            }
            if earlier.effective_date == s.effective_date {
                p.add(
                    format!("[{i}].effective_date"),
                    FieldCode::DuplicateVersion,
                    format!(
                        "another version of {} takes effect on {} (see [{j}])",
                        s.id, s.effective_date
                    ),
                );
            }
        }
    }
    p.0
}

fn check_schedule(s: &RateSchedule, p: &mut Problems) {
    if s.format_version != FORMAT_VERSION {
        p.add(
            "format_version",
            FieldCode::UnsupportedVersion,
            format!("format_version must be {FORMAT_VERSION}"),
        );
    }
    if !valid_id(&s.id) {
        p.add(
            "id",
            FieldCode::InvalidId,
            "id must be 1 to 64 letters, digits, '-', '_' or '.'",
        );
    }
    if s.title.en.trim().is_empty() {
        p.add(
            "title.en",
            FieldCode::Required,
            "the schedule needs an English title",
        );
    }
    for (i, c) in s.classes.iter().enumerate() {
        let path = format!("classes[{i}]");
        if !valid_id(&c.code) {
            p.add(
                format!("{path}.code"),
                FieldCode::InvalidId,
                "class code must be 1 to 64 letters, digits, '-', '_' or '.'",
            );
        }
        if s.classes.iter().take(i).any(|e| e.code == c.code) {
            p.add(
                format!("{path}.code"),
                FieldCode::Duplicate,
                format!("class {} is listed twice", c.code),
            );
        }
        if c.label.en.trim().is_empty() {
            p.add(
                format!("{path}.label.en"),
                FieldCode::Required,
                "the class needs an English label",
            );
        }
        if let Some(v) = c.default_winter_average {
            p.not_negative(
                format!("{path}.default_winter_average.amount"),
                v.amount,
                "the default winter average",
            );
        }
    }
    if s.services.is_empty() {
        p.add(
            "services",
            FieldCode::Required,
            "the schedule has no services",
        );
    }
    let count: usize = s.services.iter().map(|r| r.components.len()).sum();
    if count > MAX_COMPONENTS {
        p.add(
            "services",
            FieldCode::TooMany,
            format!("at most {MAX_COMPONENTS} components per schedule"),
        );
    }

    let mut k = 0usize; // document position of the component being checked
    for (si, rates) in s.services.iter().enumerate() {
        let spath = format!("services[{si}]");
        if s.services
            .iter()
            .take(si)
            .any(|e| e.service == rates.service)
        {
            p.add(
                format!("{spath}.service"),
                FieldCode::Duplicate,
                format!(
                    "{} is listed twice; put all its components in one list",
                    rates.service.as_str()
                ),
            );
        }
        if rates.components.is_empty() {
            p.add(
                format!("{spath}.components"),
                FieldCode::Required,
                "the service has no components",
            );
        }
        let service_start = k;
        for (ci, c) in rates.components.iter().enumerate() {
            let path = format!("{spath}.components[{ci}]");
            check_component(s, c, &path, k, service_start, p);
            k += 1;
        }
        check_limits(rates.components.as_slice(), &spath, p);
    }
}

fn check_component(
    s: &RateSchedule,
    c: &Component,
    path: &str,
    k: usize,
    service_start: usize,
    p: &mut Problems,
) {
    if !valid_id(&c.id) {
        p.add(
            format!("{path}.id"),
            FieldCode::InvalidId,
            "component id must be 1 to 64 letters, digits, '-', '_' or '.'",
        );
    } else if s.components().take(k).any(|(_, e)| e.id == c.id) {
        p.add(
            format!("{path}.id"),
            FieldCode::Duplicate,
            format!("another component is already called {}", c.id),
        );
    }
    if let Some(l) = &c.label {
        if l.en.trim().is_empty() {
            p.add(
                format!("{path}.label.en"),
                FieldCode::Required,
                "the label needs English text",
            );
        }
    }
    if !s.classes.is_empty() {
        for (i, class) in c.applies_to.classes.iter().enumerate() {
            if s.class(class).is_none() {
                p.add(
                    format!("{path}.applies_to.classes[{i}]"),
                    FieldCode::UnknownClass,
                    format!("{class} is not one of the schedule's classes"),
                );
            }
        }
    }
    for (i, m) in c.applies_to.meter_sizes.iter().enumerate() {
        if m.trim().is_empty() {
            p.add(
                format!("{path}.applies_to.meter_sizes[{i}]"),
                FieldCode::Required,
                "meter size must not be blank",
            );
        }
    }

    let cpath = format!("{path}.charge");
    match &c.charge {
        Charge::Fixed(f) => {
            if let Some(a) = f.amount {
                p.not_negative(format!("{cpath}.amount"), a, "the amount");
            }
            if f.amount.is_none() && f.by_meter_size.is_empty() {
                p.add(
                    format!("{cpath}.amount"),
                    FieldCode::Required,
                    "give an amount, amounts by meter size, or both",
                );
            }
            for (i, r) in f.by_meter_size.iter().enumerate() {
                let rpath = format!("{cpath}.by_meter_size[{i}]");
                p.not_negative(format!("{rpath}.amount"), r.amount, "the amount");
                if r.meter_size.trim().is_empty() {
                    p.add(
                        format!("{rpath}.meter_size"),
                        FieldCode::Required,
                        "meter size must not be blank",
                    );
                } else if f
                    .by_meter_size
                    .iter()
                    .take(i)
                    .any(|e| e.meter_size == r.meter_size)
                {
                    p.add(
                        format!("{rpath}.meter_size"),
                        FieldCode::Duplicate,
                        format!("meter size {} is listed twice", r.meter_size),
                    );
                }
            }
            let impervious = f.per == super::schedule::FixedBasis::ImperviousArea;
            match f.area_per_unit {
                None if impervious => p.add(
                    format!("{cpath}.area_per_unit"),
                    FieldCode::Required,
                    "an impervious area charge needs the square feet per billing unit",
                ),
                Some(a) if impervious && a <= Decimal::ZERO => p.add(
                    format!("{cpath}.area_per_unit"),
                    FieldCode::NotPositive,
                    "area_per_unit must be greater than zero",
                ),
                Some(_) if !impervious => p.add(
                    format!("{cpath}.area_per_unit"),
                    FieldCode::NotApplicable,
                    "area_per_unit only applies when per is impervious_area",
                ),
                _ => {}
            }
        }
        Charge::Volume(v) => {
            p.not_negative(format!("{cpath}.allowance"), v.allowance, "the allowance");
            if v.cap_at_metered && v.volume != VolumeSource::WinterAverage {
                p.add(
                    format!("{cpath}.cap_at_metered"),
                    FieldCode::NotApplicable,
                    "cap_at_metered only applies when the volume is the winter average",
                );
            }
            let relative = v.thresholds == ThresholdBasis::AboveWinterAverage;
            if v.seasons.is_empty() {
                if v.tiers.is_empty() && v.tiers_by_meter_size.is_empty() {
                    p.add(
                        format!("{cpath}.tiers"),
                        FieldCode::Required,
                        "a volume charge needs tiers (one tier for a uniform price)",
                    );
                }
            } else if !v.tiers.is_empty() || !v.tiers_by_meter_size.is_empty() {
                p.add(
                    format!("{cpath}.tiers"),
                    FieldCode::Conflict,
                    "use either tiers or seasons, not both",
                );
            }
            if !v.tiers.is_empty() {
                check_ladder(&v.tiers, &format!("{cpath}.tiers"), relative, p);
            }
            check_sized_ladders(
                &v.tiers_by_meter_size,
                &format!("{cpath}.tiers_by_meter_size"),
                relative,
                p,
            );
            check_seasons(v, &cpath, relative, p);
        }
        Charge::Percentage(pc) => {
            if pc.percent < Decimal::from(-100) || pc.percent > Decimal::from(1000) {
                p.add(
                    format!("{cpath}.percent"),
                    FieldCode::OutOfRange,
                    "percent must be between -100 and 1000",
                );
            }
            if pc.of.is_empty() {
                p.add(
                    format!("{cpath}.of"),
                    FieldCode::Required,
                    "name the components this is a percentage of",
                );
            }
            check_references(s, c, &pc.of, &format!("{cpath}.of"), k, p);
        }
        Charge::Minimum(l) | Charge::Maximum(l) => {
            p.not_negative(format!("{cpath}.amount"), l.amount, "the amount");
            check_references(s, c, &l.of, &format!("{cpath}.of"), k, p);
            if l.of.is_empty() && k == service_start {
                p.add(
                    format!("{cpath}.of"),
                    FieldCode::Required,
                    "a limit needs earlier components of its service to apply to",
                );
            }
        }
    }
}

fn check_references(
    s: &RateSchedule,
    c: &Component,
    of: &[String],
    path: &str,
    k: usize,
    p: &mut Problems,
) {
    for (i, id) in of.iter().enumerate() {
        let rpath = format!("{path}[{i}]");
        match s.components().position(|(_, e)| e.id == *id) {
            None => p.add(
                rpath,
                FieldCode::UnknownComponent,
                format!("there is no component {id}"),
            ),
            Some(_) if *id == c.id => p.add(
                rpath,
                FieldCode::SelfReference,
                "a component cannot refer to itself",
            ),
            Some(j) if j > k => p.add(
                rpath,
                FieldCode::ForwardReference,
                format!("{id} comes later; components may only refer to those written before them"),
            ),
            Some(_) => {}
        }
    }
}

fn check_ladder(tiers: &[Tier], path: &str, relative: bool, p: &mut Problems) {
    if tiers.is_empty() {
        p.add(
            path,
            FieldCode::Required,
            "a ladder needs at least one tier",
        );
        return;
    }
    if tiers.len() > MAX_TIERS {
        p.add(
            path,
            FieldCode::TooMany,
            format!("at most {MAX_TIERS} tiers"),
        );
    }
    let last = tiers.len() - 1;
    let mut previous: Option<Decimal> = None;
    for (i, t) in tiers.iter().enumerate() {
        let tpath = format!("{path}[{i}]");
        p.not_negative(format!("{tpath}.price"), t.price, "the price");
        match t.up_to {
            None if i != last => p.add(
                format!("{tpath}.up_to"),
                FieldCode::OpenTierNotLast,
                "only the last tier may be open-ended; give up_to",
            ),
            Some(_) if i == last => p.add(
                format!("{tpath}.up_to"),
                FieldCode::LastTierBounded,
                "the last tier must be open-ended (no up_to), or use above it would have no price",
            ),
            Some(u) => {
                if u < Decimal::ZERO || (!relative && u.is_zero()) {
                    p.add(
                        format!("{tpath}.up_to"),
                        FieldCode::NotPositive,
                        "up_to must be greater than zero",
                    );
                }
                if previous.is_some_and(|prev| u <= prev) {
                    p.add(
                        format!("{tpath}.up_to"),
                        FieldCode::TiersNotIncreasing,
                        "each tier must end above the one before it",
                    );
                }
                previous = Some(u);
            }
            None => {}
        }
    }
}

fn check_sized_ladders(
    ladders: &[super::schedule::MeterSizeTiers],
    path: &str,
    relative: bool,
    p: &mut Problems,
) {
    for (i, l) in ladders.iter().enumerate() {
        let lpath = format!("{path}[{i}]");
        if l.meter_size.trim().is_empty() {
            p.add(
                format!("{lpath}.meter_size"),
                FieldCode::Required,
                "meter size must not be blank",
            );
        } else if ladders.iter().take(i).any(|e| e.meter_size == l.meter_size) {
            p.add(
                format!("{lpath}.meter_size"),
                FieldCode::Duplicate,
                format!("meter size {} is listed twice", l.meter_size),
            );
        }
        check_ladder(&l.tiers, &format!("{lpath}.tiers"), relative, p);
    }
}

fn check_seasons(v: &super::schedule::VolumeCharge, cpath: &str, relative: bool, p: &mut Problems) {
    let mut covered = [usize::MAX; 13]; // month -> season index covering it
    let mut months_ok = true;
    for (i, s) in v.seasons.iter().enumerate() {
        let path = format!("{cpath}.seasons[{i}]");
        for (field, m) in [("from_month", s.from_month), ("to_month", s.to_month)] {
            if !(1..=12).contains(&m) {
                p.add(
                    format!("{path}.{field}"),
                    FieldCode::InvalidMonth,
                    "months are 1 (January) to 12 (December)",
                );
                months_ok = false;
            }
        }
        if let Some(l) = &s.label {
            if l.en.trim().is_empty() {
                p.add(
                    format!("{path}.label.en"),
                    FieldCode::Required,
                    "the label needs English text",
                );
            }
        }
        if s.tiers.is_empty() && s.tiers_by_meter_size.is_empty() {
            p.add(
                format!("{path}.tiers"),
                FieldCode::Required,
                "a season needs tiers",
            );
        }
        if !s.tiers.is_empty() {
            check_ladder(&s.tiers, &format!("{path}.tiers"), relative, p);
        }
        check_sized_ladders(
            &s.tiers_by_meter_size,
            &format!("{path}.tiers_by_meter_size"),
            relative,
            p,
        );
        if !months_ok {
            continue;
        }
        let mut overlap = None;
        for (m, slot) in covered.iter_mut().enumerate().skip(1) {
            let month = u32::try_from(m).unwrap_or(0);
            if s.contains(month) {
                if *slot != usize::MAX {
                    overlap.get_or_insert((month, *slot));
                } else {
                    *slot = i;
                }
            }
        }
        if let Some((month, other)) = overlap {
            p.add(
                path,
                FieldCode::OverlappingSeasons,
                format!(
                    "month {month} is also in seasons[{other}]; each month belongs to one season"
                ),
            );
        }
    }
    if months_ok && !v.seasons.is_empty() {
        let gaps: Vec<String> = (1..=12usize)
            .filter(|m| covered.get(*m) == Some(&usize::MAX))
            .map(|m| m.to_string())
            .collect();
        if !gaps.is_empty() {
            p.add(
                format!("{cpath}.seasons"),
                FieldCode::SeasonGap,
                format!(
                    "no season covers month(s) {}; the seasons must cover the whole year",
                    gaps.join(", ")
                ),
            );
        }
    }
}

/// A minimum above a maximum over the same components can never be met.
fn check_limits(components: &[Component], spath: &str, p: &mut Problems) {
    for (i, c) in components.iter().enumerate() {
        let Charge::Minimum(min) = &c.charge else {
            continue;
        };
        for (j, d) in components.iter().enumerate() {
            let Charge::Maximum(max) = &d.charge else {
                continue;
            };
            let same_scope =
                min.of == max.of && min.frequency == max.frequency && c.applies_to == d.applies_to;
            if same_scope && min.amount > max.amount {
                let per = if min.frequency == Frequency::Monthly {
                    "a month"
                } else {
                    "a bill"
                };
                p.add(
                    format!("{spath}.components[{i}].charge.amount"),
                    FieldCode::MinimumAboveMaximum,
                    format!(
                        "the minimum is above the maximum of components[{j}] ({} {per})",
                        max.amount
                    ),
                );
            }
        }
    }
}
