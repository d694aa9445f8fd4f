//! The period report's model: figures computed from the records of the
//! period, in a fixed order, with every list bounded where the ledger could
//! make it huge (and the bound said).
//!
//! Strings are copied from the documents as they are; renderers neutralise
//! and escape them.

use super::{AuditInput, AuditRecord, LedgerIntegrity};
use chrono::{DateTime, Days, NaiveDate};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use verdict_evidence::Severity;
use verdict_evidence::policy::ControlStatus;
use verdict_gate::Decision;
use verdict_gate::document::{PolicyReport, Verdict, WaiverStatus};

/// The report format id.
pub const FORMAT: &str = "verdict-audit/v1";

/// Periods longer than this many days are drawn per month instead of per day.
const DAILY_UP_TO: i64 = 62;
/// Policies and rules in the top lists.
const TOP: usize = 10;
/// New findings listed in detail (the counts are complete).
const NEW_FINDINGS_LISTED: usize = 25;
/// Runs listed under each control, the latest (the counts are complete).
const CONTROL_RUNS_LISTED: usize = 20;
/// Evidence strings kept per control run.
const EVIDENCE_LISTED: usize = 3;
/// Waivers expiring within this many days after the period are listed.
const EXPIRING_WITHIN_DAYS: u64 = 30;
/// Violation messages of a reviews policy shown as its approvals' detail.
const APPROVAL_MESSAGES: usize = 3;

/// The whole period report (the JSON output).
#[derive(Debug, Clone, Serialize)]
pub struct AuditReport {
    /// Always `verdict-audit/v1`.
    pub format: &'static str,
    /// The ledger, password redacted.
    pub ledger: String,
    /// The period.
    pub period: Period,
    /// Filters the records were read with.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repository: Option<String>,
    /// See `repository`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub environment: Option<String>,
    /// The framework of the compliance audit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub framework: Option<String>,
    /// Runs in the period.
    pub runs: u64,
    /// The first and last sequence numbers of the period's records.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seq_range: Option<(u64, u64)>,
    /// Decisions over the period.
    pub decisions: Decisions,
    /// The ledger's integrity.
    pub integrity: Integrity,
    /// The security summary.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub security: Option<Security>,
    /// The compliance audit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compliance: Option<Compliance>,
    /// The deployment log: every run with an environment, oldest first.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deployments: Option<Vec<Deployment>>,
}

/// The period.
#[derive(Debug, Clone, Serialize)]
pub struct Period {
    /// Runs at or after this time.
    pub since: String,
    /// Runs before this time.
    pub until: String,
    /// First day (UTC).
    pub first_day: String,
    /// Last day (UTC), inclusive.
    pub last_day: String,
    /// `day` or `month`: the unit of the figures over time.
    pub bucket: &'static str,
}

/// Counts of decisions.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Decisions {
    /// Passed.
    pub pass: u64,
    /// Warned.
    pub warn: u64,
    /// Failed.
    pub fail: u64,
    /// Could not decide.
    pub error: u64,
    /// Nothing in scope.
    pub skipped: u64,
}

impl Decisions {
    fn add(&mut self, decision: Decision) {
        match decision {
            Decision::Pass => self.pass += 1,
            Decision::Warn => self.warn += 1,
            Decision::Fail => self.fail += 1,
            Decision::Error => self.error += 1,
            Decision::Skipped => self.skipped += 1,
        }
    }

    /// All runs counted.
    pub fn total(&self) -> u64 {
        self.pass + self.warn + self.fail + self.error + self.skipped
    }
}

/// The ledger's integrity, and where the period sits in it.
#[derive(Debug, Clone, Serialize)]
pub struct Integrity {
    /// The verify result.
    #[serde(flatten)]
    pub verify: LedgerIntegrity,
    /// Whether the first problem lies within the period's records.
    pub problem_in_period: bool,
}

