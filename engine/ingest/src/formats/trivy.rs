//! Trivy JSON: vulnerabilities, misconfigurations, secrets, licenses and packages.
//!
//! Reads the current report (`SchemaVersion` 2, including the early variant
//! without `Trivy`/`ReportID`) and the pre-schema format that is a bare list
//! of results. Choices where the format leaves room:
//!
//! - A misconfiguration with `Status` `PASS` is a check that passed, not a
//!   violation, so it is skipped. `FAIL` or no status is a finding;
//!   `EXCEPTION` (waived in trivy's own configuration) is a finding marked
//!   suppressed. Any other status is kept as a finding, with a warning.
//! - Secrets keep only rule, place and fingerprint: trivy's `Match` is already
//!   masked but its `Code` lines can hold the raw value of another secret
//!   nearby, so neither is read.
//! - License results become components keyed by package (or loose file),
//!   category and severity: trivy rates each license on its own
//!   (`MIT` notice/LOW, `GPL-2.0` restricted/HIGH), and one category per
//!   component would have to hide the worse one or the other, so a package
//!   with licenses in two categories is two components.
//! - Severity `UNKNOWN` (trivy's own word for "no rating") is `unknown`; so
//!   is a word trivy does not use, with a warning, so that an unfamiliar
//!   rating never lowers risk. A vulnerability without a rating but with a
//!   CVSS score takes the score's band instead.
//! - Aliases come from `VendorIDs` only. `References` also name other CVEs
//!   (related issues), so ids are not scraped from them.
//! - The CVSS score is the highest v3 or v4 score of any source; v2 scores
//!   count only when no source gives v3 or v4.
//!
//! # What a report speaks for
//!
//! Trivy runs several scanners, and its JSON does not list which ones ran; a
//! result's `Class` says which scanner wrote it. The file speaks for
//! ([`Output::kinds`]):
//!
//! - `vulnerabilities` when a result is of a package class (`os-pkgs`,
//!   `lang-pkgs`: the vulnerability scanner writes one per package source it
//!   looked at, with or without vulnerabilities), or the file is the
//!   pre-schema list (written by the vulnerability scanner alone);
//! - `findings` when a result is of class `config` (misconfiguration scan);
//! - `secrets` when a result is of class `secret`;
//! - `components` when a result is of class `license` or `license-file`, or
//!   lists `Packages`;
//! - and, whatever the class, each kind it holds records of.
//!
//! Nothing else is claimed: a report with no `Results` speaks for nothing,
//! and an unknown class yields a warning and no claim. Trivy writes no result
//! for a clean secret scan, so such a report cannot say a secret scan ran;
//! a gate then errors with "no input speaks for secrets" rather than pass on
//! a claim verdict cannot check (fail closed).

use crate::error::FormatError;
use crate::formats::generic::utf8_error;
use crate::formats::severity_words::SeverityWords;
use crate::formats::{Output, ParseInput};
use crate::sniff::{Shape, Sniff};
use serde::Deserialize;
use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use verdict_evidence::{
    Component, Evidence, Finding, Kind, Location, Notice, NoticeKind, Redacted, RuleInfo, Secret,
    Severity, Vulnerability, cvss_band, fingerprint,
};

const TOOL: &str = "trivy";

/// What `docs/formats.md` says about the kinds a Trivy report speaks for.
pub(crate) const KINDS_DOC: &str = "\
### What a Trivy report speaks for

Trivy's JSON does not list the scanners that ran; each result's `Class` says which wrote it. A report speaks for \
`vulnerabilities` when a result is of class `os-pkgs` or `lang-pkgs` (or it is the pre-schema list), `findings` \
for class `config`, `secrets` for class `secret`, `components` for `license`/`license-file` or listed \
`Packages`, and for every kind it holds records of. Nothing else is claimed: a report without results, or with \
only an unknown class (which yields a warning), speaks for nothing, and since Trivy writes no result for a clean \
secret scan, a gate that needs secrets says no input speaks for them rather than pass on an unchecked claim.
";

pub(crate) fn detect(sniff: &Sniff<'_>) -> bool {
    match sniff.shape {
        Shape::JsonObject => {
            sniff.has_key("SchemaVersion")
                && (sniff.has_key("ArtifactName") || sniff.has_key("Results"))
        }
        // The pre-schema format: a list of results, known by the first.
        Shape::JsonArray => sniff.has_keys(&["Target", "Vulnerabilities"]),
        _ => false,
    }
}

