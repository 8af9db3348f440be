//! The k0rdent invite workflow end to end: the real macro, a real HTTP client and the
//! k0rdent mock on 127.0.0.1. Covers roles, groups and both; each documented error status
//! (400, 401, 403, 404, 500); and the input-schema rules (`anyOf` roles/groups, `message`
//! at most 500 characters) that the generated code checks before sending anything.

use arazzo_mocks::k0rdent::{
    K0rdentConfig, K0rdentMock, DEFAULT_TOKEN, EXPIRES_AT, ORGANIZATION_ID,
};
use arazzo_mocks::RecordedRequest;
use serde_json::json;

mod k0rdent {
    arazzo::arazzo_workflow!(
        "../examples/arazzo/k0rdent-invite.arazzo.yml",
        strict = true
    );
}

use k0rdent::{invite_to_organization, InviteToOrganizationInputs};

const FIRST_ID: &str = "00000000-0000-4000-8000-000000000001";

fn with_roles(roles: &[&str]) -> InviteToOrganizationInputs {
    InviteToOrganizationInputs {
        organization_id: ORGANIZATION_ID.to_owned(),
        email: "ada@example.com".to_owned(),
        roles: Some(roles.iter().map(|r| (*r).to_owned()).collect()),
        groups: None,
        message: None,
    }
}

fn client_with(mock: &K0rdentMock, token: Option<&str>) -> arazzo::Client {
    let builder = arazzo::Client::builder().base_url("k0rdentApi", mock.base_url());
    match token {
        Some(token) => builder.bearer_token(token),
        // No credential: the server decides (by default the run would stop first, with
        // `Error::MissingCredentials`).
        None => builder.allow_missing_credentials(true),
    }
    .build()
    .unwrap()
}

fn client(mock: &K0rdentMock) -> arazzo::Client {
    client_with(mock, Some(DEFAULT_TOKEN))
}

/// The error of a run that k0rdent refused with `status` and `body`.
fn refused(status: u16, body: &str) -> String {
    format!(
        "step `createInvitation` of workflow `invite-to-organization`: unexpected status {status} (expected `$statusCode == 201`): {body}"
    )
}

#[tokio::test]
async fn invites_with_roles() {
    let mock = K0rdentMock::start(&K0rdentConfig::default()).await;
    let out = invite_to_organization(&client(&mock), with_roles(&["admin", "viewer"]))
        .await
        .unwrap();
    assert_eq!(
        out,
        k0rdent::InviteToOrganizationOutputs {
            invitation_id: FIRST_ID.to_owned(),
            status: k0rdent::types::InvitationStatus::Pending,
            self_link: format!(
                "/v1/regions/global/organizations/{ORGANIZATION_ID}/invitations/{FIRST_ID}"
            ),
            roles: vec!["admin".to_owned(), "viewer".to_owned()],
            groups: Vec::new(),
            expires_at: EXPIRES_AT.to_owned(),
        }
    );
    let requests = mock.requests();
    assert_eq!(
        requests
            .iter()
            .map(RecordedRequest::target)
            .collect::<Vec<_>>(),
        [format!(
            "POST /v1/regions/global/organizations/{ORGANIZATION_ID}/invitations"
        )]
    );
    assert_eq!(requests[0].status, Some(201));
    assert_eq!(
        requests[0].header("authorization"),
        Some("Bearer k0rdent-test-token")
    );
    assert_eq!(requests[0].header("content-type"), Some("application/json"));
    // Absent optional inputs (`groups`, `message`) are left out of the body.
    assert_eq!(
        requests[0].json,
        Some(json!({"email": "ada@example.com", "roles": ["admin", "viewer"]}))
    );
}

#[tokio::test]
async fn invites_to_groups_with_a_message() {
    let mock = K0rdentMock::start(&K0rdentConfig::default()).await;
    let out = invite_to_organization(
        &client(&mock),
        InviteToOrganizationInputs {
            organization_id: ORGANIZATION_ID.to_owned(),
            email: "grace@example.com".to_owned(),
            roles: None,
            groups: Some(vec!["gpu-users".to_owned()]),
            message: Some("Welcome to the cluster team!".to_owned()),
        },
    )
    .await
    .unwrap();
    let groups: Vec<String> = out.groups;
    assert_eq!(groups, ["gpu-users"]);
    assert_eq!(out.roles, Vec::<String>::new());
    assert_eq!(
        mock.requests()[0].json,
        Some(json!({
            "email": "grace@example.com",
            "groups": ["gpu-users"],
            "message": "Welcome to the cluster team!"
        }))
    );
    assert_eq!(
        mock.invitations()[0].message.as_deref(),
        Some("Welcome to the cluster team!")
    );
}

