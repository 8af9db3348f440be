//! A mock of the Clerk Backend API operations on organization invitations.
//!
//! | operation | route |
//! |---|---|
//! | `ListInstanceOrganizationInvitations` | `GET /v1/organization_invitations` |
//! | `CreateOrganizationInvitation` | `POST /v1/organizations/{organization_id}/invitations` |
//! | `ListOrganizationInvitations` | `GET /v1/organizations/{organization_id}/invitations` |
//! | `CreateOrganizationInvitationBulk` | `POST /v1/organizations/{organization_id}/invitations/bulk` |
//! | `ListPendingOrganizationInvitations` (deprecated) | `GET /v1/organizations/{organization_id}/invitations/pending` |
//! | `GetOrganizationInvitation` | `GET /v1/organizations/{organization_id}/invitations/{invitation_id}` |
//! | `RevokeOrganizationInvitation` | `POST /v1/organizations/{organization_id}/invitations/{invitation_id}/revoke` |
//!
//! Point a client at `<base_url>/v1`, as Clerk's server is `https://api.clerk.com/v1`.
//!
//! Every route wants the instance's secret key as `Authorization: Bearer <key>`
//! ([`DEFAULT_SECRET_KEY`] unless configured). Errors use Clerk's body
//! `{"errors": [{"message", "long_message", "code", "meta"?}]}`:
//!
//! | status | code | when |
//! |---|---|---|
//! | 401 | `authorization_header_missing` | no `Authorization` header (the code is the mock's) |
//! | 401 | `clerk_key_invalid` | any other secret key (the code Clerk answers) |
//! | 404 | `resource_not_found` | unknown organization or invitation, unknown route |
//! | 422 | `form_param_missing` | `email_address` or `role` missing from an invitation |
//! | 422 | `form_param_format_invalid` | an `email_address` that is not one |
//! | 422 | `form_param_value_invalid` | a role the organization does not have, a bulk body that is not 1 to 10 invitations, a query parameter out of range on the instance-wide list |
//! | 400 | `form_param_value_invalid` | a query parameter out of range on the organization lists |
//! | 400 | `already_a_member_in_organization` | inviting a member's address (see [`ClerkConfig::with_member_email`]) |
//! | 400 | `duplicate_record` | inviting an address that already has a pending invitation |
//! | 400 | `organization_invitation_not_pending` | revoking an invitation that is not pending |
//! | 400 | `request_body_invalid` | a body that is not JSON |
//! | 403 | `not_an_admin_in_organization` | an `inviter_user_id` or `requesting_user_id` other than [`ADMIN_USER_ID`] |
//!
//! `clerk_key_invalid`, `resource_not_found` and the `form_param_*` family
//! are codes Clerk answers; the others are the mock's own. A bulk request
//! is checked whole: one bad invitation fails them all.
//!
//! The mock knows the organizations `org_acme` (Acme Inc.) and `org_globex`
//! (Globex) unless configured otherwise, each with the roles `org:admin`
//! (Admin) and `org:member` (Member), and one administrator, [`ADMIN_USER_ID`].
//! Invitations get the ids `orginv_1`, `orginv_2`, … in creation order
//! (seeded ones first); lists return them most recent first. Times are Unix
//! milliseconds from a fixed clock that starts at [`EPOCH_MS`] and ticks one
//! second per creation or revocation; invitations expire 30 days after
//! creation.

use std::sync::{Arc, Mutex, MutexGuard};

use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::middleware::{from_fn_with_state, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Map, Value};

use crate::server::{percent_decode, Mock};

/// The secret key the mock accepts unless configured otherwise.
pub const DEFAULT_SECRET_KEY: &str = "sk_test_arazzo_mock";

/// The one administrator of every organization; the only user allowed as
/// `inviter_user_id` or `requesting_user_id`.
pub const ADMIN_USER_ID: &str = "user_admin";

/// The first tick of the mock's clock, in Unix milliseconds (2025-01-01T00:00:00Z).
pub const EPOCH_MS: i64 = 1_735_689_600_000;

/// How long an invitation is valid, in milliseconds (30 days).
pub const EXPIRES_IN_MS: i64 = 30 * 24 * 60 * 60 * 1000;

/// The route of `ListInstanceOrganizationInvitations`.
pub const INSTANCE_INVITATIONS_PATH: &str = "/v1/organization_invitations";

/// The route of `CreateOrganizationInvitation` and `ListOrganizationInvitations`.
pub const INVITATIONS_PATH: &str = "/v1/organizations/{organization_id}/invitations";

/// The route of `CreateOrganizationInvitationBulk`.
pub const BULK_PATH: &str = "/v1/organizations/{organization_id}/invitations/bulk";

/// The route of the deprecated `ListPendingOrganizationInvitations`.
pub const PENDING_PATH: &str = "/v1/organizations/{organization_id}/invitations/pending";

/// The route of `GetOrganizationInvitation`.
pub const INVITATION_PATH: &str = "/v1/organizations/{organization_id}/invitations/{invitation_id}";

/// The route of `RevokeOrganizationInvitation`.
pub const REVOKE_PATH: &str =
    "/v1/organizations/{organization_id}/invitations/{invitation_id}/revoke";

