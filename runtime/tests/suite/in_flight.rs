//! `ClientBuilder::max_in_flight_requests` against a local server that counts the requests
//! it is answering at once.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use arazzo_runtime::__private::{Operation, Run, Source};
use arazzo_runtime::{BuildError, Client};
use axum::extract::State;
use axum::routing::get;
use axum::Router;

static SOURCE: Source = Source {
    name: "api",
    server: None,
};

static SLOW: Operation = Operation {
    id: "slow",
    source: &SOURCE,
    method: "GET",
    path: "/slow",
    security: &[],
};

#[derive(Default)]
struct Counts {
    now: AtomicUsize,
    most: AtomicUsize,
    total: AtomicUsize,
}

async fn slow(State(counts): State<Arc<Counts>>) -> &'static str {
    let now = counts.now.fetch_add(1, Ordering::SeqCst) + 1;
    counts.most.fetch_max(now, Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(150)).await;
    counts.now.fetch_sub(1, Ordering::SeqCst);
    counts.total.fetch_add(1, Ordering::SeqCst);
    "done"
}

/// Sends `runs` requests at once through a client built by `configure`, and returns the
/// most the server saw in flight at once.
async fn most_in_flight(
    runs: usize,
    configure: impl FnOnce(arazzo_runtime::ClientBuilder) -> arazzo_runtime::ClientBuilder,
) -> usize {
    let counts = Arc::new(Counts::default());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = Router::new()
        .route("/slow", get(slow))
        .with_state(counts.clone());
    let server = tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let client = configure(Client::builder().base_url("api", format!("http://{addr}")))
        .build()
        .unwrap();
    let tasks: Vec<_> = (0..runs)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move {
                let mut run = Run::new(&client, "wf");
                run.start_step("slow", 1).unwrap();
                let response = run.send(run.request(&SLOW)).await.unwrap();
                assert_eq!(response.status(), 200);
                assert_eq!(response.body_bytes(), b"done");
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    server.abort();
    assert_eq!(counts.total.load(Ordering::SeqCst), runs);
    counts.most.load(Ordering::SeqCst)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_more_than_the_limit_are_in_flight_at_once() {
    assert_eq!(most_in_flight(24, |b| b.max_in_flight_requests(3)).await, 3);
    assert_eq!(most_in_flight(8, |b| b.max_in_flight_requests(1)).await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_limit_every_request_goes_out_at_once() {
    assert_eq!(
        most_in_flight(24, |b| b.max_in_flight_requests(usize::MAX)).await,
        24
    );
    // The default (256) lets these 24 through at once too.
    assert_eq!(most_in_flight(24, |b| b).await, 24);
}

#[test]
fn a_limit_of_zero_is_refused() {
    let error = Client::builder()
        .max_in_flight_requests(0)
        .build()
        .unwrap_err();
    assert!(matches!(error, BuildError::NoRequestsInFlight));
    assert_eq!(
        error.to_string(),
        "max_in_flight_requests must be at least 1"
    );
}
