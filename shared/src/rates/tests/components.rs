//! One test (or a few) per charge component and engine rule, on small made-up schedules.

use crate::FieldCode;
use rust_decimal_macros::dec;

use super::*;
use crate::dto::Locale;

fn month(consumption: Decimal) -> QuoteInput {
    input(day(2016, 3, 1), day(2016, 3, 31), ccf(consumption))
}

fn total(s: &RateSchedule, i: &QuoteInput) -> i64 {
    let q = quote(std::slice::from_ref(s), i).unwrap();
    assert_adds_up(&q);
    cents(q.total)
}

// ------------------------------------------------------------------ fixed charges

#[test]
fn fixed_charge_per_bill() {
    let s = schedule_with(
        "water",
        r#"{"id":"base","charge":{"kind":"fixed","amount":"20.45"}}"#,
    );
    assert_eq!(total(&s, &month(dec!(0))), 2045);
    let q = quote(&[s], &month(dec!(0))).unwrap();
    assert_eq!(
        q.lines[0].label,
        Text::new("Base charge", "Cargo básico"),
        "default label"
    );
}

#[test]
fn fixed_charge_by_meter_size_with_fallback() {
    let s = schedule_with(
        "water",
        r#"{"id":"base","charge":{"kind":"fixed","by_meter_size":[
            {"meter_size":"5/8x3/4","amount":"6.51"},{"meter_size":"6","amount":"458.45"}]}}"#,
    );
    let mut i = month(dec!(0));
    i.meter_size = Some("6".into());
    assert_eq!(total(&s, &i), 45845);
    i.meter_size = Some("5/8x3/4".into());
    assert_eq!(total(&s, &i), 651);
    i.meter_size = Some("2".into());
    assert_eq!(
        quote(std::slice::from_ref(&s), &i),
        Err(RateError::UnknownMeterSize {
            component_id: "base".into(),
            meter_size: "2".into()
        })
    );
    i.meter_size = None;
    assert_eq!(
        quote(std::slice::from_ref(&s), &i),
        Err(RateError::MeterSizeRequired {
            component_id: "base".into()
        })
    );

    // With an amount as well, sizes not in the table pay the amount.
    let s = schedule_with(
        "water",
        r#"{"id":"base","charge":{"kind":"fixed","amount":"6.51","by_meter_size":[{"meter_size":"6","amount":"458.45"}]}}"#,
    );
    i.meter_size = Some("2".into());
    assert_eq!(total(&s, &i), 651);
}

#[test]
fn fixed_charge_per_dwelling_unit() {
    let s = schedule_with(
        "sewer",
        r#"{"id":"du","charge":{"kind":"fixed","per":"dwelling_unit","amount":"12.40"}}"#,
    );
    let mut i = month(dec!(0));
    i.class = "multi_family".into();
    i.dwelling_units = 3;
    assert_eq!(total(&s, &i), 3720);
    let text = quote(&[s], &i).unwrap().explain(Locale::En).join("\n");
    assert!(
        text.contains("Charge per dwelling unit: 3 dwelling units × $12.40 = $37.20."),
        "{text}"
    );
}

#[test]
fn fixed_charge_per_esu_and_impervious_area() {
    let s = schedule_with(
        "stormwater",
        r#"{"id":"esu","charge":{"kind":"fixed","per":"esu","amount":"3.32"}},
           {"id":"area","charge":{"kind":"fixed","per":"impervious_area","area_per_unit":"2500","amount":"4.26"}}"#,
    );
    let mut i = month(dec!(0));
    i.esus = Some(dec!(2.5));
    i.impervious_area_sq_ft = Some(dec!(5000));
    let q = quote(std::slice::from_ref(&s), &i).unwrap();
    assert_eq!(line_cents(&q, "esu"), [830]); // 2.5 x 3.32
    assert_eq!(line_cents(&q, "area"), [852]); // 5000 / 2500 x 4.26
    i.esus = None;
    assert_eq!(
        quote(&[s], &i),
        Err(RateError::MissingAccountData {
            component_id: "esu".into(),
            field: "esus"
        })
    );
}

