//! Account search (`GET /api/v1/accounts?q=`) over the demo city: names (misspelled too),
//! addresses, account numbers, phones, parcels, meter serials; ranking and paging.

use cistern_backend::db::schema::{customers, meters};
use cistern_backend::db::{now, DbError};
use diesel::prelude::*;
use serde_json::Value;

use crate::helpers::{assert_problem, spawn, Auth, Db, TestApp};

async fn find(app: &TestApp, who: &Auth, q: &str) -> Value {
    let path = format!("/api/v1/accounts?q={}&per_page=200", urlencode(q));
    let r = app.get(&path, who).await;
    assert_eq!(r.status, 200, "{q}: {}", r.text);
    r.body
}

fn urlencode(q: &str) -> String {
    q.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn items(page: &Value) -> &Vec<Value> {
    page["items"].as_array().unwrap()
}

fn ids(page: &Value) -> Vec<&str> {
    items(page)
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect()
}

fn names(page: &Value) -> Vec<String> {
    items(page)
        .iter()
        .map(|a| a["customer_name"].as_str().unwrap().to_lowercase())
        .collect()
}

/// Runs `f` on a connection of the app's database, in one transaction.
async fn write<T: Send + 'static>(
    app: &TestApp,
    f: impl FnOnce(&mut cistern_backend::db::DbConnection) -> Result<T, DbError> + Send + 'static,
) -> T {
    let pool = app.pool.clone();
    tokio::task::spawn_blocking(move || pool.write(|tx| f(tx)))
        .await
        .unwrap()
        .unwrap()
}

async fn misspelled_and_accented_names_are_found(db: Db) {
    let app = spawn(db).await;
    let clerk = app.login("clerk").await;
    let exact = find(&app, &clerk, "garcia").await;
    assert!(ids(&exact).contains(&"acc-00001"));
    for q in ["Garsia", "GARCÍA", "garcía"] {
        let page = find(&app, &clerk, q).await;
        assert_eq!(page["total"], exact["total"], "{q}");
        assert!(names(&page).iter().all(|n| n.contains("garcia")), "{q}");
    }
    let johnson = find(&app, &clerk, "johnson").await;
    assert!(johnson["total"].as_i64().unwrap() > 0);
    for q in ["Jonson", "jhonson"] {
        let page = find(&app, &clerk, q).await;
        assert_eq!(page["total"], johnson["total"], "{q}");
        assert!(names(&page).iter().all(|n| n.contains("johnson")), "{q}");
    }
    // Partial and misspelled at once is too far: nothing, rather than noise.
    assert_eq!(find(&app, &clerk, "qzx").await["total"], 0);
}

async fn partial_addresses_and_street_abbreviations(db: Db) {
    let app = spawn(db).await;
    let clerk = app.login("clerk").await;
    let full = find(&app, &clerk, "Chemawa Rd NE").await;
    let n = full["total"].as_i64().unwrap();
    assert!(n > 10, "{full}");
    assert!(items(&full).iter().all(|a| a["service_address"]
        .as_str()
        .unwrap()
        .contains("Chemawa Rd NE")));
    for q in [
        "chem",
        "CHEMAWA",
        "chemawa road",
        "chemawa road northeast",
        "Chemawa Rd. N.E.",
    ] {
        assert_eq!(find(&app, &clerk, q).await["total"], n, "{q}");
    }
    // A house number and a street: the exact one first.
    let house = find(&app, &clerk, "100 river").await;
    assert_eq!(ids(&house)[0], "acc-00001", "{house}");
    // Mailing addresses count too (Maria Garcia's mail goes to a PO box in Salem).
    let po = find(&app, &clerk, "po box 1000").await;
    assert_eq!(ids(&po)[0], "acc-00001", "{po}");
}

