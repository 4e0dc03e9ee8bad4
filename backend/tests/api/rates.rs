//! Rate schedules through the API: draft, validation, maker-checker approval, immutability,
//! versions, export byte for byte, quotes against approved versions and drafts, retirement,
//! and the audit trail; and the demo city's Keizer rates at work.

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{assert_problem, spawn, Auth, Db, Reply, TestApp};

/// Salem wastewater 2015: base $16.59 a month + $3.23 per CCF of winter-average use + the 5%
/// franchise fee. Source: Statesman Journal, 2015-11-15 (cited in the document and in the
/// engine's golden test `salem_sewer_2015_is_billed_on_the_winter_average_with_the_franchise_fee`).
const SALEM_SEWER_2015: &str =
    include_str!("../../../shared/src/rates/examples/salem-sewer-2015.json");

/// Sends `body` byte for byte with the given content type.
async fn send_raw(
    app: &TestApp,
    method: Method,
    path: &str,
    auth: &Auth,
    content_type: &str,
    body: &str,
) -> Reply {
    let mut req = app
        .client
        .request(method, app.url(path))
        .header("content-type", content_type)
        .body(body.to_owned());
    req = match auth {
        Auth::None => req,
        Auth::Bearer(t) => req.bearer_auth(t),
        Auth::ApiKey(k) => req.header("X-Api-Key", k),
    };
    let res = req.send().await.expect("request");
    let status = res.status();
    let headers = res.headers().clone();
    let text = res.text().await.unwrap_or_default();
    let body = serde_json::from_str(&text).unwrap_or(Value::Null);
    Reply {
        status,
        headers,
        body,
        text,
    }
}

/// July 2015, 14 CCF metered, a winter average of 6 CCF: the golden Salem sewer bill.
fn july_2015_input() -> Value {
    json!({
        "service_period": { "start": "2015-07-01", "end": "2015-07-31" },
        "bill_date": "2015-08-01",
        "class": "single_family",
        "consumption": { "amount": "14", "unit": "ccf" },
        "winter_average": { "amount": "6", "unit": "ccf" }
    })
}

fn actions(trail: &Reply) -> Vec<String> {
    trail.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_owned())
        .collect()
}

