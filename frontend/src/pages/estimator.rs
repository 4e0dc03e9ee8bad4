//! `/portal/estimate`: the customer's bill estimator. The customer enters a month's use, the
//! meter size and (if known) the winter average; the server calculates the bill with the
//! approved rates in effect (`POST /api/v1/rate-quotes`) and explains it in the customer's
//! language. Switching the language asks again, so the explanation follows.

use chrono::{Datelike, NaiveDate};
use cistern_shared::query::QuoteQuery;
use cistern_shared::rates::{Period, QuoteInput, Volume, VolumeUnit};
use cistern_shared::rates_api::{RateQuoteDto, RateQuoteRequest};
use cistern_shared::FieldCode;
use leptos::prelude::*;

use crate::api::{use_api, ApiError};
use crate::components::{focus_first_invalid, local_problem, Input, Select, Submit, SubmitButton};
use crate::format;
use crate::i18n::{field_rule_key, use_i18n, I18n, Key};
use crate::pages::rates::{Explanation, QuoteTable};
use crate::tr;

/// The customer class estimates are made for (a single-family home).
const CLASS: &str = "single_family";

/// Meter sizes a home may have, as the rate documents write them.
const METER_SIZES: [&str; 5] = ["5/8x3/4", "3/4", "1", "1-1/2", "2"];

/// Last calendar month: its first and last day.
fn last_month(today: NaiveDate) -> (NaiveDate, NaiveDate) {
    let first_of_this = today.with_day(1).unwrap_or(today);
    let end = first_of_this.pred_opt().unwrap_or(first_of_this);
    let start = end.with_day(1).unwrap_or(end);
    (start, end)
}

/// The message for a failed estimate: the engine's reason when it gave one (no rates in
/// effect, an unknown meter size...), else the error's own.
fn failure_message(i18n: I18n, e: &ApiError) -> String {
    if let ApiError::Problem(p) = e {
        let reasons: Vec<&str> = p
            .fields
            .iter()
            .map(|f| i18n.t(field_rule_key(f.code)))
            .collect();
        if !reasons.is_empty() {
            return reasons.join(" ");
        }
    }
    i18n.t(e.message_key()).to_owned()
}

