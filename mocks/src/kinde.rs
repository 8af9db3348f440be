//! A mock of the Kinde Management API operations used by the
//! "invite user to organization" workflow.
//!
//! | operation | route |
//! |---|---|
//! | `GetRoles` | `GET /api/v1/roles` |
//! | `createOrganizationInvite` | `POST /api/v1/organization/{org_code}/invites` |
//! | `getOrganizationInvite` | `GET /api/v1/organization/{org_code}/invites/{invite_code}` |
//!
//! Every route wants `Authorization: Bearer <token>` with the configured
//! token and answers `401` otherwise. Errors use Kinde's body shape,
//! `{"errors": [{"code": "...", "message": "..."}]}`; unknown routes get
//! `404` with the code `ROUTE_NOT_FOUND`.
//!
//! The mock knows five roles, listed here in id order:
//!
//! | id | key | name |
//! |---|---|---|
//! | `rol_01` | `admin` | Administrator |
//! | `rol_02` | `manager` | Team manager |
//! | `rol_03` | `member` | Member (the default role) |
//! | `rol_04` | `billing` | Billing contact |
//! | `rol_05` | `viewer` | Read-only viewer (no description) |
//!
//! Invitations get the codes `inv_1`, `inv_2`, … in creation order and the
//! link `https://<org>.kinde.example/invite/<code>`, where `<org>` is the
//! organization code with every character other than ASCII letters, digits,
//! `-` and `_` replaced by `-`. An invitation created with `send_email: true`
//! reads back with `is_sent: false` for the first
//! [`KindeConfig::with_polls_before_sent`] reads and with `is_sent: true`
//! from then on; one created without `send_email: true` is never sent.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, Query, Request, State};
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::middleware::{from_fn_with_state, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Map, Value};

use crate::server::Mock;

/// The bearer token the mock accepts unless configured otherwise.
pub const DEFAULT_TOKEN: &str = "test-token";

/// How many reads of an invitation report `is_sent: false` by default.
pub const DEFAULT_POLLS_BEFORE_SENT: u32 = 2;

/// The route of `GetRoles`.
pub const ROLES_PATH: &str = "/api/v1/roles";

/// The route of `createOrganizationInvite`.
pub const INVITES_PATH: &str = "/api/v1/organization/{org_code}/invites";

/// The route of `getOrganizationInvite`.
pub const INVITE_PATH: &str = "/api/v1/organization/{org_code}/invites/{invite_code}";

/// The `created_on` of every invitation; fixed so responses are reproducible.
const CREATED_ON: &str = "2025-01-01T00:00:00+00:00";

/// Length limits from Kinde's description of `createOrganizationInvite`.
const MAX_EMAIL_CHARS: usize = 254;
const MAX_NAME_CHARS: usize = 64;

/// `GetRoles` returns this many roles per page when `page_size` is absent.
const DEFAULT_PAGE_SIZE: usize = 10;
const MAX_PAGE_SIZE: usize = 1000;

/// How the Kinde mock behaves.
///
/// Start from [`KindeConfig::default`] and adjust with the `with_*` methods:
///
/// ```
/// use arazzo_mocks::kinde::KindeConfig;
///
/// let mut config = KindeConfig::default();
/// config.with_token("secret").with_unknown_org("org_gone").with_polls_before_sent(0);
/// ```
#[derive(Clone, Debug)]
pub struct KindeConfig {
    token: String,
    known_orgs: Option<BTreeSet<String>>,
    unknown_orgs: BTreeSet<String>,
    polls_before_sent: u32,
    never_sent: bool,
    create_failure: Option<(StatusCode, Value)>,
}

impl Default for KindeConfig {
    fn default() -> Self {
        KindeConfig {
            token: DEFAULT_TOKEN.to_owned(),
            known_orgs: None,
            unknown_orgs: BTreeSet::new(),
            polls_before_sent: DEFAULT_POLLS_BEFORE_SENT,
            never_sent: false,
            create_failure: None,
        }
    }
}

impl KindeConfig {
    /// Accepts only `Authorization: Bearer <token>` (default [`DEFAULT_TOKEN`]).
    pub fn with_token(&mut self, token: &str) -> &mut Self {
        self.token = token.to_owned();
        self
    }

    /// The bearer token the mock accepts.
    pub fn token(&self) -> &str {
        &self.token
    }

