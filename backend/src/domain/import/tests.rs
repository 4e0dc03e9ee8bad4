use super::*;
use chrono::NaiveDate;
use cistern_shared::meters::RegisterCode;
use cistern_shared::FieldCode;
use rust_decimal::Decimal;

use crate::db::schema::{customers, cycles, meter_registers, premises};

fn batch(list: &[(&str, &str)]) -> ImportFiles {
    ImportFiles::from_texts(
        list.iter()
            .map(|(n, t)| ((*n).to_owned(), (*t).to_owned()))
            .collect(),
    )
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 27).unwrap()
}

/// The problems found without a database, as (file, row, field, code).
fn parse_problems(files: &ImportFiles) -> Vec<(String, u64, String, String)> {
    let mut p = files.problems.clone();
    let _ = parse_batch(files, &mut p, today());
    p.sorted()
        .1
        .into_iter()
        .map(|p| (p.file, p.row, p.field, p.code.as_str().to_owned()))
        .collect()
}

fn has(
    problems: &[(String, u64, String, String)],
    file: &str,
    row: u64,
    field: &str,
    code: FieldCode,
) -> bool {
    problems
        .iter()
        .any(|p| p.0 == file && p.1 == row && p.2 == field && p.3 == code.as_str())
}

const CUSTOMERS: &str = "legacy_id,name,mailing_address\nC1,Ana Ruiz,\"12 Elm St\nKeizer OR 97303\"\nC2,Bo Li,14 Elm St Keizer\n";

#[test]
fn dates_are_iso_and_real() {
    assert_eq!(
        parse_date("2015-03-02"),
        NaiveDate::from_ymd_opt(2015, 3, 2).ok_or(String::new())
    );
    for bad in [
        "2015-3-2",
        "03/02/2015",
        "2015-02-30",
        "2015-13-01",
        "1850-01-01",
        "20150302",
        "2015-03-02T00:00",
    ] {
        assert!(parse_date(bad).is_err(), "{bad}");
    }
}

#[test]
fn decimals_are_exact_and_plain() {
    assert_eq!(parse_decimal("1.5", 2), Ok(Decimal::new(15, 1)));
    assert_eq!(parse_decimal("10", 0), Ok(Decimal::from(10)));
    for bad in [
        "", "-1", "1e5", "1,000", "$5", "1.", ".5", "1.234", " 1", "1_000", "NaN",
    ] {
        assert!(parse_decimal(bad, 2).is_err(), "{bad}");
    }
    assert_eq!(decimal_text(Decimal::new(1000, 3)), "1");
    assert_eq!(decimal_text(Decimal::new(25, 2)), "0.25");
    assert_eq!(decimal_text(Decimal::from(10)), "10");
}

#[test]
fn seasons_span_two_years() {
    assert_eq!(parse_season("2015-16"), Ok("2015-16".into()));
    assert_eq!(parse_season("1999-00"), Ok("1999-00".into()));
    for bad in [
        "2015-17",
        "2015",
        "2015/16",
        "15-16",
        "2015-2016",
        "abcd-ef",
    ] {
        assert!(parse_season(bad).is_err(), "{bad}");
    }
}

#[test]
fn a_clean_file_parses_with_multi_line_addresses() {
    let f = batch(&[("customers.csv", CUSTOMERS)]);
    let mut p = Problems::default();
    let b = parse_batch(&f, &mut p, today());
    assert!(p.is_empty(), "{:?}", p.list);
    assert_eq!(b.customers.count, 2);
    let first = &b.customers.rows[0];
    assert_eq!(first.line, 2);
    assert_eq!(first.rec.id, "cus-LC1");
    // Stored in parts, with the one display form as text.
    assert_eq!(first.rec.mailing_address, "12 Elm St, Keizer OR 97303");
    assert_eq!(first.rec.mailing.city.as_deref(), Some("Keizer"));
    assert!(first.rec.notify_mail && !first.rec.notify_email);
    // The second record starts on line 4: the first one spans two lines.
    assert_eq!(b.customers.rows[1].line, 4);
}

