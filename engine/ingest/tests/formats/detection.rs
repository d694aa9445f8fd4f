//! Detection by structure (issue 7): no field length or nested key an
//! attacker controls changes a report's format; failed audits are
//! incomplete scans; errors never quote input values.

#![allow(
    clippy::unwrap_used,
    reason = "test helpers fail loudly on any unexpected error"
)]

use crate::support::{corpus, fixture, ingest_as};
use std::path::Path;
use verdict_evidence::{Kind, NoticeKind};
use verdict_ingest::{Input, Options, Sniff, formats::detect, ingest};

/// The format detected for content, as if read from a file named `name`.
fn detected(name: &str, content: &str) -> Option<&'static str> {
    detect(&Sniff::new(Path::new(name), content.as_bytes())).map(|format| format.id)
}

/// Writes content to a temporary file and ingests it.
fn ingest_text(name: &str, content: &str) -> verdict_ingest::Evidence {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    fs_err::write(&path, content).unwrap();
    ingest(&[Input::detect(&path)], &Options::default())
        .unwrap_or_else(|error| panic!("{name}: {error}"))
}

const SECRET: &str = "AKIAYVP4CIPPERUVIFXG";

/// A trufflehog git result whose author is 70,000 characters long, before
/// the detector fields.
fn trufflehog_with_long_author() -> String {
    let author = "a".repeat(70_000);
    format!(
        concat!(
            r#"{{"SourceMetadata":{{"Data":{{"Git":{{"commit":"fbc1","file":"keys","#,
            r#""email":"{author} <x@example.com>","repository":"https://example.com/r","#,
            r#""timestamp":"2022-06-16 10:17:40 -0700","line":4}}}}}},"SourceID":0,"#,
            r#""SourceType":16,"SourceName":"trufflehog - git","DetectorType":2,"#,
            r#""DetectorName":"AWS","Verified":true,"Raw":"{secret}","Redacted":"{secret}"}}"#,
            "\n"
        ),
        author = author,
        secret = SECRET
    )
}

#[test]
fn a_huge_author_name_does_not_hide_a_trufflehog_result_r7() {
    let line = trufflehog_with_long_author();
    assert_eq!(detected("scan.jsonl", &line), Some("trufflehog"));
    let evidence = ingest_text("scan.jsonl", &(line.clone() + &line));
    assert_eq!(evidence.sources[0].format, "trufflehog");
    assert_eq!(evidence.secrets.len(), 2);
    let json = serde_json::to_string(&evidence).unwrap();
    assert!(
        !json.contains(SECRET),
        "the raw secret reached the evidence"
    );
}

