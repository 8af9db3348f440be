//! Compile-fail cases of the macro, and a compile-pass check of the generated code snapshots:
//! the `.stderr` files show every error with its location. Regenerate with
//! `TRYBUILD=overwrite` and review the diff.
//!
//! trybuild compiles each case in a directory of its own, so the macro is told where this
//! crate is through `ARAZZO_MANIFEST_DIR_OVERRIDE` (see dtolnay/trybuild#202).

use std::path::Path;

#[test]
fn ui() {
    std::env::set_var("ARAZZO_MANIFEST_DIR_OVERRIDE", env!("CARGO_MANIFEST_DIR"));
    let t = trybuild::TestCases::new();
    t.compile_fail("ui/*.rs");
    // Every snapshot of generated code compiles under `#![deny(warnings)]`.
    t.pass("compile/snapshots.rs");
    t.pass("compile/allowed.rs");
}

/// A snapshot added to `codegen/tests/output` is compiled too: `compile/snapshots.rs` has a
/// module including each of them.
#[test]
fn every_snapshot_is_compiled() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let pass = std::fs::read_to_string(root.join("compile/snapshots.rs")).unwrap();
    let mut missing = Vec::new();
    for entry in std::fs::read_dir(root.join("../codegen/tests/output")).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if name.ends_with(".rs")
            && !pass.contains(&format!("include!(\"../../codegen/tests/output/{name}\")"))
        {
            missing.push(name);
        }
    }
    missing.sort();
    assert_eq!(
        missing,
        Vec::<String>::new(),
        "snapshots not in compile/snapshots.rs"
    );
}
