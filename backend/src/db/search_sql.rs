//! The account search's statements: the one builder of SQL text in the code base.
//!
//! Diesel's query builder cannot say what these statements need: a `UNION ALL` of index-range
//! scans over `search_terms` (one arm per way a query word matches: an `OR` of the ranges makes
//! PostgreSQL read the whole table), grouped per account in a derived table whose columns
//! (`q0`, `q1`, ...: each word's best quality) are then summed, counted by score or sorted.
//! So the text is assembled here, and only here, under three rules:
//!
//! - every table and column name comes from `schema.rs` (`Column::NAME` and the table's own
//!   name, through [`name`] and [`table`]): a column renamed or dropped in schema.rs stops this
//!   compiling, and the schema test (`tests/api/schema.rs`) holds schema.rs to the migrations;
//! - every value is a bound parameter (`?1` on SQLite, `$1` on PostgreSQL; a repeated text is
//!   bound once); only integers this module makes itself (word numbers) are written inline;
//! - the domain describes what it wants ([`TermMatch`], a status, a score, paging) and gets
//!   typed rows back; it never sees the text.

use std::collections::HashMap;

use diesel::backend::Backend as DieselBackend;
use diesel::internal::table_macro::{Identifier, StaticQueryFragment};
use diesel::prelude::*;
use diesel::query_builder::{BoxedSqlQuery, SqlQuery};
use diesel::serialize::ToSql;
use diesel::sql_types::{BigInt, HasSqlType, Text};

use super::schema::{accounts, search_terms};
use super::DbConnection;

/// The SQL name of a schema.rs column.
fn name<C: Column>(_: C) -> &'static str {
    C::NAME
}

/// The SQL name of a schema.rs table.
fn table<T>(_: T) -> &'static str
where
    T: StaticQueryFragment<Component = Identifier<'static>>,
{
    T::STATIC_COMPONENT.0
}

/// What one query word matches in `search_terms.term`.
#[derive(Debug, Clone, Default)]
pub struct TermMatch {
    /// Exact terms (quality 0).
    pub exact: Vec<String>,
    /// `[lower, upper)`: terms in it are prefix matches (quality 1; 0 when exact).
    pub prefix: Option<(String, Option<String>)>,
    /// The exact terms that lie outside the prefix range (a street abbreviation).
    pub outside: Vec<String>,
    /// Misspellings (quality 2).
    pub fuzzy: Vec<String>,
}

/// A bound parameter.
#[derive(Debug, Clone)]
enum Bind {
    Text(String),
    Int(i64),
}

/// SQL text with numbered parameters in the backend's style.
struct SqlText {
    postgres: bool,
    text: String,
    binds: Vec<Bind>,
    texts: HashMap<String, usize>,
}

impl SqlText {
    fn new(conn: &DbConnection) -> SqlText {
        SqlText {
            postgres: matches!(conn, DbConnection::Postgres(_)),
            text: String::new(),
            binds: Vec::new(),
            texts: HashMap::new(),
        }
    }

    fn placeholder(&self, n: usize) -> String {
        if self.postgres {
            format!("${n}")
        } else {
            format!("?{n}")
        }
    }

    fn text_param(&mut self, value: &str) -> String {
        let n = match self.texts.get(value) {
            Some(n) => *n,
            None => {
                self.binds.push(Bind::Text(value.to_owned()));
                let n = self.binds.len();
                self.texts.insert(value.to_owned(), n);
                n
            }
        };
        self.placeholder(n)
    }

    fn int_param(&mut self, value: i64) -> String {
        self.binds.push(Bind::Int(value));
        self.placeholder(self.binds.len())
    }

    fn list(&mut self, values: &[String]) -> String {
        let ps: Vec<String> = values.iter().map(|v| self.text_param(v)).collect();
        ps.join(", ")
    }

