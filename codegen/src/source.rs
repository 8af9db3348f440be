//! Source files and positions: where a JSON pointer into a document was written.
//!
//! Every document the generator reads becomes a [`SourceFile`]. Diagnostics name places in
//! a document by JSON pointer (RFC 6901, `/workflows/0/steps/2/operationId`); the source
//! file turns a pointer into a [`Span`] with a line, a column and the text of the line.
//!
//! Positions come from a second, event-level parse of the text with `yaml-rust2` (which
//! reads JSON too, JSON being YAML). They are best effort: when that parse fails, or a
//! pointer names something the parse did not see (a merged key, a default), the nearest
//! ancestor that has a position is used instead.

// Some position queries are used only by tests so far.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::ops::Deref;
use std::path::{Component, Path, PathBuf};
use std::sync::OnceLock;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use crate::diag::{Location, Span};

/// One file the generator read, with a lazily built map from JSON pointer to position.
pub(crate) struct SourceFile {
    /// The path shown in diagnostics: relative to the base directory (unless the user gave
    /// an absolute path), lexically normalized, with `..` folded where possible.
    pub path: PathBuf,
    /// The absolute path the file was read from.
    pub abs_path: PathBuf,
    /// The text of the file.
    pub text: String,
    /// Byte offsets at which each line starts.
    line_starts: Vec<usize>,
    /// Positions of the nodes of the document, built on first use.
    positions: OnceLock<HashMap<String, Node>>,
}

/// Where one node of the document was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Pos {
    /// 1-based line.
    line: usize,
    /// 1-based column, in characters.
    column: usize,
    /// Width in characters: the scalar as written, or 1 for a collection.
    width: usize,
}

/// The positions recorded for one JSON pointer.
#[derive(Clone, Copy, Debug)]
struct Node {
    /// The value.
    value: Pos,
    /// The key, when the value is the value of a mapping entry.
    key: Option<Pos>,
    /// How the value was written, when it is a scalar.
    style: Option<TScalarStyle>,
}

impl Clone for SourceFile {
    fn clone(&self) -> Self {
        SourceFile {
            path: self.path.clone(),
            abs_path: self.abs_path.clone(),
            text: self.text.clone(),
            line_starts: self.line_starts.clone(),
            positions: OnceLock::new(),
        }
    }
}

impl fmt::Debug for SourceFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SourceFile")
            .field("path", &self.path)
            .field("abs_path", &self.abs_path)
            .field("len", &self.text.len())
            .finish_non_exhaustive()
    }
}

