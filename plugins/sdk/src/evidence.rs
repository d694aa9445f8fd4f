//! Reading evidence: lazily batched iterators over the host's records, and an
//! in-memory stand-in for native tests.

use crate::{
    ChangedFile, Commit, Component, CoverageTotals, Document, FileCoverage, Filter, Finding, Kind,
    Notice, OwnerRule, PullRequest, Secret, Source, Tag, TestSuite, Vulnerability,
};

/// How many records one host call returns at most. Small enough that a policy
/// walking a million findings holds about one batch at a time.
pub const BATCH_SIZE: u32 = 1024;

/// Where evidence comes from: the host during a real evaluation, or a
/// [`MemoryEvidence`] in native tests. Mirrors the WIT `evidence` interface.
pub(crate) trait Backend {
    fn sources(&self) -> Vec<Source>;
    fn notices(&self) -> Vec<Notice>;
    fn count(&self, kind: Kind, filter: &Filter) -> u64;
    fn findings(&self, filter: &Filter, start: u64, limit: u32) -> Vec<Finding>;
    fn vulnerabilities(&self, filter: &Filter, start: u64, limit: u32) -> Vec<Vulnerability>;
    fn secrets(&self, start: u64, limit: u32) -> Vec<Secret>;
    fn coverage(&self, start: u64, limit: u32) -> Vec<FileCoverage>;
    fn coverage_totals(&self) -> CoverageTotals;
    fn components(&self, start: u64, limit: u32) -> Vec<Component>;
    fn tests(&self, start: u64, limit: u32) -> Vec<TestSuite>;
    fn documents(&self, start: u64, limit: u32) -> Vec<Document>;
    fn commits(&self, start: u64, limit: u32) -> Vec<Commit>;
    fn changes(&self, start: u64, limit: u32) -> Vec<ChangedFile>;
    fn code_owners(&self) -> Vec<OwnerRule>;
    fn tags(&self, start: u64, limit: u32) -> Vec<Tag>;
    fn pull_requests(&self, start: u64, limit: u32) -> Vec<PullRequest>;
    fn history(&self, start: u64, limit: u32) -> Vec<crate::PastVerdict>;
}

/// The evidence of this run.
///
/// Each kind is read through an iterator that asks the host for
/// [`BATCH_SIZE`] records at a time, only when the previous batch is used up.
/// Reading a kind the policy did not declare in
/// [`Descriptor::consumes`](crate::Descriptor) ends the evaluation with an
/// error.
pub struct Evidence {
    backend: Box<dyn Backend>,
}

impl Evidence {
    pub(crate) fn new(backend: Box<dyn Backend>) -> Self {
        Evidence { backend }
    }

    /// Every input file.
    pub fn sources(&self) -> Vec<Source> {
        self.backend.sources()
    }

    /// Notices about inputs (incomplete scans, warnings).
    pub fn notices(&self) -> Vec<Notice> {
        self.backend.notices()
    }

    /// How many records of `kind` match `filter`.
    pub fn count(&self, kind: Kind, filter: Filter) -> u64 {
        self.backend.count(kind, &filter)
    }

