//! The hash chain: each record's hash, and the walk that checks it and
//! names the first record that is not what was appended.
//!
//! `hash = sha256(encoding)` where the encoding is, in order, the domain tag
//! `verdict-ledger/v1` then seq, prev_hash, recorded_at, run_at, run_at_unix,
//! repository, commit_id, branch, target_branch, environment, version, actor,
//! event, decision, document; a text field is `0x01 ‖ u64be(byte length) ‖
//! UTF-8 bytes`, an absent (NULL) field `0x00`, an integer `0x02 ‖ i64be`.
//! `docs/ledger.md` repeats this for auditors.

use crate::LedgerError;
use crate::backend::Backend;
use crate::columns::{self, Columns, Stored};
use crate::sign::VerifyingKey;
use serde::Serialize;
use sha2::{Digest, Sha256};

/// The previous hash of the first record: 64 zeros.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The domain tag hashed first.
const DOMAIN: &str = "verdict-ledger/v1";

/// Records read per page while walking the chain.
const PAGE: i64 = 1000;

/// How far from its position verify looks for the seq a moved record was
/// written with.
const MOVE_WINDOW: i64 = 64;

/// The result of [`crate::Ledger::verify`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Integrity {
    /// Records checked and found intact (all of them when `problem` is none;
    /// those before the problem otherwise).
    pub records: u64,
    /// The hash of the last intact record ([`GENESIS`] for an empty ledger).
    pub head: String,
    /// Whether every intact record's signature was checked against a key.
    pub signatures_checked: bool,
    /// The first problem, in chain order.
    pub problem: Option<Problem>,
}

/// The first record that is not what was appended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// Its sequence number.
    pub seq: u64,
    /// What is wrong.
    pub kind: ProblemKind,
    /// The details, for the auditor.
    pub detail: String,
}

/// What is wrong with a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProblemKind {
    /// Its content no longer matches its hash, or it no longer matches the
    /// hash its successor links to.
    Edited,
    /// It is missing.
    Deleted,
    /// It was not appended by the ledger: the chain skips it.
    Inserted,
    /// It was appended at another position.
    Reordered,
    /// Its signature is missing or does not verify with the key.
    BadSignature,
}

impl ProblemKind {
    /// The kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            ProblemKind::Edited => "edited",
            ProblemKind::Deleted => "deleted",
            ProblemKind::Inserted => "inserted",
            ProblemKind::Reordered => "reordered",
            ProblemKind::BadSignature => "bad signature",
        }
    }
}

/// The hash of a record (lowercase hex).
pub(crate) fn record_hash(
    seq: i64,
    prev_hash: &str,
    recorded_at: &str,
    columns: &Columns,
    document: &str,
) -> String {
    let mut encoder = Encoder(Sha256::new());
    encoder.text(Some(DOMAIN));
    encoder.integer(seq);
    encoder.text(Some(prev_hash));
    encoder.text(Some(recorded_at));
    encoder.text(Some(&columns.run_at));
    encoder.integer(columns.run_at_unix);
    for value in [
        &columns.repository,
        &columns.commit,
        &columns.branch,
        &columns.target_branch,
        &columns.environment,
        &columns.version,
        &columns.actor,
        &columns.event,
    ] {
        encoder.text(value.as_deref());
    }
    encoder.text(Some(&columns.decision));
    encoder.text(Some(document));
    hex::encode(encoder.0.finalize())
}

/// The canonical, length-prefixed encoding, fed to sha256.
struct Encoder(Sha256);

impl Encoder {
    fn text(&mut self, value: Option<&str>) {
        match value {
            Some(value) => {
                self.0.update([1u8]);
                self.0.update((value.len() as u64).to_be_bytes());
                self.0.update(value.as_bytes());
            }
            None => self.0.update([0u8]),
        }
    }

    fn integer(&mut self, value: i64) {
        self.0.update([2u8]);
        self.0.update(value.to_be_bytes());
    }
}

/// The hash a stored record should have, from its own fields.
fn recomputed(record: &Stored, seq: i64) -> String {
    record_hash(
        seq,
        &record.prev_hash,
        &record.recorded_at,
        &record.columns,
        &record.document,
    )
}

/// Walks the chain in one read snapshot.
pub(crate) fn verify(
    backend: &mut Backend,
    key: Option<&VerifyingKey>,
) -> Result<Integrity, LedgerError> {
    backend.begin_read()?;
    let result = walk(backend, key);
    let end = backend.end_read();
    let integrity = result?;
    end?;
    Ok(integrity)
}