impl SourceFile {
    /// A source file read from `abs_path`, shown in diagnostics as `path`.
    pub fn new(path: PathBuf, abs_path: PathBuf, text: String) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
        SourceFile {
            path,
            abs_path,
            text,
            line_starts,
            positions: OnceLock::new(),
        }
    }

    /// The span of the value at `pointer`, or of its nearest ancestor with a known position.
    ///
    /// The span's `path` is always the display form of `pointer` itself.
    pub fn span(&self, pointer: &str) -> Span {
        let pos = self.nearest(pointer).map(|node| node.value);
        self.make_span(pointer, pos)
    }

    /// The span of the key of the mapping entry at `pointer` (for "unknown field" and
    /// similar messages), falling back to [`SourceFile::span`].
    pub fn key_span(&self, pointer: &str) -> Span {
        match self.positions().get(pointer).and_then(|node| node.key) {
            Some(key) => self.make_span(pointer, Some(key)),
            None => self.span(pointer),
        }
    }

    /// A span inside the scalar string at `pointer`: `width` characters starting
    /// `offset_in_scalar` characters into its value.
    ///
    /// Exact for plain and quoted scalars on one line (escapes are accounted for) and for
    /// literal block scalars; best effort for folded and multi-line scalars. Falls back to
    /// the whole value when the pointer has no scalar position.
    pub fn span_at(&self, pointer: &str, offset_in_scalar: usize, width: usize) -> Span {
        let Some(node) = self.positions().get(pointer) else {
            return self.span(pointer);
        };
        let Some(style) = node.style else {
            return self.span(pointer);
        };
        match self.offset_position(node.value, style, offset_in_scalar) {
            Some((line, column)) => self.make_span(
                pointer,
                Some(Pos {
                    line,
                    column,
                    width: width.max(1),
                }),
            ),
            None => self.span(pointer),
        }
    }

    /// A span at a line and column of the file (from a parser's error), with no pointer.
    pub fn span_at_location(&self, line: usize, column: usize) -> Span {
        let line_count = self.line_starts.len();
        let line = line.clamp(1, line_count.max(1));
        self.make_span(
            "",
            Some(Pos {
                line,
                column: column.max(1),
                width: 1,
            }),
        )
    }

    /// The text of a 1-based line, without its line break.
    pub fn line_text(&self, line: usize) -> Option<&str> {
        let start = *self.line_starts.get(line.checked_sub(1)?)?;
        let end = self
            .line_starts
            .get(line)
            .copied()
            .unwrap_or(self.text.len());
        let text = self.text.get(start..end)?;
        Some(text.trim_end_matches(['\n', '\r']))
    }

    /// Whether a position is known for exactly `pointer` (not an ancestor).
    #[cfg(test)]
    pub fn has_position(&self, pointer: &str) -> bool {
        self.positions().contains_key(pointer)
    }

    fn positions(&self) -> &HashMap<String, Node> {
        self.positions.get_or_init(|| build_positions(self))
    }

    /// The node at `pointer` or at its nearest ancestor that has a position.
    fn nearest(&self, pointer: &str) -> Option<&Node> {
        let positions = self.positions();
        let mut current = pointer;
        loop {
            if let Some(node) = positions.get(current) {
                return Some(node);
            }
            if current.is_empty() {
                return None;
            }
            current = match current.rfind('/') {
                Some(i) => &current[..i],
                None => "",
            };
        }
    }

    fn make_span(&self, pointer: &str, pos: Option<Pos>) -> Span {
        let (location, line_text, width) = match pos {
            Some(pos) => (
                Some(Location {
                    line: pos.line,
                    column: pos.column,
                }),
                self.line_text(pos.line).map(str::to_owned),
                pos.width.max(1),
            ),
            None => (None, None, 1),
        };
        Span {
            file: self.path.clone(),
            path: display_pointer(pointer),
            location,
            line_text,
            width,
        }
    }

    /// The line and column of the character `offset` characters into the value of the
    /// scalar that starts at `start`.
    fn offset_position(
        &self,
        start: Pos,
        style: TScalarStyle,
        offset: usize,
    ) -> Option<(usize, usize)> {
        let first = self.line_text(start.line)?;
        let rest: Vec<char> = first.chars().skip(start.column - 1).collect();
        match style {
            TScalarStyle::Plain => {
                if offset <= rest.len() {
                    return Some((start.line, start.column + offset));
                }
                self.offset_in_following_lines(start, offset, rest.len(), false)
            }
            TScalarStyle::SingleQuoted | TScalarStyle::DoubleQuoted => {
                let double = style == TScalarStyle::DoubleQuoted;
                // Walk the raw text after the opening quote, decoding escapes, until
                // `offset` characters of the value have gone by.
                let mut raw = 1;
                let mut decoded = 0;
                while decoded < offset {
                    let c = *rest.get(raw)?;
                    if double && c == '\\' {
                        raw += match rest.get(raw + 1) {
                            Some('x') => 4,
                            Some('u') => 6,
                            Some('U') => 10,
                            _ => 2,
                        };
                    } else if !double && c == '\'' && rest.get(raw + 1) == Some(&'\'') {
                        raw += 2;
                    } else if c == if double { '"' } else { '\'' } {
                        // The scalar goes on to the next line; give up.
                        return None;
                    } else {
                        raw += 1;
                    }
                    decoded += 1;
                }
                Some((start.line, start.column + raw))
            }
            TScalarStyle::Literal | TScalarStyle::Folded => {
                // Block scalars start at their first content line; every content line
                // adds its length plus one line break (or folding space).
                if offset <= rest.len() {
                    return Some((start.line, start.column + offset));
                }
                self.offset_in_following_lines(start, offset, rest.len(), true)
            }
        }
    }

    /// Continues [`SourceFile::offset_position`] onto the lines after the first.
    fn offset_in_following_lines(
        &self,
        start: Pos,
        offset: usize,
        first_len: usize,
        block: bool,
    ) -> Option<(usize, usize)> {
        let indent = start.column - 1;
        let mut remaining = offset.checked_sub(first_len + 1)?;
        let mut line = start.line + 1;
        loop {
            let text = self.line_text(line)?;
            let (column, content) = if block {
                let content: String = text.chars().skip(indent).collect();
                (indent + 1, content)
            } else {
                let trimmed = text.trim_start();
                (text.len() - trimmed.len() + 1, trimmed.to_owned())
            };
            let len = content.chars().count();
            if remaining <= len {
                return Some((line, column + remaining));
            }
            remaining -= len + 1;
            line += 1;
        }
    }
}

