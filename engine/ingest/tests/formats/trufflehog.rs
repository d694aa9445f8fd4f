//! Tests of the `trufflehog` format (to be written).
