//! XML and multipart end to end, on the records fixture (`tests/fixtures/records.arazzo.yml`):
//! `xpath` criteria (default XPath 3.1 and the `xpath-10` / `xpath-30` type objects, with
//! and without `context`), an XML payload edited by XPath replacements, an XML template
//! whose values are escaped, a
//! `multipart/form-data` upload with a JSON part and an OpenAPI `encoding` content type,
//! and `$request.header|query|path|body` in criteria, action criteria and outputs.
//! The mock runs on 127.0.0.1 in the test; it answers with what it was sent so that the
//! criteria and outputs show the exact requests.

use std::sync::{Arc, Mutex};

use arazzo_mocks::{MockServer, RecordedRequest};
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::json;

mod records {
    arazzo::arazzo_workflow!("fixtures/records.arazzo.yml");
}

/// How the mock answers `GET /orders/{id}`.
#[derive(Clone, Copy, Default, PartialEq)]
enum Read {
    #[default]
    Xml,
    /// The order with another SKU: the `xpath-30` criterion fails.
    OtherSku,
    /// JSON instead of XML.
    Json,
}

#[derive(Default)]
struct Records {
    read: Read,
    /// The parts of the last upload: (name, content type, text).
    parts: Mutex<Vec<(String, Option<String>, String)>>,
}

async fn create_order(body: String) -> Response {
    // The mock answers with the customer it was sent, so the criteria see the request.
    let accepted = body.contains("<customer>Ada</customer>");
    let status = if accepted { "accepted" } else { "rejected" };
    (
        StatusCode::CREATED,
        [("content-type", "application/xml"), ("x-order-id", "42")],
        format!(r#"<order id="42"><status>{status}</status></order>"#),
    )
        .into_response()
}

async fn get_order(State(records): State<Arc<Records>>, Path(id): Path<String>) -> Response {
    let sku = if records.read == Read::OtherSku {
        "other"
    } else {
        "sku-7"
    };
    match records.read {
        Read::Json => Json(json!({"id": id, "items": [{"sku": sku}]})).into_response(),
        _ => (
            [("content-type", "application/xml")],
            format!(r#"<order id="{id}"><status>accepted</status><item sku="{sku}"/></order>"#),
        )
            .into_response(),
    }
}

async fn upload(State(records): State<Arc<Records>>, mut multipart: Multipart) -> Response {
    let mut parts = Vec::new();
    while let Ok(Some(field)) = multipart.next_field().await {
        let name = field.name().unwrap_or_default().to_owned();
        let content_type = field.content_type().map(str::to_owned);
        let text = field.text().await.unwrap_or_default();
        parts.push((name, content_type, text));
    }
    *records.parts.lock().unwrap() = parts;
    (StatusCode::CREATED, Json(json!({"id": "doc-1"}))).into_response()
}

async fn start(records: Arc<Records>) -> MockServer {
    let router = Router::new()
        .route("/api/orders", post(create_order))
        .route("/api/orders/{id}", get(get_order))
        .route("/api/documents", post(upload))
        .with_state(records);
    MockServer::start(router).await
}

fn client(server: &MockServer) -> arazzo::Client {
    arazzo::Client::builder()
        .base_url("records", format!("{}/api", server.base_url()))
        .build()
        .unwrap()
}

fn order_inputs(customer: &str) -> records::PlaceOrderInputs {
    records::PlaceOrderInputs {
        customer: customer.into(),
        sku: "sku-7".into(),
        request_id: "req-1".into(),
    }
}

const SENT_ORDER: &str = r#"<order><customer>Ada</customer><item sku="sku-7" qty="1"/></order>"#;

/// Generated workflows stay `Send` although XPath evaluation uses values that are not
/// (they live only inside a synchronous call).
#[test]
fn workflow_futures_are_send() {
    fn assert_send<T: Send>(_: &T) {}
    let client = arazzo::Client::builder().build().unwrap();
    let future = records::place_order(&client, order_inputs("Ada"));
    assert_send(&future);
    let upload = records::upload_document(
        &client,
        records::UploadDocumentInputs {
            title: "t".into(),
            author: "a".into(),
            tags: None,
        },
    );
    assert_send(&upload);
}

#[tokio::test]
async fn an_xml_order_is_placed_with_xpath_replacements_and_checked_with_xpath() {
    let server = start(Arc::default()).await;
    let out = records::place_order(&client(&server), order_inputs("Ada"))
        .await
        .unwrap();

    let requests = server.requests();
    assert_eq!(
        requests
            .iter()
            .map(RecordedRequest::target)
            .collect::<Vec<_>>(),
        ["POST /api/orders?dryRun=false", "GET /api/orders/42"]
    );
    assert_eq!(requests[0].body_text(), SENT_ORDER);
    assert_eq!(requests[0].header("content-type"), Some("application/xml"));
    assert_eq!(requests[0].header("x-request-id"), Some("req-1"));

    // `$request.*` in outputs: what the steps sent.
    assert_eq!(out.order_id, Some("42".to_owned()));
    assert_eq!(out.sent_order, json!(SENT_ORDER));
    assert_eq!(out.request_id.as_deref(), Some("req-1"));
    assert_eq!(out.read_id, json!("42"));
}

#[tokio::test]
async fn an_xml_template_escapes_the_values_it_takes() {
    let server = start(Arc::default()).await;
    records::place_templated_order(
        &client(&server),
        records::PlaceTemplatedOrderInputs {
            customer: "Ada & <Co>".into(),
            sku: r#"a"b'c"#.into(),
        },
    )
    .await
    .unwrap();
    let requests = server.requests();
    assert_eq!(
        requests[0].body_text(),
        r#"<order><customer>Ada &amp; &lt;Co&gt;</customer><item sku="a&quot;b&apos;c" qty="1"/></order>"#
    );
    assert_eq!(requests[0].header("content-type"), Some("application/xml"));
}

#[tokio::test]
async fn an_unmet_xpath_criterion_names_the_condition() {
    let server = start(Arc::default()).await;
    let error = records::place_order(&client(&server), order_inputs("Bob"))
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "step `placeOrder` of workflow `place-order`: success criterion `/order/status = 'accepted'` not met (status 201): <order id=\"42\"><status>rejected</status></order>"
    );
    let server = start(Arc::new(Records {
        read: Read::OtherSku,
        ..Records::default()
    }))
    .await;
    let error = records::place_order(&client(&server), order_inputs("Ada"))
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "step `readOrder` of workflow `place-order`: success criterion `count(/order/item) = 1 and /order/item/@sku = 'sku-7'` not met (status 200), ended by failure action `wrongSkuForThisOrder`: <order id=\"42\"><status>accepted</status><item sku=\"other\"/></order>"
    );
}

