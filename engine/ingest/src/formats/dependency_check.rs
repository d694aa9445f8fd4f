//! OWASP dependency-check JSON reports.
//!
//! One vulnerability per (dependency, vulnerability). The package and
//! version come from the dependency's first package URL, else its file name.
//! Choices where the format leaves room:
//!
//! - Severity is the highest of the ratings the record gives (CVSS v3, v4
//!   and v2 severities and dependency-check's own `severity`), so no one
//!   rating can lower risk; the CVSS score is likewise the highest base score.
//!   A word dependency-check does not use is read as `unknown`, with a
//!   warning; a record with no rating at all is `unknown` too.
//! - `suppressedVulnerabilities` were waived in dependency-check's own
//!   suppression file: they are not reported.
//! - Vulnerabilities are listed once, under the main dependency, not again
//!   for each of its `relatedDependencies`.
//! - Each of `scanInfo.analysisExceptions` is an incomplete-scan notice: an
//!   analyzer failed, so the absence of results proves nothing.

use crate::error::FormatError;
use crate::formats::generic::utf8_error;
use crate::formats::severity_words::SeverityWords;
use crate::formats::{Output, ParseInput};
use crate::sniff::{Shape, Sniff};
use serde::Deserialize;
use std::borrow::Cow;
use verdict_evidence::{Notice, NoticeKind, Vulnerability, cvss_band};

const TOOL: &str = "dependency-check";

pub(crate) fn detect(sniff: &Sniff<'_>) -> bool {
    sniff.shape == Shape::JsonObject
        && sniff.has_key("reportSchema")
        && (sniff.has_key("scanInfo") || sniff.has_key("dependencies"))
}

pub(crate) fn parse(input: &ParseInput<'_>, output: &mut Output) -> Result<(), FormatError> {
    // Validated up front: serde_json does not check strings it skips.
    let text = std::str::from_utf8(input.bytes).map_err(|e| utf8_error(input.bytes, &e))?;
    let report: Report<'_> = serde_json::from_str(text).map_err(|e| FormatError::json(&e))?;
    let scan_info = report.scan_info.unwrap_or_default();
    output.tool = Some(match scan_info.engine_version {
        Some(version) => format!("{TOOL} {version}"),
        None => TOOL.to_owned(),
    });
    let evidence = &mut output.evidence;
    let mut severities = SeverityWords::new("dependency-check");
    for dependency in &report.dependencies {
        for record in dependency.vulnerabilities.iter().flatten() {
            evidence
                .vulnerabilities
                .push(vulnerability(dependency, record, &mut severities));
        }
    }
    for analysis in scan_info.analysis_exceptions.iter().flatten() {
        let message = analysis
            .exception
            .message
            .as_deref()
            .map(first_line)
            .unwrap_or_default();
        evidence.notices.push(Notice {
            source: 0,
            kind: NoticeKind::IncompleteScan,
            message: format!("dependency-check analysis failed: {message}"),
        });
    }
    severities.finish(evidence);
    Ok(())
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Report<'a> {
    #[serde(borrow)]
    scan_info: Option<ScanInfo<'a>>,
    #[serde(borrow)]
    dependencies: Vec<Dependency<'a>>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct ScanInfo<'a> {
    #[serde(borrow)]
    engine_version: Option<Cow<'a, str>>,
    #[serde(borrow)]
    analysis_exceptions: Option<Vec<AnalysisException<'a>>>,
}

#[derive(Deserialize)]
struct AnalysisException<'a> {
    #[serde(borrow)]
    exception: ExceptionDetail<'a>,
}

#[derive(Deserialize)]
struct ExceptionDetail<'a> {
    #[serde(borrow)]
    message: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Dependency<'a> {
    #[serde(borrow)]
    file_name: Cow<'a, str>,
    #[serde(borrow)]
    file_path: Option<Cow<'a, str>>,
    #[serde(borrow)]
    packages: Option<Vec<PackageId<'a>>>,
    #[serde(borrow)]
    vulnerabilities: Option<Vec<DcVulnerability<'a>>>,
}

#[derive(Deserialize)]
struct PackageId<'a> {
    #[serde(borrow)]
    id: Cow<'a, str>,
}

#[derive(Deserialize)]
struct DcVulnerability<'a> {
    #[serde(borrow)]
    name: Cow<'a, str>,
    #[serde(borrow)]
    severity: Option<Cow<'a, str>>,
    #[serde(borrow)]
    cvssv2: Option<Cvss<'a>>,
    #[serde(borrow)]
    cvssv3: Option<Cvss<'a>>,
    #[serde(borrow)]
    cvssv4: Option<Cvss<'a>>,
    #[serde(borrow)]
    description: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    cwes: Option<Vec<Cow<'a, str>>>,
}

/// The parts of `cvssv2` (`score`, `severity`) and `cvssv3`/`cvssv4`
/// (`baseScore`, `baseSeverity`) that are read.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Cvss<'a> {
    #[serde(alias = "score")]
    base_score: Option<f64>,
    #[serde(alias = "severity", borrow)]
    base_severity: Option<Cow<'a, str>>,
}

