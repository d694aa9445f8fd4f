//! Tests of the `jacoco` format (to be written).
