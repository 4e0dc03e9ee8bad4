//! A conversion import that fails after it has started writing: a trigger refuses one meter
//! read, which the import writes after customers, premises, meters, registers, services and
//! accounts (see `write` in domain/import.rs). The API answers an error at once, and nothing
//! of the batch remains — not a customer, not a batch record, not an audit row.

use std::time::Duration;

use diesel::connection::SimpleConnection;
use serde_json::json;

use crate::helpers::{spawn, Db};
use crate::imports::{row_counts, samples};

/// Refuses the sample batch's last read (M-5010's final read of 1512), on either backend.
const SQLITE_TRIGGER: &str = "
    CREATE TRIGGER refuse_one_read BEFORE INSERT ON meter_reads
    WHEN NEW.reading = 1512 AND NEW.source = 'conversion'
    BEGIN SELECT RAISE(ABORT, 'test: this read may not be written'); END;";
const PG_TRIGGER: &str = "
    CREATE FUNCTION refuse_one_read() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF NEW.reading = 1512 AND NEW.source = 'conversion' THEN
            RAISE EXCEPTION 'test: this read may not be written';
        END IF;
        RETURN NEW;
    END $$;
    CREATE TRIGGER refuse_one_read BEFORE INSERT ON meter_reads
    FOR EACH ROW EXECUTE FUNCTION refuse_one_read();";

async fn an_import_failing_midway_leaves_nothing(db: Db) {
    let app = spawn(db).await;
    let admin = app.login("admin").await;
    let body = json!({ "files": samples() });
    // The batch is good: the dry run finds nothing wrong.
    let dry = app
        .post(
            "/api/v1/imports/conversion?dry_run=true",
            &admin,
            body.clone(),
        )
        .await;
    assert_eq!(dry.body["outcome"], "ready", "{}", dry.text);

    app.run(move |c| {
        c.batch_execute(match db {
            Db::Sqlite => SQLITE_TRIGGER,
            Db::Postgres => PG_TRIGGER,
        })
        .expect("create the trigger")
    })
    .await;
    let before = row_counts(&app).await;
    let r = tokio::time::timeout(
        Duration::from_secs(60),
        app.post(
            "/api/v1/imports/conversion?dry_run=false",
            &admin,
            body.clone(),
        ),
    )
    .await
    .expect("the import answers instead of hanging");
    assert_eq!(r.status, 500, "{}", r.text);
    assert_eq!(r.body["code"], "internal", "{}", r.text);
    assert!(
        !r.text.contains("may not be written"),
        "database errors stay in the log: {}",
        r.text
    );
    // customers, premises, meters, registers, services, accounts, reads, winter averages,
    // import batches and the audit trail: all as they were.
    assert_eq!(
        row_counts(&app).await,
        before,
        "a failed import left rows behind"
    );
    let trail = app
        .get("/api/v1/audit?action=import.conversion", &admin)
        .await;
    assert_eq!(trail.body["total"], 0, "{}", trail.text);
    let found = app.get("/api/v1/accounts?q=morales", &admin).await;
    assert_eq!(found.body["total"], 0, "{}", found.text);

    // The pool is healthy afterwards, and once the trigger is gone the same batch imports.
    app.run(move |c| {
        c.batch_execute(match db {
            Db::Sqlite => "DROP TRIGGER refuse_one_read",
            Db::Postgres => "DROP TRIGGER refuse_one_read ON meter_reads",
        })
        .expect("drop the trigger")
    })
    .await;
    let ok = app
        .post("/api/v1/imports/conversion?dry_run=false", &admin, body)
        .await;
    assert_eq!(ok.status, 200, "{}", ok.text);
    assert_eq!(ok.body["outcome"], "imported", "{}", ok.text);
}

crate::on_both_databases!(an_import_failing_midway_leaves_nothing);
