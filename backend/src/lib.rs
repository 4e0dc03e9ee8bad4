//! Cistern's server. `startup` builds the app; `routes` are thin HTTP handlers; `domain`
//! holds the rules as plain functions over `db`; `shared` (the cistern-shared crate) holds
//! the types the browser client shares.

pub mod auth;
pub mod cli;
pub mod client;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod openapi;
pub mod pdf;
pub mod routes;
pub mod seed;
pub mod startup;
pub mod strict_input;
pub mod telemetry;
