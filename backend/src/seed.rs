//! The demo city: three billing cycles, a few hundred accounts, and one sign-in per role, so
//! a newcomer sees the product at work. Deterministic, and a no-op when already loaded.

use chrono::{Duration, NaiveDate};
use cistern_shared::Role;
use diesel::prelude::*;

use crate::auth::{token_hash, PasswordPolicy};
use crate::db::schema::{accounts, api_keys, customers, cycles, premises, users};
use crate::db::{now, DbConnection, DbPool, WriteTx};
use crate::domain::audit::{self, Actor, Change};
use crate::domain::users::User;
use crate::error::{ApiError, ApiResult};

/// The demo integrator's API key. Demo data only: never seed a production database.
pub const DEMO_API_KEY: &str = "cst_demo-integrator-key-not-for-production";

#[derive(Debug, Clone)]
pub struct DemoSignIn {
    pub role: Role,
    pub username: String,
    /// A password, or for the integrator its API key.
    pub secret: String,
}

#[derive(Debug, Clone)]
pub struct DemoSummary {
    /// False when the database already had the demo city.
    pub loaded_now: bool,
    pub accounts: i64,
    pub sign_ins: Vec<DemoSignIn>,
}

const DEMO_USERS: &[(Role, &str, &str)] = &[
    (Role::Admin, "admin", "Avery Admin"),
    (Role::FinanceDirector, "director", "Dana Director"),
    (Role::Lead, "lead", "Lee Lead"),
    (Role::Clerk, "clerk", "Casey Clerk"),
    (Role::Field, "field", "Frankie Field"),
    (Role::Auditor, "auditor", "Aubrey Auditor"),
    (Role::Customer, "customer", "Maria Garcia"),
    (Role::Integrator, "integrator", "Payment Kiosk"),
];

pub fn demo_sign_ins() -> Vec<DemoSignIn> {
    DEMO_USERS
        .iter()
        .map(|(role, username, _)| DemoSignIn {
            role: *role,
            username: (*username).to_owned(),
            secret: if *role == Role::Integrator {
                DEMO_API_KEY.to_owned()
            } else {
                format!("{username}-demo-pass")
            },
        })
        .collect()
}

const FIRST: &[&str] = &[
    "James",
    "Maria",
    "Robert",
    "Linda",
    "Michael",
    "Ana",
    "William",
    "Elizabeth",
    "David",
    "Sofia",
    "Richard",
    "Jennifer",
    "Joseph",
    "Lucia",
    "Thomas",
    "Susan",
    "Carlos",
    "Karen",
    "Daniel",
    "Nancy",
    "Jose",
    "Lisa",
    "Mark",
    "Betty",
    "Luis",
    "Sandra",
    "Paul",
    "Ashley",
    "Steven",
    "Carmen",
];
const LAST: &[&str] = &[
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Perez",
    "Thompson",
    "White",
    "Harris",
    "Sanchez",
    "Clark",
    "Ramirez",
    "Lewis",
];
const STREETS: &[&str] = &[
    "River Rd N",
    "Chemawa Rd NE",
    "Cherry Ave NE",
    "Verda Ln NE",
    "Dearborn Ave NE",
    "Lockhaven Dr NE",
    "Wheatland Rd N",
    "McNary Estates Dr N",
    "Shoreline Dr N",
    "Clear Lake Rd NE",
    "Ridge Dr NE",
    "Manzanita St NE",
];
const BUSINESSES: &[&str] = &[
    "Keizer Station Dental LLC",
    "Riverside Laundromat",
    "Blue Heron Cafe",
    "Northside Auto Care",
    "Willamette Veterinary Clinic",
    "Orchard Heights Apartments LLC",
    "Mid-Valley Print Shop",
    "Cascade Hardware",
    "Green Acres Nursery",
    "St. Edward Community Hall",
];

const ACCOUNTS: usize = 240;
const CLOSED_HISTORY: usize = 24;

#[derive(Insertable)]
#[diesel(table_name = customers)]
struct NewCustomer {
    id: String,
    name: String,
    is_organisation: bool,
    mailing_address: String,
    phone: Option<String>,
    email: Option<String>,
    preferred_locale: String,
    created_at: chrono::NaiveDateTime,
    #[diesel(embed)]
    mailing: crate::db::models::MailingAddress,
}

