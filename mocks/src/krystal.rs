//! A mock of the Krystal Identity API operation used by the "invite to
//! organization" workflow.
//!
//! | operation | route |
//! |---|---|
//! | `createInvite` | `POST /api/v1/organizations/{organization}/invites` |
//!
//! Krystal's API is built with the Apia framework, and the mock answers the
//! way Apia does:
//!
//! - Every error has the body `{"error": {"code", "description", "detail"}}`
//!   and the header `x-api-schema: json-error`.
//! - The bearer token is checked first: a missing `Authorization` header gets
//!   `401` with the code `access_token_missing`, any other token than the
//!   configured one `401` with `invalid_access_token`. (Krystal does not
//!   document these two codes; they are the mock's.)
//! - The body is read as JSON only when it is sent as `application/json`;
//!   otherwise, or when it is a JSON value other than an object, the
//!   arguments are empty. Malformed JSON gets `400 invalid_json_body`.
//! - Arguments are checked next: a missing `properties` or
//!   `properties.email_address` gets `400 missing_required_argument`, a value
//!   of the wrong type `400 invalid_argument`, both with Apia's `detail`.
//! - Then the organization is looked up by the id in the path: an unknown one
//!   gets `404 organization_not_found`.
//! - Then the invite itself is validated, every problem at once: an email
//!   address that is not one, a role name the organization does not have
//!   (see [`ROLE_NAMES`]) or an address that already has a pending invite in
//!   the organization get `422 validation_error`, with
//!   `detail.errors` mapping each property to its messages.
//! - Unknown routes get `404 route_not_found`.
//!
//! A created invite answers `200` with `{"invite": {...}}`: ids `inv_1`,
//! `inv_2`, … in creation order, `state: "pending"`, a fixed `expires_at`
//! ([`EXPIRES_AT`]) and the mock's one user ([`INVITER_ID`], Grace Hopper)
//! as the inviter.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode, Uri};
use axum::middleware::{from_fn_with_state, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{json, Map, Value};

use crate::server::Mock;

/// The bearer token the mock accepts unless configured otherwise.
pub const DEFAULT_TOKEN: &str = "krystal-test-token";

/// The route of `createInvite`.
pub const INVITES_PATH: &str = "/api/v1/organizations/{organization}/invites";

/// The role names every organization of the mock has.
pub const ROLE_NAMES: &[&str] = &["admin", "billing", "developer", "member"];

/// The `expires_at` of every invite (2026-01-08T00:00:00Z); fixed so
/// responses are reproducible.
pub const EXPIRES_AT: i64 = 1_767_830_400;

/// The id of the user every invite names as its inviter.
pub const INVITER_ID: &str = "usr_grace";

/// The description of `organization_not_found`, as Krystal documents it.
const ORGANIZATION_NOT_FOUND: &str =
    "No organization was found matching any of the criteria provided in the arguments";

/// The description of `validation_error`, as Krystal documents it (spelling included).
const VALIDATION_ERROR: &str = "An error ocurred with the input provided";

/// How the Krystal mock behaves.
///
/// ```
/// use arazzo_mocks::krystal::KrystalConfig;
///
/// let mut config = KrystalConfig::default();
/// config.with_token("secret").with_unknown_organization("org_gone");
/// ```
#[derive(Clone, Debug)]
pub struct KrystalConfig {
    token: String,
    unknown_organizations: BTreeSet<String>,
}

impl Default for KrystalConfig {
    fn default() -> Self {
        KrystalConfig {
            token: DEFAULT_TOKEN.to_owned(),
            unknown_organizations: BTreeSet::new(),
        }
    }
}

impl KrystalConfig {
    /// Accepts only `Authorization: Bearer <token>` (default [`DEFAULT_TOKEN`]).
    pub fn with_token(&mut self, token: &str) -> &mut Self {
        self.token = token.to_owned();
        self
    }

    /// The bearer token the mock accepts.
    pub fn token(&self) -> &str {
        &self.token
    }

    /// Makes one organization id unknown, so inviting into it answers
    /// `404 organization_not_found`. Every other id exists.
    pub fn with_unknown_organization(&mut self, id: &str) -> &mut Self {
        self.unknown_organizations.insert(id.to_owned());
        self
    }
}

/// An invite held by the Krystal mock.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Invite {
    /// The organization id, percent-decoded from the path.
    pub organization: String,
    /// The invite's id, `inv_<n>`.
    pub id: String,
    /// The invitee's email address.
    pub email_address: String,
    /// The role names, in request order.
    pub role_names: Vec<String>,
    /// Whether the invitee becomes an owner.
    pub owner: bool,
}

