//! The AMQP 0-9-1 transport (RabbitMQ and others) on lapin. Headers travel in the header
//! table as long strings and the content type as the `content_type` property.
//!
//! A channel's address is a queue on the default exchange: publishing declares the queue
//! (when it does not exist yet: non-durable, not auto-deleted) and sends to it; subscribing
//! consumes from it. When the channel has the binding `amqp.exchange`, messages are published
//! to that exchange with the address as routing key, and each subscription consumes from an
//! exclusive queue of its own, named by the broker and bound to the exchange with the address
//! as binding key. The exchange must exist.
//!
//! Publishes go through one channel in confirm mode and return once the broker confirmed
//! the message; each subscription has a channel of its own, acknowledges each message once
//! it is in the subscription's queue, and is cancelled (its channel closed) when dropped.

use std::collections::HashSet;
use std::future::poll_fn;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use futures_core::Stream;
use lapin::message::Delivery;
use lapin::options::{
    BasicAckOptions, BasicConsumeOptions, BasicPublishOptions, BasicQosOptions,
    ConfirmSelectOptions, QueueBindOptions, QueueDeclareOptions,
};
use lapin::types::{AMQPValue, FieldTable, LongString, ShortString};
use lapin::uri::{AMQPScheme, AMQPUri};
use lapin::{BasicProperties, Confirmation, Connection, ConnectionProperties, Consumer};
use tokio::sync::mpsc;

use super::{
    io_text, BoxFuture, Channel, Message, Subscription, Transport, TransportError,
    TransportErrorKind, CONNECT_TIMEOUT, SUBSCRIPTION_CAPACITY,
};

/// The binding that names the exchange a channel publishes to.
const EXCHANGE_BINDING: &str = "amqp.exchange";

/// A connection to an AMQP 0-9-1 broker.
pub(crate) struct AmqpTransport {
    connection: Arc<Connection>,
    /// `host:port`, for messages.
    address: String,
    /// The channel that publishes and declares queues, in confirm mode; opened again after
    /// the broker closed it (as it does on a failed declaration).
    publisher: tokio::sync::Mutex<Option<lapin::Channel>>,
    /// The queues known to exist.
    queues: Mutex<HashSet<String>>,
    /// Why the connection broke, once it has (lapin's later errors only say it is broken).
    failure: Arc<Mutex<Option<TransportError>>>,
    /// The task that records `failure`.
    watcher: tokio::task::AbortHandle,
}

impl Drop for AmqpTransport {
    fn drop(&mut self) {
        self.watcher.abort();
    }
}

impl AmqpTransport {
    /// Connects to the broker at `url` (`amqp://[user:password@]host[:port][/vhost]`, port
    /// 5672 and vhost `/` by default). Fails with [`TransportErrorKind::Connect`] when the
    /// broker cannot be reached, refuses the login or does not answer within 5 s.
    pub(crate) async fn connect(url: &str) -> Result<Self, TransportError> {
        let uri: AMQPUri = url.parse().map_err(|e| {
            TransportError::new(
                TransportErrorKind::Connect,
                format!("invalid AMQP URL: {e}"),
            )
        })?;
        if uri.scheme == AMQPScheme::AMQPS {
            return Err(TransportError::new(
                TransportErrorKind::Unsupported,
                "`amqps://` needs TLS, which the AMQP transport does not support; use `amqp://`",
            ));
        }
        let address = format!("{}:{}", uri.authority.host, uri.authority.port);
        let failed = |detail: String| {
            TransportError::new(
                TransportErrorKind::Connect,
                format!("cannot connect to the AMQP broker at {address}: {detail}"),
            )
        };
        let connecting = Connection::connect_uri(uri, ConnectionProperties::default());
        let connection = match tokio::time::timeout(CONNECT_TIMEOUT, connecting).await {
            Err(_) => {
                return Err(failed(format!(
                    "no answer within {} s",
                    CONNECT_TIMEOUT.as_secs()
                )))
            }
            Ok(Err(e)) => return Err(failed(describe(&e))),
            Ok(Ok(connection)) => connection,
        };
        let failure = Arc::new(Mutex::new(None));
        let watcher = tokio::spawn(watch(
            connection.events_listener(),
            address.clone(),
            Arc::clone(&failure),
        ))
        .abort_handle();
        Ok(AmqpTransport {
            connection: Arc::new(connection),
            address,
            publisher: tokio::sync::Mutex::new(None),
            queues: Mutex::default(),
            failure,
            watcher,
        })
    }

