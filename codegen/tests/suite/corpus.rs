//! The generator over every Arazzo 1.0.x and 1.1.x document of the shared corpus
//! (`../shared/corpus/` and `../shared/specs/*/arazzo/`).
//!
//! Documents are found by content (a root `arazzo` field), not by name, and generated in
//! place (the base directory is the shared directory), so relative source descriptions
//! resolve as their authors meant. Remote sources are rejected unless `corpus/INDEX.md` says
//! their content is mirrored in the corpus; those are mapped with [`Settings::with_source`].
//!
//! Rejections are expected (the corpus is full of broken and non-standard documents) and
//! only summarised. The test fails on a panic, or on generated code that does not parse:
//! both are generator bugs. Run with
//! `cargo test -p arazzo-codegen --test suite corpus:: -- --nocapture` to see the summary.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use arazzo_codegen::{Diagnostic, Generator, Settings, Severity};

/// Remote urls whose content `corpus/INDEX.md` says is in the corpus ("remote; mirrored"),
/// and where, relative to the shared directory.
const MIRRORS: &[(&str, &str)] = &[
    (
        "https://raw.githubusercontent.com/swagger-api/swagger-petstore/master/src/main/resources/openapi.yaml",
        "corpus/_remote-mirrors/swagger-api-swagger-petstore/src/main/resources/openapi.yaml",
    ),
    (
        "https://raw.githubusercontent.com/OAI/Arazzo-Specification/main/examples/1.0.0/bnpl-openapi.yaml",
        "corpus/oai-spec/examples/1.0.0/bnpl-openapi.yaml",
    ),
];

/// Relative sources that the corpus holds elsewhere: the OAI 1.1 schema test documents
/// `pet-coupons-example.yaml` and `oauth-example.yaml` are the 1.0.0 examples rewritten for
/// 1.1, and name the examples' OpenAPI files beside them, which the corpus keeps with the
/// 1.0.0 examples. (document, source name, path relative to the shared directory)
const RELOCATED: &[(&str, &str, &str)] = &[
    (
        "corpus/oai-spec/v1.1-dev/tests/schema/pass/pet-coupons-example.yaml",
        "pet-coupons",
        "corpus/oai-spec/examples/1.0.0/pet-coupons.openapi.yaml",
    ),
    (
        "corpus/oai-spec/v1.1-dev/tests/schema/pass/oauth-example.yaml",
        "apim-auth",
        "corpus/oai-spec/examples/1.0.0/oauth.openapi.yaml",
    ),
];

/// The OAI 1.1 schema tests that are valid documents: each must load (parse into the
/// model, so that every problem is reported by the checker with its position).
const V1_1_PASS: &str = "corpus/oai-spec/v1.1-dev/tests/schema/pass/";

/// Threads that generate documents; CI has two cores.
const MAX_WORKERS: usize = 4;

/// The stack each worker gets: rustc runs proc macros on an 8 MiB stack.
const STACK_SIZE: usize = 8 << 20;

/// Print every error of every rejected document, not just the first.
const VERBOSE: bool = false;

/// The prefix `Output::to_pretty_string` puts on tokens that do not parse.
const INVALID_CODE: &str = "// Invalid code generated";

