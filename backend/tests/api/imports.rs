//! The conversion import over HTTP: the documented sample city (docs/import-samples) imports
//! cleanly, a dry run reports every problem and changes nothing, a real run is all or nothing,
//! and repeating a batch changes nothing.

use cistern_backend::db::schema::{
    accounts, audit_log, customers, import_batches, meter_reads, meter_registers, meters, premises,
    services, winter_averages,
};
use diesel::prelude::*;
use serde_json::{json, Map, Value};

use crate::helpers::{assert_problem, spawn, Auth, Db, TestApp};

const PATH: &str = "/api/v1/imports/conversion";

/// The sample files exactly as docs/import.md publishes them.
pub(crate) fn samples() -> Map<String, Value> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/import-samples");
    let mut files = Map::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "csv") {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            files.insert(name, Value::String(std::fs::read_to_string(&path).unwrap()));
        }
    }
    assert_eq!(files.len(), 7, "the seven sample files");
    files
}

fn body(files: &Map<String, Value>) -> Value {
    json!({ "files": files })
}

/// Rows in every table an import writes (and the audit trail).
pub(crate) async fn row_counts(app: &TestApp) -> Vec<i64> {
    app.run(|c| {
        vec![
            customers::table.count().get_result::<i64>(c).unwrap(),
            premises::table.count().get_result::<i64>(c).unwrap(),
            meters::table.count().get_result::<i64>(c).unwrap(),
            meter_registers::table.count().get_result::<i64>(c).unwrap(),
            services::table.count().get_result::<i64>(c).unwrap(),
            accounts::table.count().get_result::<i64>(c).unwrap(),
            meter_reads::table.count().get_result::<i64>(c).unwrap(),
            winter_averages::table.count().get_result::<i64>(c).unwrap(),
            import_batches::table.count().get_result::<i64>(c).unwrap(),
            audit_log::table.count().get_result::<i64>(c).unwrap(),
        ]
    })
    .await
}

fn file_counts(report: &Value, file: &str) -> (i64, i64, i64, i64) {
    let f = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["file"] == file)
        .unwrap_or_else(|| panic!("{file} not in {report}"));
    (
        f["rows"].as_i64().unwrap(),
        f["created"].as_i64().unwrap(),
        f["updated"].as_i64().unwrap(),
        f["unchanged"].as_i64().unwrap(),
    )
}

