//! Arazzo 1.1 end to end, on the catalog fixture (`tests/fixtures/v1_1/catalog.arazzo.yml`,
//! whose source is found through its relative `$self`): Selector Objects (JSONPath, JSON
//! Pointer and XPath, with and without an Expression Type Object) in outputs, parameter
//! values, payload members and replacement values; JSONPath replacement targets; a
//! criterion naming `rfc9535`; a step `timeout`; step `dependsOn`. The mock runs on
//! 127.0.0.1 in the test and records every request.

use std::time::Duration;

use arazzo_mocks::{MockServer, RecordedRequest};
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};

mod catalog {
    arazzo::arazzo_workflow!("fixtures/v1_1/catalog.arazzo.yml");
}

async fn list_products(Query(query): Query<Vec<(String, String)>>) -> Response {
    let tag = query
        .iter()
        .find(|(k, _)| k == "tag")
        .map(|(_, v)| v.as_str());
    let items = match tag {
        Some("empty") => json!([]),
        _ => json!([
            {"id": "p1", "name": "Pencil", "price": 2.5, "tags": ["office"]},
            {"id": "p2", "name": "Lamp", "price": 40},
            {"id": "p3", "name": "Eraser", "price": 1},
        ]),
    };
    let total = items.as_array().map_or(0, Vec::len);
    Json(json!({"items": items, "total": total})).into_response()
}

async fn create_cart(Json(body): Json<Value>) -> Response {
    let count = body["productIds"].as_array().map_or(0, Vec::len);
    (
        StatusCode::CREATED,
        Json(json!({"cartId": format!("cart-{count}"), "count": count})),
    )
        .into_response()
}

async fn get_invoice(Path(id): Path<String>) -> Response {
    if id == "json" {
        return Json(json!({"invoice": 7})).into_response();
    }
    (
        [("content-type", "application/xml")],
        format!(
            r#"<Invoice><Header><Number>{id}</Number></Header><Line sku="a"/><Line sku="b"/></Invoice>"#
        ),
    )
        .into_response()
}

async fn slow() -> Response {
    tokio::time::sleep(Duration::from_secs(5)).await;
    Json(json!({"done": true})).into_response()
}

async fn start() -> MockServer {
    let router = Router::new()
        .route("/api/products", get(list_products))
        .route("/api/carts", post(create_cart))
        .route("/api/invoices/{id}", get(get_invoice))
        .route("/api/slow", get(slow));
    MockServer::start(router).await
}

fn client(server: &MockServer) -> arazzo::Client {
    arazzo::Client::builder()
        .base_url("catalog", format!("{}/api", server.base_url()))
        .build()
        .unwrap()
}

fn browse_inputs(tag: &str, max_price: f64) -> catalog::BrowseInputs {
    catalog::BrowseInputs {
        filter: catalog::BrowseInputsFilter { tag: tag.into() },
        max_price,
    }
}

#[tokio::test]
async fn selectors_read_outputs_and_build_requests() {
    let server = start().await;
    let out = catalog::browse(&client(&server), browse_inputs("office supplies", 10.0))
        .await
        .unwrap();

    let requests = server.requests();
    assert_eq!(
        requests
            .iter()
            .map(RecordedRequest::target)
            .collect::<Vec<_>>(),
        ["GET /api/products?tag=office%20supplies", "POST /api/carts"]
    );
    // A JSONPath member of a step output, a JSONPath replacement of every tag, and a
    // replacement value selected from the inputs.
    assert_eq!(
        requests[1].json,
        Some(json!({
            "productIds": ["p1", "p3"],
            "first": "Pencil",
            "note": "office supplies",
            "tags": ["sale", "sale"],
        }))
    );

    // Typed from the response schema: a singular query is the node, one that can select
    // several is an array of them.
    assert_eq!(out.first_id.as_deref(), Some("p1"));
    assert_eq!(out.names, ["Pencil", "Lamp", "Eraser"]);
    assert_eq!(out.cheap_ids, ["p1", "p3"]);
    assert_eq!(out.last_name.as_deref(), Some("Eraser"));
    assert_eq!(out.total, 3);
    assert_eq!(out.cart_id, "cart-2");
    assert_eq!(out.first_name, json!("Pencil"));
}

