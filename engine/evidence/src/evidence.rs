//! The whole body of evidence for one run, and the kinds a policy can ask for.

use crate::{
    ChangedFile, Commit, Component, CoverageTotals, FileCoverage, Finding, Notice, OwnerRule,
    PastVerdict, PullRequest, Secret, SkippedFile, Source, SourceIndex, Tag, TestSuite,
    Vulnerability,
};
use serde::{Deserialize, Serialize};

/// Any other structured file (JSON, YAML, TOML), kept as a JSON value so that
/// policies can gate on arbitrary data the way conftest does.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Document {
    /// Index of the input file this came from.
    pub source: SourceIndex,
    /// The file's content as JSON.
    pub value: serde_json::Value,
}

/// The kinds of evidence. A policy declares the kinds it consumes and is
/// given only those.
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
    /// Git commits (from `--repo`).
    Commits,
    /// Files and lines changed between `--base` and `--head`, and CODEOWNERS.
    Changes,
    /// Every tag of the repository.
    Tags,
    /// Pull or merge requests with their reviews.
    PullRequests,
    /// Earlier decisions of the gate for this repository, from the audit
    /// ledger ([`PastVerdict`]s).
    History,
}

impl std::str::FromStr for Kind {
    type Err = String;

    fn from_str(name: &str) -> Result<Kind, String> {
        Kind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == name)
            .ok_or_else(|| {
                let names: Vec<&str> = Kind::ALL.iter().map(|kind| kind.as_str()).collect();
                format!(
                    "unknown evidence kind: expected one of {}",
                    names.join(", ")
                )
            })
    }
}

impl Kind {
    /// Every kind, in the order reports list them.
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

/// Everything ingested in one run.
///
/// Records of every kind sit in flat vectors in input order; each carries the
/// index of its [`Source`]. Parsers fill one `Evidence` per file and the
/// ingest stage [`append`](Evidence::append)s them in input order, so the
/// result does not depend on which thread finished first.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    /// The input files.
    pub sources: Vec<Source>,
    /// Code scanning, lint and IaC results.
    pub findings: Vec<Finding>,
    /// Vulnerable dependencies and packages.
    pub vulnerabilities: Vec<Vulnerability>,
    /// Secrets, redacted.
    pub secrets: Vec<Secret>,
    /// Per-file coverage.
    pub coverage: Vec<FileCoverage>,
    /// SBOM components.
    pub components: Vec<Component>,
    /// Test suites.
    pub tests: Vec<TestSuite>,
    /// Other structured files.
    pub documents: Vec<Document>,
    /// What inputs said about the scans themselves.
    pub notices: Vec<Notice>,
    /// Git commits between `--base` and `--head`, newest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub commits: Vec<Commit>,
    /// Files changed between `--base` and `--head`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<ChangedFile>,
    /// CODEOWNERS rules at `--head`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub code_owners: Vec<OwnerRule>,
    /// Every tag of the repository.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<Tag>,
    /// Pull or merge requests.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pull_requests: Vec<PullRequest>,
    /// Earlier decisions for this repository from the audit ledger, newest
    /// first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub history: Vec<PastVerdict>,
    /// Files under input directories that were not ingested, with the reason.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skipped: Vec<SkippedFile>,
}

impl Evidence {
    /// Number of records read from input files (sources, notices and what
    /// `--repo` adds are not counted).
    pub fn record_count(&self) -> u64 {
        (self.findings.len()
            + self.vulnerabilities.len()
            + self.secrets.len()
            + self.coverage.len()
            + self.components.len()
            + self.tests.len()
            + self.documents.len()
            + self.pull_requests.len()) as u64
    }

    /// Coverage totals over every file.
    pub fn coverage_totals(&self) -> CoverageTotals {
        CoverageTotals::of(&self.coverage)
    }

