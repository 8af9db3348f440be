//! The benchmark harness. From the workspace root:
//!
//! ```text
//! cargo run --release -p arazzo-bench               # everything, printed as Markdown
//! cargo run --release -p arazzo-bench -- --write    # … and written to bench/RESULTS.md
//! cargo run --release -p arazzo-bench -- --quick    # fewer runs, no `cargo build`
//! ```
//!
//! The binary also serves as the mock process and as the 10,000-run child process (the
//! arguments `__mock-server`, `__concurrency` and `__expand-once`), and runs loops to profile
//! (`__profile <generated|baseline|untyped> <seconds> [concurrency]`,
//! `__profile-expand <case> <seconds>`); those are internal.

mod harness;

use std::fs;
use std::process::ExitCode;

use harness::build_cost::EXPAND_ONCE;
use harness::concurrency::CONCURRENCY;
use harness::mock_process::MOCK_SERVER;
use harness::profile::{PROFILE, PROFILE_EXPAND};
use harness::Options;

/// Everything after this line in `RESULTS.md` is kept when the harness rewrites it.
const KEEP_MARKER: &str =
    "<!-- Written by hand below; `--write` keeps everything after this line. -->";

const USAGE: &str = "usage: arazzo-bench [--quick] [--write]

  --quick   fewer runs and no `cargo build` (a smoke test of the harness)
  --write   also write the results to bench/RESULTS.md";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let internal = match args.first().map(String::as_str) {
        Some(MOCK_SERVER) => Some(harness::mock_process::serve()),
        Some(CONCURRENCY) => Some(harness::concurrency::child(&args[1..])),
        Some(PROFILE) => Some(harness::profile::main(&args[1..])),
        Some(PROFILE_EXPAND) => Some(harness::profile::expand_main(&args[1..])),
        Some(EXPAND_ONCE) => Some(harness::build_cost::expand_once_main(&args[1..])),
        _ => None,
    };
    if let Some(result) = internal {
        return match result {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        };
    }

    let mut options = Options::default();
    for arg in &args {
        match arg.as_str() {
            "--quick" => options.quick = true,
            "--write" => options.write = true,
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            other => {
                eprintln!("error: unknown argument `{other}`\n{USAGE}");
                return ExitCode::FAILURE;
            }
        }
    }
    if cfg!(debug_assertions) {
        eprintln!(
            "warning: this is a debug build; measure with `cargo run --release -p arazzo-bench`"
        );
    }

    let report = match harness::run(&options) {
        Ok(report) => report,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let markdown = report.markdown();
    println!("{markdown}");
    if options.write {
        let path = harness::workspace_root().join("bench/RESULTS.md");
        let kept = fs::read_to_string(&path)
            .ok()
            .and_then(|old| old.split_once(KEEP_MARKER).map(|(_, rest)| rest.to_owned()))
            .unwrap_or_else(|| "\n".to_owned());
        if let Err(e) = fs::write(&path, format!("{markdown}\n{KEEP_MARKER}{kept}")) {
            eprintln!("error: cannot write {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
        eprintln!("wrote {}", path.display());
    }
    ExitCode::SUCCESS
}
