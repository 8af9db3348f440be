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
}
