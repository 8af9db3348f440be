//! Criterion Objects: `simple` conditions, and `regex`, `jsonpath` and `xpath` criteria.
//!
//! # Simple-condition syntax
//!
//! Arazzo 1.0.1 lists literals and operators but gives no grammar (OAI/Arazzo-Specification
//! #518). We follow the reference grammar `grammars/simple-condition.swaggerexpert.abnf`,
//! whose logical spine comes from RFC 9535:
//!
//! ```text
//! condition  = S or S
//! or         = and *( S "||" S and )
//! and        = basic *( S "&&" S basic )
//! basic      = [ "!" S ] "(" S or S ")"          ; grouping, optionally negated
//!            / comparable S cmp-op S comparable   ; one comparison, never chained
//!            / [ "!" S ] comparable               ; truthiness test
//! comparable = literal / "$" expression *( "." member / "[" index "]" )
//! ```
//!
//! So precedence is `!` > comparison > `&&` > `||`. Two consequences of that grammar that we
//! keep, with a message that shows the fix: comparisons cannot be chained (`1 < $x < 3`),
//! and `!` negates an operand or a parenthesised group but not a bare comparison
//! (`!$a == 1` must be written `!($a == 1)` or `$a != 1`).
//!
//! An operand is a runtime expression followed by optional navigation. As in the reference
//! grammar, the operand is first cut out as one token (it ends at whitespace or one of
//! `! & ( ) < = > { | }`), then the longest runtime expression at its start is parsed and
//! the remainder must be `.member` / `[index]` accessors. Expressions keep their own
//! suffixes: `$response.body#/a/b` is a pointer, and input and output names swallow dots
//! (see [`super::Expr::split_dotted_name`]).
//!
//! Literals are `true`, `false`, `null`, numbers in JSON syntax (`-3.14`, `1.5e3`; no
//! leading zeros or `+`), and single-quoted strings with `''` for a quote. Tolerated beyond
//! the specification, with a warning: double-quoted strings in JSON syntax (`"success"`,
//! backslash escapes allowed), which five corpus documents use. Unquoted words
//! (`== application/json`) are an error that shows the quoted form.
//!
//! # Simple-condition semantics
//!
//! The runtime evaluates conditions as follows (decided here so that the emitter and the
//! runtime agree):
//!
//! - A value that cannot be reached (missing member, index out of range, a step that did
//!   not run) is `null`.
//! - "String comparisons MUST be case insensitive" (spec, Criterion Object). The spec does
//!   not say which operators this covers (CHECKLIST §9, §15.3); we apply it to all six
//!   operators whenever both sides are strings: both are lowercased (Unicode
//!   `to_lowercase`) and then compared by code point, so `'Available' == 'available'` and
//!   `'B' > 'a'`.
//! - A number compared with a string that parses as a JSON number (after trimming) compares
//!   numerically (`$statusCode == '200'`, `$inputs.age == 30` with `age = "30"`); any other
//!   mix of types is unequal and never ordered.
//! - `null` equals only `null`; `<`, `<=`, `>`, `>=` with `null` on either side are false.
//! - A boolean equals a string that spells it, in any case (`$response.header.X-Done ==
//!   true` with the header `True`: header values are text); otherwise booleans equal only
//!   booleans. Arrays and objects compare by deep equality with exact string matching
//!   inside, and are never ordered.
//! - A bare operand is a truthiness test: `null`, `false` and missing values are false,
//!   everything else (including `0` and `''`) is true. `!` negates truthiness.
//!
//! # Other criterion types
//!
//! - `regex`: compiled with the `regex` crate at generation time; the runtime uses search
//!   semantics (`Regex::is_match`), so anchors must be explicit as in the spec's `^200$`.
//!   Look-around and back-references are not supported by that crate.
//! - `jsonpath`: an RFC 9535 query checked with `serde_json_path`; the criterion passes
//!   when the query selects at least one node. The Goessner draft version is parsed with
//!   the same RFC 9535 parser (the common subset is identical). The non-standard form
//!   `<query> <op> <literal>` is accepted with a warning; see [`JsonPathCriterion`].
//! - `xpath`: only checked for balanced brackets and quotes; the runtime evaluates it.

use std::fmt;

use serde_json::Value;

use super::parse::{first_char_len, is_member_char, parse_navigation, parse_prefix};
use super::{parse_expression, Expr, ExprError, ExprWarning, Span};
use crate::model::SpecVersion;

/// A parsed `simple` condition.
///
/// `Or` and `And` have at least two entries; parentheses leave no node of their own.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Condition {
    /// True when any entry is true (evaluated left to right, short-circuiting).
    Or(Vec<Condition>),
    /// True when every entry is true (evaluated left to right, short-circuiting).
    And(Vec<Condition>),
    /// Negation of an operand's truthiness or of a parenthesised condition.
    Not(Box<Condition>),
    /// One comparison.
    Compare {
        /// The left operand.
        lhs: Operand,
        /// The operator.
        op: CmpOp,
        /// The right operand.
        rhs: Operand,
    },
    /// A truthiness test of one operand.
    Operand(Operand),
}

/// A value in a condition.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Operand {
    /// A runtime expression, optionally followed by navigation into its value.
    Expr {
        /// The runtime expression.
        expr: Expr,
        /// `.member` and `[index]` accessors applied to the expression's value.
        nav: Vec<Accessor>,
        /// Where the operand (expression and navigation) is in the condition.
        span: Span,
    },
    /// A literal: boolean, null, number or string.
    Literal(Value),
}

/// One navigation step after a runtime expression in a condition.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Accessor {
    /// `.name`: a member of an object.
    Member(String),
    /// `[n]`: an element of an array, 0-based.
    Index(usize),
}

/// A comparison operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum CmpOp {
    /// `==`.
    Eq,
    /// `!=`.
    Ne,
    /// `<`.
    Lt,
    /// `<=`.
    Le,
    /// `>`.
    Gt,
    /// `>=`.
    Ge,
}

impl CmpOp {
    /// Returns the operator as written.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }
}

impl fmt::Display for CmpOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The JSONPath dialect of a `jsonpath` criterion.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum JsonPathVersion {
    /// RFC 9535, the default.
    Rfc9535,
    /// `draft-goessner-dispatch-jsonpath-00`, named by a Criterion Expression Type Object.
    DraftGoessner,
}

/// The XPath version of an `xpath` criterion.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum XPathVersion {
    /// XPath 3.1, the default.
    XPath31,
    /// `xpath-30`.
    XPath30,
    /// `xpath-20`.
    XPath20,
    /// `xpath-10`.
    XPath10,
}

/// The type of a Selector Object or of a payload replacement target (Arazzo 1.1), with
/// the version an Expression Type Object names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum SelectorKind {
    /// `jsonpath`.
    JsonPath(JsonPathVersion),
    /// `xpath`.
    XPath(XPathVersion),
    /// `jsonpointer` (`rfc6901`).
    JsonPointer,
}

impl SelectorKind {
    /// Interprets a `type` of `jsonpath`, `xpath` or `jsonpointer` with an optional
    /// `version`: the versions the Expression Type Object allows. The error is a message for
    /// the `type` field.
    pub(crate) fn from_type(
        type_: &str,
        version: Option<&str>,
        spec: SpecVersion,
    ) -> Result<Self, String> {
        let v1_1 = spec >= SpecVersion::V1_1;
        match (type_, version) {
            ("jsonpath", None) => Ok(SelectorKind::JsonPath(JsonPathVersion::Rfc9535)),
            ("jsonpath", Some("draft-goessner-dispatch-jsonpath-00")) => {
                Ok(SelectorKind::JsonPath(JsonPathVersion::DraftGoessner))
            }
            ("jsonpath", Some("rfc9535")) if v1_1 => {
                Ok(SelectorKind::JsonPath(JsonPathVersion::Rfc9535))
            }
            ("jsonpath", Some("rfc9535")) => Err(
                "JSONPath version `rfc9535` is only defined in Arazzo 1.1; omit the version to get RFC 9535".into(),
            ),
            ("jsonpath", Some(other)) if v1_1 => Err(format!(
                "unknown JSONPath version `{other}`; expected `rfc9535` or `draft-goessner-dispatch-jsonpath-00`"
            )),
            ("jsonpath", Some(other)) => Err(format!(
                "unknown JSONPath version `{other}`; the only allowed value is `draft-goessner-dispatch-jsonpath-00`"
            )),
            ("xpath", None) => Ok(SelectorKind::XPath(XPathVersion::XPath31)),
            ("xpath", Some("xpath-30")) => Ok(SelectorKind::XPath(XPathVersion::XPath30)),
            ("xpath", Some("xpath-20")) => Ok(SelectorKind::XPath(XPathVersion::XPath20)),
            ("xpath", Some("xpath-10")) => Ok(SelectorKind::XPath(XPathVersion::XPath10)),
            ("xpath", Some("xpath-31")) if v1_1 => Ok(SelectorKind::XPath(XPathVersion::XPath31)),
            ("xpath", Some("xpath-31")) => Err(
                "XPath version `xpath-31` is only defined in Arazzo 1.1; omit the version to get XPath 3.1".into(),
            ),
            ("xpath", Some(other)) if v1_1 => Err(format!(
                "unknown XPath version `{other}`; expected `xpath-31`, `xpath-30`, `xpath-20` or `xpath-10`"
            )),
            ("xpath", Some(other)) => Err(format!(
                "unknown XPath version `{other}`; expected `xpath-30`, `xpath-20` or `xpath-10`"
            )),
            ("jsonpointer", _) if !v1_1 => {
                Err("`jsonpointer` is an Arazzo 1.1 expression type; the document says 1.0.x".into())
            }
            ("jsonpointer", None | Some("rfc6901")) => Ok(SelectorKind::JsonPointer),
            ("jsonpointer", Some(other)) => Err(format!(
                "unknown JSON Pointer version `{other}`; the only allowed value is `rfc6901`"
            )),
            (other, _) => Err(format!(
                "unknown selector type `{other}`; expected `jsonpath`, `xpath` or `jsonpointer`"
            )),
        }
    }
}

