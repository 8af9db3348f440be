//! Tests of the Kinde mock, route by route, over real HTTP.

use arazzo_mocks::kinde::{KindeConfig, KindeMock, DEFAULT_TOKEN};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A small client for the mock that sends the default token.
struct Client {
    http: reqwest::Client,
    base: String,
    token: Option<String>,
}

impl Client {
    fn new(kinde: &KindeMock) -> Client {
        Client {
            http: reqwest::Client::new(),
            base: kinde.base_url(),
            token: Some(DEFAULT_TOKEN.to_owned()),
        }
    }

    fn with_token(mut self, token: Option<&str>) -> Client {
        self.token = token.map(str::to_owned);
        self
    }

    async fn get(&self, path_and_query: &str) -> (u16, Value) {
        let request = self.http.get(format!("{}{path_and_query}", self.base));
        self.send(request).await
    }

    async fn post(&self, path: &str, body: &Value) -> (u16, Value) {
        let request = self
            .http
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/json")
            .body(serde_json::to_vec(body).unwrap());
        self.send(request).await
    }

    async fn send(&self, mut request: reqwest::RequestBuilder) -> (u16, Value) {
        if let Some(token) = &self.token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let bytes = response.bytes().await.unwrap();
        let body = serde_json::from_slice(&bytes).unwrap_or_else(|err| {
            panic!(
                "{status}: not JSON ({err}): {}",
                String::from_utf8_lossy(&bytes)
            )
        });
        (status, body)
    }
}

async fn start(config: &KindeConfig) -> (KindeMock, Client) {
    let kinde = KindeMock::start(config).await;
    let client = Client::new(&kinde);
    (kinde, client)
}

fn invite_body() -> Value {
    json!({
        "email": "ada@example.com",
        "first_name": "Ada",
        "last_name": "Lovelace",
        "roles": ["admin", "member"],
        "send_email": true,
    })
}

