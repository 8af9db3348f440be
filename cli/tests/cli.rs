//! Runs the real `arazzo` binary from the workspace root, as a user would.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use arazzo_codegen::{Generator, Settings};
use serde_json::{json, Value};

const WORKSPACE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
const KINDE: &str = "examples/arazzo/kinde-invite.arazzo.yml";
const KINDE_OPENAPI: &str = "examples/arazzo/kinde-management.openapi.yml";
const TYPOS: &str = "tests/ui/fixtures/typos.arazzo.yml";
/// A copy of the Kinde workflow whose source description has a remote url.
const REMOTE: &str = "cli/tests/fixtures/kinde-remote.arazzo.yml";

fn arazzo(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_arazzo"))
        .args(args)
        .current_dir(WORKSPACE)
        .env_remove("NO_COLOR")
        .output()
        .expect("the arazzo binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("stdout is UTF-8")
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("stderr is UTF-8")
}

#[track_caller]
fn assert_exit(output: &Output, code: i32) {
    assert_eq!(
        output.status.code(),
        Some(code),
        "stdout:\n{}\nstderr:\n{}",
        stdout(output),
        stderr(output)
    );
}

/// The diagnostics of `check --format json`, after checking stdout is one JSON array.
#[track_caller]
fn json_diagnostics(output: &Output) -> Vec<Value> {
    let value: Value = serde_json::from_slice(&output.stdout).expect("stdout is one JSON value");
    match value {
        Value::Array(items) => items,
        other => panic!("expected a JSON array, found {other}"),
    }
}

/// What the library generates for `file` with `settings`, from the workspace root.
fn library_output(settings: &Settings, file: &str) -> String {
    let output = Generator::new(settings).generate(Path::new(WORKSPACE), Path::new(file));
    assert!(!output.has_errors(), "{:#?}", output.diagnostics);
    output.to_pretty_string()
}

/// A fresh path for an output file.
fn temp_path(name: &str) -> PathBuf {
    let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_file(&path);
    path
}

#[test]
fn check_kinde_example_has_no_errors() {
    let output = arazzo(&["check", KINDE]);
    assert_exit(&output, 0);
    let stderr = stderr(&output);
    assert!(
        !stderr.lines().any(|line| line.starts_with("error")),
        "{stderr}"
    );
    let summary = format!("{KINDE}: ");
    let line = stderr
        .lines()
        .find(|line| line.starts_with(&summary))
        .unwrap_or_else(|| panic!("no summary line for {KINDE} in:\n{stderr}"));
    assert!(
        line == format!("{KINDE}: ok") || line.starts_with(&format!("{KINDE}: 0 errors, ")),
        "{line}"
    );
    assert!(output.stdout.is_empty());
}

#[test]
fn check_typos_reports_every_error_like_rustc() {
    let output = arazzo(&["check", TYPOS]);
    assert_exit(&output, 1);
    assert!(output.stdout.is_empty());
    let expected = "\
error[arazzo::unknown-operation]: unknown operationId `GetRolez`
   --> tests/ui/fixtures/typos.arazzo.yml:18:22
   |
18 |         operationId: GetRolez
   |                      ^^^^^^^^
   |
   = at: workflows[0].steps[0].operationId
   = help: did you mean `GetRoles`?

error[arazzo::unknown-parameter]: operation `createOrganizationInvite` has no path parameter `org_cod`
   --> tests/ui/fixtures/typos.arazzo.yml:24:19
   |
24 |           - name: org_cod
   |                   ^^^^^^^
   |
   = at: workflows[0].steps[1].parameters[0].name
   = help: did you mean `org_code`?

error[arazzo::missing-parameter]: missing required path parameter `org_code` of operation `createOrganizationInvite`
   --> tests/ui/fixtures/typos.arazzo.yml:21:9
   |
21 |       - stepId: createInvite
   |         ^
   |
   = at: workflows[0].steps[1]
   = help: add `- name: org_code` with `in: path` and a `value` to the step's parameters

error[arazzo::unknown-output]: step `createInvite` has no output `cod`
   --> tests/ui/fixtures/typos.arazzo.yml:32:13
   |
32 |       code: $steps.createInvite.outputs.cod
   |             ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
   |
   = at: workflows[0].outputs.code
   = help: did you mean `code`?

tests/ui/fixtures/typos.arazzo.yml: 4 errors, 0 warnings
checked 1 file: 4 errors, 0 warnings
";
    assert_eq!(stderr(&output), expected);
}

#[test]
fn check_typos_as_json() {
    let output = arazzo(&["check", TYPOS, "--format", "json"]);
    assert_exit(&output, 1);
    assert!(output.stderr.is_empty(), "{}", stderr(&output));
    let expected = json!([
        {
            "severity": "error",
            "code": "arazzo::unknown-operation",
            "message": "unknown operationId `GetRolez`",
            "file": "tests/ui/fixtures/typos.arazzo.yml",
            "line": 18,
            "column": 22,
            "path": "workflows[0].steps[0].operationId",
            "notes": ["help: did you mean `GetRoles`?"],
        },
        {
            "severity": "error",
            "code": "arazzo::unknown-parameter",
            "message": "operation `createOrganizationInvite` has no path parameter `org_cod`",
            "file": "tests/ui/fixtures/typos.arazzo.yml",
            "line": 24,
            "column": 19,
            "path": "workflows[0].steps[1].parameters[0].name",
            "notes": ["help: did you mean `org_code`?"],
        },
        {
            "severity": "error",
            "code": "arazzo::missing-parameter",
            "message": "missing required path parameter `org_code` of operation `createOrganizationInvite`",
            "file": "tests/ui/fixtures/typos.arazzo.yml",
            "line": 21,
            "column": 9,
            "path": "workflows[0].steps[1]",
            "notes": [
                "help: add `- name: org_code` with `in: path` and a `value` to the step's parameters"
            ],
        },
        {
            "severity": "error",
            "code": "arazzo::unknown-output",
            "message": "step `createInvite` has no output `cod`",
            "file": "tests/ui/fixtures/typos.arazzo.yml",
            "line": 32,
            "column": 13,
            "path": "workflows[0].outputs.code",
            "notes": ["help: did you mean `code`?"],
        },
    ]);
    assert_eq!(Value::Array(json_diagnostics(&output)), expected);
}

#[test]
fn check_several_files_sums_up() {
    let output = arazzo(&["check", KINDE, TYPOS]);
    assert_exit(&output, 1);
    let stderr = stderr(&output);
    assert!(
        stderr
            .lines()
            .any(|line| line.starts_with("checked 2 files: 4 errors, ")),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("\n{TYPOS}: 4 errors, 0 warnings\n")),
        "{stderr}"
    );
}

