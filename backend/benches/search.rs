//! Account search at 50,000 accounts (docs/PERFORMANCE.md).
//!
//! Builds a city in a temporary SQLite database (and, when `CISTERN_TEST_PG_URL` names a
//! PostgreSQL server, in a new database there), indexes it with `search::reindex_all`, then
//! times `domain::accounts::search` — what `GET /api/v1/accounts?q=` runs, minus HTTP — for a
//! mix of queries, against the baseline it replaced: `lower(column) LIKE '%text%'` over
//! accounts ⋈ customers ⋈ premises (number, name, service address), count + one page.
//! Wall-clock time per call; median and p95.
//!
//! ```sh
//! cargo bench -p cistern-backend --bench search --profile server
//! # only one backend, only some query kinds, a smaller city, keeping the SQLite file:
//! cargo bench -p cistern-backend --bench search --profile server -- sqlite name phone
//! CISTERN_BENCH_ACCOUNTS=5000 cargo bench -p cistern-backend --bench search -- postgres
//! CISTERN_BENCH_SQLITE=/tmp/city.db cargo bench -p cistern-backend --bench search -- sqlite none
//! CISTERN_BENCH_KEEP_PG=1 cargo bench -p cistern-backend --bench search -- postgres none
//! ```
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a bench: failing loudly is the point

use std::time::{Duration, Instant};

use chrono::NaiveDate;
use cistern_backend::db::schema::{accounts, customers, cycles, meters, premises};
use cistern_backend::db::{now, run_migrations, DbConnection, DbTarget};
use cistern_backend::domain::accounts::{search, AccountQuery};
use cistern_backend::domain::search::reindex_all;
use cistern_shared::dto::{AccountStatus, AccountSummaryDto, Page};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;

