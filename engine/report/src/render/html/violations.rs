//! Violations grouped by policy: the exact counts by severity and rule, the
//! violations the document lists in detail (it keeps a bounded number per
//! policy, and says how many it left out), and the waived ones.

use super::{Badge, anchor, decision_badge, long, severity_badge, short};
use crate::render::{elided, plural};
use verdict_evidence::Location;
use verdict_evidence::Severity;
use verdict_evidence::policy::Violation;
use verdict_gate::document::{PolicyReport, Verdict};

pub(crate) struct PolicyViolations {
    pub(crate) anchor: String,
    pub(crate) id: String,
    pub(crate) decision: Badge,
    pub(crate) headline: String,
    pub(crate) by_severity: Vec<(Badge, u64)>,
    pub(crate) by_rule: Vec<(String, u64)>,
    pub(crate) listed: Vec<ViolationRow>,
    /// "N more not listed", when the document left some out.
    pub(crate) elided: Option<String>,
    pub(crate) waived: Vec<ViolationRow>,
    pub(crate) waived_elided: Option<String>,
}

pub(crate) struct ViolationRow {
    pub(crate) severity: Badge,
    pub(crate) rule: String,
    pub(crate) message: String,
    pub(crate) location: String,
    /// Control, scanner rule and advisories, each as `label: value`.
    pub(crate) about: Vec<String>,
    pub(crate) fingerprint: String,
    /// For a waived violation: the waiver that let it through.
    pub(crate) waiver: String,
}

pub(crate) fn of(verdict: &Verdict) -> Vec<PolicyViolations> {
    verdict
        .policies
        .iter()
        .enumerate()
        .filter(|(_, policy)| {
            let counts = &policy.counts;
            counts.violations + counts.waived + counts.baselined > 0
                || !policy.violations.is_empty()
                || !policy.waived.is_empty()
        })
        .map(|(index, policy)| policy_violations(index, policy))
        .collect()
}

fn policy_violations(index: usize, policy: &PolicyReport) -> PolicyViolations {
    let counts = &policy.counts;
    // Documents of older writers may lack counts: fall back on the list.
    let counting = counts.violations.max(policy.violations.len() as u64);
    let mut headline = vec![format!(
        "{counting} {} against the gate",
        plural(counting, "violation counts", "violations count")
    )];
    if counts.waived > 0 {
        headline.push(format!("{} waived", counts.waived));
    }
    if counts.baselined > 0 {
        headline.push(format!(
            "{} already in the baseline (not counted)",
            counts.baselined
        ));
    }
    let by_severity = Severity::ALL_DESCENDING
        .into_iter()
        .filter_map(|severity| {
            let count = counts.by_severity.get(&severity).copied().unwrap_or(0);
            (count > 0).then(|| (severity_badge(severity), count))
        })
        .collect();
    let mut by_rule: Vec<(String, u64)> = counts
        .by_rule
        .iter()
        .map(|(rule, count)| (short(rule), *count))
        .collect();
    // Most frequent first; the map's order breaks ties, so the order is fixed.
    by_rule.sort_by_key(|(_, count)| std::cmp::Reverse(*count));
    let listed: Vec<ViolationRow> = policy
        .violations
        .iter()
        .map(|v| violation_row(v, ""))
        .collect();
    let not_listed = more(elided(policy));
    let waived: Vec<ViolationRow> = policy
        .waived
        .iter()
        .map(|w| violation_row(&w.violation, &short(&w.waiver)))
        .collect();
    let waived_elided = more(counts.waived.saturating_sub(waived.len() as u64));
    PolicyViolations {
        anchor: anchor(index),
        id: short(&policy.id),
        decision: decision_badge(policy.decision),
        headline: format!("{}.", headline.join("; ")),
        by_severity,
        by_rule,
        listed,
        elided: not_listed,
        waived,
        waived_elided,
    }
}

fn more(count: u64) -> Option<String> {
    (count > 0).then(|| {
        format!(
            "{count} more not listed: the verdict document keeps full detail for a bounded number per policy; the counts above cover all."
        )
    })
}

fn violation_row(violation: &Violation, waiver: &str) -> ViolationRow {
    let mut about = Vec::new();
    if let Some(control) = &violation.control {
        about.push(format!("control: {}", short(control)));
    }
    if let Some(rule) = &violation.scanner_rule {
        about.push(format!("scanner rule: {}", short(rule)));
    }
    if !violation.advisories.is_empty() {
        let advisories: Vec<String> = violation.advisories.iter().map(|a| short(a)).collect();
        about.push(format!("advisories: {}", advisories.join(", ")));
    }
    ViolationRow {
        severity: severity_badge(violation.severity),
        rule: short(&violation.rule),
        message: long(&violation.message),
        location: violation
            .location
            .as_ref()
            .map(location)
            .unwrap_or_default(),
        about,
        fingerprint: short(&violation.fingerprint),
        waiver: waiver.to_owned(),
    }
}

/// `path`, `path:12` or `path:12–15`.
pub(super) fn location(location: &Location) -> String {
    let path = short(&location.path);
    match (location.start_line, location.end_line) {
        (Some(start), Some(end)) if end > start => format!("{path}:{start}–{end}"),
        (Some(start), _) => format!("{path}:{start}"),
        (None, _) => path,
    }
}
