//! The audit ledger: every verdict appended to a hash chain, in an embedded
//! SQLite file (`sqlite:PATH`) or a shared PostgreSQL database
//! (`postgres://…`), with the same schema on both (`schema.rs`).
//!
//! Each record holds the verdict document and indexed columns; its hash
//! covers them and the previous record's hash (`chain.rs`), and may be signed
//! with ed25519 (`sign.rs`). [`Ledger::verify`] walks the chain and names the
//! first record that was edited, deleted, inserted, reordered or badly signed.
//! `docs/ledger.md` is the user-facing description, including the hash
//! definition an auditor needs to re-verify a ledger without verdict.
//!
//! *Invariant:* a [`Receipt`] is returned only after the record is committed;
//! every error names the ledger URL with its password redacted.

mod backend;
mod chain;
mod columns;
mod error;
mod postgres;
mod schema;
mod sign;
mod sqlite;
mod url;

pub use chain::{GENESIS, Integrity, Problem, ProblemKind};
pub use error::LedgerError;
pub use sign::{KEY_ENV, PUBLIC_KEY_ENV, Signer, VerifyingKey};
pub use url::redact;

use backend::Backend;
use serde::Serialize;
use verdict_gate::Decision;
use verdict_gate::document::Verdict;

/// The environment variable holding the default ledger URL.
pub const LEDGER_ENV: &str = "VERDICT_LEDGER";

/// One open ledger.
pub struct Ledger {
    backend: Backend,
}

impl std::fmt::Debug for Ledger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ledger")
            .field("url", &self.backend.url())
            .finish()
    }
}

/// What an append committed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Receipt {
    /// The record's sequence number (1 for the first record).
    pub seq: u64,
    /// The record's hash (lowercase hex sha256), the chain's new head.
    pub hash: String,
}

/// Which records [`Ledger::list`] and [`Ledger::records`] return. Empty
/// fields match everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Repository name, exactly.
    pub repository: Option<String>,
    /// Target environment, exactly.
    pub environment: Option<String>,
    /// Branch that was built, exactly.
    pub branch: Option<String>,
    /// The gate's decision.
    pub decision: Option<Decision>,
    /// Runs at or after this time (the run's `now`, RFC 3339).
    pub since: Option<String>,
    /// Runs strictly before this time (the run's `now`, RFC 3339).
    pub until: Option<String>,
    /// Only records after this seq: with `limit`, pages through
    /// [`Ledger::records`] (oldest first) without holding a whole period.
    pub after_seq: Option<u64>,
    /// At most this many records (the newest ones for [`Ledger::list`]).
    pub limit: Option<u64>,
}

/// One record's indexed columns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    /// Sequence number.
    pub seq: u64,
    /// When the ledger recorded it (wall clock of the writer, RFC 3339 UTC).
    pub recorded_at: String,
    /// The run's time (`context.now`).
    pub now: String,
    /// Repository name.
    pub repository: Option<String>,
    /// Head commit id, when a `git` source was read.
    pub commit: Option<String>,
    /// Branch that was built.
    pub branch: Option<String>,
    /// Branch a pull or merge request merges into.
    pub target_branch: Option<String>,
    /// Target environment.
    pub environment: Option<String>,
    /// Version being deployed.
    pub version: Option<String>,
    /// Who triggered the run.
    pub actor: Option<String>,
    /// What started the run (kebab-case event name).
    pub event: Option<String>,
    /// The gate's decision.
    pub decision: Decision,
    /// The record's hash.
    pub hash: String,
    /// The id of the key that signed it, when signed.
    pub key_id: Option<String>,
}

/// One record: its columns and the whole verdict document, for reports.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// The indexed columns.
    pub entry: Entry,
    /// The verdict document as recorded.
    pub verdict: Verdict,
}

impl Ledger {
    /// Opens a ledger for reading and appending: `sqlite:PATH` (the file is
    /// created when missing) or `postgres://…` / `postgresql://…`. Applies
    /// pending schema migrations.
    pub fn open(url: &str) -> Result<Ledger, LedgerError> {
        Ok(Ledger {
            backend: Backend::open(url, true)?,
        })
    }

