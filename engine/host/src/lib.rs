//! verdict-host (in progress).
