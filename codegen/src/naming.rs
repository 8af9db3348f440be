//! Rust names from Arazzo names: heck, sanitize, dedupe.
