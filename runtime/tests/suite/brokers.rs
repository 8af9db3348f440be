//! The MQTT and AMQP transports against real brokers (Mosquitto, RabbitMQ) that the tests
//! start themselves; each test that needs a broker skips when it is not installed.

use std::net::{Ipv4Addr, TcpListener};
use std::time::Duration;

use arazzo_mocks::broker::{Mosquitto, RabbitMq};
use arazzo_runtime::message::{
    connect, Channel, Message, Subscription, TransportError, TransportErrorKind,
};

/// How long a test waits for a message before it fails.
const WAIT: Duration = Duration::from_secs(10);

fn channel(address: &str) -> Channel<'_> {
    Channel {
        address,
        bindings: &[],
    }
}

fn order_message() -> Message {
    Message {
        headers: vec![
            ("x-correlation-id".to_owned(), "c-42".to_owned()),
            ("x-tenant".to_owned(), "acme".to_owned()),
        ],
        content_type: Some("application/json".to_owned()),
        payload: br#"{"orderId":"o-1","total":12.5}"#.to_vec(),
    }
}

/// The next item of `subscription`, failing the test after [`WAIT`].
async fn next(subscription: &mut Subscription) -> Option<Result<Message, TransportError>> {
    tokio::time::timeout(WAIT, subscription.next())
        .await
        .expect("no message within 10 s")
}

/// Asserts that `subscription` receives nothing more for a moment.
async fn assert_quiet(subscription: &mut Subscription) {
    let extra = tokio::time::timeout(Duration::from_millis(300), subscription.next()).await;
    assert!(extra.is_err(), "unexpected message: {extra:?}");
}

/// A port on 127.0.0.1 where nothing listens.
fn closed_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|listener| listener.local_addr())
        .expect("bind 127.0.0.1:0")
        .port()
}

#[tokio::test]
async fn mqtt_round_trip_keeps_headers_content_type_and_payload() {
    let Some(mosquitto) = Mosquitto::start() else {
        return;
    };
    let transport = connect(&mosquitto.url()).await.expect("connect");
    let mut subscription = transport
        .subscribe(channel("shop/orders/created"))
        .await
        .expect("subscribe");
    transport
        .publish(channel("shop/orders/created"), order_message())
        .await
        .expect("publish");
    let received = next(&mut subscription)
        .await
        .expect("open")
        .expect("message");
    assert_eq!(received, order_message());
    assert_quiet(&mut subscription).await;
}

#[tokio::test]
async fn mqtt_routes_each_message_once_to_every_matching_subscription() {
    let Some(mosquitto) = Mosquitto::start() else {
        return;
    };
    let transport = connect(&mosquitto.url()).await.expect("connect");
    let mut exact = transport
        .subscribe(channel("shop/orders/created"))
        .await
        .unwrap();
    let mut level = transport
        .subscribe(channel("shop/+/created"))
        .await
        .unwrap();
    let mut rest = transport.subscribe(channel("shop/#")).await.unwrap();
    let mut twin = transport.subscribe(channel("shop/#")).await.unwrap();
    let mut other = transport
        .subscribe(channel("shop/orders/paid"))
        .await
        .unwrap();

    let message = Message {
        payload: b"one".to_vec(),
        ..Message::default()
    };
    transport
        .publish(channel("shop/orders/created"), message.clone())
        .await
        .unwrap();
    for subscription in [&mut exact, &mut level, &mut rest, &mut twin] {
        assert_eq!(next(subscription).await.unwrap().unwrap(), message);
    }
    for subscription in [&mut exact, &mut level, &mut rest, &mut twin, &mut other] {
        assert_quiet(subscription).await;
    }

    // A dropped subscription leaves the others of its filter subscribed.
    drop(twin);
    transport
        .publish(channel("shop/orders/paid"), message.clone())
        .await
        .unwrap();
    assert_eq!(next(&mut other).await.unwrap().unwrap(), message);
    assert_eq!(next(&mut rest).await.unwrap().unwrap(), message);
    assert_quiet(&mut exact).await;
}

#[tokio::test]
async fn mqtt_connect_without_broker_fails_with_connect() {
    let port = closed_port();
    let error = connect(&format!("mqtt://127.0.0.1:{port}"))
        .await
        .err()
        .expect("no broker");
    assert_eq!(error.kind, TransportErrorKind::Connect);
    assert_eq!(
        error.message,
        format!("cannot connect to the MQTT broker at 127.0.0.1:{port}: connection refused")
    );
}

