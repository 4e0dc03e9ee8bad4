//! Services at a premise (water, sewer, stormwater, fees) and their seasonal status.

use cistern_shared::services::{ServiceDto, ServiceInput, ServiceStatus, ServiceStatusChange};
use cistern_shared::ErrorCode;
use cistern_shared::FieldCode;
use diesel::prelude::*;
use rust_decimal::Decimal;

use crate::db::models::Service;
use crate::db::schema::services;
use crate::db::{now, DbConnection, WriteTx};
use crate::domain::audit::{self, Actor, Change};
use crate::domain::{new_id, premises};
use crate::error::{ApiError, ApiResult};

pub fn services_of(c: &mut DbConnection, premise_id: &str) -> ApiResult<Vec<ServiceDto>> {
    services::table
        .filter(services::premise_id.eq(premise_id))
        .select(Service::as_select())
        .order((services::service_type, services::started_on))
        .load(c)?
        .into_iter()
        .map(|s| Ok(ServiceDto::try_from(s)?))
        .collect()
}

fn service(c: &mut DbConnection, premise_id: &str, id: &str) -> ApiResult<ServiceDto> {
    services_of(c, premise_id)?
        .into_iter()
        .find(|s| s.id == id)
        .ok_or_else(ApiError::not_found)
}

pub fn add_service(
    tx: &mut WriteTx<'_>,
    actor: &Actor,
    premise_id: &str,
    input: &ServiceInput,
) -> ApiResult<ServiceDto> {
    premises::premise_row(tx, premise_id)?;
    if input.esu.is_some_and(|e| e <= Decimal::ZERO) {
        return Err(ApiError::field("esu", FieldCode::Range, "must be positive"));
    }
    let row = Service::new(new_id(), premise_id.to_owned(), input, now());
    diesel::insert_into(services::table)
        .values(&row)
        .execute(tx.db())?;
    audit::record(
        tx,
        actor,
        Change {
            action: "service.create",
            entity_type: "service",
            entity_id: &row.id,
            before: None,
            after: audit::snapshot(input),
            reason: None,
        },
    )?;
    service(tx, premise_id, &row.id)
}

/// Seasonal turn-off (and back on) of one service; the account stays open.
pub fn change_service_status(
    tx: &mut WriteTx<'_>,
    actor: &Actor,
    id: &str,
    change: &ServiceStatusChange,
) -> ApiResult<ServiceDto> {
    let mut row: Service = services::table
        .find(id)
        .select(Service::as_select())
        .first(tx.db())
        .optional()?
        .ok_or_else(ApiError::not_found)?;
    let status = row.status;
    let allowed = matches!(
        (status, change.status),
        (ServiceStatus::Active, ServiceStatus::SeasonalOff)
            | (ServiceStatus::SeasonalOff, ServiceStatus::Active)
            | (
                ServiceStatus::Active | ServiceStatus::SeasonalOff,
                ServiceStatus::Inactive
            )
    );
    if !allowed {
        return Err(ApiError::with_detail(
            ErrorCode::ServiceStatusNotAllowed,
            format!(
                "a service that is {} cannot become {}",
                status.as_str(),
                change.status.as_str()
            ),
        ));
    }
    row.status = change.status;
    row.ended_on = (change.status == ServiceStatus::Inactive).then_some(change.effective_on);
    row.updated_at = Some(now());
    diesel::update(services::table.find(id))
        .set(&row)
        .execute(tx.db())?;
    audit::record(
        tx,
        actor,
        Change {
            action: "service.status",
            entity_type: "service",
            entity_id: id,
            before: Some(serde_json::json!({ "status": status })),
            after: Some(
                serde_json::json!({ "status": change.status, "effective_on": change.effective_on }),
            ),
            reason: Some(&change.reason),
        },
    )?;
    service(tx, &row.premise_id, id)
}
