//! Conversions between the generated WIT types and `verdict_evidence` types,
//! both ways. The only module that touches generated types.

use crate::bindings::verdict::policy::types as wit;
use verdict_evidence::policy::{
    Context, Control, ControlResult, ControlStatus, Descriptor, Event, Outcome, Violation,
};
use verdict_evidence::{
    AdvisoryKind, Commit, Component, CoverageTotals, Document, FileCoverage, Finding, Kind,
    Location, Notice, NoticeKind, Secret, Severity, Source, TestCase, TestStatus, TestSuite,
    Vulnerability,
};
use verdict_evidence::{
    ChangeStatus, ChangedFile, OwnerRule, PullRequest, ReviewState, SignatureCheck,
    SignatureFormat, SignatureStatus, Tag,
};

pub(crate) fn severity_to_wit(severity: Severity) -> wit::Severity {
    match severity {
        Severity::Info => wit::Severity::Info,
        Severity::Low => wit::Severity::Low,
        Severity::Medium => wit::Severity::Medium,
        Severity::High => wit::Severity::High,
        Severity::Critical => wit::Severity::Critical,
        Severity::Unknown => wit::Severity::Unknown,
    }
}

pub(crate) fn severity_from_wit(severity: wit::Severity) -> Severity {
    match severity {
        wit::Severity::Info => Severity::Info,
        wit::Severity::Low => Severity::Low,
        wit::Severity::Medium => Severity::Medium,
        wit::Severity::High => Severity::High,
        wit::Severity::Critical => Severity::Critical,
        wit::Severity::Unknown => Severity::Unknown,
    }
}

fn advisory_kind_to_wit(kind: AdvisoryKind) -> wit::AdvisoryKind {
    match kind {
        AdvisoryKind::Vulnerability => wit::AdvisoryKind::Vulnerability,
        AdvisoryKind::Unmaintained => wit::AdvisoryKind::Unmaintained,
        AdvisoryKind::Unsound => wit::AdvisoryKind::Unsound,
        AdvisoryKind::Yanked => wit::AdvisoryKind::Yanked,
        AdvisoryKind::Withdrawn => wit::AdvisoryKind::Withdrawn,
        AdvisoryKind::Malicious => wit::AdvisoryKind::Malicious,
        AdvisoryKind::Informational => wit::AdvisoryKind::Informational,
    }
}

fn event_to_wit(event: Event) -> wit::RunEvent {
    match event {
        Event::Push => wit::RunEvent::Push,
        Event::PullRequest => wit::RunEvent::PullRequest,
        Event::Schedule => wit::RunEvent::Schedule,
        Event::Deploy => wit::RunEvent::Deploy,
        Event::Manual => wit::RunEvent::Manual,
        Event::Other => wit::RunEvent::Other,
    }
}

pub(crate) fn kind_to_wit(kind: Kind) -> wit::EvidenceKind {
    match kind {
        Kind::Findings => wit::EvidenceKind::Findings,
        Kind::Vulnerabilities => wit::EvidenceKind::Vulnerabilities,
        Kind::Secrets => wit::EvidenceKind::Secrets,
        Kind::Coverage => wit::EvidenceKind::Coverage,
        Kind::Components => wit::EvidenceKind::Components,
        Kind::Tests => wit::EvidenceKind::Tests,
        Kind::Documents => wit::EvidenceKind::Documents,
        Kind::Commits => wit::EvidenceKind::Commits,
        Kind::Changes => wit::EvidenceKind::Changes,
        Kind::Tags => wit::EvidenceKind::Tags,
        Kind::PullRequests => wit::EvidenceKind::PullRequests,
        Kind::History => wit::EvidenceKind::History,
    }
}

