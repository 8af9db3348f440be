//! Local mock servers of the APIs that arazzo's seed workflows call, for the
//! examples, the end-to-end tests and the benchmarks.
//!
//! Every mock runs on a [`MockServer`]: an axum server bound to `127.0.0.1`
//! on a port chosen by the operating system, with `TCP_NODELAY` set on each
//! connection, that records every request it receives as a
//! [`RecordedRequest`] and shuts down gracefully when its handle is dropped.
//! Point a generated client at [`MockServer::base_url`] instead of the real
//! API's server.
//!
//! | module | API |
//! |---|---|
//! | [`kinde`] | Kinde Management API: roles and organization invitations |
//! | [`clerk`] | Clerk Backend API: organization invitations |
//! | [`k0rdent`] | k0rdent: invitations with roles or groups |
//! | [`krystal`] | Krystal Identity: invitations |
//! | [`orders`] | the orders API of the messaging example |
//!
//! [`faulty`] is a raw HTTP/1.1 server that misbehaves on purpose (stalls, resets, huge
//! bodies) and records the exact bytes of every request, for the fault tests.
//!
//! ```no_run
//! use arazzo_mocks::kinde::{KindeConfig, KindeMock};
//!
//! # async fn demo() {
//! let mut config = KindeConfig::default();
//! config.with_polls_before_sent(1);
//! let kinde = KindeMock::start(&config).await;
//! // ... run the workflow against `kinde.base_url()` with the token "test-token" ...
//! for request in kinde.requests() {
//!     println!("{} {} -> {:?}", request.method, request.raw_path, request.status);
//! }
//! # }
//! ```
//!
//! A mock needs a running tokio runtime: it is spawned as a task on the
//! runtime that starts it.
//!
//! For steps of AsyncAPI sources, [`broker`] runs real message brokers
//! (Mosquitto, RabbitMQ) from their Debian packages, when installed.

#![deny(missing_docs)]

mod server;

pub mod broker;
pub mod clerk;
pub mod faulty;
pub mod k0rdent;
pub mod kinde;
pub mod krystal;
pub mod orders;
pub mod restate;

pub use crate::server::{Mock, MockServer, RecordedRequest};