#[test]
fn a_byte_order_mark_and_header_case_are_ignored() {
    let text = "\u{feff}Legacy_ID, NAME ,Mailing_Address\r\nC1,Ana,12 Elm St\r\n";
    let f = batch(&[("Customers.CSV", text)]);
    assert!(parse_problems(&f).is_empty());
    let bytes = [b"\xef\xbb\xbf".as_slice(), CUSTOMERS.as_bytes()].concat();
    let g = ImportFiles::from_bytes(vec![("customers.csv".into(), bytes)]);
    assert!(parse_problems(&g).is_empty());
    // The same content, BOM or not, is the same batch.
    assert_eq!(
        g.checksum(),
        batch(&[("customers.csv", CUSTOMERS)]).checksum()
    );
}

#[test]
fn encodings_other_than_utf8_are_refused() {
    let latin1 = b"legacy_id,name,mailing_address\nC1,Jos\xe9,12 Elm St\n".to_vec();
    let f = ImportFiles::from_bytes(vec![("customers.csv".into(), latin1)]);
    let p = parse_problems(&f);
    assert!(
        has(&p, "customers.csv", 2, "", FieldCode::InvalidEncoding),
        "{p:?}"
    );
    let utf16 = vec![0xff, 0xfe, b'l', 0];
    let g = ImportFiles::from_bytes(vec![("customers.csv".into(), utf16)]);
    assert!(has(
        &parse_problems(&g),
        "customers.csv",
        0,
        "",
        FieldCode::InvalidEncoding
    ));
}

#[test]
fn empty_files_unknown_files_and_no_files_are_problems() {
    let p = parse_problems(&batch(&[("customers.csv", ""), ("notes.csv", "x")]));
    assert!(has(&p, "customers.csv", 0, "", FieldCode::Empty), "{p:?}");
    assert!(has(&p, "notes.csv", 0, "", FieldCode::UnknownFile), "{p:?}");
    let p = parse_problems(&batch(&[]));
    assert!(has(&p, "", 0, "", FieldCode::Empty), "{p:?}");
    // Only a header: nothing to import, and nothing wrong.
    assert!(parse_problems(&batch(&[(
        "customers.csv",
        "legacy_id,name,mailing_address\n"
    )]))
    .is_empty());
    let p = parse_problems(&batch(&[("customers.csv", "\n\n  \n")]));
    assert!(has(&p, "customers.csv", 0, "", FieldCode::Empty), "{p:?}");
}

#[test]
fn a_wrong_header_is_reported_once_not_per_row() {
    let text = "legacy_id,nombre,mailing_address,name\nC1,x,12 Elm St,Ana\n";
    let p = parse_problems(&batch(&[("customers.csv", text)]));
    assert_eq!(
        p,
        vec![(
            "customers.csv".into(),
            1,
            "nombre".into(),
            "unknown_column".into()
        )]
    );
    let text = "legacy_id,mailing_address\nC1,12 Elm St\nC2,14 Elm St\n";
    let p = parse_problems(&batch(&[("customers.csv", text)]));
    assert_eq!(
        p,
        vec![(
            "customers.csv".into(),
            1,
            "name".into(),
            "missing_column".into()
        )]
    );
    let text = "legacy_id;name;mailing_address\nC1;Ana;12 Elm St\n";
    let p = parse_problems(&batch(&[("customers.csv", text)]));
    assert_eq!(p.len(), 1);
    assert!(has(&p, "customers.csv", 1, "", FieldCode::Invalid));
    let text = "legacy_id,name,name,mailing_address\n";
    let p = parse_problems(&batch(&[("customers.csv", text)]));
    assert!(has(
        &p,
        "customers.csv",
        1,
        "name",
        FieldCode::DuplicateColumn
    ));
}