/// A span for a file as a whole (no position), such as one that could not be read.
pub(crate) fn file_span(path: &Path) -> Span {
    Span {
        file: path.to_path_buf(),
        path: String::new(),
        location: None,
        line_text: None,
        width: 1,
    }
}

/// A JSON pointer (RFC 6901) under construction.
///
/// ```ignore
/// let p = Pointer::root().key("workflows").index(0).key("steps");
/// assert_eq!(p.as_str(), "/workflows/0/steps");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Pointer(String);

impl Pointer {
    /// The pointer to the whole document (the empty string).
    pub fn root() -> Self {
        Pointer(String::new())
    }

    /// Wraps a pointer that is already escaped, such as `/paths/~1pets/get`.
    pub fn parse(pointer: &str) -> Self {
        Pointer(pointer.to_owned())
    }

    /// The pointer to member `key` of the object this pointer names; `key` is escaped.
    pub fn key(&self, key: &str) -> Self {
        let mut s = String::with_capacity(self.0.len() + key.len() + 1);
        s.push_str(&self.0);
        s.push('/');
        s.push_str(&escape_token(key));
        Pointer(s)
    }

    /// The pointer to element `index` of the array this pointer names.
    pub fn index(&self, index: usize) -> Self {
        Pointer(format!("{}/{index}", self.0))
    }
}

impl Deref for Pointer {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Pointer {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Pointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Escapes one reference token of a JSON pointer: `~` becomes `~0` and `/` becomes `~1`.
pub(crate) fn escape_token(token: &str) -> Cow<'_, str> {
    if token.contains(['~', '/']) {
        Cow::Owned(token.replace('~', "~0").replace('/', "~1"))
    } else {
        Cow::Borrowed(token)
    }
}

/// Unescapes one reference token of a JSON pointer: `~1` becomes `/`, then `~0` becomes `~`.
pub(crate) fn unescape_token(token: &str) -> Cow<'_, str> {
    if token.contains('~') {
        Cow::Owned(token.replace("~1", "/").replace("~0", "~"))
    } else {
        Cow::Borrowed(token)
    }
}

/// The unescaped reference tokens of a JSON pointer (`""` has none).
///
/// A pointer that does not start with `/` is read as if it did.
pub(crate) fn split_pointer(pointer: &str) -> Vec<String> {
    if pointer.is_empty() {
        return Vec::new();
    }
    let body = pointer.strip_prefix('/').unwrap_or(pointer);
    body.split('/')
        .map(|token| unescape_token(token).into_owned())
        .collect()
}

/// The display form of a JSON pointer, as diagnostics show it.
///
/// `/workflows/0/steps/2/operationId` becomes `workflows[0].steps[2].operationId`;
/// numeric tokens become indexes, and tokens that are not plain names are quoted, as in
/// `paths["/pets/{id}"].get`. The root pointer displays as the empty string.
pub(crate) fn display_pointer(pointer: &str) -> String {
    let mut out = String::new();
    for token in split_pointer(pointer) {
        let numeric = !token.is_empty() && token.bytes().all(|b| b.is_ascii_digit());
        let plain = !token.is_empty()
            && token
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '$'));
        if numeric {
            out.push('[');
            out.push_str(&token);
            out.push(']');
        } else if plain {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&token);
        } else {
            out.push('[');
            out.push_str(&format!("{token:?}"));
            out.push(']');
        }
    }
    out
}

