//! A raw HTTP/1.1 server that misbehaves on purpose, for the fault tests: it answers each
//! request with a scripted [`Reply`] (an error status, a stall, a trickle, a reset in the
//! middle of the body, a body of gigabytes) and records the exact bytes it received.
//!
//! It speaks just enough HTTP/1.1 for a client: it reads the request head and a
//! `Content-Length` body, keeps the connection open between complete replies, and writes
//! whatever the script says, well-formed or not.

use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// The largest request head or body the server reads; a larger one closes the connection.
const MAX_REQUEST_BYTES: usize = 1024 * 1024;

/// What the server does with one request.
#[derive(Debug, Clone)]
pub enum Reply {
    /// A complete response with a `Content-Length`; the connection stays open.
    Http {
        /// The status code.
        status: u16,
        /// Extra headers, in order.
        headers: Vec<(String, String)>,
        /// The body.
        body: Vec<u8>,
    },
    /// Writes these bytes as they are, then closes the connection.
    Raw(Vec<u8>),
    /// Reads the request and never answers (the connection stays open until the client
    /// gives up or the server is dropped).
    Silent,
    /// Sends a `200` head announcing `body`'s length, then the body one byte every
    /// `interval`.
    Trickle {
        /// The body, sent a byte at a time.
        body: Vec<u8>,
        /// The pause before each byte.
        interval: Duration,
    },
    /// Sends a `200` head announcing `declared` body bytes, then `sent` of them, then
    /// resets the connection (`RST`, not `FIN`).
    ResetMidBody {
        /// The `Content-Length` announced.
        declared: usize,
        /// How many body bytes are sent before the reset.
        sent: usize,
    },
    /// A `200` body of `len` bytes (`"aaaa…"` inside a JSON string) made while it is
    /// written, so the server holds none of it; with `declare_length`, announced by
    /// `Content-Length`, else sent chunked.
    Huge {
        /// The body's length in bytes.
        len: u64,
        /// Whether the head has `Content-Length` (else `Transfer-Encoding: chunked`).
        declare_length: bool,
    },
}

impl Reply {
    /// A complete response of status `status` with a body of type `content_type`.
    pub fn new(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Reply {
        Reply::Http {
            status,
            headers: vec![("content-type".to_owned(), content_type.to_owned())],
            body: body.into(),
        }
    }

    /// A JSON response.
    pub fn json(status: u16, body: &serde_json::Value) -> Reply {
        Reply::new(status, "application/json", body.to_string())
    }

    /// Adds a header to an [`Reply::Http`] reply (other replies are left as they are).
    pub fn with_header(mut self, name: &str, value: &str) -> Reply {
        if let Reply::Http { headers, .. } = &mut self {
            headers.push((name.to_owned(), value.to_owned()));
        }
        self
    }
}

/// One request as the server read it off the wire.
#[derive(Debug, Clone)]
pub struct RawRequest {
    /// The request head exactly as received: request line and headers, up to and
    /// including the blank line.
    pub head: Vec<u8>,
    /// The body (as long as `Content-Length` said).
    pub body: Vec<u8>,
    /// The method.
    pub method: String,
    /// The request target as sent: path and query, still encoded.
    pub target: String,
    /// The headers, names lowercased, values as sent.
    pub headers: Vec<(String, String)>,
}

impl RawRequest {
    /// The first value of the header `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

type Script = dyn Fn(&RawRequest, usize) -> Reply + Send + Sync;

/// A running misbehaving server on `127.0.0.1`; dropping it stops the server and closes
/// its connections.
pub struct FaultyServer {
    addr: SocketAddr,
    requests: Arc<Mutex<Vec<RawRequest>>>,
    task: JoinHandle<()>,
}

impl std::fmt::Debug for FaultyServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FaultyServer")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl FaultyServer {
    /// Serves on a fresh local port. `script` is called with each request and its index
    /// (from 0, across connections) and says how to answer it.
    ///
    /// # Panics
    ///
    /// Panics if no local port can be bound, or outside a tokio runtime.
    pub async fn start(
        script: impl Fn(&RawRequest, usize) -> Reply + Send + Sync + 'static,
    ) -> FaultyServer {
        match FaultyServer::try_start(script).await {
            Ok(server) => server,
            Err(err) => panic!("faulty server: cannot listen on 127.0.0.1: {err}"),
        }
    }

