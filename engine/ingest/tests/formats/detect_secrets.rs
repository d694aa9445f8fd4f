//! Tests of the `detect-secrets` format, with counts checked against the raw files with python3.

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

/// Every `hashed_secret` of a baseline: a sha1 of the secret, which must not
/// be kept either.
fn hashed_secrets(path: PathBuf) -> Vec<String> {
    let text = fs_err::read_to_string(path).expect("readable file");
    let baseline: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    let mut values = Vec::new();
    for found in baseline["results"].as_object().expect("an object").values() {
        for one in found.as_array().expect("an array") {
            values.push(one["hashed_secret"].as_str().expect("a string").to_owned());
        }
    }
    values
}

#[test]
fn reads_a_1_5_baseline() {
    let path = corpus("detect-secrets/detect-secrets-1.5.0-baseline.json");
    let evidence = ingest_as(path.clone(), "detect-secrets");
    assert_eq!(
        evidence.sources[0].tool.as_deref(),
        Some("detect-secrets 1.5.0")
    );
    assert_eq!(evidence.secrets.len(), 16);
    assert_eq!(
        by_rule(&evidence),
        BTreeMap::from([
            ("Base64 High Entropy String", 1),
            ("Hex High Entropy String", 2),
            ("JSON Web Token", 1),
            ("Private Key", 8),
            ("Secret Keyword", 3),
            ("Twilio API Key", 1),
        ])
    );
    assert!(evidence.secrets.iter().all(|s| s.verified == Some(false)));
    let first = &evidence.secrets[0];
    assert_eq!(first.tool, "detect-secrets");
    assert_eq!(first.rule_id, "Private Key");
    let location = first.location.as_ref().unwrap();
    assert_eq!(
        (&*location.path, location.start_line, location.end_line),
        ("detect_secrets/plugins/private_key.py", Some(45), Some(45))
    );
    assert_eq!(first.redacted.as_str(), "****");
    assert_eq!(
        first.fingerprint,
        fingerprint::of(&[
            "detect-secrets",
            "Private Key",
            "detect_secrets/plugins/private_key.py",
            "45"
        ])
    );
    let serialized = serde_json::to_string(&evidence).unwrap();
    for hash in hashed_secrets(path) {
        assert!(!serialized.contains(&hash), "hashed secret `{hash}` kept");
    }
}

#[test]
fn reads_a_1_0_baseline_in_file_order() {
    let evidence = ingest_as(
        corpus("detect-secrets/detect-secrets-1.0.3-baseline.json"),
        "detect-secrets",
    );
    assert_eq!(
        evidence.sources[0].tool.as_deref(),
        Some("detect-secrets 1.0.3")
    );
    assert_eq!(evidence.secrets.len(), 4);
    assert_eq!(by_rule(&evidence), BTreeMap::from([("Secret Keyword", 4)]));
    let paths: Vec<_> = evidence
        .secrets
        .iter()
        .map(|s| {
            let location = s.location.as_ref().unwrap();
            (&*location.path, location.start_line.unwrap())
        })
        .collect();
    assert_eq!(
        paths,
        [
            ("modules_images", 151),
            ("modules_images", 156),
            ("example/pkg/docker_registry_watcher/docker_config.go", 109),
            (
                "example/pkg/docker_registry_watcher/docker_registry_watcher.go",
                112
            ),
        ]
    );
}

#[test]
fn an_audited_false_positive_is_kept_as_suppressed() {
    let evidence = ingest_as(
        corpus("detect-secrets/detect-secrets-1.0.3-baseline.json"),
        "detect-secrets",
    );
    // Only the last result carries `"is_secret": false` (line 112).
    let suppressed: Vec<_> = evidence.secrets.iter().map(|s| s.suppressed).collect();
    assert_eq!(suppressed, [false, false, false, true]);
}

#[test]
fn reads_a_legacy_baseline_without_filenames_in_results() {
    let path = corpus("detect-secrets/detect-secrets-0.14.2-legacy-baseline.json");
    let evidence = ingest_as(path.clone(), "detect-secrets");
    assert_eq!(
        evidence.sources[0].tool.as_deref(),
        Some("detect-secrets 0.14.2")
    );
    assert_eq!(evidence.secrets.len(), 29);
    assert_eq!(
        by_rule(&evidence),
        BTreeMap::from([
            ("Base64 High Entropy String", 7),
            ("Basic Auth Credentials", 1),
            ("Hex High Entropy String", 12),
            ("Private Key", 1),
            ("Secret Keyword", 8),
        ])
    );
    let first = evidence.secrets[0].location.as_ref().unwrap();
    assert_eq!((&*first.path, first.start_line), ("config.env", Some(1)));
    let files: std::collections::BTreeSet<_> = evidence
        .secrets
        .iter()
        .map(|s| s.location.as_ref().unwrap().path.clone())
        .collect();
    assert_eq!(files.len(), 13);
    let serialized = serde_json::to_string(&evidence).unwrap();
    for hash in hashed_secrets(path) {
        assert!(!serialized.contains(&hash), "hashed secret `{hash}` kept");
    }
}

#[test]
fn bad_inputs_are_errors_that_say_what_is_wrong() {
    let cases = [
        ("detect-secrets-truncated.json", "EOF while parsing"),
        (
            "detect-secrets-results-not-object.json",
            "expected an object of file paths to results at line 4",
        ),
    ];
    for (file, expected) in cases {
        let error =
            try_ingest_forced(fixture(&format!("bad/{file}")), "detect-secrets").unwrap_err();
        let message = error.to_string();
        assert!(message.contains(expected), "{file}: {message}");
    }
}
