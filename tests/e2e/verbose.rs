//! `-v`: each phase's time on stderr. Logging never changes a decision, is
//! never a decision itself (no "evaluated" line for a policy that did not
//! decide), and leaks no secret at any level.

use crate::support::{Run, corpus, root, run, verdict, write};
use std::path::{Path, PathBuf};

const NOW: &str = "2026-11-20T10:00:00Z";

/// A gate file in a temporary directory.
fn gate(dir: &Path, text: &str) -> PathBuf {
    let path = dir.join("verdict.toml");
    write(&path, text);
    path
}

/// `verdict check` of `config` on `inputs`, with `extra` arguments.
fn check(config: &Path, inputs: &[&Path], extra: &[&str]) -> Run {
    let mut command = verdict();
    command.args(["check", "--no-timings", "--now", NOW, "--config"]);
    command.arg(config);
    for input in inputs {
        command.arg("--input").arg(input);
    }
    run(command.args(extra))
}

/// The stderr lines that report a policy's evaluation.
fn evaluated(out: &Run) -> Vec<&str> {
    out.stderr
        .lines()
        .filter(|line| line.contains("evaluated a policy"))
        .collect()
}

#[test]
fn v_times_every_phase_skips_out_of_scope_policies_and_changes_no_byte_of_the_verdict() {
    let dir = tempfile::tempdir().unwrap();
    let config = gate(
        dir.path(),
        "[[policy]]\nid = \"vulns\"\nplugin = \"builtin:vulnerabilities\"\nconfig = { fail-on = \"high\" }\n\n\
         [[policy]]\nid = \"prod-only\"\nplugin = \"builtin:code-scanning\"\nenvironments = [\"production\"]\n",
    );
    let audit = corpus().join("cargo-audit/cargo-audit-2026-cvss.json");
    let quiet = check(&config, &[&audit], &["--format", "json"]);
    let verbose = check(&config, &[&audit], &["--format", "json", "-v"]);
    assert_eq!(quiet.code, 1, "{quiet:?}");
    assert_eq!(verbose.code, quiet.code, "{verbose:?}");
    assert_eq!(verbose.stdout, quiet.stdout, "logging changed the verdict");
    assert!(quiet.stderr.is_empty(), "{quiet:?}");

    let read = verbose
        .stderr
        .lines()
        .find(|line| line.contains("read an input"))
        .unwrap_or_else(|| panic!("{verbose:?}"));
    assert!(
        read.contains("format=cargo-audit") && read.contains("ms="),
        "{read:?}"
    );
    assert!(
        verbose.stderr.contains("read every input inputs=1"),
        "{verbose:?}"
    );
    // The skipped policy is neither loaded nor evaluated.
    let lines = evaluated(&verbose);
    assert_eq!(lines.len(), 1, "{verbose:?}");
    assert!(lines[0].contains("policy=vulns"), "{lines:?}");
    assert!(
        !verbose.stderr.contains("plugin=code-scanning"),
        "{verbose:?}"
    );
    let json: serde_json::Value = serde_json::from_str(&verbose.stdout).unwrap();
    let skipped = json["policies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|policy| policy["id"] == "prod-only")
        .unwrap();
    assert_eq!(skipped["decision"], "skipped", "{json}");
}

#[test]
fn under_v_an_empty_or_unparsable_report_stops_the_gate_before_any_evaluation() {
    let dir = tempfile::tempdir().unwrap();
    let config = gate(
        dir.path(),
        "[[policy]]\nid = \"sast\"\nplugin = \"builtin:code-scanning\"\n",
    );
    for (name, text) in [
        ("empty.sarif", ""),
        ("truncated.sarif", "{\"version\": \"2.1.0\", \"runs\": ["),
    ] {
        let path = dir.path().join(name);
        write(&path, text);
        let input = format!("sarif:{}", path.display());
        let out = check(&config, &[Path::new(&input)], &["-v"]);
        assert_eq!(out.code, 2, "{name}: {out:?}");
        assert!(out.stdout.is_empty(), "{name}: {out:?}");
        assert!(out.stderr.contains(name), "{name}: {out:?}");
        assert!(
            !out.stderr
                .lines()
                .any(|line| line.contains("read an input") && line.contains(name)),
            "{name} was not read: {out:?}"
        );
        assert!(evaluated(&out).is_empty(), "{name}: {out:?}");
    }
}

#[test]
fn under_v_a_policy_without_its_evidence_errors_and_is_not_reported_as_evaluated() {
    let dir = tempfile::tempdir().unwrap();
    let config = gate(
        dir.path(),
        "[[policy]]\nid = \"sast\"\nplugin = \"builtin:code-scanning\"\n",
    );
    let trivy = corpus().join("trivy/trivy-image-alpine-3.9.json");
    let out = check(&config, &[&trivy], &["-v"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stdout.starts_with("verdict: ERROR"), "{out:?}");
    assert!(out.stdout.contains("required evidence missing"), "{out:?}");
    assert!(out.stderr.contains("format=trivy"), "{out:?}");
    assert!(evaluated(&out).is_empty(), "{out:?}");
}

#[test]
fn a_secret_in_a_field_of_the_wrong_type_is_never_logged_at_any_level() {
    let key = "AKIAIOSFODNN7EXAMPLE";
    let dir = tempfile::tempdir().unwrap();
    let config = gate(
        dir.path(),
        "[[policy]]\nid = \"no-secrets\"\nplugin = \"builtin:secrets\"\n",
    );
    for name in [
        "gitleaks-secret-in-wrong-type.json",
        "trufflehog-secret-in-wrong-type.jsonl",
        "sarif-secret-in-wrong-type.sarif",
    ] {
        let path = root().join("fixtures/bad").join(name);
        for level in ["-v", "-vv", "-vvv"] {
            let out = check(&config, &[&path], &[level]);
            assert_eq!(out.code, 2, "{name} {level}: {out:?}");
            assert!(out.stderr.contains("invalid type"), "{name}: {out:?}");
            assert!(
                !out.stderr.contains(key) && !out.stdout.contains(key),
                "{name} {level} leaks the secret: {out:?}"
            );
            let out = run(verdict().args(["ingest", level]).arg(&path));
            assert_eq!(out.code, 2, "{name} {level}: {out:?}");
            assert!(
                !out.stderr.contains(key) && !out.stdout.contains(key),
                "{name} {level} leaks the secret: {out:?}"
            );
        }
    }
}
