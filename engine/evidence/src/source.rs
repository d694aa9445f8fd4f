//! Where a record came from: one input file.

use crate::Kind;
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
    /// The kinds of evidence this file speaks for, even when it holds no
    /// record of them: a gitleaks report with no leaks still says "a secret
    /// scan ran". Required-evidence checks rest on this, not on counts.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub kinds: Vec<Kind>,
}

/// A file found under an input directory that was not ingested, with why.
///
/// Every file under a directory is either a [`Source`] or one of these, and
/// every report lists them, so a report cannot vanish from a gate unseen.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkippedFile {
    /// The path as found.
    pub path: String,
    /// Why it was not read, one line.
    pub reason: String,
}
