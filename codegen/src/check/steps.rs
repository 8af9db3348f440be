//! Rules about the fields Arazzo 1.1 added to the Step Object: the target (`channelPath`
//! joins `operationId`, `operationPath` and `workflowId`), the AsyncAPI-only fields on
//! other steps, `timeout`, and step `dependsOn`.

use super::{targets, workflow_pointer, Checker};
use crate::diag::did_you_mean;
use crate::ir;
use crate::model::{self, SpecVersion};
use crate::rules::Rule;
use crate::source::Pointer;

/// `operationId: a` with `workflowId: b`, or none of them: a step needs exactly one
/// target.
pub(super) fn check_target(ck: &Checker, step: &model::Step, at: &Pointer) -> bool {
    let targets = [
        step.operation_id.is_some(),
        step.operation_path.is_some(),
        step.workflow_id.is_some(),
        step.channel_path.is_some(),
    ]
    .iter()
    .filter(|t| **t)
    .count();
    if targets != 1 {
        let fields = if ck.version >= SpecVersion::V1_1 {
            "`operationId`, `operationPath`, `channelPath` and `workflowId`"
        } else {
            "`operationId`, `operationPath` and `workflowId`"
        };
        ck.error(
            Rule::InvalidStep,
            &at.key("stepId"),
            format!("step `{}` must have exactly one of {fields}", step.step_id),
        );
        return false;
    }
    true
}

/// `action: send` or `correlationId` on a step that calls an HTTP operation or a workflow:
/// the specification makes both "only applicable" to AsyncAPI steps, so they are ignored.
pub(super) fn check_async_fields(ck: &Checker, step: &model::Step, at: &Pointer) {
    if let Some(action) = step.action {
        let action = match action {
            model::StepAction::Send => "send",
            model::StepAction::Receive => "receive",
        };
        ck.warning(Rule::IgnoredField,
            &at.key("action"),
            format!(
                "`action: {action}` only applies to steps on AsyncAPI operations; it is ignored on step `{}`",
                step.step_id
            ),
        );
    }
    if step.correlation_id.is_some() {
        ck.warning(Rule::IgnoredField,
            &at.key("correlationId"),
            format!(
                "`correlationId` only applies to AsyncAPI steps that receive; it is ignored on step `{}`",
                step.step_id
            ),
        );
    }
}

/// `timeout: 0`: no request completes in no time. Returns the step's timeout.
pub(super) fn timeout(ck: &Checker, step: &model::Step, at: &Pointer) -> Option<u64> {
    let ms = step.timeout?;
    if ms == 0 {
        ck.error(
            Rule::InvalidStep,
            &at.key("timeout"),
            format!(
                "step `{}` has a timeout of 0 ms, which fails it before any response",
                step.step_id
            ),
        )
        .help("the timeout is in milliseconds; omit it for no limit");
        return None;
    }
    Some(ms)
}