#[tokio::test]
async fn invites_with_roles_and_groups() {
    let mock = K0rdentMock::start(&K0rdentConfig::default()).await;
    let mut inputs = with_roles(&["member"]);
    inputs.groups = Some(vec!["ml".to_owned(), "ops".to_owned()]);
    let out = invite_to_organization(&client(&mock), inputs)
        .await
        .unwrap();
    assert_eq!((out.roles.len(), out.groups.len()), (1, 2));
    assert_eq!(
        mock.requests()[0].json,
        Some(json!({"email": "ada@example.com", "roles": ["member"], "groups": ["ml", "ops"]}))
    );
}

#[tokio::test]
async fn a_message_of_exactly_500_characters_is_sent() {
    let mock = K0rdentMock::start(&K0rdentConfig::default()).await;
    let mut inputs = with_roles(&["member"]);
    let message = "é".repeat(500);
    inputs.message = Some(message.clone());
    invite_to_organization(&client(&mock), inputs)
        .await
        .unwrap();
    assert_eq!(mock.invitations()[0].message, Some(message));
}

#[tokio::test]
async fn a_message_over_500_characters_is_refused_before_any_request() {
    let mock = K0rdentMock::start(&K0rdentConfig::default()).await;
    let mut inputs = with_roles(&["member"]);
    inputs.message = Some("x".repeat(501));
    let error = invite_to_organization(&client(&mock), inputs)
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "workflow `invite-to-organization`: invalid inputs: `message` must be at most 500 characters long"
    );
    assert!(matches!(error, arazzo::Error::InvalidInputs { .. }));
    assert!(mock.requests().is_empty());
}

#[tokio::test]
async fn neither_roles_nor_groups_is_refused_before_any_request() {
    let mock = K0rdentMock::start(&K0rdentConfig::default()).await;
    let mut inputs = with_roles(&[]);
    inputs.roles = None;
    let error = invite_to_organization(&client(&mock), inputs)
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "workflow `invite-to-organization`: invalid inputs: at least one of `roles` or `groups` is required"
    );
    assert!(mock.requests().is_empty());
}

#[tokio::test]
async fn empty_roles_pass_the_schema_but_k0rdent_answers_400() {
    // `anyOf: [{required: [roles]}, {required: [groups]}]` holds for `roles: []`; k0rdent
    // wants at least one role or group, so the mock refuses it.
    let mock = K0rdentMock::start(&K0rdentConfig::default()).await;
    let error = invite_to_organization(&client(&mock), with_roles(&[]))
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        refused(
            400,
            r#"{"error":{"code":400,"message":"invalid request","details":[{"@type":"type.googleapis.com/google.rpc.BadRequest","fieldViolations":[{"field":"roles","description":"at least one of roles or groups must be provided"}]}]}}"#
        )
    );
    assert_eq!(
        mock.requests()[0].json,
        Some(json!({"email": "ada@example.com", "roles": []}))
    );
}

#[tokio::test]
async fn an_invalid_email_is_a_400() {
    // `format: email` is not checked by the generated code; k0rdent checks it.
    let mock = K0rdentMock::start(&K0rdentConfig::default()).await;
    let mut inputs = with_roles(&["member"]);
    inputs.email = "ada.example.com".to_owned();
    let error = invite_to_organization(&client(&mock), inputs)
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        refused(
            400,
            r#"{"error":{"code":400,"message":"invalid request","details":[{"@type":"type.googleapis.com/google.rpc.BadRequest","fieldViolations":[{"field":"email","description":"must be a valid email address"}]}]}}"#
        )
    );
    assert_eq!(error.status(), Some(400));
}

