//! Checks that what a policy says keeps the contract before anyone
//! downstream sees it: each violation as its batch arrives, the control
//! results once the outcome is returned.

use std::collections::HashSet;
#[cfg(test)]
use verdict_evidence::policy::Outcome;
use verdict_evidence::policy::{ControlResult, ControlStatus, Descriptor, Violation};

/// Longest fingerprint accepted; a sha256 in hex is 64.
const MAX_FINGERPRINT_BYTES: usize = 256;

/// The contract's checks over one evaluation, batch by batch. It keeps no
/// violation: only how many it has seen (to number them in messages) and
/// which declared controls they name (at most the descriptor's controls).
#[derive(Debug)]
pub(crate) struct Checker {
    declared: HashSet<String>,
    seen: u64,
    named: HashSet<String>,
}

impl Checker {
    pub(crate) fn new(descriptor: &Descriptor) -> Checker {
        Checker {
            declared: descriptor
                .controls
                .iter()
                .map(|control| control.id.clone())
                .collect(),
            seen: 0,
            named: HashSet::new(),
        }
    }

    /// Returns why the next violations are malformed, if one is: an empty or
    /// blank rule, a missing or unusable fingerprint, a control not declared
    /// by `describe`. Violations are numbered across batches, from 0.
    pub(crate) fn violations(&mut self, batch: &[Violation]) -> Result<(), String> {
        for violation in batch {
            let index = self.seen;
            self.seen += 1;
            let which = || format!("violation {index} (rule `{}`)", violation.rule);
            if violation.rule.is_empty() {
                return Err(format!("violation {index} has an empty rule"));
            }
            if !is_token(&violation.rule) {
                return Err(format!(
                    "{} has whitespace or control characters in its rule",
                    which()
                ));
            }
            if violation.fingerprint.is_empty() {
                return Err(format!("{} has an empty fingerprint", which()));
            }
            if violation.fingerprint.len() > MAX_FINGERPRINT_BYTES
                || !is_token(&violation.fingerprint)
            {
                return Err(format!(
                    "{} has an invalid fingerprint: expected at most {MAX_FINGERPRINT_BYTES} bytes without whitespace",
                    which()
                ));
            }
            if let Some(control) = &violation.control {
                if !self.declared.contains(control) {
                    return Err(format!(
                        "{} names control `{control}`, which `describe` does not declare",
                        which()
                    ));
                }
                if !self.named.contains(control) {
                    self.named.insert(control.clone());
                }
            }
        }
        Ok(())
    }

    /// Returns why the control results are malformed, if they are: a control
    /// not declared by `describe`, a control reported twice, a control
    /// reported `violated` that no violation of any batch names (a violated
    /// control must rest on at least one violation). Call it after the last
    /// batch.
    pub(crate) fn controls(&self, controls: &[ControlResult]) -> Result<(), String> {
        let mut reported = HashSet::new();
        for result in controls {
            if !self.declared.contains(&result.control) {
                return Err(format!(
                    "control `{}` is not declared by `describe`",
                    result.control
                ));
            }
            if !reported.insert(result.control.as_str()) {
                return Err(format!("control `{}` is reported twice", result.control));
            }
            if result.status == ControlStatus::Violated && !self.named.contains(&result.control) {
                return Err(format!(
                    "control `{}` is reported violated, but no violation names it",
                    result.control
                ));
            }
        }
        Ok(())
    }
}

/// Every check over a whole outcome, as one batch.
#[cfg(test)]
fn check(outcome: &Outcome, descriptor: &Descriptor) -> Result<(), String> {
    let mut checker = Checker::new(descriptor);
    checker.violations(&outcome.violations)?;
    checker.controls(&outcome.controls)
}

