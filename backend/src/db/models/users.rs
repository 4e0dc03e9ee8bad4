use chrono::NaiveDateTime;
use cistern_shared::dto::{Locale, UserDto};
use cistern_shared::Role;
use diesel::prelude::*;

use super::utc;
use crate::db::schema::users;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = users, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct User {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// None for integrators, who sign in with API keys.
    pub password_hash: Option<String>,
    pub active: bool,
    pub locale: Locale,
    pub customer_id: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl From<&User> for UserDto {
    fn from(r: &User) -> UserDto {
        UserDto {
            id: r.id.clone(),
            username: r.username.clone(),
            display_name: r.display_name.clone(),
            role: r.role,
            active: r.active,
            locale: r.locale,
            customer_id: r.customer_id.clone(),
            created_at: utc(r.created_at),
        }
    }
}

impl From<User> for UserDto {
    fn from(r: User) -> UserDto {
        UserDto::from(&r)
    }
}
