//! Tests of the `trufflehog` format, with counts checked against the raw files with python3.

use crate::gitleaks::assert_no_raw_value;
use crate::support::{corpus, fixture, ingest_as, try_ingest_forced};
use std::path::PathBuf;
use verdict_evidence::fingerprint;

/// Every `Raw`, `RawV2` and `Redacted` of a trufflehog file, plus `Raw`
/// base64-decoded where it is base64 (the 2022 releases).
fn raw_values(path: PathBuf) -> Vec<String> {
    let text = fs_err::read_to_string(path).expect("readable file");
    let mut values = Vec::new();
    for line in text.lines().filter(|line| !line.trim().is_empty()) {
        let result: serde_json::Value = serde_json::from_str(line).expect("valid JSON");
        for key in ["Raw", "RawV2", "Redacted"] {
            if let Some(value) = result[key].as_str() {
                values.push(value.to_owned());
            }
        }
    }
    values
}

#[test]
fn reads_a_git_scan_of_2022_with_base64_raw_values() {
    let path = corpus("trufflehog/trufflehog-v3-git-2022.jsonl");
    let evidence = ingest_as(path.clone(), "trufflehog");
    // Four results on three lines: the file has no final newline.
    assert_eq!(evidence.secrets.len(), 4);
    let rules: Vec<_> = evidence
        .secrets
        .iter()
        .map(|s| s.rule_id.as_str())
        .collect();
    assert_eq!(rules, ["AWS", "URI", "PrivateKey", "URI"]);
    assert!(
        evidence
            .secrets
            .iter()
            .all(|s| s.verified == Some(true) && s.tool == "trufflehog")
    );
    let aws = &evidence.secrets[0];
    let location = aws.location.as_ref().unwrap();
    assert_eq!(
        (&*location.path, location.start_line, location.end_line),
        ("keys", Some(4), Some(4))
    );
    assert_eq!(
        aws.commit.as_deref(),
        Some("fbc14303ffbf8fb1c2c1914e8dda7d0121633aca")
    );
    // `Raw` is base64 of `AKIAYVP4CIPPERUVIFXG`.
    assert_eq!(aws.redacted.as_str(), "AKIA****(20 chars)");
    assert_eq!(
        aws.fingerprint,
        fingerprint::of(&[
            "trufflehog",
            "AWS",
            "keys",
            "4",
            "fbc14303ffbf8fb1c2c1914e8dda7d0121633aca"
        ])
    );
    assert_eq!(evidence.secrets[1].redacted.as_str(), "http****(57 chars)");
    assert_eq!(
        evidence.secrets[2].redacted.as_str(),
        "----****(2654 chars)"
    );
    // The last result repeats the second one exactly.
    assert_eq!(
        evidence.secrets[1].fingerprint,
        evidence.secrets[3].fingerprint
    );
    let mut raw = raw_values(path);
    raw.extend([
        "AKIAYVP4CIPPERUVIFXG".to_owned(),
        "https://admin:admin@the-internet.herokuapp.com".to_owned(),
    ]);
    assert_no_raw_value(&evidence, &raw);
}

#[test]
fn reads_a_github_scan_of_2022() {
    let path = corpus("trufflehog/trufflehog-v3-github-2022.jsonl");
    let evidence = ingest_as(path.clone(), "trufflehog");
    assert_eq!(evidence.secrets.len(), 4);
    let rules: Vec<_> = evidence
        .secrets
        .iter()
        .map(|s| s.rule_id.as_str())
        .collect();
    assert_eq!(rules, ["AWS", "URI", "PrivateKey", "URI"]);
    assert_eq!(
        evidence
            .secrets
            .iter()
            .filter(|s| s.verified == Some(true))
            .count(),
        4
    );
    let key = &evidence.secrets[2];
    let location = key.location.as_ref().unwrap();
    assert_eq!((&*location.path, location.start_line), ("keys", Some(1)));
    assert_eq!(
        key.commit.as_deref(),
        Some("77b2a3e56973785a52ba4ae4b8dac61d4bac016f")
    );
    assert_no_raw_value(&evidence, &raw_values(path));
}

#[test]
fn reads_a_current_filesystem_scan() {
    let path = fixture("trufflehog/trufflehog-3.82-filesystem.jsonl");
    let evidence = ingest_as(path.clone(), "trufflehog");
    // Three results; a blank line and a CRLF at the end are not results.
    assert_eq!(evidence.secrets.len(), 3);
    let github = &evidence.secrets[0];
    assert_eq!(github.rule_id, "Github");
    assert_eq!(github.verified, Some(false));
    assert_eq!(github.redacted.as_str(), "ghp_****(40 chars)");
    let location = github.location.as_ref().unwrap();
    assert_eq!(
        (&*location.path, location.start_line),
        ("config/settings.py", Some(12))
    );
    assert_eq!(github.commit, None);
    // A verification error means "not known", not "not live".
    assert_eq!(evidence.secrets[1].verified, None);
    assert_eq!(evidence.secrets[1].redacted.as_str(), "AKIA****(20 chars)");
    let uri = &evidence.secrets[2];
    assert_eq!(uri.verified, Some(true));
    assert_eq!(uri.location.as_ref().unwrap().start_line, None);
    assert_no_raw_value(&evidence, &raw_values(path));
}

#[test]
fn bad_inputs_are_errors_that_name_the_line() {
    let cases = [
        (
            "trufflehog-truncated-line.jsonl",
            "not a trufflehog result: EOF while parsing a string at line 2 column 150",
        ),
        (
            "trufflehog-log-line.jsonl",
            "invalid type: integer, expected a trufflehog result object at line 2 column 4",
        ),
        (
            "trufflehog-wrong-type.jsonl",
            "invalid type: string, expected u32 at line 1",
        ),
    ];
    for (file, expected) in cases {
        let error = try_ingest_forced(fixture(&format!("bad/{file}")), "trufflehog").unwrap_err();
        let message = error.to_string();
        assert!(message.contains(expected), "{file}: {message}");
    }
}
