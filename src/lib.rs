//! Arazzo workflows as strongly typed async Rust.
#[cfg(feature = "macros")]
pub use arazzo_macros::arazzo_workflow;
pub use arazzo_runtime::*;
