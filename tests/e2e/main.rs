//! End-to-end tests of the `verdict` binary: exit codes, stdout and stderr
//! together, on real scanner outputs and real plugins.

#![allow(
    clippy::unwrap_used,
    reason = "tests fail loudly on any unexpected error"
)]

mod audit;
mod check;
mod ci;
mod deploy_policies;
mod exceptions;
mod fail_closed;
mod git_policies;
mod hipaa_gate;
mod history;
mod hostile;
mod hostile_inputs;
mod hostile_kinds;
mod hostile_output;
mod hostile_plugins;
mod ingest;
mod ledger;
mod new_policies_fail_closed;
mod plugin;
mod report;
mod reviews;
mod scale;
mod seed_deploy_gates;
mod seed_gates;
mod signed_commits;
mod streamed_sarif;
mod support;
mod test_command;
mod verbose;
