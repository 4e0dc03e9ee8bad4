//! The OpenAPI 3.1 document, generated from the handlers. Each operation's `security` names
//! the roles it admits (OpenAPI 3.1 allows role names as the values of non-OAuth schemes):
//! the roles of the role set its `routes::operations!` entry names, from the shared crate's
//! `role::sets`, never a list written in a `#[utoipa::path]` attribute.

use cistern_shared::Role;
use utoipa::openapi::path::{HttpMethod, Operation, PathItem};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::SecurityRequirement;
use utoipa::{Modify, OpenApi};

use crate::auth::{Public, RoleSet};
use crate::routes::{
    accounts, admin, auth, complaints, contacts, customers, cycles, imports, meters, moves, notes,
    ops, orders, premises, rates, sdcs, services, vendors,
};

/// The roles an operation admits, as the document states them: `None` for a public one.
trait Admits {
    const ROLES: Option<&'static [Role]>;
}

impl<R: RoleSet> Admits for R {
    const ROLES: Option<&'static [Role]> = Some(R::ROLES);
}

impl Admits for Public {
    const ROLES: Option<&'static [Role]> = None;
}

/// One entry of `routes::operations!` as the document sees it.
struct OperationRoles {
    /// `module::handler`, as in `routes::OPERATIONS`.
    #[cfg_attr(not(test), allow(dead_code))]
    handler: &'static str,
    /// The role set's name: the `R` of the handler's `Allow<R>`, or `Public`.
    #[cfg_attr(not(test), allow(dead_code))]
    role_set: &'static str,
    path: String,
    methods: Vec<HttpMethod>,
    roles: Option<&'static [Role]>,
}

fn entry<P: utoipa::Path, R: Admits>(
    handler: &'static str,
    role_set: &'static str,
) -> OperationRoles {
    OperationRoles {
        handler,
        role_set,
        path: P::path(),
        methods: P::methods(),
        roles: R::ROLES,
    }
}

/// The `#[utoipa::path]` struct of a handler given as its path segments: `a b name` is
/// `a::b::__path_name`.
macro_rules! path_struct {
    ([$($prefix:ident)*] $last:ident) => {
        paste::paste! { $($prefix::)* [<__path_ $last>] }
    };
    ([$($prefix:ident)*] $head:ident $($rest:ident)+) => {
        path_struct!([$($prefix)* $head] $($rest)+)
    };
}

/// The document's operations are `routes::operations!`, the list `routes::register` serves.
macro_rules! define_api_doc {
    ($($($segment:ident)::+ => $roles:ident $(= $service:expr)?),* $(,)?) => {
        /// Every operation's path, methods and roles, in `routes::operations!` order.
        fn operation_roles() -> Vec<OperationRoles> {
            vec![$(
                entry::<path_struct!([] $($segment)+), crate::auth::$roles>(
                    stringify!($($segment)::+),
                    stringify!($roles),
                )
            ),*]
        }

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
            paths($($($segment)::+),*),
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
    };
}

crate::routes::operations!(define_api_doc);

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
        // Each operation admits the roles of its entry's role set; public ones need nothing.
        for op in operation_roles() {
            let Some(item) = openapi.paths.paths.get_mut(&op.path) else {
                continue;
            };
            for method in &op.methods {
                if let Some(operation) = operation_for(item, method) {
                    operation.security = Some(vec![match op.roles {
                        Some(roles) => {
                            SecurityRequirement::new("bearer", roles.iter().map(|r| r.as_str()))
                        }
                        None => SecurityRequirement::default(),
                    }]);
                }
            }
        }
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

