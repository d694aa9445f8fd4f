//! The format registry: one entry per supported format, in detection order.
//!
//! This list is the single source of truth for auto-detection (first match
//! wins, so specific formats come before generic ones), `verdict formats` and
//! `docs/formats.md`. Each format lives in its own file below `formats/`.

use crate::error::FormatError;
use crate::input::Options;
use crate::sniff::Sniff;
use std::path::Path;
use verdict_evidence::{Evidence, Kind};

mod bandit;
mod black;
mod cargo_audit;
mod cargo_lock;
mod clover;
mod cobertura;
mod coverage_py;
mod coverage_tally;
mod cyclonedx;
mod dependency_check;
mod detect_secrets;
mod eslint;
mod flake8;
mod generic;
mod gitleaks;
mod go_cover;
mod jacoco;
mod junit;
mod lcov;
mod lint;
mod mypy;
mod npm_audit;
mod osv_scanner;
mod pip_audit;
mod pull_request;
mod pylint;
mod ruff;
mod safety;
mod sarif;
mod severity_words;
mod spdx;
mod trivy;
mod trufflehog;
mod xml;

/// What a format's records are about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// Code scanning, SAST, lint, IaC.
    CodeScanning,
    /// Linters, type checkers and formatters in their own formats.
    Lint,
    /// Container and filesystem scanners that report several kinds.
    Container,
    /// Secret scanners.
    Secrets,
    /// Dependency audits.
    Dependencies,
    /// Coverage reports.
    Coverage,
    /// Software bills of materials.
    Sbom,
    /// Test results.
    Tests,
    /// Pull and merge requests with their reviews.
    PullRequests,
    /// Any other structured file.
    Documents,
}

impl Family {
    /// The kinds of evidence a report of this family speaks for, even when it
    /// holds no records. `Container` scanners (Trivy) report what they ran
    /// per file, so their parser says; a parser may narrow or widen any
    /// family's kinds through [`Output::kinds`].
    pub fn kinds(self) -> &'static [Kind] {
        match self {
            Family::CodeScanning => &[Kind::Findings],
            Family::Lint => &[Kind::Findings],
            Family::Container => &[],
            Family::Secrets => &[Kind::Secrets],
            Family::Dependencies => &[Kind::Vulnerabilities],
            Family::Coverage => &[Kind::Coverage],
            Family::Sbom => &[Kind::Components],
            Family::Tests => &[Kind::Tests],
            Family::PullRequests => &[Kind::PullRequests],
            Family::Documents => &[Kind::Documents],
        }
    }

    /// Heading used in listings.
    pub fn title(self) -> &'static str {
        match self {
            Family::CodeScanning => "code scanning",
            Family::Lint => "lint",
            Family::Container => "container and filesystem scans",
            Family::Secrets => "secret scanning",
            Family::Dependencies => "dependency audits",
            Family::Coverage => "coverage",
            Family::Sbom => "SBOM",
            Family::Tests => "test results",
            Family::PullRequests => "pull requests",
            Family::Documents => "documents",
        }
    }
}

/// What a parser reads.
#[derive(Debug)]
pub struct ParseInput<'a> {
    /// The file, for messages.
    pub path: &'a Path,
    /// Its content, UTF-8 BOM removed.
    pub bytes: &'a [u8],
    /// Run-wide settings.
    pub options: &'a Options,
}

/// What a parser produces: records (all with `source` 0; the ingest stage
/// renumbers them) and, when the file says, the producing tool.
#[derive(Debug, Default)]
pub struct Output {
    /// The records. Parsers leave `sources` empty.
    pub evidence: Evidence,
    /// The tool that produced the file, with its version when known.
    pub tool: Option<String>,
    /// The kinds of evidence this file speaks for, when the parser knows
    /// better than the format's [`Family::kinds`] (SARIF from a secret
    /// scanner speaks for secrets; a Trivy report for what its scanners ran).
    pub kinds: Option<Vec<Kind>>,
}

