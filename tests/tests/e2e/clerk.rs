//! The Clerk invitation workflows end to end: the real macro, a real HTTP client and the
//! Clerk Backend API mock on 127.0.0.1. One section per workflow: `invite-member`,
//! `find-invitation-by-email`, `revoke-invitation`, `bulk-invite`, `list-pending-invitations`
//! (paged by the caller until an address is found) and the `revoke-pending-invitations`
//! loop; each asserts the exact requests and the typed outputs, or the exact error.

use arazzo_mocks::clerk::{
    ClerkConfig, ClerkMock, ADMIN_USER_ID, DEFAULT_SECRET_KEY, EPOCH_MS, EXPIRES_IN_MS,
};
use arazzo_mocks::RecordedRequest;
use serde_json::json;

mod clerk {
    arazzo::arazzo_workflow!(
        "../examples/arazzo/clerk-invitations.arazzo.yml",
        strict = true
    );
}

use clerk::{
    BulkInviteInputs, BulkInviteInputsInvitationsItem, FindInvitationByEmailInputs,
    InviteMemberInputs, ListPendingInvitationsInputs, RevokeInvitationInputs,
    RevokePendingInvitationsInputs,
};

fn client_with(mock: &ClerkMock, key: Option<&str>) -> arazzo::Client {
    let builder =
        arazzo::Client::builder().base_url("clerkBackendApi", format!("{}/v1", mock.base_url()));
    match key {
        Some(key) => builder.bearer_token(key),
        // No credential: the server decides (by default the run would stop first, with
        // `Error::MissingCredentials`).
        None => builder.allow_missing_credentials(true),
    }
    .build()
    .unwrap()
}

fn client(mock: &ClerkMock) -> arazzo::Client {
    client_with(mock, Some(DEFAULT_SECRET_KEY))
}

fn trace(mock: &ClerkMock) -> Vec<String> {
    mock.requests()
        .iter()
        .map(RecordedRequest::target)
        .collect()
}

/// The error of workflow `workflow` whose step `step` got `status` with `body`.
fn refused(workflow: &str, step: &str, status: u16, body: &str) -> String {
    format!(
        "step `{step}` of workflow `{workflow}`: unexpected status {status} (expected `$statusCode == 200`): {body}"
    )
}

// ---- invite-member ----

fn member(email: &str) -> InviteMemberInputs {
    InviteMemberInputs {
        organization_id: "org_acme".to_owned(),
        email_address: email.to_owned(),
        role: "org:member".to_owned(),
        inviter_user_id: None,
        redirect_url: None,
    }
}

#[tokio::test]
async fn invite_member_creates_then_confirms_pending() {
    let mock = ClerkMock::start(&ClerkConfig::default()).await;
    let out = clerk::invite_member(&client(&mock), member("ada@example.com"))
        .await
        .unwrap();

    // Typed from the response schema: `expires_at` and `inviter_id` are nullable.
    let expires_at: Option<i64> = out.expires_at;
    assert_eq!(expires_at, Some(EPOCH_MS + 1000 + EXPIRES_IN_MS));
    assert_eq!(
        out,
        clerk::InviteMemberOutputs {
            invitation_id: "orginv_1".to_owned(),
            status: "pending".to_owned(),
            role: "org:member".to_owned(),
            expires_at: Some(EPOCH_MS + 1000 + EXPIRES_IN_MS),
            inviter_id: None,
        }
    );
    assert_eq!(
        trace(&mock),
        [
            "POST /v1/organizations/org_acme/invitations",
            "GET /v1/organizations/org_acme/invitations/orginv_1",
        ]
    );
    let requests = mock.requests();
    assert_eq!(
        requests[0].json,
        Some(json!({"email_address": "ada@example.com", "role": "org:member"}))
    );
    assert_eq!(requests[0].header("content-type"), Some("application/json"));
    assert_eq!(requests[1].json, None);
    for request in &requests {
        assert_eq!(
            request.header("authorization"),
            Some("Bearer sk_test_arazzo_mock")
        );
        assert_eq!(request.status, Some(200));
    }
}