#[test]
fn fire_service_per_diameter_inch_only_with_a_fire_line() {
    let s = schedule_with(
        "city_fees",
        r#"{"id":"fire","charge":{"kind":"fixed","per":"fire_line_inch","amount":"3.10"}}"#,
    );
    let mut i = month(dec!(0));
    assert_eq!(total(&s, &i), 0);
    i.fire_line_inches = Some(dec!(6));
    assert_eq!(total(&s, &i), 1860);
}

#[test]
fn monthly_amounts_double_on_bimonthly_bills_and_per_bill_amounts_do_not() {
    let s = schedule_with(
        "city_fees",
        r#"{"id":"parks","charge":{"kind":"fixed","amount":"4.00"}},
           {"id":"admin","charge":{"kind":"fixed","frequency":"per_bill","amount":"5.95"}}"#,
    );
    let mut i = input(day(2016, 1, 1), day(2016, 2, 29), ccf(dec!(0)));
    i.billing_frequency = BillingFrequency::Bimonthly;
    let q = quote(&[s], &i).unwrap();
    assert_eq!(line_cents(&q, "parks"), [800]);
    assert_eq!(line_cents(&q, "admin"), [595]);
    let text = q.explain(Locale::En).join("\n");
    assert!(
        text.contains("Base charge: $4.00 × 2 months = $8.00."),
        "{text}"
    );
    assert!(text.contains("Base charge: $5.95."), "{text}");
}

// ------------------------------------------------------------------ volume charges

#[test]
fn uniform_price() {
    let s = schedule_with(
        "water",
        r#"{"id":"use","charge":{"kind":"volume","unit":"ccf","tiers":[{"price":"2.58"}]}}"#,
    );
    assert_eq!(total(&s, &month(dec!(12))), 3096);
    assert_eq!(total(&s, &month(dec!(0))), 0);
    // Zero use still shows one zero line.
    let q = quote(&[s], &month(dec!(0))).unwrap();
    assert_eq!(q.lines.len(), 1);
    assert_eq!(q.lines[0].tier, None);
}

const BLOCKS: &str = r#"{"id":"use","charge":{"kind":"volume","unit":"ccf","tiers":[
    {"up_to":"5","price":"2.00"},{"up_to":"15","price":"2.50"},{"price":"3.00"}]}}"#;

#[test]
fn increasing_blocks() {
    let s = schedule_with("water", BLOCKS);
    assert_eq!(total(&s, &month(dec!(4))), 800);
    assert_eq!(total(&s, &month(dec!(5))), 1000); // exactly at the boundary: all tier 1
    assert_eq!(total(&s, &month(dec!(6))), 1250);
    assert_eq!(total(&s, &month(dec!(15))), 3500);
    assert_eq!(total(&s, &month(dec!(20))), 5000);
    let q = quote(&[s], &month(dec!(20))).unwrap();
    let tiers: Vec<_> = q.lines.iter().map(|l| (l.tier, l.quantity)).collect();
    assert_eq!(
        tiers,
        [(Some(1), dec!(5)), (Some(2), dec!(10)), (Some(3), dec!(5))]
    );
    let text = q.explain(Locale::Es).join("\n");
    assert!(
        text.contains("Cargo por consumo, nivel 3: 5 CCF × $3.00 = $15.00."),
        "{text}"
    );
}

#[test]
fn tiers_by_class_and_by_meter_size() {
    let s = schedule_with(
        "water",
        r#"{"id":"res","applies_to":{"classes":["single_family"]},"charge":{"kind":"volume","unit":"ccf",
              "tiers":[{"up_to":"5","price":"2.00"},{"price":"3.00"}],
              "tiers_by_meter_size":[{"meter_size":"1","tiers":[{"up_to":"10","price":"2.00"},{"price":"3.00"}]}]}},
           {"id":"com","applies_to":{"classes":["commercial"]},"charge":{"kind":"volume","unit":"ccf","tiers":[{"price":"2.20"}]}}"#,
    );
    let mut i = month(dec!(10));
    assert_eq!(total(&s, &i), 2500); // 5 x 2 + 5 x 3
    i.meter_size = Some("1".into());
    assert_eq!(total(&s, &i), 2000); // the 1-inch ladder: all 10 in tier 1
    i.class = "commercial".into();
    assert_eq!(total(&s, &i), 2200);
}

