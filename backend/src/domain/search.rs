//! Account search over names, addresses, account numbers, meter serials, phones and parcels.
//! The `search_terms` table holds each account's normalised words. It is derived data: triggers
//! note every account whose words changed (`search_pending`) and [`refresh_pending`] re-indexes
//! them before each write transaction commits, so no workflow re-indexes by hand.
//!
//! ## How a query is answered
//! 1. The text is cut into words ([`query_words`]): lowercase, accents folded (é → e, ñ → n),
//!    punctuation dropped. A word with a digit keeps its pieces together (`101-0001-01` is
//!    `101000101`); a query with no letter at all is one number however it is spaced
//!    (`(503) 555-1000`).
//! 2. Each word matches a term **exactly** (or its street abbreviation: `road` → `rd`), as a
//!    **prefix** (two characters or more, three for numbers), or **fuzzily**: a misspelling of
//!    a word in the vocabulary (`search_vocab`: every alphabetic term with its sound-alike
//!    key). Fuzzy candidates are the vocabulary words with the same sound key or the same first
//!    two letters; one is accepted when it sounds the same ([`phonetic`]) or is within a few
//!    edits ([`edit_distance`], [`max_edits`]). Candidates are checked here, in Rust, so both
//!    databases give identical answers without pg_trgm or FTS5.
//! 3. Accounts where every word matches some term rank by the sum of each word's best
//!    quality (exact 0, prefix 1, fuzzy 2), then by account number (in the database's
//!    collation, as the unfiltered list). One statement counts them at each score; the page
//!    comes from one more (or, for very common words, from walking accounts in number
//!    order: see [`search_tuned`]); a last one loads the page's rows.
//!
//! Prefix ranges are `term >= w AND term < w'` (`w'` = `w` with its last character bumped),
//! which an index serves on both backends; the PostgreSQL column uses the "C" collation so
//! the order is the same byte order as SQLite's.

use cistern_shared::FieldCode;
use std::collections::{BTreeSet, HashMap};

use cistern_shared::dto::{AccountStatus, AccountSummaryDto, Page, SEARCH_RESULT_WINDOW};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;

use crate::db::schema::{
    accounts, customers, cycles, meters, premises, search_pending, search_terms, search_vocab,
};
use crate::db::search_sql::{self, TermMatch};
use crate::db::{DbConnection, WriteTx};
use crate::domain::accounts::AccountQuery;
use crate::domain::paging;
use crate::error::{ApiError, ApiResult};

/// At most this many words of a query are used (the rest are ignored).
pub const MAX_WORDS: usize = 8;
/// Accounts handled per batch while indexing (bounds memory and each `IN (...)` list).
const INDEX_BATCH: usize = 500;
/// Rows per multi-row INSERT: 3 parameters each, far below SQLite's 32,766 (and PostgreSQL's
/// 65,535) bound parameters.
const INSERT_ROWS: usize = 3000;

// ------------------------------------------------------------------ normalisation

/// Plain letters for the accented Latin letters (after lowercasing).
fn fold_latin(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' | 'ǎ' => "a",
        'æ' => "ae",
        'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => "c",
        'ď' | 'đ' | 'ð' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => "e",
        'ĝ' | 'ğ' | 'ġ' | 'ģ' => "g",
        'ĥ' | 'ħ' => "h",
        'ì' | 'í' | 'î' | 'ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' | 'ǐ' => "i",
        'ĳ' => "ij",
        'ĵ' => "j",
        'ķ' => "k",
        'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' => "l",
        'ñ' | 'ń' | 'ņ' | 'ň' | 'ŉ' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ŏ' | 'ő' | 'ǒ' => "o",
        'œ' => "oe",
        'ŕ' | 'ŗ' | 'ř' => "r",
        'ś' | 'ŝ' | 'ş' | 'š' | 'ș' | 'ſ' => "s",
        'ß' => "ss",
        'ţ' | 'ť' | 'ŧ' | 'ț' => "t",
        'þ' => "th",
        'ù' | 'ú' | 'û' | 'ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' | 'ǔ' => "u",
        'ŵ' => "w",
        'ý' | 'ÿ' | 'ŷ' => "y",
        'ź' | 'ż' | 'ž' => "z",
        _ => return None,
    })
}

/// Apostrophes join the letters around them in a query (`O'Brien` is `obrien`).
fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | '‘' | 'ʼ' | '`' | '´')
}

/// Lowercase, accents folded; combining marks (decomposed accents) dropped.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        for l in c.to_lowercase() {
            if l.is_ascii() {
                out.push(l);
            } else if let Some(s) = fold_latin(l) {
                out.push_str(s);
            } else if !matches!(l, '\u{0300}'..='\u{036f}') {
                out.push(l);
            }
        }
    }
    out
}

/// The alphanumeric pieces of one whitespace-free chunk, folded. Punctuation splits; with
/// `join_apostrophes` an apostrophe does not.
fn pieces(chunk: &str, join_apostrophes: bool) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for c in fold(chunk).chars() {
        if c.is_alphanumeric() {
            cur.push(c);
        } else if join_apostrophes && is_apostrophe(c) {
            continue;
        } else if !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// The words a text is found by: each whitespace-separated chunk without its punctuation
/// (`Mid-Valley` → `midvalley`) and, when punctuation split it, each piece too (`mid`,
/// `valley`), and each piece between punctuation other than apostrophes (what a query
/// makes of `O'Brien-Smith`: `obrien`, `smith`). Order kept, duplicates dropped.
pub fn index_words(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for chunk in text.split_whitespace() {
        let parts = pieces(chunk, false);
        if parts.len() > 1 {
            out.push(parts.concat());
        }
        out.extend(parts);
        out.extend(pieces(chunk, true));
    }
    dedup_keep_order(out)
}

fn dedup_keep_order(words: Vec<String>) -> Vec<String> {
    let mut seen = BTreeSet::new();
    words
        .into_iter()
        .filter(|w| !w.is_empty() && seen.insert(w.clone()))
        .collect()
}

/// The words of a query (at most [`MAX_WORDS`]). A chunk with a digit is one word without its
/// punctuation (`101-0001-01` → `101000101`), and so is an initialism (`N.E.` → `ne`); other
/// chunks split at punctuation except apostrophes. A query with no letter is a single number
/// (`(503) 555-1000` → `5035551000`).
pub fn query_words(q: &str) -> Vec<String> {
    let words = if !q.chars().any(char::is_alphabetic) {
        vec![pieces(q, true).concat()]
    } else {
        let mut words = Vec::new();
        for chunk in q.split_whitespace() {
            let parts = pieces(chunk, true);
            // Numbers and initialisms (`N.E.`, `P.O.`) stay whole.
            if chunk.chars().any(|c| c.is_ascii_digit())
                || (parts.len() > 1 && parts.iter().all(|p| p.chars().count() == 1))
            {
                words.push(parts.concat());
            } else {
                words.extend(parts);
            }
        }
        words
    };
    let mut words = dedup_keep_order(words);
    words.truncate(MAX_WORDS);
    words
}

/// Street-address words and their USPS abbreviations. Addresses are indexed under both; a
/// query word also matches its abbreviation exactly.
const ABBREVIATIONS: &[(&str, &str)] = &[
    ("apartment", "apt"),
    ("avenue", "ave"),
    ("boulevard", "blvd"),
    ("circle", "cir"),
    ("court", "ct"),
    ("drive", "dr"),
    ("east", "e"),
    ("highway", "hwy"),
    ("lane", "ln"),
    ("mount", "mt"),
    ("north", "n"),
    ("northeast", "ne"),
    ("northwest", "nw"),
    ("parkway", "pkwy"),
    ("place", "pl"),
    ("road", "rd"),
    ("saint", "st"),
    ("south", "s"),
    ("southeast", "se"),
    ("southwest", "sw"),
    ("square", "sq"),
    ("street", "st"),
    ("suite", "ste"),
    ("terrace", "ter"),
    ("trail", "trl"),
    ("west", "w"),
];

pub fn abbreviation(word: &str) -> Option<&'static str> {
    ABBREVIATIONS
        .binary_search_by(|(long, _)| (*long).cmp(word))
        .ok()
        .and_then(|i| ABBREVIATIONS.get(i))
        .map(|(_, short)| *short)
}

