//! Who is calling: password hashing, access tokens, refresh tokens and API keys, and the
//! [`Principal`] extractor every protected handler takes. Sessions live in the database so
//! that any server instance can revoke them and every instance sees it.

use actix_web::{web, FromRequest, HttpRequest};
use argon2::password_hash::{rand_core::OsRng, Output, ParamsString, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use base64::Engine;
use cistern_shared::role::sets;
use cistern_shared::{ErrorCode, Role};
use diesel::prelude::*;
use jsonwebtoken::{DecodingKey, EncodingKey, Header, Validation};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use crate::db::models::{api_keys::ApiKey, sessions::Session, users::User};
use crate::db::schema::{api_keys, sessions, users};
use crate::error::{ApiError, ApiResult};
use crate::startup::AppState;

pub const REFRESH_COOKIE: &str = "cistern_refresh";
pub const API_KEY_HEADER: &str = "x-api-key";

// ---------------------------------------------------------------- passwords

#[derive(Clone)]
pub struct PasswordPolicy {
    params: Params,
    /// Argon2 evaluations so far (shared by clones): what tests and benches count.
    evaluations: Arc<AtomicU64>,
    /// Argon2's working memory (`argon2_memory_kib` per hash), kept and reused rather than
    /// allocated per hash: with [`HashGate`] bounding concurrent hashes, the process holds at
    /// most that many buffers, and the allocator's per-thread arenas never fill up with
    /// freed 19 MiB blocks (which is how memory grew and was never returned).
    memory: Arc<Mutex<MemoryPool>>,
}

struct MemoryPool {
    free: Vec<Vec<Block>>,
    keep: usize,
}

impl PasswordPolicy {
    pub fn new(memory_kib: u32, iterations: u32) -> Result<PasswordPolicy, String> {
        let params = Params::new(memory_kib.max(8), iterations.max(1), 1, None)
            .map_err(|e| e.to_string())?;
        Ok(PasswordPolicy {
            params,
            evaluations: Arc::new(AtomicU64::new(0)),
            memory: Arc::new(Mutex::new(MemoryPool {
                free: Vec::new(),
                keep: HashGate::default_size(),
            })),
        })
    }

    /// Keeps up to `n` working-memory buffers for reuse (the size of the [`HashGate`]).
    pub fn keep_buffers(self, n: usize) -> PasswordPolicy {
        self.memory.lock().unwrap_or_else(|p| p.into_inner()).keep = n.max(1);
        self
    }

    /// How many Argon2 hashes this policy (and its clones) has computed.
    pub fn evaluations(&self) -> u64 {
        self.evaluations.load(Ordering::Relaxed)
    }

    /// Runs one Argon2 computation into `out`, in a reused buffer.
    fn compute(
        &self,
        argon: &Argon2<'_>,
        blocks: usize,
        password: &str,
        salt: &[u8],
        out: &mut [u8],
    ) -> Result<(), argon2::Error> {
        self.evaluations.fetch_add(1, Ordering::Relaxed);
        let taken = self
            .memory
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .free
            .pop();
        let mut buf = taken.unwrap_or_default();
        if buf.len() < blocks {
            buf.resize(blocks, Block::default());
        }
        let result = argon.hash_password_into_with_memory(
            password.as_bytes(),
            salt,
            out,
            &mut buf[..blocks],
        );
        let mut pool = self.memory.lock().unwrap_or_else(|p| p.into_inner());
        if pool.free.len() < pool.keep {
            pool.free.push(buf);
        }
        result
    }

    pub fn hash(&self, password: &str) -> Result<String, ApiError> {
        let salt = SaltString::generate(&mut OsRng);
        let mut salt_buf = [0u8; 64];
        let salt_bytes = salt
            .as_salt()
            .decode_b64(&mut salt_buf)
            .map_err(ApiError::internal)?;
        let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, self.params.clone());
        let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
        self.compute(
            &argon,
            self.params.block_count(),
            password,
            salt_bytes,
            &mut out,
        )
        .map_err(ApiError::internal)?;
        let phc = PasswordHash {
            algorithm: Algorithm::Argon2id.ident(),
            version: Some(Version::V0x13.into()),
            params: ParamsString::try_from(&self.params).map_err(ApiError::internal)?,
            salt: Some(salt.as_salt()),
            hash: Some(Output::new(&out).map_err(ApiError::internal)?),
        };
        Ok(phc.to_string())
    }

    /// Checks a password against a stored hash. With no hash (unknown user) it still does the
    /// work of one check, so response times do not tell whether a username exists.
    pub fn verify(&self, password: &str, stored: Option<&str>) -> bool {
        match stored.and_then(|s| PasswordHash::new(s).ok()) {
            Some(parsed) => self.matches(password, &parsed).unwrap_or(false),
            None => {
                let _ = self.hash(password);
                false
            }
        }
    }

    /// The stored hash's own algorithm, version and cost; `None` if it cannot be read.
    fn matches(&self, password: &str, stored: &PasswordHash<'_>) -> Option<bool> {
        let (salt, expected) = (stored.salt?, stored.hash?);
        let algorithm = Algorithm::try_from(stored.algorithm).ok()?;
        let version = match stored.version {
            Some(v) => Version::try_from(v).ok()?,
            None => Version::default(),
        };
        let params = Params::try_from(stored).ok()?;
        let mut salt_buf = [0u8; 64];
        let salt_bytes = salt.decode_b64(&mut salt_buf).ok()?;
        let blocks = params.block_count();
        let argon = Argon2::new(algorithm, version, params);
        let mut out = vec![0u8; expected.len()];
        self.compute(&argon, blocks, password, salt_bytes, &mut out)
            .ok()?;
        // `Output` compares in constant time.
        Some(Output::new(&out).ok()? == expected)
    }
}