#[derive(Insertable)]
#[diesel(table_name = premises)]
struct NewPremise {
    id: String,
    service_address: String,
    parcel: Option<String>,
    inside_city: bool,
    cycle_id: String,
    route: String,
    read_sequence: i32,
    created_at: chrono::NaiveDateTime,
    #[diesel(embed)]
    service: crate::db::models::ServiceAddress,
}

/// The demo's addresses are stored as every write stores them: in parts, with the display form
/// as text.
fn mailing(text: &str) -> (String, crate::db::models::MailingAddress) {
    match cistern_shared::address::Address::parse(text) {
        Ok(a) => (a.one_line(), (&a).into()),
        Err(_) => (text.to_owned(), Default::default()),
    }
}

fn service(text: &str) -> (String, crate::db::models::ServiceAddress) {
    match cistern_shared::address::Address::parse(text) {
        Ok(a) if !a.is_foreign() => (a.one_line(), (&a).into()),
        _ => (text.to_owned(), Default::default()),
    }
}

#[derive(Insertable)]
#[diesel(table_name = accounts)]
struct NewAccount {
    id: String,
    number: String,
    customer_id: String,
    premise_id: String,
    status: String,
    occupant: String,
    opened_on: NaiveDate,
    closed_on: Option<NaiveDate>,
    deposit_required_cents: i64,
    created_at: chrono::NaiveDateTime,
}

/// Loads the demo city unless it is there already. One transaction: all or nothing.
pub fn seed_demo(pool: &DbPool, hasher: &PasswordPolicy) -> ApiResult<DemoSummary> {
    // Hash outside the transaction: it is the slow part.
    let mut hashed = Vec::new();
    for s in demo_sign_ins() {
        let hash = if s.role == Role::Integrator {
            None
        } else {
            Some(hasher.hash(&s.secret)?)
        };
        hashed.push((s.role, s.username, hash));
    }
    pool.write(|c| {
        let existing: i64 = cycles::table.count().get_result(c.db())?;
        if existing > 0 {
            let n: i64 = accounts::table.count().get_result(c.db())?;
            return Ok(DemoSummary {
                loaded_now: false,
                accounts: n,
                sign_ins: demo_sign_ins(),
            });
        }
        let n = load_city(c)?;
        load_meters_and_services(c)?;
        load_users(c, &hashed)?;
        load_rates(c)?;
        load_field_and_office_work(c, chrono::Utc::now().date_naive())?;
        audit::record(
            c,
            &Actor::system("seed-demo"),
            Change {
                action: "demo.seed",
                entity_type: "database",
                entity_id: "demo",
                before: None,
                after: Some(serde_json::json!({ "accounts": n })),
                reason: Some("demo data for evaluation"),
            },
        )?;
        crate::domain::search::reindex_all(c)?;
        Ok(DemoSummary {
            loaded_now: true,
            accounts: n,
            sign_ins: demo_sign_ins(),
        })
    })
}

/// The demo users as the seed makes them: (id, username).
fn demo_user_ids() -> Vec<(String, &'static str)> {
    DEMO_USERS
        .iter()
        .enumerate()
        .map(|(i, (_, u, _))| (id("usr", i + 1), *u))
        .collect()
}

/// The demo sign-ins that still work in this database: each demo user (the seed's id and
/// username) that is active, and the demo API key unless revoked. Production refuses to
/// serve while there is any: their passwords and key are published.
pub fn demo_access(c: &mut DbConnection) -> ApiResult<Vec<String>> {
    let mut out = Vec::new();
    for (uid, username) in demo_user_ids() {
        let active: Option<bool> = users::table
            .filter(users::id.eq(&uid))
            .filter(users::username.eq(username))
            .select(users::active)
            .first(c)
            .optional()?;
        if active == Some(true) {
            out.push(format!("user {username}"));
        }
    }
    let keys: i64 = api_keys::table
        .filter(api_keys::key_hash.eq(token_hash(DEMO_API_KEY)))
        .filter(api_keys::revoked_at.is_null())
        .count()
        .get_result(c)?;
    if keys > 0 {
        out.push("the demo API key".into());
    }
    Ok(out)
}

