//! Strings with embedded expressions, and what a string value in a parameter or payload
//! position means.
//!
//! Decisions:
//!
//! - An embedded expression is `{$` … `}`: the expression ends at the first `}` (the
//!   grammar forbids braces inside expressions, so this is unambiguous). A `{` that is not
//!   followed by `$` and a `}` outside an embedded expression are literal text, because JSON
//!   and XML payload templates and OpenAPI path templates (`/pets/{petId}`) are full of them.
//!   An unterminated `{$…` is an error.
//! - A whole value (after trimming ASCII whitespace) that parses as one expression is an
//!   expression and keeps the type of what it refers to.
//! - A value that starts with a known root (`$inputs`, `$steps`, … see [`super::ROOTS`]),
//!   or with a likely misspelling of one (`$input`, `$sourceDescription`), but does not
//!   parse, and contains no `{$`, is a malformed expression and an error. Any other `$…`
//!   text (`$5 off`, `$[?@.x]`, `$ref`, `$faker.name`) is a literal.

use super::parse::{known_root_len, looks_like_root, parse_expression, parse_prefix};
use super::{Expr, ExprError, Span};

/// One piece of a string with embedded expressions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum TemplatePart {
    /// Literal text, sent as is.
    Lit(String),
    /// An embedded `{$…}` expression.
    Expr {
        /// The expression.
        expr: Expr,
        /// Where the expression text (without the braces) is in the template.
        span: Span,
    },
}

/// What a string in a parameter value or payload position means.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum ValueKind {
    /// The whole string (after trimming) is one runtime expression; its value keeps its
    /// type.
    Expression(Expr),
    /// The string contains at least one embedded `{$…}` expression; the result is a string.
    Template(Vec<TemplatePart>),
    /// Plain text without expressions.
    Literal,
}

/// Splits a string into literal text and embedded `{$…}` expressions.
///
/// Adjacent literal text is merged, and an empty string gives no parts. Error offsets are
/// byte offsets into `input`; an unterminated `{$` is reported at its `{`.
pub(crate) fn parse_template(input: &str) -> Result<Vec<TemplatePart>, ExprError> {
    let mut parts = Vec::new();
    let mut literal_start = 0;
    let mut search = 0;
    while let Some(found) = input[search..].find("{$") {
        let open = search + found;
        let expr_start = open + 1;
        let Some(close_rel) = input[expr_start..].find('}') else {
            return Err(ExprError::new(
                "unterminated embedded expression: `{$` has no closing `}`",
                open,
                2,
            ));
        };
        let close = expr_start + close_rel;
        let expr = parse_expression(&input[expr_start..close]).map_err(|e| e.shift(expr_start))?;
        if literal_start < open {
            parts.push(TemplatePart::Lit(input[literal_start..open].to_owned()));
        }
        parts.push(TemplatePart::Expr {
            expr,
            span: Span::new(expr_start, close - expr_start),
        });
        literal_start = close + 1;
        search = literal_start;
    }
    if literal_start < input.len() {
        parts.push(TemplatePart::Lit(input[literal_start..].to_owned()));
    }
    Ok(parts)
}

/// Decides whether a string value is an expression, a template or a literal.
///
/// See the module documentation for the rules. Error offsets are byte offsets into `input`
/// (not into the trimmed string).
pub(crate) fn classify(input: &str) -> Result<ValueKind, ExprError> {
    let trimmed = input.trim_matches(|c: char| c.is_ascii_whitespace());
    let lead = input.len()
        - input
            .trim_start_matches(|c: char| c.is_ascii_whitespace())
            .len();
    if trimmed.starts_with('$') {
        match parse_expression(trimmed) {
            Ok(expr) => return Ok(ValueKind::Expression(expr)),
            Err(err) => {
                if looks_like_root(trimmed) && !input.contains("{$") {
                    return Err(err.shift(lead));
                }
            }
        }
    }
    if input.contains("{$") {
        return parse_template(input).map(ValueKind::Template);
    }
    Ok(ValueKind::Literal)
}

