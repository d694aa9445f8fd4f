//! Repository tags, for promotion rules (`qa-{version}` before production).

use serde::{Deserialize, Serialize};

/// One tag of the repository.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tag {
    /// Tag name without `refs/tags/`.
    pub name: String,
    /// Full hex id of the commit it points at (annotated tags peeled).
    pub commit: String,
    /// Whether it is an annotated tag object.
    pub annotated: bool,
    /// Who tagged, for annotated tags (`Name <email>`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tagger: Option<String>,
    /// When, seconds since the Unix epoch, for annotated tags.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<i64>,
}