    /// Findings matching `filter`, filtered by the host.
    pub fn findings(&self, filter: Filter) -> Batches<'_, Finding> {
        Batches::new(move |start, limit| self.backend.findings(&filter, start, limit))
    }

    /// Vulnerabilities matching `filter`, filtered by the host.
    pub fn vulnerabilities(&self, filter: Filter) -> Batches<'_, Vulnerability> {
        Batches::new(move |start, limit| self.backend.vulnerabilities(&filter, start, limit))
    }

    /// Secrets.
    pub fn secrets(&self) -> Batches<'_, Secret> {
        Batches::new(move |start, limit| self.backend.secrets(start, limit))
    }

    /// Per-file coverage.
    pub fn coverage(&self) -> Batches<'_, FileCoverage> {
        Batches::new(move |start, limit| self.backend.coverage(start, limit))
    }

    /// Coverage summed over every file; `files == 0` means there is none.
    pub fn coverage_totals(&self) -> CoverageTotals {
        self.backend.coverage_totals()
    }

    /// SBOM components.
    pub fn components(&self) -> Batches<'_, Component> {
        Batches::new(move |start, limit| self.backend.components(start, limit))
    }

    /// Test suites.
    pub fn tests(&self) -> Batches<'_, TestSuite> {
        Batches::new(move |start, limit| self.backend.tests(start, limit))
    }

    /// Other structured documents; see [`Document::value`] and [`Document::parse`].
    pub fn documents(&self) -> Batches<'_, Document> {
        Batches::new(move |start, limit| self.backend.documents(start, limit))
    }

    /// Commits between base and head, newest first.
    pub fn commits(&self) -> Batches<'_, Commit> {
        Batches::new(move |start, limit| self.backend.commits(start, limit))
    }

    /// Files changed between base and head (kind `changes`).
    pub fn changes(&self) -> Batches<'_, ChangedFile> {
        Batches::new(move |start, limit| self.backend.changes(start, limit))
    }

    /// CODEOWNERS rules at head, in file order (kind `changes`).
    pub fn code_owners(&self) -> Vec<OwnerRule> {
        self.backend.code_owners()
    }

    /// Every tag of the repository (kind `tags`).
    pub fn tags(&self) -> Batches<'_, Tag> {
        Batches::new(move |start, limit| self.backend.tags(start, limit))
    }

    /// Pull or merge requests (kind `pull-requests`).
    pub fn pull_requests(&self) -> Batches<'_, PullRequest> {
        Batches::new(move |start, limit| self.backend.pull_requests(start, limit))
    }

    /// Earlier runs of the gate for this repository, newest first (kind
    /// `history`): every branch, environment and event the ledger holds for
    /// it, at most 100 runs; filter them yourself. Declare `history` in
    /// `requires` too: a run without a ledger then ends in `error` instead of
    /// showing the policy an empty past.
    pub fn history(&self) -> Batches<'_, crate::PastVerdict> {
        Batches::new(move |start, limit| self.backend.history(start, limit))
    }
}

impl From<MemoryEvidence> for Evidence {
    fn from(memory: MemoryEvidence) -> Self {
        Evidence::new(Box::new(memory))
    }
}

/// An iterator that pulls records from the host one batch at a time.
pub struct Batches<'e, T> {
    fetch: Box<dyn FnMut(u64, u32) -> Vec<T> + 'e>,
    batch: std::vec::IntoIter<T>,
    next_start: u64,
    done: bool,
}

impl<'e, T> Batches<'e, T> {
    fn new(fetch: impl FnMut(u64, u32) -> Vec<T> + 'e) -> Self {
        Batches {
            fetch: Box::new(fetch),
            batch: Vec::new().into_iter(),
            next_start: 0,
            done: false,
        }
    }
}

impl<T> Iterator for Batches<'_, T> {
    type Item = T;

    fn next(&mut self) -> Option<T> {
        loop {
            if let Some(record) = self.batch.next() {
                return Some(record);
            }
            if self.done {
                return None;
            }
            // The host may return fewer records than asked for (it caps a
            // batch's size in bytes too), so only an empty batch ends the walk.
            let batch = (self.fetch)(self.next_start, BATCH_SIZE);
            if batch.is_empty() {
                self.done = true;
                return None;
            }
            self.next_start += batch.len() as u64;
            self.batch = batch.into_iter();
        }
    }
}

