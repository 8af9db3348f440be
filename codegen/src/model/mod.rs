//! Serde types for the Arazzo 1.0.x document.
