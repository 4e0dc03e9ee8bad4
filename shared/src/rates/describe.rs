//! A rate schedule in plain words, in English or Spanish: what the printed rate list and the
//! client's version page show. Every price as written in the document (no arithmetic), per
//! service and component, with the conditions under which it applies.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::engine::default_label;
use super::explain::{date, money_dec, price, qty, volume_unit, MONTHS_EN, MONTHS_ES};
use super::schedule::{
    AppliesTo, Charge, CityLimits, Component, EffectiveBy, FixedBasis, FixedCharge, Frequency,
    LimitCharge, PercentageCharge, RateSchedule, Rounding, SeasonBasis, Service, ThresholdBasis,
    Tier, VolumeCharge, VolumeSource, VolumeUnit,
};
use crate::dto::Locale;

/// A schedule described for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduleText {
    pub title: String,
    /// When and how the version applies, rounding, the source.
    pub notes: Vec<String>,
    /// The customer classes, one sentence each (with a default winter average if any).
    pub classes: Vec<String>,
    pub services: Vec<ServiceText>,
}

/// The charges of one service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceText {
    pub service: Service,
    /// "Water", "Agua", ...
    pub name: String,
    pub components: Vec<ComponentText>,
}

/// One charge: its label, who pays it, and its prices in sentences.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComponentText {
    pub id: String,
    pub label: String,
    /// "Only for: ..." when the charge has filters.
    pub applies_to: Option<String>,
    pub lines: Vec<String>,
}

impl RateSchedule {
    /// The schedule in plain words; see [`describe`].
    pub fn describe(&self, locale: Locale) -> ScheduleText {
        describe(self, locale)
    }
}

/// A date written out: "January 1, 2016", "1 de enero de 2016".
pub fn long_date(d: NaiveDate, locale: Locale) -> String {
    date(d, locale == Locale::Es)
}

/// The name of a service in `locale`.
pub fn service_name(service: Service, locale: Locale) -> &'static str {
    match (service, locale) {
        (Service::Water, Locale::En) => "Water",
        (Service::Sewer, Locale::En) => "Sewer",
        (Service::Stormwater, Locale::En) => "Stormwater",
        (Service::CityFees, Locale::En) => "City fees",
        (Service::Water, Locale::Es) => "Agua",
        (Service::Sewer, Locale::Es) => "Alcantarillado",
        (Service::Stormwater, Locale::Es) => "Aguas pluviales",
        (Service::CityFees, Locale::Es) => "Cargos municipales",
    }
}

