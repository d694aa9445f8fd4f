//! Tests of the `go_cover` format (to be written).
