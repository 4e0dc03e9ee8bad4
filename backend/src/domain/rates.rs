//! Rate schedules as versioned data, and quotes from them.
//!
//! One row of `rate_schedules` is one *version* of one *rate book* (docs/rates.md): the
//! document's `id` is the book, and versions are numbered 1, 2, ... per book in the order they
//! were created. The document is kept exactly as it was sent, so an export gives back the
//! imported bytes.
//!
//! - A version starts as a **draft**: it must validate clean (`rates::validate`), and may be
//!   replaced while it is a draft. It cannot move to another rate book.
//! - **Approval** (lead or finance director) refuses a document that fails validation or that
//!   conflicts with the book's approved versions (`rates::validate_versions`: one effective
//!   date per book, one `effective_by` per book), and refuses the person who made the last
//!   change to the draft (maker-checker). An approver may pin the SHA-256 of the document they
//!   reviewed; a draft changed since is refused.
//! - An **approved** version never changes (also enforced by a database trigger); it can only
//!   be **retired**, which takes it out of quotes and out of the conflict checks, so a
//!   corrected version with the same effective date can then be approved.
//! - **Quotes** use one chosen version, or the approved versions of every rate book (or one)
//!   adopted by a date: each book's versions with an effective date on or before `on`, the
//!   engine picking among them by the service period and bill date as it would for a bill.
//!
//! Every change writes its audit row in the same transaction.

use cistern_shared::FieldCode;
use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use cistern_shared::dto::Locale;
use cistern_shared::rates::{self, RateError, RateSchedule};
use cistern_shared::{ErrorCode, FieldError};
use diesel::prelude::*;
use sha2::{Digest, Sha256};

use crate::db::schema::{rate_schedules, users};
use crate::db::{is_unique_violation, now, DbConnection, WriteTx};
use crate::domain::audit::{self, Actor, Change};
use crate::domain::new_id;
use crate::error::{ApiError, ApiResult};

// The request and response bodies live in the shared crate, so the client uses them too.
pub use cistern_shared::rates_api::{
    ApproveRateScheduleRequest, RateBookDto, RateQuoteDto, RateQuoteRequest, RateScheduleDto,
    RateScheduleRefDto, RateScheduleSummaryDto, RateStatus, RateValidationDto,
    RetireRateScheduleRequest,
};

const DRAFT: RateStatus = RateStatus::Draft;
const APPROVED: RateStatus = RateStatus::Approved;
const RETIRED: RateStatus = RateStatus::Retired;
const ENTITY: &str = "rate_schedule";

// ---------------------------------------------------------------- rows

pub use crate::db::models::rate_schedules::RateScheduleVersion;

impl RateScheduleVersion {
    fn schedule(&self) -> ApiResult<RateSchedule> {
        parse_document(self.document.as_bytes())
            .map(|(_, doc)| doc)
            .map_err(|e| {
                ApiError::internal(format!("stored rate schedule {}: {}", self.id, e.message))
            })
    }

    fn summary(&self, names: &HashMap<String, String>) -> ApiResult<RateScheduleSummaryDto> {
        let name = |id: &Option<String>| id.as_ref().and_then(|i| names.get(i).cloned());
        let utc = |t: NaiveDateTime| DateTime::<Utc>::from_naive_utc_and_offset(t, Utc);
        Ok(RateScheduleSummaryDto {
            id: self.id.clone(),
            book_id: self.book_id.clone(),
            version: self.version,
            title: self.title.clone(),
            effective_date: self.effective_date,
            status: self.status,
            document_sha256: sha256_hex(&self.document),
            created_by: name(&self.created_by),
            created_at: utc(self.created_at),
            updated_by: name(&self.updated_by),
            updated_at: utc(self.updated_at),
            approved_by: name(&self.approved_by),
            approved_at: self.approved_at.map(utc),
            retired_by: name(&self.retired_by),
            retired_at: self.retired_at.map(utc),
        })
    }

    fn reference(&self) -> RateScheduleRefDto {
        RateScheduleRefDto {
            id: self.id.clone(),
            book_id: self.book_id.clone(),
            version: self.version,
            effective_date: self.effective_date,
            status: self.status,
        }
    }

    /// What the audit trail keeps of a version: its facts and the whole document.
    fn audit_view(&self) -> Option<serde_json::Value> {
        let document: serde_json::Value = serde_json::from_str(&self.document)
            .unwrap_or_else(|_| serde_json::Value::String(self.document.clone()));
        Some(serde_json::json!({
            "book_id": self.book_id,
            "version": self.version,
            "title": self.title,
            "effective_date": self.effective_date,
            "status": self.status,
            "document_sha256": sha256_hex(&self.document),
            "document": document,
        }))
    }
}

