//! Resolving runtime expressions against what a workflow has: its inputs, its steps'
//! outputs, and (after a request) the response. Also the lowering of parameter values
//! and payloads, which may hold expressions anywhere.

use std::cell::RefCell;

use indexmap::{IndexMap, IndexSet};
use serde_json::Value;

use openapiv3::Schema;

use super::{types, Checker};
use crate::diag::{did_you_mean, resembles};
use crate::expr::{self, Expr, MessageSource, ValueKind, WorkflowField};
use crate::ir;
use crate::load::OpenApiSource;
use crate::model;
use crate::rules::Rule;
use crate::source::Pointer;

/// The names of one workflow that expressions can refer to.
#[derive(Debug, Default)]
pub(super) struct Names {
    pub workflow_id: String,
    /// Input name → (Rust field name, required, type).
    pub inputs: IndexMap<String, (String, bool, ir::Type)>,
    /// Step id → the step's names.
    pub steps: IndexMap<String, StepNames>,
    /// The workflows of `dependsOn`, by id.
    pub dependencies: IndexMap<String, Dependency>,
}

/// A workflow this one depends on, as `$workflows.<id>.…` sees it.
#[derive(Debug, Default)]
pub(super) struct Dependency {
    /// The variable holding its inputs and outputs.
    pub var: String,
    /// Input name → Rust field name.
    pub inputs: IndexMap<String, String>,
    /// Output name → Rust field name.
    pub outputs: IndexMap<String, String>,
    /// Not in `dependsOn`, but read as `$workflows.<id>` while no step runs it: it runs
    /// first all the same, with a warning where it is read.
    pub implicit: bool,
}

/// The names of one step.
#[derive(Debug, Default)]
pub(super) struct StepNames {
    /// The variable holding its outputs.
    pub ident: String,
    /// Output name → Rust field name.
    pub outputs: IndexMap<String, String>,
    /// Output name → type, once the step has been lowered.
    pub types: IndexMap<String, ir::Type>,
    /// For a step that runs a workflow: that workflow's outputs that the step does not
    /// declare, by name. Some documents read them as the step's own
    /// (`$steps.<step>.outputs.<name of the workflow's output>`); see [`Implicit`].
    pub implicit: IndexMap<String, Implicit>,
    /// The names of `implicit` that expressions read, in the order first read.
    pub implicit_read: RefCell<IndexSet<String>>,
    /// The id of the workflow the step runs, for a step that runs one.
    pub runs: Option<String>,
}

/// An output of the workflow a step runs, read as an output of the step although the step
/// does not declare it (a warning): the step keeps it as if it declared
/// `<name>: $outputs.<name>`.
#[derive(Debug, Clone)]
pub(super) struct Implicit {
    /// The field of the step's outputs struct.
    pub ident: String,
    /// The field of the called workflow's outputs struct.
    pub called_ident: String,
    /// Its type, where the called workflow's output type is known.
    pub ty: ir::Type,
}

/// Where an expression is evaluated.
#[derive(Clone, Copy, Debug)]
pub(super) enum Phase<'a> {
    /// Building a request: no response yet.
    Request,
    /// Criteria, actions and step outputs: the step's response is there, and what
    /// `$request` may read of the request it sent.
    Response(&'a RequestScope<'a>),
    /// Criteria, actions and outputs of a step that ran a workflow: `$outputs` are that
    /// workflow's outputs (name → field).
    SubWorkflow {
        step: &'a str,
        outputs: &'a IndexMap<String, String>,
    },
    /// The workflow's outputs, after the last step.
    Outputs,
}

