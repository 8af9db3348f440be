//! Runtime expressions and criteria.
