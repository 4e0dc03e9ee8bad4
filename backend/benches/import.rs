//! The conversion import of a 50,000-account city (docs/PERFORMANCE.md, docs/import.md).
//!
//! Generates the city's CSV files (customers, premises, meters, services, accounts, reads and
//! winter averages: about 485,000 rows), then, on SQLite (a new file, the server's PRAGMAs) and,
//! when `CISTERN_TEST_PG_URL` names a PostgreSQL server, on a new database there:
//!
//! 1. **baseline**: a bare multi-row insert of the same rows (and the meters' registers) into
//!    empty tables, in one transaction: what writing the data costs at the least;
//! 2. a **dry run** of `domain::import::run` (parse, check, plan) into another empty database;
//! 3. the **import**: `domain::import::run` for real into that database (parse, check, plan,
//!    write, audit, search index), and the ratio import / baseline (the target is at most 3).
//!
//! ```sh
//! cargo bench -p cistern-backend --bench import --profile server
//! cargo bench -p cistern-backend --bench import --profile server -- sqlite
//! CISTERN_BENCH_ACCOUNTS=5000 cargo bench -p cistern-backend --bench import -- postgres
//! ```
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a bench: failing loudly is the point

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use cistern_backend::db::schema::{
    accounts, customers, cycles, meter_reads, meter_registers, meters, premises, services,
    winter_averages,
};
use cistern_backend::db::{now, run_migrations, DbConnection, DbPool};
use cistern_backend::domain::audit::Actor;
use cistern_backend::domain::import::{self, ImportFiles, Options};
use cistern_shared::address::Address;
use cistern_shared::import::ImportOutcome;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;

const STREETS: &[&str] = &[
    "Elm", "Oak", "Cherry", "Dogwood", "Maple", "Cedar", "Birch", "Willow", "Alder", "Spruce",
];
const SUFFIXES: &[&str] = &["St", "Ave", "Rd", "Ln", "Ct", "Dr"];
const FIRST: &[&str] = &[
    "Ana", "Bo", "Carlos", "Dana", "Eli", "Fay", "Gus", "Hana", "Ivan", "Jo", "Kai", "Lena",
];
const LAST: &[&str] = &[
    "Ruiz", "Li", "Lawrence", "Nguyen", "Smith", "Okafor", "Berg", "Costa", "Haddad", "Kim",
];

#[derive(Insertable)]
#[diesel(table_name = customers)]
struct Customer {
    id: String,
    name: String,
    is_organisation: bool,
    mailing_address: String,
    phone: Option<String>,
    email: Option<String>,
    preferred_locale: String,
    notify_email: bool,
    notify_text: bool,
    notify_mail: bool,
    created_at: chrono::NaiveDateTime,
    house_number: Option<String>,
    street: Option<String>,
    suffix: Option<String>,
    city: Option<String>,
    state: Option<String>,
    zip: Option<String>,
}

#[derive(Insertable)]
#[diesel(table_name = premises)]
struct Premise {
    id: String,
    service_address: String,
    house_number: Option<String>,
    street: Option<String>,
    suffix: Option<String>,
    city: Option<String>,
    parcel: Option<String>,
    inside_city: bool,
    cycle_id: String,
    route: String,
    read_sequence: i32,
    dwelling_units: i32,
    created_at: chrono::NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = meters)]
struct Meter {
    id: String,
    serial: String,
    size: String,
    kind: String,
    unit: String,
    status: String,
    premise_id: Option<String>,
    installed_on: Option<NaiveDate>,
    created_at: chrono::NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = meter_registers)]
struct Register {
    meter_id: String,
    code: String,
    digits: i32,
    multiplier: String,
}

#[derive(Insertable)]
#[diesel(table_name = services)]
struct Service {
    id: String,
    premise_id: String,
    service_type: String,
    customer_class: String,
    rate_code: String,
    status: String,
    started_on: NaiveDate,
    created_at: chrono::NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = accounts)]
struct Account {
    id: String,
    number: String,
    customer_id: String,
    premise_id: String,
    status: String,
    occupant: String,
    opened_on: NaiveDate,
    deposit_required_cents: i64,
    paperless: bool,
    autopay: bool,
    created_at: chrono::NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = meter_reads)]
struct Read {
    id: String,
    meter_id: String,
    register_code: String,
    premise_id: Option<String>,
    account_id: Option<String>,
    read_on: NaiveDate,
    reading: i64,
    kind: String,
    source: String,
    created_at: chrono::NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = winter_averages)]