#[test]
fn check_absolute_path_is_shown_relative() {
    let absolute = Path::new(WORKSPACE)
        .canonicalize()
        .expect("workspace exists")
        .join(TYPOS);
    let absolute = absolute.to_str().expect("UTF-8 path");
    let output = arazzo(&["check", absolute, "--format", "json"]);
    assert_exit(&output, 1);
    let diagnostics = json_diagnostics(&output);
    assert_eq!(diagnostics.len(), 4);
    assert!(
        diagnostics.iter().all(|d| d["file"] == TYPOS),
        "{diagnostics:#?}"
    );
}

#[test]
fn check_missing_file() {
    let missing = "tests/ui/fixtures/missing.arazzo.yml";
    let output = arazzo(&["check", missing]);
    assert_exit(&output, 1);
    let stderr = stderr(&output);
    assert!(
        stderr.starts_with(&format!(
            "error[arazzo::unreadable-file]: couldn't read `{missing}`: "
        )),
        "{stderr}"
    );
    assert!(
        stderr.ends_with(&format!(
            "{missing}: 1 error, 0 warnings\nchecked 1 file: 1 error, 0 warnings\n"
        )),
        "{stderr}"
    );

    let output = arazzo(&["check", missing, "--format", "json"]);
    assert_exit(&output, 1);
    let diagnostics = json_diagnostics(&output);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    let d = &diagnostics[0];
    assert_eq!(d["severity"], "error");
    assert_eq!(d["file"], missing);
    assert_eq!(d["line"], Value::Null);
    assert_eq!(d["column"], Value::Null);
    assert!(
        d["message"]
            .as_str()
            .is_some_and(|m| m.starts_with(&format!("couldn't read `{missing}`: "))),
        "{d}"
    );
}

