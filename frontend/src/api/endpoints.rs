//! One typed function per API operation the client uses. Pages call these and never write a
//! path: the paths, their parameters and the request and answer types are all here, next to
//! each other, so the contract with the server is read (and changed) in one place.

use cistern_shared::accounts::AccountOverviewDto;
use cistern_shared::complaints::{ComplaintDto, ComplaintInput, ComplaintUpdate};
use cistern_shared::contacts::{ContactDto, ContactInput};
use cistern_shared::customers::{CustomerDetailDto, CustomerInput};
use cistern_shared::cycles::CycleInput;
use cistern_shared::dto::{
    AccountDto, AccountSummaryDto, AuditEntryDto, CreateUserRequest, CycleDto, DashboardDto, Page,
    ResetPasswordRequest, UpdateUserRequest, UserDto,
};
use cistern_shared::meters::{ConsumptionDto, MeterDto, MeterInput};
use cistern_shared::notes::{NoteDto, NoteInput};
use cistern_shared::orders::{
    AssignServiceOrder, AssigneeDto, CancelServiceOrder, CompleteServiceOrder, CreateServiceOrder,
    MoveInRequest, MoveInResult, MoveOutRequest, ServiceOrderDto, TransferRequest, TransferResult,
};
use cistern_shared::premises::{PremiseDetailDto, PremiseInput, PremiseSummaryDto};
use cistern_shared::query::{
    AccountQuery, AuditQuery, MeterQuery, OrderFilter, PageQuery, PeriodQuery, PremiseQuery,
    QuoteQuery, RateListQuery, SheetQuery,
};
use cistern_shared::rates_api::{
    ApproveRateScheduleRequest, RateBookDto, RateQuoteDto, RateQuoteRequest, RateScheduleDto,
    RateScheduleSummaryDto, RetireRateScheduleRequest,
};
use cistern_shared::services::{ServiceDto, ServiceInput, ServiceStatusChange};
use serde::Serialize;

use super::{encode_query_value, Api, ApiError};

/// `?a=1&b=x` from a query struct; parameters that are `None` are left out.
pub fn query<Q: Serialize>(q: &Q) -> Result<String, ApiError> {
    let s = serde_urlencoded::to_string(q).map_err(|_| ApiError::Unexpected)?;
    Ok(if s.is_empty() { s } else { format!("?{s}") })
}

/// `/{resource}/{id}{rest}` with the id percent-encoded.
fn item(resource: &str, id: &str, rest: &str) -> String {
    format!("/{resource}/{}{rest}", encode_query_value(id))
}

impl Api {
    // ------------------------------------------------------------ accounts

    /// `GET /accounts`: the account search.
    pub async fn search_accounts(
        self,
        q: &AccountQuery,
    ) -> Result<Page<AccountSummaryDto>, ApiError> {
        self.get(&format!("/accounts{}", query(q)?)).await
    }

    /// `GET /accounts/{id}`.
    pub async fn account(self, id: &str) -> Result<AccountDto, ApiError> {
        self.get(&item("accounts", id, "")).await
    }

    /// `GET /accounts/{id}/overview`: everything about one account.
    pub async fn account_overview(self, id: &str) -> Result<AccountOverviewDto, ApiError> {
        self.get(&item("accounts", id, "/overview")).await
    }

    /// `POST /accounts/{id}/notes`: the account's notes afterwards.
    pub async fn add_note(
        self,
        account_id: &str,
        body: &NoteInput,
    ) -> Result<Vec<NoteDto>, ApiError> {
        self.post(&item("accounts", account_id, "/notes"), body)
            .await
    }

    /// `POST /accounts/{id}/move-out`: the move-out order.
    pub async fn move_out(
        self,
        account_id: &str,
        body: &MoveOutRequest,
    ) -> Result<ServiceOrderDto, ApiError> {
        self.post(&item("accounts", account_id, "/move-out"), body)
            .await
    }

    /// `POST /accounts/{id}/transfer`.
    pub async fn transfer(
        self,
        account_id: &str,
        body: &TransferRequest,
    ) -> Result<TransferResult, ApiError> {
        self.post(&item("accounts", account_id, "/transfer"), body)
            .await
    }

    /// `GET /portal/accounts`: the signed-in customer's accounts.
    pub async fn portal_accounts(self) -> Result<Vec<AccountSummaryDto>, ApiError> {
        self.get("/portal/accounts").await
    }

