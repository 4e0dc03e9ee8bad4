//! `/staff/rates`: the rate books, the versions of one book, one version (its document in plain
//! words, approval, retirement, export), importing a document and the printable rate list.
//! Also the pieces the editor and the bill estimator share: the itemised quote, the schedule
//! in plain words, and the translated rate problems and engine refusals.

use cistern_shared::dto::Locale;
use cistern_shared::query::RateListQuery;
use cistern_shared::rates::{
    LineKind, LineUnit, Quote, QuoteLine, RateError, RateSchedule, ScheduleText, Service,
};
use cistern_shared::rates_api::{
    ApproveRateScheduleRequest, RateScheduleDto, RateScheduleSummaryDto, RateStatus,
    RetireRateScheduleRequest,
};
use cistern_shared::FieldCode;
use cistern_shared::{FieldError, Role};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};

use crate::api::{encode_query_value, use_api, use_auth, Api, ApiError};
use crate::components::{
    col, error_body, loaded_or, num_col, save_blob, StatusMessage, Submit, Table,
};
use crate::format;
use crate::i18n::{field_rule_key, use_i18n, I18n, Key};
use crate::tr;

// ---------------------------------------------------------------- roles

/// Who may write drafts and import documents (the API's `RateEditors`).
pub fn can_edit_rates(role: Option<Role>) -> bool {
    matches!(role, Some(Role::Admin | Role::Lead))
}

/// Who may approve and retire versions (the API's `RateApprovers`).
pub fn can_approve_rates(role: Option<Role>) -> bool {
    matches!(role, Some(Role::Lead | Role::FinanceDirector))
}

// ---------------------------------------------------------------- translated names

pub fn rate_status_key(s: RateStatus) -> Key {
    match s {
        RateStatus::Draft => Key::RatesStatusDraft,
        RateStatus::Approved => Key::RatesStatusApproved,
        RateStatus::Retired => Key::RatesStatusRetired,
    }
}

fn rate_status_class(s: RateStatus) -> &'static str {
    match s {
        RateStatus::Draft => "badge badge-pending",
        RateStatus::Approved => "badge badge-active",
        RateStatus::Retired => "badge badge-closed",
    }
}

#[component]
pub fn RateStatusBadge(status: RateStatus) -> impl IntoView {
    let i18n = use_i18n();
    view! { <span class=rate_status_class(status)>{move || i18n.t(rate_status_key(status))}</span> }
}

pub fn service_key(s: Service) -> Key {
    match s {
        Service::Water => Key::RatesServiceWater,
        Service::Sewer => Key::RatesServiceSewer,
        Service::Stormwater => Key::RatesServiceStormwater,
        Service::CityFees => Key::RatesServiceCityFees,
    }
}

fn service_total_key(s: Service) -> Key {
    match s {
        Service::Water => Key::RatesTotalWater,
        Service::Sewer => Key::RatesTotalSewer,
        Service::Stormwater => Key::RatesTotalStormwater,
        Service::CityFees => Key::RatesTotalCityFees,
    }
}

fn unit_key(u: LineUnit) -> Key {
    match u {
        LineUnit::Account => Key::RatesUnitAccount,
        LineUnit::DwellingUnit => Key::RatesUnitDwellingUnit,
        LineUnit::Esu => Key::RatesUnitEsu,
        LineUnit::ImperviousAreaUnit => Key::RatesUnitImperviousArea,
        LineUnit::FireLineInch => Key::RatesUnitFireLineInch,
        LineUnit::Ccf => Key::RatesUnitCcf,
        LineUnit::Gallons => Key::RatesUnitGallons,
        LineUnit::Kgal => Key::RatesUnitKgal,
        LineUnit::Dollars => Key::RatesUnitDollars,
    }
}

// ---------------------------------------------------------------- problems and errors

/// Problems in a rate schedule document, each with its JSON path, the translated rule and
/// the engine's own (English) words for the details.
#[component]
pub fn ProblemList(
    #[prop(into)] problems: Signal<Vec<FieldError>>,
    #[prop(optional)] id: Option<&'static str>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <ul class="rate-problems" id=id>
            {move || {
                problems
                    .get()
                    .into_iter()
                    .map(|p| {
                        let key = field_rule_key(p.code);
                        view! {
                            <li>
                                <code class="rate-path">{p.field.clone()}</code>
                                " "
                                <span class="rate-problem">{move || i18n.t(key)}</span>
                                <span class="muted small">" (" {p.message.clone()} ")"</span>
                            </li>
                        }
                    })
                    .collect_view()
            }}
        </ul>
    }
}

