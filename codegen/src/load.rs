//! Loading: the only IO. Reads the Arazzo document and its source descriptions.
//!
//! The Arazzo document is read as YAML or JSON (told apart by content, not extension),
//! parsed into a `serde_json::Value`, then into the [`model`](crate::model) with
//! `serde_path_to_error`, so that a type error points at the offending value. Each source
//! description is then resolved to a local file (a mapping in [`Settings`] wins; otherwise
//! the `url`, relative to the Arazzo document) and loaded as an OpenAPI description or,
//! recursively, as another Arazzo document. Nothing is ever fetched over the network.
//!
//! Loading goes on after an error so that one run reports as much as it can: a source that
//! fails becomes [`LoadedSource::Failed`], keeping `sources` aligned with
//! `sourceDescriptions`.

// The lookups by name (`source`, `as_openapi`, `as_arazzo`) serve the tests; `check`
// walks the sources in order.

use std::collections::{BTreeSet, HashMap};
use std::io;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::asyncapi::{self, AsyncApiSource};
use crate::diag::{did_you_mean, display_path, Ctxt, Span};
use crate::model::{Document, SourceDescription, SourceType};
pub(crate) use crate::openapi::OpenApiSource;
use crate::rules::Rule;
use crate::settings::Settings;
use crate::source::{file_span, normalize_path, Pointer, SourceFile};
use crate::swagger;

mod base_uri;
mod bundle;
mod hints;
mod recover;
mod refs;

/// Everything read for one generation.
#[derive(Clone, Debug)]
pub(crate) struct Loaded {
    /// The Arazzo document's file.
    pub arazzo: SourceFile,
    /// The Arazzo document.
    pub document: Document,
    /// One entry per `document.source_descriptions`, in the same order.
    pub sources: Vec<LoadedSource>,
    /// Every file read, absolute, sorted and deduplicated.
    pub files: Vec<PathBuf>,
}

/// What a source description turned out to be.
#[derive(Clone, Debug)]
pub(crate) enum LoadedSource {
    /// An OpenAPI description.
    OpenApi(Box<OpenApiSource>),
    /// An AsyncAPI description, whose operations and channels steps send and receive on.
    AsyncApi(Box<AsyncApiSource>),
    /// Another Arazzo document, whose workflows steps may call.
    Arazzo(Box<ArazzoSource>),
    /// A source that could not be loaded; the reason has been reported.
    Failed,
}

/// An Arazzo document named by a source description, loaded with its own sources.
#[derive(Clone, Debug)]
pub(crate) struct ArazzoSource {
    /// The file it was read from.
    pub file: SourceFile,
    /// The document.
    pub document: Document,
    /// One entry per `document.source_descriptions`, in the same order.
    pub sources: Vec<LoadedSource>,
}

#[cfg(test)]
impl LoadedSource {
    /// The OpenAPI description, if this source is one.
    pub fn as_openapi(&self) -> Option<&OpenApiSource> {
        match self {
            LoadedSource::OpenApi(source) => Some(source),
            _ => None,
        }
    }

    /// The Arazzo document, if this source is one.
    pub fn as_arazzo(&self) -> Option<&ArazzoSource> {
        match self {
            LoadedSource::Arazzo(source) => Some(source),
            _ => None,
        }
    }
}

/// Loads the Arazzo document at `file` (relative to `base_dir` unless absolute) and every
/// source description it names, reporting problems into `cx`.
///
/// Returns `None` only when the Arazzo document itself cannot be read or parsed.
pub(crate) fn load(cx: &Ctxt, base_dir: &Path, file: &Path, settings: &Settings) -> Option<Loaded> {
    let mut loader = Loader::new(cx, base_dir, settings);
    let (display, abs) = loader.root_paths(file);
    let text = match loader.read(&abs) {
        Ok(text) => text,
        Err(err) => {
            cx.error(
                Rule::UnreadableFile,
                &file_span(&display),
                format!("couldn't read `{}`: {err}", display_path(&display)),
            );
            return None;
        }
    };
    loader.load_root(SourceFile::new(display, abs, text))
}

/// After [`load`] failed on a YAML syntax error: the document with the lines that keep it
/// from parsing blanked out (see [`recover`]), loaded with its diagnostics going to `cx`,
/// which the caller throws away. `None` when the document parses (the failure was
/// something else) or cannot be repaired.
pub(crate) fn load_recovered(
    cx: &Ctxt,
    base_dir: &Path,
    file: &Path,
    settings: &Settings,
) -> Option<Loaded> {
    let mut loader = Loader::new(cx, base_dir, settings);
    let (display, abs) = loader.root_paths(file);
    let text = loader.read(&abs).ok()?;
    if text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with(['{', '['])
    {
        return None;
    }
    let repaired = recover::repair(&text)?;
    loader.load_root(SourceFile::new(display, abs, repaired))
}

/// What the top-level keys of a document say it is.
#[derive(Clone, Debug, PartialEq)]
enum DocumentKind {
    /// `openapi: <version>`.
    OpenApi(String),
    /// `swagger: "2.0"`.
    Swagger,
    /// `arazzo: <version>`.
    Arazzo,
    /// `asyncapi: <version>`.
    AsyncApi,
    /// None of them.
    Unknown,
}

fn is_arazzo(value: &Value) -> bool {
    value.get("arazzo").is_some()
}

fn document_kind(value: &Value) -> DocumentKind {
    if let Some(version) = value.get("openapi") {
        DocumentKind::OpenApi(version_string(version))
    } else if value.get("swagger").is_some() {
        DocumentKind::Swagger
    } else if is_arazzo(value) {
        DocumentKind::Arazzo
    } else if value.get("asyncapi").is_some() {
        DocumentKind::AsyncApi
    } else {
        DocumentKind::Unknown
    }
}

/// A version field as a string, whether YAML read it as a string or a number.
fn version_string(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// OpenAPI descriptions parsed so far in this process, by absolute path, with the text they
/// were parsed from. A proc-macro server expands many invocations, often over the same
/// large description; a hit skips YAML parsing and the OpenAPI model, as long as the text
/// is unchanged. Only successful parses are kept, so diagnostics are always fresh.
static PARSED: std::sync::OnceLock<std::sync::Mutex<HashMap<PathBuf, ParsedOpenApi>>> =
    std::sync::OnceLock::new();

/// The description parsed before from the same text, shown as `display`.
fn parsed_before(abs: &Path, text: &str, display: &Path) -> Option<ParsedOpenApi> {
    let cache = PARSED.get()?.lock().ok()?;
    let parsed = cache.get(abs).filter(|p| p.file.text == text)?;
    let file = if parsed.file.path == display {
        Arc::clone(&parsed.file)
    } else {
        Arc::new(SourceFile::new(
            display.to_path_buf(),
            abs.to_path_buf(),
            parsed.file.text.clone(),
        ))
    };
    Some(ParsedOpenApi {
        file,
        spec: Arc::clone(&parsed.spec),
        raw: Arc::clone(&parsed.raw),
    })
}

fn remember_parsed(abs: &Path, parsed: &ParsedOpenApi) {
    let cache = PARSED.get_or_init(Default::default);
    if let Ok(mut cache) = cache.lock() {
        cache.insert(abs.to_path_buf(), parsed.clone());
    }
}

/// A parsed OpenAPI description, shared (not copied) by every source description that
/// names its file, and by later expansions in the same process.
#[derive(Clone)]
struct ParsedOpenApi {
    file: Arc<SourceFile>,
    spec: Arc<openapiv3::OpenAPI>,
    raw: Arc<Value>,
}

/// A loaded Arazzo source, shared by every source description that names its file.
#[derive(Clone)]
struct ParsedArazzo {
    file: SourceFile,
    document: Document,
    sources: Vec<LoadedSource>,
}

/// The state of one load.
struct Loader<'a> {
    cx: &'a Ctxt,
    /// The base directory, absolute.
    base: PathBuf,
    settings: &'a Settings,
    /// Every file read, absolute.
    files: BTreeSet<PathBuf>,
    /// The Arazzo documents being loaded, outermost first, to catch cycles.
    stack: Vec<PathBuf>,
    /// Names of all source descriptions seen, to warn about unused mappings.
    names: BTreeSet<String>,
    /// OpenAPI files already loaded (`None`: failed, and reported).
    openapi_cache: HashMap<PathBuf, Option<ParsedOpenApi>>,
    /// Arazzo sources already loaded (`None`: failed, and reported).
    arazzo_cache: HashMap<PathBuf, Option<ParsedArazzo>>,
}

