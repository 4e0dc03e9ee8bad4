//! Users, sign-in, sessions and API keys.

use chrono::Duration;
use cistern_shared::dto::{ApiKeyCreated, CreateUserRequest, Page, UpdateUserRequest, UserDto};
use cistern_shared::FieldCode;
use cistern_shared::{ErrorCode, Role};
use diesel::prelude::*;

use crate::auth::{random_token, token_hash, PasswordPolicy};
pub use crate::db::models::users::User;
use crate::db::models::{api_keys::ApiKey, login_attempts::NewLoginAttempt, sessions::Session};
use crate::db::schema::{api_keys, customers, login_attempts, sessions, users};
use crate::db::{now, DbConnection, DbPool, WriteTx};
use crate::domain::audit::{self, Actor, Change};
use crate::domain::{new_id, paging};
use crate::error::{ApiError, ApiResult};

pub fn find_by_id(conn: &mut DbConnection, id: &str) -> ApiResult<User> {
    users::table
        .find(id)
        .select(User::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(ApiError::not_found)
}

pub fn find_by_username(conn: &mut DbConnection, username: &str) -> QueryResult<Option<User>> {
    users::table
        .filter(users::username.eq(username))
        .select(User::as_select())
        .first(conn)
        .optional()
}

// ---------------------------------------------------------------- sign-in

pub struct SignIn {
    pub user: User,
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
///
/// The one domain function that takes the pool rather than a transaction: the password hash
/// check is slow on purpose and must run outside any transaction, so this orchestrates a read
/// ([`sign_in_facts`]), the check, and a write ([`record_sign_in`]).
pub fn sign_in(
    pool: &DbPool,
    hasher: &PasswordPolicy,
    policy: &SignInPolicy,
    username: &str,
    password: &str,
    user_agent: Option<String>,
) -> ApiResult<SignIn> {
    let username = username.trim().to_owned();
    let facts = pool.read(|c| sign_in_facts(c, &username, policy.window_secs))?;
    if facts.recent_failures >= policy.max_failures {
        return Err(ApiError::with_detail(
            ErrorCode::TooManyAttempts,
            "too many failed sign-ins for this username; wait a few minutes and try again",
        ));
    }
    // The expensive hash check runs outside any transaction.
    let user = facts.user;
    let ok = hasher.verify(
        password,
        user.as_ref().and_then(|u| u.password_hash.as_deref()),
    ) && user.as_ref().is_some_and(|u| u.active);
    pool.write(|tx| record_sign_in_attempt(tx, &username, ok))?;
    match user {
        Some(user) if ok => {
            pool.write(|tx| open_session(tx, user, policy.refresh_ttl_secs, user_agent))
        }
        _ => Err(ApiError::new(ErrorCode::InvalidCredentials)),
    }
}

/// What sign-in needs to know before checking the password.
pub struct SignInFacts {
    pub user: Option<User>,
    /// Failed attempts for the username within the window.
    pub recent_failures: i64,
}

pub fn sign_in_facts(
    c: &mut DbConnection,
    username: &str,
    window_secs: i64,
) -> ApiResult<SignInFacts> {
    let since = now() - Duration::seconds(window_secs);
    let recent_failures: i64 = login_attempts::table
        .filter(login_attempts::username.eq(username))
        .filter(login_attempts::at.gt(since))
        .filter(login_attempts::succeeded.eq(false))
        .count()
        .get_result(c)?;
    Ok(SignInFacts {
        user: find_by_username(c, username)?,
        recent_failures,
    })
}

pub fn record_sign_in_attempt(
    tx: &mut WriteTx<'_>,
    username: &str,
    succeeded: bool,
) -> ApiResult<()> {
    diesel::insert_into(login_attempts::table)
        .values(NewLoginAttempt {
            username,
            at: now(),
            succeeded,
        })
        .execute(tx.db())?;
    Ok(())
}

/// Opens a session for a user whose password was checked.
pub fn open_session(
    tx: &mut WriteTx<'_>,
    user: User,
    ttl_secs: i64,
    user_agent: Option<String>,
) -> ApiResult<SignIn> {
    let refresh_token = random_token(32);
    let t = now();
    let session = Session {
        id: new_id(),
        user_id: user.id.clone(),
        refresh_hash: token_hash(&refresh_token),
        created_at: t,
        expires_at: t + Duration::seconds(ttl_secs),
        last_used_at: t,
        revoked_at: None,
        user_agent: user_agent.map(|ua| ua.chars().take(200).collect::<String>()),
        previous_refresh_hash: None,
        rotated_at: None,
    };
    diesel::insert_into(sessions::table)
        .values(&session)
        .execute(tx.db())?;
    let actor = Actor {
        user_id: Some(user.id.clone()),
        username: Some(user.username.clone()),
        request_id: None,
    };
    audit::record(
        tx,
        &actor,
        Change {
            action: "auth.sign_in",
            entity_type: "session",
            entity_id: &session.id,
            before: None,
            after: None,
            reason: None,
        },
    )?;
    Ok(SignIn {
        user,
        session_id: session.id,
        refresh_token,
    })
}

/// How long the refresh token just replaced still works: two tabs of one browser refreshing at
/// the same moment both send it.
pub const ROTATION_GRACE_SECS: i64 = 30;

/// The outcome of presenting a refresh token. Either way the transaction commits: a reused
/// token's session must stay ended.
pub enum Refreshed {
    Renewed(Box<SignIn>),
    /// A replaced token came back after the grace period: someone kept a copy.
    Reused,
}

impl Refreshed {
    /// The new sign-in, or 401 for a reused token.
    pub fn into_sign_in(self) -> ApiResult<SignIn> {
        match self {
            Refreshed::Renewed(s) => Ok(*s),
            Refreshed::Reused => Err(ApiError::unauthenticated()),
        }
    }
}

/// Exchanges a refresh token for a new one (rotation: the old one stops working after a short
/// grace) and answers the session and user to issue an access token for. A replaced token
/// presented after the grace ends the whole session: one of the two holders is a thief.
pub fn refresh(tx: &mut WriteTx<'_>, refresh_token: &str) -> ApiResult<Refreshed> {
    let hash = token_hash(refresh_token);
    let current: Option<Session> = sessions::table
        .filter(sessions::refresh_hash.eq(&hash))
        .select(Session::as_select())
        .first(tx.db())
        .optional()?;
    let (session, is_current) = match current {
        Some(s) => (s, true),
        None => {
            let previous: Option<Session> = sessions::table
                .filter(sessions::previous_refresh_hash.eq(&hash))
                .select(Session::as_select())
                .first(tx.db())
                .optional()?;
            (previous.ok_or_else(ApiError::unauthenticated)?, false)
        }
    };
    let t = now();
    if session.revoked_at.is_some() || session.expires_at <= t {
        return Err(ApiError::unauthenticated());
    }
    if !is_current {
        let within_grace = session
            .rotated_at
            .is_some_and(|r| t - r <= Duration::seconds(ROTATION_GRACE_SECS));
        if !within_grace {
            diesel::update(sessions::table.find(&session.id))
                .set(sessions::revoked_at.eq(Some(t)))
                .execute(tx.db())?;
            audit::record(
                tx,
                &Actor::system("auth"),
                Change {
                    action: "auth.refresh_reuse",
                    entity_type: "session",
                    entity_id: &session.id,
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
    let user = find_by_id(tx, &session.user_id).map_err(|_| ApiError::unauthenticated())?;
    if !user.active {
        return Err(ApiError::unauthenticated());
    }
    let new_token = random_token(32);
    // Presenting the current token rotates it; presenting the previous one (within the
    // grace) issues a fresh token but keeps the grace window anchored where it was.
    if is_current {
        diesel::update(sessions::table.find(&session.id))
            .set((
                sessions::previous_refresh_hash.eq(Some(&hash)),
                sessions::rotated_at.eq(Some(t)),
            ))
            .execute(tx.db())?;
    }
    diesel::update(sessions::table.find(&session.id))
        .set((
            sessions::refresh_hash.eq(token_hash(&new_token)),
            sessions::last_used_at.eq(t),
        ))
        .execute(tx.db())?;
    Ok(Refreshed::Renewed(Box::new(SignIn {
        user,
        session_id: session.id,
        refresh_token: new_token,
    })))
}

pub fn revoke_session(tx: &mut WriteTx<'_>, session_id: &str, actor: &Actor) -> ApiResult<()> {
    let n = diesel::update(
        sessions::table
            .find(session_id)
            .filter(sessions::revoked_at.is_null()),
    )
    .set(sessions::revoked_at.eq(now()))
    .execute(tx.db())?;
    if n > 0 {
        audit::record(
            tx,
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
pub fn revoke_all_sessions(tx: &mut WriteTx<'_>, user_id: &str) -> QueryResult<usize> {
    diesel::update(
        sessions::table
            .filter(sessions::user_id.eq(user_id))
            .filter(sessions::revoked_at.is_null()),
    )
    .set(sessions::revoked_at.eq(now()))
    .execute(tx.db())
}

/// Checks a password change against the user's stored hash and answers the new password's
/// hash. Touches no database: the hashing is slow, so callers run it outside transactions.
pub fn new_password_hash(
    hasher: &PasswordPolicy,
    user: &User,
    current: &str,
    new: &str,
) -> ApiResult<String> {
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
                code: FieldCode::WrongPassword,
                message: "is not your current password".into(),
            }],
        });
    }
    if current == new {
        return Err(ApiError::field(
            "new_password",
            FieldCode::Unchanged,
            "must differ from the current password",
        ));
    }
    hasher.hash(new)
}

/// Stores a user's own new password (hashed by [`new_password_hash`]) and ends their sessions.
pub fn change_password(
    tx: &mut WriteTx<'_>,
    actor: &Actor,
    user_id: &str,
    password_hash: String,
) -> ApiResult<()> {
    set_password(tx, actor, user_id, password_hash, "auth.password_change")
}

fn set_password(
    tx: &mut WriteTx<'_>,
    actor: &Actor,
    user_id: &str,
    password_hash: String,
    action: &str,
) -> ApiResult<()> {
    diesel::update(users::table.find(user_id))
        .set((
            users::password_hash.eq(Some(password_hash)),
            users::updated_at.eq(now()),
        ))
        .execute(tx.db())?;
    let ended = revoke_all_sessions(tx, user_id)?;
    audit::record(
        tx,
        actor,
        Change {
            action,
            entity_type: "user",
            entity_id: user_id,
            before: None,
            after: Some(serde_json::json!({ "sessions_ended": ended })),
            reason: None,
        },
    )?;
    Ok(())
}

// ---------------------------------------------------------------- administration

pub fn list(
    conn: &mut DbConnection,
    page: Option<i64>,
    per_page: Option<i64>,
) -> ApiResult<Page<UserDto>> {
    let (page, per_page) = paging(page, per_page);
    let total: i64 = users::table.count().get_result(conn)?;
    let rows: Vec<User> = users::table
        .select(User::as_select())
        .order(users::username.asc())
        .limit(per_page)
        .offset((page - 1) * per_page)
        .load(conn)?;
    Ok(Page {
        items: rows.into_iter().map(UserDto::from).collect(),
        total,
        page,
        per_page,
    })
}

/// Checks what a new user request can be checked for without the database, and hashes its
/// password (slow: callers run this outside transactions). Answers the hash to pass to
/// [`create`]; `None` for an integrator, who signs in with an API key.
pub fn new_user_password_hash(
    hasher: &PasswordPolicy,
    req: &CreateUserRequest,
) -> ApiResult<Option<String>> {
    let password = match (req.role, &req.password) {
        (Role::Integrator, None) => None,
        (Role::Integrator, Some(_)) => {
            return Err(ApiError::field(
                "password",
                FieldCode::NotAllowed,
                "integrators sign in with API keys, not passwords",
            ))
        }
        (_, Some(p)) => Some(p),
        (_, None) => {
            return Err(ApiError::field(
                "password",
                FieldCode::Required,
                "is required",
            ))
        }
    };
    match (req.role, &req.customer_id) {
        (Role::Customer, None) => {
            return Err(ApiError::field(
                "customer_id",
                FieldCode::Required,
                "a customer user must be linked to a customer record",
            ))
        }
        (Role::Customer, Some(_)) | (_, None) => {}
        (_, Some(_)) => {
            return Err(ApiError::field(
                "customer_id",
                FieldCode::NotAllowed,
                "only customer users are linked to a customer record",
            ))
        }
    }
    password.map(|p| hasher.hash(p)).transpose()
}

/// Creates a user with the password hash from [`new_user_password_hash`].
pub fn create(
    tx: &mut WriteTx<'_>,
    actor: &Actor,
    req: &CreateUserRequest,
    password_hash: Option<String>,
) -> ApiResult<UserDto> {
    if let Some(cid) = &req.customer_id {
        let exists: i64 = customers::table
            .filter(customers::id.eq(cid))
            .count()
            .get_result(tx.db())?;
        if exists == 0 {
            return Err(ApiError::field(
                "customer_id",
                FieldCode::Unknown,
                "no such customer",
            ));
        }
    }
    if find_by_username(tx, req.username.trim())?.is_some() {
        return Err(ApiError {
            code: ErrorCode::UsernameTaken,
            detail: Some("that username is already in use".into()),
            fields: vec![cistern_shared::FieldError {
                field: "username".into(),
                code: FieldCode::Taken,
                message: "is already in use".into(),
            }],
        });
    }
    let t = now();
    let row = User {
        id: new_id(),
        username: req.username.trim().to_owned(),
        display_name: req.display_name.trim().to_owned(),
        role: req.role,
        password_hash,
        active: true,
        locale: req.locale,
        customer_id: req.customer_id.clone(),
        created_at: t,
        updated_at: t,
    };
    insert(tx, &row)?;
    let dto = UserDto::from(&row);
    audit::record(
        tx,
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
}

pub fn insert(tx: &mut WriteTx<'_>, row: &User) -> QueryResult<()> {
    diesel::insert_into(users::table)
        .values(row)
        .execute(tx.db())
        .map(|_| ())
}

pub fn update(
    tx: &mut WriteTx<'_>,
    actor: &Actor,
    id: &str,
    req: &UpdateUserRequest,
) -> ApiResult<UserDto> {
    let before = find_by_id(tx, id)?;
    if actor.user_id.as_deref() == Some(id)
        && (req.active == Some(false) || req.role.is_some_and(|r| r != Role::Admin))
    {
        return Err(ApiError::with_detail(
            ErrorCode::OwnAccess,
            "you cannot deactivate yourself or give up your own admin role",
        ));
    }
    let new_role = req.role.unwrap_or(before.role);
    if new_role != before.role
        && (new_role == Role::Customer
            || before.role == Role::Customer
            || new_role == Role::Integrator
            || before.role == Role::Integrator)
    {
        return Err(ApiError::field(
            "role",
            FieldCode::NotAllowed,
            "customer and integrator users cannot change role; create a new user instead",
        ));
    }
    let after = User {
        display_name: req
            .display_name
            .as_ref()
            .map(|d| d.trim().to_owned())
            .unwrap_or(before.display_name.clone()),
        role: new_role,
        active: req.active.unwrap_or(before.active),
        locale: req.locale.unwrap_or(before.locale),
        updated_at: now(),
        ..before.clone()
    };
    // Only the columns this request may change: a password set meanwhile stays.
    diesel::update(users::table.find(id))
        .set((
            users::display_name.eq(&after.display_name),
            users::role.eq(after.role),
            users::active.eq(after.active),
            users::locale.eq(after.locale),
            users::updated_at.eq(after.updated_at),
        ))
        .execute(tx.db())?;
    // A role change or deactivation takes effect at once, not when tokens expire.
    if !after.active || after.role != before.role {
        revoke_all_sessions(tx, id)?;
    }
    let after_dto = UserDto::from(&after);
    audit::record(
        tx,
        actor,
        Change {
            action: "user.update",
            entity_type: "user",
            entity_id: id,
            before: audit::snapshot(&UserDto::from(&before)),
            after: audit::snapshot(&after_dto),
            reason: req.reason.as_deref(),
        },
    )?;
    Ok(after_dto)
}

/// Sets a new password for a user (hashed by the caller, outside the transaction) and ends
/// their sessions. Integrators have no password.
pub fn reset_password(
    tx: &mut WriteTx<'_>,
    actor: &Actor,
    id: &str,
    password_hash: String,
) -> ApiResult<()> {
    let user = find_by_id(tx, id)?;
    if user.role == Role::Integrator {
        return Err(ApiError::field(
            "new_password",
            FieldCode::NotAllowed,
            "integrators sign in with API keys, not passwords",
        ));
    }
    set_password(tx, actor, id, password_hash, "user.password_reset")
}

pub fn revoke_sessions_of(tx: &mut WriteTx<'_>, actor: &Actor, id: &str) -> ApiResult<usize> {
    find_by_id(tx, id)?;
    let ended = revoke_all_sessions(tx, id)?;
    audit::record(
        tx,
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
}

/// Issues an API key for an integrator. Only its hash is kept.
pub fn create_api_key(
    tx: &mut WriteTx<'_>,
    actor: &Actor,
    user_id: &str,
) -> ApiResult<ApiKeyCreated> {
    let user = find_by_id(tx, user_id)?;
    if user.role != Role::Integrator {
        return Err(ApiError::with_detail(
            ErrorCode::NotAnIntegrator,
            "API keys are for integrator users only",
        ));
    }
    let key = format!("cst_{}", random_token(30));
    let row = ApiKey {
        id: new_id(),
        user_id: user_id.to_owned(),
        prefix: key.chars().take(10).collect(),
        key_hash: token_hash(&key),
        created_at: now(),
        revoked_at: None,
    };
    diesel::insert_into(api_keys::table)
        .values(&row)
        .execute(tx.db())?;
    audit::record(
        tx,
        actor,
        Change {
            action: "user.api_key_create",
            entity_type: "user",
            entity_id: user_id,
            before: None,
            after: Some(serde_json::json!({ "api_key_id": row.id, "prefix": row.prefix })),
            reason: None,
        },
    )?;
    Ok(ApiKeyCreated {
        id: row.id,
        key,
        prefix: row.prefix,
    })
}
