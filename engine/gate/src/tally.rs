//! One policy's violations as they leave the sandbox: each is waived, found
//! in the baseline, or counted; exact counts are kept for all of them, and
//! full detail for a bounded number (the most severe, in reported order), so
//! a policy objecting to a million findings decides in bounded memory.

use crate::baseline::Baseline;
use crate::dates::Day;
use crate::document::{ViolationCounts, WaivedViolation};
use crate::waivers::Waiver;
use std::cmp::Reverse;
use std::collections::{BTreeSet, BinaryHeap, HashSet};
use std::sync::Arc;
use verdict_evidence::policy::Violation;

/// Violations listed in full per policy when the gate file does not say.
pub const DEFAULT_LISTED_VIOLATIONS: usize = 1000;

/// What every policy's tally consults: the gate's waivers, the baseline and
/// the run's day.
#[derive(Debug, Default)]
pub struct Exceptions {
    /// Every waiver of the gate, in file order.
    pub waivers: Vec<Waiver>,
    /// The baseline, when the run has one.
    pub baseline: Option<Baseline>,
    /// The run's day (UTC), for expiry.
    pub today: Option<Day>,
    /// Violations listed in full per policy (and waived ones likewise).
    pub listed: usize,
    /// Record every counting fingerprint (for `verdict baseline create`).
    pub record_fingerprints: bool,
}

/// One policy's tally.
#[derive(Debug)]
pub struct Tally {
    policy: String,
    exceptions: Arc<Exceptions>,
    /// Indices of the waivers of this policy in force.
    waivers: Vec<usize>,
    hits: Vec<u64>,
    seq: u64,
    listed: BinaryHeap<Reverse<Ranked>>,
    waived: Vec<WaivedViolation>,
    counts: ViolationCounts,
    baseline_seen: HashSet<String>,
    fingerprints: BTreeSet<String>,
}

/// What a tally found, when the policy is done.
#[derive(Debug, Default)]
pub struct Tallied {
    /// Counting violations listed in full, in reported order.
    pub violations: Vec<Violation>,
    /// Waived violations listed in full.
    pub waived: Vec<WaivedViolation>,
    /// Exact counts.
    pub counts: ViolationCounts,
    /// (waiver index, violations it waived) for this policy's waivers.
    pub waiver_hits: Vec<(usize, u64)>,
    /// Distinct baseline entries of this policy seen again.
    pub baseline_remaining: u64,
    /// Every counting or baselined fingerprint, when recording.
    pub fingerprints: BTreeSet<String>,
}

/// A listed violation ordered for eviction: least severe first, and among
/// equals the one reported last.
#[derive(Debug)]
struct Ranked {
    seq: u64,
    violation: Violation,
}

impl Ranked {
    fn key(&self) -> (verdict_evidence::Severity, Reverse<u64>) {
        (self.violation.severity, Reverse(self.seq))
    }
}

impl PartialEq for Ranked {
    fn eq(&self, other: &Ranked) -> bool {
        self.key() == other.key()
    }
}
impl Eq for Ranked {}
impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Ranked) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Ranked {
    fn cmp(&self, other: &Ranked) -> std::cmp::Ordering {
        self.key().cmp(&other.key())
    }
}

impl Tally {
    /// A tally for `policy`'s violations.
    pub fn new(policy: &str, exceptions: Arc<Exceptions>) -> Tally {
        let waivers: Vec<usize> = exceptions
            .waivers
            .iter()
            .enumerate()
            .filter(|(_, waiver)| {
                waiver.policy == policy
                    && !exceptions.today.is_some_and(|today| waiver.expired(today))
            })
            .map(|(index, _)| index)
            .collect();
        Tally {
            policy: policy.to_owned(),
            hits: vec![0; waivers.len()],
            waivers,
            exceptions,
            seq: 0,
            listed: BinaryHeap::new(),
            waived: Vec::new(),
            counts: ViolationCounts::default(),
            baseline_seen: HashSet::new(),
            fingerprints: BTreeSet::new(),
        }
    }

