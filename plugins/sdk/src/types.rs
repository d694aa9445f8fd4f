//! The evidence records a policy reads, as plain Rust types.
//!
//! They mirror the records of `wit/verdict.wit` field for field, but are the
//! SDK's own types: they derive what policies need (ordering, parsing from
//! configuration) and build natively, so policy logic is testable with plain
//! `cargo test`.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// How bad a record is, in one vocabulary for every tool.
///
/// Ordered from least to most severe, so `severity >= Severity::High` reads as
/// it should. [`Severity::Unknown`] (the tool gave none) orders above
/// `Critical`, so a threshold never lets an unknown through as harmless:
/// a policy that wants otherwise maps it explicitly (see
/// [`Severity::or_assume`]). Deserializes from the lowercase names (`"high"`),
/// which is what configurations use.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    /// Informational.
    Info,
    /// Low.
    Low,
    /// Medium.
    Medium,
    /// High.
    High,
    /// Critical.
    Critical,
    /// The tool gave no severity, or one verdict cannot place.
    Unknown,
}

impl Severity {
    /// Every severity, least severe first (`unknown` last).
    pub const ALL: [Severity; 6] = [
        Severity::Info,
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
        Severity::Unknown,
    ];

    /// This severity, or `assumed` when it is [`Severity::Unknown`] and the
    /// policy's configuration says how to treat unknowns.
    pub fn or_assume(self, assumed: Option<Severity>) -> Severity {
        match (self, assumed) {
            (Severity::Unknown, Some(assumed)) => assumed,
            (severity, _) => severity,
        }
    }

    /// The lowercase name used in configuration and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
            Severity::Unknown => "unknown",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = crate::Error;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Severity::ALL
            .into_iter()
            .find(|severity| severity.as_str() == text)
            .ok_or_else(|| {
                crate::Error::new(format!(
                    "unknown severity `{text}`: expected one of `info`, `low`, `medium`, `high`, `critical`, `unknown`"
                ))
            })
    }
}

/// The kinds of evidence a policy can consume.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// [`Finding`]s.
    Findings,
    /// [`Vulnerability`]s.
    Vulnerabilities,
    /// [`Secret`]s.
    Secrets,
    /// [`FileCoverage`].
    Coverage,
    /// [`Component`]s.
    Components,
    /// [`TestSuite`]s.
    Tests,
    /// [`Document`]s.
    Documents,
    /// [`Commit`]s.
    Commits,
    /// [`ChangedFile`]s and [`OwnerRule`]s.
    Changes,
    /// [`Tag`]s.
    Tags,
    /// [`PullRequest`]s.
    PullRequests,
    /// [`PastVerdict`]s: earlier runs of the gate, from the audit ledger.
    History,
}

impl Kind {
    /// Every kind.
    pub const ALL: [Kind; 12] = [
        Kind::Findings,
        Kind::Vulnerabilities,
        Kind::Secrets,
        Kind::Coverage,
        Kind::Components,
        Kind::Tests,
        Kind::Documents,
        Kind::Commits,
        Kind::Changes,
        Kind::Tags,
        Kind::PullRequests,
        Kind::History,
    ];

    /// The kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Findings => "findings",
            Kind::Vulnerabilities => "vulnerabilities",
            Kind::Secrets => "secrets",
            Kind::Coverage => "coverage",
            Kind::Components => "components",
            Kind::Tests => "tests",
            Kind::Documents => "documents",
            Kind::Commits => "commits",
            Kind::Changes => "changes",
            Kind::Tags => "tags",
            Kind::PullRequests => "pull-requests",
            Kind::History => "history",
        }
    }
}

/// What an advisory says about a package. Only `Vulnerability` and
/// `Malicious` are security flaws; the others are informational.
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum AdvisoryKind {
    /// A security vulnerability.
    #[default]
    Vulnerability,
    /// The package is no longer maintained.
    Unmaintained,
    /// Unsound code not known to be exploitable.
    Unsound,
    /// The installed release was yanked.
    Yanked,
    /// The advisory was withdrawn.
    Withdrawn,
    /// A malicious package.
    Malicious,
    /// Another informational notice.
    Informational,
}