struct Winter {
    premise_id: String,
    season: String,
    average_ccf: String,
    source: String,
    created_at: chrono::NaiveDateTime,
}

/// The city, as the files say it and as rows.
struct City {
    files: BTreeMap<String, String>,
    rows: usize,
    customers: Vec<Customer>,
    premises: Vec<Premise>,
    meters: Vec<Meter>,
    registers: Vec<Register>,
    services: Vec<Service>,
    accounts: Vec<Account>,
    reads: Vec<Read>,
    winter: Vec<Winter>,
}

fn city(n: usize) -> City {
    let at = now();
    let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    let mut c = City {
        files: BTreeMap::new(),
        rows: 0,
        customers: Vec::new(),
        premises: Vec::new(),
        meters: Vec::new(),
        registers: Vec::new(),
        services: Vec::new(),
        accounts: Vec::new(),
        reads: Vec::new(),
        winter: Vec::new(),
    };
    let mut cus = String::from("legacy_id,name,mailing_address,phone,email,preferred_locale\n");
    let mut prm = String::from("legacy_id,service_address,cycle_code,route,read_sequence,parcel\n");
    let mut met = String::from(
        "legacy_id,serial,size,kind,unit,status,premise_legacy_id,installed_on,digits,multiplier\n",
    );
    let mut svc = String::from(
        "legacy_id,premise_legacy_id,service_type,customer_class,rate_code,started_on\n",
    );
    let mut acc = String::from(
        "legacy_id,number,customer_legacy_id,premise_legacy_id,status,occupant,opened_on\n",
    );
    let mut rds = String::from("meter_legacy_id,read_on,reading,account_legacy_id\n");
    let mut win = String::from("premise_legacy_id,season,average_ccf\n");
    for i in 0..n {
        let name = format!("{} {}", FIRST[i % FIRST.len()], LAST[(i / 7) % LAST.len()]);
        let street = format!(
            "{} {} {}",
            100 + i % 9_000,
            STREETS[(i / 3) % STREETS.len()],
            SUFFIXES[(i / 11) % SUFFIXES.len()]
        );
        let city_line = "Keizer OR 97303";
        let phone = format!("503-{:03}-{:04}", 200 + i % 700, i % 10_000);
        let email = format!("c{i}@example.com");
        let locale = if i % 9 == 0 { "es" } else { "en" };
        // Mailing address on two lines, as a quoted cell.
        let _ = writeln!(
            cus,
            "C{i},{name},\"{street}\n{city_line}\",{phone},{email},{locale}"
        );
        // The rows as the import stores them: the address in parts and its display form.
        let mailing = Address::parse(&format!("{street}\n{city_line}")).unwrap();
        c.customers.push(Customer {
            id: format!("cus-LC{i}"),
            name: name.clone(),
            is_organisation: false,
            mailing_address: mailing.one_line(),
            house_number: mailing.house_number.clone(),
            street: Some(mailing.street.clone()),
            suffix: mailing.suffix.clone(),
            city: mailing.city.clone(),
            state: mailing.state.clone(),
            zip: mailing.zip.clone(),
            phone: Some(phone),
            email: Some(email),
            preferred_locale: locale.into(),
            notify_email: false,
            notify_text: false,
            notify_mail: true,
            created_at: at,
        });
        let service_address = format!("{street} Keizer");
        let parcel = format!("074W21B{i:05}");
        let route = format!("{:02}", i % 40);
        let seq = i32::try_from(i % 1_000).unwrap() * 10;
        let _ = writeln!(prm, "P{i},{service_address},C1,{route},{seq},{parcel}");
        let service = Address::parse(&service_address).unwrap();
        c.premises.push(Premise {
            id: format!("prm-LP{i}"),
            service_address: service.one_line(),
            house_number: service.house_number.clone(),
            street: Some(service.street.clone()),
            suffix: service.suffix.clone(),
            city: service.city.clone(),
            parcel: Some(parcel),
            inside_city: true,
            cycle_id: "cyc-1".into(),
            route,
            read_sequence: seq,
            dwelling_units: 1,
            created_at: at,
        });
        let installed = day(
            2010 + i32::try_from(i % 10).unwrap(),
            1 + u32::try_from(i % 12).unwrap(),
            1,
        );
        let _ = writeln!(
            met,
            "M{i},SN-{i:08},5/8,positive_displacement,ccf,installed,P{i},{installed},6,1"
        );
        c.meters.push(Meter {
            id: format!("met-LM{i}"),
            serial: format!("SN-{i:08}"),
            size: "5/8".into(),
            kind: "positive_displacement".into(),
            unit: "ccf".into(),
            status: "installed".into(),
            premise_id: Some(format!("prm-LP{i}")),
            installed_on: Some(installed),
            created_at: at,
        });
        c.registers.push(Register {
            meter_id: format!("met-LM{i}"),
            code: "main".into(),
            digits: 6,
            multiplier: "1".into(),
        });
        let opened = day(
            2015 + i32::try_from(i % 8).unwrap(),
            1 + u32::try_from(i % 12).unwrap(),
            1,
        );
        let mut service = |legacy: String, kind: &str, rate: &str| {
            let _ = writeln!(svc, "{legacy},P{i},{kind},residential,{rate},{opened}");
            c.services.push(Service {
                id: format!("svc-L{legacy}"),
                premise_id: format!("prm-LP{i}"),
                service_type: kind.into(),
                customer_class: "residential".into(),
                rate_code: rate.into(),
                status: "active".into(),
                started_on: opened,
                created_at: at,
            });
        };
        service(format!("S{i}"), "water", "W1");
        if i % 5 == 0 {
            service(format!("T{i}"), "sewer", "S1");
        }
        let number = format!("{:03}-{:05}-{:02}", 100 + i % 800, i, i % 100);
        let _ = writeln!(acc, "A{i},{number},C{i},P{i},active,owner,{opened}");
        c.accounts.push(Account {
            id: format!("acc-LA{i}"),
            number,
            customer_id: format!("cus-LC{i}"),
            premise_id: format!("prm-LP{i}"),
            status: "active".into(),
            occupant: "owner".into(),
            opened_on: opened,
            deposit_required_cents: 0,
            paperless: false,
            autopay: false,
            created_at: at,
        });
        let reads = if i % 2 == 0 { 4 } else { 3 };
        for k in 0..reads {
            let read_on = day(
                2026,
                7 + u32::try_from(k).unwrap(),
                1 + u32::try_from(i % 28).unwrap(),
            );
            let reading = i64::try_from(1_000 + (i % 500) * 10 + k * 12).unwrap();
            let _ = writeln!(rds, "M{i},{read_on},{reading},A{i}");
            c.reads.push(Read {
                id: format!("rd-LM{i}-main-{}", read_on.format("%Y%m%d")),
                meter_id: format!("met-LM{i}"),
                register_code: "main".into(),
                premise_id: Some(format!("prm-LP{i}")),
                account_id: Some(format!("acc-LA{i}")),
                read_on,
                reading,
                kind: "conversion".into(),
                source: "conversion".into(),
                created_at: at,
            });
        }
        let avg = format!("{}.{}", 3 + i % 8, i % 10);
        let _ = writeln!(win, "P{i},2025-26,{avg}");
        c.winter.push(Winter {
            premise_id: format!("prm-LP{i}"),
            season: "2025-26".into(),
            average_ccf: avg,
            source: "conversion".into(),
            created_at: at,
        });
    }
    for (name, text) in [
        ("customers.csv", cus),
        ("premises.csv", prm),
        ("meters.csv", met),
        ("services.csv", svc),
        ("accounts.csv", acc),
        ("reads.csv", rds),
        ("winter_averages.csv", win),
    ] {
        c.files.insert(name.into(), text);
    }
    c.rows = c.customers.len()
        + c.premises.len()
        + c.meters.len()
        + c.services.len()
        + c.accounts.len()
        + c.reads.len()
        + c.winter.len();
    c
}