const FIRST: &[&str] = &[
    "James",
    "Mary",
    "Robert",
    "Patricia",
    "John",
    "Jennifer",
    "Michael",
    "Linda",
    "David",
    "Elizabeth",
    "William",
    "Barbara",
    "Richard",
    "Susan",
    "Joseph",
    "Jessica",
    "Thomas",
    "Sarah",
    "Charles",
    "Karen",
    "Christopher",
    "Lisa",
    "Daniel",
    "Nancy",
    "Matthew",
    "Betty",
    "Anthony",
    "Margaret",
    "Mark",
    "Sandra",
    "Donald",
    "Ashley",
    "Steven",
    "Kimberly",
    "Paul",
    "Emily",
    "Andrew",
    "Donna",
    "Joshua",
    "Michelle",
    "Kenneth",
    "Carol",
    "Kevin",
    "Amanda",
    "Brian",
    "Dorothy",
    "George",
    "Melissa",
    "Timothy",
    "Deborah",
    "Ronald",
    "Stephanie",
    "Edward",
    "Rebecca",
    "Jason",
    "Sharon",
    "Jeffrey",
    "Laura",
    "Ryan",
    "Cynthia",
    "Jacob",
    "Kathleen",
    "Gary",
    "Amy",
    "Nicholas",
    "Angela",
    "Eric",
    "Shirley",
    "Jonathan",
    "Anna",
    "Stephen",
    "Brenda",
    "Larry",
    "Pamela",
    "Justin",
    "Emma",
    "Scott",
    "Nicole",
    "Brandon",
    "Helen",
    "Benjamin",
    "Samantha",
    "Samuel",
    "Katherine",
    "Gregory",
    "Christine",
    "Frank",
    "Debra",
    "Alexander",
    "Rachel",
    "Raymond",
    "Carolyn",
    "Patrick",
    "Janet",
    "Jack",
    "Catherine",
    "José",
    "María",
    "Juan",
    "Guadalupe",
    "Luis",
    "Rosa",
    "Carlos",
    "Ana",
    "Jesús",
    "Sofía",
    "Miguel",
    "Lucía",
    "Francisco",
    "Carmen",
    "Alejandro",
    "Verónica",
    "Nguyen",
    "Linh",
    "Minh",
    "Thi",
    "Wei",
    "Mei",
    "Hiroshi",
    "Yuki",
    "Olga",
    "Dmitri",
    "Ahmed",
    "Fatima",
    "Priya",
    "Raj",
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
    "Gonzalez",
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
    "Robinson",
    "Walker",
    "Young",
    "Allen",
    "King",
    "Wright",
    "Scott",
    "Torres",
    "Nguyen",
    "Hill",
    "Flores",
    "Green",
    "Adams",
    "Nelson",
    "Baker",
    "Hall",
    "Rivera",
    "Campbell",
    "Mitchell",
    "Carter",
    "Roberts",
    "Gomez",
    "Phillips",
    "Evans",
    "Turner",
    "Diaz",
    "Parker",
    "Cruz",
    "Edwards",
    "Collins",
    "Reyes",
    "Stewart",
    "Morris",
    "Morales",
    "Murphy",
    "Cook",
    "Rogers",
    "Gutierrez",
    "Ortiz",
    "Morgan",
    "Cooper",
    "Peterson",
    "Bailey",
    "Reed",
    "Kelly",
    "Howard",
    "Ramos",
    "Kim",
    "Cox",
    "Ward",
    "Richardson",
    "Watson",
    "Brooks",
    "Chavez",
    "Wood",
    "James",
    "Bennett",
    "Gray",
    "Mendoza",
    "Ruiz",
    "Hughes",
    "Price",
    "Alvarez",
    "Castillo",
    "Sanders",
    "Patel",
    "Myers",
    "Long",
    "Ross",
    "Foster",
    "Jimenez",
    "Powell",
    "Jenkins",
    "Perry",
    "Russell",
    "Sullivan",
    "Bell",
    "Coleman",
    "Butler",
    "Henderson",
    "Barnes",
    "Gonzales",
    "Fisher",
    "Vasquez",
    "Simmons",
    "Romero",
    "Jordan",
    "Patterson",
    "Alexander",
    "Hamilton",
    "Graham",
    "Reynolds",
    "Griffin",
    "Wallace",
    "Moreno",
    "West",
    "Cole",
    "Hayes",
    "Bryant",
    "Herrera",
    "Gibson",
    "Ellis",
    "Tran",
    "Medina",
    "Aguilar",
    "Stevens",
    "Murray",
    "Ford",
    "Castro",
    "Marshall",
    "Owens",
    "Harrison",
    "Fernandez",
    "McDonald",
    "Woods",
    "Washington",
    "Kennedy",
    "Wells",
    "Vargas",
    "Henry",
    "Chen",
    "Freeman",
    "Webb",
    "Tucker",
    "Guzman",
    "Burns",
    "Crawford",
    "Olson",
    "Simpson",
    "Porter",
    "Hunter",
    "Gordon",
    "Mendez",
    "Silva",
    "Shaw",
    "Snyder",
    "Mason",
    "Dixon",
    "Muñoz",
    "Hunt",
    "Hicks",
    "Holmes",
    "Palmer",
    "Wagner",
    "Black",
    "Robertson",
    "Boyd",
    "Rose",
    "Stone",
    "Salazar",
    "Fox",
    "Warren",
    "Mills",
    "Meyer",
    "Rice",
    "Schmidt",
    "Garza",
    "Daniels",
    "Ferguson",
    "Nichols",
    "Stephens",
    "Soto",
    "Weaver",
    "Ryan",
    "Gardner",
    "Payne",
    "Grant",
    "Dunn",
    "Kelley",
    "Spencer",
    "Hawkins",
    "Arnold",
    "Pierce",
    "Vazquez",
    "Hansen",
    "Peters",
    "Santos",
    "Hart",
    "Bradley",
    "Knight",
    "Elliott",
    "Cunningham",
    "Duncan",
    "Armstrong",
    "Hudson",
    "Carroll",
    "Lane",
    "Riley",
    "Andrews",
    "Alvarado",
    "Ray",
    "Delgado",
    "Berry",
    "Perkins",
    "Hoffman",
    "Johnston",
    "Matthews",
    "Peña",
    "Richards",
    "Contreras",
    "Willis",
    "Carpenter",
    "Lawrence",
    "Sandoval",
    "O'Brien",
    "Nuñez",
    "Pham",
    "Le",
    "Vo",
    "Huang",
    "Zhang",
    "Wang",
    "Yamamoto",
    "Sato",
    "Ivanov",
    "Kowalski",
    "Novak",
    "Schultz",
    "Becker",
    "Larsen",
    "Olsen",
];
const STREET_NAMES: &[&str] = &[
    "River",
    "Chemawa",
    "Cherry",
    "Verda",
    "Dearborn",
    "Lockhaven",
    "Wheatland",
    "McNary",
    "Shoreline",
    "Clear Lake",
    "Ridge",
    "Manzanita",
    "Alder",
    "Birch",
    "Cedar",
    "Dogwood",
    "Elm",
    "Fir",
    "Hawthorne",
    "Juniper",
    "Laurel",
    "Madrona",
    "Maple",
    "Oak",
    "Pine",
    "Spruce",
    "Sycamore",
    "Walnut",
    "Willow",
    "Aspen",
    "Broadway",
    "Main",
    "Front",
    "Church",
    "Market",
    "Center",
    "Court",
    "State",
    "Union",
    "Commercial",
    "Liberty",
    "High",
    "Summer",
    "Winter",
    "Capitol",
    "Lancaster",
    "Sunnyview",
    "Hayesville",
    "Silverton",
    "Portland",
    "Salem",
    "Keizer",
    "Orchard Heights",
    "Wallace",
    "Glen Creek",
    "Brush College",
    "Doaks Ferry",
    "Eola",
    "Kingwood",
    "Rosemont",
    "Edgewater",
    "Second",
    "Third",
    "Fourth",
    "Fifth",
    "Sixth",
    "Seventh",
    "Eighth",
    "Ninth",
    "Tenth",
    "Brooklake",
    "Hazel Green",
    "Labish",
    "Pudding River",
    "Quinaby",
    "Ravena",
    "Sandy",
    "Tepper",
    "Ulali",
    "Violet",
    "Windsor Island",
    "Candlewood",
    "Meadowlark",
    "Sandpiper",
    "Heron",
    "Kingfisher",
    "Osprey",
    "Plover",
    "Quail",
    "Robin",
    "Sparrow",
    "Thrush",
    "Wren",
    "Bluebird",
    "Cardinal",
    "Dove",
    "Finch",
    "Goldfinch",
    "Jay",
    "Lark",
    "Magpie",
    "Nuthatch",
    "Oriole",
    "Pheasant",
    "Raven",
    "Swallow",
    "Tanager",
    "Vireo",
    "Warbler",
    "Apple Blossom",
    "Cascade",
    "Cinnamon",
    "Delight",
    "Evergreen",
    "Fairway",
    "Greenwood",
    "Harmony",
    "Inland Shores",
    "Jewel",
    "Kurth",
    "Lacey",
    "Mulberry",
    "Newberg",
    "Olympic",
    "Primrose",
    "Quinn",
    "Rockwood",
    "Sabrina",
    "Trinity",
    "Ursula",
    "Vinewood",
    "Woodland",
    "Yorkshire",
    "Zena",
    "Bair",
    "Carlson",
    "Dietz",
    "Elizabeth",
    "Faye",
    "Gilbert",
];
const SUFFIXES: &[&str] = &[
    "St", "Ave", "Rd", "Dr", "Ln", "Ct", "Way", "Pl", "Blvd", "Loop",
];
const DIRECTIONS: &[&str] = &["N", "NE", "NE", "NE", "S", "SE", "NW", "W"];
const CITIES: &[(&str, &str)] = &[
    ("Keizer", "97303"),
    ("Keizer", "97303"),
    ("Keizer", "97307"),
    ("Salem", "97301"),
    ("Salem", "97304"),
];
const BUSINESS: &[&str] = &[
    "Auto Repair",
    "Dental",
    "Laundromat",
    "Cafe",
    "Veterinary Clinic",
    "Apartments",
    "Print Shop",
    "Hardware",
    "Nursery",
    "Community Hall",
    "Bakery",
    "Tire Center",
    "Salon",
    "Market",
    "Church",
    "Storage",
    "Plumbing",
    "Insurance",
];

