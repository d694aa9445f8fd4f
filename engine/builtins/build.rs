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

    ensure_target();
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

/// Makes sure the compiler building us has the standard library for
/// `wasm32-wasip2`, adding it with rustup when it is missing.
///
/// rustup installs the targets listed in `rust-toolchain.toml` only when it
/// installs the toolchain itself; a machine that already has the pinned
/// toolchain (a CI image, a developer laptop) lacks the target, and the nested
/// build would fail with "can't find crate for `core`". Adding it here keeps
/// the README's first command working on such a machine with nothing
/// installed by hand. Without rustup (a distribution's rustc) the nested build
/// reports the missing target itself.
fn ensure_target() {
    let rustc = env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let Ok(output) = Command::new(&rustc).args(["--print", "sysroot"]).output() else {
        return;
    };
    let sysroot = PathBuf::from(String::from_utf8_lossy(&output.stdout).trim());
    let std_dir = sysroot.join("lib/rustlib").join(TARGET).join("lib");
    if std_dir.is_dir() {
        return;
    }
    let toolchain = env::var("RUSTUP_TOOLCHAIN").ok().or_else(|| {
        sysroot
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
    });
    let mut command = Command::new("rustup");
    command.args(["target", "add", TARGET]);
    if let Some(toolchain) = &toolchain {
        command.args(["--toolchain", toolchain]);
    }
    println!(
        "cargo:warning=the `{TARGET}` target is missing: running `rustup target add {TARGET}`"
    );
    match command.output() {
        Ok(output) if output.status.success() => {}
        Ok(output) => println!(
            "cargo:warning=`rustup target add {TARGET}` failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        ),
        Err(error) => println!("cargo:warning=could not run rustup: {error}"),
    }
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
