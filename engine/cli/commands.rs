//! One subcommand per file; each returns the exit status or an error.

pub mod audit;
mod baseline;
mod check;
mod formats;
mod ingest;
pub mod ledger;
mod ledger_append;
mod plugin;
pub mod report;
mod test;
mod validate;
mod verify;

pub use ingest::inputs as ingest_inputs;

use crate::args::Command;
use crate::exit::ExitStatus;

/// Runs a command.
pub fn run(command: Command) -> anyhow::Result<ExitStatus> {
    match command {
        Command::Ingest(args) => ingest::run(&args),
        Command::Formats => formats::run(),
        Command::Check(args) => check::run(&args),
        Command::Validate(args) => validate::run(&args),
        Command::Baseline(command) => baseline::run(&command),
        Command::Verify(args) => verify::run(&args),
        Command::Test(args) => test::run(&args),
        Command::Plugin(command) => plugin::run(command),
        Command::Report(args) => report::run(&args),
        Command::Ledger(command) => ledger::run(&command),
        Command::Audit(command) => audit::run(&command),
    }
}
