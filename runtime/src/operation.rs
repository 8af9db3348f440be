//! Static descriptions of operations, emitted by the generator as `const`s.

/// A source description: its name, and its OpenAPI description's first server.
#[derive(Debug)]
pub struct Source {
    /// The source description's `name` in the Arazzo document.
    pub name: &'static str,
    /// The first entry of the OpenAPI description's `servers`, if any.
    pub server: Option<&'static Server>,
}

/// An OpenAPI server: a URL template and its variables' defaults.
#[derive(Debug)]
pub struct Server {
    /// The URL, possibly with `{variable}`s.
    pub url: &'static str,
    /// Each variable's name and default value.
    pub variables: &'static [(&'static str, &'static str)],
}

/// One OpenAPI operation a step calls.
#[derive(Debug)]
pub struct Operation {
    /// The `operationId`, or `METHOD /path` for an operation without one (a step that
    /// names it by `operationPath`), for logs.
    pub id: &'static str,
    /// The source description the operation belongs to.
    pub source: &'static Source,
    /// The HTTP method, upper case.
    pub method: &'static str,
    /// The path template, such as `/api/v1/organization/{org_code}/invites`.
    pub path: &'static str,
    /// The security requirements: alternatives, each a set of schemes that must all be
    /// satisfied. Empty when the operation needs no credentials.
    pub security: &'static [&'static [Scheme]],
}

/// A security scheme an operation accepts.
#[derive(Debug)]
pub struct Scheme {
    /// Its name in `components.securitySchemes`.
    pub name: &'static str,
    /// What kind of credential it takes.
    pub kind: SchemeKind,
}

/// The kinds of OpenAPI security schemes.
#[derive(Debug)]
pub enum SchemeKind {
    /// `type: http, scheme: bearer`.
    HttpBearer,
    /// `type: http, scheme: basic`.
    HttpBasic,
    /// `type: apiKey`.
    ApiKey {
        /// Where the key goes.
        location: ApiKeyIn,
        /// The header, query parameter or cookie name.
        name: &'static str,
    },
    /// `type: oauth2`: the access token is sent as a bearer token.
    OAuth2,
    /// `type: openIdConnect`: the token is sent as a bearer token.
    OpenIdConnect,
    /// Anything else (mutual TLS, unknown HTTP schemes): configure the `reqwest::Client`.
    Other,
}

/// Where an API key goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiKeyIn {
    /// A request header.
    Header,
    /// A query parameter.
    Query,
    /// A cookie.
    Cookie,
}
