//! Types both the server and the browser client compile: the API's DTOs (one module per
//! resource), the stable error codes the client translates, roles, money, and (in `rates`) the
//! bill calculation. Nothing here may touch I/O or a clock, so it builds for wasm32 and native
//! alike.

#[macro_use]
mod macros;

pub mod accounts;
pub mod address;
pub mod complaints;
pub mod contacts;
pub mod customers;
pub mod cycles;
pub mod dto;
pub mod error;
pub mod import;
pub mod meters;
pub mod money;
pub mod notes;
pub mod orders;
pub mod premises;
pub mod query;
pub mod rates;
pub mod rates_api;
pub mod role;
pub mod sdcs;
pub mod services;
pub mod vendors;

pub use error::{ErrorCode, FieldCode, FieldError, Problem};
pub use money::Money;
pub use role::Role;

/// `#[serde(default = "crate::yes")]`: a flag that is on unless the client says otherwise.
fn yes() -> bool {
    true
}
