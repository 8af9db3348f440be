//! The hand-written baseline: the Kinde invite workflow written directly against reqwest, the
//! way one would without arazzo.
//!
//! It makes the same requests as the generated function (the test `tests/baseline.rs`
//! checks that they are identical on the wire) and the same checks: each step's status code,
//! the invitation code from the creation, `is_sent == true` on the invitation, retrying the
//! read (at most 10 times, `retryAfter: 0`) while it is not, and the invitation link. Bodies
//! are decoded into small `serde` structs, as hand-written clients usually do.
//!
//! [`invite_user_to_organization_untyped`] is the same workflow decoding every body into a
//! `serde_json::Value` instead, as the generated code does: the difference between the two
//! is what body decoding costs.

use std::borrow::Cow;
use std::fmt;
use std::time::Duration;

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::{Deserialize, Serialize};

/// How long to wait before reading the invitation again (the document's `retryAfter: 0`).
const RETRY_AFTER: Duration = Duration::ZERO;

/// How many times the invitation is read again while it is not sent (`retryLimit: 10`).
const RETRY_LIMIT: u32 = 10;

/// Everything but RFC 3986 unreserved characters is percent-encoded in a path segment.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Where the Kinde Management API is and how to authenticate.
#[derive(Clone, Debug)]
pub struct Kinde {
    http: reqwest::Client,
    base_url: String,
    token: String,
}

impl Kinde {
    /// The API at `base_url` (no trailing slash), called with `http` and the bearer `token`.
    pub fn new(
        http: reqwest::Client,
        base_url: impl Into<String>,
        token: impl Into<String>,
    ) -> Self {
        Kinde {
            http,
            base_url: base_url.into(),
            token: token.into(),
        }
    }
}

/// Who to invite where, with which roles.
#[derive(Clone, Debug)]
pub struct Invitation {
    /// Code of the organization that the user joins.
    pub org_code: String,
    /// Email address the invitation goes to.
    pub email: String,
    /// The invitee's first name, if known.
    pub first_name: Option<String>,
    /// The invitee's last name, if known.
    pub last_name: Option<String>,
    /// Keys of the roles the invitee receives.
    pub role_keys: Vec<String>,
}

/// The invitation Kinde has sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invited {
    /// The invitation's code.
    pub invite_code: String,
    /// The link in the invitation email.
    pub invite_link: String,
}

/// Why the baseline workflow failed.
#[derive(Debug)]
pub enum BaselineError {
    /// The request could not be sent or its response not read.
    Transport(reqwest::Error),
    /// A step got another status than the one it needs.
    Status {
        /// The step, named as in the Arazzo document.
        step: &'static str,
        /// The status received.
        status: u16,
    },
    /// A response body did not have the expected shape.
    Body {
        /// The step, named as in the Arazzo document.
        step: &'static str,
        /// What was wrong.
        message: String,
    },
    /// The invitation was still not sent after every retry.
    NotSent {
        /// How many times the invitation was read.
        attempts: u32,
    },
}

impl fmt::Display for BaselineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BaselineError::Transport(e) => write!(f, "request failed: {e}"),
            BaselineError::Status { step, status } => {
                write!(f, "step `{step}`: unexpected status {status}")
            }
            BaselineError::Body { step, message } => write!(f, "step `{step}`: {message}"),
            BaselineError::NotSent { attempts } => {
                write!(f, "the invitation was not sent after {attempts} reads")
            }
        }
    }
}

impl std::error::Error for BaselineError {}

impl From<reqwest::Error> for BaselineError {
    fn from(e: reqwest::Error) -> Self {
        BaselineError::Transport(e)
    }
}

/// The body of `createOrganizationInvite`; absent names are left out.
#[derive(Serialize)]
struct NewInvite<'a> {
    email: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    first_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_name: Option<&'a str>,
    roles: &'a [String],
    send_email: bool,
}

#[derive(Deserialize)]
struct Created {
    invite: CreatedInvite,
}

#[derive(Deserialize)]
struct CreatedInvite {
    code: String,
}

#[derive(Deserialize)]
struct InviteState {
    #[serde(default)]
    is_sent: bool,
    #[serde(default)]
    invite_link: Option<String>,
}

/// Fails with [`BaselineError::Status`] unless `response` has the status `expected`.
fn expect_status(
    response: reqwest::Response,
    expected: u16,
    step: &'static str,
) -> Result<reqwest::Response, BaselineError> {
    let status = response.status().as_u16();
    if status == expected {
        Ok(response)
    } else {
        Err(BaselineError::Status { step, status })
    }
}

/// Decodes a JSON body, naming the step when it does not fit.
async fn json<T: serde::de::DeserializeOwned>(
    response: reqwest::Response,
    step: &'static str,
) -> Result<T, BaselineError> {
    response.json().await.map_err(|e| {
        if e.is_decode() {
            BaselineError::Body {
                step,
                message: e.to_string(),
            }
        } else {
            BaselineError::Transport(e)
        }
    })
}

/// One path segment, percent-encoded so that it stays a single segment.
fn segment(text: &str) -> Cow<'_, str> {
    utf8_percent_encode(text, SEGMENT).into()
}

