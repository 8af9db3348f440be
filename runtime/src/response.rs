//! A response read in full, with its body decoded once on demand.

use std::sync::OnceLock;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use reqwest::header::HeaderMap;
use serde_json::Value;

use crate::error::{excerpt, Error};

/// A response as a step sees it: status, headers and the whole body.
#[derive(Debug)]
pub struct Response {
    pub(crate) workflow: &'static str,
    pub(crate) step: &'static str,
    pub(crate) status: u16,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
    pub(crate) url: String,
    pub(crate) method: &'static str,
    pub(crate) decoded: OnceLock<Result<Option<Value>, String>>,
    /// Whether the body reads as JSON text (see [`Response::reads_as_json`]), once asked.
    pub(crate) json_text: OnceLock<bool>,
    /// What was sent, for `$request.*`, when the step reads it.
    pub(crate) sent: Option<Box<Sent>>,
    /// For a step that sends or receives a message: the channel, and whether the wait
    /// for the message timed out.
    pub(crate) message: Option<Box<crate::messaging::MessageInfo>>,
}

/// What a step sent, as `$request.*` expressions read it. Its `Debug` output names the
/// headers, never their values (credentials among them).
#[derive(Default)]
pub(crate) struct Sent {
    /// The headers as sent, credentials and content type included.
    pub(crate) headers: Vec<(String, String)>,
    /// The query parameters' values, before encoding.
    pub(crate) query: Vec<(String, Value)>,
    /// The path parameters' values, before encoding.
    pub(crate) path: Vec<(String, Value)>,
    /// The payload, after replacements.
    pub(crate) body: Option<Value>,
}

impl std::fmt::Debug for Sent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let headers: Vec<&str> = self.headers.iter().map(|(name, _)| name.as_str()).collect();
        f.debug_struct("Sent")
            .field("headers", &headers)
            .finish_non_exhaustive()
    }
}

impl Response {
    pub(crate) fn new(
        workflow: &'static str,
        step: &'static str,
        method: &'static str,
        url: String,
        status: u16,
        headers: HeaderMap,
        body: Bytes,
    ) -> Self {
        Response {
            workflow,
            step,
            status,
            headers,
            body,
            url,
            method,
            decoded: OnceLock::new(),
            json_text: OnceLock::new(),
            sent: None,
            message: None,
        }
    }

    /// Whether this is a receive step's wait for a message that ended without one.
    pub fn timed_out(&self) -> bool {
        self.message.as_ref().is_some_and(|m| m.timed_out)
    }

