//! Diagnostics: what the checks report, and the accumulator they report into.
//!
//! Modelled on `serde_derive`'s `Ctxt`: every rule adds to one [`Ctxt`], nothing fails
//! fast, and the caller collects everything at the end with [`Ctxt::finish`].

use std::cell::RefCell;
use std::fmt::{self, Write as _};
use std::path::{Path, PathBuf};

pub use crate::rules::Rule;

/// How serious a [`Diagnostic`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The document cannot be turned into code; the macro emits `compile_error!`.
    Error,
    /// Probably a mistake, but code can still be generated.
    Warning,
}

impl Severity {
    /// The lowercase word rustc uses for this severity.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A position in a source file: 1-based line and column (columns count characters).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Location {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column number, in characters.
    pub column: usize,
}

/// One problem found while loading, checking or generating.
///
/// Diagnostics carry no spans: the macro attaches them to the path literal it was given.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The rule that reported it; its code (`arazzo::unknown-operation`) is stable.
    pub rule: Rule,
    /// A rustc-style message: lowercase, offending names in backticks, no trailing period.
    pub message: String,
    /// The file the problem is in, relative to the base directory given to the generator.
    pub file: PathBuf,
    /// Where in the document, as a path such as `workflows[0].steps[2].operationId`;
    /// empty for problems with the file as a whole.
    pub path: String,
    /// Line and column of the offending value, where known.
    pub location: Option<Location>,
    /// The text of the offending line, where known (for rendering).
    pub line_text: Option<String>,
    /// Width of the offending value in characters, for the underline (at least 1).
    pub width: usize,
    /// Extra lines: hints such as "did you mean `GetRoles`?" and notes.
    pub notes: Vec<String>,
}

impl Diagnostic {
    /// Renders the diagnostic without colour, in the shape rustc uses:
    ///
    /// ```text
    /// unknown operationId `GetRolez`
    ///   --> arazzo/kinde.arazzo.yml:48:18
    ///    |
    /// 48 |     operationId: GetRolez
    ///    |                  ^^^^^^^^
    ///    = help: did you mean `GetRoles`?
    /// ```
    ///
    /// The severity word is left out: rustc adds its own `error:` in front of a
    /// `compile_error!`, and [`Diagnostic::render_full`] adds it elsewhere.
    pub fn render(&self) -> String {
        let mut out = String::new();
        out.push_str(&self.message);
        let file = display_path(&self.file);
        match self.location {
            Some(loc) => {
                let gutter = loc.line.to_string().len();
                let pad = " ".repeat(gutter);
                let _ = write!(out, "\n{pad}--> {file}:{}:{}", loc.line, loc.column);
                if let Some(text) = &self.line_text {
                    let (text, start, width) =
                        line_window(text.trim_end(), loc.column.saturating_sub(1), self.width);
                    let underline = " ".repeat(start) + &"^".repeat(width);
                    let _ = write!(
                        out,
                        "\n{pad} |\n{} | {}\n{pad} | {}",
                        loc.line, text, underline
                    );
                }
                if !self.path.is_empty() {
                    let _ = write!(out, "\n{pad} = at: {}", self.path);
                }
                for note in &self.notes {
                    let _ = write!(out, "\n{pad} = {note}");
                }
            }
            None => {
                if self.path.is_empty() {
                    let _ = write!(out, "\n  --> {file}");
                } else {
                    let _ = write!(out, "\n  --> {file} at {}", self.path);
                }
                for note in &self.notes {
                    let _ = write!(out, "\n   = {note}");
                }
            }
        }
        out
    }

    /// Renders the diagnostic with its severity in front, as a command-line tool prints it.
    pub fn render_full(&self) -> String {
        format!("{}[{}]: {}", self.severity, self.rule, self.render())
    }

    /// [`Diagnostic::render`] with the rule's code on a last line, for rustc, which shows
    /// its own `error:` or `warning:` in front.
    pub fn render_with_code(&self) -> String {
        let pad = match self.location {
            Some(loc) => " ".repeat(loc.line.to_string().len()),
            None => "  ".to_owned(),
        };
        format!("{}\n{pad} = code: {}", self.render(), self.rule)
    }
}

/// The longest source line a diagnostic shows whole, in characters.
const MAX_LINE: usize = 120;

/// The part of a source line a diagnostic shows, with where its underline starts and how
/// wide it is, in characters: the whole line when it is short, else a window of
/// [`MAX_LINE`] characters around the offending value, with `…` where it was cut (a
/// 10,000-character line of a minified or hostile document would drown the message).
fn line_window(text: &str, column: usize, width: usize) -> (String, usize, usize) {
    let width = width.max(1);
    let len = text.chars().count();
    if len <= MAX_LINE {
        return (text.to_owned(), column, width);
    }
    let start = column
        .saturating_sub(MAX_LINE / 3)
        .min(len.saturating_sub(MAX_LINE));
    let end = (start + MAX_LINE).min(len);
    let mut shown: String = text.chars().skip(start).take(end - start).collect();
    let mut underline_at = column.saturating_sub(start);
    if start > 0 {
        shown.insert(0, '…');
        underline_at += 1;
    }
    if end < len {
        shown.push('…');
    }
    let width = width.min(
        (end - start)
            .saturating_sub(column.saturating_sub(start))
            .max(1),
    );
    (shown, underline_at, width)
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render_full())
    }
}

