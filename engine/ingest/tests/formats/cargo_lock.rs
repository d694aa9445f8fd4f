//! Tests of the `cargo_lock` format (to be written).
