//! Runtime expressions and criteria.
//!
//! This module parses the three small languages that live inside Arazzo string values:
//!
//! - runtime expressions such as `$steps.login.outputs.token` or `$response.body#/id`
//!   ([`parse_expression`], AST [`Expr`]);
//! - strings with embedded expressions such as `"Bearer {$inputs.token}"`
//!   ([`parse_template`], [`classify`], [`find_bare_expressions`]);
//! - Criterion Object conditions of the four types `simple`, `regex`, `jsonpath` and `xpath`
//!   ([`parse_criterion`], AST [`Condition`] and [`Criterion`]).
//!
//! Everything is parsed at generation time so that `emit` can turn expressions into plain
//! field accesses; only regex, JSONPath and XPath criteria and JSON pointers into response
//! bodies are left for the runtime to evaluate.
//!
//! No function here panics on any input. Every error is an [`ExprError`] carrying a byte
//! offset and length into the string that was parsed, so that a diagnostic can underline
//! the exact characters.
//!
//! Decisions taken where the specification is ambiguous are documented next to the code
//! they affect: the grammar in `parse.rs`, embedded expressions and the meaning of a string
//! that starts with `$` in `template.rs`, and condition syntax and semantics in
//! `condition.rs`.

// A few helpers are used only by tests so far.

mod condition;
mod parse;
mod pointer;
pub(crate) mod selector;
mod template;
#[cfg(test)]
mod tests;

use std::fmt;

// The checks and the emitter import these; until they all do, some re-exports are unused.
#[allow(unused_imports)]
pub(crate) use condition::{
    check_xpath, jsonpath_error, parse_condition, parse_condition_with_warnings, parse_criterion,
    Accessor, CmpOp, Condition, Criterion, CriterionTest, CriterionType, JsonPathCriterion,
    JsonPathVersion, Operand, SelectorKind, XPathVersion,
};
pub(crate) use parse::parse_expression;
pub(crate) use pointer::{escape_token, parse_pointer, JsonPointer};
#[allow(unused_imports)]
pub(crate) use template::{
    classify, find_bare_expressions, parse_template, TemplatePart, ValueKind,
};

/// The roots of Arazzo 1.0.x runtime expressions, in the order of the specification.
///
/// A string that starts with one of these (followed by `.` or nothing) is meant as an
/// expression; see [`classify`].
pub(crate) const ROOTS: &[&str] = &[
    "$url",
    "$method",
    "$statusCode",
    "$request",
    "$response",
    "$inputs",
    "$outputs",
    "$steps",
    "$workflows",
    "$sourceDescriptions",
    "$components",
];

/// A parsed Arazzo runtime expression.
///
/// Names are kept exactly as written (they are case-sensitive, except header names, which
/// the checks compare case-insensitively). Input, output and component names may contain
/// dots, as the specification allows for their keys; see [`Expr::split_dotted_name`] for
/// the common mistake of using dots to reach inside a value.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Expr {
    /// `$url`: the URL of the current step's request.
    Url,
    /// `$method`: the HTTP method of the current step's request.
    Method,
    /// `$statusCode`: the status code of the current step's response.
    StatusCode,
    /// `$request.…`: part of the current step's request.
    Request(MessageSource),
    /// `$response.…`: part of the current step's response.
    Response(MessageSource),
    /// `$inputs.<name>[#/ptr]`: an input of the current workflow.
    Input {
        /// The input name.
        name: String,
        /// An optional pointer into the input's value.
        pointer: Option<JsonPointer>,
    },
    /// `$outputs.<name>[#/ptr]`: an output of the current workflow (or, in the step
    /// outputs of a sub-workflow step, of the called workflow).
    Output {
        /// The output name.
        name: String,
        /// An optional pointer into the output's value.
        pointer: Option<JsonPointer>,
    },
    /// `$steps.<stepId>.outputs.<name>[#/ptr]`: an output of a step of the current workflow.
    StepOutput {
        /// The step id.
        step: String,
        /// The output name.
        name: String,
        /// An optional pointer into the output's value.
        pointer: Option<JsonPointer>,
    },
    /// `$workflows.<workflowId>.inputs|outputs.<name>[#/ptr]`: an input or output of
    /// another workflow.
    Workflow {
        /// The workflow id.
        workflow: String,
        /// Whether an input or an output is meant.
        field: WorkflowField,
        /// The input or output name.
        name: String,
        /// An optional pointer into the value.
        pointer: Option<JsonPointer>,
    },
    /// `$sourceDescriptions.<name>.<member>`: the `url` of a source description, or an
    /// operationId or workflowId qualified by its source.
    ///
    /// Which one `member` means is decided by the check that knows the source: Arazzo 1.1
    /// resolves an operationId or workflowId first and falls back to the field `url`.
    SourceDescription {
        /// The source description name.
        source: String,
        /// `url`, an operationId or a workflowId.
        member: String,
    },
    /// `$components.<kind>.<name>`: a reusable component.
    Component {
        /// Which components map is meant.
        kind: ComponentKind,
        /// The component name.
        name: String,
    },
    /// `$self` (Arazzo 1.1): the document's `$self` URI.
    SelfUri,
    /// `$message.…` (Arazzo 1.1): part of the message an AsyncAPI step sent or received.
    Message(MessageSource),
}

