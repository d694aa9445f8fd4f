//! Tests of the `sarif` format (to be written).
