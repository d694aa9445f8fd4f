//! The host side of the imported `evidence` interface: batches of records,
//! filtered host-side, of the kinds the policy declared.
//!
//! Reading a kind the policy did not declare in `consumes` traps with
//! [`AccessError::Undeclared`], which ends the evaluation with an error
//! naming the policy and the kind.

use crate::bindings::verdict::policy::evidence::Host;
use crate::bindings::verdict::policy::types as wit;
use crate::convert;
use std::collections::HashMap;
use std::sync::Arc;
use verdict_evidence::{Evidence, Finding, Kind, Severity, Vulnerability};

/// What a policy asked for (the WIT `filter`; the SDK's `Filter` applies the
/// same rules to in-memory evidence). Every condition given must hold.
///
/// It keys the cache of matching positions: the score as its `f64` bits,
/// levels and advisory kinds as bit sets, globs as written.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub(crate) struct Filter {
    pub min_severity: Option<Severity>,
    pub max_severity: Option<Severity>,
    pub include_suppressed: bool,
    /// `f64::to_bits` of the minimum score.
    pub min_score_bits: Option<u64>,
    /// Bit `i` set: level word [`LEVELS`]`[i]` admitted; 0 admits any level.
    /// A word outside [`LEVELS`] sets [`OTHER_LEVEL`], which no finding has.
    pub levels: u8,
    /// With `levels`: findings without a SARIF level word pass too.
    pub unlevelled: bool,
    /// Bit `AdvisoryKind as u8` set: that kind admitted; 0 admits all.
    pub advisory_kinds: u8,
    pub tools: Vec<String>,
    pub exclude_tools: Vec<String>,
    pub rules: Vec<String>,
    pub exclude_rules: Vec<String>,
    pub paths: Vec<String>,
    pub exclude_paths: Vec<String>,
}

/// A [`Filter`]'s globs, compiled once per filter. The same rules as the
/// SDK's `PathMatcher` (`plugins/sdk/src/glob.rs`): `*` and `?` do not cross
/// `/`, `**` does, backslashes read as `/`, a leading `./` ignored, not
/// anchored; tools compared in lowercase.
struct Globs {
    tools: Vec<glob::Pattern>,
    exclude_tools: Vec<glob::Pattern>,
    rules: Vec<glob::Pattern>,
    exclude_rules: Vec<glob::Pattern>,
    paths: Vec<glob::Pattern>,
    exclude_paths: Vec<glob::Pattern>,
}

const GLOB_OPTIONS: glob::MatchOptions = glob::MatchOptions {
    case_sensitive: true,
    require_literal_separator: true,
    require_literal_leading_dot: false,
};

fn normalize(path: &str) -> String {
    let path = path.replace('\\', "/");
    path.strip_prefix("./").map(str::to_owned).unwrap_or(path)
}

fn any_match(patterns: &[glob::Pattern], text: &str) -> bool {
    // Most filters have no globs: then nothing is normalized or allocated.
    if patterns.is_empty() {
        return false;
    }
    let text = normalize(text);
    patterns
        .iter()
        .any(|pattern| pattern.matches_with(&text, GLOB_OPTIONS))
}

impl Globs {
    fn of(filter: &Filter) -> Result<Globs, AccessError> {
        let compile = |patterns: &[String], lowercase: bool| {
            patterns
                .iter()
                .map(|pattern| {
                    let text = if lowercase {
                        pattern.to_lowercase()
                    } else {
                        pattern.clone()
                    };
                    glob::Pattern::new(&normalize(&text))
                        .map_err(|error| AccessError::InvalidGlob(pattern.clone(), error.msg))
                })
                .collect::<Result<Vec<_>, _>>()
        };
        Ok(Globs {
            tools: compile(&filter.tools, true)?,
            exclude_tools: compile(&filter.exclude_tools, true)?,
            rules: compile(&filter.rules, false)?,
            exclude_rules: compile(&filter.exclude_rules, false)?,
            paths: compile(&filter.paths, false)?,
            exclude_paths: compile(&filter.exclude_paths, false)?,
        })
    }

