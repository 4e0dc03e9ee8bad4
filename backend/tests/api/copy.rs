//! `cistern copy-database` (the library function behind it): the demo city on SQLite copied
//! into an empty PostgreSQL database answers every GET the same, keeps working (new rows get
//! new numbers), and copies back to SQLite the same again. A non-empty target is refused.

use cistern_backend::db::copy::{copy_database, CopyError, TABLES};
use cistern_backend::db::DbTarget;
use serde_json::{json, Value};

use crate::helpers::{fresh_db, spawn, spawn_on, Auth, Db, TestApp};

/// What a user sees: the same GETs on each database.
const PAGES: &[&str] = &[
    "/api/v1/dashboard",
    "/api/v1/cycles",
    "/api/v1/accounts?q=Garcia",
    "/api/v1/accounts/acc-00031",
    "/api/v1/accounts/acc-00031/overview",
    "/api/v1/premises?page=2",
    "/api/v1/meters",
    "/api/v1/service-orders",
    "/api/v1/complaints",
    "/api/v1/vendors",
    "/api/v1/rate-books",
    "/api/v1/users",
    "/api/v1/audit?per_page=100",
];

async fn answers(app: &TestApp) -> Vec<(String, u16, Value)> {
    // The demo admin's password hash came along with the users.
    let admin = app.login("admin").await;
    let mut out = Vec::new();
    for page in PAGES {
        let r = app.get(page, &admin).await;
        out.push(((*page).to_owned(), r.status.as_u16(), r.body));
    }
    out
}

/// The audit page also holds the sign-ins each comparison made: drop those rows.
fn without_sign_ins(mut v: Vec<(String, u16, Value)>) -> Vec<(String, u16, Value)> {
    for (page, _, body) in &mut v {
        if page.starts_with("/api/v1/audit") {
            if let Some(items) = body["items"].as_array_mut() {
                items.retain(|e| !e["action"].as_str().unwrap_or("").starts_with("auth."));
            }
            body["total"] = Value::Null;
        }
    }
    v
}

fn target(url: &str) -> DbTarget {
    DbTarget::parse(url).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_city_copies_from_sqlite_to_postgres_and_back() {
    let original = spawn(Db::Sqlite).await;
    let pg = fresh_db(Db::Postgres);
    let (from, to) = (original.db.url.clone(), pg.url.clone());
    let copied = tokio::task::spawn_blocking(move || copy_database(&target(&from), &target(&to)))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(copied.len(), TABLES.len());
    for t in &copied {
        assert_eq!(t.source, t.target, "{}", t.table);
    }
    let count = |name: &str| copied.iter().find(|t| t.table == name).unwrap().target;
    assert_eq!(count("accounts"), 264);
    assert!(count("audit_log") > 0 && count("meter_reads") > 0 && count("users") == 8);

    let before = without_sign_ins(answers(&original).await);
    let on_pg = spawn_on(&pg.url, |_| {}).await;
    let after = without_sign_ins(answers(&on_pg).await);
    for (a, b) in before.iter().zip(&after) {
        assert_eq!(a, b, "{} differs after the copy", a.0);
    }

    // The copy is a working database: new rows (and new audit entries) get new numbers.
    let lead = on_pg.login("lead").await;
    let r = on_pg
        .post(
            "/api/v1/vendors",
            &lead,
            json!({"name": "After the copy", "category": "printing"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let r = on_pg
        .post(
            "/api/v1/cycles",
            &lead,
            json!({"code": "C9", "name": "After the copy", "months_per_bill": 1}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);

    // A target with data is refused, and left as it was.
    let (from, to) = (original.db.url.clone(), pg.url.clone());
    let again = tokio::task::spawn_blocking(move || copy_database(&target(&from), &target(&to)))
        .await
        .unwrap();
    assert!(
        matches!(again, Err(CopyError::TargetNotEmpty(_))),
        "{again:?}"
    );

    // And back: PostgreSQL into a new SQLite file.
    let back = fresh_db(Db::Sqlite);
    let (from, to) = (pg.url.clone(), back.url.clone());
    let copied = tokio::task::spawn_blocking(move || copy_database(&target(&from), &target(&to)))
        .await
        .unwrap()
        .unwrap();
    assert!(copied.iter().all(|t| t.source == t.target));
    let on_sqlite = spawn_on(&back.url, |_| {}).await;
    let pg_now = without_sign_ins(answers(&on_pg).await);
    let sqlite_now = without_sign_ins(answers(&on_sqlite).await);
    for (a, b) in pg_now.iter().zip(&sqlite_now) {
        assert_eq!(a, b, "{} differs after copying back", a.0);
    }
    let vendors = on_sqlite.get("/api/v1/vendors", &Auth::None).await;
    assert_eq!(vendors.status, 401);
}
