//! The bill in plain words, in English or Spanish, for a clerk to read to a customer.
//! Built from the quote alone, so it can be produced again for a stored bill.

use std::fmt::Write as _;

use chrono::{Datelike, NaiveDate};
use rust_decimal::{Decimal, RoundingStrategy};

use super::input::BillingFrequency;
use super::quote::{LineKind, LineUnit, Quote, QuoteLine, WinterAverageSource};
use super::schedule::{Service, VolumeUnit};
use crate::dto::Locale;
use crate::Money;

impl Quote {
    /// The bill explained sentence by sentence: the period, any proration or rate change, the
    /// winter average, every line with its arithmetic, the service totals and the total.
    pub fn explain(&self, locale: Locale) -> Vec<String> {
        explain(self, locale)
    }
}

/// See [`Quote::explain`].
pub fn explain(q: &Quote, locale: Locale) -> Vec<String> {
    let es = locale == Locale::Es;
    let mut out = Vec::with_capacity(q.lines.len() + 8);
    let p = q.service_period;
    let days = p.days().unwrap_or(0);
    let billed = match (q.billing_frequency, es) {
        (BillingFrequency::Monthly, false) => "monthly",
        (BillingFrequency::Bimonthly, false) => "every two months",
        (BillingFrequency::Quarterly, false) => "every three months",
        (BillingFrequency::Monthly, true) => "mensualmente",
        (BillingFrequency::Bimonthly, true) => "cada dos meses",
        (BillingFrequency::Quarterly, true) => "cada tres meses",
    };
    out.push(if es {
        format!(
            "Servicio del {} al {} ({days} días), facturado {billed}.",
            date(p.start, es),
            date(p.end, es)
        )
    } else {
        format!(
            "Service from {} to {} ({days} days), billed {billed}.",
            date(p.start, es),
            date(p.end, es)
        )
    });

    if let Some(pr) = q.proration {
        out.push(if es {
            format!(
                "Esta es una factura parcial por {} de los {} días del ciclo de facturación, por eso los cargos fijos se prorratean por días.",
                pr.days, pr.of_days
            )
        } else {
            format!(
                "This is a partial bill for {} of the {} days in the billing cycle, so fixed charges are prorated by days.",
                pr.days, pr.of_days
            )
        });
    }

    let split: Vec<_> = q.segments.iter().filter(|s| s.split).collect();
    if !split.is_empty() {
        // A rate change, or only a season change within one version?
        let rates_change = split.windows(2).any(|w| match w {
            [a, b] => a.schedule_id == b.schedule_id && a.effective_date != b.effective_date,
            _ => false,
        });
        let mut s = String::from(match (rates_change, es) {
            (true, false) => "Rates change during this period, so it is billed in parts by days:",
            (false, false) => "The season changes during this period, so it is billed in parts by days:",
            (true, true) => {
                "Las tarifas cambian durante este periodo, por eso se factura por partes según los días:"
            }
            (false, true) => {
                "La temporada cambia durante este periodo, por eso se factura por partes según los días:"
            }
        });
        for (i, seg) in split.iter().enumerate() {
            let sep = if i == 0 { " " } else { "; " };
            let (from, to) = (date(seg.period.start, es), date(seg.period.end, es));
            let _ = match (rates_change, es) {
                (true, false) => write!(
                    s,
                    "{sep}{from} to {to} ({} days) at the rates effective {}",
                    seg.days,
                    date(seg.effective_date, es)
                ),
                (false, false) => write!(s, "{sep}{from} to {to} ({} days)", seg.days),
                (true, true) => write!(
                    s,
                    "{sep}del {from} al {to} ({} días) con las tarifas vigentes desde el {}",
                    seg.days,
                    date(seg.effective_date, es)
                ),
                (false, true) => write!(s, "{sep}del {from} al {to} ({} días)", seg.days),
            };
        }
        s.push('.');
        out.push(s);
    }

    if let Some(wa) = q.segments.iter().find_map(|s| s.winter_average) {
        let v = format!(
            "{} {}",
            qty(wa.volume.amount),
            volume_unit(wa.volume.unit, es)
        );
        out.push(match (wa.source, es) {
            (WinterAverageSource::Account, false) => format!("The winter average for this account is {v} a month."),
            (WinterAverageSource::Account, true) => format!("El promedio de invierno de esta cuenta es {v} al mes."),
            (WinterAverageSource::ClassDefault, false) => format!(
                "This account has no winter average yet, so the average for its customer class, {v} a month, is used."
            ),
            (WinterAverageSource::ClassDefault, true) => format!(
                "Esta cuenta aún no tiene promedio de invierno, por eso se usa el promedio de su clase de cliente, {v} al mes."
            ),
        });
    }

    if let Some(o) = &q.sewer_override {
        let v = format!(
            "{} {}",
            qty(o.volume.amount),
            volume_unit(o.volume.unit, es)
        );
        out.push(if es {
            format!(
                "El volumen de alcantarillado se fijó manualmente en {v}: {}.",
                o.reason.trim()
            )
        } else {
            format!(
                "The sewer volume was set by hand to {v}: {}.",
                o.reason.trim()
            )
        });
    }

    for line in &q.lines {
        out.push(explain_line(q, line, locale));
    }

    for t in &q.service_totals {
        let name = match (t.service, es) {
            (Service::Water, false) => "Water total",
            (Service::Sewer, false) => "Sewer total",
            (Service::Stormwater, false) => "Stormwater total",
            (Service::CityFees, false) => "City fees total",
            (Service::Water, true) => "Total de agua",
            (Service::Sewer, true) => "Total de alcantarillado",
            (Service::Stormwater, true) => "Total de aguas pluviales",
            (Service::CityFees, true) => "Total de cargos municipales",
        };
        out.push(format!("{name}: {}.", money(t.amount)));
    }
    out.push(format!("Total: {}.", money(q.total)));
    out
}

