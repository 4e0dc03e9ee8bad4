//! The new-service wizard end to end, in headless Chromium against the real server:
//! a clerk starts service for a new customer at a premise created in the wizard, with a meter
//! from stock; a lead assigns the meter-set order on the board, choosing the field user by
//! workload; the field user completes it on "My orders" at phone width; the clerk sees the
//! account active.
//!
//! Needs `frontend/dist` (run `scripts/build-client.sh`) and `/usr/bin/chromium` +
//! `/usr/bin/chromedriver`. Fails, never skips, when either is missing.

mod common;

use cistern_e2e::{
    dist_dir, ensure, exists, screenshot, wait_for, wait_path, wait_text, wait_text_contains,
    wait_text_eq, Chromedriver, Result,
};
use cistern_shared::dto::Page;
use cistern_shared::orders::{AssigneeDto, ServiceOrderDto};
use cistern_shared::premises::PremiseSummaryDto;
use common::{api_get, api_login, sign_in, start_server};
use fantoccini::{Client, Locator};

/// Clicks the element matching `css` once it exists.
async fn click(c: &Client, css: &str) -> Result<()> {
    wait_for(c, css).await?.click().await?;
    Ok(())
}

/// Types `text` into the (emptied) field matching `css`.
async fn fill(c: &Client, css: &str, text: &str) -> Result<()> {
    let f = wait_for(c, css).await?;
    f.clear().await?;
    f.send_keys(text).await?;
    Ok(())
}

/// The id of the focused element.
async fn focused_id(c: &Client) -> Result<String> {
    let v = c
        .execute(
            "return document.activeElement ? document.activeElement.id : '';",
            vec![],
        )
        .await?;
    Ok(v.as_str().unwrap_or_default().to_string())
}

