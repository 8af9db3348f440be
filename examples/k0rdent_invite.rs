//! Invite users into a k0rdent AI organization, with the workflow in
//! `examples/arazzo/k0rdent-invite.arazzo.yml` turned into typed Rust by the macro.
//!
//! It starts a mock of k0rdent's create-invitation operation on 127.0.0.1 and runs the
//! workflow three times: with roles, with groups and a message, and with neither (which the
//! generated code refuses before sending anything, as the inputs schema's `anyOf` asks).
//! Each request is printed as the workflow makes it, with the body the mock received.
//!
//! ```text
//! cargo run --example k0rdent_invite
//! ```

use std::time::Duration;

use arazzo::{Hooks, RequestEvent, ResponseEvent};
use arazzo_mocks::k0rdent::{K0rdentConfig, K0rdentMock, DEFAULT_TOKEN, ORGANIZATION_ID};

arazzo::arazzo_workflow!("examples/arazzo/k0rdent-invite.arazzo.yml");

/// Prints every request and response.
struct Trace;

impl Hooks for Trace {
    fn on_request(&self, e: &RequestEvent<'_>) {
        println!("  -> {:<16} #{} {} {}", e.step, e.attempt, e.method, e.url);
    }

    fn on_response(&self, e: &ResponseEvent<'_>) {
        println!(
            "  <- {:<16} #{} {} in {:.1?}",
            e.step, e.attempt, e.status, e.elapsed
        );
    }
}

/// Prints the JSON bodies the mock received since the last call, then forgets them.
fn print_bodies(mock: &K0rdentMock) {
    for request in mock.requests() {
        if let Some(json) = &request.json {
            println!("     body sent: {json}");
        }
    }
    mock.clear_requests();
}

fn print_outputs(out: &InviteToOrganizationOutputs) {
    println!("  Outputs ({}):", std::any::type_name_of_val(out));
    println!("    invitation_id: String = {:?}", out.invitation_id);
    println!("    status: String = {:?}", out.status);
    println!("    self_link: String = {:?}", out.self_link);
    println!("    roles: Vec<String> = {:?}", out.roles);
    println!("    groups: Vec<String> = {:?}", out.groups);
    println!("    expires_at: String = {:?}", out.expires_at);
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mock = K0rdentMock::start(&K0rdentConfig::default()).await;
    println!("k0rdent mock listening on {}", mock.base_url());

    let client = arazzo::Client::builder()
        .base_url("k0rdentApi", mock.base_url())
        .bearer_token(DEFAULT_TOKEN)
        .reqwest_client(
            arazzo::reqwest::Client::builder()
                .timeout(Duration::from_secs(10))
                .build()?,
        )
        .hooks(Trace)
        .build()?;

    println!("\nWorkflow `invite-to-organization` with roles:");
    let out = invite_to_organization(
        &client,
        InviteToOrganizationInputs {
            organization_id: ORGANIZATION_ID.to_owned(),
            email: "ada@example.com".to_owned(),
            roles: Some(vec!["admin".to_owned()]),
            groups: None,
            message: None,
        },
    )
    .await?;
    print_bodies(&mock);
    print_outputs(&out);

    println!("\nWith groups and a message:");
    let out = invite_to_organization(
        &client,
        InviteToOrganizationInputs {
            organization_id: ORGANIZATION_ID.to_owned(),
            email: "grace@example.com".to_owned(),
            roles: None,
            groups: Some(vec!["gpu-users".to_owned(), "ml-team".to_owned()]),
            message: Some("Welcome aboard: your GPUs are waiting.".to_owned()),
        },
    )
    .await?;
    print_bodies(&mock);
    print_outputs(&out);

    println!("\nWith neither roles nor groups (refused before any request):");
    let error = invite_to_organization(
        &client,
        InviteToOrganizationInputs {
            organization_id: ORGANIZATION_ID.to_owned(),
            email: "linus@example.com".to_owned(),
            roles: None,
            groups: None,
            message: None,
        },
    )
    .await
    .expect_err("the inputs schema needs roles or groups");
    println!("  error: {error}");
    println!("  requests sent: {}", mock.requests().len());
    Ok(())
}