fn explain_line(q: &Quote, l: &QuoteLine, locale: Locale) -> String {
    let es = locale == Locale::Es;
    let mut s = String::new();
    if let Some(seg) = q.segments.get(l.segment).filter(|s| s.split) {
        let _ = if es {
            write!(
                s,
                "Del {} al {}: ",
                date(seg.period.start, es),
                date(seg.period.end, es)
            )
        } else {
            write!(
                s,
                "{} to {}: ",
                date(seg.period.start, es),
                date(seg.period.end, es)
            )
        };
    }
    s.push_str(l.label.get(locale));
    if let Some(tier) = l.tier.filter(|_| l.kind == LineKind::Volume) {
        let _ = write!(s, ", {} {tier}", if es { "nivel" } else { "tier" });
    }
    if let Some(season) = &l.season {
        let _ = write!(s, " ({})", season.get(locale));
    }
    s.push_str(": ");
    let unit = unit_name(l.unit, l.quantity, es);
    let _ = match l.kind {
        LineKind::Fixed => {
            let counted = l.unit != LineUnit::Account || l.quantity != Decimal::ONE;
            if counted {
                let _ = write!(s, "{} {unit} × ", qty(l.quantity));
            }
            let _ = write!(s, "{}", price(l.price));
            let mut multiplied = counted;
            if l.months > 1 {
                let _ = write!(s, " × {} {}", l.months, if es { "meses" } else { "months" });
                multiplied = true;
            }
            if l.days != l.of_days {
                let days = if es { "días" } else { "days" };
                let _ = write!(s, " × {}/{} {days}", l.days, l.of_days);
                multiplied = true;
            }
            if multiplied {
                write!(s, " = {}.", money(l.amount))
            } else {
                write!(s, ".")
            }
        }
        LineKind::Volume => write!(
            s,
            "{} {unit} × {} = {}.",
            qty(l.quantity),
            price(l.price),
            money(l.amount)
        ),
        LineKind::Included if es => write!(
            s,
            "{} {unit} incluidos en el cargo básico.",
            qty(l.quantity)
        ),
        LineKind::Included => write!(s, "{} {unit} included in the base charge.", qty(l.quantity)),
        LineKind::Percentage if es => write!(
            s,
            "{}% de {} = {}.",
            l.price.normalize(),
            money_dec(l.quantity),
            money(l.amount)
        ),
        LineKind::Percentage => {
            write!(
                s,
                "{}% of {} = {}.",
                l.price.normalize(),
                money_dec(l.quantity),
                money(l.amount)
            )
        }
        LineKind::Minimum | LineKind::Maximum => {
            let limit = l
                .quantity
                .checked_add(l.amount.as_decimal())
                .unwrap_or(l.quantity);
            let gap = money_dec(l.amount.as_decimal().abs());
            match (l.kind, es) {
                (LineKind::Minimum, false) => write!(
                    s,
                    "charges of {} are below the {} minimum, so {gap} is added.",
                    money_dec(l.quantity),
                    money_dec(limit)
                ),
                (LineKind::Minimum, true) => write!(
                    s,
                    "los cargos de {} están por debajo del mínimo de {}, por eso se agregan {gap}.",
                    money_dec(l.quantity),
                    money_dec(limit)
                ),
                (_, false) => write!(
                    s,
                    "charges of {} are above the {} maximum, so {gap} is taken off.",
                    money_dec(l.quantity),
                    money_dec(limit)
                ),
                (_, true) => write!(
                    s,
                    "los cargos de {} superan el máximo de {}, por eso se descuentan {gap}.",
                    money_dec(l.quantity),
                    money_dec(limit)
                ),
            }
        }
    };
    s
}

