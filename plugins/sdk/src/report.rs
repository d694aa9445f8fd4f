//! Violations leave the policy in batches as they are found, so that neither
//! the guest nor the host ever holds all of them.
//!
//! While `evaluate` runs, the SDK installs a reporter: in the sandbox it
//! calls the host's `violations.report`, in native tests
//! ([`testing::evaluate`](crate::testing::evaluate)) it collects them back
//! into the outcome. [`Outcome::push`](crate::Outcome::push) hands it a batch
//! whenever [`REPORT_BATCH`] violations or about [`REPORT_BYTES`] of text
//! are pending; what is left when `evaluate` returns is sent the same way.
//! With no reporter installed (a plain unit test building an `Outcome`),
//! violations stay in the outcome.

use crate::Violation;
use std::cell::RefCell;

/// Most violations sent to the host in one batch.
pub const REPORT_BATCH: usize = 1024;

/// About how many bytes of violation text make a batch go early, far below
/// the host's per-call limit (64 MiB by default), so long messages never
/// make a batch too large.
pub const REPORT_BYTES: usize = 1 << 20;

/// Where batches go during one evaluation.
struct Reporter {
    send: Box<dyn FnMut(Vec<Violation>)>,
    /// Bytes pushed since the last batch went.
    pending_bytes: usize,
    /// Violations sent so far.
    sent: u64,
}

thread_local! {
    static REPORTER: RefCell<Option<Reporter>> = const { RefCell::new(None) };
}

/// Runs `evaluate` with batches of pushed violations going to `send`.
pub(crate) fn reporting<R>(
    send: impl FnMut(Vec<Violation>) + 'static,
    evaluate: impl FnOnce() -> R,
) -> R {
    /// Uninstalls the reporter however `evaluate` ends.
    struct Installed;
    impl Drop for Installed {
        fn drop(&mut self) {
            REPORTER.with_borrow_mut(|reporter| *reporter = None);
        }
    }
    REPORTER.with_borrow_mut(|reporter| {
        *reporter = Some(Reporter {
            send: Box::new(send),
            pending_bytes: 0,
            sent: 0,
        });
    });
    let _installed = Installed;
    evaluate()
}

/// After a push onto `violations`: sends them as a batch when it is full.
pub(crate) fn pushed(violations: &mut Vec<Violation>, bytes: usize) {
    REPORTER.with_borrow_mut(|reporter| {
        if let Some(reporter) = reporter {
            reporter.pending_bytes += bytes;
            if violations.len() >= REPORT_BATCH || reporter.pending_bytes >= REPORT_BYTES {
                reporter.pending_bytes = 0;
                reporter.sent += violations.len() as u64;
                (reporter.send)(std::mem::take(violations));
            }
        }
    });
}

/// How many violations pushes have sent during this evaluation.
pub(crate) fn sent() -> u64 {
    REPORTER.with_borrow(|reporter| reporter.as_ref().map_or(0, |reporter| reporter.sent))
}

/// Sends every violation through `send` in batches of at most
/// [`REPORT_BATCH`] violations and about [`REPORT_BYTES`] bytes.
pub(crate) fn in_batches(violations: Vec<Violation>, mut send: impl FnMut(Vec<Violation>)) {
    let mut batch = Vec::new();
    let mut bytes = 0;
    for violation in violations {
        bytes += size(&violation);
        batch.push(violation);
        if batch.len() >= REPORT_BATCH || bytes >= REPORT_BYTES {
            send(std::mem::take(&mut batch));
            bytes = 0;
        }
    }
    if !batch.is_empty() {
        send(batch);
    }
}

/// About how many bytes a violation takes across the boundary.
pub(crate) fn size(violation: &Violation) -> usize {
    const RECORD: usize = 64;
    RECORD
        + violation.rule.len()
        + violation.message.len()
        + violation.fingerprint.len()
        + violation.location.as_ref().map_or(0, |l| l.path.len())
        + violation.control.as_ref().map_or(0, String::len)
        + violation.scanner_rule.as_ref().map_or(0, String::len)
        + violation
            .advisories
            .iter()
            .map(|id| RECORD / 2 + id.len())
            .sum::<usize>()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Outcome;
    use std::rc::Rc;

    fn violation(message: String) -> Violation {
        Violation::new("r", message).subject("s").build()
    }

    #[test]
    fn pushes_go_in_full_batches_and_the_rest_stays() {
        let batch_sizes = Rc::new(RefCell::new(Vec::<usize>::new()));
        let batches = Rc::clone(&batch_sizes);
        let outcome = reporting(
            move |batch| batches.borrow_mut().push(batch.len()),
            || {
                let mut outcome = Outcome::pass();
                outcome.extend((0..REPORT_BATCH).map(|i| violation(i.to_string())));
                assert!(outcome.violations.is_empty() && !outcome.passed());
                outcome.extend((REPORT_BATCH..2500).map(|i| violation(i.to_string())));
                outcome
            },
        );
        assert_eq!(*batch_sizes.borrow(), [REPORT_BATCH, REPORT_BATCH]);
        assert_eq!(sent(), 0, "the reporter is gone after the evaluation");
        assert_eq!(outcome.violations.len(), 2500 - 2 * REPORT_BATCH);
        assert_eq!(outcome.violations[0].message, "2048");

        // Without a reporter, violations stay in the outcome.
        let mut outcome = Outcome::pass();
        outcome.extend((0..2500).map(|i| violation(i.to_string())));
        assert_eq!(outcome.violations.len(), 2500);
    }

    #[test]
    fn long_messages_make_smaller_batches() {
        let long = || violation("x".repeat(REPORT_BYTES / 4));
        let mut sizes = Vec::new();
        in_batches((0..10).map(|_| long()).collect(), |batch| {
            sizes.push(batch.len())
        });
        assert_eq!(sizes, [4, 4, 2]);
        let mut sizes = Vec::new();
        in_batches(
            (0..2049).map(|i| violation(i.to_string())).collect(),
            |batch| sizes.push(batch.len()),
        );
        assert_eq!(sizes, [1024, 1024, 1]);
    }
}
