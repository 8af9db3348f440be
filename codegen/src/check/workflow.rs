//! One workflow: names, inputs, steps and outputs.

use indexmap::IndexMap;

use super::exprs::{self, Names as ExprNames, Phase, RequestScope, StepNames};
use super::messages;
use super::operations::{self, Sources};
use super::{
    actions, criteria, document, inputs, params, schemas, steps, targets, types, workflow_pointer,
    Checker,
};
use crate::diag::resembles;
use crate::ir;
use crate::model;
use crate::naming::{pascal, snake, Scope};
use crate::rules::Rule;
use crate::source::Pointer;

/// What other workflows need to know of a workflow before it is lowered: its names, its
/// inputs and its outputs' field names.
pub(super) struct Signature {
    pub id: String,
    pub fn_name: String,
    pub inputs_name: String,
    pub outputs_name: String,
    /// The inputs struct first, then the structs nested in it.
    pub input_types: Vec<ir::StructDef>,
    /// The enums of the inputs' string `enum`s.
    pub input_enums: Vec<ir::SchemaType>,
    /// Output name → Rust field name.
    pub outputs: indexmap::IndexMap<String, String>,
}

/// The signatures of every workflow, with names unique across the generated module.
pub(super) fn signatures(ck: &Checker) -> Vec<Signature> {
    // The entry point's functions share the module.
    let mut functions = Scope::with_reserved(&["run_workflow", "client_builder"]);
    let mut types = Scope::with_reserved(&["WorkflowInfo"]);
    ck.doc
        .workflows
        .iter()
        .enumerate()
        .map(|(index, wf)| {
            let at = workflow_pointer(index);
            let fn_name = functions.unique(snake(&wf.workflow_id));
            let base = pascal(&wf.workflow_id);
            let inputs_name = types.unique(format!("{base}Inputs"));
            let outputs_name = types.unique(format!("{base}Outputs"));
            let mut input_enums = Vec::new();
            let input_types = inputs::lower(
                ck,
                wf.inputs.as_ref(),
                &at.key("inputs"),
                &inputs_name,
                format!("The inputs of the `{}` workflow.", wf.workflow_id),
                &mut types,
                &mut input_enums,
            );
            let mut output_scope = Scope::default();
            let outputs = wf
                .outputs
                .iter()
                .flatten()
                .map(|(name, _)| (name.clone(), output_scope.unique(snake(name))))
                .collect();
            Signature {
                id: wf.workflow_id.clone(),
                fn_name,
                inputs_name,
                outputs_name,
                input_types,
                input_enums,
                outputs,
            }
        })
        .collect()
}

/// The workflows of this document as steps, `dependsOn` and actions run them.
pub(super) fn local_targets(signatures: &[Signature]) -> Vec<targets::CallTarget> {
    signatures
        .iter()
        .enumerate()
        .map(|(index, s)| targets::CallTarget {
            call: ir::WorkflowCall {
                id: s.id.clone(),
                module: None,
                fn_name: s.fn_name.clone(),
            },
            inputs: s
                .input_types
                .first()
                .map(|root| root.fields.clone())
                .unwrap_or_default(),
            inputs_closed: s.input_types.first().is_some_and(|root| root.closed),
            outputs: s.outputs.clone(),
            output_types: Default::default(),
            local: Some(index),
        })
        .collect()
}

/// What lowering a workflow can see of the others.
pub(super) struct Others<'a> {
    pub signatures: &'a [Signature],
    /// The workflows lowered so far (those before this one in the document).
    pub lowered: &'a [ir::Workflow],
}