pub(crate) fn kind_from_wit(kind: wit::EvidenceKind) -> Kind {
    match kind {
        wit::EvidenceKind::Findings => Kind::Findings,
        wit::EvidenceKind::Vulnerabilities => Kind::Vulnerabilities,
        wit::EvidenceKind::Secrets => Kind::Secrets,
        wit::EvidenceKind::Coverage => Kind::Coverage,
        wit::EvidenceKind::Components => Kind::Components,
        wit::EvidenceKind::Tests => Kind::Tests,
        wit::EvidenceKind::Documents => Kind::Documents,
        wit::EvidenceKind::Commits => Kind::Commits,
        wit::EvidenceKind::Changes => Kind::Changes,
        wit::EvidenceKind::Tags => Kind::Tags,
        wit::EvidenceKind::PullRequests => Kind::PullRequests,
        wit::EvidenceKind::History => Kind::History,
    }
}

/// The host-side selection a policy asks for.
pub(crate) fn filter_from_wit(filter: wit::Filter) -> crate::evidence::Filter {
    use crate::evidence::{LEVELS, OTHER_LEVEL};
    let levels = filter.levels.iter().fold(0, |bits, word| {
        bits | LEVELS
            .iter()
            .position(|level| level.eq_ignore_ascii_case(word))
            .map_or(OTHER_LEVEL, |bit| 1 << bit)
    });
    let advisory_kinds = filter.advisory_kinds.into_iter().fold(0, |bits, kind| {
        bits | 1 << advisory_kind_from_wit(kind) as u8
    });
    crate::evidence::Filter {
        min_severity: filter.min_severity.map(severity_from_wit),
        max_severity: filter.max_severity.map(severity_from_wit),
        include_suppressed: filter.include_suppressed,
        min_score_bits: filter.min_score.map(f64::to_bits),
        levels,
        unlevelled: filter.unlevelled,
        advisory_kinds,
        tools: filter.tools,
        exclude_tools: filter.exclude_tools,
        rules: filter.rules,
        exclude_rules: filter.exclude_rules,
        paths: filter.paths,
        exclude_paths: filter.exclude_paths,
    }
}

fn advisory_kind_from_wit(kind: wit::AdvisoryKind) -> AdvisoryKind {
    match kind {
        wit::AdvisoryKind::Vulnerability => AdvisoryKind::Vulnerability,
        wit::AdvisoryKind::Unmaintained => AdvisoryKind::Unmaintained,
        wit::AdvisoryKind::Unsound => AdvisoryKind::Unsound,
        wit::AdvisoryKind::Yanked => AdvisoryKind::Yanked,
        wit::AdvisoryKind::Withdrawn => AdvisoryKind::Withdrawn,
        wit::AdvisoryKind::Malicious => AdvisoryKind::Malicious,
        wit::AdvisoryKind::Informational => AdvisoryKind::Informational,
    }
}

fn location_to_wit(location: &Location) -> wit::Location {
    wit::Location {
        path: location.path.to_string(),
        start_line: location.start_line,
        end_line: location.end_line,
    }
}

fn location_from_wit(location: wit::Location) -> Location {
    Location::new(location.path, location.start_line, location.end_line)
}

pub(crate) fn source_to_wit(source: &Source) -> wit::Source {
    wit::Source {
        path: source.path.clone(),
        format: source.format.clone(),
        sha256: source.sha256.clone(),
        tool: source.tool.clone(),
        kinds: source.kinds.iter().copied().map(kind_to_wit).collect(),
    }
}

pub(crate) fn notice_to_wit(notice: &Notice) -> wit::Notice {
    wit::Notice {
        source: notice.source,
        kind: match notice.kind {
            NoticeKind::IncompleteScan => wit::NoticeKind::IncompleteScan,
            NoticeKind::Warning => wit::NoticeKind::Warning,
        },
        message: notice.message.clone(),
    }
}

pub(crate) fn finding_to_wit(finding: &Finding) -> wit::Finding {
    wit::Finding {
        source: finding.source,
        tool: finding.tool.to_string(),
        rule_id: finding.rule_id.to_string(),
        severity: severity_to_wit(finding.severity),
        level: finding.level.as_deref().map(str::to_owned),
        message: finding.message.clone(),
        location: finding.location.as_ref().map(location_to_wit),
        fingerprint: finding.fingerprint.clone(),
        cwes: finding.cwes.to_vec(),
        tags: finding.tags.to_vec(),
        suppressed: finding.suppressed,
        baseline_state: finding.baseline_state.as_deref().map(str::to_owned),
        score: finding.score,
        rule: finding.rule.as_deref().map(|rule| wit::RuleInfo {
            name: rule.name.clone(),
            description: rule.description.clone(),
            help_uri: rule.help_uri.clone(),
            provider: rule.provider.clone(),
            service: rule.service.clone(),
        }),
    }
}