    /// Opens an existing ledger without creating or migrating anything: a
    /// missing SQLite file or a database without the ledger's tables is an
    /// error. For `verify` and `list`.
    pub fn open_existing(url: &str) -> Result<Ledger, LedgerError> {
        Ok(Ledger {
            backend: Backend::open(url, false)?,
        })
    }

    /// The ledger's URL, password redacted.
    pub fn url(&self) -> &str {
        self.backend.url()
    }

    /// Appends one verdict, signed when a signer is given. Returns only once
    /// the record is committed.
    pub fn append(
        &mut self,
        verdict: &Verdict,
        signer: Option<&Signer>,
    ) -> Result<Receipt, LedgerError> {
        let mut receipts = self.append_batch(std::slice::from_ref(verdict), signer)?;
        receipts.pop().ok_or_else(|| {
            LedgerError::Internal("an append of one verdict returned no receipt".into())
        })
    }

    /// Appends several verdicts in one transaction, in order (imports, bulk
    /// loads): all are recorded or none.
    pub fn append_batch(
        &mut self,
        verdicts: &[Verdict],
        signer: Option<&Signer>,
    ) -> Result<Vec<Receipt>, LedgerError> {
        let prepared = verdicts
            .iter()
            .map(columns::Prepared::of)
            .collect::<Result<Vec<_>, _>>()?;
        self.backend.append(&prepared, signer)
    }

    /// Walks the whole chain; with a key, every record must carry a valid
    /// signature by it.
    pub fn verify(&mut self, key: Option<&VerifyingKey>) -> Result<Integrity, LedgerError> {
        chain::verify(&mut self.backend, key)
    }

    /// Records matching the filter, newest first.
    pub fn list(&mut self, filter: &Filter) -> Result<Vec<Entry>, LedgerError> {
        self.backend.entries(filter, backend::Order::NewestFirst)
    }

    /// Records matching the filter with their documents, oldest first (the
    /// order of a period report).
    pub fn records(&mut self, filter: &Filter) -> Result<Vec<Record>, LedgerError> {
        self.backend.records(filter)
    }

    /// The last `n` decisions for a repository, optionally on one branch and
    /// environment, newest first.
    pub fn history(
        &mut self,
        repository: &str,
        branch: Option<&str>,
        environment: Option<&str>,
        n: u64,
    ) -> Result<Vec<Entry>, LedgerError> {
        self.list(&Filter {
            repository: Some(repository.to_owned()),
            branch: branch.map(str::to_owned),
            environment: environment.map(str::to_owned),
            limit: Some(n),
            ..Filter::default()
        })
    }
}

/// Opens the ledger at `url` and appends one verdict: what `verdict check
/// --ledger URL` does after deciding.
pub fn append_url(
    url: &str,
    verdict: &Verdict,
    signer: Option<&Signer>,
) -> Result<Receipt, LedgerError> {
    Ledger::open(url)?.append(verdict, signer)
}

/// One policy's result in a record, from the record's per-policy rows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PolicyResult {
    /// The policy id.
    pub policy: String,
    /// Its decision.
    pub decision: Decision,
    /// How many violations it reported.
    pub violations: u64,
}

impl Ledger {
    /// The chain head: the newest record's seq and hash (0 and [`GENESIS`]
    /// for an empty ledger).
    pub fn head(&mut self) -> Result<(u64, String), LedgerError> {
        let (seq, hash) = self.backend.head()?;
        Ok((seq.max(0) as u64, hash))
    }

    /// The per-policy results of record `seq`, in the document's order;
    /// empty for a seq the ledger does not hold.
    pub fn policy_results(&mut self, seq: u64) -> Result<Vec<PolicyResult>, LedgerError> {
        let seq = i64::try_from(seq).unwrap_or(i64::MAX);
        let url = self.url().to_owned();
        let mut children = self.backend.children(seq, seq)?;
        children
            .remove(&seq)
            .map(|children| children.policies)
            .unwrap_or_default()
            .into_iter()
            .map(|row| {
                Ok(PolicyResult {
                    decision: backend::decision(&url, seq, &row.decision)?,
                    violations: row.violations.max(0) as u64,
                    policy: row.policy,
                })
            })
            .collect()
    }
}