impl AdvisoryKind {
    /// The kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            AdvisoryKind::Vulnerability => "vulnerability",
            AdvisoryKind::Unmaintained => "unmaintained",
            AdvisoryKind::Unsound => "unsound",
            AdvisoryKind::Yanked => "yanked",
            AdvisoryKind::Withdrawn => "withdrawn",
            AdvisoryKind::Malicious => "malicious",
            AdvisoryKind::Informational => "informational",
        }
    }
}

impl fmt::Display for AdvisoryKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A place in a file.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Location {
    /// Path as the tool reported it.
    pub path: String,
    /// First line, 1-based.
    pub start_line: Option<u32>,
    /// Last line, 1-based, inclusive.
    pub end_line: Option<u32>,
}

impl Location {
    /// A location naming only a file.
    pub fn file(path: impl Into<String>) -> Self {
        Location {
            path: path.into(),
            start_line: None,
            end_line: None,
        }
    }
}

/// An input file that was ingested.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Source {
    /// Path as given.
    pub path: String,
    /// Format id (`sarif`, `trivy`, `lcov`…).
    pub format: String,
    /// sha256 of the file, lowercase hex.
    pub sha256: String,
    /// Producing tool, when the file says.
    pub tool: Option<String>,
    /// Kinds of evidence the file speaks for, even with no records of them.
    pub kinds: Vec<Kind>,
}

/// A code scanning, lint or IaC result.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    /// Index into the sources list.
    pub source: u32,
    /// Tool name.
    pub tool: String,
    /// Tool's rule id.
    pub rule_id: String,
    /// Normalized severity.
    pub severity: Severity,
    /// The tool's own level word.
    pub level: Option<String>,
    /// The tool's message.
    pub message: String,
    /// Where.
    pub location: Option<Location>,
    /// Stable identity across runs.
    pub fingerprint: String,
    /// CWE ids (`CWE-79`).
    pub cwes: Vec<String>,
    /// Tool tags.
    pub tags: Vec<String>,
    /// Suppressed in the tool itself.
    pub suppressed: bool,
    /// SARIF baselineState, when given.
    pub baseline_state: Option<String>,
    /// The tool's numeric severity, 0.0–10.0 (SARIF `security-severity`).
    pub score: Option<f64>,
    /// The rule's metadata, when the tool gives it.
    pub rule: Option<RuleInfo>,
}

/// What a tool says about one of its rules.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RuleInfo {
    /// Short name or title.
    pub name: Option<String>,
    /// Short description.
    pub description: Option<String>,
    /// Where the rule is documented.
    pub help_uri: Option<String>,
    /// IaC provider (`AWS`, `Kubernetes`…).
    pub provider: Option<String>,
    /// IaC service (`s3`, `general`…).
    pub service: Option<String>,
}

/// An advisory affecting an installed package.
#[derive(Clone, Debug, PartialEq)]
pub struct Vulnerability {
    /// Index into the sources list.
    pub source: u32,
    /// Tool name.
    pub tool: String,
    /// Primary advisory id.
    pub id: String,
    /// Other ids of the same advisory.
    pub aliases: Vec<String>,
    /// Ecosystem (`crates.io`, `PyPI`, `npm`…).
    pub ecosystem: Option<String>,
    /// Package name.
    pub package: String,
    /// Installed version.
    pub version: Option<String>,
    /// Versions that fix it.
    pub fixed_versions: Vec<String>,
    /// Vulnerability, or an informational kind.
    pub kind: AdvisoryKind,
    /// Normalized severity.
    pub severity: Severity,
    /// CVSS base score.
    pub cvss_score: Option<f64>,
    /// Title.
    pub title: Option<String>,
    /// Manifest, lockfile or image target.
    pub target: Option<String>,
    /// Stable identity.
    pub fingerprint: String,
    /// CWE ids (`CWE-79`).
    pub cwes: Vec<String>,
}

