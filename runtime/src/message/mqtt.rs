//! The MQTT transport: MQTT 5 over TCP on rumqttc. Headers travel as user properties and the
//! content type as the content-type property; messages are published and subscribed with
//! QoS 1.
//!
//! One task polls rumqttc's event loop. It routes every incoming message to the
//! subscriptions it belongs to, by the subscription identifiers the broker adds (or, when the
//! broker has none, by matching topic filters), and resolves the calls that wait for the
//! broker's acknowledgement: a subscription returns after its SUBACK, a publish after its
//! PUBACK. rumqttc numbers packets itself and reports the number only when it writes the
//! packet, in the order the requests were handed to it; so requests whose acknowledgement is
//! awaited are handed over one at a time, each after queueing its waiter ([`Pending`]).
//!
//! When the connection breaks, the task ends: every subscription receives one
//! [`TransportErrorKind::Closed`] error and then ends, and later calls fail with it too.

mod topic;

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rumqttc::v5::mqttbytes::v5::{
    ConnAck, ConnectProperties, Packet, PubAck, PubAckReason, Publish, PublishProperties, SubAck,
    SubscribeProperties, SubscribeReasonCode,
};
use rumqttc::v5::mqttbytes::QoS;
use rumqttc::v5::{AsyncClient, ConnectionError, Event, EventLoop, MqttOptions, StateError};
use rumqttc::Outgoing;
use tokio::sync::{mpsc, oneshot};

use super::{
    io_text, BoxFuture, Channel, Message, Subscription, Transport, TransportError,
    TransportErrorKind, CONNECT_TIMEOUT, SUBSCRIPTION_CAPACITY,
};

/// The default port of `mqtt://` servers.
const DEFAULT_PORT: u16 = 1883;
/// How many requests may wait for the event loop.
const REQUEST_CAPACITY: usize = 64;
/// The largest packet the broker may send: MQTT's own limit (256 MiB).
const MAX_PACKET_SIZE: u32 = 268_435_455;
/// How often an idle connection is checked with a PINGREQ.
const KEEP_ALIVE: Duration = Duration::from_secs(30);

/// A connection to an MQTT 5 broker.
pub(crate) struct MqttTransport {
    shared: Arc<Shared>,
}

/// What the transport and its subscriptions share; dropped with the last of them, which
/// disconnects.
struct Shared {
    client: AsyncClient,
    router: Arc<Router>,
    /// Held while handing a request whose acknowledgement is awaited to the event loop.
    handover: tokio::sync::Mutex<()>,
    /// Whether the broker supports subscription identifiers.
    subscription_ids: bool,
    /// The broker's largest packet, when it has one.
    max_packet_size: Option<u32>,
    task: tokio::task::AbortHandle,
}

impl Drop for Shared {
    fn drop(&mut self) {
        // The event loop ends once it has sent the DISCONNECT.
        if self.client.try_disconnect().is_err() {
            self.task.abort();
        }
    }
}

/// Routes what the event loop receives to the subscriptions and waiters it belongs to.
struct Router {
    /// `host:port`, for messages.
    address: String,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// Why the connection ended, once it has.
    closed: Option<TransportError>,
    next_key: u64,
    next_id: usize,
    subscribers: Vec<Subscriber>,
    /// The subscription identifier of each subscribed filter and how many subscribers use it.
    filters: HashMap<String, FilterUse>,
    subscribes: Pending,
    publishes: Pending,
}

/// One [`Subscription`].
struct Subscriber {
    key: u64,
    filter: String,
    id: usize,
    sender: mpsc::Sender<Result<Message, TransportError>>,
}

struct FilterUse {
    id: usize,
    count: usize,
}

/// Requests whose acknowledgement a caller awaits: `queued` in the order they were handed to
/// the event loop until it writes them, then `sent` by packet identifier until acknowledged.
#[derive(Default)]
struct Pending {
    queued: VecDeque<Waiter>,
    sent: HashMap<u16, Waiter>,
}

struct Waiter {
    /// The topic or filter, for messages.
    topic: String,
    reply: oneshot::Sender<Result<(), TransportError>>,
}

