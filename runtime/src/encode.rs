//! Parameter serialisation as OpenAPI's `style` and `explode` say, and percent-encoding.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde_json::Value;

/// OpenAPI parameter styles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// `simple`: `3,4,5` (path and header default).
    Simple,
    /// `label`: `.3.4.5`.
    Label,
    /// `matrix`: `;id=3,4,5`.
    Matrix,
    /// `form`: `id=3&id=4` (query and cookie default).
    Form,
    /// `spaceDelimited`: `id=3%204%205`.
    SpaceDelimited,
    /// `pipeDelimited`: `id=3|4|5`.
    PipeDelimited,
    /// `deepObject`: `id[role]=admin`.
    DeepObject,
}

/// Everything but RFC 3986 unreserved characters gets percent-encoded.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encodes one value so that it stays inside its path segment or query component.
pub(crate) fn component(text: &str) -> String {
    utf8_percent_encode(text, COMPONENT).to_string()
}

/// A primitive value as text: strings as they are, numbers and booleans as JSON writes
/// them, `null` as the empty string. Arrays and objects as JSON text.
pub(crate) fn primitive(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn entries(value: &Value) -> Vec<(String, String)> {
    match value {
        Value::Object(map) => map.iter().map(|(k, v)| (k.clone(), primitive(v))).collect(),
        _ => Vec::new(),
    }
}

fn items(value: &Value) -> Vec<String> {
    match value {
        Value::Array(items) => items.iter().map(primitive).collect(),
        _ => Vec::new(),
    }
}

/// A path parameter, percent-encoded: the text that replaces `{name}` in the path.
pub(crate) fn path(name: &str, value: &Value, style: Style, explode: bool) -> String {
    let enc = |s: &str| component(s);
    match style {
        Style::Label => {
            let sep = if explode { "." } else { "," };
            match value {
                Value::Array(_) => format!(".{}", join(items(value).iter().map(|s| enc(s)), sep)),
                Value::Object(_) => format!(".{}", pairs(&entries(value), explode, sep, &enc)),
                other => format!(".{}", enc(&primitive(other))),
            }
        }
        Style::Matrix => match value {
            Value::Array(_) if explode => items(value)
                .iter()
                .map(|v| format!(";{}={}", enc(name), enc(v)))
                .collect(),
            Value::Array(_) => format!(
                ";{}={}",
                enc(name),
                join(items(value).iter().map(|s| enc(s)), ",")
            ),
            Value::Object(_) if explode => entries(value)
                .iter()
                .map(|(k, v)| format!(";{}={}", enc(k), enc(v)))
                .collect(),
            Value::Object(_) => format!(
                ";{}={}",
                enc(name),
                pairs(&entries(value), false, ",", &enc)
            ),
            other => format!(";{}={}", enc(name), enc(&primitive(other))),
        },
        _ => simple(value, explode, &enc),
    }
}

/// A header value (style `simple`), not percent-encoded.
pub(crate) fn header(value: &Value, explode: bool) -> String {
    simple(value, explode, &|s: &str| s.to_owned())
}

fn simple(value: &Value, explode: bool, enc: &dyn Fn(&str) -> String) -> String {
    match value {
        Value::Array(_) => join(items(value).iter().map(|s| enc(s)), ","),
        Value::Object(_) => pairs(&entries(value), explode, ",", enc),
        other => enc(&primitive(other)),
    }
}

/// A query parameter as `name=value` pairs, each part already percent-encoded.
pub(crate) fn query(name: &str, value: &Value, style: Style, explode: bool) -> Vec<String> {
    let n = component(name);
    match (style, value) {
        (Style::DeepObject, Value::Object(_)) => entries(value)
            .iter()
            .map(|(k, v)| format!("{n}%5B{}%5D={}", component(k), component(v)))
            .collect(),
        (Style::SpaceDelimited, Value::Array(_)) => {
            vec![format!(
                "{n}={}",
                join(items(value).iter().map(|s| component(s)), "%20")
            )]
        }
        (Style::PipeDelimited, Value::Array(_)) => {
            vec![format!(
                "{n}={}",
                join(items(value).iter().map(|s| component(s)), "|")
            )]
        }
        (_, Value::Array(_)) if explode => items(value)
            .iter()
            .map(|v| format!("{n}={}", component(v)))
            .collect(),
        (_, Value::Array(_)) => vec![format!(
            "{n}={}",
            join(items(value).iter().map(|s| component(s)), ",")
        )],
        (_, Value::Object(_)) if explode => entries(value)
            .iter()
            .map(|(k, v)| format!("{}={}", component(k), component(v)))
            .collect(),
        (_, Value::Object(_)) => vec![format!(
            "{n}={}",
            pairs(&entries(value), false, ",", &component)
        )],
        (_, other) => vec![format!("{n}={}", component(&primitive(other)))],
    }
}

/// A cookie as `name=value` (style `form`); values are percent-encoded.
pub(crate) fn cookie(name: &str, value: &Value, explode: bool) -> Vec<String> {
    query(name, value, Style::Form, explode)
}

fn join(parts: impl Iterator<Item = String>, sep: &str) -> String {
    parts.collect::<Vec<_>>().join(sep)
}

fn pairs(
    entries: &[(String, String)],
    explode: bool,
    sep: &str,
    enc: &dyn Fn(&str) -> String,
) -> String {
    let kv = if explode { "=" } else { "," };
    join(
        entries
            .iter()
            .map(|(k, v)| format!("{}{kv}{}", enc(k), enc(v))),
        sep,
    )
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    // The examples of the OpenAPI 3.0 "Style Examples" table, for `id` = 5, [3,4,5] and
    // {"role": "admin", "firstName": "Alex"}.
    #[test]
    fn path_styles_match_the_openapi_table() {
        let (p, a, o) = (
            json!(5),
            json!([3, 4, 5]),
            json!({"role": "admin", "firstName": "Alex"}),
        );
        let cases = [
            (
                Style::Simple,
                false,
                "5",
                "3,4,5",
                "role,admin,firstName,Alex",
            ),
            (
                Style::Simple,
                true,
                "5",
                "3,4,5",
                "role=admin,firstName=Alex",
            ),
            (
                Style::Label,
                false,
                ".5",
                ".3,4,5",
                ".role,admin,firstName,Alex",
            ),
            (
                Style::Label,
                true,
                ".5",
                ".3.4.5",
                ".role=admin.firstName=Alex",
            ),
            (
                Style::Matrix,
                false,
                ";id=5",
                ";id=3,4,5",
                ";id=role,admin,firstName,Alex",
            ),
            (
                Style::Matrix,
                true,
                ";id=5",
                ";id=3;id=4;id=5",
                ";role=admin;firstName=Alex",
            ),
        ];
        for (style, explode, ep, ea, eo) in cases {
            assert_eq!(path("id", &p, style, explode), ep, "{style:?} {explode}");
            assert_eq!(path("id", &a, style, explode), ea, "{style:?} {explode}");
            assert_eq!(path("id", &o, style, explode), eo, "{style:?} {explode}");
        }
    }

    #[test]
    fn query_styles_match_the_openapi_table() {
        let (a, o) = (
            json!([3, 4, 5]),
            json!({"role": "admin", "firstName": "Alex"}),
        );
        assert_eq!(query("id", &json!(5), Style::Form, true), ["id=5"]);
        assert_eq!(query("id", &a, Style::Form, true), ["id=3", "id=4", "id=5"]);
        assert_eq!(query("id", &a, Style::Form, false), ["id=3,4,5"]);
        assert_eq!(
            query("id", &o, Style::Form, true),
            ["role=admin", "firstName=Alex"]
        );
        assert_eq!(
            query("id", &o, Style::Form, false),
            ["id=role,admin,firstName,Alex"]
        );
        assert_eq!(
            query("id", &a, Style::SpaceDelimited, false),
            ["id=3%204%205"]
        );
        assert_eq!(query("id", &a, Style::PipeDelimited, false), ["id=3|4|5"]);
        assert_eq!(
            query("id", &o, Style::DeepObject, true),
            ["id%5Brole%5D=admin", "id%5BfirstName%5D=Alex"]
        );
    }

    #[test]
    fn values_stay_inside_their_segment() {
        assert_eq!(
            path("org_code", &json!("a/../b?x"), Style::Simple, false),
            "a%2F..%2Fb%3Fx"
        );
        assert_eq!(
            query("q", &json!("a&b=c d"), Style::Form, true),
            ["q=a%26b%3Dc%20d"]
        );
        assert_eq!(header(&json!(["a", "b"]), false), "a,b");
        assert_eq!(path("x", &json!(null), Style::Simple, false), "");
        assert_eq!(path("x", &json!(true), Style::Simple, false), "true");
    }
}
