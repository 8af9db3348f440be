//! Steps on an AsyncAPI source (Arazzo 1.1) against real brokers on 127.0.0.1: Mosquitto
//! (MQTT 5) and RabbitMQ (AMQP 0-9-1), started by the tests from their Debian packages.
//! `examples/arazzo/orders.arazzo.yml` creates an order over HTTP, publishes its
//! event, and waits for the confirmation the fulfilment service (played by the test, on
//! the broker) sends back with the same `requestId` header.
//!
//! Each test skips, saying so, when its broker is not installed; `.ci/run` installs both.

use arazzo::message::{self, Channel, Message};
use arazzo_mocks::broker::{Mosquitto, RabbitMq};
use arazzo_mocks::MockServer;
use serde_json::{json, Value};

mod orders {
    arazzo::arazzo_workflow!("../examples/arazzo/orders.arazzo.yml");
}
use orders::{place_order, PlaceOrderInputs};

const EVENTS: Channel<'static> = Channel {
    address: "orders/created",
    bindings: &[],
};
const CONFIRMATIONS: Channel<'static> = Channel {
    address: "orders/confirmed",
    bindings: &[],
};

/// What the fulfilment service answers to an order event.
#[derive(Clone, Copy)]
enum Reply {
    /// A confirmation for another request first, then this one's.
    Confirm,
    /// Nothing.
    Silence,
    /// A payload that is not JSON, under a JSON content type.
    Malformed,
    /// `status: rejected`.
    Reject,
}

/// Plays the fulfilment service: for each order event, the reply `reply` says. Returns
/// once it is subscribed, with the events it received.
async fn fulfilment(url: &str, reply: Reply) -> tokio::sync::mpsc::UnboundedReceiver<Message> {
    let transport = message::connect(url).await.expect("the service connects");
    let mut events = transport.subscribe(EVENTS).await.expect("it subscribes");
    let (seen, received) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Some(Ok(event)) = events.next().await {
            let request_id = event.header("requestId").unwrap_or_default().to_owned();
            let _ = seen.send(event.clone());
            let confirmation = |id: &str, payload: Vec<u8>| Message {
                headers: vec![("requestId".to_owned(), id.to_owned())],
                content_type: Some("application/json".to_owned()),
                payload,
            };
            let replies = match reply {
                Reply::Silence => vec![],
                Reply::Malformed => vec![confirmation(&request_id, b"{not json".to_vec())],
                Reply::Reject => vec![confirmation(
                    &request_id,
                    br#"{"status":"rejected"}"#.to_vec(),
                )],
                Reply::Confirm => vec![
                    confirmation("someone-else", br#"{"status":"rejected"}"#.to_vec()),
                    confirmation(
                        &request_id,
                        br#"{"status":"confirmed","code":"C-42","eta":3}"#.to_vec(),
                    ),
                ],
            };
            for message in replies {
                transport
                    .publish(CONFIRMATIONS, message)
                    .await
                    .expect("it replies");
            }
        }
    });
    received
}

fn client(api: &MockServer, broker: &str) -> arazzo::Client {
    arazzo::Client::builder()
        .base_url("orders", api.base_url())
        .base_url("events", broker)
        .build()
        .unwrap()
}

fn inputs() -> PlaceOrderInputs {
    PlaceOrderInputs {
        item: "tea".to_owned(),
        quantity: 2,
        request_id: "req-1".to_owned(),
    }
}

async fn round_trip(broker: &str) {
    let api = arazzo_mocks::orders::start().await;
    let mut events = fulfilment(broker, Reply::Confirm).await;
    let out = place_order(&client(&api, broker), inputs()).await.unwrap();
    assert_eq!(out.order_id, "ord-2");
    assert_eq!(out.confirmation_code, "C-42");
    assert_eq!(out.eta, 3);
    let event = events.recv().await.expect("the event was published");
    assert_eq!(event.header("requestId"), Some("req-1"));
    assert_eq!(event.content_type.as_deref(), Some("application/json"));
    let payload: Value = serde_json::from_slice(&event.payload).unwrap();
    assert_eq!(payload, json!({ "orderId": "ord-2", "quantity": 2 }));
}

