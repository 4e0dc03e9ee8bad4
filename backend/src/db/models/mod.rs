//! Row models: one typed struct per table, the only place a table's columns are listed in
//! Rust. Enum columns hold the shared enums (an unknown value fails to load), money is integer
//! cents, exact decimals are text parsed on the way out. Domain code reads and writes rows
//! through these and converts them to and from the shared DTOs with `From`/`TryFrom` (or a
//! named method where a DTO needs more than the row, e.g. a joined name).
//!
//! A table whose key the database assigns (`BIGINT` identity) has a second, insert-only struct
//! without the key (`New...`).

pub mod account_notes;
pub mod accounts;
pub mod api_keys;
pub mod audit_log;
pub mod complaints;
pub mod contacts;
pub mod counters;
pub mod customers;
pub mod cycles;
mod enums;
pub mod import_batches;
pub mod job_runs;
pub mod jobs;
pub mod locks;
pub mod meter_reads;
pub mod meter_registers;
pub mod meters;
pub mod premises;
pub mod rate_schedules;
pub mod refresh_tokens;
pub mod sdc_charges;
pub mod service_orders;
pub mod services;
pub mod sessions;
pub mod sign_in_throttle;
pub mod users;
pub mod vendors;
pub mod winter_averages;

pub use account_notes::AccountNote;
pub use accounts::Account;
pub use api_keys::ApiKey;
pub use audit_log::{AuditEntry, NewAuditEntry};
pub use complaints::Complaint;
pub use contacts::Contact;
pub use counters::Counter;
pub use customers::{Customer, MailingAddress};
pub use cycles::Cycle;
pub use import_batches::ImportBatch;
pub use job_runs::{JobRun, NewJobRun};
pub use jobs::Job;
pub use locks::Lock;
pub use meter_reads::MeterRead;
pub use meter_registers::MeterRegister;
pub use meters::Meter;
pub use premises::{Premise, ServiceAddress};
pub use rate_schedules::RateScheduleVersion;
pub use refresh_tokens::RefreshToken;
pub use sdc_charges::SdcCharge;
pub use service_orders::{ServiceOrder, ServiceOrderView};
pub use services::Service;
pub use sessions::Session;
pub use sign_in_throttle::ThrottleRow;
pub use users::User;
pub use vendors::Vendor;
pub use winter_averages::WinterAverage;

use chrono::{DateTime, NaiveDateTime, Utc};
use cistern_shared::address::Address;

/// An address's US parts in column order (house number, pre-direction, street, suffix,
/// post-direction, unit, city, state, ZIP, ZIP+4), blanks as `None`: what the service and
/// mailing address columns hold.
pub(crate) fn address_parts(a: &Address) -> [Option<String>; 10] {
    let some = |s: &str| (!s.is_empty()).then(|| s.to_owned());
    [
        a.house_number.clone(),
        a.pre_direction.clone(),
        some(&a.street),
        a.suffix.clone(),
        a.post_direction.clone(),
        a.unit.clone(),
        a.city.clone(),
        a.state.clone(),
        a.zip.clone(),
        a.zip4.clone(),
    ]
}

