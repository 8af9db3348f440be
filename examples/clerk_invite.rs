//! Clerk organization invitations, with the six workflows in
//! `examples/arazzo/clerk-invitations.arazzo.yml` turned into typed Rust by the macro.
//!
//! It starts a mock of Clerk's Backend API on 127.0.0.1 and runs, in turn: `invite-member`
//! (create, then read back until pending), `bulk-invite` (three invitations in one call, then
//! a count of what is pending), `list-pending-invitations` page by page until an address is
//! found, `find-invitation-by-email`, `revoke-invitation`, and the
//! `revoke-pending-invitations` loop, which looks up and revokes an address's pending
//! invitations one at a time until none is left. Each request is printed as the workflow
//! makes it, then the typed outputs.
//!
//! ```text
//! cargo run --example clerk_invite
//! ```

use std::time::Duration;

use arazzo::{Hooks, RequestEvent, ResponseEvent};
use arazzo_mocks::clerk::{ClerkConfig, ClerkMock, ADMIN_USER_ID, DEFAULT_SECRET_KEY};

arazzo::arazzo_workflow!("examples/arazzo/clerk-invitations.arazzo.yml");

/// Prints every request and response.
struct Trace;

impl Hooks for Trace {
    fn on_request(&self, e: &RequestEvent<'_>) {
        println!("  -> {:<17} #{} {} {}", e.step, e.attempt, e.method, e.url);
    }

    fn on_response(&self, e: &ResponseEvent<'_>) {
        println!(
            "  <- {:<17} #{} {} in {:.1?}",
            e.step, e.attempt, e.status, e.elapsed
        );
    }
}

fn item(email: &str, role: &str) -> BulkInviteInputsInvitationsItem {
    BulkInviteInputsInvitationsItem {
        email_address: email.to_owned(),
        role: role.to_owned(),
        inviter_user_id: None,
        redirect_url: None,
    }
}

/// The pending invitation of `organization_id` sent to `email`, read `limit` at a time.
///
/// Arazzo 1.0 has no arithmetic, so the workflow reads one page and this loop advances the
/// offset, on typed pages.
async fn find_pending(
    client: &arazzo::Client,
    organization_id: &str,
    email: &str,
    limit: i64,
) -> Result<Option<types::OrganizationInvitation>, arazzo::Error> {
    let mut offset = 0;
    loop {
        let page = list_pending_invitations(
            client,
            ListPendingInvitationsInputs {
                organization_id: organization_id.to_owned(),
                offset,
                limit,
            },
        )
        .await?;
        let read = page.invitations.len() as i64;
        if let Some(found) = page
            .invitations
            .into_iter()
            .find(|invitation| invitation.email_address == email)
        {
            return Ok(Some(found));
        }
        offset += read;
        if read == 0 || offset >= page.total_count {
            return Ok(None);
        }
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Ada was invited to Globex last year and never answered.
    let mut config = ClerkConfig::default();
    config.with_invitation("org_globex", "ada@example.com", "org:member", "pending");
    let mock = ClerkMock::start(&config).await;
    println!("Clerk mock listening on {}", mock.base_url());

    let client = arazzo::Client::builder()
        .base_url("clerkBackendApi", format!("{}/v1", mock.base_url()))
        .bearer_token(DEFAULT_SECRET_KEY)
        .reqwest_client(
            arazzo::reqwest::Client::builder()
                .timeout(Duration::from_secs(10))
                .build()?,
        )
        .hooks(Trace)
        .build()?;

    println!("\nWorkflow `invite-member`:");
    let out = invite_member(
        &client,
        InviteMemberInputs {
            organization_id: "org_acme".to_owned(),
            email_address: "ada@example.com".to_owned(),
            role: "org:admin".to_owned(),
            inviter_user_id: Some(ADMIN_USER_ID.to_owned()),
            redirect_url: Some("https://app.example.com/welcome".to_owned()),
        },
    )
    .await?;
    println!("  invitation_id: String = {:?}", out.invitation_id);
    println!("  status: String = {:?}", out.status);
    println!("  role: String = {:?}", out.role);
    println!("  expires_at: Option<i64> = {:?}", out.expires_at);
    println!("  inviter_id: Option<String> = {:?}", out.inviter_id);

    println!("\nWorkflow `bulk-invite`:");
    let out = bulk_invite(
        &client,
        BulkInviteInputs {
            organization_id: "org_acme".to_owned(),
            invitations: vec![
                item("grace@example.com", "org:member"),
                item("linus@example.com", "org:member"),
                item("barbara@example.com", "org:admin"),
            ],
        },
    )
    .await?;
    println!("  created: i64 = {}", out.created);
    println!(
        "  first_invitation_id: String = {:?}",
        out.first_invitation_id
    );
    println!(
        "  invitations: Vec<types::OrganizationInvitation> = [{} invitations]",
        out.invitations.len()
    );
    println!("  pending: i64 = {}", out.pending);

    println!("\nWorkflow `list-pending-invitations`, 2 a page, until grace@example.com:");
    match find_pending(&client, "org_acme", "grace@example.com", 2).await? {
        Some(found) => println!(
            "  found: types::OrganizationInvitation {{ id: {:?}, email_address: {:?}, role: {:?}, .. }}",
            found.id, found.email_address, found.role
        ),
        None => println!("  not pending in org_acme"),
    }

    println!("\nWorkflow `find-invitation-by-email`:");
    let out = find_invitation_by_email(
        &client,
        FindInvitationByEmailInputs {
            email_address: "linus@example.com".to_owned(),
            status: Some("pending".to_owned()),
        },
    )
    .await?;
    // Read through `data/0` of a page, so `Option`s: the workflow's criteria make sure the
    // page is not empty.
    println!("  invitation_id: Option<String> = {:?}", out.invitation_id);
    println!(
        "  organization_id: Option<String> = {:?}",
        out.organization_id
    );
    println!(
        "  organization_name: Option<String> = {:?}",
        out.organization_name
    );
    println!("  status: Option<String> = {:?}", out.status);
    println!("  matches: i64 = {}", out.matches);
    let (Some(organization_id), Some(invitation_id)) = (out.organization_id, out.invitation_id)
    else {
        return Err("the search found no invitation".into());
    };

    println!("\nWorkflow `revoke-invitation`:");
    let out = revoke_invitation(
        &client,
        RevokeInvitationInputs {
            organization_id,
            invitation_id,
            requesting_user_id: Some(ADMIN_USER_ID.to_owned()),
        },
    )
    .await?;
    println!("  status: String = {:?}", out.status);
    println!("  email_address: String = {:?}", out.email_address);
    println!("  revoked_at: i64 = {}", out.revoked_at);

    println!("\nWorkflow `revoke-pending-invitations` (a goto loop):");
    let out = revoke_pending_invitations(
        &client,
        RevokePendingInvitationsInputs {
            email_address: "ada@example.com".to_owned(),
        },
    )
    .await?;
    println!("  remaining: i64 = {}", out.remaining);
    println!(
        "  last_revoked_id: Option<String> = {:?}",
        out.last_revoked_id
    );

    println!("\nInvitations held by the mock:");
    for invitation in mock.invitations() {
        println!(
            "  {:<10} {:<11} {:<20} {:<10} {}",
            invitation.id,
            invitation.organization_id,
            invitation.email_address,
            invitation.role,
            invitation.status
        );
    }
    Ok(())
}
