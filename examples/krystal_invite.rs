//! Invite a user into a Krystal organization, with the workflow in
//! `examples/arazzo/krystal-invite.arazzo.yml` turned into typed Rust by the macro.
//!
//! It starts a mock of Krystal Identity's create-invite operation on 127.0.0.1, runs the
//! workflow once successfully, then twice more to show the two documented refusals that the
//! workflow's failure actions tell apart: an unknown organization (404
//! `organization_not_found`) and an invalid invite (422 `validation_error`). Each request is
//! printed as the workflow makes it, with the body the mock received.
//!
//! ```text
//! cargo run --example krystal_invite
//! ```

use std::time::Duration;

use arazzo::{Hooks, RequestEvent, ResponseEvent};
use arazzo_mocks::krystal::{KrystalConfig, KrystalMock, DEFAULT_TOKEN};

arazzo::arazzo_workflow!("examples/arazzo/krystal-invite.arazzo.yml");

/// Prints every request and response.
struct Trace;

impl Hooks for Trace {
    fn on_request(&self, e: &RequestEvent<'_>) {
        println!("  -> {:<12} #{} {} {}", e.step, e.attempt, e.method, e.url);
    }

    fn on_response(&self, e: &ResponseEvent<'_>) {
        println!(
            "  <- {:<12} #{} {} in {:.1?}",
            e.step, e.attempt, e.status, e.elapsed
        );
    }
}

/// Prints the JSON bodies the mock received since the last call, then forgets them.
fn print_bodies(mock: &KrystalMock) {
    for request in mock.requests() {
        if let Some(json) = &request.json {
            println!("     body sent: {json}");
        }
    }
    mock.clear_requests();
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut config = KrystalConfig::default();
    config.with_unknown_organization("org_gone");
    let mock = KrystalMock::start(&config).await;
    println!("Krystal Identity mock listening on {}", mock.base_url());

    let client = arazzo::Client::builder()
        .base_url("krystalIdentity", mock.base_url())
        .bearer_token(DEFAULT_TOKEN)
        .reqwest_client(
            arazzo::reqwest::Client::builder()
                .timeout(Duration::from_secs(10))
                .build()?,
        )
        .hooks(Trace)
        .build()?;

    println!("\nRunning workflow `invite-to-organization`:");
    let out = invite_to_organization(
        &client,
        InviteToOrganizationInputs {
            organization: "org_acme".to_owned(),
            email_address: "ada@example.com".to_owned(),
            role_names: Some(vec!["admin".to_owned(), "billing".to_owned()]),
            owner: None,
        },
    )
    .await?;
    print_bodies(&mock);

    println!("\nOutputs ({}):", std::any::type_name_of_val(&out));
    println!("  invite_id: String = {:?}", out.invite_id);
    println!("  state: String = {:?}", out.state);
    println!("  expires_at: i64 = {}", out.expires_at);
    println!("  role_names: Vec<Option<String>> = {:?}", out.role_names);
    println!("  invited_by: String = {:?}", out.invited_by);

    println!("\nAn unknown organization (the `organizationNotFound` failure action ends the run):");
    let error = invite_to_organization(
        &client,
        InviteToOrganizationInputs {
            organization: "org_gone".to_owned(),
            email_address: "ada@example.com".to_owned(),
            role_names: None,
            owner: None,
        },
    )
    .await
    .expect_err("org_gone is unknown to the mock");
    print_bodies(&mock);
    println!("  error: {error}");

    println!("\nAn invalid invite (the `invalidInvite` failure action ends the run):");
    let error = invite_to_organization(
        &client,
        InviteToOrganizationInputs {
            organization: "org_acme".to_owned(),
            email_address: "not-an-email".to_owned(),
            role_names: Some(vec!["root".to_owned()]),
            owner: Some(true),
        },
    )
    .await
    .expect_err("the mock rejects the address and the role");
    print_bodies(&mock);
    println!("  error: {error}");
    Ok(())
}
