use cistern_shared::dto::CycleDto;
use diesel::prelude::*;

use crate::db::schema::cycles;

/// A row of `cycles`: a billing cycle (the premises read and billed together).
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = cycles, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct Cycle {
    pub id: String,
    pub code: String,
    pub name: String,
    pub months_per_bill: i32,
}

impl Cycle {
    /// The API's view, with the number of accounts in the cycle.
    pub fn into_dto(self, account_count: i64) -> CycleDto {
        CycleDto {
            id: self.id,
            code: self.code,
            name: self.name,
            months_per_bill: self.months_per_bill,
            account_count,
        }
    }
}
