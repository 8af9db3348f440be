//! OpenAPI descriptions split over several files: `$ref`s to other files
//! (`./paths/pets.yaml`, `common.yaml#/components/schemas/Error`) are brought into the one
//! document the OpenAPI model reads.
//!
//! A reference to a named schema of another file (`…#/components/schemas/Pet`, or Swagger's
//! `…#/definitions/Pet`) becomes a schema of this document's `components` under the same
//! name (numbered when the name is taken), so generated types keep their names and
//! recursive schemas stay references. Any other reference (a path item, a parameter, a
//! response, a whole-file schema) is replaced by what it points to; one that reaches itself
//! again is hoisted into `components.schemas` instead, since only schemas can recurse.
//! References inside another file are relative to that file, local ones (`#/…`) included.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::{normalize_path, Loader};
use crate::openapi::percent_decode;
use crate::rules::Rule;
use crate::source::{escape_token, unescape_token, SourceFile};

/// Where a `$ref` points: a file and a JSON pointer into it.
type Target = (PathBuf, String);

/// The state of bundling one document.
struct Bundle {
    /// The document being bundled, absolute.
    root: PathBuf,
    /// The other files read, parsed (`None`: could not be read or parsed, and reported).
    documents: HashMap<PathBuf, Option<(SourceFile, Value)>>,
    /// Schemas hoisted into `components.schemas`, by target.
    hoisted_names: HashMap<Target, String>,
    /// Hoisted schemas, in the order they were named.
    hoisted: Vec<(String, Value)>,
    /// Schema names taken (this document's own and hoisted ones).
    taken: std::collections::HashSet<String>,
    /// The references being inlined, innermost last, to catch cycles.
    stack: Vec<Target>,
    /// Where the document keeps its schemas: `["components", "schemas"]` in OpenAPI 3,
    /// `["definitions"]` in Swagger 2.0.
    schemas_at: &'static [&'static str],
}

impl Loader<'_> {
    /// Brings the other files `value` (the document in `file`) refers to into it. Returns
    /// whether it referred to any (such a document must not be cached on its own text).
    pub(super) fn bundle_external_refs(&mut self, file: &SourceFile, value: &mut Value) -> bool {
        if !has_external_ref(value) {
            return false;
        }
        let schemas_at: &'static [&'static str] = if value.get("swagger").is_some() {
            &["definitions"]
        } else {
            &["components", "schemas"]
        };
        let taken = value
            .pointer(&format!("/{}", schemas_at.join("/")))
            .and_then(Value::as_object)
            .map(|schemas| schemas.keys().cloned().collect())
            .unwrap_or_default();
        let mut bundle = Bundle {
            root: file.abs_path.clone(),
            documents: HashMap::new(),
            hoisted_names: HashMap::new(),
            hoisted: Vec::new(),
            taken,
            stack: Vec::new(),
            schemas_at,
        };
        let root = file.abs_path.clone();
        self.walk(&mut bundle, value, &root, file, "");
        if !bundle.hoisted.is_empty() {
            let mut schemas = &mut *value;
            for key in bundle.schemas_at {
                schemas = ensure_object(schemas, key);
            }
            if let Value::Object(schemas) = schemas {
                for (name, schema) in bundle.hoisted {
                    schemas.insert(name, schema);
                }
            }
        }
        true
    }

    /// Rewrites every reference under `node`, which sits at `pointer` in the file `base`
    /// (shown through `shown`, for diagnostics).
    fn walk(
        &mut self,
        bundle: &mut Bundle,
        node: &mut Value,
        base: &Path,
        shown: &SourceFile,
        pointer: &str,
    ) {
        match node {
            Value::Object(map) => {
                if let Some(Value::String(reference)) = map.get("$ref") {
                    let reference = reference.clone();
                    if let Some(replacement) =
                        self.follow(bundle, &reference, base, shown, &format!("{pointer}/$ref"))
                    {
                        *node = replacement;
                    }
                    return;
                }
                for (key, child) in map.iter_mut() {
                    let child_pointer = format!("{pointer}/{}", escape_token(key));
                    self.walk(bundle, child, base, shown, &child_pointer);
                }
            }
            Value::Array(items) => {
                for (index, child) in items.iter_mut().enumerate() {
                    self.walk(bundle, child, base, shown, &format!("{pointer}/{index}"));
                }
            }
            _ => {}
        }
    }

    /// What the `$ref` `reference`, written in `base`, becomes: `None` to leave it as it is
    /// (a local reference of the document itself, or one that could not be followed and was
    /// reported).
    fn follow(
        &mut self,
        bundle: &mut Bundle,
        reference: &str,
        base: &Path,
        shown: &SourceFile,
        at: &str,
    ) -> Option<Value> {
        let (path, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        if path.contains("://") {
            self.cx
                .error(Rule::RemoteSource,
                    &shown.span(at),
                    format!("`$ref: {reference}` points to a remote file, which the generator does not fetch"),
                )
                .help("download it next to the description and refer to it by a relative path");
            return None;
        }
        let fragment = percent_decode(fragment).into_owned();
        let file = if path.is_empty() {
            base.to_path_buf()
        } else {
            let relative = percent_decode(path);
            normalize_path(
                &base
                    .parent()
                    .unwrap_or(Path::new(""))
                    .join(relative.as_ref()),
            )
        };
        if file == bundle.root {
            // Back into the document itself: a local reference there.
            return (base != bundle.root).then(|| local_ref(&fragment));
        }
        let target = (file.clone(), fragment.clone());
        if let Some(name) = bundle.hoisted_names.get(&target) {
            return Some(bundle.schema_ref(name));
        }
        let hoist = schema_name(&fragment).is_some() || bundle.stack.contains(&target);
        if hoist {
            let name = bundle.name_for(&target);
            bundle.hoisted_names.insert(target.clone(), name.clone());
        }

        let (document_file, content) =
            self.target(bundle, &file, &fragment, shown, at, reference)?;
        let mut content = content;
        bundle.stack.push(target.clone());
        self.walk(bundle, &mut content, &file, &document_file, &fragment);
        bundle.stack.pop();

        if let Some(name) = bundle.hoisted_names.get(&target).cloned() {
            bundle.hoisted.push((name.clone(), content));
            return Some(bundle.schema_ref(&name));
        }
        Some(content)
    }

    /// The value at `fragment` in `file` (read and parsed once), with the file it is in.
    fn target(
        &mut self,
        bundle: &mut Bundle,
        file: &Path,
        fragment: &str,
        shown: &SourceFile,
        at: &str,
        reference: &str,
    ) -> Option<(SourceFile, Value)> {
        if !bundle.documents.contains_key(file) {
            let loaded = match self.read(file) {
                Ok(text) => {
                    let display = self.display_for_absolute(file);
                    let source = SourceFile::new(display, file.to_path_buf(), text);
                    self.parse_value(&source).map(|value| (source, value))
                }
                Err(err) => {
                    self.cx.error(
                        Rule::UnreadableFile,
                        &shown.span(at),
                        format!(
                            "couldn't read `{}` for `$ref: {reference}`: {err}",
                            self.display_for_absolute(file).display()
                        ),
                    );
                    None
                }
            };
            bundle.documents.insert(file.to_path_buf(), loaded);
        }
        let (source, document) = bundle.documents.get(file)?.as_ref()?;
        match document.pointer(fragment) {
            Some(value) => Some((source.clone(), value.clone())),
            None => {
                self.cx.error(
                    Rule::DanglingRef,
                    &shown.span(at),
                    format!(
                        "`$ref: {reference}` points to nothing: `{}` has no `{fragment}`",
                        source.path.display()
                    ),
                );
                None
            }
        }
    }
}