async fn account_numbers_with_or_without_dashes(db: Db) {
    let app = spawn(db).await;
    let clerk = app.login("clerk").await;
    for q in ["101-0001-01", "101000101", "101 0001 01", " 101-0001-01 "] {
        let page = find(&app, &clerk, q).await;
        assert_eq!(page["total"], 1, "{q}: {page}");
        assert_eq!(ids(&page), ["acc-00001"], "{q}");
    }
    // The start of a number finds the numbers that begin with it, in number order.
    let partial = find(&app, &clerk, "101-00").await;
    let numbers: Vec<&str> = items(&partial)
        .iter()
        .map(|a| a["number"].as_str().unwrap())
        .collect();
    assert!(numbers.len() > 1);
    assert_eq!(numbers[0], "101-0001-01");
    assert!(
        numbers.iter().all(|n| n.starts_with("101-00")),
        "{numbers:?}"
    );
    let mut sorted = numbers.clone();
    sorted.sort_unstable();
    assert_eq!(numbers, sorted);
    // One of its parts, on its own, finds it too.
    assert!(ids(&find(&app, &clerk, "0001").await).contains(&"acc-00001"));
}

async fn phones_and_parcels(db: Db) {
    let app = spawn(db).await;
    let clerk = app.login("clerk").await;
    for q in ["503-555-1000", "(503) 555-1000", "5035551000", "555-1000"] {
        let page = find(&app, &clerk, q).await;
        assert_eq!(ids(&page), ["acc-00001"], "{q}: {page}");
    }
    // The last four digits: the exact one first, then numbers beginning with them.
    let last4 = find(&app, &clerk, "1000").await;
    assert_eq!(ids(&last4)[0], "acc-00001");
    for q in ["073W10A00100", "073w10a00100", "073W-10A-00100"] {
        let page = find(&app, &clerk, q).await;
        assert_eq!(ids(&page), ["acc-00001"], "{q}: {page}");
    }
    // A parcel's start.
    assert!(ids(&find(&app, &clerk, "073W10A").await).contains(&"acc-00001"));
}

async fn meter_serials_of_installed_meters(db: Db) {
    let app = spawn(db).await;
    let clerk = app.login("clerk").await;
    assert_eq!(find(&app, &clerk, "SN-8842117").await["total"], 0);
    write(&app, |c| {
        diesel::insert_into(meters::table)
            .values((
                meters::id.eq("mtr-search-1"),
                meters::serial.eq("SN-8842117"),
                meters::size.eq("5/8"),
                meters::kind.eq("positive_displacement"),
                meters::unit.eq("ccf"),
                meters::status.eq("installed"),
                meters::premise_id.eq("prm-00002"),
                meters::created_at.eq(now()),
            ))
            .execute(c)?;
        Ok(())
    })
    .await;
    for q in ["SN-8842117", "sn8842117", "8842117", "SN-88421"] {
        let page = find(&app, &clerk, q).await;
        assert_eq!(ids(&page), ["acc-00002"], "{q}: {page}");
    }
    // Removed, it no longer finds the account.
    write(&app, |c| {
        diesel::update(meters::table.find("mtr-search-1"))
            .set(meters::status.eq("removed"))
            .execute(c)?;
        Ok(())
    })
    .await;
    assert_eq!(find(&app, &clerk, "SN-8842117").await["total"], 0);
}

