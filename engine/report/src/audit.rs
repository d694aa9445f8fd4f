//! Period reports over the audit ledger (`verdict audit report`): what the
//! gate decided over a week or a month, for a security lead, an auditor or a
//! release manager.
//!
//! This crate does not read the ledger: the caller loads the records of the
//! period and the result of verifying the chain into an [`AuditInput`], and
//! [`AuditReport::build`] turns them into the report's model, which every
//! format renders:
//!
//! - **security summary**: decisions per day, top failing policies and rules,
//!   new versus fixed findings, vulnerabilities by severity over time,
//!   waivers expiring soon;
//! - **compliance audit**: each control's status over the period with the
//!   runs it rests on, attestations, waivers, overrides, and the ledger's
//!   integrity;
//! - **deployment log**: every run with an environment.
//!
//! Every string of a verdict document was written from a run's context and
//! scanner outputs, so it is attacker-controlled: the JSON output goes
//! through [`crate::text::json`], the HTML and Markdown outputs show each
//! string through [`crate::text::untrusted`] and then escape it for their
//! format. The output depends on the input only (no clock), so the same
//! ledger and period give the same bytes. `docs/audit.md` describes the
//! report and its heuristics.

mod html;
mod markdown;
mod model;

pub use model::{
    Approvals, AttestationRow, AuditReport, BucketDecisions, BucketSeverities, Compliance,
    ControlRow, ControlRun, Decisions, Deployment, FailingPolicy, FailingRule, FindingChange,
    Findings, Integrity, OverrideRow, Period, Security, StreamChanges, WaiverRow,
};

use serde::Serialize;
use std::io;
use verdict_gate::document::Verdict;

/// Everything a period report is built from.
#[derive(Debug, Clone)]
pub struct AuditInput {
    /// The ledger's URL, password redacted.
    pub ledger: String,
    /// Runs at or after this time (RFC 3339).
    pub since: String,
    /// Runs strictly before this time (RFC 3339).
    pub until: String,
    /// The records of the period, in any order (the report sorts them by run
    /// time, then sequence number).
    pub records: Vec<AuditRecord>,
    /// The result of verifying the whole chain.
    pub integrity: LedgerIntegrity,
    /// Only controls of this framework in the compliance audit (`hipaa`:
    /// controls whose id starts with `hipaa-`, `hipaa:` or `hipaa.`, any
    /// case).
    pub framework: Option<String>,
    /// The repository the records were filtered on, to say so.
    pub repository: Option<String>,
    /// The environment the records were filtered on, to say so.
    pub environment: Option<String>,
    /// Which parts to build.
    pub kinds: Kinds,
}

/// One ledger record of the period.
#[derive(Debug, Clone)]
pub struct AuditRecord {
    /// Its sequence number in the ledger.
    pub seq: u64,
    /// Its hash in the chain.
    pub hash: String,
    /// When the ledger recorded it (RFC 3339).
    pub recorded_at: String,
    /// Head commit, when the run read a `git` source.
    pub commit: Option<String>,
    /// The verdict document as recorded.
    pub verdict: Verdict,
}

/// The result of verifying the ledger's chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LedgerIntegrity {
    /// No record was edited, deleted, inserted or reordered.
    pub intact: bool,
    /// Records checked and found intact.
    pub records: u64,
    /// The hash of the last intact record.
    pub head_hash: String,
    /// Whether every record's signature was checked against a key.
    pub signatures_checked: bool,
    /// The first problem (`record N edited: …`), when not intact.
    pub problem: Option<String>,
    /// The sequence number of the record the problem is about.
    pub problem_seq: Option<u64>,
}

/// Which parts of the report to build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Kinds {
    /// The security summary.
    pub security: bool,
    /// The compliance audit.
    pub compliance: bool,
    /// The deployment log.
    pub deployments: bool,
}

impl Kinds {
    /// Every part.
    pub const ALL: Kinds = Kinds {
        security: true,
        compliance: true,
        deployments: true,
    };
}

/// The output formats of `verdict audit report`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditFormat {
    /// One self-contained HTML page with inline SVG charts.
    Html,
    /// Markdown, for a wiki page or an issue.
    Markdown,
    /// The report's model as JSON (`verdict-audit/v1`).
    Json,
}

/// Writes the report in a format. The text ends with a newline.
pub fn render_audit(
    format: AuditFormat,
    report: &AuditReport,
    out: &mut dyn io::Write,
) -> io::Result<()> {
    match format {
        AuditFormat::Html => html::render(report, out),
        AuditFormat::Markdown => markdown::render(report, out),
        AuditFormat::Json => {
            crate::text::json::to_writer_pretty(&mut *out, report).map_err(io::Error::other)?;
            out.write_all(b"\n")
        }
    }
}

/// Renders the report to a string (tests, small reports).
pub fn render_audit_string(format: AuditFormat, report: &AuditReport) -> String {
    let mut bytes = Vec::new();
    // Writing into a Vec cannot fail.
    let _ = render_audit(format, report, &mut bytes);
    String::from_utf8_lossy(&bytes).into_owned()
}