/// The type of a criterion, including the version from an Expression Type Object.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum CriterionType {
    /// `simple` (also the default when `type` is omitted).
    Simple,
    /// `regex`.
    Regex,
    /// `jsonpath`.
    JsonPath(JsonPathVersion),
    /// `xpath`.
    XPath(XPathVersion),
}

impl CriterionType {
    /// Interprets a criterion's `type`: a string, or the `type` and `version` of an
    /// Expression Type Object (1.0: Criterion Expression Type Object). `rfc9535` and
    /// `xpath-31`, the defaults, can only be named in 1.1 documents.
    ///
    /// `None` means `simple`. The error is a message for the `type` field.
    pub(crate) fn from_type(
        type_: Option<&str>,
        version: Option<&str>,
        spec: SpecVersion,
    ) -> Result<Self, String> {
        let Some(type_) = type_ else {
            return Ok(CriterionType::Simple);
        };
        let v1_1 = spec >= SpecVersion::V1_1;
        match (type_, version) {
            ("simple", None) => Ok(CriterionType::Simple),
            ("regex", None) => Ok(CriterionType::Regex),
            ("jsonpath" | "xpath" | "jsonpointer", _) => {
                Ok(match SelectorKind::from_type(type_, version, spec)? {
                    SelectorKind::JsonPath(v) => CriterionType::JsonPath(v),
                    SelectorKind::XPath(v) => CriterionType::XPath(v),
                    SelectorKind::JsonPointer => {
                        return Err("`jsonpointer` selects a value and cannot be a condition; a criterion's type is `simple`, `regex`, `jsonpath` or `xpath`".into())
                    }
                })
            }
            ("simple" | "regex", Some(_)) => Err(format!(
                "{} only applies to `jsonpath` and `xpath`, not `{type_}`",
                if v1_1 { "an Expression Type Object" } else { "a Criterion Expression Type Object" }
            )),
            (other, _) => {
                let lower = other.to_ascii_lowercase();
                let known = ["simple", "regex", "jsonpath", "xpath"];
                match known.iter().find(|k| **k == lower) {
                    Some(k) => Err(format!("unknown criterion type `{other}`; did you mean `{k}`?")),
                    None => Err(format!(
                        "unknown criterion type `{other}`; expected `simple`, `regex`, `jsonpath` or `xpath`"
                    )),
                }
            }
        }
    }

    /// Returns the type name as written in documents.
    pub(crate) fn type_name(self) -> &'static str {
        match self {
            CriterionType::Simple => "simple",
            CriterionType::Regex => "regex",
            CriterionType::JsonPath(_) => "jsonpath",
            CriterionType::XPath(_) => "xpath",
        }
    }
}

/// A parsed Criterion Object.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Criterion {
    /// The criterion type.
    pub(crate) kind: CriterionType,
    /// The parsed `context`, when one was given.
    pub(crate) context: Option<Expr>,
    /// The parsed condition.
    pub(crate) test: CriterionTest,
    /// Non-standard forms that were accepted, for the checks to report as warnings.
    pub(crate) warnings: Vec<ExprWarning>,
}

/// The condition of a criterion, by type.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum CriterionTest {
    /// A `simple` condition.
    Simple(Condition),
    /// A `regex` pattern, known to compile with the `regex` crate.
    Regex {
        /// The pattern as written.
        pattern: String,
    },
    /// A `jsonpath` query.
    JsonPath(JsonPathCriterion),
    /// An `xpath` expression, known to compile with `xee-xpath` (XPath 3.1).
    XPath {
        /// The expression as written.
        expression: String,
    },
}

/// A `jsonpath` criterion.
///
/// The standard form is an RFC 9535 query; the criterion passes when it selects at least
/// one node. Real documents also write `<query> <op> <literal>` (`$.is_sent == true`),
/// which is not RFC 9535; it is accepted and means "the single node the query selects
/// compares true with the literal" under the simple-condition rules. `compare` is `Some`
/// exactly for that non-standard form, and [`Criterion::warnings`] then carries a warning
/// with the rewrites below.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct JsonPathCriterion {
    /// The RFC 9535 query, validated with `serde_json_path`.
    pub(crate) query: String,
    /// The comparison of the non-standard form.
    pub(crate) compare: Option<(CmpOp, Value)>,
    /// For a non-standard `$.a.b == v`, the RFC 9535 filter `$[?@.a.b == v]`.
    ///
    /// Note that the filter tests the *children* of the context value, so it is equivalent
    /// only when the context is an array of objects; for an object context the simple
    /// rewrite is the faithful one.
    pub(crate) filter_rewrite: Option<String>,
    /// For a non-standard `$.a.b == v` with context `$response.body`, the equivalent simple
    /// condition `$response.body#/a/b == v`.
    pub(crate) simple_rewrite: Option<String>,
}

#[cfg(test)]
impl JsonPathCriterion {
    /// Returns true for the non-standard `<query> <op> <literal>` form.
    pub(crate) fn is_nonstandard(&self) -> bool {
        self.compare.is_some()
    }
}

/// Parses a Criterion Object's `condition` (and `context`) according to its type.
///
/// `regex`, `jsonpath` and `xpath` require a context. The rule that *any* explicit `type`
/// (even `simple`) requires a context is left to the caller, which knows whether `type` was
/// written. Errors about the context have [`super::ErrorSite::Context`].
pub(crate) fn parse_criterion(
    condition: &str,
    context: Option<&str>,
    kind: CriterionType,
) -> Result<Criterion, ExprError> {
    let context = match context {
        Some(text) => Some(parse_expression(text).map_err(ExprError::in_context)?),
        None => None,
    };
    let mut warnings = Vec::new();
    let require_context = || {
        if context.is_none() {
            Err(ExprError::new(
                format!(
                    "a `{}` criterion needs a `context`, such as `$response.body`, to apply the condition to",
                    kind.type_name()
                ),
                0,
                0,
            )
            .in_context())
        } else {
            Ok(())
        }
    };
    let test = match kind {
        CriterionType::Simple => {
            let (parsed, w) = parse_condition_with_warnings(condition)?;
            warnings = w;
            CriterionTest::Simple(parsed)
        }
        CriterionType::Regex => {
            require_context()?;
            check_regex(condition, &mut warnings)?;
            CriterionTest::Regex {
                pattern: condition.to_owned(),
            }
        }
        CriterionType::JsonPath(_) => {
            require_context()?;
            CriterionTest::JsonPath(parse_jsonpath(condition, context.as_ref(), &mut warnings)?)
        }
        CriterionType::XPath(_) => {
            // The context defaults to `$response.body` (see the check of criteria).
            check_xpath(condition)?;
            CriterionTest::XPath {
                expression: condition.to_owned(),
            }
        }
    };
    Ok(Criterion {
        kind,
        context,
        test,
        warnings,
    })
}

/// Parses a `simple` condition, discarding warnings.
pub(crate) fn parse_condition(input: &str) -> Result<Condition, ExprError> {
    parse_condition_with_warnings(input).map(|(c, _)| c)
}

/// Parses a `simple` condition and returns the warnings for tolerated non-standard syntax.
pub(crate) fn parse_condition_with_warnings(
    input: &str,
) -> Result<(Condition, Vec<ExprWarning>), ExprError> {
    let mut parser = CondParser {
        lexer: Lexer {
            input,
            pos: 0,
            peeked: None,
            warnings: Vec::new(),
        },
        depth: 0,
    };
    if parser.lexer.peek_kind()? == Kind::End {
        return Err(ExprError::new("empty condition", 0, input.len()));
    }
    let condition = parser.or()?;
    let next = parser.lexer.bump()?;
    match next.kind() {
        Kind::End => Ok((condition, parser.lexer.warnings)),
        Kind::RParen => Err(ExprError::new(
            "unmatched `)`",
            next.span.offset,
            next.span.len,
        )),
        _ => Err(ExprError::new(
            format!(
                "unexpected `{}`; expected `&&`, `||` or the end of the condition",
                parser.lexer.text(next.span)
            ),
            next.span.offset,
            next.span.len,
        )),
    }
}

/// The token kinds of simple conditions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    LParen,
    RParen,
    Not,
    And,
    Or,
    Cmp(CmpOp),
    Value,
    End,
}

