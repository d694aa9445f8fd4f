//! Tests of the `osv_scanner` format (to be written).
