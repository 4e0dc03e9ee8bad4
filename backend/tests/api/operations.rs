//! Every operation of the API with a valid request for it: a real id (from the demo city, or
//! made fresh just before, so a destructive operation never spends what another needs), a
//! valid body, the audit rows it must write and, for writes, a GET that shows its effect.
//!
//! The role matrix (roles.rs), the audit table (audit_trail.rs) and the write table
//! (writes.rs) all walk this one table. An operation in the spec without a case here (or a
//! case for an operation that is gone) fails all three.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{Auth, Reply, TestApp};

/// Every operation of the spec, as `METHOD path`.
pub const OPERATIONS: &[&str] = &[
    "GET /api/health",
    "GET /api/ready",
    "GET /api/v1/accounts",
    "GET /api/v1/accounts/{id}",
    "POST /api/v1/accounts/{id}/move-out",
    "POST /api/v1/accounts/{id}/notes",
    "GET /api/v1/accounts/{id}/overview",
    "POST /api/v1/accounts/{id}/transfer",
    "GET /api/v1/assignees",
    "GET /api/v1/audit",
    "POST /api/v1/auth/login",
    "POST /api/v1/auth/logout",
    "GET /api/v1/auth/me",
    "POST /api/v1/auth/password",
    "POST /api/v1/auth/refresh",
    "GET /api/v1/complaints",
    "POST /api/v1/complaints",
    "PATCH /api/v1/complaints/{id}",
    "POST /api/v1/customers",
    "GET /api/v1/customers/{id}",
    "PUT /api/v1/customers/{id}",
    "POST /api/v1/customers/{id}/contacts",
    "GET /api/v1/cycles",
    "POST /api/v1/cycles",
    "PUT /api/v1/cycles/{id}",
    "GET /api/v1/dashboard",
    "POST /api/v1/imports/conversion",
    "GET /api/v1/jobs",
    "POST /api/v1/jobs",
    "GET /api/v1/jobs/{id}",
    "GET /api/v1/meters",
    "POST /api/v1/meters",
    "GET /api/v1/meters/{id}",
    "POST /api/v1/move-ins",
    "GET /api/v1/portal/accounts",
    "GET /api/v1/premises",
    "POST /api/v1/premises",
    "GET /api/v1/premises/{id}",
    "PUT /api/v1/premises/{id}",
    "GET /api/v1/premises/{id}/consumption",
    "POST /api/v1/premises/{id}/sdc-charges",
    "POST /api/v1/premises/{id}/services",
    "GET /api/v1/rate-books",
    "GET /api/v1/rate-books/rate-list.pdf",
    "GET /api/v1/rate-books/{id}/versions",
    "POST /api/v1/rate-quotes",
    "POST /api/v1/rate-schedules",
    "POST /api/v1/rate-schedules/import",
    "POST /api/v1/rate-schedules/validate",
    "GET /api/v1/rate-schedules/{id}",
    "PUT /api/v1/rate-schedules/{id}",
    "POST /api/v1/rate-schedules/{id}/approve",
    "GET /api/v1/rate-schedules/{id}/export",
    "POST /api/v1/rate-schedules/{id}/retire",
    "GET /api/v1/service-orders",
    "POST /api/v1/service-orders",
    "GET /api/v1/service-orders/{id}",
    "POST /api/v1/service-orders/{id}/assign",
    "POST /api/v1/service-orders/{id}/cancel",
    "POST /api/v1/service-orders/{id}/complete",
    "GET /api/v1/service-orders/{id}/sheet.pdf",
    "POST /api/v1/services/{id}/status",
    "GET /api/v1/users",
    "POST /api/v1/users",
    "GET /api/v1/users/{id}",
    "PATCH /api/v1/users/{id}",
    "GET /api/v1/users/{id}/api-keys",
    "POST /api/v1/users/{id}/api-keys",
    "POST /api/v1/users/{id}/api-keys/{key_id}/revoke",
    "POST /api/v1/users/{id}/password",
    "POST /api/v1/users/{id}/sessions/revoke",
    "GET /api/v1/vendors",
    "POST /api/v1/vendors",
    "PUT /api/v1/vendors/{id}",
];

/// Audit actions the API cannot write: they come from seeding the demo city.
pub const NOT_THROUGH_THE_API: &[&str] =
    &["demo.seed", "demo.access_removed", "rate_schedule.seed"];

/// Salem wastewater 2015, the published example document.
pub const SALEM_SEWER_2015: &str =
    include_str!("../../../shared/src/rates/examples/salem-sewer-2015.json");

/// The demo users by role (the integrator signs in with its API key).
pub const USER_OF_ROLE: &[(&str, &str, &str)] = &[
    ("admin", "admin", "usr-00001"),
    ("finance_director", "director", "usr-00002"),
    ("lead", "lead", "usr-00003"),
    ("clerk", "clerk", "usr-00004"),
    ("field", "field", "usr-00005"),
    ("auditor", "auditor", "usr-00006"),
    ("customer", "customer", "usr-00007"),
    ("integrator", "integrator", "usr-00008"),
];

pub fn username_of(role: &str) -> &'static str {
    USER_OF_ROLE
        .iter()
        .find(|(r, _, _)| *r == role)
        .map(|(_, u, _)| *u)
        .unwrap_or_else(|| panic!("no demo user for {role}"))
}

/// The spec's operations as `METHOD path` with the roles each admits (`None`: public).
pub fn spec_operations(spec: &Value) -> Vec<(String, Option<Vec<String>>)> {
    let mut out = Vec::new();
    for (template, item) in spec["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("path item") {
            out.push((
                format!("{} {template}", method.to_ascii_uppercase()),
                roles_of(op),
            ));
        }
    }
    out.sort();
    out
}

fn roles_of(op: &Value) -> Option<Vec<String>> {
    let sec = op["security"].as_array()?;
    if sec
        .iter()
        .any(|s| s.as_object().is_some_and(|o| o.is_empty()))
    {
        return None; // public
    }
    let mut roles: Vec<String> = sec
        .iter()
        .filter_map(|s| s.as_object())
        .flat_map(|o| o.values())
        .filter_map(|v| v.as_array())
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect();
    roles.sort();
    roles.dedup();
    Some(roles)
}

/// The spec and the table name the same operations, exactly.
pub fn assert_table_matches_spec(spec: &Value) {
    let mut in_spec: Vec<String> = spec_operations(spec).into_iter().map(|(k, _)| k).collect();
    let mut in_table: Vec<String> = OPERATIONS.iter().map(|s| (*s).to_owned()).collect();
    in_spec.sort();
    in_table.sort();
    let missing: Vec<_> = in_spec.iter().filter(|k| !in_table.contains(k)).collect();
    let stale: Vec<_> = in_table.iter().filter(|k| !in_spec.contains(k)).collect();
    assert!(
        missing.is_empty() && stale.is_empty(),
        "operations in the spec without a case: {missing:?}; cases for no operation: {stale:?}"
    );
    // ... and the spec documents exactly the operations the server registers.
    let mut handlers: Vec<&str> = cistern_backend::routes::OPERATIONS
        .iter()
        .map(|h| h.rsplit("::").next().expect("handler").trim())
        .collect();
    let mut ids: Vec<String> = spec["paths"]
        .as_object()
        .expect("paths")
        .values()
        .flat_map(|item| item.as_object().expect("item").values())
        .map(|op| op["operationId"].as_str().expect("operationId").to_owned())
        .collect();
    handlers.sort_unstable();
    ids.sort();
    assert_eq!(
        ids, handlers,
        "the spec's operations are not the registered handlers"
    );
    assert_eq!(in_spec.len(), cistern_backend::routes::OPERATIONS.len());
}

