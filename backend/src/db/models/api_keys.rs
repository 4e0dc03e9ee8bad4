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
}
