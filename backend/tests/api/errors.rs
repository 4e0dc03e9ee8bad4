//! Bad input gets a clear 4xx problem document with a stable code, never a 500, and
//! changes nothing.

use reqwest::Method;
use serde_json::json;

use crate::helpers::{assert_problem, spawn, spawn_with, Auth, Db};

async fn malformed_and_mistyped_bodies(db: Db) {
    let app = spawn(db).await;
    let admin = app.login("admin").await;
    let Auth::Bearer(token) = &admin else {
        unreachable!()
    };
    let raw = |body: &'static str, ct: &'static str| {
        app.client
            .post(app.url("/api/v1/users"))
            .bearer_auth(token)
            .header("content-type", ct)
            .body(body)
    };
    let res = raw("{not json", "application/json").send().await.unwrap();
    let status = res.status().as_u16();
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("malformed_json"))
    );
    let res = raw("{}", "text/plain").send().await.unwrap();
    assert_eq!(res.status(), 415);
    let wrong_type = app
        .post(
            "/api/v1/users",
            &admin,
            json!({"username": 5, "display_name": "x", "role": "clerk"}),
        )
        .await;
    assert_problem(&wrong_type, 400, "malformed_json");
    let bad_role = app
        .post(
            "/api/v1/users",
            &admin,
            json!({"username": "xy", "display_name": "x", "role": "emperor"}),
        )
        .await;
    assert_problem(&bad_role, 400, "malformed_json");
    assert!(bad_role.body["detail"]
        .as_str()
        .unwrap()
        .contains("unknown variant"));
    // Nothing was written by any of these.
    let users = app.get("/api/v1/users", &admin).await;
    assert_eq!(users.body["total"], 8);
}

async fn oversized_bodies_are_refused_with_413(db: Db) {
    let app = spawn_with(db, |c| c.max_body_bytes = 1024).await;
    let admin = app.login("admin").await;
    let big = "x".repeat(4096);
    let r = app
        .post("/api/v1/users", &admin, json!({"username": "big", "display_name": big, "role": "clerk", "password": "long-enough-pw"}))
        .await;
    assert_problem(&r, 413, "payload_too_large");
}

async fn bad_paths_queries_and_methods(db: Db) {
    let app = spawn(db).await;
    let clerk = app.login("clerk").await;
    let q = app.get("/api/v1/accounts?page=abc", &clerk).await;
    assert_problem(&q, 400, "invalid_query");
    let q = app.get("/api/v1/accounts?status=sleeping", &clerk).await;
    assert_problem(&q, 400, "invalid_query");
    let long = format!("/api/v1/accounts?q={}", "a".repeat(101));
    let r = app.get(&long, &clerk).await;
    assert_problem(&r, 422, "validation_failed");
    assert_eq!(r.body["fields"][0]["field"], "q");
    let missing = app.get("/api/v1/no-such-thing", &clerk).await;
    assert_problem(&missing, 404, "not_found");
    let wrong_method = app
        .call(Method::DELETE, "/api/v1/auth/login", &clerk, None)
        .await;
    assert_problem(&wrong_method, 405, "method_not_allowed");
    assert_eq!(
        wrong_method
            .headers
            .get("allow")
            .and_then(|v| v.to_str().ok()),
        Some("POST")
    );
}

async fn validation_failures_name_every_field_and_write_nothing(db: Db) {
    let app = spawn(db).await;
    let admin = app.login("admin").await;
    let r = app
        .post(
            "/api/v1/users",
            &admin,
            json!({"username": "no spaces allowed", "display_name": "", "role": "clerk", "password": "short"}),
        )
        .await;
    assert_problem(&r, 422, "validation_failed");
    let fields: Vec<(String, String)> = r.body["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["field"].as_str().unwrap().into(),
                f["code"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        fields,
        vec![
            ("display_name".to_string(), "required".to_string()),
            ("password".into(), "password_length".into()),
            ("username".into(), "username_chars".into()),
        ]
    );
    let customer_without_link = app
        .post(
            "/api/v1/users",
            &admin,
            json!({"username": "newcust", "display_name": "New", "role": "customer", "password": "long-enough-pw"}),
        )
        .await;
    assert_problem(&customer_without_link, 422, "validation_failed");
    assert_eq!(
        customer_without_link.body["fields"][0]["field"],
        "customer_id"
    );
    let dup = app
        .post(
            "/api/v1/users",
            &admin,
            json!({"username": "clerk", "display_name": "Another", "role": "clerk", "password": "long-enough-pw"}),
        )
        .await;
    assert_problem(&dup, 409, "username_taken");
    assert_eq!(app.get("/api/v1/users", &admin).await.body["total"], 8);
    let trail = app.get("/api/v1/audit?action=user.create", &admin).await;
    assert_eq!(trail.body["total"], 0, "{}", trail.text);
}

async fn responses_carry_security_headers_and_request_ids(db: Db) {
    let app = spawn(db).await;
    let r = app.get("/api/health", &Auth::None).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["status"], "ok");
    for h in [
        "x-content-type-options",
        "x-frame-options",
        "content-security-policy",
        "referrer-policy",
        "x-request-id",
    ] {
        assert!(r.headers.get(h).is_some(), "missing {h}");
    }
    assert_eq!(
        r.headers.get("cache-control").and_then(|v| v.to_str().ok()),
        Some("no-store")
    );
    let ready = app.get("/api/ready", &Auth::None).await;
    assert_eq!(ready.status, 200, "{}", ready.text);
    assert_eq!(ready.body["migrations_current"], true);
    assert_eq!(
        ready.body["database"],
        if db == Db::Sqlite {
            "sqlite"
        } else {
            "postgres"
        }
    );
    // A sane request id from a proxy is kept and echoed in problem documents.
    let res = app
        .client
        .get(app.url("/api/v1/auth/me"))
        .header("x-request-id", "abc-123")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers().get("x-request-id").unwrap(), "abc-123");
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["request_id"], "abc-123");
}

crate::on_both_databases!(
    malformed_and_mistyped_bodies,
    oversized_bodies_are_refused_with_413,
    bad_paths_queries_and_methods,
    validation_failures_name_every_field_and_write_nothing,
    responses_carry_security_headers_and_request_ids,
);
