//! Selector Objects (Arazzo 1.1): their context resolved, their selector parsed, folded
//! into the context's JSON pointer where they select what a pointer would.
//!
//! ```yaml
//! outputs:
//!   email:
//!     context: $response.body
//!     selector: $.user.email     # folded: $response.body#/user/email, typed from the schema
//!     type: jsonpath
//! ```

use super::exprs::{self, Names, Phase};
use super::Checker;
use crate::expr::{self, selector, SelectorKind};
use crate::ir;
use crate::model;
use crate::rules::Rule;
use crate::source::Pointer;

/// Lowers the Selector Object at `at`, or reports why it cannot be.
pub(super) fn lower(
    ck: &Checker,
    names: &Names,
    phase: Phase,
    sel: &model::Selector,
    at: &Pointer,
) -> Option<ir::Expr> {
    if ck.version < model::SpecVersion::V1_1 {
        ck.error(
            Rule::NewerFeature,
            at,
            "a Selector Object is an Arazzo 1.1 feature; this document says `arazzo: 1.0.x`",
        )
        .help("write `arazzo: 1.1.0`, or a runtime expression such as `$response.body#/id`");
        return None;
    }
    let kind = match SelectorKind::from_type(
        sel.selector_type.as_str(),
        sel.selector_type.version(),
        ck.version,
    ) {
        Ok(kind) => kind,
        Err(message) => {
            ck.error(Rule::InvalidSelector, &at.key("type"), message);
            return None;
        }
    };
    let selector_at = at.key("selector");
    let text = sel.selector.as_str();
    // Check the selector even when the context is wrong, so both are reported.
    let select = match kind {
        SelectorKind::JsonPointer if !(text.is_empty() || text.starts_with('/')) => {
            ck.error_in(
                Rule::InvalidSelector,
                &selector_at,
                text,
                0,
                text.len(),
                format!(
                    "a JSON Pointer selector must start with `/`; write `/{}`",
                    expr::escape_token(text)
                ),
            );
            None
        }
        SelectorKind::JsonPointer => match expr::parse_pointer(text, 0) {
            Ok((pointer, len)) if len == text.len() => {
                Some(Select::Pointer(pointer.tokens().to_vec()))
            }
            Ok((_, len)) => {
                ck.error_in(
                    Rule::InvalidSelector,
                    &selector_at,
                    text,
                    len,
                    1,
                    "`{` and `}` must be percent-encoded in a JSON Pointer selector",
                );
                None
            }
            Err(e) => {
                ck.error_in(
                    Rule::InvalidSelector,
                    &selector_at,
                    text,
                    e.offset,
                    e.len,
                    e.message,
                );
                None
            }
        },
        SelectorKind::JsonPath(_) => match serde_json_path::JsonPath::parse(text) {
            Ok(_) => Some(Select::JsonPath(selector::shape(text))),
            Err(e) => {
                let e = expr::jsonpath_error(text, 0, &e);
                let mut error = ck.error_in(
                    Rule::InvalidSelector,
                    &selector_at,
                    text,
                    e.offset,
                    e.len,
                    e.message,
                );
                if text.starts_with('/') {
                    error = error.help("this is a JSON Pointer: write `type: jsonpointer`");
                }
                let _ = error;
                None
            }
        },
        SelectorKind::XPath(_) => match expr::check_xpath(text) {
            Ok(()) => Some(Select::XPath),
            Err(e) => {
                ck.error_in(
                    Rule::InvalidSelector,
                    &selector_at,
                    text,
                    e.offset,
                    e.len,
                    e.message,
                );
                None
            }
        },
    };
    let context = exprs::expression(ck, names, phase, &sel.context, &at.key("context"))?;
    if let ir::Expr::StatusCode | ir::Expr::Url | ir::Expr::Method = context {
        ck.error(
            Rule::InvalidSelector,
            &at.key("context"),
            format!(
                "the context of a selector must evaluate to structured data, and `{}` is a {}",
                sel.context.trim(),
                if matches!(context, ir::Expr::StatusCode) {
                    "number"
                } else {
                    "plain string"
                }
            ),
        )
        .help("use `$response.body`, an input or an output");
        return None;
    }
    Some(match select? {
        Select::Pointer(tokens) => with_pointer(context, &tokens),
        Select::JsonPath(shape) => match shape.pointer() {
            Some(tokens) => with_pointer(context, &tokens),
            None => ir::Expr::Select {
                context: Box::new(context),
                select: ir::Select::JsonPath {
                    query: text.to_owned(),
                    many: shape.many(),
                },
            },
        },
        Select::XPath => ir::Expr::Select {
            context: Box::new(context),
            select: ir::Select::XPath(text.to_owned()),
        },
    })
}

/// A checked selector, before it is applied to its context.
enum Select {
    Pointer(Vec<String>),
    JsonPath(selector::Shape),
    XPath,
}

/// The context with `tokens` appended to its pointer; a context without one (a header, a
/// request parameter) is wrapped in a run-time pointer.
fn with_pointer(context: ir::Expr, tokens: &[String]) -> ir::Expr {
    if tokens.is_empty() {
        return context;
    }
    let extend = |pointer: &mut Option<String>| {
        let base = pointer.take().unwrap_or_default();
        *pointer = Some(base + &join(tokens));
    };
    match context {
        ir::Expr::Input {
            ident,
            required,
            mut pointer,
        } => {
            extend(&mut pointer);
            ir::Expr::Input {
                ident,
                required,
                pointer,
            }
        }
        ir::Expr::StepOutput {
            step_ident,
            ident,
            mut pointer,
        } => {
            extend(&mut pointer);
            ir::Expr::StepOutput {
                step_ident,
                ident,
                pointer,
            }
        }
        ir::Expr::ResponseBody(mut pointer) => {
            extend(&mut pointer);
            ir::Expr::ResponseBody(pointer)
        }
        ir::Expr::SubOutput { ident, mut pointer } => {
            extend(&mut pointer);
            ir::Expr::SubOutput { ident, pointer }
        }
        ir::Expr::Dependency {
            var,
            outputs,
            ident,
            mut pointer,
        } => {
            extend(&mut pointer);
            ir::Expr::Dependency {
                var,
                outputs,
                ident,
                pointer,
            }
        }
        ir::Expr::Request(ir::RequestPart::Body(pointer)) => {
            ir::Expr::Request(ir::RequestPart::Body(pointer + &join(tokens)))
        }
        other => ir::Expr::Select {
            context: Box::new(other),
            select: ir::Select::Pointer(join(tokens)),
        },
    }
}

/// Tokens as a JSON pointer.
fn join(tokens: &[String]) -> String {
    tokens
        .iter()
        .map(|t| format!("/{}", expr::escape_token(t)))
        .collect()
}
