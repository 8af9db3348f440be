//! What success criteria need at run time: comparisons with the spec's semantics, JSONPath
//! and regular expressions compiled once.
//!
//! The generator turns `simple` conditions into plain Rust that calls [`compare`] and
//! [`truthy`]; `jsonpath` and `regex` criteria become `static` [`JsonPathQuery`] and
//! [`Pattern`] values whose text was already checked at compile time.

use std::cmp::Ordering;
use std::sync::OnceLock;

use serde_json::Value;
use serde_json_path::JsonPath;

/// A comparison operator of a simple condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

/// Compares two values as a simple condition does. An absent value is `null`.
///
/// - Numbers compare numerically (`1 == 1.0`); a string that holds a number compares with
///   a number numerically, so a header value `"5"` equals `5`.
/// - Strings compare case-insensitively (the spec: "String comparisons MUST be case
///   insensitive"), ordered by their lowercase forms.
/// - A string compares with a boolean by its text (`"TRUE" == true`).
/// - `null` equals only `null`. Arrays and objects are equal when structurally equal.
/// - Ordering operators on values that have no order (booleans, null, arrays, objects,
///   mixed kinds) are `false`.
pub fn compare(lhs: Option<&Value>, op: Op, rhs: Option<&Value>) -> bool {
    let lhs = lhs.unwrap_or(&Value::Null);
    let rhs = rhs.unwrap_or(&Value::Null);
    match order(lhs, rhs) {
        Some(ordering) => match op {
            Op::Eq => ordering == Ordering::Equal,
            Op::Ne => ordering != Ordering::Equal,
            Op::Lt => ordering == Ordering::Less,
            Op::Le => ordering != Ordering::Greater,
            Op::Gt => ordering == Ordering::Greater,
            Op::Ge => ordering != Ordering::Less,
        },
        None => {
            let equal = loosely_equal(lhs, rhs);
            match op {
                Op::Eq => equal,
                Op::Ne => !equal,
                _ => false,
            }
        }
    }
}

fn number(value: &Value) -> Option<f64> {
    match value {
        Value::Number(n) => n.as_f64(),
        // JSON number syntax only: `"5"` and `" 2.5e1 "`, not `"+5"`, `".5"` or `"inf"`.
        Value::String(s) => serde_json::from_str::<serde_json::Number>(s.trim())
            .ok()?
            .as_f64(),
        _ => None,
    }
}

/// The order of two values, where they have one.
fn order(lhs: &Value, rhs: &Value) -> Option<Ordering> {
    match (lhs, rhs) {
        (Value::String(a), Value::String(b)) => Some(a.to_lowercase().cmp(&b.to_lowercase())),
        (Value::Number(a), Value::Number(b)) => match (a.as_i64(), b.as_i64()) {
            (Some(a), Some(b)) => Some(a.cmp(&b)),
            _ => a.as_f64()?.partial_cmp(&b.as_f64()?),
        },
        (Value::Number(_), Value::String(_)) | (Value::String(_), Value::Number(_)) => {
            number(lhs)?.partial_cmp(&number(rhs)?)
        }
        _ => None,
    }
}

fn loosely_equal(lhs: &Value, rhs: &Value) -> bool {
    match (lhs, rhs) {
        (Value::String(s), Value::Bool(b)) | (Value::Bool(b), Value::String(s)) => {
            s.eq_ignore_ascii_case(if *b { "true" } else { "false" })
        }
        _ => lhs == rhs,
    }
}

/// Whether a value alone, used as a condition, holds: anything but absent, `null` and
/// `false`. `0` and the empty string hold: they are values that are there (the
/// specification's criteria test presence and flags, not JavaScript truthiness).
pub fn truthy(value: Option<&Value>) -> bool {
    !matches!(value, None | Some(Value::Null) | Some(Value::Bool(false)))
}

/// One step of navigation after a runtime expression in a condition: `.name` or `[3]`.
#[derive(Debug, Clone, Copy)]
pub enum Nav {
    /// `.name`: a member of an object.
    Member(&'static str),
    /// `[3]`: an element of an array.
    Index(usize),
}

/// Follows `path` into `value`; `None` as soon as a step leads nowhere.
pub fn navigate<'a>(value: Option<&'a Value>, path: &[Nav]) -> Option<&'a Value> {
    path.iter().try_fold(value?, |value, nav| match nav {
        Nav::Member(name) => value.get(*name),
        Nav::Index(index) => value.get(*index),
    })
}

