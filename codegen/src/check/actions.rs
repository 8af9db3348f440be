//! Success and failure actions: references to components followed, targets checked.

use super::exprs::{Names, Phase};
use super::Checker;
use super::{criteria, targets};
use crate::diag::did_you_mean;
use crate::expr::{self, ComponentKind, Expr};
use crate::ir;
use crate::model::{self, FailureActionType, ReusableOr, SuccessActionType};
use crate::rules::Rule;
use crate::source::Pointer;

/// The common shape of success and failure actions.
struct ActionView<'a> {
    name: &'a str,
    kind: Kind,
    workflow_id: Option<&'a str>,
    step_id: Option<&'a str>,
    /// The inputs of the workflow of `workflow_id` (Arazzo 1.1).
    parameters: Option<&'a [ReusableOr<model::Parameter>]>,
    retry_after: Option<f64>,
    retry_limit: Option<u64>,
    criteria: Option<&'a Vec<model::Criterion>>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    End,
    Goto,
    Retry,
}

impl<'a> From<&'a model::SuccessAction> for ActionView<'a> {
    fn from(a: &'a model::SuccessAction) -> Self {
        ActionView {
            name: &a.name,
            kind: match a.action_type {
                SuccessActionType::End => Kind::End,
                SuccessActionType::Goto => Kind::Goto,
            },
            workflow_id: a.workflow_id.as_deref(),
            step_id: a.step_id.as_deref(),
            parameters: a.parameters.as_deref(),
            retry_after: None,
            retry_limit: None,
            criteria: a.criteria.as_ref(),
        }
    }
}

impl<'a> From<&'a model::FailureAction> for ActionView<'a> {
    fn from(a: &'a model::FailureAction) -> Self {
        ActionView {
            name: &a.name,
            kind: match a.action_type {
                FailureActionType::End => Kind::End,
                FailureActionType::Goto => Kind::Goto,
                FailureActionType::Retry => Kind::Retry,
            },
            workflow_id: a.workflow_id.as_deref(),
            step_id: a.step_id.as_deref(),
            parameters: a.parameters.as_deref(),
            retry_after: a.retry_after,
            retry_limit: a.retry_limit,
            criteria: a.criteria.as_ref(),
        }
    }
}

/// A list of success actions.
pub(super) fn success(
    ck: &Checker,
    names: &Names,
    phase: Phase,
    list: &[ReusableOr<model::SuccessAction>],
    at: &Pointer,
    statuses: Option<&[String]>,
) -> Vec<ir::Action> {
    let components = ck
        .doc
        .components
        .as_ref()
        .and_then(|c| c.success_actions.as_ref());
    lower_list(
        ck,
        names,
        phase,
        list,
        at,
        statuses,
        ComponentKind::SuccessActions,
        |name| {
            components
                .and_then(|c| c.get_full(name))
                .map(|(_, key, a)| (key.as_str(), ActionView::from(a)))
        },
        |name| {
            components
                .map(|c| c.keys().map(String::as_str).collect::<Vec<_>>())
                .and_then(|keys| did_you_mean(name, keys).map(str::to_owned))
        },
    )
}

/// A list of failure actions.
pub(super) fn failure(
    ck: &Checker,
    names: &Names,
    phase: Phase,
    list: &[ReusableOr<model::FailureAction>],
    at: &Pointer,
    statuses: Option<&[String]>,
) -> Vec<ir::Action> {
    let components = ck
        .doc
        .components
        .as_ref()
        .and_then(|c| c.failure_actions.as_ref());
    lower_list(
        ck,
        names,
        phase,
        list,
        at,
        statuses,
        ComponentKind::FailureActions,
        |name| {
            components
                .and_then(|c| c.get_full(name))
                .map(|(_, key, a)| (key.as_str(), ActionView::from(a)))
        },
        |name| {
            components
                .map(|c| c.keys().map(String::as_str).collect::<Vec<_>>())
                .and_then(|keys| did_you_mean(name, keys).map(str::to_owned))
        },
    )
}

