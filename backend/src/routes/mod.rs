//! HTTP handlers: extract and validate, authorise (the `Allow<...>` parameter), call a
//! domain function on the blocking pool, map the result. Nothing else lives here.

pub mod accounts;
pub mod admin;
pub mod auth;
pub mod complaints;
pub mod contacts;
pub mod customers;
pub mod imports;
pub mod meters;
pub mod moves;
pub mod notes;
pub mod ops;
pub mod orders;
pub mod premises;
pub mod rates;
pub mod sdcs;
pub mod services;
pub mod vendors;

use actix_web::web;

/// THE list of API operations, in registration order (literal paths before the `{id}` ones of
/// the same prefix). It feeds both `register` (what the server answers) and the `paths(...)` of
/// `openapi::ApiDoc` (what the spec documents), so neither can have an operation the other
/// lacks. An entry is the path of a handler carrying `#[utoipa::path]` (any depth of modules:
/// `customers::get` or `cis::customers::get`); `= expr` registers `expr` instead
/// of the handler itself (a resource with its own configuration).
///
/// Call it with the name of a macro that takes the list: `operations!(my_macro)`.
macro_rules! operations {
    ($then:ident) => {
        $then! {
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
            moves::move_in,
            moves::move_out,
            moves::transfer,
            // Its own JSON body limit (64 MiB), so a resource rather than a macro route.
            imports::conversion = imports::conversion_service(),
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
        }
    };
}
pub(crate) use operations;

macro_rules! define_register {
    (@service $handler:path) => { $handler };
    (@service $handler:path, $service:expr) => { $service };
    ($($($segment:ident)::+ $(= $service:expr)?),* $(,)?) => {
        pub fn register(cfg: &mut web::ServiceConfig) {
            $( cfg.service(define_register!(@service $($segment)::+ $(, $service)?)); )*
        }

        /// Every operation's handler path (`module::handler`), in registration order.
        pub const OPERATIONS: &[&str] = &[$(stringify!($($segment)::+)),*];
    };
}

operations!(define_register);
