//! Rules about the document as a whole: version, unique names, unknown fields.

use std::collections::HashMap;

use super::{workflow_pointer, Checker};
use crate::model::{self, Extensions};
use crate::rules::Rule;
use crate::source::Pointer;

/// `arazzo: 2.0.0`: only 1.0.x and 1.1.x documents are read; the patch version is
/// ignored, as the specification asks.
pub(super) fn check_version(ck: &Checker) {
    if ck.doc.spec_version().is_none() {
        let version = ck.doc.arazzo.trim();
        ck.error(
            Rule::UnsupportedVersion,
            &Pointer::root().key("arazzo"),
            format!(
                "unsupported Arazzo version `{version}`; this generator supports 1.0.x and 1.1.x"
            ),
        );
    }
}

/// `$self: https://example.com/flows#main`: the document's URI must be a URI-reference
/// without a fragment (1.1, Arazzo Specification Object). In a 1.0 document the field is
/// unknown (reported with the other unknown fields).
pub(super) fn check_self(ck: &Checker) {
    let Some(uri) = &ck.doc.self_uri else {
        return;
    };
    if ck.version < model::SpecVersion::V1_1 {
        return;
    }
    let at = Pointer::root().key("$self");
    if let Some(hash) = uri.find('#') {
        ck.error_in(
            Rule::InvalidSelf,
            &at,
            uri,
            hash,
            uri.len() - hash,
            format!(
                "`$self` must not contain a fragment identifier; remove `{}`",
                &uri[hash..]
            ),
        );
    } else if let Some(bad) = uri.char_indices().find(|(_, c)| {
        c.is_whitespace()
            || c.is_control()
            || matches!(c, '<' | '>' | '"' | '{' | '}' | '|' | '\\' | '^' | '`')
    }) {
        ck.error_in(
            Rule::InvalidSelf,
            &at,
            uri,
            bad.0,
            bad.1.len_utf8(),
            format!(
                "`$self` is not a URI-reference: `{}` must be percent-encoded",
                bad.1.escape_default()
            ),
        );
    }
}