pub fn sha256_hex(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

fn find(c: &mut DbConnection, id: &str) -> ApiResult<RateScheduleVersion> {
    rate_schedules::table
        .find(id)
        .select(RateScheduleVersion::as_select())
        .first(c)
        .optional()?
        .ok_or_else(ApiError::not_found)
}

/// Usernames of everyone named on these rows, by user id.
fn usernames(
    c: &mut DbConnection,
    rows: &[RateScheduleVersion],
) -> ApiResult<HashMap<String, String>> {
    let mut ids: Vec<String> = rows
        .iter()
        .flat_map(|r| [&r.created_by, &r.updated_by, &r.approved_by, &r.retired_by])
        .flatten()
        .cloned()
        .collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let pairs: Vec<(String, String)> = users::table
        .filter(users::id.eq_any(&ids))
        .select((users::id, users::username))
        .load(c)?;
    Ok(pairs.into_iter().collect())
}

fn summary_of(
    c: &mut DbConnection,
    row: &RateScheduleVersion,
) -> ApiResult<RateScheduleSummaryDto> {
    let names = usernames(c, std::slice::from_ref(row))?;
    row.summary(&names)
}

// ---------------------------------------------------------------- documents and problems

/// Reads a document: UTF-8 JSON (a leading byte-order mark is allowed and kept) in the rate
/// schedule format. Answers the text to store, exactly as given, and the parsed schedule.
pub fn parse_document(bytes: &[u8]) -> Result<(String, RateSchedule), FieldError> {
    let text = std::str::from_utf8(bytes).map_err(|e| FieldError {
        field: "document".into(),
        code: FieldCode::InvalidEncoding,
        message: format!("the document must be UTF-8 text ({e})"),
    })?;
    let json = text.strip_prefix('\u{feff}').unwrap_or(text);
    let doc = RateSchedule::from_json(json).map_err(|e| FieldError {
        field: "document".into(),
        code: FieldCode::InvalidJson,
        message: format!("not a rate schedule document: {e}"),
    })?;
    Ok((text.to_owned(), doc))
}

fn invalid(detail: &str, fields: Vec<FieldError>) -> ApiError {
    ApiError {
        code: ErrorCode::ValidationFailed,
        detail: Some(detail.to_owned()),
        fields,
    }
}

/// Parses and validates a document on its own; 422 with every problem otherwise.
fn checked_document(bytes: &[u8]) -> ApiResult<(String, RateSchedule)> {
    let (text, doc) = parse_document(bytes)
        .map_err(|e| invalid("the rate schedule document could not be read", vec![e]))?;
    let problems = rates::validate(&doc);
    if !problems.is_empty() {
        return Err(invalid("the rate schedule document has problems", problems));
    }
    Ok((text, doc))
}

/// The book's approved versions, oldest effective date first (optionally leaving one out).
fn approved_versions(
    c: &mut DbConnection,
    book_id: &str,
    except: Option<&str>,
) -> ApiResult<Vec<RateScheduleVersion>> {
    let mut q = rate_schedules::table
        .filter(rate_schedules::book_id.eq(book_id.to_owned()))
        .filter(rate_schedules::status.eq(APPROVED))
        .into_boxed();
    if let Some(id) = except {
        q = q.filter(rate_schedules::id.ne(id.to_owned()));
    }
    Ok(q.select(RateScheduleVersion::as_select())
        .order((
            rate_schedules::effective_date.asc(),
            rate_schedules::version.asc(),
        ))
        .load(c)?)
}

/// Everything approval would refuse in `doc`: its own problems, and conflicts with the book's
/// approved versions. Paths of the document's own fields are as in `validate`; a problem
/// found in an approved version (only possible if the rules tightened since) is prefixed
/// `approved_versions[<version>].`.
fn approval_problems(
    c: &mut DbConnection,
    doc: &RateSchedule,
    except: Option<&str>,
) -> ApiResult<Vec<FieldError>> {
    let approved = approved_versions(c, &doc.id, except)?;
    let mut all = Vec::with_capacity(approved.len() + 1);
    for row in &approved {
        all.push(row.schedule()?);
    }
    all.push(doc.clone());
    let own = format!("[{}].", approved.len());
    let problems = rates::validate_versions(&all)
        .into_iter()
        .map(|mut p| {
            if let Some(rest) = p.field.strip_prefix(&own) {
                p.field = rest.to_owned();
            } else if let Some((index, rest)) =
                p.field.strip_prefix('[').and_then(|s| s.split_once("]."))
            {
                let version = index
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| approved.get(i))
                    .map(|r| r.version.to_string())
                    .unwrap_or_else(|| index.to_owned());
                p.field = format!("approved_versions[{version}].{rest}");
            }
            p
        })
        .collect();
    Ok(problems)
}

/// Checks a document without saving it: its own problems and conflicts with the approved
/// versions of its rate book. A document that cannot be read is one problem, not an error.
pub fn validate_document(c: &mut DbConnection, bytes: &[u8]) -> ApiResult<RateValidationDto> {
    let doc = match parse_document(bytes) {
        Ok((_, doc)) => doc,
        Err(e) => {
            return Ok(RateValidationDto {
                valid: false,
                book_id: None,
                problems: vec![e],
            })
        }
    };
    let problems = approval_problems(c, &doc, None)?;
    Ok(RateValidationDto {
        valid: problems.is_empty(),
        book_id: Some(doc.id),
        problems,
    })
}

