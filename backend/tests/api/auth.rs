use reqwest::Method;
use serde_json::json;

use crate::helpers::{assert_problem, spawn, spawn_with, Auth, Db};

async fn sign_in_issues_a_token_and_an_httponly_strict_cookie(db: Db) {
    let app = spawn(db).await;
    let r = app.login_reply("clerk", "clerk-demo-pass").await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["token_type"], "Bearer");
    assert_eq!(r.body["expires_in"], 900);
    assert_eq!(r.body["user"]["role"], "clerk");
    assert_eq!(r.body["user"]["display_name"], "Casey Clerk");
    let cookie = r
        .headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("cistern_refresh="))
        .expect("refresh cookie")
        .to_owned();
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Strict"), "{cookie}");
    assert!(cookie.contains("Path=/api/v1/auth"), "{cookie}");
    // The token works, and says who you are.
    let token = Auth::Bearer(r.body["access_token"].as_str().unwrap().into());
    let me = app.get("/api/v1/auth/me", &token).await;
    assert_eq!(me.body["username"], "clerk");
    // No secret material in the user document.
    assert!(!r.text.contains("argon2"), "{}", r.text);
}

async fn wrong_passwords_and_unknown_users_get_the_same_answer(db: Db) {
    let app = spawn(db).await;
    let wrong = app.login_reply("clerk", "not-the-password").await;
    assert_problem(&wrong, 401, "invalid_credentials");
    let unknown = app.login_reply("nobody", "not-the-password").await;
    assert_problem(&unknown, 401, "invalid_credentials");
    assert_eq!(wrong.body["detail"], unknown.body["detail"]);
    let empty = app
        .post(
            "/api/v1/auth/login",
            &Auth::None,
            json!({"username": "", "password": ""}),
        )
        .await;
    assert_problem(&empty, 422, "validation_failed");
    let fields: Vec<_> = empty.body["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].clone())
        .collect();
    assert_eq!(fields, vec![json!("password"), json!("username")]);
}

async fn repeated_failures_are_throttled_even_with_the_right_password(db: Db) {
    let app = spawn_with(db, |c| c.login_max_failures = 3).await;
    for _ in 0..3 {
        assert_eq!(app.login_reply("lead", "guess").await.status, 401);
    }
    let r = app.login_reply("lead", "lead-demo-pass").await;
    assert_problem(&r, 429, "too_many_attempts");
    // Retry-After says when the window (15 minutes from the first attempt) ends.
    let wait: i64 = r
        .headers
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("Retry-After");
    assert!((850..=900).contains(&wait), "Retry-After {wait}");
    // Other users are not affected.
    assert_eq!(
        app.login_reply("clerk", "clerk-demo-pass").await.status,
        200
    );
}

async fn refresh_rotates_and_sign_out_revokes(db: Db) {
    let app = spawn(db).await;
    let r = app.login_reply("field", "field-demo-pass").await;
    let token = Auth::Bearer(r.body["access_token"].as_str().unwrap().into());
    // The client's cookie jar holds the refresh cookie.
    let renewed = app
        .post("/api/v1/auth/refresh", &Auth::None, json!(null))
        .await;
    assert_eq!(renewed.status, 200, "{}", renewed.text);
    assert_eq!(renewed.body["user"]["username"], "field");
    let new_token = Auth::Bearer(renewed.body["access_token"].as_str().unwrap().into());
    // Sign out ends the session: both access tokens of it stop working, and refresh fails.
    let out = app
        .post("/api/v1/auth/logout", &new_token, json!(null))
        .await;
    assert_eq!(out.status, 204);
    assert_problem(
        &app.get("/api/v1/auth/me", &token).await,
        401,
        "unauthenticated",
    );
    assert_problem(
        &app.get("/api/v1/auth/me", &new_token).await,
        401,
        "unauthenticated",
    );
    let again = app
        .post("/api/v1/auth/refresh", &Auth::None, json!(null))
        .await;
    assert_problem(&again, 401, "unauthenticated");
}

async fn tampered_and_foreign_tokens_are_refused(db: Db) {
    let app = spawn(db).await;
    let Auth::Bearer(t) = app.login("clerk").await else {
        unreachable!()
    };
    let mut bytes = t.clone().into_bytes();
    let last = bytes.len() - 2;
    bytes[last] = if bytes[last] == b'A' { b'B' } else { b'A' };
    let tampered = Auth::Bearer(String::from_utf8(bytes).unwrap());
    assert_problem(
        &app.get("/api/v1/auth/me", &tampered).await,
        401,
        "unauthenticated",
    );
    let foreign = cistern_backend::auth::JwtKeys::new(
        b"some-other-secret-some-other-secret",
        "cistern",
        "cistern-api",
        60,
    )
    .issue("usr-00001", "whatever", cistern_shared::Role::Admin)
    .unwrap();
    assert_problem(
        &app.get("/api/v1/users", &Auth::Bearer(foreign)).await,
        401,
        "unauthenticated",
    );
}

async fn password_change_ends_every_session(db: Db) {
    let app = spawn(db).await;
    let first = app.login("auditor").await;
    let second = app.login("auditor").await;
    let wrong = app
        .post(
            "/api/v1/auth/password",
            &first,
            json!({"current_password": "nope", "new_password": "a-new-long-password"}),
        )
        .await;
    assert_problem(&wrong, 422, "wrong_password");
    let short = app
        .post(
            "/api/v1/auth/password",
            &first,
            json!({"current_password": "auditor-demo-pass", "new_password": "short"}),
        )
        .await;
    assert_problem(&short, 422, "validation_failed");
    assert_eq!(short.body["fields"][0]["field"], "new_password");
    let ok = app
        .post(
            "/api/v1/auth/password",
            &first,
            json!({"current_password": "auditor-demo-pass", "new_password": "a-new-long-password"}),
        )
        .await;
    assert_eq!(ok.status, 204, "{}", ok.text);
    assert_problem(
        &app.get("/api/v1/auth/me", &first).await,
        401,
        "unauthenticated",
    );
    assert_problem(
        &app.get("/api/v1/auth/me", &second).await,
        401,
        "unauthenticated",
    );
    assert_eq!(
        app.login_reply("auditor", "auditor-demo-pass").await.status,
        401
    );
    assert_eq!(
        app.login_reply("auditor", "a-new-long-password")
            .await
            .status,
        200
    );
    // The change is in the audit trail, without the password.
    let admin = app.login("admin").await;
    let trail = app
        .get(
            "/api/v1/audit?action=auth.password_change&entity_id=usr-00006",
            &admin,
        )
        .await;
    assert!(
        trail.text.contains("auth.password_change"),
        "{}",
        trail.text
    );
    assert!(!trail.text.contains("a-new-long-password"));
    let _ = Method::GET;
}

fn refresh_cookie(r: &crate::helpers::Reply) -> String {
    r.headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| c.strip_prefix("cistern_refresh="))
        .and_then(|c| c.split(';').next())
        .expect("refresh cookie")
        .to_owned()
}

