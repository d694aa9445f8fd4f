//! `verdict ledger verify` and `verdict ledger list` on an SQLite ledger
//! written through the ledger's API, then tampered with directly.

use crate::support::{run, verdict};
use std::process::Command;
use verdict_gate::document::Verdict;
use verdict_ledger::{Ledger, Signer};

/// A verdict document for run `n`, on branch `branch`.
fn document(n: i64, branch: &str) -> Verdict {
    serde_json::from_value(serde_json::json!({
        "format": "verdict/v1",
        "verdict_version": "0.1.0",
        "decision": if n == 2 { "fail" } else { "pass" },
        "context": {
            "environment": "production",
            "branch": branch,
            "version": format!("1.{n}.0"),
            "now": format!("2026-11-0{n}T10:00:00Z"),
            "now_unix": 1_793_527_200 + (n - 1) * 86_400,
            "actor": "release-bot",
            "repository": "acme/api",
        },
        "summary": {"policies": 0, "passed": 0, "warned": 0, "failed": 0, "errored": 0, "skipped": 0, "violations": 0},
        "inputs": [],
        "policies": [],
    }))
    .unwrap()
}

/// The hostile branch name of the third record: a terminal escape, a
/// newline with a forged line, and a right-to-left override.
const HOSTILE_BRANCH: &str = "feat\u{1b}[2J\nledger x intact: 0 records\u{202e}";

/// A ledger of three records; returns its URL and the receipts' hashes.
fn ledger(dir: &std::path::Path, signer: Option<&Signer>) -> (String, Vec<String>) {
    let url = format!("sqlite:{}", dir.join("ledger.db").display());
    let mut ledger = Ledger::open(&url).unwrap();
    let hashes = [(1, "main"), (2, "main"), (3, HOSTILE_BRANCH)]
        .into_iter()
        .map(|(n, branch)| ledger.append(&document(n, branch), signer).unwrap().hash)
        .collect();
    (url, hashes)
}

fn ledger_command(args: &[&str]) -> Command {
    let mut command = verdict();
    command
        .arg("ledger")
        .args(args)
        .env_remove("VERDICT_LEDGER")
        .env_remove("VERDICT_LEDGER_KEY")
        .env_remove("VERDICT_LEDGER_PUBLIC_KEY");
    command
}

fn tamper(url: &str, sql: &str) {
    let connection = rusqlite::Connection::open(url.strip_prefix("sqlite:").unwrap()).unwrap();
    connection.execute_batch(sql).unwrap();
}

#[test]
fn an_intact_ledger_verifies_with_its_count_and_head() {
    let dir = tempfile::tempdir().unwrap();
    let (url, hashes) = ledger(dir.path(), None);
    let out = run(&mut ledger_command(&["verify", "--ledger", &url]));
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout
            .contains(&format!("intact: 3 records, head {}", hashes[2])),
        "{out:?}"
    );
    // The URL may come from $VERDICT_LEDGER instead.
    let out = run(ledger_command(&["verify", "--output", "json"]).env("VERDICT_LEDGER", &url));
    assert_eq!(out.code, 0, "{out:?}");
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(json["intact"], true);
    assert_eq!(json["records"], 3);
    assert_eq!(json["head"], hashes[2].as_str());
}

#[test]
fn an_edited_record_exits_1_and_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let (url, hashes) = ledger(dir.path(), None);
    tamper(
        &url,
        "UPDATE records SET document = replace(document, '\"fail\"', '\"pass\"'), decision = 'pass' WHERE seq = 2",
    );
    let out = run(&mut ledger_command(&["verify", "--ledger", &url]));
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stdout.contains("TAMPERED: record 2 edited"), "{out:?}");
    assert!(
        out.stdout.contains(&format!(
            "1 records intact before it, up to hash {}",
            hashes[0]
        )),
        "{out:?}"
    );
}

#[test]
fn a_deleted_record_exits_1_and_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let (url, _) = ledger(dir.path(), None);
    tamper(&url, "DELETE FROM records WHERE seq = 1");
    let out = run(&mut ledger_command(&[
        "verify", "--ledger", &url, "--output", "json",
    ]));
    assert_eq!(out.code, 1, "{out:?}");
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(json["intact"], false);
    assert_eq!(json["problem"]["seq"], 1);
    assert_eq!(json["problem"]["kind"], "deleted");
}