#[component]
pub fn EstimatorPage() -> impl IntoView {
    let api = use_api();
    let i18n = use_i18n();
    let (start, end) = last_month(format::today());
    let usage = RwSignal::new(String::new());
    let meter = RwSignal::new(METER_SIZES[0].to_owned());
    let winter = RwSignal::new(String::new());
    let from = RwSignal::new(format::date(start));
    let to = RwSignal::new(format::date(end));
    let local_error = RwSignal::new(None::<ApiError>);
    let submit = Submit::new();
    let failed = submit.error;
    let result = RwSignal::new(None::<(RateQuoteDto, bool)>);
    let last = StoredValue::new(None::<(RateQuoteRequest, bool)>);

    let run = move |req: RateQuoteRequest, assumed: bool| {
        last.set_value(Some((req.clone(), assumed)));
        let q = QuoteQuery {
            lang: Some(i18n.locale()),
        };
        submit.send_then(
            async move { api.rate_quote(&q, &req).await },
            move |r| match r {
                Ok(q) => {
                    result.try_set(Some((q, assumed)));
                    None
                }
                Err(e) => {
                    result.try_set(None);
                    Some(e)
                }
            },
        );
    };

    // The explanation comes from the server in one language: ask again after a switch.
    Effect::new(move |prev: Option<cistern_shared::dto::Locale>| {
        let loc = i18n.locale();
        if prev.is_some_and(|p| p != loc) {
            if let Some((req, assumed)) = last.get_value() {
                run(req, assumed);
            }
        }
        loc
    });

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if submit.is_busy() {
            return;
        }
        let mut bad: Vec<(&str, FieldCode)> = Vec::new();
        let amount = usage.get_untracked().trim().replace(',', "").parse().ok();
        match &amount {
            None if usage.get_untracked().trim().is_empty() => {
                bad.push(("usage", FieldCode::Required))
            }
            None => bad.push(("usage", FieldCode::Number)),
            Some(_) => {}
        }
        let winter_text = winter.get_untracked();
        let winter_amount = if winter_text.trim().is_empty() {
            None
        } else {
            match winter_text.trim().replace(',', "").parse().ok() {
                Some(w) => Some(w),
                None => {
                    bad.push(("winter_average", FieldCode::Number));
                    None
                }
            }
        };
        let start = format::parse_date(&from.get_untracked());
        let end = format::parse_date(&to.get_untracked());
        if start.is_none() {
            bad.push(("from", FieldCode::Date));
        }
        if end.is_none() {
            bad.push(("to", FieldCode::Date));
        }
        if let (Some(s), Some(e)) = (start, end) {
            if e < s {
                bad.push(("to", FieldCode::BeforeFrom));
            }
        }
        let (Some(amount), Some(start), Some(end), true) = (amount, start, end, bad.is_empty())
        else {
            local_error.set(Some(local_problem(&bad)));
            focus_first_invalid();
            return;
        };
        local_error.set(None);
        let bill_date = end.succ_opt().unwrap_or(end);
        let consumption = Volume::new(amount, VolumeUnit::Ccf);
        let mut input = QuoteInput::new(Period::new(start, end), bill_date, CLASS, consumption);
        input.meter_size = Some(meter.get_untracked());
        // Sewer is billed on the winter average; without one, assume this month's use.
        let assumed = winter_amount.is_none();
        input.winter_average = Some(match winter_amount {
            Some(w) => Volume::new(w, VolumeUnit::Ccf),
            None => consumption,
        });
        let req = RateQuoteRequest {
            schedule_id: None,
            on: None,
            book_id: None,
            input,
        };
        run(req, assumed);
    };

    let meter_options = Signal::derive(move || {
        METER_SIZES
            .iter()
            .map(|s| {
                (
                    (*s).to_owned(),
                    i18n.tf(Key::EstimateMeterInch, &[("size", s)]),
                )
            })
            .collect::<Vec<_>>()
    });
    let local = Signal::derive(move || local_error.get());

    view! {
        <div class="page-head" id="estimate">
            <h1>{tr!(EstimateTitle)}</h1>
            <p class="muted">{tr!(EstimateIntro)}</p>
        </div>
        <form class="card form" id="estimate-form" on:submit=on_submit novalidate=true>
            <div class="form-grid">
                <Input
                    id="estimate-usage"
                    label=Key::EstimateUsage
                    value=usage
                    field="usage"
                    error=local
                    hint=Key::EstimateUsageHint
                    inputmode="decimal"
                    required=true
                />
                <Select
                    id="estimate-meter"
                    label=Key::EstimateMeter
                    value=meter
                    options=meter_options
                    hint=Key::EstimateMeterHint
                />
                <Input
                    id="estimate-winter"
                    label=Key::EstimateWinter
                    value=winter
                    field="winter_average"
                    error=local
                    hint=Key::EstimateWinterHint
                    inputmode="decimal"
                />
                <Input id="estimate-from" label=Key::EstimateFrom value=from field="from" error=local input_type="date" />
                <Input id="estimate-to" label=Key::EstimateTo value=to field="to" error=local input_type="date" />
                <div class="form-actions">
                    <SubmitButton submit=submit label=Key::EstimateSubmit id="estimate-submit" />
                </div>
            </div>
            <div class="alert alert-error" role="alert" id="estimate-error">
                {move || local_error.get().map(|_| view! { <p class="alert-message">{i18n.t(Key::ErrorValidationFailed)}</p> })}
                {move || failed.get().map(|e| view! { <p class="alert-message">{failure_message(i18n, &e)}</p> })}
            </div>
        </form>
        {move || {
            result
                .get()
                .map(|(dto, assumed)| {
                    let q = dto.quote.clone();
                    let total = format::money(q.total);
                    let (start, end, bill) = (
                        format::date(q.service_period.start),
                        format::date(q.service_period.end),
                        format::date(q.bill_date),
                    );
                    let explanation = dto.explanation.clone();
                    view! {
                        <section
                            class="card"
                            id="estimate-result"
                            aria-labelledby="estimate-result-title"
                            data-start=start
                            data-end=end
                            data-bill-date=bill
                            data-lang=dto.locale.as_str()
                        >
                            <h2 id="estimate-result-title">{tr!(EstimateResult)}</h2>
                            <p class="estimate-total-line">
                                {tr!(EstimateTotalLabel)} " "
                                <strong id="estimate-amount">{total}</strong>
                            </p>
                            <QuoteTable quote=q id="estimate" />
                            {assumed.then(|| view! { <p class="hint" id="estimate-assumed">{tr!(EstimateAssumedWinter)}</p> })}
                            <p class="hint">{tr!(EstimateDisclaimer)}</p>
                            <Explanation lines=Signal::derive(move || explanation.clone()) id="estimate-explanation" />
                        </section>
                    }
                })
        }}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn last_month_is_the_calendar_month_before() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default();
        assert_eq!(last_month(d(2026, 3, 15)), (d(2026, 2, 1), d(2026, 2, 28)));
        assert_eq!(last_month(d(2026, 1, 1)), (d(2025, 12, 1), d(2025, 12, 31)));
    }
}