/// The security summary.
#[derive(Debug, Clone, Serialize)]
pub struct Security {
    /// Decisions per day (or month), every one of the period.
    pub decisions: Vec<BucketDecisions>,
    /// Policies that failed most often.
    pub top_policies: Vec<FailingPolicy>,
    /// Rules with most violations.
    pub top_rules: Vec<FailingRule>,
    /// New and fixed findings.
    pub findings: Findings,
    /// Open vulnerabilities by severity per day (or month).
    pub vulnerabilities: Vec<BucketSeverities>,
    /// Waivers that expire before or within 30 days after the period.
    pub expiring_waivers: Vec<WaiverRow>,
}

/// Decisions of one day or month.
#[derive(Debug, Clone, Serialize)]
pub struct BucketDecisions {
    /// `YYYY-MM-DD` or `YYYY-MM`.
    pub bucket: String,
    /// The counts.
    #[serde(flatten)]
    pub decisions: Decisions,
}

/// A policy's failures over the period.
#[derive(Debug, Clone, Serialize)]
pub struct FailingPolicy {
    /// Policy id.
    pub policy: String,
    /// Runs where it failed.
    pub failed_runs: u64,
    /// Runs where it errored.
    pub errored_runs: u64,
    /// Violations counting against it, summed over runs.
    pub violations: u64,
}

/// A rule's violations over the period.
#[derive(Debug, Clone, Serialize)]
pub struct FailingRule {
    /// Policy id.
    pub policy: String,
    /// Rule.
    pub rule: String,
    /// Violations summed over runs.
    pub violations: u64,
    /// Runs where it had any.
    pub runs: u64,
}

/// Findings that appeared or disappeared between consecutive runs of the
/// same repository and branch.
#[derive(Debug, Clone, Serialize)]
pub struct Findings {
    /// Findings that appeared.
    pub new: u64,
    /// Findings that disappeared.
    pub fixed: u64,
    /// Whether a compared run listed fewer violations than it counted (the
    /// detail limit), so that the figures are a lower bound.
    pub partial: bool,
    /// Per repository and branch.
    pub streams: Vec<StreamChanges>,
    /// The latest new findings.
    pub latest_new: Vec<FindingChange>,
}

/// New and fixed findings of one repository and branch.
#[derive(Debug, Clone, Serialize)]
pub struct StreamChanges {
    /// Repository.
    pub repository: Option<String>,
    /// Branch.
    pub branch: Option<String>,
    /// Runs in the period.
    pub runs: u64,
    /// Findings that appeared.
    pub new: u64,
    /// Findings that disappeared.
    pub fixed: u64,
    /// Findings of its latest run.
    pub open: u64,
}

/// One finding that appeared.
#[derive(Debug, Clone, Serialize)]
pub struct FindingChange {
    /// The run it appeared in.
    pub seq: u64,
    /// The run's time.
    pub time: String,
    /// Repository.
    pub repository: Option<String>,
    /// Branch.
    pub branch: Option<String>,
    /// Policy id.
    pub policy: String,
    /// Rule.
    pub rule: String,
    /// Severity.
    pub severity: Severity,
    /// Message.
    pub message: String,
    /// Fingerprint.
    pub fingerprint: String,
}

/// Vulnerabilities by severity in one day or month.
#[derive(Debug, Clone, Serialize)]
pub struct BucketSeverities {
    /// `YYYY-MM-DD` or `YYYY-MM`.
    pub bucket: String,
    /// Counts by severity.
    pub counts: BTreeMap<Severity, u64>,
}

/// A waiver as last recorded in the period.
#[derive(Debug, Clone, Serialize)]
pub struct WaiverRow {
    /// Repository of the runs that carried it.
    pub repository: Option<String>,
    /// Its id.
    pub id: String,
    /// Policy.
    pub policy: String,
    /// Who answers for it.
    pub owner: String,
    /// Why.
    pub reason: String,
    /// Last day.
    pub expires: String,
    /// Its status on the latest run that carried it.
    pub status: WaiverStatus,
    /// Violations it waived, summed over runs.
    pub matched: u64,
    /// Runs on which it waived something.
    pub applied_runs: u64,
    /// The latest run that carried it.
    pub last_seq: u64,
}