    /// Like [`FaultyServer::start`], but returns the error if binding fails.
    ///
    /// # Errors
    ///
    /// Returns the I/O error from binding `127.0.0.1:0`.
    pub async fn try_start(
        script: impl Fn(&RawRequest, usize) -> Reply + Send + Sync + 'static,
    ) -> io::Result<FaultyServer> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
        let addr = listener.local_addr()?;
        let requests = Arc::new(Mutex::new(Vec::new()));
        let script: Arc<Script> = Arc::new(script);
        let log = Arc::clone(&requests);
        let task = tokio::spawn(async move {
            let mut connections = tokio::task::JoinSet::new();
            while let Ok((stream, _)) = listener.accept().await {
                let _ = stream.set_nodelay(true);
                connections.spawn(serve(stream, Arc::clone(&script), Arc::clone(&log)));
            }
        });
        Ok(FaultyServer {
            addr,
            requests,
            task,
        })
    }

    /// `http://127.0.0.1:<port>`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The server's address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<RawRequest> {
        self.requests
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }
}

impl Drop for FaultyServer {
    fn drop(&mut self) {
        // Aborting the accept loop drops its `JoinSet`, which aborts every connection.
        self.task.abort();
    }
}

/// Serves one connection until the client closes it or a reply ends it.
async fn serve(mut stream: TcpStream, script: Arc<Script>, log: Arc<Mutex<Vec<RawRequest>>>) {
    let mut buffer = Vec::new();
    loop {
        let Some(request) = read_request(&mut stream, &mut buffer).await else {
            return;
        };
        let index = {
            let mut log = log.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            log.push(request.clone());
            log.len() - 1
        };
        let answer = script(&request, index);
        let keep_open = matches!(answer, Reply::Http { .. });
        if reply(&mut stream, answer).await.is_err() || !keep_open {
            return;
        }
    }
}

/// Reads one request; `None` when the client closed the connection or sent something that
/// is not HTTP/1.1. Bytes after the request stay in `buffer`.
async fn read_request(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> Option<RawRequest> {
    let head_end = loop {
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break end + 4;
        }
        if buffer.len() > MAX_REQUEST_BYTES || !fill(stream, buffer).await {
            return None;
        }
    };
    let head: Vec<u8> = buffer.drain(..head_end).collect();
    let text = String::from_utf8_lossy(&head).into_owned();
    let mut lines = text.split("\r\n");
    let mut request_line = lines.next()?.split(' ');
    let method = request_line.next()?.to_owned();
    let target = request_line.next()?.to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let length = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(0);
    if length > MAX_REQUEST_BYTES {
        return None;
    }
    while buffer.len() < length {
        if !fill(stream, buffer).await {
            return None;
        }
    }
    let body = buffer.drain(..length).collect();
    Some(RawRequest {
        head,
        body,
        method,
        target,
        headers,
    })
}

