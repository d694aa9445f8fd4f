//! The `verdict` command line: parses arguments, runs one command, maps its
//! result to an exit code (see `exit.rs` and `docs/exit-codes.md`).

mod args;
mod commands;
mod context;
mod exit;
mod gate;

use clap::Parser;
use exit::ExitStatus;

/// Ingest allocates a few small strings per record, from several threads at
/// once; mimalloc does that markedly faster than the system allocator (see
/// bench/README.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    let args = match args::Cli::try_parse() {
        Ok(args) => args,
        Err(error) => {
            // Help and version go to stdout with success; usage errors exit 2.
            let _ = error.print();
            return if error.use_stderr() {
                ExitStatus::Error.into()
            } else {
                ExitStatus::Success.into()
            };
        }
    };
    init_logging(args.verbose, args.quiet);
    let status = match commands::run(args.command) {
        Ok(status) => status,
        Err(error) => {
            report_error(&error);
            ExitStatus::Error
        }
    };
    status.into()
}

/// Logs go to stderr; data goes to stdout. `RUST_LOG` overrides the level.
fn init_logging(verbose: u8, quiet: bool) {
    let level = match (quiet, verbose) {
        (true, _) => "error",
        (false, 0) => "warn",
        (false, 1) => "info",
        (false, 2) => "debug",
        (false, _) => "trace",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(level));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .without_time()
        .with_ansi(
            std::env::var_os("NO_COLOR").is_none()
                && std::io::IsTerminal::is_terminal(&std::io::stderr()),
        )
        .init();
}

/// One line on stderr: the error and its causes joined with `: `.
#[expect(clippy::print_stderr, reason = "the binary's single error reporter")]
fn report_error(error: &anyhow::Error) {
    let mut line = format!("error: {error}");
    for cause in error.chain().skip(1) {
        let cause = cause.to_string();
        if !line.contains(&cause) {
            line.push_str(": ");
            line.push_str(&cause);
        }
    }
    eprintln!("{line}");
}