#[tokio::test]
async fn an_order_is_created_announced_and_confirmed_over_mqtt() {
    let Some(broker) = Mosquitto::start() else {
        return;
    };
    round_trip(&broker.url()).await;
}

#[tokio::test]
async fn an_order_is_created_announced_and_confirmed_over_amqp() {
    let Some(broker) = RabbitMq::start() else {
        return;
    };
    round_trip(&broker.url()).await;
}

#[tokio::test]
async fn no_reply_within_the_timeout_names_the_step() {
    let Some(broker) = Mosquitto::start() else {
        return;
    };
    let api = arazzo_mocks::orders::start().await;
    let _service = fulfilment(&broker.url(), Reply::Silence).await;
    let error = place_order(&client(&api, &broker.url()), inputs())
        .await
        .unwrap_err();
    assert!(
        matches!(error, arazzo::Error::ReceiveTimeout { .. }),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "step `awaitConfirmation` of workflow `placeOrder`: no message on `orders/confirmed` within 5000 ms"
    );
}

#[tokio::test]
async fn the_run_timeout_ends_a_wait_for_a_message() {
    let Some(broker) = Mosquitto::start() else {
        return;
    };
    let api = arazzo_mocks::orders::start().await;
    let _service = fulfilment(&broker.url(), Reply::Silence).await;
    let client = arazzo::Client::builder()
        .base_url("orders", api.base_url())
        .base_url("events", broker.url())
        .run_timeout(std::time::Duration::from_millis(1500))
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let error = place_order(&client, inputs()).await.unwrap_err();
    // The step's own timeout is 5000 ms; the run's comes first.
    assert_eq!(
        error.to_string(),
        "step `awaitConfirmation` of workflow `placeOrder`: the run did not finish within 1500 ms (the client's run timeout; change it with `ClientBuilder::run_timeout`)"
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(4));
}

#[tokio::test]
async fn a_malformed_reply_is_an_invalid_message() {
    let Some(broker) = Mosquitto::start() else {
        return;
    };
    let api = arazzo_mocks::orders::start().await;
    let _service = fulfilment(&broker.url(), Reply::Malformed).await;
    let error = place_order(&client(&api, &broker.url()), inputs())
        .await
        .unwrap_err();
    assert!(
        matches!(error, arazzo::Error::InvalidMessage { .. }),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "step `awaitConfirmation` of workflow `placeOrder`: invalid message on `orders/confirmed`: the body is not valid JSON: key must be a string at line 1 column 2"
    );
}

#[tokio::test]
async fn a_rejection_fails_the_success_criterion() {
    let Some(broker) = Mosquitto::start() else {
        return;
    };
    let api = arazzo_mocks::orders::start().await;
    let _service = fulfilment(&broker.url(), Reply::Reject).await;
    let error = place_order(&client(&api, &broker.url()), inputs())
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "step `awaitConfirmation` of workflow `placeOrder`: success criterion `$message.payload#/status == 'confirmed'` not met by the message on `orders/confirmed`: {\"status\":\"rejected\"}"
    );
}

#[tokio::test]
async fn a_broker_that_is_down_is_a_broker_error() {
    // A port that was free a moment ago: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("mqtt://127.0.0.1:{port}");
    let api = arazzo_mocks::orders::start().await;
    let error = place_order(&client(&api, &url), inputs())
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            arazzo::Error::Broker {
                kind: message::TransportErrorKind::Connect,
                ..
            }
        ),
        "{error:?}"
    );
    // The subscription of the receive step is opened before the first step.
    assert_eq!(
        error.to_string(),
        format!("step `awaitConfirmation` of workflow `placeOrder`: broker of source `events` at mqtt://127.0.0.1:{port}: cannot connect to the MQTT broker at 127.0.0.1:{port}: connection refused")
    );
    assert!(
        api.requests().is_empty(),
        "no order is created when the broker is down"
    );
}
