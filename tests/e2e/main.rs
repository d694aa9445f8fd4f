//! End-to-end tests of the verdict binary.
