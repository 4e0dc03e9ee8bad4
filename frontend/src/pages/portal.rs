//! `/portal`: the signed-in customer's own accounts.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::{encode_query_value, use_api};
use crate::components::{loaded_or, StatusBadge};
use crate::i18n::Key;
use crate::pages::accounts::AccountDetail;
use crate::tr;

#[component]
pub fn PortalPage() -> impl IntoView {
    let api = use_api();
    let data = LocalResource::new(move || async move { api.portal_accounts().await });
    view! {
        <div class="page-head" id="portal">
            <h1>{tr!(PortalTitle)}</h1>
            <p class="muted">{tr!(PortalIntro)}</p>
        </div>
        {move || loaded_or(data.get(), |v| match v {
            items if items.is_empty() => view! { <p class="empty">{tr!(PortalNone)}</p> }.into_any(),
            items => {
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
        })}
    }
}

#[component]
pub fn PortalAccountPage() -> impl IntoView {
    view! { <AccountDetail back_href="/portal" back_label=Key::PortalBack /> }
}
