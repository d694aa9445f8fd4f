//! What a record stores: the columns and child rows derived from a verdict
//! document, and a stored record as read back.

use crate::LedgerError;
use serde::Deserialize;
use serde::de::IgnoredAny;
use verdict_gate::document::Verdict;

/// A record's indexed columns taken from its document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Columns {
    pub run_at: String,
    pub run_at_unix: i64,
    pub repository: Option<String>,
    pub commit: Option<String>,
    pub branch: Option<String>,
    pub target_branch: Option<String>,
    pub environment: Option<String>,
    pub version: Option<String>,
    pub actor: Option<String>,
    pub event: Option<String>,
    pub decision: String,
}

/// One policy's result, for queries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PolicyRow {
    pub policy: String,
    pub decision: String,
    pub violations: i64,
}

/// One sha256 the run rested on: an input file or a plugin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DigestRow {
    /// `input` or `plugin`.
    pub role: String,
    /// The input's path or the plugin (`builtin:NAME` or its path).
    pub name: String,
    pub sha256: String,
}

/// A waiver, override or attestation the run used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ExceptionRow {
    /// `waiver`, `override` or `attestation`.
    pub kind: String,
    /// The waiver's id, the overridden policy, or the attested control.
    pub subject: String,
    /// The policy a waiver or override applies to.
    pub policy: Option<String>,
    /// The waiver's owner, the override's actor, or who attested.
    pub who: String,
    /// The waiver's or override's reason, or the attestation's statement.
    pub reason: String,
    /// Last day it applies (`YYYY-MM-DD`); none for overrides.
    pub expires: Option<String>,
    /// The waiver's or attestation's status; `applied`/`not-applied` for
    /// an override.
    pub status: String,
    /// Violations it waived or let through (0 for attestations).
    pub violations: i64,
}

/// The child rows of one record.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Children {
    pub policies: Vec<PolicyRow>,
    pub digests: Vec<DigestRow>,
    pub exceptions: Vec<ExceptionRow>,
}

/// A verdict ready to append: the exact document bytes and what is derived
/// from them.
#[derive(Debug, Clone)]
pub(crate) struct Prepared {
    pub document: String,
    pub columns: Columns,
    pub children: Children,
}

impl Prepared {
    /// Serialises the document (compact JSON; these bytes are hashed and
    /// stored) and derives its columns from those bytes.
    pub fn of(verdict: &Verdict) -> Result<Prepared, LedgerError> {
        let document =
            serde_json::to_string(verdict).map_err(|e| LedgerError::Document(e.to_string()))?;
        let (columns, children) = derive(&document).map_err(LedgerError::Document)?;
        Ok(Prepared {
            document,
            columns,
            children,
        })
    }
}

/// The part of a verdict document the ledger indexes. Read from the stored
/// bytes both when appending and when verifying, and tolerant of anything
/// else in the document, so that a ledger written by a newer verdict (new
/// fields, new evidence kinds) still verifies.
#[derive(Deserialize)]
struct Indexed {
    decision: String,
    context: IndexedContext,
    #[serde(default)]
    inputs: Vec<IndexedInput>,
    #[serde(default)]
    policies: Vec<IndexedPolicy>,
    #[serde(default)]
    gate_files: Vec<IndexedGateFile>,
    #[serde(default)]
    waivers: Vec<IndexedWaiver>,
    #[serde(default)]
    overrides: Vec<IndexedOverride>,
    #[serde(default)]
    attestations: Vec<IndexedAttestation>,
}

#[derive(Deserialize)]
struct IndexedGateFile {
    role: String,
    path: String,
    sha256: String,
}

#[derive(Deserialize)]
struct IndexedWaiver {
    id: String,
    policy: String,
    owner: String,
    reason: String,
    expires: String,
    status: String,
    matched: i64,
}

#[derive(Deserialize)]
struct IndexedOverride {
    policy: String,
    reason: String,
    actor: String,
    applied: bool,
    violations: i64,
}

#[derive(Deserialize)]
struct IndexedAttestation {
    control: String,
    statement: String,
    by: String,
    expires: String,
    status: String,
}