    async fn publish_to(
        &self,
        channel: Channel<'_>,
        message: Message,
    ) -> Result<(), TransportError> {
        let address = channel.address;
        let failed = |e: &lapin::Error| {
            self.error(
                e,
                TransportErrorKind::Publish,
                &format!("cannot publish to `{address}`"),
            )
        };
        let exchange = channel.binding(EXCHANGE_BINDING).unwrap_or("");
        let mut headers = FieldTable::default();
        for (name, value) in message.headers {
            headers.insert(
                short(&name, TransportErrorKind::Publish)?,
                AMQPValue::LongString(LongString::from(value)),
            );
        }
        let mut properties = BasicProperties::default().with_headers(headers);
        if let Some(content_type) = &message.content_type {
            properties =
                properties.with_content_type(short(content_type, TransportErrorKind::Publish)?);
        }
        let exchange_name = short(exchange, TransportErrorKind::Publish)?;
        let routing_key = short(address, TransportErrorKind::Publish)?;

        let mut publisher = self.publisher.lock().await;
        if exchange.is_empty() {
            self.declare(&mut publisher, address, TransportErrorKind::Publish)
                .await?;
        }
        let channel = self.open(&mut publisher).await?;
        let confirm = channel
            .basic_publish(
                exchange_name,
                routing_key,
                BasicPublishOptions::default(),
                &message.payload,
                properties,
            )
            .await
            .map_err(|e| failed(&e))?;
        match confirm.await.map_err(|e| failed(&e))? {
            Confirmation::Ack(_) | Confirmation::NotRequested => Ok(()),
            Confirmation::Nack(_) => Err(TransportError::new(
                TransportErrorKind::Publish,
                format!(
                    "the AMQP broker at {} did not take the message to `{address}`",
                    self.address
                ),
            )),
        }
    }

    async fn subscribe_to(&self, channel: Channel<'_>) -> Result<Subscription, TransportError> {
        let address = channel.address;
        let failed = |e: &lapin::Error| {
            self.error(
                e,
                TransportErrorKind::Subscribe,
                &format!("cannot subscribe to `{address}`"),
            )
        };
        let exchange = channel.binding(EXCHANGE_BINDING).unwrap_or("");
        if exchange.is_empty() {
            let mut publisher = self.publisher.lock().await;
            self.declare(&mut publisher, address, TransportErrorKind::Subscribe)
                .await?;
        }
        let amqp = self
            .connection
            .create_channel()
            .await
            .map_err(|e| failed(&e))?;
        let queue = if exchange.is_empty() {
            short(address, TransportErrorKind::Subscribe)?
        } else {
            let options = QueueDeclareOptions {
                exclusive: true,
                auto_delete: true,
                ..QueueDeclareOptions::default()
            };
            let queue = amqp
                .queue_declare(ShortString::default(), options, FieldTable::default())
                .await
                .map_err(|e| failed(&e))?;
            amqp.queue_bind(
                queue.name().clone(),
                short(exchange, TransportErrorKind::Subscribe)?,
                short(address, TransportErrorKind::Subscribe)?,
                QueueBindOptions::default(),
                FieldTable::default(),
            )
            .await
            .map_err(|e| failed(&e))?;
            queue.name().clone()
        };
        // As many unacknowledged messages as the subscription holds.
        let prefetch = u16::try_from(SUBSCRIPTION_CAPACITY).unwrap_or(u16::MAX);
        amqp.basic_qos(prefetch, BasicQosOptions::default())
            .await
            .map_err(|e| failed(&e))?;
        let consumer = amqp
            .basic_consume(
                queue,
                ShortString::default(),
                BasicConsumeOptions::default(),
                FieldTable::default(),
            )
            .await
            .map_err(|e| failed(&e))?;
        let (sender, receiver) = mpsc::channel(SUBSCRIPTION_CAPACITY);
        let forward = Forward {
            connection: Arc::clone(&self.connection),
            _channel: amqp,
            address: self.address.clone(),
            sender,
        };
        let task = tokio::spawn(forward.run(consumer)).abort_handle();
        Ok(Subscription::new(
            receiver,
            Some(Box::new(AbortOnDrop(task))),
        ))
    }

