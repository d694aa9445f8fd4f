//! Directories and files only this user can change: how the cache and its
//! key are created, and the checks that refuse them when someone else could
//! have written them.
//!
//! On Unix a directory is private when this process's effective user owns it
//! and neither group nor others may write it; the key file must also be
//! unreadable by group and others. Files are opened without following
//! symlinks and without blocking (a FIFO planted in the cache cannot hang a
//! run), then checked through the open descriptor, so what is checked is what
//! is read. Elsewhere the checks are skipped: the cache's integrity rests on
//! the key alone.

use std::fs::File;
use std::io::Read as _;
use std::path::Path;

/// Why a directory or file is not used. The message names the path.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub(crate) struct NotPrivate(pub(crate) String);

/// Creates `dir` (and missing parents) with mode 0700 if absent, then checks
/// that it is private. `follow` says whether `dir` itself may be a symlink
/// (a user's choice of cache root may be; directories verdict creates inside
/// it may not).
pub(crate) fn ensure_dir(dir: &Path, follow: bool) -> Result<(), NotPrivate> {
    create_dir_all_private(dir)
        .map_err(|error| NotPrivate(format!("cannot create `{}`: {error}", dir.display())))?;
    let metadata = if follow {
        fs_err::metadata(dir)
    } else {
        fs_err::symlink_metadata(dir)
    }
    .map_err(|error| NotPrivate(error.to_string()))?;
    if !metadata.is_dir() {
        return Err(NotPrivate(format!(
            "`{}` is not a directory",
            dir.display()
        )));
    }
    check_owner_and_mode(dir, &metadata, 0o022)
}

/// Reads a whole regular file of at most `max_bytes`, refusing symlinks,
/// devices and FIFOs; `Ok(None)` when it does not exist. With `private`, the
/// file must also pass the key file's checks (owner, no group/other access).
pub(crate) fn read_file(
    path: &Path,
    max_bytes: u64,
    private: bool,
) -> std::io::Result<Option<Vec<u8>>> {
    let file = match open_no_follow(path) {
        Ok(file) => file,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(error) => return Err(error),
    };
    let metadata = file.metadata()?;
    let refuse = |reason: String| std::io::Error::other(reason);
    if !metadata.is_file() {
        return Err(refuse(format!(
            "`{}` is not a regular file",
            path.display()
        )));
    }
    if private {
        check_owner_and_mode(path, &metadata, 0o077).map_err(|error| refuse(error.0))?;
    }
    if metadata.len() > max_bytes {
        return Err(refuse(format!(
            "`{}` is larger than {max_bytes} bytes",
            path.display()
        )));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(metadata.len()).unwrap_or(0));
    // `take` bounds the read even if the file grows after the check.
    file.take(max_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|error| {
            std::io::Error::new(error.kind(), format!("`{}`: {error}", path.display()))
        })?;
    if bytes.len() as u64 > max_bytes {
        return Err(refuse(format!(
            "`{}` is larger than {max_bytes} bytes",
            path.display()
        )));
    }
    Ok(Some(bytes))
}