/// Lowers one workflow. Parts with errors are left out; the errors are reported.
pub(super) fn lower(
    ck: &Checker,
    others: &Others,
    sources: &Sources,
    index: usize,
    wf: &model::Workflow,
) -> ir::Workflow {
    let at = workflow_pointer(index);
    document::check_unique_step_ids(ck, index, wf);
    let signature = &others.signatures[index];
    let input_types = signature.input_types.clone();

    let mut expr_names = ExprNames {
        workflow_id: wf.workflow_id.clone(),
        ..ExprNames::default()
    };
    if let Some(root) = input_types.first() {
        for field in &root.fields {
            expr_names.inputs.insert(
                field.name.clone(),
                (field.ident.clone(), field.plain(), field.ty.clone()),
            );
        }
    }

    let dependencies = dependencies(ck, &at, wf, &mut expr_names);

    // Every step's names first, so that expressions can refer to any step.
    let mut locals = Scope::with_reserved(crate::emit::LOCALS);
    let mut variants = Scope::with_reserved(&["Step", "Done"]);
    // A step with outputs keeps them in a local `{Variant}Outputs` struct, which must not
    // shadow a workflow's outputs type inside the generated function (step `placeOrder`
    // of workflow `place-order`).
    let module_outputs: Vec<&str> = others
        .signatures
        .iter()
        .map(|s| s.outputs_name.as_str())
        .collect();
    let mut step_idents = Vec::new();
    for step in &wf.steps {
        let ident = locals.unique(snake(&step.step_id));
        let mut variant = variants.unique(pascal(&step.step_id));
        if step.outputs.as_ref().is_some_and(|o| !o.is_empty()) || step.workflow_id.is_some() {
            while module_outputs.contains(&format!("{variant}Outputs").as_str()) {
                variant = variants.unique(variant);
            }
        }
        let mut output_scope = Scope::default();
        let outputs = step
            .outputs
            .iter()
            .flatten()
            .map(|(name, _)| (name.clone(), output_scope.unique(snake(name))))
            .collect();
        let called = step
            .workflow_id
            .as_deref()
            .and_then(|w| targets::find(ck, w));
        let implicit = implicit_outputs(others, step, called, &mut output_scope);
        expr_names
            .steps
            .entry(step.step_id.clone())
            .or_insert(StepNames {
                ident: ident.clone(),
                outputs,
                types: implicit
                    .iter()
                    .map(|(name, i)| (name.clone(), i.ty.clone()))
                    .collect(),
                implicit,
                implicit_read: Default::default(),
                runs: called.map(|t| t.call.id.clone()),
            });
        step_idents.push((ident, variant));
    }

    let mut steps = Vec::with_capacity(wf.steps.len());
    for (step_index, (step, (ident, variant))) in wf.steps.iter().zip(step_idents).enumerate() {
        let lowered = lower_step(
            ck,
            &expr_names,
            others,
            sources,
            wf,
            &at,
            step,
            &at.key("steps").index(step_index),
            ident,
            variant,
        );
        if let Some(lowered) = lowered {
            // Later expressions see this step's output types.
            if let Some(names) = expr_names.steps.get_mut(&step.step_id) {
                for output in &lowered.outputs {
                    names.types.insert(output.name.clone(), output.ty.clone());
                }
            }
            steps.push(lowered);
        }
    }
    // Subscriptions are locals too, named after their step once every step has its name.
    for step in &mut steps {
        if let ir::Call::Message(m) = &mut step.call {
            if m.action == ir::MessageAction::Receive {
                m.inbox = locals.unique(format!("inbox_{}", step.ident.trim_start_matches("r#")));
            }
        }
    }
    add_implicit_outputs(&expr_names, &mut steps);
    let all_lowered = steps.len() == wf.steps.len();
    steps::check_depends_on(ck, index, wf, all_lowered.then_some(&steps[..]));
    if all_lowered {
        check_reachable(ck, &at, &steps);
        check_retry_steps(ck, &at, &steps);
    }

    let mut outputs = Vec::new();
    for (name, text) in wf.outputs.iter().flatten() {
        let Some(value) = exprs::output(
            ck,
            &expr_names,
            Phase::Outputs,
            text,
            &at.key("outputs").key(name),
        ) else {
            continue;
        };
        add_implicit_outputs(&expr_names, &mut steps);
        let (ty, read) = workflow_output_type(&expr_names, &steps, all_lowered, &value);
        outputs.push(ir::Output {
            name: name.clone(),
            ident: signature
                .outputs
                .get(name)
                .cloned()
                .unwrap_or_else(|| snake(name)),
            ty,
            text: text.text(),
            value,
            read,
        });
    }

    ir::Workflow {
        id: wf.workflow_id.clone(),
        fn_name: signature.fn_name.clone(),
        inputs_name: signature.inputs_name.clone(),
        outputs_name: signature.outputs_name.clone(),
        summary: wf.summary.clone(),
        description: wf.description.clone(),
        input_types,
        input_enums: signature.input_enums.clone(),
        inputs_schema: wf
            .inputs
            .clone()
            .unwrap_or_else(|| serde_json::json!({"type": "object"})),
        outputs,
        steps,
        dependencies,
    }
}

/// `dependsOn`: each entry a workflow of this document, run first; `$workflows.<id>.…`
/// then reads its inputs and outputs. A cycle would recurse forever, so it is an error.
fn dependencies(
    ck: &Checker,
    at: &Pointer,
    wf: &model::Workflow,
    names: &mut ExprNames,
) -> Vec<ir::DependencyRun> {
    let mut runs = Vec::new();
    for (position, written) in wf.depends_on.iter().flatten().enumerate() {
        let entry_at = at.key("dependsOn").index(position);
        let Some(target) = targets::resolve(ck, written, &entry_at, " in `dependsOn`") else {
            continue;
        };
        let id = &target.call.id;
        if target.local.is_some() {
            if let Some(cycle) = dependency_cycle(ck.doc, &wf.workflow_id, id) {
                ck.error(
                    Rule::InvalidDependency,
                    &entry_at,
                    format!("`dependsOn` forms a cycle: {}", cycle.join(" → ")),
                );
                continue;
            }
        }
        if names.dependencies.contains_key(id) {
            ck.error(Rule::InvalidDependency,
                &entry_at,
                format!("`dependsOn` names two workflows `{id}`, so `$workflows.{id}` would be ambiguous"),
            );
            continue;
        }
        let module = target.call.module.as_deref().map(|m| format!("{m}_"));
        let var = format!(
            "depends_on_{}{}",
            module.unwrap_or_default(),
            snake(id).trim_start_matches("r#")
        );
        names.dependencies.insert(
            id.clone(),
            exprs::Dependency {
                var: var.clone(),
                inputs: target
                    .inputs
                    .iter()
                    .map(|f| (f.name.clone(), f.ident.clone()))
                    .collect(),
                outputs: target.outputs.clone(),
                implicit: false,
            },
        );
        runs.push(ir::DependencyRun {
            call: target.call.clone(),
            var,
        });
    }
    implicit_dependencies(ck, wf, names, &mut runs);
    runs
}

