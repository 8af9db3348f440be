//! Compile-fail cases of the macro, and compile-pass checks of generated code snapshots: their `.stderr` files show every error with its
//! location. Regenerate with `TRYBUILD=overwrite` and review the diff.
//!
//! trybuild compiles each case in a directory of its own, so the macro is told where this
//! crate is through `ARAZZO_MANIFEST_DIR_OVERRIDE` (see dtolnay/trybuild#202).

#[test]
fn ui() {
    std::env::set_var("ARAZZO_MANIFEST_DIR_OVERRIDE", env!("CARGO_MANIFEST_DIR"));
    let t = trybuild::TestCases::new();
    t.compile_fail("ui/*.rs");
    // Every snapshot of generated code compiles under `#![deny(warnings)]`.
    t.pass("compile/*.rs");
}
