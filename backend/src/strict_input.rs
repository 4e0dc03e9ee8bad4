//! Text that reaches the domain is clean, whichever handler reads it: every JSON body and query
//! string passes here first. Strings are normalised to Unicode NFC (the same name typed on a
//! Mac and on Windows is one name, and search finds it); NUL and other control characters are
//! refused (newlines and tabs only in the fields that hold several lines); a date outside the
//! sane window (`date_window`, 1900-2199 by default) is refused, whatever field carries it.
//! A refusal is a 422 problem naming the field, never a 500 from the database.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{header, Method};
use actix_web::middleware::Next;
use actix_web::web::{self, Bytes, BytesMut};
use chrono::{Datelike, NaiveDate};
use cistern_shared::FieldCode;
use futures_util::StreamExt;
use serde_json::Value;
use unicode_normalization::{is_nfc, UnicodeNormalization};

use crate::error::ApiError;
use crate::startup::AppState;

/// Fields whose text may span lines (notes, letters, addresses written on several lines).
const MULTI_LINE: &[&str] = &[
    "body",
    "cancel_reason",
    "completion_notes",
    "description",
    "forwarding_address",
    "foreign",
    "instructions",
    "mailing_address",
    "message",
    "note",
    "notes",
    "reason",
    "resolution",
    "document",
];

/// Request bodies checked elsewhere: the conversion import decodes and checks its files
/// itself and reports each problem by file, row and column.
const OWN_CHECKS: &[&str] = &["/api/v1/imports/"];

#[derive(Debug, Clone, Copy)]
pub struct DateWindow {
    pub min_year: i32,
    pub max_year: i32,
}

impl DateWindow {
    fn check(&self, s: &str, field: &str) -> Result<(), ApiError> {
        // Only what serde would read as a date (`YYYY-MM-DD`, also the short years chrono
        // accepts) counts; other text is not a date.
        let Ok(d) = s.parse::<NaiveDate>() else {
            return Ok(());
        };
        if d.year() < self.min_year || d.year() > self.max_year {
            return Err(ApiError::field(
                field,
                FieldCode::DateRange,
                format!(
                    "dates must fall between {} and {}",
                    self.min_year, self.max_year
                ),
            ));
        }
        Ok(())
    }
}

/// Cleans one string in place, or says why it is refused.
fn clean(
    s: &mut String,
    field: &str,
    multi_line: bool,
    dates: &DateWindow,
) -> Result<(), ApiError> {
    for c in s.chars() {
        let allowed = !c.is_control() || (multi_line && matches!(c, '\n' | '\r' | '\t'));
        if !allowed {
            let what = if c == '\0' {
                "must not contain NUL characters"
            } else if matches!(c, '\n' | '\r') {
                "must be on one line"
            } else {
                "must not contain control characters"
            };
            return Err(ApiError::field(field, FieldCode::ControlCharacters, what));
        }
    }
    if !is_nfc(s) {
        *s = s.nfc().collect();
    }
    dates.check(s, field)
}

