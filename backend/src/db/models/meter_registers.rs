use cistern_shared::meters::{RegisterCode, RegisterDto};
use diesel::prelude::*;

use super::{decimal, decimal_text, BadValue};
use crate::db::schema::meter_registers;

/// A row of `meter_registers`: one dial of a meter. The multiplier is an exact decimal, stored
/// as normalised text.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = meter_registers, primary_key(meter_id, code))]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct MeterRegister {
    pub meter_id: String,
    pub code: RegisterCode,
    pub digits: i32,
    pub multiplier: String,
}

impl MeterRegister {
    pub fn new(meter_id: String, r: &RegisterDto) -> MeterRegister {
        MeterRegister {
            meter_id,
            code: r.code,
            digits: r.digits,
            multiplier: decimal_text(r.multiplier),
        }
    }
}

impl TryFrom<MeterRegister> for RegisterDto {
    type Error = BadValue;
    fn try_from(r: MeterRegister) -> Result<RegisterDto, BadValue> {
        Ok(RegisterDto {
            code: r.code,
            digits: r.digits,
            multiplier: decimal("multiplier", &r.multiplier)?,
        })
    }
}
