//! Arazzo features end to end, on the shop fixture (`tests/fixtures/shop.arazzo.yml`):
//! `goto` loops whose steps read their own previous outputs, conditions with `&&`, `||`
//! and `!=`, `regex` criteria, form and JSON bodies, header templates, component and
//! workflow-level parameters, failure `goto`, `Retry-After` over `retryAfter`, outputs of
//! skipped steps as `None`, API-key auth, and the step budget.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

use arazzo_mocks::{MockServer, RecordedRequest};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use serde_json::{json, Value};

mod shop {
    // The fixture uses the forms other runners accept (a step's output read through the
    // workflow it runs, `$workflows.x` without `dependsOn`) and sends an API key header the
    // operation does not declare; each is a warning.
    arazzo::arazzo_workflow!(
        "fixtures/shop.arazzo.yml",
        allow = [
            "nonstandard-form",
            "undeclared-dependency",
            "unknown-parameter"
        ],
    );
}

const KEY: &str = "k-123";

#[derive(Default)]
struct Shop {
    /// Whether `POST /orders` answers 409.
    out_of_stock: bool,
    /// Reads of `GET /orders/{id}` so far.
    polls: AtomicU32,
}

fn authorized(headers: &HeaderMap) -> bool {
    headers.get("x-api-key").and_then(|v| v.to_str().ok()) == Some(KEY)
}

