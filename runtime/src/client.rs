//! The client workflows run with: HTTP transport, base URLs, credentials and hooks.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use crate::auth::{Credential, Credentials};
use crate::error::BuildError;
use crate::hooks::Hooks;
use crate::operation::Source;

/// The default number of step executions one workflow run may make.
pub const DEFAULT_MAX_STEP_EXECUTIONS: u32 = 1000;

/// The default number of requests a [`Client`] has in flight at once, across every workflow
/// run that uses it: see [`ClientBuilder::max_in_flight_requests`].
pub const DEFAULT_MAX_IN_FLIGHT_REQUESTS: usize = 256;

/// How long a step that receives a message waits for it when the step has no `timeout`:
/// see [`ClientBuilder::receive_timeout`].
pub const DEFAULT_RECEIVE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// What every generated workflow function takes: where the APIs are, how to authenticate,
/// and the HTTP client to use. Cheap to clone; clones share everything.
///
/// ```no_run
/// # fn main() -> Result<(), arazzo_runtime::BuildError> {
/// let client = arazzo_runtime::Client::builder()
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
    pub(crate) receive_timeout: std::time::Duration,
    /// Broker connections of AsyncAPI sources, by broker URL, made on first use.
    pub(crate) transports: crate::messaging::Transports,
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
    receive_timeout: Option<std::time::Duration>,
}

impl ClientBuilder {
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

    /// Uses this `reqwest::Client` (for timeouts, proxies, TLS settings, middleware-free
    /// connection pools) instead of a default one.
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
    pub fn receive_timeout(mut self, timeout: std::time::Duration) -> Self {
        self.receive_timeout = Some(timeout);
        self
    }

    /// Checks the base URLs and builds the client.
    pub fn build(mut self) -> Result<Client, BuildError> {
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
        let http = match self.http {
            Some(http) => http,
            None => reqwest::Client::builder().build()?,
        };
        Ok(Client {
            inner: Arc::new(Inner {
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
}