/// `$inputs.user.email` where there is no input `user.email` but an input `user`: the
/// standard `$inputs.user#/email` it can only mean (the same for step and sub-workflow
/// outputs). `None` when the dotted name is declared, or its head is not either.
fn dotted_navigation(names: &Names, phase: Phase, e: &Expr) -> Option<Expr> {
    let declared = |name: &str| match e {
        Expr::Input { .. } => names.inputs.contains_key(name),
        Expr::StepOutput { step, .. } => names
            .steps
            .get(step)
            .is_some_and(|s| s.outputs.contains_key(name)),
        Expr::Output { .. } => match phase {
            Phase::SubWorkflow { outputs, .. } => outputs.contains_key(name),
            _ => false,
        },
        _ => false,
    };
    let name = e.name()?;
    if !name.contains('.') || declared(name) {
        return None;
    }
    let fixed = e.dotted_name_as_pointer()?;
    declared(fixed.name()?).then_some(fixed)
}

/// What `$request.*` expressions of an operation step may read: the parameters its
/// operation declares, and whether the step sends a body.
#[derive(Debug, Default)]
pub(super) struct RequestScope<'a> {
    /// The operation's query parameters.
    pub query: Vec<String>,
    /// The operation's path parameters.
    pub path: Vec<String>,
    /// The operation's header parameters.
    pub headers: Vec<String>,
    /// Whether the step sends a request body.
    pub body: bool,
    /// The schema of the body the step sends, when the operation declares one, to check
    /// `$request.body#/…` pointers against.
    pub body_schema: Option<(&'a OpenApiSource, &'a Schema)>,
    /// A step that sends or receives a message: `$message` reads it, and there is no HTTP
    /// response.
    pub message: bool,
}

