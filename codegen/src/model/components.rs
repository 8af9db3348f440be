//! The Components Object.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Extensions, FailureAction, Parameter, SuccessAction};

/// The Components Object: reusable objects, referenced from the same document only.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Components {
    /// JSON Schemas for workflow inputs, referenced with `$ref: '#/components/inputs/<name>'`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inputs: Option<IndexMap<String, Value>>,
    /// Parameters, referenced as `$components.parameters.<name>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameters: Option<IndexMap<String, Parameter>>,
    /// Success actions, referenced as `$components.successActions.<name>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub success_actions: Option<IndexMap<String, SuccessAction>>,
    /// Failure actions, referenced as `$components.failureActions.<name>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure_actions: Option<IndexMap<String, FailureAction>>,
    /// Specification extensions and unknown fields.
    #[serde(flatten)]
    pub extensions: Extensions,
}

impl Components {
    /// The field names the specification defines for this object.
    pub const FIELDS: &'static [&'static str] =
        &["inputs", "parameters", "successActions", "failureActions"];
}
