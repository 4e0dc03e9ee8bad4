use std::collections::HashMap;

use cistern_backend::config::Config;
use cistern_backend::db::DbPool;
use cistern_backend::startup::Application;
use diesel::connection::SimpleConnection;
use diesel::Connection;
use reqwest::{Method, StatusCode};
use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Db {
    Sqlite,
    Postgres,
}

/// Runs each named scenario once per database backend.
#[macro_export]
macro_rules! on_both_databases {
    ($($scenario:ident),* $(,)?) => {
        $(
            mod $scenario {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$scenario($crate::helpers::Db::Sqlite).await
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    super::$scenario($crate::helpers::Db::Postgres).await
                }
            }
        )*
    };
}

/// A database for one test: a temporary SQLite file, or a new PostgreSQL database.
pub struct TestDb {
    pub url: String,
    _dir: Option<tempfile::TempDir>,
}

pub fn pg_server_url() -> String {
    std::env::var("CISTERN_TEST_PG_URL").unwrap_or_else(|_| {
        panic!(
            "CISTERN_TEST_PG_URL is not set: the PostgreSQL half of the suite needs a server \
             (scripts/test.sh starts a throwaway one)"
        )
    })
}

pub fn fresh_db(db: Db) -> TestDb {
    match db {
        Db::Sqlite => {
            let dir = tempfile::tempdir().expect("temp dir");
            let url = format!("sqlite://{}", dir.path().join("cistern.db").display());
            TestDb {
                url,
                _dir: Some(dir),
            }
        }
        Db::Postgres => {
            let server = pg_server_url();
            let name = format!("cistern_t_{}", uuid::Uuid::new_v4().simple());
            let mut admin = diesel::PgConnection::establish(&format!("{server}/postgres"))
                .expect("connect to the test PostgreSQL server");
            admin
                .batch_execute(&format!("CREATE DATABASE {name}"))
                .expect("create test database");
            TestDb {
                url: format!("{server}/{name}"),
                _dir: None,
            }
        }
    }
}

pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub pool: DbPool,
    pub db: TestDb,
}

pub async fn spawn(db: Db) -> TestApp {
    spawn_with(db, |_| {}).await
}

/// Starts the app on a fresh database with the demo city loaded.
pub async fn spawn_with(db: Db, tweak: impl FnOnce(&mut Config)) -> TestApp {
    let test_db = fresh_db(db);
    let app = spawn_on(&test_db.url, tweak).await;
    let pool = app.pool.clone();
    let hasher = cistern_backend::auth::PasswordPolicy::new(64, 1).expect("argon2 params");
    tokio::task::spawn_blocking(move || cistern_backend::seed::seed_demo(&pool, &hasher))
        .await
        .expect("join")
        .expect("seed demo");
    TestApp { db: test_db, ..app }
}

/// Starts another instance on an existing database (no seeding).
pub async fn spawn_on(url: &str, tweak: impl FnOnce(&mut Config)) -> TestApp {
    let mut config = Config::for_tests(url);
    config.run_jobs = false;
    tweak(&mut config);
    let app = Application::build(config).await.expect("build app");
    let base = format!("http://127.0.0.1:{}", app.port());
    let pool = app.pool();
    tokio::spawn(app.run_until_stopped());
    TestApp {
        base,
        client: reqwest::Client::builder()
            .cookie_store(true)
            .build()
            .expect("client"),
        pool,
        db: TestDb {
            url: url.to_owned(),
            _dir: None,
        },
    }
}

pub const ROLES: &[(&str, &str)] = &[
    ("admin", "admin"),
    ("finance_director", "director"),
    ("lead", "lead"),
    ("clerk", "clerk"),
    ("field", "field"),
    ("auditor", "auditor"),
    ("customer", "customer"),
];

pub const DEMO_API_KEY: &str = cistern_backend::seed::DEMO_API_KEY;

/// How a request authenticates.
#[derive(Debug, Clone)]
pub enum Auth {
    None,
    Bearer(String),
    ApiKey(String),
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
    pub text: String,
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn call(
        &self,
        method: Method,
        path: &str,
        auth: &Auth,
        body: Option<Value>,
    ) -> Reply {
        let mut req = self.client.request(method, self.url(path));
        req = match auth {
            Auth::None => req,
            Auth::Bearer(t) => req.bearer_auth(t),
            Auth::ApiKey(k) => req.header("X-Api-Key", k),
        };
        if let Some(b) = body {
            req = req.json(&b);
        }
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

    pub async fn get(&self, path: &str, auth: &Auth) -> Reply {
        self.call(Method::GET, path, auth, None).await
    }

    pub async fn post(&self, path: &str, auth: &Auth, body: Value) -> Reply {
        self.call(Method::POST, path, auth, Some(body)).await
    }

    pub async fn login_reply(&self, username: &str, password: &str) -> Reply {
        self.post(
            "/api/v1/auth/login",
            &Auth::None,
            serde_json::json!({ "username": username, "password": password }),
        )
        .await
    }

    /// Signs in a demo user and answers a bearer credential.
    pub async fn login(&self, username: &str) -> Auth {
        let r = self
            .login_reply(username, &format!("{username}-demo-pass"))
            .await;
        assert_eq!(
            r.status,
            StatusCode::OK,
            "sign-in of {username}: {}",
            r.text
        );
        Auth::Bearer(r.body["access_token"].as_str().expect("token").to_owned())
    }

    /// A credential for every role, keyed by role name (the integrator's is its API key).
    pub async fn all_roles(&self) -> HashMap<&'static str, Auth> {
        let mut out = HashMap::new();
        for (role, user) in ROLES {
            out.insert(*role, self.login(user).await);
        }
        out.insert("integrator", Auth::ApiKey(DEMO_API_KEY.to_owned()));
        out
    }

    pub fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut cistern_backend::db::DbConnection) -> T + Send + 'static,
    ) -> impl std::future::Future<Output = T> {
        let pool = self.pool.clone();
        async move {
            tokio::task::spawn_blocking(move || {
                let mut c = pool.get().expect("connection");
                f(&mut c)
            })
            .await
            .expect("join")
        }
    }
}

/// Asserts an RFC 7807 problem response with the given status and code.
pub fn assert_problem(r: &Reply, status: u16, code: &str) {
    assert_eq!(r.status.as_u16(), status, "body: {}", r.text);
    let ct = r
        .headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert_eq!(ct, "application/problem+json", "body: {}", r.text);
    assert_eq!(r.body["code"], code, "body: {}", r.text);
    assert_eq!(r.body["status"], status);
    assert!(
        r.body["request_id"].as_str().is_some_and(|s| !s.is_empty()),
        "no request id: {}",
        r.text
    );
}
