//! JSON Pointers (RFC 6901) as they appear after `#` in runtime expressions.
//!
//! The pointer text is decoded into reference tokens when it is parsed (`~1` becomes `/`,
//! `~0` becomes `~`) and encoded again when it is printed, so two pointers that differ only
//! in how they were written compare equal.

use std::fmt;

use super::ExprError;

/// A decoded JSON Pointer: the list of reference tokens between the `/` separators.
///
/// The empty pointer (no tokens) refers to the whole document, as in `$response.body#`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub(crate) struct JsonPointer {
    tokens: Vec<String>,
}

impl JsonPointer {
    /// Creates a pointer from already-decoded reference tokens.
    pub(crate) fn from_tokens(tokens: Vec<String>) -> Self {
        JsonPointer { tokens }
    }

    /// Returns the decoded reference tokens, outermost first.
    pub(crate) fn tokens(&self) -> &[String] {
        &self.tokens
    }

    /// Returns true for the empty pointer, which refers to the whole document.
    pub(crate) fn is_root(&self) -> bool {
        self.tokens.is_empty()
    }

    /// Appends one decoded reference token.
    pub(crate) fn push(&mut self, token: impl Into<String>) {
        self.tokens.push(token.into());
    }
}

impl fmt::Display for JsonPointer {
    /// Prints the pointer in its RFC 6901 string form, without the leading `#`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for token in &self.tokens {
            f.write_str("/")?;
            f.write_str(&escape_token(token))?;
        }
        Ok(())
    }
}

/// Encodes one reference token: `~` becomes `~0` and `/` becomes `~1`.
pub(crate) fn escape_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Returns true for characters that can never appear in a pointer inside a runtime
/// expression.
///
/// The Arazzo 1.1 grammar (which we follow) excludes `{` and `}` from unescaped pointer
/// characters so that an embedded `{$…}` expression ends at the first `}`.
pub(crate) fn ends_pointer(c: char) -> bool {
    c == '{' || c == '}'
}

/// Parses the pointer that follows a `#`.
///
/// `text` is everything after the `#`; `base` is the byte offset of `text` in the string the
/// caller reports errors against. The pointer extends up to the first `{`, `}` or the end of
/// `text`, and the returned length says how many bytes were consumed. A non-empty pointer
/// must start with `/`, and `~` must be followed by `0` or `1`.
pub(crate) fn parse_pointer(text: &str, base: usize) -> Result<(JsonPointer, usize), ExprError> {
    let end = text.find(ends_pointer).unwrap_or(text.len());
    let body = &text[..end];
    if body.is_empty() {
        return Ok((JsonPointer::default(), 0));
    }
    if !body.starts_with('/') {
        let first_len = body.chars().next().map_or(0, char::len_utf8);
        return Err(ExprError::new(
            format!(
                "a JSON pointer must start with `/`; write `#/{}`",
                escape_token(body)
            ),
            base,
            first_len,
        ));
    }
    let mut tokens = Vec::new();
    let mut current = String::new();
    let mut chars = body.char_indices().skip(1).peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '/' => tokens.push(std::mem::take(&mut current)),
            '~' => match chars.peek().copied() {
                Some((_, '0')) => {
                    chars.next();
                    current.push('~');
                }
                Some((_, '1')) => {
                    chars.next();
                    current.push('/');
                }
                next => {
                    let len = 1 + next.map_or(0, |(_, n)| n.len_utf8());
                    return Err(ExprError::new(
                        "invalid escape in JSON pointer: `~` must be followed by `0` (for `~`) or `1` (for `/`)",
                        base + i,
                        len,
                    ));
                }
            },
            _ => current.push(c),
        }
    }
    tokens.push(current);
    Ok((JsonPointer { tokens }, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(text: &str) -> Vec<String> {
        parse_pointer(text, 0).unwrap().0.tokens().to_vec()
    }

    #[test]
    fn decodes_tokens_and_escapes() {
        assert_eq!(tokens(""), Vec::<String>::new());
        assert_eq!(tokens("/"), vec![""]);
        assert_eq!(tokens("/a/b"), vec!["a", "b"]);
        assert_eq!(tokens("/a~1b/c~0d"), vec!["a/b", "c~d"]);
        assert_eq!(tokens("/~01"), vec!["~1"]);
        assert_eq!(tokens("/~10"), vec!["/0"]);
        assert_eq!(tokens("/0/id"), vec!["0", "id"]);
        assert_eq!(tokens("//x/"), vec!["", "x", ""]);
        assert_eq!(tokens("/a b/ü"), vec!["a b", "ü"]);
    }

    #[test]
    fn stops_at_braces() {
        let (pointer, used) = parse_pointer("/a}rest", 0).unwrap();
        assert_eq!(pointer.tokens(), ["a"]);
        assert_eq!(used, 2);
    }

    #[test]
    fn rejects_bad_escapes_with_offsets() {
        for (text, offset, len) in [
            ("/a~2", 2, 2),
            ("/a~", 2, 1),
            ("/~x/b", 1, 2),
            ("/ok/~é", 4, 3),
        ] {
            let err = parse_pointer(text, 10).unwrap_err();
            assert_eq!((err.offset, err.len), (10 + offset, len), "{text}");
            assert!(err.message.contains("`~`"), "{}", err.message);
        }
    }

    #[test]
    fn rejects_missing_slash() {
        let err = parse_pointer("status", 5).unwrap_err();
        assert_eq!((err.offset, err.len), (5, 1));
        assert!(err.message.contains("`#/status`"), "{}", err.message);
    }

    #[test]
    fn round_trips_through_display() {
        for text in ["", "/", "/a~1b/c~0d", "/0/id", "//x/"] {
            let (pointer, _) = parse_pointer(text, 0).unwrap();
            assert_eq!(pointer.to_string(), text);
        }
    }
}
