//! Sign-in under attack (issue 9, points 1-3): the throttle reserves a place before hashing,
//! so a burst never checks more passwords than the limit (on several instances sharing one
//! database, too); it is keyed by username AND client address, so guessing from one place
//! does not lock the owner out elsewhere; one address cannot spray many usernames; password
//! change is throttled the same way; and a flood gets fast `sign_in_busy` answers instead of
//! unbounded hashing.

use cistern_backend::auth::PasswordPolicy;
use cistern_backend::config::Config;
use cistern_backend::db::DbPool;
use cistern_backend::startup::Application;
use serde_json::{json, Value};

use crate::helpers::{assert_problem, fresh_db, Db, Reply, TestDb};

/// One running server instance, with its password hasher (to count Argon2 evaluations).
struct Instance {
    base: String,
    hasher: PasswordPolicy,
    pool: DbPool,
}

async fn instance(url: &str, tweak: &dyn Fn(&mut Config)) -> Instance {
    let mut config = Config::for_tests(url);
    config.run_jobs = false;
    tweak(&mut config);
    let app = Application::build(config).await.expect("build app");
    let inst = Instance {
        base: format!("http://127.0.0.1:{}", app.port()),
        hasher: app.state().hasher.clone(),
        pool: app.pool(),
    };
    tokio::spawn(app.run_until_stopped());
    inst
}

/// A fresh database with the demo city, and one instance on it.
async fn city(db: Db, tweak: &dyn Fn(&mut Config)) -> (TestDb, Instance) {
    let test_db = fresh_db(db);
    let a = instance(&test_db.url, tweak).await;
    let pool = a.pool.clone();
    let seed_hasher = PasswordPolicy::new(64, 1).expect("argon2 params");
    tokio::task::spawn_blocking(move || cistern_backend::seed::seed_demo(&pool, &seed_hasher))
        .await
        .expect("join")
        .expect("seed demo");
    (test_db, a)
}

async fn send(req: reqwest::RequestBuilder) -> Reply {
    let res = req.send().await.expect("request");
    let status = res.status();
    let headers = res.headers().clone();
    let text = res.text().await.unwrap_or_default();
    Reply {
        status,
        headers,
        body: serde_json::from_str(&text).unwrap_or(Value::Null),
        text,
    }
}

/// Signs in, optionally claiming a client address in `X-Forwarded-For`.
async fn sign_in(base: &str, username: &str, password: &str, from: Option<&str>) -> Reply {
    let mut req = reqwest::Client::new()
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({ "username": username, "password": password }));
    if let Some(addr) = from {
        req = req.header("X-Forwarded-For", format!("10.0.0.1, {addr}"));
    }
    send(req).await
}

fn retry_after(r: &Reply) -> i64 {
    r.headers
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no Retry-After: {:?}", r.headers))
}

/// Audit rows of an action: (entity_id, after) each.
async fn audit_rows(pool: &DbPool, action: &'static str) -> Vec<(String, Value)> {
    let pool = pool.clone();
    tokio::task::spawn_blocking(move || {
        use cistern_backend::db::schema::audit_log;
        use diesel::prelude::*;
        let mut c = pool.get().expect("connection");
        let rows: Vec<(String, Option<String>)> = audit_log::table
            .filter(audit_log::action.eq(action))
            .select((audit_log::entity_id, audit_log::after_json))
            .order(audit_log::id.asc())
            .load(&mut *c)
            .expect("audit rows");
        rows.into_iter()
            .map(|(id, after)| {
                (
                    id,
                    after
                        .and_then(|a| serde_json::from_str(&a).ok())
                        .unwrap_or(Value::Null),
                )
            })
            .collect()
    })
    .await
    .expect("join")
}

