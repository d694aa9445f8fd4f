//! Tests of the `cargo-lock` format: native audits against the corpus's RustSec subset.
//!
//! The fixtures lock crate versions chosen by reading the advisories in
//! `rustsec-advisory-db/crates/*/` (their `patched` and `unaffected` ranges);
//! the expected ids below follow from those ranges, not from running the audit.

use crate::support::{by_severity, corpus, counts, fixture, try_ingest_forced};
use std::path::{Path, PathBuf};
use verdict_evidence::{AdvisoryKind, Evidence, NoticeKind, Severity, Vulnerability};
use verdict_ingest::{IngestError, Options, ingest_file};

fn audit(lockfile: &Path, db: PathBuf) -> Result<Evidence, IngestError> {
    ingest_file(
        lockfile,
        None,
        &Options {
            advisory_db: Some(db),
            ..Options::default()
        },
    )
}

fn find<'a>(records: &'a [Vulnerability], id: &str, version: &str) -> &'a Vulnerability {
    records
        .iter()
        .find(|v| v.id == id && v.version.as_deref() == Some(version))
        .unwrap_or_else(|| panic!("no `{id}` for version {version}"))
}

#[test]
fn finds_the_advisories_that_affect_locked_versions() {
    let lockfile = fixture("cargo-lock/cargo-vulnerable.lock");
    let evidence = audit(&lockfile, corpus("rustsec-advisory-db")).unwrap();
    assert_eq!(evidence.sources[0].format, "cargo-lock");
    let records = &evidence.vulnerabilities;
    let found: Vec<_> = records
        .iter()
        .map(|v| {
            (
                v.package.as_str(),
                v.version.as_deref().unwrap(),
                v.id.as_str(),
            )
        })
        .collect();
    // libc has no advisory in the subset; smallvec 0.6.9 is past 2018-0003's
    // `>= 0.6.3` fix but before 2019-0009/0012's `>= 0.6.10` and 2021-0003's
    // `>= 0.6.14, < 1.0.0`, and before the unsound 2018-0018's `>= 0.6.13`;
    // time 0.3.20 is inside 2026-0009's `>= 0.3.6` / `< 0.3.47` and past
    // 2020-0071's `>= 0.2.23`.
    assert_eq!(
        found,
        [
            ("crossbeam-channel", "0.5.12", "RUSTSEC-2025-0024"),
            ("idna", "0.5.0", "RUSTSEC-2024-0421"),
            ("net2", "0.2.39", "RUSTSEC-2020-0016"),
            ("regex", "1.5.4", "RUSTSEC-2022-0013"),
            ("smallvec", "0.6.9", "RUSTSEC-2018-0018"),
            ("smallvec", "0.6.9", "RUSTSEC-2019-0009"),
            ("smallvec", "0.6.9", "RUSTSEC-2019-0012"),
            ("smallvec", "0.6.9", "RUSTSEC-2021-0003"),
            ("smallvec", "1.6.0", "RUSTSEC-2021-0003"),
            ("time", "0.3.20", "RUSTSEC-2026-0009"),
        ]
    );
    // CVSS 9.8 (smallvec, four), 7.5 (regex), 6.8 (time, v4.0); no `cvss`
    // line in the advisory file (idna, crossbeam-channel, the unsound
    // smallvec 2018-0018 and the unmaintained net2 2020-0016): `unknown`
    // since issue 7 (they were medium and low).
    assert_eq!(
        by_severity(records.iter().map(|v| v.severity)),
        counts(&[("critical", 4), ("high", 1), ("medium", 1), ("unknown", 4)])
    );
    assert!(
        records
            .iter()
            .all(|v| v.tool == "verdict (rustsec)" && v.ecosystem.as_deref() == Some("crates.io"))
    );
    assert!(
        records
            .iter()
            .all(|v| v.target.as_deref() == Some(lockfile.to_str().unwrap()))
    );

    let smallvec = find(records, "RUSTSEC-2021-0003", "1.6.0");
    assert_eq!(smallvec.fixed_versions, [">=0.6.14, <1.0.0", ">=1.6.1"]);
    assert_eq!(smallvec.aliases, ["CVE-2021-25900", "GHSA-43w2-9j62-hq99"]);
    assert_eq!(
        (smallvec.severity, smallvec.cvss_score),
        (Severity::Critical, Some(9.8))
    );
    assert_eq!(
        find(records, "RUSTSEC-2026-0009", "0.3.20").cvss_score,
        Some(6.8)
    );
    let crossbeam = find(records, "RUSTSEC-2025-0024", "0.5.12");
    assert_eq!(
        crossbeam.aliases,
        ["CVE-2025-4574", "GHSA-pg9f-39pc-qf8g", "TROVE-2025-013"]
    );
    assert_eq!(
        (crossbeam.severity, crossbeam.cvss_score, crossbeam.kind),
        (Severity::Unknown, None, AdvisoryKind::Vulnerability)
    );
    let unsound = find(records, "RUSTSEC-2018-0018", "0.6.9");
    assert_eq!(
        (unsound.severity, unsound.kind),
        (Severity::Unknown, AdvisoryKind::Unsound)
    );
    assert!(!unsound.title.as_deref().unwrap().starts_with("unsound: "));
    assert_eq!(
        find(records, "RUSTSEC-2020-0016", "0.2.39").kind,
        AdvisoryKind::Unmaintained
    );

    assert_eq!(evidence.notices.len(), 1);
    assert_eq!(evidence.notices[0].kind, NoticeKind::Warning);
    assert!(
        evidence.notices[0].message.contains("`foo 0.1.0`"),
        "{}",
        evidence.notices[0].message
    );
}

