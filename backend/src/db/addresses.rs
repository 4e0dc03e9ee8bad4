//! Splitting the addresses stored before addresses had parts (migration
//! `2026-12-02-000008_structured_addresses`): a one-time step after migrating, run by
//! [`super::run_migrations`]. It touches only rows whose parts are all NULL and whose text is
//! not empty, so running it again does nothing; a text that does not read as an address keeps
//! its text and stays unsplit. A row that is split gets its parts and, as its text, the
//! address's display form (as every write does). Rows are rewritten in multi-row upserts.

use diesel::prelude::*;
use diesel::upsert::excluded;

use super::models::{Customer, Premise};
use super::schema::{customers, premises};
use super::WriteTx;

/// Rows per statement: customers have 24 columns, well under both backends' bind limits.
const ROWS_PER_STATEMENT: usize = 500;

/// What [`backfill`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Backfill {
    pub customers_split: usize,
    pub customers_unsplit: usize,
    pub premises_split: usize,
    pub premises_unsplit: usize,
}

/// Splits every stored mailing and service address that has no parts yet.
pub fn backfill(tx: &mut WriteTx<'_>) -> QueryResult<Backfill> {
    let mut out = Backfill::default();

    let rows: Vec<Customer> = customers::table
        .filter(customers::mailing_address.ne(""))
        .filter(customers::house_number.is_null())
        .filter(customers::pre_direction.is_null())
        .filter(customers::street.is_null())
        .filter(customers::suffix.is_null())
        .filter(customers::post_direction.is_null())
        .filter(customers::unit.is_null())
        .filter(customers::city.is_null())
        .filter(customers::state.is_null())
        .filter(customers::zip.is_null())
        .filter(customers::zip4.is_null())
        .filter(customers::foreign_address.is_null())
        .select(Customer::as_select())
        .load(tx.db())?;
    let mut split = Vec::new();
    for mut row in rows {
        let before = row.mailing.clone();
        row.set_mailing_address(&row.mailing_address.clone());
        if row.mailing == before {
            out.customers_unsplit += 1;
        } else {
            split.push(row);
        }
    }
    out.customers_split = split.len();
    for chunk in split.chunks(ROWS_PER_STATEMENT) {
        crate::per_backend!(tx.db(), |c| diesel::insert_into(customers::table)
            .values(chunk)
            .on_conflict(customers::id)
            .do_update()
            .set((
                customers::mailing_address.eq(excluded(customers::mailing_address)),
                customers::house_number.eq(excluded(customers::house_number)),
                customers::pre_direction.eq(excluded(customers::pre_direction)),
                customers::street.eq(excluded(customers::street)),
                customers::suffix.eq(excluded(customers::suffix)),
                customers::post_direction.eq(excluded(customers::post_direction)),
                customers::unit.eq(excluded(customers::unit)),
                customers::city.eq(excluded(customers::city)),
                customers::state.eq(excluded(customers::state)),
                customers::zip.eq(excluded(customers::zip)),
                customers::zip4.eq(excluded(customers::zip4)),
                customers::foreign_address.eq(excluded(customers::foreign_address)),
            ))
            .execute(c))?;
    }

    let rows: Vec<Premise> = premises::table
        .filter(premises::service_address.ne(""))
        .filter(premises::house_number.is_null())
        .filter(premises::pre_direction.is_null())
        .filter(premises::street.is_null())
        .filter(premises::suffix.is_null())
        .filter(premises::post_direction.is_null())
        .filter(premises::unit.is_null())
        .filter(premises::city.is_null())
        .filter(premises::state.is_null())
        .filter(premises::zip.is_null())
        .filter(premises::zip4.is_null())
        .select(Premise::as_select())
        .load(tx.db())?;
    let mut split = Vec::new();
    for mut row in rows {
        let before = row.service.clone();
        row.set_service_address(&row.service_address.clone());
        if row.service == before {
            out.premises_unsplit += 1;
        } else {
            split.push(row);
        }
    }
    out.premises_split = split.len();
    for chunk in split.chunks(ROWS_PER_STATEMENT) {
        crate::per_backend!(tx.db(), |c| diesel::insert_into(premises::table)
            .values(chunk)
            .on_conflict(premises::id)
            .do_update()
            .set((
                premises::service_address.eq(excluded(premises::service_address)),
                premises::house_number.eq(excluded(premises::house_number)),
                premises::pre_direction.eq(excluded(premises::pre_direction)),
                premises::street.eq(excluded(premises::street)),
                premises::suffix.eq(excluded(premises::suffix)),
                premises::post_direction.eq(excluded(premises::post_direction)),
                premises::unit.eq(excluded(premises::unit)),
                premises::city.eq(excluded(premises::city)),
                premises::state.eq(excluded(premises::state)),
                premises::zip.eq(excluded(premises::zip)),
                premises::zip4.eq(excluded(premises::zip4)),
            ))
            .execute(c))?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use diesel::prelude::*;

    use super::*;
    use crate::db::schema::cycles;
    use crate::db::{now, run_migrations, write_on, DbConnection, DbTarget};

    fn customer(c: &mut DbConnection, id: &str, text: &str) {
        diesel::insert_into(customers::table)
            .values((
                customers::id.eq(id),
                customers::name.eq("X"),
                customers::mailing_address.eq(text),
                customers::preferred_locale.eq("en"),
                customers::created_at.eq(now()),
            ))
            .execute(c)
            .unwrap();
    }

    fn premise(c: &mut DbConnection, id: &str, text: &str) {
        diesel::insert_into(premises::table)
            .values((
                premises::id.eq(id),
                premises::service_address.eq(text),
                premises::inside_city.eq(true),
                premises::cycle_id.eq("cyc-1"),
                premises::route.eq("01"),
                premises::read_sequence.eq(1),
                premises::created_at.eq(now()),
            ))
            .execute(c)
            .unwrap();
    }

    #[test]
    fn stored_addresses_are_split_once_and_what_does_not_read_stays_as_it_was() {
        let mut c = DbTarget::Sqlite(":memory:".into()).connect().unwrap();
        run_migrations(&mut c).unwrap();
        diesel::insert_into(cycles::table)
            .values((
                cycles::id.eq("cyc-1"),
                cycles::code.eq("C1"),
                cycles::name.eq("One"),
                cycles::months_per_bill.eq(1),
            ))
            .execute(&mut c)
            .unwrap();
        customer(&mut c, "cus-1", "412 Alder St\nRiverbend OR 97351");
        customer(&mut c, "cus-2", "Salem OR 97301");
        customer(&mut c, "cus-3", "Calle 5 de Mayo 123\nOaxaca\nMexico");
        premise(&mut c, "prm-1", "1208 1/2 Main St Apt 3, Lyons OR 97358");
        premise(&mut c, "prm-2", "Riverbend OR 97351");

        let done = write_on(&mut c, backfill).unwrap();
        assert_eq!(
            done,
            Backfill {
                customers_split: 2,
                customers_unsplit: 1,
                premises_split: 1,
                premises_unsplit: 1,
            }
        );
        let load = |c: &mut DbConnection, id: &str| {
            customers::table
                .find(id)
                .select(Customer::as_select())
                .first(c)
                .unwrap()
        };
        let one = load(&mut c, "cus-1");
        assert_eq!(one.mailing_address, "412 Alder St, Riverbend OR 97351");
        assert_eq!(one.mailing.house_number.as_deref(), Some("412"));
        assert_eq!(one.mailing.zip.as_deref(), Some("97351"));
        let unsplit = load(&mut c, "cus-2");
        assert_eq!(unsplit.mailing_address, "Salem OR 97301");
        assert_eq!(unsplit.mailing.address(), None);
        let foreign = load(&mut c, "cus-3");
        assert!(foreign.mailing.address().unwrap().is_foreign());
        let p: Premise = premises::table
            .find("prm-1")
            .select(Premise::as_select())
            .first(&mut c)
            .unwrap();
        assert_eq!(p.service.house_number.as_deref(), Some("1208 1/2"));
        assert_eq!(p.service.unit.as_deref(), Some("Apt 3"));
        assert_eq!(p.service_address, "1208 1/2 Main St Apt 3, Lyons OR 97358");

        // Again: only the rows that did not read are looked at, and they stay unsplit.
        let again = write_on(&mut c, backfill).unwrap();
        assert_eq!(
            again,
            Backfill {
                customers_unsplit: 1,
                premises_unsplit: 1,
                ..Backfill::default()
            }
        );
        assert_eq!(load(&mut c, "cus-1"), one);
    }
}
