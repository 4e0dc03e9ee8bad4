//! Users, sign-in, sessions and API keys.

use chrono::Duration;
use cistern_shared::dto::{
    ApiKeyCreated, ApiKeyDto, CreateApiKeyRequest, CreateUserRequest, Page, UpdateUserRequest,
    UserDto,
};
use cistern_shared::FieldCode;
use cistern_shared::{ErrorCode, Role};
use diesel::prelude::*;

use crate::auth::{random_token, successor_token, token_hash, HashPermit, PasswordPolicy};
pub use crate::db::models::users::User;
use crate::db::models::{api_keys::ApiKey, refresh_tokens::RefreshToken, sessions::Session};
use crate::db::schema::{api_keys, customers, refresh_tokens, sessions, users};
use crate::db::{now, DbConnection, DbPool, WriteTx};
use crate::domain::audit::{self, Actor, Change};
use crate::domain::throttle::{self, Attempt, Reservation, ThrottlePolicy};
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

diesel::define_sql_function!(fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text);

/// The user of this username, in any case (`Clerk` finds `clerk`): usernames are unique
/// without regard to case (the `users_username_lower` index), so there is at most one.
pub fn find_by_username(conn: &mut DbConnection, username: &str) -> QueryResult<Option<User>> {
    users::table
        .filter(lower(users::username).eq(username.to_ascii_lowercase()))
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
    pub throttle: ThrottlePolicy,
    pub refresh_ttl_secs: i64,
}

/// What a sign-in came to, short of an error.
pub enum SignInOutcome {
    SignedIn(SignIn),
    /// Refused before any password check: too many attempts for this username from this
    /// address, or from this address overall. Answer 429 with `Retry-After`.
    Throttled {
        retry_after_secs: i64,
    },
}

