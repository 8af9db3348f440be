//! A tolerant re-read of a document that YAML cannot parse.
//!
//! After a syntax error the macro still emits the skeleton (the workflows' types and
//! function signatures), so that one typo in the YAML is one error, not a cascade of
//! "cannot find type" errors in the code that uses the workflows. The skeleton comes from
//! the document with the lines the parser stops at blanked out (which keeps line numbers
//! and usually the structure), or failing that, from the part before the first bad line.
//! The diagnostics of the repaired text are never shown: it is not what the user wrote.

/// How many lines are blanked before giving up on blanking.
const MAX_BLANKED: usize = 32;

/// The text with the lines that keep it from parsing blanked out or cut off, when it does
/// not parse as it is and a repair parses; `None` when it parses, or no repair does.
pub(crate) fn repair(text: &str) -> Option<String> {
    let first = error_line(text)?;
    let mut lines: Vec<&str> = text.lines().collect();
    let mut line = first;
    for _ in 0..MAX_BLANKED {
        match lines.get_mut(line.checked_sub(1)?) {
            Some(bad) if !bad.is_empty() => *bad = "",
            // The parser stops where the problem shows, not where it is (an unclosed
            // bracket is found at the end): blanking does not help.
            _ => break,
        }
        let repaired = lines.join("\n");
        match error_line(&repaired) {
            None => return Some(repaired),
            Some(next) => line = next,
        }
    }
    // The lines before the first error, shortened until they parse.
    let mut lines: Vec<&str> = text.lines().take(first.saturating_sub(1)).collect();
    loop {
        let prefix = lines.join("\n");
        match error_line(&prefix) {
            None => return (!prefix.trim().is_empty()).then_some(prefix),
            Some(line) => lines.truncate(line.saturating_sub(1).min(lines.len().saturating_sub(1))),
        }
        if lines.is_empty() {
            return None;
        }
    }
}

/// The 1-based line of the first syntax error, or `None` when the text parses.
fn error_line(text: &str) -> Option<usize> {
    match serde_yaml::from_str::<serde_yaml::Value>(text) {
        Ok(_) => None,
        // A YAML error without a position (recursion or repetition limits) cannot be
        // repaired by removing a line; line 1 makes the repair give up quickly.
        Err(err) => Some(err.location().map_or(1, |l| l.line().max(1))),
    }
}

#[cfg(test)]
mod tests {
    use super::repair;

    #[test]
    fn a_parsing_document_needs_no_repair() {
        assert_eq!(repair("a: 1\nb: [2]\n"), None);
    }

    #[test]
    fn a_bad_line_is_blanked_and_the_rest_kept() {
        // "mapping values are not allowed in this context" at line 2.
        let text = "a: 1\nb: x: y\nc: 3\n";
        let repaired = repair(text).unwrap();
        let value: serde_yaml::Value = serde_yaml::from_str(&repaired).unwrap();
        assert_eq!(value["a"], serde_yaml::Value::from(1));
        assert_eq!(value["c"], serde_yaml::Value::from(3));
        // Line numbers are kept.
        assert_eq!(repaired.lines().count(), text.lines().count());
    }

    #[test]
    fn an_unclosed_bracket_keeps_what_comes_before_it() {
        let text = "a: 1\nworkflows:\n  - workflowId: x\n    steps: [\n      - stepId: a\n";
        let repaired = repair(text).unwrap();
        let value: serde_yaml::Value = serde_yaml::from_str(&repaired).unwrap();
        assert_eq!(
            value["workflows"][0]["workflowId"],
            serde_yaml::Value::from("x")
        );
    }

    #[test]
    fn an_unclosed_quote_keeps_what_comes_before_it() {
        let text = "a: 1\nb: \"unclosed\nc: 3\n";
        let repaired = repair(text).unwrap();
        let value: serde_yaml::Value = serde_yaml::from_str(&repaired).unwrap();
        assert_eq!(value["a"], serde_yaml::Value::from(1));
    }

    #[test]
    fn nothing_to_keep_is_no_repair() {
        assert_eq!(repair("[\n"), None);
    }
}
