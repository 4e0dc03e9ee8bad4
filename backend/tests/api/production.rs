//! A production install: no demo city. An empty database gets its first administrator (as
//! `cistern create-user` makes one), its billing cycles through the API, and then the
//! documented sample city (docs/import-samples) through the conversion import.

use cistern_backend::db::schema::{accounts, customers, cycles, premises, users};
use diesel::prelude::*;
use serde_json::{json, Value};

use crate::helpers::{assert_problem, fresh_db, spawn_on, Auth, Db, TestApp};

const IMPORT: &str = "/api/v1/imports/conversion";

/// A fresh database with nothing in it but the migrations: no demo data at all.
async fn spawn_empty(db: Db) -> TestApp {
    spawn_empty_with(db, |_| {}).await
}

async fn spawn_empty_with(
    db: Db,
    tweak: impl FnOnce(&mut cistern_backend::config::Config),
) -> TestApp {
    let test_db = fresh_db(db);
    let app = spawn_on(&test_db.url, tweak).await;
    TestApp { db: test_db, ..app }
}

/// The first administrator, made the way `cistern create-user` makes one.
async fn first_admin(app: &TestApp) -> Auth {
    let pool = app.pool.clone();
    tokio::task::spawn_blocking(move || {
        let req = cistern_shared::dto::CreateUserRequest {
            username: "ops".into(),
            display_name: "Operations".into(),
            role: cistern_shared::Role::Admin,
            password: Some("a-long-ops-password".into()),
            locale: Default::default(),
            customer_id: None,
        };
        let hasher = cistern_backend::auth::PasswordPolicy::new(64, 1).expect("argon2 params");
        let hash =
            cistern_backend::domain::users::new_user_password_hash(&hasher, &req).expect("hash");
        pool.write(|tx| {
            cistern_backend::domain::users::create(
                tx,
                &cistern_backend::domain::audit::Actor::system("cli"),
                &req,
                hash,
            )
        })
        .expect("create the first admin")
    })
    .await
    .expect("join");
    let r = app.login_reply("ops", "a-long-ops-password").await;
    assert_eq!(r.status, 200, "{}", r.text);
    Auth::Bearer(r.body["access_token"].as_str().expect("token").to_owned())
}

fn samples_body() -> Value {
    json!({ "files": crate::imports::samples() })
}

async fn the_sample_city_converts_into_an_empty_database(db: Db) {
    let app = spawn_empty(db).await;
    let empty = app
        .run(|c| {
            (
                users::table.count().get_result::<i64>(c).unwrap(),
                cycles::table.count().get_result::<i64>(c).unwrap(),
                accounts::table.count().get_result::<i64>(c).unwrap(),
            )
        })
        .await;
    assert_eq!(empty, (0, 0, 0), "not an empty database");
    let admin = first_admin(&app).await;

    // Without its billing cycles the city cannot come over: the premises name them.
    let r = app
        .post(&format!("{IMPORT}?dry_run=true"), &admin, samples_body())
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["outcome"], "invalid", "{}", r.text);
    assert!(
        r.text.contains("cycle_code") && r.text.contains("unknown_reference"),
        "{}",
        r.text
    );

    // The cycles the samples use, made through the API.
    for (code, name, months) in [("C1", "Cycle 1 — west", 1), ("C2", "Cycle 2 — east", 2)] {
        let r = app
            .post(
                "/api/v1/cycles",
                &admin,
                json!({"code": code, "name": name, "months_per_bill": months}),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.text);
        assert_eq!(r.body["code"], code);
        assert_eq!(r.body["account_count"], 0);
    }
    // A code is unique; the rules of the form hold.
    let dup = app
        .post(
            "/api/v1/cycles",
            &admin,
            json!({"code": "C1", "name": "Again", "months_per_bill": 1}),
        )
        .await;
    assert_problem(&dup, 409, "cycle_code_taken");
    // Renaming one onto another's code is the same refusal; an unknown cycle is a 404.
    let list = app.get("/api/v1/cycles", &admin).await;
    let c2 = list.body[1]["id"].as_str().unwrap().to_owned();
    assert_eq!(list.body[1]["code"], "C2");
    let clash = app
        .call(
            reqwest::Method::PUT,
            &format!("/api/v1/cycles/{c2}"),
            &admin,
            Some(json!({"code": "C1", "name": "Clash", "months_per_bill": 2})),
        )
        .await;
    assert_problem(&clash, 409, "cycle_code_taken");
    let missing = app
        .call(
            reqwest::Method::PUT,
            "/api/v1/cycles/no-such-cycle",
            &admin,
            Some(json!({"code": "C7", "name": "Nowhere", "months_per_bill": 1})),
        )
        .await;
    assert_problem(&missing, 404, "not_found");
    let bad = app
        .post(
            "/api/v1/cycles",
            &admin,
            json!({"code": "c 1", "name": "", "months_per_bill": 13}),
        )
        .await;
    assert_problem(&bad, 422, "validation_failed");
    let fields: Vec<(String, String)> = bad.body["fields"]
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
    for want in [
        ("code", "invalid"),
        ("name", "required"),
        ("months_per_bill", "range"),
    ] {
        assert!(
            fields.contains(&(want.0.to_owned(), want.1.to_owned())),
            "{want:?} not in {fields:?}"
        );
    }

    // The real import.
    let r = app
        .post(&format!("{IMPORT}?dry_run=false"), &admin, samples_body())
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["outcome"], "imported", "{}", r.text);
    let counts = app
        .run(|c| {
            (
                customers::table.count().get_result::<i64>(c).unwrap(),
                premises::table.count().get_result::<i64>(c).unwrap(),
                accounts::table.count().get_result::<i64>(c).unwrap(),
            )
        })
        .await;
    assert_eq!(counts, (11, 10, 11));

    // As a user sees it: the account, and the cycles with their accounts.
    let a = app.get("/api/v1/accounts/acc-LA-1003", &admin).await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert_eq!(a.body["customer"]["name"], "Riverbend Feed & Seed LLC");
    assert_eq!(a.body["cycle"]["code"], "C1");
    let found = app.get("/api/v1/accounts?q=RB-0002-02", &admin).await;
    assert_eq!(found.status, 200, "{}", found.text);
    assert_eq!(found.body["total"], 1, "{}", found.text);
    let list = app.get("/api/v1/cycles", &admin).await;
    assert_eq!(list.status, 200, "{}", list.text);
    let total: i64 = list
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["account_count"].as_i64().unwrap())
        .sum();
    assert_eq!(total, 11, "{}", list.text);
}