    /// Runs the statement.
    fn load<T>(&self, conn: &mut DbConnection) -> QueryResult<Vec<T>>
    where
        T: QueryableByName<diesel::sqlite::Sqlite> + QueryableByName<diesel::pg::Pg> + 'static,
    {
        match conn {
            DbConnection::Sqlite(c) => bind_all(
                diesel::sql_query(self.text.as_str()).into_boxed(),
                &self.binds,
            )
            .load(c),
            DbConnection::Postgres(c) => bind_all(
                diesel::sql_query(self.text.as_str()).into_boxed(),
                &self.binds,
            )
            .load(c),
        }
    }
}

fn bind_all<'f, DB>(
    mut q: BoxedSqlQuery<'f, DB, SqlQuery>,
    binds: &[Bind],
) -> BoxedSqlQuery<'f, DB, SqlQuery>
where
    DB: DieselBackend + HasSqlType<Text> + HasSqlType<BigInt>,
    String: ToSql<Text, DB>,
    i64: ToSql<BigInt, DB>,
{
    for b in binds {
        q = match b {
            Bind::Text(s) => q.bind::<Text, _>(s.clone()),
            Bind::Int(i) => q.bind::<BigInt, _>(*i),
        };
    }
    q
}

/// The statements' common parts for a query. Each word's rows come from index ranges, one
/// `UNION ALL` arm each: its prefix range (quality 0 for an exact term, else 1), its exact
/// terms outside that range (0) and its misspellings (2). Grouped by account, `q0`, `q1`, ...
/// are each word's best quality, NULL when the word matched nothing.
struct Matching {
    /// `(condition on term, quality expression, word)`
    arms: Vec<(String, String, usize)>,
    words: usize,
    /// `m.q0 + m.q1 + ...`
    score: String,
    /// Every word matched (nothing to say for one word).
    all: Vec<String>,
}

impl Matching {
    fn new(sql: &mut SqlText, words: &[TermMatch]) -> Matching {
        let term = name(search_terms::term);
        let mut arms = Vec::new();
        for (i, w) in words.iter().enumerate() {
            let exact = sql.list(&w.exact);
            match &w.prefix {
                Some((lo, hi)) => {
                    let lo = sql.text_param(lo);
                    let range = match hi {
                        Some(hi) => {
                            format!("{term} >= {lo} AND {term} < {}", sql.text_param(hi))
                        }
                        None => format!("{term} >= {lo}"),
                    };
                    arms.push((
                        range,
                        format!("CASE WHEN {term} IN ({exact}) THEN 0 ELSE 1 END"),
                        i,
                    ));
                    if !w.outside.is_empty() {
                        arms.push((
                            format!("{term} IN ({})", sql.list(&w.outside)),
                            "0".into(),
                            i,
                        ));
                    }
                }
                None => arms.push((format!("{term} IN ({exact})"), "0".into(), i)),
            }
            if !w.fuzzy.is_empty() {
                arms.push((format!("{term} IN ({})", sql.list(&w.fuzzy)), "2".into(), i));
            }
        }
        let n = words.len();
        Matching {
            arms,
            words: n,
            score: (0..n)
                .map(|i| format!("m.q{i}"))
                .collect::<Vec<_>>()
                .join(" + "),
            all: if n > 1 {
                (0..n).map(|i| format!("m.q{i} IS NOT NULL")).collect()
            } else {
                Vec::new()
            },
        }
    }

    /// `(SELECT account_id, q0, ... GROUP BY account_id) m`, optionally for some accounts.
    fn grouped(&self, only: Option<&str>) -> String {
        let account_id = name(search_terms::account_id);
        let terms = table(search_terms::table);
        let only = only.map(|o| format!(" AND {o}")).unwrap_or_default();
        let arms: Vec<String> = self
            .arms
            .iter()
            .map(|(cond, q, i)| {
                format!("SELECT {account_id}, {i} AS w, {q} AS q FROM {terms} WHERE {cond}{only}")
            })
            .collect();
        let columns: Vec<String> = (0..self.words)
            .map(|i| format!("MIN(CASE WHEN w = {i} THEN q END) AS q{i}"))
            .collect();
        format!(
            "(SELECT {account_id}, {} FROM ({}) r GROUP BY {account_id}) m",
            columns.join(", "),
            arms.join(" UNION ALL ")
        )
    }
}

