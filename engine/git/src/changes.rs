//! What a change touches: the files and head-side lines between a base and a head revision,
//! as a pull request shows them.

use std::path::Path;

use gix::ObjectId;
use gix::bstr::{BStr, ByteSlice};
use gix::diff::blob::{Algorithm, Diff, InternedInput};
use gix::object::tree::EntryMode;
use gix::object::tree::diff::ChangeDetached;
use verdict_evidence::{ChangeStatus, ChangedFile, LineRange, OwnerRule};

use crate::error::describe;
use crate::{DEFAULT_HEAD, GitError, codeowners, open, resolve};

/// How many leading bytes git inspects for a NUL to call a blob binary (`FIRST_FEW_BYTES`
/// in git's `xdiff-interface.c`).
const BINARY_PROBE_BYTES: usize = 8000;

/// The files `head` changes over its merge base with `base`, and the CODEOWNERS rules of
/// `head`'s tree.
///
/// This is what `git diff $(git merge-base BASE HEAD) HEAD` (or `git diff BASE...HEAD`) shows
/// and what a pull request of `head` into `base` lists: commits that reached `base` after the
/// branch point (a merge on the target branch) are not part of the change. Files are sorted
/// by path; each carries the lines added or changed on the head side (`git diff
/// --unified=0`'s `+` ranges). Renames are followed at git's default 50% similarity (copies are
/// not looked for), so a moved file lists only the lines that changed in the move. Deleted
/// files, binary files (a NUL byte in their first 8000 bytes, git's rule; `.gitattributes`
/// are not read) and submodules are listed without lines; mode-only changes are listed as
/// modified, without lines.
///
/// The line diff is Myers with git's slider heuristics (git's defaults), so ranges match
/// `git diff` except in rare ambiguous hunks, where either answer marks the same number of
/// lines.
///
/// CODEOWNERS is read from the first of `.github/CODEOWNERS`, `CODEOWNERS`,
/// `docs/CODEOWNERS`, `.gitlab/CODEOWNERS` in `head`'s tree (see [`codeowners::parse`]).
///
/// Fails closed: revisions that resolve to no commit, histories without a common ancestor
/// (or a shallow clone that does not reach it), and unreadable objects are errors.
pub fn changes(
    repo: &Path,
    base: &str,
    head: Option<&str>,
) -> Result<(Vec<ChangedFile>, Vec<OwnerRule>), GitError> {
    let repository = open(repo)?;
    let head_revision = head.unwrap_or(DEFAULT_HEAD);
    let head_id = resolve(&repository, repo, head_revision)?;
    let base_id = resolve(&repository, repo, base)?;
    let changes_error = |cause: gix::Error| GitError::Changes {
        repo: repo.to_owned(),
        base: base.to_owned(),
        head: head_revision.to_owned(),
        cause: describe(&cause),
    };
    let shallow = repository.is_shallow().unwrap_or(false);
    let merge_base = repository
        .merge_base(base_id, head_id)
        .map_err(changes_error)?
        .ok_or_else(|| GitError::NoMergeBase {
            repo: repo.to_owned(),
            base: base.to_owned(),
            head: head_revision.to_owned(),
            shallow,
        })?
        .detach();
    let tree_of = |id: ObjectId| {
        repository
            .find_commit(id)
            .and_then(|commit| commit.tree())
            .map_err(changes_error)
    };
    let old_tree = tree_of(merge_base)?;
    let new_tree = tree_of(head_id)?;
    let options = gix::diff::Options::default().with_rewrites(Some(gix::diff::Rewrites::default()));
    let detached = repository
        .diff_tree_to_tree(&old_tree, &new_tree, options)
        .map_err(changes_error)?;
    let read = |id: ObjectId| {
        repository
            .find_object(id)
            .map(|object| object.detach().data)
            .map_err(changes_error)
    };
    let mut files = Vec::new();
    for change in detached {
        let (path, old_path, status, old, new) = match change {
            ChangeDetached::Addition {
                location,
                entry_mode,
                id,
                ..
            } => (
                location,
                None,
                ChangeStatus::Added,
                None,
                Some((entry_mode, id)),
            ),
            ChangeDetached::Deletion {
                location,
                entry_mode,
                ..
            } => {
                if entry_mode.is_tree() {
                    continue;
                }
                (location, None, ChangeStatus::Deleted, None, None)
            }
            ChangeDetached::Modification {
                location,
                previous_entry_mode,
                previous_id,
                entry_mode,
                id,
            } => (
                location,
                None,
                ChangeStatus::Modified,
                Some((previous_entry_mode, previous_id)),
                Some((entry_mode, id)),
            ),
            ChangeDetached::Rewrite {
                source_location,
                source_entry_mode,
                source_id,
                entry_mode,
                id,
                location,
                copy,
                ..
            } => (
                location,
                Some(text(source_location.as_ref())),
                if copy {
                    ChangeStatus::Copied
                } else {
                    ChangeStatus::Renamed
                },
                Some((source_entry_mode, source_id)),
                Some((entry_mode, id)),
            ),
        };
        // Directories are not files; their files are listed one by one.
        if new.is_some_and(|(mode, _)| mode.is_tree()) {
            continue;
        }
        let mut added_lines = Vec::new();
        if let Some((new_mode, new_id)) = new
            && is_text_entry(new_mode)
            && old.is_none_or(|(old_mode, _)| is_text_entry(old_mode))
        {
            let new_data = read(new_id)?;
            let old_data = match old {
                Some((_, old_id)) => read(old_id)?,
                None => Vec::new(),
            };
            if !is_binary(&old_data) && !is_binary(&new_data) {
                added_lines = added_ranges(&old_data, &new_data);
            }
        }
        files.push(ChangedFile {
            path: text(path.as_ref()),
            old_path,
            status,
            added_lines,
        });
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let owners = codeowners::read(&repository, &new_tree).map_err(changes_error)?;
    Ok((files, owners))
}

/// Blobs and symlinks (whose content is their target) have lines; submodules do not.
fn is_text_entry(mode: EntryMode) -> bool {
    mode.is_blob_or_symlink()
}

/// Git's rule: a NUL byte among the first 8000 bytes makes a blob binary.
fn is_binary(data: &[u8]) -> bool {
    data[..data.len().min(BINARY_PROBE_BYTES)].contains(&0)
}

/// The head-side line ranges (1-based, inclusive) that `new` adds or changes over `old`.
///
/// Lines are compared with their terminators, as git does, so adding the missing newline at
/// the end of a file marks its last line as changed.
pub(crate) fn added_ranges(old: &[u8], new: &[u8]) -> Vec<LineRange> {
    let input = InternedInput::new(old, new);
    let mut diff = Diff::compute(Algorithm::Myers, &input);
    diff.postprocess_lines(&input);
    let mut ranges: Vec<LineRange> = Vec::new();
    for hunk in diff.hunks() {
        if hunk.after.is_empty() {
            continue;
        }
        let (start, end) = (hunk.after.start + 1, hunk.after.end);
        match ranges.last_mut() {
            // Touching hunks are one range, so that ranges never abut.
            Some(last) if last.end + 1 >= start => last.end = last.end.max(end),
            _ => ranges.push(LineRange { start, end }),
        }
    }
    ranges
}

/// Paths are bytes in git; non-UTF-8 ones keep their text with replacement characters.
fn text(bytes: &BStr) -> String {
    bytes.to_str_lossy().into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ranges(old: &str, new: &str) -> Vec<(u32, u32)> {
        added_ranges(old.as_bytes(), new.as_bytes())
            .into_iter()
            .map(|range| (range.start, range.end))
            .collect()
    }

    #[test]
    fn added_and_changed_lines_are_head_side_ranges() {
        assert_eq!(ranges("a\nb\nc\n", "a\nB\nc\nd\n"), [(2, 2), (4, 4)]);
        assert_eq!(ranges("", "x\ny\n"), [(1, 2)]);
        assert_eq!(ranges("a\nb\n", "a\n"), Vec::<(u32, u32)>::new());
        // The missing final newline, added: the last line changed.
        assert_eq!(ranges("a\nb", "a\nb\n"), [(2, 2)]);
    }

    #[test]
    fn binary_is_a_nul_in_the_first_8000_bytes() {
        assert!(is_binary(b"PNG\0data"));
        let mut late = vec![b'a'; BINARY_PROBE_BYTES];
        late.push(0);
        assert!(!is_binary(&late));
        assert!(!is_binary(b"plain text\n"));
    }
}
