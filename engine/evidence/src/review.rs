//! Pull and merge requests with their reviews, from the forge's JSON.

use crate::SourceIndex;
use serde::{Deserialize, Serialize};

/// What a reviewer said.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReviewState {
    /// Approved.
    Approved,
    /// Asked for changes.
    ChangesRequested,
    /// Commented only.
    Commented,
    /// An approval or request later dismissed.
    Dismissed,
    /// Started, not submitted.
    Pending,
}

/// One review.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Review {
    /// The reviewer's login.
    pub author: String,
    /// What they said.
    pub state: ReviewState,
    /// The commit they reviewed, when the forge says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    /// When, seconds since the Unix epoch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submitted_at: Option<i64>,
}

/// A pull request (GitHub) or merge request (GitLab).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PullRequest {
    /// Index of the input file this came from.
    pub source: SourceIndex,
    /// Number (GitHub) or iid (GitLab).
    pub number: u64,
    /// The author's login.
    pub author: String,
    /// The branch it merges into.
    pub base_branch: String,
    /// The branch it merges from.
    pub head_branch: String,
    /// The head commit, when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub head_commit: Option<String>,
    /// Labels.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub labels: Vec<String>,
    /// Changed paths, when given.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<String>,
    /// Reviews, in the order given.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reviews: Vec<Review>,
}
