//! What a change touches: files and lines between `--base` and `--head`, and
//! who owns them (CODEOWNERS).

use serde::{Deserialize, Serialize};

/// Lines `start..=end` (1-based) on the head side.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineRange {
    /// First line.
    pub start: u32,
    /// Last line, inclusive.
    pub end: u32,
}

/// How a file changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChangeStatus {
    /// New on the head side.
    Added,
    /// Changed in place.
    Modified,
    /// Gone on the head side.
    Deleted,
    /// Moved (and maybe changed); `old_path` says from where.
    Renamed,
    /// Copied from `old_path`.
    Copied,
}

/// One file a change touches, as a pull request shows it (merge-base
/// semantics: what `head` adds over the common ancestor with `base`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangedFile {
    /// Path on the head side (on the base side for a deleted file).
    pub path: String,
    /// Path on the base side, for renames and copies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub old_path: Option<String>,
    /// How it changed.
    pub status: ChangeStatus,
    /// Lines added or changed on the head side, ascending, not overlapping.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub added_lines: Vec<LineRange>,
}

/// One CODEOWNERS rule, in file order; the last matching rule wins.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnerRule {
    /// The path pattern, as written (gitignore-like).
    pub pattern: String,
    /// `@user`, `@org/team` or e-mail owners; empty un-owns the path.
    pub owners: Vec<String>,
}
