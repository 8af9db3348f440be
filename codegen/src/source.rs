//! Source files and positions.
