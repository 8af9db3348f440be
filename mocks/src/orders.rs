//! The orders API of the messaging example (`examples/arazzo/orders.openapi.yml`):
//! `POST /orders` stores nothing and answers `201` with an id derived from the order
//! (`ord-<quantity>`), so tests can predict it.

use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{json, Value};

use crate::MockServer;

/// Starts the orders API on 127.0.0.1.
pub async fn start() -> MockServer {
    MockServer::start(router()).await
}

/// The API's routes, for tests that serve them themselves.
pub fn router() -> Router {
    Router::new().route("/orders", post(create_order))
}

async fn create_order(Json(order): Json<Value>) -> (StatusCode, Json<Value>) {
    let id = format!("ord-{}", order["quantity"]);
    (
        StatusCode::CREATED,
        Json(json!({ "id": id, "status": "new" })),
    )
}