async fn refresh_with(app: &crate::helpers::TestApp, token: &str) -> crate::helpers::Reply {
    let res = reqwest::Client::new()
        .post(app.url("/api/v1/auth/refresh"))
        .header("cookie", format!("cistern_refresh={token}"))
        .send()
        .await
        .unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let text = res.text().await.unwrap();
    crate::helpers::Reply {
        status,
        headers,
        body: serde_json::from_str(&text).unwrap_or_default(),
        text,
    }
}

/// Two tabs refreshing at once both present the same token: the second still works for a
/// short while. A replaced token presented later means a copy was stolen: the session ends.
async fn a_replaced_refresh_token_works_briefly_then_ends_the_session(db: Db) {
    let app = spawn(db).await;
    let first = refresh_cookie(&app.login_reply("clerk", "clerk-demo-pass").await);
    let r1 = refresh_with(&app, &first).await;
    assert_eq!(r1.status, 200, "{}", r1.text);
    let second = refresh_cookie(&r1);
    assert_ne!(first, second);
    let tab2 = refresh_with(&app, &first).await;
    assert_eq!(tab2.status, 200, "within the grace period: {}", tab2.text);
    let latest = refresh_cookie(&tab2);
    // Later, the first token comes back: the session ends for everyone holding it.
    app.run(|c| {
        use cistern_backend::db::schema::sessions;
        use diesel::prelude::*;
        diesel::update(sessions::table)
            .set(sessions::rotated_at.eq(Some(
                cistern_backend::db::now() - chrono::Duration::minutes(5),
            )))
            .execute(c)
            .unwrap()
    })
    .await;
    assert_problem(&refresh_with(&app, &first).await, 401, "unauthenticated");
    assert_problem(&refresh_with(&app, &latest).await, 401, "unauthenticated");
    let access = Auth::Bearer(tab2.body["access_token"].as_str().unwrap().into());
    assert_problem(
        &app.get("/api/v1/auth/me", &access).await,
        401,
        "unauthenticated",
    );
    let admin = app.login("admin").await;
    let trail = app
        .get("/api/v1/audit?action=auth.refresh_reuse", &admin)
        .await;
    assert_eq!(trail.body["total"], 1, "{}", trail.text);
}

/// The session's refresh tokens, as stored: (generation, hash).
async fn stored_tokens(app: &crate::helpers::TestApp) -> Vec<(i64, String)> {
    app.run(|c| {
        use cistern_backend::db::schema::refresh_tokens;
        use diesel::prelude::*;
        refresh_tokens::table
            .select((refresh_tokens::generation, refresh_tokens::token_hash))
            .order(refresh_tokens::generation.asc())
            .load(c)
            .unwrap()
    })
    .await
}