/// A running Krystal mock.
///
/// ```no_run
/// # async fn demo() {
/// use arazzo_mocks::krystal::{KrystalConfig, KrystalMock};
///
/// let krystal = KrystalMock::start(&KrystalConfig::default()).await;
/// let base_url = krystal.base_url(); // http://127.0.0.1:<port>
/// # }
/// ```
pub type KrystalMock = Mock<KrystalState>;

impl Mock<KrystalState> {
    /// Starts the mock on a fresh local port.
    ///
    /// # Panics
    ///
    /// Panics if called outside a tokio runtime or if no local port can be bound.
    pub async fn start(config: &KrystalConfig) -> KrystalMock {
        let state = Arc::new(KrystalState::new(config.clone()));
        Mock::serve(router(Arc::clone(&state)), state).await
    }

    /// The mock's routes, for serving them some other way.
    pub fn router(config: &KrystalConfig) -> Router {
        router(Arc::new(KrystalState::new(config.clone())))
    }

    /// The invites created so far, in creation order.
    pub fn invites(&self) -> Vec<Invite> {
        self.state.lock().invites.clone()
    }
}

/// The mutable state of one mock instance.
/// The state of a [`KrystalMock`]: its configuration and what it has stored (opaque).
#[derive(Debug)]
pub struct KrystalState {
    config: KrystalConfig,
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    next_invite: u64,
    invites: Vec<Invite>,
}

impl KrystalState {
    fn new(config: KrystalConfig) -> KrystalState {
        KrystalState {
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

fn router(state: Arc<KrystalState>) -> Router {
    Router::new()
        .route(INVITES_PATH, post(create_invite))
        .route_layer(from_fn_with_state(Arc::clone(&state), require_bearer))
        .fallback(route_not_found)
        .with_state(state)
}

/// Apia's error body.
fn error(status: StatusCode, code: &str, description: &str, detail: Value) -> Response {
    let body = json!({
        "error": { "code": code, "description": description, "detail": detail }
    });
    (status, [("x-api-schema", "json-error")], Json(body)).into_response()
}

async fn route_not_found(method: Method, uri: Uri) -> Response {
    let path = uri.path().strip_prefix("/api/v1/").unwrap_or(uri.path());
    error(
        StatusCode::NOT_FOUND,
        "route_not_found",
        &format!("No route matches '{path}' for {method}"),
        json!({}),
    )
}

/// Lets the request through only with `Authorization: Bearer <token>`.
async fn require_bearer(
    State(state): State<Arc<KrystalState>>,
    request: Request,
    next: Next,
) -> Response {
    let Some(value) = request.headers().get(header::AUTHORIZATION) else {
        return error(
            StatusCode::UNAUTHORIZED,
            "access_token_missing",
            "No access token was provided in the Authorization header",
            json!({}),
        );
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
            "invalid_access_token",
            "The access token provided is not valid",
            json!({}),
        );
    }
    next.run(request).await
}

/// `createInvite`: checks the arguments, the organization and the invite, then stores it.
async fn create_invite(
    State(state): State<Arc<KrystalState>>,
    path: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let organization = match path {
        Ok(Path(organization)) => organization,
        Err(rejection) => {
            return error(
                StatusCode::BAD_REQUEST,
                "invalid_argument",
                "The 'organization' argument is invalid",
                json!({ "details": rejection.body_text() }),
            )
        }
    };
    let arguments = match json_arguments(&headers, &body) {
        Ok(arguments) => arguments,
        Err(response) => return *response,
    };
    let properties = match parse_properties(&arguments) {
        Ok(properties) => properties,
        Err(response) => return *response,
    };
    if state.config.unknown_organizations.contains(&organization) {
        return error(
            StatusCode::NOT_FOUND,
            "organization_not_found",
            ORGANIZATION_NOT_FOUND,
            json!({}),
        );
    }

    let mut inner = state.lock();
    let errors = validate(&properties, &organization, &inner.invites);
    if !errors.is_empty() {
        return error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_error",
            VALIDATION_ERROR,
            json!({ "errors": errors }),
        );
    }
    inner.next_invite += 1;
    let invite = Invite {
        organization,
        id: format!("inv_{}", inner.next_invite),
        email_address: properties.email_address,
        role_names: properties.role_names,
        owner: properties.owner,
    };
    let body = json!({ "invite": invite_json(&invite) });
    inner.invites.push(invite);
    (StatusCode::OK, Json(body)).into_response()
}

/// The JSON arguments, as Apia reads them: only from an `application/json`
/// body, and an empty set for anything but an object.
fn json_arguments(headers: &HeaderMap, body: &[u8]) -> Result<Map<String, Value>, Box<Response>> {
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !is_json || body.is_empty() {
        return Ok(Map::new());
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(arguments)) => Ok(arguments),
        Ok(_) => Ok(Map::new()),
        Err(err) => Err(Box::new(error(
            StatusCode::BAD_REQUEST,
            "invalid_json_body",
            "The JSON body provided with this request is invalid",
            json!({ "details": err.to_string() }),
        ))),
    }
}

