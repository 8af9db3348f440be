//! One workflow run: the step budget, building and sending requests, and the errors that
//! name the step they happened in.

use std::future::Future;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use tracing::Instrument;

use crate::client::Client;
use crate::criteria::{compare, JsonPathQuery, Language, Op, Pattern};
use crate::encode::{self, Style};
use crate::error::Error;
use crate::hooks::RetryEvent;
use crate::operation::Operation;
use crate::redact::Secrets;
use crate::response::{Response, Sent};
use crate::xpath::{self, XPathQuery};

tokio::task_local! {
    /// What the outermost workflow run shares with the workflows it runs (steps that run a
    /// workflow, `dependsOn`, `goto` and `retry` to a workflow), so that the step budget and
    /// the run timeout bound the whole run, recursion included.
    static SHARED: Arc<Shared>;
}

/// The step count and deadline of the outermost workflow run, shared with the workflows it
/// runs.
#[derive(Debug)]
pub struct Shared {
    executed: AtomicU32,
    deadline: Option<Instant>,
    /// The secret inputs of the run that shares this, kept out of the called runs'
    /// errors and logs too.
    secrets: Secrets,
}

/// The state of one workflow run that generated code threads through its steps.
#[derive(Debug)]
pub struct Run<'c> {
    pub(crate) client: &'c Client,
    pub(crate) workflow: &'static str,
    pub(crate) step: &'static str,
    pub(crate) attempt: u32,
    executed: u32,
    /// When the client's run timeout ends this run (that of the outermost run, for a
    /// workflow run by another); `None` when it has no limit.
    pub(crate) deadline: Option<Instant>,
    /// The count shared with the run that called this one, or with the workflows this
    /// one called; `None` until either happens.
    shared: Option<Arc<Shared>>,
    /// The values of secret inputs (of this run and of those that called it), kept out of
    /// errors, hooks and logs along with the client's credentials.
    secrets: Secrets,
    /// The `workflow` span of this run (info level), child of the span current when the
    /// run started: a workflow run by a step nests in that step's span.
    pub(crate) span: tracing::Span,
    /// The `step` span of the current step attempt (debug level), child of `span`: every
    /// event of the step, reqwest's and hyper's included, is recorded inside it.
    pub(crate) step_span: tracing::Span,
}

/// Why a step that runs a workflow failed.
#[derive(Debug)]
pub enum StepFailure {
    /// The workflow's outputs did not meet this success criterion.
    Criterion(&'static str),
    /// The workflow returned this error.
    Workflow(Error),
}

impl<'c> Run<'c> {
    /// Starts a run of `workflow`.
    pub fn new(client: &'c Client, workflow: &'static str) -> Self {
        let shared = SHARED.try_with(Arc::clone).ok();
        let deadline = match &shared {
            Some(shared) => shared.deadline,
            None => Instant::now().checked_add(client.inner.limits.run_timeout),
        };
        let secrets = shared
            .as_ref()
            .map(|shared| shared.secrets.clone())
            .unwrap_or_default();
        Run {
            client,
            workflow,
            step: "",
            attempt: 0,
            executed: 0,
            deadline,
            shared,
            secrets,
            span: tracing::info_span!("workflow", workflow),
            step_span: tracing::Span::none(),
        }
    }

    /// Runs `workflow` (the future of another generated workflow function) as part of this
    /// run: its steps count against this run's step budget.
    pub fn within<F: Future>(
        &mut self,
        workflow: F,
    ) -> tracing::instrument::Instrumented<tokio::task::futures::TaskLocalFuture<Arc<Shared>, F>>
    {
        let executed = self.executed;
        let deadline = self.deadline;
        let secrets = &self.secrets;
        let shared = self.shared.get_or_insert_with(|| {
            Arc::new(Shared {
                executed: AtomicU32::new(executed),
                deadline,
                secrets: secrets.clone(),
            })
        });
        // The called workflow's span nests in the calling step's.
        SHARED
            .scope(Arc::clone(shared), workflow)
            .instrument(self.step_span.clone())
    }

    /// Marks the value of a secret input (`format: password`, `writeOnly`): from now on it
    /// is kept out of this run's errors, hooks and logs, and those of the workflows it runs.
    pub fn secret<T: Serialize + ?Sized>(&mut self, value: &T) {
        if let Ok(value) = serde_json::to_value(value) {
            self.secrets.add_value(&value);
        }
    }

