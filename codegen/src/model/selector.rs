//! The Selector Object (Arazzo 1.1) and the values that may be one.

use std::fmt;

use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use super::{Extensions, TypeField};

/// The Selector Object: a JSONPath, XPath or JSON Pointer applied to the value of a
/// runtime expression, such as `{context: $response.body, selector: $.user.email, type:
/// jsonpath}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct Selector {
    /// The runtime expression whose value the selector applies to.
    pub context: String,
    /// The JSONPath, XPath or JSON Pointer.
    pub selector: String,
    /// Which kind of selector, possibly with a version.
    #[serde(rename = "type")]
    pub selector_type: TypeField,
    /// Specification extensions and unknown fields.
    #[serde(flatten)]
    pub extensions: Extensions,
}

impl Selector {
    /// The field names the specification defines for this object.
    pub const FIELDS: &'static [&'static str] = &["context", "selector", "type"];

    /// The selector as one line, for messages and docs: `$response.body jsonpath $.id`.
    pub fn text(&self) -> String {
        format!(
            "{} {} {}",
            self.context.trim(),
            self.selector_type.as_str(),
            self.selector
        )
    }

    /// A Selector Object written inside a value (a parameter value, a payload or a payload
    /// replacement value): an object with `context`, `selector` and `type` and no other
    /// field but extensions. `None` for every other value, which stays a literal.
    pub fn in_value(value: &Value) -> Option<Result<Selector, String>> {
        let map = value.as_object()?;
        let shaped = ["context", "selector", "type"]
            .iter()
            .all(|key| map.contains_key(*key))
            && map
                .keys()
                .all(|key| Self::FIELDS.contains(&key.as_str()) || key.starts_with("x-"));
        shaped.then(|| Selector::deserialize(value).map_err(|e| e.to_string()))
    }
}

/// An output's value: a runtime expression or (Arazzo 1.1) a Selector Object.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum OutputValue {
    /// A runtime expression, such as `$response.body#/id`.
    Expression(String),
    /// A Selector Object.
    Selector(Box<Selector>),
}

impl OutputValue {
    /// The runtime expression, or the selector's context.
    pub fn expression(&self) -> &str {
        match self {
            OutputValue::Expression(text) => text,
            OutputValue::Selector(selector) => &selector.context,
        }
    }

    /// The output as written, for messages: the expression, or the selector's context,
    /// type and selector (`$response.body jsonpath $.items[*].id`).
    pub fn text(&self) -> String {
        match self {
            OutputValue::Expression(text) => text.clone(),
            OutputValue::Selector(selector) => selector.text(),
        }
    }

    /// The Selector Object, if the output is one.
    pub fn as_selector(&self) -> Option<&Selector> {
        match self {
            OutputValue::Expression(_) => None,
            OutputValue::Selector(selector) => Some(selector),
        }
    }
}

impl Serialize for OutputValue {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            OutputValue::Expression(text) => serializer.serialize_str(text),
            OutputValue::Selector(selector) => selector.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for OutputValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct OutputVisitor;

        impl<'de> Visitor<'de> for OutputVisitor {
            type Value = OutputValue;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a runtime expression or a selector object")
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<OutputValue, E> {
                Ok(OutputValue::Expression(v.to_owned()))
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<OutputValue, A::Error> {
                Selector::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(|sel| OutputValue::Selector(Box::new(sel)))
            }
        }

        deserializer.deserialize_any(OutputVisitor)
    }
}
