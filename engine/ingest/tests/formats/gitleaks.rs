//! Tests of the `gitleaks` format, with counts checked against the raw files with python3.

use crate::support::{corpus, fixture, ingest_as, try_ingest_forced};
use std::collections::BTreeMap;
use std::path::PathBuf;
use verdict_evidence::{Evidence, fingerprint};

fn by_rule(evidence: &Evidence) -> BTreeMap<&str, usize> {
    let mut counts = BTreeMap::new();
    for secret in &evidence.secrets {
        *counts.entry(secret.rule_id.as_str()).or_insert(0) += 1;
    }
    counts
}

/// Every `Secret`, `Match`, `offender` and `line` of a gitleaks report.
fn raw_values(path: PathBuf) -> Vec<String> {
    let text = fs_err::read_to_string(path).expect("readable file");
    let report: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    let mut values = Vec::new();
    for leak in report.as_array().expect("an array") {
        for key in ["Secret", "Match", "offender", "line"] {
            if let Some(value) = leak[key].as_str() {
                values.push(value.to_owned());
            }
        }
    }
    values
}

pub(crate) fn assert_no_raw_value(evidence: &Evidence, raw: &[String]) {
    let serialized = serde_json::to_string(evidence).expect("serializable");
    assert!(!raw.is_empty());
    for value in raw {
        // Values shorter than this are words that occur anyway ("a secret").
        if value.trim().len() >= 8 {
            assert!(
                !serialized.contains(value.trim()),
                "raw secret `{value}` leaked into the evidence"
            );
        }
    }
}

#[test]
fn reads_a_v8_report_with_its_columns_and_commit() {
    let evidence = ingest_as(corpus("gitleaks/gitleaks-8-simple.json"), "gitleaks");
    assert_eq!(evidence.secrets.len(), 1);
    let secret = &evidence.secrets[0];
    assert_eq!(secret.tool, "gitleaks");
    assert_eq!(secret.rule_id, "test-rule");
    let location = secret.location.as_ref().unwrap();
    assert_eq!(
        (&*location.path, location.start_line, location.end_line),
        ("auth.py", Some(1), Some(2))
    );
    // The commit is all zeros (a no-git scan) and the Fingerprint empty.
    assert_eq!(secret.commit, None);
    assert_eq!(
        secret.fingerprint,
        fingerprint::of(&["gitleaks", "test-rule", "auth.py", "1", ""])
    );
    // "a secret" is 8 characters.
    assert_eq!(secret.redacted.as_str(), "****(8 chars)");
    assert_eq!(secret.verified, None);
    assert_no_raw_value(
        &evidence,
        &raw_values(corpus("gitleaks/gitleaks-8-simple.json")),
    );
}

#[test]
fn reads_an_early_v8_report_without_fingerprints() {
    let path = corpus("gitleaks/gitleaks-8-early-many.json");
    let evidence = ingest_as(path.clone(), "gitleaks");
    assert_eq!(evidence.secrets.len(), 4);
    assert_eq!(
        by_rule(&evidence),
        BTreeMap::from([
            ("RSA-PK", 1),
            ("aws-access-token", 2),
            ("generic-api-key", 1)
        ])
    );
    let last = &evidence.secrets[3];
    let location = last.location.as_ref().unwrap();
    assert_eq!(
        (&*location.path, location.start_line, location.end_line),
        ("tests/api.py", Some(21), Some(21))
    );
    assert_eq!(
        last.commit.as_deref(),
        Some("69235ea9ea4d59e18e2cc3c295526de46aa1365c1f0c7a95a22ff1537acdf517")
    );
    // `dfjksdjfs3294dfjlsdaf213`: 24 characters, long enough to show a prefix.
    assert_eq!(last.redacted.as_str(), "dfjk****(24 chars)");
    // The RSA key has no commit: an empty string is no commit.
    assert_eq!(evidence.secrets[2].commit, None);
    // The same AWS match in two commits gives two fingerprints.
    assert_ne!(
        evidence.secrets[0].fingerprint,
        evidence.secrets[1].fingerprint
    );
    assert_no_raw_value(&evidence, &raw_values(path));
}

#[test]
fn reads_a_v7_report() {
    let path = corpus("gitleaks/gitleaks-7.5.0.json");
    let evidence = ingest_as(path.clone(), "gitleaks");
    assert_eq!(evidence.secrets.len(), 8);
    assert_eq!(
        by_rule(&evidence),
        BTreeMap::from([("AWS Access Key", 6), ("Asymmetric Private Key", 2)])
    );
    let last = &evidence.secrets[7];
    let location = last.location.as_ref().unwrap();
    assert_eq!(
        (&*location.path, location.start_line, location.end_line),
        (
            "dojo/unittests/tools/test_gitlab_secret_detection_report_parser.py",
            Some(37),
            Some(37)
        )
    );
    assert_eq!(
        last.commit.as_deref(),
        Some("6d127980966808f7413935678e079dcd7fedf9c2")
    );
    assert_eq!(last.redacted.as_str(), "AKIA****(20 chars)");
    // `-----BEGIN OPENSSH PRIVATE KEY-----` is 35 characters.
    assert_eq!(evidence.secrets[2].redacted.as_str(), "----****(35 chars)");
    assert_no_raw_value(&evidence, &raw_values(path));
}

#[test]
fn an_empty_report_is_a_generic_document_unless_forced() {
    // `[]` could come from any tool; no specific format claims it.
    let evidence = ingest_as(corpus("gitleaks/gitleaks-8-empty.json"), "json");
    assert_eq!(evidence.documents.len(), 1);
    let forced = try_ingest_forced(corpus("gitleaks/gitleaks-8-empty.json"), "gitleaks").unwrap();
    assert_eq!(forced.sources[0].format, "gitleaks");
    assert_eq!(forced.record_count(), 0);
}

#[test]
fn keeps_gitleaks_fingerprints_and_redacted_reports_say_nothing_of_the_secret() {
    let evidence = ingest_as(fixture("gitleaks/gitleaks-8.18-redacted.json"), "gitleaks");
    assert_eq!(evidence.secrets.len(), 2);
    let first = &evidence.secrets[0];
    assert_eq!(first.rule_id, "github-pat");
    assert_eq!(
        first.fingerprint,
        "3f9c2a7d1e4b5c6a7f8e9d0c1b2a3f4e5d6c7b8a:deploy/config.yaml:github-pat:14"
    );
    assert_eq!(first.redacted.as_str(), "****");
    assert_eq!(
        evidence.secrets[1].fingerprint,
        "scripts/notify.sh:slack-webhook-url:3"
    );
    assert_eq!(evidence.secrets[1].commit, None);
}

#[test]
fn bad_inputs_are_errors_that_say_what_is_wrong() {
    let cases = [
        ("gitleaks-truncated.json", "EOF while parsing"),
        (
            "gitleaks-wrong-type.json",
            "invalid type: string, expected u32 at line 4",
        ),
        (
            "gitleaks-no-rule.json",
            "leak 1 has neither `RuleID` (v8) nor `rule` (v7)",
        ),
        (
            "gitleaks-not-utf8.json",
            "invalid UTF-8 at line 5 column 15",
        ),
    ];
    for (file, expected) in cases {
        let error = try_ingest_forced(fixture(&format!("bad/{file}")), "gitleaks").unwrap_err();
        let message = error.to_string();
        assert!(message.contains(expected), "{file}: {message}");
    }
}
