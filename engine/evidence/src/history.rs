//! Earlier decisions of the gate for this repository, read from the audit
//! ledger, so that a policy can rest on history ("block deploys after three
//! consecutive failed quality gates on `main`").

use crate::policy::Event;
use serde::{Deserialize, Serialize};

/// What a recorded run decided (the gate's decision names).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
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
    /// Every decision, in documentation order.
    pub const ALL: [PastDecision; 5] = [
        PastDecision::Skipped,
        PastDecision::Pass,
        PastDecision::Warn,
        PastDecision::Fail,
        PastDecision::Error,
    ];

    /// The kebab-case name.
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

impl std::str::FromStr for PastDecision {
    type Err = String;

    fn from_str(name: &str) -> Result<PastDecision, String> {
        PastDecision::ALL
            .into_iter()
            .find(|decision| decision.as_str() == name)
            .ok_or_else(|| {
                "unknown decision: expected one of skipped, pass, warn, fail, error".to_owned()
            })
    }
}

/// One policy's result in a recorded run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PastPolicy {
    /// The policy id from that run's gate file.
    pub id: String,
    /// Its decision.
    pub decision: PastDecision,
}

/// One earlier run of the gate, as the ledger recorded it. Every text field
/// came from that run's flags or CI variables: treat it as untrusted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct PastVerdict {
    /// The record's sequence number in the ledger (larger is newer).
    pub seq: u64,
    /// The run's time (its `now`), RFC 3339.
    pub time: String,
    /// The run's time, seconds since the Unix epoch.
    pub time_unix: i64,
    /// Repository name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repository: Option<String>,
    /// Head commit id, when that run read a repository.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    /// Branch that was built (a pull request's head branch, chosen by its
    /// author).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub branch: Option<String>,
    /// For a pull or merge request, the branch it merges into.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_branch: Option<String>,
    /// Target environment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub environment: Option<String>,
    /// Version deployed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Who triggered it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
    /// What started it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<Event>,
    /// The gate's decision.
    pub decision: PastDecision,
    /// Each policy's decision, in that run's order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub policies: Vec<PastPolicy>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decisions_round_trip_by_name() {
        for decision in PastDecision::ALL {
            assert_eq!(decision.as_str().parse::<PastDecision>(), Ok(decision));
            assert_eq!(
                serde_json::to_value(decision).expect("serialise"),
                decision.as_str()
            );
        }
        assert!("failed".parse::<PastDecision>().is_err());
    }

    #[test]
    fn a_past_verdict_reads_from_kebab_case_and_refuses_unknown_fields() {
        let json = r#"{"seq": 3, "time": "2026-11-20T10:00:00Z", "time-unix": 1795168800,
            "branch": "main", "event": "push", "decision": "fail",
            "policies": [{"id": "sast", "decision": "fail"}]}"#;
        let past: PastVerdict = serde_json::from_str(json).expect("a past verdict");
        assert_eq!(past.event, Some(Event::Push));
        assert_eq!(past.policies[0].decision, PastDecision::Fail);
        let typo = json.replace("\"branch\"", "\"brnach\"");
        assert!(serde_json::from_str::<PastVerdict>(&typo).is_err());
    }
}
