//! A compiled, described policy, and one sandboxed call into it.

use crate::bindings::{Plugin, PluginPre};
use crate::convert;
use crate::error::{HostError, HostErrorKind, Observed, Subject, classify, one_line};
use crate::evidence::EvidenceHost;
use crate::host::Shared;
use crate::limits::{Limits, deadline_ticks};
use crate::outcome::Checker;
use crate::sandbox::{StderrCapture, StoreState};
use crate::violations::{IN_FLIGHT, ViolationSink, ViolationsHost};
use std::sync::{Arc, mpsc};
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
    /// policy can read only the evidence kinds its descriptor declares. Its
    /// violations go to `sink` batch by batch as the policy reports them,
    /// each checked against the contract, and the returned outcome's own
    /// violations last; the host keeps none, so the [`Outcome`] returned has
    /// no violations, only control results and notes. Each batch and the
    /// outcome are held to the size limit. On an error, what `sink` took is
    /// not a decision.
    pub fn evaluate(
        &self,
        policy_id: &str,
        config: &serde_json::Value,
        context: &Context,
        evidence: &Arc<Evidence>,
        limits: &Limits,
        sink: &mut dyn ViolationSink,
    ) -> Result<Outcome, HostError> {
        let fail = |kind| HostError::new(Subject::Policy(policy_id.to_owned()), kind);
        let malformed = |reason| fail(HostErrorKind::MalformedOutcome { reason });
        let config = config.to_string();
        let wit_context = convert::context_to_wit(policy_id, context);
        let evidence = EvidenceHost::new(Arc::clone(evidence), &self.descriptor.consumes);
        let (sender, batches) = mpsc::sync_channel(IN_FLIGHT);
        let violations = ViolationsHost::new(sender, Checker::new(&self.descriptor));
        let evaluate = |store: &mut Store<StoreState>, plugin: &Plugin| {
            let returned =
                plugin
                    .verdict_policy_policy()
                    .call_evaluate(&mut *store, &config, &wit_context)?;
            Ok((returned, store.data_mut().violations.finish()))
        };
        // The guest runs here; a scoped thread passes its batches on to the
        // sink until the store, and with it the channel's sender, is gone.
        let result = std::thread::scope(|scope| {
            let sink = &mut *sink;
            let consumer = scope.spawn(move || {
                for batch in batches {
                    sink.accept(batch);
                }
            });
            let result = call(
                &self.pre,
                policy_id,
                evidence,
                violations,
                limits,
                context.now_unix,
                evaluate,
            );
            if let Err(panic) = consumer.join() {
                std::panic::resume_unwind(panic);
            }
            result
        });
        let (returned, checker) = result.map_err(fail)?;
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
        let mut outcome = convert::outcome_from_wit(outcome);
        // `finish` hands the checker back exactly once, after `evaluate`.
        let mut checker = checker.unwrap_or_else(|| Checker::new(&self.descriptor));
        // The returned outcome's violations are the last batch.
        checker.violations(&outcome.violations).map_err(malformed)?;
        checker.controls(&outcome.controls).map_err(malformed)?;
        let last = std::mem::take(&mut outcome.violations);
        if !last.is_empty() {
            sink.accept(last);
        }
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
    violations: ViolationsHost,
    limits: &Limits,
    now_unix: i64,
    call: impl FnOnce(&mut Store<StoreState>, &Plugin) -> wasmtime::Result<R>,
) -> Result<R, HostErrorKind> {
    let stderr = StderrCapture::default();
    let state = StoreState::new(evidence, violations, limits.memory, now_unix, name, &stderr);
    let mut store = Store::new(pre.engine(), state);
    store.limiter(|state| &mut state.limiter);
    store.set_epoch_deadline(deadline_ticks(limits.time));
    store.epoch_deadline_trap();
    // Hostcall fuel caps the bytes wasmtime lifts out of the guest in one
    // call, so a batch of violations or an outcome over the limit is refused
    // before the host allocates it.
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
