//! The fault matrix: generated workflows against a raw local server that misbehaves on
//! purpose (`arazzo_mocks::faulty`), each fault asserting the exact error, which names the
//! workflow and step.
//!
//! - error statuses (500, 502, 503), with the body's start kept and the rest dropped;
//! - `429` and `503` with `Retry-After` in seconds, as an HTTP date, and absurdly long
//!   (capped by `max_retry_delay`, and refused when it would pass the run timeout);
//! - connection refused, a reset in the middle of the body, a server that never answers
//!   (`request_timeout`) and one that trickles a byte at a time (`run_timeout`);
//! - invalid JSON under a JSON content type, HTML where JSON is expected, an empty body;
//! - 2 GiB bodies, announced by `Content-Length` and chunked (`max_response_bytes`);
//! - redirects: a loop (`max_redirects`), credentials kept on the same origin and dropped
//!   for another, `307` repeating the body and `303` turning into a `GET`;
//! - a header value with a line break, refused before anything is sent.

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use arazzo::{ClientBuilder, Error, Hooks, RetryEvent};
use arazzo_mocks::faulty::{FaultyServer, RawRequest, Reply};
use serde_json::json;

/// Also the workflows of the `spans` and `secrets` modules, expanded once for the binary.
pub(crate) mod faults {
    arazzo::arazzo_workflow!("fixtures/faults.arazzo.yml", strict = true);
}
use faults::open_files as open_files_fn;
use faults::*;

const TOKEN: &str = "tok-3f9a";
const KEY: &str = "key-77c1";

/// A client for `server` with both credentials, changed by `configure`.
fn client(
    server: &FaultyServer,
    configure: impl FnOnce(ClientBuilder) -> ClientBuilder,
) -> arazzo::Client {
    client_for(&server.base_url(), configure)
}

fn client_for(
    base: &str,
    configure: impl FnOnce(ClientBuilder) -> ClientBuilder,
) -> arazzo::Client {
    configure(
        arazzo::Client::builder()
            .base_url("records", base)
            .bearer_token(TOKEN)
            .api_key(KEY),
    )
    .build()
    .unwrap()
}

fn read(record_id: i64) -> ReadRecordInputs {
    ReadRecordInputs {
        record_id,
        note: None,
    }
}

fn record(id: i64) -> Reply {
    Reply::json(200, &json!({"id": id, "name": format!("record {id}")}))
}

/// Runs `read-record` for record 1 against a server that always answers `reply`.
async fn read_once(
    reply: Reply,
    configure: impl FnOnce(ClientBuilder) -> ClientBuilder,
) -> (Error, FaultyServer) {
    let server = FaultyServer::start(move |_, _| reply.clone()).await;
    let client = client(&server, configure);
    let error = read_record(&client, read(1)).await.unwrap_err();
    (error, server)
}

/// The retry delays a run asked for.
#[derive(Clone, Default)]
struct Delays(Arc<Mutex<Vec<Duration>>>);

impl Hooks for Delays {
    fn on_retry(&self, event: &RetryEvent<'_>) {
        self.0.lock().unwrap().push(event.delay);
    }
}

impl Delays {
    fn taken(&self) -> Vec<Duration> {
        self.0.lock().unwrap().clone()
    }
}

#[tokio::test]
async fn a_record_reads_through() {
    let server = FaultyServer::start(|_, _| record(1)).await;
    let out = read_record(&client(&server, |b| b), read(1)).await.unwrap();
    assert_eq!(out.name, "record 1");
    let sent = server.requests();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].target, "/records/1");
    assert_eq!(sent[0].header("authorization"), Some("Bearer tok-3f9a"));
    assert_eq!(sent[0].header("x-api-key"), Some(KEY));
}

#[tokio::test]
async fn error_statuses_fail_with_the_start_of_the_body() {
    for status in [500, 502, 503] {
        let body = json!({"error": format!("status {status}")});
        let (error, _server) = read_once(Reply::json(status, &body), |b| b).await;
        assert_eq!(
            error.to_string(),
            format!(
                "step `getRecord` of workflow `read-record`: unexpected status {status} (expected `$statusCode == 200`): {{\"error\":\"status {status}\"}}"
            )
        );
        assert_eq!(error.status(), Some(status));
    }
}

