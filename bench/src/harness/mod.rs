//! The benchmark phases and their orchestration.

pub mod build_cost;
pub mod concurrency;
pub mod mock_process;
pub mod procfs;
pub mod profile;
pub mod report;
pub mod run_cost;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use self::mock_process::MockProcess;
use self::report::Report;
use self::run_cost::{next_generation, Ctx, Impl};

/// How long the run-cost phase may take before it is stopped.
const RUN_COST_TIME_LIMIT: Duration = Duration::from_secs(240);

/// The harness's command-line options.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Fewer runs and no `cargo build`: a smoke test of the harness in about 15 s.
    pub quick: bool,
    /// Write the report to `bench/RESULTS.md`.
    pub write: bool,
}

/// How many runs each phase makes.
struct Sizes {
    rounds: usize,
    sequential_runs: usize,
    concurrent_runs: usize,
    concurrency: usize,
    many: usize,
    max_in_flight: usize,
}

impl Sizes {
    fn new(quick: bool) -> Sizes {
        if quick {
            Sizes {
                rounds: 2,
                sequential_runs: 200,
                concurrent_runs: 640,
                concurrency: 64,
                many: 10_000,
                max_in_flight: arazzo::DEFAULT_MAX_IN_FLIGHT_REQUESTS,
            }
        } else {
            Sizes {
                rounds: 6,
                sequential_runs: 1_000,
                concurrent_runs: 64 * 50,
                concurrency: 64,
                many: 10_000,
                max_in_flight: arazzo::DEFAULT_MAX_IN_FLIGHT_REQUESTS,
            }
        }
    }
}

/// The workspace root (the parent of this crate's manifest directory).
pub fn workspace_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().unwrap_or(manifest_dir).to_path_buf()
}

/// Runs every phase.
pub fn run(options: &Options) -> Result<Report, String> {
    let started = Instant::now();
    let machine = procfs::Machine::detect();
    let root = workspace_root();
    let sizes = Sizes::new(options.quick);
    let mut notes = Vec::new();

    let mock = MockProcess::spawn().map_err(|e| format!("cannot start the mock: {e}"))?;
    eprintln!("mock listening on {} (a separate process)", mock.base_url());

    eprintln!(
        "1/3 run cost: {} rounds of {} sequential and {} runs {} at a time, per implementation",
        sizes.rounds, sizes.sequential_runs, sizes.concurrent_runs, sizes.concurrency
    );
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let modes = runtime.block_on(async {
        let phase = async {
            let http = arazzo_bench::http_client();
            let ctx = Ctx::new(&http, mock.base_url());
            let sequential =
                run_cost::measure(&ctx, &mock, 1, sizes.sequential_runs, sizes.rounds).await?;
            eprintln!(
                "    sequential: generated/hand-written = {:.3}",
                sequential.ratio()
            );
            let concurrent = run_cost::measure(
                &ctx,
                &mock,
                sizes.concurrency,
                sizes.concurrent_runs,
                sizes.rounds,
            )
            .await?;
            eprintln!(
                "    {} at a time: generated/hand-written = {:.3}",
                sizes.concurrency,
                concurrent.ratio()
            );
            Ok::<_, String>(vec![sequential, concurrent])
        };
        match tokio::time::timeout(RUN_COST_TIME_LIMIT, phase).await {
            Ok(result) => result,
            Err(_) => Err(format!(
                "the run-cost phase did not finish within {RUN_COST_TIME_LIMIT:?}"
            )),
        }
    })?;
    drop(runtime);

    eprintln!("2/3 concurrency and memory: {} runs at once", sizes.many);
    let mut concurrency = Vec::new();
    let variants = [
        (Impl::Generated, Some(sizes.max_in_flight)),
        (Impl::Generated, None),
        (Impl::Baseline, None),
    ];
    for (which, max_in_flight) in variants {
        let measured = concurrency::measure(
            which,
            max_in_flight,
            mock.base_url(),
            sizes.many,
            next_generation(),
        )
        .map_err(|e| format!("concurrency ({}): {e}", which.label()))?;
        let in_flight = max_in_flight.map_or("all".to_owned(), |n| format!("at most {n}"));
        eprintln!(
            "    {} ({in_flight} in flight): {}/{} in {:.2?}, peak RSS {} KiB",
            which.label(),
            measured.completed,
            measured.runs,
            measured.total,
            measured.peak_rss_kib
        );
        if !measured.peak_reset {
            notes.push(format!(
                "note: /proc/self/clear_refs was not writable; the peak RSS of {} covers the whole child process",
                which.label()
            ));
        }
        concurrency.push(measured);
    }
    let mock_peak_rss_kib = mock.peak_rss_kib();
    drop(mock);

    eprintln!("3/3 build cost");
    let (cases, skipped) = build_cost::cases(&root);
    for note in &skipped {
        eprintln!("    {note}");
    }
    notes.extend(skipped);
    let mut expansions = Vec::new();
    for (index, case) in cases.iter().enumerate() {
        let expansion = build_cost::expand(&root, index, case)
            .map_err(|e| format!("expanding {}: {e}", case.name))?;
        eprintln!(
            "    {}: expand {:.2?}, parse {:.2?}, ratio {:.2}",
            case.name,
            expansion.expand,
            expansion.parse,
            expansion.ratio()
        );
        expansions.push(expansion);
    }
    let cargo = if options.quick {
        None
    } else {
        eprintln!("    cargo build of a small crate using the macro (cold: a few minutes)");
        let build = build_cost::cargo_build(&root).map_err(|e| e.to_string());
        if let Ok(build) = &build {
            eprintln!(
                "    cold {:.1?}, after touching the YAML {:.2?}",
                build.cold, build.touched
            );
        }
        Some(build)
    };

    Ok(Report {
        machine,
        load_at_end: procfs::load_now(),
        date: date(),
        total: started.elapsed(),
        quick: options.quick,
        modes,
        concurrency,
        mock_peak_rss_kib,
        expansions,
        cargo,
        notes,
    })
}

/// Runs this binary with `args` and returns what it printed, stopping it after `limit`.
pub fn run_child(args: &[&str], limit: Duration) -> std::io::Result<String> {
    use std::io::Read;
    use std::process::Stdio;

    let exe = std::env::current_exe()?;
    let mut child = Command::new(exe)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()?;
    let mut stdout = child.stdout.take();
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        if let Some(stdout) = stdout.as_mut() {
            let _ = stdout.read_to_string(&mut text);
        }
        text
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return Err(std::io::Error::other(format!(
                "`{}` did not finish within {limit:?}",
                args.join(" ")
            )));
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    let text = reader.join().unwrap_or_default();
    if !status.success() {
        return Err(std::io::Error::other(format!(
            "`{}` failed ({status})",
            args.join(" ")
        )));
    }
    Ok(text)
}

/// The `key=value` fields of the line that starts with `prefix` in `text`.
pub fn fields<'t>(
    text: &'t str,
    prefix: &str,
) -> Option<std::collections::BTreeMap<&'t str, &'t str>> {
    let line = text.lines().find_map(|l| l.strip_prefix(prefix))?;
    Some(
        line.split_whitespace()
            .filter_map(|f| f.split_once('='))
            .collect(),
    )
}

/// `date -u` as `YYYY-MM-DD HH:MM`, if the command exists.
fn date() -> String {
    Command::new("date")
        .args(["-u", "+%Y-%m-%d %H:%M"])
        .output()
        .ok()
        .and_then(|out| String::from_utf8(out.stdout).ok())
        .map(|s| s.trim().to_owned())
        .unwrap_or_else(|| "?".to_owned())
}
