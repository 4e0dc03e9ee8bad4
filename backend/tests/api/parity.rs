//! SQLite and PostgreSQL answer the same after the same day's work: one scripted sequence of
//! writes (a move-in, the conversion import of the documented samples, a rate quote, service
//! orders created, assigned and completed, a customer and a premise changed) is replayed on
//! both backends, and every answer along the way and a set of reads afterwards compare equal
//! once what must differ is replaced: ids and request ids (UUIDs) by placeholders numbered in
//! order of first appearance, and timestamps by one placeholder. The reads are a set chosen
//! for the script (the new account, customer and premise, the imported ones, search, the
//! order board, the audit trail...) and then every GET operation of the spec.

use std::collections::HashMap;

use serde_json::{json, Value};

use crate::helpers::{spawn, Auth, Db, TestApp};
use crate::operations::{acting_role, is_write, prepare, spec_operations};

/// Replaces UUIDs by `<id-N>` (N in order of first appearance) and timestamps by `<time>`.
#[derive(Default)]
struct Normaliser {
    ids: HashMap<String, usize>,
}

fn is_uuid_at(s: &[u8], i: usize) -> bool {
    s.len() >= i + 36
        && s[i..i + 36].iter().enumerate().all(|(k, b)| match k {
            8 | 13 | 18 | 23 => *b == b'-',
            _ => b.is_ascii_hexdigit() && !b.is_ascii_uppercase(),
        })
}

fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 19
        && b[..19].iter().enumerate().all(|(k, c)| match k {
            4 | 7 => *c == b'-',
            10 => *c == b'T' || *c == b' ',
            13 | 16 => *c == b':',
            _ => c.is_ascii_digit(),
        })
}

impl Normaliser {
    fn text(&mut self, s: &str) -> String {
        if is_timestamp(s) {
            return "<time>".into();
        }
        let b = s.as_bytes();
        let mut out = String::new();
        let mut i = 0;
        while i < b.len() {
            if is_uuid_at(b, i) {
                let id = &s[i..i + 36];
                let next = self.ids.len() + 1;
                let n = *self.ids.entry(id.to_owned()).or_insert(next);
                out.push_str(&format!("<id-{n}>"));
                i += 36;
            } else {
                let ch = s[i..].chars().next().expect("char");
                out.push(ch);
                i += ch.len_utf8();
            }
        }
        out
    }

    fn value(&mut self, v: &Value) -> Value {
        match v {
            Value::String(s) => Value::String(self.text(s)),
            Value::Array(a) => Value::Array(a.iter().map(|x| self.value(x)).collect()),
            Value::Object(o) => Value::Object(
                o.iter()
                    .map(|(k, x)| (self.text(k), self.value(x)))
                    .collect(),
            ),
            other => other.clone(),
        }
    }
}

struct Transcript<'a> {
    app: &'a TestApp,
    entries: Vec<(String, u16, Value)>,
}

impl Transcript<'_> {
    async fn get(&mut self, path: &str, auth: &Auth) -> Value {
        let r = self.app.get(path, auth).await;
        assert!(r.status.is_success(), "GET {path}: {}", r.text);
        self.entries
            .push((format!("GET {path}"), r.status.as_u16(), r.body.clone()));
        r.body
    }

    async fn post(&mut self, path: &str, auth: &Auth, body: Value) -> Value {
        let r = self.app.post(path, auth, body).await;
        assert!(r.status.is_success(), "POST {path}: {}", r.text);
        self.entries
            .push((format!("POST {path}"), r.status.as_u16(), r.body.clone()));
        r.body
    }

    async fn put(&mut self, path: &str, auth: &Auth, body: Value) -> Value {
        let r = self
            .app
            .call(reqwest::Method::PUT, path, auth, Some(body))
            .await;
        assert!(r.status.is_success(), "PUT {path}: {}", r.text);
        self.entries
            .push((format!("PUT {path}"), r.status.as_u16(), r.body.clone()));
        r.body
    }
}

fn s(v: &Value, pointer: &str) -> String {
    v.pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("no {pointer} in {v}"))
        .to_owned()
}