fn unit_name(unit: LineUnit, quantity: Decimal, es: bool) -> &'static str {
    let one = quantity == Decimal::ONE;
    match (unit, es, one) {
        (LineUnit::Account, false, _) => "account",
        (LineUnit::Account, true, _) => "cuenta",
        (LineUnit::DwellingUnit, false, true) => "dwelling unit",
        (LineUnit::DwellingUnit, false, false) => "dwelling units",
        (LineUnit::DwellingUnit, true, true) => "vivienda",
        (LineUnit::DwellingUnit, true, false) => "viviendas",
        (LineUnit::Esu, _, _) => "ESU",
        (LineUnit::ImperviousAreaUnit, false, _) => "impervious area units",
        (LineUnit::ImperviousAreaUnit, true, _) => "unidades de superficie impermeable",
        (LineUnit::FireLineInch, false, true) => "inch of fire line",
        (LineUnit::FireLineInch, false, false) => "inches of fire line",
        (LineUnit::FireLineInch, true, true) => "pulgada de línea contra incendios",
        (LineUnit::FireLineInch, true, false) => "pulgadas de línea contra incendios",
        (LineUnit::Ccf, _, _) => "CCF",
        (LineUnit::Gallons, false, _) => "gallons",
        (LineUnit::Gallons, true, _) => "galones",
        (LineUnit::Kgal, false, _) => "thousand gallons",
        (LineUnit::Kgal, true, _) => "miles de galones",
        (LineUnit::Dollars, _, _) => "$",
    }
}

pub(super) fn volume_unit(unit: VolumeUnit, es: bool) -> &'static str {
    match (unit, es) {
        (VolumeUnit::Ccf, _) => "CCF",
        (VolumeUnit::Gallons, false) => "gallons",
        (VolumeUnit::Gallons, true) => "galones",
        (VolumeUnit::Kgal, false) => "thousand gallons",
        (VolumeUnit::Kgal, true) => "miles de galones",
    }
}

/// A volume or count for reading aloud: at most two decimals, no trailing zeros.
pub(super) fn qty(d: Decimal) -> String {
    d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
        .normalize()
        .to_string()
}

/// A unit price: at least two decimals ("$2.58", "$0.0015").
pub(super) fn price(d: Decimal) -> String {
    let n = d.normalize();
    if n.scale() < 2 {
        money_dec(n)
    } else {
        let sign = if n.is_sign_negative() { "-" } else { "" };
        format!("{sign}${}", n.abs())
    }
}

fn money(m: Money) -> String {
    money_dec(m.as_decimal())
}

pub(super) fn money_dec(d: Decimal) -> String {
    let sign = if d.is_sign_negative() && !d.is_zero() {
        "-"
    } else {
        ""
    };
    format!("{sign}${:.2}", d.abs())
}

pub(super) const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
pub(super) const MONTHS_ES: [&str; 12] = [
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
];

pub(super) fn date(d: NaiveDate, es: bool) -> String {
    let i = d.month0() as usize;
    if es {
        format!(
            "{} de {} de {}",
            d.day(),
            MONTHS_ES.get(i).copied().unwrap_or(""),
            d.year()
        )
    } else {
        format!(
            "{} {}, {}",
            MONTHS_EN.get(i).copied().unwrap_or(""),
            d.day(),
            d.year()
        )
    }
}