/// 60 wrong passwords and the right one, all at once, spread over two instances sharing the
/// database: at most `login_max_failures` passwords are hashed, every other attempt is a 429
/// without a hash, and the right password succeeds only if it got one of those places.
async fn a_burst_of_guesses_checks_at_most_the_limit(db: Db) {
    let tweak = |c: &mut Config| {
        c.login_max_failures = 5;
        c.pool_size = 16;
        // No other bound in the way: only the throttle can stop the hashing here.
        c.hash_concurrency = Some(64);
        c.hash_queue_wait_ms = 60_000;
    };
    let (test_db, a) = city(db, &tweak).await;
    let b = instance(&test_db.url, &tweak).await;
    let before = a.hasher.evaluations() + b.hasher.evaluations();
    let mut tasks = Vec::new();
    for i in 0..61 {
        let base = if i % 2 == 0 { &a.base } else { &b.base }.clone();
        let password = if i == 30 {
            "lead-demo-pass"
        } else {
            "wrong-guess"
        };
        tasks.push(tokio::spawn(async move {
            sign_in(&base, "lead", password, None).await
        }));
    }
    let mut replies = Vec::new();
    for t in tasks {
        replies.push(t.await.expect("join"));
    }
    let hashes = a.hasher.evaluations() + b.hasher.evaluations() - before;
    let count = |s: u16| replies.iter().filter(|r| r.status.as_u16() == s).count() as u64;
    let (ok, wrong, refused) = (count(200), count(401), count(429));
    assert_eq!(ok + wrong + refused, 61, "unexpected answers");
    assert!(hashes <= 5, "{hashes} passwords hashed; the limit is 5");
    assert_eq!(
        ok + wrong,
        hashes,
        "every hashed attempt is answered 200/401"
    );
    assert!(ok <= 1);
    for r in replies.iter().filter(|r| r.status == 429) {
        assert_problem(r, 429, "too_many_attempts");
        assert!((1..=900).contains(&retry_after(r)), "{:?}", r.headers);
    }
    // Every failed check is in the audit trail, and the lock-out once (not once per refusal).
    assert_eq!(
        audit_rows(&a.pool, "auth.sign_in_failed").await.len() as u64,
        wrong
    );
    let locked = audit_rows(&a.pool, "auth.sign_in_locked").await;
    assert_eq!(locked.len(), 1, "{locked:?}");
    assert_eq!(locked[0].0, "ua:lead|127.0.0.1");
    assert_eq!(locked[0].1["scope"], "username_and_address");
}

/// Guessing from one address locks that address out for the username, not the owner
/// signing in from elsewhere. The address comes from the configured proxy header.
async fn a_lock_out_from_one_address_does_not_lock_the_owner_out_elsewhere(db: Db) {
    let tweak = |c: &mut Config| {
        c.login_max_failures = 3;
        c.client_address_header = Some("X-Forwarded-For".into());
    };
    let (_db, app) = city(db, &tweak).await;
    let attacker = Some("203.0.113.5");
    for _ in 0..3 {
        assert_problem(
            &sign_in(&app.base, "lead", "guess", attacker).await,
            401,
            "invalid_credentials",
        );
    }
    let refused = sign_in(&app.base, "lead", "lead-demo-pass", attacker).await;
    assert_problem(&refused, 429, "too_many_attempts");
    let wait = retry_after(&refused);
    assert!((850..=900).contains(&wait), "Retry-After {wait}");
    // The owner, from the office.
    let owner = sign_in(&app.base, "lead", "lead-demo-pass", Some("198.51.100.7")).await;
    assert_eq!(owner.status, 200, "{}", owner.text);
    // The trail: three failures from the attacker's address, one lock-out.
    let failed = audit_rows(&app.pool, "auth.sign_in_failed").await;
    assert_eq!(failed.len(), 3, "{failed:?}");
    for (entity, after) in &failed {
        assert_eq!(entity, "lead");
        assert_eq!(after["address"], "203.0.113.5");
        assert_eq!(after["why"], "wrong_password");
        assert_eq!(after["user_id"], "usr-00003");
    }
    let locked = audit_rows(&app.pool, "auth.sign_in_locked").await;
    assert_eq!(locked.len(), 1, "{locked:?}");
    assert_eq!(locked[0].1["address"], "203.0.113.5");
    assert_eq!(locked[0].1["username"], "lead");
}

/// Without a configured proxy header, `X-Forwarded-For` is the client's word and is ignored:
/// changing it does not escape the lock-out.
async fn an_unconfigured_proxy_header_is_ignored(db: Db) {
    let (_db, app) = city(db, &|c: &mut Config| c.login_max_failures = 3).await;
    for i in 0..3 {
        let from = format!("198.51.100.{i}");
        assert_eq!(
            sign_in(&app.base, "clerk", "guess", Some(&from))
                .await
                .status,
            401
        );
    }
    assert_problem(
        &sign_in(&app.base, "clerk", "clerk-demo-pass", Some("192.0.2.200")).await,
        429,
        "too_many_attempts",
    );
}

