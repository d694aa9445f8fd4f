//! Tests of the `cyclonedx` format (to be written).