/// Resolves a parsed expression; reports why not and returns `None` when it cannot be.
///
/// `text` is the string the expression was parsed from and `offset` where the expression
/// starts in it, so that errors point at it.
pub(super) fn resolve(
    ck: &Checker,
    names: &Names,
    phase: Phase,
    e: &Expr,
    at: &Pointer,
    text: &str,
    offset: usize,
) -> Option<ir::Expr> {
    let shown = e.to_string();
    if let Some(fixed) = dotted_navigation(names, phase, e) {
        ck.warning_in(Rule::NonstandardForm,
            at,
            text,
            offset,
            shown.len(),
            format!("`{shown}` names no declared value; read as `{fixed}`"),
        )
        .note("a dot in an input or output name is part of the name; `#/…` reaches inside a value. `strict = true` makes this an error");
        return resolve(ck, names, phase, &fixed, at, text, offset);
    }
    let error_of = |rule: Rule, message: String| {
        ck.error_in(rule, at, text, offset, shown.len(), message);
    };
    let error = |message: String| error_of(Rule::NoHttpResponse, message);
    let needs_response = |what: &str| -> bool {
        match phase {
            Phase::Response(scope) if scope.message => error(format!(
                "`{what}` is not available in a step that sends or receives a message: it has no HTTP response; use `$message.payload` or `$message.header.<name>`"
            )),
            Phase::Response(_) => return true,
            Phase::SubWorkflow { .. } => error(format!(
                "`{what}` is not available in a step that runs a workflow: it has no HTTP response; use `$outputs.<name>`"
            )),
            _ => error(format!(
                "`{what}` is only available after the step's request is sent: in success criteria, actions and step outputs"
            )),
        }
        false
    };
    match e {
        Expr::StatusCode => needs_response("$statusCode").then_some(ir::Expr::StatusCode),
        Expr::Url => needs_response("$url").then_some(ir::Expr::Url),
        Expr::Method => needs_response("$method").then_some(ir::Expr::Method),
        Expr::Response(source) => {
            if !needs_response("$response") {
                return None;
            }
            match source {
                MessageSource::Header(name) => Some(ir::Expr::ResponseHeader(name.clone())),
                MessageSource::Body(pointer) => Some(ir::Expr::ResponseBody(
                    pointer
                        .as_ref()
                        .filter(|p| !p.is_root())
                        .map(ToString::to_string),
                )),
                MessageSource::Query(_) | MessageSource::Path(_) => {
                    error(format!(
                        "`{shown}`: a response has no query or path parameters"
                    ));
                    None
                }
                // The parser accepts `payload` only after `$message`.
                MessageSource::Payload(_) => None,
            }
        }
        Expr::Input { name, pointer } => {
            let Some((ident, required, _)) = names.inputs.get(name) else {
                let mut diag = ck.error_in(
                    Rule::UnknownInput,
                    at,
                    text,
                    offset,
                    shown.len(),
                    format!("unknown input `{name}` of workflow `{}`", names.workflow_id),
                );
                diag = match resembles(name, names.inputs.keys().map(String::as_str)) {
                    Some(hint) => diag.help(format!(
                        "did you mean `$inputs.{hint}`? else declare `{name}` under the workflow's `inputs.properties`"
                    )),
                    None => diag.help(format!(
                        "declare `{name}` under the workflow's `inputs.properties`"
                    )),
                };
                let _ = diag;
                return None;
            };
            Some(ir::Expr::Input {
                ident: ident.clone(),
                required: *required,
                pointer: pointer
                    .as_ref()
                    .filter(|p| !p.is_root())
                    .map(ToString::to_string),
            })
        }
        Expr::StepOutput {
            step,
            name,
            pointer,
        } => {
            let Some(step_names) = names.steps.get(step) else {
                let mut diag = ck.error_in(
                    Rule::UnknownStep,
                    at,
                    text,
                    offset,
                    shown.len(),
                    format!("unknown step `{step}` in workflow `{}`", names.workflow_id),
                );
                if let Some(hint) = did_you_mean(step, names.steps.keys().map(String::as_str)) {
                    diag = diag.help(format!("did you mean `{hint}`?"));
                }
                let _ = diag;
                return None;
            };
            if let (None, Some(implicit)) =
                (step_names.outputs.get(name), step_names.implicit.get(name))
            {
                ck.warning_in(Rule::NonstandardForm,
                    at,
                    text,
                    offset,
                    shown.len(),
                    format!(
                        "step `{step}` declares no output `{name}`; read as the output `{name}` of the workflow it runs"
                    ),
                )
                .help(format!(
                    "declare it under the step's `outputs`: `{name}: $outputs.{name}`"
                ))
                .note("`strict = true` makes this an error");
                let pointer = pointer
                    .as_ref()
                    .filter(|p| !p.is_root())
                    .map(ToString::to_string);
                // In the step's own criteria, actions and outputs it is `$outputs.<name>`.
                if matches!(phase, Phase::SubWorkflow { step: current, .. } if current == step) {
                    return Some(ir::Expr::SubOutput {
                        ident: implicit.called_ident.clone(),
                        pointer,
                    });
                }
                step_names.implicit_read.borrow_mut().insert(name.clone());
                return Some(ir::Expr::StepOutput {
                    step_ident: step_names.ident.clone(),
                    ident: implicit.ident.clone(),
                    pointer,
                });
            }
            let Some(ident) = step_names.outputs.get(name) else {
                let mut diag = ck.error_in(
                    Rule::UnknownOutput,
                    at,
                    text,
                    offset,
                    shown.len(),
                    format!("step `{step}` has no output `{name}`"),
                );
                diag = match did_you_mean(name, step_names.outputs.keys().map(String::as_str)) {
                    Some(hint) => diag.help(format!("did you mean `{hint}`?")),
                    None if step_names.outputs.is_empty() => {
                        diag.help(format!("step `{step}` declares no outputs"))
                    }
                    None => {
                        let list: Vec<String> = step_names
                            .outputs
                            .keys()
                            .map(|k| format!("`{k}`"))
                            .collect();
                        diag.help(format!("its outputs are {}", list.join(", ")))
                    }
                };
                let _ = diag;
                return None;
            };
            Some(ir::Expr::StepOutput {
                step_ident: step_names.ident.clone(),
                ident: ident.clone(),
                pointer: pointer
                    .as_ref()
                    .filter(|p| !p.is_root())
                    .map(ToString::to_string),
            })
        }
        Expr::SourceDescription { source, member } if member == "url" => {
            match ck
                .doc
                .source_descriptions
                .iter()
                .find(|s| &s.name == source)
            {
                Some(description) => {
                    Some(ir::Expr::Constant(Value::String(description.url.clone())))
                }
                None => {
                    error_of(
                        Rule::UnknownSource,
                        format!("unknown source description `{source}`"),
                    );
                    None
                }
            }
        }
        Expr::Request(source) => {
            if !needs_response("$request") {
                return None;
            }
            let Phase::Response(scope) = phase else {
                return None;
            };
            request(ck, scope, source, at, text, offset, &shown)
        }
        Expr::Output { name, pointer } => {
            let Phase::SubWorkflow { outputs, .. } = phase else {
                error(format!(
                    "`{shown}`: `$outputs` can only be used in a step that runs a workflow, for that workflow's outputs"
                ));
                return None;
            };
            let Some(ident) = outputs.get(name) else {
                let mut diag = ck.error_in(
                    Rule::UnknownOutput,
                    at,
                    text,
                    offset,
                    shown.len(),
                    format!("the workflow this step runs has no output `{name}`"),
                );
                if let Some(hint) = did_you_mean(name, outputs.keys().map(String::as_str)) {
                    diag = diag.help(format!("did you mean `$outputs.{hint}`?"));
                }
                let _ = diag;
                return None;
            };
            Some(ir::Expr::SubOutput {
                ident: ident.clone(),
                pointer: pointer
                    .as_ref()
                    .filter(|p| !p.is_root())
                    .map(ToString::to_string),
            })
        }
        Expr::Workflow {
            workflow,
            field,
            name,
            pointer,
        } => {
            // Not a dependency, but run by one step of this workflow: its outputs are that
            // step's (as the usearazzo runner reads them).
            if let (None, WorkflowField::Outputs) = (names.dependencies.get(workflow), field) {
                let running: Vec<&String> = names
                    .steps
                    .iter()
                    .filter(|(_, s)| s.runs.as_deref() == Some(workflow.as_str()))
                    .map(|(id, _)| id)
                    .collect();
                if running.len() > 1 {
                    let list: Vec<String> = running.iter().map(|s| format!("`{s}`")).collect();
                    ck.error_in(Rule::UndeclaredDependency,
                        at,
                        text,
                        offset,
                        shown.len(),
                        format!(
                            "`$workflows.{workflow}` is not in `dependsOn` and several steps run it ({})",
                            list.join(", ")
                        ),
                    )
                    .help(format!("read the one you mean as `$steps.<step>.outputs.{name}`"));
                    return None;
                }
                if let [step] = running.as_slice() {
                    let step = *step;
                    ck.warning_in(Rule::UndeclaredDependency,
                        at,
                        text,
                        offset,
                        shown.len(),
                        format!(
                            "`$workflows.{workflow}` is not in `dependsOn`; read as the outputs of step `{step}`, which runs it"
                        ),
                    )
                    .help(format!("write `$steps.{step}.outputs.{name}`"))
                    .note("`strict = true` makes this an error");
                    let as_step = Expr::StepOutput {
                        step: step.clone(),
                        name: name.clone(),
                        pointer: pointer.clone(),
                    };
                    return resolve(ck, names, phase, &as_step, at, text, offset);
                }
            }
            if let Some(dependency) = names.dependencies.get(workflow).filter(|d| d.implicit) {
                let _ = dependency;
                ck.warning_in(
                    Rule::UndeclaredDependency,
                    at,
                    text,
                    offset,
                    shown.len(),
                    format!(
                        "`$workflows.{workflow}` is not in `dependsOn`, and no step runs `{workflow}`; it runs first, as if `dependsOn` listed it"
                    ),
                )
                .help(format!("add `{workflow}` to this workflow's `dependsOn`"));
            }
            let Some(dependency) = names.dependencies.get(workflow) else {
                ck.error_in(Rule::UndeclaredDependency,
                    at,
                    text,
                    offset,
                    shown.len(),
                    format!(
                        "`$workflows.{workflow}` can only be read by a workflow that lists `{workflow}` in `dependsOn`"
                    ),
                );
                return None;
            };
            let (fields, outputs) = match field {
                WorkflowField::Inputs => (&dependency.inputs, false),
                WorkflowField::Outputs => (&dependency.outputs, true),
            };
            let Some(ident) = fields.get(name) else {
                let rule = match outputs {
                    true => Rule::UnknownOutput,
                    false => Rule::UnknownInput,
                };
                let mut diag = ck.error_in(
                    rule,
                    at,
                    text,
                    offset,
                    shown.len(),
                    format!(
                        "the workflow `{workflow}` has no {} `{name}`",
                        if outputs { "output" } else { "input" }
                    ),
                );
                if let Some(hint) = did_you_mean(name, fields.keys().map(String::as_str)) {
                    diag = diag.help(format!("did you mean `{hint}`?"));
                }
                let _ = diag;
                return None;
            };
            Some(ir::Expr::Dependency {
                var: dependency.var.clone(),
                outputs,
                ident: ident.clone(),
                pointer: pointer
                    .as_ref()
                    .filter(|p| !p.is_root())
                    .map(ToString::to_string),
            })
        }
        Expr::SourceDescription { .. } | Expr::Component { .. } => {
            error_of(Rule::InvalidExpression, format!("`{shown}` is not a value"));
            None
        }
        Expr::SelfUri | Expr::Message(_) if ck.version < model::SpecVersion::V1_1 => {
            let root = if matches!(e, Expr::SelfUri) {
                "$self"
            } else {
                "$message"
            };
            error_of(
                Rule::NewerFeature,
                format!("`{root}` is only defined in Arazzo 1.1, not in 1.0.x"),
            );
            None
        }
        // 1.1: the canonical URI the document gives itself.
        Expr::SelfUri => match &ck.doc.self_uri {
            Some(uri) => Some(ir::Expr::Constant(serde_json::Value::String(
                uri.trim().to_owned(),
            ))),
            None => {
                error_of(
                    Rule::UnknownField,
                    "`$self` reads the document's `$self` field, and this document has none"
                        .to_owned(),
                );
                None
            }
        },
        Expr::Message(source) => match phase {
            Phase::Response(scope) if scope.message => match source {
                MessageSource::Header(name) => Some(ir::Expr::ResponseHeader(name.clone())),
                MessageSource::Payload(pointer) | MessageSource::Body(pointer) => {
                    Some(ir::Expr::ResponseBody(
                        pointer
                            .as_ref()
                            .filter(|p| !p.is_root())
                            .map(ToString::to_string),
                    ))
                }
                MessageSource::Query(_) | MessageSource::Path(_) => {
                    error(format!(
                        "`{shown}`: a message has no query or path parameters"
                    ));
                    None
                }
            },
            Phase::Response(_) | Phase::SubWorkflow { .. } => {
                error(format!(
                    "`{shown}` reads a message, and this step does not send or receive one; use `$response` for an HTTP response"
                ));
                None
            }
            _ => {
                error(format!(
                    "`{shown}` is only available once the step has its message: in success criteria, actions and step outputs"
                ));
                None
            }
        },
    }
}

