//! The Krystal invite workflow end to end: the real macro, a real HTTP client and the
//! Krystal Identity mock on 127.0.0.1. The two documented refusals (`organization_not_found`
//! with 404, `validation_error` with 422) each end the workflow through their own failure
//! action; the error names the step, the status and Krystal's error body.

use arazzo_mocks::krystal::{KrystalConfig, KrystalMock, DEFAULT_TOKEN, EXPIRES_AT};
use arazzo_mocks::RecordedRequest;
use serde_json::json;

mod krystal {
    arazzo::arazzo_workflow!(
        "../examples/arazzo/krystal-invite.arazzo.yml",
        strict = true
    );
}

use krystal::{invite_to_organization, InviteToOrganizationInputs};

fn inputs(organization: &str, email: &str) -> InviteToOrganizationInputs {
    InviteToOrganizationInputs {
        organization: organization.to_owned(),
        email_address: email.to_owned(),
        role_names: Some(vec!["admin".to_owned(), "billing".to_owned()]),
        owner: Some(false),
    }
}

fn client_with(mock: &KrystalMock, token: Option<&str>) -> arazzo::Client {
    let builder = arazzo::Client::builder().base_url("krystalIdentity", mock.base_url());
    match token {
        Some(token) => builder.bearer_token(token),
        // No credential: the server decides (by default the run would stop first, with
        // `Error::MissingCredentials`).
        None => builder.allow_missing_credentials(true),
    }
    .build()
    .unwrap()
}

fn client(mock: &KrystalMock) -> arazzo::Client {
    client_with(mock, Some(DEFAULT_TOKEN))
}

#[tokio::test]
async fn creates_a_pending_invite_with_roles() {
    let mock = KrystalMock::start(&KrystalConfig::default()).await;
    let out = invite_to_organization(&client(&mock), inputs("org_acme", "ada@example.com"))
        .await
        .unwrap();

    // Typed from the OpenAPI response schema: `expires_at` is an integer, `role_names`
    // an array of nullable strings.
    let expires_at: i64 = out.expires_at;
    let role_names: Vec<Option<String>> = out.role_names.clone();
    assert_eq!(expires_at, EXPIRES_AT);
    assert_eq!(
        role_names,
        [Some("admin".to_owned()), Some("billing".to_owned())]
    );
    assert_eq!(
        out,
        krystal::InviteToOrganizationOutputs {
            invite_id: "inv_1".to_owned(),
            state: krystal::types::InviteStateEnum::Pending,
            expires_at: EXPIRES_AT,
            role_names: vec![Some("admin".to_owned()), Some("billing".to_owned())],
            invited_by: "Grace Hopper".to_owned(),
        }
    );

    let requests = mock.requests();
    assert_eq!(
        requests
            .iter()
            .map(RecordedRequest::target)
            .collect::<Vec<_>>(),
        ["POST /api/v1/organizations/org_acme/invites"]
    );
    let request = &requests[0];
    assert_eq!(request.status, Some(200));
    assert_eq!(
        request.header("authorization"),
        Some("Bearer krystal-test-token")
    );
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert_eq!(
        request.json,
        Some(json!({"properties": {
            "email_address": "ada@example.com",
            "role_names": ["admin", "billing"],
            "owner": false
        }}))
    );
    assert_eq!(mock.invites().len(), 1);
}

#[tokio::test]
async fn absent_optional_inputs_are_left_out_of_the_properties() {
    let mock = KrystalMock::start(&KrystalConfig::default()).await;
    let out = invite_to_organization(
        &client(&mock),
        InviteToOrganizationInputs {
            organization: "org_acme".to_owned(),
            email_address: "ada@example.com".to_owned(),
            role_names: None,
            owner: None,
        },
    )
    .await
    .unwrap();
    assert_eq!(out.role_names, Vec::<Option<String>>::new());
    assert_eq!(
        mock.requests()[0].json,
        Some(json!({"properties": {"email_address": "ada@example.com"}}))
    );
}

#[tokio::test]
async fn an_unknown_organization_ends_with_organization_not_found() {
    let mut config = KrystalConfig::default();
    config.with_unknown_organization("org_gone");
    let mock = KrystalMock::start(&config).await;
    let error = invite_to_organization(&client(&mock), inputs("org_gone", "ada@example.com"))
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        r#"step `createInvite` of workflow `invite-to-organization`: unexpected status 404 (expected `$statusCode == 200`), ended by failure action `organizationNotFound`: {"error":{"code":"organization_not_found","description":"No organization was found matching any of the criteria provided in the arguments","detail":{}}}"#
    );
    assert!(matches!(
        error,
        arazzo::Error::UnexpectedStatus { ref step, status: 404, .. } if step == "createInvite"
    ));
    assert_eq!(error.failure_action(), Some("organizationNotFound"));
    assert_eq!(mock.requests().len(), 1);
    assert!(mock.invites().is_empty());
}