#[tokio::test]
async fn a_huge_error_body_is_cut_to_its_start() {
    let body = vec![b'x'; 10 * 1024 * 1024];
    let (error, _server) = read_once(Reply::new(500, "text/plain", body), |b| b).await;
    let text = error.to_string();
    assert_eq!(
        text,
        format!(
            "step `getRecord` of workflow `read-record`: unexpected status 500 (expected `$statusCode == 200`): {}…",
            "x".repeat(512)
        )
    );
}

#[tokio::test]
async fn busy_servers_are_retried_after_the_seconds_they_ask_for() {
    let server = FaultyServer::start(|_, i| match i {
        0 => Reply::new(429, "text/plain", "slow down").with_header("retry-after", "1"),
        _ => record(1),
    })
    .await;
    let delays = Delays::default();
    let client = client(&server, |b| b.hooks(delays.clone()));
    let out = read_record_patiently(&client, ReadRecordPatientlyInputs { record_id: 1 })
        .await
        .unwrap();
    assert_eq!(out.name, "record 1");
    assert_eq!(delays.taken(), [Duration::from_secs(1)]);
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn busy_servers_are_retried_at_the_date_they_ask_for() {
    let at = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(2));
    let server = FaultyServer::start(move |_, i| match i {
        0 => Reply::new(503, "text/plain", "maintenance").with_header("retry-after", &at),
        _ => record(1),
    })
    .await;
    let delays = Delays::default();
    let client = client(&server, |b| b.hooks(delays.clone()));
    read_record_patiently(&client, ReadRecordPatientlyInputs { record_id: 1 })
        .await
        .unwrap();
    // The date has a resolution of a second; the action's own `retryAfter` (5 s) lost.
    let taken = delays.taken();
    assert_eq!(taken.len(), 1);
    assert!(
        taken[0] > Duration::from_millis(900) && taken[0] <= Duration::from_secs(2),
        "{taken:?}"
    );
}

#[tokio::test]
async fn absurd_waits_are_capped() {
    let server = FaultyServer::start(|_, i| match i {
        0 | 1 => Reply::new(429, "text/plain", "").with_header("retry-after", "999999999"),
        _ => record(1),
    })
    .await;
    let delays = Delays::default();
    let client = client(&server, |b| {
        b.hooks(delays.clone())
            .max_retry_delay(Duration::from_millis(20))
    });
    read_record_patiently(&client, ReadRecordPatientlyInputs { record_id: 1 })
        .await
        .unwrap();
    assert_eq!(delays.taken(), [Duration::from_millis(20); 2]);
}

#[tokio::test]
async fn a_wait_past_the_run_timeout_fails_at_once() {
    let server = FaultyServer::start(|_, _| {
        Reply::new(503, "text/plain", "").with_header("retry-after", "30")
    })
    .await;
    let client = client(&server, |b| b.run_timeout(Duration::from_secs(5)));
    let started = std::time::Instant::now();
    let error = read_record_patiently(&client, ReadRecordPatientlyInputs { record_id: 1 })
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "step `getRecord` of workflow `read-record-patiently`: the run did not finish within 5000 ms (the client's run timeout; change it with `ClientBuilder::run_timeout`)"
    );
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn retries_run_out_naming_the_last_status() {
    let server = FaultyServer::start(|_, _| Reply::new(503, "text/plain", "down")).await;
    let client = client(&server, |b| b.max_retry_delay(Duration::ZERO));
    let error = read_record_patiently(&client, ReadRecordPatientlyInputs { record_id: 1 })
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "step `getRecord` of workflow `read-record-patiently`: still failing after 3 attempts (last status 503, unmet criterion `$statusCode == 200`)"
    );
}

#[tokio::test]
async fn a_refused_connection_names_the_url() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let client = client_for(&format!("http://127.0.0.1:{port}"), |b| b);
    let error = read_record(&client, read(1)).await.unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "step `getRecord` of workflow `read-record`: could not connect to http://127.0.0.1:{port}/records/1: Connection refused (os error 111)"
        )
    );
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
}

#[tokio::test]
async fn a_reset_in_the_middle_of_the_body() {
    let (error, server) = read_once(
        Reply::ResetMidBody {
            declared: 100,
            sent: 10,
        },
        |b| b,
    )
    .await;
    assert_eq!(
        error.to_string(),
        format!(
            "step `getRecord` of workflow `read-record`: the response from {}/records/1 broke off: Connection reset by peer (os error 104)",
            server.base_url()
        )
    );
}

