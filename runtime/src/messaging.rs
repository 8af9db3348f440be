//! The message steps of a run (AsyncAPI sources, Arazzo 1.1): connecting to a source's
//! broker, subscribing before the first step, publishing, and waiting for a message that
//! matches the step's correlation ID.
//!
//! A message step's outcome is a [`Response`] like an HTTP step's, so that criteria,
//! actions and outputs read it the same way: `$message.payload` is its body and
//! `$message.header.<name>` its headers.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde_json::Value;

use crate::error::{excerpt, Error};
use crate::message::{self, Channel, Message, Subscription, Transport, TransportError};
use crate::operation::Source;
use crate::response::Response;
use crate::run::Run;
use tracing::Instrument;

/// How many messages that match no receive step yet a subscription keeps; the oldest is
/// dropped (with a warning) beyond that.
const PENDING_LIMIT: usize = 1024;

/// A channel a message step publishes on or listens to.
#[derive(Debug)]
pub struct MessageChannel {
    /// The AsyncAPI source.
    pub source: &'static Source,
    /// The AsyncAPI operation, when the step names one.
    pub operation: Option<&'static str>,
    /// The channel's address (topic, queue or routing key).
    pub address: &'static str,
    /// The channel's bindings that a transport reads.
    pub bindings: &'static [(&'static str, &'static str)],
}

/// Where a received message carries its correlation ID.
#[derive(Debug, Clone, Copy)]
pub enum Correlation {
    /// In the header of this name.
    Header(&'static str),
    /// In the payload, at this JSON pointer.
    Payload(&'static str),
}

/// What a [`Response`] of a message step knows of the message.
#[derive(Debug)]
pub(crate) struct MessageInfo {
    pub(crate) channel: &'static str,
    pub(crate) timed_out: bool,
    pub(crate) timeout_ms: u64,
}

/// The broker connections of a client, by broker URL.
#[derive(Default)]
pub(crate) struct Transports(tokio::sync::Mutex<HashMap<String, Arc<dyn Transport>>>);

impl std::fmt::Debug for Transports {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transports").finish_non_exhaustive()
    }
}

/// The messages a receive step waits for: a subscription opened when the workflow
/// started, and what arrived on it that matched no receive step yet.
#[derive(Debug)]
pub struct Inbox {
    channel: &'static MessageChannel,
    subscription: Subscription,
    pending: VecDeque<Message>,
}

/// A message a send step is about to publish.
#[derive(Debug)]
pub struct OutgoingMessage {
    channel: &'static MessageChannel,
    message: Message,
    /// The JSON payload, for `$message.payload` on the step's own criteria.
    json: Option<Value>,
}

impl OutgoingMessage {
    /// Sets header `name` to `value` (text as it is, other JSON values as JSON text); no
    /// value sends no header. A value with a line break is refused.
    pub fn header(&mut self, name: &'static str, value: Option<Value>) -> Result<(), String> {
        let Some(value) = value else {
            return Ok(());
        };
        let text = match value {
            Value::String(text) => text,
            Value::Null => return Ok(()),
            other => other.to_string(),
        };
        if text.contains(['\r', '\n']) {
            return Err(format!("the value of header `{name}` has a line break"));
        }
        self.message.headers.push((name.to_owned(), text));
        Ok(())
    }

    /// Sets the payload to `value` as JSON.
    pub fn json_payload(
        &mut self,
        content_type: &'static str,
        value: &Value,
    ) -> Result<(), String> {
        self.message.payload = serde_json::to_vec(value).map_err(|e| e.to_string())?;
        self.message.content_type = Some(content_type.to_owned());
        self.json = Some(value.clone());
        Ok(())
    }

    /// Sets the payload to `value` as text (a string as it is, other values as JSON text).
    pub fn text_payload(&mut self, content_type: &'static str, value: &Value) {
        self.message.payload = match value {
            Value::String(text) => text.clone().into_bytes(),
            other => other.to_string().into_bytes(),
        };
        self.message.content_type = Some(content_type.to_owned());
    }
}

impl Run<'_> {
    /// The broker URL of `source`, and a connection to it (made once per client).
    async fn transport(&self, source: &'static Source) -> Result<Arc<dyn Transport>, Error> {
        let url = self
            .client
            .base_url(source)
            .ok_or_else(|| Error::NoBaseUrl {
                workflow: self.workflow.to_owned(),
                step: self.step.to_owned(),
                source_name: source.name.to_owned(),
            })?
            .into_owned();
        let mut transports = self.client.inner.transports.0.lock().await;
        if let Some(transport) = transports.get(&url) {
            return Ok(Arc::clone(transport));
        }
        let transport = message::connect(&url)
            .await
            .map_err(|e| self.broker_error(source, &url, e))?;
        transports.insert(url, Arc::clone(&transport));
        Ok(transport)
    }

