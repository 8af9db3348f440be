//! Arazzo 1.1 end to end on an OpenAPI 3.2 description (`tests/fixtures/v1_1/helpdesk.arazzo.yml`):
//! `in: querystring` parameters, the whole query string, as written, as a template, as an
//! object (form) and as JSON; and success and failure actions that run a workflow with
//! `parameters`. The mock runs on 127.0.0.1 in the test and records every request; the
//! assertions are on the raw request targets and bodies.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use arazzo_mocks::{MockServer, RecordedRequest};
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};

mod helpdesk {
    arazzo::arazzo_workflow!("fixtures/v1_1/helpdesk.arazzo.yml");
}

/// How many times the health of `flaky` has been asked for.
#[derive(Clone, Default)]
struct Health {
    flaky_calls: Arc<AtomicUsize>,
}

async fn search(RawQuery(query): RawQuery) -> Response {
    // The count is the number of pairs, so that outputs show what arrived.
    let count = query.map_or(0, |q| q.split('&').count());
    Json(json!({ "count": count })).into_response()
}

async fn service(State(health): State<Health>, Path(name): Path<String>) -> Response {
    match name.as_str() {
        "db" => Json(json!({"name": "db", "up": false, "severity": 3})).into_response(),
        "flaky" if health.flaky_calls.fetch_add(1, Ordering::SeqCst) == 0 => {
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
        other => Json(json!({"name": other, "up": true, "severity": 0})).into_response(),
    }
}

async fn open_ticket(Json(body): Json<Value>) -> Response {
    let id = format!("T-{}", body["title"].as_str().map_or(0, str::len));
    (StatusCode::CREATED, Json(json!({ "id": id }))).into_response()
}

async fn start() -> MockServer {
    let router = Router::new()
        .route("/api/search", get(search))
        .route("/api/filter", get(search))
        .route("/api/services/{name}", get(service))
        .route("/api/tickets", post(open_ticket))
        .with_state(Health::default());
    MockServer::start(router).await
}

fn client(server: &MockServer) -> arazzo::Client {
    arazzo::Client::builder()
        .base_url("helpdesk", format!("{}/api", server.base_url()))
        .build()
        .unwrap()
}

fn targets(server: &MockServer) -> Vec<String> {
    server
        .requests()
        .iter()
        .map(RecordedRequest::target)
        .collect()
}

#[tokio::test]
async fn a_querystring_written_out_is_sent_as_it_is_with_illegal_characters_encoded() {
    let server = start().await;
    let out = helpdesk::search_as_written(&client(&server), helpdesk::SearchAsWrittenInputs {})
        .await
        .unwrap();
    assert_eq!(
        targets(&server),
        ["GET /api/search?term=red%20shoes&page=1"]
    );
    assert_eq!(out.count, 2);
}

#[tokio::test]
async fn values_put_into_a_querystring_template_cannot_add_pairs() {
    let server = start().await;
    let out = helpdesk::search_template(
        &client(&server),
        helpdesk::SearchTemplateInputs {
            term: "a&b=c d+é#".into(),
            page: 2,
        },
    )
    .await
    .unwrap();
    assert_eq!(
        targets(&server),
        ["GET /api/search?term=a%26b%3Dc%20d%2B%C3%A9%23&page=2"]
    );
    assert_eq!(out.count, 2);
    assert_eq!(
        server.requests()[0].query,
        [
            ("term".to_owned(), "a&b=c d+é#".to_owned()),
            ("page".to_owned(), "2".to_owned())
        ]
    );
}

#[tokio::test]
async fn an_object_querystring_is_form_encoded_one_pair_per_member() {
    let server = start().await;
    helpdesk::search_form(
        &client(&server),
        helpdesk::SearchFormInputs {
            term: "x=1&y".into(),
        },
    )
    .await
    .unwrap();
    assert_eq!(targets(&server), ["GET /api/search?term=x%3D1%26y&page=2"]);
}

#[tokio::test]
async fn a_json_querystring_is_the_percent_encoded_json_text() {
    let server = start().await;
    let out = helpdesk::filter_json(
        &client(&server),
        helpdesk::FilterJsonInputs {
            status: "open & new".into(),
        },
    )
    .await
    .unwrap();
    assert_eq!(
        targets(&server),
        ["GET /api/filter?%7B%22status%22%3A%22open%20%26%20new%22%7D"]
    );
    assert_eq!(out.count, 1);
}

#[tokio::test]
async fn a_number_for_a_form_querystring_is_an_invalid_request_and_nothing_is_sent() {
    let server = start().await;
    let error = helpdesk::search_by_number(
        &client(&server),
        helpdesk::SearchByNumberInputs { number: 7 },
    )
    .await
    .unwrap_err();
    assert!(
        matches!(error, arazzo::Error::InvalidRequest { .. }),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "step `search` of workflow `search-by-number`: invalid request: querystring parameter `q` must be a string or an object, not a number"
    );
    assert!(targets(&server).is_empty());
}

#[tokio::test]
async fn a_goto_runs_the_workflow_with_the_inputs_its_parameters_read_from_the_response() {
    let server = start().await;
    helpdesk::watch_service(
        &client(&server),
        helpdesk::WatchServiceInputs {
            service: "db".into(),
        },
    )
    .await
    .unwrap();
    assert_eq!(
        targets(&server),
        ["GET /api/services/db", "POST /api/tickets"]
    );
    assert_eq!(
        server.requests()[1].json,
        Some(json!({"title": "db is down", "priority": 3}))
    );
}

#[tokio::test]
async fn a_goto_whose_criteria_do_not_hold_runs_nothing() {
    let server = start().await;
    let out = helpdesk::watch_service(
        &client(&server),
        helpdesk::WatchServiceInputs {
            service: "web".into(),
        },
    )
    .await
    .unwrap();
    assert_eq!(targets(&server), ["GET /api/services/web"]);
    assert!(out.up);
}

#[tokio::test]
async fn a_retry_runs_the_workflow_with_its_parameters_then_the_step_again() {
    let server = start().await;
    let out = helpdesk::watch_service(
        &client(&server),
        helpdesk::WatchServiceInputs {
            service: "flaky".into(),
        },
    )
    .await
    .unwrap();
    assert_eq!(
        targets(&server),
        [
            "GET /api/services/flaky",
            "POST /api/tickets",
            "GET /api/services/flaky"
        ]
    );
    // `priority` is not passed: the ticket's optional input is absent, so is the member.
    assert_eq!(
        server.requests()[1].json,
        Some(json!({"title": "health of flaky unknown (503)"}))
    );
    assert!(out.up);
}
