//! Helpers for Cistern's end-to-end browser tests: find the built client, run chromedriver
//! with a headless Chromium, and wait for the page to show what a person would see.
//!
//! The tests themselves are in `tests/`. They need `frontend/dist` (built by
//! `scripts/build-client.sh`) and Debian's `chromium` + `chromium-driver` packages; when either
//! is missing they fail with a message saying what to do (they never skip silently).

use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use tempfile::TempDir;

pub type Error = Box<dyn std::error::Error + Send + Sync>;
pub type Result<T> = std::result::Result<T, Error>;

/// How long a wait for the page polls before failing.
pub const WAIT: Duration = Duration::from_secs(15);
const POLL: Duration = Duration::from_millis(100);

fn err(msg: impl Into<String>) -> Error {
    msg.into().into()
}

/// The repository root (this crate lives in `<repo>/tests`).
pub fn repo_root() -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    here.parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| here.to_path_buf())
}

/// The built client, `frontend/dist`, or an error telling how to build it.
pub fn dist_dir() -> Result<PathBuf> {
    let dist = repo_root().join("frontend").join("dist");
    let has_wasm = std::fs::read_dir(dist.join("assets"))
        .map(|d| {
            d.flatten()
                .any(|e| e.file_name().to_string_lossy().ends_with(".wasm"))
        })
        .unwrap_or(false);
    for needed in ["index.html", "favicon.svg", "assets"] {
        if !dist.join(needed).exists() || !has_wasm {
            return Err(err(format!(
                "{} is missing: the browser client has not been built. Run scripts/build-client.sh \
                 (it builds frontend/dist), then run this test again.",
                dist.join(needed).display()
            )));
        }
    }
    Ok(dist)
}

fn free_port() -> Result<u16> {
    let l = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
    Ok(l.local_addr()?.port())
}

fn executable(env: &str, default: &str, package: &str) -> Result<PathBuf> {
    let path = PathBuf::from(std::env::var(env).unwrap_or_else(|_| default.to_string()));
    if path.is_file() {
        Ok(path)
    } else {
        Err(err(format!(
            "{} not found (set {env} to override). Install it with: \
             apt-get install -y --no-install-recommends {package}",
            path.display()
        )))
    }
}

/// A chromedriver process on a free local port; killed when dropped.
pub struct Chromedriver {
    child: Child,
    port: u16,
    chromium: PathBuf,
    profile: TempDir,
}

impl Chromedriver {
    /// Starts `/usr/bin/chromedriver` (or `$CISTERN_CHROMEDRIVER`) and waits until it listens.
    pub fn start() -> Result<Chromedriver> {
        let driver = executable(
            "CISTERN_CHROMEDRIVER",
            "/usr/bin/chromedriver",
            "chromium-driver",
        )?;
        let chromium = executable("CISTERN_CHROMIUM", "/usr/bin/chromium", "chromium")?;
        let profile = tempfile::Builder::new()
            .prefix("cistern-e2e-chromium-")
            .tempdir()?;
        let port = free_port()?;
        let log = std::fs::File::create(profile.path().join("chromedriver.log"))?;
        let child = Command::new(&driver)
            .arg(format!("--port={port}"))
            .arg("--allowed-ips=127.0.0.1")
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()
            .map_err(|e| err(format!("cannot start {}: {e}", driver.display())))?;
        let mut me = Chromedriver {
            child,
            port,
            chromium,
            profile,
        };
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        let deadline = Instant::now() + WAIT;
        loop {
            if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
                return Ok(me);
            }
            if let Some(status) = me.child.try_wait()? {
                return Err(err(format!(
                    "chromedriver exited early ({status}); see {}",
                    me.log_path().display()
                )));
            }
            if Instant::now() > deadline {
                return Err(err(format!(
                    "chromedriver did not listen on port {port} within {WAIT:?}"
                )));
            }
            std::thread::sleep(POLL);
        }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn log_path(&self) -> PathBuf {
        self.profile.path().join("chromedriver.log")
    }

    /// A new headless Chromium session with a fresh profile, English UI, 1280x900.
    pub async fn browser(&self) -> Result<Client> {
        let user_data = self.profile.path().join("profile");
        std::fs::create_dir_all(&user_data)?;
        let args = vec![
            "--headless".to_string(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--disable-quic".into(),
            "--no-first-run".into(),
            "--disable-background-networking".into(),
            "--disable-component-update".into(),
            "--disable-sync".into(),
            "--disable-dev-shm-usage".into(),
            "--lang=en-US".into(),
            "--window-size=1280,900".into(),
            format!("--user-data-dir={}", user_data.display()),
        ];
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            serde_json::json!({
                "binary": self.chromium.display().to_string(),
                "args": args,
                "prefs": { "intl.accept_languages": "en-US,en" },
            }),
        );
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(caps)
            .connect(&self.url())
            .await
            .map_err(|e| {
                err(format!(
                    "cannot open a Chromium session: {e}; see {}",
                    self.log_path().display()
                ))
            })?;
        Ok(client)
    }
}