/// A token of a simple condition.
#[derive(Debug)]
enum Tok {
    LParen,
    RParen,
    Not,
    And,
    Or,
    Cmp(CmpOp),
    Value(Operand),
    End,
}

/// A token with its position.
#[derive(Debug)]
struct Token {
    tok: Tok,
    span: Span,
}

impl Token {
    fn kind(&self) -> Kind {
        match self.tok {
            Tok::LParen => Kind::LParen,
            Tok::RParen => Kind::RParen,
            Tok::Not => Kind::Not,
            Tok::And => Kind::And,
            Tok::Or => Kind::Or,
            Tok::Cmp(op) => Kind::Cmp(op),
            Tok::Value(_) => Kind::Value,
            Tok::End => Kind::End,
        }
    }
}

/// A lazy tokenizer, so that the leftmost problem is the one reported.
struct Lexer<'a> {
    input: &'a str,
    pos: usize,
    peeked: Option<Token>,
    warnings: Vec<ExprWarning>,
}

/// Returns true for the characters that end an operand or a bare word.
fn is_delimiter(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || matches!(c, '!' | '&' | '(' | ')' | '<' | '=' | '>' | '{' | '|' | '}')
}

impl Lexer<'_> {
    fn text(&self, span: Span) -> &str {
        self.input
            .get(span.offset..span.offset + span.len)
            .unwrap_or("")
    }

    fn peek_kind(&mut self) -> Result<Kind, ExprError> {
        if self.peeked.is_none() {
            let token = self.lex()?;
            self.peeked = Some(token);
        }
        Ok(self.peeked.as_ref().map_or(Kind::End, Token::kind))
    }

    fn peek_span(&mut self) -> Result<Span, ExprError> {
        self.peek_kind()?;
        Ok(self
            .peeked
            .as_ref()
            .map_or(Span::new(self.input.len(), 0), |t| t.span))
    }

    fn bump(&mut self) -> Result<Token, ExprError> {
        match self.peeked.take() {
            Some(token) => Ok(token),
            None => self.lex(),
        }
    }

    /// Reads the next token.
    fn lex(&mut self) -> Result<Token, ExprError> {
        let input = self.input;
        let rest = &input[self.pos..];
        let skipped = rest.len() - rest.trim_start_matches([' ', '\t', '\n', '\r']).len();
        self.pos += skipped;
        let start = self.pos;
        let rest = &input[start..];
        let Some(c) = rest.chars().next() else {
            return Ok(Token {
                tok: Tok::End,
                span: Span::new(start, 0),
            });
        };
        let two = rest.get(..2).unwrap_or("");
        let three = rest.get(..3).unwrap_or("");
        let simple = |tok, len| Ok((tok, len));
        let (tok, len) = match c {
            '(' => simple(Tok::LParen, 1),
            ')' => simple(Tok::RParen, 1),
            _ if three == "===" || three == "!==" => Err(ExprError::new(
                format!("`{three}` is not an operator; use `{}`", &three[..2]),
                start,
                3,
            )),
            _ if two == "==" => simple(Tok::Cmp(CmpOp::Eq), 2),
            _ if two == "!=" => simple(Tok::Cmp(CmpOp::Ne), 2),
            _ if two == "<=" => simple(Tok::Cmp(CmpOp::Le), 2),
            _ if two == ">=" => simple(Tok::Cmp(CmpOp::Ge), 2),
            _ if two == "&&" => simple(Tok::And, 2),
            _ if two == "||" => simple(Tok::Or, 2),
            _ if two == "=<" || two == "=>" => Err(ExprError::new(
                format!("`{two}` is not an operator; use `{}=`", &two[1..]),
                start,
                2,
            )),
            '<' => simple(Tok::Cmp(CmpOp::Lt), 1),
            '>' => simple(Tok::Cmp(CmpOp::Gt), 1),
            '!' => simple(Tok::Not, 1),
            '=' => Err(ExprError::new(
                "`=` is not an operator; use `==` to compare",
                start,
                1,
            )),
            '&' => Err(ExprError::new("`&` is not an operator; use `&&`", start, 1)),
            '|' => Err(ExprError::new("`|` is not an operator; use `||`", start, 1)),
            '{' if rest.starts_with("{$") => Err(ExprError::new(
                "a condition is not a template; write the expression without braces",
                start,
                1,
            )),
            '{' | '}' => Err(ExprError::new(
                format!("unexpected `{c}` in condition"),
                start,
                1,
            )),
            '\'' => self
                .single_quoted(start)
                .map(|(v, len)| (Tok::Value(Operand::Literal(v)), len)),
            '"' => self
                .double_quoted(start)
                .map(|(v, len)| (Tok::Value(Operand::Literal(v)), len)),
            '$' => self.operand(start).map(|(o, len)| (Tok::Value(o), len)),
            '-' | '0'..='9' => self
                .number(start)
                .map(|(v, len)| (Tok::Value(Operand::Literal(v)), len)),
            '#' => Err(ExprError::new(
                "a JSON pointer must follow a runtime expression, as in `$response.body#/id`",
                start,
                word_len(rest),
            )),
            '@' => Err(ExprError::new(
                "`@` is JSONPath syntax; use a criterion with `type: jsonpath` and a `context`",
                start,
                word_len(rest),
            )),
            _ if c.is_alphabetic() || c == '_' => self
                .word(start)
                .map(|(v, len)| (Tok::Value(Operand::Literal(v)), len)),
            _ => Err(ExprError::new(
                format!("unexpected `{c}` in condition"),
                start,
                c.len_utf8(),
            )),
        }?;
        self.pos = start + len;
        Ok(Token {
            tok,
            span: Span::new(start, len),
        })
    }

    /// Lexes a single-quoted string with `''` escapes.
    fn single_quoted(&self, start: usize) -> Result<(Value, usize), ExprError> {
        let body = &self.input[start + 1..];
        let mut out = String::new();
        let mut chars = body.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if c == '\'' {
                if chars.peek().map(|(_, n)| *n) == Some('\'') {
                    chars.next();
                    out.push('\'');
                } else {
                    return Ok((Value::String(out), i + 2));
                }
            } else {
                out.push(c);
            }
        }
        Err(ExprError::new(
            "unterminated string: missing closing `'` (write `''` for a quote inside a string)",
            start,
            1,
        ))
    }

    /// Lexes a double-quoted JSON string, which is tolerated with a warning.
    fn double_quoted(&mut self, start: usize) -> Result<(Value, usize), ExprError> {
        let body = &self.input[start + 1..];
        let mut escaped = false;
        let mut end = None;
        for (i, c) in body.char_indices() {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                end = Some(i);
                break;
            }
        }
        let Some(end) = end else {
            return Err(ExprError::new(
                "unterminated string: missing closing `\"`",
                start,
                1,
            ));
        };
        let len = end + 2;
        let literal = &self.input[start..start + len];
        let value: String = serde_json::from_str(literal).map_err(|e| {
            ExprError::new(format!("invalid double-quoted string: {e}"), start, len)
        })?;
        self.warnings.push(ExprWarning::new(
            format!(
                "double-quoted strings are not standard in conditions; use single quotes: `{}`",
                quote_single(&value)
            ),
            start,
            len,
        ));
        Ok((Value::String(value), len))
    }

    /// Lexes a JSON number (which is also the reference grammar's number syntax).
    fn number(&self, start: usize) -> Result<(Value, usize), ExprError> {
        let rest = &self.input[start..];
        let bytes = rest.as_bytes();
        let mut i = 0;
        if bytes.first() == Some(&b'-') {
            i += 1;
        }
        let digits_start = i;
        while bytes.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == digits_start {
            return Err(ExprError::new("expected a number after `-`", start, 1));
        }
        if bytes.get(i) == Some(&b'.') && bytes.get(i + 1).is_some_and(u8::is_ascii_digit) {
            i += 1;
            while bytes.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
        }
        if matches!(bytes.get(i), Some(b'e' | b'E')) {
            let mut j = i + 1;
            if matches!(bytes.get(j), Some(b'+' | b'-')) {
                j += 1;
            }
            if bytes.get(j).is_some_and(u8::is_ascii_digit) {
                while bytes.get(j).is_some_and(u8::is_ascii_digit) {
                    j += 1;
                }
                i = j;
            }
        }
        let after = &rest[i..];
        if after.chars().next().is_some_and(|c| !is_delimiter(c)) {
            let len = word_len(after);
            return Err(ExprError::new(
                format!(
                    "unexpected `{}` after number `{}`",
                    &after[..len],
                    &rest[..i]
                ),
                start + i,
                len,
            ));
        }
        let text = &rest[..i];
        match serde_json::from_str::<serde_json::Number>(text) {
            Ok(n) => Ok((Value::Number(n), i)),
            Err(_) => Err(ExprError::new(
                format!("invalid number `{text}`: numbers use JSON syntax (no leading zeros)"),
                start,
                i,
            )),
        }
    }

    /// Lexes `true`, `false` or `null`, and explains anything else that looks like a word.
    fn word(&self, start: usize) -> Result<(Value, usize), ExprError> {
        let rest = &self.input[start..];
        let len = word_len(rest);
        let word = &rest[..len];
        match word {
            "true" => return Ok((Value::Bool(true), len)),
            "false" => return Ok((Value::Bool(false), len)),
            "null" => return Ok((Value::Null, len)),
            _ => {}
        }
        let lower = word.to_lowercase();
        let message = match lower.as_str() {
            "true" | "false" | "null" => format!("unknown literal `{word}`; did you mean `{lower}`?"),
            "and" => "`and` is not an operator; use `&&`".to_owned(),
            "or" => "`or` is not an operator; use `||`".to_owned(),
            "not" => "`not` is not an operator; use `!`".to_owned(),
            "contains" | "matches" | "in" | "like" | "startswith" | "endswith" => format!(
                "`{word}` is not an operator in simple conditions; use a criterion with `type: regex` and a `context`"
            ),
            _ => format!(
                "unquoted text `{word}`; string literals must be single-quoted: `{}`",
                quote_single(word)
            ),
        };
        Err(ExprError::new(message, start, len))
    }

    /// Lexes an operand: a runtime expression plus navigation.
    fn operand(&self, start: usize) -> Result<(Operand, usize), ExprError> {
        let rest = &self.input[start..];
        let len = rest.find(is_delimiter).unwrap_or(rest.len());
        let token = &rest[..len];
        let (expr, used) = parse_prefix(token).map_err(|e| e.shift(start))?;
        let nav = parse_navigation(&token[used..], start + used)?;
        Ok((
            Operand::Expr {
                expr,
                nav,
                span: Span::new(start, len),
            },
            len,
        ))
    }
}