/// Finds runtime expressions written without braces inside literal text, such as the
/// `$inputs.token` in `"SSWS $inputs.token"`.
///
/// Such text is sent literally, which is almost never what the author meant; a check warns
/// about each span. Returns nothing when the whole (trimmed) string is itself an
/// expression. Text inside `{$…}` is skipped (an unterminated `{$` skips to the end). A
/// candidate must start with a known root such as `$inputs` (not `$5` or `$ref`); it
/// extends to the next whitespace, quote, comma, semicolon, bracket, brace, `&`, `|`, `=`,
/// `<` or `>`, trailing dots are dropped (sentence punctuation), and the span is the
/// longest expression prefix of it, or the whole candidate when that does not parse.
pub(crate) fn find_bare_expressions(input: &str) -> Vec<Span> {
    let trimmed = input.trim_matches(|c: char| c.is_ascii_whitespace());
    if parse_expression(trimmed).is_ok() {
        return Vec::new();
    }
    let mut spans = Vec::new();
    let mut pos = 0;
    while pos < input.len() {
        let rest = &input[pos..];
        if rest.starts_with("{$") {
            pos += rest.find('}').map_or(rest.len(), |i| i + 1);
            continue;
        }
        if rest.starts_with('$') && known_root_len(rest).is_some() {
            let end = rest.find(ends_candidate).unwrap_or(rest.len());
            let candidate = rest[..end].trim_end_matches('.');
            let len = match parse_prefix(candidate) {
                Ok((_, len)) => len,
                Err(_) => candidate.len(),
            };
            spans.push(Span::new(pos, len));
            pos += len.max(1);
            continue;
        }
        pos += rest.chars().next().map_or(1, char::len_utf8);
    }
    spans
}

