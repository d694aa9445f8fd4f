//! Tests of the `generic` format (to be written).
