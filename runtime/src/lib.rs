//! The arazzo runtime.
