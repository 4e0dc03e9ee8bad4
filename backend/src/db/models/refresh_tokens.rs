use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::refresh_tokens;

/// A refresh token a session has had (its hash only): the current one, and every one it
/// replaced, so that an earlier token presented again is recognised as reuse.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = refresh_tokens, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct RefreshToken {
    pub token_hash: String,
    pub session_id: String,
    /// 1 for the token issued at sign-in, then one more per rotation.
    pub generation: i64,
    pub issued_at: NaiveDateTime,
}