/// Every service and charge of `s` in sentences, in document order.
pub fn describe(s: &RateSchedule, locale: Locale) -> ScheduleText {
    let es = locale == Locale::Es;
    let mut notes = Vec::new();
    let d = date(s.effective_date, es);
    notes.push(match (s.effective_by, es) {
        (EffectiveBy::ServiceDays, false) => format!(
            "In effect from {d}. A service period that spans the change is billed in parts by days."
        ),
        (EffectiveBy::ServiceDays, true) => format!(
            "Vigente desde el {d}. Un periodo de servicio que abarca el cambio se factura por partes según los días."
        ),
        (EffectiveBy::PeriodStart, false) => {
            format!("Applies to service periods that start on or after {d}.")
        }
        (EffectiveBy::PeriodStart, true) => {
            format!("Se aplica a los periodos de servicio que comienzan el {d} o después.")
        }
        (EffectiveBy::BillDate, false) => format!("Applies to bills dated on or after {d}."),
        (EffectiveBy::BillDate, true) => {
            format!("Se aplica a las facturas con fecha del {d} o posterior.")
        }
    });
    let seasonal = s
        .components()
        .any(|(_, c)| matches!(&c.charge, Charge::Volume(v) if !v.seasons.is_empty()));
    if seasonal {
        notes.push(
            match (s.seasons_by, es) {
                (SeasonBasis::ServiceDays, false) => {
                    "A service period that crosses a change of season is billed in parts by days."
                }
                (SeasonBasis::ServiceDays, true) => {
                    "Un periodo de servicio que cruza un cambio de temporada se factura por partes según los días."
                }
                (SeasonBasis::ReadDate, false) => {
                    "The month of the meter read decides the season for the whole bill."
                }
                (SeasonBasis::ReadDate, true) => {
                    "El mes de la lectura del medidor decide la temporada de toda la factura."
                }
            }
            .to_owned(),
        );
    }
    if s.rounding == Rounding::HalfEven {
        notes.push(
            if es {
                "Cada línea se redondea al centavo; las mitades, al centavo par."
            } else {
                "Each line is rounded to the cent, halves to the even cent."
            }
            .to_owned(),
        );
    }
    if let Some(src) = s.source.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        notes.push(format!("{}: {src}", if es { "Fuente" } else { "Source" }));
    }

    let classes = s
        .classes
        .iter()
        .map(|c| {
            let mut t = format!("{} ({})", c.label.get(locale), c.code);
            if let Some(wa) = c.default_winter_average {
                let v = format!("{} {}", qty(wa.amount), volume_unit(wa.unit, es));
                t.push_str(&if es {
                    format!(": las cuentas sin promedio de invierno usan {v} al mes.")
                } else {
                    format!(": accounts without a winter average use {v} a month.")
                });
            } else {
                t.push('.');
            }
            t
        })
        .collect();

    let services = s
        .services
        .iter()
        .map(|sr| ServiceText {
            service: sr.service,
            name: service_name(sr.service, locale).to_owned(),
            components: sr
                .components
                .iter()
                .map(|c| component(s, c, locale))
                .collect(),
        })
        .collect();

    ScheduleText {
        title: s.title.get(locale).to_owned(),
        notes,
        classes,
        services,
    }
}

fn label_of(c: &Component, locale: Locale) -> String {
    c.label
        .clone()
        .unwrap_or_else(|| default_label(&c.charge))
        .get(locale)
        .to_owned()
}

fn component(s: &RateSchedule, c: &Component, locale: Locale) -> ComponentText {
    let es = locale == Locale::Es;
    let lines = match &c.charge {
        Charge::Fixed(f) => fixed(f, es),
        Charge::Volume(v) => volume(v, es),
        Charge::Percentage(p) => vec![percentage(s, p, locale)],
        Charge::Minimum(l) => vec![limit(s, l, true, locale)],
        Charge::Maximum(l) => vec![limit(s, l, false, locale)],
    };
    ComponentText {
        id: c.id.clone(),
        label: label_of(c, locale),
        applies_to: applies_to(s, &c.applies_to, locale),
        lines,
    }
}

fn applies_to(s: &RateSchedule, a: &AppliesTo, locale: Locale) -> Option<String> {
    let es = locale == Locale::Es;
    let mut parts = Vec::new();
    if !a.classes.is_empty() {
        let names: Vec<String> = a
            .classes
            .iter()
            .map(|code| {
                s.class(code)
                    .map(|c| c.label.get(locale).to_owned())
                    .unwrap_or_else(|| code.clone())
            })
            .collect();
        parts.push(names.join(", "));
    }
    if let Some(limits) = a.city_limits {
        parts.push(
            match (limits, es) {
                (CityLimits::Inside, false) => "inside city limits",
                (CityLimits::Outside, false) => "outside city limits",
                (CityLimits::Inside, true) => "dentro de los límites de la ciudad",
                (CityLimits::Outside, true) => "fuera de los límites de la ciudad",
            }
            .to_owned(),
        );
    }
    if !a.meter_sizes.is_empty() {
        let sizes = a.meter_sizes.join(", ");
        parts.push(if es {
            format!("medidores de {sizes}")
        } else {
            format!("meter sizes {sizes}")
        });
    }
    (!parts.is_empty()).then(|| {
        format!(
            "{}: {}",
            if es { "Solo para" } else { "Only for" },
            parts.join("; ")
        )
    })
}