/// Paths in messages always use `/`, so that snapshots are the same on every platform.
pub(crate) fn display_path(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// Where a diagnostic points: a file and a document path inside it.
///
/// The location and line text are looked up from the file's position map by
/// [`crate::source::SourceFile::locate`].
#[derive(Clone, Debug)]
pub(crate) struct Span {
    pub file: PathBuf,
    pub path: String,
    pub location: Option<Location>,
    pub line_text: Option<String>,
    pub width: usize,
}

/// The accumulator every rule reports into.
///
/// Dropping a `Ctxt` without calling [`Ctxt::finish`] is a bug in the generator and panics,
/// as `serde_derive`'s does.
#[derive(Default)]
pub(crate) struct Ctxt {
    diagnostics: RefCell<Option<Vec<Diagnostic>>>,
}

impl Ctxt {
    pub fn new() -> Self {
        Ctxt {
            diagnostics: RefCell::new(Some(Vec::new())),
        }
    }

    /// Reports an error of `rule` at `span`.
    pub fn error(
        &self,
        rule: Rule,
        span: &Span,
        message: impl Into<String>,
    ) -> DiagnosticBuilder<'_> {
        self.push(Severity::Error, rule, span, message.into())
    }

    /// Reports a warning of `rule` at `span`.
    pub fn warning(
        &self,
        rule: Rule,
        span: &Span,
        message: impl Into<String>,
    ) -> DiagnosticBuilder<'_> {
        self.push(Severity::Warning, rule, span, message.into())
    }

    fn push(
        &self,
        severity: Severity,
        rule: Rule,
        span: &Span,
        message: String,
    ) -> DiagnosticBuilder<'_> {
        let diagnostic = Diagnostic {
            severity,
            rule,
            message,
            file: span.file.clone(),
            path: span.path.clone(),
            location: span.location,
            line_text: span.line_text.clone(),
            width: span.width.max(1),
            notes: Vec::new(),
        };
        let mut slot = self.diagnostics.borrow_mut();
        let list = slot
            .as_mut()
            .expect("diagnostic reported after Ctxt::finish");
        list.push(diagnostic);
        DiagnosticBuilder {
            cx: self,
            index: list.len() - 1,
        }
    }

    /// Whether any error (not warning) has been reported so far.
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .borrow()
            .as_ref()
            .is_some_and(|list| list.iter().any(|d| d.severity == Severity::Error))
    }

    /// Ends collection and returns everything reported, in the order reported, each once: a
    /// rule that runs once per step on something the workflow holds (its parameters)
    /// reports the same problem at the same place for every step.
    pub fn finish(self) -> Vec<Diagnostic> {
        let all = self.diagnostics.borrow_mut().take().unwrap_or_default();
        let mut unique: Vec<Diagnostic> = Vec::with_capacity(all.len());
        for diagnostic in all {
            if !unique.contains(&diagnostic) {
                unique.push(diagnostic);
            }
        }
        unique
    }
}

impl Drop for Ctxt {
    fn drop(&mut self) {
        if !std::thread::panicking() && self.diagnostics.borrow().is_some() {
            panic!("forgot to call Ctxt::finish");
        }
    }
}

/// Adds notes to a diagnostic just reported.
pub(crate) struct DiagnosticBuilder<'a> {
    cx: &'a Ctxt,
    index: usize,
}

impl DiagnosticBuilder<'_> {
    /// Adds a `help: …` line.
    pub fn help(self, text: impl fmt::Display) -> Self {
        self.note_raw(format!("help: {text}"))
    }

    /// Adds a `note: …` line.
    pub fn note(self, text: impl fmt::Display) -> Self {
        self.note_raw(format!("note: {text}"))
    }

    fn note_raw(self, line: String) -> Self {
        if let Some(list) = self.cx.diagnostics.borrow_mut().as_mut() {
            list[self.index].notes.push(line);
        }
        self
    }
}

/// The closest candidate to `name` by edit distance, if it is close enough to suggest.
///
/// A case-insensitive exact match always wins.
pub(crate) fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let lower = name.to_lowercase();
    // Ranked by case-insensitive distance, then by exact distance.
    let mut best: Option<((usize, usize), &str)> = None;
    for candidate in candidates {
        if candidate.to_lowercase() == lower {
            return Some(candidate);
        }
        let distance = strsim::damerau_levenshtein(&lower, &candidate.to_lowercase());
        let limit = (name.chars().count().max(3)) / 3;
        let rank = (distance, strsim::damerau_levenshtein(name, candidate));
        if distance <= limit && best.is_none_or(|(r, _)| rank < r) {
            best = Some((rank, candidate));
        }
    }
    best.map(|(_, c)| c)
}

