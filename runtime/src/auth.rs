//! Credentials, and applying them as an operation's security requirements ask.

use std::collections::HashMap;
use std::fmt;

use crate::operation::{ApiKeyIn, Scheme, SchemeKind};

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
    Header(String, String),
    Query(String, String),
    Cookie(String, String),
}

impl Credentials {
    /// The credential for `scheme`: its own, else the default of its kind.
    fn for_scheme(&self, scheme: &Scheme) -> Option<Credential> {
        if let Some(credential) = self.by_scheme.get(scheme.name) {
            return Some(credential.clone());
        }
        match scheme.kind {
            SchemeKind::HttpBearer | SchemeKind::OAuth2 | SchemeKind::OpenIdConnect => {
                self.bearer.clone().map(Credential::Bearer)
            }
            SchemeKind::HttpBasic => self
                .basic
                .clone()
                .map(|(username, password)| Credential::Basic { username, password }),
            SchemeKind::ApiKey { .. } => self.api_key.clone().map(Credential::ApiKey),
            SchemeKind::Other => None,
        }
    }

    /// What to add to a request for an operation with these security requirements: the
    /// first alternative for which every scheme has a credential. Nothing when none can be
    /// satisfied: the request goes out without credentials and the server decides.
    pub(crate) fn placements(&self, requirements: &[&[Scheme]]) -> Vec<Placement> {
        'alternatives: for alternative in requirements {
            let mut placements = Vec::with_capacity(alternative.len());
            for scheme in *alternative {
                let Some(credential) = self.for_scheme(scheme) else {
                    continue 'alternatives;
                };
                placements.push(place(scheme, credential));
            }
            return placements;
        }
        Vec::new()
    }
}

fn place(scheme: &Scheme, credential: Credential) -> Placement {
    match (credential, &scheme.kind) {
        (Credential::ApiKey(key), SchemeKind::ApiKey { location, name }) => match location {
            ApiKeyIn::Header => Placement::Header((*name).to_owned(), key),
            ApiKeyIn::Query => Placement::Query((*name).to_owned(), key),
            ApiKeyIn::Cookie => Placement::Cookie((*name).to_owned(), key),
        },
        (Credential::ApiKey(key), _) => Placement::Header("Authorization".to_owned(), key),
        (Credential::Bearer(token), _) => {
            Placement::Header("Authorization".to_owned(), format!("Bearer {token}"))
        }
        (Credential::Basic { username, password }, _) => Placement::Header(
            "Authorization".to_owned(),
            format!(
                "Basic {}",
                base64(format!("{username}:{password}").as_bytes())
            ),
        ),
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

    #[test]
    fn first_satisfiable_alternative_wins() {
        let credentials = Credentials {
            api_key: Some("k".into()),
            ..Credentials::default()
        };
        assert_eq!(
            credentials.placements(&[&[BEARER], &[KEY]]),
            vec![Placement::Query("api_key".into(), "k".into())]
        );
        let credentials = Credentials {
            bearer: Some("t".into()),
            ..Credentials::default()
        };
        assert_eq!(
            credentials.placements(&[&[BEARER], &[KEY]]),
            vec![Placement::Header("Authorization".into(), "Bearer t".into())]
        );
        assert_eq!(Credentials::default().placements(&[&[BEARER]]), vec![]);
    }

    #[test]
    fn scheme_credentials_override_defaults_and_hide_secrets() {
        let mut credentials = Credentials {
            bearer: Some("default".into()),
            ..Credentials::default()
        };
        credentials
            .by_scheme
            .insert("bearerAuth".into(), Credential::Bearer("special".into()));
        assert_eq!(
            credentials.placements(&[&[BEARER]]),
            vec![Placement::Header(
                "Authorization".into(),
                "Bearer special".into()
            )]
        );
        assert!(!format!("{credentials:?}").contains("special"));
        assert!(!format!("{credentials:?}").contains("default"));
    }
}