/// Makes the demo sign-ins unusable: deactivates the demo users (their sessions end with
/// them) and revokes the demo API key. The records stay, as the audit trail names them.
pub fn remove_demo_access(tx: &mut WriteTx<'_>, actor: &Actor) -> ApiResult<Vec<String>> {
    let found = demo_access(tx)?;
    if found.is_empty() {
        return Ok(found);
    }
    let t = now();
    for (uid, username) in demo_user_ids() {
        diesel::update(
            users::table
                .filter(users::id.eq(&uid))
                .filter(users::username.eq(username)),
        )
        .set((users::active.eq(false), users::updated_at.eq(t)))
        .execute(tx.db())?;
    }
    diesel::update(
        api_keys::table
            .filter(api_keys::key_hash.eq(token_hash(DEMO_API_KEY)))
            .filter(api_keys::revoked_at.is_null()),
    )
    .set(api_keys::revoked_at.eq(Some(t)))
    .execute(tx.db())?;
    audit::record(
        tx,
        actor,
        Change {
            action: "demo.access_removed",
            entity_type: "database",
            entity_id: "demo",
            before: Some(serde_json::json!({ "usable": found })),
            after: None,
            reason: Some("demo sign-ins removed before production use"),
        },
    )?;
    Ok(found)
}

fn id(prefix: &str, n: usize) -> String {
    // Stable, readable ids for the demo (real records get UUIDv7s).
    format!("{prefix}-{n:05}")
}

