//! Credentials, and applying them as an operation's security requirements ask.

use std::collections::HashMap;
use std::fmt;

use reqwest::header::HeaderValue;

use crate::operation::{ApiKeyIn, Scheme, SchemeKind};
use crate::redact::Secrets;

/// A credential for one security scheme.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Credential {
    /// Sent as `Authorization: Bearer <token>`.
    Bearer(String),
    /// Sent as `Authorization: Basic <base64(user:password)>`.
    Basic {
        /// The user name.
        username: String,
        /// The password.
        password: String,
    },
    /// Sent where the API-key scheme says: a header, a query parameter or a cookie.
    ApiKey(String),
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Secrets stay out of logs.
        match self {
            Credential::Bearer(_) => f.write_str("Bearer(***)"),
            Credential::Basic { username, .. } => write!(f, "Basic({username}:***)"),
            Credential::ApiKey(_) => f.write_str("ApiKey(***)"),
        }
    }
}

/// Every credential a client holds.
#[derive(Default)]
pub(crate) struct Credentials {
    pub(crate) bearer: Option<String>,
    pub(crate) api_key: Option<String>,
    pub(crate) basic: Option<(String, String)>,
    pub(crate) by_scheme: HashMap<String, Credential>,
    /// The `Authorization` values of the bearer and basic credentials above (by scheme
    /// name, else the defaults), built once by [`Credentials::prepare`] rather than on
    /// every request.
    authorization: Authorization,
}

#[derive(Default)]
struct Authorization {
    bearer: Option<HeaderValue>,
    basic: Option<HeaderValue>,
    by_scheme: HashMap<String, HeaderValue>,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("bearer", &self.bearer.as_ref().map(|_| "***"))
            .field("api_key", &self.api_key.as_ref().map(|_| "***"))
            .field("basic", &self.basic.as_ref().map(|(user, _)| user))
            .field("by_scheme", &self.by_scheme)
            .finish()
    }
}

/// Where a credential goes on the request.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Placement {
    /// The `Authorization` header (bearer and basic credentials, API keys of other schemes).
    Authorization(HeaderValue),
    Header(&'static str, String),
    Query(&'static str, String),
    Cookie(&'static str, String),
}

/// The `Authorization` header value of a credential, marked sensitive (kept out of
/// `Debug` output and of HTTP/2 header compression).
fn authorization(credential: &Credential) -> Result<HeaderValue, String> {
    let text = match credential {
        Credential::Bearer(token) => format!("Bearer {token}"),
        Credential::Basic { username, password } => format!(
            "Basic {}",
            base64(format!("{username}:{password}").as_bytes())
        ),
        Credential::ApiKey(key) => key.clone(),
    };
    let mut value = HeaderValue::from_str(&text)
        .map_err(|_| "it contains characters a header cannot carry".to_owned())?;
    value.set_sensitive(true);
    Ok(value)
}

impl Credential {
    /// Adds this credential's secret parts to `secrets`: the token, key or password, and
    /// the base64 text a basic credential is sent as.
    fn add_secrets(&self, secrets: &mut Secrets) {
        match self {
            Credential::Bearer(token) => secrets.add(token),
            Credential::ApiKey(key) => secrets.add(key),
            Credential::Basic { username, password } => {
                secrets.add(password);
                secrets.add(&base64(format!("{username}:{password}").as_bytes()));
            }
        }
    }
}

impl Credentials {
    /// Every secret the credentials hold, to keep out of errors, hooks and logs.
    pub(crate) fn secrets(&self) -> Secrets {
        let mut secrets = Secrets::default();
        if let Some(token) = &self.bearer {
            Credential::Bearer(token.clone()).add_secrets(&mut secrets);
        }
        if let Some(key) = &self.api_key {
            Credential::ApiKey(key.clone()).add_secrets(&mut secrets);
        }
        if let Some((username, password)) = &self.basic {
            Credential::Basic {
                username: username.clone(),
                password: password.clone(),
            }
            .add_secrets(&mut secrets);
        }
        for credential in self.by_scheme.values() {
            credential.add_secrets(&mut secrets);
        }
        secrets
    }

    /// Builds the `Authorization` values once, for [`Credentials::placements`]. Fails,
    /// naming the credential, when one cannot go in a header (a control character, say).
    pub(crate) fn prepare(&mut self) -> Result<(), (String, String)> {
        fn name(what: &str) -> impl FnOnce(String) -> (String, String) + '_ {
            move |message| (what.to_owned(), message)
        }
        self.authorization.bearer = self
            .bearer
            .clone()
            .map(|token| authorization(&Credential::Bearer(token)))
            .transpose()
            .map_err(name("the bearer token"))?;
        self.authorization.basic = self
            .basic
            .clone()
            .map(|(username, password)| authorization(&Credential::Basic { username, password }))
            .transpose()
            .map_err(name("the basic credentials"))?;
        let mut by_scheme = HashMap::new();
        for (scheme, credential) in &self.by_scheme {
            if let Credential::Bearer(_) | Credential::Basic { .. } = credential {
                let value = authorization(credential)
                    .map_err(name(&format!("the credential of scheme `{scheme}`")))?;
                by_scheme.insert(scheme.clone(), value);
            }
        }
        self.authorization.by_scheme = by_scheme;
        Ok(())
    }

    /// Where `scheme`'s credential goes: its own, else the default of its kind.
    fn place(&self, scheme: &Scheme) -> Option<Placement> {
        let ready = &self.authorization;
        if let Some(credential) = self.by_scheme.get(scheme.name) {
            return Some(match credential {
                Credential::ApiKey(key) => api_key(scheme, key),
                _ => Placement::Authorization(ready.by_scheme.get(scheme.name)?.clone()),
            });
        }
        match scheme.kind {
            SchemeKind::HttpBearer | SchemeKind::OAuth2 | SchemeKind::OpenIdConnect => {
                ready.bearer.clone().map(Placement::Authorization)
            }
            SchemeKind::HttpBasic => ready.basic.clone().map(Placement::Authorization),
            SchemeKind::ApiKey { .. } => self.api_key.as_deref().map(|key| api_key(scheme, key)),
            SchemeKind::Other => None,
        }
    }

    /// What to add to a request for an operation with these security requirements: the
    /// first alternative for which every scheme has a credential (an empty alternative, as
    /// OpenAPI's `{}` for optional security, needs none). `None` when there are
    /// requirements and none can be satisfied. Schemes of another kind (mutual TLS) are
    /// taken as satisfied by the `reqwest::Client`.
    pub(crate) fn placements(&self, requirements: &[&[Scheme]]) -> Option<Vec<Placement>> {
        if requirements.is_empty() {
            return Some(Vec::new());
        }
        'alternatives: for alternative in requirements {
            let mut placements = Vec::with_capacity(alternative.len());
            for scheme in *alternative {
                if matches!(scheme.kind, SchemeKind::Other) {
                    continue;
                }
                let Some(placement) = self.place(scheme) else {
                    continue 'alternatives;
                };
                placements.push(placement);
            }
            return Some(placements);
        }
        None
    }
}

