//! The main example: invite a user into a Kinde organization and wait until the invitation
//! email has gone out, with the workflow in `examples/arazzo/kinde-invite.arazzo.yml`
//! turned into typed Rust by the macro.
//!
//! It starts a mock of the three Kinde operations on 127.0.0.1 (the invitation reports
//! `is_sent: false` twice, so the workflow's `retry` action waits 3 s twice), prints each
//! request as the workflow makes it, then the typed outputs.
//!
//! ```text
//! cargo run --example kinde_invite
//! RUST_LOG=arazzo=debug cargo run --example kinde_invite   # with the workflow and step spans
//! ```

use std::time::Duration;

use arazzo::{Hooks, RequestEvent, ResponseEvent, RetryEvent};
use arazzo_mocks::kinde::{KindeConfig, KindeMock, DEFAULT_TOKEN};

// The real Kinde document writes `$.is_sent == true`, which is neither a runtime expression
// nor RFC 9535 JSONPath; it is read as `$response.body#/is_sent == true`, and the warning
// that says so is allowed here.
arazzo::arazzo_workflow!(
    "examples/arazzo/kinde-invite.arazzo.yml",
    allow = ["nonstandard-form"],
);

/// Prints every request, response and retry.
struct Trace;

impl Hooks for Trace {
    fn on_request(&self, e: &RequestEvent<'_>) {
        println!("  -> {:<15} #{} {} {}", e.step, e.attempt, e.method, e.url);
    }

    fn on_response(&self, e: &ResponseEvent<'_>) {
        println!(
            "  <- {:<15} #{} {} in {:.1?}",
            e.step, e.attempt, e.status, e.elapsed
        );
    }

    fn on_retry(&self, e: &RetryEvent<'_>) {
        println!(
            "     {:<15} not done yet; retrying in {:?}",
            e.step, e.delay
        );
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // `RUST_LOG=arazzo=debug` logs every step inside its `workflow` and `step` spans (the
    // operation, method, URL without secrets, status and attempt as their fields).
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .init();
    let mock = KindeMock::start(&KindeConfig::default()).await;
    println!("Kinde mock listening on {}", mock.base_url());

    // `client_builder()` checks every name it is given against the document's: a
    // misspelled source description is an error at `build()`, not a wrong server later.
    let client = client_builder()
        .base_url(sources::KINDE_MANAGEMENT_API, mock.base_url())
        .bearer_token(DEFAULT_TOKEN)
        .request_timeout(Duration::from_secs(10))
        .hooks(Trace)
        .build()?;

    println!("\nRunning workflow `invite-user-to-organization`:");
    let out = invite_user_to_organization(
        &client,
        InviteUserToOrganizationInputs {
            org_code: "org_acme".to_owned(),
            email: "ada@example.com".to_owned(),
            first_name: Some("Ada".to_owned()),
            last_name: Some("Lovelace".to_owned()),
            role_keys: vec!["admin".to_owned(), "member".to_owned()],
        },
    )
    .await?;

    println!("\nOutputs ({}):", std::any::type_name_of_val(&out));
    println!("  invite_code: String = {:?}", out.invite_code);
    println!("  invite_link: String = {:?}", out.invite_link);
    Ok(())
}