    /// The publishing channel, opened (in confirm mode) if it is not open.
    async fn open<'c>(
        &self,
        publisher: &'c mut Option<lapin::Channel>,
    ) -> Result<&'c lapin::Channel, TransportError> {
        if !publisher
            .as_ref()
            .is_some_and(|channel| channel.status().connected())
        {
            let failed = |e: &lapin::Error| {
                self.error(e, TransportErrorKind::Publish, "cannot open a channel")
            };
            let channel = self
                .connection
                .create_channel()
                .await
                .map_err(|e| failed(&e))?;
            channel
                .confirm_select(ConfirmSelectOptions::default())
                .await
                .map_err(|e| failed(&e))?;
            *publisher = Some(channel);
        }
        publisher.as_ref().ok_or_else(|| {
            TransportError::new(TransportErrorKind::Publish, "cannot open a channel")
        })
    }

    /// Makes sure queue `name` exists: as it is if it does (whatever its settings), else
    /// declared non-durable and not auto-deleted.
    async fn declare(
        &self,
        publisher: &mut Option<lapin::Channel>,
        name: &str,
        kind: TransportErrorKind,
    ) -> Result<(), TransportError> {
        if self.known(name) {
            return Ok(());
        }
        let queue = short(name, kind)?;
        let passive = QueueDeclareOptions {
            passive: true,
            ..QueueDeclareOptions::default()
        };
        let channel = self.open(publisher).await?;
        let exists = channel
            .queue_declare(queue.clone(), passive, FieldTable::default())
            .await
            .is_ok();
        if !exists {
            // A failed passive declaration closes the channel.
            let channel = self.open(publisher).await?;
            channel
                .queue_declare(queue, QueueDeclareOptions::default(), FieldTable::default())
                .await
                .map_err(|e| self.error(&e, kind, &format!("cannot declare queue `{name}`")))?;
        }
        self.queues
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(name.to_owned());
        Ok(())
    }

    fn known(&self, queue: &str) -> bool {
        self.queues
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .contains(queue)
    }

    /// A lapin error as a transport error: of `kind`, or [`TransportErrorKind::Closed`]
    /// when the connection is gone.
    fn error(&self, error: &lapin::Error, kind: TransportErrorKind, doing: &str) -> TransportError {
        if !self.connection.status().connected() {
            let failure = self.failure.lock().unwrap_or_else(|e| e.into_inner());
            return failure
                .clone()
                .unwrap_or_else(|| lost(&self.address, error));
        }
        TransportError::new(
            kind,
            format!(
                "{doing} on the AMQP broker at {}: {}",
                self.address,
                describe(error)
            ),
        )
    }
}

impl Transport for AmqpTransport {
    fn publish<'a>(
        &'a self,
        channel: Channel<'a>,
        message: Message,
    ) -> BoxFuture<'a, Result<(), TransportError>> {
        Box::pin(self.publish_to(channel, message))
    }

    fn subscribe<'a>(
        &'a self,
        channel: Channel<'a>,
    ) -> BoxFuture<'a, Result<Subscription, TransportError>> {
        Box::pin(self.subscribe_to(channel))
    }
}

/// Moves a consumer's deliveries into a subscription's queue, acknowledging each.
struct Forward {
    connection: Arc<Connection>,
    /// The subscription's channel, closed when the task ends.
    _channel: lapin::Channel,
    address: String,
    sender: mpsc::Sender<Result<Message, TransportError>>,
}

