//! Configuration: built-in defaults, then an optional TOML file, then environment variables
//! (`DATABASE_URL`, `CISTERN_<FIELD>`); any of them may instead be read from a file named by
//! `<VAR>_FILE`, which is how container secrets arrive.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    Development,
    Production,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct Config {
    /// `development` (the default: generates what it lacks) or `production` (strict).
    pub mode: Mode,
    /// `sqlite://PATH` (default, embedded) or `postgres://...`.
    pub database_url: String,
    /// Address to listen on.
    pub bind: String,
    /// Folder of the built client (served at `/`), if any.
    pub static_dir: Option<PathBuf>,
    /// Where the embedded database, the generated development secret and backups live.
    pub data_dir: PathBuf,
    /// HS256 signing secret for access tokens (32+ bytes). Required in production.
    pub jwt_secret: Option<String>,
    pub jwt_issuer: String,
    pub jwt_audience: String,
    pub access_token_ttl_secs: i64,
    pub refresh_token_ttl_secs: i64,
    /// Password checks allowed per username from one client address within the window
    /// before answering 429 (sign-in and password change; a routine success is not counted).
    pub login_max_failures: i64,
    pub login_window_secs: i64,
    /// Password checks allowed from one client address across all usernames within the window
    /// (password spraying); successes are not counted.
    pub login_address_max_failures: i64,
    /// The request header that carries the client's address, set by a trusted reverse proxy
    /// (e.g. `X-Forwarded-For`: its right-most entry is used). Unset: the TCP peer's address.
    /// Set it only when every request arrives through that proxy, or clients can choose it.
    pub client_address_header: Option<String>,
    /// Password hashes (Argon2) computed at once; default: the number of cores less one
    /// (at least one), so a flood of sign-ins leaves a core for everything else.
    pub hash_concurrency: Option<u32>,
    /// How long a sign-in waits for a hashing slot before a fast 429 `sign_in_busy`.
    pub hash_queue_wait_ms: u64,
    /// The utility's time zone: business dates are dates there.
    pub time_zone: String,
    pub pool_size: u32,
    /// Names this server instance in job claims and locks; default: host-pid-random.
    pub instance_id: Option<String>,
    /// Whether this instance claims and runs background jobs.
    pub run_jobs: bool,
    pub job_poll_interval_ms: u64,
    /// Largest accepted JSON body.
    pub max_body_bytes: usize,
    /// `pretty` or `json`.
    pub log_format: String,
    /// Mark cookies `Secure` (default: on in production).
    pub secure_cookies: Option<bool>,
    /// The server is reached over HTTPS only (a TLS-terminating proxy in front): send
    /// `Strict-Transport-Security`, so browsers never use plain HTTP for it again.
    pub behind_tls: bool,
    /// `max-age` of that header, in seconds (default one year).
    pub hsts_max_age_secs: i64,
    /// Argon2id cost. The defaults follow OWASP's recommendation (19 MiB, 2 passes).
    pub argon2_memory_kib: u32,
    pub argon2_iterations: u32,
    /// Deposit required at move-in from an owner, in cents.
    pub deposit_owner_cents: i64,
    /// Deposit required at move-in from a tenant, in cents (Carlton, OR: $200).
    pub deposit_tenant_cents: i64,
    /// The years a date in a request may fall in (a due date in the year 208 is a typo).
    pub min_date_year: i32,
    pub max_date_year: i32,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            mode: Mode::Development,
            database_url: "sqlite://./data/cistern.db".into(),
            bind: "127.0.0.1:8080".into(),
            static_dir: None,
            data_dir: PathBuf::from("./data"),
            jwt_secret: None,
            jwt_issuer: "cistern".into(),
            jwt_audience: "cistern-api".into(),
            access_token_ttl_secs: 15 * 60,
            refresh_token_ttl_secs: 12 * 60 * 60,
            login_max_failures: 5,
            login_window_secs: 15 * 60,
            login_address_max_failures: 50,
            client_address_header: None,
            hash_concurrency: None,
            hash_queue_wait_ms: 200,
            time_zone: "America/Los_Angeles".into(),
            pool_size: 8,
            instance_id: None,
            run_jobs: true,
            job_poll_interval_ms: 5_000,
            max_body_bytes: 256 * 1024,
            log_format: "pretty".into(),
            secure_cookies: None,
            behind_tls: false,
            hsts_max_age_secs: 365 * 24 * 60 * 60,
            argon2_memory_kib: 19 * 1024,
            argon2_iterations: 2,
            deposit_owner_cents: 0,
            deposit_tenant_cents: 20_000,
            min_date_year: 1900,
            max_date_year: 2199,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("invalid configuration file {path}: {message}")]
    File { path: String, message: String },
    #[error("invalid configuration: {0}")]
    Invalid(String),
}

