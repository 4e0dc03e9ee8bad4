//! Throughput of `rates::quote`, one core, with the naive reference implementation from the
//! tests as a baseline in the same run. A plain binary (no harness) so it needs no extra crates:
//!
//!     CARGO_TARGET_DIR=/work/target-rates cargo bench -p cistern-shared --bench quote
//!
//! Each case bills 64 different accounts in turn; the figure is the median of 7 samples. Time
//! is the thread's CPU time where Linux reports it (/proc/thread-self/schedstat), so other
//! work on a busy machine does not count against the engine; wall-clock time otherwise.
//! Pass words to run only the cases whose names contain them: `-- split`.

use std::error::Error;
use std::hint::black_box;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use cistern_shared::dto::Locale;
use cistern_shared::rates::*;
use rust_decimal::Decimal;

// The reference bill the differential tests use, as the baseline.
#[path = "../src/rates/tests/naive_ref.rs"]
mod naive_ref;

const BENCH_CITY: &str = include_str!("../src/rates/examples/bench-city.json");
const RIVERTON: &str = include_str!("../src/rates/examples/riverton-2016.json");

fn date(y: i32, m: u32, d: u32) -> Result<NaiveDate, Box<dyn Error>> {
    NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| "bad date".into())
}

fn ccf(n: i64) -> Volume {
    Volume::new(Decimal::from(n), VolumeUnit::Ccf)
}

/// 64 accounts: use from 0 to 63 CCF, winter averages from 3 to 10 CCF.
fn accounts(template: &QuoteInput) -> Vec<QuoteInput> {
    (0..64)
        .map(|n| {
            let mut i = template.clone();
            i.consumption = ccf(n);
            i.winter_average = Some(ccf(3 + n % 8));
            i
        })
        .collect()
}

/// Median nanoseconds per call of `f` over the accounts.
fn measure(
    mut f: impl FnMut(&QuoteInput) -> bool,
    inputs: &[QuoteInput],
) -> Result<u128, Box<dyn Error>> {
    let mut run = |n: usize| -> Result<Duration, Box<dyn Error>> {
        let start = Instant::now();
        for k in 0..n {
            let input = inputs.get(k % inputs.len()).ok_or("no inputs")?;
            if !f(black_box(input)) {
                return Err("a bill failed".into());
            }
        }
        Ok(start.elapsed())
    };
    // Warm up and size a sample to about 0.3 s.
    let mut n = 1_000;
    loop {
        let t = run(n)?;
        if t >= Duration::from_millis(100) {
            // Integer arithmetic only, like the engine.
            n = usize::try_from(n as u128 * 300_000_000 / t.as_nanos().max(1))?;
            break;
        }
        n *= 4;
    }
    let mut samples = Vec::new();
    for _ in 0..7 {
        samples.push(run(n)?.as_nanos() / n.max(1) as u128);
    }
    samples.sort_unstable();
    samples.get(3).copied().ok_or_else(|| "no samples".into())
}

/// Runs and prints a case when its name matches the command line's words (all, if none).
fn case(
    name: &str,
    f: impl FnMut(&QuoteInput) -> bool,
    inputs: &[QuoteInput],
) -> Result<(), Box<dyn Error>> {
    let words: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    if !words.is_empty() && !words.iter().any(|w| name.contains(w.as_str())) {
        return Ok(());
    }
    let ns = measure(f, inputs)?;
    println!(
        "{name:<66} {ns:>8} ns/bill {:>9} bills/s",
        1_000_000_000 / ns.max(1)
    );
    Ok(())
}

