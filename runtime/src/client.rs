//! The client workflows run with: HTTP transport, base URLs, credentials and hooks.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::auth::{Credential, Credentials};
use crate::error::BuildError;
use crate::hooks::Hooks;
use crate::names::Names;
use crate::operation::Source;
use crate::redact::Secrets;

/// The default number of step executions one workflow run may make.
pub const DEFAULT_MAX_STEP_EXECUTIONS: u32 = 1000;

/// The default number of requests a [`Client`] has in flight at once, across every workflow
/// run that uses it: see [`ClientBuilder::max_in_flight_requests`].
pub const DEFAULT_MAX_IN_FLIGHT_REQUESTS: usize = 256;

/// How long a step that receives a message waits for it when the step has no `timeout`:
/// see [`ClientBuilder::receive_timeout`].
pub const DEFAULT_RECEIVE_TIMEOUT: Duration = Duration::from_secs(30);

/// How long one request may take, from connecting to the last byte of the response body,
/// redirects included: see [`ClientBuilder::request_timeout`].
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// How long one workflow run may take, the workflows it runs included: see
/// [`ClientBuilder::run_timeout`].
pub const DEFAULT_RUN_TIMEOUT: Duration = Duration::from_secs(10 * 60);

/// The longest a step waits before a retry, whatever `Retry-After` or `retryAfter` asks
/// for: see [`ClientBuilder::max_retry_delay`].
pub const DEFAULT_MAX_RETRY_DELAY: Duration = Duration::from_secs(60);

/// The largest response body a step reads, in bytes (16 MiB): see
/// [`ClientBuilder::max_response_bytes`].
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 16 * 1024 * 1024;

/// How many redirects one request follows: see [`ClientBuilder::max_redirects`].
pub const DEFAULT_MAX_REDIRECTS: u32 = 10;

/// What every generated workflow function takes: where the APIs are, how to authenticate,
/// and the HTTP client to use. Cheap to clone; clones share everything.
///
/// ```no_run
/// # use arazzo_runtime as arazzo; // users reach the runtime through the `arazzo` facade
/// # fn main() -> Result<(), arazzo::BuildError> {
/// let client = arazzo::Client::builder()
///     .base_url("kindeManagementApi", "https://acme.kinde.com")
///     .bearer_token("eyJhbGciOi…")
///     .build()?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) http: reqwest::Client,
    base_urls: HashMap<String, String>,
    server_variables: HashMap<(String, String), String>,
    pub(crate) credentials: Credentials,
    pub(crate) hooks: Option<Arc<dyn Hooks>>,
    pub(crate) max_step_executions: u32,
    /// Permits for requests in flight; `None` when unbounded.
    pub(crate) in_flight: Option<tokio::sync::Semaphore>,
    /// How long a receive step without a `timeout` waits for its message.
    pub(crate) receive_timeout: Duration,
    /// The bounds on time and size every run keeps to.
    pub(crate) limits: Limits,
    /// The credentials' secrets, kept out of errors, hooks and logs.
    pub(crate) secrets: Secrets,
    /// Whether a request to a secured operation may go out without credentials.
    pub(crate) allow_missing_credentials: bool,
    /// Whether errors show URLs with every query value as `***`.
    pub(crate) redact_query_values: bool,
    /// Broker connections of AsyncAPI sources, by broker URL, made on first use.
    pub(crate) transports: crate::messaging::Transports,
}

/// The bounds on time and size that protect a run from a server that stalls, trickles,
/// redirects forever or answers with gigabytes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    /// Per request, redirects and body included; `Duration::MAX` for none.
    pub(crate) request_timeout: Duration,
    /// Per run, the workflows it runs included; `Duration::MAX` for none.
    pub(crate) run_timeout: Duration,
    pub(crate) max_retry_delay: Duration,
    pub(crate) max_response_bytes: usize,
    pub(crate) max_redirects: u32,
}

