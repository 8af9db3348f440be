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
// While the pipeline is being built, some of it is not called yet.
#![allow(dead_code)]

mod check;
mod diag;
mod emit;
mod expr;
mod ir;
mod load;
mod model;
mod naming;
mod openapi;
mod settings;
mod source;

use std::path::{Path, PathBuf};

use proc_macro2::TokenStream;

pub use diag::{Diagnostic, Location, Severity};
pub use settings::Settings;

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
        let loaded = load::load(&cx, base_dir, file, &self.settings);
        let files = loaded.as_ref().map(|l| l.files.clone()).unwrap_or_default();
        let plan = loaded
            .as_ref()
            .and_then(|loaded| check::check(&cx, loaded, &self.settings));
        let failed = cx.has_errors() || (self.settings.strict && cx.has_any()) || plan.is_none();
        let tokens = match (&plan, failed) {
            (Some(plan), false) => emit::emit(plan, &self.settings),
            (Some(plan), true) => emit::skeleton(plan, &self.settings),
            (None, _) => TokenStream::new(),
        };
        let mut diagnostics = cx.finish();
        if self.settings.strict {
            for d in &mut diagnostics {
                d.severity = Severity::Error;
            }
        }
        Output {
            tokens,
            files,
            diagnostics,
        }
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