fn role_keys(body: &Value) -> Vec<&str> {
    body["roles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["key"].as_str().unwrap())
        .collect()
}

fn error_codes(body: &Value) -> Vec<&str> {
    body["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("not a Kinde error body: {body}"))
        .iter()
        .map(|e| {
            assert!(e["message"].is_string(), "{e}");
            e["code"].as_str().unwrap()
        })
        .collect()
}

// GetRoles.

#[tokio::test]
async fn get_roles_lists_roles_in_id_order_by_default() {
    let (_kinde, client) = start(&KindeConfig::default()).await;
    let (status, body) = client.get("/api/v1/roles").await;
    assert_eq!(status, 200);
    assert_eq!(body["code"], "OK");
    assert_eq!(body["message"], "Success");
    assert_eq!(
        role_keys(&body),
        ["admin", "manager", "member", "billing", "viewer"]
    );
    assert!(body.get("next_token").is_none());
    assert_eq!(
        body["roles"][0],
        json!({
            "id": "rol_01",
            "key": "admin",
            "name": "Administrator",
            "description": "Full access to the organization.",
            "is_default_role": false,
        })
    );
    assert_eq!(body["roles"][2]["is_default_role"], true);
    assert_eq!(body["roles"][4]["description"], Value::Null);
}

#[tokio::test]
async fn get_roles_honours_sort() {
    let (_kinde, client) = start(&KindeConfig::default()).await;
    let cases: &[(&str, [&str; 5])] = &[
        (
            "name_asc",
            ["admin", "billing", "member", "viewer", "manager"],
        ),
        (
            "name_desc",
            ["manager", "viewer", "member", "billing", "admin"],
        ),
        (
            "key_asc",
            ["admin", "billing", "manager", "member", "viewer"],
        ),
        (
            "key_desc",
            ["viewer", "member", "manager", "billing", "admin"],
        ),
        (
            "id_asc",
            ["admin", "manager", "member", "billing", "viewer"],
        ),
        (
            "id_desc",
            ["viewer", "billing", "member", "manager", "admin"],
        ),
    ];
    for (sort, expected) in cases {
        let (status, body) = client.get(&format!("/api/v1/roles?sort={sort}")).await;
        assert_eq!(status, 200, "{sort}");
        assert_eq!(role_keys(&body), expected, "{sort}");
    }
    let (status, body) = client.get("/api/v1/roles?sort=sideways").await;
    assert_eq!(status, 400);
    assert_eq!(error_codes(&body), ["INVALID_SORT"]);
}

#[tokio::test]
async fn get_roles_pages_with_page_size_and_next_token() {
    let (_kinde, client) = start(&KindeConfig::default()).await;
    let (status, first) = client.get("/api/v1/roles?sort=key_asc&page_size=2").await;
    assert_eq!(status, 200);
    assert_eq!(role_keys(&first), ["admin", "billing"]);
    let token = first["next_token"].as_str().unwrap().to_owned();

    let (_, second) = client
        .get(&format!(
            "/api/v1/roles?sort=key_asc&page_size=2&next_token={token}"
        ))
        .await;
    assert_eq!(role_keys(&second), ["manager", "member"]);
    let token = second["next_token"].as_str().unwrap().to_owned();

    let (_, last) = client
        .get(&format!(
            "/api/v1/roles?sort=key_asc&page_size=2&next_token={token}"
        ))
        .await;
    assert_eq!(role_keys(&last), ["viewer"]);
    assert!(last.get("next_token").is_none());

    let (_, all) = client
        .get("/api/v1/roles?sort=name_asc&page_size=100")
        .await;
    assert_eq!(role_keys(&all).len(), 5);
}

#[tokio::test]
async fn get_roles_rejects_bad_page_size_and_next_token() {
    let (_kinde, client) = start(&KindeConfig::default()).await;
    for query in ["page_size=0", "page_size=ten", "page_size=-1"] {
        let (status, body) = client.get(&format!("/api/v1/roles?{query}")).await;
        assert_eq!(status, 400, "{query}");
        assert_eq!(error_codes(&body), ["INVALID_PAGE_SIZE"], "{query}");
    }
    let (status, body) = client.get("/api/v1/roles?next_token=bogus").await;
    assert_eq!(status, 400);
    assert_eq!(error_codes(&body), ["INVALID_NEXT_TOKEN"]);
}

// Authentication.

#[tokio::test]
async fn every_route_requires_the_bearer_token() {
    let (kinde, client) = start(&KindeConfig::default()).await;
    let anonymous = Client::new(&kinde).with_token(None);
    let wrong = Client::new(&kinde).with_token(Some("nope"));
    for c in [&anonymous, &wrong] {
        let (status, body) = c.get("/api/v1/roles").await;
        assert_eq!(status, 401);
        assert_eq!(error_codes(&body), ["UNAUTHORIZED"]);
        let (status, _) = c
            .post("/api/v1/organization/org_1/invites", &invite_body())
            .await;
        assert_eq!(status, 401);
        let (status, _) = c.get("/api/v1/organization/org_1/invites/inv_1").await;
        assert_eq!(status, 401);
    }
    // A rejected request creates nothing.
    assert!(kinde.invites().is_empty());
    let (status, _) = client.get("/api/v1/roles").await;
    assert_eq!(status, 200);

    let basic = reqwest::Client::new()
        .get(format!("{}/api/v1/roles", kinde.base_url()))
        .header("authorization", format!("Basic {DEFAULT_TOKEN}"))
        .send()
        .await
        .unwrap();
    assert_eq!(basic.status().as_u16(), 401);
    let lowercase_scheme = reqwest::Client::new()
        .get(format!("{}/api/v1/roles", kinde.base_url()))
        .header("authorization", format!("bearer {DEFAULT_TOKEN}"))
        .send()
        .await
        .unwrap();
    assert_eq!(lowercase_scheme.status().as_u16(), 200);
}

#[tokio::test]
async fn the_token_is_configurable() {
    let mut config = KindeConfig::default();
    config.with_token("s3cret");
    assert_eq!(config.token(), "s3cret");
    let (kinde, client) = start(&config).await;
    let (status, _) = client.get("/api/v1/roles").await;
    assert_eq!(status, 401);
    let (status, _) = Client::new(&kinde)
        .with_token(Some("s3cret"))
        .get("/api/v1/roles")
        .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn unknown_routes_get_kindes_not_found_body() {
    let (_kinde, client) = start(&KindeConfig::default()).await;
    let (status, body) = client.get("/api/v1/nothing-here").await;
    assert_eq!(status, 404);
    assert_eq!(error_codes(&body), ["ROUTE_NOT_FOUND"]);
}

// createOrganizationInvite.

#[tokio::test]
async fn create_invite_returns_the_new_invitation() {
    let (kinde, client) = start(&KindeConfig::default()).await;
    let (status, body) = client
        .post("/api/v1/organization/org_1/invites", &invite_body())
        .await;
    assert_eq!(status, 201);
    assert_eq!(
        body,
        json!({
            "code": "OK",
            "message": "Invitation created",
            "invite": {
                "id": "inv_1",
                "code": "inv_1",
                "email": "ada@example.com",
                "first_name": "Ada",
                "last_name": "Lovelace",
                "full_name": "Ada Lovelace",
                "created_on": "2025-01-01T00:00:00+00:00",
                "is_sent": false,
                "accepted_on": null,
                "roles": [
                    { "key": "admin", "name": "Administrator" },
                    { "key": "member", "name": "Member" },
                ],
                "is_revoked": false,
                "invite_link": "https://org_1.kinde.example/invite/inv_1",
            },
        })
    );

    let (_, second) = client
        .post(
            "/api/v1/organization/org_2/invites",
            &json!({ "email": "bob@example.org", "roles": ["custom"] }),
        )
        .await;
    assert_eq!(second["invite"]["code"], "inv_2");
    assert_eq!(second["invite"]["first_name"], Value::Null);
    assert_eq!(second["invite"]["full_name"], "");
    assert_eq!(second["invite"]["roles"][0]["name"], "custom");

    let invites = kinde.invites();
    assert_eq!(invites.len(), 2);
    assert_eq!(invites[0].org_code, "org_1");
    assert_eq!(invites[0].code, "inv_1");
    assert_eq!(invites[0].email, "ada@example.com");
    assert_eq!(invites[0].first_name.as_deref(), Some("Ada"));
    assert_eq!(invites[0].roles, ["admin", "member"]);
    assert!(invites[0].send_email);
    assert_eq!(invites[0].polls, 0);
    assert!(!invites[1].send_email);
}

#[tokio::test]
async fn create_invite_accepts_null_names() {
    let (_kinde, client) = start(&KindeConfig::default()).await;
    let body = json!({
        "email": "ada@example.com",
        "first_name": null,
        "last_name": null,
        "roles": [],
        "send_email": true,
    });
    let (status, created) = client
        .post("/api/v1/organization/org_1/invites", &body)
        .await;
    assert_eq!(status, 201, "{created}");
}

#[tokio::test]
async fn create_invite_validates_the_body() {
    let (kinde, client) = start(&KindeConfig::default()).await;
    let long = "x".repeat(65);
    let cases = [
        (json!({ "roles": ["admin"] }), vec!["EMAIL_REQUIRED"]),
        (
            json!({ "email": "not-an-email", "roles": [] }),
            vec!["INVALID_EMAIL"],
        ),
        (json!({ "email": 7, "roles": [] }), vec!["INVALID_EMAIL"]),
        (
            json!({ "email": format!("{}@example.com", "a".repeat(250)), "roles": [] }),
            vec!["EMAIL_TOO_LONG"],
        ),
        (json!({ "email": "a@b.co" }), vec!["ROLES_REQUIRED"]),
        (
            json!({ "email": "a@b.co", "roles": "admin" }),
            vec!["INVALID_ROLES"],
        ),
        (
            json!({ "email": "a@b.co", "roles": ["admin", 3] }),
            vec!["INVALID_ROLES"],
        ),
        (
            json!({ "email": "a@b.co", "roles": [], "send_email": "yes" }),
            vec!["INVALID_REQUEST_BODY"],
        ),
        (
            json!({ "email": "a@b.co", "roles": [], "first_name": long, "last_name": long }),
            vec!["FIRST_NAME_TOO_LONG", "LAST_NAME_TOO_LONG"],
        ),
        (
            json!({ "first_name": 1, "roles": {} }),
            vec!["EMAIL_REQUIRED", "INVALID_REQUEST_BODY", "INVALID_ROLES"],
        ),
        (json!(["not", "an", "object"]), vec!["INVALID_REQUEST_BODY"]),
    ];
    for (body, expected) in cases {
        let (status, response) = client
            .post("/api/v1/organization/org_1/invites", &body)
            .await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(error_codes(&response), expected, "{body}");
    }
    assert!(kinde.invites().is_empty());
}

#[tokio::test]
async fn create_invite_requires_a_json_body() {
    let (kinde, _client) = start(&KindeConfig::default()).await;
    let url = format!("{}/api/v1/organization/org_1/invites", kinde.base_url());
    let auth = format!("Bearer {DEFAULT_TOKEN}");
    let http = reqwest::Client::new();

    let form = http
        .post(&url)
        .header("authorization", &auth)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("email=a@b.co")
        .send()
        .await
        .unwrap();
    assert_eq!(form.status().as_u16(), 400);
    let body: Value = serde_json::from_slice(&form.bytes().await.unwrap()).unwrap();
    assert_eq!(error_codes(&body), ["INVALID_CONTENT_TYPE"]);

    let broken = http
        .post(&url)
        .header("authorization", &auth)
        .header("content-type", "application/json; charset=utf-8")
        .body("{\"email\":")
        .send()
        .await
        .unwrap();
    assert_eq!(broken.status().as_u16(), 400);
    let body: Value = serde_json::from_slice(&broken.bytes().await.unwrap()).unwrap();
    assert_eq!(error_codes(&body), ["INVALID_REQUEST_BODY"]);
}

#[tokio::test]
async fn unknown_organizations_get_404() {
    let mut config = KindeConfig::default();
    config.with_unknown_org("org_gone");
    let (_kinde, client) = start(&config).await;
    let (status, body) = client
        .post("/api/v1/organization/org_gone/invites", &invite_body())
        .await;
    assert_eq!(status, 404);
    assert_eq!(error_codes(&body), ["ORGANIZATION_INVALID"]);
    let (status, body) = client
        .get("/api/v1/organization/org_gone/invites/inv_1")
        .await;
    assert_eq!(status, 404);
    assert_eq!(error_codes(&body), ["ORGANIZATION_INVALID"]);
    let (status, _) = client
        .post("/api/v1/organization/org_other/invites", &invite_body())
        .await;
    assert_eq!(status, 201);
}

#[tokio::test]
async fn known_organizations_restrict_the_accepted_codes() {
    let mut config = KindeConfig::default();
    config.with_known_org("org_a").with_known_org("org_b");
    let (_kinde, client) = start(&config).await;
    for (org, expected) in [("org_a", 201), ("org_b", 201), ("org_c", 404)] {
        let (status, _) = client
            .post(
                &format!("/api/v1/organization/{org}/invites"),
                &invite_body(),
            )
            .await;
        assert_eq!(status, expected, "{org}");
    }
}

#[tokio::test]
async fn create_failure_overrides_the_response() {
    let mut config = KindeConfig::default();
    let failure = json!({ "errors": [{ "code": "TOO_MANY_INVITES", "message": "slow down" }] });
    config.with_create_failure(429, failure.clone());
    let (kinde, client) = start(&config).await;
    let (status, body) = client
        .post("/api/v1/organization/org_1/invites", &invite_body())
        .await;
    assert_eq!(status, 429);
    assert_eq!(body, failure);
    assert!(kinde.invites().is_empty());
    // Authentication still comes first.
    let (status, _) = Client::new(&kinde)
        .with_token(None)
        .post("/api/v1/organization/org_1/invites", &invite_body())
        .await;
    assert_eq!(status, 401);
}

// getOrganizationInvite.

async fn poll_states(client: &Client, path: &str, polls: usize) -> Vec<bool> {
    let mut states = Vec::new();
    for _ in 0..polls {
        let (status, body) = client.get(path).await;
        assert_eq!(status, 200, "{body}");
        states.push(body["is_sent"].as_bool().unwrap());
    }
    states
}

#[tokio::test]
async fn get_invite_reports_sent_after_the_configured_polls() {
    let (kinde, client) = start(&KindeConfig::default()).await;
    client
        .post("/api/v1/organization/org_1/invites", &invite_body())
        .await;
    let path = "/api/v1/organization/org_1/invites/inv_1";
    assert_eq!(
        poll_states(&client, path, 4).await,
        [false, false, true, true]
    );
    let (_, body) = client.get(path).await;
    assert_eq!(body["message"], "Success");
    assert_eq!(body["code"], "inv_1");
    assert_eq!(body["email"], "ada@example.com");
    assert_eq!(
        body["invite_link"],
        "https://org_1.kinde.example/invite/inv_1"
    );
    assert_eq!(body["roles"][0]["key"], "admin");
    assert_eq!(body["accepted_on"], Value::Null);
    assert_eq!(body["is_revoked"], false);
    let invite = &kinde.invites()[0];
    assert_eq!(invite.polls, 5);
    assert!(invite.is_sent);
}

#[tokio::test]
async fn polls_before_sent_is_configurable() {
    let mut config = KindeConfig::default();
    config.with_polls_before_sent(0);
    let (_kinde, client) = start(&config).await;
    client
        .post("/api/v1/organization/org_1/invites", &invite_body())
        .await;
    let path = "/api/v1/organization/org_1/invites/inv_1";
    assert_eq!(poll_states(&client, path, 1).await, [true]);

    let mut config = KindeConfig::default();
    config.with_polls_before_sent(5);
    let (_kinde, client) = start(&config).await;
    client
        .post("/api/v1/organization/org_1/invites", &invite_body())
        .await;
    assert_eq!(
        poll_states(&client, path, 6).await,
        [false, false, false, false, false, true]
    );
}

#[tokio::test]
async fn never_sent_mode_and_send_email_false_never_send() {
    let mut config = KindeConfig::default();
    config.with_never_sent(true);
    let (_kinde, client) = start(&config).await;
    client
        .post("/api/v1/organization/org_1/invites", &invite_body())
        .await;
    let path = "/api/v1/organization/org_1/invites/inv_1";
    assert_eq!(poll_states(&client, path, 12).await, [false; 12]);

    let (_kinde, client) = start(&KindeConfig::default()).await;
    let mut body = invite_body();
    body["send_email"] = json!(false);
    client
        .post("/api/v1/organization/org_1/invites", &body)
        .await;
    assert_eq!(poll_states(&client, path, 5).await, [false; 5]);
}

#[tokio::test]
async fn get_invite_is_404_for_unknown_codes_and_other_orgs() {
    let (_kinde, client) = start(&KindeConfig::default()).await;
    client
        .post("/api/v1/organization/org_1/invites", &invite_body())
        .await;
    for path in [
        "/api/v1/organization/org_1/invites/inv_999",
        "/api/v1/organization/org_2/invites/inv_1",
    ] {
        let (status, body) = client.get(path).await;
        assert_eq!(status, 404, "{path}");
        assert_eq!(error_codes(&body), ["INVITE_NOT_FOUND"], "{path}");
    }
}

// Percent-encoded path parameters.

#[tokio::test]
async fn an_encoded_org_code_stays_one_segment() {
    let (kinde, client) = start(&KindeConfig::default()).await;
    let encoded = "a%2F..%2Fb%3Fx";
    let (status, created) = client
        .post(
            &format!("/api/v1/organization/{encoded}/invites"),
            &invite_body(),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(
        created["invite"]["invite_link"],
        "https://a----b-x.kinde.example/invite/inv_1"
    );
    assert_eq!(kinde.invites()[0].org_code, "a/../b?x");

    let (status, read) = client
        .get(&format!("/api/v1/organization/{encoded}/invites/inv_1"))
        .await;
    assert_eq!(status, 200, "{read}");
    // The decoded form is a different organization code.
    let (status, _) = client.get("/api/v1/organization/a/invites/inv_1").await;
    assert_eq!(status, 404);

    let requests = kinde.requests();
    let create = &requests[0];
    assert_eq!(
        create.raw_path,
        "/api/v1/organization/a%2F..%2Fb%3Fx/invites"
    );
    assert_eq!(create.raw_query, None);
    assert_eq!(
        create.path_segments,
        ["api", "v1", "organization", "a/../b?x", "invites"]
    );
    assert_eq!(create.json, Some(invite_body()));
    assert_eq!(create.status, Some(201));
    assert_eq!(
        requests[1].raw_path,
        "/api/v1/organization/a%2F..%2Fb%3Fx/invites/inv_1"
    );
    assert_eq!(requests[1].path_segments[3], "a/../b?x");
}

#[tokio::test]
async fn an_encoded_org_code_survives_a_raw_http_request() {
    let kinde = KindeMock::start(&KindeConfig::default()).await;
    let body = serde_json::to_string(&invite_body()).unwrap();
    let request = format!(
        "POST /api/v1/organization/a%2F..%2Fb%3Fx/invites HTTP/1.1\r\n\
         Host: {}\r\n\
         Authorization: Bearer {DEFAULT_TOKEN}\r\n\
         Content-Type: application/json\r\n\
         Content-Length: {}\r\n\
         Connection: close\r\n\
         \r\n\
         {body}",
        kinde.server().addr(),
        body.len(),
    );
    let mut stream = tokio::net::TcpStream::connect(kinde.server().addr())
        .await
        .unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    assert!(response.starts_with("HTTP/1.1 201"), "{response}");
    assert!(response.contains(r#""code":"inv_1""#), "{response}");

    assert_eq!(kinde.invites()[0].org_code, "a/../b?x");
    let recorded = &kinde.requests()[0];
    assert_eq!(
        recorded.raw_path,
        "/api/v1/organization/a%2F..%2Fb%3Fx/invites"
    );
    assert_eq!(recorded.path_segments[3], "a/../b?x");
    assert_eq!(recorded.header("authorization"), Some("Bearer test-token"));
}

// Recording.

#[tokio::test]
async fn the_workflow_requests_are_recorded_in_order() {
    let (kinde, client) = start(&KindeConfig::default()).await;
    client
        .get("/api/v1/roles?sort=name_asc&page_size=100")
        .await;
    client
        .post("/api/v1/organization/org_1/invites", &invite_body())
        .await;
    poll_states(&client, "/api/v1/organization/org_1/invites/inv_1", 3).await;

    let requests = kinde.requests();
    let seen: Vec<(&str, &str, Option<u16>)> = requests
        .iter()
        .map(|r| (r.method.as_str(), r.raw_path.as_str(), r.status))
        .collect();
    assert_eq!(
        seen,
        [
            ("GET", "/api/v1/roles", Some(200)),
            ("POST", "/api/v1/organization/org_1/invites", Some(201)),
            ("GET", "/api/v1/organization/org_1/invites/inv_1", Some(200)),
            ("GET", "/api/v1/organization/org_1/invites/inv_1", Some(200)),
            ("GET", "/api/v1/organization/org_1/invites/inv_1", Some(200)),
        ]
    );
    let roles = &requests[0];
    assert_eq!(
        roles.raw_query.as_deref(),
        Some("sort=name_asc&page_size=100")
    );
    assert_eq!(roles.query_param("sort"), Some("name_asc"));
    assert_eq!(roles.query_param("page_size"), Some("100"));
    assert!(requests
        .iter()
        .all(|r| r.header("authorization") == Some("Bearer test-token")));
    assert_eq!(requests[1].header("content-type"), Some("application/json"));

    kinde.clear_requests();
    assert!(kinde.requests().is_empty());
    // Clearing the log keeps the invitations.
    assert_eq!(kinde.invites().len(), 1);
}

#[tokio::test]
async fn rejected_requests_are_recorded_with_their_status() {
    let (kinde, _client) = start(&KindeConfig::default()).await;
    let anonymous = Client::new(&kinde).with_token(None);
    anonymous.get("/api/v1/roles").await;
    let requests = kinde.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].status, Some(401));
    assert_eq!(requests[0].header("authorization"), None);
}