/// An API key where its scheme says (the `Authorization` header for schemes of another kind).
fn api_key(scheme: &Scheme, key: &str) -> Placement {
    match &scheme.kind {
        SchemeKind::ApiKey { location, name } => match location {
            ApiKeyIn::Header => Placement::Header(name, key.to_owned()),
            ApiKeyIn::Query => Placement::Query(name, key.to_owned()),
            ApiKeyIn::Cookie => Placement::Cookie(name, key.to_owned()),
        },
        _ => match HeaderValue::from_str(key) {
            Ok(mut value) => {
                value.set_sensitive(true);
                Placement::Authorization(value)
            }
            Err(_) => Placement::Header("Authorization", key.to_owned()),
        },
    }
}

/// Standard base64 with padding, for HTTP basic credentials.
fn base64(input: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
    for chunk in input.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const BEARER: Scheme = Scheme {
        name: "bearerAuth",
        kind: SchemeKind::HttpBearer,
    };
    const KEY: Scheme = Scheme {
        name: "apiKey",
        kind: SchemeKind::ApiKey {
            location: ApiKeyIn::Query,
            name: "api_key",
        },
    };

    #[test]
    fn base64_matches_rfc_4648_vectors() {
        for (input, expected) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(input.as_bytes()), expected);
        }
    }

    fn prepared(mut credentials: Credentials) -> Credentials {
        credentials.prepare().unwrap();
        credentials
    }

    fn authorization(text: &'static str) -> Placement {
        Placement::Authorization(HeaderValue::from_static(text))
    }

    #[test]
    fn first_satisfiable_alternative_wins() {
        let credentials = prepared(Credentials {
            api_key: Some("k".into()),
            ..Credentials::default()
        });
        assert_eq!(
            credentials.placements(&[&[BEARER], &[KEY]]).unwrap(),
            vec![Placement::Query("api_key", "k".into())]
        );
        let credentials = prepared(Credentials {
            bearer: Some("t".into()),
            ..Credentials::default()
        });
        assert_eq!(
            credentials.placements(&[&[BEARER], &[KEY]]).unwrap(),
            vec![authorization("Bearer t")]
        );
        assert_eq!(Credentials::default().placements(&[&[BEARER]]), None);
        // Optional security (`{}` among the alternatives), and no security at all.
        assert_eq!(
            Credentials::default().placements(&[&[BEARER], &[]]),
            Some(vec![])
        );
        assert_eq!(Credentials::default().placements(&[]), Some(vec![]));
    }

    #[test]
    fn scheme_credentials_override_defaults_and_hide_secrets() {
        let mut credentials = Credentials {
            bearer: Some("default".into()),
            basic: Some(("ada".into(), "pw".into())),
            ..Credentials::default()
        };
        credentials
            .by_scheme
            .insert("bearerAuth".into(), Credential::Bearer("special".into()));
        let credentials = prepared(credentials);
        let placements = credentials.placements(&[&[BEARER]]).unwrap();
        assert_eq!(placements, vec![authorization("Bearer special")]);
        let Placement::Authorization(value) = &placements[0] else {
            unreachable!()
        };
        assert!(value.is_sensitive());
        const BASIC: Scheme = Scheme {
            name: "basicAuth",
            kind: SchemeKind::HttpBasic,
        };
        assert_eq!(
            credentials.placements(&[&[BASIC]]).unwrap(),
            vec![authorization("Basic YWRhOnB3")]
        );
        assert!(!format!("{credentials:?}").contains("special"));
        assert!(!format!("{credentials:?}").contains("default"));
    }

    #[test]
    fn credentials_that_cannot_be_headers_are_refused() {
        let mut credentials = Credentials {
            bearer: Some("line\nbreak".into()),
            ..Credentials::default()
        };
        assert_eq!(
            credentials.prepare().unwrap_err(),
            (
                "the bearer token".to_owned(),
                "it contains characters a header cannot carry".to_owned()
            )
        );
    }
}
