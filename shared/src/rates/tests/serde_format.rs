//! The JSON format: round trips, strictness, and the published schema file.

use serde_json::Value;

use super::*;

#[test]
fn examples_round_trip() {
    for json in ALL_EXAMPLES {
        let s = RateSchedule::from_json(json).unwrap();
        let again = RateSchedule::from_json(&serde_json::to_string(&s).unwrap()).unwrap();
        assert_eq!(s, again);
    }
}

#[test]
fn unknown_fields_and_json_numbers_are_refused() {
    let typo = SALEM_SEWER_2015.replace(
        "\"amount\": \"16.59\"",
        "\"amount\": \"16.59\", \"ammount\": \"1\"",
    );
    assert!(RateSchedule::from_json(&typo)
        .unwrap_err()
        .to_string()
        .contains("ammount"));
    // A JSON number would pass through a float: decimals must be strings.
    let number = SALEM_SEWER_2015.replace("\"amount\": \"16.59\"", "\"amount\": 16.59");
    assert!(RateSchedule::from_json(&number).is_err());
    let kind = SALEM_SEWER_2015.replace("\"kind\": \"fixed\"", "\"kind\": \"flat\"");
    assert!(RateSchedule::from_json(&kind).is_err());
}

#[test]
fn quote_input_and_quote_serialise() {
    let json = r#"{"service_period":{"start":"2016-01-01","end":"2016-01-31"},"bill_date":"2016-02-01",
        "class":"single_family","meter_size":"5/8x3/4","consumption":{"amount":"10","unit":"ccf"},
        "winter_average":{"amount":"6","unit":"ccf"}}"#;
    let i: QuoteInput = serde_json::from_str(json).unwrap();
    assert_eq!(i.multiplier, Decimal::ONE);
    assert_eq!(i.dwelling_units, 1);
    assert_eq!(i.billing_frequency, BillingFrequency::Monthly);
    let q = quote(&[load(SALEM_WATER_2016), load(SALEM_SEWER_2015)], &i).unwrap();
    let v: Value = serde_json::to_value(&q).unwrap();
    assert_eq!(v["total"], "70.78"); // water 6.51 + 26.50, sewer 16.59 + 19.38 + 1.80
    assert_eq!(v["lines"][0]["amount"], "6.51");
    assert_eq!(v["lines"][1]["quantity"], "10");
    let back: Quote = serde_json::from_value(v).unwrap();
    assert_eq!(back, q);
    let again: QuoteInput = serde_json::from_str(&serde_json::to_string(&i).unwrap()).unwrap();
    assert_eq!(again, i);
}

/// The hand-written JSON Schema must at least parse and name every kind and enum value the
/// types accept; the examples must use only properties the schema lists.
#[test]
fn schema_file_matches_the_types() {
    let schema: Value =
        serde_json::from_str(include_str!("../../../../docs/rate-schedule.schema.json")).unwrap();
    let text = schema.to_string();
    for word in [
        "\"fixed\"",
        "\"volume\"",
        "\"percentage\"",
        "\"minimum\"",
        "\"maximum\"",
        "\"service_days\"",
        "\"period_start\"",
        "\"bill_date\"",
        "\"half_up\"",
        "\"half_even\"",
        "\"read_date\"",
        "\"water\"",
        "\"sewer\"",
        "\"stormwater\"",
        "\"city_fees\"",
        "\"inside\"",
        "\"outside\"",
        "\"account\"",
        "\"dwelling_unit\"",
        "\"esu\"",
        "\"impervious_area\"",
        "\"fire_line_inch\"",
        "\"monthly\"",
        "\"per_bill\"",
        "\"ccf\"",
        "\"gallons\"",
        "\"kgal\"",
        "\"metered\"",
        "\"winter_average\"",
        "\"absolute\"",
        "\"above_winter_average\"",
    ] {
        assert!(text.contains(word), "schema lacks {word}");
    }
    // Every property used by the examples appears in the schema.
    fn keys(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                for (k, v) in m {
                    out.push(k.clone());
                    keys(v, out);
                }
            }
            Value::Array(a) => a.iter().for_each(|v| keys(v, out)),
            _ => {}
        }
    }
    for json in ALL_EXAMPLES {
        let mut used = Vec::new();
        keys(&serde_json::from_str(json).unwrap(), &mut used);
        for k in used {
            assert!(
                text.contains(&format!("\"{k}\"")),
                "schema lacks property {k}"
            );
        }
    }
}

#[cfg(feature = "server")]
#[test]
fn openapi_schemas_generate() {
    use utoipa::OpenApi;
    #[derive(OpenApi)]
    #[openapi(components(schemas(RateSchedule, QuoteInput, Quote)))]
    struct Doc;
    let doc = Doc::openapi();
    let json = doc.to_json().unwrap();
    for name in [
        "RateSchedule",
        "QuoteInput",
        "Quote",
        "Charge",
        "VolumeCharge",
        "QuoteLine",
    ] {
        assert!(json.contains(&format!("\"{name}\"")), "missing {name}");
    }
    let v: Value = serde_json::from_str(&json).unwrap();
    let charge = v["components"]["schemas"]["Charge"].to_string();
    assert!(
        charge.contains("\"kind\"") && charge.contains("\"percentage\""),
        "{charge}"
    );
}
