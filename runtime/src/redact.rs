//! Secrets, and keeping them out of what a run shows: errors, hooks and logs.
//!
//! The client's credentials and the values of a run's secret inputs (`format: password`,
//! `writeOnly`) are collected here, raw and in the encoded forms they take in a URL, and
//! every URL, body excerpt and message that leaves the runtime passes through
//! [`Secrets::redact`], which replaces them with `***`.

use std::borrow::Cow;
use std::fmt;

use serde_json::Value;

use crate::encode;

/// What a secret is replaced with.
pub(crate) const REDACTED: &str = "***";

/// Secret strings, longest first, so that a secret that contains another is replaced whole.
#[derive(Clone, Default)]
pub(crate) struct Secrets(Vec<Box<str>>);

impl Secrets {
    /// Adds `secret`, and the form it takes percent-encoded in a path segment, a query or a
    /// form body.
    pub(crate) fn add(&mut self, secret: &str) {
        if secret.is_empty() {
            return;
        }
        for form in [secret.to_owned(), encode::component(secret)] {
            if !self.0.iter().any(|known| **known == *form) {
                self.0.push(form.into_boxed_str());
            }
        }
        self.0.sort_by_key(|s| std::cmp::Reverse(s.len()));
    }

    /// Adds every string and number in `value` (an input's value: a string, an array of
    /// them, an object of them).
    pub(crate) fn add_value(&mut self, value: &Value) {
        match value {
            Value::String(text) => self.add(text),
            Value::Number(number) => self.add(&number.to_string()),
            Value::Array(items) => items.iter().for_each(|item| self.add_value(item)),
            Value::Object(members) => members.values().for_each(|item| self.add_value(item)),
            Value::Null | Value::Bool(_) => {}
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `text` with every secret replaced by `***`; borrowed when it holds none.
    pub(crate) fn redact<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let mut text = Cow::Borrowed(text);
        for secret in &self.0 {
            if text.contains(&**secret) {
                text = Cow::Owned(text.replace(&**secret, REDACTED));
            }
        }
        text
    }
}

/// Query parameters whose names say they carry a credential, compared without case: their
/// values are hidden in every URL a run shows, whatever their origin (a token that an
/// earlier step's response returned is no input and no client credential).
const CREDENTIAL_PARAMS: &[&str] = &[
    "access_token",
    "api_key",
    "api-key",
    "apikey",
    "auth",
    "client_secret",
    "id_token",
    "key",
    "password",
    "passwd",
    "refresh_token",
    "secret",
    "sig",
    "signature",
    "token",
];

/// `url` with the values of its query parameters replaced by `***`: every value when `all`,
/// else those of parameters named like credentials (`access_token`, `key`, …). Names are
/// kept (`?page=***&tag=***`); a URL with nothing to hide is borrowed.
pub(crate) fn hide_query_values(url: &str, all: bool) -> Cow<'_, str> {
    let Some((base, query)) = url.split_once('?') else {
        return Cow::Borrowed(url);
    };
    let (query, fragment) = match query.split_once('#') {
        Some((query, fragment)) => (query, Some(fragment)),
        None => (query, None),
    };
    let hidden = |pair: &&str| match pair.split_once('=') {
        Some((name, value)) => {
            !value.is_empty()
                && value != REDACTED
                && (all
                    || CREDENTIAL_PARAMS
                        .iter()
                        .any(|known| name.eq_ignore_ascii_case(known)))
        }
        None => false,
    };
    if !query.split('&').any(|pair| hidden(&pair)) {
        return Cow::Borrowed(url);
    }
    let pairs: Vec<Cow<'_, str>> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((name, _)) if hidden(&pair) => Cow::Owned(format!("{name}={REDACTED}")),
            _ => Cow::Borrowed(pair),
        })
        .collect();
    let mut shown = format!("{base}?{}", pairs.join("&"));
    if let Some(fragment) = fragment {
        shown.push('#');
        shown.push_str(fragment);
    }
    Cow::Owned(shown)
}

impl fmt::Debug for Secrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secrets({} kept out of output)", self.0.len())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn secrets_are_replaced_raw_and_encoded() {
        let mut secrets = Secrets::default();
        secrets.add("p@ss word/1");
        secrets.add("");
        assert_eq!(
            secrets.redact("http://h/x/p%40ss%20word%2F1?q=p%40ss%20word%2F1 and p@ss word/1"),
            "http://h/x/***?q=*** and ***"
        );
        assert!(matches!(secrets.redact("nothing here"), Cow::Borrowed(_)));
        assert_eq!(format!("{secrets:?}"), "Secrets(2 kept out of output)");
    }

    #[test]
    fn longer_secrets_win_over_the_ones_they_contain() {
        let mut secrets = Secrets::default();
        secrets.add("abc");
        secrets.add_value(&json!(["abcdef", 4711, null]));
        assert_eq!(secrets.redact("abcdef abc 4711"), "*** *** ***");
    }

    #[test]
    fn query_values_are_hidden_by_name_or_all() {
        let url = "https://api.example/items?page=2&access_token=tok-1&Key=k&flag&empty=";
        assert_eq!(
            hide_query_values(url, false),
            "https://api.example/items?page=2&access_token=***&Key=***&flag&empty="
        );
        assert_eq!(
            hide_query_values(url, true),
            "https://api.example/items?page=***&access_token=***&Key=***&flag&empty="
        );
        let plain = "https://api.example/items?page=2";
        assert!(matches!(hide_query_values(plain, false), Cow::Borrowed(_)));
        assert!(matches!(
            hide_query_values("https://api.example/items", true),
            Cow::Borrowed(_)
        ));
    }
}
