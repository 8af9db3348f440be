//! Diagnostics, the fast path: each `tests/diagnostics/<rule>.arazzo.yml` is checked and
//! its rendered diagnostics are compared with `tests/diagnostics/<rule>.txt`. Run with
//! `EXPECTORATE=overwrite` to accept changes, and review the diff.

use std::path::Path;

use arazzo_codegen::{Generator, Settings};

#[track_caller]
fn check(rule: &str) {
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/diagnostics");
    let output = Generator::new(&Settings::default())
        .generate(&base, Path::new(&format!("{rule}.arazzo.yml")));
    let mut rendered: String = output
        .diagnostics
        .iter()
        .map(|d| d.render_full() + "\n\n")
        .collect();
    if rendered.is_empty() {
        rendered = "no diagnostics\n".to_owned();
    }
    expectorate::assert_contents(format!("tests/diagnostics/{rule}.txt"), &rendered);
}

#[test]
fn ok() {
    check("ok");
}

#[test]
fn document() {
    check("document");
}

#[test]
fn shape() {
    check("shape");
}

#[test]
fn operations() {
    check("operations");
}

#[test]
fn parameters() {
    check("parameters");
}

#[test]
fn expressions() {
    check("expressions");
}

#[test]
fn criteria() {
    check("criteria");
}

#[test]
fn flow() {
    check("flow");
}

#[test]
fn workflows() {
    check("workflows");
}

#[test]
fn flows() {
    check("flows");
}

#[test]
fn xml() {
    check("xml");
}

/// Arazzo 1.1: `$self`, Selector Objects, replacement target types, the step fields 1.1
/// added, AsyncAPI sources and steps (not generated yet).
#[test]
fn v1_1() {
    check("v1_1");
}

#[test]
fn v1_1_http() {
    check("v1_1_http");
}

/// The fields and objects of Arazzo 1.1 in a document that says 1.0.x.
#[test]
fn v1_0_features() {
    check("v1_0_features");
}

/// A remote `$self` makes the relative source urls remote too.
#[test]
fn self_remote() {
    check("self_remote");
}

/// AsyncAPI sources and steps: reported as not generated yet.
#[test]
fn asyncapi() {
    check("asyncapi");
}

/// Input `default`s that do not fit the input's type: each is a warning, and the input
/// stays an `Option`.
#[test]
fn defaults() {
    check("defaults");
}

/// Statuses: an output under one of several accepted statuses; a success status the
/// operation cannot return (error) and an undeclared error status in an action (warning);
/// pointers with the property they resemble; `$.length` on an array.
#[test]
fn statuses() {
    check("statuses");
}

/// The real Kinde workflow with four single-change defects: each is reported, with the
/// fix the schema suggests.
#[test]
fn kinde_defects() {
    check("kinde_defects");
}
