//! An account look-up during a sign-in flood (docs/PERFORMANCE.md, issue 9 point 3).
//!
//! Starts the real server (HTTP, a temporary SQLite database with the demo city, Argon2 at the
//! production cost: 19 MiB, 2 passes), then measures, in one run:
//! 1. the baseline: `GET /api/v1/accounts/{id}` as a clerk, one at a time, with nothing else
//!    going on (median, p95, max of wall-clock time);
//! 2. the same look-ups (as many as fit in the flood's time) while 200 connections send sign-ins as fast as they are answered, each
//!    from its own client address (`X-Forwarded-For`, trusted here) and for an unknown username,
//!    so the throttle never short-circuits them: every one that gets a hashing slot costs a
//!    full Argon2 hash (the worst case, a botnet);
//! 3. the process's peak resident memory (`VmHWM`) after each phase, and what the flood got:
//!    answers by status, passwords hashed.
//!
//! ```sh
//! cargo bench -p cistern-backend --bench signin_flood --profile server
//! # the same without the bound (one hashing slot per flood connection), for comparison:
//! CISTERN_BENCH_HASH_CONCURRENCY=200 cargo bench -p cistern-backend --bench signin_flood --profile server
//! CISTERN_BENCH_FLOOD_SECS=5 CISTERN_BENCH_LOOKUPS=100 cargo bench -p cistern-backend --bench signin_flood
//! ```
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a bench: failing loudly is the point

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use cistern_backend::auth::PasswordPolicy;
use cistern_backend::config::Config;
use cistern_backend::startup::Application;

const CONNECTIONS: usize = 200;

