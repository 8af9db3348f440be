//! The Kinde invitation workflow as a Restate service, for `tests/tests/e2e/restate.rs`:
//! the generated service (`restate = "KindeInvite"`) on 127.0.0.1, sending to a Kinde API.
//!
//! ```text
//! kinde-restate-service <port> <kinde base URL> <bearer token>
//! ```

use restate_sdk::prelude::Endpoint;

arazzo::arazzo_workflow!(
    "../examples/arazzo/kinde-invite.arazzo.yml",
    allow = ["nonstandard-form"],
    restate = "KindeInvite",
);

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let usage = "usage: kinde-restate-service <port> <kinde base URL> <bearer token>";
    let port: u16 = args.next().ok_or(usage)?.parse()?;
    let base_url = args.next().ok_or(usage)?;
    let token = args.next().ok_or(usage)?;
    let client = client_builder()
        .base_url(sources::KINDE_MANAGEMENT_API, base_url)
        .bearer_token(token)
        .build()?;
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    arazzo::restate::serve(
        Endpoint::builder()
            .bind(restate::KindeInvite::new(client))
            .build(),
        listener,
    )
    .await;
    Ok(())
}