    fn admits_tool(&self, tool: &str) -> bool {
        if self.tools.is_empty() && self.exclude_tools.is_empty() {
            return true;
        }
        let tool = tool.to_lowercase();
        (self.tools.is_empty() || any_match(&self.tools, &tool))
            && !any_match(&self.exclude_tools, &tool)
    }

    fn admits_finding(&self, finding: &Finding) -> bool {
        let path = finding.location.as_ref().map(|location| &*location.path);
        self.admits_tool(&finding.tool)
            && (self.rules.is_empty() || any_match(&self.rules, &finding.rule_id))
            && !any_match(&self.exclude_rules, &finding.rule_id)
            && path.is_none_or(|path| self.paths.is_empty() || any_match(&self.paths, path))
            && !path.is_some_and(|path| any_match(&self.exclude_paths, path))
    }
}

/// The SARIF level words a filter can select, in bit order.
pub(crate) const LEVELS: [&str; 4] = ["error", "warning", "note", "none"];
/// The bit of a requested level word that is not a SARIF level.
pub(crate) const OTHER_LEVEL: u8 = 1 << 7;

impl Filter {
    fn admits_finding(&self, finding: &Finding) -> bool {
        (self.include_suppressed || !finding.suppressed)
            && self.admits_severity(finding.severity)
            && self.min_score_bits.is_none_or(|bits| {
                finding
                    .score
                    .is_some_and(|score| score >= f64::from_bits(bits))
            })
            && (self.levels == 0 || {
                let bit = finding.level.as_deref().and_then(|level| {
                    LEVELS
                        .iter()
                        .position(|word| word.eq_ignore_ascii_case(level))
                });
                bit.map_or(self.unlevelled, |bit| self.levels & (1 << bit) != 0)
            })
    }

    fn admits_vulnerability(&self, vulnerability: &Vulnerability) -> bool {
        self.admits_severity(vulnerability.severity)
            && (self.advisory_kinds == 0
                || self.advisory_kinds & (1 << vulnerability.kind as u8) != 0)
    }

    fn admits_severity(&self, severity: Severity) -> bool {
        self.min_severity.is_none_or(|min| severity >= min)
            && self.max_severity.is_none_or(|max| severity <= max)
    }
}

/// Why an evidence read traps.
#[derive(Debug, thiserror::Error)]
pub(crate) enum AccessError {
    /// The kind is not in the descriptor's `consumes`.
    #[error("evidence kind `{}` is not declared in `consumes`", .0.as_str())]
    Undeclared(Kind),
    /// `describe` must not read evidence.
    #[error("`describe` read evidence")]
    InDescribe,
    /// A filter glob does not compile.
    #[error("invalid glob `{0}` in a filter: {1}")]
    InvalidGlob(String, &'static str),
}

/// The evidence one evaluation may read.
pub(crate) struct EvidenceHost {
    /// `None` while `describe` runs.
    evidence: Option<Arc<Evidence>>,
    consumes: Vec<Kind>,
    /// Positions of the records matching a filter, computed once per
    /// filter, so that reading every batch costs one pass in total.
    matches: HashMap<(Kind, Filter), Arc<[u32]>>,
}

impl EvidenceHost {
    /// For `describe`: every read traps.
    pub(crate) fn none() -> EvidenceHost {
        EvidenceHost {
            evidence: None,
            consumes: Vec::new(),
            matches: HashMap::new(),
        }
    }

    pub(crate) fn new(evidence: Arc<Evidence>, consumes: &[Kind]) -> EvidenceHost {
        EvidenceHost {
            evidence: Some(evidence),
            consumes: consumes.to_vec(),
            matches: HashMap::new(),
        }
    }

    fn read(&self, kind: Option<Kind>) -> Result<&Arc<Evidence>, AccessError> {
        let evidence = self.evidence.as_ref().ok_or(AccessError::InDescribe)?;
        match kind {
            Some(kind) if !self.consumes.contains(&kind) => Err(AccessError::Undeclared(kind)),
            _ => Ok(evidence),
        }
    }