async fn every_word_must_match_and_exact_ranks_first(db: Db) {
    let app = spawn(db).await;
    let clerk = app.login("clerk").await;
    for q in ["maria garcia", "Garcia, Maria", "garcia maria"] {
        let page = find(&app, &clerk, q).await;
        assert_eq!(ids(&page)[0], "acc-00001", "{q}");
        assert!(names(&page).iter().all(|n| n.contains("garcia")), "{q}");
    }
    let two = find(&app, &clerk, "maria chemawa").await;
    assert!(two["total"].as_i64().unwrap() > 0);
    for a in items(&two) {
        assert!(
            a["service_address"].as_str().unwrap().contains("Chemawa"),
            "{a}"
        );
    }
    assert_eq!(find(&app, &clerk, "maria zzzzzz").await["total"], 0);

    // Exact, then prefix, then a misspelling; within each, by account number.
    write(&app, |c| {
        diesel::update(customers::table.find("cus-00100"))
            .set(customers::name.eq("Zed Garsia"))
            .execute(c)?;
        diesel::update(customers::table.find("cus-00200"))
            .set(customers::name.eq("Zed Garciaparra"))
            .execute(c)?;
        Ok(())
    })
    .await;
    let ranked = find(&app, &clerk, "garcia").await;
    let got = ids(&ranked);
    let n = got.len();
    assert!(n > 3);
    assert_eq!(&got[n - 2..], ["acc-00200", "acc-00100"], "{ranked}");
    assert!(names(&ranked)[..n - 2]
        .iter()
        .all(|x| x.contains("garcia ") || x.ends_with("garcia")));
    let exact_numbers: Vec<&str> = items(&ranked)[..n - 2]
        .iter()
        .map(|a| a["number"].as_str().unwrap())
        .collect();
    let mut sorted = exact_numbers.clone();
    sorted.sort_unstable();
    assert_eq!(exact_numbers, sorted);
    // The old name is gone from the index.
    let zed = find(&app, &clerk, "zed").await;
    assert_eq!(zed["total"], 2);
}

async fn paging_is_exact_and_status_filters(db: Db) {
    let app = spawn(db).await;
    let clerk = app.login("clerk").await;
    let all = find(&app, &clerk, "ne").await;
    let total = all["total"].as_i64().unwrap();
    assert!(total > 20);
    let mut seen = Vec::new();
    for page in 1..=4 {
        let r = app
            .get(
                &format!("/api/v1/accounts?q=ne&per_page=7&page={page}"),
                &clerk,
            )
            .await;
        assert_eq!(r.body["total"], total);
        assert_eq!(r.body["page"], page);
        assert_eq!(r.body["per_page"], 7);
        seen.extend(ids(&r.body).into_iter().map(str::to_owned));
    }
    assert_eq!(seen, ids(&all)[..28]);
    // Past the end: no rows, the same total.
    let past = app
        .get("/api/v1/accounts?q=ne&per_page=50&page=20", &clerk)
        .await;
    assert_eq!(past.body["total"], total);
    assert!(items(&past.body).is_empty());
    // Past the best 1,000 matches a search shows: refused, saying so (a list without `q` pages on).
    for path in [
        "/api/v1/accounts?q=ne&per_page=50&page=21",
        "/api/v1/accounts?q=ne&per_page=1&page=1001",
    ] {
        let beyond = app.get(path, &clerk).await;
        assert_problem(&beyond, 422, "validation_failed");
        assert_eq!(beyond.body["fields"][0]["field"], "page", "{}", beyond.text);
        assert_eq!(
            beyond.body["fields"][0]["code"], "beyond_search_window",
            "{}",
            beyond.text
        );
    }
    let last = app
        .get("/api/v1/accounts?q=ne&per_page=1&page=1000", &clerk)
        .await;
    assert_eq!(last.status, 200, "{}", last.text);
    let listed = app
        .get("/api/v1/accounts?per_page=1&page=1001", &clerk)
        .await;
    assert_eq!(listed.status, 200, "{}", listed.text);
    let active = app
        .get("/api/v1/accounts?q=ne&status=active&per_page=200", &clerk)
        .await;
    let n_active = active.body["total"].as_i64().unwrap();
    assert!(n_active > 0 && n_active < total);
    assert!(items(&active.body).iter().all(|a| a["status"] == "active"));
    let closed = app
        .get("/api/v1/accounts?q=forwarding&status=closed", &clerk)
        .await;
    assert_eq!(closed.body["total"], 24, "{}", closed.text);
    // Only punctuation: no words, nothing found.
    assert_eq!(find(&app, &clerk, "%_'").await["total"], 0);
    // Too long a query is refused.
    let long = app
        .get(&format!("/api/v1/accounts?q={}", "a".repeat(101)), &clerk)
        .await;
    assert_problem(&long, 422, "validation_failed");
}

