//! Several `cistern serve` instances on one PostgreSQL: nothing that must be shared lives in
//! process memory.

use std::collections::HashMap;
use std::time::Duration;

use serde_json::json;

use crate::helpers::{assert_problem, spawn, spawn_on, Db};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_revoked_on_one_instance_is_refused_by_the_other() {
    let a = spawn(Db::Postgres).await;
    let b = spawn_on(&a.db.url, |_| {}).await;
    let token = a.login("lead").await;
    assert_eq!(
        b.get("/api/v1/auth/me", &token).await.body["username"],
        "lead"
    );
    assert_eq!(
        a.post("/api/v1/auth/logout", &token, json!(null))
            .await
            .status,
        204
    );
    assert_problem(
        &b.get("/api/v1/auth/me", &token).await,
        401,
        "unauthenticated",
    );
    // Sign-in throttling is shared as well.
    let a2 = spawn_on(&a.db.url, |c| c.login_max_failures = 2).await;
    let b2 = spawn_on(&a.db.url, |c| c.login_max_failures = 2).await;
    assert_eq!(a2.login_reply("clerk", "wrong").await.status, 401);
    assert_eq!(b2.login_reply("clerk", "wrong").await.status, 401);
    assert_problem(
        &a2.login_reply("clerk", "clerk-demo-pass").await,
        429,
        "too_many_attempts",
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_job_runs_exactly_once_across_instances() {
    let a = spawn(Db::Postgres).await;
    // Two runners polling fast on the same database.
    let r1 = spawn_on(&a.db.url, |c| {
        c.run_jobs = true;
        c.job_poll_interval_ms = 20;
        c.instance_id = Some("runner-1".into());
    })
    .await;
    let r2 = spawn_on(&a.db.url, |c| {
        c.run_jobs = true;
        c.job_poll_interval_ms = 20;
        c.instance_id = Some("runner-2".into());
    })
    .await;
    let admin = a.login("admin").await;
    let mut ids = Vec::new();
    for _ in 0..30 {
        let r = a
            .post(
                "/api/v1/jobs",
                &admin,
                json!({"kind": "maintenance.purge_sessions"}),
            )
            .await;
        assert_eq!(r.status, 202);
        ids.push(r.body["id"].as_str().unwrap().to_owned());
    }
    let mut done = 0;
    for _ in 0..200 {
        let list = a.get("/api/v1/jobs", &admin).await.body;
        done = list
            .as_array()
            .unwrap()
            .iter()
            .filter(|j| {
                ids.contains(&j["id"].as_str().unwrap().to_owned()) && j["status"] == "done"
            })
            .count();
        if done == ids.len() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(done, ids.len());
    let ids2 = ids.clone();
    let runs: HashMap<String, Vec<String>> = a
        .run(move |c| {
            ids2.iter()
                .map(|id| {
                    (
                        id.clone(),
                        cistern_backend::domain::jobs::runs_of(c, id).unwrap(),
                    )
                })
                .collect()
        })
        .await;
    for id in &ids {
        assert_eq!(runs[id].len(), 1, "job {id} ran {:?}", runs[id]);
    }
    let _ = (r1, r2);
}
