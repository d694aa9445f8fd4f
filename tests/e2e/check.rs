//! `verdict check`: decisions, exit codes, the JSON document, diagnostics.

use crate::support::{Run, corpus, root, run, sha256_of, verdict, write};

const NOW: &str = "2026-11-20T10:00:00Z";

fn example() -> std::process::Command {
    let mut command = verdict();
    command.args([
        "check",
        "--config",
        "policies/python-service.toml",
        "--input",
        "fixtures/example",
        "--now",
        NOW,
    ]);
    command
}

#[test]
fn the_readme_example_warns_and_exits_0() {
    let out = run(&mut example());
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.starts_with("verdict: WARN"), "{out:?}");
    assert!(
        out.stdout.contains("WARN   dependency-vulnerabilities"),
        "{out:?}"
    );
    assert!(out.stdout.contains("10 violations"), "{out:?}");
}

#[test]
fn json_verdict_records_policies_inputs_and_digests() {
    let out = run(example().args(["--format", "json"]));
    assert_eq!(out.code, 0, "{out:?}");
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(json["format"], "verdict/v1");
    assert_eq!(json["decision"], "warn");
    assert_eq!(json["context"]["now"], NOW);
    let policies = json["policies"].as_array().unwrap();
    assert_eq!(policies.len(), 4);
    for policy in policies {
        for key in [
            "id",
            "plugin",
            "plugin_sha256",
            "enforcement",
            "decision",
            "violations",
            "duration_ms",
        ] {
            assert!(policy.get(key).is_some(), "{key} missing in {policy}");
        }
        assert_eq!(policy["plugin_sha256"].as_str().unwrap().len(), 64);
    }
    assert_eq!(policies[1]["decision"], "warn");
    assert_eq!(policies[1]["violations"].as_array().unwrap().len(), 10);
    let inputs = json["inputs"].as_array().unwrap();
    assert_eq!(inputs.len(), 4);
    let bandit = inputs.iter().find(|i| i["format"] == "bandit").unwrap();
    assert_eq!(
        bandit["sha256"],
        sha256_of(&root().join("fixtures/example/bandit.json"))
    );
}

#[test]
fn same_inputs_and_now_give_the_same_bytes() {
    let first = run(example().args(["--format", "json", "--no-timings"]));
    let second = run(example().args(["--format", "json", "--no-timings"]));
    assert_eq!(first.code, 0, "{first:?}");
    assert_eq!(first.stdout, second.stdout);
}

/// A gate file in a temporary directory.
fn gate(text: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("verdict.toml");
    write(&path, text);
    (dir, path)
}

#[test]
fn hard_violations_fail_with_exit_1() {
    let (_dir, config) = gate(&format!(
        "inputs = [\"{}\"]\n[[policy]]\nid = \"no-vulns\"\nplugin = \"builtin:vulnerabilities\"\nconfig = {{ fail-on = \"high\" }}\n",
        corpus()
            .join("cargo-audit/cargo-audit-2026-cvss.json")
            .display()
    ));
    let out = run(verdict()
        .args(["check", "--now", NOW, "--config"])
        .arg(&config));
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stdout.starts_with("verdict: FAIL"), "{out:?}");
    assert!(out.stdout.contains("FAIL   no-vulns"), "{out:?}");
}

#[test]
fn a_typo_in_a_policy_config_names_the_key_policy_and_line() {
    let (_dir, config) = gate(&format!(
        "inputs = [\"{}\"]\n\n[[policy]]\nid = \"cov\"\nplugin = \"builtin:coverage\"\n[policy.config]\nmin-lnes = 80\n",
        corpus().join("coverage/lcov-istanbul.info").display()
    ));
    let out = run(verdict()
        .args(["check", "--now", NOW, "--config"])
        .arg(&config));
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stdout.is_empty(), "{out:?}");
    assert!(
        out.stderr
            .contains("policy `cov`: unknown configuration key `min-lnes`"),
        "{out:?}"
    );
    assert!(out.stderr.contains("verdict.toml:7:1"), "{out:?}");
    assert!(out.stderr.contains("hint: known keys:"), "{out:?}");
}