#[allow(clippy::too_many_arguments)]
fn lower_list<'a, T: 'a>(
    ck: &Checker,
    names: &Names,
    phase: Phase,
    list: &'a [ReusableOr<T>],
    at: &Pointer,
    statuses: Option<&[String]>,
    component_kind: ComponentKind,
    find: impl Fn(&str) -> Option<(&'a str, ActionView<'a>)>,
    hint: impl Fn(&str) -> Option<String>,
) -> Vec<ir::Action>
where
    &'a T: Into<ActionView<'a>>,
{
    let mut out = Vec::new();
    let mut names_seen = std::collections::HashSet::new();
    for (index, entry) in list.iter().enumerate() {
        let entry_at = at.index(index);
        let (view, view_at) = match entry {
            ReusableOr::Item(item) => (item.into(), entry_at.clone()),
            ReusableOr::Reusable(reusable) => {
                let ref_at = entry_at.key("reference");
                let name = match expr::parse_expression(&reusable.reference) {
                    Ok(Expr::Component { kind, name }) if kind == component_kind => name,
                    Ok(_) => {
                        ck.error(
                            Rule::InvalidReference,
                            &ref_at,
                            format!(
                                "an action reference here must be `$components.{}.<name>`",
                                component_kind.as_str()
                            ),
                        );
                        continue;
                    }
                    Err(e) => {
                        ck.error_in(
                            Rule::InvalidReference,
                            &ref_at,
                            &reusable.reference,
                            e.offset,
                            e.len,
                            e.message,
                        );
                        continue;
                    }
                };
                let Some((key, view)) = find(&name) else {
                    let mut error = ck.error(
                        Rule::UnknownComponent,
                        &ref_at,
                        format!("unknown component `{}.{name}`", component_kind.as_str()),
                    );
                    if let Some(h) = hint(&name) {
                        error = error.help(format!("did you mean `{h}`?"));
                    }
                    let _ = error;
                    continue;
                };
                let component_at = Pointer::root()
                    .key("components")
                    .key(component_kind.as_str())
                    .key(key);
                (view, component_at)
            }
        };
        if view.criteria.is_some_and(Vec::is_empty)
            && component_kind == ComponentKind::SuccessActions
        {
            ck.warning(
                Rule::EmptyCriteria,
                &view_at.key("criteria"),
                "an empty `criteria` list: the action always applies",
            )
            .note("the schema asks for at least one criterion; leave `criteria` out instead");
        }
        if !names_seen.insert(view.name) {
            ck.warning(
                Rule::DuplicateName,
                &entry_at,
                format!("duplicate action `{}` in this list", view.name),
            )
            .note("actions are told apart by name; only the first that applies runs");
        }
        if let Some(action) = lower_one(ck, names, phase, &view, &view_at, statuses) {
            out.push(action);
        }
    }
    out
}

