//! Pages call the typed endpoint functions of `src/api/endpoints.rs`; none holds an API URL.
//! This reads the sources as text: every `.rs` file under `src/pages/` and the shared
//! widgets, and fails on a string literal with `/api/` or starting with a path of the API.

use std::fs;
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        panic!("cannot read {}", dir.display());
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The first segment of every API path the endpoint functions use (`accounts`,
/// `service-orders`, ...): `"/name` literals and `item("name", ..)` calls.
fn api_roots(endpoints: &str) -> Vec<String> {
    let mut roots = Vec::new();
    for (i, _) in endpoints.match_indices("\"/") {
        let rest = &endpoints[i + 2..];
        let root: String = rest
            .chars()
            .take_while(|c| c.is_ascii_lowercase() || *c == '-')
            .collect();
        if !root.is_empty() {
            roots.push(root);
        }
    }
    for (i, _) in endpoints.match_indices("item(\"") {
        let rest = &endpoints[i + 6..];
        let root: String = rest.chars().take_while(|c| *c != '"').collect();
        roots.push(root);
    }
    roots.sort();
    roots.dedup();
    roots
}

/// The first segment of the client's routes: `path!("/staff")` and the like in `app.rs`.
fn route_roots(app: &str) -> Vec<String> {
    app.match_indices("path!(\"/")
        .map(|(i, _)| {
            app[i + 8..]
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || *c == '-')
                .collect()
        })
        .collect()
}

#[test]
fn pages_hold_no_api_urls() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let endpoints = fs::read_to_string(src.join("api/endpoints.rs")).unwrap_or_default();
    // The client's own top-level routes (`/staff`, `/portal`, ...) are links, not API calls,
    // even where the API has a path of the same name (`/portal/accounts`).
    let app = fs::read_to_string(src.join("app.rs")).unwrap_or_default();
    let client_roots = route_roots(&app);
    assert!(
        client_roots.iter().any(|r| r == "staff"),
        "no routes in app.rs"
    );
    let roots: Vec<String> = api_roots(&endpoints)
        .into_iter()
        .filter(|r| !client_roots.contains(r))
        .collect();
    for must in [
        "accounts",
        "premises",
        "service-orders",
        "rate-schedules",
        "users",
        "audit",
    ] {
        assert!(
            roots.iter().any(|r| r == must),
            "no endpoint for /{must}: {roots:?}"
        );
    }
    let mut files = Vec::new();
    rust_files(&src.join("pages"), &mut files);
    rust_files(&src.join("components"), &mut files);
    files.push(src.join("pickers.rs"));
    files.push(src.join("app.rs"));
    assert!(
        files.len() > 15,
        "the pages were not found under {}",
        src.display()
    );
    let mut found = Vec::new();
    for file in &files {
        let text = fs::read_to_string(file).unwrap_or_default();
        for (n, line) in text.lines().enumerate() {
            let mut bad = line.contains("\"/api/") || line.contains("\"/api\"");
            for root in &roots {
                // `"/accounts` or `"/accounts/…` (an API path), but not `"/staff/accounts`.
                let needle = format!("\"/{root}");
                for (i, _) in line.match_indices(&needle) {
                    let next = line[i + needle.len()..].chars().next();
                    if matches!(next, None | Some('/' | '"' | '?' | '{')) {
                        bad = true;
                    }
                }
            }
            if bad {
                found.push(format!("{}:{}: {}", file.display(), n + 1, line.trim()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "API URLs in pages (call a function of src/api/endpoints.rs instead):\n{}",
        found.join("\n")
    );
}

#[test]
fn the_check_finds_a_url() {
    let roots = api_roots("self.get(\"/dashboard\") item(\"accounts\", id, \"\")");
    assert_eq!(roots, vec!["accounts".to_string(), "dashboard".to_string()]);
}
