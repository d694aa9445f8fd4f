//! `reviews` with `code-owners` over a real repository: CODEOWNERS read at
//! `--head`, changed paths from the merge-base diff and from the pull
//! request, approvals from the pull-request document.

use crate::support::{root, run, verdict, write};
use std::path::Path;

fn git(repo: &Path, args: &[&str]) {
    crate::support::git_as(repo, "Alice", "alice@example.com", args);
}

/// A repository whose CODEOWNERS gives `src/` to carol and `docs/` to the
/// `@org/docs` team, and a branch that changes a file in each.
fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    git(repo, &["init", "--quiet", "--initial-branch", "main"]);
    write(
        &repo.join(".github/CODEOWNERS"),
        "# owners\n/src/ @carol\n/docs/ @org/docs\n",
    );
    write(
        &repo.join("src/api/limits.rs"),
        "pub const MAX: u32 = 10;\n",
    );
    write(&repo.join("docs/rate-limits.md"), "# Rate limits\n");
    git(repo, &["add", "."]);
    git(repo, &["commit", "--quiet", "-m", "base"]);
    git(repo, &["checkout", "--quiet", "-b", "feature"]);
    write(
        &repo.join("src/api/limits.rs"),
        "pub const MAX: u32 = 20;\n",
    );
    write(
        &repo.join("docs/rate-limits.md"),
        "# Rate limits\n\nNow 20.\n",
    );
    git(repo, &["commit", "--quiet", "-am", "raise the limit"]);
    dir
}

fn check(repo: &Path, teams: &str) -> (crate::support::Run, serde_json::Value) {
    let dir = tempfile::tempdir().unwrap();
    let gate = dir.path().join("verdict.toml");
    write(
        &gate,
        &format!(
            "[[policy]]\nid = \"code-owners\"\nplugin = \"builtin:reviews\"\nconfig = {{ code-owners = true, teams = {teams} }}\n"
        ),
    );
    let out = run(verdict()
        .args(["check", "--now", "2026-11-20T10:00:00Z", "--format", "json"])
        .arg("--config")
        .arg(&gate)
        .arg("--input")
        .arg(root().join("fixtures/pull-request/gh-pr-482-approved.json"))
        .arg("--repo")
        .arg(repo)
        .args(["--base", "main", "--head", "feature"]));
    let json = serde_json::from_str(&out.stdout).unwrap_or(serde_json::Value::Null);
    (out, json)
}

#[test]
fn code_owners_of_every_changed_path_must_approve() {
    let repo = repository();
    // carol owns src/ and approved; dave, in @org/docs, approved docs/.
    let (out, json) = check(repo.path(), r#"{ "org/docs" = ["dave"] }"#);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(json["decision"], "pass", "{out:?}");

    // Nobody who approved is in @org/docs: the docs change lacks its owner.
    let (out, json) = check(repo.path(), r#"{ "org/docs" = ["erin"] }"#);
    assert_eq!(out.code, 1, "{out:?}");
    let violations = json["policies"][0]["violations"].as_array().unwrap();
    assert_eq!(violations.len(), 1, "{out:?}");
    let message = violations[0]["message"].as_str().unwrap();
    assert!(message.contains("docs/rate-limits.md"), "{message}");
    assert!(message.contains("@org/docs"), "{message}");
}
