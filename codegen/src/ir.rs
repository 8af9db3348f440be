//! The intermediate representation of a checked document: everything `emit` needs, with
//! every name resolved and every reference checked. Nothing here can be wrong; `emit`
//! turns it into tokens without further checks.

use serde_json::Value;

/// The intermediate representation of a whole document.
#[derive(Debug, Default)]
pub(crate) struct Plan {
    /// The OpenAPI source descriptions steps call, by index.
    pub sources: Vec<Source>,
    /// Every workflow, in document order.
    pub workflows: Vec<Workflow>,
    /// The Arazzo documents of `type: arazzo` source descriptions, each generated as a
    /// nested module.
    pub modules: Vec<Module>,
    /// Types from the OpenAPI schemas of the operations the workflows call, by name.
    pub schema_types: Vec<SchemaType>,
    /// The names a client's settings may name, this document's and its modules'.
    pub names: Names,
}

/// The source descriptions a client may set a base URL for, and the security schemes it
/// may set a credential for: sorted and unique.
#[derive(Debug, Default)]
pub(crate) struct Names {
    pub sources: Vec<String>,
    pub schemes: Vec<String>,
}

/// The intermediate representation of another Arazzo document whose workflows this one
/// runs: a nested module.
#[derive(Debug)]
pub(crate) struct Module {
    /// The module's name.
    pub name: String,
    /// The source description's `name`.
    pub source: String,
    /// The document's file, as shown in diagnostics.
    pub file: String,
    pub plan: Plan,
}

/// A call of a generated workflow function, of this document or of a nested module.
#[derive(Debug, Clone)]
pub(crate) struct WorkflowCall {
    /// Its `workflowId`.
    pub id: String,
    /// The nested module of its document, if it is not this one.
    pub module: Option<String>,
    /// Its generated function.
    pub fn_name: String,
}

/// A named type from an OpenAPI schema, emitted in the generated `types` module.
#[derive(Debug, Clone)]
pub(crate) struct SchemaType {
    pub name: String,
    pub doc: Option<String>,
    pub kind: SchemaTypeKind,
}

/// What a schema type is.
#[derive(Debug, Clone)]
pub(crate) enum SchemaTypeKind {
    /// An object with `properties`; `extra` holds the other members
    /// (`additionalProperties`), flattened.
    Struct {
        fields: Vec<Field>,
        extra: Option<Type>,
    },
    /// A string `enum`: variant names and values. `open`: a fallback variant keeps
    /// values the schema does not list (response types).
    Enum {
        values: Vec<(String, String)>,
        open: bool,
    },
    /// `oneOf` / `anyOf`. `tag`: the discriminator's property (internally tagged);
    /// untagged otherwise. `open`: a fallback variant keeps what matches no member.
    Union {
        tag: Option<String>,
        variants: Vec<Variant>,
        open: bool,
    },
}

/// A member of a `oneOf` / `anyOf`.
#[derive(Debug, Clone)]
pub(crate) struct Variant {
    pub ident: String,
    /// The discriminator value naming it.
    pub tag: Option<String>,
    pub ty: Type,
}

/// The intermediate representation of an OpenAPI source description.
#[derive(Debug)]
pub(crate) struct Source {
    /// The source description's `name`.
    pub name: String,
    /// The first server of its OpenAPI description.
    pub server: Option<Server>,
}

/// The intermediate representation of an OpenAPI server.
#[derive(Debug)]
pub(crate) struct Server {
    pub url: String,
    pub variables: Vec<(String, String)>,
}