#[tokio::test]
async fn invite_member_sends_the_inviter_and_redirect() {
    let mock = ClerkMock::start(&ClerkConfig::default()).await;
    let mut inputs = member("ada@example.com");
    inputs.role = "org:admin".to_owned();
    inputs.inviter_user_id = Some(ADMIN_USER_ID.to_owned());
    inputs.redirect_url = Some("https://app.example.com/welcome?from=invite".to_owned());
    let out = clerk::invite_member(&client(&mock), inputs).await.unwrap();
    assert_eq!(out.inviter_id.as_deref(), Some(ADMIN_USER_ID));
    assert_eq!(out.role, "org:admin");
    assert_eq!(
        mock.requests()[0].json,
        Some(json!({
            "email_address": "ada@example.com",
            "role": "org:admin",
            "inviter_user_id": "user_admin",
            "redirect_url": "https://app.example.com/welcome?from=invite"
        }))
    );
    assert_eq!(
        mock.invitations()[0].redirect_url.as_deref(),
        Some("https://app.example.com/welcome?from=invite")
    );
}

#[tokio::test]
async fn invite_member_into_an_unknown_organization_is_a_404() {
    let mock = ClerkMock::start(&ClerkConfig::default()).await;
    let mut inputs = member("ada@example.com");
    inputs.organization_id = "org_nope".to_owned();
    let error = clerk::invite_member(&client(&mock), inputs)
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        refused(
            "invite-member",
            "createInvitation",
            404,
            r#"{"errors":[{"message":"not found","long_message":"Resource not found","code":"resource_not_found"}]}"#
        )
    );
    assert_eq!(trace(&mock).len(), 1);
}

#[tokio::test]
async fn invite_member_with_an_invalid_email_and_role_is_a_422() {
    let mock = ClerkMock::start(&ClerkConfig::default()).await;
    let mut inputs = member("ada.example.com");
    inputs.role = "org:owner".to_owned();
    let error = clerk::invite_member(&client(&mock), inputs)
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        refused(
            "invite-member",
            "createInvitation",
            422,
            r#"{"errors":[{"message":"is invalid","long_message":"email_address must be a valid email address.","code":"form_param_format_invalid","meta":{"param_name":"email_address"}},{"message":"is invalid","long_message":"role `org:owner` is not a role of this organization.","code":"form_param_value_invalid","meta":{"param_name":"role"}}]}"#
        )
    );
    assert!(mock.invitations().is_empty());
}

#[tokio::test]
async fn invite_member_for_a_member_or_a_pending_address_is_a_400() {
    let mut config = ClerkConfig::default();
    config
        .with_member_email("org_acme", "grace@example.com")
        .with_invitation("org_acme", "ada@example.com", "org:member", "pending");
    let mock = ClerkMock::start(&config).await;
    let error = clerk::invite_member(&client(&mock), member("grace@example.com"))
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        refused(
            "invite-member",
            "createInvitation",
            400,
            r#"{"errors":[{"message":"already a member","long_message":"grace@example.com is already a member of the organization.","code":"already_a_member_in_organization"}]}"#
        )
    );
    let error = clerk::invite_member(&client(&mock), member("ADA@example.com"))
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        refused(
            "invite-member",
            "createInvitation",
            400,
            r#"{"errors":[{"message":"duplicate invitation","long_message":"There is already a pending invitation for ADA@example.com in this organization.","code":"duplicate_record"}]}"#
        )
    );
    assert_eq!(mock.invitations().len(), 1);
}

#[tokio::test]
async fn invite_member_by_a_non_admin_is_a_403() {
    let mock = ClerkMock::start(&ClerkConfig::default()).await;
    let mut inputs = member("ada@example.com");
    inputs.inviter_user_id = Some("user_intern".to_owned());
    let error = clerk::invite_member(&client(&mock), inputs)
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        refused(
            "invite-member",
            "createInvitation",
            403,
            r#"{"errors":[{"message":"not an administrator","long_message":"User user_intern is not an administrator of the organization.","code":"not_an_admin_in_organization"}]}"#
        )
    );
}