pub(crate) fn parse(input: &ParseInput<'_>, output: &mut Output) -> Result<(), FormatError> {
    // Validated up front: serde_json does not check strings it skips.
    let text = std::str::from_utf8(input.bytes).map_err(|e| utf8_error(input.bytes, &e))?;
    let mut parser = Parser::new();
    let results = if Sniff::new(input.path, input.bytes).shape == Shape::JsonArray {
        output.tool = Some(TOOL.to_owned());
        // Only the vulnerability scanner wrote the pre-schema list.
        parser.kinds.insert(Kind::Vulnerabilities);
        serde_json::from_str::<Vec<TrivyResult<'_>>>(text).map_err(|e| FormatError::json(&e))?
    } else {
        let report: Report<'_> = serde_json::from_str(text).map_err(|e| FormatError::json(&e))?;
        match report.schema_version {
            Some(2) => {}
            Some(other) => parser.warn(format!(
                "unknown trivy `SchemaVersion` {other}: read as version 2"
            )),
            None => {
                return Err(FormatError::new(
                    "not a trivy report: no `SchemaVersion` and not a list of results",
                ));
            }
        }
        output.tool = Some(match report.trivy.and_then(|trivy| trivy.version) {
            Some(version) => format!("{TOOL} {version}"),
            None => TOOL.to_owned(),
        });
        report.results.unwrap_or_default()
    };
    for result in &results {
        parser.result(result, &mut output.evidence)?;
    }
    output.kinds = Some(parser.finish(&mut output.evidence));
    Ok(())
}

#[derive(Deserialize)]
struct Report<'a> {
    #[serde(rename = "SchemaVersion")]
    schema_version: Option<u32>,
    #[serde(rename = "Trivy", borrow)]
    trivy: Option<TrivyInfo<'a>>,
    #[serde(rename = "Results", borrow)]
    results: Option<Vec<TrivyResult<'a>>>,
}

#[derive(Deserialize)]
struct TrivyInfo<'a> {
    #[serde(rename = "Version", borrow)]
    version: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct TrivyResult<'a> {
    #[serde(borrow)]
    target: Cow<'a, str>,
    #[serde(rename = "Type", borrow)]
    kind: Option<Cow<'a, str>>,
    #[serde(borrow)]
    class: Option<Cow<'a, str>>,
    #[serde(borrow)]
    vulnerabilities: Option<Vec<TrivyVulnerability<'a>>>,
    #[serde(borrow)]
    misconfigurations: Option<Vec<Misconfiguration<'a>>>,
    #[serde(borrow)]
    secrets: Option<Vec<TrivySecret<'a>>>,
    #[serde(borrow)]
    licenses: Option<Vec<License<'a>>>,
    #[serde(borrow)]
    packages: Option<Vec<Package<'a>>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct TrivyVulnerability<'a> {
    #[serde(rename = "VulnerabilityID", borrow)]
    vulnerability_id: Cow<'a, str>,
    #[serde(rename = "VendorIDs", borrow)]
    vendor_ids: Option<Vec<Cow<'a, str>>>,
    #[serde(borrow)]
    pkg_name: Cow<'a, str>,
    #[serde(borrow)]
    installed_version: Option<Cow<'a, str>>,
    #[serde(borrow)]
    fixed_version: Option<Cow<'a, str>>,
    #[serde(borrow)]
    severity: Option<Cow<'a, str>>,
    #[serde(borrow)]
    title: Option<Cow<'a, str>>,
    #[serde(borrow)]
    description: Option<Cow<'a, str>>,
    #[serde(rename = "CVSS", borrow)]
    cvss: Option<HashMap<Cow<'a, str>, Cvss>>,
    #[serde(rename = "CweIDs", borrow)]
    cwe_ids: Option<Vec<Cow<'a, str>>>,
}