#[test]
fn inside_and_outside_city() {
    let s = schedule_with(
        "water",
        r#"{"id":"use","charge":{"kind":"volume","unit":"ccf","tiers":[{"price":"2.00"}]}},
           {"id":"outside","applies_to":{"city_limits":"outside"},"charge":{"kind":"percentage","percent":"50","of":["use"]}}"#,
    );
    let mut i = month(dec!(10));
    assert_eq!(total(&s, &i), 2000);
    i.city_limits = CityLimits::Outside;
    assert_eq!(total(&s, &i), 3000);
}

const SEASONAL: &str = r#"{"id":"irr","charge":{"kind":"volume","unit":"ccf","seasons":[
    {"label":{"en":"summer","es":"verano"},"from_month":5,"to_month":9,"tiers":[{"price":"4.00"}]},
    {"label":{"en":"winter","es":"invierno"},"from_month":10,"to_month":4,"tiers":[{"price":"2.00"}]}]}}"#;

#[test]
fn seasonal_prices_split_by_days() {
    let s = schedule_with("water", SEASONAL);
    // April 1 .. May 31 (61 days), 61 CCF: 30 CCF in April at 2.00, 31 in May at 4.00.
    let i = input(day(2016, 4, 1), day(2016, 5, 31), ccf(dec!(61)));
    let q = quote(std::slice::from_ref(&s), &i).unwrap();
    assert_eq!(q.segments.len(), 2);
    assert_eq!(line_cents(&q, "irr"), [6000, 12400]);
    assert_eq!(q.lines[1].season, Some(Text::new("summer", "verano")));
    let text = q.explain(Locale::En).join("\n");
    assert!(text.contains("The season changes during this period, so it is billed in parts by days: April 1, 2016 to April 30, 2016 (30 days); May 1, 2016 to May 31, 2016 (31 days)."), "{text}");
    assert!(
        text.contains(
            "May 1, 2016 to May 31, 2016: Usage charge (summer): 31 CCF × $4.00 = $124.00."
        ),
        "{text}"
    );
    // Components without seasons do not split the bill of an account they apply to.
    let mut other = i.clone();
    other.class = "commercial".into();
    let mixed = schedule_with(
        "water",
        &format!(
            r#"{}, {{"id":"flat","applies_to":{{"classes":["commercial"]}},"charge":{{"kind":"volume","unit":"ccf","tiers":[{{"price":"1.00"}}]}}}}"#,
            SEASONAL.replace(
                r#"{"id":"irr","#,
                r#"{"id":"irr","applies_to":{"classes":["irrigation"]},"#
            )
        ),
    );
    let q = quote(&[mixed], &other).unwrap();
    assert_eq!(q.segments.len(), 1);
    assert_eq!(cents(q.total), 6100);
    // Wholly in winter (wrapping the new year).
    assert_eq!(
        total(
            &s,
            &input(day(2015, 12, 1), day(2016, 1, 31), ccf(dec!(10)))
        ),
        2000
    );
}

#[test]
fn seasonal_prices_by_read_date() {
    let mut s = schedule_with("water", SEASONAL);
    s.seasons_by = SeasonBasis::ReadDate;
    // Read on May 31: the whole bill is at the summer price.
    let i = input(day(2016, 4, 1), day(2016, 5, 31), ccf(dec!(61)));
    let q = quote(&[s], &i).unwrap();
    assert_eq!(q.segments.len(), 1);
    assert_eq!(cents(q.total), 24400);
}

#[test]
fn allowance_included_in_the_base_charge() {
    let s = schedule_with(
        "water",
        r#"{"id":"base","charge":{"kind":"fixed","amount":"20.00"}},
           {"id":"use","charge":{"kind":"volume","unit":"ccf","allowance":"3","tiers":[{"up_to":"10","price":"2.00"},{"price":"3.00"}]}}"#,
    );
    assert_eq!(total(&s, &month(dec!(2))), 2000);
    assert_eq!(total(&s, &month(dec!(3))), 2000);
    assert_eq!(total(&s, &month(dec!(10))), 2000 + 1400); // units 3..10 at 2.00
    assert_eq!(total(&s, &month(dec!(12))), 2000 + 1400 + 600);
}