/// The fields of `InviteProperties`, with their types checked.
struct Properties {
    email_address: String,
    role_names: Vec<String>,
    owner: bool,
}

/// Apia's `missing_required_argument` error for the argument at `path`.
fn missing(path: &[&str], description: &str) -> Box<Response> {
    Box::new(error(
        StatusCode::BAD_REQUEST,
        "missing_required_argument",
        &format!(
            "The '{}' argument is required but has not been provided",
            path.join(".")
        ),
        json!({
            "path": path,
            "argument": { "name": path.last(), "description": description },
        }),
    ))
}

/// Apia's `invalid_argument` error for the argument at `path`.
fn invalid(path: &[&str], issue: &str, issue_description: &str) -> Box<Response> {
    Box::new(error(
        StatusCode::BAD_REQUEST,
        "invalid_argument",
        &format!("The '{}' argument is invalid", path.join(".")),
        json!({
            "path": path,
            "index": null,
            "issue": issue,
            "issue_description": issue_description,
            "errors": [],
            "argument": { "name": path.last() },
        }),
    ))
}

const INVALID_SCALAR: &str = "The value provided was not of an appropriate type for the scalar that was requested. For example, you may have passed a string where an integer was required etc...";

/// Checks the arguments' presence and types as Apia does, stopping at the first problem.
fn parse_properties(arguments: &Map<String, Value>) -> Result<Properties, Box<Response>> {
    let properties = match arguments.get("properties") {
        None | Some(Value::Null) => {
            return Err(missing(&["properties"], "The properties of the new invite"))
        }
        Some(Value::Object(properties)) => properties,
        Some(_) => {
            return Err(invalid(
                &["properties"],
                "object_expected",
                "An object was expected for this argument set",
            ))
        }
    };
    let email_address = match properties.get("email_address") {
        None | Some(Value::Null) => {
            return Err(missing(
                &["properties", "email_address"],
                "The email address to send the invite to",
            ))
        }
        Some(Value::String(email)) => email.clone(),
        Some(_) => {
            return Err(invalid(
                &["properties", "email_address"],
                "invalid_scalar",
                INVALID_SCALAR,
            ))
        }
    };
    let role_names = match properties.get("role_names") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => {
            let names: Option<Vec<String>> = items
                .iter()
                .map(|item| item.as_str().map(str::to_owned))
                .collect();
            match names {
                Some(names) => names,
                None => {
                    return Err(invalid(
                        &["properties", "role_names"],
                        "invalid_scalar",
                        INVALID_SCALAR,
                    ))
                }
            }
        }
        Some(_) => {
            return Err(invalid(
                &["properties", "role_names"],
                "array_expected",
                "An array was expected for this argument",
            ))
        }
    };
    let owner = match properties.get("owner") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(owner)) => *owner,
        Some(_) => {
            return Err(invalid(
                &["properties", "owner"],
                "invalid_scalar",
                INVALID_SCALAR,
            ))
        }
    };
    Ok(Properties {
        email_address,
        role_names,
        owner,
    })
}