/// Returns the length of the word at the start of `text`: up to whitespace or an operator
/// character, at least one character.
fn word_len(text: &str) -> usize {
    let len = text
        .find(|c: char| is_delimiter(c) || c == '\'' || c == '"')
        .unwrap_or(text.len());
    if len == 0 {
        first_char_len(text)
    } else {
        len
    }
}

/// Writes a string as a single-quoted condition literal.
fn quote_single(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// How deeply parentheses may nest in a simple condition. The parser is recursive, so the
/// limit keeps absurd inputs from exhausting the stack; real conditions nest two or three
/// levels.
pub(super) const MAX_DEPTH: usize = 64;

/// The recursive-descent parser of simple conditions.
struct CondParser<'a> {
    lexer: Lexer<'a>,
    depth: usize,
}

impl CondParser<'_> {
    fn or(&mut self) -> Result<Condition, ExprError> {
        let mut items = vec![self.and()?];
        while self.lexer.peek_kind()? == Kind::Or {
            self.lexer.bump()?;
            items.push(self.and()?);
        }
        Ok(if items.len() == 1 {
            items.remove(0)
        } else {
            Condition::Or(items)
        })
    }

    fn and(&mut self) -> Result<Condition, ExprError> {
        let mut items = vec![self.basic()?];
        while self.lexer.peek_kind()? == Kind::And {
            self.lexer.bump()?;
            items.push(self.basic()?);
        }
        Ok(if items.len() == 1 {
            items.remove(0)
        } else {
            Condition::And(items)
        })
    }

    fn basic(&mut self) -> Result<Condition, ExprError> {
        let token = self.lexer.bump()?;
        match token.tok {
            Tok::Not => {
                let next = self.lexer.bump()?;
                let inner = match next.tok {
                    Tok::LParen => self.group(next.span)?,
                    Tok::Value(operand) => Condition::Operand(operand),
                    Tok::Not => {
                        return Err(ExprError::new(
                            "`!` cannot be repeated; use parentheses, as in `!(!$inputs.flag)`",
                            next.span.offset,
                            next.span.len,
                        ))
                    }
                    _ => return Err(self.expected_operand(&next, "after `!`")),
                };
                if let Kind::Cmp(op) = self.lexer.peek_kind()? {
                    let span = self.lexer.peek_span()?;
                    return Err(ExprError::new(
                        format!("`!` negates only the value before `{op}`; write `!(… {op} …)` to negate the comparison"),
                        span.offset,
                        span.len,
                    ));
                }
                Ok(Condition::Not(Box::new(inner)))
            }
            Tok::LParen => {
                let inner = self.group(token.span)?;
                if let Kind::Cmp(op) = self.lexer.peek_kind()? {
                    let span = self.lexer.peek_span()?;
                    return Err(ExprError::new(
                        format!("a parenthesised condition cannot be compared with `{op}`; compare values, not conditions"),
                        span.offset,
                        span.len,
                    ));
                }
                Ok(inner)
            }
            Tok::Value(lhs) => {
                let Kind::Cmp(op) = self.lexer.peek_kind()? else {
                    return Ok(Condition::Operand(lhs));
                };
                let op_token = self.lexer.bump()?;
                let next = self.lexer.bump()?;
                let Tok::Value(rhs) = next.tok else {
                    let what = format!("after `{op}`");
                    return Err(self
                        .expected_operand(&next, &what)
                        .with_fallback_span(op_token.span));
                };
                if let Kind::Cmp(second) = self.lexer.peek_kind()? {
                    let span = self.lexer.peek_span()?;
                    return Err(ExprError::new(
                        format!("comparisons cannot be chained; combine them with `&&`, as in `a {op} b && b {second} c`"),
                        span.offset,
                        span.len,
                    ));
                }
                Ok(Condition::Compare { lhs, op, rhs })
            }
            Tok::Cmp(op) => Err(ExprError::new(
                format!("expected a value before `{op}`"),
                token.span.offset,
                token.span.len,
            )),
            _ => Err(self.expected_operand(&token, "")),
        }
    }

    /// Parses the inside of a group whose `(` has been consumed, and its `)`.
    fn group(&mut self, open: Span) -> Result<Condition, ExprError> {
        if self.depth == MAX_DEPTH {
            return Err(ExprError::new(
                format!("parentheses nest more than {MAX_DEPTH} levels deep"),
                open.offset,
                open.len,
            ));
        }
        self.depth += 1;
        let inner = self.or()?;
        self.depth -= 1;
        let close = self.lexer.bump()?;
        match close.kind() {
            Kind::RParen => Ok(inner),
            Kind::End => Err(ExprError::new("unclosed `(`", open.offset, open.len)),
            _ => Err(ExprError::new(
                format!(
                    "unexpected `{}`; expected `)`, `&&` or `||`",
                    self.lexer.text(close.span)
                ),
                close.span.offset,
                close.span.len,
            )),
        }
    }

    /// Builds the error for a token where an operand was expected.
    fn expected_operand(&self, token: &Token, after: &str) -> ExprError {
        let sep = if after.is_empty() { "" } else { " " };
        if token.kind() == Kind::End {
            return ExprError::new(
                format!("unexpected end of condition; expected a value{sep}{after}"),
                token.span.offset,
                0,
            );
        }
        ExprError::new(
            format!(
                "unexpected `{}`; expected a value{sep}{after}",
                self.lexer.text(token.span)
            ),
            token.span.offset,
            token.span.len,
        )
    }
}

impl ExprError {
    /// Uses `span` instead of the error's own position when the error has no length (at
    /// the end of the input), so that the underline has something to point at.
    fn with_fallback_span(self, span: Span) -> ExprError {
        if self.len == 0 {
            ExprError {
                offset: span.offset,
                len: span.len,
                ..self
            }
        } else {
            self
        }
    }
}

impl fmt::Display for Operand {
    /// Prints the operand as it would be written in a condition.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Operand::Expr { expr, nav, .. } => {
                write!(f, "{expr}")?;
                for accessor in nav {
                    match accessor {
                        Accessor::Member(name) => write!(f, ".{name}")?,
                        Accessor::Index(index) => write!(f, "[{index}]")?,
                    }
                }
                Ok(())
            }
            Operand::Literal(Value::String(s)) => f.write_str(&quote_single(s)),
            Operand::Literal(value) => write!(f, "{value}"),
        }
    }
}

impl fmt::Display for Condition {
    /// Prints the canonical condition: single spaces around binary operators and
    /// parentheses only where needed.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn join(
            f: &mut fmt::Formatter<'_>,
            items: &[Condition],
            sep: &str,
            wrap: fn(&Condition) -> bool,
        ) -> fmt::Result {
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    f.write_str(sep)?;
                }
                if wrap(item) {
                    write!(f, "({item})")?;
                } else {
                    write!(f, "{item}")?;
                }
            }
            Ok(())
        }
        match self {
            // Nested groups of the same operator keep their parentheses, so that printing
            // and parsing again gives the same tree.
            Condition::Or(items) => join(f, items, " || ", |c| matches!(c, Condition::Or(_))),
            Condition::And(items) => join(f, items, " && ", |c| {
                matches!(c, Condition::Or(_) | Condition::And(_))
            }),
            Condition::Not(inner) => match inner.as_ref() {
                Condition::Operand(operand) => write!(f, "!{operand}"),
                other => write!(f, "!({other})"),
            },
            Condition::Compare { lhs, op, rhs } => write!(f, "{lhs} {op} {rhs}"),
            Condition::Operand(operand) => write!(f, "{operand}"),
        }
    }
}