    /// Positions of the findings or vulnerabilities that match `filter`.
    fn matching(&mut self, kind: Kind, filter: Filter) -> Result<Arc<[u32]>, AccessError> {
        let evidence = Arc::clone(self.read(Some(kind))?);
        if let Some(positions) = self.matches.get(&(kind, filter.clone())) {
            return Ok(Arc::clone(positions));
        }
        let globs = Globs::of(&filter)?;
        let positions: Arc<[u32]> = match kind {
            Kind::Findings => positions(&evidence.findings, |f| {
                filter.admits_finding(f) && globs.admits_finding(f)
            }),
            Kind::Vulnerabilities => positions(&evidence.vulnerabilities, |v| {
                filter.admits_vulnerability(v) && globs.admits_tool(&v.tool)
            }),
            _ => Vec::new(),
        }
        .into();
        self.matches.insert((kind, filter), Arc::clone(&positions));
        Ok(positions)
    }

    fn batch<R, W>(
        &self,
        kind: Kind,
        records: impl Fn(&Evidence) -> &[R],
        start: u64,
        limit: u32,
        to_wit: impl Fn(&R) -> W,
    ) -> wasmtime::Result<Vec<W>> {
        let evidence = self.read(Some(kind))?;
        Ok(window(records(evidence), start, limit)
            .iter()
            .map(to_wit)
            .collect())
    }
}

fn positions<R>(records: &[R], admits: impl Fn(&R) -> bool) -> Vec<u32> {
    // Evidence is far below 2^32 records; a larger vector would not fit a
    // policy's memory either, so positions past u32 are not produced.
    records
        .iter()
        .enumerate()
        .filter(|(_, record)| admits(record))
        .filter_map(|(position, _)| u32::try_from(position).ok())
        .collect()
}

/// Most records sent in one batch, whatever the policy asks for, so one call
/// cannot make the host copy all the evidence at once. The contract says "at
/// most `limit`"; the SDK reads until it gets an empty batch.
const MAX_BATCH: u32 = 4096;

/// `items[start..start + limit]`, clamped to the slice and to [`MAX_BATCH`].
fn window<T>(items: &[T], start: u64, limit: u32) -> &[T] {
    let start = usize::try_from(start)
        .unwrap_or(usize::MAX)
        .min(items.len());
    let end = start
        .saturating_add(limit.min(MAX_BATCH) as usize)
        .min(items.len());
    &items[start..end]
}

impl Host for EvidenceHost {
    fn sources(&mut self) -> wasmtime::Result<Vec<wit::Source>> {
        Ok(self
            .read(None)?
            .sources
            .iter()
            .map(convert::source_to_wit)
            .collect())
    }

    fn notices(&mut self) -> wasmtime::Result<Vec<wit::Notice>> {
        Ok(self
            .read(None)?
            .notices
            .iter()
            .map(convert::notice_to_wit)
            .collect())
    }

    fn count(&mut self, kind: wit::EvidenceKind, filter: wit::Filter) -> wasmtime::Result<u64> {
        let kind = convert::kind_from_wit(kind);
        let filter = convert::filter_from_wit(filter);
        let count = match kind {
            Kind::Findings | Kind::Vulnerabilities => self.matching(kind, filter)?.len(),
            Kind::Secrets => self.read(Some(kind))?.secrets.len(),
            Kind::Coverage => self.read(Some(kind))?.coverage.len(),
            Kind::Components => self.read(Some(kind))?.components.len(),
            Kind::Tests => self.read(Some(kind))?.tests.len(),
            Kind::Documents => self.read(Some(kind))?.documents.len(),
            Kind::Commits => self.read(Some(kind))?.commits.len(),
            Kind::Changes => self.read(Some(kind))?.changes.len(),
            Kind::Tags => self.read(Some(kind))?.tags.len(),
            Kind::PullRequests => self.read(Some(kind))?.pull_requests.len(),
            Kind::History => self.read(Some(kind))?.history.len(),
        };
        Ok(count as u64)
    }

