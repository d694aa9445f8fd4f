//! Tests of the `pip_audit` format (to be written).
