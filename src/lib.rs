#![doc = include_str!("../README.md")]
#[cfg(feature = "macros")]
pub use arazzo_macros::arazzo_workflow;
pub use arazzo_runtime::*;