impl Pending {
    fn written(&mut self, pkid: u16) {
        if let Some(waiter) = self.queued.pop_front() {
            self.sent.insert(pkid, waiter);
        }
    }

    /// Takes every waiter, written or not.
    fn drain(&mut self) -> Vec<Waiter> {
        let mut waiters: Vec<Waiter> = std::mem::take(&mut self.queued).into();
        waiters.extend(std::mem::take(&mut self.sent).into_values());
        waiters
    }
}

/// An `mqtt://[user:password@]host[:port]` URL.
struct Target {
    host: String,
    port: u16,
    credentials: Option<(String, String)>,
}

impl Target {
    fn parse(url: &str) -> Result<Self, TransportError> {
        let invalid = |why: &dyn std::fmt::Display| {
            TransportError::new(
                TransportErrorKind::Connect,
                format!("invalid MQTT URL: {why}"),
            )
        };
        let parsed = reqwest::Url::parse(url).map_err(|e| invalid(&e))?;
        if parsed.scheme() != "mqtt" {
            return Err(TransportError::new(
                TransportErrorKind::Unsupported,
                format!(
                    "`{}://` needs TLS, which the MQTT transport does not support; use `mqtt://`",
                    parsed.scheme()
                ),
            ));
        }
        let host = match parsed.host_str() {
            Some(host) if !host.is_empty() => host.to_owned(),
            _ => return Err(invalid(&"no host")),
        };
        let decode = |text: &str| {
            percent_encoding::percent_decode_str(text)
                .decode_utf8_lossy()
                .into_owned()
        };
        let credentials = (!parsed.username().is_empty()).then(|| {
            (
                decode(parsed.username()),
                decode(parsed.password().unwrap_or("")),
            )
        });
        Ok(Target {
            host,
            port: parsed.port().unwrap_or(DEFAULT_PORT),
            credentials,
        })
    }
}

impl MqttTransport {
    /// Connects to the broker at `url` (`mqtt://[user:password@]host[:port]`, port 1883 by
    /// default) and waits for its CONNACK. Fails with [`TransportErrorKind::Connect`] when the
    /// broker cannot be reached, refuses the connection or does not answer within 5 s.
    pub(crate) async fn connect(url: &str) -> Result<Self, TransportError> {
        let target = Target::parse(url)?;
        let address = format!("{}:{}", target.host, target.port);
        let mut options = MqttOptions::new(client_id(), target.host, target.port);
        options
            .set_keep_alive(KEEP_ALIVE)
            .set_clean_start(true)
            .set_connection_timeout(CONNECT_TIMEOUT.as_secs());
        if let Some((user, password)) = target.credentials {
            options.set_credentials(user, password);
        }
        let mut properties = ConnectProperties::new();
        properties.max_packet_size = Some(MAX_PACKET_SIZE);
        options.set_connect_properties(properties);
        let (client, mut eventloop) = AsyncClient::new(options, REQUEST_CAPACITY);

        let failed = |detail: String| {
            TransportError::new(
                TransportErrorKind::Connect,
                format!("cannot connect to the MQTT broker at {address}: {detail}"),
            )
        };
        let connack = match tokio::time::timeout(CONNECT_TIMEOUT, eventloop.poll()).await {
            Err(_) => return Err(failed(timed_out())),
            Ok(Err(e)) => return Err(failed(describe(&e))),
            Ok(Ok(Event::Incoming(Packet::ConnAck(connack)))) => connack,
            Ok(Ok(other)) => return Err(failed(format!("expected a CONNACK, got {other:?}"))),
        };
        let (subscription_ids, max_packet_size) = broker_limits(&connack);

        let router = Arc::new(Router {
            address,
            state: Mutex::default(),
        });
        let task = tokio::spawn(run(eventloop, Arc::clone(&router))).abort_handle();
        Ok(MqttTransport {
            shared: Arc::new(Shared {
                client,
                router,
                handover: tokio::sync::Mutex::new(()),
                subscription_ids,
                max_packet_size,
                task,
            }),
        })
    }