#[test]
fn test_corpus() {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared");
    if !shared.is_dir() {
        println!("note: {} is absent; skipping", shared.display());
        return;
    }
    let started = Instant::now();
    let found = discover(&shared);
    let index = read_index(&shared);
    let reports = generate_all(&shared, &found.documents);
    let elapsed = started.elapsed();
    let summary = summarize(&found, &index, &reports, elapsed);
    println!("{summary}");

    let mut failures: Vec<String> = reports
        .iter()
        .filter_map(|r| match &r.outcome {
            Outcome::Panicked(message) => Some(format!("panic: {}: {message}", r.file)),
            Outcome::InvalidCode { skeleton, header } => Some(format!(
                "invalid {}code: {}: {header}",
                if *skeleton { "skeleton " } else { "" },
                r.file
            )),
            _ => None,
        })
        .collect();
    failures.extend(
        reports
            .iter()
            .filter(|r| r.file.starts_with(V1_1_PASS) && !r.parsed)
            .map(|r| {
                format!(
                    "a valid 1.1 document does not load: {}: {}",
                    r.file,
                    r.errors.first().map(one_line).unwrap_or_default()
                )
            }),
    );
    assert!(
        failures.is_empty(),
        "{} generator bug(s) in the corpus:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

// ---------------------------------------------------------------------------------------
// Finding documents.

/// The Arazzo documents under the shared directory.
#[derive(Default)]
struct Found {
    /// 1.0.x and 1.1.x documents, relative to the shared directory, sorted.
    documents: Vec<PathBuf>,
    /// Documents with any other `arazzo` version, and that version.
    skipped_other: Vec<(PathBuf, String)>,
}

fn discover(shared: &Path) -> Found {
    let mut files = Vec::new();
    walk(&shared.join("corpus"), &mut files);
    if let Ok(entries) = std::fs::read_dir(shared.join("specs")) {
        for entry in entries.filter_map(Result::ok) {
            walk(&entry.path().join("arazzo"), &mut files);
        }
    }
    files.sort();
    let mut found = Found::default();
    for file in files {
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        let Some(version) = arazzo_version(&file, &text) else {
            continue;
        };
        let relative = file.strip_prefix(shared).unwrap_or(&file).to_path_buf();
        if version.starts_with("1.0") || version.starts_with("1.1") {
            found.documents.push(relative);
        } else {
            found.skipped_other.push((relative, version));
        }
    }
    found
}

/// Every `.yaml`, `.yml` and `.json` file under `dir`.
fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        if path.is_dir() {
            walk(&path, out);
        } else if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("yaml" | "yml" | "json")
        ) {
            out.push(path);
        }
    }
}

/// The `arazzo` version of a document, or `None` when it is not an Arazzo document.
///
/// The root is parsed when it can be; a document that does not parse (some fixtures are
/// broken on purpose) still counts when a line at the root declares `arazzo`.
fn arazzo_version(path: &Path, text: &str) -> Option<String> {
    if !text.contains("arazzo") {
        return None;
    }
    let json = path.extension().is_some_and(|e| e == "json");
    let root: Option<serde_yaml::Value> = if json {
        serde_json::from_str::<serde_json::Value>(text)
            .ok()
            .and_then(|v| serde_yaml::to_value(v).ok())
    } else {
        serde_yaml::from_str(text).ok()
    };
    match root {
        Some(root) => match root.get("arazzo")? {
            serde_yaml::Value::String(s) => Some(s.clone()),
            serde_yaml::Value::Number(n) => Some(n.to_string()),
            other => Some(format!("{other:?}")),
        },
        None => text.lines().find_map(|line| {
            let rest = if json {
                line.trim_start().strip_prefix("\"arazzo\"")?
            } else {
                line.strip_prefix("arazzo")?
            };
            let value = rest.trim_start().strip_prefix(':')?;
            Some(
                value
                    .trim()
                    .trim_end_matches(',')
                    .trim_matches(|c| c == '"' || c == '\'')
                    .to_owned(),
            )
        }),
    }
}