/// The intermediate representation of a workflow.
#[derive(Debug)]
pub(crate) struct Workflow {
    /// The `workflowId`.
    pub id: String,
    /// The generated function's name.
    pub fn_name: String,
    /// The name of the inputs struct.
    pub inputs_name: String,
    /// The name of the outputs struct.
    pub outputs_name: String,
    pub summary: Option<String>,
    pub description: Option<String>,
    /// The inputs struct and the structs nested in it, the inputs struct first.
    pub input_types: Vec<StructDef>,
    /// The enums of the inputs' string `enum`s.
    pub input_enums: Vec<SchemaType>,
    /// The `inputs` JSON Schema as written (with `$ref`s resolved where they could be),
    /// for the JSON entry point.
    pub inputs_schema: Value,
    /// The workflow's outputs, in document order.
    pub outputs: Vec<Output>,
    pub steps: Vec<Step>,
    /// The workflows of `dependsOn`, run first, in order.
    pub dependencies: Vec<DependencyRun>,
}

/// A workflow of `dependsOn`: run before the steps with the dependent's inputs.
#[derive(Debug)]
pub(crate) struct DependencyRun {
    pub call: WorkflowCall,
    /// The variable holding `(inputs, outputs)`.
    pub var: String,
}

/// The intermediate representation of a generated struct.
#[derive(Debug, Clone)]
pub(crate) struct StructDef {
    pub name: String,
    pub doc: Option<String>,
    pub fields: Vec<Field>,
    /// `anyOf` / `oneOf` alternatives that are sets of `required` fields (by name).
    pub alternatives: Option<Alternatives>,
    /// The name of its builder: a struct with a field `default` and a required field
    /// without one gets a builder instead of `Default`.
    pub builder: Option<String>,
    /// The schema says `additionalProperties: false`: no property but its own is allowed.
    pub closed: bool,
}

impl StructDef {
    /// Whether some field has a `default`.
    pub fn has_defaults(&self) -> bool {
        self.fields.iter().any(|f| f.default.is_some())
    }

    /// Whether every required field has a `default`, so the struct can implement `Default`.
    pub fn defaultable(&self) -> bool {
        self.fields
            .iter()
            .all(|f| !f.required || f.default.is_some())
    }
}

/// Alternatives of required field sets, as `anyOf: [{required: [roles]}, {required: [groups]}]`.
#[derive(Debug, Clone)]
pub(crate) struct Alternatives {
    /// `oneOf` (exactly one set present) rather than `anyOf` (at least one).
    pub exactly_one: bool,
    pub sets: Vec<Vec<String>>,
}

/// A constraint of an input's schema that its Rust type does not express.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Constraint {
    MinLength(u64),
    MaxLength(u64),
    Pattern(String),
    Minimum { value: f64, exclusive: bool },
    Maximum { value: f64, exclusive: bool },
    MinItems(u64),
    MaxItems(u64),
}

/// The intermediate representation of a struct field.
#[derive(Debug, Clone)]
pub(crate) struct Field {
    /// The name in the document (the serde name).
    pub name: String,
    /// The Rust field name.
    pub ident: String,
    pub ty: Type,
    pub required: bool,
    pub doc: Option<String>,
    pub constraints: Vec<Constraint>,
    /// The schema says `format: password` or `writeOnly: true`: the value is kept out of
    /// `Debug` output, and out of errors, hooks and logs.
    pub secret: bool,
    /// The schema's `default`, lowered to the field's type (inputs only).
    pub default: Option<FieldDefault>,
}

/// A field's `default`.
#[derive(Debug, Clone)]
pub(crate) struct FieldDefault {
    /// The default as the document writes it (JSON), for the field's rustdoc.
    pub json: String,
    pub value: DefaultValue,
}

impl Field {
    /// Whether the Rust field always holds a value: the schema requires it, or gives it a
    /// `default` that fills it when it is left out.
    pub fn plain(&self) -> bool {
        self.required || self.default.is_some()
    }
}

/// A schema's `default`, as a value of the field's Rust type.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum DefaultValue {
    String(String),
    Integer(i64),
    Int32(i32),
    Number(f64),
    Float32(f32),
    Boolean(bool),
    Array(Vec<DefaultValue>),
    /// A `BTreeMap` (`additionalProperties`).
    Map(Vec<(String, DefaultValue)>),
    /// A variant of a generated enum: the enum's and the variant's names.
    Variant {
        ty: String,
        variant: String,
    },
    /// A generated struct: its name, and each field's Rust name and value (an optional
    /// field's is [`DefaultValue::None`] or [`DefaultValue::Some`]).
    Struct {
        ty: String,
        fields: Vec<(String, DefaultValue)>,
    },
    /// A `serde_json::Value`.
    Json(serde_json::Value),
    /// `Option::Some`, for an optional field of a struct default.
    Some(Box<DefaultValue>),
    /// `Option::None`, for an optional field a struct default leaves out.
    None,
}

