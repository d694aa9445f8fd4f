//! The cache's defences, one attack per test: what a process that can write
//! the cache directory (but not read the key) might try.

use super::*;

/// A component exporting one function named `name`; its text is its "wasm"
/// (wasmtime parses WebAssembly text), so each name is a different plugin.
fn plugin(name: &str) -> (Vec<u8>, String) {
    let text = format!(
        r#"(component
             (core module $m (func (export "f")))
             (core instance $i (instantiate $m))
             (func (export "{name}") (canon lift (core func $i "f"))))"#
    );
    let sha256 = hex::encode(Sha256::digest(text.as_bytes()));
    (text.into_bytes(), sha256)
}

fn exports(engine: &Engine, component: &Component) -> Vec<String> {
    component
        .component_type()
        .exports(engine)
        .map(|(name, _)| name.to_owned())
        .collect()
}

/// A cache root and key file in a fresh temporary directory.
struct Setup {
    _temp: tempfile::TempDir,
    root: PathBuf,
    key_file: PathBuf,
    engine: Engine,
}

impl Setup {
    fn new() -> Setup {
        let temp = tempfile::tempdir().unwrap();
        Setup {
            root: temp.path().join("cache"),
            key_file: temp.path().join("state/cache.key"),
            _temp: temp,
            engine: Engine::default(),
        }
    }

    fn cache(&self) -> Cache {
        Cache::new(
            Some(self.root.clone()),
            Some(self.key_file.clone()),
            &self.engine,
        )
    }

    /// Loads `plugin`; returns its exports and whether it came from disk.
    fn load(&self, cache: &Cache, (wasm, sha256): &(Vec<u8>, String)) -> (Vec<String>, bool) {
        let (component, from_cache) = cache.load_or_compile(&self.engine, wasm, sha256).unwrap();
        (exports(&self.engine, &component), from_cache)
    }

    fn entry(&self, cache: &Cache, sha256: &str) -> PathBuf {
        cache
            .store
            .as_ref()
            .unwrap()
            .dir
            .join(format!("{sha256}.cwasm"))
    }
}

#[test]
fn entries_round_trip_within_a_private_directory() {
    let setup = Setup::new();
    let cache = setup.cache();
    assert!(cache.is_enabled());
    let a = plugin("a");
    assert_eq!(setup.load(&cache, &a), (vec!["a".to_owned()], false));
    assert_eq!(setup.load(&setup.cache(), &a), (vec!["a".to_owned()], true));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = |path: &Path| fs_err::metadata(path).unwrap().permissions().mode() & 0o777;
        let entry = setup.entry(&cache, &a.1);
        assert_eq!(mode(&entry), 0o600);
        assert_eq!(mode(entry.parent().unwrap()), 0o700);
        assert_eq!(mode(&setup.root), 0o700);
    }
}

#[test]
fn an_entry_for_another_plugin_is_rejected_not_run() {
    let setup = Setup::new();
    let cache = setup.cache();
    let (genuine, impostor) = (plugin("genuine"), plugin("impostor"));
    setup.load(&cache, &genuine);
    setup.load(&cache, &impostor);
    // Copy the impostor's valid entry over the genuine plugin's.
    fs_err::copy(
        setup.entry(&cache, &impostor.1),
        setup.entry(&cache, &genuine.1),
    )
    .unwrap();
    let cache = setup.cache();
    assert_eq!(
        setup.load(&cache, &genuine),
        (vec!["genuine".to_owned()], false),
        "the swapped entry was rejected and the genuine plugin compiled"
    );
    // ...and the entry was overwritten with a good one.
    assert_eq!(
        setup.load(&setup.cache(), &genuine),
        (vec!["genuine".to_owned()], true)
    );
}

