//! The intermediate representation of a checked document: what `emit` turns into code.

/// The intermediate representation of a whole document.
pub(crate) struct Plan {}
