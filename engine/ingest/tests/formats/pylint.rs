//! Tests of the `pylint` format, with counts checked against the raw files with python3.

use crate::support::{by_severity, counts, fixture, ingest_as};

#[test]
fn json_and_json2_give_the_same_findings() {
    let json = ingest_as(fixture("lint/pylint-4.1.4-findings.json"), "pylint");
    let json2 = ingest_as(fixture("lint/pylint-4.1.4-json2-findings.json"), "pylint");
    for evidence in [&json, &json2] {
        assert_eq!(evidence.findings.len(), 18);
        // 11 convention + 2 refactor are low, 4 warnings medium, 1 error high.
        assert_eq!(
            by_severity(evidence.findings.iter().map(|f| f.severity)),
            counts(&[("high", 1), ("medium", 4), ("low", 13)])
        );
        let error = evidence
            .findings
            .iter()
            .find(|f| f.level.as_deref() == Some("error"))
            .unwrap();
        assert_eq!(&*error.rule_id, "E0602");
        assert_eq!(error.tags[0], "undefined-variable");
    }
    let fingerprints = |e: &verdict_evidence::Evidence| -> Vec<String> {
        e.findings.iter().map(|f| f.fingerprint.clone()).collect()
    };
    let mut a = fingerprints(&json);
    let mut b = fingerprints(&json2);
    a.sort();
    b.sort();
    assert_eq!(a, b);
    assert!(
        json2.findings[0]
            .tags
            .contains(&"confidence:high".to_owned())
    );
}

#[test]
fn a_clean_json2_run_is_recognized() {
    let evidence = ingest_as(fixture("lint/pylint-4.1.4-json2-clean.json"), "pylint");
    assert!(evidence.findings.is_empty());
    assert_eq!(
        evidence.sources[0].kinds,
        [verdict_evidence::Kind::Findings]
    );
}
