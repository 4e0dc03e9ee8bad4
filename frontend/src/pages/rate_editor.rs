//! `/staff/rates/new` and `/staff/rates/:id/edit` (admin, lead): the rate schedule editor.
//!
//! The document is edited as JSON (the stored form, kept byte for byte by the server), with
//! quick fields for the title, the effective date, the rate book and the source. Every change
//! is checked in the browser by `cistern_shared::rates::validate` (debounced), and a preview
//! bill is calculated in the browser by `cistern_shared::rates::quote` against the document
//! being edited, itemised and explained. Saving sends the text exactly as typed.

use cistern_shared::FieldCode;
use std::time::Duration;

use chrono::{Months, NaiveDate};
use cistern_shared::dto::Locale;
use cistern_shared::rates::{
    self, BillingFrequency, CityLimits, Period, Quote, QuoteInput, RateError, RateSchedule, Volume,
    VolumeUnit,
};
use cistern_shared::rates_api::{RateScheduleSummaryDto, RateStatus};
use cistern_shared::FieldError;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

use crate::api::{encode_query_value, use_api, use_auth};
use crate::app::Forbidden;
use crate::components::{loaded_or, Submit};
use crate::format;
use crate::i18n::{use_i18n, I18n, Key};
use crate::pages::rates::{
    can_edit_rates, load_document_text, rate_error_text, Explanation, ProblemList, QuoteTable,
    RatesErrorAlert,
};
use crate::tr;

/// Documents to start a new draft from: the engine's worked examples (docs/rates.md).
const EXAMPLES: [(&str, &str); 5] = [
    (
        "bench-city",
        include_str!("../../../shared/src/rates/examples/bench-city.json"),
    ),
    (
        "salem-water-2016",
        include_str!("../../../shared/src/rates/examples/salem-water-2016.json"),
    ),
    (
        "salem-sewer-2015",
        include_str!("../../../shared/src/rates/examples/salem-sewer-2015.json"),
    ),
    (
        "wilsonville-water",
        include_str!("../../../shared/src/rates/examples/wilsonville-water.json"),
    ),
    (
        "lyons-mehama-water",
        include_str!("../../../shared/src/rates/examples/lyons-mehama-water.json"),
    ),
];

fn example(name: &str) -> &'static str {
    EXAMPLES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, t)| *t)
        .unwrap_or(EXAMPLES[0].1)
}

/// What the editor starts from.
#[derive(Clone)]
struct Start {
    text: String,
    /// The draft being edited (absent for a new draft).
    draft: Option<RateScheduleSummaryDto>,
}

#[component]
pub fn RateEditorPage() -> impl IntoView {
    let auth = use_auth();
    let allowed = Memo::new(move |_| can_edit_rates(auth.role()));
    move || {
        if allowed.get() {
            view! { <EditorLoader /> }.into_any()
        } else {
            view! { <Forbidden title=Key::RatesEditorTitle /> }.into_any()
        }
    }
}

#[component]
fn EditorLoader() -> impl IntoView {
    let api = use_api();
    let params = use_params_map();
    let query = use_query_map();
    let start = LocalResource::new(move || {
        let id = params.with(|p| p.get("id"));
        let from = query.with(|q| q.get("from"));
        async move {
            match (id, from) {
                (Some(id), _) => {
                    let v = api.rate_schedule(&id).await?;
                    let text = load_document_text(api, &id).await?;
                    Ok(Start {
                        text,
                        draft: Some(v.summary),
                    })
                }
                (None, Some(from)) => Ok(Start {
                    text: load_document_text(api, &from).await?,
                    draft: None,
                }),
                (None, None) => Ok(Start {
                    text: example("bench-city").to_owned(),
                    draft: None,
                }),
            }
        }
    });
    view! {
        <p class="back"><A href="/staff/rates">"← " {tr!(RatesBack)}</A></p>
        {move || loaded_or(start.get(), |s: Start| match &s.draft {
                Some(d) if d.status != RateStatus::Draft => {
                    let href = format!("/staff/rates/{}", encode_query_value(&d.id));
                    view! {
                        <div class="page-head"><h1>{tr!(RatesEditorTitle)}</h1></div>
                        <div class="alert alert-error" role="alert">
                            <p class="alert-message">{tr!(RatesEditorNotDraft)}</p>
                            <p><A href=href>{tr!(RatesEditorOpenVersion)}</A></p>
                        </div>
                    }
                        .into_any()
                }
                _ => view! { <Editor start=s /> }.into_any(),
        })}
    }
}

