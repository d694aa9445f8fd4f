//! What a record stores: the columns and child rows derived from a verdict
//! document, and a stored record as read back.

use crate::LedgerError;
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

/// The child rows of one record.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Children {
    pub policies: Vec<PolicyRow>,
    pub digests: Vec<DigestRow>,
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
    /// stored) and derives its columns.
    pub fn of(verdict: &Verdict) -> Result<Prepared, LedgerError> {
        let document =
            serde_json::to_string(verdict).map_err(|e| LedgerError::Document(e.to_string()))?;
        Ok(Prepared {
            document,
            columns: columns_of(verdict),
            children: children_of(verdict),
        })
    }
}

/// The format of the source whose `sha256` is the head commit id.
const GIT_FORMAT: &str = "git";

/// The indexed columns of a document.
pub(crate) fn columns_of(verdict: &Verdict) -> Columns {
    let context = &verdict.context;
    Columns {
        run_at: context.now.clone(),
        run_at_unix: context.now_unix,
        repository: context.repository.clone(),
        commit: verdict
            .inputs
            .iter()
            .find(|input| input.format == GIT_FORMAT)
            .map(|input| input.sha256.clone()),
        branch: context.branch.clone(),
        target_branch: context.target_branch.clone(),
        environment: context.environment.clone(),
        version: context.version.clone(),
        actor: context.actor.clone(),
        event: context.event.map(|event| kebab(&event)),
        decision: verdict.decision.as_str().to_owned(),
    }
}

/// The child rows of a document.
pub(crate) fn children_of(verdict: &Verdict) -> Children {
    let policies = verdict
        .policies
        .iter()
        .map(|policy| PolicyRow {
            policy: policy.id.clone(),
            decision: policy.decision.as_str().to_owned(),
            violations: policy.violations.len() as i64,
        })
        .collect();
    let inputs = verdict.inputs.iter().map(|input| DigestRow {
        role: "input".to_owned(),
        name: input.path.clone(),
        sha256: input.sha256.clone(),
    });
    let plugins = verdict.policies.iter().map(|policy| DigestRow {
        role: "plugin".to_owned(),
        name: policy.plugin.clone(),
        sha256: policy.plugin_sha256.clone(),
    });
    Children {
        policies,
        digests: inputs.chain(plugins).collect(),
    }
}

/// A unit enum's serde name (kebab-case), e.g. `pull-request`.
fn kebab<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(name)) => name,
        _ => String::new(),
    }
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
