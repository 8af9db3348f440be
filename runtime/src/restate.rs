//! Durable runs on [Restate](https://restate.dev): every request a run sends is a journaled
//! side effect, and every wait before a retry a durable sleep, so that a run whose process
//! dies resumes from its journal and never sends a completed request twice.
//!
//! The workflow is the plain generated `async fn`, unchanged. [`drive`] runs it next to a
//! loop that owns the handler's Restate context, in the same task: the run asks the loop
//! (over a channel, found through a task-local) before each request and each wait. For a
//! request, the loop calls `ctx.run`; when Restate executes the closure (the first time),
//! the run sends the request itself and hands the response to the closure, which the
//! journal records; on replay, `ctx.run` returns the recorded response without calling
//! the closure, and the run uses that instead of sending. Sub-workflows and `dependsOn`
//! run inside the caller, so their requests are journaled in the caller's journal.
//!
//! What counts as retryable: a request that failed on the way (`Transport`,
//! `RequestTimeout`) leaves nothing in the journal and fails the invocation attempt, which
//! Restate retries; every other error of a run (criteria not met, invalid responses) is
//! terminal.

use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::time::Duration;

use restate_sdk::prelude::*;
use serde::{Deserialize, Serialize};
use tokio::sync::{mpsc, oneshot};

use crate::error::Error;

tokio::task_local! {
    /// The journal of the Restate invocation the current run belongs to.
    static JOURNAL: Arc<Journal>;
}

/// What a run asks of the loop that owns the Restate context.
enum Ask {
    /// A request: `go` tells the run to send it (Restate executes the side effect), `done`
    /// brings the response back to be recorded, `recorded` answers either way.
    Effect {
        name: String,
        go: oneshot::Sender<()>,
        done: oneshot::Receiver<Recorded>,
        recorded: oneshot::Sender<Result<Recorded, TerminalError>>,
    },
    /// A wait before a retry, as a durable timer.
    Sleep {
        delay: Duration,
        slept: oneshot::Sender<Result<(), TerminalError>>,
    },
}

/// The channel from the runs of one invocation to its loop.
pub(crate) struct Journal {
    asks: mpsc::UnboundedSender<Ask>,
}

/// A response as the journal records it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Recorded {
    pub(crate) status: u16,
    pub(crate) url: String,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
}

impl Recorded {
    /// What the journal keeps of `response`.
    pub(crate) fn of(response: &crate::response::Response) -> Self {
        Recorded {
            status: response.status,
            url: response.url.clone(),
            headers: response
                .headers
                .iter()
                .map(|(name, value)| {
                    (
                        name.as_str().to_owned(),
                        String::from_utf8_lossy(value.as_bytes()).into_owned(),
                    )
                })
                .collect(),
            body: response.body.to_vec(),
        }
    }

    /// The response as the step sees it, from the journal.
    pub(crate) fn into_response(
        self,
        workflow: &'static str,
        step: &'static str,
        method: &'static str,
    ) -> crate::response::Response {
        let mut headers = reqwest::header::HeaderMap::new();
        for (name, value) in &self.headers {
            if let (Ok(name), Ok(value)) = (
                reqwest::header::HeaderName::from_bytes(name.as_bytes()),
                reqwest::header::HeaderValue::from_str(value),
            ) {
                headers.append(name, value);
            }
        }
        crate::response::Response::new(
            workflow,
            step,
            method,
            self.url,
            self.status,
            headers,
            self.body.into(),
        )
    }
}

/// The result of asking the journal about a request.
pub(crate) enum Effect {
    /// Send it, then call [`Effect::record`]-able `done` with the response.
    Execute(
        oneshot::Sender<Recorded>,
        oneshot::Receiver<Result<Recorded, TerminalError>>,
    ),
    /// Recorded by an earlier attempt of the invocation: use this, send nothing.
    Replayed(Recorded),
}

/// The journal of the current run, if it runs under [`drive`].
pub(crate) fn current() -> Option<Arc<Journal>> {
    JOURNAL.try_with(Arc::clone).ok()
}

impl Journal {
    /// Asks whether to send the request `name`, or use what the journal recorded.
    pub(crate) async fn effect(&self, name: String) -> Result<Effect, String> {
        let (go, go_rx) = oneshot::channel();
        let (done_tx, done) = oneshot::channel();
        let (recorded, recorded_rx) = oneshot::channel();
        self.asks
            .send(Ask::Effect {
                name,
                go,
                done,
                recorded,
            })
            .map_err(|_| journal_gone())?;
        match go_rx.await {
            Ok(()) => Ok(Effect::Execute(done_tx, recorded_rx)),
            // Replayed: `ctx.run` answered without calling its closure.
            Err(_) => match recorded_rx.await {
                Ok(Ok(recorded)) => Ok(Effect::Replayed(recorded)),
                Ok(Err(e)) => Err(terminal(e)),
                Err(_) => Err(journal_gone()),
            },
        }
    }

