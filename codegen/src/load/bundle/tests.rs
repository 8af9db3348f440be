use std::path::{Path, PathBuf};

use serde_json::json;

use crate::diag::{Ctxt, Diagnostic};
use crate::load::{load, Loaded};
use crate::settings::Settings;

/// A directory of files, removed when dropped.
struct Fixture(PathBuf);

impl Drop for Fixture {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn fixture(test: &str, files: &[(&str, &str)]) -> Fixture {
    let dir = std::env::temp_dir().join(format!("arazzo-bundle-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for (name, text) in files {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().expect("has a parent")).expect("mkdir");
        std::fs::write(path, text).expect("write fixture");
    }
    Fixture(dir)
}

fn run(base: &Path) -> (Option<Loaded>, Vec<Diagnostic>) {
    let cx = Ctxt::new();
    let loaded = load(
        &cx,
        base,
        Path::new("doc.arazzo.yaml"),
        &Settings::default(),
    );
    (loaded, cx.finish())
}

const ARAZZO: &str = "\
arazzo: 1.0.1
info: {title: t, version: '1'}
sourceDescriptions:
  - {name: pets, url: openapi.yaml, type: openapi}
workflows:
  - workflowId: w
    steps:
      - {stepId: s, operationId: listPets}
";

const MAIN: &str = "\
openapi: 3.0.3
info: {title: pets, version: '1'}
paths:
  /pets:
    $ref: ./paths/pets.yaml
components:
  schemas:
    Pet: {type: string, description: this document's own Pet}
";

const PATHS: &str = "\
get:
  operationId: listPets
  responses:
    '200':
      description: ok
      content:
        application/json:
          schema: {$ref: '../schemas/pet.yaml#/components/schemas/Pet'}
    default:
      $ref: '../schemas/pet.yaml#/components/responses/Problem'
";

const SCHEMAS: &str = "\
components:
  schemas:
    Pet:
      type: object
      properties:
        name: {type: string}
        children: {type: array, items: {$ref: '#/components/schemas/Pet'}}
        owner: {$ref: './owner.yaml'}
  responses:
    Problem:
      description: a problem
      content:
        application/json:
          schema: {$ref: '#/components/schemas/Pet'}
";

const OWNER: &str = "\
type: object
properties:
  name: {type: string}
";

#[test]
fn a_split_description_is_bundled_keeping_schema_names_and_recursion() {
    let dir = fixture(
        "split",
        &[
            ("doc.arazzo.yaml", ARAZZO),
            ("openapi.yaml", MAIN),
            ("paths/pets.yaml", PATHS),
            ("schemas/pet.yaml", SCHEMAS),
            ("schemas/owner.yaml", OWNER),
        ],
    );
    let (loaded, diagnostics) = run(&dir.0);
    assert_eq!(diagnostics, []);
    let loaded = loaded.expect("loads");
    let source = loaded.sources[0].as_openapi().expect("an OpenAPI source");
    let raw = &source.raw;
    // The path item is inlined; the named schema of the other file is hoisted under its
    // own name, numbered since this document has a `Pet` of its own.
    assert_eq!(raw["paths"]["/pets"]["get"]["operationId"], "listPets");
    assert_eq!(
        raw["paths"]["/pets"]["get"]["responses"]["200"]["content"]["application/json"]["schema"],
        json!({"$ref": "#/components/schemas/Pet2"})
    );
    assert_eq!(
        raw["components"]["schemas"]["Pet2"],
        json!({
            "type": "object",
            "properties": {
                "name": {"type": "string"},
                "children": {"type": "array", "items": {"$ref": "#/components/schemas/Pet2"}},
                "owner": {"type": "object", "properties": {"name": {"type": "string"}}}
            }
        })
    );
    assert_eq!(raw["components"]["schemas"]["Pet"]["type"], "string");
    // A response of the other file is inlined; its local reference means that file's Pet.
    assert_eq!(
        raw["paths"]["/pets"]["get"]["responses"]["default"]["content"]["application/json"]
            ["schema"],
        json!({"$ref": "#/components/schemas/Pet2"})
    );
    assert!(source.spec.paths.paths.contains_key("/pets"));
    // Every file read is tracked (for rebuilds).
    let mut files: Vec<String> = loaded
        .files
        .iter()
        .map(|f| f.strip_prefix(&dir.0).unwrap().display().to_string())
        .collect();
    files.sort();
    assert_eq!(
        files,
        [
            "doc.arazzo.yaml",
            "openapi.yaml",
            "paths/pets.yaml",
            "schemas/owner.yaml",
            "schemas/pet.yaml"
        ]
    );
}

#[test]
fn missing_files_and_pointers_are_reported_where_the_reference_is() {
    let main = "\
openapi: 3.0.3
info: {title: pets, version: '1'}
paths:
  /pets:
    $ref: ./paths/nowhere.yaml
  /cats:
    $ref: './other.yaml#/paths/~1cats'
  /dogs:
    $ref: 'https://example.com/dogs.yaml'
";
    let dir = fixture(
        "missing",
        &[
            ("doc.arazzo.yaml", ARAZZO),
            ("openapi.yaml", main),
            ("other.yaml", "paths: {}\n"),
        ],
    );
    let (_, diagnostics) = run(&dir.0);
    let messages: Vec<(String, usize, usize)> = diagnostics
        .iter()
        .map(|d| {
            let at = d.location.expect("located");
            (d.message.clone(), at.line, at.column)
        })
        .collect();
    assert_eq!(
        messages,
        [
            (
                "couldn't read `paths/nowhere.yaml` for `$ref: ./paths/nowhere.yaml`: No such file or directory (os error 2)".to_owned(),
                5,
                11
            ),
            (
                "`$ref: ./other.yaml#/paths/~1cats` points to nothing: `other.yaml` has no `/paths/~1cats`".to_owned(),
                7,
                11
            ),
            (
                "`$ref: https://example.com/dogs.yaml` points to a remote file, which the generator does not fetch".to_owned(),
                9,
                11
            ),
        ]
    );
}