fn walk(backend: &mut Backend, key: Option<&VerifyingKey>) -> Result<Integrity, LedgerError> {
    let mut walk = Walk {
        expected: 1,
        prev: GENESIS.to_owned(),
        prev2: None,
    };
    let intact = |walk: &Walk, problem: Option<Problem>| {
        // Records before the problem; a problem can name the record just
        // before the one being checked.
        let before_previous = problem
            .as_ref()
            .is_some_and(|problem| (problem.seq as i64) < walk.expected);
        let (records, head) = if before_previous {
            (
                (walk.expected - 2).max(0) as u64,
                walk.prev2.clone().unwrap_or_else(|| GENESIS.to_owned()),
            )
        } else {
            ((walk.expected - 1) as u64, walk.prev.clone())
        };
        Integrity {
            records,
            head,
            signatures_checked: key.is_some(),
            problem,
        }
    };
    loop {
        let page = backend.page(walk.expected - 1, PAGE)?;
        let Some(last) = page.last() else { break };
        let children = backend.children(page[0].seq, last.seq)?;
        for record in &page {
            let own_children = children.get(&record.seq).cloned().unwrap_or_default();
            if let Some(problem) = check(backend, &walk, record, &own_children, key)? {
                return Ok(intact(&walk, Some(problem)));
            }
            walk.prev2 = Some(std::mem::replace(&mut walk.prev, record.hash.clone()));
            walk.expected += 1;
        }
        if page.len() < PAGE as usize {
            break;
        }
    }
    let problem = check_head(backend, &walk)?;
    Ok(intact(&walk, problem))
}

/// Where the walk is: the seq it expects next and the last two good hashes.
struct Walk {
    expected: i64,
    prev: String,
    prev2: Option<String>,
}

fn problem(seq: i64, kind: ProblemKind, detail: String) -> Option<Problem> {
    Some(Problem {
        seq: seq.max(0) as u64,
        kind,
        detail,
    })
}

/// The first thing wrong with one record, in the order: position, content,
/// link, index rows, signature.
fn check(
    backend: &mut Backend,
    walk: &Walk,
    record: &Stored,
    children: &columns::Children,
    key: Option<&VerifyingKey>,
) -> Result<Option<Problem>, LedgerError> {
    let seq = record.seq;
    if seq != walk.expected {
        let last_missing = seq - 1;
        let range = if last_missing == walk.expected {
            format!("record {} is missing", walk.expected)
        } else {
            format!("records {}..={last_missing} are missing", walk.expected)
        };
        return Ok(problem(
            walk.expected,
            ProblemKind::Deleted,
            format!(
                "{range}: the chain jumps from {} to {seq}",
                walk.expected - 1
            ),
        ));
    }
    let content_ok = recomputed(record, seq) == record.hash;
    let link_ok = record.prev_hash == walk.prev;
    if !content_ok {
        return classify_content(backend, walk, record, link_ok);
    }
    if !link_ok {
        return classify_link(backend, walk, record);
    }
    if let Some(reason) = document_mismatch(record, children) {
        return Ok(problem(seq, ProblemKind::Edited, reason));
    }
    if let Some(key) = key
        && let Err(reason) = key.check(
            &record.hash,
            record.signature.as_deref(),
            record.key_id.as_deref(),
        )
    {
        return Ok(problem(seq, ProblemKind::BadSignature, reason));
    }
    Ok(None)
}