#[test]
fn a_plugin_whose_digest_does_not_match_is_refused() {
    let guest = verdict_builtins::testing_guests_dir().join("verdict_testing_echo.wasm");
    let (_dir, config) = gate(&format!(
        "inputs = [\"{}\"]\n[[policy]]\nid = \"echo\"\nplugin = \"{}\"\nsha256 = \"{}\"\n",
        corpus().join("sarif/eslint-8.56.0.sarif").display(),
        guest.display(),
        "0".repeat(64)
    ));
    let out = run(verdict()
        .args(["check", "--now", NOW, "--config"])
        .arg(&config));
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("policy `echo`: plugin"), "{out:?}");
    assert!(out.stderr.contains("refusing to run it"), "{out:?}");
}

#[test]
fn an_incomplete_scan_makes_the_gate_error_unless_allowed() {
    let input = corpus().join("npm-audit/npm6-audit-enoaudit-error.json");
    let policy = "[[policy]]\nid = \"vulns\"\nplugin = \"builtin:vulnerabilities\"\n";
    let (_dir, config) = gate(&format!("inputs = [\"{}\"]\n{policy}", input.display()));
    let out = run(verdict()
        .args(["check", "--now", NOW, "--config"])
        .arg(&config));
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stdout
            .contains("the scan did not complete: npm audit did not run: ENOAUDIT"),
        "{out:?}"
    );
    let (_dir, config) = gate(&format!(
        "inputs = [\"{}\"]\nincomplete-scans = \"warn\"\n{policy}",
        input.display()
    ));
    let out = run(verdict()
        .args(["check", "--now", NOW, "--config"])
        .arg(&config));
    assert_eq!(out.code, 0, "{out:?}");
}

/// `verdict check` of the gate file `config` on one SARIF input.
fn check_sarif(config: &std::path::Path, sarif: &std::path::Path) -> Run {
    run(verdict()
        .args(["check", "--now", NOW, "--config"])
        .arg(config)
        .arg("--input")
        .arg(format!("sarif:{}", sarif.display())))
}

#[test]
fn a_bad_input_stops_the_gate_with_exit_2_and_nothing_on_stdout() {
    let (dir, config) = gate("[[policy]]\nid = \"vulns\"\nplugin = \"builtin:vulnerabilities\"\n");
    let broken = dir.path().join("broken.sarif");
    write(&broken, "{\"version\": \"2.1.0\", \"runs\": [");
    let out = check_sarif(&config, &broken);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stdout.is_empty(), "{out:?}");
    assert!(out.stderr.contains("broken.sarif`: sarif:"), "{out:?}");
}

/// Plugins load while the inputs are read; when both fail, the input is
/// what the run reports, as when the two ran in turn, and nothing is decided.
#[test]
fn a_bad_input_and_a_bad_plugin_at_once_report_the_input() {
    let (dir, config) = gate(&format!(
        "[[policy]]\nid = \"echo\"\nplugin = \"{}\"\nsha256 = \"{}\"\n",
        verdict_builtins::testing_guests_dir()
            .join("verdict_testing_echo.wasm")
            .display(),
        "0".repeat(64)
    ));
    let broken = dir.path().join("broken.sarif");
    write(&broken, "{\"version\": \"2.1.0\", \"runs\": [");
    let out = check_sarif(&config, &broken);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stdout.is_empty(), "{out:?}");
    assert!(out.stderr.contains("broken.sarif`: sarif:"), "{out:?}");
    // Once the input reads, the plugin's refusal is the error.
    write(&broken, "{\"version\": \"2.1.0\", \"runs\": []}");
    let out = check_sarif(&config, &broken);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stdout.is_empty(), "{out:?}");
    assert!(out.stderr.contains("refusing to run it"), "{out:?}");
}

