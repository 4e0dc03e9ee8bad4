//! The account search index is derived data that is never stale: every workflow that changes
//! a word an account is found by makes the account findable by the new word in the very next
//! request (and no longer by a word it lost), without the workflow re-indexing by hand.

use reqwest::Method;
use serde_json::{json, Map, Value};

use crate::helpers::{spawn, Auth, Db, TestApp};

/// The account numbers a clerk's search for `q` lists.
async fn found(app: &TestApp, who: &Auth, q: &str) -> Vec<String> {
    let path = format!("/api/v1/accounts?q={}&per_page=200", q.replace(' ', "%20"));
    let r = app.get(&path, who).await;
    assert_eq!(r.status, 200, "{q}: {}", r.text);
    r.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["number"].as_str().unwrap().to_owned())
        .collect()
}

async fn number_of(app: &TestApp, who: &Auth, account_id: &str) -> String {
    let r = app
        .get(&format!("/api/v1/accounts/{account_id}"), who)
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.body["number"].as_str().unwrap().to_owned()
}

async fn assert_found(app: &TestApp, who: &Auth, q: &str, number: &str) {
    let hits = found(app, who, q).await;
    assert!(
        hits.iter().any(|n| n == number),
        "`{q}` should find {number}: {hits:?}"
    );
}

async fn assert_not_found(app: &TestApp, who: &Auth, q: &str, number: &str) {
    let hits = found(app, who, q).await;
    assert!(
        !hits.iter().any(|n| n == number),
        "`{q}` should no longer find {number}: {hits:?}"
    );
}

