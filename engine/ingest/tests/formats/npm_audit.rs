//! Tests of the `npm_audit` format (to be written).