pub(crate) fn vulnerability_to_wit(vulnerability: &Vulnerability) -> wit::Vulnerability {
    wit::Vulnerability {
        source: vulnerability.source,
        tool: vulnerability.tool.clone(),
        id: vulnerability.id.clone(),
        aliases: vulnerability.aliases.clone(),
        ecosystem: vulnerability.ecosystem.clone(),
        package: vulnerability.package.clone(),
        version: vulnerability.version.clone(),
        fixed_versions: vulnerability.fixed_versions.clone(),
        kind: advisory_kind_to_wit(vulnerability.kind),
        severity: severity_to_wit(vulnerability.severity),
        cvss_score: vulnerability.cvss_score,
        title: vulnerability.title.clone(),
        target: vulnerability.target.clone(),
        fingerprint: vulnerability.fingerprint.clone(),
        cwes: vulnerability.cwes.clone(),
    }
}

pub(crate) fn secret_to_wit(secret: &Secret) -> wit::Secret {
    wit::Secret {
        source: secret.source,
        tool: secret.tool.clone(),
        rule_id: secret.rule_id.clone(),
        location: secret.location.as_ref().map(location_to_wit),
        commit: secret.commit.clone(),
        fingerprint: secret.fingerprint.clone(),
        redacted: secret.redacted.as_str().to_owned(),
        verified: secret.verified,
        suppressed: secret.suppressed,
    }
}

pub(crate) fn file_coverage_to_wit(file: &FileCoverage) -> wit::FileCoverage {
    wit::FileCoverage {
        source: file.source,
        path: file.path.clone(),
        lines_total: file.lines_total,
        lines_covered: file.lines_covered,
        branches_total: file.branches_total,
        branches_covered: file.branches_covered,
        uncovered_lines: file.uncovered_lines.clone(),
        covered_lines: file.covered_lines.clone(),
    }
}

pub(crate) fn coverage_totals_to_wit(totals: CoverageTotals) -> wit::CoverageTotals {
    wit::CoverageTotals {
        files: totals.files,
        lines_total: totals.lines_total,
        lines_covered: totals.lines_covered,
        branches_total: totals.branches_total,
        branches_covered: totals.branches_covered,
    }
}

pub(crate) fn component_to_wit(component: &Component) -> wit::Component {
    wit::Component {
        source: component.source,
        name: component.name.clone(),
        version: component.version.clone(),
        ecosystem: component.ecosystem.clone(),
        purl: component.purl.clone(),
        licenses: component.licenses.clone(),
        license_category: component.license_category.clone(),
        license_severity: component.license_severity.map(severity_to_wit),
    }
}

fn test_case_to_wit(case: &TestCase) -> wit::TestCase {
    wit::TestCase {
        name: case.name.clone(),
        classname: case.classname.clone(),
        status: match case.status {
            TestStatus::Passed => wit::TestStatus::Passed,
            TestStatus::Failed => wit::TestStatus::Failed,
            TestStatus::Error => wit::TestStatus::Error,
            TestStatus::Skipped => wit::TestStatus::Skipped,
        },
        message: case.message.clone(),
    }
}

pub(crate) fn test_suite_to_wit(suite: &TestSuite) -> wit::TestSuite {
    wit::TestSuite {
        source: suite.source,
        name: suite.name.clone(),
        tests: suite.tests,
        failures: suite.failures,
        errors: suite.errors,
        skipped: suite.skipped,
        cases: suite.cases.iter().map(test_case_to_wit).collect(),
    }
}

pub(crate) fn document_to_wit(document: &Document) -> wit::Document {
    wit::Document {
        source: document.source,
        json: document.value.to_string(),
    }
}