    /// Takes one violation.
    pub fn accept(&mut self, violation: Violation) {
        let exceptions = Arc::clone(&self.exceptions);
        if let Some(slot) = self
            .waivers
            .iter()
            .position(|&index| exceptions.waivers[index].matches(&violation))
        {
            self.hits[slot] += 1;
            self.counts.waived += 1;
            if self.waived.len() < exceptions.listed {
                self.waived.push(WaivedViolation {
                    waiver: exceptions.waivers[self.waivers[slot]].id.clone(),
                    violation,
                });
            }
            return;
        }
        if exceptions.record_fingerprints {
            self.fingerprints.insert(violation.fingerprint.clone());
        }
        if let Some(baseline) = &exceptions.baseline
            && baseline.contains(&self.policy, &violation.fingerprint)
        {
            self.counts.baselined += 1;
            self.baseline_seen.insert(violation.fingerprint);
            return;
        }
        self.counts.violations += 1;
        // Millions of violations share a few hundred rules: clone a rule's
        // name only the first time it is counted.
        match self.counts.by_rule.get_mut(&violation.rule) {
            Some(count) => *count += 1,
            None => {
                self.counts.by_rule.insert(violation.rule.clone(), 1);
            }
        }
        *self
            .counts
            .by_severity
            .entry(violation.severity)
            .or_default() += 1;
        let ranked = Ranked {
            seq: self.seq,
            violation,
        };
        self.seq += 1;
        if self.listed.len() < exceptions.listed {
            self.listed.push(Reverse(ranked));
        } else if let Some(Reverse(least)) = self.listed.peek()
            && ranked > *least
        {
            self.listed.pop();
            self.listed.push(Reverse(ranked));
        }
    }

    /// Takes many.
    pub fn extend(&mut self, violations: impl IntoIterator<Item = Violation>) {
        for violation in violations {
            self.accept(violation);
        }
    }

    /// The result.
    pub fn finish(self) -> Tallied {
        let mut listed: Vec<Ranked> = self.listed.into_iter().map(|Reverse(r)| r).collect();
        listed.sort_by_key(|ranked| ranked.seq);
        let mut counts = self.counts;
        counts.elided = counts.violations - listed.len() as u64;
        Tallied {
            violations: listed.into_iter().map(|ranked| ranked.violation).collect(),
            waived: self.waived,
            counts,
            waiver_hits: self.waivers.into_iter().zip(self.hits).collect(),
            baseline_remaining: self.baseline_seen.len() as u64,
            fingerprints: self.fingerprints,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::baseline::{BASELINE_FORMAT, BaselineFile};
    use verdict_evidence::Severity;

    fn violation(n: u64, severity: Severity) -> Violation {
        Violation {
            rule: if n.is_multiple_of(2) { "even" } else { "odd" }.into(),
            message: format!("m{n}"),
            severity,
            location: None,
            fingerprint: format!("fp{n}"),
            control: None,
            scanner_rule: None,
            advisories: Vec::new(),
        }
    }

    #[test]
    fn keeps_the_most_severe_in_order_and_counts_every_one() {
        let exceptions = Arc::new(Exceptions {
            listed: 3,
            ..Exceptions::default()
        });
        let mut tally = Tally::new("p", exceptions);
        for n in 0..100_000u64 {
            let severity = match n {
                10 | 50_000 => Severity::Critical,
                77_777 => Severity::Unknown,
                _ => Severity::Low,
            };
            tally.accept(violation(n, severity));
        }
        let done = tally.finish();
        assert_eq!(done.counts.violations, 100_000);
        assert_eq!(done.counts.elided, 99_997);
        assert_eq!(done.counts.by_rule["even"], 50_000);
        assert_eq!(done.counts.by_severity[&Severity::Low], 99_997);
        let messages: Vec<&str> = done.violations.iter().map(|v| v.message.as_str()).collect();
        assert_eq!(messages, ["m10", "m50000", "m77777"]);
    }

    #[test]
    fn baselined_violations_do_not_count_and_fixed_ones_are_known() {
        let mut file = BaselineFile {
            format: BASELINE_FORMAT.into(),
            ..BaselineFile::default()
        };
        file.policies.entry("p".into()).or_default().extend([
            "fp1".to_owned(),
            "fp2".to_owned(),
            "gone".to_owned(),
        ]);
        let exceptions = Arc::new(Exceptions {
            baseline: Some(Baseline::new(&file)),
            listed: 10,
            ..Exceptions::default()
        });
        let mut tally = Tally::new("p", exceptions);
        tally.extend((1..=4).map(|n| violation(n, Severity::High)));
        tally.accept(violation(1, Severity::High));
        let done = tally.finish();
        assert_eq!(done.counts.baselined, 3);
        assert_eq!(done.counts.violations, 2);
        assert_eq!(done.baseline_remaining, 2);
        let listed: Vec<&str> = done
            .violations
            .iter()
            .map(|v| v.fingerprint.as_str())
            .collect();
        assert_eq!(listed, ["fp3", "fp4"]);
    }
}
