//! A real Restate server for tests and benchmarks of durable runs: `restate-server` (npm
//! `@restatedev/restate-server`, 1.7) on `127.0.0.1`, on free ports, with its data in a
//! directory of its own, killed and removed when dropped.
//!
//! [`RestateServer::start`] returns `None`, after saying why on standard error, when the
//! program is not installed, so that a test can skip.
//!
//! ```no_run
//! use arazzo_mocks::restate::RestateServer;
//!
//! let Some(restate) = RestateServer::start() else {
//!     return; // skipped: not installed
//! };
//! restate.register("http://127.0.0.1:9080");
//! println!("ingress at {}", restate.ingress_url());
//! ```

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crate::broker::process::{find_program, free_port};

/// How long the server may take to start, and a deployment to register.
const START: Duration = Duration::from_secs(60);

/// A running `restate-server`.
#[derive(Debug)]
pub struct RestateServer {
    process: Child,
    dir: PathBuf,
    ingress: u16,
    admin: u16,
}

impl RestateServer {
    /// Starts the server and waits until its admin API answers; `None`, after a message on
    /// standard error, when `restate-server` is not installed (`RESTATE_SERVER` may name
    /// it).
    ///
    /// # Panics
    ///
    /// Panics if the server is installed but does not start within a minute.
    pub fn start() -> Option<RestateServer> {
        let program = std::env::var_os("RESTATE_SERVER")
            .map(PathBuf::from)
            .or_else(|| find_program("restate-server"));
        let Some(program) = program else {
            eprintln!("skipping: restate-server not found (npm install -g @restatedev/restate-server@1.7)");
            return None;
        };
        static COUNT: AtomicU64 = AtomicU64::new(0);
        let dir = std::env::temp_dir().join(format!(
            "arazzo-restate-{}-{}",
            std::process::id(),
            COUNT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("a directory for restate-server");
        let port = || free_port().expect("a free local port");
        let (node, ingress, admin) = (port(), port(), port());
        let process = Command::new(program)
            .args(["--listen-mode", "tcp", "--no-logo"])
            .env("RESTATE_BASE_DIR", &dir)
            .env("RESTATE_BIND_IP", "127.0.0.1")
            .env("RESTATE_BIND_PORT", node.to_string())
            .env("RESTATE_INGRESS__BIND_PORT", ingress.to_string())
            .env("RESTATE_ADMIN__BIND_PORT", admin.to_string())
            .env("RESTATE_ADVERTISED_HOST", "127.0.0.1")
            .env("RESTATE_DISABLE_TELEMETRY", "true")
            .env("RESTATE_LOG_FILTER", "error")
            // A service that is killed on purpose makes the server log the broken attempt.
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("restate-server starts");
        let server = RestateServer {
            process,
            dir,
            ingress,
            admin,
        };
        let started = Instant::now();
        while !matches!(request(server.admin, "GET", "/health", None), Ok((200, _))) {
            assert!(
                started.elapsed() < START,
                "restate-server did not start within a minute"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        Some(server)
    }

    /// The ingress, where services are invoked: `http://127.0.0.1:<port>`.
    pub fn ingress_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.ingress)
    }

    /// The admin API: `http://127.0.0.1:<port>`.
    pub fn admin_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.admin)
    }

    /// Registers the service endpoint at `uri` (such as `http://127.0.0.1:9080`), waiting
    /// until the endpoint answers the server's discovery.
    ///
    /// # Panics
    ///
    /// Panics if the endpoint cannot be registered within a minute.
    pub fn register(&self, uri: &str) {
        let body = format!(r#"{{"uri":"{uri}"}}"#);
        let started = Instant::now();
        loop {
            match request(self.admin, "POST", "/deployments", Some(&body)) {
                Ok((status, _)) if (200..300).contains(&status) => return,
                outcome => assert!(
                    started.elapsed() < START,
                    "could not register {uri}: {outcome:?}"
                ),
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for RestateServer {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// One HTTP/1.1 exchange with `127.0.0.1:port`: the status and the body.
fn request(
    port: u16,
    method: &str,
    path: &str,
    body: Option<&str>,
) -> std::io::Result<(u16, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let body = body.unwrap_or("");
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nhost: 127.0.0.1:{port}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    )?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    let status = response
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("not an HTTP response: {response:.80}")))?;
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, body)| body.to_owned())
        .unwrap_or_default();
    Ok((status, body))
}
