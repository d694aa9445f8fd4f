//! The cache key: 32 random bytes in a private file outside the cache
//! directory, created on first use.
//!
//! Whoever can read this file can forge cache entries, so it is created 0600
//! in a 0700 directory, atomically (written to a temporary file, then linked
//! into place only if no other process got there first), and refused when
//! anyone but this user could have written or read it.

use super::private::{self, NotPrivate};
use std::io::Write as _;
use std::path::Path;

/// Length of the key in bytes.
pub(crate) const KEY_LEN: usize = 32;

/// The key in `path`, created if the file does not exist.
pub(crate) fn load_or_create(path: &Path) -> Result<[u8; KEY_LEN], NotPrivate> {
    let dir = path
        .parent()
        .filter(|dir| !dir.as_os_str().is_empty())
        .ok_or_else(|| NotPrivate(format!("`{}` has no parent directory", path.display())))?;
    private::ensure_dir(dir, true)?;
    if let Some(key) = read(path)? {
        return Ok(key);
    }
    let mut key = [0u8; KEY_LEN];
    getrandom::fill(&mut key)
        .map_err(|error| NotPrivate(format!("cannot generate a cache key: {error}")))?;
    let created = (|| {
        // tempfile creates files with mode 0600.
        let mut file = tempfile::NamedTempFile::new_in(dir)?;
        file.write_all(&key)?;
        file.as_file().sync_all()?;
        file.persist_noclobber(path).map_err(|error| error.error)
    })();
    match created {
        Ok(_) => {
            tracing::info!(path = %path.display(), "created the plugin cache key");
            Ok(key)
        }
        // Another verdict process created it first: use theirs.
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
            read(path)?.ok_or_else(|| NotPrivate(format!("`{}` vanished", path.display())))
        }
        Err(error) => Err(NotPrivate(format!(
            "cannot create `{}`: {error}",
            path.display()
        ))),
    }
}

fn read(path: &Path) -> Result<Option<[u8; KEY_LEN]>, NotPrivate> {
    let bytes = private::read_file(path, KEY_LEN as u64, true)
        .map_err(|error| NotPrivate(error.to_string()))?;
    bytes
        .map(|bytes| {
            <[u8; KEY_LEN]>::try_from(bytes.as_slice()).map_err(|_| {
                NotPrivate(format!(
                    "`{}` holds {} bytes, not a {KEY_LEN}-byte key",
                    path.display(),
                    bytes.len()
                ))
            })
        })
        .transpose()
}

#[cfg(test)]
#[cfg(unix)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt as _;

    fn mode(path: &Path) -> u32 {
        fs_err::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn the_key_is_created_once_private_and_then_reused() {
        let temp = tempfile::tempdir().unwrap();
        let path = temp.path().join("state/verdict/cache.key");
        let key = load_or_create(&path).unwrap();
        assert_ne!(key, [0; KEY_LEN]);
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(path.parent().unwrap()), 0o700);
        assert_eq!(load_or_create(&path).unwrap(), key);
        fs_err::remove_file(&path).unwrap();
        assert_ne!(load_or_create(&path).unwrap(), key, "a new key is random");
    }

    #[test]
    fn keys_others_could_read_or_write_are_refused() {
        let temp = tempfile::tempdir().unwrap();
        let path = temp.path().join("verdict/cache.key");
        load_or_create(&path).unwrap();
        fs_err::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let error = load_or_create(&path).unwrap_err().0;
        assert!(error.contains("by other users"), "{error}");

        fs_err::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        let dir = path.parent().unwrap();
        fs_err::set_permissions(dir, std::fs::Permissions::from_mode(0o777)).unwrap();
        let error = load_or_create(&path).unwrap_err().0;
        assert!(error.contains("writable by other users"), "{error}");

        fs_err::set_permissions(dir, std::fs::Permissions::from_mode(0o700)).unwrap();
        fs_err::write(&path, b"short").unwrap();
        let error = load_or_create(&path).unwrap_err().0;
        assert!(error.contains("not a 32-byte key"), "{error}");
    }
}
