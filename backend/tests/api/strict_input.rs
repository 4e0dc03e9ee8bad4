//! Untrusted input gets a clear answer on both databases: money only as a string with at most
//! two decimals, no NUL or control characters (newlines only in multi-line fields), text
//! normalised to NFC, and no date outside the configured window.

use serde_json::json;

use crate::helpers::{assert_problem, spawn, Db, Reply};

fn field_code(r: &Reply) -> (String, String) {
    let f = &r.body["fields"][0];
    (
        f["field"].as_str().unwrap_or_default().to_owned(),
        f["code"].as_str().unwrap_or_default().to_owned(),
    )
}

async fn money_is_a_string_with_at_most_two_decimals(db: Db) {
    let app = spawn(db).await;
    let lead = app.login("lead").await;
    let path = "/api/v1/premises/prm-00009/sdc-charges";
    let body = |amount: serde_json::Value| json!({"permit_number": "BP-2026-0117", "service_type": "water", "amount": amount, "assessed_on": "2026-03-02"});
    for bad in [
        json!(4812.5),
        json!(4812),
        json!("-0.009"),
        json!("1.005"),
        json!("1e3"),
    ] {
        let r = app.post(path, &lead, body(bad.clone())).await;
        assert_problem(&r, 400, "malformed_json");
    }
    let ok = app.post(path, &lead, body(json!("4812.50"))).await;
    assert_eq!(ok.status, 201, "{}", ok.text);
    assert_eq!(ok.body[0]["amount"], "4812.50");
}

async fn control_characters_are_refused_and_text_is_nfc(db: Db) {
    let app = spawn(db).await;
    let clerk = app.login("clerk").await;
    let customer =
        |name: &str| json!({"name": name, "mailing_address": "412 Alder St\nRiverbend OR 97351"});
    // PostgreSQL cannot store NUL: the request is refused before it gets there.
    let r = app
        .post("/api/v1/customers", &clerk, customer("Ann\u{0}Lee"))
        .await;
    assert_problem(&r, 422, "validation_failed");
    assert_eq!(field_code(&r), ("name".into(), "control_characters".into()));
    let r = app
        .post("/api/v1/customers", &clerk, customer("Ann\nLee"))
        .await;
    assert_problem(&r, 422, "validation_failed");
    let r = app
        .post("/api/v1/customers", &clerk, customer("Ann\u{1b}[31mLee"))
        .await;
    assert_problem(&r, 422, "validation_failed");
    // A decomposed é and ñ (as some keyboards send them) are stored composed.
    let r = app
        .post(
            "/api/v1/customers",
            &clerk,
            customer("Jose\u{301} Nun\u{303}ez"),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let id = r.body["id"].as_str().unwrap().to_owned();
    let got = app.get(&format!("/api/v1/customers/{id}"), &clerk).await;
    assert_eq!(got.body["name"], "Jos\u{e9} Nu\u{f1}ez");
    // A mailing address may be sent on two lines; it is stored in parts and shown in its one
    // display form.
    assert_eq!(
        got.body["mailing_address"],
        "412 Alder St, Riverbend OR 97351"
    );
    // Notes may have several lines, but no NUL.
    let note = |body: &str| json!({"body": body, "pinned": false});
    let ok = app
        .post(
            "/api/v1/accounts/acc-00009/notes",
            &clerk,
            note("Line one\nLine two"),
        )
        .await;
    assert_eq!(ok.status, 201, "{}", ok.text);
    let bad = app
        .post("/api/v1/accounts/acc-00009/notes", &clerk, note("x\u{0}"))
        .await;
    assert_problem(&bad, 422, "validation_failed");
    assert_eq!(
        field_code(&bad),
        ("body".into(), "control_characters".into())
    );
    // In a query string too.
    let q = app.get("/api/v1/accounts?q=ne%00x", &clerk).await;
    assert_problem(&q, 422, "validation_failed");
}

async fn dates_outside_the_window_are_refused(db: Db) {
    let app = spawn(db).await;
    let clerk = app.login("clerk").await;
    let order =
        |due: &str| json!({"order_type": "leak_check", "premise_id": "prm-00010", "due_on": due});
    let r = app
        .post("/api/v1/service-orders", &clerk, order("0208-12-01"))
        .await;
    assert_problem(&r, 422, "validation_failed");
    assert_eq!(field_code(&r), ("due_on".into(), "date_range".into()));
    let r = app
        .post("/api/v1/service-orders", &clerk, order("2200-01-01"))
        .await;
    assert_problem(&r, 422, "validation_failed");
    let ok = app
        .post("/api/v1/service-orders", &clerk, order("2026-12-15"))
        .await;
    assert_eq!(ok.status, 201, "{}", ok.text);
    let q = app
        .get(
            "/api/v1/premises/prm-00003/consumption?from=0200-01-01&to=2026-11-01",
            &clerk,
        )
        .await;
    assert_problem(&q, 422, "validation_failed");
}

crate::on_both_databases!(
    money_is_a_string_with_at_most_two_decimals,
    control_characters_are_refused_and_text_is_nfc,
    dates_outside_the_window_are_refused,
);