#[test]
fn a_patched_lockfile_has_no_findings() {
    let evidence = audit(
        &fixture("cargo-lock/cargo-clean.lock"),
        corpus("rustsec-advisory-db"),
    )
    .unwrap();
    assert_eq!(evidence.sources[0].format, "cargo-lock");
    assert!(evidence.vulnerabilities.is_empty());
    assert!(evidence.notices.is_empty());
}

#[test]
fn needs_an_advisory_database() {
    let error = try_ingest_forced(fixture("cargo-lock/cargo-clean.lock"), "cargo-lock")
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("a Cargo.lock needs an advisory database: pass --advisory-db DIR"),
        "{error}"
    );
}

#[test]
fn says_when_the_advisory_database_does_not_exist() {
    let missing = corpus("no-such-advisory-db");
    let error = audit(&fixture("cargo-lock/cargo-clean.lock"), missing.clone())
        .unwrap_err()
        .to_string();
    assert!(
        error.contains(&format!(
            "advisory database `{}` is not a directory",
            missing.display()
        )),
        "{error}"
    );
    let not_a_db = corpus("safety");
    let error = audit(&fixture("cargo-lock/cargo-clean.lock"), not_a_db)
        .unwrap_err()
        .to_string();
    assert!(error.contains("has no `crates` folder"), "{error}");
}

#[test]
fn rejects_bad_lockfiles_with_a_message_naming_the_problem() {
    let cases = [
        (
            "bad/cargo-lock-truncated.lock",
            "invalid Cargo.lock: invalid basic string, expected `\"` at line 32 column 10",
        ),
        (
            "bad/cargo-lock-version-integer.lock",
            "invalid Cargo.lock: invalid type: integer, expected semver version at line 51",
        ),
        (
            "bad/cargo-lock-not-utf8.lock",
            "invalid UTF-8 at line 38 column 11",
        ),
    ];
    for (file, expected) in cases {
        let error = audit(&fixture(file), corpus("rustsec-advisory-db"))
            .expect_err(file)
            .to_string();
        assert!(error.contains(expected), "{file}: {error}");
        assert!(error.contains("cargo-lock"), "{file}: {error}");
    }
}