#[test]
fn tiers_above_the_winter_average() {
    let s = load(
        r#"{"format_version":1,"id":"budget","title":{"en":"Budget"},"effective_date":"2000-01-01",
            "classes":[{"code":"single_family","label":{"en":"SFR"},"default_winter_average":{"amount":"4","unit":"ccf"}}],
            "services":[{"service":"water","components":[{"id":"use","charge":{"kind":"volume","unit":"ccf",
              "thresholds":"above_winter_average","tiers":[{"up_to":"2","price":"2.00"},{"price":"5.00"}]}}]}]}"#,
    );
    let mut i = month(dec!(10));
    assert_eq!(total(&s, &i), 6 * 200 + 4 * 500); // default 4 + 2 = 6
    i.winter_average = Some(ccf(dec!(7)));
    assert_eq!(total(&s, &i), 900 * 2 + 100 * 5); // up to 9
                                                  // Winter average given in gallons: 2,992 gallons = 4 CCF.
    i.winter_average = Some(Volume::new(dec!(2992), VolumeUnit::Gallons));
    assert_eq!(total(&s, &i), 6 * 200 + 4 * 500);
}

// ------------------------------------------------------------------ sewer volume

const SEWER: &str = r#"{"format_version":1,"id":"sewer","title":{"en":"Sewer"},"effective_date":"2000-01-01",
    "classes":[{"code":"single_family","label":{"en":"SFR"},"default_winter_average":{"amount":"5","unit":"ccf"}},
               {"code":"commercial","label":{"en":"Commercial"}}],
    "services":[{"service":"sewer","components":[
      {"id":"vol","charge":{"kind":"volume","unit":"ccf","volume":"winter_average","cap_at_metered":true,"tiers":[{"price":"3.00"}]}}]}]}"#;

#[test]
fn sewer_on_winter_average_capped_at_actual_use() {
    let s = load(SEWER);
    let mut i = month(dec!(20));
    i.winter_average = Some(ccf(dec!(6)));
    assert_eq!(total(&s, &i), 1800);
    i.consumption = ccf(dec!(4));
    assert_eq!(total(&s, &i), 1200, "capped at the 4 CCF actually used");
}

#[test]
fn sewer_default_winter_average_is_the_class_average() {
    let s = load(SEWER);
    let mut i = month(dec!(20));
    let q = quote(std::slice::from_ref(&s), &i).unwrap();
    assert_eq!(cents(q.total), 1500);
    assert_eq!(
        q.segments[0].winter_average.map(|w| w.source),
        Some(WinterAverageSource::ClassDefault)
    );
    i.class = "commercial".into();
    assert_eq!(
        quote(&[s], &i),
        Err(RateError::MissingWinterAverage {
            component_id: "vol".into()
        })
    );
}

#[test]
fn sewer_override_with_a_reason() {
    let s = load(SEWER);
    let mut i = month(dec!(20));
    i.winter_average = Some(ccf(dec!(6)));
    i.sewer_override = Some(SewerOverride {
        volume: ccf(dec!(2)),
        reason: "Leak repaired, see work order 4411".into(),
    });
    let q = quote(std::slice::from_ref(&s), &i).unwrap();
    assert_eq!(cents(q.total), 600);
    let text = q.explain(Locale::En).join("\n");
    assert!(
        text.contains(
            "The sewer volume was set by hand to 2 CCF: Leak repaired, see work order 4411."
        ),
        "{text}"
    );
    assert!(q
        .explain(Locale::Es)
        .join("\n")
        .contains("se fijó manualmente en 2 CCF"));
    i.sewer_override = Some(SewerOverride {
        volume: ccf(dec!(2)),
        reason: "  ".into(),
    });
    assert_eq!(
        quote(&[s], &i),
        Err(RateError::InvalidInput {
            field: "sewer_override.reason",
            reason: "a reason is required"
        })
    );
}

// ------------------------------------------------------------------ limits and percentages

