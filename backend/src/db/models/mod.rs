//! Row models: one typed struct per table, the only place a table's columns are listed in
//! Rust. Enum columns hold the shared enums (an unknown value fails to load), money is integer
//! cents, exact decimals are text parsed on the way out. Domain code reads and writes rows
//! through these and converts them to and from the shared DTOs with `From`/`TryFrom` (or a
//! named method where a DTO needs more than the row, e.g. a joined name).

pub mod account_notes;
pub mod accounts;
pub mod complaints;
pub mod contacts;
pub mod counters;
pub mod customers;
pub mod cycles;
mod enums;
pub mod meter_reads;
pub mod meter_registers;
pub mod meters;
pub mod premises;
pub mod sdc_charges;
pub mod services;
pub mod vendors;

pub use account_notes::AccountNote;
pub use accounts::Account;
pub use complaints::Complaint;
pub use contacts::Contact;
pub use counters::Counter;
pub use customers::Customer;
pub use cycles::Cycle;
pub use meter_reads::MeterRead;
pub use meter_registers::MeterRegister;
pub use meters::Meter;
pub use premises::Premise;
pub use sdc_charges::SdcCharge;
pub use services::Service;
pub use vendors::Vendor;

use rust_decimal::Decimal;

/// A stored value that does not convert to its DTO type (an exact decimal that does not
/// parse): the database holds something no code path writes, which is an error, never a default.
#[derive(Debug, thiserror::Error)]
#[error("bad {column} `{value}` in the database")]
pub struct BadValue {
    pub column: &'static str,
    pub value: String,
}

impl From<BadValue> for crate::error::ApiError {
    fn from(e: BadValue) -> Self {
        crate::error::ApiError::internal(e)
    }
}

/// An exact decimal stored as text.
pub fn decimal(column: &'static str, text: &str) -> Result<Decimal, BadValue> {
    text.parse().map_err(|_| BadValue {
        column,
        value: text.to_owned(),
    })
}

/// How an exact decimal is stored: normalised (`1.50` is `1.5`), as text.
pub fn decimal_text(d: Decimal) -> String {
    d.normalize().to_string()
}
