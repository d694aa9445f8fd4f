//! Errors of the git stage: every one names the repository and, where one is involved, the revision.

use std::path::PathBuf;

/// A one-line summary of a gix error, for a message's `cause` part.
///
/// gix's top-level messages are generic ("couldn't parse revision", "does not appear to be a git
/// repository") and repeat what our message already says; the cause right below says why
/// ("Reference \"v1.2\" could not be found"). The whole chain would be noisy on one line, and
/// keeping gix's error type out of ours keeps gix out of our public API.
pub(crate) fn describe(error: &gix::Error) -> String {
    match std::error::Error::source(error) {
        Some(cause) => cause.to_string(),
        None => error.to_string(),
    }
}

/// Why git history could not be read.
///
/// Messages are one line; [`GitError::hint`] offers the fix where there is a likely one.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GitError {
    /// The directory is not a git repository (or cannot be opened as one).
    #[error("`{repo}` is not a git repository: {cause}", repo = repo.display())]
    NotARepository {
        /// The directory given.
        repo: PathBuf,
        /// What went wrong, as gix reported it.
        cause: String,
    },
    /// A revision names no commit.
    #[error("`{repo}`: cannot resolve revision `{revision}`: {cause}", repo = repo.display())]
    Resolve {
        /// The repository.
        repo: PathBuf,
        /// The revision as given.
        revision: String,
        /// What went wrong, as gix reported it.
        cause: String,
    },
    /// A revision names no commit, and the clone is shallow: most likely the commit was not fetched.
    #[error(
        "`{repo}`: cannot resolve revision `{revision}`: the clone is shallow and may not contain it: {cause}",
        repo = repo.display()
    )]
    Shallow {
        /// The repository.
        repo: PathBuf,
        /// The revision as given.
        revision: String,
        /// What went wrong, as gix reported it.
        cause: String,
    },
    /// The walk from head reached the edge of a shallow clone before it met base, so the
    /// commit list would be incomplete.
    #[error(
        "`{repo}`: the commits between `{base}` and `{head}` reach past the history of this shallow clone (at commit `{commit}`)",
        repo = repo.display()
    )]
    ShallowBoundary {
        /// The repository.
        repo: PathBuf,
        /// The base revision as given.
        base: String,
        /// The head revision as given.
        head: String,
        /// The first commit whose parents are missing.
        commit: String,
    },
    /// More commits lie between base and head than [`crate::MAX_COMMITS`].
    #[error(
        "`{repo}`: more than {limit} commits between `{base}` and `{head}`",
        repo = repo.display()
    )]
    TooManyCommits {
        /// The repository.
        repo: PathBuf,
        /// The base revision as given.
        base: String,
        /// The head revision as given.
        head: String,
        /// The limit.
        limit: usize,
    },
    /// A commit object could not be read or decoded.
    #[error("`{repo}`: cannot read commit `{id}`: {cause}", repo = repo.display())]
    Commit {
        /// The repository.
        repo: PathBuf,
        /// The commit id.
        id: String,
        /// What went wrong, as gix reported it.
        cause: String,
    },
    /// The walk between base and head failed.
    #[error("`{repo}`: cannot walk the commits between `{base}` and `{head}`: {cause}", repo = repo.display())]
    Walk {
        /// The repository.
        repo: PathBuf,
        /// The base revision as given.
        base: String,
        /// The head revision as given.
        head: String,
        /// What went wrong, as gix reported it.
        cause: String,
    },
    /// Base and head have no common ancestor, so there is no change to show.
    #[error(
        "`{repo}`: `{base}` and `{head}` have no common ancestor{}",
        if *shallow { " in this shallow clone" } else { "" },
        repo = repo.display()
    )]
    NoMergeBase {
        /// The repository.
        repo: PathBuf,
        /// The base revision as given.
        base: String,
        /// The head revision as given.
        head: String,
        /// Whether the clone is shallow (the ancestor may not have been fetched).
        shallow: bool,
    },
    /// The changes between base and head could not be computed.
    #[error("`{repo}`: cannot diff `{head}` against its merge base with `{base}`: {cause}", repo = repo.display())]
    Changes {
        /// The repository.
        repo: PathBuf,
        /// The base revision as given.
        base: String,
        /// The head revision as given.
        head: String,
        /// What went wrong, as gix reported it.
        cause: String,
    },
    /// The tags could not be listed or peeled.
    #[error("`{repo}`: cannot read tags: {cause}", repo = repo.display())]
    Tags {
        /// The repository.
        repo: PathBuf,
        /// What went wrong, as gix reported it.
        cause: String,
    },
}

impl GitError {
    /// How to fix the problem, when there is a likely fix: one line, for a `hint:` line.
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            GitError::Shallow { .. } | GitError::ShallowBoundary { .. } => Some(
                "fetch the full history, e.g. `fetch-depth: 0` with actions/checkout or `git fetch --unshallow`",
            ),
            GitError::NoMergeBase { shallow: true, .. } => Some(
                "fetch the full history, e.g. `fetch-depth: 0` with actions/checkout or `git fetch --unshallow`",
            ),
            GitError::NoMergeBase { shallow: false, .. } => Some(
                "base must share history with head, e.g. the pull request's target branch `origin/main`",
            ),
            GitError::TooManyCommits { .. } => Some(
                "check that base is an ancestor of head, e.g. the merge base of the pull request",
            ),
            _ => None,
        }
    }
}
