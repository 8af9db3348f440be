//! Sending a step's request: the URL and headers it goes out with, the credentials the
//! operation's security asks for, redirects, and the client's limits on time and size.

use std::time::Instant;

use bytes::{Bytes, BytesMut};
use reqwest::header::{self, HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, StatusCode, Url};
use tracing::Instrument;

use crate::auth::Placement;
use crate::encode;
use crate::error::Error;
use crate::hooks::{RequestEvent, ResponseEvent};
use crate::operation::{ApiKeyIn, Operation, SchemeKind};
use crate::response::Response;
use crate::run::{Request, Run};

/// A request body, kept so that a `307` or `308` redirect can send it again.
enum Body {
    None,
    Bytes(Bytes),
    /// A `multipart/form-data` form: sent once, so never repeated.
    Multipart(Option<reqwest::multipart::Form>),
}

/// A response's status, headers and whole body, and the URL it came from after redirects.
struct Fetched {
    url: Url,
    status: u16,
    headers: HeaderMap,
    body: Bytes,
}

impl Run<'_> {
    /// Sends `request` and reads the whole response, once the client's limit on requests
    /// in flight lets it through. The client's request timeout bounds the exchange
    /// (redirects and body included), its run timeout the wait for a permit too.
    pub async fn send(&self, request: Request) -> Result<Response, Error> {
        #[cfg(feature = "restate")]
        if let Some(journal) = crate::restate::current() {
            return self.send_journaled(&journal, request).await;
        }
        self.send_now(request).await
    }

    /// [`Run::send`] in a durable run: the journal says whether to send, or answers with
    /// the response an earlier attempt of the invocation recorded.
    #[cfg(feature = "restate")]
    async fn send_journaled(
        &self,
        journal: &crate::restate::Journal,
        request: Request,
    ) -> Result<Response, Error> {
        use crate::restate::{Effect, Recorded};
        let journal_error = |message: String| Error::Journal {
            workflow: self.workflow.to_owned(),
            step: self.step.to_owned(),
            message,
        };
        let name = format!("{} #{} {}", self.step, self.attempt, request.operation.id);
        let method = request.operation.method;
        match journal.effect(name).await.map_err(journal_error)? {
            Effect::Replayed(recorded) => {
                Ok(recorded.into_response(self.workflow, self.step, method))
            }
            Effect::Execute(done, recorded) => {
                // On an error nothing is recorded: the attempt fails, Restate retries it.
                let response = self.send_now(request).await?;
                let _ = done.send(Recorded::of(&response));
                match recorded.await {
                    Ok(Ok(_)) => Ok(response),
                    Ok(Err(e)) => Err(journal_error(format!(
                        "Restate failed the journaled request: {e}"
                    ))),
                    Err(_) => Err(journal_error(
                        "the Restate invocation ended while the run still needed its journal"
                            .to_owned(),
                    )),
                }
            }
        }
    }

    async fn send_now(&self, request: Request) -> Result<Response, Error> {
        let step = self.step_span.clone();
        // The usual case takes one timer, not two: a permit is free at once, and the run
        // timeout is further away than the request timeout, which `transmit` applies (it
        // applies the nearer of the two).
        let permit = match &self.client.inner.in_flight {
            Some(in_flight) => in_flight.try_acquire().ok().map(Some),
            None => Some(None),
        };
        if let Some(permit) = permit {
            return Box::pin(self.transmit(request, permit))
                .instrument(step)
                .await;
        }
        self.before_deadline(async {
            let permit =
                match &self.client.inner.in_flight {
                    Some(in_flight) => Some(in_flight.acquire().await.map_err(|_| {
                        self.invalid_request("the client's request limit was closed")
                    })?),
                    None => None,
                };
            // Boxed: the transmission's state (reqwest's future, the URL, the headers) is
            // large, and lives only while the request is in flight; the workflow's own
            // future, which waits above and between steps, stays small.
            Box::pin(self.transmit(request, permit)).await
        })
        .instrument(step)
        .await
    }

    /// [`Run::send`] within the step's `timeout` (Arazzo 1.1), in milliseconds: waiting for
    /// the client's request limit, sending and reading the whole response. A step that
    /// takes longer fails with [`Error::StepTimeout`].
    pub async fn send_within(&self, request: Request, timeout_ms: u64) -> Result<Response, Error> {
        self.time_limit(timeout_ms, self.send(request)).await
    }

    /// Sends `request` and reads the whole response, holding `_permit` until then: that is
    /// when the connection is free again.
    async fn transmit(
        &self,
        request: Request,
        _permit: Option<tokio::sync::SemaphorePermit<'_>>,
    ) -> Result<Response, Error> {
        let operation = request.operation;
        let base = self
            .client
            .base_url(operation.source)
            .ok_or_else(|| Error::NoBaseUrl {
                workflow: self.workflow.to_owned(),
                step: self.step.to_owned(),
                source_name: operation.source.name.to_owned(),
            })?;
        let mut url = String::with_capacity(base.len() + operation.path.len() + 64);
        url.push_str(&base);
        fill_path(&mut url, operation.path, &request.path).map_err(|m| self.invalid_request(m))?;

        let mut query = request.query;
        let mut headers = request.headers;
        let mut cookies = request.cookies;
        let mut authorization = None;
        // A credential goes where the operation's security asks, unless the step sets that
        // header, query parameter or cookie itself: the document's value is the more
        // specific one, and a request with two `Authorization` headers is refused by most
        // servers.
        let placements = match self.client.inner.credentials.placements(operation.security) {
            Some(placements) => placements,
            // Never a silent unauthenticated request: unless the step sends a credential
            // of its own, or the client allows it, the run stops here.
            None if self.client.inner.allow_missing_credentials
                || sets_credential(operation, &headers, &query, &cookies) =>
            {
                Vec::new()
            }
            None => {
                return Err(Error::MissingCredentials {
                    workflow: self.workflow.to_owned(),
                    step: self.step.to_owned(),
                    operation: operation.id.into(),
                    schemes: scheme_list(operation).into(),
                })
            }
        };
        for placement in placements {
            match placement {
                Placement::Authorization(_) if has_header(&headers, "authorization") => {}
                Placement::Authorization(value) => authorization = Some(value),
                Placement::Header(name, _) if has_header(&headers, name) => {}
                Placement::Header(name, value) => headers.push((name.to_owned(), value)),
                Placement::Query(name, _) if has_pair(&query, name) => {}
                Placement::Query(name, value) => query.push(format!(
                    "{}={}",
                    encode::component(name),
                    encode::component(&value)
                )),
                Placement::Cookie(name, _) if has_pair(&cookies, name) => {}
                Placement::Cookie(name, value) => {
                    cookies.push(format!("{name}={}", encode::component(&value)))
                }
            }
        }
        if !query.is_empty() {
            url.push('?');
            url.push_str(&query.join("&"));
        }
        let url = Url::parse(&url)
            .map_err(|e| self.invalid_request(format!("the URL `{url}` is not valid: {e}")))?;
        let method = Method::from_bytes(operation.method.as_bytes())
            .map_err(|e| self.invalid_request(e.to_string()))?;

        // Every header is checked before anything is sent: a value with a line break
        // would otherwise end the header and start another.
        let mut map = HeaderMap::with_capacity(headers.len() + 3);
        for (name, value) in &headers {
            self.append_header(&mut map, name, value)?;
        }
        if let Some(value) = authorization {
            map.append(header::AUTHORIZATION, value);
        }
        let cookie = (!cookies.is_empty()).then(|| cookies.join("; "));
        if let Some(cookie) = &cookie {
            self.append_header(&mut map, "cookie", cookie)?;
        }
        // The content type as sent, for `$request.header.content-type`.
        let mut sent = request.sent;
        let sent_type = match (&request.body, &request.multipart) {
            _ if sent.is_none() => None,
            (Some((content_type, _)), _) => Some((*content_type).to_owned()),
            (None, Some(form)) => {
                Some(format!("multipart/form-data; boundary={}", form.boundary()))
            }
            (None, None) => None,
        };
        let body = match (request.body, request.multipart) {
            (Some((content_type, bytes)), _) => {
                self.append_header(&mut map, "content-type", content_type)?;
                Body::Bytes(Bytes::from(bytes))
            }
            (None, Some(form)) => Body::Multipart(Some(form)),
            (None, None) => Body::None,
        };
        if let Some(sent) = sent.as_deref_mut() {
            sent.headers = headers;
            if let Some(cookie) = cookie {
                sent.headers.push(("cookie".to_owned(), cookie));
            }
            if let Some(content_type) = sent_type {
                sent.headers.push(("content-type".to_owned(), content_type));
            }
        }

        // The URL as hooks, logs and errors show it: without credentials or secret inputs.
        let shown = self.shown_url(url.as_str());
        let hooks = self.client.inner.hooks.as_deref();
        if let Some(hooks) = hooks {
            hooks.on_request(&RequestEvent {
                workflow: self.workflow,
                step: self.step,
                attempt: self.attempt,
                method: operation.method,
                url: &shown,
            });
        }
        self.step_span
            .record("url", tracing::field::display(&shown));
        tracing::debug!(method = operation.method, url = %shown, "sending request");
        // Timings only for whoever reads them.
        let timed = hooks.is_some() || tracing::enabled!(tracing::Level::DEBUG);
        let started = timed.then(Instant::now);
        // The request timeout, or what is left of the run's when that is nearer.
        let timeout = self.client.inner.limits.request_timeout;
        let left = self.time_left();
        let run_ends_first = left.is_some_and(|left| left < timeout);
        let limit = left.filter(|_| run_ends_first).unwrap_or(timeout);
        let exchange = self.exchange(operation, method, url.clone(), map, body);
        let fetched = match tokio::time::timeout(limit, exchange).await {
            Ok(fetched) => fetched?,
            Err(_) if run_ends_first => return Err(self.run_timed_out()),
            Err(_) => {
                return Err(Error::RequestTimeout {
                    workflow: self.workflow.to_owned(),
                    step: self.step.to_owned(),
                    url: self.error_url(url.as_str()),
                    timeout_ms: u64::try_from(timeout.as_millis()).unwrap_or(u64::MAX),
                })
            }
        };
        let elapsed = started.map(|started| started.elapsed()).unwrap_or_default();
        let status = fetched.status;
        self.step_span.record("status", status);
        tracing::debug!(
            status,
            elapsed_us = elapsed.as_micros() as u64,
            "response received"
        );
        if let Some(hooks) = hooks {
            hooks.on_response(&ResponseEvent {
                workflow: self.workflow,
                step: self.step,
                attempt: self.attempt,
                method: operation.method,
                url: &self.shown_url(fetched.url.as_str()),
                status,
                elapsed,
            });
        }
        let mut response = Response::new(
            self.workflow,
            self.step,
            operation.method,
            fetched.url.into(),
            status,
            fetched.headers,
            fetched.body,
        );
        response.sent = sent;
        Ok(response)
    }

    /// Appends one header, or fails with [`Error::InvalidHeader`] if the name is not a
    /// header name or the value holds a control character (a line break above all).
    fn append_header(&self, map: &mut HeaderMap, name: &str, value: &str) -> Result<(), Error> {
        let invalid = || Error::InvalidHeader {
            workflow: self.workflow.to_owned(),
            step: self.step.to_owned(),
            name: name.to_owned(),
        };
        let header = HeaderName::from_bytes(name.as_bytes()).map_err(|_| invalid())?;
        // `from_bytes` takes text beyond ASCII (RFC 9110's obs-text) and refuses control
        // characters other than tab.
        let value = HeaderValue::from_bytes(value.as_bytes()).map_err(|_| invalid())?;
        map.append(header, value);
        Ok(())
    }

    /// Sends the request, follows redirects within the client's limit, and reads the final
    /// response's body within the client's size limit.
    async fn exchange(
        &self,
        operation: &'static Operation,
        mut method: Method,
        mut url: Url,
        mut headers: HeaderMap,
        mut body: Body,
    ) -> Result<Fetched, Error> {
        let limits = self.client.inner.limits;
        let origin = url.origin();
        let mut redirects = 0;
        loop {
            let mut builder = self.client.inner.http.request(method.clone(), url.clone());
            builder = if url.origin() == origin {
                builder.headers(headers.clone())
            } else {
                builder.headers(without_credentials(&headers, operation))
            };
            builder = match &mut body {
                Body::None => builder,
                Body::Bytes(bytes) => builder.body(bytes.clone()),
                Body::Multipart(form) => match form.take() {
                    Some(form) => builder.multipart(form),
                    None => builder,
                },
            };
            let mut response = builder
                .send()
                .await
                .map_err(|e| self.transport_error(url.as_str(), e))?;
            let status = response.status();
            let location = match status {
                StatusCode::MOVED_PERMANENTLY
                | StatusCode::FOUND
                | StatusCode::SEE_OTHER
                | StatusCode::TEMPORARY_REDIRECT
                | StatusCode::PERMANENT_REDIRECT
                    if limits.max_redirects > 0 =>
                {
                    response.headers().get(header::LOCATION)
                }
                _ => None,
            };
            let replays = matches!(
                status,
                StatusCode::TEMPORARY_REDIRECT | StatusCode::PERMANENT_REDIRECT
            );
            // A form already sent cannot be sent again: the step gets the redirect.
            let follows = location.is_some() && !(replays && matches!(body, Body::Multipart(_)));
            if !follows {
                let headers = std::mem::take(response.headers_mut());
                let body = self.read_body(url.as_str(), response).await?;
                return Ok(Fetched {
                    url,
                    status: status.as_u16(),
                    headers,
                    body,
                });
            }
            if redirects == limits.max_redirects {
                return Err(Error::TooManyRedirects {
                    workflow: self.workflow.to_owned(),
                    step: self.step.to_owned(),
                    url: self.error_url(url.as_str()),
                    limit: limits.max_redirects,
                });
            }
            let invalid = |message: String| Error::InvalidResponse {
                workflow: self.workflow.to_owned(),
                step: self.step.to_owned(),
                status: status.as_u16(),
                message: self.redact(&message).into_owned(),
            };
            let location = location.map(|l| String::from_utf8_lossy(l.as_bytes()).into_owned());
            let location = location.unwrap_or_default();
            let next = url.join(&location).map_err(|e| {
                invalid(format!(
                    "the redirect's `Location` `{}` is not a URL: {e}",
                    crate::error::excerpt(location.as_bytes())
                ))
            })?;
            if !matches!(next.scheme(), "http" | "https") {
                return Err(invalid(format!(
                    "the redirect leads to `{next}`, which is not an http or https URL"
                )));
            }
            tracing::debug!(
                status = status.as_u16(),
                from = %self.shown_url(url.as_str()),
                to = %self.shown_url(next.as_str()),
                "following redirect"
            );
            // RFC 9110 15.4: a `303` is followed by a `GET`, and user agents change a `POST`
            // into a `GET` for `301` and `302` too; `307` and `308` repeat the request.
            let to_get = !replays
                && (status == StatusCode::SEE_OTHER && method != Method::HEAD
                    || method == Method::POST);
            if to_get {
                method = Method::GET;
                body = Body::None;
                headers.remove(header::CONTENT_TYPE);
            }
            url = next;
            redirects += 1;
        }
    }

    /// Reads the whole body, failing with [`Error::ResponseTooLarge`] as soon as it is
    /// known to pass the client's limit: from its `Content-Length`, else while it streams.
    async fn read_body(&self, url: &str, mut response: reqwest::Response) -> Result<Bytes, Error> {
        let limit = self.client.inner.limits.max_response_bytes;
        let too_large = || Error::ResponseTooLarge {
            workflow: self.workflow.to_owned(),
            step: self.step.to_owned(),
            url: self.error_url(url),
            limit,
        };
        let declared = response.content_length();
        if declared.is_some_and(|len| len > limit as u64) {
            return Err(too_large());
        }
        // One chunk (the usual case for small bodies) is kept as it is, without a copy.
        let mut first: Option<Bytes> = None;
        let mut joined: Option<BytesMut> = None;
        let mut total = 0usize;
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| self.transport_error(url, e))?
        {
            total = total.saturating_add(chunk.len());
            if total > limit {
                return Err(too_large());
            }
            if let Some(joined) = &mut joined {
                joined.extend_from_slice(&chunk);
            } else if let Some(first) = first.take() {
                let capacity = declared.map_or(total, |len| len as usize).max(total);
                let mut buffer = BytesMut::with_capacity(capacity);
                buffer.extend_from_slice(&first);
                buffer.extend_from_slice(&chunk);
                joined = Some(buffer);
            } else {
                first = Some(chunk);
            }
        }
        Ok(joined.map(BytesMut::freeze).or(first).unwrap_or_default())
    }

    /// A transport error; reqwest's own copy of the URL is dropped, since it may hold
    /// credentials (an API key in the query) and `Debug` would show it.
    fn transport_error(&self, url: &str, source: reqwest::Error) -> Error {
        Error::Transport {
            workflow: self.workflow.to_owned(),
            step: self.step.to_owned(),
            url: self.error_url(url),
            source: source.without_url(),
        }
    }
}