/// A first run compiles its plugins while it reads the inputs; it decides
/// exactly as the next run, which takes them from the cache.
#[test]
fn a_first_run_with_an_empty_cache_decides_as_a_warm_one() {
    let cache = tempfile::tempdir().unwrap();
    let check = || {
        run(example()
            .env("VERDICT_CACHE_DIR", cache.path().join("plugins"))
            .env("VERDICT_CACHE_KEY_FILE", cache.path().join("key/cache.key"))
            .args(["--format", "json", "--no-timings", "-v"]))
    };
    let cold = check();
    assert!(
        fs_err::read_dir(cache.path().join("plugins")).is_ok(),
        "the first run fills the cache"
    );
    let warm = check();
    assert_eq!(cold.code, 0, "{cold:?}");
    assert_eq!(cold.stdout, warm.stdout);
    // `-v` reports what the preparation cost, and that the second run
    // compiled nothing.
    assert!(
        cold.stderr
            .contains("compiled a plugin (cached for the next run)"),
        "{cold:?}"
    );
    assert!(
        warm.stderr
            .contains("loaded a compiled plugin from the cache"),
        "{warm:?}"
    );
    assert!(!warm.stderr.contains("compiled a plugin ("), "{warm:?}");
    for phase in ["read an input", "read every input", "evaluated a policy"] {
        assert!(warm.stderr.contains(phase), "{phase}: {warm:?}");
    }
    let json: serde_json::Value = serde_json::from_str(&cold.stdout).unwrap();
    assert_eq!(json["decision"], "warn", "{cold:?}");
}

#[test]
fn policies_out_of_scope_are_skipped() {
    let (_dir, config) = gate(&format!(
        "inputs = [\"{}\"]\n[[policy]]\nid = \"prod-only\"\nplugin = \"builtin:vulnerabilities\"\nenvironments = [\"production\"]\n",
        corpus()
            .join("cargo-audit/cargo-audit-2026-cvss.json")
            .display()
    ));
    let out = run(verdict()
        .args([
            "check", "--now", NOW, "--env", "staging", "--format", "json", "--config",
        ])
        .arg(&config));
    // Skipped, with its reason; and since nothing else was checked, the run
    // is an error, not a pass (`nothing-in-scope`).
    assert_eq!(out.code, 2, "{out:?}");
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(json["policies"][0]["decision"], "skipped");
    assert!(
        json["policies"][0]["skipped"]
            .as_str()
            .unwrap()
            .contains("environment `staging`")
    );
    assert!(
        json["errors"][0]
            .as_str()
            .unwrap()
            .starts_with("nothing was checked")
    );
    let out = run(verdict()
        .args(["check", "--now", NOW, "--env", "production", "--config"])
        .arg(&config));
    assert_eq!(out.code, 1, "{out:?}");
}

#[test]
fn no_inputs_is_an_error_with_a_hint() {
    let (_dir, config) = gate("[[policy]]\nid = \"vulns\"\nplugin = \"builtin:vulnerabilities\"\n");
    let out = run(verdict().args(["check", "--config"]).arg(&config));
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("no inputs"), "{out:?}");
}

#[test]
fn the_config_docs_show_the_gate_the_tests_run() {
    let docs = fs_err::read_to_string(root().join("docs/config.md")).unwrap();
    let example = fs_err::read_to_string(root().join("policies/python-service.toml")).unwrap();
    assert!(
        docs.contains(&example),
        "docs/config.md must embed policies/python-service.toml verbatim"
    );
}

#[test]
fn repo_tags_at_head_join_the_context() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    let git = |args: &[&str]| {
        let status = std::process::Command::new("git")
            .args(args)
            .current_dir(&repo)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_AUTHOR_NAME", "A")
            .env("GIT_AUTHOR_EMAIL", "a@example.com")
            .env("GIT_COMMITTER_NAME", "A")
            .env("GIT_COMMITTER_EMAIL", "a@example.com")
            .status()
            .unwrap();
        assert!(status.success(), "git {args:?}");
    };
    fs_err::create_dir_all(&repo).unwrap();
    git(&["init", "-q", "-b", "main"]);
    git(&["commit", "-q", "--allow-empty", "-m", "first"]);
    git(&["commit", "-q", "--allow-empty", "-m", "second"]);
    git(&["tag", "qa-passed-1.4.2"]);
    let (_gate_dir, config) = gate(&format!(
        "inputs = [\"{}\"]\n[[policy]]\nid = \"vulns\"\nplugin = \"builtin:vulnerabilities\"\n",
        corpus()
            .join("cargo-audit/cargo-audit-no-findings.json")
            .display()
    ));
    let out = run(verdict()
        .args([
            "check", "--now", NOW, "--format", "json", "--base", "HEAD~1", "--repo",
        ])
        .arg(&repo)
        .arg("--config")
        .arg(&config));
    assert_eq!(out.code, 0, "{out:?}");
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(
        json["context"]["tags"],
        serde_json::json!(["qa-passed-1.4.2"])
    );
    let out = run(verdict()
        .args(["check", "--now", NOW, "--base", "no-such-rev", "--repo"])
        .arg(&repo)
        .arg("--config")
        .arg(&config));
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains("cannot resolve revision `no-such-rev`"),
        "{out:?}"
    );
}