    fn findings(
        &mut self,
        filter: wit::Filter,
        start: u64,
        limit: u32,
    ) -> wasmtime::Result<Vec<wit::Finding>> {
        let positions = self.matching(Kind::Findings, convert::filter_from_wit(filter))?;
        let evidence = self.read(Some(Kind::Findings))?;
        Ok(window(&positions, start, limit)
            .iter()
            .map(|&position| convert::finding_to_wit(&evidence.findings[position as usize]))
            .collect())
    }

    fn vulnerabilities(
        &mut self,
        filter: wit::Filter,
        start: u64,
        limit: u32,
    ) -> wasmtime::Result<Vec<wit::Vulnerability>> {
        let positions = self.matching(Kind::Vulnerabilities, convert::filter_from_wit(filter))?;
        let evidence = self.read(Some(Kind::Vulnerabilities))?;
        Ok(window(&positions, start, limit)
            .iter()
            .map(|&position| {
                convert::vulnerability_to_wit(&evidence.vulnerabilities[position as usize])
            })
            .collect())
    }

    fn secrets(&mut self, start: u64, limit: u32) -> wasmtime::Result<Vec<wit::Secret>> {
        self.batch(
            Kind::Secrets,
            |e| &e.secrets,
            start,
            limit,
            convert::secret_to_wit,
        )
    }

    fn coverage(&mut self, start: u64, limit: u32) -> wasmtime::Result<Vec<wit::FileCoverage>> {
        self.batch(
            Kind::Coverage,
            |e| &e.coverage,
            start,
            limit,
            convert::file_coverage_to_wit,
        )
    }

    fn coverage_totals(&mut self) -> wasmtime::Result<wit::CoverageTotals> {
        Ok(convert::coverage_totals_to_wit(
            self.read(Some(Kind::Coverage))?.coverage_totals(),
        ))
    }

    fn components(&mut self, start: u64, limit: u32) -> wasmtime::Result<Vec<wit::Component>> {
        self.batch(
            Kind::Components,
            |e| &e.components,
            start,
            limit,
            convert::component_to_wit,
        )
    }

    fn tests(&mut self, start: u64, limit: u32) -> wasmtime::Result<Vec<wit::TestSuite>> {
        self.batch(
            Kind::Tests,
            |e| &e.tests,
            start,
            limit,
            convert::test_suite_to_wit,
        )
    }

    fn documents(&mut self, start: u64, limit: u32) -> wasmtime::Result<Vec<wit::Document>> {
        self.batch(
            Kind::Documents,
            |e| &e.documents,
            start,
            limit,
            convert::document_to_wit,
        )
    }

    fn commits(&mut self, start: u64, limit: u32) -> wasmtime::Result<Vec<wit::Commit>> {
        self.batch(
            Kind::Commits,
            |e| &e.commits,
            start,
            limit,
            convert::commit_to_wit,
        )
    }

    fn changes(&mut self, start: u64, limit: u32) -> wasmtime::Result<Vec<wit::ChangedFile>> {
        self.batch(
            Kind::Changes,
            |e| &e.changes,
            start,
            limit,
            convert::changed_file_to_wit,
        )
    }

    fn code_owners(&mut self) -> wasmtime::Result<Vec<wit::OwnerRule>> {
        Ok(self
            .read(Some(Kind::Changes))?
            .code_owners
            .iter()
            .map(convert::owner_rule_to_wit)
            .collect())
    }

    fn tags(&mut self, start: u64, limit: u32) -> wasmtime::Result<Vec<wit::Tag>> {
        self.batch(Kind::Tags, |e| &e.tags, start, limit, convert::tag_to_wit)
    }

    fn pull_requests(&mut self, start: u64, limit: u32) -> wasmtime::Result<Vec<wit::PullRequest>> {
        self.batch(
            Kind::PullRequests,
            |e| &e.pull_requests,
            start,
            limit,
            convert::pull_request_to_wit,
        )
    }

