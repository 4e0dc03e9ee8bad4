//! The rates screens in a real browser: the customer's bill estimator (an itemised estimate
//! that matches the API's quote, in English and Spanish) and the lead's rate schedule editor
//! (validation and the preview bill computed in the browser by the shared engine, saving a
//! draft, and the maker-checker refusal of approving one's own draft).
//!
//! Needs `frontend/dist` (run `scripts/build-client.sh`) and `/usr/bin/chromium` +
//! `/usr/bin/chromedriver`. Fails, never skips, when either is missing.

mod common;

use cistern_e2e::{
    dist_dir, ensure, exists, screenshot, wait_for, wait_path, wait_text, wait_text_contains,
    wait_text_eq, Chromedriver, Result,
};
use cistern_shared::rates::{self, QuoteInput, RateSchedule};
use cistern_shared::rates_api::RateQuoteDto;
use common::{api_login, api_post, sign_in, start_server};
use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use serde_json::json;

/// The example the editor starts a new draft from.
const BENCH_CITY: &str = include_str!("../../shared/src/rates/examples/bench-city.json");
/// Keizer's approved water rates in the demo city.
const KEIZER_WATER: &str = include_str!("../../shared/src/rates/examples/keizer-water.json");

/// Signs in over the API and asks for a quote in English: what the estimator should show.
async fn api_quote(base: &str, user: &str, body: serde_json::Value) -> Result<RateQuoteDto> {
    let login = api_login(base, user).await?;
    api_post(
        base,
        &login.access_token,
        "/api/v1/rate-quotes?lang=en",
        &body,
    )
    .await
}

/// A property (not the attribute) of the element matching `css`: an input's current value.
async fn prop(c: &Client, css: &str, name: &str) -> Result<String> {
    Ok(wait_for(c, css)
        .await?
        .prop(name)
        .await?
        .unwrap_or_default())
}

async fn attr(c: &Client, css: &str, name: &str) -> Result<String> {
    Ok(wait_for(c, css)
        .await?
        .attr(name)
        .await?
        .unwrap_or_default())
}

/// Replaces the value of a field by typing, as a person would.
async fn type_into(c: &Client, css: &str, text: &str) -> Result<()> {
    let f = wait_for(c, css).await?;
    f.clear().await?;
    f.send_keys(text).await?;
    Ok(())
}

/// `$12.30`, as the client shows an amount the API sends as `"12.30"`.
fn dollars(amount: &str) -> String {
    match amount.strip_prefix('-') {
        Some(rest) => format!("-${rest}"),
        None => format!("${amount}"),
    }
}

/// Edits the JSON in the editor's textarea like a paste would: replaces `from` by `to` and
/// fires the `input` event the editor listens to.
async fn edit_json(c: &Client, from: &str, to: &str) -> Result<()> {
    let done = c
        .execute(
            "const t = document.getElementById('rate-json');
             if (!t || !t.value.includes(arguments[0])) { return false; }
             t.value = t.value.replace(arguments[0], arguments[1]);
             t.dispatchEvent(new Event('input', { bubbles: true }));
             return true;",
            vec![json!(from), json!(to)],
        )
        .await?;
    ensure(
        c,
        done == json!(true),
        &format!("the document in the editor has no {from:?}"),
    )
    .await
}

