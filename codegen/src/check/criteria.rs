//! Criteria: parsed with `expr`, their expressions resolved, lowered to the IR.

use serde_json::Value;

use super::exprs::{self, Names, Phase};
use super::Checker;
use crate::expr::{
    self, Accessor, CmpOp, Condition, CriterionTest, ErrorSite, Expr, MessageSource, Operand,
};
use crate::ir;
use crate::model;
use crate::rules::Rule;
use crate::source::Pointer;

/// The response codes an operation declares, and whether the criteria that read them are
/// the step's success criteria (else an action's).
#[derive(Clone, Copy)]
pub(super) struct Statuses<'a> {
    pub declared: &'a [String],
    pub success: bool,
}

/// The criteria of a list (success criteria, or an action's), or `None` if any is wrong.
pub(super) fn lower_all(
    ck: &Checker,
    names: &Names,
    phase: Phase,
    criteria: Option<&Vec<model::Criterion>>,
    at: &Pointer,
    statuses: Option<Statuses>,
) -> Option<Vec<ir::Criterion>> {
    let mut out = Vec::new();
    let mut ok = true;
    for (index, criterion) in criteria.into_iter().flatten().enumerate() {
        match lower(ck, names, phase, criterion, &at.index(index), statuses) {
            Some(c) => out.push(c),
            None => ok = false,
        }
    }
    ok.then_some(out)
}

fn kind(ck: &Checker, criterion: &model::Criterion) -> Result<expr::CriterionType, String> {
    match &criterion.criterion_type {
        None => Ok(expr::CriterionType::Simple),
        Some(t) => expr::CriterionType::from_type(Some(t.as_str()), t.version(), ck.version),
    }
}

/// One criterion. `statuses` are the response codes the operation declares, to report
/// `$statusCode == 418` when it declares no 418.
fn lower(
    ck: &Checker,
    names: &Names,
    phase: Phase,
    criterion: &model::Criterion,
    at: &Pointer,
    statuses: Option<Statuses>,
) -> Option<ir::Criterion> {
    let condition_at = at.key("condition");
    let context_at = at.key("context");
    let text = criterion.condition.as_str();
    let kind = match kind(ck, criterion) {
        Ok(kind) => kind,
        Err(message) => {
            ck.error(Rule::InvalidCriterion, &at.key("type"), message);
            return None;
        }
    };
    if !matches!(kind, expr::CriterionType::Simple) && text.contains("{$") {
        return embedded(ck, names, phase, criterion, at, kind);
    }
    let parsed = match expr::parse_criterion(text, criterion.context.as_deref(), kind) {
        Ok(parsed) => parsed,
        Err(e) => {
            match (e.site, criterion.context.as_deref()) {
                (ErrorSite::Context, Some(context)) => ck.error_in(
                    Rule::InvalidCriterion,
                    &context_at,
                    context,
                    e.offset,
                    e.len,
                    e.message,
                ),
                (ErrorSite::Context, None) => ck.error(Rule::InvalidCriterion, at, e.message),
                (ErrorSite::Input, _) => ck.error_in(
                    Rule::InvalidCriterion,
                    &condition_at,
                    text,
                    e.offset,
                    e.len,
                    e.message,
                ),
            };
            return None;
        }
    };
    for warning in &parsed.warnings {
        match (warning.site, criterion.context.as_deref()) {
            (ErrorSite::Context, Some(context)) => ck.warning_in(
                Rule::NonstandardForm,
                &context_at,
                context,
                warning.offset,
                warning.len,
                warning.message.clone(),
            ),
            _ => ck.warning_in(
                Rule::NonstandardForm,
                &condition_at,
                text,
                warning.offset,
                warning.len,
                warning.message.clone(),
            ),
        };
    }
    let context = match &parsed.context {
        Some(context) => Some(exprs::resolve(
            ck,
            names,
            phase,
            context,
            &context_at,
            criterion.context.as_deref().unwrap_or_default(),
            0,
        )?),
        None => None,
    };
    let kind = match parsed.test {
        CriterionTest::Simple(condition) => {
            check_declared_status(ck, &condition, &condition_at, statuses);
            ir::CriterionKind::Simple(lower_condition(
                ck,
                names,
                phase,
                &condition,
                &condition_at,
                text,
            )?)
        }
        CriterionTest::Regex { pattern } => ir::CriterionKind::Regex {
            context: context?,
            pattern,
        },
        CriterionTest::JsonPath(jsonpath) => ir::CriterionKind::JsonPath {
            context: context?,
            query: jsonpath.query,
            compare: jsonpath.compare.map(|(o, v)| (op(o), v)),
        },
        CriterionTest::XPath { expression } => {
            // Without a `context`, an XPath applies to the response body.
            let context = match context {
                Some(context) => context,
                None => exprs::resolve(
                    ck,
                    names,
                    phase,
                    &Expr::Response(MessageSource::Body(None)),
                    at,
                    "$response.body",
                    0,
                )?,
            };
            ir::CriterionKind::XPath {
                context,
                expression,
            }
        }
    };
    let status_check = matches!(
        &kind,
        ir::CriterionKind::Simple(ir::Condition::Compare(
            ir::Operand::Expr {
                expr: ir::Expr::StatusCode,
                ..
            },
            _,
            ir::Operand::Literal(_)
        ))
    );
    Some(ir::Criterion {
        text: text.trim().to_owned(),
        status_check,
        kind,
    })
}