#[tokio::test]
async fn a_server_that_never_answers_times_out() {
    let (error, server) = read_once(Reply::Silent, |b| {
        b.request_timeout(Duration::from_millis(200))
    })
    .await;
    assert_eq!(
        error.to_string(),
        format!(
            "step `getRecord` of workflow `read-record`: no complete response from {}/records/1 within 200 ms (the client's request timeout; change it with `ClientBuilder::request_timeout`)",
            server.base_url()
        )
    );
}

#[tokio::test]
async fn a_trickling_server_meets_the_run_timeout() {
    let body = json!({"id": 1, "name": "record 1"})
        .to_string()
        .into_bytes();
    let (error, _server) = read_once(
        Reply::Trickle {
            body,
            interval: Duration::from_millis(50),
        },
        |b| {
            b.request_timeout(Duration::MAX)
                .run_timeout(Duration::from_millis(300))
        },
    )
    .await;
    assert_eq!(
        error.to_string(),
        "step `getRecord` of workflow `read-record`: the run did not finish within 300 ms (the client's run timeout; change it with `ClientBuilder::run_timeout`)"
    );
}

#[tokio::test]
async fn invalid_json_under_a_json_content_type() {
    let reply = Reply::new(200, "application/json", r#"{"id": 1, "name": "#);
    let (error, _server) = read_once(reply, |b| b).await;
    assert_eq!(
        error.to_string(),
        "step `getRecord` of workflow `read-record`: invalid response (status 200): the body is not valid JSON: EOF while parsing a value at line 1 column 18"
    );
}

#[tokio::test]
async fn html_where_json_is_expected() {
    let reply = Reply::new(
        200,
        "text/html; charset=utf-8",
        "<html><body>Sign in</body></html>",
    );
    let (error, _server) = read_once(reply, |b| b).await;
    assert_eq!(
        error.to_string(),
        "step `getRecord` of workflow `read-record`: invalid response (status 200): output `$response.body#/name` has no value: the body is `text/html`, not JSON: <html><body>Sign in</body></html>"
    );
}

#[tokio::test]
async fn an_empty_body() {
    let (error, _server) = read_once(Reply::new(200, "application/json", ""), |b| b).await;
    assert_eq!(
        error.to_string(),
        "step `getRecord` of workflow `read-record`: invalid response (status 200): output `$response.body#/name` has no value: the body is empty"
    );
}

#[tokio::test]
async fn a_body_without_the_value() {
    let reply = Reply::json(200, &json!({"id": 1, "title": "x"}));
    let (error, _server) = read_once(reply, |b| b).await;
    assert_eq!(
        error.to_string(),
        "step `getRecord` of workflow `read-record`: invalid response (status 200): output `$response.body#/name` has no value: the body has no value at `/name`: {\"id\":1,\"title\":\"x\"}"
    );
}

#[tokio::test]
async fn two_gibibyte_bodies_are_refused() {
    for declare_length in [true, false] {
        let reply = Reply::Huge {
            len: 2 << 30,
            declare_length,
        };
        let (error, server) = read_once(reply, |b| b).await;
        assert_eq!(
            error.to_string(),
            format!(
                "step `getRecord` of workflow `read-record`: the response from {}/records/1 is larger than the limit of 16777216 bytes (change it with `ClientBuilder::max_response_bytes`)",
                server.base_url()
            ),
            "declare_length: {declare_length}"
        );
    }
}

#[tokio::test]
async fn the_body_limit_is_configurable() {
    let (error, server) = read_once(record(1), |b| b.max_response_bytes(10)).await;
    assert_eq!(
        error.to_string(),
        format!(
            "step `getRecord` of workflow `read-record`: the response from {}/records/1 is larger than the limit of 10 bytes (change it with `ClientBuilder::max_response_bytes`)",
            server.base_url()
        )
    );
}

#[tokio::test]
async fn redirect_loops_end() {
    let server = FaultyServer::start(|_, _| {
        Reply::new(302, "text/plain", "").with_header("location", "/records/1")
    })
    .await;
    let client = client(&server, |b| b);
    let error = read_record(&client, read(1)).await.unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "step `getRecord` of workflow `read-record`: more than 10 redirects, the last one from {}/records/1 (change the limit with `ClientBuilder::max_redirects`)",
            server.base_url()
        )
    );
    assert_eq!(server.requests().len(), 11);
}

