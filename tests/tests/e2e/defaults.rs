//! Input defaults end to end (`tests/fixtures/defaults.arazzo.yml`): a property with a
//! `default` is a plain field that the default fills when it is left out, by `Default`, by
//! the builder, and by serde on the JSON entry point; the requests carry the defaults.

use arazzo_mocks::MockServer;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};

mod defaults {
    arazzo::arazzo_workflow!("fixtures/defaults.arazzo.yml");
}

use defaults::{BrowseInputs, BrowseInputsFilters, BrowseInputsSort, OrderInputs};

async fn start() -> MockServer {
    let router = Router::new()
        .route(
            "/api/items",
            get(|| async { Json(json!({"items": [], "next": null})) }),
        )
        .route(
            "/api/orders",
            post(|Json(body): Json<Value>| async move {
                (StatusCode::CREATED, Json(json!({"id": 7, "echo": body})))
            }),
        );
    MockServer::start(router).await
}

fn client(server: &MockServer) -> arazzo::Client {
    arazzo::Client::builder()
        .base_url("shop", format!("{}/api", server.base_url()))
        .api_key("k")
        .build()
        .unwrap()
}

#[test]
fn default_fills_every_field_with_a_default() {
    let inputs = BrowseInputs::default();
    assert_eq!(inputs.page, 2);
    assert_eq!(inputs.tags, ["new", "sale"]);
    assert_eq!(inputs.sort, BrowseInputsSort::Price);
    // The object's own default, with its property's default where it leaves one out.
    assert_eq!(
        inputs.filters,
        BrowseInputsFilters {
            in_stock: Some(true),
            max_price: -0.5,
        }
    );
    assert_eq!(inputs.labels.get("a"), Some(&1));
    assert_eq!(inputs.extra, json!({"any": [1, "two", null]}));
    assert_eq!(inputs.request_id, None);
    // Serde fills the same defaults for fields a JSON value leaves out.
    let decoded: BrowseInputs = serde_json::from_value(json!({"page": 5})).unwrap();
    assert_eq!(
        decoded,
        BrowseInputs {
            page: 5,
            ..BrowseInputs::default()
        }
    );
}

#[tokio::test]
async fn defaults_are_sent() {
    let server = start().await;
    let out = defaults::browse(&client(&server), BrowseInputs::default())
        .await
        .unwrap();
    assert_eq!(out.page, 2);
    assert_eq!(out.sort, BrowseInputsSort::Price);
    assert_eq!(out.tags, ["new", "sale"]);
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(
        requests[0].raw_query.as_deref(),
        Some("page=2&tag=new,sale")
    );
}

#[tokio::test]
async fn the_builder_fills_defaults_and_requires_the_rest() {
    let server = start().await;
    let inputs = OrderInputs::builder().item_id(42).build().unwrap();
    assert_eq!(
        inputs,
        OrderInputs {
            item_id: 42,
            quantity: 1,
            note: "leave at the door".to_owned(),
            source: None,
        }
    );
    let out = defaults::order(&client(&server), inputs).await.unwrap();
    assert_eq!(out.id, 7);
    assert_eq!(
        server.requests()[0].json,
        Some(json!({"itemId": 42, "quantity": 1, "note": "leave at the door"}))
    );

    let set = OrderInputs::builder()
        .item_id(1)
        .quantity(3)
        .note("ring twice")
        .source("web")
        .build()
        .unwrap();
    assert_eq!((set.quantity, set.note.as_str()), (3, "ring twice"));
    assert_eq!(set.source.as_deref(), Some("web"));

    let missing = OrderInputs::builder().quantity(2).build().unwrap_err();
    assert_eq!(
        missing.to_string(),
        "`itemId` of `OrderInputs` was not set, and it is required and has no default"
    );
    let converted: Result<OrderInputs, arazzo::MissingField> = OrderInputs::builder().try_into();
    assert_eq!(
        converted.unwrap_err(),
        arazzo::MissingField {
            type_name: "OrderInputs",
            field: "itemId",
        }
    );
}

/// A required input with a default is still required of JSON inputs (the schema says
/// so); the default serves `Default` and the builder.
#[tokio::test]
async fn json_inputs_get_the_defaults_of_optional_fields_only() {
    let server = start().await;
    let client = client(&server);
    let out = defaults::run_workflow(&client, "order", json!({"itemId": 5, "quantity": 2}))
        .await
        .unwrap();
    assert_eq!(out, json!({"id": 7}));
    assert_eq!(
        server.requests()[0].json,
        Some(json!({"itemId": 5, "quantity": 2, "note": "leave at the door"}))
    );
    let error = defaults::run_workflow(&client, "order", json!({"itemId": 5}))
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "workflow `order`: invalid inputs: missing field `quantity`"
    );
}