    async fn publish_to(&self, topic: &str, message: Message) -> Result<(), TransportError> {
        let failed = |detail: String| TransportError::new(TransportErrorKind::Publish, detail);
        topic::check_topic(topic).map_err(failed)?;
        let size = message.payload.len()
            + topic.len()
            + message.content_type.as_ref().map_or(0, String::len)
            + message
                .headers
                .iter()
                .map(|(n, v)| n.len() + v.len() + 5)
                .sum::<usize>();
        if let Some(max) = self.shared.max_packet_size {
            // A little room for the fixed header, packet id and property lengths.
            if size + 32 > max as usize {
                return Err(failed(format!(
                    "cannot publish {} bytes to `{topic}`: the MQTT broker at {} takes packets \
                     of at most {max} bytes",
                    message.payload.len(),
                    self.shared.router.address
                )));
            }
        }
        let properties = PublishProperties {
            user_properties: message.headers,
            content_type: message.content_type,
            ..PublishProperties::default()
        };
        let (reply, acked) = oneshot::channel();
        {
            let _handover = self.shared.handover.lock().await;
            self.shared
                .router
                .wait(topic, reply, |s| &mut s.publishes)?;
            let handed = self
                .shared
                .client
                .publish_with_properties(
                    topic,
                    QoS::AtLeastOnce,
                    false,
                    message.payload,
                    properties,
                )
                .await;
            if handed.is_err() {
                self.shared.router.lock().publishes.queued.pop_back();
                return Err(self.shared.router.gone());
            }
        }
        acked
            .await
            .unwrap_or_else(|_| Err(self.shared.router.gone()))
    }

    async fn subscribe_to(&self, filter: &str) -> Result<Subscription, TransportError> {
        topic::check_filter(filter)
            .map_err(|m| TransportError::new(TransportErrorKind::Subscribe, m))?;
        let (sender, receiver) = mpsc::channel(SUBSCRIPTION_CAPACITY);
        let (reply, acked) = oneshot::channel();
        let guard;
        {
            let _handover = self.shared.handover.lock().await;
            let (key, id) = self.shared.router.add(filter, sender)?;
            // From here on, dropping the guard undoes the subscription.
            guard = SubscriptionGuard {
                shared: Arc::clone(&self.shared),
                key,
            };
            self.shared
                .router
                .wait(filter, reply, |s| &mut s.subscribes)?;
            let properties = SubscribeProperties {
                id: self.shared.subscription_ids.then_some(id),
                user_properties: Vec::new(),
            };
            let handed = self
                .shared
                .client
                .subscribe_with_properties(filter, QoS::AtLeastOnce, properties)
                .await;
            if handed.is_err() {
                self.shared.router.lock().subscribes.queued.pop_back();
                return Err(self.shared.router.gone());
            }
        }
        acked
            .await
            .unwrap_or_else(|_| Err(self.shared.router.gone()))?;
        Ok(Subscription::new(receiver, Some(Box::new(guard))))
    }
}

impl Transport for MqttTransport {
    fn publish<'a>(
        &'a self,
        channel: Channel<'a>,
        message: Message,
    ) -> BoxFuture<'a, Result<(), TransportError>> {
        Box::pin(self.publish_to(channel.address, message))
    }

    fn subscribe<'a>(
        &'a self,
        channel: Channel<'a>,
    ) -> BoxFuture<'a, Result<Subscription, TransportError>> {
        Box::pin(self.subscribe_to(channel.address))
    }
}

/// Removes its subscriber when the [`Subscription`] is dropped, and unsubscribes from the
/// filter when no other subscription uses it.
struct SubscriptionGuard {
    shared: Arc<Shared>,
    key: u64,
}

impl Drop for SubscriptionGuard {
    fn drop(&mut self) {
        if let Some(filter) = self.shared.router.remove(self.key) {
            // When the request queue is full or the connection is gone, the broker keeps
            // sending: its messages reach no subscriber and are dropped.
            let _ = self.shared.client.try_unsubscribe(filter);
        }
    }
}

impl Router {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The error for calls after the connection ended.
    fn gone(&self) -> TransportError {
        self.lock().closed.clone().unwrap_or_else(|| {
            TransportError::new(
                TransportErrorKind::Closed,
                format!(
                    "the connection to the MQTT broker at {} is closed",
                    self.address
                ),
            )
        })
    }

