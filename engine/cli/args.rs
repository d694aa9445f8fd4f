//! Argument definitions, apart from the work they trigger (`commands/`).

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// verdict: a policy-as-code compliance and security gate for CI.
#[derive(Debug, Parser)]
#[command(name = "verdict", version, about)]
pub struct Cli {
    /// More logging on stderr (-v info: each input, plugin and policy with its
    /// time; -vv debug; -vvv trace, with the WebAssembly compiler's).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Only errors on stderr.
    #[arg(short, long, global = true)]
    pub quiet: bool,
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read scanner outputs into the evidence model and show it.
    Ingest(IngestArgs),
    /// List the supported input formats.
    Formats,
    /// Run the gate: ingest, evaluate every policy, decide, report.
    Check(Box<CheckArgs>),
    /// Check the gate without running it: every plugin loads and matches
    /// its pin, every policy's configuration (in scope or not), waivers,
    /// attestations. Every problem at once. Same as `check --dry-run`.
    Validate(Box<GateArgs>),
    /// Record today's violations, so that `check --baseline` fails only on new ones.
    #[command(subcommand)]
    Baseline(BaselineCommand),
    /// Re-run a stored verdict on the same inputs and confirm its decision.
    Verify(Box<VerifyArgs>),
    /// Run policy test cases (`*.toml`), like `opa test`.
    Test(TestArgs),
    /// Create and inspect policy plugins.
    #[command(subcommand)]
    Plugin(PluginCommand),
    /// Render a stored verdict (`--format json`) in other formats.
    Report(crate::commands::report::ReportArgs),
    /// Verify and list the audit ledger of verdicts (`check --ledger`).
    #[command(subcommand)]
    Ledger(crate::commands::ledger::LedgerCommand),
    /// Period reports from the audit ledger (`audit report`).
    #[command(subcommand)]
    Audit(crate::commands::audit::AuditCommand),
}

/// `verdict ingest`.
#[derive(Debug, Args)]
pub struct IngestArgs {
    /// Files or directories. `FORMAT:PATH` forces the format of one input.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<String>,
    /// Force the format of every input (see `verdict formats`).
    #[arg(long, value_name = "ID")]
    pub format: Option<String>,
    /// What to print.
    #[arg(long, value_enum, default_value_t = IngestOutput::Summary)]
    pub output: IngestOutput,
    /// RustSec advisory database directory, for `Cargo.lock` inputs.
    #[arg(long, value_name = "DIR")]
    pub advisory_db: Option<PathBuf>,
}

/// `verdict ingest --output`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum IngestOutput {
    /// A table per input: format, records by kind and severity.
    Summary,
    /// The evidence as one JSON object.
    Json,
}

/// What defines a gate run: the gate file, the inputs, the run's context.
/// Shared by `check`, `validate`, `baseline create` and `verify`.
#[derive(Debug, Clone, Args)]
pub struct GateArgs {
    /// The gate configuration.
    #[arg(short, long, default_value = "verdict.toml", value_name = "FILE")]
    pub config: PathBuf,
    /// More inputs, besides those in the configuration: files, directories
    /// or globs (`reports/*.sarif`); `FORMAT:PATH` forces a format.
    #[arg(short, long = "input", value_name = "PATH")]
    pub inputs: Vec<String>,
    /// Target environment [default: $VERDICT_ENV].
    #[arg(long, value_name = "NAME")]
    pub env: Option<String>,
    /// Branch that was built [default: $GITHUB_HEAD_REF, $GITHUB_REF_NAME, $CI_MERGE_REQUEST_SOURCE_BRANCH_NAME or $CI_COMMIT_REF_NAME].
    #[arg(long, value_name = "NAME")]
    pub branch: Option<String>,
    /// For a pull or merge request, the branch it merges into; branch scopes follow it [default: $GITHUB_BASE_REF or $CI_MERGE_REQUEST_TARGET_BRANCH_NAME].
    #[arg(long, value_name = "NAME")]
    pub target_branch: Option<String>,
    /// What started the run: push, pull-request, schedule, deploy, manual, other [default: from $GITHUB_EVENT_NAME or $CI_PIPELINE_SOURCE].
    #[arg(long, value_name = "EVENT")]
    pub event: Option<String>,
    /// Version being deployed [default: $VERDICT_VERSION or $CI_COMMIT_TAG].
    #[arg(long, value_name = "VERSION")]
    pub version: Option<String>,
    /// The run's time, RFC 3339 [default: now]. Makes the run reproducible.
    #[arg(long, value_name = "TIME")]
    pub now: Option<String>,
    /// Who triggered the run [default: $GITHUB_ACTOR or $GITLAB_USER_LOGIN].
    #[arg(long, value_name = "NAME")]
    pub actor: Option<String>,
    /// Repository name [default: $GITHUB_REPOSITORY or $CI_PROJECT_PATH].
    #[arg(long, value_name = "OWNER/NAME")]
    pub repository: Option<String>,
    /// A repository tag pointing at the head commit (repeatable).
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    /// A git repository to read commits (and tags at head) from.
    #[arg(long, value_name = "DIR")]
    pub repo: Option<PathBuf>,
    /// Base revision for commits (exclusive).
    #[arg(long, value_name = "REV", requires = "repo")]
    pub base: Option<String>,
    /// Head revision for commits [default: HEAD].
    #[arg(long, value_name = "REV", requires = "repo")]
    pub head: Option<String>,
    /// An allowed signers file (git's `gpg.ssh.allowedSignersFile` format) to verify SSH commit signatures against [default: `allowed-signers` in the gate file].
    #[arg(long, value_name = "FILE", requires = "repo")]
    pub allowed_signers: Option<PathBuf>,
    /// A file of armored OpenPGP public keys to verify OpenPGP commit signatures against [default: `keyring` in the gate file].
    #[arg(long, value_name = "FILE", requires = "repo")]
    pub keyring: Option<PathBuf>,
    /// RustSec advisory database directory, for `Cargo.lock` inputs.
    #[arg(long, value_name = "DIR")]
    pub advisory_db: Option<PathBuf>,
    /// Where compiled plugins are cached [default: the user cache dir, or $VERDICT_CACHE_DIR].
    #[arg(long, value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,
    /// Compile plugins without the on-disk cache.
    #[arg(long)]
    pub no_cache: bool,
    /// Write 0 for durations, so the JSON verdict is byte-for-byte reproducible.
    #[arg(long)]
    pub no_timings: bool,
}