/// The `sources` mappings a document needs: its remote source descriptions whose content
/// is mirrored in the corpus.
fn mirrored_sources(shared: &Path, file: &Path) -> Vec<(String, String)> {
    let Ok(text) = std::fs::read_to_string(shared.join(file)) else {
        return Vec::new();
    };
    let root: Option<serde_yaml::Value> = serde_yaml::from_str(&text).ok().or_else(|| {
        serde_json::from_str::<serde_json::Value>(&text)
            .ok()
            .and_then(|v| serde_yaml::to_value(v).ok())
    });
    let Some(descriptions) = root
        .as_ref()
        .and_then(|r| r.get("sourceDescriptions"))
        .and_then(|s| s.as_sequence())
    else {
        return Vec::new();
    };
    let document = slashes(file);
    descriptions
        .iter()
        .filter_map(|d| {
            let name = d.get("name")?.as_str()?;
            let url = d.get("url")?.as_str()?.trim();
            let local = MIRRORS
                .iter()
                .find(|(remote, _)| *remote == url)
                .map(|(_, local)| *local)
                .or_else(|| {
                    RELOCATED
                        .iter()
                        .find(|(doc, source, _)| *doc == document && *source == name)
                        .map(|(_, _, local)| *local)
                })?;
            Some((name.to_owned(), local.to_owned()))
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// What `corpus/INDEX.md` says about each document.

/// One row of the INDEX's document tables.
struct IndexEntry {
    /// Non-standard feature tokens (`!…`).
    nonstandard: Vec<String>,
    /// The `schema` column (`ok`, `ok*`, `xN`, `n/a`).
    schema: String,
    /// The `OpenAPI source` column.
    sources: String,
}

impl IndexEntry {
    /// A document that should generate: valid against the schema, no non-standard features,
    /// and every source description available.
    fn is_clean(&self) -> bool {
        self.schema.starts_with("ok")
            && self.nonstandard.is_empty()
            && !self.sources.is_empty()
            && self.sources.split("; ").all(|s| {
                (s.contains("present") && !s.contains("present only if")) || s.contains("mirrored")
            })
    }
}

/// The INDEX's rows, by path relative to the shared directory.
fn read_index(shared: &Path) -> BTreeMap<String, IndexEntry> {
    let mut index = BTreeMap::new();
    let Ok(text) = std::fs::read_to_string(shared.join("corpus/INDEX.md")) else {
        return index;
    };
    for line in text.lines() {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        // `| path | origin | ver | wf | steps | schema | features | source |`
        if cells.len() < 10 || !cells[1].starts_with('`') {
            continue;
        }
        let path = cells[1].trim_matches('`');
        if !(path.ends_with(".yaml") || path.ends_with(".yml") || path.ends_with(".json")) {
            continue;
        }
        let nonstandard = cells[7]
            .split_whitespace()
            .filter(|t| t.starts_with('!'))
            .map(str::to_owned)
            .collect();
        index.insert(
            format!("corpus/{path}"),
            IndexEntry {
                nonstandard,
                schema: cells[6].to_owned(),
                sources: cells[8].to_owned(),
            },
        );
    }
    index
}

// ---------------------------------------------------------------------------------------
// Generating.

/// What happened to one document.
struct Report {
    /// Relative to the shared directory, with `/`.
    file: String,
    /// `1.0` or `1.1`.
    version: &'static str,
    /// Whether the document loaded: it parsed into the model, so that code (or, with
    /// errors, the skeleton) was generated.
    parsed: bool,
    outcome: Outcome,
    /// Every error diagnostic (also for panics and invalid code, when there were some).
    errors: Vec<Diagnostic>,
    warnings: Vec<Diagnostic>,
    /// Sources mapped to mirrors, as `name=path`.
    mapped: Vec<String>,
    /// Odd things that are not failures.
    notes: Vec<String>,
    elapsed: Duration,
}

enum Outcome {
    Generated,
    Rejected,
    Panicked(String),
    /// The tokens did not parse as a Rust file; `header` is the first line of the output.
    InvalidCode {
        skeleton: bool,
        header: String,
    },
}

thread_local! {
    /// The last panic on this thread: message, location and the generator's frames.
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

fn generate_all(shared: &Path, documents: &[PathBuf]) -> Vec<Report> {
    let default_hook = panic::take_hook();
    panic::set_hook(Box::new(|info| {
        let mut text = panic_message(info.payload());
        if let Some(location) = info.location() {
            let _ = write!(text, " (at {location})");
        }
        let frames = generator_frames(&std::backtrace::Backtrace::force_capture().to_string());
        if !frames.is_empty() {
            let _ = write!(text, "\n      backtrace: {}", frames.join(" <- "));
        }
        LAST_PANIC.with(|last| *last.borrow_mut() = Some(text));
    }));

    let next = AtomicUsize::new(0);
    let reports = Mutex::new(Vec::with_capacity(documents.len()));
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(MAX_WORKERS);
    std::thread::scope(|scope| {
        for worker in 0..workers {
            std::thread::Builder::new()
                .name(format!("corpus-{worker}"))
                .stack_size(STACK_SIZE)
                .spawn_scoped(scope, || loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(file) = documents.get(i) else {
                        break;
                    };
                    let report = generate_one(shared, file);
                    reports.lock().unwrap().push(report);
                })
                .expect("spawn a worker");
        }
    });

    panic::set_hook(default_hook);
    let mut reports = reports.into_inner().unwrap();
    reports.sort_by(|a, b| a.file.cmp(&b.file));
    reports
}

fn generate_one(shared: &Path, file: &Path) -> Report {
    let mut settings = Settings::default();
    let mirrored = mirrored_sources(shared, file);
    for (name, path) in &mirrored {
        settings.with_source(name, path);
    }
    let started = Instant::now();
    let result = panic::catch_unwind(AssertUnwindSafe(|| {
        let output = Generator::new(&settings).generate(shared, file);
        let pretty = (!output.tokens.is_empty()).then(|| output.to_pretty_string());
        (output, pretty)
    }));
    let elapsed = started.elapsed();

    let text = std::fs::read_to_string(shared.join(file)).unwrap_or_default();
    let version = match arazzo_version(file, &text) {
        Some(v) if v.starts_with("1.1") => "1.1",
        _ => "1.0",
    };
    let mut report = Report {
        file: slashes(file),
        version,
        parsed: false,
        outcome: Outcome::Generated,
        errors: Vec::new(),
        warnings: Vec::new(),
        mapped: mirrored.iter().map(|(n, p)| format!("{n}={p}")).collect(),
        notes: Vec::new(),
        elapsed,
    };
    let (output, pretty) = match result {
        Ok(result) => result,
        Err(payload) => {
            let message = LAST_PANIC
                .with(|last| last.borrow_mut().take())
                .unwrap_or_else(|| panic_message(&*payload));
            report.outcome = Outcome::Panicked(message);
            return report;
        }
    };
    let has_errors = output.has_errors();
    report.parsed = !output.tokens.is_empty();
    report.errors = output
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .cloned()
        .collect();
    report.warnings = output
        .diagnostics
        .iter()
        .filter(|d| d.severity != Severity::Error)
        .cloned()
        .collect();
    for d in &output.diagnostics {
        if d.file.is_absolute() {
            report.notes.push(format!(
                "diagnostic with an absolute file `{}`: {}",
                d.file.display(),
                d.message
            ));
        }
    }
    if !has_errors && !output.files.iter().any(|f| f.ends_with(file)) {
        report
            .notes
            .push("`Output::files` does not list the document itself".to_owned());
    }
    report.outcome = if has_errors {
        Outcome::Rejected
    } else {
        Outcome::Generated
    };
    match pretty {
        Some(code) if code.starts_with(INVALID_CODE) => {
            report.outcome = Outcome::InvalidCode {
                skeleton: has_errors,
                header: code.lines().next().unwrap_or_default().to_owned(),
            };
        }
        Some(_) => {}
        None if !has_errors => report
            .notes
            .push("generated without errors, but no code".to_owned()),
        None => {}
    }
    report
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "(non-string panic payload)".to_owned()
    }
}

/// The generator's own frames of a backtrace, innermost first, as `function (file:line)`.
fn generator_frames(backtrace: &str) -> Vec<String> {
    let lines: Vec<&str> = backtrace.lines().map(str::trim).collect();
    let mut frames = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let Some((_, function)) = line.split_once(": ") else {
            continue;
        };
        if !function.starts_with("arazzo_codegen::") {
            continue;
        }
        // Drop a symbol hash suffix (`::h0123456789abcdef`), when there is one.
        let function = match function.rsplit_once("::h") {
            Some((name, hash))
                if hash.len() == 16 && hash.chars().all(|c| c.is_ascii_hexdigit()) =>
            {
                name
            }
            _ => function,
        };
        let at = lines
            .get(i + 1)
            .and_then(|l| l.strip_prefix("at "))
            .map(|at| at.rsplit_once("/src/").map_or(at, |(_, tail)| tail))
            .unwrap_or("?");
        frames.push(format!("{function} ({at})"));
        if frames.len() == 6 {
            break;
        }
    }
    frames
}

// ---------------------------------------------------------------------------------------
// Reporting.

fn summarize(
    found: &Found,
    index: &BTreeMap<String, IndexEntry>,
    reports: &[Report],
    elapsed: Duration,
) -> String {
    let mut out = String::new();
    let count = |f: fn(&Outcome) -> bool| reports.iter().filter(|r| f(&r.outcome)).count();
    let generated = count(|o| matches!(o, Outcome::Generated));
    let rejected = count(|o| matches!(o, Outcome::Rejected));
    let panicked = count(|o| matches!(o, Outcome::Panicked(_)));
    let invalid = count(|o| matches!(o, Outcome::InvalidCode { .. }));

    let _ = writeln!(
        out,
        "\n==== arazzo corpus: {} Arazzo 1.0.x and 1.1.x documents ====",
        reports.len()
    );
    let _ = writeln!(out, "generated ok:  {generated}");
    let _ = writeln!(out, "rejected:      {rejected}");
    let _ = writeln!(out, "panics:        {panicked}");
    let _ = writeln!(out, "invalid code:  {invalid}");
    for version in ["1.0", "1.1"] {
        let of: Vec<&Report> = reports.iter().filter(|r| r.version == version).collect();
        let generated = of
            .iter()
            .filter(|r| matches!(r.outcome, Outcome::Generated))
            .count();
        let loaded = of.iter().filter(|r| r.parsed).count();
        let _ = writeln!(
            out,
            "Arazzo {version}.x: {} documents, {loaded} loaded, {generated} generated code without errors",
            of.len()
        );
    }
    let pass: Vec<&Report> = reports
        .iter()
        .filter(|r| r.file.starts_with(V1_1_PASS))
        .collect();
    let _ = writeln!(
        out,
        "OAI 1.1 schema pass documents: {} of {} loaded, {} generated code (the others name sources the corpus does not hold (remote OpenAPI and AsyncAPI URLs) or have defects the checker reports)",
        pass.iter().filter(|r| r.parsed).count(),
        pass.len(),
        pass.iter()
            .filter(|r| matches!(r.outcome, Outcome::Generated))
            .count()
    );
    for (file, version) in &found.skipped_other {
        let _ = writeln!(
            out,
            "skipped: {} (arazzo version `{version}`)",
            slashes(file)
        );
    }
    let _ = writeln!(
        out,
        "time: {:.1} s in total, {:.1} s generating (summed over threads)",
        elapsed.as_secs_f64(),
        reports.iter().map(|r| r.elapsed.as_secs_f64()).sum::<f64>()
    );
    let mut slowest: Vec<&Report> = reports.iter().collect();
    slowest.sort_by_key(|r| std::cmp::Reverse(r.elapsed));
    for r in slowest.iter().take(5) {
        let _ = writeln!(
            out,
            "  slowest: {:6.2} s  {}",
            r.elapsed.as_secs_f64(),
            r.file
        );
    }

    let mapped: Vec<&Report> = reports.iter().filter(|r| !r.mapped.is_empty()).collect();
    if !mapped.is_empty() {
        let _ = writeln!(
            out,
            "\n---- remote sources mapped to mirrors ({}) ----",
            mapped.len()
        );
        for r in mapped {
            let _ = writeln!(out, "{}: {}", r.file, r.mapped.join(", "));
        }
    }

    if panicked > 0 {
        let _ = writeln!(out, "\n---- PANICS ({panicked}) ----");
        for r in reports {
            if let Outcome::Panicked(message) = &r.outcome {
                let _ = writeln!(out, "{}\n    {message}", r.file);
            }
        }
    }
    if invalid > 0 {
        let _ = writeln!(out, "\n---- INVALID CODE ({invalid}) ----");
        for r in reports {
            if let Outcome::InvalidCode { skeleton, header } = &r.outcome {
                let what = if *skeleton {
                    "skeleton (document has errors)"
                } else {
                    "code"
                };
                let _ = writeln!(out, "{} [{what}]\n    {header}", r.file);
            }
        }
    }

    let _ = writeln!(out, "\n---- generated ok ({generated}) ----");
    for r in reports {
        if matches!(r.outcome, Outcome::Generated) {
            match r.warnings.len() {
                0 => {
                    let _ = writeln!(out, "{}", r.file);
                }
                n => {
                    let _ = writeln!(out, "{}  ({n} warning(s))", r.file);
                }
            }
        }
    }

    let _ = writeln!(
        out,
        "\n---- rejected: first error of each ({rejected}) ----"
    );
    for r in reports {
        if matches!(r.outcome, Outcome::Rejected) {
            let first = r
                .errors
                .first()
                .map_or("(no error diagnostic)".to_owned(), one_line);
            let more = match r.errors.len() {
                0 | 1 => String::new(),
                n => format!("  (+{} more)", n - 1),
            };
            let _ = writeln!(out, "{} → {first}{more}", r.file);
            if VERBOSE {
                for d in r.errors.iter().skip(1) {
                    let _ = writeln!(out, "      {}", one_line(d));
                }
            }
        }
    }

    let noted: Vec<&Report> = reports.iter().filter(|r| !r.notes.is_empty()).collect();
    if !noted.is_empty() {
        let _ = writeln!(out, "\n---- suspicious ({}) ----", noted.len());
        for r in noted {
            for note in &r.notes {
                let _ = writeln!(out, "{}: {note}", r.file);
            }
        }
    }

    // Rejections of documents the INDEX calls clean are the likeliest generator bugs or
    // missing features: show all their errors.
    let clean_rejected: Vec<&Report> = reports
        .iter()
        .filter(|r| matches!(r.outcome, Outcome::Rejected))
        .filter(|r| index.get(&r.file).is_some_and(IndexEntry::is_clean))
        .collect();
    if !clean_rejected.is_empty() {
        let _ = writeln!(
            out,
            "\n---- rejected although INDEX says schema ok, no `!` features, sources present ({}) ----",
            clean_rejected.len()
        );
        for r in clean_rejected {
            let _ = writeln!(out, "{}", r.file);
            for d in &r.errors {
                let _ = writeln!(out, "    {}", one_line(d));
            }
        }
    }

    // Non-standard documents per the INDEX.
    let nonstandard: Vec<(&Report, &IndexEntry)> = reports
        .iter()
        .filter_map(|r| Some((r, index.get(&r.file)?)))
        .filter(|(_, e)| !e.nonstandard.is_empty())
        .collect();
    let unindexed = reports
        .iter()
        .filter(|r| !index.contains_key(&r.file))
        .count();
    let ns_count =
        |f: fn(&Outcome) -> bool| nonstandard.iter().filter(|(r, _)| f(&r.outcome)).count();
    let _ = writeln!(
        out,
        "\n---- non-standard documents (INDEX `!` tokens): {} ----\n\
         generated ok: {}, rejected: {}, panics: {}, invalid code: {} \
         ({} documents are not in the INDEX, e.g. specs/)",
        nonstandard.len(),
        ns_count(|o| matches!(o, Outcome::Generated)),
        ns_count(|o| matches!(o, Outcome::Rejected)),
        ns_count(|o| matches!(o, Outcome::Panicked(_))),
        ns_count(|o| matches!(o, Outcome::InvalidCode { .. })),
        unindexed,
    );
    for (r, e) in &nonstandard {
        if matches!(r.outcome, Outcome::Generated) {
            let _ = writeln!(
                out,
                "  generated despite {}: {}",
                e.nonstandard.join(" "),
                r.file
            );
        }
    }

    let _ = writeln!(
        out,
        "\n---- warnings by kind, all documents (docs = documents with at least one, \
         total = occurrences) ----"
    );
    let _ = writeln!(out, " docs       total  kind");
    for (kind, k) in kind_table(reports, |r| &r.warnings) {
        let _ = writeln!(out, "{:5}       {:5}  {kind}", k.documents, k.total);
    }
    let _ = writeln!(
        out,
        "\n---- errors by kind (docs = documents with at least one, first = documents \
         where it is the first error, total = occurrences) ----"
    );
    let _ = writeln!(out, " docs first total  kind");
    for (kind, k) in kind_table(reports, |r| &r.errors) {
        let _ = writeln!(out, "{:5} {:5} {:5}  {kind}", k.documents, k.first, k.total);
    }
    out
}

/// Diagnostics grouped by [`kind`], most widespread first.
fn kind_table(reports: &[Report], pick: fn(&Report) -> &Vec<Diagnostic>) -> Vec<(String, Kind)> {
    let mut kinds: BTreeMap<String, Kind> = BTreeMap::new();
    for r in reports {
        let mut seen = BTreeSet::new();
        for (i, d) in pick(r).iter().enumerate() {
            let kind = kind(&d.message);
            let entry = kinds.entry(kind.clone()).or_default();
            entry.total += 1;
            if i == 0 {
                entry.first += 1;
            }
            if seen.insert(kind) {
                entry.documents += 1;
            }
        }
    }
    let mut kinds: Vec<(String, Kind)> = kinds.into_iter().collect();
    kinds.sort_by(|a, b| (b.1.documents, b.1.total, &a.0).cmp(&(a.1.documents, a.1.total, &b.0)));
    kinds
}

#[derive(Default)]
struct Kind {
    documents: usize,
    first: usize,
    total: usize,
}

/// A diagnostic on one line: the message, then where.
fn one_line(d: &Diagnostic) -> String {
    let message = d.message.replace('\n', " ");
    let mut at = slashes(&d.file);
    if let Some(loc) = d.location {
        let _ = write!(at, ":{}:{}", loc.line, loc.column);
    }
    if !d.path.is_empty() {
        let _ = write!(at, " at {}", d.path);
    }
    format!("{message}  [{at}]")
}

/// A message with its specifics blanked out: backticked names become `…`, numbers `#`,
/// and everything after the first `; ` (the fix) is dropped.
fn kind(message: &str) -> String {
    let message = message.split("; ").next().unwrap_or(message);
    let mut out = String::new();
    let mut in_ticks = false;
    for c in message.chars() {
        match c {
            '`' if in_ticks => {
                in_ticks = false;
                out.push_str("…`");
            }
            '`' => {
                in_ticks = true;
                out.push('`');
            }
            _ if in_ticks => {}
            c if c.is_ascii_digit() => {
                if !out.ends_with('#') {
                    out.push('#');
                }
            }
            c => out.push(c),
        }
    }
    if in_ticks {
        out.push('…');
    }
    out.chars().take(120).collect()
}

fn slashes(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}
