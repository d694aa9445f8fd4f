//! `verdict plugin new` / `inspect` and a custom plugin in a gate: the path a
//! security team takes from zero to a policy in CI.

use crate::support::{corpus, root, run, sha256_of, verdict, write};
use std::process::Command;

#[test]
fn a_scaffolded_plugin_builds_and_gates() {
    let dir = tempfile::tempdir().unwrap();
    let crate_dir = dir.path().join("no-high-findings");
    let out = run(verdict().args(["plugin", "new"]).arg(&crate_dir));
    assert_eq!(out.code, 0, "{out:?}");
    assert!(crate_dir.join("verdict-policy-sdk/src/lib.rs").exists());
    assert!(crate_dir.join("wit/verdict.wit").exists());

    // Build it as a user would, outside this repository. A shared target
    // directory keeps reruns fast; the toolchain is the one rustup picked
    // for this test run.
    let target_dir = root().join("target/scaffold-e2e");
    let build = Command::new(env!("CARGO"))
        .args(["build", "--release", "--target", "wasm32-wasip2"])
        .current_dir(&crate_dir)
        .env("CARGO_TARGET_DIR", &target_dir)
        .output()
        .unwrap();
    assert!(
        build.status.success(),
        "{}",
        String::from_utf8_lossy(&build.stderr)
    );
    let wasm = target_dir.join("wasm32-wasip2/release/no_high_findings.wasm");

    let out = run(verdict().args(["plugin", "inspect", "--json"]).arg(&wasm));
    assert_eq!(out.code, 0, "{out:?}");
    let inspected: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(inspected["sha256"], sha256_of(&wasm));
    assert_eq!(inspected["descriptor"]["name"], "no-high-findings");

    // The scaffold's own test case runs in the real sandbox.
    let local = crate_dir.join("target/wasm32-wasip2/release");
    fs_err::create_dir_all(&local).unwrap();
    fs_err::copy(&wasm, local.join("no_high_findings.wasm")).unwrap();
    let out = run(verdict().arg("test").arg(crate_dir.join("tests")));
    assert_eq!(out.code, 0, "{out:?}");

    // A gate with the custom plugin pinned by sha256 and a built-in.
    let gate = dir.path().join("verdict.toml");
    write(
        &gate,
        &format!(
            "inputs = [\"{}\"]\n\n[[policy]]\nid = \"custom\"\nplugin = \"{}\"\nsha256 = \"{}\"\nconfig = {{ max = 0 }}\n\n[[policy]]\nid = \"sast\"\nplugin = \"builtin:code-scanning\"\nenforcement = \"advisory\"\n",
            corpus().join("sarif/semgrep-oss-1.69.0.sarif").display(),
            wasm.display(),
            sha256_of(&wasm)
        ),
    );
    let out = run(verdict()
        .args([
            "check",
            "--now",
            "2026-11-20T10:00:00Z",
            "--format",
            "json",
            "--config",
        ])
        .arg(&gate));
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(json["policies"][0]["id"], "custom");
    assert_eq!(json["policies"][0]["plugin_sha256"], sha256_of(&wasm));
    let custom_violations = json["policies"][0]["violations"].as_array().unwrap().len();
    let expected_exit = if custom_violations > 0 { 1 } else { 0 };
    assert_eq!(out.code, expected_exit, "{out:?}");
}

#[test]
fn inspect_shows_a_builtin_descriptor_and_digest() {
    let out = run(verdict().args(["plugin", "inspect", "builtin:coverage"]));
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("name:        coverage"), "{out:?}");
    assert!(out.stdout.contains("consumes:    coverage"), "{out:?}");
    let builtin = verdict_builtins::find("coverage").unwrap();
    assert!(out.stdout.contains(builtin.sha256), "{out:?}");
}

#[test]
fn plugin_new_refuses_a_non_empty_directory() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("taken/file.txt"), "x");
    let out = run(verdict()
        .args(["plugin", "new"])
        .arg(dir.path().join("taken")));
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains("already exists and is not empty"),
        "{out:?}"
    );
}
