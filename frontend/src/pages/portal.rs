//! `/portal`: the signed-in customer's own accounts.

use cistern_shared::dto::AccountSummaryDto;
use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::{encode_query_value, use_api};
use crate::components::{LoadError, Loading, StatusBadge};
use crate::i18n::Key;
use crate::pages::accounts::AccountDetail;
use crate::tr;

#[component]
pub fn PortalPage() -> impl IntoView {
    let api = use_api();
    let data = LocalResource::new(move || async move {
        api.get::<Vec<AccountSummaryDto>>("/portal/accounts").await
    });
    view! {
        <div class="page-head" id="portal">
            <h1>{tr!(PortalTitle)}</h1>
            <p class="muted">{tr!(PortalIntro)}</p>
        </div>
        {move || match data.get() {
            None => view! { <Loading /> }.into_any(),
            Some(Err(e)) => view! { <LoadError err=e /> }.into_any(),
            Some(Ok(items)) if items.is_empty() => view! { <p class="empty">{tr!(PortalNone)}</p> }.into_any(),
            Some(Ok(items)) => {
                view! {
                    <ul class="account-cards" id="portal-accounts">
                        {items
                            .into_iter()
                            .map(|a| {
                                let href = format!("/portal/accounts/{}", encode_query_value(&a.id));
                                view! {
                                    <li class="card account-card">
                                        <h2>
                                            <A href=href attr:class="account-number">{a.number}</A>
                                        </h2>
                                        <StatusBadge status=a.status />
                                        <p>{a.service_address}</p>
                                        <p class="muted small">{a.customer_name} " · " {a.cycle_code}</p>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
                    .into_any()
            }
        }}
    }
}

#[component]
pub fn PortalAccountPage() -> impl IntoView {
    view! { <AccountDetail back_href="/portal" back_label=Key::PortalBack /> }
}