/// Bounds how many Argon2 hashes run at once (each takes `argon2_memory_kib` of memory and a
/// core). A request that cannot get a permit within a short wait is answered at once with 429
/// `sign_in_busy`, so a flood of sign-ins costs neither memory nor everyone else's latency.
#[derive(Clone)]
pub struct HashGate {
    permits: Arc<tokio::sync::Semaphore>,
    wait: std::time::Duration,
}

/// Leave to run one password hash; the place frees when it is dropped.
pub struct HashPermit(#[allow(dead_code)] tokio::sync::OwnedSemaphorePermit);

impl HashGate {
    pub fn new(size: usize, wait: std::time::Duration) -> HashGate {
        HashGate {
            permits: Arc::new(tokio::sync::Semaphore::new(size.max(1))),
            wait,
        }
    }

    /// The default size: one slot per core but one, so that a flood of sign-ins leaves a
    /// core for every other request (and at least one slot on a one-core machine).
    pub fn default_size() -> usize {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2)
            .saturating_sub(1)
            .max(1)
    }

    /// Waits (briefly) for a permit.
    pub async fn enter(&self) -> ApiResult<HashPermit> {
        match tokio::time::timeout(self.wait, self.permits.clone().acquire_owned()).await {
            Ok(Ok(p)) => Ok(HashPermit(p)),
            _ => Err(ApiError::with_detail(
                ErrorCode::SignInBusy,
                "too many password checks are running; try again in a moment",
            )),
        }
    }
}

/// The client's address for throttling: the right-most entry of the configured proxy header
/// (`X-Forwarded-For`: the address the trusted proxy itself saw), else the TCP peer. An IPv6
/// address counts as its /64 network (one subscriber's share), an IPv4-mapped one as IPv4.
pub fn client_address(req: &HttpRequest, trusted_header: Option<&str>) -> String {
    let from_header = trusted_header
        .and_then(|h| req.headers().get(h))
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.rsplit(',').map(str::trim).find(|s| !s.is_empty()))
        .and_then(parse_ip);
    match from_header.or_else(|| req.peer_addr().map(|a| a.ip())) {
        Some(ip) => address_key(ip),
        None => "unknown".into(),
    }
}

fn parse_ip(s: &str) -> Option<IpAddr> {
    s.parse::<IpAddr>()
        .ok()
        .or_else(|| s.parse::<std::net::SocketAddr>().ok().map(|a| a.ip()))
}

fn address_key(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

// ---------------------------------------------------------------- tokens

#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    /// User id.
    pub sub: String,
    /// Session id: checked against the sessions table on every request.
    pub sid: String,
    pub role: Role,
    pub iss: String,
    pub aud: String,
    pub iat: i64,
    pub exp: i64,
}