    /// `POST /move-ins`.
    pub async fn move_in(self, body: &MoveInRequest) -> Result<MoveInResult, ApiError> {
        self.post("/move-ins", body).await
    }

    // ------------------------------------------------------------ customers

    /// `GET /customers/{id}`.
    pub async fn customer(self, id: &str) -> Result<CustomerDetailDto, ApiError> {
        self.get(&item("customers", id, "")).await
    }

    /// `PUT /customers/{id}`.
    pub async fn update_customer(
        self,
        id: &str,
        body: &CustomerInput,
    ) -> Result<CustomerDetailDto, ApiError> {
        self.put(&item("customers", id, ""), body).await
    }

    /// `POST /customers/{id}/contacts`: the customer's contacts afterwards.
    pub async fn log_contact(
        self,
        customer_id: &str,
        body: &ContactInput,
    ) -> Result<Vec<ContactDto>, ApiError> {
        self.post(&item("customers", customer_id, "/contacts"), body)
            .await
    }

    // ------------------------------------------------------------ complaints

    /// `POST /complaints`.
    pub async fn open_complaint(self, body: &ComplaintInput) -> Result<ComplaintDto, ApiError> {
        self.post("/complaints", body).await
    }

    /// `PATCH /complaints/{id}`.
    pub async fn update_complaint(
        self,
        id: &str,
        body: &ComplaintUpdate,
    ) -> Result<ComplaintDto, ApiError> {
        self.patch(&item("complaints", id, ""), body).await
    }

    // ------------------------------------------------------------ premises and services

    /// `GET /premises`: the premise search.
    pub async fn search_premises(
        self,
        q: &PremiseQuery,
    ) -> Result<Page<PremiseSummaryDto>, ApiError> {
        self.get(&format!("/premises{}", query(q)?)).await
    }

    /// `GET /premises/{id}`.
    pub async fn premise(self, id: &str) -> Result<PremiseDetailDto, ApiError> {
        self.get(&item("premises", id, "")).await
    }

    /// `POST /premises`.
    pub async fn create_premise(self, body: &PremiseInput) -> Result<PremiseDetailDto, ApiError> {
        self.post("/premises", body).await
    }

    /// `PUT /premises/{id}`.
    pub async fn update_premise(
        self,
        id: &str,
        body: &PremiseInput,
    ) -> Result<PremiseDetailDto, ApiError> {
        self.put(&item("premises", id, ""), body).await
    }

    /// `POST /premises/{id}/services`.
    pub async fn add_service(
        self,
        premise_id: &str,
        body: &ServiceInput,
    ) -> Result<ServiceDto, ApiError> {
        self.post(&item("premises", premise_id, "/services"), body)
            .await
    }

    /// `GET /premises/{id}/consumption`: metered use over a period.
    pub async fn consumption(
        self,
        premise_id: &str,
        q: &PeriodQuery,
    ) -> Result<ConsumptionDto, ApiError> {
        self.get(&format!(
            "{}{}",
            item("premises", premise_id, "/consumption"),
            query(q)?
        ))
        .await
    }

    /// `POST /services/{id}/status`: seasonal off, back on.
    pub async fn change_service_status(
        self,
        service_id: &str,
        body: &ServiceStatusChange,
    ) -> Result<ServiceDto, ApiError> {
        self.post(&item("services", service_id, "/status"), body)
            .await
    }

    /// `GET /cycles`.
    pub async fn cycles(self) -> Result<Vec<CycleDto>, ApiError> {
        self.get("/cycles").await
    }

    /// `POST /cycles`.
    pub async fn create_cycle(self, body: &CycleInput) -> Result<CycleDto, ApiError> {
        self.post("/cycles", body).await
    }

    /// `PUT /cycles/{id}`.
    pub async fn update_cycle(self, id: &str, body: &CycleInput) -> Result<CycleDto, ApiError> {
        self.put(&item("cycles", id, ""), body).await
    }

    // ------------------------------------------------------------ meters

    /// `GET /meters`.
    pub async fn meters(self, q: &MeterQuery) -> Result<Vec<MeterDto>, ApiError> {
        self.get(&format!("/meters{}", query(q)?)).await
    }

    /// `POST /meters`.
    pub async fn create_meter(self, body: &MeterInput) -> Result<MeterDto, ApiError> {
        self.post("/meters", body).await
    }

