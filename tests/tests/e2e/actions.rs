//! Success and failure actions end to end, on `tests/fixtures/actions.arazzo.yml` (and the
//! workflows of `actions-other.arazzo.yml` it reaches through a `type: arazzo` source):
//!
//! - workflow-level `successActions` / `failureActions` as the defaults of steps without
//!   their own, and a step's own list replacing the workflow's wholesale;
//! - reusable actions from `components`, referenced from a step's lists and from a
//!   workflow-level list;
//! - `retry` without `retryLimit` (one retry), an HTTP-date `Retry-After` winning over
//!   `retryAfter`, and two retry actions on one step, each with its own limit;
//! - a failure `end` on a step that runs a workflow;
//! - `goto` and `retry` to workflows of another Arazzo document;
//! - success actions chosen by the response body, the first matching one winning.
//!
//! The mock answers from a script: for each `METHOD /path`, the replies in order; a request
//! the script does not expect gets `418` (and shows up in the asserted request sequence).

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use arazzo_mocks::{MockServer, RecordedRequest};
use axum::extract::State;
use axum::http::{HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use serde_json::{json, Value};

mod actions {
    arazzo::arazzo_workflow!("fixtures/actions.arazzo.yml", strict = true);
}

/// The id of the job every script is about.
const JOB: i64 = 7;

/// One scripted answer: a status, extra headers and a JSON body.
struct Reply {
    status: StatusCode,
    headers: Vec<(&'static str, String)>,
    body: Value,
}

impl Reply {
    fn new(status: u16, body: Value) -> Reply {
        Reply {
            status: StatusCode::from_u16(status).unwrap(),
            headers: Vec::new(),
            body,
        }
    }

    fn header(mut self, name: &'static str, value: impl Into<String>) -> Reply {
        self.headers.push((name, value.into()));
        self
    }
}

/// `200` with the job in `state`.
fn job(state: &str) -> Reply {
    Reply::new(200, json!({"id": JOB, "state": state}))
}

/// An error status with a problem body.
fn problem(status: u16, message: &str) -> Reply {
    Reply::new(status, json!({"error": message}))
}

/// The replies still to give, by `METHOD /path`.
type Script = Mutex<HashMap<String, VecDeque<Reply>>>;

async fn answer(State(script): State<Arc<Script>>, method: Method, uri: Uri) -> Response {
    let key = format!("{method} {}", uri.path());
    let reply = script
        .lock()
        .unwrap()
        .get_mut(&key)
        .and_then(VecDeque::pop_front);
    let Some(reply) = reply else {
        return (StatusCode::IM_A_TEAPOT, format!("unscripted {key}")).into_response();
    };
    let mut response = (reply.status, Json(reply.body)).into_response();
    for (name, value) in reply.headers {
        response
            .headers_mut()
            .insert(name, HeaderValue::from_str(&value).unwrap());
    }
    response
}

/// A mock that gives `replies` in order, each to the first request to its `METHOD /path`.
async fn start(replies: impl IntoIterator<Item = (&'static str, Reply)>) -> MockServer {
    let mut script: HashMap<String, VecDeque<Reply>> = HashMap::new();
    for (key, reply) in replies {
        script.entry(key.to_owned()).or_default().push_back(reply);
    }
    let router = Router::new()
        .fallback(answer)
        .with_state(Arc::new(Mutex::new(script)));
    MockServer::start(router).await
}

fn client(server: &MockServer) -> arazzo::Client {
    arazzo::Client::builder()
        .base_url("api", format!("{}/api", server.base_url()))
        .build()
        .unwrap()
}

/// The requests the mock saw, as `METHOD /path?query`.
fn targets(server: &MockServer) -> Vec<String> {
    server
        .requests()
        .iter()
        .map(RecordedRequest::target)
        .collect()
}

/// `time` as an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), the HTTP-date form.
fn http_date(time: SystemTime) -> String {
    const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let secs = time.duration_since(UNIX_EPOCH).unwrap().as_secs();
    let (days, rest) = (secs / 86_400, secs % 86_400);
    // The civil date of a day number, after Howard Hinnant's algorithm.
    let z = days + 719_468;
    let (era, doe) = (z / 146_097, z % 146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    format!(
        "{}, {day:02} {} {year} {:02}:{:02}:{:02} GMT",
        WEEKDAYS[(days % 7) as usize],
        MONTHS[(month - 1) as usize],
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

// Workflow-level actions as defaults (`job-defaults`).

#[tokio::test]
async fn workflow_actions_are_the_defaults_of_steps_without_their_own() {
    let server = start([
        (
            "POST /api/jobs",
            Reply::new(201, json!({"id": JOB, "state": "queued"})),
        ),
        ("GET /api/jobs/7", job("running")),
        ("GET /api/report", Reply::new(200, json!({"total": 3}))),
    ])
    .await;
    let out = actions::job_defaults(&client(&server), actions::JobDefaultsInputs {})
        .await
        .unwrap();
    // `create` (201) does not meet the default success action's `$statusCode == 200` and
    // goes on; `check` (200) does and skips to `report`, whose own `end` stops the loop.
    assert_eq!(
        targets(&server),
        ["POST /api/jobs", "GET /api/jobs/7", "GET /api/report"]
    );
    assert_eq!(out.job_id, Some(JOB));
    assert_eq!(out.state.as_deref(), Some("running"));
    assert_eq!(out.alert_id, None);
    assert_eq!(out.entries, None);
    assert_eq!(out.total, Some(3));
}

#[tokio::test]
async fn a_failing_step_without_on_failure_takes_the_workflow_failure_action() {
    let server = start([
        ("POST /api/jobs", problem(500, "down")),
        ("POST /api/alerts", Reply::new(200, json!({"alertId": 5}))),
        (
            "GET /api/audit",
            Reply::new(200, json!({"entries": ["created"]})),
        ),
        ("GET /api/report", Reply::new(200, json!({"total": 0}))),
    ])
    .await;
    let out = actions::job_defaults(&client(&server), actions::JobDefaultsInputs {})
        .await
        .unwrap();
    // `create` fails over to `alert` (the workflow's `alertOps`). `alert` has its own
    // `onSuccess`, which does not apply, so the workflow's `skipToReport` does not either:
    // `audit` follows, and its default `skipToReport` goes on to `report`.
    assert_eq!(
        targets(&server),
        [
            "POST /api/jobs",
            "POST /api/alerts",
            "GET /api/audit",
            "GET /api/report",
        ]
    );
    assert_eq!(server.requests()[1].json, Some(json!({"jobId": 0})));
    assert_eq!(out.job_id, None);
    assert_eq!(out.state, None);
    assert_eq!(out.alert_id, Some(5));
    assert_eq!(out.entries, Some(vec!["created".to_owned()]));
    assert_eq!(out.total, Some(0));
}

#[tokio::test]
async fn a_steps_own_on_failure_replaces_the_workflow_list() {
    let server = start([
        (
            "POST /api/jobs",
            Reply::new(201, json!({"id": JOB, "state": "queued"})),
        ),
        ("GET /api/jobs/7", problem(404, "no such job")),
    ])
    .await;
    let error = actions::job_defaults(&client(&server), actions::JobDefaultsInputs {})
        .await
        .unwrap_err();
    // `check`'s own `retryBusy` does not apply to a 404, and the workflow's `alertOps` is
    // not consulted: the step fails as if it had no actions.
    assert_eq!(
        error.to_string(),
        r#"step `check` of workflow `job-defaults`: unexpected status 404 (expected `$statusCode == 200`): {"error":"no such job"}"#
    );
    assert_eq!(targets(&server), ["POST /api/jobs", "GET /api/jobs/7"]);
}

// Reusable actions from `components` (`job-components`).

#[tokio::test(start_paused = true)]
async fn component_actions_retry_and_then_end_the_workflow() {
    let server = start([
        (
            "POST /api/jobs",
            Reply::new(201, json!({"id": JOB, "state": "queued"})),
        ),
        ("GET /api/jobs/7", problem(503, "busy")),
        ("GET /api/jobs/7", problem(503, "busy")),
        ("GET /api/jobs/7", job("running")),
    ])
    .await;
    let started = tokio::time::Instant::now();
    let out = actions::job_components(&client(&server), actions::JobComponentsInputs {})
        .await
        .unwrap();
    // `retryBusy` (2 retries, 2 s apart), then `finished` ends before `alert`.
    assert_eq!(
        targets(&server),
        [
            "POST /api/jobs",
            "GET /api/jobs/7",
            "GET /api/jobs/7",
            "GET /api/jobs/7",
        ]
    );
    assert_eq!(out.state.as_deref(), Some("running"));
    assert_eq!(out.alert_id, None);
    assert_eq!(started.elapsed(), Duration::from_secs(4));
}

#[tokio::test(start_paused = true)]
async fn a_component_retry_that_runs_out_falls_through_to_a_component_goto() {
    let server = start([
        (
            "POST /api/jobs",
            Reply::new(201, json!({"id": JOB, "state": "queued"})),
        ),
        ("GET /api/jobs/7", problem(503, "busy")),
        ("GET /api/jobs/7", problem(503, "busy")),
        ("GET /api/jobs/7", problem(503, "busy")),
        ("POST /api/alerts", Reply::new(200, json!({"alertId": 5}))),
    ])
    .await;
    let started = tokio::time::Instant::now();
    let out = actions::job_components(&client(&server), actions::JobComponentsInputs {})
        .await
        .unwrap();
    assert_eq!(
        targets(&server),
        [
            "POST /api/jobs",
            "GET /api/jobs/7",
            "GET /api/jobs/7",
            "GET /api/jobs/7",
            "POST /api/alerts",
        ]
    );
    assert_eq!(server.requests()[4].json, Some(json!({"jobId": JOB})));
    assert_eq!(out.state, None);
    assert_eq!(out.alert_id, Some(5));
    assert_eq!(started.elapsed(), Duration::from_secs(4));
}

#[tokio::test]
async fn a_component_referenced_by_the_workflow_ends_a_failing_step() {
    let server = start([("POST /api/jobs", problem(500, "down"))]).await;
    let error = actions::job_components(&client(&server), actions::JobComponentsInputs {})
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        r#"step `create` of workflow `job-components`: unexpected status 500 (expected `$statusCode == 201`), ended by failure action `stop`: {"error":"down"}"#
    );
    assert_eq!(targets(&server), ["POST /api/jobs"]);
}

// Retries (`poll-once`, `poll-two-retries`).

#[tokio::test(start_paused = true)]
async fn without_a_retry_limit_a_step_is_retried_once() {
    let server = start([
        ("GET /api/jobs/7", problem(503, "busy")),
        ("GET /api/jobs/7", problem(503, "busy")),
        ("GET /api/jobs/7", job("done")),
    ])
    .await;
    let started = tokio::time::Instant::now();
    let error = actions::poll_once(&client(&server), actions::PollOnceInputs { job_id: JOB })
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "step `check` of workflow `poll-once`: still failing after 2 attempts \
         (last status 503, unmet criterion `$statusCode == 200`)"
    );
    assert!(matches!(
        error,
        arazzo::Error::RetriesExhausted { attempts: 2, .. }
    ));
    assert_eq!(targets(&server), ["GET /api/jobs/7", "GET /api/jobs/7"]);
    assert_eq!(started.elapsed(), Duration::from_secs(60));
}

#[tokio::test(start_paused = true)]
async fn a_retry_after_date_wins_over_retry_after() {
    assert_eq!(
        http_date(UNIX_EPOCH + Duration::from_secs(784_111_777)),
        "Sun, 06 Nov 1994 08:49:37 GMT"
    );
    // The runtime reads the date against the wall clock, and sleeps on tokio's (paused)
    // one: the wait is the date minus the wall-clock time, at most 5 s, a little less for
    // the whole seconds of the date and the time the request takes, and not 60 s.
    let in_five_seconds = http_date(SystemTime::now() + Duration::from_secs(5));
    let server = start([
        (
            "GET /api/jobs/7",
            problem(503, "busy").header("retry-after", in_five_seconds),
        ),
        ("GET /api/jobs/7", job("done")),
    ])
    .await;
    let started = tokio::time::Instant::now();
    let out = actions::poll_once(&client(&server), actions::PollOnceInputs { job_id: JOB })
        .await
        .unwrap();
    let waited = started.elapsed();
    assert_eq!(targets(&server), ["GET /api/jobs/7", "GET /api/jobs/7"]);
    assert_eq!(out.state, "done");
    assert!(
        waited > Duration::from_secs(3) && waited <= Duration::from_secs(5),
        "waited {waited:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn a_retry_after_date_in_the_past_retries_at_once() {
    let a_minute_ago = http_date(SystemTime::now() - Duration::from_secs(60));
    let server = start([
        (
            "GET /api/jobs/7",
            problem(503, "busy").header("retry-after", a_minute_ago),
        ),
        ("GET /api/jobs/7", job("done")),
    ])
    .await;
    let started = tokio::time::Instant::now();
    let out = actions::poll_once(&client(&server), actions::PollOnceInputs { job_id: JOB })
        .await
        .unwrap();
    assert_eq!(targets(&server), ["GET /api/jobs/7", "GET /api/jobs/7"]);
    assert_eq!(out.state, "done");
    assert_eq!(started.elapsed(), Duration::ZERO);
}

#[tokio::test(start_paused = true)]
async fn each_retry_action_counts_its_own_retries() {
    let server = start([
        ("GET /api/jobs/7", problem(503, "busy")),
        ("GET /api/jobs/7", problem(503, "busy")),
        ("GET /api/jobs/7", problem(500, "broken")),
        ("GET /api/jobs/7", job("done")),
    ])
    .await;
    let started = tokio::time::Instant::now();
    let out = actions::poll_two_retries(
        &client(&server),
        actions::PollTwoRetriesInputs { job_id: JOB },
    )
    .await
    .unwrap();
    // `busy` retries twice (its limit), then the 500 is `broken`'s first retry.
    assert_eq!(
        targets(&server),
        [
            "GET /api/jobs/7",
            "GET /api/jobs/7",
            "GET /api/jobs/7",
            "GET /api/jobs/7",
        ]
    );
    assert_eq!(out.state, "done");
    assert_eq!(started.elapsed(), Duration::from_secs(1 + 1 + 10));
}

#[tokio::test(start_paused = true)]
async fn a_retry_action_that_runs_out_fails_although_another_has_retries_left() {
    let server = start([
        ("GET /api/jobs/7", problem(500, "broken")),
        ("GET /api/jobs/7", problem(503, "busy")),
        ("GET /api/jobs/7", problem(503, "busy")),
        ("GET /api/jobs/7", problem(503, "busy")),
        ("GET /api/jobs/7", job("done")),
    ])
    .await;
    let started = tokio::time::Instant::now();
    let error = actions::poll_two_retries(
        &client(&server),
        actions::PollTwoRetriesInputs { job_id: JOB },
    )
    .await
    .unwrap_err();
    // `broken` retries the 500 once, `busy` the next two 503s; the third 503 finds `busy`
    // spent, and `broken` does not apply to a 503.
    assert_eq!(
        error.to_string(),
        "step `check` of workflow `poll-two-retries`: still failing after 4 attempts \
         (last status 503, unmet criterion `$statusCode == 200`)"
    );
    assert_eq!(
        targets(&server),
        [
            "GET /api/jobs/7",
            "GET /api/jobs/7",
            "GET /api/jobs/7",
            "GET /api/jobs/7",
        ]
    );
    assert_eq!(started.elapsed(), Duration::from_secs(10 + 1 + 1));
}

// A failure `end` on a step that runs a workflow (`finish-job` runs `get-job`).

#[tokio::test]
async fn a_failure_end_on_a_workflow_step_names_the_action() {
    let server = start([("GET /api/jobs/7", job("running"))]).await;
    let error = actions::finish_job(&client(&server), actions::FinishJobInputs { job_id: JOB })
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "step `fetch` of workflow `finish-job`: success criterion `$outputs.state == 'done'` \
         not met by the outputs of workflow `get-job`, ended by failure action `notFinished`"
    );
    assert!(matches!(
        &error,
        arazzo::Error::WorkflowCriteriaNotMet { attempts: 1, action: Some(action), .. }
            if &**action == "notFinished"
    ));
    assert_eq!(targets(&server), ["GET /api/jobs/7"]);
}

#[tokio::test]
async fn a_failure_goto_on_a_workflow_step_reads_the_called_outputs() {
    let server = start([
        ("GET /api/jobs/7", job("failed")),
        ("GET /api/report", Reply::new(200, json!({"total": 3}))),
    ])
    .await;
    let out = actions::finish_job(&client(&server), actions::FinishJobInputs { job_id: JOB })
        .await
        .unwrap();
    // `notFinished` does not apply to a failed job; `reportFailure` does, before `abandon`.
    assert_eq!(targets(&server), ["GET /api/jobs/7", "GET /api/report"]);
    // The step failed, so it has no outputs.
    assert_eq!(out.state, None);
    assert_eq!(out.total, 3);
}

#[tokio::test]
async fn a_failing_called_workflow_is_ended_by_the_unconditional_end() {
    let server = start([("GET /api/jobs/7", problem(404, "no such job"))]).await;
    let error = actions::finish_job(&client(&server), actions::FinishJobInputs { job_id: JOB })
        .await
        .unwrap_err();
    // `$outputs.state` is absent after an error, so neither conditional action applies;
    // `abandon` ends the run with the called workflow's own error, which names its step.
    assert_eq!(
        error.to_string(),
        r#"step `read` of workflow `get-job`: unexpected status 404 (expected `$statusCode == 200`): {"error":"no such job"}"#
    );
    assert_eq!(targets(&server), ["GET /api/jobs/7"]);
}

// `goto` and `retry` to workflows of another document (`job-elsewhere`).

#[tokio::test(start_paused = true)]
async fn a_retry_runs_a_workflow_of_another_document_first() {
    let server = start([
        ("GET /api/jobs/7", problem(409, "stuck")),
        ("POST /api/jobs/7/reset", job("queued")),
        ("GET /api/jobs/7", job("running")),
    ])
    .await;
    let started = tokio::time::Instant::now();
    let out = actions::job_elsewhere(
        &client(&server),
        actions::JobElsewhereInputs { job_id: JOB },
    )
    .await
    .unwrap();
    assert_eq!(
        targets(&server),
        [
            "GET /api/jobs/7",
            "POST /api/jobs/7/reset",
            "GET /api/jobs/7"
        ]
    );
    assert_eq!(out.state.as_deref(), Some("running"));
    assert_eq!(started.elapsed(), Duration::from_secs(1));
}

#[tokio::test(start_paused = true)]
async fn a_failure_goto_hands_over_to_a_workflow_of_another_document() {
    let server = start([
        ("GET /api/jobs/7", problem(409, "stuck")),
        ("POST /api/jobs/7/reset", job("queued")),
        ("GET /api/jobs/7", problem(409, "stuck")),
        ("POST /api/alerts", Reply::new(200, json!({"alertId": 5}))),
    ])
    .await;
    let started = tokio::time::Instant::now();
    let out = actions::job_elsewhere(
        &client(&server),
        actions::JobElsewhereInputs { job_id: JOB },
    )
    .await
    .unwrap();
    // The retry ran out (one, the default); `handOver` runs `raise-alert` with this
    // workflow's inputs and ends this workflow.
    assert_eq!(
        targets(&server),
        [
            "GET /api/jobs/7",
            "POST /api/jobs/7/reset",
            "GET /api/jobs/7",
            "POST /api/alerts",
        ]
    );
    assert_eq!(server.requests()[3].json, Some(json!({"jobId": JOB})));
    assert_eq!(out.state, None);
    assert_eq!(started.elapsed(), Duration::from_secs(1));
}

// Success actions chosen by the response body (`route-job`).

async fn route(
    state: &str,
    replies: Vec<(&'static str, Reply)>,
) -> (MockServer, actions::RouteJobOutputs) {
    let server = start([("GET /api/jobs/7", job(state))].into_iter().chain(replies)).await;
    let out = actions::route_job(&client(&server), actions::RouteJobInputs { job_id: JOB })
        .await
        .unwrap();
    (server, out)
}

#[tokio::test]
async fn a_success_end_wins_over_a_later_matching_goto() {
    // `toAudit` (`state != 'queued'`) matches too, but `doneEarly` comes first.
    let (server, out) = route("done", vec![]).await;
    assert_eq!(targets(&server), ["GET /api/jobs/7"]);
    assert_eq!(out.state, "done");
    assert_eq!((out.alert_id, out.entries), (None, None));
}

#[tokio::test]
async fn a_success_goto_to_another_document_wins_over_a_later_matching_goto() {
    let (server, out) = route(
        "failed",
        vec![("POST /api/alerts", Reply::new(200, json!({"alertId": 5})))],
    )
    .await;
    assert_eq!(targets(&server), ["GET /api/jobs/7", "POST /api/alerts"]);
    assert_eq!(server.requests()[1].json, Some(json!({"jobId": JOB})));
    assert_eq!(out.state, "failed");
    // `raise-alert`'s outputs are not merged into this workflow's.
    assert_eq!((out.alert_id, out.entries), (None, None));
}

#[tokio::test]
async fn a_success_goto_to_a_step_skips_the_steps_between() {
    let (server, out) = route(
        "running",
        vec![(
            "GET /api/audit",
            Reply::new(200, json!({"entries": ["started"]})),
        )],
    )
    .await;
    assert_eq!(targets(&server), ["GET /api/jobs/7", "GET /api/audit"]);
    assert_eq!(out.state, "running");
    assert_eq!(out.alert_id, None);
    assert_eq!(out.entries, Some(vec!["started".to_owned()]));
}

#[tokio::test]
async fn without_a_matching_success_action_the_next_step_runs() {
    let (server, out) = route(
        "queued",
        vec![
            ("POST /api/alerts", Reply::new(200, json!({"alertId": 5}))),
            ("GET /api/audit", Reply::new(200, json!({"entries": []}))),
        ],
    )
    .await;
    assert_eq!(
        targets(&server),
        ["GET /api/jobs/7", "POST /api/alerts", "GET /api/audit"]
    );
    assert_eq!(out.state, "queued");
    assert_eq!(out.alert_id, Some(5));
    assert_eq!(out.entries, Some(vec![]));
}