fn problems(report: &Value) -> Vec<(String, i64, String, String)> {
    report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["file"].as_str().unwrap().to_owned(),
                p["row"].as_i64().unwrap(),
                p["field"].as_str().unwrap().to_owned(),
                p["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

async fn a_dry_run_reports_every_problem_and_changes_nothing(db: Db) {
    let app = spawn(db).await;
    let admin = app.login("admin").await;
    let before = row_counts(&app).await;

    // The samples: ready, with what a real run would do.
    let r = app
        .post(&format!("{PATH}?dry_run=true"), &admin, body(&samples()))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["outcome"], "ready", "{}", r.text);
    assert_eq!(r.body["dry_run"], true);
    assert_eq!(r.body["problem_count"], 0);
    assert_eq!(file_counts(&r.body, "customers.csv"), (11, 11, 0, 0));
    assert_eq!(file_counts(&r.body, "meters.csv"), (11, 11, 0, 0));
    assert_eq!(file_counts(&r.body, "reads.csv"), (12, 12, 0, 0));
    assert_eq!(file_counts(&r.body, "winter_averages.csv"), (9, 9, 0, 0));
    assert_eq!(row_counts(&app).await, before, "a dry run writes nothing");

    // A batch with a problem of every kind: all of them come back, file by file, row by row.
    let mut bad = samples();
    bad.insert(
        "customers.csv".into(),
        "\u{feff}legacy_id,name,mailing_address,email,fax\n\
         X1,Ann Lee,\"1 A St, Riverbend\",not-an-email,\n\
         X1,Bob Lee,12 Elm St Riverbend,,\n"
            .into(),
    );
    bad.insert(
        "accounts.csv".into(),
        "legacy_id,number,customer_legacy_id,premise_legacy_id,status,occupant,opened_on,closed_on\n\
         B1,RB-9001,X1,P-0404,open,owner,2020-02-30,\n\
         B2,RB-0001-01,X1,P-0001,closed,owner,2020-01-01,\n"
            .into(),
    );
    bad.insert(
        "reads.csv".into(),
        "meter_legacy_id,register,read_on,reading\n\
         M-5001,high,2026-10-15,5\n\
         M-5005,main,2026-10-15,10000\n\
         M-9999,main,2026-10-15,1\n"
            .into(),
    );
    bad.insert("notes.csv".into(), "x\n".into());
    let r = app
        .post(&format!("{PATH}?dry_run=true"), &admin, body(&bad))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["outcome"], "invalid");
    let found = problems(&r.body);
    let expected: Vec<(&str, i64, &str, &str)> = vec![
        ("customers.csv", 1, "fax", "unknown_column"),
        ("customers.csv", 2, "email", "invalid"),
        ("customers.csv", 3, "legacy_id", "duplicate"),
        ("accounts.csv", 2, "status", "unknown_value"),
        ("accounts.csv", 2, "opened_on", "invalid"),
        ("accounts.csv", 2, "premise_legacy_id", "unknown_reference"),
        ("accounts.csv", 3, "closed_on", "required"),
        ("reads.csv", 2, "register", "unknown_reference"),
        ("reads.csv", 3, "reading", "range"),
        ("reads.csv", 4, "meter_legacy_id", "unknown_reference"),
        ("notes.csv", 0, "", "unknown_file"),
    ];
    let expected: Vec<(String, i64, String, String)> = expected
        .into_iter()
        .map(|(f, r, c, k)| (f.into(), r, c.into(), k.into()))
        .collect();
    assert_eq!(found, expected, "{}", r.text);
    assert_eq!(r.body["problem_count"], 11);
    let first = &r.body["problems"][1];
    assert!(
        first["message"]
            .as_str()
            .unwrap()
            .contains("not an email address"),
        "{first}"
    );
    assert_eq!(row_counts(&app).await, before, "a dry run writes nothing");
}

