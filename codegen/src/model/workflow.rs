//! The Workflow Object.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Extensions, FailureAction, OutputValue, Parameter, ReusableOr, Step, SuccessAction};

/// The Workflow Object: a sequence of steps with inputs and outputs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Workflow {
    /// The id, unique within the document; becomes the generated function's name.
    pub workflow_id: String,
    /// A short summary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// A description (CommonMark).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// A JSON Schema for the inputs, possibly a `$ref` into `components.inputs`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inputs: Option<Value>,
    /// Workflows that must complete first: local ids or `$sourceDescriptions.<name>.<id>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub depends_on: Option<Vec<String>>,
    /// The steps, in order.
    pub steps: Vec<Step>,
    /// Success actions that apply to every step.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub success_actions: Option<Vec<ReusableOr<SuccessAction>>>,
    /// Failure actions that apply to every step.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure_actions: Option<Vec<ReusableOr<FailureAction>>>,
    /// Outputs by name: runtime expressions or Selector Objects, in document order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outputs: Option<IndexMap<String, OutputValue>>,
    /// Parameters that apply to every step.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameters: Option<Vec<ReusableOr<Parameter>>>,
    /// Specification extensions and unknown fields.
    #[serde(flatten)]
    pub extensions: Extensions,
}

impl Workflow {
    /// The field names the specification defines for this object.
    pub const FIELDS: &'static [&'static str] = &[
        "workflowId",
        "summary",
        "description",
        "inputs",
        "dependsOn",
        "steps",
        "successActions",
        "failureActions",
        "outputs",
        "parameters",
    ];
}