fn main() -> Result<(), Box<dyn Error>> {
    let bench = RateSchedule::from_json(BENCH_CITY)?;
    let mut bench_2017 = bench.clone();
    bench_2017.effective_date = date(2017, 1, 1)?;
    for rates in &mut bench_2017.services {
        for c in &mut rates.components {
            if let Charge::Volume(v) = &mut c.charge {
                for t in &mut v.tiers {
                    t.price += Decimal::new(7, 2);
                }
            }
        }
    }
    let riverton = RateSchedule::from_json(RIVERTON)?;
    for s in [&bench, &bench_2017, &riverton] {
        if !validate(s).is_empty() {
            return Err(format!("schedule {} does not validate", s.id).into());
        }
    }

    let monthly = QuoteInput::new(
        Period::new(date(2016, 3, 1)?, date(2016, 3, 31)?),
        date(2016, 4, 5)?,
        "single_family",
        ccf(0),
    );
    let mut bimonthly_split = QuoteInput::new(
        Period::new(date(2016, 11, 16)?, date(2017, 1, 15)?),
        date(2017, 1, 20)?,
        "single_family",
        ccf(0),
    );
    bimonthly_split.billing_frequency = BillingFrequency::Bimonthly;

    // The baseline must bill what the engine bills before its speed means anything.
    let one = [bench.clone()];
    let two = [bench.clone(), bench_2017.clone()];
    for (schedules, template) in [(&one[..], &monthly), (&two[..], &bimonthly_split)] {
        for i in accounts(template) {
            let engine = quote(schedules, &i)?.total.as_decimal();
            let naive = naive_ref::naive_bill(schedules, &i)
                .ok_or("naive bill failed")?
                .0;
            let tolerance = if schedules.len() > 1 {
                Decimal::new(10, 2)
            } else {
                Decimal::ZERO
            };
            if (engine - naive).abs() > tolerance {
                return Err(format!("engine {engine} and naive {naive} disagree").into());
            }
        }
    }

    println!("rates::quote, one core: CPU time per bill, median of 7 samples, 64 accounts in turn");
    let inputs = accounts(&monthly);
    case(
        "bench city, monthly: engine",
        |i| quote(&one, i).is_ok(),
        &inputs,
    )?;
    case(
        "bench city, monthly: naive reference (baseline)",
        |i| naive_ref::naive_bill(&one, i).is_some(),
        &inputs,
    )?;
    let inputs = accounts(&bimonthly_split);
    case(
        "bench city, bimonthly across a rate change: engine",
        |i| quote(&two, i).is_ok(),
        &inputs,
    )?;
    case(
        "bench city, bimonthly across a rate change: naive (baseline)",
        |i| naive_ref::naive_bill(&two, i).is_some(),
        &inputs,
    )?;

    let riverton = [riverton];
    let mut sfr = monthly.clone();
    sfr.meter_size = Some("5/8x3/4".into());
    sfr.esus = Some(Decimal::ONE);
    case(
        "riverton (4 services, 16 components), single-family: engine",
        |i| quote(&riverton, i).is_ok(),
        &accounts(&sfr),
    )?;
    let mut mf = bimonthly_split.clone();
    mf.class = "multi_family".into();
    mf.meter_size = Some("1".into());
    mf.dwelling_units = 4;
    mf.city_limits = CityLimits::Outside;
    mf.esus = Some(Decimal::new(25, 1));
    mf.service_period = Period::new(date(2016, 3, 16)?, date(2016, 5, 15)?);
    mf.cycle_period = Some(Period::new(date(2016, 3, 10)?, date(2016, 5, 15)?));
    case(
        "riverton, multi-family outside city, bimonthly, prorated: engine",
        |i| quote(&riverton, i).is_ok(),
        &accounts(&mf),
    )?;
    let mut irrigation = mf.clone();
    irrigation.class = "irrigation".into();
    case(
        "riverton, irrigation across a season change: engine",
        |i| quote(&riverton, i).is_ok(),
        &accounts(&irrigation),
    )?;
    case(
        "riverton, single-family: engine + English explanation",
        |i| {
            quote(&riverton, i)
                .map(|q| !black_box(q.explain(Locale::En)).is_empty())
                .unwrap_or(false)
        },
        &accounts(&sfr),
    )?;
    Ok(())
}