// ---------------------------------------------------------------- changes

/// How a draft arrived, for the audit trail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Written through the API.
    Api,
    /// Uploaded as a file.
    Import,
}

/// Saves a document as a new draft version of its rate book (the next version number).
pub fn create_draft(
    tx: &mut WriteTx<'_>,
    actor: &Actor,
    bytes: &[u8],
    origin: Origin,
) -> ApiResult<RateScheduleSummaryDto> {
    let (text, doc) = checked_document(bytes)?;
    let row = insert_draft(tx, actor.user_id.as_deref(), &text, &doc)?;
    audit::record(
        tx,
        actor,
        Change {
            action: match origin {
                Origin::Api => "rate_schedule.create",
                Origin::Import => "rate_schedule.import",
            },
            entity_type: ENTITY,
            entity_id: &row.id,
            before: None,
            after: row.audit_view(),
            reason: None,
        },
    )?;
    summary_of(tx, &row)
}

fn insert_draft(
    tx: &mut WriteTx<'_>,
    user_id: Option<&str>,
    text: &str,
    doc: &RateSchedule,
) -> ApiResult<RateScheduleVersion> {
    let last: Option<i32> = rate_schedules::table
        .filter(rate_schedules::book_id.eq(&doc.id))
        .select(rate_schedules::version)
        .order(rate_schedules::version.desc())
        .first(tx.db())
        .optional()?;
    let version = last
        .unwrap_or(0)
        .checked_add(1)
        .ok_or_else(|| ApiError::internal("rate schedule version overflow"))?;
    let t = now();
    let row = RateScheduleVersion {
        id: new_id(),
        book_id: doc.id.clone(),
        version,
        title: doc.title.en.trim().to_owned(),
        effective_date: doc.effective_date,
        status: DRAFT,
        document: text.to_owned(),
        created_by: user_id.map(str::to_owned),
        created_at: t,
        updated_by: user_id.map(str::to_owned),
        updated_at: t,
        approved_by: None,
        approved_at: None,
        retired_by: None,
        retired_at: None,
    };
    diesel::insert_into(rate_schedules::table)
        .values(&row)
        .execute(tx.db())
        .map_err(|e| {
            if is_unique_violation(&e) {
                ApiError::with_detail(
                    ErrorCode::ChangedMeanwhile,
                    "another version of this rate book was saved at the same moment; try again",
                )
            } else {
                ApiError::from(e)
            }
        })?;
    Ok(row)
}

fn not_a_draft(row: &RateScheduleVersion) -> ApiError {
    ApiError::with_detail(
        ErrorCode::RateScheduleNotDraft,
        format!(
            "version {} of {} is {}: only a draft can change. Approved versions never change; \
             import the corrected document as a new draft instead",
            row.version,
            row.book_id,
            row.status.as_str()
        ),
    )
}

/// Replaces a draft's document. Only drafts change, and a draft stays in its rate book.
pub fn update_draft(
    tx: &mut WriteTx<'_>,
    actor: &Actor,
    id: &str,
    bytes: &[u8],
) -> ApiResult<RateScheduleSummaryDto> {
    let (text, doc) = checked_document(bytes)?;
    let before = find(tx, id)?;
    if before.status != DRAFT {
        return Err(not_a_draft(&before));
    }
    if doc.id != before.book_id {
        return Err(ApiError::field(
            "id",
            FieldCode::Conflict,
            format!(
                "this draft belongs to rate book {}; to start another rate book, import the \
                 document as a new draft",
                before.book_id
            ),
        ));
    }
    let after = RateScheduleVersion {
        title: doc.title.en.trim().to_owned(),
        effective_date: doc.effective_date,
        document: text,
        updated_by: actor.user_id.clone(),
        updated_at: now(),
        ..before.clone()
    };
    let n = diesel::update(
        rate_schedules::table
            .find(id)
            .filter(rate_schedules::status.eq(DRAFT)),
    )
    .set((
        rate_schedules::title.eq(&after.title),
        rate_schedules::effective_date.eq(after.effective_date),
        rate_schedules::document.eq(&after.document),
        rate_schedules::updated_by.eq(&after.updated_by),
        rate_schedules::updated_at.eq(after.updated_at),
    ))
    .execute(tx.db())?;
    if n != 1 {
        return Err(not_a_draft(&find(tx, id)?));
    }
    audit::record(
        tx,
        actor,
        Change {
            action: "rate_schedule.update",
            entity_type: ENTITY,
            entity_id: id,
            before: before.audit_view(),
            after: after.audit_view(),
            reason: None,
        },
    )?;
    summary_of(tx, &after)
}