/// `verdict check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The gate.
    #[command(flatten)]
    pub gate: GateArgs,
    /// A report to write: `FORMAT` to stdout, or `FORMAT=FILE` (repeatable).
    /// Formats: console (default), json, sarif, junit, markdown, github,
    /// gitlab, html.
    #[arg(short, long = "format", value_name = "FORMAT[=FILE]", value_parser = parse_report)]
    pub formats: Vec<ReportTarget>,
    /// Fail only on violations not in this baseline (`verdict baseline create`).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Turn this soft policy's failure into a recorded override (repeatable;
    /// needs `--reason`). Hard policies cannot be overridden.
    #[arg(long = "override", value_name = "POLICY", requires = "reason")]
    pub overrides: Vec<String>,
    /// Why the overrides are acceptable; recorded with the actor.
    #[arg(long, value_name = "TEXT", requires = "overrides")]
    pub reason: Option<String>,
    /// Append the verdict to this audit ledger (`sqlite:PATH` or
    /// `postgres://…`) [default: `ledger` in the gate file, or $VERDICT_LEDGER].
    #[arg(long, value_name = "URL")]
    pub ledger: Option<String>,
    /// Only validate, as `verdict validate`.
    #[arg(long)]
    pub dry_run: bool,
}

/// One `--format FORMAT[=FILE]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportTarget {
    /// The format.
    pub format: verdict_report::OutputFormat,
    /// Where to write it; stdout when absent.
    pub path: Option<PathBuf>,
}

fn parse_report(text: &str) -> Result<ReportTarget, String> {
    let (format, path) = match text.split_once('=') {
        Some((format, path)) if !path.is_empty() => (format, Some(PathBuf::from(path))),
        Some(_) => return Err("expected FORMAT=FILE with a file name after `=`".to_owned()),
        None => (text, None),
    };
    Ok(ReportTarget {
        format: format.parse()?,
        path,
    })
}

/// `verdict baseline …`.
#[derive(Debug, Subcommand)]
pub enum BaselineCommand {
    /// Run the gate and record the fingerprints of every violation.
    Create {
        /// The gate.
        #[command(flatten)]
        gate: Box<GateArgs>,
        /// The baseline file to write.
        #[arg(short, long, value_name = "FILE")]
        output: PathBuf,
    },
}

/// `verdict verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The stored verdict (`--format json`).
    #[arg(value_name = "VERDICT.json")]
    pub verdict: PathBuf,
    /// The inputs to replay it on (each must match a recorded sha256).
    #[arg(short, long = "input", value_name = "PATH")]
    pub inputs: Vec<String>,
    /// The gate file [default: the recorded path]; must match the recorded sha256.
    #[arg(short, long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// The baseline the run used [default: the recorded path].
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// The repository, when the run read one (`--repo`); its head is the
    /// recorded commit.
    #[arg(long, value_name = "DIR")]
    pub repo: Option<PathBuf>,
    /// The base revision the run used with `--repo`.
    #[arg(long, value_name = "REV", requires = "repo")]
    pub base: Option<String>,
    /// RustSec advisory database directory, for `Cargo.lock` inputs.
    #[arg(long, value_name = "DIR")]
    pub advisory_db: Option<PathBuf>,
    /// Where compiled plugins are cached.
    #[arg(long, value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,
}

/// `verdict test`.
#[derive(Debug, Args)]
pub struct TestArgs {
    /// Test case files or directories searched for `*.toml` cases [default: .].
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Run only the cases whose `name`, or file name without `.toml`,
    /// contains TEXT.
    #[arg(long, visible_alias = "filter", value_name = "TEXT")]
    pub case: Option<String>,
    /// Where compiled plugins are cached.
    #[arg(long, value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,
}

/// `verdict plugin …`.
#[derive(Debug, Subcommand)]
pub enum PluginCommand {
    /// Scaffold a standalone policy plugin crate (like `cargo new`).
    New {
        /// Directory to create.
        path: PathBuf,
        /// Policy name (kebab-case) [default: the directory name].
        #[arg(long)]
        name: Option<String>,
    },
    /// Show what a plugin says about itself, and its sha256.
    Inspect {
        /// A `.wasm` component, or `builtin:NAME`.
        plugin: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

#[cfg(test)]
mod tests {
    #[test]
    fn arguments_are_consistent() {
        use clap::CommandFactory;
        super::Cli::command().debug_assert();
    }
}
