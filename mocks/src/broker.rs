//! Message brokers for tests: [`Mosquitto`] (MQTT) and [`RabbitMq`] (AMQP 0-9-1), each run
//! from the Debian package's program on `127.0.0.1`, on a free port, with its configuration,
//! data and logs in a directory of its own under the system's temporary directory.
//!
//! `start` returns `None`, after printing why to standard error, when the program is not
//! installed, so that a test can skip. A broker is killed with its process group, and its
//! directory removed, when dropped; [`Mosquitto::stop`] and [`RabbitMq::stop`] kill it
//! earlier, for tests of a broker that goes away. On Linux a broker is also killed when the
//! thread that started it ends, so start it on the test's own thread.
//!
//! ```no_run
//! use arazzo_mocks::broker::Mosquitto;
//!
//! let Some(mosquitto) = Mosquitto::start() else {
//!     return; // skipped: not installed
//! };
//! println!("MQTT broker at {}", mosquitto.url());
//! ```

pub(crate) mod process;

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crate::broker::process::{BrokerProcess, StartError};

/// How often a broker whose port was taken meanwhile is started again on another.
const ATTEMPTS: usize = 3;
/// How long Mosquitto may take to listen.
const MOSQUITTO_START: Duration = Duration::from_secs(10);
/// How long RabbitMQ may take to boot.
const RABBITMQ_START: Duration = Duration::from_secs(60);
/// Debian's RabbitMQ start script itself; `/usr/sbin/rabbitmq-server` wraps it and, run as
/// root, switches to the `rabbitmq` user, which cannot use the temporary directory.
const RABBITMQ_SCRIPT: &str = "/usr/lib/rabbitmq/bin/rabbitmq-server";

/// A Mosquitto MQTT broker on `127.0.0.1`, anonymous access allowed, nothing persisted.
#[derive(Debug)]
pub struct Mosquitto {
    process: BrokerProcess,
    port: u16,
}

impl Mosquitto {
    /// Starts Mosquitto and waits until it accepts connections; `None`, after a message on
    /// standard error, when `mosquitto` is not installed.
    ///
    /// # Panics
    ///
    /// Panics, with the end of its log, if Mosquitto is installed but does not start.
    pub fn start() -> Option<Mosquitto> {
        let Some(program) = process::find_program("mosquitto") else {
            eprintln!("skipping: mosquitto not found (install the Debian package mosquitto)");
            return None;
        };
        let spawn = |port: u16| {
            let dir = process::temp_dir("mosquitto")?;
            let config = dir.join("mosquitto.conf");
            fs::write(&config, mosquitto_config(port))?;
            let mut command = Command::new(&program);
            command.arg("-c").arg(&config);
            BrokerProcess::spawn("mosquitto", command, &dir)
        };
        let (process, port) = start("mosquitto", MOSQUITTO_START, process::accepts, spawn);
        Some(Mosquitto { process, port })
    }

    /// The broker's URL: `mqtt://127.0.0.1:{port}`.
    pub fn url(&self) -> String {
        format!("mqtt://127.0.0.1:{}", self.port)
    }

    /// The port the broker listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Kills the broker now, as a crash would: its connections break without a goodbye.
    pub fn stop(&mut self) {
        self.process.kill();
    }
}

/// A RabbitMQ broker on `127.0.0.1`: a node of its own (name, ports, database, logs and
/// Erlang cookie in its directory), no plugins, and the default `guest` user, which RabbitMQ
/// lets in from the loopback interface only.
#[derive(Debug)]
pub struct RabbitMq {
    process: BrokerProcess,
    port: u16,
}

impl RabbitMq {
    /// Starts RabbitMQ and waits until it speaks AMQP on its port, which takes a few
    /// seconds; `None`, after a message on standard error, when RabbitMQ is not installed.
    ///
    /// # Panics
    ///
    /// Panics, with the end of its log, if RabbitMQ is installed but does not start within
    /// 60 s.
    pub fn start() -> Option<RabbitMq> {
        let Some(program) = rabbitmq_program() else {
            eprintln!(
                "skipping: rabbitmq-server not found (install the Debian package rabbitmq-server)"
            );
            return None;
        };
        let spawn = |port: u16| {
            let dir = process::temp_dir("rabbitmq")?;
            let command = rabbitmq_command(&program, &dir, port)?;
            BrokerProcess::spawn("rabbitmq-server", command, &dir)
        };
        let (process, port) = start(
            "rabbitmq-server",
            RABBITMQ_START,
            process::speaks_amqp,
            spawn,
        );
        Some(RabbitMq { process, port })
    }

    /// The broker's URL, with the `guest` user and the default vhost:
    /// `amqp://guest:guest@127.0.0.1:{port}/%2f`.
    pub fn url(&self) -> String {
        format!("amqp://guest:guest@127.0.0.1:{}/%2f", self.port)
    }