#[test]
fn every_bad_cell_is_reported_with_its_row_and_column() {
    let text = "legacy_id,name,mailing_address,email,preferred_locale,notify_email,phone\n\
                    C1,Ana,12 Elm St,not-mail,fr,maybe,12\n\
                    C1,Bo,14 Elm St,,,,\n\
                    bad id!,,x,,,,\n\
                    C4,Cy\n";
    let p = parse_problems(&batch(&[("customers.csv", text)]));
    for (row, field, code) in [
        (2, "email", FieldCode::Invalid),
        (2, "preferred_locale", FieldCode::UnknownValue),
        (2, "notify_email", FieldCode::Invalid),
        (2, "phone", FieldCode::TooShort),
        (3, "legacy_id", FieldCode::Duplicate),
        (4, "legacy_id", FieldCode::Invalid),
        (5, "", FieldCode::Invalid),
    ] {
        assert!(
            has(&p, "customers.csv", row, field, code),
            "{row} {field} {code}: {p:?}"
        );
    }
    // The misaligned row says so once, not once per missing cell.
    assert_eq!(p.iter().filter(|x| x.1 == 5).count(), 1, "{p:?}");
}

#[test]
fn control_characters_never_reach_the_database() {
    let text =
        "legacy_id,name,mailing_address\nC1,\"An\u{0}a\",12 Elm St\nC2,\"Bo\nLi\",12 Elm St\n";
    let p = parse_problems(&batch(&[("customers.csv", text)]));
    assert!(
        has(&p, "customers.csv", 2, "name", FieldCode::Invalid),
        "{p:?}"
    );
    assert!(
        has(&p, "customers.csv", 3, "name", FieldCode::Invalid),
        "{p:?}"
    );
}

#[test]
fn meters_need_the_registers_their_kind_has() {
    let head = "legacy_id,serial,size,kind,unit,digits,multiplier,low_digits,low_multiplier,high_digits,high_multiplier\n";
    let text = format!(
        "{head}M1,SER001,5/8,positive_displacement,ccf,6,1,,,,\n\
             M2,SER002,2,compound,ccf,6,,6,1,6,10\n\
             M3,SER003,2,compound,ccf,,,6,1,,\n\
             M4,SER001,1,propeller,litres,2,0,,,,\n\
             M5,SER005,1,turbine,ccf,6,1.1234567,,,,\n"
    );
    let p = parse_problems(&batch(&[("meters.csv", &text)]));
    for (row, field, code) in [
        (3, "digits", FieldCode::Invalid),
        (4, "high_digits", FieldCode::Required),
        (5, "serial", FieldCode::Duplicate),
        (5, "kind", FieldCode::UnknownValue),
        (5, "unit", FieldCode::UnknownValue),
        (6, "multiplier", FieldCode::Invalid),
    ] {
        assert!(
            has(&p, "meters.csv", row, field, code),
            "{row} {field} {code}: {p:?}"
        );
    }
    assert!(!p.iter().any(|x| x.1 == 2), "{p:?}");
    let f = batch(&[(
        "meters.csv",
        &format!("{head}M2,SER002,2,compound,ccf,,,6,1,6,10\n"),
    )]);
    let mut pr = Problems::default();
    let b = parse_batch(&f, &mut pr, today());
    let regs = &b.meters.rows[0].rec.rec.registers;
    assert_eq!(
        regs.iter().map(|r| r.code).collect::<Vec<_>>(),
        vec![RegisterCode::Low, RegisterCode::High]
    );
    assert_eq!(regs[1].multiplier, Decimal::from(10));
}

