//! `verdict report`: any format rendered later from a stored verdict, the
//! same bytes as when the gate ran; bad documents and destinations refused.

use crate::support::{run, verdict, write};

/// A stored verdict of the README example (the gate warns).
fn stored(dir: &std::path::Path) -> (std::path::PathBuf, String) {
    let out = run(verdict().args([
        "check",
        "--config",
        "policies/python-service.toml",
        "--input",
        "fixtures/example",
        "--now",
        "2026-11-20T10:00:00Z",
        "--no-timings",
        "--format",
        "json",
    ]));
    assert_eq!(out.code, 0, "{out:?}");
    let path = dir.join("verdict.json");
    write(&path, &out.stdout);
    (path, out.stdout)
}

#[test]
fn report_renders_every_format_from_a_stored_verdict() {
    let dir = tempfile::tempdir().unwrap();
    let (path, json) = stored(dir.path());
    let from = path.to_str().unwrap();
    // Re-rendered JSON is the stored document, byte for byte.
    let out = run(verdict().args(["report", "--from", from, "--format", "json"]));
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.stdout, json);
    // Console by default.
    let out = run(verdict().args(["report", "--from", from]));
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout.starts_with("verdict: WARN  (4 policies"),
        "{out:?}"
    );
    assert!(out.stdout.contains("lines 57.67% ≥ 50%"), "{out:?}");
    // Every other format at once, each to its file, one to stdout.
    let file = |name: &str| dir.path().join(name);
    let target = |format: &str, name: &str| format!("{format}={}", file(name).display());
    let out = run(verdict().args([
        "report",
        "--from",
        from,
        "--format",
        &target("sarif", "v.sarif"),
        "--format",
        &target("junit", "v.xml"),
        "--format",
        &target("markdown", "v.md"),
        "--format",
        &target("gitlab", "v.gitlab.json"),
        "--format",
        "github",
    ]));
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout
            .lines()
            .all(|line| line.starts_with("::warning ")),
        "{out:?}"
    );
    assert!(
        out.stdout
            .lines()
            .last()
            .unwrap()
            .starts_with("::warning title=verdict::verdict: WARN"),
        "{out:?}"
    );
    let sarif: serde_json::Value =
        serde_json::from_str(&fs_err::read_to_string(file("v.sarif")).unwrap()).unwrap();
    assert_eq!(sarif["runs"][0]["tool"]["driver"]["name"], "verdict");
    assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), 10);
    let junit = fs_err::read_to_string(file("v.xml")).unwrap();
    assert!(junit.starts_with("<?xml"), "{junit}");
    assert!(
        junit.contains("<testsuite name=\"coverage-minimum\""),
        "{junit}"
    );
    let markdown = fs_err::read_to_string(file("v.md")).unwrap();
    assert!(markdown.starts_with("## verdict: ⚠️ WARN"), "{markdown}");
    let gitlab: serde_json::Value =
        serde_json::from_str(&fs_err::read_to_string(file("v.gitlab.json")).unwrap()).unwrap();
    assert_eq!(gitlab.as_array().unwrap().len(), 10);
}

#[test]
fn report_refuses_what_it_cannot_render_and_names_it() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = stored(dir.path());
    let from = path.to_str().unwrap();
    let out = run(verdict().args([
        "report", "--from", from, "--format", "github", "--format", "markdown",
    ]));
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr
            .contains("more than one report to stdout (github, markdown)"),
        "{out:?}"
    );
    let same = format!("sarif={}", dir.path().join("x").display());
    let out = run(verdict().args([
        "report", "--from", from, "--format", &same, "--format", &same,
    ]));
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains("two reports to the same file"),
        "{out:?}"
    );
    let bad = dir.path().join("bad.json");
    write(&bad, r#"{"format":"sarif"}"#);
    let out = run(verdict().args(["report", "--from", bad.to_str().unwrap()]));
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains("bad.json` is not a verdict document"),
        "{out:?}"
    );
    let out = run(verdict().args(["report", "--from", "no/such/verdict.json"]));
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("no/such/verdict.json"), "{out:?}");
    let out = run(verdict().args(["report", "--from", from, "--format", "pdf"]));
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("unknown report format"), "{out:?}");
}
