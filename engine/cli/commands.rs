//! One subcommand per file; each returns the exit status or an error.

mod check;
mod formats;
mod ingest;
mod plugin;
mod test;

use crate::args::Command;
use crate::exit::ExitStatus;

/// Runs a command.
pub fn run(command: Command) -> anyhow::Result<ExitStatus> {
    match command {
        Command::Ingest(args) => ingest::run(&args),
        Command::Formats => formats::run(),
        Command::Check(args) => check::run(&args),
        Command::Test(args) => test::run(&args),
        Command::Plugin(command) => plugin::run(command),
    }
}