/// The roles of every organization: key and name.
const ROLES: &[(&str, &str)] = &[("org:admin", "Admin"), ("org:member", "Member")];

/// The most invitations a bulk request may carry.
const MAX_BULK: usize = 10;

/// The default and largest `limit` of the lists.
const DEFAULT_LIMIT: usize = 10;
const MAX_LIMIT: usize = 500;

/// The statuses an invitation can have.
const STATUSES: &[&str] = &["pending", "accepted", "revoked", "expired"];

/// An organization of the mock instance.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Organization {
    id: String,
    name: String,
    slug: String,
    member_emails: Vec<String>,
}

/// An invitation to seed the mock with.
#[derive(Clone, Debug)]
struct Seed {
    organization_id: String,
    email_address: String,
    role: String,
    status: String,
}

/// How the Clerk mock behaves.
///
/// ```
/// use arazzo_mocks::clerk::ClerkConfig;
///
/// let mut config = ClerkConfig::default();
/// config
///     .with_secret_key("sk_test_other")
///     .with_organization("org_initech", "Initech", "initech")
///     .with_invitation("org_acme", "old@example.com", "org:member", "accepted")
///     .with_member_email("org_acme", "member@example.com");
/// ```
#[derive(Clone, Debug)]
pub struct ClerkConfig {
    secret_key: String,
    organizations: Vec<Organization>,
    seeds: Vec<Seed>,
}

impl Default for ClerkConfig {
    fn default() -> Self {
        let organization = |id: &str, name: &str, slug: &str| Organization {
            id: id.to_owned(),
            name: name.to_owned(),
            slug: slug.to_owned(),
            member_emails: Vec::new(),
        };
        ClerkConfig {
            secret_key: DEFAULT_SECRET_KEY.to_owned(),
            organizations: vec![
                organization("org_acme", "Acme Inc.", "acme"),
                organization("org_globex", "Globex", "globex"),
            ],
            seeds: Vec::new(),
        }
    }
}

impl ClerkConfig {
    /// Accepts only `Authorization: Bearer <key>` (default [`DEFAULT_SECRET_KEY`]).
    pub fn with_secret_key(&mut self, key: &str) -> &mut Self {
        self.secret_key = key.to_owned();
        self
    }

    /// The secret key the mock accepts.
    pub fn secret_key(&self) -> &str {
        &self.secret_key
    }

    /// Adds an organization (or renames an existing one).
    pub fn with_organization(&mut self, id: &str, name: &str, slug: &str) -> &mut Self {
        match self.organizations.iter_mut().find(|o| o.id == id) {
            Some(org) => {
                org.name = name.to_owned();
                org.slug = slug.to_owned();
            }
            None => self.organizations.push(Organization {
                id: id.to_owned(),
                name: name.to_owned(),
                slug: slug.to_owned(),
                member_emails: Vec::new(),
            }),
        }
        self
    }

    /// Makes `email` a member of the organization, so inviting it answers
    /// `400 already_a_member_in_organization`.
    ///
    /// # Panics
    ///
    /// Panics if the organization is unknown.
    pub fn with_member_email(&mut self, organization_id: &str, email: &str) -> &mut Self {
        self.organization_mut(organization_id)
            .member_emails
            .push(email.to_owned());
        self
    }

    /// Adds an invitation that exists before the first request, with the
    /// given status (`pending`, `accepted`, `revoked` or `expired`). Seeded
    /// invitations are created in the order given, before any other.
    ///
    /// # Panics
    ///
    /// Panics if the organization is unknown or the status is not one of the four.
    pub fn with_invitation(
        &mut self,
        organization_id: &str,
        email: &str,
        role: &str,
        status: &str,
    ) -> &mut Self {
        self.organization_mut(organization_id);
        assert!(STATUSES.contains(&status), "unknown status `{status}`");
        self.seeds.push(Seed {
            organization_id: organization_id.to_owned(),
            email_address: email.to_owned(),
            role: role.to_owned(),
            status: status.to_owned(),
        });
        self
    }

    fn organization_mut(&mut self, id: &str) -> &mut Organization {
        match self.organizations.iter_mut().find(|o| o.id == id) {
            Some(org) => org,
            None => panic!("unknown organization `{id}`; add it with `with_organization`"),
        }
    }
}

/// An invitation held by the Clerk mock.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Invitation {
    /// The invitation's id, `orginv_<n>`.
    pub id: String,
    /// The organization's id.
    pub organization_id: String,
    /// The invitee's email address.
    pub email_address: String,
    /// The role key, such as `org:member`.
    pub role: String,
    /// `pending`, `accepted`, `revoked` or `expired`.
    pub status: String,
    /// The administrator who sent it, if one was named.
    pub inviter_id: Option<String>,
    /// Where the invitee lands after accepting, if given.
    pub redirect_url: Option<String>,
    /// The public metadata (an empty object when none was given).
    pub public_metadata: Value,
    /// The private metadata (an empty object when none was given).
    pub private_metadata: Value,
    /// When it was created, in Unix milliseconds.
    pub created_at: i64,
    /// When it last changed, in Unix milliseconds.
    pub updated_at: i64,
}

