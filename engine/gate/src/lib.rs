//! verdict-gate (in progress).