#[derive(Deserialize)]
struct Cvss {
    #[serde(rename = "V2Score")]
    v2: Option<f64>,
    #[serde(rename = "V3Score")]
    v3: Option<f64>,
    #[serde(rename = "V40Score")]
    v40: Option<f64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Misconfiguration<'a> {
    #[serde(rename = "Type", borrow)]
    kind: Option<Cow<'a, str>>,
    #[serde(rename = "ID", borrow)]
    id: Option<Cow<'a, str>>,
    #[serde(rename = "AVDID", borrow)]
    avd_id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    title: Option<Cow<'a, str>>,
    #[serde(borrow)]
    message: Option<Cow<'a, str>>,
    #[serde(borrow)]
    severity: Option<Cow<'a, str>>,
    #[serde(borrow)]
    status: Option<Cow<'a, str>>,
    #[serde(borrow)]
    description: Option<Cow<'a, str>>,
    #[serde(rename = "PrimaryURL", borrow)]
    primary_url: Option<Cow<'a, str>>,
    /// Older reports put provider and service here; newer ones in
    /// `CauseMetadata`.
    #[serde(borrow)]
    provider: Option<Cow<'a, str>>,
    #[serde(borrow)]
    service: Option<Cow<'a, str>>,
    #[serde(borrow)]
    cause_metadata: Option<CauseMetadata<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct CauseMetadata<'a> {
    start_line: Option<u32>,
    end_line: Option<u32>,
    #[serde(borrow)]
    provider: Option<Cow<'a, str>>,
    #[serde(borrow)]
    service: Option<Cow<'a, str>>,
}

/// `Match` and `Code` are deliberately not read (see the module docs).
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct TrivySecret<'a> {
    #[serde(rename = "RuleID", borrow)]
    rule_id: Cow<'a, str>,
    start_line: Option<u32>,
    end_line: Option<u32>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct License<'a> {
    #[serde(borrow)]
    pkg_name: Option<Cow<'a, str>>,
    #[serde(borrow)]
    file_path: Option<Cow<'a, str>>,
    #[serde(borrow)]
    name: Cow<'a, str>,
    /// Trivy's license class: `forbidden`, `restricted`, `reciprocal`,
    /// `notice`, `permissive`, `unencumbered` or `unknown`.
    #[serde(borrow)]
    category: Option<Cow<'a, str>>,
    #[serde(borrow)]
    severity: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Package<'a> {
    #[serde(borrow)]
    name: Cow<'a, str>,
    #[serde(borrow)]
    version: Option<Cow<'a, str>>,
    #[serde(borrow)]
    identifier: Option<Identifier<'a>>,
    #[serde(borrow)]
    licenses: Option<Vec<Cow<'a, str>>>,
}

#[derive(Deserialize)]
struct Identifier<'a> {
    #[serde(rename = "PURL", borrow)]
    purl: Option<Cow<'a, str>>,
}

struct Parser {
    severities: SeverityWords,
    unknown_statuses: BTreeSet<String>,
    unknown_classes: BTreeSet<String>,
    warnings: Vec<String>,
    /// The kinds the report speaks for (see the module docs).
    kinds: BTreeSet<Kind>,
    /// Misconfiguration rule metadata by rule id, shared by the rule's
    /// findings.
    rules: HashMap<String, Arc<RuleInfo>>,
}

impl Parser {
    fn warn(&mut self, message: String) {
        self.warnings.push(message);
    }

    fn result(
        &mut self,
        result: &TrivyResult<'_>,
        evidence: &mut Evidence,
    ) -> Result<(), FormatError> {
        let target = result.target.as_ref();
        let ecosystem = result.kind.as_deref().map(ecosystem);
        self.claim(result);
        for vulnerability in result.vulnerabilities.iter().flatten() {
            evidence.vulnerabilities.push(self.vulnerability(
                vulnerability,
                target,
                ecosystem.as_deref(),
            ));
        }
        for misconfiguration in result.misconfigurations.iter().flatten() {
            if let Some(finding) = self.misconfiguration(misconfiguration, target)? {
                evidence.findings.push(finding);
            }
        }
        for secret in result.secrets.iter().flatten() {
            evidence.secrets.push(secret_record(secret, target));
        }
        self.license_components(result.licenses.as_deref().unwrap_or_default(), evidence);
        for package in result.packages.iter().flatten() {
            evidence.components.push(Component {
                source: 0,
                name: package.name.clone().into_owned(),
                version: package
                    .version
                    .as_deref()
                    .filter(|v| !v.is_empty())
                    .map(str::to_owned),
                ecosystem: ecosystem.clone(),
                purl: package
                    .identifier
                    .as_ref()
                    .and_then(|id| id.purl.as_deref())
                    .map(str::to_owned),
                licenses: package
                    .licenses
                    .iter()
                    .flatten()
                    .filter(|l| !l.is_empty())
                    .map(|l| l.clone().into_owned())
                    .collect(),
                ..Component::default()
            });
        }
        Ok(())
    }