// ------------------------------------------------------------------ sound-alike keys

/// True for a word of ASCII letters only (the ones sound keys are made for).
fn is_ascii_word(word: &str) -> bool {
    !word.is_empty() && word.bytes().all(|b| b.is_ascii_lowercase())
}

/// A word respelled the way it sounds (English and Spanish surnames): `ph` → `f`, `ck` → `k`,
/// `c` → `s` before e/i/y and `k` otherwise, `q` → `k`, `z` → `s`, `x` → `ks`, silent
/// leading `k`/`g`/`p`/`w` of kn/gn/pn/wr/ps dropped, `wh` → `w`, inner `gh` silent,
/// `sch` → `sk`, `dge`/`dgi` → `je`/`ji`. Words that are not plain ASCII letters come back
/// unchanged.
pub fn phonetic(word: &str) -> String {
    if !is_ascii_word(word) {
        return word.to_owned();
    }
    let w = word.as_bytes();
    let at = |i: usize| w.get(i).copied().unwrap_or(0);
    let mut out = Vec::with_capacity(w.len() + 2);
    let mut i = 0;
    match (at(0), at(1)) {
        (b'k' | b'g' | b'p', b'n') | (b'w', b'r') | (b'p', b's') => i = 1,
        (b'w', b'h') => {
            out.push(b'w');
            i = 2;
        }
        (b'x', _) => {
            out.push(b's');
            i = 1;
        }
        _ => {}
    }
    while i < w.len() {
        let (c, next, after) = (at(i), at(i + 1), at(i + 2));
        let soft = |b: u8| matches!(b, b'e' | b'i' | b'y');
        match c {
            b'p' if next == b'h' => {
                out.push(b'f');
                i += 2;
            }
            b'c' if next == b'k' => {
                out.push(b'k');
                i += 2;
            }
            b's' if next == b'c' && after == b'h' => {
                out.extend_from_slice(b"sk");
                i += 3;
            }
            b'g' if next == b'h' => {
                if i == 0 {
                    out.push(b'g');
                }
                i += 2;
            }
            b'd' if next == b'g' && soft(after) => {
                out.push(b'j');
                i += 2;
            }
            b'c' => {
                out.push(if soft(next) { b's' } else { b'k' });
                i += 1;
            }
            b'q' => {
                out.push(b'k');
                i += 1;
            }
            b'z' => {
                out.push(b's');
                i += 1;
            }
            b'x' => {
                out.extend_from_slice(b"ks");
                i += 1;
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| word.to_owned())
}

/// Soundex-style code of a consonant; `0` for vowels (which separate equal codes), `-` for
/// h and w (which do not).
fn sound_code(b: u8) -> u8 {
    match b {
        b'b' | b'f' | b'p' | b'v' => b'1',
        b'c' | b'g' | b'j' | b'k' | b'q' | b's' | b'x' | b'z' => b'2',
        b'd' | b't' => b'3',
        b'l' => b'4',
        b'm' | b'n' => b'5',
        b'r' => b'6',
        b'h' | b'w' => b'-',
        _ => b'0',
    }
}

/// The sound-alike key: Soundex (first letter, three consonant codes, zero-padded) of the
/// [`phonetic`] spelling, so `garsia` and `garcia` are both `g620`, `jonson` and `johnson`
/// both `j525`, `catherine` and `katherine` both `k365`. Empty for words that are not plain
/// ASCII letters.
pub fn sound_key(word: &str) -> String {
    let p = phonetic(word);
    let bytes = p.as_bytes();
    let Some(&first) = bytes.first() else {
        return String::new();
    };
    if !is_ascii_word(&p) {
        return String::new();
    }
    let mut key = vec![first];
    let mut last = sound_code(first);
    for &b in bytes.iter().skip(1) {
        match sound_code(b) {
            b'-' => {}
            b'0' => last = b'0',
            code => {
                if code != last {
                    key.push(code);
                }
                last = code;
            }
        }
        if key.len() == 4 {
            break;
        }
    }
    key.resize(4, b'0');
    String::from_utf8(key).unwrap_or_default()
}

// ------------------------------------------------------------------ edit distance

/// Damerau-Levenshtein distance (optimal string alignment: insertions, deletions,
/// substitutions and transpositions of neighbours), or `None` when it exceeds `max`.
pub fn edit_distance(a: &str, b: &str, max: usize) -> Option<usize> {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    let w = b.len() + 1;
    // Three rows: two back (for transpositions), one back, current.
    let mut prev2 = vec![0usize; w];
    let mut prev: Vec<usize> = (0..w).collect();
    let mut cur = vec![0usize; w];
    for i in 1..=a.len() {
        cur[0] = i;
        let mut row_min = cur[0];
        for j in 1..w {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(prev2[j - 2] + 1);
            }
            cur[j] = d;
            row_min = row_min.min(d);
        }
        if row_min > max {
            return None;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    let d = prev[b.len()];
    (d <= max).then_some(d)
}

/// Edits a misspelling of a word this long may have: none up to 4 characters, 1 up to 7,
/// then 2.
pub fn max_edits(len: usize) -> usize {
    match len {
        0..=4 => 0,
        5..=7 => 1,
        _ => 2,
    }
}

// ------------------------------------------------------------------ one word of a query

/// How well a term matches a query word (lower is better).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Quality {
    Exact = 0,
    Prefix = 1,
    Fuzzy = 2,
}

/// The smallest string greater than every string that starts with `w`, if any.
pub fn prefix_upper(w: &str) -> Option<String> {
    let mut chars: Vec<char> = w.chars().collect();
    while let Some(last) = chars.pop() {
        let next = match last {
            '\u{d7ff}' => Some('\u{e000}'),
            c => char::from_u32(u32::from(c) + 1),
        };
        if let Some(n) = next {
            chars.push(n);
            return Some(chars.into_iter().collect());
        }
    }
    None
}

/// What one query word matches: terms exactly, terms it begins, and the vocabulary words it
/// is a likely misspelling of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WordMatch {
    pub word: String,
    /// The word and its street abbreviation.
    pub exact: Vec<String>,
    /// `[lower, upper)` for prefix matches; `None` for words too short to be a prefix.
    pub prefix: Option<(String, Option<String>)>,
    /// Vocabulary words accepted as misspellings (set by [`WordMatch::with_fuzzy`]).
    pub fuzzy: Vec<String>,
}

impl WordMatch {
    pub fn new(word: &str) -> WordMatch {
        let mut exact = vec![word.to_owned()];
        if let Some(a) = abbreviation(word) {
            exact.push(a.to_owned());
        }
        let len = word.chars().count();
        let numeric = word.chars().any(|c| c.is_ascii_digit());
        let prefix =
            (len >= if numeric { 3 } else { 2 }).then(|| (word.to_owned(), prefix_upper(word)));
        WordMatch {
            word: word.to_owned(),
            exact,
            prefix,
            fuzzy: Vec::new(),
        }
    }

    /// Fuzzy matching is for words of letters, 3 characters or more.
    pub fn wants_fuzzy(&self) -> bool {
        self.word.chars().count() >= 3 && self.word.chars().all(char::is_alphabetic)
    }

    fn in_prefix(&self, term: &str) -> bool {
        match &self.prefix {
            Some((lo, hi)) => term >= lo.as_str() && hi.as_deref().is_none_or(|h| term < h),
            None => false,
        }
    }

    /// True when `candidate` (a vocabulary word) is a likely misspelling of this word: it
    /// sounds the same, or is within [`max_edits`] of it (as typed or as it sounds).
    pub fn accepts_fuzzy(&self, candidate: &str) -> bool {
        if !self.wants_fuzzy() || candidate == self.word {
            return false;
        }
        let (pw, pc) = (phonetic(&self.word), phonetic(candidate));
        if pw == pc {
            return true;
        }
        let max = max_edits(self.word.chars().count());
        max > 0
            && (edit_distance(&self.word, candidate, max).is_some()
                || edit_distance(&pw, &pc, max).is_some())
    }

    /// Keeps the candidates that are misspellings and not already exact or prefix matches.
    pub fn with_fuzzy(mut self, candidates: impl IntoIterator<Item = String>) -> WordMatch {
        let mut fuzzy: Vec<String> = candidates
            .into_iter()
            .filter(|c| self.accepts_fuzzy(c) && self.quality(c).is_none())
            .collect();
        fuzzy.sort();
        fuzzy.dedup();
        self.fuzzy = fuzzy;
        self
    }

    /// How `term` matches this word; the statements of `db::search_sql` say the same.
    pub fn quality(&self, term: &str) -> Option<Quality> {
        if self.exact.iter().any(|e| e == term) {
            Some(Quality::Exact)
        } else if self.in_prefix(term) {
            Some(Quality::Prefix)
        } else if self.fuzzy.iter().any(|f| f == term) {
            Some(Quality::Fuzzy)
        } else {
            None
        }
    }
}

/// The rank of an account for a query: the sum of each word's best quality, or `None` when
/// some word matches none of its terms. Lower ranks first; ties go by account number.
pub fn rank(words: &[WordMatch], terms: &[&str]) -> Option<u32> {
    let mut total = 0u32;
    for w in words {
        let best = terms.iter().filter_map(|t| w.quality(t)).min()?;
        total += best as u32;
    }
    Some(total)
}

// ------------------------------------------------------------------ the words of an account

/// What an account is found by.
#[derive(Debug, Clone, Default)]
pub struct AccountText<'a> {
    pub number: &'a str,
    pub customer_name: &'a str,
    pub mailing_address: &'a str,
    pub phones: Vec<&'a str>,
    pub service_address: &'a str,
    pub parcel: Option<&'a str>,
    /// Serials of the meters installed at the premise.
    pub meter_serials: Vec<&'a str>,
}