    /// `text` without the client's credentials and the run's secret inputs in it.
    pub(crate) fn redact<'t>(&self, text: &'t str) -> std::borrow::Cow<'t, str> {
        let text = self.client.inner.secrets.redact(text);
        if self.secrets.is_empty() {
            return text;
        }
        match text {
            std::borrow::Cow::Borrowed(text) => self.secrets.redact(text),
            std::borrow::Cow::Owned(text) => {
                std::borrow::Cow::Owned(self.secrets.redact(&text).into_owned())
            }
        }
    }

    /// A URL as hooks, spans and debug events show it: without credentials, secret
    /// inputs and the values of query parameters named like credentials.
    pub(crate) fn shown_url<'t>(&self, url: &'t str) -> std::borrow::Cow<'t, str> {
        match self.redact(url) {
            std::borrow::Cow::Borrowed(url) => crate::redact::hide_query_values(url, false),
            std::borrow::Cow::Owned(url) => {
                std::borrow::Cow::Owned(crate::redact::hide_query_values(&url, false).into_owned())
            }
        }
    }

    /// A URL as errors show it: as [`Run::shown_url`], and by default with every query
    /// value hidden (`ClientBuilder::redact_query_values`), since errors end up in logs.
    pub(crate) fn error_url(&self, url: &str) -> String {
        let all = self.client.inner.redact_query_values;
        let url = self.redact(url);
        crate::redact::hide_query_values(&url, all).into_owned()
    }

    /// The time left before the run timeout; `None` when the run has no limit.
    pub(crate) fn time_left(&self) -> Option<Duration> {
        self.deadline
            .map(|deadline| deadline.saturating_duration_since(Instant::now()))
    }

    /// [`Error::RunTimeout`] in the current step.
    pub(crate) fn run_timed_out(&self) -> Error {
        let timeout = self.client.inner.limits.run_timeout;
        Error::RunTimeout {
            workflow: self.workflow.to_owned(),
            step: self.step.to_owned(),
            timeout_ms: u64::try_from(timeout.as_millis()).unwrap_or(u64::MAX),
        }
    }

    /// `future`, or [`Error::RunTimeout`] if the run timeout passes first.
    pub(crate) async fn before_deadline<T>(
        &self,
        future: impl Future<Output = Result<T, Error>>,
    ) -> Result<T, Error> {
        match self.deadline {
            Some(deadline) => tokio::time::timeout_at(deadline.into(), future)
                .await
                .unwrap_or_else(|_| Err(self.run_timed_out())),
            None => future.await,
        }
    }

    /// A step's `timeout` (Arazzo 1.1) on the workflow it runs: the workflow's result, or
    /// [`Error::StepTimeout`] when it takes longer than `timeout_ms` milliseconds.
    pub async fn time_limit<T>(
        &self,
        timeout_ms: u64,
        workflow: impl Future<Output = Result<T, Error>>,
    ) -> Result<T, Error> {
        match tokio::time::timeout(Duration::from_millis(timeout_ms), workflow).await {
            Ok(result) => result,
            Err(_) => Err(Error::StepTimeout {
                workflow: self.workflow.to_owned(),
                step: self.step.to_owned(),
                timeout_ms,
            }),
        }
    }

    /// The client the run uses (sub-workflows run with it too).
    pub fn client(&self) -> &'c Client {
        self.client
    }

    /// Turns a failed `validate()` of the workflow's inputs into [`Error::InvalidInputs`].
    pub fn check_inputs(&self, checked: Result<(), String>) -> Result<(), Error> {
        checked.map_err(|message| Error::InvalidInputs {
            workflow: self.workflow.to_owned(),
            message: self.redact(&message).into_owned(),
        })
    }

    /// Records that `step` starts its `attempt`-th attempt (from 1), and fails once the
    /// run has executed more steps than the client allows.
    pub fn start_step(&mut self, step: &'static str, attempt: u32) -> Result<(), Error> {
        self.step = step;
        self.attempt = attempt;
        self.step_span = tracing::debug_span!(
            parent: &self.span,
            "step",
            step,
            attempt,
            operation = tracing::field::Empty,
            method = tracing::field::Empty,
            url = tracing::field::Empty,
            status = tracing::field::Empty,
        );
        self.executed += 1;
        let executed = match &self.shared {
            Some(shared) => shared.executed.fetch_add(1, Ordering::Relaxed) + 1,
            None => self.executed,
        };
        if self.time_left().is_some_and(|left| left.is_zero()) {
            return Err(self.run_timed_out());
        }
        let limit = self.client.inner.max_step_executions;
        if executed > limit {
            return Err(Error::StepBudgetExceeded {
                workflow: self.workflow.to_owned(),
                limit,
            });
        }
        tracing::debug!(parent: &self.step_span, "step started");
        Ok(())
    }

    /// A new request to `operation`.
    pub fn request(&self, operation: &'static Operation) -> Request {
        self.step_span.record("operation", operation.id);
        self.step_span.record("method", operation.method);
        Request {
            operation,
            path: Vec::new(),
            query: Vec::new(),
            headers: Vec::new(),
            cookies: Vec::new(),
            body: None,
            multipart: None,
            sent: None,
        }
    }

    /// The value of a runtime expression the request cannot do without; `null` (an absent
    /// optional value) counts as no value.
    pub fn require(&self, value: Option<Value>, expression: &'static str) -> Result<Value, Error> {
        value
            .filter(|v| !v.is_null())
            .ok_or_else(|| Error::MissingValue {
                workflow: self.workflow.to_owned(),
                step: self.step.to_owned(),
                expression: expression.to_owned(),
            })
    }

    /// A workflow value (an input, an output) as JSON.
    pub fn to_value<T: Serialize + ?Sized>(&self, value: &T) -> Result<Value, Error> {
        serde_json::to_value(value).map_err(|e| self.invalid_request(e.to_string()))
    }

    /// Decodes a value taken from a response into the type of a step output.
    pub fn decode<T: DeserializeOwned>(
        &self,
        response: &Response,
        value: Value,
        what: &'static str,
    ) -> Result<T, Error> {
        serde_json::from_value(value)
            .map_err(|e| response.invalid(format!("`{what}` does not have the expected type: {e}")))
    }

    /// An output's value as the output's type; an absent value is `null` (so `None` for an
    /// `Option`, `Value::Null` for a JSON value).
    pub fn decode_output<T: DeserializeOwned>(
        &self,
        value: Option<Value>,
        expression: &'static str,
    ) -> Result<T, Error> {
        serde_json::from_value(value.unwrap_or(Value::Null)).map_err(|e| Error::InvalidOutput {
            workflow: self.workflow.to_owned(),
            step: self.step.to_owned(),
            expression: expression.to_owned(),
            message: self.redact(&e.to_string()).into_owned(),
        })
    }

    /// An output read from the response body at `pointer` (`""` for the whole body), as
    /// the output's type. When the body has no value there and the type needs one, the
    /// error says why: the body is empty, is not JSON, or has nothing at the pointer.
    pub fn decode_body_output<T: DeserializeOwned>(
        &self,
        response: &Response,
        pointer: &str,
        expression: &'static str,
    ) -> Result<T, Error> {
        let value = response.body_pointer(pointer)?;
        if value.is_none() {
            if let Ok(absent) = serde_json::from_value(Value::Null) {
                return Ok(absent);
            }
            let why = response.why_absent(pointer);
            return Err(response.invalid(format!(
                "output `{expression}` has no value: {}",
                self.redact(&why)
            )));
        }
        self.decode_output(value, expression)
    }

    /// The outputs of a step that a workflow output reads; an error naming the output's
    /// expression when the step did not run.
    pub fn output_of<'a, T>(
        &self,
        outputs: Option<&'a T>,
        expression: &'static str,
    ) -> Result<&'a T, Error> {
        outputs.ok_or_else(|| Error::MissingValue {
            workflow: self.workflow.to_owned(),
            step: self.step.to_owned(),
            expression: expression.to_owned(),
        })
    }

    /// The error for a step whose success criterion `criterion` was not met, when no
    /// failure action applies. `status_check` says whether the criterion was a plain
    /// `$statusCode` check, which makes it [`Error::UnexpectedStatus`].
    pub fn failed(
        &self,
        response: &Response,
        criterion: &'static str,
        status_check: bool,
    ) -> Error {
        self.failure(response, criterion, status_check, None)
    }

    /// The error for a step whose failure action `action`, of type `end`, ended the
    /// workflow: as [`Run::failed`], naming the action.
    pub fn ended(
        &self,
        response: &Response,
        criterion: &'static str,
        status_check: bool,
        action: &'static str,
    ) -> Error {
        self.failure(response, criterion, status_check, Some(action))
    }

    fn failure(
        &self,
        response: &Response,
        criterion: &'static str,
        status_check: bool,
        action: Option<&'static str>,
    ) -> Error {
        if let Some(error) = self.message_failure(response, criterion, action) {
            return error;
        }
        let (workflow, step) = (self.workflow.to_owned(), self.step.to_owned());
        let body = self.redact(&response.excerpt()).into_owned();
        let (status, criterion) = (response.status, criterion.to_owned());
        let action = action.map(Box::from);
        if status_check {
            Error::UnexpectedStatus {
                workflow,
                step,
                status,
                criterion,
                action,
                body,
            }
        } else {
            Error::CriteriaNotMet {
                workflow,
                step,
                status,
                criterion,
                action,
                body,
            }
        }
    }

    /// The error for a step whose retries ran out.
    pub fn retries_exhausted(&self, response: &Response, criterion: &'static str) -> Error {
        if let Some(error) = self.message_timeout(response) {
            return error;
        }
        Error::RetriesExhausted {
            workflow: self.workflow.to_owned(),
            step: self.step.to_owned(),
            attempts: self.attempt,
            status: response.status,
            criterion: criterion.to_owned(),
        }
    }

    /// The error for a step that runs the workflow `called` when it failed and no failure
    /// action applied, or a failure `end` (named `action`) or a `retry` that ran out ended
    /// it: the workflow's own error as it is, or [`Error::WorkflowCriteriaNotMet`].
    pub fn workflow_step_failed(
        &self,
        failure: StepFailure,
        called: &'static str,
        action: Option<&'static str>,
    ) -> Error {
        match failure {
            StepFailure::Workflow(error) => error,
            StepFailure::Criterion(criterion) => Error::WorkflowCriteriaNotMet {
                workflow: self.workflow.to_owned(),
                step: self.step.to_owned(),
                called: called.to_owned(),
                criterion: criterion.to_owned(),
                attempts: self.attempt,
                action: action.map(Box::from),
            },
        }
    }

    /// Waits before a retry: as long as the response's `Retry-After` header says, else
    /// `retry_after` seconds (the failure action's `retryAfter`), else not at all; never
    /// longer than the client's `max_retry_delay`. Fails with [`Error::RunTimeout`], at
    /// once, when the wait would end past the run timeout.
    pub async fn wait_before_retry(
        &self,
        response: &Response,
        retry_after: Option<f64>,
    ) -> Result<(), Error> {
        self.wait(response.retry_after(), retry_after).await
    }

    /// Waits `retry_after` seconds before retrying a step that has no HTTP response (one
    /// that runs a workflow), as [`Run::wait_before_retry`] does.
    pub async fn wait_retry_after(&self, retry_after: Option<f64>) -> Result<(), Error> {
        self.wait(None, retry_after).await
    }

    async fn wait(&self, header: Option<Duration>, retry_after: Option<f64>) -> Result<(), Error> {
        let asked = header.unwrap_or_else(|| {
            retry_after
                .and_then(|secs| Duration::try_from_secs_f64(secs).ok())
                .unwrap_or_default()
        });
        let delay = asked.min(self.client.inner.limits.max_retry_delay);
        self.announce_wait(asked, delay)?;
        // A durable run waits on a Restate timer, which survives the process.
        #[cfg(feature = "restate")]
        if let Some(journal) = crate::restate::current().filter(|_| !delay.is_zero()) {
            return journal
                .sleep(delay)
                .await
                .map_err(|message| Error::Journal {
                    workflow: self.workflow.to_owned(),
                    step: self.step.to_owned(),
                    message,
                });
        }
        if !delay.is_zero() {
            tokio::time::sleep(delay)
                .instrument(self.step_span.clone())
                .await;
        }
        Ok(())
    }

    /// Logs and reports (to the hooks) a wait before a retry, or fails with
    /// [`Error::RunTimeout`] if it would end past the run timeout.
    fn announce_wait(&self, asked: Duration, delay: Duration) -> Result<(), Error> {
        let _step = self.step_span.enter();
        if self.time_left().is_some_and(|left| left < delay) {
            tracing::debug!(
                delay_ms = delay.as_millis() as u64,
                "not retrying: the wait would end past the run timeout"
            );
            return Err(self.run_timed_out());
        }
        tracing::debug!(
            delay_ms = delay.as_millis() as u64,
            asked_ms = asked.as_millis() as u64,
            "waiting before retry"
        );
        if let Some(hooks) = self.client.inner.hooks.as_deref() {
            hooks.on_retry(&RetryEvent {
                workflow: self.workflow,
                step: self.step,
                attempt: self.attempt,
                delay,
            });
        }
        Ok(())
    }

    /// A JSON payload written as JSON text with embedded expressions (the specification's
    /// "JSON Templated Example"): the text once they are filled in, parsed, so that it is
    /// sent as the JSON it spells rather than as one JSON string.
    pub fn json_payload(&self, text: Value) -> Result<Value, Error> {
        let Value::String(text) = text else {
            return Ok(text);
        };
        serde_json::from_str(&text).map_err(|e| {
            self.invalid_request(format!(
                "the JSON payload is not valid JSON once its expressions are filled in ({e})"
            ))
        })
    }

    /// A payload replacement: sets the value at the JSON Pointer `target` of `body`,
    /// creating the last member of an object if needed (`-` appends to an array).
    pub fn replace(&self, body: &mut Value, target: &str, value: Value) -> Result<(), Error> {
        if target.is_empty() {
            *body = value;
            return Ok(());
        }
        let (parent, last) = target.rsplit_once('/').unwrap_or(("", target));
        let last = last.replace("~1", "/").replace("~0", "~");
        let missing = || {
            self.invalid_request(format!(
                "replacement target `{target}` is not in the payload"
            ))
        };
        match body.pointer_mut(parent).ok_or_else(missing)? {
            Value::Object(map) => {
                map.insert(last, value);
            }
            Value::Array(items) if last == "-" => items.push(value),
            Value::Array(items) => {
                let slot = last
                    .parse::<usize>()
                    .ok()
                    .and_then(|index| items.get_mut(index))
                    .ok_or_else(missing)?;
                *slot = value;
            }
            _ => return Err(missing()),
        }
        Ok(())
    }

    /// A `jsonpath` criterion: whether `query` selects anything in `context`.
    pub fn jsonpath(&self, query: &JsonPathQuery, context: Option<&Value>) -> Result<bool, Error> {
        query.matches(context).map_err(|m| self.invalid_request(m))
    }

    /// A `jsonpath` criterion of the form `query op literal`.
    pub fn jsonpath_compare(
        &self,
        query: &JsonPathQuery,
        context: Option<&Value>,
        op: Op,
        literal: &Value,
    ) -> Result<bool, Error> {
        query
            .compare(context, op, literal)
            .map_err(|m| self.invalid_request(m))
    }

    /// An `xpath` criterion on the XML document `context` (by default the response body).
    /// A criterion that cannot be evaluated (a context that is not XML, an evaluation
    /// error) fails, as Arazzo 1.1 says ("Evaluation Errors": the condition "MUST evaluate
    /// to fail"), and the reason is logged as a warning.
    pub fn xpath(&self, query: &XPathQuery, context: Option<&Value>) -> Result<bool, Error> {
        Ok(query.matches(context).unwrap_or_else(|reason| {
            tracing::warn!(
                workflow = self.workflow,
                step = self.step,
                criterion = query.source(),
                "xpath criterion fails: {reason}"
            );
            false
        }))
    }

    /// Sets the whole query string of `request` from a `querystring` parameter (Arazzo 1.1,
    /// OpenAPI 3.2), encoded for the media type of the operation's parameter; an absent or
    /// `null` value sends none. Form-urlencoded (`json: false`): a string is the query as
    /// written, with the characters a query cannot hold percent-encoded (`%XX` kept); an
    /// object is form-encoded, one `name=value` pair per member. JSON (`json: true`): a
    /// string is the JSON text, any other value is serialized, and the text is
    /// percent-encoded whole. Any other value is an [`Error::InvalidRequest`].
    pub fn querystring(
        &self,
        request: &mut Request,
        name: &str,
        value: Option<Value>,
        json: bool,
    ) -> Result<(), Error> {
        let Some(value) = value.filter(|v| !v.is_null()) else {
            return Ok(());
        };
        let text = match (&value, json) {
            (Value::String(text), false) => encode::query_text(text),
            (Value::Object(members), false) => members
                .iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| {
                    format!(
                        "{}={}",
                        encode::form_component(k),
                        encode::form_component(&encode::primitive(v))
                    )
                })
                .collect::<Vec<_>>()
                .join("&"),
            (Value::String(text), true) => encode::component(text),
            (other, true) => encode::component(&other.to_string()),
            (other, false) => {
                return Err(self.invalid_request(format!(
                    "querystring parameter `{name}` must be a string or an object, not {}",
                    match other {
                        Value::Array(_) => "an array",
                        Value::Number(_) => "a number",
                        _ => "a boolean",
                    }
                )))
            }
        };
        request.querystring(name, text, value);
        Ok(())
    }

    /// A Selector Object's JSONPath applied to `context` (Arazzo 1.1).
    pub fn select_jsonpath(
        &self,
        query: &JsonPathQuery,
        context: Option<Value>,
        many: bool,
    ) -> Result<Option<Value>, Error> {
        query
            .select_value(context.as_ref(), many)
            .map_err(|message| self.selector_error(query.source(), message))
    }

    /// A Selector Object's XPath applied to the XML document `context` (Arazzo 1.1); a
    /// context that is not XML is an [`Error::Selector`].
    pub fn select_xpath(
        &self,
        query: &XPathQuery,
        context: Option<Value>,
    ) -> Result<Option<Value>, Error> {
        query
            .select(context.as_ref())
            .map_err(|message| self.selector_error(query.source(), message))
    }

    fn selector_error(&self, selector: &str, message: String) -> Error {
        Error::Selector {
            workflow: self.workflow.to_owned(),
            step: self.step.to_owned(),
            selector: selector.to_owned(),
            message: self.redact(&message).into_owned(),
        }
    }

    /// A payload replacement with a JSONPath target (Arazzo 1.1): every node the query
    /// selects in the payload becomes `value`. A query that selects nothing is an error,
    /// as for the other kinds of target.
    pub fn replace_jsonpath(
        &self,
        body: &mut Value,
        target: &JsonPathQuery,
        value: Value,
    ) -> Result<(), Error> {
        let pointers = target.locate(body).map_err(|m| self.invalid_request(m))?;
        if pointers.is_empty() {
            return Err(self.invalid_request(format!(
                "replacement target `{}` selects nothing in the payload",
                target.source()
            )));
        }
        // A node inside one replaced before it (`$..id` selects nested nodes) is gone.
        for pointer in pointers {
            if let Some(node) = body.pointer_mut(&pointer) {
                *node = value.clone();
            }
        }
        Ok(())
    }

    /// A `regex`, `jsonpath` or `xpath` criterion with embedded expressions (Arazzo 1.1),
    /// `condition` being its text with their values filled in. A condition that then does
    /// not compile, or cannot be evaluated on `context`, fails (1.1, "Evaluation Errors"),
    /// and the reason is logged as a warning.
    pub fn embedded_criterion(
        &self,
        language: Language,
        condition: Value,
        context: Option<&Value>,
    ) -> Result<bool, Error> {
        let text = match &condition {
            Value::String(text) => text.as_str(),
            _ => "",
        };
        Ok(
            crate::criteria::embedded(language, text, context).unwrap_or_else(|reason| {
                tracing::warn!(
                    workflow = self.workflow,
                    step = self.step,
                    criterion = text,
                    "criterion fails: {reason}"
                );
                false
            }),
        )
    }

    /// A payload replacement on an XML payload: sets the text of the nodes the XPath
    /// `target` selects in the XML string `body`.
    pub fn replace_xml(
        &self,
        body: &mut Value,
        target: &'static str,
        value: Value,
    ) -> Result<(), Error> {
        let Value::String(xml) = body else {
            return Err(self.invalid_request(format!(
                "replacement target `{target}` is an XPath but the payload is not an XML string"
            )));
        };
        *xml = xpath::replace(xml, target, &value).map_err(|m| self.invalid_request(m))?;
        Ok(())
    }

    /// A `jsonpath` criterion on the whole response body. A query of member names only
    /// (`$.is_sent`) reads just that member, without decoding the whole body.
    pub fn body_jsonpath(&self, query: &JsonPathQuery, response: &Response) -> Result<bool, Error> {
        match query.pointer() {
            Some(pointer) => Ok(response.body_pointer(pointer)?.is_some()),
            None => self.jsonpath(query, response.body()?),
        }
    }

    /// A `jsonpath` criterion of the form `query op literal` on the whole response body,
    /// read as [`Run::body_jsonpath`] does.
    pub fn body_jsonpath_compare(
        &self,
        query: &JsonPathQuery,
        response: &Response,
        op: Op,
        literal: &Value,
    ) -> Result<bool, Error> {
        match query.pointer() {
            Some(pointer) => Ok(response
                .body_pointer(pointer)?
                .is_some_and(|node| compare(Some(&node), op, Some(literal)))),
            None => self.jsonpath_compare(query, response.body()?, op, literal),
        }
    }

    /// A `regex` criterion.
    pub fn regex(&self, pattern: &Pattern, context: Option<&Value>) -> Result<bool, Error> {
        pattern
            .matches(context)
            .map_err(|m| self.invalid_request(m))
    }

    pub(crate) fn invalid_request(&self, message: impl Into<String>) -> Error {
        let message = message.into();
        Error::InvalidRequest {
            workflow: self.workflow.to_owned(),
            step: self.step.to_owned(),
            message: self.redact(&message).into_owned(),
        }
    }
}

