//! verdict-builtins (in progress).