/// A secret, redacted. The raw value never reaches a policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Secret {
    /// Index into the sources list.
    pub source: u32,
    /// Tool name.
    pub tool: String,
    /// Rule or detector.
    pub rule_id: String,
    /// Where.
    pub location: Option<Location>,
    /// Commit, for history scans.
    pub commit: Option<String>,
    /// Stable identity.
    pub fingerprint: String,
    /// Redacted form, e.g. `AKIA****(20 chars)`.
    pub redacted: String,
    /// Whether the tool verified it is live.
    pub verified: Option<bool>,
    /// Marked a false positive in the tool itself (an audited baseline).
    pub suppressed: bool,
}

/// Coverage of one file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileCoverage {
    /// Index into the sources list.
    pub source: u32,
    /// Covered file.
    pub path: String,
    /// Executable lines.
    pub lines_total: u64,
    /// Lines hit.
    pub lines_covered: u64,
    /// Branches.
    pub branches_total: u64,
    /// Branches taken.
    pub branches_covered: u64,
    /// Lines never hit, ascending.
    pub uncovered_lines: Vec<u32>,
    /// Lines hit at least once, ascending (empty when the format gives only counts).
    pub covered_lines: Vec<u32>,
}

/// Coverage summed over every file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CoverageTotals {
    /// Files.
    pub files: u64,
    /// Executable lines.
    pub lines_total: u64,
    /// Lines hit.
    pub lines_covered: u64,
    /// Branches.
    pub branches_total: u64,
    /// Branches taken.
    pub branches_covered: u64,
}

/// `covered / total` as a percentage, or `None` when there is nothing to cover.
pub fn percent(covered: u64, total: u64) -> Option<f64> {
    (total > 0).then(|| covered as f64 * 100.0 / total as f64)
}

impl FileCoverage {
    /// Line coverage in percent; `None` when the file has no executable lines.
    pub fn line_percent(&self) -> Option<f64> {
        percent(self.lines_covered, self.lines_total)
    }

    /// Branch coverage in percent; `None` when the file has no branches.
    pub fn branch_percent(&self) -> Option<f64> {
        percent(self.branches_covered, self.branches_total)
    }
}

impl CoverageTotals {
    /// Sums per-file coverage (what the host computes for `coverage-totals`).
    pub fn of<'a>(files: impl IntoIterator<Item = &'a FileCoverage>) -> Self {
        files
            .into_iter()
            .fold(CoverageTotals::default(), |mut totals, file| {
                totals.files += 1;
                totals.lines_total += file.lines_total;
                totals.lines_covered += file.lines_covered;
                totals.branches_total += file.branches_total;
                totals.branches_covered += file.branches_covered;
                totals
            })
    }

    /// Line coverage in percent; `None` when no line was executable.
    pub fn line_percent(&self) -> Option<f64> {
        percent(self.lines_covered, self.lines_total)
    }

    /// Branch coverage in percent; `None` when no branch was recorded.
    pub fn branch_percent(&self) -> Option<f64> {
        percent(self.branches_covered, self.branches_total)
    }
}

/// An SBOM component.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Component {
    /// Index into the sources list.
    pub source: u32,
    /// Name.
    pub name: String,
    /// Version.
    pub version: Option<String>,
    /// Ecosystem or purl type.
    pub ecosystem: Option<String>,
    /// Package URL.
    pub purl: Option<String>,
    /// SPDX ids or expressions; empty means unknown.
    pub licenses: Vec<String>,
    /// The scanner's own license category (Trivy: `forbidden`, `restricted`,
    /// `reciprocal`, `notice`, `permissive`, `unencumbered`, `unknown`).
    pub license_category: Option<String>,
    /// The scanner's own severity for the license.
    pub license_severity: Option<Severity>,
}

