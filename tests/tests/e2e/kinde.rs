//! The Kinde invite workflow end to end: the real macro, a real HTTP client and the Kinde
//! mock on 127.0.0.1. Retry delays run on tokio's paused clock, so the suite stays fast
//! while the delays are still observed.

use std::time::Duration;

use arazzo_mocks::kinde::{KindeConfig, KindeMock, DEFAULT_TOKEN};
use serde_json::json;

/// Also `shared_seed`'s own copy of the workflow, expanded once for the binary.
pub(crate) mod kinde {
    // The Kinde document's `$.is_sent == true` is read as `$response.body#/is_sent == true`,
    // with a warning (it is neither RFC 9535 JSONPath nor a runtime expression).
    arazzo::arazzo_workflow!(
        "../examples/arazzo/kinde-invite.arazzo.yml",
        allow = ["nonstandard-form"],
    );
}

use kinde::{invite_user_to_organization, InviteUserToOrganizationInputs};

fn inputs(org_code: &str) -> InviteUserToOrganizationInputs {
    InviteUserToOrganizationInputs {
        org_code: org_code.to_owned(),
        email: "ada@example.com".to_owned(),
        first_name: Some("Ada".to_owned()),
        last_name: None,
        role_keys: vec!["admin".to_owned(), "member".to_owned()],
    }
}

fn client(mock: &KindeMock) -> arazzo::Client {
    kinde::client_builder()
        .base_url(kinde::sources::KINDE_MANAGEMENT_API, mock.base_url())
        .bearer_token(DEFAULT_TOKEN)
        .build()
        .unwrap()
}

/// Method, raw path and query of every request the mock received.
fn trace(mock: &KindeMock) -> Vec<String> {
    mock.requests()
        .iter()
        .map(|r| match &r.raw_query {
            Some(q) => format!("{} {}?{q}", r.method, r.raw_path),
            None => format!("{} {}", r.method, r.raw_path),
        })
        .collect()
}

#[tokio::test(start_paused = true)]
async fn invites_and_polls_until_sent() {
    let mock = KindeMock::start(&KindeConfig::default()).await;
    let started = tokio::time::Instant::now();
    let out = invite_user_to_organization(&client(&mock), inputs("org_acme"))
        .await
        .unwrap();

    // Typed from the OpenAPI response schemas: `String`, not `serde_json::Value`. Calling
    // `str` methods proves it at compile time.
    let invite_code: String = out.invite_code;
    assert_eq!(invite_code, "inv_1");
    assert!(out.invite_link.starts_with("https://"));
    assert_eq!(
        out.invite_link,
        "https://org_acme.kinde.example/invite/inv_1"
    );
    assert_eq!(
        trace(&mock),
        [
            "GET /api/v1/roles?sort=name_asc&page_size=100",
            "POST /api/v1/organization/org_acme/invites",
            "GET /api/v1/organization/org_acme/invites/inv_1",
            "GET /api/v1/organization/org_acme/invites/inv_1",
            "GET /api/v1/organization/org_acme/invites/inv_1",
        ]
    );
    let requests = mock.requests();
    // An absent optional input is left out of the payload; present ones keep their type.
    assert_eq!(
        requests[1].json,
        Some(json!({
            "email": "ada@example.com",
            "first_name": "Ada",
            "roles": ["admin", "member"],
            "send_email": true
        }))
    );
    assert_eq!(requests[1].header("content-type"), Some("application/json"));
    for request in &requests {
        assert_eq!(request.header("authorization"), Some("Bearer test-token"));
    }
    // Two polls reported `is_sent: false`, each followed by the 3 s `retryAfter`.
    assert_eq!(started.elapsed(), Duration::from_secs(6));
}

#[tokio::test(start_paused = true)]
async fn retries_run_out_after_retry_limit_plus_one_attempts() {
    let mock = KindeMock::start(KindeConfig::default().with_never_sent(true)).await;
    let started = tokio::time::Instant::now();
    let error = invite_user_to_organization(&client(&mock), inputs("org_acme"))
        .await
        .unwrap_err();

    assert_eq!(
        error.to_string(),
        "step `pollInviteSent` of workflow `invite-user-to-organization`: still failing after 11 attempts (last status 200, unmet criterion `$.is_sent == true`)"
    );
    assert!(matches!(
        error,
        arazzo::Error::RetriesExhausted { ref step, attempts: 11, status: 200, .. } if step == "pollInviteSent"
    ));
    let polls = trace(&mock)
        .iter()
        .filter(|r| r.starts_with("GET /api/v1/organization/"))
        .count();
    assert_eq!(polls, 11);
    assert_eq!(started.elapsed(), Duration::from_secs(30));
}

#[tokio::test]
async fn a_4xx_on_create_names_the_step_status_and_body() {
    let mock = KindeMock::start(KindeConfig::default().with_create_failure(
        400,
        json!({"errors": [{"code": "INVALID_EMAIL", "message": "Email is invalid"}]}),
    ))
    .await;
    let error = invite_user_to_organization(&client(&mock), inputs("org_acme"))
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        r#"step `createInvite` of workflow `invite-user-to-organization`: unexpected status 400 (expected `$statusCode == 201`): {"errors":[{"code":"INVALID_EMAIL","message":"Email is invalid"}]}"#
    );
    assert_eq!(error.step(), Some("createInvite"));
    assert_eq!(error.status(), Some(400));
    assert_eq!(trace(&mock).len(), 2);
}