#[derive(Clone)]
pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    issuer: String,
    audience: String,
    pub ttl_secs: i64,
}

impl JwtKeys {
    pub fn new(secret: &[u8], issuer: &str, audience: &str, ttl_secs: i64) -> JwtKeys {
        JwtKeys {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            issuer: issuer.to_owned(),
            audience: audience.to_owned(),
            ttl_secs,
        }
    }

    pub fn issue(&self, user_id: &str, session_id: &str, role: Role) -> ApiResult<String> {
        let now = chrono::Utc::now().timestamp();
        let claims = Claims {
            sub: user_id.to_owned(),
            sid: session_id.to_owned(),
            role,
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            iat: now,
            exp: now + self.ttl_secs,
        };
        jsonwebtoken::encode(&Header::default(), &claims, &self.encoding)
            .map_err(ApiError::internal)
    }

    pub fn decode(&self, token: &str) -> Option<Claims> {
        let mut v = Validation::new(jsonwebtoken::Algorithm::HS256);
        v.set_issuer(&[&self.issuer]);
        v.set_audience(&[&self.audience]);
        v.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        v.leeway = 5;
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &v)
            .ok()
            .map(|d| d.claims)
    }
}

/// A fresh random secret, URL-safe base64 (refresh tokens, API keys, generated JWT secrets).
pub fn random_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rngs::OsRng.fill_bytes(&mut buf);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf)
}

/// Tokens are stored only as hashes, so a stolen database does not sign anyone in.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The refresh token that replaces `token`: HMAC-SHA256 under the server's secret, so that
/// presenting the same token twice (a retry, two tabs) yields the same successor on every
/// instance without the database ever holding a usable token.
pub fn successor_token(secret: &[u8], token: &str) -> String {
    let mac = hmac_sha256(
        secret,
        format!("cistern-refresh-successor\0{token}").as_bytes(),
    );
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(mac)
}

/// HMAC (RFC 2104) over SHA-256.
fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    const BLOCK: usize = 64;
    let mut k = [0u8; BLOCK];
    if key.len() > BLOCK {
        k[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        k[..key.len()].copy_from_slice(key);
    }
    let mut inner = Sha256::new();
    inner.update(k.map(|b| b ^ 0x36));
    inner.update(message);
    let mut outer = Sha256::new();
    outer.update(k.map(|b| b ^ 0x5c));
    outer.update(inner.finalize());
    outer.finalize().into()
}

// ---------------------------------------------------------------- the caller

#[derive(Debug, Clone)]
pub struct Principal {
    pub user_id: String,
    pub username: String,
    pub role: Role,
    pub customer_id: Option<String>,
    /// The session behind a bearer token; `None` for API keys.
    pub session_id: Option<String>,
    /// For an API key limited to named operations: their operationIds. `None`: every
    /// operation the role admits.
    pub operations: Option<Vec<String>>,
}

impl Principal {
    /// Refuses (403) a key limited to named operations when this request is not one of them.
    pub fn require_operation(&self, req: &HttpRequest) -> ApiResult<()> {
        let Some(allowed) = &self.operations else {
            return Ok(());
        };
        let id = req.match_pattern().and_then(|template| {
            crate::openapi::operation_index().operation_id(req.method().as_str(), &template)
        });
        match id {
            Some(id) if allowed.iter().any(|a| a == id) => Ok(()),
            _ => Err(ApiError::forbidden()),
        }
    }

    /// Refuses (403) unless the caller has one of `roles`.
    pub fn require(&self, roles: &[Role]) -> ApiResult<()> {
        if roles.contains(&self.role) {
            Ok(())
        } else {
            Err(ApiError::forbidden())
        }
    }
}

/// A session with its user, read in one join.
#[derive(Queryable, Selectable)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
struct SessionUser {
    #[diesel(embed)]
    user: User,
    #[diesel(embed)]
    session: Session,
}

/// What the authentication middleware found, kept in the request's extensions.
#[derive(Clone)]
enum AuthOutcome {
    Found(Principal),
    Refused(ApiError),
}