    fn history(&mut self, start: u64, limit: u32) -> wasmtime::Result<Vec<wit::PastVerdict>> {
        self.batch(
            Kind::History,
            |e| &e.history,
            start,
            limit,
            convert::past_verdict_to_wit,
        )
    }
}

impl crate::bindings::verdict::policy::types::Host for EvidenceHost {}

#[cfg(test)]
mod tests {
    use super::*;

    fn evidence() -> Arc<Evidence> {
        let finding = |severity, suppressed| Finding {
            severity,
            suppressed,
            ..Finding::new(0, "t", "r")
        };
        Arc::new(Evidence {
            findings: vec![
                finding(Severity::Low, false),
                finding(Severity::High, false),
                finding(Severity::Critical, true),
                finding(Severity::Medium, false),
                finding(Severity::High, false),
            ],
            ..Evidence::default()
        })
    }

    fn filter(min_severity: Option<wit::Severity>, include_suppressed: bool) -> wit::Filter {
        wit::Filter {
            min_severity,
            max_severity: None,
            include_suppressed,
            min_score: None,
            levels: vec![],
            unlevelled: false,
            advisory_kinds: vec![],
            tools: vec![],
            exclude_tools: vec![],
            rules: vec![],
            exclude_rules: vec![],
            paths: vec![],
            exclude_paths: vec![],
        }
    }

    /// The same cases as the SDK's
    /// `score_levels_and_severity_ranges_filter_like_the_host` (globs).
    #[test]
    fn tool_rule_and_path_globs_select_host_side() {
        let located = |tool: &str, rule: &str, path: Option<&str>| Finding {
            location: path.map(|path| verdict_evidence::Location::new(path, None, None)),
            ..Finding::new(0, tool, rule)
        };
        let evidence = Arc::new(Evidence {
            findings: vec![
                located("CodeQL", "py/sqli", None),
                located("semgrep", "r1", Some("src/gen/a.py")),
                located("semgrep", "r2", Some("tests/a.py")),
                located("semgrep", "x1", Some(".\\src\\b.py")),
            ],
            ..Evidence::default()
        });
        let mut host = EvidenceHost::new(evidence, &[Kind::Findings]);
        let mut count = |filter: wit::Filter| host.count(wit::EvidenceKind::Findings, filter);
        let with = |update: &dyn Fn(&mut wit::Filter)| {
            let mut filter = filter(None, false);
            update(&mut filter);
            filter
        };
        assert_eq!(
            count(with(&|f| f.tools = vec!["codeql".into()])).unwrap(),
            1
        );
        assert_eq!(
            count(with(&|f| f.exclude_tools = vec!["CODE*".into()])).unwrap(),
            3
        );
        assert_eq!(count(with(&|f| f.rules = vec!["r*".into()])).unwrap(), 2);
        assert_eq!(
            count(with(&|f| f.exclude_rules = vec!["py/*".into()])).unwrap(),
            3
        );
        // A finding without a location is kept by `paths`; backslashes and a
        // leading `./` are read as the SDK reads them.
        let src = with(&|f| {
            f.paths = vec!["src/**".into()];
            f.exclude_paths = vec!["src/gen/**".into()];
        });
        assert_eq!(count(src).unwrap(), 2);
        let error = count(with(&|f| f.paths = vec!["src/[a".into()])).unwrap_err();
        assert!(error.to_string().contains("`src/[a`"), "{error}");
    }