/// Step `dependsOn` (1.1): every entry names a step (`checkStock`, in this workflow; or
/// `$workflows.<id>.steps.<stepId>`; or `$sourceDescriptions.<name>.<id>.steps.<stepId>`),
/// none twice, not the step itself. Steps run in order here, so a step of this workflow
/// must come before the one that depends on it, and every run that reaches the dependent
/// step must have passed through it (`steps`: the lowered steps, when all of them are).
pub(super) fn check_depends_on(
    ck: &Checker,
    wf_index: usize,
    wf: &model::Workflow,
    steps: Option<&[ir::Step]>,
) {
    for (index, step) in wf.steps.iter().enumerate() {
        let Some(list) = &step.depends_on else {
            continue;
        };
        let at = workflow_pointer(wf_index)
            .key("steps")
            .index(index)
            .key("dependsOn");
        if list.is_empty() {
            ck.error(
                Rule::InvalidDependency,
                &at,
                format!(
                    "step `{}` has an empty `dependsOn`; remove it or name a step",
                    step.step_id
                ),
            );
            continue;
        }
        let mut seen = std::collections::HashSet::new();
        for (entry_index, entry) in list.iter().enumerate() {
            let entry_at = at.index(entry_index);
            if !seen.insert(entry.as_str()) {
                ck.error(
                    Rule::DuplicateName,
                    &entry_at,
                    format!(
                        "`{entry}` is listed twice in the `dependsOn` of step `{}`",
                        step.step_id
                    ),
                );
                continue;
            }
            if entry.starts_with('$') {
                check_other_workflow_step(ck, entry, &entry_at);
                continue;
            }
            let Some(target) = wf.steps.iter().position(|s| s.step_id == *entry) else {
                let mut error = ck.error(
                    Rule::UnknownStep,
                    &entry_at,
                    format!("unknown step `{entry}` in workflow `{}`", wf.workflow_id),
                );
                if let Some(hint) = did_you_mean(entry, wf.steps.iter().map(|s| s.step_id.as_str()))
                {
                    error = error.help(format!("did you mean `{hint}`?"));
                }
                let _ = error;
                continue;
            };
            if target == index {
                ck.error(
                    Rule::InvalidDependency,
                    &entry_at,
                    format!("step `{entry}` depends on itself"),
                );
            } else if target > index {
                ck.error(Rule::InvalidDependency,
                    &entry_at,
                    format!(
                        "step `{}` depends on `{entry}`, which comes after it; steps run in order, so move `{entry}` before `{}`",
                        step.step_id, step.step_id
                    ),
                );
            } else if let Some(steps) = steps {
                if reachable_without(steps, index, target) {
                    ck.error(Rule::InvalidDependency,
                        &entry_at,
                        format!(
                            "step `{}` depends on `{entry}`, but a run can reach it without `{entry}` completing (through a `goto`)",
                            step.step_id
                        ),
                    );
                }
            }
        }
    }
}

/// `$workflows.<id>.steps.<stepId>` or `$sourceDescriptions.<name>.<id>.steps.<stepId>`:
/// the workflow and its step must exist.
fn check_other_workflow_step(ck: &Checker, entry: &str, at: &Pointer) {
    let (workflow, step) = match entry.rsplit_once(".steps.") {
        Some((workflow, step)) if !step.is_empty() => (workflow, step),
        _ => {
            ck.error(Rule::InvalidDependency,
                at,
                format!("`{entry}` names no step; write a step id, `$workflows.<workflowId>.steps.<stepId>` or `$sourceDescriptions.<name>.<workflowId>.steps.<stepId>`"),
            );
            return;
        }
    };
    if let Some(id) = workflow.strip_prefix("$workflows.") {
        let Some(wf) = ck.doc.workflows.iter().find(|w| w.workflow_id == id) else {
            let mut error = ck.error(
                Rule::UnknownWorkflow,
                at,
                format!("unknown workflow `{id}` in `{entry}`"),
            );
            if let Some(hint) =
                did_you_mean(id, ck.doc.workflows.iter().map(|w| w.workflow_id.as_str()))
            {
                error = error.help(format!("did you mean `{hint}`?"));
            }
            let _ = error;
            return;
        };
        if !wf.steps.iter().any(|s| s.step_id == step) {
            let mut error = ck.error(
                Rule::UnknownStep,
                at,
                format!("workflow `{id}` has no step `{step}`"),
            );
            if let Some(hint) = did_you_mean(step, wf.steps.iter().map(|s| s.step_id.as_str())) {
                error = error.help(format!("did you mean `{hint}`?"));
            }
            let _ = error;
        }
    } else if workflow.starts_with("$sourceDescriptions.") {
        // The workflow is checked like any reference to another document's workflow; its
        // steps are not known from here.
        targets::resolve(ck, workflow, at, "`dependsOn`");
    } else {
        ck.error(Rule::InvalidDependency,
            at,
            format!("`{entry}` is not a step reference; write a step id, `$workflows.<workflowId>.steps.<stepId>` or `$sourceDescriptions.<name>.<workflowId>.steps.<stepId>`"),
        );
    }
}

/// Whether the workflow can reach step `goal` from its first step without running step
/// `avoid` (following success and failure transitions).
fn reachable_without(steps: &[ir::Step], goal: usize, avoid: usize) -> bool {
    let mut seen = vec![false; steps.len()];
    let mut stack = vec![0];
    while let Some(index) = stack.pop() {
        if index == avoid || index >= steps.len() || std::mem::replace(&mut seen[index], true) {
            continue;
        }
        if index == goal {
            return true;
        }
        let next = super::workflow::successors(steps, index);
        stack.extend(next.after_success.into_iter().chain(next.after_failure));
    }
    false
}