/// Reads more bytes into `buffer`; `false` at the end of the stream or on an error.
async fn fill(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> bool {
    let mut chunk = [0u8; 8192];
    match stream.read(&mut chunk).await {
        Ok(0) | Err(_) => false,
        Ok(n) => {
            buffer.extend_from_slice(&chunk[..n]);
            true
        }
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

async fn reply(stream: &mut TcpStream, reply: Reply) -> io::Result<()> {
    match reply {
        Reply::Http {
            status,
            headers,
            body,
        } => {
            let mut head = format!("HTTP/1.1 {status} {}\r\n", reason(status));
            for (name, value) in &headers {
                head.push_str(&format!("{name}: {value}\r\n"));
            }
            head.push_str(&format!("content-length: {}\r\n\r\n", body.len()));
            stream.write_all(head.as_bytes()).await?;
            stream.write_all(&body).await?;
            stream.flush().await
        }
        Reply::Raw(bytes) => {
            stream.write_all(&bytes).await?;
            stream.shutdown().await
        }
        Reply::Silent => {
            // Hold the connection until the client closes it.
            let mut sink = [0u8; 1024];
            while stream.read(&mut sink).await? > 0 {}
            Ok(())
        }
        Reply::Trickle { body, interval } => {
            let head = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
                body.len()
            );
            stream.write_all(head.as_bytes()).await?;
            for byte in body {
                tokio::time::sleep(interval).await;
                stream.write_all(&[byte]).await?;
                stream.flush().await?;
            }
            Ok(())
        }
        Reply::ResetMidBody { declared, sent } => {
            let head = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {declared}\r\n\r\n"
            );
            stream.write_all(head.as_bytes()).await?;
            stream.write_all(&vec![b' '; sent.min(declared)]).await?;
            stream.flush().await?;
            // Give the client time to read what was sent, then reset.
            tokio::time::sleep(Duration::from_millis(20)).await;
            stream.set_zero_linger()?;
            Ok(())
        }
        Reply::Huge {
            len,
            declare_length,
        } => write_huge(stream, len, declare_length).await,
    }
}

/// Writes a `200` JSON body of `len` bytes, `{"data":"aaa…"}`, 64 KiB at a time.
async fn write_huge(stream: &mut TcpStream, len: u64, declare_length: bool) -> io::Result<()> {
    const CHUNK: usize = 64 * 1024;
    let framing = if declare_length {
        format!("content-length: {len}")
    } else {
        "transfer-encoding: chunked".to_owned()
    };
    let head = format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n{framing}\r\n\r\n");
    stream.write_all(head.as_bytes()).await?;
    let (open, close) = (&b"{\"data\":\""[..], &b"\"}"[..]);
    let filler = vec![b'a'; CHUNK];
    let mut left = len;
    let mut first = true;
    while left > 0 {
        let mut piece = Vec::with_capacity(CHUNK);
        if first {
            piece.extend_from_slice(&open[..open.len().min(left as usize)]);
            first = false;
        }
        let room = (CHUNK - piece.len()) as u64;
        let fill = room.min(left.saturating_sub(piece.len() as u64 + close.len() as u64));
        piece.extend_from_slice(&filler[..fill as usize]);
        let remaining = left - piece.len() as u64;
        if remaining <= close.len() as u64 {
            piece.extend_from_slice(&close[close.len() - remaining as usize..]);
        }
        left -= piece.len() as u64;
        if declare_length {
            stream.write_all(&piece).await?;
        } else {
            stream
                .write_all(format!("{:x}\r\n", piece.len()).as_bytes())
                .await?;
            stream.write_all(&piece).await?;
            stream.write_all(b"\r\n").await?;
        }
    }
    if !declare_length {
        stream.write_all(b"0\r\n\r\n").await?;
    }
    stream.flush().await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn huge_bodies_have_the_announced_length_and_stay_json() {
        let server = FaultyServer::start(|_, _| Reply::Huge {
            len: 200_000,
            declare_length: false,
        })
        .await;
        let body = reqwest::get(format!("{}/x", server.base_url()))
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        assert_eq!(body.len(), 200_000);
        let value: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(value["data"].as_str().unwrap().len(), 200_000 - 11);
    }

    #[tokio::test]
    async fn requests_are_recorded_as_sent() {
        let server =
            FaultyServer::start(|_, i| Reply::new(200, "text/plain", format!("{i}"))).await;
        let client = reqwest::Client::new();
        for _ in 0..2 {
            let text = client
                .post(format!("{}/a%2Fb?q=1", server.base_url()))
                .body("hi")
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            assert!(text == "0" || text == "1");
        }
        let requests = server.requests();
        assert_eq!(requests.len(), 2);
        assert_eq!(requests[0].method, "POST");
        assert_eq!(requests[0].target, "/a%2Fb?q=1");
        assert_eq!(requests[0].body, b"hi");
        assert!(requests[0]
            .head
            .starts_with(b"POST /a%2Fb?q=1 HTTP/1.1\r\n"));
    }
}
