//! Argument definitions, apart from the work they trigger (`commands/`).

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// verdict: a policy-as-code compliance and security gate for CI.
#[derive(Debug, Parser)]
#[command(name = "verdict", version, about)]
pub struct Cli {
    /// More logging on stderr (-v info, -vv debug, -vvv trace).
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
    /// Run policy test cases (`*.toml`), like `opa test`.
    Test(TestArgs),
    /// Create and inspect policy plugins.
    #[command(subcommand)]
    Plugin(PluginCommand),
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

/// `verdict check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The gate configuration.
    #[arg(short, long, default_value = "verdict.toml", value_name = "FILE")]
    pub config: PathBuf,
    /// More inputs, besides those in the configuration (`FORMAT:PATH` forces a format).
    #[arg(short, long = "input", value_name = "PATH")]
    pub inputs: Vec<String>,
    /// Report format.
    #[arg(short, long, value_enum, default_value_t = ReportFormat::Console)]
    pub format: ReportFormat,
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

/// `verdict check --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// A short summary for people.
    Console,
    /// The verdict document (`verdict/v1`).
    Json,
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
