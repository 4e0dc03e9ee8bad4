use cistern_backend::db::{self, DbTarget};
use diesel::connection::SimpleConnection;

use crate::helpers::{fresh_db, Db};

async fn migrations_go_up_down_and_up_again(db: Db) {
    let test_db = fresh_db(db);
    let url = test_db.url.clone();
    let outcome = tokio::task::spawn_blocking(move || {
        let mut c = DbTarget::parse(&url).unwrap().connect().unwrap();
        let up = db::run_migrations(&mut c).unwrap();
        assert!(db::migrations_current(&mut c).unwrap());
        c.batch_execute("SELECT count(*) FROM accounts").unwrap();
        let down = db::revert_all_migrations(&mut c).unwrap();
        assert!(
            c.batch_execute("SELECT count(*) FROM accounts").is_err(),
            "tables remain after down"
        );
        assert!(!db::migrations_current(&mut c).unwrap());
        let again = db::run_migrations(&mut c).unwrap();
        c.batch_execute("SELECT count(*) FROM accounts").unwrap();
        (up, down, again)
    })
    .await
    .unwrap();
    assert!(outcome.0 >= 1);
    assert_eq!(outcome.0, outcome.1);
    assert_eq!(outcome.1, outcome.2);
}

/// Many writers at once on SQLite never see "database is locked".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_writes_never_fail_on_sqlite() {
    let app = crate::helpers::spawn(Db::Sqlite).await;
    let admin = app.login("admin").await;
    let mut tasks = Vec::new();
    for i in 0..24 {
        let client = app.client.clone();
        let url = app.url("/api/v1/users");
        let crate::helpers::Auth::Bearer(t) = admin.clone() else {
            unreachable!()
        };
        tasks.push(tokio::spawn(async move {
            client
                .post(url)
                .bearer_auth(t)
                .json(&serde_json::json!({"username": format!("clerk{i}"), "display_name": "Clerk", "role": "clerk", "password": "long-enough-pw"}))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }));
        // Sign-ins write too (attempts, sessions, audit).
        let client = app.client.clone();
        let url = app.url("/api/v1/auth/login");
        tasks.push(tokio::spawn(async move {
            client
                .post(url)
                .json(&serde_json::json!({"username": "field", "password": "field-demo-pass"}))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }));
    }
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    assert!(
        statuses.iter().all(|s| *s == 200 || *s == 201),
        "{statuses:?}"
    );
    assert_eq!(app.get("/api/v1/users", &admin).await.body["total"], 8 + 24);
}

crate::on_both_databases!(migrations_go_up_down_and_up_again);
