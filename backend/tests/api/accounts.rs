use serde_json::Value;

use crate::helpers::{assert_problem, spawn, Auth, Db};

async fn dashboard_shows_the_demo_city(db: Db) {
    let app = spawn(db).await;
    let clerk = app.login("clerk").await;
    let d = app.get("/api/v1/dashboard", &clerk).await;
    assert_eq!(d.status, 200, "{}", d.text);
    assert_eq!(d.body["customers"], 264);
    assert_eq!(d.body["premises"], 240);
    let cycles = d.body["cycles"].as_array().unwrap();
    let counts: Vec<_> = cycles
        .iter()
        .map(|c| (c["code"].clone(), c["account_count"].clone()))
        .collect();
    assert_eq!(
        counts,
        vec![
            ("C1".into(), 88.into()),
            ("C2".into(), 88.into()),
            ("C3".into(), 88.into())
        ]
    );
    let by_status: i64 = d.body["accounts_by_status"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["count"].as_i64().unwrap())
        .sum();
    assert_eq!(by_status, 264);
    let closed = d.body["accounts_by_status"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["status"] == "closed")
        .unwrap();
    assert_eq!(closed["count"], 24);
    // Deposits on active tenant accounts, exact to the cent: 74 active tenants x $200.
    assert_eq!(d.body["deposits_required"], "14800.00");
}

async fn search_finds_by_number_name_and_address_and_pages(db: Db) {
    let app = spawn(db).await;
    let clerk = app.login("clerk").await;
    let by_name = app.get("/api/v1/accounts?q=garcia", &clerk).await;
    assert_eq!(by_name.status, 200);
    assert!(by_name.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["customer_name"] == "Maria Garcia"));
    assert!(by_name.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|a| a["customer_name"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("garcia")));
    let by_number = app.get("/api/v1/accounts?q=101-0001-01", &clerk).await;
    assert_eq!(by_number.body["total"], 1, "{}", by_number.text);
    assert_eq!(by_number.body["items"][0]["id"], "acc-00001");
    let by_street = app
        .get("/api/v1/accounts?q=CHEMAWA&per_page=5&page=2", &clerk)
        .await;
    assert_eq!(by_street.body["per_page"], 5);
    assert_eq!(by_street.body["page"], 2);
    assert_eq!(by_street.body["items"].as_array().unwrap().len(), 5);
    assert!(by_street.body["total"].as_i64().unwrap() > 10);
    // Wildcards are literal text.
    let pct = app.get("/api/v1/accounts?q=%25", &clerk).await;
    assert_eq!(pct.body["total"], 0);
    let closed = app
        .get("/api/v1/accounts?status=closed&per_page=200", &clerk)
        .await;
    assert_eq!(closed.body["total"], 24);
    assert!(closed.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|a| a["status"] == "closed"));
}

async fn an_account_at_a_glance(db: Db) {
    let app = spawn(db).await;
    let clerk = app.login("clerk").await;
    let a = app.get("/api/v1/accounts/acc-00002", &clerk).await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert_eq!(a.body["occupant"], "tenant");
    assert_eq!(a.body["deposit_required"], "200.00");
    assert_eq!(a.body["cycle"]["code"], "C2");
    assert_eq!(a.body["premise"]["id"], "prm-00002");
    let missing = app.get("/api/v1/accounts/nope", &clerk).await;
    assert_problem(&missing, 404, "not_found");
}

/// The same requests give byte-identical answers on SQLite and PostgreSQL.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_databases_answer_identically() {
    let lite = spawn(Db::Sqlite).await;
    let pg = spawn(Db::Postgres).await;
    let paths = [
        "/api/v1/dashboard",
        "/api/v1/cycles",
        "/api/v1/accounts?per_page=200",
        "/api/v1/accounts?per_page=200&page=2",
        "/api/v1/accounts?q=ne&status=active&per_page=37&page=3",
        "/api/v1/accounts/acc-00010",
        "/api/v1/accounts/acc-00250",
    ];
    let (a, b) = (lite.login("auditor").await, pg.login("auditor").await);
    for p in paths {
        let x: Value = lite.get(p, &a).await.body;
        let y: Value = pg.get(p, &b).await.body;
        assert_ne!(x, Value::Null, "{p}");
        assert_eq!(x, y, "{p} differs between SQLite and PostgreSQL");
    }
    let _ = Auth::None;
}

crate::on_both_databases!(
    dashboard_shows_the_demo_city,
    search_finds_by_number_name_and_address_and_pages,
    an_account_at_a_glance,
);