#[tokio::test]
async fn a_missing_secret_key_is_a_401() {
    let mock = ClerkMock::start(&ClerkConfig::default()).await;
    // By default a request the credentials cannot authorize is never sent.
    let strict = arazzo::Client::builder()
        .base_url("clerkBackendApi", format!("{}/v1", mock.base_url()))
        .build()
        .unwrap();
    let error = clerk::invite_member(&strict, member("ada@example.com"))
        .await
        .unwrap_err();
    assert!(
        matches!(error, arazzo::Error::MissingCredentials { .. }),
        "{error}"
    );
    assert!(mock.requests().is_empty());
    let error = clerk::invite_member(&client_with(&mock, None), member("ada@example.com"))
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        refused(
            "invite-member",
            "createInvitation",
            401,
            r#"{"errors":[{"message":"Authorization header missing","long_message":"The request has no Authorization header. Send your Clerk Secret Key as a bearer token.","code":"authorization_header_missing"}]}"#
        )
    );
    assert_eq!(mock.requests()[0].header("authorization"), None);
}

#[tokio::test]
async fn a_wrong_secret_key_is_a_401() {
    let mock = ClerkMock::start(&ClerkConfig::default()).await;
    let error = clerk::invite_member(
        &client_with(&mock, Some("sk_live_wrong")),
        member("ada@example.com"),
    )
    .await
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        refused(
            "invite-member",
            "createInvitation",
            401,
            r#"{"errors":[{"message":"The provided Clerk Secret Key is invalid. Make sure that your Clerk Secret Key is correct.","long_message":"The provided Clerk Secret Key is invalid. Make sure that your Clerk Secret Key is correct.","code":"clerk_key_invalid"}]}"#
        )
    );
    assert!(mock.invitations().is_empty());
}

// ---- find-invitation-by-email ----

fn history() -> ClerkConfig {
    let mut config = ClerkConfig::default();
    config
        .with_invitation("org_acme", "ada@example.com", "org:member", "revoked")
        .with_invitation("org_globex", "ada@example.com", "org:admin", "pending")
        .with_invitation("org_acme", "grace@example.com", "org:member", "pending")
        .with_invitation("org_acme", "ada@example.com", "org:member", "accepted");
    config
}

#[tokio::test]
async fn find_returns_the_most_recent_match() {
    let mock = ClerkMock::start(&history()).await;
    let out = clerk::find_invitation_by_email(
        &client(&mock),
        FindInvitationByEmailInputs {
            email_address: "ada@example.com".to_owned(),
            status: None,
        },
    )
    .await
    .unwrap();
    assert_eq!(
        out,
        clerk::FindInvitationByEmailOutputs {
            // Read through `data/0`: an empty page would have none, so these are `Option`s.
            invitation_id: Some("orginv_4".to_owned()),
            organization_id: Some("org_acme".to_owned()),
            organization_name: Some("Acme Inc.".to_owned()),
            status: Some("accepted".to_owned()),
            matches: 3,
        }
    );
    assert_eq!(
        trace(&mock),
        ["GET /v1/organization_invitations?query=ada%40example.com&order_by=-created_at&limit=1"]
    );
}

#[tokio::test]
async fn find_filters_by_status() {
    let mock = ClerkMock::start(&history()).await;
    let out = clerk::find_invitation_by_email(
        &client(&mock),
        FindInvitationByEmailInputs {
            email_address: "ada@example.com".to_owned(),
            status: Some("pending".to_owned()),
        },
    )
    .await
    .unwrap();
    assert_eq!(out.invitation_id.as_deref(), Some("orginv_2"));
    assert_eq!(out.organization_name.as_deref(), Some("Globex"));
    assert_eq!(out.matches, 1);
    assert_eq!(
        trace(&mock),
        ["GET /v1/organization_invitations?query=ada%40example.com&status=pending&order_by=-created_at&limit=1"]
    );
}

#[tokio::test]
async fn find_without_a_match_fails_its_criterion() {
    let mock = ClerkMock::start(&history()).await;
    let error = clerk::find_invitation_by_email(
        &client(&mock),
        FindInvitationByEmailInputs {
            email_address: "linus@example.com".to_owned(),
            status: None,
        },
    )
    .await
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        r#"step `search` of workflow `find-invitation-by-email`: success criterion `$response.body#/total_count > 0` not met (status 200): {"data":[],"total_count":0}"#
    );
    assert!(matches!(error, arazzo::Error::CriteriaNotMet { .. }));
}

