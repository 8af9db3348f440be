//! Hostile documents: an alias bomb, 10,000-deep nesting in YAML and JSON, and `$ref`
//! cycles in the OpenAPI description end with a clear error (or code), never a panic, a
//! hang or unbounded memory. The documents are generated into a directory under the target
//! directory. The fuzz targets in `fuzz/` search for more; what they find lands here.

use std::path::{Path, PathBuf};

use arazzo_codegen::fuzzing;
use arazzo_codegen::{Output, Severity};

/// A directory of its own for each test.
fn dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("hostile")
        .join(name);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

const HEADER: &str = "arazzo: 1.0.1\ninfo: {title: t, version: '1'}\nsourceDescriptions: [{name: api, url: ./api.openapi.yml, type: openapi}]\n";

const OPENAPI: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      operationId: getA\n      responses:\n        '200': {description: ok}\n";

/// The rendered errors.
fn errors(output: &Output) -> Vec<String> {
    output
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| d.render())
        .collect()
}

/// Nine levels of ten aliases each: a billion `lol`s once expanded.
fn alias_bomb() -> String {
    let mut text = String::from("x-a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    let mut previous = 'a';
    for name in 'b'..='i' {
        let aliases = vec![format!("*{previous}"); 10].join(", ");
        text.push_str(&format!("x-{name}: &{name} [{aliases}]\n"));
        previous = name;
    }
    text
}

#[test]
fn an_alias_bomb_in_the_arazzo_document() {
    let doc = format!("{}{HEADER}workflows: []\n", alias_bomb());
    let output = fuzzing::document(&dir("bomb"), doc.as_bytes(), OPENAPI.as_bytes());
    assert_eq!(
        errors(&output),
        ["couldn't parse `doc.arazzo.yml` as YAML: repetition limit exceeded\n  --> doc.arazzo.yml"]
    );
}

#[test]
fn an_alias_bomb_in_the_openapi_description() {
    let doc = format!("{HEADER}workflows:\n  - workflowId: w\n    steps:\n      - stepId: s\n        operationId: getA\n");
    let openapi = format!("{}{OPENAPI}", alias_bomb());
    let output = fuzzing::document(&dir("bomb-openapi"), doc.as_bytes(), openapi.as_bytes());
    assert_eq!(
        errors(&output),
        ["couldn't parse `api.openapi.yml` as YAML: repetition limit exceeded\n  --> api.openapi.yml"]
    );
}

#[test]
fn ten_thousand_levels_of_yaml() {
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let doc = format!("{HEADER}x-deep: {deep}\nworkflows: []\n");
    let output = fuzzing::document(&dir("deep-yaml"), doc.as_bytes(), OPENAPI.as_bytes());
    let errors = errors(&output);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    let error = &errors[0];
    assert!(
        error.starts_with("couldn't parse `doc.arazzo.yml` as YAML: recursion limit exceeded\n --> doc.arazzo.yml:4:136"),
        "{error}"
    );
    // The 20,000-character line is shown around the offending place only.
    assert!(error.len() < 600, "{} characters: {error}", error.len());
}

#[test]
fn ten_thousand_levels_of_block_yaml() {
    let mut deep = String::from("x-deep:\n");
    for level in 1..=10_000 {
        deep.push_str(&" ".repeat(level));
        deep.push_str("a:\n");
    }
    let doc = format!("{HEADER}{deep}workflows: []\n");
    let output = fuzzing::document(&dir("deep-block"), doc.as_bytes(), OPENAPI.as_bytes());
    let errors = errors(&output);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(
        errors[0].starts_with("couldn't parse `doc.arazzo.yml` as YAML: recursion limit exceeded"),
        "{errors:#?}"
    );
}

#[test]
fn ten_thousand_levels_of_json() {
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let doc = format!(
        r#"{{"arazzo": "1.0.1", "info": {{"title": "t", "version": "1"}}, "x-deep": {deep}, "sourceDescriptions": [{{"name": "api", "url": "./api.openapi.yml", "type": "openapi"}}], "workflows": []}}"#
    );
    let output = fuzzing::document(&dir("deep-json"), doc.as_bytes(), OPENAPI.as_bytes());
    let errors = errors(&output);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(
        errors[0].starts_with("couldn't parse `doc.arazzo.yml` as JSON: recursion limit exceeded\n --> doc.arazzo.yml:1:"),
        "{errors:#?}"
    );
    assert!(errors[0].len() < 600, "{}", errors[0]);
}

#[test]
fn ref_cycles_in_the_openapi_description() {
    let openapi = r##"openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /a:
    post:
      operationId: postA
      parameters:
        - $ref: '#/components/parameters/Loop'
      requestBody:
        $ref: '#/components/requestBodies/Loop'
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: { $ref: '#/components/schemas/Node' }
components:
  parameters:
    Loop: { $ref: '#/components/parameters/Loop' }
  requestBodies:
    Loop: { $ref: '#/components/requestBodies/Other' }
    Other: { $ref: '#/components/requestBodies/Loop' }
  schemas:
    Self: { $ref: '#/components/schemas/Self' }
    Node:
      type: object
      properties:
        next: { $ref: '#/components/schemas/Node' }
        ping: { $ref: '#/components/schemas/Pong' }
        self: { $ref: '#/components/schemas/Self' }
    Pong:
      type: object
      properties:
        back: { $ref: '#/components/schemas/Ping' }
    Ping: { $ref: '#/components/schemas/Pong' }
"##;
    let doc = format!(
        "{HEADER}workflows:\n  - workflowId: w\n    steps:\n      - stepId: s\n        operationId: postA\n        outputs:\n          next: $response.body#/next/next\n"
    );
    let output = fuzzing::document(&dir("ref-cycles"), doc.as_bytes(), openapi.as_bytes());
    assert_eq!(errors(&output), Vec::<String>::new());
    let warnings: Vec<String> = output
        .diagnostics
        .iter()
        .map(|d| d.message.clone())
        .collect();
    assert_eq!(
        warnings,
        [
            "`$ref` cycle in `api.openapi.yml`: `#/components/parameters/Loop` → `#/components/parameters/Loop` never reaches a definition",
            "`$ref` cycle in `api.openapi.yml`: `#/components/requestBodies/Loop` → `#/components/requestBodies/Other` → `#/components/requestBodies/Loop` never reaches a definition",
            "`$ref` cycle in `api.openapi.yml`: `#/components/schemas/Self` → `#/components/schemas/Self` never reaches a definition",
        ]
    );
    // The recursion through properties (`Node.next`, `Pong.back` → `Ping` → `Pong`) is not
    // a cycle of bare references, and the code is generated.
    assert!(output.tokens.to_string().contains("pub async fn w"));
}

#[test]
fn refs_that_point_nowhere() {
    let openapi = format!(
        "{OPENAPI}      parameters:\n        - $ref: '#/components/parameters/Missing'\n        - $ref: '#/components/parameters/Page'\ncomponents:\n  parameters:\n    Page: {{ $ref: '#/components/parameters/Gone' }}\n"
    );
    let doc = format!("{HEADER}workflows:\n  - workflowId: w\n    steps:\n      - stepId: s\n        operationId: getA\n");
    let output = fuzzing::document(&dir("dangling"), doc.as_bytes(), openapi.as_bytes());
    let warnings: Vec<String> = output.diagnostics.iter().map(|d| d.render_full()).collect();
    assert_eq!(
        warnings,
        [
            "warning[arazzo::dangling-ref]: `$ref` `#/components/parameters/Missing` points to nothing in `api.openapi.yml`\n  --> api.openapi.yml:10:17\n   |\n10 |         - $ref: '#/components/parameters/Missing'\n   |                 ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n   = at: paths[\"/a\"].get.parameters[0].$ref\n   = help: what uses it is left out of the generated code; fix the reference",
            "warning[arazzo::dangling-ref]: `$ref` `#/components/parameters/Gone` points to nothing in `api.openapi.yml`\n  --> api.openapi.yml:14:19\n   |\n14 |     Page: { $ref: '#/components/parameters/Gone' }\n   |                   ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n   = at: components.parameters.Page.$ref\n   = help: what uses it is left out of the generated code; fix the reference",
        ]
    );
}
