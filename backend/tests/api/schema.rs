//! `backend/src/db/schema.rs` says what the migrations make, on both backends: every table and
//! column of a migrated database is in schema.rs with the same type family and nullability, and
//! every table and column of schema.rs is in the database. A renamed or retyped column cannot
//! compile against a stale schema and still pass.

use std::collections::BTreeMap;

use cistern_backend::db::{self, DbConnection, DbTarget};
use diesel::prelude::*;
use diesel::sql_types::{Bool, Text};

use crate::helpers::{fresh_db, Db};

/// (table, column) -> (type family, nullable)
type Columns = BTreeMap<(String, String), (String, bool)>;

/// The tables of schema.rs, read from its source (every `diesel::table!`).
fn schema_rs() -> Columns {
    let source = include_str!("../../src/db/schema.rs");
    let mut out = Columns::new();
    let mut table: Option<String> = None;
    let mut in_macro = false;
    for line in source.lines() {
        let t = line.trim();
        if t.starts_with("diesel::table!") {
            in_macro = true;
            continue;
        }
        if !in_macro {
            continue;
        }
        match &table {
            None if t.ends_with('{') => {
                let name = t.split_whitespace().next().unwrap().to_owned();
                table = Some(name);
            }
            None if t == "}" => in_macro = false,
            None => {}
            Some(_) if t == "}" => table = None,
            Some(name) => {
                if t.starts_with("#[") || t.is_empty() {
                    assert!(!t.contains("sql_name"), "sql_name is not handled: {t}");
                    continue;
                }
                let (column, ty) = t.trim_end_matches(',').split_once("->").unwrap();
                let ty = ty.trim();
                let (inner, nullable) = match ty
                    .strip_prefix("Nullable<")
                    .and_then(|r| r.strip_suffix('>'))
                {
                    Some(inner) => (inner, true),
                    None => (ty, false),
                };
                let family = match inner {
                    "Text" | "Varchar" => "text",
                    "Integer" => "integer",
                    "BigInt" => "bigint",
                    "Bool" => "bool",
                    "Date" => "date",
                    "Timestamp" => "timestamp",
                    "Double" => "double",
                    "Binary" => "binary",
                    other => panic!("schema.rs type {other} has no family here: add it"),
                };
                let key = (name.clone(), column.trim().to_owned());
                assert!(out.insert(key, (family.into(), nullable)).is_none());
            }
        }
    }
    assert!(
        out.len() > 50,
        "schema.rs was not read: {} columns",
        out.len()
    );
    out
}

#[derive(QueryableByName)]
struct DbColumn {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = Text)]
    data_type: String,
    #[diesel(sql_type = Bool)]
    nullable: bool,
}

/// The family of a column type as the database declares it. SQLite keeps every integer in up
/// to 8 bytes, so there `INTEGER` and `BIGINT` are one family.
fn family(declared: &str) -> String {
    let d = declared.to_ascii_lowercase();
    let f = match d.as_str() {
        "text" | "character varying" | "varchar" => "text",
        "integer" | "int" | "int4" => "integer",
        "bigint" | "int8" => "bigint",
        "boolean" | "bool" => "bool",
        "date" => "date",
        "timestamp" | "datetime" | "timestamp without time zone" => "timestamp",
        "double precision" | "real" | "double" => "double",
        "bytea" | "blob" => "binary",
        other => return format!("unknown({other})"),
    };
    f.to_owned()
}

/// The columns of the migrated database.
fn database(c: &mut DbConnection) -> Columns {
    let sqlite = matches!(c, DbConnection::Sqlite(_));
    let sql = if sqlite {
        // A primary key column is NOT NULL in diesel's eyes (SQLite allows NULL in a
        // TEXT PRIMARY KEY unless told otherwise, but schema.rs does not).
        "SELECT m.name AS table_name, p.name AS column_name, p.type AS data_type, \
         (p.\"notnull\" = 0 AND p.pk = 0) AS nullable \
         FROM sqlite_master m JOIN pragma_table_info(m.name) p \
         WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' \
         AND m.name <> '__diesel_schema_migrations'"
    } else {
        "SELECT table_name::text AS table_name, column_name::text AS column_name, \
         data_type::text AS data_type, (is_nullable = 'YES') AS nullable \
         FROM information_schema.columns \
         WHERE table_schema = 'public' AND table_name <> '__diesel_schema_migrations'"
    };
    let rows: Vec<DbColumn> = diesel::sql_query(sql).load(c).unwrap();
    rows.into_iter()
        .map(|r| {
            let mut fam = family(&r.data_type);
            ((r.table_name, r.column_name), {
                if sqlite && fam == "integer" {
                    fam = "bigint".into();
                }
                (fam, r.nullable)
            })
        })
        .collect()
}

async fn schema_rs_matches_the_migrations(db: Db) {
    let test_db = fresh_db(db);
    let url = test_db.url.clone();
    let (sqlite, live) = tokio::task::spawn_blocking(move || {
        let mut c = DbTarget::parse(&url).unwrap().connect().unwrap();
        db::run_migrations(&mut c).unwrap();
        (matches!(c, DbConnection::Sqlite(_)), database(&mut c))
    })
    .await
    .unwrap();
    // The database was read: a known column, with its family and nullability.
    assert!(live.len() > 50, "{} columns read", live.len());
    assert_eq!(
        live.get(&("customers".to_owned(), "phone".to_owned())),
        Some(&("text".to_owned(), true))
    );
    assert_eq!(
        live.get(&("accounts".to_owned(), "opened_on".to_owned())),
        Some(&("date".to_owned(), false))
    );
    let declared: Columns = schema_rs()
        .into_iter()
        .map(|(k, (fam, nullable))| {
            let fam = if sqlite && fam == "integer" {
                "bigint".to_owned()
            } else {
                fam
            };
            (k, (fam, nullable))
        })
        .collect();
    let mut wrong = Vec::new();
    for (key, want) in &declared {
        match live.get(key) {
            None => wrong.push(format!(
                "{}.{}: in schema.rs, not in the database",
                key.0, key.1
            )),
            Some(have) if have != want => wrong.push(format!(
                "{}.{}: schema.rs says {:?}, the database has {:?}",
                key.0, key.1, want, have
            )),
            Some(_) => {}
        }
    }
    for key in live.keys() {
        if !declared.contains_key(key) {
            wrong.push(format!(
                "{}.{}: in the database, not in schema.rs",
                key.0, key.1
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "schema.rs and the {} migrations differ:\n{}",
        if sqlite { "SQLite" } else { "PostgreSQL" },
        wrong.join("\n")
    );
}

crate::on_both_databases!(schema_rs_matches_the_migrations);
