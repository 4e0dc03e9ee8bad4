use chrono::{NaiveDate, NaiveDateTime};
use cistern_shared::orders::{OrderStatus, OrderType, Priority, ServiceOrderDto};
use diesel::prelude::*;

use super::utc;
use crate::db::schema::service_orders;

/// One service order (field work), as stored. The DTO adds names looked up elsewhere
/// (address, account number, meter serials, assignee): see `domain::orders`.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = service_orders, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct ServiceOrder {
    pub id: String,
    pub number: String,
    pub order_type: OrderType,
    pub status: OrderStatus,
    pub priority: Priority,
    pub premise_id: String,
    pub account_id: Option<String>,
    pub meter_id: Option<String>,
    pub new_meter_id: Option<String>,
    pub assigned_to: Option<String>,
    pub due_on: NaiveDate,
    pub instructions: Option<String>,
    pub created_by: Option<String>,
    pub created_at: NaiveDateTime,
    pub completed_at: Option<NaiveDateTime>,
    pub completed_by: Option<String>,
    pub completed_on: Option<NaiveDate>,
    pub reading: Option<i64>,
    pub new_reading: Option<i64>,
    pub completion_notes: Option<String>,
    pub cancel_reason: Option<String>,
    /// Created although an order of its type was open at the premise (the request said so);
    /// the one-open-order index leaves these out.
    pub allow_duplicate: bool,
}

/// An order with the names the API shows beside its ids, looked up from other tables.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceOrderView {
    pub order: ServiceOrder,
    pub service_address: String,
    pub account_number: Option<String>,
    pub customer_name: Option<String>,
    pub meter_serial: Option<String>,
    pub new_meter_serial: Option<String>,
    pub assigned_name: Option<String>,
}

impl From<ServiceOrderView> for ServiceOrderDto {
    fn from(v: ServiceOrderView) -> ServiceOrderDto {
        let o = v.order;
        ServiceOrderDto {
            id: o.id,
            number: o.number,
            order_type: o.order_type,
            status: o.status,
            priority: o.priority,
            premise_id: o.premise_id,
            service_address: v.service_address,
            account_id: o.account_id,
            account_number: v.account_number,
            customer_name: v.customer_name,
            meter_id: o.meter_id,
            meter_serial: v.meter_serial,
            new_meter_id: o.new_meter_id,
            new_meter_serial: v.new_meter_serial,
            assigned_to: o.assigned_to,
            assigned_name: v.assigned_name,
            due_on: o.due_on,
            instructions: o.instructions,
            created_at: utc(o.created_at),
            completed_on: o.completed_on,
            reading: o.reading,
            new_reading: o.new_reading,
            completion_notes: o.completion_notes,
            cancel_reason: o.cancel_reason,
        }
    }
}