/// Evidence held in memory, for testing policy logic natively with `cargo test`.
///
/// Fill the public fields, then pass it to [`testing::evaluate`](crate::testing::evaluate),
/// which behaves like the host: it parses the configuration, and panics when the
/// policy reads a kind it did not declare.
#[derive(Clone, Debug, Default)]
pub struct MemoryEvidence {
    /// Input files.
    pub sources: Vec<Source>,
    /// Notices.
    pub notices: Vec<Notice>,
    /// Findings.
    pub findings: Vec<Finding>,
    /// Vulnerabilities.
    pub vulnerabilities: Vec<Vulnerability>,
    /// Secrets.
    pub secrets: Vec<Secret>,
    /// Per-file coverage.
    pub coverage: Vec<FileCoverage>,
    /// Components.
    pub components: Vec<Component>,
    /// Test suites.
    pub tests: Vec<TestSuite>,
    /// Documents.
    pub documents: Vec<Document>,
    /// Commits.
    pub commits: Vec<Commit>,
    /// Changed files.
    pub changes: Vec<ChangedFile>,
    /// CODEOWNERS rules.
    pub code_owners: Vec<OwnerRule>,
    /// Tags.
    pub tags: Vec<Tag>,
    /// Pull requests.
    pub pull_requests: Vec<PullRequest>,
    /// Earlier runs, newest first.
    pub history: Vec<crate::PastVerdict>,
    /// When set, reading any other kind panics (as the host would end the evaluation).
    pub consumes: Option<Vec<Kind>>,
}

impl MemoryEvidence {
    fn read(&self, kind: Kind) {
        if let Some(consumes) = &self.consumes {
            assert!(
                consumes.contains(&kind),
                "policy read `{kind:?}` evidence it did not declare in `consumes`"
            );
        }
    }
}

fn page<T: Clone>(records: impl Iterator<Item = T>, start: u64, limit: u32) -> Vec<T> {
    records
        .skip(usize::try_from(start).unwrap_or(usize::MAX))
        .take(limit as usize)
        .collect()
}

impl Backend for MemoryEvidence {
    fn sources(&self) -> Vec<Source> {
        self.sources.clone()
    }

    fn notices(&self) -> Vec<Notice> {
        self.notices.clone()
    }

    fn count(&self, kind: Kind, filter: &Filter) -> u64 {
        let globs = crate::types::FilterGlobs::of(filter);
        self.read(kind);
        let count = match kind {
            Kind::Findings => self
                .findings
                .iter()
                .filter(|f| filter.accepts_finding_with(&globs, f))
                .count(),
            Kind::Vulnerabilities => self
                .vulnerabilities
                .iter()
                .filter(|v| filter.accepts_vulnerability_with(&globs, v))
                .count(),
            Kind::Secrets => self.secrets.len(),
            Kind::Coverage => self.coverage.len(),
            Kind::Components => self.components.len(),
            Kind::Tests => self.tests.len(),
            Kind::Documents => self.documents.len(),
            Kind::Commits => self.commits.len(),
            Kind::Changes => self.changes.len(),
            Kind::Tags => self.tags.len(),
            Kind::PullRequests => self.pull_requests.len(),
            Kind::History => self.history.len(),
        };
        count as u64
    }

    fn findings(&self, filter: &Filter, start: u64, limit: u32) -> Vec<Finding> {
        let globs = crate::types::FilterGlobs::of(filter);
        self.read(Kind::Findings);
        let matching = self
            .findings
            .iter()
            .filter(|f| filter.accepts_finding_with(&globs, f))
            .cloned();
        page(matching, start, limit)
    }

    fn vulnerabilities(&self, filter: &Filter, start: u64, limit: u32) -> Vec<Vulnerability> {
        let globs = crate::types::FilterGlobs::of(filter);
        self.read(Kind::Vulnerabilities);
        let matching = self
            .vulnerabilities
            .iter()
            .filter(|v| filter.accepts_vulnerability_with(&globs, v))
            .cloned();
        page(matching, start, limit)
    }

    fn secrets(&self, start: u64, limit: u32) -> Vec<Secret> {
        self.read(Kind::Secrets);
        page(self.secrets.iter().cloned(), start, limit)
    }

