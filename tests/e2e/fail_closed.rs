//! The gate cannot be talked into passing: required evidence, gate-level
//! requirements, scopes a pull request cannot steer, runs that check nothing.
//! Each test is a hostile run of the binary: the decision and exit code must
//! be the fail-closed ones, and the output must say why.

use crate::support::{Run, corpus, policy, root, run, verdict, write};
use std::path::Path;
use std::process::Command;

const NOW: &str = "2026-11-20T10:00:00Z";

/// A gate file in a fresh directory, with `inputs` copied there.
struct Gate {
    dir: tempfile::TempDir,
}

impl Gate {
    fn new(toml: &str, inputs: &[(&str, &Path)]) -> Gate {
        let dir = tempfile::tempdir().unwrap();
        fs_err::create_dir_all(dir.path().join("reports")).unwrap();
        for (name, from) in inputs {
            let to = dir.path().join("reports").join(name);
            fs_err::create_dir_all(to.parent().unwrap()).unwrap();
            fs_err::copy(from, &to).unwrap();
        }
        write(&dir.path().join("verdict.toml"), toml);
        Gate { dir }
    }

    fn check(&self) -> Command {
        let mut command = verdict();
        command.args([
            "check",
            "--config",
            &self.dir.path().join("verdict.toml").display().to_string(),
            "--input",
            &self.dir.path().join("reports").display().to_string(),
            "--now",
            NOW,
        ]);
        command
    }

    fn json(&self, extra: &[&str]) -> (Run, serde_json::Value) {
        let out = run(self.check().args(["--format", "json"]).args(extra));
        let json = serde_json::from_str(&out.stdout).unwrap_or(serde_json::Value::Null);
        (out, json)
    }
}

fn example(name: &str) -> std::path::PathBuf {
    root().join("fixtures/example").join(name)
}

const SECRETS_GATE: &str = r#"
[[policy]]
id = "no-secrets"
plugin = "builtin:secrets"
"#;

#[test]
fn every_builtin_errors_when_no_input_speaks_for_its_evidence() {
    // A coverage report alone: the secrets, vulnerabilities and
    // code-scanning policies have nothing to decide on.
    let gate = Gate::new(
        &fs_err::read_to_string(root().join("policies/python-service.toml")).unwrap(),
        &[("coverage.json", &example("coverage.json"))],
    );
    let (out, json) = gate.json(&[]);
    assert_eq!(out.code, 2, "{out:?}");
    assert_eq!(json["decision"], "error");
    for (id, kind) in [
        ("no-secrets", "secrets"),
        ("dependency-vulnerabilities", "vulnerabilities"),
        ("no-high-sast-findings", "findings"),
    ] {
        let report = policy(&json, id);
        assert_eq!(report["decision"], "error", "{id}: {report}");
        let error = report["error"].as_str().unwrap();
        assert!(
            error.contains(&format!("no input speaks for {kind}")),
            "{id}: {error}"
        );
    }
    assert_eq!(policy(&json, "coverage-minimum")["decision"], "pass");
}

