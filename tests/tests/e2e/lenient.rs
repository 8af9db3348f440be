//! What the specification allows beyond the OpenAPI description, end to end
//! (`tests/fixtures/lenient.arazzo.yml`): each is a warning at generation, and the run does
//! what the document says.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use arazzo_mocks::MockServer;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::json;

mod lenient {
    arazzo::arazzo_workflow!(
        "fixtures/lenient.arazzo.yml",
        allow = ["unknown-parameter", "undeclared-dependency"],
    );
}

async fn start(out_of_stock: bool) -> MockServer {
    let router = Router::new()
        .route(
            "/api/items",
            get(|| async { ([("x-total", "3")], Json(json!({"items": []}))) }),
        )
        .route(
            "/api/orders",
            post(|State(out): State<Arc<AtomicBool>>| async move {
                match out.load(Ordering::Relaxed) {
                    true => (StatusCode::CONFLICT, Json(json!({"error": "out of stock"}))),
                    false => (StatusCode::CREATED, Json(json!({"id": 7}))),
                }
            }),
        )
        .route(
            "/api/orders/{id}",
            get(|| async { Json(json!({"id": 7, "status": "paid"})) }),
        )
        .with_state(Arc::new(AtomicBool::new(out_of_stock)));
    MockServer::start(router).await
}

fn client(server: &MockServer) -> arazzo::Client {
    lenient::client_builder()
        .base_url("shop", format!("{}/api", server.base_url()))
        .api_key("k")
        .build()
        .unwrap()
}

/// A query parameter and a cookie the operation does not declare are sent, with the
/// location's default style.
#[tokio::test]
async fn undeclared_parameters_are_sent() {
    let server = start(false).await;
    let out = lenient::browse(&client(&server), lenient::BrowseInputs::default())
        .await
        .unwrap();
    assert_eq!(out.total.as_deref(), Some("3"));
    let request = &server.requests()[0];
    assert_eq!(request.raw_query.as_deref(), Some("page=1&sort=name"));
    let cookie = request.headers.iter().find(|(name, _)| name == "cookie");
    assert_eq!(cookie.map(|(_, v)| v.as_str()), Some("session=s-1"));
}

/// `$statusCode == 201 || $statusCode == 409`: an output the `201` declares and the `409`
/// does not is an `Option`, `None` when the other status answers.
#[tokio::test]
async fn outputs_of_either_accepted_status() {
    let server = start(false).await;
    let inputs = || lenient::OrderOrExplainInputs { item_id: 1 };
    let created = lenient::order_or_explain(&client(&server), inputs())
        .await
        .unwrap();
    assert_eq!((created.id, created.problem), (Some(7), None));
    let server = start(true).await;
    let explained = lenient::order_or_explain(&client(&server), inputs())
        .await
        .unwrap();
    assert_eq!(explained.id, None);
    assert_eq!(explained.problem.as_deref(), Some("out of stock"));
}

/// `$workflows.browse` in a workflow that does not list `browse` in `dependsOn`, and whose
/// steps do not run it: `browse` runs first, as a dependency would.
#[tokio::test]
async fn an_unlisted_workflow_that_is_read_runs_first() {
    let server = start(false).await;
    let out = lenient::report(&client(&server), lenient::ReportInputs::default())
        .await
        .unwrap();
    assert_eq!(out.total, json!("3"));
    let paths: Vec<String> = server
        .requests()
        .iter()
        .map(|r| r.raw_path.clone())
        .collect();
    assert_eq!(paths, ["/api/items", "/api/orders/7"]);
}
