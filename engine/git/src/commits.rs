//! The commits between a base and a head revision, decoded into evidence.

use std::path::Path;

use gix::ObjectId;
use gix::bstr::{BStr, ByteSlice};
use gix::revision::walk::Sorting;
use verdict_evidence::{Commit, SignatureCheck, SignatureFormat, SignatureStatus};

use crate::error::describe;
use crate::{DEFAULT_HEAD, GitError, open, order, resolve};

/// The most commits [`commits`] returns; a longer walk is refused, as it almost always means a
/// wrong base (for example one that is not an ancestor of head).
pub const MAX_COMMITS: usize = 100_000;

/// The commit headers that carry a signature: `gpgsig` on SHA-1 objects, `gpgsig-sha256` on
/// SHA-256 objects (a converted repository may carry both).
const SIGNATURE_HEADERS: [&str; 2] = ["gpgsig", "gpgsig-sha256"];

/// Commits reachable from `head` but not from `base` (git's `base..head`), newest first.
///
/// The order is git's `--date-order`: no parent before all its children, otherwise by committer
/// time, ties broken by id, so it is deterministic. `head` defaults to `HEAD`. Revisions are
/// anything `git rev-parse` understands (`origin/main`, `v1.2`, `HEAD~3`, a full or short id);
/// tags are peeled to their commit.
///
/// With no `base`, only the head commit is returned: the whole history is never walked.
///
/// Fails closed: an unknown revision, a walk of more than [`MAX_COMMITS`] commits, and a
/// shallow clone that does not reach from head back to base are all errors (see
/// [`GitError::hint`]). Names, emails and messages that are not UTF-8 are decoded lossily.
pub fn commits(
    repo: &Path,
    base: Option<&str>,
    head: Option<&str>,
) -> Result<Vec<Commit>, GitError> {
    commits_up_to(repo, base, head, MAX_COMMITS)
}

/// [`commits`] with another limit, so that tests need not build 100,000 commits.
fn commits_up_to(
    repo: &Path,
    base: Option<&str>,
    head: Option<&str>,
    limit: usize,
) -> Result<Vec<Commit>, GitError> {
    let repository = open(repo)?;
    let head_revision = head.unwrap_or(DEFAULT_HEAD);
    let head_id = resolve(&repository, repo, head_revision)?;
    let Some(base_revision) = base else {
        return Ok(vec![read_commit(&repository, repo, head_id)?]);
    };
    let base_id = resolve(&repository, repo, base_revision)?;
    let walk_error = |cause: gix::Error| GitError::Walk {
        repo: repo.to_owned(),
        base: base_revision.to_owned(),
        head: head_revision.to_owned(),
        cause: describe(&cause),
    };
    let walk = repository
        .rev_walk([head_id])
        .with_hidden([base_id])
        .sorting(Sorting::BreadthFirst)
        .all()
        .map_err(walk_error)?;
    let mut ids = Vec::new();
    for info in walk {
        ids.push(info.map_err(walk_error)?.id);
        if ids.len() > limit {
            return Err(GitError::TooManyCommits {
                repo: repo.to_owned(),
                base: base_revision.to_owned(),
                head: head_revision.to_owned(),
                limit,
            });
        }
    }
    // The walk treats a commit at the edge of a shallow clone as parentless. Reaching one means
    // base was not met on that path, and the list would silently miss commits.
    let shallow = repository.shallow_commits().map_err(walk_error)?;
    if let Some(boundary) = shallow
        && let Some(id) = ids.iter().find(|id| boundary.binary_search(id).is_ok())
    {
        return Err(GitError::ShallowBoundary {
            repo: repo.to_owned(),
            base: base_revision.to_owned(),
            head: head_revision.to_owned(),
            commit: id.to_string(),
        });
    }
    let commits = ids
        .into_iter()
        .map(|id| read_commit(&repository, repo, id))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(order::date_order(commits))
}

