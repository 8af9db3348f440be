//! Workflows that can be run from a workflow: those of this document, named by their
//! `workflowId`, and those of the Arazzo documents of `type: arazzo` source descriptions,
//! named `$sourceDescriptions.<name>.<workflowId>`.

use indexmap::IndexMap;

use super::exprs::{self, Names, Phase};
use super::{params, Checker};
use crate::diag::did_you_mean;
use crate::expr;
use crate::ir;
use crate::model;
use crate::rules::Rule;
use crate::source::Pointer;

/// A workflow a step, a `dependsOn` entry or an action can run.
#[derive(Debug, Clone)]
pub(crate) struct CallTarget {
    pub call: ir::WorkflowCall,
    /// The fields of its inputs struct.
    pub inputs: Vec<ir::Field>,
    /// Its inputs schema says `additionalProperties: false`.
    pub inputs_closed: bool,
    /// Output name → Rust field name.
    pub outputs: IndexMap<String, String>,
    /// Output field → type, for workflows already lowered (those of other documents).
    pub output_types: IndexMap<String, ir::Type>,
    /// Its index in this document, for a local workflow.
    pub local: Option<usize>,
}

/// The workflows of another Arazzo document.
#[derive(Debug)]
pub(crate) enum External {
    /// Generated as the nested module `module`.
    Loaded { targets: Vec<CallTarget> },
    /// The document did not load (the reason has been reported).
    Failed,
}

impl CallTarget {
    /// A target for a lowered workflow of another document, generated in `module`.
    pub fn external(module: &str, wf: &ir::Workflow) -> Self {
        CallTarget {
            call: ir::WorkflowCall {
                id: wf.id.clone(),
                module: Some(module.to_owned()),
                fn_name: wf.fn_name.clone(),
            },
            inputs: wf
                .input_types
                .first()
                .map(|root| root.fields.clone())
                .unwrap_or_default(),
            inputs_closed: wf.input_types.first().is_some_and(|root| root.closed),
            outputs: wf
                .outputs
                .iter()
                .map(|o| (o.name.clone(), o.ident.clone()))
                .collect(),
            output_types: wf
                .outputs
                .iter()
                .map(|o| (o.ident.clone(), o.ty.clone()))
                .collect(),
            local: None,
        }
    }
}

/// The workflow a reference names, if it names one that can run; reports nothing (the
/// lowering of the reference reports why not).
pub(super) fn find<'c>(ck: &'c Checker, written: &str) -> Option<&'c CallTarget> {
    if !written.starts_with('$') {
        return ck.local_targets.iter().find(|t| t.call.id == written);
    }
    let Ok(expr::Expr::SourceDescription { source, member }) = expr::parse_expression(written)
    else {
        return None;
    };
    match ck.external.get(&source) {
        Some(External::Loaded { targets }) => targets.iter().find(|t| t.call.id == member),
        _ => None,
    }
}

/// Resolves a workflow reference as written in a step's or action's `workflowId` or in
/// `dependsOn`: a local `workflowId` or `$sourceDescriptions.<name>.<workflowId>`, as
/// [`find`] does, reporting why not when it names nothing that can run. `place` completes
/// "unknown workflow `x`" (as ` in `dependsOn``).
pub(super) fn resolve<'c>(
    ck: &'c Checker,
    written: &str,
    at: &Pointer,
    place: &str,
) -> Option<&'c CallTarget> {
    let found = find(ck, written);
    if found.is_none() {
        report_unresolved(ck, written, at, place);
    }
    found
}

/// Why `written` names no workflow that can run.
fn report_unresolved(ck: &Checker, written: &str, at: &Pointer, place: &str) {
    if !written.starts_with('$') {
        let mut error = ck.error(
            Rule::UnknownWorkflow,
            at,
            format!("unknown workflow `{written}`{place}"),
        );
        let ids = ck.local_targets.iter().map(|t| t.call.id.as_str());
        if let Some(hint) = did_you_mean(written, ids) {
            error = error.help(format!("did you mean `{hint}`?"));
        }
        let _ = error;
        return;
    }
    let (source, member) = match expr::parse_expression(written) {
        Ok(expr::Expr::SourceDescription { source, member }) => (source, member),
        Ok(_) => {
            ck.error(Rule::InvalidReference,
                at,
                format!("`{written}` is not a workflow: use a workflowId of this document or `$sourceDescriptions.<name>.<workflowId>`"),
            );
            return;
        }
        Err(e) => {
            ck.error_in(Rule::UnknownSource, at, written, e.offset, e.len, e.message);
            return;
        }
    };
    let names = ck.doc.source_descriptions.iter().map(|s| s.name.as_str());
    let Some(description) = ck.doc.source_descriptions.iter().find(|s| s.name == source) else {
        let mut error = ck.error(
            Rule::UnknownSource,
            at,
            format!("unknown source description `{source}`"),
        );
        if let Some(hint) = did_you_mean(&source, names) {
            error = error.help(format!("did you mean `{hint}`?"));
        }
        let _ = error;
        return;
    };
    match ck.external.get(&source) {
        Some(External::Loaded { targets }) => {
            let mut error = ck.error(Rule::UnknownWorkflow,
                at,
                format!(
                    "the Arazzo document of source description `{source}` has no workflow `{member}`"
                ),
            );
            let ids = targets.iter().map(|t| t.call.id.as_str());
            if let Some(hint) = did_you_mean(&member, ids) {
                error = error.help(format!(
                    "did you mean `$sourceDescriptions.{source}.{hint}`?"
                ));
            }
            let _ = error;
        }
        Some(External::Failed) => {
            ck.error(Rule::UnloadedSource,
                at,
                format!("the workflows of source description `{source}` cannot be run: its Arazzo document did not load"),
            );
        }
        None if description.source_type == Some(model::SourceType::Arazzo) => {
            ck.error(Rule::UnloadedSource,
                at,
                format!("the workflows of source description `{source}` cannot be run: its Arazzo document did not load"),
            );
        }
        None => {
            ck.error(Rule::WrongSourceKind,
                at,
                format!("source description `{source}` is an OpenAPI description; a `workflowId` names a workflow"),
            )
            .help("to call an operation, use `operationId`");
        }
    }
}