#[tokio::test]
async fn with_no_redirects_followed_the_step_sees_the_redirect() {
    let server = FaultyServer::start(|_, _| {
        Reply::new(302, "text/plain", "elsewhere").with_header("location", "/records/2")
    })
    .await;
    let client = client(&server, |b| b.max_redirects(0));
    let error = read_record(&client, read(1)).await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "step `getRecord` of workflow `read-record`: unexpected status 302 (expected `$statusCode == 200`): elsewhere"
    );
    assert_eq!(server.requests().len(), 1);
}

fn has_credentials(request: &RawRequest) -> (bool, bool) {
    (
        request.header("authorization").is_some(),
        request.header("x-api-key").is_some(),
    )
}

#[tokio::test]
async fn same_origin_redirects_keep_the_credentials() {
    let server = FaultyServer::start(|request, _| match request.target.as_str() {
        "/records/1" => Reply::new(301, "text/plain", "").with_header("location", "/records/2"),
        _ => record(2),
    })
    .await;
    let out = read_record(&client(&server, |b| b), read(1)).await.unwrap();
    assert_eq!(out.name, "record 2");
    let sent = server.requests();
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[1].target, "/records/2");
    assert_eq!(has_credentials(&sent[1]), (true, true));
}

#[tokio::test]
async fn other_origins_never_get_the_credentials() {
    let other = FaultyServer::start(|_, _| record(2)).await;
    let location = format!("{}/records/2", other.base_url());
    let server = FaultyServer::start(move |_, _| {
        Reply::new(302, "text/plain", "").with_header("location", &location)
    })
    .await;
    let out = read_record(&client(&server, |b| b), read(1)).await.unwrap();
    assert_eq!(out.name, "record 2");
    assert_eq!(has_credentials(&server.requests()[0]), (true, true));
    let head = String::from_utf8(other.requests()[0].head.clone()).unwrap();
    let lower = head.to_ascii_lowercase();
    assert!(!lower.contains("authorization"), "{head}");
    assert!(!lower.contains("x-api-key"), "{head}");
    assert!(!head.contains(TOKEN) && !head.contains(KEY), "{head}");
}

