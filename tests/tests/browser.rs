//! The browser client against the real server: sign-in, the staff dashboard, the language
//! switch, sign-out, the customer portal and the role guards, in headless Chromium.
//!
//! Needs `frontend/dist` (run `scripts/build-client.sh`) and `/usr/bin/chromium` +
//! `/usr/bin/chromedriver` (`apt-get install -y chromium chromium-driver`). Fails, never skips,
//! when either is missing.

mod common;

use cistern_e2e::{
    dist_dir, ensure, exists, grouped, screenshot, wait_for, wait_path, wait_text_contains,
    wait_text_eq, Chromedriver, Result,
};
use cistern_shared::dto::{AccountSummaryDto, DashboardDto};
use common::{api_get, focused, press, sign_in, start_server};
use fantoccini::key::Key;
use fantoccini::{Client, Locator};

async fn scenario(c: &Client, base: &str) -> Result<()> {
    let dash: DashboardDto = api_get(base, "clerk", "/api/v1/dashboard").await?;
    let own: Vec<AccountSummaryDto> = api_get(base, "customer", "/api/v1/portal/accounts").await?;
    ensure(
        c,
        !own.is_empty(),
        "the demo customer has no accounts, so the portal check means nothing",
    )
    .await?;

    // Signed out: `/` lands on the sign-in page, in English (the browser's language).
    c.goto(&format!("{base}/")).await?;
    wait_path(c, "/login").await?;
    wait_text_eq(c, "#login-title", "Sign in").await?;
    let lang = c.find(Locator::Css("html")).await?.attr("lang").await?;
    ensure(
        c,
        lang.as_deref() == Some("en"),
        &format!("<html lang> is {lang:?}, want \"en\""),
    )
    .await?;

    // Keyboard: the first Tab reaches the skip link, Enter on it moves focus to <main>.
    press(c, Key::Tab).await?;
    let f = focused(c).await?;
    ensure(
        c,
        f.contains("skip-link"),
        &format!("the first Tab focused {f:?}, not the skip link"),
    )
    .await?;
    press(c, Key::Enter).await?;
    let f = focused(c).await?;
    ensure(
        c,
        f.starts_with("main|"),
        &format!("the skip link moved focus to {f:?}, not <main>"),
    )
    .await?;

    // A wrong password shows the translated invalid-credentials message in the alert region.
    sign_in(c, "clerk", "not-the-password").await?;
    wait_text_contains(c, "#login-error", "The user name or password is incorrect.").await?;
    screenshot(c, "01-login-error").await?;
    let role = c
        .find(Locator::Css("#login-error"))
        .await?
        .attr("role")
        .await?;
    ensure(
        c,
        role.as_deref() == Some("alert"),
        "the sign-in error is not in a role=alert region",
    )
    .await?;
    ensure(
        c,
        c.current_url().await?.path() == "/login",
        "a failed sign-in left the sign-in page",
    )
    .await?;

    // The clerk is staff: the dashboard, with the server's figures.
    sign_in(c, "clerk", "clerk-demo-pass").await?;
    wait_path(c, "/staff").await?;
    wait_text_eq(c, "#dashboard h1", "Dashboard").await?;
    wait_text_eq(c, "#stat-customers", &grouped(dash.customers)).await?;
    wait_text_eq(c, "#stat-premises", &grouped(dash.premises)).await?;
    ensure(
        c,
        exists(c, "#staff-nav").await?,
        "the staff navigation is missing for the clerk",
    )
    .await?;
    ensure(
        c,
        !exists(c, "#staff-nav a[href='/staff/users']").await?,
        "a clerk sees the admin-only Users item",
    )
    .await?;
    wait_text_eq(c, "#user-role", "Accounting specialist").await?;
    screenshot(c, "02-dashboard-en").await?;

    // A reload keeps the clerk signed in (refresh cookie; the access token lives in memory only).
    c.refresh().await?;
    wait_text_eq(c, "#dashboard h1", "Dashboard").await?;
    wait_path(c, "/staff").await?;

    // Switch to Spanish: the page re-renders, <html lang> follows, the choice is remembered.
    c.find(Locator::Css("#lang-select"))
        .await?
        .select_by_value("es")
        .await?;
    wait_text_eq(c, "#dashboard h1", "Panel").await?;
    wait_text_eq(c, "#staff-nav a[href='/staff/accounts']", "Cuentas").await?;
    let lang = c.find(Locator::Css("html")).await?.attr("lang").await?;
    ensure(
        c,
        lang.as_deref() == Some("es"),
        &format!("<html lang> is {lang:?} after the switch, want \"es\""),
    )
    .await?;
    let stored = c
        .execute(
            "return window.localStorage.getItem('cistern.locale');",
            vec![],
        )
        .await?;
    ensure(
        c,
        stored == serde_json::json!("es"),
        &format!("localStorage has {stored}, want \"es\""),
    )
    .await?;
    screenshot(c, "03-dashboard-es").await?;

    // The staff account list shows rows from the server.
    c.find(Locator::Css("#staff-nav a[href='/staff/accounts']"))
        .await?
        .click()
        .await?;
    wait_path(c, "/staff/accounts").await?;
    wait_for(c, "#account-table tbody tr").await?;
    screenshot(c, "04-accounts-es").await?;

    // Sign out: back to the sign-in page, still in Spanish.
    c.find(Locator::Css("#sign-out")).await?.click().await?;
    wait_path(c, "/login").await?;
    wait_text_eq(c, "#login-title", "Iniciar sesión").await?;
    wait_text_contains(c, "#login-notice", "Ha cerrado la sesión.").await?;

    // The customer lands on the portal (remembered locale: Spanish) with their own accounts.
    sign_in(c, "customer", "customer-demo-pass").await?;
    wait_path(c, "/portal").await?;
    wait_text_eq(c, "#portal h1", "Mis cuentas").await?;
    wait_text_eq(c, "#portal-accounts .account-number", &own[0].number).await?;
    ensure(
        c,
        !exists(c, "#staff-nav").await?,
        "the customer sees the staff navigation",
    )
    .await?;
    ensure(
        c,
        !exists(c, "#dashboard").await?,
        "the customer sees the staff dashboard",
    )
    .await?;
    screenshot(c, "05-portal-es").await?;

    // Typing a staff address: the customer is sent back to the portal.
    c.goto(&format!("{base}/staff")).await?;
    wait_path(c, "/portal").await?;
    wait_text_eq(c, "#portal h1", "Mis cuentas").await?;
    ensure(
        c,
        !exists(c, "#staff-nav").await?,
        "the customer sees the staff navigation after /staff",
    )
    .await?;
    ensure(
        c,
        !exists(c, "#dashboard").await?,
        "the customer sees the dashboard after /staff",
    )
    .await?;
    c.goto(&format!("{base}/staff/users")).await?;
    wait_path(c, "/portal").await?;
    wait_for(c, "#portal h1").await?;

    // Back to English; the account detail opens from the portal.
    c.find(Locator::Css("#lang-select"))
        .await?
        .select_by_value("en")
        .await?;
    wait_text_eq(c, "#portal h1", "My accounts").await?;
    c.find(Locator::Css("#portal-accounts .account-number"))
        .await?
        .click()
        .await?;
    wait_path(c, &format!("/portal/accounts/{}", own[0].id)).await?;
    wait_text_eq(c, "#account-number", &own[0].number).await?;
    screenshot(c, "06-portal-account-en").await?;
    c.find(Locator::Css("#sign-out")).await?.click().await?;
    wait_text_contains(c, "#login-notice", "You have signed out.").await?;
    Ok(())
}