/// The day's work, then the reads; answers what was seen, in order.
async fn a_day_of_work(app: &TestApp) -> Vec<(String, u16, Value)> {
    let admin = app.login("admin").await;
    let clerk = app.login("clerk").await;
    let lead = app.login("lead").await;
    let field = app.login("field").await;
    let auditor = app.login("auditor").await;
    let mut t = Transcript {
        app,
        entries: Vec::new(),
    };

    // A new premise, a meter from stock, and a new customer moving in.
    let premise = t
        .post(
            "/api/v1/premises",
            &clerk,
            json!({"service_address": "4455 Parity Ln NE, Keizer OR 97303", "parcel": "073W12AB77700",
                   "cycle_code": "C2", "route": "03", "read_sequence": 9995}),
        )
        .await;
    let premise_id = s(&premise, "/id");
    let moved = t
        .post(
            "/api/v1/move-ins",
            &clerk,
            json!({"new_customer": {"name": "Paz Paritaria", "mailing_address": "4455 Parity Ln NE, Keizer OR 97303",
                                     "phone": "503-555-4455", "email": "paz@example.org", "preferred_locale": "es"},
                   "premise_id": premise_id, "occupant": "tenant", "start_on": "2026-11-20",
                   "meter_id": "mtr-00241", "paperless": true}),
        )
        .await;
    let account_id = s(&moved, "/account/id");
    let customer_id = s(&moved, "/account/customer/id");
    let set_order = s(&moved, "/service_orders/0/id");

    // The conversion import of the documented sample city.
    let files = crate::imports::samples();
    t.post(
        "/api/v1/imports/conversion?dry_run=false",
        &admin,
        json!({ "files": files }),
    )
    .await;

    // A bill quote with the demo city's rates.
    t.post(
        "/api/v1/rate-quotes",
        &clerk,
        json!({"input": {
            "service_period": { "start": "2017-08-15", "end": "2017-10-14" },
            "bill_date": "2017-10-20", "billing_frequency": "bimonthly", "class": "single_family",
            "consumption": { "amount": "14", "unit": "ccf" },
            "winter_average": { "amount": "5", "unit": "ccf" }}}),
    )
    .await;

    // The meter set: assigned to the field user, completed with the first reading.
    t.post(
        &format!("/api/v1/service-orders/{set_order}/assign"),
        &lead,
        json!({"assigned_to": "usr-00005", "priority": "high"}),
    )
    .await;
    t.post(
        &format!("/api/v1/service-orders/{set_order}/complete"),
        &field,
        json!({"completed_on": "2026-11-20", "reading": 3, "notes": "set in box"}),
    )
    .await;
    // A reread at a demo premise, created and completed.
    let reread = t
        .post(
            "/api/v1/service-orders",
            &clerk,
            json!({"order_type": "reread", "premise_id": "prm-00003", "due_on": "2026-11-21",
                   "assigned_to": "usr-00005"}),
        )
        .await;
    let reread_id = s(&reread, "/id");
    t.post(
        &format!("/api/v1/service-orders/{reread_id}/complete"),
        &field,
        json!({"completed_on": "2026-11-21", "reading": 1400}),
    )
    .await;
    // The customer's phone and the premise's route change; a note on the account.
    t.put(
        &format!("/api/v1/customers/{customer_id}"),
        &clerk,
        json!({"name": "Paz Paritaria", "mailing_address": "PO Box 44, Keizer OR 97303",
               "phone": "503-555-0044", "preferred_locale": "es", "notify_text": true}),
    )
    .await;
    t.put(
        &format!("/api/v1/premises/{premise_id}"),
        &clerk,
        json!({"service_address": "4455 Parity Ln NE, Keizer OR 97303", "parcel": "073W12AB77700",
               "cycle_code": "C2", "route": "04", "read_sequence": 9996, "notes": "side gate"}),
    )
    .await;
    t.post(
        &format!("/api/v1/accounts/{account_id}/notes"),
        &clerk,
        json!({"body": "Prefers Spanish; text before visiting", "pinned": true}),
    )
    .await;

    // What everyone reads afterwards.
    let imported = t.get("/api/v1/accounts?q=morales", &auditor).await;
    let imported_account = s(&imported, "/items/0/id");
    for path in [
        format!("/api/v1/accounts/{account_id}/overview"),
        format!("/api/v1/accounts/{account_id}"),
        format!("/api/v1/customers/{customer_id}"),
        format!("/api/v1/premises/{premise_id}"),
        format!("/api/v1/accounts/{imported_account}/overview"),
        format!("/api/v1/premises/{premise_id}/consumption?from=2026-11-01&to=2026-12-31"),
        "/api/v1/premises/prm-00003/consumption?from=2026-08-01&to=2026-12-31".into(),
        "/api/v1/accounts?q=paritaria".into(),
        "/api/v1/accounts?q=parity".into(),
        "/api/v1/accounts?q=alder&per_page=50".into(),
        "/api/v1/premises?q=alder".into(),
        "/api/v1/premises?vacant=true&per_page=200".into(),
        "/api/v1/service-orders".into(),
        "/api/v1/service-orders?status=completed".into(),
        "/api/v1/meters?status=in_stock".into(),
        "/api/v1/meters?q=RB70001".into(),
        "/api/v1/complaints".into(),
        "/api/v1/dashboard".into(),
        "/api/v1/assignees".into(),
        "/api/v1/audit?per_page=200".into(),
    ] {
        let who = if path.starts_with("/api/v1/assignees") {
            &lead
        } else {
            &auditor
        };
        t.get(&path, who).await;
    }
    // ... and every GET operation of the spec, with the request operations.rs makes for it.
    let spec = app.get("/api/openapi.json", &Auth::None).await.body;
    let creds = app.all_roles().await;
    for (op, roles) in spec_operations(&spec) {
        if is_write(&op) {
            continue;
        }
        let role = acting_role(&roles);
        let req = prepare(app, &creds, &op, role).await;
        let auth = creds.get(role).cloned().unwrap_or(Auth::None);
        let r = req.send(app, &auth).await;
        assert!(r.status.is_success(), "{op}: {}", r.text);
        let mut body = r.body;
        if op == "GET /api/ready" {
            // The one answer that names its backend.
            body.as_object_mut().expect("ready").remove("database");
        }
        t.entries.push((op, r.status.as_u16(), body));
    }
    t.entries
}