/// An API failure of a rates call: the translated message (the maker-checker refusal has its
/// own code) and every document problem or engine refusal with its path.
pub fn rates_error_body(i18n: I18n, err: ApiError) -> impl IntoView {
    let problem = match &err {
        ApiError::Problem(p) => Some(p.clone()),
        _ => None,
    };
    let Some(p) = problem else {
        return error_body(i18n, err).into_any();
    };
    // Translated by its code; the client never shows or reads the server's English `detail`.
    let key = err.message_key();
    let fields = p.fields.clone();
    let request_id = p.request_id.clone();
    view! {
        <p class="alert-message">{move || i18n.t(key)}</p>
        {(!fields.is_empty())
            .then(|| {
                // Document problems and engine refusals alike, each translated by its code.
                let problems = Signal::derive(move || fields.clone());
                view! { <ProblemList problems=problems /> }
            })}
        {request_id
            .map(|id| {
                view! { <p class="muted small">{move || i18n.tf(Key::CommonReference, &[("id", &id)])}</p> }
            })}
    }
    .into_any()
}

/// A `role="alert"` region, always present, showing a rates call's failure.
#[component]
pub fn RatesErrorAlert(
    #[prop(into)] error: Signal<Option<ApiError>>,
    #[prop(optional)] id: Option<&'static str>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="alert alert-error" role="alert" id=id>
            {move || error.get().map(|e| rates_error_body(i18n, e))}
        </div>
    }
}

/// Why the engine refused to calculate, translated, with its own words as details.
pub fn rate_error_text(i18n: I18n, e: &RateError) -> String {
    format!("{} ({e})", i18n.t(field_rule_key(e.code())))
}

// ---------------------------------------------------------------- quotes

/// A volume or count for display: at most two decimals, no trailing zeros.
fn quantity(l: &QuoteLine) -> String {
    if l.unit == LineUnit::Dollars {
        let cents = l.quantity.round_dp(2);
        return format!("${cents:.2}");
    }
    l.quantity.round_dp(2).normalize().to_string()
}

fn unit_price(l: &QuoteLine) -> String {
    match l.kind {
        LineKind::Percentage => format!("{}%", l.price.normalize()),
        LineKind::Included => String::new(),
        _ => {
            let p = l.price.normalize();
            if p.scale() < 2 {
                format!("${:.2}", p)
            } else {
                format!("${p}")
            }
        }
    }
}

/// What a line is, in the current language: its label, tier, season and (when the period is
/// split) its dates.
fn line_description(i18n: I18n, q: &Quote, l: &QuoteLine) -> String {
    let loc = i18n.locale();
    let mut s = l.label.get(loc).to_string();
    if let Some(t) = l.tier.filter(|_| l.kind == LineKind::Volume) {
        s.push_str(&format!(
            ", {}",
            i18n.tf(Key::RatesTier, &[("tier", &t.to_string())])
        ));
    }
    if let Some(season) = &l.season {
        s.push_str(&format!(" ({})", season.get(loc)));
    }
    if let Some(seg) = q.segments.get(l.segment).filter(|s| s.split) {
        s.push_str(&format!(
            " · {} – {}",
            format::date(seg.period.start),
            format::date(seg.period.end)
        ));
    }
    if l.days != l.of_days {
        s.push_str(&format!(
            " · {}",
            i18n.tf(
                Key::RatesProrated,
                &[
                    ("days", &l.days.to_string()),
                    ("of", &l.of_days.to_string())
                ]
            )
        ));
    }
    s
}