    /// Registers a known organization code. By default every organization
    /// code exists; after the first call only the registered ones do, and the
    /// others get `404`.
    pub fn with_known_org(&mut self, org_code: &str) -> &mut Self {
        self.known_orgs
            .get_or_insert_with(BTreeSet::new)
            .insert(org_code.to_owned());
        self
    }

    /// Makes one organization code unknown, so its routes answer `404`.
    pub fn with_unknown_org(&mut self, org_code: &str) -> &mut Self {
        self.unknown_orgs.insert(org_code.to_owned());
        self
    }

    /// Sets how many reads of a sent invitation still report `is_sent: false`
    /// (default [`DEFAULT_POLLS_BEFORE_SENT`]; `0` reports it sent at once).
    pub fn with_polls_before_sent(&mut self, polls: u32) -> &mut Self {
        self.polls_before_sent = polls;
        self
    }

    /// When `true`, invitations never report `is_sent: true`.
    pub fn with_never_sent(&mut self, never_sent: bool) -> &mut Self {
        self.never_sent = never_sent;
        self
    }

    /// Makes every authorized `createOrganizationInvite` answer `status` with
    /// the JSON `body` instead of creating an invitation.
    ///
    /// # Panics
    ///
    /// Panics if `status` is not a valid HTTP status code (100 to 999).
    pub fn with_create_failure(&mut self, status: u16, body: Value) -> &mut Self {
        let status = match StatusCode::from_u16(status) {
            Ok(status) => status,
            Err(_) => panic!("`{status}` is not an HTTP status code"),
        };
        self.create_failure = Some((status, body));
        self
    }

    fn org_exists(&self, org_code: &str) -> bool {
        !self.unknown_orgs.contains(org_code)
            && self
                .known_orgs
                .as_ref()
                .is_none_or(|known| known.contains(org_code))
    }
}

/// An invitation held by the Kinde mock.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Invite {
    /// The organization code, percent-decoded from the path.
    pub org_code: String,
    /// The invitation code, `inv_<n>`.
    pub code: String,
    /// The invitee's email address.
    pub email: String,
    /// The invitee's first name, if one was given.
    pub first_name: Option<String>,
    /// The invitee's last name, if one was given.
    pub last_name: Option<String>,
    /// The role keys, in request order.
    pub roles: Vec<String>,
    /// Whether the request asked Kinde to email the invitation.
    pub send_email: bool,
    /// How many times `getOrganizationInvite` has read the invitation.
    pub polls: u32,
    /// Whether the last read reported the invitation as sent.
    pub is_sent: bool,
}

/// A running Kinde mock.
///
/// ```no_run
/// # async fn demo() {
/// use arazzo_mocks::kinde::{KindeConfig, KindeMock};
///
/// let kinde = KindeMock::start(&KindeConfig::default()).await;
/// let base_url = kinde.base_url(); // http://127.0.0.1:<port>
/// # }
/// ```
pub type KindeMock = Mock<KindeState>;

impl Mock<KindeState> {
    /// Starts the mock on a fresh local port.
    ///
    /// # Panics
    ///
    /// Panics if called outside a tokio runtime or if no local port can be bound.
    pub async fn start(config: &KindeConfig) -> KindeMock {
        let state = Arc::new(KindeState::new(config.clone()));
        Mock::serve(router(Arc::clone(&state)), state).await
    }

    /// The mock's routes, for serving them some other way.
    pub fn router(config: &KindeConfig) -> Router {
        router(Arc::new(KindeState::new(config.clone())))
    }

    /// The invitations created so far, in creation order.
    pub fn invites(&self) -> Vec<Invite> {
        self.state.lock().invites.clone()
    }
}

/// The mutable state of one mock instance.
/// The state of a [`KindeMock`]: its configuration and what it has stored (opaque).
#[derive(Debug)]
pub struct KindeState {
    config: KindeConfig,
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    next_invite: u64,
    invites: Vec<Invite>,
}