    /// `$statusCode`.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// `$url`: the URL the request went to.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// `$method`.
    pub fn method(&self) -> &'static str {
        self.method
    }

    /// `$response.header.<name>` (names are case-insensitive), as a string; several
    /// values are joined with `, `.
    pub fn header(&self, name: &str) -> Option<Value> {
        let mut values = self.headers.get_all(name).iter().peekable();
        values.peek()?;
        let joined = values
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
            .collect::<Vec<_>>()
            .join(", ");
        Some(Value::String(joined))
    }

    /// `$request.header.<name>` (names are case-insensitive): the header the step sent;
    /// several values are joined with `, `.
    pub fn request_header(&self, name: &str) -> Option<Value> {
        let values: Vec<&str> = self
            .sent
            .as_deref()?
            .headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect();
        (!values.is_empty()).then(|| Value::String(values.join(", ")))
    }

    /// `$request.query.<name>`: the value the step gave the query parameter.
    pub fn request_query(&self, name: &str) -> Option<Value> {
        let sent = self.sent.as_deref()?;
        sent.query
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    }

    /// `$request.path.<name>`: the value the step gave the path parameter.
    pub fn request_path(&self, name: &str) -> Option<Value> {
        let sent = self.sent.as_deref()?;
        sent.path
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    }

    /// `$request.body` and `$request.body#/pointer`: the payload the step sent (after
    /// replacements), or the value at a JSON pointer in it.
    pub fn request_body(&self, pointer: &str) -> Option<Value> {
        let body = self.sent.as_deref()?.body.as_ref()?;
        body.pointer(pointer).cloned()
    }

    /// The raw body.
    pub fn body_bytes(&self) -> &[u8] {
        &self.body
    }

    /// `$response.body`: JSON bodies decoded, text bodies (XML included) as a string,
    /// `None` when the body is empty.
    ///
    /// A body whose content type says JSON but which does not parse is an error; a body
    /// without a content type is decoded as JSON when it parses, else kept as text.
    pub fn body(&self) -> Result<Option<&Value>, Error> {
        match self.decoded.get_or_init(|| self.decode()) {
            Ok(value) => Ok(value.as_ref()),
            Err(message) => Err(self.invalid(message.clone())),
        }
    }

    /// `$response.body#/pointer`: the value at a JSON pointer in the body, `None` when the
    /// body is empty or the pointer leads nowhere.
    ///
    /// A JSON body not decoded yet is not decoded whole: one pass over the text builds only
    /// the value at the pointer and skips the rest. Any problem with the body falls back to
    /// [`Response::body`], which reports it.
    pub fn body_pointer(&self, pointer: &str) -> Result<Option<Value>, Error> {
        if self.decoded.get().is_none() && !pointer.is_empty() && self.reads_as_json() {
            if let Ok(found) = crate::pointer::extract(&self.body, pointer) {
                return Ok(found);
            }
        }
        Ok(self.body()?.and_then(|body| body.pointer(pointer)).cloned())
    }

    /// Why the body has no value at `pointer`, for an error message.
    pub(crate) fn why_absent(&self, pointer: &str) -> String {
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return "the body is empty".to_owned();
        }
        if !self.reads_as_json() {
            let kind = match self.content_type() {
                Some(ct) => format!("`{}`", ct.split(';').next().unwrap_or("").trim()),
                None => "not valid UTF-8".to_owned(),
            };
            return format!("the body is {kind}, not JSON: {}", self.excerpt());
        }
        if self.content_type().is_none()
            && serde_json::from_slice::<serde::de::IgnoredAny>(&self.body).is_err()
        {
            return format!(
                "the body has no content type and is not JSON: {}",
                self.excerpt()
            );
        }
        format!("the body has no value at `{pointer}`: {}", self.excerpt())
    }

    /// Whether [`Response::decode`] would decode the body as JSON if it parses: its content
    /// type says JSON, or it has none. Also requires valid UTF-8, which skipping over a
    /// string does not check.
    fn reads_as_json(&self) -> bool {
        *self.json_text.get_or_init(|| self.is_json_text())
    }

    fn is_json_text(&self) -> bool {
        let json_type = match self.content_type() {
            None => true,
            Some(ct) => {
                let essence = ct.split(';').next().unwrap_or("").trim();
                essence.eq_ignore_ascii_case("application/json")
                    || essence.len() >= 5
                        && essence.as_bytes()[essence.len() - 5..].eq_ignore_ascii_case(b"+json")
            }
        };
        json_type && std::str::from_utf8(&self.body).is_ok()
    }

    /// The delay an HTTP `Retry-After` header asks for (delta-seconds or HTTP-date), if any.
    pub fn retry_after(&self) -> Option<Duration> {
        let value = self
            .headers
            .get(reqwest::header::RETRY_AFTER)?
            .to_str()
            .ok()?;
        let value = value.trim();
        if let Ok(seconds) = value.parse::<u64>() {
            return Some(Duration::from_secs(seconds));
        }
        // An HTTP-date in any of the three forms RFC 9110 has recipients accept.
        let date = httpdate::parse_http_date(value).ok()?;
        Some(date.duration_since(SystemTime::now()).unwrap_or_default())
    }

    /// An [`Error::InvalidResponse`] for this response.
    pub fn invalid(&self, message: impl Into<String>) -> Error {
        Error::InvalidResponse {
            workflow: self.workflow.to_owned(),
            step: self.step.to_owned(),
            status: self.status,
            message: message.into(),
        }
    }

    /// The start of the body, for error messages.
    pub fn excerpt(&self) -> String {
        excerpt(&self.body)
    }

    fn content_type(&self) -> Option<&str> {
        self.headers
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
    }

    fn decode(&self) -> Result<Option<Value>, String> {
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(None);
        }
        let essence = self.content_type().map(|ct| {
            ct.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        });
        let says_json = essence
            .as_deref()
            .is_some_and(|e| e == "application/json" || e.ends_with("+json"));
        match serde_json::from_slice::<Value>(&self.body) {
            Ok(value) if says_json || essence.is_none() => Ok(Some(value)),
            Err(e) if says_json => Err(format!("the body is not valid JSON: {e}")),
            _ => Ok(Some(Value::String(
                String::from_utf8_lossy(&self.body).into_owned(),
            ))),
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use reqwest::header::{HeaderValue, CONTENT_TYPE, RETRY_AFTER};
    use serde_json::json;

    use super::*;

    /// A response of a `GET http://x/` in step `step` of workflow `wf`, for tests here and
    /// in `run`.
    pub(crate) fn response(content_type: Option<&str>, body: &'static str) -> Response {
        let mut headers = HeaderMap::new();
        if let Some(ct) = content_type {
            headers.insert(CONTENT_TYPE, HeaderValue::from_str(ct).unwrap());
        }
        Response::new(
            "wf",
            "step",
            "GET",
            "http://x/".into(),
            200,
            headers,
            body.into(),
        )
    }

    #[test]
    fn bodies_decode_by_content_type() {
        let r = response(
            Some("application/json; charset=utf-8"),
            r#"{"a":{"b":[1,2]}}"#,
        );
        assert_eq!(r.body_pointer("/a/b/1").unwrap(), Some(json!(2)));
        assert_eq!(r.body_pointer("/a/c").unwrap(), None);
        let r = response(Some("application/problem+json"), r#"{"title":"x"}"#);
        assert_eq!(r.body().unwrap(), Some(&json!({"title": "x"})));
        let r = response(Some("text/plain"), "42");
        assert_eq!(r.body().unwrap(), Some(&json!("42")));
        let r = response(None, "[1]");
        assert_eq!(r.body().unwrap(), Some(&json!([1])));
        let r = response(Some("application/json"), "  ");
        assert_eq!(r.body().unwrap(), None);
    }

    #[test]
    fn pointers_read_without_decoding_and_fall_back_on_problems() {
        let r = response(
            Some("application/json"),
            r#"{"a": [1, {"b": "x"}], "c": 2}"#,
        );
        assert_eq!(r.body_pointer("/a/1/b").unwrap(), Some(json!("x")));
        assert!(r.decoded.get().is_none(), "the body was decoded whole");
        assert_eq!(
            r.body_pointer("").unwrap(),
            Some(json!({"a": [1, {"b": "x"}], "c": 2}))
        );
        assert_eq!(r.body_pointer("/c").unwrap(), Some(json!(2)));
        let r = response(Some("application/json"), r#"{"a": 1, "b": [}"#);
        assert_eq!(
            r.body_pointer("/a").unwrap_err().to_string(),
            "step `step` of workflow `wf`: invalid response (status 200): the body is not valid JSON: expected value at line 1 column 16"
        );
        let r = response(None, "a=1");
        assert_eq!(r.body_pointer("/a").unwrap(), None);
        let r = response(Some("text/plain"), r#"{"a": 1}"#);
        assert_eq!(r.body_pointer("/a").unwrap(), None);
        // Found by the `body_pointer` fuzz target: a stray byte in a key the pointer skips.
        // Without a content type the body is text (it is not JSON), so nothing is there.
        let mut r = response(None, "");
        r.body = Bytes::from_static(b"{\"?x\": {\"\x82y\": [true]}}");
        assert_eq!(r.body_pointer("/~1x/y").unwrap(), None);
        let mut r = response(Some("application/json"), "");
        r.body = Bytes::from_static(b"{\"?x\": {\"\x82y\": [true]}}");
        assert_eq!(
            r.body_pointer("/~1x/y").unwrap_err().to_string(),
            "step `step` of workflow `wf`: invalid response (status 200): the body is not valid JSON: invalid unicode code point at line 1 column 10"
        );
        let mut r = response(Some("application/json"), "");
        r.body = Bytes::from_static(b"{\"a\": 1, \"b\": \"\xff\"}");
        assert_eq!(
            r.body_pointer("/a").unwrap_err().to_string(),
            "step `step` of workflow `wf`: invalid response (status 200): the body is not valid JSON: invalid unicode code point at line 1 column 16"
        );
    }

    #[test]
    fn invalid_json_is_an_error_naming_the_step() {
        let r = response(Some("application/json"), "{oops");
        assert_eq!(
            r.body().unwrap_err().to_string(),
            "step `step` of workflow `wf`: invalid response (status 200): the body is not valid JSON: key must be a string at line 1 column 2"
        );
    }

    #[test]
    fn retry_after_takes_seconds_and_dates() {
        let mut r = response(None, "");
        r.headers.insert(RETRY_AFTER, HeaderValue::from_static("7"));
        assert_eq!(r.retry_after(), Some(Duration::from_secs(7)));
        r.headers.insert(
            RETRY_AFTER,
            HeaderValue::from_static("Sun, 06 Nov 1994 08:49:37 GMT"),
        );
        assert_eq!(r.retry_after(), Some(Duration::ZERO));
        // The obsolete RFC 850 and asctime forms too.
        for old in ["Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994"] {
            r.headers.insert(RETRY_AFTER, HeaderValue::from_static(old));
            assert_eq!(r.retry_after(), Some(Duration::ZERO), "{old}");
        }
        let soon = SystemTime::now() + Duration::from_secs(30);
        r.headers.insert(
            RETRY_AFTER,
            HeaderValue::from_str(&httpdate::fmt_http_date(soon)).unwrap(),
        );
        let wait = r.retry_after().unwrap();
        assert!(
            wait > Duration::from_secs(28) && wait <= Duration::from_secs(30),
            "{wait:?}"
        );
        r.headers
            .insert(RETRY_AFTER, HeaderValue::from_static("soon"));
        assert_eq!(r.retry_after(), None);
    }

    #[test]
    fn headers_are_case_insensitive() {
        let mut r = response(None, "");
        r.headers.append("X-Rate", HeaderValue::from_static("1"));
        r.headers.append("x-rate", HeaderValue::from_static("2"));
        assert_eq!(r.header("X-RATE"), Some(json!("1, 2")));
        assert_eq!(r.header("missing"), None);
    }
}