#[cfg(unix)]
fn create_dir_all_private(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt as _;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

#[cfg(not(unix))]
fn create_dir_all_private(dir: &Path) -> std::io::Result<()> {
    fs_err::create_dir_all(dir)
}

#[cfg(unix)]
fn open_no_follow(path: &Path) -> std::io::Result<File> {
    use rustix::fs::{Mode, OFlags};
    let flags = OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::CLOEXEC;
    match rustix::fs::open(path, flags, Mode::empty()) {
        Ok(fd) => Ok(File::from(fd)),
        Err(rustix::io::Errno::LOOP) => Err(std::io::Error::other(format!(
            "`{}` is a symlink",
            path.display()
        ))),
        Err(errno) => {
            let error = std::io::Error::from(errno);
            Err(std::io::Error::new(
                error.kind(),
                format!("`{}`: {error}", path.display()),
            ))
        }
    }
}

#[cfg(not(unix))]
fn open_no_follow(path: &Path) -> std::io::Result<File> {
    if fs_err::symlink_metadata(path)?.file_type().is_symlink() {
        return Err(std::io::Error::other(format!(
            "`{}` is a symlink",
            path.display()
        )));
    }
    Ok(fs_err::File::open(path)?.into_parts().0)
}

/// Refuses `path` unless this user owns it and no bit of `forbidden` is set.
#[cfg(unix)]
fn check_owner_and_mode(
    path: &Path,
    metadata: &std::fs::Metadata,
    forbidden: u32,
) -> Result<(), NotPrivate> {
    use std::os::unix::fs::MetadataExt as _;
    let me = rustix::process::geteuid().as_raw();
    if metadata.uid() != me {
        return Err(NotPrivate(format!(
            "`{}` is owned by uid {}, not by this user (uid {me})",
            path.display(),
            metadata.uid()
        )));
    }
    let mode = metadata.mode() & 0o777;
    if mode & forbidden != 0 {
        let what = if forbidden & 0o044 != 0 {
            "readable or writable"
        } else {
            "writable"
        };
        return Err(NotPrivate(format!(
            "`{}` is {what} by other users (mode {mode:03o})",
            path.display()
        )));
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_owner_and_mode(
    _path: &Path,
    _metadata: &std::fs::Metadata,
    _forbidden: u32,
) -> Result<(), NotPrivate> {
    Ok(())
}

#[cfg(test)]
#[cfg(unix)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt as _;

    #[test]
    fn directories_are_created_private_and_refused_when_others_can_write() {
        let temp = tempfile::tempdir().unwrap();
        let dir = temp.path().join("a/b");
        ensure_dir(&dir, false).unwrap();
        let mode = |path: &Path| fs_err::metadata(path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&temp.path().join("a")), 0o700);
        fs_err::set_permissions(&dir, std::fs::Permissions::from_mode(0o777)).unwrap();
        let error = ensure_dir(&dir, false).unwrap_err().0;
        assert!(error.contains("writable by other users"), "{error}");
        fs_err::set_permissions(&dir, std::fs::Permissions::from_mode(0o720)).unwrap();
        assert!(ensure_dir(&dir, false).is_err());
        // Readable by others is fine for a directory of authenticated entries.
        fs_err::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        ensure_dir(&dir, false).unwrap();
    }

    #[test]
    fn symlinks_fifos_and_oversized_files_are_not_read() {
        let temp = tempfile::tempdir().unwrap();
        let file = temp.path().join("file");
        fs_err::write(&file, b"0123456789").unwrap();
        assert_eq!(read_file(&file, 10, false).unwrap().unwrap(), b"0123456789");
        assert!(read_file(&file, 9, false).is_err());
        assert!(
            read_file(&temp.path().join("absent"), 10, false)
                .unwrap()
                .is_none()
        );

        let link = temp.path().join("link");
        std::os::unix::fs::symlink(&file, &link).unwrap();
        let error = read_file(&link, 10, false).unwrap_err().to_string();
        assert!(error.contains("symlink"), "{error}");

        let fifo = temp.path().join("fifo");
        rustix::fs::mkfifoat(
            rustix::fs::CWD,
            &fifo,
            rustix::fs::Mode::RUSR | rustix::fs::Mode::WUSR,
        )
        .unwrap();
        let error = read_file(&fifo, 10, false).unwrap_err().to_string();
        assert!(error.contains("not a regular file"), "{error}");
    }

    #[test]
    fn private_files_must_not_be_readable_by_others() {
        let temp = tempfile::tempdir().unwrap();
        let file = temp.path().join("key");
        fs_err::write(&file, b"k").unwrap();
        fs_err::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert!(read_file(&file, 10, true).unwrap().is_some());
        fs_err::set_permissions(&file, std::fs::Permissions::from_mode(0o640)).unwrap();
        let error = read_file(&file, 10, true).unwrap_err().to_string();
        assert!(
            error.contains("readable or writable by other users"),
            "{error}"
        );
    }
}