#[tokio::test]
async fn selectors_that_select_nothing_give_none_and_empty_arrays() {
    let server = start().await;
    let error = catalog::browse(&client(&server), browse_inputs("empty", 10.0))
        .await
        .unwrap_err();
    // The `rfc9535` criterion `$.items[?@.price > 0]` selects nothing in an empty page.
    assert_eq!(
        error.to_string(),
        "step `findProducts` of workflow `browse`: success criterion `$.items[?@.price > 0]` not met (status 200): {\"items\":[],\"total\":0}"
    );
}

#[tokio::test]
async fn xpath_selectors_read_an_xml_body() {
    let server = start().await;
    let out = catalog::read_invoice(
        &client(&server),
        catalog::ReadInvoiceInputs {
            invoice_id: "INV-9".into(),
        },
    )
    .await
    .unwrap();
    assert_eq!(out.number, json!("INV-9"));
    assert_eq!(out.lines, json!(["a", "b"]));
    assert_eq!(out.line_count, json!(2));
    // `$self` is the document's `$self`, as written.
    assert_eq!(out.document, "nested/catalog.arazzo.yml");
    assert_eq!(
        server
            .requests()
            .iter()
            .map(RecordedRequest::target)
            .collect::<Vec<_>>(),
        ["GET /api/invoices/INV-9"]
    );
}

#[tokio::test]
async fn an_xpath_selector_on_json_is_a_selector_error() {
    let server = start().await;
    let error = catalog::read_invoice(
        &client(&server),
        catalog::ReadInvoiceInputs {
            invoice_id: "json".into(),
        },
    )
    .await
    .unwrap_err();
    assert!(matches!(error, arazzo::Error::Selector { .. }), "{error:?}");
    assert_eq!(
        error.to_string(),
        "step `readInvoice` of workflow `read-invoice`: selector `/Invoice/Header/Number`: the context is a JSON object, not an XML document"
    );
}

#[tokio::test]
async fn a_step_timeout_fails_the_step_with_a_typed_error() {
    let server = start().await;
    let started = std::time::Instant::now();
    let error = catalog::wait_for_slow(&client(&server), catalog::WaitForSlowInputs {})
        .await
        .unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
    assert!(
        matches!(
            error,
            arazzo::Error::StepTimeout {
                timeout_ms: 200,
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "step `waitSlow` of workflow `wait-for-slow`: no response within the step's timeout of 200 ms"
    );
    assert_eq!(error.step(), Some("waitSlow"));
    // The slow request went out; the step that depends on it never ran.
    assert_eq!(
        server
            .requests()
            .iter()
            .map(|r| r.raw_path.clone())
            .collect::<Vec<_>>(),
        ["/api/slow"]
    );
}

#[tokio::test]
async fn embedded_expressions_are_filled_in_before_the_condition_is_compiled() {
    let server = start().await;
    // `$.items[?@.price < 1]` selects nothing: the criterion fails.
    let error = catalog::browse(&client(&server), browse_inputs("office", 1.0))
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "step `findProducts` of workflow `browse`: success criterion `$.items[?@.price < {$inputs.maxPrice}]` not met (status 200): {\"items\":[{\"id\":\"p1\",\"name\":\"Pencil\",\"price\":2.5,\"tags\":[\"office\"]},{\"id\":\"p2\",\"name\":\"Lamp\",\"price\":40},{\"id\":\"p3\",\"name\":\"Eraser\",\"price\":1}],\"total\":3}"
    );

    // An XPath with the input in it: holds on the XML invoice, fails (not an error) on JSON.
    let inputs = |id: &str| catalog::CheckInvoiceInputs {
        invoice_id: id.into(),
    };
    catalog::check_invoice(&client(&server), inputs("INV-9"))
        .await
        .unwrap();
    let error = catalog::check_invoice(&client(&server), inputs("json"))
        .await
        .unwrap_err();
    assert!(
        matches!(error, arazzo::Error::CriteriaNotMet { .. }),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "step `checkInvoice` of workflow `check-invoice`: success criterion `/Invoice/Header/Number = '{$inputs.invoiceId}'` not met (status 200): {\"invoice\":7}"
    );
}