    // ------------------------------------------------------------ service orders

    /// `GET /service-orders`.
    pub async fn service_orders(self, q: &OrderFilter) -> Result<Vec<ServiceOrderDto>, ApiError> {
        self.get(&format!("/service-orders{}", query(q)?)).await
    }

    /// `POST /service-orders`.
    pub async fn create_service_order(
        self,
        body: &CreateServiceOrder,
    ) -> Result<ServiceOrderDto, ApiError> {
        self.post("/service-orders", body).await
    }

    /// `POST /service-orders/{id}/assign`.
    pub async fn assign_service_order(
        self,
        id: &str,
        body: &AssignServiceOrder,
    ) -> Result<ServiceOrderDto, ApiError> {
        self.post(&item("service-orders", id, "/assign"), body)
            .await
    }

    /// `POST /service-orders/{id}/cancel`.
    pub async fn cancel_service_order(
        self,
        id: &str,
        body: &CancelServiceOrder,
    ) -> Result<ServiceOrderDto, ApiError> {
        self.post(&item("service-orders", id, "/cancel"), body)
            .await
    }

    /// `POST /service-orders/{id}/complete`.
    pub async fn complete_service_order(
        self,
        id: &str,
        body: &CompleteServiceOrder,
    ) -> Result<ServiceOrderDto, ApiError> {
        self.post(&item("service-orders", id, "/complete"), body)
            .await
    }

    /// `GET /service-orders/{id}/sheet.pdf`: the printable sheet.
    pub async fn service_order_sheet(
        self,
        id: &str,
        q: &SheetQuery,
    ) -> Result<web_sys::Blob, ApiError> {
        self.get_blob(&format!(
            "{}{}",
            item("service-orders", id, "/sheet.pdf"),
            query(q)?
        ))
        .await
    }

    /// `GET /assignees`: who can take orders.
    pub async fn assignees(self) -> Result<Vec<AssigneeDto>, ApiError> {
        self.get("/assignees").await
    }

    // ------------------------------------------------------------ rates

    /// `GET /rate-books`.
    pub async fn rate_books(self) -> Result<Vec<RateBookDto>, ApiError> {
        self.get("/rate-books").await
    }

    /// `GET /rate-books/{id}/versions`.
    pub async fn rate_book_versions(
        self,
        book_id: &str,
    ) -> Result<Vec<RateScheduleSummaryDto>, ApiError> {
        self.get(&item("rate-books", book_id, "/versions")).await
    }

    /// `GET /rate-books/rate-list.pdf`: the printable rate list.
    pub async fn rate_list_pdf(self, q: &RateListQuery) -> Result<web_sys::Blob, ApiError> {
        self.get_blob(&format!("/rate-books/rate-list.pdf{}", query(q)?))
            .await
    }

    /// `GET /rate-schedules/{id}`.
    pub async fn rate_schedule(self, id: &str) -> Result<RateScheduleDto, ApiError> {
        self.get(&item("rate-schedules", id, "")).await
    }

    /// `GET /rate-schedules/{id}/export`: the stored document, byte for byte.
    pub async fn rate_schedule_text(self, id: &str) -> Result<String, ApiError> {
        self.get_text(&item("rate-schedules", id, "/export")).await
    }

    /// `GET /rate-schedules/{id}/export` as a file to save.
    pub async fn rate_schedule_file(self, id: &str) -> Result<web_sys::Blob, ApiError> {
        self.get_blob(&item("rate-schedules", id, "/export")).await
    }

    /// `POST /rate-schedules` (a new draft) or `PUT /rate-schedules/{id}` (change the draft
    /// `id`), with the document exactly as typed.
    pub async fn save_rate_schedule(
        self,
        draft_id: Option<&str>,
        document: &wasm_bindgen::JsValue,
    ) -> Result<RateScheduleSummaryDto, ApiError> {
        match draft_id {
            Some(id) => {
                self.send_raw(&item("rate-schedules", id, ""), true, document)
                    .await
            }
            None => self.send_raw("/rate-schedules", false, document).await,
        }
    }

    /// `POST /rate-schedules/import`: a document file, byte for byte.
    pub async fn import_rate_schedule(
        self,
        file: &wasm_bindgen::JsValue,
    ) -> Result<RateScheduleSummaryDto, ApiError> {
        self.send_raw("/rate-schedules/import", false, file).await
    }

