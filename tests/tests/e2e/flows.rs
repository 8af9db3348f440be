//! Workflow-level control flow end to end, on `tests/fixtures/flows.arazzo.yml`: success
//! criteria and a `retry` on a step that runs a workflow of another Arazzo document
//! (`type: arazzo`), a `retry` that runs a step first, a `retry` that runs a workflow
//! first, a `goto` to a workflow, `dependsOn` across documents, and the step budget across
//! workflows.

use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

use arazzo_mocks::{MockServer, RecordedRequest};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::json;

mod flows {
    // A criterion checks for `401`, which the operation does not declare (a warning).
    arazzo::arazzo_workflow!("fixtures/flows.arazzo.yml", allow = ["undeclared-status"]);
}

#[derive(Default)]
struct Shop {
    /// `POST /login` always answers the token `locked`.
    locked: bool,
    /// Logins so far.
    logins: AtomicU32,
    /// `POST /orders` without a token answers 409 until restocked.
    restocked: AtomicBool,
    /// Restocking does not help.
    never_in_stock: bool,
}

async fn login(State(shop): State<Arc<Shop>>) -> Response {
    if shop.locked {
        return Json(json!({"token": "locked"})).into_response();
    }
    // `dependsOn` gets tok-1; the step `auth` is refused once, then gets tok-1 (which
    // orders reject), then tok-2.
    match shop.logins.fetch_add(1, Ordering::SeqCst) {
        1 => StatusCode::UNAUTHORIZED.into_response(),
        0 | 2 => Json(json!({"token": "tok-1"})).into_response(),
        _ => Json(json!({"token": "tok-2"})).into_response(),
    }
}
async fn create_order(State(shop): State<Arc<Shop>>, headers: HeaderMap) -> Response {
    let created = || {
        (
            StatusCode::CREATED,
            Json(json!({"id": 7, "status": "pending"})),
        )
    };
    match headers.get("authorization").and_then(|v| v.to_str().ok()) {
        // Only the second token is accepted.
        Some("Bearer tok-2") => created().into_response(),
        Some(_) => StatusCode::UNAUTHORIZED.into_response(),
        None if shop.restocked.load(Ordering::SeqCst) => created().into_response(),
        None => (StatusCode::CONFLICT, Json(json!({"error": "out of stock"}))).into_response(),
    }
}

async fn list_items(
    State(shop): State<Arc<Shop>>,
    Query(query): Query<Vec<(String, String)>>,
) -> Response {
    if query.contains(&("tag".into(), "restock".into())) && !shop.never_in_stock {
        shop.restocked.store(true, Ordering::SeqCst);
    }
    Json(json!({"items": [], "next": null})).into_response()
}

async fn start(shop: Shop) -> MockServer {
    let router = Router::new()
        .route("/api/login", post(login))
        .route("/api/orders", post(create_order))
        .route("/api/items", get(list_items))
        .with_state(Arc::new(shop));
    MockServer::start(router).await
}

fn client(server: &MockServer) -> arazzo::Client {
    arazzo::Client::builder()
        .base_url("shop", format!("{}/api", server.base_url()))
        .api_key("k")
        .build()
        .unwrap()
}

fn order_inputs() -> flows::OrderWithTokenInputs {
    flows::OrderWithTokenInputs {
        username: "ada".into(),
        password: "pw".into(),
        item_id: 3,
    }
}

