//! Queries over a loaded OpenAPI description.
