//! XPath over XML bodies: `xpath` criteria and XPath targets of payload replacements.
//!
//! Expressions are evaluated with [`xee_xpath`], an XPath 3.1 engine (the Arazzo default).
//! The versions a Criterion Expression Type Object can ask for (`xpath-30`, `xpath-20`,
//! `xpath-10`) are evaluated with the same engine: XPath 3.1 is a superset of 3.0 and 2.0,
//! and XPath 1.0 expressions mean the same in it except for 1.0's loose comparisons of
//! mixed types (`"1" = 1` is a type error in 2.0 and later).
//!
//! xee compiles an expression into a program that is not `Sync`, so compiled programs are
//! cached per thread, keyed by the expression's text: each expression is compiled once per
//! thread that evaluates it, not once per evaluation.

use std::cell::RefCell;
use std::collections::HashMap;

use serde_json::Value;
use xee_xpath::error::Error as SpannedError;
use xee_xpath::query::SequenceQuery;
use xee_xpath::{Documents, Item, Queries, Query};

thread_local! {
    static COMPILED: RefCell<HashMap<&'static str, Result<SequenceQuery, String>>> =
        RefCell::new(HashMap::new());
}

/// Runs `f` with the compiled program of `source`, compiling it on first use.
fn with_compiled<T>(
    source: &'static str,
    f: impl FnOnce(&SequenceQuery) -> Result<T, String>,
) -> Result<T, String> {
    COMPILED.with(|cache| {
        let mut cache = cache.borrow_mut();
        let compiled = cache.entry(source).or_insert_with(|| compile(source));
        match compiled {
            Ok(query) => f(query),
            Err(message) => Err(message.clone()),
        }
    })
}

/// Compiles an XPath expression. xee panics on some expressions it cannot compile (a long
/// chain of `?` lookups overflows a jump in its program, found by the `condition` fuzz
/// target); that is an error here like any other, never a panic of the workflow.
fn compile(source: &str) -> Result<SequenceQuery, String> {
    // xee's compile time and memory double with each `?` lookup (found by the fuzzer: 28
    // took it past 2 GiB); the generator refuses the same expressions.
    if lookups(source) > MAX_LOOKUPS {
        return Err(format!(
            "invalid XPath expression: more than {MAX_LOOKUPS} `?` lookups (the XPath engine takes time and memory exponential in their number)"
        ));
    }
    let compiled = std::panic::catch_unwind(|| Queries::default().sequence(source));
    match compiled {
        Ok(Ok(query)) => Ok(query),
        Ok(Err(e)) => Err(format!("invalid XPath expression: {}", describe(&e))),
        Err(_) => Err(
            "invalid XPath expression: the XPath engine cannot compile it (too long or too deeply nested)"
                .to_owned(),
        ),
    }
}

/// The most `?` lookup operators an expression may have.
const MAX_LOOKUPS: usize = 8;