pub(crate) fn commit_to_wit(commit: &Commit) -> wit::Commit {
    wit::Commit {
        id: commit.id.clone(),
        parents: commit.parents.clone(),
        author_name: commit.author_name.clone(),
        author_email: commit.author_email.clone(),
        committer_name: commit.committer_name.clone(),
        committer_email: commit.committer_email.clone(),
        time: commit.time,
        message: commit.message.clone(),
        signature: commit.signature.clone(),
        signature_check: signature_check_to_wit(&commit.signature_check),
    }
}

fn signature_check_to_wit(check: &SignatureCheck) -> wit::SignatureCheck {
    wit::SignatureCheck {
        status: match check.status {
            SignatureStatus::Good => wit::SignatureStatus::Good,
            SignatureStatus::Bad => wit::SignatureStatus::Bad,
            SignatureStatus::UnknownKey => wit::SignatureStatus::UnknownKey,
            SignatureStatus::Expired => wit::SignatureStatus::Expired,
            SignatureStatus::Revoked => wit::SignatureStatus::Revoked,
            SignatureStatus::Unsigned => wit::SignatureStatus::Unsigned,
            SignatureStatus::NotChecked => wit::SignatureStatus::NotChecked,
        },
        format: check.format.map(|format| match format {
            SignatureFormat::Ssh => wit::SignatureFormat::Ssh,
            SignatureFormat::OpenPgp => wit::SignatureFormat::OpenPgp,
            SignatureFormat::X509 => wit::SignatureFormat::X509,
        }),
        signer: check.signer.clone(),
        key_fingerprint: check.key_fingerprint.clone(),
        reason: check.reason.clone(),
    }
}

pub(crate) fn changed_file_to_wit(file: &ChangedFile) -> wit::ChangedFile {
    wit::ChangedFile {
        path: file.path.clone(),
        old_path: file.old_path.clone(),
        status: match file.status {
            ChangeStatus::Added => wit::ChangeStatus::Added,
            ChangeStatus::Modified => wit::ChangeStatus::Modified,
            ChangeStatus::Deleted => wit::ChangeStatus::Deleted,
            ChangeStatus::Renamed => wit::ChangeStatus::Renamed,
            ChangeStatus::Copied => wit::ChangeStatus::Copied,
        },
        added_lines: file
            .added_lines
            .iter()
            .map(|range| wit::LineRange {
                start: range.start,
                end: range.end,
            })
            .collect(),
    }
}

pub(crate) fn owner_rule_to_wit(rule: &OwnerRule) -> wit::OwnerRule {
    wit::OwnerRule {
        pattern: rule.pattern.clone(),
        owners: rule.owners.clone(),
    }
}

pub(crate) fn tag_to_wit(tag: &Tag) -> wit::Tag {
    wit::Tag {
        name: tag.name.clone(),
        commit: tag.commit.clone(),
        annotated: tag.annotated,
        tagger: tag.tagger.clone(),
        time: tag.time,
    }
}

pub(crate) fn pull_request_to_wit(pr: &PullRequest) -> wit::PullRequest {
    wit::PullRequest {
        source: pr.source,
        number: pr.number,
        author: pr.author.clone(),
        base_branch: pr.base_branch.clone(),
        head_branch: pr.head_branch.clone(),
        head_commit: pr.head_commit.clone(),
        labels: pr.labels.clone(),
        files: pr.files.clone(),
        reviews: pr
            .reviews
            .iter()
            .map(|review| wit::Review {
                author: review.author.clone(),
                state: match review.state {
                    ReviewState::Approved => wit::ReviewState::Approved,
                    ReviewState::ChangesRequested => wit::ReviewState::ChangesRequested,
                    ReviewState::Commented => wit::ReviewState::Commented,
                    ReviewState::Dismissed => wit::ReviewState::Dismissed,
                    ReviewState::Pending => wit::ReviewState::Pending,
                },
                commit: review.commit.clone(),
                submitted_at: review.submitted_at,
            })
            .collect(),
    }
}

pub(crate) fn context_to_wit(policy_id: &str, context: &Context) -> wit::Context {
    wit::Context {
        policy_id: policy_id.to_owned(),
        environment: context.environment.clone(),
        branch: context.branch.clone(),
        target_branch: context.target_branch.clone(),
        event: context.event.map(event_to_wit),
        version: context.version.clone(),
        now: context.now.clone(),
        now_unix: context.now_unix,
        tags: context.tags.clone(),
        actor: context.actor.clone(),
        repository: context.repository.clone(),
    }
}

