//! The generic part of every mock: binding, request recording and shutdown.

use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, MutexGuard};

use axum::body::{to_bytes, Body};
use axum::extract::{Query, Request, State};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::middleware::{from_fn_with_state, Next};
use axum::response::{IntoResponse, Response};
use axum::serve::ListenerExt;
use axum::Router;
use serde_json::Value;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// The largest request body a mock buffers; larger bodies get `413 Payload Too Large`.
const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

/// A running local HTTP server that records every request it receives.
///
/// The server listens on `127.0.0.1` on a port picked by the operating
/// system, sets `TCP_NODELAY` on every accepted connection and runs as a task
/// on the tokio runtime that started it. Dropping the handle asks the server
/// to shut down gracefully; [`MockServer::shutdown`] does the same and waits
/// until it has stopped.
#[derive(Debug)]
pub struct MockServer {
    addr: SocketAddr,
    log: Arc<RequestLog>,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl MockServer {
    /// Serves `router` on a fresh local port, recording every request.
    ///
    /// # Panics
    ///
    /// Panics if no local port can be bound (see [`MockServer::try_start`])
    /// or if called outside a tokio runtime.
    pub async fn start(router: Router) -> MockServer {
        match MockServer::try_start(router).await {
            Ok(server) => server,
            Err(err) => panic!("mock server: cannot listen on 127.0.0.1: {err}"),
        }
    }

    /// Like [`MockServer::start`], but returns the error if binding fails.
    ///
    /// # Errors
    ///
    /// Returns the I/O error from binding `127.0.0.1:0`.
    pub async fn try_start(router: Router) -> io::Result<MockServer> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
        let addr = listener.local_addr()?;
        let listener = listener.tap_io(|stream| {
            // Without TCP_NODELAY small responses wait on Nagle's algorithm,
            // which distorts benchmarks; failing to set it only costs speed.
            let _ = stream.set_nodelay(true);
        });
        let log = Arc::new(RequestLog::default());
        let app = router.layer(from_fn_with_state(Arc::clone(&log), record));
        let (shutdown, signal) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let serve = axum::serve(listener, app).with_graceful_shutdown(async move {
                // A dropped sender counts as a shutdown request too.
                let _ = signal.await;
            });
            // `serve` only returns an error from the listener, which the
            // mock has no one to report to once it runs in the background.
            let _ = serve.await;
        });
        Ok(MockServer {
            addr,
            log,
            shutdown: Some(shutdown),
            task: Some(task),
        })
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The base URL of the server, `http://127.0.0.1:<port>`, without a trailing slash.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every request received since the start or the last
    /// [`MockServer::clear_requests`], in the order they arrived.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.log.lock().requests.clone()
    }

    /// Forgets the requests recorded so far.
    pub fn clear_requests(&self) {
        self.log.lock().requests.clear();
    }

    /// Shuts the server down gracefully and waits until it has stopped.
    pub async fn shutdown(mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

/// One request as the mock server received it.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct RecordedRequest {
    /// The method, such as `GET`.
    pub method: String,
    /// The path exactly as it appeared on the request line, percent-encoding
    /// preserved, without the query string.
    pub raw_path: String,
    /// The path split on `/` with each segment percent-decoded, so an encoded
    /// `%2F` stays inside its segment. The empty segment before the leading
    /// `/` is left out.
    pub path_segments: Vec<String>,
    /// The query string as received, without the `?`, if there was one.
    pub raw_query: Option<String>,
    /// The query string decoded into `(name, value)` pairs, in order.
    pub query: Vec<(String, String)>,
    /// The headers in the order received; names are lowercase.
    pub headers: Vec<(String, String)>,
    /// The request body.
    pub body: Vec<u8>,
    /// The body parsed as JSON, if it is JSON.
    pub json: Option<Value>,
    /// The status code of the response, once the handler has produced it.
    pub status: Option<u16>,
    seq: u64,
}