/// Digits of a phone number: the whole (without a leading US country code 1), the local
/// seven and the last four.
fn phone_terms(phone: &str) -> Vec<String> {
    let mut d: String = phone.chars().filter(char::is_ascii_digit).collect();
    if d.len() == 11 && d.starts_with('1') {
        d.remove(0);
    }
    let mut out = Vec::new();
    if d.len() >= 10 {
        out.push(d[d.len() - 7..].to_owned());
    }
    if d.len() >= 7 {
        out.push(d[d.len() - 4..].to_owned());
    }
    if !d.is_empty() {
        out.insert(0, d);
    }
    out
}

/// An address's words plus the abbreviations of its spelled-out street words.
fn address_terms(address: &str) -> Vec<String> {
    let mut out = Vec::new();
    for w in index_words(address) {
        let short = abbreviation(&w);
        out.push(w);
        if let Some(s) = short {
            out.push(s.to_owned());
        }
    }
    out
}

/// The terms of one account and the field each came from (the first field, when several
/// have the same word), without duplicates.
pub fn account_terms(a: &AccountText<'_>) -> Vec<(String, &'static str)> {
    let mut out: Vec<(String, &'static str)> = Vec::new();
    let mut push = |terms: Vec<String>, field: &'static str| {
        for t in terms {
            if !t.is_empty() && !out.iter().any(|(x, _)| *x == t) {
                out.push((t, field));
            }
        }
    };
    let mut number = index_words(a.number);
    let digits: String = a.number.chars().filter(char::is_ascii_digit).collect();
    number.push(digits);
    push(number, "number");
    push(index_words(a.customer_name), "name");
    for p in &a.phones {
        push(phone_terms(p), "phone");
    }
    for s in &a.meter_serials {
        push(index_words(s), "meter_serial");
    }
    if let Some(p) = a.parcel {
        push(index_words(p), "parcel");
    }
    push(address_terms(a.service_address), "service_address");
    push(address_terms(a.mailing_address), "mailing_address");
    out
}

/// Vocabulary words are the alphabetic terms of 3 characters or more: the ones a
/// misspelling can be matched to.
fn in_vocabulary(term: &str) -> bool {
    term.chars().count() >= 3 && term.chars().all(char::is_alphabetic)
}

// ------------------------------------------------------------------ indexing

#[derive(Insertable)]
#[diesel(table_name = search_terms)]
struct TermRow<'a> {
    account_id: &'a str,
    term: &'a str,
    field: &'a str,
}

#[derive(Insertable)]
#[diesel(table_name = search_vocab)]
struct VocabRow<'a> {
    term: &'a str,
    sound: String,
}

/// What an account is indexed by, read in one join.
#[derive(Queryable)]
struct SourceRow {
    account_id: String,
    number: String,
    customer_name: String,
    mailing_address: String,
    phone: Option<String>,
    phone_alt: Option<String>,
    premise_id: String,
    service_address: String,
    parcel: Option<String>,
}

/// A meter installed at a premise: its serial is a search word of the premise's accounts.
#[derive(Queryable)]
struct InstalledMeter {
    premise_id: Option<String>,
    serial: String,
}