/// Arazzo 1.1 ("Evaluation Errors"): a criterion that cannot be evaluated, such as an XPath
/// on a JSON body, fails; here the step's failure action then ends the workflow.
#[tokio::test]
async fn an_xpath_criterion_on_a_json_body_fails() {
    let server = start(Arc::new(Records {
        read: Read::Json,
        ..Records::default()
    }))
    .await;
    let error = records::place_order(&client(&server), order_inputs("Ada"))
        .await
        .unwrap_err();
    assert!(
        matches!(error, arazzo::Error::CriteriaNotMet { .. }),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "step `readOrder` of workflow `place-order`: success criterion `count(/order/item) = 1 and /order/item/@sku = 'sku-7'` not met (status 200), ended by failure action `wrongSkuForThisOrder`: {\"id\":\"42\",\"items\":[{\"sku\":\"sku-7\"}]}"
    );
}

#[tokio::test]
async fn a_multipart_upload_sends_text_and_json_parts() {
    let records = Arc::new(Records::default());
    let server = start(records.clone()).await;
    let out = records::upload_document(
        &client(&server),
        records::UploadDocumentInputs {
            title: "Report".into(),
            author: "Ada".into(),
            tags: Some(vec!["q1".into(), "draft".into()]),
        },
    )
    .await
    .unwrap();
    assert_eq!(out.document_id, "doc-1");
    assert_eq!(out.sent_title, json!("Report"));

    let requests = server.requests();
    assert_eq!(
        requests
            .iter()
            .map(RecordedRequest::target)
            .collect::<Vec<_>>(),
        ["POST /api/documents"]
    );
    let content_type = requests[0].header("content-type").unwrap_or_default();
    assert!(
        content_type.starts_with("multipart/form-data; boundary="),
        "{content_type}"
    );
    let parts = records.parts.lock().unwrap().clone();
    assert_eq!(
        parts,
        [
            ("title".to_owned(), None, "Report".to_owned()),
            (
                "metadata".to_owned(),
                Some("application/json".to_owned()),
                r#"{"author":"Ada","pages":3}"#.to_owned()
            ),
            (
                "tags".to_owned(),
                Some("application/json".to_owned()),
                r#"["q1","draft"]"#.to_owned()
            ),
            (
                "note".to_owned(),
                Some("text/markdown".to_owned()),
                "Uploaded by Ada".to_owned()
            ),
        ]
    );
}