impl<'a> Loader<'a> {
    fn new(cx: &'a Ctxt, base_dir: &Path, settings: &'a Settings) -> Self {
        let base = std::path::absolute(base_dir).unwrap_or_else(|_| base_dir.to_path_buf());
        Loader {
            cx,
            base: normalize_path(&base),
            settings,
            files: BTreeSet::new(),
            stack: Vec::new(),
            names: BTreeSet::new(),
            openapi_cache: HashMap::new(),
            arazzo_cache: HashMap::new(),
        }
    }

    /// The display path and absolute path of a path the user gave, relative to the base
    /// directory unless absolute.
    fn root_paths(&self, file: &Path) -> (PathBuf, PathBuf) {
        if file.is_absolute() {
            let abs = normalize_path(file);
            (self.display_for_absolute(&abs), abs)
        } else {
            let display = normalize_path(file);
            let abs = normalize_path(&self.base.join(&display));
            (display, abs)
        }
    }

    /// How to show an absolute path: relative to the base directory when inside it.
    fn display_for_absolute(&self, abs: &Path) -> PathBuf {
        match abs.strip_prefix(&self.base) {
            Ok(relative) if !relative.as_os_str().is_empty() => relative.to_path_buf(),
            _ => abs.to_path_buf(),
        }
    }

    /// Reads a file and records it.
    /// Loads the Arazzo document `arazzo` and its sources.
    fn load_root(mut self, arazzo: SourceFile) -> Option<Loaded> {
        let cx = self.cx;
        let value = self.parse_value(&arazzo)?;
        if !is_arazzo(&value) && (value.get("openapi").is_some() || value.get("swagger").is_some())
        {
            cx.error(
                Rule::WrongSourceKind,
                &arazzo.span(""),
                format!(
                    "`{}` is an OpenAPI description, not an Arazzo document",
                    display_path(&arazzo.path)
                ),
            )
            .help("pass the Arazzo document that names it in `sourceDescriptions`");
            return None;
        }
        let document = self.parse_document(&arazzo, &value)?;
        self.stack.push(arazzo.abs_path.clone());
        let sources = self.load_sources(&arazzo, &document);
        self.stack.pop();
        self.check_mappings_used(&arazzo);
        Some(Loaded {
            arazzo,
            document,
            sources,
            files: self.files.into_iter().collect(),
        })
    }

    fn read(&mut self, abs: &Path) -> io::Result<String> {
        let text = std::fs::read_to_string(abs)?;
        self.files.insert(abs.to_path_buf());
        Ok(text)
    }

    /// Parses a file's text as JSON (if it starts like JSON) or YAML.
    fn parse_value(&self, file: &SourceFile) -> Option<Value> {
        let text = file.text.trim_start_matches('\u{feff}');
        let looks_like_json = text.trim_start().starts_with(['{', '[']);
        let result = if looks_like_json {
            serde_json::from_str::<Value>(text).map_err(|err| {
                let (line, column) = (err.line(), err.column());
                let column = file
                    .line_text(line)
                    .map_or(column, |text| byte_to_char_column(text, column));
                (
                    "JSON",
                    strip_positions(&err.to_string()),
                    Some((line, column)),
                )
            })
        } else {
            serde_yaml::from_str::<Value>(text).map_err(|err| {
                let location = err.location().map(|l| (l.line(), l.column()));
                ("YAML", strip_positions(&err.to_string()), location)
            })
        };
        match result {
            Ok(mut value) => {
                apply_merge_keys(&mut value);
                Some(value)
            }
            Err((format, message, location)) => {
                let span = match location {
                    Some((line, column)) if line > 0 => file.span_at_location(line, column),
                    _ => file_span(&file.path),
                };
                self.cx.error(
                    Rule::SyntaxError,
                    &span,
                    format!(
                        "couldn't parse `{}` as {format}: {message}",
                        display_path(&file.path)
                    ),
                );
                None
            }
        }
    }

    /// Parses an Arazzo document from its value, reporting the first shape error.
    fn parse_document(&self, file: &SourceFile, value: &Value) -> Option<Document> {
        match deserialize_located::<Document>(value) {
            Ok(document) => Some(document),
            Err((pointer, message)) => {
                let diagnostic = self
                    .cx
                    .error(Rule::InvalidShape, &file.span(&pointer), message);
                // A document of a later version fails on its features; say why they are not
                // understood.
                let version = value.get("arazzo").map(version_string).unwrap_or_default();
                if !version.is_empty() && crate::model::SpecVersion::parse(&version).is_none() {
                    diagnostic.note(format_args!(
                        "the document is Arazzo `{version}`; this generator supports 1.0.x and 1.1.x"
                    ));
                }
                None
            }
        }
    }

    /// Loads every source description of a document, in order.
    fn load_sources(&mut self, file: &SourceFile, document: &Document) -> Vec<LoadedSource> {
        // `$self` is a 1.1 field: a 1.0 document's sources resolve against its location.
        let self_uri = match document.spec_version() {
            Some(crate::model::SpecVersion::V1_0) => None,
            _ => document.self_uri.as_deref(),
        };
        document
            .source_descriptions
            .iter()
            .enumerate()
            .map(|(index, description)| {
                self.names.insert(description.name.clone());
                self.load_source(file, self_uri, index, description)
            })
            .collect()
    }

    fn load_source(
        &mut self,
        doc: &SourceFile,
        self_uri: Option<&str>,
        index: usize,
        description: &SourceDescription,
    ) -> LoadedSource {
        let item = Pointer::root().key("sourceDescriptions").index(index);
        let url_span = doc.span(&item.key("url"));
        let name = &description.name;
        let base = base_uri::base(&doc.path, self_uri);
        let Some((display, abs)) =
            self.locate(&base, &url_span, description, doc.abs_path.parent())
        else {
            return LoadedSource::Failed;
        };

        // Files seen before: reuse the result (and do not report its problems twice).
        if let Some(cached) = self.openapi_cache.get(&abs).cloned() {
            if cached.is_some()
                && matches!(
                    description.source_type,
                    Some(SourceType::Arazzo | SourceType::Asyncapi)
                )
            {
                self.report_type_mismatch(
                    doc,
                    &item,
                    description,
                    &display,
                    &DocumentKind::OpenApi(String::new()),
                );
                return LoadedSource::Failed;
            }
            return match cached {
                Some(parsed) => openapi_source(name, parsed),
                None => LoadedSource::Failed,
            };
        }
        if self.stack.contains(&abs) {
            // Documents that name each other are legal, but the loaded tree cannot hold a
            // cycle; only calls through this one source description are affected.
            self.cx
                .warning(Rule::SourceCycle,
                    &url_span,
                    format!(
                        "source description `{name}` refers back to `{}`, which is already being loaded; its workflows cannot be called through `{name}`",
                        display_path(&display)
                    ),
                )
                .note("Arazzo documents that name each other in a cycle are not supported");
            return LoadedSource::Failed;
        }
        if let Some(cached) = self.arazzo_cache.get(&abs).cloned() {
            if cached.is_some()
                && matches!(
                    description.source_type,
                    Some(SourceType::Openapi | SourceType::Asyncapi)
                )
            {
                self.report_type_mismatch(doc, &item, description, &display, &DocumentKind::Arazzo);
                return LoadedSource::Failed;
            }
            return match cached {
                Some(parsed) => arazzo_source(parsed),
                None => LoadedSource::Failed,
            };
        }

        let text = match self.read(&abs) {
            Ok(text) => text,
            Err(err) => {
                let not_found = err.kind() == io::ErrorKind::NotFound;
                let diagnostic = self.cx.error(
                    Rule::UnreadableFile,
                    &url_span,
                    format!(
                        "couldn't read `{}` for source description `{name}`: {err}",
                        display_path(&display)
                    ),
                );
                if not_found {
                    let file_name = hints::file_name(&description.url);
                    let nearby = doc
                        .abs_path
                        .parent()
                        .and_then(|dir| hints::same_name_under(dir, file_name));
                    let diagnostic = match &nearby {
                        Some(found) => diagnostic.help(format_args!(
                            "a file of that name is at `{}`, from the document's folder; write `url: {}`",
                            display_path(found),
                            display_path(found)
                        )),
                        None => diagnostic,
                    };
                    if !self.settings.sources.contains_key(name) {
                        diagnostic.help(hints::mapping(self.settings, name, None));
                    }
                }
                return LoadedSource::Failed;
            }
        };
        if description.source_type != Some(SourceType::Arazzo) {
            if let Some(parsed) = parsed_before(&abs, &text, &display) {
                self.openapi_cache.insert(abs, Some(parsed.clone()));
                return openapi_source(name, parsed);
            }
        }
        let file = SourceFile::new(display.clone(), abs.clone(), text);
        let Some(mut value) = self.parse_value(&file) else {
            self.openapi_cache.insert(abs, None);
            return LoadedSource::Failed;
        };
        // A description split over several files is only as fresh as all of them, so it
        // is not kept in the process-wide cache, which checks one file's text.
        let split = !is_arazzo(&value) && self.bundle_external_refs(&file, &mut value);
        let kind = document_kind(&value);
        let is_asyncapi = matches!(kind, DocumentKind::AsyncApi);
        let declared_asyncapi = description.source_type == Some(SourceType::Asyncapi);
        if description.source_type.is_some() && is_asyncapi != declared_asyncapi {
            self.report_type_mismatch(doc, &item, description, &display, &kind);
            return LoadedSource::Failed;
        }
        match (description.source_type, &kind) {
            (Some(SourceType::Arazzo), DocumentKind::Swagger) => {
                self.report_type_mismatch(doc, &item, description, &display, &kind);
                LoadedSource::Failed
            }
            (_, DocumentKind::Swagger) => {
                let version = value.get("swagger").map(version_string).unwrap_or_default();
                if !version.starts_with("2.") {
                    self.cx.error(Rule::UnsupportedVersion,
                        &file.span("/swagger"),
                        format!(
                            "`{}` is Swagger {version}, which is not supported; use Swagger 2.0 or OpenAPI 3",
                            display_path(&file.path)
                        ),
                    );
                    self.openapi_cache.insert(abs, None);
                    return LoadedSource::Failed;
                }
                let converted = swagger::to_openapi3(&value);
                for (pointer, note) in &converted.notes {
                    self.cx
                        .warning(Rule::SwaggerConversion, &file.span(pointer), note.clone());
                }
                let parsed = self.parse_openapi(file, converted.document, "3.0.3");
                self.keep_openapi(name, abs, parsed, split)
            }
            (_, DocumentKind::AsyncApi) => self.load_asyncapi(name, file, value),
            (_, DocumentKind::Unknown) => {
                self.cx
                    .error(Rule::WrongSourceKind,
                        &url_span,
                        format!(
                            "source description `{name}` (`{}`) is neither an OpenAPI description nor an Arazzo document",
                            display_path(&display)
                        ),
                    )
                    .note("expected an `openapi` or `arazzo` field at the top level");
                LoadedSource::Failed
            }
            (Some(SourceType::Arazzo), DocumentKind::OpenApi(_))
            | (Some(SourceType::Openapi), DocumentKind::Arazzo) => {
                self.report_type_mismatch(doc, &item, description, &display, &kind);
                LoadedSource::Failed
            }
            (_, DocumentKind::OpenApi(version)) => {
                let parsed = self.parse_openapi(file, value, version);
                self.keep_openapi(name, abs, parsed, split)
            }
            (_, DocumentKind::Arazzo) => {
                let parsed = self.load_arazzo(file, &value);
                self.arazzo_cache.insert(abs, parsed.clone());
                match parsed {
                    Some(parsed) => arazzo_source(parsed),
                    None => LoadedSource::Failed,
                }
            }
        }
    }