/// Approves a draft: a second person (not the last editor) confirms a document that
/// validates clean and agrees with the book's approved versions.
pub fn approve(
    tx: &mut WriteTx<'_>,
    actor: &Actor,
    id: &str,
    req: &ApproveRateScheduleRequest,
) -> ApiResult<RateScheduleSummaryDto> {
    let before = find(tx, id)?;
    if before.status != DRAFT {
        return Err(ApiError::with_detail(
            ErrorCode::RateScheduleNotDraft,
            format!(
                "version {} of {} is {}: only a draft can be approved",
                before.version,
                before.book_id,
                before.status.as_str()
            ),
        ));
    }
    if before.updated_by.is_some() && before.updated_by == actor.user_id {
        return Err(ApiError::with_detail(
            ErrorCode::ApproverMadeLastChange,
            "you made the last change to this draft, so someone else must approve it \
             (maker-checker): ask another lead or the finance director",
        ));
    }
    if let Some(expected) = &req.document_sha256 {
        if !expected.eq_ignore_ascii_case(&sha256_hex(&before.document)) {
            return Err(ApiError::with_detail(
                ErrorCode::ChangedMeanwhile,
                "the draft has changed since you reviewed it; review it again before approving",
            ));
        }
    }
    let doc = before.schedule()?;
    let problems = approval_problems(tx, &doc, Some(id))?;
    if !problems.is_empty() {
        return Err(invalid(
            "this version cannot be approved: it has problems or conflicts with the rate \
             book's approved versions",
            problems,
        ));
    }
    let t = now();
    let n = diesel::update(
        rate_schedules::table
            .find(id)
            .filter(rate_schedules::status.eq(DRAFT))
            .filter(rate_schedules::updated_at.eq(before.updated_at)),
    )
    .set((
        rate_schedules::status.eq(APPROVED),
        rate_schedules::approved_by.eq(&actor.user_id),
        rate_schedules::approved_at.eq(Some(t)),
    ))
    .execute(tx.db())
    .map_err(|e| {
        if is_unique_violation(&e) {
            ApiError::with_detail(
                ErrorCode::ChangedMeanwhile,
                "another version of this rate book taking effect on the same date was \
                 approved at the same moment",
            )
        } else {
            ApiError::from(e)
        }
    })?;
    if n != 1 {
        return Err(ApiError::with_detail(
            ErrorCode::ChangedMeanwhile,
            "the draft changed while it was being approved; review it again",
        ));
    }
    let after = RateScheduleVersion {
        status: APPROVED,
        approved_by: actor.user_id.clone(),
        approved_at: Some(t),
        ..before.clone()
    };
    audit::record(
        tx,
        actor,
        Change {
            action: "rate_schedule.approve",
            entity_type: ENTITY,
            entity_id: id,
            before: Some(serde_json::json!({ "status": DRAFT })),
            after: Some(serde_json::json!({
                "status": APPROVED,
                "book_id": after.book_id,
                "version": after.version,
                "effective_date": after.effective_date,
                "document_sha256": sha256_hex(&after.document),
            })),
            reason: req.reason.as_deref(),
        },
    )?;
    summary_of(tx, &after)
}

/// Retires an approved version: kept for history, no longer quoted.
pub fn retire(
    tx: &mut WriteTx<'_>,
    actor: &Actor,
    id: &str,
    req: &RetireRateScheduleRequest,
) -> ApiResult<RateScheduleSummaryDto> {
    let before = find(tx, id)?;
    if before.status != APPROVED {
        return Err(ApiError::with_detail(
            ErrorCode::RateScheduleNotApproved,
            format!(
                "version {} of {} is {}: only an approved version can be retired",
                before.version,
                before.book_id,
                before.status.as_str()
            ),
        ));
    }
    let t = now();
    let n = diesel::update(
        rate_schedules::table
            .find(id)
            .filter(rate_schedules::status.eq(APPROVED)),
    )
    .set((
        rate_schedules::status.eq(RETIRED),
        rate_schedules::retired_by.eq(&actor.user_id),
        rate_schedules::retired_at.eq(Some(t)),
    ))
    .execute(tx.db())?;
    if n != 1 {
        return Err(ApiError::with_detail(
            ErrorCode::ChangedMeanwhile,
            "this version changed at the same moment; look again",
        ));
    }
    let after = RateScheduleVersion {
        status: RETIRED,
        retired_by: actor.user_id.clone(),
        retired_at: Some(t),
        ..before.clone()
    };
    audit::record(
        tx,
        actor,
        Change {
            action: "rate_schedule.retire",
            entity_type: ENTITY,
            entity_id: id,
            before: Some(serde_json::json!({ "status": APPROVED })),
            after: Some(serde_json::json!({
                "status": RETIRED,
                "book_id": after.book_id,
                "version": after.version,
            })),
            reason: req.reason.as_deref(),
        },
    )?;
    summary_of(tx, &after)
}

