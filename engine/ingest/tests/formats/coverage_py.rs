//! Tests of the `coverage_py` format (to be written).