fn load_city(c: &mut DbConnection) -> ApiResult<i64> {
    let t = now();
    let cycle_rows = [
        ("cyc-1", "C1", "Cycle 1 — west of River Rd", 1),
        ("cyc-2", "C2", "Cycle 2 — east of River Rd", 1),
        ("cyc-3", "C3", "Cycle 3 — bimonthly, north", 2),
    ];
    for (cid, code, name, months) in cycle_rows {
        diesel::insert_into(cycles::table)
            .values((
                cycles::id.eq(cid),
                cycles::code.eq(code),
                cycles::name.eq(name),
                cycles::months_per_bill.eq(months),
            ))
            .execute(c)?;
    }
    let mut new_customers = Vec::new();
    let mut new_premises = Vec::new();
    let mut new_accounts = Vec::new();
    let base = NaiveDate::from_ymd_opt(2012, 1, 3).ok_or_else(|| ApiError::internal("date"))?;
    for i in 0..ACCOUNTS {
        let cycle = i % 3;
        let street = STREETS[i % STREETS.len()];
        let house = 100 + (i / STREETS.len()) * 20 + (i % 7) * 2;
        let address = format!("{house} {street}, Keizer OR 97303");
        let is_business = i % 24 == 5;
        let name = if is_business {
            BUSINESSES[(i / 24) % BUSINESSES.len()].to_owned()
        } else {
            format!(
                "{} {}",
                FIRST[(i * 7) % FIRST.len()],
                LAST[(i * 11 + i / 3) % LAST.len()]
            )
        };
        // About a third rent; their mail goes to the service address, owners' sometimes elsewhere.
        let tenant = i % 3 == 1;
        let mailing = if !tenant && i % 5 == 0 {
            format!("PO Box {}, Salem OR 97301", 1000 + i)
        } else {
            address.clone()
        };
        let customer_id = id("cus", i + 1);
        let (mailing, mailing_parts) = self::mailing(&mailing);
        new_customers.push(NewCustomer {
            id: customer_id.clone(),
            name: if i == 0 { "Maria Garcia".into() } else { name },
            is_organisation: is_business,
            mailing_address: mailing,
            mailing: mailing_parts,
            phone: Some(format!("503-555-{:04}", 1000 + i)),
            email: (i % 2 == 0).then(|| format!("customer{}@example.org", i + 1)),
            preferred_locale: if i % 6 == 0 { "es" } else { "en" }.into(),
            created_at: t,
        });
        let premise_id = id("prm", i + 1);
        let (address, service_parts) = service(&address);
        new_premises.push(NewPremise {
            id: premise_id.clone(),
            service_address: address,
            service: service_parts,
            parcel: Some(format!(
                "073W{:02}{}{:05}",
                10 + cycle,
                ['A', 'B', 'C', 'D'][i % 4],
                100 + i * 10
            )),
            inside_city: i % 17 != 0,
            cycle_id: cycle_rows[cycle].0.into(),
            route: format!("{:02}", 1 + (i / 3) % 4),
            read_sequence: i32::try_from(10 * (i + 1)).unwrap_or(i32::MAX),
            created_at: t,
        });
        let opened = base + Duration::days(i64::try_from(i * 13 % 4000).unwrap_or(0));
        let status = match i % 40 {
            7 => "suspended",
            13 => "final",
            29 => "pending",
            _ => "active",
        };
        new_accounts.push(NewAccount {
            id: id("acc", i + 1),
            number: format!("{}{:02}-{:04}-01", cycle + 1, 1 + (i / 3) % 4, i + 1),
            customer_id,
            premise_id,
            status: status.into(),
            occupant: if tenant { "tenant" } else { "owner" }.into(),
            opened_on: opened,
            closed_on: None,
            // Carlton Resolution #81: a $200 deposit for renters.
            deposit_required_cents: if tenant { 20_000 } else { 0 },
            created_at: t,
        });
    }
    // Earlier occupants of some premises: closed accounts, so history shows moves.
    for k in 0..CLOSED_HISTORY {
        let i = k * 10 + 3;
        let cycle = i % 3;
        let customer_id = id("cus", ACCOUNTS + k + 1);
        let forwarding = mailing(&format!("{} Forwarding Ave, Salem OR 97302", 200 + k));
        new_customers.push(NewCustomer {
            id: customer_id.clone(),
            name: format!(
                "{} {}",
                FIRST[(k * 5 + 3) % FIRST.len()],
                LAST[(k * 3 + 1) % LAST.len()]
            ),
            is_organisation: false,
            mailing_address: forwarding.0,
            mailing: forwarding.1,
            phone: None,
            email: None,
            preferred_locale: "en".into(),
            created_at: t,
        });
        let closed_on = base + Duration::days(i64::try_from(i * 13 % 4000).unwrap_or(0) - 1);
        new_accounts.push(NewAccount {
            id: id("acc", ACCOUNTS + k + 1),
            number: format!("{}{:02}-{:04}-00", cycle + 1, 1 + (i / 3) % 4, i + 1),
            customer_id,
            premise_id: id("prm", i + 1),
            status: "closed".into(),
            occupant: "tenant".into(),
            opened_on: closed_on - Duration::days(700),
            closed_on: Some(closed_on),
            deposit_required_cents: 20_000,
            created_at: t,
        });
    }
    // Batches keep each statement well under SQLite's bound-parameter limit.
    for chunk in new_customers.chunks(100) {
        crate::per_backend!(&mut *c, |c| diesel::insert_into(customers::table)
            .values(chunk)
            .execute(c))?;
    }
    for chunk in new_premises.chunks(100) {
        crate::per_backend!(&mut *c, |c| diesel::insert_into(premises::table)
            .values(chunk)
            .execute(c))?;
    }
    for chunk in new_accounts.chunks(100) {
        crate::per_backend!(&mut *c, |c| diesel::insert_into(accounts::table)
            .values(chunk)
            .execute(c))?;
    }
    Ok(i64::try_from(new_accounts.len()).unwrap_or(i64::MAX))
}

fn load_users(c: &mut WriteTx<'_>, hashed: &[(Role, String, Option<String>)]) -> ApiResult<()> {
    let t = now();
    for (role, username, hash) in hashed {
        let display = DEMO_USERS
            .iter()
            .find(|(_, u, _)| u == username)
            .map(|(_, _, d)| *d)
            .unwrap_or("Demo user");
        let user_id = id(
            "usr",
            DEMO_USERS
                .iter()
                .position(|(_, u, _)| u == username)
                .unwrap_or(0)
                + 1,
        );
        crate::domain::users::insert(
            c,
            &User {
                id: user_id.clone(),
                username: username.clone(),
                display_name: display.to_owned(),
                role: *role,
                password_hash: hash.clone(),
                active: true,
                locale: cistern_shared::dto::Locale::En,
                customer_id: (*role == Role::Customer).then(|| id("cus", 1)),
                created_at: t,
                updated_at: t,
            },
        )?;
        if *role == Role::Integrator {
            diesel::insert_into(api_keys::table)
                .values((
                    api_keys::id.eq(id("key", 1)),
                    api_keys::user_id.eq(&user_id),
                    api_keys::prefix.eq(DEMO_API_KEY.chars().take(10).collect::<String>()),
                    api_keys::key_hash.eq(token_hash(DEMO_API_KEY)),
                    api_keys::created_at.eq(t),
                ))
                .execute(c.db())?;
        }
    }
    Ok(())
}

