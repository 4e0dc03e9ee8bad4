//! The query-string parameters of the list, search and document operations. The server reads
//! them (`web::Query<..>`, documented with `IntoParams`), the client writes them (the typed
//! endpoint functions serialise them), so a parameter cannot be renamed on one side only.
//! Every parameter is optional on the wire unless its type says otherwise; `None` is left out.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::complaints::ComplaintStatus;
use crate::dto::{AccountStatus, Locale};
use crate::meters::MeterStatus;
use crate::orders::{OrderStatus, OrderType};

/// `GET /accounts`: the account search.
#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "server",
    derive(utoipa::IntoParams),
    into_params(parameter_in = Query)
)]
pub struct AccountQuery {
    /// Text to find: account number, customer name, service or mailing address, meter
    /// serial, phone or parcel; partial and misspelled words are found. Only the best
    /// 1,000 matches are shown (a page beyond them is refused); `total` counts them all.
    pub q: Option<String>,
    pub status: Option<AccountStatus>,
    /// 1-based page number.
    pub page: Option<i64>,
    /// Rows per page (1 to 200, default 50).
    pub per_page: Option<i64>,
}

/// `GET /premises`: the premise search.
#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "server",
    derive(utoipa::IntoParams),
    into_params(parameter_in = Query)
)]
pub struct PremiseQuery {
    /// Words of the service address or parcel, each found anywhere in it (at most 100
    /// characters). Premises have no account until one opens there, so the account search
    /// cannot find a new one.
    pub q: Option<String>,
    /// `true`: only premises with no open account (where service can start).
    pub vacant: Option<bool>,
    /// 1-based page number.
    pub page: Option<i64>,
    /// Rows per page (1 to 200, default 50).
    pub per_page: Option<i64>,
}

/// `GET /premises/{id}/consumption`: the period to total.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "server",
    derive(utoipa::IntoParams),
    into_params(parameter_in = Query)
)]
pub struct PeriodQuery {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// `GET /meters`: the meter list.
#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "server",
    derive(utoipa::IntoParams),
    into_params(parameter_in = Query)
)]
pub struct MeterQuery {
    pub status: Option<MeterStatus>,
    /// Serial number prefix.
    pub q: Option<String>,
}

/// `GET /complaints`: the complaint list.
#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "server",
    derive(utoipa::IntoParams),
    into_params(parameter_in = Query)
)]
pub struct ComplaintQuery {
    pub status: Option<ComplaintStatus>,
    pub customer_id: Option<String>,
    pub account_id: Option<String>,
}

/// `GET /service-orders`: the order list.
#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "server",
    derive(utoipa::IntoParams),
    into_params(parameter_in = Query)
)]
pub struct OrderFilter {
    pub status: Option<OrderStatus>,
    pub order_type: Option<OrderType>,
    /// A user id; `me` for yourself.
    pub assigned_to: Option<String>,
    pub premise_id: Option<String>,
    pub account_id: Option<String>,
}

/// `GET /service-orders/{id}/sheet.pdf`: the language of the printed sheet.
#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "server",
    derive(utoipa::IntoParams),
    into_params(parameter_in = Query)
)]
pub struct SheetQuery {
    /// `en` or `es`; default the signed-in user's language.
    pub lang: Option<Locale>,
}

/// `GET /rate-books/rate-list.pdf`: the printed rate list.
#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "server",
    derive(utoipa::IntoParams),
    into_params(parameter_in = Query)
)]
pub struct RateListQuery {
    /// The date whose rates to list (`YYYY-MM-DD`); default: the business date.
    pub on: Option<NaiveDate>,
    /// Language of the list (`en` or `es`); default: your profile's.
    pub lang: Option<Locale>,
}

/// `POST /rate-quotes`: the language of the bill's explanation.
#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "server",
    derive(utoipa::IntoParams),
    into_params(parameter_in = Query)
)]
pub struct QuoteQuery {
    /// Language of the explanation (`en` or `es`); default: your profile's.
    pub lang: Option<Locale>,
}

/// `POST /imports/conversion`: check only, or import.
#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "server",
    derive(utoipa::IntoParams),
    into_params(parameter_in = Query)
)]
pub struct ConversionQuery {
    /// `true` (the default): check everything and report what would happen, changing
    /// nothing. `false`: import, all or nothing.
    pub dry_run: Option<bool>,
}

/// `GET /users`: one page of the user list.
#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "server",
    derive(utoipa::IntoParams),
    into_params(parameter_in = Query)
)]
pub struct PageQuery {
    /// 1-based page number.
    pub page: Option<i64>,
    /// Rows per page (1 to 200, default 50).
    pub per_page: Option<i64>,
}

/// `GET /audit`: the audit log, filtered.
#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "server",
    derive(utoipa::IntoParams),
    into_params(parameter_in = Query)
)]
pub struct AuditQuery {
    /// e.g. `user`, `account`.
    pub entity_type: Option<String>,
    pub entity_id: Option<String>,
    /// Username of the actor.
    pub actor: Option<String>,
    /// e.g. `user.update`.
    pub action: Option<String>,
    /// 1-based page number.
    pub page: Option<i64>,
    /// Rows per page (1 to 200, default 50).
    pub per_page: Option<i64>,
}