/// Returns true for the characters that end a bare-expression candidate.
fn ends_candidate(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || matches!(
            c,
            '"' | '\''
                | '`'
                | ','
                | ';'
                | '('
                | ')'
                | '['
                | ']'
                | '{'
                | '}'
                | '&'
                | '|'
                | '='
                | '<'
                | '>'
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expr(text: &str) -> Expr {
        parse_expression(text).unwrap()
    }

    #[test]
    fn splits_templates() {
        assert_eq!(parse_template("").unwrap(), vec![]);
        assert_eq!(
            parse_template("Bearer {$inputs.token}").unwrap(),
            vec![
                TemplatePart::Lit("Bearer ".into()),
                TemplatePart::Expr {
                    expr: expr("$inputs.token"),
                    span: Span::new(8, 13)
                },
            ]
        );
        assert_eq!(
            parse_template("{$inputs.a}{$inputs.b}").unwrap(),
            vec![
                TemplatePart::Expr {
                    expr: expr("$inputs.a"),
                    span: Span::new(1, 9)
                },
                TemplatePart::Expr {
                    expr: expr("$inputs.b"),
                    span: Span::new(12, 9)
                },
            ]
        );
        // Braces that do not start an expression are text, including path templates.
        assert_eq!(
            parse_template("{$sourceDescriptions.api.url}#/paths/~1pets~1{petId}/get").unwrap(),
            vec![
                TemplatePart::Expr {
                    expr: expr("$sourceDescriptions.api.url"),
                    span: Span::new(1, 27)
                },
                TemplatePart::Lit("#/paths/~1pets~1{petId}/get".into()),
            ]
        );
        assert_eq!(
            parse_template(r#"{"a": {$inputs.x}, "b": {}}"#).unwrap(),
            vec![
                TemplatePart::Lit(r#"{"a": "#.into()),
                TemplatePart::Expr {
                    expr: expr("$inputs.x"),
                    span: Span::new(7, 9)
                },
                TemplatePart::Lit(r#", "b": {}}"#.into()),
            ]
        );
        assert_eq!(
            parse_template("{{$inputs.x}}").unwrap(),
            vec![
                TemplatePart::Lit("{".into()),
                TemplatePart::Expr {
                    expr: expr("$inputs.x"),
                    span: Span::new(2, 9)
                },
                TemplatePart::Lit("}".into()),
            ]
        );
        assert_eq!(
            parse_template("$ only } and { $").unwrap(),
            vec![TemplatePart::Lit("$ only } and { $".into())]
        );
    }

    #[test]
    fn template_errors_point_into_the_template() {
        let cases = [
            ("Bearer {$inputs.token", 7, 2, "unterminated"),
            ("a {$inputs.} b", 11, 0, "input name"),
            ("x{$steps.s.y}", 11, 1, "`$steps.s.outputs.y`"),
            ("{$response.body.id}", 15, 3, "`$response.body#/id`"),
            (
                "ok {$inputs.a} then {$nope}",
                21,
                5,
                "unknown runtime expression `$nope`",
            ),
            ("{$inputs.{x}}", 9, 1, "input name"),
        ];
        for (text, offset, len, needle) in cases {
            let err = parse_template(text).unwrap_err();
            assert_eq!(
                (err.offset, err.len),
                (offset, len),
                "{text}: {}",
                err.message
            );
            assert!(err.message.contains(needle), "{text}: {}", err.message);
        }
    }

    #[test]
    fn classifies_values() {
        assert_eq!(
            classify("$inputs.pet_id").unwrap(),
            ValueKind::Expression(expr("$inputs.pet_id"))
        );
        assert_eq!(
            classify("  $statusCode ").unwrap(),
            ValueKind::Expression(Expr::StatusCode)
        );
        assert!(matches!(
            classify("Bearer {$inputs.token}").unwrap(),
            ValueKind::Template(parts) if parts.len() == 2
        ));
        assert!(matches!(
            classify("{$inputs.token}").unwrap(),
            ValueKind::Template(parts) if parts.len() == 1
        ));
        for literal in [
            "",
            "plain",
            "$5 off",
            "$",
            "$[?@.id == 1]",
            "$ref",
            "$faker.number.integer({ min: 1, max: 10 })",
            "$servers.0.url",
            "$expr",
            "$urlencoded",
            "price: $inputs.price",
            "/pets/{petId}",
            "{\"a\": 1}",
        ] {
            assert_eq!(
                classify(literal).unwrap(),
                ValueKind::Literal,
                "{literal:?}"
            );
        }
        // A template may start with a `$` that is not an expression.
        assert!(matches!(
            classify("$5 off for {$inputs.name}").unwrap(),
            ValueKind::Template(_)
        ));
        assert!(matches!(
            classify("$inputs.a and {$inputs.b}").unwrap(),
            ValueKind::Template(_)
        ));
    }

    #[test]
    fn classify_rejects_malformed_expressions() {
        let cases = [
            ("$inputs.", 8, 0, "input name"),
            (" $steps.login.token", 14, 5, "`$steps.login.outputs.token`"),
            (
                "$response.headers.X-Rate",
                10,
                7,
                "`$response.header.X-Rate`",
            ),
            ("$response.body.data", 14, 5, "`$response.body#/data`"),
            ("$inputs.token extra", 13, 6, "unexpected ` extra`"),
            ("$statusCode}", 11, 1, "braces"),
            ("{$inputs.x", 0, 2, "unterminated"),
            ("$input.x", 0, 6, "did you mean `$inputs`?"),
            ("$sourceDescription.users.createUser", 0, 18, "did you mean"),
        ];
        for (text, offset, len, needle) in cases {
            let err = classify(text).unwrap_err();
            assert_eq!(
                (err.offset, err.len),
                (offset, len),
                "{text}: {}",
                err.message
            );
            assert!(err.message.contains(needle), "{text}: {}", err.message);
        }
    }

    #[test]
    fn finds_bare_expressions() {
        let cases: &[(&str, &[(usize, usize)])] = &[
            ("SSWS $inputs.token", &[(5, 13)]),
            ("$inputs.token", &[]),
            (" $inputs.token ", &[]),
            ("Bearer {$inputs.token}", &[]),
            ("{$inputs.a} and $inputs.b.", &[(16, 9)]),
            ("token=$inputs.t&x=$steps.s.outputs.o", &[(6, 9), (18, 18)]),
            ("\"$response.body#/id\"", &[(1, 18)]),
            ("$5 off, $ref, $urlencoded", &[]),
            ("see $steps.x.y for details", &[(4, 10)]),
            ("{$inputs.a unterminated $inputs.b", &[]),
            ("é$url é", &[(2, 4)]),
            ("$url$method", &[(0, 4), (4, 7)]),
        ];
        for (text, expected) in cases {
            let found: Vec<(usize, usize)> = find_bare_expressions(text)
                .into_iter()
                .map(|s| (s.offset, s.len))
                .collect();
            assert_eq!(&found, expected, "{text:?}");
        }
    }
}