/// Our descriptor from the policy's; the schema must be JSON text.
pub(crate) fn descriptor_from_wit(descriptor: wit::Descriptor) -> Result<Descriptor, String> {
    let config_schema = serde_json::from_str(&descriptor.config_schema)
        .map_err(|error| format!("`config-schema` is not JSON: {error}"))?;
    let mut consumes: Vec<Kind> = descriptor.consumes.into_iter().map(kind_from_wit).collect();
    consumes.sort();
    consumes.dedup();
    let mut requires: Vec<Kind> = descriptor.requires.into_iter().map(kind_from_wit).collect();
    requires.sort();
    requires.dedup();
    if let Some(kind) = requires.iter().find(|kind| !consumes.contains(kind)) {
        return Err(format!(
            "`requires` lists `{}`, which is not in `consumes`",
            kind.as_str()
        ));
    }
    Ok(Descriptor {
        name: descriptor.name,
        version: descriptor.version,
        description: descriptor.description,
        consumes,
        requires,
        config_schema,
        controls: descriptor
            .controls
            .into_iter()
            .map(|control| Control {
                id: control.id,
                title: control.title,
            })
            .collect(),
    })
}

/// Our violation from the policy's, unchecked (see `outcome::Checker`).
pub(crate) fn violation_from_wit(violation: wit::Violation) -> Violation {
    Violation {
        rule: violation.rule,
        message: violation.message,
        severity: severity_from_wit(violation.severity),
        location: violation.location.map(location_from_wit),
        fingerprint: violation.fingerprint,
        control: violation.control,
        scanner_rule: violation.scanner_rule,
        advisories: violation.advisories,
    }
}

/// Our outcome from the policy's, unchecked (see `outcome::Checker`).
pub(crate) fn outcome_from_wit(outcome: wit::Outcome) -> Outcome {
    Outcome {
        violations: outcome
            .violations
            .into_iter()
            .map(violation_from_wit)
            .collect(),
        controls: outcome
            .controls
            .into_iter()
            .map(|result| ControlResult {
                control: result.control,
                status: match result.status {
                    wit::ControlStatus::Satisfied => ControlStatus::Satisfied,
                    wit::ControlStatus::Violated => ControlStatus::Violated,
                    wit::ControlStatus::NotAssessed => ControlStatus::NotAssessed,
                },
                evidence: result.evidence,
            })
            .collect(),
        notes: outcome.notes,
    }
}

/// Size of an outcome the way wasmtime's hostcall fuel counts it: the bytes
/// of its strings plus the in-memory size of each record.
pub(crate) fn outcome_size(outcome: &wit::Outcome) -> u64 {
    use std::mem::size_of;
    let text = |s: &str| s.len() as u64;
    let record = |size: usize| size as u64;
    let violations: u64 = outcome
        .violations
        .iter()
        .map(|v| {
            record(size_of::<wit::Violation>())
                + text(&v.rule)
                + text(&v.message)
                + text(&v.fingerprint)
                + v.location.as_ref().map_or(0, |l| text(&l.path))
                + v.control.as_deref().map_or(0, text)
                + v.scanner_rule.as_deref().map_or(0, text)
                + v.advisories
                    .iter()
                    .map(|a| record(size_of::<String>()) + text(a))
                    .sum::<u64>()
        })
        .sum();
    let controls: u64 = outcome
        .controls
        .iter()
        .map(|c| {
            record(size_of::<wit::ControlResult>())
                + text(&c.control)
                + c.evidence
                    .iter()
                    .map(|e| record(size_of::<String>()) + text(e))
                    .sum::<u64>()
        })
        .sum();
    let notes: u64 = outcome
        .notes
        .iter()
        .map(|note| record(size_of::<String>()) + text(note))
        .sum();
    violations + controls + notes
}