/// The compliance audit.
#[derive(Debug, Clone, Serialize)]
pub struct Compliance {
    /// Each control seen in the period, by id.
    pub controls: Vec<ControlRow>,
    /// Attestations, as last recorded.
    pub attestations: Vec<AttestationRow>,
    /// Waivers, as last recorded.
    pub waivers: Vec<WaiverRow>,
    /// Every override asked for, oldest first.
    pub overrides: Vec<OverrideRow>,
}

/// One control over the period.
#[derive(Debug, Clone, Serialize)]
pub struct ControlRow {
    /// Control id.
    pub control: String,
    /// Runs where it was satisfied.
    pub satisfied: u64,
    /// Runs where it was violated.
    pub violated: u64,
    /// Runs where it was not assessed.
    pub not_assessed: u64,
    /// Runs where it was attested.
    pub attested: u64,
    /// Its status on the latest run.
    pub latest: ControlStatus,
    /// The latest runs it rests on, newest first.
    pub runs: Vec<ControlRun>,
    /// Runs not listed in `runs`.
    pub runs_not_listed: u64,
}

/// One run a control's status rests on.
#[derive(Debug, Clone, Serialize)]
pub struct ControlRun {
    /// Record.
    pub seq: u64,
    /// Record hash.
    pub hash: String,
    /// Head commit.
    pub commit: Option<String>,
    /// Time.
    pub time: String,
    /// Repository.
    pub repository: Option<String>,
    /// Policy that assessed it.
    pub policy: String,
    /// Status.
    pub status: ControlStatus,
    /// What it rests on (the first few).
    pub evidence: Vec<String>,
}

/// An attestation as last recorded.
#[derive(Debug, Clone, Serialize)]
pub struct AttestationRow {
    /// Repository.
    pub repository: Option<String>,
    /// Control.
    pub control: String,
    /// What is attested.
    pub statement: String,
    /// Who.
    pub by: String,
    /// When.
    pub date: String,
    /// Last day.
    pub expires: String,
    /// Where the evidence is.
    pub evidence: Option<String>,
    /// Status on the latest run that carried it.
    pub status: verdict_gate::document::AttestationStatus,
    /// Whether it expires before or within 30 days after the period.
    pub expiring: bool,
    /// Latest run that carried it.
    pub last_seq: u64,
}

/// One override.
#[derive(Debug, Clone, Serialize)]
pub struct OverrideRow {
    /// Record.
    pub seq: u64,
    /// Time.
    pub time: String,
    /// Repository.
    pub repository: Option<String>,
    /// Environment.
    pub environment: Option<String>,
    /// Policy overridden.
    pub policy: String,
    /// Who asked.
    pub actor: String,
    /// Why.
    pub reason: String,
    /// Whether it changed the outcome.
    pub applied: bool,
    /// Violations it let through.
    pub violations: u64,
}

/// One run with an environment.
#[derive(Debug, Clone, Serialize)]
pub struct Deployment {
    /// Record.
    pub seq: u64,
    /// Record hash.
    pub hash: String,
    /// Time.
    pub time: String,
    /// Repository.
    pub repository: Option<String>,
    /// Environment.
    pub environment: String,
    /// Version.
    pub version: Option<String>,
    /// Commit.
    pub commit: Option<String>,
    /// Actor.
    pub actor: Option<String>,
    /// Decision.
    pub decision: Decision,
    /// What the reviews policy said, when one ran.
    pub approvals: Option<Approvals>,
    /// Whether a policy's failure was overridden.
    pub overridden: bool,
}

/// The approvals of a deployment: the reviews policy's result.
#[derive(Debug, Clone, Serialize)]
pub struct Approvals {
    /// Policy id.
    pub policy: String,
    /// Its decision.
    pub decision: Decision,
    /// Its notes and first violation messages.
    pub detail: Vec<String>,
}

