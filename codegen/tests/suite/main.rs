//! The generator's tests, in one test binary (the dependencies are linked once):
//! diagnostics and generated-code snapshots, the corpus of published documents, hostile
//! inputs, and the real public specs of `../shared`. Run one module with
//! `cargo test -p arazzo-codegen --test suite corpus::`.

mod corpus;
mod diagnostics;
mod hostile;
mod output;
mod shared_specs;
