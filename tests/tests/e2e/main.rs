//! Every end-to-end test of the macro's generated code, in one test binary: each module is
//! one Arazzo document (or one concern) against local servers on 127.0.0.1. One binary
//! links the dependencies once instead of once per file, which keeps a clean build's disk
//! use and link time down. Run one module with `cargo test -p arazzo-tests --test e2e kinde::`.
//!
//! The modules that record logs (`spans`, `secrets`) install their subscriber for their own
//! thread only, on a single-threaded runtime, so the tests running beside them stay out of
//! their logs.

// Each module keeps the generated code in a module named for its document, as the files
// did when each was a test binary of its own: `kinde::kinde`.
#![allow(clippy::module_inception)]

mod actions;
mod build_script;
mod clerk;
mod defaults;
mod encoding;
mod faults;
mod flows;
mod helpdesk;
mod k0rdent;
mod kinde;
mod krystal;
mod lenient;
mod messaging;
mod records;
mod restate;
mod secrets;
mod shared_clerk;
mod shared_seed;
mod shop;
mod spans;
mod swagger;
mod types;
mod v1_1;