async fn customer_estimates_a_bill(c: &Client, base: &str) -> Result<()> {
    c.goto(&format!("{base}/login")).await?;
    sign_in(c, "customer", "customer-demo-pass").await?;
    wait_path(c, "/portal").await?;
    c.find(Locator::Css("#portal-nav a[href='/portal/estimate']"))
        .await?
        .click()
        .await?;
    wait_path(c, "/portal/estimate").await?;
    wait_text_eq(c, "#estimate h1", "Estimate a bill").await?;

    // Nothing entered: the error is announced (role=alert) and the field is marked.
    wait_for(c, "#estimate-usage")
        .await?
        .send_keys(&Key::Enter.to_string())
        .await?;
    wait_text_contains(
        c,
        "#estimate-error",
        "Some of the information is not valid.",
    )
    .await?;
    ensure(
        c,
        attr(c, "#estimate-error", "role").await? == "alert",
        "the estimator's error region is not role=alert",
    )
    .await?;
    ensure(
        c,
        attr(c, "#estimate-usage", "aria-invalid").await? == "true",
        "the empty usage field is not marked invalid",
    )
    .await?;

    // 10 CCF, submitted from the keyboard.
    type_into(c, "#estimate-usage", "10").await?;
    wait_for(c, "#estimate-usage")
        .await?
        .send_keys(&Key::Enter.to_string())
        .await?;
    wait_for(c, "#estimate-result").await?;
    let (start, end, bill_date) = (
        attr(c, "#estimate-result", "data-start").await?,
        attr(c, "#estimate-result", "data-end").await?,
        attr(c, "#estimate-result", "data-bill-date").await?,
    );
    let meter = prop(c, "#estimate-meter", "value").await?;
    ensure(
        c,
        !start.is_empty() && !end.is_empty() && !bill_date.is_empty(),
        "the estimate does not say which period it is for",
    )
    .await?;

    // The same input through the API, as the customer: the page must show this bill. With no
    // winter average entered, the estimator uses the usage as the winter average.
    let expected = api_quote(
        base,
        "customer",
        json!({ "input": {
            "service_period": { "start": start, "end": end },
            "bill_date": bill_date,
            "class": "single_family",
            "meter_size": meter,
            "consumption": { "amount": "10", "unit": "ccf" },
            "winter_average": { "amount": "10", "unit": "ccf" }
        }}),
    )
    .await?;
    let total = expected.quote.total.to_string();
    ensure(
        c,
        expected.quote.lines.len() >= 2 && total != "0.00",
        &format!("the API's quote is too thin to compare: {expected:?}"),
    )
    .await?;
    wait_text_eq(c, "#estimate-total", &dollars(&total)).await?;
    wait_text_eq(c, "#estimate-amount", &dollars(&total)).await?;
    let rows = c
        .find_all(Locator::Css("#estimate tbody tr td:last-child"))
        .await?;
    let mut shown = Vec::new();
    for r in rows {
        shown.push(r.text().await?);
    }
    let want: Vec<String> = expected
        .quote
        .lines
        .iter()
        .map(|l| dollars(&l.amount.to_string()))
        .collect();
    ensure(
        c,
        shown == want,
        &format!("the itemised lines show {shown:?}, the API has {want:?}"),
    )
    .await?;
    wait_text_contains(c, "#estimate tbody", "Water use").await?;
    wait_text_contains(
        c,
        "#estimate-explanation",
        &format!("Total: {}.", dollars(&total)),
    )
    .await?;
    ensure(
        c,
        exists(c, "#estimate-assumed").await?,
        "the estimate does not say it assumed the winter average",
    )
    .await?;
    screenshot(c, "rates-01-estimate-en").await?;

    // Spanish: the page, the line labels and the server's explanation follow.
    c.find(Locator::Css("#lang-select"))
        .await?
        .select_by_value("es")
        .await?;
    wait_text_eq(c, "#estimate h1", "Calcule su factura").await?;
    // (Column headings are upper-cased by the style sheet.)
    wait_text(c, "#estimate thead", "Spanish headings", |t| {
        t.to_lowercase().contains("importe")
    })
    .await?;
    wait_text_contains(c, "#estimate tbody", "Consumo de agua").await?;
    wait_text_contains(c, "#estimate-explanation", "Servicio del").await?;
    wait_text_eq(c, "#estimate-total", &dollars(&total)).await?;
    wait_text_contains(c, "#portal-nav", "Calcular factura").await?;
    screenshot(c, "rates-02-estimate-es").await?;
    c.find(Locator::Css("#lang-select"))
        .await?
        .select_by_value("en")
        .await?;
    wait_text_eq(c, "#estimate h1", "Estimate a bill").await?;
    c.find(Locator::Css("#sign-out")).await?.click().await?;
    wait_path(c, "/login").await?;
    Ok(())
}

