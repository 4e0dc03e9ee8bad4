//! Each validation rule, and that the example schedules are clean.

use crate::FieldCode;
use serde_json::{json, Value};

use super::*;

fn base() -> Value {
    json!({
        "format_version": 1,
        "id": "v",
        "title": { "en": "V" },
        "effective_date": "2016-01-01",
        "classes": [ { "code": "single_family", "label": { "en": "SFR" } } ],
        "services": [ { "service": "water", "components": [
            { "id": "base", "charge": { "kind": "fixed", "amount": "10.00" } },
            { "id": "use", "charge": { "kind": "volume", "unit": "ccf",
                "tiers": [ { "up_to": "5", "price": "2.00" }, { "price": "3.00" } ] } }
        ] } ]
    })
}

/// The (path, code) pairs reported after `edit` is applied to the base document.
fn problems(edit: impl FnOnce(&mut Value)) -> Vec<(String, FieldCode)> {
    let mut v = base();
    edit(&mut v);
    let s: RateSchedule = serde_json::from_value(v).unwrap();
    validate(&s)
        .into_iter()
        .map(|e| (e.field, e.code))
        .collect()
}

fn has(found: &[(String, FieldCode)], path: &str, code: FieldCode) -> bool {
    found.iter().any(|(p, c)| p == path && *c == code)
}

fn component(v: &mut Value, i: usize) -> &mut Value {
    &mut v["services"][0]["components"][i]
}

#[test]
fn the_examples_are_clean() {
    for json in ALL_EXAMPLES {
        let s = RateSchedule::from_json(json).unwrap();
        assert_eq!(validate(&s), vec![], "{}", s.id);
    }
    assert!(problems(|_| {}).is_empty());
}

#[test]
fn tiers_must_increase_and_end_open() {
    let p = problems(|v| {
        component(v, 1)["charge"]["tiers"] = json!([
            { "up_to": "10", "price": "1" }, { "up_to": "5", "price": "2" }, { "price": "3" }, { "up_to": "20", "price": "4" }
        ]);
    });
    assert!(
        has(
            &p,
            "services[0].components[1].charge.tiers[1].up_to",
            FieldCode::TiersNotIncreasing
        ),
        "{p:?}"
    );
    assert!(
        has(
            &p,
            "services[0].components[1].charge.tiers[2].up_to",
            FieldCode::OpenTierNotLast
        ),
        "{p:?}"
    );
    assert!(
        has(
            &p,
            "services[0].components[1].charge.tiers[3].up_to",
            FieldCode::LastTierBounded
        ),
        "{p:?}"
    );
    let p = problems(|v| component(v, 1)["charge"]["tiers"] = json!([]));
    assert!(
        has(
            &p,
            "services[0].components[1].charge.tiers",
            FieldCode::Required
        ),
        "{p:?}"
    );
}

#[test]
fn negative_prices_and_amounts() {
    let p = problems(|v| {
        component(v, 0)["charge"]["amount"] = json!("-1.00");
        component(v, 1)["charge"]["tiers"][0]["price"] = json!("-2.00");
        component(v, 1)["charge"]["allowance"] = json!("-1");
    });
    assert!(
        has(
            &p,
            "services[0].components[0].charge.amount",
            FieldCode::Negative
        ),
        "{p:?}"
    );
    assert!(
        has(
            &p,
            "services[0].components[1].charge.tiers[0].price",
            FieldCode::Negative
        ),
        "{p:?}"
    );
    assert!(
        has(
            &p,
            "services[0].components[1].charge.allowance",
            FieldCode::Negative
        ),
        "{p:?}"
    );
}

#[test]
fn seasons_must_not_overlap_and_must_cover_the_year() {
    let p = problems(|v| {
        let c = &mut component(v, 1)["charge"];
        c["tiers"] = json!([]);
        c["seasons"] = json!([
            { "from_month": 4, "to_month": 10, "tiers": [ { "price": "3" } ] },
            { "from_month": 10, "to_month": 2, "tiers": [ { "price": "2" } ] }
        ]);
    });
    assert!(
        has(
            &p,
            "services[0].components[1].charge.seasons[1]",
            FieldCode::OverlappingSeasons
        ),
        "{p:?}"
    );
    assert!(
        has(
            &p,
            "services[0].components[1].charge.seasons",
            FieldCode::SeasonGap
        ),
        "{p:?}"
    );
    let p = problems(|v| {
        component(v, 1)["charge"]["seasons"] =
            json!([ { "from_month": 0, "to_month": 13, "tiers": [ { "price": "3" } ] } ]);
    });
    assert!(
        has(
            &p,
            "services[0].components[1].charge.seasons[0].from_month",
            FieldCode::InvalidMonth
        ),
        "{p:?}"
    );
    assert!(
        has(
            &p,
            "services[0].components[1].charge.seasons[0].to_month",
            FieldCode::InvalidMonth
        ),
        "{p:?}"
    );
    assert!(
        has(
            &p,
            "services[0].components[1].charge.tiers",
            FieldCode::Conflict
        ),
        "{p:?}"
    );
}