/// The refresh cookie of a sign-in: its attributes.
fn refresh_cookie_of(r: &crate::helpers::Reply) -> String {
    r.headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("cistern_refresh="))
        .unwrap_or_else(|| panic!("no refresh cookie: {:?}", r.headers))
        .to_owned()
}

async fn production_cookies_are_secure_and_hsts_is_sent_behind_tls(db: Db) {
    use cistern_backend::config::Mode;
    // Development, not behind TLS: a plain-HTTP cookie, no HSTS.
    let dev = spawn_empty(db).await;
    first_admin(&dev).await;
    let r = dev.login_reply("ops", "a-long-ops-password").await;
    assert_eq!(r.status, 200, "{}", r.text);
    let cookie = refresh_cookie_of(&r);
    assert!(!cookie.contains("Secure"), "{cookie}");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(r.headers.get("strict-transport-security").is_none());

    // Production behind TLS: `Secure` without being asked, and HSTS on every answer.
    let prod = spawn_empty_with(db, |c| {
        c.mode = Mode::Production;
        c.behind_tls = true;
    })
    .await;
    first_admin(&prod).await;
    let r = prod.login_reply("ops", "a-long-ops-password").await;
    assert_eq!(r.status, 200, "{}", r.text);
    let cookie = refresh_cookie_of(&r);
    assert!(cookie.contains("; Secure"), "{cookie}");
    assert!(cookie.contains("SameSite=Strict"), "{cookie}");
    for path in ["/api/health", "/api/v1/nothing-here"] {
        let r = prod.get(path, &Auth::None).await;
        assert_eq!(
            r.headers
                .get("strict-transport-security")
                .and_then(|v| v.to_str().ok()),
            Some("max-age=31536000; includeSubDomains"),
            "{path}"
        );
    }
}

async fn production_refuses_a_database_with_demo_sign_ins(db: Db) {
    use cistern_backend::config::{Config, Mode};
    let seeded = crate::helpers::spawn(db).await;
    let url = seeded.db.url.clone();
    let mut config = Config::for_tests(&url);
    config.mode = Mode::Production;
    config.run_jobs = false;
    let err = match cistern_backend::startup::Application::build(config.clone()).await {
        Ok(_) => panic!("production served a database with the demo sign-ins"),
        Err(e) => e.to_string(),
    };
    assert!(err.contains("user admin"), "{err}");
    assert!(err.contains("the demo API key"), "{err}");
    assert!(err.contains("cistern remove-demo-access"), "{err}");

    let pool = seeded.pool.clone();
    let removed = tokio::task::spawn_blocking(move || {
        pool.write(|tx| {
            cistern_backend::seed::remove_demo_access(
                tx,
                &cistern_backend::domain::audit::Actor::system("cli"),
            )
        })
    })
    .await
    .unwrap()
    .unwrap();
    assert_eq!(removed.len(), 9, "{removed:?}");
    // The demo secrets no longer open anything, even on the development server.
    let r = seeded.login_reply("admin", "admin-demo-pass").await;
    assert_eq!(r.status, 401, "{}", r.text);
    let r = seeded
        .get(
            "/api/v1/cycles",
            &Auth::ApiKey(crate::helpers::DEMO_API_KEY.into()),
        )
        .await;
    assert_eq!(r.status, 401, "{}", r.text);
    // ... and production serves.
    let app = cistern_backend::startup::Application::build(config)
        .await
        .expect("production starts once the demo sign-ins are gone");
    drop(app);
}

crate::on_both_databases!(
    the_sample_city_converts_into_an_empty_database,
    production_cookies_are_secure_and_hsts_is_sent_behind_tls,
    production_refuses_a_database_with_demo_sign_ins,
);