/// A running Clerk mock.
///
/// ```no_run
/// # async fn demo() {
/// use arazzo_mocks::clerk::{ClerkConfig, ClerkMock};
///
/// let clerk = ClerkMock::start(&ClerkConfig::default()).await;
/// let server_url = format!("{}/v1", clerk.base_url()); // http://127.0.0.1:<port>/v1
/// # }
/// ```
pub type ClerkMock = Mock<ClerkState>;

impl Mock<ClerkState> {
    /// Starts the mock on a fresh local port.
    ///
    /// # Panics
    ///
    /// Panics if called outside a tokio runtime or if no local port can be bound.
    pub async fn start(config: &ClerkConfig) -> ClerkMock {
        let state = Arc::new(ClerkState::new(config.clone()));
        Mock::serve(router(Arc::clone(&state)), state).await
    }

    /// The mock's routes, for serving them some other way.
    pub fn router(config: &ClerkConfig) -> Router {
        router(Arc::new(ClerkState::new(config.clone())))
    }

    /// Every invitation, seeded ones included, in creation order.
    pub fn invitations(&self) -> Vec<Invitation> {
        self.state.lock().invitations.clone()
    }
}

/// The mutable state of one mock instance.
/// The state of a [`ClerkMock`]: its configuration and what it has stored (opaque).
#[derive(Debug)]
pub struct ClerkState {
    config: ClerkConfig,
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    /// Ticks of the clock so far; also numbers the invitations.
    ticks: i64,
    next_invitation: u64,
    invitations: Vec<Invitation>,
}

impl Inner {
    fn tick(&mut self) -> i64 {
        self.ticks += 1;
        EPOCH_MS + self.ticks * 1000
    }

    fn create(&mut self, organization_id: &str, new: NewInvitation, status: &str) -> Invitation {
        let now = self.tick();
        self.next_invitation += 1;
        let invitation = Invitation {
            id: format!("orginv_{}", self.next_invitation),
            organization_id: organization_id.to_owned(),
            email_address: new.email_address,
            role: new.role,
            status: status.to_owned(),
            inviter_id: new.inviter_user_id,
            redirect_url: new.redirect_url,
            public_metadata: new.public_metadata,
            private_metadata: new.private_metadata,
            created_at: now,
            updated_at: now,
        };
        self.invitations.push(invitation.clone());
        invitation
    }
}

impl ClerkState {
    fn new(config: ClerkConfig) -> ClerkState {
        let mut inner = Inner::default();
        for seed in &config.seeds {
            let new = NewInvitation {
                email_address: seed.email_address.clone(),
                role: seed.role.clone(),
                inviter_user_id: None,
                redirect_url: None,
                public_metadata: json!({}),
                private_metadata: json!({}),
            };
            inner.create(&seed.organization_id, new, &seed.status);
        }
        ClerkState {
            config,
            inner: Mutex::new(inner),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panicking handler must not make the state unusable for the test
        // that wants to inspect it.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn organization(&self, id: &str) -> Result<&Organization, Box<Response>> {
        self.config
            .organizations
            .iter()
            .find(|o| o.id == id)
            .ok_or_else(|| Box::new(not_found()))
    }
}

fn router(state: Arc<ClerkState>) -> Router {
    Router::new()
        .route(INSTANCE_INVITATIONS_PATH, get(list_instance))
        .route(INVITATIONS_PATH, post(create).get(list))
        .route(BULK_PATH, post(create_bulk))
        .route(PENDING_PATH, get(list_pending))
        .route(INVITATION_PATH, get(get_one))
        .route(REVOKE_PATH, post(revoke))
        .route_layer(from_fn_with_state(Arc::clone(&state), require_secret_key))
        .fallback(route_not_found)
        .with_state(state)
}

/// One Clerk error.
fn clerk_error(code: &str, message: &str, long_message: &str, meta: Option<Value>) -> Value {
    let mut error = json!({ "message": message, "long_message": long_message, "code": code });
    if let (Some(meta), Value::Object(fields)) = (meta, &mut error) {
        fields.insert("meta".to_owned(), meta);
    }
    error
}

/// Clerk's error body with these errors.
fn errors(status: StatusCode, errors: Vec<Value>) -> Response {
    (status, Json(json!({ "errors": errors }))).into_response()
}

fn error(status: StatusCode, code: &str, message: &str, long_message: &str) -> Response {
    errors(status, vec![clerk_error(code, message, long_message, None)])
}

fn not_found() -> Response {
    error(
        StatusCode::NOT_FOUND,
        "resource_not_found",
        "not found",
        "Resource not found",
    )
}

/// A `form_param_*` error about `param`.
fn param_error(code: &str, param: &str, message: &str, long: &str) -> Value {
    clerk_error(code, message, long, Some(json!({ "param_name": param })))
}

async fn route_not_found() -> Response {
    not_found()
}

/// Lets the request through only with `Authorization: Bearer <secret key>`.
async fn require_secret_key(
    State(state): State<Arc<ClerkState>>,
    request: Request,
    next: Next,
) -> Response {
    let Some(value) = request.headers().get(header::AUTHORIZATION) else {
        return error(
            StatusCode::UNAUTHORIZED,
            "authorization_header_missing",
            "Authorization header missing",
            "The request has no Authorization header. Send your Clerk Secret Key as a bearer token.",
        );
    };
    let key = value
        .to_str()
        .ok()
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, key)| key.trim());
    if key != Some(state.config.secret_key.as_str()) {
        let message =
            "The provided Clerk Secret Key is invalid. Make sure that your Clerk Secret Key is correct.";
        return error(
            StatusCode::UNAUTHORIZED,
            "clerk_key_invalid",
            message,
            message,
        );
    }
    next.run(request).await
}

