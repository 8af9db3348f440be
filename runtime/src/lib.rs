//! The runtime of [arazzo](https://docs.rs/arazzo): what code generated from Arazzo
//! workflows calls at run time.
//!
//! Users meet three things here: [`Client`] (built with [`Client::builder`]), which says
//! where the APIs are and how to authenticate; [`Error`], which every generated workflow
//! function returns on failure and which names the workflow and step that failed; and
//! [`Hooks`], to observe every request. Everything under `__private` is for generated code
//! only and may change in any release.
#![deny(missing_docs)]

mod auth;
mod client;
mod criteria;
mod encode;
mod error;
mod hooks;
mod operation;
mod response;
mod run;

pub use auth::Credential;
pub use client::{Client, ClientBuilder, DEFAULT_MAX_STEP_EXECUTIONS};
pub use error::{BuildError, Error};
pub use hooks::{Hooks, RequestEvent, ResponseEvent, RetryEvent};
pub use response::Response;

/// Re-exported so that users need no direct dependency to pass a configured client.
pub use reqwest;
/// Re-exported: workflow values that have no more precise type are `serde_json::Value`.
pub use serde_json;

/// Items for generated code only. Not part of the public API.
#[doc(hidden)]
pub mod __private {
    pub use serde;
    pub use serde_json;
    pub use serde_json::{json, Map, Value};

    pub use crate::criteria::{compare, navigate, truthy, JsonPathQuery, Nav, Op, Pattern};
    pub use crate::encode::Style;
    pub use crate::operation::{ApiKeyIn, Operation, Scheme, SchemeKind, Server, Source};
    pub use crate::run::{Request, Run};

    /// A value as text for a string template: strings as they are, others as JSON.
    pub fn text(value: &Value) -> String {
        crate::encode::primitive(value)
    }

    /// The value at a JSON pointer inside a value, cloned.
    pub fn pointer(value: Option<Value>, pointer: &str) -> Option<Value> {
        value.and_then(|v| v.pointer(pointer).cloned())
    }
}