/// `$request.query.x`, `$request.path.x`, `$request.header.x` and `$request.body#/ptr`:
/// query and path parameters must be declared by the operation (the spec: "MUST be declared
/// in the parameters section of the parent operation"); a header that is not declared is a
/// warning (the content type and credentials are sent without being parameters); the body
/// must be sent.
fn request(
    ck: &Checker,
    scope: &RequestScope,
    source: &MessageSource,
    at: &Pointer,
    text: &str,
    offset: usize,
    shown: &str,
) -> Option<ir::Expr> {
    let undeclared = |kind: &str, name: &str, declared: &[String]| {
        let mut diag = ck.error_in(
            Rule::UnknownParameter,
            at,
            text,
            offset,
            shown.len(),
            format!("`{shown}`: the operation declares no {kind} parameter `{name}`"),
        );
        diag = match did_you_mean(name, declared.iter().map(String::as_str)) {
            Some(hint) => diag.help(format!("did you mean `{hint}`?")),
            None if declared.is_empty() => {
                diag.help(format!("the operation has no {kind} parameters"))
            }
            None => {
                let list: Vec<String> = declared.iter().map(|d| format!("`{d}`")).collect();
                diag.help(format!("its {kind} parameters are {}", list.join(", ")))
            }
        };
        let _ = diag;
    };
    match source {
        // The parser accepts `payload` only after `$message`.
        MessageSource::Payload(_) => None,
        MessageSource::Query(name) => {
            if !scope.query.contains(name) {
                undeclared("query", name, &scope.query);
                return None;
            }
            Some(ir::Expr::Request(ir::RequestPart::Query(name.clone())))
        }
        MessageSource::Path(name) => {
            if !scope.path.contains(name) {
                undeclared("path", name, &scope.path);
                return None;
            }
            Some(ir::Expr::Request(ir::RequestPart::Path(name.clone())))
        }
        MessageSource::Header(name) => {
            const SENT_ANYWAY: [&str; 3] = ["content-type", "authorization", "cookie"];
            let declared = scope.headers.iter().any(|h| h.eq_ignore_ascii_case(name))
                || SENT_ANYWAY.iter().any(|h| h.eq_ignore_ascii_case(name));
            if !declared {
                ck.warning_in(
                    Rule::UnknownParameter,
                    at,
                    text,
                    offset,
                    shown.len(),
                    format!("`{shown}`: the operation declares no header parameter `{name}`"),
                )
                .note("the value is absent unless the step or its credentials send that header");
            }
            Some(ir::Expr::Request(ir::RequestPart::Header(name.clone())))
        }
        MessageSource::Body(pointer) => {
            if !scope.body {
                ck.error_in(
                    Rule::NoRequestBody,
                    at,
                    text,
                    offset,
                    shown.len(),
                    format!("`{shown}`: the step sends no request body"),
                );
                return None;
            }
            let pointer = pointer
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default();
            if let (Some((openapi, schema)), false) = (scope.body_schema, pointer.is_empty()) {
                let tokens = crate::source::split_pointer(&pointer);
                if let types::Found::Missing {
                    index,
                    known,
                    closed,
                } = types::follow_pointer(openapi, schema, &tokens)
                {
                    let inside = if index == 0 {
                        "the request body".to_owned()
                    } else {
                        format!("`#/{}` of the request body", tokens[..index].join("/"))
                    };
                    let message = format!(
                        "`{shown}`: the operation declares no property `{}` in {inside}",
                        tokens[index]
                    );
                    // A closed schema rules the property out; an open one only does not
                    // list it.
                    let mut diag = if closed {
                        ck.error_in(
                            Rule::UnknownProperty,
                            at,
                            text,
                            offset,
                            shown.len(),
                            message,
                        )
                    } else {
                        ck.warning_in(
                            Rule::UnknownProperty,
                            at,
                            text,
                            offset,
                            shown.len(),
                            message,
                        )
                    };
                    diag = match resembles(&tokens[index], known.iter().map(String::as_str)) {
                        Some(hint) => diag.help(format!("did you mean `{hint}`?")),
                        None => {
                            let list: Vec<String> =
                                known.iter().map(|k| format!("`{k}`")).collect();
                            diag.help(format!("it has {}", list.join(", ")))
                        }
                    };
                    let _ = diag;
                    if closed {
                        return None;
                    }
                }
            }
            Some(ir::Expr::Request(ir::RequestPart::Body(pointer)))
        }
    }
}

