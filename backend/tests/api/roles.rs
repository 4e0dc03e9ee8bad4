//! Walks every operation of the published OpenAPI document with every role's credential and
//! with none: 401 without, 403 for a role the operation does not list, and for every listed
//! role a valid request (a real id, a valid body: operations.rs) that succeeds — and never a
//! 5xx for anyone. The operations walked are exactly those the server registers.

use reqwest::Method;

use crate::helpers::{spawn, Auth, Db};
use crate::operations::{
    acting_role, assert_table_matches_spec, prepare, spec_operations, OPERATIONS,
};

async fn every_operation_admits_exactly_its_roles(db: Db) {
    let app = spawn(db).await;
    let spec = app.get("/api/openapi.json", &Auth::None).await.body;
    assert_table_matches_spec(&spec);
    // Operations that end a session or change a password act on fresh sessions and users
    // (operations.rs), so these credentials stay good throughout.
    let creds = app.all_roles().await;
    let mut checked = 0;
    for (op, roles) in spec_operations(&spec) {
        let first = acting_role(&roles);
        let req = prepare(&app, &creds, &op, first).await;

        let anon = req.send_as(&app, &Auth::None).await;
        let s = anon.status.as_u16();
        assert!(s < 500, "{op} anonymous: {s} {}", anon.text);
        let Some(allowed) = &roles else {
            // Public: the anonymous request succeeds; with a credential, no 5xx.
            assert!(
                anon.status.is_success(),
                "{op} anonymous: {s} {}",
                anon.text
            );
            for (role, auth) in &creds {
                let r = prepare(&app, &creds, &op, role)
                    .await
                    .send_as(&app, auth)
                    .await;
                let s = r.status.as_u16();
                assert!(s < 500, "{op} as {role}: {s} {}", r.text);
            }
            checked += 1;
            continue;
        };
        assert_eq!(s, 401, "{op} without a token: {}", anon.text);
        assert_eq!(anon.body["code"], "unauthenticated");
        for (role, auth) in &creds {
            if allowed.iter().any(|a| a == role) {
                continue;
            }
            let r = req.send_as(&app, auth).await;
            let s = r.status.as_u16();
            assert_eq!(s, 403, "{op}: {role} is not listed but got {s}: {}", r.text);
            assert_eq!(r.body["code"], "forbidden");
        }
        // Every listed role succeeds, each with a request of its own.
        let r = req.send(&app, &creds[first]).await;
        assert!(
            r.status.is_success(),
            "{op}: {first} is listed but got {}: {}",
            r.status,
            r.text
        );
        for role in allowed.iter().filter(|r| r.as_str() != first) {
            let auth = creds
                .get(role.as_str())
                .unwrap_or_else(|| panic!("{op}: unknown role {role}"));
            let r = prepare(&app, &creds, &op, role)
                .await
                .send(&app, auth)
                .await;
            assert!(
                r.status.is_success(),
                "{op}: {role} is listed but got {}: {}",
                r.status,
                r.text
            );
        }
        checked += 1;
    }
    assert_eq!(checked, OPERATIONS.len(), "operations walked");
    assert_eq!(
        checked,
        cistern_backend::routes::OPERATIONS.len(),
        "operations registered"
    );
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
