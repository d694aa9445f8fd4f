//! History as evidence, end to end: quality gates recorded in a real SQLite
//! ledger by `verdict check --ledger`, then a deploy gate whose
//! `quality-history` policy reads them back (seed 001: "3 consecutive
//! failures | Block deployments").

use crate::support::{Run, root, run, verdict, write};
use std::path::Path;

/// The example deploy gate for seed 001.
const DEPLOY: &str = "policies/examples/001-sophia-ai-history.toml";

/// A quality gate of one policy: no secrets.
fn quality_gate(dir: &Path) -> String {
    let path = dir.join("quality.toml");
    write(
        &path,
        "[[policy]]\nid = \"no-secrets\"\nplugin = \"builtin:secrets\"\n",
    );
    path.display().to_string()
}

fn gitleaks(report: &str) -> String {
    format!(
        "gitleaks:{}",
        root()
            .join("fixtures/corpus/gitleaks")
            .join(report)
            .display()
    )
}

/// `verdict check` for repository `acme/app`, at `now`.
fn check(config: &str, input: &str, now: &str, extra: &[&str]) -> Run {
    run(verdict()
        .env_remove("VERDICT_LEDGER")
        .args(["check", "--config", config, "--input", input])
        .args(["--repository", "acme/app", "--now", now])
        .args(extra))
}

/// A push to `main` through the quality gate, recorded in the ledger.
fn quality_run(dir: &Path, url: &str, report: &str, now: &str) -> Run {
    let gate = quality_gate(dir);
    check(
        &gate,
        &gitleaks(report),
        now,
        &["--branch", "main", "--event", "push", "--ledger", url],
    )
}

/// The deploy of `main` to production through `gate`.
fn deploy_with(gate: &str, ledger: Option<&str>, now: &str, extra: &[&str]) -> Run {
    let input = root()
        .join("fixtures/secret-rotation/rotated/integration_registry.json")
        .display()
        .to_string();
    let mut args = vec!["--env", "production", "--event", "deploy"];
    if let Some(url) = ledger {
        args.extend(["--ledger", url]);
    }
    args.extend(extra);
    check(gate, &input, now, &args)
}

/// The deploy of `main` to production through the example gate, recorded in
/// the ledger at `url`; JSON on stdout.
fn deploy(url: &str, now: &str) -> (Run, serde_json::Value) {
    let out = deploy_with(
        DEPLOY,
        Some(url),
        now,
        &["--branch", "main", "--format", "json"],
    );
    let json = serde_json::from_str(&out.stdout).unwrap_or_else(|_| panic!("{out:?}"));
    (out, json)
}

/// The deploy gate's one policy's violation messages and notes.
fn said(json: &serde_json::Value) -> (Vec<String>, Vec<String>) {
    let policy = crate::support::policy(json, "quality-gate-streak");
    let texts = |key: &str, field: Option<&str>| {
        policy[key]
            .as_array()
            .into_iter()
            .flatten()
            .map(|item| {
                field
                    .map_or(item, |field| &item[field])
                    .as_str()
                    .unwrap_or_default()
                    .to_owned()
            })
            .collect()
    };
    (texts("violations", Some("message")), texts("notes", None))
}

#[test]
fn three_failed_quality_gates_block_the_deploy_until_one_passes() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("ledger.db").display());
    for hour in ["08", "09", "10"] {
        let now = format!("2026-11-20T{hour}:00:00Z");
        let out = quality_run(dir.path(), &url, "gitleaks-8-simple.json", &now);
        assert_eq!(out.code, 1, "quality run at {now}: {out:?}");
    }

    // Seqs 1-3 failed on main: the deploy (recorded as seq 4) is blocked.
    let (out, json) = deploy(&url, "2026-11-20T11:00:00Z");
    assert_eq!(out.code, 1, "{out:?}");
    let (violations, _) = said(&json);
    assert_eq!(
        violations,
        [
            "the last 3 runs on branch `main` without an environment failed (#3 fail at 2026-11-20T10:00:00Z, #2 fail at 2026-11-20T09:00:00Z, #1 fail at 2026-11-20T08:00:00Z), at most 3 allowed: blocked until a run there passes"
        ]
    );

    // Per-policy results come from the ledger too: decided by the quality
    // gate's `no-secrets` policy the streak is the same; by a policy those
    // runs never had, no run counts. The ledger comes from $VERDICT_LEDGER
    // here; these two deploys are recorded as seqs 5 and 6.
    let text = fs_err::read_to_string(root().join(DEPLOY)).unwrap();
    for (policies, code, expected) in [
        (
            "no-secrets",
            1,
            "(policies `no-secrets`) failed (#3 fail at",
        ),
        (
            "lint",
            0,
            "no earlier run on branch `main` without an environment (policies `lint`)",
        ),
    ] {
        let gate = dir.path().join(format!("deploy-{policies}.toml"));
        let by_policy = text
            .replace(
                "count = [",
                &format!("policies = [\"{policies}\"], count = ["),
            )
            .replace("ledger = ", "# ledger = ");
        write(&gate, &by_policy);
        let out = run(verdict()
            .args(["check", "--config", &gate.display().to_string()])
            .args(["--input", &gitleaks("gitleaks-8-empty.json")])
            .args([
                "--env",
                "production",
                "--branch",
                "main",
                "--repository",
                "acme/app",
            ])
            .env("VERDICT_LEDGER", &url)
            .args(["--format", "json", "--now", "2026-11-20T11:30:00Z"]));
        assert_eq!(out.code, code, "{out:?}");
        let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
        let (violations, notes) = said(&json);
        assert!(
            violations
                .iter()
                .chain(&notes)
                .any(|text| text.contains(expected)),
            "{out:?}"
        );
    }

    // A passing quality gate (seq 7) ends the streak; the failed deploy in
    // between ran in an environment, so it never counted.
    let out = quality_run(
        dir.path(),
        &url,
        "gitleaks-8-empty.json",
        "2026-11-20T12:00:00Z",
    );
    assert_eq!(out.code, 0, "{out:?}");
    let (out, json) = deploy(&url, "2026-11-20T13:00:00Z");
    assert_eq!(out.code, 0, "{out:?}");
    let (violations, notes) = said(&json);
    assert!(violations.is_empty(), "{out:?}");
    assert_eq!(
        notes,
        [
            "the last run on branch `main` without an environment did not fail: #7 pass at 2026-11-20T12:00:00Z"
        ]
    );
    // The ledger is recorded as an input: its redacted URL, the chain head
    // it was read up to, the runs read, speaking for `history`.
    let input = json["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|input| input["format"] == "ledger")
        .unwrap_or_else(|| panic!("no ledger input: {json}"));
    assert_eq!(input["path"], url.as_str());
    assert_eq!(input["records"], 7);
    let verify = run(verdict().args(["ledger", "verify", "--ledger", &url, "--output", "json"]));
    assert_eq!(verify.code, 0, "{verify:?}");
    let verify: serde_json::Value = serde_json::from_str(&verify.stdout).unwrap();
    assert_eq!(verify["records"], 8, "the deploys are recorded too");
    // A verdict resting on history cannot be replayed: `verify` says so.
    let stored = dir.path().join("deploy.json");
    write(&stored, &out.stdout);
    let replay = run(verdict().arg("verify").arg(&stored));
    assert_eq!(replay.code, 2, "{replay:?}");
    assert!(
        replay
            .stderr
            .contains("a run resting on history cannot be replayed"),
        "{replay:?}"
    );
    let listed = run(verdict().args(["ledger", "list", "--ledger", &url, "--output", "json"]));
    assert!(
        listed.stdout.contains(input["sha256"].as_str().unwrap()),
        "the ledger input's sha256 is the hash of record 7, the head it read: {listed:?}"
    );
}