/// Lists the roles, creates the invitation and reads it until Kinde reports it sent: the
/// hand-written twin of `generated::invite_user_to_organization`.
///
/// # Errors
///
/// A [`BaselineError`] when a request fails, a status is not the expected one, a body
/// does not fit, or the invitation is still not sent after [`RETRY_LIMIT`] retries.
pub async fn invite_user_to_organization(
    kinde: &Kinde,
    invitation: Invitation,
) -> Result<Invited, BaselineError> {
    let base = &kinde.base_url;

    // listRoles: the roles are only checked for the status, as the document does.
    let response = kinde
        .http
        .get(format!("{base}/api/v1/roles"))
        .query(&[("sort", "name_asc"), ("page_size", "100")])
        .bearer_auth(&kinde.token)
        .send()
        .await?;
    expect_status(response, 200, "listRoles")?.bytes().await?;

    // createInvite
    let org = segment(&invitation.org_code);
    let response = kinde
        .http
        .post(format!("{base}/api/v1/organization/{org}/invites"))
        .bearer_auth(&kinde.token)
        .json(&NewInvite {
            email: &invitation.email,
            first_name: invitation.first_name.as_deref(),
            last_name: invitation.last_name.as_deref(),
            roles: &invitation.role_keys,
            send_email: true,
        })
        .send()
        .await?;
    let created: Created = json(
        expect_status(response, 201, "createInvite")?,
        "createInvite",
    )
    .await?;
    let invite_code = created.invite.code;

    // pollInviteSent: read the invitation until it is sent.
    let url = format!(
        "{base}/api/v1/organization/{org}/invites/{}",
        segment(&invite_code)
    );
    let mut attempts = 0;
    loop {
        attempts += 1;
        let response = kinde
            .http
            .get(&url)
            .bearer_auth(&kinde.token)
            .send()
            .await?;
        let state: InviteState = json(
            expect_status(response, 200, "pollInviteSent")?,
            "pollInviteSent",
        )
        .await?;
        if state.is_sent {
            let invite_link = state.invite_link.ok_or_else(|| BaselineError::Body {
                step: "pollInviteSent",
                message: "the invitation has no `invite_link`".to_owned(),
            })?;
            return Ok(Invited {
                invite_code,
                invite_link,
            });
        }
        if attempts > RETRY_LIMIT {
            return Err(BaselineError::NotSent { attempts });
        }
        if !RETRY_AFTER.is_zero() {
            tokio::time::sleep(RETRY_AFTER).await;
        }
    }
}

/// The JSON body of `response` as a `serde_json::Value`.
async fn value(
    response: reqwest::Response,
    step: &'static str,
) -> Result<serde_json::Value, BaselineError> {
    json(response, step).await
}

/// The value at `pointer` in `body` as a string, naming the step when it is not one.
fn string_at(
    body: &serde_json::Value,
    pointer: &str,
    step: &'static str,
) -> Result<String, BaselineError> {
    match body.pointer(pointer) {
        Some(serde_json::Value::String(text)) => Ok(text.clone()),
        _ => Err(BaselineError::Body {
            step,
            message: format!("`{pointer}` is not a string"),
        }),
    }
}

/// [`invite_user_to_organization`] decoding every response body into a `serde_json::Value`
/// and reading it with JSON pointers, the way the generated code does. Only for measuring
/// what decoding costs.
///
/// # Errors
///
/// As [`invite_user_to_organization`].
pub async fn invite_user_to_organization_untyped(
    kinde: &Kinde,
    invitation: Invitation,
) -> Result<Invited, BaselineError> {
    let base = &kinde.base_url;

    let response = kinde
        .http
        .get(format!("{base}/api/v1/roles"))
        .query(&[("sort", "name_asc"), ("page_size", "100")])
        .bearer_auth(&kinde.token)
        .send()
        .await?;
    expect_status(response, 200, "listRoles")?.bytes().await?;

    let org = segment(&invitation.org_code);
    let response = kinde
        .http
        .post(format!("{base}/api/v1/organization/{org}/invites"))
        .bearer_auth(&kinde.token)
        .json(&NewInvite {
            email: &invitation.email,
            first_name: invitation.first_name.as_deref(),
            last_name: invitation.last_name.as_deref(),
            roles: &invitation.role_keys,
            send_email: true,
        })
        .send()
        .await?;
    let created = value(
        expect_status(response, 201, "createInvite")?,
        "createInvite",
    )
    .await?;
    let invite_code = string_at(&created, "/invite/code", "createInvite")?;

    let url = format!(
        "{base}/api/v1/organization/{org}/invites/{}",
        segment(&invite_code)
    );
    let mut attempts = 0;
    loop {
        attempts += 1;
        let response = kinde
            .http
            .get(&url)
            .bearer_auth(&kinde.token)
            .send()
            .await?;
        let state = value(
            expect_status(response, 200, "pollInviteSent")?,
            "pollInviteSent",
        )
        .await?;
        if state.pointer("/is_sent") == Some(&serde_json::Value::Bool(true)) {
            let invite_link = string_at(&state, "/invite_link", "pollInviteSent")?;
            return Ok(Invited {
                invite_code,
                invite_link,
            });
        }
        if attempts > RETRY_LIMIT {
            return Err(BaselineError::NotSent { attempts });
        }
        if !RETRY_AFTER.is_zero() {
            tokio::time::sleep(RETRY_AFTER).await;
        }
    }
}
