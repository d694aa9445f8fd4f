//! Tests of the `bandit` format (to be written).