/// The decoded `(name, value)` pairs of the query string.
fn query_pairs(uri: &Uri) -> Vec<(String, String)> {
    uri.query()
        .unwrap_or("")
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let decode = |s: &str| percent_decode(&s.replace('+', " "));
            (decode(name), decode(value))
        })
        .collect()
}

/// The query parameters of the lists, checked.
struct ListQuery {
    limit: usize,
    offset: usize,
    status: Option<String>,
    query: Option<String>,
    order_by: String,
}

/// Reads `limit`, `offset`, `status`, `query` and `order_by`; errors answer `status_code`.
fn list_query(uri: &Uri, status_code: StatusCode) -> Result<ListQuery, Box<Response>> {
    let pairs = query_pairs(uri);
    let param = |name: &str| {
        pairs
            .iter()
            .find(|(n, v)| n == name && !v.is_empty())
            .map(|(_, v)| v.clone())
    };
    let mut problems = Vec::new();
    let mut invalid = |name: &str, long: &str| {
        problems.push(param_error(
            "form_param_value_invalid",
            name,
            "is invalid",
            long,
        ));
    };
    let limit = match param("limit").map(|v| v.parse::<usize>()) {
        None => DEFAULT_LIMIT,
        Some(Ok(limit)) if (1..=MAX_LIMIT).contains(&limit) => limit,
        Some(_) => {
            invalid("limit", "limit must be an integer from 1 to 500.");
            DEFAULT_LIMIT
        }
    };
    let offset = match param("offset").map(|v| v.parse::<usize>()) {
        None => 0,
        Some(Ok(offset)) => offset,
        Some(Err(_)) => {
            invalid(
                "offset",
                "offset must be an integer greater or equal to zero.",
            );
            0
        }
    };
    let status = param("status");
    if let Some(status) = &status {
        if !STATUSES.contains(&status.as_str()) {
            invalid(
                "status",
                "status must be one of pending, accepted, revoked or expired.",
            );
        }
    }
    let order_by = param("order_by").unwrap_or_else(|| "-created_at".to_owned());
    let field = order_by.trim_start_matches(['+', '-']);
    if field != "created_at" && field != "email_address" {
        invalid(
            "order_by",
            "order_by must be created_at or email_address, optionally prefixed with + or -.",
        );
    }
    if problems.is_empty() {
        Ok(ListQuery {
            limit,
            offset,
            status,
            query: param("query"),
            order_by,
        })
    } else {
        Err(Box::new(errors(status_code, problems)))
    }
}

/// Filters, orders and pages `invitations` as `q` says; returns the page and the total.
fn page<'a>(mut invitations: Vec<&'a Invitation>, q: &ListQuery) -> (Vec<&'a Invitation>, usize) {
    if let Some(status) = &q.status {
        invitations.retain(|i| &i.status == status);
    }
    if let Some(query) = &q.query {
        let query = query.to_lowercase();
        invitations.retain(|i| i.email_address.to_lowercase().contains(&query));
    }
    let descending = q.order_by.starts_with('-');
    if q.order_by.trim_start_matches(['+', '-']) == "email_address" {
        invitations.sort_by(|a, b| a.email_address.cmp(&b.email_address));
    } else {
        invitations.sort_by_key(|i| i.created_at);
    }
    if descending {
        invitations.reverse();
    }
    let total = invitations.len();
    let page = invitations
        .into_iter()
        .skip(q.offset)
        .take(q.limit)
        .collect();
    (page, total)
}

/// `ListInstanceOrganizationInvitations`: every organization's invitations.
async fn list_instance(State(state): State<Arc<ClerkState>>, uri: Uri) -> Response {
    let q = match list_query(&uri, StatusCode::UNPROCESSABLE_ENTITY) {
        Ok(q) => q,
        Err(response) => return *response,
    };
    let inner = state.lock();
    let (page, total) = page(inner.invitations.iter().collect(), &q);
    let data: Vec<Value> = page
        .into_iter()
        .map(|invitation| {
            let mut value = invitation_json(invitation);
            if let (Value::Object(fields), Ok(org)) =
                (&mut value, state.organization(&invitation.organization_id))
            {
                fields.insert(
                    "public_organization_data".to_owned(),
                    json!({
                        "id": org.id,
                        "name": org.name,
                        "slug": org.slug,
                        "image_url": format!("https://img.clerk.com/mock/{}", org.id),
                        "has_image": false,
                    }),
                );
            }
            value
        })
        .collect();
    Json(json!({ "data": data, "total_count": total })).into_response()
}

/// `ListOrganizationInvitations`.
async fn list(
    State(state): State<Arc<ClerkState>>,
    path: Result<Path<String>, PathRejection>,
    uri: Uri,
) -> Response {
    list_organization(&state, path, &uri, None)
}

