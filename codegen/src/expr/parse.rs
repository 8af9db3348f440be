//! The runtime-expression parser.
//!
//! The grammar is the structured Arazzo 1.1 ABNF (`grammars/runtime-expression.swaggerexpert.abnf`),
//! `$message` and `$self` included; the checker reports those two in 1.0 documents. The 1.0.1 ABNF itself is unstructured (`name = *CHAR`),
//! so the 1.1 shapes are a tightening that every example in the 1.0.1 text satisfies.
//!
//! Places where we are more tolerant than the 1.1 grammar, because the 1.0.1 text is looser:
//!
//! - `$components.inputs.<name>` is accepted (1.0.1 writes `"$components." name` and has a
//!   `components.inputs` map; 1.1 only lists parameters and actions).
//! - Input, output and component names may contain non-numeric bracket groups, as in
//!   `$inputs.filter[status]` (see `scan_name`): 1.0.1 allows any characters in names, and
//!   real documents name inputs after query parameters such as `filter[status]`.
//!
//! Dots in names follow the grammar: `$steps.s.outputs.a.b` names the output `a.b`. Many
//! documents mean "member `b` of output `a`" instead; only a check that knows the declared
//! outputs can tell, using [`Expr::split_dotted_name`] to suggest `$steps.s.outputs.a#/b`.
//!
//! Places where we are stricter, each with a reason:
//!
//! - `$steps.<id>` and `$steps.<id>.outputs` alone (whole objects) are rejected: neither
//!   grammar has them, and the examples always name one output.
//! - `$request.query.` and `$request.path.` with an empty name are rejected (grammatical
//!   because `name = *CHAR`, but they cannot refer to anything).
//! - Query and path parameter names, and the part after `$sourceDescriptions.<name>.`, end
//!   at whitespace; the grammar's `CHAR` would allow spaces, and its JSON-style backslash
//!   escapes are not interpreted (the characters are taken literally).

use super::pointer::{parse_pointer, JsonPointer};
use super::{Accessor, ComponentKind, Expr, ExprError, MessageSource, WorkflowField, ROOTS};

/// Parses a string that must consist of exactly one runtime expression.
///
/// Surrounding whitespace is not allowed; callers that want to trim do so first and shift
/// the error offsets. Non-standard forms found in real documents (`$response.body.a.b`,
/// `$steps.x.y`, `$response.headers.X`, `$inputs.list[0]`) are rejected with a message
/// that spells out the standard form.
pub(crate) fn parse_expression(input: &str) -> Result<Expr, ExprError> {
    let (expr, end) = parse_prefix(input)?;
    if end == input.len() {
        return Ok(expr);
    }
    Err(trailing_error(input, &expr, end))
}

/// Parses the longest runtime expression at the start of `input`.
///
/// Returns the expression and the number of bytes it spans. Text after the expression is
/// left for the caller, which decides whether it is navigation (in conditions), an error
/// (for whole-string expressions) or plain text (when looking for bare expressions). An
/// error means the text starts like an expression but cannot be completed into one.
pub(crate) fn parse_prefix(input: &str) -> Result<(Expr, usize), ExprError> {
    let Some(rest) = input.strip_prefix('$') else {
        let len = first_char_len(input);
        let with_dollar = format!("${input}");
        let message = if input.is_empty() {
            "empty runtime expression".to_owned()
        } else if let Some(root) = known_root_len(&with_dollar) {
            format!(
                "a runtime expression must start with `$`; did you mean `{}`?",
                &with_dollar[..root]
            )
        } else {
            "a runtime expression must start with `$`".to_owned()
        };
        return Err(ExprError::new(message, 0, len));
    };
    let root_end = 1 + scan(rest, 0, |c| c.is_ascii_alphanumeric() || c == '_');
    let root = &input[1..root_end];
    let mut p = Parser {
        input,
        pos: root_end,
    };
    let expr = match root {
        "url" => Expr::Url,
        "method" => Expr::Method,
        "statusCode" => Expr::StatusCode,
        "request" => Expr::Request(p.message_source("$request")?),
        "response" => Expr::Response(p.message_source("$response")?),
        "inputs" => {
            let name = p.dot_identifier("$inputs", "an input name")?;
            Expr::Input {
                name,
                pointer: p.pointer()?,
            }
        }
        "outputs" => {
            let name = p.dot_identifier("$outputs", "an output name")?;
            Expr::Output {
                name,
                pointer: p.pointer()?,
            }
        }
        "steps" => p.steps()?,
        "workflows" => p.workflows()?,
        "sourceDescriptions" => p.source_descriptions()?,
        "components" => p.components()?,
        // Arazzo 1.1; the checker reports them in 1.0 documents.
        "self" => Expr::SelfUri,
        "message" => Expr::Message(p.message_source("$message")?),
        _ => return Err(unknown_root(input, root_end)),
    };
    Ok((expr, p.pos))
}