fn walk(v: &mut Value, path: &str, multi_line: bool, dates: &DateWindow) -> Result<(), ApiError> {
    match v {
        Value::String(s) => clean(s, path, multi_line, dates),
        Value::Array(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                walk(item, &format!("{path}[{i}]"), multi_line, dates)?;
            }
            Ok(())
        }
        Value::Object(map) => {
            let mut renamed = Vec::new();
            for (k, item) in map.iter_mut() {
                let field = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                if k.chars().any(char::is_control) {
                    return Err(ApiError::field(
                        &field,
                        FieldCode::ControlCharacters,
                        "field names must not contain control characters",
                    ));
                }
                if !is_nfc(k) {
                    renamed.push(k.clone());
                }
                walk(
                    item,
                    &field,
                    multi_line || MULTI_LINE.contains(&k.as_str()),
                    dates,
                )?;
            }
            for k in renamed {
                if let Some(item) = map.remove(&k) {
                    map.insert(k.nfc().collect(), item);
                }
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

fn check_query(query: &str, dates: &DateWindow) -> Result<(), ApiError> {
    for (k, v) in form_urlencoded_pairs(query) {
        if v.chars().any(char::is_control) || k.chars().any(char::is_control) {
            return Err(ApiError::field(
                &k,
                FieldCode::ControlCharacters,
                "must not contain control characters",
            ));
        }
        dates.check(&v, &k)?;
    }
    Ok(())
}

/// `a=1&b=x%20y` as decoded pairs (undecodable pairs are left to the handler's own parser).
fn form_urlencoded_pairs(q: &str) -> Vec<(String, String)> {
    q.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn is_json(req: &ServiceRequest) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| {
            let ct = ct.to_ascii_lowercase();
            ct.starts_with("application/json") || ct.contains("+json")
        })
}

pub async fn strict_input(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<actix_web::body::EitherBody<impl MessageBody>>, actix_web::Error> {
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_left_body);
    };
    let dates = state.config.date_window();
    let refuse = |req: ServiceRequest, e: ApiError| {
        let (http, _) = req.into_parts();
        let res = actix_web::ResponseError::error_response(&e);
        Ok(ServiceResponse::new(http, res).map_into_right_body())
    };
    if let Err(e) = check_query(req.query_string(), &dates) {
        return refuse(req, e);
    }
    let has_body = matches!(*req.method(), Method::POST | Method::PUT | Method::PATCH);
    let own = OWN_CHECKS.iter().any(|p| req.path().starts_with(p));
    if !has_body || own || !is_json(&req) {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_left_body);
    }
    // Read the body (no further than the configured limit; the JSON extractor then answers a
    // body that is too large), clean it, and hand the cleaned body on.
    let limit = state.config.max_body_bytes;
    let mut body = BytesMut::new();
    let mut payload = req.parts_mut().1.take();
    let mut too_large = false;
    while let Some(chunk) = payload.next().await {
        let chunk = chunk?;
        if body.len() + chunk.len() > limit {
            too_large = true;
            break;
        }
        body.extend_from_slice(&chunk);
    }
    if too_large {
        return refuse(
            req,
            ApiError::with_detail(
                cistern_shared::ErrorCode::PayloadTooLarge,
                "the request body is too large",
            ),
        );
    }
    let body = body.freeze();
    let cleaned = match serde_json::from_slice::<Value>(&body) {
        // Not JSON: the extractor answers that with its own problem.
        Err(_) => body,
        Ok(mut v) => match walk(&mut v, "", false, &dates) {
            Err(e) => return refuse(req, e),
            Ok(()) => serde_json::to_vec(&v).map(Bytes::from).unwrap_or(body),
        },
    };
    req.set_payload(bytes_payload(cleaned));
    next.call(req)
        .await
        .map(ServiceResponse::map_into_left_body)
}

fn bytes_payload(b: Bytes) -> actix_web::dev::Payload {
    actix_web::dev::Payload::from(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    const WINDOW: DateWindow = DateWindow {
        min_year: 1900,
        max_year: 2199,
    };

    fn run(mut v: Value) -> Result<Value, (String, String)> {
        walk(&mut v, "", false, &WINDOW)
            .map(|()| v)
            .map_err(|e| (e.fields[0].field.clone(), e.fields[0].code.to_string()))
    }

    #[test]
    fn control_characters_are_refused_by_field() {
        let e = run(serde_json::json!({"name": "Ann\u{0}"})).unwrap_err();
        assert_eq!(e, ("name".into(), "control_characters".into()));
        let e = run(serde_json::json!({"new_customer": {"name": "Ann\nBee"}})).unwrap_err();
        assert_eq!(e, ("new_customer.name".into(), "control_characters".into()));
        let e = run(serde_json::json!({"registers": [{"code": "a\u{7}"}]})).unwrap_err();
        assert_eq!(e.0, "registers[0].code");
    }

    #[test]
    fn multi_line_fields_keep_their_lines() {
        let v =
            run(serde_json::json!({"mailing_address": "412 Alder St\r\nRiverbend OR"})).unwrap();
        assert_eq!(v["mailing_address"], "412 Alder St\r\nRiverbend OR");
        assert!(run(serde_json::json!({"notes": "a\u{0}"})).is_err());
    }

    #[test]
    fn text_is_normalised_to_nfc() {
        let v = run(serde_json::json!({"name": "Jose\u{301} Nun\u{303}ez"})).unwrap();
        assert_eq!(v["name"], "Jos\u{e9} Nu\u{f1}ez");
    }

    #[test]
    fn dates_outside_the_window_are_refused() {
        assert!(run(serde_json::json!({"due_on": "2026-12-01"})).is_ok());
        let e = run(serde_json::json!({"due_on": "0208-12-01"})).unwrap_err();
        assert_eq!(e, ("due_on".into(), "date_range".into()));
        assert!(run(serde_json::json!({"start_on": "2200-01-01"})).is_err());
        assert!(run(serde_json::json!({"start_on": "1899-12-31"})).is_err());
        assert!(check_query("from=0208-01-01&to=2026-01-01", &WINDOW).is_err());
        assert!(check_query("from=2026-01-01&q=a%20b", &WINDOW).is_ok());
        assert!(check_query("q=a%00b", &WINDOW).is_err());
    }
}
