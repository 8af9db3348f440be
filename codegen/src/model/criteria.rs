//! The Criterion Object and the Criterion Expression Type Object.

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
    pub criterion_type: Option<CriterionType>,
    /// Specification extensions and unknown fields.
    #[serde(flatten)]
    pub extensions: Extensions,
}

impl Criterion {
    /// The field names the specification defines for this object.
    pub const FIELDS: &'static [&'static str] = &["context", "condition", "type"];

    /// How to read the condition: the kind named by `type`, or `simple` when absent.
    pub fn kind(&self) -> CriterionKind {
        self.criterion_type
            .as_ref()
            .map_or(CriterionKind::Simple, CriterionType::kind)
    }
}

/// The `type` of a criterion: a name, or an object that also gives a version.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum CriterionType {
    /// `simple`, `regex`, `jsonpath` or `xpath`.
    Name(CriterionKind),
    /// A Criterion Expression Type Object, such as `{type: xpath, version: xpath-30}`.
    Expression(CriterionExpressionType),
}

impl CriterionType {
    /// The kind of condition, whichever way it was written.
    pub fn kind(&self) -> CriterionKind {
        match self {
            CriterionType::Name(kind) => *kind,
            CriterionType::Expression(expression) => expression.expression_type,
        }
    }
}

/// The kinds of condition.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum CriterionKind {
    /// Literals, operators and runtime expressions, such as `$statusCode == 200`.
    Simple,
    /// A regular expression applied to the context.
    Regex,
    /// A JSONPath expression applied to the context.
    Jsonpath,
    /// An XPath expression applied to the context.
    Xpath,
}

impl CriterionKind {
    /// The names as written in documents.
    pub const NAMES: &'static [&'static str] = &["simple", "regex", "jsonpath", "xpath"];

    /// The name as written in documents.
    pub fn as_str(self) -> &'static str {
        match self {
            CriterionKind::Simple => "simple",
            CriterionKind::Regex => "regex",
            CriterionKind::Jsonpath => "jsonpath",
            CriterionKind::Xpath => "xpath",
        }
    }

    /// The kind with the given name, exactly as written in documents.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "simple" => Some(CriterionKind::Simple),
            "regex" => Some(CriterionKind::Regex),
            "jsonpath" => Some(CriterionKind::Jsonpath),
            "xpath" => Some(CriterionKind::Xpath),
            _ => None,
        }
    }
}

/// The Criterion Expression Type Object: a condition kind with a version.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct CriterionExpressionType {
    /// `jsonpath` or `xpath`.
    #[serde(rename = "type")]
    pub expression_type: CriterionKind,
    /// Such as `draft-goessner-dispatch-jsonpath-00` or `xpath-30`.
    pub version: String,
    /// Specification extensions and unknown fields.
    #[serde(flatten)]
    pub extensions: Extensions,
}

impl CriterionExpressionType {
    /// The field names the specification defines for this object.
    pub const FIELDS: &'static [&'static str] = &["type", "version"];
}

impl Serialize for CriterionType {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            CriterionType::Name(kind) => serializer.serialize_str(kind.as_str()),
            CriterionType::Expression(expression) => expression.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for CriterionType {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TypeVisitor;

        impl<'de> Visitor<'de> for TypeVisitor {
            type Value = CriterionType;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("one of `simple`, `regex`, `jsonpath`, `xpath`, or a criterion expression type object")
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<CriterionType, E> {
                CriterionKind::from_name(v)
                    .map(CriterionType::Name)
                    .ok_or_else(|| E::unknown_variant(v, CriterionKind::NAMES))
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<CriterionType, A::Error> {
                // Deserializing through the map access keeps the error path precise.
                CriterionExpressionType::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(CriterionType::Expression)
            }
        }

        deserializer.deserialize_any(TypeVisitor)
    }
}