/// A small deterministic generator (xorshift64*), so every run builds the same city.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n as u64).unwrap()
    }
    fn pick<'a>(&mut self, list: &[&'a str]) -> &'a str {
        list[self.below(list.len())]
    }
}

#[derive(Insertable)]
#[diesel(table_name = customers)]
struct Customer {
    id: String,
    name: String,
    is_organisation: bool,
    mailing_address: String,
    phone: Option<String>,
    phone_alt: Option<String>,
    preferred_locale: String,
    created_at: chrono::NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = premises)]
struct Premise {
    id: String,
    service_address: String,
    parcel: Option<String>,
    cycle_id: String,
    route: String,
    read_sequence: i32,
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
    created_at: chrono::NaiveDateTime,
}

/// What the queries look for: real values taken from the generated city.
struct Samples {
    number: String,
    name: (String, String),
    street: String,
    house: String,
    phone: String,
    serial: String,
    parcel: String,
}

fn address(rng: &mut Rng) -> (String, String, String) {
    let house = format!("{}", 100 + rng.below(9800));
    let street = format!(
        "{} {} {}",
        rng.pick(STREET_NAMES),
        rng.pick(SUFFIXES),
        rng.pick(DIRECTIONS)
    );
    let (city, zip) = CITIES[rng.below(CITIES.len())];
    (format!("{house} {street}, {city} OR {zip}"), house, street)
}

