//! Messaging for steps of AsyncAPI source descriptions: the [`Transport`] trait every
//! broker protocol implements, the [`Message`] it carries, and [`connect`], which picks the
//! transport for a server URL by its scheme (`mqtt://`, `amqp://`).
//!
//! Each protocol is behind a cargo feature (`mqtt`, `amqp`), so that users of HTTP-only
//! workflows build none of it.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

#[cfg(feature = "amqp")]
mod amqp;
#[cfg(feature = "mqtt")]
mod mqtt;

/// How long [`connect`] waits for a broker to accept the connection.
#[cfg(any(feature = "mqtt", feature = "amqp"))]
const CONNECT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

/// How many messages a subscription holds before the transport waits for its reader.
#[cfg(any(feature = "mqtt", feature = "amqp"))]
const SUBSCRIPTION_CAPACITY: usize = 256;

/// A boxed future, as [`Transport`]'s methods return.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A message as a transport carries it: headers, content type and payload bytes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Message {
    /// Application headers (MQTT 5 user properties, AMQP header table entries), in order.
    pub headers: Vec<(String, String)>,
    /// The payload's media type, when the message carries one.
    pub content_type: Option<String>,
    /// The payload.
    pub payload: Vec<u8>,
}

impl Message {
    /// The first header called `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// An AsyncAPI channel as a transport sees it.
#[derive(Debug, Clone, Copy)]
pub struct Channel<'a> {
    /// The channel's `address`, with its parameters filled in: the MQTT topic, or the
    /// AMQP queue name (or routing key, when `bindings` name an exchange).
    pub address: &'a str,
    /// The channel's protocol bindings that a transport reads, as `(key, value)` pairs
    /// such as `("amqp.exchange", "orders")`.
    pub bindings: &'a [(&'a str, &'a str)],
}

impl Channel<'_> {
    /// The value of binding `key`, if the channel has it.
    pub fn binding(&self, key: &str) -> Option<&str> {
        self.bindings
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| *v)
    }
}

/// A broker connection: publishes messages and subscribes to channels.
pub trait Transport: Send + Sync + 'static {
    /// Publishes `message` on `channel`. Returns once the message is handed to the broker
    /// (Arazzo does not model delivery confirmation).
    fn publish<'a>(
        &'a self,
        channel: Channel<'a>,
        message: Message,
    ) -> BoxFuture<'a, Result<(), TransportError>>;

    /// Subscribes to `channel`. Returns once the broker has confirmed the subscription, so
    /// that every message published on the channel afterwards reaches the subscription.
    fn subscribe<'a>(
        &'a self,
        channel: Channel<'a>,
    ) -> BoxFuture<'a, Result<Subscription, TransportError>>;
}

/// The messages of one subscription, in the order the broker delivered them.
pub struct Subscription {
    receiver: tokio::sync::mpsc::Receiver<Result<Message, TransportError>>,
    /// What keeps the subscription alive on the transport's side (a consumer, a task),
    /// dropped with it.
    _guard: Option<Box<dyn Send + Sync>>,
}

impl Subscription {
    /// A subscription whose messages arrive on `receiver`; `guard` is dropped with it.
    pub fn new(
        receiver: tokio::sync::mpsc::Receiver<Result<Message, TransportError>>,
        guard: Option<Box<dyn Send + Sync>>,
    ) -> Self {
        Subscription {
            receiver,
            _guard: guard,
        }
    }

    /// The next message; `None` once the transport closed the subscription.
    pub async fn next(&mut self) -> Option<Result<Message, TransportError>> {
        self.receiver.recv().await
    }
}

impl std::fmt::Debug for Subscription {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Subscription").finish_non_exhaustive()
    }
}

/// What failed in a transport.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransportErrorKind {
    /// The broker could not be reached, or refused the connection.
    Connect,
    /// Publishing failed.
    Publish,
    /// Subscribing failed.
    Subscribe,
    /// The connection broke after it was made.
    Closed,
    /// The server URL names a protocol this build has no transport for.
    Unsupported,
}

/// A transport failure: its kind and the protocol library's message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct TransportError {
    /// What failed.
    pub kind: TransportErrorKind,
    /// What went wrong, as the protocol library or broker said it.
    pub message: String,
}

impl TransportError {
    /// A transport error of `kind`.
    pub fn new(kind: TransportErrorKind, message: impl Into<String>) -> Self {
        TransportError {
            kind,
            message: message.into(),
        }
    }
}

/// An I/O error as a phrase: the lowercase name of its kind ("connection refused") where the
/// kind says it all, so that messages read the same on every system; else its full text.
#[cfg(any(feature = "mqtt", feature = "amqp"))]
fn io_text(error: &std::io::Error) -> String {
    use std::io::ErrorKind::*;
    match error.kind() {
        ConnectionRefused | ConnectionReset | ConnectionAborted | NotConnected | BrokenPipe
        | TimedOut | HostUnreachable | NetworkUnreachable | AddrNotAvailable | UnexpectedEof => {
            error.kind().to_string()
        }
        _ => error.to_string(),
    }
}

/// Connects to the broker at `url` with the transport its scheme names: `mqtt://host:port`
/// (feature `mqtt`), `amqp://user:password@host:port/vhost` (feature `amqp`). Fails with
/// [`TransportErrorKind::Connect`] when the broker cannot be reached and
/// [`TransportErrorKind::Unsupported`] for another scheme or a protocol whose feature is
/// off.
pub async fn connect(url: &str) -> Result<Arc<dyn Transport>, TransportError> {
    let scheme = url.split_once("://").map(|(s, _)| s).unwrap_or("");
    match scheme.to_ascii_lowercase().as_str() {
        #[cfg(feature = "mqtt")]
        "mqtt" | "mqtts" | "secure-mqtt" => Ok(Arc::new(mqtt::MqttTransport::connect(url).await?)),
        #[cfg(not(feature = "mqtt"))]
        "mqtt" | "mqtts" | "secure-mqtt" => Err(TransportError::new(
            TransportErrorKind::Unsupported,
            format!("`{scheme}` needs the `mqtt` feature of arazzo"),
        )),
        #[cfg(feature = "amqp")]
        "amqp" | "amqps" => Ok(Arc::new(amqp::AmqpTransport::connect(url).await?)),
        #[cfg(not(feature = "amqp"))]
        "amqp" | "amqps" => Err(TransportError::new(
            TransportErrorKind::Unsupported,
            format!("`{scheme}` needs the `amqp` feature of arazzo"),
        )),
        "" => Err(TransportError::new(
            TransportErrorKind::Unsupported,
            format!("`{url}` is not a broker URL (`mqtt://host:port`, `amqp://host:port`)"),
        )),
        other => Err(TransportError::new(
            TransportErrorKind::Unsupported,
            format!("no transport for protocol `{other}` (supported: mqtt, amqp)"),
        )),
    }
}