async fn a_real_run_imports_the_sample_city(db: Db) {
    let app = spawn(db).await;
    let lead = app.login("lead").await;
    let before = row_counts(&app).await;
    let r = app
        .post(&format!("{PATH}?dry_run=false"), &lead, body(&samples()))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["outcome"], "imported", "{}", r.text);
    assert_eq!(r.body["dry_run"], false);
    assert!(r.body["batch_id"].as_str().is_some_and(|s| !s.is_empty()));
    assert_eq!(file_counts(&r.body, "services.csv"), (21, 21, 0, 0));
    assert_eq!(file_counts(&r.body, "accounts.csv"), (11, 11, 0, 0));
    let after = row_counts(&app).await;
    // customers, premises, meters, registers (one compound), services, accounts, reads,
    // winter averages, one batch, one audit record.
    let added: Vec<i64> = after.iter().zip(&before).map(|(a, b)| a - b).collect();
    assert_eq!(added, vec![11, 10, 11, 12, 21, 11, 12, 9, 1, 1]);

    let checks = app
        .run(|c| {
            let turbine: String = meter_registers::table
                .filter(meter_registers::meter_id.eq("met-LM-5007"))
                .select(meter_registers::multiplier)
                .first(c)
                .unwrap();
            let compound: Vec<(String, i32, String)> = meter_registers::table
                .filter(meter_registers::meter_id.eq("met-LM-5003"))
                .select((
                    meter_registers::code,
                    meter_registers::digits,
                    meter_registers::multiplier,
                ))
                .order(meter_registers::code.asc())
                .load(c)
                .unwrap();
            let meter: (String, String, Option<String>) = meters::table
                .filter(meters::id.eq("met-LM-5003"))
                .select((meters::serial, meters::status, meters::premise_id))
                .first(c)
                .unwrap();
            let last_read: (i64, Option<String>, Option<String>, String, String) =
                meter_reads::table
                    .filter(meter_reads::meter_id.eq("met-LM-5001"))
                    .order(meter_reads::read_on.desc())
                    .select((
                        meter_reads::reading,
                        meter_reads::premise_id,
                        meter_reads::account_id,
                        meter_reads::kind,
                        meter_reads::source,
                    ))
                    .first(c)
                    .unwrap();
            let winter: String = winter_averages::table
                .filter(winter_averages::premise_id.eq("prm-LP-0006"))
                .filter(winter_averages::season.eq("2025-26"))
                .select(winter_averages::average_ccf)
                .first(c)
                .unwrap();
            let account: (String, i64, Option<String>, String) = accounts::table
                .filter(accounts::id.eq("acc-LA-1002"))
                .select((
                    accounts::number,
                    accounts::deposit_required_cents,
                    accounts::owner_copy_customer_id,
                    accounts::occupant,
                ))
                .first(c)
                .unwrap();
            let address: (String, Option<String>, Option<String>, Option<String>) =
                customers::table
                    .filter(customers::id.eq("cus-L10001"))
                    .select((
                        customers::mailing_address,
                        customers::house_number,
                        customers::street,
                        customers::zip,
                    ))
                    .first(c)
                    .unwrap();
            let audit: (String, Option<String>) = audit_log::table
                .filter(audit_log::action.eq("import.conversion"))
                .select((audit_log::entity_type, audit_log::actor_username))
                .first(c)
                .unwrap();
            (
                turbine, compound, meter, last_read, winter, account, address, audit,
            )
        })
        .await;
    let (turbine, compound, meter, last_read, winter, account, address, audit) = checks;
    assert_eq!(turbine, "10");
    assert_eq!(
        compound,
        vec![
            ("high".into(), 6, "10".into()),
            ("low".into(), 6, "1".into())
        ]
    );
    assert_eq!(
        meter,
        (
            "RB7000103".into(),
            "installed".into(),
            Some("prm-LP-0003".into())
        )
    );
    assert_eq!(
        last_read,
        (
            1234,
            Some("prm-LP-0001".into()),
            Some("acc-LA-1001".into()),
            "conversion".into(),
            "conversion".into()
        )
    );
    assert_eq!(winter, "7.125");
    assert_eq!(
        account,
        (
            "RB-0002-02".into(),
            20_000,
            Some("cus-L10002".into()),
            "tenant".into()
        )
    );
    // The two-line mailing address is stored in parts, with its one display form as text.
    assert_eq!(
        address,
        (
            "412 Alder St, Riverbend OR 97351".into(),
            Some("412".into()),
            Some("Alder".into()),
            Some("97351".into())
        )
    );
    assert_eq!(audit, ("import_batch".into(), Some("lead".into())));

    // The imported account reads like any other.
    let a = app.get("/api/v1/accounts/acc-LA-1003", &lead).await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert_eq!(a.body["customer"]["name"], "Riverbend Feed & Seed LLC");
    assert_eq!(a.body["cycle"]["code"], "C1");
}

