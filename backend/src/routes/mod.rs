//! HTTP handlers: extract and validate, authorise (the `Allow<...>` parameter), call a
//! domain function on the blocking pool, map the result. Nothing else lives here.

pub mod accounts;
pub mod admin;
pub mod auth;
pub mod cis;
pub mod imports;
pub mod moves;
pub mod ops;
pub mod orders;
pub mod rates;

use actix_web::web;

pub fn register(cfg: &mut web::ServiceConfig) {
    cfg.service(ops::health)
        .service(ops::ready)
        .service(auth::login)
        .service(auth::refresh)
        .service(auth::logout)
        .service(auth::me)
        .service(auth::change_password)
        .service(admin::list_users)
        .service(admin::create_user)
        .service(admin::get_user)
        .service(admin::update_user)
        .service(admin::reset_password)
        .service(admin::revoke_sessions)
        .service(admin::create_api_key)
        .service(admin::audit_log)
        .service(admin::list_jobs)
        .service(admin::enqueue_job)
        .service(admin::get_job)
        .service(accounts::dashboard)
        .service(accounts::cycles)
        .service(accounts::search)
        .service(accounts::get)
        .service(accounts::portal_accounts)
        .service(cis::get_customer)
        .service(cis::create_customer)
        .service(cis::update_customer)
        .service(cis::add_contact)
        .service(cis::list_premises)
        .service(cis::get_premise)
        .service(cis::create_premise)
        .service(cis::update_premise)
        .service(cis::add_service)
        .service(cis::service_status)
        .service(cis::add_sdc)
        .service(cis::consumption)
        .service(cis::list_meters)
        .service(cis::get_meter)
        .service(cis::create_meter)
        .service(cis::overview)
        .service(cis::add_note)
        .service(cis::list_complaints)
        .service(cis::open_complaint)
        .service(cis::update_complaint)
        .service(cis::list_vendors)
        .service(cis::create_vendor)
        .service(cis::update_vendor)
        .service(orders::list)
        .service(orders::assignees)
        .service(orders::sheet)
        .service(orders::get)
        .service(orders::create)
        .service(orders::assign)
        .service(orders::complete)
        .service(orders::cancel)
        .service(moves::move_in)
        .service(moves::move_out)
        .service(moves::transfer);
    // Its own JSON body limit (64 MiB), so a resource rather than a macro route.
    cfg.service(imports::conversion_service());
    // Rate schedules: literal paths before the `{id}` ones.
    cfg.service(rates::list_books)
        .service(rates::rate_list)
        .service(rates::list_versions)
        .service(rates::create)
        .service(rates::import)
        .service(rates::validate_document)
        .service(rates::get)
        .service(rates::update)
        .service(rates::export)
        .service(rates::approve)
        .service(rates::retire)
        .service(rates::quote);
}
