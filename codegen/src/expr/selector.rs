//! The shape of a Selector Object's JSONPath query (Arazzo 1.1): which nodes it can
//! select, for folding it into a JSON pointer and for typing what it selects.

/// One step of a query, as far as typing goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Step {
    /// `.name` or `['name']`: a member of an object.
    Member(String),
    /// `[n]` with `n >= 0`: an element of an array.
    Index(usize),
    /// `[-n]`: an element counted from the end.
    FromEnd,
    /// `[*]`, `.*`, a filter `[?…]`, a slice `[a:b]` or a union `[a,b]`: any number of
    /// children.
    Children,
}

/// What a JSONPath query of the RFC 9535 grammar selects.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Shape {
    /// The steps, or `None` when the query uses descendants (`..`), whose nodes have no
    /// one schema.
    pub steps: Option<Vec<Step>>,
}

impl Shape {
    /// Whether the query can select more than one node (RFC 9535's "singular query" is
    /// the opposite).
    pub fn many(&self) -> bool {
        match &self.steps {
            None => true,
            Some(steps) => steps.contains(&Step::Children),
        }
    }

    /// The JSON pointer selecting the same node, for a query of members and non-negative
    /// indices only.
    pub fn pointer(&self) -> Option<Vec<String>> {
        self.steps
            .as_ref()?
            .iter()
            .map(|step| match step {
                Step::Member(name) => Some(name.clone()),
                Step::Index(index) => Some(index.to_string()),
                Step::FromEnd | Step::Children => None,
            })
            .collect()
    }

    /// The steps as pointer tokens for following a schema: every element of an array is
    /// read as its first (`0`), which has the items' schema.
    pub fn schema_tokens(&self) -> Option<Vec<String>> {
        self.steps.as_ref().map(|steps| {
            steps
                .iter()
                .map(|step| match step {
                    Step::Member(name) => name.clone(),
                    Step::Index(index) => index.to_string(),
                    Step::FromEnd | Step::Children => "0".to_owned(),
                })
                .collect()
        })
    }
}

/// The shape of a query that `serde_json_path` has already accepted.
pub(crate) fn shape(query: &str) -> Shape {
    let mut rest = query.trim().strip_prefix('$').unwrap_or_default();
    let mut steps = Vec::new();
    while !rest.is_empty() {
        if rest.starts_with("..") {
            return Shape { steps: None };
        }
        if let Some(after) = rest.strip_prefix('.') {
            if let Some(after) = after.strip_prefix('*') {
                steps.push(Step::Children);
                rest = after;
                continue;
            }
            let len = after
                .find(|c: char| !(c.is_alphanumeric() || c == '_' || !c.is_ascii()))
                .unwrap_or(after.len());
            steps.push(Step::Member(after[..len].to_owned()));
            rest = &after[len..];
        } else if let Some(after) = rest.strip_prefix('[') {
            let Some(end) = bracket_end(after) else {
                return Shape { steps: None };
            };
            steps.push(bracket_step(after[..end].trim()));
            rest = &after[end + 1..];
        } else {
            rest = rest.trim_start();
            if rest.is_empty() {
                break;
            }
            return Shape { steps: None };
        }
    }
    Shape { steps: Some(steps) }
}

/// The index of the `]` that closes a bracketed selection, skipping quoted strings and
/// nested brackets (filters).
fn bracket_end(text: &str) -> Option<usize> {
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
            ')' => depth = depth.saturating_sub(1),
            ']' if depth == 0 => return Some(i),
            ']' => depth -= 1,
            _ => {}
        }
    }
    None
}

/// One bracketed selection: a quoted name, an index, or something selecting several.
fn bracket_step(inner: &str) -> Step {
    if let Some(name) = quoted(inner) {
        return Step::Member(name);
    }
    if let Ok(index) = inner.parse::<usize>() {
        return Step::Index(index);
    }
    if inner
        .strip_prefix('-')
        .is_some_and(|n| n.parse::<usize>().is_ok())
    {
        return Step::FromEnd;
    }
    Step::Children
}

/// The name a single quoted string stands for, with its escapes undone.
fn quoted(inner: &str) -> Option<String> {
    let quote = inner.chars().next().filter(|c| *c == '\'' || *c == '"')?;
    let body = inner.strip_prefix(quote)?.strip_suffix(quote)?;
    let mut name = String::with_capacity(body.len());
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        if c == quote {
            // Two strings in a union (`['a','b']`).
            return None;
        }
        if c == '\\' {
            match chars.next()? {
                'n' => name.push('\n'),
                't' => name.push('\t'),
                'r' => name.push('\r'),
                'b' => name.push('\u{8}'),
                'f' => name.push('\u{c}'),
                'u' => return None,
                other => name.push(other),
            }
        } else {
            name.push(c);
        }
    }
    Some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn members(names: &[&str]) -> Option<Vec<String>> {
        Some(names.iter().map(|n| (*n).to_owned()).collect())
    }

    #[test]
    fn singular_queries_become_pointers() {
        for (query, pointer) in [
            ("$", members(&[])),
            ("$.user.email", members(&["user", "email"])),
            ("$['user']['e.mail']", members(&["user", "e.mail"])),
            ("$.items[0].id", members(&["items", "0", "id"])),
            ("$[\"a'b\"]", members(&["a'b"])),
        ] {
            let shape = shape(query);
            assert!(!shape.many(), "{query}");
            assert_eq!(shape.pointer(), pointer, "{query}");
        }
    }

    #[test]
    fn queries_that_select_several_nodes() {
        for (query, tokens) in [
            ("$.items[*].id", members(&["items", "0", "id"])),
            ("$.items.*", members(&["items", "0"])),
            (
                "$.items[?@.price > 10].name",
                members(&["items", "0", "name"]),
            ),
            ("$.items[?(@.tags[0] == 'a')]", members(&["items", "0"])),
            ("$.items[1:3]", members(&["items", "0"])),
            ("$.items[0,1]", members(&["items", "0"])),
            ("$['a','b']", members(&["0"])),
            ("$..id", None),
        ] {
            let shape = shape(query);
            assert!(shape.many(), "{query}");
            assert_eq!(shape.pointer(), None, "{query}");
            assert_eq!(shape.schema_tokens(), tokens, "{query}");
        }
    }

    #[test]
    fn an_index_from_the_end_is_singular_but_no_pointer() {
        let shape = shape("$.items[-1]");
        assert!(!shape.many());
        assert_eq!(shape.pointer(), None);
        assert_eq!(shape.schema_tokens(), members(&["items", "0"]));
    }
}