/// Saves a document as an approved version in one step, for the demo city: `maker` created
/// it, `checker` approved it. The same rules as a draft plus approval, in the caller's
/// transaction.
pub fn seed_approved(
    tx: &mut WriteTx<'_>,
    actor: &Actor,
    maker: &str,
    checker: &str,
    document: &str,
) -> ApiResult<String> {
    let (text, doc) = checked_document(document.as_bytes())?;
    if maker == checker {
        return Err(ApiError::internal(
            "demo rate schedule: maker is the checker",
        ));
    }
    let problems = approval_problems(tx, &doc, None)?;
    if !problems.is_empty() {
        return Err(ApiError::internal(format!(
            "demo rate schedule {}: {:?}",
            doc.id, problems
        )));
    }
    let row = insert_draft(tx, Some(maker), &text, &doc)?;
    diesel::update(rate_schedules::table.find(&row.id))
        .set((
            rate_schedules::status.eq(APPROVED),
            rate_schedules::approved_by.eq(Some(checker)),
            rate_schedules::approved_at.eq(Some(now())),
        ))
        .execute(tx.db())?;
    audit::record(
        tx,
        actor,
        Change {
            action: "rate_schedule.seed",
            entity_type: ENTITY,
            entity_id: &row.id,
            before: None,
            after: RateScheduleVersion {
                status: APPROVED,
                ..row.clone()
            }
            .audit_view(),
            reason: Some("demo data for evaluation"),
        },
    )?;
    Ok(row.id)
}

// ---------------------------------------------------------------- reads

/// Every rate book with its version counts, the version in effect on `today` and those to come.
pub fn list_books(c: &mut DbConnection, today: NaiveDate) -> ApiResult<Vec<RateBookDto>> {
    let rows: Vec<RateScheduleVersion> = rate_schedules::table
        .select(RateScheduleVersion::as_select())
        .order((rate_schedules::book_id.asc(), rate_schedules::version.asc()))
        .load(c)?;
    let names = usernames(c, &rows)?;
    let mut books: BTreeMap<&str, Vec<&RateScheduleVersion>> = BTreeMap::new();
    for r in &rows {
        books.entry(r.book_id.as_str()).or_default().push(r);
    }
    let mut out = Vec::with_capacity(books.len());
    for (book_id, versions) in books {
        let mut approved: Vec<&RateScheduleVersion> = versions
            .iter()
            .copied()
            .filter(|r| r.status == APPROVED)
            .collect();
        approved.sort_by_key(|r| (r.effective_date, r.version));
        let in_effect = approved
            .iter()
            .rev()
            .find(|r| r.effective_date <= today)
            .map(|r| r.summary(&names))
            .transpose()?;
        let upcoming = approved
            .iter()
            .filter(|r| r.effective_date > today)
            .map(|r| r.summary(&names))
            .collect::<ApiResult<Vec<_>>>()?;
        out.push(RateBookDto {
            book_id: book_id.to_owned(),
            title: versions.last().map(|r| r.title.clone()).unwrap_or_default(),
            versions: i64::try_from(versions.len()).unwrap_or(i64::MAX),
            drafts: i64::try_from(versions.iter().filter(|r| r.status == DRAFT).count())
                .unwrap_or(i64::MAX),
            in_effect,
            upcoming,
        });
    }
    Ok(out)
}

/// Every version of one rate book, newest first; 404 for a book with none.
pub fn list_versions(
    c: &mut DbConnection,
    book_id: &str,
) -> ApiResult<Vec<RateScheduleSummaryDto>> {
    let rows: Vec<RateScheduleVersion> = rate_schedules::table
        .filter(rate_schedules::book_id.eq(book_id))
        .select(RateScheduleVersion::as_select())
        .order(rate_schedules::version.desc())
        .load(c)?;
    if rows.is_empty() {
        return Err(ApiError::not_found());
    }
    let names = usernames(c, &rows)?;
    rows.iter().map(|r| r.summary(&names)).collect()
}

/// One version with its document (and, for a draft, what approval would refuse).
pub fn get(c: &mut DbConnection, id: &str) -> ApiResult<RateScheduleDto> {
    let row = find(c, id)?;
    let document = row.schedule()?;
    let problems = if row.status == DRAFT {
        approval_problems(c, &document, Some(id))?
    } else {
        Vec::new()
    };
    Ok(RateScheduleDto {
        summary: summary_of(c, &row)?,
        document,
        problems,
    })
}

/// The document exactly as stored, and a file name for it (`<book>-v<version>.json`).
pub fn export(c: &mut DbConnection, id: &str) -> ApiResult<(String, String)> {
    let row = find(c, id)?;
    Ok((
        format!("{}-v{}.json", row.book_id, row.version),
        row.document,
    ))
}

// ---------------------------------------------------------------- the printed rate list

fn tr(locale: Locale, en: &str, es: &str) -> String {
    match locale {
        Locale::En => en.to_owned(),
        Locale::Es => es.to_owned(),
    }
}

