//! Tests of the `junit` format (to be written).