    /// The same cases as the SDK's `unlevelled_findings_pass_levels_only_when_asked`.
    #[test]
    fn unlevelled_findings_pass_levels_only_when_asked() {
        let finding = |level: Option<&str>| Finding {
            level: level.map(Into::into),
            ..Finding::new(0, "t", "r")
        };
        let evidence = Arc::new(Evidence {
            findings: vec![
                finding(Some("error")),
                finding(Some("Warning")),
                finding(None),
                finding(Some("fatal")),
            ],
            ..Evidence::default()
        });
        let mut host = EvidenceHost::new(evidence, &[Kind::Findings]);
        let mut count = |levels: &[&str], unlevelled| {
            let filter = wit::Filter {
                levels: levels.iter().map(|level| level.to_string()).collect(),
                unlevelled,
                ..filter(None, false)
            };
            host.count(wit::EvidenceKind::Findings, filter).unwrap()
        };
        assert_eq!(count(&["error"], false), 1);
        // Without a level or with a word that is no SARIF level: passes.
        assert_eq!(count(&["error"], true), 3);
        // A SARIF word in any case is a level, and must be chosen.
        assert_eq!(count(&["warning"], true), 3);
        assert_eq!(count(&["note"], true), 2);
        // Without `levels`, `unlevelled` changes nothing.
        assert_eq!(count(&[], true), 4);
        assert_eq!(count(&[], false), 4);
    }

    #[test]
    fn score_level_severity_range_and_advisory_kinds_select_host_side() {
        let finding = |level: &str, score: Option<f64>, severity| Finding {
            level: Some(level.into()),
            score,
            severity,
            ..Finding::new(0, "t", "r")
        };
        let advisory = |kind| {
            let mut v = Vulnerability::new(0, "t", "A", "p");
            v.kind = kind;
            v
        };
        let evidence = Arc::new(Evidence {
            findings: vec![
                finding("error", Some(9.1), Severity::Critical),
                finding("error", Some(6.9), Severity::Medium),
                finding("ERROR", None, Severity::High),
                finding("warning", Some(8.0), Severity::High),
                finding("note", Some(7.0), Severity::Unknown),
            ],
            vulnerabilities: vec![
                advisory(verdict_evidence::AdvisoryKind::Vulnerability),
                advisory(verdict_evidence::AdvisoryKind::Yanked),
            ],
            ..Evidence::default()
        });
        let mut host = EvidenceHost::new(evidence, &[Kind::Findings, Kind::Vulnerabilities]);
        let count = |host: &mut EvidenceHost, kind, filter| host.count(kind, filter).unwrap();
        let errors_at_7 = wit::Filter {
            min_score: Some(7.0),
            levels: vec!["error".into()],
            ..filter(None, false)
        };
        assert_eq!(
            count(&mut host, wit::EvidenceKind::Findings, errors_at_7),
            1
        );
        let any_level_at_7 = wit::Filter {
            min_score: Some(7.0),
            ..filter(None, false)
        };
        assert_eq!(
            count(&mut host, wit::EvidenceKind::Findings, any_level_at_7),
            3
        );
        let not_a_level = wit::Filter {
            levels: vec!["fatal".into()],
            ..filter(None, false)
        };
        assert_eq!(
            count(&mut host, wit::EvidenceKind::Findings, not_a_level),
            0
        );
        let medium_to_high = wit::Filter {
            max_severity: Some(wit::Severity::High),
            ..filter(Some(wit::Severity::Medium), false)
        };
        assert_eq!(
            count(&mut host, wit::EvidenceKind::Findings, medium_to_high),
            3
        );
        let yanked = wit::Filter {
            advisory_kinds: vec![wit::AdvisoryKind::Yanked],
            ..filter(None, false)
        };
        assert_eq!(
            count(&mut host, wit::EvidenceKind::Vulnerabilities, yanked),
            1
        );
        assert_eq!(
            count(
                &mut host,
                wit::EvidenceKind::Vulnerabilities,
                filter(None, false)
            ),
            2
        );
    }