/// The intermediate representation of a Rust type of a value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Type {
    String,
    Integer,
    Number,
    Boolean,
    Array(Box<Type>),
    /// A generated struct, by name.
    Named(String),
    /// `serde_json::Value`.
    Json,
    /// `Option<T>`: a nullable value, or the output of a step that may not run.
    Optional(Box<Type>),
    /// `i32` (`format: int32`).
    Int32,
    /// `f32` (`format: float`).
    Float32,
    /// `BTreeMap<String, T>` (`additionalProperties`).
    Map(Box<Type>),
    /// A type of the generated `types` module, by name.
    Schema(String),
    /// `Box<T>`: a recursive reference.
    Boxed(Box<Type>),
}

impl Type {
    /// Whether the Rust type is `Copy`: numbers and booleans, and `Option`s of them.
    pub(crate) fn is_copy(&self) -> bool {
        match self {
            Type::Integer | Type::Number | Type::Boolean | Type::Int32 | Type::Float32 => true,
            Type::Optional(inner) => inner.is_copy(),
            _ => false,
        }
    }
}

/// The intermediate representation of an output (of a step or of a workflow).
#[derive(Debug)]
pub(crate) struct Output {
    /// The output's name in the document.
    pub name: String,
    /// The Rust field name.
    pub ident: String,
    pub ty: Type,
    /// The runtime expression, as written.
    pub text: String,
    pub value: Expr,
    /// How the value is read.
    pub read: Read,
}

/// How an output's value is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Read {
    /// Evaluated as JSON and decoded into the output's type.
    Decode,
    /// Copied from a step's output of the same type (a workflow output that is exactly
    /// `$steps.s.outputs.o`). `guaranteed`: the step runs in every successful run, so the
    /// value is there; otherwise the output is an `Option`, `None` when the step did not
    /// run. `flatten`: the step's output is itself an `Option`.
    StepField { guaranteed: bool, flatten: bool },
}

/// The intermediate representation of a step.
#[derive(Debug)]
pub(crate) struct Step {
    /// The `stepId`.
    pub id: String,
    /// The variable holding its outputs, and the snake-case base of its names.
    pub ident: String,
    /// Its variant in the generated step enum.
    pub variant: String,
    pub description: Option<String>,
    pub call: Call,
    /// Success criteria, all of which must hold.
    pub success: Vec<Criterion>,
    pub on_success: Vec<Action>,
    pub on_failure: Vec<Action>,
    pub outputs: Vec<Output>,
    /// The step's `timeout` in milliseconds (Arazzo 1.1), for an operation step.
    pub timeout: Option<u64>,
}

/// What a step calls.
#[derive(Debug)]
pub(crate) enum Call {
    Operation(Box<Operation>),
    Workflow(SubWorkflow),
    /// A message sent or received on an AsyncAPI channel (Arazzo 1.1).
    Message(Box<MessageStep>),
}

/// The intermediate representation of a step that sends or receives a message.
#[derive(Debug)]
pub(crate) struct MessageStep {
    /// Index into [`Plan::sources`].
    pub source: usize,
    /// Whether the workflow sends (publishes) or receives (subscribes).
    pub action: MessageAction,
    /// The AsyncAPI operation, when the step names one.
    pub operation_id: Option<String>,
    /// The channel's address: the MQTT topic or AMQP queue (routing key).
    pub address: String,
    /// The channel bindings the transport reads, such as `("amqp.exchange", "orders")`.
    pub bindings: Vec<(String, String)>,
    /// Headers of a message sent.
    pub params: Vec<Param>,
    /// The payload of a message sent.
    pub body: Option<Body>,
    /// How a received message is matched, when the step gives a `correlationId`.
    pub correlation: Option<Correlation>,
    /// The local that holds a receive step's subscription, unique among the workflow's
    /// locals (`inbox_<step>`); empty on a send step.
    pub inbox: String,
}

