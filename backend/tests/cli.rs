#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: failing loudly is the point
//! The `cistern` command as an operator uses it.

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn cistern(dir: &std::path::Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_cistern"));
    c.current_dir(dir)
        .env_remove("DATABASE_URL")
        .env_remove("CISTERN_MODE")
        .env_remove("CISTERN_JWT_SECRET")
        .env("CISTERN_ARGON2_MEMORY_KIB", "64")
        .env("CISTERN_ARGON2_ITERATIONS", "1")
        .env("CISTERN_LOG_FORMAT", "json");
    c
}

#[test]
fn migrate_seed_create_user_and_backup() {
    let dir = tempfile::tempdir().unwrap();
    let out = cistern(dir.path()).arg("migrate").output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(dir.path().join("data/cistern.db").exists());

    let out = cistern(dir.path()).arg("seed-demo").output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("Loaded the demo city: 264 accounts"),
        "{text}"
    );
    assert!(text.contains("clerk-demo-pass"), "{text}");
    // A second time changes nothing.
    let again = cistern(dir.path()).arg("seed-demo").output().unwrap();
    assert!(!String::from_utf8_lossy(&again.stdout).contains("Loaded"));

    let mut child = cistern(dir.path())
        .args([
            "create-user",
            "--username",
            "ops",
            "--display-name",
            "Ops Person",
            "--role",
            "admin",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"a-long-ops-password\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("created ops (admin)"));

    let mut short = cistern(dir.path())
        .args([
            "create-user",
            "--username",
            "x",
            "--display-name",
            "X",
            "--role",
            "clerk",
        ])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    short.stdin.take().unwrap().write_all(b"short\n").unwrap();
    let out = short.wait_with_output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("password_length"));

    let backup = dir.path().join("copy.db");
    let out = cistern(dir.path())
        .args(["backup", backup.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The copy is a working database with the same data.
    let url = format!("sqlite://{}", backup.display());
    let out = cistern(dir.path())
        .env("DATABASE_URL", &url)
        .arg("seed-demo")
        .output()
        .unwrap();
    assert!(
        !String::from_utf8_lossy(&out.stdout).contains("Loaded"),
        "backup lacks the demo data"
    );
    let exists = cistern(dir.path())
        .args(["backup", backup.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!exists.status.success(), "overwrote an existing backup");
}

#[test]
fn production_mode_refuses_to_start_without_a_secret() {
    let dir = tempfile::tempdir().unwrap();
    let out = cistern(dir.path())
        .env("CISTERN_MODE", "production")
        .args(["serve"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("JWT secret"));
    let secret = dir.path().join("secret");
    std::fs::write(&secret, "x").unwrap();
    let out = cistern(dir.path())
        .env("CISTERN_MODE", "production")
        .env("CISTERN_JWT_SECRET_FILE", &secret)
        .args(["serve"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("at least 32"));
    let out = cistern(dir.path())
        .env("CISTERN_MODE", "production")
        .env("CISTERN_JWT_SECRET", "0123456789abcdef0123456789abcdef")
        .arg("seed-demo")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("refusing"));
}

#[test]
fn serve_starts_keeps_its_secret_and_stops_gracefully_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let start = |dir: &std::path::Path| {
        cistern(dir)
            .env("CISTERN_BIND", format!("127.0.0.1:{port}"))
            .args(["serve", "--seed-demo"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let wait_ready = || {
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) {
                use std::io::Read;
                let _ = s.write_all(b"GET /api/ready HTTP/1.0\r\n\r\n");
                let mut buf = String::new();
                let _ = s.read_to_string(&mut buf);
                if buf.contains("\"ready\"") {
                    return true;
                }
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        false
    };
    let stop = |child: std::process::Child| {
        let pid = child.id().to_string();
        assert!(Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success());
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "exit {:?}: {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).to_string()
    };
    let first = start(dir.path());
    assert!(wait_ready(), "server did not become ready");
    let secret = std::fs::read_to_string(dir.path().join("data/jwt-secret")).unwrap();
    let printed = stop(first);
    assert!(printed.contains("user clerk"), "{printed}");
    assert!(printed.contains("Loaded the demo city"));
    // Second start: same database and secret, demo not loaded again.
    let second = start(dir.path());
    assert!(wait_ready());
    let printed = stop(second);
    assert!(!printed.contains("Loaded the demo city"), "{printed}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("data/jwt-secret")).unwrap(),
        secret
    );
}

#[test]
fn version_names_the_release() {
    let dir = tempfile::tempdir().unwrap();
    let out = cistern(dir.path()).arg("--version").output().unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("cistern {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn create_cycle_makes_reference_data_in_an_empty_database() {
    let dir = tempfile::tempdir().unwrap();
    let create = |code: &str, months: &str| {
        cistern(dir.path())
            .args([
                "create-cycle",
                "--code",
                code,
                "--name",
                "West side",
                "--months",
                months,
            ])
            .output()
            .unwrap()
    };
    let out = create("W1", "1");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("created billing cycle W1"), "{text}");
    // The code is unique, and the rules of the API apply.
    let again = create("W1", "2");
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("taken"));
    let bad = create("w 1", "1");
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("invalid"));
    let bad = create("W2", "13");
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("range"));
}

#[cfg(unix)]
#[test]
fn the_database_and_data_folder_are_readable_by_the_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let out = cistern(dir.path()).arg("migrate").output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&dir.path().join("data")), 0o700);
    assert_eq!(mode(&dir.path().join("data/cistern.db")), 0o600);
    for side in ["data/cistern.db-wal", "data/cistern.db-shm"] {
        let p = dir.path().join(side);
        if p.exists() {
            assert_eq!(mode(&p) & 0o077, 0, "{side} is readable by others");
        }
    }
    // The development secret, in a data folder of its own.
    let other = tempfile::tempdir().unwrap();
    let out = cistern(other.path())
        .env("CISTERN_DATA_DIR", other.path().join("state"))
        .env(
            "DATABASE_URL",
            format!("sqlite://{}", other.path().join("db/c.db").display()),
        )
        .arg("seed-demo")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(mode(&other.path().join("state")), 0o700);
    assert_eq!(mode(&other.path().join("state/jwt-secret")), 0o600);
    assert_eq!(mode(&other.path().join("db")), 0o700);
    assert_eq!(mode(&other.path().join("db/c.db")), 0o600);
}