/// Rows per multi-row statement: under SQLite's 32,766 bound values, at most 1,000.
fn per(columns: usize) -> usize {
    (16_000 / columns).min(1_000)
}

macro_rules! bare_insert {
    ($conn:expr, $table:ident, $rows:expr, $columns:expr) => {
        for chunk in $rows.chunks(per($columns)) {
            cistern_backend::per_backend!(&mut *$conn, |c| diesel::insert_into($table::table)
                .values(chunk)
                .execute(c))
            .unwrap();
        }
    };
}

/// The baseline: the same rows, inserted as they are, in one transaction.
fn bare(conn: &mut DbConnection, c: &City) -> Duration {
    let start = Instant::now();
    conn.transaction::<_, diesel::result::Error, _>(|conn| {
        bare_insert!(conn, customers, c.customers, 17);
        bare_insert!(conn, premises, c.premises, 13);
        bare_insert!(conn, meters, c.meters, 9);
        bare_insert!(conn, meter_registers, c.registers, 4);
        bare_insert!(conn, services, c.services, 8);
        bare_insert!(conn, accounts, c.accounts, 11);
        bare_insert!(conn, meter_reads, c.reads, 10);
        bare_insert!(conn, winter_averages, c.winter, 5);
        Ok(())
    })
    .unwrap();
    start.elapsed()
}