/// What the shared engine, compiled natively here, bills for the editor's preview inputs.
async fn native_total(c: &Client, doc: &str, consumption: &str) -> Result<String> {
    native_total_of(c, &[doc], consumption).await
}

async fn native_total_of(c: &Client, docs: &[&str], consumption: &str) -> Result<String> {
    let mut schedules = Vec::new();
    for d in docs {
        schedules.push(RateSchedule::from_json(d)?);
    }
    let winter = prop(c, "#preview-winter", "value").await?;
    let mut input = json!({
        "service_period": {
            "start": prop(c, "#preview-start", "value").await?,
            "end": prop(c, "#preview-end", "value").await?
        },
        "bill_date": prop(c, "#preview-bill-date", "value").await?,
        "class": prop(c, "#preview-class", "value").await?,
        "consumption": { "amount": consumption, "unit": "ccf" },
    });
    if !winter.is_empty() {
        input["winter_average"] = json!({ "amount": winter, "unit": "ccf" });
    }
    let input: QuoteInput = serde_json::from_value(input)?;
    let q = rates::quote(&schedules, &input).map_err(|e| e.to_string())?;
    Ok(dollars(&q.total.to_string()))
}

async fn lead_edits_a_draft(c: &Client, base: &str) -> Result<()> {
    c.goto(&format!("{base}/login")).await?;
    sign_in(c, "lead", "lead-demo-pass").await?;
    wait_path(c, "/staff").await?;
    c.find(Locator::Css("#staff-nav a[href='/staff/rates']"))
        .await?
        .click()
        .await?;
    wait_path(c, "/staff/rates").await?;
    wait_text_contains(c, "#rate-books", "keizer-water").await?;
    wait_text_contains(c, "#rate-books", "Version 1, effective 2011-01-01").await?;
    screenshot(c, "rates-03-books").await?;

    // A new draft from the Bench City example.
    c.find(Locator::Css("#rates-new")).await?.click().await?;
    wait_path(c, "/staff/rates/new").await?;
    wait_for(c, "#rate-json").await?;
    c.find(Locator::Css("#rate-example"))
        .await?
        .select_by_value("bench-city")
        .await?;
    c.find(Locator::Css("#rate-example-load"))
        .await?
        .click()
        .await?;
    wait_text_contains(c, "#rate-validation", "No problems").await?;
    let first = native_total(c, BENCH_CITY, "10").await?;
    wait_text_eq(c, "#preview-total", &first).await?;
    wait_text_contains(c, "#preview-explanation", "Water use").await?;
    ensure(
        c,
        prop(c, "#rate-title-en", "value").await? == "Bench City utility rates (illustrative)",
        "the quick title field does not show the document's title",
    )
    .await?;

    // A negative tier price: the problem appears with its path, and the preview stops.
    edit_json(c, "\"price\": \"2.45\"", "\"price\": \"-2.45\"").await?;
    wait_text_contains(
        c,
        "#rate-problems",
        "services[0].components[1].charge.tiers[0].price",
    )
    .await?;
    wait_text_contains(c, "#rate-problems", "Must not be negative.").await?;
    wait_text_eq(c, "#rate-validation", "Problems found: 1.").await?;
    wait_for(c, "#preview-blocked").await?;
    ensure(
        c,
        !exists(c, "#preview-total").await?,
        "the preview still shows a bill for a document with problems",
    )
    .await?;
    screenshot(c, "rates-04-editor-problem").await?;

    // Fixed: no problems, the same bill again; more use, a bigger bill.
    edit_json(c, "\"price\": \"-2.45\"", "\"price\": \"2.45\"").await?;
    wait_text_contains(c, "#rate-validation", "No problems").await?;
    wait_text_eq(c, "#preview-total", &first).await?;
    type_into(c, "#preview-consumption", "20").await?;
    let second = native_total(c, BENCH_CITY, "20").await?;
    ensure(
        c,
        second != first,
        "20 CCF bills the same as 10: the check means nothing",
    )
    .await?;
    wait_text_eq(c, "#preview-total", &second).await?;
    screenshot(c, "rates-05-editor-preview").await?;

    // Saved as a draft; the lead made it, so the lead may not approve it (maker-checker).
    c.find(Locator::Css("#rate-save")).await?.click().await?;
    wait_for(c, "#rate-version").await?;
    wait_text_eq(c, "#rate-status", "Draft").await?;
    wait_text_contains(c, "#rate-version h1", "Bench City").await?;
    wait_for(c, "#rate-maker-checker").await?;
    c.find(Locator::Css("#rate-approve")).await?.click().await?;
    // Its own code, translated: the client shows no English `detail` from the server.
    wait_text(c, "#rate-action-error", "the maker-checker refusal", |t| {
        t.contains("Approval refused") && t.contains("someone else must approve it")
    })
    .await?;
    wait_text_eq(c, "#rate-status", "Draft").await?;
    screenshot(c, "rates-06-maker-checker").await?;

    // A new version of Keizer water, started from the approved one: on the same effective
    // date it conflicts with it (approval would refuse) until the date changes.
    c.goto(&format!("{base}/staff/rates")).await?;
    wait_for(c, "#rate-books tr[data-book='keizer-water'] .in-effect a")
        .await?
        .click()
        .await?;
    wait_text_contains(c, "#rate-version h1", "Keizer water").await?;
    c.find(Locator::Css("#rate-copy")).await?.click().await?;
    wait_path(c, "/staff/rates/new").await?;
    wait_text_contains(c, "#rate-problems", "effective_date").await?;
    wait_text_contains(
        c,
        "#rate-problems",
        "An approved version of this rate book already takes effect on this date.",
    )
    .await?;
    // The quick date field rewrites the document.
    c.execute(
        "const d = document.getElementById('rate-effective-date');
         d.value = '2016-07-01';
         d.dispatchEvent(new Event('change', { bubbles: true }));",
        vec![],
    )
    .await?;
    wait_text_contains(c, "#rate-validation", "No problems").await?;
    ensure(
        c,
        prop(c, "#rate-json", "value")
            .await?
            .contains("\"effective_date\": \"2016-07-01\""),
        "the quick date field did not change the document",
    )
    .await?;
    edit_json(c, "\"price\": \"1.35\"", "\"price\": \"1.50\"").await?;
    wait_text_contains(c, "#preview-explanation", "$1.50").await?;

    // Billed together with the approved version across the change, split by days.
    c.find(Locator::Css("#preview-others"))
        .await?
        .click()
        .await?;
    c.execute(
        "const d = document.getElementById('preview-start');
         d.value = '2016-06-16';
         d.dispatchEvent(new Event('input', { bubbles: true }));
         d.dispatchEvent(new Event('change', { bubbles: true }));",
        vec![],
    )
    .await?;
    wait_text_contains(c, "#preview-explanation", "Rates change during this period").await?;
    let draft = prop(c, "#rate-json", "value").await?;
    let split = native_total_of(c, &[KEIZER_WATER, &draft], "10").await?;
    wait_text_eq(c, "#preview-total", &split).await?;
    screenshot(c, "rates-07-editor-rate-change").await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bill_estimator_and_the_rate_editor_in_a_real_browser() -> Result<()> {
    dist_dir()?;
    let server = start_server(|_| {}).await?;
    let driver = Chromedriver::start()?;
    let client = driver.browser().await?;
    let mut outcome = customer_estimates_a_bill(&client, &server.base).await;
    if outcome.is_ok() {
        outcome = lead_edits_a_draft(&client, &server.base).await;
    }
    let _ = client.close().await;
    drop(driver);
    outcome
}