#[tokio::test]
async fn temporary_redirects_repeat_the_body_and_see_other_turns_into_get() {
    for (status, method, body) in [
        (307, "POST", r#"{"name":"n"}"#),
        (308, "POST", r#"{"name":"n"}"#),
        (303, "GET", ""),
        (302, "GET", ""),
    ] {
        let server = FaultyServer::start(move |request, _| match request.target.as_str() {
            "/records" => {
                Reply::new(status, "text/plain", "").with_header("location", "/records/v2")
            }
            _ => Reply::json(201, &json!({"id": 9, "name": "n"})),
        })
        .await;
        let client = client(&server, |b| b);
        let out = create_record(&client, CreateRecordInputs { name: "n".into() })
            .await
            .unwrap();
        assert_eq!(out.id, 9);
        let sent = server.requests();
        assert_eq!(sent[1].method, method, "{status}");
        assert_eq!(String::from_utf8_lossy(&sent[1].body), body, "{status}");
        assert_eq!(
            sent[1].header("content-type").is_some(),
            !body.is_empty(),
            "{status}"
        );
    }
}

#[tokio::test]
async fn redirects_to_other_schemes_are_refused() {
    let (error, _server) = read_once(
        Reply::new(302, "text/plain", "").with_header("location", "file:///etc/passwd"),
        |b| b,
    )
    .await;
    assert_eq!(
        error.to_string(),
        "step `getRecord` of workflow `read-record`: invalid response (status 302): the redirect leads to `file:///etc/passwd`, which is not an http or https URL"
    );
}

#[tokio::test]
async fn header_values_with_line_breaks_are_never_sent() {
    let server = FaultyServer::start(|_, _| record(1)).await;
    let client = client(&server, |b| b);
    let inputs = ReadRecordInputs {
        record_id: 1,
        note: Some("hi\r\nX-Injected: 1".into()),
    };
    let error = read_record(&client, inputs).await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "step `getRecord` of workflow `read-record`: header `X-Request-Note` holds a line break or another control character, which a header cannot carry; the request was not sent"
    );
    assert!(server.requests().is_empty());
}

/// Runs `open-files` with `name` and `q` against a server whose first answer names `next`,
/// and returns the request targets exactly as they arrived.
async fn open_files(name: &str, q: Option<&str>, next: &str) -> Vec<String> {
    let next = next.to_owned();
    let server = FaultyServer::start(move |_, _| Reply::json(200, &json!({"next": next}))).await;
    let inputs = OpenFilesInputs {
        name: name.into(),
        q: q.map(str::to_owned),
        ticket: None,
        session: None,
    };
    open_files_fn(&client(&server, |b| b), inputs)
        .await
        .unwrap();
    server.requests().into_iter().map(|r| r.target).collect()
}

#[tokio::test]
async fn path_values_stay_in_their_segment() {
    for (name, wire) in [
        ("../../admin", "/files/..%2F..%2Fadmin"),
        ("a/b", "/files/a%2Fb"),
        ("a?x=1", "/files/a%3Fx%3D1"),
        ("a#top", "/files/a%23top"),
        ("a%2Fb", "/files/a%252Fb"),
        ("a b;c", "/files/a%20b%3Bc"),
        ("ünï", "/files/%C3%BCn%C3%AF"),
    ] {
        let targets = open_files(name, None, "plain").await;
        assert_eq!(targets, [wire, "/files/plain"], "{name}");
    }
}

#[tokio::test]
async fn dot_segments_are_refused() {
    for (name, next, step) in [
        ("..", "n", "getFile"),
        (".", "n", "getFile"),
        ("f", "..", "getNext"),
    ] {
        let next = next.to_owned();
        let server =
            FaultyServer::start(move |_, _| Reply::json(200, &json!({"next": next}))).await;
        let inputs = OpenFilesInputs {
            name: name.into(),
            q: None,
            ticket: None,
            session: None,
        };
        let error = open_files_fn(&client(&server, |b| b), inputs)
            .await
            .unwrap_err();
        let segment = if step == "getFile" { name } else { ".." };
        assert_eq!(
            error.to_string(),
            format!("step `{step}` of workflow `open-files`: invalid request: the path segment `{{name}}` would be `{segment}`, which moves along the path instead of naming a segment; the request was not sent")
        );
        let sent = server.requests().len();
        assert_eq!(sent, usize::from(step == "getNext"), "{name}");
    }
}

#[tokio::test]
async fn a_server_controlled_value_in_a_later_path_is_encoded_the_same_way() {
    let targets = open_files("start", None, "../../etc/passwd?x#y").await;
    assert_eq!(
        targets,
        ["/files/start", "/files/..%2F..%2Fetc%2Fpasswd%3Fx%23y"]
    );
}

#[tokio::test]
async fn query_values_cannot_add_pairs() {
    let targets = open_files("f", Some("a&admin=true#frag b+c%"), "g").await;
    assert_eq!(targets[0], "/files/f?q=a%26admin%3Dtrue%23frag%20b%2Bc%25");
}

#[tokio::test]
async fn cookie_values_cannot_add_cookies_or_headers() {
    let server = FaultyServer::start(|_, _| Reply::json(200, &json!({"next": "n"}))).await;
    let inputs = OpenFilesInputs {
        name: "f".into(),
        q: None,
        ticket: None,
        session: Some("s; admin=1\r\nX-Injected: 1".into()),
    };
    open_files_fn(&client(&server, |b| b), inputs)
        .await
        .unwrap();
    let sent = &server.requests()[0];
    assert_eq!(
        sent.header("cookie"),
        Some("session=s%3B%20admin%3D1%0D%0AX-Injected%3A%201")
    );
    assert_eq!(sent.header("x-injected"), None);
}

#[tokio::test]
async fn a_secured_operation_without_credentials_is_never_sent_silently() {
    let server = FaultyServer::start(|_, _| record(1)).await;
    let bare = arazzo::Client::builder()
        .base_url("records", server.base_url())
        .build()
        .unwrap();
    let error = read_record(&bare, read(1)).await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "step `getRecord` of workflow `read-record`: operation `getRecord` needs credentials for `bearerAuth` and `apiKey`, and the client has none of them; the request was not sent (set them with `ClientBuilder::bearer_token`, `api_key`, `basic_auth` or `credential`, or allow it with `ClientBuilder::allow_missing_credentials(true)`)"
    );
    assert!(server.requests().is_empty());
    // A bearer token alone does not satisfy `bearerAuth` and `apiKey` together.
    let half = arazzo::Client::builder()
        .base_url("records", server.base_url())
        .bearer_token(TOKEN)
        .build()
        .unwrap();
    assert!(matches!(
        read_record(&half, read(1)).await.unwrap_err(),
        Error::MissingCredentials { .. }
    ));
    // Allowed: the request goes out as it is, and the server decides.
    let allowed = arazzo::Client::builder()
        .base_url("records", server.base_url())
        .allow_missing_credentials(true)
        .build()
        .unwrap();
    read_record(&allowed, read(1)).await.unwrap();
    let sent = server.requests();
    assert_eq!(sent.len(), 1);
    assert_eq!(has_credentials(&sent[0]), (false, false));
}

