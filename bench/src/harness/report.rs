//! The results as Markdown.

use std::fmt::Write as _;
use std::time::Duration;

use super::build_cost::{CargoBuild, Expansion};
use super::concurrency::Concurrency;
use super::procfs::Machine;
use super::run_cost::{Impl, Measured, Mode};

/// The command the report documents.
pub const COMMAND: &str = "cargo run --release -p arazzo-bench";

/// The target ratio of generated to hand-written time per run.
pub const RUN_RATIO_TARGET: f64 = 1.05;
/// The target peak RSS of 10,000 concurrent runs, in MiB.
pub const RSS_TARGET_MIB: f64 = 64.0;
/// The target ratio of expansion to parsing.
pub const EXPAND_RATIO_TARGET: f64 = 2.0;

/// Everything measured.
pub struct Report {
    pub machine: Machine,
    pub load_at_end: String,
    pub date: String,
    pub total: Duration,
    pub quick: bool,
    pub modes: Vec<Mode>,
    pub concurrency: Vec<Concurrency>,
    pub mock_peak_rss_kib: Option<u64>,
    pub expansions: Vec<Expansion>,
    pub cargo: Option<Result<CargoBuild, String>>,
    pub notes: Vec<String>,
}

fn us(value: f64) -> String {
    if value >= 10_000.0 {
        format!("{:.1} ms", value / 1e3)
    } else {
        format!("{value:.0} µs")
    }
}

fn ms(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1e3;
    if ms >= 10_000.0 {
        format!("{:.1} s", ms / 1e3)
    } else if ms >= 100.0 {
        format!("{ms:.0} ms")
    } else {
        format!("{ms:.2} ms")
    }
}

fn mib(kib: u64) -> String {
    format!("{:.1} MiB", kib as f64 / 1024.0)
}

fn in_flight(c: &Concurrency) -> String {
    match c.max_in_flight {
        Some(n) => format!("≤ {n} requests (client default)"),
        None => "all (no limit)".to_owned(),
    }
}

fn yes(met: bool) -> &'static str {
    if met {
        "yes"
    } else {
        "**no**"
    }
}

fn ratio_row(
    out: &mut String,
    concurrency: usize,
    label: &str,
    x: &Measured,
    b: &Measured,
    bold: bool,
) {
    let time = if bold {
        format!("**{:.3}**", x.us_per_run() / b.us_per_run())
    } else {
        format!("{:.3}", x.us_per_run() / b.us_per_run())
    };
    let _ = writeln!(
        out,
        "| {concurrency} | {label} | | {:.3} | {time} | {:.3} | {:.3} | {:.3} | {:.3} |",
        b.runs_per_sec() / x.runs_per_sec(),
        x.percentile_us(50.0) / b.percentile_us(50.0),
        x.percentile_us(99.0) / b.percentile_us(99.0),
        x.client_cpu_us_per_run() / b.client_cpu_us_per_run(),
        x.mock_cpu_us_per_run() / b.mock_cpu_us_per_run(),
    );
}

fn row(out: &mut String, concurrency: usize, label: &str, m: &Measured) {
    let _ = writeln!(
        out,
        "| {concurrency} | {label} | {} | {:.0} | {} | {} | {} | {} | {} |",
        m.runs,
        m.runs_per_sec(),
        us(m.us_per_run()),
        us(m.percentile_us(50.0)),
        us(m.percentile_us(99.0)),
        us(m.client_cpu_us_per_run()),
        us(m.mock_cpu_us_per_run()),
    );
}

impl Mode {
    /// Generated over hand-written wall time per run (the inverse throughput ratio).
    pub fn ratio(&self) -> f64 {
        self.generated.us_per_run() / self.baseline.us_per_run()
    }
}