    fn broker_error(&self, source: &'static Source, url: &str, error: TransportError) -> Error {
        Error::Broker {
            workflow: self.workflow.to_owned(),
            step: self.step.to_owned(),
            source_name: source.name.to_owned(),
            url: without_credentials(url).into(),
            kind: error.kind,
            message: error.message.into(),
        }
    }

    /// Forgets the connection to `source`'s broker after it failed, so that the next step
    /// connects again.
    async fn forget_transport(&self, source: &'static Source) {
        if let Some(url) = self.client.base_url(source) {
            self.client
                .inner
                .transports
                .0
                .lock()
                .await
                .remove(url.as_ref());
        }
    }

    /// Subscribes to the channel of the receive step `step`; called before the workflow's
    /// first step, so that a reply to a message the workflow sends cannot be missed.
    pub async fn subscribe(
        &mut self,
        channel: &'static MessageChannel,
        step: &'static str,
    ) -> Result<Inbox, Error> {
        let previous = std::mem::replace(&mut self.step, step);
        let span = self.span.clone();
        let result = self.open_subscription(channel).instrument(span).await;
        self.step = previous;
        result
    }

    async fn open_subscription(&self, channel: &'static MessageChannel) -> Result<Inbox, Error> {
        let transport = self.transport(channel.source).await?;
        let subscription = transport
            .subscribe(transport_channel(channel))
            .await
            .map_err(|e| self.broker_error_for(channel, e));
        let subscription = match subscription {
            Ok(subscription) => subscription,
            Err(error) => {
                self.forget_transport(channel.source).await;
                return Err(error);
            }
        };
        tracing::debug!(channel = channel.address, "subscribed");
        Ok(Inbox {
            channel,
            subscription,
            pending: VecDeque::new(),
        })
    }

    fn broker_error_for(&self, channel: &'static MessageChannel, error: TransportError) -> Error {
        let url = self
            .client
            .base_url(channel.source)
            .map(|u| u.into_owned())
            .unwrap_or_default();
        self.broker_error(channel.source, &url, error)
    }

    /// A new message to publish on `channel`.
    pub fn message(&self, channel: &'static MessageChannel) -> OutgoingMessage {
        OutgoingMessage {
            channel,
            message: Message::default(),
            json: None,
        }
    }

    /// Turns a refused header or payload of a message into [`Error::InvalidRequest`].
    pub fn message_part(&self, result: Result<(), String>) -> Result<(), Error> {
        result.map_err(|message| self.invalid_request(&message))
    }

    /// Publishes `message`; the step's outcome is the message as sent (Arazzo does not
    /// model delivery confirmation).
    pub async fn publish(&self, message: OutgoingMessage) -> Result<Response, Error> {
        self.step_span.record("operation", message.channel.address);
        self.step_span.record("method", "publish");
        self.publish_now(message)
            .instrument(self.step_span.clone())
            .await
    }

    async fn publish_now(&self, message: OutgoingMessage) -> Result<Response, Error> {
        let channel = message.channel;
        let transport = self.transport(channel.source).await?;
        // The outcome is built first: the transport takes the message.
        let response = self.message_response(channel, &message.message, false, 0)?;
        let bytes = message.message.payload.len();
        if let Err(error) = transport
            .publish(transport_channel(channel), message.message)
            .await
        {
            self.forget_transport(channel.source).await;
            return Err(self.broker_error_for(channel, error));
        }
        tracing::debug!(channel = channel.address, bytes, "message published");
        if let Some(json) = message.json {
            let _ = response.decoded.set(Ok(Some(json)));
        }
        Ok(response)
    }

    /// Waits for the next message on `inbox` whose correlation ID (when the step has one)
    /// is `correlation`'s value, for `timeout_ms` (or the client's receive timeout).
    /// Messages that do not match stay in the inbox for later steps. When none arrives in
    /// time, the outcome is a response that has [`Response::timed_out`], so that the
    /// step's failure actions apply.
    pub async fn receive(
        &self,
        inbox: &mut Inbox,
        correlation: Option<(Correlation, Value)>,
        timeout_ms: Option<u64>,
    ) -> Result<Response, Error> {
        self.step_span.record("operation", inbox.channel.address);
        self.step_span.record("method", "receive");
        self.receive_now(inbox, correlation, timeout_ms)
            .instrument(self.step_span.clone())
            .await
    }