#[tokio::test]
async fn an_organization_id_that_is_not_a_uuid_is_a_400() {
    let mock = K0rdentMock::start(&K0rdentConfig::default()).await;
    let mut inputs = with_roles(&["member"]);
    inputs.organization_id = "org-s1t2u3".to_owned();
    let error = invite_to_organization(&client(&mock), inputs)
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        refused(
            400,
            r#"{"error":{"code":400,"message":"invalid request","details":[{"@type":"type.googleapis.com/google.rpc.BadRequest","fieldViolations":[{"field":"id","description":"must be a UUID"}]}]}}"#
        )
    );
}

#[tokio::test]
async fn a_missing_token_is_a_401() {
    let mock = K0rdentMock::start(&K0rdentConfig::default()).await;
    // By default a request the credentials cannot authorize is never sent.
    let strict = arazzo::Client::builder()
        .base_url("k0rdentApi", mock.base_url())
        .build()
        .unwrap();
    let error = invite_to_organization(&strict, with_roles(&["member"]))
        .await
        .unwrap_err();
    assert!(
        matches!(error, arazzo::Error::MissingCredentials { .. }),
        "{error}"
    );
    assert!(mock.requests().is_empty());
    let error = invite_to_organization(&client_with(&mock, None), with_roles(&["member"]))
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        refused(
            401,
            r#"{"error":{"code":401,"message":"missing bearer token","details":[]}}"#
        )
    );
    assert_eq!(mock.requests()[0].header("authorization"), None);
}

#[tokio::test]
async fn a_wrong_token_is_a_401() {
    let mock = K0rdentMock::start(&K0rdentConfig::default()).await;
    let error = invite_to_organization(
        &client_with(&mock, Some("tok-expired-0000")),
        with_roles(&["member"]),
    )
    .await
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        refused(
            401,
            r#"{"error":{"code":401,"message":"invalid or expired bearer token","details":[]}}"#
        )
    );
    assert!(mock.invitations().is_empty());
}

#[tokio::test]
async fn a_forbidden_organization_is_a_403() {
    let mut config = K0rdentConfig::default();
    config.with_forbidden_organization(ORGANIZATION_ID);
    let mock = K0rdentMock::start(&config).await;
    let error = invite_to_organization(&client(&mock), with_roles(&["member"]))
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        refused(
            403,
            &format!(
                r#"{{"error":{{"code":403,"message":"not allowed to invite users to organization {ORGANIZATION_ID}","details":[]}}}}"#
            )
        )
    );
}

#[tokio::test]
async fn an_unknown_organization_is_a_404() {
    let mut config = K0rdentConfig::default();
    config.with_unknown_organization(ORGANIZATION_ID);
    let mock = K0rdentMock::start(&config).await;
    let error = invite_to_organization(&client(&mock), with_roles(&["member"]))
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        refused(
            404,
            &format!(
                r#"{{"error":{{"code":404,"message":"organization {ORGANIZATION_ID} not found","details":[]}}}}"#
            )
        )
    );
    assert!(matches!(
        error,
        arazzo::Error::UnexpectedStatus { ref step, status: 404, .. } if step == "createInvitation"
    ));
}

#[tokio::test]
async fn a_server_failure_is_a_500() {
    let mut config = K0rdentConfig::default();
    config.with_internal_error(true);
    let mock = K0rdentMock::start(&config).await;
    let error = invite_to_organization(&client(&mock), with_roles(&["member"]))
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        refused(
            500,
            r#"{"error":{"code":500,"message":"internal error","details":[]}}"#
        )
    );
    assert_eq!(mock.requests().len(), 1);
}

#[tokio::test]
async fn the_json_entry_point_runs_and_validates() {
    let mock = K0rdentMock::start(&K0rdentConfig::default()).await;
    let out = k0rdent::run_workflow(
        &client(&mock),
        "invite-to-organization",
        json!({"organizationId": ORGANIZATION_ID, "email": "ada@example.com", "groups": ["ml"]}),
    )
    .await
    .unwrap();
    assert_eq!(out["invitationId"], FIRST_ID);
    assert_eq!(out["groups"], json!(["ml"]));
    assert_eq!(out["roles"], json!([]));

    let error = k0rdent::run_workflow(
        &client(&mock),
        "invite-to-organization",
        json!({"organizationId": ORGANIZATION_ID, "email": "ada@example.com"}),
    )
    .await
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        "workflow `invite-to-organization`: invalid inputs: at least one of `roles` or `groups` is required"
    );
    assert_eq!(mock.requests().len(), 1);
}
