//! The on-disk cache of compiled plugins, so a plugin is compiled once per
//! machine rather than once per run.
//!
//! Compiled code is native code: loading it is as trusting as running a
//! binary. The cache directory is not trusted that much (a CI cache restored
//! from another branch, a self-hosted runner's home that outlives its jobs),
//! so an entry is used only if it carries a valid HMAC-SHA256 under a key
//! that is not in the cache directory (`key.rs`). Whoever can write the cache
//! but not read the key can therefore neither swap one plugin's code for
//! another's nor patch it: every such entry is ignored with a warning,
//! recompiled and overwritten.
//!
//! Layout: `<root>/<engine>/<key id>/<plugin sha256>.cwasm`, where `<engine>`
//! names wasmtime's compatibility hash (version and every setting that
//! affects code) and `<key id>` names the key, so that a new key starts an
//! empty directory rather than a warning per stale entry. Each file is the
//! artifact followed by its 32-byte tag over a domain label, the format
//! version, the full engine hash, the plugin's sha256 and the artifact. The
//! root and everything verdict creates in it are private (0700, this user's);
//! a root that others can write is not used at all. Files are written to a
//! temporary file and renamed into place, and read whole into memory, so the
//! bytes deserialized are the bytes verified.

mod key;
mod private;

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::hash::{Hash, Hasher};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};
use wasmtime::Engine;
use wasmtime::component::Component;

/// Length of the trailing tag.
const TAG_LEN: usize = 32;

/// Separates this MAC from any other use of the key; the number is the entry
/// format, bumped whenever what the tag covers changes.
const DOMAIN: &[u8] = b"verdict plugin cache entry v2\0";

/// Separates the key id from entry tags.
const KEY_ID_DOMAIN: &[u8] = b"verdict plugin cache key id v2\0";

/// Largest entry read. Compiled built-ins are a few MiB; an attacker's 10 GB
/// file must not be read into memory.
const MAX_ENTRY_BYTES: u64 = 256 << 20;

type HmacSha256 = Hmac<Sha256>;

/// The compiled-plugin cache of one engine configuration; without a usable
/// directory or key every plugin is compiled in memory.
pub(crate) struct Cache {
    store: Option<Store>,
    /// Entries already warned about in this process.
    warned: Mutex<HashSet<PathBuf>>,
}

/// A usable cache: its directory for this engine and key, and the key.
struct Store {
    dir: PathBuf,
    key: [u8; key::KEY_LEN],
    engine: [u8; 32],
}

impl Cache {
    /// A cache under `root` with the key in `key_file`, for `engine`'s
    /// configuration; `None` for either means no cache. A root or key that
    /// someone else could have written is refused with a warning.
    pub(crate) fn new(root: Option<PathBuf>, key_file: Option<PathBuf>, engine: &Engine) -> Cache {
        let store = root.and_then(|root| match Store::prepare(&root, key_file, engine) {
            Ok(store) => Some(store),
            Err(reason) => {
                tracing::warn!("not using the plugin cache: {reason}; compiling plugins in memory");
                None
            }
        });
        Cache {
            store,
            warned: Mutex::new(HashSet::new()),
        }
    }

    /// Whether compiled plugins are read from and written to disk.
    pub(crate) fn is_enabled(&self) -> bool {
        self.store.is_some()
    }

    /// The component for `wasm` (whose sha256 is `sha256`) and whether it
    /// came from the cache.
    pub(crate) fn load_or_compile(
        &self,
        engine: &Engine,
        wasm: &[u8],
        sha256: &str,
    ) -> wasmtime::Result<(Component, bool)> {
        let Some(store) = &self.store else {
            return Ok((Component::new(engine, wasm)?, false));
        };
        let path = store.dir.join(format!("{sha256}.cwasm"));
        match private::read_file(&path, MAX_ENTRY_BYTES, false) {
            Ok(Some(entry)) => match store.unseal(sha256, entry) {
                Some(artifact) => match deserialize(engine, &artifact) {
                    Ok(component) => {
                        tracing::debug!(path = %path.display(), "loaded compiled plugin from cache");
                        return Ok((component, true));
                    }
                    Err(error) => self.warn(&path, &format!("wasmtime refused it: {error}")),
                },
                None => self.warn(
                    &path,
                    "its authentication tag does not match (modified, or written for another plugin, engine or key)",
                ),
            },
            Ok(None) => {}
            Err(error) => self.warn(&path, &error.to_string()),
        }
        let component = Component::new(engine, wasm)?;
        tracing::debug!(sha256, "compiled plugin");
        match component.serialize() {
            Ok(artifact) => {
                let entry = store.seal(sha256, artifact);
                if let Err(error) = write_atomically(&store.dir, &path, &entry) {
                    tracing::warn!("could not cache compiled plugin: {error}");
                }
            }
            Err(error) => tracing::warn!("could not serialize compiled plugin: {error}"),
        }
        Ok((component, false))
    }

    /// Warns about a rejected entry, once per path and process.
    fn warn(&self, path: &Path, reason: &str) {
        let first = self
            .warned
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(path.to_owned());
        if first {
            tracing::warn!(
                "ignoring cached plugin `{}`: {reason}; compiling it again",
                path.display()
            );
        }
    }
}

