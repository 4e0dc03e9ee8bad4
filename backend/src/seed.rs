//! The demo city: three billing cycles, a few hundred accounts, and one sign-in per role, so
//! a newcomer sees the product at work. Deterministic, and a no-op when already loaded.

use chrono::{Duration, NaiveDate};
use cistern_shared::Role;
use diesel::prelude::*;

use crate::auth::{token_hash, PasswordPolicy};
use crate::db::schema::{accounts, api_keys, customers, cycles, premises};
use crate::db::{now, DbConnection, DbPool};
use crate::domain::audit::{self, Actor, Change};
use crate::domain::users::UserRow;
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
        let existing: i64 = cycles::table.count().get_result(c)?;
        if existing > 0 {
            let n: i64 = accounts::table.count().get_result(c)?;
            return Ok(DemoSummary {
                loaded_now: false,
                accounts: n,
                sign_ins: demo_sign_ins(),
            });
        }
        let n = load_city(c)?;
        load_users(c, &hashed)?;
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
        Ok(DemoSummary {
            loaded_now: true,
            accounts: n,
            sign_ins: demo_sign_ins(),
        })
    })
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
        new_customers.push(NewCustomer {
            id: customer_id.clone(),
            name: if i == 0 { "Maria Garcia".into() } else { name },
            is_organisation: is_business,
            mailing_address: mailing,
            phone: Some(format!("503-555-{:04}", 1000 + i)),
            email: (i % 2 == 0).then(|| format!("customer{}@example.org", i + 1)),
            preferred_locale: if i % 6 == 0 { "es" } else { "en" }.into(),
            created_at: t,
        });
        let premise_id = id("prm", i + 1);
        new_premises.push(NewPremise {
            id: premise_id.clone(),
            service_address: address,
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
        new_customers.push(NewCustomer {
            id: customer_id.clone(),
            name: format!(
                "{} {}",
                FIRST[(k * 5 + 3) % FIRST.len()],
                LAST[(k * 3 + 1) % LAST.len()]
            ),
            is_organisation: false,
            mailing_address: format!("{} Forwarding Ave, Salem OR 97302", 200 + k),
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

fn load_users(c: &mut DbConnection, hashed: &[(Role, String, Option<String>)]) -> ApiResult<()> {
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
            &UserRow {
                id: user_id.clone(),
                username: username.clone(),
                display_name: display.to_owned(),
                role: role.as_str().to_owned(),
                password_hash: hash.clone(),
                active: true,
                locale: "en".into(),
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
                .execute(c)?;
        }
    }
    Ok(())
}
