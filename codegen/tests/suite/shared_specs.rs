//! The real catalog workflows in `../shared/specs/`: every Kinde workflow checks with no
//! error against the spec it references; Auth0 and Stytch workflows are checked and their
//! error and warning counts printed (they are real documents with real defects). Skipped
//! with a note when `../shared` is absent.

use std::path::{Path, PathBuf};

use arazzo_codegen::{Generator, Settings, Severity};

fn shared() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared");
    if dir.join("specs").is_dir() {
        Some(dir)
    } else {
        eprintln!("note: ../shared/specs is absent; skipping");
        None
    }
}

/// Checks every workflow in `specs/<provider>/arazzo`, printing counts; returns the
/// rendered errors per file.
fn check_provider(shared: &Path, provider: &str) -> Vec<(String, Vec<String>)> {
    let dir = shared.join("specs").join(provider).join("arazzo");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "yml" || e == "yaml"))
        .collect();
    files.sort();
    let mut results = Vec::new();
    let (mut total_errors, mut total_warnings) = (0, 0);
    for file in files {
        let relative = file.strip_prefix(shared).unwrap().to_path_buf();
        let output = Generator::new(&Settings::default()).generate(shared, &relative);
        let errors: Vec<String> = output
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| d.render_full())
            .collect();
        let warnings = output.diagnostics.len() - errors.len();
        total_errors += errors.len();
        total_warnings += warnings;
        println!(
            "{}: {} errors, {} warnings",
            relative.display(),
            errors.len(),
            warnings
        );
        results.push((relative.display().to_string(), errors));
    }
    println!(
        "{provider}: {total_errors} errors, {total_warnings} warnings in {} files",
        results.len()
    );
    results
}

/// Defects in the catalog documents themselves, confirmed by reading the spec: the only
/// errors allowed, each with the first line it must produce.
const KNOWN_DEFECTS: &[(&str, &str)] = &[(
    // A JSONPath filter appended to a runtime expression: Arazzo 1.0 runtime expressions
    // end at the output name (or a JSON Pointer after `#`), and the quoted
    // `'$inputs.permissionKey'` would be a string literal, never the input's value.
    "specs/kinde/arazzo/kinde-create-role-with-permission-workflow.yml",
    "error[arazzo::invalid-expression]: unexpected `[?(@.key == '$inputs.permissionKey')].id` after runtime expression `$steps.resolvePermissionId.outputs.permissions`",
)];

#[test]
fn kinde_workflows_check_clean() {
    let Some(shared) = shared() else { return };
    let results = check_provider(&shared, "kinde");
    assert_eq!(results.len(), 9);
    for (file, errors) in results {
        let first_lines: Vec<&str> = errors.iter().filter_map(|e| e.lines().next()).collect();
        let expected: Vec<&str> = KNOWN_DEFECTS
            .iter()
            .filter(|(f, _)| *f == file)
            .map(|(_, line)| *line)
            .collect();
        assert_eq!(first_lines, expected, "{file}:\n{}", errors.join("\n"));
    }
}

#[test]
fn auth0_and_stytch_workflows_are_checked() {
    let Some(shared) = shared() else { return };
    for provider in ["auth0", "stytch"] {
        let results = check_provider(&shared, provider);
        assert!(!results.is_empty());
        for (file, errors) in results {
            for error in errors {
                println!("{file}: {}", error.lines().next().unwrap_or_default());
            }
        }
    }
}
