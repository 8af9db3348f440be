//! Build cost: expanding a workflow (load, check, generate, pretty-print) next to just
//! parsing the same YAML files, and `cargo build` of a small crate that uses the macro.

use std::fs;
use std::io;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

use arazzo_codegen::{Generator, Settings, Severity};

/// The verbatim seed, relative to the workspace root.
const SEED: &str = "../shared/specs/kinde/arazzo/kinde-invite-user-to-organization-workflow.yml";
/// Kinde's official Management API description, relative to the workspace root.
const OFFICIAL: &str = "../shared/specs/kinde/official/kinde-mgmt-api-specs.yaml";
/// Our workflow and description, relative to the workspace root.
const OURS: &str = "examples/arazzo/kinde-invite.arazzo.yml";
const OUR_DESCRIPTION: &str = "examples/arazzo/kinde-management.openapi.yml";
/// Our Clerk workflows, relative to the workspace root.
const CLERK: &str = "examples/arazzo/clerk-invitations.arazzo.yml";
/// Clerk's Backend API description (738 KiB), relative to the workspace root.
const CLERK_SPEC: &str = "../shared/specs/clerk/openapi-specs/bapi/2025-04-10.yml";

/// How long one `cargo build` may take before it is stopped.
const CARGO_TIME_LIMIT: Duration = Duration::from_secs(600);

/// One document to expand.
pub struct Case {
    pub name: &'static str,
    pub file: &'static str,
    pub sources: Vec<(&'static str, &'static str)>,
}

/// The documents to expand, and a note for each one skipped.
pub fn cases(root: &Path) -> (Vec<Case>, Vec<String>) {
    let mut cases = vec![Case {
        name: "our Kinde workflow + our description",
        file: OURS,
        sources: Vec::new(),
    }];
    let mut notes = Vec::new();
    if root.join(SEED).exists() && root.join(OFFICIAL).exists() {
        cases.push(Case {
            name: "verbatim seed + official Kinde spec",
            file: SEED,
            sources: vec![("kindeManagementApi", OFFICIAL)],
        });
        cases.push(Case {
            name: "verbatim seed + its own (catalog) spec",
            file: SEED,
            sources: Vec::new(),
        });
    } else {
        notes.push(format!(
            "note: `{SEED}` or `{OFFICIAL}` is absent; the seed expansions were skipped"
        ));
    }
    if root.join(CLERK_SPEC).exists() {
        cases.push(Case {
            name: "our Clerk workflows + Clerk's spec",
            file: CLERK,
            sources: vec![("clerkBackendApi", CLERK_SPEC)],
        });
    } else {
        notes.push(format!(
            "note: `{CLERK_SPEC}` is absent; the Clerk expansion was skipped"
        ));
    }
    (cases, notes)
}

/// The expansion of one document.
#[derive(Debug, Clone)]
pub struct Expansion {
    pub name: &'static str,
    /// The files read, relative to the workspace root where possible.
    pub files: Vec<String>,
    pub bytes: u64,
    /// How many fresh processes expanded the document.
    pub iterations: usize,
    /// Medians over the processes: the first expansion in a process (as in a fresh rustc).
    pub generate: Duration,
    pub pretty: Duration,
    pub expand: Duration,
    /// The median of a second expansion in the same process, which may reuse what the
    /// first one parsed.
    pub expand_again: Duration,
    pub parse: Duration,
    pub generated_lines: usize,
    pub errors: Vec<String>,
}

impl Expansion {
    pub fn ratio(&self) -> f64 {
        self.expand.as_secs_f64() / self.parse.as_secs_f64()
    }
}

/// The argument that makes this binary expand one document once and report.
pub const EXPAND_ONCE: &str = "__expand-once";

/// How long one `__expand-once` process may take.
const EXPAND_TIME_LIMIT: Duration = Duration::from_secs(60);

