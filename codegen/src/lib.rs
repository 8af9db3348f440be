//! Code generation for [arazzo](https://docs.rs/arazzo): turns an Arazzo 1.0.x document and
//! the OpenAPI descriptions it references into typed async Rust.
//!
//! This crate is the engine behind the `arazzo_workflow!` macro, the `arazzo` command and
//! build scripts. Its API is not covered by semantic versioning beyond [`Generator`],
//! [`Settings`], [`Output`], [`Diagnostic`] and [`Location`]; everything else is internal.
//!
//! The pipeline is `load → model → check → ir → emit`. Only `load` does IO; `check` turns
//! the model into the intermediate representation while reporting every problem it finds;
//! `emit` sees only the IR and cannot fail on user input.
//!
//! ```no_run
//! use arazzo_codegen::{Generator, Settings};
//!
//! let output = Generator::new(&Settings::default())
//!     .generate(std::path::Path::new("."), std::path::Path::new("workflows/kinde.arazzo.yml"));
//! for diagnostic in &output.diagnostics {
//!     eprintln!("{diagnostic}");
//! }
//! if !output.has_errors() {
//!     std::fs::write("generated.rs", output.to_pretty_string()).unwrap();
//! }
//! ```
#![deny(missing_docs)]

mod asyncapi;
mod check;
mod diag;
mod emit;
mod expr;
#[doc(hidden)]
pub mod fuzzing;
mod ir;
mod load;
mod model;
mod naming;
mod openapi;
mod rules;
mod settings;
mod source;
mod swagger;

use std::path::{Path, PathBuf};

use proc_macro2::TokenStream;

pub use diag::{Diagnostic, Location, Severity};
pub use rules::Rule;
pub use settings::{FrontEnd, Settings};

/// Generates Rust code from Arazzo documents.
#[derive(Clone, Debug, Default)]
pub struct Generator {
    settings: Settings,
}

/// What one generation produced.
#[derive(Debug)]
pub struct Output {
    /// The generated items. When there are errors this is a skeleton: the public types and
    /// function signatures with `unimplemented!()` bodies, so that one mistake in the
    /// document does not cascade into "cannot find" errors in the user's code.
    pub tokens: TokenStream,
    /// Every file that was read, absolute and sorted: the Arazzo document and each source
    /// description. Build scripts print `cargo:rerun-if-changed` for each.
    pub files: Vec<PathBuf>,
    /// Every problem found, errors and warnings, in document order.
    pub diagnostics: Vec<Diagnostic>,
}

impl Generator {
    /// A generator with the given settings.
    pub fn new(settings: &Settings) -> Self {
        Generator {
            settings: settings.clone(),
        }
    }

    /// Loads, checks and generates the Arazzo document at `file`.
    ///
    /// A relative `file` is resolved against `base_dir` (the macro passes
    /// `CARGO_MANIFEST_DIR`), and file names in diagnostics are shown relative to it.
    pub fn generate(&self, base_dir: &Path, file: &Path) -> Output {
        let cx = diag::Ctxt::new();
        self.check_settings(&cx, file);
        let loaded = load::load(&cx, base_dir, file, &self.settings);
        let (plan, files) = match &loaded {
            Some(loaded) => (
                check::check(&cx, loaded, &self.settings),
                loaded.files.clone(),
            ),
            None => self.recovered(base_dir, file),
        };
        let mut diagnostics = cx.finish();
        // Allowed warnings are dropped first, so that `strict` does not make them errors.
        let allowed = &self.settings.allowed;
        diagnostics.retain(|d| d.severity == Severity::Error || !allowed.contains(&d.rule));
        if self.settings.strict {
            for d in &mut diagnostics {
                d.severity = Severity::Error;
            }
        }
        let failed = plan.is_none() || diagnostics.iter().any(|d| d.severity == Severity::Error);
        let tokens = match (&plan, failed) {
            (Some(plan), false) => emit::emit(plan, &self.settings),
            (Some(plan), true) => emit::skeleton(plan, &self.settings),
            (None, _) => TokenStream::new(),
        };
        Output {
            tokens,
            files,
            diagnostics,
        }
    }
}

