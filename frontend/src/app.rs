//! The root component: contexts, start-up session restore, routes, guards and page frames.

use cistern_shared::role::sets;
use cistern_shared::Role;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::{Outlet, ParentRoute, Redirect, Route, Router, Routes, A};
use leptos_router::{path, NavigateOptions};

use crate::api::{refresh, use_api, use_auth, ApiError, Auth};
use crate::components::{LanguageSwitch, Loading, Submit};
use crate::i18n::{role_key, use_i18n, I18n, Key};
use crate::pages;
use crate::tr;

/// What the route guards decide on. A memo of it changes only when the role does, so a token
/// refresh does not re-mount the pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gate {
    /// The start-up refresh has not answered yet.
    Loading,
    SignedOut,
    SignedIn(Role),
}

pub fn gate(auth: Auth) -> Memo<Gate> {
    Memo::new(move |_| {
        if !auth.ready() {
            Gate::Loading
        } else {
            match auth.role() {
                None => Gate::SignedOut,
                Some(r) => Gate::SignedIn(r),
            }
        }
    })
}

/// Where a role lands after signing in.
pub fn home_path(role: Role) -> &'static str {
    if role == Role::Field {
        "/staff/my-orders"
    } else if role.is_staff() {
        "/staff"
    } else if role == Role::Customer {
        "/portal"
    } else {
        "/"
    }
}

pub fn replace() -> NavigateOptions {
    NavigateOptions {
        replace: true,
        ..Default::default()
    }
}

#[component]
pub fn App() -> impl IntoView {
    let _i18n = I18n::provide();
    let auth = Auth::provide();
    // A reload keeps you signed in: the refresh cookie buys a new access token.
    spawn_local(async move {
        let _ = refresh(auth).await;
        auth.mark_ready();
    });
    view! {
        <Router>
            <Routes fallback=|| view! { <PublicFrame><pages::NotFound /></PublicFrame> }>
                <Route path=path!("/") view=HomeRedirect />
                <Route path=path!("/login") view=|| view! { <PublicFrame><pages::login::LoginPage /></PublicFrame> } />
                <ParentRoute path=path!("/staff") view=StaffArea>
                    <Route path=path!("") view=pages::dashboard::DashboardPage />
                    <Route path=path!("accounts") view=pages::accounts::AccountsPage />
                    <Route path=path!("accounts/:id") view=pages::account::StaffAccountPage />
                    <Route path=path!("accounts/:id/move-out") view=pages::moveout::MoveOutPage />
                    <Route path=path!("accounts/:id/transfer") view=pages::moveout::TransferPage />
                    <Route path=path!("customers/:id") view=pages::customers::CustomerPage />
                    <Route path=path!("premises/:id") view=pages::premises::PremisePage />
                    <Route path=path!("move-in") view=pages::movein::MoveInPage />
                    <Route path=path!("orders") view=pages::orders::OrdersPage />
                    <Route path=path!("my-orders") view=pages::orders::MyOrdersPage />
                    <Route path=path!("meters") view=pages::meters::MetersPage />
                    <Route path=path!("cycles") view=pages::cycles::CyclesPage />
                    <Route path=path!("users") view=pages::users::UsersPage />
                    <Route path=path!("audit") view=pages::audit::AuditPage />
                    <Route path=path!("rates") view=pages::rates::RatesPage />
                    <Route path=path!("rates/new") view=pages::rate_editor::RateEditorPage />
                    <Route path=path!("rates/books/:book") view=pages::rates::RateBookPage />
                    <Route path=path!("rates/:id") view=pages::rates::RateVersionPage />
                    <Route path=path!("rates/:id/edit") view=pages::rate_editor::RateEditorPage />
                </ParentRoute>
                <ParentRoute path=path!("/portal") view=PortalArea>
                    <Route path=path!("") view=pages::portal::PortalPage />
                    <Route path=path!("accounts/:id") view=pages::portal::PortalAccountPage />
                    <Route path=path!("estimate") view=pages::estimator::EstimatorPage />
                </ParentRoute>
                <ParentRoute path=path!("/account") view=SignedInArea>
                    <Route path=path!("password") view=pages::password::ChangePasswordPage />
                </ParentRoute>
            </Routes>
        </Router>
    }
}