fn operation_for<'a>(item: &'a mut PathItem, method: &HttpMethod) -> Option<&'a mut Operation> {
    match method {
        HttpMethod::Get => item.get.as_mut(),
        HttpMethod::Put => item.put.as_mut(),
        HttpMethod::Post => item.post.as_mut(),
        HttpMethod::Delete => item.delete.as_mut(),
        HttpMethod::Patch => item.patch.as_mut(),
        HttpMethod::Options => item.options.as_mut(),
        HttpMethod::Head => item.head.as_mut(),
        HttpMethod::Trace => item.trace.as_mut(),
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

/// Each operation's `operationId` by method and path template, and which ones integrators may
/// call: what an API key limited to named operations is checked against.
pub struct OperationIndex {
    by_route: std::collections::HashMap<(String, String), String>,
    for_integrators: std::collections::BTreeSet<String>,
}

impl OperationIndex {
    pub fn from_spec(spec: &utoipa::openapi::OpenApi) -> OperationIndex {
        let json = serde_json::to_value(spec).unwrap_or_default();
        let mut by_route = std::collections::HashMap::new();
        let mut for_integrators = std::collections::BTreeSet::new();
        let paths = json.get("paths").and_then(|p| p.as_object());
        for (template, item) in paths.into_iter().flatten() {
            for (method, op) in item.as_object().into_iter().flatten() {
                let Some(id) = op.get("operationId").and_then(|i| i.as_str()) else {
                    continue;
                };
                by_route.insert(
                    (method.to_ascii_uppercase(), template.clone()),
                    id.to_owned(),
                );
                let admits_integrators = op
                    .get("security")
                    .and_then(|s| s.as_array())
                    .into_iter()
                    .flatten()
                    .filter_map(|req| req.as_object())
                    .flat_map(|req| req.values())
                    .filter_map(|roles| roles.as_array())
                    .flatten()
                    .any(|r| r == "integrator");
                if admits_integrators {
                    for_integrators.insert(id.to_owned());
                }
            }
        }
        OperationIndex {
            by_route,
            for_integrators,
        }
    }

    /// The operation a request matched, by its method and the route's path template.
    pub fn operation_id(&self, method: &str, template: &str) -> Option<&str> {
        self.by_route
            .get(&(method.to_ascii_uppercase(), template.to_owned()))
            .map(String::as_str)
    }

    /// The operations an integrator's key may be limited to.
    pub fn integrators_may_call(&self, id: &str) -> bool {
        self.for_integrators.contains(id)
    }
}

/// The index of this build's document, made once.
pub fn operation_index() -> &'static OperationIndex {
    static INDEX: std::sync::OnceLock<OperationIndex> = std::sync::OnceLock::new();
    INDEX.get_or_init(|| OperationIndex::from_spec(&ApiDoc::openapi()))
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
    fn every_operation_admits_the_roles_of_its_entry() {
        let json = serde_json::to_value(ApiDoc::openapi()).unwrap();
        let entries = operation_roles();
        assert_eq!(entries.len(), crate::routes::OPERATIONS.len());
        let mut seen = 0;
        for (path, item) in json["paths"].as_object().unwrap() {
            for (method, op) in item.as_object().unwrap() {
                let e = entries
                    .iter()
                    .find(|e| {
                        &e.path == path
                            && e.methods
                                .iter()
                                .any(|m| serde_json::to_value(m).unwrap() == method.as_str())
                    })
                    .unwrap_or_else(|| panic!("{method} {path}: no operations! entry"));
                let expected = match e.roles {
                    None => serde_json::json!([{}]),
                    Some(roles) => {
                        let names: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
                        let mut reqs = vec![serde_json::json!({ "bearer": names })];
                        if roles.contains(&Role::Integrator) {
                            reqs.push(serde_json::json!({ "api_key": names }));
                        }
                        serde_json::Value::Array(reqs)
                    }
                };
                assert_eq!(
                    op["security"], expected,
                    "{method} {path} ({} => {})",
                    e.handler, e.role_set
                );
                seen += 1;
            }
        }
        assert_eq!(seen, entries.len(), "one spec operation per entry");
    }

    /// Every `.rs` file under `backend/src/routes`, with its text.
    fn route_sources() -> Vec<(std::path::PathBuf, String)> {
        fn walk(dir: &std::path::Path, out: &mut Vec<(std::path::PathBuf, String)>) {
            for e in std::fs::read_dir(dir).unwrap() {
                let path = e.unwrap().path();
                if path.is_dir() {
                    walk(&path, out);
                } else if path.extension().is_some_and(|x| x == "rs") {
                    let text = std::fs::read_to_string(&path).unwrap();
                    out.push((path, text));
                }
            }
        }
        let mut out = Vec::new();
        walk(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/routes"),
            &mut out,
        );
        assert!(out.len() > 1, "route sources not found");
        out
    }

    #[test]
    fn no_route_attribute_lists_roles_by_hand() {
        let needle = concat!("security", "(");
        let found: Vec<String> = route_sources()
            .iter()
            .flat_map(|(path, text)| {
                text.lines()
                    .enumerate()
                    .filter(|(_, line)| line.contains(needle))
                    .map(move |(n, _)| format!("{}:{}", path.display(), n + 1))
            })
            .collect();
        assert!(
            found.is_empty(),
            "roles come from the operations! entry's role set, not the attribute: {found:?}"
        );
    }

    /// The role set an entry names is the one its handler's `Allow<...>` parameter checks, so
    /// the spec states what the server enforces.
    #[test]
    fn every_entry_names_the_role_set_its_handler_checks() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/routes");
        for e in operation_roles() {
            let segments: Vec<&str> = e.handler.split("::").map(str::trim).collect();
            let (name, modules) = segments.split_last().unwrap();
            let module = modules.join("/");
            let text = [format!("{module}.rs"), format!("{module}/mod.rs")]
                .iter()
                .find_map(|f| std::fs::read_to_string(root.join(f)).ok())
                .unwrap_or_else(|| panic!("{}: no source file for module {module}", e.handler));
            let start = text
                .find(&format!("fn {name}("))
                .unwrap_or_else(|| panic!("{}: handler not found", e.handler));
            let signature = &text[start..start + text[start..].find('{').unwrap()];
            let checked = signature
                .split("Allow<")
                .nth(1)
                .map(|rest| rest.split('>').next().unwrap().trim())
                .unwrap_or("Public");
            assert_eq!(checked, e.role_set, "{}", e.handler);
        }
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
