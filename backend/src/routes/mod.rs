//! HTTP handlers: extract and validate, authorise (the `Allow<...>` parameter), call a
//! domain function on the blocking pool, map the result. Nothing else lives here.

pub mod accounts;
pub mod admin;
pub mod auth;
pub mod cis;
pub mod imports;
pub mod ops;
pub mod orders;
pub mod rates;

use actix_web::web;

/// THE list of API operations, in registration order (literal paths before the `{id}` ones of
/// the same prefix). It feeds both `register` (what the server answers) and the `paths(...)` of
/// `openapi::ApiDoc` (what the spec documents), so neither can have an operation the other
/// lacks. An entry is the path of a handler carrying `#[utoipa::path]` (any depth of modules:
/// `customers::get` or `cis::customers::get`), then `=> RoleSet`: the role set of the
/// handler's `Allow<RoleSet>` parameter (a type in `crate::auth`), or `Public` for an
/// operation without one. The spec's `security` of the operation comes from it; the
/// `#[utoipa::path]` attributes state no roles. `= expr` registers `expr` instead of the
/// handler itself (a resource with its own configuration).
///
/// Call it with the name of a macro that takes the list: `operations!(my_macro)`.
macro_rules! operations {
    ($then:ident) => {
        $then! {
            ops::health => Public,
            ops::ready => Public,
            auth::login => Public,
            auth::refresh => Public,
            auth::logout => SignedIn,
            auth::me => SignedIn,
            auth::change_password => People,
            admin::list_users => AdminOnly,
            admin::create_user => AdminOnly,
            admin::get_user => AdminOnly,
            admin::update_user => AdminOnly,
            admin::reset_password => AdminOnly,
            admin::revoke_sessions => AdminOnly,
            admin::create_api_key => AdminOnly,
            admin::audit_log => AuditReaders,
            admin::list_jobs => AdminOnly,
            admin::enqueue_job => AdminOnly,
            admin::get_job => AdminOnly,
            accounts::dashboard => Staff,
            accounts::cycles => AccountReaders,
            accounts::search => AccountReaders,
            accounts::get => AccountReadersOwn,
            accounts::portal_accounts => Customers,
            cis::get_customer => AccountReaders,
            cis::create_customer => Clerks,
            cis::update_customer => Clerks,
            cis::add_contact => Clerks,
            cis::list_premises => AccountReaders,
            cis::get_premise => AccountReaders,
            cis::create_premise => Clerks,
            cis::update_premise => Clerks,
            cis::add_service => Clerks,
            cis::service_status => Clerks,
            cis::add_sdc => Leads,
            cis::consumption => AccountReaders,
            cis::list_meters => Staff,
            cis::get_meter => Staff,
            cis::create_meter => MeterKeepers,
            cis::overview => AccountReaders,
            cis::add_note => Clerks,
            cis::list_complaints => Staff,
            cis::open_complaint => Clerks,
            cis::update_complaint => Clerks,
            cis::list_vendors => Staff,
            cis::create_vendor => Leads,
            cis::update_vendor => Leads,
            orders::list => Staff,
            orders::assignees => Clerks,
            orders::sheet => Staff,
            orders::get => Staff,
            orders::create => Clerks,
            orders::assign => Leads,
            orders::complete => FieldWork,
            orders::cancel => Clerks,
            orders::move_in => Clerks,
            orders::move_out => Clerks,
            orders::transfer => Clerks,
            // Its own JSON body limit (64 MiB), so a resource rather than a macro route.
            imports::conversion => Importers = imports::conversion_service(),
            rates::list_books => RateReaders,
            rates::rate_list => RateReaders,
            rates::list_versions => RateReaders,
            rates::create => RateEditors,
            rates::import => RateEditors,
            rates::validate_document => RateReaders,
            rates::get => RateReaders,
            rates::update => RateEditors,
            rates::export => RateReaders,
            rates::approve => RateApprovers,
            rates::retire => RateApprovers,
            rates::quote => SignedIn,
        }
    };
}
pub(crate) use operations;

macro_rules! define_register {
    (@service $handler:path) => { $handler };
    (@service $handler:path, $service:expr) => { $service };
    ($($($segment:ident)::+ => $roles:ident $(= $service:expr)?),* $(,)?) => {
        pub fn register(cfg: &mut web::ServiceConfig) {
            $( cfg.service(define_register!(@service $($segment)::+ $(, $service)?)); )*
        }

        /// Every operation's handler path (`module::handler`), in registration order.
        pub const OPERATIONS: &[&str] = &[$(stringify!($($segment)::+)),*];
    };
}

operations!(define_register);
