//! Running the binary and reading what it did.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The scanner corpus: `fixtures/corpus`, a byte-exact copy of the shared
/// corpus (`../shared/corpus`), so that tests run wherever the repository is
/// checked out. Never edited; `corpus_copy_is_byte_exact` keeps it so.
pub fn corpus() -> PathBuf {
    root().join("fixtures/corpus")
}

/// A `verdict` command with a private plugin cache under `target/`, run
/// from the repository root.
pub fn verdict() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_verdict"));
    command
        .current_dir(root())
        .env("VERDICT_CACHE_DIR", root().join("target/e2e-plugin-cache"))
        .env(
            "VERDICT_CACHE_KEY_FILE",
            root().join("target/e2e-plugin-cache-key/cache.key"),
        )
        .env("NO_COLOR", "1")
        .env_remove("RUST_LOG");
    for ci_variable in [
        "VERDICT_ENV",
        "VERDICT_VERSION",
        "GITHUB_HEAD_REF",
        "GITHUB_BASE_REF",
        "GITHUB_EVENT_NAME",
        "CI_PIPELINE_SOURCE",
        "CI_MERGE_REQUEST_TARGET_BRANCH_NAME",
        "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME",
        "GITHUB_REF_NAME",
        "CI_COMMIT_REF_NAME",
        "CI_COMMIT_TAG",
        "GITHUB_ACTOR",
        "GITLAB_USER_LOGIN",
        "GITHUB_REPOSITORY",
        "CI_PROJECT_PATH",
    ] {
        command.env_remove(ci_variable);
    }
    command
}

/// What a run produced.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl std::fmt::Debug for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit {}\n--- stdout\n{}\n--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// Runs a command to completion.
pub fn run(command: &mut Command) -> Run {
    let Output {
        status,
        stdout,
        stderr,
    } = command.output().expect("verdict runs");
    Run {
        code: status.code().expect("exited, not killed"),
        stdout: String::from_utf8(stdout).expect("utf-8 stdout"),
        stderr: String::from_utf8(stderr).expect("utf-8 stderr"),
    }
}

/// Writes a file, creating parent directories.
pub fn write(path: &Path, text: &str) {
    fs_err::create_dir_all(path.parent().unwrap()).unwrap();
    fs_err::write(path, text).unwrap();
}

/// sha256 of a file, lowercase hex (via the binary's own `plugin inspect`
/// would be circular; use sha256sum from coreutils).
pub fn sha256_of(path: &Path) -> String {
    let output = Command::new("sha256sum")
        .arg(path)
        .output()
        .expect("sha256sum");
    String::from_utf8(output.stdout)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned()
}

/// Runs `git` in `repo` as `name <email>` (author and committer), isolated
/// from the user's and the system's configuration; its trimmed stdout.
/// Tests build real repositories with it; verdict itself never runs `git`.
pub fn git_as(repo: &Path, name: &str, email: &str, args: &[&str]) -> String {
    let output = Command::new("git")
        .args(args)
        .current_dir(repo)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", name)
        .env("GIT_AUTHOR_EMAIL", email)
        .env("GIT_COMMITTER_NAME", name)
        .env("GIT_COMMITTER_EMAIL", email)
        .output()
        .expect("git runs");
    assert!(output.status.success(), "git {args:?}: {output:?}");
    String::from_utf8(output.stdout)
        .expect("utf-8 git output")
        .trim()
        .to_owned()
}

/// The policy of that id in a verdict document.
pub fn policy<'a>(json: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    json["policies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|policy| policy["id"] == id)
        .unwrap_or_else(|| panic!("no policy `{id}` in {json}"))
}

/// The messages of a policy's violations.
pub fn messages(json: &serde_json::Value, id: &str) -> Vec<String> {
    policy(json, id)["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|violation| violation["message"].as_str().unwrap().to_owned())
        .collect()
}

/// Exit 0, decision `pass`, exactly these policies, each `pass` with no
/// violation.
pub fn assert_passes(out: &Run, json: &serde_json::Value, ids: &[&str]) {
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(json["decision"], "pass", "{out:?}");
    let policies = json["policies"].as_array().unwrap();
    let actual: Vec<&str> = policies.iter().map(|p| p["id"].as_str().unwrap()).collect();
    assert_eq!(actual, ids, "{out:?}");
    for policy in policies {
        assert_eq!(policy["decision"], "pass", "{policy}");
        assert!(
            policy["violations"].as_array().unwrap().is_empty(),
            "{policy}"
        );
    }
}