/// One month of service from the effective date, and the bill the day after.
fn default_period(effective: NaiveDate) -> (NaiveDate, NaiveDate, NaiveDate) {
    let start = effective;
    let end = start
        .checked_add_months(Months::new(1))
        .and_then(|d| d.pred_opt())
        .unwrap_or(start);
    let bill = end.succ_opt().unwrap_or(end);
    (start, end, bill)
}

/// Rewrites the document in the standard layout after a quick-field change.
fn pretty(doc: &RateSchedule) -> Option<String> {
    serde_json::to_string_pretty(doc).ok().map(|mut s| {
        s.push('\n');
        s
    })
}

/// The preview's inputs, as typed.
#[derive(Clone, Copy)]
struct PreviewInputs {
    class: RwSignal<String>,
    meter: RwSignal<String>,
    consumption: RwSignal<String>,
    unit: RwSignal<String>,
    winter: RwSignal<String>,
    frequency: RwSignal<String>,
    start: RwSignal<String>,
    end: RwSignal<String>,
    bill_date: RwSignal<String>,
    city: RwSignal<String>,
    dwellings: RwSignal<String>,
}

fn unit_of(s: &str) -> VolumeUnit {
    match s {
        "gallons" => VolumeUnit::Gallons,
        "kgal" => VolumeUnit::Kgal,
        _ => VolumeUnit::Ccf,
    }
}

impl PreviewInputs {
    /// The engine's input, or the key of what is wrong with what was typed.
    fn input(&self) -> Result<QuoteInput, Key> {
        let start = format::parse_date(&self.start.get()).ok_or(Key::RatesPreviewBadStart)?;
        let end = format::parse_date(&self.end.get()).ok_or(Key::RatesPreviewBadEnd)?;
        let bill = format::parse_date(&self.bill_date.get()).ok_or(Key::RatesPreviewBadBillDate)?;
        let unit = unit_of(&self.unit.get());
        let amount = self
            .consumption
            .get()
            .trim()
            .parse()
            .map_err(|_| Key::RatesPreviewBadConsumption)?;
        let class = self.class.get().trim().to_owned();
        let mut input = QuoteInput::new(
            Period::new(start, end),
            bill,
            class,
            Volume::new(amount, unit),
        );
        let winter = self.winter.get();
        if !winter.trim().is_empty() {
            let amount = winter
                .trim()
                .parse()
                .map_err(|_| Key::RatesPreviewBadWinter)?;
            input.winter_average = Some(Volume::new(amount, unit));
        }
        input.meter_size = format::non_empty(&self.meter.get());
        input.billing_frequency = match self.frequency.get().as_str() {
            "bimonthly" => BillingFrequency::Bimonthly,
            "quarterly" => BillingFrequency::Quarterly,
            _ => BillingFrequency::Monthly,
        };
        input.city_limits = if self.city.get() == "outside" {
            CityLimits::Outside
        } else {
            CityLimits::Inside
        };
        input.dwelling_units = format::parse_count(&self.dwellings.get())
            .and_then(|n| u32::try_from(n).ok())
            .filter(|n| *n > 0)
            .ok_or(Key::RatesPreviewBadDwellings)?;
        Ok(input)
    }
}

/// What the preview shows.
#[derive(Clone, PartialEq)]
enum Preview {
    /// The document has problems; nothing to calculate.
    Blocked,
    /// What was typed in the preview's inputs is not usable.
    BadInput(Key),
    /// The engine refused.
    Refused(RateError),
    Bill(Quote),
}