impl KindeState {
    fn new(config: KindeConfig) -> KindeState {
        KindeState {
            config,
            inner: Mutex::default(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A role of the mock tenant.
struct Role {
    id: &'static str,
    key: &'static str,
    name: &'static str,
    description: Option<&'static str>,
    is_default_role: bool,
}

const ROLES: &[Role] = &[
    Role {
        id: "rol_01",
        key: "admin",
        name: "Administrator",
        description: Some("Full access to the organization."),
        is_default_role: false,
    },
    Role {
        id: "rol_02",
        key: "manager",
        name: "Team manager",
        description: Some("Manages members and their roles."),
        is_default_role: false,
    },
    Role {
        id: "rol_03",
        key: "member",
        name: "Member",
        description: Some("Everyday access for members of the organization."),
        is_default_role: true,
    },
    Role {
        id: "rol_04",
        key: "billing",
        name: "Billing contact",
        description: Some("Manages invoices and payment details."),
        is_default_role: false,
    },
    Role {
        id: "rol_05",
        key: "viewer",
        name: "Read-only viewer",
        description: None,
        is_default_role: false,
    },
];

impl Role {
    fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "key": self.key,
            "name": self.name,
            "description": self.description,
            "is_default_role": self.is_default_role,
        })
    }
}

fn router(state: Arc<KindeState>) -> Router {
    Router::new()
        .route(ROLES_PATH, get(get_roles))
        .route(INVITES_PATH, post(create_invite))
        .route(INVITE_PATH, get(get_invite))
        .route_layer(from_fn_with_state(Arc::clone(&state), require_bearer))
        .fallback(route_not_found)
        .with_state(state)
}

/// Kinde's error body with a single error.
fn error(status: StatusCode, code: &str, message: &str) -> Response {
    let body = json!({ "errors": [{ "code": code, "message": message }] });
    (status, Json(body)).into_response()
}

fn org_not_found(org_code: &str) -> Response {
    error(
        StatusCode::NOT_FOUND,
        "ORGANIZATION_INVALID",
        &format!("no organization with code `{org_code}`"),
    )
}

fn bad_path(rejection: &PathRejection) -> Response {
    error(
        StatusCode::BAD_REQUEST,
        "INVALID_PATH",
        &rejection.body_text(),
    )
}

async fn route_not_found() -> Response {
    error(
        StatusCode::NOT_FOUND,
        "ROUTE_NOT_FOUND",
        "The requested API route does not exist",
    )
}

/// Lets the request through only with `Authorization: Bearer <token>`.
async fn require_bearer(
    State(state): State<Arc<KindeState>>,
    request: Request,
    next: Next,
) -> Response {
    let Some(value) = request.headers().get(header::AUTHORIZATION) else {
        return error(
            StatusCode::UNAUTHORIZED,
            "UNAUTHORIZED",
            "missing `Authorization: Bearer` header",
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
            "UNAUTHORIZED",
            "invalid bearer token",
        );
    }
    next.run(request).await
}

/// `GetRoles`: one page of roles, honouring `sort`, `page_size` and `next_token`.
async fn get_roles(uri: Uri) -> Response {
    let query = Query::<Vec<(String, String)>>::try_from_uri(&uri)
        .map(|Query(pairs)| pairs)
        .unwrap_or_default();
    let param = |name: &str| {
        query
            .iter()
            .find(|(n, v)| n == name && !v.is_empty())
            .map(|(_, v)| v.as_str())
    };

    let mut roles: Vec<&Role> = ROLES.iter().collect();
    match param("sort") {
        None => {}
        Some("name_asc") => roles.sort_by_key(|r| r.name.to_lowercase()),
        Some("name_desc") => roles.sort_by_key(|r| std::cmp::Reverse(r.name.to_lowercase())),
        Some("key_asc") => roles.sort_by_key(|r| r.key),
        Some("key_desc") => roles.sort_by_key(|r| std::cmp::Reverse(r.key)),
        // Older copies of Kinde's description list `id_*` instead of `key_*`.
        Some("id_asc") => roles.sort_by_key(|r| r.id),
        Some("id_desc") => roles.sort_by_key(|r| std::cmp::Reverse(r.id)),
        Some(other) => {
            return error(
                StatusCode::BAD_REQUEST,
                "INVALID_SORT",
                &format!("unknown sort `{other}`"),
            )
        }
    }
    let page_size = match param("page_size").map(str::parse::<usize>) {
        None => DEFAULT_PAGE_SIZE,
        Some(Ok(size)) if (1..=MAX_PAGE_SIZE).contains(&size) => size,
        Some(_) => {
            return error(
                StatusCode::BAD_REQUEST,
                "INVALID_PAGE_SIZE",
                &format!("`page_size` must be an integer from 1 to {MAX_PAGE_SIZE}"),
            )
        }
    };
    let offset = match param("next_token").map(parse_next_token) {
        None => 0,
        Some(Some(offset)) if offset <= roles.len() => offset,
        Some(_) => {
            return error(
                StatusCode::BAD_REQUEST,
                "INVALID_NEXT_TOKEN",
                "`next_token` was not issued by this API",
            )
        }
    };

    let end = roles.len().min(offset + page_size);
    let page: Vec<Value> = roles[offset..end].iter().map(|r| r.to_json()).collect();
    let mut body = Map::new();
    body.insert("code".into(), "OK".into());
    body.insert("message".into(), "Success".into());
    body.insert("roles".into(), page.into());
    if end < roles.len() {
        body.insert("next_token".into(), format!("nt_{end}").into());
    }
    (StatusCode::OK, Json(Value::Object(body))).into_response()
}

fn parse_next_token(token: &str) -> Option<usize> {
    token.strip_prefix("nt_")?.parse().ok()
}

/// `createOrganizationInvite`: validates the body and stores a new invitation.
async fn create_invite(
    State(state): State<Arc<KindeState>>,
    path: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let org_code = match path {
        Ok(Path(org_code)) => org_code,
        Err(rejection) => return bad_path(&rejection),
    };
    if let Some((status, body)) = &state.config.create_failure {
        return (*status, Json(body.clone())).into_response();
    }
    if !state.config.org_exists(&org_code) {
        return org_not_found(&org_code);
    }
    if !is_json(&headers) {
        return error(
            StatusCode::BAD_REQUEST,
            "INVALID_CONTENT_TYPE",
            "the body must be sent as `application/json`",
        );
    }
    let request = match serde_json::from_slice::<Value>(&body) {
        Ok(Value::Object(fields)) => fields,
        _ => {
            return error(
                StatusCode::BAD_REQUEST,
                "INVALID_REQUEST_BODY",
                "the body must be a JSON object",
            )
        }
    };
    let new = match validate_invite(&request) {
        Ok(new) => new,
        Err(errors) => {
            let body = json!({ "errors": errors });
            return (StatusCode::BAD_REQUEST, Json(body)).into_response();
        }
    };

    let mut inner = state.lock();
    inner.next_invite += 1;
    let invite = Invite {
        org_code,
        code: format!("inv_{}", inner.next_invite),
        email: new.email,
        first_name: new.first_name,
        last_name: new.last_name,
        roles: new.roles,
        send_email: new.send_email,
        polls: 0,
        is_sent: false,
    };
    let body = json!({
        "code": "OK",
        "message": "Invitation created",
        "invite": Value::Object(invite_json(&invite)),
    });
    inner.invites.push(invite);
    (StatusCode::CREATED, Json(body)).into_response()
}

/// `getOrganizationInvite`: the invitation, counting the read as one poll.
async fn get_invite(
    State(state): State<Arc<KindeState>>,
    path: Result<Path<(String, String)>, PathRejection>,
) -> Response {
    let (org_code, invite_code) = match path {
        Ok(Path(params)) => params,
        Err(rejection) => return bad_path(&rejection),
    };
    if !state.config.org_exists(&org_code) {
        return org_not_found(&org_code);
    }
    let mut inner = state.lock();
    let Some(invite) = inner
        .invites
        .iter_mut()
        .find(|i| i.org_code == org_code && i.code == invite_code)
    else {
        return error(
            StatusCode::NOT_FOUND,
            "INVITE_NOT_FOUND",
            &format!("no invitation `{invite_code}` in organization `{org_code}`"),
        );
    };
    invite.polls += 1;
    invite.is_sent = invite.send_email
        && !state.config.never_sent
        && invite.polls > state.config.polls_before_sent;
    let mut body = Map::new();
    body.insert("message".into(), "Success".into());
    body.extend(invite_json(invite));
    (StatusCode::OK, Json(Value::Object(body))).into_response()
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
        || essence.to_ascii_lowercase().ends_with("+json")
}

/// The fields of a valid `createOrganizationInvite` body.
struct NewInvite {
    email: String,
    first_name: Option<String>,
    last_name: Option<String>,
    roles: Vec<String>,
    send_email: bool,
}

/// Checks the body against Kinde's rules, reporting every problem at once.
fn validate_invite(body: &Map<String, Value>) -> Result<NewInvite, Vec<Value>> {
    let mut errors = Vec::new();
    let mut fail = |code: &str, message: &str| {
        errors.push(json!({ "code": code, "message": message }));
    };

    let email = match body.get("email") {
        Some(Value::String(email)) if email.chars().count() > MAX_EMAIL_CHARS => {
            fail("EMAIL_TOO_LONG", "`email` is longer than 254 characters");
            String::new()
        }
        Some(Value::String(email)) if looks_like_email(email) => email.clone(),
        Some(Value::String(_)) => {
            fail("INVALID_EMAIL", "`email` is not an email address");
            String::new()
        }
        Some(_) => {
            fail("INVALID_EMAIL", "`email` must be a string");
            String::new()
        }
        None => {
            fail("EMAIL_REQUIRED", "`email` is required");
            String::new()
        }
    };
    let mut name = |field: &str, too_long: &str| match body.get(field) {
        None | Some(Value::Null) => None,
        Some(Value::String(name)) if name.chars().count() > MAX_NAME_CHARS => {
            fail(
                too_long,
                &format!("`{field}` is longer than {MAX_NAME_CHARS} characters"),
            );
            None
        }
        Some(Value::String(name)) => Some(name.clone()),
        Some(_) => {
            fail(
                "INVALID_REQUEST_BODY",
                &format!("`{field}` must be a string"),
            );
            None
        }
    };
    let first_name = name("first_name", "FIRST_NAME_TOO_LONG");
    let last_name = name("last_name", "LAST_NAME_TOO_LONG");
    let roles = match body.get("roles") {
        Some(Value::Array(items)) => {
            let keys: Option<Vec<String>> = items
                .iter()
                .map(|item| item.as_str().map(str::to_owned))
                .collect();
            keys.unwrap_or_else(|| {
                fail("INVALID_ROLES", "`roles` must be an array of role keys");
                Vec::new()
            })
        }
        Some(_) => {
            fail("INVALID_ROLES", "`roles` must be an array of role keys");
            Vec::new()
        }
        None => {
            fail("ROLES_REQUIRED", "`roles` is required");
            Vec::new()
        }
    };
    let send_email = match body.get("send_email") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(send)) => *send,
        Some(_) => {
            fail("INVALID_REQUEST_BODY", "`send_email` must be a boolean");
            false
        }
    };

    if errors.is_empty() {
        Ok(NewInvite {
            email,
            first_name,
            last_name,
            roles,
            send_email,
        })
    } else {
        Err(errors)
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

/// The invitation's fields as Kinde returns them.
fn invite_json(invite: &Invite) -> Map<String, Value> {
    let full_name = [invite.first_name.as_deref(), invite.last_name.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let roles: Vec<Value> = invite
        .roles
        .iter()
        .map(|key| {
            let name = ROLES
                .iter()
                .find(|r| r.key == key)
                .map_or(key.as_str(), |r| r.name);
            json!({ "key": key, "name": name })
        })
        .collect();
    let host: String = invite
        .org_code
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let value = json!({
        "id": invite.code,
        "code": invite.code,
        "email": invite.email,
        "first_name": invite.first_name,
        "last_name": invite.last_name,
        "full_name": full_name,
        "created_on": CREATED_ON,
        "is_sent": invite.is_sent,
        "accepted_on": null,
        "roles": roles,
        "is_revoked": false,
        "invite_link": format!("https://{host}.kinde.example/invite/{}", invite.code),
    });
    match value {
        Value::Object(map) => map,
        _ => unreachable!("`json!` with braces builds an object"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_check_is_lenient_but_not_empty() {
        assert!(looks_like_email("ada@example.com"));
        assert!(looks_like_email("a+b@sub.example.co"));
        assert!(!looks_like_email("ada"));
        assert!(!looks_like_email("@example.com"));
        assert!(!looks_like_email("ada@localhost"));
        assert!(!looks_like_email("ada @example.com"));
        assert!(!looks_like_email("a@b@example.com"));
    }

    #[test]
    fn org_codes_exist_unless_configured() {
        let mut config = KindeConfig::default();
        assert!(config.org_exists("org_any"));
        config.with_unknown_org("org_gone");
        assert!(!config.org_exists("org_gone"));
        config.with_known_org("org_a");
        assert!(config.org_exists("org_a"));
        assert!(!config.org_exists("org_any"));
    }
}
