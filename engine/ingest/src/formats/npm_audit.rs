//! `npm audit --json`: npm 7+ (`auditReportVersion` 2) and npm 6 reports.
//!
//! npm 7+: each `vulnerabilities` entry lists in `via` the advisories that
//! affect that package itself (objects) and the packages through which it is
//! affected (names). One vulnerability is made per (package, advisory
//! object); name-only entries are skipped because the advisory they point at
//! is reported on the package it belongs to. npm 7+ gives no installed
//! version. `fixAvailable` names the upgrade that fixes it: when it upgrades
//! the package itself, its version is the fixed version; when it upgrades
//! another package (a parent), it is kept as `name@version`, so the fix
//! stays visible without pretending to be a version of this package; `true`
//! (fixable, version not said) and `false` give no fixed version.
//!
//! npm 6: one vulnerability per (advisory, installed version in `findings`),
//! fixed by `patched_versions` (`<0.0.0` means no patch).
//!
//! The id is the GHSA id when there is one, else `npm:<advisory number>`,
//! which is otherwise an alias. Severity `moderate` is medium; a word npm
//! does not use is `unknown`, with a warning. The documents npm
//! writes when the audit could not run (its `{"error": …}` object, and npm
//! 7+'s report of a failed audit request) become an incomplete-scan notice,
//! on which the gate fails closed, instead of "no vulnerabilities".

use crate::error::FormatError;
use crate::formats::generic::utf8_error;
use crate::formats::severity_words::SeverityWords;
use crate::formats::{Output, ParseInput};
use crate::sniff::{Shape, Sniff};
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use std::borrow::Cow;
use std::collections::BTreeSet;
use std::fmt;
use std::marker::PhantomData;
use verdict_evidence::{Evidence, Notice, NoticeKind, Vulnerability};

const TOOL: &str = "npm-audit";
const ECOSYSTEM: &str = "npm";

pub(crate) fn detect(sniff: &Sniff<'_>) -> bool {
    sniff.shape == Shape::JsonObject
        && (sniff.has_key("auditReportVersion")
            || sniff.has_keys(&["actions", "advisories"])
            || is_error_document(sniff))
}

/// The documents npm writes under `--json` when the audit did not run:
///
/// - `{"error": {"code", "summary", "detail"}}`, npm's error object (npm 6's
///   `ENOAUDIT`; npm 10+ adds it to the document below);
/// - `{"message", "method", "uri", "headers", "statusCode", "body"}`, npm
///   7+'s report of a failed request to the audit endpoint
///   (`lib/utils/audit-error.js`; `statusCode` and `body` are left out when
///   the request got no response).
fn is_error_document(sniff: &Sniff<'_>) -> bool {
    let error_object = sniff
        .value_of_kind("error", crate::sniff::JsonKind::Object)
        .is_some_and(|error| {
            let keys = error.keys();
            keys.iter().any(|key| key == "code") && keys.iter().any(|key| key == "summary")
        });
    error_object || sniff.has_keys(&["message", "method", "uri"])
}

