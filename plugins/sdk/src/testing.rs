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
use std::cell::RefCell;
use std::rc::Rc;

/// Evaluates `P` as the host would: validates `config` (JSON text) against
/// the schema `P` declares (an invalid configuration is an `Err` naming the
/// key, as the gate's configuration error would be), parses it, gives the
/// policy only the kinds it declares (reading another kind panics), and uses
/// [`context`] as the run context. The outcome holds every violation, those
/// [`Outcome::push`] sent in batches first, in order.
pub fn evaluate<P: Policy>(config: &str, evidence: MemoryEvidence) -> Result<Outcome, Error> {
    evaluate_in::<P>(config, &context(), evidence)
}

/// Like [`evaluate`], with a run context of your own.
pub fn evaluate_in<P: Policy>(
    config: &str,
    context: &Context,
    mut evidence: MemoryEvidence,
) -> Result<Outcome, Error> {
    let descriptor = P::describe();
    validate(&descriptor.config_schema, config)?;
    evidence.consumes = Some(descriptor.consumes);
    // Batches pushed during the evaluation come back here, in order, as the
    // host would pass them on.
    let sent = Rc::new(RefCell::new(Vec::new()));
    let collect = Rc::clone(&sent);
    let mut outcome = crate::report::reporting(
        move |batch| collect.borrow_mut().extend(batch),
        || crate::run::<P>(config, context, &Evidence::from(evidence)),
    )?;
    let mut violations = sent.take();
    violations.append(&mut outcome.violations);
    outcome.violations = violations;
    Ok(outcome)
}

/// Checks `config` against `schema` (both JSON text) as the host does before
/// any policy runs; the error names each failing key.
pub fn validate(schema: &str, config: &str) -> Result<(), Error> {
    let schema: serde_json::Value = serde_json::from_str(schema)
        .map_err(|error| Error::new(format!("the policy's schema is not JSON: {error}")))?;
    let config: serde_json::Value = serde_json::from_str(config)
        .map_err(|error| Error::new(format!("the configuration is not JSON: {error}")))?;
    let validator = jsonschema::draft202012::new(&schema)
        .map_err(|error| Error::new(format!("the policy's schema is invalid: {error}")))?;
    let problems: Vec<String> = validator
        .iter_errors(&config)
        .map(|error| {
            let path = error.instance_path().to_string();
            let key = path.trim_start_matches('/').replace('/', ".");
            format!("invalid configuration at `{key}`: {error}")
        })
        .collect();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Error::new(problems.join("; ")))
    }
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