/// A stored timestamp (always UTC) as the API shows it.
pub fn utc(t: NaiveDateTime) -> DateTime<Utc> {
    DateTime::<Utc>::from_naive_utc_and_offset(t, Utc)
}

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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use cistern_shared::customers::CustomerInput;
    use cistern_shared::dto::Locale;
    use cistern_shared::meters::{RegisterCode, RegisterDto};
    use diesel::prelude::*;
    use rust_decimal_macros::dec;

    use super::*;
    use crate::db::schema::customers;
    use crate::db::{now, run_migrations, DbConnection, DbTarget};

    fn db() -> DbConnection {
        let mut c = DbTarget::Sqlite(":memory:".into()).connect().unwrap();
        run_migrations(&mut c).unwrap();
        c
    }

    fn input() -> CustomerInput {
        CustomerInput {
            name: "  Ana Lopez ".into(),
            is_organisation: false,
            mailing_address: " 12 River Rd N\nSalem OR 97301 ".into(),
            mailing_address_parts: None,
            phone: Some("503-555-0100".into()),
            phone_alt: None,
            email: Some("ana@example.com".into()),
            preferred_locale: Locale::Es,
            notify_email: true,
            notify_text: false,
            notify_mail: true,
        }
    }

    fn load(c: &mut DbConnection, id: &str) -> QueryResult<Customer> {
        customers::table
            .find(id)
            .select(Customer::as_select())
            .first(c)
    }

    #[test]
    fn a_customer_row_round_trips_and_an_update_clears_what_the_input_clears() {
        let mut c = db();
        let row = Customer::new("cus-1".into(), &input(), &input().mailing().unwrap(), now());
        diesel::insert_into(customers::table)
            .values(&row)
            .execute(&mut c)
            .unwrap();
        let stored = load(&mut c, "cus-1").unwrap();
        assert_eq!(stored, row);
        let back = CustomerInput::from(&stored);
        assert_eq!(back.name, "Ana Lopez");
        // The address is stored in parts, with its one display form as text.
        assert_eq!(back.mailing_address, "12 River Rd N, Salem OR 97301");
        assert_eq!(stored.mailing.post_direction.as_deref(), Some("N"));
        assert_eq!(stored.mailing.city.as_deref(), Some("Salem"));
        assert_eq!(back.preferred_locale, Locale::Es);

        let mut changed = stored.clone();
        changed.assign(
            &CustomerInput {
                phone: None,
                preferred_locale: Locale::En,
                ..input()
            },
            &input().mailing().unwrap(),
        );
        changed.updated_at = Some(now());
        diesel::update(customers::table.find("cus-1"))
            .set(&changed)
            .execute(&mut c)
            .unwrap();
        let stored = load(&mut c, "cus-1").unwrap();
        assert_eq!(stored.phone, None, "None is written as NULL, not skipped");
        assert_eq!(stored.preferred_locale, Locale::En);
        assert_eq!(stored.created_at, row.created_at);
    }

    #[test]
    fn an_unknown_enum_value_in_the_database_is_an_error_not_a_default() {
        let mut c = db();
        // The schema's CHECK refuses the value; a database older or edited by hand may not.
        diesel::connection::SimpleConnection::batch_execute(
            &mut c,
            "PRAGMA ignore_check_constraints = ON",
        )
        .unwrap();
        diesel::insert_into(customers::table)
            .values((
                customers::id.eq("cus-x"),
                customers::name.eq("X"),
                customers::mailing_address.eq("1 Main St"),
                customers::preferred_locale.eq("xx"),
                customers::created_at.eq(now()),
            ))
            .execute(&mut c)
            .unwrap();
        let err = load(&mut c, "cus-x").unwrap_err();
        assert!(
            matches!(err, diesel::result::Error::DeserializationError(_))
                && err.to_string().contains("preferred_locale"),
            "{err}"
        );
    }

    #[test]
    fn a_stored_decimal_that_does_not_parse_is_an_error() {
        let register = |multiplier: &str| MeterRegister {
            meter_id: "m".into(),
            code: RegisterCode::Main,
            digits: 4,
            multiplier: multiplier.into(),
        };
        assert_eq!(
            RegisterDto::try_from(register("0.5")).unwrap().multiplier,
            dec!(0.5)
        );
        assert!(RegisterDto::try_from(register("ten")).is_err());
        assert_eq!(
            MeterRegister::new(
                "m".into(),
                &RegisterDto {
                    code: RegisterCode::Main,
                    digits: 4,
                    multiplier: dec!(1.50)
                }
            )
            .multiplier,
            "1.5"
        );
    }
}

#[cfg(test)]
mod enum_columns {
    use diesel::connection::SimpleConnection;
    use diesel::prelude::*;

    use super::*;
    use crate::db::schema::{jobs, users};
    use crate::db::DbPool;

    fn pool() -> (tempfile::TempDir, DbPool) {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("models.db").display());
        let pool = DbPool::new(&url, 1).unwrap();
        crate::db::run_migrations(&mut pool.get().unwrap()).unwrap();
        (dir, pool)
    }

    /// A value no code path writes (here past the CHECK constraints, as an old database or a
    /// hand edit could hold it) fails to load, naming the type and the value; it never turns
    /// into a default.
    #[test]
    fn an_unknown_enum_value_in_the_database_is_an_error() {
        let (_dir, pool) = pool();
        let mut c = pool.get().unwrap();
        c.batch_execute(
            "PRAGMA ignore_check_constraints = ON; \
             INSERT INTO users (id, username, display_name, role, active, locale, created_at, updated_at) \
             VALUES ('u1', 'a', 'A', 'root', TRUE, 'en', '2026-01-01 00:00:00', '2026-01-01 00:00:00'), \
                    ('u2', 'b', 'B', 'clerk', TRUE, 'fr', '2026-01-01 00:00:00', '2026-01-01 00:00:00'), \
                    ('u3', 'c', 'C', 'clerk', TRUE, 'es', '2026-01-01 00:00:00', '2026-01-01 00:00:00'); \
             INSERT INTO jobs (id, kind, status, run_at, attempts, created_at) \
             VALUES ('j1', 'maintenance.purge_sessions', 'paused', '2026-01-01 00:00:00', 0, '2026-01-01 00:00:00');",
        )
        .unwrap();
        let user = |c: &mut crate::db::DbConnection, id: &str| {
            users::table.find(id).select(User::as_select()).first(c)
        };
        let e = user(&mut c, "u1").unwrap_err();
        let e = format!("{e:?}");
        assert!(e.contains("unknown Role `root`"), "{e}");
        let e = user(&mut c, "u2").unwrap_err();
        let e = format!("{e:?}");
        assert!(e.contains("unknown Locale `fr`"), "{e}");
        assert_eq!(
            user(&mut c, "u3").unwrap().locale,
            cistern_shared::dto::Locale::Es
        );
        let e = jobs::table
            .find("j1")
            .select(Job::as_select())
            .first(&mut c)
            .unwrap_err();
        let e = format!("{e:?}");
        assert!(e.contains("unknown JobStatus `paused`"), "{e}");
    }
}