#[test]
fn signatures_are_checked_with_the_public_key() {
    let dir = tempfile::tempdir().unwrap();
    let signer = Signer::from_hex_seed(&"5a".repeat(32)).unwrap();
    let (url, _) = ledger(dir.path(), Some(&signer));
    let public_key = signer.verifying_key().to_hex();
    let out =
        run(ledger_command(&["verify", "--ledger", &url])
            .env("VERDICT_LEDGER_PUBLIC_KEY", &public_key));
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains(signer.key_id()), "{out:?}");

    tamper(&url, "UPDATE records SET signature = NULL WHERE seq = 3");
    let out = run(&mut ledger_command(&[
        "verify",
        "--ledger",
        &url,
        "--public-key",
        &public_key,
    ]));
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stdout.contains("record 3 bad signature"), "{out:?}");
    // Without the key the chain itself is intact.
    let out = run(&mut ledger_command(&["verify", "--ledger", &url]));
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("signatures not checked"), "{out:?}");
}

#[test]
fn an_unreadable_ledger_exits_2_naming_it_without_a_password() {
    let dir = tempfile::tempdir().unwrap();
    let missing = format!("sqlite:{}", dir.path().join("absent.db").display());
    let out = run(&mut ledger_command(&["verify", "--ledger", &missing]));
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("absent.db"), "{out:?}");
    assert!(
        !dir.path().join("absent.db").exists(),
        "verify created the ledger"
    );

    let out = run(&mut ledger_command(&[
        "list",
        "--ledger",
        "postgres://ci:tr0ub4dor-3@127.0.0.1:1/ledger",
    ]));
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains("postgres://ci:***@127.0.0.1:1/ledger"),
        "{out:?}"
    );
    assert!(!out.stderr.contains("tr0ub4dor"), "{out:?}");

    let out = run(&mut ledger_command(&["verify"]));
    assert_eq!(out.code, 2, "no ledger given: {out:?}");
}

#[test]
fn list_shows_records_newest_first_with_hostile_text_neutralised() {
    let dir = tempfile::tempdir().unwrap();
    let (url, hashes) = ledger(dir.path(), None);
    let out = run(&mut ledger_command(&["list", "--ledger", &url]));
    assert_eq!(out.code, 0, "{out:?}");
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 4, "a header and one line per record: {out:?}");
    assert!(lines[0].starts_with("SEQ"), "{out:?}");
    assert!(
        lines[1].starts_with('3') && lines[3].starts_with('1'),
        "{out:?}"
    );
    assert!(lines[3].contains(&hashes[0][..12]), "{out:?}");
    assert!(
        !out.stdout.contains('\u{1b}') && !out.stdout.contains('\u{202e}'),
        "{out:?}"
    );
    assert!(
        !out.stdout.lines().any(|line| line.starts_with("ledger x")),
        "{out:?}"
    );

    let out = run(&mut ledger_command(&[
        "list",
        "--ledger",
        &url,
        "--decision",
        "fail",
        "--output",
        "json",
    ]));
    assert_eq!(out.code, 0, "{out:?}");
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let entries = json.as_array().unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["seq"], 2);
    assert_eq!(entries[0]["hash"], hashes[1].as_str());

    let out = run(&mut ledger_command(&[
        "list",
        "--ledger",
        &url,
        "--output",
        "json",
        "--branch",
        HOSTILE_BRANCH,
    ]));
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(
        json[0]["branch"], HOSTILE_BRANCH,
        "JSON keeps the exact text"
    );

    let out = run(&mut ledger_command(&[
        "list",
        "--ledger",
        &url,
        "--since",
        "2026-11-02T00:00:00Z",
        "--until",
        "2026-11-03T00:00:00Z",
    ]));
    assert_eq!(out.stdout.lines().count(), 2, "{out:?}");
}

