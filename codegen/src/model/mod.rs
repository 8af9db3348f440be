//! Serde types for the Arazzo 1.0.x and 1.1.x document.
//!
//! The types mirror the specification object by object and check only shape: required
//! fields, value types and enumerations. Everything semantic (unique ids, references,
//! expressions) is left to `check`, which reports all problems instead of the first.
//!
//! Every object keeps its `x-` extensions *and* any unknown fields in one flattened
//! `extensions` map, so that `check` can report unknown fields with a position. Maps are
//! [`IndexMap`]s so that document order is kept (the order of `outputs` becomes the order
//! of struct fields in generated code).

// The accessors mirror the spec objects; some are used only by tests so far.
#![allow(dead_code)]

mod action;
mod components;
mod criteria;
mod document;
mod selector;
mod step;
mod workflow;

use indexmap::IndexMap;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

// Some of these are only used by `check` and `emit`.
#[allow(unused_imports)]
pub(crate) use action::{FailureAction, FailureActionType, SuccessAction, SuccessActionType};
pub(crate) use components::Components;
#[allow(unused_imports)]
pub(crate) use criteria::{Criterion, ExpressionType, TypeField, TypeName};
#[allow(unused_imports)]
pub(crate) use document::{Document, Info, SourceDescription, SourceType, SpecVersion};
pub(crate) use selector::{OutputValue, Selector};
#[allow(unused_imports)]
pub(crate) use step::{Parameter, ParameterIn, PayloadReplacement, RequestBody, Step, StepAction};
pub(crate) use workflow::Workflow;

/// The extensions and unknown fields of an object, in document order.
pub(crate) type Extensions = IndexMap<String, Value>;

/// The prefix of specification extension fields.
pub(crate) const EXTENSION_PREFIX: &str = "x-";

/// The keys in `extensions` that are not specification extensions: unknown fields.
pub(crate) fn unknown_fields(extensions: &Extensions) -> impl Iterator<Item = &str> {
    extensions
        .keys()
        .map(String::as_str)
        .filter(|key| !key.starts_with(EXTENSION_PREFIX))
}

/// A Reusable Object: a reference to a component, with an optional value override.
///
/// Only parameters use `value`. The specification says a Reusable Object cannot be
/// extended and added fields must be ignored; they are kept in `extensions` so that
/// `check` can warn about them.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub(crate) struct Reusable {
    /// A runtime expression such as `$components.parameters.page`.
    pub reference: String,
    /// Overrides the referenced parameter's `value`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<Value>,
    /// Fields other than `reference` and `value`, which the specification ignores.
    #[serde(flatten)]
    pub extensions: Extensions,
}

impl Reusable {
    /// The field names the specification defines for this object.
    pub const FIELDS: &'static [&'static str] = &["reference", "value"];
}

/// An entry of a parameter or action list: either the object itself or a [`Reusable`]
/// reference to one in `components`, told apart by the presence of a `reference` key.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub(crate) enum ReusableOr<T> {
    /// A reference to a component.
    Reusable(Reusable),
    /// The object, written in place.
    Item(T),
}

impl<T> ReusableOr<T> {
    /// The object written in place, if this is not a reference.
    pub fn as_item(&self) -> Option<&T> {
        match self {
            ReusableOr::Item(item) => Some(item),
            ReusableOr::Reusable(_) => None,
        }
    }

    /// The reference, if this is one.
    pub fn as_reusable(&self) -> Option<&Reusable> {
        match self {
            ReusableOr::Reusable(reusable) => Some(reusable),
            ReusableOr::Item(_) => None,
        }
    }
}

/// Builds a [`Reusable`] from the fields of a list entry that has a `reference` key.
///
/// `rest` holds every other field the entry had, as JSON.
fn reusable_from(reference: String, rest: Value) -> Reusable {
    let mut extensions = match rest {
        Value::Object(map) => map.into_iter().collect::<Extensions>(),
        _ => Extensions::new(),
    };
    let value = extensions.shift_remove("value");
    Reusable {
        reference,
        value,
        extensions,
    }
}

/// Deserializes a field that, when present, is `Some` even if it is `null`.
///
/// Use with `#[serde(default)]`, so that an absent field is `None`.
fn present<'de, D>(deserializer: D) -> Result<Option<Value>, D::Error>
where
    D: Deserializer<'de>,
{
    Value::deserialize(deserializer).map(Some)
}

/// Deserializes a version string that YAML may have read as a number (`version: 1.0`).
fn string_or_number<'de, D>(deserializer: D) -> Result<String, D::Error>
where
    D: Deserializer<'de>,
{
    struct Visitor;

    impl serde::de::Visitor<'_> for Visitor {
        type Value = String;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a string")
        }

        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<String, E> {
            Ok(v.to_owned())
        }

        fn visit_string<E: serde::de::Error>(self, v: String) -> Result<String, E> {
            Ok(v)
        }

        fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<String, E> {
            Ok(v.to_string())
        }

        fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<String, E> {
            Ok(v.to_string())
        }

        fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<String, E> {
            // `serde_json` writes `1.0` as `1.0`, where `f64`'s `Display` writes `1`.
            Ok(serde_json::Number::from_f64(v)
                .map(|n| n.to_string())
                .unwrap_or_else(|| v.to_string()))
        }
    }

    deserializer.deserialize_any(Visitor)
}

#[cfg(test)]
mod tests;