    /// Adds a subscriber to `filter`: its key and the filter's subscription identifier.
    fn add(
        &self,
        filter: &str,
        sender: mpsc::Sender<Result<Message, TransportError>>,
    ) -> Result<(u64, usize), TransportError> {
        let mut state = self.lock();
        if let Some(error) = &state.closed {
            return Err(error.clone());
        }
        state.next_key += 1;
        let key = state.next_key;
        let id = match state.filters.get_mut(filter) {
            Some(used) => {
                used.count += 1;
                used.id
            }
            None => {
                state.next_id += 1;
                let id = state.next_id;
                state
                    .filters
                    .insert(filter.to_owned(), FilterUse { id, count: 1 });
                id
            }
        };
        state.subscribers.push(Subscriber {
            key,
            filter: filter.to_owned(),
            id,
            sender,
        });
        Ok((key, id))
    }

    /// Removes subscriber `key`; the filter it used, when no other subscriber uses it.
    fn remove(&self, key: u64) -> Option<String> {
        let mut state = self.lock();
        let index = state.subscribers.iter().position(|s| s.key == key);
        let filter = match index {
            Some(index) => state.subscribers.swap_remove(index).filter,
            // The connection closed and took the subscribers with it.
            None => return None,
        };
        let used = state.filters.get_mut(&filter)?;
        used.count -= 1;
        if used.count > 0 {
            return None;
        }
        state.filters.remove(&filter);
        Some(filter)
    }

    /// Queues a waiter for the acknowledgement of the request about to be handed over.
    fn wait(
        &self,
        topic: &str,
        reply: oneshot::Sender<Result<(), TransportError>>,
        pending: impl FnOnce(&mut State) -> &mut Pending,
    ) -> Result<(), TransportError> {
        let mut state = self.lock();
        if let Some(error) = &state.closed {
            return Err(error.clone());
        }
        pending(&mut state).queued.push_back(Waiter {
            topic: topic.to_owned(),
            reply,
        });
        Ok(())
    }

    fn subscribed(&self, suback: &SubAck) {
        let Some(waiter) = self.lock().subscribes.sent.remove(&suback.pkid) else {
            return;
        };
        let refused = suback
            .return_codes
            .iter()
            .find(|code| !matches!(code, SubscribeReasonCode::Success(_)));
        let result = match refused {
            None => Ok(()),
            Some(code) => Err(TransportError::new(
                TransportErrorKind::Subscribe,
                format!(
                    "the MQTT broker at {} refused the subscription to `{}`: {code:?}",
                    self.address, waiter.topic
                ),
            )),
        };
        let _ = waiter.reply.send(result);
    }

    fn published(&self, puback: &PubAck) {
        let Some(waiter) = self.lock().publishes.sent.remove(&puback.pkid) else {
            return;
        };
        let result = match puback.reason {
            PubAckReason::Success | PubAckReason::NoMatchingSubscribers => Ok(()),
            reason => Err(TransportError::new(
                TransportErrorKind::Publish,
                format!(
                    "the MQTT broker at {} refused the message to `{}`: {reason:?}",
                    self.address, waiter.topic
                ),
            )),
        };
        let _ = waiter.reply.send(result);
    }

    /// Hands an incoming message to every subscription it belongs to, waiting for room in
    /// each.
    async fn deliver(&self, publish: Publish) {
        let topic = String::from_utf8_lossy(&publish.topic).into_owned();
        let (ids, message) = message_of(publish);
        let senders: Vec<_> = self
            .lock()
            .subscribers
            .iter()
            .filter(|s| {
                if ids.is_empty() {
                    topic::matches(&s.filter, &topic)
                } else {
                    ids.contains(&s.id)
                }
            })
            .map(|s| s.sender.clone())
            .collect();
        for sender in senders {
            // A subscription dropped meanwhile wants nothing more.
            let _ = sender.send(Ok(message.clone())).await;
        }
    }