/// Outcome of a test case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TestStatus {
    /// Passed.
    Passed,
    /// Failed.
    Failed,
    /// Errored.
    Error,
    /// Skipped.
    Skipped,
}

/// A test case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TestCase {
    /// Name.
    pub name: String,
    /// Class or module.
    pub classname: Option<String>,
    /// Outcome.
    pub status: TestStatus,
    /// Failure, error or skip message.
    pub message: Option<String>,
}

/// A test suite.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TestSuite {
    /// Index into the sources list.
    pub source: u32,
    /// Name.
    pub name: String,
    /// Cases.
    pub tests: u64,
    /// Failed cases.
    pub failures: u64,
    /// Errored cases.
    pub errors: u64,
    /// Skipped cases.
    pub skipped: u64,
    /// The cases.
    pub cases: Vec<TestCase>,
}

/// Any other structured input (JSON, YAML, TOML), as JSON text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Document {
    /// Index into the sources list.
    pub source: u32,
    /// The content as JSON text.
    pub json: String,
}

impl Document {
    /// The content as a JSON value.
    pub fn value(&self) -> Result<serde_json::Value, crate::Error> {
        self.parse()
    }

    /// The content deserialized into `T`; an error names the failing field.
    pub fn parse<T: serde::de::DeserializeOwned>(&self) -> Result<T, crate::Error> {
        let mut deserializer = serde_json::Deserializer::from_str(&self.json);
        serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
            crate::Error::new(format!("document from source {}: {error}", self.source))
        })
    }
}

/// A git commit between `--base` and `--head`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Commit {
    /// Full hex id.
    pub id: String,
    /// Parent ids.
    pub parents: Vec<String>,
    /// Author name.
    pub author_name: String,
    /// Author email.
    pub author_email: String,
    /// Committer name.
    pub committer_name: String,
    /// Committer email.
    pub committer_email: String,
    /// Commit time, seconds since the Unix epoch.
    pub time: i64,
    /// The message.
    pub message: String,
    /// The signature block (`gpgsig`), armored, when signed.
    pub signature: Option<String>,
    /// What verdict found when it verified the signature.
    pub signature_check: SignatureCheck,
}

/// What an input said about the scan itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NoticeKind {
    /// The scan did not cover everything it should have.
    IncompleteScan,
    /// Anything else worth knowing.
    Warning,
}

/// A notice about an input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    /// Index into the sources list.
    pub source: u32,
    /// Kind.
    pub kind: NoticeKind,
    /// Message.
    pub message: String,
}

/// Host-side selection, so a policy is sent only what it needs: at a million
/// findings, what the sandbox never sees costs nothing. Every condition given
/// must hold.
///
/// The default selects every record except findings the tool suppressed.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Filter {
    /// Only records at or above this severity (kinds with a severity).
    pub min_severity: Option<Severity>,
    /// Only records at or below this severity.
    pub max_severity: Option<Severity>,
    /// Include findings the tool marked suppressed.
    pub include_suppressed: bool,
    /// Only findings whose tool gave a score at or above this (findings
    /// without a score are left out).
    pub min_score: Option<f64>,
    /// Only findings of these SARIF levels; empty means any.
    pub levels: Levels,
    /// With `levels`: findings without a SARIF level word pass too.
    pub unlevelled: bool,
    /// Only vulnerabilities of these advisory kinds; `None` means all.
    pub advisory_kinds: Option<AdvisoryKinds>,
    /// Only records whose tool matches one of these globs (case-insensitive).
    pub tools: Vec<String>,
    /// Records whose tool matches one of these globs are left out.
    pub exclude_tools: Vec<String>,
    /// Only findings whose rule id matches one of these globs.
    pub rules: Vec<String>,
    /// Findings whose rule id matches one of these globs are left out.
    pub exclude_rules: Vec<String>,
    /// Only findings whose path matches one of these globs (findings without
    /// a location are kept).
    pub paths: Vec<String>,
    /// Findings whose path matches one of these globs are left out.
    pub exclude_paths: Vec<String>,
}