/// An RFC 9535 JSONPath query, parsed on first use.
#[derive(Debug)]
pub struct JsonPathQuery {
    source: &'static str,
    compiled: OnceLock<Result<JsonPath, String>>,
    pointer: OnceLock<Option<String>>,
}

/// The JSON pointer a JSONPath query of member names only (`$.invite.is_sent`) selects the
/// same node as: such a query selects at most one node, the one at the pointer (a name
/// shorthand starts with a letter or `_`, so it never reads as an array index). `None` for
/// every other query.
pub(crate) fn singular_pointer(query: &str) -> Option<String> {
    let mut rest = query.strip_prefix('$')?;
    let mut pointer = String::with_capacity(rest.len());
    while !rest.is_empty() {
        rest = rest.strip_prefix('.')?;
        let end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        let name = &rest[..end];
        if !name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
            return None;
        }
        pointer.push('/');
        pointer.push_str(name);
        rest = &rest[end..];
    }
    (!pointer.is_empty()).then_some(pointer)
}

impl JsonPathQuery {
    /// A query from its text; it is parsed on first use.
    pub const fn new(source: &'static str) -> Self {
        JsonPathQuery {
            source,
            compiled: OnceLock::new(),
            pointer: OnceLock::new(),
        }
    }

    /// The query as written.
    pub fn source(&self) -> &'static str {
        self.source
    }

    /// The JSON pointer that selects the same node, for a query of member names only.
    pub(crate) fn pointer(&self) -> Option<&str> {
        self.pointer
            .get_or_init(|| singular_pointer(self.source))
            .as_deref()
    }

    /// The nodes the query selects in `value`.
    pub fn select<'a>(&self, value: &'a Value) -> Result<Vec<&'a Value>, String> {
        let compiled = self.compiled.get_or_init(|| {
            JsonPath::parse(self.source).map_err(|e| format!("invalid JSONPath: {e}"))
        });
        match compiled {
            Ok(path) => Ok(path.query(value).all()),
            Err(message) => Err(message.clone()),
        }
    }

    /// The JSON pointers of the nodes the query selects in `value`, in document order.
    pub(crate) fn locate(&self, value: &Value) -> Result<Vec<String>, String> {
        let compiled = self.compiled.get_or_init(|| {
            JsonPath::parse(self.source).map_err(|e| format!("invalid JSONPath: {e}"))
        });
        match compiled {
            Ok(path) => Ok(path
                .query_located(value)
                .iter()
                .map(|node| node.location().to_json_pointer())
                .collect()),
            Err(message) => Err(message.clone()),
        }
    }

    /// A Selector Object's JSONPath (Arazzo 1.1): the node a singular query selects
    /// (`None` when it selects none), or with `many` the array of every node selected.
    pub fn select_value(
        &self,
        context: Option<&Value>,
        many: bool,
    ) -> Result<Option<Value>, String> {
        let nodes = self.select(context.unwrap_or(&Value::Null))?;
        Ok(if many {
            Some(Value::Array(nodes.into_iter().cloned().collect()))
        } else {
            nodes.first().map(|node| (*node).clone())
        })
    }

    /// A `jsonpath` criterion: true when the query selects at least one node. A `null` or
    /// absent context fails (Arazzo 1.1, "JSONPath Conditions"), even for `$`.
    pub fn matches(&self, context: Option<&Value>) -> Result<bool, String> {
        match context {
            None | Some(Value::Null) => Ok(false),
            Some(value) => Ok(!self.select(value)?.is_empty()),
        }
    }

    /// The `query op literal` form (`$.is_sent == true`): true when some selected node
    /// compares true with `literal`.
    pub fn compare(
        &self,
        context: Option<&Value>,
        op: Op,
        literal: &Value,
    ) -> Result<bool, String> {
        Ok(self
            .select(context.unwrap_or(&Value::Null))?
            .into_iter()
            .any(|node| compare(Some(node), op, Some(literal))))
    }
}

/// A regular expression, compiled on first use.
#[derive(Debug)]
pub struct Pattern {
    source: &'static str,
    compiled: OnceLock<Result<regex::Regex, String>>,
}

impl Pattern {
    /// A pattern from its text; it is compiled on first use.
    pub const fn new(source: &'static str) -> Self {
        Pattern {
            source,
            compiled: OnceLock::new(),
        }
    }