/// An itemised bill: one row per line, the service totals and the total (`#{id}-total`).
#[component]
pub fn QuoteTable(
    quote: Quote,
    id: &'static str,
    /// Leave out the service column (a narrow panel); the service totals still say it.
    #[prop(optional)]
    compact: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let q = StoredValue::new(quote);
    let total_id = format!("{id}-total");
    let label_span = if compact { "3" } else { "4" };
    view! {
        <div class="table-wrap">
            <table class=if compact { "table quote-table quote-compact" } else { "table quote-table" } id=id>
                <caption class="visually-hidden">{tr!(RatesQuoteCaption)}</caption>
                <thead>
                    <tr>
                        {(!compact).then(|| view! { <th scope="col">{tr!(RatesColService)}</th> })}
                        <th scope="col">{tr!(RatesColCharge)}</th>
                        <th scope="col" class="num">{tr!(RatesColQuantity)}</th>
                        <th scope="col" class="num">{tr!(RatesColPrice)}</th>
                        <th scope="col" class="num">{tr!(RatesColAmount)}</th>
                    </tr>
                </thead>
                <tbody>
                    {move || {
                        q.with_value(|q| {
                            q.lines
                                .iter()
                                .map(|l| {
                                    let service = service_key(l.service);
                                    let desc = line_description(i18n, q, l);
                                    let unit = unit_key(l.unit);
                                    let qty = quantity(l);
                                    let dollars = l.unit == LineUnit::Dollars;
                                    view! {
                                        <tr class="quote-line" data-component=l.component_id.clone()>
                                            {(!compact).then(|| view! { <td>{move || i18n.t(service)}</td> })}
                                            <th scope="row">{desc}</th>
                                            <td class="num">
                                                {qty}
                                                {(!dollars).then(|| view! { " " {move || i18n.t(unit)} })}
                                            </td>
                                            <td class="num">{unit_price(l)}</td>
                                            <td class="num">{format::money(l.amount)}</td>
                                        </tr>
                                    }
                                })
                                .collect_view()
                        })
                    }}
                </tbody>
                <tfoot>
                    {move || {
                        q.with_value(|q| {
                            q.service_totals
                                .iter()
                                .map(|t| {
                                    let service = service_total_key(t.service);
                                    view! {
                                        <tr class="quote-service-total">
                                            <th scope="row" colspan=label_span>
                                                {move || i18n.t(service)}
                                            </th>
                                            <td class="num">{format::money(t.amount)}</td>
                                        </tr>
                                    }
                                })
                                .collect_view()
                        })
                    }}
                    <tr class="quote-total">
                        <th scope="row" colspan=label_span>{tr!(RatesTotal)}</th>
                        <td class="num" id=total_id>{q.with_value(|q| format::money(q.total))}</td>
                    </tr>
                </tfoot>
            </table>
        </div>
    }
}

/// The bill in sentences (the engine's explanation).
#[component]
pub fn Explanation(#[prop(into)] lines: Signal<Vec<String>>, id: &'static str) -> impl IntoView {
    view! {
        <section class="card explanation" aria-labelledby=format!("{id}-title")>
            <h2 id=format!("{id}-title")>{tr!(RatesExplanation)}</h2>
            <ol class="explanation-lines" id=id>
                {move || lines.get().into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}
            </ol>
        </section>
    }
}

// ---------------------------------------------------------------- a schedule in plain words

/// A schedule's prices in plain words (`rates::describe`), in the current language.
#[component]
pub fn ScheduleView(#[prop(into)] schedule: Signal<Option<RateSchedule>>) -> impl IntoView {
    let i18n = use_i18n();
    let text = Memo::new(move |_| {
        let loc: Locale = i18n.locale();
        schedule.with(|s| s.as_ref().map(|s| s.describe(loc)))
    });
    move || text.get().map(|t| schedule_text_view(i18n, t))
}

fn schedule_text_view(i18n: I18n, t: ScheduleText) -> impl IntoView {
    let has_classes = !t.classes.is_empty();
    view! {
        <div class="schedule-text">
            <ul class="schedule-notes">
                {t.notes.into_iter().map(|n| view! { <li>{n}</li> }).collect_view()}
            </ul>
            {has_classes
                .then(|| {
                    view! {
                        <h3>{move || i18n.t(Key::RatesClasses)}</h3>
                        <ul>{t.classes.into_iter().map(|c| view! { <li>{c}</li> }).collect_view()}</ul>
                    }
                })}
            {t
                .services
                .into_iter()
                .map(|s| {
                    view! {
                        <section class="schedule-service">
                            <h3>{s.name}</h3>
                            <dl class="schedule-components">
                                {s
                                    .components
                                    .into_iter()
                                    .map(|c| {
                                        view! {
                                            <dt>{c.label} " " <code class="muted small">{c.id}</code></dt>
                                            <dd>
                                                {c.applies_to.map(|a| view! { <p class="muted">{a}</p> })}
                                                <ul>{c.lines.into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}</ul>
                                            </dd>
                                        }
                                    })
                                    .collect_view()}
                            </dl>
                        </section>
                    }
                })
                .collect_view()}
        </div>
    }
}

// ---------------------------------------------------------------- files