#[test]
fn reads_and_money_are_checked() {
    let text = "meter_legacy_id,register,read_on,reading\nM1,main,2026-12-01,5\nM1,mid,2026-01-01,5\nM1,main,2026-01-01,-3\nM1,main,2026-01-01,7\n";
    let p = parse_problems(&batch(&[("reads.csv", text)]));
    assert!(
        has(&p, "reads.csv", 2, "read_on", FieldCode::Range),
        "{p:?}"
    );
    assert!(
        has(&p, "reads.csv", 3, "register", FieldCode::UnknownValue),
        "{p:?}"
    );
    assert!(
        has(&p, "reads.csv", 4, "reading", FieldCode::Range),
        "{p:?}"
    );
    assert!(
        has(&p, "reads.csv", 5, "read_on", FieldCode::Duplicate),
        "{p:?}"
    );
    let text = "legacy_id,number,customer_legacy_id,premise_legacy_id,status,occupant,opened_on,deposit_required\n\
                    A1,N1,C1,P1,active,tenant,2020-01-01,200.001\nA2,N2,C1,P1,active,tenant,2020-01-01,12.5\n";
    let f = batch(&[("accounts.csv", text)]);
    let mut pr = Problems::default();
    let b = parse_batch(&f, &mut pr, today());
    assert_eq!(pr.list.len(), 1, "{:?}", pr.list);
    assert_eq!(pr.list[0].field, "deposit_required");
    assert_eq!(b.accounts.rows[1].rec.deposit_required_cents, 1250);
}

#[test]
fn addresses_are_read_in_parts_under_their_usual_names_or_on_one_line() {
    // Split columns under the names legacy systems give them; a row without parts falls
    // back on the one-line column.
    let customers = "legacy_id,name,House Number,Pre-Dir,Street Name,Street Type,Post Dir,Apt,City,State,ZIP Code,ZIP+4,mailing_address\n\
        C1,Ana,1208 1/2,north,Main,Street,,Apt 3,Lyons,or,97358,0042,\n\
        C2,Bo,,,PO Box 12,,,,Mehama,OR,97384,,\n\
        C3,Cy,,,,,,,,,,,\"123-45 Queens Blvd #3F\nForest Hills NY 11375\"\n\
        C4,Di,,,,,,,,,,,RR 2 Box 15 Lyons OR 97358\n\
        C5,Ed,500,,Center,St,NE,# 210,Salem,OR,97301,,ignored when parts are given\n";
    let premises = "legacy_id,Service Address,cycle_code,route,read_sequence\n\
        P1,4455 Wheatland Rd N Keizer OR 97303,C1,01,10\n\
        P2,220 Birch Ave Unit A,C1,01,20\n";
    let f = batch(&[("customers.csv", customers), ("premises.csv", premises)]);
    let mut p = Problems::default();
    let b = parse_batch(&f, &mut p, today());
    assert!(p.is_empty(), "{:?}", p.list);
    let shown: Vec<&str> = b
        .customers
        .rows
        .iter()
        .map(|r| r.rec.mailing_address.as_str())
        .collect();
    assert_eq!(
        shown,
        vec![
            "1208 1/2 N Main St Apt 3, Lyons OR 97358-0042",
            "PO Box 12, Mehama OR 97384",
            "123-45 Queens Blvd # 3F, Forest Hills NY 11375",
            "RR 2 Box 15, Lyons OR 97358",
            "500 Center St NE # 210, Salem OR 97301",
        ]
    );
    let first = &b.customers.rows[0].rec.mailing;
    assert_eq!(
        (
            first.house_number.as_deref(),
            first.pre_direction.as_deref(),
            first.suffix.as_deref(),
            first.state.as_deref(),
            first.zip4.as_deref()
        ),
        (
            Some("1208 1/2"),
            Some("N"),
            Some("St"),
            Some("OR"),
            Some("0042")
        )
    );
    assert_eq!(
        b.customers.rows[2].rec.mailing.unit.as_deref(),
        Some("# 3F")
    );
    assert_eq!(b.customers.rows[3].rec.mailing.house_number, None);
    let p1 = &b.premises.rows[0].rec.rec.service;
    assert_eq!(
        (
            p1.street.as_deref(),
            p1.post_direction.as_deref(),
            p1.city.as_deref()
        ),
        (Some("Wheatland"), Some("N"), Some("Keizer"))
    );
    let p2 = &b.premises.rows[1].rec.rec.service;
    assert_eq!(
        (p2.unit.as_deref(), p2.city.as_deref()),
        (Some("Unit A"), None)
    );
}