/// The part of an HTTP request or response a `$request.…` or `$response.…` expression reads.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum MessageSource {
    /// `header.<name>`: one header, by an RFC 7230 token compared case-insensitively.
    Header(String),
    /// `query.<name>`: one query parameter (requests only, in practice).
    Query(String),
    /// `path.<name>`: one path parameter (requests only, in practice).
    Path(String),
    /// `body[#/ptr]`: the body, or the part a pointer selects.
    Body(Option<JsonPointer>),
    /// `payload[#/ptr]` (Arazzo 1.1, `$message` only): a message's payload.
    Payload(Option<JsonPointer>),
}

/// Whether a `$workflows.<id>.…` expression reads an input or an output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum WorkflowField {
    /// `inputs`.
    Inputs,
    /// `outputs`.
    Outputs,
}

impl WorkflowField {
    /// Returns the keyword as written in expressions.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            WorkflowField::Inputs => "inputs",
            WorkflowField::Outputs => "outputs",
        }
    }
}

/// The components map a `$components.<kind>.<name>` expression refers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum ComponentKind {
    /// `inputs`: accepted because 1.0.1 has a `components.inputs` map, although inputs are
    /// normally referenced with a JSON Schema `$ref`.
    Inputs,
    /// `parameters`.
    Parameters,
    /// `successActions`.
    SuccessActions,
    /// `failureActions`.
    FailureActions,
}

impl ComponentKind {
    /// Returns the keyword as written in expressions.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            ComponentKind::Inputs => "inputs",
            ComponentKind::Parameters => "parameters",
            ComponentKind::SuccessActions => "successActions",
            ComponentKind::FailureActions => "failureActions",
        }
    }
}

impl Expr {
    /// Returns the JSON pointer of the expression, if it has one.
    pub(crate) fn pointer(&self) -> Option<&JsonPointer> {
        match self {
            Expr::Request(MessageSource::Body(p))
            | Expr::Response(MessageSource::Body(p))
            | Expr::Message(MessageSource::Payload(p)) => p.as_ref(),
            Expr::Input { pointer, .. }
            | Expr::Output { pointer, .. }
            | Expr::StepOutput { pointer, .. }
            | Expr::Workflow { pointer, .. } => pointer.as_ref(),
            _ => None,
        }
    }

    /// Returns the pointer slot of expressions that can take a `#/pointer` suffix.
    fn pointer_slot(&mut self) -> Option<&mut Option<JsonPointer>> {
        match self {
            Expr::Request(MessageSource::Body(p))
            | Expr::Response(MessageSource::Body(p))
            | Expr::Message(MessageSource::Payload(p)) => Some(p),
            Expr::Input { pointer, .. }
            | Expr::Output { pointer, .. }
            | Expr::StepOutput { pointer, .. }
            | Expr::Workflow { pointer, .. } => Some(pointer),
            _ => None,
        }
    }

    /// Returns true when the expression can carry a `#/pointer` suffix: bodies, inputs and
    /// outputs.
    pub(crate) fn accepts_pointer(&self) -> bool {
        matches!(
            self,
            Expr::Request(MessageSource::Body(_))
                | Expr::Response(MessageSource::Body(_))
                | Expr::Message(MessageSource::Payload(_))
                | Expr::Input { .. }
                | Expr::Output { .. }
                | Expr::StepOutput { .. }
                | Expr::Workflow { .. }
        )
    }

