//! Generation settings, in the progenitor style: `Default` plus `with_*` methods.

use std::collections::{BTreeMap, BTreeSet};

use crate::rules::Rule;
use std::path::{Path, PathBuf};

/// How to generate code.
#[derive(Clone, Debug)]
pub struct Settings {
    pub(crate) runtime_path: String,
    pub(crate) strict: bool,
    pub(crate) sources: BTreeMap<String, PathBuf>,
    pub(crate) derives: Vec<String>,
    pub(crate) allowed: BTreeSet<Rule>,
    pub(crate) front_end: FrontEnd,
    pub(crate) restate: Option<String>,
}

/// What runs the generator, so that hints name its syntax (`sources = { … }` in the macro,
/// `--source` on the command line, `Settings::with_source` in a build script).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum FrontEnd {
    /// The `arazzo_workflow!` macro.
    #[default]
    Macro,
    /// The `arazzo` command.
    Cli,
    /// A build script or other code calling the library.
    Library,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            runtime_path: "::arazzo".to_owned(),
            strict: false,
            sources: BTreeMap::new(),
            derives: Vec::new(),
            allowed: BTreeSet::new(),
            front_end: FrontEnd::Macro,
            restate: None,
        }
    }
}

impl Settings {
    /// The path generated code uses to reach the runtime (default `::arazzo`).
    ///
    /// Use `::arazzo_runtime` when depending on the runtime crate directly.
    pub fn with_runtime_path(&mut self, path: impl Into<String>) -> &mut Self {
        self.runtime_path = path.into();
        self
    }

    /// Treat warnings as errors.
    pub fn with_strict(&mut self, strict: bool) -> &mut Self {
        self.strict = strict;
        self
    }

    /// Read the source description `name` from a local file instead of its `url`.
    ///
    /// A relative `path` is resolved against the generator's base directory. Remote
    /// (`http`/`https`) sources must be mapped this way: the generator never fetches.
    pub fn with_source(&mut self, name: impl Into<String>, path: impl AsRef<Path>) -> &mut Self {
        self.sources
            .insert(name.into(), path.as_ref().to_path_buf());
        self
    }

    /// Drops the warnings of `rule` (errors stay): for a rule whose warnings a document
    /// cannot avoid, such as [`Rule::UnknownField`] for a vendor's extension fields.
    pub fn with_allow(&mut self, rule: Rule) -> &mut Self {
        self.allowed.insert(rule);
        self
    }

    /// Also emits the document's workflows as a Restate service named `service` (a module
    /// `restate` holding the struct `service`), whose handlers run the same workflow
    /// functions durably: see `arazzo::restate`. The crate needs arazzo's `restate`
    /// feature and `restate-sdk`.
    pub fn with_restate(&mut self, service: impl Into<String>) -> &mut Self {
        self.restate = Some(service.into());
        self
    }

    /// What runs the generator, for the syntax of hints (default: the macro).
    pub fn with_front_end(&mut self, front_end: FrontEnd) -> &mut Self {
        self.front_end = front_end;
        self
    }

    /// An extra derive for the generated inputs and outputs types, such as `Hash`.
    pub fn with_derive(&mut self, derive: impl Into<String>) -> &mut Self {
        self.derives.push(derive.into());
        self
    }
}