/// Checks a username and password and opens a session.
///
/// The attempt first reserves a place in the throttle ([`throttle::reserve`], a write
/// transaction that locks the counters), so the limit holds under any concurrency and across
/// server instances: past it the answer is [`SignInOutcome::Throttled`] and no password is
/// hashed. The caller holds a [`HashPermit`] (the bound on concurrent hashes); it is released
/// as soon as the hash is done.
///
/// One of the two domain functions that take the pool rather than a transaction (password
/// change is the other): the hash is slow on purpose and must run outside any transaction.
pub fn sign_in(
    pool: &DbPool,
    hasher: &PasswordPolicy,
    permit: HashPermit,
    policy: &SignInPolicy,
    attempt: &Attempt<'_>,
    password: &str,
    user_agent: Option<String>,
) -> ApiResult<SignInOutcome> {
    let username = attempt.username.trim();
    let ticket = match pool.write(|tx| throttle::reserve(tx, &policy.throttle, attempt))? {
        Reservation::Granted(ticket) => ticket,
        Reservation::Refused { retry_after_secs } => {
            return Ok(SignInOutcome::Throttled { retry_after_secs })
        }
    };
    let user = pool.read(|c| -> ApiResult<_> { Ok(find_by_username(c, username)?) })?;
    // The expensive hash check runs outside any transaction, and always runs (an unknown
    // user costs the same), so timing does not tell whether a username exists.
    let matches = hasher.verify(
        password,
        user.as_ref().and_then(|u| u.password_hash.as_deref()),
    );
    drop(permit);
    let why = match &user {
        None => "unknown_user",
        Some(u) if u.password_hash.is_none() => "no_password",
        Some(_) if !matches => "wrong_password",
        Some(u) if !u.active => "inactive",
        Some(_) => "",
    };
    match user {
        Some(user) if why.is_empty() => pool
            .write(|tx| {
                throttle::settle_success(tx, &ticket)?;
                open_session(tx, user, policy.refresh_ttl_secs, user_agent)
            })
            .map(SignInOutcome::SignedIn),
        user => {
            let id = user.as_ref().map(|u| u.id.as_str());
            pool.write(|tx| {
                throttle::settle_failure(tx, &ticket, attempt, "auth.sign_in_failed", id, why)
            })?;
            Err(ApiError::new(ErrorCode::InvalidCredentials))
        }
    }
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
    diesel::insert_into(refresh_tokens::table)
        .values(RefreshToken {
            token_hash: session.refresh_hash.clone(),
            session_id: session.id.clone(),
            generation: 1,
            issued_at: t,
        })
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
/// the same moment both send it, and a client whose answer was lost retries with it.
pub const ROTATION_GRACE_SECS: i64 = 30;

/// The outcome of presenting a refresh token. Either way the transaction commits: a reused
/// token's session must stay ended.
pub enum Refreshed {
    Renewed(Box<SignIn>),
    /// An earlier token of the session came back (not the idempotent retry): someone kept a copy.
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

/// Exchanges a refresh token for its successor and answers the session and user to issue an
/// access token for. A session's tokens form one line, never a fork:
/// - the current token rotates to its successor ([`successor_token`]: derived under `key`,
///   so it is the same on every instance and for every retry);
/// - the token just replaced, within [`ROTATION_GRACE_SECS`] and while its successor is still
///   current, answers that SAME successor (an idempotent retry: no new token is minted);
/// - any other earlier token of the session (after the grace, or two generations old) ends
///   the whole session, so both the thief's and the holder's tokens stop working, and the
///   reuse is audited.
pub fn refresh(tx: &mut WriteTx<'_>, key: &[u8], refresh_token: &str) -> ApiResult<Refreshed> {
    let hash = token_hash(refresh_token);
    let known: RefreshToken = refresh_tokens::table
        .find(&hash)
        .select(RefreshToken::as_select())
        .first(tx.db())
        .optional()?
        .ok_or_else(ApiError::unauthenticated)?;
    // Take the session's row lock first: concurrent refreshes of one session (several
    // instances on PostgreSQL) queue here and each reads what the one before it wrote.
    diesel::update(sessions::table.find(&known.session_id))
        .set(sessions::last_used_at.eq(sessions::last_used_at))
        .execute(tx.db())?;
    let session: Session = sessions::table
        .find(&known.session_id)
        .select(Session::as_select())
        .first(tx.db())?;
    let t = now();
    if session.revoked_at.is_some() || session.expires_at <= t {
        return Err(ApiError::unauthenticated());
    }
    let successor = successor_token(key, refresh_token);
    let successor_hash = token_hash(&successor);
    let is_current = session.refresh_hash == hash;
    let is_retry = !is_current
        && session.previous_refresh_hash.as_deref() == Some(hash.as_str())
        && session.refresh_hash == successor_hash
        && session
            .rotated_at
            .is_some_and(|r| t - r <= Duration::seconds(ROTATION_GRACE_SECS));
    if !is_current && !is_retry {
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
                after: Some(serde_json::json!({ "generation_presented": known.generation })),
                reason: Some(
                    "an earlier refresh token of the session was presented again; the session was ended",
                ),
            },
        )?;
        return Ok(Refreshed::Reused);
    }
    let user = find_by_id(tx, &session.user_id).map_err(|_| ApiError::unauthenticated())?;
    if !user.active {
        return Err(ApiError::unauthenticated());
    }
    if is_current {
        diesel::update(sessions::table.find(&session.id))
            .set((
                sessions::refresh_hash.eq(&successor_hash),
                sessions::previous_refresh_hash.eq(Some(&hash)),
                sessions::rotated_at.eq(Some(t)),
                sessions::last_used_at.eq(t),
            ))
            .execute(tx.db())?;
        diesel::insert_into(refresh_tokens::table)
            .values(RefreshToken {
                token_hash: successor_hash,
                session_id: session.id.clone(),
                generation: known.generation + 1,
                issued_at: t,
            })
            .execute(tx.db())?;
    } else {
        diesel::update(sessions::table.find(&session.id))
            .set(sessions::last_used_at.eq(t))
            .execute(tx.db())?;
    }
    Ok(Refreshed::Renewed(Box::new(SignIn {
        user,
        session_id: session.id,
        refresh_token: successor,
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

/// What a password change with the current password came to, short of an error.
pub enum PasswordChange {
    Changed,
    /// Refused before the current password was checked (the sign-in throttle).
    Throttled {
        retry_after_secs: i64,
    },
}

/// Changes a signed-in user's own password after checking the current one. The check is a
/// password guess like a sign-in, so it reserves a place in the same throttle first (same
/// keys: the username from this address, and this address). Like [`sign_in`], takes the pool:
/// the two hashes run outside any transaction, under the caller's [`HashPermit`].
#[allow(clippy::too_many_arguments)]
pub fn change_own_password(
    pool: &DbPool,
    hasher: &PasswordPolicy,
    permit: HashPermit,
    policy: &ThrottlePolicy,
    actor: &Actor,
    user_id: &str,
    address: &str,
    current: &str,
    new: &str,
) -> ApiResult<PasswordChange> {
    let user = pool.read(|c| find_by_id(c, user_id))?;
    if user.password_hash.is_none() {
        return Err(ApiError::with_detail(
            ErrorCode::Forbidden,
            "this account signs in with an API key, not a password",
        ));
    }
    let attempt = Attempt {
        username: &user.username,
        address,
        request_id: actor.request_id.clone(),
    };
    let ticket = match pool.write(|tx| throttle::reserve(tx, policy, &attempt))? {
        Reservation::Granted(ticket) => ticket,
        Reservation::Refused { retry_after_secs } => {
            return Ok(PasswordChange::Throttled { retry_after_secs })
        }
    };
    if !hasher.verify(current, user.password_hash.as_deref()) {
        drop(permit);
        pool.write(|tx| {
            throttle::settle_failure(
                tx,
                &ticket,
                &attempt,
                "auth.password_change_failed",
                Some(user_id),
                "wrong_password",
            )
        })?;
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
        drop(permit);
        pool.write(|tx| throttle::settle_success(tx, &ticket))?;
        return Err(ApiError::field(
            "new_password",
            FieldCode::Unchanged,
            "must differ from the current password",
        ));
    }
    let hash = hasher.hash(new)?;
    drop(permit);
    pool.write(|tx| {
        throttle::settle_success(tx, &ticket)?;
        change_password(tx, actor, user_id, hash)
    })?;
    Ok(PasswordChange::Changed)
}

/// Stores a user's own new password (hashed by [`change_own_password`]) and ends their sessions.
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

fn username_taken() -> ApiError {
    ApiError {
        code: ErrorCode::UsernameTaken,
        detail: Some("that username is already in use (in any case)".into()),
        fields: vec![cistern_shared::FieldError {
            field: "username".into(),
            code: FieldCode::Taken,
            message: "is already in use".into(),
        }],
    }
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
        return Err(username_taken());
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
    // The look-up above is the friendly answer; the index on lower(username) is the rule when
    // two requests for one name (in any case) race past it.
    insert(tx, &row).map_err(|e| {
        if crate::db::violates_unique(&e, "users_username_lower", "")
            || crate::db::violates_unique(&e, "users_username_key", "users.username")
        {
            username_taken()
        } else {
            e.into()
        }
    })?;
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
    req: &CreateApiKeyRequest,
) -> ApiResult<ApiKeyCreated> {
    let user = find_by_id(tx, user_id)?;
    if user.role != Role::Integrator {
        return Err(ApiError::with_detail(
            ErrorCode::NotAnIntegrator,
            "API keys are for integrator users only",
        ));
    }
    let t = now();
    let expires_at = req.expires_at.map(|e| e.naive_utc());
    if expires_at.is_some_and(|e| e <= t) {
        return Err(ApiError::field(
            "expires_at",
            FieldCode::Range,
            "must be in the future",
        ));
    }
    let index = crate::openapi::operation_index();
    let mut operations: Option<Vec<String>> = None;
    if let Some(list) = &req.operations {
        for (i, op) in list.iter().enumerate() {
            if !index.integrators_may_call(op) {
                return Err(ApiError::field(
                    &format!("operations[{i}]"),
                    FieldCode::UnknownValue,
                    format!("`{op}` is not an operationId integrators may call"),
                ));
            }
        }
        let mut ops = list.clone();
        ops.sort();
        ops.dedup();
        operations = Some(ops);
    }
    let key = format!("cst_{}", random_token(30));
    let row = ApiKey {
        id: new_id(),
        user_id: user_id.to_owned(),
        prefix: key.chars().take(10).collect(),
        key_hash: token_hash(&key),
        created_at: t,
        revoked_at: None,
        name: req.name.trim().to_owned(),
        expires_at,
        last_used_at: None,
        operations: operations.map(|o| o.join(" ")),
    };
    diesel::insert_into(api_keys::table)
        .values(&row)
        .execute(tx.db())?;
    let details = ApiKeyDto::from(&row);
    audit::record(
        tx,
        actor,
        Change {
            action: "user.api_key_create",
            entity_type: "user",
            entity_id: user_id,
            before: None,
            after: audit::snapshot(&details),
            reason: None,
        },
    )?;
    Ok(ApiKeyCreated {
        id: row.id,
        key,
        prefix: row.prefix,
        details,
    })
}

/// An integrator's keys, newest first (never the keys themselves).
pub fn api_keys_of(c: &mut DbConnection, user_id: &str) -> ApiResult<Vec<ApiKeyDto>> {
    find_by_id(c, user_id)?;
    let rows: Vec<ApiKey> = api_keys::table
        .filter(api_keys::user_id.eq(user_id))
        .order((api_keys::created_at.desc(), api_keys::id.desc()))
        .select(ApiKey::as_select())
        .load(c)?;
    Ok(rows.iter().map(ApiKeyDto::from).collect())
}

/// Revokes one key at once; the integrator's other keys keep working. Revoking a revoked key
/// changes nothing and answers it as it is.
pub fn revoke_api_key(
    tx: &mut WriteTx<'_>,
    actor: &Actor,
    user_id: &str,
    key_id: &str,
) -> ApiResult<ApiKeyDto> {
    let before: ApiKey = api_keys::table
        .filter(api_keys::id.eq(key_id))
        .filter(api_keys::user_id.eq(user_id))
        .select(ApiKey::as_select())
        .first(tx.db())
        .optional()?
        .ok_or_else(ApiError::not_found)?;
    if before.revoked_at.is_some() {
        return Ok(ApiKeyDto::from(&before));
    }
    let after = ApiKey {
        revoked_at: Some(now()),
        ..before.clone()
    };
    let changed = diesel::update(api_keys::table.find(key_id))
        .filter(api_keys::revoked_at.is_null())
        .set(api_keys::revoked_at.eq(after.revoked_at))
        .execute(tx.db())?;
    if changed == 0 {
        // Revoked by someone else at the same moment: their revocation is the one audited.
        let now_row: ApiKey = api_keys::table
            .find(key_id)
            .select(ApiKey::as_select())
            .first(tx.db())?;
        return Ok(ApiKeyDto::from(&now_row));
    }
    audit::record(
        tx,
        actor,
        Change {
            action: "user.api_key_revoke",
            entity_type: "user",
            entity_id: user_id,
            before: audit::snapshot(&ApiKeyDto::from(&before)),
            after: audit::snapshot(&ApiKeyDto::from(&after)),
            reason: None,
        },
    )?;
    Ok(ApiKeyDto::from(&after))
}
