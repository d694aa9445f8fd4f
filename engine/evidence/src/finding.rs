//! Findings: code scanning, lint and IaC misconfiguration results.

use crate::{Severity, SourceIndex};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// A place in a file.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Location {
    /// Path as the tool reported it (URI schemes such as `file://` removed).
    pub path: Arc<str>,
    /// First line, 1-based.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_line: Option<u32>,
    /// Last line, 1-based, inclusive.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_line: Option<u32>,
}

impl Location {
    /// A location covering one file, or lines of it.
    pub fn new(path: impl Into<Arc<str>>, start_line: Option<u32>, end_line: Option<u32>) -> Self {
        Location {
            path: path.into(),
            start_line,
            end_line,
        }
    }
}

/// What a tool says about one of its rules. Shared by every finding of the
/// rule.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleInfo {
    /// Short name or title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Short description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Where the rule is documented.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help_uri: Option<String>,
    /// IaC provider (`AWS`, `Kubernetes`…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    /// IaC service (`s3`, `general`…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
}

/// One result of a code scanner, linter or IaC checker.
///
/// `tool`, `rule_id` and location paths are shared strings: a million results
/// from one run repeat a few hundred of each, and sharing keeps the evidence
/// near the size of what is distinct in it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// Index of the input file this came from.
    pub source: SourceIndex,
    /// The tool that reported it (`CodeQL`, `Semgrep OSS`, `bandit`, `trivy`…).
    pub tool: Arc<str>,
    /// The tool's rule id.
    pub rule_id: Arc<str>,
    /// Normalized severity.
    pub severity: Severity,
    /// The tool's own word for it (SARIF effective level, bandit's `HIGH`…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<Arc<str>>,
    /// What the tool said.
    pub message: String,
    /// Where, when the tool said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    /// Stable identity across runs: the tool's own fingerprint when it gives
    /// one, otherwise a hash of tool, rule, path and region (see
    /// [`fingerprint`](crate::fingerprint)).
    pub fingerprint: String,
    /// CWE ids as `CWE-79`. Shared: findings of one rule carry the rule's list.
    #[serde(default, skip_serializing_if = "is_empty")]
    pub cwes: Arc<[String]>,
    /// Free-form tags the tool attached (categories, precision, OWASP ids…).
    /// Shared like `cwes`.
    #[serde(default, skip_serializing_if = "is_empty")]
    pub tags: Arc<[String]>,
    /// True when the tool itself records a suppression (SARIF `suppressions`,
    /// `# nosec` in bandit).
    #[serde(default)]
    pub suppressed: bool,
    /// SARIF `baselineState` (`new`, `unchanged`, `updated`, `absent`) when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline_state: Option<Arc<str>>,
    /// The tool's numeric severity, 0.0–10.0 (SARIF `security-severity`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    /// The rule's metadata, shared by the rule's findings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<Arc<RuleInfo>>,
}

impl Finding {
    /// A finding with the given identity and everything else empty: severity
    /// `info`, no location, empty message and fingerprint. Parsers fill the rest.
    pub fn new(
        source: SourceIndex,
        tool: impl Into<Arc<str>>,
        rule_id: impl Into<Arc<str>>,
    ) -> Self {
        Finding {
            source,
            tool: tool.into(),
            rule_id: rule_id.into(),
            severity: Severity::Info,
            level: None,
            message: String::new(),
            location: None,
            fingerprint: String::new(),
            cwes: Arc::default(),
            tags: Arc::default(),
            suppressed: false,
            baseline_state: None,
            score: None,
            rule: None,
        }
    }
}

fn is_empty(list: &Arc<[String]>) -> bool {
    list.is_empty()
}
