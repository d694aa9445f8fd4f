//! Tests of the `cobertura` format (to be written).
