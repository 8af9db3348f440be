//! Durable runs on a real Restate server (issue 15): the Kinde workflow as the generated
//! Restate service (`tests/src/bin/kinde-restate-service.rs`, `restate = "KindeInvite"`)
//! runs against the Kinde mock; the service process is killed after `createInvite` while
//! the run polls, and restarted. The run completes with the right outputs, and the mock saw
//! exactly one `POST …/invites`: the journal replayed the requests that had completed.
//!
//! `restate-server` (npm `@restatedev/restate-server`, 1.7) runs on 127.0.0.1 with its own
//! ports and data directory; `.ci/run` installs it. Without it the test says so and skips.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use arazzo::reqwest;
use arazzo_mocks::kinde::{KindeConfig, KindeMock, DEFAULT_TOKEN};
use arazzo_mocks::restate::RestateServer;
use serde_json::{json, Value};

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free local port")
}

/// A child process killed when dropped.
struct Process(Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Waits until `ready` holds, for at most a minute.
async fn eventually<F, Fut>(what: &str, mut ready: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let started = Instant::now();
    while !ready().await {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The generated service in a process of its own, serving on `port`.
fn service(port: u16, kinde: &KindeMock) -> Process {
    let child = Command::new(env!("CARGO_BIN_EXE_kinde-restate-service"))
        .args([port.to_string(), kinde.base_url(), DEFAULT_TOKEN.to_owned()])
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the service starts");
    Process(child)
}

fn invite_posts(kinde: &KindeMock) -> usize {
    kinde
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && r.raw_path.ends_with("/invites"))
        .count()
}

fn polls(kinde: &KindeMock) -> usize {
    kinde
        .requests()
        .iter()
        .filter(|r| r.method == "GET" && r.raw_path.contains("/invites/"))
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_run_resumes_without_repeating_a_request() {
    let Some(restate) = RestateServer::start() else {
        return;
    };
    let http = reqwest::Client::new();
    // Two polls answer `is_sent: false`, so the run waits `retryAfter: 3` twice.
    let kinde = KindeMock::start(KindeConfig::default().with_polls_before_sent(2)).await;
    let port = free_port();
    let mut running = Some(service(port, &kinde));
    restate.register(&format!("http://127.0.0.1:{port}"));

    // Start the run through the ingress, without waiting for it.
    let inputs = json!({
        "orgCode": "org_acme",
        "email": "ada@example.com",
        "firstName": "Ada",
        "roleKeys": ["member"],
    });
    let sent = http
        .post(format!(
            "{}/KindeInvite/invite_user_to_organization/send",
            restate.ingress_url()
        ))
        .header("content-type", "application/json")
        .body(inputs.to_string())
        .send()
        .await
        .unwrap();
    let sent: Value = serde_json::from_slice(&sent.bytes().await.unwrap()).unwrap();
    let id = sent["invocationId"]
        .as_str()
        .expect("an invocation id")
        .to_owned();

    // Kill the service once the invitation exists and the polls have begun: the run is
    // between two polls, waiting on a Restate timer.
    eventually("the first poll", || async { polls(&kinde) >= 1 }).await;
    drop(running.take());
    assert_eq!(invite_posts(&kinde), 1);
    tokio::time::sleep(Duration::from_millis(500)).await;
    running = Some(service(port, &kinde));

    let attached = http
        .get(format!(
            "{}/restate/invocation/{id}/attach",
            restate.ingress_url()
        ))
        .timeout(Duration::from_secs(90))
        .send()
        .await
        .unwrap();
    let status = attached.status();
    let body = attached.bytes().await.unwrap();
    assert!(
        status.is_success(),
        "{status}: {}",
        String::from_utf8_lossy(&body)
    );
    let outputs: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(
        outputs,
        json!({
            "inviteCode": "inv_1",
            "inviteLink": "https://org_acme.kinde.example/invite/inv_1",
        })
    );
    assert_eq!(invite_posts(&kinde), 1, "the invitation was created once");
    assert_eq!(
        polls(&kinde),
        3,
        "two polls saw `is_sent: false`, the third `true`"
    );
    assert_eq!(kinde.invites().len(), 1);
    drop(running);
}
