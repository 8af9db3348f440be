//! Tests of the generic mock server: recording, clearing and shutdown.

use std::time::Duration;

use arazzo_mocks::MockServer;
use axum::routing::post;
use axum::Router;
use serde_json::json;

fn echo_router() -> Router {
    Router::new().route("/echo/{name}", post(|body: String| async move { body }))
}

#[tokio::test]
async fn base_url_is_local_with_a_real_port() {
    let server = MockServer::start(echo_router()).await;
    let url = server.base_url();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    assert_ne!(server.addr().port(), 0);
    assert!(!url.ends_with('/'));
}

#[tokio::test]
async fn records_every_part_of_a_request() {
    let server = MockServer::start(echo_router()).await;
    let url = format!(
        "{}/echo/a%20b%2Fc?x=1&y=%2F+z&x=2&empty=",
        server.base_url()
    );
    let response = reqwest::Client::new()
        .post(url)
        .header("X-Custom", "Value")
        .header("content-type", "application/json")
        .body(r#"{"hello":["world",1]}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.text().await.unwrap(), r#"{"hello":["world",1]}"#);

    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    let r = &requests[0];
    assert_eq!(r.method, "POST");
    assert_eq!(r.raw_path, "/echo/a%20b%2Fc");
    assert_eq!(r.path_segments, ["echo", "a b/c"]);
    assert_eq!(r.raw_query.as_deref(), Some("x=1&y=%2F+z&x=2&empty="));
    let query: Vec<(&str, &str)> = r
        .query
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    assert_eq!(query, [("x", "1"), ("y", "/ z"), ("x", "2"), ("empty", "")]);
    assert_eq!(r.query_param("x"), Some("1"));
    assert_eq!(r.header("x-custom"), Some("Value"));
    assert_eq!(r.header("X-CUSTOM"), Some("Value"));
    assert!(r
        .headers
        .iter()
        .any(|(n, v)| n == "x-custom" && v == "Value"));
    assert!(r.headers.iter().all(|(n, _)| *n == n.to_lowercase()));
    assert_eq!(r.body_text(), r#"{"hello":["world",1]}"#);
    assert_eq!(r.json, Some(json!({ "hello": ["world", 1] })));
    assert_eq!(r.status, Some(200));
}

#[tokio::test]
async fn records_unmatched_requests_in_order() {
    let server = MockServer::start(echo_router()).await;
    let client = reqwest::Client::new();
    let base = server.base_url();

    let missing = client.get(format!("{base}/nowhere")).send().await.unwrap();
    assert_eq!(missing.status().as_u16(), 404);
    let wrong_method = client.get(format!("{base}/echo/x")).send().await.unwrap();
    assert_eq!(wrong_method.status().as_u16(), 405);
    client
        .post(format!("{base}/echo/y"))
        .body("not json")
        .send()
        .await
        .unwrap();

    let requests = server.requests();
    let seen: Vec<(&str, &str, Option<u16>)> = requests
        .iter()
        .map(|r| (r.method.as_str(), r.raw_path.as_str(), r.status))
        .collect();
    assert_eq!(
        seen,
        [
            ("GET", "/nowhere", Some(404)),
            ("GET", "/echo/x", Some(405)),
            ("POST", "/echo/y", Some(200)),
        ]
    );
    assert_eq!(requests[0].raw_query, None);
    assert!(requests[0].body.is_empty());
    assert_eq!(requests[0].json, None);
    assert_eq!(requests[2].body, b"not json");
    assert_eq!(requests[2].json, None);
}

#[tokio::test]
async fn clear_requests_forgets_earlier_requests() {
    let server = MockServer::start(echo_router()).await;
    let client = reqwest::Client::new();
    let base = server.base_url();
    client.post(format!("{base}/echo/1")).send().await.unwrap();
    assert_eq!(server.requests().len(), 1);
    server.clear_requests();
    assert!(server.requests().is_empty());
    client.post(format!("{base}/echo/2")).send().await.unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].raw_path, "/echo/2");
}

#[tokio::test]
async fn shutdown_stops_the_server() {
    let server = MockServer::start(echo_router()).await;
    let addr = server.addr();
    server.shutdown().await;
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}

#[tokio::test]
async fn dropping_the_handle_stops_the_server() {
    let server = MockServer::start(echo_router()).await;
    let addr = server.addr();
    // Keep a pooled keep-alive connection open across the drop.
    let client = reqwest::Client::new();
    client
        .post(format!("http://{addr}/echo/1"))
        .send()
        .await
        .unwrap();
    drop(server);
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(addr).await.is_err() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the server still accepts connections a second after being dropped");
}