/// The first of the spec's roles that the write tests act as.
pub fn acting_role(admitted: &Option<Vec<String>>) -> &'static str {
    const PREFERENCE: &[&str] = &[
        "admin",
        "lead",
        "finance_director",
        "clerk",
        "field",
        "auditor",
        "customer",
        "integrator",
    ];
    match admitted {
        None => "anonymous",
        Some(roles) => PREFERENCE
            .iter()
            .find(|p| roles.iter().any(|r| r == *p))
            .copied()
            .expect("an admitted role"),
    }
}

pub fn is_write(op: &str) -> bool {
    !op.starts_with("GET ")
}

static COUNTER: AtomicUsize = AtomicUsize::new(1);

/// A number never used before in this test binary: unique names, serials, book ids.
pub fn unique() -> usize {
    COUNTER.fetch_add(1, Ordering::Relaxed)
}

pub enum Body {
    None,
    Json(Value),
    /// Sent byte for byte with this content type.
    Raw(&'static str, String),
}

type FromReply = Box<dyn Fn(&Value) -> String + Send + Sync>;

/// Which entity an audit row must name.
pub enum EntityId {
    Is(String),
    /// Taken from the response body (a JSON pointer).
    At(&'static str),
    /// Any (sessions: their ids are never shown).
    Any,
}

/// One audit row the operation must write.
pub struct AuditRow {
    pub action: &'static str,
    pub entity_type: &'static str,
    pub entity_id: EntityId,
    /// What `before` must contain; `None`: no before at all.
    pub before: Option<Value>,
    /// What `after` must contain; `None`: no after at all.
    pub after: Option<Value>,
}

pub fn row(action: &'static str, entity_type: &'static str, entity_id: EntityId) -> AuditRow {
    AuditRow {
        action,
        entity_type,
        entity_id,
        before: None,
        after: None,
    }
}

impl AuditRow {
    pub fn before(mut self, v: Value) -> Self {
        self.before = Some(v);
        self
    }
    pub fn after(mut self, v: Value) -> Self {
        self.after = Some(v);
        self
    }
}

/// How the write's effect shows (read as the admin).
pub enum Effect {
    /// A GET (its path from the response) whose answer contains this.
    Get { path: FromReply, contains: Value },
    /// This user signs in with this password.
    SignsIn { username: String, password: String },
    /// This credential no longer works.
    Ends(Auth),
    /// The answer's `access_token` works.
    TokenWorks,
    /// The answer's `key` works as an API key.
    KeyWorks,
}

/// A valid request for one operation, for one role.
pub struct Request {
    pub method: Method,
    pub path: String,
    pub body: Body,
    /// A refresh cookie to send (and no cookie jar).
    pub cookie: Option<String>,
    /// The credential to use instead of the role's own (a fresh session or user, for
    /// operations that end the caller's session or change their password).
    pub auth: Option<Auth>,
    /// Who the audit rows must name as the actor.
    pub actor: Option<String>,
    pub audit: Vec<AuditRow>,
    pub effect: Option<Effect>,
}

impl Request {
    fn new(method: Method, path: impl Into<String>, body: Body) -> Request {
        Request {
            method,
            path: path.into(),
            body,
            cookie: None,
            auth: None,
            actor: None,
            audit: Vec::new(),
            effect: None,
        }
    }
    fn get(path: impl Into<String>) -> Request {
        Request::new(Method::GET, path, Body::None)
    }
    fn post(path: impl Into<String>, body: Value) -> Request {
        Request::new(Method::POST, path, Body::Json(body))
    }
    fn put(path: impl Into<String>, body: Value) -> Request {
        Request::new(Method::PUT, path, Body::Json(body))
    }
    fn patch(path: impl Into<String>, body: Value) -> Request {
        Request::new(Method::PATCH, path, Body::Json(body))
    }
    fn audits(mut self, rows: Vec<AuditRow>) -> Request {
        self.audit = rows;
        self
    }
    fn shows(
        mut self,
        path: impl Fn(&Value) -> String + Send + Sync + 'static,
        contains: Value,
    ) -> Request {
        self.effect = Some(Effect::Get {
            path: Box::new(path),
            contains,
        });
        self
    }
    fn effect(mut self, effect: Effect) -> Request {
        self.effect = Some(effect);
        self
    }
    fn by_actor(mut self, username: &str) -> Request {
        self.actor = Some(username.to_owned());
        self
    }
    fn shows_at(self, path: impl Into<String>, contains: Value) -> Request {
        let path = path.into();
        self.shows(move |_| path.clone(), contains)
    }
    fn by_user(mut self, auth: Auth, username: impl Into<String>) -> Request {
        self.auth = Some(auth);
        self.actor = Some(username.into());
        self
    }

    /// Sends it with `auth` (the request's own credential, if it has one, wins).
    pub async fn send(&self, app: &TestApp, auth: &Auth) -> Reply {
        let auth = self.auth.as_ref().unwrap_or(auth);
        self.send_as(app, auth).await
    }