/// How many `?` `source` has outside its string literals.
fn lookups(source: &str) -> usize {
    let mut quote = None;
    let mut count = 0;
    for c in source.chars() {
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

/// An xee error as text: its code and what it means, with the offending span.
fn describe(e: &SpannedError) -> String {
    let mut text = format!("{}: {}", e.error.code(), e.error.message());
    if let Some(span) = e.span {
        let range = span.range();
        text.push_str(&format!(" (at {}..{})", range.start, range.end));
    }
    text
}

/// Parses the context of an XPath expression: it must be an XML document held in a string.
fn document(context: Option<&Value>) -> Result<(Documents, xee_xpath::DocumentHandle), String> {
    let xml = match context {
        Some(Value::String(text)) => text,
        None | Some(Value::Null) => {
            return Err("there is no XML document (the body is empty)".into())
        }
        Some(other) => {
            let kind = match other {
                Value::Object(_) => "a JSON object",
                Value::Array(_) => "a JSON array",
                Value::Number(_) => "a number",
                _ => "a boolean",
            };
            return Err(format!("the context is {kind}, not an XML document"));
        }
    };
    let mut documents = Documents::new();
    let handle = documents
        .add_string_without_uri(xml)
        .map_err(|e| format!("the context is not an XML document: {e}"))?;
    Ok((documents, handle))
}

/// An XPath expression of an `xpath` criterion, compiled on first use.
#[derive(Debug)]
pub struct XPathQuery {
    source: &'static str,
}

impl XPathQuery {
    /// An expression from its text (already checked at compile time).
    pub const fn new(source: &'static str) -> Self {
        XPathQuery { source }
    }

    /// The expression as written.
    pub fn source(&self) -> &'static str {
        self.source
    }

    /// An `xpath` criterion: whether the expression holds on the XML document `context`.
    ///
    /// The result is the expression's XPath *effective boolean value*: a boolean is
    /// itself; an empty sequence (an empty node-set) is false; a sequence whose first item
    /// is a node is true; a single string is true when non-empty, a single number when
    /// neither zero nor NaN. A sequence of several atomic values, which has no effective
    /// boolean value in XPath, counts as true (it is non-empty). A context that is not an
    /// XML document is an error.
    pub fn matches(&self, context: Option<&Value>) -> Result<bool, String> {
        let (mut documents, handle) = document(context)?;
        with_compiled(self.source, |query| {
            let sequence = query
                .execute(&mut documents, handle)
                .map_err(|e| format!("XPath evaluation failed: {}", describe(&e)))?;
            Ok(match sequence.effective_boolean_value() {
                Ok(value) => value,
                Err(_) => !sequence.is_empty(),
            })
        })
    }
}

impl XPathQuery {
    /// A Selector Object's XPath (Arazzo 1.1): what the expression selects in the XML
    /// document `context`. Nothing is `None`; one item is its value (a node's string value,
    /// a string, a number or a boolean as JSON); several are an array of them.
    pub fn select(&self, context: Option<&Value>) -> Result<Option<Value>, String> {
        let (mut documents, handle) = document(context)?;
        with_compiled(self.source, |query| {
            let sequence = query
                .execute(&mut documents, handle)
                .map_err(|e| format!("XPath evaluation failed: {}", describe(&e)))?;
            let mut values = Vec::new();
            for item in sequence.iter() {
                values.push(match &item {
                    Item::Node(_) => Value::String(
                        item.string_value(documents.xot())
                            .map_err(|e| format!("the selected node has no string value: {e}"))?,
                    ),
                    Item::Atomic(atomic) => atomic_value(atomic).unwrap_or_else(|| {
                        Value::String(item.string_value(documents.xot()).unwrap_or_default())
                    }),
                    Item::Function(_) => {
                        return Err("the expression selects a function, not a value".to_owned())
                    }
                });
            }
            Ok(match values.len() {
                0 => None,
                1 => values.pop(),
                _ => Some(Value::Array(values)),
            })
        })
    }
}

/// A boolean or numeric XPath value as JSON (a whole number as an integer, as
/// `count(…)` gives); `None` for the others, which are text.
fn atomic_value(atomic: &xee_xpath::Atomic) -> Option<Value> {
    if let Ok(b) = bool::try_from(atomic.clone()) {
        return Some(Value::Bool(b));
    }
    if let Ok(i) = i64::try_from(atomic.clone()) {
        return Some(Value::from(i));
    }
    let f = f64::try_from(atomic.clone()).ok()?;
    if f.fract() == 0.0 && f.abs() < 9.0e15 {
        return Some(Value::from(f as i64));
    }
    serde_json::Number::from_f64(f).map(Value::Number)
}

/// Whether the XPath `source`, compiled now, holds on the XML document `context`: for a
/// condition with embedded expressions, whose text is only known at run time.
pub(crate) fn matches_uncached(source: &str, context: Option<&Value>) -> Result<bool, String> {
    let query = compile(source)?;
    let (mut documents, handle) = document(context)?;
    let sequence = query
        .execute(&mut documents, handle)
        .map_err(|e| format!("XPath evaluation failed: {}", describe(&e)))?;
    Ok(match sequence.effective_boolean_value() {
        Ok(value) => value,
        Err(_) => !sequence.is_empty(),
    })
}

/// A payload replacement on an XML payload: sets the text of every element, attribute or
/// text node `target` selects to `value` (a string as it is, other values as JSON text)
/// and returns the new document. A target that selects nothing, or selects something other
/// than those nodes, is an error.
pub(crate) fn replace(xml: &str, target: &'static str, value: &Value) -> Result<String, String> {
    let text = crate::encode::primitive(value);
    let owned = Value::String(xml.to_owned());
    let (mut documents, handle) = document(Some(&owned))?;
    let nodes = with_compiled(target, |query| {
        let sequence = query
            .execute(&mut documents, handle)
            .map_err(|e| format!("XPath evaluation failed: {}", describe(&e)))?;
        sequence
            .iter()
            .map(|item| match item {
                Item::Node(node) => Ok(node),
                _ => Err(format!(
                    "replacement target `{target}` selects a value, not a node"
                )),
            })
            .collect::<Result<Vec<_>, String>>()
    })?;
    if nodes.is_empty() {
        return Err(format!(
            "replacement target `{target}` selects nothing in the payload"
        ));
    }
    let xot = documents.xot_mut();
    for node in nodes {
        if let Some(attribute) = xot.attribute_node_mut(node) {
            attribute.set_value(text.as_str());
        } else if let Some(node_text) = xot.text_mut(node) {
            node_text.set(text.as_str());
        } else if xot.is_element(node) {
            while let Some(child) = xot.first_child(node) {
                xot.remove(child).map_err(|e| e.to_string())?;
            }
            xot.append_text(node, &text).map_err(|e| e.to_string())?;
        } else {
            return Err(format!(
                "replacement target `{target}` selects a node that is not an element, attribute or text"
            ));
        }
    }
    let root = documents
        .document_node(handle)
        .ok_or_else(|| "the payload document is gone".to_owned())?;
    documents.xot().to_string(root).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const ORDER: &str =
        r#"<order id="7"><status>shipped</status><item sku="a"/><item sku="b"/></order>"#;

    #[test]
    fn selector_values() {
        let order = json!(ORDER);
        for (source, expected) in [
            ("/order/status", Some(json!("shipped"))),
            ("//item/@sku", Some(json!(["a", "b"]))),
            ("count(//item)", Some(json!(2))),
            ("count(//item) div 4", Some(json!(0.5))),
            ("//item/@sku = 'b'", Some(json!(true))),
            ("//missing", None),
        ] {
            let source: &'static str = Box::leak(source.to_owned().into_boxed_str());
            assert_eq!(
                XPathQuery::new(source).select(Some(&order)),
                Ok(expected),
                "{source}"
            );
        }
        assert_eq!(
            XPathQuery::new("/order").select(Some(&json!({"order": 1}))),
            Err("the context is a JSON object, not an XML document".to_owned())
        );
    }

    #[test]
    fn effective_boolean_values() {
        let order = json!(ORDER);
        for (source, expected) in [
            ("/order/status = 'shipped'", true),
            ("/order/status = 'pending'", false),
            ("//item", true),
            ("//missing", false),
            ("count(//item) = 2", true),
            ("string(/order/@id)", true),
            ("string(/order/@nope)", false),
            ("number(/order/@id)", true),
            ("0", false),
            ("(1, 2)", true),
            ("boolean(/order/item[@sku = 'b'])", true),
        ] {
            let source: &'static str = Box::leak(source.to_owned().into_boxed_str());
            assert_eq!(
                XPathQuery::new(source).matches(Some(&order)),
                Ok(expected),
                "{source}"
            );
        }
    }

    #[test]
    fn contexts_that_are_not_xml_are_errors() {
        static STATUS: XPathQuery = XPathQuery::new("/order/status");
        assert_eq!(
            STATUS.matches(Some(&json!({"status": "shipped"}))),
            Err("the context is a JSON object, not an XML document".to_owned())
        );
        assert_eq!(
            STATUS.matches(None),
            Err("there is no XML document (the body is empty)".to_owned())
        );
        assert!(STATUS
            .matches(Some(&json!("<order>")))
            .unwrap_err()
            .starts_with("the context is not an XML document: "));
        static BAD: XPathQuery = XPathQuery::new("/order[");
        assert!(BAD
            .matches(Some(&json!(ORDER)))
            .unwrap_err()
            .starts_with("invalid XPath expression: XPST0003"));
    }

    #[test]
    fn replacements_set_elements_attributes_and_text() {
        let xml = replace(ORDER, "/order/status", &json!("delivered")).unwrap();
        assert_eq!(
            xml,
            r#"<order id="7"><status>delivered</status><item sku="a"/><item sku="b"/></order>"#
        );
        let xml = replace(&xml, "/order/@id", &json!(8)).unwrap();
        let xml = replace(&xml, "//item/@sku", &json!("z&<")).unwrap();
        assert_eq!(
            xml,
            r#"<order id="8"><status>delivered</status><item sku="z&amp;&lt;"/><item sku="z&amp;&lt;"/></order>"#
        );
        let xml = replace(&xml, "/order/status/text()", &json!("lost")).unwrap();
        assert!(xml.contains("<status>lost</status>"), "{xml}");
        assert_eq!(
            replace(ORDER, "/order/missing", &json!("x")),
            Err("replacement target `/order/missing` selects nothing in the payload".to_owned())
        );
        assert_eq!(
            replace(ORDER, "count(//item)", &json!("x")),
            Err("replacement target `count(//item)` selects a value, not a node".to_owned())
        );
    }

    #[test]
    fn expressions_xee_cannot_compile_are_errors() {
        // Found by the `condition` fuzz target: xee panics on 12 chained lookups, and takes
        // exponential time and memory on more.
        assert_eq!(
            matches_uncached(&format!("0{}", "?h".repeat(9)), Some(&json!("<a/>"))).unwrap_err(),
            "invalid XPath expression: more than 8 `?` lookups (the XPath engine takes time and memory exponential in their number)"
        );
        assert!(lookups("'???' = \"?\"") == 0);
    }
}