    /// Ends the connection's subscriptions and waiters with `error`.
    async fn close(&self, error: TransportError) {
        let (subscribers, waiters) = {
            let mut state = self.lock();
            state.closed = Some(error.clone());
            let mut waiters = state.subscribes.drain();
            waiters.extend(state.publishes.drain());
            (std::mem::take(&mut state.subscribers), waiters)
        };
        for waiter in waiters {
            let _ = waiter.reply.send(Err(error.clone()));
        }
        for subscriber in subscribers {
            let _ = subscriber.sender.send(Err(error.clone())).await;
        }
    }
}

/// Polls the event loop until the connection ends.
async fn run(mut eventloop: EventLoop, router: Arc<Router>) {
    loop {
        let event = match eventloop.poll().await {
            Ok(event) => event,
            Err(e) => {
                let message = format!(
                    "lost the connection to the MQTT broker at {}: {}",
                    router.address,
                    describe(&e)
                );
                router
                    .close(TransportError::new(TransportErrorKind::Closed, message))
                    .await;
                return;
            }
        };
        match event {
            Event::Incoming(Packet::Publish(publish)) => router.deliver(publish).await,
            Event::Incoming(Packet::SubAck(suback)) => router.subscribed(&suback),
            Event::Incoming(Packet::PubAck(puback)) => router.published(&puback),
            Event::Outgoing(Outgoing::Subscribe(pkid)) => router.lock().subscribes.written(pkid),
            Event::Outgoing(Outgoing::Publish(pkid)) => router.lock().publishes.written(pkid),
            // Sent when the transport and its last subscription are dropped.
            Event::Outgoing(Outgoing::Disconnect) => return,
            _ => {}
        }
    }
}

/// A received PUBLISH as a [`Message`], with the subscription identifiers it carries.
fn message_of(publish: Publish) -> (Vec<usize>, Message) {
    let properties = publish.properties.unwrap_or_default();
    let message = Message {
        headers: properties.user_properties,
        content_type: properties.content_type,
        payload: publish.payload.to_vec(),
    };
    (properties.subscription_identifiers, message)
}

/// Whether the broker takes subscription identifiers, and its largest packet.
fn broker_limits(connack: &ConnAck) -> (bool, Option<u32>) {
    match &connack.properties {
        Some(properties) => (
            properties.subscription_identifiers_available != Some(0),
            properties.max_packet_size,
        ),
        None => (true, None),
    }
}

/// A client identifier unique to this connection.
fn client_id() -> String {
    static CONNECTIONS: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!(
        "arazzo-{}-{}-{nanos:x}",
        std::process::id(),
        CONNECTIONS.fetch_add(1, Ordering::Relaxed)
    )
}

fn timed_out() -> String {
    format!("no answer within {} s", CONNECT_TIMEOUT.as_secs())
}

/// What went wrong with the connection, as a phrase.
fn describe(error: &ConnectionError) -> String {
    match error {
        ConnectionError::Io(e) | ConnectionError::MqttState(StateError::Io(e)) => io_text(e),
        ConnectionError::Timeout(_) => timed_out(),
        ConnectionError::ConnectionRefused(code) => {
            format!("the broker refused the connection ({code:?})")
        }
        ConnectionError::MqttState(StateError::ConnectionAborted) => {
            "the broker closed the connection".to_owned()
        }
        ConnectionError::MqttState(StateError::ServerDisconnect {
            reason_code,
            reason_string,
        }) => match reason_string {
            Some(reason) => format!("the broker disconnected ({reason_code:?}: {reason})"),
            None => format!("the broker disconnected ({reason_code:?})"),
        },
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::Target;

    #[test]
    fn urls_give_host_port_and_credentials() {
        let target = Target::parse("mqtt://broker.example:1884").unwrap();
        assert_eq!(
            (target.host.as_str(), target.port),
            ("broker.example", 1884)
        );
        assert!(target.credentials.is_none());
        let target = Target::parse("mqtt://ann:p%40ss@127.0.0.1").unwrap();
        assert_eq!((target.host.as_str(), target.port), ("127.0.0.1", 1883));
        assert_eq!(
            target.credentials,
            Some(("ann".to_owned(), "p@ss".to_owned()))
        );
        let error = Target::parse("mqtts://broker.example").err().unwrap();
        assert_eq!(error.kind, super::TransportErrorKind::Unsupported);
    }
}