/// `ListPendingOrganizationInvitations` (deprecated): `status` is always `pending`.
async fn list_pending(
    State(state): State<Arc<ClerkState>>,
    path: Result<Path<String>, PathRejection>,
    uri: Uri,
) -> Response {
    list_organization(&state, path, &uri, Some("pending"))
}

fn list_organization(
    state: &ClerkState,
    path: Result<Path<String>, PathRejection>,
    uri: &Uri,
    status: Option<&str>,
) -> Response {
    let Ok(Path(organization_id)) = path else {
        return not_found();
    };
    if let Err(response) = state.organization(&organization_id) {
        return *response;
    }
    let mut q = match list_query(uri, StatusCode::BAD_REQUEST) {
        Ok(q) => q,
        Err(response) => return *response,
    };
    if let Some(status) = status {
        q.status = Some(status.to_owned());
    }
    q.query = None;
    q.order_by = "-created_at".to_owned();
    let inner = state.lock();
    let invitations = inner
        .invitations
        .iter()
        .filter(|i| i.organization_id == organization_id)
        .collect();
    let (page, total) = page(invitations, &q);
    let data: Vec<Value> = page.into_iter().map(invitation_json).collect();
    Json(json!({ "data": data, "total_count": total })).into_response()
}

/// The body as JSON, or Clerk's error for a body that is not.
fn json_body(headers: &HeaderMap, body: &[u8]) -> Result<Value, Box<Response>> {
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().starts_with("application/json"));
    let parsed = if is_json {
        serde_json::from_slice::<Value>(body).ok()
    } else {
        None
    };
    parsed.ok_or_else(|| {
        Box::new(error(
            StatusCode::BAD_REQUEST,
            "request_body_invalid",
            "Request body invalid",
            "The request body must be a JSON document sent as application/json.",
        ))
    })
}

/// The fields of a valid invitation request.
struct NewInvitation {
    email_address: String,
    role: String,
    inviter_user_id: Option<String>,
    redirect_url: Option<String>,
    public_metadata: Value,
    private_metadata: Value,
}

/// Checks one invitation request; `prefix` names its place in a bulk body (`[2].`).
fn validate(value: &Value, prefix: &str) -> Result<NewInvitation, Vec<Value>> {
    let mut problems = Vec::new();
    let Value::Object(fields) = value else {
        let param = prefix.trim_end_matches('.');
        return Err(vec![param_error(
            "form_param_value_invalid",
            param,
            "is invalid",
            &format!("{param} must be an object."),
        )]);
    };
    let mut string = |name: &str, required: bool| -> Option<String> {
        let param = format!("{prefix}{name}");
        match fields.get(name) {
            Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
            None | Some(Value::Null) if !required => None,
            None | Some(Value::Null) | Some(Value::String(_)) => {
                problems.push(param_error(
                    "form_param_missing",
                    &param,
                    "is missing",
                    &format!("{param} is missing"),
                ));
                None
            }
            Some(_) => {
                problems.push(param_error(
                    "form_param_format_invalid",
                    &param,
                    "is invalid",
                    &format!("{param} must be a string."),
                ));
                None
            }
        }
    };
    let email_address = string("email_address", true);
    let role = string("role", true);
    let inviter_user_id = string("inviter_user_id", false);
    let redirect_url = string("redirect_url", false);
    if let Some(email) = &email_address {
        if !looks_like_email(email) {
            let param = format!("{prefix}email_address");
            problems.push(param_error(
                "form_param_format_invalid",
                &param,
                "is invalid",
                &format!("{param} must be a valid email address."),
            ));
        }
    }
    if let Some(role) = &role {
        if !ROLES.iter().any(|(key, _)| key == role) {
            let param = format!("{prefix}role");
            problems.push(param_error(
                "form_param_value_invalid",
                &param,
                "is invalid",
                &format!("{param} `{role}` is not a role of this organization."),
            ));
        }
    }
    let mut metadata = |name: &str| match fields.get(name) {
        None | Some(Value::Null) => json!({}),
        Some(Value::Object(map)) => Value::Object(map.clone()),
        Some(_) => {
            let param = format!("{prefix}{name}");
            problems.push(param_error(
                "form_param_format_invalid",
                &param,
                "is invalid",
                &format!("{param} must be an object."),
            ));
            json!({})
        }
    };
    let public_metadata = metadata("public_metadata");
    let private_metadata = metadata("private_metadata");
    match (email_address, role) {
        (Some(email_address), Some(role)) if problems.is_empty() => Ok(NewInvitation {
            email_address,
            role,
            inviter_user_id,
            redirect_url,
            public_metadata,
            private_metadata,
        }),
        _ => Err(problems),
    }
}

/// The checks that need the organization and the stored invitations.
fn check_against_state(
    org: &Organization,
    invitations: &[Invitation],
    new: &NewInvitation,
) -> Result<(), Box<Response>> {
    if let Some(inviter) = &new.inviter_user_id {
        if inviter != ADMIN_USER_ID {
            return Err(Box::new(not_an_admin(inviter)));
        }
    }
    let email = &new.email_address;
    if org
        .member_emails
        .iter()
        .any(|m| m.eq_ignore_ascii_case(email))
    {
        return Err(Box::new(error(
            StatusCode::BAD_REQUEST,
            "already_a_member_in_organization",
            "already a member",
            &format!("{email} is already a member of the organization."),
        )));
    }
    if invitations.iter().any(|i| {
        i.organization_id == org.id
            && i.status == "pending"
            && i.email_address.eq_ignore_ascii_case(email)
    }) {
        return Err(Box::new(error(
            StatusCode::BAD_REQUEST,
            "duplicate_record",
            "duplicate invitation",
            &format!("There is already a pending invitation for {email} in this organization."),
        )));
    }
    Ok(())
}

