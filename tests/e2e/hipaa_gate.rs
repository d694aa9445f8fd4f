//! The ready HIPAA gate (`policies/hipaa.toml`, its mapping in
//! `policies/frameworks/hipaa.toml`) over real scanner outputs: a clean run
//! satisfies every mapped control, a run with CodeQL's injections and a
//! failed HIPAA test violates the controls they map to.

use crate::support::{corpus, root, run, verdict};

fn check(inputs: &[String]) -> (crate::support::Run, serde_json::Value) {
    let mut command = verdict();
    command.args([
        "check",
        "--config",
        "policies/hipaa.toml",
        "--now",
        "2026-11-20T10:00:00Z",
        "--format",
        "json",
    ]);
    for input in inputs {
        command.arg("--input").arg(input);
    }
    let out = run(&mut command);
    let json = serde_json::from_str(&out.stdout).unwrap_or(serde_json::Value::Null);
    (out, json)
}

fn status<'a>(json: &'a serde_json::Value, control: &str) -> &'a str {
    json["policies"][0]["controls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|result| result["control"] == control)
        .unwrap_or_else(|| panic!("no control {control}"))["status"]
        .as_str()
        .unwrap()
}

fn clean_secrets() -> String {
    format!(
        "gitleaks:{}",
        corpus().join("gitleaks/gitleaks-8-empty.json").display()
    )
}

#[test]
fn a_clean_run_satisfies_every_mapped_control() {
    let (out, json) = check(&[
        corpus()
            .join("sarif/eslint-8.56.0.sarif")
            .display()
            .to_string(),
        clean_secrets(),
        root()
            .join("fixtures/junit/pytest-9.2.0-hipaa-pass.xml")
            .display()
            .to_string(),
    ]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(json["decision"], "pass");
    for control in [
        "hipaa-164.312(a)(1)",
        "hipaa-164.312(b)",
        "hipaa-164.312(c)(1)",
    ] {
        assert_eq!(status(&json, control), "satisfied", "{control}");
    }
}

#[test]
fn injections_and_a_failed_hipaa_test_violate_their_controls() {
    let (out, json) = check(&[
        corpus()
            .join("sarif/codeql-2.5.4.sarif")
            .display()
            .to_string(),
        clean_secrets(),
        root()
            .join("fixtures/junit/pytest-9.2.0-hipaa-fail.xml")
            .display()
            .to_string(),
    ]);
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(json["decision"], "fail");
    // py/sql-injection (CWE-89) maps to access control and integrity.
    assert_eq!(status(&json, "hipaa-164.312(a)(1)"), "violated");
    assert_eq!(status(&json, "hipaa-164.312(c)(1)"), "violated");
    let violations = json["policies"][0]["violations"].as_array().unwrap();
    assert!(
        violations
            .iter()
            .any(|v| v["message"].as_str().unwrap().contains("py/sql-injection")),
        "{out:?}"
    );
    // Every violated control rests on at least one violation naming it.
    for result in json["policies"][0]["controls"].as_array().unwrap() {
        if result["status"] == "violated" {
            assert!(
                violations.iter().any(|v| v["control"] == result["control"]),
                "{result}"
            );
        }
    }
}
