//! Git history as evidence: the commits between two revisions, the files and lines a change
//! touches with the CODEOWNERS rules at head, and the repository's tags.
//!
//! Some policies look at history rather than scanner output: signed commits, QA-before-prod
//! promotion tags (`qa-passed-<version>` at the commit being deployed), required reviews. This
//! crate reads a local repository with [gix] (pure Rust, no `git` binary, no network) and
//! returns [`verdict_evidence::Commit`] values and tag names.
//!
//! ```no_run
//! use std::path::Path;
//!
//! # fn main() -> Result<(), verdict_git::GitError> {
//! let repo = Path::new(".");
//! // What `git rev-list --date-order origin/main..HEAD` lists, newest first.
//! let commits = verdict_git::commits(repo, Some("origin/main"), None)?;
//! let unsigned = commits.iter().filter(|commit| commit.signature.is_none()).count();
//! let tags = verdict_git::tags_at(repo, None)?;
//! let qa_passed = tags.iter().any(|tag| tag.starts_with("qa-passed-"));
//! # let _ = (unsigned, qa_passed);
//! # Ok(())
//! # }
//! ```
//!
//! The repository is opened in isolation: the user's and the system's git configuration and
//! `GIT_*` environment variables are not read, so the result depends on the repository alone.
//! The directory must be the repository itself (its work tree or its git directory); parent
//! directories are not searched.

mod changes;
pub mod codeowners;
mod commits;
mod error;
mod order;
mod tags;
mod verify;

use std::path::Path;

use gix::ObjectId;

pub use changes::changes;
pub use commits::{MAX_COMMITS, commits};
pub use error::GitError;
use error::describe;
pub use tags::{tags, tags_at};
pub use verify::{AllowedSigners, Keyring, Keys, KeysError, verify};

/// The full hex id of the commit `head` (default `HEAD`) names, which a
/// verdict records as the repository input's identity.
pub fn head_id(repo: &Path, head: Option<&str>) -> Result<String, GitError> {
    let repository = open(repo)?;
    Ok(resolve(&repository, repo, head.unwrap_or(DEFAULT_HEAD))?.to_string())
}

/// The revision used when no head is given.
const DEFAULT_HEAD: &str = "HEAD";

/// Opens `repo` exactly (no search in parent directories), without global configuration.
fn open(repo: &Path) -> Result<gix::Repository, GitError> {
    let mut repository =
        gix::open_opts(repo, gix::open::Options::isolated()).map_err(|cause: gix::Error| {
            GitError::NotARepository {
                repo: repo.to_owned(),
                cause: describe(&cause),
            }
        })?;
    // Each commit is read twice in a walk with hidden tips (once to walk, once to decode);
    // a small cache avoids inflating it again.
    repository.object_cache_size_if_unset(4 * 1024 * 1024);
    Ok(repository)
}

/// Resolves `revision` the way `git rev-parse REV^{commit}` does.
fn resolve(
    repository: &gix::Repository,
    repo: &Path,
    revision: &str,
) -> Result<ObjectId, GitError> {
    let resolved = repository
        .rev_parse_single(revision)
        .and_then(|id| id.object())
        .and_then(|object| object.peel_to_commit())
        .map(|commit| commit.id);
    resolved.map_err(|cause: gix::Error| {
        // In a shallow clone the likely reason is a commit that was never fetched.
        if repository.is_shallow().unwrap_or(false) {
            GitError::Shallow {
                repo: repo.to_owned(),
                revision: revision.to_owned(),
                cause: describe(&cause),
            }
        } else {
            GitError::Resolve {
                repo: repo.to_owned(),
                revision: revision.to_owned(),
                cause: describe(&cause),
            }
        }
    })
}