/// Builds the city: `n` accounts (one in twelve a closed earlier account at a premise), as
/// many customers, one installed meter at most premises.
fn build_city(c: &mut DbConnection, n: usize) -> Samples {
    let t = now();
    let mut rng = Rng(0x5eed_c1de_u64);
    for (id, code, months) in [("cyc-1", "C1", 1), ("cyc-2", "C2", 1), ("cyc-3", "C3", 2)] {
        diesel::insert_into(cycles::table)
            .values((
                cycles::id.eq(id),
                cycles::code.eq(code),
                cycles::name.eq(code),
                cycles::months_per_bill.eq(months),
            ))
            .execute(c)
            .unwrap();
    }
    let mut custs = Vec::with_capacity(n);
    let mut prems = Vec::new();
    let mut accts = Vec::with_capacity(n);
    let mut mtrs = Vec::new();
    let mut closed_at: std::collections::HashMap<usize, usize> = std::collections::HashMap::new();
    let mut samples: Option<(Samples, String)> = None;
    let base = NaiveDate::from_ymd_opt(2005, 1, 1).unwrap();
    for i in 0..n {
        let closed = i % 12 == 11 && !prems.is_empty();
        let premise_no = if closed {
            rng.below(prems.len())
        } else {
            prems.len()
        };
        let (service, house, street) = address(&mut rng);
        if !closed {
            let cycle = premise_no % 3;
            prems.push(Premise {
                id: format!("prm-{premise_no:06}"),
                service_address: service.clone(),
                parcel: Some(format!(
                    "07{}W{:02}{}{:05}",
                    3 + premise_no % 2,
                    10 + premise_no % 26,
                    ['A', 'B', 'C', 'D'][premise_no % 4],
                    premise_no
                )),
                cycle_id: format!("cyc-{}", cycle + 1),
                route: format!("{:02}", 1 + premise_no % 40),
                read_sequence: i32::try_from(premise_no).unwrap(),
                created_at: t,
            });
            if premise_no % 20 != 7 {
                mtrs.push(Meter {
                    id: format!("mtr-{premise_no:06}"),
                    serial: format!("SN-{}", 30_000_000 + premise_no * 37),
                    size: "5/8".into(),
                    kind: "positive_displacement".into(),
                    unit: "ccf".into(),
                    status: "installed".into(),
                    premise_id: Some(format!("prm-{premise_no:06}")),
                    created_at: t,
                });
            }
        }
        let business = i % 19 == 4;
        let (first, last) = (rng.pick(FIRST), rng.pick(LAST));
        let name = if business {
            format!("{last} {} LLC", rng.pick(BUSINESS))
        } else if i % 29 == 3 {
            format!("{first} & {} {last}", rng.pick(FIRST))
        } else {
            format!("{first} {last}")
        };
        let mailing = match i % 10 {
            0 => format!("PO Box {}, Salem OR 97308", 1000 + i),
            1 => address(&mut rng).0,
            _ => service.clone(),
        };
        let phone = format!(
            "{}-{:03}-{:04}",
            ["503", "971"][i % 2],
            200 + rng.below(800),
            i % 10_000
        );
        custs.push(Customer {
            id: format!("cus-{i:06}"),
            name: name.clone(),
            is_organisation: business,
            mailing_address: mailing,
            phone: (i % 40 != 5).then(|| phone.clone()),
            phone_alt: (i % 3 == 0)
                .then(|| format!("541-{:03}-{:04}", 200 + rng.below(800), rng.below(10_000))),
            preferred_locale: if i % 7 == 0 { "es" } else { "en" }.into(),
            created_at: t,
        });
        let cycle = premise_no % 3;
        accts.push(Account {
            id: format!("acc-{i:06}"),
            number: format!(
                "{}{:02}-{:05}-{:02}",
                cycle + 1,
                1 + premise_no % 40,
                premise_no,
                if closed {
                    // Earlier occupants: -00, -98, -97, ...
                    let k = closed_at.entry(premise_no).or_default();
                    *k += 1;
                    if *k == 1 {
                        0
                    } else {
                        100 - *k
                    }
                } else {
                    1 + i % 3
                }
            ),
            customer_id: format!("cus-{i:06}"),
            premise_id: format!("prm-{premise_no:06}"),
            status: if closed {
                "closed"
            } else {
                [
                    "active",
                    "active",
                    "active",
                    "active",
                    "active",
                    "suspended",
                    "final",
                    "pending",
                ][i % 8]
            }
            .into(),
            occupant: if i % 3 == 1 { "tenant" } else { "owner" }.into(),
            opened_on: base + chrono::Duration::days(i64::try_from(i % 7000).unwrap()),
            created_at: t,
        });
        // The sample: an ordinary account half-way through, at a premise with a meter.
        if samples.is_none() && i >= n / 2 && !closed && !business && i % 29 != 3 {
            if let Some(m) = mtrs
                .last()
                .filter(|m| m.id == format!("mtr-{premise_no:06}"))
            {
                samples = Some((
                    Samples {
                        number: accts.last().unwrap().number.clone(),
                        name: (first.to_owned(), last.to_owned()),
                        street,
                        house,
                        phone,
                        serial: m.serial.clone(),
                        parcel: prems.last().unwrap().parcel.clone().unwrap(),
                    },
                    accts.last().unwrap().id.clone(),
                ));
            }
        }
    }
    let (samples, sample_id) = samples.expect("a sample account");
    eprintln!("   sample account {sample_id}");
    c.transaction(|c| {
        for chunk in custs.chunks(1000) {
            cistern_backend::per_backend!(&mut *c, |c| diesel::insert_into(customers::table)
                .values(chunk)
                .execute(c))?;
        }
        for chunk in prems.chunks(1000) {
            cistern_backend::per_backend!(&mut *c, |c| diesel::insert_into(premises::table)
                .values(chunk)
                .execute(c))?;
        }
        for chunk in accts.chunks(1000) {
            cistern_backend::per_backend!(&mut *c, |c| diesel::insert_into(accounts::table)
                .values(chunk)
                .execute(c))?;
        }
        for chunk in mtrs.chunks(1000) {
            cistern_backend::per_backend!(&mut *c, |c| diesel::insert_into(meters::table)
                .values(chunk)
                .execute(c))?;
        }
        diesel::QueryResult::Ok(())
    })
    .unwrap();
    samples
}

