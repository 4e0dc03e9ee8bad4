//! Billing cycles: the premises read and billed together. Reference data a production
//! install creates itself (the demo city seeds three), before importing a city.

use serde::{Deserialize, Serialize};

#[cfg(feature = "server")]
use utoipa::ToSchema;
#[cfg(feature = "server")]
use validator::Validate;

pub use crate::dto::CycleDto;

/// Longest cycle code.
pub const CODE_MAX: usize = 10;

/// A billing cycle to create or change. The code is how premises, imports and people name
/// the cycle (`C1`, `WEST-2`); it is unique.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema, Validate))]
pub struct CycleInput {
    /// 1 to 10 capital letters, digits or hyphens.
    #[cfg_attr(
        feature = "server",
        validate(
            length(min = 1, max = 10, code = "length"),
            custom(function = "crate::cycles::validate_code")
        )
    )]
    #[cfg_attr(
        feature = "server",
        schema(min_length = 1, max_length = 10, pattern = "^[A-Z0-9-]{1,10}$")
    )]
    pub code: String,
    #[cfg_attr(
        feature = "server",
        validate(length(min = 1, max = 80, code = "required"))
    )]
    #[cfg_attr(feature = "server", schema(min_length = 1, max_length = 80))]
    pub name: String,
    /// Months between bills: 1 (monthly) or 2 (bimonthly), the periods the billing
    /// engine and the database accept.
    #[cfg_attr(feature = "server", validate(range(min = 1, max = 2, code = "range")))]
    #[cfg_attr(feature = "server", schema(minimum = 1, maximum = 2))]
    pub months_per_bill: i32,
}

/// True for a well-formed cycle code: 1 to 10 of `A-Z`, `0-9`, `-`.
pub fn is_code(code: &str) -> bool {
    !code.is_empty()
        && code.len() <= CODE_MAX
        && code
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-')
}

#[cfg(feature = "server")]
pub fn validate_code(code: &str) -> Result<(), validator::ValidationError> {
    if is_code(code) {
        Ok(())
    } else {
        let mut e = validator::ValidationError::new("invalid");
        e.message = Some("capital letters, digits and '-' only".into());
        Err(e)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn codes() {
        assert!(super::is_code("C1"));
        assert!(super::is_code("WEST-2"));
        assert!(super::is_code("ABCDEFGHIJ"));
        assert!(!super::is_code(""));
        assert!(!super::is_code("ABCDEFGHIJK"));
        assert!(!super::is_code("c1"));
        assert!(!super::is_code("C 1"));
        assert!(!super::is_code("C_1"));
    }
}
