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
mod messaging;
mod operation;
mod pointer;
mod redact;
mod response;
mod run;
mod send;
mod xpath;

pub mod message;
mod names;
#[cfg(feature = "restate")]
pub mod restate;

pub use auth::Credential;
pub use client::{
    Client, ClientBuilder, DEFAULT_MAX_IN_FLIGHT_REQUESTS, DEFAULT_MAX_REDIRECTS,
    DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_MAX_RETRY_DELAY, DEFAULT_MAX_STEP_EXECUTIONS,
    DEFAULT_RECEIVE_TIMEOUT, DEFAULT_REQUEST_TIMEOUT, DEFAULT_RUN_TIMEOUT,
};
pub use error::{BuildError, Error, MissingField};
pub use hooks::{Hooks, RequestEvent, ResponseEvent, RetryEvent};
pub use names::Names;

/// A generated workflow, as the JSON entry point lists it in `WORKFLOWS`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorkflowInfo {
    /// The `workflowId`.
    pub id: &'static str,
    /// The workflow's `summary`, if it has one.
    pub summary: Option<&'static str>,
    /// The workflow's `inputs` JSON Schema, as JSON text.
    pub inputs_schema: &'static str,
}

/// Re-exported so that users need no direct dependency to pass a configured client.
pub use reqwest;
/// Re-exported: workflow values that have no more precise type are `serde_json::Value`.
pub use serde_json;

/// Entry points for the fuzz targets in `fuzz/`. Not part of the public API.
#[doc(hidden)]
pub mod __fuzz {
    /// The one-pass JSON pointer reader of response bodies must agree with decoding the
    /// body whole and following the pointer whenever the body decodes: the same value, and
    /// no error. On a body that does not decode it may still find the value: it checks the
    /// structure of what it skips, not the contents of its strings and numbers (an escape
    /// that is not one, a number beyond `f64`; both found by this target).
    pub fn pointer(json: &[u8], pointer: &str) {
        // It runs only on bodies that are valid UTF-8 (`Response::reads_as_json`).
        if !pointer.starts_with('/') || std::str::from_utf8(json).is_err() {
            return;
        }
        let fast = crate::pointer::extract(json, pointer);
        if let Ok(value) = serde_json::from_slice::<serde_json::Value>(json) {
            match fast {
                Ok(found) => assert_eq!(found.as_ref(), value.pointer(pointer), "{pointer:?}"),
                Err(e) => panic!("pointer {pointer:?}: one pass fails ({e}) on valid JSON"),
            }
        }
    }
}

/// Items for generated code only. Not part of the public API.
#[doc(hidden)]
pub mod __private {
    pub use serde;
    pub use serde_json;
    pub use serde_json::{json, Map, Value};

    pub use crate::criteria::{
        compare, navigate, truthy, JsonPathQuery, Language, Nav, Op, Pattern,
    };
    pub use crate::encode::Style;
    pub use crate::messaging::{Correlation, Inbox, MessageChannel, OutgoingMessage};
    pub use crate::operation::{ApiKeyIn, Operation, Scheme, SchemeKind, Server, Source};
    pub use crate::response::Response;
    pub use crate::run::{Request, Run, StepFailure};
    pub use crate::xpath::XPathQuery;

    /// Decodes the JSON inputs of the JSON entry point into a workflow's inputs type.
    pub fn decode_inputs<T: serde::de::DeserializeOwned>(
        workflow: &str,
        inputs: Value,
    ) -> Result<T, crate::Error> {
        serde_json::from_value(inputs).map_err(|e| crate::Error::InvalidInputs {
            workflow: workflow.to_owned(),
            message: e.to_string(),
        })
    }

    /// Encodes a workflow's outputs as JSON for the JSON entry point.
    pub fn encode_outputs<T: serde::Serialize>(
        workflow: &str,
        outputs: &T,
    ) -> Result<Value, crate::Error> {
        serde_json::to_value(outputs).map_err(|e| crate::Error::InvalidOutput {
            workflow: workflow.to_owned(),
            step: String::new(),
            expression: "$outputs".to_owned(),
            message: e.to_string(),
        })
    }

    /// A value as text for a string template: strings as they are, others as JSON.
    pub fn text(value: &Value) -> String {
        crate::encode::primitive(value)
    }

    /// A value as text inside a JSON text template: as [`text`], with the characters a JSON
    /// string cannot hold as they are escaped (`"` as `\"`), so that a value placed
    /// between quotes stays one JSON string.
    pub fn json_text(value: &Value) -> String {
        match value {
            Value::String(s) => {
                let quoted = Value::String(s.clone()).to_string();
                quoted[1..quoted.len() - 1].to_owned()
            }
            other => other.to_string(),
        }
    }

    /// A value as text inside a querystring template (OpenAPI 3.2, form-urlencoded): as
    /// [`text`], percent-encoded so that `&`, `=`, `+`, `#` and spaces in the value stay
    /// inside it and cannot add pairs.
    pub fn form_text(value: &Value) -> String {
        crate::encode::form_component(&crate::encode::primitive(value))
    }

    /// A value as text inside an XML text template: as [`text`], with `&`, `<`, `>`, `"`
    /// and `'` as character references, so that a value stays text (or an attribute value).
    pub fn xml_text(value: &Value) -> String {
        let text = crate::encode::primitive(value);
        let mut escaped = String::with_capacity(text.len());
        for c in text.chars() {
            match c {
                '&' => escaped.push_str("&amp;"),
                '<' => escaped.push_str("&lt;"),
                '>' => escaped.push_str("&gt;"),
                '"' => escaped.push_str("&quot;"),
                '\'' => escaped.push_str("&apos;"),
                c => escaped.push(c),
            }
        }
        escaped
    }

    /// The value of a parameter described by a JSON media type (OpenAPI `content`): its JSON
    /// text, as one string for the parameter's style to encode; `null` stays absent.
    pub fn json_content(value: Value) -> Value {
        match value {
            Value::Null => Value::Null,
            Value::String(text) => Value::String(Value::String(text).to_string()),
            other => Value::String(other.to_string()),
        }
    }

    /// The value at a JSON pointer inside a value, cloned.
    pub fn pointer(value: Option<Value>, pointer: &str) -> Option<Value> {
        value.and_then(|v| v.pointer(pointer).cloned())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::__private::{json_content, json_text, text, xml_text};

    #[test]
    fn template_text_escapes_for_its_document() {
        let value = json!("say \"hi\" \\ <b>&'");
        assert_eq!(text(&value), "say \"hi\" \\ <b>&'");
        assert_eq!(json_text(&value), r#"say \"hi\" \\ <b>&'"#);
        assert_eq!(
            xml_text(&value),
            "say &quot;hi&quot; \\ &lt;b&gt;&amp;&apos;"
        );
        // Numbers and objects are JSON text in all three.
        for f in [text, json_text, xml_text] {
            assert_eq!(f(&json!(42)), "42");
        }
        assert_eq!(json_text(&json!({"a": [1, "x"]})), r#"{"a":[1,"x"]}"#);
        assert_eq!(
            xml_text(&json!({"a": "x"})),
            "{&quot;a&quot;:&quot;x&quot;}"
        );
    }

    #[test]
    fn json_content_parameters_are_json_text() {
        assert_eq!(json_content(json!({"a": [1]})), json!(r#"{"a":[1]}"#));
        assert_eq!(json_content(json!("x")), json!(r#""x""#));
        assert_eq!(json_content(json!(null)), json!(null));
    }
}