/// The printable rate list: of every rate book, the approved version in effect on `on` (the
/// latest effective on or before it), each charge in plain words, and the next version to come.
/// Drafts and retired versions are never on it.
pub fn rate_list_pdf(c: &mut DbConnection, on: NaiveDate, locale: Locale) -> ApiResult<Vec<u8>> {
    use crate::pdf::{render, Block};

    let rows: Vec<RateScheduleVersion> = rate_schedules::table
        .filter(rate_schedules::status.eq(APPROVED))
        .select(RateScheduleVersion::as_select())
        .order((
            rate_schedules::book_id.asc(),
            rate_schedules::effective_date.asc(),
            rate_schedules::version.asc(),
        ))
        .load(c)?;
    let mut books: BTreeMap<&str, Vec<&RateScheduleVersion>> = BTreeMap::new();
    for r in &rows {
        books.entry(r.book_id.as_str()).or_default().push(r);
    }
    let day = rates::long_date(on, locale);
    let mut b = vec![
        Block::Title(tr(locale, "Rate list", "Lista de tarifas")),
        Block::Text(match locale {
            Locale::En => format!(
                "Approved rates in effect on {day}, by rate book. Amounts are per month unless                  marked per bill; a bill of two or three months charges a monthly amount that                  many times."
            ),
            Locale::Es => format!(
                "Tarifas aprobadas vigentes el {day}, por libro de tarifas. Los importes son                  mensuales salvo los marcados por factura; una factura de dos o tres meses cobra                  un importe mensual esas veces."
            ),
        }),
    ];
    if books.is_empty() {
        b.push(Block::Text(tr(
            locale,
            "There are no approved rates.",
            "No hay tarifas aprobadas.",
        )));
    }
    for (book_id, versions) in books {
        let current = versions.iter().rev().find(|r| r.effective_date <= on);
        let next = versions.iter().find(|r| r.effective_date > on);
        let Some(row) = current else {
            let title = versions
                .first()
                .map(|r| r.title.clone())
                .unwrap_or_default();
            b.push(Block::Heading(title));
            if let Some(n) = next {
                b.push(Block::Text(match locale {
                    Locale::En => format!(
                        "No version is in effect on this date; the first takes effect on {}.",
                        rates::long_date(n.effective_date, locale)
                    ),
                    Locale::Es => format!(
                        "Ninguna versión está vigente en esta fecha; la primera entra en vigor el {}.",
                        rates::long_date(n.effective_date, locale)
                    ),
                }));
            }
            continue;
        };
        let text = row.schedule()?.describe(locale);
        b.push(Block::Heading(text.title.clone()));
        b.push(Block::Field(
            tr(locale, "Rate book", "Libro de tarifas"),
            match locale {
                Locale::En => format!("{book_id}, version {}", row.version),
                Locale::Es => format!("{book_id}, versión {}", row.version),
            },
        ));
        for note in &text.notes {
            b.push(Block::Text(note.clone()));
        }
        if let Some(n) = next {
            b.push(Block::Text(match locale {
                Locale::En => format!(
                    "A new version takes effect on {}.",
                    rates::long_date(n.effective_date, locale)
                ),
                Locale::Es => format!(
                    "Una nueva versión entra en vigor el {}.",
                    rates::long_date(n.effective_date, locale)
                ),
            }));
        }
        if !text.classes.is_empty() {
            b.push(Block::Field(
                tr(locale, "Customer classes", "Clases de cliente"),
                String::new(),
            ));
            for class in &text.classes {
                b.push(Block::Text(class.clone()));
            }
        }
        for service in &text.services {
            b.push(Block::Field(service.name.clone(), String::new()));
            for comp in &service.components {
                let mut line = format!("{}: {}", comp.label, comp.lines.join(" "));
                if let Some(who) = &comp.applies_to {
                    line.push_str(&format!(" ({who}.)"));
                }
                b.push(Block::Text(line));
            }
        }
        b.push(Block::Gap);
    }
    let footer = match locale {
        Locale::En => format!("Cistern — rate list, rates in effect on {on}"),
        Locale::Es => format!("Cistern — lista de tarifas vigentes el {on}"),
    };
    Ok(render(&b, &footer))
}

// ---------------------------------------------------------------- quotes

/// Who asks for a quote, as far as quoting cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuoteAudience {
    /// Staff and integrators may quote any version.
    Staff,
    /// Customers may quote approved versions only.
    Customer,
}