/// Whether the step sets, by a parameter of its own, a header, query parameter or cookie
/// that one of the operation's schemes would carry (`Authorization: Bearer {$inputs.token}`).
fn sets_credential(
    operation: &Operation,
    headers: &[(String, String)],
    query: &[String],
    cookies: &[String],
) -> bool {
    operation
        .security
        .iter()
        .flat_map(|s| s.iter())
        .any(|scheme| match scheme.kind {
            SchemeKind::ApiKey { location, name } => match location {
                ApiKeyIn::Header => has_header(headers, name),
                ApiKeyIn::Query => has_pair(query, name),
                ApiKeyIn::Cookie => has_pair(cookies, name),
            },
            _ => has_header(headers, "authorization"),
        })
}

/// Whether `headers` has the header `name` (names are case-insensitive).
fn has_header(headers: &[(String, String)], name: &str) -> bool {
    headers.iter().any(|(n, _)| n.eq_ignore_ascii_case(name))
}

/// Whether encoded `name=value` pairs (a query or cookies) have one named `name`.
fn has_pair(pairs: &[String], name: &str) -> bool {
    let name = encode::component(name);
    pairs
        .iter()
        .any(|p| p.split('=').next().is_some_and(|n| n.trim() == name))
}

/// The operation's security alternatives as text: `bearerAuth`, `` `a` and `b` or `c` ``.
fn scheme_list(operation: &Operation) -> String {
    operation
        .security
        .iter()
        .map(|schemes| {
            schemes
                .iter()
                .map(|s| format!("`{}`", s.name))
                .collect::<Vec<_>>()
                .join(" and ")
        })
        .collect::<Vec<_>>()
        .join(" or ")
}