async fn list_items(headers: HeaderMap, Query(query): Query<Vec<(String, String)>>) -> Response {
    if !authorized(&headers) {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let page: u32 = query
        .iter()
        .find(|(k, _)| k == "page")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(1);
    let next = if page < 3 {
        json!(page + 1)
    } else {
        json!(null)
    };
    let items = json!([{"id": page * 10, "name": format!("item {page}")}]);
    (
        [("x-total", "3")],
        Json(json!({"items": items, "next": next})),
    )
        .into_response()
}

async fn login(Form(form): Form<Vec<(String, String)>>) -> Response {
    let ok = form.contains(&("username".into(), "ada".into()))
        && form.contains(&("password".into(), "p&ss word".into()));
    if ok {
        Json(json!({"token": "tok-1"})).into_response()
    } else {
        StatusCode::UNAUTHORIZED.into_response()
    }
}

async fn create_order(
    State(shop): State<Arc<Shop>>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    if !authorized(&headers)
        || headers.get("authorization").and_then(|v| v.to_str().ok()) != Some("Bearer tok-1")
    {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    if shop.out_of_stock {
        return (StatusCode::CONFLICT, Json(json!({"error": "out of stock"}))).into_response();
    }
    (
        StatusCode::CREATED,
        Json(json!({"id": 7, "status": "pending", "echo": body})),
    )
        .into_response()
}

async fn get_order(State(shop): State<Arc<Shop>>, Path(id): Path<u32>) -> Response {
    match shop.polls.fetch_add(1, Ordering::SeqCst) {
        // Busy: the header asks for 1 s, which wins over the action's 10 s.
        0 => (
            StatusCode::SERVICE_UNAVAILABLE,
            [("retry-after", "1")],
            "busy",
        )
            .into_response(),
        1 => Json(json!({"id": id, "status": "pending"})).into_response(),
        _ => Json(json!({"id": id, "status": "paid"})).into_response(),
    }
}

async fn start(shop: Shop) -> MockServer {
    let router = Router::new()
        .route("/api/items", get(list_items))
        .route("/api/login", post(login))
        .route("/api/orders", post(create_order))
        .route("/api/orders/{id}", get(get_order))
        .with_state(Arc::new(shop));
    MockServer::start(router).await
}

fn client(server: &MockServer) -> arazzo::Client {
    arazzo::Client::builder()
        .base_url("shop", format!("{}/api", server.base_url()))
        .api_key(KEY)
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_goto_loop_pages_with_its_own_previous_outputs() {
    let server = start(Shop::default()).await;
    let out = shop::browse_all_items(
        &client(&server),
        shop::BrowseAllItemsInputs {
            tags: Some(vec!["red".into(), "blue green".into()]),
        },
    )
    .await
    .unwrap();
    let requests = server.requests();
    assert_eq!(
        requests
            .iter()
            .map(RecordedRequest::target)
            .collect::<Vec<_>>(),
        [
            "GET /api/items?tag=red,blue%20green",
            "GET /api/items?page=2&tag=red,blue%20green",
            "GET /api/items?page=3&tag=red,blue%20green",
        ]
    );
    for r in &requests {
        // The workflow-level parameter, from `components.parameters`.
        assert_eq!(r.header("x-request-id"), Some("arazzo-e2e"));
        assert_eq!(r.header("x-api-key"), Some(KEY));
    }
    // Typed from the schema: `items[0].id` is an integer (an `Option`, since a page may be
    // empty), the header a string.
    let last_first_id: Option<i64> = out.last_first_id;
    assert_eq!(last_first_id, Some(30));
    assert_eq!(out.total.as_deref(), Some("3"));
}

#[tokio::test(start_paused = true)]
async fn an_order_is_placed_and_polled_until_paid() {
    let server = start(Shop::default()).await;
    let started = tokio::time::Instant::now();
    let out = shop::place_order(
        &client(&server),
        shop::PlaceOrderInputs {
            item_id: 42,
            quantity: 2,
            note: None,
            username: "ada".into(),
            password: "p&ss word".into(),
        },
    )
    .await
    .unwrap();
    assert_eq!(out.order_id, Some(7));
    assert_eq!(out.status, Some(shop::types::OrderStatus::Paid));
    assert_eq!(out.available, None);

    let requests = server.requests();
    assert_eq!(
        requests
            .iter()
            .map(RecordedRequest::target)
            .collect::<Vec<_>>(),
        [
            "POST /api/login",
            "POST /api/orders",
            "GET /api/orders/7",
            "GET /api/orders/7",
            "GET /api/orders/7",
        ]
    );
    assert_eq!(
        requests[0].body_text(),
        "username=ada&password=p%26ss%20word"
    );
    assert_eq!(
        requests[0].header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    // `login` has `security: []`: no key.
    assert_eq!(requests[0].header("x-api-key"), None);
    assert_eq!(requests[1].header("authorization"), Some("Bearer tok-1"));
    // A component parameter with a `value` override holding a template.
    assert_eq!(requests[1].header("x-request-id"), Some("order-42"));
    assert_eq!(
        requests[1].json,
        Some(json!({"itemId": 42, "quantity": 2, "source": "arazzo"}))
    );
    // 503 with `Retry-After: 1`, then `pending` with the action's 10 s.
    assert_eq!(started.elapsed(), Duration::from_secs(11));
}

#[tokio::test]
async fn a_failure_goto_takes_the_other_branch() {
    let server = start(Shop {
        out_of_stock: true,
        ..Shop::default()
    })
    .await;
    let out = shop::place_order(
        &client(&server),
        shop::PlaceOrderInputs {
            item_id: 1,
            quantity: 1,
            note: Some("gift".into()),
            username: "ada".into(),
            password: "p&ss word".into(),
        },
    )
    .await
    .unwrap();
    // `createOrder` failed over to `reportConflict`: its output is absent, and outputs of
    // steps that a successful run may skip are `Option`s.
    let order_id: Option<i64> = out.order_id;
    assert_eq!(order_id, None);
    assert_eq!(out.status, None);
    assert_eq!(
        out.available,
        Some(vec![shop::types::Item {
            id: 10,
            name: "item 1".to_owned()
        }])
    );
    let requests = server.requests();
    assert_eq!(
        requests
            .iter()
            .map(RecordedRequest::target)
            .collect::<Vec<_>>(),
        ["POST /api/login", "POST /api/orders", "GET /api/items"]
    );
    assert_eq!(
        requests[1].json,
        Some(json!({"itemId": 1, "quantity": 1, "note": "gift", "source": "arazzo"}))
    );
}

#[tokio::test]
async fn wrong_credentials_fail_the_first_step() {
    let server = start(Shop::default()).await;
    let error = shop::place_order(
        &client(&server),
        shop::PlaceOrderInputs {
            item_id: 1,
            quantity: 1,
            note: None,
            username: "ada".into(),
            password: "wrong".into(),
        },
    )
    .await
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        "step `login` of workflow `place-order`: unexpected status 401 (expected `$statusCode == 200`)"
    );
}

#[tokio::test]
async fn the_step_budget_stops_a_goto_loop() {
    let server = start(Shop::default()).await;
    let client = arazzo::Client::builder()
        .base_url("shop", format!("{}/api", server.base_url()))
        .api_key(KEY)
        .max_step_executions(5)
        .build()
        .unwrap();
    let error = shop::ping_forever(&client, shop::PingForeverInputs {})
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "workflow `ping-forever` executed more than 5 steps; a `goto` loop may never end (raise the limit with `ClientBuilder::max_step_executions`)"
    );
    assert_eq!(server.requests().len(), 5);
}

#[tokio::test(start_paused = true)]
async fn a_step_runs_another_workflow_and_reads_its_outputs() {
    let server = start(Shop::default()).await;
    let started = tokio::time::Instant::now();
    let out = shop::order_and_confirm(
        &client(&server),
        shop::OrderAndConfirmInputs {
            item_id: 5,
            username: "ada".into(),
            password: "p&ss word".into(),
        },
    )
    .await
    .unwrap();
    // `place-order`'s `orderId` is an `Option<i64>`, and so is this workflow's.
    let order_id: Option<i64> = out.order_id;
    assert_eq!(order_id, Some(7));
    assert_eq!(out.confirmed_status, Some(shop::types::OrderStatus::Paid));
    let requests = server.requests();
    assert_eq!(
        requests
            .iter()
            .map(RecordedRequest::target)
            .collect::<Vec<_>>(),
        [
            "POST /api/login",
            "POST /api/orders",
            "GET /api/orders/7",
            "GET /api/orders/7",
            "GET /api/orders/7",
            "GET /api/orders/7",
        ]
    );
    assert_eq!(
        requests[1].json,
        Some(json!({"itemId": 5, "quantity": 1, "source": "arazzo"}))
    );
    assert_eq!(started.elapsed(), Duration::from_secs(11));
}

#[tokio::test]
async fn a_failing_called_workflow_fails_the_caller_with_its_error() {
    let server = start(Shop::default()).await;
    let error = shop::order_and_confirm(
        &client(&server),
        shop::OrderAndConfirmInputs {
            item_id: 5,
            username: "ada".into(),
            password: "nope".into(),
        },
    )
    .await
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        "step `login` of workflow `place-order`: unexpected status 401 (expected `$statusCode == 200`)"
    );
}

mod validation {
    arazzo::arazzo_workflow!("fixtures/validation.arazzo.yml");
}

/// A change that makes valid inputs invalid.
type Change = fn(&mut validation::TaggedItemsInputs);

fn valid_inputs() -> validation::TaggedItemsInputs {
    validation::TaggedItemsInputs {
        email: "ada@example.com".into(),
        roles: Some(vec!["admin".into()]),
        groups: None,
        message: Some("é".repeat(500)),
        page: Some(2),
        profile: Some(validation::TaggedItemsInputsProfile {
            locale: Some(validation::TaggedItemsInputsProfileLocale::Fr),
        }),
    }
}

#[tokio::test]
async fn inputs_are_validated_before_any_request() {
    let server = start(Shop::default()).await;
    let client = client(&server);
    let cases: Vec<(Change, &str)> = vec![
        (
            |i| i.email = "not an email".into(),
            "`email` must match the pattern `^[^@\\s]+@[^@\\s]+$`",
        ),
        (
            |i| i.roles = None,
            "at least one of `roles` or `groups` is required",
        ),
        (
            |i| i.roles = Some(vec![]),
            "`roles` must have at least 1 item",
        ),
        (
            |i| i.message = Some("x".repeat(501)),
            "`message` must be at most 500 characters long",
        ),
        (|i| i.page = Some(0), "`page` must be at least 1"),
        (|i| i.page = Some(101), "`page` must be at most 100"),
    ];
    for (change, message) in cases {
        let mut inputs = valid_inputs();
        change(&mut inputs);
        let error = validation::tagged_items(&client, inputs).await.unwrap_err();
        assert_eq!(
            error.to_string(),
            format!("workflow `tagged-items`: invalid inputs: {message}")
        );
    }
    // A string `enum` is a Rust enum, so only the JSON entry point can pass another value.
    let mut json = serde_json::to_value(valid_inputs()).unwrap();
    json["profile"]["locale"] = json!("de");
    let error = validation::run_workflow(&client, "tagged-items", json)
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "workflow `tagged-items`: invalid inputs: unknown variant `de`, expected `en` or `fr`"
    );
    assert_eq!(server.requests().len(), 0);

    // Groups alone satisfy the `anyOf`; 500 two-byte characters are 500 characters.
    let mut inputs = valid_inputs();
    inputs.roles = None;
    inputs.groups = Some(vec!["ops".into()]);
    validation::tagged_items(&client, inputs).await.unwrap();
    validation::tagged_items(&client, valid_inputs())
        .await
        .unwrap();
    assert_eq!(
        server
            .requests()
            .iter()
            .map(RecordedRequest::target)
            .collect::<Vec<_>>(),
        ["GET /api/items?page=2", "GET /api/items?page=2&tag=admin"]
    );
}

