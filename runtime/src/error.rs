//! The errors a workflow run can end with.

use std::fmt;

/// Why a workflow run failed. Every variant names the workflow, and the step where there is one.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The request could not be sent, or its response could not be read: the connection
    /// was refused or broke off, TLS failed, the server's answer was not HTTP. The message
    /// says which, with the innermost cause (`Connection refused (os error 111)`); the
    /// whole chain is in [`source`](std::error::Error::source).
    #[error("step `{step}` of workflow `{workflow}`: {}", TransportCause { url, source })]
    Transport {
        /// The workflow's `workflowId`.
        workflow: String,
        /// The step's `stepId`.
        step: String,
        /// The URL the request was sent to.
        url: String,
        /// What went wrong.
        source: reqwest::Error,
    },

    /// No complete response arrived within the client's
    /// [`request_timeout`](crate::ClientBuilder::request_timeout): the server accepted the
    /// connection and never answered, or answered too slowly.
    #[error("step `{step}` of workflow `{workflow}`: no complete response from {url} within {timeout_ms} ms (the client's request timeout; change it with `ClientBuilder::request_timeout`)")]
    RequestTimeout {
        /// The workflow's `workflowId`.
        workflow: String,
        /// The step's `stepId`.
        step: String,
        /// The URL the request was sent to.
        url: String,
        /// The timeout, in milliseconds.
        timeout_ms: u64,
    },

    /// The run went on past the client's [`run_timeout`](crate::ClientBuilder::run_timeout);
    /// `step` is the step it was in (or about to start, or to wait before retrying).
    #[error("step `{step}` of workflow `{workflow}`: the run did not finish within {timeout_ms} ms (the client's run timeout; change it with `ClientBuilder::run_timeout`)")]
    RunTimeout {
        /// The workflow's `workflowId`.
        workflow: String,
        /// The step's `stepId`.
        step: String,
        /// The timeout, in milliseconds.
        timeout_ms: u64,
    },

    /// The response body is larger than the client's
    /// [`max_response_bytes`](crate::ClientBuilder::max_response_bytes); no more than the
    /// limit was read.
    #[error("step `{step}` of workflow `{workflow}`: the response from {url} is larger than the limit of {limit} bytes (change it with `ClientBuilder::max_response_bytes`)")]
    ResponseTooLarge {
        /// The workflow's `workflowId`.
        workflow: String,
        /// The step's `stepId`.
        step: String,
        /// The URL the response came from.
        url: String,
        /// The limit, in bytes.
        limit: usize,
    },

    /// The request was redirected more often than the client's
    /// [`max_redirects`](crate::ClientBuilder::max_redirects) allows.
    #[error("step `{step}` of workflow `{workflow}`: more than {limit} redirects, the last one from {url} (change the limit with `ClientBuilder::max_redirects`)")]
    TooManyRedirects {
        /// The workflow's `workflowId`.
        workflow: String,
        /// The step's `stepId`.
        step: String,
        /// The URL of the last redirect.
        url: String,
        /// The limit.
        limit: u32,
    },

    /// A header value holds a line break or another control character, which would let it
    /// add headers of its own; the request was not sent. The value is not repeated here, as
    /// it may be a secret.
    #[error("step `{step}` of workflow `{workflow}`: header `{name}` holds a line break or another control character, which a header cannot carry; the request was not sent")]
    InvalidHeader {
        /// The workflow's `workflowId`.
        workflow: String,
        /// The step's `stepId`.
        step: String,
        /// The header's name.
        name: String,
    },

    /// The operation requires credentials (its OpenAPI `security`) and the client has none
    /// that satisfy any of its alternatives; the request was not sent. Set them on the
    /// builder, or allow such requests with
    /// [`ClientBuilder::allow_missing_credentials`](crate::ClientBuilder::allow_missing_credentials).
    #[error("step `{step}` of workflow `{workflow}`: operation `{operation}` needs credentials for {schemes}, and the client has none of them; the request was not sent (set them with `ClientBuilder::bearer_token`, `api_key`, `basic_auth` or `credential`, or allow it with `ClientBuilder::allow_missing_credentials(true)`)")]
    MissingCredentials {
        /// The workflow's `workflowId`.
        workflow: String,
        /// The step's `stepId`.
        step: String,
        /// The operation's `operationId` (or `METHOD /path`).
        operation: Box<str>,
        /// Its security alternatives, as `` `a` and `b` or `c` ``.
        schemes: Box<str>,
    },

    /// A `$statusCode` success criterion was not met and no failure action applied.
    #[error(
        "step `{step}` of workflow `{workflow}`: unexpected status {status} (expected `{criterion}`){}{}",
        ActionSuffix(action.as_deref()),
        BodySuffix(body)
    )]
    UnexpectedStatus {
        /// The workflow's `workflowId`.
        workflow: String,
        /// The step's `stepId`.
        step: String,
        /// The response's status code.
        status: u16,
        /// The success criterion that failed, as written in the document.
        criterion: String,
        /// The `name` of the failure action of type `end` that ended the workflow, if one
        /// applied (none did when this is `None`).
        action: Option<Box<str>>,
        /// The start of the response body (at most 512 bytes, lossily decoded).
        body: String,
    },

    /// A success criterion other than a plain status check was not met and no failure
    /// action applied.
    #[error(
        "step `{step}` of workflow `{workflow}`: success criterion `{criterion}` not met (status {status}){}{}",
        ActionSuffix(action.as_deref()),
        BodySuffix(body)
    )]
    CriteriaNotMet {
        /// The workflow's `workflowId`.
        workflow: String,
        /// The step's `stepId`.
        step: String,
        /// The response's status code.
        status: u16,
        /// The success criterion that failed, as written in the document.
        criterion: String,
        /// The `name` of the failure action of type `end` that ended the workflow, if one
        /// applied (none did when this is `None`).
        action: Option<Box<str>>,
        /// The start of the response body (at most 512 bytes, lossily decoded).
        body: String,
    },

    /// The outputs of the workflow a step ran did not meet one of the step's success
    /// criteria, and no failure action applied (or a failure `end`, or a `retry` that ran
    /// out, ended the workflow). When the called workflow itself fails, its own error is
    /// returned instead.
    #[error(
        "step `{step}` of workflow `{workflow}`: success criterion `{criterion}` not met by the outputs of workflow `{called}`{}{}",
        AttemptsSuffix(*attempts),
        ActionSuffix(action.as_deref())
    )]
    WorkflowCriteriaNotMet {
        /// The workflow's `workflowId`.
        workflow: String,
        /// The step's `stepId`.
        step: String,
        /// The `workflowId` of the workflow the step ran.
        called: String,
        /// The success criterion that failed, as written in the document.
        criterion: String,
        /// How many times the step ran.
        attempts: u32,
        /// The `name` of the failure action of type `end` that ended the workflow, if one
        /// applied.
        action: Option<Box<str>>,
    },

    /// A `retry` failure action ran out of attempts and no later failure action applied.
    #[error(
        "step `{step}` of workflow `{workflow}`: still failing after {attempts} attempts (last status {status}, unmet criterion `{criterion}`)"
    )]
    RetriesExhausted {
        /// The workflow's `workflowId`.
        workflow: String,
        /// The step's `stepId`.
        step: String,
        /// How many times the step ran: the first attempt plus `retryLimit` retries.
        attempts: u32,
        /// The status code of the last response.
        status: u16,
        /// The success criterion the last response did not meet.
        criterion: String,
    },

    /// The response body could not be decoded as its content type says, or did not have
    /// the shape the workflow's outputs need.
    #[error(
        "step `{step}` of workflow `{workflow}`: invalid response (status {status}): {message}"
    )]
    InvalidResponse {
        /// The workflow's `workflowId`.
        workflow: String,
        /// The step's `stepId`.
        step: String,
        /// The response's status code.
        status: u16,
        /// What was wrong with it.
        message: String,
    },

    /// An output's value does not have the output's type.
    #[error("step `{step}` of workflow `{workflow}`: output `{expression}` has an unexpected value: {message}")]
    InvalidOutput {
        /// The workflow's `workflowId`.
        workflow: String,
        /// The last step that ran.
        step: String,
        /// The output's runtime expression, as written in the document.
        expression: String,
        /// What was wrong with the value.
        message: String,
    },

    /// A runtime expression the request needs has no value: an absent optional input used
    /// in a path parameter or a string template, or the output of a step that did not run.
    #[error("step `{step}` of workflow `{workflow}`: `{expression}` has no value")]
    MissingValue {
        /// The workflow's `workflowId`.
        workflow: String,
        /// The step's `stepId`.
        step: String,
        /// The runtime expression, as written in the document.
        expression: String,
    },

    /// The request could not be built from the values the workflow computed.
    #[error("step `{step}` of workflow `{workflow}`: invalid request: {message}")]
    InvalidRequest {
        /// The workflow's `workflowId`.
        workflow: String,
        /// The step's `stepId`.
        step: String,
        /// What was wrong.
        message: String,
    },

    /// A durable run (the `restate` feature) lost its journal: the Restate invocation ended
    /// or failed the journaled request or wait. The invocation is retried by Restate.
    #[error("step `{step}` of workflow `{workflow}`: {message}")]
    Journal {
        /// The workflow's `workflowId`.
        workflow: String,
        /// The step's `stepId`.
        step: String,
        /// What happened.
        message: String,
    },

    /// The workflow's inputs do not satisfy its input schema.
    #[error("workflow `{workflow}`: invalid inputs: {message}")]
    InvalidInputs {
        /// The workflow's `workflowId`.
        workflow: String,
        /// What was wrong.
        message: String,
    },

    /// No base URL is known for a source description: its OpenAPI description has no
    /// absolute server URL and none was set on the client.
    #[error(
        "step `{step}` of workflow `{workflow}`: no base URL for source description `{source_name}`; set one with `ClientBuilder::base_url({source_name:?}, ..)`"
    )]
    NoBaseUrl {
        /// The workflow's `workflowId`.
        workflow: String,
        /// The step's `stepId`.
        step: String,
        /// The source description's `name`.
        source_name: String,
    },

    /// The workflow executed more steps than the client allows, which usually means a
    /// `goto` loop that never ends.
    #[error(
        "workflow `{workflow}` executed more than {limit} steps; a `goto` loop may never end (raise the limit with `ClientBuilder::max_step_executions`)"
    )]
    StepBudgetExceeded {
        /// The workflow's `workflowId`.
        workflow: String,
        /// The limit that was reached.
        limit: u32,
    },

    /// A Selector Object (Arazzo 1.1) could not be applied to the value of its context: the
    /// context is not XML for an XPath, or the value is not structured data.
    #[error("step `{step}` of workflow `{workflow}`: selector `{selector}`: {message}")]
    Selector {
        /// The workflow's `workflowId`.
        workflow: String,
        /// The step's `stepId`.
        step: String,
        /// The selector, as written in the document.
        selector: String,
        /// What was wrong.
        message: String,
    },

    /// The step did not complete within its `timeout` (Arazzo 1.1), and no failure action
    /// applied.
    #[error("step `{step}` of workflow `{workflow}`: no response within the step's timeout of {timeout_ms} ms")]
    StepTimeout {
        /// The workflow's `workflowId`.
        workflow: String,
        /// The step's `stepId`.
        step: String,
        /// The step's `timeout`, in milliseconds.
        timeout_ms: u64,
    },

    /// A step that receives a message got none (none matching its `correlationId`) within
    /// its `timeout` (or the client's [`receive_timeout`](crate::ClientBuilder::receive_timeout)),
    /// and no failure action applied.
    #[error(
        "step `{step}` of workflow `{workflow}`: no message on `{channel}` within {timeout_ms} ms"
    )]
    ReceiveTimeout {
        /// The workflow's `workflowId`.
        workflow: String,
        /// The step's `stepId`.
        step: String,
        /// The channel's address.
        channel: String,
        /// How long the step waited, in milliseconds.
        timeout_ms: u64,
    },

    /// The broker of an AsyncAPI source could not be reached, or failed while the step
    /// published, subscribed or waited.
    #[error("step `{step}` of workflow `{workflow}`: broker of source `{source_name}` at {url}: {message}")]
    Broker {
        /// The workflow's `workflowId`.
        workflow: String,
        /// The step's `stepId`.
        step: String,
        /// The source description's `name`.
        source_name: String,
        /// The broker URL, without credentials.
        url: Box<str>,
        /// What failed.
        kind: crate::message::TransportErrorKind,
        /// What went wrong, as the protocol library or broker said it.
        message: Box<str>,
    },

    /// A message the step received cannot be read as its content type says (a JSON
    /// payload that does not parse, a header that is not text).
    #[error("step `{step}` of workflow `{workflow}`: invalid message on `{channel}`: {message}")]
    InvalidMessage {
        /// The workflow's `workflowId`.
        workflow: String,
        /// The step's `stepId`.
        step: String,
        /// The channel's address.
        channel: String,
        /// What was wrong.
        message: String,
    },

    /// A step's message (the one it received, or sent) did not meet a success criterion,
    /// and no failure action applied (or an `end` action named `action` ended the run).
    #[error(
        "step `{step}` of workflow `{workflow}`: success criterion `{criterion}` not met by the message on `{channel}`{}{}",
        ActionSuffix(action.as_deref()),
        BodySuffix(payload)
    )]
    MessageCriteriaNotMet {
        /// The workflow's `workflowId`.
        workflow: String,
        /// The step's `stepId`.
        step: String,
        /// The channel's address.
        channel: Box<str>,
        /// The criterion, as written.
        criterion: Box<str>,
        /// The failure action of type `end` that ended the run, if one did.
        action: Option<Box<str>>,
        /// The start of the payload.
        payload: Box<str>,
    },

    /// No workflow with this id was generated (from the JSON entry point).
    #[error("unknown workflow `{workflow}`")]
    UnknownWorkflow {
        /// The id that was asked for.
        workflow: String,
    },
}