async fn repeating_a_batch_changes_nothing_and_an_overlap_updates(db: Db) {
    let app = spawn(db).await;
    let admin = app.login("admin").await;
    let first = app
        .post(&format!("{PATH}?dry_run=false"), &admin, body(&samples()))
        .await;
    assert_eq!(first.body["outcome"], "imported", "{}", first.text);
    let after_first = row_counts(&app).await;

    // The same files: recognised by their checksum; not a row written, not even an audit one.
    for dry_run in [true, false] {
        let again = app
            .post(
                &format!("{PATH}?dry_run={dry_run}"),
                &admin,
                body(&samples()),
            )
            .await;
        assert_eq!(again.status, 200, "{}", again.text);
        assert_eq!(again.body["outcome"], "already_imported", "{}", again.text);
        assert_eq!(again.body["batch_id"], first.body["batch_id"]);
        assert_eq!(again.body["checksum"], first.body["checksum"]);
    }
    assert_eq!(row_counts(&app).await, after_first);

    // An overlapping batch: one customer changed, one new, the rest as before.
    let mut files = samples();
    let customers = files["customers.csv"]
        .as_str()
        .unwrap()
        .replace("10009,Robert Hale,", "10009,Robert J. Hale,")
        + "10012,Nadia Petrova,\"5 Ferry Ln\nRiverbend OR 97351\",false,,,,en,false,false,true\n";
    files.insert("customers.csv".into(), Value::String(customers));
    let r = app
        .post(&format!("{PATH}?dry_run=false"), &admin, body(&files))
        .await;
    assert_eq!(r.body["outcome"], "imported", "{}", r.text);
    assert_eq!(file_counts(&r.body, "customers.csv"), (12, 1, 1, 10));
    assert_eq!(file_counts(&r.body, "meters.csv"), (11, 0, 0, 11));
    assert_eq!(file_counts(&r.body, "reads.csv"), (12, 0, 0, 12));
    let after = row_counts(&app).await;
    let added: Vec<i64> = after.iter().zip(&after_first).map(|(a, b)| a - b).collect();
    // One new customer, one batch, one audit record; nothing duplicated.
    assert_eq!(added, vec![1, 0, 0, 0, 0, 0, 0, 0, 1, 1]);
    let name: String = app
        .run(|c| {
            customers::table
                .filter(customers::id.eq("cus-L10009"))
                .select(customers::name)
                .first(c)
                .unwrap()
        })
        .await;
    assert_eq!(name, "Robert J. Hale");
}

async fn one_bad_row_and_nothing_is_written(db: Db) {
    let app = spawn(db).await;
    let admin = app.login("admin").await;
    let before = row_counts(&app).await;
    let mut files = samples();
    let reads = files["reads.csv"].as_str().unwrap().to_owned() + "M-5001,main,2026-11-01,abc,,\n";
    files.insert("reads.csv".into(), Value::String(reads));
    let r = app
        .post(&format!("{PATH}?dry_run=false"), &admin, body(&files))
        .await;
    assert_problem(&r, 422, "validation_failed");
    let fields = r.body["fields"].as_array().unwrap();
    assert_eq!(fields.len(), 1, "{}", r.text);
    assert_eq!(fields[0]["field"], "reads.csv:14:reading");
    assert_eq!(fields[0]["code"], "invalid");
    assert_eq!(row_counts(&app).await, before, "all or nothing");
}

async fn only_admins_and_leads_may_import(db: Db) {
    let app = spawn(db).await;
    let files = body(&samples());
    for user in ["clerk", "field", "auditor", "director", "customer"] {
        let who = app.login(user).await;
        let r = app.post(PATH, &who, files.clone()).await;
        assert_problem(&r, 403, "forbidden");
    }
    let r = app.post(PATH, &Auth::None, files.clone()).await;
    assert_problem(&r, 401, "unauthenticated");
    // Without dry_run it is a dry run.
    let lead = app.login("lead").await;
    let r = app.post(PATH, &lead, files).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["outcome"], "ready");
    assert_eq!(r.body["dry_run"], true);
}