fn env_num(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// (VmRSS, VmHWM) of this process, in MiB.
fn memory_mib() -> (f64, f64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<f64>().ok())
            .map(|kb| kb / 1024.0)
            .unwrap_or(f64::NAN)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

struct Stats {
    median: f64,
    p95: f64,
    max: f64,
}

fn stats(mut ms: Vec<f64>) -> Stats {
    ms.sort_by(|a, b| a.total_cmp(b));
    let at = |q: f64| ms[((ms.len() as f64 - 1.0) * q).round() as usize];
    Stats {
        median: at(0.5),
        p95: at(0.95),
        max: at(1.0),
    }
}

/// `n` look-ups one after another, or as many as fit before `deadline`.
async fn lookups(
    client: &reqwest::Client,
    url: &str,
    token: &str,
    n: u64,
    deadline: Option<Instant>,
) -> Vec<f64> {
    let mut out = Vec::new();
    for _ in 0..n {
        if deadline.is_some_and(|d| Instant::now() >= d) && out.len() >= 20 {
            break;
        }
        let t = Instant::now();
        let res = client.get(url).bearer_auth(token).send().await.unwrap();
        assert_eq!(res.status(), 200);
        res.bytes().await.unwrap();
        out.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    out
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(run());
}

async fn run() {
    let flood_secs = env_num("CISTERN_BENCH_FLOOD_SECS", 15).max(3);
    let n_lookups = env_num("CISTERN_BENCH_LOOKUPS", 300);
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::for_tests(&format!(
        "sqlite://{}",
        dir.path().join("cistern.db").display()
    ));
    config.run_jobs = false;
    config.pool_size = 8;
    config.argon2_memory_kib = env_num("CISTERN_BENCH_ARGON2_KIB", 19 * 1024) as u32;
    config.argon2_iterations = 2;
    config.client_address_header = Some("X-Forwarded-For".into());
    // The production wait for a hashing slot (tests wait longer).
    config.hash_queue_wait_ms = Config::default().hash_queue_wait_ms;
    config.hash_concurrency = std::env::var("CISTERN_BENCH_HASH_CONCURRENCY")
        .ok()
        .and_then(|v| v.parse().ok());
    let slots = config
        .hash_concurrency
        .map(|n| n as usize)
        .unwrap_or_else(cistern_backend::auth::HashGate::default_size);
    let app = Application::build(config).await.unwrap();
    let base = format!("http://127.0.0.1:{}", app.port());
    let hasher = app.state().hasher.clone();
    let pool = app.pool();
    tokio::spawn(app.run_until_stopped());
    let seed_hasher = PasswordPolicy::new(64, 1).unwrap();
    tokio::task::spawn_blocking(move || cistern_backend::seed::seed_demo(&pool, &seed_hasher))
        .await
        .unwrap()
        .unwrap();

    let client = reqwest::Client::new();
    let login: serde_json::Value = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&serde_json::json!({"username": "clerk", "password": "clerk-demo-pass"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = login["access_token"].as_str().unwrap().to_owned();
    let url = format!("{base}/api/v1/accounts/acc-00012");
    lookups(&client, &url, &token, 20, None).await; // warm up
    let (rss0, _) = memory_mib();
    let baseline = stats(lookups(&client, &url, &token, n_lookups, None).await);
    let (_, hwm_baseline) = memory_mib();

    // The flood.
    let stop = Arc::new(AtomicBool::new(false));
    let counter = Arc::new(AtomicU64::new(0));
    let hashes_before = hasher.evaluations();
    let started = Instant::now();
    let mut tasks = Vec::new();
    for task in 0..CONNECTIONS {
        let (stop, counter, base) = (stop.clone(), counter.clone(), base.clone());
        tasks.push(tokio::spawn(async move {
            // One client each: 200 separate connections.
            let client = reqwest::Client::new();
            let mut statuses: BTreeMap<u16, u64> = BTreeMap::new();
            while !stop.load(Ordering::Relaxed) {
                let n = counter.fetch_add(1, Ordering::Relaxed);
                let from = format!("10.{}.{}.{}", (n >> 16) & 255, (n >> 8) & 255, n & 255);
                let res = client
                    .post(format!("{base}/api/v1/auth/login"))
                    .header("X-Forwarded-For", from)
                    .json(&serde_json::json!({
                        "username": format!("flood-{task}-{n}"),
                        "password": "password123"
                    }))
                    .send()
                    .await;
                let status = match res {
                    Ok(r) => {
                        let s = r.status().as_u16();
                        let _ = r.bytes().await;
                        s
                    }
                    Err(_) => 0,
                };
                *statuses.entry(status).or_default() += 1;
            }
            statuses
        }));
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let deadline = started + Duration::from_secs(flood_secs);
    let during = lookups(&client, &url, &token, n_lookups, Some(deadline)).await;
    let n_during = during.len();
    let during = stats(during);
    let remaining = Duration::from_secs(flood_secs).saturating_sub(started.elapsed());
    tokio::time::sleep(remaining).await;
    stop.store(true, Ordering::Relaxed);
    let mut statuses: BTreeMap<u16, u64> = BTreeMap::new();
    for t in tasks {
        for (s, n) in t.await.unwrap() {
            *statuses.entry(s).or_default() += n;
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    let hashes = hasher.evaluations() - hashes_before;
    let (rss1, hwm_flood) = memory_mib();

    println!(
        "hashing slots: {slots}; Argon2 19 MiB x 2 passes; SQLite; {CONNECTIONS} flood connections for {elapsed:.1} s"
    );
    println!("| phase | look-ups | median ms | p95 ms | max ms | peak RSS (VmHWM) MiB |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: |");
    println!(
        "| baseline (no flood) | {n_lookups} | {:.2} | {:.2} | {:.2} | {hwm_baseline:.0} |",
        baseline.median, baseline.p95, baseline.max
    );
    println!(
        "| during the sign-in flood | {n_during} | {:.2} | {:.2} | {:.2} | {hwm_flood:.0} |",
        during.median, during.p95, during.max
    );
    let total: u64 = statuses.values().sum();
    println!(
        "flood: {total} sign-ins answered ({:.0}/s), by status {statuses:?}; {hashes} passwords hashed ({:.1}/s); RSS before {rss0:.0} MiB, after {rss1:.0} MiB",
        total as f64 / elapsed,
        hashes as f64 / elapsed
    );
}
