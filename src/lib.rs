//! Arazzo workflows as strongly typed async Rust.
pub use arazzo_runtime::*;
#[cfg(feature = "macros")]
pub use arazzo_macros::arazzo_workflow;