/// " a month" / " per bill".
fn every(f: Frequency, es: bool) -> &'static str {
    match (f, es) {
        (Frequency::Monthly, false) => " a month",
        (Frequency::Monthly, true) => " al mes",
        (Frequency::PerBill, false) => " per bill",
        (Frequency::PerBill, true) => " por factura",
    }
}

fn fixed(f: &FixedCharge, es: bool) -> Vec<String> {
    let per = match (f.per, es) {
        (FixedBasis::Account, _) => String::new(),
        (FixedBasis::DwellingUnit, false) => " per dwelling unit".into(),
        (FixedBasis::DwellingUnit, true) => " por vivienda".into(),
        (FixedBasis::Esu, false) => " per equivalent service unit (ESU)".into(),
        (FixedBasis::Esu, true) => " por unidad de servicio equivalente (ESU)".into(),
        (FixedBasis::ImperviousArea, false) => format!(
            " per {} sq ft of impervious area",
            f.area_per_unit.map(qty).unwrap_or_else(|| "?".into())
        ),
        (FixedBasis::ImperviousArea, true) => format!(
            " por cada {} pies cuadrados de superficie impermeable",
            f.area_per_unit.map(qty).unwrap_or_else(|| "?".into())
        ),
        (FixedBasis::FireLineInch, false) => " per inch of fire line".into(),
        (FixedBasis::FireLineInch, true) => " por pulgada de línea contra incendios".into(),
    };
    let when = every(f.frequency, es);
    let mut out = Vec::new();
    for m in &f.by_meter_size {
        out.push(if es {
            format!(
                "Medidor de {}: {}{per}{when}.",
                m.meter_size,
                price(m.amount)
            )
        } else {
            format!("{} meter: {}{per}{when}.", m.meter_size, price(m.amount))
        });
    }
    if let Some(a) = f.amount {
        out.push(match (f.by_meter_size.is_empty(), es) {
            (true, _) => format!("{}{per}{when}.", price(a)),
            (false, false) => format!("Other meter sizes: {}{per}{when}.", price(a)),
            (false, true) => format!("Otros tamaños de medidor: {}{per}{when}.", price(a)),
        });
    }
    out
}

/// "CCF", "gallon", "thousand gallons": what one unit price is per.
fn per_unit(unit: VolumeUnit, es: bool) -> &'static str {
    match (unit, es) {
        (VolumeUnit::Ccf, _) => "CCF",
        (VolumeUnit::Gallons, false) => "gallon",
        (VolumeUnit::Gallons, true) => "galón",
        (VolumeUnit::Kgal, false) => "thousand gallons",
        (VolumeUnit::Kgal, true) => "mil galones",
    }
}

