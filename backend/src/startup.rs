//! Building the application: state, middleware, routes, the job runner, and the server.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::{Duration, Instant};

use actix_web::body::{to_bytes, BoxBody, MessageBody};
use actix_web::dev::{Server, ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::{from_fn, Compress, DefaultHeaders, Next};
use actix_web::{web, App, HttpMessage, HttpResponse, HttpServer};
use cistern_shared::dto::JobStatus;
use cistern_shared::{ErrorCode, Problem};
use tracing::Instrument;
use utoipa::OpenApi;
use utoipa_swagger_ui::SwaggerUi;

use crate::auth::{HashGate, JwtKeys, PasswordPolicy};
use crate::config::{Config, Mode};
use crate::db::{self, DbPool};
use crate::domain::jobs;
use crate::error::{self, ApiError, ApiResult};

/// What every request handler can reach. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub pool: DbPool,
    pub config: Arc<Config>,
    pub jwt: JwtKeys,
    pub hasher: PasswordPolicy,
    /// Bounds concurrent password hashes (sign-in, password changes, admin resets).
    pub hash_gate: HashGate,
    /// Derives each refresh token's successor (`auth::successor_token`); the JWT secret.
    pub refresh_key: Arc<[u8]>,
    pub tz: chrono_tz::Tz,
    pub instance_id: String,
}

impl AppState {
    pub fn build(config: Config) -> anyhow::Result<AppState> {
        config.validate()?;
        let pool = DbPool::new(&config.database_url, config.pool_size)?;
        {
            let mut conn = pool.get()?;
            let applied = db::run_migrations(&mut conn)?;
            if applied > 0 {
                tracing::info!(
                    applied,
                    backend = pool.backend().as_str(),
                    "applied migrations"
                );
            }
        }
        let secret = jwt_secret(&config)?;
        let jwt = JwtKeys::new(
            secret.as_bytes(),
            &config.jwt_issuer,
            &config.jwt_audience,
            config.access_token_ttl_secs,
        );
        let hash_slots = config
            .hash_concurrency
            .map(|n| n as usize)
            .unwrap_or_else(HashGate::default_size);
        let hasher = PasswordPolicy::new(config.argon2_memory_kib, config.argon2_iterations)
            .map_err(|e| anyhow::anyhow!("argon2 settings: {e}"))?
            .keep_buffers(hash_slots);
        let hash_gate = HashGate::new(hash_slots, Duration::from_millis(config.hash_queue_wait_ms));
        let refresh_key: Arc<[u8]> = Arc::from(secret.as_bytes());
        let tz = config.tz()?;
        let instance_id = config.instance_id.clone().unwrap_or_else(|| {
            let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "cistern".into());
            format!(
                "{host}-{}-{}",
                std::process::id(),
                &crate::auth::random_token(4)
            )
        });
        Ok(AppState {
            pool,
            config: Arc::new(config),
            jwt,
            hasher,
            hash_gate,
            refresh_key,
            tz,
            instance_id,
        })
    }

    /// Today in the utility's time zone: the business date.
    pub fn business_date(&self) -> chrono::NaiveDate {
        chrono::Utc::now().with_timezone(&self.tz).date_naive()
    }
}

/// The secret comes from configuration; in development, one is generated on first start and
/// kept in the data folder so sign-ins survive restarts.
fn jwt_secret(config: &Config) -> anyhow::Result<String> {
    if let Some(s) = &config.jwt_secret {
        return Ok(s.clone());
    }
    if config.mode == Mode::Production {
        anyhow::bail!(
            "production mode needs a JWT secret (CISTERN_JWT_SECRET or CISTERN_JWT_SECRET_FILE)"
        );
    }
    let path = config.data_dir.join("jwt-secret");
    if let Ok(s) = std::fs::read_to_string(&path) {
        if s.trim().len() >= 32 {
            return Ok(s.trim().to_owned());
        }
    }
    db::create_private_dir(&config.data_dir)?;
    let s = crate::auth::random_token(48);
    std::fs::write(&path, &s)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))?;
    }
    tracing::info!(path = %path.display(), "generated a development JWT secret");
    Ok(s)
}

/// Runs `f` on the blocking thread pool: diesel is synchronous, and a pool checkout must
/// never stall an async worker.
pub async fn blocking<T, F>(state: &web::Data<AppState>, f: F) -> ApiResult<T>
where
    F: FnOnce(&AppState) -> ApiResult<T> + Send + 'static,
    T: Send + 'static,
{
    let s = state.get_ref().clone();
    web::block(move || f(&s)).await?
}

/// The request id, from the `X-Request-Id` header if the proxy sent a sane one, else new.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

impl actix_web::FromRequest for RequestId {
    type Error = ApiError;
    type Future = std::future::Ready<Result<RequestId, ApiError>>;
    fn from_request(req: &actix_web::HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let id = req
            .extensions()
            .get::<RequestId>()
            .cloned()
            .unwrap_or_else(|| RequestId(uuid::Uuid::new_v4().to_string()));
        std::future::ready(Ok(id))
    }
}