fn lower_one(
    ck: &Checker,
    names: &Names,
    phase: Phase,
    view: &ActionView,
    at: &Pointer,
    statuses: Option<&[String]>,
) -> Option<ir::Action> {
    let criteria = criteria::lower_all(
        ck,
        names,
        phase,
        view.criteria,
        &at.key("criteria"),
        statuses.map(|declared| criteria::Statuses {
            declared,
            success: false,
        }),
    )?;
    let target_step = |step_id: &str| -> Option<usize> {
        let index = names.steps.get_index_of(step_id);
        if index.is_none() {
            let mut error = ck.error(
                Rule::UnknownStep,
                &at.key("stepId"),
                format!(
                    "unknown step `{step_id}` in workflow `{}`",
                    names.workflow_id
                ),
            );
            if let Some(hint) = did_you_mean(step_id, names.steps.keys().map(String::as_str)) {
                error = error.help(format!("did you mean `{hint}`?"));
            }
            let _ = error;
        }
        index
    };
    let kind = match view.kind {
        Kind::End => ir::ActionKind::End,
        Kind::Goto => match (view.step_id, view.workflow_id) {
            (Some(step_id), None) => ir::ActionKind::GotoStep(target_step(step_id)?),
            (None, Some(written)) => {
                let run = target_workflow(ck, names, phase, view, written, at, "`goto`")?;
                ir::ActionKind::GotoWorkflow(run)
            }
            _ => {
                ck.error(
                    Rule::InvalidAction,
                    at,
                    format!(
                        "`goto` action `{}` needs exactly one of `stepId` and `workflowId`",
                        view.name
                    ),
                );
                return None;
            }
        },
        Kind::Retry => {
            let first = match (view.step_id, view.workflow_id) {
                (None, None) => None,
                (Some(step_id), None) => Some(ir::RetryFirst::Step(target_step(step_id)?)),
                (None, Some(written)) => Some(ir::RetryFirst::Workflow(target_workflow(
                    ck, names, phase, view, written, at, "`retry`",
                )?)),
                (Some(_), Some(_)) => {
                    ck.error(Rule::InvalidAction,
                        at,
                        format!(
                            "`retry` action `{}` can name a `stepId` or a `workflowId` to run first, not both",
                            view.name
                        ),
                    );
                    return None;
                }
            };
            let after = match view.retry_after {
                Some(after) if !after.is_finite() || after < 0.0 => {
                    ck.error(
                        Rule::InvalidAction,
                        &at.key("retryAfter"),
                        "`retryAfter` must be a non-negative number of seconds",
                    );
                    return None;
                }
                other => other,
            };
            let limit = match view.retry_limit {
                // The spec: "If not specified then a single retry SHALL be attempted."
                None => 1,
                Some(limit) => match u32::try_from(limit) {
                    Ok(limit) => limit,
                    Err(_) => {
                        ck.error(
                            Rule::InvalidAction,
                            &at.key("retryLimit"),
                            format!("`retryLimit` {limit} is too large"),
                        );
                        return None;
                    }
                },
            };
            ir::ActionKind::Retry {
                after,
                limit,
                first,
            }
        }
    };
    if view.kind == Kind::End && (view.step_id.is_some() || view.workflow_id.is_some()) {
        ck.warning(
            Rule::IgnoredField,
            at,
            "`stepId` and `workflowId` are ignored on an `end` action",
        );
    }
    if view.parameters.is_some() && view.workflow_id.is_none() {
        ck.warning(
            Rule::IgnoredField,
            &at.key("parameters"),
            format!(
                "`parameters` are ignored: action `{}` runs no workflow",
                view.name
            ),
        )
        .note("an action's parameters are the inputs of the workflow of its `workflowId`");
    }
    if view.kind != Kind::Retry && (view.retry_after.is_some() || view.retry_limit.is_some()) {
        ck.warning(
            Rule::IgnoredField,
            at,
            "`retryAfter` and `retryLimit` only apply to `retry` actions",
        );
    }
    Some(ir::Action {
        name: view.name.to_owned(),
        criteria,
        kind,
    })
}

/// The workflow a `goto` or `retry` action runs: with the inputs of its `parameters`
/// (Arazzo 1.1), computed after the step; without them, with this workflow's inputs, by
/// name.
fn target_workflow(
    ck: &Checker,
    names: &Names,
    phase: Phase,
    view: &ActionView,
    written: &str,
    at: &Pointer,
    kind: &str,
) -> Option<ir::ActionRun> {
    let target = targets::resolve(ck, written, &at.key("workflowId"), "")?;
    let inputs = match view.parameters {
        Some(list) => {
            let (inputs, given) =
                targets::parameter_inputs(ck, names, phase, target, list, &at.key("parameters"));
            targets::check_required_inputs(ck, target, &given, at, "the action's");
            Some(inputs)
        }
        None => {
            let what = format!("{kind} action `{}`", view.name);
            targets::check_inputs_by_name(ck, &names.inputs, target, &at.key("workflowId"), &what);
            None
        }
    };
    Some(ir::ActionRun {
        call: target.call.clone(),
        inputs,
    })
}