#[test]
fn references_must_be_to_earlier_known_components() {
    let p = problems(|v| {
        let comps = v["services"][0]["components"].as_array_mut().unwrap();
        comps.insert(0, json!({ "id": "early", "charge": { "kind": "percentage", "percent": "5", "of": ["use"] } }));
        comps.push(json!({ "id": "fee", "charge": { "kind": "percentage", "percent": "5", "of": ["base", "nope", "fee"] } }));
        comps.push(
            json!({ "id": "bad", "charge": { "kind": "percentage", "percent": "1001", "of": [] } }),
        );
    });
    assert!(
        has(
            &p,
            "services[0].components[0].charge.of[0]",
            FieldCode::ForwardReference
        ),
        "{p:?}"
    );
    assert!(
        has(
            &p,
            "services[0].components[3].charge.of[1]",
            FieldCode::UnknownComponent
        ),
        "{p:?}"
    );
    assert!(
        has(
            &p,
            "services[0].components[3].charge.of[2]",
            FieldCode::SelfReference
        ),
        "{p:?}"
    );
    assert!(
        has(
            &p,
            "services[0].components[4].charge.percent",
            FieldCode::OutOfRange
        ),
        "{p:?}"
    );
    assert!(
        has(
            &p,
            "services[0].components[4].charge.of",
            FieldCode::Required
        ),
        "{p:?}"
    );
}

#[test]
fn ids_classes_and_services() {
    let p = problems(|v| {
        v["format_version"] = json!(2);
        v["id"] = json!("has space");
        v["title"]["en"] = json!("");
        component(v, 1)["id"] = json!("base");
        component(v, 1)["applies_to"] = json!({ "classes": ["irrigation"], "meter_sizes": [""] });
        let s = v["services"][0].clone();
        v["services"].as_array_mut().unwrap().push(s);
    });
    assert!(
        has(&p, "format_version", FieldCode::UnsupportedVersion),
        "{p:?}"
    );
    assert!(has(&p, "id", FieldCode::InvalidId), "{p:?}");
    assert!(has(&p, "title.en", FieldCode::Required), "{p:?}");
    assert!(
        has(&p, "services[0].components[1].id", FieldCode::Duplicate),
        "{p:?}"
    );
    assert!(
        has(
            &p,
            "services[0].components[1].applies_to.classes[0]",
            FieldCode::UnknownClass
        ),
        "{p:?}"
    );
    assert!(
        has(
            &p,
            "services[0].components[1].applies_to.meter_sizes[0]",
            FieldCode::Required
        ),
        "{p:?}"
    );
    assert!(
        has(&p, "services[1].service", FieldCode::Duplicate),
        "{p:?}"
    );
    let p = problems(|v| v["services"] = json!([]));
    assert!(has(&p, "services", FieldCode::Required), "{p:?}");
}

#[test]
fn fixed_charges_need_an_amount_and_area_rules() {
    let p = problems(|v| {
        component(v, 0)["charge"] = json!({ "kind": "fixed", "per": "impervious_area" });
    });
    assert!(
        has(
            &p,
            "services[0].components[0].charge.amount",
            FieldCode::Required
        ),
        "{p:?}"
    );
    assert!(
        has(
            &p,
            "services[0].components[0].charge.area_per_unit",
            FieldCode::Required
        ),
        "{p:?}"
    );
    let p = problems(|v| {
        component(v, 0)["charge"] = json!({ "kind": "fixed", "amount": "1", "area_per_unit": "2500",
            "by_meter_size": [ { "meter_size": "1", "amount": "2" }, { "meter_size": "1", "amount": "3" } ] });
    });
    assert!(
        has(
            &p,
            "services[0].components[0].charge.area_per_unit",
            FieldCode::NotApplicable
        ),
        "{p:?}"
    );
    assert!(
        has(
            &p,
            "services[0].components[0].charge.by_meter_size[1].meter_size",
            FieldCode::Duplicate
        ),
        "{p:?}"
    );
}

#[test]
fn limits_and_winter_average_options() {
    let p = problems(|v| {
        let comps = v["services"][0]["components"].as_array_mut().unwrap();
        comps.push(json!({ "id": "min", "charge": { "kind": "minimum", "amount": "50" } }));
        comps.push(json!({ "id": "max", "charge": { "kind": "maximum", "amount": "40" } }));
        comps[1]["charge"]["cap_at_metered"] = json!(true);
    });
    assert!(
        has(
            &p,
            "services[0].components[2].charge.amount",
            FieldCode::MinimumAboveMaximum
        ),
        "{p:?}"
    );
    assert!(
        has(
            &p,
            "services[0].components[1].charge.cap_at_metered",
            FieldCode::NotApplicable
        ),
        "{p:?}"
    );
}

#[test]
fn versions_must_agree() {
    let a = RateSchedule::from_json(SALEM_WATER_2015).unwrap();
    let mut b = RateSchedule::from_json(SALEM_WATER_2016).unwrap();
    assert!(validate_versions(&[a.clone(), b.clone()]).is_empty());
    b.effective_by = EffectiveBy::BillDate;
    b.effective_date = a.effective_date;
    b.services[0].components[1].charge = Charge::Percentage(PercentageCharge {
        percent: Decimal::ONE,
        of: vec!["x".into()],
    });
    let p: Vec<_> = validate_versions(&[a, b])
        .into_iter()
        .map(|e| (e.field, e.code))
        .collect();
    assert!(
        has(&p, "[1].effective_by", FieldCode::MixedEffectiveBy),
        "{p:?}"
    );
    assert!(
        has(&p, "[1].effective_date", FieldCode::DuplicateVersion),
        "{p:?}"
    );
    assert!(
        has(
            &p,
            "[1].services[0].components[1].charge.of[0]",
            FieldCode::UnknownComponent
        ),
        "{p:?}"
    );
}

#[test]
fn every_problem_has_a_message() {
    let p = {
        let mut v = base();
        component(&mut v, 1)["charge"]["tiers"] = json!([{ "up_to": "0", "price": "-1" }]);
        let s: RateSchedule = serde_json::from_value(v).unwrap();
        validate(&s)
    };
    assert!(!p.is_empty());
    assert!(p
        .iter()
        .all(|e| !e.message.is_empty() && !e.field.is_empty()));
}
