//! Tests of the `safety` format (to be written).
