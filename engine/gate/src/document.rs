//! The verdict document, version 1: what `verdict check` decided and why.
//!
//! Every report is rendered from this document alone, so any output can be
//! re-rendered from a stored JSON file. It is versioned (`format`), and it is
//! not a dump of internal structs: fields are added, never renamed or removed,
//! within `verdict/v1`.

use crate::{Decision, Enforcement};
use serde::{Deserialize, Serialize};
use verdict_evidence::policy::{Context, ControlResult, Violation};
use verdict_evidence::{Evidence, Kind, NoticeKind, SkippedFile};

/// The document format id.
pub const FORMAT: &str = "verdict/v1";

/// The whole verdict.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    /// Always [`FORMAT`].
    pub format: String,
    /// The verdict release that wrote it.
    pub verdict_version: String,
    /// The gate's decision.
    pub decision: Decision,
    /// The run.
    pub context: Context,
    /// Counts, for one-line summaries.
    pub summary: Summary,
    /// Every input file with its sha256.
    pub inputs: Vec<InputRecord>,
    /// Files under input directories that were not read, with the reason.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skipped_inputs: Vec<SkippedFile>,
    /// What inputs said about their scans.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notices: Vec<NoticeRecord>,
    /// Gate-level errors (not tied to one policy), e.g. incomplete scans.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<String>,
    /// Every policy, in configuration order.
    pub policies: Vec<PolicyReport>,
}

/// One input file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputRecord {
    /// Path as given.
    pub path: String,
    /// Format id.
    pub format: String,
    /// sha256 of the file.
    pub sha256: String,
    /// Producing tool, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool: Option<String>,
    /// Records read from it.
    pub records: u64,
    /// Kinds of evidence it speaks for.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub kinds: Vec<Kind>,
}

/// One notice about an input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticeRecord {
    /// The input's path.
    pub path: String,
    /// Kind.
    pub kind: NoticeKind,
    /// Message.
    pub message: String,
}

/// One policy's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PolicyReport {
    /// Policy id.
    pub id: String,
    /// `builtin:NAME` or the plugin path.
    pub plugin: String,
    /// sha256 of the plugin that ran (empty when it could not be read).
    pub plugin_sha256: String,
    /// The plugin's own name and version, when it described itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plugin_version: Option<String>,
    /// Enforcement level.
    pub enforcement: Enforcement,
    /// This policy's decision.
    pub decision: Decision,
    /// Violations, in the order the policy reported them.
    pub violations: Vec<Violation>,
    /// Control results.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub controls: Vec<ControlResult>,
    /// Notes that did not change the decision (from the policy, or the gate's
    /// own, such as required evidence missing under `missing = "warn"`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// Why the policy could not decide, when it could not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Why it was skipped, when out of scope.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skipped: Option<String>,
    /// Wall time of the evaluation in milliseconds (0 with `--no-timings`).
    pub duration_ms: u64,
}

/// Counts over the policies.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// Policies in the gate.
    pub policies: u64,
    /// Passed.
    pub passed: u64,
    /// Warned.
    pub warned: u64,
    /// Failed.
    pub failed: u64,
    /// Errored.
    pub errored: u64,
    /// Skipped (out of scope).
    pub skipped: u64,
    /// Violations over every policy.
    pub violations: u64,
}

impl Summary {
    /// Counts over policy reports.
    pub fn of(policies: &[PolicyReport]) -> Summary {
        let count = |decision| policies.iter().filter(|p| p.decision == decision).count() as u64;
        Summary {
            policies: policies.len() as u64,
            passed: count(Decision::Pass),
            warned: count(Decision::Warn),
            failed: count(Decision::Fail),
            errored: count(Decision::Error),
            skipped: count(Decision::Skipped),
            violations: policies.iter().map(|p| p.violations.len() as u64).sum(),
        }
    }
}

/// The input records and notices of ingested evidence.
pub fn inputs_of(evidence: &Evidence) -> (Vec<InputRecord>, Vec<NoticeRecord>) {
    let inputs = evidence
        .sources
        .iter()
        .map(|source| InputRecord {
            path: source.path.clone(),
            format: source.format.clone(),
            sha256: source.sha256.clone(),
            tool: source.tool.clone(),
            records: source.records,
            kinds: source.kinds.clone(),
        })
        .collect();
    let notices = evidence
        .notices
        .iter()
        .map(|notice| NoticeRecord {
            path: evidence
                .sources
                .get(notice.source as usize)
                .map(|s| s.path.clone())
                .unwrap_or_default(),
            kind: notice.kind,
            message: notice.message.clone(),
        })
        .collect();
    (inputs, notices)
}