#[test]
fn a_patched_artifact_with_a_recomputed_digest_is_rejected() {
    let setup = Setup::new();
    let cache = setup.cache();
    let a = plugin("a");
    setup.load(&cache, &a);
    let path = setup.entry(&cache, &a.1);
    let mut entry = fs_err::read(&path).unwrap();
    let split = entry.len() - TAG_LEN;
    entry[split / 2] ^= 0x01;
    // What defeated the old format: a trailing plain sha256, recomputed.
    let digest = Sha256::digest(&entry[..split]);
    entry[split..].copy_from_slice(&digest);
    fs_err::write(&path, &entry).unwrap();
    assert!(!setup.load(&setup.cache(), &a).1);
    // Only the tag changed, the patched artifact kept: still rejected.
    let mut entry = fs_err::read(&path).unwrap();
    entry[split / 2] ^= 0x01;
    fs_err::write(&path, &entry).unwrap();
    assert!(!setup.load(&setup.cache(), &a).1);
    // Truncated below a tag's length.
    fs_err::write(&path, b"short").unwrap();
    assert!(!setup.load(&setup.cache(), &a).1);
}

#[test]
fn a_tag_made_under_another_key_or_engine_is_rejected() {
    let setup = Setup::new();
    let cache = setup.cache();
    let store = cache.store.as_ref().unwrap();
    let entry = store.seal("ab", b"artifact".to_vec());
    assert_eq!(
        store.unseal("ab", entry.clone()).as_deref(),
        Some(&b"artifact"[..])
    );
    assert_eq!(
        store.unseal("ac", entry.clone()),
        None,
        "bound to the plugin"
    );
    let other_key = Store {
        key: [7; key::KEY_LEN],
        ..Store::prepare(&setup.root, Some(setup.key_file.clone()), &setup.engine).unwrap()
    };
    assert_eq!(
        other_key.unseal("ab", entry.clone()),
        None,
        "bound to the key"
    );
    let other_engine = Store {
        engine: [0; 32],
        ..Store::prepare(&setup.root, Some(setup.key_file.clone()), &setup.engine).unwrap()
    };
    assert_eq!(
        other_engine.unseal("ab", entry),
        None,
        "bound to the engine"
    );
}

#[test]
fn entries_written_under_a_lost_key_are_not_trusted() {
    let setup = Setup::new();
    let a = plugin("a");
    let cache = setup.cache();
    setup.load(&cache, &a);
    let old_entry = setup.entry(&cache, &a.1);
    fs_err::remove_file(&setup.key_file).unwrap();
    let cache = setup.cache();
    assert!(!setup.load(&cache, &a).1, "recompiled under the new key");
    // Even moved to where the new key's entries live, the old entry fails.
    let new_entry = setup.entry(&cache, &a.1);
    assert_ne!(old_entry, new_entry);
    fs_err::copy(&old_entry, &new_entry).unwrap();
    assert!(!setup.load(&setup.cache(), &a).1);
}

#[cfg(unix)]
#[test]
fn a_cache_directory_others_can_write_is_not_used() {
    use std::os::unix::fs::PermissionsExt as _;
    let setup = Setup::new();
    let a = plugin("a");
    setup.load(&setup.cache(), &a);
    fs_err::set_permissions(&setup.root, std::fs::Permissions::from_mode(0o777)).unwrap();
    let cache = setup.cache();
    assert!(!cache.is_enabled());
    assert_eq!(setup.load(&cache, &a), (vec!["a".to_owned()], false));
    // A symlinked engine directory inside a private root is refused too.
    fs_err::set_permissions(&setup.root, std::fs::Permissions::from_mode(0o700)).unwrap();
    let engine_dir = setup
        .root
        .join(hex::encode(&engine_hash(&setup.engine)[..8]));
    let elsewhere = setup.root.with_file_name("elsewhere");
    fs_err::rename(&engine_dir, &elsewhere).unwrap();
    std::os::unix::fs::symlink(&elsewhere, &engine_dir).unwrap();
    assert!(!setup.cache().is_enabled());
}

#[test]
fn a_key_file_inside_the_cache_is_refused() {
    let setup = Setup::new();
    let cache = Cache::new(
        Some(setup.root.clone()),
        Some(setup.root.join("cache.key")),
        &setup.engine,
    );
    assert!(!cache.is_enabled());
    let cache = Cache::new(Some(setup.root.clone()), None, &setup.engine);
    assert!(!cache.is_enabled());
}

#[test]
fn engine_hash_is_stable() {
    let engine = Engine::default();
    assert_eq!(engine_hash(&engine), engine_hash(&engine));
    assert_ne!(engine_hash(&engine), [0; 32]);
}