fn strings<S: Into<String>>(items: impl IntoIterator<Item = S>) -> Vec<String> {
    items.into_iter().map(Into::into).collect()
}

/// A [`Filter`]'s globs, compiled once for a walk over in-memory evidence.
pub(crate) struct FilterGlobs {
    tools: crate::PathMatcher,
    exclude_tools: crate::PathMatcher,
    rules: crate::PathMatcher,
    exclude_rules: crate::PathMatcher,
    paths: crate::PathMatcher,
    exclude_paths: crate::PathMatcher,
}

impl FilterGlobs {
    /// Compiles the filter's globs; an invalid one panics, as the host ends
    /// the evaluation on it.
    pub(crate) fn of(filter: &Filter) -> FilterGlobs {
        let lower = |patterns: &[String]| -> Vec<String> {
            patterns.iter().map(|p| p.to_lowercase()).collect()
        };
        let compile = |patterns: &[String]| {
            crate::PathMatcher::new(patterns)
                .unwrap_or_else(|error| panic!("the host would end the evaluation: {error}"))
        };
        FilterGlobs {
            tools: compile(&lower(&filter.tools)),
            exclude_tools: compile(&lower(&filter.exclude_tools)),
            rules: compile(&filter.rules),
            exclude_rules: compile(&filter.exclude_rules),
            paths: compile(&filter.paths),
            exclude_paths: compile(&filter.exclude_paths),
        }
    }

    fn admits_tool(&self, tool: &str) -> bool {
        let tool = tool.to_lowercase();
        (self.tools.is_empty() || self.tools.is_match(&tool)) && !self.exclude_tools.is_match(&tool)
    }

    pub(crate) fn admits_finding(&self, finding: &Finding) -> bool {
        let path = finding.location.as_ref().map(|l| l.path.as_str());
        self.admits_tool(&finding.tool)
            && (self.rules.is_empty() || self.rules.is_match(&finding.rule_id))
            && !self.exclude_rules.is_match(&finding.rule_id)
            && path.is_none_or(|path| self.paths.is_empty() || self.paths.is_match(path))
            && !path.is_some_and(|path| self.exclude_paths.is_match(path))
    }

    pub(crate) fn admits_vulnerability(&self, vulnerability: &Vulnerability) -> bool {
        self.admits_tool(&vulnerability.tool)
    }
}

/// A set of SARIF levels (`error`, `warning`, `note`, `none`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Levels(u8);

impl Levels {
    /// The level words, in bit order.
    pub const WORDS: [&'static str; 4] = ["error", "warning", "note", "none"];

    /// The set of these words; a word that is not a SARIF level is an error.
    pub fn of<'a>(words: impl IntoIterator<Item = &'a str>) -> Result<Levels, crate::Error> {
        let mut bits = 0;
        for word in words {
            let bit = Levels::WORDS
                .iter()
                .position(|level| level.eq_ignore_ascii_case(word))
                .ok_or_else(|| {
                    crate::Error::new(format!(
                        "unknown level `{word}`: expected one of {}",
                        Levels::WORDS.join(", ")
                    ))
                })?;
            bits |= 1 << bit;
        }
        Ok(Levels(bits))
    }

    /// Whether no level was chosen (any level passes).
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The chosen words.
    pub fn words(self) -> impl Iterator<Item = &'static str> {
        Levels::WORDS
            .into_iter()
            .enumerate()
            .filter(move |(bit, _)| self.0 & (1 << bit) != 0)
            .map(|(_, word)| word)
    }

    /// Whether a finding's level word is in the set (an empty set admits all).
    pub fn admits(self, level: Option<&str>) -> bool {
        self.admits_or_unlevelled(level, false)
    }

    /// As [`Levels::admits`], and with `unlevelled` a finding without a
    /// level, or whose level is no SARIF word, passes too.
    pub fn admits_or_unlevelled(self, level: Option<&str>, unlevelled: bool) -> bool {
        if self.is_empty() {
            return true;
        }
        let word = level.and_then(|level| {
            Levels::WORDS
                .iter()
                .position(|word| word.eq_ignore_ascii_case(level))
        });
        word.map_or(unlevelled, |bit| self.0 & (1 << bit) != 0)
    }
}