/// Lowers a parameter value or payload: literals stay literals, strings that are runtime
/// expressions or hold `{$…}` are computed, objects and arrays are walked.
pub(super) fn value(ck: &Checker, names: &Names, v: &Value, at: &Pointer) -> Option<ir::ValueSpec> {
    value_in(ck, names, Phase::Request, v, at)
}

/// As [`value`], for a value computed in `phase`: the inputs an action passes to a
/// workflow (Arazzo 1.1) are computed after the step, and can read its response.
pub(super) fn value_in(
    ck: &Checker,
    names: &Names,
    phase: Phase,
    v: &Value,
    at: &Pointer,
) -> Option<ir::ValueSpec> {
    // In a 1.1 document an object of `context`, `selector` and `type` is a Selector Object;
    // in a 1.0 document it is data.
    if ck.version >= model::SpecVersion::V1_1 {
        if let Some(parsed) = model::Selector::in_value(v) {
            return match parsed {
                Ok(sel) => {
                    let expr = super::selectors::lower(ck, names, phase, &sel, at)?;
                    Some(ir::ValueSpec::Expr {
                        expr,
                        text: sel.text(),
                    })
                }
                Err(message) => {
                    ck.error(
                        Rule::InvalidSelector,
                        at,
                        format!("invalid Selector Object: {message}"),
                    );
                    None
                }
            };
        }
    }
    match v {
        Value::String(s) => string(ck, names, phase, s, at),
        Value::Object(map) => {
            let mut members = Vec::with_capacity(map.len());
            let mut ok = true;
            for (key, member) in map {
                match value_in(ck, names, phase, member, &at.key(key)) {
                    Some(spec) => members.push((key.clone(), spec)),
                    None => ok = false,
                }
            }
            if !ok {
                return None;
            }
            if members
                .iter()
                .all(|(_, m)| matches!(m, ir::ValueSpec::Literal(_)))
            {
                return Some(ir::ValueSpec::Literal(v.clone()));
            }
            Some(ir::ValueSpec::Object(members))
        }
        Value::Array(items) => {
            let mut specs = Vec::with_capacity(items.len());
            let mut ok = true;
            for (index, item) in items.iter().enumerate() {
                match value_in(ck, names, phase, item, &at.index(index)) {
                    Some(spec) => specs.push(spec),
                    None => ok = false,
                }
            }
            if !ok {
                return None;
            }
            if specs.iter().all(|m| matches!(m, ir::ValueSpec::Literal(_))) {
                return Some(ir::ValueSpec::Literal(v.clone()));
            }
            Some(ir::ValueSpec::Array(specs))
        }
        other => Some(ir::ValueSpec::Literal(other.clone())),
    }
}