/// Calculates a bill with the engine and explains it in `locale`.
pub fn quote(
    c: &mut DbConnection,
    audience: QuoteAudience,
    req: &RateQuoteRequest,
    locale: Locale,
) -> ApiResult<RateQuoteDto> {
    let rows: Vec<RateScheduleVersion> = match &req.schedule_id {
        Some(id) => {
            if req.on.is_some() || req.book_id.is_some() {
                return Err(ApiError::field(
                    "schedule_id",
                    FieldCode::Conflict,
                    "give either schedule_id, or on and/or book_id, not both",
                ));
            }
            let row = find(c, id)?;
            if audience == QuoteAudience::Customer && row.status != APPROVED {
                return Err(ApiError::not_found());
            }
            vec![row]
        }
        None => {
            let input = &req.input;
            let on = req
                .on
                .unwrap_or_else(|| input.service_period.end.max(input.bill_date));
            let mut q = rate_schedules::table
                .filter(rate_schedules::status.eq(APPROVED))
                .filter(rate_schedules::effective_date.le(on))
                .into_boxed();
            if let Some(book) = &req.book_id {
                q = q.filter(rate_schedules::book_id.eq(book.clone()));
            }
            let rows: Vec<RateScheduleVersion> = q
                .select(RateScheduleVersion::as_select())
                .order((
                    rate_schedules::book_id.asc(),
                    rate_schedules::effective_date.asc(),
                ))
                .load(c)?;
            if rows.is_empty() {
                let (field, what) = match &req.book_id {
                    Some(book) => ("book_id", format!("rate book {book} has")),
                    None => ("on", "there is".to_owned()),
                };
                return Err(ApiError::field(
                    field,
                    FieldCode::NoRatesInEffect,
                    format!("{what} no approved rate schedule in effect on {on}"),
                ));
            }
            rows
        }
    };
    let schedules = rows
        .iter()
        .map(RateScheduleVersion::schedule)
        .collect::<ApiResult<Vec<_>>>()?;
    let quote = rates::quote(&schedules, &req.input).map_err(|e| rate_error(&e))?;
    let used = rows
        .iter()
        .filter(|r| {
            quote
                .segments
                .iter()
                .any(|s| s.schedule_id == r.book_id && s.effective_date == r.effective_date)
        })
        .map(RateScheduleVersion::reference)
        .collect();
    Ok(RateQuoteDto {
        explanation: quote.explain(locale),
        quote,
        locale,
        schedules: used,
    })
}

/// A bill the engine refuses is a 422 naming the request field at fault, with the engine's
/// stable code (`RateError::code`) as the field's code.
pub fn rate_error(e: &RateError) -> ApiError {
    let field = match e {
        RateError::NoSchedules | RateError::Overflow => "input".to_owned(),
        RateError::InvalidPeriod { .. }
        | RateError::PeriodTooLong { .. }
        | RateError::NoRatesInEffect { .. } => "input.service_period".to_owned(),
        RateError::PeriodOutsideCycle => "input.cycle_period".to_owned(),
        RateError::InvalidInput { field, .. } | RateError::MissingAccountData { field, .. } => {
            format!("input.{field}")
        }
        RateError::UnknownClass { .. } => "input.class".to_owned(),
        RateError::MeterSizeRequired { .. } | RateError::UnknownMeterSize { .. } => {
            "input.meter_size".to_owned()
        }
        RateError::MissingWinterAverage { .. } => "input.winter_average".to_owned(),
        RateError::ConflictingVersions { .. }
        | RateError::InvalidSchedule { .. }
        | RateError::UnsupportedFormatVersion { .. } => "schedule_id".to_owned(),
    };
    ApiError {
        code: ErrorCode::ValidationFailed,
        detail: Some(format!("the bill cannot be calculated: {e}")),
        fields: vec![FieldError {
            field,
            code: e.code().to_owned(),
            message: e.to_string(),
        }],
    }
}

