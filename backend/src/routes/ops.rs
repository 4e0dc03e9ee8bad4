use actix_web::{get, web, HttpResponse};
use cistern_shared::dto::{HealthDto, ReadyDto};
use diesel::connection::SimpleConnection;

use crate::startup::AppState;

/// Liveness: the process is up and serving.
#[utoipa::path(
    tag = "operations",
    responses((status = 200, description = "Alive", body = HealthDto))
)]
#[get("/api/health")]
pub async fn health() -> HttpResponse {
    HttpResponse::Ok().json(HealthDto {
        status: "ok".into(),
        version: env!("CARGO_PKG_VERSION").into(),
    })
}

/// Readiness: the database answers and its schema is current.
#[utoipa::path(
    tag = "operations",
    responses(
        (status = 200, description = "Ready", body = ReadyDto),
        (status = 503, description = "Not ready", body = ReadyDto)
    )
)]
#[get("/api/ready")]
pub async fn ready(state: web::Data<AppState>) -> HttpResponse {
    let s = state.get_ref().clone();
    let backend = s.pool.backend().as_str().to_owned();
    let checked = web::block(move || {
        let mut conn = s.pool.get().ok()?;
        conn.batch_execute("SELECT 1").ok()?;
        crate::db::migrations_current(&mut conn).ok()
    })
    .await
    .ok()
    .flatten();
    let body = ReadyDto {
        status: if checked == Some(true) {
            "ready"
        } else {
            "not_ready"
        }
        .into(),
        database: backend,
        database_reachable: checked.is_some(),
        migrations_current: checked == Some(true),
    };
    if checked == Some(true) {
        HttpResponse::Ok().json(body)
    } else {
        HttpResponse::ServiceUnavailable().json(body)
    }
}
