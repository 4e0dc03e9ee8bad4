//! The building blocks pages share: feedback (loading, errors, confirmations), form controls,
//! the submit helper every form sends with, loading a page's data, detail lists and tables.
//! Everything is re-exported here, so pages `use crate::components::{..}`.

mod address;
mod detail;
mod feedback;
mod form;
mod load;
mod submit;
mod table;
mod widgets;

pub use address::*;
pub use detail::*;
pub use feedback::*;
pub use form::*;
pub use load::*;
pub use submit::*;
pub use table::*;
pub use widgets::*;