impl AuditReport {
    /// Builds the report from the period's records.
    pub fn build(input: &AuditInput) -> AuditReport {
        let mut records: Vec<&AuditRecord> = input.records.iter().collect();
        records.sort_by_key(|record| (record.verdict.context.now_unix, record.seq));
        let period = period(input);
        let buckets = Buckets::of(&period);
        let mut decisions = Decisions::default();
        for record in &records {
            decisions.add(record.verdict.decision);
        }
        let seq_range = records
            .iter()
            .map(|r| r.seq)
            .min()
            .zip(records.iter().map(|r| r.seq).max());
        let problem_seq = input.integrity.problem_seq;
        let integrity = Integrity {
            verify: input.integrity.clone(),
            problem_in_period: match (problem_seq, seq_range) {
                (Some(seq), Some((first, last))) => (first..=last).contains(&seq),
                _ => false,
            },
        };
        let expiring_by = NaiveDate::parse_from_str(&period.last_day, "%Y-%m-%d")
            .ok()
            .and_then(|day| day.checked_add_days(Days::new(EXPIRING_WITHIN_DAYS)))
            .map(|day| day.format("%Y-%m-%d").to_string())
            .unwrap_or_default();
        AuditReport {
            format: FORMAT,
            ledger: input.ledger.clone(),
            repository: input.repository.clone(),
            environment: input.environment.clone(),
            framework: input.framework.clone(),
            runs: records.len() as u64,
            seq_range,
            decisions,
            integrity,
            security: input
                .kinds
                .security
                .then(|| security(&records, &buckets, &expiring_by)),
            compliance: input
                .kinds
                .compliance
                .then(|| compliance(&records, input.framework.as_deref(), &expiring_by)),
            deployments: input.kinds.deployments.then(|| deployments(&records)),
            period,
        }
    }
}

fn day_of_unix(unix: i64) -> Option<NaiveDate> {
    DateTime::from_timestamp(unix, 0).map(|time| time.date_naive())
}

fn day_of_rfc3339(time: &str) -> Option<NaiveDate> {
    DateTime::parse_from_rfc3339(time)
        .ok()
        .map(|time| time.to_utc().date_naive())
}

fn period(input: &AuditInput) -> Period {
    let first = day_of_rfc3339(&input.since);
    // `until` is exclusive: its last day is the day of the second before.
    let last = DateTime::parse_from_rfc3339(&input.until)
        .ok()
        .map(|time| (time.to_utc() - chrono::TimeDelta::seconds(1)).date_naive());
    let daily = match (first, last) {
        (Some(first), Some(last)) => (last - first).num_days() < DAILY_UP_TO,
        _ => true,
    };
    let show = |day: Option<NaiveDate>| {
        day.map(|day| day.format("%Y-%m-%d").to_string())
            .unwrap_or_default()
    };
    Period {
        since: input.since.clone(),
        until: input.until.clone(),
        first_day: show(first),
        last_day: show(last),
        bucket: if daily { "day" } else { "month" },
    }
}

/// Every day (or month) of the period, in order.
struct Buckets {
    names: Vec<String>,
    monthly: bool,
}

impl Buckets {
    fn of(period: &Period) -> Buckets {
        let monthly = period.bucket == "month";
        let parse = |day: &str| NaiveDate::parse_from_str(day, "%Y-%m-%d").ok();
        let mut names = Vec::new();
        if let (Some(mut day), Some(last)) = (parse(&period.first_day), parse(&period.last_day)) {
            while day <= last {
                let name = Buckets::name(day, monthly);
                if names.last() != Some(&name) {
                    names.push(name);
                }
                match day.succ_opt() {
                    Some(next) => day = next,
                    None => break,
                }
            }
        }
        Buckets { names, monthly }
    }

    fn name(day: NaiveDate, monthly: bool) -> String {
        if monthly {
            day.format("%Y-%m").to_string()
        } else {
            day.format("%Y-%m-%d").to_string()
        }
    }

    fn of_run(&self, verdict: &Verdict) -> String {
        day_of_unix(verdict.context.now_unix)
            .map(|day| Buckets::name(day, self.monthly))
            .unwrap_or_default()
    }
}