    async fn receive_now(
        &self,
        inbox: &mut Inbox,
        correlation: Option<(Correlation, Value)>,
        timeout_ms: Option<u64>,
    ) -> Result<Response, Error> {
        let channel = inbox.channel;
        let timeout = timeout_ms
            .map(Duration::from_millis)
            .unwrap_or(self.client.inner.receive_timeout);
        let timeout_ms = u64::try_from(timeout.as_millis()).unwrap_or(u64::MAX);
        let expected = correlation.as_ref().map(|(at, value)| (*at, text(value)));
        let matches = |m: &Message| match &expected {
            None => Ok(true),
            Some((at, expected)) => correlation_of(m, *at).map(|v| v.as_deref() == Some(expected)),
        };
        let invalid = |message: String| self.invalid_message(channel, message);
        // A message that arrived earlier, while another step waited.
        let mut found = None;
        for (index, message) in inbox.pending.iter().enumerate() {
            if matches(message).map_err(invalid)? {
                found = Some(index);
                break;
            }
        }
        if let Some(message) = found.and_then(|index| inbox.pending.remove(index)) {
            return self.received(channel, message, timeout_ms);
        }
        // A timeout too long for the clock (`Duration::MAX`) waits as good as forever.
        let far = Duration::from_secs(30 * 365 * 24 * 3600);
        let deadline = Instant::now() + timeout.min(far);
        // The run timeout ends the wait first when it comes sooner.
        let run_ends_first = self.deadline.filter(|run| *run < deadline);
        loop {
            let until = run_ends_first.unwrap_or(deadline);
            let next = tokio::time::timeout_at(until.into(), inbox.subscription.next()).await;
            let message = match next {
                Err(_) if run_ends_first.is_some() => return Err(self.run_timed_out()),
                Err(_) => {
                    tracing::debug!(
                        channel = channel.address,
                        timeout_ms,
                        "no message within the timeout"
                    );
                    return self.message_response(channel, &Message::default(), true, timeout_ms);
                }
                Ok(None) => {
                    self.forget_transport(channel.source).await;
                    return Err(self.broker_error_for(
                        channel,
                        TransportError::new(
                            message::TransportErrorKind::Closed,
                            "the subscription was closed",
                        ),
                    ));
                }
                Ok(Some(Err(error))) => {
                    self.forget_transport(channel.source).await;
                    return Err(self.broker_error_for(channel, error));
                }
                Ok(Some(Ok(message))) => message,
            };
            if matches(&message).map_err(invalid)? {
                return self.received(channel, message, timeout_ms);
            }
            tracing::debug!(
                channel = channel.address,
                "message with another correlation ID kept for later steps"
            );
            if inbox.pending.len() == PENDING_LIMIT {
                tracing::warn!(
                    channel = channel.address,
                    "{PENDING_LIMIT} unmatched messages kept; dropping the oldest"
                );
                inbox.pending.pop_front();
            }
            inbox.pending.push_back(message);
        }
    }

    fn received(
        &self,
        channel: &'static MessageChannel,
        message: Message,
        timeout_ms: u64,
    ) -> Result<Response, Error> {
        tracing::debug!(
            channel = channel.address,
            bytes = message.payload.len(),
            "message received"
        );
        let response = self.message_response(channel, &message, false, timeout_ms)?;
        // A payload its content type says is JSON must be JSON: report it now, as the
        // step's error, rather than as whichever criterion reads it first.
        if let Err(error) = response.body() {
            let message = match error {
                Error::InvalidResponse { message, .. } => message,
                other => other.to_string(),
            };
            return Err(self.invalid_message(channel, message));
        }
        Ok(response)
    }

    fn invalid_message(&self, channel: &'static MessageChannel, message: String) -> Error {
        Error::InvalidMessage {
            workflow: self.workflow.to_owned(),
            step: self.step.to_owned(),
            channel: channel.address.to_owned(),
            message,
        }
    }