/// A set of advisory kinds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct AdvisoryKinds(u8);

impl AdvisoryKinds {
    /// The set of these kinds.
    pub fn of(kinds: impl IntoIterator<Item = AdvisoryKind>) -> AdvisoryKinds {
        AdvisoryKinds(
            kinds
                .into_iter()
                .fold(0, |bits, kind| bits | 1 << kind as u8),
        )
    }

    /// Whether `kind` is in the set.
    pub fn contains(self, kind: AdvisoryKind) -> bool {
        self.0 & (1 << kind as u8) != 0
    }

    /// The kinds in the set.
    pub fn kinds(self) -> impl Iterator<Item = AdvisoryKind> {
        [
            AdvisoryKind::Vulnerability,
            AdvisoryKind::Unmaintained,
            AdvisoryKind::Unsound,
            AdvisoryKind::Yanked,
            AdvisoryKind::Withdrawn,
            AdvisoryKind::Malicious,
            AdvisoryKind::Informational,
        ]
        .into_iter()
        .filter(move |kind| self.contains(*kind))
    }
}

impl Filter {
    /// Keeps only records at or above `severity`.
    pub fn min_severity(mut self, severity: Severity) -> Self {
        self.min_severity = Some(severity);
        self
    }

    /// Keeps only records at or below `severity`.
    pub fn max_severity(mut self, severity: Severity) -> Self {
        self.max_severity = Some(severity);
        self
    }

    /// Whether findings the tool suppressed are included.
    pub fn include_suppressed(mut self, include: bool) -> Self {
        self.include_suppressed = include;
        self
    }

    /// Keeps only findings with a score at or above `score`.
    pub fn min_score(mut self, score: f64) -> Self {
        self.min_score = Some(score);
        self
    }

    /// Keeps only findings of these levels.
    pub fn levels(mut self, levels: Levels) -> Self {
        self.levels = levels;
        self
    }

    /// With [`Filter::levels`]: keeps findings without a SARIF level too
    /// (tools that give none).
    pub fn unlevelled(mut self, keep: bool) -> Self {
        self.unlevelled = keep;
        self
    }

    /// Keeps only vulnerabilities of these kinds.
    pub fn advisory_kinds(mut self, kinds: AdvisoryKinds) -> Self {
        self.advisory_kinds = Some(kinds);
        self
    }

    /// Keeps only records whose tool matches one of these globs.
    pub fn tools<S: Into<String>>(mut self, globs: impl IntoIterator<Item = S>) -> Self {
        self.tools = strings(globs);
        self
    }

    /// Leaves out records whose tool matches one of these globs.
    pub fn exclude_tools<S: Into<String>>(mut self, globs: impl IntoIterator<Item = S>) -> Self {
        self.exclude_tools = strings(globs);
        self
    }

    /// Keeps only findings whose rule id matches one of these globs.
    pub fn rules<S: Into<String>>(mut self, globs: impl IntoIterator<Item = S>) -> Self {
        self.rules = strings(globs);
        self
    }

    /// Leaves out findings whose rule id matches one of these globs.
    pub fn exclude_rules<S: Into<String>>(mut self, globs: impl IntoIterator<Item = S>) -> Self {
        self.exclude_rules = strings(globs);
        self
    }

    /// Keeps only findings whose path matches one of these globs.
    pub fn paths<S: Into<String>>(mut self, globs: impl IntoIterator<Item = S>) -> Self {
        self.paths = strings(globs);
        self
    }

    /// Leaves out findings whose path matches one of these globs.
    pub fn exclude_paths<S: Into<String>>(mut self, globs: impl IntoIterator<Item = S>) -> Self {
        self.exclude_paths = strings(globs);
        self
    }

