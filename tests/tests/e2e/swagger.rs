//! A workflow whose source is a Swagger 2.0 description, end to end: the description is
//! converted to OpenAPI 3.0 while the macro expands, so path, query (`collectionFormat:
//! pipes`), header, form (`formData`) and JSON (`in: body`) parameters go out as the
//! Swagger document describes them, the `basePath` prefixes every path, the API key goes
//! in its header, and outputs are typed from `definitions`.

use arazzo_mocks::{MockServer, RecordedRequest};
use axum::extract::Path;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use serde_json::{json, Value};

mod pets {
    arazzo::arazzo_workflow!("fixtures/swagger-pets.arazzo.yml");
}

const KEY: &str = "key-7";

fn authorized(headers: &HeaderMap) -> bool {
    headers.get("api_key").and_then(|v| v.to_str().ok()) == Some(KEY)
}

async fn get_pet(headers: HeaderMap, Path(id): Path<i64>) -> Response {
    if !authorized(&headers) {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    if id != 7 {
        return (
            StatusCode::NOT_FOUND,
            Json(json!({"message": "no such pet"})),
        )
            .into_response();
    }
    Json(json!({"id": 7, "name": "Rex", "status": "available", "tag": null})).into_response()
}

async fn update_pet(
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    if !authorized(&headers) {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let name = form
        .iter()
        .find(|(k, _)| k == "name")
        .map(|(_, v)| v.clone());
    Json(json!({"id": id, "name": name, "status": "sold"})).into_response()
}

async fn place_order(headers: HeaderMap, Json(order): Json<Value>) -> Response {
    if !authorized(&headers) {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    Json(json!({"id": 1001, "petId": order["petId"], "quantity": order["quantity"]}))
        .into_response()
}

async fn start() -> MockServer {
    let router = Router::new()
        .route("/v2/pets/{id}", get(get_pet))
        .route("/v2/pets/{id}/form", post(update_pet))
        .route("/v2/store/orders", post(place_order));
    MockServer::start(router).await
}

fn client(server: &MockServer, key: &str) -> arazzo::Client {
    arazzo::Client::builder()
        .base_url("pets", format!("{}/v2", server.base_url()))
        .api_key(key)
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_swagger_2_source_runs_with_its_parameters_bodies_and_types() {
    let server = start().await;
    let out = pets::buy_pet(&client(&server, KEY), pets::BuyPetInputs { pet_id: 7 })
        .await
        .unwrap();
    // Typed from `definitions`: `Pet.name` is a string, `Order.id` an int64.
    let name: String = out.name;
    let order_id: i64 = out.order_id;
    assert_eq!(name, "Rex");
    assert_eq!(order_id, 1001);

    let requests = server.requests();
    assert_eq!(
        requests
            .iter()
            .map(RecordedRequest::target)
            .collect::<Vec<_>>(),
        [
            "GET /v2/pets/7?fields=name|status",
            "POST /v2/pets/7/form",
            "POST /v2/store/orders",
        ]
    );
    assert_eq!(requests[0].header("x-trace"), Some("buy-7"));
    assert_eq!(
        requests[1].header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(requests[1].body_text(), "name=Rex&status=sold");
    assert_eq!(requests[2].json, Some(json!({"petId": 7, "quantity": 1})));
    for r in &requests {
        assert_eq!(r.header("api_key"), Some(KEY));
    }
}

#[tokio::test]
async fn a_declared_error_response_of_a_swagger_source_is_reported() {
    let server = start().await;
    let err = pets::buy_pet(&client(&server, KEY), pets::BuyPetInputs { pet_id: 8 })
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "step `getPet` of workflow `buy-pet`: unexpected status 404 (expected `$statusCode == 200`): {\"message\":\"no such pet\"}"
    );
    assert_eq!(err.step(), Some("getPet"));
    assert_eq!(err.status(), Some(404));
    assert_eq!(server.requests().len(), 1);
}
