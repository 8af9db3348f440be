//! Secrets never show: a workflow whose inputs hold a password (`format: password`) and a
//! one-time code (`writeOnly`), sent with basic credentials and an API key in the query,
//! fails in every way a server can make it fail, with a TRACE subscriber recording every
//! event of every crate; then the errors (`Display` and `Debug`), the inputs' and client's
//! `Debug`, the hooks' events and the whole log are searched for each secret, raw and
//! percent-encoded.
//!
//! The subscriber is this test's thread's own, and the runtime is single-threaded so that
//! every task (hyper's connection tasks too) logs to it, and no other test does.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use arazzo::{Hooks, RequestEvent, ResponseEvent, RetryEvent};
use arazzo_mocks::faulty::{FaultyServer, Reply};
use tracing_subscriber::util::SubscriberInitExt;

use crate::faults::faults;
use faults::*;

const PASSWORD: &str = "p@ss word/9";
const OTP: &str = "otp-551200";
const API_KEY: &str = "key-q-8812";
const BASIC_PASSWORD: &str = "basic-pw-31";
/// `alice:basic-pw-31`, as the `Authorization: Basic` header carries it.
const BASIC_BASE64: &str = "YWxpY2U6YmFzaWMtcHctMzE=";

/// Everything a subscriber or a hook was given, as text.
#[derive(Clone, Default)]
struct Seen(Arc<Mutex<String>>);

impl Seen {
    fn push(&self, text: &str) {
        let mut seen = self.0.lock().unwrap();
        seen.push_str(text);
        seen.push('\n');
    }

    fn text(&self) -> String {
        self.0.lock().unwrap().clone()
    }
}

impl Write for Seen {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap()
            .push_str(&String::from_utf8_lossy(buf));
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Hooks for Seen {
    fn on_request(&self, event: &RequestEvent<'_>) {
        self.push(&format!("{event:?}"));
    }

    fn on_response(&self, event: &ResponseEvent<'_>) {
        self.push(&format!("{event:?}"));
    }

    fn on_retry(&self, event: &RetryEvent<'_>) {
        self.push(&format!("{event:?}"));
    }
}

fn inputs() -> SignInInputs {
    SignInInputs {
        user: "alice".into(),
        password: PASSWORD.into(),
        otp: Some(OTP.into()),
    }
}

fn client(base: &str, hooks: &Seen) -> arazzo::Client {
    arazzo::Client::builder()
        .base_url("records", base)
        .basic_auth("alice", BASIC_PASSWORD)
        .api_key(API_KEY)
        .hooks(hooks.clone())
        .request_timeout(Duration::from_millis(300))
        .max_response_bytes(64 * 1024)
        .build()
        .unwrap()
}

/// Every form a secret can take in a URL or a header.
fn forms() -> Vec<String> {
    let mut forms = Vec::new();
    for secret in [PASSWORD, OTP, API_KEY, BASIC_PASSWORD, BASIC_BASE64] {
        forms.push(secret.to_owned());
        let encoded: String = secret
            .bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect();
        forms.push(encoded);
    }
    forms.sort();
    forms.dedup();
    forms
}

#[tokio::test(flavor = "current_thread")]
async fn secrets_never_show_in_errors_debug_hooks_or_logs() {
    let log = Seen::default();
    let writer = log.clone();
    let _subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish()
        .set_default();
    let hooks = Seen::default();
    let mut shown = Vec::new();

    // The inputs' and the client's own `Debug`.
    let debug = format!("{:?}", inputs());
    assert_eq!(
        debug,
        r#"SignInInputs { user: "alice", password: "***", otp: Some("***") }"#
    );
    shown.push(debug);

    // A server that echoes the whole request (URL, credentials, body) in its error body.
    let echo = FaultyServer::start(|request, _| {
        let mut text = String::from_utf8_lossy(&request.head).into_owned();
        text.push_str(&String::from_utf8_lossy(&request.body));
        Reply::new(401, "text/plain", text)
    })
    .await;
    // One that redirects to itself forever, the query (and so the secrets) copied along.
    let redirect = FaultyServer::start(|request, _| {
        Reply::new(307, "text/plain", "").with_header("location", &request.target)
    })
    .await;
    let silent = FaultyServer::start(|_, _| Reply::Silent).await;
    let huge = FaultyServer::start(|_, _| Reply::Huge {
        len: 1 << 20,
        declare_length: false,
    })
    .await;
    let refused = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", listener.local_addr().unwrap())
    };
    let expected = [
        (echo.base_url(), "unexpected status 401"),
        (redirect.base_url(), "more than 10 redirects"),
        (silent.base_url(), "no complete response from"),
        (huge.base_url(), "is larger than the limit"),
        (refused, "could not connect to"),
    ];
    for (base, what) in expected {
        let client = client(&base, &hooks);
        shown.push(format!("{client:?}"));
        let error = sign_in(&client, inputs()).await.unwrap_err();
        let text = error.to_string();
        assert!(text.contains(what), "{text}");
        assert!(
            text.contains("password=***") && text.contains("api_key=***"),
            "the URL is shown, redacted: {text}"
        );
        shown.push(text);
        shown.push(format!("{error:?}"));
    }
    // The echoed request is in the error's body excerpt, with every secret replaced.
    let echoed = &shown[2];
    assert!(echoed.contains("authorization: Basic ***"), "{echoed}");
    assert!(echoed.contains("x-one-time-code: ***"), "{echoed}");
    assert!(echoed.contains(r#""password":"***""#), "{echoed}");

    // Inputs that fail validation say why without the value.
    let client = client(&echo.base_url(), &hooks);
    let short = SignInInputs {
        password: "p@s".into(),
        ..inputs()
    };
    let error = sign_in(&client, short).await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "workflow `sign-in`: invalid inputs: `password` must be at least 4 characters long"
    );

    shown.push(hooks.text());
    let log = log.text();
    assert!(
        log.contains("sending request"),
        "the log was recorded: {log}"
    );
    shown.push(log);
    let everything = shown.join("\n");
    for form in forms() {
        assert!(
            !everything.contains(&form),
            "`{form}` shows:\n{}",
            everything
                .lines()
                .filter(|line| line.contains(&form))
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
}
