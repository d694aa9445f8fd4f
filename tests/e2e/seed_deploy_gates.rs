//! The deploy gates of the seed pipelines (`policies/examples/*-deploy.toml`)
//! end to end: each once where it must pass and once where it must fail, on
//! real repositories built here with `git` (and `ssh-keygen` for signed
//! commits), the pull-request and registry fixtures, and a `--now` inside or
//! outside the seed's windows.
//!
//! Expected values come from the fixtures and the calendar, not from
//! verdict: 2026-11-19 is a Thursday, 2026-11-20 a Friday, 2026-12-01 a
//! Tuesday. `gh-pr-482-approved.json` has two approvals on its head commit
//! (`bob`, `dave`; `carol`'s is on an older commit), `gh-pr-483` none and the
//! label `critical security fix`. In `fixtures/secret-rotation/` at
//! 2026-12-01, four secrets are past their last rotation plus schedule:
//! `openai.api_key` (2026-09-01 + 90d = 2026-11-30), `lambda_labs.ssh_private_key`
//! (2026-08-15 + 30d), `slack.webhook_url` (2026-06-01 + 180d = 2026-11-28)
//! and `slack.bot_token` (no date).

use crate::support::{Run, assert_passes, messages, policy, root, run, verdict, write};
use std::path::{Path, PathBuf};

/// Runs `git` in `repo` as committer and author `email`, with no user
/// configuration; returns its trimmed output.
fn git(repo: &Path, email: &str, args: &[&str]) -> String {
    crate::support::git_as(repo, "A", email, args)
}

/// A fresh repository with one unsigned commit; returns its directory, the
/// repository and that commit.
fn repository() -> (tempfile::TempDir, PathBuf, String) {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    fs_err::create_dir_all(&repo).unwrap();
    git(&repo, "ci@example.com", &["init", "-q", "-b", "main"]);
    git(
        &repo,
        "ci@example.com",
        &["commit", "-q", "--allow-empty", "-m", "initial"],
    );
    let first = git(&repo, "ci@example.com", &["rev-parse", "HEAD"]);
    (dir, repo, first)
}

/// `verdict check` of a shipped gate with JSON output.
fn check(gate: &str, now: &str, args: &[&str]) -> (Run, serde_json::Value) {
    let out = run(verdict()
        .args(["check", "--format", "json", "--now", now, "--config"])
        .arg(root().join(gate))
        .args(args));
    let json = serde_json::from_str(&out.stdout).unwrap_or(serde_json::Value::Null);
    (out, json)
}

/// Exit 1, decision `fail`; each listed policy has that decision and that
/// many violations, one of them containing the text (when given).
fn assert_decisions(
    out: &Run,
    json: &serde_json::Value,
    expected: &[(&str, &str, usize, Option<&str>)],
) {
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(json["decision"], "fail", "{out:?}");
    assert_eq!(
        json["policies"].as_array().unwrap().len(),
        expected.len(),
        "{out:?}"
    );
    for (id, decision, count, text) in expected {
        assert_eq!(policy(json, id)["decision"], *decision, "{id}: {out:?}");
        let messages = messages(json, id);
        assert_eq!(messages.len(), *count, "{id}: {messages:#?}");
        if let Some(text) = text {
            assert!(
                messages.iter().any(|message| message.contains(text)),
                "{id}: no message contains {text:?} in {messages:#?}"
            );
        }
    }
}

// 003, VeloFlow: build-{version} → qa-{version} → prod-{version}.

const VELOFLOW: &str = "policies/examples/003-veloflow-deploy.toml";

/// The seed's own example version.
const VERSION: &str = "84fb588-20250120-143022";

/// The build job's test report, the one input the promotion gate is given
/// (its policy reads only the repository).
fn build_tests() -> String {
    root()
        .join("fixtures/junit/pytest-9.2.0-hipaa-pass.xml")
        .display()
        .to_string()
}