    /// The response a message step's criteria and outputs read.
    fn message_response(
        &self,
        channel: &'static MessageChannel,
        message: &Message,
        timed_out: bool,
        timeout_ms: u64,
    ) -> Result<Response, Error> {
        let mut headers = HeaderMap::new();
        let invalid = |message: String| self.invalid_message(channel, message);
        for (name, value) in &message.headers {
            let header = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| invalid(format!("header name `{name}` is not a valid token")))?;
            let value = HeaderValue::from_str(value)
                .map_err(|_| invalid(format!("the value of header `{name}` is not text")))?;
            headers.append(header, value);
        }
        if let Some(content_type) = &message.content_type {
            if let Ok(value) = HeaderValue::from_str(content_type) {
                headers.insert(reqwest::header::CONTENT_TYPE, value);
            }
        }
        let mut response = Response::new(
            self.workflow,
            self.step,
            "MESSAGE",
            channel.address.to_owned(),
            0,
            headers,
            Bytes::from(message.payload.clone()),
        );
        response.message = Some(Box::new(MessageInfo {
            channel: channel.address,
            timed_out,
            timeout_ms,
        }));
        Ok(response)
    }

    /// The error of a message step that failed: [`Error::ReceiveTimeout`] when no message
    /// came, else [`Error::MessageCriteriaNotMet`]. `None` for an HTTP step.
    pub(crate) fn message_failure(
        &self,
        response: &Response,
        criterion: &'static str,
        action: Option<&'static str>,
    ) -> Option<Error> {
        if let Some(timeout) = self.message_timeout(response) {
            return Some(timeout);
        }
        let info = response.message.as_ref()?;
        Some(Error::MessageCriteriaNotMet {
            workflow: self.workflow.to_owned(),
            step: self.step.to_owned(),
            channel: info.channel.into(),
            criterion: criterion.into(),
            action: action.map(Box::from),
            payload: self.redact(&excerpt(response.body_bytes())).into(),
        })
    }

    /// [`Error::ReceiveTimeout`], for a receive step that got no message in time.
    pub(crate) fn message_timeout(&self, response: &Response) -> Option<Error> {
        let info = response.message.as_ref().filter(|m| m.timed_out)?;
        Some(Error::ReceiveTimeout {
            workflow: self.workflow.to_owned(),
            step: self.step.to_owned(),
            channel: info.channel.to_owned(),
            timeout_ms: info.timeout_ms,
        })
    }
}

fn transport_channel(channel: &'static MessageChannel) -> Channel<'static> {
    Channel {
        address: channel.address,
        bindings: channel.bindings,
    }
}

/// A correlation value as text: a string as it is, other values as JSON text.
fn text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// The correlation ID `message` carries at `at`, as text; an error when the payload must
/// be read and is not JSON.
fn correlation_of(message: &Message, at: Correlation) -> Result<Option<String>, String> {
    match at {
        Correlation::Header(name) => Ok(message.header(name).map(str::to_owned)),
        Correlation::Payload(pointer) => {
            let payload: Value = serde_json::from_slice(&message.payload).map_err(|e| {
                format!(
                    "its correlation ID is in the payload (`{pointer}`), which is not JSON: {e}"
                )
            })?;
            Ok(payload.pointer(pointer).map(text))
        }
    }
}

/// `url` without the user name and password it may carry.
fn without_credentials(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(mut parsed) if !parsed.username().is_empty() || parsed.password().is_some() => {
            let _ = parsed.set_username("");
            let _ = parsed.set_password(None);
            parsed.to_string()
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hides_credentials_of_broker_urls() {
        assert_eq!(
            without_credentials("amqp://guest:secret@127.0.0.1:5672/%2f"),
            "amqp://127.0.0.1:5672/%2f"
        );
        assert_eq!(
            without_credentials("mqtt://127.0.0.1:1883"),
            "mqtt://127.0.0.1:1883"
        );
    }

    #[test]
    fn reads_correlation_ids() {
        let message = Message {
            headers: vec![("orderRequestId".into(), "r-1".into())],
            content_type: None,
            payload: br#"{"order":{"id":7}}"#.to_vec(),
        };
        assert_eq!(
            correlation_of(&message, Correlation::Header("orderrequestid")),
            Ok(Some("r-1".to_owned()))
        );
        assert_eq!(
            correlation_of(&message, Correlation::Payload("/order/id")),
            Ok(Some("7".to_owned()))
        );
        let text = Message {
            payload: b"not json".to_vec(),
            ..Message::default()
        };
        assert_eq!(
            correlation_of(&text, Correlation::Payload("/id")),
            Err("its correlation ID is in the payload (`/id`), which is not JSON: expected ident at line 1 column 2".to_owned())
        );
    }
}
