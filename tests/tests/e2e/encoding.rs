//! Request encoding and simple conditions end to end, on the encoding fixture
//! (`tests/fixtures/encoding.arazzo.yml` and its OpenAPI description
//! `encoding.openapi.yml`):
//!
//! - path, query and header parameters serialised as each OpenAPI `style`/`explode` says,
//!   checked against the values of the OpenAPI 3.0.3 "Style Examples" table (`blue`,
//!   `[blue, black, brown]`, `{R: 100, G: 200, B: 150}`), reserved characters inside
//!   values, and `allowReserved`;
//! - query and header parameters described by a JSON media type (`content`), as JSON text;
//! - two cookie parameters in one `Cookie` header;
//! - `$url` and `$method` in step outputs and success criteria;
//! - embedded `{$…}` expressions whose values are an object, an array or a number;
//! - `$inputs.x#/ptr` as a parameter value, and `~1` / `~0` escapes in a response pointer;
//! - a JSON payload written as text with an embedded expression (the spec's "JSON
//!   Templated Example");
//! - simple conditions deciding a step's success on a real response: `!`, parentheses,
//!   `&&` over `||`, case-insensitive strings, a numeric header against a number, `''` in a
//!   string literal, `.member[index]` navigation and the truthiness of `0` and `''`.
//!
//! Every test asserts the exact request the mock on 127.0.0.1 received, and the exact
//! outputs or error.

use arazzo_mocks::{MockServer, RecordedRequest};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};

mod encoding {
    arazzo::arazzo_workflow!("fixtures/encoding.arazzo.yml");
}

/// Answers with the JSON body it was sent, and with `X-Count` set to `X-Echo-Count`.
async fn echo(headers: HeaderMap, Json(body): Json<Value>) -> Response {
    match headers.get("x-echo-count") {
        Some(count) => ([("x-count", count.clone())], Json(body)).into_response(),
        None => Json(body).into_response(),
    }
}

/// A body whose member names need JSON Pointer escapes, with decoys for pointers that
/// are split on the `/` inside `a/b` or not unescaped.
async fn cities() -> Json<Value> {
    Json(json!({
        "a/b": {"c~d": "escaped"},
        "a": {"b": {"c~d": "split on /"}},
        "a~1b": {"c~0d": "not unescaped"},
    }))
}

async fn start() -> MockServer {
    let router = Router::new()
        .route("/echo", post(echo))
        .route("/cities", get(cities))
        .route("/pet-orders", post(|| async { StatusCode::CREATED }))
        .fallback(|| async { StatusCode::OK });
    MockServer::start(router).await
}