impl Forward {
    async fn run(self, mut consumer: Consumer) {
        while let Some(delivery) = poll_fn(|cx| Pin::new(&mut consumer).poll_next(cx)).await {
            let failure = match delivery {
                Ok(delivery) => {
                    if self.sender.send(Ok(message_of(&delivery))).await.is_err() {
                        // The subscription is gone; closing the channel requeues the message.
                        return;
                    }
                    match delivery.ack(BasicAckOptions::default()).await {
                        Ok(_) => continue,
                        Err(e) => e,
                    }
                }
                Err(e) => e,
            };
            let error = if self.connection.status().connected() {
                TransportError::new(
                    TransportErrorKind::Closed,
                    format!(
                        "the AMQP broker at {} ended the subscription: {}",
                        self.address,
                        describe(&failure)
                    ),
                )
            } else {
                lost(&self.address, &failure)
            };
            let _ = self.sender.send(Err(error)).await;
            return;
        }
    }
}

/// Records in `failure` the error that broke the connection whose `events` these are.
async fn watch(
    mut events: impl Stream<Item = lapin::Event> + Unpin,
    address: String,
    failure: Arc<Mutex<Option<TransportError>>>,
) {
    while let Some(event) = poll_fn(|cx| Pin::new(&mut events).poll_next(cx)).await {
        match event {
            // Channel errors (a failed declaration) leave the connection up.
            lapin::Event::Error(error) if !error.is_amqp_soft_error() => {
                let mut failure = failure.lock().unwrap_or_else(|e| e.into_inner());
                failure.get_or_insert_with(|| lost(&address, &error));
                return;
            }
            _ => {}
        }
    }
}

/// Aborts a task when dropped.
struct AbortOnDrop(tokio::task::AbortHandle);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// A delivery as a [`Message`]: string, number and boolean headers as text (in name order,
/// as the header table keeps them), other headers left out.
fn message_of(delivery: &Delivery) -> Message {
    let properties = &delivery.properties;
    let headers = properties
        .headers()
        .iter()
        .flat_map(|table| table.inner())
        .filter_map(|(name, value)| Some((name.to_string(), header_text(value)?)))
        .collect();
    Message {
        headers,
        content_type: properties.content_type().as_ref().map(ToString::to_string),
        payload: delivery.data.clone(),
    }
}

/// A header value as text, if it is a string, a number or a boolean.
fn header_text(value: &AMQPValue) -> Option<String> {
    Some(match value {
        AMQPValue::LongString(s) => s.to_string(),
        AMQPValue::ShortString(s) => s.to_string(),
        AMQPValue::Boolean(b) => b.to_string(),
        AMQPValue::ShortShortInt(n) => n.to_string(),
        AMQPValue::ShortShortUInt(n) => n.to_string(),
        AMQPValue::ShortInt(n) => n.to_string(),
        AMQPValue::ShortUInt(n) => n.to_string(),
        AMQPValue::LongInt(n) => n.to_string(),
        AMQPValue::LongUInt(n) => n.to_string(),
        AMQPValue::LongLongInt(n) => n.to_string(),
        AMQPValue::Float(n) => n.to_string(),
        AMQPValue::Double(n) => n.to_string(),
        AMQPValue::Timestamp(n) => n.to_string(),
        _ => return None,
    })
}

/// `text` as an AMQP short string (at most 255 bytes).
fn short(text: &str, kind: TransportErrorKind) -> Result<ShortString, TransportError> {
    ShortString::try_new(text).map_err(|_| {
        TransportError::new(
            kind,
            format!("`{text}` is longer than 255 bytes, the limit of AMQP names and content types"),
        )
    })
}

/// The error for a connection that broke.
fn lost(address: &str, error: &lapin::Error) -> TransportError {
    TransportError::new(
        TransportErrorKind::Closed,
        format!(
            "lost the connection to the AMQP broker at {address}: {}",
            describe(error)
        ),
    )
}

/// What went wrong, as a phrase.
fn describe(error: &lapin::Error) -> String {
    match error.kind() {
        lapin::ErrorKind::IOError(e) => io_text(e),
        // The broker's reply text names the error itself: "NOT_FOUND - no exchange ...".
        lapin::ErrorKind::ProtocolError(e) if !e.get_message().as_str().is_empty() => {
            e.get_message().to_string()
        }
        _ => error.to_string(),
    }
}
