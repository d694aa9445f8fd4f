//! Git commits, for policies on history (signed commits, reviews).

use serde::{Deserialize, Serialize};

/// One commit between a base and a head revision.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Commit {
    /// Full hex id.
    pub id: String,
    /// Parent ids.
    pub parents: Vec<String>,
    /// Author name.
    pub author_name: String,
    /// Author email.
    pub author_email: String,
    /// Committer name.
    pub committer_name: String,
    /// Committer email.
    pub committer_email: String,
    /// Commit time, seconds since the Unix epoch.
    pub time: i64,
    /// The message.
    pub message: String,
    /// The armored signature (`gpgsig` header), when signed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<String>,
}
