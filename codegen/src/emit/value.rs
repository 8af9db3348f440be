//! Values, runtime expressions and criteria as Rust expressions.
//!
//! Conventions of the generated code: `run` is the `Run`, `inputs` the inputs struct,
//! `response` the current step's response, `rt` the runtime's `__private` module, and each
//! step with outputs has an `Option` of its outputs struct named after the step.

use proc_macro2::{Ident, Literal, TokenStream};
use quote::{format_ident, quote};
use serde_json::Value;

use super::ident;
use crate::ir::{
    Condition, Criterion, CriterionKind, Expr, Language, Nav, Op, Operand, RequestPart, Select,
    TemplatePart, ValueSpec,
};

/// A JSON constant as a `rt::json!` invocation.
pub(crate) fn json(value: &Value) -> TokenStream {
    let tokens = json_tokens(value);
    quote!(rt::json!(#tokens))
}

pub(crate) fn json_tokens(value: &Value) -> TokenStream {
    match value {
        Value::Null => quote!(null),
        Value::Bool(b) => quote!(#b),
        Value::Number(n) => {
            if let Some(u) = n.as_u64() {
                let lit = Literal::u64_unsuffixed(u);
                quote!(#lit)
            } else if let Some(i) = n.as_i64() {
                let lit = Literal::i64_unsuffixed(i);
                quote!(#lit)
            } else {
                match n.as_f64().filter(|f| f.is_finite()) {
                    Some(f) => {
                        let lit = Literal::f64_unsuffixed(f);
                        quote!(#lit)
                    }
                    None => quote!(null),
                }
            }
        }
        Value::String(s) => quote!(#s),
        Value::Array(items) => {
            let items = items.iter().map(json_tokens);
            quote!([#(#items),*])
        }
        Value::Object(map) => {
            let entries = map.iter().map(|(k, v)| {
                let v = json_tokens(v);
                quote!(#k: #v)
            });
            quote!({#(#entries),*})
        }
    }
}

/// A runtime expression as an `Option<rt::Value>`; `None` means "no value".
pub(crate) fn expr(e: &Expr) -> TokenStream {
    match e {
        Expr::Input {
            ident: field,
            required,
            pointer,
        } => {
            let field = ident(field);
            let base = if *required {
                quote!(::std::option::Option::Some(run.to_value(&inputs.#field)?))
            } else {
                quote!(inputs.#field.as_ref().map(|value| run.to_value(value)).transpose()?)
            };
            with_pointer(base, pointer.as_deref())
        }
        Expr::StepOutput {
            step_ident,
            ident: field,
            pointer,
        } => {
            let step = ident(step_ident);
            let field = ident(field);
            let base =
                quote!(#step.as_ref().map(|outputs| run.to_value(&outputs.#field)).transpose()?);
            with_pointer(base, pointer.as_deref())
        }
        Expr::StatusCode => quote!(::std::option::Option::Some(rt::Value::from(
            response.status()
        ))),
        Expr::Url => quote!(::std::option::Option::Some(rt::Value::from(response.url()))),
        Expr::Method => quote!(::std::option::Option::Some(rt::Value::from(
            response.method()
        ))),
        Expr::ResponseHeader(name) => quote!(response.header(#name)),
        Expr::ResponseBody(None) => quote!(response.body()?.cloned()),
        Expr::ResponseBody(Some(pointer)) => quote!(response.body_pointer(#pointer)?),
        Expr::Request(part) => match part {
            RequestPart::Header(name) => quote!(response.request_header(#name)),
            RequestPart::Query(name) => quote!(response.request_query(#name)),
            RequestPart::Path(name) => quote!(response.request_path(#name)),
            RequestPart::Body(pointer) => quote!(response.request_body(#pointer)),
        },
        Expr::Constant(value) => {
            let value = json(value);
            quote!(::std::option::Option::Some(#value))
        }
        Expr::Dependency {
            var,
            outputs,
            ident: field,
            pointer,
        } => {
            let var = ident(var);
            let field = ident(field);
            let part = if *outputs { quote!(1) } else { quote!(0) };
            with_pointer(
                quote!(::std::option::Option::Some(run.to_value(&#var.#part.#field)?)),
                pointer.as_deref(),
            )
        }
        Expr::SubOutput {
            ident: field,
            pointer,
        } => {
            let field = ident(field);
            with_pointer(
                quote!(called
                    .as_ref()
                    .map(|called| run.to_value(&called.#field))
                    .transpose()?),
                pointer.as_deref(),
            )
        }
        Expr::Select {
            context,
            select: how,
        } => select(context, how),
    }
}

/// A Selector Object applied at run time: the query is compiled once, in a `static` of
/// the block.
fn select(context: &Expr, select: &Select) -> TokenStream {
    let context = expr(context);
    match select {
        Select::JsonPath { query, many } => quote!({
            static QUERY: rt::JsonPathQuery = rt::JsonPathQuery::new(#query);
            run.select_jsonpath(&QUERY, #context, #many)?
        }),
        Select::XPath(expression) => quote!({
            static XPATH: rt::XPathQuery = rt::XPathQuery::new(#expression);
            run.select_xpath(&XPATH, #context)?
        }),
        Select::Pointer(pointer) => quote!(rt::pointer(#context, #pointer)),
    }
}

fn with_pointer(base: TokenStream, pointer: Option<&str>) -> TokenStream {
    match pointer {
        Some(pointer) => quote!(rt::pointer(#base, #pointer)),
        None => base,
    }
}

/// An expression that always has a value, as an `rt::Value`; `None` for the others.
fn certain(e: &Expr) -> Option<TokenStream> {
    match e {
        Expr::Input {
            ident: field,
            required: true,
            pointer: None,
        } => {
            let field = ident(field);
            Some(quote!(run.to_value(&inputs.#field)?))
        }
        Expr::StatusCode => Some(quote!(rt::Value::from(response.status()))),
        Expr::Url => Some(quote!(rt::Value::from(response.url()))),
        Expr::Method => Some(quote!(rt::Value::from(response.method()))),
        Expr::Constant(value) => Some(json(value)),
        _ => None,
    }
}

/// A value spec as an `Option<rt::Value>`.
pub(crate) fn optional(spec: &ValueSpec) -> TokenStream {
    match spec {
        ValueSpec::Expr { expr: e, .. } if certain(e).is_none() => expr(e),
        other => {
            let value = required(other);
            quote!(::std::option::Option::Some(#value))
        }
    }
}

/// A string template as an `rt::Value::String`, each expression's value turned into text
/// by `text` (`rt::text`; `rt::json_text` and `rt::xml_text` escape for JSON and XML text).
pub(crate) fn template(parts: &[TemplatePart], text: &TokenStream) -> TokenStream {
    // `[..].concat()` rather than `format!`, so the arguments are formatted too.
    let pieces = parts.iter().map(|part| match part {
        TemplatePart::Text(piece) => quote!(#piece),
        TemplatePart::Expr {
            expr: e,
            text: written,
        } => {
            let value = certain(e).unwrap_or_else(|| {
                let e = expr(e);
                quote!(run.require(#e, #written)?)
            });
            quote!(#text(&#value).as_str())
        }
    });
    quote!(rt::Value::String([#(#pieces),*].concat()))
}

/// A value spec as an `rt::Value`; a missing expression value is an error naming it.
pub(crate) fn required(spec: &ValueSpec) -> TokenStream {
    match spec {
        ValueSpec::Literal(value) => json(value),
        ValueSpec::Expr { expr: e, text } => certain(e).unwrap_or_else(|| {
            let e = expr(e);
            quote!(run.require(#e, #text)?)
        }),
        ValueSpec::Template(parts) => template(parts, &quote!(rt::text)),
        ValueSpec::Object(members) => {
            let inserts = members.iter().map(|(name, member)| match member {
                ValueSpec::Expr { expr: e, .. } if certain(e).is_none() => {
                    let e = expr(e);
                    quote! {
                        if let ::std::option::Option::Some(value) = #e {
                            object.insert(#name.to_owned(), value);
                        }
                    }
                }
                other => {
                    let value = required(other);
                    quote!(object.insert(#name.to_owned(), #value);)
                }
            });
            quote! {{
                let mut object = rt::Map::new();
                #(#inserts)*
                rt::Value::Object(object)
            }}
        }
        ValueSpec::Array(items) => {
            let items = items.iter().map(|item| match item {
                ValueSpec::Expr { expr: e, .. } if certain(e).is_none() => {
                    let e = expr(e);
                    quote!(#e.unwrap_or_default())
                }
                other => required(other),
            });
            quote!(rt::Value::Array(::std::vec![#(#items),*]))
        }
    }
}

fn op(op: Op) -> TokenStream {
    match op {
        Op::Eq => quote!(rt::Op::Eq),
        Op::Ne => quote!(rt::Op::Ne),
        Op::Lt => quote!(rt::Op::Lt),
        Op::Le => quote!(rt::Op::Le),
        Op::Gt => quote!(rt::Op::Gt),
        Op::Ge => quote!(rt::Op::Ge),
    }
}

fn rust_op(op: Op) -> TokenStream {
    match op {
        Op::Eq => quote!(==),
        Op::Ne => quote!(!=),
        Op::Lt => quote!(<),
        Op::Le => quote!(<=),
        Op::Gt => quote!(>),
        Op::Ge => quote!(>=),
    }
}

/// The names of the `static`s holding the compiled JSONPath queries, regexes and XPath
/// expressions of a
/// workflow's criteria, in document order.
pub(crate) struct Statics {
    names: Vec<(*const Criterion, Ident)>,
}

impl Statics {
    /// Names every JSONPath and regex criterion of `criteria`.
    pub(crate) fn new<'a>(criteria: impl Iterator<Item = &'a Criterion>) -> Self {
        let mut names = Vec::new();
        for c in criteria {
            let prefix = match c.kind {
                CriterionKind::JsonPath { .. } => "QUERY",
                CriterionKind::Regex { .. } => "PATTERN",
                CriterionKind::XPath { .. } => "XPATH",
                CriterionKind::Simple(_) | CriterionKind::Embedded { .. } => continue,
            };
            names.push((
                std::ptr::from_ref(c),
                format_ident!("{prefix}_{}", names.len() + 1),
            ));
        }
        Statics { names }
    }

    fn name(&self, c: &Criterion) -> Ident {
        self.names
            .iter()
            .find(|(p, _)| std::ptr::eq(*p, c))
            .map(|(_, name)| name.clone())
            .unwrap_or_else(|| format_ident!("UNNAMED"))
    }

    /// The `static` declarations.
    pub(crate) fn declarations<'a>(
        &self,
        criteria: impl Iterator<Item = &'a Criterion>,
    ) -> TokenStream {
        let statics = criteria.filter_map(|c| {
            let name = self.name(c);
            match &c.kind {
                CriterionKind::JsonPath { query, .. } => Some(quote! {
                    static #name: rt::JsonPathQuery = rt::JsonPathQuery::new(#query);
                }),
                CriterionKind::Regex { pattern, .. } => Some(quote! {
                    static #name: rt::Pattern = rt::Pattern::new(#pattern);
                }),
                CriterionKind::XPath { expression, .. } => Some(quote! {
                    static #name: rt::XPathQuery = rt::XPathQuery::new(#expression);
                }),
                CriterionKind::Simple(_) | CriterionKind::Embedded { .. } => None,
            }
        });
        quote!(#(#statics)*)
    }
}

/// A criterion's context as an `Option<&rt::Value>`.
fn context(e: &Expr) -> TokenStream {
    match e {
        Expr::ResponseBody(None) => quote!(response.body()?),
        other => {
            let e = expr(other);
            quote!(#e.as_ref())
        }
    }
}

/// Where a boolean expression goes, which decides whether it needs parentheses.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Place {
    /// Alone, or between `||`s.
    Free,
    /// Between `&&`s.
    And,
    /// After `!`.
    Not,
}

/// A criterion as a `bool` expression (which may use `?`) for the given place.
pub(crate) fn criterion(statics: &Statics, c: &Criterion, place: Place) -> TokenStream {
    match &c.kind {
        CriterionKind::Simple(condition) => placed(condition, place),
        CriterionKind::JsonPath {
            context: ctx,
            compare,
            ..
        } => {
            let name = statics.name(c);
            // On the whole body, the runtime reads a query of member names only as a
            // pointer, without decoding the body whole.
            let on_body = matches!(ctx, Expr::ResponseBody(None));
            let ctx = context(ctx);
            match compare {
                Some((o, literal)) => {
                    let o = op(*o);
                    let literal = json(literal);
                    if on_body {
                        quote!(run.body_jsonpath_compare(&#name, &response, #o, &#literal)?)
                    } else {
                        quote!(run.jsonpath_compare(&#name, #ctx, #o, &#literal)?)
                    }
                }
                None if on_body => quote!(run.body_jsonpath(&#name, &response)?),
                None => quote!(run.jsonpath(&#name, #ctx)?),
            }
        }
        CriterionKind::Regex { context: ctx, .. } => {
            let name = statics.name(c);
            let ctx = context(ctx);
            quote!(run.regex(&#name, #ctx)?)
        }
        CriterionKind::XPath { context: ctx, .. } => {
            let name = statics.name(c);
            let ctx = context(ctx);
            quote!(run.xpath(&#name, #ctx)?)
        }
        CriterionKind::Embedded {
            language,
            context: ctx,
            parts,
        } => {
            let ctx = context(ctx);
            let condition = template(parts, &quote!(rt::text));
            let language = match language {
                Language::Regex => quote!(rt::Language::Regex),
                Language::JsonPath => quote!(rt::Language::JsonPath),
                Language::XPath => quote!(rt::Language::XPath),
            };
            quote!(run.embedded_criterion(#language, #condition, #ctx)?)
        }
    }
}

/// The negation of a criterion, reading naturally for status checks
/// (`response.status() != 200`).
pub(crate) fn negated(statics: &Statics, c: &Criterion) -> TokenStream {
    if let CriterionKind::Simple(condition) = &c.kind {
        if let Some(tokens) = status_compare(condition, true) {
            return tokens;
        }
    }
    let test = criterion(statics, c, Place::Not);
    quote!(!#test)
}

/// A condition, parenthesised if its top operator binds more loosely than the place.
fn placed(c: &Condition, place: Place) -> TokenStream {
    let tokens = cond(c);
    let binary = match c {
        Condition::Or(..) => true,
        Condition::And(..) => place == Place::Not,
        Condition::Compare(..) => place == Place::Not && status_compare(c, false).is_some(),
        Condition::Not(_) | Condition::Truthy(_) => false,
    };
    let needs = match c {
        Condition::Or(..) => place != Place::Free,
        _ => binary,
    };
    if needs {
        quote!((#tokens))
    } else {
        tokens
    }
}

/// `$statusCode <op> <number>` as a plain comparison of `response.status()`.
fn status_compare(c: &Condition, negate: bool) -> Option<TokenStream> {
    let Condition::Compare(
        Operand::Expr {
            expr: Expr::StatusCode,
            nav,
        },
        o,
        Operand::Literal(Value::Number(n)),
    ) = c
    else {
        return None;
    };
    let code = n
        .as_u64()
        .filter(|n| nav.is_empty() && *n <= u64::from(u16::MAX))?;
    let o = if negate {
        match o {
            Op::Eq => Op::Ne,
            Op::Ne => Op::Eq,
            Op::Lt => Op::Ge,
            Op::Le => Op::Gt,
            Op::Gt => Op::Le,
            Op::Ge => Op::Lt,
        }
    } else {
        *o
    };
    let o = rust_op(o);
    let lit = Literal::u16_unsuffixed(code as u16);
    Some(quote!(response.status() #o #lit))
}

fn cond(c: &Condition) -> TokenStream {
    match c {
        Condition::Or(a, b) => {
            let (a, b) = (placed(a, Place::Free), placed(b, Place::Free));
            quote!(#a || #b)
        }
        Condition::And(a, b) => {
            let (a, b) = (placed(a, Place::And), placed(b, Place::And));
            quote!(#a && #b)
        }
        Condition::Not(a) => {
            let a = placed(a, Place::Not);
            quote!(!#a)
        }
        Condition::Compare(..) if status_compare(c, false).is_some() => {
            status_compare(c, false).unwrap_or_default()
        }
        Condition::Compare(a, o, b) => {
            let (a, b, o) = (operand(a), operand(b), op(*o));
            quote!(rt::compare(#a, #o, #b))
        }
        Condition::Truthy(a) => {
            let a = operand(a);
            quote!(rt::truthy(#a))
        }
    }
}

/// An operand as an `Option<&rt::Value>`.
fn operand(o: &Operand) -> TokenStream {
    match o {
        Operand::Literal(value) => {
            let value = json(value);
            quote!(::std::option::Option::Some(&#value))
        }
        Operand::Expr { expr: e, nav } => {
            let e = expr(e);
            if nav.is_empty() {
                quote!(#e.as_ref())
            } else {
                let nav = nav.iter().map(|n| match n {
                    Nav::Member(name) => quote!(rt::Nav::Member(#name)),
                    Nav::Index(index) => quote!(rt::Nav::Index(#index)),
                });
                quote!(rt::navigate(#e.as_ref(), &[#(#nav),*]))
            }
        }
    }
}
