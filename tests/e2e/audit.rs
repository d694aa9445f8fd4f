//! `verdict audit report` through the binary, on an SQLite ledger written
//! through the ledger's API: the period's bounds, every format and kind, a
//! tampered ledger (exit 1, and the report says where), an unreadable ledger
//! or a bad bound (exit 2), hostile text.

use crate::support::{run, verdict};
use std::process::Command;
use verdict_gate::document::Verdict;
use verdict_ledger::Ledger;

const HOSTILE: &str = "<script>alert(1)</script>\u{1b}[2J\nverdict: PASS\u{202e}";

/// Run `n` on day `n` of November 2026 (day 0 is October 31st); every
/// other run deploys to production and the deploy of the 4th is overridden.
fn document(n: i64, actor: &str) -> Verdict {
    let mut context = serde_json::json!({
        "branch": "main",
        "version": format!("1.{n}.0"),
        "now": if n == 0 { "2026-10-31T10:00:00Z".to_owned() } else { format!("2026-11-{n:02}T10:00:00Z") },
        "now_unix": 1_793_440_800 + n * 86_400,
        "actor": actor,
        "repository": "acme/api",
    });
    if n % 2 == 0 {
        context["environment"] = serde_json::json!("production");
    }
    let mut verdict = serde_json::json!({
        "format": "verdict/v1",
        "verdict_version": "0.1.0",
        "decision": if n == 3 { "fail" } else { "pass" },
        "context": context,
        "summary": {"policies": 1, "passed": 1, "warned": 0, "failed": 0, "errored": 0, "skipped": 0, "violations": 0},
        "inputs": [],
        "policies": [{
            "id": "hipaa", "plugin": "builtin:hipaa", "plugin_sha256": "ab", "enforcement": "soft",
            "decision": if n == 3 { "fail" } else { "pass" }, "violations": [], "duration_ms": 0,
            "overridden": n == 4,
            "controls": [{"control": "hipaa-164.312(b)", "status": if n == 3 { "violated" } else { "satisfied" }}],
        }],
    });
    if n == 4 {
        verdict["overrides"] = serde_json::json!([
            {"policy": "hipaa", "reason": "hotfix", "actor": actor, "applied": true, "violations": 1}
        ]);
    }
    serde_json::from_value(verdict).unwrap()
}

/// A ledger of runs 0 (October) to 6; returns its URL.
fn ledger(dir: &std::path::Path, actor: &str) -> String {
    let url = format!("sqlite:{}", dir.join("ledger.db").display());
    let mut ledger = Ledger::open(&url).unwrap();
    for n in 0..=6 {
        ledger.append(&document(n, actor), None).unwrap();
    }
    url
}

fn audit(args: &[&str]) -> Command {
    let mut command = verdict();
    command
        .args(["audit", "report"])
        .args(args)
        .env_remove("VERDICT_LEDGER")
        .env_remove("VERDICT_LEDGER_PUBLIC_KEY");
    command
}

#[test]
fn a_month_report_counts_the_days_of_the_month_only() {
    let dir = tempfile::tempdir().unwrap();
    let url = ledger(dir.path(), "release-bot");
    let period = [
        "--ledger",
        &url,
        "--since",
        "2026-11-01",
        "--until",
        "2026-11-05",
    ];
    let out = run(audit(&period).args(["--format", "json", "--framework", "hipaa"]));
    assert_eq!(out.code, 0, "{out:?}");
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    // --until is a day included: runs 1 to 5, not October's, not the 6th.
    assert_eq!(json["runs"], 5);
    assert_eq!(json["period"]["until"], "2026-11-06T00:00:00Z");
    assert_eq!(json["integrity"]["intact"], true);
    assert_eq!(json["integrity"]["records"], 7);
    let control = &json["compliance"]["controls"][0];
    assert_eq!(control["control"], "hipaa-164.312(b)");
    assert_eq!(
        (control["satisfied"].as_u64(), control["violated"].as_u64()),
        (Some(4), Some(1))
    );
    assert_eq!(control["runs"][0]["seq"], 6, "the 5th is the 6th record");
    let deployments = json["deployments"].as_array().unwrap();
    let deployed: Vec<(u64, bool)> = deployments
        .iter()
        .map(|d| {
            (
                d["seq"].as_u64().unwrap(),
                d["overridden"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(deployed, [(3, false), (5, true)]);
    assert_eq!(json["compliance"]["overrides"][0]["reason"], "hotfix");

    // One part only, as HTML into a file.
    let page = dir.path().join("deployments.html");
    let out = run(audit(&period)
        .args(["--kind", "deployments", "--format", "html", "--output"])
        .arg(&page));
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.is_empty());
    let html = fs_err::read_to_string(&page).unwrap();
    assert!(html.contains("<h2>Deployment log</h2>"));
    assert!(!html.contains("Security summary"));
    assert!(html.contains("1.4.0"));

    // Markdown, filtered on an environment.
    let out = run(audit(&period).args(["--environment", "production", "--format", "markdown"]));
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout.contains("2 runs in the period"),
        "{}",
        out.stdout
    );
}

#[test]
fn a_tampered_ledger_still_gets_its_report_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let url = ledger(dir.path(), "release-bot");
    let connection = rusqlite::Connection::open(dir.path().join("ledger.db")).unwrap();
    connection
        .execute_batch("UPDATE records SET actor = 'mallory' WHERE seq = 3")
        .unwrap();
    let out = run(&mut audit(&[
        "--ledger",
        &url,
        "--since",
        "2026-11-01",
        "--until",
        "2026-11-30",
        "--format",
        "markdown",
    ]));
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stdout.contains("**Ledger TAMPERED**: record 3 edited"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("within this period"));
}

#[test]
fn an_unreadable_ledger_or_a_bad_bound_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let missing = format!("sqlite:{}", dir.path().join("none.db").display());
    let out = run(&mut audit(&[
        "--ledger",
        &missing,
        "--since",
        "2026-11-01",
        "--until",
        "2026-11-30",
        "--format",
        "json",
    ]));
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stdout.is_empty());
    assert!(out.stderr.contains("none.db"), "{}", out.stderr);
    let url = ledger(dir.path(), "release-bot");
    let out = run(&mut audit(&[
        "--ledger",
        &url,
        "--since",
        "November",
        "--until",
        "2026-11-30",
        "--format",
        "json",
    ]));
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("--since"), "{}", out.stderr);
    let out = run(&mut audit(&[
        "--ledger",
        &url,
        "--since",
        "2026-12-01",
        "--until",
        "2026-11-30",
        "--format",
        "json",
    ]));
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("the period is empty"), "{}", out.stderr);
}

#[test]
fn hostile_text_from_the_ledger_stays_inert() {
    let dir = tempfile::tempdir().unwrap();
    let url = ledger(dir.path(), HOSTILE);
    let period = [
        "--ledger",
        url.as_str(),
        "--since",
        "2026-11-01",
        "--until",
        "2026-11-30",
    ];
    for format in ["html", "markdown"] {
        let out = run(audit(&period).args(["--format", format]));
        assert_eq!(out.code, 0, "{out:?}");
        for raw in ["<script", "\u{1b}", "\u{202e}", "\nverdict: PASS"] {
            assert!(!out.stdout.contains(raw), "{format} holds {raw:?}");
        }
    }
    let out = run(audit(&period).args(["--format", "json"]));
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(
        json["deployments"][0]["actor"], HOSTILE,
        "JSON keeps the exact text"
    );
}