#[tokio::test]
async fn a_redirect_to_no_url_is_an_invalid_response() {
    let (error, _server) = read_once(
        Reply::new(302, "text/plain", "").with_header("location", "http://[::1"),
        |b| b,
    )
    .await;
    assert_eq!(
        error.to_string(),
        "step `getRecord` of workflow `read-record`: invalid response (status 302): the redirect's `Location` `http://[::1` is not a URL: invalid IPv6 address"
    );
}

/// Errors show URLs with every query value as `***` (they end up in logs, and query values
/// are often personal data) unless `redact_query_values(false)`; hooks show the values.
#[tokio::test]
async fn errors_hide_query_values_by_default() {
    #[derive(Clone, Default)]
    struct Urls(Arc<Mutex<Vec<String>>>);
    impl arazzo::Hooks for Urls {
        fn on_request(&self, event: &arazzo::RequestEvent<'_>) {
            self.0.lock().unwrap().push(event.url.to_owned());
        }
    }
    let server = FaultyServer::start(|_, _| Reply::Silent).await;
    let inputs = || OpenFilesInputs {
        name: "report".into(),
        q: Some("ada@example.com".into()),
        ticket: None,
        session: None,
    };
    let urls = Urls::default();
    let hooks = urls.clone();
    let quick = |b: ClientBuilder| b.request_timeout(Duration::from_millis(100));
    let error = open_files_fn(&client(&server, |b| quick(b).hooks(hooks)), inputs())
        .await
        .unwrap_err();
    let base = server.base_url();
    assert_eq!(
        error.to_string(),
        format!("step `getFile` of workflow `open-files`: no complete response from {base}/files/report?q=*** within 100 ms (the client's request timeout; change it with `ClientBuilder::request_timeout`)")
    );
    assert_eq!(
        urls.0.lock().unwrap().as_slice(),
        [format!("{base}/files/report?q=ada%40example.com")]
    );
    let error = open_files_fn(
        &client(&server, |b| quick(b).redact_query_values(false)),
        inputs(),
    )
    .await
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        format!("step `getFile` of workflow `open-files`: no complete response from {base}/files/report?q=ada%40example.com within 100 ms (the client's request timeout; change it with `ClientBuilder::request_timeout`)")
    );
}

/// A parameter whose OpenAPI schema says `format: password` is a secret wherever its value
/// comes from: hooks and errors show `***`, even with `redact_query_values(false)`.
#[tokio::test]
async fn secret_parameters_are_hidden_everywhere() {
    #[derive(Clone, Default)]
    struct Urls(Arc<Mutex<Vec<String>>>);
    impl arazzo::Hooks for Urls {
        fn on_request(&self, event: &arazzo::RequestEvent<'_>) {
            self.0.lock().unwrap().push(event.url.to_owned());
        }
    }
    let server = FaultyServer::start(|_, _| Reply::Silent).await;
    let urls = Urls::default();
    let hooks = urls.clone();
    let client = client(&server, |b| {
        b.request_timeout(Duration::from_millis(100))
            .redact_query_values(false)
            .hooks(hooks)
    });
    let inputs = OpenFilesInputs {
        name: "report".into(),
        q: Some("x".into()),
        ticket: Some("t-9981".into()),
        session: None,
    };
    let error = open_files_fn(&client, inputs).await.unwrap_err();
    let base = server.base_url();
    assert_eq!(
        error.to_string(),
        format!("step `getFile` of workflow `open-files`: no complete response from {base}/files/report?q=x&ticket=*** within 100 ms (the client's request timeout; change it with `ClientBuilder::request_timeout`)")
    );
    assert_eq!(
        urls.0.lock().unwrap().as_slice(),
        [format!("{base}/files/report?q=x&ticket=***")]
    );
    // The server still gets the value.
    assert_eq!(
        server.requests()[0].target,
        "/files/report?q=x&ticket=t-9981"
    );
}
