//! verdict-report (in progress).