/// Checks that a regex criterion compiles, and warns about JavaScript-style literals.
fn check_regex(pattern: &str, warnings: &mut Vec<ExprWarning>) -> Result<(), ExprError> {
    if let Err(err) = regex::Regex::new(pattern) {
        return Err(regex_error(pattern, &err));
    }
    if let Some((body, flags)) = js_regex_literal(pattern) {
        let inline: String = flags
            .chars()
            .filter(|c| matches!(c, 'i' | 'm' | 's'))
            .collect();
        let suggestion = if inline.is_empty() {
            body.to_owned()
        } else {
            format!("(?{inline}){body}")
        };
        warnings.push(ExprWarning::new(
            format!(
                "this looks like a JavaScript regex literal, but the slashes and flags are matched literally; write `{suggestion}`"
            ),
            0,
            pattern.len(),
        ));
    }
    if pattern.is_empty() {
        warnings.push(ExprWarning::new(
            "an empty pattern matches every value",
            0,
            0,
        ));
    }
    Ok(())
}

/// Splits `/body/flags` into its body and flags.
fn js_regex_literal(pattern: &str) -> Option<(&str, &str)> {
    let inner = pattern.strip_prefix('/')?;
    let close = inner.rfind('/')?;
    let (body, flags) = (&inner[..close], &inner[close + 1..]);
    let flags_ok = flags
        .chars()
        .all(|c| matches!(c, 'd' | 'g' | 'i' | 'm' | 's' | 'u' | 'v' | 'y'));
    (!body.is_empty() && flags_ok).then_some((body, flags))
}

/// Turns a `regex` crate error into an [`ExprError`], recovering the position from the
/// caret line of the message when the pattern is on one line.
fn regex_error(pattern: &str, err: &regex::Error) -> ExprError {
    let text = err.to_string();
    let summary = text
        .lines()
        .rev()
        .find_map(|l| l.strip_prefix("error: "))
        .unwrap_or(text.lines().last().unwrap_or("invalid pattern"))
        .to_owned();
    let mut span = Span::new(0, pattern.len());
    if !pattern.contains('\n') {
        let lines: Vec<&str> = text.lines().collect();
        let echo = format!("    {pattern}");
        if let Some(i) = lines.iter().position(|l| *l == echo) {
            if let Some(carets) = lines.get(i + 1) {
                let column = carets
                    .chars()
                    .take_while(|c| *c != '^')
                    .count()
                    .saturating_sub(4);
                let width = carets.chars().filter(|c| *c == '^').count();
                let byte = |n: usize| {
                    pattern
                        .char_indices()
                        .nth(n)
                        .map_or(pattern.len(), |(b, _)| b)
                };
                let start = byte(column);
                let end = byte(column + width).max(start);
                span = Span::new(start, end - start);
            }
        }
    }
    ExprError::new(format!("invalid regex: {summary}"), span.offset, span.len)
}

/// Parses a `jsonpath` condition: an RFC 9535 query, or the tolerated
/// `<query> <op> <literal>` form.
fn parse_jsonpath(
    condition: &str,
    context: Option<&Expr>,
    warnings: &mut Vec<ExprWarning>,
) -> Result<JsonPathCriterion, ExprError> {
    let whole = serde_json_path::JsonPath::parse(condition);
    let whole_err = match whole {
        Ok(_) => {
            return Ok(JsonPathCriterion {
                query: condition.to_owned(),
                compare: None,
                filter_rewrite: None,
                simple_rewrite: None,
            })
        }
        Err(err) => err,
    };
    if condition.trim_start().starts_with('#') {
        let hint = simple_hint(context, condition.trim());
        return Err(ExprError::new(
            format!(
                "`{}` is a JSON pointer, not a JSONPath query{hint}",
                condition.trim()
            ),
            0,
            condition.len(),
        ));
    }
    let Some((op_at, op)) = split_comparison(condition) else {
        return Err(jsonpath_error(condition, 0, &whole_err));
    };
    let query_raw = &condition[..op_at];
    let query = query_raw.trim();
    let query_start = query_raw.len() - query_raw.trim_start().len();
    let literal_start = op_at + op.as_str().len();
    let literal_raw = &condition[literal_start..];
    let literal = literal_raw.trim();
    let literal_offset = literal_start + (literal_raw.len() - literal_raw.trim_start().len());
    if let Err(err) = serde_json_path::JsonPath::parse(query) {
        return Err(jsonpath_error(query, query_start, &err));
    }
    let value = parse_jsonpath_literal(literal, literal_offset, query, op, context)?;
    let members = dotted_members(query);
    // `$.items.length > 0`, the JavaScript idiom: JSON arrays have no `length` member.
    if let Some(message) = members
        .as_deref()
        .and_then(|m| array_length_hint(query, m, op, &value))
    {
        warnings.push(ExprWarning::new(message, 0, condition.len()));
        return Ok(JsonPathCriterion {
            query: query.to_owned(),
            compare: Some((op, value)),
            filter_rewrite: None,
            simple_rewrite: None,
        });
    }
    let filter_rewrite = members.as_ref().and_then(|m| {
        let rewrite = format!("$[?@{} {op} {value}]", relative_path(m));
        serde_json_path::JsonPath::parse(&rewrite)
            .ok()
            .map(|_| rewrite)
    });
    let simple_rewrite = members.as_ref().and_then(|m| {
        let target = context?.with_pointer_tokens(m.iter().map(Accessor::to_token))?;
        Some(format!("{target} {op} {}", Operand::Literal(value.clone())))
    });
    let mut message = format!(
        "`{}` is not an RFC 9535 query: comparisons are only allowed inside filters",
        condition.trim()
    );
    match (&simple_rewrite, &filter_rewrite) {
        (Some(simple), Some(filter)) => message.push_str(&format!(
            "; write a simple criterion `{simple}`, or the filter `{filter}` when the context is an array"
        )),
        (Some(simple), None) => message.push_str(&format!("; write a simple criterion `{simple}`")),
        (None, Some(filter)) => message.push_str(&format!("; use the filter form `{filter}`")),
        (None, None) => message.push_str("; use a filter such as `$[?@.name == 'x']`"),
    }
    warnings.push(ExprWarning::new(message, 0, condition.len()));
    Ok(JsonPathCriterion {
        query: query.to_owned(),
        compare: Some((op, value)),
        filter_rewrite,
        simple_rewrite,
    })
}

/// The hint for `$.items.length > 0`: a JSON array has no `length` member, so as written it
/// compares a member that is not there; a JSONPath criterion holds when its query selects
/// a node, so "more than N elements" is "there is an element N": `$.items[N]`.
fn array_length_hint(
    query: &str,
    members: &[Accessor],
    op: CmpOp,
    value: &Value,
) -> Option<String> {
    let (Accessor::Member(last), parent) = members.split_last()? else {
        return None;
    };
    // Not `size` or `count`: APIs often have members of those names.
    if last != "length" {
        return None;
    }
    let n = value.as_u64()?;
    let index = match op {
        CmpOp::Gt => n,
        CmpOp::Ge if n > 0 => n - 1,
        CmpOp::Ne if n == 0 => 0,
        _ => return None,
    };
    let base = &query[..query.len() - last.len() - 1];
    let _ = parent;
    let check = match index {
        0 => "that the array is not empty".to_owned(),
        1 => "that the array has more than 1 element".to_owned(),
        n => format!("that the array has more than {n} elements"),
    };
    Some(format!(
        "`{query} {op} {value}` reads a member `{last}`, which a JSON array does not have; to check {check}, write the JSONPath criterion `{base}[{index}]` (it holds when its query selects a node)",
        op = op.as_str(),
    ))
}

/// Suggests a simple criterion for a JSON pointer written as a JSONPath condition.
fn simple_hint(context: Option<&Expr>, condition: &str) -> String {
    let Some(context) = context else {
        return String::new();
    };
    if !context.accepts_pointer() {
        return String::new();
    }
    match parse_condition(&format!("{context}{condition}")) {
        Ok(parsed) => format!("; write a simple criterion without `type`: `{parsed}`"),
        Err(_) => format!(
            "; write a simple criterion such as `{context}{}`",
            condition.split_whitespace().next().unwrap_or("")
        ),
    }
}

/// Parses the literal of the non-standard `<query> <op> <literal>` form.
fn parse_jsonpath_literal(
    literal: &str,
    offset: usize,
    query: &str,
    op: CmpOp,
    context: Option<&Expr>,
) -> Result<Value, ExprError> {
    if literal.starts_with('$') {
        let hint = match (context, dotted_members(query)) {
            (Some(ctx), Some(members)) => ctx
                .with_pointer_tokens(members.iter().map(Accessor::to_token))
                .map(|target| format!("; write a simple criterion `{target} {op} {literal}`"))
                .unwrap_or_default(),
            _ => String::new(),
        };
        return Err(ExprError::new(
            format!("a jsonpath criterion cannot compare with a runtime expression{hint}"),
            offset,
            literal.len(),
        ));
    }
    if literal.starts_with('\'') {
        let lexer = Lexer {
            input: literal,
            pos: 0,
            peeked: None,
            warnings: Vec::new(),
        };
        return match lexer.single_quoted(0) {
            Ok((value, len)) if len == literal.len() => Ok(value),
            Ok(_) | Err(_) => Err(ExprError::new(
                "invalid string literal",
                offset,
                literal.len(),
            )),
        };
    }
    match serde_json::from_str::<Value>(literal) {
        Ok(value @ (Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_))) => {
            Ok(value)
        }
        _ => {
            let message = if literal.is_empty() {
                format!("expected a literal after `{op}`")
            } else {
                format!(
                    "expected a JSON literal after `{op}`, found `{literal}`; quote strings: `{}`",
                    quote_single(literal)
                )
            };
            Err(ExprError::new(message, offset, literal.len()))
        }
    }
}