    fn coverage(&self, start: u64, limit: u32) -> Vec<FileCoverage> {
        self.read(Kind::Coverage);
        page(self.coverage.iter().cloned(), start, limit)
    }

    fn coverage_totals(&self) -> CoverageTotals {
        self.read(Kind::Coverage);
        CoverageTotals::of(&self.coverage)
    }

    fn components(&self, start: u64, limit: u32) -> Vec<Component> {
        self.read(Kind::Components);
        page(self.components.iter().cloned(), start, limit)
    }

    fn tests(&self, start: u64, limit: u32) -> Vec<TestSuite> {
        self.read(Kind::Tests);
        page(self.tests.iter().cloned(), start, limit)
    }

    fn documents(&self, start: u64, limit: u32) -> Vec<Document> {
        self.read(Kind::Documents);
        page(self.documents.iter().cloned(), start, limit)
    }

    fn commits(&self, start: u64, limit: u32) -> Vec<Commit> {
        self.read(Kind::Commits);
        page(self.commits.iter().cloned(), start, limit)
    }

    fn changes(&self, start: u64, limit: u32) -> Vec<ChangedFile> {
        self.read(Kind::Changes);
        page(self.changes.iter().cloned(), start, limit)
    }

    fn code_owners(&self) -> Vec<OwnerRule> {
        self.read(Kind::Changes);
        self.code_owners.clone()
    }

    fn tags(&self, start: u64, limit: u32) -> Vec<Tag> {
        self.read(Kind::Tags);
        page(self.tags.iter().cloned(), start, limit)
    }

    fn pull_requests(&self, start: u64, limit: u32) -> Vec<PullRequest> {
        self.read(Kind::PullRequests);
        page(self.pull_requests.iter().cloned(), start, limit)
    }