fn security(records: &[&AuditRecord], buckets: &Buckets, expiring_by: &str) -> Security {
    // Decisions per bucket; runs outside the named buckets (a clock skew
    // between `now` and `now_unix`) get their own.
    let mut per_bucket: BTreeMap<String, Decisions> = buckets
        .names
        .iter()
        .map(|name| (name.clone(), Decisions::default()))
        .collect();
    for record in records {
        per_bucket
            .entry(buckets.of_run(&record.verdict))
            .or_default()
            .add(record.verdict.decision);
    }
    Security {
        decisions: per_bucket
            .into_iter()
            .map(|(bucket, decisions)| BucketDecisions { bucket, decisions })
            .collect(),
        top_policies: top_policies(records),
        top_rules: top_rules(records),
        findings: findings(records),
        vulnerabilities: vulnerabilities(records, buckets),
        expiring_waivers: waivers(records)
            .into_iter()
            .filter(|waiver| waiver.expires.as_str() <= expiring_by)
            .collect(),
    }
}

fn top_policies(records: &[&AuditRecord]) -> Vec<FailingPolicy> {
    let mut by_policy: BTreeMap<&str, FailingPolicy> = BTreeMap::new();
    for record in records {
        for policy in &record.verdict.policies {
            let row = by_policy
                .entry(&policy.id)
                .or_insert_with(|| FailingPolicy {
                    policy: policy.id.clone(),
                    failed_runs: 0,
                    errored_runs: 0,
                    violations: 0,
                });
            match policy.decision {
                Decision::Fail => row.failed_runs += 1,
                Decision::Error => row.errored_runs += 1,
                _ => {}
            }
            row.violations += policy.counts.violations;
        }
    }
    let mut rows: Vec<FailingPolicy> = by_policy
        .into_values()
        .filter(|row| row.failed_runs + row.errored_runs > 0 || row.violations > 0)
        .collect();
    rows.sort_by(|a, b| {
        (b.failed_runs + b.errored_runs, b.violations)
            .cmp(&(a.failed_runs + a.errored_runs, a.violations))
            .then_with(|| a.policy.cmp(&b.policy))
    });
    rows.truncate(TOP);
    rows
}

fn top_rules(records: &[&AuditRecord]) -> Vec<FailingRule> {
    let mut by_rule: BTreeMap<(&str, &str), (u64, u64)> = BTreeMap::new();
    for record in records {
        for policy in &record.verdict.policies {
            for (rule, count) in &policy.counts.by_rule {
                if *count > 0 {
                    let entry = by_rule.entry((&policy.id, rule)).or_default();
                    entry.0 += count;
                    entry.1 += 1;
                }
            }
        }
    }
    let mut rows: Vec<FailingRule> = by_rule
        .into_iter()
        .map(|((policy, rule), (violations, runs))| FailingRule {
            policy: policy.to_owned(),
            rule: rule.to_owned(),
            violations,
            runs,
        })
        .collect();
    rows.sort_by(|a, b| {
        (b.violations, b.runs)
            .cmp(&(a.violations, a.runs))
            .then_with(|| (&a.policy, &a.rule).cmp(&(&b.policy, &b.rule)))
    });
    rows.truncate(TOP);
    rows
}

type StreamKey<'a> = (Option<&'a str>, Option<&'a str>);

fn stream_of(verdict: &Verdict) -> StreamKey<'_> {
    (
        verdict.context.repository.as_deref(),
        verdict.context.branch.as_deref(),
    )
}

/// The listed violations of a run, by policy and fingerprint, and whether
/// the list is complete.
fn listed(verdict: &Verdict) -> (BTreeSet<(&str, &str)>, bool) {
    let mut set = BTreeSet::new();
    let mut complete = true;
    for policy in &verdict.policies {
        if policy.counts.elided > 0 {
            complete = false;
        }
        for violation in &policy.violations {
            set.insert((policy.id.as_str(), violation.fingerprint.as_str()));
        }
    }
    (set, complete)
}