#[test]
fn minimum_charge() {
    let s = schedule_with(
        "sewer",
        r#"{"id":"vol","charge":{"kind":"volume","unit":"ccf","tiers":[{"price":"3.00"}]}},
           {"id":"min","label":{"en":"Sewer minimum","es":"Mínimo de alcantarillado"},"charge":{"kind":"minimum","amount":"20.00"}}"#,
    );
    let q = quote(std::slice::from_ref(&s), &month(dec!(4))).unwrap();
    assert_eq!(line_cents(&q, "min"), [800]);
    assert_eq!(cents(q.total), 2000);
    let text = q.explain(Locale::En).join("\n");
    assert!(
        text.contains(
            "Sewer minimum: charges of $12.00 are below the $20.00 minimum, so $8.00 is added."
        ),
        "{text}"
    );
    let q = quote(&[s], &month(dec!(10))).unwrap();
    assert_eq!(line_cents(&q, "min"), Vec::<i64>::new());
    assert_eq!(cents(q.total), 3000);
}

#[test]
fn maximum_charge() {
    let s = schedule_with(
        "sewer",
        r#"{"id":"vol","charge":{"kind":"volume","unit":"ccf","tiers":[{"price":"3.00"}]}},
           {"id":"max","charge":{"kind":"maximum","amount":"60.00"}}"#,
    );
    assert_eq!(total(&s, &month(dec!(10))), 3000);
    let q = quote(&[s], &month(dec!(30))).unwrap();
    assert_eq!(line_cents(&q, "max"), [-3000]);
    assert_eq!(cents(q.total), 6000);
    assert!(q
        .explain(Locale::En)
        .join("\n")
        .contains("so $30.00 is taken off."));
}

#[test]
fn surcharge_then_franchise_fee_in_document_order() {
    let s = schedule_with(
        "sewer",
        r#"{"id":"vol","charge":{"kind":"volume","unit":"ccf","tiers":[{"price":"3.43"}]}},
           {"id":"surcharge","charge":{"kind":"percentage","percent":"7.5","of":["vol"]}},
           {"id":"franchise","charge":{"kind":"percentage","percent":"5","of":["vol","surcharge"]}}"#,
    );
    let q = quote(&[s], &month(dec!(10))).unwrap();
    // 34.30; 7.5% = 2.5725 -> 2.57; 5% of 36.87 = 1.8435 -> 1.84
    assert_eq!(line_cents(&q, "surcharge"), [257]);
    assert_eq!(line_cents(&q, "franchise"), [184]);
    assert_eq!(cents(q.total), 3430 + 257 + 184);
}

#[test]
fn percentage_of_another_service() {
    let s = load(
        r#"{"format_version":1,"id":"x","title":{"en":"X"},"effective_date":"2000-01-01","services":[
            {"service":"water","components":[{"id":"w","charge":{"kind":"fixed","amount":"10.00"}}]},
            {"service":"city_fees","components":[{"id":"tax","charge":{"kind":"percentage","percent":"5","of":["w"]}}]}]}"#,
    );
    let q = quote(&[s], &month(dec!(0))).unwrap();
    assert_eq!(cents(q.service_total(Service::CityFees)), 50);
}

// ------------------------------------------------------------------ units, rounding, proration

#[test]
fn units_and_meter_multiplier() {
    let s = schedule_with(
        "water",
        r#"{"id":"use","charge":{"kind":"volume","unit":"ccf","tiers":[{"price":"2.00"}]}}"#,
    );
    let mut i = month(dec!(0));
    i.consumption = Volume::new(dec!(7480), VolumeUnit::Gallons);
    assert_eq!(total(&s, &i), 2000);
    i.consumption = Volume::new(dec!(7.48), VolumeUnit::Kgal);
    assert_eq!(total(&s, &i), 2000);
    i.consumption = ccf(dec!(1));
    i.multiplier = dec!(10);
    assert_eq!(total(&s, &i), 2000);
    assert_eq!(
        Volume::new(dec!(1000), VolumeUnit::Gallons).to_unit(VolumeUnit::Kgal),
        Some(dec!(1))
    );
}