/// A request being built by a step. Its `Debug` output names the operation and the
/// parameters, never their values (which may be secrets).
pub struct Request {
    pub(crate) operation: &'static Operation,
    pub(crate) path: Vec<(&'static str, String)>,
    pub(crate) query: Vec<String>,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) cookies: Vec<String>,
    pub(crate) body: Option<(&'static str, Vec<u8>)>,
    pub(crate) multipart: Option<reqwest::multipart::Form>,
    /// What `$request.*` expressions read, kept only for steps that use them.
    pub(crate) sent: Option<Box<Sent>>,
}

impl std::fmt::Debug for Request {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let path: Vec<&str> = self.path.iter().map(|(name, _)| *name).collect();
        let headers: Vec<&str> = self.headers.iter().map(|(name, _)| name.as_str()).collect();
        f.debug_struct("Request")
            .field("method", &self.operation.method)
            .field("path", &self.operation.path)
            .field("path_parameters", &path)
            .field("query_parameters", &self.query.len())
            .field("headers", &headers)
            .field("cookies", &self.cookies.len())
            .field(
                "body",
                &self.body.as_ref().map(|(content_type, _)| content_type),
            )
            .finish_non_exhaustive()
    }
}

impl Request {
    /// Keeps what `$request.*` expressions of the step read: the parameters, headers and
    /// body it sends.
    pub fn keep_sent(&mut self) {
        self.sent = Some(Box::default());
    }

