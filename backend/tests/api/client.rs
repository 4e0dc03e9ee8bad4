//! The browser client is served from the binary itself (no `static_dir`): hashed assets cached
//! for a year, precompressed copies sent as they are, the page for the client's own routes.
//! Needs the client built before the server (scripts/build-client.sh; scripts/test.sh and CI
//! do it first).

use reqwest::header;

use crate::helpers::{spawn, Db};

async fn the_embedded_client_is_served(db: Db) {
    let app = spawn(db).await;
    let raw = reqwest::Client::builder()
        .no_gzip()
        .no_brotli()
        .build()
        .unwrap();
    let index = raw.get(app.url("/")).send().await.unwrap();
    assert_eq!(
        index.status(),
        200,
        "no client in the binary: run scripts/build-client.sh before building the server"
    );
    assert_eq!(index.headers()[header::CACHE_CONTROL], "no-cache");
    let etag = index.headers()[header::ETAG].clone();
    let html = index.text().await.unwrap();
    assert!(html.contains("<title>Cistern</title>"), "{html}");
    // Every asset the page names is served, under a hashed name, cached for a year.
    let wasm = html
        .split('"')
        .find(|s| s.starts_with("/assets/") && s.ends_with(".wasm"))
        .expect("the page names its wasm module")
        .to_owned();
    for asset in html.split('"').filter(|s| s.starts_with("/assets/")) {
        let r = raw.get(app.url(asset)).send().await.unwrap();
        assert_eq!(r.status(), 200, "{asset}");
        assert_eq!(
            r.headers()[header::CACHE_CONTROL],
            "public, max-age=31536000, immutable"
        );
    }
    // The smallest copy the browser takes, sent as it is.
    let plain = raw.get(app.url(&wasm)).send().await.unwrap();
    assert_eq!(plain.headers()[header::CONTENT_TYPE], "application/wasm");
    let plain_len = plain.bytes().await.unwrap().len();
    let gz = raw
        .get(app.url(&wasm))
        .header(header::ACCEPT_ENCODING, "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(gz.headers()[header::CONTENT_ENCODING], "gzip");
    let gz_len = gz.bytes().await.unwrap().len();
    assert!(gz_len < plain_len / 2, "gzip {gz_len} of {plain_len}");
    let br = raw
        .get(app.url(&wasm))
        .header(header::ACCEPT_ENCODING, "gzip, deflate, br")
        .send()
        .await
        .unwrap();
    assert_eq!(br.headers()[header::CONTENT_ENCODING], "br");
    assert!(br.bytes().await.unwrap().len() < gz_len);
    // Revalidation, client routes, and a missing asset.
    let again = raw
        .get(app.url("/"))
        .header(header::IF_NONE_MATCH, etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
    let route = raw.get(app.url("/staff/accounts")).send().await.unwrap();
    assert_eq!(route.status(), 200);
    assert!(route
        .text()
        .await
        .unwrap()
        .contains("<title>Cistern</title>"));
    let missing = raw
        .get(app.url("/assets/nope-123.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    // The API's own 404 stays a problem document.
    let api = raw.get(app.url("/api/v1/nope")).send().await.unwrap();
    assert_eq!(api.status(), 404);
    assert_eq!(
        api.headers()[header::CONTENT_TYPE],
        "application/problem+json"
    );
}

crate::on_both_databases!(the_embedded_client_is_served);