fn is_token(text: &str) -> bool {
    // Fingerprints and rules are ASCII in practice: check bytes first (a
    // printable ASCII byte other than space is neither whitespace nor a
    // control), and only walk the characters of the rest.
    if text.bytes().all(|byte| byte.is_ascii_graphic()) {
        return true;
    }
    !text.chars().any(|c| c.is_whitespace() || c.is_control())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use verdict_evidence::Severity;
    use verdict_evidence::policy::{Control, ControlResult, ControlStatus, Violation};

    /// A descriptor with one control, `ac-1` (also for `violations.rs`).
    pub(crate) fn descriptor() -> Descriptor {
        Descriptor {
            name: "p".into(),
            version: "1.0.0".into(),
            description: String::new(),
            consumes: vec![],
            requires: vec![],
            config_schema: serde_json::json!({}),
            controls: vec![Control {
                id: "ac-1".into(),
                title: "t".into(),
            }],
        }
    }

    fn violation(rule: &str, fingerprint: &str, control: Option<&str>) -> Outcome {
        Outcome {
            violations: vec![Violation {
                rule: rule.into(),
                message: "m".into(),
                severity: Severity::Low,
                location: None,
                fingerprint: fingerprint.into(),
                control: control.map(Into::into),
                scanner_rule: None,
                advisories: Vec::new(),
            }],
            controls: vec![],
            notes: vec![],
        }
    }

    #[test]
    fn accepts_a_well_formed_outcome() {
        assert_eq!(
            check(&violation("too-low", "abc123", Some("ac-1")), &descriptor()),
            Ok(())
        );
    }

    #[test]
    fn names_what_is_malformed() {
        let d = descriptor();
        let cases = [
            (violation("", "f", None), "violation 0 has an empty rule"),
            (
                violation("a b", "f", None),
                "whitespace or control characters in its rule",
            ),
            (
                violation("r", "", None),
                "violation 0 (rule `r`) has an empty fingerprint",
            ),
            (
                violation("r", &"f".repeat(300), None),
                "invalid fingerprint",
            ),
            (violation("r", "f\n", None), "invalid fingerprint"),
            (
                violation("r", "f", Some("nope")),
                "names control `nope`, which `describe` does not declare",
            ),
        ];
        for (outcome, expected) in cases {
            let error = check(&outcome, &d).unwrap_err();
            assert!(error.contains(expected), "{error}");
        }
        let result = |control: &str| ControlResult {
            control: control.into(),
            status: ControlStatus::Satisfied,
            evidence: vec![],
        };
        let undeclared = Outcome {
            violations: vec![],
            controls: vec![result("x")],
            notes: vec![],
        };
        assert_eq!(
            check(&undeclared, &d),
            Err("control `x` is not declared by `describe`".into())
        );
        let twice = Outcome {
            violations: vec![],
            controls: vec![result("ac-1"), result("ac-1")],
            notes: vec![],
        };
        assert_eq!(
            check(&twice, &d),
            Err("control `ac-1` is reported twice".into())
        );
    }

    #[test]
    fn a_violated_control_rests_on_a_violation_naming_it() {
        let d = descriptor();
        let violated = ControlResult {
            control: "ac-1".into(),
            status: ControlStatus::Violated,
            evidence: vec!["scan.sarif".into()],
        };
        let bare = Outcome {
            violations: vec![],
            controls: vec![violated.clone()],
            notes: vec![],
        };
        assert_eq!(
            check(&bare, &d),
            Err("control `ac-1` is reported violated, but no violation names it".into())
        );
        let mut unrelated = violation("r", "f", None);
        unrelated.controls = vec![violated.clone()];
        assert!(check(&unrelated, &d).is_err());
        let mut resting = violation("r", "f", Some("ac-1"));
        resting.controls = vec![violated];
        assert_eq!(check(&resting, &d), Ok(()));
    }

    #[test]
    fn batches_are_numbered_across_and_controls_rest_on_any_batch() {
        let d = descriptor();
        let mut checker = Checker::new(&d);
        let first = violation("r", "f", Some("ac-1")).violations;
        let second = violation("r", "f", None).violations;
        assert_eq!(checker.violations(&first), Ok(()));
        assert_eq!(checker.violations(&second), Ok(()));
        let violated = ControlResult {
            control: "ac-1".into(),
            status: ControlStatus::Violated,
            evidence: vec![],
        };
        assert_eq!(checker.controls(std::slice::from_ref(&violated)), Ok(()));
        let bad = violation("r", "", None).violations;
        assert_eq!(
            checker.violations(&bad),
            Err("violation 2 (rule `r`) has an empty fingerprint".into())
        );

        let mut unnamed = Checker::new(&d);
        assert_eq!(unnamed.violations(&second), Ok(()));
        assert!(unnamed.controls(&[violated]).is_err());
    }
}
