//! A mock of the k0rdent AI API operation used by the "invite to organization"
//! workflow.
//!
//! | operation | route |
//! |---|---|
//! | `createOrganizationInvitation` | `POST /v1/regions/global/organizations/{id}/invitations` |
//!
//! Every error has k0rdent's envelope `{"error": {"code", "message",
//! "details"}}`, with the HTTP status repeated as the integer `code`. The
//! checks run in this order:
//!
//! 1. `Authorization: Bearer <token>` with the configured token, else `401`.
//! 2. The organization id must be a UUID (`400`), must exist (`404`, see
//!    [`K0rdentConfig::with_unknown_organization`]) and must let the token
//!    invite (`403`, see [`K0rdentConfig::with_forbidden_organization`]).
//! 3. [`K0rdentConfig::with_internal_error`] makes every request that gets
//!    this far fail with `500`.
//! 4. The body must be a JSON object sent as `application/json` and valid:
//!    `email` required and an email address, `roles` and `groups` arrays of
//!    strings of which at least one is given and not empty, `message` a
//!    string of at most 500 characters. Every problem is reported at once as
//!    a `400` whose `details` hold one `google.rpc.BadRequest` with a
//!    `fieldViolations` entry per problem.
//!
//! A created invitation answers `201`: `status: "pending"`, the UUID
//! `00000000-0000-4000-8000-<n, 12 digits>` as its `id` (`n` counts from 1
//! in creation order), a distinct `uid`, a `selfLink` under the
//! organization, the email's local part as `displayName`, and the fixed
//! times [`CREATED_AT`] and [`EXPIRES_AT`]. Unknown routes get `404`.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::{from_fn_with_state, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{json, Map, Value};

use crate::server::Mock;

/// The bearer token the mock accepts unless configured otherwise.
pub const DEFAULT_TOKEN: &str = "k0rdent-test-token";

/// The route of `createOrganizationInvitation`.
pub const INVITATIONS_PATH: &str = "/v1/regions/global/organizations/{id}/invitations";

/// An organization id the examples and tests use; every UUID exists by default.
pub const ORGANIZATION_ID: &str = "497f6eca-6276-4993-bfeb-53cbbbba6f08";

/// The `createdAt` of every invitation; fixed so responses are reproducible.
pub const CREATED_AT: &str = "2025-01-01T00:00:00Z";

/// The `expiresAt` of every invitation, a week after [`CREATED_AT`].
pub const EXPIRES_AT: &str = "2025-01-08T00:00:00Z";

/// The longest `message` k0rdent accepts, in characters.
pub const MAX_MESSAGE_CHARS: usize = 500;

/// How the k0rdent mock behaves.
///
/// ```
/// use arazzo_mocks::k0rdent::K0rdentConfig;
///
/// let mut config = K0rdentConfig::default();
/// config
///     .with_token("secret")
///     .with_unknown_organization("00000000-0000-4000-8000-000000000404");
/// ```
#[derive(Clone, Debug)]
pub struct K0rdentConfig {
    token: String,
    unknown_organizations: BTreeSet<String>,
    forbidden_organizations: BTreeSet<String>,
    internal_error: bool,
}

impl Default for K0rdentConfig {
    fn default() -> Self {
        K0rdentConfig {
            token: DEFAULT_TOKEN.to_owned(),
            unknown_organizations: BTreeSet::new(),
            forbidden_organizations: BTreeSet::new(),
            internal_error: false,
        }
    }
}

impl K0rdentConfig {
    /// Accepts only `Authorization: Bearer <token>` (default [`DEFAULT_TOKEN`]).
    pub fn with_token(&mut self, token: &str) -> &mut Self {
        self.token = token.to_owned();
        self
    }

    /// The bearer token the mock accepts.
    pub fn token(&self) -> &str {
        &self.token
    }

    /// Makes one organization id unknown (`404`). Every other UUID exists.
    pub fn with_unknown_organization(&mut self, id: &str) -> &mut Self {
        self.unknown_organizations.insert(id.to_ascii_lowercase());
        self
    }

