use reqwest::Method;
use serde_json::json;

use crate::helpers::{assert_problem, spawn, Auth, Db};

async fn admins_manage_users_and_every_change_is_audited(db: Db) {
    let app = spawn(db).await;
    let admin = app.login("admin").await;
    let created = app
        .post(
            "/api/v1/users",
            &admin,
            json!({"username": "jdoe", "display_name": "Jane Doe", "role": "clerk", "password": "first-password-1", "locale": "es"}),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!(created.body["locale"], "es");
    let id = created.body["id"].as_str().unwrap().to_owned();
    assert!(!created.text.contains("password"), "{}", created.text);
    let jdoe = app.login_reply("jdoe", "first-password-1").await;
    assert_eq!(jdoe.status, 200);
    let jdoe_token =
        crate::helpers::Auth::Bearer(jdoe.body["access_token"].as_str().unwrap().into());

    // Promote to lead: the old session ends so the new role applies at once.
    let r = app
        .call(
            Method::PATCH,
            &format!("/api/v1/users/{id}"),
            &admin,
            Some(json!({"role": "lead", "reason": "promoted"})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["role"], "lead");
    assert_problem(
        &app.get("/api/v1/auth/me", &jdoe_token).await,
        401,
        "unauthenticated",
    );

    let reset = app
        .post(
            &format!("/api/v1/users/{id}/password"),
            &admin,
            json!({"new_password": "second-password-2"}),
        )
        .await;
    assert_eq!(reset.status, 204);
    assert_eq!(
        app.login_reply("jdoe", "first-password-1").await.status,
        401
    );
    assert_eq!(
        app.login_reply("jdoe", "second-password-2").await.status,
        200
    );

    let off = app
        .call(
            Method::PATCH,
            &format!("/api/v1/users/{id}"),
            &admin,
            Some(json!({"active": false})),
        )
        .await;
    assert_eq!(off.body["active"], false);
    assert_eq!(
        app.login_reply("jdoe", "second-password-2").await.status,
        401
    );

    // Admins cannot lock themselves out.
    let me = app
        .call(
            Method::PATCH,
            "/api/v1/users/usr-00001",
            &admin,
            Some(json!({"active": false})),
        )
        .await;
    assert_problem(&me, 409, "own_access");

    let trail = app
        .get(
            &format!("/api/v1/audit?entity_type=user&entity_id={id}"),
            &admin,
        )
        .await;
    let actions: Vec<_> = trail.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        actions,
        vec![
            "user.update",
            "user.password_reset",
            "user.update",
            "user.create"
        ]
    );
    let promote = &trail.body["items"][2];
    assert_eq!(promote["actor_username"], "admin");
    assert_eq!(promote["before"]["role"], "clerk");
    assert_eq!(promote["after"]["role"], "lead");
    assert_eq!(promote["reason"], "promoted");
    // Auditors read the trail too; clerks may not.
    let auditor = app.login("auditor").await;
    assert_eq!(app.get("/api/v1/audit", &auditor).await.status, 200);
    let clerk = app.login("clerk").await;
    assert_problem(&app.get("/api/v1/audit", &clerk).await, 403, "forbidden");
}

async fn integrators_get_api_keys_not_passwords(db: Db) {
    let app = spawn(db).await;
    let admin = app.login("admin").await;
    let r = app
        .post(
            "/api/v1/users",
            &admin,
            json!({"username": "bank", "display_name": "Bank lockbox", "role": "integrator"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let id = r.body["id"].as_str().unwrap().to_owned();
    let key = app
        .post(
            &format!("/api/v1/users/{id}/api-keys"),
            &admin,
            json!({"name": "Lockbox file drop"}),
        )
        .await;
    assert_eq!(key.status, 201, "{}", key.text);
    let k = key.body["key"].as_str().unwrap().to_owned();
    assert!(k.starts_with(key.body["prefix"].as_str().unwrap()));
    let auth = Auth::ApiKey(k.clone());
    assert_eq!(
        app.get("/api/v1/accounts?per_page=1", &auth).await.status,
        200
    );
    assert_problem(&app.get("/api/v1/users", &auth).await, 403, "forbidden");
    // Keys are stored only as hashes.
    let stored: Vec<String> = app
        .run(|c| {
            use diesel::prelude::*;
            cistern_backend::db::schema::api_keys::table
                .select(cistern_backend::db::schema::api_keys::key_hash)
                .load(c)
                .unwrap()
        })
        .await;
    assert!(!stored.iter().any(|h| h == &k));
    let clerk_key = app
        .post(
            "/api/v1/users/usr-00004/api-keys",
            &admin,
            json!({"name": "no"}),
        )
        .await;
    assert_problem(&clerk_key, 409, "not_an_integrator");
}

/// The operationId of `method path` in the served document (ids are the document's, so the test
/// follows them if they are renamed).
async fn operation_id(app: &crate::helpers::TestApp, method: &str, path: &str) -> String {
    let spec = app.get("/api/openapi.json", &Auth::None).await;
    spec.body["paths"][path][method]["operationId"]
        .as_str()
        .unwrap_or_else(|| panic!("no operation {method} {path}"))
        .to_owned()
}

async fn api_keys_are_listed_revoked_one_by_one_expire_and_can_be_limited(db: Db) {
    let app = spawn(db).await;
    let admin = app.login("admin").await;
    let r = app
        .post(
            "/api/v1/users",
            &admin,
            json!({"username": "kiosk", "display_name": "Lobby kiosk", "role": "integrator"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let id = r.body["id"].as_str().unwrap().to_owned();
    let keys = format!("/api/v1/users/{id}/api-keys");
    // A kiosk that shows balances: the account look-up only, not notes or complaints.
    let get_account = operation_id(&app, "get", "/api/v1/accounts/{id}").await;
    let kiosk = app
        .post(
            &keys,
            &admin,
            json!({"name": "Lobby kiosk", "operations": [get_account]}),
        )
        .await;
    assert_eq!(kiosk.status, 201, "{}", kiosk.text);
    let kiosk_key = Auth::ApiKey(kiosk.body["key"].as_str().unwrap().to_owned());
    assert_eq!(
        app.get("/api/v1/accounts/acc-00001", &kiosk_key)
            .await
            .status,
        200
    );
    for refused in [
        "/api/v1/accounts/acc-00001/overview",
        "/api/v1/complaints",
        "/api/v1/accounts?per_page=1",
    ] {
        let r = app.get(refused, &kiosk_key).await;
        assert_problem(&r, 403, "forbidden");
    }
    // Only operations integrators may call can be named.
    let bad = app
        .post(
            &keys,
            &admin,
            json!({"name": "x", "operations": ["nonsense"]}),
        )
        .await;
    assert_problem(&bad, 422, "validation_failed");
    assert_eq!(bad.body["fields"][0]["field"], "operations[0]");
    // A second, full key; revoking it leaves the kiosk working.
    let full = app
        .post(&keys, &admin, json!({"name": "Bank lockbox"}))
        .await;
    let full_key = Auth::ApiKey(full.body["key"].as_str().unwrap().to_owned());
    assert_eq!(
        app.get("/api/v1/accounts?per_page=1", &full_key)
            .await
            .status,
        200
    );
    let full_id = full.body["id"].as_str().unwrap();
    let revoked = app
        .post(&format!("{keys}/{full_id}/revoke"), &admin, json!(null))
        .await;
    assert_eq!(revoked.status, 200, "{}", revoked.text);
    assert!(revoked.body["revoked_at"].is_string());
    assert_eq!(
        app.get("/api/v1/accounts?per_page=1", &full_key)
            .await
            .status,
        401
    );
    assert_eq!(
        app.get("/api/v1/accounts/acc-00001", &kiosk_key)
            .await
            .status,
        200
    );
    // The list shows both, newest first, with the last use and never the key.
    let list = app.get(&keys, &admin).await;
    assert_eq!(list.status, 200, "{}", list.text);
    let list = list.body.as_array().unwrap().clone();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0]["name"], "Bank lockbox");
    assert!(list[0]["revoked_at"].is_string());
    assert_eq!(list[1]["name"], "Lobby kiosk");
    assert!(list[1]["last_used_at"].is_string());
    assert_eq!(list[1]["operations"], json!([get_account]));
    assert!(!list.iter().any(|k| k.get("key").is_some()));
    // A key past its expiry is refused; an expiry in the past is refused at creation.
    let past = app
        .post(
            &keys,
            &admin,
            json!({"name": "old", "expires_at": "2020-01-01T00:00:00Z"}),
        )
        .await;
    assert_problem(&past, 422, "validation_failed");
    let soon = app
        .post(
            &keys,
            &admin,
            json!({"name": "short", "expires_at": (chrono::Utc::now() + chrono::Duration::hours(1)).to_rfc3339()}),
        )
        .await;
    assert_eq!(soon.status, 201, "{}", soon.text);
    let soon_key = Auth::ApiKey(soon.body["key"].as_str().unwrap().to_owned());
    assert_eq!(
        app.get("/api/v1/accounts?per_page=1", &soon_key)
            .await
            .status,
        200
    );
    // An hour later (the clock moved by rewriting the expiry into the past).
    let soon_id = soon.body["id"].as_str().unwrap().to_owned();
    app.run(move |c| {
        use cistern_backend::db::schema::api_keys;
        use diesel::prelude::*;
        diesel::update(api_keys::table.find(soon_id))
            .set(api_keys::expires_at.eq(Some(
                chrono::Utc::now().naive_utc() - chrono::Duration::seconds(1),
            )))
            .execute(c)
            .unwrap()
    })
    .await;
    assert_eq!(
        app.get("/api/v1/accounts?per_page=1", &soon_key)
            .await
            .status,
        401
    );
    // Another user's key id is not this user's.
    let other = app
        .post(
            &format!("/api/v1/users/usr-00008/api-keys/{full_id}/revoke"),
            &admin,
            json!(null),
        )
        .await;
    assert_problem(&other, 404, "not_found");
}

async fn the_audit_trail_cannot_be_rewritten(db: Db) {
    let app = spawn(db).await;
    let changed = app
        .run(|c| {
            use diesel::connection::SimpleConnection;
            let update = c.batch_execute("UPDATE audit_log SET action = 'forged'");
            let delete = c.batch_execute("DELETE FROM audit_log");
            (update.is_err(), delete.is_err())
        })
        .await;
    assert_eq!(changed, (true, true));
}

crate::on_both_databases!(
    admins_manage_users_and_every_change_is_audited,
    integrators_get_api_keys_not_passwords,
    api_keys_are_listed_revoked_one_by_one_expire_and_can_be_limited,
    the_audit_trail_cannot_be_rewritten,
);