impl Error {
    /// The `workflowId` of the workflow that failed, if the error belongs to one.
    pub fn workflow(&self) -> &str {
        match self {
            Error::Transport { workflow, .. }
            | Error::RequestTimeout { workflow, .. }
            | Error::RunTimeout { workflow, .. }
            | Error::ResponseTooLarge { workflow, .. }
            | Error::TooManyRedirects { workflow, .. }
            | Error::InvalidHeader { workflow, .. }
            | Error::MissingCredentials { workflow, .. }
            | Error::UnexpectedStatus { workflow, .. }
            | Error::CriteriaNotMet { workflow, .. }
            | Error::WorkflowCriteriaNotMet { workflow, .. }
            | Error::RetriesExhausted { workflow, .. }
            | Error::InvalidResponse { workflow, .. }
            | Error::InvalidOutput { workflow, .. }
            | Error::MissingValue { workflow, .. }
            | Error::InvalidRequest { workflow, .. }
            | Error::InvalidInputs { workflow, .. }
            | Error::NoBaseUrl { workflow, .. }
            | Error::StepBudgetExceeded { workflow, .. }
            | Error::Selector { workflow, .. }
            | Error::StepTimeout { workflow, .. }
            | Error::ReceiveTimeout { workflow, .. }
            | Error::Broker { workflow, .. }
            | Error::InvalidMessage { workflow, .. }
            | Error::MessageCriteriaNotMet { workflow, .. }
            | Error::Journal { workflow, .. }
            | Error::UnknownWorkflow { workflow } => workflow,
        }
    }

