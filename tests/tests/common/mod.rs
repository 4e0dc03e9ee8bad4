//! Helpers for the browser tests: the real server in-process with the demo city, sign-in over
//! the API and in the browser, keyboard helpers. (Each test file uses only some of these.)
#![allow(dead_code)]

use cistern_backend::config::Config;
use cistern_backend::startup::Application;
use cistern_e2e::{dist_dir, wait_for, Result};
use cistern_shared::dto::{LoginRequest, LoginResponse};
use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::key::Key;
use fantoccini::Client;

pub struct Server {
    pub base: String,
    _db_dir: tempfile::TempDir,
}

/// The real server, in-process, on a temporary SQLite database with the demo city.
pub async fn start_server(tweak: impl FnOnce(&mut Config)) -> Result<Server> {
    let dist = dist_dir()?;
    let db_dir = tempfile::Builder::new()
        .prefix("cistern-e2e-db-")
        .tempdir()?;
    let url = format!("sqlite://{}", db_dir.path().join("cistern.db").display());
    let mut cfg = Config::for_tests(&url);
    cfg.static_dir = Some(dist);
    cfg.run_jobs = false;
    tweak(&mut cfg);
    let app = Application::build(cfg).await?;
    let pool = app.pool();
    let hasher = cistern_backend::auth::PasswordPolicy::new(64, 1)?;
    tokio::task::spawn_blocking(move || cistern_backend::seed::seed_demo(&pool, &hasher))
        .await?
        .map_err(|e| format!("seeding the demo city failed: {e:?}"))?;
    let base = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    Ok(Server {
        base,
        _db_dir: db_dir,
    })
}

/// Signs in over the API (not the browser) and GETs `path`: what the page should show.
pub async fn api_get<T: serde::de::DeserializeOwned>(
    base: &str,
    user: &str,
    path: &str,
) -> Result<T> {
    let http = reqwest::Client::new();
    let login: LoginResponse = http
        .post(format!("{base}/api/v1/auth/login"))
        .json(&LoginRequest {
            username: user.into(),
            password: format!("{user}-demo-pass"),
        })
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    Ok(http
        .get(format!("{base}{path}"))
        .bearer_auth(&login.access_token)
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?)
}

/// Presses one key on whatever has the focus (as a keyboard user would).
pub async fn press(c: &Client, key: Key) -> Result<()> {
    let k: char = key.into();
    let actions = KeyActions::new("keyboard".into())
        .then(KeyAction::Down { value: k })
        .then(KeyAction::Up { value: k });
    c.perform_actions(actions).await?;
    Ok(())
}

/// The `id` and `class` of the focused element.
pub async fn focused(c: &Client) -> Result<String> {
    let v = c
        .execute(
            "const e = document.activeElement; return (e.id || '') + '|' + (e.className || '');",
            vec![],
        )
        .await?;
    Ok(v.as_str().unwrap_or_default().to_string())
}

/// Types into the sign-in form and submits with Enter (not a click: the keyboard path).
pub async fn sign_in(c: &Client, username: &str, password: &str) -> Result<()> {
    let user = wait_for(c, "#username").await?;
    user.clear().await?;
    user.send_keys(username).await?;
    let pass = wait_for(c, "#password").await?;
    pass.clear().await?;
    pass.send_keys(password).await?;
    pass.send_keys(&Key::Enter.to_string()).await?;
    Ok(())
}

/// Signs in over the API; answers the token and the user.
pub async fn api_login(base: &str, user: &str) -> Result<LoginResponse> {
    Ok(reqwest::Client::new()
        .post(format!("{base}/api/v1/auth/login"))
        .json(&LoginRequest {
            username: user.into(),
            password: format!("{user}-demo-pass"),
        })
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?)
}

/// POSTs `body` to `path` with a bearer token; fails on an error status (with the body).
pub async fn api_post<B: serde::Serialize, T: serde::de::DeserializeOwned>(
    base: &str,
    token: &str,
    path: &str,
    body: &B,
) -> Result<T> {
    let resp = reqwest::Client::new()
        .post(format!("{base}{path}"))
        .bearer_auth(token)
        .json(body)
        .send()
        .await?;
    let status = resp.status();
    if !status.is_success() {
        let text = resp.text().await.unwrap_or_default();
        return Err(format!("POST {path} answered {status}: {text}").into());
    }
    Ok(resp.json().await?)
}