#[test]
fn rounding_half_up_by_default_and_bankers_on_request() {
    let mut s = schedule_with(
        "water",
        r#"{"id":"use","charge":{"kind":"volume","unit":"ccf","tiers":[{"price":"0.125"}]}}"#,
    );
    assert_eq!(total(&s, &month(dec!(1))), 13);
    assert_eq!(total(&s, &month(dec!(3))), 38); // 0.375
    s.rounding = Rounding::HalfEven;
    assert_eq!(total(&s, &month(dec!(1))), 12);
    assert_eq!(total(&s, &month(dec!(3))), 38);
}

#[test]
fn move_out_prorates_fixed_charges_by_days() {
    let s = schedule_with(
        "water",
        r#"{"id":"base","charge":{"kind":"fixed","amount":"31.00"}},
           {"id":"use","charge":{"kind":"volume","unit":"ccf","tiers":[{"up_to":"10","price":"1.00"},{"price":"2.00"}]}}"#,
    );
    // Moved out on the 16th of a 31-day cycle.
    let mut i = input(day(2016, 3, 1), day(2016, 3, 16), ccf(dec!(10)));
    i.cycle_period = Some(Period::new(day(2016, 3, 1), day(2016, 3, 31)));
    let q = quote(std::slice::from_ref(&s), &i).unwrap();
    assert_eq!(
        q.proration,
        Some(Proration {
            days: 16,
            of_days: 31
        })
    );
    assert_eq!(line_cents(&q, "base"), [1600]);
    assert_eq!(
        line_cents(&q, "use"),
        [1000],
        "thresholds not prorated unless the schedule says so"
    );
    assert!(q
        .explain(Locale::En)
        .join("\n")
        .contains("Base charge: $31.00 × 16/31 days = $16.00."));

    // With prorated thresholds, tier 1 ends at 10 x 16/31 = 5.16 CCF.
    let mut s = s;
    if let Charge::Volume(v) = &mut s.services[0].components[1].charge {
        v.prorate_thresholds = true;
    }
    let q = quote(&[s], &i).unwrap();
    // 5.1613 x 1 = 5.16; 4.8387 x 2 = 9.68
    assert_eq!(line_cents(&q, "use"), [516, 968]);
}

#[test]
fn move_in_after_the_cycle_start() {
    let s = schedule_with(
        "water",
        r#"{"id":"base","charge":{"kind":"fixed","amount":"30.00"}}"#,
    );
    let mut i = input(day(2016, 4, 21), day(2016, 4, 30), ccf(dec!(0)));
    i.cycle_period = Some(Period::new(day(2016, 4, 1), day(2016, 4, 30)));
    assert_eq!(total(&s, &i), 1000);
}

// ------------------------------------------------------------------ errors

#[test]
fn bad_inputs_are_typed_errors() {
    let s = [schedule_with(
        "water",
        r#"{"id":"base","charge":{"kind":"fixed","amount":"1.00"}}"#,
    )];
    let ok = month(dec!(1));
    assert!(quote(&s, &ok).is_ok());
    assert_eq!(quote(&[], &ok), Err(RateError::NoSchedules));

    let mut i = ok.clone();
    i.service_period = Period::new(day(2016, 3, 31), day(2016, 3, 1));
    assert_eq!(
        quote(&s, &i).map_err(|e| e.code()),
        Err(FieldCode::InvalidPeriod)
    );

    let mut i = ok.clone();
    i.service_period = Period::new(day(2016, 1, 1), day(2018, 3, 1));
    assert_eq!(
        quote(&s, &i).map_err(|e| e.code()),
        Err(FieldCode::PeriodTooLong)
    );

    let mut i = ok.clone();
    i.cycle_period = Some(Period::new(day(2016, 3, 5), day(2016, 4, 4)));
    assert_eq!(quote(&s, &i), Err(RateError::PeriodOutsideCycle));

    let mut i = ok.clone();
    i.multiplier = Decimal::ZERO;
    assert_eq!(
        quote(&s, &i).map_err(|e| e.code()),
        Err(FieldCode::InvalidInput)
    );

    let mut i = ok.clone();
    i.consumption = ccf(dec!(-1));
    assert_eq!(
        quote(&s, &i),
        Err(RateError::InvalidInput {
            field: "consumption",
            reason: "must not be negative"
        })
    );

    let mut i = ok.clone();
    i.service_period = Period::new(day(1999, 12, 1), day(1999, 12, 31));
    assert_eq!(
        quote(&s, &i).map_err(|e| e.code()),
        Err(FieldCode::NoRatesInEffect)
    );

    let mut v2 = s[0].clone();
    v2.effective_by = EffectiveBy::BillDate;
    v2.effective_date = day(2010, 1, 1);
    assert_eq!(
        quote(&[s[0].clone(), v2.clone()], &ok).map_err(|e| e.code()),
        Err(FieldCode::ConflictingVersions)
    );
    v2.effective_by = EffectiveBy::ServiceDays;
    v2.effective_date = s[0].effective_date;
    assert_eq!(
        quote(&[s[0].clone(), v2], &ok).map_err(|e| e.code()),
        Err(FieldCode::ConflictingVersions)
    );

    let mut f = s[0].clone();
    f.format_version = 2;
    assert_eq!(
        quote(&[f], &ok).map_err(|e| e.code()),
        Err(FieldCode::UnsupportedFormatVersion)
    );

    let classes = load(SEWER);
    let mut i = ok.clone();
    i.class = "irrigation".into();
    assert_eq!(
        quote(&[classes], &i),
        Err(RateError::UnknownClass {
            schedule_id: "sewer".into(),
            class: "irrigation".into()
        })
    );

    let big = schedule_with(
        "water",
        r#"{"id":"use","charge":{"kind":"volume","unit":"ccf","tiers":[{"price":"79228162514264337593543950335"}]}}"#,
    );
    assert_eq!(quote(&[big], &month(dec!(2))), Err(RateError::Overflow));
    for e in [
        RateError::Overflow,
        RateError::NoSchedules,
        RateError::PeriodTooLong { days: 900 },
    ] {
        assert!(!e.to_string().is_empty());
    }
}