/// Checks that this workflow's inputs, passed by name, can serve as the inputs of
/// `target` (for `goto` and `retry` to a workflow): every input the target requires is
/// there, with the same type where both are known.
pub(super) fn check_inputs_by_name(
    ck: &Checker,
    inputs: &IndexMap<String, (String, bool, ir::Type)>,
    target: &CallTarget,
    at: &Pointer,
    what: &str,
) {
    let id = &target.call.id;
    for field in &target.inputs {
        let unwrap = |ty: &ir::Type| match ty {
            ir::Type::Optional(inner) => (**inner).clone(),
            other => other.clone(),
        };
        match inputs.get(&field.name) {
            None if field.required => {
                ck.error(Rule::WorkflowInputs,
                    at,
                    format!(
                        "{what} runs `{id}` with this workflow's inputs, by name, but this workflow has no input `{}`, which `{id}` requires",
                        field.name
                    ),
                )
                .help(match ck.version >= model::SpecVersion::V1_1 {
                    true => format!(
                        "pass it in the action's `parameters`, or declare `{}` in this workflow's `inputs`",
                        field.name
                    ),
                    false => format!("declare `{}` in this workflow's `inputs`", field.name),
                });
            }
            Some((_, required, ty)) => {
                let (ours, theirs) = (unwrap(ty), unwrap(&field.ty));
                if ours != theirs && ours != ir::Type::Json && theirs != ir::Type::Json {
                    ck.error(Rule::WorkflowInputs,
                        at,
                        format!(
                            "{what} passes this workflow's input `{}` to `{id}`, which expects another type",
                            field.name
                        ),
                    );
                } else if field.required && !required {
                    ck.warning(Rule::WorkflowInputs,
                        at,
                        format!(
                            "{what} passes this workflow's optional input `{}` to `{id}`, which requires it",
                            field.name
                        ),
                    )
                    .note("the run fails with invalid inputs when it is absent");
                }
            }
            None => {}
        }
    }
}

/// The inputs that a list of parameters passes to the workflow `called`: a step's
/// `parameters` (computed before it runs) or, in Arazzo 1.1, a `goto` or `retry` action's
/// (computed after the step, so that they can read its response; `phase` says which).
/// Each parameter names an input of that workflow; `in` has no meaning there. Returns the
/// inputs that lowered and the names of all that were given, valid or not.
pub(super) fn parameter_inputs(
    ck: &Checker,
    names: &Names,
    phase: Phase,
    called: &CallTarget,
    list: &[model::ReusableOr<model::Parameter>],
    at: &Pointer,
) -> (Vec<(String, ir::ValueSpec)>, Vec<String>) {
    let fields = called.inputs.as_slice();
    let shown = &called.call.id;
    let mut inputs = Vec::new();
    let mut given: Vec<String> = Vec::new();
    for (position, entry) in list.iter().enumerate() {
        let Some(written) = params::written(ck, entry, at.index(position)) else {
            continue;
        };
        let name = &written.param.name;
        if written.param.location.is_some() {
            ck.warning(
                Rule::IgnoredField,
                &written.at.key("in"),
                format!("`in` is ignored: `{name}` is an input of the workflow `{shown}`"),
            );
        }
        if given.contains(name) {
            ck.error(
                Rule::DuplicateName,
                &written.at.key("name"),
                format!("duplicate parameter `{name}`"),
            )
            .note("each input of the workflow may be given once");
            continue;
        }
        given.push(name.clone());
        if !fields.iter().any(|f| &f.name == name) {
            // An open inputs schema allows any other property, but the inputs struct has
            // no field to carry it, so the value is not passed on.
            let message = format!("the workflow `{shown}` has no input `{name}`");
            let mut diagnostic = match called.inputs_closed {
                true => ck.error(Rule::WorkflowInputs, &written.at.key("name"), message),
                false => ck
                    .warning(Rule::WorkflowInputs, &written.at.key("name"), message)
                    .note(format!(
                        "its inputs schema allows other properties, but declares no `{name}`, so the value is not passed on"
                    )),
            };
            if let Some(hint) = did_you_mean(name, fields.iter().map(|f| f.name.as_str())) {
                diagnostic = diagnostic.help(format!("did you mean `{hint}`?"));
            }
            let _ = diagnostic;
            continue;
        }
        if let Some(value) = exprs::value_in(ck, names, phase, written.value, &written.value_at) {
            inputs.push((name.clone(), value));
        }
    }
    (inputs, given)
}

/// Reports each input that `called` requires and `given` lacks; `place` is where the
/// parameter would go (`the step's`).
pub(super) fn check_required_inputs(
    ck: &Checker,
    called: &CallTarget,
    given: &[String],
    at: &Pointer,
    place: &str,
) {
    let shown = &called.call.id;
    for field in called
        .inputs
        .iter()
        .filter(|f| f.required && !given.contains(&f.name))
    {
        ck.error(
            Rule::WorkflowInputs,
            at,
            format!(
                "missing required input `{}` of the workflow `{shown}`",
                field.name
            ),
        )
        .help(format!(
            "add `- name: {}` with a `value` to {place} parameters",
            field.name
        ));
    }
}
