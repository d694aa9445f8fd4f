//! The on-disk cache of compiled plugins, so a plugin is compiled once per
//! machine rather than once per run.
//!
//! Artifacts live at `<dir>/<engine>/<plugin sha256>.cwasm`, where `<engine>`
//! is a digest of wasmtime's compatibility hash (version and every setting
//! that affects code). Each file ends with the sha256 of what precedes it,
//! checked before loading, and is written to a temporary file then renamed,
//! so a reader never sees a partial or damaged artifact. A file that fails
//! either check is recompiled and replaced.

use sha2::{Digest, Sha256};
use std::hash::{Hash, Hasher};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use wasmtime::Engine;
use wasmtime::component::Component;

/// Length of the trailing digest.
const DIGEST_LEN: usize = 32;

/// Where compiled artifacts for one engine configuration go; `None` when
/// caching is off.
pub(crate) struct Cache {
    dir: Option<PathBuf>,
}

impl Cache {
    /// A cache under `root` for `engine`'s configuration, or none.
    pub(crate) fn new(root: Option<PathBuf>, engine: &Engine) -> Cache {
        Cache {
            dir: root.map(|root| root.join(engine_key(engine))),
        }
    }

    /// The component for `wasm` and whether it came from the cache.
    pub(crate) fn load_or_compile(
        &self,
        engine: &Engine,
        wasm: &[u8],
        sha256: &str,
    ) -> wasmtime::Result<(Component, bool)> {
        let Some(dir) = &self.dir else {
            return Ok((Component::new(engine, wasm)?, false));
        };
        let path = dir.join(format!("{sha256}.cwasm"));
        match read_verified(&path) {
            Ok(Some(artifact)) => match deserialize(engine, &artifact) {
                Ok(component) => {
                    tracing::debug!(path = %path.display(), "loaded compiled plugin from cache");
                    return Ok((component, true));
                }
                Err(error) => {
                    tracing::warn!(path = %path.display(), "ignoring cached plugin: {error}")
                }
            },
            Ok(None) => {}
            Err(error) => tracing::warn!("ignoring cached plugin: {error}"),
        }
        let component = Component::new(engine, wasm)?;
        tracing::debug!(sha256, "compiled plugin");
        match component.serialize() {
            Ok(artifact) => {
                if let Err(error) = write_atomically(dir, &path, &artifact) {
                    tracing::warn!("could not cache compiled plugin: {error}");
                }
            }
            Err(error) => tracing::warn!("could not serialize compiled plugin: {error}"),
        }
        Ok((component, false))
    }
}

/// Loads an artifact this module wrote.
#[expect(
    unsafe_code,
    reason = "wasmtime can only load precompiled code through an unsafe call"
)]
fn deserialize(engine: &Engine, artifact: &[u8]) -> wasmtime::Result<Component> {
    // SAFETY: `Component::deserialize` trusts its input to be code produced by
    // wasmtime itself. These bytes come only from a file that this module
    // wrote with `Component::serialize`: it is named by the plugin's sha256
    // under a directory named by the engine's compatibility hash, was written
    // through a temporary file renamed into place, and ends with a sha256 of
    // its content that `read_verified` checked. wasmtime itself rejects
    // artifacts of another version or configuration. The cache directory has
    // the same trust as the verdict binary: whoever can write there can
    // replace the binary too.
    unsafe { Component::deserialize(engine, artifact) }
}

/// The artifact in `path` without its trailing digest, if the file exists and
/// the digest matches.
fn read_verified(path: &Path) -> std::io::Result<Option<Vec<u8>>> {
    let mut bytes = match fs_err::read(path) {
        Ok(bytes) => bytes,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(error) => return Err(error),
    };
    let Some(split) = bytes.len().checked_sub(DIGEST_LEN) else {
        tracing::warn!(path = %path.display(), "ignoring truncated cached plugin");
        return Ok(None);
    };
    if Sha256::digest(&bytes[..split]).as_slice() != &bytes[split..] {
        tracing::warn!(path = %path.display(), "ignoring damaged cached plugin");
        return Ok(None);
    }
    bytes.truncate(split);
    Ok(Some(bytes))
}

fn write_atomically(dir: &Path, path: &Path, artifact: &[u8]) -> std::io::Result<()> {
    fs_err::create_dir_all(dir)?;
    let mut file = tempfile::NamedTempFile::new_in(dir)?;
    file.write_all(artifact)?;
    file.write_all(&Sha256::digest(artifact))?;
    file.as_file().sync_all()?;
    file.persist(path).map_err(|error| error.error)?;
    Ok(())
}

/// A short hex digest of everything that makes compiled code compatible with
/// `engine`.
fn engine_key(engine: &Engine) -> String {
    let mut hasher = DigestHasher(Sha256::new());
    engine.precompile_compatibility_hash().hash(&mut hasher);
    let digest = hasher.0.finalize();
    hex::encode(&digest[..8])
}

/// A `Hasher` that feeds a sha256, so the key is stable across processes.
struct DigestHasher(Sha256);

impl Hasher for DigestHasher {
    fn finish(&self) -> u64 {
        // Only `write` is used; the digest is read from the inner state.
        0
    }

    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn artifacts_round_trip_and_damage_is_detected() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.cwasm");
        assert_eq!(read_verified(&path).unwrap(), None);
        write_atomically(dir.path(), &path, b"artifact").unwrap();
        assert_eq!(
            read_verified(&path).unwrap().as_deref(),
            Some(&b"artifact"[..])
        );
        let mut bytes = fs_err::read(&path).unwrap();
        bytes[0] ^= 1;
        fs_err::write(&path, &bytes).unwrap();
        assert_eq!(read_verified(&path).unwrap(), None);
        fs_err::write(&path, b"short").unwrap();
        assert_eq!(read_verified(&path).unwrap(), None);
    }

    #[test]
    fn engine_key_is_stable() {
        let engine = Engine::default();
        assert_eq!(engine_key(&engine), engine_key(&engine));
        assert_eq!(engine_key(&engine).len(), 16);
    }
}