#[test]
fn an_address_that_is_not_one_is_a_problem_on_its_column() {
    let customers = "legacy_id,name,mailing_address,street,city,state,zip,zip4,foreign_address\n\
        C1,Ana,\"Salem OR 97301\",,,,,,\n\
        C2,Bo,,Elm,Salem,Oregano,97301,,\n\
        C3,Cy,,Elm,Salem,OR,9730,,\n\
        C4,Di,,Elm,Salem,OR,97301,12,\n\
        C5,Ed,,,,,,,\"Calle 5 de Mayo 123\n68000 Oaxaca\nMexico\"\n\
        C6,Flo,,Elm,,,,,Mexico\n";
    let premises = "legacy_id,service_address,cycle_code,route,read_sequence\n\
        P1,\"200 Bay St, Toronto ON M5J 2J2, Canada\",C1,01,10\n\
        P2,\"12 Elm St, Keizer OR 9730\",C1,01,20\n";
    let f = batch(&[("customers.csv", customers), ("premises.csv", premises)]);
    let found = parse_problems(&f);
    let expected = [
        ("customers.csv", 2, "mailing_address", "address_street"),
        ("customers.csv", 3, "state", "address_state"),
        ("customers.csv", 4, "zip", "address_zip"),
        ("customers.csv", 5, "zip4", "address_zip"),
        ("customers.csv", 9, "foreign_address", "address_foreign"),
        ("premises.csv", 2, "service_address", "address_foreign"),
        ("premises.csv", 3, "service_address", "address_zip"),
    ];
    for (file, row, field, code) in expected {
        assert!(
            has(&found, file, row, field, FieldCode::parse(code).unwrap()),
            "{file} {row} {field} {code}: {found:?}"
        );
    }
    assert_eq!(found.len(), expected.len(), "{found:?}");
    // A header with neither form of the address.
    let f = batch(&[(
        "customers.csv",
        "legacy_id,name,phone\nC1,Ana,503-555-0100\n",
    )]);
    assert!(has(
        &parse_problems(&f),
        "customers.csv",
        1,
        "mailing_address",
        FieldCode::MissingColumn
    ));
    // Two names of one column.
    let f = batch(&[(
        "customers.csv",
        "legacy_id,name,zip,ZIP Code,street\nC1,Ana,97301,97301,Elm\n",
    )]);
    assert!(has(
        &parse_problems(&f),
        "customers.csv",
        1,
        "zip",
        FieldCode::DuplicateColumn
    ));
}

#[test]
fn problems_are_capped_but_all_counted() {
    let mut text = String::from("legacy_id,name,mailing_address\n");
    for i in 0..(MAX_PROBLEMS + 50) {
        text.push_str(&format!("C{i},,12 Elm St\n"));
    }
    let f = batch(&[("customers.csv", &text)]);
    let mut p = Problems::default();
    let _ = parse_batch(&f, &mut p, today());
    assert_eq!(p.count, u64::try_from(MAX_PROBLEMS + 50).unwrap());
    assert_eq!(p.list.len(), MAX_PROBLEMS);
}

// ------------------------------------------------------------ against a database

fn pool() -> DbPool {
    let pool = DbPool::new("sqlite://:memory:", 1).unwrap();
    let mut c = pool.get().unwrap();
    crate::db::run_migrations(&mut c).unwrap();
    diesel::insert_into(cycles::table)
        .values((
            cycles::id.eq("cyc-1"),
            cycles::code.eq("C1"),
            cycles::name.eq("Cycle 1"),
            cycles::months_per_bill.eq(1),
        ))
        .execute(&mut *c)
        .unwrap();
    pool
}

fn run_on(pool: &DbPool, files: &[(&str, &str)], dry_run: bool) -> ConversionReport {
    let opts = Options {
        dry_run,
        today: today(),
    };
    run(pool, &Actor::system("test"), &batch(files), opts).unwrap()
}

const PREMISES: &str =
    "legacy_id,service_address,cycle_code,route,read_sequence\nP1,12 Elm St Keizer,C1,01,10\n";
const ACCOUNTS: &str = "legacy_id,number,customer_legacy_id,premise_legacy_id,status,occupant,opened_on\nA1,N-1,C1,P1,active,owner,2020-01-01\n";