/// A record whose content does not match its hash: moved from another
/// position, or edited.
fn classify_content(
    backend: &mut Backend,
    walk: &Walk,
    record: &Stored,
    link_ok: bool,
) -> Result<Option<Problem>, LedgerError> {
    let seq = record.seq;
    let linked_seq = backend.seq_of_hash(&record.prev_hash)?;
    let candidates = linked_seq
        .map(|linked| linked + 1)
        .into_iter()
        .chain((seq - MOVE_WINDOW).max(1)..=seq + MOVE_WINDOW);
    let written_as = candidates
        .filter(|&candidate| candidate != seq)
        .find(|&candidate| recomputed(record, candidate) == record.hash);
    if let Some(written_as) = written_as {
        if walk.prev2.as_deref() == Some(record.prev_hash.as_str()) {
            return Ok(problem(
                seq - 1,
                ProblemKind::Inserted,
                format!(
                    "record {} is not in the chain: record {seq} (written as {written_as}) links to record {}",
                    seq - 1,
                    seq - 2
                ),
            ));
        }
        if linked_seq.is_some() {
            return Ok(problem(
                seq,
                ProblemKind::Reordered,
                format!("the record at {seq} was appended as record {written_as}"),
            ));
        }
        return Ok(problem(
            seq,
            ProblemKind::Deleted,
            format!(
                "the record(s) before the one at {seq} were deleted and the rest renumbered: \
                 it was appended as record {written_as}"
            ),
        ));
    }
    if !link_ok {
        let next = backend.record(seq + 1)?;
        if next.is_some_and(|next| next.prev_hash == walk.prev) {
            return Ok(problem(
                seq,
                ProblemKind::Inserted,
                format!(
                    "record {seq} is not in the chain: record {} links to record {}",
                    seq + 1,
                    seq - 1
                ),
            ));
        }
    }
    if let Some(beyond) = beyond_head(backend, seq)? {
        return Ok(Some(beyond));
    }
    Ok(problem(
        seq,
        ProblemKind::Edited,
        "its content no longer matches its hash".into(),
    ))
}

/// A record whose content matches its hash but which does not link to the
/// record before it.
fn classify_link(
    backend: &mut Backend,
    walk: &Walk,
    record: &Stored,
) -> Result<Option<Problem>, LedgerError> {
    let seq = record.seq;
    if let Some(beyond) = beyond_head(backend, seq)? {
        return Ok(Some(beyond));
    }
    if walk.prev2.as_deref() == Some(record.prev_hash.as_str()) {
        return Ok(problem(
            seq - 1,
            ProblemKind::Inserted,
            format!(
                "record {} is not in the chain: record {seq} links to record {}",
                seq - 1,
                seq - 2
            ),
        ));
    }
    if let Some(linked) = backend.seq_of_hash(&record.prev_hash)? {
        return Ok(problem(
            seq,
            ProblemKind::Reordered,
            format!(
                "record {seq} links to record {linked}, not to record {}",
                seq - 1
            ),
        ));
    }
    if seq == 1 {
        return Ok(problem(
            seq,
            ProblemKind::Edited,
            "the first record does not link to the genesis hash".into(),
        ));
    }
    Ok(problem(
        seq - 1,
        ProblemKind::Edited,
        format!(
            "record {} is not the record {seq} links to (edited and re-hashed, or replaced)",
            seq - 1
        ),
    ))
}

/// A record past the head row's seq was not appended by the ledger.
fn beyond_head(backend: &mut Backend, seq: i64) -> Result<Option<Problem>, LedgerError> {
    let (head_seq, _) = backend.head()?;
    Ok((seq > head_seq).then(|| Problem {
        seq: seq as u64,
        kind: ProblemKind::Inserted,
        detail: format!(
            "record {seq} is past the ledger's head ({head_seq} records): it was added outside the ledger"
        ),
    }))
}

/// Whether the indexed columns and child rows are those of the document.
fn document_mismatch(record: &Stored, children: &columns::Children) -> Option<String> {
    let (columns, derived) = match columns::derive(&record.document) {
        Ok(derived) => derived,
        Err(reason) => return Some(format!("its document is {reason}")),
    };
    if columns != record.columns {
        return Some("its indexed columns differ from its document".into());
    }
    if &derived != children {
        return Some("its per-policy or sha256 index rows differ from its document".into());
    }
    None
}

/// The one-row head table must agree with the end of the chain.
fn check_head(backend: &mut Backend, walk: &Walk) -> Result<Option<Problem>, LedgerError> {
    let last = walk.expected - 1;
    let (head_seq, head_hash) = backend.head()?;
    Ok(if head_seq > last {
        problem(
            last + 1,
            ProblemKind::Deleted,
            format!("the ledger's head says {head_seq} records; the chain ends at {last}"),
        )
    } else if head_seq < last {
        problem(
            head_seq + 1,
            ProblemKind::Inserted,
            format!(
                "the ledger's head says {head_seq} records; records {}..={last} were added outside it",
                head_seq + 1
            ),
        )
    } else if head_hash != walk.prev {
        problem(
            last,
            ProblemKind::Edited,
            "the ledger's head hash differs from the last record's hash".into(),
        )
    } else {
        None
    })
}
