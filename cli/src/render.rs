//! Printing diagnostics: rustc-style snippets through `codespan-reporting`, or JSON.
//!
//! A [`Report`] collects the diagnostics of every file a command looked at. In the human
//! format each one is printed to stderr as soon as it is added, followed by a summary line
//! for its file; [`Report::finish`] adds an overall summary. In the JSON format nothing is
//! printed until [`Report::finish`], which writes one array to stdout.

use std::collections::BTreeMap;
use std::io::{self, IsTerminal as _, Write as _};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use arazzo_codegen::{Diagnostic, Location, Severity};
use clap::ValueEnum;
use codespan_reporting::diagnostic::{Diagnostic as Snippet, Label};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::termcolor::{BufferWriter, ColorChoice, WriteColor};
use codespan_reporting::term::{self, Chars, Config};
use serde_json::{json, Value};

/// How diagnostics are printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// rustc-style messages with source snippets, on stderr.
    Human,
    /// One JSON array of `{severity, code, message, file, line, column, path, notes}`, on
    /// stdout.
    Json,
}

/// When to colour human-format output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum Color {
    /// Only when stderr is a terminal and `NO_COLOR` is not set.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// The diagnostics of one command run, printed as they come in.
pub(crate) struct Report {
    format: Format,
    stderr: BufferWriter,
    snippets: Snippets,
    json: Vec<Value>,
    files: usize,
    errors: usize,
    warnings: usize,
}

impl Report {
    /// A report on files named relative to `base`.
    pub(crate) fn new(base: &Path, format: Format, color: Color) -> Self {
        Report {
            format,
            stderr: BufferWriter::stderr(color_choice(color)),
            snippets: Snippets::new(base),
            json: Vec::new(),
            files: 0,
            errors: 0,
            warnings: 0,
        }
    }

    /// Adds the diagnostics found in `file`; in the human format, prints them and a
    /// summary line for the file.
    pub(crate) fn add(&mut self, file: &Path, diagnostics: &[Diagnostic]) {
        let errors = count(diagnostics, Severity::Error);
        let warnings = count(diagnostics, Severity::Warning);
        self.files += 1;
        self.errors += errors;
        self.warnings += warnings;
        match self.format {
            Format::Json => self.json.extend(diagnostics.iter().map(to_json)),
            Format::Human => {
                let mut buffer = self.stderr.buffer();
                for diagnostic in diagnostics {
                    self.snippets.emit(&mut buffer, diagnostic);
                }
                let summary = format!("{}: {}", display_path(file), counts(errors, warnings));
                let _ = writeln!(buffer, "{summary}");
                let _ = self.stderr.print(&buffer);
            }
        }
    }

    /// Prints the overall summary (human) or the JSON array, and returns the exit code:
    /// 1 if there was an error, 0 otherwise.
    pub(crate) fn finish(self) -> ExitCode {
        match self.format {
            Format::Human => {
                let plural = if self.files == 1 { "" } else { "s" };
                eprintln!(
                    "checked {} file{plural}: {}",
                    self.files,
                    counts(self.errors, self.warnings)
                );
            }
            Format::Json => {
                let text = serde_json::to_string_pretty(&Value::Array(self.json))
                    .unwrap_or_else(|_| "[]".to_owned());
                let mut stdout = io::stdout().lock();
                let _ = writeln!(stdout, "{text}").and_then(|()| stdout.flush());
            }
        }
        if self.errors > 0 {
            ExitCode::FAILURE
        } else {
            ExitCode::SUCCESS
        }
    }
}

/// The files named in diagnostics, read from disk once each, and how to draw snippets of
/// them.
struct Snippets {
    base: PathBuf,
    config: Config,
    database: SimpleFiles<String, String>,
    /// File id in `database` per path, or `None` when the file could not be read.
    ids: BTreeMap<PathBuf, Option<usize>>,
}

impl Snippets {
    fn new(base: &Path) -> Self {
        Snippets {
            base: base.to_path_buf(),
            config: Config {
                chars: Chars::ascii(),
                ..Config::default()
            },
            database: SimpleFiles::new(),
            ids: BTreeMap::new(),
        }
    }

    /// Writes one diagnostic, with a snippet of its line when the file can be read and the
    /// location is inside it, and the location as a note otherwise.
    fn emit(&mut self, out: &mut dyn WriteColor, diagnostic: &Diagnostic) {
        let mut snippet = match diagnostic.severity {
            Severity::Error => Snippet::error(),
            Severity::Warning => Snippet::warning(),
        }
        .with_message(&diagnostic.message)
        .with_code(diagnostic.rule.to_string());
        let mut notes = Vec::new();
        let label = diagnostic
            .location
            .and_then(|location| self.label(diagnostic, location));
        match label {
            Some(label) => snippet = snippet.with_label(label),
            None => notes.push(where_note(diagnostic)),
        }
        if !diagnostic.path.is_empty() {
            notes.push(format!("at: {}", diagnostic.path));
        }
        notes.extend(diagnostic.notes.iter().cloned());
        let snippet = snippet.with_notes(notes);
        if term::emit_to_write_style(out, &self.config, &self.database, &snippet).is_err() {
            // The database cannot disagree with the labels built from it; fall back to the
            // generator's own plain rendering all the same.
            let _ = writeln!(out, "{}\n", diagnostic.render_full());
        }
    }

