//! Races (issue 9, point 5): every "at most one" rule holds when N identical requests arrive
//! at once, on PostgreSQL (several connections, no writer lock to hide a read-then-write) as
//! on SQLite. Each burst gives exactly one success and N-1 clear 409s with the rule's own
//! code, never a 500 and never two rows. Also (point 6): usernames are unique in any case,
//! and the meter search takes LIKE's wildcards as text and caps its query's length.

use serde_json::{json, Value};

use crate::helpers::{assert_problem, spawn_with, Auth, Db, Reply, TestApp};

/// Starts the demo city with enough connections for the burst to race in the database.
async fn city(db: Db) -> TestApp {
    spawn_with(db, |c| c.pool_size = 12).await
}

/// Sends every body to `path` at once (one task each) and answers the replies.
async fn burst(app: &TestApp, path: &str, auth: &Auth, bodies: Vec<Value>) -> Vec<Reply> {
    let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(bodies.len()));
    let mut tasks = Vec::new();
    for body in bodies {
        let client = app.client.clone();
        let url = app.url(path);
        let auth = auth.clone();
        let barrier = barrier.clone();
        tasks.push(tokio::spawn(async move {
            let mut req = client.post(url).json(&body);
            req = match &auth {
                Auth::Bearer(t) => req.bearer_auth(t),
                Auth::ApiKey(k) => req.header("X-Api-Key", k),
                Auth::None => req,
            };
            barrier.wait().await;
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
        }));
    }
    let mut replies = Vec::new();
    for t in tasks {
        replies.push(t.await.expect("join"));
    }
    replies
}

/// Exactly one 201 and every other reply a 409 problem with `code`; answers the 201.
fn one_winner(replies: &[Reply], code: &str) -> Value {
    let tally = |rs: &[Reply]| {
        let mut t = std::collections::BTreeMap::new();
        for r in rs {
            let key = format!(
                "{} {}",
                r.status.as_u16(),
                r.body["code"].as_str().unwrap_or("")
            );
            *t.entry(key).or_insert(0usize) += 1;
        }
        t
    };
    let expected = std::collections::BTreeMap::from([
        ("201 ".to_owned(), 1),
        (format!("409 {code}"), replies.len() - 1),
    ]);
    let texts: Vec<&String> = replies
        .iter()
        .filter(|r| r.status != 201)
        .map(|r| &r.text)
        .collect();
    assert_eq!(
        tally(replies),
        expected,
        "answers (status code): {texts:#?}"
    );
    for r in replies.iter().filter(|r| r.status != 201) {
        assert_problem(r, 409, code);
    }
    replies
        .iter()
        .find(|r| r.status == 201)
        .map(|r| r.body.clone())
        .unwrap_or_default()
}

