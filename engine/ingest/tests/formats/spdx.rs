//! Tests of the `spdx` format (to be written).