fn not_an_admin(user_id: &str) -> Response {
    error(
        StatusCode::FORBIDDEN,
        "not_an_admin_in_organization",
        "not an administrator",
        &format!("User {user_id} is not an administrator of the organization."),
    )
}

/// `CreateOrganizationInvitation`: answers 200 with the new invitation.
async fn create(
    State(state): State<Arc<ClerkState>>,
    path: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Ok(Path(organization_id)) = path else {
        return not_found();
    };
    let org = match state.organization(&organization_id) {
        Ok(org) => org,
        Err(response) => return *response,
    };
    let body = match json_body(&headers, &body) {
        Ok(body) => body,
        Err(response) => return *response,
    };
    let new = match validate(&body, "") {
        Ok(new) => new,
        Err(problems) => return errors(StatusCode::UNPROCESSABLE_ENTITY, problems),
    };
    let mut inner = state.lock();
    if let Err(response) = check_against_state(org, &inner.invitations, &new) {
        return *response;
    }
    let invitation = inner.create(&organization_id, new, "pending");
    Json(invitation_json(&invitation)).into_response()
}

/// `CreateOrganizationInvitationBulk`: all or nothing.
async fn create_bulk(
    State(state): State<Arc<ClerkState>>,
    path: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Ok(Path(organization_id)) = path else {
        return not_found();
    };
    let org = match state.organization(&organization_id) {
        Ok(org) => org,
        Err(response) => return *response,
    };
    let body = match json_body(&headers, &body) {
        Ok(body) => body,
        Err(response) => return *response,
    };
    let items = match body {
        Value::Array(items) if (1..=MAX_BULK).contains(&items.len()) => items,
        _ => {
            return errors(
                StatusCode::UNPROCESSABLE_ENTITY,
                vec![clerk_error(
                    "form_param_value_invalid",
                    "is invalid",
                    "The request body must be an array of 1 to 10 invitations.",
                    None,
                )],
            )
        }
    };
    let mut news = Vec::new();
    let mut problems = Vec::new();
    for (index, item) in items.iter().enumerate() {
        match validate(item, &format!("[{index}].")) {
            Ok(new) => news.push(new),
            Err(mut more) => problems.append(&mut more),
        }
    }
    if !problems.is_empty() {
        return errors(StatusCode::UNPROCESSABLE_ENTITY, problems);
    }
    let mut inner = state.lock();
    for (index, new) in news.iter().enumerate() {
        if let Err(response) = check_against_state(org, &inner.invitations, new) {
            return *response;
        }
        let repeated = news[..index]
            .iter()
            .any(|n| n.email_address.eq_ignore_ascii_case(&new.email_address));
        if repeated {
            return error(
                StatusCode::BAD_REQUEST,
                "duplicate_record",
                "duplicate invitation",
                &format!(
                    "{} appears more than once in the request.",
                    new.email_address
                ),
            );
        }
    }
    let data: Vec<Value> = news
        .into_iter()
        .map(|new| invitation_json(&inner.create(&organization_id, new, "pending")))
        .collect();
    let total = data.len();
    Json(json!({ "data": data, "total_count": total })).into_response()
}

/// `GetOrganizationInvitation`.
async fn get_one(
    State(state): State<Arc<ClerkState>>,
    path: Result<Path<(String, String)>, PathRejection>,
) -> Response {
    let Ok(Path((organization_id, invitation_id))) = path else {
        return not_found();
    };
    if let Err(response) = state.organization(&organization_id) {
        return *response;
    }
    let inner = state.lock();
    match inner
        .invitations
        .iter()
        .find(|i| i.organization_id == organization_id && i.id == invitation_id)
    {
        Some(invitation) => Json(invitation_json(invitation)).into_response(),
        None => not_found(),
    }
}

