//! Native tests of policy logic: run a [`Policy`](crate::Policy) against
//! evidence held in memory, with plain `cargo test`.
//!
//! ```
//! # use verdict_policy_sdk::{testing, MemoryEvidence};
//! # fn check<P: verdict_policy_sdk::Policy>() {
//! let evidence = MemoryEvidence::default();
//! let outcome = testing::evaluate::<P>(r#"{"min-lines": 80}"#, evidence);
//! # }
//! ```

use crate::{Context, Error, Evidence, MemoryEvidence, Outcome, Policy};

/// Evaluates `P` as the host would: parses `config` (JSON text), gives the
/// policy only the kinds it declares (reading another kind panics), and uses
/// [`context`] as the run context.
pub fn evaluate<P: Policy>(config: &str, evidence: MemoryEvidence) -> Result<Outcome, Error> {
    evaluate_in::<P>(config, &context(), evidence)
}

/// Like [`evaluate`], with a run context of your own.
pub fn evaluate_in<P: Policy>(
    config: &str,
    context: &Context,
    mut evidence: MemoryEvidence,
) -> Result<Outcome, Error> {
    evidence.consumes = Some(P::describe().consumes);
    crate::run::<P>(config, context, &Evidence::from(evidence))
}

/// The fingerprints of an outcome's violations, in order.
pub fn fingerprints(outcome: &Outcome) -> Vec<&str> {
    outcome
        .violations
        .iter()
        .map(|violation| violation.fingerprint.as_str())
        .collect()
}

/// A run context for tests: policy id `test`, at 2026-01-01T00:00:00Z.
pub fn context() -> Context {
    Context {
        policy_id: "test".into(),
        now: "2026-01-01T00:00:00Z".into(),
        now_unix: 1_767_225_600,
        ..Context::default()
    }
}
