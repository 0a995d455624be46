//! `LUMMO_LOG=debug` on stderr: how long each stage of a run takes (read, each function's
//! step, generate, decorate, write), for finding where time goes without a profiler.

/// Installs the stderr logger when `LUMMO_LOG` names a level (`error` ... `trace`).
pub fn init() {
    let Some(level) = std::env::var("LUMMO_LOG").ok().and_then(|l| l.parse::<tracing::Level>().ok()) else { return };
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_max_level(level)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_target(false)
        .with_timer(tracing_subscriber::fmt::time::Uptime::default())
        .try_init();
}