    /// Caches a parsed OpenAPI description for this load and, unless it is split over
    /// several files (`split`), for the process; the source it makes.
    fn keep_openapi(
        &mut self,
        name: &str,
        abs: PathBuf,
        parsed: Option<ParsedOpenApi>,
        split: bool,
    ) -> LoadedSource {
        if let Some(parsed) = parsed.as_ref().filter(|_| !split) {
            remember_parsed(&abs, parsed);
        }
        self.openapi_cache.insert(abs, parsed.clone());
        match parsed {
            Some(parsed) => openapi_source(name, parsed),
            None => LoadedSource::Failed,
        }
    }

    fn report_type_mismatch(
        &self,
        doc: &SourceFile,
        item: &Pointer,
        description: &SourceDescription,
        display: &Path,
        kind: &DocumentKind,
    ) {
        let declared = description.source_type.map_or("", SourceType::as_str);
        let actual = match kind {
            DocumentKind::OpenApi(_) | DocumentKind::Swagger => "an OpenAPI description",
            DocumentKind::Arazzo => "an Arazzo document",
            DocumentKind::AsyncApi => "an AsyncAPI description",
            DocumentKind::Unknown => "none of OpenAPI, AsyncAPI or Arazzo",
        };
        self.cx.error(
            Rule::WrongSourceKind,
            &doc.span(&item.key("type")),
            format!(
                "source description `{}` has `type: {declared}`, but `{}` is {actual}",
                description.name,
                display_path(display)
            ),
        );
    }

    /// Reads an AsyncAPI description and the OpenAPI stand-in its messages are typed with.
    fn load_asyncapi(&mut self, name: &str, file: SourceFile, value: Value) -> LoadedSource {
        let mut problems = Vec::new();
        let description = asyncapi::Description::read(&value, &mut problems);
        for problem in &problems {
            let span = file.span(&problem.pointer);
            match problem.error {
                true => self
                    .cx
                    .error(Rule::InvalidAsyncApi, &span, problem.message.clone()),
                false => self
                    .cx
                    .warning(Rule::InvalidAsyncApi, &span, problem.message.clone()),
            };
        }
        let Some(description) = description else {
            return LoadedSource::Failed;
        };
        if problems.iter().any(|p| p.error) {
            return LoadedSource::Failed;
        }
        let stand_in = description.openapi(&value);
        let Some(parsed) = self.parse_openapi(file, stand_in, "3.1.0") else {
            return LoadedSource::Failed;
        };
        LoadedSource::AsyncApi(Box::new(AsyncApiSource {
            description,
            openapi: parsed.into_source(name),
        }))
    }

    /// A file named as the last segment of `url` under the document's folder, as a path
    /// the `sources` mapping takes (relative to the base directory).
    fn nearby(&self, doc_dir: Option<&Path>, url: &str) -> Option<String> {
        let dir = doc_dir?;
        let found = hints::same_name_under(dir, hints::file_name(url))?;
        Some(display_path(&self.display_for_absolute(&dir.join(found))))
    }

    /// Resolves a source description to a display path and an absolute path.
    fn locate(
        &self,
        base: &base_uri::Base,
        url_span: &Span,
        description: &SourceDescription,
        doc_dir: Option<&Path>,
    ) -> Option<(PathBuf, PathBuf)> {
        let name = &description.name;
        if let Some(mapped) = self.settings.sources.get(name) {
            return Some(self.root_paths(mapped));
        }
        let url = description.url.trim();
        let lower = url.to_ascii_lowercase();
        if lower.starts_with("http://") || lower.starts_with("https://") {
            let local = self.nearby(doc_dir, url);
            self.cx
                .error(
                    Rule::RemoteSource,
                    url_span,
                    format!("source description `{name}` has a remote url `{url}`"),
                )
                .note("the generator never fetches over the network")
                .help(hints::mapping(self.settings, name, local.as_deref()));
            return None;
        }
        let path = if lower.starts_with("file:") {
            // `file:///abs/path`, `file://localhost/abs/path` or `file:relative/path`.
            let rest = &url["file:".len()..];
            let rest = match rest.strip_prefix("//") {
                Some(authority_and_path) => {
                    let slash = authority_and_path
                        .find('/')
                        .unwrap_or(authority_and_path.len());
                    &authority_and_path[slash..]
                }
                None => rest,
            };
            strip_query_and_fragment(rest)
        } else if has_scheme(url) {
            self.cx
                .error(
                    Rule::RemoteSource,
                    url_span,
                    format!(
                        "source description `{name}` has a url `{url}` the generator cannot read"
                    ),
                )
                .help(hints::mapping(self.settings, name, None));
            return None;
        } else {
            if let base_uri::Base::Remote(base) = base {
                let resolved = base_uri::remote(base, url).unwrap_or_else(|| url.to_owned());
                let local = self.nearby(doc_dir, url);
                self.cx
                    .error(
                        Rule::RemoteSource,
                        url_span,
                        format!(
                            "source description `{name}` has the url `{url}`, which resolves against the document's `$self` to the remote `{resolved}`"
                        ),
                    )
                    .note("the generator never fetches over the network")
                    .help(hints::mapping(self.settings, name, local.as_deref()));
                return None;
            }
            strip_query_and_fragment(url)
        };
        let path = crate::openapi::percent_decode(path);
        if path.is_empty() {
            self.cx.error(
                Rule::InvalidShape,
                url_span,
                format!("source description `{name}` has an empty url"),
            );
            return None;
        }
        let path = Path::new(path.as_ref());
        if path.is_absolute() {
            let abs = normalize_path(path);
            return Some((self.display_for_absolute(&abs), abs));
        }
        let base_uri::Base::Dir(dir) = base else {
            return None;
        };
        let display = normalize_path(&dir.join(path));
        let abs = normalize_path(&self.base.join(&display));
        Some((display, abs))
    }