/// Parses condition navigation: one or more `.member` or `[index]` accessors covering all
/// of `text`.
///
/// Member names follow the reference criterion grammar (`1*(ALPHA / DIGIT / "_" / "-")`);
/// indexes are decimal and must fit in a `usize`. `base` is the offset of `text` in the
/// string errors are reported against.
pub(crate) fn parse_navigation(text: &str, base: usize) -> Result<Vec<Accessor>, ExprError> {
    let mut accessors = Vec::new();
    let mut pos = 0;
    while pos < text.len() {
        let rest = &text[pos..];
        if let Some(after) = rest.strip_prefix('.') {
            let len = scan(after, 0, is_member_char);
            if len == 0 {
                return Err(ExprError::new(
                    "expected a member name (letters, digits, `_`, `-`) after `.`",
                    base + pos,
                    1 + first_char_len(after),
                ));
            }
            accessors.push(Accessor::Member(after[..len].to_owned()));
            pos += 1 + len;
        } else if let Some(after) = rest.strip_prefix('[') {
            let digits = scan(after, 0, |c| c.is_ascii_digit());
            if digits == 0 || !after[digits..].starts_with(']') {
                let len = after.find(']').map_or(rest.len(), |i| i + 2);
                return Err(ExprError::new(
                    "expected an index such as `[0]`: only non-negative integers are allowed between brackets",
                    base + pos,
                    len,
                ));
            }
            let index = after[..digits]
                .parse::<usize>()
                .map_err(|_| ExprError::new("index is too large", base + pos + 1, digits))?;
            accessors.push(Accessor::Index(index));
            pos += digits + 2;
        } else {
            return Err(ExprError::new(
                format!(
                    "unexpected `{rest}` after runtime expression; expected `.member` or `[index]`"
                ),
                base + pos,
                rest.len(),
            ));
        }
    }
    Ok(accessors)
}

/// Returns the length of the known expression root (`$inputs`, `$statusCode`, …) at the
/// start of `text`, if there is one.
///
/// A root only counts when it is not followed by another name character, so `$urlencoded`
/// and `$inputsX` are not roots but `$inputs.x`, `$url` and `$url}` start with one. The
/// 1.1-only roots `$self` and `$message` count too, so that they are reported rather than
/// silently treated as text.
pub(crate) fn known_root_len(text: &str) -> Option<usize> {
    let rest = text.strip_prefix('$')?;
    let word = scan(rest, 0, |c| c.is_ascii_alphanumeric() || c == '_');
    let root = &text[..1 + word];
    (ROOTS.contains(&root) || root == "$self" || root == "$message").then_some(1 + word)
}

/// Returns true when `text` starts with a known root or with a likely misspelling of one
/// (`$input`, `$sourceDescription`, `$StatusCode`): a root word of at least four letters
/// that equals a root ignoring case or is one edit away from one.
pub(crate) fn looks_like_root(text: &str) -> bool {
    if known_root_len(text).is_some() {
        return true;
    }
    let Some(rest) = text.strip_prefix('$') else {
        return false;
    };
    let word = &rest[..scan(rest, 0, |c| c.is_ascii_alphanumeric() || c == '_')];
    if word.len() < 4 {
        return false;
    }
    let word = word.to_ascii_lowercase();
    ROOTS.iter().any(|root| {
        let root = root[1..].to_ascii_lowercase();
        strsim::levenshtein(&word, &root) <= 1
    })
}

/// Returns true for the characters of a condition member name.
pub(crate) fn is_member_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

/// Builds the error for text left over after a complete expression.
fn trailing_error(input: &str, expr: &Expr, end: usize) -> ExprError {
    let rest = &input[end..];
    if rest.starts_with('.') || rest.starts_with('[') {
        if let Ok(nav) = parse_navigation(rest, end) {
            // A dotted name followed by navigation is almost certainly navigation too.
            let base = expr
                .dotted_name_as_pointer()
                .unwrap_or_else(|| expr.clone());
            if let Some(fixed) = base.with_pointer_tokens(nav.iter().map(Accessor::to_token)) {
                return ExprError::new(
                    format!(
                        "unexpected `{rest}` after `{expr}`; use `{fixed}` to reach inside the value (`.member` and `[index]` navigation is only allowed in conditions)"
                    ),
                    end,
                    rest.len(),
                )
                .with_fix(fixed);
            }
        }
    }
    if rest.starts_with('/') && expr.pointer().is_none() && expr.accepts_pointer() {
        let fixed = match parse_pointer(rest, end) {
            Ok((pointer, used)) if used == rest.len() => {
                expr.with_pointer_tokens(pointer.tokens().iter().cloned())
            }
            _ => None,
        };
        if let Some(fixed) = fixed {
            return ExprError::new(
                format!(
                    "unexpected `{rest}` after `{expr}`; a JSON pointer starts with `#`: `{fixed}`"
                ),
                end,
                rest.len(),
            )
            .with_fix(fixed);
        }
    }
    if rest.starts_with('{') || rest.starts_with('}') {
        return ExprError::new(
            format!(
                "unexpected `{}` after `{expr}`: braces cannot appear inside a runtime expression",
                &rest[..1]
            ),
            end,
            1,
        );
    }
    ExprError::new(
        format!("unexpected `{rest}` after runtime expression `{expr}`"),
        end,
        rest.len(),
    )
}

