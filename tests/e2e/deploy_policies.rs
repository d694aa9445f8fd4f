//! The deploy-side built-ins end to end: `promotion` on real repositories
//! built with `git` (tags that look alike, a tag on another commit, annotated
//! and lightweight tags, no version), `deploy-window` and `secret-rotation`
//! from gate files with the run's `--now`, `--env` and `--actor`.

use crate::support::{corpus, root, run, verdict, write};
use std::path::{Path, PathBuf};

const NOW: &str = "2026-11-20T10:00:00Z";

/// A gate file in a temporary directory, with a clean report as its input
/// (a gate needs one; the policies here read the repository and the context).
fn gate(policy: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("verdict.toml");
    write(
        &path,
        &format!(
            "inputs = [\"{}\"]\n{policy}",
            corpus()
                .join("cargo-audit/cargo-audit-no-findings.json")
                .display()
        ),
    );
    (dir, path)
}

/// Runs `git` in `repo` with a fixed identity and no user configuration;
/// returns its trimmed output.
fn git(repo: &Path, args: &[&str]) -> String {
    crate::support::git_as(repo, "A", "a@example.com", args)
}

/// A repository whose first commit is tagged `build-1.2.3` (lightweight)
/// and `qa-1.2.30` (annotated), with a second commit at HEAD.
fn repository() -> (tempfile::TempDir, PathBuf, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    fs_err::create_dir_all(&repo).unwrap();
    git(&repo, &["init", "-q", "-b", "main"]);
    git(
        &repo,
        &["commit", "-q", "--allow-empty", "-m", "release 1.2.3"],
    );
    let first = git(&repo, &["rev-parse", "HEAD"]);
    git(&repo, &["tag", "build-1.2.3"]);
    git(&repo, &["tag", "-a", "qa-1.2.30", "-m", "QA passed 1.2.30"]);
    git(
        &repo,
        &["commit", "-q", "--allow-empty", "-m", "after the release"],
    );
    let second = git(&repo, &["rev-parse", "HEAD"]);
    (dir, repo, first, second)
}

const PROMOTION: &str = r#"
[[policy]]
id = "promotion"
plugin = "builtin:promotion"
config = { rules = [
    { environments = ["qa"], require = ["build-{version}"] },
    { environments = ["production"], require = ["build-{version}", "qa-{version}"] },
] }
"#;

fn promote(repo: &Path, config: &Path, args: &[&str]) -> crate::support::Run {
    run(verdict()
        .args(["check", "--now", NOW, "--config"])
        .arg(config)
        .arg("--repo")
        .arg(repo)
        .args(args))
}

#[test]
fn promotion_requires_the_exact_tags_at_the_deployed_commit() {
    let (_repo_dir, repo, first, second) = repository();
    let (_dir, config) = gate(PROMOTION);
    let head = ["--head", first.as_str()];

    // QA needs the build tag only, and it is on the first commit.
    let out = promote(
        &repo,
        &config,
        &[&head[..], &["--env", "qa", "--version", "1.2.3"]].concat(),
    );
    assert_eq!(out.code, 0, "{out:?}");

    // Production needs qa-1.2.3: the annotated qa-1.2.30 on the same commit does not count.
    let out = promote(
        &repo,
        &config,
        &[&head[..], &["--env", "production", "--version", "1.2.3"]].concat(),
    );
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stdout
            .contains("tag `qa-1.2.3` does not exist: it is required to deploy to `production`"),
        "{out:?}"
    );
    assert!(!out.stdout.contains("build-1.2.3"), "{out:?}");

    // Version 1.2.30 is QA'd but was never built under that name.
    let out = promote(
        &repo,
        &config,
        &[&head[..], &["--env", "production", "--version", "1.2.30"]].concat(),
    );
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stdout.contains("tag `build-1.2.30` does not exist"),
        "{out:?}"
    );
    assert!(!out.stdout.contains("qa-1.2.30"), "{out:?}");

    // Once QA tags 1.2.3 (annotated, peeled to its commit), production passes.
    git(
        &repo,
        &["tag", "-a", "qa-1.2.3", &first, "-m", "QA passed 1.2.3"],
    );
    let out = promote(
        &repo,
        &config,
        &[&head[..], &["--env", "production", "--version", "1.2.3"]].concat(),
    );
    assert_eq!(out.code, 0, "{out:?}");

    // The same version deployed from HEAD, a later commit: both tags are elsewhere.
    let out = promote(
        &repo,
        &config,
        &["--env", "production", "--version", "1.2.3"],
    );
    assert_eq!(out.code, 1, "{out:?}");
    for tag in ["build-1.2.3", "qa-1.2.3"] {
        let expected = format!(
            "tag `{tag}` points at commit {}, not at the commit being deployed ({})",
            &first[..12],
            &second[..12]
        );
        assert!(out.stdout.contains(&expected), "{expected}: {out:?}");
    }
}