#[test]
fn a_clean_report_of_the_right_kind_is_not_missing_evidence() {
    // gitleaks ran and found nothing: that is a pass, not missing evidence.
    // Its empty report (`[]`) could be any tool's, so it must be named:
    // read as a plain document it speaks for no secrets, and the gate errors.
    let empty = corpus().join("gitleaks/gitleaks-8-empty.json");
    let gate = Gate::new(
        SECRETS_GATE,
        &[("coverage.json", &example("coverage.json"))],
    );
    let unnamed =
        run(gate
            .check()
            .args(["--input", &empty.display().to_string(), "--format", "json"]));
    assert_eq!(unnamed.code, 2, "{unnamed:?}");
    let named = run(gate.check().args([
        "--input",
        &format!("gitleaks:{}", empty.display()),
        "--format",
        "json",
    ]));
    assert_eq!(named.code, 0, "{named:?}");
    let json: serde_json::Value = serde_json::from_str(&named.stdout).unwrap();
    assert_eq!(json["decision"], "pass");
    let gitleaks = json["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|input| input["format"] == "gitleaks")
        .unwrap();
    assert_eq!(gitleaks["kinds"], serde_json::json!(["secrets"]));
}

#[test]
fn missing_warn_and_pass_are_opt_in_and_say_so() {
    for (missing, decision, code) in [("warn", "warn", 0), ("pass", "pass", 0)] {
        let gate = Gate::new(
            &format!("{SECRETS_GATE}missing = \"{missing}\"\n"),
            &[("coverage.json", &example("coverage.json"))],
        );
        let (out, json) = gate.json(&[]);
        assert_eq!(out.code, code, "{out:?}");
        assert_eq!(json["decision"], decision, "{out:?}");
        let note = policy(&json, "no-secrets")["notes"][0].as_str().unwrap();
        assert!(
            note.starts_with("not evaluated: no input speaks for secrets"),
            "{note}"
        );
        let console = run(&mut gate.check());
        assert!(console.stdout.contains("not evaluated"), "{console:?}");
    }
}

#[test]
fn gate_level_requirements_name_what_is_missing() {
    let gate = Gate::new(
        &format!(
            "[require]\nformats = [\"gitleaks\", \"trivy\"]\nkinds = [\"coverage\", \"tests\"]\n{SECRETS_GATE}"
        ),
        &[
            ("gitleaks.json", &example("gitleaks.json")),
            ("coverage.json", &example("coverage.json")),
        ],
    );
    let (out, json) = gate.json(&[]);
    assert_eq!(out.code, 2, "{out:?}");
    assert_eq!(json["decision"], "error");
    let errors: Vec<&str> = json["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e.as_str().unwrap())
        .collect();
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(errors[0].contains("no `trivy` input"), "{errors:?}");
    assert!(
        errors[1].contains("no input speaks for tests"),
        "{errors:?}"
    );
    // The secrets policy itself decided: the leak in the example fails it.
    assert_eq!(policy(&json, "no-secrets")["decision"], "fail");
}

#[test]
fn an_unknown_required_format_is_an_error_not_a_silent_pass() {
    let gate = Gate::new(
        &format!("[require]\nformats = [\"gitleak\"]\n{SECRETS_GATE}"),
        &[(
            "gitleaks.json",
            &corpus().join("gitleaks/gitleaks-8-empty.json"),
        )],
    );
    let (out, json) = gate.json(&[]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        json["errors"][0]
            .as_str()
            .unwrap()
            .contains("not a format verdict reads"),
        "{json}"
    );
}

const MAIN_ONLY: &str = r#"
[[policy]]
id = "main-secrets"
plugin = "builtin:secrets"
branches = ["main"]
"#;

/// A GitHub Actions pull request from `feature/x` into `main`, as the
/// runner sets it.
fn pull_request(command: &mut Command) -> &mut Command {
    command
        .env("GITHUB_EVENT_NAME", "pull_request")
        .env("GITHUB_HEAD_REF", "feature/x")
        .env("GITHUB_BASE_REF", "main")
        .env("GITHUB_REF_NAME", "42/merge")
}

#[test]
fn branch_scopes_follow_the_target_branch_of_a_pull_request() {
    let gate = Gate::new(MAIN_ONLY, &[("gitleaks.json", &example("gitleaks.json"))]);
    let out = run(pull_request(&mut gate.check()).args(["--format", "json"]));
    assert_eq!(
        out.code, 1,
        "a main-only policy runs on a PR into main: {out:?}"
    );
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(json["context"]["branch"], "feature/x");
    assert_eq!(json["context"]["target_branch"], "main");
    assert_eq!(json["context"]["event"], "pull-request");
    assert_eq!(policy(&json, "main-secrets")["decision"], "fail");

    // `branch-scope = "built"` is the documented opt-out: the policy is then
    // out of scope, and a run with nothing in scope is an error.
    let built = Gate::new(
        &format!("branch-scope = \"built\"\n{MAIN_ONLY}"),
        &[("gitleaks.json", &example("gitleaks.json"))],
    );
    let out = run(pull_request(&mut built.check()).args(["--format", "json"]));
    assert_eq!(out.code, 2, "{out:?}");
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(policy(&json, "main-secrets")["decision"], "skipped");
    assert!(
        policy(&json, "main-secrets")["skipped"]
            .as_str()
            .unwrap()
            .contains("branch `feature/x`")
    );
    assert!(
        json["errors"][0]
            .as_str()
            .unwrap()
            .starts_with("nothing was checked")
    );
}

#[test]
fn a_pull_request_without_a_target_branch_is_an_error() {
    let gate = Gate::new(MAIN_ONLY, &[("gitleaks.json", &example("gitleaks.json"))]);
    let out = run(gate
        .check()
        .env("GITHUB_EVENT_NAME", "pull_request")
        .env("GITHUB_HEAD_REF", "main"));
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("--target-branch"), "{out:?}");
    assert!(out.stdout.is_empty(), "{out:?}");
}

const PRODUCTION_ONLY: &str = r#"
environments = ["staging", "production"]

[[policy]]
id = "prod-secrets"
plugin = "builtin:secrets"
environments = ["production"]

[[policy]]
id = "any-secrets"
plugin = "builtin:secrets"
enforcement = "advisory"
"#;

#[test]
fn an_environment_the_gate_does_not_declare_is_an_error() {
    let gate = Gate::new(
        PRODUCTION_ONLY,
        &[("gitleaks.json", &example("gitleaks.json"))],
    );
    for spelling in ["Production", "prod"] {
        let out = run(gate.check().args(["--env", spelling]));
        assert_eq!(out.code, 2, "{spelling}: {out:?}");
        assert!(
            out.stderr.contains("not one of the gate's environments"),
            "{out:?}"
        );
        assert!(out.stdout.is_empty(), "{out:?}");
        // The same through the CI variable.
        let out = run(gate.check().env("VERDICT_ENV", spelling));
        assert_eq!(out.code, 2, "{spelling} via VERDICT_ENV: {out:?}");
    }
    let out = run(gate.check().args(["--env", "production"]));
    assert_eq!(out.code, 1, "{out:?}");
}

#[test]
fn a_policy_scoped_to_an_undeclared_environment_is_a_configuration_error() {
    let gate = Gate::new(
        "environments = [\"staging\", \"production\"]\n[[policy]]\nid = \"p\"\nplugin = \"builtin:secrets\"\nenvironments = [\"prod\"]\n",
        &[("gitleaks.json", &example("gitleaks.json"))],
    );
    let out = run(&mut gate.check());
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr
            .contains("matches none of the gate's `environments`"),
        "{out:?}"
    );
}