/// Every example in `docs/policies/` is a gate `verdict check` accepts: the
/// file parses and each `config` passes its plugin's schema.
#[test]
fn the_policy_docs_examples_are_valid_gates() {
    let mut checked = 0;
    let mut pages = 0;
    // A repository speaks for commits and tags (`promotion` requires tags).
    let repo_dir = tempfile::tempdir().unwrap();
    let git = |args: &[&str]| {
        let status = std::process::Command::new("git")
            .args(args)
            .current_dir(repo_dir.path())
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_AUTHOR_NAME", "A")
            .env("GIT_AUTHOR_EMAIL", "a@example.com")
            .env("GIT_COMMITTER_NAME", "A")
            .env("GIT_COMMITTER_EMAIL", "a@example.com")
            .status()
            .unwrap();
        assert!(status.success(), "git {args:?}");
    };
    git(&["init", "-q", "-b", "main"]);
    git(&["commit", "-q", "--allow-empty", "-m", "first"]);
    for entry in fs_err::read_dir(root().join("docs/policies")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|extension| extension == "md") {
            pages += 1;
        }
        let text = fs_err::read_to_string(&path).unwrap();
        // The page's example: its first TOML block that is a whole policy
        // (fragments showing one key come without `[[policy]]`).
        let Some(example) = text
            .split("```toml\n")
            .skip(1)
            .map(|block| &block[..block.find("```").unwrap()])
            .find(|block| block.contains("[[policy]]"))
        else {
            continue;
        };
        let (_dir, config) = gate(&format!(
            "inputs = [\"{}\"]\n{example}",
            corpus()
                .join("cargo-audit/cargo-audit-no-findings.json")
                .display()
        ));
        // Checked against every kind a built-in requires, so that the run
        // decides: a gitleaks report, a SARIF log, a coverage report, a JUnit
        // report, an SBOM, lint reports, a pull request, a service registry
        // with its rotation dates, a repository, and an (empty) audit ledger
        // with the repository's name for `history`.
        let out = run(verdict()
            .args(["check", "--now", NOW, "--config"])
            .arg(&config)
            .arg("--input")
            .arg(format!(
                "gitleaks:{}",
                corpus().join("gitleaks/gitleaks-8-empty.json").display()
            ))
            .arg("--input")
            .arg(corpus().join("sarif/eslint-8.56.0.sarif"))
            .arg("--input")
            .arg(corpus().join("sarif/codeql-2.5.4.sarif"))
            .arg("--input")
            .arg(corpus().join("sarif/semgrep-oss-1.69.0.sarif"))
            .arg("--input")
            .arg(root().join("fixtures/example/coverage.json"))
            .arg("--input")
            .arg(root().join("fixtures/junit/pytest-9.2.0-hipaa-pass.xml"))
            .arg("--input")
            .arg(corpus().join("sbom/spdx-2.3-trivy-conda.json"))
            .arg("--input")
            .arg(root().join("fixtures/pull-request/gh-pr-482-approved.json"))
            .arg("--input")
            .arg(root().join("fixtures/secret-rotation/integration_registry.json"))
            .arg("--input")
            .arg(root().join("fixtures/secret-rotation/secret-rotations.json"))
            .arg("--repo")
            .arg(repo_dir.path())
            .arg("--ledger")
            .arg(format!(
                "sqlite:{}",
                repo_dir.path().join("ledger.db").display()
            ))
            .args(["--repository", "acme/docs"])
            .args(
                [
                    "ruff-0.17.6-findings.json",
                    "mypy-2.4.1-findings.txt",
                    "black-26.10.1-findings.txt",
                ]
                .map(|lint| {
                    format!(
                        "--input={}",
                        root().join("fixtures/lint").join(lint).display()
                    )
                }),
            ));
        assert_ne!(out.code, 2, "{}: {out:?}", path.display());
        checked += 1;
    }
    // Every page of docs/policies has an example, and there is one per built-in at least.
    assert_eq!(checked, pages);
    assert!(checked >= 6, "{checked} examples");
}