    fn vulnerability(
        &mut self,
        record: &TrivyVulnerability<'_>,
        target: &str,
        ecosystem: Option<&str>,
    ) -> Vulnerability {
        let mut vulnerability = Vulnerability::new(
            0,
            TOOL,
            record.vulnerability_id.as_ref(),
            record.pkg_name.as_ref(),
        );
        vulnerability.aliases = record
            .vendor_ids
            .iter()
            .flatten()
            .map(|id| id.clone().into_owned())
            .collect();
        vulnerability.ecosystem = ecosystem.map(str::to_owned);
        vulnerability.version = record
            .installed_version
            .as_deref()
            .filter(|v| !v.is_empty())
            .map(str::to_owned);
        vulnerability.fixed_versions = record
            .fixed_version
            .as_deref()
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
            .collect();
        vulnerability.cvss_score = record
            .cvss
            .as_ref()
            .and_then(|cvss| max_score(cvss.values()));
        vulnerability.severity = match self.severity(record.severity.as_deref()) {
            // No rating, but a score: its band says more than `unknown`.
            Severity::Unknown => vulnerability
                .cvss_score
                .filter(|score| *score > 0.0)
                .map_or(Severity::Unknown, cvss_band),
            severity => severity,
        };
        vulnerability.title = record
            .title
            .as_deref()
            .filter(|t| !t.trim().is_empty())
            .or(record.description.as_deref())
            .and_then(first_line);
        vulnerability.target = Some(target.to_owned());
        vulnerability.cwes = record
            .cwe_ids
            .iter()
            .flatten()
            .map(|cwe| cwe.trim())
            .filter(|cwe| !cwe.is_empty())
            .map(str::to_owned)
            .collect();
        vulnerability.with_fingerprint()
    }

    fn misconfiguration(
        &mut self,
        record: &Misconfiguration<'_>,
        target: &str,
    ) -> Result<Option<Finding>, FormatError> {
        let mut suppressed = false;
        match record.status.as_deref() {
            None | Some("FAIL") => {}
            Some("PASS") => return Ok(None),
            Some("EXCEPTION") => suppressed = true,
            Some(other) => {
                self.unknown_statuses.insert(other.to_owned());
            }
        }
        let rule_id = record
            .id
            .as_deref()
            .or(record.avd_id.as_deref())
            .ok_or_else(|| {
                FormatError::new(format!(
                    "misconfiguration in `{target}` has neither `ID` nor `AVDID`"
                ))
            })?;
        let (start_line, end_line) = record
            .cause_metadata
            .as_ref()
            .map_or((None, None), |cause| {
                (
                    cause.start_line.filter(|&l| l > 0),
                    cause.end_line.filter(|&l| l > 0),
                )
            });
        let region = |line: Option<u32>| line.map(|l| l.to_string()).unwrap_or_default();
        let mut finding = Finding::new(0, TOOL, rule_id);
        finding.severity = self.severity(record.severity.as_deref());
        finding.level = record.severity.as_deref().map(Into::into);
        finding.message = record
            .message
            .as_deref()
            .filter(|m| !m.is_empty())
            .or(record.title.as_deref())
            .unwrap_or_default()
            .to_owned();
        finding.fingerprint = fingerprint::of(&[
            TOOL,
            rule_id,
            target,
            &region(start_line),
            &region(end_line),
        ]);
        finding.location = Some(Location::new(target, start_line, end_line));
        finding.tags = record
            .kind
            .iter()
            .map(|kind| kind.clone().into_owned())
            .collect();
        finding.suppressed = suppressed;
        finding.rule = self.rule_info(rule_id, record);
        Ok(Some(finding))
    }