    /// Parses an OpenAPI description, downgrading 3.1 and later to 3.0 first.
    fn parse_openapi(&self, file: SourceFile, raw: Value, version: &str) -> Option<ParsedOpenApi> {
        // The document as `openapiv3` reads it; a copy only where it differs from `raw`.
        let mut changed = None;
        if version.starts_with("3.0") {
            if raw.get("openapi").and_then(Value::as_str) != Some(version) {
                let mut value = raw.clone();
                if let Some(openapi) = value.get_mut("openapi") {
                    *openapi = Value::String(version.to_owned());
                }
                changed = Some(value);
            }
        } else if version.starts_with("3.1") || version.starts_with("3.2") {
            let mut value = raw.clone();
            downgrade_openapi(&mut value);
            changed = Some(value);
        } else {
            self.cx.error(
                Rule::UnsupportedVersion,
                &file.span("/openapi"),
                format!(
                    "`{}` is OpenAPI {version}, which is not supported; use OpenAPI 3.0 or 3.1",
                    display_path(&file.path)
                ),
            );
            return None;
        }
        // `openapiv3` has an `expect` in its `ReferenceOr` deserializer; never let a
        // document turn that into a panic of the generator.
        let value = changed.as_ref().unwrap_or(&raw);
        // Plain deserialization first; only a failure is worth `serde_path_to_error`'s
        // bookkeeping, for the diagnostic's position.
        let result = catch_unwind(AssertUnwindSafe(|| {
            openapiv3::OpenAPI::deserialize(value)
                .or_else(|_| deserialize_located::<openapiv3::OpenAPI>(value))
        }));
        match result {
            Ok(Ok(spec)) => {
                refs::check(self.cx, &file, value);
                Some(ParsedOpenApi {
                    file: Arc::new(file),
                    spec: Arc::new(spec),
                    raw: Arc::new(raw),
                })
            }
            Ok(Err(error)) => {
                // `openapiv3`'s untagged enums hide where inside them an error is; look
                // for the innermost object that fails on its own.
                let refined = catch_unwind(AssertUnwindSafe(|| locate_openapi_error(value)));
                let (pointer, message) = refined.ok().flatten().unwrap_or(error);
                self.cx.error(
                    Rule::InvalidOpenApi,
                    &file.span(&pointer),
                    format!("invalid OpenAPI description: {message}"),
                );
                None
            }
            Err(_) => {
                self.cx.error(
                    Rule::InvalidOpenApi,
                    &file.span(""),
                    "invalid OpenAPI description: the OpenAPI parser failed on this document",
                );
                None
            }
        }
    }

    /// Loads an Arazzo source and, recursively, its own sources.
    fn load_arazzo(&mut self, file: SourceFile, value: &Value) -> Option<ParsedArazzo> {
        let document = self.parse_document(&file, value)?;
        self.stack.push(file.abs_path.clone());
        let sources = self.load_sources(&file, &document);
        self.stack.pop();
        Some(ParsedArazzo {
            file,
            document,
            sources,
        })
    }

    /// Warns about `sources` mappings that name no source description.
    fn check_mappings_used(&self, arazzo: &SourceFile) {
        for name in self.settings.sources.keys() {
            if self.names.contains(name) {
                continue;
            }
            let diagnostic = self.cx.warning(
                Rule::UnusedSetting,
                &arazzo.span("/sourceDescriptions"),
                format!("`sources` maps `{name}`, but no source description has that name"),
            );
            if let Some(similar) = did_you_mean(name, self.names.iter().map(String::as_str)) {
                diagnostic.help(format_args!("did you mean `{similar}`?"));
            }
        }
    }
}

fn openapi_source(name: &str, parsed: ParsedOpenApi) -> LoadedSource {
    LoadedSource::OpenApi(Box::new(parsed.into_source(name)))
}

impl ParsedOpenApi {
    fn into_source(self, name: &str) -> OpenApiSource {
        OpenApiSource {
            name: name.to_owned(),
            file: self.file,
            spec: self.spec,
            raw: self.raw,
        }
    }
}

fn arazzo_source(parsed: ParsedArazzo) -> LoadedSource {
    LoadedSource::Arazzo(Box::new(ArazzoSource {
        file: parsed.file,
        document: parsed.document,
        sources: parsed.sources,
    }))
}

/// The innermost part of an OpenAPI description that fails to parse on its own: an
/// operation, parameter, request body, response, schema or component.
fn locate_openapi_error(document: &Value) -> Option<(Pointer, String)> {
    let root = Pointer::root();
    if let Some(paths) = document.get("paths").and_then(Value::as_object) {
        let at = root.key("paths");
        for (path, item) in paths {
            if let Some(found) = locate_in_path_item(item, &at.key(path)) {
                return Some(found);
            }
        }
    }
    let components = document.get("components").and_then(Value::as_object)?;
    let at = root.key("components");
    for (section, entries) in components {
        let Some(entries) = entries.as_object() else {
            continue;
        };
        let at = at.key(section);
        for (name, entry) in entries {
            let at = at.key(name);
            let found = match section.as_str() {
                "schemas" => locate_in_schema(entry, &at),
                "parameters" | "headers" => locate_in_parameter(entry, &at),
                "responses" => locate_in_response(entry, &at),
                "requestBodies" => locate_in_content(entry, &at)
                    .or_else(|| try_at::<openapiv3::RequestBody>(entry, &at)),
                "securitySchemes" => try_at::<openapiv3::SecurityScheme>(entry, &at),
                "examples" => try_at::<openapiv3::Example>(entry, &at),
                "links" => try_at::<openapiv3::Link>(entry, &at),
                _ => None,
            };
            if found.is_some() {
                return found;
            }
        }
    }
    None
}

/// The error of deserializing `value` as `T`, located under `at`; `None` for a `$ref`.
fn try_at<T: DeserializeOwned>(value: &Value, at: &Pointer) -> Option<(Pointer, String)> {
    if value.get("$ref").is_some() {
        return None;
    }
    deserialize_located::<T>(value)
        .err()
        .map(|(inner, message)| (Pointer::parse(&format!("{at}{inner}")), message))
}

fn locate_in_path_item(item: &Value, at: &Pointer) -> Option<(Pointer, String)> {
    let map = item.as_object()?;
    if map.contains_key("$ref") {
        return None;
    }
    if let Some(found) = locate_in_parameters(item, at) {
        return Some(found);
    }
    for method in [
        "get", "put", "post", "delete", "options", "head", "patch", "trace",
    ] {
        if let Some(operation) = map.get(method) {
            if let Some(found) = locate_in_operation(operation, &at.key(method)) {
                return Some(found);
            }
        }
    }
    try_at::<openapiv3::PathItem>(item, at)
}

fn locate_in_parameters(holder: &Value, at: &Pointer) -> Option<(Pointer, String)> {
    let parameters = holder.get("parameters")?.as_array()?;
    let at = at.key("parameters");
    parameters
        .iter()
        .enumerate()
        .find_map(|(index, parameter)| locate_in_parameter(parameter, &at.index(index)))
}

fn locate_in_operation(operation: &Value, at: &Pointer) -> Option<(Pointer, String)> {
    if let Some(found) = locate_in_parameters(operation, at) {
        return Some(found);
    }
    if let Some(body) = operation.get("requestBody") {
        let body_at = at.key("requestBody");
        let found = locate_in_content(body, &body_at)
            .or_else(|| try_at::<openapiv3::RequestBody>(body, &body_at));
        if found.is_some() {
            return found;
        }
    }
    if let Some(responses) = operation.get("responses").and_then(Value::as_object) {
        let responses_at = at.key("responses");
        for (status, response) in responses {
            if let Some(found) = locate_in_response(response, &responses_at.key(status)) {
                return Some(found);
            }
        }
    }
    try_at::<openapiv3::Operation>(operation, at)
}

