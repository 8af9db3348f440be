//! A loop to profile: `arazzo-bench __profile <generated|baseline|untyped> <seconds> [concurrency]`
//! runs one implementation against the mock process for that long (for `perf record -p`)
//! and prints its runs/s and client CPU per run.

use std::io;
use std::time::{Duration, Instant};

use arazzo_bench::mock;
use tokio::task::JoinSet;

use super::mock_process::MockProcess;
use super::procfs;
use super::run_cost::{next_generation, Ctx, Impl};

/// The argument that starts the profiling loop.
pub const PROFILE: &str = "__profile";

/// The loop's `main`.
pub fn main(args: &[String]) -> io::Result<()> {
    let (which, seconds, concurrency) = match args {
        [which, seconds, rest @ ..] => (
            which.as_str(),
            seconds.parse::<u64>().map_err(io::Error::other)?,
            match rest.first() {
                Some(c) => c.parse::<usize>().map_err(io::Error::other)?,
                None => 1,
            },
        ),
        _ => {
            return Err(io::Error::other(
                "usage: __profile <generated|baseline|untyped> <seconds> [concurrency]",
            ))
        }
    };
    let which = Impl::from_arg(which)
        .ok_or_else(|| io::Error::other(format!("unknown implementation `{which}`")))?;
    let duration = Duration::from_secs(seconds.min(600));
    let mock = MockProcess::spawn()?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let http = arazzo_bench::http_client();
        let ctx = Ctx::new(&http, mock.base_url());
        let cpu = procfs::thread_cpu_ns().unwrap_or(0);
        let started = Instant::now();
        let mut workers = JoinSet::new();
        for worker in 0..concurrency {
            let ctx = ctx.clone();
            workers.spawn(async move {
                let mut latencies = Vec::new();
                let mut org = String::new();
                while started.elapsed() < duration {
                    if latencies.len() % 16 == 0 {
                        org = mock::org_code(worker, next_generation());
                    }
                    let inputs = Ctx::inputs(which, org.clone());
                    let run_started = Instant::now();
                    ctx.run(inputs).await?;
                    latencies.push(run_started.elapsed().as_nanos() as u64);
                }
                Ok::<_, String>(latencies)
            });
        }
        let mut latencies = Vec::new();
        while let Some(joined) = workers.join_next().await {
            latencies.extend(
                joined
                    .map_err(io::Error::other)?
                    .map_err(io::Error::other)?,
            );
        }
        let runs = latencies.len();
        latencies.sort_unstable();
        let at = |p: f64| {
            let index = ((p / 100.0) * runs as f64).ceil() as usize;
            latencies[index.clamp(1, runs) - 1] as f64 / 1e3
        };
        let elapsed = started.elapsed();
        let cpu = procfs::thread_cpu_ns().unwrap_or(0).saturating_sub(cpu);
        println!(
            "{}: {runs} runs in {elapsed:.2?}: {:.0} runs/s, client CPU {:.1} µs/run, \
             latency µs p50 {:.0} p90 {:.0} p99 {:.0} p99.9 {:.0} max {:.0}",
            which.label(),
            runs as f64 / elapsed.as_secs_f64(),
            cpu as f64 / 1e3 / runs as f64,
            at(50.0),
            at(90.0),
            at(99.0),
            at(99.9),
            at(100.0),
        );
        Ok(())
    })
}

/// The argument that starts the expansion loop.
pub const PROFILE_EXPAND: &str = "__profile-expand";

/// `__profile-expand <case> <seconds> [cold]`: expands document `case` (0: ours, 1: the seed
/// with the official spec, 2: the seed with its catalog spec) in a loop, for
/// `perf record`. With `cold`, each expansion runs in a fresh `__expand-once` process, so
/// nothing parsed earlier in the process is reused (`perf record` follows the children).
pub fn expand_main(args: &[String]) -> io::Result<()> {
    let (case, seconds, cold) = match args {
        [case, seconds] => (case, seconds, false),
        [case, seconds, cold] if cold == "cold" => (case, seconds, true),
        _ => {
            return Err(io::Error::other(
                "usage: __profile-expand <case> <seconds> [cold]",
            ))
        }
    };
    let index: usize = case.parse().map_err(io::Error::other)?;
    let seconds: u64 = seconds.parse().map_err(io::Error::other)?;
    let root = super::workspace_root();
    let (cases, _) = super::build_cost::cases(&root);
    let case = cases
        .get(index)
        .ok_or_else(|| io::Error::other(format!("no case {index}")))?;
    let mut settings = arazzo_codegen::Settings::default();
    for (name, path) in &case.sources {
        settings.with_source(*name, *path);
    }
    let generator = arazzo_codegen::Generator::new(&settings);
    let file = std::path::Path::new(case.file);
    let files: Vec<String> = generator
        .generate(&root, file)
        .files
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    let index = index.to_string();
    let mut child_args = vec![super::build_cost::EXPAND_ONCE, index.as_str()];
    child_args.extend(files.iter().map(String::as_str));
    let started = Instant::now();
    let mut iterations = 0u32;
    while started.elapsed() < Duration::from_secs(seconds.min(600)) {
        if cold {
            super::run_child(&child_args, Duration::from_secs(60))?;
        } else {
            let output = generator.generate(&root, file);
            std::hint::black_box(output.to_pretty_string());
        }
        iterations += 1;
    }
    println!(
        "{}: {iterations} expansions{}, {:.2?} each",
        case.name,
        if cold { " in fresh processes" } else { "" },
        started.elapsed() / iterations.max(1)
    );
    Ok(())
}