fn vulnerability(
    dependency: &Dependency<'_>,
    record: &DcVulnerability<'_>,
    severities: &mut SeverityWords,
) -> Vulnerability {
    let purl = dependency
        .packages
        .as_deref()
        .and_then(|packages| packages.first())
        .and_then(|p| Purl::parse(&p.id));
    let package = purl.as_ref().map_or_else(
        || dependency.file_name.clone().into_owned(),
        |purl| purl.name.clone(),
    );
    let mut vulnerability = Vulnerability::new(0, TOOL, record.name.as_ref(), package);
    if let Some(purl) = purl {
        vulnerability.ecosystem = Some(purl.ecosystem);
        vulnerability.version = purl.version;
    }
    let ratings = [&record.cvssv3, &record.cvssv4, &record.cvssv2];
    let words = ratings
        .iter()
        .filter_map(|cvss| cvss.as_ref()?.base_severity.as_deref())
        .chain(record.severity.as_deref());
    let mut severity = None;
    for word in words {
        severity = severity.max(Some(severities.map(Some(word))));
    }
    vulnerability.cvss_score = ratings
        .iter()
        .filter_map(|cvss| cvss.as_ref()?.base_score)
        .filter(|score| score.is_finite())
        .reduce(f64::max);
    vulnerability.severity = match (severity, vulnerability.cvss_score) {
        (Some(severity), _) => severity,
        (None, Some(score)) => cvss_band(score),
        (None, None) => severities.map(None),
    };
    vulnerability.title = record.description.as_deref().and_then(title);
    vulnerability.target = dependency.file_path.as_deref().map(str::to_owned);
    // NVD's placeholders (`NVD-CWE-noinfo`, `NVD-CWE-Other`) name no weakness.
    vulnerability.cwes = record
        .cwes
        .iter()
        .flatten()
        .map(|cwe| cwe.trim())
        .filter(|cwe| cwe.starts_with("CWE-"))
        .map(str::to_owned)
        .collect();
    vulnerability.with_fingerprint()
}

/// What a package URL says about the package.
#[derive(Debug, PartialEq)]
pub(crate) struct Purl {
    pub(crate) ecosystem: String,
    pub(crate) name: String,
    pub(crate) version: Option<String>,
}

impl Purl {
    /// Reads `pkg:type/namespace/name@version?qualifiers#subpath`. Maven
    /// names are `group:artifact`, as OSV writes them.
    pub(crate) fn parse(purl: &str) -> Option<Purl> {
        let rest = purl.strip_prefix("pkg:")?;
        let rest = rest.split(['?', '#']).next()?;
        let (kind, path) = rest.split_once('/')?;
        let (path, version) = match path.rsplit_once('@') {
            Some((path, version)) => (path, Some(percent_decode(version))),
            None => (path, None),
        };
        let segments: Vec<String> = path
            .split('/')
            .filter(|s| !s.is_empty())
            .map(percent_decode)
            .collect();
        if segments.is_empty() {
            return None;
        }
        let kind = kind.to_ascii_lowercase();
        let name = if kind == "maven" {
            segments.join(":")
        } else {
            segments.join("/")
        };
        let ecosystem = match kind.as_str() {
            "maven" => "Maven",
            "npm" => "npm",
            "pypi" => "PyPI",
            "gem" => "RubyGems",
            "nuget" => "NuGet",
            "golang" => "Go",
            "cargo" => "crates.io",
            "composer" => "Packagist",
            "hex" => "Hex",
            "pub" => "Pub",
            other => other,
        };
        Some(Purl {
            ecosystem: ecosystem.to_owned(),
            name,
            version: version.filter(|v| !v.is_empty()),
        })
    }
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let hex = bytes
            .get(index + 1..index + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match (
            bytes[index],
            hex.and_then(|h| u8::from_str_radix(h, 16).ok()),
        ) {
            (b'%', Some(byte)) => {
                out.push(byte);
                index += 3;
            }
            (byte, _) => {
                out.push(byte);
                index += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A title from a description: its first non-blank line, cut at 200 characters.
fn title(description: &str) -> Option<String> {
    const MAX_CHARS: usize = 200;
    let line = description
        .lines()
        .map(str::trim)
        .find(|line| !line.is_empty())?;
    Some(match line.char_indices().nth(MAX_CHARS) {
        Some((cut, _)) => format!("{}…", &line[..cut]),
        None => line.to_owned(),
    })
}

fn first_line(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .find(|line| !line.is_empty())
        .unwrap_or_default()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purls_give_osv_names_and_versions() {
        let maven = Purl::parse("pkg:maven/io.airlift/aircompressor@0.27").unwrap();
        assert_eq!(
            (maven.ecosystem.as_str(), maven.name.as_str()),
            ("Maven", "io.airlift:aircompressor")
        );
        assert_eq!(maven.version.as_deref(), Some("0.27"));
        let npm = Purl::parse("pkg:npm/%40isaacs%2Fcliui@8.0.2?x=1").unwrap();
        assert_eq!(
            (npm.name.as_str(), npm.version.as_deref()),
            ("@isaacs/cliui", Some("8.0.2"))
        );
        let js = Purl::parse("pkg:javascript/jquery@2.2.3.min").unwrap();
        assert_eq!(
            (js.ecosystem.as_str(), js.version.as_deref()),
            ("javascript", Some("2.2.3.min"))
        );
        assert_eq!(Purl::parse("cpe:2.3:a:x"), None);
        assert_eq!(Purl::parse("pkg:npm/"), None);
        assert_eq!(percent_decode("%4"), "%4");
    }

    #[test]
    fn titles_are_one_short_line() {
        assert_eq!(title("\n a \nb").as_deref(), Some("a"));
        assert_eq!(
            title(&"é".repeat(250)).map(|t| t.chars().count()),
            Some(201)
        );
    }
}