fn client(server: &MockServer) -> arazzo::Client {
    arazzo::Client::builder()
        .base_url("encoding", server.base_url())
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

/// The values of the OpenAPI "Style Examples" table.
fn style_values() -> Value {
    json!({
        "color": "blue",
        "colors": ["blue", "black", "brown"],
        "rgb": {"R": 100, "G": 200, "B": 150},
    })
}

/// Runs `workflow` through the JSON entry point; its outputs must be empty.
async fn run_without_outputs(server: &MockServer, workflow: &str, inputs: Value) {
    let outputs = encoding::run_workflow(&client(server), workflow, inputs)
        .await
        .unwrap();
    assert_eq!(outputs, json!({}));
}

#[tokio::test]
async fn path_parameters_follow_each_style_and_explode() {
    let server = start().await;
    run_without_outputs(&server, "path-styles", style_values()).await;
    // Label and matrix without explode join as RFC 6570 does (`.blue,black,brown`, as the
    // implementation does; the 3.0.3 table prints `.blue.black.brown` for label).
    assert_eq!(
        targets(&server),
        [
            "GET /simple/blue/blue,black,brown/R,100,G,200,B,150",
            "GET /simple-explode/blue/blue,black,brown/R=100,G=200,B=150",
            "GET /label/.blue/.blue,black,brown/.R,100,G,200,B,150",
            "GET /label-explode/.blue/.blue.black.brown/.R=100.G=200.B=150",
            "GET /matrix/;color=blue/;colors=blue,black,brown/;rgb=R,100,G,200,B,150",
            "GET /matrix-explode/;color=blue/;colors=blue;colors=black;colors=brown/;R=100;G=200;B=150",
        ]
    );
}

#[tokio::test]
async fn reserved_characters_inside_path_values_are_percent_encoded() {
    let server = start().await;
    let inputs = json!({
        "color": "x/y",
        "colors": ["a,b", "c d"],
        "rgb": {"R": 1, "G": 2, "B": 3},
    });
    run_without_outputs(&server, "path-styles", inputs).await;
    assert_eq!(
        targets(&server),
        [
            "GET /simple/x%2Fy/a%2Cb,c%20d/R,1,G,2,B,3",
            "GET /simple-explode/x%2Fy/a%2Cb,c%20d/R=1,G=2,B=3",
            "GET /label/.x%2Fy/.a%2Cb,c%20d/.R,1,G,2,B,3",
            "GET /label-explode/.x%2Fy/.a%2Cb.c%20d/.R=1.G=2.B=3",
            "GET /matrix/;color=x%2Fy/;colors=a%2Cb,c%20d/;rgb=R,1,G,2,B,3",
            "GET /matrix-explode/;color=x%2Fy/;colors=a%2Cb;colors=c%20d/;R=1;G=2;B=3",
        ]
    );
    // Each value stays inside its segment.
    assert_eq!(
        server.requests()[0].path_segments,
        ["simple", "x/y", "a,b,c d", "R,1,G,2,B,3"]
    );
}

#[tokio::test]
async fn form_query_parameters_with_and_without_explode() {
    let server = start().await;
    run_without_outputs(&server, "form-query", style_values()).await;
    assert_eq!(
        targets(&server),
        [
            "GET /form-explode?color=blue&colors=blue&colors=black&colors=brown&R=100&G=200&B=150",
            "GET /form?color=blue&colors=blue,black,brown&rgb=R,100,G,200,B,150",
        ]
    );
}

#[tokio::test]
async fn space_and_pipe_delimited_arrays() {
    let server = start().await;
    run_without_outputs(&server, "delimited-arrays", style_values()).await;
    assert_eq!(
        targets(&server),
        [
            "GET /space-delimited?colors=blue%20black%20brown",
            "GET /pipe-delimited?colors=blue|black|brown",
        ]
    );
}

#[tokio::test]
async fn space_and_pipe_delimited_objects() {
    let server = start().await;
    run_without_outputs(&server, "delimited-objects", style_values()).await;
    // The table: `color=R%20100%20G%20200%20B%20150` and `color=R|100|G|200|B|150`.
    assert_eq!(
        targets(&server),
        [
            "GET /space-delimited?rgb=R%20100%20G%20200%20B%20150",
            "GET /pipe-delimited?rgb=R|100|G|200|B|150",
        ]
    );
}

#[tokio::test]
async fn deep_object_query_parameters() {
    let server = start().await;
    run_without_outputs(&server, "deep-object-query", style_values()).await;
    // The table's `color[R]=100&…`, with the brackets percent-encoded.
    assert_eq!(
        targets(&server),
        ["GET /deep-object?color%5BR%5D=100&color%5BG%5D=200&color%5BB%5D=150"]
    );
    assert_eq!(
        server.requests()[0].query,
        [
            ("color[R]".to_owned(), "100".to_owned()),
            ("color[G]".to_owned(), "200".to_owned()),
            ("color[B]".to_owned(), "150".to_owned()),
        ]
    );
}

#[tokio::test]
async fn allow_reserved_sends_reserved_characters_unencoded() {
    let server = start().await;
    encoding::reserved_query(
        &client(&server),
        encoding::ReservedQueryInputs {
            next: "/docs/intro?lang".into(),
        },
    )
    .await
    .unwrap();
    // `next` has `allowReserved: true`; `plain`, given the same value, does not.
    assert_eq!(
        targets(&server),
        ["GET /reserved?next=/docs/intro?lang&plain=%2Fdocs%2Fintro%3Flang"]
    );
}

#[tokio::test]
async fn parameters_of_a_json_media_type_are_sent_as_json_text() {
    let server = start().await;
    run_without_outputs(&server, "json-content", style_values()).await;
    assert_eq!(
        targets(&server),
        ["GET /json-query?filter=%7B%22R%22%3A100%2C%22G%22%3A200%2C%22B%22%3A150%7D"]
    );
    assert_eq!(
        server.requests()[0].header("x-filter"),
        Some(r#"{"R":100,"G":200,"B":150}"#)
    );
}

#[tokio::test]
async fn header_parameters_use_style_simple() {
    let server = start().await;
    run_without_outputs(&server, "header-styles", style_values()).await;
    let requests = server.requests();
    assert_eq!(targets(&server), ["GET /headers"]);
    let request = &requests[0];
    assert_eq!(request.header("x-color"), Some("blue"));
    assert_eq!(request.header("x-colors"), Some("blue,black,brown"));
    assert_eq!(request.header("x-rgb"), Some("R,100,G,200,B,150"));
    assert_eq!(request.header("x-rgb-explode"), Some("R=100,G=200,B=150"));
}

#[tokio::test]
async fn two_cookie_parameters_share_one_cookie_header() {
    let server = start().await;
    encoding::two_cookies(
        &client(&server),
        encoding::TwoCookiesInputs { b: "x".into() },
    )
    .await
    .unwrap();
    let requests = server.requests();
    assert_eq!(targets(&server), ["GET /cookies"]);
    let cookies: Vec<&str> = requests[0]
        .headers
        .iter()
        .filter(|(name, _)| name == "cookie")
        .map(|(_, value)| value.as_str())
        .collect();
    assert_eq!(cookies, ["a=1; b=x"]);
}

#[tokio::test]
async fn url_and_method_are_read_in_outputs_and_criteria() {
    let server = start().await;
    let out = encoding::url_and_method(
        &client(&server),
        encoding::UrlAndMethodInputs {
            id: 7,
            q: "a b".into(),
        },
    )
    .await
    .unwrap();
    assert_eq!(targets(&server), ["GET /where/7?q=a%20b"]);
    let url: String = out.url;
    assert_eq!(url, format!("{}/where/7?q=a%20b", server.base_url()));
    assert_eq!(out.method, "GET");
}

#[tokio::test]
async fn a_criterion_on_method_fails_the_step() {
    let server = start().await;
    let error =
        encoding::method_must_be_post(&client(&server), encoding::MethodMustBePostInputs {})
            .await
            .unwrap_err();
    assert_eq!(targets(&server), ["GET /where/1"]);
    assert_eq!(
        error.to_string(),
        "step `where` of workflow `method-must-be-post`: success criterion `$method == 'POST'` not met (status 200)"
    );
}

#[tokio::test]
async fn templates_embed_objects_and_arrays_as_json_and_numbers_as_text() {
    let server = start().await;
    encoding::structured_templates(
        &client(&server),
        encoding::StructuredTemplatesInputs {
            filter: encoding::StructuredTemplatesInputsFilter {
                size: "L".into(),
                tags: vec!["a".into(), "b".into()],
            },
            tags: vec!["x".into(), "y z".into()],
            page: 3,
        },
    )
    .await
    .unwrap();
    let requests = server.requests();
    assert_eq!(
        targets(&server),
        ["GET /templates?q=tags%3A%5B%22x%22%2C%22y%20z%22%5D"]
    );
    assert_eq!(requests[0].query_param("q"), Some(r#"tags:["x","y z"]"#));
    assert_eq!(
        requests[0].header("x-filter"),
        Some(r#"{"size":"L","tags":["a","b"]}"#)
    );
    assert_eq!(requests[0].header("x-page"), Some("page 3 of 9"));
}

#[tokio::test]
async fn input_pointers_in_parameters_and_escaped_response_pointers() {
    let server = start().await;
    let out = encoding::pointers(
        &client(&server),
        encoding::PointersInputs {
            user: encoding::PointersInputsUser {
                address: encoding::PointersInputsUserAddress {
                    city: "Saint Malo".into(),
                },
            },
        },
    )
    .await
    .unwrap();
    assert_eq!(targets(&server), ["GET /cities?city=Saint%20Malo"]);
    // `#/a~1b/c~0d` is the member `c~d` of the member `a/b`.
    assert_eq!(out.escaped, "escaped");
}

#[tokio::test]
async fn a_json_text_payload_is_sent_as_the_json_it_spells() {
    let server = start().await;
    encoding::json_text_payload(
        &client(&server),
        encoding::JsonTextPayloadInputs {
            pet_id: "42".into(),
        },
    )
    .await
    .unwrap();
    let requests = server.requests();
    assert_eq!(targets(&server), ["POST /pet-orders"]);
    assert_eq!(requests[0].header("content-type"), Some("application/json"));
    assert_eq!(
        requests[0].json,
        Some(json!({"petOrder": {"petId": "42", "quantity": 1}}))
    );
}

#[tokio::test]
async fn values_embedded_in_a_json_text_payload_are_escaped() {
    let server = start().await;
    let pet_id = r#"say "hi" \ bye"#;
    encoding::json_text_payload(
        &client(&server),
        encoding::JsonTextPayloadInputs {
            pet_id: pet_id.into(),
        },
    )
    .await
    .unwrap();
    let requests = server.requests();
    assert_eq!(targets(&server), ["POST /pet-orders"]);
    assert_eq!(
        requests[0].json,
        Some(json!({"petOrder": {"petId": pet_id, "quantity": 1}}))
    );
}

/// Runs the condition workflow `workflow` (one step, `check`, that posts `inputs.body` to
/// the echo) and returns the error text if the step failed. Checks that exactly that
/// request was sent.
async fn check(workflow: &str, inputs: Value) -> Result<(), String> {
    let server = start().await;
    let result = encoding::run_workflow(&client(&server), workflow, inputs.clone()).await;
    let requests = server.requests();
    assert_eq!(targets(&server), ["POST /echo"], "{workflow}");
    assert_eq!(
        requests[0].json.as_ref(),
        Some(&inputs["body"]),
        "{workflow}"
    );
    assert_eq!(
        requests[0].header("x-echo-count"),
        inputs["count"].as_str(),
        "{workflow}"
    );
    match result {
        Ok(outputs) => {
            assert_eq!(outputs, json!({}), "{workflow}");
            Ok(())
        }
        Err(error) => Err(error.to_string()),
    }
}

/// The error of the condition workflow `workflow` when `criterion` does not hold for the
/// echoed `body`.
fn unmet(workflow: &str, criterion: &str, body: &Value) -> Result<(), String> {
    Err(format!(
        "step `check` of workflow `{workflow}`: success criterion `{criterion}` not met (status 200): {body}"
    ))
}

/// Asserts, for each response body, whether the condition workflow succeeds.
async fn assert_decides(workflow: &str, criterion: &str, cases: &[(Value, bool)]) {
    for (body, holds) in cases {
        let expected = if *holds {
            Ok(())
        } else {
            unmet(workflow, criterion, body)
        };
        assert_eq!(
            check(workflow, json!({ "body": body })).await,
            expected,
            "{workflow} with {body}"
        );
    }
}

#[tokio::test]
async fn negation_of_an_operand() {
    assert_decides(
        "negation",
        "!$response.body#/locked",
        &[
            (json!({"locked": false}), true),
            (json!({}), true),
            (json!({"locked": true}), false),
        ],
    )
    .await;
}

#[tokio::test]
async fn parentheses_group_or_inside_and() {
    assert_decides(
        "grouping",
        "($response.body#/a == 1 || $response.body#/b == 1) && !($response.body#/c == 1)",
        &[
            (json!({"a": 1}), true),
            (json!({"b": 1, "c": 0}), true),
            (json!({"a": 1, "c": 1}), false),
            (json!({"a": 2, "b": 2}), false),
        ],
    )
    .await;
}

#[tokio::test]
async fn and_binds_tighter_than_or() {
    assert_decides(
        "precedence",
        "$response.body#/a == 1 || $response.body#/b == 1 && $response.body#/c == 1",
        &[
            // `(a || b) && c` would be false here.
            (json!({"a": 1}), true),
            (json!({"b": 1, "c": 1}), true),
            (json!({"b": 1}), false),
        ],
    )
    .await;
}

#[tokio::test]
async fn string_comparison_ignores_case() {
    assert_decides(
        "case-insensitive",
        "$response.body#/status == 'ACTIVE'",
        &[
            (json!({"status": "active"}), true),
            (json!({"status": "Active"}), true),
            (json!({"status": "inactive"}), false),
        ],
    )
    .await;
}

#[tokio::test]
async fn a_numeric_header_equals_a_number() {
    let criterion = "$response.header.X-Count == 3";
    let body = json!({});
    for (count, holds) in [("3", true), ("3.0", true), ("4", false)] {
        let expected = if holds {
            Ok(())
        } else {
            unmet("numeric-header", criterion, &body)
        };
        assert_eq!(
            check("numeric-header", json!({"body": body, "count": count})).await,
            expected,
            "X-Count: {count}"
        );
    }
    // No header: `null` equals only `null`.
    assert_eq!(
        check("numeric-header", json!({"body": body})).await,
        unmet("numeric-header", criterion, &body)
    );
}

#[tokio::test]
async fn a_doubled_quote_in_a_string_literal() {
    assert_decides(
        "quoted-literal",
        "$response.body#/name == 'O''Brien'",
        &[
            (json!({"name": "O'Brien"}), true),
            (json!({"name": "o'brien"}), true),
            (json!({"name": "OBrien"}), false),
            (json!({"name": "O''Brien"}), false),
        ],
    )
    .await;
}

#[tokio::test]
async fn member_and_index_navigation_after_an_expression() {
    assert_decides(
        "navigation",
        "$response.body.items[0].name == 'a'",
        &[
            (json!({"items": [{"name": "a"}, {"name": "b"}]}), true),
            (json!({"items": [{"name": "b"}, {"name": "a"}]}), false),
            (json!({"items": []}), false),
            (json!({}), false),
        ],
    )
    .await;
}

#[tokio::test]
async fn zero_is_truthy() {
    assert_decides(
        "truthy-zero",
        "$response.body#/count",
        &[
            (json!({"count": 5}), true),
            (json!({"count": null}), false),
            (json!({}), false),
            // Only `null`, `false` and missing values are false.
            (json!({"count": 0}), true),
        ],
    )
    .await;
}

#[tokio::test]
async fn the_empty_string_is_truthy() {
    assert_decides(
        "truthy-empty-string",
        "$response.body#/note",
        &[
            (json!({"note": "x"}), true),
            (json!({"note": null}), false),
            (json!({"note": false}), false),
            // Only `null`, `false` and missing values are false.
            (json!({"note": ""}), true),
        ],
    )
    .await;
}
