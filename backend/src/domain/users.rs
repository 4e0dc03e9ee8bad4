//! Users, sign-in, sessions and API keys.

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use cistern_shared::dto::{
    ApiKeyCreated, CreateUserRequest, Locale, Page, UpdateUserRequest, UserDto,
};
use cistern_shared::{ErrorCode, Role};
use diesel::prelude::*;

use crate::auth::{random_token, token_hash, PasswordPolicy};
use crate::db::schema::{api_keys, customers, login_attempts, sessions, users};
use crate::db::{now, DbConnection, DbPool};
use crate::domain::audit::{self, Actor, Change};
use crate::domain::{new_id, paging};
use crate::error::{ApiError, ApiResult};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct UserRow {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub password_hash: Option<String>,
    pub active: bool,
    pub locale: String,
    pub customer_id: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl UserRow {
    pub fn role(&self) -> ApiResult<Role> {
        Role::parse(&self.role).ok_or_else(|| ApiError::internal("unknown role in users"))
    }

    pub fn to_dto(&self) -> ApiResult<UserDto> {
        Ok(UserDto {
            id: self.id.clone(),
            username: self.username.clone(),
            display_name: self.display_name.clone(),
            role: self.role()?,
            active: self.active,
            locale: Locale::parse(&self.locale).unwrap_or_default(),
            customer_id: self.customer_id.clone(),
            created_at: DateTime::<Utc>::from_naive_utc_and_offset(self.created_at, Utc),
        })
    }
}

pub fn find_by_id(conn: &mut DbConnection, id: &str) -> ApiResult<UserRow> {
    users::table
        .find(id)
        .select(UserRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(ApiError::not_found)
}

pub fn find_by_username(conn: &mut DbConnection, username: &str) -> QueryResult<Option<UserRow>> {
    users::table
        .filter(users::username.eq(username))
        .select(UserRow::as_select())
        .first(conn)
        .optional()
}

// ---------------------------------------------------------------- sign-in

pub struct SignIn {
    pub user: UserRow,
    pub session_id: String,
    pub refresh_token: String,
}

pub struct SignInPolicy {
    pub max_failures: i64,
    pub window_secs: i64,
    pub refresh_ttl_secs: i64,
}

/// Checks a username and password and opens a session. Failed attempts are counted in the
/// database (so the limit holds across server instances); past the limit the answer is 429
/// whatever the password.
pub fn sign_in(
    pool: &DbPool,
    hasher: &PasswordPolicy,
    policy: &SignInPolicy,
    username: &str,
    password: &str,
    user_agent: Option<String>,
) -> ApiResult<SignIn> {
    let username = username.trim().to_owned();
    let since = now() - Duration::seconds(policy.window_secs);
    let (user, failures) = pool.read(|c| -> ApiResult<_> {
        let failures: i64 = login_attempts::table
            .filter(login_attempts::username.eq(&username))
            .filter(login_attempts::at.gt(since))
            .filter(login_attempts::succeeded.eq(false))
            .count()
            .get_result(c.db())?;
        Ok((find_by_username(c, &username)?, failures))
    })?;
    if failures >= policy.max_failures {
        return Err(ApiError::with_detail(
            ErrorCode::TooManyAttempts,
            "too many failed sign-ins for this username; wait a few minutes and try again",
        ));
    }
    // The expensive hash check runs outside any transaction.
    let ok = hasher.verify(
        password,
        user.as_ref().and_then(|u| u.password_hash.as_deref()),
    ) && user.as_ref().is_some_and(|u| u.active);
    pool.write(|c| -> ApiResult<()> {
        diesel::insert_into(login_attempts::table)
            .values((
                login_attempts::username.eq(&username),
                login_attempts::at.eq(now()),
                login_attempts::succeeded.eq(ok),
            ))
            .execute(c.db())?;
        Ok(())
    })?;
    match user {
        Some(user) if ok => {
            pool.write(|c| open_session(c, user, policy.refresh_ttl_secs, user_agent))
        }
        _ => Err(ApiError::new(ErrorCode::InvalidCredentials)),
    }
}

fn open_session(
    c: &mut DbConnection,
    user: UserRow,
    ttl_secs: i64,
    user_agent: Option<String>,
) -> ApiResult<SignIn> {
    let session_id = new_id();
    let refresh_token = random_token(32);
    let t = now();
    diesel::insert_into(sessions::table)
        .values((
            sessions::id.eq(&session_id),
            sessions::user_id.eq(&user.id),
            sessions::refresh_hash.eq(token_hash(&refresh_token)),
            sessions::created_at.eq(t),
            sessions::expires_at.eq(t + Duration::seconds(ttl_secs)),
            sessions::last_used_at.eq(t),
            sessions::user_agent.eq(user_agent.map(|ua| ua.chars().take(200).collect::<String>())),
        ))
        .execute(c)?;
    let actor = Actor {
        user_id: Some(user.id.clone()),
        username: Some(user.username.clone()),
        request_id: None,
    };
    audit::record(
        c,
        &actor,
        Change {
            action: "auth.sign_in",
            entity_type: "session",
            entity_id: &session_id,
            before: None,
            after: None,
            reason: None,
        },
    )?;
    Ok(SignIn {
        user,
        session_id,
        refresh_token,
    })
}

/// Exchanges a refresh token for a new one (rotation: the old one stops working) and
/// answers the session and user to issue an access token for.
/// How long the refresh token just replaced still works: two tabs of one browser refreshing at
/// the same moment both send it.
pub const ROTATION_GRACE_SECS: i64 = 30;

enum Refreshed {
    Renewed(Box<SignIn>),
    /// A replaced token came back after the grace period: someone kept a copy.
    Reused,
}

/// Exchanges a refresh token for a new one (rotation: the old one stops working after a short
/// grace) and answers the session and user to issue an access token for. A replaced token
/// presented after the grace ends the whole session: one of the two holders is a thief.
pub fn refresh(pool: &DbPool, refresh_token: &str) -> ApiResult<SignIn> {
    let hash = token_hash(refresh_token);
    let outcome = pool.write(|c| -> ApiResult<Refreshed> {
        type Row = (
            String,
            NaiveDateTime,
            Option<NaiveDateTime>,
            String,
            Option<NaiveDateTime>,
            bool,
        );
        let current: Option<Row> = sessions::table
            .filter(sessions::refresh_hash.eq(&hash))
            .select((
                sessions::id,
                sessions::expires_at,
                sessions::revoked_at,
                sessions::user_id,
                sessions::rotated_at,
                diesel::dsl::sql::<diesel::sql_types::Bool>("TRUE"),
            ))
            .first(c.db())
            .optional()?;
        let row = match current {
            Some(r) => Some(r),
            None => sessions::table
                .filter(sessions::previous_refresh_hash.eq(&hash))
                .select((
                    sessions::id,
                    sessions::expires_at,
                    sessions::revoked_at,
                    sessions::user_id,
                    sessions::rotated_at,
                    diesel::dsl::sql::<diesel::sql_types::Bool>("FALSE"),
                ))
                .first(c.db())
                .optional()?,
        };
        let (session_id, expires_at, revoked_at, user_id, rotated_at, is_current) =
            row.ok_or_else(ApiError::unauthenticated)?;
        let t = now();
        if revoked_at.is_some() || expires_at <= t {
            return Err(ApiError::unauthenticated());
        }
        if !is_current {
            let within_grace =
                rotated_at.is_some_and(|r| t - r <= Duration::seconds(ROTATION_GRACE_SECS));
            if !within_grace {
                diesel::update(sessions::table.find(&session_id))
                    .set(sessions::revoked_at.eq(Some(t)))
                    .execute(c.db())?;
                audit::record(
                    c,
                    &Actor::system("auth"),
                    Change {
                        action: "auth.refresh_reuse",
                        entity_type: "session",
                        entity_id: &session_id,
                        before: None,
                        after: None,
                        reason: Some(
                            "a replaced refresh token was presented again; the session was ended",
                        ),
                    },
                )?;
                return Ok(Refreshed::Reused);
            }
        }
        let user = find_by_id(c, &user_id).map_err(|_| ApiError::unauthenticated())?;
        if !user.active {
            return Err(ApiError::unauthenticated());
        }
        let new_token = random_token(32);
        // Presenting the current token rotates it; presenting the previous one (within the
        // grace) issues a fresh token but keeps the grace window anchored where it was.
        let previous = if is_current { Some(hash.clone()) } else { None };
        if let Some(p) = previous {
            diesel::update(sessions::table.find(&session_id))
                .set((
                    sessions::previous_refresh_hash.eq(Some(p)),
                    sessions::rotated_at.eq(Some(t)),
                ))
                .execute(c.db())?;
        }
        diesel::update(sessions::table.find(&session_id))
            .set((
                sessions::refresh_hash.eq(token_hash(&new_token)),
                sessions::last_used_at.eq(t),
            ))
            .execute(c.db())?;
        Ok(Refreshed::Renewed(Box::new(SignIn {
            user,
            session_id,
            refresh_token: new_token,
        })))
    })?;
    match outcome {
        Refreshed::Renewed(s) => Ok(*s),
        Refreshed::Reused => Err(ApiError::unauthenticated()),
    }
}

pub fn revoke_session(c: &mut DbConnection, session_id: &str, actor: &Actor) -> ApiResult<()> {
    let n = diesel::update(
        sessions::table
            .find(session_id)
            .filter(sessions::revoked_at.is_null()),
    )
    .set(sessions::revoked_at.eq(now()))
    .execute(c)?;
    if n > 0 {
        audit::record(
            c,
            actor,
            Change {
                action: "auth.sign_out",
                entity_type: "session",
                entity_id: session_id,
                before: None,
                after: None,
                reason: None,
            },
        )?;
    }
    Ok(())
}

pub fn session_for_refresh_token(c: &mut DbConnection, token: &str) -> QueryResult<Option<String>> {
    sessions::table
        .filter(sessions::refresh_hash.eq(token_hash(token)))
        .select(sessions::id)
        .first(c)
        .optional()
}

/// Ends every open session of a user (password change, reset, deactivation).
pub fn revoke_all_sessions(c: &mut DbConnection, user_id: &str) -> QueryResult<usize> {
    diesel::update(
        sessions::table
            .filter(sessions::user_id.eq(user_id))
            .filter(sessions::revoked_at.is_null()),
    )
    .set(sessions::revoked_at.eq(now()))
    .execute(c)
}

pub fn change_password(
    pool: &DbPool,
    hasher: &PasswordPolicy,
    actor: &Actor,
    user_id: &str,
    current: &str,
    new: &str,
) -> ApiResult<()> {
    let user = pool.read(|c| find_by_id(c, user_id))?;
    if user.password_hash.is_none() {
        return Err(ApiError::with_detail(
            ErrorCode::Forbidden,
            "this account signs in with an API key, not a password",
        ));
    }
    if !hasher.verify(current, user.password_hash.as_deref()) {
        return Err(ApiError {
            code: ErrorCode::WrongPassword,
            detail: Some("the current password is not right".into()),
            fields: vec![cistern_shared::FieldError {
                field: "current_password".into(),
                code: "wrong_password".into(),
                message: "is not your current password".into(),
            }],
        });
    }
    if current == new {
        return Err(ApiError::field(
            "new_password",
            "unchanged",
            "must differ from the current password",
        ));
    }
    let hash = hasher.hash(new)?;
    pool.write(|c| {
        diesel::update(users::table.find(user_id))
            .set((
                users::password_hash.eq(Some(hash)),
                users::updated_at.eq(now()),
            ))
            .execute(c.db())?;
        let ended = revoke_all_sessions(c, user_id)?;
        audit::record(
            c,
            actor,
            Change {
                action: "auth.password_change",
                entity_type: "user",
                entity_id: user_id,
                before: None,
                after: Some(serde_json::json!({ "sessions_ended": ended })),
                reason: None,
            },
        )?;
        Ok(())
    })
}

// ---------------------------------------------------------------- administration

pub fn list(
    conn: &mut DbConnection,
    page: Option<i64>,
    per_page: Option<i64>,
) -> ApiResult<Page<UserDto>> {
    let (page, per_page) = paging(page, per_page);
    let total: i64 = users::table.count().get_result(conn)?;
    let rows: Vec<UserRow> = users::table
        .select(UserRow::as_select())
        .order(users::username.asc())
        .limit(per_page)
        .offset((page - 1) * per_page)
        .load(conn)?;
    Ok(Page {
        items: rows.iter().map(UserRow::to_dto).collect::<ApiResult<_>>()?,
        total,
        page,
        per_page,
    })
}

pub fn create(
    pool: &DbPool,
    hasher: &PasswordPolicy,
    actor: &Actor,
    req: &CreateUserRequest,
) -> ApiResult<UserDto> {
    let password_hash = match (req.role, &req.password) {
        (Role::Integrator, None) => None,
        (Role::Integrator, Some(_)) => {
            return Err(ApiError::field(
                "password",
                "not_allowed",
                "integrators sign in with API keys, not passwords",
            ))
        }
        (_, Some(p)) => Some(hasher.hash(p)?),
        (_, None) => return Err(ApiError::field("password", "required", "is required")),
    };
    match (req.role, &req.customer_id) {
        (Role::Customer, None) => {
            return Err(ApiError::field(
                "customer_id",
                "required",
                "a customer user must be linked to a customer record",
            ))
        }
        (Role::Customer, Some(_)) => {}
        (_, Some(_)) => {
            return Err(ApiError::field(
                "customer_id",
                "not_allowed",
                "only customer users are linked to a customer record",
            ))
        }
        (_, None) => {}
    }
    pool.write(|c| {
        if let Some(cid) = &req.customer_id {
            let exists: i64 = customers::table
                .filter(customers::id.eq(cid))
                .count()
                .get_result(c.db())?;
            if exists == 0 {
                return Err(ApiError::field(
                    "customer_id",
                    "unknown",
                    "no such customer",
                ));
            }
        }
        if find_by_username(c, req.username.trim())?.is_some() {
            return Err(ApiError {
                code: ErrorCode::UsernameTaken,
                detail: Some("that username is already in use".into()),
                fields: vec![cistern_shared::FieldError {
                    field: "username".into(),
                    code: "taken".into(),
                    message: "is already in use".into(),
                }],
            });
        }
        let t = now();
        let row = UserRow {
            id: new_id(),
            username: req.username.trim().to_owned(),
            display_name: req.display_name.trim().to_owned(),
            role: req.role.as_str().to_owned(),
            password_hash,
            active: true,
            locale: req.locale.as_str().to_owned(),
            customer_id: req.customer_id.clone(),
            created_at: t,
            updated_at: t,
        };
        insert(c, &row)?;
        let dto = row.to_dto()?;
        audit::record(
            c,
            actor,
            Change {
                action: "user.create",
                entity_type: "user",
                entity_id: &row.id,
                before: None,
                after: audit::snapshot(&dto),
                reason: None,
            },
        )?;
        Ok(dto)
    })
}

pub fn insert(c: &mut DbConnection, row: &UserRow) -> QueryResult<()> {
    diesel::insert_into(users::table)
        .values((
            users::id.eq(&row.id),
            users::username.eq(&row.username),
            users::display_name.eq(&row.display_name),
            users::role.eq(&row.role),
            users::password_hash.eq(&row.password_hash),
            users::active.eq(row.active),
            users::locale.eq(&row.locale),
            users::customer_id.eq(&row.customer_id),
            users::created_at.eq(row.created_at),
            users::updated_at.eq(row.updated_at),
        ))
        .execute(c)
        .map(|_| ())
}

pub fn update(
    pool: &DbPool,
    actor: &Actor,
    id: &str,
    req: &UpdateUserRequest,
) -> ApiResult<UserDto> {
    pool.write(|c| {
        let before = find_by_id(c, id)?;
        let before_dto = before.to_dto()?;
        if actor.user_id.as_deref() == Some(id)
            && (req.active == Some(false) || req.role.is_some_and(|r| r != Role::Admin))
        {
            return Err(ApiError::with_detail(
                ErrorCode::Conflict,
                "you cannot deactivate yourself or give up your own admin role",
            ));
        }
        let new_role = req.role.unwrap_or(before_dto.role);
        if new_role != before_dto.role
            && (new_role == Role::Customer
                || before_dto.role == Role::Customer
                || new_role == Role::Integrator
                || before_dto.role == Role::Integrator)
        {
            return Err(ApiError::field(
                "role",
                "not_allowed",
                "customer and integrator users cannot change role; create a new user instead",
            ));
        }
        let after = UserRow {
            display_name: req
                .display_name
                .as_ref()
                .map(|d| d.trim().to_owned())
                .unwrap_or(before.display_name.clone()),
            role: new_role.as_str().to_owned(),
            active: req.active.unwrap_or(before.active),
            locale: req
                .locale
                .map(|l| l.as_str().to_owned())
                .unwrap_or(before.locale.clone()),
            updated_at: now(),
            ..before.clone()
        };
        diesel::update(users::table.find(id))
            .set((
                users::display_name.eq(&after.display_name),
                users::role.eq(&after.role),
                users::active.eq(after.active),
                users::locale.eq(&after.locale),
                users::updated_at.eq(after.updated_at),
            ))
            .execute(c.db())?;
        // A role change or deactivation takes effect at once, not when tokens expire.
        if !after.active || after.role != before.role {
            revoke_all_sessions(c, id)?;
        }
        let after_dto = after.to_dto()?;
        audit::record(
            c,
            actor,
            Change {
                action: "user.update",
                entity_type: "user",
                entity_id: id,
                before: audit::snapshot(&before_dto),
                after: audit::snapshot(&after_dto),
                reason: req.reason.as_deref(),
            },
        )?;
        Ok(after_dto)
    })
}

pub fn reset_password(
    pool: &DbPool,
    hasher: &PasswordPolicy,
    actor: &Actor,
    id: &str,
    new_password: &str,
) -> ApiResult<()> {
    let user = pool.read(|c| find_by_id(c, id))?;
    if user.role()? == Role::Integrator {
        return Err(ApiError::field(
            "new_password",
            "not_allowed",
            "integrators sign in with API keys, not passwords",
        ));
    }
    let hash = hasher.hash(new_password)?;
    pool.write(|c| {
        diesel::update(users::table.find(id))
            .set((
                users::password_hash.eq(Some(hash)),
                users::updated_at.eq(now()),
            ))
            .execute(c.db())?;
        let ended = revoke_all_sessions(c, id)?;
        audit::record(
            c,
            actor,
            Change {
                action: "user.password_reset",
                entity_type: "user",
                entity_id: id,
                before: None,
                after: Some(serde_json::json!({ "sessions_ended": ended })),
                reason: None,
            },
        )?;
        Ok(())
    })
}

pub fn revoke_sessions_of(pool: &DbPool, actor: &Actor, id: &str) -> ApiResult<usize> {
    pool.write(|c| {
        find_by_id(c, id)?;
        let ended = revoke_all_sessions(c, id)?;
        audit::record(
            c,
            actor,
            Change {
                action: "user.sessions_revoked",
                entity_type: "user",
                entity_id: id,
                before: None,
                after: Some(serde_json::json!({ "sessions_ended": ended })),
                reason: None,
            },
        )?;
        Ok(ended)
    })
}

/// Issues an API key for an integrator. Only its hash is kept.
pub fn create_api_key(pool: &DbPool, actor: &Actor, user_id: &str) -> ApiResult<ApiKeyCreated> {
    pool.write(|c| {
        let user = find_by_id(c, user_id)?;
        if user.role()? != Role::Integrator {
            return Err(ApiError::with_detail(
                ErrorCode::Conflict,
                "API keys are for integrator users only",
            ));
        }
        let key = format!("cst_{}", random_token(30));
        let prefix: String = key.chars().take(10).collect();
        let id = new_id();
        diesel::insert_into(api_keys::table)
            .values((
                api_keys::id.eq(&id),
                api_keys::user_id.eq(user_id),
                api_keys::prefix.eq(&prefix),
                api_keys::key_hash.eq(token_hash(&key)),
                api_keys::created_at.eq(now()),
            ))
            .execute(c.db())?;
        audit::record(
            c,
            actor,
            Change {
                action: "user.api_key_create",
                entity_type: "user",
                entity_id: user_id,
                before: None,
                after: Some(serde_json::json!({ "api_key_id": id, "prefix": prefix })),
                reason: None,
            },
        )?;
        Ok(ApiKeyCreated { id, key, prefix })
    })
}