/// "Print rate list": the PDF of the rates in effect on a date, fetched with the bearer token
/// and opened from an object URL in a new tab (opened at the click so pop-up blockers allow
/// it); downloaded instead when no tab can be opened.
#[component]
fn PrintRateList() -> impl IntoView {
    let api = use_api();
    let i18n = use_i18n();
    let on = RwSignal::new(format::date(format::today()));
    let submit = Submit::new();
    let failed = submit.error;
    let print = move |_| {
        if submit.is_busy() {
            return;
        }
        let Some(date) = format::parse_date(&on.get_untracked()) else {
            submit.invalid(&[("on", FieldCode::Date)]);
            return;
        };
        let win = window()
            .open_with_url_and_target("", "_blank")
            .ok()
            .flatten();
        let q = RateListQuery {
            on: Some(date),
            lang: Some(i18n.locale()),
        };
        submit.send_then(
            async move { api.rate_list_pdf(&q).await },
            move |r| match r {
                Ok(blob) => {
                    let opened = web_sys::Url::create_object_url_with_blob(&blob)
                        .ok()
                        .and_then(|url| win.as_ref().map(|w| w.location().set_href(&url).is_ok()))
                        .unwrap_or(false);
                    (!opened && !save_blob(&blob, &format!("rate-list-{date}.pdf")))
                        .then_some(ApiError::Unexpected)
                }
                Err(e) => {
                    if let Some(w) = win {
                        let _ = w.close();
                    }
                    Some(e)
                }
            },
        );
    };
    view! {
        <div class="rates-print form-inline">
            <div class="field">
                <label for="rate-list-on">{tr!(RatesListOn)}</label>
                <input id="rate-list-on" type="date" bind:value=on />
            </div>
            <button type="button" id="print-rate-list" class="btn btn-secondary" on:click=print disabled=submit.busy>
                {tr!(RatesPrintList)}
            </button>
            <div role="alert" class="inline-error">
                {move || failed.get().map(|e| i18n.t(e.message_key()))}
            </div>
        </div>
    }
}

/// The `File` chosen in a file input, as a `Blob` (its bytes, sent unchanged).
fn chosen_file(input_id: &str) -> Option<web_sys::Blob> {
    use wasm_bindgen::JsCast;
    let el = document().get_element_by_id(input_id)?;
    let files = web_sys::js_sys::Reflect::get(&el, &"files".into()).ok()?;
    let first = web_sys::js_sys::Reflect::get(&files, &0u32.into()).ok()?;
    if first.is_undefined() || first.is_null() {
        return None;
    }
    first.dyn_into::<web_sys::Blob>().ok()
}

/// Import a document file as a new draft (admin, lead); opens the new draft.
#[component]
fn ImportForm() -> impl IntoView {
    let api = use_api();
    let navigate = use_navigate();
    let submit = Submit::new();
    let error = submit.error;
    let missing = RwSignal::new(false);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if submit.is_busy() {
            return;
        }
        error.set(None);
        let Some(file) = chosen_file("rate-import-file") else {
            missing.set(true);
            return;
        };
        missing.set(false);
        let navigate = navigate.clone();
        let body: wasm_bindgen::JsValue = file.into();
        submit.send(
            async move { api.import_rate_schedule(&body).await },
            move |v| navigate(&version_href(&v.id), Default::default()),
        );
    };
    let i18n = use_i18n();
    view! {
        <form class="card form" id="rate-import" on:submit=on_submit>
            <h2>{tr!(RatesImportTitle)}</h2>
            <div class="field">
                <label for="rate-import-file">{tr!(RatesImportFile)}</label>
                <input
                    id="rate-import-file"
                    type="file"
                    accept=".json,application/json"
                    aria-describedby="rate-import-hint"
                />
                <p class="hint" id="rate-import-hint">{tr!(RatesImportHint)}</p>
            </div>
            <div class="form-actions">
                <button type="submit" class="btn btn-secondary" id="rate-import-submit" disabled=submit.busy>
                    {tr!(RatesImportSubmit)}
                </button>
            </div>
            <div class="alert alert-error" role="alert" id="rate-import-error">
                {move || missing.get().then(|| view! { <p class="alert-message">{i18n.t(Key::RatesImportChoose)}</p> })}
                {move || error.get().map(|e| rates_error_body(i18n, e))}
            </div>
        </form>
    }
}

// ---------------------------------------------------------------- pages