/// Indexes these accounts (their old terms must be gone already).
fn index_batch(tx: &mut WriteTx<'_>, ids: &[String]) -> QueryResult<()> {
    let conn = tx.db();
    let rows: Vec<SourceRow> = accounts::table
        .inner_join(customers::table)
        .inner_join(premises::table)
        .filter(accounts::id.eq_any(ids))
        .select((
            accounts::id,
            accounts::number,
            customers::name,
            customers::mailing_address,
            customers::phone,
            customers::phone_alt,
            premises::id,
            premises::service_address,
            premises::parcel,
        ))
        .load(conn)?;
    let premise_ids: BTreeSet<&str> = rows.iter().map(|r| r.premise_id.as_str()).collect();
    let installed: Vec<InstalledMeter> = meters::table
        .filter(meters::status.eq(cistern_shared::meters::MeterStatus::Installed))
        .filter(meters::premise_id.eq_any(premise_ids.into_iter().collect::<Vec<_>>()))
        .select((meters::premise_id, meters::serial))
        .order(meters::serial.asc())
        .load(conn)?;
    let mut serials: HashMap<&str, Vec<&str>> = HashMap::new();
    for m in &installed {
        if let Some(p) = &m.premise_id {
            serials
                .entry(p.as_str())
                .or_default()
                .push(m.serial.as_str());
        }
    }
    let mut terms: Vec<(&str, Vec<(String, &'static str)>)> = Vec::with_capacity(rows.len());
    for r in &rows {
        let text = AccountText {
            number: &r.number,
            customer_name: &r.customer_name,
            mailing_address: &r.mailing_address,
            phones: [r.phone.as_deref(), r.phone_alt.as_deref()]
                .into_iter()
                .flatten()
                .collect(),
            service_address: &r.service_address,
            parcel: r.parcel.as_deref(),
            meter_serials: serials
                .get(r.premise_id.as_str())
                .cloned()
                .unwrap_or_default(),
        };
        terms.push((r.account_id.as_str(), account_terms(&text)));
    }
    let term_rows: Vec<TermRow<'_>> = terms
        .iter()
        .flat_map(|(id, ts)| {
            ts.iter().map(move |(t, f)| TermRow {
                account_id: id,
                term: t,
                field: f,
            })
        })
        .collect();
    for chunk in term_rows.chunks(INSERT_ROWS) {
        crate::per_backend!(&mut *conn, |c| diesel::insert_into(search_terms::table)
            .values(chunk)
            .execute(c))?;
    }
    // Sorted, so concurrent writers on PostgreSQL take the vocabulary's row locks in one order.
    let vocab: BTreeSet<&str> = terms
        .iter()
        .flat_map(|(_, ts)| ts.iter().map(|(t, _)| t.as_str()))
        .filter(|t| in_vocabulary(t))
        .collect();
    let vocab_rows: Vec<VocabRow<'_>> = vocab
        .into_iter()
        .map(|term| VocabRow {
            term,
            sound: sound_key(term),
        })
        .collect();
    // Words already there stay (diesel cannot batch `ON CONFLICT` on SQLite: `OR IGNORE`).
    for chunk in vocab_rows.chunks(INSERT_ROWS) {
        match &mut *conn {
            DbConnection::Sqlite(c) => diesel::insert_or_ignore_into(search_vocab::table)
                .values(chunk)
                .execute(c)?,
            DbConnection::Postgres(c) => diesel::insert_into(search_vocab::table)
                .values(chunk)
                .on_conflict_do_nothing()
                .execute(c)?,
        };
    }
    Ok(())
}

/// Rebuilds the search terms of these accounts: deletes their terms and inserts the current
/// ones, in bulk. Workflows never call it: `refresh_pending` does, for the accounts the
/// triggers noted, before every write transaction commits.
pub fn reindex_accounts(tx: &mut WriteTx<'_>, account_ids: &[String]) -> QueryResult<()> {
    let mut ids: Vec<String> = account_ids.to_vec();
    ids.sort();
    ids.dedup();
    for chunk in ids.chunks(INDEX_BATCH) {
        // Two transactions reindexing one account on PostgreSQL take turns: the second reads
        // (and deletes) what the first wrote. SQLite's writers are serialised already.
        if let DbConnection::Postgres(pg) = tx.db() {
            accounts::table
                .filter(accounts::id.eq_any(chunk))
                .order(accounts::id.asc())
                .select(accounts::id)
                .for_update()
                .load::<String>(pg)?;
        }
        diesel::delete(search_terms::table.filter(search_terms::account_id.eq_any(chunk)))
            .execute(tx.db())?;
        index_batch(tx, chunk)?;
    }
    Ok(())
}

/// Re-indexes the accounts that this transaction's changes noted in `search_pending` (by
/// trigger) and clears the notes. Runs in every write transaction just before it commits
/// (`db::before_commit`); with nothing noted it costs one indexed read.
pub fn refresh_pending(tx: &mut WriteTx<'_>) -> QueryResult<()> {
    // Only this transaction's notes are visible (others clear theirs before they commit).
    let ids: Vec<String> = search_pending::table
        .select(search_pending::account_id)
        .distinct()
        .load(tx.db())?;
    if ids.is_empty() {
        return Ok(());
    }
    diesel::delete(search_pending::table).execute(tx.db())?;
    reindex_accounts(tx, &ids)
}

/// Rebuilds the search terms of every account; answers how many accounts were indexed.
pub fn reindex_all(tx: &mut WriteTx<'_>) -> QueryResult<usize> {
    diesel::delete(search_pending::table).execute(tx.db())?;
    diesel::delete(search_terms::table).execute(tx.db())?;
    diesel::delete(search_vocab::table).execute(tx.db())?;
    let ids: Vec<String> = accounts::table
        .select(accounts::id)
        .order(accounts::id.asc())
        .load(tx.db())?;
    for chunk in ids.chunks(INDEX_BATCH) {
        index_batch(tx, chunk)?;
    }
    Ok(ids.len())
}

// ------------------------------------------------------------------ searching

/// What each word matches, for the statements of [`crate::db::search_sql`].
fn term_matches(words: &[WordMatch]) -> Vec<TermMatch> {
    words
        .iter()
        .map(|w| TermMatch {
            exact: w.exact.clone(),
            prefix: w.prefix.clone(),
            // (A word lies in its own range: only its abbreviation may not.)
            outside: match &w.prefix {
                Some(_) => w
                    .exact
                    .iter()
                    .filter(|e| !w.in_prefix(e))
                    .cloned()
                    .collect(),
                None => Vec::new(),
            },
            fuzzy: w.fuzzy.clone(),
        })
        .collect()
}

/// Each query word with its fuzzy candidates looked up in the vocabulary: the words with
/// its sound key or its first two letters.
pub fn resolve_words(conn: &mut DbConnection, q: &str) -> QueryResult<Vec<WordMatch>> {
    let mut out = Vec::new();
    for word in query_words(q) {
        let w = WordMatch::new(&word);
        if !w.wants_fuzzy() {
            out.push(w);
            continue;
        }
        let first_two: String = word.chars().take(2).collect();
        let sound = sound_key(&word);
        let mut query = search_vocab::table.select(search_vocab::term).into_boxed();
        query = match prefix_upper(&first_two) {
            Some(hi) => query.filter(
                search_vocab::term
                    .ge(first_two.clone())
                    .and(search_vocab::term.lt(hi)),
            ),
            None => query.filter(search_vocab::term.ge(first_two.clone())),
        };
        if !sound.is_empty() {
            query = query.or_filter(search_vocab::sound.eq(sound));
        }
        let candidates: Vec<String> = query.load(conn)?;
        out.push(w.with_fuzzy(candidates));
    }
    Ok(out)
}

/// An account in number order, as a walk visits it.
#[derive(Queryable)]
struct NumberedAccount {
    id: String,
    number: String,
}

/// The columns of an account's line in a result list.
#[derive(Queryable)]
struct SummaryRow {
    id: String,
    number: String,
    status: AccountStatus,
    customer_name: String,
    service_address: String,
    cycle_code: String,
}

/// When [`search`] ranks everything in one statement and when it walks accounts in number
/// order instead (see [`search_tuned`]).
#[derive(Debug, Clone, Copy)]
pub struct Tuning {
    /// Up to this many matches, one statement sorts them all (cheap while they are few).
    pub broad: i64,
    /// A walk may look at this many accounts per word of the query, else the level is sorted.
    pub walk_budget: i64,
    /// Accounts per step of a walk.
    pub walk_batch: i64,
}

pub const TUNING: Tuning = Tuning {
    broad: 2_000,
    walk_budget: 20_000,
    walk_batch: 500,
};

/// Accounts matching every word of `q.q`, best first, then by account number; paged, with
/// the exact total. A query without words (only punctuation) finds nothing.
pub fn search(conn: &mut DbConnection, q: &AccountQuery) -> ApiResult<Page<AccountSummaryDto>> {
    if matches!(conn, DbConnection::Postgres(_)) {
        // Parallel workers cost more to start than they save on these index-range
        // statements on a small server (two common words: 70 ms with them, 40 without).
        return conn.transaction(|c| {
            c.batch_execute("SET LOCAL max_parallel_workers_per_gather = 0")?;
            search_tuned(c, q, TUNING)
        });
    }
    search_tuned(conn, q, TUNING)
}

/// [`search`], with its thresholds given.
///
/// 1. One statement counts the matching accounts at each score (a `GROUP BY` over the rows
///    of the query's words: the cost that grows with the matches, about 15 ms at 30,000).
/// 2. The page, when there are at most `broad` matches: one statement sorts them by score
///    and number. When there are more (a word as common as `ne`), sorting them all costs
///    more than the count: for each score the page needs, accounts are walked in number
///    order, a batch at a time, keeping those with that score (a dense score fills a page
///    within a batch or two). A walk that would look at more than `walk_budget` accounts
///    per word (a sparse score, a deep page) sorts that score's accounts instead.
pub fn search_tuned(
    conn: &mut DbConnection,
    q: &AccountQuery,
    tuning: Tuning,
) -> ApiResult<Page<AccountSummaryDto>> {
    let (page, per_page) = paging(q.page, q.per_page);
    let skip = (page - 1) * per_page;
    if skip >= SEARCH_RESULT_WINDOW {
        return Err(ApiError::field(
            "page",
            FieldCode::BeyondSearchWindow,
            format!(
                "a search shows its best {SEARCH_RESULT_WINDOW} matches: add a word to narrow it"
            ),
        ));
    }
    // The last page of the window may be short.
    let take = per_page.min(SEARCH_RESULT_WINDOW - skip);
    let words = resolve_words(conn, q.q.as_deref().unwrap_or(""))?;
    let empty = |total| Page {
        items: Vec::new(),
        total,
        page,
        per_page,
    };
    if words.is_empty() {
        return Ok(empty(0));
    }
    let status = q.status.map(|s| s.as_str());
    let matches = term_matches(&words);

    // 1. How many match, at each score.
    let levels = search_sql::levels(conn, &matches, status)?;
    let total: i64 = levels.iter().map(|l| l.n).sum();
    if skip >= total {
        return Ok(empty(total));
    }

    // 2. The page's accounts, in order.
    let ids: Vec<String> = if total <= tuning.broad {
        search_sql::ranked(conn, &matches, status, None, take, skip)?
    } else {
        let mut ids = Vec::new();
        let mut before = 0i64;
        let mut accounts_n: Option<i64> = None;
        let max_visits = tuning.walk_budget / i64::try_from(words.len()).unwrap_or(1);
        for level in &levels {
            let (lo, hi) = (before, before + level.n);
            before = hi;
            if hi <= skip {
                continue;
            }
            if lo >= skip + take {
                break;
            }
            let level_skip = skip.saturating_sub(lo);
            let level_take = (hi.min(skip + take)) - lo.max(skip);
            // Accounts a walk would look at: the wanted ones over this score's share.
            let n = match accounts_n {
                Some(n) => n,
                None => {
                    let mut count = accounts::table.into_boxed();
                    if let Some(st) = status {
                        count = count.filter(accounts::status.eq(st));
                    }
                    let n: i64 = count.count().get_result(conn)?;
                    accounts_n = Some(n);
                    n
                }
            };
            let visits = (level_skip + level_take).saturating_mul(n) / level.n.max(1);
            let walked = if visits <= max_visits {
                walk(
                    conn,
                    &matches,
                    status,
                    level.score,
                    level_skip,
                    level_take,
                    max_visits,
                    tuning.walk_batch,
                )?
            } else {
                None
            };
            match walked {
                Some(found) => ids.extend(found),
                None => ids.extend(search_sql::ranked(
                    conn,
                    &matches,
                    status,
                    Some(level.score),
                    level_take,
                    level_skip,
                )?),
            }
        }
        ids
    };
    Ok(Page {
        items: summaries_of(conn, &ids)?,
        total,
        page,
        per_page,
    })
}

/// Walks accounts in number order, `batch` at a time, and keeps those with `score`: skips
/// `skip` of them and answers the next `take`, or `None` after `max_visits` accounts.
#[allow(clippy::too_many_arguments)]
fn walk(
    conn: &mut DbConnection,
    words: &[TermMatch],
    status: Option<&str>,
    score: i64,
    skip: i64,
    take: i64,
    max_visits: i64,
    batch: i64,
) -> QueryResult<Option<Vec<String>>> {
    let mut found = Vec::new();
    let mut skipped = 0i64;
    let mut visited = 0i64;
    let mut after: Option<String> = None;
    loop {
        let mut next = accounts::table
            .select((accounts::id, accounts::number))
            .order(accounts::number.asc())
            .limit(batch.max(1))
            .into_boxed();
        if let Some(st) = status {
            next = next.filter(accounts::status.eq(st));
        }
        if let Some(a) = &after {
            next = next.filter(accounts::number.gt(a.clone()));
        }
        let batch_rows: Vec<NumberedAccount> = next.load(conn)?;
        let Some(last) = batch_rows.last() else {
            return Ok(Some(found));
        };
        after = Some(last.number.clone());
        visited += i64::try_from(batch_rows.len()).unwrap_or(i64::MAX);

        let ids: Vec<String> = batch_rows.iter().map(|r| r.id.clone()).collect();
        let scores = search_sql::scores(conn, words, &ids)?;
        for NumberedAccount { id, .. } in batch_rows {
            if scores.get(&id) != Some(&score) {
                continue;
            }
            if skipped < skip {
                skipped += 1;
                continue;
            }
            found.push(id);
            if i64::try_from(found.len()).unwrap_or(i64::MAX) >= take {
                return Ok(Some(found));
            }
        }
        if visited >= max_visits {
            return Ok(None);
        }
    }
}

/// The summaries of these accounts, in this order.
fn summaries_of(conn: &mut DbConnection, ids: &[String]) -> ApiResult<Vec<AccountSummaryDto>> {
    let details: Vec<SummaryRow> = accounts::table
        .inner_join(customers::table)
        .inner_join(premises::table.inner_join(cycles::table))
        .filter(accounts::id.eq_any(ids))
        .select((
            accounts::id,
            accounts::number,
            accounts::status,
            customers::name,
            premises::service_address,
            cycles::code,
        ))
        .load(conn)?;
    let mut by_id: HashMap<String, SummaryRow> =
        details.into_iter().map(|r| (r.id.clone(), r)).collect();
    let mut items = Vec::with_capacity(ids.len());
    for id in ids {
        let Some(r) = by_id.remove(id) else {
            continue;
        };
        items.push(AccountSummaryDto {
            id: r.id,
            number: r.number,
            status: r.status,
            customer_name: r.customer_name,
            service_address: r.service_address,
            cycle_code: r.cycle_code,
        });
    }
    Ok(items)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use proptest::prelude::*;

    fn strs(v: &[String]) -> Vec<&str> {
        v.iter().map(String::as_str).collect()
    }

    #[test]
    fn text_is_lowercased_and_accents_are_folded() {
        assert_eq!(fold("García PEÑA"), "garcia pena");
        assert_eq!(fold("ÉCOLE Straße Łódź"), "ecole strasse lodz");
        // Decomposed accents: the combining mark goes.
        assert_eq!(fold("Jose\u{301}"), "jose");
        assert_eq!(fold("Ærøskøbing"), "aeroskobing");
    }

    #[test]
    fn index_words_keep_joined_and_split_forms() {
        assert_eq!(
            index_words("Mid-Valley Print Shop"),
            ["midvalley", "mid", "valley", "print", "shop"]
        );
        assert_eq!(
            index_words("O'Brien, Seán"),
            ["obrien", "o", "brien", "sean"]
        );
        assert_eq!(
            index_words("101-0001-01"),
            ["101000101", "101", "0001", "01"]
        );
        assert_eq!(
            index_words("PO Box 1000, Salem OR 97301"),
            ["po", "box", "1000", "salem", "or", "97301"]
        );
        assert_eq!(index_words("St. Edward  st"), ["st", "edward"]);
        assert_eq!(
            index_words("O'Brien-Smith"),
            ["obriensmith", "o", "brien", "smith", "obrien"]
        );
        assert!(index_words(" -- , ").is_empty());
    }

    #[test]
    fn query_words_keep_numbers_whole() {
        assert_eq!(query_words("(503) 555-1000"), ["5035551000"]);
        assert_eq!(query_words("101-0001-01"), ["101000101"]);
        assert_eq!(query_words("101 0001 01"), ["101000101"]);
        assert_eq!(query_words("Maria  GARCÍA"), ["maria", "garcia"]);
        assert_eq!(query_words("O'Brien"), ["obrien"]);
        assert_eq!(query_words("mid-valley"), ["mid", "valley"]);
        assert_eq!(query_words("P.O. Box 7, N.E."), ["po", "box", "7", "ne"]);
        assert_eq!(
            query_words("SN-1234 chemawa rd."),
            ["sn1234", "chemawa", "rd"]
        );
        assert_eq!(query_words("4 4th St"), ["4", "4th", "st"]);
        assert!(query_words("%").is_empty());
        assert!(query_words("  ").is_empty());
        assert_eq!(query_words("a b c d e f g h i j k").len(), MAX_WORDS);
        assert_eq!(query_words("smith smith SMITH"), ["smith"]);
    }

    #[test]
    fn sound_keys_match_misspellings() {
        assert_eq!(sound_key("garcia"), "g620");
        assert_eq!(sound_key("garsia"), "g620");
        assert_eq!(sound_key("johnson"), "j525");
        assert_eq!(sound_key("jonson"), "j525");
        assert_eq!(sound_key("jhonson"), "j525");
        assert_eq!(sound_key("robert"), sound_key("rupert"));
        assert_eq!(sound_key("smith"), sound_key("smyth"));
        assert_eq!(sound_key("catherine"), sound_key("katherine"));
        assert_eq!(sound_key("phillips"), sound_key("filips"));
        assert_eq!(sound_key("rodriguez"), sound_key("rodrigues"));
        assert_eq!(sound_key("lopez"), sound_key("lopes"));
        assert_eq!(sound_key("tymczak"), "t522");
        assert_eq!(sound_key("lee"), "l000");
        assert_ne!(sound_key("garcia"), sound_key("green"));
        assert_ne!(sound_key("johnson"), sound_key("jackson"));
        // Only plain letters have a key.
        assert_eq!(sound_key("a1"), "");
        assert_eq!(sound_key("дмитрий"), "");
        assert_eq!(sound_key(""), "");
    }

    #[test]
    fn phonetic_spelling() {
        assert_eq!(phonetic("phillips"), "fillips");
        assert_eq!(phonetic("garcia"), "garsia");
        assert_eq!(phonetic("knight"), "nit");
        assert_eq!(phonetic("schultz"), "skults");
        assert_eq!(phonetic("xavier"), "savier");
        assert_eq!(phonetic("mcknight"), "mknit");
    }

    #[test]
    fn edit_distance_counts_edits_and_transpositions() {
        assert_eq!(edit_distance("kitten", "sitting", 3), Some(3));
        assert_eq!(edit_distance("kitten", "sitting", 2), None);
        assert_eq!(edit_distance("smith", "smith", 0), Some(0));
        assert_eq!(edit_distance("smtih", "smith", 1), Some(1));
        assert_eq!(edit_distance("jonson", "johnson", 1), Some(1));
        assert_eq!(edit_distance("", "abc", 3), Some(3));
        assert_eq!(edit_distance("peña", "pena", 1), Some(1));
        assert_eq!(edit_distance("a", "abcd", 2), None);
    }

    #[test]
    fn misspellings_are_accepted_within_bounds() {
        let ok = |w: &str, c: &str| WordMatch::new(w).accepts_fuzzy(c);
        assert!(ok("garsia", "garcia"));
        assert!(ok("jonson", "johnson"));
        assert!(ok("jhonson", "johnson"));
        assert!(ok("smtih", "smith"));
        assert!(ok("rodrigez", "rodriguez"));
        assert!(ok("hernandes", "hernandez"));
        assert!(ok("filips", "phillips"));
        assert!(ok("diaz", "dias")); // short, but sounds the same
        assert!(ok("wiliams", "williams"));
        assert!(ok("mcnary", "mcnarry"));
        // Partial input is a prefix, not a misspelling.
        assert!(!ok("garc", "gary"));
        assert!(!ok("garcia", "gross"));
        assert!(!ok("garcia", "garcia"));
        assert!(!ok("chemawa", "chemistry"));
        // Numbers are never fuzzy.
        assert!(!ok("1000", "1001"));
    }

    #[test]
    fn word_qualities_and_prefix_bounds() {
        let road = WordMatch::new("road");
        assert_eq!(road.exact, ["road", "rd"]);
        assert_eq!(road.quality("rd"), Some(Quality::Exact));
        assert_eq!(road.quality("roads"), Some(Quality::Prefix));
        assert_eq!(road.quality("roa"), None);
        assert_eq!(road.quality("rob"), None);
        assert_eq!(WordMatch::new("n").prefix, None);
        assert_eq!(WordMatch::new("10").prefix, None);
        assert!(WordMatch::new("101").prefix.is_some());
        assert_eq!(prefix_upper("gar").as_deref(), Some("gas"));
        assert_eq!(prefix_upper("az").as_deref(), Some("a{"));
        assert_eq!(prefix_upper("a\u{d7ff}").as_deref(), Some("a\u{e000}"));
        assert_eq!(prefix_upper("a\u{10ffff}").as_deref(), Some("b"));
        assert_eq!(prefix_upper("\u{10ffff}"), None);
        let garsia = WordMatch::new("garsia").with_fuzzy(["garcia".to_owned(), "gross".to_owned()]);
        assert_eq!(garsia.fuzzy, ["garcia"]);
        assert_eq!(garsia.quality("garcia"), Some(Quality::Fuzzy));
        assert_eq!(garsia.quality("garsiano"), Some(Quality::Prefix));
    }

    #[test]
    fn ranking_prefers_exact_then_prefix_then_fuzzy_and_needs_every_word() {
        let words = vec![
            WordMatch::new("maria"),
            WordMatch::new("garsia").with_fuzzy(["garcia".to_owned()]),
        ];
        assert_eq!(rank(&words, &["maria", "garsia"]), Some(0));
        assert_eq!(rank(&words, &["mariana", "garsia"]), Some(1));
        assert_eq!(rank(&words, &["maria", "garcia"]), Some(2));
        assert_eq!(rank(&words, &["mariana", "garcia"]), Some(3));
        // The best term of each word counts.
        assert_eq!(rank(&words, &["mariana", "maria", "garcia"]), Some(2));
        assert_eq!(rank(&words, &["maria"]), None);
        assert_eq!(rank(&[], &["maria"]), Some(0));
    }

    #[test]
    fn account_terms_cover_every_field_once() {
        let a = AccountText {
            number: "101-0001-01",
            customer_name: "María García",
            mailing_address: "PO Box 7, Salem OR 97301",
            phones: vec!["+1 (503) 555-1000", "503.555.2222"],
            service_address: "100 River Road N, Keizer OR 97303",
            parcel: Some("073W10A00100"),
            meter_serials: vec!["SN-77123"],
        };
        let terms = account_terms(&a);
        let get = |t: &str| terms.iter().find(|(x, _)| x == t).map(|(_, f)| *f);
        assert_eq!(get("101000101"), Some("number"));
        assert_eq!(get("0001"), Some("number"));
        assert_eq!(get("maria"), Some("name"));
        assert_eq!(get("garcia"), Some("name"));
        assert_eq!(get("5035551000"), Some("phone"));
        assert_eq!(get("5551000"), Some("phone"));
        assert_eq!(get("1000"), Some("phone"));
        assert_eq!(get("2222"), Some("phone"));
        assert_eq!(get("sn77123"), Some("meter_serial"));
        assert_eq!(get("77123"), Some("meter_serial"));
        assert_eq!(get("073w10a00100"), Some("parcel"));
        assert_eq!(get("road"), Some("service_address"));
        assert_eq!(get("rd"), Some("service_address"));
        // "or" is in both addresses; it is kept once, under the first.
        assert_eq!(get("or"), Some("service_address"));
        assert_eq!(get("salem"), Some("mailing_address"));
        let mut all: Vec<&str> = terms.iter().map(|(t, _)| t.as_str()).collect();
        let n = all.len();
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), n, "no duplicate terms");
        assert_eq!(phone_terms("555-12"), ["55512"]);
        assert!(phone_terms("none").is_empty());
    }

    proptest! {
        #[test]
        fn query_words_are_folded_alphanumerics(q in "\\PC{0,40}") {
            let words = query_words(&q);
            prop_assert!(words.len() <= MAX_WORDS);
            for w in &words {
                prop_assert!(!w.is_empty());
                prop_assert!(w.chars().all(char::is_alphanumeric), "{w:?}");
                prop_assert_eq!(fold(w), w.clone());
            }
        }

        #[test]
        fn a_query_of_a_phrase_finds_its_own_index_words(text in "[A-Za-z0-9éñü' .,#-]{1,30}") {
            // (A query without letters is one number, however spaced: not a phrase.)
            prop_assume!(text.chars().any(char::is_alphabetic));
            let terms = index_words(&text);
            for w in query_words(&text) {
                prop_assert!(terms.contains(&w), "{w:?} not in {terms:?}");
            }
        }

        #[test]
        fn edit_distance_is_a_metric(a in "[a-e]{0,7}", b in "[a-e]{0,7}") {
            let d = edit_distance(&a, &b, 99).unwrap();
            prop_assert_eq!(Some(d), edit_distance(&b, &a, 99));
            prop_assert_eq!(d == 0, a == b);
            prop_assert!(d <= a.len().max(b.len()));
            prop_assert_eq!(edit_distance(&a, &b, d), Some(d));
            if d > 0 {
                prop_assert_eq!(edit_distance(&a, &b, d - 1), None);
            }
        }

        #[test]
        fn sound_keys_are_four_characters(w in "[a-z]{1,12}") {
            let k = sound_key(&w);
            prop_assert_eq!(k.len(), 4);
            prop_assert!(k.as_bytes()[0].is_ascii_lowercase());
            prop_assert!(k.bytes().skip(1).all(|b| b.is_ascii_digit()));
        }

        #[test]
        fn prefix_range_holds_exactly_the_words_beginning_with_w(w in "[a-z0-9]{2,5}", t in "[a-z0-9]{0,8}") {
            let m = WordMatch::new(&w);
            // A word with a digit needs three characters to be a prefix (`6h` would match
            // thousands of house numbers), a word of letters two.
            let long_enough = w.len() >= if w.chars().any(|c| c.is_ascii_digit()) { 3 } else { 2 };
            prop_assert_eq!(m.prefix.is_some(), long_enough);
            prop_assert_eq!(m.in_prefix(&t), long_enough && t.starts_with(&w));
        }
    }

    // ---------------------------------------------------------------- the SQL agrees

    use crate::db::{now, run_migrations, DbTarget};

    const FIRST: &[&str] = &[
        "Maria", "Mario", "Marie", "José", "John", "Jon", "Ana", "Luis",
    ];
    const LAST: &[&str] = &[
        "Garcia", "Garza", "Johnson", "Jonson", "Johnston", "Smith", "Smyth", "Peña", "Lopez",
        "Lopes", "O'Brien",
    ];
    const STREETS: &[&str] = &[
        "River Rd N",
        "Chemawa Road NE",
        "Cherry Ave NE",
        "Mid-Valley Dr",
    ];

    /// A small city in an in-memory SQLite database.
    fn city() -> DbConnection {
        let mut c = DbTarget::Sqlite(":memory:".into()).connect().unwrap();
        run_migrations(&mut c).unwrap();
        let t = now();
        diesel::insert_into(cycles::table)
            .values((
                cycles::id.eq("cyc-1"),
                cycles::code.eq("C1"),
                cycles::name.eq("Cycle 1"),
                cycles::months_per_bill.eq(1),
            ))
            .execute(&mut c)
            .unwrap();
        for i in 0..120usize {
            let name = format!("{} {}", FIRST[i % FIRST.len()], LAST[(i * 7) % LAST.len()]);
            let address = format!("{} {}", 100 + i * 2, STREETS[i % STREETS.len()]);
            diesel::insert_into(customers::table)
                .values((
                    customers::id.eq(format!("cus-{i:03}")),
                    customers::name.eq(name),
                    customers::mailing_address.eq(&address),
                    customers::phone.eq(format!("503-555-{:04}", 1000 + i)),
                    customers::preferred_locale.eq("en"),
                    customers::created_at.eq(t),
                ))
                .execute(&mut c)
                .unwrap();
            diesel::insert_into(premises::table)
                .values((
                    premises::id.eq(format!("prm-{i:03}")),
                    premises::service_address.eq(&address),
                    premises::parcel.eq(format!("073W10A{:05}", i * 10)),
                    premises::cycle_id.eq("cyc-1"),
                    premises::route.eq("01"),
                    premises::read_sequence.eq(i32::try_from(i).unwrap()),
                    premises::created_at.eq(t),
                ))
                .execute(&mut c)
                .unwrap();
            diesel::insert_into(accounts::table)
                .values((
                    accounts::id.eq(format!("acc-{i:03}")),
                    accounts::number.eq(format!("1{:02}-{:04}-01", i % 4, i + 1)),
                    accounts::customer_id.eq(format!("cus-{i:03}")),
                    accounts::premise_id.eq(format!("prm-{i:03}")),
                    accounts::status.eq(if i % 5 == 0 { "closed" } else { "active" }),
                    accounts::occupant.eq("owner"),
                    accounts::opened_on.eq(chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap()),
                    accounts::created_at.eq(t),
                ))
                .execute(&mut c)
                .unwrap();
        }
        c
    }

    fn ids_of(page: &Page<AccountSummaryDto>) -> Vec<String> {
        page.items.iter().map(|a| a.id.clone()).collect()
    }

    /// The SQL's answer equals ranking every account's terms in memory with [`rank`].
    #[test]
    fn sql_ranking_equals_the_in_memory_reference() {
        let mut c = city();
        assert_eq!(reindex_all(&mut WriteTx::in_test(&mut c)).unwrap(), 120);
        let terms: Vec<(String, String)> = search_terms::table
            .select((search_terms::account_id, search_terms::term))
            .load(&mut c)
            .unwrap();
        let mut by_account: HashMap<String, Vec<String>> = HashMap::new();
        for (a, t) in terms {
            by_account.entry(a).or_default().push(t);
        }
        let info: Vec<(String, String, String)> = accounts::table
            .select((accounts::id, accounts::number, accounts::status))
            .load(&mut c)
            .unwrap();
        let queries = [
            "maria",
            "mari",
            "garsia",
            "jonson",
            "johnson",
            "smyth",
            "pena",
            "peña",
            "obrien",
            "o'brien",
            "chemawa road",
            "river rd",
            "mid valley",
            "maria garcia",
            "jon smith",
            "101-0001-01",
            "5035551003",
            "555-1003",
            "1003",
            "073w10a00030",
            "10",
            "101",
            "ne",
            "zzz",
            "john jonson",
            "lopes",
            "marie chemawa 1",
        ];
        for q in queries {
            for status in [None, Some(AccountStatus::Active)] {
                let words = resolve_words(&mut c, q).unwrap();
                let mut expected: Vec<(u32, &str, &str)> = info
                    .iter()
                    .filter(|(_, _, s)| status.is_none_or(|st| st.as_str() == s))
                    .filter_map(|(id, number, _)| {
                        let ts = by_account.get(id).map(|v| strs(v)).unwrap_or_default();
                        rank(&words, &ts).map(|r| (r, number.as_str(), id.as_str()))
                    })
                    .collect();
                expected.sort();
                // Every way of finding the page: one statement; walks (in small batches
                // too); each score sorted on its own.
                let tunings = [
                    TUNING,
                    Tuning { broad: 0, ..TUNING },
                    Tuning {
                        broad: 0,
                        walk_batch: 3,
                        ..TUNING
                    },
                    Tuning {
                        broad: 0,
                        walk_budget: 0,
                        ..TUNING
                    },
                    Tuning {
                        broad: 0,
                        walk_budget: 40,
                        walk_batch: 7,
                    },
                ];
                for tuning in tunings {
                    for (page, per_page) in [(1, 5), (2, 7), (3, 4), (1, 200), (40, 3)] {
                        let got = search_tuned(
                            &mut c,
                            &AccountQuery {
                                q: Some(q.into()),
                                status,
                                page: Some(page),
                                per_page: Some(per_page),
                            },
                            tuning,
                        )
                        .unwrap();
                        let want: Vec<String> = expected
                            .iter()
                            .skip(usize::try_from((page - 1) * per_page).unwrap())
                            .take(usize::try_from(per_page).unwrap())
                            .map(|(_, _, id)| (*id).to_owned())
                            .collect();
                        let total = i64::try_from(expected.len()).unwrap();
                        assert_eq!(got.total, total, "{q} {tuning:?}");
                        assert_eq!(
                            ids_of(&got),
                            want,
                            "{q} {status:?} page {page} of {per_page}, {tuning:?}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn misspelled_and_partial_queries_find_the_account() {
        let mut c = city();
        reindex_all(&mut WriteTx::in_test(&mut c)).unwrap();
        let first = |c: &mut DbConnection, q: &str| {
            let p = search(
                c,
                &AccountQuery {
                    q: Some(q.into()),
                    ..Default::default()
                },
            )
            .unwrap();
            (p.total, p.items.first().map(|a| a.customer_name.clone()))
        };
        assert_eq!(first(&mut c, "Garsia").1.as_deref(), Some("Maria Garcia"));
        assert!(first(&mut c, "Jonson").0 > 0);
        assert_eq!(first(&mut c, "jose pena").1.as_deref(), Some("José Peña"));
        assert_eq!(
            first(&mut c, "100-0001-01").1.as_deref(),
            Some("Maria Garcia")
        );
        assert_eq!(
            first(&mut c, "100000101").1.as_deref(),
            Some("Maria Garcia")
        );
        assert_eq!(
            first(&mut c, "(503) 555-1000").1.as_deref(),
            Some("Maria Garcia")
        );
        assert_eq!(first(&mut c, "!!").0, 0);
    }

    /// Reindexing some accounts leaves the index as rebuilding it all would.
    #[test]
    fn reindexing_accounts_replaces_their_terms() {
        let mut c = city();
        reindex_all(&mut WriteTx::in_test(&mut c)).unwrap();
        diesel::update(customers::table.find("cus-003"))
            .set(customers::name.eq("Zoë Quintanilla"))
            .execute(&mut c)
            .unwrap();
        diesel::insert_into(meters::table)
            .values((
                meters::id.eq("mtr-1"),
                meters::serial.eq("SN-4455667"),
                meters::size.eq("5/8"),
                meters::kind.eq("positive_displacement"),
                meters::unit.eq("ccf"),
                meters::status.eq("installed"),
                meters::premise_id.eq("prm-007"),
                meters::created_at.eq(now()),
            ))
            .execute(&mut c)
            .unwrap();
        reindex_accounts(
            &mut WriteTx::in_test(&mut c),
            &["acc-003".into(), "acc-007".into(), "acc-003".into()],
        )
        .unwrap();
        let snapshot = |c: &mut DbConnection| {
            let mut rows: Vec<(String, String, String)> = search_terms::table
                .select((
                    search_terms::account_id,
                    search_terms::term,
                    search_terms::field,
                ))
                .load(c)
                .unwrap();
            rows.sort();
            rows
        };
        let partial = snapshot(&mut c);
        let q = |c: &mut DbConnection, q: &str| {
            ids_of(
                &search(
                    c,
                    &AccountQuery {
                        q: Some(q.into()),
                        ..Default::default()
                    },
                )
                .unwrap(),
            )
        };
        assert_eq!(q(&mut c, "quintanilla"), ["acc-003"]);
        assert_eq!(q(&mut c, "zoe"), ["acc-003"]);
        assert_eq!(q(&mut c, "SN-4455667"), ["acc-007"]);
        assert_eq!(q(&mut c, "4455667"), ["acc-007"]);
        assert_eq!(reindex_all(&mut WriteTx::in_test(&mut c)).unwrap(), 120);
        assert_eq!(snapshot(&mut c), partial);
        reindex_accounts(&mut WriteTx::in_test(&mut c), &[]).unwrap();
        reindex_accounts(&mut WriteTx::in_test(&mut c), &["nope".into()]).unwrap();
        assert_eq!(snapshot(&mut c), partial);
    }
}
