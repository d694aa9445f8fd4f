//! The verdict document, version 1: what `verdict check` decided and why.
//!
//! Every report is rendered from this document alone, so any output can be
//! re-rendered from a stored JSON file. It is versioned (`format`), and it is
//! not a dump of internal structs: fields are added, never renamed or removed,
//! within `verdict/v1`.

use crate::{Decision, Enforcement};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use verdict_evidence::policy::{Context, ControlResult, Violation};
use verdict_evidence::{Evidence, Kind, NoticeKind, Severity, SkippedFile};

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
    /// The gate file and every file it named that shaped the decision
    /// (waivers, baseline, attestations, framework mappings), with sha256:
    /// what `verdict verify` needs to replay the run.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub gate_files: Vec<GateFile>,
    /// Every waiver of the gate, with what it did on this run.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub waivers: Vec<WaiverRecord>,
    /// Overrides asked for on this run (`--override`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub overrides: Vec<OverrideRecord>,
    /// Attestations of controls no machine can check.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attestations: Vec<AttestationRecord>,
    /// The baseline the run was compared with (`--baseline`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<BaselineRecord>,
    /// Line coverage of the coverage reports read, overall and by directory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coverage: Option<CoverageSummary>,
}

/// Directories listed in [`CoverageSummary::by_directory`] at most.
pub const COVERAGE_DIRECTORIES: usize = 50;

/// Line coverage of the run's coverage reports, for reports' pictures.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoverageSummary {
    /// Lines measured.
    pub lines_total: u64,
    /// Lines covered.
    pub lines_covered: u64,
    /// Per directory (the first two path components), the directories with
    /// the most lines first, at most [`COVERAGE_DIRECTORIES`].
    pub by_directory: Vec<DirectoryCoverage>,
}

/// Line coverage of one directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirectoryCoverage {
    /// The directory (`src/app`), or `.` for files at the top.
    pub directory: String,
    /// Lines measured.
    pub lines_total: u64,
    /// Lines covered.
    pub lines_covered: u64,
}

/// The coverage summary of ingested evidence, when it has coverage.
pub fn coverage_of(evidence: &Evidence) -> Option<CoverageSummary> {
    if evidence.coverage.is_empty() {
        return None;
    }
    let mut directories: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    let mut summary = CoverageSummary::default();
    for file in &evidence.coverage {
        summary.lines_total += file.lines_total;
        summary.lines_covered += file.lines_covered;
        let path = file.path.trim_start_matches("./");
        let parts: Vec<&str> = path.split('/').collect();
        let directory = match parts.len() {
            0 | 1 => ".".to_owned(),
            2 => parts[0].to_owned(),
            _ => format!("{}/{}", parts[0], parts[1]),
        };
        let entry = directories.entry(directory).or_default();
        entry.0 += file.lines_total;
        entry.1 += file.lines_covered;
    }
    let mut ranked: Vec<DirectoryCoverage> = directories
        .into_iter()
        .map(
            |(directory, (lines_total, lines_covered))| DirectoryCoverage {
                directory,
                lines_total,
                lines_covered,
            },
        )
        .collect();
    ranked.sort_by_key(|directory| std::cmp::Reverse(directory.lines_total));
    ranked.truncate(COVERAGE_DIRECTORIES);
    summary.by_directory = ranked;
    Some(summary)
}

/// A file of the gate's own (not a scanner report).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GateFile {
    /// `gate`, `waivers`, `baseline`, `attestations` or `config-file`.
    pub role: String,
    /// Path as given or resolved against the gate file.
    pub path: String,
    /// sha256 of its bytes.
    pub sha256: String,
}

/// What a waiver did on this run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum WaiverStatus {
    /// In force and matched at least one violation.
    Applied,
    /// In force but matched nothing: it can be removed.
    Stale,
    /// Past its expiry: it no longer applies.
    Expired,
}

