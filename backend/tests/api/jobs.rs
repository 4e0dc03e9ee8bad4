use std::time::Duration;

use cistern_backend::domain::jobs;
use serde_json::json;

use crate::helpers::{assert_problem, spawn, spawn_on, Db};

async fn queued_jobs_run_and_report(db: Db) {
    let app = spawn(db).await;
    // A second instance on the same database runs the jobs (the first has its runner off).
    let runner = spawn_on(&app.db.url, |c| c.run_jobs = true).await;
    let admin = app.login("admin").await;
    let bad = app
        .post("/api/v1/jobs", &admin, json!({"kind": "launch.rockets"}))
        .await;
    assert_problem(&bad, 422, "validation_failed");
    let queued = app
        .post(
            "/api/v1/jobs",
            &admin,
            json!({"kind": "maintenance.purge_sessions"}),
        )
        .await;
    assert_eq!(queued.status, 202, "{}", queued.text);
    let id = queued.body["id"].as_str().unwrap().to_owned();
    let mut last = queued.body.clone();
    for _ in 0..100 {
        last = app.get(&format!("/api/v1/jobs/{id}"), &admin).await.body;
        if last["status"] == "done" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(last["status"], "done", "{last}");
    assert_eq!(last["attempts"], 1);
    assert!(last["result"].as_str().unwrap().starts_with("purged "));
    let _ = runner;
}

async fn a_named_lock_has_one_holder_at_a_time(db: Db) {
    let app = spawn(db).await;
    let pool = app.pool.clone();
    let winners = tokio::task::spawn_blocking(move || {
        let handles: Vec<_> = (0..8)
            .map(|i| {
                let pool = pool.clone();
                std::thread::spawn(move || {
                    pool.write(|tx| {
                        jobs::try_lock(
                            tx,
                            "billing-run:C1",
                            &format!("instance-{i}"),
                            chrono::Duration::seconds(60),
                        )
                    })
                    .unwrap()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap())
            .filter(|won| *won)
            .count()
    })
    .await
    .unwrap();
    assert_eq!(winners, 1);
    let pool = app.pool.clone();
    let (stolen, expired_taken, released) = tokio::task::spawn_blocking(move || {
        let stolen = pool
            .write(|tx| jobs::try_lock(tx, "run-x", "a", chrono::Duration::seconds(60)))
            .unwrap()
            && pool
                .write(|tx| jobs::try_lock(tx, "run-x", "b", chrono::Duration::seconds(60)))
                .unwrap();
        // An expired lock can be taken over.
        pool.write(|tx| jobs::try_lock(tx, "run-y", "a", chrono::Duration::seconds(-1)))
            .unwrap();
        let expired_taken = pool
            .write(|tx| jobs::try_lock(tx, "run-y", "b", chrono::Duration::seconds(60)))
            .unwrap();
        let released = pool.write(|tx| jobs::unlock(tx, "run-x", "a")).unwrap()
            && pool
                .write(|tx| jobs::try_lock(tx, "run-x", "b", chrono::Duration::seconds(60)))
                .unwrap();
        (stolen, expired_taken, released)
    })
    .await
    .unwrap();
    assert_eq!((stolen, expired_taken, released), (false, true, true));
}

crate::on_both_databases!(
    queued_jobs_run_and_report,
    a_named_lock_has_one_holder_at_a_time
);