/// Lexically normalizes a path: removes `.` components and folds `name/..` pairs.
///
/// Leading `..` components of a relative path are kept; `..` at the root of an absolute
/// path is dropped. The file system is not consulted.
pub(crate) fn normalize_path(path: &Path) -> PathBuf {
    let mut out: Vec<Component<'_>> = Vec::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => match out.last() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(component),
            },
            other => out.push(other),
        }
    }
    if out.is_empty() {
        return PathBuf::from(".");
    }
    out.iter().collect()
}

/// Builds the position map of a file with yaml-rust2's event parser.
fn build_positions(file: &SourceFile) -> HashMap<String, Node> {
    let mut builder = Builder {
        file,
        stack: Vec::new(),
        map: HashMap::new(),
        skip_depth: 0,
        done: false,
    };
    let mut parser = Parser::new_from_str(&file.text);
    // A syntax error leaves the positions recorded so far; serde reports the error.
    let _ = parser.load(&mut builder, false);
    builder.map
}

/// A collection being walked by [`Builder`].
enum Frame {
    Mapping {
        pointer: String,
        /// The key just read and its position; `None` while a key is expected.
        key: Option<(String, Pos)>,
        /// Whether any key has been read yet.
        seen_key: bool,
    },
    Sequence {
        pointer: String,
        next: usize,
    },
}

/// Receives parser events and records the position of every node by pointer.
struct Builder<'a> {
    file: &'a SourceFile,
    stack: Vec<Frame>,
    map: HashMap<String, Node>,
    /// Depth inside a complex (non-scalar) mapping key, which is not recorded.
    skip_depth: usize,
    /// Set after the first document; later documents are ignored.
    done: bool,
}

impl Builder<'_> {
    /// The position of the node starting at `mark`, with its width worked out from the text.
    fn pos(&self, mark: Marker, scalar: Option<(&str, TScalarStyle)>) -> Pos {
        let line = mark.line().max(1);
        let column = mark.col() + 1;
        let width = match scalar {
            Some((value, style)) => self.scalar_width(line, column, value, style),
            None => 1,
        };
        Pos {
            line,
            column,
            width,
        }
    }

    /// The width of a scalar as written, read from the line it starts on.
    fn scalar_width(&self, line: usize, column: usize, value: &str, style: TScalarStyle) -> usize {
        let Some(text) = self.file.line_text(line) else {
            return 1;
        };
        let rest: Vec<char> = text.chars().skip(column - 1).collect();
        let rest_width = || {
            let s: String = rest.iter().collect();
            s.trim_end().chars().count().max(1)
        };
        match style {
            TScalarStyle::Plain => {
                let starts = !value.contains('\n')
                    && rest
                        .iter()
                        .copied()
                        .take(value.chars().count())
                        .eq(value.chars());
                if starts {
                    value.chars().count().max(1)
                } else {
                    rest_width()
                }
            }
            TScalarStyle::SingleQuoted | TScalarStyle::DoubleQuoted => {
                let quote = if style == TScalarStyle::DoubleQuoted {
                    '"'
                } else {
                    '\''
                };
                let mut i = 1;
                while i < rest.len() {
                    let c = rest[i];
                    if quote == '"' && c == '\\' {
                        i += 2;
                        continue;
                    }
                    if c == quote {
                        if quote == '\'' && rest.get(i + 1) == Some(&'\'') {
                            i += 2;
                            continue;
                        }
                        return i + 1;
                    }
                    i += 1;
                }
                rest_width()
            }
            TScalarStyle::Literal | TScalarStyle::Folded => rest_width(),
        }
    }

    fn record(&mut self, pointer: String, node: Node) {
        self.map.entry(pointer).or_insert(node);
    }

    /// Handles a node event: decides whether it is a key or a value and records it.
    fn node(
        &mut self,
        mark: Marker,
        scalar: Option<(&str, TScalarStyle)>,
        collection: Option<bool>,
    ) {
        let pos = self.pos(mark, scalar);
        let style = scalar.map(|(_, style)| style);
        let (pointer, key_pos) = match self.stack.last_mut() {
            None => (String::new(), None),
            Some(Frame::Mapping {
                pointer,
                key,
                seen_key,
            }) => match key.take() {
                None => {
                    // This node is a key.
                    let first = !*seen_key;
                    *seen_key = true;
                    let parent = pointer.clone();
                    let name = match scalar {
                        Some((value, _)) => value.to_owned(),
                        // A complex key: nothing below it is addressable by pointer.
                        None => "\u{0}complex-key".to_owned(),
                    };
                    *key = Some((name, pos));
                    if collection.is_some() {
                        self.skip_depth = 1;
                    }
                    // A block mapping's start event is marked after its first key;
                    // point at the first key instead.
                    if first {
                        if let Some(node) = self.map.get_mut(&parent) {
                            if (pos.line, pos.column) < (node.value.line, node.value.column) {
                                node.value = Pos { width: 1, ..pos };
                            }
                        }
                    }
                    return;
                }
                Some((name, key_pos)) => {
                    let child = format!("{pointer}/{}", escape_token(&name));
                    (child, Some(key_pos))
                }
            },
            Some(Frame::Sequence { pointer, next }) => {
                let child = format!("{pointer}/{next}");
                *next += 1;
                (child, None)
            }
        };
        // An empty plain scalar (`key:` with nothing after it) is marked at the next
        // token; point at its key instead.
        let value = match (scalar, key_pos) {
            (Some(("", TScalarStyle::Plain)), Some(key_pos)) => key_pos,
            _ => pos,
        };
        self.record(
            pointer.clone(),
            Node {
                value,
                key: key_pos,
                style,
            },
        );
        match collection {
            Some(true) => self.stack.push(Frame::Mapping {
                pointer,
                key: None,
                seen_key: false,
            }),
            Some(false) => self.stack.push(Frame::Sequence { pointer, next: 0 }),
            None => {}
        }
    }
}

