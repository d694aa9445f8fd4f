//! Tests of the `cargo_audit` format (to be written).