/// Finds the first comparison operator outside brackets, parentheses and quotes.
fn split_comparison(text: &str) -> Option<(usize, CmpOp)> {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        if let Some(q) = quote {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '\'' | '"' => quote = Some(c),
            '[' | '(' => depth += 1,
            ']' | ')' => depth = depth.saturating_sub(1),
            '=' | '!' | '<' | '>' if depth == 0 => {
                let two = text.get(i..i + 2).unwrap_or("");
                let op = match two {
                    "==" => CmpOp::Eq,
                    "!=" => CmpOp::Ne,
                    "<=" => CmpOp::Le,
                    ">=" => CmpOp::Ge,
                    _ if c == '<' => CmpOp::Lt,
                    _ if c == '>' => CmpOp::Gt,
                    _ => continue,
                };
                return Some((i, op));
            }
            _ => {}
        }
    }
    None
}

/// Returns the accessors of a query shaped like `$.a.b[0]`, or `None` for anything else.
fn dotted_members(query: &str) -> Option<Vec<Accessor>> {
    let mut rest = query.strip_prefix('$')?;
    let mut members = Vec::new();
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('.') {
            let len = after
                .find(|c: char| !is_member_char(c))
                .unwrap_or(after.len());
            if len == 0 || after.starts_with(|c: char| c.is_ascii_digit() || c == '-') {
                return None;
            }
            members.push(Accessor::Member(after[..len].to_owned()));
            rest = &after[len..];
        } else if let Some(after) = rest.strip_prefix('[') {
            let len = after
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(after.len());
            if len == 0 || !after[len..].starts_with(']') {
                return None;
            }
            members.push(Accessor::Index(after[..len].parse().ok()?));
            rest = &after[len + 1..];
        } else {
            return None;
        }
    }
    (!members.is_empty()).then_some(members)
}

/// Writes accessors as the relative RFC 9535 path after `@`.
fn relative_path(members: &[Accessor]) -> String {
    members
        .iter()
        .map(|m| match m {
            Accessor::Member(name) => format!(".{name}"),
            Accessor::Index(index) => format!("[{index}]"),
        })
        .collect()
}

/// Turns a `serde_json_path` error into an [`ExprError`] at the right place.
pub(crate) fn jsonpath_error(
    query: &str,
    base: usize,
    err: &serde_json_path::ParseError,
) -> ExprError {
    let mut at = err.position().min(query.len());
    while !query.is_char_boundary(at) {
        at -= 1;
    }
    let len = query[at..].chars().next().map_or(0, char::len_utf8);
    ExprError::new(
        format!("invalid JSONPath query: {}", err.message()),
        base + at,
        len,
    )
}

/// Checks an XPath expression: it must not be empty, brackets, parentheses and quotes must
/// balance (reported with a precise message), and it must compile with `xee-xpath`, the
/// XPath 3.1 engine the runtime evaluates it with.
pub(crate) fn check_xpath(expression: &str) -> Result<(), ExprError> {
    check_xpath_brackets(expression)?;
    if xpath_lookups(expression) > MAX_XPATH_LOOKUPS {
        return Err(ExprError::new(
            format!("invalid XPath expression: more than {MAX_XPATH_LOOKUPS} `?` lookups (the XPath engine takes time and memory exponential in their number)"),
            0,
            expression.len(),
        ));
    }
    // xee panics on some expressions it cannot compile (a long chain of `?` lookups
    // overflows a jump in its program; found by the `condition` fuzz target).
    let compiled = std::panic::catch_unwind(|| {
        xee_xpath::Queries::default()
            .sequence(expression)
            .map(|_| ())
    });
    let Ok(compiled) = compiled else {
        return Err(ExprError::new(
            "invalid XPath expression: the XPath engine cannot compile it (too long or too deeply nested)",
            0,
            expression.len(),
        ));
    };
    if let Err(e) = compiled {
        let (offset, len) = e
            .span
            .map(|span| {
                let range = span.range();
                (range.start, range.end.saturating_sub(range.start))
            })
            .unwrap_or((0, expression.len()));
        return Err(ExprError::new(
            format!(
                "invalid XPath expression: {} ({})",
                e.error.message().trim_end_matches('.'),
                e.error.code()
            ),
            offset.min(expression.len()),
            len,
        ));
    }
    Ok(())
}

/// The most `?` lookup operators an XPath expression may have: xee's compile time and
/// memory double with each (a chain of 28 took it past 2 GiB; found by the `condition`
/// fuzz target). The runtime refuses the same expressions.
const MAX_XPATH_LOOKUPS: usize = 8;

/// How many `?` (lookup operators, and occurrence indicators) `expression` has outside its
/// string literals.
fn xpath_lookups(expression: &str) -> usize {
    let mut quote = None;
    let mut count = 0;
    for c in expression.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '?') => count += 1,
            (None, _) => {}
        }
    }
    count
}

