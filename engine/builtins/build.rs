//! Builds the plugins workspace (`plugins/`) for `wasm32-wasip2` with a
//! nested cargo and embeds the built-in policies.
//!
//! The nested build has its own target directory, `<root>/target/plugins`, so
//! plugin builds stay cached between host builds and never contend with the
//! outer build's lock (wasmtime's `test-programs/artifacts` does the same). A
//! failed nested build fails this build with the nested cargo's output: there
//! is no fallback to stale or missing plugins.

use sha2::{Digest, Sha256};
use std::env;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

const TARGET: &str = "wasm32-wasip2";

fn main() {
    let manifest_dir =
        PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let root = manifest_dir.join("../..");
    let plugins = root.join("plugins");
    let target_dir = root.join("target").join("plugins");
    let out_dir = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));

    for path in [
        "Cargo.toml",
        "Cargo.lock",
        "sdk",
        "builtin",
        "testing",
        "wit",
    ] {
        println!("cargo:rerun-if-changed={}", plugins.join(path).display());
    }

    build_plugins(&plugins, &target_dir);

    let release = target_dir.join(TARGET).join("release");
    let mut names = builtin_names(&plugins.join("builtin"));
    names.sort();
    let mut code =
        String::from("/// Every built-in policy, by name.\npub static ALL: &[Builtin] = &[\n");
    for name in &names {
        let file = format!("verdict_policy_{}.wasm", name.replace('-', "_"));
        let wasm = fs_err::read(release.join(&file))
            .unwrap_or_else(|error| panic!("built-in `{name}`: {error}"));
        // Copy into OUT_DIR so a later nested build cannot change the bytes
        // between hashing and embedding.
        let embedded = out_dir.join(&file);
        fs_err::write(&embedded, &wasm).unwrap_or_else(|error| panic!("{error}"));
        let sha256 = hex::encode(Sha256::digest(&wasm));
        writeln!(
            code,
            "    Builtin {{ name: {name:?}, wasm: include_bytes!({:?}), sha256: {sha256:?} }},",
            embedded.display().to_string()
        )
        .expect("writing to a String cannot fail");
    }
    code.push_str("];\n");
    fs_err::write(out_dir.join("builtins.rs"), code).unwrap_or_else(|error| panic!("{error}"));
    println!(
        "cargo:rustc-env=VERDICT_TESTING_GUESTS_DIR={}",
        release.display()
    );
}

/// Runs `cargo build --release --target wasm32-wasip2` on the plugins workspace.
fn build_plugins(plugins: &Path, target_dir: &Path) {
    let cargo = env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .arg("build")
        .arg("--release")
        .arg("--workspace")
        .arg("--target")
        .arg(TARGET)
        .arg("--manifest-path")
        .arg(plugins.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(target_dir)
        .current_dir(plugins);
    // The outer cargo sets variables for this build script that would leak
    // into the nested build (its target dir, flags and profile for the host
    // target, a compiler wrapper). Keep only what configures cargo itself:
    // the home, the network and registries, and the jobserver, so the nested
    // build shares the outer build's job slots.
    for (key, _) in env::vars_os() {
        let Some(key) = key.to_str() else { continue };
        if leaks_into_nested_build(key) {
            command.env_remove(key);
        }
    }
    let output = command
        .output()
        .unwrap_or_else(|error| panic!("could not run cargo for `plugins/`: {error}"));
    if !output.status.success() {
        panic!(
            "building the plugins workspace (`plugins/`) for `{TARGET}` failed ({})\n{}\n{}\nhint: run `cargo build --release --target {TARGET} --manifest-path plugins/Cargo.toml` to see the same errors",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr),
        );
    }
}

fn leaks_into_nested_build(key: &str) -> bool {
    const KEEP: [&str; 6] = [
        "CARGO_HOME",
        "CARGO_NET_",
        "CARGO_HTTP_",
        "CARGO_REGISTRIES_",
        "CARGO_REGISTRY_",
        "CARGO_MAKEFLAGS",
    ];
    const DROP: [&str; 7] = [
        "RUSTFLAGS",
        "RUSTDOCFLAGS",
        "RUSTC_WRAPPER",
        "RUSTC_WORKSPACE_WRAPPER",
        "RUSTC_LINKER",
        "OUT_DIR",
        "TARGET",
    ];
    (key.starts_with("CARGO") && !KEEP.iter().any(|keep| key.starts_with(keep)))
        || DROP.contains(&key)
}

/// The folder names under `plugins/builtin/`, each a built-in policy.
fn builtin_names(dir: &Path) -> Vec<String> {
    let entries = fs_err::read_dir(dir).unwrap_or_else(|error| panic!("{error}"));
    entries
        .map(|entry| entry.unwrap_or_else(|error| panic!("reading `{}`: {error}", dir.display())))
        .filter(|entry| entry.path().join("Cargo.toml").is_file())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect()
}