fn findings(records: &[&AuditRecord]) -> Findings {
    struct Stream<'a> {
        runs: u64,
        new: u64,
        fixed: u64,
        last: Option<(BTreeSet<(&'a str, &'a str)>, bool)>,
    }
    let mut streams: BTreeMap<StreamKey<'_>, Stream<'_>> = BTreeMap::new();
    let mut partial = false;
    let mut latest_new: Vec<FindingChange> = Vec::new();
    for record in records {
        let verdict = &record.verdict;
        let stream = streams.entry(stream_of(verdict)).or_insert(Stream {
            runs: 0,
            new: 0,
            fixed: 0,
            last: None,
        });
        stream.runs += 1;
        let (current, complete) = listed(verdict);
        if let Some((previous, previous_complete)) = &stream.last {
            if !(complete && *previous_complete) {
                partial = true;
            }
            stream.fixed += previous.difference(&current).count() as u64;
            let appeared: Vec<&(&str, &str)> = current.difference(previous).collect();
            stream.new += appeared.len() as u64;
            for (policy_id, fingerprint) in appeared {
                let Some(policy) = verdict.policies.iter().find(|p| p.id == *policy_id) else {
                    continue;
                };
                let Some(violation) = policy
                    .violations
                    .iter()
                    .find(|v| v.fingerprint == *fingerprint)
                else {
                    continue;
                };
                latest_new.push(FindingChange {
                    seq: record.seq,
                    time: verdict.context.now.clone(),
                    repository: verdict.context.repository.clone(),
                    branch: verdict.context.branch.clone(),
                    policy: policy.id.clone(),
                    rule: violation.rule.clone(),
                    severity: violation.severity,
                    message: violation.message.clone(),
                    fingerprint: violation.fingerprint.clone(),
                });
                if latest_new.len() > NEW_FINDINGS_LISTED * 4 {
                    latest_new.drain(..latest_new.len() - NEW_FINDINGS_LISTED);
                }
            }
        }
        stream.last = Some((current, complete));
    }
    let start = latest_new.len().saturating_sub(NEW_FINDINGS_LISTED);
    let mut latest_new = latest_new.split_off(start);
    latest_new.reverse();
    let streams: Vec<StreamChanges> = streams
        .into_iter()
        .map(|((repository, branch), stream)| StreamChanges {
            repository: repository.map(str::to_owned),
            branch: branch.map(str::to_owned),
            runs: stream.runs,
            new: stream.new,
            fixed: stream.fixed,
            open: stream.last.map(|(set, _)| set.len() as u64).unwrap_or(0),
        })
        .collect();
    Findings {
        new: streams.iter().map(|s| s.new).sum(),
        fixed: streams.iter().map(|s| s.fixed).sum(),
        partial,
        streams,
        latest_new,
    }
}

/// Whether a policy's violations are vulnerabilities: the built-in
/// `vulnerabilities` policy, or a policy whose every listed violation names
/// an advisory.
pub(crate) fn is_vulnerability_policy(policy: &PolicyReport) -> bool {
    if policy.plugin == "builtin:vulnerabilities" {
        return true;
    }
    let mut listed = policy
        .violations
        .iter()
        .chain(policy.waived.iter().map(|w| &w.violation))
        .peekable();
    listed.peek().is_some() && listed.all(|violation| !violation.advisories.is_empty())
}

/// Per bucket, the vulnerabilities open at its end: those of the latest run
/// so far of each repository and branch, summed (a branch without a run in a
/// bucket keeps the figures of its previous run in the period).
fn vulnerabilities(records: &[&AuditRecord], buckets: &Buckets) -> Vec<BucketSeverities> {
    type Runs<'a> = Vec<(StreamKey<'a>, BTreeMap<Severity, u64>)>;
    let mut per_run: BTreeMap<String, Runs<'_>> = BTreeMap::new();
    for record in records {
        let verdict = &record.verdict;
        let mut counts: BTreeMap<Severity, u64> = BTreeMap::new();
        for policy in verdict
            .policies
            .iter()
            .filter(|p| is_vulnerability_policy(p))
        {
            for (severity, count) in &policy.counts.by_severity {
                *counts.entry(*severity).or_default() += count;
            }
        }
        per_run
            .entry(buckets.of_run(verdict))
            .or_default()
            .push((stream_of(verdict), counts));
    }
    for name in &buckets.names {
        per_run.entry(name.clone()).or_default();
    }
    // Bucket names sort in time order; runs within one are in time order.
    let mut open: BTreeMap<StreamKey<'_>, BTreeMap<Severity, u64>> = BTreeMap::new();
    per_run
        .into_iter()
        .map(|(bucket, runs)| {
            for (stream, counts) in runs {
                open.insert(stream, counts);
            }
            let mut totals: BTreeMap<Severity, u64> = BTreeMap::new();
            for counts in open.values() {
                for (severity, count) in counts {
                    *totals.entry(*severity).or_default() += count;
                }
            }
            BucketSeverities {
                bucket,
                counts: totals,
            }
        })
        .collect()
}