/// The admin screens: users (create, a taken name, a validation failure), the audit trail,
/// then the new user changes their password.
async fn admin_scenario(c: &Client, base: &str) -> Result<()> {
    c.goto(&format!("{base}/login")).await?;
    sign_in(c, "admin", "admin-demo-pass").await?;
    wait_path(c, "/staff").await?;
    wait_for(c, "#dashboard h1").await?;
    c.find(Locator::Css("#staff-nav a[href='/staff/users']"))
        .await?
        .click()
        .await?;
    wait_path(c, "/staff/users").await?;
    wait_text_contains(c, "#user-table", "clerk").await?;

    async fn create(c: &Client, username: &str, password: &str) -> Result<()> {
        let f = wait_for(c, "#new-username").await?;
        f.clear().await?;
        f.send_keys(username).await?;
        let f = c.find(Locator::Css("#new-display-name")).await?;
        f.clear().await?;
        f.send_keys("Eve Tester").await?;
        c.find(Locator::Css("#new-role"))
            .await?
            .select_by_value("clerk")
            .await?;
        let f = c.find(Locator::Css("#new-password")).await?;
        f.clear().await?;
        f.send_keys(password).await?;
        f.send_keys(&Key::Enter.to_string()).await?;
        Ok(())
    }
    create(c, "eve.tester", "eve-first-password").await?;
    wait_text_contains(c, "[role=status]", "User eve.tester was created.").await?;
    wait_text_contains(c, "#user-table", "eve.tester").await?;
    create(c, "eve.tester", "eve-first-password").await?;
    wait_text_contains(c, "#create-user-error", "That user name is already in use.").await?;
    create(c, "x", "short").await?;
    wait_text_contains(
        c,
        "#create-user-error",
        "Some of the information is not valid.",
    )
    .await?;
    wait_text_contains(c, "#create-user-error", "Please correct these fields:").await?;
    screenshot(c, "07-users-validation").await?;

    c.find(Locator::Css("#staff-nav a[href='/staff/audit']"))
        .await?
        .click()
        .await?;
    wait_path(c, "/staff/audit").await?;
    wait_text_contains(c, "#audit-table", "user.create").await?;
    screenshot(c, "08-audit").await?;
    c.find(Locator::Css("#sign-out")).await?.click().await?;
    wait_path(c, "/login").await?;

    // The new user changes their password: every session ends, the sign-in page says why.
    sign_in(c, "eve.tester", "eve-first-password").await?;
    wait_path(c, "/staff").await?;
    c.goto(&format!("{base}/account/password")).await?;
    let f = wait_for(c, "#current-password").await?;
    f.send_keys("eve-wrong-password").await?;
    c.find(Locator::Css("#new-password"))
        .await?
        .send_keys("eve-second-password")
        .await?;
    let f = c.find(Locator::Css("#confirm-password")).await?;
    f.send_keys("eve-second-password").await?;
    f.send_keys(&Key::Enter.to_string()).await?;
    wait_text_contains(c, "#password-error", "The current password is incorrect.").await?;
    let f = c.find(Locator::Css("#current-password")).await?;
    f.clear().await?;
    f.send_keys("eve-first-password").await?;
    c.find(Locator::Css("#confirm-password"))
        .await?
        .send_keys(&Key::Enter.to_string())
        .await?;
    wait_path(c, "/login").await?;
    wait_text_contains(c, "#login-notice", "Your password was changed").await?;
    sign_in(c, "eve.tester", "eve-second-password").await?;
    wait_path(c, "/staff").await?;
    wait_text_eq(c, "#user-name", "Eve Tester").await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_and_customer_journeys_in_a_real_browser() -> Result<()> {
    // Fails (with what to run) before starting anything if the client was not built.
    dist_dir()?;
    let server = start_server(|_| {}).await?;
    let driver = Chromedriver::start()?;
    let client = driver.browser().await?;
    let mut outcome = scenario(&client, &server.base).await;
    if outcome.is_ok() {
        outcome = admin_scenario(&client, &server.base).await;
    }
    let _ = client.close().await;
    drop(driver);
    outcome
}

/// An expired access token is renewed with the refresh cookie, invisibly: the next page loads
/// instead of sending the user to the sign-in page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_access_token_is_renewed_without_signing_in_again() -> Result<()> {
    dist_dir()?;
    // One second, plus the server's five seconds of clock leeway.
    let server = start_server(|cfg| cfg.access_token_ttl_secs = 1).await?;
    let driver = Chromedriver::start()?;
    let client = driver.browser().await?;
    let outcome = async {
        let c = &client;
        c.goto(&format!("{}/login", server.base)).await?;
        sign_in(c, "clerk", "clerk-demo-pass").await?;
        wait_path(c, "/staff").await?;
        wait_for(c, "#stat-customers").await?;
        tokio::time::sleep(std::time::Duration::from_secs(8)).await;
        c.find(Locator::Css("#staff-nav a[href='/staff/accounts']"))
            .await?
            .click()
            .await?;
        wait_for(c, "#account-table tbody tr").await?;
        ensure(
            c,
            c.current_url().await?.path() == "/staff/accounts",
            "left the accounts page",
        )
        .await?;
        Ok(())
    }
    .await;
    let _ = client.close().await;
    drop(driver);
    outcome
}
