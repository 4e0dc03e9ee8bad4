use chrono::NaiveDateTime;
use cistern_shared::dto::AuditEntryDto;
use diesel::prelude::*;

use super::utc;
use crate::db::schema::audit_log;

/// One entry of the audit trail. The database refuses updates and deletes of it.
/// `Insertable` with its number only to copy a database whole (`db::copy`).
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = audit_log, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct AuditEntry {
    pub id: i64,
    pub at: NaiveDateTime,
    pub actor_id: Option<String>,
    pub actor_username: Option<String>,
    pub action: String,
    pub entity_type: String,
    pub entity_id: String,
    /// JSON text.
    pub before_json: Option<String>,
    /// JSON text.
    pub after_json: Option<String>,
    pub reason: Option<String>,
    pub request_id: Option<String>,
}

/// A new entry; the database numbers it.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = audit_log, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct NewAuditEntry<'a> {
    pub at: NaiveDateTime,
    pub actor_id: Option<&'a str>,
    pub actor_username: Option<&'a str>,
    pub action: &'a str,
    pub entity_type: &'a str,
    pub entity_id: &'a str,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
    pub reason: Option<&'a str>,
    pub request_id: Option<&'a str>,
}

impl From<AuditEntry> for AuditEntryDto {
    fn from(r: AuditEntry) -> AuditEntryDto {
        let parse = |s: Option<String>| s.and_then(|t| serde_json::from_str(&t).ok());
        AuditEntryDto {
            id: r.id,
            at: utc(r.at),
            actor_id: r.actor_id,
            actor_username: r.actor_username,
            action: r.action,
            entity_type: r.entity_type,
            entity_id: r.entity_id,
            before: parse(r.before_json),
            after: parse(r.after_json),
            reason: r.reason,
        }
    }
}