fn version_href(id: &str) -> String {
    format!("/staff/rates/{}", encode_query_value(id))
}

fn book_href(book_id: &str) -> String {
    format!("/staff/rates/books/{}", encode_query_value(book_id))
}

fn version_link(i18n: I18n, v: RateScheduleSummaryDto) -> impl IntoView {
    let date = format::date(v.effective_date);
    let n = v.version.to_string();
    view! {
        <A href=version_href(&v.id)>
            {move || i18n.tf(Key::RatesVersionEffective, &[("version", &n), ("date", &date)])}
        </A>
    }
}

/// `/staff/rates`: every rate book, the version in effect, those to come, drafts.
#[component]
pub fn RatesPage() -> impl IntoView {
    let api = use_api();
    let auth = use_auth();
    let i18n = use_i18n();
    let editor = Memo::new(move |_| can_edit_rates(auth.role()));
    let data = LocalResource::new(move || async move { api.rate_books().await });
    view! {
        <div class="page-head" id="rates">
            <h1>{tr!(RatesTitle)}</h1>
            <p class="muted">{tr!(RatesIntro)}</p>
        </div>
        <div class="rates-toolbar">
            <PrintRateList />
            {move || {
                editor
                    .get()
                    .then(|| {
                        view! {
                            <A href="/staff/rates/new" attr:class="btn btn-primary" attr:id="rates-new">
                                {tr!(RatesNewDraft)}
                            </A>
                        }
                    })
            }}
        </div>
        {move || loaded_or(data.get(), |v| match v {
            books if books.is_empty() => view! { <p class="empty">{tr!(RatesNone)}</p> }.into_any(),
            books => {
                view! {
                    <Table columns=vec![col(Key::RatesColBook), col(Key::RatesColInEffect), col(Key::RatesColUpcoming), num_col(Key::RatesColDrafts), num_col(Key::RatesColVersions)] id="rate-books">
                                {books
                                    .into_iter()
                                    .map(|b| {
                                        let versions = b.versions.to_string();
                                        let book = b.book_id.clone();
                                        view! {
                                            <tr data-book=b.book_id.clone()>
                                                <th scope="row">
                                                    <A href=book_href(&b.book_id)>{b.title.clone()}</A>
                                                    <br />
                                                    <code class="muted small">{b.book_id.clone()}</code>
                                                </th>
                                                <td class="in-effect">
                                                    {match b.in_effect {
                                                        Some(v) => version_link(i18n, v).into_any(),
                                                        None => view! { <span class="muted">{tr!(RatesNoneInEffect)}</span> }.into_any(),
                                                    }}
                                                </td>
                                                <td>
                                                    <ul class="plain">
                                                        {b.upcoming.into_iter().map(|v| view! { <li>{version_link(i18n, v)}</li> }).collect_view()}
                                                    </ul>
                                                </td>
                                                <td class="num">{format::count(b.drafts)}</td>
                                                <td class="num">
                                                    <A href=book_href(&book) attr:aria-label=move || i18n.tf(Key::RatesAllVersionsOf, &[("book", &book)])>
                                                        {versions}
                                                    </A>
                                                </td>
                                            </tr>
                                        }
                                    })
                                    .collect_view()}
                    </Table>
                }
                    .into_any()
            }
        })}
        {move || editor.get().then(|| view! { <ImportForm /> })}
    }
}

/// `/staff/rates/books/:book`: every version of one rate book, newest first.
#[component]
pub fn RateBookPage() -> impl IntoView {
    let api = use_api();
    let i18n = use_i18n();
    let params = use_params_map();
    let book = Memo::new(move |_| params.with(|p| p.get("book").unwrap_or_default()));
    let data = LocalResource::new(move || {
        let book = book.get();
        async move { api.rate_book_versions(&book).await }
    });
    view! {
        <p class="back"><A href="/staff/rates">"← " {tr!(RatesBack)}</A></p>
        <div class="page-head" id="rate-book">
            <h1>{move || i18n.tf(Key::RatesBookTitle, &[("book", &book.get())])}</h1>
        </div>
        {move || loaded_or(data.get(), |list| {
                view! {
                    <Table columns=vec![num_col(Key::RatesColVersion), col(Key::RatesColTitle), col(Key::RatesColEffective), col(Key::RatesColStatus), col(Key::RatesColChangedBy), col(Key::RatesColApprovedBy)] id="rate-versions">
                                {list
                                    .into_iter()
                                    .map(|v| {
                                        view! {
                                            <tr>
                                                <td class="num"><A href=version_href(&v.id)>{v.version}</A></td>
                                                <th scope="row"><A href=version_href(&v.id)>{v.title.clone()}</A></th>
                                                <td>{format::date(v.effective_date)}</td>
                                                <td><RateStatusBadge status=v.status /></td>
                                                <td>{v.updated_by.clone().unwrap_or_default()}</td>
                                                <td>{v.approved_by.clone().unwrap_or_default()}</td>
                                            </tr>
                                        }
                                    })
                                    .collect_view()}
                    </Table>
                }
                    .into_any()
        })}
    }
}

