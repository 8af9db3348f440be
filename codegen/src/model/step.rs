//! The Step Object, the Parameter Object and the Request Body Object.

use indexmap::IndexMap;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use super::{
    present, reusable_from, Criterion, Extensions, FailureAction, OutputValue, ReusableOr,
    SuccessAction, TypeField,
};

/// The Step Object: one call of an operation or of another workflow.
///
/// Exactly one of `operation_id`, `operation_path` and `workflow_id` should be set; the
/// model accepts any combination and `check` reports the mistake.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Step {
    /// The id, unique within the workflow.
    pub step_id: String,
    /// A description (CommonMark).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The operation to call, by `operationId` (possibly `$sourceDescriptions.<name>.<id>`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation_id: Option<String>,
    /// The operation to call, as `{$sourceDescriptions.<name>.url}#/paths/...`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation_path: Option<String>,
    /// The workflow to call: local, or `$sourceDescriptions.<name>.<workflowId>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workflow_id: Option<String>,
    /// Parameters passed to the operation or, for a workflow step, the workflow's inputs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameters: Option<Vec<ReusableOr<Parameter>>>,
    /// The request body of an operation step.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_body: Option<RequestBody>,
    /// Conditions that must all hold for the step to succeed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub success_criteria: Option<Vec<Criterion>>,
    /// What to do on success; the first action whose criteria hold wins.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_success: Option<Vec<ReusableOr<SuccessAction>>>,
    /// What to do on failure; the first action whose criteria hold wins.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_failure: Option<Vec<ReusableOr<FailureAction>>>,
    /// Outputs by name: runtime expressions or Selector Objects, in document order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outputs: Option<IndexMap<String, OutputValue>>,
    /// The channel of an AsyncAPI step, as `{$sourceDescriptions.<name>.url}#/channels/...`
    /// (Arazzo 1.1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel_path: Option<String>,
    /// Milliseconds the step may take before it fails (Arazzo 1.1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<u64>,
    /// The correlation id a `receive` step matches its message by (Arazzo 1.1, AsyncAPI).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correlation_id: Option<String>,
    /// `send` or `receive`, for AsyncAPI steps (Arazzo 1.1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<StepAction>,
    /// Steps that must complete before this one (Arazzo 1.1): a step id of this workflow,
    /// `$workflows.<id>.steps.<stepId>` or `$sourceDescriptions.<name>.<id>.steps.<stepId>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub depends_on: Option<Vec<String>>,
    /// Specification extensions and unknown fields.
    #[serde(flatten)]
    pub extensions: Extensions,
}

/// What an AsyncAPI step does with its channel.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum StepAction {
    /// Publish a message.
    Send,
    /// Wait for a message.
    Receive,
}

impl Step {
    /// The fields Arazzo 1.1 added to this object.
    pub const FIELDS_1_1: &'static [&'static str] = &[
        "channelPath",
        "timeout",
        "correlationId",
        "action",
        "dependsOn",
    ];

    /// The field names the specification defines for this object.
    pub const FIELDS: &'static [&'static str] = &[
        "stepId",
        "description",
        "operationId",
        "operationPath",
        "workflowId",
        "parameters",
        "requestBody",
        "successCriteria",
        "onSuccess",
        "onFailure",
        "outputs",
        "channelPath",
        "timeout",
        "correlationId",
        "action",
        "dependsOn",
    ];
}

/// The Parameter Object: a value passed to an operation or a workflow.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct Parameter {
    /// The name; with `location`, the parameter's identity.
    pub name: String,
    /// Where the parameter goes; absent for the inputs of a workflow step.
    #[serde(default, rename = "in", skip_serializing_if = "Option::is_none")]
    pub location: Option<ParameterIn>,
    /// A constant, a runtime expression, or a string with embedded `{$…}` expressions.
    pub value: Value,
    /// Specification extensions and unknown fields.
    #[serde(flatten)]
    pub extensions: Extensions,
}

impl Parameter {
    /// The field names the specification defines for this object.
    pub const FIELDS: &'static [&'static str] = &["name", "in", "value"];
}

/// Where a parameter goes (`in`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum ParameterIn {
    /// Substituted into the path template.
    Path,
    /// Appended to the query string.
    Query,
    /// A request header (names are case-insensitive).
    Header,
    /// A cookie.
    Cookie,
    /// The whole query string (Arazzo 1.1, OpenAPI 3.2's `in: querystring`).
    Querystring,
}

impl ParameterIn {
    /// The name as written in documents.
    pub fn as_str(self) -> &'static str {
        match self {
            ParameterIn::Path => "path",
            ParameterIn::Query => "query",
            ParameterIn::Header => "header",
            ParameterIn::Cookie => "cookie",
            ParameterIn::Querystring => "querystring",
        }
    }
}

/// Every field a parameter list entry may have, as either a [`Parameter`] or a
/// [`super::Reusable`]; the presence of `reference` decides which.
#[derive(Serialize, Deserialize)]
struct RawParameter {
    #[serde(default, skip_serializing)]
    reference: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(default, rename = "in", skip_serializing_if = "Option::is_none")]
    location: Option<ParameterIn>,
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    value: Option<Value>,
    #[serde(flatten)]
    extensions: Extensions,
}

impl<'de> Deserialize<'de> for ReusableOr<Parameter> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error;

        let raw = RawParameter::deserialize(deserializer)?;
        if let Some(reference) = raw.reference.clone() {
            let rest = serde_json::to_value(&raw).map_err(D::Error::custom)?;
            return Ok(ReusableOr::Reusable(reusable_from(reference, rest)));
        }
        let name = raw.name.ok_or_else(|| {
            D::Error::custom("missing field `name` (a parameter needs `name` and `value`, or a `reference` to a component)")
        })?;
        let value = raw.value.ok_or_else(|| {
            D::Error::custom(format!("missing field `value` in parameter `{name}`"))
        })?;
        Ok(ReusableOr::Item(Parameter {
            name,
            location: raw.location,
            value,
            extensions: raw.extensions,
        }))
    }
}

/// The Request Body Object: the body of an operation step's request.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RequestBody {
    /// The media type; when absent, taken from the operation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// The body: a literal, a runtime expression, or a structure or string containing them.
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub payload: Option<Value>,
    /// Changes applied to the payload, in order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replacements: Option<Vec<PayloadReplacement>>,
    /// Specification extensions and unknown fields.
    #[serde(flatten)]
    pub extensions: Extensions,
}

impl RequestBody {
    /// The field names the specification defines for this object.
    pub const FIELDS: &'static [&'static str] = &["contentType", "payload", "replacements"];
}

/// The Payload Replacement Object: one change to a request body.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct PayloadReplacement {
    /// A JSON Pointer, XPath expression or (Arazzo 1.1) JSONPath into the payload.
    pub target: String,
    /// How to read `target` (Arazzo 1.1); when absent, from the payload's media type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_selector_type: Option<TypeField>,
    /// The value to put there: a literal or a runtime expression.
    pub value: Value,
    /// Specification extensions and unknown fields.
    #[serde(flatten)]
    pub extensions: Extensions,
}

impl PayloadReplacement {
    /// The field names the specification defines for this object.
    pub const FIELDS: &'static [&'static str] = &["target", "targetSelectorType", "value"];
}
