//! GitLab Code Quality: every required field, unique fingerprints, GitLab's
//! severity words, waived violations left out, forged text escaped.

use super::{forged, raw_hidden, sample};
use serde_json::Value;
use std::collections::HashSet;
use verdict_report::{OutputFormat, render};

fn issues(verdict: &verdict_gate::document::Verdict) -> (String, Vec<Value>) {
    let text = render(OutputFormat::Gitlab, verdict);
    let value: Value = serde_json::from_str(&text).expect("JSON");
    (text, value.as_array().expect("an array").clone())
}

#[test]
fn gitlab_issues_have_every_field_code_quality_needs() {
    let (text, issues) = issues(&sample());
    // 12 + 1 + 1 + 1 counting violations; the waived one is not an issue.
    assert_eq!(issues.len(), 15);
    let mut fingerprints = HashSet::new();
    for issue in &issues {
        for field in ["description", "check_name", "fingerprint", "severity"] {
            assert!(issue[field].is_string(), "{field} in {issue}");
        }
        assert!(
            ["info", "minor", "major", "critical", "blocker"]
                .contains(&issue["severity"].as_str().unwrap())
        );
        assert!(issue["location"]["path"].is_string(), "{issue}");
        assert!(
            issue["location"]["lines"]["begin"].as_u64().unwrap() >= 1,
            "{issue}"
        );
        assert!(
            fingerprints.insert(issue["fingerprint"].as_str().unwrap().to_owned()),
            "{issue}"
        );
    }
    assert_eq!(
        issues[0]["description"],
        "[code-scanning] sql-injection: user input reaches a SQL query"
    );
    assert_eq!(issues[0]["check_name"], "code-scanning/sql-injection");
    assert_eq!(issues[0]["severity"], "critical");
    assert_eq!(issues[0]["location"]["path"], "src/app.py");
    assert_eq!(issues[0]["location"]["lines"]["begin"], 1);
    let secret = issues
        .iter()
        .find(|i| i["check_name"] == "secrets/secret")
        .unwrap();
    assert_eq!(secret["severity"], "blocker");
    // Without a location: the gate file, line 1.
    let vulnerability = issues
        .iter()
        .find(|i| i["check_name"] == "vulnerabilities/vulnerability")
        .unwrap();
    assert_eq!(vulnerability["location"]["path"], "verdict.toml");
    assert_eq!(vulnerability["location"]["lines"]["begin"], 1);
    assert_eq!(vulnerability["severity"], "major");
    assert!(!text.contains("legacy code"), "{text}");
    insta::assert_snapshot!("gitlab", text);
}

#[test]
fn gitlab_fingerprints_stay_unique_when_a_policy_repeats_one() {
    let mut verdict = sample();
    let copy = verdict.policies[0].violations[0].clone();
    verdict.policies[0].violations.push(copy.clone());
    verdict.policies[0].violations.push(copy);
    let (_, issues) = issues(&verdict);
    let fingerprints: HashSet<&str> = issues
        .iter()
        .map(|i| i["fingerprint"].as_str().unwrap())
        .collect();
    assert_eq!(fingerprints.len(), issues.len());
    // Stable: the same document gives the same fingerprints.
    let (_, again) = super::gitlab::issues(&verdict);
    assert_eq!(issues, again);
}

#[test]
fn gitlab_keeps_forged_text_exactly_but_escaped() {
    let verdict = forged(true);
    let (text, issues) = issues(&verdict);
    assert_eq!(raw_hidden(&text), Vec::<char>::new(), "{text}");
    assert!(!text.contains("##["), "{text}");
    let violation = &verdict.policies[0].violations[0];
    assert_eq!(
        issues[0]["location"]["path"].as_str().unwrap(),
        &*violation.location.as_ref().unwrap().path
    );
    assert!(
        issues[0]["description"]
            .as_str()
            .unwrap()
            .ends_with(&violation.message)
    );
}