    /// Makes the token unable to invite into one organization (`403`).
    pub fn with_forbidden_organization(&mut self, id: &str) -> &mut Self {
        self.forbidden_organizations.insert(id.to_ascii_lowercase());
        self
    }

    /// When `true`, every authorized request for an existing, allowed
    /// organization fails with `500`.
    pub fn with_internal_error(&mut self, fail: bool) -> &mut Self {
        self.internal_error = fail;
        self
    }
}

/// An invitation held by the k0rdent mock.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Invitation {
    /// The organization id, as it appeared in the path (percent-decoded).
    pub organization_id: String,
    /// The invitation's id, a UUID.
    pub id: String,
    /// The invitee's email address.
    pub email: String,
    /// The roles, in request order.
    pub roles: Vec<String>,
    /// The groups, in request order.
    pub groups: Vec<String>,
    /// The message for the invitation email, if one was given.
    pub message: Option<String>,
}

/// A running k0rdent mock.
///
/// ```no_run
/// # async fn demo() {
/// use arazzo_mocks::k0rdent::{K0rdentConfig, K0rdentMock};
///
/// let k0rdent = K0rdentMock::start(&K0rdentConfig::default()).await;
/// let base_url = k0rdent.base_url(); // http://127.0.0.1:<port>
/// # }
/// ```
pub type K0rdentMock = Mock<K0rdentState>;

impl Mock<K0rdentState> {
    /// Starts the mock on a fresh local port.
    ///
    /// # Panics
    ///
    /// Panics if called outside a tokio runtime or if no local port can be bound.
    pub async fn start(config: &K0rdentConfig) -> K0rdentMock {
        let state = Arc::new(K0rdentState::new(config.clone()));
        Mock::serve(router(Arc::clone(&state)), state).await
    }

    /// The mock's routes, for serving them some other way.
    pub fn router(config: &K0rdentConfig) -> Router {
        router(Arc::new(K0rdentState::new(config.clone())))
    }

    /// The invitations created so far, in creation order.
    pub fn invitations(&self) -> Vec<Invitation> {
        self.state.lock().invitations.clone()
    }
}

/// The mutable state of one mock instance.
/// The state of a [`K0rdentMock`]: its configuration and what it has stored (opaque).
#[derive(Debug)]
pub struct K0rdentState {
    config: K0rdentConfig,
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    next: u64,
    invitations: Vec<Invitation>,
}