impl Client {
    /// A builder with no base URLs, no credentials and the default HTTP client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client with every default: each source description's first OpenAPI server, and
    /// no credentials.
    pub fn new() -> Result<Client, BuildError> {
        ClientBuilder::default().build()
    }

    /// The base URL requests to `source` go to, without a trailing slash: the one set on
    /// the builder, else the OpenAPI description's first server with its variables filled
    /// in (from the builder, else their defaults). `None` when neither gives an absolute URL.
    pub(crate) fn base_url<'a>(&'a self, source: &'a Source) -> Option<Cow<'a, str>> {
        if let Some(url) = self.inner.base_urls.get(source.name) {
            return Some(Cow::Borrowed(url));
        }
        let server = source.server?;
        let mut url = server.url.to_owned();
        for (name, default) in server.variables {
            let key = (source.name.to_owned(), (*name).to_owned());
            let value = self
                .inner
                .server_variables
                .get(&key)
                .map_or(*default, String::as_str);
            url = url.replace(&format!("{{{name}}}"), value);
        }
        let url = url.trim_end_matches('/').to_owned();
        reqwest::Url::parse(&url).ok()?;
        Some(Cow::Owned(url))
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_urls", &self.inner.base_urls)
            .field("credentials", &self.inner.credentials)
            .field("max_step_executions", &self.inner.max_step_executions)
            .field("limits", &self.inner.limits)
            .finish_non_exhaustive()
    }
}

/// Builds a [`Client`].
#[derive(Default)]
pub struct ClientBuilder {
    http: Option<reqwest::Client>,
    base_urls: Vec<(String, String)>,
    server_variables: HashMap<(String, String), String>,
    credentials: Credentials,
    hooks: Option<Arc<dyn Hooks>>,
    max_step_executions: Option<u32>,
    max_in_flight_requests: Option<usize>,
    receive_timeout: Option<Duration>,
    request_timeout: Option<Duration>,
    run_timeout: Option<Duration>,
    max_retry_delay: Option<Duration>,
    max_response_bytes: Option<usize>,
    max_redirects: Option<u32>,
    allow_missing_credentials: bool,
    /// The names of the documents given to [`ClientBuilder::names`].
    names: Vec<Names>,
    /// `Some(false)` to show query values in errors.
    redact_query_values: Option<bool>,
}

impl ClientBuilder {
    /// Checks the names this builder is given against a generated document's `NAMES`:
    /// `build()` fails with [`BuildError::UnknownName`] for a [`base_url`](Self::base_url)
    /// or [`server_variable`](Self::server_variable) whose source description, or a
    /// [`credential`](Self::credential) whose security scheme, none of the documents has.
    /// Call it once per generated document whose workflows the client runs; the generated
    /// `client_builder()` is `Client::builder().names(NAMES)`. Without it nothing is checked.
    pub fn names(mut self, names: Names) -> Self {
        self.names.push(names);
        self
    }

    /// Sends requests for the source description `source` (its `name` in the Arazzo
    /// document) to `url` instead of the OpenAPI description's first server.
    pub fn base_url(mut self, source: impl Into<String>, url: impl Into<String>) -> Self {
        self.base_urls.push((source.into(), url.into()));
        self
    }

    /// Fills the server variable `name` of the source description `source`'s default
    /// server, such as Kinde's `subdomain` in `https://{subdomain}.kinde.com`.
    pub fn server_variable(
        mut self,
        source: impl Into<String>,
        name: impl Into<String>,
        value: impl Into<String>,
    ) -> Self {
        self.server_variables
            .insert((source.into(), name.into()), value.into());
        self
    }

    /// The token sent as `Authorization: Bearer …` to operations whose security scheme is
    /// HTTP bearer, OAuth 2 or OpenID Connect (unless a scheme has its own credential).
    pub fn bearer_token(mut self, token: impl Into<String>) -> Self {
        self.credentials.bearer = Some(token.into());
        self
    }