/// Which way a message step goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MessageAction {
    Send,
    Receive,
}

/// A receive step's `correlationId`: where the message carries it, and the value to match.
#[derive(Debug)]
pub(crate) struct Correlation {
    pub location: CorrelationLocation,
    pub value: ValueSpec,
}

/// Where a message carries its correlation ID (the AsyncAPI `correlationId.location`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum CorrelationLocation {
    /// `$message.header#/<name>`.
    Header(String),
    /// `$message.payload#/<pointer>`: the pointer.
    Payload(String),
}

/// The intermediate representation of a step that runs another workflow of the document.
#[derive(Debug)]
pub(crate) struct SubWorkflow {
    pub call: WorkflowCall,
    /// Its inputs, by name.
    pub inputs: Vec<(String, ValueSpec)>,
}

/// The intermediate representation of an operation call.
#[derive(Debug)]
pub(crate) struct Operation {
    /// Index into [`Plan::sources`].
    pub source: usize,
    pub operation_id: Option<String>,
    /// Upper case.
    pub method: String,
    pub path: String,
    pub summary: Option<String>,
    /// Alternatives of sets of schemes.
    pub security: Vec<Vec<Scheme>>,
    pub params: Vec<Param>,
    pub body: Option<Body>,
}

/// The intermediate representation of a security scheme.
#[derive(Debug, Clone)]
pub(crate) struct Scheme {
    pub name: String,
    pub kind: SchemeKind,
}

/// The kinds of security scheme the runtime knows.
#[derive(Debug, Clone)]
pub(crate) enum SchemeKind {
    HttpBearer,
    HttpBasic,
    ApiKey { location: ParamPlace, name: String },
    OAuth2,
    OpenIdConnect,
    Other,
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum ParamPlace {
    Path,
    Query,
    Header,
    Cookie,
    /// The whole query string (OpenAPI 3.2).
    Querystring,
}

/// OpenAPI parameter styles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Style {
    Simple,
    Label,
    Matrix,
    Form,
    SpaceDelimited,
    PipeDelimited,
    DeepObject,
}

/// The intermediate representation of a parameter a step sends.
#[derive(Debug)]
pub(crate) struct Param {
    pub name: String,
    pub location: ParamPlace,
    pub style: Style,
    pub explode: bool,
    /// A query parameter whose reserved characters are sent as they are (OpenAPI
    /// `allowReserved`).
    pub allow_reserved: bool,
    /// A parameter described by a JSON media type (`content: {application/json: …}`): its
    /// value is sent as JSON text, which the style then encodes as one string.
    pub json_content: bool,
    /// The OpenAPI schema says `format: password` or `writeOnly`: the value is kept out of
    /// what the run shows, as a secret input is.
    pub secret: bool,
    pub value: ValueSpec,
}

/// How a request body is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Encoding {
    Json,
    Form,
    Text,
    /// XML text: replacement targets are XPath expressions.
    Xml,
    /// `multipart/form-data`: one part per member of the payload.
    Multipart,
}

/// The intermediate representation of a request body.
#[derive(Debug)]
pub(crate) struct Body {
    pub content_type: String,
    pub encoding: Encoding,
    pub value: ValueSpec,
    /// Payload replacements: a target (a JSON Pointer, or an XPath for XML bodies) and its
    /// new value, applied in order.
    pub replacements: Vec<Replacement>,
    /// Multipart bodies: the content type of a member's part (OpenAPI `encoding`).
    pub part_types: Vec<(String, String)>,
    /// A JSON body written as JSON text with embedded expressions: parsed once they are
    /// filled in, at run time.
    pub json_text: bool,
}

