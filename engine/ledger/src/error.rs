//! Ledger errors. Each names the ledger by its redacted URL.

/// Why a ledger operation failed. Nothing was recorded when an append fails.
#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    /// The URL is not a ledger URL.
    #[error("ledger URL `{url}`: {reason}")]
    Url {
        /// The URL, password redacted.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The ledger could not be opened or reached.
    #[error("cannot open ledger `{url}`: {cause}")]
    Open {
        /// The URL, password redacted.
        url: String,
        /// The driver's message.
        cause: String,
    },
    /// The ledger exists but is not a verdict ledger, or has a schema this
    /// release does not know.
    #[error("ledger `{url}`: {reason}")]
    Schema {
        /// The URL, password redacted.
        url: String,
        /// What is wrong.
        reason: String,
    },
    /// A read or write failed (unreachable, read-only, locked past the busy
    /// timeout, …).
    #[error("ledger `{url}`: {action} failed: {cause}")]
    Database {
        /// The URL, password redacted.
        url: String,
        /// What was being done, e.g. "append".
        action: &'static str,
        /// The driver's message.
        cause: String,
    },
    /// A stored value could not be read back (a column that is not what the
    /// ledger writes; `verify` reports such records as edited).
    #[error("ledger `{url}`: record {seq}: {reason}")]
    Corrupt {
        /// The URL, password redacted.
        url: String,
        /// The record.
        seq: u64,
        /// What is wrong.
        reason: String,
    },
    /// A `--since`/`--until` bound is not RFC 3339.
    #[error("invalid time `{value}`: expected RFC 3339, e.g. 2026-11-01T00:00:00Z")]
    Time {
        /// The value given.
        value: String,
    },
    /// A signing or verifying key could not be read. Never holds key bytes.
    #[error("ledger key: {0}")]
    Key(String),
    /// The verdict document could not be serialised.
    #[error("cannot serialise the verdict document: {0}")]
    Document(String),
    /// A broken internal expectation.
    #[error("internal ledger error: {0}")]
    Internal(String),
}