    /// Sets the path parameter `name`. Values are percent-encoded so that they stay inside
    /// their segment; one that makes its segment `.` or `..`, which would change the path,
    /// is refused when sent.
    pub fn path(&mut self, name: &'static str, value: &Value, style: Style, explode: bool) {
        let text = encode::path(name, value, style, explode);
        self.path.retain(|(n, _)| *n != name);
        self.path.push((name, text));
        if let Some(sent) = self.sent.as_deref_mut() {
            sent.path.push((name.to_owned(), value.clone()));
        }
    }

    /// Adds the query parameter `name`; an absent or `null` value leaves it out.
    pub fn query(&mut self, name: &str, value: Option<Value>, style: Style, explode: bool) {
        if let Some(value) = value.filter(|v| !v.is_null()) {
            self.query
                .extend(encode::query(name, &value, style, explode));
            if let Some(sent) = self.sent.as_deref_mut() {
                sent.query.push((name.to_owned(), value));
            }
        }
    }

    /// The whole query string (Arazzo 1.1 `in: querystring`, OpenAPI 3.2): the text that
    /// goes after `?`, already encoded (see [`Run::querystring`]). Query credentials are
    /// appended after it.
    fn querystring(&mut self, name: &str, encoded: String, value: Value) {
        if !encoded.is_empty() {
            self.query.push(encoded);
        }
        if let Some(sent) = self.sent.as_deref_mut() {
            sent.query.push((name.to_owned(), value));
        }
    }

