//! The OpenAPI 3.1 document, generated from the handlers. Each operation's `security` names
//! the roles it admits (OpenAPI 3.1 allows role names as the values of non-OAuth schemes).

use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::SecurityRequirement;
use utoipa::{Modify, OpenApi};

use crate::routes::{
    accounts, admin, auth, complaints, contacts, customers, imports, meters, notes, ops, orders,
    premises, rates, sdcs, services, vendors,
};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Cistern API",
        description = "Customer information and billing for city water and sewer utilities.\n\n\
            Authenticate with `Authorization: Bearer <access token>` from `POST /api/v1/auth/login`, \
            or, for integrator users, `X-Api-Key: <key>`. Every operation's security lists the roles \
            it admits. Errors are `application/problem+json` with a stable `code`.",
        license(name = "AGPL-3.0-or-later")
    ),
    paths(
        ops::health,
        ops::ready,
        auth::login,
        auth::refresh,
        auth::logout,
        auth::me,
        auth::change_password,
        admin::list_users,
        admin::create_user,
        admin::get_user,
        admin::update_user,
        admin::reset_password,
        admin::revoke_sessions,
        admin::create_api_key,
        admin::audit_log,
        admin::list_jobs,
        admin::enqueue_job,
        admin::get_job,
        accounts::dashboard,
        accounts::cycles,
        accounts::search,
        accounts::get,
        accounts::portal_accounts,
        customers::get_customer,
        customers::create_customer,
        customers::update_customer,
        contacts::add_contact,
        premises::list_premises,
        premises::get_premise,
        premises::create_premise,
        premises::update_premise,
        services::add_service,
        services::service_status,
        sdcs::add_sdc,
        premises::consumption,
        meters::list_meters,
        meters::get_meter,
        meters::create_meter,
        accounts::overview,
        notes::add_note,
        complaints::list_complaints,
        complaints::open_complaint,
        complaints::update_complaint,
        vendors::list_vendors,
        vendors::create_vendor,
        vendors::update_vendor,
        orders::list,
        orders::assignees,
        orders::sheet,
        orders::get,
        orders::create,
        orders::assign,
        orders::complete,
        orders::cancel,
        orders::move_in,
        orders::move_out,
        orders::transfer,
        imports::conversion,
        rates::list_books,
        rates::rate_list,
        rates::list_versions,
        rates::create,
        rates::import,
        rates::validate_document,
        rates::get,
        rates::update,
        rates::export,
        rates::approve,
        rates::retire,
        rates::quote,
    ),
    components(schemas(cistern_shared::ErrorCode, cistern_shared::FieldError, cistern_shared::Problem)),
    modifiers(&Security),
    tags(
        (name = "auth", description = "Sign-in, sessions and your password"),
        (name = "users", description = "User administration"),
        (name = "audit", description = "The audit trail"),
        (name = "jobs", description = "Background jobs"),
        (name = "accounts", description = "Accounts, cycles and the dashboard"),
        (name = "portal", description = "The customer portal"),
        (name = "customers", description = "Customers and their contact history"),
        (name = "premises", description = "Service locations, their services and consumption"),
        (name = "meters", description = "The meter inventory"),
        (name = "service_orders", description = "Field work: sets, turn-ons, final reads, rereads, change-outs..."),
        (name = "complaints", description = "Customer complaints"),
        (name = "vendors", description = "Vendor files"),
        (name = "rates", description = "Rate schedules (versioned, maker-checker approval) and bill quotes"),
        (name = "imports", description = "Conversion import from a previous billing system"),
        (name = "operations", description = "Health and readiness")
    )
)]
pub struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some("Access token from POST /api/v1/auth/login"))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "api_key",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "X-Api-Key",
                "API key of an integrator user",
            ))),
        );
        // Operations open to integrators also accept the API key, with the same roles.
        for item in openapi.paths.paths.values_mut() {
            for op in operations_mut(item) {
                let Some(reqs) = op.security.as_mut() else {
                    continue;
                };
                let roles = roles_of(reqs);
                if roles.iter().any(|r| r == "integrator") {
                    reqs.push(SecurityRequirement::new("api_key", roles));
                }
            }
        }
    }
}