/// `$workflows.<id>` where `dependsOn` does not list `<id>` and no step runs it: the
/// specification does not say that reading it needs `dependsOn`, and the only way the value
/// can exist is by running `<id>` first, so it runs first as a dependency would (each read
/// warns). A workflow that runs this one, directly or not, is left to the error.
fn implicit_dependencies(
    ck: &Checker,
    wf: &model::Workflow,
    names: &mut ExprNames,
    runs: &mut Vec<ir::DependencyRun>,
) {
    static READ: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"\$workflows\.([^.\s{}#]+)\.(?:inputs|outputs)\b").expect("valid regex")
    });
    let text = serde_json::to_string(wf).unwrap_or_default();
    let mut seen = std::collections::HashSet::new();
    let read = READ
        .captures_iter(&text)
        .filter_map(|c| c.get(1).map(|m| m.as_str()))
        .filter(|id| seen.insert(*id));
    for id in read {
        if names.dependencies.contains_key(id) || id == wf.workflow_id {
            continue;
        }
        let run_by_a_step = wf.steps.iter().any(|step| {
            step.workflow_id
                .as_deref()
                .and_then(|written| targets::find(ck, written))
                .is_some_and(|target| target.call.id == id)
        });
        let Some(target) = targets::find(ck, id) else {
            continue;
        };
        if run_by_a_step
            || (target.local.is_some() && dependency_cycle(ck.doc, &wf.workflow_id, id).is_some())
        {
            continue;
        }
        let var = format!("depends_on_{}", snake(id).trim_start_matches("r#"));
        names.dependencies.insert(
            id.to_owned(),
            exprs::Dependency {
                var: var.clone(),
                inputs: target
                    .inputs
                    .iter()
                    .map(|f| (f.name.clone(), f.ident.clone()))
                    .collect(),
                outputs: target.outputs.clone(),
                implicit: true,
            },
        );
        runs.push(ir::DependencyRun {
            call: target.call.clone(),
            var,
        });
    }
}

/// The chain from `from` back to itself through `dependsOn`, starting with its entry
/// `first`, if there is one.
fn dependency_cycle(doc: &model::Document, from: &str, first: &str) -> Option<Vec<String>> {
    let mut stack = vec![vec![from.to_owned(), first.to_owned()]];
    let mut seen = std::collections::HashSet::new();
    while let Some(path) = stack.pop() {
        let last = path.last()?.clone();
        if last == from {
            return Some(path);
        }
        if !seen.insert(last.clone()) {
            continue;
        }
        let Some(workflow) = doc.workflows.iter().find(|w| w.workflow_id == last) else {
            continue;
        };
        for next in workflow.depends_on.iter().flatten() {
            let mut longer = path.clone();
            longer.push(next.clone());
            stack.push(longer);
        }
    }
    None
}

/// A step that runs another workflow (of this document, or of an Arazzo source
/// description): its parameters are that workflow's inputs, and `$outputs` in its success
/// criteria, actions and outputs are that workflow's outputs. The step fails when the
/// workflow returns an error or its outputs do not meet the success criteria.
#[allow(clippy::too_many_arguments)]
fn lower_workflow_step(
    ck: &Checker,
    names: &ExprNames,
    others: &Others,
    wf: &model::Workflow,
    wf_at: &Pointer,
    step: &model::Step,
    at: &Pointer,
    target: &str,
    ident: String,
    variant: String,
) -> Option<ir::Step> {
    let called = targets::resolve(ck, target, &at.key("workflowId"), "")?;
    let step_params = step.parameters.as_deref().unwrap_or_default();
    let (mut inputs, mut given) = targets::parameter_inputs(
        ck,
        names,
        Phase::Request,
        called,
        step_params,
        &at.key("parameters"),
    );
    // Workflow parameters apply to every step ("MUST be passed to an operation or
    // workflow"): here as inputs of the called workflow, those it has and the step does
    // not set itself. The others are for the operation steps.
    for (position, entry) in wf.parameters.iter().flatten().enumerate() {
        let entry_at = wf_at.key("parameters").index(position);
        let Some(written) = params::written(ck, entry, entry_at) else {
            continue;
        };
        let name = &written.param.name;
        if given.contains(name) || !called.inputs.iter().any(|f| &f.name == name) {
            continue;
        }
        given.push(name.clone());
        if let Some(value) = exprs::value(ck, names, written.value, &written.value_at) {
            inputs.push((name.clone(), value));
        }
    }
    targets::check_required_inputs(ck, called, &given, at, "the step's");
    if step.request_body.is_some() {
        ck.error(
            Rule::IgnoredField,
            &at.key("requestBody"),
            "a step that runs a workflow has no request body",
        );
    }

    // Criteria and actions see the called workflow's outputs as `$outputs`; there is no
    // HTTP response, so `$statusCode` and `$response` are errors.
    let phase = Phase::SubWorkflow {
        step: &step.step_id,
        outputs: &called.outputs,
    };
    let success = criteria::lower_all(
        ck,
        names,
        phase,
        step.success_criteria.as_ref(),
        &at.key("successCriteria"),
        None,
    )
    .unwrap_or_default();
    let (on_success, on_failure) = step_actions(ck, names, phase, wf, wf_at, step, at, None);
    let target_types = called_output_types(others, called);
    let mut output_scope = Scope::default();
    let outputs = step
        .outputs
        .iter()
        .flatten()
        .filter_map(|(name, text)| {
            let ident = output_scope.unique(snake(name));
            let value = exprs::output(ck, names, phase, text, &at.key("outputs").key(name))?;
            let ty = match &value {
                ir::Expr::SubOutput {
                    ident,
                    pointer: None,
                } => target_types.get(ident).cloned().unwrap_or(ir::Type::Json),
                _ => ir::Type::Json,
            };
            Some(ir::Output {
                name: name.clone(),
                ident,
                ty,
                text: text.text(),
                value,
                read: ir::Read::Decode,
            })
        })
        .collect();
    Some(ir::Step {
        id: step.step_id.clone(),
        ident,
        variant,
        description: step.description.clone(),
        call: ir::Call::Workflow(ir::SubWorkflow {
            call: called.call.clone(),
            inputs,
        }),
        success,
        on_success,
        on_failure,
        outputs,
        timeout: steps::timeout(ck, step, at),
    })
}

