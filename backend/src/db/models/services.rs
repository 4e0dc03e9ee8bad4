use chrono::{NaiveDate, NaiveDateTime};
use cistern_shared::services::{ServiceDto, ServiceInput, ServiceStatus, ServiceType};
use diesel::prelude::*;

use super::{decimal, decimal_text, BadValue};
use crate::db::schema::services;

/// A row of `services`: one service (water, sewer, ...) at a premise. ESUs are an exact
/// decimal stored as normalised text.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = services, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
#[diesel(treat_none_as_null = true)]
pub struct Service {
    pub id: String,
    pub premise_id: String,
    pub service_type: ServiceType,
    pub customer_class: String,
    pub rate_code: String,
    pub status: ServiceStatus,
    pub esu: Option<String>,
    pub started_on: NaiveDate,
    pub ended_on: Option<NaiveDate>,
    #[diesel(skip_update)]
    pub created_at: NaiveDateTime,
    pub updated_at: Option<NaiveDateTime>,
}

impl Service {
    /// A new active service (class and rate code trimmed).
    pub fn new(id: String, premise_id: String, input: &ServiceInput, at: NaiveDateTime) -> Service {
        Service {
            id,
            premise_id,
            service_type: input.service_type,
            customer_class: input.customer_class.trim().to_owned(),
            rate_code: input.rate_code.trim().to_owned(),
            status: ServiceStatus::Active,
            esu: input.esu.map(decimal_text),
            started_on: input.started_on,
            ended_on: None,
            created_at: at,
            updated_at: None,
        }
    }
}

impl TryFrom<Service> for ServiceDto {
    type Error = BadValue;
    fn try_from(s: Service) -> Result<ServiceDto, BadValue> {
        Ok(ServiceDto {
            esu: s.esu.as_deref().map(|e| decimal("esu", e)).transpose()?,
            id: s.id,
            premise_id: s.premise_id,
            service_type: s.service_type,
            customer_class: s.customer_class,
            rate_code: s.rate_code,
            status: s.status,
            started_on: s.started_on,
            ended_on: s.ended_on,
        })
    }
}
