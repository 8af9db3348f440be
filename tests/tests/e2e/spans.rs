//! Tracing: one `workflow` span per run and one `step` span per step attempt, with the
//! workflow id, step id, attempt, operation, method, URL (without secrets) and status as
//! fields, and every event of the step (reqwest's and hyper's too) inside them.
//!
//! The subscriber is this test's thread's own, and the runtime is single-threaded so that
//! every task logs to it, and no other test does.

use std::io::Write;
use std::sync::{Arc, Mutex};

use arazzo_mocks::faulty::{FaultyServer, Reply};
use serde_json::json;
use tracing_subscriber::util::SubscriberInitExt;

use crate::faults::faults;

#[derive(Clone, Default)]
struct Log(Arc<Mutex<String>>);

impl Write for Log {
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

#[tokio::test(flavor = "current_thread")]
async fn runs_and_steps_are_spans() {
    let log = Log::default();
    let writer = log.clone();
    let _subscriber = tracing_subscriber::fmt()
        .with_env_filter("arazzo=debug")
        .with_ansi(false)
        .without_time()
        .with_writer(move || writer.clone())
        .finish()
        .set_default();
    let server = FaultyServer::start(|_, i| match i {
        0 => Reply::new(503, "text/plain", "busy").with_header("retry-after", "0"),
        _ => Reply::json(200, &json!({"id": 4, "name": "four"})),
    })
    .await;
    let client = arazzo::Client::builder()
        .base_url("records", server.base_url())
        .bearer_token("secret-token")
        .api_key("secret-key")
        .build()
        .unwrap();
    let out =
        faults::read_record_patiently(&client, faults::ReadRecordPatientlyInputs { record_id: 4 })
            .await
            .unwrap();
    assert_eq!(out.name, "four");
    let url = format!("{}/records/4", server.base_url());
    let text = log.0.lock().unwrap().clone();
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    let step = |attempt: u32, rest: &str| {
        format!(
            r#"DEBUG workflow{{workflow="read-record-patiently"}}:step{{step="getRecord" attempt={attempt} operation="getRecord" method="GET"{rest}}}: arazzo_runtime::"#
        )
    };
    // The operation is known once the step builds its request.
    let started = |attempt: u32| {
        format!(
            r#"DEBUG workflow{{workflow="read-record-patiently"}}:step{{step="getRecord" attempt={attempt}}}: arazzo_runtime::run: step started"#
        )
    };
    let expected = [
        started(1),
        format!(
            "{}send: sending request method=\"GET\" url={url}",
            step(1, &format!(" url={url}"))
        ),
        format!(
            "{}send: response received status=503",
            step(1, &format!(" url={url} status=503"))
        ),
        format!(
            "{}run: waiting before retry delay_ms=0 asked_ms=0",
            step(1, &format!(" url={url} status=503"))
        ),
        started(2),
        format!(
            "{}send: sending request method=\"GET\" url={url}",
            step(2, &format!(" url={url}"))
        ),
        format!(
            "{}send: response received status=200",
            step(2, &format!(" url={url} status=200"))
        ),
    ];
    let ours: Vec<String> = lines
        .iter()
        .filter(|line| line.contains("arazzo_runtime::"))
        .map(|line| {
            // The elapsed time varies.
            match line.find(" elapsed_us=") {
                Some(at) => line[..at].to_owned(),
                None => (*line).to_owned(),
            }
        })
        .collect();
    assert_eq!(ours, expected, "{text}");
    assert!(!text.contains("secret-"), "{text}");
}
