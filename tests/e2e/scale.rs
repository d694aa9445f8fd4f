//! A policy that objects to 300,000 findings still decides: its violations
//! leave the sandbox in batches into the gate's tally, which counts every one
//! exactly, applies waivers to each, and keeps full detail only for the most
//! severe `max-listed-violations`. Every report renders the result.

use crate::support::{root, run, sha256_of, verdict, write};

#[test]
fn three_hundred_thousand_violations_decide_in_a_bounded_document() {
    let dir = tempfile::tempdir().unwrap();
    let flood = verdict_builtins::testing_guests_dir().join("verdict_testing_flood.wasm");
    let config = dir.path().join("verdict.toml");
    write(
        &config,
        &format!(
            r#"
inputs = ["{input}"]
max-listed-violations = 100

[[policy]]
id = "flood"
plugin = "{plugin}"
sha256 = "{sha256}"
limits = {{ time-ms = 60000 }}
config = {{ count = 300000 }}

[[waiver]]
policy = "flood"
fingerprint = "flood-7"
reason = "the seventh is known"
owner = "qa"
expires = 2027-01-01
"#,
            input = root().join("fixtures/example/bandit.json").display(),
            plugin = flood.display(),
            sha256 = sha256_of(&flood),
        ),
    );
    let reports = ["sarif", "junit", "markdown", "github", "gitlab", "html"]
        .map(|format| (format, dir.path().join(format!("report.{format}"))));
    let json_path = dir.path().join("verdict.json");
    let mut command = verdict();
    command
        .args(["check", "--now", "2026-11-20T10:00:00Z", "--config"])
        .arg(&config);
    command.arg(format!("--format=json={}", json_path.display()));
    for (format, path) in &reports {
        command.arg(format!("--format={format}={}", path.display()));
    }
    let out = run(&mut command);
    assert_eq!(out.code, 1, "{out:?}");
    let text = fs_err::read_to_string(&json_path).unwrap();
    // Bounded: a hundred listed, not 300,000 (which would be ~60 MB).
    assert!(text.len() < 1 << 20, "{} bytes", text.len());
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let flood = &json["policies"][0];
    assert_eq!(flood["decision"], "fail");
    assert_eq!(flood["counts"]["violations"], 299_999);
    assert_eq!(flood["counts"]["waived"], 1);
    assert_eq!(flood["counts"]["elided"], 299_899);
    assert_eq!(flood["counts"]["by_rule"]["flood"], 299_999);
    assert_eq!(flood["violations"].as_array().unwrap().len(), 100);
    assert_eq!(flood["waived"][0]["violation"]["fingerprint"], "flood-7");
    assert_eq!(json["summary"]["violations"], 299_999);
    // The control named only by the first violation is still violated.
    assert_eq!(flood["controls"][0]["status"], "violated");
    for (format, path) in &reports {
        let size = fs_err::metadata(path).unwrap().len();
        assert!(size > 0 && size < 4 << 20, "{format}: {size} bytes");
    }
    let markdown = fs_err::read_to_string(&reports[2].1).unwrap();
    assert!(
        markdown.contains("299,999") || markdown.contains("299999"),
        "{markdown}"
    );
}