impl RecordedRequest {
    fn new(parts: &Parts, body: &[u8], seq: u64) -> RecordedRequest {
        let raw_path = parts.uri.path().to_owned();
        let path_segments = raw_path
            .strip_prefix('/')
            .unwrap_or(&raw_path)
            .split('/')
            .map(percent_decode)
            .collect();
        let query = Query::<Vec<(String, String)>>::try_from_uri(&parts.uri)
            .map(|Query(pairs)| pairs)
            .unwrap_or_default();
        let headers = parts
            .headers
            .iter()
            .map(|(name, value)| {
                let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
                (name.as_str().to_owned(), value)
            })
            .collect();
        let json = if body.is_empty() {
            None
        } else {
            serde_json::from_slice(body).ok()
        };
        RecordedRequest {
            method: parts.method.as_str().to_owned(),
            raw_path,
            path_segments,
            raw_query: parts.uri.query().map(str::to_owned),
            query,
            headers,
            body: body.to_vec(),
            json,
            status: None,
            seq,
        }
    }

    /// The first value of the header `name` (matched case-insensitively).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The first decoded value of the query parameter `name`.
    pub fn query_param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The request target as a test compares it: `GET /v1/pets?limit=2`, the path and
    /// query exactly as received.
    pub fn target(&self) -> String {
        match &self.raw_query {
            Some(q) => format!("{} {}?{q}", self.method, self.raw_path),
            None => format!("{} {}", self.method, self.raw_path),
        }
    }

    /// The body as UTF-8 text, with invalid sequences replaced.
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// The shared list of recorded requests.
#[derive(Debug, Default)]
struct RequestLog {
    inner: Mutex<LogInner>,
}

#[derive(Debug, Default)]
struct LogInner {
    next_seq: u64,
    requests: Vec<RecordedRequest>,
}

impl RequestLog {
    fn lock(&self) -> MutexGuard<'_, LogInner> {
        // A panicking handler must not make the log unusable for the test
        // that wants to inspect it.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn push(&self, parts: &Parts, body: &[u8]) -> u64 {
        let mut log = self.lock();
        let seq = log.next_seq;
        log.next_seq += 1;
        log.requests.push(RecordedRequest::new(parts, body, seq));
        seq
    }

    fn set_status(&self, seq: u64, status: StatusCode) {
        let mut log = self.lock();
        if let Some(request) = log.requests.iter_mut().rev().find(|r| r.seq == seq) {
            request.status = Some(status.as_u16());
        }
    }
}

/// Middleware that buffers the body, records the request and notes the status.
async fn record(State(log): State<Arc<RequestLog>>, request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    let body = match to_bytes(body, MAX_BODY_BYTES).await {
        Ok(body) => body,
        Err(_) => return StatusCode::PAYLOAD_TOO_LARGE.into_response(),
    };
    let seq = log.push(&parts, &body);
    let response = next.run(Request::from_parts(parts, Body::from(body))).await;
    log.set_status(seq, response.status());
    response
}

/// Decodes `%XX` escapes; malformed escapes are kept as they are.
pub(crate) fn percent_decode(input: &str) -> String {
    fn hex(byte: Option<&u8>) -> Option<u8> {
        char::from(*byte?).to_digit(16).map(|d| d as u8)
    }
    let bytes = input.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            if let (Some(hi), Some(lo)) = (hex(bytes.get(i + 1)), hex(bytes.get(i + 2))) {
                out.push(hi << 4 | lo);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::percent_decode;

    #[test]
    fn percent_decode_keeps_malformed_escapes() {
        assert_eq!(percent_decode("a%2F..%2Fb%3Fx"), "a/../b?x");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
        assert_eq!(percent_decode("caf%C3%A9"), "café");
    }
}

/// A mock server together with the state of the API it serves: what every API's mock
/// (`KindeMock`, `ClerkMock`, …) shares. Each API adds `start`, `router` and accessors
/// for its state.
#[derive(Debug)]
pub struct Mock<S> {
    pub(crate) server: MockServer,
    pub(crate) state: Arc<S>,
}

impl<S> Mock<S> {
    /// Serves `router`, whose handlers share `state`.
    pub(crate) async fn serve(router: Router, state: Arc<S>) -> Self {
        Mock {
            server: MockServer::start(router).await,
            state,
        }
    }

    /// The underlying server.
    pub fn server(&self) -> &MockServer {
        &self.server
    }

    /// The base URL, `http://127.0.0.1:<port>`, to use as the API's server.
    pub fn base_url(&self) -> String {
        self.server.base_url()
    }

    /// Every request received so far; see [`MockServer::requests`].
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.server.requests()
    }

    /// Forgets the recorded requests; what the API stored stays.
    pub fn clear_requests(&self) {
        self.server.clear_requests();
    }

    /// Shuts the server down and waits until it has stopped.
    pub async fn shutdown(self) {
        self.server.shutdown().await;
    }
}