    /// As [`Request::query`], for a parameter with OpenAPI's `allowReserved`: the reserved
    /// characters of RFC 3986 (`:/?#[]@!$&'()*+,;=`) in its values are sent as they are.
    pub fn query_allow_reserved(
        &mut self,
        name: &str,
        value: Option<Value>,
        style: Style,
        explode: bool,
    ) {
        if let Some(value) = value.filter(|v| !v.is_null()) {
            self.query
                .extend(encode::query_allow_reserved(name, &value, style, explode));
            if let Some(sent) = self.sent.as_deref_mut() {
                sent.query.push((name.to_owned(), value));
            }
        }
    }

    /// Sets the header `name`; an absent or `null` value leaves it out.
    pub fn header(&mut self, name: &str, value: Option<Value>, explode: bool) {
        if let Some(value) = value.filter(|v| !v.is_null()) {
            self.headers
                .push((name.to_owned(), encode::header(&value, explode)));
        }
    }

    /// Adds the cookie `name`; an absent or `null` value leaves it out.
    pub fn cookie(&mut self, name: &str, value: Option<Value>, explode: bool) {
        if let Some(value) = value.filter(|v| !v.is_null()) {
            self.cookies.extend(encode::cookie(name, &value, explode));
        }
    }

    /// A JSON body.
    pub fn json_body(&mut self, content_type: &'static str, value: &Value) {
        let bytes = serde_json::to_vec(value).unwrap_or_default();
        self.body = Some((content_type, bytes));
        self.keep_body(value);
    }