/// Expands `case` in fresh processes (at least 5, for about 4 s at most), each timing:
/// parsing the files the expansion reads (after one untimed parse, so the allocator has
/// grown to the size parsing needs), then the first expansion (generate, pretty-print),
/// then a second one.
pub fn expand(root: &Path, index: usize, case: &Case) -> io::Result<Expansion> {
    let output = generator(case).generate(root, Path::new(case.file));
    let errors: Vec<String> = output
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| d.to_string())
        .collect();
    let generated_lines = output.to_pretty_string().lines().count();
    let mut bytes = 0;
    for path in &output.files {
        bytes += fs::metadata(path)?.len();
    }

    let index = index.to_string();
    let mut args = vec![EXPAND_ONCE, index.as_str()];
    let files: Vec<String> = output
        .files
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    args.extend(files.iter().map(String::as_str));
    let (mut generate, mut pretty, mut expand, mut again, mut parse) =
        (vec![], vec![], vec![], vec![], vec![]);
    let started = Instant::now();
    while expand.len() < 5 || (started.elapsed() < Duration::from_secs(4) && expand.len() < 30) {
        let text = super::run_child(&args, EXPAND_TIME_LIMIT)?;
        let fields = super::fields(&text, "expanded ")
            .ok_or_else(|| io::Error::other(format!("no result from the child: {text:?}")))?;
        let ns = |key: &str| {
            Duration::from_nanos(fields.get(key).and_then(|v| v.parse().ok()).unwrap_or(0))
        };
        generate.push(ns("generate_ns"));
        pretty.push(ns("pretty_ns"));
        expand.push(ns("generate_ns") + ns("pretty_ns"));
        again.push(ns("again_ns"));
        parse.push(ns("parse_ns"));
    }
    let root = fs::canonicalize(root)?;
    Ok(Expansion {
        name: case.name,
        files: output.files.iter().map(|p| relative(&root, p)).collect(),
        bytes,
        iterations: expand.len(),
        generate: median(generate),
        pretty: median(pretty),
        expand: median(expand),
        expand_again: median(again),
        parse: median(parse),
        generated_lines,
        errors,
    })
}

fn generator(case: &Case) -> Generator {
    let mut settings = Settings::default();
    for (name, path) in &case.sources {
        settings.with_source(*name, *path);
    }
    Generator::new(&settings)
}

/// Reads and parses `files` with `serde_yaml` into `serde_json::Value`.
fn parse(files: &[String]) -> io::Result<()> {
    for path in files {
        let text = fs::read_to_string(path)?;
        let value: serde_json::Value = serde_yaml::from_str(&text).map_err(io::Error::other)?;
        std::hint::black_box(value);
    }
    Ok(())
}

/// The child's `main`: `__expand-once <case> <file>...`.
pub fn expand_once_main(args: &[String]) -> io::Result<()> {
    let [index, files @ ..] = args else {
        return Err(io::Error::other("usage: __expand-once <case> <file>..."));
    };
    let index: usize = index.parse().map_err(io::Error::other)?;
    let root = super::workspace_root();
    let (cases, _) = cases(&root);
    let case = cases
        .get(index)
        .ok_or_else(|| io::Error::other(format!("no case {index}")))?;
    let generator = generator(case);
    let file = Path::new(case.file);

    parse(files)?;
    let t0 = Instant::now();
    parse(files)?;
    let parse_ns = t0.elapsed().as_nanos();

    let t0 = Instant::now();
    let output = generator.generate(&root, file);
    let t1 = Instant::now();
    let text = output.to_pretty_string();
    let t2 = Instant::now();
    std::hint::black_box(text);
    drop(output);

    let t3 = Instant::now();
    let output = generator.generate(&root, file);
    std::hint::black_box(output.to_pretty_string());
    let again_ns = t3.elapsed().as_nanos();

    println!(
        "expanded parse_ns={parse_ns} generate_ns={} pretty_ns={} again_ns={again_ns}",
        (t1 - t0).as_nanos(),
        (t2 - t1).as_nanos(),
    );
    Ok(())
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort_unstable();
    samples[samples.len() / 2]
}

/// `path` relative to `root` (going up with `..` if needed), for display.
fn relative(root: &Path, path: &Path) -> String {
    let path = fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    if let Ok(inside) = path.strip_prefix(root) {
        return inside.display().to_string();
    }
    if let Some(parent) = root.parent() {
        if let Ok(beside) = path.strip_prefix(parent) {
            return Path::new("..").join(beside).display().to_string();
        }
    }
    path.display().to_string()
}