impl Generator {
    /// Settings that generated code could not use: a derive or runtime path that is no
    /// Rust path would otherwise be dropped without a word.
    fn check_settings(&self, cx: &diag::Ctxt, file: &Path) {
        let span = source::file_span(file);
        for derive in &self.settings.derives {
            if syn::parse_str::<syn::Path>(derive).is_err() {
                cx.error(
                    Rule::InvalidSetting,
                    &span,
                    format!("the derive `{derive}` is not a Rust path"),
                )
                .help("give a trait path such as `Eq`, `Hash` or `schemars::JsonSchema`");
            }
        }
        if let Some(service) = &self.settings.restate {
            if syn::parse_str::<syn::Ident>(service).is_err() {
                cx.error(
                    Rule::InvalidSetting,
                    &span,
                    format!("the Restate service name `{service}` is not a Rust identifier"),
                )
                .help("give a name such as `KindeInvite`");
            }
        }
        let runtime = &self.settings.runtime_path;
        if syn::parse_str::<syn::Path>(runtime).is_err() {
            cx.error(
                Rule::InvalidSetting,
                &span,
                format!("the runtime path `{runtime}` is not a Rust path"),
            )
            .help("give the path of the `arazzo` crate, such as `::arazzo` or `::arazzo_runtime`");
        }
    }

    /// After a YAML syntax error: the plan of the document with the bad lines blanked out,
    /// for the skeleton, and the files it read. Its diagnostics are dropped: the one
    /// syntax error is what the user needs to see.
    fn recovered(&self, base_dir: &Path, file: &Path) -> (Option<ir::Plan>, Vec<PathBuf>) {
        let scratch = diag::Ctxt::new();
        let recovered = load::load_recovered(&scratch, base_dir, file, &self.settings);
        let plan = recovered
            .as_ref()
            .and_then(|loaded| check::check(&scratch, loaded, &self.settings));
        let files = recovered.map(|l| l.files).unwrap_or_default();
        scratch.finish();
        (plan, files)
    }
}

/// Why [`Generator::build_script`] wrote nothing.
#[derive(Debug)]
pub enum BuildScriptError {
    /// The document has errors; each is also printed as a `cargo:warning` line.
    Diagnostics(Vec<Diagnostic>),
    /// An environment variable cargo sets for build scripts is missing.
    MissingEnv(&'static str),
    /// The generated file could not be written.
    Write(std::io::Error),
}

impl std::fmt::Display for BuildScriptError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BuildScriptError::Diagnostics(diagnostics) => {
                let errors: Vec<&Diagnostic> = diagnostics
                    .iter()
                    .filter(|d| d.severity == Severity::Error)
                    .collect();
                for d in &errors {
                    writeln!(f, "{}\n", d.render_full())?;
                }
                let s = if errors.len() == 1 { "" } else { "s" };
                write!(
                    f,
                    "error: could not generate code: {} error{s}",
                    errors.len()
                )
            }
            BuildScriptError::MissingEnv(var) => {
                write!(f, "`{var}` is not set; is this running as a build script?")
            }
            BuildScriptError::Write(e) => write!(f, "couldn't write the generated code: {e}"),
        }
    }
}

impl std::error::Error for BuildScriptError {}

impl Generator {
    /// Generates code from a build script: reads `file` (relative to the package's
    /// `CARGO_MANIFEST_DIR`), prints `cargo:rerun-if-changed` for every file read and
    /// `cargo:warning` for every warning, and writes the pretty-printed code to
    /// `$OUT_DIR/<out_name>`, whose path it returns. Include it with
    /// `include!(concat!(env!("OUT_DIR"), "/<out_name>"));`.
    ///
    /// Errors are not printed here: the returned error's `Display` is every error, once,
    /// rustc-style. Print it and exit, so that cargo shows each error once and no panic
    /// message or backtrace:
    ///
    /// ```no_run
    /// // build.rs
    /// fn main() -> std::process::ExitCode {
    ///     let generator = arazzo_codegen::Generator::new(&arazzo_codegen::Settings::default());
    ///     match generator.build_script("arazzo/kinde.arazzo.yml", "kinde.rs") {
    ///         Ok(_) => std::process::ExitCode::SUCCESS,
    ///         Err(e) => {
    ///             eprintln!("{e}");
    ///             std::process::ExitCode::FAILURE
    ///         }
    ///     }
    /// }
    /// ```
    pub fn build_script(
        &self,
        file: impl AsRef<Path>,
        out_name: &str,
    ) -> Result<PathBuf, BuildScriptError> {
        let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR")
            .ok_or(BuildScriptError::MissingEnv("CARGO_MANIFEST_DIR"))?;
        let out_dir = std::env::var_os("OUT_DIR").ok_or(BuildScriptError::MissingEnv("OUT_DIR"))?;
        let mut stdout = std::io::stdout().lock();
        self.build_script_in(
            &mut stdout,
            Path::new(&manifest_dir),
            Path::new(&out_dir),
            file.as_ref(),
            out_name,
        )
    }