#[tokio::test(start_paused = true)]
async fn a_workflow_step_retries_and_a_rejected_token_runs_that_step_again() {
    let server = start(Shop::default()).await;
    let started = tokio::time::Instant::now();
    let out = flows::order_with_token(&client(&server), order_inputs())
        .await
        .unwrap();
    let requests = server.requests();
    assert_eq!(
        requests
            .iter()
            .map(RecordedRequest::target)
            .collect::<Vec<_>>(),
        [
            "POST /api/login",  // dependsOn: log-in of the other document, tok-1
            "POST /api/login",  // step auth: 401, the workflow fails, retry after 2 s
            "POST /api/login",  // step auth again: tok-1
            "POST /api/orders", // rejected: retry, running `auth` first, after 0.5 s
            "POST /api/login",  // step auth: tok-2
            "POST /api/orders", // accepted
        ]
    );
    assert_eq!(requests[3].header("authorization"), Some("Bearer tok-1"));
    assert_eq!(requests[5].header("authorization"), Some("Bearer tok-2"));
    assert_eq!(requests[5].body_text(), r#"{"itemId":3,"quantity":1}"#);
    assert_eq!(out.first_token, json!("tok-1"));
    assert_eq!(out.token, "tok-2");
    assert_eq!(out.order_id, 7);
    assert_eq!(started.elapsed(), Duration::from_millis(2500));
}

#[tokio::test(start_paused = true)]
async fn outputs_that_miss_the_criteria_fail_the_step_after_its_retry() {
    let server = start(Shop {
        locked: true,
        ..Shop::default()
    })
    .await;
    let started = tokio::time::Instant::now();
    let error = flows::order_with_token(&client(&server), order_inputs())
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "step `auth` of workflow `order-with-token`: success criterion `$outputs.token != 'locked'` \
         not met by the outputs of workflow `log-in` after 2 attempts"
    );
    assert!(matches!(
        error,
        arazzo::Error::WorkflowCriteriaNotMet { attempts: 2, .. }
    ));
    assert_eq!(
        server
            .requests()
            .iter()
            .map(RecordedRequest::target)
            .collect::<Vec<_>>(),
        ["POST /api/login", "POST /api/login", "POST /api/login"]
    );
    assert_eq!(started.elapsed(), Duration::from_secs(2));
}

#[tokio::test(start_paused = true)]
async fn a_retry_runs_a_workflow_first() {
    let server = start(Shop::default()).await;
    let started = tokio::time::Instant::now();
    let out = flows::checkout(&client(&server), flows::CheckoutInputs { item_id: 3 })
        .await
        .unwrap();
    assert_eq!(
        server
            .requests()
            .iter()
            .map(RecordedRequest::target)
            .collect::<Vec<_>>(),
        [
            "POST /api/orders",
            "GET /api/items?tag=restock&page=3",
            "POST /api/orders",
        ]
    );
    assert_eq!(out.order_id, Some(7));
    assert_eq!(started.elapsed(), Duration::from_secs(1));
}

#[tokio::test(start_paused = true)]
async fn after_the_retries_a_goto_hands_over_to_another_workflow() {
    let server = start(Shop {
        never_in_stock: true,
        ..Shop::default()
    })
    .await;
    let out = flows::checkout(&client(&server), flows::CheckoutInputs { item_id: 3 })
        .await
        .unwrap();
    assert_eq!(
        server
            .requests()
            .iter()
            .map(RecordedRequest::target)
            .collect::<Vec<_>>(),
        [
            "POST /api/orders",
            "GET /api/items?tag=restock&page=3",
            "POST /api/orders",
            "GET /api/items?tag=report&page=3",
        ]
    );
    // `checkout` ended when control went to `report`: the order never succeeded.
    assert_eq!(out.order_id, None);
}

#[tokio::test]
async fn the_step_budget_stops_a_workflow_that_goes_to_itself() {
    let server = start(Shop::default()).await;
    let client = arazzo::Client::builder()
        .base_url("shop", format!("{}/api", server.base_url()))
        .api_key("k")
        .max_step_executions(5)
        .build()
        .unwrap();
    let error = flows::ping_self(&client, flows::PingSelfInputs {})
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "workflow `ping-self` executed more than 5 steps; a `goto` loop may never end \
         (raise the limit with `ClientBuilder::max_step_executions`)"
    );
    assert_eq!(server.requests().len(), 5);
}
