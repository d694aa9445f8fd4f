//! `signed-commits` end to end: a repository signed with `ssh-keygen`, the allowed signers file
//! from the gate file or `--allowed-signers`, a commit tampered with after signing, an unsigned
//! commit, and a bot exemption.

use crate::support::{corpus, run, verdict, write};
use std::path::{Path, PathBuf};

const NOW: &str = "2026-11-20T10:00:00Z";

/// Runs `git` in `repo` as `email`, with no user configuration; returns its trimmed output.
fn git(repo: &Path, email: &str, args: &[&str]) -> String {
    let output = std::process::Command::new("git")
        .args(args)
        .current_dir(repo)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "Author")
        .env("GIT_AUTHOR_EMAIL", email)
        .env("GIT_COMMITTER_NAME", "Committer")
        .env("GIT_COMMITTER_EMAIL", email)
        .output()
        .unwrap();
    assert!(output.status.success(), "git {args:?}: {output:?}");
    String::from_utf8(output.stdout).unwrap().trim().to_owned()
}

struct Repository {
    _dir: tempfile::TempDir,
    repo: PathBuf,
    allowed_signers: PathBuf,
    root: String,
    signed: String,
    tampered: String,
    bot: String,
}

/// root (unsigned) → signed by alice → tampered after signing → unsigned bot commit.
fn repository() -> Repository {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    fs_err::create_dir_all(&repo).unwrap();
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
    git(&repo, "x@example.com", &["init", "-q", "-b", "main"]);
    git(
        &repo,
        "x@example.com",
        &["commit", "-q", "--allow-empty", "-m", "root"],
    );
    let root = git(&repo, "x@example.com", &["rev-parse", "HEAD"]);
    let sign = [
        "-c".to_owned(),
        "gpg.format=ssh".to_owned(),
        "-c".to_owned(),
        format!("user.signingkey={}", key.display()),
    ];
    let commit = |message: &str| {
        let mut args: Vec<&str> = sign.iter().map(String::as_str).collect();
        args.extend(["commit", "-q", "-S", "--allow-empty", "-m", message]);
        git(&repo, "alice@example.com", &args);
        git(&repo, "x@example.com", &["rev-parse", "HEAD"])
    };
    let signed = commit("signed");
    commit("pay alice");
    // The same headers and signature, another message.
    let object = git(&repo, "x@example.com", &["cat-file", "commit", "HEAD"]);
    let (headers, _) = object.split_once("\n\n").unwrap();
    let forged = dir.path().join("forged");
    write(&forged, &format!("{headers}\n\npay mallory\n"));
    let tampered = git(
        &repo,
        "x@example.com",
        &[
            "hash-object",
            "-t",
            "commit",
            "-w",
            forged.to_str().unwrap(),
        ],
    );
    git(
        &repo,
        "x@example.com",
        &["reset", "-q", "--hard", &tampered],
    );
    git(
        &repo,
        "49699333+dependabot[bot]@users.noreply.github.com",
        &["commit", "-q", "--allow-empty", "-m", "bump"],
    );
    let bot = git(&repo, "x@example.com", &["rev-parse", "HEAD"]);
    Repository {
        _dir: dir,
        repo,
        allowed_signers,
        root,
        signed,
        tampered,
        bot,
    }
}

/// A gate with `signed-commits` (and `extra` top-level lines) in a temporary directory.
fn gate(extra: &str, config: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("verdict.toml");
    write(
        &path,
        &format!(
            "inputs = [\"{}\"]\n{extra}\n[[policy]]\nid = \"signed\"\nplugin = \"builtin:signed-commits\"\nconfig = {config}\n",
            corpus()
                .join("cargo-audit/cargo-audit-no-findings.json")
                .display()
        ),
    );
    (dir, path)
}

fn check(config: &Path, repository: &Repository, args: &[&str]) -> crate::support::Run {
    run(verdict()
        .args([
            "check",
            "--now",
            NOW,
            "--no-timings",
            "--format",
            "json",
            "--config",
        ])
        .arg(config)
        .arg("--repo")
        .arg(&repository.repo)
        .args(args))
}

fn violations(stdout: &str) -> Vec<String> {
    let json: serde_json::Value = serde_json::from_str(stdout).unwrap();
    json["policies"][0]["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|violation| violation["message"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn a_tampered_and_an_unsigned_commit_fail_and_a_signed_one_passes() {
    let repository = repository();
    // The allowed signers file from the gate file, relative to it.
    let (dir, config) = gate("allowed-signers = \"allowed_signers\"", "{}");
    fs_err::copy(
        &repository.allowed_signers,
        dir.path().join("allowed_signers"),
    )
    .unwrap();
    let out = check(&config, &repository, &["--base", &repository.root]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let messages = violations(&out.stdout);
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(
        messages.iter().any(|message| message.starts_with(&format!(
            "commit {} by Author <alice@example.com> has a bad SSH signature",
            &repository.tampered[..12]
        ))),
        "{messages:?}"
    );
    assert!(
        messages.contains(&format!(
            "commit {} by Author <49699333+dependabot[bot]@users.noreply.github.com> is not signed",
            &repository.bot[..12]
        )),
        "{messages:?}"
    );
    // Only the good commit: pass.
    let out = check(
        &config,
        &repository,
        &["--base", &repository.root, "--head", &repository.signed],
    );
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert!(violations(&out.stdout).is_empty());
}

#[test]
fn the_flag_gives_the_keys_and_bots_can_be_exempted_with_a_reason() {
    let repository = repository();
    let (_dir, config) = gate(
        "",
        r#"{ exempt = [{ author-email = "*[bot]@users.noreply.github.com", reason = "dependency bot" }] }"#,
    );
    // Without keys, the signed commits are not checked: never a pass.
    let out = check(&config, &repository, &["--base", &repository.root]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let messages = violations(&out.stdout);
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(
        messages
            .iter()
            .all(|message| message.contains("was not verified")
                && message.contains("--allowed-signers")),
        "{messages:?}"
    );
    let out = check(
        &config,
        &repository,
        &[
            "--base",
            &repository.root,
            "--allowed-signers",
            repository.allowed_signers.to_str().unwrap(),
        ],
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    let messages = violations(&out.stdout);
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert!(
        messages[0].contains(&repository.tampered[..12]),
        "{messages:?}"
    );
    assert!(
        out.stdout.contains("dependency bot"),
        "the exemption is noted"
    );
}

#[test]
fn a_malformed_allowed_signers_file_is_an_error_naming_the_line() {
    let repository = repository();
    let (dir, config) = gate("", "{}");
    let bad = dir.path().join("bad_signers");
    write(
        &bad,
        "# team\nalice@example.com ssh-ed25519 AAAA-not-a-key\n",
    );
    let out = check(
        &config,
        &repository,
        &[
            "--base",
            &repository.root,
            "--allowed-signers",
            bad.to_str().unwrap(),
        ],
    );
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains(&format!("`{}`, line 2:", bad.display())),
        "{}",
        out.stderr
    );
}