fn volume(v: &VolumeCharge, es: bool) -> Vec<String> {
    let unit = volume_unit(v.unit, es);
    let mut out = Vec::new();
    if v.volume == VolumeSource::WinterAverage {
        let mut t = String::from(if es {
            "Se factura sobre el promedio de invierno de la cuenta (mensual)"
        } else {
            "Billed on the account's monthly winter average"
        });
        if v.cap_at_metered {
            t.push_str(if es {
                ", o sobre el consumo medido si es menor"
            } else {
                ", or on the metered use if that is lower"
            });
        }
        t.push('.');
        out.push(t);
    }
    if v.allowance > Decimal::ZERO {
        let when = every(v.frequency, es);
        out.push(if es {
            format!(
                "Los primeros {} {unit}{when} están incluidos en el cargo básico.",
                qty(v.allowance)
            )
        } else {
            format!(
                "The first {} {unit}{when} are included in the base charge.",
                qty(v.allowance)
            )
        });
    }
    if v.thresholds == ThresholdBasis::AboveWinterAverage {
        out.push(
            if es {
                "Los límites de los bloques se suman al promedio de invierno de la cuenta."
            } else {
                "Block limits are added to the account's winter average."
            }
            .to_owned(),
        );
    }
    if v.prorate_thresholds {
        out.push(
            if es {
                "En una factura parcial, los límites de los bloques se prorratean por días."
            } else {
                "On a partial bill, block limits are prorated by days."
            }
            .to_owned(),
        );
    }
    let other_sizes = if es {
        "Otros tamaños de medidor"
    } else {
        "Other meter sizes"
    };
    let sized = |size: &str| {
        if es {
            format!("Medidor de {size}")
        } else {
            format!("{size} meter")
        }
    };
    if v.seasons.is_empty() {
        for m in &v.tiers_by_meter_size {
            out.extend(ladder(v, &m.tiers, Some(&sized(&m.meter_size)), es));
        }
        let prefix = (!v.tiers_by_meter_size.is_empty()).then_some(other_sizes);
        out.extend(ladder(v, &v.tiers, prefix, es));
    } else {
        for season in &v.seasons {
            let name = match &season.label {
                Some(l) => l.get(if es { Locale::Es } else { Locale::En }).to_owned(),
                None => months(season.from_month, season.to_month, es),
            };
            for m in &season.tiers_by_meter_size {
                let p = format!("{name}, {}", sized(&m.meter_size).to_lowercase());
                out.extend(ladder(v, &m.tiers, Some(&p), es));
            }
            let p = if season.tiers_by_meter_size.is_empty() {
                name.clone()
            } else {
                format!("{name}, {}", other_sizes.to_lowercase())
            };
            out.extend(ladder(v, &season.tiers, Some(&p), es));
        }
    }
    out
}

fn months(from: u32, to: u32, es: bool) -> String {
    let name = |m: u32| {
        let table = if es { &MONTHS_ES } else { &MONTHS_EN };
        m.checked_sub(1)
            .and_then(|i| table.get(i as usize))
            .map(|s| (*s).to_owned())
            .unwrap_or_else(|| m.to_string())
    };
    if es {
        format!("{} a {}", name(from), name(to))
    } else {
        format!("{} to {}", name(from), name(to))
    }
}

/// One sentence per block: "5 to 15 CCF a month: $2.65 per CCF."
fn ladder(v: &VolumeCharge, tiers: &[Tier], prefix: Option<&str>, es: bool) -> Vec<String> {
    let unit = volume_unit(v.unit, es);
    let per = per_unit(v.unit, es);
    let when = every(v.frequency, es);
    let wa = v.thresholds == ThresholdBasis::AboveWinterAverage;
    let lead = |s: String| match prefix {
        Some(p) => format!("{p}: {s}"),
        None => s,
    };
    if let [only] = tiers {
        if only.up_to.is_none() {
            let s = if es {
                format!("{} por {per}.", price(only.price))
            } else {
                format!("{} per {per}.", price(only.price))
            };
            return vec![lead(s)];
        }
    }
    let range_of = |from: Option<Decimal>, to: Option<Decimal>| -> String {
        let (f, t) = (from.map(qty), to.map(qty));
        match (f, t, wa, es) {
            (None, Some(t), false, false) => format!("Up to {t} {unit}{when}"),
            (None, Some(t), false, true) => format!("Hasta {t} {unit}{when}"),
            (Some(f), Some(t), false, false) => format!("{f} to {t} {unit}{when}"),
            (Some(f), Some(t), false, true) => format!("De {f} a {t} {unit}{when}"),
            (Some(f), None, false, false) => format!("Over {f} {unit}{when}"),
            (Some(f), None, false, true) => format!("Más de {f} {unit}{when}"),
            (None, Some(t), true, false) => {
                format!("Up to the winter average + {t} {unit}{when}")
            }
            (None, Some(t), true, true) => {
                format!("Hasta el promedio de invierno + {t} {unit}{when}")
            }
            (Some(f), Some(t), true, false) => {
                format!("From the winter average + {f} to the winter average + {t} {unit}{when}")
            }
            (Some(f), Some(t), true, true) => {
                format!("Del promedio de invierno + {f} al promedio de invierno + {t} {unit}{when}")
            }
            (Some(f), None, true, false) => {
                format!("Over the winter average + {f} {unit}{when}")
            }
            (Some(f), None, true, true) => {
                format!("Más del promedio de invierno + {f} {unit}{when}")
            }
            (None, None, _, false) => "Any use".to_owned(),
            (None, None, _, true) => "Todo el consumo".to_owned(),
        }
    };
    let mut out = Vec::new();
    let mut from: Option<Decimal> = None;
    for t in tiers {
        let range = range_of(from, t.up_to);
        let s = if es {
            format!("{range}: {} por {per}.", price(t.price))
        } else {
            format!("{range}: {} per {per}.", price(t.price))
        };
        out.push(lead(s));
        from = t.up_to.or(from);
    }
    out
}