/// Builds the error for an unknown root such as `$body` or `$input`, with a suggestion.
fn unknown_root(input: &str, root_end: usize) -> ExprError {
    let word = &input[1..root_end];
    if word.is_empty() && (input.starts_with("$.") || input.starts_with("$[")) {
        return ExprError::new(
            "`$.` and `$[` start a JSONPath query, not a runtime expression; as a criterion, give it `type: jsonpath` and `context: $response.body`, or write a simple criterion such as `$response.body#/name == 'x'`".to_owned(),
            0,
            1 + first_char_len(&input[1..]),
        );
    }
    if word.is_empty() {
        return ExprError::new(
            format!(
                "expected a runtime expression after `$`, one of {}",
                roots_list()
            ),
            0,
            1 + first_char_len(&input[1..]),
        );
    }
    let lower = word.to_ascii_lowercase();
    let alias = match lower.as_str() {
        "body" => Some("$response.body"),
        "header" | "headers" => Some("$response.header.<name>"),
        "status" | "status_code" | "statuscode" | "code" => Some("$statusCode"),
        "input" => Some("$inputs"),
        "output" => Some("$outputs"),
        "step" => Some("$steps"),
        "workflow" => Some("$workflows"),
        "source" | "sources" | "sourcedescription" => Some("$sourceDescriptions"),
        "component" => Some("$components"),
        "req" => Some("$request"),
        "res" | "resp" => Some("$response"),
        _ => None,
    };
    let suggestion = alias.map(str::to_owned).or_else(|| {
        let candidate = format!("${word}");
        ROOTS
            .iter()
            .map(|root| {
                (
                    strsim::jaro_winkler(&candidate.to_lowercase(), &root.to_lowercase()),
                    root,
                )
            })
            .filter(|(score, _)| *score >= 0.85)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, root)| (*root).to_owned())
    });
    let message = match suggestion {
        Some(s) => format!("unknown runtime expression `${word}`; did you mean `{s}`?"),
        None => format!(
            "unknown runtime expression `${word}`; expected one of {}",
            roots_list()
        ),
    };
    ExprError::new(message, 0, root_end)
}