/// Keizer's published rates (shared/src/rates/examples, sources cited in each document):
/// water, Salem's sewer passed through with a lag, and the city fees, in their versions.
const DEMO_RATES: &[&str] = &[
    include_str!("../../shared/src/rates/examples/keizer-water.json"),
    include_str!("../../shared/src/rates/examples/keizer-sewer-2015.json"),
    include_str!("../../shared/src/rates/examples/keizer-sewer-2016.json"),
    include_str!("../../shared/src/rates/examples/keizer-city-fees-2015.json"),
    include_str!("../../shared/src/rates/examples/keizer-city-fees-2017-11.json"),
];

/// The demo rate books, written by the lead and approved by the finance director (a second
/// person, as maker-checker requires).
fn load_rates(c: &mut WriteTx<'_>) -> ApiResult<()> {
    let user = |name: &str| {
        DEMO_USERS
            .iter()
            .position(|(_, u, _)| *u == name)
            .map(|p| id("usr", p + 1))
            .ok_or_else(|| ApiError::internal("demo user missing"))
    };
    let (maker, checker) = (user("lead")?, user("director")?);
    for doc in DEMO_RATES {
        crate::domain::rates::seed_approved(c, &Actor::system("seed-demo"), &maker, &checker, doc)?;
    }
    Ok(())
}

#[derive(Insertable)]
#[diesel(table_name = crate::db::schema::meters)]
struct NewMeter {
    id: String,
    serial: String,
    size: String,
    kind: String,
    unit: String,
    manufacturer: Option<String>,
    model: Option<String>,
    endpoint_serial: Option<String>,
    status: String,
    premise_id: Option<String>,
    installed_on: Option<NaiveDate>,
    created_at: chrono::NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = crate::db::schema::meter_registers)]
struct NewRegister {
    meter_id: String,
    code: String,
    digits: i32,
    multiplier: String,
}

#[derive(Insertable)]
#[diesel(table_name = crate::db::schema::meter_reads)]
struct NewRead {
    id: String,
    meter_id: String,
    register_code: String,
    premise_id: Option<String>,
    account_id: Option<String>,
    read_on: NaiveDate,
    reading: i64,
    kind: String,
    source: String,
    created_by: Option<String>,
    created_at: chrono::NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = crate::db::schema::services)]
struct NewService {
    id: String,
    premise_id: String,
    service_type: String,
    customer_class: String,
    rate_code: String,
    status: String,
    esu: Option<String>,
    started_on: NaiveDate,
    created_at: chrono::NaiveDateTime,
}