fn names(s: &RateSchedule, ids: &[String], locale: Locale) -> String {
    ids.iter()
        .map(|id| {
            s.components()
                .find(|(_, c)| &c.id == id)
                .map(|(_, c)| label_of(c, locale))
                .unwrap_or_else(|| id.clone())
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn percentage(s: &RateSchedule, p: &PercentageCharge, locale: Locale) -> String {
    let es = locale == Locale::Es;
    let of = names(s, &p.of, locale);
    let pct = p.percent.abs().normalize();
    match (p.percent.is_sign_negative() && !p.percent.is_zero(), es) {
        (false, false) => format!("{pct}% of: {of}."),
        (false, true) => format!("{pct}% de: {of}."),
        (true, false) => format!("A {pct}% discount on: {of}."),
        (true, true) => format!("Descuento del {pct}% sobre: {of}."),
    }
}

fn limit(s: &RateSchedule, l: &LimitCharge, minimum: bool, locale: Locale) -> String {
    let es = locale == Locale::Es;
    let amount = money_dec(l.amount);
    let when = every(l.frequency, es);
    let of = if l.of.is_empty() {
        if es {
            "los cargos anteriores de este servicio".to_owned()
        } else {
            "the charges above it in this service".to_owned()
        }
    } else {
        names(s, &l.of, locale)
    };
    match (minimum, es) {
        (true, false) => format!("At least {amount}{when} for: {of}."),
        (true, true) => format!("Como mínimo {amount}{when} por: {of}."),
        (false, false) => format!("At most {amount}{when} for: {of}."),
        (false, true) => format!("Como máximo {amount}{when} por: {of}."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example(name: &str) -> RateSchedule {
        let text = match name {
            "bench" => include_str!("examples/bench-city.json"),
            "wilsonville" => include_str!("examples/wilsonville-water.json"),
            "keizer-sewer" => include_str!("examples/keizer-sewer-2016.json"),
            _ => include_str!("examples/keizer-city-fees-2017-11.json"),
        };
        match RateSchedule::from_json(text) {
            Ok(s) => s,
            Err(e) => unreachable!("example {name}: {e}"),
        }
    }

    fn lines_of(t: &ScheduleText, id: &str) -> Vec<String> {
        t.services
            .iter()
            .flat_map(|s| &s.components)
            .find(|c| c.id == id)
            .map(|c| c.lines.clone())
            .unwrap_or_default()
    }

    #[test]
    fn blocks_fixed_charges_and_fees_read_as_written() {
        let t = describe(&example("bench"), Locale::En);
        assert_eq!(t.title, "Bench City utility rates (illustrative)");
        assert_eq!(
            t.notes[0],
            "In effect from January 1, 2016. A service period that spans the change is billed in parts by days."
        );
        assert_eq!(lines_of(&t, "water-base"), vec!["$6.51 a month."]);
        assert_eq!(
            lines_of(&t, "water-use"),
            vec![
                "Up to 5 CCF a month: $2.45 per CCF.",
                "5 to 15 CCF a month: $2.65 per CCF.",
                "Over 15 CCF a month: $3.10 per CCF."
            ]
        );
        assert_eq!(
            lines_of(&t, "sewer-volume"),
            vec![
                "Billed on the account's monthly winter average, or on the metered use if that is lower.",
                "$3.23 per CCF."
            ]
        );
        assert_eq!(
            lines_of(&t, "sewer-minimum"),
            vec!["At least $20.00 a month for: the charges above it in this service."]
        );
        assert_eq!(
            lines_of(&t, "sewer-franchise-fee"),
            vec!["5% of: Sewer base charge, Sewer volume (winter average), Sewer minimum charge."]
        );
        assert_eq!(lines_of(&t, "admin-fee"), vec!["$5.95 per bill."]);
        assert_eq!(
            t.services
                .iter()
                .map(|s| s.name.as_str())
                .collect::<Vec<_>>(),
            vec!["Water", "Sewer", "City fees"]
        );
        assert!(t.classes[0].contains("5 CCF a month"), "{:?}", t.classes);
    }

    #[test]
    fn seasons_water_budgets_and_spanish() {
        let t = describe(&example("wilsonville"), Locale::Es);
        assert_eq!(
            lines_of(&t, "water-use"),
            vec![
                "Los primeros 2 CCF al mes están incluidos en el cargo básico.",
                "Los límites de los bloques se suman al promedio de invierno de la cuenta.",
                "abril a octubre: Hasta el promedio de invierno + 3 CCF al mes: $3.44 por CCF.",
                "abril a octubre: Más del promedio de invierno + 3 CCF al mes: $5.76 por CCF.",
                "noviembre a marzo: $3.44 por CCF."
            ]
        );
        assert!(t.notes.iter().any(|n| n.contains("mes de la lectura")));
        let t = describe(&example("keizer-sewer"), Locale::Es);
        assert_eq!(
            t.notes[0],
            "Se aplica a las facturas con fecha del 1 de febrero de 2016 o posterior."
        );
        assert_eq!(
            lines_of(&t, "sewer-franchise-fee"),
            vec!["5% de: Alcantarillado (promedio de invierno)."]
        );
        assert_eq!(t.services[0].name, "Alcantarillado");
    }

    #[test]
    fn meter_sizes_filters_and_discounts() {
        let mut s = example("fees");
        let json = r#"{ "id": "base", "applies_to": { "city_limits": "outside", "meter_sizes": ["1"] },
            "charge": { "kind": "fixed", "amount": "9", "by_meter_size": [ { "meter_size": "5/8x3/4", "amount": "6.51" } ] } }"#;
        let c: Component = match serde_json::from_str(json) {
            Ok(c) => c,
            Err(e) => unreachable!("{e}"),
        };
        s.services[0].components.push(c);
        let json = r#"{ "id": "senior", "charge": { "kind": "percentage", "percent": "-10", "of": ["base", "nope"] } }"#;
        let c: Component = match serde_json::from_str(json) {
            Ok(c) => c,
            Err(e) => unreachable!("{e}"),
        };
        s.services[0].components.push(c);
        let t = describe(&s, Locale::En);
        let base = t.services[0]
            .components
            .iter()
            .find(|c| c.id == "base")
            .cloned();
        let Some(base) = base else {
            unreachable!("no base component")
        };
        assert_eq!(base.label, "Base charge");
        assert_eq!(
            base.applies_to.as_deref(),
            Some("Only for: outside city limits; meter sizes 1")
        );
        assert_eq!(
            base.lines,
            vec![
                "5/8x3/4 meter: $6.51 a month.",
                "Other meter sizes: $9.00 a month."
            ]
        );
        assert_eq!(
            lines_of(&t, "senior"),
            vec!["A 10% discount on: Base charge, nope."]
        );
    }
}