    fn history(&self, start: u64, limit: u32) -> Vec<crate::PastVerdict> {
        self.read(Kind::History);
        page(self.history.iter().cloned(), start, limit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Severity;

    fn finding(index: usize, severity: Severity) -> Finding {
        Finding {
            source: 0,
            tool: "t".into(),
            rule_id: "r".into(),
            severity,
            level: None,
            message: index.to_string(),
            location: None,
            fingerprint: index.to_string(),
            cwes: vec![],
            tags: vec![],
            suppressed: index.is_multiple_of(10),
            baseline_state: None,
            score: None,
            rule: None,
        }
    }

    #[test]
    fn batches_pull_lazily_until_an_empty_batch() {
        let calls = std::cell::Cell::new(0);
        let mut batches = Batches::new(|start, limit| {
            calls.set(calls.get() + 1);
            (start..3000).take(limit as usize).collect::<Vec<u64>>()
        });
        assert_eq!(batches.next(), Some(0));
        assert_eq!(calls.get(), 1);
        assert_eq!(batches.by_ref().count(), 2999);
        // 1024 + 1024 + 952, then the empty batch that ends the walk.
        assert_eq!(calls.get(), 4);
    }

    /// The same cases as the host's `unlevelled_findings_pass_levels_only_when_asked`.
    #[test]
    fn unlevelled_findings_pass_levels_only_when_asked() {
        let levelled = |level: Option<&str>| Finding {
            level: level.map(Into::into),
            ..finding(1, Severity::High)
        };
        let findings = [
            levelled(Some("error")),
            levelled(Some("Warning")),
            levelled(None),
            levelled(Some("fatal")),
        ];
        let count = |levels: &[&str], unlevelled| {
            let filter = Filter::default()
                .levels(crate::Levels::of(levels.iter().copied()).unwrap())
                .unlevelled(unlevelled);
            findings
                .iter()
                .filter(|f| filter.accepts_finding(f))
                .count()
        };
        assert_eq!(count(&["error"], false), 1);
        assert_eq!(count(&["error"], true), 3);
        assert_eq!(count(&["warning"], true), 3);
        assert_eq!(count(&["note"], true), 2);
        assert_eq!(count(&[], true), 4);
        assert_eq!(count(&[], false), 4);
    }

    /// The same cases as the host's
    /// `score_level_severity_range_and_advisory_kinds_select_host_side`.
    #[test]
    fn score_levels_and_severity_ranges_filter_like_the_host() {
        let scored = |level: &str, score: Option<f64>, severity| Finding {
            level: Some(level.into()),
            score,
            ..finding(1, severity)
        };
        let findings = [
            scored("error", Some(9.1), Severity::Critical),
            scored("error", Some(6.9), Severity::Medium),
            scored("ERROR", None, Severity::High),
            scored("warning", Some(8.0), Severity::High),
            scored("note", Some(7.0), Severity::Unknown),
        ];
        let count = |filter: Filter| {
            findings
                .iter()
                .filter(|f| filter.accepts_finding(f))
                .count()
        };
        let errors = crate::Levels::of(["error"]).unwrap();
        assert_eq!(count(Filter::default().min_score(7.0).levels(errors)), 1);
        assert_eq!(count(Filter::default().min_score(7.0)), 3);
        assert_eq!(
            count(
                Filter::default()
                    .min_severity(Severity::Medium)
                    .max_severity(Severity::High)
            ),
            3
        );
        assert!(crate::Levels::of(["fatal"]).is_err());
        let mut findings = findings.to_vec();
        findings[0].tool = "CodeQL".into();
        findings[1].location = Some(crate::Location::file("src/gen/a.py"));
        findings[2].location = Some(crate::Location::file("tests/a.py"));
        let only = |filter: Filter| {
            findings
                .iter()
                .filter(|f| filter.accepts_finding(f))
                .map(|f| f.rule_id.as_str())
                .collect::<Vec<_>>()
        };
        assert_eq!(only(Filter::default().tools(["codeql"])), ["r"]);
        assert_eq!(only(Filter::default().exclude_tools(["CODE*"])).len(), 4);
        // Findings without a location are kept by `paths`.
        assert_eq!(
            only(
                Filter::default()
                    .paths(["src/**"])
                    .exclude_paths(["src/gen/**"])
            )
            .len(),
            3
        );
        assert_eq!(only(Filter::default().rules(["x*"])).len(), 0);
        let kinds = crate::AdvisoryKinds::of([crate::AdvisoryKind::Yanked]);
        assert!(kinds.contains(crate::AdvisoryKind::Yanked));
        assert!(!kinds.contains(crate::AdvisoryKind::Vulnerability));
    }

    #[test]
    fn memory_evidence_filters_like_the_host() {
        let findings = (0..2500)
            .map(|i| {
                finding(
                    i,
                    if i % 2 == 0 {
                        Severity::High
                    } else {
                        Severity::Low
                    },
                )
            })
            .collect();
        let evidence = Evidence::from(MemoryEvidence {
            findings,
            ..MemoryEvidence::default()
        });
        let high = Filter::default().min_severity(Severity::High);
        // 1250 high, of which every 10th (i % 10 == 0, all even) is suppressed.
        assert_eq!(evidence.findings(high.clone()).count(), 1000);
        assert_eq!(evidence.count(Kind::Findings, high.clone()), 1000);
        assert_eq!(
            evidence.findings(high.include_suppressed(true)).count(),
            1250
        );
        assert_eq!(
            evidence
                .findings(Filter::default())
                .last()
                .map(|f| f.message),
            Some("2499".into())
        );
    }

    #[test]
    #[should_panic(expected = "did not declare")]
    fn memory_evidence_refuses_undeclared_kinds() {
        let memory = MemoryEvidence {
            consumes: Some(vec![Kind::Coverage]),
            ..MemoryEvidence::default()
        };
        Evidence::from(memory).secrets().count();
    }
}