/// `verdict check --ledger`: the verdict is recorded after the reports, and
/// a ledger that cannot be written fails the run unless the gate file says
/// the ledger is best-effort; it is never said to be recorded when it was not.
#[test]
fn check_records_its_verdict_and_an_unwritable_ledger_is_an_error_unless_best_effort() {
    let dir = tempfile::tempdir().unwrap();
    let gate = |extra: &str| {
        let path = dir.path().join("verdict.toml");
        crate::support::write(
            &path,
            &format!(
                "{extra}\ninputs = [\"{}\"]\n[[policy]]\nid = \"no-secrets\"\nplugin = \"builtin:secrets\"\n",
                crate::support::root()
                    .join("fixtures/example/gitleaks.json")
                    .display()
            ),
        );
        path
    };
    let url = format!("sqlite:{}", dir.path().join("ledger.db").display());
    let check = |config: &std::path::Path, ledger: &str| {
        run(verdict()
            .args(["check", "--now", "2026-11-20T10:00:00Z", "--config"])
            .arg(config)
            .args(["--ledger", ledger, "-v"])
            .env_remove("VERDICT_LEDGER")
            .env_remove("VERDICT_LEDGER_KEY"))
    };
    let config = gate("");
    // The example's gitleaks report has a leak: the gate fails (exit 1), and
    // the failure is recorded.
    let out = check(&config, &url);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stderr.contains("verdict recorded"), "{out:?}");
    let mut ledger = Ledger::open_existing(&url).unwrap();
    let integrity = ledger.verify(None).unwrap();
    assert_eq!(integrity.records, 1);
    // A ledger under a path that cannot exist: an error of the run.
    let unwritable = format!(
        "sqlite:{}",
        dir.path().join("missing/dir/ledger.db").display()
    );
    let out = check(&config, &unwritable);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains("was not recorded in the ledger"),
        "{out:?}"
    );
    assert!(!out.stderr.contains("verdict recorded"), "{out:?}");
    // Best-effort: a warning, and the gate's own exit code stands.
    let config = gate("ledger-best-effort = true");
    let out = check(&config, &unwritable);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stderr.contains("NOT recorded"), "{out:?}");
}

/// `check`, `ledger` and `audit` find the ledger the same way: `--ledger`,
/// else the gate file's `ledger` (`--config`, or `verdict.toml` in the
/// working directory), else `$VERDICT_LEDGER`.
#[test]
fn every_ledger_command_reads_the_gate_files_ledger() {
    let dir = tempfile::tempdir().unwrap();
    let (url, _) = ledger(dir.path(), None);
    let other = tempfile::tempdir().unwrap();
    let (other_url, _) = ledger(other.path(), None);
    tamper(&other_url, "DELETE FROM records WHERE seq = 2");
    let gate = dir.path().join("verdict.toml");
    crate::support::write(
        &gate,
        &format!(
            "ledger = \"{url}\"\n[[policy]]\nid = \"no-secrets\"\nplugin = \"builtin:secrets\"\n"
        ),
    );
    let verify = |command: &mut Command| {
        let out = run(command);
        (out.code, out.stdout.contains("intact: 3 records"), out)
    };
    // `--config FILE`, and `verdict.toml` in the working directory.
    let (code, intact, out) = verify(ledger_command(&["verify", "--config"]).arg(&gate));
    assert_eq!((code, intact), (0, true), "{out:?}");
    let (code, intact, out) = verify(ledger_command(&["verify"]).current_dir(dir.path()));
    assert_eq!((code, intact), (0, true), "{out:?}");
    // The gate file's ledger comes before $VERDICT_LEDGER (the tampered
    // one), and `--ledger` before both.
    let (code, intact, out) = verify(
        ledger_command(&["verify", "--config"])
            .arg(&gate)
            .env("VERDICT_LEDGER", &other_url),
    );
    assert_eq!((code, intact), (0, true), "{out:?}");
    let (code, _, out) =
        verify(ledger_command(&["verify", "--ledger", &other_url, "--config"]).arg(&gate));
    assert_eq!(code, 1, "{out:?}");
    // `list` and `audit report` take the same options.
    let out = run(ledger_command(&["list", "--output", "json", "--config"]).arg(&gate));
    assert_eq!(out.code, 0, "{out:?}");
    let listed: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(listed.as_array().map(Vec::len), Some(3), "{out:?}");
    let out = run(verdict()
        .args([
            "audit",
            "report",
            "--since",
            "2026-11-01",
            "--until",
            "2026-11-30",
        ])
        .args(["--format", "json", "--config"])
        .arg(&gate)
        .env_remove("VERDICT_LEDGER")
        .env_remove("VERDICT_LEDGER_PUBLIC_KEY"));
    assert_eq!(out.code, 0, "{out:?}");
    // No ledger anywhere: an error that says where one may be given.
    let empty = tempfile::tempdir().unwrap();
    let out = run(ledger_command(&["verify"]).current_dir(empty.path()));
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("no ledger given"), "{out:?}");
}
