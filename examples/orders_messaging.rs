//! Arazzo 1.1 messaging: a workflow that creates an order over HTTP, publishes its event
//! on an MQTT broker and waits for the fulfilment service's confirmation, matched by the
//! request id (`examples/arazzo/orders.arazzo.yml`, on `orders.openapi.yml` and
//! `orders.asyncapi.yml`).
//!
//! It starts a real Mosquitto broker on 127.0.0.1 (from the Debian package `mosquitto`),
//! a mock of the orders API, and a small fulfilment service on the broker that answers each
//! order event: first with a confirmation for another request (which the workflow skips),
//! then with this one's. It prints the traffic, then the typed outputs.
//!
//! ```text
//! cargo run --example orders_messaging --features mqtt
//! ```

use std::process::ExitCode;

use arazzo::message::{self, Channel, Message};
use arazzo::{Hooks, RequestEvent, ResponseEvent};
use arazzo_mocks::broker::Mosquitto;

arazzo::arazzo_workflow!("examples/arazzo/orders.arazzo.yml");

/// The channels of `orders.asyncapi.yml`, as the fulfilment service uses them.
const EVENTS: Channel<'static> = Channel {
    address: "orders/created",
    bindings: &[],
};
const CONFIRMATIONS: Channel<'static> = Channel {
    address: "orders/confirmed",
    bindings: &[],
};

/// Prints every HTTP request and response of the workflow.
struct Trace;

impl Hooks for Trace {
    fn on_request(&self, e: &RequestEvent<'_>) {
        println!("  -> {:<17} {} {}", e.step, e.method, e.url);
    }

    fn on_response(&self, e: &ResponseEvent<'_>) {
        println!("  <- {:<17} {} in {:.1?}", e.step, e.status, e.elapsed);
    }
}

/// The fulfilment service: answers every order event on the broker at `url`. Returns once
/// it is subscribed.
async fn fulfilment(url: &str) -> Result<(), message::TransportError> {
    let transport = message::connect(url).await?;
    let mut events = transport.subscribe(EVENTS).await?;
    tokio::spawn(async move {
        while let Some(Ok(event)) = events.next().await {
            let request_id = event.header("requestId").unwrap_or_default().to_owned();
            println!(
                "     fulfilment service got `{}` with requestId {request_id}: {}",
                EVENTS.address,
                String::from_utf8_lossy(&event.payload)
            );
            let confirmation = |id: &str, payload: &str| Message {
                headers: vec![("requestId".to_owned(), id.to_owned())],
                content_type: Some("application/json".to_owned()),
                payload: payload.as_bytes().to_vec(),
            };
            for reply in [
                confirmation("req-other", r#"{"status":"rejected"}"#),
                confirmation(
                    &request_id,
                    r#"{"status":"confirmed","code":"C-42","eta":3}"#,
                ),
            ] {
                println!(
                    "     fulfilment service sends `{}` with requestId {}",
                    CONFIRMATIONS.address,
                    reply.header("requestId").unwrap_or_default()
                );
                if let Err(e) = transport.publish(CONFIRMATIONS, reply).await {
                    eprintln!("the fulfilment service could not reply: {e}");
                }
            }
        }
    });
    Ok(())
}

#[tokio::main]
async fn main() -> Result<ExitCode, Box<dyn std::error::Error>> {
    let Some(broker) = Mosquitto::start() else {
        eprintln!("this example needs Mosquitto: `sudo apt-get install mosquitto`");
        return Ok(ExitCode::FAILURE);
    };
    let api = arazzo_mocks::orders::start().await;
    println!("Mosquitto listening on {}", broker.url());
    println!("orders API listening on {}", api.base_url());
    fulfilment(&broker.url()).await?;

    let client = arazzo::Client::builder()
        .base_url("orders", api.base_url())
        .base_url("events", broker.url())
        .hooks(Trace)
        .build()?;

    println!("\nRunning workflow `placeOrder`:");
    let out = place_order(
        &client,
        PlaceOrderInputs {
            item: "tea".to_owned(),
            quantity: 2,
            request_id: "req-1".to_owned(),
        },
    )
    .await?;

    println!("\nTyped outputs (PlaceOrderOutputs):");
    println!("  order_id          = {:?}", out.order_id);
    println!("  confirmation_code = {:?}", out.confirmation_code);
    println!("  eta               = {:?}", out.eta);
    Ok(ExitCode::SUCCESS)
}