/// The types of the outputs of a workflow a step runs, by field: known for workflows of
/// other documents and for those earlier in this one (lowered first).
fn called_output_types(
    others: &Others,
    called: &targets::CallTarget,
) -> IndexMap<String, ir::Type> {
    match called.local {
        Some(index) => others
            .lowered
            .get(index)
            .map(|w| {
                w.outputs
                    .iter()
                    .map(|o| (o.ident.clone(), o.ty.clone()))
                    .collect()
            })
            .unwrap_or_default(),
        None => called.output_types.clone(),
    }
}

/// The outputs of `called`, the workflow `step` runs, that the step does not declare, each
/// with a field name free in the step's outputs struct.
fn implicit_outputs(
    others: &Others,
    step: &model::Step,
    called: Option<&targets::CallTarget>,
    scope: &mut Scope,
) -> IndexMap<String, exprs::Implicit> {
    let Some(called) = called else {
        return IndexMap::new();
    };
    let types = called_output_types(others, called);
    let declared = step.outputs.as_ref();
    called
        .outputs
        .iter()
        .filter(|(name, _)| !declared.is_some_and(|d| d.contains_key(*name)))
        .map(|(name, called_ident)| {
            let implicit = exprs::Implicit {
                ident: scope.unique(snake(name)),
                called_ident: called_ident.clone(),
                ty: types.get(called_ident).cloned().unwrap_or(ir::Type::Json),
            };
            (name.clone(), implicit)
        })
        .collect()
}

/// Adds to the lowered steps the outputs of called workflows that expressions read as
/// theirs (see [`exprs::Implicit`]) and that they do not have yet.
fn add_implicit_outputs(names: &ExprNames, steps: &mut [ir::Step]) {
    for (step_id, step_names) in &names.steps {
        let Some(lowered) = steps.iter_mut().find(|s| &s.id == step_id) else {
            continue;
        };
        for name in step_names.implicit_read.borrow().iter() {
            let implicit = &step_names.implicit[name];
            if lowered.outputs.iter().any(|o| o.ident == implicit.ident) {
                continue;
            }
            lowered.outputs.push(ir::Output {
                name: name.clone(),
                ident: implicit.ident.clone(),
                ty: implicit.ty.clone(),
                text: format!("$outputs.{name}"),
                value: ir::Expr::SubOutput {
                    ident: implicit.called_ident.clone(),
                    pointer: None,
                },
                read: ir::Read::Decode,
            });
        }
    }
}

/// What `$request.*` may read in an operation step: its operation's parameters, and
/// whether it sends a body.
fn request_scope<'a>(resolved: &operations::Resolved<'a>, step: &model::Step) -> RequestScope<'a> {
    let openapi = resolved.openapi;
    let body_schema = step.request_body.as_ref().and_then(|body| {
        let content = &openapi.request_body(&resolved.op)?.content;
        let media = match &body.content_type {
            Some(ct) => content.get(ct),
            None => content.values().next(),
        }?;
        Some((openapi, openapi.resolve_schema(media.schema.as_ref()?)?))
    });
    let mut scope = RequestScope {
        body: step.request_body.is_some(),
        body_schema,
        ..RequestScope::default()
    };
    for param in resolved.openapi.parameters(&resolved.op) {
        let list = match param.location {
            model::ParameterIn::Query => &mut scope.query,
            model::ParameterIn::Path => &mut scope.path,
            model::ParameterIn::Header => &mut scope.headers,
            model::ParameterIn::Cookie | model::ParameterIn::Querystring => continue,
        };
        list.push(param.name.to_owned());
    }
    scope
}

/// What a step's pointers read: an HTTP response body, or a received message's payload.
#[derive(Clone, Copy)]
enum BodyRead<'a> {
    Response,
    Message { address: &'a str },
}

