use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::sessions;

/// One signed-in session. Only hashes of its refresh tokens are kept.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = sessions, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct Session {
    pub id: String,
    pub user_id: String,
    pub refresh_hash: String,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub last_used_at: NaiveDateTime,
    pub revoked_at: Option<NaiveDateTime>,
    pub user_agent: Option<String>,
    /// The refresh token this one replaced, accepted for a short grace after rotation.
    pub previous_refresh_hash: Option<String>,
    pub rotated_at: Option<NaiveDateTime>,
}