impl Store {
    fn prepare(root: &Path, key_file: Option<PathBuf>, engine: &Engine) -> Result<Store, String> {
        let key_file = key_file.ok_or("no place for its key (no home directory)")?;
        if inside(&key_file, root) {
            return Err(format!(
                "its key file `{}` is inside the cache directory `{}`",
                key_file.display(),
                root.display()
            ));
        }
        let key = key::load_or_create(&key_file).map_err(|error| error.0)?;
        let engine = engine_hash(engine);
        private::ensure_dir(root, true).map_err(|error| error.0)?;
        let engine_dir = root.join(hex::encode(&engine[..8]));
        private::ensure_dir(&engine_dir, false).map_err(|error| error.0)?;
        let dir = engine_dir.join(key_id(&key));
        private::ensure_dir(&dir, false).map_err(|error| error.0)?;
        Ok(Store { dir, key, engine })
    }

    /// The MAC state for an entry of plugin `sha256`, before the artifact.
    fn mac(&self, sha256: &str, artifact_len: usize) -> HmacSha256 {
        let mut mac = HmacSha256::new_from_slice(&self.key).expect("HMAC takes keys of any length");
        mac.update(DOMAIN);
        mac.update(&self.engine);
        // The plugin's digest as 64 lowercase hex bytes: fixed length, so the
        // fields cannot be shifted into one another.
        mac.update(&fixed_sha256(sha256));
        mac.update(&(artifact_len as u64).to_le_bytes());
        mac
    }

    /// The entry for `artifact`: the artifact and its tag.
    fn seal(&self, sha256: &str, mut artifact: Vec<u8>) -> Vec<u8> {
        let mut mac = self.mac(sha256, artifact.len());
        mac.update(&artifact);
        artifact.extend_from_slice(&mac.finalize().into_bytes());
        artifact
    }

    /// The artifact in `entry`, if its tag is valid for plugin `sha256`
    /// under this key and engine (compared in constant time).
    fn unseal(&self, sha256: &str, mut entry: Vec<u8>) -> Option<Vec<u8>> {
        let split = entry.len().checked_sub(TAG_LEN)?;
        let mut mac = self.mac(sha256, split);
        mac.update(&entry[..split]);
        mac.verify_slice(&entry[split..]).ok()?;
        entry.truncate(split);
        Some(entry)
    }
}

/// Loads an artifact whose tag [`Store::unseal`] has just verified.
#[expect(
    unsafe_code,
    reason = "wasmtime can only load precompiled code through an unsafe call"
)]
fn deserialize(engine: &Engine, artifact: &[u8]) -> wasmtime::Result<Component> {
    // SAFETY: `Component::deserialize` runs whatever native code its input
    // holds, so the input must be an artifact `Component::serialize` wrote.
    // These bytes are: they were read once into memory (deserialized from
    // that buffer, never re-read from disk) from a regular file, not a
    // symlink, and carry an HMAC-SHA256 tag, checked in constant time, under
    // the 32-byte key from the private key file. The tag covers this
    // format's domain label and version, this engine's full compatibility
    // hash, the sha256 of the plugin being loaded and the artifact's length
    // and bytes. Only this module holds the key, and it tags only what
    // `Component::serialize` returned for exactly that plugin on an engine
    // with that hash. So the bytes are wasmtime's own output for this
    // plugin, unless someone read the key (who could equally replace the
    // verdict binary: see `key.rs` for how the key file is protected).
    // wasmtime also rejects artifacts of another version or configuration.
    unsafe { Component::deserialize(engine, artifact) }
}

fn write_atomically(dir: &Path, path: &Path, entry: &[u8]) -> std::io::Result<()> {
    // tempfile creates files with mode 0600.
    let mut file = tempfile::NamedTempFile::new_in(dir)?;
    file.write_all(entry)?;
    file.as_file().sync_all()?;
    file.persist(path).map_err(|error| error.error)?;
    Ok(())
}

/// `sha256` as exactly 64 bytes; only lowercase hex digests reach here, but
/// anything else is still bound to a fixed-length value.
fn fixed_sha256(sha256: &str) -> [u8; 64] {
    let mut fixed = [0u8; 64];
    if sha256.len() == 64 {
        fixed.copy_from_slice(sha256.as_bytes());
    } else {
        let digest = hex::encode(Sha256::digest(sha256.as_bytes()));
        fixed.copy_from_slice(digest.as_bytes());
    }
    fixed
}

/// A short name for `key`, derived from it without revealing it.
fn key_id(key: &[u8; key::KEY_LEN]) -> String {
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(KEY_ID_DOMAIN);
    hex::encode(&mac.finalize().into_bytes()[..8])
}

/// Whether `path` lies under `dir`, comparing absolute paths (resolving
/// symlinks where the paths exist).
fn inside(path: &Path, dir: &Path) -> bool {
    let absolute = |path: &Path| {
        path.parent()
            .and_then(|parent| fs_err::canonicalize(parent).ok())
            .zip(path.file_name())
            .map(|(parent, name)| parent.join(name))
            .or_else(|| std::path::absolute(path).ok())
            .unwrap_or_else(|| path.to_owned())
    };
    let dir = fs_err::canonicalize(dir)
        .ok()
        .or_else(|| std::path::absolute(dir).ok())
        .unwrap_or_else(|| dir.to_owned());
    absolute(path).starts_with(dir)
}

/// A sha256 of everything that makes compiled code compatible with `engine`.
fn engine_hash(engine: &Engine) -> [u8; 32] {
    let mut hasher = DigestHasher(Sha256::new());
    engine.precompile_compatibility_hash().hash(&mut hasher);
    hasher.0.finalize().into()
}

/// A `Hasher` that feeds a sha256, so the hash is stable across processes.
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
mod tests;
