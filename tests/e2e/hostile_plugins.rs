//! Hostile plugin caches and plugin limits through the binary (issue 7).
//!
//! The cache tests play someone who can write verdict's cache directory (a
//! CI cache restored from another branch) but not the verdict binary or the
//! cache key. Each attack must leave the gate's decision and exit code what
//! the genuine plugin gives, and say on stderr that the entry was refused.

use crate::support::{Run, root, run, sha256_of, verdict, write};
use std::path::{Path, PathBuf};

/// A private cache, key and gate in one temporary directory.
struct Cache {
    dir: tempfile::TempDir,
}

impl Cache {
    fn new() -> Cache {
        Cache {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn root(&self) -> PathBuf {
        self.dir.path().join("cache")
    }

    fn key_file(&self) -> PathBuf {
        self.dir.path().join("state/verdict/cache.key")
    }

    /// Runs `verdict check` on `gate` (TOML) with this cache, logging the
    /// host's cache events.
    fn check(&self, name: &str, gate: &str) -> Run {
        let path = self.dir.path().join(format!("{name}.toml"));
        write(&path, gate);
        run(verdict()
            .env("VERDICT_CACHE_DIR", self.root())
            .env("VERDICT_CACHE_KEY_FILE", self.key_file())
            .env("RUST_LOG", "warn,verdict_host=debug")
            .args(["check", "--now", "2026-11-20T10:00:00Z", "--config"])
            .arg(&path))
    }

    /// The secrets gate over the example's gitleaks report: the genuine
    /// built-in finds AWS's example key and fails.
    fn secrets_gate(&self) -> Run {
        self.check(
            "secrets",
            &format!(
                "inputs = [\"{}\"]\n[[policy]]\nid = \"no-secrets\"\nplugin = \"builtin:secrets\"\n",
                root().join("fixtures/example/gitleaks.json").display()
            ),
        )
    }

    /// The cache file of the plugin with this sha256.
    fn entry(&self, sha256: &str) -> PathBuf {
        self.entries(sha256)
            .into_iter()
            .next()
            .unwrap_or_else(|| panic!("no cache entry for {sha256}"))
    }

    /// Every cache file of the plugin with this sha256 (one per key).
    fn entries(&self, sha256: &str) -> Vec<PathBuf> {
        let name = format!("{sha256}.cwasm");
        walkdir::WalkDir::new(self.root())
            .into_iter()
            .map(Result::unwrap)
            .filter(|entry| entry.file_name().to_string_lossy() == name)
            .map(walkdir::DirEntry::into_path)
            .collect()
    }
}

fn secrets_sha256() -> String {
    verdict_builtins::find("secrets").unwrap().sha256.to_owned()
}

/// What the genuine secrets policy says about the example's report.
fn assert_genuine_failure(out: &Run) {
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stdout.starts_with("verdict: FAIL"), "{out:?}");
    assert!(out.stdout.contains("FAIL   no-secrets"), "{out:?}");
}

/// A gate run that filled `cache` with the genuine secrets policy, then a
/// second run that loaded it from there.
fn filled() -> Cache {
    let cache = Cache::new();
    let first = cache.secrets_gate();
    assert_genuine_failure(&first);
    assert!(first.stderr.contains("compiled plugin"), "{first:?}");
    let second = cache.secrets_gate();
    assert_genuine_failure(&second);
    assert!(
        second.stderr.contains("loaded compiled plugin from cache"),
        "the cache works, so what follows tests its checks: {second:?}"
    );
    cache
}

/// Asserts the run refused the entry at `path` and compiled the plugin.
fn assert_rejected(out: &Run, path: &Path) {
    assert_genuine_failure(out);
    assert!(
        out.stderr
            .contains(&format!("ignoring cached plugin `{}`", path.display())),
        "{out:?}"
    );
    assert!(
        !out.stderr.contains("loaded compiled plugin from cache"),
        "{out:?}"
    );
}

#[test]
fn another_plugins_compiled_code_in_a_builtins_entry_is_refused() {
    let cache = filled();
    // Cache a benign test guest that would pass the gate in the built-in's place.
    let echo = verdict_builtins::testing_guests_dir().join("verdict_testing_echo.wasm");
    let out = cache.check(
        "echo",
        &format!(
            "inputs = [\"{}\"]\n[[policy]]\nid = \"echo\"\nplugin = \"{}\"\nsha256 = \"{}\"\n",
            root().join("fixtures/example/bandit.json").display(),
            echo.display(),
            sha256_of(&echo)
        ),
    );
    assert!(out.stderr.contains("compiled plugin"), "{out:?}");
    let secrets = cache.entry(&secrets_sha256());
    fs_err::copy(cache.entry(&sha256_of(&echo)), &secrets).unwrap();

    assert_rejected(&cache.secrets_gate(), &secrets);
    // The refused entry was replaced by a good one.
    let again = cache.secrets_gate();
    assert_genuine_failure(&again);
    assert!(
        again.stderr.contains("loaded compiled plugin from cache"),
        "{again:?}"
    );
}

#[test]
fn a_patched_entry_with_its_digest_recomputed_is_refused() {
    let cache = filled();
    let path = cache.entry(&secrets_sha256());
    let mut entry = fs_err::read(&path).unwrap();
    let split = entry.len() - 32;
    for at in [split / 3, split / 2, split - 1] {
        entry[at] ^= 0xff;
    }
    // The old format ended in a plain sha256 of the rest: forge it.
    let digest = sha256_bytes(&entry[..split]);
    entry[split..].copy_from_slice(&digest);
    fs_err::write(&path, &entry).unwrap();
    assert_rejected(&cache.secrets_gate(), &path);
}

#[cfg(unix)]
#[test]
fn a_cache_directory_others_can_write_is_not_used() {
    use std::os::unix::fs::PermissionsExt as _;
    let cache = filled();
    fs_err::set_permissions(cache.root(), std::fs::Permissions::from_mode(0o777)).unwrap();
    let out = cache.secrets_gate();
    assert_genuine_failure(&out);
    assert!(out.stderr.contains("not using the plugin cache"), "{out:?}");
    assert!(out.stderr.contains("writable by other users"), "{out:?}");
    assert!(
        !out.stderr.contains("loaded compiled plugin from cache"),
        "{out:?}"
    );
}

#[test]
fn without_its_key_the_cache_is_recompiled_not_trusted() {
    let cache = filled();
    let old_entry = cache.entry(&secrets_sha256());
    fs_err::remove_file(cache.key_file()).unwrap();
    let out = cache.secrets_gate();
    assert_genuine_failure(&out);
    assert!(out.stderr.contains("compiled plugin"), "{out:?}");
    assert!(
        !out.stderr.contains("loaded compiled plugin from cache"),
        "{out:?}"
    );
    assert!(cache.key_file().exists(), "a new key was made");
    // Entries made under the lost key stay where they were, unused; the new
    // key's entry is written beside them, under its own key id.
    assert!(old_entry.exists());
    let entries = cache.entries(&secrets_sha256());
    assert_eq!(entries.len(), 2, "{entries:?}");
    assert!(entries.contains(&old_entry), "{entries:?}");
}

#[test]
fn a_schema_bomb_is_refused_by_its_bounds() {
    let wasm = verdict_builtins::testing_guests_dir().join("verdict_testing_schema_bomb.wasm");
    let dir = tempfile::tempdir().unwrap();
    let gate = dir.path().join("verdict.toml");
    write(
        &gate,
        &format!(
            "inputs = [\"{}\"]\n[[policy]]\nid = \"schema-bomb\"\nplugin = \"{}\"\nsha256 = \"{}\"\n",
            root().join("fixtures/example/bandit.json").display(),
            wasm.display(),
            sha256_of(&wasm)
        ),
    );
    let out = run(verdict()
        .args(["check", "--now", "2026-11-20T10:00:00Z", "--config"])
        .arg(&gate));
    // Issue 7: SIGABRT (exit 134) with no report.
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains(&format!(
            "policy `schema-bomb`: plugin `{}` declares a configuration schema out of bounds",
            wasm.display()
        )),
        "{out:?}"
    );
}

fn sha256_bytes(bytes: &[u8]) -> [u8; 32] {
    let temp = tempfile::NamedTempFile::new().unwrap();
    fs_err::write(temp.path(), bytes).unwrap();
    let hex = sha256_of(temp.path());
    let mut digest = [0; 32];
    for (index, byte) in digest.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&hex[2 * index..2 * index + 2], 16).unwrap();
    }
    digest
}
