//! Decisions: per policy from its enforcement level, then for the whole gate.

use serde::{Deserialize, Serialize};
use std::fmt;

/// How strictly a policy is enforced (after HashiCorp Sentinel's levels).
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Enforcement {
    /// Violations are reported and the gate warns.
    Advisory,
    /// Violations fail the gate; a later release adds overrides.
    Soft,
    /// Violations fail the gate.
    #[default]
    Hard,
}

impl Enforcement {
    /// The kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Enforcement::Advisory => "advisory",
            Enforcement::Soft => "soft",
            Enforcement::Hard => "hard",
        }
    }
}

/// The outcome of a policy or of the whole gate, from best to worst.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Decision {
    /// Not evaluated: out of scope for this environment or branch.
    Skipped,
    /// No violations.
    Pass,
    /// Violations of advisory policies only.
    Warn,
    /// Violations of soft or hard policies.
    Fail,
    /// An input, plugin or configuration error: the gate could not decide.
    Error,
}

impl Decision {
    /// The kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Skipped => "skipped",
            Decision::Pass => "pass",
            Decision::Warn => "warn",
            Decision::Fail => "fail",
            Decision::Error => "error",
        }
    }
}

impl fmt::Display for Decision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One policy's decision from its enforcement, its violation count and
/// whether it errored.
pub fn decide_policy(enforcement: Enforcement, violations: usize, errored: bool) -> Decision {
    if errored {
        Decision::Error
    } else if violations == 0 {
        Decision::Pass
    } else {
        match enforcement {
            Enforcement::Advisory => Decision::Warn,
            Enforcement::Soft | Enforcement::Hard => Decision::Fail,
        }
    }
}

/// The gate's decision: the worst of its policies' decisions, where any
/// error wins. A gate with nothing evaluated passes only if it had no
/// policies in scope, which the caller reports.
pub fn decide(policy_decisions: impl IntoIterator<Item = Decision>) -> Decision {
    policy_decisions
        .into_iter()
        .filter(|decision| *decision != Decision::Skipped)
        .max()
        .unwrap_or(Decision::Pass)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn soft_and_hard_violations_fail_advisory_warns() {
        assert_eq!(decide_policy(Enforcement::Soft, 2, false), Decision::Fail);
        assert_eq!(decide_policy(Enforcement::Hard, 2, false), Decision::Fail);
        assert_eq!(
            decide_policy(Enforcement::Advisory, 2, false),
            Decision::Warn
        );
        assert_eq!(
            decide_policy(Enforcement::Advisory, 0, false),
            Decision::Pass
        );
    }

    #[test]
    fn any_error_makes_the_gate_error() {
        use Decision::*;
        assert_eq!(decide([Pass, Fail, Error, Warn]), Error);
        assert_eq!(decide([Pass, Warn]), Warn);
        assert_eq!(decide([Skipped, Pass]), Pass);
        assert_eq!(decide([Skipped]), Pass);
        assert_eq!(decide([Fail, Warn, Skipped]), Fail);
    }
}