/// The model's validation: property name → messages, empty when the invite is valid.
fn validate(properties: &Properties, organization: &str, invites: &[Invite]) -> Map<String, Value> {
    let mut errors = Map::new();
    let mut fail = |property: &str, message: String| {
        if let Value::Array(messages) = errors
            .entry(property.to_owned())
            .or_insert_with(|| Value::Array(Vec::new()))
        {
            messages.push(Value::String(message));
        }
    };
    let email = &properties.email_address;
    if !looks_like_email(email) {
        fail("email_address", "is not a valid email address".to_owned());
    } else if invites
        .iter()
        .any(|i| i.organization == organization && i.email_address.eq_ignore_ascii_case(email))
    {
        fail(
            "email_address",
            "already has a pending invite to this organization".to_owned(),
        );
    }
    for name in &properties.role_names {
        if !ROLE_NAMES.contains(&name.as_str()) {
            fail("role_names", format!("includes an unknown role `{name}`"));
        }
    }
    errors
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

/// The mock's one user, as Krystal's `User` object, member of `organization`.
fn inviter_json(organization: &str) -> Value {
    json!({
        "id": INVITER_ID,
        "name": "Grace Hopper",
        "first_name": "Grace",
        "last_name": "Hopper",
        "time_zone": "Europe/London",
        "two_factor_auth_enabled": true,
        "email_address": "grace@krystal.example",
        "email_addresses": ["grace@krystal.example"],
        "roles": ["admin"],
        "roles_details": [{
            "name": "admin",
            "label": "Administrator",
            "description": "Manages the organization and its members.",
            "require_two_factor_auth": true,
            "organization_id": organization,
        }],
        "role_permissions": ["invites:create", "invites:read"],
        "identity_check_state": "verified",
        "identity_check_verified_at": 1_735_689_600,
        "organizations": [{
            "user_id": INVITER_ID,
            "organization_id": organization,
            "organization_name": "Acme Ltd",
            "organization_identifier": "acme",
            "organization_managed": false,
            "organization_parent_id": null,
            "owner": true,
            "organization_updated_at": 1_735_689_600,
            "roles": ["admin"],
        }],
    })
}

/// The invite as Krystal's `Invite` object.
fn invite_json(invite: &Invite) -> Value {
    json!({
        "id": invite.id,
        "inviter": inviter_json(&invite.organization),
        "email_address": invite.email_address,
        "expires_at": EXPIRES_AT,
        "accepted_at": null,
        "rejected_at": null,
        "state": "pending",
        "owner": invite.owner,
        "role_names": invite.role_names,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Posts `body` with `content_type` and, if given, the bearer `token`; returns the
    /// status, the `x-api-schema` header and the JSON body.
    async fn post(
        mock: &KrystalMock,
        path: &str,
        token: Option<&str>,
        content_type: &str,
        body: &str,
    ) -> (u16, Option<String>, Value) {
        let mut request = reqwest::Client::new()
            .post(format!("{}{path}", mock.base_url()))
            .header("content-type", content_type)
            .body(body.to_owned());
        if let Some(token) = token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let schema = response
            .headers()
            .get("x-api-schema")
            .map(|v| v.to_str().unwrap().to_owned());
        let body = serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
        (status, schema, body)
    }

    async fn invite(mock: &KrystalMock, organization: &str, properties: Value) -> (u16, Value) {
        let body = json!({ "properties": properties }).to_string();
        let path = format!("/api/v1/organizations/{organization}/invites");
        let (status, _, body) =
            post(mock, &path, Some(DEFAULT_TOKEN), "application/json", &body).await;
        (status, body)
    }

    #[tokio::test]
    async fn creates_a_pending_invite() {
        let mock = KrystalMock::start(&KrystalConfig::default()).await;
        let (status, body) = invite(
            &mock,
            "org_acme",
            json!({"email_address": "ada@example.com", "role_names": ["admin"], "owner": true}),
        )
        .await;
        assert_eq!(status, 200, "{body}");
        let invite = &body["invite"];
        assert_eq!(invite["id"], "inv_1");
        assert_eq!(invite["state"], "pending");
        assert_eq!(invite["email_address"], "ada@example.com");
        assert_eq!(invite["role_names"], json!(["admin"]));
        assert_eq!(invite["owner"], true);
        assert_eq!(invite["expires_at"], EXPIRES_AT);
        assert_eq!(invite["accepted_at"], Value::Null);
        assert_eq!(invite["inviter"]["id"], INVITER_ID);
        assert_eq!(
            invite["inviter"]["organizations"][0]["organization_id"],
            "org_acme"
        );
        assert_eq!(mock.invites().len(), 1);
        assert_eq!(mock.invites()[0].organization, "org_acme");
    }

    #[tokio::test]
    async fn checks_the_token_first() {
        let mock =
            KrystalMock::start(KrystalConfig::default().with_unknown_organization("x")).await;
        let path = "/api/v1/organizations/x/invites";
        let (status, schema, body) = post(&mock, path, None, "application/json", "{}").await;
        assert_eq!((status, schema.as_deref()), (401, Some("json-error")));
        assert_eq!(body["error"]["code"], "access_token_missing");
        let (status, _, body) = post(&mock, path, Some("nope"), "application/json", "{}").await;
        assert_eq!(status, 401);
        assert_eq!(
            body,
            json!({"error": {
                "code": "invalid_access_token",
                "description": "The access token provided is not valid",
                "detail": {}
            }})
        );
        assert!(mock.invites().is_empty());
    }

    #[tokio::test]
    async fn argument_errors_come_before_the_organization_lookup() {
        let mut config = KrystalConfig::default();
        config.with_unknown_organization("org_gone");
        let mock = KrystalMock::start(&config).await;
        let path = "/api/v1/organizations/org_gone/invites";
        let token = Some(DEFAULT_TOKEN);

        let (status, _, body) = post(&mock, path, token, "application/json", "{}").await;
        assert_eq!(status, 400);
        assert_eq!(body["error"]["code"], "missing_required_argument");
        assert_eq!(
            body["error"]["description"],
            "The 'properties' argument is required but has not been provided"
        );
        // A body that is not sent as JSON is not read at all.
        let (status, _, body) = post(
            &mock,
            path,
            token,
            "text/plain",
            r#"{"properties":{"email_address":"a@b.co"}}"#,
        )
        .await;
        assert_eq!(status, 400);
        assert_eq!(body["error"]["code"], "missing_required_argument");
        let (status, _, body) = post(&mock, path, token, "application/json", "{oops").await;
        assert_eq!(status, 400);
        assert_eq!(body["error"]["code"], "invalid_json_body");

        let (status, body) = invite(&mock, "org_gone", json!({})).await;
        assert_eq!(status, 400);
        assert_eq!(
            body["error"]["detail"]["path"],
            json!(["properties", "email_address"])
        );
        let (status, body) = invite(&mock, "org_gone", json!({"email_address": 7})).await;
        assert_eq!(status, 400);
        assert_eq!(body["error"]["code"], "invalid_argument");
        assert_eq!(body["error"]["detail"]["issue"], "invalid_scalar");
        let (status, body) = invite(
            &mock,
            "org_gone",
            json!({"email_address": "a@b.co", "role_names": "admin"}),
        )
        .await;
        assert_eq!(status, 400);
        assert_eq!(body["error"]["detail"]["issue"], "array_expected");

        let (status, body) = invite(&mock, "org_gone", json!({"email_address": "nope"})).await;
        assert_eq!(status, 404);
        assert_eq!(
            body,
            json!({"error": {
                "code": "organization_not_found",
                "description": ORGANIZATION_NOT_FOUND,
                "detail": {}
            }})
        );
    }

    #[tokio::test]
    async fn validation_errors_list_every_problem() {
        let mock = KrystalMock::start(&KrystalConfig::default()).await;
        let (status, body) = invite(
            &mock,
            "org_acme",
            json!({"email_address": "not-an-email", "role_names": ["admin", "root", "god"]}),
        )
        .await;
        assert_eq!(status, 422);
        assert_eq!(
            body,
            json!({"error": {
                "code": "validation_error",
                "description": VALIDATION_ERROR,
                "detail": {"errors": {
                    "email_address": ["is not a valid email address"],
                    "role_names": ["includes an unknown role `root`", "includes an unknown role `god`"]
                }}
            }})
        );

        let (status, _) = invite(
            &mock,
            "org_acme",
            json!({"email_address": "ada@example.com"}),
        )
        .await;
        assert_eq!(status, 200);
        let (status, body) = invite(
            &mock,
            "org_acme",
            json!({"email_address": "ADA@example.com"}),
        )
        .await;
        assert_eq!(status, 422);
        assert_eq!(
            body["error"]["detail"]["errors"]["email_address"],
            json!(["already has a pending invite to this organization"])
        );
        // Another organization may invite the same address.
        let (status, body) = invite(
            &mock,
            "org_other",
            json!({"email_address": "ada@example.com"}),
        )
        .await;
        assert_eq!(status, 200);
        assert_eq!(body["invite"]["id"], "inv_2");
    }

    #[tokio::test]
    async fn unknown_routes_get_route_not_found() {
        let mock = KrystalMock::start(&KrystalConfig::default()).await;
        let (status, schema, body) = post(
            &mock,
            "/api/v1/organizations",
            Some(DEFAULT_TOKEN),
            "application/json",
            "{}",
        )
        .await;
        assert_eq!((status, schema.as_deref()), (404, Some("json-error")));
        assert_eq!(
            body["error"]["description"],
            "No route matches 'organizations' for POST"
        );
    }

    #[test]
    fn email_check_is_lenient_but_not_empty() {
        assert!(looks_like_email("ada@example.com"));
        assert!(!looks_like_email("ada"));
        assert!(!looks_like_email("ada@localhost"));
        assert!(!looks_like_email("a b@example.com"));
    }
}
