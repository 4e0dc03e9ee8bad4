//! Types both the server and the browser client compile: the API's DTOs, the stable error
//! codes the client translates, roles, money, and (in `rates`) the bill calculation.
//! Nothing here may touch I/O or a clock, so it builds for wasm32 and native alike.

pub mod cis;
pub mod dto;
pub mod error;
pub mod import;
pub mod money;
pub mod query;
pub mod rates;
pub mod rates_api;
pub mod role;

pub use error::{ErrorCode, FieldError, Problem};
pub use money::Money;
pub use role::Role;
