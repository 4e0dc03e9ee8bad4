use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::api_keys;

/// An integrator's API key. Only its hash is kept.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = api_keys, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct ApiKey {
    pub id: String,
    pub user_id: String,
    /// The first characters of the key, to recognise it in lists.
    pub prefix: String,
    pub key_hash: String,
    pub created_at: NaiveDateTime,
    pub revoked_at: Option<NaiveDateTime>,
    /// What the key is for, as the administrator named it ("Lobby kiosk").
    pub name: String,
    /// After this moment the key is refused.
    pub expires_at: Option<NaiveDateTime>,
    /// The last request made with the key (to the minute).
    pub last_used_at: Option<NaiveDateTime>,
    /// The operationIds the key may call, separated by spaces; `None`: all its role admits.
    pub operations: Option<String>,
}

impl ApiKey {
    /// The operations the key is limited to, if it is.
    pub fn operation_list(&self) -> Option<Vec<String>> {
        self.operations
            .as_deref()
            .map(|o| o.split_whitespace().map(str::to_owned).collect())
    }
}

impl From<&ApiKey> for cistern_shared::dto::ApiKeyDto {
    fn from(k: &ApiKey) -> Self {
        use chrono::{DateTime, Utc};
        let utc = |t: NaiveDateTime| DateTime::<Utc>::from_naive_utc_and_offset(t, Utc);
        cistern_shared::dto::ApiKeyDto {
            id: k.id.clone(),
            prefix: k.prefix.clone(),
            name: k.name.clone(),
            created_at: utc(k.created_at),
            expires_at: k.expires_at.map(utc),
            last_used_at: k.last_used_at.map(utc),
            revoked_at: k.revoked_at.map(utc),
            operations: k.operation_list(),
        }
    }
}
