//! Entry points for the fuzz targets in `fuzz/` and for the tests that keep what they
//! found: each takes arbitrary input and returns, checking the invariants the rest of the
//! generator relies on, and panics only when one is broken. Not part of the public API.

use std::path::Path;

use crate::expr::{
    classify, find_bare_expressions, parse_condition_with_warnings, parse_criterion,
    parse_expression, parse_pointer, parse_template, CriterionType, ErrorSite, ExprError,
    JsonPathVersion, XPathVersion,
};
use crate::{Generator, Output, Settings};

/// An error's span must lie inside the string it points into, on character boundaries:
/// diagnostics slice the source with it.
fn check_span(error: &ExprError, input: &str, context: Option<&str>) {
    let text = match error.site {
        ErrorSite::Input => input,
        ErrorSite::Context => context.unwrap_or(""),
    };
    let end = error.offset.checked_add(error.len);
    assert!(
        end.is_some_and(|end| end <= text.len()
            && text.is_char_boundary(error.offset)
            && text.is_char_boundary(end)),
        "error span {}+{} outside {text:?}: {}",
        error.offset,
        error.len,
        error.message
    );
}

/// The runtime expression parser, the template parser and the bare-expression scan.
pub fn expression(input: &str) {
    if let Err(e) = parse_expression(input) {
        check_span(&e, input, None);
    }
    if let Err(e) = parse_template(input) {
        check_span(&e, input, None);
    }
    if let Err(e) = classify(input) {
        check_span(&e, input, None);
    }
    for span in find_bare_expressions(input) {
        assert!(
            input.get(span.offset..span.offset + span.len).is_some(),
            "bare expression span outside {input:?}"
        );
    }
}

/// The condition parser, for every criterion type; `input` is split at its first newline
/// into the condition and a context.
pub fn condition(input: &str) {
    let (condition, context) = match input.split_once('\n') {
        Some((condition, context)) => (condition, Some(context)),
        None => (input, None),
    };
    if let Err(e) = parse_condition_with_warnings(condition) {
        check_span(&e, condition, None);
    }
    for kind in [
        CriterionType::Simple,
        CriterionType::Regex,
        CriterionType::JsonPath(JsonPathVersion::Rfc9535),
        CriterionType::JsonPath(JsonPathVersion::DraftGoessner),
        CriterionType::XPath(XPathVersion::XPath31),
    ] {
        if let Err(e) = parse_criterion(condition, context, kind) {
            check_span(&e, condition, context);
        }
    }
}

/// The JSON Pointer parser of `#/…` fragments.
pub fn pointer(input: &str) {
    match parse_pointer(input, 0) {
        Ok((_, end)) => assert!(end <= input.len(), "pointer end {end} past {input:?}"),
        Err(e) => check_span(&e, input, None),
    }
}

/// The whole generator on one Arazzo document and the OpenAPI description it names as
/// `./api.openapi.yml`, written to `dir`: loading, checking and emitting must end with
/// diagnostics or code, never a panic.
pub fn document(dir: &Path, arazzo: &[u8], openapi: &[u8]) -> Output {
    std::fs::write(dir.join("doc.arazzo.yml"), arazzo).expect("write the fuzzed document");
    std::fs::write(dir.join("api.openapi.yml"), openapi).expect("write the fuzzed description");
    Generator::new(&Settings::default()).generate(dir, Path::new("doc.arazzo.yml"))
}