/// `/staff/rates/:id`: one version, its document in plain words and the actions the role
/// allows.
#[component]
pub fn RateVersionPage() -> impl IntoView {
    let api = use_api();
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").unwrap_or_default()));
    let data = LocalResource::new(move || {
        let id = id.get();
        async move { api.rate_schedule(&id).await }
    });
    let status = RwSignal::new(None::<String>);
    view! {
        <p class="back"><A href="/staff/rates">"← " {tr!(RatesBack)}</A></p>
        <StatusMessage message=status />
        {move || {
            loaded_or(data.get(), |v| {
                view! {
                    <VersionBody
                        v=v
                        on_change=Callback::new(move |msg: String| {
                            status.set(Some(msg));
                            data.refetch();
                        })
                    />
                }
                    .into_any()
            })
        }}
    }
}

#[component]
fn VersionBody(v: RateScheduleDto, on_change: Callback<String>) -> impl IntoView {
    let api = use_api();
    let auth = use_auth();
    let i18n = use_i18n();
    let s = v.summary.clone();
    let role = Memo::new(move |_| auth.role());
    let me = Memo::new(move |_| auth.user().map(|u| u.username));
    let is_draft = s.status == RateStatus::Draft;
    let is_approved = s.status == RateStatus::Approved;
    let last_editor_is_me = {
        let updated_by = s.updated_by.clone();
        Memo::new(move |_| updated_by.is_some() && me.get() == updated_by)
    };
    let document = Signal::derive({
        let d = v.document.clone();
        move || Some(d.clone())
    });
    let problems = v.problems.clone();
    let has_problems = !problems.is_empty();
    let json = serde_json::to_string_pretty(&v.document).unwrap_or_default();
    let submit = Submit::new();
    let action_error = submit.error;
    let reason = RwSignal::new(String::new());

    let id = s.id.clone();
    let sha = s.document_sha256.clone();
    let approve = move |_| {
        if submit.is_busy() {
            return;
        }
        let body = ApproveRateScheduleRequest {
            reason: format::non_empty(&reason.get_untracked()),
            document_sha256: Some(sha.clone()),
        };
        let id = id.clone();
        submit.send(
            async move { api.approve_rate_schedule(&id, &body).await },
            move |v| {
                on_change.run(i18n.tf(
                    Key::RatesApproved,
                    &[("version", &v.version.to_string()), ("book", &v.book_id)],
                ))
            },
        );
    };
    let id = s.id.clone();
    let retire = move |_| {
        if submit.is_busy() {
            return;
        }
        let body = RetireRateScheduleRequest {
            reason: format::non_empty(&reason.get_untracked()),
        };
        let id = id.clone();
        submit.send(
            async move { api.retire_rate_schedule(&id, &body).await },
            move |v| {
                on_change.run(i18n.tf(
                    Key::RatesRetired,
                    &[("version", &v.version.to_string()), ("book", &v.book_id)],
                ))
            },
        );
    };
    let id = s.id.clone();
    let filename = format!("{}-v{}.json", s.book_id, s.version);
    let export = move |_| {
        let id = id.clone();
        let filename = filename.clone();
        submit.send_then(
            async move { api.rate_schedule_file(&id).await },
            move |r| match r {
                Ok(blob) => (!save_blob(&blob, &filename)).then_some(ApiError::Unexpected),
                Err(e) => Some(e),
            },
        );
    };
    let edit_href = format!("/staff/rates/{}/edit", encode_query_value(&s.id));
    let copy_href = format!("/staff/rates/new?from={}", encode_query_value(&s.id));
    let title = s.title.clone();
    let status = s.status;
    let version = s.version.to_string();
    let who = |name: &Option<String>, at: Option<chrono::DateTime<chrono::Utc>>| match (name, at) {
        (Some(n), Some(t)) => format!("{n} · {}", format::timestamp(t)),
        (None, Some(t)) => format::timestamp(t),
        (Some(n), None) => n.clone(),
        (None, None) => String::new(),
    };
    let created = who(&s.created_by, Some(s.created_at));
    let updated = who(&s.updated_by, Some(s.updated_at));
    let approved = who(&s.approved_by, s.approved_at);
    let retired = who(&s.retired_by, s.retired_at);
    view! {
        <div class="page-head" id="rate-version">
            <h1>{title}</h1>
            <RateStatusBadge status=status />
            <p class="muted">
                <A href=book_href(&s.book_id)>{s.book_id.clone()}</A>
                " · "
                {move || i18n.tf(Key::RatesVersionN, &[("version", &version)])}
            </p>
        </div>
        <section class="card">
            <dl class="facts" id="rate-facts">
                <dt>{tr!(RatesColEffective)}</dt>
                <dd id="rate-effective">{format::date(s.effective_date)}</dd>
                <dt>{tr!(RatesColStatus)}</dt>
                <dd id="rate-status">{move || i18n.t(rate_status_key(status))}</dd>
                <dt>{tr!(RatesCreated)}</dt>
                <dd>{created}</dd>
                <dt>{tr!(RatesUpdated)}</dt>
                <dd>{updated}</dd>
                {(!approved.is_empty()).then(|| view! { <dt>{tr!(RatesApprovedBy)}</dt><dd>{approved.clone()}</dd> })}
                {(!retired.is_empty()).then(|| view! { <dt>{tr!(RatesRetiredBy)}</dt><dd>{retired.clone()}</dd> })}
                <dt>{tr!(RatesSha)}</dt>
                <dd><code class="small">{s.document_sha256.clone()}</code></dd>
            </dl>
        </section>
        <section class="card" aria-labelledby="rate-actions-title">
            <h2 id="rate-actions-title">{tr!(RatesActions)}</h2>
            {has_problems
                .then(|| {
                    let list = problems.clone();
                    view! {
                        <div class="alert alert-info" id="rate-approval-problems">
                            <p class="alert-message">{tr!(RatesApprovalProblems)}</p>
                            <ProblemList problems=Signal::derive(move || list.clone()) />
                        </div>
                    }
                })}
            {move || {
                (is_draft && can_approve_rates(role.get()) && last_editor_is_me.get())
                    .then(|| view! { <p class="alert alert-info" id="rate-maker-checker">{tr!(RatesMakerChecker)}</p> })
            }}
            {move || {
                let r = role.get();
                ((is_draft || is_approved) && can_approve_rates(r))
                    .then(|| {
                        view! {
                            <div class="field">
                                <label for="rate-reason">{tr!(RatesReason)}</label>
                                <input id="rate-reason" type="text" aria-describedby="rate-reason-hint" bind:value=reason />
                                <p class="hint" id="rate-reason-hint">{tr!(RatesReasonHint)}</p>
                            </div>
                        }
                    })
            }}
            <div class="form-actions rate-actions">
                {move || {
                    (is_draft && can_edit_rates(role.get()))
                        .then(|| {
                            view! {
                                <A href=edit_href.clone() attr:class="btn btn-primary" attr:id="rate-edit">{tr!(RatesEdit)}</A>
                            }
                        })
                }}
                {move || {
                    (is_draft && can_approve_rates(role.get()))
                        .then(|| {
                            let approve = approve.clone();
                            view! {
                                <button type="button" class="btn btn-primary" id="rate-approve" on:click=approve disabled=submit.busy>
                                    {tr!(RatesApprove)}
                                </button>
                            }
                        })
                }}
                {move || {
                    (is_approved && can_approve_rates(role.get()))
                        .then(|| {
                            let retire = retire.clone();
                            view! {
                                <button type="button" class="btn btn-secondary" id="rate-retire" on:click=retire disabled=submit.busy>
                                    {tr!(RatesRetire)}
                                </button>
                            }
                        })
                }}
                <button type="button" class="btn btn-secondary" id="rate-export" on:click=export.clone()>
                    {tr!(RatesExport)}
                </button>
                {move || {
                    can_edit_rates(role.get())
                        .then(|| {
                            view! {
                                <A href=copy_href.clone() attr:class="btn btn-secondary" attr:id="rate-copy">{tr!(RatesCopy)}</A>
                            }
                        })
                }}
            </div>
            <RatesErrorAlert error=action_error id="rate-action-error" />
        </section>
        <section class="card" aria-labelledby="rate-document-title">
            <h2 id="rate-document-title">{tr!(RatesDocument)}</h2>
            <ScheduleView schedule=document />
            <details>
                <summary>{tr!(RatesDocumentJson)}</summary>
                <pre class="rate-json">{json}</pre>
            </details>
        </section>
    }
}