impl Config {
    /// Defaults, then `file` (or `CISTERN_CONFIG`, or `./cistern.toml` if present), then the
    /// environment.
    pub fn load(file: Option<&Path>) -> Result<Config, ConfigError> {
        let env = |k: &str| std::env::var(k).ok();
        let file = file
            .map(Path::to_path_buf)
            .or_else(|| env("CISTERN_CONFIG").map(PathBuf::from))
            .or_else(|| {
                let p = PathBuf::from("cistern.toml");
                p.exists().then_some(p)
            });
        let text = match &file {
            Some(p) => Some(
                std::fs::read_to_string(p).map_err(|source| ConfigError::Read {
                    path: p.display().to_string(),
                    source,
                })?,
            ),
            None => None,
        };
        let cfg = Config::from_layers(text.as_deref(), &|k| lookup_env(k, &env))?;
        cfg.validate()?;
        Ok(cfg)
    }

    /// The layering itself, with the file's text and the environment passed in (testable).
    pub fn from_layers(
        file_text: Option<&str>,
        env: &dyn Fn(&str) -> Result<Option<String>, ConfigError>,
    ) -> Result<Config, ConfigError> {
        let mut table = toml::Table::try_from(Config::default())
            .map_err(|e| ConfigError::Invalid(e.to_string()))?;
        if let Some(text) = file_text {
            let file: toml::Table =
                text.parse()
                    .map_err(|e: toml::de::Error| ConfigError::File {
                        path: "config".into(),
                        message: e.message().to_owned(),
                    })?;
            for (k, v) in file {
                if !KNOWN_KEYS.contains(&k.as_str()) {
                    return Err(ConfigError::File {
                        path: "config".into(),
                        message: format!("unknown setting `{k}`"),
                    });
                }
                table.insert(k, v);
            }
        }
        for key in KNOWN_KEYS {
            let mut names = vec![format!("CISTERN_{}", key.to_ascii_uppercase())];
            if *key == "database_url" {
                names.insert(0, "DATABASE_URL".into());
            }
            for name in names {
                if let Some(raw) = env(&name)? {
                    table.insert((*key).to_owned(), env_value(key, &raw));
                    break;
                }
            }
        }
        toml::Value::Table(table)
            .try_into()
            .map_err(|e: toml::de::Error| ConfigError::Invalid(e.message().to_owned()))
    }

    pub fn validate(&self) -> Result<(), ConfigError> {
        self.tz()?;
        if self.mode == Mode::Production {
            match &self.jwt_secret {
                Some(s) if s.len() >= 32 => {}
                Some(_) => {
                    return Err(ConfigError::Invalid(
                        "jwt_secret must be at least 32 characters".into(),
                    ))
                }
                None => {
                    return Err(ConfigError::Invalid(
                        "production mode needs a JWT secret: set CISTERN_JWT_SECRET or CISTERN_JWT_SECRET_FILE"
                            .into(),
                    ))
                }
            }
        }
        if self.min_date_year > self.max_date_year {
            return Err(ConfigError::Invalid(
                "min_date_year must not be after max_date_year".into(),
            ));
        }
        if self.deposit_owner_cents < 0 || self.deposit_tenant_cents < 0 {
            return Err(ConfigError::Invalid("deposits cannot be negative".into()));
        }
        if self.login_max_failures < 1
            || self.login_address_max_failures < 1
            || self.login_window_secs < 1
            || self.hash_concurrency == Some(0)
        {
            return Err(ConfigError::Invalid(
                "sign-in limits, window and hash_concurrency must be at least 1".into(),
            ));
        }
        if self.hsts_max_age_secs < 0 {
            return Err(ConfigError::Invalid(
                "hsts_max_age_secs cannot be negative".into(),
            ));
        }
        if self.access_token_ttl_secs <= 0 || self.refresh_token_ttl_secs <= 0 {
            return Err(ConfigError::Invalid(
                "token lifetimes must be positive".into(),
            ));
        }
        Ok(())
    }