/// A payload replacement: where it goes and the value it puts there.
#[derive(Debug)]
pub(crate) struct Replacement {
    pub target: String,
    pub kind: TargetKind,
    pub value: ValueSpec,
}

/// How a payload replacement's `target` is read: from the payload's media type, or from
/// its `targetSelectorType` (Arazzo 1.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TargetKind {
    /// A JSON Pointer into a JSON, form or multipart payload.
    Pointer,
    /// An XPath expression into an XML payload.
    XPath,
    /// An RFC 9535 query into a JSON payload: every node it selects is replaced.
    JsonPath,
}

/// A value built at run time from literals and runtime expressions: a parameter value, a
/// payload or part of one.
#[derive(Debug, Clone)]
pub(crate) enum ValueSpec {
    /// A constant.
    Literal(Value),
    /// One runtime expression; `text` is as written, for error messages.
    Expr { expr: Expr, text: String },
    /// A string with embedded `{$…}` expressions.
    Template(Vec<TemplatePart>),
    /// An object some of whose members are computed.
    Object(Vec<(String, ValueSpec)>),
    /// An array some of whose elements are computed.
    Array(Vec<ValueSpec>),
}

/// A piece of a string template.
#[derive(Debug, Clone)]
pub(crate) enum TemplatePart {
    Text(String),
    Expr { expr: Expr, text: String },
}

/// A runtime expression resolved to what generated code reads.
#[derive(Debug, Clone)]
pub(crate) enum Expr {
    /// `$inputs.x`: a field of the inputs struct.
    Input {
        ident: String,
        required: bool,
        pointer: Option<String>,
    },
    /// `$steps.s.outputs.o`: a field of an earlier step's outputs.
    StepOutput {
        step_ident: String,
        ident: String,
        pointer: Option<String>,
    },
    StatusCode,
    Url,
    Method,
    ResponseHeader(String),
    /// `$response.body`, with an optional JSON pointer.
    ResponseBody(Option<String>),
    /// `$request.…`: what the step sent.
    Request(RequestPart),
    /// A value known at generation time (`$sourceDescriptions.x.url`).
    Constant(Value),
    /// `$outputs.o` in a step that runs a workflow: an output of that workflow.
    SubOutput {
        ident: String,
        pointer: Option<String>,
    },
    /// `$workflows.w.inputs.i` or `$workflows.w.outputs.o` of a workflow in `dependsOn`.
    Dependency {
        var: String,
        outputs: bool,
        ident: String,
        pointer: Option<String>,
    },
    /// A Selector Object (Arazzo 1.1) that could not be folded into its context's
    /// pointer: a JSONPath or XPath applied to the context's value at run time.
    Select {
        context: Box<Expr>,
        select: Select,
    },
}

/// What a Selector Object applies to its context's value at run time.
#[derive(Debug, Clone)]
pub(crate) enum Select {
    /// An RFC 9535 query. `many`: it can select several nodes, and the value is the array
    /// of them; otherwise it selects at most one, and the value is that node.
    JsonPath { query: String, many: bool },
    /// An XPath expression on an XML document held in a string: the string value of what
    /// it selects (an array of them when it selects several).
    XPath(String),
    /// A JSON Pointer into a value whose expression has no pointer of its own.
    Pointer(String),
}

impl Expr {
    /// Calls `f` with this expression and, for a selector, the expression it applies to.
    pub fn visit(&self, f: &mut dyn FnMut(&Expr)) {
        f(self);
        if let Expr::Select { context, .. } = self {
            context.visit(f);
        }
    }
}

/// What a `$request` expression reads of the request a step sent.
#[derive(Debug, Clone)]
pub(crate) enum RequestPart {
    /// A header, by its name (case-insensitive).
    Header(String),
    Query(String),
    Path(String),
    /// The payload, with a JSON pointer (empty for the whole payload).
    Body(String),
}

/// The intermediate representation of a criterion.
#[derive(Debug)]
pub(crate) struct Criterion {
    /// The condition as written, for error messages.
    pub text: String,
    /// Whether it is a plain `$statusCode` check (its failure is an unexpected status).
    pub status_check: bool,
    pub kind: CriterionKind,
}

