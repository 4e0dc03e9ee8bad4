//! HTTP handlers: extract and validate, authorise (the `Allow<...>` parameter), call a
//! domain function on the blocking pool, map the result. Nothing else lives here.

pub mod accounts;
pub mod admin;
pub mod auth;
pub mod ops;

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
        .service(accounts::portal_accounts);
}