    /// Whether the pattern matches `text` (for input constraints).
    pub fn is_match(&self, text: &str) -> Result<bool, String> {
        self.matches(Some(&Value::String(text.to_owned())))
    }

    /// A `regex` criterion: whether the pattern matches the context. Strings are matched
    /// as they are; other values as their JSON text; an absent context never matches.
    pub fn matches(&self, context: Option<&Value>) -> Result<bool, String> {
        let compiled = self.compiled.get_or_init(|| {
            regex::Regex::new(self.source).map_err(|e| format!("invalid regex: {e}"))
        });
        let regex = compiled.as_ref().map_err(Clone::clone)?;
        Ok(regex_matches(regex, context))
    }
}

/// Whether `regex` matches the context: strings as they are, other values as their JSON
/// text; an absent or `null` context never matches.
pub(crate) fn regex_matches(regex: &regex::Regex, context: Option<&Value>) -> bool {
    match context {
        None | Some(Value::Null) => false,
        Some(Value::String(s)) => regex.is_match(s),
        Some(other) => regex.is_match(&other.to_string()),
    }
}

/// The language of a condition with embedded expressions (Arazzo 1.1), compiled once its
/// expressions' values are in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Language {
    /// A regular expression.
    Regex,
    /// An RFC 9535 JSONPath query.
    JsonPath,
    /// An XPath expression.
    XPath,
}

