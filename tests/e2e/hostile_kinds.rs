//! Evidence of the right kind whatever its container (issue 7, items 4 and
//! 6): secret scanners' SARIF fails a secrets gate and never shows the
//! secret, dependency scanners' SARIF feeds vulnerability policies, and a
//! severity no tool gave fails every threshold instead of passing as
//! `medium` or `info`.

use crate::support::{Run, corpus, root, run, verdict, write};
use std::path::{Path, PathBuf};

const NOW: &str = "2026-11-20T10:00:00Z";

/// Raw secrets in the inputs below, none of which may reach any output.
const RAW_SECRETS: &[&str] = &[
    // gitleaks-7.4.0.sarif: `properties.offender` and the snippet.
    "AKIAIOSFODNN7EXAMPLE",
    // trivy-mixed-classes.sarif: the snippet of the secret result.
    "ghp_R4nd0mL00k1ngT0k3nV4lu3Th4tIsF4k3xyz",
    "R4nd0mL00k1ng",
    // code-scanner-secret-rule.sarif: message and snippet.
    "sk_live_0123456789abcdefghij",
];

fn fixture(relative: &str) -> PathBuf {
    root().join("fixtures").join(relative)
}

/// A gate file in a fresh directory naming `input` and one policy.
fn gate(input: &Path, policy: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("verdict.toml");
    write(
        &path,
        &format!("inputs = [\"{}\"]\n{policy}", input.display()),
    );
    (dir, path)
}

fn check(config: &Path, format: Option<&str>) -> Run {
    let mut command = verdict();
    command
        .args(["check", "--now", NOW, "--config"])
        .arg(config);
    if let Some(format) = format {
        command.args(["--format", format]);
    }
    run(&mut command)
}

fn assert_no_raw_secret(out: &Run) {
    for raw in RAW_SECRETS {
        assert!(
            !out.stdout.contains(raw) && !out.stderr.contains(raw),
            "raw secret `{raw}` in the output: {out:?}"
        );
    }
}

const SECRETS: &str = "[[policy]]\nid = \"no-secrets\"\nplugin = \"builtin:secrets\"\n";

#[test]
fn gitleaks_sarif_fails_the_secrets_gate_without_showing_the_secret() {
    let input = corpus().join("sarif/gitleaks-7.4.0.sarif");
    let (_dir, config) = gate(&input, SECRETS);
    for format in [None, Some("json")] {
        let out = check(&config, format);
        assert_eq!(out.code, 1, "{out:?}");
        assert_no_raw_secret(&out);
    }
    let json: serde_json::Value =
        serde_json::from_str(&check(&config, Some("json")).stdout).unwrap();
    assert_eq!(json["decision"], "fail");
    assert_eq!(
        json["policies"][0]["violations"].as_array().unwrap().len(),
        8
    );
}

#[test]
fn secrets_in_sarif_never_reach_ingest_output() {
    for input in [
        corpus().join("sarif/gitleaks-7.4.0.sarif"),
        corpus().join("sarif/gitleaks-8-simple.sarif"),
        fixture("sarif/trivy-mixed-classes.sarif"),
        fixture("sarif/code-scanner-secret-rule.sarif"),
    ] {
        for output in ["json", "summary"] {
            let out = run(verdict().args(["ingest", "--output", output]).arg(&input));
            assert_eq!(out.code, 0, "{}: {out:?}", input.display());
            assert_no_raw_secret(&out);
        }
        let out = run(verdict().args(["ingest", "--output", "json"]).arg(&input));
        let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
        assert!(
            !json["secrets"].as_array().unwrap().is_empty(),
            "{}: {out:?}",
            input.display()
        );
        // Not the snippet (`a secret` in gitleaks 8) either.
        assert!(!out.stdout.contains("\"a secret\""), "{out:?}");
    }
}

#[test]
fn a_secret_scanner_sarif_without_leaks_speaks_for_secrets_and_passes() {
    let input = fixture("sarif/gitleaks-no-leaks.sarif");
    let out = run(verdict().args(["ingest", "--output", "json"]).arg(&input));
    assert_eq!(out.code, 0, "{out:?}");
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(json["sources"][0]["kinds"], serde_json::json!(["secrets"]));
    // "A secret scan ran and found nothing" passes; it is not "no input
    // speaks for secrets".
    let (_dir, config) = gate(&input, SECRETS);
    let out = check(&config, None);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.starts_with("verdict: PASS"), "{out:?}");
}