/// The kinds of criterion.
#[derive(Debug)]
pub(crate) enum CriterionKind {
    Simple(Condition),
    JsonPath {
        context: Expr,
        query: String,
        compare: Option<(Op, Value)>,
    },
    Regex {
        context: Expr,
        pattern: String,
    },
    XPath {
        context: Expr,
        expression: String,
    },
    /// A `regex`, `jsonpath` or `xpath` condition with embedded `{$…}` expressions (Arazzo
    /// 1.1): their values are substituted as text, then the condition is compiled and
    /// evaluated like the static kinds.
    Embedded {
        language: Language,
        context: Expr,
        parts: Vec<TemplatePart>,
    },
}

/// The language of a condition with embedded expressions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Language {
    Regex,
    JsonPath,
    XPath,
}

/// A simple condition.
#[derive(Debug)]
pub(crate) enum Condition {
    Or(Box<Condition>, Box<Condition>),
    And(Box<Condition>, Box<Condition>),
    Not(Box<Condition>),
    Compare(Operand, Op, Operand),
    Truthy(Operand),
}

/// One side of a comparison.
#[derive(Debug)]
pub(crate) enum Operand {
    Expr { expr: Expr, nav: Vec<Nav> },
    Literal(Value),
}

/// Navigation after an expression in a condition.
#[derive(Debug, Clone)]
pub(crate) enum Nav {
    Member(String),
    Index(usize),
}

/// Comparison operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

/// The intermediate representation of a success or failure action.
#[derive(Debug)]
pub(crate) struct Action {
    /// The action's `name`, reported when a failure `end` ends the workflow.
    pub name: String,
    /// All must hold for the action to apply.
    pub criteria: Vec<Criterion>,
    pub kind: ActionKind,
}

/// What an action does.
#[derive(Debug)]
pub(crate) enum ActionKind {
    End,
    /// Index into the workflow's steps.
    GotoStep(usize),
    /// Runs the workflow, then ends this one.
    GotoWorkflow(ActionRun),
    Retry {
        after: Option<f64>,
        limit: u32,
        /// What runs before the step is tried again.
        first: Option<RetryFirst>,
    },
}

/// What a `retry` with a `stepId` or `workflowId` runs before trying the step again.
#[derive(Debug)]
pub(crate) enum RetryFirst {
    /// Index into the workflow's steps: that step runs, then control comes back.
    Step(usize),
    /// The workflow runs, then control comes back.
    Workflow(ActionRun),
}

/// A workflow a `goto` or `retry` action runs.
#[derive(Debug)]
pub(crate) struct ActionRun {
    pub call: WorkflowCall,
    /// Its inputs by name, from the action's `parameters` (Arazzo 1.1); `None` when the
    /// action has none, and the workflow runs with this workflow's inputs, by name.
    pub inputs: Option<Vec<(String, ValueSpec)>>,
}

impl Action {
    /// The inputs the action passes to the workflow it runs, if it passes any.
    pub fn inputs(&self) -> Option<&[(String, ValueSpec)]> {
        let run = match &self.kind {
            ActionKind::GotoWorkflow(run)
            | ActionKind::Retry {
                first: Some(RetryFirst::Workflow(run)),
                ..
            } => run,
            _ => return None,
        };
        run.inputs.as_deref()
    }

    /// Calls `f` on every runtime expression of the action: its criteria and the inputs
    /// it passes.
    pub fn for_each_expr(&self, f: &mut dyn FnMut(&Expr)) {
        for c in &self.criteria {
            c.for_each_expr(f);
        }
        for (_, value) in self.inputs().into_iter().flatten() {
            value.for_each_expr(f);
        }
    }
}

impl Workflow {
    /// Every criterion of the workflow, success criteria and action criteria.
    pub fn criteria(&self) -> impl Iterator<Item = &Criterion> {
        self.steps.iter().flat_map(|step| {
            let actions = step.on_success.iter().chain(&step.on_failure);
            step.success.iter().chain(actions.flat_map(|a| &a.criteria))
        })
    }