    /// The rule's title, description, URL, provider and service, shared with
    /// earlier findings of the rule when they agree.
    fn rule_info(&mut self, rule_id: &str, record: &Misconfiguration<'_>) -> Option<Arc<RuleInfo>> {
        let text = |value: Option<&Cow<'_, str>>| {
            value
                .map(|v| v.trim())
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        let cause = record.cause_metadata.as_ref();
        let info = RuleInfo {
            name: text(record.title.as_ref()),
            description: text(record.description.as_ref()),
            help_uri: text(record.primary_url.as_ref()),
            provider: text(cause.and_then(|c| c.provider.as_ref()))
                .or_else(|| text(record.provider.as_ref())),
            service: text(cause.and_then(|c| c.service.as_ref()))
                .or_else(|| text(record.service.as_ref())),
        };
        if info == RuleInfo::default() {
            return None;
        }
        if let Some(shared) = self.rules.get(rule_id).filter(|shared| ***shared == info) {
            return Some(shared.clone());
        }
        let shared = Arc::new(info);
        self.rules.insert(rule_id.to_owned(), shared.clone());
        Some(shared)
    }

    fn new() -> Parser {
        Parser {
            severities: SeverityWords::new("trivy"),
            unknown_statuses: BTreeSet::new(),
            unknown_classes: BTreeSet::new(),
            warnings: Vec::new(),
            kinds: BTreeSet::new(),
            rules: HashMap::new(),
        }
    }

    /// Records the kinds one result speaks for: by its class, and by the
    /// records it holds (see the module docs).
    fn claim(&mut self, result: &TrivyResult<'_>) {
        match result.class.as_deref() {
            Some("os-pkgs" | "lang-pkgs") => {
                self.kinds.insert(Kind::Vulnerabilities);
            }
            Some("config") => {
                self.kinds.insert(Kind::Findings);
            }
            Some("secret") => {
                self.kinds.insert(Kind::Secrets);
            }
            Some("license" | "license-file") => {
                self.kinds.insert(Kind::Components);
            }
            None => {}
            Some(other) => {
                let class: String = other.chars().take(64).collect();
                self.unknown_classes.insert(class);
            }
        }
        let holds = |list: Option<usize>| list.is_some_and(|len| len > 0);
        let records = [
            (
                holds(result.vulnerabilities.as_ref().map(Vec::len)),
                Kind::Vulnerabilities,
            ),
            (
                holds(result.misconfigurations.as_ref().map(Vec::len)),
                Kind::Findings,
            ),
            (holds(result.secrets.as_ref().map(Vec::len)), Kind::Secrets),
            (
                holds(result.licenses.as_ref().map(Vec::len))
                    || holds(result.packages.as_ref().map(Vec::len)),
                Kind::Components,
            ),
        ];
        for (held, kind) in records {
            if held {
                self.kinds.insert(kind);
            }
        }
    }

