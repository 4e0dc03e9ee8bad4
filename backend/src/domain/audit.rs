//! The audit trail: who changed what, when, from what to what, and why. Written in the same
//! transaction as the change it records; the database refuses updates and deletes of it.

use chrono::{DateTime, Utc};
use cistern_shared::dto::{AuditEntryDto, Page};
use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::audit_log;
use crate::db::DbConnection;

/// Who made a change: a signed-in user, or the system itself (jobs, seeding).
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: Option<String>,
    pub username: Option<String>,
    pub request_id: Option<String>,
}

impl Actor {
    pub fn system(what: &str) -> Actor {
        Actor {
            user_id: None,
            username: Some(format!("system:{what}")),
            request_id: None,
        }
    }

    pub fn user(p: &crate::auth::Principal, request_id: Option<String>) -> Actor {
        Actor {
            user_id: Some(p.user_id.clone()),
            username: Some(p.username.clone()),
            request_id,
        }
    }
}

pub struct Change<'a> {
    pub action: &'a str,
    pub entity_type: &'a str,
    pub entity_id: &'a str,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub reason: Option<&'a str>,
}

pub fn snapshot<T: Serialize>(value: &T) -> Option<serde_json::Value> {
    serde_json::to_value(value).ok()
}

pub fn record(conn: &mut DbConnection, actor: &Actor, change: Change<'_>) -> QueryResult<()> {
    diesel::insert_into(audit_log::table)
        .values((
            audit_log::at.eq(crate::db::now()),
            audit_log::actor_id.eq(&actor.user_id),
            audit_log::actor_username.eq(&actor.username),
            audit_log::action.eq(change.action),
            audit_log::entity_type.eq(change.entity_type),
            audit_log::entity_id.eq(change.entity_id),
            audit_log::before_json.eq(change.before.map(|v| v.to_string())),
            audit_log::after_json.eq(change.after.map(|v| v.to_string())),
            audit_log::reason.eq(change.reason),
            audit_log::request_id.eq(&actor.request_id),
        ))
        .execute(conn)?;
    Ok(())
}

pub use cistern_shared::query::AuditQuery;

type Row = (
    i64,
    chrono::NaiveDateTime,
    Option<String>,
    Option<String>,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
);

pub fn query(
    conn: &mut DbConnection,
    q: &AuditQuery,
) -> crate::error::ApiResult<Page<AuditEntryDto>> {
    let (page, per_page) = crate::domain::paging(q.page, q.per_page);
    let filtered = || {
        let mut s = audit_log::table.into_boxed();
        if let Some(t) = &q.entity_type {
            s = s.filter(audit_log::entity_type.eq(t.clone()));
        }
        if let Some(id) = &q.entity_id {
            s = s.filter(audit_log::entity_id.eq(id.clone()));
        }
        if let Some(a) = &q.action {
            s = s.filter(audit_log::action.eq(a.clone()));
        }
        if let Some(a) = &q.actor {
            s = s.filter(audit_log::actor_username.eq(a.clone()));
        }
        s
    };
    let total: i64 = filtered().count().get_result(conn)?;
    let rows: Vec<Row> = filtered()
        .select((
            audit_log::id,
            audit_log::at,
            audit_log::actor_id,
            audit_log::actor_username,
            audit_log::action,
            audit_log::entity_type,
            audit_log::entity_id,
            audit_log::before_json,
            audit_log::after_json,
            audit_log::reason,
        ))
        .order(audit_log::id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
        .load(conn)?;
    let parse = |s: Option<String>| s.and_then(|t| serde_json::from_str(&t).ok());
    let items = rows
        .into_iter()
        .map(|r| AuditEntryDto {
            id: r.0,
            at: DateTime::<Utc>::from_naive_utc_and_offset(r.1, Utc),
            actor_id: r.2,
            actor_username: r.3,
            action: r.4,
            entity_type: r.5,
            entity_id: r.6,
            before: parse(r.7),
            after: parse(r.8),
            reason: r.9,
        })
        .collect();
    Ok(Page {
        items,
        total,
        page,
        per_page,
    })
}
