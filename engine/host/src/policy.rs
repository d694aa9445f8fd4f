//! A compiled, described policy, and one sandboxed call into it.

use crate::bindings::{Plugin, PluginPre};
use crate::error::{HostError, HostErrorKind, Observed, Subject, classify, one_line};
use crate::evidence::EvidenceHost;
use crate::host::Shared;
use crate::limits::{Limits, deadline_ticks};
use crate::sandbox::{StderrCapture, StoreState};
use crate::{convert, outcome};
use std::sync::Arc;
use verdict_evidence::Evidence;
use verdict_evidence::policy::{Context, Descriptor, Outcome};
use wasmtime::Store;

/// A policy compiled once and described, ready to evaluate any number of
/// times, from any number of threads.
pub struct PolicyPre {
    /// Lowercase hex sha256 of the plugin's bytes.
    pub sha256: String,
    /// What `describe` returned.
    pub descriptor: Descriptor,
    /// Whether the compiled code came from the on-disk cache (no compilation).
    pub from_cache: bool,
    pre: PluginPre<StoreState>,
    /// Keeps the engine's epoch ticking for as long as the policy lives.
    _shared: Arc<Shared>,
}

impl PolicyPre {
    pub(crate) fn new(
        sha256: String,
        descriptor: Descriptor,
        from_cache: bool,
        pre: PluginPre<StoreState>,
        shared: Arc<Shared>,
    ) -> PolicyPre {
        PolicyPre {
            sha256,
            descriptor,
            from_cache,
            pre,
            _shared: shared,
        }
    }

    /// Evaluates the policy in a fresh sandbox.
    ///
    /// `config` must already be valid against the descriptor's schema. The
    /// policy can read only the evidence kinds its descriptor declares. The
    /// outcome is checked against the contract and the size limit.
    pub fn evaluate(
        &self,
        policy_id: &str,
        config: &serde_json::Value,
        context: &Context,
        evidence: &Arc<Evidence>,
        limits: &Limits,
    ) -> Result<Outcome, HostError> {
        let fail = |kind| HostError::new(Subject::Policy(policy_id.to_owned()), kind);
        let config = config.to_string();
        let wit_context = convert::context_to_wit(policy_id, context);
        let evidence = EvidenceHost::new(Arc::clone(evidence), &self.descriptor.consumes);
        let evaluate = |store: &mut Store<StoreState>, plugin: &Plugin| {
            plugin
                .verdict_policy_policy()
                .call_evaluate(store, &config, &wit_context)
        };
        let returned = call(
            &self.pre,
            policy_id,
            evidence,
            limits,
            context.now_unix,
            evaluate,
        )
        .map_err(fail)?;
        let outcome = returned.map_err(|message| {
            fail(HostErrorKind::PluginError {
                message: one_line(&message),
            })
        })?;
        // Hostcall fuel already bounded the lifting; this applies the same
        // measure to the whole outcome.
        if convert::outcome_size(&outcome) > limits.outcome_bytes {
            return Err(fail(HostErrorKind::OutcomeTooLarge {
                limit: limits.outcome_bytes,
            }));
        }
        let outcome = convert::outcome_from_wit(outcome);
        outcome::check(&outcome, &self.descriptor)
            .map_err(|reason| fail(HostErrorKind::MalformedOutcome { reason }))?;
        Ok(outcome)
    }
}

/// Instantiates the plugin in a fresh store with `limits` and runs `call`.
///
/// `name` identifies the policy in logs and seeds its randomness. The
/// guest's stderr is logged line by line with the field `policy`.
pub(crate) fn call<R>(
    pre: &PluginPre<StoreState>,
    name: &str,
    evidence: EvidenceHost,
    limits: &Limits,
    now_unix: i64,
    call: impl FnOnce(&mut Store<StoreState>, &Plugin) -> wasmtime::Result<R>,
) -> Result<R, HostErrorKind> {
    let stderr = StderrCapture::default();
    let state = StoreState::new(evidence, limits.memory, now_unix, name, &stderr);
    let mut store = Store::new(pre.engine(), state);
    store.limiter(|state| &mut state.limiter);
    store.set_epoch_deadline(deadline_ticks(limits.time));
    store.epoch_deadline_trap();
    // Hostcall fuel caps the bytes wasmtime lifts out of the guest in one
    // call, so an outcome over the limit is refused before the host
    // allocates it.
    store.set_hostcall_fuel(usize::try_from(limits.outcome_bytes).unwrap_or(usize::MAX));
    let result = pre
        .instantiate(&mut store)
        .and_then(|plugin| call(&mut store, &plugin));

    let (lines, dropped) = stderr.lines();
    for line in &lines {
        if result.is_ok() {
            tracing::info!(policy = name, "{line}");
        } else {
            tracing::warn!(policy = name, "{line}");
        }
    }
    if dropped > 0 {
        tracing::warn!(policy = name, "dropped {dropped} bytes of stderr");
    }
    result.map_err(|error| {
        let observed = Observed {
            limiter: &store.data().limiter,
            time_limit: limits.time,
            outcome_limit: limits.outcome_bytes,
            stderr: &lines,
        };
        classify(&error, &observed)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn policies_can_be_shared_across_threads() {
        assert_send_sync::<PolicyPre>();
        assert_send_sync::<crate::Host>();
    }
}
