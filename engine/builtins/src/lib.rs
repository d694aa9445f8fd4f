//! The built-in policy plugins, compiled for `wasm32-wasip2` by this crate's
//! build script and embedded with their sha256 digests.
//!
//! Internal API: the CLI resolves `plugin = "builtin:NAME"` with [`find`].
//!
//! ```
//! let coverage = verdict_builtins::find("coverage").expect("coverage is built in");
//! assert_eq!(coverage.sha256.len(), 64);
//! assert!(coverage.wasm.starts_with(b"\0asm"));
//! ```

/// A built-in policy plugin.
#[derive(Debug)]
pub struct Builtin {
    /// Name, as in `builtin:NAME` (`coverage`, `code-scanning`…).
    pub name: &'static str,
    /// The component's bytes.
    pub wasm: &'static [u8],
    /// sha256 of `wasm`, lowercase hex.
    pub sha256: &'static str,
}

mod generated {
    use super::Builtin;
    include!(concat!(env!("OUT_DIR"), "/builtins.rs"));
}

/// Every built-in policy, sorted by name.
pub fn all() -> &'static [Builtin] {
    generated::ALL
}

/// The built-in named `name`.
pub fn find(name: &str) -> Option<&'static Builtin> {
    all().iter().find(|builtin| builtin.name == name)
}

/// Directory with the compiled test guests (`plugins/testing`), for tests only:
/// `verdict_testing_<behaviour>.wasm`, dashes as underscores.
pub fn testing_guests_dir() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("VERDICT_TESTING_GUESTS_DIR"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embeds_every_builtin_folder_with_digests() {
        let names: Vec<_> = all().iter().map(|builtin| builtin.name).collect();
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../plugins/builtin");
        let mut folders: Vec<String> = fs_err::read_dir(dir)
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .filter(|path| path.join("Cargo.toml").is_file())
            .map(|path| path.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        folders.sort();
        assert_eq!(names, folders);
        for first in ["code-scanning", "coverage", "secrets", "vulnerabilities"] {
            assert!(names.contains(&first), "{first}");
        }
        for builtin in all() {
            assert!(builtin.wasm.starts_with(b"\0asm"), "{}", builtin.name);
            assert_eq!(builtin.sha256.len(), 64);
        }
        assert!(find("secrets").is_some());
        assert!(find("nope").is_none());
    }

    #[test]
    fn test_guests_are_built() {
        for guest in [
            "spin",
            "memory_bomb",
            "trap",
            "file_open",
            "env_read",
            "huge_outcome",
            "clock",
            "undeclared_kind",
            "echo",
        ] {
            let path = testing_guests_dir().join(format!("verdict_testing_{guest}.wasm"));
            assert!(path.is_file(), "{}", path.display());
        }
    }
}
