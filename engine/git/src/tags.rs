//! Tags: every tag of the repository, and the names of those at one commit.

use std::path::Path;

use gix::bstr::ByteSlice;
use verdict_evidence::Tag;

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

/// Every tag of the repository with the commit it points at, sorted by name (byte order).
///
/// Annotated tags are peeled through any chain of tag objects to their commit and carry the
/// outermost tag object's tagger (`Name <email>`) and time; lightweight tags carry neither.
/// Tags that end at a tree or a blob (rare, e.g. git's own `v2.6.11-tree`) name no commit and
/// are left out: no commit-based rule can be satisfied by them.
///
/// Fails closed: a tag that cannot be followed (a dangling or corrupt tag) is an error, since
/// it might have been the one a policy looks for.
pub fn tags(repo: &Path) -> Result<Vec<Tag>, GitError> {
    let repository = open(repo)?;
    let tags_error = |cause: gix::Error| GitError::Tags {
        repo: repo.to_owned(),
        cause: describe(&cause),
    };
    let platform = repository.references().map_err(tags_error)?;
    let references = platform.tags().map_err(tags_error)?;
    let mut tags = Vec::new();
    for reference in references {
        let mut reference = reference.map_err(tags_error)?;
        let name = reference.name().shorten().to_string();
        // Symbolic tag references are followed; the object they reach is not peeled yet.
        let target = reference.follow_to_object().map_err(tags_error)?;
        let object = target.object().map_err(tags_error)?;
        let (annotated, tagger, time) = match object.kind {
            gix::object::Kind::Tag => {
                let tag = object.clone().into_tag();
                let signature = tag.tagger().map_err(tags_error)?;
                let tagger = signature
                    .as_ref()
                    .map(|s| format!("{} <{}>", s.name.to_str_lossy(), s.email.to_str_lossy()));
                // `seconds()` would silently turn a malformed date into 0; `time()` fails instead.
                let time = signature
                    .map(|s| s.time().map(|time| time.seconds))
                    .transpose()
                    .map_err(tags_error)?;
                (true, tagger, time)
            }
            _ => (false, None, None),
        };
        let peeled = object.peel_tags_to_end().map_err(tags_error)?;
        if peeled.kind != gix::object::Kind::Commit {
            continue;
        }
        tags.push(Tag {
            name,
            commit: peeled.id.to_string(),
            annotated,
            tagger,
            time,
        });
    }
    tags.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(tags)
}
