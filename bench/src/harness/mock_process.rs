//! The Kinde mock in a process of its own: this same binary, started with
//! [`MOCK_SERVER`]. Keeping the mock out of the measured process keeps its allocations out
//! of the measured peak RSS and its CPU time out of the client's, and lets 10,000
//! connections fit the file-descriptor limit on each side.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};

use arazzo_bench::mock;

use super::procfs;

/// The argument that turns this binary into the mock server.
pub const MOCK_SERVER: &str = "__mock-server";

/// A running mock process; dropping it stops the process.
pub struct MockProcess {
    child: Child,
    stdin: Option<ChildStdin>,
    base_url: String,
}

impl MockProcess {
    /// Starts the mock and waits until it listens.
    pub fn spawn() -> io::Result<MockProcess> {
        let exe = std::env::current_exe()?;
        let mut child = Command::new(exe)
            .arg(MOCK_SERVER)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()?;
        let stdin = child.stdin.take();
        let mut line = String::new();
        if let Some(stdout) = child.stdout.take() {
            BufReader::new(stdout).read_line(&mut line)?;
        }
        let Some(base_url) = line.trim().strip_prefix("listening ").map(str::to_owned) else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(io::Error::other(format!(
                "the mock process did not start (it said {line:?})"
            )));
        };
        Ok(MockProcess {
            child,
            stdin,
            base_url,
        })
    }

    /// `http://127.0.0.1:<port>`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The CPU time the mock's runtime thread has used so far, in nanoseconds.
    pub fn cpu_ns(&self) -> u64 {
        procfs::main_thread_cpu_ns(self.child.id()).unwrap_or(0)
    }

    /// The mock process's peak RSS in KiB.
    pub fn peak_rss_kib(&self) -> Option<u64> {
        procfs::status_kib(Some(self.child.id()), "VmHWM")
    }
}

impl Drop for MockProcess {
    fn drop(&mut self) {
        // Closing stdin asks the mock to exit; killing it is the fallback.
        drop(self.stdin.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The mock process's `main`: serves the dispatched Kinde routes on one current-thread
/// runtime (on the main thread, so [`MockProcess::cpu_ns`] sees all of its work), prints
/// `listening <base url>`, and exits when its stdin closes.
pub fn serve() -> io::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let listener = mock::listen()?;
        let addr = listener.local_addr()?;
        let mut stdout = io::stdout().lock();
        writeln!(stdout, "listening http://{addr}")?;
        stdout.flush()?;
        drop(stdout);
        std::thread::spawn(|| {
            let mut sink = [0u8; 64];
            let mut stdin = io::stdin().lock();
            while matches!(stdin.read(&mut sink), Ok(n) if n > 0) {}
            std::process::exit(0);
        });
        mock::serve(listener, &mock::config()).await
    })
}