/// `RevokeOrganizationInvitation`: only pending invitations.
async fn revoke(
    State(state): State<Arc<ClerkState>>,
    path: Result<Path<(String, String)>, PathRejection>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Ok(Path((organization_id, invitation_id))) = path else {
        return not_found();
    };
    if let Err(response) = state.organization(&organization_id) {
        return *response;
    }
    let requesting_user = if body.is_empty() {
        None
    } else {
        match json_body(&headers, &body) {
            Ok(Value::Object(fields)) => match fields.get("requesting_user_id") {
                Some(Value::String(id)) => Some(id.clone()),
                _ => None,
            },
            Ok(_) => None,
            Err(response) => return *response,
        }
    };
    if let Some(user) = requesting_user {
        if user != ADMIN_USER_ID {
            return not_an_admin(&user);
        }
    }
    let mut inner = state.lock();
    let now = EPOCH_MS + (inner.ticks + 1) * 1000;
    let Some(invitation) = inner
        .invitations
        .iter_mut()
        .find(|i| i.organization_id == organization_id && i.id == invitation_id)
    else {
        return not_found();
    };
    if invitation.status != "pending" {
        return error(
            StatusCode::BAD_REQUEST,
            "organization_invitation_not_pending",
            "not pending",
            &format!(
                "Only pending invitations can be revoked; this one is {}.",
                invitation.status
            ),
        );
    }
    invitation.status = "revoked".to_owned();
    invitation.updated_at = now;
    let body = invitation_json(invitation);
    inner.ticks += 1;
    Json(body).into_response()
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

/// The invitation as Clerk's `OrganizationInvitation` object.
fn invitation_json(invitation: &Invitation) -> Value {
    let role_name = ROLES
        .iter()
        .find(|(key, _)| *key == invitation.role)
        .map_or(invitation.role.as_str(), |(_, name)| name);
    let inviter = invitation.inviter_id.as_ref().map(|id| {
        json!({
            "user_id": id,
            "first_name": "Ada",
            "last_name": "Admin",
            "image_url": format!("https://img.clerk.com/mock/{id}"),
            "has_image": false,
            "identifier": "admin@acme.example",
        })
    });
    let mut fields = Map::new();
    let mut put = |name: &str, value: Value| {
        fields.insert(name.to_owned(), value);
    };
    put("object", json!("organization_invitation"));
    put("id", json!(invitation.id));
    put("email_address", json!(invitation.email_address));
    put("role", json!(invitation.role));
    put("role_name", json!(role_name));
    put("organization_id", json!(invitation.organization_id));
    put("inviter_id", json!(invitation.inviter_id));
    put("public_inviter_data", inviter.unwrap_or(Value::Null));
    put("status", json!(invitation.status));
    put("public_metadata", invitation.public_metadata.clone());
    put("private_metadata", invitation.private_metadata.clone());
    put("url", json!(invitation.redirect_url));
    put("expires_at", json!(invitation.created_at + EXPIRES_IN_MS));
    put("created_at", json!(invitation.created_at));
    put("updated_at", json!(invitation.updated_at));
    Value::Object(fields)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sends a request with the default secret key; returns the status and JSON body.
    async fn send(mock: &ClerkMock, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        let url = format!("{}{path}", mock.base_url());
        let client = reqwest::Client::new();
        let mut request = match method {
            "GET" => client.get(url),
            _ => client.post(url),
        }
        .header("authorization", format!("Bearer {DEFAULT_SECRET_KEY}"));
        if let Some(body) = body {
            request = request
                .header("content-type", "application/json")
                .body(body.to_string());
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let body = serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
        (status, body)
    }

    fn ids(body: &Value) -> Vec<&str> {
        body["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_str().unwrap())
            .collect()
    }

    #[tokio::test]
    async fn creates_reads_and_revokes() {
        let mock = ClerkMock::start(&ClerkConfig::default()).await;
        let (status, created) = send(
            &mock,
            "POST",
            "/v1/organizations/org_acme/invitations",
            Some(json!({"email_address": "ada@example.com", "role": "org:admin", "inviter_user_id": ADMIN_USER_ID})),
        )
        .await;
        assert_eq!(status, 200, "{created}");
        assert_eq!(created["id"], "orginv_1");
        assert_eq!(created["status"], "pending");
        assert_eq!(created["role_name"], "Admin");
        assert_eq!(created["public_inviter_data"]["user_id"], ADMIN_USER_ID);
        assert_eq!(created["created_at"], EPOCH_MS + 1000);
        assert_eq!(created["expires_at"], EPOCH_MS + 1000 + EXPIRES_IN_MS);

        let path = "/v1/organizations/org_acme/invitations/orginv_1";
        let (status, read) = send(&mock, "GET", path, None).await;
        assert_eq!((status, &read), (200, &created));
        let (status, revoked) = send(&mock, "POST", &format!("{path}/revoke"), None).await;
        assert_eq!(status, 200);
        assert_eq!(revoked["status"], "revoked");
        assert_eq!(revoked["updated_at"], EPOCH_MS + 2000);
        let (status, again) = send(&mock, "POST", &format!("{path}/revoke"), None).await;
        assert_eq!(status, 400);
        assert_eq!(
            again["errors"][0]["code"],
            "organization_invitation_not_pending"
        );
    }

    #[tokio::test]
    async fn lists_page_filter_and_order() {
        let mut config = ClerkConfig::default();
        config
            .with_invitation("org_acme", "b@example.com", "org:member", "pending")
            .with_invitation("org_acme", "a@example.com", "org:member", "accepted")
            .with_invitation("org_globex", "c@example.com", "org:member", "pending")
            .with_invitation("org_acme", "d@example.com", "org:admin", "pending");
        let mock = ClerkMock::start(&config).await;
        let base = "/v1/organizations/org_acme/invitations";
        let (_, body) = send(&mock, "GET", base, None).await;
        assert_eq!(ids(&body), ["orginv_4", "orginv_2", "orginv_1"]);
        assert_eq!(body["total_count"], 3);
        let (_, body) = send(&mock, "GET", &format!("{base}?limit=1&offset=1"), None).await;
        assert_eq!(
            (ids(&body), &body["total_count"]),
            (vec!["orginv_2"], &json!(3))
        );
        let (_, body) = send(&mock, "GET", &format!("{base}?status=pending"), None).await;
        assert_eq!(ids(&body), ["orginv_4", "orginv_1"]);
        let (_, body) = send(&mock, "GET", &format!("{base}/pending?limit=1"), None).await;
        assert_eq!(
            (ids(&body), &body["total_count"]),
            (vec!["orginv_4"], &json!(2))
        );
        let (status, body) = send(&mock, "GET", &format!("{base}?limit=0"), None).await;
        assert_eq!(status, 400);
        assert_eq!(body["errors"][0]["meta"]["param_name"], "limit");

        let (_, body) = send(
            &mock,
            "GET",
            "/v1/organization_invitations?order_by=email_address&status=pending",
            None,
        )
        .await;
        assert_eq!(ids(&body), ["orginv_1", "orginv_3", "orginv_4"]);
        assert_eq!(
            body["data"][1]["public_organization_data"]["slug"],
            "globex"
        );
        let (_, body) = send(
            &mock,
            "GET",
            "/v1/organization_invitations?query=A%40EX",
            None,
        )
        .await;
        assert_eq!(ids(&body), ["orginv_2"]);
        let (status, _) = send(
            &mock,
            "GET",
            "/v1/organization_invitations?order_by=id",
            None,
        )
        .await;
        assert_eq!(status, 422);
    }

    #[tokio::test]
    async fn create_checks_every_rule() {
        let mut config = ClerkConfig::default();
        config.with_member_email("org_acme", "member@example.com");
        let mock = ClerkMock::start(&config).await;
        let path = "/v1/organizations/org_acme/invitations";
        let (status, body) = send(&mock, "POST", path, Some(json!({"role": "org:boss"}))).await;
        assert_eq!(status, 422);
        assert_eq!(
            body["errors"],
            json!([
                {"message": "is missing", "long_message": "email_address is missing", "code": "form_param_missing", "meta": {"param_name": "email_address"}},
                {"message": "is invalid", "long_message": "role `org:boss` is not a role of this organization.", "code": "form_param_value_invalid", "meta": {"param_name": "role"}}
            ])
        );
        let member = json!({"email_address": "member@example.com", "role": "org:member"});
        let (status, body) = send(&mock, "POST", path, Some(member)).await;
        assert_eq!(
            (status, &body["errors"][0]["code"]),
            (400, &json!("already_a_member_in_organization"))
        );
        let ada = json!({"email_address": "ada@example.com", "role": "org:member"});
        assert_eq!(send(&mock, "POST", path, Some(ada.clone())).await.0, 200);
        let (status, body) = send(&mock, "POST", path, Some(ada)).await;
        assert_eq!(
            (status, &body["errors"][0]["code"]),
            (400, &json!("duplicate_record"))
        );
        let not_admin = json!({"email_address": "x@example.com", "role": "org:member", "inviter_user_id": "user_2"});
        let (status, body) = send(&mock, "POST", path, Some(not_admin)).await;
        assert_eq!(
            (status, &body["errors"][0]["code"]),
            (403, &json!("not_an_admin_in_organization"))
        );
        let (status, body) = send(
            &mock,
            "POST",
            "/v1/organizations/org_nope/invitations",
            Some(json!({})),
        )
        .await;
        assert_eq!(
            (status, &body["errors"][0]["code"]),
            (404, &json!("resource_not_found"))
        );
    }

    #[tokio::test]
    async fn bulk_is_all_or_nothing() {
        let mock = ClerkMock::start(&ClerkConfig::default()).await;
        let path = "/v1/organizations/org_acme/invitations/bulk";
        let (status, body) = send(
            &mock,
            "POST",
            path,
            Some(json!([
                {"email_address": "a@example.com", "role": "org:member"},
                {"email_address": "nope", "role": "org:member"}
            ])),
        )
        .await;
        assert_eq!(status, 422);
        assert_eq!(body["errors"][0]["meta"]["param_name"], "[1].email_address");
        assert!(mock.invitations().is_empty());
        let (status, _) = send(&mock, "POST", path, Some(json!([]))).await;
        assert_eq!(status, 422);
        let (status, body) = send(
            &mock,
            "POST",
            path,
            Some(json!([
                {"email_address": "a@example.com", "role": "org:member"},
                {"email_address": "b@example.com", "role": "org:admin"}
            ])),
        )
        .await;
        assert_eq!(status, 200);
        assert_eq!(ids(&body), ["orginv_1", "orginv_2"]);
        assert_eq!(body["total_count"], 2);
    }

    #[tokio::test]
    async fn the_secret_key_is_required() {
        let mock = ClerkMock::start(&ClerkConfig::default()).await;
        let url = format!("{}/v1/organization_invitations", mock.base_url());
        let response = reqwest::Client::new().get(&url).send().await.unwrap();
        assert_eq!(response.status().as_u16(), 401);
        let body: Value = serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
        assert_eq!(body["errors"][0]["code"], "authorization_header_missing");
        let response = reqwest::Client::new()
            .get(&url)
            .header("authorization", "Bearer sk_test_wrong")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 401);
        let body: Value = serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
        assert_eq!(body["errors"][0]["code"], "clerk_key_invalid");
    }
}