pub(crate) fn parse(input: &ParseInput<'_>, output: &mut Output) -> Result<(), FormatError> {
    // Validated up front: serde_json does not check strings it skips.
    let text = std::str::from_utf8(input.bytes).map_err(|e| utf8_error(input.bytes, &e))?;
    let report: Report<'_> = serde_json::from_str(text).map_err(|e| FormatError::json(&e))?;
    output.tool = Some(TOOL.to_owned());
    if let Some(error) = report.error {
        // The audit did not run, so the report says nothing about the
        // dependencies. It is carried as an incomplete-scan notice rather
        // than a parse error: the file is valid, and the gate fails closed on
        // incomplete scans by default (`incomplete-scans = "error"`), while
        // `verdict ingest` can still show every input of a directory.
        let code = error.code.as_deref().unwrap_or("unknown error");
        let summary = error.summary.as_deref().map(one_line).unwrap_or_default();
        let status = report
            .status_code
            .map(|status| format!(" (HTTP {status})"))
            .unwrap_or_default();
        output.evidence.notices.push(Notice {
            source: 0,
            kind: NoticeKind::IncompleteScan,
            message: format!("npm audit did not run: {code}: {summary}{status}"),
        });
        return Ok(());
    }
    if report.uri.is_some() && report.method.is_some() {
        // The request to the audit endpoint failed. Its `message`, `uri`
        // and `body` are not repeated: older npm versions kept credentials
        // in the registry URL.
        let status = match report.status_code {
            Some(status) => format!("HTTP {status}"),
            None => "no response".to_owned(),
        };
        output.evidence.notices.push(Notice {
            source: 0,
            kind: NoticeKind::IncompleteScan,
            message: format!("npm audit did not run: the audit endpoint request failed ({status})"),
        });
        return Ok(());
    }
    let mut severities = SeverityWords::new("npm audit");
    let evidence = &mut output.evidence;
    match (
        report.audit_report_version,
        report.vulnerabilities,
        report.advisories,
    ) {
        (Some(2), Some(vulnerabilities), _) => {
            for (name, entry) in &vulnerabilities.0 {
                npm7_entry(name, entry, &mut severities, evidence)?;
            }
        }
        (Some(version @ (0..=1 | 3..)), _, _) => {
            return Err(FormatError::new(format!(
                "unsupported npm `auditReportVersion` {version}: expected 2"
            )));
        }
        (Some(_), None, _) => {
            return Err(FormatError::new(
                "npm audit report has no `vulnerabilities`",
            ));
        }
        (None, _, Some(advisories)) => {
            for (_, advisory) in &advisories.0 {
                npm6_advisory(advisory, &mut severities, evidence);
            }
        }
        (None, _, None) => {
            return Err(FormatError::new(
                "not an npm audit report: expected `auditReportVersion`, `advisories` or `error`",
            ));
        }
    }
    severities.finish(evidence);
    Ok(())
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Report<'a> {
    audit_report_version: Option<u32>,
    #[serde(borrow)]
    vulnerabilities: Option<Ordered<'a, Entry<'a>>>,
    #[serde(borrow)]
    advisories: Option<Ordered<'a, Npm6Advisory<'a>>>,
    #[serde(borrow)]
    error: Option<NpmError<'a>>,
    /// The failed audit request (npm 7+), read only to know it is one.
    method: Option<de::IgnoredAny>,
    uri: Option<de::IgnoredAny>,
    status_code: Option<u16>,
}

#[derive(Deserialize)]
struct NpmError<'a> {
    #[serde(borrow)]
    code: Option<Cow<'a, str>>,
    #[serde(borrow)]
    summary: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Entry<'a> {
    #[serde(borrow)]
    via: Vec<Via<'a>>,
    #[serde(borrow)]
    fix_available: Option<FixAvailable<'a>>,
}

/// A `via` item: an advisory object, or the name of a package it comes through.
enum Via<'a> {
    Advisory(Advisory<'a>),
    Package,
}

#[derive(Deserialize)]
struct Advisory<'a> {
    source: Option<u64>,
    #[serde(borrow)]
    title: Option<Cow<'a, str>>,
    #[serde(borrow)]
    url: Option<Cow<'a, str>>,
    #[serde(borrow)]
    severity: Option<Cow<'a, str>>,
    cvss: Option<Cvss>,
    #[serde(default, borrow)]
    cwe: Option<Cwes<'a>>,
}

/// `cwe`: a list in npm 7+ (`["CWE-400"]`), a string holding a JSON list in
/// npm 6 (`"[\"CWE-20\",\"CWE-755\"]"`).
#[derive(Deserialize)]
#[serde(untagged)]
enum Cwes<'a> {
    List(#[serde(borrow)] Vec<Cow<'a, str>>),
    Text(#[serde(borrow)] Cow<'a, str>),
}

impl Cwes<'_> {
    /// The `CWE-<number>` ids in it, in order, without duplicates.
    fn ids(cwes: Option<&Self>) -> Vec<String> {
        let texts: Vec<&str> = match cwes {
            Some(Cwes::List(list)) => list.iter().map(|cwe| cwe.as_ref()).collect(),
            Some(Cwes::Text(text)) => vec![text.as_ref()],
            None => Vec::new(),
        };
        let mut ids = Vec::new();
        for text in texts {
            let mut rest = text;
            while let Some(start) = rest.find("CWE-") {
                let digits = &rest[start + 4..];
                let end = digits
                    .find(|c: char| !c.is_ascii_digit())
                    .unwrap_or(digits.len());
                let id = format!("CWE-{}", &digits[..end]);
                if end > 0 && !ids.contains(&id) {
                    ids.push(id);
                }
                rest = &digits[end..];
            }
        }
        ids
    }
}