    /// Whether a record of this severity and suppression passes the severity
    /// and suppression conditions.
    pub fn accepts(&self, severity: Severity, suppressed: bool) -> bool {
        self.min_severity.is_none_or(|min| severity >= min)
            && self.max_severity.is_none_or(|max| severity <= max)
            && (self.include_suppressed || !suppressed)
    }

    /// Whether a finding passes, as the host decides.
    pub fn accepts_finding(&self, finding: &Finding) -> bool {
        self.accepts_finding_with(&FilterGlobs::of(self), finding)
    }

    pub(crate) fn accepts_finding_with(&self, globs: &FilterGlobs, finding: &Finding) -> bool {
        globs.admits_finding(finding)
            && self.accepts(finding.severity, finding.suppressed)
            && self
                .min_score
                .is_none_or(|min| finding.score.is_some_and(|score| score >= min))
            && self
                .levels
                .admits_or_unlevelled(finding.level.as_deref(), self.unlevelled)
    }

    /// Whether a vulnerability passes, as the host decides.
    pub fn accepts_vulnerability(&self, vulnerability: &Vulnerability) -> bool {
        self.accepts_vulnerability_with(&FilterGlobs::of(self), vulnerability)
    }

    pub(crate) fn accepts_vulnerability_with(
        &self,
        globs: &FilterGlobs,
        vulnerability: &Vulnerability,
    ) -> bool {
        globs.admits_vulnerability(vulnerability)
            && self.accepts(vulnerability.severity, false)
            && self
                .advisory_kinds
                .is_none_or(|kinds| kinds.contains(vulnerability.kind))
    }
}

/// What verdict found when it verified a commit's signature itself.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SignatureStatus {
    /// Valid, by a key verdict was told to trust, at the commit's time.
    Good,
    /// Does not verify over the signed payload.
    Bad,
    /// By a key not among the allowed signers or in the keyring.
    UnknownKey,
    /// By a key expired (or not yet valid) at signing time.
    Expired,
    /// By a revoked key.
    Revoked,
    /// Not signed.
    #[default]
    Unsigned,
    /// Signed, but verdict was given no keys of that format: never a pass.
    NotChecked,
}

/// The kind of signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SignatureFormat {
    /// SSH.
    Ssh,
    /// OpenPGP.
    OpenPgp,
    /// X.509.
    X509,
}

/// The result of verifying one commit's signature.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SignatureCheck {
    /// Good, bad, unknown key…
    pub status: SignatureStatus,
    /// The kind of signature, when signed.
    pub format: Option<SignatureFormat>,
    /// The allowed-signers principal, or the OpenPGP user id.
    pub signer: Option<String>,
    /// The key's fingerprint.
    pub key_fingerprint: Option<String>,
    /// Why it is not good.
    pub reason: Option<String>,
}

/// Lines `start..=end` (1-based) on the head side.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LineRange {
    /// First line.
    pub start: u32,
    /// Last line, inclusive.
    pub end: u32,
}

/// How a file changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ChangeStatus {
    /// New.
    Added,
    /// Changed in place.
    Modified,
    /// Removed.
    Deleted,
    /// Moved from `old_path`.
    Renamed,
    /// Copied from `old_path`.
    Copied,
}

/// A file changed between `--base` and `--head` (merge-base semantics).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChangedFile {
    /// Path on the head side.
    pub path: String,
    /// Path on the base side, for renames and copies.
    pub old_path: Option<String>,
    /// How it changed.
    pub status: ChangeStatus,
    /// Lines added or changed on the head side, ascending.
    pub added_lines: Vec<LineRange>,
}

/// One CODEOWNERS rule, in file order; the last matching rule wins.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OwnerRule {
    /// The path pattern, as written.
    pub pattern: String,
    /// Owners; empty un-owns the path.
    pub owners: Vec<String>,
}