/// A condition with embedded expressions, already filled in: whether it holds on
/// `context`, or why it cannot be evaluated.
pub(crate) fn embedded(
    language: Language,
    condition: &str,
    context: Option<&Value>,
) -> Result<bool, String> {
    match language {
        Language::Regex => {
            let regex = regex::Regex::new(condition).map_err(|e| format!("invalid regex: {e}"))?;
            Ok(regex_matches(&regex, context))
        }
        Language::JsonPath => {
            let path = JsonPath::parse(condition).map_err(|e| format!("invalid JSONPath: {e}"))?;
            Ok(match context {
                None | Some(Value::Null) => false,
                Some(value) => !path.query(value).is_empty(),
            })
        }
        Language::XPath => crate::xpath::matches_uncached(condition, context),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn embedded_conditions_compile_once_filled_in() {
        let body = json!({"items": [{"price": 2}, {"price": 40}]});
        assert_eq!(
            embedded(Language::JsonPath, "$.items[?@.price < 10]", Some(&body)),
            Ok(true)
        );
        assert_eq!(
            embedded(Language::JsonPath, "$.items[?@.price < 1]", Some(&body)),
            Ok(false)
        );
        assert_eq!(embedded(Language::JsonPath, "$", None), Ok(false));
        assert_eq!(
            embedded(Language::Regex, "^cart-2$", Some(&json!("cart-2"))),
            Ok(true)
        );
        assert_eq!(embedded(Language::Regex, "^2", Some(&json!(201))), Ok(true));
        assert!(embedded(Language::Regex, "(", Some(&json!("x")))
            .unwrap_err()
            .starts_with("invalid regex: "));
        assert!(embedded(Language::JsonPath, "$[", Some(&body))
            .unwrap_err()
            .starts_with("invalid JSONPath: "));
        let xml = json!("<a><b>7</b></a>");
        assert_eq!(
            embedded(Language::XPath, "/a/b = '7'", Some(&xml)),
            Ok(true)
        );
        assert_eq!(
            embedded(Language::XPath, "/a/b", Some(&body)),
            Err("the context is a JSON object, not an XML document".to_owned())
        );
    }

    #[test]
    fn comparisons_follow_the_documented_semantics() {
        let cases = [
            (json!(200), Op::Eq, json!(200), true),
            (json!(1), Op::Eq, json!(1.0), true),
            (json!("5"), Op::Eq, json!(5), true),
            (json!("5"), Op::Lt, json!(10), true),
            (json!(" 2.5e1 "), Op::Eq, json!(25), true),
            (json!("+5"), Op::Eq, json!(5), false),
            (json!("inf"), Op::Gt, json!(5), false),
            (json!("Pending"), Op::Eq, json!("pending"), true),
            (json!("b"), Op::Gt, json!("A"), true),
            (json!("TRUE"), Op::Eq, json!(true), true),
            (json!(true), Op::Eq, json!(true), true),
            (json!(true), Op::Lt, json!(false), false),
            (json!(null), Op::Eq, json!(null), true),
            (json!(null), Op::Ne, json!(0), true),
            (json!([1, 2]), Op::Eq, json!([1, 2]), true),
            (json!({"a": 1}), Op::Ne, json!({"a": 2}), true),
            (json!(3), Op::Ge, json!(3), true),
            (json!(2.5), Op::Le, json!(2), false),
        ];
        for (lhs, op, rhs, expected) in cases {
            assert_eq!(
                compare(Some(&lhs), op, Some(&rhs)),
                expected,
                "{lhs} {op:?} {rhs}"
            );
        }
        assert!(compare(None, Op::Eq, Some(&json!(null))));
        assert!(!compare(None, Op::Eq, Some(&json!("x"))));
    }

    #[test]
    fn truthiness() {
        for (value, expected) in [
            (json!(true), true),
            (json!(false), false),
            (json!(null), false),
            (json!(0), true),
            (json!(2), true),
            (json!(""), true),
            (json!("x"), true),
            (json!([]), true),
        ] {
            assert_eq!(truthy(Some(&value)), expected, "{value}");
        }
        assert!(!truthy(None));
    }

    #[test]
    fn navigation() {
        let value = json!({"items": [{"id": "a"}, {"id": "b"}]});
        assert_eq!(
            navigate(
                Some(&value),
                &[Nav::Member("items"), Nav::Index(1), Nav::Member("id")]
            ),
            Some(&json!("b"))
        );
        assert_eq!(navigate(Some(&value), &[Nav::Member("nope")]), None);
        assert_eq!(navigate(None, &[]), None);
    }

    #[test]
    fn jsonpath_filters_and_comparisons() {
        static FILTER: JsonPathQuery = JsonPathQuery::new("$[?@.is_sent == true]");
        static SENT: JsonPathQuery = JsonPathQuery::new("$.is_sent");
        let sent = json!({"is_sent": true});
        let unsent = json!({"is_sent": false});
        assert!(FILTER.matches(Some(&json!([sent]))).unwrap());
        assert!(!FILTER.matches(Some(&json!([unsent]))).unwrap());
        assert!(SENT.compare(Some(&sent), Op::Eq, &json!(true)).unwrap());
        assert!(!SENT.compare(Some(&unsent), Op::Eq, &json!(true)).unwrap());
        assert!(!SENT.compare(None, Op::Eq, &json!(true)).unwrap());
        static BAD: JsonPathQuery = JsonPathQuery::new("$[");
        assert!(BAD
            .matches(Some(&sent))
            .unwrap_err()
            .starts_with("invalid JSONPath: "));
    }

    #[test]
    fn regex_matches_strings_and_json_text() {
        static CODE: Pattern = Pattern::new("^inv_[0-9]+$");
        assert!(CODE.matches(Some(&json!("inv_42"))).unwrap());
        assert!(!CODE.matches(Some(&json!("inv_x"))).unwrap());
        assert!(!CODE.matches(None).unwrap());
        static NUM: Pattern = Pattern::new("^2\\d\\d$");
        assert!(NUM.matches(Some(&json!(201))).unwrap());
    }

    #[test]
    fn member_name_queries_lower_to_pointers() {
        assert_eq!(singular_pointer("$.is_sent").as_deref(), Some("/is_sent"));
        assert_eq!(singular_pointer("$.a._b.c9").as_deref(), Some("/a/_b/c9"));
        for other in [
            "$", "$.", "$..a", "$.a[0]", "$['a']", "$.9", "$.a.*", "a.b", "$.a-b", "$.é",
        ] {
            assert_eq!(singular_pointer(other), None, "{other}");
        }
        // Where the pointer applies, it selects what the query selects.
        let doc = json!({"a": {"b": [1], "c": true}, "d": null});
        for query in ["$.a", "$.a.b", "$.a.c", "$.d", "$.x", "$.a.c.y"] {
            let pointer = singular_pointer(query).unwrap();
            static_query_agrees(query, &doc, doc.pointer(&pointer));
        }
    }

    fn static_query_agrees(query: &'static str, doc: &Value, node: Option<&Value>) {
        let compiled = JsonPathQuery::new(query);
        assert_eq!(
            compiled.select(doc).unwrap().first().copied(),
            node,
            "{query}"
        );
    }
}
