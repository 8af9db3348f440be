//! Every rule the generator checks, by its stable code.
//!
//! Each diagnostic names the rule that reported it. The code (`arazzo::unknown-operation`)
//! is shown after the message and in `arazzo check --format json`, and names the rule in
//! `allow = [..]` (the macro), `--allow` (the CLI) and [`Settings::with_allow`]
//! (crate::Settings::with_allow). Codes are stable: a rule may be split, never renamed.
//!
//! Where a rule lives: loading (`load.rs`, `load/`) reports what keeps a file from being
//! read; `check/document.rs` the document as a whole; `check/operations.rs`,
//! `check/params.rs`, `check/criteria.rs`, `check/actions.rs`, `check/steps.rs`,
//! `check/targets.rs`, `check/messages.rs` and `check/selectors.rs` one part of a step
//! each; `check/exprs.rs` runtime expressions; `check/workflow.rs` a workflow's flow and
//! outputs; `check/inputs.rs` the inputs schema. A new check takes the closest rule below,
//! or adds one here.

use std::fmt;

macro_rules! rules {
    ($($(#[doc = $doc:literal])+ $variant:ident = $code:literal,)+) => {
        /// A rule of the checker: what kind of problem a [`Diagnostic`](crate::Diagnostic)
        /// reports.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[non_exhaustive]
        pub enum Rule {
            $($(#[doc = $doc])+ $variant,)+
        }

        impl Rule {
            /// Every rule, in the order of this list.
            pub const ALL: &'static [Rule] = &[$(Rule::$variant,)+];

            /// The rule's code without the `arazzo::` prefix, such as `unknown-operation`.
            pub fn name(self) -> &'static str {
                match self {
                    $(Rule::$variant => $code,)+
                }
            }

            /// What the rule checks, in one line.
            pub fn summary(self) -> &'static str {
                match self {
                    $(Rule::$variant => rules!(@first $($doc)+),)+
                }
            }
        }
    };
    (@first $first:literal $($rest:literal)*) => { $first.trim_ascii() };
}

rules! {
    // Loading.
    /// A file (the document, a source description, a `$ref`) could not be read.
    UnreadableFile = "unreadable-file",
    /// A file is not valid YAML or JSON.
    SyntaxError = "syntax-error",
    /// A document does not have the shape its specification gives it.
    InvalidShape = "invalid-shape",
    /// A version of Arazzo, OpenAPI or Swagger the generator does not read.
    UnsupportedVersion = "unsupported-version",
    /// A source description is not the kind of description it is used as.
    WrongSourceKind = "wrong-source-kind",
    /// A source description or `$ref` names a remote file, which the generator never fetches.
    RemoteSource = "remote-source",
    /// Two Arazzo documents name each other as sources.
    SourceCycle = "source-cycle",
    /// An OpenAPI description the OpenAPI parser rejects.
    InvalidOpenApi = "invalid-openapi",
    /// An AsyncAPI description with a part the generator cannot read.
    InvalidAsyncApi = "invalid-asyncapi",
    /// What converting a Swagger 2.0 description to OpenAPI 3 changed or dropped.
    SwaggerConversion = "swagger-conversion",
    /// A `$ref` that points to nothing.
    DanglingRef = "dangling-ref",
    /// `$ref`s that point at each other and never reach a definition.
    RefCycle = "ref-cycle",
    /// A `$ref` of a kind the generator does not follow.
    UnsupportedRef = "unsupported-ref",
    /// A setting (derive, runtime path) generated code could not use.
    InvalidSetting = "invalid-setting",
    /// A setting that names nothing in the document (a `sources` mapping).
    UnusedSetting = "unused-setting",
    // The document.
    /// An invalid `$self`.
    InvalidSelf = "invalid-self",
    /// An Arazzo 1.1 feature in a 1.0 document.
    NewerFeature = "newer-feature",
    /// A list the specification requires to be non-empty is empty.
    EmptyList = "empty-list",
    /// A name with characters the specification does not allow.
    KeyCharacters = "key-characters",
    /// A name given twice where names must be unique.
    DuplicateName = "duplicate-name",
    /// A field the specification does not define.
    UnknownField = "unknown-field",
    /// A field that does not apply where it is written, and is ignored.
    IgnoredField = "ignored-field",
    /// A form other tools write that is not standard Arazzo, read as the standard one.
    NonstandardForm = "nonstandard-form",
    // Steps and operations.
    /// A step without exactly one of `operationId`, `operationPath`, `workflowId`, or with
    /// an impossible `timeout`.
    InvalidStep = "invalid-step",
    /// An `operationId` no source description has.
    UnknownOperation = "unknown-operation",
    /// An `operationId` several source descriptions have.
    AmbiguousOperation = "ambiguous-operation",
    /// A source description name the document does not have.
    UnknownSource = "unknown-source",
    /// A source description whose Arazzo document did not load.
    UnloadedSource = "unloaded-source",
    /// A malformed reference: `operationPath`, a `$components` reference, a workflow.
    InvalidReference = "invalid-reference",
    /// A `$components` reference to a component that does not exist.
    UnknownComponent = "unknown-component",
    /// A parameter the operation does not declare, or one written without `in`.
    UnknownParameter = "unknown-parameter",
    /// A parameter that cannot be sent as written.
    InvalidParameter = "invalid-parameter",
    /// A parameter the operation requires that the step does not send.
    MissingParameter = "missing-parameter",
    /// A value the schema does not allow (an `enum`, a payload that is no JSON).
    InvalidValue = "invalid-value",
    /// A request body's `contentType` the operation does not list.
    ContentType = "content-type",
    /// A request body the operation does not take.
    UnexpectedBody = "unexpected-body",
    /// A payload that leaves out a property the schema requires.
    MissingProperty = "missing-property",
    /// A property, or a pointer into a body, that the schema does not have.
    UnknownProperty = "unknown-property",
    /// A pointer into a body the generator cannot check against its schema.
    UncheckedPointer = "unchecked-pointer",
    /// A replacement `target` that is invalid or cannot apply to the payload.
    InvalidTarget = "invalid-target",
    /// The inputs a step or action passes to a workflow do not fit its inputs.
    WorkflowInputs = "workflow-inputs",
    /// `dependsOn` that names nothing, itself, a later step or a cycle.
    InvalidDependency = "invalid-dependency",
    // Criteria, actions and flow.
    /// A criterion that does not parse or cannot be evaluated.
    InvalidCriterion = "invalid-criterion",
    /// A `$statusCode` the operation does not declare.
    UndeclaredStatus = "undeclared-status",
    /// A success or failure action that is malformed.
    InvalidAction = "invalid-action",
    /// An action whose `criteria` list is empty, so it always applies.
    EmptyCriteria = "empty-criteria",
    /// A step no run can reach.
    UnreachableStep = "unreachable-step",
    // Expressions.
    /// A runtime expression that does not parse.
    InvalidExpression = "invalid-expression",
    /// Text that looks like a runtime expression but is sent as literal text.
    LiteralExpression = "literal-expression",
    /// `$inputs.x` for an input the workflow does not declare.
    UnknownInput = "unknown-input",
    /// A step id the workflow does not have.
    UnknownStep = "unknown-step",
    /// A workflow id no document has.
    UnknownWorkflow = "unknown-workflow",
    /// An output a step or workflow does not declare.
    UnknownOutput = "unknown-output",
    /// `$workflows.x` read by a workflow that does not depend on `x`.
    UndeclaredDependency = "undeclared-dependency",
    /// `$response…` or `$statusCode` in a step that has no HTTP response.
    NoHttpResponse = "no-http-response",
    /// `$request.body` in a step that sends no body.
    NoRequestBody = "no-request-body",
    /// A Selector Object that is invalid.
    InvalidSelector = "invalid-selector",
    // Inputs.
    /// An input `default` that does not fit its type.
    UnusableDefault = "unusable-default",
    /// An input `pattern` that is not a regular expression.
    InvalidPattern = "invalid-pattern",
    // Messaging (AsyncAPI).
    /// A `channelPath` that is not a channel reference.
    InvalidChannel = "invalid-channel",
    /// A channel the AsyncAPI description does not have.
    UnknownChannel = "unknown-channel",
    /// A message step's `action` that is missing or contradicts the operation.
    MessageAction = "message-action",
    /// A `correlationId` that cannot be matched.
    CorrelationId = "correlation-id",
    /// A feature of the description the generator does not support.
    Unsupported = "unsupported",
}

impl Rule {
    /// The stable code, such as `arazzo::unknown-operation`.
    pub fn code(self) -> String {
        format!("arazzo::{}", self.name())
    }

    /// The rule a code names, with or without the `arazzo::` prefix, in any case, with `_`
    /// or `-`.
    pub fn from_code(code: &str) -> Option<Rule> {
        let name = code.strip_prefix("arazzo::").unwrap_or(code);
        let name = name.replace('_', "-").to_ascii_lowercase();
        Rule::ALL.iter().copied().find(|rule| rule.name() == name)
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "arazzo::{}", self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::Rule;

    #[test]
    fn codes_are_unique_kebab_case_and_round_trip() {
        let mut names: Vec<&str> = Rule::ALL.iter().map(|r| r.name()).collect();
        for name in &names {
            assert!(
                name.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{name}"
            );
        }
        for rule in Rule::ALL {
            assert_eq!(Rule::from_code(&rule.code()), Some(*rule));
            assert!(!rule.summary().is_empty());
        }
        assert_eq!(
            Rule::from_code("unknown_operation"),
            Some(Rule::UnknownOperation)
        );
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Rule::ALL.len());
    }
}