    /// Returns the same expression with `tokens` appended to its pointer, or `None` when the
    /// expression cannot carry a pointer (such as `$statusCode`).
    pub(crate) fn with_pointer_tokens(
        &self,
        tokens: impl IntoIterator<Item = String>,
    ) -> Option<Expr> {
        let mut expr = self.clone();
        let slot = expr.pointer_slot()?;
        let pointer = slot.get_or_insert_with(JsonPointer::default);
        for token in tokens {
            pointer.push(token);
        }
        Some(expr)
    }

    /// Returns the name of an input, output or component expression.
    pub(crate) fn name(&self) -> Option<&str> {
        match self {
            Expr::Input { name, .. }
            | Expr::Output { name, .. }
            | Expr::StepOutput { name, .. }
            | Expr::Workflow { name, .. }
            | Expr::Component { name, .. } => Some(name),
            _ => None,
        }
    }

    /// Splits a dotted input or output name at its first dot.
    ///
    /// The grammar allows dots in input and output names (`$steps.s.outputs.a.b` names the
    /// output `a.b`), but many documents use the dots to reach inside output `a`. The parser
    /// cannot tell the two apart without the document, so it keeps the whole name; a check
    /// that finds no output `a.b` but an output `a` calls this to get `$steps.s.outputs.a`
    /// plus the members `["b"]`. Returns `None` when the name has no dot, or for component
    /// names (components are never navigated).
    pub(crate) fn split_dotted_name(&self) -> Option<(Expr, Vec<String>)> {
        let name = match self {
            Expr::Input { name, .. }
            | Expr::Output { name, .. }
            | Expr::StepOutput { name, .. }
            | Expr::Workflow { name, .. } => name,
            _ => return None,
        };
        // Dots inside `[…]` groups (`filter[voice.name]`) are part of a segment.
        let mut segments = Vec::new();
        let (mut depth, mut start) = (0usize, 0);
        for (i, c) in name.char_indices() {
            match c {
                '[' => depth += 1,
                ']' => depth = depth.saturating_sub(1),
                '.' if depth == 0 => {
                    segments.push(&name[start..i]);
                    start = i + 1;
                }
                _ => {}
            }
        }
        segments.push(&name[start..]);
        if segments.len() < 2 || segments[0].is_empty() {
            return None;
        }
        let head = segments[0];
        let members: Vec<String> = segments[1..].iter().map(|s| (*s).to_owned()).collect();
        let mut expr = self.clone();
        let old_pointer = expr.pointer_slot().and_then(Option::take);
        match &mut expr {
            Expr::Input { name, .. }
            | Expr::Output { name, .. }
            | Expr::StepOutput { name, .. }
            | Expr::Workflow { name, .. } => *name = head.to_owned(),
            _ => return None,
        }
        if let Some(old) = old_pointer {
            // Keep the original pointer after the members it now follows.
            let mut tokens = members.clone();
            tokens.extend(old.tokens().iter().cloned());
            let mut with_pointer = expr.clone();
            if let Some(slot) = with_pointer.pointer_slot() {
                *slot = Some(JsonPointer::from_tokens(tokens));
            }
            return Some((with_pointer, Vec::new()));
        }
        Some((expr, members))
    }

    /// Returns the standard spelling of a dotted name used as navigation:
    /// `$steps.x.outputs.y.z` becomes `$steps.x.outputs.y#/z`.
    ///
    /// A check uses this in the message for a name that is not declared, such as
    /// "step `x` has no output `y.z`; to reach inside output `y`, use
    /// `$steps.x.outputs.y#/z`".
    pub(crate) fn dotted_name_as_pointer(&self) -> Option<Expr> {
        let (expr, members) = self.split_dotted_name()?;
        if members.is_empty() {
            Some(expr)
        } else {
            expr.with_pointer_tokens(members)
        }
    }
}

