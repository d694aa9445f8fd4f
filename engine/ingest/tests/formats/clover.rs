//! Tests of the `clover` format (to be written).