/// `/`: send each user to their home, or to sign-in.
#[component]
fn HomeRedirect() -> impl IntoView {
    let g = gate(use_auth());
    move || match g.get() {
        Gate::Loading => view! { <Loading /> }.into_any(),
        Gate::SignedOut => view! { <Redirect path="/login" options=replace() /> }.into_any(),
        Gate::SignedIn(r) if r.is_staff() || r == Role::Customer => {
            view! { <Redirect path=home_path(r) options=replace() /> }.into_any()
        }
        Gate::SignedIn(r) => view! { <Shell><NoConsole role=r /></Shell> }.into_any(),
    }
}

#[component]
fn NoConsole(role: Role) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="page-head">
            <h1>{tr!(AppName)}</h1>
        </div>
        <p>{move || i18n.tf(Key::HomeNoConsole, &[("role", i18n.t(role_key(role)))])}</p>
    }
}

/// An area of the app: the roles `allowed` lets in see its pages in the shell; other roles
/// are sent to their home, and the signed-out to sign-in.
fn area(allowed: fn(Role) -> bool) -> impl IntoView {
    let g = gate(use_auth());
    move || match g.get() {
        Gate::Loading => view! { <Loading /> }.into_any(),
        Gate::SignedOut => view! { <Redirect path="/login" options=replace() /> }.into_any(),
        Gate::SignedIn(r) if allowed(r) => view! { <Shell><Outlet /></Shell> }.into_any(),
        Gate::SignedIn(r) => view! { <Redirect path=home_path(r) options=replace() /> }.into_any(),
    }
}

/// The staff console: staff only; customers are sent to their portal.
#[component]
fn StaffArea() -> impl IntoView {
    area(|r| r.is_staff())
}

/// The customer portal: customers only; staff are sent to the console.
#[component]
fn PortalArea() -> impl IntoView {
    area(|r| r == Role::Customer)
}

/// Pages for every signed-in user (change password).
#[component]
fn SignedInArea() -> impl IntoView {
    area(|_| true)
}

/// Moves keyboard focus to the main landmark (the skip link's target).
fn focus_main(ev: leptos::ev::MouseEvent) {
    ev.prevent_default();
    if let Some(el) = document().get_element_by_id("main") {
        use wasm_bindgen::JsCast;
        if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
            let _ = el.focus();
        }
    }
}

#[component]
fn SkipLink() -> impl IntoView {
    view! {
        <a class="skip-link" href="#main" on:click=focus_main>
            {tr!(AppSkipToMain)}
        </a>
    }
}

#[component]
fn Brand() -> impl IntoView {
    view! {
        <div class="brand">
            <svg class="brand-logo" viewBox="0 0 24 24" width="28" height="28" aria-hidden="true" focusable="false">
                <path d="M12 2.5c-3.6 4.6-6.5 8.3-6.5 11.6a6.5 6.5 0 0 0 13 0C18.5 10.8 15.6 7.1 12 2.5z" />
            </svg>
            <span class="brand-name">{tr!(AppName)}</span>
            <span class="brand-tagline">{tr!(AppTagline)}</span>
        </div>
    }
}

#[component]
fn Footer() -> impl IntoView {
    view! {
        <footer class="site-footer">
            <p>{tr!(AppFooter)}</p>
        </footer>
    }
}

/// The frame of pages seen before signing in: brand, language switch, main.
#[component]
fn PublicFrame(children: Children) -> impl IntoView {
    view! {
        <SkipLink />
        <header class="topbar">
            <Brand />
            <div class="topbar-tools">
                <LanguageSwitch />
            </div>
        </header>
        <main id="main" class="main main-public" tabindex="-1">
            {children()}
        </main>
        <Footer />
    }
}

/// The signed-in frame: header with the user, language switch and sign-out; the side
/// navigation for the user's role; the main landmark.
#[component]
fn Shell(children: Children) -> impl IntoView {
    let auth = use_auth();
    let api = use_api();
    let i18n = use_i18n();
    let role = Memo::new(move |_| auth.role());
    let name = Memo::new(move |_| auth.user().map(|u| u.display_name).unwrap_or_default());
    let signing_out = Submit::new();
    let sign_out = move |_| {
        // The guards send us to /login as soon as the session is gone.
        let request = async move {
            api.logout().await;
            Ok::<(), ApiError>(())
        };
        signing_out.send(request, |()| {});
    };
    view! {
        <SkipLink />
        <header class="topbar">
            <Brand />
            <div class="topbar-tools">
                <LanguageSwitch />
                <div class="user-box" aria-label=move || i18n.t(Key::HeaderUserLabel) role="group">
                    <span class="user-name" id="user-name">{name}</span>
                    <span class="user-role" id="user-role">
                        {move || role.get().map(|r| i18n.t(role_key(r))).unwrap_or_default()}
                    </span>
                </div>
                <button
                    type="button"
                    id="sign-out"
                    class="btn btn-ghost"
                    on:click=sign_out
                    disabled=signing_out.busy
                >
                    {tr!(HeaderSignOut)}
                </button>
            </div>
        </header>
        <div class="layout">
            {move || role.get().map(|r| view! { <SideNav role=r /> })}
            <main id="main" class="main" tabindex="-1">
                {children()}
            </main>
        </div>
        <Footer />
    }
}