/// Middleware: checks the bearer token or API key (one database lookup) before any handler
/// extractor runs. The [`Allow`] extractor then decides synchronously, so an unauthorised
/// caller is refused before the request body is even parsed.
pub async fn authenticate(
    req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody>,
) -> Result<actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>, actix_web::Error> {
    use actix_web::HttpMessage;
    if req.path().starts_with("/api/") {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let bearer = req
            .headers()
            .get(actix_web::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::to_owned);
        let api_key = req
            .headers()
            .get(API_KEY_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let outcome = match (state, bearer, api_key) {
            (_, None, None) => None,
            (None, _, _) => Some(Err(ApiError::internal("app state missing"))),
            (Some(state), Some(token), _) => Some(match state.jwt.decode(&token) {
                None => Err(ApiError::unauthenticated()),
                Some(claims) => {
                    let pool = state.pool.clone();
                    web::block(move || principal_for_session(&pool, &claims))
                        .await
                        .map_err(ApiError::from)
                        .and_then(|r| r)
                }
            }),
            (Some(state), None, Some(key)) => {
                let pool = state.pool.clone();
                Some(
                    web::block(move || principal_for_api_key(&pool, &key))
                        .await
                        .map_err(ApiError::from)
                        .and_then(|r| r),
                )
            }
        };
        match outcome {
            Some(Ok(p)) => {
                req.extensions_mut().insert(AuthOutcome::Found(p));
            }
            Some(Err(e)) => {
                req.extensions_mut().insert(AuthOutcome::Refused(e));
            }
            None => {}
        }
    }
    next.call(req).await
}

impl FromRequest for Principal {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Principal, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        use actix_web::HttpMessage;
        std::future::ready(match req.extensions().get::<AuthOutcome>() {
            Some(AuthOutcome::Found(p)) => Ok(p.clone()),
            Some(AuthOutcome::Refused(e)) => Err(e.clone()),
            None => Err(ApiError::unauthenticated()),
        })
    }
}

fn principal_for_session(pool: &crate::db::DbPool, claims: &Claims) -> ApiResult<Principal> {
    let row = pool.read(|c| -> ApiResult<Option<SessionUser>> {
        Ok(sessions::table
            .inner_join(users::table)
            .filter(sessions::id.eq(&claims.sid))
            .filter(users::id.eq(&claims.sub))
            .select(SessionUser::as_select())
            .first(c.db())
            .optional()?)
    })?;
    let SessionUser { user, session } = row.ok_or_else(ApiError::unauthenticated)?;
    let now = crate::db::now();
    if !user.active || session.revoked_at.is_some() || session.expires_at <= now {
        return Err(ApiError::unauthenticated());
    }
    Ok(Principal {
        user_id: user.id,
        username: user.username,
        role: user.role,
        customer_id: user.customer_id,
        session_id: Some(claims.sid.clone()),
        operations: None,
    })
}