#[derive(Deserialize)]
struct IndexedContext {
    now: String,
    now_unix: i64,
    repository: Option<String>,
    branch: Option<String>,
    target_branch: Option<String>,
    environment: Option<String>,
    version: Option<String>,
    actor: Option<String>,
    event: Option<String>,
}

#[derive(Deserialize)]
struct IndexedInput {
    path: String,
    format: String,
    sha256: String,
}

#[derive(Deserialize)]
struct IndexedPolicy {
    id: String,
    plugin: String,
    plugin_sha256: String,
    decision: String,
    #[serde(default)]
    violations: Vec<IgnoredAny>,
}

/// The format of the source whose `sha256` is the head commit id.
const GIT_FORMAT: &str = "git";

/// The indexed columns and child rows of a stored document.
pub(crate) fn derive(document: &str) -> Result<(Columns, Children), String> {
    let indexed: Indexed = serde_json::from_str(document)
        .map_err(|error| format!("not a verdict document: {error}"))?;
    let context = indexed.context;
    let columns = Columns {
        run_at: context.now,
        run_at_unix: context.now_unix,
        repository: context.repository,
        commit: indexed
            .inputs
            .iter()
            .find(|input| input.format == GIT_FORMAT)
            .map(|input| input.sha256.clone()),
        branch: context.branch,
        target_branch: context.target_branch,
        environment: context.environment,
        version: context.version,
        actor: context.actor,
        event: context.event,
        decision: indexed.decision,
    };
    let policies = indexed
        .policies
        .iter()
        .map(|policy| PolicyRow {
            policy: policy.id.clone(),
            decision: policy.decision.clone(),
            violations: policy.violations.len() as i64,
        })
        .collect();
    let inputs = indexed.inputs.into_iter().map(|input| DigestRow {
        role: "input".to_owned(),
        name: input.path,
        sha256: input.sha256,
    });
    let plugins = indexed.policies.into_iter().map(|policy| DigestRow {
        role: "plugin".to_owned(),
        name: policy.plugin,
        sha256: policy.plugin_sha256,
    });
    let gate_files = indexed.gate_files.into_iter().map(|file| DigestRow {
        role: format!("gate-{}", file.role),
        name: file.path,
        sha256: file.sha256,
    });
    let waivers = indexed.waivers.into_iter().map(|waiver| ExceptionRow {
        kind: "waiver".to_owned(),
        subject: waiver.id,
        policy: Some(waiver.policy),
        who: waiver.owner,
        reason: waiver.reason,
        expires: Some(waiver.expires),
        status: waiver.status,
        violations: waiver.matched,
    });
    let overrides = indexed.overrides.into_iter().map(|over| ExceptionRow {
        kind: "override".to_owned(),
        subject: over.policy.clone(),
        policy: Some(over.policy),
        who: over.actor,
        reason: over.reason,
        expires: None,
        status: if over.applied {
            "applied"
        } else {
            "not-applied"
        }
        .to_owned(),
        violations: over.violations,
    });
    let attestations = indexed
        .attestations
        .into_iter()
        .map(|attestation| ExceptionRow {
            kind: "attestation".to_owned(),
            subject: attestation.control,
            policy: None,
            who: attestation.by,
            reason: attestation.statement,
            expires: Some(attestation.expires),
            status: attestation.status,
            violations: 0,
        });
    Ok((
        columns,
        Children {
            policies,
            digests: inputs.chain(plugins).chain(gate_files).collect(),
            exceptions: waivers.chain(overrides).chain(attestations).collect(),
        },
    ))
}

/// A record as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Stored {
    pub seq: i64,
    pub recorded_at: String,
    pub columns: Columns,
    pub document: String,
    pub prev_hash: String,
    pub hash: String,
    pub signature: Option<String>,
    pub key_id: Option<String>,
}

/// The column list of `records`, in the order [`Stored`] is read.
pub(crate) const RECORD_COLUMNS: &str = "seq, recorded_at, run_at, run_at_unix, repository, \
     commit_id, branch, target_branch, environment, version, actor, event, decision, document, \
     prev_hash, hash, signature, key_id";

/// The column list of `records` without the document, for listings.
pub(crate) const ENTRY_COLUMNS: &str = "seq, recorded_at, run_at, run_at_unix, repository, \
     commit_id, branch, target_branch, environment, version, actor, event, decision, \
     hash, key_id";
