//! The shared enums as TEXT columns of [`DbConnection`](crate::db::DbConnection). The shared
//! crate gives each one `ToSql`/`FromSql<Text>` for SQLite and PostgreSQL; diesel's
//! `MultiConnection` also needs them for its own backend, which only this crate can name. One
//! list for every enum stored in a column: a new one goes here.

use cistern_shared::complaints::{ComplaintCategory, ComplaintStatus};
use cistern_shared::contacts::{ContactChannel, ContactDirection};
use cistern_shared::dto::{AccountStatus, Locale};
use cistern_shared::meters::{MeterKind, MeterStatus, MeterUnit, RegisterCode};
use cistern_shared::orders::{Occupant, OrderStatus, OrderType, Priority};
use cistern_shared::services::{ServiceStatus, ServiceType};
use cistern_shared::Role;

use crate::db::MultiBackend;

macro_rules! multi_backend_text {
    ($($t:ty),* $(,)?) => {$(
        impl diesel::serialize::ToSql<diesel::sql_types::Text, MultiBackend> for $t {
            fn to_sql<'b>(
                &'b self,
                out: &mut diesel::serialize::Output<'b, '_, MultiBackend>,
            ) -> diesel::serialize::Result {
                out.set_value((diesel::sql_types::Text, self));
                Ok(diesel::serialize::IsNull::No)
            }
        }

        impl diesel::deserialize::FromSql<diesel::sql_types::Text, MultiBackend> for $t {
            fn from_sql(
                bytes: <MultiBackend as diesel::backend::Backend>::RawValue<'_>,
            ) -> diesel::deserialize::Result<Self> {
                bytes.from_sql::<Self, diesel::sql_types::Text>()
            }
        }
    )*};
}

multi_backend_text!(
    AccountStatus,
    ComplaintCategory,
    ComplaintStatus,
    ContactChannel,
    ContactDirection,
    Locale,
    MeterKind,
    MeterStatus,
    MeterUnit,
    Occupant,
    OrderStatus,
    OrderType,
    Priority,
    RegisterCode,
    Role,
    ServiceStatus,
    ServiceType,
);