/// A whole runtime expression (an output, a selector's context), resolved.
pub(super) fn expression(
    ck: &Checker,
    names: &Names,
    phase: Phase,
    text: &str,
    at: &Pointer,
) -> Option<ir::Expr> {
    let offset = text.len() - text.trim_start().len();
    match expr::parse_expression(text.trim()) {
        Ok(e) => resolve(ck, names, phase, &e, at, text, offset),
        Err(e) => {
            let e = unparsed(ck, at, text, offset, e)?;
            resolve(ck, names, phase, &e, at, text, offset)
        }
    }
}

/// An output's value: a runtime expression or a Selector Object.
pub(super) fn output(
    ck: &Checker,
    names: &Names,
    phase: Phase,
    value: &model::OutputValue,
    at: &Pointer,
) -> Option<ir::Expr> {
    match value {
        model::OutputValue::Expression(text) => expression(ck, names, phase, text, at),
        model::OutputValue::Selector(sel) => super::selectors::lower(ck, names, phase, sel, at),
    }
}

/// An expression that does not parse: an error, unless it is a common non-standard
/// spelling with one meaning (`$response.body.id`), which is a warning and yields the
/// standard expression it means. `lead` is where the parsed text starts in `text`.
pub(super) fn unparsed(
    ck: &Checker,
    at: &Pointer,
    text: &str,
    lead: usize,
    e: expr::ExprError,
) -> Option<expr::Expr> {
    match e.fix {
        Some(fixed) => {
            ck.warning_in(
                Rule::NonstandardForm,
                at,
                text,
                e.offset + lead,
                e.len,
                e.message,
            )
            .note(format!(
                "read as `{fixed}`; `strict = true` makes this an error"
            ));
            Some(*fixed)
        }
        None => {
            ck.error_in(
                Rule::InvalidExpression,
                at,
                text,
                e.offset + lead,
                e.len,
                e.message,
            );
            None
        }
    }
}