async fn age_rotation(app: &crate::helpers::TestApp) {
    app.run(|c| {
        use cistern_backend::db::schema::sessions;
        use diesel::prelude::*;
        diesel::update(sessions::table)
            .set(sessions::rotated_at.eq(Some(
                cistern_backend::db::now() - chrono::Duration::minutes(5),
            )))
            .execute(c)
            .unwrap()
    })
    .await;
}

async fn reuse_audits(app: &crate::helpers::TestApp) -> serde_json::Value {
    let admin = app.login("admin").await;
    app.get("/api/v1/audit?action=auth.refresh_reuse", &admin)
        .await
        .body["total"]
        .clone()
}

/// A retry with the token just replaced (a lost answer, a second tab) gets the SAME
/// successor, however often: the session's tokens never fork.
async fn a_retry_within_the_grace_gets_the_same_successor(db: Db) {
    let app = spawn(db).await;
    let first = refresh_cookie(&app.login_reply("clerk", "clerk-demo-pass").await);
    let r1 = refresh_with(&app, &first).await;
    assert_eq!(r1.status, 200, "{}", r1.text);
    let second = refresh_cookie(&r1);
    assert_ne!(first, second);
    for _ in 0..3 {
        let retry = refresh_with(&app, &first).await;
        assert_eq!(retry.status, 200, "{}", retry.text);
        assert_eq!(refresh_cookie(&retry), second, "a retry minted a new token");
    }
    assert_eq!(stored_tokens(&app).await.len(), 2, "one line of two tokens");
    // The successor goes on working and rotates normally.
    let r2 = refresh_with(&app, &second).await;
    assert_eq!(r2.status, 200, "{}", r2.text);
    let third = refresh_cookie(&r2);
    assert_ne!(third, second);
    let access = Auth::Bearer(r2.body["access_token"].as_str().unwrap().into());
    assert_eq!(app.get("/api/v1/auth/me", &access).await.status, 200);
    assert_eq!(reuse_audits(&app).await, 0);
}

/// The token just replaced, presented after the grace: the whole session ends, the holder
/// of the newest token included, and the reuse is audited.
async fn a_replay_after_the_grace_ends_the_session(db: Db) {
    let app = spawn(db).await;
    let first = refresh_cookie(&app.login_reply("lead", "lead-demo-pass").await);
    let r1 = refresh_with(&app, &first).await;
    let second = refresh_cookie(&r1);
    let access = Auth::Bearer(r1.body["access_token"].as_str().unwrap().into());
    age_rotation(&app).await;
    assert_problem(&refresh_with(&app, &first).await, 401, "unauthenticated");
    assert_problem(&refresh_with(&app, &second).await, 401, "unauthenticated");
    assert_problem(
        &app.get("/api/v1/auth/me", &access).await,
        401,
        "unauthenticated",
    );
    assert_eq!(reuse_audits(&app).await, 1);
}

/// A token two generations old is reuse even inside the grace period: the session ends and
/// the legitimate holder of the newest token is refused.
async fn reuse_of_a_token_two_generations_old_ends_the_session(db: Db) {
    let app = spawn(db).await;
    let first = refresh_cookie(&app.login_reply("field", "field-demo-pass").await);
    let second = refresh_cookie(&refresh_with(&app, &first).await);
    let r3 = refresh_with(&app, &second).await;
    assert_eq!(r3.status, 200, "{}", r3.text);
    let third = refresh_cookie(&r3);
    let access = Auth::Bearer(r3.body["access_token"].as_str().unwrap().into());
    assert_eq!(app.get("/api/v1/auth/me", &access).await.status, 200);
    assert_problem(&refresh_with(&app, &first).await, 401, "unauthenticated");
    assert_problem(&refresh_with(&app, &third).await, 401, "unauthenticated");
    assert_problem(
        &app.get("/api/v1/auth/me", &access).await,
        401,
        "unauthenticated",
    );
    // The token just replaced no longer works either (its session is over).
    assert_problem(&refresh_with(&app, &second).await, 401, "unauthenticated");
    assert_eq!(reuse_audits(&app).await, 1);
    let admin = app.login("admin").await;
    let trail = app
        .get("/api/v1/audit?action=auth.refresh_reuse", &admin)
        .await;
    assert!(
        trail.text.contains("generation_presented"),
        "{}",
        trail.text
    );
}

crate::on_both_databases!(
    a_retry_within_the_grace_gets_the_same_successor,
    a_replay_after_the_grace_ends_the_session,
    reuse_of_a_token_two_generations_old_ends_the_session,
    a_replaced_refresh_token_works_briefly_then_ends_the_session,
    sign_in_issues_a_token_and_an_httponly_strict_cookie,
    wrong_passwords_and_unknown_users_get_the_same_answer,
    repeated_failures_are_throttled_even_with_the_right_password,
    refresh_rotates_and_sign_out_revokes,
    tampered_and_foreign_tokens_are_refused,
    password_change_ends_every_session,
);