/// Every waiver of the period as last recorded, by expiry.
fn waivers(records: &[&AuditRecord]) -> Vec<WaiverRow> {
    let mut rows: HashMap<(Option<&str>, &str, &str), WaiverRow> = HashMap::new();
    for record in records {
        let repository = record.verdict.context.repository.as_deref();
        for waiver in &record.verdict.waivers {
            let row = rows
                .entry((repository, &waiver.policy, &waiver.id))
                .or_insert_with(|| WaiverRow {
                    repository: repository.map(str::to_owned),
                    id: waiver.id.clone(),
                    policy: waiver.policy.clone(),
                    owner: String::new(),
                    reason: String::new(),
                    expires: String::new(),
                    status: waiver.status,
                    matched: 0,
                    applied_runs: 0,
                    last_seq: 0,
                });
            row.owner.clone_from(&waiver.owner);
            row.reason.clone_from(&waiver.reason);
            row.expires.clone_from(&waiver.expires);
            row.status = waiver.status;
            row.matched += waiver.matched;
            row.applied_runs += u64::from(waiver.matched > 0);
            row.last_seq = record.seq;
        }
    }
    let mut rows: Vec<WaiverRow> = rows.into_values().collect();
    rows.sort_by(|a, b| {
        (&a.expires, &a.repository, &a.policy, &a.id).cmp(&(
            &b.expires,
            &b.repository,
            &b.policy,
            &b.id,
        ))
    });
    rows
}

/// Whether a control belongs to the framework: its id starts with the
/// framework's name and a separator (`hipaa-…`, `hipaa:…`, `hipaa.…`), in any
/// case.
pub(crate) fn in_framework(control: &str, framework: Option<&str>) -> bool {
    let Some(framework) = framework else {
        return true;
    };
    let framework = framework.trim();
    control.len() > framework.len()
        && control.is_char_boundary(framework.len())
        && control[..framework.len()].eq_ignore_ascii_case(framework)
        && matches!(
            control.as_bytes()[framework.len()],
            b'-' | b':' | b'.' | b'_'
        )
}

