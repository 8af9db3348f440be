//! Hooks: callbacks around every request, for tracing, metrics and example output.

use std::time::Duration;

/// What a workflow is about to send.
#[derive(Debug)]
#[non_exhaustive]
pub struct RequestEvent<'a> {
    /// The workflow's `workflowId`.
    pub workflow: &'a str,
    /// The step's `stepId`.
    pub step: &'a str,
    /// Which attempt of the step this is, from 1 (retries count up).
    pub attempt: u32,
    /// The HTTP method.
    pub method: &'a str,
    /// The full URL, query included.
    pub url: &'a str,
}

/// What a workflow received.
#[derive(Debug)]
#[non_exhaustive]
pub struct ResponseEvent<'a> {
    /// The workflow's `workflowId`.
    pub workflow: &'a str,
    /// The step's `stepId`.
    pub step: &'a str,
    /// Which attempt of the step this is, from 1.
    pub attempt: u32,
    /// The HTTP method.
    pub method: &'a str,
    /// The full URL, query included.
    pub url: &'a str,
    /// The response's status code.
    pub status: u16,
    /// Time from sending the request to having read the whole body.
    pub elapsed: Duration,
}

/// A step is about to be retried.
#[derive(Debug)]
#[non_exhaustive]
pub struct RetryEvent<'a> {
    /// The workflow's `workflowId`.
    pub workflow: &'a str,
    /// The step's `stepId`.
    pub step: &'a str,
    /// The attempt that failed, from 1.
    pub attempt: u32,
    /// How long the workflow waits before the next attempt.
    pub delay: Duration,
}

/// Callbacks around every request a workflow makes. Every method has an empty default.
///
/// Every request and response is also reported through `tracing` at debug level.
pub trait Hooks: Send + Sync {
    /// Called just before a request is sent.
    fn on_request(&self, event: &RequestEvent<'_>) {
        let _ = event;
    }

    /// Called when a response has been read in full.
    fn on_response(&self, event: &ResponseEvent<'_>) {
        let _ = event;
    }

    /// Called before waiting to retry a step.
    fn on_retry(&self, event: &RetryEvent<'_>) {
        let _ = event;
    }
}
