//! Vendors the utility works with (billing software, phone notification, postal, meters,
//! printing...).

use cistern_shared::vendors::{VendorDto, VendorInput};
use diesel::prelude::*;

use crate::db::models::Vendor;
use crate::db::schema::vendors;
use crate::db::{now, DbConnection, WriteTx};
use crate::domain::audit::{self, Actor, Change};
use crate::domain::new_id;
use crate::error::{ApiError, ApiResult};

pub fn vendors(c: &mut DbConnection) -> ApiResult<Vec<VendorDto>> {
    Ok(vendors::table
        .select(Vendor::as_select())
        .order(vendors::name.asc())
        .load(c)?
        .into_iter()
        .map(VendorDto::from)
        .collect())
}

fn vendor_row(c: &mut DbConnection, id: &str) -> ApiResult<Vendor> {
    vendors::table
        .find(id)
        .select(Vendor::as_select())
        .first(c)
        .optional()?
        .ok_or_else(ApiError::not_found)
}

/// Adds a vendor (`id` None) or changes one.
pub fn save_vendor(
    tx: &mut WriteTx<'_>,
    actor: &Actor,
    id: Option<&str>,
    input: &VendorInput,
) -> ApiResult<VendorDto> {
    let t = now();
    let (row, action, before) = match id {
        Some(id) => {
            let mut row = vendor_row(tx, id)?;
            let before = audit::snapshot(&VendorDto::from(row.clone()));
            row.assign(input);
            row.updated_at = Some(t);
            diesel::update(vendors::table.find(id))
                .set(&row)
                .execute(tx.db())?;
            (row, "vendor.update", before)
        }
        None => {
            let row = Vendor::new(new_id(), input, t);
            diesel::insert_into(vendors::table)
                .values(&row)
                .execute(tx.db())?;
            (row, "vendor.create", None)
        }
    };
    audit::record(
        tx,
        actor,
        Change {
            action,
            entity_type: "vendor",
            entity_id: &row.id,
            before,
            after: audit::snapshot(input),
            reason: None,
        },
    )?;
    Ok(VendorDto::from(vendor_row(tx, &row.id)?))
}
