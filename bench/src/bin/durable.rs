//! The cost of durable runs: the Kinde workflow run plainly (the generated `async fn`) and
//! through the generated Restate service on a real `restate-server`, against the same
//! in-process Kinde mock, one run after another.
//!
//! ```text
//! cargo run --release -p arazzo-bench --bin durable [-- RUNS]
//! ```
//!
//! Each run sends 5 requests (roles, invitation, three polls, the first two answering
//! `is_sent: false`) and waits twice (`retryAfter: 0`): durable, each request is a journal
//! entry and each wait a Restate timer.

use std::time::{Duration, Instant};

use arazzo_bench::{generated, generated_inputs, TOKEN};
use arazzo_mocks::kinde::{KindeConfig, KindeMock};
use arazzo_mocks::restate::RestateServer;
use restate_sdk::prelude::Endpoint;

/// Requests one run sends.
const REQUESTS: u32 = 5;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let runs: u32 = std::env::args().nth(1).map_or(Ok(200), |n| n.parse())?;
    let Some(restate) = RestateServer::start() else {
        return Err("restate-server is not installed".into());
    };
    let kinde = KindeMock::start(KindeConfig::default().with_polls_before_sent(2)).await;
    let client = generated::client_builder()
        .base_url(generated::sources::KINDE_MANAGEMENT_API, kinde.base_url())
        .bearer_token(TOKEN)
        .build()?;

    // Plain: the generated function.
    for _ in 0..10 {
        generated::invite_user_to_organization(&client, generated_inputs("org_acme".into()))
            .await?;
    }
    let started = Instant::now();
    for _ in 0..runs {
        generated::invite_user_to_organization(&client, generated_inputs("org_acme".into()))
            .await?;
    }
    let plain = started.elapsed() / runs;

    // Durable: the generated Restate service, in this process, behind the server.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let port = listener.local_addr()?.port();
    let service = generated::restate::KindeInviteBench::new(client.clone());
    tokio::spawn(arazzo::restate::serve(
        Endpoint::builder().bind(service).build(),
        listener,
    ));
    let uri = format!("http://127.0.0.1:{port}");
    let registered = tokio::task::spawn_blocking(move || {
        restate.register(&uri);
        restate
    });
    let restate = registered.await?;
    let http = arazzo::reqwest::Client::new();
    let url = format!(
        "{}/KindeInviteBench/invite_user_to_organization",
        restate.ingress_url()
    );
    let body = serde_json::to_string(&generated_inputs("org_acme".into()))?;
    let invoke = || async {
        let response = http
            .post(&url)
            .header("content-type", "application/json")
            .body(body.clone())
            .timeout(Duration::from_secs(30))
            .send()
            .await?;
        let status = response.status();
        let text = response.text().await?;
        if !status.is_success() {
            return Err(format!("{status}: {text}").into());
        }
        Ok::<_, Box<dyn std::error::Error>>(text)
    };
    for _ in 0..10 {
        invoke().await?;
    }
    let started = Instant::now();
    for _ in 0..runs {
        invoke().await?;
    }
    let durable = started.elapsed() / runs;

    let per_request = durable.saturating_sub(plain) / REQUESTS;
    println!("runs: {runs} of each, sequential, {REQUESTS} requests and 2 waits per run");
    println!("plain:   {:>10.3} ms per run", ms(plain));
    println!("durable: {:>10.3} ms per run", ms(durable));
    println!(
        "durable / plain: {:.1}x; journal cost per request (waits included): {:.3} ms",
        durable.as_secs_f64() / plain.as_secs_f64(),
        ms(per_request)
    );
    Ok(())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}