/// Gives each request an id, logs it with method, path, status and time, returns it in
/// `X-Request-Id`, and writes it into problem documents so a clerk can quote it.
async fn request_context(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            !v.is_empty()
                && v.len() <= 64
                && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
        .map(str::to_owned)
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    req.extensions_mut().insert(RequestId(id.clone()));
    let span = tracing::info_span!("request", request_id = %id, method = %req.method(), path = %req.path());
    let started = Instant::now();
    let is_api = req.path().starts_with("/api");
    let res = next.call(req).instrument(span.clone()).await?;
    let status = res.status();
    span.in_scope(|| {
        let ms = started.elapsed().as_millis() as u64;
        if status.is_server_error() {
            tracing::error!(status = status.as_u16(), ms, "request failed");
        } else {
            tracing::info!(status = status.as_u16(), ms, "request");
        }
    });
    let is_problem = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes() == b"application/problem+json");
    let (req, mut res) = res.map_into_boxed_body().into_parts();
    if let Ok(v) = HeaderValue::from_str(&id) {
        res.headers_mut()
            .insert(header::HeaderName::from_static("x-request-id"), v);
    }
    if is_api {
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if is_problem {
        let (head, body) = res.into_parts();
        let bytes = to_bytes(body).await.unwrap_or_default();
        let body = match serde_json::from_slice::<Problem>(&bytes) {
            Ok(mut p) => {
                p.request_id = Some(id);
                serde_json::to_vec(&p).unwrap_or_else(|_| bytes.to_vec())
            }
            Err(_) => bytes.to_vec(),
        };
        let res = head.set_body(BoxBody::new(body));
        return Ok(ServiceResponse::new(req, res));
    }
    Ok(ServiceResponse::new(req, res))
}

fn security_headers(config: &Config) -> DefaultHeaders {
    let headers = match config.hsts() {
        Some(v) => DefaultHeaders::new().add(("Strict-Transport-Security", v)),
        None => DefaultHeaders::new(),
    };
    headers
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("X-Frame-Options", "DENY"))
        .add(("Referrer-Policy", "no-referrer"))
        .add(("Cross-Origin-Opener-Policy", "same-origin"))
        .add(("Permissions-Policy", "camera=(), microphone=(), geolocation=()"))
        .add((
            "Content-Security-Policy",
            "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; \
             img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
        ))
}

/// Unmatched `/api/...` requests: 405 with `Allow` when the path exists for other methods,
/// else 404 — as problem documents, never the client's index page.
async fn api_fallback(
    req: actix_web::HttpRequest,
    routes: web::Data<crate::openapi::RouteTable>,
) -> HttpResponse {
    use actix_web::ResponseError;
    let allowed = routes.methods_for(req.path());
    if allowed.is_empty() {
        ApiError::with_detail(ErrorCode::NotFound, "no such API endpoint").error_response()
    } else {
        let mut res = ApiError::with_detail(
            ErrorCode::MethodNotAllowed,
            format!("allowed: {}", allowed.join(", ")),
        )
        .error_response();
        if let Ok(v) = HeaderValue::from_str(&allowed.join(", ")) {
            res.headers_mut().insert(header::ALLOW, v);
        }
        res
    }
}

pub fn configure_app(cfg: &mut web::ServiceConfig, state: &AppState) {
    let max = state.config.max_body_bytes;
    cfg.app_data(web::Data::new(state.clone()))
        .app_data(web::Data::new(crate::openapi::RouteTable::from_spec(
            &crate::openapi::ApiDoc::openapi(),
        )))
        .app_data(
            web::JsonConfig::default()
                .limit(max)
                .error_handler(error::json_error),
        )
        .app_data(web::PayloadConfig::default().limit(max))
        .app_data(web::PathConfig::default().error_handler(error::path_error))
        .app_data(web::QueryConfig::default().error_handler(error::query_error));
    crate::routes::register(cfg);
    cfg.service(
        SwaggerUi::new("/api/docs/{_:.*}")
            .url("/api/openapi.json", crate::openapi::ApiDoc::openapi()),
    )
    .service(web::redirect("/api/docs", "/api/docs/"))
    .service(web::scope("/api").default_service(web::to(api_fallback)));
    if let Some(dir) = state
        .config
        .static_dir
        .clone()
        .filter(|d| d.join("index.html").exists())
    {
        let index = dir.join("index.html");
        cfg.service(
            actix_files::Files::new("/", dir)
                .index_file("index.html")
                .use_etag(true)
                .default_handler(web::to(move |req: actix_web::HttpRequest| {
                    // Client-side routes (/staff/..., /portal) all load the single page.
                    let index = index.clone();
                    async move {
                        match actix_files::NamedFile::open_async(&index).await {
                            Ok(f) => f.into_response(&req),
                            Err(_) => ApiError::not_found().error_response_boxed(),
                        }
                    }
                })),
        );
    } else if crate::client::is_embedded() {
        // The client built into this binary (build.rs); `static_dir` overrides it.
        cfg.default_service(web::get().to(crate::client::serve));
    }
}

