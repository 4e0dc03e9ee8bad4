//! Addresses with structure over HTTP: customers' mailing and premises' service addresses are
//! taken in parts or on one line, shown in parts beside their one display form, checked part
//! by part (422 with the address field codes), and the addresses stored before they had parts
//! are split after migrating.

use cistern_backend::db::models::{MailingAddress, ServiceAddress};
use cistern_backend::db::schema::{customers, premises};
use diesel::prelude::*;
use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{assert_problem, spawn, Auth, Db, Reply, TestApp};

fn fields(r: &Reply) -> Vec<(String, String)> {
    r.body["fields"]
        .as_array()
        .map(|list| {
            list.iter()
                .map(|f| {
                    (
                        f["field"].as_str().unwrap_or_default().to_owned(),
                        f["code"].as_str().unwrap_or_default().to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn refused(r: &Reply, field: &str, code: &str) {
    assert_problem(r, 422, "validation_failed");
    assert_eq!(
        fields(r),
        vec![(field.to_owned(), code.to_owned())],
        "{}",
        r.text
    );
}

async fn put(app: &TestApp, path: &str, who: &Auth, body: Value) -> Reply {
    app.call(Method::PUT, path, who, Some(body)).await
}

async fn customers_take_parts_or_one_line(db: Db) {
    let app = spawn(db).await;
    let clerk = app.login("clerk").await;
    // In parts: tidied the USPS way, shown in parts and in one display form.
    let r = app
        .post(
            "/api/v1/customers",
            &clerk,
            json!({"name": "Parts Person", "mailing_address_parts": {
                "house_number": "1208 1/2", "pre_direction": "north", "street": "Main",
                "suffix": "Street", "unit": "Apt 3", "city": "Lyons", "state": "or",
                "zip": "97358", "zip4": "0042"}}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let id = r.body["id"].as_str().unwrap().to_owned();
    assert_eq!(
        r.body["mailing_address"],
        "1208 1/2 N Main St Apt 3, Lyons OR 97358-0042"
    );
    let got = app.get(&format!("/api/v1/customers/{id}"), &clerk).await;
    assert_eq!(
        got.body["mailing_address_parts"],
        json!({"house_number": "1208 1/2", "pre_direction": "N", "street": "Main",
               "suffix": "St", "unit": "Apt 3", "city": "Lyons", "state": "OR",
               "zip": "97358", "zip4": "0042"})
    );
    // On one line (two lines, here): read into parts.
    let r = put(
        &app,
        &format!("/api/v1/customers/{id}"),
        &clerk,
        json!({"name": "Parts Person", "mailing_address": "RR 2 Box 15\nLyons OR 97358"}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["mailing_address"], "RR 2 Box 15, Lyons OR 97358");
    assert_eq!(
        r.body["mailing_address_parts"],
        json!({"street": "RR 2 Box 15", "city": "Lyons", "state": "OR", "zip": "97358"})
    );
    // Abroad: kept as written.
    let r = put(
        &app,
        &format!("/api/v1/customers/{id}"),
        &clerk,
        json!({"name": "Parts Person",
               "mailing_address_parts": {"foreign": "Calle 5 de Mayo 123\n68000 Oaxaca\nMexico"}}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        r.body["mailing_address"],
        "Calle 5 de Mayo 123, 68000 Oaxaca, Mexico"
    );
    assert_eq!(
        r.body["mailing_address_parts"],
        json!({"street": "", "foreign": "Calle 5 de Mayo 123\n68000 Oaxaca\nMexico"})
    );
    // The account view shows the parts too.
    let a = app.get("/api/v1/accounts/acc-00001", &clerk).await;
    assert!(
        a.body["customer"]["mailing_address_parts"]["street"].is_string(),
        "{}",
        a.text
    );
    assert!(
        a.body["premise"]["service_address_parts"]["street"].is_string(),
        "{}",
        a.text
    );
}

async fn premises_take_parts_or_one_line(db: Db) {
    let app = spawn(db).await;
    let clerk = app.login("clerk").await;
    let r = app
        .post(
            "/api/v1/premises",
            &clerk,
            json!({"service_address": "123-45 Queens Blvd #3F, Forest Hills NY 11375",
                   "cycle_code": "C1", "route": "01", "read_sequence": 5}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let id = r.body["id"].as_str().unwrap().to_owned();
    assert_eq!(
        r.body["service_address"],
        "123-45 Queens Blvd # 3F, Forest Hills NY 11375"
    );
    assert_eq!(r.body["service_address_parts"]["house_number"], "123-45");
    assert_eq!(r.body["service_address_parts"]["unit"], "# 3F");
    let r = put(
        &app,
        &format!("/api/v1/premises/{id}"),
        &clerk,
        json!({"service_address_parts": {"house_number": "4455", "street": "Wheatland",
                                         "suffix": "Rd", "post_direction": "N"},
               "service_address": "ignored when the parts are given",
               "cycle_code": "C1", "route": "01", "read_sequence": 5}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["service_address"], "4455 Wheatland Rd N");
    let got = app.get(&format!("/api/v1/premises/{id}"), &clerk).await;
    assert_eq!(
        got.body["service_address_parts"],
        json!({"house_number": "4455", "street": "Wheatland", "suffix": "Rd",
               "post_direction": "N"})
    );
    // The list shows the display form.
    let list = app
        .get("/api/v1/premises?q=wheatland%204455&per_page=5", &clerk)
        .await;
    assert!(
        list.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["service_address"] == "4455 Wheatland Rd N"),
        "{}",
        list.text
    );
}

async fn an_address_that_is_not_one_is_refused_on_its_field(db: Db) {
    let app = spawn(db).await;
    let clerk = app.login("clerk").await;
    let customer = |address: Value| {
        let mut body = json!({"name": "Ana"});
        for (k, v) in address.as_object().unwrap() {
            body[k] = v.clone();
        }
        body
    };
    let parts = |extra: Value| {
        let mut p = json!({"house_number": "412", "street": "Alder", "suffix": "St",
                           "city": "Riverbend", "state": "OR", "zip": "97351"});
        for (k, v) in extra.as_object().unwrap() {
            p[k] = v.clone();
        }
        json!({"mailing_address_parts": p})
    };
    for (body, field, code) in [
        (json!({}), "mailing_address", "required"),
        (
            json!({"mailing_address": "12 A"}),
            "mailing_address",
            "length",
        ),
        (
            json!({"mailing_address": "Salem OR 97301"}),
            "mailing_address",
            "address_street",
        ),
        (
            json!({"mailing_address": "412 Alder St, Salem OR 9730"}),
            "mailing_address",
            "address_zip",
        ),
        (
            parts(json!({"zip": "9735"})),
            "mailing_address_parts.zip",
            "address_zip",
        ),
        (
            parts(json!({"zip4": "12"})),
            "mailing_address_parts.zip4",
            "address_zip",
        ),
        (
            parts(json!({"state": "Oregano"})),
            "mailing_address_parts.state",
            "address_state",
        ),
        (
            parts(json!({"street": " "})),
            "mailing_address_parts.street",
            "address_street",
        ),
        (
            parts(json!({"pre_direction": "Up"})),
            "mailing_address_parts.pre_direction",
            "one_of",
        ),
        (
            parts(json!({"city": "x".repeat(61)})),
            "mailing_address_parts.city",
            "length",
        ),
        (
            parts(json!({"foreign": "Calle 5\nMexico"})),
            "mailing_address_parts.foreign",
            "address_foreign",
        ),
    ] {
        let r = app
            .post("/api/v1/customers", &clerk, customer(body.clone()))
            .await;
        refused(&r, field, code);
        let r = put(&app, "/api/v1/customers/cus-00001", &clerk, customer(body)).await;
        refused(&r, field, code);
    }
    // A service address is never abroad.
    let premise = |address: Value| {
        let mut body = json!({"cycle_code": "C1", "route": "01", "read_sequence": 5});
        for (k, v) in address.as_object().unwrap() {
            body[k] = v.clone();
        }
        body
    };
    for (body, field, code) in [
        (
            json!({"service_address": "200 Bay St, Toronto ON M5J 2J2, Canada"}),
            "service_address",
            "address_foreign",
        ),
        (
            json!({"service_address_parts": {"foreign": "200 Bay St\nToronto\nCanada"}}),
            "service_address_parts.foreign",
            "address_foreign",
        ),
        (
            json!({"service_address_parts": {"street": "Alder", "zip": "ABCDE"}}),
            "service_address_parts.zip",
            "address_zip",
        ),
    ] {
        let r = app
            .post("/api/v1/premises", &clerk, premise(body.clone()))
            .await;
        refused(&r, field, code);
        let r = put(&app, "/api/v1/premises/prm-00001", &clerk, premise(body)).await;
        refused(&r, field, code);
    }
    // Inside a move-in's new customer, and a move-out's forwarding address.
    let r = app
        .post(
            "/api/v1/move-ins",
            &clerk,
            json!({"new_customer": {"name": "New Person",
                                    "mailing_address_parts": {"street": "Elm", "state": "XX"}},
                   "premise_id": "prm-00001", "occupant": "owner", "start_on": "2026-12-01"}),
        )
        .await;
    refused(
        &r,
        "new_customer.mailing_address_parts.state",
        "address_state",
    );
    let r = app
        .post(
            "/api/v1/accounts/acc-00002/move-out",
            &clerk,
            json!({"move_out_on": "2026-12-15", "forwarding_address": "Salem OR 97301"}),
        )
        .await;
    refused(&r, "forwarding_address", "address_street");
    // Nothing was written: the customer keeps the address it had.
    let c = app.get("/api/v1/customers/cus-00001", &clerk).await;
    assert!(
        c.body["mailing_address_parts"]["street"].is_string(),
        "{}",
        c.text
    );
    // A good forwarding address in parts.
    let r = app
        .post(
            "/api/v1/accounts/acc-00002/move-out",
            &clerk,
            json!({"move_out_on": "2026-12-15",
                   "forwarding_address_parts": {"street": "PO Box 12", "city": "Salem",
                                                "state": "OR", "zip": "97301"}}),
        )
        .await;
    assert!(r.status.is_success(), "{}", r.text);
    let a = app.get("/api/v1/accounts/acc-00002", &clerk).await;
    let customer_id = a.body["customer"]["id"].as_str().unwrap().to_owned();
    let c = app
        .get(&format!("/api/v1/customers/{customer_id}"), &clerk)
        .await;
    assert_eq!(c.body["mailing_address"], "PO Box 12, Salem OR 97301");
    assert_eq!(c.body["mailing_address_parts"]["street"], "PO Box 12");
}

/// Rows stored before addresses had parts (all parts NULL) are split by the step that runs
/// after migrating; a text that does not read stays as it is; running it again changes
/// nothing.
async fn addresses_stored_before_are_split_after_migrating(db: Db) {
    let app = spawn(db).await;
    let clerk = app.login("clerk").await;
    app.run(|c| {
        let old = |c: &mut cistern_backend::db::DbConnection, id: &str, text: &str| {
            diesel::update(customers::table.find(id))
                .set((
                    customers::mailing_address.eq(text),
                    MailingAddress::default(),
                ))
                .execute(c)
                .unwrap();
        };
        old(c, "cus-00005", "77 Birch Ave\nRiverbend OR 97351");
        old(c, "cus-00006", "Salem OR 97301");
        diesel::update(premises::table.find("prm-00005"))
            .set((
                premises::service_address.eq("1203 River Rd Riverbend OR 97351"),
                ServiceAddress::default(),
            ))
            .execute(c)
            .unwrap();
    })
    .await;
    let before = app.get("/api/v1/customers/cus-00005", &clerk).await;
    assert_eq!(before.body["mailing_address_parts"], Value::Null);

    let applied = app
        .run(|c| cistern_backend::db::run_migrations(c).unwrap())
        .await;
    assert_eq!(applied, 0, "no migration was pending");
    let split = app.get("/api/v1/customers/cus-00005", &clerk).await;
    assert_eq!(
        split.body["mailing_address"],
        "77 Birch Ave, Riverbend OR 97351"
    );
    assert_eq!(
        split.body["mailing_address_parts"],
        json!({"house_number": "77", "street": "Birch", "suffix": "Ave",
               "city": "Riverbend", "state": "OR", "zip": "97351"})
    );
    let kept = app.get("/api/v1/customers/cus-00006", &clerk).await;
    assert_eq!(kept.body["mailing_address"], "Salem OR 97301");
    assert_eq!(kept.body["mailing_address_parts"], Value::Null);
    let p = app.get("/api/v1/premises/prm-00005", &clerk).await;
    assert_eq!(
        p.body["service_address"],
        "1203 River Rd, Riverbend OR 97351"
    );
    assert_eq!(p.body["service_address_parts"]["house_number"], "1203");
    // The re-split account is found by its new words at once.
    let found = app
        .get("/api/v1/accounts?q=birch%2077&per_page=50", &clerk)
        .await;
    assert!(
        found.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["number"] == split.body["accounts"][0]["number"]),
        "{}",
        found.text
    );

    app.run(|c| cistern_backend::db::run_migrations(c).unwrap())
        .await;
    assert_eq!(
        app.get("/api/v1/customers/cus-00005", &clerk).await.body,
        split.body
    );
    assert_eq!(
        app.get("/api/v1/customers/cus-00006", &clerk).await.body,
        kept.body
    );
}

crate::on_both_databases!(
    customers_take_parts_or_one_line,
    premises_take_parts_or_one_line,
    an_address_that_is_not_one_is_refused_on_its_field,
    addresses_stored_before_are_split_after_migrating,
);
