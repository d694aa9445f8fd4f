//! End-to-end tests of the `verdict` binary: exit codes, stdout and stderr
//! together, on real scanner outputs and real plugins.

#![allow(
    clippy::unwrap_used,
    reason = "tests fail loudly on any unexpected error"
)]

mod check;
mod hostile;
mod ingest;
mod plugin;
mod support;
mod test_command;
