//! Semantic checks: turn the model into the IR while reporting every problem.
//!
//! Each rule is a small function taking the context first, as in `serde_derive`'s
//! `check.rs`; the lowering functions call them as they walk the document, so that one
//! walk both checks and builds the IR. Lowering never stops at the first problem: a part
//! that cannot be lowered is left out of the IR (the IR is then only used for the skeleton,
//! since an error has been reported).
//!
//! Every report names its [`Rule`] (`crate::rules`, the one list of rules with their stable
//! codes, and which module checks each): a new check takes the closest rule there, or adds
//! one. Errors are for what the Arazzo text forbids or generated code cannot do correctly;
//! what the specification allows but is probably a mistake is a warning (README, "What the
//! checker reports").

mod actions;
mod criteria;
mod document;
mod exprs;
mod inputs;
mod messages;
mod operations;
mod params;
mod schemas;
mod selectors;
mod steps;
mod targets;
mod types;
mod workflow;

use crate::diag::{Ctxt, DiagnosticBuilder};
use crate::ir;
use crate::load::{Loaded, LoadedSource};
use crate::model;
use crate::rules::Rule;
use crate::settings::Settings;
use crate::source::{Pointer, SourceFile};

/// What every rule needs: the accumulator, the document and where it came from.
pub(crate) struct Checker<'a> {
    pub cx: &'a Ctxt,
    pub file: &'a SourceFile,
    pub doc: &'a model::Document,
    pub loaded: &'a Loaded,
    /// The feature set the document's `arazzo` field names (1.0 when it names none that
    /// this generator reads; `check_version` reports that).
    pub version: model::SpecVersion,
    /// The document as JSON, for following `$ref`s inside it.
    pub raw: serde_json::Value,
    /// The workflows of this document, as steps, `dependsOn` and actions run them.
    pub local_targets: Vec<targets::CallTarget>,
    /// The workflows of the Arazzo documents of `type: arazzo` source descriptions, by
    /// source description name.
    pub external: indexmap::IndexMap<String, targets::External>,
    /// The types generated from OpenAPI schemas so far.
    pub schemas: std::cell::RefCell<schemas::Registry>,
}

impl Checker<'_> {
    /// Reports an error of `rule` at the value at `pointer`.
    pub fn error(
        &self,
        rule: Rule,
        pointer: &Pointer,
        message: impl Into<String>,
    ) -> DiagnosticBuilder<'_> {
        self.cx.error(rule, &self.file.span(pointer), message)
    }

    /// Reports a warning of `rule` at the value at `pointer`.
    pub fn warning(
        &self,
        rule: Rule,
        pointer: &Pointer,
        message: impl Into<String>,
    ) -> DiagnosticBuilder<'_> {
        self.cx.warning(rule, &self.file.span(pointer), message)
    }

    /// Reports an error at `len` bytes starting `offset` bytes into the string at `pointer`.
    pub fn error_in(
        &self,
        rule: Rule,
        pointer: &Pointer,
        text: &str,
        offset: usize,
        len: usize,
        message: impl Into<String>,
    ) -> DiagnosticBuilder<'_> {
        let (start, width) = char_range(text, offset, len);
        self.cx
            .error(rule, &self.file.span_at(pointer, start, width), message)
    }

    /// Reports a warning inside the string at `pointer`, like [`Checker::error_in`].
    pub fn warning_in(
        &self,
        rule: Rule,
        pointer: &Pointer,
        text: &str,
        offset: usize,
        len: usize,
        message: impl Into<String>,
    ) -> DiagnosticBuilder<'_> {
        let (start, width) = char_range(text, offset, len);
        self.cx
            .warning(rule, &self.file.span_at(pointer, start, width), message)
    }

    /// The OpenAPI description loaded for the source description at `index`.
    pub fn openapi(&self, index: usize) -> Option<&crate::load::OpenApiSource> {
        match self.loaded.sources.get(index)? {
            LoadedSource::OpenApi(source) => Some(source),
            // Its messages, described as OpenAPI operations.
            LoadedSource::AsyncApi(source) => Some(&source.openapi),
            _ => None,
        }
    }

    /// The AsyncAPI description of source `index`, if it is one.
    pub fn asyncapi(&self, index: usize) -> Option<&crate::asyncapi::AsyncApiSource> {
        match self.loaded.sources.get(index)? {
            LoadedSource::AsyncApi(source) => Some(source),
            _ => None,
        }
    }
}