fn past_decision_to_wit(decision: verdict_evidence::PastDecision) -> wit::PastDecision {
    use verdict_evidence::PastDecision;
    match decision {
        PastDecision::Skipped => wit::PastDecision::Skipped,
        PastDecision::Pass => wit::PastDecision::Pass,
        PastDecision::Warn => wit::PastDecision::Warn,
        PastDecision::Fail => wit::PastDecision::Fail,
        PastDecision::Error => wit::PastDecision::Error,
    }
}

pub(crate) fn past_verdict_to_wit(past: &verdict_evidence::PastVerdict) -> wit::PastVerdict {
    wit::PastVerdict {
        seq: past.seq,
        time: past.time.clone(),
        time_unix: past.time_unix,
        repository: past.repository.clone(),
        commit: past.commit.clone(),
        branch: past.branch.clone(),
        target_branch: past.target_branch.clone(),
        environment: past.environment.clone(),
        version: past.version.clone(),
        actor: past.actor.clone(),
        event: past.event.map(event_to_wit),
        decision: past_decision_to_wit(past.decision),
        policies: past
            .policies
            .iter()
            .map(|policy| wit::PastPolicy {
                id: policy.id.clone(),
                decision: past_decision_to_wit(policy.decision),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severities_and_kinds_round_trip() {
        for severity in Severity::ALL_DESCENDING {
            assert_eq!(severity_from_wit(severity_to_wit(severity)), severity);
        }
        let kinds = [
            wit::EvidenceKind::Findings,
            wit::EvidenceKind::Vulnerabilities,
            wit::EvidenceKind::Secrets,
            wit::EvidenceKind::Coverage,
            wit::EvidenceKind::Components,
            wit::EvidenceKind::Tests,
            wit::EvidenceKind::Documents,
            wit::EvidenceKind::Commits,
            wit::EvidenceKind::Changes,
            wit::EvidenceKind::Tags,
            wit::EvidenceKind::PullRequests,
            wit::EvidenceKind::History,
        ];
        let ours: Vec<Kind> = kinds.into_iter().map(kind_from_wit).collect();
        assert_eq!(ours, Kind::ALL);
        for kind in Kind::ALL {
            assert_eq!(kind_from_wit(kind_to_wit(kind)), kind);
        }
    }

    #[test]
    fn descriptor_schema_must_be_json() {
        let descriptor = |schema: &str| wit::Descriptor {
            name: "p".into(),
            version: "1.0.0".into(),
            description: String::new(),
            consumes: vec![
                wit::EvidenceKind::Secrets,
                wit::EvidenceKind::Findings,
                wit::EvidenceKind::Secrets,
            ],
            requires: vec![wit::EvidenceKind::Secrets],
            config_schema: schema.into(),
            controls: vec![],
        };
        let ours = descriptor_from_wit(descriptor(r#"{"type":"object"}"#)).unwrap();
        assert_eq!(ours.consumes, [Kind::Findings, Kind::Secrets]);
        assert_eq!(ours.requires, [Kind::Secrets]);
        assert_eq!(ours.config_schema["type"], "object");
        let error = descriptor_from_wit(descriptor("{")).unwrap_err();
        assert!(error.starts_with("`config-schema` is not JSON"), "{error}");
    }

    #[test]
    fn documents_are_sent_as_json_text() {
        let document = Document {
            source: 2,
            value: serde_json::json!({"a": [1, "x"]}),
        };
        let wit = document_to_wit(&document);
        assert_eq!(wit.source, 2);
        assert_eq!(wit.json, r#"{"a":[1,"x"]}"#);
    }

    #[test]
    fn outcome_size_counts_records_and_text() {
        let outcome = wit::Outcome {
            violations: vec![wit::Violation {
                rule: "r".into(),
                message: "12345".into(),
                severity: wit::Severity::High,
                location: None,
                fingerprint: "f".into(),
                control: None,
                scanner_rule: None,
                advisories: vec![],
            }],
            controls: vec![],
            notes: vec![],
        };
        assert_eq!(
            outcome_size(&outcome),
            size_of::<wit::Violation>() as u64 + 7
        );
        let ours = outcome_from_wit(outcome);
        assert_eq!(ours.violations[0].severity, Severity::High);
    }
}
