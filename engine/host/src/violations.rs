//! The host side of the imported `violations` interface: each batch a policy
//! reports is checked against the contract and passed on to the caller's
//! [`ViolationSink`]; the host keeps none of them.
//!
//! A store's data must be `'static`, and the caller's sink is borrowed, so
//! the two meet over a bounded channel: the guest runs on the caller's
//! thread, and a scoped thread hands each checked batch to the sink
//! (`PolicyPre::evaluate`). A full channel makes the guest wait, so at most
//! [`IN_FLIGHT`] batches are queued however many the guest reports.

use crate::bindings::verdict::policy::types as wit;
use crate::bindings::verdict::policy::violations::Host;
use crate::convert;
use crate::outcome::Checker;
use std::sync::mpsc::SyncSender;
use verdict_evidence::policy::Violation;

/// Where the violations of one evaluation go, batch by batch, checked
/// against the contract, in the order the policy reported them.
///
/// The host keeps none: a policy may report millions, and the sink decides
/// what to keep (all of them for `verdict test`, counts and a bounded number
/// of details for the gate). When `evaluate` returns an error, what the sink
/// received is not a decision: the policy could not decide.
pub trait ViolationSink: Send {
    /// Takes the next batch; never empty.
    fn accept(&mut self, batch: Vec<Violation>);
}

/// Collects every violation, in order (for `verdict test` and tests).
impl ViolationSink for Vec<Violation> {
    fn accept(&mut self, batch: Vec<Violation>) {
        if self.is_empty() {
            *self = batch;
        } else {
            self.extend(batch);
        }
    }
}

/// Batches queued between the guest and the sink at most.
pub(crate) const IN_FLIGHT: usize = 2;

/// Why a report traps.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ReportError {
    /// `describe` must not report violations.
    #[error("`describe` reported violations")]
    InDescribe,
    /// A violation breaks the contract.
    #[error("malformed violation: {0}")]
    Malformed(String),
    /// The sink stopped taking batches (it panicked).
    #[error("the violation sink stopped")]
    SinkGone,
}

/// The violations side of one evaluation.
pub(crate) struct ViolationsHost {
    /// `None` while `describe` runs, and once the evaluation is finished.
    sender: Option<SyncSender<Vec<Violation>>>,
    checker: Option<Checker>,
}

impl ViolationsHost {
    /// For `describe`: every report traps.
    pub(crate) fn none() -> ViolationsHost {
        ViolationsHost {
            sender: None,
            checker: None,
        }
    }

    pub(crate) fn new(sender: SyncSender<Vec<Violation>>, checker: Checker) -> ViolationsHost {
        ViolationsHost {
            sender: Some(sender),
            checker: Some(checker),
        }
    }

    /// Ends the reporting: closes the channel, so the sink's thread ends
    /// once it has taken every batch, and returns the checks' state for the
    /// returned outcome.
    pub(crate) fn finish(&mut self) -> Option<Checker> {
        self.sender = None;
        self.checker.take()
    }
}

impl Host for ViolationsHost {
    fn report(&mut self, batch: Vec<wit::Violation>) -> wasmtime::Result<()> {
        let (Some(sender), Some(checker)) = (&self.sender, &mut self.checker) else {
            return Err(ReportError::InDescribe.into());
        };
        if batch.is_empty() {
            return Ok(());
        }
        let batch: Vec<Violation> = batch.into_iter().map(convert::violation_from_wit).collect();
        checker.violations(&batch).map_err(ReportError::Malformed)?;
        sender.send(batch).map_err(|_| ReportError::SinkGone)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcome::tests::descriptor;
    use std::sync::mpsc;

    fn wit_violation(fingerprint: &str) -> wit::Violation {
        wit::Violation {
            rule: "r".into(),
            message: "m".into(),
            severity: wit::Severity::Low,
            location: None,
            fingerprint: fingerprint.into(),
            control: None,
            scanner_rule: None,
            advisories: vec![],
        }
    }

    #[test]
    fn checked_batches_pass_on_in_order_and_malformed_ones_trap() {
        let (sender, receiver) = mpsc::sync_channel(IN_FLIGHT);
        let mut host = ViolationsHost::new(sender, Checker::new(&descriptor()));
        host.report(vec![wit_violation("a"), wit_violation("b")])
            .unwrap();
        host.report(vec![]).unwrap();
        let error = host.report(vec![wit_violation("c d")]).unwrap_err();
        assert!(
            matches!(error.downcast_ref::<ReportError>(), Some(ReportError::Malformed(reason)) if reason.starts_with("violation 2 (rule `r`)")),
            "{error}"
        );
        assert!(host.finish().is_some());
        let batches: Vec<Vec<Violation>> = receiver.iter().collect();
        assert_eq!(batches.len(), 1);
        assert_eq!(batches[0][1].fingerprint, "b");

        let error = ViolationsHost::none()
            .report(vec![wit_violation("a")])
            .unwrap_err();
        assert!(matches!(
            error.downcast_ref::<ReportError>(),
            Some(ReportError::InDescribe)
        ));
    }

    #[test]
    fn a_vec_collects_every_batch_in_order() {
        let mut all: Vec<Violation> = Vec::new();
        let one = |fingerprint: &str| convert::violation_from_wit(wit_violation(fingerprint));
        all.accept(vec![one("a")]);
        all.accept(vec![one("b"), one("c")]);
        let fingerprints: Vec<_> = all.iter().map(|v| v.fingerprint.as_str()).collect();
        assert_eq!(fingerprints, ["a", "b", "c"]);
    }
}
