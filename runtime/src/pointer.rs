//! Reading one JSON pointer out of a JSON text without building the whole tree.
//!
//! A step usually reads a few fields of a response body (`$response.body#/invite/code`).
//! Decoding the whole body into a [`Value`] builds an object map for every object in it;
//! [`extract`] instead walks the text once, builds a [`Value`] only at the pointer's target,
//! and skips everything else (still checking that it is well-formed JSON).

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::Value;

/// The value at the JSON pointer `pointer` (RFC 6901, not empty) in the JSON text `json`,
/// `Ok(None)` when the pointer leads nowhere. The result is the same as
/// `serde_json::from_slice::<Value>(json)?.pointer(pointer).cloned()`, duplicate members
/// included (the last one wins); `Err` when the text is not valid JSON. `json` must be
/// valid UTF-8: strings that are skipped are not checked (the caller checks the whole body
/// once, which is cheaper). Skipped parts are checked for their structure, not for the
/// contents of their strings and numbers: an escape that is not one or a number beyond
/// `f64` there is no error (both found by the fuzzer), where decoding whole would fail.
pub(crate) fn extract(json: &[u8], pointer: &str) -> Result<Option<Value>, serde_json::Error> {
    let tokens: Vec<Cow<str>> = match pointer.strip_prefix('/') {
        Some(rest) => rest.split('/').map(unescape).collect(),
        None => return Ok(None),
    };
    let mut de = serde_json::Deserializer::from_slice(json);
    let found = Seek { tokens: &tokens }.deserialize(&mut de)?;
    de.end()?;
    Ok(found)
}

/// A reference token with `~1` and `~0` unescaped; borrowed when it has neither (the
/// common case, which then allocates nothing).
fn unescape(token: &str) -> Cow<'_, str> {
    if token.contains('~') {
        Cow::Owned(token.replace("~1", "/").replace("~0", "~"))
    } else {
        Cow::Borrowed(token)
    }
}

/// What is left of the pointer at one place in the document.
#[derive(Clone, Copy)]
struct Seek<'p> {
    tokens: &'p [Cow<'p, str>],
}

impl<'de> DeserializeSeed<'de> for Seek<'_> {
    type Value = Option<Value>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        if self.tokens.is_empty() {
            return Value::deserialize(deserializer).map(Some);
        }
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Seek<'_> {
    type Value = Option<Value>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let (token, rest) = (
            &self.tokens[0],
            Seek {
                tokens: &self.tokens[1..],
            },
        );
        let mut found = None;
        while let Some(matches) = map.next_key_seed(KeyIs(token))? {
            if matches {
                found = map.next_value_seed(rest)?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(found)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let (index, rest) = (
            array_index(&self.tokens[0]),
            Seek {
                tokens: &self.tokens[1..],
            },
        );
        let mut found = None;
        let mut i = 0;
        loop {
            if Some(i) == index {
                match seq.next_element_seed(rest)? {
                    Some(value) => found = value,
                    None => break,
                }
            } else if seq.next_element::<IgnoredAny>()?.is_none() {
                break;
            }
            i += 1;
        }
        Ok(found)
    }

    // A scalar has no members: the pointer leads nowhere.
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
}

/// An array index as RFC 6901 writes it (`0`, or digits without a leading zero), as
/// `serde_json::Value::pointer` reads it.
fn array_index(token: &str) -> Option<usize> {
    if token.starts_with('+') || (token.starts_with('0') && token.len() > 1) {
        return None;
    }
    token.parse().ok()
}

/// Compares an object key with a pointer token without allocating.
struct KeyIs<'t>(&'t str);

impl<'de> DeserializeSeed<'de> for KeyIs<'_> {
    type Value = bool;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeyIs<'_> {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<bool, E> {
        Ok(key == self.0)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// `extract` agrees with decoding the whole text and following the pointer.
    fn agrees(text: &str, pointer: &str) -> Option<Value> {
        let whole = serde_json::from_str::<Value>(text).unwrap();
        let found = extract(text.as_bytes(), pointer).unwrap();
        assert_eq!(
            found.as_ref(),
            whole.pointer(pointer),
            "{pointer} in {text}"
        );
        found
    }

    #[test]
    fn skipped_scalars_are_not_checked() {
        // Found by the `body_pointer` fuzz target: decoding whole fails on `1E333`.
        let body = br#"{"big": 333333333333333333333333333E333, "a": 1}"#;
        assert_eq!(extract(body, "/a").unwrap(), Some(serde_json::json!(1)));
        assert!(serde_json::from_slice::<Value>(body).is_err());
        let body = br#"{"s": "\uD968[", "a": 2}"#;
        assert_eq!(extract(body, "/a").unwrap(), Some(serde_json::json!(2)));
        assert!(serde_json::from_slice::<Value>(body).is_err());
    }

    #[test]
    fn finds_members_elements_and_whole_subtrees() {
        let text = r#"{"invite": {"code": "c1", "tags": ["a", {"b": 2}]}, "n": 1.5, "e": {}}"#;
        assert_eq!(agrees(text, "/invite/code"), Some(json!("c1")));
        assert_eq!(agrees(text, "/invite/tags/1/b"), Some(json!(2)));
        assert_eq!(
            agrees(text, "/invite"),
            Some(json!({"code": "c1", "tags": ["a", {"b": 2}]}))
        );
        assert_eq!(agrees(text, "/n"), Some(json!(1.5)));
        assert_eq!(agrees(text, "/e"), Some(json!({})));
        for nowhere in [
            "/missing",
            "/invite/code/x",
            "/invite/tags/2",
            "/invite/tags/01",
            "/invite/tags/+1",
            "/invite/tags/-",
            "/n/0",
            "/e/",
        ] {
            assert_eq!(agrees(text, nowhere), None);
        }
    }

    #[test]
    fn escapes_empty_keys_and_duplicates() {
        let text = r#"{"a/b": 1, "m~n": 2, "": 3, "\u0078": 4, "d": 5, "d": 6}"#;
        assert_eq!(agrees(text, "/a~1b"), Some(json!(1)));
        assert_eq!(agrees(text, "/m~0n"), Some(json!(2)));
        assert_eq!(agrees(text, "/"), Some(json!(3)));
        assert_eq!(agrees(text, "/x"), Some(json!(4)));
        assert_eq!(agrees(text, "/d"), Some(json!(6)));
        assert_eq!(agrees("[10, [20, 30]]", "/1/0"), Some(json!(20)));
        assert_eq!(agrees("\"text\"", "/0"), None);
        assert_eq!(agrees("null", "/a"), None);
    }

    #[test]
    fn invalid_json_is_an_error_even_where_skipped() {
        for text in [
            r#"{"a": 1, "b": [1,}"#,
            r#"{"a": 1} trailing"#,
            r#"{"b": tru, "a": 1}"#,
        ] {
            let error = extract(text.as_bytes(), "/a").unwrap_err();
            assert_eq!(
                error.to_string(),
                serde_json::from_str::<Value>(text).unwrap_err().to_string()
            );
        }
    }
}