#[test]
fn a_code_scanner_sarif_does_not_speak_for_secrets() {
    // ESLint ran: that says nothing about secrets, so the gate cannot pass.
    let input = corpus().join("sarif/eslint-8.56.0.sarif");
    let (_dir, config) = gate(&input, SECRETS);
    let out = check(&config, None);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stdout.contains("secrets") || out.stderr.contains("secrets"),
        "{out:?}"
    );
}

fn vulnerabilities(config: &str) -> String {
    format!(
        "[[policy]]\nid = \"no-vulns\"\nplugin = \"builtin:vulnerabilities\"\n[policy.config]\n{config}\n"
    )
}

#[test]
fn trivy_sarif_feeds_the_vulnerabilities_policy_and_its_ignore_list() {
    // Four medium advisories on libcrypto1.1 and libssl1.1.
    let input = corpus().join("sarif/trivy-image-alpine-3.10.sarif");
    let (_dir, config) = gate(&input, &vulnerabilities("fail-on = \"medium\""));
    let out = check(&config, Some("json"));
    assert_eq!(out.code, 1, "{out:?}");
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let violations = json["policies"][0]["violations"].as_array().unwrap();
    assert_eq!(violations.len(), 4, "{out:?}");
    // The ignore list sees SARIF advisories by id, as any other.
    let (_dir, config) = gate(
        &input,
        &vulnerabilities(
            "fail-on = \"medium\"\nignore = [{ id = \"CVE-2019-1549\", reason = \"not reachable\" }, { id = \"CVE-2019-1551\", reason = \"not reachable\" }]",
        ),
    );
    let out = check(&config, None);
    assert_eq!(out.code, 0, "{out:?}");
}

#[test]
fn grype_sarif_feeds_the_vulnerabilities_policy() {
    // One critical (9.8) among 22 advisories.
    let input = corpus().join("sarif/grype-0.34.7.sarif");
    let (_dir, config) = gate(&input, &vulnerabilities("fail-on = \"critical\""));
    let out = check(&config, Some("json"));
    assert_eq!(out.code, 1, "{out:?}");
}

#[test]
fn a_zero_security_severity_is_no_rating_and_fails_closed() {
    // Grype writes `security-severity` 0.0 and help `Severity: low` when it
    // has no rating; verdict reads `unknown`, which fails even `critical`.
    let input = fixture("sarif/grype-unscored.sarif");
    let (_dir, config) = gate(&input, &vulnerabilities("fail-on = \"critical\""));
    let out = check(&config, None);
    assert_eq!(out.code, 1, "{out:?}");
}

#[test]
fn pip_audit_fails_a_high_threshold_because_it_gives_no_severity() {
    // Issue 7 item 6: every advisory was `medium`, so `high` always passed.
    let input = corpus().join("pip-audit/pip-audit-2.6-vulns.json");
    let (_dir, config) = gate(&input, &vulnerabilities("fail-on = \"high\""));
    let out = check(&config, Some("json"));
    assert_eq!(out.code, 1, "{out:?}");
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(json["decision"], "fail");
    assert_eq!(
        json["policies"][0]["violations"].as_array().unwrap().len(),
        10,
        "{out:?}"
    );
}

#[test]
fn trivy_unknown_is_not_info() {
    // The legacy report's one `UNKNOWN` advisory (TEMP-0981404-911A2F on
    // its own would pass `fail-on = "critical"` as info before issue 7).
    let input = corpus().join("trivy/trivy-legacy-list-format.json");
    let (_dir, config) = gate(&input, &vulnerabilities("fail-on = \"critical\""));
    let out = check(&config, Some("json"));
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stdout.contains("TEMP-0981404-911A2F"), "{out:?}");
}

#[test]
fn cargo_audit_warnings_carry_their_kind_not_a_title_prefix() {
    let input = corpus().join("cargo-audit/cargo-audit-2021-with-warnings.json");
    let out = run(verdict().args(["ingest", "--output", "json"]).arg(&input));
    assert_eq!(out.code, 0, "{out:?}");
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let records = json["vulnerabilities"].as_array().unwrap();
    let kind_count = |kind: &str| records.iter().filter(|v| v["kind"] == kind).count();
    assert_eq!(kind_count("unmaintained"), 3, "{out:?}");
    assert_eq!(kind_count("yanked"), 6, "{out:?}");
    assert!(
        records
            .iter()
            .all(|v| !v["title"].as_str().unwrap_or("").starts_with("yanked: ")),
        "{out:?}"
    );
}