#[test]
fn veloflow_promotes_to_production_the_commit_qa_tagged() {
    let (_dir, repo, head) = repository();
    let repo_arg = repo.to_str().unwrap();
    git(
        &repo,
        "ci@example.com",
        &["tag", &format!("build-{VERSION}")],
    );
    let tests = build_tests();
    let args = ["--repo", repo_arg, "--input", &tests, "--version", VERSION];
    // QA needs only the build tag.
    let (out, json) = check(
        VELOFLOW,
        "2026-11-20T10:00:00Z",
        &[&args[..], &["--env", "qa"]].concat(),
    );
    assert_passes(&out, &json, &["promotion"]);
    // Production once QA tagged the same commit (annotated, as a release job would).
    git(
        &repo,
        "ci@example.com",
        &["tag", "-a", &format!("qa-{VERSION}"), "-m", "QA passed"],
    );
    let (out, json) = check(
        VELOFLOW,
        "2026-11-20T10:00:00Z",
        &[&args[..], &["--env", "production"]].concat(),
    );
    assert_passes(&out, &json, &["promotion"]);
    // The deployed commit is the repository input's identity.
    assert!(json["inputs"].to_string().contains(&head), "{out:?}");
}

#[test]
fn veloflow_refuses_production_without_qa_of_this_build() {
    let (_dir, repo, tested) = repository();
    let repo_arg = repo.to_str().unwrap();
    // QA tested the first commit, and tagged a look-alike version too.
    git(
        &repo,
        "ci@example.com",
        &["tag", &format!("build-{VERSION}")],
    );
    git(&repo, "ci@example.com", &["tag", &format!("qa-{VERSION}")]);
    git(&repo, "ci@example.com", &["tag", &format!("qa-{VERSION}0")]);
    git(
        &repo,
        "ci@example.com",
        &["commit", "-q", "--allow-empty", "-m", "rebuilt"],
    );
    let head = git(&repo, "ci@example.com", &["rev-parse", "HEAD"]);
    let (out, json) = check(
        VELOFLOW,
        "2026-11-20T10:00:00Z",
        &[
            "--repo",
            repo_arg,
            "--input",
            &build_tests(),
            "--version",
            VERSION,
            "--env",
            "production",
        ],
    );
    let expected = format!(
        "tag `qa-{VERSION}` points at commit {}, not at the commit being deployed ({})",
        &tested[..12],
        &head[..12]
    );
    // Both tags are on the tested commit, not on the one deployed.
    assert_decisions(&out, &json, &[("promotion", "fail", 2, Some(&expected))]);
    // A misspelt environment is an error, not a skipped promotion.
    let (out, _) = check(
        VELOFLOW,
        "2026-11-20T10:00:00Z",
        &[
            "--repo",
            repo_arg,
            "--input",
            &build_tests(),
            "--version",
            VERSION,
            "--env",
            "prod",
        ],
    );
    assert_eq!(out.code, 2, "{out:?}");
}

// 004, Privacy Finetuner: 1 reviewer for staging, 2 for production, signed
// commits, no Friday deploys unless critical security fix.

const FINETUNER: &str = "policies/examples/004-privacy-finetuner-deploy.toml";

/// A repository whose base commit is unsigned and whose next commit alice
/// signed with a fresh SSH key; returns its directory, the repository, the
/// base commit and the allowed signers file naming alice's key.
fn signed_repository() -> (tempfile::TempDir, PathBuf, String, PathBuf) {
    let (dir, repo, base) = repository();
    let key = dir.path().join("alice");
    let status = std::process::Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C", "alice", "-f"])
        .arg(&key)
        .status()
        .unwrap();
    assert!(status.success());
    let public = fs_err::read_to_string(key.with_extension("pub")).unwrap();
    let allowed_signers = dir.path().join("allowed_signers");
    write(&allowed_signers, &format!("alice@example.com {public}"));
    git(
        &repo,
        "alice@example.com",
        &[
            "-c",
            "gpg.format=ssh",
            "-c",
            &format!("user.signingkey={}", key.display()),
            "commit",
            "-q",
            "-S",
            "--allow-empty",
            "-m",
            "signed change",
        ],
    );
    (dir, repo, base, allowed_signers)
}

/// The deploy gate's arguments: the pull request fixture, the repository
/// from `base`, the allowed signers and the environment.
fn finetuner_args<'a>(
    pull_request: &'a str,
    repo: &'a Path,
    base: &'a str,
    allowed_signers: &'a Path,
    env: &'a str,
) -> Vec<String> {
    [
        "--input",
        &root()
            .join("fixtures/pull-request")
            .join(pull_request)
            .display()
            .to_string(),
        "--repo",
        repo.to_str().unwrap(),
        "--base",
        base,
        "--allowed-signers",
        allowed_signers.to_str().unwrap(),
        "--env",
        env,
    ]
    .map(str::to_owned)
    .to_vec()
}

