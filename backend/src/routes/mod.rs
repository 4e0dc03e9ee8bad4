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
pub mod notes;
pub mod ops;
pub mod orders;
pub mod premises;
pub mod rates;
pub mod sdcs;
pub mod services;
pub mod vendors;

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
        .service(customers::get_customer)
        .service(customers::create_customer)
        .service(customers::update_customer)
        .service(contacts::add_contact)
        .service(premises::list_premises)
        .service(premises::get_premise)
        .service(premises::create_premise)
        .service(premises::update_premise)
        .service(services::add_service)
        .service(services::service_status)
        .service(sdcs::add_sdc)
        .service(premises::consumption)
        .service(meters::list_meters)
        .service(meters::get_meter)
        .service(meters::create_meter)
        .service(accounts::overview)
        .service(notes::add_note)
        .service(complaints::list_complaints)
        .service(complaints::open_complaint)
        .service(complaints::update_complaint)
        .service(vendors::list_vendors)
        .service(vendors::create_vendor)
        .service(vendors::update_vendor)
        .service(orders::list)
        .service(orders::assignees)
        .service(orders::sheet)
        .service(orders::get)
        .service(orders::create)
        .service(orders::assign)
        .service(orders::complete)
        .service(orders::cancel)
        .service(orders::move_in)
        .service(orders::move_out)
        .service(orders::transfer);
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
