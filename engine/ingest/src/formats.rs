//! The format registry: one entry per supported format, in detection order.
//!
//! This list is the single source of truth for auto-detection (first match
//! wins, so specific formats come before generic ones), `verdict formats` and
//! `docs/formats.md`. Each format lives in its own file below `formats/`.

use crate::error::FormatError;
use crate::input::Options;
use crate::sniff::Sniff;
use std::path::Path;
use verdict_evidence::Evidence;

mod bandit;
mod cargo_audit;
mod cargo_lock;
mod clover;
mod cobertura;
mod coverage_py;
mod coverage_tally;
mod cyclonedx;
mod dependency_check;
mod detect_secrets;
mod generic;
mod gitleaks;
mod go_cover;
mod jacoco;
mod junit;
mod lcov;
mod npm_audit;
mod osv_scanner;
mod pip_audit;
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
    /// Any other structured file.
    Documents,
}

impl Family {
    /// Heading used in listings.
    pub fn title(self) -> &'static str {
        match self {
            Family::CodeScanning => "code scanning",
            Family::Container => "container and filesystem scans",
            Family::Secrets => "secret scanning",
            Family::Dependencies => "dependency audits",
            Family::Coverage => "coverage",
            Family::Sbom => "SBOM",
            Family::Tests => "test results",
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
    /// True if the content is this format. Looks at content first; the file
    /// name only breaks ties for formats with no distinctive content.
    pub detect: fn(&Sniff<'_>) -> bool,
    /// The parser.
    pub parse: ParseFn,
}

macro_rules! format {
    ($module:ident, $id:literal, $family:ident, $summary:literal) => {
        Format {
            id: $id,
            family: Family::$family,
            summary: $summary,
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
        "SARIF 2.1.0 from any tool (CodeQL, Semgrep, Trivy, gitleaks, Bandit, Checkov, ESLint, Snyk…)"
    ),
    format!(
        trivy,
        "trivy",
        Container,
        "Trivy JSON: vulnerabilities, misconfigurations, secrets and licenses of image, filesystem and repo scans"
    ),
    format!(
        gitleaks,
        "gitleaks", Secrets, "gitleaks JSON report (v7 and v8)"
    ),
    format!(
        trufflehog,
        "trufflehog", Secrets, "trufflehog v3 JSON lines"
    ),
    format!(
        detect_secrets,
        "detect-secrets", Secrets, "detect-secrets baseline JSON"
    ),
    format!(
        cargo_audit,
        "cargo-audit", Dependencies, "cargo audit --json"
    ),
    format!(
        pip_audit,
        "pip-audit", Dependencies, "pip-audit JSON (current and legacy list shapes)"
    ),
    format!(
        npm_audit,
        "npm-audit", Dependencies, "npm audit --json (npm 6 and npm 7+ shapes)"
    ),
    format!(osv_scanner, "osv-scanner", Dependencies, "osv-scanner JSON"),
    format!(
        safety,
        "safety", Dependencies, "safety check JSON (1.x, 2.x and 3.x)"
    ),
    format!(
        dependency_check,
        "dependency-check", Dependencies, "OWASP dependency-check JSON report"
    ),
    format!(bandit, "bandit", CodeScanning, "bandit JSON report"),
    format!(cyclonedx, "cyclonedx", Sbom, "CycloneDX JSON SBOM"),
    format!(spdx, "spdx", Sbom, "SPDX 2.x JSON SBOM"),
    format!(
        cobertura,
        "cobertura", Coverage, "Cobertura XML (coverage.py, Java and .NET tools)"
    ),
    format!(jacoco, "jacoco", Coverage, "JaCoCo XML report"),
    format!(clover, "clover", Coverage, "Clover XML (PHPUnit, istanbul)"),
    format!(junit, "junit", Tests, "JUnit XML test results"),
    format!(
        coverage_py,
        "coverage-py", Coverage, "coverage.py JSON report"
    ),
    format!(
        lcov,
        "lcov", Coverage, "LCOV tracefile (lcov, istanbul, Foundry…)"
    ),
    format!(
        go_cover,
        "go-cover", Coverage, "Go coverprofile (go test -coverprofile)"
    ),
    format!(
        cargo_lock,
        "cargo-lock",
        Dependencies,
        "Cargo.lock audited against a RustSec advisory database (--advisory-db)"
    ),
    Format {
        id: "json",
        family: Family::Documents,
        summary: "any other JSON document",
        detect: generic::detect_json,
        parse: generic::parse_json,
    },
    Format {
        id: "yaml",
        family: Family::Documents,
        summary: "any YAML document (.yaml, .yml)",
        detect: generic::detect_yaml,
        parse: generic::parse_yaml,
    },
    Format {
        id: "toml",
        family: Family::Documents,
        summary: "any TOML document (.toml)",
        detect: generic::detect_toml,
        parse: generic::parse_toml,
    },
];

/// The format with this id.
pub fn find(id: &str) -> Option<&'static Format> {
    FORMATS.iter().find(|format| format.id == id)
}

/// The first format whose detector accepts the content.
pub fn detect(sniff: &Sniff<'_>) -> Option<&'static Format> {
    FORMATS.iter().find(|format| (format.detect)(sniff))
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
}