async fn rate_schedules_go_from_draft_to_approved_to_retired(db: Db) {
    let app = spawn(db).await;
    let lead = app.login("lead").await;
    let director = app.login("director").await;
    let admin = app.login("admin").await;
    let clerk = app.login("clerk").await;
    let customer = app.login("customer").await;

    // A document with mistakes is refused with every problem and its JSON path...
    let bad = SALEM_SEWER_2015.replace("\"16.59\"", "\"-16.59\"").replace(
        "\"of\": [ \"sewer-base\", \"sewer-volume\" ]",
        "\"of\": [ \"sewer-base\", \"sewer-fee\" ]",
    );
    assert_ne!(bad, SALEM_SEWER_2015);
    let r = send_raw(
        &app,
        Method::POST,
        "/api/v1/rate-schedules",
        &lead,
        "application/json",
        &bad,
    )
    .await;
    assert_problem(&r, 422, "validation_failed");
    let fields: Vec<(String, String)> = r.body["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["field"].as_str().unwrap().to_owned(),
                f["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert!(
        fields.contains(&(
            "services[0].components[0].charge.amount".into(),
            "negative".into()
        )),
        "{fields:?}"
    );
    assert!(
        fields.iter().any(
            |(f, c)| f.starts_with("services[0].components[2].charge.of")
                && c == "unknown_component"
        ),
        "{fields:?}"
    );
    // ... and the validation endpoint answers the same list without saving anything.
    let v = send_raw(
        &app,
        Method::POST,
        "/api/v1/rate-schedules/validate",
        &clerk,
        "application/json",
        &bad,
    )
    .await;
    assert_eq!(v.status, 200, "{}", v.text);
    assert_eq!(v.body["valid"], false);
    assert_eq!(v.body["problems"].as_array().unwrap().len(), fields.len());
    let v = send_raw(
        &app,
        Method::POST,
        "/api/v1/rate-schedules/validate",
        &clerk,
        "application/json",
        "{\"format_version\": 1}",
    )
    .await;
    assert_eq!(v.body["problems"][0]["field"], "document");
    assert_eq!(v.body["problems"][0]["code"], "invalid_json");
    let v = send_raw(
        &app,
        Method::POST,
        "/api/v1/rate-schedules/validate",
        &clerk,
        "application/json",
        SALEM_SEWER_2015,
    )
    .await;
    assert_eq!(
        (v.body["valid"].clone(), v.body["book_id"].clone()),
        (json!(true), json!("salem-sewer"))
    );
    // Prices are strings; a JSON number is refused, never read through a float.
    let float = SALEM_SEWER_2015.replace("\"16.59\"", "16.59");
    let r = send_raw(
        &app,
        Method::POST,
        "/api/v1/rate-schedules",
        &lead,
        "application/json",
        &float,
    )
    .await;
    assert_problem(&r, 422, "validation_failed");
    assert_eq!(r.body["fields"][0]["code"], "invalid_json");

    // Customers and clerks may not write rates.
    let r = send_raw(
        &app,
        Method::POST,
        "/api/v1/rate-schedules",
        &customer,
        "application/json",
        SALEM_SEWER_2015,
    )
    .await;
    assert_problem(&r, 403, "forbidden");
    let r = send_raw(
        &app,
        Method::POST,
        "/api/v1/rate-schedules/import",
        &clerk,
        "text/plain",
        SALEM_SEWER_2015,
    )
    .await;
    assert_problem(&r, 403, "forbidden");

    // The lead imports the published schedule as a file: a draft, version 1.
    let r = send_raw(
        &app,
        Method::POST,
        "/api/v1/rate-schedules/import",
        &lead,
        "text/plain",
        SALEM_SEWER_2015,
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.body["status"], "draft");
    assert_eq!(r.body["version"], 1);
    assert_eq!(r.body["book_id"], "salem-sewer");
    assert_eq!(r.body["effective_date"], "2015-01-01");
    assert_eq!(r.body["created_by"], "lead");
    let v1 = r.body["id"].as_str().unwrap().to_owned();
    let v1_sha = r.body["document_sha256"].as_str().unwrap().to_owned();

    // Export gives back exactly the bytes imported.
    let e = app
        .client
        .get(app.url(&format!("/api/v1/rate-schedules/{v1}/export")))
        .header("X-Api-Key", crate::helpers::DEMO_API_KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(e.status(), 200);
    let disposition = e.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(disposition.contains("salem-sewer-v1.json"), "{disposition}");
    assert_eq!(
        e.bytes().await.unwrap().as_ref(),
        SALEM_SEWER_2015.as_bytes()
    );

    // A clerk can check what the draft would bill before anyone approves it.
    let q = app
        .post(
            "/api/v1/rate-quotes",
            &clerk,
            json!({ "schedule_id": v1, "input": july_2015_input() }),
        )
        .await;
    assert_eq!(q.status, 200, "{}", q.text);
    assert_eq!(q.body["quote"]["total"], "37.77");
    assert_eq!(q.body["schedules"][0]["status"], "draft");
    // Customers see approved rates only: a draft is "not found" to them.
    let q = app
        .post(
            "/api/v1/rate-quotes",
            &customer,
            json!({ "schedule_id": v1, "input": july_2015_input() }),
        )
        .await;
    assert_problem(&q, 404, "not_found");

    // Maker-checker: the lead who wrote it cannot approve it; admins and clerks never approve.
    let r = app
        .post(
            &format!("/api/v1/rate-schedules/{v1}/approve"),
            &lead,
            json!({}),
        )
        .await;
    assert_problem(&r, 409, "approver_made_last_change");
    assert!(
        r.body["detail"].as_str().unwrap().contains("maker-checker"),
        "{}",
        r.text
    );
    for who in [&admin, &clerk] {
        let r = app
            .post(
                &format!("/api/v1/rate-schedules/{v1}/approve"),
                who,
                json!({}),
            )
            .await;
        assert_problem(&r, 403, "forbidden");
    }
    // Approving what one did not review: the draft "changed meanwhile", look again.
    let r = app
        .post(
            &format!("/api/v1/rate-schedules/{v1}/approve"),
            &director,
            json!({ "reason": "Resolution 2014-58", "document_sha256": "0".repeat(64) }),
        )
        .await;
    assert_problem(&r, 409, "changed_meanwhile");
    let r = app
        .post(
            &format!("/api/v1/rate-schedules/{v1}/approve"),
            &director,
            json!({ "reason": "Resolution 2014-58", "document_sha256": v1_sha }),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["status"], "approved");
    assert_eq!(r.body["approved_by"], "director");

    // Approved versions never change, and are not approved twice.
    let edit = SALEM_SEWER_2015.replace("\"16.59\"", "\"17.00\"");
    let r = send_raw(
        &app,
        Method::PUT,
        &format!("/api/v1/rate-schedules/{v1}"),
        &lead,
        "application/json",
        &edit,
    )
    .await;
    assert_problem(&r, 409, "rate_schedule_not_draft");
    let r = app
        .post(
            &format!("/api/v1/rate-schedules/{v1}/approve"),
            &lead,
            json!({}),
        )
        .await;
    assert_problem(&r, 409, "rate_schedule_not_draft");
    // The database refuses too, whoever asks: no change to an approved document, no delete.
    let id = v1.clone();
    let refused = app
        .run(move |c| {
            use cistern_backend::db::schema::rate_schedules;
            use diesel::prelude::*;
            let update = diesel::update(rate_schedules::table.find(&id))
                .set(rate_schedules::document.eq("{}"))
                .execute(c);
            let delete = diesel::delete(rate_schedules::table.find(&id)).execute(c);
            (update.is_err(), delete.is_err())
        })
        .await;
    assert_eq!(refused, (true, true));

    // Quote against the approved rates in effect: the golden amount, for a customer too, in
    // their language or the one asked for.
    let body = json!({ "book_id": "salem-sewer", "input": july_2015_input() });
    let q = app
        .post("/api/v1/rate-quotes", &customer, body.clone())
        .await;
    assert_eq!(q.status, 200, "{}", q.text);
    assert_eq!(q.body["quote"]["total"], "37.77");
    assert_eq!(q.body["locale"], "en");
    let lines: Vec<_> = q.body["quote"]["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["component_id"].as_str().unwrap(),
                l["amount"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        lines,
        vec![
            ("sewer-base", "16.59"),
            ("sewer-volume", "19.38"),
            ("sewer-franchise-fee", "1.80")
        ]
    );
    let text = q.body["explanation"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        text.contains("Franchise fee: 5% of $35.97 = $1.80."),
        "{text}"
    );
    let q = app
        .post("/api/v1/rate-quotes?lang=es", &customer, body.clone())
        .await;
    assert_eq!(q.body["locale"], "es");
    let texto = q.body["explanation"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        texto.contains("Tarifa de franquicia: 5% de $35.97 = $1.80."),
        "{texto}"
    );
    assert!(texto.contains("Total: $37.77."), "{texto}");
    assert_problem(
        &app.post("/api/v1/rate-quotes?lang=fr", &customer, body)
            .await,
        400,
        "invalid_query",
    );

    // What the engine cannot bill is a 422 naming the field, with the engine's code.
    let mut no_history = july_2015_input();
    no_history.as_object_mut().unwrap().remove("winter_average");
    let q = app
        .post(
            "/api/v1/rate-quotes",
            &clerk,
            json!({ "book_id": "salem-sewer", "input": no_history }),
        )
        .await;
    assert_problem(&q, 422, "validation_failed");
    assert_eq!(q.body["fields"][0]["field"], "input.winter_average");
    assert_eq!(q.body["fields"][0]["code"], "missing_winter_average");
    let q = app
        .post(
            "/api/v1/rate-quotes",
            &clerk,
            json!({ "book_id": "salem-sewer", "on": "2014-12-31", "input": july_2015_input() }),
        )
        .await;
    assert_problem(&q, 422, "validation_failed");
    assert_eq!(q.body["fields"][0]["field"], "book_id");
    assert_eq!(q.body["fields"][0]["code"], "no_rates_in_effect");

    // A second version for the same date conflicts with the approved one: the draft shows it,
    // approval refuses it. Moved to 2016 with a new base charge, it is approved.
    let r = send_raw(
        &app,
        Method::POST,
        "/api/v1/rate-schedules",
        &lead,
        "application/json",
        &edit,
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.body["version"], 2);
    let v2 = r.body["id"].as_str().unwrap().to_owned();
    // Maker-checker holds in the database as well: the last editor cannot be the approver.
    let id = v2.clone();
    let self_approved = app
        .run(move |c| {
            use cistern_backend::db::schema::rate_schedules;
            use diesel::prelude::*;
            diesel::update(rate_schedules::table.find(&id))
                .set((
                    rate_schedules::status.eq("approved"),
                    rate_schedules::approved_by.eq(Some("usr-00003")),
                    rate_schedules::approved_at.eq(Some(cistern_backend::db::now())),
                ))
                .execute(c)
                .map_err(|e| e.to_string().to_lowercase())
        })
        .await;
    assert!(
        self_approved
            .as_ref()
            .is_err_and(|e| e.contains("check constraint")),
        "{self_approved:?}"
    );
    let g = app
        .get(&format!("/api/v1/rate-schedules/{v2}"), &clerk)
        .await;
    assert_eq!(g.status, 200, "{}", g.text);
    assert_eq!(g.body["problems"][0]["field"], "effective_date");
    assert_eq!(g.body["problems"][0]["code"], "duplicate_version");
    assert_eq!(
        g.body["document"]["services"][0]["components"][0]["charge"]["amount"],
        "17.00"
    );
    let r = app
        .post(
            &format!("/api/v1/rate-schedules/{v2}/approve"),
            &director,
            json!({}),
        )
        .await;
    assert_problem(&r, 422, "validation_failed");
    assert_eq!(r.body["fields"][0]["code"], "duplicate_version");
    // The draft cannot move to another rate book.
    let elsewhere = edit.replace("\"id\": \"salem-sewer\"", "\"id\": \"salem-sewer-b\"");
    let r = send_raw(
        &app,
        Method::PUT,
        &format!("/api/v1/rate-schedules/{v2}"),
        &lead,
        "application/json",
        &elsewhere,
    )
    .await;
    assert_problem(&r, 422, "validation_failed");
    assert_eq!(r.body["fields"][0]["field"], "id");
    let v2017 = edit.replace(
        "\"effective_date\": \"2015-01-01\"",
        "\"effective_date\": \"2016-01-01\"",
    );
    // Someone else (the admin) makes the last change: the lead, who wrote the draft but is not
    // its last editor, may now approve it.
    let r = send_raw(
        &app,
        Method::PUT,
        &format!("/api/v1/rate-schedules/{v2}"),
        &admin,
        "application/json",
        &v2017,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["effective_date"], "2016-01-01");
    assert_eq!(r.body["updated_by"], "admin");
    let r = app
        .post(
            &format!("/api/v1/rate-schedules/{v2}/approve"),
            &lead,
            json!({}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);

    // Versions of the book, newest first.
    let list = app
        .get("/api/v1/rate-books/salem-sewer/versions", &clerk)
        .await;
    let versions: Vec<_> = list
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["version"].as_i64().unwrap(),
                v["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        versions,
        vec![(2, "approved".to_owned()), (1, "approved".to_owned())]
    );
    let books = app.get("/api/v1/rate-books", &clerk).await;
    let salem = books
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["book_id"] == "salem-sewer")
        .unwrap()
        .clone();
    assert_eq!(salem["versions"], 2);
    assert_eq!(salem["in_effect"]["version"], 2);

    // Each period is billed at the version in effect; `on` picks the rates adopted by a date.
    let july_2016 = json!({
        "service_period": { "start": "2016-07-01", "end": "2016-07-31" },
        "bill_date": "2016-08-01",
        "class": "single_family",
        "consumption": { "amount": "14", "unit": "ccf" },
        "winter_average": { "amount": "6", "unit": "ccf" }
    });
    let q = app
        .post(
            "/api/v1/rate-quotes",
            &clerk,
            json!({ "book_id": "salem-sewer", "input": july_2016 }),
        )
        .await;
    // 17.00 + 19.38 + 5% of 36.38 (1.819 -> 1.82) = 38.20
    assert_eq!(q.body["quote"]["total"], "38.20", "{}", q.text);
    assert_eq!(q.body["schedules"][0]["version"], 2);
    let q = app
        .post(
            "/api/v1/rate-quotes",
            &clerk,
            json!({ "book_id": "salem-sewer", "on": "2015-12-31", "input": july_2016 }),
        )
        .await;
    assert_eq!(q.body["quote"]["total"], "37.77", "{}", q.text);
    assert_eq!(q.body["schedules"][0]["version"], 1);

    // Retire version 1: kept on record, no longer quoted; retiring twice is refused.
    let r = app
        .post(
            &format!("/api/v1/rate-schedules/{v1}/retire"),
            &admin,
            json!({}),
        )
        .await;
    assert_problem(&r, 403, "forbidden");
    let r = app
        .post(
            &format!("/api/v1/rate-schedules/{v1}/retire"),
            &director,
            json!({ "reason": "entered in error" }),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["status"], "retired");
    assert_eq!(r.body["retired_by"], "director");
    let r = app
        .post(
            &format!("/api/v1/rate-schedules/{v1}/retire"),
            &director,
            json!({}),
        )
        .await;
    assert_problem(&r, 409, "rate_schedule_not_approved");
    let q = app
        .post(
            "/api/v1/rate-quotes",
            &clerk,
            json!({ "book_id": "salem-sewer", "input": july_2015_input() }),
        )
        .await;
    assert_problem(&q, 422, "validation_failed");
    assert_eq!(q.body["fields"][0]["code"], "no_rates_in_effect");

    // Every change is in the audit trail, with who and why.
    let auditor = app.login("auditor").await;
    let trail = app
        .get(
            &format!("/api/v1/audit?entity_type=rate_schedule&entity_id={v1}"),
            &auditor,
        )
        .await;
    assert_eq!(
        actions(&trail),
        vec![
            "rate_schedule.retire",
            "rate_schedule.approve",
            "rate_schedule.import"
        ]
    );
    let approval = &trail.body["items"][1];
    assert_eq!(approval["actor_username"], "director");
    assert_eq!(approval["reason"], "Resolution 2014-58");
    assert_eq!(trail.body["items"][0]["reason"], "entered in error");
    assert_eq!(
        trail.body["items"][2]["after"]["document"]["id"],
        "salem-sewer"
    );
    let trail = app
        .get(
            &format!("/api/v1/audit?entity_type=rate_schedule&entity_id={v2}"),
            &auditor,
        )
        .await;
    assert_eq!(
        actions(&trail),
        vec![
            "rate_schedule.approve",
            "rate_schedule.update",
            "rate_schedule.create"
        ]
    );
    assert_eq!(
        trail.body["items"][1]["before"]["effective_date"],
        "2015-01-01"
    );
    assert_eq!(
        trail.body["items"][1]["after"]["effective_date"],
        "2016-01-01"
    );
}

async fn the_demo_city_bills_with_keizers_rates(db: Db) {
    let app = spawn(db).await;
    let customer = app.login("customer").await;
    let clerk = app.login("clerk").await;
    let books = app.get("/api/v1/rate-books", &clerk).await;
    assert_eq!(books.status, 200, "{}", books.text);
    let ids: Vec<_> = books
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["book_id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        vec!["keizer-city-fees", "keizer-sewer", "keizer-water"]
    );
    for b in books.body.as_array().unwrap() {
        assert_eq!(b["drafts"], 0);
        assert_eq!(b["in_effect"]["status"], "approved");
        assert_eq!(b["in_effect"]["created_by"], "lead");
        assert_eq!(b["in_effect"]["approved_by"], "director");
    }

    // A Keizer bimonthly bill with every rate book (engine golden test
    // `keizer_city_fees_are_flat_and_start_in_november_2017`): water 14 x $1.35, Salem sewer
    // passed through (2016 version, by bill date) and the administrative fee.
    let input = json!({
        "service_period": { "start": "2017-08-15", "end": "2017-10-14" },
        "bill_date": "2017-10-20",
        "billing_frequency": "bimonthly",
        "class": "single_family",
        "consumption": { "amount": "14", "unit": "ccf" },
        "winter_average": { "amount": "5", "unit": "ccf" }
    });
    let q = app
        .post("/api/v1/rate-quotes", &customer, json!({ "input": input }))
        .await;
    assert_eq!(q.status, 200, "{}", q.text);
    let totals: Vec<_> = q.body["quote"]["service_totals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["service"].as_str().unwrap(),
                t["amount"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        totals,
        vec![
            ("water", "18.90"),
            ("sewer", "36.02"),
            ("city_fees", "5.95")
        ]
    );
    assert_eq!(q.body["quote"]["total"], "60.87");
    let used: Vec<_> = q.body["schedules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["book_id"].as_str().unwrap(),
                s["effective_date"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        used,
        vec![
            ("keizer-city-fees", "2015-02-01"),
            ("keizer-sewer", "2016-02-01"),
            ("keizer-water", "2011-01-01")
        ]
    );
    // Rates "as adopted by" an earlier date leave out the books not yet in force then.
    let q = app
        .post(
            "/api/v1/rate-quotes",
            &customer,
            json!({ "on": "2012-06-30", "input": input }),
        )
        .await;
    assert_eq!(q.body["quote"]["total"], "18.90", "{}", q.text);
    // Both ways of choosing at once are refused.
    let q = app
        .post(
            "/api/v1/rate-quotes",
            &clerk,
            json!({ "schedule_id": "x", "on": "2012-06-30", "input": input }),
        )
        .await;
    assert_problem(&q, 422, "validation_failed");
    assert_eq!(q.body["fields"][0]["field"], "schedule_id");
}

/// The text of a PDF as the tests can search it: the rate list's ASCII lines are written as
/// literal strings in uncompressed content streams.
fn pdf_text(r: &Reply) -> &str {
    &r.text
}

async fn the_rate_list_prints_the_rates_in_effect_on_a_date(db: Db) {
    let app = spawn(db).await;
    let clerk = app.login("clerk").await;
    let director = app.login("director").await;
    let customer = app.login("customer").await;

    // January 2018: Keizer water (2011), the 2016 sewer pass-through and the November 2017
    // city fees, each charge in plain words.
    let r = app
        .get(
            "/api/v1/rate-books/rate-list.pdf?on=2018-01-15&lang=en",
            &clerk,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        r.headers.get("content-type").and_then(|v| v.to_str().ok()),
        Some("application/pdf")
    );
    assert!(
        r.headers
            .get("content-disposition")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("rate-list-2018-01-15.pdf")),
        "{:?}",
        r.headers
    );
    let text = pdf_text(&r);
    assert!(text.starts_with("%PDF-"), "not a PDF");
    for expected in [
        "(Rate list)",
        "(Keizer water)",
        "(Water use: $1.35 per CCF.)",
        "(Keizer sewer (Salem pass-through))",
        "(Parks fee: $4.00 a month.)",
        "(Administrative fee: $5.95 per bill.)",
        "Applies to bills dated on or after November 1, 2017.",
    ] {
        assert!(
            text.contains(expected),
            "{expected} is not in the rate list"
        );
    }
    // The 2015 sewer version (with Salem's surcharge) was replaced in 2016: not on the list.
    assert!(
        !text.contains("Salem surcharge"),
        "a replaced version is listed"
    );

    // In mid-2016 the 2015 city fees were in effect, and the list says what comes next.
    let r = app
        .get(
            "/api/v1/rate-books/rate-list.pdf?on=2016-06-30&lang=en",
            &director,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let text = pdf_text(&r);
    assert!(text.contains("(Administrative fee: $5.95 per bill.)"));
    assert!(!text.contains("Parks fee"), "a later version is listed");
    assert!(text.contains("A new version takes effect on November 1, 2017."));

    // In Spanish.
    let r = app
        .get(
            "/api/v1/rate-books/rate-list.pdf?on=2018-01-15&lang=es",
            &clerk,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let text = pdf_text(&r);
    assert!(text.starts_with("%PDF-"));
    assert!(text.contains("(Lista de tarifas)"));
    assert!(text.contains("(Consumo de agua: $1.35 por CCF.)"));

    // Before any rates: each book says when its first version takes effect.
    let r = app
        .get("/api/v1/rate-books/rate-list.pdf?on=2010-01-01", &clerk)
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(pdf_text(&r).contains("the first takes effect on January 1, 2011."));

    // Customers may quote, not read rate books; a date must be a date.
    let r = app.get("/api/v1/rate-books/rate-list.pdf", &customer).await;
    assert_problem(&r, 403, "forbidden");
    let r = app
        .get("/api/v1/rate-books/rate-list.pdf", &Auth::None)
        .await;
    assert_problem(&r, 401, "unauthenticated");
    let r = app
        .get("/api/v1/rate-books/rate-list.pdf?on=15/01/2018", &clerk)
        .await;
    assert_eq!(r.status, 400, "{}", r.text);
    // Without a date: the business date (today), and a PDF still.
    let r = app.get("/api/v1/rate-books/rate-list.pdf", &clerk).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(pdf_text(&r).starts_with("%PDF-"));
}

crate::on_both_databases!(
    rate_schedules_go_from_draft_to_approved_to_retired,
    the_demo_city_bills_with_keizers_rates,
    the_rate_list_prints_the_rates_in_effect_on_a_date,
);