/// Brackets, parentheses and quotes of an XPath expression must balance.
fn check_xpath_brackets(expression: &str) -> Result<(), ExprError> {
    if expression.trim().is_empty() {
        return Err(ExprError::new(
            "empty XPath expression",
            0,
            expression.len(),
        ));
    }
    let mut open: Vec<(usize, char)> = Vec::new();
    let mut quote: Option<(usize, char)> = None;
    for (i, c) in expression.char_indices() {
        if let Some((_, q)) = quote {
            if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '\'' | '"' => quote = Some((i, c)),
            '[' | '(' | '{' => open.push((i, c)),
            ']' | ')' | '}' => {
                let expected = match c {
                    ']' => '[',
                    ')' => '(',
                    _ => '{',
                };
                match open.pop() {
                    Some((_, o)) if o == expected => {}
                    _ => {
                        return Err(ExprError::new(
                            format!("unmatched `{c}` in XPath expression"),
                            i,
                            1,
                        ))
                    }
                }
            }
            _ => {}
        }
    }
    if let Some((i, q)) = quote {
        return Err(ExprError::new(
            format!("unterminated string: missing closing `{q}`"),
            i,
            1,
        ));
    }
    if let Some((i, o)) = open.pop() {
        return Err(ExprError::new(
            format!("unclosed `{o}` in XPath expression"),
            i,
            1,
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::expr::ErrorSite;

    fn cond(text: &str) -> Condition {
        parse_condition(text).unwrap_or_else(|e| panic!("{text}: {e} at {}", e.offset))
    }

    /// Clears operand spans, which differ between a condition and its canonical form.
    fn without_spans(condition: Condition) -> Condition {
        let clear = |o: Operand| match o {
            Operand::Expr { expr, nav, .. } => Operand::Expr {
                expr,
                nav,
                span: Span::default(),
            },
            literal => literal,
        };
        match condition {
            Condition::Or(items) => Condition::Or(items.into_iter().map(without_spans).collect()),
            Condition::And(items) => Condition::And(items.into_iter().map(without_spans).collect()),
            Condition::Not(inner) => Condition::Not(Box::new(without_spans(*inner))),
            Condition::Compare { lhs, op, rhs } => Condition::Compare {
                lhs: clear(lhs),
                op,
                rhs: clear(rhs),
            },
            Condition::Operand(o) => Condition::Operand(clear(o)),
        }
    }

    fn operand(text: &str) -> Operand {
        match cond(text) {
            Condition::Operand(o) => o,
            other => panic!("{text}: {other:?}"),
        }
    }

    #[test]
    fn prints_canonical_conditions() {
        let cases = [
            ("$statusCode == 200", "$statusCode == 200"),
            ("  $statusCode==200  ", "$statusCode == 200"),
            ("$statusCode\t!=\n200", "$statusCode != 200"),
            ("true", "true"),
            ("null", "null"),
            ("-3.14 < 1.5e3", "-3.14 < 1500.0"),
            ("'it''s ok' == $inputs.name", "'it''s ok' == $inputs.name"),
            ("!$response.body.active", "!$response.body.active"),
            ("!($statusCode == 200)", "!($statusCode == 200)"),
            ("!(true)", "!true"),
            ("!(!true)", "!(!true)"),
            // `&&` binds tighter than `||`.
            (
                "$statusCode == 200 || $statusCode == 201 && $response.body != null",
                "$statusCode == 200 || $statusCode == 201 && $response.body != null",
            ),
            (
                "($statusCode == 200 || $statusCode == 201) && $response.body != null",
                "($statusCode == 200 || $statusCode == 201) && $response.body != null",
            ),
            ("((true))", "true"),
            ("(true || false) || null", "(true || false) || null"),
            ("(true && false) && null", "(true && false) && null"),
            (
                "$response.body.data[0].id > 10",
                "$response.body.data[0].id > 10",
            ),
            (
                "$response.body#/redirectAuthToken != null",
                "$response.body#/redirectAuthToken != null",
            ),
            (
                "$request.header.CammelCasedHeader == 'x' && $response.header.X-Powered-By == 'Express'",
                "$request.header.CammelCasedHeader == 'x' && $response.header.X-Powered-By == 'Express'",
            ),
            ("$inputs.a.b[2]", "$inputs.a.b[2]"),
            ("'' == ''", "'' == ''"),
            ("'ü ''x'' ' != 'y'", "'ü ''x'' ' != 'y'"),
        ];
        for (text, expected) in cases {
            let parsed = cond(text);
            assert_eq!(parsed.to_string(), expected, "{text}");
            let reparsed = cond(&parsed.to_string());
            assert_eq!(
                without_spans(reparsed),
                without_spans(parsed),
                "reparse of {text}"
            );
        }
    }

    #[test]
    fn builds_the_expected_tree() {
        let lit = |v: Value| Operand::Literal(v);
        let op = |text: &str| operand(text);
        let a = || op("$inputs.a");
        let b = || op("$inputs.b");
        assert_eq!(
            without_spans(cond("$inputs.a == 1 || $inputs.b == 2 && !$inputs.a")),
            without_spans(Condition::Or(vec![
                Condition::Compare {
                    lhs: a(),
                    op: CmpOp::Eq,
                    rhs: lit(json!(1))
                },
                Condition::And(vec![
                    Condition::Compare {
                        lhs: b(),
                        op: CmpOp::Eq,
                        rhs: lit(json!(2))
                    },
                    Condition::Not(Box::new(Condition::Operand(a()))),
                ]),
            ]))
        );
        match op("$response.body.data[0].id") {
            Operand::Expr { expr, nav, span } => {
                assert_eq!(expr.to_string(), "$response.body");
                assert_eq!(
                    nav,
                    vec![
                        Accessor::Member("data".into()),
                        Accessor::Index(0),
                        Accessor::Member("id".into())
                    ]
                );
                assert_eq!(span, Span::new(0, 25));
            }
            other => panic!("{other:?}"),
        }
        match cond("  $statusCode == $inputs.code") {
            Condition::Compare { lhs, rhs, .. } => {
                assert!(matches!(lhs, Operand::Expr { span, .. } if span == Span::new(2, 11)));
                assert!(matches!(rhs, Operand::Expr { span, .. } if span == Span::new(17, 12)));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(op("'it''s'"), lit(json!("it's")));
        assert_eq!(op("-0"), lit(json!(-0.0)));
        assert_eq!(op("1.5e3"), lit(json!(1500.0)));
        assert_eq!(
            op("18446744073709551615"),
            lit(json!(18446744073709551615u64))
        );
        assert_eq!(op("\"a\\nb\""), lit(json!("a\nb")));
    }

    #[test]
    fn double_quotes_are_tolerated_with_a_warning() {
        let (parsed, warnings) =
            parse_condition_with_warnings("$response.body.status == \"success\"").unwrap();
        assert_eq!(parsed.to_string(), "$response.body.status == 'success'");
        assert_eq!(warnings.len(), 1);
        assert_eq!((warnings[0].offset, warnings[0].len), (25, 9));
        assert!(warnings[0].message.contains("`'success'`"));
    }

    #[test]
    fn rejects_with_offsets() {
        let cases = [
            ("", 0, 0, "empty condition"),
            ("   ", 0, 3, "empty condition"),
            ("==", 0, 2, "expected a value before `==`"),
            ("$statusCode ==", 12, 2, "expected a value after `==`"),
            ("== 200", 0, 2, "expected a value before `==`"),
            ("$statusCode === 200", 12, 3, "use `==`"),
            ("$statusCode !== 200", 12, 3, "use `!=`"),
            ("$statusCode = 200", 12, 1, "use `==`"),
            ("$statusCode => 200", 12, 2, "use `>=`"),
            ("$statusCode < 200 < 300", 18, 1, "cannot be chained"),
            (
                "$statusCode == == 200",
                15,
                2,
                "expected a value after `==`",
            ),
            ("($statusCode == 200", 0, 1, "unclosed `(`"),
            ("$statusCode == 200)", 18, 1, "unmatched `)`"),
            ("()", 1, 1, "unexpected `)`"),
            (
                "nonsensical string",
                0,
                11,
                "single-quoted: `'nonsensical'`",
            ),
            ("$url == 1 &", 10, 1, "use `&&`"),
            ("$statusCode == 200 | true", 19, 1, "use `||`"),
            ("true and false", 5, 3, "use `&&`"),
            ("True", 0, 4, "did you mean `true`?"),
            (
                "$statusCode == 500%s",
                18,
                2,
                "unexpected `%s` after number `500`",
            ),
            ("$statusCode == 007", 15, 3, "invalid number `007`"),
            ("$statusCode == +1", 15, 1, "unexpected `+`"),
            ("$statusCode == - 1", 15, 1, "expected a number after `-`"),
            ("$statusCode == 2.", 16, 1, "unexpected `.` after number"),
            (
                "$response.header.Content-Type == application/json",
                33,
                16,
                "`'application/json'`",
            ),
            (
                "$response.body.url contains \"x\"",
                19,
                8,
                "use a criterion with `type: regex`",
            ),
            ("$response.body#/name == 'x", 24, 1, "unterminated string"),
            ("$url == \"x", 8, 1, "unterminated string"),
            (
                "$body.claimAmount < 5000",
                0,
                5,
                "did you mean `$response.body`?",
            ),
            ("$steps.x.y == 1", 9, 1, "use `$steps.x.outputs.y`"),
            (
                "$response.headers.X == 1",
                10,
                7,
                "use `$response.header.X`",
            ),
            ("$response.body.a[x] == 1", 16, 3, "expected an index"),
            ("$response.body#/a~2 == 1", 17, 2, "`~` must be followed"),
            ("$statusCode'' == 1", 11, 2, "unexpected `''`"),
            ("{$statusCode == 401}", 0, 1, "not a template"),
            ("#/code == 200", 0, 6, "must follow a runtime expression"),
            ("@.id == 1", 0, 4, "JSONPath syntax"),
            ("!$statusCode == 200", 13, 2, "write `!(… == …)`"),
            ("!!true", 1, 1, "cannot be repeated"),
            ("! == 1", 2, 2, "expected a value after `!`"),
            ("!", 1, 0, "expected a value after `!`"),
            ("(true) == true", 7, 2, "cannot be compared"),
            ("true &&", 7, 0, "unexpected end of condition"),
            ("true || && false", 8, 2, "unexpected `&&`"),
            ("$statusCode 200", 12, 3, "unexpected `200`; expected `&&`"),
            ("(true false)", 6, 5, "expected `)`"),
            ("$ == 1", 0, 1, "expected a runtime expression after `$`"),
            ("1 ≠ 2", 2, 3, "unexpected `≠`"),
        ];
        let mut failures = Vec::new();
        for (text, offset, len, needle) in cases {
            match parse_condition(text) {
                Ok(parsed) => failures.push(format!("{text:?}: accepted as {parsed}")),
                Err(err) => {
                    if (err.offset, err.len) != (offset, len) || !err.message.contains(needle) {
                        failures.push(format!(
                            "{text:?}: got ({}, {}) {:?}, expected ({offset}, {len}) containing {needle:?}",
                            err.offset, err.len, err.message
                        ));
                    }
                }
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn criterion_kinds() {
        use SpecVersion::{V1_0, V1_1};
        assert_eq!(
            CriterionType::from_type(None, None, V1_0),
            Ok(CriterionType::Simple)
        );
        assert_eq!(
            CriterionType::from_type(
                Some("jsonpath"),
                Some("draft-goessner-dispatch-jsonpath-00"),
                V1_0
            ),
            Ok(CriterionType::JsonPath(JsonPathVersion::DraftGoessner))
        );
        assert_eq!(
            CriterionType::from_type(Some("xpath"), Some("xpath-10"), V1_0),
            Ok(CriterionType::XPath(XPathVersion::XPath10))
        );
        assert_eq!(
            CriterionType::from_type(Some("xpath"), None, V1_0),
            Ok(CriterionType::XPath(XPathVersion::XPath31))
        );
        // The defaults can be named in 1.1.
        assert_eq!(
            CriterionType::from_type(Some("xpath"), Some("xpath-31"), V1_1),
            Ok(CriterionType::XPath(XPathVersion::XPath31))
        );
        assert_eq!(
            CriterionType::from_type(Some("jsonpath"), Some("rfc9535"), V1_1),
            Ok(CriterionType::JsonPath(JsonPathVersion::Rfc9535))
        );
        for (t, v, spec, expected) in [
            ("JSONPath", None, V1_0, "unknown criterion type `JSONPath`; did you mean `jsonpath`?"),
            ("jmespath", None, V1_0, "unknown criterion type `jmespath`; expected `simple`, `regex`, `jsonpath` or `xpath`"),
            ("xpath", Some("xpath-31"), V1_0, "XPath version `xpath-31` is only defined in Arazzo 1.1; omit the version to get XPath 3.1"),
            ("jsonpath", Some("rfc9535"), V1_0, "JSONPath version `rfc9535` is only defined in Arazzo 1.1; omit the version to get RFC 9535"),
            ("regex", Some("x"), V1_0, "a Criterion Expression Type Object only applies to `jsonpath` and `xpath`, not `regex`"),
            ("regex", Some("x"), V1_1, "an Expression Type Object only applies to `jsonpath` and `xpath`, not `regex`"),
            ("xpath", Some("xpath-40"), V1_1, "unknown XPath version `xpath-40`; expected `xpath-31`, `xpath-30`, `xpath-20` or `xpath-10`"),
            ("jsonpath", Some("rfc9999"), V1_1, "unknown JSONPath version `rfc9999`; expected `rfc9535` or `draft-goessner-dispatch-jsonpath-00`"),
            ("jsonpointer", None, V1_1, "`jsonpointer` selects a value and cannot be a condition; a criterion's type is `simple`, `regex`, `jsonpath` or `xpath`"),
            ("jsonpointer", None, V1_0, "`jsonpointer` is an Arazzo 1.1 expression type; the document says 1.0.x"),
        ] {
            assert_eq!(
                CriterionType::from_type(Some(t), v, spec).unwrap_err(),
                expected,
                "{t} {v:?} {spec:?}"
            );
        }
    }

    #[test]
    fn selector_kinds() {
        use SpecVersion::V1_1;
        assert_eq!(
            SelectorKind::from_type("jsonpointer", Some("rfc6901"), V1_1),
            Ok(SelectorKind::JsonPointer)
        );
        assert_eq!(
            SelectorKind::from_type("jsonpath", None, V1_1),
            Ok(SelectorKind::JsonPath(JsonPathVersion::Rfc9535))
        );
        assert_eq!(
            SelectorKind::from_type("jsonpointer", Some("draft"), V1_1),
            Err(
                "unknown JSON Pointer version `draft`; the only allowed value is `rfc6901`"
                    .to_owned()
            )
        );
        assert_eq!(
            SelectorKind::from_type("regex", None, V1_1),
            Err(
                "unknown selector type `regex`; expected `jsonpath`, `xpath` or `jsonpointer`"
                    .to_owned()
            )
        );
    }

    #[test]
    fn simple_criteria() {
        let c = parse_criterion("$statusCode == 200", None, CriterionType::Simple).unwrap();
        assert_eq!(c.context, None);
        assert!(matches!(c.test, CriterionTest::Simple(_)));
        let c = parse_criterion(
            "$statusCode == 200",
            Some("$statusCode"),
            CriterionType::Simple,
        )
        .unwrap();
        assert_eq!(c.context, Some(Expr::StatusCode));
        let err = parse_criterion("true", Some("response"), CriterionType::Simple).unwrap_err();
        assert_eq!(err.site, ErrorSite::Context);
    }

    #[test]
    fn regex_criteria() {
        let c = parse_criterion("^200$", Some("$statusCode"), CriterionType::Regex).unwrap();
        assert_eq!(
            c.test,
            CriterionTest::Regex {
                pattern: "^200$".into()
            }
        );
        assert!(c.warnings.is_empty());

        let err = parse_criterion("^200$", None, CriterionType::Regex).unwrap_err();
        assert_eq!((err.site, err.offset, err.len), (ErrorSite::Context, 0, 0));
        assert!(err.message.contains("needs a `context`"));

        let err =
            parse_criterion("é[z-a]", Some("$response.body"), CriterionType::Regex).unwrap_err();
        assert_eq!((err.offset, err.len), (3, 3), "{}", err.message);
        assert!(err
            .message
            .starts_with("invalid regex: invalid character class range"));

        let err =
            parse_criterion("(?<=a)b", Some("$response.body"), CriterionType::Regex).unwrap_err();
        assert!(err.message.contains("look-around"), "{}", err.message);

        let err =
            parse_criterion("a\n(", Some("$response.body"), CriterionType::Regex).unwrap_err();
        assert_eq!((err.offset, err.len), (0, 3));

        let c = parse_criterion(
            "/^[0-9A-F]{8}$/i",
            Some("$response.body#/robotId"),
            CriterionType::Regex,
        )
        .unwrap();
        assert_eq!(c.warnings.len(), 1);
        assert!(c.warnings[0].message.contains("`(?i)^[0-9A-F]{8}$`"));
    }

    #[test]
    fn jsonpath_criteria() {
        let kind = CriterionType::JsonPath(JsonPathVersion::Rfc9535);
        let body = Some("$response.body");
        for standard in [
            "$[?count(@.pets) > 0]",
            "$[?@.status == 400]",
            "$.data[?(@.price > 10 && @.brand.name == 'ForgeFlex Tools')]",
            "$.data[*].brand.name",
        ] {
            let c = parse_criterion(standard, body, kind).unwrap();
            let CriterionTest::JsonPath(jp) = &c.test else {
                panic!("{standard}")
            };
            assert!(!jp.is_nonstandard(), "{standard}");
            assert_eq!(jp.query, standard);
            assert!(c.warnings.is_empty());
        }

        let c = parse_criterion("$.is_sent == true", body, kind).unwrap();
        let CriterionTest::JsonPath(jp) = &c.test else {
            panic!()
        };
        assert_eq!(jp.query, "$.is_sent");
        assert_eq!(jp.compare, Some((CmpOp::Eq, json!(true))));
        assert_eq!(jp.filter_rewrite.as_deref(), Some("$[?@.is_sent == true]"));
        assert_eq!(
            jp.simple_rewrite.as_deref(),
            Some("$response.body#/is_sent == true")
        );
        assert_eq!(c.warnings.len(), 1);
        assert!(c.warnings[0].message.contains("`$[?@.is_sent == true]`"));

        let c = parse_criterion("$.length == 5", Some("$response.body#/links"), kind).unwrap();
        let CriterionTest::JsonPath(jp) = &c.test else {
            panic!()
        };
        assert_eq!(
            jp.simple_rewrite.as_deref(),
            Some("$response.body#/links/length == 5")
        );

        let c = parse_criterion("$.a[0].b != 'x''y'", body, kind).unwrap();
        let CriterionTest::JsonPath(jp) = &c.test else {
            panic!()
        };
        assert_eq!(jp.compare, Some((CmpOp::Ne, json!("x'y"))));
        assert_eq!(
            jp.filter_rewrite.as_deref(),
            Some("$[?@.a[0].b != \"x'y\"]")
        );
        assert_eq!(
            jp.simple_rewrite.as_deref(),
            Some("$response.body#/a/0/b != 'x''y'")
        );

        let c = parse_criterion("$.status != null", body, kind).unwrap();
        assert!(c.warnings.len() == 1);

        let errors = [
            (
                "$.id == $inputs.cookieId",
                8,
                16,
                "`$response.body#/id == $inputs.cookieId`",
            ),
            ("#/code == 200", 0, 13, "`$response.body#/code == 200`"),
            (
                "#/name == Chocolate",
                0,
                19,
                "a simple criterion such as `$response.body#/name`",
            ),
            ("$.status == active", 12, 6, "quote strings: `'active'`"),
            ("$.status ==", 11, 0, "expected a literal after `==`"),
            ("$[?@.a == ]", 7, 1, "invalid JSONPath query"),
            ("$..[ == 1", 3, 1, "invalid JSONPath query"),
            ("", 0, 0, "invalid JSONPath query"),
        ];
        let mut failures = Vec::new();
        for (text, offset, len, needle) in errors {
            match parse_criterion(text, body, kind) {
                Ok(c) => failures.push(format!("{text:?}: accepted as {c:?}")),
                Err(err) => {
                    if (err.offset, err.len) != (offset, len) || !err.message.contains(needle) {
                        failures.push(format!(
                            "{text:?}: got ({}, {}) {:?}, expected ({offset}, {len}) containing {needle:?}",
                            err.offset, err.len, err.message
                        ));
                    }
                }
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));

        let err = parse_criterion("$.a", None, kind).unwrap_err();
        assert_eq!(err.site, ErrorSite::Context);
    }

    #[test]
    fn xpath_criteria() {
        let kind = CriterionType::XPath(XPathVersion::XPath10);
        for ok in [
            "//pet[id = '1']",
            "/root/id = 4711",
            "count(//a[@b=\"]\"]) > 0",
        ] {
            let c = parse_criterion(ok, Some("$response.body"), kind).unwrap();
            assert_eq!(
                c.test,
                CriterionTest::XPath {
                    expression: ok.into()
                }
            );
        }
        for (bad, offset, needle) in [
            ("", 0, "empty"),
            ("  ", 0, "empty"),
            ("//a[b", 3, "unclosed `[`"),
            ("//a]", 3, "unmatched `]`"),
            ("//a[b)]", 5, "unmatched `)`"),
            ("//a[@b='x]", 7, "unterminated string"),
        ] {
            let err = parse_criterion(bad, Some("$response.body"), kind).unwrap_err();
            assert_eq!(err.offset, offset, "{bad}: {}", err.message);
            assert!(err.message.contains(needle), "{bad}: {}", err.message);
        }
        let err = parse_criterion("//a/", Some("$response.body"), kind).unwrap_err();
        assert_eq!(err.offset, 4, "{}", err.message);
        assert!(
            err.message.starts_with("invalid XPath expression: "),
            "{}",
            err.message
        );
        // The context defaults to the response body.
        let c = parse_criterion("//a", None, kind).unwrap();
        assert_eq!(c.context, None);
    }
}
