//! Helpers shared by the parser tests.

use std::collections::BTreeMap;
use std::path::PathBuf;
use verdict_evidence::{CoverageTotals, Evidence, Severity, Vulnerability};
use verdict_ingest::{IngestError, Options, find_format, ingest_file};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A file of the scanner corpus, e.g. `corpus("sarif/eslint-8.56.0.sarif")`:
/// `fixtures/corpus`, a byte-exact copy of the shared corpus that the e2e
/// tests keep identical to `../shared/corpus` wherever that exists.
pub fn corpus(relative: &str) -> PathBuf {
    root().join("fixtures/corpus").join(relative)
}

/// A file of this repository's fixtures, e.g. `fixture("junit/pytest-basic.xml")`.
pub fn fixture(relative: &str) -> PathBuf {
    root().join("fixtures").join(relative)
}

/// Ingests one file with auto-detection and asserts the detected format.
pub fn ingest_as(path: PathBuf, expected_format: &str) -> Evidence {
    let evidence = ingest_file(&path, None, &Options::default())
        .unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    assert_eq!(evidence.sources.len(), 1, "{}", path.display());
    assert_eq!(
        evidence.sources[0].format,
        expected_format,
        "detected format of {}",
        path.display()
    );
    evidence
}

/// Ingests one file forcing a format, returning the error if any.
pub fn try_ingest_forced(path: PathBuf, format: &str) -> Result<Evidence, IngestError> {
    ingest_file(
        &path,
        Some(find_format(format).expect("known format")),
        &Options::default(),
    )
}

/// Counts per severity, as a sorted map of `severity -> count` (zero counts left out).
pub fn by_severity(
    severities: impl IntoIterator<Item = Severity>,
) -> BTreeMap<&'static str, usize> {
    let mut counts = BTreeMap::new();
    for severity in severities {
        *counts.entry(severity.as_str()).or_insert(0) += 1;
    }
    counts
}

/// Builds the expected map for [`by_severity`] from pairs.
pub fn counts(pairs: &[(&'static str, usize)]) -> BTreeMap<&'static str, usize> {
    pairs.iter().copied().filter(|(_, n)| *n > 0).collect()
}

/// The error message of forcing `format` on a file that must be rejected.
pub fn error_of(path: PathBuf, format: &str) -> String {
    match try_ingest_forced(path.clone(), format) {
        Ok(_) => panic!("`{}` was accepted as {format}", path.display()),
        Err(error) => error.to_string(),
    }
}

/// Coverage totals from `(total, covered)` pairs of lines and branches.
pub fn totals(files: u64, lines: (u64, u64), branches: (u64, u64)) -> CoverageTotals {
    CoverageTotals {
        files,
        lines_total: lines.0,
        lines_covered: lines.1,
        branches_total: branches.0,
        branches_covered: branches.1,
    }
}

/// The vulnerability with this id; panics naming it when there is none.
pub fn vulnerability<'a>(records: &'a [Vulnerability], id: &str) -> &'a Vulnerability {
    records
        .iter()
        .find(|v| v.id == id)
        .unwrap_or_else(|| panic!("no `{id}`"))
}

/// The vulnerability with this id on this package.
pub fn vulnerability_of<'a>(
    records: &'a [Vulnerability],
    id: &str,
    package: &str,
) -> &'a Vulnerability {
    records
        .iter()
        .find(|v| v.id == id && v.package == package)
        .unwrap_or_else(|| panic!("no `{id}` for `{package}`"))
}