    /// The `stepId` of the step that failed, if a step failed.
    pub fn step(&self) -> Option<&str> {
        match self {
            Error::Transport { step, .. }
            | Error::RequestTimeout { step, .. }
            | Error::RunTimeout { step, .. }
            | Error::ResponseTooLarge { step, .. }
            | Error::TooManyRedirects { step, .. }
            | Error::InvalidHeader { step, .. }
            | Error::MissingCredentials { step, .. }
            | Error::UnexpectedStatus { step, .. }
            | Error::CriteriaNotMet { step, .. }
            | Error::WorkflowCriteriaNotMet { step, .. }
            | Error::RetriesExhausted { step, .. }
            | Error::InvalidResponse { step, .. }
            | Error::InvalidOutput { step, .. }
            | Error::MissingValue { step, .. }
            | Error::InvalidRequest { step, .. }
            | Error::NoBaseUrl { step, .. }
            | Error::Selector { step, .. }
            | Error::StepTimeout { step, .. }
            | Error::ReceiveTimeout { step, .. }
            | Error::Broker { step, .. }
            | Error::InvalidMessage { step, .. }
            | Error::MessageCriteriaNotMet { step, .. }
            | Error::Journal { step, .. } => Some(step),
            Error::InvalidInputs { .. }
            | Error::StepBudgetExceeded { .. }
            | Error::UnknownWorkflow { .. } => None,
        }
    }

