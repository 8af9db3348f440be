//! A broker process of a test: its temporary directory, its process group, waiting until it
//! serves, and killing it.

use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;
use std::time::{Duration, Instant};

/// How often a starting broker is probed.
const PROBE_INTERVAL: Duration = Duration::from_millis(50);

/// The name of the file that receives the broker's standard output and error.
const LOG_FILE: &str = "broker.log";

/// Looks for the executable `name` on `PATH`, then in the system directories that are often
/// left out of it (`/usr/sbin`, `/usr/local/sbin`, `/sbin`).
pub(crate) fn find_program(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(["/usr/sbin", "/usr/local/sbin", "/sbin"].map(PathBuf::from))
        .map(|dir| dir.join(name))
        .find(|candidate| is_executable(candidate))
}

/// Whether `path` is a file that someone may execute.
pub(super) fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// A port on `127.0.0.1` that was free a moment ago.
pub(crate) fn free_port() -> io::Result<u16> {
    Ok(TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?
        .local_addr()?
        .port())
}

/// A new, empty directory under the system's temporary directory, unique to this process
/// and call: `arazzo-{name}-{pid}-{n}`. Removes those that processes killed before they could
/// remove theirs left behind.
pub(super) fn temp_dir(name: &str) -> io::Result<PathBuf> {
    static DIRS: AtomicU64 = AtomicU64::new(0);
    let n = DIRS.fetch_add(1, Ordering::Relaxed);
    let prefix = format!("arazzo-{name}-");
    remove_stale_dirs(&prefix);
    let dir = std::env::temp_dir().join(format!("{prefix}{}-{n}", std::process::id()));
    if dir.exists() {
        fs::remove_dir_all(&dir)?;
    }
    fs::create_dir_all(&dir)?;
    Ok(dir)
}

/// Removes the directories `{prefix}{pid}-{n}` of processes that no longer run.
fn remove_stale_dirs(prefix: &str) {
    let Ok(entries) = fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let pid = name
            .to_str()
            .and_then(|name| name.strip_prefix(prefix))
            .and_then(|rest| rest.split_once('-'))
            .and_then(|(pid, _)| pid.parse::<libc::pid_t>().ok());
        let Some(pid) = pid.filter(|&pid| pid > 0) else {
            continue;
        };
        // SAFETY: signal 0 only checks whether the process exists.
        let gone = unsafe { libc::kill(pid, 0) } == -1
            && io::Error::last_os_error().raw_os_error() == Some(libc::ESRCH);
        if gone {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}

/// Whether something accepts TCP connections on `127.0.0.1:port`.
pub(super) fn accepts(port: u16) -> bool {
    connect(port).is_ok()
}

/// A connection to `127.0.0.1:port`, given up on after a second.
pub(super) fn connect(port: u16) -> io::Result<TcpStream> {
    let address = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let stream = TcpStream::connect_timeout(&address, Duration::from_secs(1))?;
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    Ok(stream)
}

/// Whether an AMQP 0-9-1 broker on `127.0.0.1:port` answers the protocol header with a
/// method frame (its `connection.start`).
pub(super) fn speaks_amqp(port: u16) -> bool {
    let answer = || -> io::Result<u8> {
        let mut stream = connect(port)?;
        stream.write_all(b"AMQP\x00\x00\x09\x01")?;
        let mut frame_type = [0u8; 1];
        stream.read_exact(&mut frame_type)?;
        Ok(frame_type[0])
    };
    matches!(answer(), Ok(1))
}

/// Why a broker did not start.
pub(super) enum StartError {
    /// It exited (often: another process took its port first).
    Exited(String),
    /// It did not serve within the time it was given.
    TimedOut(String),
}

/// A running broker process, killed with its process group when dropped; its directory is
/// removed then too.
#[derive(Debug)]
pub(super) struct BrokerProcess {
    name: &'static str,
    dir: PathBuf,
    child: Option<Child>,
    /// The broker's standard input, for brokers that stop when it closes.
    _stdin: Option<ChildStdin>,
}

impl BrokerProcess {
    /// Runs `command` in a process group of its own, with its output in `dir`'s log file and
    /// its standard input an open pipe. On Linux it is killed when the thread that started it
    /// ends (`PR_SET_PDEATHSIG`), so that brokers do not outlive their test.
    pub(super) fn spawn(
        name: &'static str,
        mut command: Command,
        dir: &Path,
    ) -> io::Result<BrokerProcess> {
        let log = File::create(dir.join(LOG_FILE))?;
        command
            .current_dir(dir)
            .stdin(Stdio::piped())
            .stdout(log.try_clone()?)
            .stderr(log)
            .process_group(0);
        #[cfg(target_os = "linux")]
        // SAFETY: `prctl` is async-signal-safe and touches no memory of the parent.
        unsafe {
            command.pre_exec(|| {
                if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) == -1 {
                    return Err(io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let mut child = command.spawn()?;
        Ok(BrokerProcess {
            name,
            dir: dir.to_owned(),
            _stdin: child.stdin.take(),
            child: Some(child),
        })
    }

    /// Waits up to `limit` until `ready` says the broker serves.
    pub(super) fn wait_until(
        &mut self,
        limit: Duration,
        ready: impl Fn() -> bool,
    ) -> Result<(), StartError> {
        let start = Instant::now();
        loop {
            if let Some(child) = self.child.as_mut() {
                if let Ok(Some(status)) = child.try_wait() {
                    return Err(StartError::Exited(format!(
                        "{} exited ({status}) while starting:\n{}",
                        self.name,
                        self.log_tail()
                    )));
                }
            }
            if ready() {
                return Ok(());
            }
            if start.elapsed() > limit {
                return Err(StartError::TimedOut(format!(
                    "{} did not start within {} s:\n{}",
                    self.name,
                    limit.as_secs(),
                    self.log_tail()
                )));
            }
            thread::sleep(PROBE_INTERVAL);
        }
    }

    /// Kills the broker's process group now and waits for the broker to exit.
    pub(super) fn kill(&mut self) {
        let Some(mut child) = self.child.take() else {
            return;
        };
        if let Ok(pid) = libc::pid_t::try_from(child.id()) {
            // SAFETY: signals the process group the child leads (`process_group(0)`); the
            // child has not been waited for, so its id is still its own.
            unsafe {
                libc::kill(-pid, libc::SIGKILL);
            }
        }
        let _ = child.kill();
        let _ = child.wait();
        self._stdin = None;
    }

    /// The end of the broker's log, for messages.
    fn log_tail(&self) -> String {
        let log = fs::read(self.dir.join(LOG_FILE)).unwrap_or_default();
        let log = String::from_utf8_lossy(&log);
        let start = log
            .char_indices()
            .rev()
            .nth(3000)
            .map_or(0, |(index, _)| index);
        log[start..].to_owned()
    }
}

impl Drop for BrokerProcess {
    fn drop(&mut self) {
        self.kill();
        let _ = fs::remove_dir_all(&self.dir);
    }
}
