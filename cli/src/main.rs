//! The `arazzo` command: checks Arazzo 1.0.x workflow documents and generates typed async
//! Rust from them, outside a build.
//!
//! ```text
//! arazzo check workflows/kinde.arazzo.yml --source kindeManagementApi=openapi/kinde.yml
//! arazzo check workflows/*.arazzo.yml --format json
//! arazzo generate workflows/kinde.arazzo.yml -o src/kinde.rs --crate ::arazzo_runtime
//! ```
//!
//! Paths are relative to the current directory, and diagnostics name files relative to it.
//! `check` prints every problem like rustc does (or one JSON array with `--format json`) and
//! exits with 1 if there is an error (with `--strict`, a warning counts as one); `generate`
//! writes the pretty-printed code only when there is no error. Usage errors exit with 2.
#![deny(missing_docs)]

mod render;

use std::io::{self, Write as _};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use arazzo_codegen::{FrontEnd, Generator, Output, Rule, Settings};
use clap::{Args, Parser, Subcommand};

use crate::render::{Color, Format, Report};

/// Check Arazzo workflow documents and generate typed async Rust from them.
#[derive(Debug, Parser)]
#[command(name = "arazzo", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Report every problem in Arazzo documents and the OpenAPI descriptions they use.
    Check {
        /// Arazzo documents to check, relative to the current directory.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        #[command(flatten)]
        options: Options,
        /// How to print diagnostics: rustc-style text on stderr, or one JSON array on stdout.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Generate Rust code for the workflows of an Arazzo document.
    Generate {
        /// The Arazzo document, relative to the current directory.
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// Write the code to this file instead of stdout.
        #[arg(short, long, value_name = "OUT.rs")]
        output: Option<PathBuf>,
        /// The path generated code uses to reach the runtime.
        #[arg(long = "crate", value_name = "PATH", default_value = "::arazzo")]
        runtime_path: String,
        /// An extra derive for the generated inputs, outputs and body types, such as `Hash`
        /// or `schemars::JsonSchema` (repeatable), as the macro's `derive = [..]` option.
        #[arg(long = "derive", value_name = "PATH", value_parser = parse_derive)]
        derives: Vec<String>,
        /// Also emit the workflows as a Restate service of this name (durable runs), as the
        /// macro's `restate = "NAME"` option.
        #[arg(long = "restate", value_name = "NAME")]
        restate: Option<String>,
        #[command(flatten)]
        options: Options,
    },
}

/// Options shared by every command.
#[derive(Debug, Args)]
struct Options {
    /// Read the source description NAME from a local file instead of its `url`.
    #[arg(long = "source", value_name = "NAME=PATH", value_parser = parse_source)]
    sources: Vec<(String, PathBuf)>,
    /// Treat warnings as errors.
    #[arg(long)]
    strict: bool,
    /// Drop the warnings of a rule, by its code (`unknown-field` or
    /// `arazzo::unknown-field`; repeatable), as the macro's `allow = [..]` option.
    #[arg(long = "allow", value_name = "CODE", value_parser = parse_rule)]
    allowed: Vec<Rule>,
    /// When to colour diagnostics (`auto`: only on a terminal, and never if NO_COLOR is set).
    #[arg(long, value_enum, default_value_t = Color::Auto, value_name = "WHEN")]
    color: Color,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let base = match std::env::current_dir() {
        Ok(dir) => dir,
        Err(err) => return fail(&format!("couldn't read the current directory: {err}")),
    };
    match cli.command {
        Command::Check {
            files,
            options,
            format,
        } => {
            let generator = Generator::new(&settings(&options));
            let mut report = Report::new(&base, format, options.color);
            for file in &files {
                let file = relative_to(&base, file);
                report.add(&file, &generator.generate(&base, &file).diagnostics);
            }
            report.finish()
        }
        Command::Generate {
            file,
            output,
            runtime_path,
            derives,
            restate,
            options,
        } => {
            let mut settings = settings(&options);
            if let Some(service) = restate {
                settings.with_restate(service);
            }
            settings.with_runtime_path(runtime_path);
            for derive in derives {
                settings.with_derive(derive);
            }
            let file = relative_to(&base, &file);
            let generated = Generator::new(&settings).generate(&base, &file);
            generate(&base, &file, &generated, output.as_deref(), options.color)
        }
    }
}

/// Writes the code of a generation without errors to `output` (or stdout).
fn generate(
    base: &Path,
    file: &Path,
    generated: &Output,
    output: Option<&Path>,
    color: Color,
) -> ExitCode {
    if !generated.diagnostics.is_empty() {
        let mut report = Report::new(base, Format::Human, color);
        report.add(file, &generated.diagnostics);
        if generated.has_errors() {
            return ExitCode::FAILURE;
        }
    }
    let code = generated.to_pretty_string();
    let written = match output {
        Some(path) => std::fs::write(path, &code)
            .map_err(|err| format!("couldn't write `{}`: {err}", path.display())),
        None => match io::stdout().lock().write_all(code.as_bytes()) {
            Ok(()) => Ok(()),
            Err(err) if err.kind() == io::ErrorKind::BrokenPipe => Ok(()),
            Err(err) => Err(format!("couldn't write to stdout: {err}")),
        },
    };
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => fail(&message),
    }
}

fn settings(options: &Options) -> Settings {
    let mut settings = Settings::default();
    settings.with_front_end(FrontEnd::Cli);
    settings.with_strict(options.strict);
    for rule in &options.allowed {
        settings.with_allow(*rule);
    }
    for (name, path) in &options.sources {
        settings.with_source(name, path);
    }
    settings
}

/// `file` relative to `base` when it lies inside it, so that messages show short paths.
fn relative_to(base: &Path, file: &Path) -> PathBuf {
    match file.strip_prefix(base) {
        Ok(relative) if file.is_absolute() && !relative.as_os_str().is_empty() => {
            relative.to_path_buf()
        }
        _ => file.to_path_buf(),
    }
}

/// Parses a `--source NAME=PATH` value.
fn parse_source(value: &str) -> Result<(String, PathBuf), String> {
    match value.split_once('=') {
        Some((name, path)) if !name.is_empty() && !path.is_empty() => {
            Ok((name.to_owned(), PathBuf::from(path)))
        }
        _ => Err(format!(
            "expected `NAME=PATH`, such as `petstore=openapi/petstore.yml`, found `{value}`"
        )),
    }
}

/// Parses an `--allow CODE` value.
fn parse_rule(value: &str) -> Result<Rule, String> {
    Rule::from_code(value).ok_or_else(|| {
        format!("unknown rule `{value}`; the codes are listed in `arazzo_codegen::Rule`, such as `undeclared-status`")
    })
}

/// Parses a `--derive PATH` value: a Rust path such as `Hash` or `schemars::JsonSchema`.
fn parse_derive(value: &str) -> Result<String, String> {
    let is_ident = |s: &str| {
        s.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && s != "_"
    };
    let segments = value.strip_prefix("::").unwrap_or(value);
    if !segments.is_empty() && segments.split("::").all(is_ident) {
        Ok(value.to_owned())
    } else {
        Err(format!(
            "expected a path to a derive macro, such as `Hash` or `schemars::JsonSchema`, found `{value}`"
        ))
    }
}

/// Prints an error that is not about the document and returns exit code 1.
fn fail(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::FAILURE
}