async fn big_batches_fit_and_bad_bodies_are_problems(db: Db) {
    let app = spawn(db).await;
    let admin = app.login("admin").await;
    // Well past the 256 KiB every other route allows.
    let mut text = String::from("legacy_id,name,mailing_address\n");
    for i in 0..12_000 {
        text.push_str(&format!(
            "Z{i},Customer number {i},\"{i} Long Street\nRiverbend OR 97351\"\n"
        ));
    }
    assert!(text.len() > 512 * 1024);
    let r = app
        .post(PATH, &admin, json!({ "files": { "customers.csv": text } }))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        file_counts(&r.body, "customers.csv"),
        (12_000, 12_000, 0, 0)
    );
    // Not the expected JSON, or no files at all: problems, never a 500.
    let r = app.post(PATH, &admin, json!({ "files": ["x"] })).await;
    assert_problem(&r, 400, "malformed_json");
    let r = app
        .post(
            &format!("{PATH}?dry_run=perhaps"),
            &admin,
            json!({ "files": {} }),
        )
        .await;
    assert_problem(&r, 400, "invalid_query");
    let r = app
        .post(
            &format!("{PATH}?dry_run=false"),
            &admin,
            json!({ "files": {} }),
        )
        .await;
    assert_problem(&r, 422, "validation_failed");
    assert_eq!(r.body["fields"][0]["field"], ":0:");
    let r = app.call(reqwest::Method::GET, PATH, &admin, None).await;
    assert_problem(&r, 405, "method_not_allowed");
}

/// Addresses in split columns (under the names legacy systems use) import in parts; a second
/// batch in one-line form updates them; the API shows parts and display form.
async fn split_and_one_line_addresses_import_in_parts(db: Db) {
    let app = spawn(db).await;
    let admin = app.login("admin").await;
    let split = json!({"files": {
        "customers.csv": "legacy_id,name,House Number,Street Name,Street Type,Post Dir,Unit,City,State,ZIP Code,ZIP+4\n\
            S1,Split Sam,1208 1/2,Main,Street,NE,Apt 3,Lyons,OR,97358,0042\n",
        "premises.csv": "legacy_id,house_number,street,suffix,unit,city,state,zip,cycle_code,route,read_sequence\n\
            SP1,77,Quarry,Rd,Lot 7,Lyons,OR,97358,C1,01,10\n",
    }});
    let r = app
        .post(&format!("{PATH}?dry_run=false"), &admin, split)
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["outcome"], "imported", "{}", r.text);
    let c = app.get("/api/v1/customers/cus-LS1", &admin).await;
    assert_eq!(c.status, 200, "{}", c.text);
    assert_eq!(
        c.body["mailing_address"],
        "1208 1/2 Main St NE Apt 3, Lyons OR 97358-0042"
    );
    assert_eq!(c.body["mailing_address_parts"]["house_number"], "1208 1/2");
    assert_eq!(c.body["mailing_address_parts"]["zip4"], "0042");
    let p = app.get("/api/v1/premises/prm-LSP1", &admin).await;
    assert_eq!(
        p.body["service_address"],
        "77 Quarry Rd Lot 7, Lyons OR 97358"
    );
    assert_eq!(p.body["service_address_parts"]["unit"], "Lot 7");

    let one_line = json!({"files": {
        "customers.csv": "legacy_id,name,mailing_address\nS1,Split Sam,\"RR 2 Box 15\nLyons OR 97358\"\n",
    }});
    let r = app
        .post(&format!("{PATH}?dry_run=false"), &admin, one_line)
        .await;
    assert_eq!(r.body["outcome"], "imported", "{}", r.text);
    let c = app.get("/api/v1/customers/cus-LS1", &admin).await;
    assert_eq!(c.body["mailing_address"], "RR 2 Box 15, Lyons OR 97358");
    let parts = &c.body["mailing_address_parts"];
    assert_eq!(parts["street"], "RR 2 Box 15");
    assert!(
        parts.get("house_number").is_none() && parts.get("zip4").is_none(),
        "{parts}"
    );
}

crate::on_both_databases!(
    split_and_one_line_addresses_import_in_parts,
    a_dry_run_reports_every_problem_and_changes_nothing,
    a_real_run_imports_the_sample_city,
    repeating_a_batch_changes_nothing_and_an_overlap_updates,
    one_bad_row_and_nothing_is_written,
    only_admins_and_leads_may_import,
    big_batches_fit_and_bad_bodies_are_problems,
);