    /// A text body (plain text, XML): strings are sent as they are, other values as JSON.
    pub fn text_body(&mut self, content_type: &'static str, value: &Value) {
        self.body = Some((content_type, encode::primitive(value).into_bytes()));
        self.keep_body(value);
    }

    /// A `multipart/form-data` body from an object's members, one part each (`null`
    /// members are left out): strings, numbers and booleans as text parts, objects and
    /// arrays as JSON parts with `Content-Type: application/json`. `encodings` gives the
    /// content type of a member's part (the OpenAPI `encoding.<member>.contentType`),
    /// which wins over those defaults. A payload that is not an object is one part named
    /// `body`.
    pub fn multipart_body(&mut self, value: &Value, encodings: &[(&str, &'static str)]) {
        let mut form = reqwest::multipart::Form::new();
        let members: Vec<(&str, &Value)> = match value {
            Value::Object(map) => map.iter().map(|(k, v)| (k.as_str(), v)).collect(),
            other => vec![("body", other)],
        };
        for (name, member) in members {
            let (text, default_type) = match member {
                Value::Null => continue,
                Value::Object(_) | Value::Array(_) => {
                    (member.to_string(), Some("application/json"))
                }
                other => (encode::primitive(other), None),
            };
            let content_type = encodings
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, ct)| *ct)
                .or(default_type);
            // Generated calls pass only content types checked at compile time; one that
            // does not parse leaves the part without a content type.
            let part = match content_type {
                Some(content_type) => reqwest::multipart::Part::text(text.clone())
                    .mime_str(content_type)
                    .unwrap_or_else(|_| reqwest::multipart::Part::text(text)),
                None => reqwest::multipart::Part::text(text),
            };
            form = form.part(name.to_owned(), part);
        }
        self.multipart = Some(form);
        self.keep_body(value);
    }

