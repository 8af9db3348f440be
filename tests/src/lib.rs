//! End-to-end and UI tests of arazzo live in `tests/`; this crate has no code of its own.