#[derive(Deserialize)]
struct Cvss {
    score: Option<f64>,
}

/// `fixAvailable`: `true`, `false`, or the upgrade that fixes it.
enum FixAvailable<'a> {
    Flag,
    Upgrade(Upgrade<'a>),
}

#[derive(Deserialize)]
struct Upgrade<'a> {
    #[serde(borrow)]
    name: Cow<'a, str>,
    #[serde(borrow)]
    version: Cow<'a, str>,
}

#[derive(Deserialize)]
struct Npm6Advisory<'a> {
    id: u64,
    #[serde(borrow)]
    module_name: Cow<'a, str>,
    #[serde(borrow)]
    severity: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    cves: Vec<Cow<'a, str>>,
    #[serde(borrow)]
    github_advisory_id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    url: Option<Cow<'a, str>>,
    #[serde(borrow)]
    title: Option<Cow<'a, str>>,
    #[serde(borrow)]
    patched_versions: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    findings: Vec<Npm6Finding<'a>>,
    cvss: Option<Cvss>,
    #[serde(default, borrow)]
    cwe: Option<Cwes<'a>>,
}

#[derive(Deserialize)]
struct Npm6Finding<'a> {
    #[serde(borrow)]
    version: Cow<'a, str>,
}

fn npm7_entry(
    name: &str,
    entry: &Entry<'_>,
    severities: &mut SeverityWords,
    evidence: &mut Evidence,
) -> Result<(), FormatError> {
    let fixed_versions: Vec<String> = match &entry.fix_available {
        Some(FixAvailable::Upgrade(upgrade)) if upgrade.name == name => {
            vec![upgrade.version.clone().into_owned()]
        }
        Some(FixAvailable::Upgrade(upgrade)) => {
            vec![format!("{}@{}", upgrade.name, upgrade.version)]
        }
        Some(FixAvailable::Flag) | None => Vec::new(),
    };
    for via in &entry.via {
        let Via::Advisory(advisory) = via else {
            continue;
        };
        let ghsa = advisory.url.as_deref().and_then(ghsa_of);
        let npm_id = advisory.source.map(|source| format!("npm:{source}"));
        let id = ghsa.map(str::to_owned).or(npm_id.clone()).ok_or_else(|| {
            FormatError::new(format!(
                "advisory in `via` of `{name}` has neither `url` nor `source`"
            ))
        })?;
        let mut vulnerability = Vulnerability::new(0, TOOL, id, name);
        vulnerability.aliases = npm_id.into_iter().collect();
        vulnerability.ecosystem = Some(ECOSYSTEM.to_owned());
        vulnerability.fixed_versions = fixed_versions.clone();
        vulnerability.severity = severities.map(advisory.severity.as_deref());
        vulnerability.cvss_score = score(advisory.cvss.as_ref());
        vulnerability.title = advisory.title.as_deref().map(str::to_owned);
        vulnerability.cwes = Cwes::ids(advisory.cwe.as_ref());
        evidence
            .vulnerabilities
            .push(vulnerability.with_fingerprint());
    }
    Ok(())
}