fn principal_for_api_key(pool: &crate::db::DbPool, key: &str) -> ApiResult<Principal> {
    let now = crate::db::now();
    let found = pool.read(|c| -> ApiResult<Option<(ApiKey, User)>> {
        Ok(api_keys::table
            .inner_join(users::table)
            .filter(api_keys::key_hash.eq(token_hash(key)))
            .filter(api_keys::revoked_at.is_null())
            .select((ApiKey::as_select(), User::as_select()))
            .first(c.db())
            .optional()?)
    })?;
    let Some((api_key, user)) = found else {
        return Err(ApiError::new(ErrorCode::Unauthenticated));
    };
    if !user.active || api_key.expires_at.is_some_and(|t| t <= now) {
        return Err(ApiError::new(ErrorCode::Unauthenticated));
    }
    // Last use, to the minute: one small write a minute per key, not one per request.
    let stale = api_key
        .last_used_at
        .is_none_or(|t| now - t >= chrono::Duration::minutes(1));
    if stale {
        let id = api_key.id.clone();
        pool.write(|tx| -> ApiResult<()> {
            diesel::update(api_keys::table.find(&id))
                .filter(
                    api_keys::last_used_at
                        .is_null()
                        .or(api_keys::last_used_at.lt(now - chrono::Duration::minutes(1))),
                )
                .set(api_keys::last_used_at.eq(Some(now)))
                .execute(tx.db())?;
            Ok(())
        })?;
    }
    Ok(Principal {
        user_id: user.id,
        username: user.username,
        role: user.role,
        customer_id: None,
        session_id: None,
        operations: api_key.operation_list(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_against_their_own_hash() {
        let p = PasswordPolicy::new(64, 1).unwrap();
        let h = p.hash("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(p.verify("correct horse battery", Some(&h)));
        assert!(!p.verify("correct horse battery!", Some(&h)));
        assert!(!p.verify("anything", None));
    }

    #[test]
    fn tokens_check_signature_issuer_audience_and_expiry() {
        let keys = JwtKeys::new(
            b"0123456789abcdef0123456789abcdef",
            "cistern",
            "cistern-api",
            60,
        );
        let t = keys.issue("u1", "s1", Role::Clerk).unwrap();
        let c = keys.decode(&t).unwrap();
        assert_eq!(
            (c.sub.as_str(), c.sid.as_str(), c.role),
            ("u1", "s1", Role::Clerk)
        );

        let other_secret = JwtKeys::new(
            b"another-secret-another-secret-xx",
            "cistern",
            "cistern-api",
            60,
        );
        assert!(other_secret.decode(&t).is_none());
        let other_aud = JwtKeys::new(
            b"0123456789abcdef0123456789abcdef",
            "cistern",
            "elsewhere",
            60,
        );
        assert!(other_aud.decode(&t).is_none());
        let expired = JwtKeys::new(
            b"0123456789abcdef0123456789abcdef",
            "cistern",
            "cistern-api",
            -120,
        );
        let old = expired.issue("u1", "s1", Role::Clerk).unwrap();
        assert!(keys.decode(&old).is_none());
    }

    #[test]
    fn hmac_matches_rfc_4231() {
        // Test case 2 of RFC 4231.
        let mac = hmac_sha256(b"Jefe", b"what do ya want for nothing?");
        assert_eq!(
            hex::encode(mac),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        // Test case 6: a key longer than the block.
        let mac = hmac_sha256(
            &[0xaa; 131],
            b"Test Using Larger Than Block-Size Key - Hash Key First",
        );
        assert_eq!(
            hex::encode(mac),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        );
    }

    #[test]
    fn successors_are_stable_and_need_the_secret() {
        let a = successor_token(b"secret-one", "tok");
        assert_eq!(a, successor_token(b"secret-one", "tok"));
        assert_ne!(a, successor_token(b"secret-two", "tok"));
        assert_ne!(a, successor_token(b"secret-one", "tok2"));
    }

    #[test]
    fn client_addresses_come_from_the_peer_unless_a_proxy_header_is_trusted() {
        use actix_web::test::TestRequest;
        let peer: std::net::SocketAddr = "192.0.2.9:5555".parse().unwrap();
        let req = TestRequest::default()
            .peer_addr(peer)
            .insert_header(("X-Forwarded-For", "10.9.9.9, 203.0.113.7"))
            .to_http_request();
        assert_eq!(client_address(&req, None), "192.0.2.9");
        assert_eq!(client_address(&req, Some("X-Forwarded-For")), "203.0.113.7");
        let v6 = TestRequest::default()
            .peer_addr(peer)
            .insert_header(("X-Forwarded-For", "2001:db8:1:2:3:4:5:6"))
            .to_http_request();
        assert_eq!(
            client_address(&v6, Some("x-forwarded-for")),
            "2001:db8:1:2::/64"
        );
        let junk = TestRequest::default()
            .peer_addr(peer)
            .insert_header(("X-Forwarded-For", "not an address"))
            .to_http_request();
        assert_eq!(client_address(&junk, Some("X-Forwarded-For")), "192.0.2.9");
    }

    #[actix_web::test]
    async fn the_hash_gate_turns_the_excess_away_at_once() {
        let gate = HashGate::new(1, std::time::Duration::from_millis(20));
        let held = gate.enter().await.unwrap();
        let refused = gate.enter().await.err().unwrap();
        assert_eq!(refused.code, ErrorCode::SignInBusy);
        drop(held);
        assert!(gate.enter().await.is_ok());
    }

    /// The hashes are standard PHC strings: the argon2 crate's own hasher and verifier agree
    /// with ours both ways (so existing hashes keep working).
    #[test]
    fn hashes_interoperate_with_the_reference_implementation() {
        use argon2::password_hash::{PasswordHasher, PasswordVerifier};
        let p = PasswordPolicy::new(256, 2).unwrap();
        let ours = p.hash("correct horse battery").unwrap();
        let parsed = PasswordHash::new(&ours).unwrap();
        assert!(Argon2::default()
            .verify_password(b"correct horse battery", &parsed)
            .is_ok());
        let params = Params::new(128, 1, 1, None).unwrap();
        let theirs = Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
            .hash_password(b"staple", &SaltString::generate(&mut OsRng))
            .unwrap()
            .to_string();
        assert!(p.verify("staple", Some(&theirs)));
        assert!(!p.verify("stapler", Some(&theirs)));
        assert!(!p.verify("staple", Some("$argon2id$v=19$m=128,t=1,p=1$bm90YXNhbHQ")));
    }

    #[test]
    fn password_checks_are_counted() {
        let p = PasswordPolicy::new(64, 1).unwrap();
        let clone = p.clone();
        let h = p.hash("x-long-password").unwrap();
        clone.verify("x-long-password", Some(&h));
        clone.verify("x", None);
        assert_eq!(p.evaluations(), 3);
    }

    #[test]
    fn random_tokens_are_unique_and_hashes_stable() {
        let a = random_token(32);
        assert_ne!(a, random_token(32));
        assert_eq!(token_hash(&a), token_hash(&a));
        assert_eq!(token_hash(&a).len(), 64);
    }
}

// ---------------------------------------------------------------- role-checked extractor

/// A named set of roles, used as the type parameter of [`Allow`]. The roles themselves are
/// defined once, in the shared crate's [`cistern_shared::role::sets`], so the client and the
/// OpenAPI document (from `routes::operations!`) admit exactly the same roles.
pub trait RoleSet {
    const ROLES: &'static [Role];
}

macro_rules! role_sets {
    ($($name:ident => $roles:path),* $(,)?) => {
        $(
            #[doc = concat!("Roles of `cistern_shared::role::", stringify!($roles), "`.")]
            pub struct $name;
            impl RoleSet for $name {
                const ROLES: &'static [Role] = $roles;
            }
        )*
    };
}

role_sets! {
    AdminOnly => sets::ADMIN,
    AuditReaders => sets::AUDIT,
    Importers => sets::IMPORT,
    Staff => sets::STAFF,
    AccountReaders => sets::ACCOUNT_READ,
    AccountReadersOwn => sets::ACCOUNT_READ_OWN,
    Customers => sets::CUSTOMER,
    SignedIn => sets::SIGNED_IN,
    People => sets::PEOPLE,
    Clerks => sets::CLERK_WORK,
    Leads => sets::LEAD_WORK,
    ReferenceKeepers => sets::REFERENCE_DATA,
    FieldWork => sets::FIELD_WORK,
    MeterKeepers => sets::METER_KEEPERS,
    RateReaders => sets::RATE_READ,
    RateEditors => sets::RATE_EDIT,
    RateApprovers => sets::RATE_APPROVE,
}

/// Operations anyone may call, signed in or not (health, readiness, sign-in, refresh): the
/// role set of their `routes::operations!` entry. Not a [`RoleSet`], so no handler can take
/// `Allow<Public>`.
pub struct Public;

/// A caller whose role is in `R`: 401 without credentials, 403 with the wrong role — decided
/// before the body is read, so a refused caller learns nothing about the body's rules.
pub struct Allow<R: RoleSet>(pub Principal, std::marker::PhantomData<R>);

impl<R: RoleSet> std::ops::Deref for Allow<R> {
    type Target = Principal;
    fn deref(&self) -> &Principal {
        &self.0
    }
}

impl<R: RoleSet + 'static> FromRequest for Allow<R> {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Allow<R>, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let checked = Principal::from_request(req, payload)
            .into_inner()
            .and_then(|p| {
                p.require(R::ROLES)?;
                p.require_operation(req)?;
                Ok(Allow(p, std::marker::PhantomData))
            });
        std::future::ready(checked)
    }
}
