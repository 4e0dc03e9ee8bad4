//! Structured logs: human-readable by default, JSON lines with `log_format = "json"`.
//! `RUST_LOG` sets the level (default `info`).

use tracing_subscriber::{fmt, EnvFilter};

pub fn init(format: &str) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = fmt().with_env_filter(filter).with_target(false);
    // A second init (tests) is harmless: the first subscriber stays.
    let _ = if format == "json" {
        builder.json().flatten_event(true).try_init()
    } else {
        builder.try_init()
    };
}