/// `$response.body#/invite/cod` (or `$message.payload#/cod`) in a step's outputs or
/// success criteria, where the schema of the response the step succeeds with (or of the
/// message it receives) has no `cod`.
fn check_response_pointers(
    ck: &Checker,
    resolved: &operations::Resolved,
    statuses: &[String],
    step: &model::Step,
    at: &Pointer,
    read: BodyRead,
) {
    let mut places: Vec<(Pointer, &str)> = Vec::new();
    // Selector Objects on the whole body: (where, the selector, its pointer).
    let mut selectors: Vec<(Pointer, &str, String)> = Vec::new();
    for (name, value) in step.outputs.iter().flatten() {
        let at = at.key("outputs").key(name);
        match value {
            model::OutputValue::Expression(text) => places.push((at, text.as_str())),
            model::OutputValue::Selector(sel) => {
                if let Some(pointer) = selector_body_pointer(sel) {
                    selectors.push((at.key("selector"), sel.selector.as_str(), pointer));
                }
            }
        }
    }
    for (index, criterion) in step.success_criteria.iter().flatten().enumerate() {
        places.push((
            at.key("successCriteria").index(index).key("condition"),
            criterion.condition.as_str(),
        ));
        if let Some(context) = &criterion.context {
            places.push((
                at.key("successCriteria").index(index).key("context"),
                context.as_str(),
            ));
        }
    }
    let (prefix, subject, verb, whole) = match read {
        BodyRead::Response => {
            let operation = resolved
                .op
                .operation
                .operation_id
                .clone()
                .unwrap_or_else(|| format!("{} {}", resolved.op.method, resolved.op.path));
            let shown: Vec<String> = statuses.iter().map(|s| format!("`{s}`")).collect();
            let (responses, verb) = match shown.as_slice() {
                [one] => (format!("the {one} response"), "declares"),
                [init @ .., last] => (
                    format!("the {} and {last} responses", init.join(", ")),
                    "declare",
                ),
                [] => ("the responses".to_owned(), "declare"),
            };
            (
                "$response.body#",
                format!("{responses} of `{operation}`"),
                verb,
                "the body",
            )
        }
        BodyRead::Message { address } => (
            "$message.payload#",
            format!("the message received on `{address}`"),
            "declares",
            "the payload",
        ),
    };
    let check = |place: &Pointer, text: &str, start: usize, end: usize, pointer: &str| {
        let tokens = crate::source::split_pointer(pointer);
        // The pointer is right when any accepted response has it: the step succeeds on
        // each of them, and the output is there on some.
        let found = statuses
            .iter()
            .map(|status| types::response_body(resolved.openapi, &resolved.op, status, &tokens))
            .reduce(types::Found::either)
            .unwrap_or(types::Found::Unknown);
        if let types::Found::Unknowable { index, keyword } = found {
            let at_schema = if index == 0 {
                whole.to_owned()
            } else {
                format!("`#/{}`", tokens[..index].join("/"))
            };
            ck.warning_in(Rule::UncheckedPointer,
                place,
                text,
                start,
                end - start,
                format!(
                    "cannot check `#{pointer}` against {subject}: its schema uses `{keyword}` at {at_schema}"
                ),
            );
            return;
        }
        if let types::Found::Missing {
            index,
            known,
            closed,
        } = found
        {
            let missing = &tokens[index];
            let inside = if index == 0 {
                whole.to_owned()
            } else {
                format!("`#/{}`", tokens[..index].join("/"))
            };
            let message = format!("{subject} {verb} no property `{missing}` in {inside}");
            // A closed schema rules the property out; an open one only does not list it.
            let mut error = if closed {
                ck.error_in(
                    Rule::UnknownProperty,
                    place,
                    text,
                    start,
                    end - start,
                    message,
                )
            } else {
                ck.warning_in(
                    Rule::UnknownProperty,
                    place,
                    text,
                    start,
                    end - start,
                    message,
                )
            };
            error = match resembles(missing, known.iter().map(String::as_str)) {
                Some(hint) => error.help(format!("did you mean `{hint}`?")),
                None => {
                    let list: Vec<String> = known.iter().map(|k| format!("`{k}`")).collect();
                    error.help(format!("it has {}", list.join(", ")))
                }
            };
            let _ = error;
        }
    };
    for (place, text) in places {
        let mut search = 0;
        while let Some(found) = text[search..].find(prefix) {
            let start = search + found;
            let pointer_start = start + prefix.len();
            let end = text[pointer_start..]
                .find(|c: char| {
                    c.is_whitespace() || matches!(c, ')' | '}' | '=' | '!' | '<' | '>' | '&' | '|')
                })
                .map_or(text.len(), |i| pointer_start + i);
            search = end.max(start + 1);
            let pointer = &text[pointer_start..end];
            if pointer.starts_with('/') {
                check(&place, text, start, end, pointer);
            }
        }
    }
    for (place, text, pointer) in selectors {
        check(&place, text, 0, text.len(), &pointer);
    }
}

/// The JSON pointer into the response body that a Selector Object on `$response.body`
/// reads: a `jsonpointer`, or a `jsonpath` of members and indices. `None` for others.
fn selector_body_pointer(sel: &model::Selector) -> Option<String> {
    let context = sel.context.trim();
    let (base, rest) = match context.split_once('#') {
        Some((base, rest)) => (base, rest),
        None => (context, ""),
    };
    if base != "$response.body" {
        return None;
    }
    let tokens = match sel.selector_type.name()? {
        model::TypeName::Jsonpointer => {
            let (pointer, len) = crate::expr::parse_pointer(&sel.selector, 0).ok()?;
            (len == sel.selector.len()).then(|| pointer.tokens().to_vec())?
        }
        model::TypeName::Jsonpath => {
            serde_json_path::JsonPath::parse(&sel.selector).ok()?;
            crate::expr::selector::shape(&sel.selector).pointer()?
        }
        _ => return None,
    };
    let pointer: String = tokens
        .iter()
        .map(|t| format!("/{}", crate::expr::escape_token(t)))
        .collect();
    Some(format!("{rest}{pointer}")).filter(|p| p.starts_with('/'))
}