/// Wall times of `cargo build` of a small crate that uses the macro.
#[derive(Debug, Clone)]
pub struct CargoBuild {
    /// In a fresh target directory: every dependency is compiled.
    pub cold: Duration,
    /// After touching the workflow file: the macro runs again and the crate is rebuilt.
    pub touched: Duration,
}

/// The crate: the Kinde example workflow, used the way the README shows.
const PROBE_MAIN: &str = r#"//! A small crate using the macro, built by the arazzo benchmarks.

arazzo::arazzo_workflow!("arazzo/kinde-invite.arazzo.yml");

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let base_url = std::env::args().nth(1).unwrap_or_else(|| "http://127.0.0.1:9".into());
    let client = arazzo::Client::builder()
        .base_url("kindeManagementApi", base_url)
        .bearer_token("test-token")
        .build()?;
    let out = invite_user_to_organization(
        &client,
        InviteUserToOrganizationInputs {
            org_code: "org_acme".to_owned(),
            email: "ada@example.com".to_owned(),
            first_name: Some("Ada".to_owned()),
            last_name: None,
            role_keys: vec!["admin".to_owned()],
        },
    )
    .await?;
    println!("{}", out.invite_link);
    Ok(())
}
"#;

/// Builds the crate in a temporary directory with its own target directory, offline (the
/// dependencies are in cargo's cache): once cold, once after touching the workflow file.
pub fn cargo_build(root: &Path) -> io::Result<CargoBuild> {
    let dir = std::env::temp_dir().join(format!("arazzo-bench-build-{}", std::process::id()));
    if dir.exists() {
        fs::remove_dir_all(&dir)?;
    }
    let result = build_in(root, &dir);
    let _ = fs::remove_dir_all(&dir);
    result
}

fn build_in(root: &Path, dir: &Path) -> io::Result<CargoBuild> {
    fs::create_dir_all(dir.join("src"))?;
    fs::create_dir_all(dir.join("arazzo"))?;
    let workflow = dir.join("arazzo/kinde-invite.arazzo.yml");
    fs::copy(root.join(OURS), &workflow)?;
    fs::copy(
        root.join(OUR_DESCRIPTION),
        dir.join("arazzo/kinde-management.openapi.yml"),
    )?;
    // The workspace's lock file pins the same versions, all in cargo's cache.
    fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock"))?;
    let root = fs::canonicalize(root)?;
    let arazzo = root
        .display()
        .to_string()
        .replace('\\', "\\\\")
        .replace('"', "\\\"");
    fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"arazzo-build-probe\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
             [workspace]\n\n[dependencies]\narazzo = {{ path = \"{arazzo}\" }}\n\
             tokio = {{ version = \"1\", features = [\"macros\", \"rt\"] }}\n"
        ),
    )?;
    fs::write(dir.join("src/main.rs"), PROBE_MAIN)?;

    let cold = cargo(dir)?;
    fs::File::options()
        .write(true)
        .open(&workflow)?
        .set_modified(SystemTime::now())?;
    let touched = cargo(dir)?;
    Ok(CargoBuild { cold, touched })
}

/// The wall time of `cargo build --offline` in `dir`.
fn cargo(dir: &Path) -> io::Result<Duration> {
    let program = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let started = Instant::now();
    let mut child = Command::new(program)
        .args(["build", "--offline", "--quiet"])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", dir.join("target"))
        .env("CARGO_NET_OFFLINE", "true")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()?;
    let mut stderr = child.stderr.take();
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        if let Some(stderr) = stderr.as_mut() {
            let _ = io::Read::read_to_string(stderr, &mut text);
        }
        text
    });
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if started.elapsed() > CARGO_TIME_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            return Err(io::Error::other(format!(
                "`cargo build` did not finish within {CARGO_TIME_LIMIT:?}"
            )));
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    let elapsed = started.elapsed();
    let stderr = reader.join().unwrap_or_default();
    if !status.success() {
        return Err(io::Error::other(format!(
            "`cargo build` failed ({status}):\n{stderr}"
        )));
    }
    Ok(elapsed)
}
