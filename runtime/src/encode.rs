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

/// What OpenAPI's `allowReserved` leaves as it is besides the unreserved characters: the
/// reserved characters of RFC 3986.
const RESERVED_ALLOWED: &AsciiSet = &COMPONENT
    .remove(b':')
    .remove(b'/')
    .remove(b'?')
    .remove(b'#')
    .remove(b'[')
    .remove(b']')
    .remove(b'@')
    .remove(b'!')
    .remove(b'$')
    .remove(b'&')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b'*')
    .remove(b'+')
    .remove(b',')
    .remove(b';')
    .remove(b'=');

/// What a whole query string written by hand keeps as it is (OpenAPI 3.2 `querystring`,
/// `application/x-www-form-urlencoded`): the unreserved and reserved characters, and `%`,
/// since the text is already encoded (`a%20b`); everything else (spaces, `"`, `<`, `>`,
/// `\`, `^`, `` ` ``, `{`, `|`, `}`, non-ASCII) is percent-encoded. `#` would end the query,
/// so it is encoded too.
const QUERY_TEXT: &AsciiSet = &RESERVED_ALLOWED.remove(b'%').add(b'#');

/// A query string written whole, made safe to put after `?` without changing its pairs.
pub(crate) fn query_text(text: &str) -> String {
    utf8_percent_encode(text, QUERY_TEXT).to_string()
}

/// Form encoding of one name or value (`application/x-www-form-urlencoded`): everything but
/// the unreserved characters, so that `&`, `=`, `+`, `%` and `#` in it cannot add pairs.
pub(crate) fn form_component(text: &str) -> String {
    component(text)
}

fn reserved_allowed(text: &str) -> String {
    utf8_percent_encode(text, RESERVED_ALLOWED).to_string()
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
    query_with(name, value, style, explode, &component)
}

/// As [`query`], with the reserved characters of the values left as they are
/// (`allowReserved`).
pub(crate) fn query_allow_reserved(
    name: &str,
    value: &Value,
    style: Style,
    explode: bool,
) -> Vec<String> {
    query_with(name, value, style, explode, &reserved_allowed)
}

/// A query parameter whose values (and object keys) `enc` encodes. `spaceDelimited` and
/// `pipeDelimited` join arrays and objects (key, value, key, value …) with `%20` and `|`
/// when not exploded; exploded, they are sent as `form` would.
fn query_with(
    name: &str,
    value: &Value,
    style: Style,
    explode: bool,
    enc: &dyn Fn(&str) -> String,
) -> Vec<String> {
    let n = component(name);
    let delimiter = match style {
        Style::SpaceDelimited => Some("%20"),
        Style::PipeDelimited => Some("|"),
        _ => None,
    };
    match (style, value) {
        (Style::DeepObject, Value::Object(_)) => entries(value)
            .iter()
            .map(|(k, v)| format!("{n}%5B{}%5D={}", enc(k), enc(v)))
            .collect(),
        (_, Value::Array(_)) if delimiter.is_some() && !explode => {
            let sep = delimiter.unwrap_or_default();
            vec![format!(
                "{n}={}",
                join(items(value).iter().map(|s| enc(s)), sep)
            )]
        }
        (_, Value::Object(_)) if delimiter.is_some() && !explode => {
            let sep = delimiter.unwrap_or_default();
            let parts = entries(value)
                .into_iter()
                .flat_map(|(k, v)| [enc(&k), enc(&v)]);
            vec![format!("{n}={}", join(parts, sep))]
        }
        (_, Value::Array(_)) if explode => items(value)
            .iter()
            .map(|v| format!("{n}={}", enc(v)))
            .collect(),
        (_, Value::Array(_)) => vec![format!(
            "{n}={}",
            join(items(value).iter().map(|s| enc(s)), ",")
        )],
        (_, Value::Object(_)) if explode => entries(value)
            .iter()
            .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
            .collect(),
        (_, Value::Object(_)) => vec![format!("{n}={}", pairs(&entries(value), false, ",", enc))],
        (_, other) => vec![format!("{n}={}", enc(&primitive(other)))],
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
        // Objects as OpenAPI 3.1.1's table has them: keys and values in turn.
        assert_eq!(
            query("id", &o, Style::SpaceDelimited, false),
            ["id=role%20admin%20firstName%20Alex"]
        );
        assert_eq!(
            query("id", &o, Style::PipeDelimited, false),
            ["id=role|admin|firstName|Alex"]
        );
        // Exploded, the delimited styles are `form`.
        assert_eq!(
            query("id", &a, Style::PipeDelimited, true),
            ["id=3", "id=4", "id=5"]
        );
        assert_eq!(
            query("id", &o, Style::DeepObject, true),
            ["id%5Brole%5D=admin", "id%5BfirstName%5D=Alex"]
        );
    }

    #[test]
    fn allow_reserved_keeps_reserved_characters() {
        let value = json!("a/b?c=d&e:f[1]@x!$'()*+,; é%");
        assert_eq!(
            query_allow_reserved("q", &value, Style::Form, true),
            ["q=a/b?c=d&e:f[1]@x!$'()*+,;%20%C3%A9%25"]
        );
        assert_eq!(
            query("q", &value, Style::Form, true),
            ["q=a%2Fb%3Fc%3Dd%26e%3Af%5B1%5D%40x%21%24%27%28%29%2A%2B%2C%3B%20%C3%A9%25"]
        );
        assert_eq!(
            query_allow_reserved("q", &json!(["a/b", "c"]), Style::Form, false),
            ["q=a/b,c"]
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

    // A whole query string as written keeps its pairs and its escapes; what a query
    // cannot hold is encoded.
    #[test]
    fn query_text_keeps_pairs_and_escapes() {
        assert_eq!(query_text("a=1&b=two%20words"), "a=1&b=two%20words");
        assert_eq!(query_text("q=red shoes"), "q=red%20shoes");
        assert_eq!(query_text("k=é\"<>"), "k=%C3%A9%22%3C%3E");
        assert_eq!(query_text("x=1#frag"), "x=1%23frag");
        assert_eq!(query_text("path=/a/b?c:d@e"), "path=/a/b?c:d@e");
    }

    // A value put into a form query string cannot add a pair or end the query.
    #[test]
    fn form_components_cannot_add_pairs() {
        assert_eq!(form_component("a&b=c"), "a%26b%3Dc");
        assert_eq!(form_component("1+1 %"), "1%2B1%20%25");
        assert_eq!(form_component("#x"), "%23x");
        assert_eq!(form_component("safe-_.~"), "safe-_.~");
    }
}