    #[test]
    fn filters_apply_host_side_and_batches_page_through_matches() {
        let mut host = EvidenceHost::new(evidence(), &[Kind::Findings]);
        let all = filter(None, true);
        assert_eq!(
            host.count(wit::EvidenceKind::Findings, all.clone())
                .unwrap(),
            5
        );
        assert_eq!(
            host.count(wit::EvidenceKind::Findings, filter(None, false))
                .unwrap(),
            4
        );
        let high = filter(Some(wit::Severity::High), false);
        assert_eq!(host.count(wit::EvidenceKind::Findings, high).unwrap(), 2);
        let high_with_suppressed = filter(Some(wit::Severity::High), true);
        let first = host.findings(high_with_suppressed.clone(), 0, 2).unwrap();
        let rest = host.findings(high_with_suppressed.clone(), 2, 2).unwrap();
        let past_end = host.findings(high_with_suppressed, 99, 2).unwrap();
        let severities: Vec<_> = first.iter().chain(&rest).map(|f| f.severity).collect();
        assert_eq!(
            severities,
            [
                wit::Severity::High,
                wit::Severity::Critical,
                wit::Severity::High
            ]
        );
        assert!(past_end.is_empty());
        assert!(host.findings(all, u64::MAX, u32::MAX).unwrap().is_empty());
    }

    #[test]
    fn undeclared_kinds_and_reads_in_describe_trap() {
        let mut host = EvidenceHost::new(evidence(), &[Kind::Findings]);
        let error = host.secrets(0, 10).unwrap_err();
        assert!(matches!(
            error.downcast_ref::<AccessError>(),
            Some(AccessError::Undeclared(Kind::Secrets))
        ));
        let error = host
            .count(wit::EvidenceKind::Coverage, filter(None, false))
            .unwrap_err();
        assert!(error.to_string().contains("`coverage`"), "{error}");
        assert!(host.sources().unwrap().is_empty());

        let mut describing = EvidenceHost::none();
        let error = describing.sources().unwrap_err();
        assert!(matches!(
            error.downcast_ref::<AccessError>(),
            Some(AccessError::InDescribe)
        ));
    }

    #[test]
    fn history_is_served_in_order_only_to_policies_that_consume_it() {
        let past = |seq, decision| verdict_evidence::PastVerdict {
            seq,
            time: "2026-11-20T10:00:00Z".into(),
            time_unix: 1_795_168_800,
            repository: Some("acme/app".into()),
            commit: None,
            branch: Some("main".into()),
            target_branch: None,
            environment: None,
            version: None,
            actor: None,
            event: Some(verdict_evidence::policy::Event::Push),
            decision,
            policies: vec![verdict_evidence::PastPolicy {
                id: "sast".into(),
                decision,
            }],
        };
        use verdict_evidence::PastDecision::{Fail, Pass};
        let evidence = Arc::new(Evidence {
            history: vec![past(3, Fail), past(2, Fail), past(1, Pass)],
            ..Evidence::default()
        });
        let mut host = EvidenceHost::new(Arc::clone(&evidence), &[Kind::History]);
        assert_eq!(
            host.count(wit::EvidenceKind::History, filter(None, false))
                .unwrap(),
            3
        );
        let first = host.history(0, 2).unwrap();
        let rest = host.history(2, 2).unwrap();
        let seqs: Vec<u64> = first.iter().chain(&rest).map(|p| p.seq).collect();
        assert_eq!(seqs, [3, 2, 1]);
        assert_eq!(rest[0].decision, wit::PastDecision::Pass);
        assert_eq!(first[0].policies[0].decision, wit::PastDecision::Fail);
        assert_eq!(first[0].event, Some(wit::RunEvent::Push));

        let mut other = EvidenceHost::new(evidence, &[Kind::Findings]);
        let error = other.history(0, 10).unwrap_err();
        assert!(matches!(
            error.downcast_ref::<AccessError>(),
            Some(AccessError::Undeclared(Kind::History))
        ));
    }

    #[test]
    fn windows_clamp_to_the_slice() {
        let items = [1, 2, 3];
        assert_eq!(window(&items, 1, 5), [2, 3]);
        assert_eq!(window(&items, 3, 5), [] as [i32; 0]);
        assert_eq!(window(&items, 0, 0), [] as [i32; 0]);
        assert_eq!(
            window(&[0u8; 10_000], 0, u32::MAX).len(),
            MAX_BATCH as usize
        );
    }
}
