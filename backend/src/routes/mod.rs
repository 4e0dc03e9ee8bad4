//! HTTP handlers: extract and validate, authorise (the `Allow<...>` parameter), call a
//! domain function on the blocking pool, map the result. Nothing else lives here.

pub mod accounts;
pub mod admin;
pub mod auth;
pub mod complaints;
pub mod contacts;
pub mod customers;
pub mod cycles;
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
            admin::list_api_keys => AdminOnly,
            admin::revoke_api_key => AdminOnly,
            admin::audit_log => AuditReaders,
            admin::list_jobs => AdminOnly,
            admin::enqueue_job => AdminOnly,
            admin::get_job => AdminOnly,
            accounts::dashboard => Staff,
            accounts::cycles => AccountReaders,
            cycles::create_cycle => ReferenceKeepers,
            cycles::update_cycle => ReferenceKeepers,
            accounts::search => AccountReaders,
            accounts::get => AccountReadersOwn,
            accounts::portal_accounts => Customers,
            customers::get_customer => AccountReaders,
            customers::create_customer => Clerks,
            customers::update_customer => Clerks,
            contacts::add_contact => Clerks,
            premises::list_premises => AccountReaders,
            premises::get_premise => AccountReaders,
            premises::create_premise => Clerks,
            premises::update_premise => Clerks,
            services::add_service => Clerks,
            services::service_status => Clerks,
            sdcs::add_sdc => Leads,
            premises::consumption => AccountReaders,
            meters::list_meters => Staff,
            meters::get_meter => Staff,
            meters::create_meter => MeterKeepers,
            accounts::overview => AccountReaders,
            notes::add_note => Clerks,
            complaints::list_complaints => Staff,
            complaints::open_complaint => Clerks,
            complaints::update_complaint => Clerks,
            vendors::list_vendors => Staff,
            vendors::create_vendor => Leads,
            vendors::update_vendor => Leads,
            orders::list => Staff,
            orders::assignees => Clerks,
            orders::sheet => Staff,
            orders::get => Staff,
            orders::create => Clerks,
            orders::assign => Leads,
            orders::complete => FieldWork,
            orders::cancel => Clerks,
            moves::move_in => Clerks,
            moves::move_out => Clerks,
            moves::transfer => Clerks,
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