#[tokio::test]
async fn invalid_properties_end_with_validation_error() {
    let mock = KrystalMock::start(&KrystalConfig::default()).await;
    let mut bad = inputs("org_acme", "not-an-email");
    bad.role_names = Some(vec!["root".to_owned()]);
    let error = invite_to_organization(&client(&mock), bad)
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        r#"step `createInvite` of workflow `invite-to-organization`: unexpected status 422 (expected `$statusCode == 200`), ended by failure action `invalidInvite`: {"error":{"code":"validation_error","description":"An error ocurred with the input provided","detail":{"errors":{"email_address":["is not a valid email address"],"role_names":["includes an unknown role `root`"]}}}}"#
    );
    assert_eq!(error.status(), Some(422));
    assert_eq!(error.failure_action(), Some("invalidInvite"));
    assert!(mock.invites().is_empty());
}

#[tokio::test]
async fn inviting_the_same_address_twice_is_a_validation_error() {
    let mock = KrystalMock::start(&KrystalConfig::default()).await;
    let client = client(&mock);
    invite_to_organization(&client, inputs("org_acme", "ada@example.com"))
        .await
        .unwrap();
    let error = invite_to_organization(&client, inputs("org_acme", "ada@example.com"))
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        r#"step `createInvite` of workflow `invite-to-organization`: unexpected status 422 (expected `$statusCode == 200`), ended by failure action `invalidInvite`: {"error":{"code":"validation_error","description":"An error ocurred with the input provided","detail":{"errors":{"email_address":["already has a pending invite to this organization"]}}}}"#
    );
    assert_eq!(mock.invites().len(), 1);
}

#[tokio::test]
async fn a_missing_token_is_a_401() {
    let mock = KrystalMock::start(&KrystalConfig::default()).await;
    // By default a request the credentials cannot authorize is never sent.
    let strict = arazzo::Client::builder()
        .base_url("krystalIdentity", mock.base_url())
        .build()
        .unwrap();
    let error = invite_to_organization(&strict, inputs("org_acme", "ada@example.com"))
        .await
        .unwrap_err();
    assert!(
        matches!(error, arazzo::Error::MissingCredentials { .. }),
        "{error}"
    );
    assert!(mock.requests().is_empty());
    let error = invite_to_organization(
        &client_with(&mock, None),
        inputs("org_acme", "ada@example.com"),
    )
    .await
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        r#"step `createInvite` of workflow `invite-to-organization`: unexpected status 401 (expected `$statusCode == 200`): {"error":{"code":"access_token_missing","description":"No access token was provided in the Authorization header","detail":{}}}"#
    );
    assert_eq!(mock.requests()[0].header("authorization"), None);
}

#[tokio::test]
async fn a_wrong_token_is_a_401() {
    let mock = KrystalMock::start(&KrystalConfig::default()).await;
    let error = invite_to_organization(
        &client_with(&mock, Some("stolen")),
        inputs("org_acme", "ada@example.com"),
    )
    .await
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        r#"step `createInvite` of workflow `invite-to-organization`: unexpected status 401 (expected `$statusCode == 200`): {"error":{"code":"invalid_access_token","description":"The access token provided is not valid","detail":{}}}"#
    );
    assert_eq!(
        mock.requests()[0].header("authorization"),
        Some("Bearer stolen")
    );
    assert!(mock.invites().is_empty());
}

#[tokio::test]
async fn the_organization_stays_inside_its_path_segment() {
    let mock = KrystalMock::start(&KrystalConfig::default()).await;
    invite_to_organization(&client(&mock), inputs("acme/../x?y", "ada@example.com"))
        .await
        .unwrap();
    let requests = mock.requests();
    assert_eq!(
        requests[0].raw_path,
        "/api/v1/organizations/acme%2F..%2Fx%3Fy/invites"
    );
    assert_eq!(mock.invites()[0].organization, "acme/../x?y");
}

#[tokio::test]
async fn the_json_entry_point_runs_the_workflow() {
    let mock = KrystalMock::start(&KrystalConfig::default()).await;
    let out = krystal::run_workflow(
        &client(&mock),
        "invite-to-organization",
        json!({"organization": "org_acme", "emailAddress": "ada@example.com", "owner": true}),
    )
    .await
    .unwrap();
    assert_eq!(
        out,
        json!({
            "inviteId": "inv_1",
            "state": "pending",
            "expiresAt": EXPIRES_AT,
            "roleNames": [],
            "invitedBy": "Grace Hopper"
        })
    );
    assert_eq!(
        mock.requests()[0].json,
        Some(json!({"properties": {"email_address": "ada@example.com", "owner": true}}))
    );
}