/// `headers` without the credentials in them, for a redirect to another origin: the
/// headers that carry credentials by definition, and those the operation's API key
/// schemes name.
fn without_credentials(headers: &HeaderMap, operation: &Operation) -> HeaderMap {
    let mut headers = headers.clone();
    for name in [
        header::AUTHORIZATION,
        header::COOKIE,
        header::PROXY_AUTHORIZATION,
    ] {
        headers.remove(name);
    }
    for scheme in operation.security.iter().flat_map(|schemes| schemes.iter()) {
        if let SchemeKind::ApiKey {
            location: ApiKeyIn::Header,
            name,
        } = scheme.kind
        {
            headers.remove(name);
        }
    }
    headers
}

/// Appends `template` to `url` with every `{name}` replaced by its encoded value. A value
/// that makes its segment `.` or `..` is refused: URL parsers resolve such segments (`%2E`
/// too, per the WHATWG URL standard), so the request would go to another path.
fn fill_path(url: &mut String, template: &str, values: &[(&str, String)]) -> Result<(), String> {
    let start = url.len();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        url.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('}') else {
            return Err(format!("unclosed `{{` in path template `{template}`"));
        };
        let name = &rest[open + 1..open + close];
        let Some((_, value)) = values.iter().find(|(n, _)| *n == name) else {
            return Err(format!("path parameter `{name}` has no value"));
        };
        url.push_str(value);
        rest = &rest[open + close + 1..];
    }
    url.push_str(rest);
    // Values cannot hold `/` (it is encoded), so filled segments line up with the template's.
    for (filled, written) in url[start..].split('/').zip(template.split('/')) {
        if filled != written && is_dot_segment(filled) {
            return Err(format!(
                "the path segment `{written}` would be `{filled}`, which moves along the path instead of naming a segment; the request was not sent"
            ));
        }
    }
    Ok(())
}