#[test]
fn usage_errors_exit_with_2() {
    for args in [
        &["check"][..],
        &["check", TYPOS, "--source", "kindeManagementApi"],
        &["check", TYPOS, "--source", "=x.yml"],
        &["check", TYPOS, "--format", "xml"],
        &["check", TYPOS, "--color", "sometimes"],
        &["generate"],
        &["generate", KINDE, TYPOS],
        &["frobnicate"],
    ] {
        let output = arazzo(args);
        assert_exit(&output, 2);
        assert!(output.stdout.is_empty(), "{args:?}");
        assert!(stderr(&output).starts_with("error: "), "{args:?}");
    }
}

#[test]
fn strict_turns_warnings_into_errors() {
    let lenient = json_diagnostics(&arazzo(&["check", KINDE, "--format", "json"]));
    let output = arazzo(&["check", KINDE, "--format", "json", "--strict"]);
    let strict = json_diagnostics(&output);
    assert_eq!(strict.len(), lenient.len());
    assert!(strict.iter().all(|d| d["severity"] == "error"));
    assert_exit(&output, if lenient.is_empty() { 0 } else { 1 });
}

/// `--allow` drops the warnings of a rule, before `--strict` could make them errors; an
/// unknown code is a usage error.
#[test]
fn allow_drops_the_warnings_of_a_rule() {
    let lenient = json_diagnostics(&arazzo(&["check", KINDE, "--format", "json"]));
    assert_eq!(
        lenient
            .iter()
            .map(|d| d["code"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["arazzo::nonstandard-form"]
    );
    let args = [
        "check",
        KINDE,
        "--format",
        "json",
        "--strict",
        "--allow",
        "nonstandard-form",
    ];
    let output = arazzo(&args);
    assert_exit(&output, 0);
    assert!(json_diagnostics(&output).is_empty());
    let output = arazzo(&["check", KINDE, "--allow", "nonstandard-forms"]);
    assert_exit(&output, 2);
    assert!(
        stderr(&output).contains("unknown rule `nonstandard-forms`"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn color_only_when_asked() {
    let plain = arazzo(&["check", TYPOS]);
    assert!(!stderr(&plain).contains('\u{1b}'));
    let colored = arazzo(&["check", TYPOS, "--color", "always"]);
    assert!(stderr(&colored).contains("\u{1b}["));
    let no_color = Command::new(env!("CARGO_BIN_EXE_arazzo"))
        .args(["check", TYPOS, "--color", "auto"])
        .current_dir(WORKSPACE)
        .env("NO_COLOR", "1")
        .output()
        .expect("the arazzo binary runs");
    assert!(!stderr(&no_color).contains('\u{1b}'));
}

#[test]
fn generate_matches_the_library_byte_for_byte() {
    let expected = library_output(&Settings::default(), KINDE);

    let output = arazzo(&["generate", KINDE]);
    assert_exit(&output, 0);
    assert!(output.stdout == expected.as_bytes(), "stdout differs");

    let path = temp_path("kinde-invite.rs");
    let output = arazzo(&["generate", KINDE, "-o", path.to_str().expect("UTF-8 path")]);
    assert_exit(&output, 0);
    assert!(output.stdout.is_empty());
    let written = std::fs::read(&path).expect("the output file was written");
    assert!(written == expected.as_bytes(), "-o differs");
}

#[test]
fn generate_is_deterministic() {
    let first = arazzo(&["generate", KINDE]);
    let second = arazzo(&["generate", KINDE]);
    assert_exit(&first, 0);
    assert_exit(&second, 0);
    assert!(!first.stdout.is_empty());
    assert!(first.stdout == second.stdout, "two runs differ");
}

#[test]
fn generate_crate_path() {
    let mut settings = Settings::default();
    settings.with_runtime_path("::arazzo_runtime");
    let expected = library_output(&settings, KINDE);
    let output = arazzo(&["generate", KINDE, "--crate", "::arazzo_runtime"]);
    assert_exit(&output, 0);
    assert!(output.stdout == expected.as_bytes(), "stdout differs");
    assert!(expected.contains("::arazzo_runtime::"));
}

#[test]
fn generate_with_derives() {
    let mut settings = Settings::default();
    settings.with_derive("Eq").with_derive("::std::hash::Hash");
    let expected = library_output(&settings, KINDE);
    let output = arazzo(&[
        "generate",
        KINDE,
        "--derive",
        "Eq",
        "--derive",
        "::std::hash::Hash",
    ]);
    assert_exit(&output, 0);
    assert!(output.stdout == expected.as_bytes(), "stdout differs");
    assert!(expected.contains("::std::hash::Hash"), "{expected}");
    let output = arazzo(&["generate", KINDE, "--derive", "Hash!"]);
    assert_exit(&output, 2);
    assert!(
        stderr(&output).contains("expected a path to a derive macro, such as `Hash` or `schemars::JsonSchema`, found `Hash!`"),
        "{}",
        stderr(&output)
    );
}

/// `--restate NAME` adds the Restate service, as `Settings::with_restate`; a name that is
/// no identifier is an error.
#[test]
fn generate_with_a_restate_service() {
    let mut settings = Settings::default();
    settings.with_restate("KindeInvite");
    let expected = library_output(&settings, KINDE);
    let output = arazzo(&["generate", KINDE, "--restate", "KindeInvite"]);
    assert_exit(&output, 0);
    assert!(output.stdout == expected.as_bytes(), "stdout differs");
    assert!(expected.contains("pub struct KindeInvite"), "{expected}");
    let output = arazzo(&["generate", KINDE, "--restate", "Kinde Invite"]);
    assert_exit(&output, 1);
    assert!(
        stderr(&output)
            .contains("the Restate service name `Kinde Invite` is not a Rust identifier"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn generate_with_errors_writes_nothing() {
    let path = temp_path("typos.rs");
    let output = arazzo(&["generate", TYPOS, "-o", path.to_str().expect("UTF-8 path")]);
    assert_exit(&output, 1);
    assert!(output.stdout.is_empty());
    let stderr = stderr(&output);
    assert!(
        stderr.contains("error[arazzo::unknown-operation]: unknown operationId `GetRolez`\n   --> tests/ui/fixtures/typos.arazzo.yml:18:22\n"),
        "{stderr}"
    );
    assert!(
        stderr.ends_with(&format!("{TYPOS}: 4 errors, 0 warnings\n")),
        "{stderr}"
    );
    assert!(!path.exists());

    let output = arazzo(&["generate", TYPOS]);
    assert_exit(&output, 1);
    assert!(output.stdout.is_empty());
}

#[test]
fn generate_to_an_unwritable_path() {
    let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join("no-such-dir/kinde.rs");
    let path = path.to_str().expect("UTF-8 path");
    let output = arazzo(&["generate", KINDE, "-o", path]);
    assert_exit(&output, 1);
    assert!(output.stdout.is_empty());
    let stderr = stderr(&output);
    assert!(
        stderr.contains(&format!("error: couldn't write `{path}`: ")),
        "{stderr}"
    );
}

#[test]
fn remote_source_needs_a_mapping() {
    let output = arazzo(&["check", REMOTE, "--format", "json"]);
    assert_exit(&output, 1);
    let diagnostics = json_diagnostics(&output);
    let remote = diagnostics
        .iter()
        .find(|d| d["path"] == "sourceDescriptions[0].url")
        .unwrap_or_else(|| panic!("no remote-url error in {diagnostics:#?}"));
    assert_eq!(remote["severity"], "error");
    assert_eq!(remote["file"], REMOTE);
    assert_eq!(remote["line"], 15);
    assert_eq!(remote["column"], 10);
    assert!(
        remote["message"].as_str().is_some_and(|m| m.starts_with(
            "source description `kindeManagementApi` has a remote url `https://example.com/kinde.yml`"
        )),
        "{remote}"
    );

    let mapping = format!("kindeManagementApi={KINDE_OPENAPI}");
    let output = arazzo(&["check", REMOTE, "--source", &mapping, "--format", "json"]);
    assert_exit(&output, 0);
    let diagnostics = json_diagnostics(&output);
    assert!(
        diagnostics.iter().all(|d| d["severity"] == "warning"),
        "{diagnostics:#?}"
    );

    let mut settings = Settings::default();
    settings.with_source("kindeManagementApi", KINDE_OPENAPI);
    let expected = library_output(&settings, REMOTE);
    let output = arazzo(&["generate", REMOTE, "--source", &mapping]);
    assert_exit(&output, 0);
    assert!(output.stdout == expected.as_bytes(), "stdout differs");
}