impl MarkedEventReceiver for Builder<'_> {
    fn on_event(&mut self, event: Event, mark: Marker) {
        if self.done {
            return;
        }
        if self.skip_depth > 0 {
            match event {
                Event::MappingStart(..) | Event::SequenceStart(..) => self.skip_depth += 1,
                Event::MappingEnd | Event::SequenceEnd => self.skip_depth -= 1,
                _ => {}
            }
            return;
        }
        match event {
            Event::Scalar(value, style, ..) => self.node(mark, Some((&value, style)), None),
            Event::Alias(_) => self.node(mark, None, None),
            Event::MappingStart(..) => self.node(mark, None, Some(true)),
            Event::SequenceStart(..) => self.node(mark, None, Some(false)),
            Event::MappingEnd | Event::SequenceEnd => {
                self.stack.pop();
            }
            Event::DocumentEnd => self.done = true,
            Event::Nothing | Event::StreamStart | Event::StreamEnd | Event::DocumentStart => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> SourceFile {
        SourceFile::new(
            PathBuf::from("doc.yaml"),
            PathBuf::from("/abs/doc.yaml"),
            text.to_owned(),
        )
    }

    /// `(line, column, width)` of the value at `pointer`, exactly.
    fn at(f: &SourceFile, pointer: &str) -> (usize, usize, usize) {
        assert!(f.has_position(pointer), "no position for `{pointer}`");
        let span = f.span(pointer);
        let loc = span.location.expect("location");
        (loc.line, loc.column, span.width)
    }

    fn key_at(f: &SourceFile, pointer: &str) -> (usize, usize, usize) {
        let span = f.key_span(pointer);
        let loc = span.location.expect("location");
        (loc.line, loc.column, span.width)
    }

    const YAML: &str = "\
arazzo: 1.0.1
info:
  title: \"Pets \\\"API\\\"\"
  version: '1.0'
workflows:
  - workflowId: a/b~c
    steps:
      - stepId: one
        operationId: getPet
        parameters:
        - name: x
          in: header
          value: 'Bearer {$inputs.token}'
      - stepId: two
        description: |
          first line
          second {$inputs.x}
        flow: {a: 1, b: [x, yz]}
    empty:
    nul: ~
";

    #[test]
    fn yaml_values_and_keys() {
        let f = file(YAML);
        assert_eq!(at(&f, "/arazzo"), (1, 9, 5));
        assert_eq!(key_at(&f, "/arazzo"), (1, 1, 6));
        // Block mappings point at their first key.
        assert_eq!(at(&f, "/info"), (3, 3, 1));
        assert_eq!(key_at(&f, "/info"), (2, 1, 4));
        assert_eq!(at(&f, "/info/title"), (3, 10, 14));
        assert_eq!(at(&f, "/info/version"), (4, 12, 5));
        assert_eq!(at(&f, "/workflows"), (6, 3, 1));
        assert_eq!(at(&f, "/workflows/0"), (6, 5, 1));
        assert_eq!(at(&f, "/workflows/0/workflowId"), (6, 17, 5));
        assert_eq!(at(&f, "/workflows/0/steps/0/operationId"), (9, 22, 6));
        assert_eq!(key_at(&f, "/workflows/0/steps/0/operationId"), (9, 9, 11));
        // An indentless sequence under a key.
        assert_eq!(at(&f, "/workflows/0/steps/0/parameters/0/in"), (12, 15, 6));
        assert_eq!(
            at(&f, "/workflows/0/steps/0/parameters/0/value"),
            (13, 18, 24)
        );
        // A literal block scalar points at its first content line.
        assert_eq!(at(&f, "/workflows/0/steps/1/description"), (16, 11, 10));
        // Flow collections.
        assert_eq!(at(&f, "/workflows/0/steps/1/flow"), (18, 15, 1));
        assert_eq!(at(&f, "/workflows/0/steps/1/flow/a"), (18, 19, 1));
        assert_eq!(at(&f, "/workflows/0/steps/1/flow/b/1"), (18, 29, 2));
        assert_eq!(key_at(&f, "/workflows/0/steps/1/flow/b"), (18, 22, 1));
        // An empty value points at its key.
        assert_eq!(at(&f, "/workflows/0/empty"), (19, 5, 5));
        assert_eq!(at(&f, "/workflows/0/nul"), (20, 10, 1));
    }

    #[test]
    fn escaped_keys_and_fallback() {
        let f = file("paths:\n  /pets/{id}:\n    get: {operationId: x}\n  a~b: 1\n");
        assert_eq!(at(&f, "/paths/~1pets~1{id}/get/operationId"), (3, 24, 1));
        assert_eq!(at(&f, "/paths/a~0b"), (4, 8, 1));
        // Unknown pointers fall back to the nearest ancestor but keep their own path.
        let span = f.span("/paths/~1pets~1{id}/get/parameters/0");
        assert_eq!(
            span.location,
            Some(Location {
                line: 3,
                column: 10
            })
        );
        assert_eq!(span.path, "paths[\"/pets/{id}\"].get.parameters[0]");
        let root = f.span("/nope");
        assert_eq!(root.location, Some(Location { line: 1, column: 1 }));
    }

    #[test]
    fn json_positions() {
        let text = "{\n  \"a\": 1,\n  \"b\": [\"x\", {\"c\": \"dé\"}],\n  \"é\": null,\n  \"s\": \"q\\\"t {$inputs.v}\"\n}\n";
        let f = file(text);
        assert_eq!(at(&f, ""), (1, 1, 1));
        assert_eq!(at(&f, "/a"), (2, 8, 1));
        assert_eq!(key_at(&f, "/a"), (2, 3, 3));
        assert_eq!(at(&f, "/b"), (3, 8, 1));
        assert_eq!(at(&f, "/b/0"), (3, 9, 3));
        assert_eq!(at(&f, "/b/1"), (3, 14, 1));
        assert_eq!(at(&f, "/b/1/c"), (3, 20, 4));
        assert_eq!(at(&f, "/é"), (4, 8, 4));
        assert_eq!(key_at(&f, "/é"), (4, 3, 3));
        // `"q\"t {$inputs.v}"`: the expression starts 4 characters into the value, which
        // is 6 characters after the opening quote because of the escape.
        let span = f.span_at("/s", 4, 11);
        assert_eq!(
            span.location,
            Some(Location {
                line: 5,
                column: 14
            })
        );
        assert_eq!(span.width, 11);
        assert_eq!(
            &span.line_text.as_deref().unwrap_or_default()[13..24],
            "{$inputs.v}"
        );
    }

    #[test]
    fn positions_inside_scalars() {
        let f = file(YAML);
        // Plain-in-quotes: `'Bearer {$inputs.token}'` — offset 7 is the `{`.
        let span = f.span_at("/workflows/0/steps/0/parameters/0/value", 7, 15);
        assert_eq!(
            span.location,
            Some(Location {
                line: 13,
                column: 26
            })
        );
        // Literal block: "first line\nsecond {$inputs.x}\n" — offset 18 is the `{`.
        let span = f.span_at("/workflows/0/steps/1/description", 18, 11);
        assert_eq!(
            span.location,
            Some(Location {
                line: 17,
                column: 18
            })
        );
        // Single-quoted with a doubled quote.
        let f = file("k: 'it''s {$x}'\n");
        assert_eq!(
            f.span_at("/k", 5, 4).location,
            Some(Location {
                line: 1,
                column: 11
            })
        );
        // Plain.
        let f = file("k: Bearer {$x}\n");
        assert_eq!(
            f.span_at("/k", 7, 4).location,
            Some(Location {
                line: 1,
                column: 11
            })
        );
    }

    #[test]
    fn folded_and_multi_document() {
        let f = file("a: >-\n  folded\n  text\nb: [1, 2]\n---\nc: 3\n");
        assert_eq!(at(&f, "/a"), (2, 3, 6));
        assert_eq!(
            f.span_at("/a", 7, 4).location,
            Some(Location { line: 3, column: 3 })
        );
        assert_eq!(at(&f, "/b/1"), (4, 8, 1));
        assert!(!f.has_position("/c"));
    }

    #[test]
    fn broken_yaml_keeps_what_it_saw() {
        let f = file("a: 1\nb: [\n");
        assert_eq!(at(&f, "/a"), (1, 4, 1));
        let span = f.span("/b/0");
        assert_eq!(span.path, "b[0]");
    }

    #[test]
    fn complex_keys_and_aliases_do_not_confuse_the_walk() {
        let f = file("? [a, b]\n: 1\nx: &anchor {y: 2}\nz: *anchor\nw: 3\n");
        assert_eq!(at(&f, "/x/y"), (3, 16, 1));
        assert_eq!(at(&f, "/z"), (4, 4, 1));
        assert_eq!(at(&f, "/w"), (5, 4, 1));
    }

    #[test]
    fn pointers() {
        let p = Pointer::root().key("paths").key("/pets/{id}").key("get");
        assert_eq!(&*p, "/paths/~1pets~1{id}/get");
        assert_eq!(&*Pointer::root().key("a~b").index(3), "/a~0b/3");
        assert_eq!(
            split_pointer("/paths/~1pets~1{id}/get"),
            ["paths", "/pets/{id}", "get"]
        );
        assert_eq!(split_pointer("/a~01"), ["a~1"]);
        assert!(split_pointer("").is_empty());
        assert_eq!(
            display_pointer("/workflows/0/steps/2/operationId"),
            "workflows[0].steps[2].operationId"
        );
        assert_eq!(display_pointer(""), "");
        assert_eq!(display_pointer("/outputs/a.b"), "outputs[\"a.b\"]");
        assert_eq!(display_pointer("/0/x"), "[0].x");
    }

    #[test]
    fn normalizes_paths() {
        assert_eq!(
            normalize_path(Path::new("tests/kinde/../openapi/./x.yml")),
            PathBuf::from("tests/openapi/x.yml")
        );
        assert_eq!(
            normalize_path(Path::new("../a/../../b")),
            PathBuf::from("../../b")
        );
        assert_eq!(normalize_path(Path::new("/a/../../b")), PathBuf::from("/b"));
        assert_eq!(normalize_path(Path::new("a/..")), PathBuf::from("."));
    }
}