    /// A label under the offending value, if its file can be read and has that line.
    fn label(&mut self, diagnostic: &Diagnostic, location: Location) -> Option<Label<usize>> {
        let id = self.file_id(&diagnostic.file)?;
        let text = self.database.get(id).ok()?.source();
        let range = byte_range(text, location, diagnostic.width)?;
        Some(Label::primary(id, range))
    }

    fn file_id(&mut self, file: &Path) -> Option<usize> {
        if let Some(id) = self.ids.get(file) {
            return *id;
        }
        let id = std::fs::read_to_string(self.base.join(file))
            .ok()
            .map(|text| self.database.add(display_path(file), text));
        self.ids.insert(file.to_path_buf(), id);
        id
    }
}

/// The byte range of `width` characters from a 1-based line and character column, kept
/// within the line. The empty line after a final newline exists, so that the end of the
/// file can be pointed at.
fn byte_range(text: &str, location: Location, width: usize) -> Option<Range<usize>> {
    let index = location.line.checked_sub(1)?;
    let mut start_of_line = 0;
    let line = text.split('\n').enumerate().find_map(|(i, line)| {
        if i == index {
            Some(line)
        } else {
            start_of_line += line.len() + 1;
            None
        }
    })?;
    let line = line.strip_suffix('\r').unwrap_or(line);
    let byte_at = |chars: usize| {
        line.char_indices()
            .nth(chars)
            .map_or(line.len(), |(byte, _)| byte)
    };
    let column = location.column.saturating_sub(1);
    let start = byte_at(column);
    let end = byte_at(column + width.max(1));
    Some(start_of_line + start..start_of_line + end)
}

/// Where a diagnostic without a snippet is, as a note.
fn where_note(diagnostic: &Diagnostic) -> String {
    let file = display_path(&diagnostic.file);
    match diagnostic.location {
        Some(Location { line, column }) => format!("in: {file}:{line}:{column}"),
        None => format!("in: {file}"),
    }
}

fn to_json(diagnostic: &Diagnostic) -> Value {
    json!({
        "severity": diagnostic.severity.as_str(),
        "code": diagnostic.rule.to_string(),
        "message": diagnostic.message,
        "file": display_path(&diagnostic.file),
        "line": diagnostic.location.map(|l| l.line),
        "column": diagnostic.location.map(|l| l.column),
        "path": diagnostic.path,
        "notes": diagnostic.notes,
    })
}

fn count(diagnostics: &[Diagnostic], severity: Severity) -> usize {
    diagnostics
        .iter()
        .filter(|d| d.severity == severity)
        .count()
}

/// `2 errors, 1 warning`, or `ok`.
fn counts(errors: usize, warnings: usize) -> String {
    if errors == 0 && warnings == 0 {
        return "ok".to_owned();
    }
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    format!(
        "{}, {}",
        plural(errors, "error"),
        plural(warnings, "warning")
    )
}

/// Paths in messages always use `/`, as the generator's do.
fn display_path(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// The colour choice for `--color`: `auto` colours only a terminal, and never when
/// `NO_COLOR` is set to anything non-empty (<https://no-color.org>).
fn color_choice(color: Color) -> ColorChoice {
    match color {
        Color::Always => ColorChoice::Always,
        Color::Never => ColorChoice::Never,
        Color::Auto if env_is_set("NO_COLOR") || !io::stderr().is_terminal() => ColorChoice::Never,
        Color::Auto => ColorChoice::Auto,
    }
}

/// Whether an environment variable is set to a non-empty value. The only place the command
/// reads the environment.
fn env_is_set(name: &str) -> bool {
    std::env::var_os(name).is_some_and(|value| !value.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_range_counts_characters_and_stays_on_the_line() {
        let text = "a: 1\nbé: xyz\r\nc: 3";
        let at = |line, column| Location { line, column };
        assert_eq!(byte_range(text, at(2, 5), 3), Some(10..13));
        assert_eq!(byte_range(text, at(2, 5), 30), Some(10..13));
        assert_eq!(byte_range(text, at(3, 1), 0), Some(15..16));
        assert_eq!(byte_range(text, at(4, 1), 1), None);
        assert_eq!(byte_range("a: [\n", at(2, 1), 1), Some(5..5));
        assert_eq!(byte_range("a: [\n", at(3, 1), 1), None);
        assert_eq!(byte_range(text, at(0, 1), 1), None);
    }

    #[test]
    fn counts_reads_like_a_sentence() {
        assert_eq!(counts(0, 0), "ok");
        assert_eq!(counts(2, 1), "2 errors, 1 warning");
        assert_eq!(counts(1, 0), "1 error, 0 warnings");
    }
}