    pub fn tz(&self) -> Result<chrono_tz::Tz, ConfigError> {
        self.time_zone
            .parse()
            .map_err(|_| ConfigError::Invalid(format!("unknown time zone `{}`", self.time_zone)))
    }

    pub fn date_window(&self) -> crate::strict_input::DateWindow {
        crate::strict_input::DateWindow {
            min_year: self.min_date_year,
            max_year: self.max_date_year,
        }
    }

    pub fn secure_cookies(&self) -> bool {
        self.secure_cookies.unwrap_or(self.mode == Mode::Production)
    }

    /// The `Strict-Transport-Security` value to send, when behind TLS.
    pub fn hsts(&self) -> Option<String> {
        self.behind_tls
            .then(|| format!("max-age={}; includeSubDomains", self.hsts_max_age_secs))
    }

    /// A configuration for tests: development mode, port 0, a fixed secret, cheap hashing.
    pub fn for_tests(database_url: &str) -> Config {
        Config {
            database_url: database_url.to_owned(),
            bind: "127.0.0.1:0".into(),
            jwt_secret: Some("test-secret-test-secret-test-secret!".into()),
            argon2_memory_kib: 64,
            argon2_iterations: 1,
            pool_size: 4,
            job_poll_interval_ms: 100,
            // Tests sign in concurrently on a busy machine: wait for a hashing slot rather
            // than answer `sign_in_busy` (the test of that answer sets its own wait).
            hash_queue_wait_ms: 10_000,
            ..Config::default()
        }
    }
}

const KNOWN_KEYS: &[&str] = &[
    "mode",
    "database_url",
    "bind",
    "static_dir",
    "data_dir",
    "jwt_secret",
    "jwt_issuer",
    "jwt_audience",
    "access_token_ttl_secs",
    "refresh_token_ttl_secs",
    "login_max_failures",
    "login_window_secs",
    "login_address_max_failures",
    "client_address_header",
    "hash_concurrency",
    "hash_queue_wait_ms",
    "time_zone",
    "pool_size",
    "instance_id",
    "run_jobs",
    "job_poll_interval_ms",
    "max_body_bytes",
    "log_format",
    "secure_cookies",
    "behind_tls",
    "hsts_max_age_secs",
    "argon2_memory_kib",
    "argon2_iterations",
    "deposit_owner_cents",
    "deposit_tenant_cents",
    "min_date_year",
    "max_date_year",
];