trait BoxedError {
    fn error_response_boxed(&self) -> HttpResponse;
}
impl BoxedError for ApiError {
    fn error_response_boxed(&self) -> HttpResponse {
        actix_web::ResponseError::error_response(self)
    }
}

pub struct Application {
    port: u16,
    server: Server,
    state: AppState,
    worker: Option<tokio::task::JoinHandle<()>>,
}

impl Application {
    /// Opens the database (applying migrations), binds the listener and prepares the server.
    /// Nothing runs until [`Application::run_until_stopped`].
    pub async fn build(config: Config) -> anyhow::Result<Application> {
        let bind = config.bind.clone();
        let state = web::block(move || AppState::build(config)).await??;
        let listener = TcpListener::bind(&bind)?;
        let port = listener.local_addr()?.port();
        if state.config.mode == Mode::Production {
            let pool = state.pool.clone();
            let demo = web::block(move || pool.read(|c| crate::seed::demo_access(c))).await??;
            if !demo.is_empty() {
                anyhow::bail!(
                    "refusing to serve in production mode: the demo sign-ins work in this database ({}). \
                     Run `cistern remove-demo-access` to deactivate the demo users and revoke the demo API key \
                     (or start from an empty database), then start again.",
                    demo.join(", ")
                );
            }
        }
        let s = state.clone();
        let server = HttpServer::new(move || {
            App::new()
                .wrap(Compress::default())
                .wrap(security_headers(&s.config))
                .wrap(from_fn(crate::strict_input::strict_input))
                .wrap(from_fn(crate::auth::authenticate))
                .wrap(from_fn(request_context))
                .configure(|cfg| configure_app(cfg, &s))
        })
        .shutdown_timeout(10)
        .listen(listener)?
        .run();
        Ok(Application {
            port,
            server,
            state,
            worker: None,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn pool(&self) -> DbPool {
        self.state.pool.clone()
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until the process is told to stop (SIGINT/SIGTERM: in-flight requests finish).
    pub async fn run_until_stopped(mut self) -> std::io::Result<()> {
        if self.state.config.run_jobs {
            self.worker = Some(tokio::spawn(job_worker(self.state.clone())));
        }
        let result = self.server.await;
        if let Some(w) = self.worker.take() {
            w.abort();
        }
        tracing::info!("server stopped");
        result
    }
}

/// Each instance polls for due jobs; the database decides which instance gets each one.
pub async fn job_worker(state: AppState) {
    let every = Duration::from_millis(state.config.job_poll_interval_ms.max(50));
    let mut last_schedule = None::<Instant>;
    loop {
        let s = state.clone();
        let schedule_now =
            last_schedule.is_none_or(|t: Instant| t.elapsed() >= Duration::from_secs(60));
        if schedule_now {
            last_schedule = Some(Instant::now());
        }
        let outcome = tokio::task::spawn_blocking(move || -> ApiResult<usize> {
            if schedule_now {
                s.pool.write(jobs::schedule_recurring)?;
            }
            run_due_jobs(&s.pool, &s.instance_id)
        })
        .await;
        match outcome {
            Ok(Ok(_)) => {}
            Ok(Err(e)) => tracing::warn!(error = %e, "job runner"),
            Err(e) => tracing::warn!(error = %e, "job runner task"),
        }
        tokio::time::sleep(every).await;
    }
}

/// Claims and runs due jobs until none is left; answers how many it ran. Each step is its own
/// transaction: the claim commits before the job runs (so no other instance takes it), the
/// job's work commits or rolls back on its own, and its outcome is recorded either way.
pub fn run_due_jobs(pool: &DbPool, instance: &str) -> ApiResult<usize> {
    let mut ran = 0;
    while let Some(job) = claim_next_job(pool, instance)? {
        let started = crate::db::now();
        let (status, result) = match pool.write(|tx| jobs::run(tx, &job.kind)) {
            Ok(text) => (JobStatus::Done, text),
            Err(e) => (JobStatus::Failed, e.to_string()),
        };
        tracing::info!(job = job.id, kind = job.kind, status = status.as_str(), result = %result, "job finished");
        pool.write(|tx| jobs::finish(tx, &job.id, instance, started, status, &result))?;
        ran += 1;
    }
    Ok(ran)
}

/// Claims one due job for `instance`, trying the oldest few in turn.
fn claim_next_job(pool: &DbPool, instance: &str) -> ApiResult<Option<jobs::DueJob>> {
    let t = crate::db::now();
    let candidates = pool.read(|c| jobs::due(c, t))?;
    for job in candidates {
        if pool.write(|tx| jobs::claim(tx, &job.id, instance, t))? {
            return Ok(Some(job));
        }
    }
    Ok(None)
}