/// The candidate `name` most resembles: [`did_you_mean`]'s, else the one that shares the
/// most of its words (`invite` and `invite_link`, `emailAddress` and `email`), at least
/// three letters of them, a shared last word counting most (`invite_code` is a `code`).
pub(crate) fn resembles<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str> + Clone,
) -> Option<&'a str> {
    if let Some(close) = did_you_mean(name, candidates.clone()) {
        return Some(close);
    }
    let ours = words(name);
    let mut best: Option<(usize, &str)> = None;
    for candidate in candidates {
        let theirs = words(candidate);
        let mut shared: usize = ours
            .iter()
            .filter(|w| theirs.contains(w))
            .map(|w| w.len())
            .sum();
        if ours.last().is_some_and(|last| theirs.last() == Some(last)) {
            shared += 100;
        }
        if shared >= 3 && best.is_none_or(|(score, _)| shared > score) {
            best = Some((shared, candidate));
        }
    }
    best.map(|(_, c)| c)
}

/// The lowercase words of a name: split at `_`, `-`, `.`, spaces and lower-to-upper case
/// changes, a plural `s` dropped (`products` and `productCodes` share `product`).
fn words(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        let boundary = matches!(c, '_' | '-' | '.' | ' ') || (c.is_uppercase() && previous_lower);
        if boundary && !word.is_empty() {
            out.push(std::mem::take(&mut word));
        }
        if c.is_alphanumeric() {
            word.extend(c.to_lowercase());
        }
        previous_lower = c.is_lowercase() || c.is_ascii_digit();
    }
    if !word.is_empty() {
        out.push(word);
    }
    for word in &mut out {
        if word.len() > 3 && word.ends_with('s') && !word.ends_with("ss") {
            word.pop();
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_case_insensitive_match_first() {
        let names = ["getRoles", "GetRoles", "createRole"];
        assert_eq!(did_you_mean("getroles", names), Some("getRoles"));
        assert_eq!(did_you_mean("GetRolez", names), Some("GetRoles"));
        assert_eq!(did_you_mean("deleteEverything", names), None);
    }

    #[test]
    fn long_lines_are_shown_around_the_value() {
        let line = format!("x-deep: {}{}", "[".repeat(300), "]".repeat(300));
        let (shown, at, width) = line_window(&line, 200, 1);
        assert_eq!(shown.chars().count(), MAX_LINE + 2);
        assert!(shown.starts_with('…') && shown.ends_with('…'), "{shown}");
        assert_eq!(at, 200 - (200 - MAX_LINE / 3) + 1);
        assert_eq!(width, 1);
        // Near the start: cut at the end only.
        let (shown, at, _) = line_window(&line, 3, 4);
        assert!(shown.starts_with("x-deep") && shown.ends_with('…'));
        assert_eq!(at, 3);
        // Short lines stay whole.
        assert_eq!(line_window("  a: b", 5, 1), ("  a: b".to_owned(), 5, 1));
    }

    #[test]
    fn resembles_shares_words() {
        assert_eq!(
            resembles("invite_code", ["code", "invite_link"]),
            Some("code")
        );
        assert_eq!(
            resembles("invite", ["code", "invite_link"]),
            Some("invite_link")
        );
        assert_eq!(resembles("emailAddress", ["email", "name"]), Some("email"));
        assert_eq!(resembles("role", ["roles"]), Some("roles"));
        assert_eq!(resembles("zip", ["code", "name"]), None);
        assert_eq!(
            resembles("products", ["totalAmount", "productCodes"]),
            Some("productCodes")
        );
    }

    #[test]
    fn renders_like_rustc() {
        let d = Diagnostic {
            severity: Severity::Error,
            rule: Rule::UnknownOperation,
            message: "unknown operationId `GetRolez`".into(),
            file: PathBuf::from("arazzo/kinde.yml"),
            path: "workflows[0].steps[0].operationId".into(),
            location: Some(Location {
                line: 48,
                column: 18,
            }),
            line_text: Some("    operationId: GetRolez".into()),
            width: 8,
            notes: vec!["help: did you mean `GetRoles`?".into()],
        };
        assert_eq!(
            d.render_full(),
            "error[arazzo::unknown-operation]: unknown operationId `GetRolez`\n  \
             --> arazzo/kinde.yml:48:18\n   |\n\
             48 |     operationId: GetRolez\n   |                  ^^^^^^^^\n   \
             = at: workflows[0].steps[0].operationId\n   \
             = help: did you mean `GetRoles`?"
        );
        assert!(d
            .render_with_code()
            .ends_with("= help: did you mean `GetRoles`?\n   = code: arazzo::unknown-operation"));
    }
}