#[tokio::test]
async fn find_with_an_unknown_status_is_a_422() {
    let mock = ClerkMock::start(&history()).await;
    let error = clerk::find_invitation_by_email(
        &client(&mock),
        FindInvitationByEmailInputs {
            email_address: "ada@example.com".to_owned(),
            status: Some("sent".to_owned()),
        },
    )
    .await
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        refused(
            "find-invitation-by-email",
            "search",
            422,
            r#"{"errors":[{"message":"is invalid","long_message":"status must be one of pending, accepted, revoked or expired.","code":"form_param_value_invalid","meta":{"param_name":"status"}}]}"#
        )
    );
}

// ---- revoke-invitation ----

fn revoke_inputs(invitation_id: &str) -> RevokeInvitationInputs {
    RevokeInvitationInputs {
        organization_id: "org_acme".to_owned(),
        invitation_id: invitation_id.to_owned(),
        requesting_user_id: None,
    }
}

#[tokio::test]
async fn revoke_revokes_a_pending_invitation() {
    let mock = ClerkMock::start(&history()).await;
    let mut inputs = revoke_inputs("orginv_3");
    inputs.requesting_user_id = Some(ADMIN_USER_ID.to_owned());
    let out = clerk::revoke_invitation(&client(&mock), inputs)
        .await
        .unwrap();
    let revoked_at: i64 = out.revoked_at;
    assert_eq!(revoked_at, EPOCH_MS + 5000);
    assert_eq!(out.status, "revoked");
    assert_eq!(out.email_address, "grace@example.com");
    assert_eq!(
        trace(&mock),
        ["POST /v1/organizations/org_acme/invitations/orginv_3/revoke"]
    );
    assert_eq!(
        mock.requests()[0].json,
        Some(json!({"requesting_user_id": "user_admin"}))
    );
    assert_eq!(mock.invitations()[2].status, "revoked");
}

#[tokio::test]
async fn revoke_without_a_requesting_user_sends_an_empty_object() {
    let mock = ClerkMock::start(&history()).await;
    clerk::revoke_invitation(&client(&mock), revoke_inputs("orginv_3"))
        .await
        .unwrap();
    assert_eq!(mock.requests()[0].json, Some(json!({})));
}

#[tokio::test]
async fn revoking_an_accepted_invitation_is_a_400() {
    let mock = ClerkMock::start(&history()).await;
    let error = clerk::revoke_invitation(&client(&mock), revoke_inputs("orginv_4"))
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        r#"step `revoke` of workflow `revoke-invitation`: unexpected status 400 (expected `$statusCode == 200`): {"errors":[{"message":"not pending","long_message":"Only pending invitations can be revoked; this one is accepted.","code":"organization_invitation_not_pending"}]}"#
    );
    assert_eq!(mock.invitations()[3].status, "accepted");
}

#[tokio::test]
async fn revoking_an_unknown_invitation_is_a_404() {
    let mock = ClerkMock::start(&history()).await;
    // orginv_2 belongs to org_globex, not org_acme.
    let error = clerk::revoke_invitation(&client(&mock), revoke_inputs("orginv_2"))
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(404));
    assert!(
        error.to_string().ends_with(
            r#"{"errors":[{"message":"not found","long_message":"Resource not found","code":"resource_not_found"}]}"#
        ),
        "{error}"
    );
}

#[tokio::test]
async fn revoking_for_a_non_admin_is_a_403() {
    let mock = ClerkMock::start(&history()).await;
    let mut inputs = revoke_inputs("orginv_3");
    inputs.requesting_user_id = Some("user_intern".to_owned());
    let error = clerk::revoke_invitation(&client(&mock), inputs)
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        r#"step `revoke` of workflow `revoke-invitation`: unexpected status 403 (expected `$statusCode == 200`): {"errors":[{"message":"not an administrator","long_message":"User user_intern is not an administrator of the organization.","code":"not_an_admin_in_organization"}]}"#
    );
}

// ---- bulk-invite ----

fn item(email: &str, role: &str) -> BulkInviteInputsInvitationsItem {
    BulkInviteInputsInvitationsItem {
        email_address: email.to_owned(),
        role: role.to_owned(),
        inviter_user_id: None,
        redirect_url: None,
    }
}