/// One address trying many usernames (password spraying) is capped across usernames, while
/// successful sign-ins from that address (an office behind one NAT) do not use the budget.
async fn one_address_cannot_spray_many_usernames(db: Db) {
    let tweak = |c: &mut Config| {
        c.login_address_max_failures = 4;
        c.client_address_header = Some("X-Forwarded-For".into());
    };
    let (_db, app) = city(db, &tweak).await;
    let office = Some("198.51.100.20");
    for _ in 0..3 {
        for user in ["clerk", "lead", "field"] {
            let r = sign_in(&app.base, user, &format!("{user}-demo-pass"), office).await;
            assert_eq!(r.status, 200, "{}", r.text);
        }
    }
    let sprayer = Some("203.0.113.66");
    for user in ["clerk", "lead", "nobody", "admin"] {
        assert_eq!(
            sign_in(&app.base, user, "Summer2026!", sprayer)
                .await
                .status,
            401
        );
    }
    assert_problem(
        &sign_in(&app.base, "auditor", "auditor-demo-pass", sprayer).await,
        429,
        "too_many_attempts",
    );
    let locked = audit_rows(&app.pool, "auth.sign_in_locked").await;
    assert_eq!(locked.len(), 1, "{locked:?}");
    assert_eq!(locked[0].0, "a:203.0.113.66");
    assert_eq!(locked[0].1["scope"], "address");
    // An unknown username is recorded as such.
    let failed = audit_rows(&app.pool, "auth.sign_in_failed").await;
    assert!(failed
        .iter()
        .any(|(e, a)| e == "nobody" && a["why"] == "unknown_user"));
    // Everyone else still signs in.
    assert_eq!(
        sign_in(&app.base, "auditor", "auditor-demo-pass", office)
            .await
            .status,
        200
    );
}

/// Wrong current passwords in a password change count like wrong sign-ins: past the limit
/// even the right one is refused (and the sign-in of that username from that address too).
async fn password_change_is_throttled_like_sign_in(db: Db) {
    let (_db, app) = city(db, &|c: &mut Config| c.login_max_failures = 3).await;
    let r = sign_in(&app.base, "auditor", "auditor-demo-pass", None).await;
    let token = r.body["access_token"].as_str().expect("token").to_owned();
    let change = |current: &'static str| {
        let req = reqwest::Client::new()
            .post(format!("{}/api/v1/auth/password", app.base))
            .bearer_auth(&token)
            .json(&json!({"current_password": current, "new_password": "a-brand-new-password"}));
        send(req)
    };
    for _ in 0..3 {
        assert_problem(&change("not-it").await, 422, "wrong_password");
    }
    let refused = change("auditor-demo-pass").await;
    assert_problem(&refused, 429, "too_many_attempts");
    assert!(retry_after(&refused) > 1);
    assert_problem(
        &sign_in(&app.base, "auditor", "auditor-demo-pass", None).await,
        429,
        "too_many_attempts",
    );
    let failed = audit_rows(&app.pool, "auth.password_change_failed").await;
    assert_eq!(failed.len(), 3, "{failed:?}");
    assert_eq!(failed[0].1["user_id"], "usr-00006");
}

/// More sign-ins at once than hashing slots: the excess gets a fast 429 `sign_in_busy` with
/// `Retry-After: 1` and is never hashed; nothing answers 500.
async fn a_flood_of_sign_ins_gets_fast_busy_answers(db: Db) {
    let tweak = |c: &mut Config| {
        c.hash_concurrency = Some(1);
        c.hash_queue_wait_ms = 1;
        // A hash slow enough that the slot is taken while the others arrive.
        c.argon2_memory_kib = 8 * 1024;
        c.argon2_iterations = 4;
        c.client_address_header = Some("X-Forwarded-For".into());
    };
    let (_db, app) = city(db, &tweak).await;
    let before = app.hasher.evaluations();
    let mut tasks = Vec::new();
    for i in 0..24 {
        let base = app.base.clone();
        tasks.push(tokio::spawn(async move {
            let from = format!("192.0.2.{i}");
            sign_in(&base, &format!("someone{i}"), "guess", Some(&from)).await
        }));
    }
    let mut replies = Vec::new();
    for t in tasks {
        replies.push(t.await.expect("join"));
    }
    let hashes = app.hasher.evaluations() - before;
    let busy: Vec<_> = replies.iter().filter(|r| r.status == 429).collect();
    let wrong = replies.iter().filter(|r| r.status == 401).count() as u64;
    assert_eq!(busy.len() as u64 + wrong, 24, "only 401 and 429 answers");
    assert!(!busy.is_empty(), "no sign-in was turned away");
    assert!(wrong >= 1, "no sign-in was checked");
    assert_eq!(hashes, wrong, "a busy answer never hashes");
    for r in busy {
        assert_problem(r, 429, "sign_in_busy");
        assert_eq!(retry_after(r), 1);
    }
}

crate::on_both_databases!(
    a_burst_of_guesses_checks_at_most_the_limit,
    a_lock_out_from_one_address_does_not_lock_the_owner_out_elsewhere,
    an_unconfigured_proxy_header_is_ignored,
    one_address_cannot_spray_many_usernames,
    password_change_is_throttled_like_sign_in,
    a_flood_of_sign_ins_gets_fast_busy_answers,
);
