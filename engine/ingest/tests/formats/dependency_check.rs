//! Tests of the `dependency_check` format (to be written).