fn locate_in_parameter(parameter: &Value, at: &Pointer) -> Option<(Pointer, String)> {
    if parameter.get("$ref").is_some() {
        return None;
    }
    if let Some(schema) = parameter.get("schema") {
        if let Some(found) = locate_in_schema(schema, &at.key("schema")) {
            return Some(found);
        }
    }
    locate_in_content(parameter, at).or_else(|| {
        // Headers have no `in`; parse them as what they are.
        if parameter.get("in").is_some() {
            try_at::<openapiv3::Parameter>(parameter, at)
        } else {
            try_at::<openapiv3::Header>(parameter, at)
        }
    })
}

fn locate_in_response(response: &Value, at: &Pointer) -> Option<(Pointer, String)> {
    if response.get("$ref").is_some() {
        return None;
    }
    if let Some(headers) = response.get("headers").and_then(Value::as_object) {
        let headers_at = at.key("headers");
        for (name, header) in headers {
            if let Some(found) = locate_in_parameter(header, &headers_at.key(name)) {
                return Some(found);
            }
        }
    }
    locate_in_content(response, at).or_else(|| try_at::<openapiv3::Response>(response, at))
}

fn locate_in_content(holder: &Value, at: &Pointer) -> Option<(Pointer, String)> {
    let content = holder.get("content")?.as_object()?;
    let at = at.key("content");
    content.iter().find_map(|(media_type, media)| {
        let schema = media.get("schema")?;
        locate_in_schema(schema, &at.key(media_type).key("schema"))
    })
}

fn locate_in_schema(schema: &Value, at: &Pointer) -> Option<(Pointer, String)> {
    let map = schema.as_object()?;
    if map.contains_key("$ref") {
        return None;
    }
    for key in ["properties", "patternProperties"] {
        if let Some(properties) = map.get(key).and_then(Value::as_object) {
            let properties_at = at.key(key);
            for (name, property) in properties {
                if let Some(found) = locate_in_schema(property, &properties_at.key(name)) {
                    return Some(found);
                }
            }
        }
    }
    for key in ["items", "not", "additionalProperties"] {
        if let Some(found) = map
            .get(key)
            .and_then(|sub| locate_in_schema(sub, &at.key(key)))
        {
            return Some(found);
        }
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some(list) = map.get(key).and_then(Value::as_array) {
            let list_at = at.key(key);
            for (index, sub) in list.iter().enumerate() {
                if let Some(found) = locate_in_schema(sub, &list_at.index(index)) {
                    return Some(found);
                }
            }
        }
    }
    try_at::<openapiv3::Schema>(schema, at)
}

/// Deserializes `T` from a value; on error returns the JSON pointer of the offending value
/// and the message.
fn deserialize_located<T: DeserializeOwned>(value: &Value) -> Result<T, (Pointer, String)> {
    serde_path_to_error::deserialize::<_, T>(value).map_err(|err| {
        let mut pointer = Pointer::root();
        for segment in err.path().iter() {
            pointer = match segment {
                serde_path_to_error::Segment::Seq { index } => pointer.index(*index),
                serde_path_to_error::Segment::Map { key } => pointer.key(key),
                serde_path_to_error::Segment::Enum { .. }
                | serde_path_to_error::Segment::Unknown => pointer,
            };
        }
        (pointer, err.into_inner().to_string())
    })
}