    /// Moves every record of `other` to the end of `self`.
    ///
    /// `other`'s sources are appended too, and its records' `source` indexes
    /// shifted to match.
    pub fn append(&mut self, mut other: Evidence) {
        let offset = self.sources.len() as SourceIndex;
        if offset != 0 {
            other.for_each_source_index(|index| *index += offset);
        }
        move_all(&mut self.sources, &mut other.sources);
        move_all(&mut self.findings, &mut other.findings);
        move_all(&mut self.vulnerabilities, &mut other.vulnerabilities);
        move_all(&mut self.secrets, &mut other.secrets);
        move_all(&mut self.coverage, &mut other.coverage);
        move_all(&mut self.components, &mut other.components);
        move_all(&mut self.tests, &mut other.tests);
        move_all(&mut self.documents, &mut other.documents);
        move_all(&mut self.notices, &mut other.notices);
        move_all(&mut self.commits, &mut other.commits);
        move_all(&mut self.changes, &mut other.changes);
        move_all(&mut self.code_owners, &mut other.code_owners);
        move_all(&mut self.tags, &mut other.tags);
        move_all(&mut self.pull_requests, &mut other.pull_requests);
        move_all(&mut self.history, &mut other.history);
        move_all(&mut self.skipped, &mut other.skipped);
    }

    /// Whether some input speaks for `kind` (see [`Source::kinds`]). A
    /// repository read with `--repo` is a source of format `git` that speaks
    /// for commits, changes and tags.
    pub fn carries(&self, kind: Kind) -> bool {
        self.sources
            .iter()
            .any(|source| source.kinds.contains(&kind))
    }

    fn for_each_source_index(&mut self, mut f: impl FnMut(&mut SourceIndex)) {
        self.findings.iter_mut().for_each(|r| f(&mut r.source));
        self.vulnerabilities
            .iter_mut()
            .for_each(|r| f(&mut r.source));
        self.secrets.iter_mut().for_each(|r| f(&mut r.source));
        self.coverage.iter_mut().for_each(|r| f(&mut r.source));
        self.components.iter_mut().for_each(|r| f(&mut r.source));
        self.tests.iter_mut().for_each(|r| f(&mut r.source));
        self.documents.iter_mut().for_each(|r| f(&mut r.source));
        self.notices.iter_mut().for_each(|r| f(&mut r.source));
        self.pull_requests.iter_mut().for_each(|r| f(&mut r.source));
    }
}

/// Moves every element of `from` to the end of `into`. The first input's
/// records (a million SARIF results) are taken over without a copy, which
/// `Vec::append` would make, holding both vectors at once.
fn move_all<T>(into: &mut Vec<T>, from: &mut Vec<T>) {
    if into.is_empty() {
        std::mem::swap(into, from);
    } else {
        into.append(from);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::NoticeKind;

    fn one_file(path: &str) -> Evidence {
        Evidence {
            sources: vec![Source {
                path: path.into(),
                format: "sarif".into(),
                sha256: String::new(),
                tool: None,
                records: 1,
                kinds: vec![Kind::Findings],
            }],
            findings: vec![Finding::new(0, "t", "r")],
            notices: vec![Notice {
                source: 0,
                kind: NoticeKind::Warning,
                message: "m".into(),
            }],
            ..Evidence::default()
        }
    }

    #[test]
    fn append_shifts_source_indexes() {
        let mut all = Evidence::default();
        all.append(one_file("a"));
        all.append(one_file("b"));
        assert_eq!(all.sources.len(), 2);
        assert_eq!(all.findings[1].source, 1);
        assert_eq!(all.notices[1].source, 1);
        assert_eq!(all.sources[all.findings[1].source as usize].path, "b");
        assert!(all.carries(Kind::Findings));
        assert!(!all.carries(Kind::Secrets));
    }

    #[test]
    fn append_keeps_input_order_and_takes_the_first_vector_over() {
        let first = one_file("a");
        let buffer = first.findings.as_ptr();
        let mut all = Evidence::default();
        all.append(first);
        // Taken over, not copied: the first input's records stay where they are.
        assert_eq!(all.findings.as_ptr(), buffer);
        all.append(one_file("b"));
        all.append(Evidence::default());
        all.append(one_file("c"));
        let order: Vec<&str> = all
            .findings
            .iter()
            .map(|finding| all.sources[finding.source as usize].path.as_str())
            .collect();
        assert_eq!(order, ["a", "b", "c"]);
    }
}