/// One waiver: an owned, time-boxed exception.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaiverRecord {
    /// Its id (given, or `<policy>#<n>` in file order).
    pub id: String,
    /// The policy it applies to.
    pub policy: String,
    /// Matches a violation's fingerprint exactly.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<String>,
    /// Matches a violation's rule or the scanner rule it is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// Matches one of the advisory ids a violation is about (any case).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub advisory: Option<String>,
    /// A glob the violation's location path must match.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Why the exception is acceptable.
    pub reason: String,
    /// Who answers for it.
    pub owner: String,
    /// Last day it applies (`YYYY-MM-DD`, inclusive, UTC).
    pub expires: String,
    /// What it did on this run.
    pub status: WaiverStatus,
    /// Violations it waived on this run.
    pub matched: u64,
}

/// An override of a soft policy's failure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OverrideRecord {
    /// The policy overridden.
    pub policy: String,
    /// Why, as given with `--reason`.
    pub reason: String,
    /// Who asked for it (`--actor`, else the CI's actor).
    pub actor: String,
    /// Whether it changed the outcome: false when the policy did not fail.
    pub applied: bool,
    /// The violations it let through.
    pub violations: u64,
}

/// Whether an attestation is in force.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AttestationStatus {
    /// Made on or before the run and not expired.
    Valid,
    /// Past its expiry: its control is not assessed.
    Expired,
}

/// A person's statement that a control is in place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttestationRecord {
    /// The control attested (e.g. `hipaa-164.308(a)(1)(ii)(A)`).
    pub control: String,
    /// What is attested.
    pub statement: String,
    /// Who attests it.
    pub by: String,
    /// When it was attested (`YYYY-MM-DD`).
    pub date: String,
    /// Where the evidence is (a link or document reference).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
    /// Last day it holds (`YYYY-MM-DD`, inclusive, UTC).
    pub expires: String,
    /// Whether it is in force on this run.
    pub status: AttestationStatus,
}

/// How the run compares with a baseline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BaselineRecord {
    /// The baseline file.
    pub path: String,
    /// Its sha256.
    pub sha256: String,
    /// When it was created (its run's `now`).
    pub created: String,
    /// Violations it recorded.
    pub entries: u64,
    /// Of those, still present on this run (not failing it).
    pub remaining: u64,
    /// Of those, gone on this run.
    pub fixed: u64,
    /// Violations of this run not in it (these decide).
    pub new: u64,
}

/// A violation a waiver let through.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaivedViolation {
    /// The waiver's id.
    pub waiver: String,
    /// The violation.
    pub violation: Violation,
}

/// Exact counts over all of a policy's violations, also those not listed in
/// detail.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ViolationCounts {
    /// Violations that count against the policy (not waived, not in the
    /// baseline).
    pub violations: u64,
    /// Of those, not listed in `violations` (beyond the detail limit).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub elided: u64,
    /// Waived violations.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub waived: u64,
    /// Violations already in the baseline.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub baselined: u64,
    /// Counting violations by rule.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub by_rule: BTreeMap<String, u64>,
    /// Counting violations by severity.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub by_severity: BTreeMap<Severity, u64>,
}

fn is_zero(value: &u64) -> bool {
    *value == 0
}

fn is_false(value: &bool) -> bool {
    !*value
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
    /// Violations that count against the policy, in the order the policy
    /// reported them; at most the gate's detail limit (see `counts`).
    pub violations: Vec<Violation>,
    /// Exact counts over every violation, listed or not.
    #[serde(default)]
    pub counts: ViolationCounts,
    /// Violations waivers let through (up to the detail limit).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub waived: Vec<WaivedViolation>,
    /// Its failure was overridden on this run (see `overrides`): it decides
    /// `warn`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub overridden: bool,
    /// Not in force yet: until this date (`YYYY-MM-DD`) its violations warn.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective_from: Option<String>,
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
    /// Violations over every policy (counting ones, listed or not).
    pub violations: u64,
    /// Violations waived.
    #[serde(default)]
    pub waived: u64,
    /// Violations in the baseline.
    #[serde(default)]
    pub baselined: u64,
    /// Policies whose failure was overridden.
    #[serde(default)]
    pub overridden: u64,
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
            violations: policies.iter().map(|p| p.counts.violations).sum(),
            waived: policies.iter().map(|p| p.counts.waived).sum(),
            baselined: policies.iter().map(|p| p.counts.baselined).sum(),
            overridden: policies.iter().filter(|p| p.overridden).count() as u64,
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