impl Drop for Chromedriver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What the page shows now, for failure messages: the URL and the start of the body text.
pub async fn describe(c: &Client) -> String {
    let url = c
        .current_url()
        .await
        .map(|u| u.to_string())
        .unwrap_or_else(|e| format!("<no url: {e}>"));
    let body = match c.find(Locator::Css("body")).await {
        Ok(b) => b.text().await.unwrap_or_else(|e| format!("<no text: {e}>")),
        Err(e) => format!("<no body: {e}>"),
    };
    let body: String = body.chars().take(1500).collect();
    format!("url: {url}\npage text:\n{body}")
}

/// Waits until an element matching `css` exists.
pub async fn wait_for(c: &Client, css: &str) -> Result<Element> {
    let deadline = Instant::now() + WAIT;
    loop {
        if let Ok(e) = c.find(Locator::Css(css)).await {
            return Ok(e);
        }
        if Instant::now() > deadline {
            return Err(err(format!(
                "no element `{css}` after {WAIT:?}\n{}",
                describe(c).await
            )));
        }
        tokio::time::sleep(POLL).await;
    }
}

/// Waits until the text of the element matching `css` satisfies `ok`; returns that text.
pub async fn wait_text(
    c: &Client,
    css: &str,
    what: &str,
    ok: impl Fn(&str) -> bool,
) -> Result<String> {
    let deadline = Instant::now() + WAIT;
    let mut last = None;
    loop {
        if let Ok(e) = c.find(Locator::Css(css)).await {
            if let Ok(t) = e.text().await {
                if ok(&t) {
                    return Ok(t);
                }
                last = Some(t);
            }
        }
        if Instant::now() > deadline {
            return Err(err(format!(
                "`{css}` never showed {what} within {WAIT:?} (last text: {last:?})\n{}",
                describe(c).await
            )));
        }
        tokio::time::sleep(POLL).await;
    }
}

/// Waits until the element's text is exactly `expected` (trimmed).
pub async fn wait_text_eq(c: &Client, css: &str, expected: &str) -> Result<String> {
    wait_text(c, css, &format!("{expected:?}"), |t| t.trim() == expected).await
}

/// Waits until the element's text contains `expected`.
pub async fn wait_text_contains(c: &Client, css: &str, expected: &str) -> Result<String> {
    wait_text(c, css, &format!("text containing {expected:?}"), |t| {
        t.contains(expected)
    })
    .await
}

/// Waits until the location's path is `path`.
pub async fn wait_path(c: &Client, path: &str) -> Result<()> {
    let deadline = Instant::now() + WAIT;
    loop {
        if let Ok(u) = c.current_url().await {
            if u.path() == path {
                return Ok(());
            }
        }
        if Instant::now() > deadline {
            return Err(err(format!(
                "the browser never reached {path} within {WAIT:?}\n{}",
                describe(c).await
            )));
        }
        tokio::time::sleep(POLL).await;
    }
}

/// True if at least one element matches `css` right now.
pub async fn exists(c: &Client, css: &str) -> Result<bool> {
    Ok(!c.find_all(Locator::Css(css)).await?.is_empty())
}

/// Fails unless `cond` holds, with the page described.
pub async fn ensure(c: &Client, cond: bool, what: &str) -> Result<()> {
    if cond {
        Ok(())
    } else {
        Err(err(format!("{what}\n{}", describe(c).await)))
    }
}

/// `1234567` -> `1,234,567`, as the client shows counts.
pub fn grouped(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let len = digits.len();
    let mut out = String::new();
    if n < 0 {
        out.push('-');
    }
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (len - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// Saves a PNG of the page as `<dir>/<name>.png` when `CISTERN_E2E_SCREENSHOTS=<dir>` is set
/// (to look at what the test saw); does nothing otherwise.
pub async fn screenshot(c: &Client, name: &str) -> Result<()> {
    if let Ok(dir) = std::env::var("CISTERN_E2E_SCREENSHOTS") {
        let png = c.screenshot().await?;
        std::fs::create_dir_all(&dir)?;
        std::fs::write(Path::new(&dir).join(format!("{name}.png")), png)?;
    }
    Ok(())
}
