//! The conversion import over HTTP: the CSV files of a city's previous system, as JSON text.

use actix_web::{guard, web, HttpResponse};
use cistern_shared::import::{ConversionImportRequest, ConversionReport, ImportOutcome};
use cistern_shared::Problem;

use crate::auth::{Allow, Importers};
use crate::domain::audit::Actor;
use crate::domain::import::{self, ImportFiles, Options};
use crate::error::ApiResult;
use crate::startup::{blocking, AppState, RequestId};

/// The body limit of this route only: a city's files together (every other route keeps the
/// configured `max_body_bytes`).
pub const MAX_BODY_BYTES: usize = 64 * 1024 * 1024;

pub const CONVERSION_PATH: &str = "/api/v1/imports/conversion";

use cistern_shared::query::ConversionQuery;

/// Import a city from its previous system: customers, premises, meters, services, accounts,
/// last reads and winter averages as CSV files (see `docs/import.md`).
///
/// A dry run (the default) answers 200 with the report, problems included (`outcome`
/// `invalid`), and changes nothing. A real run (`dry_run=false`) with any problem answers 422
/// and changes nothing; each problem is one entry of `fields`, named `file:row:field`.
/// Otherwise it imports everything in one transaction and answers 200 (`outcome` `imported`).
/// The same files again answer 200 with `outcome` `already_imported` and change nothing;
/// records imported before (by legacy id) are updated when changed and skipped when not.
#[utoipa::path(
    post,
    path = "/api/v1/imports/conversion",
    tag = "imports",
    params(ConversionQuery),
    request_body = ConversionImportRequest,
    responses(
        (status = 200, description = "The report: `ready`/`invalid` for a dry run, `imported` or `already_imported` for a real one", body = ConversionReport),
        (status = 400, description = "Malformed body or query", body = Problem),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Role not allowed", body = Problem),
        (status = 409, description = "The same files are being imported right now", body = Problem),
        (status = 413, description = "Body over 64 MiB", body = Problem),
        (status = 422, description = "Real run with problems: nothing imported; `fields` lists each as `file:row:field`", body = Problem)
    )
)]
pub async fn conversion(
    state: web::Data<AppState>,
    who: Allow<Importers>,
    rid: RequestId,
    q: web::Query<ConversionQuery>,
    body: web::Json<ConversionImportRequest>,
) -> ApiResult<HttpResponse> {
    let dry_run = q.dry_run.unwrap_or(true);
    let actor = Actor::user(&who, Some(rid.0));
    let files = body.into_inner().files;
    let report = blocking(&state, move |s| {
        let files = ImportFiles::from_texts(files);
        import::run(
            &s.pool,
            &actor,
            &files,
            Options {
                dry_run,
                today: s.business_date(),
            },
        )
    })
    .await?;
    if !dry_run && report.outcome == ImportOutcome::Invalid {
        return Err(import::problems_error(&report));
    }
    Ok(HttpResponse::Ok().json(report))
}

/// The route, with its own JSON body limit (errors still answer as problem documents). The
/// POST guard lets other methods fall through to the API's 405 answer.
pub fn conversion_service() -> actix_web::Resource {
    web::resource(CONVERSION_PATH)
        .guard(guard::Post())
        .app_data(
            web::JsonConfig::default()
                .limit(MAX_BODY_BYTES)
                .error_handler(crate::error::json_error),
        )
        .route(web::post().to(conversion))
}
