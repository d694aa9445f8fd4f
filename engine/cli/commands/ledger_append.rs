//! `verdict check --ledger`: the verdict appended to the audit ledger after
//! the reports are written. A ledger that cannot be written is an error of
//! the run (exit 2) unless the gate file says `ledger-best-effort = true`;
//! a verdict is never said to be recorded when it was not.

use verdict_gate::ValidConfig;
use verdict_gate::document::Verdict;
use verdict_ledger::{Ledger, Signer};

/// Appends `verdict` to the ledger named by `--ledger`, the gate file or
/// `$VERDICT_LEDGER`, if any. Returns whether it was recorded.
pub fn record(flag: Option<&str>, config: &ValidConfig, verdict: &Verdict) -> anyhow::Result<bool> {
    let Some(url) = crate::load::ledger_url(flag, config) else {
        return Ok(false);
    };
    let appended =
        Signer::from_env().and_then(|signer| Ledger::open(&url)?.append(verdict, signer.as_ref()));
    match appended {
        Ok(receipt) => {
            tracing::info!(
                ledger = %verdict_ledger::redact(&url),
                seq = receipt.seq,
                hash = %receipt.hash,
                "verdict recorded"
            );
            Ok(true)
        }
        Err(error) if config.ledger_best_effort => {
            tracing::warn!(
                "the verdict was NOT recorded in the ledger (ledger-best-effort): {error}"
            );
            Ok(false)
        }
        Err(error) => Err(anyhow::anyhow!(
            "the verdict was not recorded in the ledger: {error} (set `ledger-best-effort = true` in the gate file to make this a warning)"
        )),
    }
}