/// Where two JSON values first differ, as a JSON pointer with both sides.
fn first_difference(x: &Value, y: &Value, at: &str) -> Option<String> {
    match (x, y) {
        (Value::Object(a), Value::Object(b)) => {
            let keys: std::collections::BTreeSet<_> = a.keys().chain(b.keys()).collect();
            keys.into_iter().find_map(|k| {
                let (va, vb) = (
                    a.get(k).unwrap_or(&Value::Null),
                    b.get(k).unwrap_or(&Value::Null),
                );
                first_difference(va, vb, &format!("{at}/{k}"))
            })
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => a
            .iter()
            .zip(b)
            .enumerate()
            .find_map(|(i, (va, vb))| first_difference(va, vb, &format!("{at}/{i}"))),
        _ if x == y => None,
        _ => Some(format!("at {at}: SQLite {x} / PostgreSQL {y}")),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_day_of_work_reads_the_same_on_both_databases() {
    let lite = spawn(Db::Sqlite).await;
    let pg = spawn(Db::Postgres).await;
    let a = a_day_of_work(&lite).await;
    let b = a_day_of_work(&pg).await;
    assert_eq!(a.len(), b.len());
    let (mut na, mut nb) = (Normaliser::default(), Normaliser::default());
    let mut differ = Vec::new();
    for ((label, sa, x), (_, sb, y)) in a.iter().zip(&b) {
        let (x, y) = (na.value(x), nb.value(y));
        if sa != sb || x != y {
            differ.push(format!(
                "{label} differs between SQLite and PostgreSQL {}:\nSQLite ({sa}):     {}\nPostgreSQL ({sb}): {}",
                first_difference(&x, &y, "").unwrap_or_default(),
                serde_json::to_string(&x).unwrap(),
                serde_json::to_string(&y).unwrap()
            ));
        }
    }
    assert!(differ.is_empty(), "{}", differ.join("\n\n"));
    // Placeholders stand for the same number of distinct ids on both.
    assert_eq!(na.ids.len(), nb.ids.len());
    assert!(na.ids.len() > 20, "the script made ids: {}", na.ids.len());
}

#[test]
fn the_normaliser_numbers_ids_by_first_appearance_and_hides_times() {
    let mut n = Normaliser::default();
    let v = json!({
        "id": "0190f5c2-1a2b-7c3d-8e4f-a1b2c3d4e5f6",
        "at": "2026-12-01T22:12:27.123456Z",
        "on": "2026-12-01",
        "list": ["x 0190f5c2-1a2b-7c3d-8e4f-000000000000 y", "0190f5c2-1a2b-7c3d-8e4f-a1b2c3d4e5f6"],
        "n": 3
    });
    assert_eq!(
        n.value(&v),
        json!({"id": "<id-1>", "at": "<time>", "on": "2026-12-01",
               "list": ["x <id-2> y", "<id-1>"], "n": 3})
    );
}
