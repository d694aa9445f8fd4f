//! Where a record came from: one input file.

use serde::{Deserialize, Serialize};

/// Index of a [`Source`] in [`Evidence::sources`](crate::Evidence::sources).
///
/// Every record carries one, so a report can always say which file said what.
pub type SourceIndex = u32;

/// One input file that was ingested.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    /// The path as the user gave it (or as found under a directory they gave).
    pub path: String,
    /// The format id that read it, e.g. `sarif`, `npm-audit`.
    pub format: String,
    /// Lowercase hex sha256 of the file's bytes, for the audit trail.
    pub sha256: String,
    /// The tool that produced the file, when the file says (`CodeQL`, `trivy`…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool: Option<String>,
    /// How many records of all kinds this file contributed.
    pub records: u64,
}