impl K0rdentState {
    fn new(config: K0rdentConfig) -> K0rdentState {
        K0rdentState {
            config,
            inner: Mutex::default(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panicking handler must not make the state unusable for the test
        // that wants to inspect it.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

fn router(state: Arc<K0rdentState>) -> Router {
    Router::new()
        .route(INVITATIONS_PATH, post(create_invitation))
        .route_layer(from_fn_with_state(Arc::clone(&state), require_bearer))
        .fallback(route_not_found)
        .with_state(state)
}

/// k0rdent's error envelope.
fn error(status: StatusCode, message: &str, details: Vec<Value>) -> Response {
    let body = json!({
        "error": { "code": status.as_u16(), "message": message, "details": details }
    });
    (status, Json(body)).into_response()
}

async fn route_not_found() -> Response {
    error(StatusCode::NOT_FOUND, "route not found", Vec::new())
}

/// Lets the request through only with `Authorization: Bearer <token>`.
async fn require_bearer(
    State(state): State<Arc<K0rdentState>>,
    request: Request,
    next: Next,
) -> Response {
    let Some(value) = request.headers().get(header::AUTHORIZATION) else {
        return error(StatusCode::UNAUTHORIZED, "missing bearer token", Vec::new());
    };
    let token = value
        .to_str()
        .ok()
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim());
    if token != Some(state.config.token.as_str()) {
        return error(
            StatusCode::UNAUTHORIZED,
            "invalid or expired bearer token",
            Vec::new(),
        );
    }
    next.run(request).await
}

/// One `google.rpc.BadRequest` detail listing `violations` as (field, description).
fn bad_request(violations: &[(String, String)]) -> Response {
    let violations: Vec<Value> = violations
        .iter()
        .map(|(field, description)| json!({ "field": field, "description": description }))
        .collect();
    error(
        StatusCode::BAD_REQUEST,
        "invalid request",
        vec![json!({
            "@type": "type.googleapis.com/google.rpc.BadRequest",
            "fieldViolations": violations,
        })],
    )
}

/// `createOrganizationInvitation`.
async fn create_invitation(
    State(state): State<Arc<K0rdentState>>,
    path: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let organization_id = match path {
        Ok(Path(id)) => id,
        Err(rejection) => {
            return bad_request(&[("id".to_owned(), rejection.body_text())]);
        }
    };
    if !is_uuid(&organization_id) {
        return bad_request(&[("id".to_owned(), "must be a UUID".to_owned())]);
    }
    let key = organization_id.to_ascii_lowercase();
    let config = &state.config;
    if config.unknown_organizations.contains(&key) {
        return error(
            StatusCode::NOT_FOUND,
            &format!("organization {organization_id} not found"),
            Vec::new(),
        );
    }
    if config.forbidden_organizations.contains(&key) {
        return error(
            StatusCode::FORBIDDEN,
            &format!("not allowed to invite users to organization {organization_id}"),
            Vec::new(),
        );
    }
    if config.internal_error {
        return error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal error",
            Vec::new(),
        );
    }
    if !is_json(&headers) {
        return bad_request(&[(
            "body".to_owned(),
            "must be sent as application/json".to_owned(),
        )]);
    }
    let request = match serde_json::from_slice::<Value>(&body) {
        Ok(Value::Object(fields)) => fields,
        _ => {
            return bad_request(&[("body".to_owned(), "must be a JSON object".to_owned())]);
        }
    };
    let new = match validate(&request) {
        Ok(new) => new,
        Err(violations) => return bad_request(&violations),
    };

    let mut inner = state.lock();
    inner.next += 1;
    let n = inner.next;
    let invitation = Invitation {
        organization_id,
        id: format!("00000000-0000-4000-8000-{n:012}"),
        email: new.email,
        roles: new.roles,
        groups: new.groups,
        message: new.message,
    };
    let body = invitation_json(&invitation, n);
    inner.invitations.push(invitation);
    (StatusCode::CREATED, Json(body)).into_response()
}

fn is_json(headers: &HeaderMap) -> bool {
    let Some(value) = headers.get(header::CONTENT_TYPE) else {
        return false;
    };
    let Ok(value) = value.to_str() else {
        return false;
    };
    let essence = value.split(';').next().unwrap_or("").trim();
    essence.eq_ignore_ascii_case("application/json")
}

/// The fields of a valid request body.
struct NewInvitation {
    email: String,
    roles: Vec<String>,
    groups: Vec<String>,
    message: Option<String>,
}

/// Checks the body against k0rdent's rules, reporting every problem at once.
fn validate(body: &Map<String, Value>) -> Result<NewInvitation, Vec<(String, String)>> {
    let mut violations = Vec::new();
    let mut fail = |field: &str, description: &str| {
        violations.push((field.to_owned(), description.to_owned()));
    };
    let email = match body.get("email") {
        Some(Value::String(email)) if looks_like_email(email) => email.clone(),
        Some(Value::String(_)) => {
            fail("email", "must be a valid email address");
            String::new()
        }
        None | Some(Value::Null) => {
            fail("email", "is required");
            String::new()
        }
        Some(_) => {
            fail("email", "must be a string");
            String::new()
        }
    };
    let mut lists_ok = true;
    let mut list = |field: &str, fail: &mut dyn FnMut(&str, &str)| match body.get(field) {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => {
            let strings: Option<Vec<String>> = items
                .iter()
                .map(|item| item.as_str().map(str::to_owned))
                .collect();
            strings.unwrap_or_else(|| {
                lists_ok = false;
                fail(field, "must be an array of strings");
                Vec::new()
            })
        }
        Some(_) => {
            lists_ok = false;
            fail(field, "must be an array of strings");
            Vec::new()
        }
    };
    let roles = list("roles", &mut fail);
    let groups = list("groups", &mut fail);
    if lists_ok && roles.is_empty() && groups.is_empty() {
        fail("roles", "at least one of roles or groups must be provided");
    }
    let message = match body.get("message") {
        None | Some(Value::Null) => None,
        Some(Value::String(message)) if message.chars().count() > MAX_MESSAGE_CHARS => {
            fail("message", "must be at most 500 characters");
            None
        }
        Some(Value::String(message)) => Some(message.clone()),
        Some(_) => {
            fail("message", "must be a string");
            None
        }
    };
    if violations.is_empty() {
        Ok(NewInvitation {
            email,
            roles,
            groups,
            message,
        })
    } else {
        Err(violations)
    }
}

/// Accepts `local@domain.tld` without whitespace: enough to catch values
/// that are plainly not email addresses.
fn looks_like_email(value: &str) -> bool {
    let Some((local, domain)) = value.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !value.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// `8-4-4-4-12` hexadecimal digits, in either case.
fn is_uuid(value: &str) -> bool {
    let groups: Vec<&str> = value.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, len)| g.len() == len && g.chars().all(|c| c.is_ascii_hexdigit()))
}

/// The invitation as k0rdent returns it; `n` is its creation number.
fn invitation_json(invitation: &Invitation, n: u64) -> Value {
    let display_name = invitation
        .email
        .split_once('@')
        .map_or(invitation.email.as_str(), |(local, _)| local);
    json!({
        "selfLink": format!(
            "/v1/regions/global/organizations/{}/invitations/{}",
            invitation.organization_id, invitation.id
        ),
        "uid": format!("00000000-0000-4000-9000-{n:012}"),
        "id": invitation.id,
        "displayName": display_name,
        "email": invitation.email,
        "roles": invitation.roles,
        "groups": invitation.groups,
        "status": "pending",
        "createdAt": CREATED_AT,
        "expiresAt": EXPIRES_AT,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Posts `body` as JSON to the invitations of `organization`, with `token` if given.
    async fn post(
        mock: &K0rdentMock,
        organization: &str,
        token: Option<&str>,
        body: &Value,
    ) -> (u16, Value) {
        let mut request = reqwest::Client::new()
            .post(format!(
                "{}/v1/regions/global/organizations/{organization}/invitations",
                mock.base_url()
            ))
            .header("content-type", "application/json")
            .body(body.to_string());
        if let Some(token) = token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let body = serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
        (status, body)
    }

    #[tokio::test]
    async fn creates_a_pending_invitation() {
        let mock = K0rdentMock::start(&K0rdentConfig::default()).await;
        let (status, body) = post(
            &mock,
            ORGANIZATION_ID,
            Some(DEFAULT_TOKEN),
            &json!({"email": "ada@example.com", "groups": ["gpu-users"], "message": "Welcome"}),
        )
        .await;
        assert_eq!(status, 201, "{body}");
        assert_eq!(
            body,
            json!({
                "selfLink": format!("/v1/regions/global/organizations/{ORGANIZATION_ID}/invitations/00000000-0000-4000-8000-000000000001"),
                "uid": "00000000-0000-4000-9000-000000000001",
                "id": "00000000-0000-4000-8000-000000000001",
                "displayName": "ada",
                "email": "ada@example.com",
                "roles": [],
                "groups": ["gpu-users"],
                "status": "pending",
                "createdAt": CREATED_AT,
                "expiresAt": EXPIRES_AT
            })
        );
        assert_eq!(mock.invitations()[0].message.as_deref(), Some("Welcome"));
    }

    #[tokio::test]
    async fn checks_token_then_organization_then_body() {
        let gone = "00000000-0000-4000-8000-000000000404";
        let closed = "00000000-0000-4000-8000-000000000403";
        let mut config = K0rdentConfig::default();
        config
            .with_unknown_organization(gone)
            .with_forbidden_organization(closed);
        let mock = K0rdentMock::start(&config).await;
        let empty = json!({});
        let token = Some(DEFAULT_TOKEN);

        let (status, body) = post(&mock, gone, None, &empty).await;
        assert_eq!(status, 401);
        assert_eq!(
            body,
            json!({"error": {"code": 401, "message": "missing bearer token", "details": []}})
        );
        let (status, body) = post(&mock, gone, Some("x"), &empty).await;
        assert_eq!((status, &body["error"]["code"]), (401, &json!(401)));
        let (status, body) = post(&mock, "org-acme", token, &empty).await;
        assert_eq!(status, 400);
        assert_eq!(
            body["error"]["details"][0]["fieldViolations"],
            json!([{"field": "id", "description": "must be a UUID"}])
        );
        let (status, body) = post(&mock, gone, token, &empty).await;
        assert_eq!(status, 404);
        assert_eq!(
            body["error"]["message"],
            format!("organization {gone} not found")
        );
        let (status, body) = post(&mock, closed, token, &empty).await;
        assert_eq!((status, &body["error"]["code"]), (403, &json!(403)));
        let (status, body) = post(&mock, ORGANIZATION_ID, token, &empty).await;
        assert_eq!(status, 400);
        assert_eq!(
            body["error"]["details"][0]["fieldViolations"],
            json!([
                {"field": "email", "description": "is required"},
                {"field": "roles", "description": "at least one of roles or groups must be provided"}
            ])
        );
        assert!(mock.invitations().is_empty());
    }

    #[tokio::test]
    async fn validates_every_field() {
        let mock = K0rdentMock::start(&K0rdentConfig::default()).await;
        let token = Some(DEFAULT_TOKEN);
        let long = "x".repeat(MAX_MESSAGE_CHARS + 1);
        let (status, body) = post(
            &mock,
            ORGANIZATION_ID,
            token,
            &json!({"email": "nope", "roles": [], "groups": [], "message": long}),
        )
        .await;
        assert_eq!(status, 400);
        assert_eq!(
            body["error"]["details"][0]["fieldViolations"],
            json!([
                {"field": "email", "description": "must be a valid email address"},
                {"field": "roles", "description": "at least one of roles or groups must be provided"},
                {"field": "message", "description": "must be at most 500 characters"}
            ])
        );
        let (status, body) = post(
            &mock,
            ORGANIZATION_ID,
            token,
            &json!({"email": "a@b.co", "roles": "admin", "message": 5}),
        )
        .await;
        assert_eq!(status, 400);
        assert_eq!(
            body["error"]["details"][0]["fieldViolations"],
            json!([
                {"field": "roles", "description": "must be an array of strings"},
                {"field": "message", "description": "must be a string"}
            ])
        );
        let exactly = "é".repeat(MAX_MESSAGE_CHARS);
        let (status, _) = post(
            &mock,
            ORGANIZATION_ID,
            token,
            &json!({"email": "a@b.co", "roles": ["admin"], "message": exactly}),
        )
        .await;
        assert_eq!(status, 201);
    }

    #[tokio::test]
    async fn internal_errors_are_configurable() {
        let mut config = K0rdentConfig::default();
        config.with_internal_error(true);
        let mock = K0rdentMock::start(&config).await;
        let (status, body) = post(&mock, ORGANIZATION_ID, Some(DEFAULT_TOKEN), &json!({})).await;
        assert_eq!(status, 500);
        assert_eq!(
            body,
            json!({"error": {"code": 500, "message": "internal error", "details": []}})
        );
    }

    #[test]
    fn uuids_are_recognised() {
        assert!(is_uuid(ORGANIZATION_ID));
        assert!(is_uuid("497F6ECA-6276-4993-BFEB-53CBBBBA6F08"));
        assert!(!is_uuid("497f6eca-6276-4993-bfeb-53cbbbba6f0"));
        assert!(!is_uuid("org-acme"));
        assert!(!is_uuid("497f6eca-6276-4993-bfeb-53cbbbba6fzz"));
    }
}