#[test]
fn references_must_resolve_in_the_batch_or_the_database() {
    let pool = pool();
    let bad = "legacy_id,number,customer_legacy_id,premise_legacy_id,status,occupant,opened_on\nA1,N-1,C9,P9,active,owner,2020-01-01\n";
    let premises =
        "legacy_id,service_address,cycle_code,route,read_sequence\nP1,12 Elm St Keizer,C7,01,10\n";
    let r = run_on(
        &pool,
        &[
            ("customers.csv", CUSTOMERS),
            ("premises.csv", premises),
            ("accounts.csv", bad),
        ],
        true,
    );
    assert_eq!(r.outcome, ImportOutcome::Invalid);
    let found: Vec<(&str, u64, &str, &str)> = r
        .problems
        .iter()
        .map(|p| (p.file.as_str(), p.row, p.field.as_str(), p.code.as_str()))
        .collect();
    assert_eq!(
        found,
        vec![
            ("premises.csv", 2, "cycle_code", "unknown_reference"),
            ("accounts.csv", 2, "customer_legacy_id", "unknown_reference"),
            ("accounts.csv", 2, "premise_legacy_id", "unknown_reference"),
        ]
    );
    // A reference to a record imported by an earlier batch resolves.
    let r = run_on(
        &pool,
        &[("customers.csv", CUSTOMERS), ("premises.csv", PREMISES)],
        false,
    );
    assert_eq!(r.outcome, ImportOutcome::Imported, "{:?}", r.problems);
    let r = run_on(&pool, &[("accounts.csv", ACCOUNTS)], false);
    assert_eq!(r.outcome, ImportOutcome::Imported, "{:?}", r.problems);
}

/// The documented sample city's customers and premises (docs/import-samples) import with
/// every address in parts (the whole city over HTTP: tests/api/imports.rs).
#[test]
fn the_sample_city_imports_with_its_addresses_in_parts() {
    let pool = pool();
    diesel::insert_into(cycles::table)
        .values((
            cycles::id.eq("cyc-2"),
            cycles::code.eq("C2"),
            cycles::name.eq("Cycle 2"),
            cycles::months_per_bill.eq(1),
        ))
        .execute(&mut *pool.get().unwrap())
        .unwrap();
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/import-samples");
    let files: Vec<(String, String)> = [FileKind::Customers, FileKind::Premises]
        .iter()
        .map(|k| {
            let name = k.file_name();
            let text = std::fs::read_to_string(format!("{dir}/{name}")).unwrap();
            (name.to_owned(), text)
        })
        .collect();
    let list: Vec<(&str, &str)> = files
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    let r = run_on(&pool, &list, false);
    assert_eq!(r.outcome, ImportOutcome::Imported, "{:?}", r.problems);
    let mut c = pool.get().unwrap();
    let unsplit: i64 = customers::table
        .filter(customers::street.is_null())
        .count()
        .get_result(&mut *c)
        .unwrap();
    assert_eq!(unsplit, 0);
    let unsplit: i64 = premises::table
        .filter(premises::street.is_null())
        .count()
        .get_result(&mut *c)
        .unwrap();
    assert_eq!(unsplit, 0);
    let po: (String, Option<String>, Option<String>, Option<String>) = customers::table
        .find("cus-L10002")
        .select((
            customers::mailing_address,
            customers::street,
            customers::city,
            customers::zip,
        ))
        .first(&mut *c)
        .unwrap();
    assert_eq!(
        po,
        (
            "PO Box 88, Riverbend OR 97351".into(),
            Some("PO Box 88".into()),
            Some("Riverbend".into()),
            Some("97351".into())
        )
    );
    let unit: (Option<String>, Option<String>, Option<String>) = customers::table
        .find("cus-L10008")
        .select((customers::house_number, customers::street, customers::unit))
        .first(&mut *c)
        .unwrap();
    assert_eq!(
        unit,
        (
            Some("220".into()),
            Some("Birch".into()),
            Some("Unit A".into())
        )
    );
    let service: (String, Option<String>, Option<String>, Option<String>) = premises::table
        .find("prm-LP-0006")
        .select((
            premises::service_address,
            premises::house_number,
            premises::suffix,
            premises::city,
        ))
        .first(&mut *c)
        .unwrap();
    assert_eq!(
        service,
        (
            "1203 River Rd, Riverbend OR 97351".into(),
            Some("1203".into()),
            Some("Rd".into()),
            Some("Riverbend".into())
        )
    );
}