fn operations_mut(
    item: &mut utoipa::openapi::PathItem,
) -> Vec<&mut utoipa::openapi::path::Operation> {
    [
        item.get.as_mut(),
        item.put.as_mut(),
        item.post.as_mut(),
        item.delete.as_mut(),
        item.patch.as_mut(),
    ]
    .into_iter()
    .flatten()
    .collect()
}

fn roles_of(reqs: &[SecurityRequirement]) -> Vec<String> {
    // SecurityRequirement keeps its map private; its JSON form is {"scheme": [roles]}.
    reqs.iter()
        .filter_map(|r| serde_json::to_value(r).ok())
        .filter_map(|v| v.get("bearer").cloned())
        .filter_map(|v| serde_json::from_value::<Vec<String>>(v).ok())
        .flatten()
        .collect()
}

/// The spec as committed in `openapi/openapi.json`.
pub fn spec_json() -> String {
    let mut s = ApiDoc::openapi().to_pretty_json().unwrap_or_default();
    s.push('\n');
    s
}

/// Which methods each documented path answers: lets unmatched requests get 405 vs 404.
pub struct RouteTable {
    routes: Vec<(Vec<Option<String>>, Vec<String>)>,
}

impl RouteTable {
    pub fn from_spec(spec: &utoipa::openapi::OpenApi) -> RouteTable {
        let json = serde_json::to_value(spec).unwrap_or_default();
        let mut routes = Vec::new();
        if let Some(paths) = json.get("paths").and_then(|p| p.as_object()) {
            for (template, item) in paths {
                let segments = template
                    .split('/')
                    .map(|s| (!s.starts_with('{')).then(|| s.to_owned()))
                    .collect();
                let methods = item
                    .as_object()
                    .map(|m| {
                        m.keys()
                            .filter(|k| {
                                matches!(k.as_str(), "get" | "put" | "post" | "delete" | "patch")
                            })
                            .map(|k| k.to_ascii_uppercase())
                            .collect()
                    })
                    .unwrap_or_default();
                routes.push((segments, methods));
            }
        }
        RouteTable { routes }
    }

    pub fn methods_for(&self, path: &str) -> Vec<String> {
        let parts: Vec<&str> = path.split('/').collect();
        let mut out: Vec<String> = self
            .routes
            .iter()
            .filter(|(segs, _)| {
                segs.len() == parts.len()
                    && segs.iter().zip(&parts).all(|(s, p)| match s {
                        Some(lit) => lit == p,
                        None => !p.is_empty(),
                    })
            })
            .flat_map(|(_, m)| m.iter().cloned())
            .collect();
        out.sort();
        out.dedup();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn route_table_knows_methods_by_template() {
        let t = RouteTable::from_spec(&ApiDoc::openapi());
        assert_eq!(t.methods_for("/api/v1/users/abc"), vec!["GET", "PATCH"]);
        assert_eq!(t.methods_for("/api/v1/auth/login"), vec!["POST"]);
        assert!(t.methods_for("/api/v1/nothing").is_empty());
        assert!(t.methods_for("/api/v1/users//").is_empty());
    }

    #[test]
    fn every_operation_declares_its_roles_or_is_public() {
        let json = serde_json::to_value(ApiDoc::openapi()).unwrap();
        for (path, item) in json["paths"].as_object().unwrap() {
            for (method, op) in item.as_object().unwrap() {
                let sec = op["security"]
                    .as_array()
                    .unwrap_or_else(|| panic!("{method} {path}: no security"));
                assert!(!sec.is_empty(), "{method} {path}: empty security");
            }
        }
    }
}