/// `timeout: 5000` in an `arazzo: 1.0.1` document: a field Arazzo 1.1 added. Step fields
/// are read as 1.1 defines them, with a warning, since 1.0 tools ignore them; `$self`, which
/// would move every relative source, is ignored. (Selector Objects, which change what a
/// value means, are errors in 1.0 documents where they are lowered.)
pub(super) fn check_newer_fields(ck: &Checker) {
    if ck.version >= model::SpecVersion::V1_1 {
        return;
    }
    let report = |at: Pointer, field: &str, effect: &str| {
        ck.cx
            .warning(
                Rule::NewerFeature,
                &ck.file.key_span(&at),
                format!(
                    "`{field}` is an Arazzo 1.1 field; this document says `arazzo: {}`",
                    ck.doc.arazzo.trim()
                ),
            )
            .note(effect.to_owned())
            .help("write `arazzo: 1.1.0` to use the 1.1 fields");
    };
    let read = "it is read as Arazzo 1.1 defines it; tools that read 1.0 ignore it";
    if ck.doc.self_uri.is_some() {
        report(
            Pointer::root().key("$self"),
            "$self",
            "it is ignored: relative source urls resolve against the document's location",
        );
    }
    // Action `parameters`, by the index of the action in its list.
    let action_list = |at: Pointer, indices: Vec<usize>| {
        for index in indices {
            report(at.index(index).key("parameters"), "parameters", read);
        }
    };
    for (wf_index, wf) in ck.doc.workflows.iter().enumerate() {
        for (index, step) in wf.steps.iter().enumerate() {
            let at = workflow_pointer(wf_index).key("steps").index(index);
            let present = [
                ("channelPath", step.channel_path.is_some()),
                ("timeout", step.timeout.is_some()),
                ("correlationId", step.correlation_id.is_some()),
                ("action", step.action.is_some()),
                ("dependsOn", step.depends_on.is_some()),
            ];
            for (field, _) in present.iter().filter(|(_, p)| *p) {
                report(at.key(field), field, read);
            }
            let on_success = with_parameters(step.on_success.as_deref(), |a| &a.parameters);
            let on_failure = with_parameters(step.on_failure.as_deref(), |a| &a.parameters);
            action_list(at.key("onSuccess"), on_success);
            action_list(at.key("onFailure"), on_failure);
            let replacements = step
                .request_body
                .iter()
                .flat_map(|b| b.replacements.iter().flatten());
            for (r, replacement) in replacements.enumerate() {
                if replacement.target_selector_type.is_some() {
                    let at = at.key("requestBody").key("replacements").index(r);
                    report(at.key("targetSelectorType"), "targetSelectorType", read);
                }
            }
        }
        let at = workflow_pointer(wf_index);
        let success = with_parameters(wf.success_actions.as_deref(), |a| &a.parameters);
        let failure = with_parameters(wf.failure_actions.as_deref(), |a| &a.parameters);
        action_list(at.key("successActions"), success);
        action_list(at.key("failureActions"), failure);
    }
    let components = ck.doc.components.as_ref();
    let success = components.and_then(|c| c.success_actions.as_ref());
    let failure = components.and_then(|c| c.failure_actions.as_ref());
    let named = success
        .into_iter()
        .flatten()
        .filter(|(_, a)| a.parameters.is_some())
        .map(|(name, _)| ("successActions", name))
        .chain(
            failure
                .into_iter()
                .flatten()
                .filter(|(_, a)| a.parameters.is_some())
                .map(|(name, _)| ("failureActions", name)),
        );
    for (kind, name) in named {
        let at = Pointer::root().key("components").key(kind).key(name);
        report(at.key("parameters"), "parameters", read);
    }
}

/// The indices of the entries of an action list that are actions (not references) with
/// `parameters`.
fn with_parameters<T>(
    list: Option<&[model::ReusableOr<T>]>,
    parameters: impl Fn(&T) -> &Option<Vec<model::ReusableOr<model::Parameter>>>,
) -> Vec<usize> {
    let list = list.unwrap_or_default().iter().enumerate();
    list.filter(|(_, entry)| matches!(entry, model::ReusableOr::Item(a) if parameters(a).is_some()))
        .map(|(index, _)| index)
        .collect()
}

/// `workflows: []`, `sourceDescriptions: []` or a workflow with `steps: []`: the
/// specification asks for at least one of each (the schema's `minItems: 1`).
pub(super) fn check_non_empty_lists(ck: &Checker) {
    if ck.doc.source_descriptions.is_empty() {
        ck.error(
            Rule::EmptyList,
            &Pointer::root().key("sourceDescriptions"),
            "the document has no source descriptions; it needs at least one",
        );
    }
    if ck.doc.workflows.is_empty() {
        ck.error(
            Rule::EmptyList,
            &Pointer::root().key("workflows"),
            "the document has no workflows; it needs at least one",
        );
    }
    for (index, wf) in ck.doc.workflows.iter().enumerate() {
        if wf.steps.is_empty() {
            ck.error(
                Rule::EmptyList,
                &workflow_pointer(index).key("steps"),
                format!(
                    "workflow `{}` has no steps; it needs at least one",
                    wf.workflow_id
                ),
            );
        }
    }
}

