//! The audit trail: who changed what, when, from what to what, and why. Written in the same
//! transaction as the change it records; the database refuses updates and deletes of it.

use cistern_shared::dto::{AuditEntryDto, Page};
use diesel::prelude::*;
use serde::Serialize;

use crate::db::models::audit_log::{AuditEntry, NewAuditEntry};
use crate::db::schema::audit_log;
use crate::db::{DbConnection, WriteTx};

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

/// Writes one audit entry. Takes the connection for now, as its callers in every module do;
/// a change always reaches it inside a write transaction.
/// Records a change in the transaction that makes it (only a write transaction can).
pub fn record(tx: &mut WriteTx<'_>, actor: &Actor, change: Change<'_>) -> QueryResult<()> {
    diesel::insert_into(audit_log::table)
        .values(NewAuditEntry {
            at: crate::db::now(),
            actor_id: actor.user_id.as_deref(),
            actor_username: actor.username.as_deref(),
            action: change.action,
            entity_type: change.entity_type,
            entity_id: change.entity_id,
            before_json: change.before.map(|v| v.to_string()),
            after_json: change.after.map(|v| v.to_string()),
            reason: change.reason,
            request_id: actor.request_id.as_deref(),
        })
        .execute(tx.db())?;
    Ok(())
}

pub use cistern_shared::query::AuditQuery;

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
    let items = filtered()
        .select(AuditEntry::as_select())
        .order(audit_log::id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
        .load(conn)?
        .into_iter()
        .map(AuditEntryDto::from)
        .collect();
    Ok(Page {
        items,
        total,
        page,
        per_page,
    })
}