#[tokio::test]
async fn bulk_invite_creates_all_and_counts_pending() {
    let mut config = ClerkConfig::default();
    config.with_invitation("org_acme", "old@example.com", "org:member", "pending");
    let mock = ClerkMock::start(&config).await;
    let mut first = item("ada@example.com", "org:admin");
    first.inviter_user_id = Some(ADMIN_USER_ID.to_owned());
    let out = clerk::bulk_invite(
        &client(&mock),
        BulkInviteInputs {
            organization_id: "org_acme".to_owned(),
            invitations: vec![
                first,
                item("grace@example.com", "org:member"),
                item("linus@example.com", "org:member"),
            ],
        },
    )
    .await
    .unwrap();
    assert_eq!(out.created, 3);
    assert_eq!(out.first_invitation_id.as_deref(), Some("orginv_2"));
    assert_eq!(out.pending, 4);
    let emails: Vec<&str> = out
        .invitations
        .iter()
        .map(|i| i.email_address.as_str())
        .collect();
    assert_eq!(
        emails,
        ["ada@example.com", "grace@example.com", "linus@example.com"]
    );
    assert_eq!(
        trace(&mock),
        [
            "POST /v1/organizations/org_acme/invitations/bulk",
            "GET /v1/organizations/org_acme/invitations?status=pending&limit=1",
        ]
    );
    assert_eq!(
        mock.requests()[0].json,
        Some(json!([
            {"email_address": "ada@example.com", "role": "org:admin", "inviter_user_id": "user_admin"},
            {"email_address": "grace@example.com", "role": "org:member"},
            {"email_address": "linus@example.com", "role": "org:member"}
        ]))
    );
}

#[tokio::test]
async fn bulk_invite_with_one_bad_invitation_creates_none() {
    let mock = ClerkMock::start(&ClerkConfig::default()).await;
    let error = clerk::bulk_invite(
        &client(&mock),
        BulkInviteInputs {
            organization_id: "org_acme".to_owned(),
            invitations: vec![
                item("ada@example.com", "org:member"),
                item("grace@example.com", "org:guest"),
            ],
        },
    )
    .await
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        refused(
            "bulk-invite",
            "createInvitations",
            422,
            r#"{"errors":[{"message":"is invalid","long_message":"[1].role `org:guest` is not a role of this organization.","code":"form_param_value_invalid","meta":{"param_name":"[1].role"}}]}"#
        )
    );
    assert!(mock.invitations().is_empty());
    assert_eq!(trace(&mock).len(), 1);
}

#[tokio::test]
async fn bulk_invite_of_more_than_ten_is_a_422() {
    let mock = ClerkMock::start(&ClerkConfig::default()).await;
    let invitations = (0..11)
        .map(|i| item(&format!("user{i}@example.com"), "org:member"))
        .collect();
    let error = clerk::bulk_invite(
        &client(&mock),
        BulkInviteInputs {
            organization_id: "org_acme".to_owned(),
            invitations,
        },
    )
    .await
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        refused(
            "bulk-invite",
            "createInvitations",
            422,
            r#"{"errors":[{"message":"is invalid","long_message":"The request body must be an array of 1 to 10 invitations.","code":"form_param_value_invalid"}]}"#
        )
    );
}

// ---- revoke-pending-invitations (a goto loop) ----