#[test]
fn a_repeat_skips_an_overlap_updates_and_left_out_columns_are_kept() {
    let pool = pool();
    let customers =
        "legacy_id,name,mailing_address,phone\nC1,Ana Ruiz,12 Elm St Keizer,503-555-0100\n";
    let r = run_on(
        &pool,
        &[
            ("customers.csv", customers),
            ("premises.csv", PREMISES),
            ("accounts.csv", ACCOUNTS),
        ],
        false,
    );
    assert_eq!(r.outcome, ImportOutcome::Imported, "{:?}", r.problems);
    let again = run_on(
        &pool,
        &[
            ("customers.csv", customers),
            ("premises.csv", PREMISES),
            ("accounts.csv", ACCOUNTS),
        ],
        false,
    );
    assert_eq!(again.outcome, ImportOutcome::AlreadyImported);
    assert_eq!(again.batch_id, r.batch_id);
    // Overlapping: C1's name changes; the phone column is left out, so the phone stays.
    let overlap = "legacy_id,name,mailing_address\nC1,Ana Ruiz-Soto,12 Elm St Keizer\nC2,Bo Li,14 Elm St Keizer\n";
    let r = run_on(&pool, &[("customers.csv", overlap)], false);
    assert_eq!(r.outcome, ImportOutcome::Imported);
    assert_eq!(
        (r.files[0].created, r.files[0].updated, r.files[0].unchanged),
        (1, 1, 0)
    );
    let mut c = pool.get().unwrap();
    let (name, phone): (String, Option<String>) = customers::table
        .filter(customers::id.eq("cus-LC1"))
        .select((customers::name, customers::phone))
        .first(&mut *c)
        .unwrap();
    assert_eq!(
        (name.as_str(), phone.as_deref()),
        ("Ana Ruiz-Soto", Some("503-555-0100"))
    );
    drop(c);
    // The same rows in another order: a new checksum, but every record is unchanged.
    let reordered = "legacy_id,name,mailing_address\nC2,Bo Li,14 Elm St Keizer\nC1,Ana Ruiz-Soto,12 Elm St Keizer\n";
    let r = run_on(&pool, &[("customers.csv", reordered)], true);
    assert_eq!(r.outcome, ImportOutcome::Ready);
    assert_eq!(
        (r.files[0].created, r.files[0].updated, r.files[0].unchanged),
        (0, 0, 2)
    );
}

#[test]
fn a_serial_or_number_held_by_another_record_is_taken() {
    let pool = pool();
    let r = run_on(
        &pool,
        &[
            ("customers.csv", CUSTOMERS),
            ("premises.csv", PREMISES),
            ("accounts.csv", ACCOUNTS),
        ],
        false,
    );
    assert_eq!(r.outcome, ImportOutcome::Imported);
    let clash = "legacy_id,number,customer_legacy_id,premise_legacy_id,status,occupant,opened_on\nA2,N-1,C2,P1,active,owner,2021-01-01\n";
    let r = run_on(&pool, &[("accounts.csv", clash)], true);
    assert_eq!(r.problems.len(), 1);
    assert_eq!(
        (r.problems[0].field.as_str(), r.problems[0].code.as_str()),
        ("number", "taken")
    );
}