/// Names the specification restricts to `^[a-zA-Z0-9.\-_]+$`: the keys of workflow and
/// step `outputs` and of `components`. Other names still work here (they become Rust
/// identifiers of their own), but other tools may reject them.
pub(super) fn check_key_names(ck: &Checker) {
    let valid = |key: &str| {
        !key.is_empty()
            && key
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
    };
    let report = |at: Pointer, what: &str, key: &str| {
        if !valid(key) {
            ck.warning(
                Rule::KeyCharacters,
                &at,
                format!(
                    "{what} `{key}` has characters other than letters, digits, `.`, `-` and `_`"
                ),
            )
            .note("the specification requires names matching `^[a-zA-Z0-9.\\-_]+$`");
        }
    };
    for (index, wf) in ck.doc.workflows.iter().enumerate() {
        let at = workflow_pointer(index);
        for key in wf.outputs.iter().flat_map(|o| o.keys()) {
            report(at.key("outputs").key(key), "the output name", key);
        }
        for (step_index, step) in wf.steps.iter().enumerate() {
            let step_at = at.key("steps").index(step_index);
            for key in step.outputs.iter().flat_map(|o| o.keys()) {
                report(step_at.key("outputs").key(key), "the output name", key);
            }
        }
    }
    if let Some(components) = &ck.doc.components {
        let at = Pointer::root().key("components");
        let inputs = components.inputs.iter().flat_map(|m| m.keys());
        let parameters = components.parameters.iter().flat_map(|m| m.keys());
        let successes = components.success_actions.iter().flat_map(|m| m.keys());
        let failures = components.failure_actions.iter().flat_map(|m| m.keys());
        for (kind, keys) in [
            ("inputs", inputs.collect::<Vec<_>>()),
            ("parameters", parameters.collect()),
            ("successActions", successes.collect()),
            ("failureActions", failures.collect()),
        ] {
            for key in keys {
                report(at.key(kind).key(key), "the component name", key);
            }
        }
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
                Rule::DuplicateName,
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
                Rule::DuplicateName,
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
                Rule::DuplicateName,
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

/// `operationID: getPet` (a misspelt field) is ignored by serde; say so, for every object.
pub(super) fn check_unknown_fields(ck: &Checker) {
    use model::{
        Components, Criterion, Document, FailureAction, Info, Parameter, PayloadReplacement,
        RequestBody, Reusable, ReusableOr, SourceDescription, Step, SuccessAction, Workflow,
    };

    let root = Pointer::root();
    let doc = ck.doc;
    unknown(ck, &root, &doc.extensions, Document::FIELDS);
    unknown(ck, &root.key("info"), &doc.info.extensions, Info::FIELDS);
    for (index, source) in doc.source_descriptions.iter().enumerate() {
        let at = root.key("sourceDescriptions").index(index);
        unknown(ck, &at, &source.extensions, SourceDescription::FIELDS);
    }
    let type_field = |at: &Pointer, field: Option<&model::TypeField>| {
        if let Some(model::TypeField::Expression(e)) = field {
            unknown(ck, at, &e.extensions, model::ExpressionType::FIELDS);
        }
    };
    let criteria = |at: &Pointer, list: Option<&Vec<Criterion>>| {
        for (index, criterion) in list.into_iter().flatten().enumerate() {
            unknown(
                ck,
                &at.index(index),
                &criterion.extensions,
                Criterion::FIELDS,
            );
            type_field(
                &at.index(index).key("type"),
                criterion.criterion_type.as_ref(),
            );
        }
    };
    let outputs = |at: &Pointer, map: Option<&indexmap::IndexMap<String, model::OutputValue>>| {
        for (name, value) in map.into_iter().flatten() {
            if let model::OutputValue::Selector(sel) = value {
                unknown(ck, &at.key(name), &sel.extensions, model::Selector::FIELDS);
                type_field(&at.key(name).key("type"), Some(&sel.selector_type));
            }
        }
    };
    let parameters = |at: &Pointer, list: Option<&Vec<ReusableOr<Parameter>>>| {
        for (index, entry) in list.into_iter().flatten().enumerate() {
            let (extensions, fields) = match entry {
                ReusableOr::Item(p) => (&p.extensions, Parameter::FIELDS),
                ReusableOr::Reusable(r) => (&r.extensions, Reusable::FIELDS),
            };
            unknown(ck, &at.index(index), extensions, fields);
        }
    };
    let success = |at: &Pointer, list: Option<&Vec<ReusableOr<SuccessAction>>>| {
        for (index, entry) in list.into_iter().flatten().enumerate() {
            match entry {
                ReusableOr::Item(a) => {
                    unknown(ck, &at.index(index), &a.extensions, SuccessAction::FIELDS);
                    criteria(&at.index(index).key("criteria"), a.criteria.as_ref());
                    parameters(&at.index(index).key("parameters"), a.parameters.as_ref());
                }
                ReusableOr::Reusable(r) => {
                    unknown(ck, &at.index(index), &r.extensions, Reusable::FIELDS)
                }
            }
        }
    };
    let failure = |at: &Pointer, list: Option<&Vec<ReusableOr<FailureAction>>>| {
        for (index, entry) in list.into_iter().flatten().enumerate() {
            match entry {
                ReusableOr::Item(a) => {
                    unknown(ck, &at.index(index), &a.extensions, FailureAction::FIELDS);
                    criteria(&at.index(index).key("criteria"), a.criteria.as_ref());
                    parameters(&at.index(index).key("parameters"), a.parameters.as_ref());
                }
                ReusableOr::Reusable(r) => {
                    unknown(ck, &at.index(index), &r.extensions, Reusable::FIELDS)
                }
            }
        }
    };
    for (wf_index, wf) in doc.workflows.iter().enumerate() {
        let wp = workflow_pointer(wf_index);
        unknown(ck, &wp, &wf.extensions, Workflow::FIELDS);
        outputs(&wp.key("outputs"), wf.outputs.as_ref());
        parameters(&wp.key("parameters"), wf.parameters.as_ref());
        success(&wp.key("successActions"), wf.success_actions.as_ref());
        failure(&wp.key("failureActions"), wf.failure_actions.as_ref());
        for (index, step) in wf.steps.iter().enumerate() {
            let sp = wp.key("steps").index(index);
            unknown(ck, &sp, &step.extensions, Step::FIELDS);
            outputs(&sp.key("outputs"), step.outputs.as_ref());
            parameters(&sp.key("parameters"), step.parameters.as_ref());
            criteria(&sp.key("successCriteria"), step.success_criteria.as_ref());
            success(&sp.key("onSuccess"), step.on_success.as_ref());
            failure(&sp.key("onFailure"), step.on_failure.as_ref());
            if let Some(body) = &step.request_body {
                let bp = sp.key("requestBody");
                unknown(ck, &bp, &body.extensions, RequestBody::FIELDS);
                for (r, replacement) in body.replacements.iter().flatten().enumerate() {
                    let at = bp.key("replacements").index(r);
                    unknown(ck, &at, &replacement.extensions, PayloadReplacement::FIELDS);
                    type_field(
                        &at.key("targetSelectorType"),
                        replacement.target_selector_type.as_ref(),
                    );
                }
            }
        }
    }
    if let Some(components) = &doc.components {
        let cp = root.key("components");
        unknown(ck, &cp, &components.extensions, Components::FIELDS);
        for (name, parameter) in components.parameters.iter().flatten() {
            unknown(
                ck,
                &cp.key("parameters").key(name),
                &parameter.extensions,
                Parameter::FIELDS,
            );
        }
        for (name, action) in components.success_actions.iter().flatten() {
            unknown(
                ck,
                &cp.key("successActions").key(name),
                &action.extensions,
                SuccessAction::FIELDS,
            );
        }
        for (name, action) in components.failure_actions.iter().flatten() {
            unknown(
                ck,
                &cp.key("failureActions").key(name),
                &action.extensions,
                FailureAction::FIELDS,
            );
        }
    }
}

fn unknown(ck: &Checker, at: &Pointer, extensions: &Extensions, known: &[&str]) {
    for key in model::unknown_fields(extensions) {
        let mut warning = ck.cx.warning(
            Rule::UnknownField,
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
