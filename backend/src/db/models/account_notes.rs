use chrono::NaiveDateTime;
use cistern_shared::notes::NoteDto;
use diesel::prelude::*;

use crate::db::schema::account_notes;

/// A row of `account_notes`.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = account_notes, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct AccountNote {
    pub id: String,
    pub account_id: String,
    pub body: String,
    pub pinned: bool,
    pub author_id: Option<String>,
    pub author_name: Option<String>,
    pub created_at: NaiveDateTime,
}

impl From<AccountNote> for NoteDto {
    fn from(n: AccountNote) -> NoteDto {
        NoteDto {
            id: n.id,
            body: n.body,
            pinned: n.pinned,
            author_name: n.author_name,
            created_at: n.created_at.and_utc(),
        }
    }
}