/// A byte range of `text` as a character offset and width, for diagnostics.
fn char_range(text: &str, offset: usize, len: usize) -> (usize, usize) {
    let clamp = |i: usize| {
        let mut i = i.min(text.len());
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let (start, end) = (clamp(offset), clamp(offset + len));
    (
        text[..start].chars().count(),
        text[start..end].chars().count().max(1),
    )
}

/// Checks the loaded document and lowers it to the IR. `None` only when there is nothing
/// to generate from.
pub(crate) fn check(cx: &Ctxt, loaded: &Loaded, settings: &Settings) -> Option<ir::Plan> {
    let mut ck = Checker {
        cx,
        file: &loaded.arazzo,
        doc: &loaded.document,
        loaded,
        version: loaded
            .document
            .spec_version()
            .unwrap_or(model::SpecVersion::V1_0),
        raw: serde_json::to_value(&loaded.document).unwrap_or_default(),
        local_targets: Vec::new(),
        external: indexmap::IndexMap::new(),
        schemas: Default::default(),
    };
    document::check_version(&ck);
    document::check_self(&ck);
    document::check_newer_fields(&ck);
    document::check_non_empty_lists(&ck);
    document::check_unique_source_names(&ck);
    document::check_unique_workflow_ids(&ck);
    document::check_unknown_fields(&ck);
    document::check_key_names(&ck);

    let modules = other_documents(&mut ck, settings);
    let sources = operations::plan_sources(&ck);
    let signatures = workflow::signatures(&ck);
    ck.local_targets = workflow::local_targets(&signatures);
    let mut workflows = Vec::with_capacity(ck.doc.workflows.len());
    for (index, wf) in ck.doc.workflows.iter().enumerate() {
        let others = workflow::Others {
            signatures: &signatures,
            lowered: &workflows,
        };
        let lowered = workflow::lower(&ck, &others, &sources, index, wf);
        workflows.push(lowered);
    }
    // Request bodies last: a type a response also uses keeps its fallbacks.
    let requests = std::mem::take(&mut ck.schemas.borrow_mut().requests);
    for (source, pointer) in requests {
        if let Some(openapi) = ck.openapi(source) {
            if let Some(op) = openapi.operation_by_pointer(&pointer) {
                schemas::request_type(&mut ck.schemas.borrow_mut(), openapi, &op);
            }
        }
    }
    let names = names(&ck, &modules);
    Some(ir::Plan {
        sources: sources.plan,
        workflows,
        modules,
        schema_types: ck.schemas.into_inner().finish(),
        names,
    })
}

/// The source descriptions that take a base URL (OpenAPI and AsyncAPI ones) and the
/// security schemes of their descriptions, with those of the nested modules.
fn names(ck: &Checker, modules: &[ir::Module]) -> ir::Names {
    let mut names = ir::Names::default();
    for (description, source) in ck.doc.source_descriptions.iter().zip(&ck.loaded.sources) {
        let openapi = match source {
            LoadedSource::OpenApi(source) => Some(&**source),
            LoadedSource::AsyncApi(source) => Some(&source.openapi),
            LoadedSource::Failed => None,
            LoadedSource::Arazzo(_) => continue,
        };
        names.sources.push(description.name.clone());
        let schemes = openapi
            .and_then(|openapi| openapi.spec.components.as_ref())
            .map(|components| components.security_schemes.keys().cloned());
        names.schemes.extend(schemes.into_iter().flatten());
    }
    for module in modules {
        names
            .sources
            .extend(module.plan.names.sources.iter().cloned());
        names
            .schemes
            .extend(module.plan.names.schemes.iter().cloned());
    }
    for list in [&mut names.sources, &mut names.schemes] {
        list.sort();
        list.dedup();
    }
    names
}

/// Checks and lowers the Arazzo documents of `type: arazzo` source descriptions, each with
/// its own sources, into nested modules named after the source descriptions. The loader
/// has broken cycles between documents, so this recursion ends.
fn other_documents(ck: &mut Checker, settings: &Settings) -> Vec<ir::Module> {
    // Module names share the namespace of the generated types; these never clash with
    // them (types are in PascalCase), only with each other.
    let mut names = crate::naming::Scope::with_reserved(&[
        "WORKFLOWS",
        "NAMES",
        "run_workflow",
        "client_builder",
        "types",
        "sources",
        "restate",
    ]);
    let mut modules = Vec::new();
    for (description, source) in ck.doc.source_descriptions.iter().zip(&ck.loaded.sources) {
        let LoadedSource::Arazzo(other) = source else {
            if description.source_type == Some(model::SourceType::Arazzo) {
                ck.external
                    .insert(description.name.clone(), targets::External::Failed);
            }
            continue;
        };
        if ck.external.contains_key(&description.name) {
            continue;
        }
        let nested = Loaded {
            arazzo: other.file.clone(),
            document: other.document.clone(),
            sources: other.sources.clone(),
            files: Vec::new(),
        };
        let Some(plan) = check(ck.cx, &nested, settings) else {
            ck.external
                .insert(description.name.clone(), targets::External::Failed);
            continue;
        };
        let name = names.unique(crate::naming::snake(&description.name));
        let targets = plan
            .workflows
            .iter()
            .map(|wf| targets::CallTarget::external(&name, wf))
            .collect();
        ck.external.insert(
            description.name.clone(),
            targets::External::Loaded { targets },
        );
        modules.push(ir::Module {
            name,
            source: description.name.clone(),
            file: crate::diag::display_path(&other.file.path),
            plan,
        });
    }
    modules
}

/// The pointer to a workflow.
fn workflow_pointer(index: usize) -> Pointer {
    Pointer::root().key("workflows").index(index)
}
