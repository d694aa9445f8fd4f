//! `verdict ledger verify` and `verdict ledger list`: reading the audit
//! ledger `verdict check --ledger` appends to (see `docs/ledger.md`).
//!
//! Every string read from the ledger was written from a run's context
//! (branch names, actors: attacker-controlled), so the table shows each
//! through `untrusted`, and JSON goes through serde.

use crate::exit::ExitStatus;
use clap::{Args, Subcommand, ValueEnum};
use std::io::Write;
use std::path::PathBuf;
use verdict_gate::Decision;
use verdict_ledger::{Entry, Filter, Integrity, LEDGER_ENV, Ledger, PUBLIC_KEY_ENV, VerifyingKey};
use verdict_report::text::untrusted;

/// `verdict ledger`.
#[derive(Debug, Subcommand)]
pub enum LedgerCommand {
    /// Check every record's hash, its link to the previous record and, with
    /// a public key, its signature. Exit 0 intact, 1 tampered (the first bad
    /// record is named), 2 unreadable.
    Verify(VerifyArgs),
    /// List recorded verdicts, newest first.
    List(ListArgs),
}

/// The ledger to read: `--ledger`, else the gate file's `ledger`, else
/// `$VERDICT_LEDGER`: the order in which `check` finds the ledger it writes.
#[derive(Debug, Args)]
pub struct LedgerUrl {
    /// The ledger: `sqlite:PATH` or `postgres://USER:PASSWORD@HOST/DB`
    /// [default: the gate file's `ledger`, then $VERDICT_LEDGER].
    #[arg(long, value_name = "URL")]
    pub ledger: Option<String>,
    /// The gate file whose `ledger` is read without `--ledger` [default:
    /// `verdict.toml`, when there is one].
    #[arg(short, long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

impl LedgerUrl {
    /// The ledger's URL, found as [`LedgerUrl`] says.
    pub fn url(&self) -> anyhow::Result<String> {
        if let Some(url) = &self.ledger {
            return Ok(url.clone());
        }
        let path = self
            .config
            .clone()
            .unwrap_or_else(|| PathBuf::from("verdict.toml"));
        let from_file = if self.config.is_some() || path.exists() {
            match crate::load::config_at(&path)? {
                Ok(config) => config.ledger,
                Err(error) => return Err(error.into()),
            }
        } else {
            None
        };
        let from_env = std::env::var(LEDGER_ENV).ok().filter(|url| !url.is_empty());
        from_file.or(from_env).ok_or_else(|| {
            anyhow::anyhow!(
                "no ledger given: pass `--ledger URL`, a gate file with `ledger = \"…\"` (`--config FILE`), or set ${LEDGER_ENV}"
            )
        })
    }
}

/// `verdict ledger verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    #[command(flatten)]
    pub ledger: LedgerUrl,
    /// Require every record to be signed by this ed25519 public key (32
    /// bytes in hex).
    #[arg(long, env = PUBLIC_KEY_ENV, value_name = "HEX")]
    pub public_key: Option<String>,
    /// What to print.
    #[arg(long, value_enum, default_value_t = Output::Text)]
    pub output: Output,
}

/// `verdict ledger list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub ledger: LedgerUrl,
    /// Only this repository (`OWNER/NAME`).
    #[arg(long, value_name = "NAME")]
    pub repository: Option<String>,
    /// Only this environment.
    #[arg(long = "env", visible_alias = "environment", value_name = "NAME")]
    pub environment: Option<String>,
    /// Only this branch.
    #[arg(long, value_name = "NAME")]
    pub branch: Option<String>,
    /// Only this decision.
    #[arg(long, value_enum)]
    pub decision: Option<DecisionArg>,
    /// Only runs at or after this time (RFC 3339).
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,
    /// Only runs before this time (RFC 3339).
    #[arg(long, value_name = "TIME")]
    pub until: Option<String>,
    /// At most this many records, the newest.
    #[arg(long, default_value_t = 100, value_name = "N")]
    pub limit: u64,
    /// What to print.
    #[arg(long, value_enum, default_value_t = Output::Text)]
    pub output: Output,
}

/// `--output`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Output {
    /// For people: a summary line or a table.
    Text,
    /// One JSON document.
    Json,
}

/// `--decision`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DecisionArg {
    /// No violations.
    Pass,
    /// Violations of advisory policies only.
    Warn,
    /// Violations of soft or hard policies.
    Fail,
    /// The gate could not decide.
    Error,
    /// Out of scope.
    Skipped,
}

impl From<DecisionArg> for Decision {
    fn from(decision: DecisionArg) -> Decision {
        match decision {
            DecisionArg::Pass => Decision::Pass,
            DecisionArg::Warn => Decision::Warn,
            DecisionArg::Fail => Decision::Fail,
            DecisionArg::Error => Decision::Error,
            DecisionArg::Skipped => Decision::Skipped,
        }
    }
}

/// Runs a ledger command.
pub fn run(command: &LedgerCommand) -> anyhow::Result<ExitStatus> {
    match command {
        LedgerCommand::Verify(args) => verify(args),
        LedgerCommand::List(args) => list(args),
    }
}

/// An existing ledger, opened and verified.
pub(crate) struct Verified {
    pub ledger: Ledger,
    pub integrity: Integrity,
    /// The key its signatures were checked with, if one was given.
    pub key: Option<VerifyingKey>,
}