/// A meter at every premise with three monthly reads, ten meters in stock, and water, sewer
/// and (for most) stormwater service, so the account pages and field work have something real.
fn load_meters_and_services(c: &mut DbConnection) -> ApiResult<()> {
    let t = now();
    let mut m = Vec::new();
    let mut regs = Vec::new();
    let mut reads = Vec::new();
    let mut svcs = Vec::new();
    let first_read =
        NaiveDate::from_ymd_opt(2026, 8, 1).ok_or_else(|| ApiError::internal("date"))?;
    for i in 0..ACCOUNTS {
        let business = i % 24 == 5;
        let meter_id = id("mtr", i + 1);
        let premise_id = id("prm", i + 1);
        m.push(NewMeter {
            id: meter_id.clone(),
            serial: format!("BM{:07}", 4_100_000 + i),
            size: if business { "1-1/2" } else { "5/8" }.into(),
            kind: if business {
                "compound"
            } else {
                "positive_displacement"
            }
            .into(),
            unit: "ccf".into(),
            manufacturer: Some("Badger Meter".into()),
            model: Some(
                if business {
                    "Recordall Compound"
                } else {
                    "Recordall M25"
                }
                .into(),
            ),
            endpoint_serial: Some(format!("{}", 80_000_000 + i * 7)),
            status: "installed".into(),
            premise_id: Some(premise_id.clone()),
            installed_on: Some(
                NaiveDate::from_ymd_opt(2015, 5, 1).ok_or_else(|| ApiError::internal("date"))?,
            ),
            created_at: t,
        });
        let codes: &[&str] = if business {
            &["low", "high"]
        } else {
            &["main"]
        };
        for code in codes {
            regs.push(NewRegister {
                meter_id: meter_id.clone(),
                code: (*code).into(),
                digits: 6,
                multiplier: "1".into(),
            });
            // Monthly reads: residential use of 4 to 12 CCF, a business more.
            let mut reading = i64::try_from(1000 + i * 37 % 9000).unwrap_or(1000);
            for month in 0..3u32 {
                let read_on = first_read
                    .checked_add_months(chrono::Months::new(month))
                    .ok_or_else(|| ApiError::internal("date"))?;
                reads.push(NewRead {
                    id: format!("rd-{:05}-{code}-{month}", i + 1),
                    meter_id: meter_id.clone(),
                    register_code: (*code).into(),
                    premise_id: Some(premise_id.clone()),
                    account_id: Some(id("acc", i + 1)),
                    read_on,
                    reading,
                    kind: "regular".into(),
                    source: "field".into(),
                    created_by: Some("system:seed-demo".into()),
                    created_at: t,
                });
                let used = if business {
                    30 + (i % 11) * 3
                } else {
                    4 + (i + month as usize) % 9
                };
                reading += i64::try_from(used).unwrap_or(0);
            }
        }
        let class = if business { "commercial" } else { "sfr" };
        let started =
            NaiveDate::from_ymd_opt(2015, 5, 1).ok_or_else(|| ApiError::internal("date"))?;
        let mut add = |kind: &str, rate: &str, esu: Option<&str>| {
            svcs.push(NewService {
                id: format!("svc-{:05}-{kind}", i + 1),
                premise_id: premise_id.clone(),
                service_type: kind.into(),
                customer_class: class.into(),
                rate_code: rate.into(),
                status: "active".into(),
                esu: esu.map(str::to_owned),
                started_on: started,
                created_at: t,
            });
        };
        add("water", if business { "W-COM" } else { "W-RES" }, None);
        add("sewer", if business { "S-COM" } else { "S-RES" }, None);
        if i % 5 != 4 {
            add(
                "stormwater",
                "STORM",
                Some(if business { "3" } else { "1" }),
            );
        }
    }
    for k in 0..10 {
        let meter_id = id("mtr", ACCOUNTS + k + 1);
        m.push(NewMeter {
            id: meter_id.clone(),
            serial: format!("BM{:07}", 4_200_000 + k),
            size: "5/8".into(),
            kind: "positive_displacement".into(),
            unit: "ccf".into(),
            manufacturer: Some("Badger Meter".into()),
            model: Some("Recordall M25".into()),
            endpoint_serial: None,
            status: "in_stock".into(),
            premise_id: None,
            installed_on: None,
            created_at: t,
        });
        regs.push(NewRegister {
            meter_id,
            code: "main".into(),
            digits: 6,
            multiplier: "1".into(),
        });
    }
    use crate::db::schema::{meter_reads, meter_registers, meters, services};
    for chunk in m.chunks(50) {
        crate::per_backend!(&mut *c, |c| diesel::insert_into(meters::table)
            .values(chunk)
            .execute(c))?;
    }
    for chunk in regs.chunks(100) {
        crate::per_backend!(&mut *c, |c| diesel::insert_into(meter_registers::table)
            .values(chunk)
            .execute(c))?;
    }
    for chunk in reads.chunks(50) {
        crate::per_backend!(&mut *c, |c| diesel::insert_into(meter_reads::table)
            .values(chunk)
            .execute(c))?;
    }
    for chunk in svcs.chunks(50) {
        crate::per_backend!(&mut *c, |c| diesel::insert_into(services::table)
            .values(chunk)
            .execute(c))?;
    }
    Ok(())
}

