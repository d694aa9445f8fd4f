//! Tests of the `bandit` format, with counts checked against the raw files with python3.

use crate::support::{by_severity, corpus, counts, fixture, ingest_as, try_ingest_forced};
use verdict_evidence::{NoticeKind, Severity};

#[test]
fn reads_a_report_with_cwes_and_a_versioned_tool() {
    let evidence = ingest_as(corpus("bandit/bandit-1.8.3-cwe.json"), "bandit");
    assert_eq!(evidence.sources[0].tool.as_deref(), Some("bandit 1.8.3"));
    assert_eq!(evidence.findings.len(), 2);
    assert_eq!(
        by_severity(evidence.findings.iter().map(|f| f.severity)),
        counts(&[("low", 2)])
    );
    let first = &evidence.findings[0];
    assert_eq!(&*first.tool, "bandit");
    assert_eq!(&*first.rule_id, "B105");
    assert_eq!(first.level.as_deref(), Some("LOW"));
    assert_eq!(
        first.message,
        "Possible hardcoded password: 'https://accounts.spotify.com/api/token'"
    );
    assert_eq!(*first.cwes, ["CWE-259"]);
    assert_eq!(
        *first.tags,
        ["hardcoded_password_string", "confidence:medium"]
    );
    let location = first.location.as_ref().unwrap();
    assert_eq!(
        (&*location.path, location.start_line, location.end_line),
        ("src/spotify_scraper/core/constants.py", Some(12), Some(12))
    );
    assert_ne!(first.fingerprint, evidence.findings[1].fingerprint);
    assert!(evidence.notices.is_empty());
}

#[test]
fn reads_a_large_pre_cwe_report() {
    let evidence = ingest_as(corpus("bandit/bandit-2021-large.json"), "bandit");
    assert_eq!(evidence.sources[0].tool.as_deref(), Some("bandit"));
    assert_eq!(evidence.findings.len(), 47);
    assert_eq!(
        by_severity(evidence.findings.iter().map(|f| f.severity)),
        counts(&[("medium", 36), ("low", 11)])
    );
    let rule = |id: &str| {
        evidence
            .findings
            .iter()
            .filter(|f| &*f.rule_id == id)
            .count()
    };
    assert_eq!(
        (rule("B303"), rule("B110"), rule("B410"), rule("B320")),
        (30, 6, 4, 3)
    );
    let high_confidence = evidence
        .findings
        .iter()
        .filter(|f| f.tags.iter().any(|t| t == "confidence:high"));
    assert_eq!(high_confidence.count(), 46);
    assert!(evidence.findings.iter().all(|f| f.cwes.is_empty()));
    let last = &evidence.findings[46];
    assert_eq!(&*last.rule_id, "B110");
    let location = last.location.as_ref().unwrap();
    assert_eq!(
        (&*location.path, location.start_line, location.end_line),
        ("dojo/tools/zap/parser.py", Some(162), Some(163))
    );
}

#[test]
fn reads_an_empty_report() {
    let evidence = ingest_as(corpus("bandit/bandit-2020-no-results.json"), "bandit");
    assert_eq!(evidence.record_count(), 0);
    assert!(evidence.notices.is_empty());
}

#[test]
fn scan_errors_are_incomplete_scan_notices_and_odd_severities_are_said() {
    let evidence = ingest_as(
        fixture("bandit/bandit-errors-and-odd-severities.json"),
        "bandit",
    );
    assert_eq!(evidence.sources[0].tool.as_deref(), Some("bandit 1.7.5"));
    // `UNDEFINED` is bandit's "none set" and `BOGUS` a word nobody uses:
    // both `unknown` since issue 7 (they were info and high); `SEVERE` is a
    // word other tools use for high.
    let severities: Vec<_> = evidence.findings.iter().map(|f| f.severity).collect();
    assert_eq!(
        severities,
        [Severity::Unknown, Severity::High, Severity::Unknown]
    );
    // The same call on another line, re-indented, keeps its fingerprint.
    assert_eq!(
        evidence.findings[0].fingerprint,
        evidence.findings[1].fingerprint
    );
    let notices: Vec<_> = evidence
        .notices
        .iter()
        .map(|n| (n.kind, n.message.as_str()))
        .collect();
    assert_eq!(
        notices,
        [
            (
                NoticeKind::IncompleteScan,
                "bandit could not scan `src/broken.py`: syntax error while parsing AST from file"
            ),
            (
                NoticeKind::IncompleteScan,
                "bandit could not scan `src/binary.py`: exception while scanning file: UnicodeDecodeError"
            ),
            (
                NoticeKind::Warning,
                "unknown bandit severity `BOGUS`: treated as unknown"
            ),
        ]
    );
}

#[test]
fn bad_inputs_are_errors_that_say_what_is_wrong() {
    let cases = [
        ("bandit-truncated.json", "EOF while parsing"),
        (
            "bandit-wrong-type.json",
            "invalid type: string, expected u32",
        ),
        (
            "bandit-wrong-shape.json",
            "invalid type: map, expected a sequence",
        ),
        ("bandit-no-results.json", "missing field `results`"),
        ("bandit-not-utf8.json", "invalid UTF-8 at line 1 column 58"),
    ];
    for (file, expected) in cases {
        let error = try_ingest_forced(fixture(&format!("bad/{file}")), "bandit").unwrap_err();
        let message = error.to_string();
        assert!(message.contains(expected), "{file}: {message}");
    }
}
