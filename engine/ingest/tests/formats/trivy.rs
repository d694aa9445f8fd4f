//! Tests of the `trivy` format (to be written).