async fn new_meter(app: &TestApp, who: &Auth, serial: &str) -> String {
    let r = app
        .post(
            "/api/v1/meters",
            who,
            json!({"serial": serial, "size": "5/8", "kind": "positive_displacement", "unit": "ccf",
                   "registers": [{"code": "main", "digits": 4, "multiplier": "1"}]}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    r.body["id"].as_str().unwrap().to_owned()
}

async fn complete(app: &TestApp, who: &Auth, order_id: &str, body: Value) {
    let r = app
        .post(
            &format!("/api/v1/service-orders/{order_id}/complete"),
            who,
            body,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
}

async fn customer_details_change(app: &TestApp, clerk: &Auth) {
    let number = number_of(app, clerk, "acc-00001").await;
    let c = app.get("/api/v1/customers/cus-00001", clerk).await.body;
    let old_name = c["name"].as_str().unwrap().to_owned();
    let mut body = json!({
        "name": "Quillfeather Oyelaran",
        "is_organisation": c["is_organisation"],
        "mailing_address": "PO Box 7781, Zanzibarville OR 97303",
        "phone": "503-555-8642",
        "phone_alt": c["phone_alt"],
        "email": c["email"],
        "preferred_locale": c["preferred_locale"],
        "notify_email": c["notify_email"],
        "notify_text": c["notify_text"],
        "notify_mail": c["notify_mail"],
    });
    if body["phone_alt"].is_null() {
        body.as_object_mut().unwrap().remove("phone_alt");
    }
    let r = app
        .call(
            Method::PUT,
            "/api/v1/customers/cus-00001",
            clerk,
            Some(body),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_found(app, clerk, "Quillfeather", &number).await;
    assert_found(app, clerk, "Zanzibarville", &number).await;
    assert_found(app, clerk, "5558642", &number).await;
    let old_word = old_name.split_whitespace().last().unwrap().to_owned();
    assert_not_found(app, clerk, &old_word, &number).await;
}

async fn service_address_change(app: &TestApp, clerk: &Auth) {
    let number = number_of(app, clerk, "acc-00002").await;
    let p = app.get("/api/v1/premises/prm-00002", clerk).await.body;
    let body = json!({
        "service_address": "77 Marigoldia Way, Keizer OR 97303",
        "parcel": "073W99ZZ12345",
        "inside_city": p["inside_city"],
        "cycle_code": p["cycle_code"],
        "route": p["route"],
        "read_sequence": p["read_sequence"],
        "dwelling_units": p["dwelling_units"],
    });
    let r = app
        .call(Method::PUT, "/api/v1/premises/prm-00002", clerk, Some(body))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_found(app, clerk, "Marigoldia", &number).await;
    assert_found(app, clerk, "073W99ZZ12345", &number).await;
}

/// Addresses given in parts are found by their words like one-line ones; a change of a part
/// alone (a column the search triggers list) notes the account for re-indexing.
async fn structured_address_change(app: &TestApp, clerk: &Auth) {
    let number = number_of(app, clerk, "acc-00003").await;
    let c = app.get("/api/v1/customers/cus-00003", clerk).await.body;
    let r = app
        .call(
            Method::PUT,
            "/api/v1/customers/cus-00003",
            clerk,
            Some(json!({
                "name": c["name"],
                "mailing_address_parts": {"street": "PO Box 5150", "city": "Quixotica",
                                          "state": "OR", "zip": "97303"},
            })),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_found(app, clerk, "Quixotica", &number).await;
    let p = app.get("/api/v1/premises/prm-00003", clerk).await.body;
    let r = app
        .call(
            Method::PUT,
            "/api/v1/premises/prm-00003",
            clerk,
            Some(json!({
                "service_address_parts": {"house_number": "1208 1/2", "street": "Wolfsbane",
                                          "suffix": "Ct", "post_direction": "NE", "unit": "Apt 9"},
                "cycle_code": p["cycle_code"],
                "route": p["route"],
                "read_sequence": p["read_sequence"],
            })),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_found(app, clerk, "Wolfsbane", &number).await;
    assert_found(app, clerk, "1208 1/2 Wolfsbane", &number).await;
    let noted = app
        .run(|c| {
            use cistern_backend::db::schema::{customers, premises, search_pending};
            use diesel::prelude::*;
            diesel::update(premises::table.find("prm-00003"))
                .set(premises::city.eq("Keizer"))
                .execute(c)
                .unwrap();
            diesel::update(customers::table.find("cus-00003"))
                .set(customers::zip4.eq("0001"))
                .execute(c)
                .unwrap();
            let noted: i64 = search_pending::table
                .filter(search_pending::account_id.eq("acc-00003"))
                .count()
                .get_result(c)
                .unwrap();
            diesel::delete(search_pending::table).execute(c).unwrap();
            noted
        })
        .await;
    assert_eq!(noted, 2, "each part change notes the account");
}

/// Move-in makes a new account findable by its holder; completing its meter-set order makes it
/// findable by the new meter's serial (the order installs the meter).
async fn move_in_and_meter_set(app: &TestApp, clerk: &Auth) {
    let lead = app.login("lead").await;
    let field = app.login("field").await;
    let premise = app
        .post(
            "/api/v1/premises",
            clerk,
            json!({"service_address": "4455 Wheatland Rd N, Keizer OR 97303", "parcel": "073W12AB09900",
                   "cycle_code": "C1", "route": "02", "read_sequence": 9990}),
        )
        .await;
    assert_eq!(premise.status, 201, "{}", premise.text);
    let premise = premise.body["id"].as_str().unwrap().to_owned();
    let meter = new_meter(app, &field, "ZQ-7700113").await;
    let r = app
        .post(
            "/api/v1/move-ins",
            clerk,
            json!({
                "new_customer": {"name": "Ottoline Brackenbury", "mailing_address": "4455 Wheatland Rd N, Keizer OR 97303",
                                  "phone": "503-555-7788", "preferred_locale": "en"},
                "premise_id": premise, "occupant": "tenant", "start_on": "2026-12-01", "meter_id": meter,
            }),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let number = r.body["account"]["number"].as_str().unwrap().to_owned();
    assert_found(app, clerk, "Brackenbury", &number).await;
    assert_found(app, clerk, "Wheatland", &number).await;
    // The meter is still in stock until the order is completed.
    assert_not_found(app, clerk, "ZQ-7700113", &number).await;
    let order = r.body["service_orders"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let a = app
        .post(
            &format!("/api/v1/service-orders/{order}/assign"),
            &lead,
            json!({"assigned_to": "usr-00005"}),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.text);
    complete(
        app,
        &field,
        &order,
        json!({"completed_on": "2026-12-01", "reading": 12}),
    )
    .await;
    assert_found(app, clerk, "ZQ-7700113", &number).await;
}

async fn meter_change_out(app: &TestApp, clerk: &Auth) {
    let lead = app.login("lead").await;
    let number = number_of(app, clerk, "acc-00003").await;
    let p = app.get("/api/v1/premises/prm-00003", clerk).await.body;
    let old_serial = p["meters"][0]["serial"].as_str().unwrap().to_owned();
    let last = p["meters"][0]["recent_reads"][0]["reading"]
        .as_i64()
        .unwrap();
    assert_found(app, clerk, &old_serial, &number).await;
    let new_meter = new_meter(app, &lead, "ZQ-CHANGE-9").await;
    let o = app
        .post(
            "/api/v1/service-orders",
            clerk,
            json!({"order_type": "meter_change", "premise_id": "prm-00003", "new_meter_id": new_meter, "due_on": "2026-10-15"}),
        )
        .await;
    assert_eq!(o.status, 201, "{}", o.text);
    let id = o.body["id"].as_str().unwrap().to_owned();
    complete(
        app,
        &lead,
        &id,
        json!({"completed_on": "2026-10-15", "reading": last + 5, "new_reading": 0}),
    )
    .await;
    assert_found(app, clerk, "ZQ-CHANGE-9", &number).await;
    assert_not_found(app, clerk, &old_serial, &number).await;
}

async fn transfer(app: &TestApp, clerk: &Auth) {
    // prm-00014's account is final in the demo city, so the premise is free.
    let p = app.get("/api/v1/premises/prm-00014", clerk).await.body;
    let street = p["service_address"].as_str().unwrap().to_owned();
    let r = app
        .post(
            "/api/v1/accounts/acc-00004/transfer",
            clerk,
            json!({"to_premise_id": "prm-00014", "move_out_on": "2026-12-10", "move_in_on": "2026-12-11", "occupant": "owner"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let number = r.body["new_account"]["account"]["number"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_found(app, clerk, &number, &number).await;
    assert_found(app, clerk, &street, &number).await;
}

fn samples() -> Map<String, Value> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/import-samples");
    let mut files = Map::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "csv") {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            files.insert(name, Value::String(std::fs::read_to_string(&path).unwrap()));
        }
    }
    files
}

async fn conversion_import(app: &TestApp, admin: &Auth, clerk: &Auth) {
    let mut files = samples();
    let r = app
        .post(
            "/api/v1/imports/conversion?dry_run=false",
            admin,
            json!({ "files": files }),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["outcome"], "imported", "{}", r.body);
    assert_found(app, clerk, "Elena Morales", "RB-0001-01").await;
    // The legacy system corrects a name; importing again updates the customer.
    let customers = files["customers.csv"]
        .as_str()
        .unwrap()
        .replace("Elena Morales", "Elena Vanterpool");
    files.insert("customers.csv".into(), Value::String(customers));
    let r = app
        .post(
            "/api/v1/imports/conversion?dry_run=false",
            admin,
            json!({ "files": files }),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["outcome"], "imported", "{}", r.body);
    assert_found(app, clerk, "Vanterpool", "RB-0001-01").await;
    assert_not_found(app, clerk, "Morales", "RB-0001-01").await;
}

async fn every_indexed_word_is_searchable_at_once(db: Db) {
    let app = spawn(db).await;
    let clerk = app.login("clerk").await;
    let admin = app.login("admin").await;
    customer_details_change(&app, &clerk).await;
    service_address_change(&app, &clerk).await;
    structured_address_change(&app, &clerk).await;
    move_in_and_meter_set(&app, &clerk).await;
    meter_change_out(&app, &clerk).await;
    transfer(&app, &clerk).await;
    conversion_import(&app, &admin, &clerk).await;
    // Nothing is left noted for re-indexing once the changes have committed.
    let pending = app
        .run(|c| {
            use cistern_backend::db::schema::search_pending;
            use diesel::prelude::*;
            search_pending::table.count().get_result::<i64>(c).unwrap()
        })
        .await;
    assert_eq!(pending, 0);
}

crate::on_both_databases!(every_indexed_word_is_searchable_at_once);