#[tokio::test]
async fn the_loop_revokes_every_pending_invitation_of_the_address() {
    let mut config = ClerkConfig::default();
    config
        .with_invitation("org_acme", "bada@example.com", "org:member", "pending")
        .with_invitation("org_globex", "ada@example.com", "org:admin", "pending")
        .with_invitation("org_acme", "ada@example.com", "org:member", "accepted")
        .with_invitation("org_acme", "ada@example.com", "org:member", "pending");
    let mock = ClerkMock::start(&config).await;
    let out = clerk::revoke_pending_invitations(
        &client(&mock),
        RevokePendingInvitationsInputs {
            email_address: "ada@example.com".to_owned(),
        },
    )
    .await
    .unwrap();
    let list = "GET /v1/organization_invitations?query=ada%40example.com&status=pending&limit=1";
    assert_eq!(
        trace(&mock),
        [
            list,
            "POST /v1/organizations/org_acme/invitations/orginv_4/revoke",
            list,
            "POST /v1/organizations/org_globex/invitations/orginv_2/revoke",
            list,
        ]
    );
    // The last lookup found only `bada@example.com`, which contains the address but is
    // another one: the loop ended without revoking it.
    assert_eq!(out.remaining, 1);
    assert_eq!(out.last_revoked_id.as_deref(), Some("orginv_2"));
    let statuses: Vec<(String, String)> = mock
        .invitations()
        .into_iter()
        .map(|i| (i.email_address, i.status))
        .collect();
    assert_eq!(
        statuses,
        [
            ("bada@example.com".to_owned(), "pending".to_owned()),
            ("ada@example.com".to_owned(), "revoked".to_owned()),
            ("ada@example.com".to_owned(), "accepted".to_owned()),
            ("ada@example.com".to_owned(), "revoked".to_owned()),
        ]
    );
    for request in mock.requests().iter().filter(|r| r.method == "POST") {
        // The revoke request's body is optional and the step sends none.
        assert_eq!(request.json, None);
    }
}

#[tokio::test]
async fn the_loop_stops_when_the_newest_match_is_another_address() {
    let mut config = ClerkConfig::default();
    config
        .with_invitation("org_acme", "ada@example.com", "org:member", "pending")
        .with_invitation("org_acme", "ada@example.com.au", "org:member", "pending");
    let mock = ClerkMock::start(&config).await;
    let out = clerk::revoke_pending_invitations(
        &client(&mock),
        RevokePendingInvitationsInputs {
            email_address: "ada@example.com".to_owned(),
        },
    )
    .await
    .unwrap();
    assert_eq!(out.remaining, 2);
    assert_eq!(out.last_revoked_id, None);
    assert_eq!(trace(&mock).len(), 1);
    assert!(mock.invitations().iter().all(|i| i.status == "pending"));
}

#[tokio::test]
async fn the_loop_ends_at_once_when_nothing_is_pending() {
    let mock = ClerkMock::start(&ClerkConfig::default()).await;
    let out = clerk::revoke_pending_invitations(
        &client(&mock),
        RevokePendingInvitationsInputs {
            email_address: "ada@example.com".to_owned(),
        },
    )
    .await
    .unwrap();
    // `revoke` never ran, so its output is `None`.
    let last: Option<String> = out.last_revoked_id;
    assert_eq!(last, None);
    assert_eq!(out.remaining, 0);
    assert_eq!(trace(&mock).len(), 1);
}

#[tokio::test]
async fn the_loop_stops_on_a_wrong_key() {
    let mock = ClerkMock::start(&history()).await;
    let error = clerk::revoke_pending_invitations(
        &client_with(&mock, Some("sk_test_old")),
        RevokePendingInvitationsInputs {
            email_address: "ada@example.com".to_owned(),
        },
    )
    .await
    .unwrap_err();
    assert!(
        matches!(error, arazzo::Error::UnexpectedStatus { ref step, status: 401, .. } if step == "nextPending"),
        "{error}"
    );
    assert_eq!(mock.invitations()[1].status, "pending");
}

// ---- list-pending-invitations, paged ----

/// Acme's invitations: five pending (among them Ada's, the oldest), one accepted, one of
/// Globex's pending.
fn crowded() -> ClerkConfig {
    let mut config = ClerkConfig::default();
    config
        .with_invitation("org_acme", "ada@example.com", "org:member", "pending")
        .with_invitation("org_acme", "alan@example.com", "org:member", "accepted")
        .with_invitation("org_acme", "grace@example.com", "org:admin", "pending")
        .with_invitation("org_globex", "linus@example.com", "org:member", "pending")
        .with_invitation("org_acme", "linus@example.com", "org:member", "pending")
        .with_invitation("org_acme", "barbara@example.com", "org:member", "pending")
        .with_invitation("org_acme", "edsger@example.com", "org:member", "pending");
    config
}