/// The language a user asked for in their profile (English for an unknown user).
pub fn user_locale(c: &mut DbConnection, user_id: &str) -> ApiResult<Locale> {
    let locale: Option<Locale> = users::table
        .find(user_id)
        .select(users::locale)
        .first(c)
        .optional()?;
    Ok(locale.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::DbPool;
    use crate::domain::users::User;
    use cistern_shared::Role;

    const SALEM_SEWER_2015: &str =
        include_str!("../../../shared/src/rates/examples/salem-sewer-2015.json");

    #[test]
    fn documents_are_kept_exactly_and_bad_ones_are_one_field_problem() {
        let with_bom = format!("\u{feff}{SALEM_SEWER_2015}");
        let (text, doc) = parse_document(with_bom.as_bytes()).unwrap();
        assert_eq!(text, with_bom);
        assert_eq!(doc.id, "salem-sewer");

        let e = parse_document(br#"{"format_version": 1}"#).unwrap_err();
        assert_eq!(
            (e.field.as_str(), e.code.as_str()),
            ("document", "invalid_json")
        );
        assert!(e.message.contains("missing field"), "{}", e.message);
        let e = parse_document(&[0xff, 0xfe, b'{']).unwrap_err();
        assert_eq!(e.code, FieldCode::InvalidEncoding);
        // Prices are strings: a JSON number is refused rather than rounded through a float.
        let float = SALEM_SEWER_2015.replace("\"16.59\"", "16.59");
        assert_eq!(
            parse_document(float.as_bytes()).unwrap_err().code,
            FieldCode::InvalidJson
        );
    }

    #[test]
    fn engine_refusals_name_the_request_field() {
        let e = rate_error(&RateError::MissingWinterAverage {
            component_id: "sewer-volume".into(),
        });
        assert_eq!(e.code, ErrorCode::ValidationFailed);
        assert_eq!(e.fields[0].field, "input.winter_average");
        assert_eq!(e.fields[0].code, FieldCode::MissingWinterAverage);
        let e = rate_error(&RateError::InvalidInput {
            field: "sewer_override.reason",
            reason: "a reason is required",
        });
        assert_eq!(e.fields[0].field, "input.sewer_override.reason");
        assert_eq!(
            rate_error(&RateError::UnknownMeterSize {
                component_id: "water-base".into(),
                meter_size: "7".into()
            })
            .fields[0]
                .field,
            "input.meter_size"
        );
    }

    fn pool_with_users() -> (tempfile::TempDir, DbPool) {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("rates.db").display());
        let pool = DbPool::new(&url, 2).unwrap();
        let mut c = pool.get().unwrap();
        crate::db::run_migrations(&mut c).unwrap();
        drop(c);
        pool.write(|tx| -> ApiResult<()> {
            for (id, name, role) in [
                ("u-lead", "lead", Role::Lead),
                ("u-dir", "director", Role::FinanceDirector),
            ] {
                crate::domain::users::insert(
                    tx,
                    &User {
                        id: id.into(),
                        username: name.into(),
                        display_name: name.into(),
                        role,
                        password_hash: None,
                        active: true,
                        locale: Locale::En,
                        customer_id: None,
                        created_at: now(),
                        updated_at: now(),
                    },
                )?;
            }
            Ok(())
        })
        .unwrap();
        (dir, pool)
    }

    fn actor(id: &str, name: &str) -> Actor {
        Actor {
            user_id: Some(id.into()),
            username: Some(name.into()),
            request_id: None,
        }
    }

    #[test]
    fn maker_cannot_check_and_approved_versions_are_frozen_in_the_database_too() {
        let (_dir, pool) = pool_with_users();
        let (lead, director) = (actor("u-lead", "lead"), actor("u-dir", "director"));
        let draft = pool
            .write(|tx| create_draft(tx, &lead, SALEM_SEWER_2015.as_bytes(), Origin::Import))
            .unwrap();
        assert_eq!((draft.version, draft.status), (1, RateStatus::Draft));
        let e = pool
            .write(|tx| approve(tx, &lead, &draft.id, &Default::default()))
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::ApproverMadeLastChange);
        assert!(e.detail.unwrap_or_default().contains("maker-checker"));
        // A pinned hash that is not the document's is refused.
        let stale = ApproveRateScheduleRequest {
            reason: None,
            document_sha256: Some("0".repeat(64)),
        };
        assert_eq!(
            pool.write(|tx| approve(tx, &director, &draft.id, &stale))
                .unwrap_err()
                .code,
            ErrorCode::ChangedMeanwhile
        );
        let pinned = ApproveRateScheduleRequest {
            reason: Some("Resolution 2014-58".into()),
            document_sha256: Some(draft.document_sha256.clone()),
        };
        let ok = pool
            .write(|tx| approve(tx, &director, &draft.id, &pinned))
            .unwrap();
        assert_eq!(ok.status, RateStatus::Approved);
        assert_eq!(ok.approved_by.as_deref(), Some("director"));

        // The application refuses an edit; so does the database, whoever asks.
        let e = pool
            .write(|tx| update_draft(tx, &lead, &draft.id, SALEM_SEWER_2015.as_bytes()))
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::RateScheduleNotDraft);
        let mut c = pool.get().unwrap();
        let raw = diesel::update(rate_schedules::table.find(&draft.id))
            .set(rate_schedules::document.eq("{}"))
            .execute(&mut c);
        assert!(raw.is_err(), "the trigger let an approved document change");
        let raw = diesel::delete(rate_schedules::table.find(&draft.id)).execute(&mut c);
        assert!(
            raw.is_err(),
            "the trigger let an approved version be deleted"
        );
        drop(c);

        // A second version on the same date conflicts with the approved one until it retires.
        let second = pool
            .write(|tx| create_draft(tx, &lead, SALEM_SEWER_2015.as_bytes(), Origin::Api))
            .unwrap();
        assert_eq!(second.version, 2);
        let e = pool
            .write(|tx| approve(tx, &director, &second.id, &Default::default()))
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::ValidationFailed);
        assert_eq!(e.fields[0].field, "effective_date");
        assert_eq!(e.fields[0].code, FieldCode::DuplicateVersion);
        pool.write(|tx| retire(tx, &director, &draft.id, &Default::default()))
            .unwrap();
        assert_eq!(
            pool.write(|tx| approve(tx, &director, &second.id, &Default::default()))
                .unwrap()
                .status,
            RateStatus::Approved
        );
    }
}
