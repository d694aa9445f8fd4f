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

/// What a policy asked for: records at or above a severity, and whether to
/// include findings the tool marked suppressed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Filter {
    pub min_severity: Option<Severity>,
    pub include_suppressed: bool,
}

impl Filter {
    fn admits_finding(&self, finding: &Finding) -> bool {
        (self.include_suppressed || !finding.suppressed) && self.admits_severity(finding.severity)
    }

    fn admits_vulnerability(&self, vulnerability: &Vulnerability) -> bool {
        self.admits_severity(vulnerability.severity)
    }

    fn admits_severity(&self, severity: Severity) -> bool {
        self.min_severity.is_none_or(|min| severity >= min)
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
        let positions = self.matches.entry((kind, filter)).or_insert_with(|| {
            let positions: Vec<u32> = match kind {
                Kind::Findings => positions(&evidence.findings, |f| filter.admits_finding(f)),
                Kind::Vulnerabilities => positions(&evidence.vulnerabilities, |v| {
                    filter.admits_vulnerability(v)
                }),
                _ => Vec::new(),
            };
            positions.into()
        });
        Ok(Arc::clone(positions))
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
            include_suppressed,
        }
    }

    #[test]
    fn filters_apply_host_side_and_batches_page_through_matches() {
        let mut host = EvidenceHost::new(evidence(), &[Kind::Findings]);
        let all = filter(None, true);
        assert_eq!(host.count(wit::EvidenceKind::Findings, all).unwrap(), 5);
        assert_eq!(
            host.count(wit::EvidenceKind::Findings, filter(None, false))
                .unwrap(),
            4
        );
        let high = filter(Some(wit::Severity::High), false);
        assert_eq!(host.count(wit::EvidenceKind::Findings, high).unwrap(), 2);
        let high_with_suppressed = filter(Some(wit::Severity::High), true);
        let first = host.findings(high_with_suppressed, 0, 2).unwrap();
        let rest = host.findings(high_with_suppressed, 2, 2).unwrap();
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