/// One number from the database (`sql` selects `CAST(... AS BIGINT) AS n`).
async fn number(app: &TestApp, sql: String) -> i64 {
    app.run(move |c| {
        use diesel::prelude::*;
        #[derive(QueryableByName)]
        struct N {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        diesel::sql_query(sql).get_result::<N>(c).expect("query").n
    })
    .await
}

/// A vacant demo premise with a meter installed, preferably one that had occupants before
/// (its next account number continues the last one's, the path that once collided).
async fn vacant_premise(app: &TestApp) -> String {
    app.run(|c| {
        use diesel::prelude::*;
        #[derive(QueryableByName)]
        struct P {
            #[diesel(sql_type = diesel::sql_types::Text)]
            id: String,
        }
        diesel::sql_query(
            "SELECT p.id AS id FROM premises p \
             WHERE EXISTS (SELECT 1 FROM meters m WHERE m.premise_id = p.id AND m.status = 'installed') \
               AND NOT EXISTS (SELECT 1 FROM accounts a WHERE a.premise_id = p.id \
                               AND a.status IN ('pending', 'active', 'suspended')) \
             ORDER BY (SELECT COUNT(*) FROM accounts a WHERE a.premise_id = p.id) DESC, p.id \
             LIMIT 1",
        )
        .get_result::<P>(c)
        .expect("the demo city has a vacant premise with a meter")
        .id
    })
    .await
}

async fn concurrent_move_ins_open_one_account(db: Db) {
    let app = city(db).await;
    let clerk = app.login("clerk").await;
    let premise = vacant_premise(&app).await;
    let accounts_before = number(
        &app,
        "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM accounts".into(),
    )
    .await;
    let customers_before = number(
        &app,
        "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM customers".into(),
    )
    .await;
    let bodies = (0..10)
        .map(|i| {
            json!({
                "new_customer": {"name": format!("Racer {i}"), "mailing_address": "12 Elm St, Keizer OR 97303"},
                "premise_id": premise, "occupant": "tenant", "start_on": "2026-12-01"
            })
        })
        .collect();
    let replies = burst(&app, "/api/v1/move-ins", &clerk, bodies).await;
    let won = one_winner(&replies, "premise_occupied");
    assert_eq!(won["account"]["status"], "pending", "{won}");
    let accounts_after = number(
        &app,
        "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM accounts".into(),
    )
    .await;
    assert_eq!(accounts_after, accounts_before + 1, "one new account row");
    let open = number(
        &app,
        format!(
            "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM accounts WHERE premise_id = '{premise}' \
             AND status IN ('pending', 'active', 'suspended')"
        ),
    )
    .await;
    assert_eq!(open, 1, "one open account at the premise");
    // The refused move-ins left no customer behind either.
    let customers_after = number(
        &app,
        "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM customers".into(),
    )
    .await;
    assert_eq!(customers_after, customers_before + 1);
    // The turn-on order came with it, once.
    let orders = number(
        &app,
        format!(
            "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM service_orders WHERE premise_id = '{premise}' \
             AND status = 'open' AND order_type = 'turn_on'"
        ),
    )
    .await;
    assert_eq!(orders, 1);

    // A new premise, never occupied and with no meter yet: every move-in names the same meter
    // from stock to set, and the account numbers come from the counter (distinct), so without
    // the rule nothing else would stop a second account.
    let r = app
        .post(
            "/api/v1/premises",
            &clerk,
            json!({"service_address": "4460 Wheatland Rd N, Keizer OR 97303", "cycle_code": "C1", "route": "02", "read_sequence": 9991}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let fresh = r.body["id"].as_str().unwrap().to_owned();
    let r = app
        .post(
            "/api/v1/meters",
            &app.login("lead").await,
            json!({"serial": "RACE-SET-1", "size": "5/8", "kind": "positive_displacement", "unit": "ccf",
                   "registers": [{"code": "main", "digits": 4, "multiplier": "1"}]}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let meter = r.body["id"].as_str().unwrap().to_owned();
    let bodies = (0..10)
        .map(|i| {
            json!({
                "customer_id": format!("cus-{:05}", i + 1),
                "premise_id": fresh, "occupant": "owner", "start_on": "2026-12-01", "meter_id": meter
            })
        })
        .collect();
    let replies = burst(&app, "/api/v1/move-ins", &clerk, bodies).await;
    one_winner(&replies, "premise_occupied");
    let open = number(
        &app,
        format!("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM accounts WHERE premise_id = '{fresh}'"),
    )
    .await;
    assert_eq!(open, 1, "one account at the new premise");
}

async fn concurrent_identical_orders_create_one(db: Db) {
    let app = city(db).await;
    let clerk = app.login("clerk").await;
    let body =
        json!({"order_type": "leak_check", "premise_id": "prm-00010", "due_on": "2026-12-03"});
    let open = || {
        number(
            &app,
            "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM service_orders WHERE premise_id = 'prm-00010' \
             AND order_type = 'leak_check' AND status = 'open'"
                .into(),
        )
    };
    let before = open().await;
    assert_eq!(before, 0, "the demo premise has no open leak check");
    let replies = burst(
        &app,
        "/api/v1/service-orders",
        &clerk,
        vec![body.clone(); 12],
    )
    .await;
    one_winner(&replies, "duplicate_open_order");
    assert_eq!(open().await, 1, "one order row");
    // A duplicate the request allows is still created (and stored as allowed), also at once.
    let mut allowed = body.clone();
    allowed["allow_duplicate"] = json!(true);
    let replies = burst(&app, "/api/v1/service-orders", &clerk, vec![allowed; 3]).await;
    assert!(
        replies.iter().all(|r| r.status == 201),
        "{:?}",
        replies.iter().map(|r| &r.text).collect::<Vec<_>>()
    );
    assert_eq!(open().await, 4);
    let numbers: std::collections::HashSet<String> = replies
        .iter()
        .map(|r| r.body["number"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(numbers.len(), 3, "every order has its own number");
}

async fn concurrent_usernames_in_any_case_create_one(db: Db) {
    let app = city(db).await;
    let admin = app.login("admin").await;
    let names = [
        "RaceUser", "raceuser", "RACEUSER", "rAceUser", "raCeuser", "racEUSER", "RACEuser",
        "raceUSER", "RaCeUsEr", "rAcEuSeR", "RAceuser", "raceusER",
    ];
    // Integrators sign in with a key, so no password is hashed: the creations meet in the
    // database at once (a password's hash would space them out).
    let bodies = names
        .iter()
        .map(|u| json!({"username": u, "display_name": "Race User", "role": "integrator"}))
        .collect();
    let replies = burst(&app, "/api/v1/users", &admin, bodies).await;
    one_winner(&replies, "username_taken");
    let rows = number(
        &app,
        "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM users WHERE lower(username) = 'raceuser'".into(),
    )
    .await;
    assert_eq!(rows, 1, "one user row");
    // Sign-in finds a user in any case.
    let r = app
        .post(
            "/api/v1/users",
            &admin,
            json!({"username": "Mixed.Case", "display_name": "Mixed Case", "role": "clerk", "password": "race-user-pass-1"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    for name in ["mixed.case", "MIXED.CASE", "Mixed.Case"] {
        let r = app.login_reply(name, "race-user-pass-1").await;
        assert_eq!(r.status, 200, "{name}: {}", r.text);
    }
    // One at a time too: a demo user's name in another case is taken.
    let r = app
        .post(
            "/api/v1/users",
            &admin,
            json!({"username": "Clerk", "display_name": "Another", "role": "clerk", "password": "race-user-pass-2"}),
        )
        .await;
    assert_problem(&r, 409, "username_taken");
    assert_eq!(r.body["fields"][0]["field"], "username", "{}", r.text);
    assert_eq!(
        app.login_reply("CLERK", "clerk-demo-pass").await.status,
        200
    );
}

async fn concurrent_meters_with_one_serial_create_one(db: Db) {
    let app = city(db).await;
    let lead = app.login("lead").await;
    let body = json!({"serial": "race-0001", "size": "5/8", "kind": "positive_displacement", "unit": "ccf",
                      "registers": [{"code": "main", "digits": 4, "multiplier": "1"}]});
    let replies = burst(&app, "/api/v1/meters", &lead, vec![body; 10]).await;
    one_winner(&replies, "meter_serial_taken");
    for r in replies.iter().filter(|r| r.status == 409) {
        assert_eq!(r.body["fields"][0]["field"], "serial", "{}", r.text);
    }
    let rows = number(
        &app,
        "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM meters WHERE serial = 'RACE-0001'".into(),
    )
    .await;
    assert_eq!(rows, 1, "one meter row");
}

async fn meter_search_takes_wildcards_as_text(db: Db) {
    let app = city(db).await;
    let lead = app.login("lead").await;
    for serial in ["WILD_1", "WILDX1", "WILD%2", "WILDYY2", "WILD\\3", "WILDZ3"] {
        let r = app
            .post(
                "/api/v1/meters",
                &lead,
                json!({"serial": serial, "size": "5/8", "kind": "positive_displacement", "unit": "ccf",
                       "registers": [{"code": "main", "digits": 4, "multiplier": "1"}]}),
            )
            .await;
        assert_eq!(r.status, 201, "{serial}: {}", r.text);
    }
    let serials = |r: &Reply| -> Vec<String> {
        r.body
            .as_array()
            .unwrap_or_else(|| panic!("{}", r.text))
            .iter()
            .map(|m| m["serial"].as_str().unwrap().to_owned())
            .collect()
    };
    let find = |q: &str| {
        let path = format!("/api/v1/meters?q={q}");
        let (app, lead) = (&app, &lead);
        async move { app.get(&path, lead).await }
    };
    assert_eq!(serials(&find("wild_").await), ["WILD_1"]);
    assert_eq!(serials(&find("WILD%25").await), ["WILD%2"]);
    assert_eq!(serials(&find("WILD%5C").await), ["WILD\\3"]);
    assert!(serials(&find("%25").await).is_empty());
    assert!(serials(&find("_").await).is_empty());
    assert_eq!(serials(&find("wild").await).len(), 6);
    // A query longer than any serial is refused, naming the field.
    let long = "A".repeat(101);
    let r = find(&long).await;
    assert_problem(&r, 422, "validation_failed");
    assert_eq!(r.body["fields"][0]["field"], "q", "{}", r.text);
    assert_eq!(r.body["fields"][0]["code"], "length", "{}", r.text);
    assert_eq!(find(&"A".repeat(100)).await.status, 200);
}

/// The migration that adds the rules cannot fail on a database that already breaks them
/// (duplicates made by the races before it, or allowed ones): open duplicate orders are kept
/// and marked as allowed (the oldest stays the one the rule counts), and usernames that
/// differ only in case are kept apart by the later one's id tail.
async fn the_rules_migrate_over_existing_duplicates(db: Db) {
    let app = city(db).await;
    let admin = app.login("admin").await;
    let r = app
        .post(
            "/api/v1/service-orders",
            &app.login("clerk").await,
            json!({"order_type": "leak_check", "premise_id": "prm-00010", "due_on": "2026-12-03"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let open_before = number(
        &app,
        "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM service_orders WHERE status = 'open'".into(),
    )
    .await;
    app.run(|c| {
        use cistern_backend::db::{DbConnection, POSTGRES_MIGRATIONS, SQLITE_MIGRATIONS};
        use diesel::connection::SimpleConnection;
        use diesel_migrations::MigrationHarness;
        // Back to the schema before the rules (this migration and any later ones).
        loop {
            let applied: Vec<String> = match c {
                DbConnection::Sqlite(c) => c.applied_migrations().unwrap(),
                DbConnection::Postgres(c) => c.applied_migrations().unwrap(),
            }
            .iter()
            .map(|v| v.to_string().replace('-', ""))
            .collect();
            if !applied.iter().any(|v| v.as_str() >= "20261202000010") {
                break;
            }
            match c {
                DbConnection::Sqlite(c) => c.revert_last_migration(SQLITE_MIGRATIONS).unwrap(),
                DbConnection::Postgres(c) => c.revert_last_migration(POSTGRES_MIGRATIONS).unwrap(),
            };
        }
        // What the old read-then-write rules let through: a twin of every open order, and a
        // user whose name differs from another's only in case.
        c.batch_execute(
            "INSERT INTO service_orders (id, number, order_type, status, priority, premise_id, \
               account_id, meter_id, new_meter_id, assigned_to, due_on, instructions, created_by, created_at) \
             SELECT id || '-twin', number || '-TWIN', order_type, status, priority, premise_id, \
               account_id, meter_id, new_meter_id, assigned_to, due_on, instructions, created_by, created_at \
             FROM service_orders WHERE status = 'open'; \
             INSERT INTO users (id, username, display_name, role, password_hash, active, locale, \
               customer_id, created_at, updated_at) \
             SELECT id || '-twin', upper(username), display_name, role, password_hash, active, locale, \
               customer_id, created_at, updated_at FROM users WHERE username = 'clerk';",
        )
        .unwrap();
        cistern_backend::db::run_migrations(c).expect("the rules migrate over duplicates");
        assert!(cistern_backend::db::migrations_current(c).unwrap());
    })
    .await;
    let open_after = number(
        &app,
        "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM service_orders WHERE status = 'open'".into(),
    )
    .await;
    assert_eq!(open_after, 2 * open_before, "no order is lost");
    let counted = number(
        &app,
        "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM service_orders \
         WHERE status = 'open' AND allow_duplicate = FALSE"
            .into(),
    )
    .await;
    assert_eq!(
        counted, open_before,
        "the older of each pair is the one the rule counts"
    );
    let twins = number(
        &app,
        "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM service_orders \
         WHERE id LIKE '%-twin' AND allow_duplicate = TRUE"
            .into(),
    )
    .await;
    assert_eq!(twins, open_before);
    // The earlier user keeps the name (and signs in, in any case); the twin was renamed.
    assert_eq!(
        app.login_reply("Clerk", "clerk-demo-pass").await.status,
        200
    );
    let renamed = number(
        &app,
        "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM users \
         WHERE id LIKE '%-twin' AND username LIKE 'CLERK-%'"
            .into(),
    )
    .await;
    assert_eq!(renamed, 1);
    // And the rules hold from now on.
    let r = app
        .post(
            "/api/v1/users",
            &admin,
            json!({"username": "cLeRk", "display_name": "Another", "role": "integrator"}),
        )
        .await;
    assert_problem(&r, 409, "username_taken");
    let r = app
        .post(
            "/api/v1/service-orders",
            &app.login("clerk").await,
            json!({"order_type": "leak_check", "premise_id": "prm-00010", "due_on": "2026-12-04"}),
        )
        .await;
    assert_problem(&r, 409, "duplicate_open_order");
}

crate::on_both_databases!(
    the_rules_migrate_over_existing_duplicates,
    concurrent_move_ins_open_one_account,
    concurrent_identical_orders_create_one,
    concurrent_usernames_in_any_case_create_one,
    concurrent_meters_with_one_serial_create_one,
    meter_search_takes_wildcards_as_text,
);
