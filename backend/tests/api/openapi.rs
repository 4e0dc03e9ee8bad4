use crate::helpers::{spawn, Auth, Db};

/// The committed spec is what the code generates. Regenerate with
/// `cargo run -p cistern-backend -- openapi > openapi/openapi.json`.
#[test]
fn committed_spec_matches_the_code() {
    let generated = cistern_backend::openapi::spec_json();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../openapi/openapi.json");
    if std::env::var_os("CISTERN_UPDATE_OPENAPI").is_some() {
        std::fs::write(path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == generated,
        "openapi/openapi.json is out of date: run `cargo run -p cistern-backend -- openapi > openapi/openapi.json`"
    );
    let spec: serde_json::Value = serde_json::from_str(&generated).unwrap();
    assert!(spec["openapi"].as_str().unwrap().starts_with("3.1"));
}

#[tokio::test]
async fn the_spec_and_its_offline_docs_are_served() {
    let app = spawn(Db::Sqlite).await;
    let spec = app.get("/api/openapi.json", &Auth::None).await;
    assert_eq!(spec.status, 200);
    assert_eq!(spec.body["info"]["title"], "Cistern API");
    let docs = app.client.get(app.url("/api/docs/")).send().await.unwrap();
    assert_eq!(docs.status(), 200);
    let html = docs.text().await.unwrap();
    assert!(html.contains("swagger-ui"), "{html}");
    // Vendored: the assets come from this server, not a CDN.
    let css = app
        .client
        .get(app.url("/api/docs/swagger-ui.css"))
        .send()
        .await
        .unwrap();
    assert_eq!(css.status(), 200);
    assert!(!html.contains("unpkg.com") && !html.contains("cdn."));
}
