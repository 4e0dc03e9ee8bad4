//! Walks every operation of the published OpenAPI document with every role's credential and
//! with none: 401 without, 403 for a role the operation does not list, and for a listed role
//! neither of those — and never a 5xx for anyone.

use reqwest::Method;
use serde_json::Value;

use crate::helpers::{spawn, Auth, Db};

fn concrete(path: &str) -> String {
    // Real ids where they exist, so admitted roles reach the handler's own logic.
    let id = if path.starts_with("/api/v1/accounts/") {
        "acc-00001"
    } else if path.starts_with("/api/v1/users/") {
        "usr-00008" // the integrator: harmless to touch, and nobody's session in this test
    } else {
        "no-such-id"
    };
    path.replace("{id}", id)
}

fn roles_of(op: &Value) -> Option<Vec<String>> {
    let sec = op["security"].as_array()?;
    if sec
        .iter()
        .any(|s| s.as_object().is_some_and(|o| o.is_empty()))
    {
        return None; // public
    }
    let mut roles: Vec<String> = sec
        .iter()
        .filter_map(|s| s.as_object())
        .flat_map(|o| o.values())
        .filter_map(|v| v.as_array())
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect();
    roles.sort();
    roles.dedup();
    Some(roles)
}

async fn every_operation_admits_exactly_its_roles(db: Db) {
    let app = spawn(db).await;
    let spec = app.get("/api/openapi.json", &Auth::None).await.body;
    let paths = spec["paths"].as_object().expect("paths");
    let mut checked = 0;
    for (template, item) in paths {
        for (method, op) in item.as_object().expect("path item") {
            let m = Method::from_bytes(method.to_ascii_uppercase().as_bytes()).expect("method");
            let path = concrete(template);
            let body =
                matches!(method.as_str(), "post" | "patch" | "put").then(|| serde_json::json!({}));
            let roles = roles_of(op);
            // Fresh credentials per operation: sign-out and password operations end sessions.
            let creds = app.all_roles().await;

            let anon = app.call(m.clone(), &path, &Auth::None, body.clone()).await;
            assert!(
                anon.status.as_u16() < 500,
                "{method} {path} anonymous: {}",
                anon.text
            );
            if roles.is_some() {
                assert_eq!(
                    anon.status.as_u16(),
                    401,
                    "{method} {path} without a token: {}",
                    anon.text
                );
                assert_eq!(anon.body["code"], "unauthenticated");
            }
            for (role, auth) in &creds {
                let r = app.call(m.clone(), &path, auth, body.clone()).await;
                let s = r.status.as_u16();
                assert!(s < 500, "{method} {path} as {role}: {s} {}", r.text);
                match &roles {
                    Some(allowed) if allowed.iter().any(|a| a == role) => assert!(
                        s != 401 && s != 403,
                        "{method} {path}: {role} is listed but got {s}: {}",
                        r.text
                    ),
                    Some(_) => {
                        assert_eq!(
                            s, 403,
                            "{method} {path}: {role} is not listed but got {s}: {}",
                            r.text
                        );
                        assert_eq!(r.body["code"], "forbidden");
                    }
                    None => {}
                }
            }
            checked += 1;
        }
    }
    assert!(checked >= 20, "only {checked} operations in the spec");
}

async fn a_customer_cannot_see_another_customers_account(db: Db) {
    let app = spawn(db).await;
    let me = app.login("customer").await;
    let own = app.get("/api/v1/accounts/acc-00001", &me).await;
    assert_eq!(own.status, 200, "{}", own.text);
    assert_eq!(own.body["customer"]["name"], "Maria Garcia");
    let other = app.get("/api/v1/accounts/acc-00002", &me).await;
    crate::helpers::assert_problem(&other, 404, "not_found");
    // ... the same answer as for an account that does not exist at all
    let none = app.get("/api/v1/accounts/acc-99999", &me).await;
    crate::helpers::assert_problem(&none, 404, "not_found");
    let mine = app.get("/api/v1/portal/accounts", &me).await;
    let numbers: Vec<_> = mine
        .body
        .as_array()
        .expect("list")
        .iter()
        .map(|a| a["id"].clone())
        .collect();
    assert_eq!(numbers, vec![serde_json::json!("acc-00001")]);
}

async fn revoked_api_keys_and_deactivated_users_are_refused(db: Db) {
    let app = spawn(db).await;
    let admin = app.login("admin").await;
    let key = Auth::ApiKey(crate::helpers::DEMO_API_KEY.into());
    assert_eq!(app.get("/api/v1/cycles", &key).await.status, 200);
    let bad = Auth::ApiKey("cst_not-a-real-key".into());
    crate::helpers::assert_problem(
        &app.get("/api/v1/cycles", &bad).await,
        401,
        "unauthenticated",
    );
    // Deactivate the integrator: its key stops working at once.
    let r = app
        .call(
            Method::PATCH,
            "/api/v1/users/usr-00008",
            &admin,
            Some(serde_json::json!({"active": false})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    crate::helpers::assert_problem(
        &app.get("/api/v1/cycles", &key).await,
        401,
        "unauthenticated",
    );
}

crate::on_both_databases!(
    every_operation_admits_exactly_its_roles,
    a_customer_cannot_see_another_customers_account,
    revoked_api_keys_and_deactivated_users_are_refused,
);