impl Report {
    pub fn markdown(&self) -> String {
        let mut out = String::new();
        let m = &self.machine;
        let _ = writeln!(out, "# Benchmark results\n");
        let _ = writeln!(out, "Measured with, from the workspace root:\n");
        let _ = writeln!(out, "```sh\n{COMMAND}\n```\n");
        let _ = writeln!(
            out,
            "It prints this report; `-- --write` also rewrites this file, keeping the hand-written \
             part after the marker at the end. The harness takes about 3 minutes on 2 cores, most of \
             it the cold `cargo build`; the first `cargo run --release` also compiles the workspace \
             in release mode. `-- --quick` is a 30-second smoke test (fewer runs, no `cargo build`).\n"
        );
        let _ = writeln!(out, "| machine | |\n|---|---|");
        let _ = writeln!(out, "| `nproc` | {} |", m.nproc);
        let _ = writeln!(out, "| CPU (`/proc/cpuinfo`) | {} |", m.cpu);
        let _ = writeln!(out, "| compiler | {} |", m.rustc);
        let _ = writeln!(
            out,
            "| load average at start / end | {} / {} |",
            m.load, self.load_at_end
        );
        let _ = writeln!(out, "| date (UTC) | {} |", self.date);
        let _ = writeln!(out, "| harness wall time | {} |", ms(self.total));
        if self.quick {
            let _ = writeln!(out, "| mode | `--quick` (fewer runs, no `cargo build`) |");
        }
        out.push('\n');

        let _ = writeln!(
            out,
            "## 1. Run cost\n\nThe Kinde invite workflow (3 steps, 2 polls: 5 requests per run, `retryAfter: 0`) \
             through the generated function and through the hand-written reqwest baseline, sharing one \
             `reqwest::Client`, against the Kinde mock in a separate process (one current-thread runtime \
             each side). \"Time / run\" is wall time divided by runs (the inverse of runs/s); CPU is the \
             client's and the mock's runtime thread time per run.\n"
        );
        let _ = writeln!(
            out,
            "| concurrency | implementation | runs | runs/s | time / run | median | p99 | client CPU / run | mock CPU / run |"
        );
        let _ = writeln!(out, "|---|---|---|---|---|---|---|---|---|");
        for mode in &self.modes {
            let (g, b, u) = (&mode.generated, &mode.baseline, &mode.untyped);
            row(&mut out, mode.concurrency, Impl::Generated.label(), g);
            row(&mut out, mode.concurrency, Impl::Baseline.label(), b);
            row(&mut out, mode.concurrency, Impl::Untyped.label(), u);
            ratio_row(
                &mut out,
                mode.concurrency,
                "**generated / hand-written**",
                g,
                b,
                true,
            );
            ratio_row(
                &mut out,
                mode.concurrency,
                "`Value` bodies / hand-written",
                u,
                b,
                false,
            );
        }
        let _ = writeln!(
            out,
            "\nIn the ratio rows the runs/s column is inverted (baseline runs/s over the other's), so \
             that every ratio reads \"costs this many times the hand-written baseline\". The \
             `Value` bodies row is the baseline decoding every body into `serde_json::Value` and \
             reading it by JSON pointer, as the generated code does: it tells how much of the \
             difference is body decoding.\n"
        );

        let _ = writeln!(
            out,
            "## 2. Concurrency and memory\n\n10,000 runs spawned at once (`tokio::spawn` each) on one \
             current-thread tokio runtime, each implementation in a fresh process of its own; the mock \
             runs in another process, so its memory is not counted. Peak RSS is `VmHWM` of \
             `/proc/self/status`, reset (`/proc/self/clear_refs`) just before the runs start; it includes \
             the binary and the runtime (\"RSS before\"). Every request in flight holds its own HTTP/1.1 \
             connection. The generated code's client bounds that by default \
             (`ClientBuilder::max_in_flight_requests`, 256 unless set): the 10,000 tasks are still \
             spawned at once, but at most 256 requests are on the wire. The \"all (no limit)\" rows \
             are the generated code with `max_in_flight_requests(usize::MAX)` and the hand-written \
             baseline, which has no limit either.\n"
        );
        let _ = writeln!(
            out,
            "| implementation | in flight | completed | failed | total time | runs/s | peak RSS | RSS before | peak − before | future size |"
        );
        let _ = writeln!(out, "|---|---|---|---|---|---|---|---|---|---|");
        for c in &self.concurrency {
            let _ = writeln!(
                out,
                "| {} | {} | {} / {} | {} | {} | {:.0} | {} | {} | {} | {} bytes |",
                c.which.label(),
                in_flight(c),
                c.completed,
                c.runs,
                c.failed,
                ms(c.total),
                c.completed as f64 / c.total.as_secs_f64(),
                mib(c.peak_rss_kib),
                mib(c.rss_before_kib),
                mib(c.peak_rss_kib.saturating_sub(c.rss_before_kib)),
                c.future_bytes,
            );
        }
        if let Some(kib) = self.mock_peak_rss_kib {
            let _ = writeln!(
                out,
                "\nThe mock process (all phases, 10,000 connections at its peak) reached {}.",
                mib(kib)
            );
        }
        for c in &self.concurrency {
            if let Some(error) = &c.first_error {
                let _ = writeln!(out, "\nFirst error of {}: `{error}`", c.which.label());
            }
        }
        out.push('\n');

        let _ = writeln!(
            out,
            "## 3. Build cost\n\nExpansion is `Generator::generate` (load, check, generate) then \
             `Output::to_pretty_string`, base directory the workspace root, timed as the first \
             expansion in a fresh process (as in a fresh rustc: nothing parsed before can be reused). \
             Parsing is reading the same files and `serde_yaml::from_str::<serde_json::Value>` on each, \
             in the same process just before (after one untimed parse, so that the allocator has \
             grown as parsing needs). \"Generate / parse\" leaves out pretty-printing, which the macro \
             does not do (it returns the tokens); \"again\" is a second expansion in the same process \
             (a second macro call in the same crate), which reuses the parsed description. Medians \
             over the processes.\n"
        );
        let _ = writeln!(
            out,
            "| document | files read | generate | pretty-print | expand (total) | parse only | expand / parse | generate / parse | again | generated lines |"
        );
        let _ = writeln!(out, "|---|---|---|---|---|---|---|---|---|---|");
        for e in &self.expansions {
            let _ = writeln!(
                out,
                "| {} ({} processes) | {} ({:.0} KiB) | {} | {} | {} | {} | **{:.2}** | {:.2} | {} | {} |",
                e.name,
                e.iterations,
                e.files
                    .iter()
                    .map(|f| format!("`{f}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
                e.bytes as f64 / 1024.0,
                ms(e.generate),
                ms(e.pretty),
                ms(e.expand),
                ms(e.parse),
                e.ratio(),
                e.generate.as_secs_f64() / e.parse.as_secs_f64(),
                ms(e.expand_again),
                e.generated_lines,
            );
        }
        for e in &self.expansions {
            for error in &e.errors {
                let _ = writeln!(out, "\nError expanding {}: `{error}`", e.name);
            }
        }
        out.push('\n');
        let _ = writeln!(
            out,
            "`cargo build` (dev profile, `--offline`, its own target directory) of a small crate in a \
             temporary directory that uses the macro on `examples/arazzo/kinde-invite.arazzo.yml`:\n"
        );
        let _ = writeln!(out, "| cargo build | wall time |\n|---|---|");
        match &self.cargo {
            Some(Ok(build)) => {
                let _ = writeln!(out, "| cold, incl. every dependency | {} |", ms(build.cold));
                let _ = writeln!(
                    out,
                    "| after touching the workflow YAML | {} |",
                    ms(build.touched)
                );
            }
            Some(Err(error)) => {
                let _ = writeln!(out, "| failed | `{}` |", error.replace('\n', " "));
            }
            None => {
                let _ = writeln!(out, "| skipped (`--quick`) | |");
            }
        }
        out.push('\n');

        let _ = writeln!(
            out,
            "## Targets\n\n| target | measured | met |\n|---|---|---|"
        );
        for mode in &self.modes {
            let _ = writeln!(
                out,
                "| generated / hand-written time per run ≤ {RUN_RATIO_TARGET}, concurrency {} | {:.3} | {} |",
                mode.concurrency,
                mode.ratio(),
                yes(mode.ratio() <= RUN_RATIO_TARGET)
            );
        }
        for c in &self.concurrency {
            let peak = c.peak_rss_kib as f64 / 1024.0;
            let _ = writeln!(
                out,
                "| peak RSS of 10,000 concurrent runs ≤ {RSS_TARGET_MIB} MiB, {}, {} in flight | {peak:.1} MiB ({} completed) | {} |",
                c.which.label(),
                in_flight(c),
                c.completed,
                yes(peak <= RSS_TARGET_MIB && c.completed == c.runs)
            );
        }
        for e in &self.expansions {
            let _ = writeln!(
                out,
                "| expand / parse ≤ {EXPAND_RATIO_TARGET}, {} | {:.2} | {} |",
                e.name,
                e.ratio(),
                yes(e.ratio() <= EXPAND_RATIO_TARGET)
            );
        }
        for note in &self.notes {
            let _ = writeln!(out, "\n{note}");
        }
        out
    }
}