/// Opens an existing ledger and verifies its chain, and its signatures with
/// `public_key` (hex; empty or absent: none checked).
pub(crate) fn open_verified(url: &LedgerUrl, public_key: Option<&str>) -> anyhow::Result<Verified> {
    let key = public_key
        .filter(|key| !key.trim().is_empty())
        .map(VerifyingKey::from_hex)
        .transpose()?;
    let mut ledger = Ledger::open_existing(&url.url()?)?;
    let integrity = ledger.verify(key.as_ref())?;
    Ok(Verified {
        ledger,
        integrity,
        key,
    })
}

fn verify(args: &VerifyArgs) -> anyhow::Result<ExitStatus> {
    let Verified {
        ledger,
        integrity,
        key,
    } = open_verified(&args.ledger, args.public_key.as_deref())?;
    let mut out = std::io::stdout().lock();
    match args.output {
        Output::Json => {
            let json = serde_json::json!({
                "ledger": ledger.url(),
                "intact": integrity.problem.is_none(),
                "records": integrity.records,
                "head": integrity.head,
                "signatures_checked": integrity.signatures_checked,
                "key_id": key.as_ref().map(VerifyingKey::key_id),
                "problem": integrity.problem,
            });
            writeln!(out, "{}", serde_json::to_string_pretty(&json)?)?;
        }
        Output::Text => write_integrity(&mut out, ledger.url(), &integrity, key.as_ref())?,
    }
    Ok(if integrity.problem.is_none() {
        ExitStatus::Success
    } else {
        ExitStatus::Failure
    })
}

fn write_integrity(
    out: &mut impl Write,
    url: &str,
    integrity: &Integrity,
    key: Option<&VerifyingKey>,
) -> std::io::Result<()> {
    let signatures = match key {
        Some(key) => format!("every signature checked with key {}", key.key_id()),
        None => "signatures not checked (no --public-key)".to_owned(),
    };
    match &integrity.problem {
        None => writeln!(
            out,
            "ledger {} intact: {} records, head {}; {signatures}",
            untrusted(url),
            integrity.records,
            integrity.head
        ),
        Some(problem) => {
            writeln!(
                out,
                "ledger {} TAMPERED: record {} {}: {}",
                untrusted(url),
                problem.seq,
                problem.kind.as_str(),
                untrusted(&problem.detail)
            )?;
            writeln!(
                out,
                "{} records intact before it, up to hash {}",
                integrity.records, integrity.head
            )
        }
    }
}

fn list(args: &ListArgs) -> anyhow::Result<ExitStatus> {
    let filter = Filter {
        repository: args.repository.clone(),
        environment: args.environment.clone(),
        branch: args.branch.clone(),
        decision: args.decision.map(Decision::from),
        since: args.since.clone(),
        until: args.until.clone(),
        after_seq: None,
        limit: Some(args.limit),
    };
    let entries = Ledger::open_existing(&args.ledger.url()?)?.list(&filter)?;
    let mut out = std::io::stdout().lock();
    match args.output {
        Output::Json => writeln!(out, "{}", serde_json::to_string_pretty(&entries)?)?,
        Output::Text => write_table(&mut out, &entries)?,
    }
    Ok(ExitStatus::Success)
}

/// Characters of one table cell shown.
const CELL_CHARS: usize = 40;

/// Hex digits of a hash shown in the table.
const HASH_CHARS: usize = 12;

fn write_table(out: &mut impl Write, entries: &[Entry]) -> std::io::Result<()> {
    const HEADERS: [&str; 9] = [
        "SEQ",
        "RUN AT",
        "REPOSITORY",
        "BRANCH",
        "ENV",
        "VERSION",
        "ACTOR",
        "DECISION",
        "HASH",
    ];
    let cell = |text: Option<&str>| -> String {
        text.map(|text| untrusted(text).max_chars(CELL_CHARS).to_string())
            .unwrap_or_else(|| "-".to_owned())
    };
    let rows: Vec<[String; 9]> = entries
        .iter()
        .map(|entry| {
            [
                entry.seq.to_string(),
                cell(Some(&entry.now)),
                cell(entry.repository.as_deref()),
                cell(entry.branch.as_deref()),
                cell(entry.environment.as_deref()),
                cell(entry.version.as_deref()),
                cell(entry.actor.as_deref()),
                entry.decision.as_str().to_owned(),
                entry.hash.chars().take(HASH_CHARS).collect(),
            ]
        })
        .collect();
    let mut widths = HEADERS.map(str::len);
    for row in &rows {
        for (width, value) in widths.iter_mut().zip(row) {
            *width = (*width).max(value.chars().count());
        }
    }
    let line = |out: &mut dyn Write, values: &[&str]| -> std::io::Result<()> {
        let mut text = String::new();
        for (index, (value, width)) in values.iter().zip(widths).enumerate() {
            if index + 1 == values.len() {
                text.push_str(value);
            } else {
                let pad = width - value.chars().count();
                text.push_str(value);
                text.push_str(&" ".repeat(pad + 2));
            }
        }
        writeln!(out, "{}", text.trim_end())
    };
    line(out, &HEADERS)?;
    for row in &rows {
        let values: Vec<&str> = row.iter().map(String::as_str).collect();
        line(out, &values)?;
    }
    if rows.is_empty() {
        writeln!(out, "(no records)")?;
    }
    Ok(())
}