    /// Calls `f` on every runtime expression of the workflow.
    pub fn for_each_expr(&self, f: &mut dyn FnMut(&Expr)) {
        for step in &self.steps {
            match &step.call {
                Call::Operation(op) => {
                    for param in &op.params {
                        param.value.for_each_expr(f);
                    }
                    if let Some(body) = &op.body {
                        body.value.for_each_expr(f);
                        for replacement in &body.replacements {
                            replacement.value.for_each_expr(f);
                        }
                    }
                }
                Call::Workflow(sub) => {
                    for (_, value) in &sub.inputs {
                        value.for_each_expr(f);
                    }
                }
                Call::Message(message) => {
                    for param in &message.params {
                        param.value.for_each_expr(f);
                    }
                    if let Some(body) = &message.body {
                        body.value.for_each_expr(f);
                        for replacement in &body.replacements {
                            replacement.value.for_each_expr(f);
                        }
                    }
                    if let Some(correlation) = &message.correlation {
                        correlation.value.for_each_expr(f);
                    }
                }
            }
            for c in &step.success {
                c.for_each_expr(f);
            }
            for action in step.on_success.iter().chain(&step.on_failure) {
                action.for_each_expr(f);
            }
            for output in &step.outputs {
                output.value.visit(f);
            }
        }
        for output in &self.outputs {
            output.value.visit(f);
        }
    }
}

impl Step {
    /// Whether a criterion, an action or an output of the step reads `$request`, so
    /// that the request must be kept.
    pub fn reads_request(&self) -> bool {
        let mut reads = false;
        let mut f = |e: &Expr| reads |= matches!(e, Expr::Request(_));
        for c in &self.success {
            c.for_each_expr(&mut f);
        }
        for action in self.on_success.iter().chain(&self.on_failure) {
            action.for_each_expr(&mut f);
        }
        for output in &self.outputs {
            output.value.visit(&mut f);
        }
        reads
    }
}

impl ValueSpec {
    fn for_each_expr(&self, f: &mut dyn FnMut(&Expr)) {
        match self {
            ValueSpec::Literal(_) => {}
            ValueSpec::Expr { expr, .. } => expr.visit(f),
            ValueSpec::Template(parts) => {
                for part in parts {
                    if let TemplatePart::Expr { expr, .. } = part {
                        expr.visit(f);
                    }
                }
            }
            ValueSpec::Object(members) => {
                for (_, member) in members {
                    member.for_each_expr(f);
                }
            }
            ValueSpec::Array(items) => {
                for item in items {
                    item.for_each_expr(f);
                }
            }
        }
    }
}

impl Criterion {
    pub fn for_each_expr(&self, f: &mut dyn FnMut(&Expr)) {
        match &self.kind {
            CriterionKind::Simple(condition) => condition.for_each_expr(f),
            CriterionKind::JsonPath { context, .. }
            | CriterionKind::Regex { context, .. }
            | CriterionKind::XPath { context, .. } => context.visit(f),
            CriterionKind::Embedded { context, parts, .. } => {
                context.visit(f);
                for part in parts {
                    if let TemplatePart::Expr { expr, .. } = part {
                        expr.visit(f);
                    }
                }
            }
        }
    }
}

impl Condition {
    fn for_each_expr(&self, f: &mut dyn FnMut(&Expr)) {
        match self {
            Condition::Or(a, b) | Condition::And(a, b) => {
                a.for_each_expr(f);
                b.for_each_expr(f);
            }
            Condition::Not(a) => a.for_each_expr(f),
            Condition::Compare(a, _, b) => {
                for operand in [a, b] {
                    if let Operand::Expr { expr, .. } = operand {
                        expr.visit(f);
                    }
                }
            }
            Condition::Truthy(Operand::Expr { expr, .. }) => expr.visit(f),
            Condition::Truthy(Operand::Literal(_)) => {}
        }
    }
}