/// Where a workflow can go after step `index`.
pub(super) struct Successors {
    /// The steps that can run after its success: `goto` targets and, unless an action
    /// always applies, the following step.
    pub after_success: Vec<usize>,
    /// The steps failure `goto`s lead to.
    pub after_failure: Vec<usize>,
    /// Whether its success can end the workflow (an `end`, a `goto` to a workflow, or
    /// falling off the last step).
    ends: bool,
    /// Whether its failure can end the workflow successfully (a `goto` to a workflow).
    ends_on_failure: bool,
}

pub(super) fn successors(steps: &[ir::Step], index: usize) -> Successors {
    let step = &steps[index];
    let mut next = Successors {
        after_success: Vec::new(),
        after_failure: Vec::new(),
        ends: false,
        ends_on_failure: false,
    };
    let mut unconditional = false;
    for action in &step.on_success {
        match action.kind {
            ir::ActionKind::End | ir::ActionKind::GotoWorkflow(_) => next.ends = true,
            ir::ActionKind::GotoStep(to) => next.after_success.push(to),
            ir::ActionKind::Retry { .. } => {}
        }
        unconditional |= action.criteria.is_empty();
    }
    if !unconditional {
        match index + 1 < steps.len() {
            true => next.after_success.push(index + 1),
            false => next.ends = true,
        }
    }
    for action in &step.on_failure {
        match action.kind {
            ir::ActionKind::GotoStep(to)
            | ir::ActionKind::Retry {
                first: Some(ir::RetryFirst::Step(to)),
                ..
            } => next.after_failure.push(to),
            ir::ActionKind::GotoWorkflow(_) => next.ends_on_failure = true,
            _ => {}
        }
    }
    next.after_success.retain(|to| *to < steps.len());
    next.after_failure.retain(|to| *to < steps.len());
    next
}

/// A step that no path from the first step reaches (following the default next step,
/// success and failure `goto`s) never runs: a warning.
fn check_reachable(ck: &Checker, at: &Pointer, steps: &[ir::Step]) {
    let mut seen = vec![false; steps.len()];
    // The first step, if there is one.
    let mut stack: Vec<usize> = (0..steps.len().min(1)).collect();
    while let Some(index) = stack.pop() {
        if std::mem::replace(&mut seen[index], true) {
            continue;
        }
        let next = successors(steps, index);
        stack.extend(next.after_success.into_iter().chain(next.after_failure));
    }
    for (index, step) in steps.iter().enumerate() {
        if !seen[index] {
            ck.warning(Rule::UnreachableStep,
                &at.key("steps").index(index).key("stepId"),
                format!("step `{}` is never reached", step.id),
            )
            .note("no path from the first step leads here: an earlier step always ends or jumps past it");
        }
    }
}

/// A `retry` that first runs a step returns to the retrying step once that step is done,
/// so the step it names must not itself be the retrying step or retry through a step.
fn check_retry_steps(ck: &Checker, at: &Pointer, steps: &[ir::Step]) {
    for (index, step) in steps.iter().enumerate() {
        for action in &step.on_failure {
            let ir::ActionKind::Retry {
                first: Some(ir::RetryFirst::Step(to)),
                ..
            } = action.kind
            else {
                continue;
            };
            let nested = steps[to].on_failure.iter().any(|a| {
                matches!(
                    a.kind,
                    ir::ActionKind::Retry {
                        first: Some(ir::RetryFirst::Step(_)),
                        ..
                    }
                )
            });
            if to == index || nested {
                ck.error(
                    Rule::InvalidAction,
                    &at.key("steps").index(index).key("stepId"),
                    format!(
                        "the `retry` action `{}` of step `{}` runs step `{}` first, which {}",
                        action.name,
                        step.id,
                        steps[to].id,
                        if to == index {
                            "is the step being retried"
                        } else {
                            "itself retries through a step"
                        }
                    ),
                )
                .help("name another step, or use `goto`");
            }
        }
    }
}

/// The type of a workflow output, and how it is read.
fn workflow_output_type(
    names: &ExprNames,
    steps: &[ir::Step],
    all_lowered: bool,
    value: &ir::Expr,
) -> (ir::Type, ir::Read) {
    match value {
        ir::Expr::StepOutput {
            step_ident,
            ident,
            pointer: None,
        } => {
            let Some((index, step)) = steps
                .iter()
                .enumerate()
                .find(|(_, s)| &s.ident == step_ident)
            else {
                return (ir::Type::Json, ir::Read::Decode);
            };
            let Some(output) = step.outputs.iter().find(|o| &o.ident == ident) else {
                return (ir::Type::Json, ir::Read::Decode);
            };
            let guaranteed = all_lowered && always_runs(steps, index);
            let flatten = matches!(output.ty, ir::Type::Optional(_));
            let ty = if guaranteed || flatten {
                output.ty.clone()
            } else {
                ir::Type::Optional(Box::new(output.ty.clone()))
            };
            (
                ty,
                ir::Read::StepField {
                    guaranteed,
                    flatten,
                },
            )
        }
        ir::Expr::Input {
            ident,
            required,
            pointer: None,
        } => {
            let ty = names
                .inputs
                .values()
                .find(|(i, _, _)| i == ident)
                .map_or(ir::Type::Json, |(_, _, ty)| ty.clone());
            let ty = if *required {
                ty
            } else {
                ir::Type::Optional(Box::new(ty))
            };
            (ty, ir::Read::Decode)
        }
        // `$self`, `$sourceDescriptions.<name>.url`.
        ir::Expr::Constant(serde_json::Value::String(_)) => (ir::Type::String, ir::Read::Decode),
        _ => (ir::Type::Json, ir::Read::Decode),
    }
}