    /// The status code of the response that made the step fail, if there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::UnexpectedStatus { status, .. }
            | Error::CriteriaNotMet { status, .. }
            | Error::RetriesExhausted { status, .. }
            | Error::InvalidResponse { status, .. } => Some(*status),
            _ => None,
        }
    }
}

/// A generated inputs builder's `build()` found a required field unset, with no `default`
/// in the schema to fill it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{field}` of `{type_name}` was not set, and it is required and has no default")]
pub struct MissingField {
    /// The generated type's name, such as `PlaceOrderInputs`.
    pub type_name: &'static str,
    /// The property's name in the document, such as `petId`.
    pub field: &'static str,
}

/// Why a [`Client`](crate::Client) could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// A base URL given to the builder is not an absolute URL.
    #[error("invalid base URL `{url}` for source description `{source_name}`: {message}")]
    InvalidBaseUrl {
        /// The source description's `name`.
        source_name: String,
        /// The URL as given.
        url: String,
        /// Why it was rejected.
        message: String,
    },
    /// A credential given to the builder cannot be sent in an HTTP header.
    #[error("invalid credential: {credential}: {message}")]
    InvalidCredential {
        /// Which credential: `the bearer token`, `the credential of scheme `…``.
        credential: String,
        /// Why it was rejected.
        message: String,
    },
    /// [`ClientBuilder::max_in_flight_requests`](crate::ClientBuilder::max_in_flight_requests)
    /// was given zero, which would let no request through.
    #[error("max_in_flight_requests must be at least 1")]
    NoRequestsInFlight,
    /// [`ClientBuilder::request_timeout`](crate::ClientBuilder::request_timeout) or
    /// [`ClientBuilder::run_timeout`](crate::ClientBuilder::run_timeout) was given zero,
    /// which would fail every request. `Duration::MAX` removes the limit.
    #[error("{setting} must be more than zero (Duration::MAX removes the limit)")]
    ZeroTimeout {
        /// The setting: `request_timeout` or `run_timeout`.
        setting: &'static str,
    },
    /// A setting names a source description or security scheme that none of the documents
    /// given to [`ClientBuilder::names`](crate::ClientBuilder::names) has: a misspelled
    /// name that would otherwise only show as a wrong server or a missing credential when a
    /// workflow runs.
    #[error("{}", unknown_name(setting, kind, name, known))]
    UnknownName {
        /// The setting: `base_url`, `server_variable` or `credential`.
        setting: &'static str,
        /// What it names: `source description` or `security scheme`.
        kind: &'static str,
        /// The name as given.
        name: String,
        /// The names the documents have, sorted.
        known: Vec<&'static str>,
    },
    /// The default HTTP client could not be created.
    #[error("could not create the HTTP client: {0}")]
    Http(#[from] reqwest::Error),
}