#[test]
fn registers_are_replaced_unless_reads_depend_on_them() {
    let pool = pool();
    let head = "legacy_id,serial,size,kind,unit,premise_legacy_id,digits,multiplier,low_digits,low_multiplier,high_digits,high_multiplier\n";
    let plain = format!("{head}M1,SER001,5/8,positive_displacement,ccf,P1,6,1,,,,\n");
    let reads = "meter_legacy_id,read_on,reading\nM1,2026-10-01,120\n";
    let r = run_on(
        &pool,
        &[
            ("premises.csv", PREMISES),
            ("meters.csv", &plain),
            ("reads.csv", reads),
        ],
        false,
    );
    assert_eq!(r.outcome, ImportOutcome::Imported, "{:?}", r.problems);
    // A new multiplier replaces the register.
    let ten = format!("{head}M1,SER001,5/8,positive_displacement,ccf,P1,6,10,,,,\n");
    let r = run_on(&pool, &[("meters.csv", &ten)], false);
    assert_eq!((r.files[0].updated, r.files[0].unchanged), (1, 0));
    let mut c = pool.get().unwrap();
    let regs: Vec<(String, String)> = meter_registers::table
        .filter(meter_registers::meter_id.eq("met-LM1"))
        .select((meter_registers::code, meter_registers::multiplier))
        .load(&mut *c)
        .unwrap();
    assert_eq!(regs, vec![("main".to_owned(), "10".to_owned())]);
    drop(c);
    // Turning it into a compound meter would orphan the read on `main`.
    let compound = format!("{head}M1,SER001,2,compound,ccf,P1,,,6,1,6,10\n");
    let r = run_on(&pool, &[("meters.csv", &compound)], true);
    assert_eq!(r.outcome, ImportOutcome::Invalid);
    assert_eq!(
        (
            r.problems[0].row,
            r.problems[0].field.as_str(),
            r.problems[0].code.as_str()
        ),
        (2, "kind", "conflict")
    );
}

/// Problems name the physical line whatever the line ends: a file saved with CRLF (Excel
/// on Windows) or old Mac CR line ends reports the lines an LF file does, and a line break
/// inside a quoted cell counts as a line.
#[test]
fn problems_name_the_physical_line_whatever_the_line_ends() {
    let lf = "legacy_id,name,mailing_address,email\n\
                  C1,Ana Ruiz,\"12 Elm St\nKeizer OR 97303\",not-an-email\n\
                  \n\
                  C2,Bo Li,\"14 Elm St\n\nSalem OR\",bo@example.com\n\
                  C3,,14 Elm St Keizer,\n\
                  C3,Cy Do,x,\n";
    let expected = vec![
        (
            "customers.csv".to_owned(),
            2,
            "email".to_owned(),
            "invalid".to_owned(),
        ),
        (
            "customers.csv".to_owned(),
            8,
            "name".to_owned(),
            "required".to_owned(),
        ),
        (
            "customers.csv".to_owned(),
            9,
            "legacy_id".to_owned(),
            "duplicate".to_owned(),
        ),
        (
            "customers.csv".to_owned(),
            9,
            "mailing_address".to_owned(),
            "too_short".to_owned(),
        ),
    ];
    assert_eq!(parse_problems(&batch(&[("customers.csv", lf)])), expected);
    let crlf = lf.replace('\n', "\r\n");
    assert_eq!(
        parse_problems(&batch(&[("customers.csv", &crlf)])),
        expected
    );
    let cr = lf.replace('\n', "\r");
    assert_eq!(parse_problems(&batch(&[("customers.csv", &cr)])), expected);
    // The message naming the first line of a duplicate says the physical line too.
    let mut p = Problems::default();
    let _ = parse_batch(&batch(&[("customers.csv", &crlf)]), &mut p, today());
    let dup = p
        .list
        .iter()
        .find(|p| p.code == FieldCode::Duplicate)
        .unwrap();
    assert!(dup.message.contains("line 8"), "{}", dup.message);
    // A header after blank lines, and a bad row at the end without a line end.
    let late = "\r\n\r\nlegacy_id,name,mailing_address\r\nC1,Ana Ruiz,x";
    assert_eq!(
        parse_problems(&batch(&[("customers.csv", late)])),
        vec![(
            "customers.csv".to_owned(),
            4,
            "mailing_address".to_owned(),
            "too_short".to_owned()
        )]
    );
}
