//! The Success Action Object and the Failure Action Object.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::{reusable_from, Criterion, Extensions, Parameter, ReusableOr};

/// The Success Action Object: what to do after a step succeeds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SuccessAction {
    /// The name, used to override workflow-level actions.
    pub name: String,
    /// End the workflow or go somewhere else.
    #[serde(rename = "type")]
    pub action_type: SuccessActionType,
    /// The workflow to go to (`goto`): local or `$sourceDescriptions.<name>.<id>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workflow_id: Option<String>,
    /// The step of the current workflow to go to (`goto`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step_id: Option<String>,
    /// The inputs of the workflow of `workflowId`, by name (Arazzo 1.1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameters: Option<Vec<ReusableOr<Parameter>>>,
    /// Conditions that must all hold for this action to apply; absent means always.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub criteria: Option<Vec<Criterion>>,
    /// Specification extensions and unknown fields.
    #[serde(flatten)]
    pub extensions: Extensions,
}

impl SuccessAction {
    /// The field names the specification defines for this object.
    pub const FIELDS: &'static [&'static str] = &[
        "name",
        "type",
        "workflowId",
        "stepId",
        "parameters",
        "criteria",
    ];
}

/// The `type` of a success action.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum SuccessActionType {
    /// End the workflow and return its outputs.
    End,
    /// Go to a step or another workflow.
    Goto,
}

/// The Failure Action Object: what to do after a step fails.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct FailureAction {
    /// The name, used to override workflow-level actions.
    pub name: String,
    /// End the workflow, go somewhere else, or retry the step.
    #[serde(rename = "type")]
    pub action_type: FailureActionType,
    /// The workflow to go to (`goto`) or to run before retrying (`retry`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workflow_id: Option<String>,
    /// The step to go to (`goto`) or to run before retrying (`retry`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step_id: Option<String>,
    /// The inputs of the workflow of `workflowId`, by name (Arazzo 1.1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameters: Option<Vec<ReusableOr<Parameter>>>,
    /// Seconds to wait before retrying; decimals allowed.
    #[serde(
        default,
        serialize_with = "serialize_seconds",
        skip_serializing_if = "Option::is_none"
    )]
    pub retry_after: Option<f64>,
    /// How many times to retry; absent means once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_limit: Option<u64>,
    /// Conditions that must all hold for this action to apply; absent means always.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub criteria: Option<Vec<Criterion>>,
    /// Specification extensions and unknown fields.
    #[serde(flatten)]
    pub extensions: Extensions,
}

impl FailureAction {
    /// The field names the specification defines for this object.
    pub const FIELDS: &'static [&'static str] = &[
        "name",
        "type",
        "workflowId",
        "stepId",
        "parameters",
        "retryAfter",
        "retryLimit",
        "criteria",
    ];
}

/// The `type` of a failure action.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum FailureActionType {
    /// End the workflow as failed.
    End,
    /// Go to a step or another workflow.
    Goto,
    /// Retry the step, after an optional step or workflow.
    Retry,
}

/// Writes whole seconds as an integer, so that `retryAfter: 3` reads back as written.
fn serialize_seconds<S: Serializer>(
    seconds: &Option<f64>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match *seconds {
        Some(s) if s.fract() == 0.0 && (0.0..=9.0e15).contains(&s) => {
            serializer.serialize_u64(s as u64)
        }
        Some(s) => serializer.serialize_f64(s),
        None => serializer.serialize_none(),
    }
}

/// Every field a success action list entry may have; see [`ReusableOr`].
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawSuccessAction {
    #[serde(default, skip_serializing)]
    reference: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    action_type: Option<SuccessActionType>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    workflow_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    step_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    parameters: Option<Vec<ReusableOr<Parameter>>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    criteria: Option<Vec<Criterion>>,
    #[serde(flatten)]
    extensions: Extensions,
}

impl<'de> Deserialize<'de> for ReusableOr<SuccessAction> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error;

        let raw = RawSuccessAction::deserialize(deserializer)?;
        if let Some(reference) = raw.reference.clone() {
            let rest = serde_json::to_value(&raw).map_err(D::Error::custom)?;
            return Ok(ReusableOr::Reusable(reusable_from(reference, rest)));
        }
        let name = raw
            .name
            .ok_or_else(|| missing_action_field::<D::Error>("name"))?;
        let action_type = raw
            .action_type
            .ok_or_else(|| missing_action_field::<D::Error>("type"))?;
        Ok(ReusableOr::Item(SuccessAction {
            name,
            action_type,
            workflow_id: raw.workflow_id,
            step_id: raw.step_id,
            parameters: raw.parameters,
            criteria: raw.criteria,
            extensions: raw.extensions,
        }))
    }
}

/// Every field a failure action list entry may have; see [`ReusableOr`].
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawFailureAction {
    #[serde(default, skip_serializing)]
    reference: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    action_type: Option<FailureActionType>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    workflow_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    step_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    parameters: Option<Vec<ReusableOr<Parameter>>>,
    #[serde(
        default,
        serialize_with = "serialize_seconds",
        skip_serializing_if = "Option::is_none"
    )]
    retry_after: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    retry_limit: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    criteria: Option<Vec<Criterion>>,
    #[serde(flatten)]
    extensions: Extensions,
}

impl<'de> Deserialize<'de> for ReusableOr<FailureAction> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error;

        let raw = RawFailureAction::deserialize(deserializer)?;
        if let Some(reference) = raw.reference.clone() {
            let rest = serde_json::to_value(&raw).map_err(D::Error::custom)?;
            return Ok(ReusableOr::Reusable(reusable_from(reference, rest)));
        }
        let name = raw
            .name
            .ok_or_else(|| missing_action_field::<D::Error>("name"))?;
        let action_type = raw
            .action_type
            .ok_or_else(|| missing_action_field::<D::Error>("type"))?;
        Ok(ReusableOr::Item(FailureAction {
            name,
            action_type,
            workflow_id: raw.workflow_id,
            step_id: raw.step_id,
            parameters: raw.parameters,
            retry_after: raw.retry_after,
            retry_limit: raw.retry_limit,
            criteria: raw.criteria,
            extensions: raw.extensions,
        }))
    }
}

/// The error for an action list entry that is neither a complete action nor a reference.
fn missing_action_field<E: serde::de::Error>(field: &str) -> E {
    E::custom(format_args!(
        "missing field `{field}` (an action needs `name` and `type`, or a `reference` to a component)"
    ))
}