/// Pages through an organization's pending invitations `limit` at a time until one is
/// sent to `email`, as a caller of the page workflow does (Arazzo 1.0 cannot add to the
/// offset itself).
async fn find_pending(
    client: &arazzo::Client,
    email: &str,
    limit: i64,
) -> Result<Option<clerk::types::OrganizationInvitation>, arazzo::Error> {
    let mut offset = 0;
    loop {
        let page = clerk::list_pending_invitations(
            client,
            ListPendingInvitationsInputs {
                organization_id: "org_acme".to_owned(),
                offset,
                limit,
            },
        )
        .await?;
        let read = page.invitations.len() as i64;
        if let Some(found) = page
            .invitations
            .into_iter()
            .find(|i| i.email_address == email)
        {
            return Ok(Some(found));
        }
        offset += read;
        if read == 0 || offset >= page.total_count {
            return Ok(None);
        }
    }
}

#[tokio::test]
async fn paging_finds_the_oldest_pending_invitation_on_the_last_page() {
    let mock = ClerkMock::start(&crowded()).await;
    let found = find_pending(&client(&mock), "ada@example.com", 2)
        .await
        .unwrap()
        .expect("Ada's invitation is pending");
    // Typed from the schema: `id`, `email_address` and `role` are required strings.
    assert_eq!(
        (
            found.id.as_str(),
            found.email_address.as_str(),
            found.role.as_str()
        ),
        ("orginv_1", "ada@example.com", "org:member")
    );
    assert_eq!(found.organization_id.as_deref(), Some("org_acme"));
    assert_eq!(
        trace(&mock),
        [
            "GET /v1/organizations/org_acme/invitations?status=pending&limit=2&offset=0",
            "GET /v1/organizations/org_acme/invitations?status=pending&limit=2&offset=2",
            "GET /v1/organizations/org_acme/invitations?status=pending&limit=2&offset=4",
        ]
    );
}

#[tokio::test]
async fn one_page_has_the_newest_invitations_and_the_total() {
    let mock = ClerkMock::start(&crowded()).await;
    let page = clerk::list_pending_invitations(
        &client(&mock),
        ListPendingInvitationsInputs {
            organization_id: "org_acme".to_owned(),
            offset: 0,
            limit: 3,
        },
    )
    .await
    .unwrap();
    let emails: Vec<&str> = page
        .invitations
        .iter()
        .map(|i| i.email_address.as_str())
        .collect();
    assert_eq!(
        emails,
        [
            "edsger@example.com",
            "barbara@example.com",
            "linus@example.com"
        ]
    );
    assert_eq!(page.total_count, 5);
}

#[tokio::test]
async fn paging_for_an_address_that_is_not_pending_reads_every_page_once() {
    let mock = ClerkMock::start(&crowded()).await;
    let found = find_pending(&client(&mock), "alan@example.com", 2)
        .await
        .unwrap();
    assert_eq!(found, None);
    assert_eq!(mock.requests().len(), 3);
}

#[tokio::test]
async fn a_page_of_an_unknown_organization_is_a_404() {
    let mock = ClerkMock::start(&crowded()).await;
    let err = clerk::list_pending_invitations(
        &client(&mock),
        ListPendingInvitationsInputs {
            organization_id: "org_nope".to_owned(),
            offset: 0,
            limit: 2,
        },
    )
    .await
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        refused(
            "list-pending-invitations",
            "page",
            404,
            r#"{"errors":[{"message":"not found","long_message":"Resource not found","code":"resource_not_found"}]}"#
        )
    );
}

// ---- the JSON entry point ----

#[tokio::test]
async fn the_json_entry_point_knows_every_workflow() {
    let ids: Vec<&str> = clerk::WORKFLOWS.iter().map(|w| w.id).collect();
    assert_eq!(
        ids,
        [
            "invite-member",
            "find-invitation-by-email",
            "revoke-invitation",
            "bulk-invite",
            "list-pending-invitations",
            "revoke-pending-invitations"
        ]
    );
    let mock = ClerkMock::start(&ClerkConfig::default()).await;
    let out = clerk::run_workflow(
        &client(&mock),
        "bulk-invite",
        json!({
            "organizationId": "org_globex",
            "invitations": [{"email_address": "ada@example.com", "role": "org:member"}]
        }),
    )
    .await
    .unwrap();
    assert_eq!(out["created"], 1);
    assert_eq!(out["pending"], 1);
    assert_eq!(out["firstInvitationId"], "orginv_1");
    assert_eq!(out["invitations"][0]["organization_id"], "org_globex");
}