fn compliance(records: &[&AuditRecord], framework: Option<&str>, expiring_by: &str) -> Compliance {
    struct Tally {
        row: ControlRow,
        runs: Vec<ControlRun>,
        total_runs: u64,
    }
    let mut controls: BTreeMap<&str, Tally> = BTreeMap::new();
    let mut attestations: HashMap<(Option<&str>, &str, &str, &str), AttestationRow> =
        HashMap::new();
    let mut overrides = Vec::new();
    for record in records {
        let verdict = &record.verdict;
        let repository = verdict.context.repository.as_deref();
        for policy in &verdict.policies {
            for result in &policy.controls {
                if !in_framework(&result.control, framework) {
                    continue;
                }
                let tally = controls.entry(&result.control).or_insert_with(|| Tally {
                    row: ControlRow {
                        control: result.control.clone(),
                        satisfied: 0,
                        violated: 0,
                        not_assessed: 0,
                        attested: 0,
                        latest: result.status,
                        runs: Vec::new(),
                        runs_not_listed: 0,
                    },
                    runs: Vec::new(),
                    total_runs: 0,
                });
                match result.status {
                    ControlStatus::Satisfied => tally.row.satisfied += 1,
                    ControlStatus::Violated => tally.row.violated += 1,
                    ControlStatus::NotAssessed => tally.row.not_assessed += 1,
                    ControlStatus::Attested => tally.row.attested += 1,
                }
                tally.row.latest = result.status;
                tally.total_runs += 1;
                tally.runs.push(ControlRun {
                    seq: record.seq,
                    hash: record.hash.clone(),
                    commit: record.commit.clone(),
                    time: verdict.context.now.clone(),
                    repository: repository.map(str::to_owned),
                    policy: policy.id.clone(),
                    status: result.status,
                    evidence: result
                        .evidence
                        .iter()
                        .take(EVIDENCE_LISTED)
                        .cloned()
                        .collect(),
                });
                if tally.runs.len() > CONTROL_RUNS_LISTED * 4 {
                    tally.runs.drain(..tally.runs.len() - CONTROL_RUNS_LISTED);
                }
            }
        }
        for attestation in &verdict.attestations {
            if !in_framework(&attestation.control, framework) {
                continue;
            }
            attestations.insert(
                (
                    repository,
                    &attestation.control,
                    &attestation.by,
                    &attestation.date,
                ),
                AttestationRow {
                    repository: repository.map(str::to_owned),
                    control: attestation.control.clone(),
                    statement: attestation.statement.clone(),
                    by: attestation.by.clone(),
                    date: attestation.date.clone(),
                    expires: attestation.expires.clone(),
                    evidence: attestation.evidence.clone(),
                    status: attestation.status,
                    expiring: attestation.expires.as_str() <= expiring_by,
                    last_seq: record.seq,
                },
            );
        }
        for item in &verdict.overrides {
            overrides.push(OverrideRow {
                seq: record.seq,
                time: verdict.context.now.clone(),
                repository: repository.map(str::to_owned),
                environment: verdict.context.environment.clone(),
                policy: item.policy.clone(),
                actor: item.actor.clone(),
                reason: item.reason.clone(),
                applied: item.applied,
                violations: item.violations,
            });
        }
    }
    let controls = controls
        .into_values()
        .map(|mut tally| {
            let start = tally.runs.len().saturating_sub(CONTROL_RUNS_LISTED);
            let mut runs = tally.runs.split_off(start);
            runs.reverse();
            tally.row.runs_not_listed = tally.total_runs - runs.len() as u64;
            tally.row.runs = runs;
            tally.row
        })
        .collect();
    let mut attestations: Vec<AttestationRow> = attestations.into_values().collect();
    attestations.sort_by(|a, b| {
        (&a.control, &a.repository, &a.by, &a.date).cmp(&(
            &b.control,
            &b.repository,
            &b.by,
            &b.date,
        ))
    });
    Compliance {
        controls,
        attestations,
        waivers: waivers(records),
        overrides,
    }
}

/// Whether a policy checks approvals: the built-in `reviews` policy.
fn is_reviews_policy(policy: &PolicyReport) -> bool {
    policy.plugin == "builtin:reviews"
}

fn deployments(records: &[&AuditRecord]) -> Vec<Deployment> {
    records
        .iter()
        .filter_map(|record| {
            let verdict = &record.verdict;
            let environment = verdict.context.environment.clone()?;
            let approvals = verdict
                .policies
                .iter()
                .find(|p| is_reviews_policy(p))
                .map(|policy| Approvals {
                    policy: policy.id.clone(),
                    decision: policy.decision,
                    detail: policy
                        .notes
                        .iter()
                        .cloned()
                        .chain(
                            policy
                                .violations
                                .iter()
                                .take(APPROVAL_MESSAGES)
                                .map(|v| v.message.clone()),
                        )
                        .chain(policy.skipped.iter().cloned())
                        .chain(policy.error.iter().cloned())
                        .collect(),
                });
            Some(Deployment {
                seq: record.seq,
                hash: record.hash.clone(),
                time: verdict.context.now.clone(),
                repository: verdict.context.repository.clone(),
                environment,
                version: verdict.context.version.clone(),
                commit: record.commit.clone(),
                actor: verdict.context.actor.clone(),
                decision: verdict.decision,
                approvals,
                overridden: verdict.policies.iter().any(|p| p.overridden)
                    || verdict.overrides.iter().any(|o| o.applied),
            })
        })
        .collect()
}