#[test]
fn finetuner_deploys_to_production_on_thursday_with_two_approvals_and_signed_commits() {
    let (_dir, repo, base, signers) = signed_repository();
    let args = finetuner_args(
        "gh-pr-482-approved.json",
        &repo,
        &base,
        &signers,
        "production",
    );
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (out, json) = check(FINETUNER, "2026-11-19T10:00:00Z", &args);
    assert_passes(
        &out,
        &json,
        &["reviews", "signed-commits", "no-friday-deploys"],
    );
}

#[test]
fn finetuner_refuses_friday_deploys_unsigned_commits_and_unapproved_changes() {
    let (_dir, repo, base, signers) = signed_repository();
    git(
        &repo,
        "alice@example.com",
        &["commit", "-q", "--allow-empty", "-m", "unsigned change"],
    );
    let unsigned = git(&repo, "alice@example.com", &["rev-parse", "HEAD"]);
    let friday = "2026-11-20T10:00:00Z";
    let args = finetuner_args(
        "gh-pr-482-approved.json",
        &repo,
        &base,
        &signers,
        "production",
    );
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (out, json) = check(FINETUNER, friday, &args);
    assert_decisions(
        &out,
        &json,
        &[
            ("reviews", "pass", 0, None),
            ("signed-commits", "fail", 1, Some(&unsigned[..12])),
            (
                "no-friday-deploys",
                "fail",
                1,
                Some("Never deploy on Fridays (unless critical security fix)"),
            ),
        ],
    );
    // A critical security fix may go out on a Friday, but still needs its
    // two production reviewers: pull request 483 has none that count.
    git(
        &repo,
        "alice@example.com",
        &["reset", "-q", "--hard", "HEAD~1"],
    );
    let args = finetuner_args(
        "gh-pr-483-changes-requested.json",
        &repo,
        &base,
        &signers,
        "production",
    );
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (out, json) = check(FINETUNER, friday, &args);
    assert_decisions(
        &out,
        &json,
        &[
            ("reviews", "fail", 1, Some("needs 2 approvals")),
            ("signed-commits", "pass", 0, None),
            ("no-friday-deploys", "pass", 0, None),
        ],
    );
    assert!(
        policy(&json, "no-friday-deploys")
            .to_string()
            .contains("allowed by label `critical security fix` on pull request #483"),
        "{out:?}"
    );
}

// 001, Sophia AI: business-hours deploys, quarterly secret rotation.

const SOPHIA: &str = "policies/examples/001-sophia-ai-deploy.toml";

/// The registry (`rotated/` or not) and the rotation dates as inputs, to
/// production.
fn sophia_args(registry: &str) -> Vec<String> {
    let fixtures = root().join("fixtures/secret-rotation");
    vec![
        "--env".to_owned(),
        "production".to_owned(),
        "--input".to_owned(),
        fixtures.join(registry).display().to_string(),
        "--input".to_owned(),
        fixtures.join("secret-rotations.json").display().to_string(),
    ]
}

#[test]
fn sophia_deploys_in_business_hours_with_every_secret_rotated() {
    let args = sophia_args("rotated/integration_registry.json");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    // Friday 10:00 UTC: a weekday, in business hours.
    let (out, json) = check(SOPHIA, "2026-11-20T10:00:00Z", &args);
    assert_passes(&out, &json, &["business-hours", "secret-rotation"]);
}

#[test]
fn sophia_refuses_evening_deploys_and_secrets_past_their_rotation() {
    let args = sophia_args("integration_registry.json");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    // Tuesday 20:00 UTC, after business hours; the next window opens on
    // Wednesday at 09:00, 13 hours later.
    let (out, json) = check(SOPHIA, "2026-12-01T20:00:00Z", &args);
    assert_decisions(
        &out,
        &json,
        &[
            (
                "business-hours",
                "fail",
                1,
                Some("no deploy to `production` until Wed 2026-12-02 09:00 UTC (in 13 hours)"),
            ),
            (
                "secret-rotation",
                "fail",
                4,
                Some(
                    "secret `api_key` of service `openai` (owner `ai-team`) is overdue for rotation: last rotated 2026-09-01, schedule 90d, due 2026-11-30",
                ),
            ),
        ],
    );
}