/// A tag of the repository.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tag {
    /// Name without `refs/tags/`.
    pub name: String,
    /// The commit it points at (annotated tags peeled).
    pub commit: String,
    /// Whether it is an annotated tag.
    pub annotated: bool,
    /// Who tagged (annotated tags).
    pub tagger: Option<String>,
    /// When, seconds since the Unix epoch (annotated tags).
    pub time: Option<i64>,
}

/// What a reviewer said.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ReviewState {
    /// Approved.
    Approved,
    /// Asked for changes.
    ChangesRequested,
    /// Commented only.
    Commented,
    /// Dismissed.
    Dismissed,
    /// Not submitted.
    Pending,
}

/// One review.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Review {
    /// The reviewer's login.
    pub author: String,
    /// What they said.
    pub state: ReviewState,
    /// The commit reviewed.
    pub commit: Option<String>,
    /// When, seconds since the Unix epoch.
    pub submitted_at: Option<i64>,
}

/// A pull request (GitHub) or merge request (GitLab).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PullRequest {
    /// Index into the sources list.
    pub source: u32,
    /// Number or iid.
    pub number: u64,
    /// The author's login.
    pub author: String,
    /// The branch it merges into.
    pub base_branch: String,
    /// The branch it merges from.
    pub head_branch: String,
    /// The head commit.
    pub head_commit: Option<String>,
    /// Labels.
    pub labels: Vec<String>,
    /// Changed paths.
    pub files: Vec<String>,
    /// Reviews.
    pub reviews: Vec<Review>,
}

/// What an earlier run of the gate decided. Deserializes from the lowercase
/// names (`"fail"`), which is what configurations use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum PastDecision {
    /// Nothing was in scope.
    Skipped,
    /// No violations.
    Pass,
    /// Violations of advisory policies only.
    Warn,
    /// Violations of soft or hard policies.
    Fail,
    /// The gate could not decide.
    Error,
}

impl PastDecision {
    /// The lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            PastDecision::Skipped => "skipped",
            PastDecision::Pass => "pass",
            PastDecision::Warn => "warn",
            PastDecision::Fail => "fail",
            PastDecision::Error => "error",
        }
    }
}

impl fmt::Display for PastDecision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One policy's result in an earlier run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PastPolicy {
    /// The policy id from that run's gate file.
    pub id: String,
    /// Its decision.
    pub decision: PastDecision,
}

/// An earlier run of the gate for this repository, as the audit ledger
/// recorded it (kind `history`), newest first. Every text field came from
/// that run's flags or CI variables: untrusted. A pull request's `branch` was
/// chosen by its author; its `target_branch` was not.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PastVerdict {
    /// The record's sequence number in the ledger; larger is newer.
    pub seq: u64,
    /// The run's time (its `now`), RFC 3339.
    pub time: String,
    /// The run's time, seconds since the Unix epoch.
    pub time_unix: i64,
    /// Repository name.
    pub repository: Option<String>,
    /// Head commit id, when that run read a repository.
    pub commit: Option<String>,
    /// Branch that was built.
    pub branch: Option<String>,
    /// For a pull or merge request, the branch it merges into.
    pub target_branch: Option<String>,
    /// Target environment.
    pub environment: Option<String>,
    /// Version deployed.
    pub version: Option<String>,
    /// Who triggered it.
    pub actor: Option<String>,
    /// What started it, kebab-case (`push`, `pull-request`, `deploy`…), as
    /// [`Context::event`](crate::Context).
    pub event: Option<String>,
    /// The gate's decision.
    pub decision: PastDecision,
    /// Each policy's decision, in that run's order.
    pub policies: Vec<PastPolicy>,
}

impl PastVerdict {
    /// The branch the run is about for branch rules: a pull request's target
    /// branch (its author did not choose it), otherwise the branch built.
    pub fn scope_branch(&self) -> Option<&str> {
        self.target_branch.as_deref().or(self.branch.as_deref())
    }
}