    /// The key sent to operations whose security scheme is an API key, in the header, query
    /// parameter or cookie the scheme names (unless a scheme has its own credential).
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.credentials.api_key = Some(key.into());
        self
    }

    /// The user name and password sent to operations whose security scheme is HTTP basic.
    pub fn basic_auth(mut self, username: impl Into<String>, password: impl Into<String>) -> Self {
        self.credentials.basic = Some((username.into(), password.into()));
        self
    }

    /// The credential for one security scheme, by its name in the OpenAPI description's
    /// `components.securitySchemes`. It wins over the defaults set above.
    pub fn credential(mut self, scheme: impl Into<String>, credential: Credential) -> Self {
        self.credentials.by_scheme.insert(scheme.into(), credential);
        self
    }

    /// Uses this `reqwest::Client` (for proxies, TLS settings, client certificates, HTTP/2)
    /// instead of a default one.
    ///
    /// The limits set here still apply ([`request_timeout`](Self::request_timeout),
    /// [`max_response_bytes`](Self::max_response_bytes) and the others). Redirects are
    /// followed by arazzo only when they reach it: the default client is built with
    /// `reqwest::redirect::Policy::none()`, but a client of yours follows them by its own
    /// policy first (reqwest's default follows 10, and strips `Authorization` and `Cookie`,
    /// though not API key headers, when the host changes). Build it with
    /// `.redirect(reqwest::redirect::Policy::none())` to have arazzo's rules apply.
    pub fn reqwest_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Calls `hooks` before every request and after every response.
    pub fn hooks(mut self, hooks: impl Hooks + 'static) -> Self {
        self.hooks = Some(Arc::new(hooks));
        self
    }

    /// How many step executions (retries and `goto` loops included) one workflow run may
    /// make before it fails with [`Error::StepBudgetExceeded`](crate::Error::StepBudgetExceeded).
    /// The default is [`DEFAULT_MAX_STEP_EXECUTIONS`].
    pub fn max_step_executions(mut self, limit: u32) -> Self {
        self.max_step_executions = Some(limit);
        self
    }

    /// How many requests the client has in flight at once, across every workflow run that
    /// uses it (clones share the limit). A request past the limit waits until one in
    /// flight has been answered and its body read; a run holds no permit between its
    /// requests (nor while it waits before a retry), so runs cannot starve each other.
    /// `usize::MAX` removes the limit; zero is refused by [`build`](Self::build).
    ///
    /// The default is [`DEFAULT_MAX_IN_FLIGHT_REQUESTS`] (256). Over HTTP/1.1 each request
    /// in flight holds a connection of its own (about 30 KiB of buffers and a file
    /// descriptor), so without a limit 10,000 concurrent runs open 10,000 connections:
    /// about 300 MiB, and more descriptors than the usual soft limit of 1,024 allows.
    /// With 256 they reuse at most 256 pooled connections, and finish sooner since fewer
    /// connections are set up; 256 is still far more than one API needs to be kept busy
    /// by a single client. Raise it for servers that answer slowly (long polls) or for an
    /// HTTP/2 `reqwest::Client`, where requests share one connection.
    pub fn max_in_flight_requests(mut self, limit: usize) -> Self {
        self.max_in_flight_requests = Some(limit);
        self
    }

    /// How long a step that receives a message (an AsyncAPI `receive` step) waits for it
    /// when the step has no `timeout` of its own. The default is
    /// [`DEFAULT_RECEIVE_TIMEOUT`] (30 seconds); when it passes, the step fails (its
    /// failure actions apply) and, if none ends the run otherwise,
    /// [`Error::ReceiveTimeout`](crate::Error::ReceiveTimeout) names the step.
    pub fn receive_timeout(mut self, timeout: Duration) -> Self {
        self.receive_timeout = Some(timeout);
        self
    }

    /// How long one request may take: connecting, sending, every redirect it follows and
    /// reading the whole response body. A server that accepts the connection and never
    /// answers, or trickles its answer, fails the step with
    /// [`Error::RequestTimeout`](crate::Error::RequestTimeout) once it passes. The default
    /// is [`DEFAULT_REQUEST_TIMEOUT`] (30 seconds); `Duration::MAX` removes the limit, zero
    /// is refused by [`build`](Self::build). A step's own `timeout` (Arazzo 1.1) applies
    /// as well; the shorter one wins.
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = Some(timeout);
        self
    }

    /// How long one workflow run may take, from the call of the workflow function to its
    /// result: every step, retry wait, received message and workflow it runs (through a
    /// step, `dependsOn` or a `goto`) counts against it. Past it, the run fails with
    /// [`Error::RunTimeout`](crate::Error::RunTimeout) naming the step it was in; a retry
    /// whose wait would end past it fails at once instead of waiting. The default is
    /// [`DEFAULT_RUN_TIMEOUT`] (10 minutes); `Duration::MAX` removes the limit, zero is
    /// refused by [`build`](Self::build).
    pub fn run_timeout(mut self, timeout: Duration) -> Self {
        self.run_timeout = Some(timeout);
        self
    }

    /// The longest a step waits before a retry. A `Retry-After` header (in seconds or as an
    /// HTTP date) or a failure action's `retryAfter` that asks for more waits this long
    /// instead, so that a server cannot park a run for a day. The default is
    /// [`DEFAULT_MAX_RETRY_DELAY`] (60 seconds).
    pub fn max_retry_delay(mut self, delay: Duration) -> Self {
        self.max_retry_delay = Some(delay);
        self
    }

    /// The largest response body a step reads, in bytes. A response whose `Content-Length`
    /// says more is refused before its body is read; one without (chunked, or until the
    /// connection closes) is read until it passes the limit, so no more than the limit is
    /// ever held in memory. Either way the step fails with
    /// [`Error::ResponseTooLarge`](crate::Error::ResponseTooLarge). The default is
    /// [`DEFAULT_MAX_RESPONSE_BYTES`] (16 MiB); `usize::MAX` removes the limit.
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = Some(limit);
        self
    }

    /// Lets requests to operations whose OpenAPI `security` the client's credentials do not
    /// satisfy go out without credentials, for the server to decide (an API that documents
    /// security it does not enforce, or a test of its `401`). By default such a step fails
    /// with [`Error::MissingCredentials`](crate::Error::MissingCredentials) before sending,
    /// unless it sets the credential itself (an `Authorization` or API key parameter).
    pub fn allow_missing_credentials(mut self, allow: bool) -> Self {
        self.allow_missing_credentials = allow;
        self
    }

    /// Whether errors show the URLs they name with every query value as `***`
    /// (`?email=***&page=***`): on by default, since errors end up in logs and query
    /// values are often personal data. Hooks, spans and debug events show query values.
    /// Whatever this says, credentials, secret inputs and the values of query parameters
    /// named like credentials (`access_token`, `key`, `signature`, …) are never shown.
    pub fn redact_query_values(mut self, redact: bool) -> Self {
        self.redact_query_values = Some(redact);
        self
    }

    /// How many redirects (`301`, `302`, `303`, `307`, `308` with a `Location`) one request
    /// follows before it fails with
    /// [`Error::TooManyRedirects`](crate::Error::TooManyRedirects). The default is
    /// [`DEFAULT_MAX_REDIRECTS`] (10); zero follows none, so that the step sees the
    /// redirect itself (its criteria can check for `302`).
    ///
    /// A `303`, and a `301` or `302` answering a `POST`, is followed with a `GET` without
    /// the body; `307` and `308` repeat the method and body (a `multipart/form-data` body
    /// cannot be repeated: the step gets the redirect as its response). Credentials
    /// (`Authorization`, `Cookie`, `Proxy-Authorization`, and the header of every API key
    /// scheme the operation's security names) go only to the origin (scheme, host and
    /// port) the request was first sent to, never to another one a redirect leads to.
    pub fn max_redirects(mut self, limit: u32) -> Self {
        self.max_redirects = Some(limit);
        self
    }

    /// Checks the base URLs and builds the client.
    pub fn build(mut self) -> Result<Client, BuildError> {
        self.check_names()?;
        self.credentials
            .prepare()
            .map_err(|(credential, message)| BuildError::InvalidCredential {
                credential,
                message,
            })?;
        let in_flight = match self
            .max_in_flight_requests
            .unwrap_or(DEFAULT_MAX_IN_FLIGHT_REQUESTS)
        {
            0 => return Err(BuildError::NoRequestsInFlight),
            limit if limit > tokio::sync::Semaphore::MAX_PERMITS => None,
            limit => Some(tokio::sync::Semaphore::new(limit)),
        };
        let mut base_urls = HashMap::new();
        for (source, url) in self.base_urls {
            let parsed = reqwest::Url::parse(&url).map_err(|e| BuildError::InvalidBaseUrl {
                source_name: source.clone(),
                url: url.clone(),
                message: e.to_string(),
            })?;
            let scheme_ok = matches!(
                parsed.scheme(),
                "http" | "https" | "mqtt" | "mqtts" | "secure-mqtt" | "amqp" | "amqps"
            );
            if parsed.cannot_be_a_base() || !scheme_ok {
                return Err(BuildError::InvalidBaseUrl {
                    source_name: source,
                    url,
                    message: "expected an http or https URL (or, for an AsyncAPI source, an mqtt or amqp URL)".to_owned(),
                });
            }
            base_urls.insert(source, url.trim_end_matches('/').to_owned());
        }
        let limits = Limits {
            request_timeout: self.request_timeout.unwrap_or(DEFAULT_REQUEST_TIMEOUT),
            run_timeout: self.run_timeout.unwrap_or(DEFAULT_RUN_TIMEOUT),
            max_retry_delay: self.max_retry_delay.unwrap_or(DEFAULT_MAX_RETRY_DELAY),
            max_response_bytes: self
                .max_response_bytes
                .unwrap_or(DEFAULT_MAX_RESPONSE_BYTES),
            max_redirects: self.max_redirects.unwrap_or(DEFAULT_MAX_REDIRECTS),
        };
        for (setting, value) in [
            ("request_timeout", limits.request_timeout),
            ("run_timeout", limits.run_timeout),
        ] {
            if value.is_zero() {
                return Err(BuildError::ZeroTimeout { setting });
            }
        }
        let http = match self.http {
            Some(http) => http,
            // Redirects are followed by the run, which knows which headers are credentials.
            None => reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()?,
        };
        let secrets = self.credentials.secrets();
        Ok(Client {
            inner: Arc::new(Inner {
                secrets,
                allow_missing_credentials: self.allow_missing_credentials,
                redact_query_values: self.redact_query_values.unwrap_or(true),
                http,
                base_urls,
                server_variables: self.server_variables,
                credentials: self.credentials,
                hooks: self.hooks,
                max_step_executions: self
                    .max_step_executions
                    .unwrap_or(DEFAULT_MAX_STEP_EXECUTIONS),
                in_flight,
                receive_timeout: self.receive_timeout.unwrap_or(DEFAULT_RECEIVE_TIMEOUT),
                limits,
                transports: Default::default(),
            }),
        })
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_urls", &self.base_urls)
            .field("credentials", &self.credentials)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// With [`ClientBuilder::names`] given: every source description and security scheme
    /// the settings name is one of the documents'.
    fn check_names(&self) -> Result<(), BuildError> {
        if self.names.is_empty() {
            return Ok(());
        }
        let known = |pick: fn(&Names) -> &'static [&'static str]| {
            let mut all: Vec<&'static str> = self.names.iter().flat_map(pick).copied().collect();
            all.sort_unstable();
            all.dedup();
            all
        };
        let (sources, schemes) = (known(|n| n.sources), known(|n| n.schemes));
        let unknown = |setting, kind, name: &str, known: &[&'static str]| {
            (!known.contains(&name)).then(|| BuildError::UnknownName {
                setting,
                kind,
                name: name.to_owned(),
                known: known.to_vec(),
            })
        };
        let base_urls = self
            .base_urls
            .iter()
            .map(|(source, _)| ("base_url", source));
        let variables = self
            .server_variables
            .keys()
            .map(|(source, _)| ("server_variable", source));
        for (setting, source) in base_urls.chain(variables) {
            if let Some(error) = unknown(setting, "source description", source, &sources) {
                return Err(error);
            }
        }
        for scheme in self.credentials.by_scheme.keys() {
            if let Some(error) = unknown("credential", "security scheme", scheme, &schemes) {
                return Err(error);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::operation::Server;

    const KINDE: Source = Source {
        name: "kinde",
        server: Some(&Server {
            url: "https://{subdomain}.kinde.com/",
            variables: &[("subdomain", "your_kinde_subdomain")],
        }),
    };

    #[test]
    fn base_url_prefers_the_builder_then_the_server_template() {
        let client = Client::builder().build().unwrap();
        assert_eq!(
            client.base_url(&KINDE).as_deref(),
            Some("https://your_kinde_subdomain.kinde.com")
        );
        let client = Client::builder()
            .server_variable("kinde", "subdomain", "acme")
            .build()
            .unwrap();
        assert_eq!(
            client.base_url(&KINDE).as_deref(),
            Some("https://acme.kinde.com")
        );
        let client = Client::builder()
            .base_url("kinde", "http://127.0.0.1:9/")
            .build()
            .unwrap();
        assert_eq!(
            client.base_url(&KINDE).as_deref(),
            Some("http://127.0.0.1:9")
        );
    }

    #[test]
    fn relative_servers_have_no_base_url() {
        let source = Source {
            name: "petstore",
            server: Some(&Server {
                url: "/api/v3",
                variables: &[],
            }),
        };
        let client = Client::builder().build().unwrap();
        assert_eq!(client.base_url(&source), None);
    }

    #[test]
    fn credentials_that_cannot_be_headers_are_rejected() {
        let error = Client::builder()
            .credential(
                "bearerAuth",
                Credential::Bearer("a\r\nX-Injected: 1".into()),
            )
            .build()
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "invalid credential: the credential of scheme `bearerAuth`: it contains characters a header cannot carry"
        );
    }

    #[test]
    fn invalid_base_urls_are_rejected() {
        let error = Client::builder()
            .base_url("kinde", "not a url")
            .build()
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "invalid base URL `not a url` for source description `kinde`: relative URL without a base"
        );
        let error = Client::builder()
            .base_url("kinde", "ftp://example.com")
            .build()
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "invalid base URL `ftp://example.com` for source description `kinde`: expected an http or https URL (or, for an AsyncAPI source, an mqtt or amqp URL)"
        );
    }

    /// Names of several documents are one set; without any, nothing is checked.
    #[test]
    fn names_of_every_document_are_known() {
        use crate::Names;
        const A: Names = Names {
            sources: &["billing"],
            schemes: &["key"],
        };
        const B: Names = Names {
            sources: &["users"],
            schemes: &[],
        };
        let both = || Client::builder().names(A).names(B);
        both()
            .base_url("billing", "http://127.0.0.1:1")
            .base_url("users", "http://127.0.0.1:2")
            .credential("key", Credential::ApiKey("k".into()))
            .build()
            .unwrap();
        let error = both()
            .base_url("payments", "http://127.0.0.1:1")
            .build()
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "`base_url` names the source description `payments`, which none of the client's documents has (they have `billing`, `users`)"
        );
        let error = Client::builder()
            .names(B)
            .credential("key", Credential::ApiKey("k".into()))
            .build()
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "`credential` names the security scheme `key`, which none of the client's documents has (they have no security scheme)"
        );
    }
}
