//! What let violations through: waivers, overrides and the baseline.

use super::{Badge, long, short};
use verdict_gate::document::{Verdict, WaiverStatus};

pub(crate) struct WaiverRow {
    pub(crate) id: String,
    pub(crate) policy: String,
    pub(crate) matches: Vec<String>,
    pub(crate) status: Badge,
    pub(crate) matched: u64,
    pub(crate) owner: String,
    pub(crate) reason: String,
    pub(crate) expires: String,
}

pub(crate) struct OverrideRow {
    pub(crate) policy: String,
    pub(crate) actor: String,
    pub(crate) reason: String,
    pub(crate) applied: &'static str,
    pub(crate) violations: u64,
}

pub(crate) struct BaselineView {
    pub(crate) path: String,
    pub(crate) sha256: String,
    pub(crate) created: String,
    pub(crate) entries: u64,
    pub(crate) remaining: u64,
    pub(crate) fixed: u64,
    pub(crate) new: u64,
}

pub(crate) fn waivers(verdict: &Verdict) -> Vec<WaiverRow> {
    verdict
        .waivers
        .iter()
        .map(|waiver| {
            let mut matches = Vec::new();
            let criteria = [
                ("fingerprint", &waiver.fingerprint),
                ("rule", &waiver.rule),
                ("advisory", &waiver.advisory),
                ("path", &waiver.path),
            ];
            for (label, value) in criteria {
                if let Some(value) = value {
                    matches.push(format!("{label}: {}", short(value)));
                }
            }
            WaiverRow {
                id: short(&waiver.id),
                policy: short(&waiver.policy),
                matches,
                status: match waiver.status {
                    WaiverStatus::Applied => Badge {
                        word: "applied",
                        class: "pass",
                    },
                    WaiverStatus::Stale => Badge {
                        word: "stale: matched nothing",
                        class: "warn",
                    },
                    WaiverStatus::Expired => Badge {
                        word: "expired: no longer applies",
                        class: "fail",
                    },
                },
                matched: waiver.matched,
                owner: short(&waiver.owner),
                reason: long(&waiver.reason),
                expires: short(&waiver.expires),
            }
        })
        .collect()
}

pub(crate) fn overrides(verdict: &Verdict) -> Vec<OverrideRow> {
    verdict
        .overrides
        .iter()
        .map(|record| OverrideRow {
            policy: short(&record.policy),
            actor: short(&record.actor),
            reason: long(&record.reason),
            applied: if record.applied {
                "yes: the policy's failure was let through"
            } else {
                "no: the policy did not fail"
            },
            violations: record.violations,
        })
        .collect()
}

pub(crate) fn baseline(verdict: &Verdict) -> Option<BaselineView> {
    verdict.baseline.as_ref().map(|baseline| BaselineView {
        path: short(&baseline.path),
        sha256: short(&baseline.sha256),
        created: short(&baseline.created),
        entries: baseline.entries,
        remaining: baseline.remaining,
        fixed: baseline.fixed,
        new: baseline.new,
    })
}