/// A parser: content in, records out, or an error saying what and where.
pub type ParseFn = fn(&ParseInput<'_>, &mut Output) -> Result<(), FormatError>;

/// One supported format.
#[derive(Debug)]
pub struct Format {
    /// Stable kebab-case id, used with `--format` and in JSON output.
    pub id: &'static str,
    /// What kind of records it yields.
    pub family: Family,
    /// One line for `verdict formats`.
    pub summary: &'static str,
    /// File names that claim this format: names its tools write by default
    /// or that its specification recommends, as patterns with at most one
    /// `*`, matched case-insensitively. A file so named is read as this
    /// format unless its content is recognized as another specific format,
    /// and is an error (never skipped) when it does not parse as this one.
    pub names: &'static [&'static str],
    /// True if the content is this format, judged by structure (top-level
    /// JSON keys, the XML root element, the first line of a text format),
    /// never by the file name and never by keys nested at any depth.
    pub detect: fn(&Sniff<'_>) -> bool,
    /// The parser.
    pub parse: ParseFn,
}

impl Format {
    /// True if this format claims a file of this name (see [`Format::names`]).
    pub fn claims(&self, file_name: &str) -> bool {
        self.names
            .iter()
            .any(|pattern| name_matches(pattern, file_name))
    }
}

/// `pattern` (at most one `*`) matches `name`, ASCII case-insensitively.
fn name_matches(pattern: &str, name: &str) -> bool {
    let (name, pattern) = (name.to_ascii_lowercase(), pattern.to_ascii_lowercase());
    match pattern.split_once('*') {
        Some((prefix, suffix)) => {
            name.len() > prefix.len() + suffix.len()
                && name.starts_with(prefix)
                && name.ends_with(suffix)
        }
        None => name == pattern,
    }
}

macro_rules! format {
    ($module:ident, $id:literal, $family:ident, $summary:literal, $names:expr) => {
        Format {
            id: $id,
            family: Family::$family,
            summary: $summary,
            names: $names,
            detect: $module::detect,
            parse: $module::parse,
        }
    };
}

/// Every supported format, in detection order.
pub static FORMATS: &[Format] = &[
    format!(
        sarif,
        "sarif",
        CodeScanning,
        "SARIF 2.1.0 from any tool (CodeQL, Semgrep, Trivy, gitleaks, Bandit, Checkov, ESLint, Snyk…)",
        // SARIF 2.1.0 §3.2 names the extensions `.sarif` and `.sarif.json`.
        &["*.sarif", "*.sarif.json"]
    ),
    format!(
        trivy,
        "trivy",
        Container,
        "Trivy JSON: vulnerabilities, misconfigurations, secrets and licenses of image, filesystem and repo scans",
        &[]
    ),
    format!(
        gitleaks,
        "gitleaks",
        Secrets,
        "gitleaks JSON report (v7 and v8)",
        // The name gitleaks' README uses for `--report-path`; its empty
        // report `[]` is only known as gitleaks by name.
        &["gitleaks-report.json"]
    ),
    format!(
        trufflehog,
        "trufflehog",
        Secrets,
        "trufflehog v3 JSON lines",
        &[]
    ),
    format!(
        detect_secrets,
        "detect-secrets",
        Secrets,
        "detect-secrets baseline JSON",
        &[".secrets.baseline"]
    ),
    format!(
        cargo_audit,
        "cargo-audit",
        Dependencies,
        "cargo audit --json",
        &[]
    ),
    format!(
        pip_audit,
        "pip-audit",
        Dependencies,
        "pip-audit JSON (current and legacy list shapes)",
        &[]
    ),
    format!(
        npm_audit,
        "npm-audit",
        Dependencies,
        "npm audit --json (npm 6 and npm 7+ shapes, and the error documents npm writes when the audit fails)",
        &[]
    ),
    format!(
        osv_scanner,
        "osv-scanner",
        Dependencies,
        "osv-scanner JSON",
        &[]
    ),
    format!(
        safety,
        "safety",
        Dependencies,
        "safety check JSON (1.x, 2.x and 3.x)",
        &[]
    ),
    format!(
        dependency_check,
        "dependency-check",
        Dependencies,
        "OWASP dependency-check JSON report",
        &["dependency-check-report.json"]
    ),
    format!(bandit, "bandit", CodeScanning, "bandit JSON report", &[]),
    format!(
        ruff,
        "ruff",
        Lint,
        "ruff check --output-format json (a clean run's `[]` only with `ruff:PATH`)",
        &[]
    ),
    format!(
        pylint,
        "pylint",
        Lint,
        "pylint --output-format=json or json2 (a clean json run's `[]` only with `pylint:PATH`)",
        &[]
    ),
    format!(
        mypy,
        "mypy",
        Lint,
        "mypy -O json (JSON lines) or mypy's default text output with its summary",
        &[]
    ),
    format!(eslint, "eslint", Lint, "eslint -f json", &[]),
    format!(
        flake8,
        "flake8",
        Lint,
        "flake8's default `path:line:col: CODE message` text, with or without --count",
        &[]
    ),
    format!(
        black,
        "black",
        Lint,
        "black --check output (its standard error): `would reformat PATH` lines and the summary",
        &[]
    ),
    format!(
        cyclonedx,
        "cyclonedx",
        Sbom,
        "CycloneDX JSON SBOM",
        // The names the CycloneDX specification recommends.
        &["bom.json", "*.cdx.json"]
    ),
    format!(spdx, "spdx", Sbom, "SPDX 2.x JSON SBOM", &["*.spdx.json"]),
    format!(
        cobertura,
        "cobertura",
        Coverage,
        "Cobertura XML (coverage.py, Java and .NET tools)",
        // `coverage xml` and istanbul's `cobertura` reporter defaults.
        &["coverage.xml", "cobertura.xml", "cobertura-coverage.xml"]
    ),
    format!(
        jacoco,
        "jacoco",
        Coverage,
        "JaCoCo XML report",
        // The Maven plugin's and Gradle's defaults.
        &["jacoco.xml", "jacocoTestReport.xml"]
    ),
    format!(
        clover,
        "clover",
        Coverage,
        "Clover XML (PHPUnit, istanbul)",
        &["clover.xml"]
    ),
    format!(
        junit,
        "junit",
        Tests,
        "JUnit XML test results",
        // Maven Surefire's per-class reports and jest-junit's default.
        &["TEST-*.xml", "junit.xml"]
    ),
    format!(
        coverage_py,
        "coverage-py",
        Coverage,
        "coverage.py JSON report",
        &["coverage.json"]
    ),
    format!(
        lcov,
        "lcov",
        Coverage,
        "LCOV tracefile (lcov, istanbul, Foundry…)",
        &["lcov.info", "*.lcov"]
    ),
    format!(
        go_cover,
        "go-cover",
        Coverage,
        "Go coverprofile (go test -coverprofile)",
        &[]
    ),
    format!(
        pull_request,
        "pull-request",
        PullRequests,
        "a pull request with its reviews (`gh pr view --json …`), or a GitLab merge request joined with its approvals",
        &[]
    ),
    format!(
        cargo_lock,
        "cargo-lock",
        Dependencies,
        "Cargo.lock audited against a RustSec advisory database (--advisory-db)",
        &["Cargo.lock"]
    ),
    Format {
        id: "json",
        family: Family::Documents,
        summary: "any other JSON document",
        names: &["*.json"],
        detect: generic::detect_json,
        parse: generic::parse_json,
    },
    Format {
        id: "yaml",
        family: Family::Documents,
        summary: "any YAML document",
        names: &["*.yaml", "*.yml"],
        detect: generic::detect_by_name_only,
        parse: generic::parse_yaml,
    },
    Format {
        id: "toml",
        family: Family::Documents,
        summary: "any TOML document",
        names: &["*.toml"],
        detect: generic::detect_by_name_only,
        parse: generic::parse_toml,
    },
];

/// How container formats decide what their records are, for
/// `docs/formats.md`; each text lives beside the code that decides.
pub(crate) const KINDS_DOCS: &[&str] = &[sarif::KINDS_DOC, trivy::KINDS_DOC];

/// The format with this id.
pub fn find(id: &str) -> Option<&'static Format> {
    FORMATS.iter().find(|format| format.id == id)
}

