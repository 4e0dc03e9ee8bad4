//! The browser client, served from the binary itself (see build.rs). Assets under `/assets/`
//! carry a content hash in their names and are cached for a year; `index.html` is revalidated
//! on every visit, so a new release is picked up at once. Where the build made `.br` and `.gz`
//! copies, the smallest the browser accepts is sent as it is, with no compression per request.

use std::collections::HashMap;
use std::sync::OnceLock;

use actix_web::http::header::{self, HeaderValue};
use actix_web::{web, HttpRequest, HttpResponse};
use sha2::{Digest, Sha256};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/client_assets.rs"));
}

struct Asset {
    bytes: &'static [u8],
    etag: String,
}

fn table() -> &'static HashMap<&'static str, Asset> {
    static TABLE: OnceLock<HashMap<&'static str, Asset>> = OnceLock::new();
    TABLE.get_or_init(|| {
        embedded::ASSETS
            .iter()
            .map(|(path, bytes)| {
                let hash = Sha256::digest(bytes);
                let etag = format!("\"{}\"", hex::encode(&hash[..12]));
                (*path, Asset { bytes, etag })
            })
            .collect()
    })
}

/// True when the binary carries a built client.
pub fn is_embedded() -> bool {
    table().contains_key("/index.html")
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "wasm" => "application/wasm",
        "svg" => "image/svg+xml",
        "json" => "application/json",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    }
}

/// The encodings the request accepts, best first, among those we keep copies in.
fn accepted(req: &HttpRequest) -> Vec<(&'static str, &'static str)> {
    let accept = req
        .headers()
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let takes = |name: &str| {
        accept.split(',').any(|part| {
            let mut it = part.trim().split(';');
            it.next().is_some_and(|n| n.trim() == name)
                && !it.any(|p| p.trim().replace(' ', "") == "q=0")
        })
    };
    let mut out = Vec::new();
    if takes("br") {
        out.push((".br", "br"));
    }
    if takes("gzip") {
        out.push((".gz", "gzip"));
    }
    out
}

/// Answers a GET for `path` from the embedded client, falling back to `index.html` for the
/// client's own routes (`/staff/...`, `/portal`). `None` when no client is embedded.
pub fn respond(req: &HttpRequest, path: &str) -> Option<HttpResponse> {
    let t = table();
    let (path, asset) = match t.get_key_value(path) {
        Some((p, a)) if !p.ends_with(".br") && !p.ends_with(".gz") => (*p, a),
        // A path that looks like a file but is not one is a 404, not the page.
        _ if path.starts_with("/assets/") || path.starts_with("/pkg/") => {
            return Some(HttpResponse::NotFound().finish())
        }
        _ => t.get_key_value("/index.html").map(|(p, a)| (*p, a))?,
    };
    let vary = HeaderValue::from_static("Accept-Encoding");
    let cache = if path.starts_with("/assets/") {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    if req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|e| e.trim() == asset.etag))
    {
        return Some(
            HttpResponse::NotModified()
                .insert_header((header::ETAG, asset.etag.clone()))
                .insert_header((header::CACHE_CONTROL, cache))
                .insert_header((header::VARY, vary))
                .finish(),
        );
    }
    let (bytes, encoding) = accepted(req)
        .into_iter()
        .find_map(|(ext, name)| {
            t.get(format!("{path}{ext}").as_str())
                .map(|a| (a.bytes, Some(name)))
        })
        .unwrap_or((asset.bytes, None));
    let mut res = HttpResponse::Ok();
    res.insert_header((header::CONTENT_TYPE, content_type(path)))
        .insert_header((header::ETAG, asset.etag.clone()))
        .insert_header((header::CACHE_CONTROL, cache))
        .insert_header((header::VARY, vary));
    match encoding {
        Some(e) => {
            res.insert_header((header::CONTENT_ENCODING, e));
        }
        // Sent as it is: the compression middleware must not touch it either.
        None => {
            res.insert_header((header::CONTENT_ENCODING, "identity"));
        }
    }
    Some(res.body(bytes))
}

/// The handler for every path outside `/api` when the client is embedded.
pub async fn serve(req: HttpRequest) -> HttpResponse {
    let path = req.path().to_owned();
    respond(&req, &path).unwrap_or_else(|| HttpResponse::NotFound().finish())
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.default_service(web::get().to(serve));
}