#[test]
fn an_unvalidated_schedule_is_refused_not_miscalculated() {
    // The last tier has an up_to: use above it has no price.
    let s: RateSchedule = serde_json::from_str(
        r#"{"format_version":1,"id":"t","title":{"en":"T"},"effective_date":"2000-01-01","services":[{"service":"water",
            "components":[{"id":"use","charge":{"kind":"volume","unit":"ccf","tiers":[{"up_to":"5","price":"1.00"}]}}]}]}"#,
    )
    .unwrap();
    assert!(!validate(&s).is_empty());
    assert!(quote(std::slice::from_ref(&s), &month(dec!(5))).is_ok());
    assert_eq!(
        quote(&[s], &month(dec!(6))).map_err(|e| e.code()),
        Err(FieldCode::InvalidSchedule)
    );
}

#[test]
fn several_rate_books_in_one_bill() {
    let r = load(RIVERTON);
    let mut i = month(dec!(18));
    i.meter_size = Some("5/8x3/4".into());
    i.winter_average = Some(ccf(dec!(6)));
    i.esus = Some(Decimal::ONE);
    let q = quote(&[r, load(LYONS_MEHAMA)], &i).unwrap();
    assert_adds_up(&q);
    assert_eq!(
        q.service_totals
            .iter()
            .map(|t| t.service)
            .collect::<Vec<_>>(),
        Service::ALL
    );
    // Riverton water: 6.51 + 5 x 2.45 + 10 x 2.65 + 3 x 3.10; Lyons-Mehama: 39 + 18 x 0.748 x 1.50
    assert_eq!(
        cents(q.service_total(Service::Water)),
        651 + 1225 + 2650 + 930 + 3900 + 2020
    );
}

#[test]
fn rounding_of_exact_halves_both_ways() {
    use super::super::engine::round;
    for (x, up, even) in [
        (dec!(0.125), 13, 12),
        (dec!(-0.125), -13, -12),
        (dec!(0.005), 1, 0),
        (dec!(0.015), 2, 2),
        (dec!(-0.005), -1, 0),
        (dec!(2.675), 268, 268),
        (dec!(0.0049999999999999999999999999), 0, 0),
        (dec!(1.2), 120, 120),
        (dec!(7), 700, 700),
    ] {
        assert_eq!(cents(round(x, Rounding::HalfUp).unwrap()), up, "{x}");
        assert_eq!(cents(round(x, Rounding::HalfEven).unwrap()), even, "{x}");
    }
}