#[test]
fn a_run_that_checks_nothing_is_an_error_unless_allowed() {
    let toml = "[[policy]]\nid = \"prod-only\"\nplugin = \"builtin:secrets\"\nenvironments = [\"production\"]\n";
    let gate = Gate::new(toml, &[("gitleaks.json", &example("gitleaks.json"))]);
    let (out, json) = gate.json(&[]);
    assert_eq!(out.code, 2, "{out:?}");
    assert_eq!(json["decision"], "error");
    assert_eq!(policy(&json, "prod-only")["decision"], "skipped");
    let console = run(&mut gate.check());
    assert!(
        console.stdout.contains("nothing was checked"),
        "{console:?}"
    );

    let allowed = Gate::new(
        &format!("nothing-in-scope = \"pass\"\n{toml}"),
        &[("gitleaks.json", &example("gitleaks.json"))],
    );
    let (out, json) = allowed.json(&[]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(json["decision"], "pass");
}

#[test]
fn incomplete_scans_warn_gives_warn_not_pass() {
    let enoaudit = corpus().join("npm-audit/npm6-audit-enoaudit-error.json");
    let toml = "[[policy]]\nid = \"vulns\"\nplugin = \"builtin:vulnerabilities\"\n";
    let gate = Gate::new(toml, &[("npm-audit.json", &enoaudit)]);
    let (out, json) = gate.json(&[]);
    assert_eq!(out.code, 2, "{out:?}");
    assert_eq!(json["decision"], "error");

    let warn = Gate::new(
        &format!("incomplete-scans = \"warn\"\n{toml}"),
        &[("npm-audit.json", &enoaudit)],
    );
    let (out, json) = warn.json(&[]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(json["decision"], "warn", "{out:?}");
}