#[test]
fn production_refuses_the_demo_sign_ins_until_they_are_removed() {
    let dir = tempfile::tempdir().unwrap();
    let out = cistern(dir.path()).arg("seed-demo").output().unwrap();
    assert!(out.status.success());
    let prod = |args: &[&str]| {
        cistern(dir.path())
            .env("CISTERN_MODE", "production")
            .env("CISTERN_JWT_SECRET", "0123456789abcdef0123456789abcdef")
            .env("CISTERN_BIND", "127.0.0.1:0")
            .args(args)
            .output()
            .unwrap()
    };
    let out = prod(&["serve"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(err.contains("demo"), "{err}");
    assert!(err.contains("cistern remove-demo-access"), "{err}");
    let out = prod(&["remove-demo-access"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("Removed demo access"));
    let out = prod(&["remove-demo-access"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("No demo sign-ins"));
}

/// A new database on the test PostgreSQL server.
fn fresh_pg() -> String {
    use diesel::connection::SimpleConnection;
    use diesel::Connection;
    let server = std::env::var("CISTERN_TEST_PG_URL")
        .expect("CISTERN_TEST_PG_URL: the copy test needs a PostgreSQL server");
    let name = format!("cistern_c_{}", uuid::Uuid::new_v4().simple());
    let mut admin = diesel::PgConnection::establish(&format!("{server}/postgres")).unwrap();
    admin
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .unwrap();
    format!("{server}/{name}")
}

#[test]
fn copy_database_moves_the_demo_city_to_postgres_and_refuses_a_full_target() {
    let dir = tempfile::tempdir().unwrap();
    let out = cistern(dir.path()).arg("seed-demo").output().unwrap();
    assert!(out.status.success());
    let pg = fresh_pg();
    let copy = |from: &str, to: &str| {
        cistern(dir.path())
            .args(["copy-database", "--from", from, "--to", to])
            .output()
            .unwrap()
    };
    let from = "sqlite://./data/cistern.db";
    let out = copy(from, &pg);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}{}",
        text,
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("every row count matches"), "{text}");
    let accounts = text
        .lines()
        .find(|l| l.trim_start().starts_with("accounts "))
        .unwrap();
    assert_eq!(
        accounts.split_whitespace().collect::<Vec<_>>(),
        ["accounts", "264", "264"]
    );
    assert!(text
        .lines()
        .any(|l| l.trim_start().starts_with("audit_log ")));
    // Again into the same target: refused, nothing changed.
    let out = copy(from, &pg);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("not empty"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // And back into a new SQLite file.
    let back = format!("sqlite://{}", dir.path().join("back.db").display());
    let out = copy(&pg, &back);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("from postgres to sqlite"));
}
