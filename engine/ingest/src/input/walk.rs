//! Walking an input directory: every entry becomes a job or a recorded
//! skip, and symlinks are resolved on their own so none leads outside the
//! directory or into a loop.

use super::{Content, Entry, Input, Job};
use crate::error::IngestError;
use std::path::PathBuf;
use verdict_evidence::SkippedFile;

/// What a directory entry or an opened file is.
pub(super) enum FileKind {
    Regular,
    Directory,
    Pipe,
    Symlink(&'static str),
    Special(&'static str),
}

pub(super) fn kind_of(file_type: std::fs::FileType) -> FileKind {
    #[cfg(unix)]
    use std::os::unix::fs::FileTypeExt as _;
    if file_type.is_file() {
        return FileKind::Regular;
    }
    if file_type.is_dir() {
        return FileKind::Directory;
    }
    if file_type.is_symlink() {
        return FileKind::Symlink("symbolic link");
    }
    #[cfg(unix)]
    {
        if file_type.is_fifo() {
            return FileKind::Pipe;
        }
        if file_type.is_char_device() {
            return FileKind::Special("character device");
        }
        if file_type.is_block_device() {
            return FileKind::Special("block device");
        }
        if file_type.is_socket() {
            return FileKind::Special("socket");
        }
    }
    FileKind::Special("special file")
}

/// Every file under a directory, in file-name order, as a job or a skip.
pub(super) fn walk(input: &Input) -> Result<Vec<Entry>, IngestError> {
    let root = &input.path;
    let canonical_root = fs_err::canonicalize(root)?;
    // Symlinks are not followed by the walk: a link is resolved on its own
    // below, so a loop cannot hang it and nothing outside is read.
    let mut found = Vec::new();
    for entry in walkdir::WalkDir::new(root)
        .follow_links(false)
        .sort_by_file_name()
        .min_depth(1)
    {
        let entry = entry.map_err(|error| {
            let path = error.path().unwrap_or(root).display().to_string();
            std::io::Error::other(format!("failed to walk `{path}`: {error}"))
        })?;
        found.push(entry);
    }
    // Where each regular file really is, so that a link to one of them is
    // not read twice.
    let regular: std::collections::HashSet<PathBuf> = found
        .iter()
        .filter(|entry| entry.file_type().is_file())
        .filter_map(|entry| entry.path().strip_prefix(root).ok())
        .map(|relative| canonical_root.join(relative))
        .collect();
    let mut entries = Vec::new();
    for entry in found {
        let skip = |reason: String| {
            Entry::Skipped(SkippedFile {
                path: entry.path().display().to_string(),
                reason,
            })
        };
        let job = |content| {
            Entry::Job(Job {
                path: entry.path().to_path_buf(),
                format: input.format,
                walked: true,
                content,
            })
        };
        match kind_of(entry.file_type()) {
            FileKind::Directory => {}
            FileKind::Regular => entries.push(job(Content::File {
                inode: inode_of(&entry),
            })),
            FileKind::Pipe => entries.push(skip(
                "named pipe: only read when named explicitly (reading it could block)".to_owned(),
            )),
            FileKind::Special(kind) => {
                return Err(IngestError::NotAFile {
                    path: entry.into_path(),
                    kind,
                });
            }
            FileKind::Symlink(_) => {
                let target = match fs_err::canonicalize(entry.path()) {
                    Ok(target) => target,
                    Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                        entries.push(skip("symlink target does not exist".to_owned()));
                        continue;
                    }
                    Err(_) => {
                        entries.push(skip(
                            "symlink cannot be resolved (a loop, or a target that cannot be read)"
                                .to_owned(),
                        ));
                        continue;
                    }
                };
                if !target.starts_with(&canonical_root) {
                    entries.push(skip(
                        "symlink points outside the input directory".to_owned(),
                    ));
                } else if regular.contains(&target) {
                    let relative = target.strip_prefix(&canonical_root).unwrap_or(&target);
                    entries.push(skip(format!(
                        "symlink to `{}`, which is read under its own path",
                        root.join(relative).display()
                    )));
                } else {
                    let metadata = fs_err::metadata(&target)?;
                    match kind_of(metadata.file_type()) {
                        FileKind::Directory => entries.push(skip(
                            "symlink to a directory inside the input directory, whose files are read under their own paths"
                                .to_owned(),
                        )),
                        FileKind::Pipe => entries.push(skip(
                            "symlink to a named pipe: only read when named explicitly (reading it could block)"
                                .to_owned(),
                        )),
                        FileKind::Special(kind) | FileKind::Symlink(kind) => {
                            return Err(IngestError::NotAFile {
                                path: entry.into_path(),
                                kind,
                            });
                        }
                        FileKind::Regular => entries.push(job(Content::Linked {
                            inode: inode_of_metadata(&metadata),
                            target,
                        })),
                    }
                }
            }
        }
    }
    Ok(entries)
}

#[cfg(unix)]
fn inode_of(entry: &walkdir::DirEntry) -> Option<u64> {
    use walkdir::DirEntryExt as _;
    Some(entry.ino())
}

#[cfg(not(unix))]
fn inode_of(_: &walkdir::DirEntry) -> Option<u64> {
    None
}

#[cfg(unix)]
pub(super) fn inode_of_metadata(metadata: &std::fs::Metadata) -> Option<u64> {
    use std::os::unix::fs::MetadataExt as _;
    Some(metadata.ino())
}

#[cfg(not(unix))]
pub(super) fn inode_of_metadata(_: &std::fs::Metadata) -> Option<u64> {
    None
}