impl fmt::Display for Expr {
    /// Prints the canonical form of the expression, which parses back to an equal value.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn pointer(f: &mut fmt::Formatter<'_>, p: &Option<JsonPointer>) -> fmt::Result {
            match p {
                Some(p) => write!(f, "#{p}"),
                None => Ok(()),
            }
        }
        fn source(f: &mut fmt::Formatter<'_>, root: &str, s: &MessageSource) -> fmt::Result {
            match s {
                MessageSource::Header(n) => write!(f, "{root}.header.{n}"),
                MessageSource::Query(n) => write!(f, "{root}.query.{n}"),
                MessageSource::Path(n) => write!(f, "{root}.path.{n}"),
                MessageSource::Body(p) => {
                    write!(f, "{root}.body")?;
                    pointer(f, p)
                }
                MessageSource::Payload(p) => {
                    write!(f, "{root}.payload")?;
                    pointer(f, p)
                }
            }
        }
        match self {
            Expr::Url => f.write_str("$url"),
            Expr::Method => f.write_str("$method"),
            Expr::StatusCode => f.write_str("$statusCode"),
            Expr::Request(s) => source(f, "$request", s),
            Expr::Response(s) => source(f, "$response", s),
            Expr::Input { name, pointer: p } => {
                write!(f, "$inputs.{name}")?;
                pointer(f, p)
            }
            Expr::Output { name, pointer: p } => {
                write!(f, "$outputs.{name}")?;
                pointer(f, p)
            }
            Expr::StepOutput {
                step,
                name,
                pointer: p,
            } => {
                write!(f, "$steps.{step}.outputs.{name}")?;
                pointer(f, p)
            }
            Expr::Workflow {
                workflow,
                field,
                name,
                pointer: p,
            } => {
                write!(f, "$workflows.{workflow}.{}.{name}", field.as_str())?;
                pointer(f, p)
            }
            Expr::SourceDescription { source, member } => {
                write!(f, "$sourceDescriptions.{source}.{member}")
            }
            Expr::Component { kind, name } => write!(f, "$components.{}.{name}", kind.as_str()),
            Expr::SelfUri => f.write_str("$self"),
            Expr::Message(s) => source(f, "$message", s),
        }
    }
}

/// A byte range in a parsed string.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub(crate) struct Span {
    /// Byte offset of the first byte.
    pub(crate) offset: usize,
    /// Length in bytes.
    pub(crate) len: usize,
}

impl Span {
    /// Creates a span.
    pub(crate) fn new(offset: usize, len: usize) -> Self {
        Span { offset, len }
    }
}

/// Which string an [`ExprError`] or [`ExprWarning`] offset refers to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub(crate) enum ErrorSite {
    /// The string that was passed to the parser: the expression, template or condition.
    #[default]
    Input,
    /// The `context` of a criterion. When the context is missing altogether, offset and
    /// length are 0 and the caller should point at the criterion itself.
    Context,
}

/// A syntax error in an expression, template or condition.
///
/// The message follows the diagnostics style (lowercase, offending text in backticks, a fix
/// after `; ` where there is one). `offset` and `len` are a byte range in the parsed string
/// that always lies on character boundaries; `len` is 0 when the problem is a missing piece
/// at `offset` (for instance at the end of the input).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ExprError {
    /// What is wrong, and how to fix it.
    pub(crate) message: String,
    /// Byte offset of the offending text.
    pub(crate) offset: usize,
    /// Byte length of the offending text.
    pub(crate) len: usize,
    /// Which string the offset refers to.
    pub(crate) site: ErrorSite,
    /// The standard expression the text unambiguously means, when it is a common
    /// non-standard spelling of one (`$response.body.id` for `$response.body#/id`). Checks
    /// accept it with a warning.
    pub(crate) fix: Option<Box<Expr>>,
}

impl ExprError {
    /// Creates an error about the input string.
    pub(crate) fn new(message: impl Into<String>, offset: usize, len: usize) -> Self {
        ExprError {
            message: message.into(),
            offset,
            len,
            site: ErrorSite::Input,
            fix: None,
        }
    }

    /// Records the standard expression the text means.
    pub(crate) fn with_fix(mut self, fix: Expr) -> Self {
        self.fix = Some(Box::new(fix));
        self
    }

    /// Moves the error right by `by` bytes, for errors found in a substring.
    pub(crate) fn shift(mut self, by: usize) -> Self {
        self.offset += by;
        self
    }

    /// Marks the error as being about the criterion's `context`.
    pub(crate) fn in_context(mut self) -> Self {
        self.site = ErrorSite::Context;
        self
    }
}

impl fmt::Display for ExprError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ExprError {}

/// Something accepted but non-standard, which a check reports as a warning.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ExprWarning {
    /// What is non-standard, and the standard spelling.
    pub(crate) message: String,
    /// Byte offset of the text the warning is about.
    pub(crate) offset: usize,
    /// Byte length of that text.
    pub(crate) len: usize,
    /// Which string the offset refers to.
    pub(crate) site: ErrorSite,
}

impl ExprWarning {
    /// Creates a warning about the input string.
    pub(crate) fn new(message: impl Into<String>, offset: usize, len: usize) -> Self {
        ExprWarning {
            message: message.into(),
            offset,
            len,
            site: ErrorSite::Input,
        }
    }
}
