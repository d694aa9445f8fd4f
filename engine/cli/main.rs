//! The `verdict` command line: parses arguments, runs one command, maps its
//! result to an exit code (see `exit.rs` and `docs/exit-codes.md`).

mod args;
mod commands;
mod context;
mod exit;
mod gate;
mod load;

use clap::Parser;
use exit::ExitStatus;

/// Ingest allocates a few small strings per record, from several threads at
/// once; mimalloc does that markedly faster than the system allocator (see
/// bench/README.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Transparent huge pages off for this process. verdict touches its large
/// allocations once, for seconds; with huge pages the kernel zeroes 2 MiB at
/// a time and compacts memory to find them, which on the project's VM made
/// the system time of the 1M-result gate swing between 0.8 and 2.8 s, against
/// about 1.0 s without (bench/peers/RESULTS.md, run F). Best effort: a
/// kernel that refuses the call changes nothing else.
fn no_transparent_huge_pages() {
    #[cfg(target_os = "linux")]
    let _ = rustix::thread::disable_transparent_huge_pages(true);
}

fn main() -> std::process::ExitCode {
    no_transparent_huge_pages();
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
///
/// Log fields carry untrusted text (paths, a plugin's stderr, error strings),
/// so every field value is shown through `verdict_report::text::untrusted`
/// ([`SafeFields`]): a log line stays one line and starts with its level.
fn init_logging(verbose: u8, quiet: bool) {
    let level = match (quiet, verbose) {
        (true, _) => "error",
        (false, 0) => "warn",
        // verdict's own debug lines at -vv; the compiler's and runtime's
        // (hundreds per plugin compiled) only at -vvv.
        (false, 1) => "info",
        (false, 2) => "info,verdict=debug",
        (false, _) => "trace",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(level));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .without_time()
        .fmt_fields(SafeFields)
        .with_ansi(
            std::env::var_os("NO_COLOR").is_none()
                && std::io::IsTerminal::is_terminal(&std::io::stderr()),
        )
        .init();
}

/// Formats log fields as `message key=value …`, each value neutralised.
struct SafeFields;

impl<'writer> tracing_subscriber::fmt::FormatFields<'writer> for SafeFields {
    fn format_fields<R: tracing_subscriber::field::RecordFields>(
        &self,
        mut writer: tracing_subscriber::fmt::format::Writer<'writer>,
        fields: R,
    ) -> std::fmt::Result {
        let mut visitor = SafeVisitor {
            writer: &mut writer,
            result: Ok(()),
            first: true,
        };
        fields.record(&mut visitor);
        visitor.result
    }
}

struct SafeVisitor<'a, 'writer> {
    writer: &'a mut tracing_subscriber::fmt::format::Writer<'writer>,
    result: std::fmt::Result,
    first: bool,
}

impl SafeVisitor<'_, '_> {
    fn write(&mut self, field: &tracing::field::Field, value: &str) {
        if self.result.is_err() {
            return;
        }
        let separator = if std::mem::take(&mut self.first) {
            ""
        } else {
            " "
        };
        let value = verdict_report::text::untrusted(value).max_chars(LOG_VALUE_CHARS);
        self.result = if field.name() == "message" {
            write!(self.writer, "{separator}{value}")
        } else {
            write!(self.writer, "{separator}{}={value}", field.name())
        };
    }
}

/// Characters of one log field shown.
const LOG_VALUE_CHARS: usize = 2000;

impl tracing::field::Visit for SafeVisitor<'_, '_> {
    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        self.write(field, value);
    }

    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        // A message (`format_args!`) and `%value` fields debug-print as
        // their Display text.
        self.write(field, &format!("{value:?}"));
    }
}

/// Characters of the error and of each cause shown.
const ERROR_CHARS: usize = 2000;

/// One line on stderr: the error and its causes joined with `: `. Causes
/// quote file paths and plugin errors, so each is shown through
/// `verdict_report::text::untrusted`.
#[expect(clippy::print_stderr, reason = "the binary's single error reporter")]
fn report_error(error: &anyhow::Error) {
    let mut raw = error.to_string();
    let mut line = format!(
        "error: {}",
        verdict_report::text::untrusted(&raw).max_chars(ERROR_CHARS)
    );
    for cause in error.chain().skip(1) {
        let cause = cause.to_string();
        if !raw.contains(&cause) {
            line.push_str(&format!(
                ": {}",
                verdict_report::text::untrusted(&cause).max_chars(ERROR_CHARS)
            ));
            raw.push_str(": ");
            raw.push_str(&cause);
        }
    }
    eprintln!("{line}");
}