/// Reads `NAME`, or the file named by `NAME_FILE` (trailing newline trimmed).
fn lookup_env(
    name: &str,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Option<String>, ConfigError> {
    if let Some(v) = env(name) {
        return Ok(Some(v));
    }
    let file_var = format!("{name}_FILE");
    match env(&file_var) {
        Some(path) => std::fs::read_to_string(&path)
            .map(|s| Some(s.trim_end_matches(['\n', '\r']).to_owned()))
            .map_err(|source| ConfigError::Read { path, source }),
        None => Ok(None),
    }
}

/// Environment values are strings; numbers and booleans are typed by the field they set.
fn env_value(key: &str, raw: &str) -> toml::Value {
    let numeric = key.ends_with("_secs")
        || key.ends_with("_ms")
        || key.ends_with("_bytes")
        || key.ends_with("_kib")
        || key.ends_with("_iterations")
        || key.ends_with("_failures")
        || key.ends_with("_cents")
        || key.ends_with("_year")
        || key == "pool_size"
        || key == "hash_concurrency";
    let boolean = key == "run_jobs" || key == "secure_cookies" || key == "behind_tls";
    if numeric {
        if let Ok(n) = raw.trim().parse::<i64>() {
            return toml::Value::Integer(n);
        }
    }
    if boolean {
        match raw.trim() {
            "1" | "true" | "yes" | "on" => return toml::Value::Boolean(true),
            "0" | "false" | "no" | "off" => return toml::Value::Boolean(false),
            _ => {}
        }
    }
    toml::Value::String(raw.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Result<Option<String>, ConfigError> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |k: &str| lookup_env(k, &|n: &str| map.get(n).cloned())
    }

    #[test]
    fn defaults_then_file_then_environment() {
        let file = "bind = \"0.0.0.0:9000\"\npool_size = 3\ntime_zone = \"America/Denver\"\n";
        let env = env_of(&[
            ("CISTERN_POOL_SIZE", "12"),
            ("DATABASE_URL", "postgres://x/y"),
        ]);
        let c = Config::from_layers(Some(file), &env).unwrap();
        assert_eq!(c.bind, "0.0.0.0:9000"); // file over default
        assert_eq!(c.pool_size, 12); // environment over file
        assert_eq!(c.time_zone, "America/Denver");
        assert_eq!(c.database_url, "postgres://x/y");
        assert_eq!(c.login_max_failures, 5); // default kept
    }

    #[test]
    fn secrets_can_come_from_files() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("secret");
        std::fs::write(&p, "s3cret-s3cret-s3cret-s3cret-s3cret!!\n").unwrap();
        let path = p.display().to_string();
        let env = env_of(&[
            ("CISTERN_JWT_SECRET_FILE", &path),
            ("CISTERN_MODE", "production"),
        ]);
        let c = Config::from_layers(None, &env).unwrap();
        assert_eq!(
            c.jwt_secret.as_deref(),
            Some("s3cret-s3cret-s3cret-s3cret-s3cret!!")
        );
        assert!(c.validate().is_ok());
    }

    #[test]
    fn production_refuses_to_start_without_a_secret() {
        let env = env_of(&[("CISTERN_MODE", "production")]);
        let c = Config::from_layers(None, &env).unwrap();
        let err = c.validate().unwrap_err().to_string();
        assert!(err.contains("JWT secret"), "{err}");
        // development is fine without one: it generates and keeps its own
        assert!(Config::default().validate().is_ok());
    }

    #[test]
    fn sign_in_hardening_settings_have_defaults_and_read_from_the_environment() {
        let c = Config::from_layers(None, &env_of(&[])).unwrap();
        assert_eq!(
            (
                c.login_address_max_failures,
                c.client_address_header.as_deref(),
                c.hash_concurrency,
                c.hash_queue_wait_ms
            ),
            (50, None, None, 200)
        );
        let env = env_of(&[
            ("CISTERN_CLIENT_ADDRESS_HEADER", "X-Forwarded-For"),
            ("CISTERN_HASH_CONCURRENCY", "3"),
            ("CISTERN_LOGIN_ADDRESS_MAX_FAILURES", "20"),
            ("CISTERN_HASH_QUEUE_WAIT_MS", "50"),
        ]);
        let c = Config::from_layers(None, &env).unwrap();
        assert_eq!(c.client_address_header.as_deref(), Some("X-Forwarded-For"));
        assert_eq!(c.hash_concurrency, Some(3));
        assert_eq!(c.login_address_max_failures, 20);
        assert_eq!(c.hash_queue_wait_ms, 50);
        assert!(c.validate().is_ok());
        let zero =
            Config::from_layers(None, &env_of(&[("CISTERN_HASH_CONCURRENCY", "0")])).unwrap();
        assert!(zero.validate().is_err());
    }

    #[test]
    fn unknown_settings_and_bad_values_are_refused() {
        let none = env_of(&[]);
        assert!(Config::from_layers(Some("colour = \"blue\""), &none).is_err());
        assert!(Config::from_layers(Some("pool_size = \"many\""), &none).is_err());
        let bad_tz = Config::from_layers(Some("time_zone = \"Mars/Olympus\""), &none).unwrap();
        assert!(bad_tz.validate().is_err());
    }
}