#[tokio::test]
async fn mqtt_subscription_reports_a_broker_that_went_away() {
    let Some(mut mosquitto) = Mosquitto::start() else {
        return;
    };
    let port = mosquitto.port();
    let transport = connect(&mosquitto.url()).await.expect("connect");
    let mut subscription = transport.subscribe(channel("shop/orders")).await.unwrap();
    mosquitto.stop();
    let error = next(&mut subscription)
        .await
        .expect("an error")
        .unwrap_err();
    assert_eq!(error.kind, TransportErrorKind::Closed);
    // Closed (FIN) or reset (RST), as the kernel ends the killed broker's socket.
    let lost = format!("lost the connection to the MQTT broker at 127.0.0.1:{port}: ");
    assert!(
        [
            format!("{lost}the broker closed the connection"),
            format!("{lost}connection reset"),
        ]
        .contains(&error.message),
        "{}",
        error.message
    );
    assert!(next(&mut subscription).await.is_none());
    let error = transport
        .publish(channel("shop/orders"), Message::default())
        .await
        .unwrap_err();
    assert_eq!(error.kind, TransportErrorKind::Closed);
}

#[tokio::test]
async fn amqp_round_trips_through_queues_and_exchanges() {
    let Some(rabbitmq) = RabbitMq::start() else {
        return;
    };
    let port = rabbitmq.port();
    let transport = connect(&rabbitmq.url()).await.expect("connect");

    // A queue on the default exchange; headers come back in name order.
    let mut subscription = transport.subscribe(channel("orders")).await.unwrap();
    transport
        .publish(channel("orders"), order_message())
        .await
        .unwrap();
    assert_eq!(
        next(&mut subscription).await.unwrap().unwrap(),
        order_message()
    );
    assert_quiet(&mut subscription).await;

    // A queue published to before anyone subscribes keeps the message.
    transport
        .publish(channel("invoices"), order_message())
        .await
        .unwrap();
    let mut late = transport.subscribe(channel("invoices")).await.unwrap();
    assert_eq!(next(&mut late).await.unwrap().unwrap(), order_message());

    // An exchange: every subscription has its own queue, bound with the address.
    let bindings = [("amqp.exchange", "amq.topic")];
    let routed = |address| Channel {
        address,
        bindings: &bindings,
    };
    let mut first = transport.subscribe(routed("orders.created")).await.unwrap();
    let mut second = transport.subscribe(routed("orders.created")).await.unwrap();
    let mut paid = transport.subscribe(routed("orders.paid")).await.unwrap();
    transport
        .publish(routed("orders.created"), order_message())
        .await
        .unwrap();
    assert_eq!(next(&mut first).await.unwrap().unwrap(), order_message());
    assert_eq!(next(&mut second).await.unwrap().unwrap(), order_message());
    assert_quiet(&mut paid).await;

    // A missing exchange fails the publish, and the transport goes on publishing.
    let missing = [("amqp.exchange", "no-such-exchange")];
    let error = transport
        .publish(
            Channel {
                address: "orders",
                bindings: &missing,
            },
            order_message(),
        )
        .await
        .unwrap_err();
    assert_eq!(error.kind, TransportErrorKind::Publish);
    assert_eq!(
        error.message,
        format!(
            "cannot publish to `orders` on the AMQP broker at 127.0.0.1:{port}: \
             NOT_FOUND - no exchange 'no-such-exchange' in vhost '/'"
        )
    );
    transport
        .publish(channel("orders"), order_message())
        .await
        .unwrap();
    assert_eq!(
        next(&mut subscription).await.unwrap().unwrap(),
        order_message()
    );
}

#[tokio::test]
async fn amqp_connect_without_broker_fails_with_connect() {
    let port = closed_port();
    let error = connect(&format!("amqp://guest:guest@127.0.0.1:{port}/%2f"))
        .await
        .err()
        .expect("no broker");
    assert_eq!(error.kind, TransportErrorKind::Connect);
    assert_eq!(
        error.message,
        format!("cannot connect to the AMQP broker at 127.0.0.1:{port}: connection refused")
    );
}

#[tokio::test]
async fn amqp_subscription_reports_a_broker_that_went_away() {
    let Some(mut rabbitmq) = RabbitMq::start() else {
        return;
    };
    let port = rabbitmq.port();
    let transport = connect(&rabbitmq.url()).await.expect("connect");
    let mut subscription = transport.subscribe(channel("orders")).await.unwrap();
    rabbitmq.stop();
    let error = next(&mut subscription)
        .await
        .expect("an error")
        .unwrap_err();
    assert_eq!(error.kind, TransportErrorKind::Closed);
    // Reset (RST) or aborted (FIN), as the kernel ends the killed broker's socket.
    let lost = format!("lost the connection to the AMQP broker at 127.0.0.1:{port}: ");
    assert!(
        [
            format!("{lost}connection reset"),
            format!("{lost}connection aborted"),
        ]
        .contains(&error.message),
        "{}",
        error.message
    );
    assert!(next(&mut subscription).await.is_none());
    let after = transport
        .publish(channel("orders"), Message::default())
        .await
        .unwrap_err();
    assert_eq!(after, error);
}