    /// [`Generator::build_script`] with its directories given and its cargo instructions
    /// written to `instructions`.
    fn build_script_in(
        &self,
        instructions: &mut impl std::io::Write,
        manifest_dir: &Path,
        out_dir: &Path,
        file: &Path,
        out_name: &str,
    ) -> Result<PathBuf, BuildScriptError> {
        // Hints name `Settings::with_source`, not the macro's syntax.
        let mut settings = self.settings.clone();
        if settings.front_end == FrontEnd::Macro {
            settings.with_front_end(FrontEnd::Library);
        }
        let output = Generator::new(&settings).generate(manifest_dir, file);
        let mut lines = String::new();
        for path in &output.files {
            lines.push_str(&format!("cargo:rerun-if-changed={}\n", path.display()));
        }
        // Errors go into the returned error only: cargo would show a `cargo:warning` for
        // each, then the script's whole output again when it fails.
        for diagnostic in output
            .diagnostics
            .iter()
            .filter(|d| d.severity != Severity::Error)
        {
            // Cargo shows one line per `cargo:warning`.
            for line in diagnostic.render_full().lines() {
                lines.push_str(&format!("cargo:warning={line}\n"));
            }
        }
        instructions
            .write_all(lines.as_bytes())
            .map_err(BuildScriptError::Write)?;
        if output.has_errors() {
            return Err(BuildScriptError::Diagnostics(output.diagnostics));
        }
        let path = out_dir.join(out_name);
        std::fs::write(&path, output.to_pretty_string()).map_err(BuildScriptError::Write)?;
        Ok(path)
    }
}

impl Output {
    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }

    /// The generated code, pretty-printed with `prettyplease`, with a header comment.
    pub fn to_pretty_string(&self) -> String {
        emit::pretty(&self.tokens)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn settings_that_are_no_rust_paths_are_errors() {
        let dir = std::env::temp_dir().join(format!("arazzo-settings-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut settings = Settings::default();
        settings
            .with_derive("Eq")
            .with_derive("Hash Eq")
            .with_runtime_path("arazzo rt");
        let output = Generator::new(&settings).generate(&dir, Path::new("missing.arazzo.yml"));
        let messages: Vec<String> = output
            .diagnostics
            .iter()
            .map(|d| d.message.clone())
            .collect();
        assert_eq!(
            messages[..2],
            [
                "the derive `Hash Eq` is not a Rust path".to_owned(),
                "the runtime path `arazzo rt` is not a Rust path".to_owned(),
            ]
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    use super::*;

    /// A failing build script reports each error once: in the returned error, not also as
    /// a `cargo:warning` (cargo prints those, then the script's whole output again).
    #[test]
    fn build_scripts_report_each_error_once() {
        let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/diagnostics");
        let out = std::env::temp_dir();
        let file = Path::new("expressions.arazzo.yml");
        let generator = Generator::new(&Settings::default());
        let mut instructions = Vec::new();
        let error = generator
            .build_script_in(&mut instructions, &base, &out, file, "never.rs")
            .unwrap_err();
        let instructions = String::from_utf8(instructions).unwrap();
        let all = generator.generate(&base, file).diagnostics;
        let (errors, warnings): (Vec<_>, Vec<_>) =
            all.iter().partition(|d| d.severity == Severity::Error);
        assert!(!errors.is_empty() && !warnings.is_empty());
        let text = error.to_string();
        for d in &errors {
            assert_eq!(text.matches(&d.render_full()).count(), 1, "{d}");
            assert!(!instructions.contains(&d.message), "{d}");
        }
        assert!(text.ends_with(&format!(
            "error: could not generate code: {} errors",
            errors.len()
        )));
        for d in &warnings {
            let first = d.render_full().lines().next().unwrap().to_owned();
            assert!(
                instructions.contains(&format!("cargo:warning={first}\n")),
                "{d}"
            );
        }
        assert!(instructions.starts_with("cargo:rerun-if-changed="));
    }
}
