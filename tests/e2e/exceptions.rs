//! Living with a gate: waivers, baselines, overrides, rules that start
//! later, attestations, validation before anything runs, inputs as globs and
//! replayed verdicts, each through the binary on the shipped example
//! reports (bandit: 2 low findings; pip-audit: 10 advisories of unknown
//! severity).

use crate::support::{Run, policy, root, run, verdict, write};
use std::path::{Path, PathBuf};
use std::process::Command;

const NOW: &str = "2026-11-20T10:00:00Z";

const GATE: &str = r#"
[[policy]]
id = "sast"
plugin = "builtin:code-scanning"
enforcement = "soft"
[policy.config]
fail-on = "low"

[[policy]]
id = "deps"
plugin = "builtin:vulnerabilities"
[policy.config]
fail-on = "medium"
"#;

/// A gate directory with the example's bandit and pip-audit reports.
struct Gate {
    dir: tempfile::TempDir,
}

impl Gate {
    fn new(toml: &str) -> Gate {
        let dir = tempfile::tempdir().unwrap();
        let reports = dir.path().join("reports");
        fs_err::create_dir_all(&reports).unwrap();
        for name in ["bandit.json", "pip-audit.json"] {
            fs_err::copy(
                root().join("fixtures/example").join(name),
                reports.join(name),
            )
            .unwrap();
        }
        write(&dir.path().join("verdict.toml"), toml);
        Gate { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn command(&self, subcommand: &[&str]) -> Command {
        let mut command = verdict();
        command.args(subcommand).args([
            "--config",
            &self.path("verdict.toml").display().to_string(),
            "--input",
            &self.path("reports").display().to_string(),
            "--now",
            NOW,
        ]);
        command
    }

    fn check(&self, extra: &[&str]) -> (Run, serde_json::Value) {
        let out = run(self
            .command(&["check"])
            .args(["--format", "json", "--no-timings"])
            .args(extra));
        let json = serde_json::from_str(&out.stdout).unwrap_or(serde_json::Value::Null);
        (out, json)
    }
}

fn with_waivers(waivers: &str) -> String {
    format!("{GATE}\n{waivers}")
}

#[test]
fn waivers_let_named_violations_through_and_say_what_they_did() {
    let gate = Gate::new(&with_waivers(
        r#"
[[waiver]]
id = "constants-are-not-passwords"
policy = "sast"
rule = "B105"
path = "src/spotify_scraper/core/*.py"
reason = "URLs and JSON paths, not passwords"
owner = "appsec@example.com"
expires = 2027-01-31

[[waiver]]
policy = "deps"
advisory = "ghsa-9548-qrrj-x5pj"
reason = "aiohttp is only used in tests"
owner = "team-a"
expires = "2027-01-31"

[[waiver]]
id = "old"
policy = "deps"
advisory = "PYSEC-2024-230"
reason = "was fine last year"
owner = "team-a"
expires = 2026-11-19

[[waiver]]
id = "nothing-matches"
policy = "deps"
advisory = "CVE-1999-0001"
reason = "r"
owner = "o"
expires = 2027-01-01
"#,
    ));
    let (out, json) = gate.check(&[]);
    // Both bandit findings waived: the soft SAST policy passes.
    let sast = policy(&json, "sast");
    assert_eq!(sast["decision"], "pass", "{}", out.stdout);
    assert_eq!(sast["counts"]["waived"], 2);
    assert_eq!(sast["waived"][0]["waiver"], "constants-are-not-passwords");
    // One advisory of ten waived; the expired waiver does not apply.
    let deps = policy(&json, "deps");
    assert_eq!(deps["decision"], "fail");
    assert_eq!(deps["counts"]["waived"], 1);
    assert_eq!(deps["counts"]["violations"], 9, "{}", deps["counts"]);
    let status = |id: &str| {
        json["waivers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|w| w["id"] == id)
            .map(|w| {
                (
                    w["status"].as_str().unwrap().to_owned(),
                    w["matched"].as_u64().unwrap(),
                )
            })
            .unwrap()
    };
    assert_eq!(status("constants-are-not-passwords"), ("applied".into(), 2));
    assert_eq!(status("deps#2"), ("applied".into(), 1));
    assert_eq!(status("old"), ("expired".into(), 0));
    assert_eq!(status("nothing-matches"), ("stale".into(), 0));
    assert_eq!(out.code, 1);
    // The console says it too.
    let console = run(&mut gate.command(&["check"]));
    assert!(console.stdout.contains("waiv"), "{}", console.stdout);
}

#[test]
fn a_waiver_without_reason_owner_or_expiry_is_refused_with_line_and_column() {
    let gate = Gate::new(&with_waivers(
        "[[waiver]]\npolicy = \"sast\"\nrule = \"B105\"\n\n[[waiver]]\npolicy = \"nope\"\nfingerprint = \"x\"\nreason = \"r\"\nowner = \"o\"\nexpires = 2027-01-01\n",
    ));
    let out = run(&mut gate.command(&["check"]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    for expected in [
        "`reason` is required",
        "`owner` is required",
        "`expires` is required",
        "policy `nope` is not a policy of this gate",
    ] {
        assert!(
            out.stderr.contains(expected),
            "missing `{expected}` in\n{}",
            out.stderr
        );
    }
    // Snippets with line numbers, like the other configuration errors.
    assert!(out.stderr.contains("verdict.toml:"), "{}", out.stderr);
    // And in a waivers file, reported with the gate file's own problems.
    let gate = Gate::new(&format!(
        "waivers = \"waivers.toml\"\nmax-listed-violations = 0\n{GATE}"
    ));
    write(
        &gate.path("waivers.toml"),
        "[[waiver]]\npolicy = \"deps\"\nadvisory = \"X\"\nowner = \"o\"\nexpires = 2027-01-01\n",
    );
    let out = run(&mut gate.command(&["check"]));
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("`max-listed-violations` must be greater than 0"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("waivers.toml"), "{}", out.stderr);
    assert!(
        out.stderr.contains("`reason` is required"),
        "{}",
        out.stderr
    );
}

/// The example's bandit report with every finding moved down by `lines`,
/// as after an edit above them.
fn shift_bandit(path: &Path, lines: u64) {
    let mut report: serde_json::Value =
        serde_json::from_str(&fs_err::read_to_string(path).unwrap()).unwrap();
    for result in report["results"].as_array_mut().unwrap() {
        let line = result["line_number"].as_u64().unwrap();
        result["line_number"] = (line + lines).into();
        result["line_range"] = serde_json::json!([line + lines]);
        let code: String = result["code"]
            .as_str()
            .unwrap()
            .lines()
            .map(|l| {
                let (number, rest) = l.split_once(' ').unwrap();
                format!("{} {rest}\n", number.parse::<u64>().unwrap() + lines)
            })
            .collect();
        result["code"] = code.into();
    }
    write(path, &serde_json::to_string_pretty(&report).unwrap());
}

#[test]
fn a_baseline_fails_only_on_new_violations_and_survives_line_shifts() {
    let gate = Gate::new(GATE);
    let baseline = gate.path("baseline.json");
    let out = run(gate
        .command(&["baseline", "create"])
        .args(["--output", &baseline.display().to_string()]));
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains("baseline: 12 violations of 2 policies"),
        "{}",
        out.stdout
    );
    // Code was edited above both findings: they moved 7 lines down.
    shift_bandit(&gate.path("reports/bandit.json"), 7);
    let (out, json) = gate.check(&["--baseline", &baseline.display().to_string()]);
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert_eq!(json["decision"], "pass");
    assert_eq!(json["baseline"]["entries"], 12);
    assert_eq!(json["baseline"]["remaining"], 12);
    assert_eq!(json["baseline"]["fixed"], 0);
    assert_eq!(json["baseline"]["new"], 0);
    assert_eq!(policy(&json, "sast")["counts"]["baselined"], 2);
    assert!(
        json["gate_files"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["role"] == "baseline")
    );
    // A new finding fails; one fixed is counted.
    let mut report: serde_json::Value =
        serde_json::from_str(&fs_err::read_to_string(gate.path("reports/bandit.json")).unwrap())
            .unwrap();
    let results = report["results"].as_array_mut().unwrap();
    let mut new = results[0].clone();
    new["test_id"] = "B303".into();
    results.remove(1);
    results.push(new);
    write(&gate.path("reports/bandit.json"), &report.to_string());
    let (out, json) = gate.check(&["--baseline", &baseline.display().to_string()]);
    assert_eq!(out.code, 1);
    assert_eq!(json["baseline"]["new"], 1);
    assert_eq!(json["baseline"]["fixed"], 1);
    assert_eq!(policy(&json, "sast")["counts"]["violations"], 1);
    // A baseline that is not one is an error naming it.
    write(
        &baseline,
        "{\"format\": \"something-else\", \"created\": \"\", \"policies\": {}}",
    );
    let (out, _) = gate.check(&["--baseline", &baseline.display().to_string()]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("not a verdict baseline"),
        "{}",
        out.stderr
    );
}

#[test]
fn soft_policies_can_be_overridden_with_a_reason_hard_ones_cannot() {
    let gate = Gate::new(GATE);
    // Without the override the soft policy fails like a hard one.
    let (out, json) = gate.check(&[]);
    assert_eq!(out.code, 1);
    assert_eq!(policy(&json, "sast")["decision"], "fail");
    let hostile_reason = "hotfix\n::error::forged";
    let (out, json) = gate.check(&[
        "--override",
        "sast",
        "--reason",
        hostile_reason,
        "--actor",
        "alice",
    ]);
    let sast = policy(&json, "sast");
    assert_eq!(sast["decision"], "warn", "{}", out.stderr);
    assert_eq!(sast["overridden"], true);
    assert_eq!(json["overrides"][0]["actor"], "alice");
    assert_eq!(json["overrides"][0]["applied"], true);
    assert_eq!(json["overrides"][0]["violations"], 2);
    assert_eq!(json["summary"]["overridden"], 1);
    // `deps` is hard: still failing.
    assert_eq!(out.code, 1);
    let out = run(gate.command(&["check"]).args([
        "--override",
        "deps",
        "--reason",
        "x",
        "--actor",
        "alice",
    ]));
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("hard policies cannot be overridden"),
        "{}",
        out.stderr
    );
    let out = run(gate.command(&["check"]).args(["--override", "sast"]));
    assert_eq!(out.code, 2, "an override needs a reason: {}", out.stderr);
    // The actor comes from CI when not given; none at all is refused.
    let out = run(gate
        .command(&["check"])
        .args(["--override", "sast", "--reason", "x"])
        .env_remove("GITHUB_ACTOR")
        .env_remove("GITLAB_USER_LOGIN"));
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("needs an actor"), "{}", out.stderr);
    let (_, json) = {
        let out = run(gate
            .command(&["check"])
            .args(["--format", "json", "--override", "sast", "--reason", "x"])
            .env("GITHUB_ACTOR", "ci-bot"));
        let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
        (out, json)
    };
    assert_eq!(json["overrides"][0]["actor"], "ci-bot");
}

#[test]
fn a_rule_that_starts_later_warns_until_then_and_says_from_when() {
    let gate = Gate::new(&GATE.replace(
        "id = \"deps\"\nplugin = \"builtin:vulnerabilities\"",
        "id = \"deps\"\nplugin = \"builtin:vulnerabilities\"\neffective-from = 2027-01-01",
    ));
    let (out, json) = gate.check(&["--override", "sast", "--reason", "r", "--actor", "a"]);
    let deps = policy(&json, "deps");
    assert_eq!(deps["decision"], "warn", "{}", out.stdout);
    assert_eq!(deps["effective_from"], "2027-01-01");
    assert!(deps["notes"].to_string().contains("will block from then"));
    assert_eq!(out.code, 0);
    // From that day on it blocks.
    let out = run(verdict().args([
        "check",
        "--config",
        &gate.path("verdict.toml").display().to_string(),
        "--input",
        &gate.path("reports").display().to_string(),
        "--now",
        "2027-01-01T00:00:00Z",
        "--override",
        "sast",
        "--reason",
        "r",
        "--actor",
        "a",
    ]));
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(out.stdout.contains("FAIL"), "{}", out.stdout);
}

#[test]
fn attested_controls_show_as_attested_until_they_expire() {
    let dir = tempfile::tempdir().unwrap();
    let gate = root().join("policies/hipaa.toml");
    let text = fs_err::read_to_string(&gate).unwrap();
    let text = text.replace(
        "config-file = \"frameworks/hipaa.toml\"",
        &format!(
            "config-file = \"{}\"",
            root().join("policies/frameworks/hipaa.toml").display()
        ),
    );
    let attested_control = {
        // The first control of the HIPAA mapping the example leaves not assessed.
        let out = run(verdict().args([
            "check",
            "--config",
            &gate.display().to_string(),
            "--input",
            &root().join("fixtures/example").display().to_string(),
            "--now",
            NOW,
            "--format",
            "json",
        ]));
        let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
        let controls = json["policies"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|p| p["controls"].as_array().cloned().unwrap_or_default())
            .find(|c| c["status"] == "not-assessed")
            .expect("a control not assessed");
        controls["control"].as_str().unwrap().to_owned()
    };
    let config = dir.path().join("verdict.toml");
    write(
        &config,
        &format!(
            "{text}\n[[attestation]]\ncontrol = \"{attested_control}\"\nstatement = \"annual review done\"\nby = \"ciso@example.com\"\ndate = 2026-06-01\nexpires = 2026-12-31\nevidence = \"https://grc.example.com/7\"\n"
        ),
    );
    let check = |now: &str| {
        let out = run(verdict().args([
            "check",
            "--config",
            &config.display().to_string(),
            "--input",
            &root().join("fixtures/example").display().to_string(),
            "--now",
            now,
            "--format",
            "json",
        ]));
        serde_json::from_str::<serde_json::Value>(&out.stdout)
            .unwrap_or_else(|_| panic!("{}", out.stderr))
    };
    let status = |json: &serde_json::Value| {
        json["policies"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|p| p["controls"].as_array().cloned().unwrap_or_default())
            .find(|c| c["control"] == attested_control.as_str())
            .unwrap()["status"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let json = check(NOW);
    assert_eq!(status(&json), "attested");
    assert_eq!(json["attestations"][0]["status"], "valid");
    let json = check("2027-01-01T00:00:00Z");
    assert_eq!(status(&json), "not-assessed");
    assert_eq!(json["attestations"][0]["status"], "expired");
    assert!(
        json.to_string()
            .contains("attestation expired on 2026-12-31")
    );
}

#[test]
fn validate_checks_policies_out_of_scope_and_reports_every_problem() {
    let dir = tempfile::tempdir().unwrap();
    let plugin = dir.path().join("custom.wasm");
    fs_err::write(&plugin, b"not really wasm").unwrap();
    let config = dir.path().join("verdict.toml");
    write(
        &config,
        &format!(
            r#"
[[policy]]
id = "prod-only"
plugin = "custom.wasm"
sha256 = "{}"
environments = ["production"]

[[policy]]
id = "coverage"
plugin = "builtin:coverage"
environments = ["production"]
[policy.config]
min-lines = "eighty"
"#,
            "0".repeat(64)
        ),
    );
    let out = run(verdict().args(["validate", "--config", &config.display().to_string()]));
    assert_eq!(out.code, 2, "{}", out.stdout);
    assert!(out.stderr.contains("prod-only"), "{}", out.stderr);
    assert!(out.stderr.contains("refusing to run it"), "{}", out.stderr);
    assert!(out.stderr.contains("min-lines"), "{}", out.stderr);
    let out = run(verdict().args([
        "check",
        "--dry-run",
        "--config",
        &config.display().to_string(),
    ]));
    assert_eq!(out.code, 2);
    // A valid gate says what it checked.
    let out = run(verdict().args([
        "validate",
        "--config",
        &root()
            .join("policies/python-service.toml")
            .display()
            .to_string(),
    ]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("4 policies, 4 plugins loaded"),
        "{}",
        out.stdout
    );
}

#[test]
fn inputs_can_be_globs_and_a_glob_matching_nothing_is_an_error() {
    let gate = Gate::new(GATE);
    let pattern = gate.path("reports/*.json").display().to_string();
    let out = run(verdict().args([
        "check",
        "--config",
        &gate.path("verdict.toml").display().to_string(),
        "--input",
        &pattern,
        "--now",
        NOW,
        "--format",
        "json",
    ]));
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(
        json["inputs"].as_array().unwrap().len(),
        2,
        "{}",
        out.stderr
    );
    let out = run(verdict().args([
        "check",
        "--config",
        &gate.path("verdict.toml").display().to_string(),
        "--input",
        &gate.path("reports/*.sarif").display().to_string(),
    ]));
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("matched no file"), "{}", out.stderr);
    // A missing file says so plainly, once.
    let out = run(verdict().args([
        "check",
        "--config",
        &gate.path("verdict.toml").display().to_string(),
        "--input",
        &gate.path("reports/nope.json").display().to_string(),
    ]));
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.to_lowercase().contains("no such file"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("resolved metadata"), "{}", out.stderr);
}

#[test]
fn a_stored_verdict_replays_to_the_same_decision_or_says_what_differs() {
    let gate = Gate::new(GATE);
    let (out, _) = gate.check(&[]);
    let stored = gate.path("verdict.json");
    fs_err::write(&stored, &out.stdout).unwrap();
    let reports = gate.path("reports").display().to_string();
    let out = run(verdict().args(["verify", &stored.display().to_string(), "--input", &reports]));
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout
            .contains("verified: the replay decides FAIL again"),
        "{}",
        out.stdout
    );
    // An input changed since: named with its sha256.
    shift_bandit(&gate.path("reports/bandit.json"), 1);
    let out = run(verdict().args(["verify", &stored.display().to_string(), "--input", &reports]));
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(out.stdout.contains("bandit.json"), "{}", out.stdout);
    assert!(
        out.stdout.contains("is not one the verdict recorded"),
        "{}",
        out.stdout
    );
    // A gate file edited since: named.
    fs_err::copy(
        root().join("fixtures/example/bandit.json"),
        gate.path("reports/bandit.json"),
    )
    .unwrap();
    write(
        &gate.path("verdict.toml"),
        &GATE.replace("fail-on = \"low\"", "fail-on = \"high\""),
    );
    let out = run(verdict().args(["verify", &stored.display().to_string(), "--input", &reports]));
    assert_eq!(out.code, 1);
    assert!(out.stdout.contains("gate file"), "{}", out.stdout);
}
