//! Rules about the document as a whole: version, unique names, unknown fields.

use std::collections::HashMap;

use super::{workflow_pointer, Checker};
use crate::model::{self, Extensions};
use crate::source::Pointer;

/// `arazzo: 1.1.0`: only 1.0.x documents are supported; the patch version is ignored.
pub(super) fn check_version(ck: &Checker) {
    let version = ck.doc.arazzo.trim();
    let mut parts = version.splitn(3, '.');
    let (major, minor) = (parts.next(), parts.next());
    if major != Some("1") || minor != Some("0") {
        ck.error(
            &Pointer::root().key("arazzo"),
            format!("unsupported Arazzo version `{version}`; this generator supports 1.0.x"),
        );
    }
}

/// Two source descriptions named `petstore`.
pub(super) fn check_unique_source_names(ck: &Checker) {
    let mut seen = HashMap::new();
    for (index, source) in ck.doc.source_descriptions.iter().enumerate() {
        let pointer = Pointer::root()
            .key("sourceDescriptions")
            .index(index)
            .key("name");
        if let Some(first) = seen.insert(source.name.as_str(), index) {
            ck.error(
                &pointer,
                format!("duplicate source description name `{}`", source.name),
            )
            .note(format!("first used by sourceDescriptions[{first}]"));
        }
    }
}

/// Two workflows with the `workflowId` `invite`.
pub(super) fn check_unique_workflow_ids(ck: &Checker) {
    let mut seen = HashMap::new();
    for (index, wf) in ck.doc.workflows.iter().enumerate() {
        if let Some(first) = seen.insert(wf.workflow_id.as_str(), index) {
            ck.error(
                &workflow_pointer(index).key("workflowId"),
                format!("duplicate workflowId `{}`", wf.workflow_id),
            )
            .note(format!("first used by workflows[{first}]"));
        }
    }
}

/// Two steps of one workflow with the `stepId` `poll`.
pub(super) fn check_unique_step_ids(ck: &Checker, wf_index: usize, wf: &model::Workflow) {
    let mut seen = HashMap::new();
    for (index, step) in wf.steps.iter().enumerate() {
        if let Some(first) = seen.insert(step.step_id.as_str(), index) {
            ck.error(
                &workflow_pointer(wf_index)
                    .key("steps")
                    .index(index)
                    .key("stepId"),
                format!(
                    "duplicate stepId `{}` in workflow `{}`",
                    step.step_id, wf.workflow_id
                ),
            )
            .note(format!("first used by steps[{first}]"));
        }
    }
}

/// `operationID: getPet` (a misspelt field) is ignored by serde; say so.
pub(super) fn check_unknown_fields(ck: &Checker) {
    let root = Pointer::root();
    unknown(
        ck,
        &root,
        &ck.doc.extensions,
        &[
            "arazzo",
            "info",
            "sourceDescriptions",
            "workflows",
            "components",
        ],
    );
    unknown(
        ck,
        &root.key("info"),
        &ck.doc.info.extensions,
        &["title", "summary", "description", "version"],
    );
    for (index, source) in ck.doc.source_descriptions.iter().enumerate() {
        unknown(
            ck,
            &root.key("sourceDescriptions").index(index),
            &source.extensions,
            &["name", "url", "type"],
        );
    }
    for (wf_index, wf) in ck.doc.workflows.iter().enumerate() {
        let wp = workflow_pointer(wf_index);
        unknown(
            ck,
            &wp,
            &wf.extensions,
            &[
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
            ],
        );
        for (index, step) in wf.steps.iter().enumerate() {
            unknown(
                ck,
                &wp.key("steps").index(index),
                &step.extensions,
                &[
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
                ],
            );
        }
    }
}

fn unknown(ck: &Checker, at: &Pointer, extensions: &Extensions, known: &[&str]) {
    for key in model::unknown_fields(extensions) {
        let mut warning = ck.cx.warning(
            &ck.file.key_span(&at.key(key)),
            format!("unknown field `{key}`; it is ignored"),
        );
        if let Some(hint) = crate::diag::did_you_mean(key, known.iter().copied()) {
            warning = warning.help(format!("did you mean `{hint}`?"));
        } else {
            warning = warning.help("extensions start with `x-`");
        }
        let _ = warning;
    }
}