fn unknown_name(setting: &str, kind: &str, name: &str, known: &[&str]) -> String {
    let mut message =
        format!("`{setting}` names the {kind} `{name}`, which none of the client's documents has");
    match crate::names::closest(name, known) {
        Some(close) => message.push_str(&format!("; did you mean `{close}`?")),
        None if known.is_empty() => message.push_str(&format!(" (they have no {kind})")),
        None => {
            let listed: Vec<String> = known.iter().map(|k| format!("`{k}`")).collect();
            message.push_str(&format!(" (they have {})", listed.join(", ")));
        }
    }
    message
}

/// The longest body excerpt an error carries, in bytes.
pub(crate) const BODY_EXCERPT: usize = 512;

/// The start of a response body, for error messages: at most [`BODY_EXCERPT`] bytes, cut at
/// a character boundary, with `…` when something was cut.
pub(crate) fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    if text.len() <= BODY_EXCERPT {
        return text.to_owned();
    }
    let mut end = BODY_EXCERPT;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

/// What a transport error was, by the phase it happened in, with its innermost cause:
/// reqwest's own message repeats the URL and says `error sending request`.
struct TransportCause<'a> {
    url: &'a str,
    source: &'a reqwest::Error,
}

impl fmt::Display for TransportCause<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let url = self.url;
        let mut cause: &dyn std::error::Error = self.source;
        while let Some(inner) = cause.source() {
            cause = inner;
        }
        if self.source.is_connect() {
            write!(f, "could not connect to {url}: {cause}")
        } else if self.source.is_body() || self.source.is_decode() {
            write!(f, "the response from {url} broke off: {cause}")
        } else if self.source.is_timeout() {
            write!(f, "the request to {url} timed out: {cause}")
        } else {
            write!(f, "the request to {url} failed: {cause}")
        }
    }
}

