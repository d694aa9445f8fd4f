//! Tests of the `gitleaks` format (to be written).
