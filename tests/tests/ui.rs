//! Compile-fail cases of the macro: the `.stderr` files show every error and warning with
//! its location. Regenerate with `TRYBUILD=overwrite` and review the diff.
//!
//! trybuild compiles each case in a directory of its own, so the macro is told where this
//! crate is through `ARAZZO_MANIFEST_DIR_OVERRIDE` (see dtolnay/trybuild#202).
//!
//! Only compile-fail cases are here: with a pass case trybuild builds (not only checks)
//! every dependency, twice, under `target/tests/trybuild`, gigabytes on a clean machine.
//! What must compile is compiled by the main build instead: the snapshots of generated code
//! in `src/lib.rs` (as a library) and `src/bin/snapshots.rs` (as a binary, with a document
//! whose warnings `allow` drops).

#[test]
fn ui() {
    std::env::set_var("ARAZZO_MANIFEST_DIR_OVERRIDE", env!("CARGO_MANIFEST_DIR"));
    let t = trybuild::TestCases::new();
    t.compile_fail("ui/*.rs");
}
