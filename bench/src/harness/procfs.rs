//! What the harness reads from `/proc`: memory high-water marks, CPU time, the machine.

use std::fs;
use std::process::Command;

/// A `Vm*` field of `/proc/<pid>/status` in KiB, such as `VmHWM` (peak RSS) or `VmRSS`.
pub fn status_kib(pid: Option<u32>, field: &str) -> Option<u64> {
    let path = match pid {
        Some(pid) => format!("/proc/{pid}/status"),
        None => "/proc/self/status".to_owned(),
    };
    let status = fs::read_to_string(path).ok()?;
    status.lines().find_map(|line| {
        let rest = line.strip_prefix(field)?.strip_prefix(':')?;
        rest.trim().strip_suffix("kB")?.trim().parse().ok()
    })
}

/// Resets this process's peak RSS (`VmHWM`) to its current RSS; `false` if the kernel
/// does not allow it.
pub fn reset_peak_rss() -> bool {
    fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// The CPU time the calling thread has run, in nanoseconds (`/proc/thread-self/schedstat`).
pub fn thread_cpu_ns() -> Option<u64> {
    schedstat("/proc/thread-self/schedstat")
}

/// The CPU time the main thread of process `pid` has run, in nanoseconds.
pub fn main_thread_cpu_ns(pid: u32) -> Option<u64> {
    schedstat(&format!("/proc/{pid}/schedstat"))
}

fn schedstat(path: &str) -> Option<u64> {
    fs::read_to_string(path)
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// The machine, as the report shows it.
#[derive(Debug, Clone)]
pub struct Machine {
    /// `nproc`.
    pub nproc: String,
    /// The first `model name` of `/proc/cpuinfo`.
    pub cpu: String,
    /// `/proc/loadavg` (its first three fields) when the harness started.
    pub load: String,
    /// `rustc -V`.
    pub rustc: String,
}

impl Machine {
    pub fn detect() -> Machine {
        let nproc = command_line("nproc", &[]).unwrap_or_else(|| {
            std::thread::available_parallelism()
                .map(|n| n.to_string())
                .unwrap_or_else(|_| "?".to_owned())
        });
        let cpu = fs::read_to_string("/proc/cpuinfo")
            .ok()
            .and_then(|info| {
                info.lines()
                    .find_map(|l| l.strip_prefix("model name"))
                    .and_then(|l| l.split_once(':'))
                    .map(|(_, model)| model.trim().to_owned())
            })
            .unwrap_or_else(|| "?".to_owned());
        let load = load_now();
        let rustc = command_line("rustc", &["-V"]).unwrap_or_else(|| "?".to_owned());
        Machine {
            nproc,
            cpu,
            load,
            rustc,
        }
    }
}

/// The first line a command prints, if it runs.
fn command_line(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program).args(args).output().ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    Some(text.lines().next()?.trim().to_owned())
}

/// `/proc/loadavg`'s first three fields now.
pub fn load_now() -> String {
    fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".to_owned())
}