/// A week's field and office work, so the order board, a field user's "My orders" and the
/// account pages have something to show: open orders (one overdue, one unassigned), notes,
/// a contact log and a complaint in progress. Made through the domain functions, so they are
/// numbered and audited as real ones are. Due dates are relative to `today`.
fn load_field_and_office_work(c: &mut WriteTx<'_>, today: NaiveDate) -> ApiResult<()> {
    use cistern_shared::complaints::{
        ComplaintCategory, ComplaintInput, ComplaintStatus, ComplaintUpdate,
    };
    use cistern_shared::contacts::{ContactChannel, ContactDirection, ContactInput};
    use cistern_shared::notes::NoteInput;
    use cistern_shared::orders::{CreateServiceOrder, OrderType, Priority};

    use crate::db::schema::users;
    use crate::domain::{complaints, contacts, notes, orders};

    let actor = Actor::system("seed-demo");
    let user = |c: &mut DbConnection, name: &str| -> ApiResult<String> {
        Ok(users::table
            .filter(users::username.eq(name))
            .select(users::id)
            .first(c)?)
    };
    let field = user(c, "field")?;
    let lead = user(c, "lead")?;
    let clerk = user(c, "clerk")?;
    // The active account at a premise, and its customer.
    let at = |c: &mut DbConnection, premise: &str| -> ApiResult<(String, String)> {
        Ok(accounts::table
            .filter(accounts::premise_id.eq(premise))
            .filter(accounts::status.eq("active"))
            .select((accounts::id, accounts::customer_id))
            .first(c)?)
    };
    let day = |d: i64| today + Duration::days(d);
    // (type, premise number, assignee, due in days from today, priority, instructions)
    type Work<'a> = (OrderType, usize, Option<&'a str>, i64, Priority, &'a str);
    let work: [Work<'_>; 6] = [
        (
            OrderType::Reread,
            31,
            Some(&field),
            -2,
            Priority::High,
            "Read looks high: 48 CCF against 9 last month. Check the register and look for a leak.",
        ),
        (
            OrderType::LeakCheck,
            32,
            Some(&field),
            0,
            Priority::Normal,
            "Customer hears water running at the meter box.",
        ),
        (
            OrderType::Reread,
            33,
            Some(&field),
            1,
            Priority::Normal,
            "Dial obscured by dirt on the last read.",
        ),
        (
            OrderType::Locate,
            34,
            Some(&field),
            3,
            Priority::Low,
            "Utility locate ticket for a fence; mark the service line.",
        ),
        (
            OrderType::LeakCheck,
            35,
            None,
            2,
            Priority::Urgent,
            "Water bubbling up in the parking strip by the meter.",
        ),
        (
            OrderType::Reread,
            36,
            Some(&lead),
            4,
            Priority::Normal,
            "Verify the read before the cycle is billed.",
        ),
    ];
    for (order_type, n, who, due, priority, instructions) in work {
        let premise = id("prm", n);
        let (account, _) = at(c, &premise)?;
        orders::create(
            c,
            &actor,
            &CreateServiceOrder {
                order_type,
                premise_id: premise,
                account_id: Some(account),
                meter_id: None,
                new_meter_id: None,
                assigned_to: who.map(str::to_owned),
                due_on: day(due),
                priority,
                instructions: Some(instructions.to_owned()),
                allow_duplicate: false,
            },
        )?;
    }
    // The high-bill account: a note, the calls about it, and a complaint being worked.
    let (account, customer) = at(c, &id("prm", 31))?;
    notes::add_note(
        c,
        &actor,
        &account,
        &NoteInput {
            body: "High-bill dispute: reread ordered; hold collection until it is back.".into(),
            pinned: true,
        },
    )?;
    for (channel, direction, subject, body) in [
        (ContactChannel::Phone, ContactDirection::Inbound, "Questioned the November bill", "Usage 48 CCF vs 9 usual. No new appliances, no irrigation. Explained reread and leak check."),
        (ContactChannel::Phone, ContactDirection::Outbound, "Left a message about the reread", "Reread scheduled; will call back with the result."),
    ] {
        contacts::add_contact(
            c,
            &actor,
            &customer,
            &ContactInput {
                account_id: Some(account.clone()),
                channel,
                direction,
                subject: subject.into(),
                body: Some(body.into()),
            },
        )?;
    }
    let complaint = complaints::open_complaint(
        c,
        &actor,
        &ComplaintInput {
            customer_id: customer,
            account_id: Some(account),
            category: ComplaintCategory::HighBill,
            description: "Customer disputes a bill five times their usual use.".into(),
            owner_id: Some(clerk),
        },
    )?;
    complaints::update_complaint(
        c,
        &actor,
        &complaint.id,
        &ComplaintUpdate {
            status: Some(ComplaintStatus::InProgress),
            owner_id: None,
            resolution: None,
        },
    )?;
    Ok(())
}