/// Reads and decodes one commit object.
fn read_commit(
    repository: &gix::Repository,
    repo: &Path,
    id: ObjectId,
) -> Result<Commit, GitError> {
    let commit_error = |cause: gix::Error| GitError::Commit {
        repo: repo.to_owned(),
        id: id.to_string(),
        cause: describe(&cause),
    };
    let object = repository.find_commit(id).map_err(commit_error)?;
    let decoded = object.decode().map_err(commit_error)?;
    let author = decoded.author().map_err(commit_error)?;
    let committer = decoded.committer().map_err(commit_error)?;
    // `seconds()` would silently turn a malformed date into 0; `time()` fails instead.
    let time = committer.time().map_err(commit_error)?.seconds;
    let signature = SIGNATURE_HEADERS
        .iter()
        .find_map(|name| decoded.extra_headers().find(name))
        .map(text);
    Ok(Commit {
        id: id.to_string(),
        parents: decoded.parents().map(|parent| parent.to_string()).collect(),
        author_name: text(author.name),
        author_email: text(author.email),
        committer_name: text(committer.name),
        committer_email: text(committer.email),
        time,
        message: text(decoded.message),
        signature_check: unverified(signature.as_deref()),
        signature,
    })
}

/// What is known of a signature before anyone checks it: its format, and
/// that it was not checked (never a pass). Verification replaces this.
fn unverified(signature: Option<&str>) -> SignatureCheck {
    let Some(signature) = signature else {
        return SignatureCheck::default();
    };
    let format = if signature.contains("-----BEGIN SSH SIGNATURE-----") {
        Some(SignatureFormat::Ssh)
    } else if signature.contains("-----BEGIN PGP SIGNATURE-----") {
        Some(SignatureFormat::OpenPgp)
    } else if signature.contains("-----BEGIN SIGNED MESSAGE-----") {
        Some(SignatureFormat::X509)
    } else {
        None
    };
    SignatureCheck {
        status: SignatureStatus::NotChecked,
        format,
        reason: Some("no keys were given to verify it".to_owned()),
        ..SignatureCheck::default()
    }
}

/// Git stores bytes; commits in legacy encodings keep their text, with replacement characters.
fn text(bytes: &BStr) -> String {
    bytes.to_str_lossy().into_owned()
}

#[cfg(test)]
mod tests {
    use std::process::Command;

    use super::*;

    /// Runs git in `dir` with fixed identities and dates and no user configuration.
    fn git(dir: &Path, args: &[&str]) -> String {
        let output = Command::new("git")
            .current_dir(dir)
            .args(args)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_AUTHOR_NAME", "A")
            .env("GIT_AUTHOR_EMAIL", "a@example.com")
            .env("GIT_COMMITTER_NAME", "C")
            .env("GIT_COMMITTER_EMAIL", "c@example.com")
            .env("GIT_AUTHOR_DATE", "@1000 +0000")
            .env("GIT_COMMITTER_DATE", "@1000 +0000")
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout)
            .unwrap()
            .trim_end()
            .to_owned()
    }

    #[test]
    fn refuses_walks_longer_than_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        git(dir.path(), &["init", "--quiet", "--initial-branch=main"]);
        for message in ["root", "one", "two", "three"] {
            git(
                dir.path(),
                &["commit", "--quiet", "--allow-empty", "-m", message],
            );
        }
        let error = commits_up_to(dir.path(), Some("HEAD~3"), None, 2).unwrap_err();
        let expected = format!(
            "`{}`: more than 2 commits between `HEAD~3` and `HEAD`",
            dir.path().display()
        );
        assert_eq!(error.to_string(), expected);
        assert!(error.hint().unwrap().contains("ancestor"));
        let listed = commits_up_to(dir.path(), Some("HEAD~2"), None, 2).unwrap();
        assert_eq!(listed.len(), 2, "exactly the limit is accepted");
    }
}