/// Loads the stored text of a version (its export), for the editor.
pub async fn load_document_text(api: Api, id: &str) -> Result<String, ApiError> {
    api.rate_schedule_text(id).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::lookup;
    use cistern_shared::FieldCode;

    fn both_locales(k: Key) {
        assert!(!lookup(Locale::En, k).is_empty());
        assert!(!lookup(Locale::Es, k).is_empty());
        assert_ne!(lookup(Locale::En, k), lookup(Locale::Es, k), "{}", k.name());
    }

    #[test]
    fn every_document_problem_is_translated() {
        for code in [
            FieldCode::Required,
            FieldCode::UnsupportedVersion,
            FieldCode::InvalidId,
            FieldCode::Duplicate,
            FieldCode::UnknownClass,
            FieldCode::Negative,
            FieldCode::NotPositive,
            FieldCode::OutOfRange,
            FieldCode::NotApplicable,
            FieldCode::Conflict,
            FieldCode::TooMany,
            FieldCode::TiersNotIncreasing,
            FieldCode::OpenTierNotLast,
            FieldCode::LastTierBounded,
            FieldCode::InvalidMonth,
            FieldCode::OverlappingSeasons,
            FieldCode::SeasonGap,
            FieldCode::UnknownComponent,
            FieldCode::SelfReference,
            FieldCode::ForwardReference,
            FieldCode::MinimumAboveMaximum,
            FieldCode::MixedEffectiveBy,
            FieldCode::DuplicateVersion,
            FieldCode::InvalidJson,
            FieldCode::InvalidEncoding,
        ] {
            both_locales(field_rule_key(code));
        }
    }

    #[test]
    fn every_engine_refusal_is_translated() {
        let d = chrono::NaiveDate::default();
        let s = String::new;
        for e in [
            RateError::NoSchedules,
            RateError::InvalidPeriod { start: d, end: d },
            RateError::PeriodTooLong { days: 800 },
            RateError::PeriodOutsideCycle,
            RateError::InvalidInput {
                field: "consumption",
                reason: "negative",
            },
            RateError::NoRatesInEffect {
                schedule_id: s(),
                date: d,
            },
            RateError::ConflictingVersions {
                schedule_id: s(),
                reason: "",
            },
            RateError::UnknownClass {
                schedule_id: s(),
                class: s(),
            },
            RateError::MeterSizeRequired { component_id: s() },
            RateError::UnknownMeterSize {
                component_id: s(),
                meter_size: s(),
            },
            RateError::MissingAccountData {
                component_id: s(),
                field: "esus",
            },
            RateError::MissingWinterAverage { component_id: s() },
            RateError::InvalidSchedule {
                schedule_id: s(),
                component_id: s(),
                reason: "",
            },
            RateError::UnsupportedFormatVersion {
                schedule_id: s(),
                version: 2,
            },
            RateError::Overflow,
        ] {
            both_locales(field_rule_key(e.code()));
        }
    }

    #[test]
    fn quote_quantities_and_prices_read_as_on_a_bill() {
        let json = serde_json::json!({
            "service": "sewer", "segment": 0, "component_id": "fee",
            "label": { "en": "Franchise fee" }, "kind": "percentage",
            "quantity": "35.9700", "unit": "dollars", "price": "5",
            "months": 1, "days": 31, "of_days": 31, "amount": "1.80"
        });
        let line: QuoteLine = serde_json::from_value(json).expect("a line");
        assert_eq!(quantity(&line), "$35.97");
        assert_eq!(unit_price(&line), "5%");
        let json = serde_json::json!({
            "service": "water", "segment": 0, "component_id": "use",
            "label": { "en": "Water use" }, "kind": "volume",
            "quantity": "5.16129032258", "unit": "ccf", "price": "2.6",
            "months": 1, "days": 16, "of_days": 31, "amount": "13.42"
        });
        let line: QuoteLine = serde_json::from_value(json).expect("a line");
        assert_eq!(quantity(&line), "5.16");
        assert_eq!(unit_price(&line), "$2.60");
    }
}