#[tokio::test]
async fn dependencies_run_first_and_their_values_are_readable() {
    let server = start(Shop::default()).await;
    let out = shop::order_after_login(
        &client(&server),
        shop::OrderAfterLoginInputs {
            username: "ada".into(),
            password: "p&ss word".into(),
        },
    )
    .await
    .unwrap();
    assert_eq!(out.id, 7);
    let requests = server.requests();
    assert_eq!(
        requests
            .iter()
            .map(RecordedRequest::target)
            .collect::<Vec<_>>(),
        ["POST /api/login", "POST /api/orders"]
    );
    assert_eq!(requests[1].header("authorization"), Some("Bearer tok-1"));
    assert_eq!(
        requests[1].json,
        // After the payload's `replacements`: one member replaced, one added.
        Some(json!({"itemId": 3, "quantity": 2, "note": "for ada", "source": "via ada"}))
    );
}

#[tokio::test]
async fn a_step_reads_the_outputs_of_the_workflow_it_runs_as_its_own() {
    let server = start(Shop::default()).await;
    // The step sends the API key itself; the client's would be refused.
    let client = arazzo::Client::builder()
        .base_url("shop", format!("{}/api", server.base_url()))
        .api_key("k-client")
        .build()
        .unwrap();
    let out = shop::order_with_login_outputs(
        &client,
        shop::OrderWithLoginOutputsInputs {
            username: "ada".into(),
            password: "p&ss word".into(),
        },
    )
    .await
    .unwrap();
    // Typed from `log-in`'s output, which the step does not declare.
    let token: String = out.token;
    assert_eq!((token.as_str(), out.id), ("tok-1", 7));
    assert_eq!(out.login_token, "tok-1");
    let requests = server.requests();
    assert_eq!(
        requests
            .iter()
            .map(RecordedRequest::target)
            .collect::<Vec<_>>(),
        ["POST /api/login", "POST /api/orders"]
    );
    assert_eq!(requests[1].header("authorization"), Some("Bearer tok-1"));
    // The step's header replaces the workflow's of the same name in another case.
    let request_ids: Vec<&(String, String)> = requests[1]
        .headers
        .iter()
        .filter(|(name, _)| name.eq_ignore_ascii_case("x-request-id"))
        .collect();
    assert_eq!(
        request_ids,
        [&("x-request-id".to_owned(), "order-4".to_owned())]
    );
    let api_keys: Vec<&str> = requests[1]
        .headers
        .iter()
        .filter(|(name, _)| name == "x-api-key")
        .map(|(_, value)| value.as_str())
        .collect();
    assert_eq!(api_keys, ["k-123"]);
}