// ---------------------------------------------------------------- the baseline

diesel::define_sql_function!(fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text);

fn like_pattern(q: &str) -> String {
    let mut p = String::from("%");
    for ch in q.trim().to_lowercase().chars() {
        if matches!(ch, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(ch);
    }
    p.push('%');
    p
}

/// The search this replaced (domain::accounts::search before the index), verbatim.
fn baseline(c: &mut DbConnection, q: &AccountQuery) -> Page<AccountSummaryDto> {
    let (page, per_page) = (q.page.unwrap_or(1), q.per_page.unwrap_or(50));
    let filtered = || {
        let mut s = accounts::table
            .inner_join(customers::table)
            .inner_join(premises::table.inner_join(cycles::table))
            .into_boxed();
        if let Some(text) = q.q.as_deref().filter(|t| !t.trim().is_empty()) {
            let pat = like_pattern(text);
            s = s.filter(
                lower(accounts::number)
                    .like(pat.clone())
                    .escape('\\')
                    .or(lower(customers::name).like(pat.clone()).escape('\\'))
                    .or(lower(premises::service_address).like(pat).escape('\\')),
            );
        }
        if let Some(st) = q.status {
            s = s.filter(accounts::status.eq(st.as_str()));
        }
        s
    };
    let total: i64 = filtered().count().get_result(c).unwrap();
    let rows: Vec<(String, String, String, String, String, String)> = filtered()
        .select((
            accounts::id,
            accounts::number,
            accounts::status,
            customers::name,
            premises::service_address,
            cycles::code,
        ))
        .order(accounts::number.asc())
        .limit(per_page)
        .offset((page - 1) * per_page)
        .load(c)
        .unwrap();
    Page {
        items: rows
            .into_iter()
            .map(|r| AccountSummaryDto {
                id: r.0,
                number: r.1,
                status: AccountStatus::parse(&r.2).unwrap(),
                customer_name: r.3,
                service_address: r.4,
                cycle_code: r.5,
            })
            .collect(),
        total,
        page,
        per_page,
    }
}

// ---------------------------------------------------------------- timing

struct Stats {
    median: Duration,
    p95: Duration,
    total: i64,
}

fn time(runs: usize, mut f: impl FnMut() -> i64) -> Stats {
    let mut total = 0;
    for _ in 0..2 {
        total = f();
    }
    let mut samples: Vec<Duration> = (0..runs)
        .map(|_| {
            let t0 = Instant::now();
            std::hint::black_box(f());
            t0.elapsed()
        })
        .collect();
    samples.sort();
    // Nearest rank.
    let p95 = samples[(runs * 95).div_ceil(100) - 1];
    Stats {
        median: samples[runs / 2],
        p95,
        total,
    }
}

fn ms(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1000.0)
}

