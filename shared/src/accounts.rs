//! The account at a glance (the account itself, its list and search rows are in `dto`).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::complaints::ComplaintDto;
use crate::contacts::ContactDto;
use crate::dto::AccountStatus;
use crate::meters::MeterDto;
use crate::notes::NoteDto;
use crate::orders::ServiceOrderDto;
use crate::services::ServiceDto;

#[cfg(feature = "server")]
use utoipa::ToSchema;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct AccountOverviewDto {
    pub account: crate::dto::AccountDto,
    pub status: AccountStatus,
    pub owner_copy_to: Option<String>,
    pub paperless: bool,
    pub autopay: bool,
    pub final_read_on: Option<NaiveDate>,
    pub closing_bill_pending: bool,
    pub meters: Vec<MeterDto>,
    pub services: Vec<ServiceDto>,
    pub notes: Vec<NoteDto>,
    pub open_orders: Vec<ServiceOrderDto>,
    pub complaints: Vec<ComplaintDto>,
    pub contacts: Vec<ContactDto>,
}