    /// The port the broker listens on for AMQP.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Kills the broker now, as a crash would: its connections break without a goodbye.
    pub fn stop(&mut self) {
        self.process.kill();
    }
}

/// Starts a broker on a free port with `spawn` and waits up to `limit` until `ready` says it
/// serves there; starts it again on another port if it exits meanwhile, as it does when
/// another process took the port first.
fn start(
    name: &str,
    limit: Duration,
    ready: fn(u16) -> bool,
    spawn: impl Fn(u16) -> io::Result<BrokerProcess>,
) -> (BrokerProcess, u16) {
    let mut failure = String::new();
    for _ in 0..ATTEMPTS {
        let port = process::free_port()
            .unwrap_or_else(|e| panic!("{name}: no free port on 127.0.0.1: {e}"));
        let mut broker = spawn(port).unwrap_or_else(|e| panic!("{name}: cannot start: {e}"));
        match broker.wait_until(limit, || ready(port)) {
            Ok(()) => return (broker, port),
            Err(StartError::Exited(log)) => failure = log,
            Err(StartError::TimedOut(log)) => panic!("{log}"),
        }
    }
    panic!("{failure}")
}

/// Mosquitto's configuration: one listener on `127.0.0.1:port`, anonymous clients, no
/// persistence, the log on standard error. `user root` keeps a broker started as root from
/// switching to the `mosquitto` user; it means nothing to a broker started as another user.
fn mosquitto_config(port: u16) -> String {
    format!(
        "listener {port} 127.0.0.1\n\
         allow_anonymous true\n\
         persistence false\n\
         user root\n\
         log_dest stderr\n\
         log_type error\n\
         log_type warning\n\
         log_type notice\n\
         log_type information\n"
    )
}

/// RabbitMQ's start script: Debian's own, else `rabbitmq-server` wherever it is installed.
fn rabbitmq_program() -> Option<PathBuf> {
    let debian = PathBuf::from(RABBITMQ_SCRIPT);
    if process::is_executable(&debian) {
        return Some(debian);
    }
    process::find_program("rabbitmq-server")
}

/// The command that starts a RabbitMQ node of its own in `dir`, listening for AMQP on
/// `127.0.0.1:port` only, with everything it writes in `dir`.
fn rabbitmq_command(program: &Path, dir: &Path, port: u16) -> io::Result<Command> {
    static NODES: AtomicU64 = AtomicU64::new(0);
    let node = format!(
        "arazzo-{}-{}@localhost",
        std::process::id(),
        NODES.fetch_add(1, Ordering::Relaxed)
    );
    let dist_port = process::free_port()?;
    let home = dir.join("home");
    fs::create_dir_all(&home)?;
    let config = dir.join("rabbitmq.conf");
    // The disk alarm would block publishers on a nearly full disk.
    fs::write(
        &config,
        format!("listeners.tcp.1 = 127.0.0.1:{port}\ndisk_free_limit.absolute = 1\n"),
    )?;
    let plugins = dir.join("enabled_plugins");
    fs::write(&plugins, "[].\n")?;
    let env_file = dir.join("rabbitmq-env.conf");
    fs::write(&env_file, "")?;

    let mut command = Command::new(program);
    // Nothing of another RabbitMQ's settings.
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("RABBITMQ_") {
            command.env_remove(name);
        }
    }
    command
        // The Erlang cookie goes to `$HOME`.
        .env("HOME", &home)
        .env("RABBITMQ_CONF_ENV_FILE", &env_file)
        .env("RABBITMQ_NODENAME", node)
        .env("RABBITMQ_NODE_IP_ADDRESS", "127.0.0.1")
        .env("RABBITMQ_NODE_PORT", port.to_string())
        .env("RABBITMQ_DIST_PORT", dist_port.to_string())
        .env("RABBITMQ_CONFIG_FILE", &config)
        .env("RABBITMQ_ADVANCED_CONFIG_FILE", dir.join("advanced.config"))
        .env("RABBITMQ_ENABLED_PLUGINS_FILE", &plugins)
        .env("RABBITMQ_PLUGINS_EXPAND_DIR", dir.join("plugins"))
        .env("RABBITMQ_MNESIA_BASE", dir.join("mnesia"))
        .env("RABBITMQ_FEATURE_FLAGS_FILE", dir.join("feature_flags"))
        .env("RABBITMQ_LOG_BASE", dir.join("log"))
        .env("RABBITMQ_PID_FILE", dir.join("rabbitmq.pid"))
        // The start script then runs the Erlang VM in its own process instead of a child,
        // and the VM stops when its standard input closes.
        .env("RABBITMQ_ALLOW_INPUT", "true")
        // Distribution (for rabbitmqctl) and epmd on the loopback interface only.
        .env(
            "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS",
            "-kernel inet_dist_use_interface {127,0,0,1}",
        )
        .env("ERL_EPMD_ADDRESS", "127.0.0.1");
    Ok(command)
}