fn npm6_advisory(
    advisory: &Npm6Advisory<'_>,
    severities: &mut SeverityWords,
    evidence: &mut Evidence,
) {
    let npm_id = format!("npm:{}", advisory.id);
    let ghsa = advisory
        .github_advisory_id
        .as_deref()
        .or_else(|| advisory.url.as_deref().and_then(ghsa_of));
    let id = ghsa.map_or_else(|| npm_id.clone(), str::to_owned);
    let severity = severities.map(advisory.severity.as_deref());
    let fixed_versions: Vec<String> = advisory
        .patched_versions
        .as_deref()
        .map(str::trim)
        .filter(|patched| !patched.is_empty() && *patched != "<0.0.0")
        .map(str::to_owned)
        .into_iter()
        .collect();
    let versions: BTreeSet<Option<&str>> = if advisory.findings.is_empty() {
        BTreeSet::from([None])
    } else {
        advisory
            .findings
            .iter()
            .map(|finding| Some(finding.version.as_ref()))
            .collect()
    };
    for version in versions {
        let mut vulnerability =
            Vulnerability::new(0, TOOL, id.as_str(), advisory.module_name.as_ref());
        vulnerability.aliases = advisory
            .cves
            .iter()
            .map(|cve| cve.clone().into_owned())
            .collect();
        vulnerability.aliases.push(npm_id.clone());
        vulnerability.ecosystem = Some(ECOSYSTEM.to_owned());
        vulnerability.version = version.map(str::to_owned);
        vulnerability.fixed_versions = fixed_versions.clone();
        vulnerability.severity = severity;
        vulnerability.cvss_score = score(advisory.cvss.as_ref());
        vulnerability.title = advisory.title.as_deref().map(str::to_owned);
        vulnerability.cwes = Cwes::ids(advisory.cwe.as_ref());
        evidence
            .vulnerabilities
            .push(vulnerability.with_fingerprint());
    }
}

/// npm writes score 0 when it has no CVSS data.
fn score(cvss: Option<&Cvss>) -> Option<f64> {
    cvss.and_then(|cvss| cvss.score)
        .filter(|&score| score > 0.0 && score.is_finite())
}

/// The `GHSA-…` id at the end of an advisory URL.
fn ghsa_of(url: &str) -> Option<&str> {
    let last = url.trim_end_matches('/').rsplit('/').next()?;
    last.starts_with("GHSA-").then_some(last)
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A JSON object read as (key, value) pairs in file order.
struct Ordered<'a, V>(Vec<(Cow<'a, str>, V)>);

impl<'de: 'a, 'a, V: Deserialize<'de>> Deserialize<'de> for Ordered<'a, V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct OrderedVisitor<'a, V>(PhantomData<(&'a (), V)>);
        impl<'de: 'a, 'a, V: Deserialize<'de>> Visitor<'de> for OrderedVisitor<'a, V> {
            type Value = Ordered<'a, V>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(0));
                while let Some(key) = map.next_key::<Cow<'de, str>>()? {
                    entries.push((key, map.next_value()?));
                }
                Ok(Ordered(entries))
            }
        }
        deserializer.deserialize_map(OrderedVisitor(PhantomData))
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Via<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ViaVisitor<'a>(PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for ViaVisitor<'a> {
            type Value = Via<'a>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an advisory object or a package name")
            }
            fn visit_str<E: de::Error>(self, _name: &str) -> Result<Self::Value, E> {
                Ok(Via::Package)
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                Advisory::deserialize(de::value::MapAccessDeserializer::new(map)).map(Via::Advisory)
            }
        }
        deserializer.deserialize_any(ViaVisitor(PhantomData))
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for FixAvailable<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct FixVisitor<'a>(PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for FixVisitor<'a> {
            type Value = FixAvailable<'a>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a boolean or an object with `name` and `version`")
            }
            fn visit_bool<E: de::Error>(self, _fixable: bool) -> Result<Self::Value, E> {
                Ok(FixAvailable::Flag)
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                Upgrade::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(FixAvailable::Upgrade)
            }
        }
        deserializer.deserialize_any(FixVisitor(PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ghsa_ids_come_from_advisory_urls() {
        assert_eq!(
            ghsa_of("https://github.com/advisories/GHSA-cph5-m8f7-6c5x"),
            Some("GHSA-cph5-m8f7-6c5x")
        );
        assert_eq!(ghsa_of("https://npmjs.com/advisories/1234"), None);
    }
}