impl Bundle {
    /// A reference to the hoisted schema `name`.
    fn schema_ref(&self, name: &str) -> Value {
        local_ref(&format!(
            "/{}/{}",
            self.schemas_at.join("/"),
            escape_token(name)
        ))
    }

    /// A schema name for a hoisted target, unique in the document.
    fn name_for(&mut self, target: &Target) -> String {
        let (file, fragment) = target;
        let base = schema_name(fragment)
            .map(str::to_owned)
            .or_else(|| {
                fragment
                    .rsplit('/')
                    .next()
                    .filter(|s| !s.is_empty())
                    .map(|s| unescape_token(s).into_owned())
            })
            .or_else(|| file.file_stem().map(|s| s.to_string_lossy().into_owned()))
            .unwrap_or_else(|| "Schema".to_owned());
        let mut name = base.clone();
        let mut n = 2;
        while !self.taken.insert(name.clone()) {
            name = format!("{base}{n}");
            n += 1;
        }
        name
    }
}

/// The name of the schema a fragment names (`/components/schemas/Pet`, `/definitions/Pet`).
fn schema_name(fragment: &str) -> Option<&str> {
    let name = fragment
        .strip_prefix("/components/schemas/")
        .or_else(|| fragment.strip_prefix("/definitions/"))?;
    (!name.contains('/')).then_some(name)
}

fn local_ref(fragment: &str) -> Value {
    let mut map = Map::new();
    map.insert("$ref".into(), Value::String(format!("#{fragment}")));
    Value::Object(map)
}

fn has_external_ref(value: &Value) -> bool {
    match value {
        Value::Object(map) => match map.get("$ref") {
            Some(Value::String(reference)) => !reference.starts_with('#'),
            _ => map.values().any(has_external_ref),
        },
        Value::Array(items) => items.iter().any(has_external_ref),
        _ => false,
    }
}

fn ensure_object<'v>(value: &'v mut Value, key: &str) -> &'v mut Value {
    let Value::Object(map) = value else {
        return value;
    };
    let entry = map
        .entry(key.to_owned())
        .or_insert_with(|| Value::Object(Map::new()));
    if !entry.is_object() {
        *entry = Value::Object(Map::new());
    }
    entry
}

#[cfg(test)]
mod tests;