/// Removes the ` at line L column C` parts parsers add to their messages (the location is
/// shown separately).
fn strip_positions(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(at) = rest.find(" at line ") {
        out.push_str(&rest[..at]);
        let tail = &rest[at + " at line ".len()..];
        let digits = tail.bytes().take_while(u8::is_ascii_digit).count();
        let after_line = &tail[digits..];
        match after_line.strip_prefix(" column ") {
            Some(col) if digits > 0 => {
                let col_digits = col.bytes().take_while(u8::is_ascii_digit).count();
                rest = &col[col_digits..];
            }
            _ => {
                out.push_str(" at line ");
                rest = tail;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Converts a 1-based byte column of `line` into a 1-based character column.
fn byte_to_char_column(line: &str, column: usize) -> usize {
    let mut end = column.saturating_sub(1).min(line.len());
    while !line.is_char_boundary(end) {
        end -= 1;
    }
    line[..end].chars().count() + 1
}

fn strip_query_and_fragment(url: &str) -> &str {
    let end = url.find(['#', '?']).unwrap_or(url.len());
    &url[..end]
}

/// Whether a URL starts with a scheme (`urn:`, `s3:`); a Windows drive (`C:`) is not one.
fn has_scheme(url: &str) -> bool {
    let Some(colon) = url.find(':') else {
        return false;
    };
    let scheme = &url[..colon];
    scheme.len() > 1
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// Applies YAML merge keys (`<<: *base`), which `serde_yaml` leaves as plain `<<` keys.
/// Keys already present win over merged ones, and earlier merged mappings over later ones.
fn apply_merge_keys(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if let Some(merge) = map.shift_remove("<<") {
                let sources = match merge {
                    Value::Object(source) => vec![source],
                    Value::Array(items) => items
                        .into_iter()
                        .filter_map(|item| match item {
                            Value::Object(source) => Some(source),
                            _ => None,
                        })
                        .collect(),
                    _ => Vec::new(),
                };
                for source in sources {
                    for (key, item) in source {
                        map.entry(key).or_insert(item);
                    }
                }
            }
            for item in map.values_mut() {
                apply_merge_keys(item);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(apply_merge_keys),
        _ => {}
    }
}

/// Rewrites an OpenAPI 3.1 (or 3.2) description, best effort, into the OpenAPI 3.0 that
/// `openapiv3` parses.
///
/// Schemas: `type: [X, "null"]` becomes `type: X` with `nullable: true`; numeric
/// `exclusiveMinimum`/`exclusiveMaximum` become `minimum`/`maximum` with a boolean;
/// `const` becomes a one-value `enum`; `examples` becomes `example`; boolean schemas become
/// `{}` and `{not: {}}`. The document loses `jsonSchemaDialect`, `webhooks`,
/// `components.pathItems` and `mutualTLS` security schemes, and says `openapi: 3.0.3`.
pub(crate) fn downgrade_openapi(document: &mut Value) {
    let Some(root) = document.as_object_mut() else {
        return;
    };
    root.insert("openapi".to_owned(), Value::String("3.0.3".to_owned()));
    for key in ["jsonSchemaDialect", "webhooks", "$schema"] {
        root.shift_remove(key);
    }
    match root.get_mut("paths") {
        Some(Value::Object(paths)) => paths.values_mut().for_each(downgrade_path_item),
        Some(_) => {}
        None => {
            root.insert("paths".to_owned(), Value::Object(Map::new()));
        }
    }
    let Some(Value::Object(components)) = root.get_mut("components") else {
        return;
    };
    components.shift_remove("pathItems");
    for_each_value(components.get_mut("schemas"), downgrade_schema);
    for_each_value(components.get_mut("parameters"), downgrade_parameter);
    for_each_value(components.get_mut("headers"), downgrade_parameter);
    for_each_value(components.get_mut("requestBodies"), downgrade_with_content);
    for_each_value(components.get_mut("responses"), downgrade_response);
    for_each_value(components.get_mut("callbacks"), downgrade_callback);
    if let Some(Value::Object(schemes)) = components.get_mut("securitySchemes") {
        schemes.retain(|_, scheme| scheme.get("type").and_then(Value::as_str) != Some("mutualTLS"));
    }
}

/// Calls `f` on every value of an object or every element of an array.
fn for_each_value(value: Option<&mut Value>, f: fn(&mut Value)) {
    match value {
        Some(Value::Object(map)) => map.values_mut().for_each(f),
        Some(Value::Array(items)) => items.iter_mut().for_each(f),
        _ => {}
    }
}

fn downgrade_path_item(item: &mut Value) {
    let Some(map) = item.as_object_mut() else {
        return;
    };
    for_each_value(map.get_mut("parameters"), downgrade_parameter);
    for method in [
        "get", "put", "post", "delete", "options", "head", "patch", "trace",
    ] {
        if let Some(Value::Object(operation)) = map.get_mut(method) {
            for_each_value(operation.get_mut("parameters"), downgrade_parameter);
            if let Some(body) = operation.get_mut("requestBody") {
                downgrade_with_content(body);
            }
            for_each_value(operation.get_mut("responses"), downgrade_response);
            for_each_value(operation.get_mut("callbacks"), downgrade_callback);
        }
    }
}

fn downgrade_callback(callback: &mut Value) {
    if let Some(map) = callback.as_object_mut() {
        map.values_mut().for_each(downgrade_path_item);
    }
}

/// Parameters and headers: a `schema` or a `content` map. OpenAPI 3.2's `in: querystring`
/// (the whole query string, described by `content`) becomes a 3.0 query parameter marked
/// with [`crate::openapi::QUERYSTRING_MARK`], so that it is still known for what it is.
fn downgrade_parameter(parameter: &mut Value) {
    if let Some(map) = parameter.as_object_mut() {
        if map.get("in").and_then(Value::as_str) == Some("querystring") {
            map.insert("in".to_owned(), Value::String("query".to_owned()));
            map.insert(
                crate::openapi::QUERYSTRING_MARK.to_owned(),
                Value::Bool(true),
            );
        }
        if let Some(schema) = map.get_mut("schema") {
            downgrade_schema(schema);
        }
    }
    downgrade_with_content(parameter);
}

fn downgrade_response(response: &mut Value) {
    if let Some(map) = response.as_object_mut() {
        for_each_value(map.get_mut("headers"), downgrade_parameter);
        // OpenAPI 3.2 makes a response's `description` optional; 3.0 requires it.
        if !map.contains_key("$ref") && !map.contains_key("description") {
            map.insert("description".to_owned(), Value::String(String::new()));
        }
    }
    downgrade_with_content(response);
}

/// Anything with a `content` map of media types.
fn downgrade_with_content(holder: &mut Value) {
    let Some(Value::Object(content)) = holder.get_mut("content") else {
        return;
    };
    for media in content.values_mut() {
        let Some(media) = media.as_object_mut() else {
            continue;
        };
        if let Some(schema) = media.get_mut("schema") {
            downgrade_schema(schema);
        }
        if let Some(Value::Object(encodings)) = media.get_mut("encoding") {
            for encoding in encodings.values_mut() {
                if let Some(map) = encoding.as_object_mut() {
                    for_each_value(map.get_mut("headers"), downgrade_parameter);
                }
            }
        }
    }
}

fn downgrade_schema(schema: &mut Value) {
    let map = match schema {
        Value::Bool(true) => {
            *schema = Value::Object(Map::new());
            return;
        }
        Value::Bool(false) => {
            let mut map = Map::new();
            map.insert("not".to_owned(), Value::Object(Map::new()));
            *schema = Value::Object(map);
            return;
        }
        Value::Object(map) => map,
        _ => return,
    };

    // `type: [string, "null"]` and `type: "null"`.
    match map.get("type") {
        Some(Value::Array(types)) => {
            let names: Vec<String> = types
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect();
            let non_null: Vec<&String> = names.iter().filter(|t| *t != "null").collect();
            if non_null.len() < names.len() {
                map.insert("nullable".to_owned(), Value::Bool(true));
            }
            match non_null.as_slice() {
                [single] => {
                    map.insert("type".to_owned(), Value::String((*single).clone()));
                }
                _ => {
                    map.shift_remove("type");
                }
            }
        }
        Some(Value::String(t)) if t == "null" => {
            map.shift_remove("type");
            map.insert("nullable".to_owned(), Value::Bool(true));
        }
        _ => {}
    }
    // `exclusiveMinimum: 0` means `minimum: 0, exclusiveMinimum: true` in 3.0.
    for (exclusive, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if let Some(Value::Number(n)) = map.get(exclusive).cloned() {
            map.insert(bound.to_owned(), Value::Number(n));
            map.insert(exclusive.to_owned(), Value::Bool(true));
        }
    }
    if let Some(value) = map.shift_remove("const") {
        map.entry("enum")
            .or_insert_with(|| Value::Array(vec![value]));
    }
    if let Some(Value::Array(mut examples)) = map.shift_remove("examples") {
        if !map.contains_key("example") && !examples.is_empty() {
            map.insert("example".to_owned(), examples.swap_remove(0));
        }
    }
    map.shift_remove("$schema");
    if matches!(map.get("items"), Some(Value::Array(_))) {
        map.shift_remove("items");
    }

    for key in [
        "items",
        "not",
        "additionalProperties",
        "if",
        "then",
        "else",
        "contains",
        "propertyNames",
        "unevaluatedItems",
        "unevaluatedProperties",
    ] {
        if let Some(sub) = map.get_mut(key) {
            // `additionalProperties: true/false` is valid 3.0; leave booleans there.
            if !(key == "additionalProperties" && sub.is_boolean()) {
                downgrade_schema(sub);
            }
        }
    }
    for key in [
        "properties",
        "patternProperties",
        "$defs",
        "definitions",
        "dependentSchemas",
    ] {
        if let Some(Value::Object(subs)) = map.get_mut(key) {
            subs.values_mut().for_each(downgrade_schema);
        }
    }
    for key in ["allOf", "oneOf", "anyOf", "prefixItems"] {
        if let Some(Value::Array(subs)) = map.get_mut(key) {
            subs.iter_mut().for_each(downgrade_schema);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::{Diagnostic, Location, Severity};

    /// A fresh directory under the system temp dir with the given files, removed on drop.
    struct Fixture(PathBuf);

    impl std::ops::Deref for Fixture {
        type Target = Path;

        fn deref(&self) -> &Path {
            &self.0
        }
    }

    impl Drop for Fixture {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn fixture(test: &str, files: &[(&str, &str)]) -> Fixture {
        let dir = std::env::temp_dir().join(format!("arazzo-load-{}-{test}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("mkdir");
        for (name, text) in files {
            let path = dir.join(name);
            std::fs::create_dir_all(path.parent().expect("has a parent")).expect("mkdir");
            std::fs::write(path, text).expect("write fixture");
        }
        Fixture(dir)
    }

    fn run(base: &Path, file: &str, settings: &Settings) -> (Option<Loaded>, Vec<Diagnostic>) {
        let cx = Ctxt::new();
        let loaded = load(&cx, base, Path::new(file), settings);
        (loaded, cx.finish())
    }

    fn shared_dir() -> Option<PathBuf> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared");
        if dir.is_dir() {
            Some(dir)
        } else {
            eprintln!("note: {} is absent; skipping", dir.display());
            None
        }
    }

    fn at(line: usize, column: usize) -> Option<Location> {
        Some(Location { line, column })
    }

    const OPENAPI: &str = "\
openapi: 3.0.3
info: {title: pets, version: '1'}
paths:
  /pets/{id}:
    get:
      operationId: getPet
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        200: {description: ok}
";

    fn arazzo(sources: &str) -> String {
        format!(
            "arazzo: 1.0.1
info:
  title: t
  version: 1.0
sourceDescriptions:
{sources}
workflows:
  - workflowId: w
    steps:
      - stepId: s
        operationId: getPet
"
        )
    }

    #[test]
    fn loads_sources_relative_to_the_document() {
        let doc = arazzo("  - name: pets\n    url: ../openapi/./pets.yaml\n    type: openapi");
        let base = fixture(
            "relative",
            &[
                ("arazzo/doc.arazzo.yaml", &doc),
                ("openapi/pets.yaml", OPENAPI),
            ],
        );
        let (loaded, diagnostics) = run(&base, "arazzo/doc.arazzo.yaml", &Settings::default());
        assert_eq!(diagnostics, []);
        let loaded = loaded.expect("loads");
        assert_eq!(loaded.document.info.version, "1.0");
        assert_eq!(loaded.arazzo.path, PathBuf::from("arazzo/doc.arazzo.yaml"));
        let openapi = loaded.sources[0].as_openapi().expect("an OpenAPI source");
        assert_eq!(openapi.name, "pets");
        assert_eq!(openapi.file.path, PathBuf::from("openapi/pets.yaml"));
        assert_eq!(openapi.raw["openapi"], "3.0.3");
        assert!(openapi.operation_by_id("getPet").is_some());
        assert_eq!(
            loaded.files,
            [
                base.join("arazzo/doc.arazzo.yaml"),
                base.join("openapi/pets.yaml")
            ]
        );
        assert_eq!(loaded.document.source_descriptions[0].name, "pets");
        assert!(loaded.sources[0].as_openapi().is_some());
    }

    #[test]
    fn missing_file() {
        let base = fixture("missing", &[]);
        let (loaded, diagnostics) = run(&base, "tests/x.yml", &Settings::default());
        assert!(loaded.is_none());
        assert_eq!(diagnostics.len(), 1);
        assert_eq!(
            diagnostics[0].message,
            "couldn't read `tests/x.yml`: No such file or directory (os error 2)"
        );
        assert_eq!(diagnostics[0].file, PathBuf::from("tests/x.yml"));
        assert_eq!(diagnostics[0].location, None);
    }

    #[test]
    fn yaml_syntax_error() {
        let base = fixture(
            "bad-yaml",
            &[(
                "bad.yaml",
                "arazzo: 1.0.1\ninfo:\n  title: t\n version: 1\n",
            )],
        );
        let (loaded, diagnostics) = run(&base, "bad.yaml", &Settings::default());
        assert!(loaded.is_none());
        assert_eq!(diagnostics.len(), 1);
        let d = &diagnostics[0];
        assert_eq!(
            d.message,
            "couldn't parse `bad.yaml` as YAML: did not find expected key, while parsing a block mapping"
        );
        assert_eq!(d.location, at(4, 2));
        assert_eq!(d.line_text.as_deref(), Some(" version: 1"));
    }

    #[test]
    fn json_syntax_error() {
        let base = fixture(
            "bad-json",
            &[("bad.json", "{\n  \"arazzo\": \"1.0.1\",\n  \"info\": }\n")],
        );
        let (_, diagnostics) = run(&base, "bad.json", &Settings::default());
        assert_eq!(diagnostics.len(), 1);
        assert_eq!(
            diagnostics[0].message,
            "couldn't parse `bad.json` as JSON: expected value"
        );
        assert_eq!(diagnostics[0].location, at(3, 11));
    }

    #[test]
    fn wrong_type_points_at_the_value() {
        let doc = arazzo("  - name: pets\n    url: pets.yaml").replace(
            "        operationId: getPet\n",
            "        operationId: getPet\n        onFailure:\n          - name: again\n            type: retry\n            retryLimit: three\n",
        );
        let base = fixture("wrong-type", &[("doc.yaml", &doc), ("pets.yaml", OPENAPI)]);
        let (loaded, diagnostics) = run(&base, "doc.yaml", &Settings::default());
        assert!(loaded.is_none());
        assert_eq!(diagnostics.len(), 1);
        let d = &diagnostics[0];
        assert_eq!(d.message, "invalid type: string \"three\", expected u64");
        assert_eq!(d.path, "workflows[0].steps[0].onFailure[0].retryLimit");
        assert_eq!(d.location, at(16, 25));
        assert_eq!(d.width, 5);
    }

    #[test]
    fn missing_field_points_at_the_object() {
        let doc = "arazzo: 1.0.1\ninfo:\n  title: t\nsourceDescriptions: []\nworkflows: []\n";
        let base = fixture("missing-field", &[("doc.yaml", doc)]);
        let (_, diagnostics) = run(&base, "doc.yaml", &Settings::default());
        assert_eq!(diagnostics[0].message, "missing field `version`");
        assert_eq!(diagnostics[0].path, "info");
        assert_eq!(diagnostics[0].location, at(3, 3));
    }

    #[test]
    fn a_missing_source_suggests_a_file_of_that_name_nearby() {
        let doc = arazzo("  - name: petstore\n    url: ./openapi/pets.yaml");
        let base = fixture(
            "nearby",
            &[("doc.yaml", &doc), ("specs/v1/pets.yaml", OPENAPI)],
        );
        let (_, diagnostics) = run(&base, "doc.yaml", &Settings::default());
        assert_eq!(
            diagnostics[0].notes,
            [
                "help: a file of that name is at `specs/v1/pets.yaml`, from the document's folder; write `url: specs/v1/pets.yaml`",
                "help: map it to a local file: `sources = { petstore = \"path/to/file.yaml\" }` in the macro",
            ]
        );
    }

    #[test]
    fn remote_url_needs_a_mapping() {
        let doc = arazzo("  - name: petstore\n    url: https://example.com/openapi.yaml");
        let base = fixture(
            "remote",
            &[("doc.yaml", &doc), ("local/pets.yaml", OPENAPI)],
        );
        let (loaded, diagnostics) = run(&base, "doc.yaml", &Settings::default());
        let loaded = loaded.expect("the document itself loads");
        assert!(matches!(loaded.sources[0], LoadedSource::Failed));
        assert_eq!(diagnostics.len(), 1);
        let d = &diagnostics[0];
        assert_eq!(
            d.message,
            "source description `petstore` has a remote url `https://example.com/openapi.yaml`"
        );
        assert_eq!(
            d.notes,
            [
                "note: the generator never fetches over the network",
                "help: map it to a local file: `sources = { petstore = \"path/to/file.yaml\" }` in the macro",
            ]
        );
        assert_eq!(d.path, "sourceDescriptions[0].url");
        assert_eq!(d.location, at(7, 10));
        assert_eq!(d.width, 32);

        // With a mapping (relative to the base directory) it loads.
        let mut settings = Settings::default();
        settings.with_source("petstore", "local/pets.yaml");
        let (loaded, diagnostics) = run(&base, "doc.yaml", &settings);
        assert_eq!(diagnostics, []);
        let loaded = loaded.expect("loads");
        let openapi = loaded.sources[0].as_openapi().expect("an OpenAPI source");
        assert_eq!(openapi.file.path, PathBuf::from("local/pets.yaml"));

        // A file named as the URL's last segment under the document's folder is suggested,
        // in the syntax of the front end.
        std::fs::create_dir_all(base.join("specs")).unwrap();
        std::fs::write(base.join("specs/openapi.yaml"), OPENAPI).unwrap();
        let mut cli = Settings::default();
        cli.with_front_end(crate::FrontEnd::Cli);
        let (_, diagnostics) = run(&base, "doc.yaml", &cli);
        assert_eq!(
            diagnostics[0].notes[1],
            "help: map it to a local file: `--source petstore=specs/openapi.yaml`"
        );
    }

    #[test]
    fn unused_mapping_is_a_warning() {
        let doc = arazzo("  - name: petstore\n    url: pets.yaml");
        let base = fixture(
            "unused-mapping",
            &[("doc.yaml", &doc), ("pets.yaml", OPENAPI)],
        );
        let mut settings = Settings::default();
        settings.with_source("petstor", "pets.yaml");
        let (_, diagnostics) = run(&base, "doc.yaml", &settings);
        assert_eq!(diagnostics.len(), 1);
        assert_eq!(diagnostics[0].severity, Severity::Warning);
        assert_eq!(
            diagnostics[0].message,
            "`sources` maps `petstor`, but no source description has that name"
        );
        assert_eq!(diagnostics[0].notes, ["help: did you mean `petstore`?"]);
    }

    #[test]
    fn swagger_2_loads_and_other_versions_and_missing_sources_are_all_reported() {
        let doc = arazzo(
            "  - name: old\n    url: swagger.json\n  - name: gone\n    url: nowhere.yaml\n  - name: older\n    url: swagger12.json",
        );
        let swagger = "{\"swagger\": \"2.0\", \"info\": {\"title\": \"x\", \"version\": \"1\"}, \"host\": \"api.example.com\", \"paths\": {}}";
        let swagger12 = "{\"swagger\": \"1.2\", \"info\": {\"title\": \"x\", \"version\": \"1\"}}";
        let base = fixture(
            "swagger",
            &[
                ("doc.yaml", &doc),
                ("swagger.json", swagger),
                ("swagger12.json", swagger12),
            ],
        );
        let (loaded, diagnostics) = run(&base, "doc.yaml", &Settings::default());
        let loaded = loaded.expect("the document itself loads");
        let old = loaded.sources[0]
            .as_openapi()
            .expect("Swagger 2.0 is converted");
        assert_eq!(old.spec.openapi, "3.0.3");
        assert_eq!(old.spec.servers[0].url, "https://api.example.com");
        assert!(matches!(loaded.sources[1], LoadedSource::Failed));
        assert!(matches!(loaded.sources[2], LoadedSource::Failed));
        let messages: Vec<&str> = diagnostics.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "couldn't read `nowhere.yaml` for source description `gone`: No such file or directory (os error 2)",
                "`swagger12.json` is Swagger 1.2, which is not supported; use Swagger 2.0 or OpenAPI 3",
            ]
        );
        assert_eq!(diagnostics[0].location, at(9, 10));
        assert_eq!(
            diagnostics[0].notes,
            ["help: map it to a local file: `sources = { gone = \"path/to/file.yaml\" }` in the macro"]
        );
        // Both Swagger files were read; the missing one was not.
        assert_eq!(loaded.files.len(), 3);
    }

    #[test]
    fn invalid_openapi_is_located_in_its_own_file() {
        let doc = arazzo("  - name: pets\n    url: pets.yaml");
        let bad = OPENAPI.replace("200: {description: ok}", "200: {content: {}}");
        let base = fixture("bad-openapi", &[("doc.yaml", &doc), ("pets.yaml", &bad)]);
        let (loaded, diagnostics) = run(&base, "doc.yaml", &Settings::default());
        assert!(matches!(
            loaded.expect("loads").sources[0],
            LoadedSource::Failed
        ));
        assert_eq!(diagnostics.len(), 1);
        let d = &diagnostics[0];
        assert_eq!(d.file, PathBuf::from("pets.yaml"));
        assert_eq!(
            d.message,
            "invalid OpenAPI description: missing field `description`"
        );
        assert_eq!(d.path, "paths[\"/pets/{id}\"].get.responses[200]");
        assert_eq!(d.location, at(10, 14));
    }

    #[test]
    fn arazzo_sources_load_recursively_and_cycles_are_caught() {
        let inner = arazzo("  - name: pets\n    url: pets.yaml\n  - name: back\n    url: outer.yaml\n    type: arazzo");
        let outer =
            arazzo("  - name: inner\n    url: inner.yaml\n  - name: pets\n    url: pets.yaml");
        let base = fixture(
            "recursive",
            &[
                ("outer.yaml", &outer),
                ("inner.yaml", &inner),
                ("pets.yaml", OPENAPI),
            ],
        );
        let (loaded, diagnostics) = run(&base, "outer.yaml", &Settings::default());
        let loaded = loaded.expect("loads");
        let inner = loaded.sources[0].as_arazzo().expect("an Arazzo source");
        assert_eq!(loaded.document.source_descriptions[0].name, "inner");
        assert!(inner.sources[0].as_openapi().is_some());
        assert!(matches!(inner.sources[1], LoadedSource::Failed));
        assert!(loaded.sources[1].as_openapi().is_some());
        assert_eq!(diagnostics.len(), 1);
        assert_eq!(diagnostics[0].severity, Severity::Warning);
        assert_eq!(
            diagnostics[0].message,
            "source description `back` refers back to `outer.yaml`, which is already being loaded; \
             its workflows cannot be called through `back`"
        );
        assert_eq!(diagnostics[0].file, PathBuf::from("inner.yaml"));
        assert_eq!(loaded.files.len(), 3);
    }

    #[test]
    fn declared_type_must_match_content() {
        let doc = arazzo("  - name: pets\n    url: pets.yaml\n    type: arazzo");
        let base = fixture("mismatch", &[("doc.yaml", &doc), ("pets.yaml", OPENAPI)]);
        let (_, diagnostics) = run(&base, "doc.yaml", &Settings::default());
        assert_eq!(
            diagnostics[0].message,
            "source description `pets` has `type: arazzo`, but `pets.yaml` is an OpenAPI description"
        );
        assert_eq!(diagnostics[0].path, "sourceDescriptions[0].type");
        assert_eq!(diagnostics[0].location, at(8, 11));
    }

    #[test]
    fn openapi_given_as_the_arazzo_document() {
        let base = fixture("not-arazzo", &[("pets.yaml", OPENAPI)]);
        let (loaded, diagnostics) = run(&base, "pets.yaml", &Settings::default());
        assert!(loaded.is_none());
        assert_eq!(
            diagnostics[0].message,
            "`pets.yaml` is an OpenAPI description, not an Arazzo document"
        );
    }

    #[test]
    fn merge_keys_are_applied() {
        let mut value: Value =
            serde_yaml::from_str("base: &b {a: 1, b: 2}\nx:\n  <<: *b\n  b: 3\n").expect("parses");
        apply_merge_keys(&mut value);
        assert_eq!(value["x"], serde_json::json!({"b": 3, "a": 1}));
    }

    #[test]
    fn strips_parser_positions() {
        assert_eq!(
            strip_positions("did not find expected key at line 4 column 2, while parsing a block mapping at line 1 column 1"),
            "did not find expected key, while parsing a block mapping"
        );
        assert_eq!(strip_positions("look at line items"), "look at line items");
    }

    #[test]
    fn downgrades_openapi_31_schemas() {
        let mut value = serde_json::json!({
            "openapi": "3.1.0",
            "jsonSchemaDialect": "x",
            "info": {"title": "t", "version": "1"},
            "components": {"schemas": {"S": {
                "type": "object",
                "properties": {
                    "name": {"type": ["string", "null"], "examples": ["a"]},
                    "n": {"type": "integer", "exclusiveMinimum": 0},
                    "k": {"const": "fixed"},
                    "any": true,
                    "type": {"type": "null"}
                }
            }}}
        });
        downgrade_openapi(&mut value);
        let properties = &value["components"]["schemas"]["S"]["properties"];
        assert_eq!(
            properties["name"],
            serde_json::json!({"type": "string", "nullable": true, "example": "a"})
        );
        assert_eq!(
            properties["n"],
            serde_json::json!({"type": "integer", "exclusiveMinimum": true, "minimum": 0})
        );
        assert_eq!(properties["k"], serde_json::json!({"enum": ["fixed"]}));
        assert_eq!(properties["any"], serde_json::json!({}));
        assert_eq!(properties["type"], serde_json::json!({"nullable": true}));
        assert_eq!(value["openapi"], "3.0.3");
        assert!(value.get("jsonSchemaDialect").is_none());
        let spec: openapiv3::OpenAPI = serde_json::from_value(value).expect("parses as 3.0");
        assert!(spec.components.is_some());
    }

    #[test]
    fn auth0_openapi_31_loads() {
        let Some(shared) = shared_dir() else { return };
        let dir = shared.join("specs/auth0/arazzo");
        let Some(first) = std::fs::read_dir(&dir)
            .ok()
            .and_then(|entries| entries.filter_map(Result::ok).map(|e| e.path()).min())
        else {
            return;
        };
        let (loaded, diagnostics) = run(
            &dir,
            first.to_str().unwrap_or_default(),
            &Settings::default(),
        );
        let errors: Vec<String> = diagnostics.iter().map(Diagnostic::render_full).collect();
        assert!(errors.is_empty(), "{errors:#?}");
        let loaded = loaded.expect("loads");
        let openapi = loaded.sources[0].as_openapi().expect("an OpenAPI source");
        assert!(openapi.raw["openapi"]
            .as_str()
            .is_some_and(|v| v.starts_with("3.1")));
        assert!(openapi.operations().len() > 100);
    }
}

/// Loads every Arazzo document of the shared corpus and counts problems by kind; run with
/// `cargo test -p arazzo-codegen --lib corpus_smoke -- --ignored --nocapture`.
#[cfg(test)]
mod corpus {
    use std::collections::BTreeMap;

    use super::*;

    fn collect(dir: &Path, out: &mut Vec<PathBuf>, all: bool) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.filter_map(Result::ok) {
            let path = entry.path();
            if path.is_dir() {
                collect(&path, out, all);
                continue;
            }
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default();
            let arazzo = [".arazzo.yaml", ".arazzo.yml", ".arazzo.json"]
                .iter()
                .any(|suffix| name.ends_with(suffix));
            if arazzo || (all && (name.ends_with(".yml") || name.ends_with(".yaml"))) {
                out.push(path);
            }
        }
    }

    /// A message with its specifics (backticked names, numbers) blanked out.
    fn kind(message: &str) -> String {
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
        out.chars().take(140).collect()
    }

    /// Print every diagnostic, not just the counts.
    const VERBOSE: bool = false;

    #[test]
    #[ignore = "slow: loads the whole shared corpus"]
    fn corpus_smoke() {
        let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared");
        if !shared.is_dir() {
            eprintln!("note: {} is absent; skipping", shared.display());
            return;
        }
        let mut files = Vec::new();
        collect(&shared.join("corpus"), &mut files, false);
        for provider in ["auth0", "kinde", "stytch"] {
            collect(
                &shared.join("specs").join(provider).join("arazzo"),
                &mut files,
                true,
            );
        }
        files.sort();
        let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
        let (mut ok, mut failed) = (0, 0);
        for file in &files {
            let relative = file.strip_prefix(&shared).unwrap_or(file);
            let cx = Ctxt::new();
            let loaded = load(&cx, &shared, relative, &Settings::default());
            let diagnostics = cx.finish();
            if loaded.is_some() && diagnostics.is_empty() {
                ok += 1;
            } else {
                failed += 1;
            }
            for d in &diagnostics {
                *kinds.entry(kind(&d.message)).or_default() += 1;
                if VERBOSE {
                    eprintln!("{}", d.render_full());
                }
            }
        }
        eprintln!(
            "{} documents: {ok} clean, {failed} with diagnostics",
            files.len()
        );
        let mut sorted: Vec<_> = kinds.into_iter().collect();
        sorted.sort_by_key(|(_, count)| std::cmp::Reverse(*count));
        for (kind, count) in sorted {
            eprintln!("{count:5}  {kind}");
        }
    }
}