/// Lists the 1.0.x roots for error messages.
fn roots_list() -> String {
    ROOTS
        .iter()
        .map(|r| format!("`{r}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The cursor of one expression parse.
struct Parser<'a> {
    input: &'a str,
    pos: usize,
}

impl<'a> Parser<'a> {
    /// Returns the text from the cursor to the end.
    fn rest(&self) -> &'a str {
        &self.input[self.pos..]
    }

    /// Consumes `.` and a name after `what`: a `1*(ALPHA / DIGIT / "." / "-" / "_")`
    /// identifier, plus the bracket groups [`scan_name`] tolerates.
    fn dot_identifier(&mut self, what: &str, expected: &str) -> Result<String, ExprError> {
        self.expect_dot(what, expected)?;
        let len = scan_name(self.rest());
        if len == 0 {
            return self.identifier(what, expected, is_identifier_char);
        }
        let name = self.rest()[..len].to_owned();
        self.pos += len;
        Ok(name)
    }

    /// Consumes the `.` that must follow `what`, or reports what was expected after it.
    fn expect_dot(&mut self, what: &str, expected: &str) -> Result<(), ExprError> {
        if self.rest().starts_with('.') {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.error_here(format!("expected `.` and {expected} after `{what}`")))
        }
    }

    /// Consumes a non-empty run of characters accepted by `accept`.
    fn identifier(
        &mut self,
        what: &str,
        expected: &str,
        accept: fn(char) -> bool,
    ) -> Result<String, ExprError> {
        let len = scan(self.rest(), 0, accept);
        if len == 0 {
            let message = if self.rest().is_empty() {
                format!("expected {expected} after `{what}.`")
            } else {
                format!(
                    "expected {expected} after `{what}.`, found `{}`",
                    self.rest().chars().next().unwrap_or(' ')
                )
            };
            return Err(self.error_here(message));
        }
        let name = self.rest()[..len].to_owned();
        self.pos += len;
        Ok(name)
    }

    /// Consumes an optional `#` and JSON pointer.
    fn pointer(&mut self) -> Result<Option<JsonPointer>, ExprError> {
        if !self.rest().starts_with('#') {
            return Ok(None);
        }
        self.pos += 1;
        let (pointer, len) = parse_pointer(self.rest(), self.pos)?;
        self.pos += len;
        Ok(Some(pointer))
    }

    /// Parses `.header.<token>`, `.query.<name>`, `.path.<name>` or `.body[#ptr]`.
    fn message_source(&mut self, root: &str) -> Result<MessageSource, ExprError> {
        const EXPECTED: &str = "`header.<name>`, `query.<name>`, `path.<name>` or `body`";
        self.expect_dot(root, EXPECTED)?;
        let start = self.pos;
        let len = scan(self.rest(), 0, |c| c.is_ascii_alphabetic());
        let word = &self.rest()[..len];
        let source = match word {
            "header" | "query" | "path" => {
                self.pos += len;
                let what = format!("{root}.{word}");
                if word == "header" {
                    let name = self.dot_named(&what, "a header name", is_tchar)?;
                    MessageSource::Header(name)
                } else {
                    let expected = format!("a {word} parameter name");
                    let name = self.dot_named(&what, &expected, is_name_char)?;
                    if word == "query" {
                        MessageSource::Query(name)
                    } else {
                        MessageSource::Path(name)
                    }
                }
            }
            "body" => {
                self.pos += len;
                MessageSource::Body(self.pointer()?)
            }
            "headers" => {
                let after = &self.input[start + len..];
                let name = after.strip_prefix('.').unwrap_or("<name>");
                let name = if name.is_empty() { "<name>" } else { name };
                return Err(ExprError::new(
                    format!("unknown `{root}.headers`; use `{root}.header.{name}` (singular `header`) to read one header"),
                    start,
                    len,
                ));
            }
            "payload" if root == "$message" => {
                self.pos += len;
                MessageSource::Payload(self.pointer()?)
            }
            "payload" => {
                return Err(ExprError::new(
                    "`payload` is only defined for `$message` in Arazzo 1.1; use `body`",
                    start,
                    len,
                ))
            }
            _ => {
                let found = if word.is_empty() {
                    self.rest()
                        .chars()
                        .next()
                        .map(String::from)
                        .unwrap_or_default()
                } else {
                    word.to_owned()
                };
                let message = if found.is_empty() {
                    format!("expected {EXPECTED} after `{root}.`")
                } else {
                    format!("expected {EXPECTED} after `{root}.`, found `{found}`")
                };
                return Err(ExprError::new(
                    message,
                    start,
                    len.max(first_char_len(self.rest())),
                ));
            }
        };
        Ok(source)
    }

    /// Consumes `.` and a non-empty name made of the characters `accept` allows.
    fn dot_named(
        &mut self,
        what: &str,
        expected: &str,
        accept: fn(char) -> bool,
    ) -> Result<String, ExprError> {
        self.expect_dot(what, expected)?;
        self.identifier(what, expected, accept)
    }

    /// Parses `.<stepId>.outputs.<name>[#ptr]` after `$steps`.
    fn steps(&mut self) -> Result<Expr, ExprError> {
        let step = self.dot_named("$steps", "a step id", is_strict_char)?;
        let what = format!("$steps.{step}");
        if !self.rest().starts_with('.') {
            if !self.rest().is_empty()
                && !self.rest().starts_with('#')
                && self.rest().contains(".outputs")
            {
                return Err(self.error_here(format!(
                    "step ids in expressions may only contain letters, digits, `-` and `_`; `{step}` is followed by `{}`",
                    self.rest().chars().next().unwrap_or(' ')
                )));
            }
            return Err(self.error_here(format!(
                "`{what}` must name one of the step's outputs: `{what}.outputs.<name>`"
            )));
        }
        let word_start = self.pos + 1;
        let word_len = scan(self.input, word_start, is_strict_char);
        let word = &self.input[word_start..word_start + word_len];
        if word != "outputs" {
            let tail = &self.input[word_start..];
            let name_len = scan(tail, 0, is_identifier_char);
            let name = if name_len == 0 {
                "<name>"
            } else {
                &tail[..name_len]
            };
            if name.contains(".outputs.") || name.ends_with(".outputs") {
                return Err(ExprError::new(
                    format!("step ids in expressions may only contain letters, digits, `-` and `_`; `{step}` is followed by `.{word}`"),
                    word_start,
                    word_len.max(first_char_len(tail)),
                ));
            }
            return Err(ExprError::new(
                format!("`{what}.{name}` is missing `.outputs`; use `{what}.outputs.{name}`"),
                word_start,
                word_len.max(first_char_len(tail)),
            ));
        }
        self.pos = word_start + word_len;
        let what = format!("{what}.outputs");
        if self.rest().is_empty() {
            return Err(self.error_here(format!("`{what}` must name one output: `{what}.<name>`")));
        }
        let name = self.dot_identifier(&what, "an output name")?;
        Ok(Expr::StepOutput {
            step,
            name,
            pointer: self.pointer()?,
        })
    }

    /// Parses `.<workflowId>.(inputs|outputs).<name>[#ptr]` after `$workflows`.
    fn workflows(&mut self) -> Result<Expr, ExprError> {
        let workflow = self.dot_named("$workflows", "a workflow id", is_strict_char)?;
        let what = format!("$workflows.{workflow}");
        self.expect_dot(&what, "`inputs.<name>` or `outputs.<name>`")?;
        let start = self.pos;
        let len = scan(self.rest(), 0, is_strict_char);
        let field = match &self.rest()[..len] {
            "inputs" => WorkflowField::Inputs,
            "outputs" => WorkflowField::Outputs,
            other => {
                let name = if other.is_empty() { "<name>" } else { other };
                return Err(ExprError::new(
                    format!("expected `inputs` or `outputs` after `{what}.`; use `{what}.outputs.{name}` or `{what}.inputs.{name}`"),
                    start,
                    len.max(first_char_len(self.rest())),
                ));
            }
        };
        self.pos += len;
        let what = format!("{what}.{}", field.as_str());
        let name = self.dot_identifier(&what, "a name")?;
        Ok(Expr::Workflow {
            workflow,
            field,
            name,
            pointer: self.pointer()?,
        })
    }

    /// Parses `.<sourceName>.<url|operationId|workflowId>` after `$sourceDescriptions`.
    fn source_descriptions(&mut self) -> Result<Expr, ExprError> {
        let source = self.dot_named(
            "$sourceDescriptions",
            "a source description name",
            is_strict_char,
        )?;
        let what = format!("$sourceDescriptions.{source}");
        if self.rest().starts_with('#') {
            return Err(self.error_here(format!(
                "`{what}` cannot take a JSON pointer; in `operationPath` write `{{{what}.url}}{}`",
                self.rest()
            )));
        }
        let member =
            self.dot_named(&what, "`url`, an operationId or a workflowId", is_name_char)?;
        Ok(Expr::SourceDescription { source, member })
    }

    /// Parses `.(inputs|parameters|successActions|failureActions).<name>` after
    /// `$components`.
    fn components(&mut self) -> Result<Expr, ExprError> {
        const EXPECTED: &str = "`parameters`, `successActions`, `failureActions` or `inputs`";
        self.expect_dot("$components", EXPECTED)?;
        let start = self.pos;
        let len = scan(self.rest(), 0, is_strict_char);
        let kind = match &self.rest()[..len] {
            "parameters" => ComponentKind::Parameters,
            "successActions" => ComponentKind::SuccessActions,
            "failureActions" => ComponentKind::FailureActions,
            "inputs" => ComponentKind::Inputs,
            other => {
                let message = if other.is_empty() {
                    format!("expected {EXPECTED} after `$components.`")
                } else {
                    format!("unknown component type `{other}`; expected {EXPECTED}")
                };
                return Err(ExprError::new(
                    message,
                    start,
                    len.max(first_char_len(self.rest())),
                ));
            }
        };
        self.pos += len;
        let what = format!("$components.{}", kind.as_str());
        let name = self.dot_identifier(&what, "a component name")?;
        Ok(Expr::Component { kind, name })
    }

    /// Builds an error pointing at the character under the cursor (or the end).
    fn error_here(&self, message: String) -> ExprError {
        ExprError::new(message, self.pos, first_char_len(self.rest()))
    }
}