async fn customers_may_not_search(db: Db) {
    let app = spawn(db).await;
    let customer = app.login("customer").await;
    let r = app.get("/api/v1/accounts?q=garcia", &customer).await;
    assert_eq!(r.status, 403, "{}", r.text);
    let integrator = Auth::ApiKey(crate::helpers::DEMO_API_KEY.to_owned());
    let r = app.get("/api/v1/accounts?q=garsia", &integrator).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(ids(&r.body).contains(&"acc-00001"));
}

/// However the page is found (one statement, walks in number order, small batches, each
/// score sorted on its own), it is the same page, on both databases.
async fn every_way_of_paging_gives_the_same_page(db: Db) {
    use cistern_backend::domain::accounts::AccountQuery;
    use cistern_backend::domain::search::{search_tuned, Tuning, TUNING};
    use cistern_shared::dto::AccountStatus;
    let app = spawn(db).await;
    let pool = app.pool.clone();
    tokio::task::spawn_blocking(move || {
        let tunings = [
            Tuning { broad: 0, ..TUNING },
            Tuning {
                broad: 0,
                walk_batch: 4,
                ..TUNING
            },
            Tuning {
                broad: 0,
                walk_budget: 0,
                ..TUNING
            },
            Tuning {
                broad: 0,
                walk_budget: 30,
                walk_batch: 9,
            },
        ];
        let mut c = pool.get().unwrap();
        for text in [
            "ne",
            "keizer or",
            "mari",
            "garsia",
            "chemawa road",
            "1000",
            "maria ne",
        ] {
            for status in [None, Some(AccountStatus::Active)] {
                for (page, per_page) in [(1, 10), (2, 25), (5, 3), (1, 200)] {
                    let q = AccountQuery {
                        q: Some(text.into()),
                        status,
                        page: Some(page),
                        per_page: Some(per_page),
                    };
                    let want = search_tuned(&mut c, &q, TUNING).unwrap();
                    for t in tunings {
                        let got = search_tuned(&mut c, &q, t).unwrap();
                        assert_eq!(got, want, "{text} {status:?} {page}/{per_page} {t:?}");
                    }
                }
            }
        }
    })
    .await
    .unwrap();
}

/// Fuzzy, partial and paged searches answer byte for byte the same on both databases.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_databases_search_identically() {
    let lite = spawn(Db::Sqlite).await;
    let pg = spawn(Db::Postgres).await;
    let (a, b) = (lite.login("auditor").await, pg.login("auditor").await);
    let queries = [
        "garsia",
        "jonson",
        "mari",
        "ne",
        "chemawa road",
        "101-00",
        "1000",
        "073w",
        "maria ne",
        "st",
        "willamete",
        "keizer or",
    ];
    for q in queries {
        for extra in [
            "&per_page=200",
            "&per_page=9&page=2",
            "&status=active&per_page=50",
        ] {
            let p = format!("/api/v1/accounts?q={}{extra}", urlencode(q));
            let x = lite.get(&p, &a).await.body;
            let y = pg.get(&p, &b).await.body;
            assert_ne!(x, Value::Null, "{p}");
            assert_eq!(x, y, "{p} differs between SQLite and PostgreSQL");
        }
    }
}

crate::on_both_databases!(
    misspelled_and_accented_names_are_found,
    partial_addresses_and_street_abbreviations,
    account_numbers_with_or_without_dashes,
    phones_and_parcels,
    meter_serials_of_installed_meters,
    every_word_must_match_and_exact_ranks_first,
    paging_is_exact_and_status_filters,
    customers_may_not_search,
    every_way_of_paging_gives_the_same_page,
);