    /// One component per package (or loose file) and license category, with
    /// every license trivy found for it in that category, in report order. A
    /// package whose licenses fall in different categories (`MIT` notice and
    /// `GPL-2.0` restricted) becomes one component per category, so each
    /// license keeps trivy's own category and severity.
    fn license_components(&mut self, licenses: &[License<'_>], evidence: &mut Evidence) {
        let first = evidence.components.len();
        for license in licenses {
            let name = license
                .pkg_name
                .as_deref()
                .filter(|n| !n.is_empty())
                .or(license.file_path.as_deref())
                .unwrap_or_default();
            let category = license
                .category
                .as_deref()
                .filter(|c| !c.is_empty())
                .map(str::to_owned);
            let severity = license
                .severity
                .as_deref()
                .map(|word| self.severity(Some(word)));
            let existing = evidence.components[first..].iter_mut().find(|c| {
                c.name == name && c.license_category == category && c.license_severity == severity
            });
            let component = match existing {
                Some(component) => component,
                None => {
                    evidence.components.push(Component {
                        name: name.to_owned(),
                        license_category: category,
                        license_severity: severity,
                        ..Component::default()
                    });
                    let last = evidence.components.len() - 1;
                    &mut evidence.components[last]
                }
            };
            if !license.name.is_empty()
                && !component
                    .licenses
                    .iter()
                    .any(|l| l == license.name.as_ref())
            {
                component.licenses.push(license.name.clone().into_owned());
            }
        }
    }

    /// Maps a severity word; unknown or missing words become high (see the module docs).
    fn severity(&mut self, word: Option<&str>) -> Severity {
        self.severities.map(word)
    }

    /// Adds the notices and returns the kinds the report speaks for.
    fn finish(self, evidence: &mut Evidence) -> Vec<Kind> {
        let warning = |message| Notice {
            source: 0,
            kind: NoticeKind::Warning,
            message,
        };
        evidence
            .notices
            .extend(self.warnings.into_iter().map(warning));
        self.severities.finish(evidence);
        evidence
            .notices
            .extend(self.unknown_statuses.into_iter().map(|status| {
                warning(format!(
                    "unknown trivy misconfiguration status `{status}`: treated as a failure"
                ))
            }));
        evidence
            .notices
            .extend(self.unknown_classes.into_iter().map(|class| {
                warning(format!(
                    "unknown trivy result class `{class}`: it speaks for no evidence kind"
                ))
            }));
        self.kinds.into_iter().collect()
    }
}

fn secret_record(record: &TrivySecret<'_>, target: &str) -> Secret {
    let start_line = record.start_line.filter(|&l| l > 0);
    let end_line = record.end_line.filter(|&l| l > 0);
    let line = start_line.map(|l| l.to_string()).unwrap_or_default();
    Secret {
        source: 0,
        tool: TOOL.to_owned(),
        rule_id: record.rule_id.clone().into_owned(),
        location: Some(Location::new(target, start_line, end_line)),
        commit: None,
        fingerprint: fingerprint::of(&[TOOL, &record.rule_id, target, &line]),
        redacted: Redacted::unknown(),
        verified: None,
        suppressed: false,
    }
}

/// Highest v3/v4 score of any source, else highest v2 score.
fn max_score<'a>(sources: impl Iterator<Item = &'a Cvss> + Clone) -> Option<f64> {
    let max =
        |scores: &mut dyn Iterator<Item = f64>| scores.filter(|s| s.is_finite()).reduce(f64::max);
    max(&mut sources
        .clone()
        .flat_map(|cvss| [cvss.v3, cvss.v40])
        .flatten())
    .or_else(|| max(&mut sources.filter_map(|cvss| cvss.v2)))
}

/// The first non-blank line, cut at 200 characters.
fn first_line(text: &str) -> Option<String> {
    const MAX_CHARS: usize = 200;
    let line = text.lines().map(str::trim).find(|line| !line.is_empty())?;
    Some(match line.char_indices().nth(MAX_CHARS) {
        Some((cut, _)) => format!("{}…", &line[..cut]),
        None => line.to_owned(),
    })
}

/// Trivy's result `Type` in OSV spelling where there is one; other types
/// (OS families such as `alpine`, `debian`) are kept as trivy writes them.
fn ecosystem(kind: &str) -> String {
    match kind {
        "npm" | "yarn" | "pnpm" | "bun" | "node-pkg" => "npm",
        "pip" | "pipenv" | "poetry" | "uv" | "python-pkg" => "PyPI",
        "cargo" | "rust-binary" => "crates.io",
        "gomod" | "gobinary" => "Go",
        "jar" | "pom" | "gradle" | "sbt" => "Maven",
        "composer" | "composer-vendor" => "Packagist",
        "bundler" | "gemspec" => "RubyGems",
        "nuget" | "dotnet-core" | "packages-props" => "NuGet",
        "pub" => "Pub",
        "hex" => "Hex",
        other => other,
    }
    .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn osv_names_replace_language_types() {
        assert_eq!(ecosystem("pip"), "PyPI");
        assert_eq!(ecosystem("gomod"), "Go");
        assert_eq!(ecosystem("alpine"), "alpine");
    }

    #[test]
    fn titles_are_one_short_line() {
        assert_eq!(first_line("\n  a\nb").as_deref(), Some("a"));
        assert_eq!(
            first_line(&"x".repeat(300)).map(|t| t.chars().count()),
            Some(201)
        );
        assert_eq!(first_line(" \n"), None);
    }

    #[test]
    fn v2_scores_count_only_without_v3_or_v4() {
        let v2_only = Cvss {
            v2: Some(9.0),
            v3: None,
            v40: None,
        };
        let v3 = Cvss {
            v2: Some(9.5),
            v3: Some(5.0),
            v40: None,
        };
        let v4 = Cvss {
            v2: None,
            v3: None,
            v40: Some(6.3),
        };
        assert_eq!(max_score([&v2_only].into_iter()), Some(9.0));
        assert_eq!(max_score([&v2_only, &v3, &v4].into_iter()), Some(6.3));
    }
}
