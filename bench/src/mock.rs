//! The Kinde mock as the benchmarks serve it.
//!
//! `arazzo_mocks::kinde::KindeMock` records every request and keeps every invitation in
//! one list that each read scans. Over tens of thousands of runs both would grow, and the
//! later runs would pay for the earlier ones. So the benchmarks serve the same routes
//! ([`KindeMock::router`]) without the recording layer, behind a dispatcher that gives each
//! organization code of the form `org_<slot>_<generation>` the state of slot `slot`, and
//! starts that slot afresh whenever the generation changes. A benchmark worker owns a slot
//! and moves to a new generation every few runs, so no invitation list ever holds more
//! than a handful of entries, while each run still makes exactly five requests: the
//! roles, the creation and three reads of the invitation (`is_sent` is false twice).
//!
//! Connections get `TCP_NODELAY`, like `arazzo_mocks::MockServer`.

use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, PoisonError};

use arazzo_mocks::kinde::{KindeConfig, KindeMock};
use axum::extract::Request;
use axum::serve::ListenerExt;
use axum::Router;
use tokio::net::{TcpListener, TcpSocket};
use tower_service::Service;

/// How many slots the dispatcher keeps; slot numbers wrap around.
pub const SLOTS: usize = 1024;

/// How many unsent reads each invitation gets before it reports `is_sent: true`.
pub const POLLS_BEFORE_SENT: u32 = 2;

/// The requests one run makes: the roles, the creation, and `POLLS_BEFORE_SENT + 1` reads.
pub const REQUESTS_PER_RUN: u32 = 2 + POLLS_BEFORE_SENT + 1;

/// The listen backlog: the 10,000-run benchmark opens thousands of connections at once.
const BACKLOG: u32 = 4096;

const ORG_PREFIX: &str = "/api/v1/organization/org_";

/// The organization code that selects `slot` in its `generation`.
pub fn org_code(slot: usize, generation: u64) -> String {
    format!("org_{slot}_{generation}")
}

/// The mock's configuration: the defaults, with [`POLLS_BEFORE_SENT`] unsent reads.
pub fn config() -> KindeConfig {
    let mut config = KindeConfig::default();
    config.with_polls_before_sent(POLLS_BEFORE_SENT);
    config
}

/// The Kinde routes behind the slot dispatcher.
pub fn router(config: &KindeConfig) -> Router {
    let table = Arc::new(Table::new(config));
    Router::new().fallback(move |request: Request| {
        let table = Arc::clone(&table);
        async move {
            let mut router = table.pick(request.uri().path());
            let ready = std::future::poll_fn(|cx| {
                <Router as Service<Request>>::poll_ready(&mut router, cx)
            });
            match ready.await {
                Ok(()) => {}
                Err(never) => match never {},
            }
            match router.call(request).await {
                Ok(response) => response,
                Err(never) => match never {},
            }
        }
    })
}

/// Binds `127.0.0.1` on a port the system picks, with a large backlog.
///
/// # Errors
///
/// The I/O error from creating, binding or listening on the socket.
pub fn listen() -> io::Result<TcpListener> {
    let socket = TcpSocket::new_v4()?;
    socket.bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))?;
    socket.listen(BACKLOG)
}

/// Serves the dispatched Kinde routes on `listener` until the task is dropped.
///
/// # Errors
///
/// The I/O error of the listener, if it fails.
pub async fn serve(listener: TcpListener, config: &KindeConfig) -> io::Result<()> {
    let listener = listener.tap_io(|stream| {
        // Without TCP_NODELAY small responses wait on Nagle's algorithm.
        let _ = stream.set_nodelay(true);
    });
    axum::serve(listener, router(config)).await
}

/// The state of every slot.
struct Table {
    config: KindeConfig,
    /// Serves the routes that name no slot (the roles).
    shared: Router,
    slots: Vec<Mutex<Option<(u64, Router)>>>,
}

impl Table {
    fn new(config: &KindeConfig) -> Self {
        Table {
            config: config.clone(),
            shared: KindeMock::router(config),
            slots: (0..SLOTS).map(|_| Mutex::new(None)).collect(),
        }
    }

    /// The router for a request path: its slot's, fresh when the generation changed.
    fn pick(&self, path: &str) -> Router {
        let Some((slot, generation)) = slot_of(path) else {
            return self.shared.clone();
        };
        let mut entry = self.slots[slot % SLOTS]
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        match &*entry {
            Some((current, router)) if *current == generation => router.clone(),
            _ => {
                let router = KindeMock::router(&self.config);
                *entry = Some((generation, router.clone()));
                router
            }
        }
    }
}

/// The slot and generation of `/api/v1/organization/org_<slot>_<generation>/…`.
fn slot_of(path: &str) -> Option<(usize, u64)> {
    let rest = path.strip_prefix(ORG_PREFIX)?;
    let org = rest.split('/').next()?;
    let (slot, generation) = org.split_once('_')?;
    Some((slot.parse().ok()?, generation.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_come_from_the_organization_code() {
        let path = format!("/api/v1/organization/{}/invites", org_code(7, 42));
        assert_eq!(slot_of(&path), Some((7, 42)));
        assert_eq!(
            slot_of("/api/v1/organization/org_3_9/invites/inv_1"),
            Some((3, 9))
        );
        assert_eq!(slot_of("/api/v1/roles"), None);
        assert_eq!(slot_of("/api/v1/organization/org_acme/invites"), None);
    }
}
