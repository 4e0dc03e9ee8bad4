//! The customer-information workflows end to end: new service, move-out, transfer, meter
//! change-out, seasonal turn-off, service orders and the records around an account.

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{assert_problem, spawn, Auth, Db, TestApp};

async fn count(app: &TestApp, table: &'static str) -> i64 {
    app.run(move |c| {
        use diesel::prelude::*;
        #[derive(QueryableByName)]
        struct N {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        diesel::sql_query(format!("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM {table}"))
            .get_result::<N>(c)
            .unwrap()
            .n
    })
    .await
}

async fn new_premise(app: &TestApp, clerk: &Auth, address: &str) -> String {
    let r = app
        .post(
            "/api/v1/premises",
            clerk,
            json!({"service_address": address, "parcel": "073W12AB09900", "cycle_code": "C1", "route": "02", "read_sequence": 9990}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    r.body["id"].as_str().unwrap().to_owned()
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
    assert_eq!(r.body["status"], "in_stock");
    r.body["id"].as_str().unwrap().to_owned()
}

async fn new_service_from_move_in_to_active_account(db: Db) {
    let app = spawn(db).await;
    let clerk = app.login("clerk").await;
    let lead = app.login("lead").await;
    let field = app.login("field").await;
    let premise = new_premise(&app, &clerk, "4455 Wheatland Rd N, Keizer OR 97303").await;
    let meter = new_meter(&app, &field, "bm-9000001").await;
    let r = app
        .post(
            "/api/v1/move-ins",
            &clerk,
            json!({
                "new_customer": {"name": "Rosa Delgado", "mailing_address": "4455 Wheatland Rd N, Keizer OR 97303",
                                  "phone": "503-555-7788", "email": "rosa@example.org", "preferred_locale": "es"},
                "premise_id": premise, "occupant": "tenant", "start_on": "2026-12-01", "meter_id": meter,
                "paperless": true
            }),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let account_id = r.body["account"]["id"].as_str().unwrap().to_owned();
    assert_eq!(r.body["account"]["status"], "pending");
    assert_eq!(r.body["account"]["customer"]["name"], "Rosa Delgado");
    assert_eq!(r.body["deposit_required"], "200.00");
    assert_eq!(r.body["deposit_rule"], "tenant deposit");
    let order = &r.body["service_orders"][0];
    assert_eq!(order["order_type"], "meter_set");
    assert_eq!(order["new_meter_serial"], "BM-9000001");
    assert_eq!(order["due_on"], "2026-12-01");
    let order_id = order["id"].as_str().unwrap().to_owned();

    // The printable meter set sheet.
    let pdf = app
        .client
        .get(app.url(&format!(
            "/api/v1/service-orders/{order_id}/sheet.pdf?lang=en"
        )))
        .bearer_auth(match &clerk {
            Auth::Bearer(t) => t.clone(),
            _ => unreachable!(),
        })
        .send()
        .await
        .unwrap();
    assert_eq!(pdf.status(), 200);
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    let bytes = pdf.bytes().await.unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    let text = String::from_utf8_lossy(&bytes);
    assert!(text.contains("Meter set sheet"), "sheet title missing");
    assert!(text.contains("4455 Wheatland Rd N"));
    assert!(text.contains("BM-9000001"));

    // The lead assigns it; the field user completes it with the meter's first reading.
    let usr_field = "usr-00005";
    let a = app
        .post(
            &format!("/api/v1/service-orders/{order_id}/assign"),
            &lead,
            json!({"assigned_to": usr_field}),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert_eq!(a.body["assigned_name"], "Frankie Field");
    let done = app
        .post(
            &format!("/api/v1/service-orders/{order_id}/complete"),
            &field,
            json!({"completed_on": "2026-12-01", "reading": 12, "notes": "set in box, no leaks"}),
        )
        .await;
    assert_eq!(done.status, 200, "{}", done.text);
    assert_eq!(done.body["status"], "completed");
    let again = app
        .post(
            &format!("/api/v1/service-orders/{order_id}/complete"),
            &field,
            json!({"completed_on": "2026-12-02", "reading": 13}),
        )
        .await;
    assert_problem(&again, 409, "order_not_open");

    let overview = app
        .get(&format!("/api/v1/accounts/{account_id}/overview"), &clerk)
        .await;
    assert_eq!(overview.status, 200, "{}", overview.text);
    assert_eq!(overview.body["status"], "active");
    assert_eq!(overview.body["paperless"], true);
    assert_eq!(overview.body["meters"][0]["serial"], "BM-9000001");
    assert_eq!(overview.body["meters"][0]["status"], "installed");
    assert_eq!(overview.body["meters"][0]["recent_reads"][0]["reading"], 12);
    assert_eq!(
        overview.body["meters"][0]["recent_reads"][0]["kind"],
        "initial"
    );

    // A second move-in at the same address is refused until the customer moves out.
    let second = app
        .post(
            "/api/v1/move-ins",
            &clerk,
            json!({"customer_id": "cus-00003", "premise_id": premise, "occupant": "owner", "start_on": "2026-12-05"}),
        )
        .await;
    assert_problem(&second, 409, "premise_occupied");
    let trail = app
        .get(
            &format!("/api/v1/audit?entity_id={account_id}"),
            &app.login("admin").await,
        )
        .await;
    assert!(trail.text.contains("account.move_in"), "{}", trail.text);
}

async fn bad_input_changes_nothing(db: Db) {
    let app = spawn(db).await;
    let clerk = app.login("clerk").await;
    let before = (
        count(&app, "accounts").await,
        count(&app, "customers").await,
        count(&app, "service_orders").await,
    );
    let cases = [
        json!({"customer_id": "cus-00001", "premise_id": "prm-nope", "occupant": "owner", "start_on": "2026-12-01"}),
        json!({"customer_id": "cus-00001", "new_customer": {"name": "X", "mailing_address": "1 Main St"}, "premise_id": "prm-00001", "occupant": "owner", "start_on": "2026-12-01"}),
        json!({"new_customer": {"name": "New Person", "mailing_address": "12 Elm St, Keizer", "email": "not-an-email"}, "premise_id": "prm-00001", "occupant": "owner", "start_on": "2026-12-01"}),
    ];
    for body in cases {
        let r = app.post("/api/v1/move-ins", &clerk, body.clone()).await;
        assert_problem(&r, 422, "validation_failed");
        assert!(
            !r.body["fields"].as_array().unwrap().is_empty(),
            "{}",
            r.text
        );
    }
    // A new customer at an occupied premise: the customer is not left behind either.
    let r = app
        .post(
            "/api/v1/move-ins",
            &clerk,
            json!({"new_customer": {"name": "New Person", "mailing_address": "12 Elm St, Keizer"}, "premise_id": "prm-00001", "occupant": "owner", "start_on": "2026-12-01"}),
        )
        .await;
    assert_problem(&r, 409, "premise_occupied");
    let compound = app
        .post(
            "/api/v1/meters",
            &app.login("lead").await,
            json!({"serial": "CMP-1", "size": "2", "kind": "compound", "unit": "ccf", "registers": [{"code": "main", "digits": 6, "multiplier": "1"}]}),
        )
        .await;
    assert_problem(&compound, 422, "validation_failed");
    let after = (
        count(&app, "accounts").await,
        count(&app, "customers").await,
        count(&app, "service_orders").await,
    );
    assert_eq!(before, after);
}

async fn move_out_marks_the_account_final_and_queues_the_closing_bill(db: Db) {
    let app = spawn(db).await;
    let clerk = app.login("clerk").await;
    let lead = app.login("lead").await;
    let r = app
        .post("/api/v1/accounts/acc-00002/move-out", &clerk, json!({"move_out_on": "2026-12-15", "forwarding_address": "99 New Home Ln, Salem OR 97301", "assigned_to": "usr-00005"}))
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.body["order_type"], "final_read");
    assert_eq!(r.body["meter_serial"], "BM4100001");
    let id = r.body["id"].as_str().unwrap().to_owned();
    let dup = app
        .post(
            "/api/v1/accounts/acc-00002/move-out",
            &clerk,
            json!({"move_out_on": "2026-12-16"}),
        )
        .await;
    assert_problem(&dup, 409, "duplicate_open_order");
    // The account stays open until the final read is in.
    assert_eq!(
        app.get("/api/v1/accounts/acc-00002", &clerk).await.body["status"],
        "active"
    );
    let done = app
        .post(
            &format!("/api/v1/service-orders/{id}/complete"),
            &lead,
            json!({"completed_on": "2026-12-15", "reading": 1100}),
        )
        .await;
    assert_eq!(done.status, 200, "{}", done.text);
    let o = app
        .get("/api/v1/accounts/acc-00002/overview", &clerk)
        .await
        .body;
    assert_eq!(o["status"], "final");
    assert_eq!(o["final_read_on"], "2026-12-15");
    assert_eq!(o["closing_bill_pending"], true);
    assert_eq!(o["account"]["closed_on"], "2026-12-15");
    assert_eq!(
        o["account"]["customer"]["mailing_address"],
        "99 New Home Ln, Salem OR 97301"
    );
    // A closed account cannot be moved out again: its own code, so the console can say so.
    let again = app
        .post(
            "/api/v1/accounts/acc-00002/move-out",
            &clerk,
            json!({"move_out_on": "2026-12-20"}),
        )
        .await;
    assert_problem(&again, 409, "account_not_open");
    // A reading needs to be given.
    let r = app
        .post(
            "/api/v1/accounts/acc-00005/move-out",
            &clerk,
            json!({"move_out_on": "2026-12-15"}),
        )
        .await;
    let id = r.body["id"].as_str().unwrap().to_owned();
    let missing = app
        .post(
            &format!("/api/v1/service-orders/{id}/complete"),
            &lead,
            json!({"completed_on": "2026-12-15"}),
        )
        .await;
    assert_problem(&missing, 422, "validation_failed");
    assert_eq!(
        app.get("/api/v1/accounts/acc-00005", &clerk).await.body["status"],
        "active"
    );
}

async fn transfer_moves_the_customer_in_one_step(db: Db) {
    let app = spawn(db).await;
    let clerk = app.login("clerk").await;
    // prm-00014's account is final (demo), so the premise is free.
    let r = app
        .post("/api/v1/accounts/acc-00004/transfer", &clerk, json!({"to_premise_id": "prm-00014", "move_out_on": "2026-12-10", "move_in_on": "2026-12-11", "occupant": "owner"}))
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.body["final_read_order"]["order_type"], "final_read");
    let new = &r.body["new_account"]["account"];
    assert_eq!(new["customer"]["id"], "cus-00004");
    assert_eq!(new["premise"]["id"], "prm-00014");
    assert_eq!(new["number"], "201-0014-02", "{new}");
    assert_eq!(
        r.body["new_account"]["service_orders"][0]["order_type"],
        "turn_on"
    );
    // Into an occupied premise: refused, and nothing of the move-out half remains.
    let before = count(&app, "service_orders").await;
    let bad = app
        .post("/api/v1/accounts/acc-00006/transfer", &clerk, json!({"to_premise_id": "prm-00001", "move_out_on": "2026-12-10", "move_in_on": "2026-12-11", "occupant": "owner"}))
        .await;
    assert_problem(&bad, 409, "premise_occupied");
    assert_eq!(count(&app, "service_orders").await, before);
    // To a new premise without a meter: one from stock is required, and then set there.
    let empty = new_premise(&app, &clerk, "77 Transfer Ct NE").await;
    let body = json!({"to_premise_id": empty, "move_out_on": "2026-12-10", "move_in_on": "2026-12-12", "occupant": "tenant"});
    let no_meter = app
        .post("/api/v1/accounts/acc-00006/transfer", &clerk, body.clone())
        .await;
    assert_problem(&no_meter, 422, "validation_failed");
    assert_eq!(
        no_meter.body["fields"][0]["field"], "meter_id",
        "{}",
        no_meter.text
    );
    assert_eq!(count(&app, "service_orders").await, before);
    let lead = app.login("lead").await;
    let meter = new_meter(&app, &lead, "TR-500001").await;
    let twin = app
        .post(
            "/api/v1/meters",
            &lead,
            json!({"serial": "TR-500001", "size": "5/8", "kind": "positive_displacement", "unit": "ccf",
                   "registers": [{"code": "main", "digits": 4, "multiplier": "1"}]}),
        )
        .await;
    assert_problem(&twin, 409, "meter_serial_taken");
    assert_eq!(twin.body["fields"][0]["code"], "taken");
    let mut with_meter = body.clone();
    with_meter["meter_id"] = json!(meter);
    let moved = app
        .post("/api/v1/accounts/acc-00006/transfer", &clerk, with_meter)
        .await;
    assert_eq!(moved.status, 201, "{}", moved.text);
    let orders = moved.body["new_account"]["service_orders"]
        .as_array()
        .unwrap();
    let set = orders
        .iter()
        .find(|o| o["order_type"] == "meter_set")
        .unwrap_or_else(|| panic!("no meter set order: {orders:?}"));
    assert_eq!(set["new_meter_serial"], "TR-500001", "{set}");
    assert_eq!(moved.body["final_read_order"]["account_id"], "acc-00006");
}

async fn meter_change_out_bills_consumption_once(db: Db) {
    let app = spawn(db).await;
    let clerk = app.login("clerk").await;
    let lead = app.login("lead").await;
    // prm-00003's demo meter read 1074 on 2026-08-01, then 1080 (Sep 1) and 1087 (Oct 1).
    let p = app.get("/api/v1/premises/prm-00003", &clerk).await.body;
    let old_reads: Vec<i64> = p["meters"][0]["recent_reads"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["reading"].as_i64().unwrap())
        .collect();
    assert_eq!(old_reads.len(), 3, "{p}");
    let (first, last) = (old_reads[2], old_reads[0]);
    let new_meter = new_meter(&app, &lead, "BM-CHANGE-1").await;
    let o = app
        .post("/api/v1/service-orders", &clerk, json!({"order_type": "meter_change", "premise_id": "prm-00003", "new_meter_id": new_meter, "due_on": "2026-10-15"}))
        .await;
    assert_eq!(o.status, 201, "{}", o.text);
    let id = o.body["id"].as_str().unwrap().to_owned();
    let missing = app
        .post(
            &format!("/api/v1/service-orders/{id}/complete"),
            &lead,
            json!({"completed_on": "2026-10-15", "reading": last + 5}),
        )
        .await;
    assert_problem(&missing, 422, "validation_failed");
    let done = app
        .post(
            &format!("/api/v1/service-orders/{id}/complete"),
            &lead,
            json!({"completed_on": "2026-10-15", "reading": last + 5, "new_reading": 0}),
        )
        .await;
    assert_eq!(done.status, 200, "{}", done.text);
    // A later regular read on the new meter, through a reread order.
    let rr = app
        .post(
            "/api/v1/service-orders",
            &clerk,
            json!({"order_type": "reread", "premise_id": "prm-00003", "due_on": "2026-11-01"}),
        )
        .await;
    assert_eq!(rr.status, 201, "{}", rr.text);
    assert_eq!(rr.body["meter_serial"], "BM-CHANGE-1");
    let rid = rr.body["id"].as_str().unwrap().to_owned();
    app.post(
        &format!("/api/v1/service-orders/{rid}/complete"),
        &lead,
        json!({"completed_on": "2026-11-01", "reading": 9}),
    )
    .await;
    let use_ = app
        .get(
            "/api/v1/premises/prm-00003/consumption?from=2026-08-01&to=2026-11-01",
            &clerk,
        )
        .await;
    assert_eq!(use_.status, 200, "{}", use_.text);
    // Old meter: first..final (last + 5); new meter: 0..9. Nothing lost, nothing doubled.
    let expected = (last + 5 - first) + 9;
    assert_eq!(
        use_.body["total"],
        json!(expected.to_string()),
        "{}",
        use_.text
    );
    assert_eq!(use_.body["registers"].as_array().unwrap().len(), 2);
    let p = app.get("/api/v1/premises/prm-00003", &clerk).await.body;
    assert_eq!(p["meters"].as_array().unwrap().len(), 1);
    assert_eq!(p["meters"][0]["serial"], "BM-CHANGE-1");
    let old = app.get("/api/v1/meters/mtr-00003", &clerk).await.body;
    assert_eq!(old["status"], "removed");
    assert_eq!(old["removed_on"], "2026-10-15");
}

async fn seasonal_turn_off_keeps_the_account_open(db: Db) {
    let app = spawn(db).await;
    let clerk = app.login("clerk").await;
    let r = app
        .post("/api/v1/services/svc-00007-water/status", &clerk, json!({"status": "seasonal_off", "effective_on": "2026-11-01", "reason": "snowbird, away until April"}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["status"], "seasonal_off");
    let o = app
        .get("/api/v1/accounts/acc-00007/overview", &clerk)
        .await
        .body;
    assert_eq!(o["status"], "active");
    let water = o["services"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["service_type"] == "water")
        .unwrap()
        .clone();
    assert_eq!(water["status"], "seasonal_off");
    let again = app
        .post(
            "/api/v1/services/svc-00007-water/status",
            &clerk,
            json!({"status": "seasonal_off", "effective_on": "2026-11-02", "reason": "again"}),
        )
        .await;
    assert_problem(&again, 409, "service_status_not_allowed");
    let on = app
        .post(
            "/api/v1/services/svc-00007-water/status",
            &clerk,
            json!({"status": "active", "effective_on": "2027-04-01", "reason": "back home"}),
        )
        .await;
    assert_eq!(on.body["status"], "active");
}

async fn service_orders_warn_of_duplicates_and_field_users_see_their_own(db: Db) {
    let app = spawn(db).await;
    let clerk = app.login("clerk").await;
    let lead = app.login("lead").await;
    let body = json!({"order_type": "leak_check", "premise_id": "prm-00010", "due_on": "2026-12-03", "assigned_to": "usr-00005"});
    let first = app
        .post("/api/v1/service-orders", &clerk, body.clone())
        .await;
    assert_eq!(first.status, 201, "{}", first.text);
    let dup = app
        .post("/api/v1/service-orders", &clerk, body.clone())
        .await;
    assert_problem(&dup, 409, "duplicate_open_order");
    assert!(dup.body["detail"]
        .as_str()
        .unwrap()
        .contains(first.body["number"].as_str().unwrap()));
    let mut forced = body.clone();
    forced["allow_duplicate"] = json!(true);
    forced["assigned_to"] = Value::Null;
    let second = app.post("/api/v1/service-orders", &clerk, forced).await;
    assert_eq!(second.status, 201);
    // The field user sees the first (theirs) but not the unassigned second.
    let field = app.login("field").await;
    let mine = app
        .get(
            "/api/v1/service-orders?status=open&order_type=leak_check&premise_id=prm-00010",
            &field,
        )
        .await
        .body;
    let numbers: Vec<_> = mine
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["number"].clone())
        .collect();
    assert_eq!(numbers, vec![first.body["number"].clone()]);
    let other = app
        .get(
            &format!(
                "/api/v1/service-orders/{}",
                second.body["id"].as_str().unwrap()
            ),
            &field,
        )
        .await;
    assert_problem(&other, 404, "not_found");
    let not_theirs = app
        .post(
            &format!(
                "/api/v1/service-orders/{}/complete",
                second.body["id"].as_str().unwrap()
            ),
            &field,
            json!({"completed_on": "2026-12-03"}),
        )
        .await;
    assert_problem(&not_theirs, 404, "not_found");
    // Nor anywhere else orders are listed: the premise page and the account overview show a
    // field user their own orders only (an order carries access instructions and assignee).
    let ids_of = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|o| o["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let first_id = first.body["id"].as_str().unwrap().to_owned();
    let second_id = second.body["id"].as_str().unwrap().to_owned();
    let as_lead = app.get("/api/v1/premises/prm-00010", &lead).await;
    assert!(ids_of(&as_lead.body["open_orders"]).contains(&second_id));
    let as_field = app.get("/api/v1/premises/prm-00010", &field).await;
    assert_eq!(as_field.status, 200, "{}", as_field.text);
    let seen = ids_of(&as_field.body["open_orders"]);
    assert!(
        seen.contains(&first_id) && !seen.contains(&second_id),
        "{seen:?}"
    );
    let account = as_lead.body["accounts"][0]["id"]
        .as_str()
        .expect("the demo premise has an account")
        .to_owned();
    let overview = format!("/api/v1/accounts/{account}/overview");
    assert!(ids_of(&app.get(&overview, &lead).await.body["open_orders"]).contains(&second_id));
    let seen = ids_of(&app.get(&overview, &field).await.body["open_orders"]);
    assert!(
        seen.contains(&first_id) && !seen.contains(&second_id),
        "{seen:?}"
    );
    // The lead's board shows both; a clerk may not assign.
    let board = app
        .get(
            "/api/v1/service-orders?status=open&order_type=leak_check&premise_id=prm-00010",
            &lead,
        )
        .await
        .body;
    assert_eq!(board.as_array().unwrap().len(), 2);
    let refused = app
        .post(
            &format!(
                "/api/v1/service-orders/{}/assign",
                second.body["id"].as_str().unwrap()
            ),
            &clerk,
            json!({"assigned_to": "usr-00005"}),
        )
        .await;
    assert_problem(&refused, 403, "forbidden");
    let cancelled = app
        .post(
            &format!(
                "/api/v1/service-orders/{}/cancel",
                second.body["id"].as_str().unwrap()
            ),
            &clerk,
            json!({"reason": "entered twice"}),
        )
        .await;
    assert_eq!(cancelled.body["status"], "cancelled");
}

/// The assignee picker: who can take orders, field users first, with their workload.
async fn the_lead_sees_who_can_take_orders_and_their_workload(db: Db) {
    let app = spawn(db).await;
    let clerk = app.login("clerk").await;
    let lead = app.login("lead").await;
    let people = |v: &Value| -> Vec<(String, String, i64, i64)> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|p| {
                (
                    p["display_name"].as_str().unwrap().to_owned(),
                    p["role"].as_str().unwrap().to_owned(),
                    p["open_orders"].as_i64().unwrap(),
                    p["overdue_orders"].as_i64().unwrap(),
                )
            })
            .collect()
    };
    let before = app.get("/api/v1/assignees", &lead).await;
    assert_eq!(before.status, 200, "{}", before.text);
    let before = people(&before.body);
    let roles: Vec<&str> = before.iter().map(|p| p.1.as_str()).collect();
    assert_eq!(roles.first(), Some(&"field"), "{before:?}");
    assert!(
        roles.contains(&"lead") && roles.contains(&"admin"),
        "{roles:?}"
    );
    assert!(
        !roles
            .iter()
            .any(|r| ["clerk", "auditor", "customer", "finance_director"].contains(r)),
        "{roles:?}"
    );
    let frankie = |list: &[(String, String, i64, i64)]| {
        list.iter()
            .find(|p| p.0 == "Frankie Field")
            .map(|p| (p.2, p.3))
            .unwrap()
    };
    let (open0, overdue0) = frankie(&before);
    // The demo city gives the field user a week's work, one order of it overdue.
    assert_eq!((open0, overdue0), (4, 1), "{before:?}");
    for (premise, due) in [("prm-00011", "2020-01-02"), ("prm-00012", "2099-06-30")] {
        let r = app
            .post(
                "/api/v1/service-orders",
                &clerk,
                json!({"order_type": "locate", "premise_id": premise, "due_on": due, "assigned_to": "usr-00005"}),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.text);
    }
    let after = people(&app.get("/api/v1/assignees", &lead).await.body);
    assert_eq!(frankie(&after), (open0 + 2, overdue0 + 1));
    // Clerks create orders for the field too; field users and auditors do not pick.
    assert_eq!(app.get("/api/v1/assignees", &clerk).await.status, 200);
    for who in ["field", "auditor", "customer"] {
        let auth = app.login(who).await;
        assert_problem(&app.get("/api/v1/assignees", &auth).await, 403, "forbidden");
    }
}

/// The premise picker: by address words or parcel, vacant ones only on request.
async fn premises_are_found_by_address_or_parcel(db: Db) {
    let app = spawn(db).await;
    let clerk = app.login("clerk").await;
    let new = new_premise(&app, &clerk, "77 Transfer Ct NE").await;
    let find = |q: &str| format!("/api/v1/premises?{q}");
    let r = app.get(&find("q=transfer%20CT"), &clerk).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["total"], 1, "{}", r.text);
    let p = &r.body["items"][0];
    assert_eq!(p["id"], new.as_str());
    assert_eq!(p["service_address"], "77 Transfer Ct NE");
    assert_eq!(p["meters_installed"], 0);
    assert_eq!(p["current_account_number"], Value::Null);
    // By parcel, in any case; LIKE's wildcards are plain text.
    let by_parcel = app.get(&find("q=073w12ab099"), &clerk).await;
    assert!(by_parcel.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["id"] == new.as_str()));
    assert_eq!(
        app.get(&find("q=transfer%25"), &clerk).await.body["total"],
        0
    );
    assert_eq!(app.get(&find("q=tr_nsfer"), &clerk).await.body["total"], 0);
    // An occupied premise: listed with its account and meter, but not as vacant.
    let home = app.get("/api/v1/premises/prm-00001", &clerk).await.body;
    let address = home["service_address"].as_str().unwrap().to_owned();
    let q = address.replace(' ', "%20");
    let all = app.get(&find(&format!("q={q}")), &clerk).await.body;
    let it = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "prm-00001")
        .unwrap_or_else(|| panic!("{address}: {all}"))
        .clone();
    assert_eq!(it["meters_installed"], 1, "{it}");
    let acc = app.get("/api/v1/accounts/acc-00001", &clerk).await.body;
    assert_eq!(it["current_account_number"], acc["number"], "{it}");
    let vacant = app
        .get(&find(&format!("q={q}&vacant=true")), &clerk)
        .await
        .body;
    assert!(!vacant["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["id"] == "prm-00001"));
    // Every premise listed as vacant has no open account, and not every premise is vacant.
    let all_vacant = app
        .get(&find("vacant=true&per_page=200"), &clerk)
        .await
        .body;
    let n = all_vacant["total"].as_i64().unwrap();
    assert!(n >= 1, "{all_vacant}");
    assert!(all_vacant["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|p| p["current_account_number"].is_null()));
    let everyone = app.get(&find("per_page=1"), &clerk).await.body;
    assert!(everyone["total"].as_i64().unwrap() > n);
    // Refusals.
    let long = app
        .get(&find(&format!("q={}", "a".repeat(101))), &clerk)
        .await;
    assert_problem(&long, 422, "validation_failed");
    let customer = app.login("customer").await;
    assert_problem(&app.get(&find("q=ne"), &customer).await, 403, "forbidden");
}

async fn notes_contacts_complaints_vendors_and_sdcs(db: Db) {
    let app = spawn(db).await;
    let clerk = app.login("clerk").await;
    let lead = app.login("lead").await;
    let n = app
        .post(
            "/api/v1/accounts/acc-00009/notes",
            &clerk,
            json!({"body": "Dog in yard — call before visiting", "pinned": true}),
        )
        .await;
    assert_eq!(n.status, 201, "{}", n.text);
    let c = app
        .post("/api/v1/customers/cus-00009/contacts", &clerk, json!({"account_id": "acc-00009", "channel": "phone", "direction": "inbound", "subject": "High bill question", "body": "Explained the tiers"}))
        .await;
    assert_eq!(c.status, 201, "{}", c.text);
    let cmp = app
        .post("/api/v1/complaints", &clerk, json!({"customer_id": "cus-00009", "account_id": "acc-00009", "category": "high_bill", "description": "Bill doubled in August", "owner_id": "usr-00003"}))
        .await;
    assert_eq!(cmp.status, 201, "{}", cmp.text);
    assert!(cmp.body["number"].as_str().unwrap().starts_with("CMP-"));
    let cid = cmp.body["id"].as_str().unwrap().to_owned();
    let unresolved = app
        .call(
            Method::PATCH,
            &format!("/api/v1/complaints/{cid}"),
            &clerk,
            Some(json!({"status": "resolved"})),
        )
        .await;
    assert_problem(&unresolved, 422, "validation_failed");
    let resolved = app
        .call(Method::PATCH, &format!("/api/v1/complaints/{cid}"), &clerk, Some(json!({"status": "resolved", "resolution": "Leaking toilet found; customer repaired it"})))
        .await;
    assert_eq!(resolved.body["status"], "resolved");
    assert!(resolved.body["resolved_at"].is_string());
    let o = app
        .get("/api/v1/accounts/acc-00009/overview", &clerk)
        .await
        .body;
    assert_eq!(o["notes"][0]["author_name"], "Casey Clerk");
    assert_eq!(o["notes"][0]["pinned"], true);
    assert_eq!(o["contacts"][0]["subject"], "High bill question");
    assert_eq!(o["complaints"][0]["owner_name"], "Lee Lead");
    let v = app
        .post(
            "/api/v1/vendors",
            &lead,
            json!({"name": "Valley Print & Mail", "category": "printing", "phone": "503-555-0101"}),
        )
        .await;
    assert_eq!(v.status, 201, "{}", v.text);
    assert_problem(
        &app.post(
            "/api/v1/vendors",
            &clerk,
            json!({"name": "X", "category": "y"}),
        )
        .await,
        403,
        "forbidden",
    );
    let sdc = app
        .post("/api/v1/premises/prm-00009/sdc-charges", &lead, json!({"permit_number": "BP-2026-0117", "service_type": "water", "amount": "4812.50", "assessed_on": "2026-03-02"}))
        .await;
    assert_eq!(sdc.status, 201, "{}", sdc.text);
    assert_eq!(sdc.body[0]["amount"], "4812.50");
    let p = app.get("/api/v1/premises/prm-00009", &clerk).await.body;
    assert_eq!(p["sdc_charges"][0]["permit_number"], "BP-2026-0117");
    assert_eq!(p["accounts"][0]["id"], "acc-00009");
    let customer = app.get("/api/v1/customers/cus-00009", &clerk).await.body;
    assert_eq!(customer["accounts"][0]["id"], "acc-00009");
}

async fn customers_cannot_reach_staff_records(db: Db) {
    let app = spawn(db).await;
    let me = app.login("customer").await;
    assert_problem(
        &app.get("/api/v1/premises/prm-00002", &me).await,
        403,
        "forbidden",
    );
    assert_problem(
        &app.get("/api/v1/customers/cus-00002", &me).await,
        403,
        "forbidden",
    );
    assert_problem(
        &app.get("/api/v1/accounts/acc-00001/overview", &me).await,
        403,
        "forbidden",
    );
    assert_problem(
        &app.get("/api/v1/accounts/acc-00002", &me).await,
        404,
        "not_found",
    );
}

crate::on_both_databases!(
    new_service_from_move_in_to_active_account,
    bad_input_changes_nothing,
    move_out_marks_the_account_final_and_queues_the_closing_bill,
    transfer_moves_the_customer_in_one_step,
    meter_change_out_bills_consumption_once,
    seasonal_turn_off_keeps_the_account_open,
    service_orders_warn_of_duplicates_and_field_users_see_their_own,
    the_lead_sees_who_can_take_orders_and_their_workload,
    premises_are_found_by_address_or_parcel,
    notes_contacts_complaints_vendors_and_sdcs,
    customers_cannot_reach_staff_records,
);
