//! Tests of the `detect_secrets` format (to be written).
