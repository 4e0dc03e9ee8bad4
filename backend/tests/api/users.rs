use reqwest::Method;
use serde_json::json;

use crate::helpers::{assert_problem, spawn, Db};

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
        .post(&format!("/api/v1/users/{id}/api-keys"), &admin, json!(null))
        .await;
    assert_eq!(key.status, 201, "{}", key.text);
    let k = key.body["key"].as_str().unwrap().to_owned();
    assert!(k.starts_with(key.body["prefix"].as_str().unwrap()));
    let auth = crate::helpers::Auth::ApiKey(k.clone());
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
        .post("/api/v1/users/usr-00004/api-keys", &admin, json!(null))
        .await;
    assert_problem(&clerk_key, 409, "not_an_integrator");
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
    the_audit_trail_cannot_be_rewritten,
);