fn where_clause(conds: &[String]) -> String {
    if conds.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", conds.join(" AND "))
    }
}

/// `JOIN accounts a ON a.id = m.account_id`
fn join_accounts() -> String {
    format!(
        " JOIN {} a ON a.{} = m.{}",
        table(accounts::table),
        name(accounts::id),
        name(search_terms::account_id)
    )
}

#[derive(QueryableByName)]
struct IdRow {
    #[diesel(sql_type = Text)]
    account_id: String,
}

/// How many accounts match at one score.
#[derive(QueryableByName, Debug, Clone, Copy)]
pub struct Level {
    #[diesel(sql_type = BigInt)]
    pub score: i64,
    #[diesel(sql_type = BigInt)]
    pub n: i64,
}

#[derive(QueryableByName)]
struct ScoreRow {
    #[diesel(sql_type = Text)]
    account_id: String,
    #[diesel(sql_type = BigInt)]
    score: i64,
}

/// The number of accounts matching every word at each score, best score first (optionally
/// only accounts with this status).
pub fn levels(
    conn: &mut DbConnection,
    words: &[TermMatch],
    status: Option<&str>,
) -> QueryResult<Vec<Level>> {
    let mut sql = SqlText::new(conn);
    let m = Matching::new(&mut sql, words);
    let mut conds = m.all.clone();
    let join = match status {
        Some(st) => {
            conds.push(format!(
                "a.{} = {}",
                name(accounts::status),
                sql.text_param(st)
            ));
            join_accounts()
        }
        None => String::new(),
    };
    sql.text = format!(
        "SELECT CAST({score} AS BIGINT) AS score, COUNT(*) AS n FROM {grouped}{join}{where_} \
         GROUP BY {score} ORDER BY 1",
        score = m.score,
        grouped = m.grouped(None),
        where_ = where_clause(&conds),
    );
    sql.load(conn)
}

/// The ids of the accounts matching every word, by score then account number (or, given a
/// score, only those with it, by number); `limit` of them after `offset`.
pub fn ranked(
    conn: &mut DbConnection,
    words: &[TermMatch],
    status: Option<&str>,
    score: Option<i64>,
    limit: i64,
    offset: i64,
) -> QueryResult<Vec<String>> {
    let mut sql = SqlText::new(conn);
    let m = Matching::new(&mut sql, words);
    let mut conds = m.all.clone();
    if let Some(st) = status {
        conds.push(format!(
            "a.{} = {}",
            name(accounts::status),
            sql.text_param(st)
        ));
    }
    let number = format!("a.{}", name(accounts::number));
    let order = match score {
        Some(s) => {
            conds.push(format!("{} = {}", m.score, sql.int_param(s)));
            number
        }
        None => format!("{}, {number}", m.score),
    };
    let (limit, offset) = (sql.int_param(limit), sql.int_param(offset));
    sql.text = format!(
        "SELECT m.{id} AS account_id FROM {grouped}{join}{where_} \
         ORDER BY {order} LIMIT {limit} OFFSET {offset}",
        id = name(search_terms::account_id),
        grouped = m.grouped(None),
        join = join_accounts(),
        where_ = where_clause(&conds),
    );
    Ok(sql
        .load::<IdRow>(conn)?
        .into_iter()
        .map(|r| r.account_id)
        .collect())
}

/// The score of each of these accounts that matches every word.
pub fn scores(
    conn: &mut DbConnection,
    words: &[TermMatch],
    account_ids: &[String],
) -> QueryResult<HashMap<String, i64>> {
    let mut sql = SqlText::new(conn);
    let m = Matching::new(&mut sql, words);
    let id = name(search_terms::account_id);
    let only = format!("{id} IN ({})", sql.list(account_ids));
    sql.text = format!(
        "SELECT m.{id} AS account_id, CAST({} AS BIGINT) AS score FROM {}{}",
        m.score,
        m.grouped(Some(&only)),
        where_clause(&m.all),
    );
    Ok(sql
        .load::<ScoreRow>(conn)?
        .into_iter()
        .map(|r| (r.account_id, r.score))
        .collect())
}