/// `.` or `..`, also percent-encoded in any case (`%2e`, `.%2E`).
fn is_dot_segment(segment: &str) -> bool {
    let decoded = segment.to_ascii_lowercase().replace("%2e", ".");
    decoded == "." || decoded == ".."
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::operation::{Scheme, Source};

    #[test]
    fn path_templates_fill_in_order() {
        let mut url = String::from("http://h");
        fill_path(
            &mut url,
            "/orgs/{org}/invites/{code}",
            &[("code", "c1".into()), ("org", "a%2Fb".into())],
        )
        .unwrap();
        assert_eq!(url, "http://h/orgs/a%2Fb/invites/c1");
        assert_eq!(
            fill_path(&mut String::new(), "/x/{y}", &[]).unwrap_err(),
            "path parameter `y` has no value"
        );
        assert_eq!(
            fill_path(&mut String::new(), "/x/{y", &[]).unwrap_err(),
            "unclosed `{` in path template `/x/{y`"
        );
        for dots in ["..", ".", "%2E%2e", ".%2E"] {
            assert_eq!(
                fill_path(&mut String::new(), "/x/{y}/z", &[("y", dots.into())]).unwrap_err(),
                format!("the path segment `{{y}}` would be `{dots}`, which moves along the path instead of naming a segment; the request was not sent")
            );
        }
        // Dots with more in the segment are a name like any other.
        let mut url = String::new();
        fill_path(&mut url, "/x/{y}.json", &[("y", "..".into())]).unwrap();
        assert_eq!(url, "/x/...json");
    }

    #[test]
    fn another_origin_gets_no_credentials() {
        static SOURCE: Source = Source {
            name: "api",
            server: None,
        };
        static OPERATION: Operation = Operation {
            id: "getRoot",
            source: &SOURCE,
            method: "GET",
            path: "/",
            security: &[&[Scheme {
                name: "key",
                kind: SchemeKind::ApiKey {
                    location: ApiKeyIn::Header,
                    name: "X-API-Key",
                },
            }]],
        };
        let mut headers = HeaderMap::new();
        for (name, value) in [
            ("authorization", "Bearer t"),
            ("x-api-key", "k"),
            ("cookie", "s=1"),
            ("proxy-authorization", "Basic x"),
            ("accept", "application/json"),
        ] {
            headers.append(name, HeaderValue::from_static(value));
        }
        let left = without_credentials(&headers, &OPERATION);
        let names: Vec<&str> = left.keys().map(|n| n.as_str()).collect();
        assert_eq!(names, ["accept"]);
    }
}