/// The first format whose detector accepts the content.
pub fn detect(sniff: &Sniff<'_>) -> Option<&'static Format> {
    FORMATS.iter().find(|format| (format.detect)(sniff))
}

/// A large SARIF log parsed as it is read (`sarif/stream.rs`): its output,
/// sha256 and the bytes read; `None` when it must be read whole.
pub(crate) fn sarif_stream(
    reader: &mut (dyn std::io::Read + Send),
    size: u64,
) -> std::io::Result<Option<(Output, String, u64)>> {
    let parsed = sarif::stream::parse(reader, size, sarif::stream::WINDOW)?;
    Ok(parsed.map(|parsed| (parsed.output, parsed.sha256, parsed.read)))
}

/// The first format whose [`Format::names`] claim this file name.
pub fn claimed_by(file_name: &str) -> Option<&'static Format> {
    FORMATS.iter().find(|format| format.claims(file_name))
}

/// The format a file is read as, from its content and its name: content
/// recognized as a specific format wins; otherwise a format its name claims;
/// otherwise a generic document format its content fits. `None` when
/// nothing recognizes it.
pub fn resolve(sniff: &Sniff<'_>) -> Option<&'static Format> {
    let by_content = detect(sniff);
    if let Some(format) = by_content
        && format.family != Family::Documents
    {
        return Some(format);
    }
    let by_name = sniff
        .path
        .file_name()
        .and_then(|name| name.to_str())
        .and_then(claimed_by);
    by_name.or(by_content)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_ids_are_unique_kebab_case() {
        let mut ids: Vec<_> = FORMATS.iter().map(|f| f.id).collect();
        assert!(ids.iter().all(|id| {
            id.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        }));
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), FORMATS.len());
    }

    #[test]
    fn file_names_claim_formats() {
        let claimed = |name: &str| claimed_by(name).map(|format| format.id);
        assert_eq!(claimed("results.sarif"), Some("sarif"));
        assert_eq!(claimed("Results.SARIF.json"), Some("sarif"));
        assert_eq!(claimed("report.json"), Some("json"));
        assert_eq!(claimed(".secrets.baseline"), Some("detect-secrets"));
        assert_eq!(claimed("TEST-com.example.FooTest.xml"), Some("junit"));
        assert_eq!(claimed("Cargo.lock"), Some("cargo-lock"));
        assert_eq!(claimed("sbom.cdx.json"), Some("cyclonedx"));
        assert_eq!(claimed(".sarif"), None);
        assert_eq!(claimed("notes.txt"), None);
        assert_eq!(claimed("report.xml"), None);
    }
}
