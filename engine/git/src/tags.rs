//! The tags that point at a commit.

use std::path::Path;

use crate::error::describe;
use crate::{DEFAULT_HEAD, GitError, open, resolve};

/// Names of the tags (lightweight and annotated, peeled to their commit) that point at `head`,
/// sorted, without the `refs/tags/` prefix. `head` defaults to `HEAD`.
///
/// Fails closed: a tag that cannot be peeled (a dangling or corrupt tag) is an error, since
/// it might have been the one a policy looks for.
pub fn tags_at(repo: &Path, head: Option<&str>) -> Result<Vec<String>, GitError> {
    let repository = open(repo)?;
    let head_id = resolve(&repository, repo, head.unwrap_or(DEFAULT_HEAD))?;
    let tags_error = |cause: gix::Error| GitError::Tags {
        repo: repo.to_owned(),
        cause: describe(&cause),
    };
    let platform = repository.references().map_err(tags_error)?;
    let references = platform
        .tags()
        .and_then(|tags| tags.peeled())
        .map_err(tags_error)?;
    let mut names = Vec::new();
    for reference in references {
        // Peeled: an annotated tag (or a chain of them) now points at its final object.
        let reference = reference.map_err(tags_error)?;
        if reference.id() == head_id {
            names.push(reference.name().shorten().to_string());
        }
    }
    names.sort();
    Ok(names)
}