/// A `regex`, `jsonpath` or `xpath` condition with embedded `{$…}` expressions (Arazzo
/// 1.1, "Runtime Expressions in Conditions"):
///
/// ```yaml
/// - context: $response.body
///   condition: '$[?(@.status == "{$inputs.expectedStatus}")]'
///   type: jsonpath
/// ```
///
/// The expressions are resolved like any other; the condition is checked with each of them
/// replaced by `0`, so that a syntax error outside them is still reported at compile time.
fn embedded(
    ck: &Checker,
    names: &Names,
    phase: Phase,
    criterion: &model::Criterion,
    at: &Pointer,
    kind: expr::CriterionType,
) -> Option<ir::Criterion> {
    let condition_at = at.key("condition");
    let text = criterion.condition.as_str();
    let template = match expr::parse_template(text) {
        Ok(parts) => parts,
        Err(e) => {
            ck.error_in(
                Rule::InvalidCriterion,
                &condition_at,
                text,
                e.offset,
                e.len,
                e.message,
            );
            return None;
        }
    };
    let mut checked = String::with_capacity(text.len());
    let mut parts = Vec::with_capacity(template.len());
    let mut ok = true;
    for part in template {
        match part {
            expr::TemplatePart::Lit(piece) => {
                checked.push_str(&piece);
                parts.push(ir::TemplatePart::Text(piece));
            }
            expr::TemplatePart::Expr { expr: e, span } => {
                checked.push('0');
                match exprs::resolve(ck, names, phase, &e, &condition_at, text, span.offset) {
                    Some(resolved) => parts.push(ir::TemplatePart::Expr {
                        expr: resolved,
                        text: e.to_string(),
                    }),
                    None => ok = false,
                }
            }
        }
    }
    let language = match kind {
        expr::CriterionType::Regex => ir::Language::Regex,
        expr::CriterionType::JsonPath(_) => ir::Language::JsonPath,
        _ => ir::Language::XPath,
    };
    if let Err(e) = expr::parse_criterion(&checked, criterion.context.as_deref(), kind) {
        let message = format!(
            "{} (with each embedded expression replaced by `0`)",
            e.message
        );
        match e.site {
            ErrorSite::Context => ck.error(Rule::InvalidCriterion, &at.key("context"), e.message),
            ErrorSite::Input => ck.error(Rule::InvalidCriterion, &condition_at, message),
        };
        return None;
    }
    let context = match criterion.context.as_deref() {
        Some(context) => Some(exprs::expression(
            ck,
            names,
            phase,
            context,
            &at.key("context"),
        )?),
        None => None,
    };
    let context = match context {
        Some(context) => context,
        // Without a `context`, an XPath applies to the response body.
        None => exprs::resolve(
            ck,
            names,
            phase,
            &Expr::Response(MessageSource::Body(None)),
            at,
            "$response.body",
            0,
        )?,
    };
    ok.then(|| ir::Criterion {
        text: text.trim().to_owned(),
        status_check: false,
        kind: ir::CriterionKind::Embedded {
            language,
            context,
            parts,
        },
    })
}