#[test]
fn promotion_without_a_version_or_a_repository_is_an_error() {
    let (_repo_dir, repo, first, _second) = repository();
    let (_dir, config) = gate(PROMOTION);
    let out = promote(&repo, &config, &["--head", &first, "--env", "production"]);
    assert_eq!(out.code, 2, "{out:?}");
    let all = format!("{}{}", out.stdout, out.stderr);
    assert!(
        all.contains("the run has no version, and `build-{version}` needs one"),
        "{out:?}"
    );
    // Tags passed by hand are not evidence of where they point.
    let out = run(verdict()
        .args([
            "check",
            "--now",
            NOW,
            "--env",
            "production",
            "--version",
            "1.2.3",
        ])
        .args(["--tag", "build-1.2.3", "--tag", "qa-1.2.3", "--config"])
        .arg(&config));
    assert_eq!(out.code, 2, "{out:?}");
    let all = format!("{}{}", out.stdout, out.stderr);
    assert!(all.contains("no input speaks for tags"), "{out:?}");
    // An environment no rule names passes, with a note.
    let out = promote(&repo, &config, &["--env", "dev", "--format", "json"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout
            .contains("no promotion rule applies to environment `dev`"),
        "{out:?}"
    );
}

#[test]
fn a_friday_deploy_needs_an_emergency_actor() {
    let (_dir, config) = gate(
        r#"
[[policy]]
id = "deploy-window"
plugin = "builtin:deploy-window"
config = { timezone = "America/New_York", allow = [
    { days = ["mon-fri"], hours = "09:00-17:00" },
], deny = [
    { days = ["fri"], environments = ["production"] },
], emergency = { actors = ["release-manager"] } }
"#,
    );
    // Friday 2026-03-06 10:00 EST (15:00 UTC). The window reopens on Monday
    // 09:00 EDT (13:00 UTC), after the change to daylight saving time on
    // Sunday: 70 hours later, not 71.
    let friday = "2026-03-06T15:00:00Z";
    let check = |args: &[&str]| {
        run(verdict()
            .args(["check", "--now", friday, "--config"])
            .arg(&config)
            .args(args))
    };
    let out = check(&[
        "--env",
        "production",
        "--actor",
        "someone",
        "--format",
        "json",
    ]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stdout.contains(
            "no deploy to `production` until Mon 2026-03-09 09:00 EDT (in 2 days 22 hours)"
        ),
        "{out:?}"
    );
    let out = check(&["--env", "staging"]);
    assert_eq!(out.code, 0, "{out:?}");
    let out = check(&[
        "--env",
        "production",
        "--actor",
        "release-manager",
        "--format",
        "json",
    ]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout.contains(
            "emergency deploy to `production` at Fri 2026-03-06 10:00 EST allowed by the run's actor `release-manager`"
        ),
        "{out:?}"
    );
}

#[test]
fn secret_rotation_reads_the_registry_and_the_dates_given_as_inputs() {
    let fixtures = root().join("fixtures/secret-rotation");
    let (_dir, config) = gate(
        r#"
[[policy]]
id = "secret-rotation"
plugin = "builtin:secret-rotation"
config = { rotations = "**/secret-rotations.json" }
"#,
    );
    let out = run(verdict()
        .args(["check", "--now", NOW, "--format", "json", "--config"])
        .arg(&config)
        .arg("--input")
        .arg(fixtures.join("integration_registry.json"))
        .arg("--input")
        .arg(fixtures.join("secret-rotations.json")));
    assert_eq!(out.code, 1, "{out:?}");
    let document: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let text = document.to_string();
    assert!(
        text.contains(
            "secret `ssh_private_key` of service `lambda_labs` (owner `platform-team`) is overdue"
        ),
        "{text}"
    );
    assert!(
        text.contains("secret `bot_token` of service `slack`"),
        "{text}"
    );
    // A `rotations` glob that matches no input is an error, not a pass.
    let out = run(verdict()
        .args(["check", "--now", NOW, "--config"])
        .arg(&config)
        .arg("--input")
        .arg(fixtures.join("integration_registry.json")));
    assert_eq!(out.code, 2, "{out:?}");
    let all = format!("{}{}", out.stdout, out.stderr);
    assert!(
        all.contains("no input document matches `rotations`"),
        "{out:?}"
    );
}
