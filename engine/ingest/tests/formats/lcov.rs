//! Tests of the `lcov` format (to be written).