fn run(label: &str, c: &mut DbConnection, n: usize, pg: bool, only: &[String]) {
    eprintln!("== {label}: building a city of {n} accounts");
    let t0 = Instant::now();
    let s = build_city(c, n);
    let built = t0.elapsed();
    let t0 = Instant::now();
    let indexed = cistern_backend::db::write_on(c, reindex_all).unwrap();
    let index_time = t0.elapsed();
    let rows: i64 =
        diesel::dsl::sql::<diesel::sql_types::BigInt>("SELECT COUNT(*) FROM search_terms")
            .get_result(c)
            .unwrap();
    let vocab: i64 =
        diesel::dsl::sql::<diesel::sql_types::BigInt>("SELECT COUNT(*) FROM search_vocab")
            .get_result(c)
            .unwrap();
    if pg {
        // What autovacuum does soon after a bulk load: statistics and the visibility map.
        c.batch_execute("VACUUM ANALYZE").unwrap();
    }
    let size = if pg {
        diesel::dsl::sql::<diesel::sql_types::BigInt>(
            "SELECT CAST(pg_total_relation_size('search_terms') + pg_total_relation_size('search_vocab') AS BIGINT)",
        )
        .get_result::<i64>(c)
        .unwrap()
    } else {
        0
    };
    println!();
    println!(
        "### {label}: {indexed} accounts (built in {:.1} s), indexed in {:.1} s: {rows} search_terms rows, {vocab} vocabulary words{}",
        built.as_secs_f64(),
        index_time.as_secs_f64(),
        if pg { format!(", {:.0} MB with indexes", size as f64 / 1e6) } else { String::new() }
    );
    println!();
    println!("| query | kind | new: median ms | new: p95 ms | new: total | baseline: median ms | baseline: p95 ms | baseline: total |");
    println!("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    let (first, last) = &s.name;
    let misspelt = misspell(last);
    let queries: Vec<(&str, String, Option<AccountStatus>)> = vec![
        ("account number, exact", s.number.clone(), None),
        (
            "account number, digits only",
            s.number.replace('-', ""),
            None,
        ),
        ("account number, start", s.number[..6].to_owned(), None),
        (
            "name, partial",
            last.chars().take(4).collect::<String>().to_lowercase(),
            None,
        ),
        (
            "name, first + partial last",
            format!("{first} {}", last.chars().take(3).collect::<String>()),
            None,
        ),
        ("name, full", format!("{first} {last}"), None),
        ("name, misspelled", misspelt.clone(), None),
        (
            "name, misspelled (2 words)",
            format!("{first} {misspelt}"),
            None,
        ),
        (
            "address fragment",
            format!("{} {}", s.house, s.street.split(' ').next().unwrap_or("")),
            None,
        ),
        (
            "street, partial",
            s.street[..5.min(s.street.len())].to_owned(),
            None,
        ),
        ("phone", s.phone.clone(), None),
        (
            "phone, last 4",
            s.phone[s.phone.len() - 4..].to_owned(),
            None,
        ),
        ("meter serial", s.serial.clone(), None),
        ("parcel", s.parcel.clone(), None),
        ("common word (worst case)", "ne".to_owned(), None),
        ("city name, every account", "keizer".to_owned(), None),
        (
            "name + status filter",
            last.clone(),
            Some(AccountStatus::Active),
        ),
    ];
    // The harder ends: a common word with a status (the count joins accounts), two common
    // words, and the deepest page a search shows (SEARCH_RESULT_WINDOW) of a common word.
    let harder: Vec<(&str, String, Option<AccountStatus>, i64)> = vec![
        (
            "common word + status filter",
            "ne".to_owned(),
            Some(AccountStatus::Active),
            1,
        ),
        ("two common words", "keizer ne".to_owned(), None, 1),
        (
            "common word, page 20 (the last shown)",
            "ne".to_owned(),
            None,
            20,
        ),
    ];
    let all = queries
        .into_iter()
        .map(|(k, t, s)| (k, t, s, 1))
        .chain(harder);
    for (kind, text, status, page) in all {
        if !only.is_empty() && !only.iter().any(|o| kind.contains(o.as_str())) {
            continue;
        }
        let q = AccountQuery {
            q: Some(text.clone()),
            status,
            page: Some(page),
            per_page: Some(50),
        };
        let new = time(31, || search(c, &q).unwrap().total);
        let old = time(11, || baseline(c, &q).total);
        println!(
            "| `{text}`{}{} | {kind} | {} | {} | {} | {} | {} | {} |",
            status
                .map(|s| format!(" status={}", s.as_str()))
                .unwrap_or_default(),
            if page > 1 {
                format!(" page={page}")
            } else {
                String::new()
            },
            ms(new.median),
            ms(new.p95),
            new.total,
            ms(old.median),
            ms(old.p95),
            old.total
        );
    }
}

/// A typical misspelling: a doubled letter dropped, or else two letters swapped.
fn misspell(name: &str) -> String {
    let chars: Vec<char> = name.to_lowercase().chars().collect();
    for i in 1..chars.len() {
        if chars[i] == chars[i - 1] {
            let mut c = chars.clone();
            c.remove(i);
            return c.into_iter().collect();
        }
    }
    let mut c = chars;
    if c.len() > 3 {
        c.swap(2, 3);
    }
    c.into_iter().collect()
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    // Arguments: `sqlite` and/or `postgres` (default: both); anything else keeps only the
    // query kinds containing it (e.g. `name`, `phone`; `none` times nothing).
    let backends: Vec<&String> = args
        .iter()
        .filter(|a| *a == "sqlite" || *a == "postgres")
        .collect();
    let only: Vec<String> = args
        .iter()
        .filter(|a| *a != "sqlite" && *a != "postgres")
        .cloned()
        .collect();
    let wants = |b: &str| backends.is_empty() || backends.iter().any(|a| *a == b);
    let n: usize = std::env::var("CISTERN_BENCH_ACCOUNTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(50_000);
    if wants("sqlite") {
        let dir = tempfile::tempdir().unwrap();
        // CISTERN_BENCH_SQLITE=path keeps the database there (to look at plans afterwards).
        let path = std::env::var("CISTERN_BENCH_SQLITE")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|_| dir.path().join("bench.db"));
        let mut c = DbTarget::Sqlite(path.display().to_string())
            .connect()
            .unwrap();
        run_migrations(&mut c).unwrap();
        run("SQLite (file, WAL)", &mut c, n, false, &only);
        let bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        println!(
            "\n(SQLite file after the run: {:.0} MB)",
            bytes as f64 / 1e6
        );
    }
    if wants("postgres") {
        match std::env::var("CISTERN_TEST_PG_URL") {
            Ok(server) => {
                let name = format!("cistern_bench_{}", uuid::Uuid::new_v4().simple());
                let mut admin = PgConnection::establish(&format!("{server}/postgres")).unwrap();
                admin
                    .batch_execute(&format!("CREATE DATABASE {name}"))
                    .unwrap();
                {
                    let mut c = DbTarget::Postgres(format!("{server}/{name}"))
                        .connect()
                        .unwrap();
                    run_migrations(&mut c).unwrap();
                    run("PostgreSQL", &mut c, n, true, &only);
                }
                if std::env::var("CISTERN_BENCH_KEEP_PG").is_ok() {
                    eprintln!("(kept the PostgreSQL database {name})");
                } else {
                    admin
                        .batch_execute(&format!("DROP DATABASE {name}"))
                        .unwrap();
                }
            }
            Err(_) => eprintln!("(CISTERN_TEST_PG_URL is not set: PostgreSQL skipped)"),
        }
    }
}