/// Whether every successful run of the workflow has the outputs of step `target`: no path
/// from the first step to the workflow's end avoids its success. Paths follow success
/// actions, the default next step and failure `goto`s (including the target's own).
fn always_runs(steps: &[ir::Step], target: usize) -> bool {
    let mut seen = vec![false; steps.len()];
    // The first step, if there is one.
    let mut stack: Vec<usize> = (0..steps.len().min(1)).collect();
    while let Some(index) = stack.pop() {
        if std::mem::replace(&mut seen[index], true) {
            continue;
        }
        let next = successors(steps, index);
        if next.ends_on_failure {
            return false;
        }
        if index == target {
            // Past the target only by failing it: its outputs are not there.
            stack.extend(next.after_failure);
            continue;
        }
        if next.ends {
            return false;
        }
        stack.extend(next.after_success.into_iter().chain(next.after_failure));
    }
    true
}

/// The type of a step output's expression.
fn step_output_type(
    ck: &Checker,
    names: &ExprNames,
    resolved: &operations::Resolved,
    statuses: &[String],
    value: &ir::Expr,
) -> ir::Type {
    // The type the pointer has in the accepted responses that declare it (`Value` when
    // they disagree, or none does), an `Option` of it when another accepted response
    // does not declare it: `$statusCode == 200 || $statusCode == 201` with `location` on
    // the `201` only.
    let body_type = |pointer: Option<&str>, more: &[String]| {
        let mut tokens = pointer
            .map(crate::source::split_pointer)
            .unwrap_or_default();
        tokens.extend_from_slice(more);
        let mut missing_somewhere = false;
        let found: Vec<ir::Type> = statuses
            .iter()
            .filter_map(|status| {
                match types::response_body(resolved.openapi, &resolved.op, status, &tokens) {
                    types::Found::Missing { .. } => {
                        missing_somewhere = true;
                        None
                    }
                    types::Found::Unknowable { .. } => None,
                    types::Found::Type(_) | types::Found::Unknown => Some(
                        schemas::response_type(
                            &mut ck.schemas.borrow_mut(),
                            resolved.openapi,
                            &resolved.op,
                            status,
                            &tokens,
                        )
                        .unwrap_or(ir::Type::Json),
                    ),
                }
            })
            .collect();
        let ty = match found.split_first() {
            Some((first, rest)) if rest.iter().all(|other| other == first) => first.clone(),
            _ => return ir::Type::Json,
        };
        match (missing_somewhere, ty) {
            (true, ir::Type::Json) => ir::Type::Json,
            (true, ty @ ir::Type::Optional(_)) => ty,
            (true, ty) => ir::Type::Optional(Box::new(ty)),
            (false, ty) => ty,
        }
    };
    match value {
        ir::Expr::ResponseBody(pointer) => body_type(pointer.as_deref(), &[]),
        // A JSONPath selector on the body: the node type its steps lead to; an array of it
        // when the query can select several nodes (each of which is there).
        ir::Expr::Select {
            context,
            select: ir::Select::JsonPath { query, many },
        } => match (
            &**context,
            crate::expr::selector::shape(query).schema_tokens(),
        ) {
            (ir::Expr::ResponseBody(pointer), Some(tokens)) => {
                match body_type(pointer.as_deref(), &tokens) {
                    ir::Type::Json => ir::Type::Json,
                    ir::Type::Optional(node) if *many => ir::Type::Array(node),
                    node if *many => ir::Type::Array(Box::new(node)),
                    ir::Type::Optional(node) => ir::Type::Optional(node),
                    node => ir::Type::Optional(Box::new(node)),
                }
            }
            _ => ir::Type::Json,
        },
        ir::Expr::StatusCode => ir::Type::Integer,
        ir::Expr::Url | ir::Expr::Method => ir::Type::String,
        ir::Expr::ResponseHeader(_) | ir::Expr::Request(ir::RequestPart::Header(_)) => {
            ir::Type::Optional(Box::new(ir::Type::String))
        }
        ir::Expr::StepOutput {
            step_ident,
            ident,
            pointer: None,
        } => names
            .steps
            .values()
            .find(|s| &s.ident == step_ident)
            .and_then(|s| {
                let name = s
                    .outputs
                    .iter()
                    .find(|(_, i)| *i == ident)
                    .map(|(n, _)| n)?;
                s.types.get(name).cloned()
            })
            .map_or(ir::Type::Json, |ty| match ty {
                ir::Type::Optional(_) => ty,
                other => ir::Type::Optional(Box::new(other)),
            }),
        _ => ir::Type::Json,
    }
}

/// A step's success and failure actions. The step's own lists replace the workflow's
/// defaults (the reading Redocly and others take of "override"; see the README).
/// `statuses`: the operation's declared response statuses, for an operation step.
#[allow(clippy::too_many_arguments)]
fn step_actions(
    ck: &Checker,
    names: &ExprNames,
    phase: Phase,
    wf: &model::Workflow,
    wf_at: &Pointer,
    step: &model::Step,
    at: &Pointer,
    statuses: Option<&[String]>,
) -> (Vec<ir::Action>, Vec<ir::Action>) {
    let on_success = match (&step.on_success, &wf.success_actions) {
        (Some(list), _) => actions::success(ck, names, phase, list, &at.key("onSuccess"), statuses),
        (None, Some(list)) => actions::success(
            ck,
            names,
            phase,
            list,
            &wf_at.key("successActions"),
            statuses,
        ),
        (None, None) => Vec::new(),
    };
    let on_failure = match (&step.on_failure, &wf.failure_actions) {
        (Some(list), _) => actions::failure(ck, names, phase, list, &at.key("onFailure"), statuses),
        (None, Some(list)) => actions::failure(
            ck,
            names,
            phase,
            list,
            &wf_at.key("failureActions"),
            statuses,
        ),
        (None, None) => Vec::new(),
    };
    (on_success, on_failure)
}

