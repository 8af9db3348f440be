//! Concurrency and memory: 10,000 workflow runs started at once on one tokio runtime.
//!
//! Each implementation runs in a fresh process of its own (this binary, started with
//! [`CONCURRENCY`]), so that its peak RSS is its own: not the mock's (another process), not
//! the other implementation's, and not what earlier phases left in the allocator.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::time::{Duration, Instant};

use arazzo_bench::{baseline, generated, mock};
use tokio::task::JoinSet;

use super::procfs;
use super::run_cost::{Ctx, Impl};

/// The argument that turns this binary into one concurrency measurement.
pub const CONCURRENCY: &str = "__concurrency";

/// How long one measurement may take before it is stopped.
const TIME_LIMIT: Duration = Duration::from_secs(180);

/// What one measurement found.
#[derive(Debug, Clone)]
pub struct Concurrency {
    pub which: Impl,
    /// The generated workflow's client limits requests in flight to this many
    /// (`ClientBuilder::max_in_flight_requests`); `None`: no limit (the hand-written
    /// baseline has none).
    pub max_in_flight: Option<usize>,
    pub runs: usize,
    pub completed: usize,
    pub failed: usize,
    pub first_error: Option<String>,
    pub total: Duration,
    pub rss_before_kib: u64,
    pub peak_rss_kib: u64,
    /// Whether the peak was reset before the runs (else it covers the process's start).
    pub peak_reset: bool,
    pub future_bytes: usize,
}

/// Runs the measurement in a child process and reads its report.
pub fn measure(
    which: Impl,
    max_in_flight: Option<usize>,
    base_url: &str,
    runs: usize,
    generation: u64,
) -> io::Result<Concurrency> {
    let runs_arg = runs.to_string();
    let generation_arg = generation.to_string();
    let limit_arg = max_in_flight.unwrap_or(0).to_string();
    let text = super::run_child(
        &[
            CONCURRENCY,
            which.arg(),
            base_url,
            &runs_arg,
            &generation_arg,
            &limit_arg,
        ],
        TIME_LIMIT,
    )?;
    let line = text
        .lines()
        .find_map(|l| l.strip_prefix("result "))
        .ok_or_else(|| io::Error::other(format!("no result from the child: {text:?}")))?;
    let (fields, error) = match line.split_once(" error=") {
        Some((fields, error)) => (fields, Some(error.to_owned())),
        None => (line, None),
    };
    let fields: BTreeMap<&str, &str> = fields
        .split_whitespace()
        .filter_map(|f| f.split_once('='))
        .collect();
    let number = |key: &str| -> u64 { fields.get(key).and_then(|v| v.parse().ok()).unwrap_or(0) };
    Ok(Concurrency {
        which,
        max_in_flight,
        runs,
        completed: number("completed") as usize,
        failed: number("failed") as usize,
        first_error: error,
        total: Duration::from_nanos(number("total_ns")),
        rss_before_kib: number("rss_before_kib"),
        peak_rss_kib: number("peak_rss_kib"),
        peak_reset: fields.get("peak_reset") == Some(&"true"),
        future_bytes: number("future_bytes") as usize,
    })
}

/// The child's `main`:
/// `__concurrency <generated|baseline|untyped> <base url> <runs> <generation> <max in flight, 0: all>`.
pub fn child(args: &[String]) -> io::Result<()> {
    let [which, base_url, runs, generation, max_in_flight] = args else {
        return Err(io::Error::other(
            "usage: __concurrency <which> <base url> <runs> <generation> <max in flight>",
        ));
    };
    let runs: usize = runs.parse().map_err(io::Error::other)?;
    let generation: u64 = generation.parse().map_err(io::Error::other)?;
    let max_in_flight: usize = max_in_flight.parse().map_err(io::Error::other)?;
    let which = Impl::from_arg(which)
        .ok_or_else(|| io::Error::other(format!("unknown implementation `{which}`")))?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let line = runtime.block_on(run(which, base_url, runs, generation, max_in_flight));
    let mut stdout = io::stdout().lock();
    writeln!(stdout, "result {line}")?;
    stdout.flush()
}

async fn run(
    which: Impl,
    base_url: &str,
    runs: usize,
    generation: u64,
    max_in_flight: usize,
) -> String {
    let http = arazzo_bench::http_client();
    let mut ctx = Ctx::new(&http, base_url);
    ctx.arazzo = arazzo_bench::arazzo_client_with_limit(
        &http,
        base_url,
        if max_in_flight == 0 {
            usize::MAX
        } else {
            max_in_flight
        },
    );
    let (client, kinde) = (&ctx.arazzo, &ctx.kinde);

    // The size of the future one run is (never polled).
    let org = mock::org_code(0, generation);
    let future_bytes = match which {
        Impl::Generated => std::mem::size_of_val(&generated::invite_user_to_organization(
            client,
            arazzo_bench::generated_inputs(org),
        )),
        Impl::Baseline => std::mem::size_of_val(&baseline::invite_user_to_organization(
            kinde,
            arazzo_bench::baseline_inputs(org),
        )),
        Impl::Untyped => std::mem::size_of_val(&baseline::invite_user_to_organization_untyped(
            kinde,
            arazzo_bench::baseline_inputs(org),
        )),
    };

    let rss_before_kib = procfs::status_kib(None, "VmRSS").unwrap_or(0);
    let peak_reset = procfs::reset_peak_rss();
    let started = Instant::now();
    let mut tasks = JoinSet::new();
    for i in 0..runs {
        let org = mock::org_code(i % mock::SLOTS, generation);
        let inputs = Ctx::inputs(which, org);
        let ctx = ctx.clone();
        tasks.spawn(async move { ctx.run(inputs).await });
    }
    let (mut completed, mut failed, mut first_error) = (0usize, 0usize, None);
    while let Some(joined) = tasks.join_next().await {
        match joined.map_err(|e| e.to_string()).and_then(|r| r) {
            Ok(()) => completed += 1,
            Err(e) => {
                failed += 1;
                first_error.get_or_insert(e);
            }
        }
    }
    let total_ns = started.elapsed().as_nanos();
    let peak_rss_kib = procfs::status_kib(None, "VmHWM").unwrap_or(0);
    let mut line = format!(
        "completed={completed} failed={failed} total_ns={total_ns} rss_before_kib={rss_before_kib} \
         peak_rss_kib={peak_rss_kib} peak_reset={peak_reset} future_bytes={future_bytes}"
    );
    if let Some(error) = first_error {
        line.push_str(" error=");
        line.push_str(&error.replace('\n', " "));
    }
    line
}