fn prepare(conn: &mut DbConnection) {
    run_migrations(conn).unwrap();
    diesel::insert_into(cycles::table)
        .values((
            cycles::id.eq("cyc-1"),
            cycles::code.eq("C1"),
            cycles::name.eq("Cycle 1"),
            cycles::months_per_bill.eq(1),
        ))
        .execute(conn)
        .unwrap();
}

fn secs(d: Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}

/// Times the baseline on `bare_url` and the import on `import_url` (both empty databases).
fn run(label: &str, bare_url: &str, import_url: &str, city: &City) {
    println!(
        "\n### {label}: {} accounts, {} rows in the files ({} MB of CSV)\n",
        city.accounts.len(),
        city.rows,
        city.files.values().map(String::len).sum::<usize>() / 1_000_000
    );
    let pool = DbPool::new(bare_url, 2).unwrap();
    let base = {
        let mut c = pool.get().unwrap();
        prepare(&mut c);
        bare(&mut c, city)
    };
    drop(pool);

    let pool = DbPool::new(import_url, 2).unwrap();
    prepare(&mut pool.get().unwrap());
    let actor = Actor::system("bench");
    let today = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    let start = Instant::now();
    let files = ImportFiles::from_texts(city.files.clone());
    let dry = import::run(
        &pool,
        &actor,
        &files,
        Options {
            dry_run: true,
            today,
        },
    )
    .unwrap();
    let dry_time = start.elapsed();
    assert_eq!(dry.outcome, ImportOutcome::Ready, "{:?}", dry.problems);

    let start = Instant::now();
    let files = ImportFiles::from_texts(city.files.clone());
    let report = import::run(
        &pool,
        &actor,
        &files,
        Options {
            dry_run: false,
            today,
        },
    )
    .unwrap();
    let import_time = start.elapsed();
    assert_eq!(
        report.outcome,
        ImportOutcome::Imported,
        "{:?}",
        report.problems
    );
    let created: u64 = report.files.iter().map(|f| f.created).sum();
    assert_eq!(created, u64::try_from(city.rows).unwrap());

    println!("| step | time |");
    println!("| --- | ---: |");
    println!(
        "| baseline: bare multi-row insert of the same rows (+ {} registers) | {} |",
        city.registers.len(),
        secs(base)
    );
    println!("| dry run (parse, check, plan) | {} |", secs(dry_time));
    println!(
        "| **import** (parse, check, plan, write, audit, search index) | **{}** |",
        secs(import_time)
    );
    println!(
        "| ratio import / baseline | **{:.2}** (target: at most 3) |",
        import_time.as_secs_f64() / base.as_secs_f64()
    );
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let wants = |b: &str| args.is_empty() || args.iter().any(|a| a == b);
    let n: usize = std::env::var("CISTERN_BENCH_ACCOUNTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(50_000);
    let start = Instant::now();
    let city = city(n);
    eprintln!("(city generated in {})", secs(start.elapsed()));
    if wants("sqlite") {
        let dir = tempfile::tempdir().unwrap();
        let bare_db = dir.path().join("bare.db");
        let import_db = dir.path().join("import.db");
        run(
            "SQLite (file, WAL)",
            &format!("sqlite://{}", bare_db.display()),
            &format!("sqlite://{}", import_db.display()),
            &city,
        );
    }
    if wants("postgres") {
        match std::env::var("CISTERN_TEST_PG_URL") {
            Ok(server) => {
                let id = uuid::Uuid::new_v4().simple().to_string();
                let names = [
                    format!("cistern_bench_bare_{id}"),
                    format!("cistern_bench_import_{id}"),
                ];
                let mut admin = PgConnection::establish(&format!("{server}/postgres")).unwrap();
                for name in &names {
                    admin
                        .batch_execute(&format!("CREATE DATABASE {name}"))
                        .unwrap();
                }
                run(
                    "PostgreSQL",
                    &format!("{server}/{}", names[0]),
                    &format!("{server}/{}", names[1]),
                    &city,
                );
                for name in &names {
                    admin
                        .batch_execute(&format!("DROP DATABASE {name} WITH (FORCE)"))
                        .unwrap();
                }
            }
            Err(_) => eprintln!("(CISTERN_TEST_PG_URL is not set: PostgreSQL skipped)"),
        }
    }
}