    /// Waits `delay` on a durable timer.
    pub(crate) async fn sleep(&self, delay: Duration) -> Result<(), String> {
        let (slept, slept_rx) = oneshot::channel();
        self.asks
            .send(Ask::Sleep { delay, slept })
            .map_err(|_| journal_gone())?;
        match slept_rx.await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(terminal(e)),
            Err(_) => Err(journal_gone()),
        }
    }
}

fn journal_gone() -> String {
    "the Restate invocation ended while the run still needed its journal".to_owned()
}

fn terminal(e: TerminalError) -> String {
    format!("Restate failed the journaled step: {e}")
}

/// Runs `workflow` (a call of a generated workflow function) as the body of a Restate
/// handler: every request is journaled with `ctx.run`, every wait before a retry is
/// `ctx.sleep`. The generated Restate service calls it; it returns the workflow's outputs,
/// or a [`HandlerError`] that is terminal unless the run failed on a transport error.
pub async fn drive<T>(
    ctx: &Context<'_>,
    workflow: impl Future<Output = Result<T, Error>>,
) -> Result<T, HandlerError> {
    let (asks, mut rx) = mpsc::unbounded_channel();
    let journal = Arc::new(Journal { asks });
    let mut workflow = pin!(JOURNAL.scope(journal, workflow));
    loop {
        tokio::select! {
            biased;
            outcome = &mut workflow => return outcome.map_err(handler_error),
            Some(ask) = rx.recv() => match ask {
                Ask::Effect { name, go, done, recorded } => {
                    // Executed the first time: the run sends the request and hands back the
                    // response. Replayed: the closure is never called, `go` is dropped.
                    let effect = ctx
                        .run(|| async move {
                            let _ = go.send(());
                            match done.await {
                                Ok(response) => Ok(Json(response)),
                                Err(_) => Err(HandlerError::from(RequestFailed)),
                            }
                        })
                        .name(name);
                    // The run waits for `go` and then sends; poll both until the record is
                    // back, so that the request and the journal entry both complete.
                    let mut effect = pin!(effect);
                    let result = tokio::select! {
                        biased;
                        result = &mut effect => result,
                        outcome = &mut workflow => return outcome.map_err(handler_error),
                    };
                    let _ = recorded.send(result.map(|Json(r)| r));
                }
                Ask::Sleep { delay, slept } => {
                    let mut sleep = pin!(ctx.sleep(delay));
                    let result = tokio::select! {
                        biased;
                        result = &mut sleep => result,
                        outcome = &mut workflow => return outcome.map_err(handler_error),
                    };
                    let _ = slept.send(result);
                }
            },
        }
    }
}

/// The run failed while sending the request: nothing to record, and the invocation
/// attempt fails, for Restate to retry.
#[derive(Debug, thiserror::Error)]
#[error("the request failed before a response was recorded")]
struct RequestFailed;

/// A run's error as the handler's: retried by Restate when the request never got an
/// answer, terminal otherwise (retrying cannot change a response that broke a criterion).
fn handler_error(error: Error) -> HandlerError {
    match error {
        Error::Transport { .. } | Error::RequestTimeout { .. } | Error::Journal { .. } => {
            HandlerError::from(error)
        }
        other => TerminalError::new(other.to_string()).into(),
    }
}

/// Serves `endpoint` (a `restate_sdk` endpoint with the generated services bound) on
/// `listener` over HTTP/2, as `restate_sdk::http_server::HttpServer` does, but with
/// `TCP_NODELAY` on every connection: without it each journal entry the service sends
/// waits for the server's delayed ACK, about 40 ms a step on Linux.
pub async fn serve(endpoint: restate_sdk::endpoint::Endpoint, listener: tokio::net::TcpListener) {
    let endpoint = restate_sdk::hyper::HyperEndpoint::new(endpoint);
    loop {
        let Ok((stream, remote)) = listener.accept().await else {
            continue;
        };
        let _ = stream.set_nodelay(true);
        let endpoint = endpoint.clone();
        tokio::spawn(async move {
            let connection =
                hyper::server::conn::http2::Builder::new(hyper_util::rt::TokioExecutor::new())
                    .serve_connection(hyper_util::rt::TokioIo::new(stream), endpoint);
            if let Err(e) = connection.await {
                tracing::debug!(%remote, error = %e, "Restate connection ended");
            }
        });
    }
}