fn string(
    ck: &Checker,
    names: &Names,
    phase: Phase,
    s: &str,
    at: &Pointer,
) -> Option<ir::ValueSpec> {
    match expr::classify(s) {
        Err(e) => {
            let e = unparsed(ck, at, s, 0, e)?;
            let resolved = resolve(ck, names, phase, &e, at, s, 0)?;
            Some(ir::ValueSpec::Expr {
                expr: resolved,
                text: e.to_string(),
            })
        }
        Ok(ValueKind::Expression(e)) => {
            let offset = s.len() - s.trim_start().len();
            let resolved = resolve(ck, names, phase, &e, at, s, offset)?;
            Some(ir::ValueSpec::Expr {
                expr: resolved,
                text: s.trim().to_owned(),
            })
        }
        Ok(ValueKind::Template(parts)) => {
            let mut out = Vec::with_capacity(parts.len());
            let mut ok = true;
            for part in parts {
                match part {
                    expr::TemplatePart::Lit(text) => out.push(ir::TemplatePart::Text(text)),
                    expr::TemplatePart::Expr { expr: e, span } => {
                        match resolve(ck, names, phase, &e, at, s, span.offset) {
                            Some(resolved) => out.push(ir::TemplatePart::Expr {
                                expr: resolved,
                                text: e.to_string(),
                            }),
                            None => ok = false,
                        }
                    }
                }
            }
            ok.then_some(ir::ValueSpec::Template(out))
        }
        Ok(ValueKind::Literal) => {
            warn_unknown_root(ck, at, s);
            for span in expr::find_bare_expressions(s) {
                let bare = &s[span.offset..span.offset + span.len];
                ck.warning_in(
                    Rule::LiteralExpression,
                    at,
                    s,
                    span.offset,
                    span.len,
                    format!("`{bare}` is not in braces, so it is sent literally"),
                )
                .help(format!("write `{{{bare}}}` to insert its value"));
            }
            Some(ir::ValueSpec::Literal(Value::String(s.to_owned())))
        }
    }
}