/// Waits until the PDF tab the sheet button opens shows a `blob:` document, then closes it.
async fn check_sheet_tab(c: &Client) -> Result<()> {
    let main = c.window().await?;
    let deadline = std::time::Instant::now() + cistern_e2e::WAIT;
    loop {
        let windows = c.windows().await?;
        if let Some(other) = windows.into_iter().find(|w| *w != main) {
            c.switch_to_window(other).await?;
            let mut url = String::new();
            while std::time::Instant::now() < deadline {
                url = c.current_url().await?.to_string();
                if url.starts_with("blob:") {
                    break;
                }
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
            c.close_window().await?;
            c.switch_to_window(main).await?;
            return ensure(
                c,
                url.starts_with("blob:"),
                &format!("the sheet tab shows {url:?}, not the PDF's blob: URL"),
            )
            .await;
        }
        if std::time::Instant::now() > deadline {
            return ensure(c, false, "the sheet button opened no tab").await;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

async fn new_service(c: &Client, base: &str) -> Result<()> {
    // The clerk opens New service from the navigation.
    c.goto(&format!("{base}/login")).await?;
    sign_in(c, "clerk", "clerk-demo-pass").await?;
    wait_path(c, "/staff").await?;
    click(c, "#staff-nav a[href='/staff/move-in']").await?;
    wait_path(c, "/staff/move-in").await?;
    wait_text_eq(c, "#wizard-step-title", "Step 1 of 5: Customer").await?;

    // Step 1, a new customer. Next with nothing filled in: the errors sit next to the fields
    // and the focus goes to the first one.
    click(c, "#wizard-next").await?;
    wait_text_contains(c, "#cust-name-error", "This field is required.").await?;
    wait_text_contains(c, "#movein-error", "Please correct these fields:").await?;
    let invalid = wait_for(c, "#cust-name")
        .await?
        .attr("aria-invalid")
        .await?;
    ensure(
        c,
        invalid.as_deref() == Some("true"),
        "the empty name is not marked aria-invalid",
    )
    .await?;
    let f = focused_id(c).await?;
    ensure(
        c,
        f == "cust-name",
        &format!("the focus is on {f:?}, not the first invalid field"),
    )
    .await?;
    fill(c, "#cust-name", "Rosa Delgado").await?;
    // The mailing address in its parts.
    fill(c, "#cust-mailing-house", "1450").await?;
    fill(c, "#cust-mailing-street", "Heron Way NE").await?;
    fill(c, "#cust-mailing-city", "Keizer").await?;
    fill(c, "#cust-mailing-state", "OR").await?;
    fill(c, "#cust-mailing-zip", "97303").await?;
    fill(c, "#cust-phone", "503-555-0142").await?;
    screenshot(c, "ns-01-customer").await?;
    click(c, "#wizard-next").await?;

    // Step 2, a new premise created in the wizard.
    wait_text_eq(c, "#wizard-step-title", "Step 2 of 5: Premise").await?;
    let f = focused_id(c).await?;
    ensure(
        c,
        f == "wizard-step-title",
        &format!("after Next the focus is on {f:?}, not the step heading"),
    )
    .await?;
    // The premise finder finds vacant premises by address (no account there to search by).
    let vacant: Page<PremiseSummaryDto> =
        api_get(base, "clerk", "/api/v1/premises?vacant=true&per_page=1").await?;
    let free = vacant
        .items
        .first()
        .ok_or("the demo city has no vacant premise")?;
    fill(c, "#premise-finder-q", &free.service_address.to_lowercase()).await?;
    click(c, "#premise-finder-search").await?;
    let row = format!("#premise-finder-results tr[data-premise='{}']", free.id);
    wait_text_contains(c, &row, &free.service_address).await?;
    wait_text_contains(c, &row, "Vacant").await?;
    screenshot(c, "ns-02-premise-finder").await?;
    fill(c, "#premise-finder-q", "1450 heron").await?;
    click(c, "#premise-finder-search").await?;
    wait_text_eq(c, "#premise-finder .empty", "No premise matches.").await?;
    // Not there yet: the clerk adds it.
    click(c, "#premise-mode-new").await?;
    fill(c, "#prem-address-house", "1450").await?;
    fill(c, "#prem-address-street", "Heron Way NE").await?;
    wait_for(c, "#prem-cycle option").await?;
    fill(c, "#prem-route", "07").await?;
    fill(c, "#prem-sequence", "9105").await?;
    wait_text_eq(c, "#wizard-next", "Create the premise and continue").await?;
    click(c, "#wizard-next").await?;

    // Step 3: a tenant, starting today (the default date).
    wait_text_eq(c, "#wizard-step-title", "Step 3 of 5: Occupant and start").await?;
    click(c, "#occupant-tenant").await?;
    // A tenant's owner can get a copy of the bills: the owner is found by name.
    fill(c, "#owner-finder-q", "garcia").await?;
    click(c, "#owner-finder-search").await?;
    wait_text_contains(c, "#owner-finder-results", "Garcia").await?;
    click(c, "#wizard-next").await?;

    // Step 4: the new premise has no meter, so one comes from stock.
    wait_text_eq(c, "#wizard-step-title", "Step 4 of 5: Meter").await?;
    click(c, "#wizard-next").await?;
    wait_text_contains(c, "#meter_id-error", "This field is required.").await?;
    let first = wait_for(c, "#stock-meters input[type=radio]").await?;
    let meter_input_id = first.attr("id").await?.unwrap_or_default();
    let label = c
        .find(Locator::Css(&format!("label[for='{meter_input_id}']")))
        .await?
        .text()
        .await?;
    let serial = label.split(" · ").next().unwrap_or_default().to_string();
    ensure(
        c,
        serial.starts_with("BM"),
        &format!("the first stock meter is {label:?}"),
    )
    .await?;
    first.click().await?;
    screenshot(c, "ns-03-meter").await?;
    click(c, "#wizard-next").await?;

    // Step 5: review, then start service.
    wait_text_eq(c, "#wizard-step-title", "Step 5 of 5: Review").await?;
    wait_text_contains(c, "#movein-review", "Rosa Delgado").await?;
    wait_text_contains(c, "#movein-review", "1450 Heron Way NE").await?;
    wait_text_contains(c, "#movein-review", "Tenant").await?;
    wait_text_contains(c, "#movein-review", &serial).await?;
    click(c, "#wizard-next").await?;

    // The result: account number, the tenant deposit, the meter-set order with its sheet.
    wait_text_eq(c, "#movein-done-title", "Service started").await?;
    wait_text_eq(c, "#movein-deposit", "$200.00").await?;
    let number = wait_text(c, "#movein-account-number", "an account number", |t| {
        let parts: Vec<&str> = t.trim().split('-').collect();
        parts.len() == 3
            && parts
                .iter()
                .all(|p| !p.is_empty() && p.chars().all(|ch| ch.is_ascii_digit()))
    })
    .await?
    .trim()
    .to_string();
    let order_number = wait_text(c, "#movein-orders .order-number", "an order number", |t| {
        t.trim().starts_with("SO-")
    })
    .await?
    .trim()
    .to_string();
    wait_text_eq(c, "#movein-orders .order-type", "Meter set").await?;
    wait_text_contains(c, "#movein-orders", &serial).await?;
    wait_text_eq(c, "#movein-orders .sheet-button", "Print meter set sheet").await?;
    let account_href = wait_for(c, "#movein-account-number")
        .await?
        .attr("href")
        .await?
        .unwrap_or_default();
    ensure(
        c,
        account_href.starts_with("/staff/accounts/"),
        &format!("the account link is {account_href:?}"),
    )
    .await?;
    screenshot(c, "ns-04-result").await?;
    // The sheet opens in a new tab, fetched with the bearer token.
    click(c, "#movein-orders .sheet-button").await?;
    check_sheet_tab(c).await?;

    // The order the wizard created, as the lead sees it.
    let lead = api_login(base, "lead").await?;
    let field = api_login(base, "field").await?;
    let orders: Vec<ServiceOrderDto> = reqwest::Client::new()
        .get(format!(
            "{base}/api/v1/service-orders?status=open&order_type=meter_set"
        ))
        .bearer_auth(&lead.access_token)
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let order = orders
        .into_iter()
        .find(|o| o.number == order_number)
        .ok_or_else(|| format!("{order_number} is not among the open meter-set orders"))?;
    ensure(
        c,
        order.account_number.as_deref() == Some(number.as_str()),
        &format!(
            "{order_number} is for account {:?}, the page said {number}",
            order.account_number
        ),
    )
    .await?;
    // The lead assigns it on the board, picking the field user by the work they carry.
    let people: Vec<AssigneeDto> = api_get(base, "lead", "/api/v1/assignees").await?;
    let frankie = people
        .iter()
        .find(|p| p.id == field.user.id)
        .ok_or("the field user is not among the assignees")?;
    let label = if frankie.overdue_orders > 0 {
        format!(
            "Frankie Field ({} open, {} overdue)",
            frankie.open_orders, frankie.overdue_orders
        )
    } else {
        format!("Frankie Field ({} open)", frankie.open_orders)
    };
    click(c, "#sign-out").await?;
    wait_path(c, "/login").await?;
    sign_in(c, "lead", "lead-demo-pass").await?;
    click(c, "#staff-nav a[href='/staff/orders']").await?;
    wait_path(c, "/staff/orders").await?;
    let row = format!("tr[data-order='{}']", order.id);
    click(
        c,
        &format!("{row} button[aria-label='Assign {order_number}']"),
    )
    .await?;
    let option = format!("#assign-to option[value='{}']", field.user.id);
    wait_text_eq(c, &option, &label).await?;
    click(c, &option).await?;
    screenshot(c, "ns-04-assign").await?;
    click(c, "#assign-submit").await?;
    wait_for(
        c,
        &format!("section[data-assignee='{}'] {row}", field.user.id),
    )
    .await?;
    let assigned: Vec<ServiceOrderDto> = api_get(
        base,
        "lead",
        "/api/v1/service-orders?status=open&order_type=meter_set",
    )
    .await?;
    let assigned = assigned
        .into_iter()
        .find(|o| o.id == order.id)
        .ok_or("the order left the open list")?;
    ensure(
        c,
        assigned.assigned_name.as_deref() == Some("Frankie Field"),
        &format!("assigned to {:?}", assigned.assigned_name),
    )
    .await?;

    // The field user lands on My orders (first in the navigation) and, at phone width,
    // completes the order with a reading.
    click(c, "#sign-out").await?;
    wait_path(c, "/login").await?;
    sign_in(c, "field", "field-demo-pass").await?;
    wait_path(c, "/staff/my-orders").await?;
    let first_nav = wait_for(c, "#staff-nav li:first-child a")
        .await?
        .attr("href")
        .await?;
    ensure(
        c,
        first_nav.as_deref() == Some("/staff/my-orders"),
        &format!("the field user's first navigation item is {first_nav:?}"),
    )
    .await?;
    c.set_window_size(375, 812).await?;
    let card = format!("#my-order-list [data-order='{}']", order.id);
    wait_text_eq(c, &format!("{card} .order-number"), &order_number).await?;
    wait_text_contains(c, &format!("{card} .order-address"), "1450 Heron Way NE").await?;
    wait_text_contains(c, &format!("{card} .order-type"), "Meter set").await?;
    let overflow = c
        .execute(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth;",
            vec![],
        )
        .await?;
    ensure(
        c,
        overflow.as_i64().unwrap_or(1) <= 0,
        &format!("My orders scrolls sideways at 375 px ({overflow} px too wide)"),
    )
    .await?;
    click(c, &format!("{card} .complete-open")).await?;
    let prefix = format!("o-{}", order.id);
    let f = wait_for(c, &format!("#{prefix}-reading")).await?;
    // Without a reading the order is not completed; the message is next to the field.
    click(c, &format!("#{prefix}-submit")).await?;
    wait_text_contains(
        c,
        &format!("#{prefix}-reading-error"),
        "This field is required.",
    )
    .await?;
    f.send_keys("12").await?;
    screenshot(c, "ns-04-my-orders-375").await?;
    click(c, &format!("#{prefix}-submit")).await?;
    wait_text_contains(
        c,
        "[role=status]",
        &format!("{order_number} was completed."),
    )
    .await?;
    // The completed order leaves the list; the rest of the week's work (the demo's) stays.
    let deadline = std::time::Instant::now() + cistern_e2e::WAIT;
    while exists(c, &card).await? && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    ensure(
        c,
        !exists(c, &card).await?,
        &format!("{order_number} is still on My orders"),
    )
    .await?;
    let left = wait_text(c, "#my-order-list", "the remaining orders", |t| {
        t.contains("SO-")
    })
    .await?;
    ensure(
        c,
        !left.contains(&order_number),
        &format!("{order_number} is still listed"),
    )
    .await?;
    c.set_window_size(1280, 900).await?;

    // The clerk sees the account active, with the meter and the honest billing state.
    click(c, "#sign-out").await?;
    wait_path(c, "/login").await?;
    sign_in(c, "clerk", "clerk-demo-pass").await?;
    wait_path(c, "/staff").await?;
    c.goto(&format!("{base}{account_href}")).await?;
    wait_text_eq(c, "#account-number", &number).await?;
    wait_text_eq(c, "#account-status", "Active").await?;
    wait_text_contains(c, "#meters", &serial).await?;
    wait_text_contains(c, "#meters", "12").await?;
    wait_text_contains(c, "#billing-empty", "No bills yet").await?;
    wait_text_contains(c, "#open-orders", "No open service orders.").await?;
    wait_text_contains(c, "#customer-name", "Rosa Delgado").await?;
    ensure(
        c,
        exists(c, "#action-move-out").await?,
        "the clerk has no Move out action on an active account",
    )
    .await?;
    screenshot(c, "ns-05-account").await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_clerk_starts_new_service_and_the_field_user_sets_the_meter() -> Result<()> {
    dist_dir()?;
    let server = start_server(|_| {}).await?;
    let driver = Chromedriver::start()?;
    let client = driver.browser().await?;
    let outcome = new_service(&client, &server.base).await;
    let _ = client.close().await;
    drop(driver);
    outcome
}