/// `$statusCode == 418` where the operation declares no `418` response, no `4XX` and no
/// `default`. In success criteria this is an error: the step fails whenever the server
/// answers as its description says, so the document is wrong (`200` where the operation
/// creates, and answers `201`). In an action's criteria it is a warning: reacting to an
/// error status the description leaves out (`401`, `429`, `503`) is good practice, since
/// OpenAPI does not expect the responses to list every status.
fn check_declared_status(
    ck: &Checker,
    condition: &Condition,
    at: &Pointer,
    statuses: Option<Statuses>,
) {
    let Some(Statuses { declared, success }) = statuses else {
        return;
    };
    if declared.is_empty() || declared.iter().any(|s| s == "default") {
        return;
    }
    let Condition::Compare {
        lhs:
            Operand::Expr {
                expr: Expr::StatusCode,
                nav,
                ..
            },
        op: CmpOp::Eq,
        rhs: Operand::Literal(Value::Number(n)),
    } = condition
    else {
        return;
    };
    if !nav.is_empty() {
        return;
    }
    let code = n.to_string();
    let range = format!("{}XX", &code[..1.min(code.len())]);
    if declared
        .iter()
        .any(|s| *s == code || s.eq_ignore_ascii_case(&range))
    {
        return;
    }
    let list: Vec<String> = declared.iter().map(|s| format!("`{s}`")).collect();
    let message = format!("the operation declares no `{code}` response");
    let note = format!("it declares {}", list.join(", "));
    if success {
        let diagnostic = ck
            .error(Rule::UndeclaredStatus, at, message)
            .note(format!(
                "{note}, and no `{range}` or `default`: the step fails whenever the server answers as described"
            ));
        let successes: Vec<&String> = declared.iter().filter(|s| s.starts_with('2')).collect();
        if let [only] = successes.as_slice() {
            diagnostic.help(format!("did you mean `$statusCode == {only}`?"));
        }
    } else {
        ck.warning(Rule::UndeclaredStatus, at, message).note(note);
    }
}

fn op(o: CmpOp) -> ir::Op {
    match o {
        CmpOp::Eq => ir::Op::Eq,
        CmpOp::Ne => ir::Op::Ne,
        CmpOp::Lt => ir::Op::Lt,
        CmpOp::Le => ir::Op::Le,
        CmpOp::Gt => ir::Op::Gt,
        CmpOp::Ge => ir::Op::Ge,
    }
}

fn lower_condition(
    ck: &Checker,
    names: &Names,
    phase: Phase,
    c: &Condition,
    at: &Pointer,
    text: &str,
) -> Option<ir::Condition> {
    let many = |items: &[Condition],
                join: fn(Box<ir::Condition>, Box<ir::Condition>) -> ir::Condition| {
        let lowered: Vec<Option<ir::Condition>> = items
            .iter()
            .map(|item| lower_condition(ck, names, phase, item, at, text))
            .collect();
        lowered
            .into_iter()
            .collect::<Option<Vec<_>>>()?
            .into_iter()
            .reduce(|a, b| join(Box::new(a), Box::new(b)))
    };
    match c {
        Condition::Or(items) => many(items, ir::Condition::Or),
        Condition::And(items) => many(items, ir::Condition::And),
        Condition::Not(inner) => Some(ir::Condition::Not(Box::new(lower_condition(
            ck, names, phase, inner, at, text,
        )?))),
        Condition::Compare { lhs, op: o, rhs } => {
            let lhs = operand(ck, names, phase, lhs, at, text);
            let rhs = operand(ck, names, phase, rhs, at, text);
            Some(ir::Condition::Compare(lhs?, op(*o), rhs?))
        }
        Condition::Operand(o) => Some(ir::Condition::Truthy(operand(
            ck, names, phase, o, at, text,
        )?)),
    }
}

fn operand(
    ck: &Checker,
    names: &Names,
    phase: Phase,
    o: &Operand,
    at: &Pointer,
    text: &str,
) -> Option<ir::Operand> {
    match o {
        Operand::Literal(value) => Some(ir::Operand::Literal(value.clone())),
        Operand::Expr { expr: e, nav, span } => {
            let resolved = exprs::resolve(ck, names, phase, e, at, text, span.offset)?;
            Some(ir::Operand::Expr {
                expr: resolved,
                nav: nav
                    .iter()
                    .map(|a| match a {
                        Accessor::Member(name) => ir::Nav::Member(name.clone()),
                        Accessor::Index(index) => ir::Nav::Index(*index),
                    })
                    .collect(),
            })
        }
    }
}