struct ActionSuffix<'a>(Option<&'a str>);

impl fmt::Display for ActionSuffix<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(action) => write!(f, ", ended by failure action `{action}`"),
            None => Ok(()),
        }
    }
}

impl Error {
    /// The `name` of the failure action of type `end` that ended the workflow, if one did.
    pub fn failure_action(&self) -> Option<&str> {
        match self {
            Error::UnexpectedStatus { action, .. }
            | Error::CriteriaNotMet { action, .. }
            | Error::WorkflowCriteriaNotMet { action, .. } => action.as_deref(),
            _ => None,
        }
    }
}

struct AttemptsSuffix(u32);

impl fmt::Display for AttemptsSuffix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            0 | 1 => Ok(()),
            n => write!(f, " after {n} attempts"),
        }
    }
}

struct BodySuffix<'a>(&'a str);

impl fmt::Display for BodySuffix<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            Ok(())
        } else {
            write!(f, ": {}", self.0)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_stay_small_enough_for_clippy_result_large_err() {
        // Generated functions return `Result<_, Error>`; clippy's `result_large_err` warns
        // in users' crates from 128 bytes on.
        assert!(
            std::mem::size_of::<Error>() < 128,
            "{}",
            std::mem::size_of::<Error>()
        );
    }

    #[test]
    fn excerpt_cuts_at_a_char_boundary() {
        let body = "é".repeat(400);
        let cut = excerpt(body.as_bytes());
        assert!(cut.ends_with('…'));
        assert_eq!(cut.len(), BODY_EXCERPT + '…'.len_utf8());
        assert_eq!(excerpt(b"  {\"a\":1}\n"), "{\"a\":1}");
    }

    #[test]
    fn messages_name_workflow_step_and_body() {
        let error = Error::UnexpectedStatus {
            workflow: "invite".into(),
            step: "createInvite".into(),
            status: 400,
            criterion: "$statusCode == 201".into(),
            action: None,
            body: "{\"errors\":[]}".into(),
        };
        assert_eq!(
            error.to_string(),
            "step `createInvite` of workflow `invite`: unexpected status 400 (expected `$statusCode == 201`): {\"errors\":[]}"
        );
        assert_eq!(error.step(), Some("createInvite"));
        assert_eq!(error.status(), Some(400));
    }

    #[test]
    fn workflow_criteria_name_the_called_workflow_and_attempts() {
        let once = Error::WorkflowCriteriaNotMet {
            workflow: "order".into(),
            step: "auth".into(),
            called: "log-in".into(),
            criterion: "$outputs.token != 'locked'".into(),
            attempts: 1,
            action: Some("stop".into()),
        };
        assert_eq!(
            once.to_string(),
            "step `auth` of workflow `order`: success criterion `$outputs.token != 'locked'` \
             not met by the outputs of workflow `log-in`, ended by failure action `stop`"
        );
        assert_eq!(once.step(), Some("auth"));
        assert_eq!(once.failure_action(), Some("stop"));
        assert_eq!(once.status(), None);
    }
}