    /// `POST /rate-schedules/{id}/approve`.
    pub async fn approve_rate_schedule(
        self,
        id: &str,
        body: &ApproveRateScheduleRequest,
    ) -> Result<RateScheduleSummaryDto, ApiError> {
        self.post(&item("rate-schedules", id, "/approve"), body)
            .await
    }

    /// `POST /rate-schedules/{id}/retire`.
    pub async fn retire_rate_schedule(
        self,
        id: &str,
        body: &RetireRateScheduleRequest,
    ) -> Result<RateScheduleSummaryDto, ApiError> {
        self.post(&item("rate-schedules", id, "/retire"), body)
            .await
    }

    /// `POST /rate-quotes`: a bill calculated and explained.
    pub async fn rate_quote(
        self,
        q: &QuoteQuery,
        body: &RateQuoteRequest,
    ) -> Result<RateQuoteDto, ApiError> {
        self.post(&format!("/rate-quotes{}", query(q)?), body).await
    }

    // ------------------------------------------------------------ administration

    /// `GET /dashboard`.
    pub async fn dashboard(self) -> Result<DashboardDto, ApiError> {
        self.get("/dashboard").await
    }

    /// `GET /audit`.
    pub async fn audit(self, q: &AuditQuery) -> Result<Page<AuditEntryDto>, ApiError> {
        self.get(&format!("/audit{}", query(q)?)).await
    }

    /// `GET /users`.
    pub async fn users(self, q: &PageQuery) -> Result<Page<UserDto>, ApiError> {
        self.get(&format!("/users{}", query(q)?)).await
    }

    /// `POST /users`.
    pub async fn create_user(self, body: &CreateUserRequest) -> Result<UserDto, ApiError> {
        self.post("/users", body).await
    }

    /// `PATCH /users/{id}`.
    pub async fn update_user(
        self,
        id: &str,
        body: &UpdateUserRequest,
    ) -> Result<UserDto, ApiError> {
        self.patch(&item("users", id, ""), body).await
    }

    /// `POST /users/{id}/password`: an administrator sets a new password.
    pub async fn reset_password(
        self,
        id: &str,
        body: &ResetPasswordRequest,
    ) -> Result<(), ApiError> {
        self.post_no_content(&item("users", id, "/password"), body)
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cistern_shared::dto::Locale;
    use cistern_shared::meters::MeterStatus;
    use cistern_shared::orders::OrderStatus;

    #[test]
    fn queries_leave_out_what_is_not_set() {
        assert_eq!(query(&AccountQuery::default()).ok(), Some(String::new()));
        let q = AccountQuery {
            q: Some("12 Main St & 3/4".into()),
            page: Some(2),
            per_page: Some(25),
            ..Default::default()
        };
        assert_eq!(
            query(&q).ok().as_deref(),
            Some("?q=12+Main+St+%26+3%2F4&page=2&per_page=25")
        );
        let q = OrderFilter {
            status: Some(OrderStatus::Open),
            assigned_to: Some("me".into()),
            ..Default::default()
        };
        assert_eq!(
            query(&q).ok().as_deref(),
            Some("?status=open&assigned_to=me")
        );
        let q = MeterQuery {
            status: Some(MeterStatus::InStock),
            q: None,
        };
        assert_eq!(query(&q).ok().as_deref(), Some("?status=in_stock"));
        let q = RateListQuery {
            on: chrono::NaiveDate::from_ymd_opt(2026, 7, 1),
            lang: Some(Locale::Es),
        };
        assert_eq!(query(&q).ok().as_deref(), Some("?on=2026-07-01&lang=es"));
        let q = PremiseQuery {
            q: Some("ñ".into()),
            vacant: Some(true),
            ..Default::default()
        };
        assert_eq!(query(&q).ok().as_deref(), Some("?q=%C3%B1&vacant=true"));
    }

    /// The query strings the client writes are the ones the server reads.
    #[test]
    fn queries_round_trip() {
        let q = AuditQuery {
            entity_type: Some("account".into()),
            actor: Some("ana lópez".into()),
            page: Some(3),
            per_page: Some(50),
            ..Default::default()
        };
        let s = query(&q).unwrap_or_default();
        let back: Result<AuditQuery, _> = serde_urlencoded::from_str(s.trim_start_matches('?'));
        assert_eq!(back.ok(), Some(q));
    }
}