#[tokio::test]
async fn a_missing_token_is_a_401_from_the_first_step() {
    let mock = KindeMock::start(&KindeConfig::default()).await;
    // By default a request the credentials cannot authorize is never sent.
    let strict = arazzo::Client::builder()
        .base_url("kindeManagementApi", mock.base_url())
        .build()
        .unwrap();
    let error = invite_user_to_organization(&strict, inputs("org_acme"))
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "step `listRoles` of workflow `invite-user-to-organization`: operation `GetRoles` needs credentials for `kindeBearerAuth`, and the client has none of them; the request was not sent (set them with `ClientBuilder::bearer_token`, `api_key`, `basic_auth` or `credential`, or allow it with `ClientBuilder::allow_missing_credentials(true)`)"
    );
    assert!(mock.requests().is_empty());
    // Allowed, the server answers `401`.
    let client = arazzo::Client::builder()
        .base_url("kindeManagementApi", mock.base_url())
        .allow_missing_credentials(true)
        .build()
        .unwrap();
    let error = invite_user_to_organization(&client, inputs("org_acme"))
        .await
        .unwrap_err();
    assert!(
        matches!(error, arazzo::Error::UnexpectedStatus { ref step, status: 401, .. } if step == "listRoles"),
        "{error}"
    );
    assert_eq!(mock.requests()[0].header("authorization"), None);
}

#[tokio::test(start_paused = true)]
async fn path_parameters_stay_inside_their_segment() {
    let mock = KindeMock::start(KindeConfig::default().with_polls_before_sent(0)).await;
    invite_user_to_organization(&client(&mock), inputs("a/../b?x"))
        .await
        .unwrap();
    let requests = mock.requests();
    assert_eq!(
        requests[1].raw_path,
        "/api/v1/organization/a%2F..%2Fb%3Fx/invites"
    );
    assert_eq!(requests[1].path_segments[3], "a/../b?x");
    assert_eq!(mock.invites()[0].org_code, "a/../b?x");
}

#[tokio::test]
async fn a_transport_failure_names_the_step_and_url() {
    // Nothing listens on port 9 of 127.0.0.1 (the discard port is not served here).
    let client = arazzo::Client::builder()
        .base_url("kindeManagementApi", "http://127.0.0.1:9")
        .bearer_token(DEFAULT_TOKEN)
        .build()
        .unwrap();
    let error = invite_user_to_organization(&client, inputs("org_acme"))
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "step `listRoles` of workflow `invite-user-to-organization`: could not connect to http://127.0.0.1:9/api/v1/roles?sort=***&page_size=***: Connection refused (os error 111)"
    );
}

#[tokio::test(start_paused = true)]
async fn the_json_entry_point_runs_a_workflow_by_id() {
    assert_eq!(kinde::WORKFLOWS.len(), 1);
    let info = kinde::WORKFLOWS[0];
    assert_eq!(info.id, "invite-user-to-organization");
    let schema: serde_json::Value = serde_json::from_str(info.inputs_schema).unwrap();
    assert_eq!(schema["required"], json!(["orgCode", "email", "roleKeys"]));

    let mock = KindeMock::start(&KindeConfig::default()).await;
    let out = kinde::run_workflow(
        &client(&mock),
        "invite-user-to-organization",
        json!({"orgCode": "org_acme", "email": "ada@example.com", "roleKeys": ["admin"]}),
    )
    .await
    .unwrap();
    assert_eq!(
        out,
        json!({"inviteCode": "inv_1", "inviteLink": "https://org_acme.kinde.example/invite/inv_1"})
    );

    let error = kinde::run_workflow(&client(&mock), "invite-user", json!({}))
        .await
        .unwrap_err();
    assert_eq!(error.to_string(), "unknown workflow `invite-user`");
    let error = kinde::run_workflow(
        &client(&mock),
        "invite-user-to-organization",
        json!({"orgCode": "org_acme", "email": "ada@example.com"}),
    )
    .await
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        "workflow `invite-user-to-organization`: invalid inputs: missing field `roleKeys`"
    );
}

/// `client_builder()` knows the document's names: a base URL, server variable or
/// credential for a name the document does not have fails at `build()`.
#[test]
fn the_client_builder_rejects_names_the_document_does_not_have() {
    let error = |builder: arazzo::ClientBuilder| builder.build().unwrap_err().to_string();
    assert_eq!(
        error(kinde::client_builder().base_url("kindeManagmentApi", "http://127.0.0.1:1")),
        "`base_url` names the source description `kindeManagmentApi`, which none of the client's documents has; did you mean `kindeManagementApi`?"
    );
    assert_eq!(
        error(kinde::client_builder().server_variable("kinde", "subdomain", "acme")),
        "`server_variable` names the source description `kinde`, which none of the client's documents has (they have `kindeManagementApi`)"
    );
    assert_eq!(
        error(kinde::client_builder().credential("kindebearerauth", arazzo::Credential::Bearer("t".into()))),
        "`credential` names the security scheme `kindebearerauth`, which none of the client's documents has; did you mean `kindeBearerAuth`?"
    );
    assert_eq!(kinde::NAMES.sources, ["kindeManagementApi"]);
    assert_eq!(kinde::NAMES.schemes, ["kindeBearerAuth"]);
    // The right names build; a plain `Client::builder()` checks nothing.
    kinde::client_builder()
        .base_url(kinde::sources::KINDE_MANAGEMENT_API, "http://127.0.0.1:1")
        .server_variable("kindeManagementApi", "subdomain", "acme")
        .credential("kindeBearerAuth", arazzo::Credential::Bearer("t".into()))
        .build()
        .unwrap();
    arazzo::Client::builder()
        .base_url("kindeManagmentApi", "http://127.0.0.1:1")
        .build()
        .unwrap();
}