#[test]
fn without_a_ledger_or_a_repository_the_history_policy_errors() {
    // The example gate without its `ledger` line.
    let dir = tempfile::tempdir().unwrap();
    let gate = dir.path().join("deploy.toml");
    let text = fs_err::read_to_string(root().join(DEPLOY)).unwrap();
    let without: String = text
        .lines()
        .filter(|line| !line.starts_with("ledger ="))
        .map(|line| format!("{line}\n"))
        .collect();
    assert_ne!(without, text);
    write(&gate, &without);
    let gate = gate.display().to_string();
    let out = deploy_with(&gate, None, "2026-11-20T11:00:00Z", &["--branch", "main"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stdout.contains("no input speaks for history") && out.stdout.contains("--ledger URL"),
        "{out:?}"
    );

    // A ledger but no repository name: nothing to read the history of.
    let url = format!("sqlite:{}", dir.path().join("ledger.db").display());
    let input = gitleaks("gitleaks-8-empty.json");
    let out = run(verdict()
        .env_remove("VERDICT_LEDGER")
        .env_remove("GITHUB_REPOSITORY")
        .env_remove("CI_PROJECT_PATH")
        .args(["check", "--config", &gate, "--input", &input])
        .args(["--env", "production", "--branch", "main", "--ledger", &url]));
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stdout.contains("no input speaks for history"),
        "{out:?}"
    );
}

#[test]
fn an_unreadable_ledger_is_an_error_of_the_run_naming_it_without_its_password() {
    let out = deploy_with(
        DEPLOY,
        Some("postgres://ci:hunter2@127.0.0.1:1/ledger?connect_timeout=2"),
        "2026-11-20T11:00:00Z",
        &["--branch", "main"],
    );
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains("the ledger's history cannot be read")
            && out.stderr.contains("postgres://ci:***@127.0.0.1:1/ledger"),
        "{out:?}"
    );
    assert!(!format!("{out:?}").contains("hunter2"), "{out:?}");
}

#[test]
fn a_hostile_branch_name_is_matched_literally_and_printed_neutralised() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("ledger.db").display());
    // Glob characters, a terminal escape, a forged line and a right-to-left
    // override, in the branch the CI reported.
    let hostile = "main[\u{1b}[2J\nPASS forged\u{202e}";
    // The example gate without its `branch`: the run's own branch counts.
    let gate = dir.path().join("deploy.toml");
    let text = fs_err::read_to_string(root().join(DEPLOY)).unwrap();
    let without = text.replace("branch = \"main\", ", "");
    assert_ne!(without, text);
    write(&gate, &without);
    let gate = gate.display().to_string();
    for now in [
        "2026-11-20T08:00:00Z",
        "2026-11-20T09:00:00Z",
        "2026-11-20T10:00:00Z",
    ] {
        let out = check(
            &quality_gate(dir.path()),
            &gitleaks("gitleaks-8-simple.json"),
            now,
            &["--branch", hostile, "--event", "push", "--ledger", &url],
        );
        assert_eq!(out.code, 1, "{out:?}");
    }
    let out = deploy_with(
        &gate,
        Some(&url),
        "2026-11-20T11:00:00Z",
        &["--branch", hostile],
    );
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stdout.contains("the last 3 runs on branch `main["),
        "{out:?}"
    );
    assert!(
        !out.stdout.contains('\u{1b}') && !out.stdout.contains('\u{202e}'),
        "{out:?}"
    );
    assert!(!out.stdout.contains("\nPASS forged"), "{out:?}");
}