#[allow(clippy::too_many_arguments)]
fn lower_step(
    ck: &Checker,
    names: &ExprNames,
    others: &Others,
    sources: &Sources,
    wf: &model::Workflow,
    wf_at: &Pointer,
    step: &model::Step,
    at: &Pointer,
    ident: String,
    variant: String,
) -> Option<ir::Step> {
    if !steps::check_target(ck, step, at) {
        return None;
    }
    if let Some(target) = &step.workflow_id {
        steps::check_async_fields(ck, step, at);
        return lower_workflow_step(
            ck, names, others, wf, wf_at, step, at, target, ident, variant,
        );
    }
    let resolved = match &step.channel_path {
        Some(path) => messages::resolve_channel(ck, path, &at.key("channelPath"))?,
        None => operations::resolve(ck, step, at)?,
    };
    let message = match ck.asyncapi(resolved.source) {
        Some(asyncapi) => Some(messages::target(ck, asyncapi, &resolved, step, at)?),
        None => {
            // An HTTP operation: the AsyncAPI fields do not apply.
            steps::check_async_fields(ck, step, at);
            None
        }
    };
    let statuses: Vec<String> = resolved
        .op
        .operation
        .responses
        .responses
        .keys()
        .map(ToString::to_string)
        .chain(
            resolved
                .op
                .operation
                .responses
                .default
                .as_ref()
                .map(|_| "default".to_owned()),
        )
        .collect();

    let receives = message
        .as_ref()
        .is_some_and(|m| m.action == ir::MessageAction::Receive);
    let (params, body) = match receives {
        // What a receive step gets is the message; it sends nothing.
        true => {
            messages::nothing_sent(ck, step, at);
            (Vec::new(), None)
        }
        false => (
            params::lower(ck, names, wf, wf_at, step, at, &resolved),
            params::body(ck, names, step, at, &resolved),
        ),
    };
    let mut request = request_scope(&resolved, step);
    request.message = message.is_some();
    let phase = Phase::Response(&request);
    let correlation = message
        .as_ref()
        .and_then(|target| messages::correlation(ck, names, target, step, at));
    let success = criteria::lower_all(
        ck,
        names,
        phase,
        step.success_criteria.as_ref(),
        &at.key("successCriteria"),
        Some(criteria::Statuses {
            declared: &statuses,
            success: true,
        }),
    )
    .unwrap_or_default();

    let (on_success, on_failure) =
        step_actions(ck, names, phase, wf, wf_at, step, at, Some(&statuses));

    let mut output_scope = Scope::default();
    let accepted = types::accepted_statuses(&success, &statuses);
    if !accepted.is_empty() {
        let read = match &message {
            Some(target) => BodyRead::Message {
                address: &target.address,
            },
            None => BodyRead::Response,
        };
        check_response_pointers(ck, &resolved, &accepted, step, at, read);
    }
    // The whole success body's types, even when no output reads them.
    for status in &accepted {
        schemas::response_type(
            &mut ck.schemas.borrow_mut(),
            resolved.openapi,
            &resolved.op,
            status,
            &[],
        );
    }
    {
        let mut registry = ck.schemas.borrow_mut();
        let request = (resolved.source, resolved.op.pointer.clone());
        if !registry.requests.contains(&request) {
            registry.requests.push(request);
        }
    }
    let outputs = step
        .outputs
        .iter()
        .flatten()
        .filter_map(|(name, text)| {
            let ident = output_scope.unique(snake(name));
            let value = exprs::output(ck, names, phase, text, &at.key("outputs").key(name))?;
            Some(ir::Output {
                name: name.clone(),
                ident,
                ty: step_output_type(ck, names, &resolved, &accepted, &value),
                text: text.text(),
                value,
                read: ir::Read::Decode,
            })
        })
        .collect();

    let op = &resolved.op;
    let source = sources
        .index
        .get(&resolved.source)
        .copied()
        .unwrap_or_default();
    let call = match message {
        Some(target) => ir::Call::Message(Box::new(ir::MessageStep {
            source,
            action: target.action,
            operation_id: target.operation_id,
            address: target.address,
            bindings: target.bindings,
            params,
            body,
            correlation,
            inbox: String::new(),
        })),
        None => ir::Call::Operation(Box::new(ir::Operation {
            source,
            operation_id: op.operation.operation_id.clone(),
            method: op.method.to_owned(),
            path: op.path.to_owned(),
            summary: op.operation.summary.clone(),
            security: operations::security(&resolved),
            params,
            body,
        })),
    };
    Some(ir::Step {
        id: step.step_id.clone(),
        ident,
        variant,
        description: step.description.clone(),
        call,
        success,
        on_success,
        on_failure,
        outputs,
        timeout: steps::timeout(ck, step, at),
    })
}