/// The navigation for a role: staff console links for staff, portal links for customers.
#[component]
fn SideNav(role: Role) -> impl IntoView {
    let i18n = use_i18n();
    let label = move || i18n.t(Key::NavLabel);
    if role.is_staff() {
        let admin = sets::ADMIN.contains(&role);
        let auditor = sets::AUDIT.contains(&role);
        let field = role == Role::Field;
        let clerk = can_edit_records(Some(role));
        let mine = can_complete(Some(role));
        view! {
            <nav class="sidenav" id="staff-nav" aria-label=label>
                <ul>
                    {field.then(|| view! { <li><A href="/staff/my-orders">{tr!(NavMyOrders)}</A></li> })}
                    <li><A href="/staff" exact=true>{tr!(NavDashboard)}</A></li>
                    <li><A href="/staff/accounts">{tr!(NavAccounts)}</A></li>
                    {clerk.then(|| view! { <li><A href="/staff/move-in">{tr!(NavNewService)}</A></li> })}
                    {(!field).then(|| view! { <li><A href="/staff/orders">{tr!(NavOrders)}</A></li> })}
                    {(mine && !field).then(|| view! { <li><A href="/staff/my-orders">{tr!(NavMyOrders)}</A></li> })}
                    <li><A href="/staff/meters">{tr!(NavMeters)}</A></li>
                    <li><A href="/staff/rates">{tr!(NavRates)}</A></li>
                    <li><A href="/staff/cycles">{tr!(NavCycles)}</A></li>
                    {admin.then(|| view! { <li><A href="/staff/users">{tr!(NavUsers)}</A></li> })}
                    {auditor.then(|| view! { <li><A href="/staff/audit">{tr!(NavAudit)}</A></li> })}
                    <li><A href="/account/password">{tr!(NavPassword)}</A></li>
                </ul>
            </nav>
        }
        .into_any()
    } else {
        view! {
            <nav class="sidenav" id="portal-nav" aria-label=label>
                <ul>
                    {(role == Role::Customer)
                        .then(|| view! { <li><A href="/portal" exact=true>{tr!(NavPortal)}</A></li> })}
                    {(role == Role::Customer)
                        .then(|| view! { <li><A href="/portal/estimate">{tr!(NavEstimate)}</A></li> })}
                    <li><A href="/account/password">{tr!(NavPassword)}</A></li>
                </ul>
            </nav>
        }
        .into_any()
    }
}

/// Who may change customer records, open accounts, move people out and create or cancel
/// service orders (the API's `Clerks`).
pub fn can_edit_records(role: Option<Role>) -> bool {
    admits(sets::CLERK_WORK, role)
}

/// Who may assign service orders (the API's `Leads`).
pub fn can_assign(role: Option<Role>) -> bool {
    admits(sets::LEAD_WORK, role)
}

/// Who may complete service orders (the API's `FieldWork`).
pub fn can_complete(role: Option<Role>) -> bool {
    admits(sets::FIELD_WORK, role)
}

/// Who may add meters to the inventory (the API's `MeterKeepers`).
pub fn can_keep_meters(role: Option<Role>) -> bool {
    admits(sets::METER_KEEPERS, role)
}

/// Who may create and change billing cycles (the API's `ReferenceKeepers`).
pub fn can_keep_reference_data(role: Option<Role>) -> bool {
    admits(sets::REFERENCE_DATA, role)
}

/// Whether a signed-in `role` is one of `set` (the shared role sets the API's `Allow<...>`
/// checks), so a link or button shows exactly where the operation behind it would succeed.
fn admits(set: &[Role], role: Option<Role>) -> bool {
    role.is_some_and(|r| set.contains(&r))
}

/// A page the signed-in role may not use: its title and the translated "not allowed".
#[component]
pub fn Forbidden(title: Key) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="page-head"><h1>{move || i18n.t(title)}</h1></div>
        <div class="alert alert-error" role="alert"><p>{tr!(ErrorForbidden)}</p></div>
    }
}