#[test]
fn docker_labels_named_like_sarif_do_not_make_a_trivy_report_sarif_r7() {
    let report = r#"{
      "Metadata": {"ImageConfig": {"config": {"Labels": {
        "runs": "[]", "tool": "x", "driver": "y", "version": "2.1.0",
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json"}}}},
      "SchemaVersion": 2,
      "ArtifactName": "alpine:3.19",
      "ArtifactType": "container_image",
      "Results": []
    }"#;
    assert_eq!(detected("trivy.json", report), Some("trivy"));
    let evidence = ingest_text("trivy.json", report);
    assert_eq!(evidence.sources[0].format, "trivy");
}

#[test]
fn a_sarif_log_with_a_huge_first_property_is_still_sarif() {
    let eslint = fs_err::read_to_string(corpus("sarif/eslint-8.56.0.sarif")).unwrap();
    let expected = ingest_as(corpus("sarif/eslint-8.56.0.sarif"), "sarif")
        .findings
        .len();
    let body = eslint.trim_start().strip_prefix('{').unwrap();
    let padded = format!(
        "{{\"properties\": {{\"note\": \"{}\", \"deep\": {}{}}},{body}",
        "x".repeat(300_000),
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    assert_eq!(detected("log.json", &padded), Some("sarif"));
    assert_eq!(ingest_text("log.json", &padded).findings.len(), expected);
}

#[test]
fn nested_sarif_keys_never_make_a_document_sarif() {
    let document = r#"{"data": {"version": "2.1.0", "$schema": "sarif",
        "runs": [{"tool": {"driver": {"name": "x"}}, "results": []}]}}"#;
    assert_eq!(detected("doc.json", document), Some("json"));
    let array = r#"[{"version": "2.1.0", "runs": []}]"#;
    assert_eq!(detected("doc.json", array), Some("json"));
    // A string value that looks like keys is not keys.
    let quoted = r#"{"text": "\"runs\": [], \"version\": \"2.1.0\""}"#;
    assert_eq!(detected("doc.json", quoted), Some("json"));
}

#[test]
fn a_hostile_nested_key_does_not_steer_other_formats() {
    // gitleaks keys inside a generic array element's nested object.
    let leaks = r#"[{"meta": {"RuleID": "x", "StartLine": 1, "Fingerprint": "f"}}]"#;
    assert_eq!(detected("a.json", leaks), Some("json"));
    // CycloneDX's marker in a nested value.
    let bom = r#"{"x": {"bomFormat": "CycloneDX"}, "components": []}"#;
    assert_eq!(detected("a.json", bom), Some("json"));
    let fake_bom = r#"{"bomFormat": "NotCycloneDX", "note": "CycloneDX"}"#;
    assert_eq!(detected("a.json", fake_bom), Some("json"));
}

#[test]
fn hostile_deep_fixtures_are_skimmed_without_overflow() {
    for name in [
        "json-deep-nesting.json",
        "sarif-deep-nesting.sarif",
        "cyclonedx-deep-nesting.json",
    ] {
        let bytes = fs_err::read(fixture(&format!("bad/{name}"))).unwrap();
        let sniff = Sniff::new(Path::new(name), &bytes);
        // Any answer will do; the point is that it returns.
        let _ = detect(&sniff);
        assert!(sniff.keys().count() < 10, "{name}");
    }
}

fn single_incomplete_scan(evidence: &verdict_ingest::Evidence) -> String {
    assert_eq!(evidence.sources[0].format, "npm-audit");
    assert!(evidence.sources[0].kinds.contains(&Kind::Vulnerabilities));
    assert!(evidence.vulnerabilities.is_empty());
    assert_eq!(evidence.notices.len(), 1);
    assert_eq!(evidence.notices[0].kind, NoticeKind::IncompleteScan);
    evidence.notices[0].message.clone()
}

#[test]
fn npm_7_audit_endpoint_failure_is_an_incomplete_scan_r7() {
    // npm 7–9 `lib/utils/audit-error.js` under `--json`.
    let document = r#"{
  "message": "503 Service Unavailable - POST https://user:hunter2@registry.example/-/npm/v1/security/advisories/bulk",
  "method": "POST",
  "uri": "https://user:hunter2@registry.example/-/npm/v1/security/advisories/bulk",
  "headers": {"content-type": ["text/html"]},
  "statusCode": 503,
  "body": "<html>down</html>"
}"#;
    let message = single_incomplete_scan(&ingest_text("npm-audit.json", document));
    assert_eq!(
        message,
        "npm audit did not run: the audit endpoint request failed (HTTP 503)"
    );
    assert!(!message.contains("hunter2"));
    // No response at all: no status code and no body.
    let no_response =
        r#"{"message": "request failed", "method": "POST", "uri": "https://registry.example/x"}"#;
    let message = single_incomplete_scan(&ingest_text("npm-audit.json", no_response));
    assert!(message.ends_with("(no response)"), "{message}");
}

#[test]
fn npm_10_error_document_is_an_incomplete_scan_r7() {
    // npm 10 merges the exit handler's `error` object into the same output.
    let document = r#"{
  "message": "500 Internal Server Error - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk",
  "method": "POST",
  "uri": "https://registry.npmjs.org/-/npm/v1/security/advisories/bulk",
  "headers": {},
  "statusCode": 500,
  "body": "",
  "error": {"code": null, "summary": "audit endpoint returned an error", "detail": ""}
}"#;
    let message = single_incomplete_scan(&ingest_text("audit.json", document));
    assert_eq!(
        message,
        "npm audit did not run: unknown error: audit endpoint returned an error (HTTP 500)"
    );
    let bare = r#"{"error": {"code": "ENOLOCK", "summary": "This command requires an existing lockfile.", "detail": "Try creating one first with: npm i --package-lock-only"}}"#;
    let message = single_incomplete_scan(&ingest_text("audit.json", bare));
    assert!(
        message.starts_with("npm audit did not run: ENOLOCK: "),
        "{message}"
    );
}

#[test]
fn an_error_key_without_npm_shape_is_not_npm_audit() {
    assert_eq!(detected("a.json", r#"{"error": "nope"}"#), Some("json"));
    assert_eq!(
        detected(
            "a.json",
            r#"{"data": {"error": {"code": "E", "summary": "s"}}}"#
        ),
        Some("json")
    );
}

#[test]
fn errors_never_quote_a_secret_in_a_field_of_the_wrong_type_r7() {
    let key = "AKIAIOSFODNN7EXAMPLE";
    for (file, format) in [
        ("gitleaks-secret-in-wrong-type.json", "gitleaks"),
        ("trufflehog-secret-in-wrong-type.jsonl", "trufflehog"),
        ("trivy-secret-in-wrong-type.json", "trivy"),
        ("bandit-secret-in-wrong-type.json", "bandit"),
        (
            "dependency-check-secret-in-wrong-type.json",
            "dependency-check",
        ),
        ("sarif-secret-in-wrong-type.sarif", "sarif"),
        ("npm-audit-secret-in-wrong-type.json", "npm-audit"),
    ] {
        let path = fixture(&format!("bad/{file}"));
        // Detected, not forced: detection must agree with the name.
        let error = ingest(&[Input::detect(&path)], &Options::default()).unwrap_err();
        let message = error.to_string();
        assert!(message.contains(file), "{message}");
        assert!(message.contains(&format!(": {format}: ")), "{message}");
        assert!(
            !message.contains(key),
            "{file} quotes the secret: {message}"
        );
        assert!(!message.contains("AKIA"), "{message}");
    }
}

#[test]
fn yaml_and_toml_shape_errors_never_quote_the_value() {
    let key = "AKIAIOSFODNN7EXAMPLE";
    let dir = tempfile::tempdir().unwrap();
    // A Cargo.lock whose version holds the key.
    let lock = dir.path().join("Cargo.lock");
    fs_err::write(
        &lock,
        format!("version = 3\n\n[[package]]\nname = \"a\"\nversion = {{ x = \"{key}\" }}\n"),
    )
    .unwrap();
    let options = Options {
        advisory_db: Some(corpus("rustsec-advisory-db")),
        ..Options::default()
    };
    let message = ingest(&[Input::detect(&lock)], &options)
        .unwrap_err()
        .to_string();
    assert!(message.contains("cargo-lock"), "{message}");
    assert!(!message.contains(key), "{message}");
}