    /// Sends it with exactly `auth`.
    pub async fn send_as(&self, app: &TestApp, auth: &Auth) -> Reply {
        let client = if self.cookie.is_some() {
            reqwest::Client::new()
        } else {
            app.client.clone()
        };
        let mut req = client.request(self.method.clone(), app.url(&self.path));
        req = match auth {
            Auth::None => req,
            Auth::Bearer(t) => req.bearer_auth(t),
            Auth::ApiKey(k) => req.header("X-Api-Key", k),
        };
        if let Some(c) = &self.cookie {
            req = req.header("cookie", format!("cistern_refresh={c}"));
        }
        req = match &self.body {
            Body::None => req,
            Body::Json(v) => req.json(v),
            Body::Raw(ct, text) => req.header("content-type", *ct).body(text.clone()),
        };
        let res = req.send().await.expect("request");
        let status = res.status();
        let headers = res.headers().clone();
        let text = res.text().await.unwrap_or_default();
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Reply {
            status,
            headers,
            body,
            text,
        }
    }
}

/// Does `actual` contain everything `expected` names? Objects: every key, recursively;
/// arrays: every expected element is contained in some actual element; else equal.
pub fn contains(actual: &Value, expected: &Value) -> bool {
    match (actual, expected) {
        (Value::Object(a), Value::Object(e)) => e
            .iter()
            .all(|(k, v)| a.get(k).is_some_and(|av| contains(av, v))),
        (Value::Array(a), Value::Array(e)) => {
            e.iter().all(|ev| a.iter().any(|av| contains(av, ev)))
        }
        _ => actual == expected,
    }
}

fn str_at(v: &Value, pointer: &str) -> String {
    v.pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("no string at {pointer} in {v}"))
        .to_owned()
}

async fn created(app: &TestApp, auth: &Auth, path: &str, body: Value) -> Value {
    let r = app.post(path, auth, body).await;
    assert!(r.status.is_success(), "POST {path}: {}", r.text);
    r.body
}

// ---------------------------------------------------------------- fresh things to act on

pub async fn fresh_premise(app: &TestApp, admin: &Auth) -> String {
    let n = unique();
    let b = created(
        app,
        admin,
        "/api/v1/premises",
        json!({"service_address": format!("{n} Fixture Way NE, Keizer OR 97303"),
               "cycle_code": "C1", "route": "03", "read_sequence": 50_000 + n}),
    )
    .await;
    str_at(&b, "/id")
}

pub async fn stock_meter(app: &TestApp, admin: &Auth) -> String {
    let n = unique();
    let b = created(
        app,
        admin,
        "/api/v1/meters",
        json!({"serial": format!("FX{n:07}"), "size": "5/8", "kind": "positive_displacement",
               "unit": "ccf", "registers": [{"code": "main", "digits": 4, "multiplier": "1"}]}),
    )
    .await;
    str_at(&b, "/id")
}

/// A new account at a new premise, its new meter set (so it can be read at move-out).
pub async fn fresh_account(app: &TestApp, admin: &Auth) -> String {
    let premise = fresh_premise(app, admin).await;
    let meter = stock_meter(app, admin).await;
    let b = created(
        app,
        admin,
        "/api/v1/move-ins",
        json!({"customer_id": "cus-00003", "premise_id": premise, "occupant": "owner",
               "start_on": "2026-11-02", "meter_id": meter}),
    )
    .await;
    let set = str_at(&b, "/service_orders/0/id");
    created(
        app,
        admin,
        &format!("/api/v1/service-orders/{set}/complete"),
        json!({"completed_on": "2026-11-02", "reading": 0}),
    )
    .await;
    str_at(&b, "/account/id")
}

/// A new user of `role` with a password: (id, username, password).
pub async fn fresh_user(app: &TestApp, admin: &Auth, role: &str) -> (String, String, String) {
    let n = unique();
    let username = format!("fixture{n}");
    let password = format!("fixture-pass-{n}");
    let mut body = json!({"username": username, "display_name": format!("Fixture {n}"),
                          "role": role, "password": password});
    if role == "customer" {
        body["customer_id"] = json!("cus-00002");
    }
    if role == "integrator" {
        body["password"] = Value::Null;
    }
    let b = created(app, admin, "/api/v1/users", body).await;
    (str_at(&b, "/id"), username, password)
}

pub async fn bearer(app: &TestApp, username: &str, password: &str) -> Auth {
    let r = app.login_reply(username, password).await;
    assert_eq!(r.status, 200, "sign-in of {username}: {}", r.text);
    Auth::Bearer(str_at(&r.body, "/access_token"))
}

/// An open leak check at a demo premise, assigned to the field user or to nobody.
pub async fn open_order(app: &TestApp, admin: &Auth, assigned_to: Option<&str>) -> String {
    let b = created(
        app,
        admin,
        "/api/v1/service-orders",
        json!({"order_type": "leak_check", "premise_id": "prm-00020", "due_on": "2026-12-04",
               "assigned_to": assigned_to, "allow_duplicate": true}),
    )
    .await;
    str_at(&b, "/id")
}

/// The Salem example moved to a rate book of its own.
pub fn salem_document(book: &str) -> String {
    let doc = SALEM_SEWER_2015.replace("\"id\": \"salem-sewer\"", &format!("\"id\": \"{book}\""));
    assert_ne!(doc, SALEM_SEWER_2015);
    doc
}

/// A draft written by the admin (so a lead or the director may approve it): (id, book).
pub async fn draft_schedule(app: &TestApp, admin: &Auth) -> (String, String) {
    let book = format!("fixture-sewer-{}", unique());
    let r = Request::new(
        Method::POST,
        "/api/v1/rate-schedules",
        Body::Raw("application/json", salem_document(&book)),
    )
    .send(app, admin)
    .await;
    assert_eq!(r.status, 201, "{}", r.text);
    (str_at(&r.body, "/id"), book)
}

pub async fn approved_schedule(app: &TestApp, creds: &HashMap<&'static str, Auth>) -> String {
    let (id, _) = draft_schedule(app, &creds["admin"]).await;
    let r = app
        .post(
            &format!("/api/v1/rate-schedules/{id}/approve"),
            &creds["finance_director"],
            json!({}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    id
}

pub async fn keizer_water_version(app: &TestApp, admin: &Auth) -> String {
    let r = app
        .get("/api/v1/rate-books/keizer-water/versions", admin)
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    str_at(&r.body, "/0/id")
}

/// The sample files of docs/import-samples, for a real conversion import.
pub fn import_samples() -> serde_json::Map<String, Value> {
    crate::imports::samples()
}

// ---------------------------------------------------------------- the table

/// A valid request for `op` made as `role` (`"anonymous"` for public operations). `creds`
/// holds every role's credential; fixtures are made as the admin (or the director).
pub async fn prepare(
    app: &TestApp,
    creds: &HashMap<&'static str, Auth>,
    op: &str,
    role: &str,
) -> Request {
    use EntityId::{Any, At, Is};
    let admin = &creds["admin"];
    let n = unique();
    match op {
        "GET /api/health" => Request::get("/api/health"),
        "GET /api/ready" => Request::get("/api/ready"),
        "GET /api/v1/accounts" => Request::get("/api/v1/accounts?q=garcia"),
        "GET /api/v1/accounts/{id}" => Request::get("/api/v1/accounts/acc-00001"),
        "POST /api/v1/accounts/{id}/move-out" => {
            let account = fresh_account(app, admin).await;
            Request::post(
                format!("/api/v1/accounts/{account}/move-out"),
                json!({"move_out_on": "2026-12-15", "forwarding_address": format!("{n} Forwarding Rd, Salem OR 97301"), "reason": "moving away"}),
            )
            .audits(vec![
                row("service_order.create", "service_order", At("/id"))
                    .after(json!({"order": {"order_type": "final_read", "account_id": account}})),
                row("account.move_out", "account", Is(account.clone()))
                    .before(json!({"status": "active"}))
                    .after(json!({"move_out_on": "2026-12-15"})),
            ])
            .shows_at(
                format!("/api/v1/accounts/{account}/overview"),
                json!({"open_orders": [{"order_type": "final_read", "status": "open"}],
                       "account": {"customer": {"mailing_address": format!("{n} Forwarding Rd, Salem OR 97301")}}}),
            )
        }
        "POST /api/v1/accounts/{id}/notes" => {
            let body = format!("Note {n}: gate code 1234");
            Request::post(
                "/api/v1/accounts/acc-00011/notes",
                json!({"body": body, "pinned": true}),
            )
            .audits(vec![row("account.note", "account", Is("acc-00011".into()))
                .after(json!({"body": body, "pinned": true}))])
            .shows_at(
                "/api/v1/accounts/acc-00011/overview",
                json!({"notes": [{"body": body, "pinned": true}]}),
            )
        }
        "GET /api/v1/accounts/{id}/overview" => Request::get("/api/v1/accounts/acc-00001/overview"),
        "POST /api/v1/accounts/{id}/transfer" => {
            let account = fresh_account(app, admin).await;
            let to = fresh_premise(app, admin).await;
            let meter = stock_meter(app, admin).await;
            Request::post(
                format!("/api/v1/accounts/{account}/transfer"),
                json!({"to_premise_id": to, "move_out_on": "2026-12-10", "move_in_on": "2026-12-11",
                       "occupant": "tenant", "meter_id": meter}),
            )
            .audits(vec![
                row(
                    "service_order.create",
                    "service_order",
                    At("/final_read_order/id"),
                )
                .after(json!({"order": {"order_type": "final_read"}})),
                row("account.move_out", "account", Is(account.clone()))
                    .before(json!({"status": "active"}))
                    .after(json!({"move_out_on": "2026-12-10"})),
                row("account.move_in", "account", At("/new_account/account/id"))
                    .after(json!({"request": {"premise_id": to, "customer_id": "cus-00003"}})),
                row(
                    "service_order.create",
                    "service_order",
                    At("/new_account/service_orders/0/id"),
                )
                .after(json!({"order": {"order_type": "meter_set", "new_meter_id": meter}})),
            ])
            .shows_at(
                format!("/api/v1/premises/{to}"),
                json!({"accounts": [{"status": "pending"}]}),
            )
        }
        "GET /api/v1/assignees" => Request::get("/api/v1/assignees"),
        "GET /api/v1/audit" => Request::get("/api/v1/audit?entity_type=user"),
        "POST /api/v1/auth/login" => Request::post(
            "/api/v1/auth/login",
            json!({"username": "clerk", "password": "clerk-demo-pass"}),
        )
        .audits(vec![row("auth.sign_in", "session", Any)])
        .by_actor("clerk")
        .effect(Effect::TokenWorks),
        "POST /api/v1/auth/logout" => {
            let req = Request::new(Method::POST, "/api/v1/auth/logout", Body::None);
            if role == "integrator" {
                // An API key has no session to end: nothing happens, and nothing is recorded.
                req
            } else {
                // A session of its own, so no other request loses its credential.
                let user = username_of(role);
                let auth = bearer(app, user, &format!("{user}-demo-pass")).await;
                req.by_user(auth.clone(), user)
                    .audits(vec![row("auth.sign_out", "session", Any)])
                    .effect(Effect::Ends(auth))
            }
        }
        "GET /api/v1/auth/me" => Request::get("/api/v1/auth/me"),
        "POST /api/v1/auth/password" => {
            // A user of its own, so the demo users keep their passwords.
            let (id, username, password) = fresh_user(app, admin, role).await;
            let auth = bearer(app, &username, &password).await;
            let new_password = format!("changed-pass-{n}");
            Request::post(
                "/api/v1/auth/password",
                json!({"current_password": password, "new_password": new_password}),
            )
            .by_user(auth, username.clone())
            .audits(vec![
                row("auth.password_change", "user", Is(id)).after(json!({"sessions_ended": 1}))
            ])
            .effect(Effect::SignsIn {
                username,
                password: new_password,
            })
        }
        "POST /api/v1/auth/refresh" => {
            let r = app.login_reply("clerk", "clerk-demo-pass").await;
            let mut req = Request::new(Method::POST, "/api/v1/auth/refresh", Body::None);
            req.cookie = Some(refresh_cookie(&r));
            // Renewing a session is routine: it is not in the audit trail.
            req.effect(Effect::TokenWorks)
        }
        "GET /api/v1/complaints" => Request::get("/api/v1/complaints"),
        "POST /api/v1/complaints" => {
            let description = format!("Complaint {n}: brown water after the hydrant flush");
            Request::post(
                "/api/v1/complaints",
                json!({"customer_id": "cus-00012", "account_id": "acc-00012", "category": "water_quality",
                       "description": description, "owner_id": "usr-00003"}),
            )
            .audits(vec![row("complaint.open", "complaint", At("/id"))
                .after(json!({"description": description, "category": "water_quality"}))])
            .shows_at(
                "/api/v1/complaints?customer_id=cus-00012",
                json!([{"description": description, "status": "open", "owner_name": "Lee Lead"}]),
            )
        }
        "PATCH /api/v1/complaints/{id}" => {
            let c = created(
                app,
                admin,
                "/api/v1/complaints",
                json!({"customer_id": "cus-00013", "category": "leak", "description": format!("Leak {n}")}),
            )
            .await;
            let id = str_at(&c, "/id");
            let resolution = format!("Resolution {n}: curb stop replaced");
            Request::patch(
                format!("/api/v1/complaints/{id}"),
                json!({"status": "resolved", "resolution": resolution}),
            )
            .audits(vec![row("complaint.update", "complaint", Is(id))
                .before(json!({"status": "open", "resolution": null}))
                .after(json!({"status": "resolved", "resolution": resolution}))])
            .shows_at(
                "/api/v1/complaints?customer_id=cus-00013",
                json!([{"status": "resolved", "resolution": resolution}]),
            )
        }
        "POST /api/v1/customers" => {
            let name = format!("Fixture Customer {n}");
            Request::post(
                "/api/v1/customers",
                json!({"name": name, "mailing_address": format!("{n} Elm St NE, Keizer OR 97303"),
                       "phone": "503-555-0199", "email": format!("fixture{n}@example.org"),
                       "preferred_locale": "es", "notify_email": true}),
            )
            .audits(vec![row("customer.create", "customer", At("/id"))
                .after(json!({"name": name, "preferred_locale": "es"}))])
            .shows(
                |b| format!("/api/v1/customers/{}", str_at(b, "/id")),
                json!({"name": name, "preferred_locale": "es", "notify_email": true,
                       "phone": "503-555-0199"}),
            )
        }
        "GET /api/v1/customers/{id}" => Request::get("/api/v1/customers/cus-00001"),
        "PUT /api/v1/customers/{id}" => {
            let old = format!("Before Rename {n}");
            let c = created(
                app,
                admin,
                "/api/v1/customers",
                json!({"name": old, "mailing_address": "1 Old Rd, Keizer OR 97303"}),
            )
            .await;
            let id = str_at(&c, "/id");
            let name = format!("After Rename {n}");
            Request::put(
                format!("/api/v1/customers/{id}"),
                json!({"name": name, "mailing_address": "2 New Rd, Keizer OR 97303",
                       "phone": "503-555-0123", "is_organisation": false, "notify_text": true}),
            )
            .audits(vec![row("customer.update", "customer", Is(id.clone()))
                .before(json!({"name": old, "mailing_address": "1 Old Rd, Keizer OR 97303"}))
                .after(
                    json!({"name": name, "mailing_address": "2 New Rd, Keizer OR 97303"}),
                )])
            .shows_at(
                format!("/api/v1/customers/{id}"),
                json!({"name": name, "mailing_address": "2 New Rd, Keizer OR 97303",
                       "phone": "503-555-0123", "notify_text": true}),
            )
        }
        "POST /api/v1/customers/{id}/contacts" => {
            let subject = format!("Contact {n}: asked about autopay");
            Request::post(
                "/api/v1/customers/cus-00014/contacts",
                json!({"account_id": "acc-00014", "channel": "phone", "direction": "inbound",
                       "subject": subject, "body": "Sent the form"}),
            )
            .audits(vec![row(
                "customer.contact",
                "customer",
                Is("cus-00014".into()),
            )
            .after(json!({"subject": subject, "channel": "phone"}))])
            .shows_at(
                "/api/v1/accounts/acc-00014/overview",
                json!({"contacts": [{"subject": subject}]}),
            )
        }
        "GET /api/v1/cycles" => Request::get("/api/v1/cycles"),
        "POST /api/v1/cycles" => {
            let code = format!("T-{n}");
            Request::post(
                "/api/v1/cycles",
                json!({"code": code, "name": "Test cycle", "months_per_bill": 2}),
            )
            .audits(vec![row("cycle.create", "cycle", At("/id")).after(
                json!({"code": code, "months_per_bill": 2, "account_count": 0}),
            )])
            .shows_at(
                "/api/v1/cycles",
                json!([{"code": code, "name": "Test cycle", "months_per_bill": 2}]),
            )
        }
        "PUT /api/v1/cycles/{id}" => {
            let old = format!("U-{n}");
            let c = created(
                app,
                admin,
                "/api/v1/cycles",
                json!({"code": old, "name": "Old name", "months_per_bill": 1}),
            )
            .await;
            let id = str_at(&c, "/id");
            let code = format!("V-{n}");
            Request::put(
                format!("/api/v1/cycles/{id}"),
                json!({"code": code, "name": "New name", "months_per_bill": 2}),
            )
            .audits(vec![row("cycle.update", "cycle", Is(id.clone()))
                .before(json!({"code": old, "name": "Old name", "months_per_bill": 1}))
                .after(
                    json!({"code": code, "name": "New name", "months_per_bill": 2}),
                )])
            .shows_at(
                "/api/v1/cycles",
                json!([{"id": id, "code": code, "name": "New name"}]),
            )
        }
        "GET /api/v1/dashboard" => Request::get("/api/v1/dashboard"),
        "POST /api/v1/imports/conversion" => Request::post(
            "/api/v1/imports/conversion?dry_run=false",
            json!({"files": import_samples()}),
        )
        .audits(vec![row(
            "import.conversion",
            "import_batch",
            At("/batch_id"),
        )
        .after(
            json!({"files": [{"file": "customers.csv", "created": 11}]}),
        )])
        .shows_at(
            "/api/v1/accounts?q=morales",
            json!({"items": [{"customer_name": "Elena Morales"}]}),
        ),
        "GET /api/v1/jobs" => Request::get("/api/v1/jobs"),
        "POST /api/v1/jobs" => Request::post(
            "/api/v1/jobs",
            json!({"kind": "maintenance.purge_sessions"}),
        )
        .audits(vec![row("job.enqueue", "job", At("/id"))
            .after(json!({"kind": "maintenance.purge_sessions"}))])
        .shows(
            |b| format!("/api/v1/jobs/{}", str_at(b, "/id")),
            json!({"kind": "maintenance.purge_sessions", "status": "pending"}),
        ),
        "GET /api/v1/jobs/{id}" => {
            let j = created(
                app,
                admin,
                "/api/v1/jobs",
                json!({"kind": "maintenance.purge_sessions"}),
            )
            .await;
            Request::get(format!("/api/v1/jobs/{}", str_at(&j, "/id")))
        }
        "GET /api/v1/meters" => Request::get("/api/v1/meters?status=in_stock"),
        "POST /api/v1/meters" => {
            let serial = format!("NM{n:07}");
            Request::post(
                "/api/v1/meters",
                json!({"serial": serial, "size": "1", "kind": "positive_displacement", "unit": "gallons",
                       "manufacturer": "Neptune", "registers": [{"code": "main", "digits": 6, "multiplier": "10"}]}),
            )
            .audits(vec![row("meter.create", "meter", At("/id"))
                .after(json!({"serial": serial, "size": "1"}))])
            .shows(
                |b| format!("/api/v1/meters/{}", str_at(b, "/id")),
                json!({"serial": serial, "status": "in_stock", "manufacturer": "Neptune"}),
            )
        }
        "GET /api/v1/meters/{id}" => Request::get("/api/v1/meters/mtr-00001"),
        "POST /api/v1/move-ins" => {
            let premise = fresh_premise(app, admin).await;
            let meter = stock_meter(app, admin).await;
            let name = format!("Moving In {n}");
            Request::post(
                "/api/v1/move-ins",
                json!({"new_customer": {"name": name, "mailing_address": "3 Arrival Ave, Keizer OR 97303"},
                       "premise_id": premise, "occupant": "tenant", "start_on": "2026-12-01",
                       "meter_id": meter, "paperless": true}),
            )
            .audits(vec![
                row("customer.create", "customer", At("/account/customer/id"))
                    .after(json!({"name": name})),
                row("account.move_in", "account", At("/account/id"))
                    .after(json!({"request": {"premise_id": premise, "occupant": "tenant"}})),
                row("service_order.create", "service_order", At("/service_orders/0/id"))
                    .after(json!({"order": {"order_type": "meter_set", "new_meter_id": meter}})),
            ])
            .shows(
                |b| format!("/api/v1/accounts/{}", str_at(b, "/account/id")),
                json!({"status": "pending", "occupant": "tenant", "customer": {"name": name},
                       "premise": {"id": premise}}),
            )
        }
        "GET /api/v1/portal/accounts" => Request::get("/api/v1/portal/accounts"),
        "GET /api/v1/premises" => Request::get("/api/v1/premises?q=river"),
        "POST /api/v1/premises" => {
            let address = format!("{n} Created Ct NE, Keizer OR 97303");
            Request::post(
                "/api/v1/premises",
                json!({"service_address": address, "parcel": format!("073W99{n:05}"), "cycle_code": "C2",
                       "route": "04", "read_sequence": 60_000 + n, "dwelling_units": 2}),
            )
            .audits(vec![row("premise.create", "premise", At("/id"))
                .after(json!({"service_address": address, "cycle_code": "C2"}))])
            .shows(
                |b| format!("/api/v1/premises/{}", str_at(b, "/id")),
                json!({"service_address": address, "dwelling_units": 2}),
            )
        }
        "GET /api/v1/premises/{id}" => Request::get("/api/v1/premises/prm-00001"),
        "PUT /api/v1/premises/{id}" => {
            let id = fresh_premise(app, admin).await;
            let address = format!("{n} Renamed Rd NE, Keizer OR 97303");
            Request::put(
                format!("/api/v1/premises/{id}"),
                json!({"service_address": address, "cycle_code": "C3", "route": "02",
                       "read_sequence": 70_000 + n, "inside_city": false, "notes": "gate on the left"}),
            )
            .audits(vec![row("premise.update", "premise", Is(id.clone()))
                .before(json!({"route": "03", "cycle_code": "C1"}))
                .after(json!({"service_address": address, "cycle_code": "C3"}))])
            .shows_at(
                format!("/api/v1/premises/{id}"),
                json!({"service_address": address, "inside_city": false, "notes": "gate on the left"}),
            )
        }
        "GET /api/v1/premises/{id}/consumption" => {
            Request::get("/api/v1/premises/prm-00003/consumption?from=2026-08-01&to=2026-10-01")
        }
        "POST /api/v1/premises/{id}/sdc-charges" => {
            let permit = format!("BP-2026-{n:04}");
            Request::post(
                "/api/v1/premises/prm-00015/sdc-charges",
                json!({"permit_number": permit, "service_type": "water", "amount": "4812.50",
                       "assessed_on": "2026-03-02"}),
            )
            .audits(vec![row("sdc.create", "premise", Is("prm-00015".into()))
                .after(json!({"permit_number": permit, "amount": "4812.50"}))])
            .shows_at(
                "/api/v1/premises/prm-00015",
                json!({"sdc_charges": [{"permit_number": permit, "amount": "4812.50"}]}),
            )
        }
        "POST /api/v1/premises/{id}/services" => {
            let premise = fresh_premise(app, admin).await;
            Request::post(
                format!("/api/v1/premises/{premise}/services"),
                json!({"service_type": "stormwater", "customer_class": "sfr", "rate_code": "SW-RES",
                       "esu": "1.5", "started_on": "2026-11-01"}),
            )
            .audits(vec![row("service.create", "service", At("/id")).after(
                json!({"service_type": "stormwater", "rate_code": "SW-RES"}),
            )])
            .shows_at(
                format!("/api/v1/premises/{premise}"),
                json!({"services": [{"service_type": "stormwater", "rate_code": "SW-RES",
                                     "status": "active", "esu": "1.5"}]}),
            )
        }
        "GET /api/v1/rate-books" => Request::get("/api/v1/rate-books"),
        "GET /api/v1/rate-books/rate-list.pdf" => Request::get("/api/v1/rate-books/rate-list.pdf"),
        "GET /api/v1/rate-books/{id}/versions" => {
            Request::get("/api/v1/rate-books/keizer-water/versions")
        }
        "POST /api/v1/rate-quotes" => Request::post(
            "/api/v1/rate-quotes",
            json!({"input": {
                "service_period": { "start": "2017-08-15", "end": "2017-10-14" },
                "bill_date": "2017-10-20", "billing_frequency": "bimonthly", "class": "single_family",
                "consumption": { "amount": "14", "unit": "ccf" },
                "winter_average": { "amount": "5", "unit": "ccf" }}}),
        ),
        "POST /api/v1/rate-schedules" => {
            let book = format!("created-sewer-{n}");
            Request::new(
                Method::POST,
                "/api/v1/rate-schedules",
                Body::Raw("application/json", salem_document(&book)),
            )
            .audits(vec![row(
                "rate_schedule.create",
                "rate_schedule",
                At("/id"),
            )
            .after(json!({"book_id": book, "status": "draft", "version": 1}))])
            .shows_at(
                format!("/api/v1/rate-books/{book}/versions"),
                json!([{"status": "draft", "version": 1}]),
            )
        }
        "POST /api/v1/rate-schedules/import" => {
            let book = format!("imported-sewer-{n}");
            Request::new(
                Method::POST,
                "/api/v1/rate-schedules/import",
                Body::Raw("text/plain", salem_document(&book)),
            )
            .audits(vec![row(
                "rate_schedule.import",
                "rate_schedule",
                At("/id"),
            )
            .after(json!({"book_id": book, "status": "draft"}))])
            .shows_at(
                format!("/api/v1/rate-books/{book}/versions"),
                json!([{"status": "draft", "version": 1}]),
            )
        }
        "POST /api/v1/rate-schedules/validate" => Request::new(
            Method::POST,
            "/api/v1/rate-schedules/validate",
            Body::Raw("application/json", SALEM_SEWER_2015.to_owned()),
        ),
        "GET /api/v1/rate-schedules/{id}" => Request::get(format!(
            "/api/v1/rate-schedules/{}",
            keizer_water_version(app, admin).await
        )),
        "PUT /api/v1/rate-schedules/{id}" => {
            let (id, book) = draft_schedule(app, admin).await;
            let edited = salem_document(&book).replace("\"16.59\"", "\"17.25\"");
            Request::new(
                Method::PUT,
                format!("/api/v1/rate-schedules/{id}"),
                Body::Raw("application/json", edited),
            )
            .audits(vec![row("rate_schedule.update", "rate_schedule", Is(id.clone()))
                .before(json!({"document": {"services": [{"components": [{"charge": {"amount": "16.59"}}]}]}}))
                .after(json!({"book_id": book, "status": "draft",
                              "document": {"services": [{"components": [{"charge": {"amount": "17.25"}}]}]}}))])
            .shows_at(
                format!("/api/v1/rate-schedules/{id}"),
                json!({"document": {"services": [{"components": [{"charge": {"amount": "17.25"}}]}]}}),
            )
        }
        "POST /api/v1/rate-schedules/{id}/approve" => {
            let (id, book) = draft_schedule(app, admin).await;
            Request::post(
                format!("/api/v1/rate-schedules/{id}/approve"),
                json!({"reason": format!("Resolution {n}")}),
            )
            .audits(vec![row(
                "rate_schedule.approve",
                "rate_schedule",
                Is(id.clone()),
            )
            .before(json!({"status": "draft"}))
            .after(json!({"status": "approved", "book_id": book}))])
            .shows_at(
                format!("/api/v1/rate-schedules/{id}"),
                json!({"status": "approved"}),
            )
        }
        "GET /api/v1/rate-schedules/{id}/export" => Request::get(format!(
            "/api/v1/rate-schedules/{}/export",
            keizer_water_version(app, admin).await
        )),
        "POST /api/v1/rate-schedules/{id}/retire" => {
            let id = approved_schedule(app, creds).await;
            Request::post(
                format!("/api/v1/rate-schedules/{id}/retire"),
                json!({"reason": "replaced"}),
            )
            .audits(vec![row(
                "rate_schedule.retire",
                "rate_schedule",
                Is(id.clone()),
            )
            .before(json!({"status": "approved"}))
            .after(json!({"status": "retired"}))])
            .shows_at(
                format!("/api/v1/rate-schedules/{id}"),
                json!({"status": "retired"}),
            )
        }
        "GET /api/v1/service-orders" => Request::get("/api/v1/service-orders?status=open"),
        "POST /api/v1/service-orders" => {
            let instructions = format!("Order {n}: check the curb box");
            Request::post(
                "/api/v1/service-orders",
                json!({"order_type": "locate", "premise_id": "prm-00021", "due_on": "2026-12-05",
                       "priority": "high", "instructions": instructions, "allow_duplicate": true}),
            )
            .audits(vec![row(
                "service_order.create",
                "service_order",
                At("/id"),
            )
            .after(
                json!({"order": {"order_type": "locate", "instructions": instructions}}),
            )])
            .shows(
                |b| format!("/api/v1/service-orders/{}", str_at(b, "/id")),
                json!({"order_type": "locate", "status": "open", "priority": "high",
                       "instructions": instructions}),
            )
        }
        "GET /api/v1/service-orders/{id}" => {
            let id = open_order(app, admin, Some("usr-00005")).await;
            Request::get(format!("/api/v1/service-orders/{id}"))
        }
        "POST /api/v1/service-orders/{id}/assign" => {
            let id = open_order(app, admin, None).await;
            Request::post(
                format!("/api/v1/service-orders/{id}/assign"),
                json!({"assigned_to": "usr-00005", "due_on": "2026-12-09", "priority": "urgent"}),
            )
            .audits(vec![row(
                "service_order.assign",
                "service_order",
                Is(id.clone()),
            )
            .before(json!({"assigned_to": null, "priority": "normal"}))
            .after(json!({"assigned_to": "usr-00005", "priority": "urgent"}))])
            .shows_at(
                format!("/api/v1/service-orders/{id}"),
                json!({"assigned_to": "usr-00005", "assigned_name": "Frankie Field",
                       "due_on": "2026-12-09", "priority": "urgent"}),
            )
        }
        "POST /api/v1/service-orders/{id}/cancel" => {
            let id = open_order(app, admin, None).await;
            Request::post(
                format!("/api/v1/service-orders/{id}/cancel"),
                json!({"reason": "entered twice"}),
            )
            .audits(vec![row(
                "service_order.cancel",
                "service_order",
                Is(id.clone()),
            )])
            .shows_at(
                format!("/api/v1/service-orders/{id}"),
                json!({"status": "cancelled"}),
            )
        }
        "POST /api/v1/service-orders/{id}/complete" => {
            let id = open_order(app, admin, Some("usr-00005")).await;
            let notes = format!("Completed {n}: no leak found");
            Request::post(
                format!("/api/v1/service-orders/{id}/complete"),
                json!({"completed_on": "2026-12-03", "notes": notes}),
            )
            .audits(vec![row(
                "service_order.complete",
                "service_order",
                Is(id.clone()),
            )
            .after(json!({"completed_on": "2026-12-03", "notes": notes}))])
            .shows_at(
                format!("/api/v1/service-orders/{id}"),
                json!({"status": "completed", "completed_on": "2026-12-03"}),
            )
        }
        "GET /api/v1/service-orders/{id}/sheet.pdf" => {
            let id = open_order(app, admin, Some("usr-00005")).await;
            Request::get(format!("/api/v1/service-orders/{id}/sheet.pdf"))
        }
        "POST /api/v1/services/{id}/status" => {
            let premise = fresh_premise(app, admin).await;
            let s = created(
                app,
                admin,
                &format!("/api/v1/premises/{premise}/services"),
                json!({"service_type": "water", "customer_class": "sfr", "rate_code": "W-RES-IN",
                       "started_on": "2026-10-01"}),
            )
            .await;
            let id = str_at(&s, "/id");
            Request::post(
                format!("/api/v1/services/{id}/status"),
                json!({"status": "seasonal_off", "effective_on": "2026-11-15", "reason": "away for the winter"}),
            )
            .audits(vec![row("service.status", "service", Is(id.clone()))
                .before(json!({"status": "active"}))
                .after(json!({"status": "seasonal_off", "effective_on": "2026-11-15"}))])
            .shows_at(
                format!("/api/v1/premises/{premise}"),
                json!({"services": [{"id": id, "status": "seasonal_off"}]}),
            )
        }
        "GET /api/v1/users" => Request::get("/api/v1/users"),
        "POST /api/v1/users" => {
            let username = format!("newuser{n}");
            Request::post(
                "/api/v1/users",
                json!({"username": username, "display_name": format!("New User {n}"), "role": "clerk",
                       "password": "first-password-1", "locale": "es"}),
            )
            .audits(vec![row("user.create", "user", At("/id"))
                .after(json!({"username": username, "role": "clerk"}))])
            .shows(
                |b| format!("/api/v1/users/{}", str_at(b, "/id")),
                json!({"username": username, "role": "clerk", "locale": "es", "active": true}),
            )
        }
        "GET /api/v1/users/{id}" => Request::get("/api/v1/users/usr-00008"),
        "PATCH /api/v1/users/{id}" => {
            let (id, _, _) = fresh_user(app, admin, "clerk").await;
            Request::patch(
                format!("/api/v1/users/{id}"),
                json!({"display_name": format!("Promoted {n}"), "role": "lead", "reason": "promoted"}),
            )
            .audits(vec![row("user.update", "user", Is(id.clone()))
                .before(json!({"role": "clerk", "active": true}))
                .after(json!({"role": "lead", "display_name": format!("Promoted {n}")}))])
            .shows_at(
                format!("/api/v1/users/{id}"),
                json!({"role": "lead", "display_name": format!("Promoted {n}")}),
            )
        }
        "GET /api/v1/users/{id}/api-keys" => Request::get("/api/v1/users/usr-00008/api-keys"),
        "POST /api/v1/users/{id}/api-keys" => {
            let (id, _, _) = fresh_user(app, admin, "integrator").await;
            Request::post(
                format!("/api/v1/users/{id}/api-keys"),
                json!({"name": format!("Kiosk {n}")}),
            )
            .audits(vec![row("user.api_key_create", "user", Is(id.clone()))
                .after(json!({"name": format!("Kiosk {n}")}))])
            .effect(Effect::KeyWorks)
        }
        "POST /api/v1/users/{id}/api-keys/{key_id}/revoke" => {
            let (id, _, _) = fresh_user(app, admin, "integrator").await;
            let key = created(
                app,
                admin,
                &format!("/api/v1/users/{id}/api-keys"),
                json!({"name": "to revoke"}),
            )
            .await;
            let key_id = str_at(&key, "/id");
            Request::post(
                format!("/api/v1/users/{id}/api-keys/{key_id}/revoke"),
                json!(null),
            )
            .audits(vec![row("user.api_key_revoke", "user", Is(id))
                .before(json!({"name": "to revoke"}))
                .after(json!({"name": "to revoke"}))])
            .effect(Effect::Ends(Auth::ApiKey(str_at(&key, "/key"))))
        }
        "POST /api/v1/users/{id}/password" => {
            let (id, username, _) = fresh_user(app, admin, "clerk").await;
            let password = format!("reset-password-{n}");
            Request::post(
                format!("/api/v1/users/{id}/password"),
                json!({"new_password": password}),
            )
            .audits(vec![
                row("user.password_reset", "user", Is(id)).after(json!({"sessions_ended": 0}))
            ])
            .effect(Effect::SignsIn { username, password })
        }
        "POST /api/v1/users/{id}/sessions/revoke" => {
            let (id, username, password) = fresh_user(app, admin, "clerk").await;
            let victim = bearer(app, &username, &password).await;
            Request::new(
                Method::POST,
                format!("/api/v1/users/{id}/sessions/revoke"),
                Body::None,
            )
            .audits(vec![
                row("user.sessions_revoked", "user", Is(id)).after(json!({"sessions_ended": 1}))
            ])
            .effect(Effect::Ends(victim))
        }
        "GET /api/v1/vendors" => Request::get("/api/v1/vendors"),
        "POST /api/v1/vendors" => {
            let name = format!("Vendor {n} Printing");
            Request::post(
                "/api/v1/vendors",
                json!({"name": name, "category": "printing", "phone": "503-555-0101", "active": true}),
            )
            .audits(vec![row("vendor.create", "vendor", At("/id"))
                .after(json!({"name": name, "category": "printing"}))])
            .shows_at("/api/v1/vendors", json!([{"name": name, "category": "printing"}]))
        }
        "PUT /api/v1/vendors/{id}" => {
            let old = format!("Vendor {n} Old Name");
            let v = created(
                app,
                admin,
                "/api/v1/vendors",
                json!({"name": old, "category": "paving", "active": true}),
            )
            .await;
            let id = str_at(&v, "/id");
            let name = format!("Vendor {n} New Name");
            Request::put(
                format!("/api/v1/vendors/{id}"),
                json!({"name": name, "category": "paving", "contact_name": "Pat Paver",
                       "email": "pat@example.org", "active": false}),
            )
            .audits(vec![row("vendor.update", "vendor", Is(id.clone()))
                .before(json!({"name": old, "active": true}))
                .after(json!({"name": name, "active": false}))])
            .shows_at(
                "/api/v1/vendors",
                json!([{"id": id, "name": name, "contact_name": "Pat Paver", "active": false}]),
            )
        }
        other => panic!("no case for {other}: add one to operations.rs"),
    }
}

pub fn refresh_cookie(r: &Reply) -> String {
    r.headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| c.strip_prefix("cistern_refresh="))
        .and_then(|c| c.split(';').next())
        .expect("refresh cookie")
        .to_owned()
}

// ---------------------------------------------------------------- checking a write

/// Checks that the write's effect shows, reading as the admin.
pub async fn assert_effect(app: &TestApp, op: &str, req: &Request, reply: &Reply, admin: &Auth) {
    let Some(effect) = &req.effect else {
        return;
    };
    match effect {
        Effect::Get {
            path,
            contains: want,
        } => {
            let path = path(&reply.body);
            let got = app.get(&path, admin).await;
            assert_eq!(got.status, 200, "{op}: GET {path}: {}", got.text);
            assert!(
                contains(&got.body, want),
                "{op}: GET {path} does not show the write.\nwanted: {want}\ngot: {}",
                got.text
            );
        }
        Effect::SignsIn { username, password } => {
            let r = app.login_reply(username, password).await;
            assert_eq!(r.status, 200, "{op}: {username} cannot sign in: {}", r.text);
        }
        Effect::Ends(auth) => {
            let r = app.get("/api/v1/auth/me", auth).await;
            assert_eq!(
                r.status, 401,
                "{op}: the credential still works: {}",
                r.text
            );
        }
        Effect::TokenWorks => {
            let token = Auth::Bearer(str_at(&reply.body, "/access_token"));
            let r = app.get("/api/v1/auth/me", &token).await;
            assert_eq!(
                r.status, 200,
                "{op}: the new token does not work: {}",
                r.text
            );
        }
        Effect::KeyWorks => {
            let key = Auth::ApiKey(str_at(&reply.body, "/key"));
            let r = app.get("/api/v1/cycles", &key).await;
            assert_eq!(r.status, 200, "{op}: the new key does not work: {}", r.text);
        }
    }
}

/// One row of the audit trail, as stored.
#[derive(Debug, Clone)]
pub struct Stored {
    pub actor: Option<String>,
    pub action: String,
    pub entity_type: String,
    pub entity_id: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// The newest audit row's id (0 when there is none).
pub async fn last_audit_id(app: &TestApp) -> i64 {
    app.run(|c| {
        use cistern_backend::db::schema::audit_log;
        use diesel::prelude::*;
        audit_log::table
            .select(diesel::dsl::max(audit_log::id))
            .first::<Option<i64>>(c)
            .expect("max audit id")
            .unwrap_or(0)
    })
    .await
}

/// Audit rows written after `since`, oldest first.
pub async fn audit_since(app: &TestApp, since: i64) -> Vec<Stored> {
    app.run(move |c| {
        use cistern_backend::db::schema::audit_log;
        use diesel::prelude::*;
        type Row = (
            i64,
            Option<String>,
            String,
            String,
            String,
            Option<String>,
            Option<String>,
        );
        let rows: Vec<Row> = audit_log::table
            .filter(audit_log::id.gt(since))
            .select((
                audit_log::id,
                audit_log::actor_username,
                audit_log::action,
                audit_log::entity_type,
                audit_log::entity_id,
                audit_log::before_json,
                audit_log::after_json,
            ))
            .order(audit_log::id.asc())
            .load(c)
            .expect("audit rows");
        let parse = |s: Option<String>| s.map(|t| serde_json::from_str(&t).expect("audit json"));
        rows.into_iter()
            .map(|r| Stored {
                actor: r.1,
                action: r.2,
                entity_type: r.3,
                entity_id: r.4,
                before: parse(r.5),
                after: parse(r.6),
            })
            .collect()
    })
    .await
}

fn row_matches(stored: &Stored, want: &AuditRow, reply: &Value) -> bool {
    let id_ok = match &want.entity_id {
        EntityId::Is(id) => &stored.entity_id == id,
        EntityId::At(p) => reply
            .pointer(p)
            .and_then(Value::as_str)
            .is_some_and(|id| id == stored.entity_id),
        EntityId::Any => !stored.entity_id.is_empty(),
    };
    let part_ok = |got: &Option<Value>, want: &Option<Value>| match (got, want) {
        (None, None) => true,
        (Some(g), Some(w)) => contains(g, w),
        (Some(Value::Null), None) => true,
        _ => false,
    };
    stored.action == want.action
        && stored.entity_type == want.entity_type
        && id_ok
        && part_ok(&stored.before, &want.before)
        && part_ok(&stored.after, &want.after)
}

/// Exactly the expected audit rows were written since `since`: no more, no fewer, each with
/// its action, entity, before/after and actor.
pub async fn assert_audit(
    app: &TestApp,
    op: &str,
    req: &Request,
    reply: &Reply,
    actor: &str,
    since: i64,
) {
    let got = audit_since(app, since).await;
    let actor = req.actor.as_deref().unwrap_or(actor);
    let mut unmatched: Vec<&Stored> = got.iter().collect();
    for want in &req.audit {
        let at = unmatched
            .iter()
            .position(|s| row_matches(s, want, &reply.body))
            .unwrap_or_else(|| {
                panic!(
                    "{op}: no audit row {} {} {:?} with before ⊇ {:?} and after ⊇ {:?}; written: {got:#?}",
                    want.action,
                    want.entity_type,
                    match &want.entity_id {
                        EntityId::Is(id) => id.clone(),
                        EntityId::At(p) => format!("{p} = {:?}", reply.body.pointer(p)),
                        EntityId::Any => "any".into(),
                    },
                    want.before,
                    want.after,
                )
            });
        let s = unmatched.remove(at);
        assert_eq!(
            s.actor.as_deref(),
            Some(actor),
            "{op}: {} names the wrong actor",
            s.action
        );
    }
    assert!(
        unmatched.is_empty(),
        "{op}: audit rows nobody expected: {unmatched:#?}"
    );
}
