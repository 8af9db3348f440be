//! The Criterion Object and the Expression Type Object (1.0's Criterion Expression Type
//! Object), which criteria, selectors and payload replacements share.

use std::fmt;

use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::Extensions;

/// The Criterion Object: one condition for success or for an action to apply.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct Criterion {
    /// The runtime expression the condition applies to; required when `type` is given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
    /// The condition: a simple condition, a regular expression, a JSONPath or an XPath.
    pub condition: String,
    /// How to read `condition`; absent means `simple`.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub criterion_type: Option<TypeField>,
    /// Specification extensions and unknown fields.
    #[serde(flatten)]
    pub extensions: Extensions,
}

impl Criterion {
    /// The field names the specification defines for this object.
    pub const FIELDS: &'static [&'static str] = &["context", "condition", "type"];

    /// How to read the condition: the kind named by `type`, or `simple` when absent;
    /// `None` for a name the specification does not define.
    pub fn kind(&self) -> Option<TypeName> {
        match &self.criterion_type {
            None => Some(TypeName::Simple),
            Some(t) => t.name(),
        }
    }
}

/// A `type` field: a name, or an Expression Type Object that also gives a version.
///
/// Criteria (`type`), Selector Objects (`type`) and Payload Replacement Objects
/// (`targetSelectorType`) use it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum TypeField {
    /// `simple`, `regex`, `jsonpath`, `xpath` or `jsonpointer`; any other name is kept as
    /// written, so that `check` reports it with the document's other problems.
    Name(String),
    /// An Expression Type Object, such as `{type: xpath, version: xpath-30}` (1.0 calls it
    /// the Criterion Expression Type Object).
    Expression(ExpressionType),
}

impl TypeField {
    /// The kind of expression as written, whichever way it was written.
    pub fn as_str(&self) -> &str {
        match self {
            TypeField::Name(name) => name,
            TypeField::Expression(expression) => &expression.expression_type,
        }
    }

    /// The kind of expression, if it is one the specification defines.
    pub fn name(&self) -> Option<TypeName> {
        TypeName::from_name(self.as_str())
    }

    /// The version an Expression Type Object gives.
    pub fn version(&self) -> Option<&str> {
        match self {
            TypeField::Name(_) => None,
            TypeField::Expression(expression) => Some(&expression.version),
        }
    }
}

/// The names a `type` field can take.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum TypeName {
    /// Literals, operators and runtime expressions, such as `$statusCode == 200`.
    Simple,
    /// A regular expression applied to the context.
    Regex,
    /// A JSONPath expression applied to the context.
    Jsonpath,
    /// An XPath expression applied to the context.
    Xpath,
    /// A JSON Pointer (Arazzo 1.1, for selectors and payload replacement targets).
    Jsonpointer,
}

impl TypeName {
    /// The names as written in documents.
    pub const NAMES: &'static [&'static str] =
        &["simple", "regex", "jsonpath", "xpath", "jsonpointer"];

    /// The name as written in documents.
    pub fn as_str(self) -> &'static str {
        match self {
            TypeName::Simple => "simple",
            TypeName::Regex => "regex",
            TypeName::Jsonpath => "jsonpath",
            TypeName::Xpath => "xpath",
            TypeName::Jsonpointer => "jsonpointer",
        }
    }

    /// The name with the given spelling, exactly as written in documents.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "simple" => Some(TypeName::Simple),
            "regex" => Some(TypeName::Regex),
            "jsonpath" => Some(TypeName::Jsonpath),
            "xpath" => Some(TypeName::Xpath),
            "jsonpointer" => Some(TypeName::Jsonpointer),
            _ => None,
        }
    }
}

/// The Expression Type Object (1.0: the Criterion Expression Type Object): an expression
/// kind with a version.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct ExpressionType {
    /// `jsonpath`, `xpath` or `jsonpointer`, as written.
    #[serde(rename = "type")]
    pub expression_type: String,
    /// Such as `rfc9535`, `draft-goessner-dispatch-jsonpath-00` or `xpath-30`.
    pub version: String,
    /// Specification extensions and unknown fields.
    #[serde(flatten)]
    pub extensions: Extensions,
}

impl ExpressionType {
    /// The field names the specification defines for this object.
    pub const FIELDS: &'static [&'static str] = &["type", "version"];
}

impl Serialize for TypeField {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            TypeField::Name(name) => serializer.serialize_str(name),
            TypeField::Expression(expression) => expression.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for TypeField {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TypeVisitor;

        impl<'de> Visitor<'de> for TypeVisitor {
            type Value = TypeField;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("one of `simple`, `regex`, `jsonpath`, `xpath`, `jsonpointer`, or an expression type object")
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<TypeField, E> {
                Ok(TypeField::Name(v.to_owned()))
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<TypeField, A::Error> {
                // Deserializing through the map access keeps the error path precise.
                ExpressionType::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(TypeField::Expression)
            }
        }

        deserializer.deserialize_any(TypeVisitor)
    }
}
