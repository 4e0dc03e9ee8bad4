//! Every mutating operation, run once with a valid request, writes exactly the audit rows it
//! should — no fewer, no more — each with its action, entity, actor and a sensible before and
//! after; and every audit action in the server's source is written by some operation here
//! (or is one that only seeding writes).

use std::collections::BTreeSet;

use serde_json::Value;

use crate::helpers::{assert_problem, spawn, Auth, Db};
use crate::operations::{
    acting_role, assert_audit, assert_table_matches_spec, audit_since, is_write, last_audit_id,
    prepare, refresh_cookie, spec_operations, username_of, NOT_THROUGH_THE_API, OPERATIONS,
};

/// Audit action names in the server's source: the literal after `action: `, and any literal
/// shaped like one of the known kinds (`vendor.update`, chosen in a match or a tuple).
fn audit_actions_in_source() -> BTreeSet<String> {
    const KINDS: &[&str] = &[
        "auth",
        "user",
        "customer",
        "cycle",
        "premise",
        "meter",
        "service",
        "sdc",
        "account",
        "complaint",
        "vendor",
        "rate_schedule",
        "service_order",
        "job",
        "import",
        "demo",
    ];
    let mut out = BTreeSet::new();
    let mut dirs = vec![std::path::PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/src"
    ))];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("source dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("source");
            for (i, _) in text.match_indices('"') {
                let rest = &text[i + 1..];
                let Some(end) = rest.find('"') else { continue };
                let lit = &rest[..end];
                let Some((kind, what)) = lit.split_once('.') else {
                    continue;
                };
                let word = |s: &str| {
                    !s.is_empty() && s.chars().all(|c| c.is_ascii_lowercase() || c == '_')
                };
                if !word(kind) || !word(what) {
                    continue;
                }
                if text[..i].ends_with("action: ") || KINDS.contains(&kind) {
                    out.insert(lit.to_owned());
                }
            }
        }
    }
    out
}

async fn every_write_records_exactly_its_audit_rows(db: Db) {
    let app = spawn(db).await;
    let spec = app.get("/api/openapi.json", &Auth::None).await.body;
    assert_table_matches_spec(&spec);
    let creds = app.all_roles().await;
    let mut covered = BTreeSet::new();
    let mut writes = 0;
    for (op, roles) in spec_operations(&spec) {
        if !is_write(&op) {
            continue;
        }
        let role = acting_role(&roles);
        let req = prepare(&app, &creds, &op, role).await;
        let auth = creds.get(role).cloned().unwrap_or(Auth::None);
        let since = last_audit_id(&app).await;
        let r = req.send(&app, &auth).await;
        assert!(
            r.status.is_success(),
            "{op} as {role}: {} {}",
            r.status,
            r.text
        );
        let actor = if role == "anonymous" {
            "nobody"
        } else {
            username_of(role)
        };
        assert_audit(&app, &op, &req, &r, actor, since).await;
        covered.extend(req.audit.iter().map(|a| a.action.to_owned()));
        writes += 1;
    }
    assert_eq!(
        writes,
        OPERATIONS.iter().filter(|op| is_write(op)).count(),
        "writes walked"
    );

    // A replaced refresh token presented after its grace period: the session ends, and the
    // system records why.
    let first = refresh_cookie(&app.login_reply("clerk", "clerk-demo-pass").await);
    let mut renew = prepare(&app, &creds, "POST /api/v1/auth/refresh", "anonymous").await;
    renew.cookie = Some(first.clone());
    let r = renew.send_as(&app, &Auth::None).await;
    assert_eq!(r.status, 200, "{}", r.text);
    app.run(|c| {
        use cistern_backend::db::schema::sessions;
        use diesel::prelude::*;
        diesel::update(sessions::table)
            .set(sessions::rotated_at.eq(Some(
                cistern_backend::db::now() - chrono::Duration::minutes(5),
            )))
            .execute(c)
            .expect("age the rotation")
    })
    .await;
    let since = last_audit_id(&app).await;
    let r = renew.send_as(&app, &Auth::None).await;
    assert_problem(&r, 401, "unauthenticated");
    let rows = audit_since(&app, since).await;
    assert_eq!(rows.len(), 1, "{rows:#?}");
    assert_eq!(
        (
            rows[0].action.as_str(),
            rows[0].entity_type.as_str(),
            rows[0].actor.as_deref()
        ),
        ("auth.refresh_reuse", "session", Some("system:auth"))
    );
    assert_eq!(rows[0].before, None::<Value>);
    covered.insert("auth.refresh_reuse".to_owned());

    // A wrong password is a failed sign-in; the attempt past the limit (5 for a username from
    // one address) is a lock-out, recorded once; a wrong current password in a password
    // change is recorded too. The system records them: nobody is signed in.
    let since = last_audit_id(&app).await;
    for _ in 0..5 {
        assert_problem(
            &app.login_reply("nosuchuser", "guess-guess").await,
            401,
            "invalid_credentials",
        );
    }
    for _ in 0..2 {
        assert_problem(
            &app.login_reply("nosuchuser", "guess-guess").await,
            429,
            "too_many_attempts",
        );
    }
    let rows = audit_since(&app, since).await;
    let seen: Vec<_> = rows
        .iter()
        .map(|r| {
            (
                r.action.as_str(),
                r.entity_type.as_str(),
                r.entity_id.as_str(),
                r.actor.as_deref(),
            )
        })
        .collect();
    let failed = (
        "auth.sign_in_failed",
        "sign_in",
        "nosuchuser",
        Some("system:auth"),
    );
    let locked = (
        "auth.sign_in_locked",
        "sign_in",
        "ua:nosuchuser|127.0.0.1",
        Some("system:auth"),
    );
    assert_eq!(seen, [vec![failed; 5], vec![locked]].concat(), "{rows:#?}");
    assert_eq!(rows[0].before, None::<Value>);
    covered.insert("auth.sign_in_failed".to_owned());
    covered.insert("auth.sign_in_locked".to_owned());

    let auditor = app.login("auditor").await;
    let since = last_audit_id(&app).await;
    let wrong = app
        .post(
            "/api/v1/auth/password",
            &auditor,
            serde_json::json!({"current_password": "not-mine", "new_password": "a-new-long-password"}),
        )
        .await;
    assert_problem(&wrong, 422, "wrong_password");
    let rows = audit_since(&app, since).await;
    assert_eq!(rows.len(), 1, "{rows:#?}");
    assert_eq!(
        (
            rows[0].action.as_str(),
            rows[0].entity_type.as_str(),
            rows[0].entity_id.as_str(),
            rows[0].actor.as_deref()
        ),
        (
            "auth.password_change_failed",
            "sign_in",
            "auditor",
            Some("system:auth")
        )
    );
    covered.insert("auth.password_change_failed".to_owned());

    let in_source = audit_actions_in_source();
    assert!(in_source.len() >= 30, "{in_source:?}");
    let uncovered: Vec<_> = in_source
        .iter()
        .filter(|a| !covered.contains(*a) && !NOT_THROUGH_THE_API.contains(&a.as_str()))
        .collect();
    assert!(
        uncovered.is_empty(),
        "audit actions no operation in operations.rs writes: {uncovered:?}"
    );
    let unknown: Vec<_> = covered.iter().filter(|a| !in_source.contains(*a)).collect();
    assert!(
        unknown.is_empty(),
        "expected actions the server never writes: {unknown:?}"
    );
}

crate::on_both_databases!(every_write_records_exactly_its_audit_rows);