/// Returns the byte length of the run of characters accepted by `accept` in `text`,
/// starting at byte `from`.
fn scan(text: &str, from: usize, accept: impl Fn(char) -> bool) -> usize {
    let tail = text.get(from..).unwrap_or("");
    tail.find(|c: char| !accept(c)).unwrap_or(tail.len())
}

/// Returns the byte length of the first character of `text`, or 0 when it is empty.
pub(crate) fn first_char_len(text: &str) -> usize {
    text.chars().next().map_or(0, char::len_utf8)
}

/// Returns the length of the input, output or component name at the start of `text`.
///
/// A name is an `identifier` (letters, digits, `.`, `-`, `_`) optionally followed by groups
/// like `[status]` or `[voice.connection_name]` and more identifier characters. The groups
/// go beyond the 1.1 grammar: 1.0.1 allows any characters (`name = *CHAR`), and real
/// documents name inputs after query parameters such as `filter[status]`. A group of digits
/// only (`[0]`) is not part of the name, because that is index navigation, which the
/// callers report or accept depending on the context.
fn scan_name(text: &str) -> usize {
    let mut pos = scan(text, 0, is_identifier_char);
    if pos == 0 {
        return 0;
    }
    loop {
        let rest = &text[pos..];
        let Some(after) = rest.strip_prefix('[') else {
            return pos;
        };
        let Some(close) = after.find(']') else {
            return pos;
        };
        let inner = &after[..close];
        if inner.is_empty()
            || !inner.chars().all(is_identifier_char)
            || inner.chars().all(|c| c.is_ascii_digit())
        {
            return pos;
        }
        pos += close + 2;
        pos += scan(text, pos, is_identifier_char);
    }
}

/// `identifier = 1*( ALPHA / DIGIT / "." / "-" / "_" )`: input, output and component names.
fn is_identifier_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_')
}

/// `identifier-strict = 1*( ALPHA / DIGIT / "-" / "_" )`: step, workflow and source ids.
fn is_strict_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_')
}

/// RFC 7230 `tchar`: the characters of a header name.
fn is_tchar(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(
            c,
            '!' | '#'
                | '$'
                | '%'
                | '&'
                | '\''
                | '*'
                | '+'
                | '-'
                | '.'
                | '^'
                | '_'
                | '`'
                | '|'
                | '~'
        )
}

/// The grammar's `CHAR` as we apply it: any character except braces, whitespace and
/// control characters. Used for query and path parameter names and source members.
fn is_name_char(c: char) -> bool {
    !(c == '{' || c == '}' || c.is_whitespace() || c.is_control())
}

