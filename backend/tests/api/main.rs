#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: failing loudly is the point
//! Black-box API tests: each test starts the real application on port 0 with a fresh
//! database — an SQLite file, and a new database on the PostgreSQL server named by
//! `CISTERN_TEST_PG_URL` — and speaks HTTP to it. One test binary, as zero2prod suggests.

mod helpers;

mod accounts;
mod addresses;
mod audit_trail;
mod auth;
mod cis;
mod client;
mod copy;
mod errors;
mod import_failure;
mod imports;
mod jobs;
mod migrations;
mod multi_instance;
mod openapi;
mod operations;
mod parity;
mod production;
mod races;
mod rates;
mod roles;
mod schema;
mod search;
mod search_fresh;
mod strict_input;
mod throttle;
mod users;
mod writes;
