//! `verdict audit report`: a period report (security summary, compliance
//! audit, deployment log) from the audit ledger `verdict check --ledger`
//! appends to. See `docs/audit.md`.
//!
//! The ledger is read here (the report crate never sees it): the records of
//! the period and the result of verifying the whole chain go into an
//! [`AuditInput`]. A ledger that does not verify still gets its report, which
//! says so on top, and the command exits 1; an unreadable ledger or a bad
//! bound exits 2.

use crate::commands::ledger::{LedgerUrl, Verified, open_verified};
use crate::exit::ExitStatus;
use anyhow::Context as _;
use chrono::{DateTime, Days, NaiveDate, SecondsFormat, Utc};
use clap::{Args, Subcommand, ValueEnum};
use std::io::Write;
use std::path::PathBuf;
use verdict_ledger::{Filter, PUBLIC_KEY_ENV};
use verdict_report::audit::{
    AuditFormat, AuditInput, AuditRecord, AuditReport, Kinds, LedgerIntegrity, render_audit,
};

/// `verdict audit`.
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// A period report from the ledger: security summary, compliance audit
    /// (with the ledger's integrity) and deployment log. Exit 0 when the
    /// ledger verifies, 1 when it does not (the report says where), 2 when
    /// it cannot be read.
    Report(ReportArgs),
}

/// `verdict audit report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub ledger: LedgerUrl,
    /// First day (`YYYY-MM-DD`, UTC) or time (RFC 3339) of the period.
    #[arg(long, value_name = "DATE")]
    pub since: String,
    /// Last day of the period, included (`YYYY-MM-DD`, UTC), or a time
    /// (RFC 3339) before which runs count.
    #[arg(long, value_name = "DATE")]
    pub until: String,
    /// Which part of the report.
    #[arg(long, value_enum, default_value_t = KindArg::All)]
    pub kind: KindArg,
    /// Only the controls of this framework in the compliance audit (`hipaa`:
    /// controls `hipaa-…`).
    #[arg(long, value_name = "NAME")]
    pub framework: Option<String>,
    /// Only runs of this repository.
    #[arg(long, value_name = "NAME")]
    pub repository: Option<String>,
    /// Only runs for this environment.
    #[arg(long = "environment", visible_alias = "env", value_name = "NAME")]
    pub environment: Option<String>,
    /// Output format.
    #[arg(long, value_enum)]
    pub format: FormatArg,
    /// Write the report to this file instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Require every record to be signed by this ed25519 public key (32
    /// bytes in hex).
    #[arg(long, env = PUBLIC_KEY_ENV, value_name = "HEX")]
    pub public_key: Option<String>,
}

/// `--kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KindArg {
    /// Decisions, failing policies and rules, new and fixed findings,
    /// vulnerabilities, waivers expiring soon.
    Security,
    /// Controls, attestations, waivers, overrides, the ledger's integrity.
    Compliance,
    /// Every run with an environment.
    Deployments,
    /// All three.
    All,
}

/// `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// One self-contained HTML page with charts, to read, print and archive.
    Html,
    /// Markdown.
    Markdown,
    /// The report's figures as JSON (`verdict-audit/v1`).
    Json,
}

/// Runs an audit command.
pub fn run(command: &AuditCommand) -> anyhow::Result<ExitStatus> {
    match command {
        AuditCommand::Report(args) => report(args),
    }
}

fn report(args: &ReportArgs) -> anyhow::Result<ExitStatus> {
    let since = bound(&args.since, false).context("--since")?;
    let until = bound(&args.until, true).context("--until")?;
    if since >= until {
        anyhow::bail!(
            "the period is empty: --since {} is not before --until {}",
            since,
            until
        );
    }
    let Verified {
        mut ledger,
        integrity,
        ..
    } = open_verified(&args.ledger, args.public_key.as_deref())?;
    let since = since.to_rfc3339_opts(SecondsFormat::Secs, true);
    let until = until.to_rfc3339_opts(SecondsFormat::Secs, true);
    let records = ledger.records(&Filter {
        repository: args.repository.clone(),
        environment: args.environment.clone(),
        since: Some(since.clone()),
        until: Some(until.clone()),
        ..Filter::default()
    })?;
    let intact = integrity.problem.is_none();
    let input = AuditInput {
        ledger: ledger.url().to_owned(),
        since,
        until,
        records: records
            .into_iter()
            .map(|record| AuditRecord {
                seq: record.entry.seq,
                hash: record.entry.hash,
                recorded_at: record.entry.recorded_at,
                commit: record.entry.commit,
                verdict: record.verdict,
            })
            .collect(),
        integrity: LedgerIntegrity {
            intact,
            records: integrity.records,
            head_hash: integrity.head,
            signatures_checked: integrity.signatures_checked,
            problem_seq: integrity.problem.as_ref().map(|problem| problem.seq),
            problem: integrity.problem.map(|problem| {
                format!(
                    "record {} {}: {}",
                    problem.seq,
                    problem.kind.as_str(),
                    problem.detail
                )
            }),
        },
        framework: args.framework.clone(),
        repository: args.repository.clone(),
        environment: args.environment.clone(),
        kinds: match args.kind {
            KindArg::All => Kinds::ALL,
            KindArg::Security => Kinds {
                security: true,
                compliance: false,
                deployments: false,
            },
            KindArg::Compliance => Kinds {
                security: false,
                compliance: true,
                deployments: false,
            },
            KindArg::Deployments => Kinds {
                security: false,
                compliance: false,
                deployments: true,
            },
        },
    };
    let report = AuditReport::build(&input);
    let format = match args.format {
        FormatArg::Html => AuditFormat::Html,
        FormatArg::Markdown => AuditFormat::Markdown,
        FormatArg::Json => AuditFormat::Json,
    };
    match &args.output {
        Some(path) => {
            let file = fs_err::File::create(path)?;
            let mut out = std::io::BufWriter::new(file);
            render_audit(format, &report, &mut out)
                .and_then(|()| out.flush())
                .with_context(|| format!("writing the report to {}", path.display()))?;
        }
        None => {
            let mut out = std::io::stdout().lock();
            render_audit(format, &report, &mut out)?;
            out.flush()?;
        }
    }
    Ok(if intact {
        ExitStatus::Success
    } else {
        ExitStatus::Failure
    })
}

/// A bound of the period: a day (its start; for `--until`, the start of the
/// next day, so that the day is included) or an RFC 3339 time.
fn bound(text: &str, until: bool) -> anyhow::Result<DateTime<Utc>> {
    let text = text.trim();
    if let Ok(day) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        let day = if until {
            day.checked_add_days(Days::new(1))
                .context("the day after --until is out of range")?
        } else {
            day
        };
        return Ok(day.and_time(chrono::NaiveTime::MIN).and_utc());
    }
    DateTime::parse_from_rfc3339(text)
        .map(|time| time.to_utc())
        .map_err(|_| {
            anyhow::anyhow!(
                "`{}` is neither a day (YYYY-MM-DD) nor an RFC 3339 time",
                verdict_report::text::untrusted(text).max_chars(64)
            )
        })
}