impl Accessor {
    /// Returns the JSON-pointer reference token that reaches the same place.
    pub(crate) fn to_token(&self) -> String {
        match self {
            Accessor::Member(name) => name.clone(),
            Accessor::Index(index) => index.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ptr(tokens: &[&str]) -> Option<JsonPointer> {
        Some(JsonPointer::from_tokens(
            tokens.iter().map(|t| (*t).to_owned()).collect(),
        ))
    }

    fn s(text: &str) -> String {
        text.to_owned()
    }

    #[test]
    fn arazzo_1_1_roots() {
        assert_eq!(parse_expression("$self"), Ok(Expr::SelfUri));
        assert_eq!(
            parse_expression("$message.payload#/user/id").map(|e| e.to_string()),
            Ok("$message.payload#/user/id".to_owned())
        );
        assert!(matches!(
            parse_expression("$message.header.x-id"),
            Ok(Expr::Message(MessageSource::Header(name))) if name == "x-id"
        ));
        assert_eq!(
            parse_expression("$response.payload").unwrap_err().message,
            "`payload` is only defined for `$message` in Arazzo 1.1; use `body`"
        );
    }

    #[test]
    fn parses_every_form() {
        let cases = vec![
            ("$url", Expr::Url),
            ("$method", Expr::Method),
            ("$statusCode", Expr::StatusCode),
            (
                "$request.header.X-Api-Key",
                Expr::Request(MessageSource::Header(s("X-Api-Key"))),
            ),
            (
                "$request.header.a!#$%&'*+-.^_`|~9",
                Expr::Request(MessageSource::Header(s("a!#$%&'*+-.^_`|~9"))),
            ),
            (
                "$request.query.filter[name]",
                Expr::Request(MessageSource::Query(s("filter[name]"))),
            ),
            (
                "$request.path.id",
                Expr::Request(MessageSource::Path(s("id"))),
            ),
            ("$request.body", Expr::Request(MessageSource::Body(None))),
            (
                "$request.body#/user/uuid",
                Expr::Request(MessageSource::Body(ptr(&["user", "uuid"]))),
            ),
            (
                "$response.header.Location",
                Expr::Response(MessageSource::Header(s("Location"))),
            ),
            ("$response.body", Expr::Response(MessageSource::Body(None))),
            (
                "$response.body#",
                Expr::Response(MessageSource::Body(ptr(&[]))),
            ),
            (
                "$response.body#/a~1b/c~0d/0",
                Expr::Response(MessageSource::Body(ptr(&["a/b", "c~d", "0"]))),
            ),
            (
                "$inputs.username",
                Expr::Input {
                    name: s("username"),
                    pointer: None,
                },
            ),
            (
                "$inputs.customer#/address/city",
                Expr::Input {
                    name: s("customer"),
                    pointer: ptr(&["address", "city"]),
                },
            ),
            (
                "$inputs.my.nested-name_1",
                Expr::Input {
                    name: s("my.nested-name_1"),
                    pointer: None,
                },
            ),
            (
                "$outputs.mappedResponse#/data/id",
                Expr::Output {
                    name: s("mappedResponse"),
                    pointer: ptr(&["data", "id"]),
                },
            ),
            (
                "$steps.login-step_1.outputs.token",
                Expr::StepOutput {
                    step: s("login-step_1"),
                    name: s("token"),
                    pointer: None,
                },
            ),
            (
                "$steps.someStepId.outputs.pets#/0/id",
                Expr::StepOutput {
                    step: s("someStepId"),
                    name: s("pets"),
                    pointer: ptr(&["0", "id"]),
                },
            ),
            (
                "$workflows.foo.inputs.username",
                Expr::Workflow {
                    workflow: s("foo"),
                    field: WorkflowField::Inputs,
                    name: s("username"),
                    pointer: None,
                },
            ),
            (
                "$workflows.foo.outputs.mappedResponse#/name",
                Expr::Workflow {
                    workflow: s("foo"),
                    field: WorkflowField::Outputs,
                    name: s("mappedResponse"),
                    pointer: ptr(&["name"]),
                },
            ),
            (
                "$sourceDescriptions.petStore.url",
                Expr::SourceDescription {
                    source: s("petStore"),
                    member: s("url"),
                },
            ),
            (
                "$sourceDescriptions.petStore.find.pets-by/status",
                Expr::SourceDescription {
                    source: s("petStore"),
                    member: s("find.pets-by/status"),
                },
            ),
            (
                "$components.parameters.page.size",
                Expr::Component {
                    kind: ComponentKind::Parameters,
                    name: s("page.size"),
                },
            ),
            (
                "$components.successActions.done",
                Expr::Component {
                    kind: ComponentKind::SuccessActions,
                    name: s("done"),
                },
            ),
            (
                "$components.failureActions.retry",
                Expr::Component {
                    kind: ComponentKind::FailureActions,
                    name: s("retry"),
                },
            ),
            (
                "$inputs.filter[status]",
                Expr::Input {
                    name: s("filter[status]"),
                    pointer: None,
                },
            ),
            (
                "$inputs.filter[voice.connection_name][eq]#/0",
                Expr::Input {
                    name: s("filter[voice.connection_name][eq]"),
                    pointer: ptr(&["0"]),
                },
            ),
            (
                "$steps.s.outputs.a[x1]b",
                Expr::StepOutput {
                    step: s("s"),
                    name: s("a[x1]b"),
                    pointer: None,
                },
            ),
            (
                "$components.inputs.pet",
                Expr::Component {
                    kind: ComponentKind::Inputs,
                    name: s("pet"),
                },
            ),
        ];
        for (text, expected) in cases {
            let parsed = parse_expression(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(parsed, expected, "{text}");
            assert_eq!(parsed.to_string(), text, "display of {text}");
        }
    }

    #[test]
    fn display_reescapes_pointers() {
        let parsed = parse_expression("$response.body#/a~1b/~0").unwrap();
        assert_eq!(parsed.to_string(), "$response.body#/a~1b/~0");
        assert_eq!(
            parsed.pointer().unwrap().tokens(),
            [String::from("a/b"), String::from("~")]
        );
    }

    /// Every rejected form with the offset, length and a piece of the message.
    #[test]
    fn rejects_with_offsets_and_fixes() {
        let cases = [
            ("", 0, 0, "empty runtime expression"),
            ("1", 0, 1, "must start with `$`"),
            ("inside $url string", 0, 1, "must start with `$`"),
            ("$", 0, 1, "expected a runtime expression after `$`"),
            ("$5", 0, 2, "unknown runtime expression `$5`"),
            ("$body.x", 0, 5, "did you mean `$response.body`?"),
            ("$input.x", 0, 6, "did you mean `$inputs`?"),
            ("$statuscode", 0, 11, "did you mean `$statusCode`?"),
            ("$StatusCode", 0, 11, "did you mean `$statusCode`?"),
            ("$urlx", 0, 5, "did you mean `$url`?"),
            (
                "$url.x",
                4,
                2,
                "unexpected `.x` after runtime expression `$url`",
            ),
            ("$statusCode ", 11, 1, "unexpected ` `"),
            // `!response.body-dot-path`.
            (
                "$response.body.data[0].id",
                14,
                11,
                "use `$response.body#/data/0/id`",
            ),
            ("$request.body.a", 13, 2, "use `$request.body#/a`"),
            // The 1.1 specification's own examples write `$message.payload.orderId`.
            (
                "$message.payload.orderId",
                16,
                8,
                "use `$message.payload#/orderId`",
            ),
            // `!$response.headers`.
            (
                "$response.headers.X-Rate-Limit",
                10,
                7,
                "use `$response.header.X-Rate-Limit`",
            ),
            ("$response.headers", 10, 7, "use `$response.header.<name>`"),
            ("$response", 9, 0, "`header.<name>`, `query.<name>`"),
            ("$response.", 10, 0, "expected `header.<name>`"),
            ("$response.cookie.a", 10, 6, "found `cookie`"),
            ("$response.payload", 10, 7, "Arazzo 1.1"),
            ("$request.header.", 16, 0, "expected a header name"),
            ("$request.header.a b", 17, 2, "unexpected ` b`"),
            ("$request.header.Content:Type", 23, 5, "unexpected `:Type`"),
            // Grammatical in 1.0.1 (`name = *CHAR`) but meaningless.
            ("$request.query.", 15, 0, "expected a query parameter name"),
            ("$request.path.", 14, 0, "expected a path parameter name"),
            (
                "$inputs",
                7,
                0,
                "expected `.` and an input name after `$inputs`",
            ),
            ("$inputs.", 8, 0, "expected an input name"),
            ("$inputs.{foo}", 8, 1, "found `{`"),
            ("$inputs.foo}", 11, 1, "braces cannot appear"),
            ("$inputs.foo{", 11, 1, "braces cannot appear"),
            ("$inputs.a b", 9, 2, "unexpected ` b`"),
            // `!inputs-dot-path` with an index, which a dotted name cannot absorb.
            ("$inputs.list[0]", 12, 3, "use `$inputs.list#/0`"),
            ("$outputs.data[0].id", 13, 6, "use `$outputs.data#/0/id`"),
            ("$inputs.a#b", 10, 1, "must start with `/`"),
            ("$request.body#/foo}", 18, 1, "braces cannot appear"),
            ("$request.body#/foo{", 18, 1, "braces cannot appear"),
            ("$request.body#/{foo}", 15, 1, "braces cannot appear"),
            ("$response.body#/a~2", 17, 2, "`~` must be followed by `0`"),
            // `!steps-without-outputs`.
            ("$steps.x.y", 9, 1, "use `$steps.x.outputs.y`"),
            (
                "$steps.retrieve.finalizedPaymentPlan",
                16,
                20,
                "use `$steps.retrieve.outputs.finalizedPaymentPlan`",
            ),
            ("$steps.x", 8, 0, "`$steps.x.outputs.<name>`"),
            ("$steps.x#/a", 8, 1, "`$steps.x.outputs.<name>`"),
            ("$steps.x.outputs", 16, 0, "`$steps.x.outputs.<name>`"),
            ("$steps.x.outputs.", 17, 0, "expected an output name"),
            ("$steps.", 7, 0, "expected a step id"),
            (
                "$steps.a.b.outputs.c",
                9,
                1,
                "step ids in expressions may only contain",
            ),
            (
                "$steps.x.outputs.y[0]",
                18,
                3,
                "use `$steps.x.outputs.y#/0`",
            ),
            ("$workflows.w", 12, 0, "`inputs.<name>` or `outputs.<name>`"),
            ("$workflows.w.x", 13, 1, "use `$workflows.w.outputs.x`"),
            ("$workflows.w.outputs", 20, 0, "expected `.` and a name"),
            ("$sourceDescriptions.api", 23, 0, "`url`, an operationId"),
            ("$sourceDescriptions.a.b.c}", 25, 1, "braces cannot appear"),
            (
                "$sourceDescriptions.a b.url",
                21,
                1,
                "expected `.` and `url`",
            ),
            (
                "$components.steps.a",
                12,
                5,
                "unknown component type `steps`",
            ),
            ("$components.parameters", 22, 0, "a component name"),
            ("$components", 11, 0, "`parameters`, `successActions`"),
            ("response", 0, 1, "did you mean `$response`?"),
            (
                "$response.body/id",
                14,
                3,
                "a JSON pointer starts with `#`: `$response.body#/id`",
            ),
            (
                "$steps.Plan a Trip.outputs.x",
                11,
                1,
                "step ids in expressions may only contain letters",
            ),
            (
                "$sourceDescriptions.api#/paths/~1pets/get",
                23,
                1,
                "write `{$sourceDescriptions.api.url}#/paths/~1pets/get`",
            ),
            (
                "$steps.s.outputs.list.Response[0].Id",
                30,
                6,
                "use `$steps.s.outputs.list#/Response/0/Id`",
            ),
            ("$inputs.filter[0]", 14, 3, "use `$inputs.filter#/0`"),
            ("$inputs.filter[]", 14, 2, "unexpected `[]`"),
            ("$inputs.filter[a b]", 14, 5, "unexpected `[a b]`"),
            (
                "$sourceDescription.a.b",
                0,
                18,
                "did you mean `$sourceDescriptions`?",
            ),
            ("$workflow.a.outputs.b", 0, 9, "did you mean `$workflows`?"),
        ];
        let mut failures = Vec::new();
        for (text, offset, len, needle) in cases {
            let err = match parse_expression(text) {
                Ok(expr) => {
                    failures.push(format!("{text:?}: accepted as {expr:?}"));
                    continue;
                }
                Err(err) => err,
            };
            if (err.offset, err.len) != (offset, len) || !err.message.contains(needle) {
                failures.push(format!(
                    "{text:?}: got ({}, {}) {:?}, expected ({offset}, {len}) containing {needle:?}",
                    err.offset, err.len, err.message
                ));
            }
            assert!(text.get(err.offset..err.offset + err.len).is_some());
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn dotted_names_split_into_navigation() {
        let expr = parse_expression("$steps.x.outputs.y.z").unwrap();
        assert_eq!(expr.name(), Some("y.z"));
        let (base, members) = expr.split_dotted_name().unwrap();
        assert_eq!(base.to_string(), "$steps.x.outputs.y");
        assert_eq!(members, ["z"]);
        assert_eq!(
            expr.dotted_name_as_pointer().unwrap().to_string(),
            "$steps.x.outputs.y#/z"
        );
        let expr = parse_expression("$inputs.a.b.c#/d").unwrap();
        assert_eq!(
            expr.dotted_name_as_pointer().unwrap().to_string(),
            "$inputs.a#/b/c/d"
        );
        assert_eq!(
            parse_expression("$workflows.w.outputs.a.b")
                .unwrap()
                .dotted_name_as_pointer()
                .unwrap()
                .to_string(),
            "$workflows.w.outputs.a#/b"
        );
        // Bracket groups are part of a name; dots inside them do not split it.
        let expr = parse_expression("$inputs.filter[voice.name][eq].x").unwrap();
        assert_eq!(expr.name(), Some("filter[voice.name][eq].x"));
        assert_eq!(
            expr.dotted_name_as_pointer().unwrap().to_string(),
            "$inputs.filter[voice.name][eq]#/x"
        );
        for plain in [
            "$inputs.a",
            "$inputs.filter[voice.name]",
            "$components.parameters.a.b",
            "$statusCode",
        ] {
            assert!(parse_expression(plain)
                .unwrap()
                .split_dotted_name()
                .is_none());
        }
    }

    #[test]
    fn prefix_parsing_stops_at_the_grammar_boundary() {
        for (text, len) in [
            ("$response.body.data", 14),
            ("$statusCode==200", 11),
            ("$inputs.a[0]", 9),
            ("$steps.s.outputs.o#/a b", 23),
            ("$url}", 4),
        ] {
            assert_eq!(parse_prefix(text).unwrap().1, len, "{text}");
        }
    }

    #[test]
    fn navigation() {
        assert_eq!(
            parse_navigation(".data[0].id-x_y", 0).unwrap(),
            vec![
                Accessor::Member("data".into()),
                Accessor::Index(0),
                Accessor::Member("id-x_y".into())
            ]
        );
        for (text, offset) in [
            (".", 0),
            ("[", 0),
            ("[a]", 0),
            ("[-1]", 0),
            ("[99999999999999999999999]", 1),
            ("x", 0),
            (".a.", 2),
            (".a#/b", 2),
        ] {
            let err = parse_navigation(text, 0).unwrap_err();
            assert_eq!(err.offset, offset, "{text}: {}", err.message);
        }
    }

    #[test]
    fn known_roots() {
        for (text, len) in [
            ("$url", Some(4)),
            ("$url}", Some(4)),
            ("$inputs.x", Some(7)),
            ("$self", Some(5)),
            ("$urlencoded", None),
            ("$5", None),
            ("$", None),
            ("inputs", None),
        ] {
            assert_eq!(known_root_len(text), len, "{text}");
        }
    }
}