/// Warns about a value that starts like a runtime expression with a root Arazzo does not
/// have (`$datetime.iso8601`, `$now`): it is sent as the text it is, which is seldom meant.
fn warn_unknown_root(ck: &Checker, at: &Pointer, s: &str) {
    let lead = s.len() - s.trim_start().len();
    let Some(rest) = s[lead..].strip_prefix('$') else {
        return;
    };
    let word_len = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    let word = &rest[..word_len];
    if !word.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return;
    }
    let root = format!("${word}");
    let end = s[lead..]
        .find(char::is_whitespace)
        .map_or(s.len(), |i| lead + i);
    let written = &s[lead..end];
    let mut warning = ck.warning_in(Rule::LiteralExpression,
        at,
        s,
        lead,
        written.len(),
        format!("`{written}` is not a runtime expression (Arazzo has no `{root}`), so it is sent as this text"),
    );
    let roots = expr::ROOTS.iter().copied().chain(["$self", "$message"]);
    if let Some(hint) = did_you_mean(&root, roots) {
        warning = warning.help(format!("did you mean `{hint}`?"));
    }
    warning.note(
        "runtime expressions start with `$url`, `$method`, `$statusCode`, `$request`, `$response`, `$inputs`, `$outputs`, `$steps`, `$workflows`, `$sourceDescriptions` or `$components`; a value computed by the caller (a date, a time) goes in through `$inputs`",
    );
}
