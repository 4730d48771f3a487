//! Unit tests on hand-built box trees.