    fn keep_body(&mut self, value: &Value) {
        if let Some(sent) = self.sent.as_deref_mut() {
            sent.body = Some(value.clone());
        }
    }

    /// An `application/x-www-form-urlencoded` body from an object's members (a string
    /// payload is sent as it is).
    pub fn form_body(&mut self, content_type: &'static str, value: &Value) {
        let text = match value {
            Value::Object(map) => map
                .iter()
                .flat_map(|(k, v)| encode::query(k, v, Style::Form, true))
                .collect::<Vec<_>>()
                .join("&"),
            other => encode::primitive(other),
        };
        self.body = Some((content_type, text.into_bytes()));
        self.keep_body(value);
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn json_text_payloads_are_parsed_or_fail_naming_the_step() {
        let client = Client::builder().build().unwrap();
        let mut run = Run::new(&client, "wf");
        run.start_step("step", 1).unwrap();
        assert_eq!(
            run.json_payload(json!(r#"{"petId": "42", "n": [1]}"#))
                .unwrap(),
            json!({"petId": "42", "n": [1]})
        );
        assert_eq!(run.json_payload(json!({"a": 1})).unwrap(), json!({"a": 1}));
        assert_eq!(
            run.json_payload(json!(r#"{"petId": 4"#))
                .unwrap_err()
                .to_string(),
            "step `step` of workflow `wf`: invalid request: the JSON payload is not valid JSON once its expressions are filled in (EOF while parsing an object at line 1 column 11)"
        );
    }

    #[test]
    fn replacements_set_add_append_or_fail() {
        let client = Client::builder().build().unwrap();
        let mut run = Run::new(&client, "wf");
        run.start_step("step", 1).unwrap();
        let mut body = json!({"pet": {"name": "rex", "tags": ["a"]}});
        run.replace(&mut body, "/pet/name", json!("max")).unwrap();
        run.replace(&mut body, "/pet/age", json!(3)).unwrap();
        run.replace(&mut body, "/pet/tags/-", json!("b")).unwrap();
        run.replace(&mut body, "/pet/tags/0", json!("z")).unwrap();
        assert_eq!(
            body,
            json!({"pet": {"name": "max", "tags": ["z", "b"], "age": 3}})
        );
        let error = run
            .replace(&mut body, "/owner/name", json!("x"))
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "step `step` of workflow `wf`: invalid request: replacement target `/owner/name` is not in the payload"
        );
        run.replace(&mut body, "", json!(null)).unwrap();
        assert_eq!(body, json!(null));
    }

    #[test]
    fn body_jsonpath_reads_member_queries_as_pointers_and_others_whole() {
        let client = Client::builder().build().unwrap();
        let run = Run::new(&client, "wf");
        let response =
            |body: &'static str| crate::response::tests::response(Some("application/json"), body);
        static SENT: JsonPathQuery = JsonPathQuery::new("$.is_sent");
        static FIRST: JsonPathQuery = JsonPathQuery::new("$.items[0].x");
        let yes = json!(true);
        let cases = [
            (r#"{"is_sent": true}"#, Op::Eq, true),
            (r#"{"is_sent": "TRUE"}"#, Op::Eq, true),
            (r#"{"is_sent": false}"#, Op::Eq, false),
            (r#"{"is_sent": false}"#, Op::Ne, true),
            (r#"{"other": 1}"#, Op::Eq, false),
            (r#"{"other": 1}"#, Op::Ne, false),
        ];
        for (body, op, expected) in cases {
            let r = response(body);
            assert_eq!(
                run.body_jsonpath_compare(&SENT, &r, op, &yes).unwrap(),
                expected,
                "{body} {op:?}"
            );
            assert!(r.decoded.get().is_none(), "{body} was decoded whole");
            let whole = run
                .jsonpath_compare(&SENT, r.body().unwrap(), op, &yes)
                .unwrap();
            assert_eq!(whole, expected, "{body} {op:?}");
        }
        assert!(run
            .body_jsonpath(&SENT, &response(r#"{"is_sent": null}"#))
            .unwrap());
        assert!(!run.body_jsonpath(&SENT, &response("[]")).unwrap());
        let r = response(r#"{"items": [{"x": 2}]}"#);
        assert!(run
            .body_jsonpath_compare(&FIRST, &r, Op::Gt, &json!(1))
            .unwrap());
        assert!(r.decoded.get().is_some());
    }
}