#[component]
fn Editor(start: Start) -> impl IntoView {
    let api = use_api();
    let i18n = use_i18n();
    let navigate = use_navigate();
    let draft = start.draft.clone();
    let is_new = draft.is_none();
    let book_id = draft.as_ref().map(|d| d.book_id.clone());
    let text = RwSignal::new(start.text.clone());
    let checked = RwSignal::new(start.text);

    // Validation follows the typing, a moment after it stops.
    let pending = StoredValue::new(None::<TimeoutHandle>);
    Effect::new(move |_| {
        let t = text.get();
        if let Some(h) = pending.get_value() {
            h.clear();
        }
        let handle =
            set_timeout_with_handle(move || checked.set(t), Duration::from_millis(300)).ok();
        pending.set_value(handle);
    });
    let parsed = Memo::new(move |_| {
        checked.with(|t| {
            RateSchedule::from_json(t.trim_start_matches('\u{feff}')).map_err(|e| e.to_string())
        })
    });
    // The book's approved versions: approval checks the draft against them (one version per
    // effective date, one way of choosing), and the preview may bill across them.
    let book_of_doc = Memo::new(move |_| parsed.with(|p| p.as_ref().ok().map(|d| d.id.clone())));
    let approved = LocalResource::new(move || {
        let book = book_of_doc.get();
        async move {
            let Some(book) = book else {
                return Vec::new();
            };
            // A new rate book has no versions yet (404): nothing to compare with.
            let Ok(list) = api.rate_book_versions(&book).await else {
                return Vec::new();
            };
            let mut docs = Vec::new();
            for v in list
                .into_iter()
                .filter(|v| v.status == RateStatus::Approved)
            {
                if let Ok(d) = api.rate_schedule(&v.id).await {
                    docs.push((v.version, d.document));
                }
            }
            docs.sort_by_key(|(_, d)| d.effective_date);
            docs
        }
    });
    let approved_docs = Memo::new(move |_| approved.get().unwrap_or_default());
    // The document's own problems block the preview; conflicts with the approved versions
    // only when the preview bills with them too. Both are listed: approval refuses both.
    let own_problems = Memo::new(move |_| {
        parsed.with(|p| match p {
            Err(message) => vec![FieldError {
                field: "document".into(),
                code: FieldCode::InvalidJson,
                message: message.clone(),
            }],
            Ok(doc) => rates::validate(doc),
        })
    });
    let conflict_list = Memo::new(move |_| {
        let others = approved_docs.get();
        let own = own_problems.get();
        parsed.with(|p| match p {
            Ok(doc) if !others.is_empty() => conflicts(doc, &others, &own),
            _ => Vec::new(),
        })
    });
    let problems = Memo::new(move |_| {
        let mut list = own_problems.get();
        list.extend(conflict_list.get());
        parsed.with(|p| {
            if let (Ok(doc), Some(book)) = (p, book_id.as_ref()) {
                if *book != doc.id {
                    list.push(FieldError {
                        field: "id".into(),
                        code: FieldCode::OtherBook,
                        message: i18n.tf(Key::RatesEditorOtherBook, &[("book", book)]),
                    });
                }
            }
        });
        list
    });
    let include_others = RwSignal::new(false);
    let valid_doc = Memo::new(move |_| {
        let blocked = !own_problems.with(Vec::is_empty)
            || (include_others.get() && !conflict_list.with(Vec::is_empty));
        if blocked {
            None
        } else {
            parsed.get().ok()
        }
    });

    // Quick fields: read from the document; a change rewrites it.
    let quick_error = RwSignal::new(false);
    let apply = move |f: &dyn Fn(&mut RateSchedule)| {
        let current = text.get_untracked();
        match RateSchedule::from_json(current.trim_start_matches('\u{feff}')) {
            Ok(mut doc) => {
                f(&mut doc);
                if let Some(t) = pretty(&doc) {
                    text.set(t.clone());
                    checked.set(t);
                }
                quick_error.set(false);
            }
            Err(_) => quick_error.set(true),
        }
    };
    let doc_field = move |get: fn(&RateSchedule) -> String| {
        move || parsed.with(|p| p.as_ref().map(get).unwrap_or_default())
    };
    let unreadable = move || parsed.with(Result::is_err);

    // Preview inputs, with dates that follow the effective date until someone changes them.
    let first = parsed.get_untracked().ok();
    let effective = first
        .as_ref()
        .map(|d| d.effective_date)
        .unwrap_or_else(format::today);
    let (p_start, p_end, p_bill) = default_period(effective);
    let inputs = PreviewInputs {
        class: RwSignal::new(
            first
                .as_ref()
                .and_then(|d| d.classes.first().map(|c| c.code.clone()))
                .unwrap_or_else(|| "single_family".into()),
        ),
        meter: RwSignal::new(String::new()),
        consumption: RwSignal::new("10".into()),
        unit: RwSignal::new("ccf".into()),
        winter: RwSignal::new("6".into()),
        frequency: RwSignal::new("monthly".into()),
        start: RwSignal::new(format::date(p_start)),
        end: RwSignal::new(format::date(p_end)),
        bill_date: RwSignal::new(format::date(p_bill)),
        city: RwSignal::new("inside".into()),
        dwellings: RwSignal::new("1".into()),
    };
    let dates_touched = RwSignal::new(false);
    Effect::new(move |prev: Option<Option<NaiveDate>>| {
        let eff = parsed.with(|p| p.as_ref().ok().map(|d| d.effective_date));
        if let (Some(Some(before)), Some(now)) = (prev, eff) {
            if before != now && !dates_touched.get_untracked() {
                let (s, e, b) = default_period(now);
                inputs.start.set(format::date(s));
                inputs.end.set(format::date(e));
                inputs.bill_date.set(format::date(b));
            }
        }
        eff
    });
    let classes = Memo::new(move |_| {
        parsed.with(|p| {
            p.as_ref()
                .map(|d| {
                    d.classes
                        .iter()
                        .map(|c| (c.code.clone(), c.label.clone()))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    });
    let meter_sizes = Memo::new(move |_| {
        let mut sizes: Vec<String> = parsed.with(|p| {
            p.as_ref()
                .map(|d| {
                    d.components()
                        .flat_map(|(_, c)| {
                            let mut v = c.applies_to.meter_sizes.clone();
                            match &c.charge {
                                rates::Charge::Fixed(f) => {
                                    v.extend(f.by_meter_size.iter().map(|m| m.meter_size.clone()))
                                }
                                rates::Charge::Volume(vc) => v.extend(
                                    vc.tiers_by_meter_size.iter().map(|m| m.meter_size.clone()),
                                ),
                                _ => {}
                            }
                            v
                        })
                        .collect()
                })
                .unwrap_or_default()
        });
        sizes.sort();
        sizes.dedup();
        sizes
    });
    let preview = Memo::new(move |_| {
        let Some(doc) = valid_doc.get() else {
            return Preview::Blocked;
        };
        match inputs.input() {
            Err(k) => Preview::BadInput(k),
            Ok(input) => {
                let mut set: Vec<RateSchedule> = if include_others.get() {
                    approved_docs.get().into_iter().map(|(_, d)| d).collect()
                } else {
                    Vec::new()
                };
                set.push(doc);
                match rates::quote(&set, &input) {
                    Ok(q) => Preview::Bill(q),
                    Err(e) => Preview::Refused(e),
                }
            }
        }
    });
    let explanation = Signal::derive(move || {
        let loc: Locale = i18n.locale();
        preview.with(|p| match p {
            Preview::Bill(q) => q.explain(loc),
            _ => Vec::new(),
        })
    });

    // Saving: the text exactly as typed.
    let submit = Submit::new();
    let saving = submit.busy;
    let save_error = submit.error;
    let draft_id = draft.as_ref().map(|d| d.id.clone());
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = wasm_bindgen::JsValue::from_str(&text.get_untracked());
        let draft_id = draft_id.clone();
        let navigate = navigate.clone();
        let request = async move { api.save_rate_schedule(draft_id.as_deref(), &body).await };
        submit.send_then(request, move |r| match r {
            Ok(v) => {
                navigate(
                    &format!("/staff/rates/{}", encode_query_value(&v.id)),
                    Default::default(),
                );
                None
            }
            Err(e) => {
                // The problems are listed in the alert, not at fields: take the reader there.
                save_error.try_set(Some(e));
                crate::components::focus_id("rate-save-error");
                None
            }
        });
    };

    let example_choice = RwSignal::new("bench-city".to_owned());
    let load_example = move |_| {
        let t = example(&example_choice.get_untracked()).to_owned();
        text.set(t.clone());
        checked.set(t);
        dates_touched.set(false);
        let eff = parsed.with_untracked(|p| p.as_ref().ok().map(|d| d.effective_date));
        if let Some(eff) = eff {
            let (s, e, b) = default_period(eff);
            inputs.start.set(format::date(s));
            inputs.end.set(format::date(e));
            inputs.bill_date.set(format::date(b));
        }
        if let Some(c) = parsed.with_untracked(|p| {
            p.as_ref()
                .ok()
                .and_then(|d| d.classes.first().map(|c| c.code.clone()))
        }) {
            inputs.class.set(c);
        }
    };
    let heading = draft
        .as_ref()
        .map(|d| (d.book_id.clone(), d.version.to_string()));

    view! {
        <div class="page-head" id="rate-editor">
            <h1>{tr!(RatesEditorTitle)}</h1>
            <p class="muted">
                {move || match &heading {
                    Some((book, v)) => i18n.tf(Key::RatesEditorEditing, &[("book", book), ("version", v)]),
                    None => i18n.t(Key::RatesEditorNew).to_owned(),
                }}
            </p>
        </div>
        <div class="rate-editor-grid">
            <form class="card form" id="rate-editor-form" on:submit=save>
                <h2>{tr!(RatesEditorDocument)}</h2>
                {is_new
                    .then(|| {
                        view! {
                            <div class="form-inline rate-examples">
                                <div class="field">
                                    <label for="rate-example">{tr!(RatesEditorExample)}</label>
                                    <select
                                        id="rate-example"
                                        on:change=move |ev| example_choice.set(event_target_value(&ev))
                                        prop:value=move || example_choice.get()
                                    >
                                        {EXAMPLES
                                            .iter()
                                            .map(|(name, json)| {
                                                let title = RateSchedule::from_json(json).ok().map(|d| d.title);
                                                view! {
                                                    <option value=*name>
                                                        {move || title.as_ref().map(|t| t.get(i18n.locale()).to_owned()).unwrap_or_else(|| (*name).to_owned())}
                                                    </option>
                                                }
                                            })
                                            .collect_view()}
                                    </select>
                                </div>
                                <button type="button" class="btn btn-secondary" id="rate-example-load" on:click=load_example>
                                    {tr!(RatesEditorLoadExample)}
                                </button>
                            </div>
                        }
                    })}
                <fieldset class="rate-quick">
                    <legend>{tr!(RatesEditorQuick)}</legend>
                    <p class="hint" id="rate-quick-hint">{tr!(RatesEditorQuickHint)}</p>
                    <div class="form-grid">
                        <div class="field">
                            <label for="rate-title-en">{tr!(RatesEditorTitleEn)}</label>
                            <input
                                id="rate-title-en"
                                type="text"
                                aria-describedby="rate-quick-hint"
                                disabled=unreadable
                                prop:value=doc_field(|d| d.title.en.clone())
                                on:change=move |ev| {
                                    let v = event_target_value(&ev);
                                    apply(&|d| d.title.en = v.clone());
                                }
                            />
                        </div>
                        <div class="field">
                            <label for="rate-title-es">{tr!(RatesEditorTitleEs)}</label>
                            <input
                                id="rate-title-es"
                                type="text"
                                lang="es"
                                aria-describedby="rate-quick-hint"
                                disabled=unreadable
                                prop:value=doc_field(|d| d.title.es.clone().unwrap_or_default())
                                on:change=move |ev| {
                                    let v = event_target_value(&ev);
                                    apply(&|d| d.title.es = format::non_empty(&v));
                                }
                            />
                        </div>
                        <div class="field">
                            <label for="rate-effective-date">{tr!(RatesEditorEffective)}</label>
                            <input
                                id="rate-effective-date"
                                type="date"
                                aria-describedby="rate-quick-hint"
                                disabled=unreadable
                                prop:value=doc_field(|d| format::date(d.effective_date))
                                on:change=move |ev| {
                                    if let Some(date) = format::parse_date(&event_target_value(&ev)) {
                                        apply(&|d| d.effective_date = date);
                                    }
                                }
                            />
                        </div>
                        <div class="field">
                            <label for="rate-book-id">{tr!(RatesEditorBookId)}</label>
                            <input
                                id="rate-book-id"
                                type="text"
                                aria-describedby="rate-book-id-hint"
                                disabled=move || unreadable() || !is_new
                                prop:value=doc_field(|d| d.id.clone())
                                on:change=move |ev| {
                                    let v = event_target_value(&ev);
                                    apply(&|d| d.id = v.trim().to_owned());
                                }
                            />
                            <p class="hint" id="rate-book-id-hint">{tr!(RatesEditorBookIdHint)}</p>
                        </div>
                        <div class="field rate-source">
                            <label for="rate-source">{tr!(RatesEditorSource)}</label>
                            <input
                                id="rate-source"
                                type="text"
                                aria-describedby="rate-quick-hint"
                                disabled=unreadable
                                prop:value=doc_field(|d| d.source.clone().unwrap_or_default())
                                on:change=move |ev| {
                                    let v = event_target_value(&ev);
                                    apply(&|d| d.source = format::non_empty(&v));
                                }
                            />
                        </div>
                    </div>
                    <div role="alert" class="inline-error">
                        {move || quick_error.get().then(|| i18n.t(Key::RatesEditorQuickUnreadable))}
                    </div>
                </fieldset>
                <div class="field">
                    <label for="rate-json">{tr!(RatesEditorJson)}</label>
                    <textarea
                        id="rate-json"
                        class="rate-json-editor"
                        rows="26"
                        spellcheck="false"
                        autocomplete="off"
                        autocapitalize="off"
                        aria-describedby="rate-json-hint rate-validation"
                        aria-invalid=move || (!problems.with(Vec::is_empty)).then_some("true")
                        bind:value=text
                    ></textarea>
                    <p class="hint" id="rate-json-hint">{tr!(RatesEditorJsonHint)}</p>
                </div>
                <section class="rate-validation" aria-labelledby="rate-validation-title">
                    <h3 id="rate-validation-title">{tr!(RatesEditorValidation)}</h3>
                    <p id="rate-validation" role="status" aria-live="polite" class=move || {
                        if problems.with(Vec::is_empty) { "validation-ok" } else { "validation-bad" }
                    }>
                        {move || {
                            let n = problems.with(Vec::len);
                            if n == 0 {
                                i18n.t(Key::RatesEditorValid).to_owned()
                            } else {
                                i18n.tf(Key::RatesEditorProblems, &[("count", &n.to_string())])
                            }
                        }}
                    </p>
                    <ProblemList problems=problems id="rate-problems" />
                </section>
                <div class="form-actions">
                    <button type="submit" class="btn btn-primary" id="rate-save" disabled=saving>
                        {tr!(RatesEditorSave)}
                    </button>
                </div>
                <RatesErrorAlert error=save_error id="rate-save-error" />
            </form>
            <PreviewPanel
                i18n=i18n
                inputs=inputs
                preview=preview
                explanation=explanation
                classes=classes
                meter_sizes=meter_sizes
                dates_touched=dates_touched
                include_others=include_others
                others=Signal::derive(move || approved_docs.with(Vec::len))
            />
        </div>
    }
}

#[component]
fn PreviewPanel(
    i18n: I18n,
    inputs: PreviewInputs,
    preview: Memo<Preview>,
    explanation: Signal<Vec<String>>,
    classes: Memo<Vec<(String, rates::Text)>>,
    meter_sizes: Memo<Vec<String>>,
    dates_touched: RwSignal<bool>,
    include_others: RwSignal<bool>,
    /// How many approved versions the book has.
    others: Signal<usize>,
) -> impl IntoView {
    let touch = move |_| dates_touched.set(true);
    view! {
        <section class="card rate-preview" aria-labelledby="rate-preview-title">
            <h2 id="rate-preview-title">{tr!(RatesPreviewTitle)}</h2>
            <p class="hint">{tr!(RatesPreviewIntro)}</p>
            <div class="form-grid preview-inputs">
                <div class="field">
                    <label for="preview-class">{tr!(RatesPreviewClass)}</label>
                    {move || {
                        let list = classes.get();
                        if list.is_empty() {
                            view! { <input id="preview-class" type="text" bind:value=inputs.class /> }.into_any()
                        } else {
                            view! {
                                <select
                                    id="preview-class"
                                    on:change=move |ev| inputs.class.set(event_target_value(&ev))
                                    prop:value=move || inputs.class.get()
                                >
                                    {list
                                        .into_iter()
                                        .map(|(code, label)| {
                                            let c2 = code.clone();
                                            view! {
                                                <option value=code.clone() selected=move || inputs.class.with(|c| *c == c2)>
                                                    {move || label.get(i18n.locale()).to_owned()}
                                                </option>
                                            }
                                        })
                                        .collect_view()}
                                </select>
                            }
                                .into_any()
                        }
                    }}
                </div>
                <div class="field">
                    <label for="preview-meter">{tr!(RatesPreviewMeter)}</label>
                    <input id="preview-meter" type="text" list="preview-meter-sizes" aria-describedby="preview-meter-hint" bind:value=inputs.meter />
                    <datalist id="preview-meter-sizes">
                        {move || meter_sizes.get().into_iter().map(|s| view! { <option value=s></option> }).collect_view()}
                    </datalist>
                    <p class="hint" id="preview-meter-hint">{tr!(RatesPreviewMeterHint)}</p>
                </div>
                <div class="field">
                    <label for="preview-consumption">{tr!(RatesPreviewConsumption)}</label>
                    <input id="preview-consumption" type="text" inputmode="decimal" bind:value=inputs.consumption />
                </div>
                <div class="field">
                    <label for="preview-unit">{tr!(RatesPreviewUnit)}</label>
                    <select id="preview-unit" on:change=move |ev| inputs.unit.set(event_target_value(&ev)) prop:value=move || inputs.unit.get()>
                        <option value="ccf">{tr!(RatesUnitCcf)}</option>
                        <option value="gallons">{tr!(RatesUnitGallons)}</option>
                        <option value="kgal">{tr!(RatesUnitKgal)}</option>
                    </select>
                </div>
                <div class="field">
                    <label for="preview-winter">{tr!(RatesPreviewWinter)}</label>
                    <input id="preview-winter" type="text" inputmode="decimal" aria-describedby="preview-winter-hint" bind:value=inputs.winter />
                    <p class="hint" id="preview-winter-hint">{tr!(RatesPreviewWinterHint)}</p>
                </div>
                <div class="field">
                    <label for="preview-frequency">{tr!(RatesPreviewFrequency)}</label>
                    <select id="preview-frequency" on:change=move |ev| inputs.frequency.set(event_target_value(&ev)) prop:value=move || inputs.frequency.get()>
                        <option value="monthly">{tr!(RatesFrequencyMonthly)}</option>
                        <option value="bimonthly">{tr!(RatesFrequencyBimonthly)}</option>
                        <option value="quarterly">{tr!(RatesFrequencyQuarterly)}</option>
                    </select>
                </div>
                <div class="field">
                    <label for="preview-start">{tr!(RatesPreviewStart)}</label>
                    <input id="preview-start" type="date" bind:value=inputs.start on:change=touch />
                </div>
                <div class="field">
                    <label for="preview-end">{tr!(RatesPreviewEnd)}</label>
                    <input id="preview-end" type="date" bind:value=inputs.end on:change=touch />
                </div>
                <div class="field">
                    <label for="preview-bill-date">{tr!(RatesPreviewBillDate)}</label>
                    <input id="preview-bill-date" type="date" bind:value=inputs.bill_date on:change=touch />
                </div>
                <div class="field">
                    <label for="preview-city">{tr!(RatesPreviewCity)}</label>
                    <select id="preview-city" on:change=move |ev| inputs.city.set(event_target_value(&ev)) prop:value=move || inputs.city.get()>
                        <option value="inside">{tr!(RatesPreviewInside)}</option>
                        <option value="outside">{tr!(RatesPreviewOutside)}</option>
                    </select>
                </div>
                <div class="field">
                    <label for="preview-dwellings">{tr!(RatesPreviewDwellings)}</label>
                    <input id="preview-dwellings" type="text" inputmode="numeric" bind:value=inputs.dwellings />
                </div>
            </div>
            {move || {
                let n = others.get();
                (n > 0)
                    .then(|| {
                        view! {
                            <div class="field field-check">
                                <input id="preview-others" type="checkbox" aria-describedby="preview-others-hint" bind:checked=include_others />
                                <label for="preview-others">{tr!(RatesPreviewOthers)}</label>
                                <p class="hint" id="preview-others-hint">
                                    {move || i18n.tf(Key::RatesPreviewOthersHint, &[("count", &n.to_string())])}
                                </p>
                            </div>
                        }
                    })
            }}
            <div id="preview-result" aria-live="polite">
                {move || match preview.get() {
                    Preview::Blocked => view! { <p class="alert alert-info" id="preview-blocked">{tr!(RatesPreviewBlocked)}</p> }.into_any(),
                    Preview::BadInput(k) => view! { <p class="alert alert-error" id="preview-error">{move || i18n.t(k)}</p> }.into_any(),
                    Preview::Refused(e) => {
                        view! { <p class="alert alert-error" id="preview-error">{move || rate_error_text(i18n, &e)}</p> }.into_any()
                    }
                    Preview::Bill(q) => view! { <QuoteTable quote=q id="preview" compact=true /> }.into_any(),
                }}
            </div>
            {move || (!explanation.with(Vec::is_empty)).then(|| view! { <Explanation lines=explanation id="preview-explanation" /> })}
        </section>
    }
}

/// What approval would add to the document's own problems: conflicts with the book's approved
/// versions (`validate_versions`), with paths as the server reports them (the draft's own
/// fields plain, an approved version's under `approved_versions[<version>]`).
fn conflicts(
    doc: &RateSchedule,
    approved: &[(i32, RateSchedule)],
    own: &[FieldError],
) -> Vec<FieldError> {
    let mut all: Vec<RateSchedule> = approved.iter().map(|(_, d)| d.clone()).collect();
    all.push(doc.clone());
    let prefix = format!("[{}].", approved.len());
    let mut out: Vec<FieldError> = Vec::new();
    for mut p in rates::validate_versions(&all) {
        if let Some(rest) = p.field.strip_prefix(&prefix) {
            p.field = rest.to_owned();
        } else if let Some((index, rest)) =
            p.field.strip_prefix('[').and_then(|f| f.split_once("]."))
        {
            let version = index
                .parse::<usize>()
                .ok()
                .and_then(|i| approved.get(i))
                .map(|(v, _)| v.to_string())
                .unwrap_or_else(|| index.to_owned());
            p.field = format!("approved_versions[{version}].{rest}");
        }
        let seen = own
            .iter()
            .chain(out.iter())
            .any(|o| o.field == p.field && o.code == p.code);
        if !seen {
            out.push(p);
        }
    }
    out
}
