//! One SARIF result of a dependency scanner into one [`Vulnerability`],
//! when the result names a package and its installed version.
//!
//! SARIF has no field for either, so each producer is read where it writes
//! them; the first of these that gives both a name and a version wins, so
//! that name and version always come from the same place:
//!
//! 1. the result message's `Package:` and `Installed Version:` lines (Trivy);
//! 2. the result message's `package: NAME, version VERSION` or `reports NAME
//!    at version VERSION` (Grype, current and older);
//! 3. a package URL among the properties of the result's artifact
//!    (dependency-check: `"id1": "pkg:javascript/jquery@1.8.0"`);
//! 4. the rule's `purls` property (Grype);
//! 5. the rule help's `Package:` and `Version:` lines (Grype);
//! 6. the last versioned module of the result's `stacks` (govulncheck:
//!    `stdlib@v1.25.8`, the module holding the vulnerable symbol).
//!
//! A result naming no package and version stays a finding, and the run gets
//! one warning notice saying how many and why.
//!
//! - The id is the advisory id leading the rule id (`CVE-2008-0732` of
//!   Grype's `CVE-2008-0732-geronimo…`), else the rule id; rule tags that
//!   are advisory ids (govulncheck's CVEs) are aliases.
//! - Fixed versions are the `Fixed Version:` / `Fix Version:` of the source
//!   that named the package, else of the rule help when it names the same
//!   package.
//! - Severity is the highest of the severity words the tool wrote (the
//!   result's `severity`, `cvssv3_baseSeverity` and `cvssv2_severity`
//!   properties, a `Severity:` line of the message, Trivy's severity tag)
//!   and the CVSS band of its highest score (`security-severity` of result
//!   or rule, `cvssv3_baseScore`, `cvssv2_score`). A score of 0 is no score:
//!   Trivy and Grype write `0.0` when they have no rating. With neither the
//!   severity is `unknown`; the SARIF `level` is not used, since dependency
//!   scanners derive it (Trivy maps `UNKNOWN` to `note`, govulncheck uses it
//!   for reachability). Grype's help text says `low` when it has no rating,
//!   so it is not read for severity.

use super::model::{Loose, ResultDef};
use super::result::{Interner, find_rule, location, message_text, rule_id_of};
use super::rules::{Rule, RunContext};
use crate::formats::dependency_check::Purl;
use crate::formats::pip_audit::summary;
use verdict_evidence::{Severity, Vulnerability, cvss_band};

/// A package and version, with what else the same source said.
#[derive(Debug, Default, PartialEq)]
struct Named {
    package: String,
    version: String,
    ecosystem: Option<String>,
    fixed: Vec<String>,
}

/// Converts one result of a dependency-scanning rule; `Ok(None)` when it
/// names no package and version (the caller keeps a finding). Unknown
/// severity words go to `warn`.
pub(super) fn vulnerability(
    context: &RunContext,
    result: &ResultDef<'_>,
    interner: &mut Interner,
    warn: &mut dyn FnMut(String),
) -> Result<Option<Vulnerability>, String> {
    let rule = find_rule(context, result)?;
    let rule_id = rule_id_of(result, rule, interner);
    let message = message_text(result.message.as_ref(), rule);
    let Some(mut named) = package_of(context, result, rule, &message) else {
        return Ok(None);
    };
    let help = rule.and_then(|rule| rule.help.as_deref());
    if named.fixed.is_empty()
        && let Some(help) = help
        && field(help, &["Package"]) == Some(named.package.as_str())
    {
        named.fixed = versions(field(help, &["Fixed Version", "Fix Version"]));
    }
    let location = location(context, result, interner)?;
    let (severity, cvss_score) = severity_of(context, result, rule, &message, &rule_id, warn);
    let id = advisory_id(&rule_id).unwrap_or(&rule_id).to_owned();
    let aliases = rule
        .map(|rule| &*rule.tags)
        .unwrap_or_default()
        .iter()
        .filter_map(|tag| advisory_id(tag).filter(|found| found.len() == tag.trim().len()))
        .map(str::to_owned)
        .collect();
    let title = rule
        .and_then(|rule| rule.short_description.as_deref())
        .and_then(summary)
        .or_else(|| summary(&message));
    let record = Vulnerability {
        aliases,
        ecosystem: named.ecosystem,
        version: Some(named.version),
        fixed_versions: named.fixed,
        severity,
        cvss_score,
        title,
        target: location.map(|l| l.path.to_string()),
        cwes: rule.map(|rule| rule.cwes.to_vec()).unwrap_or_default(),
        ..Vulnerability::new(0, &*context.tool, id, named.package)
    };
    Ok(Some(record.with_fingerprint()))
}

/// The package and version a result names (see the module docs).
fn package_of(
    context: &RunContext,
    result: &ResultDef<'_>,
    rule: Option<&Rule>,
    message: &str,
) -> Option<Named> {
    let help = rule.and_then(|rule| rule.help.as_deref());
    let sources: [&dyn Fn() -> Option<Named>; 6] = [
        &|| {
            key_values(
                message,
                &["Installed Version"],
                &["Fixed Version", "Fix Version"],
            )
        },
        &|| grype_message(message),
        &|| artifact_purl(context, result),
        &|| {
            rule.into_iter()
                .flat_map(|rule| &rule.purls)
                .find_map(|purl| from_purl(purl))
        },
        &|| {
            help.and_then(|help| {
                key_values(
                    help,
                    &["Installed Version", "Version"],
                    &["Fixed Version", "Fix Version"],
                )
            })
        },
        &|| stack_module(result),
    ];
    sources.iter().find_map(|source| source())
}

/// `Package:` and a version line of `text`, with its fixed versions.
fn key_values(text: &str, version_keys: &[&str], fixed_keys: &[&str]) -> Option<Named> {
    let package = field(text, &["Package"])?;
    let version = field(text, version_keys)?;
    Some(Named {
        package: package.to_owned(),
        version: version.to_owned(),
        ecosystem: None,
        fixed: versions(field(text, fixed_keys)),
    })
}

/// The value of the first `Key: value` line of `text` with one of `keys`
/// (Markdown bold around the key allowed), when it is not empty.
fn field<'t>(text: &'t str, keys: &[&str]) -> Option<&'t str> {
    text.lines().find_map(|line| {
        let line = line.trim().trim_start_matches("**");
        let (key, value) = line.split_once(':')?;
        let key = key.trim().trim_end_matches("**");
        keys.iter()
            .any(|wanted| key.eq_ignore_ascii_case(wanted))
            .then(|| value.trim().trim_start_matches("**").trim())
            .filter(|value| !value.is_empty())
    })
}

/// Comma-separated versions.
fn versions(list: Option<&str>) -> Vec<String> {
    list.unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|version| !version.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Grype's messages: `… package: NAME, version VERSION was found …` (current)
/// and `… reports NAME at version VERSION  which would …` (0.3x).
fn grype_message(message: &str) -> Option<Named> {
    let word = |text: &str| text.split_whitespace().next().map(str::to_owned);
    let (package, version) = if let Some((_, after)) = message.split_once(" package: ") {
        let (package, rest) = after.split_once(", version ")?;
        (package.trim().to_owned(), word(rest)?)
    } else {
        let (_, after) = message.split_once(" reports ")?;
        let (package, rest) = after.split_once(" at version ")?;
        (package.trim().to_owned(), word(rest)?)
    };
    if package.is_empty() || package.contains(char::is_whitespace) {
        return None;
    }
    Some(Named {
        package,
        version,
        ..Named::default()
    })
}

/// A versioned package URL among the properties of the result's artifact.
fn artifact_purl(context: &RunContext, result: &ResultDef<'_>) -> Option<Named> {
    let artifact = result
        .locations
        .as_ref()
        .and_then(|l| l.0.as_ref())
        .and_then(|physical| physical.artifact_location.as_ref())?;
    let index = match artifact.index.and_then(|index| usize::try_from(index).ok()) {
        Some(index) => index,
        None => {
            let uri = artifact.uri.as_deref()?;
            context
                .artifacts
                .iter()
                .position(|known| known.as_deref() == Some(uri))?
        }
    };
    context
        .artifact_purls
        .get(index)?
        .iter()
        .find_map(|purl| from_purl(purl))
}

/// A package URL with a version.
fn from_purl(purl: &str) -> Option<Named> {
    let parsed = Purl::parse(purl)?;
    Some(Named {
        package: parsed.name,
        version: parsed.version?,
        ecosystem: Some(parsed.ecosystem),
        fixed: Vec::new(),
    })
}

/// The last frame module of the result's stacks written `path@version`
/// with a version (govulncheck: the module of the vulnerable symbol).
fn stack_module(result: &ResultDef<'_>) -> Option<Named> {
    result
        .stacks
        .iter()
        .flatten()
        .filter_map(|stack| stack.frames.as_ref()?.last()?.module.as_deref())
        .find_map(|module| {
            let (path, version) = module.rsplit_once('@')?;
            (!path.is_empty() && !version.trim().is_empty()).then(|| Named {
                package: path.to_owned(),
                version: version.trim().to_owned(),
                ecosystem: Some(String::from("Go")),
                fixed: Vec::new(),
            })
        })
}

/// Severity and CVSS score (see the module docs).
fn severity_of(
    context: &RunContext,
    result: &ResultDef<'_>,
    rule: Option<&Rule>,
    message: &str,
    rule_id: &str,
    warn: &mut dyn FnMut(String),
) -> (Severity, Option<f64>) {
    let properties = result.properties.as_ref();
    let mut words: Vec<&str> = Vec::new();
    if let Some(properties) = properties {
        for word in [
            &properties.severity,
            &properties.cvssv3_severity,
            &properties.cvssv2_severity,
        ]
        .into_iter()
        .flatten()
        .filter_map(Loose::text)
        {
            words.push(word);
        }
    }
    words.extend(field(message, &["Severity"]));
    // Trivy tags each rule with its severity word.
    let tags = rule.map(|rule| &*rule.tags).unwrap_or_default();
    words.extend(
        tags.iter()
            .map(|tag| tag.trim())
            .filter(|tag| TRIVY_SEVERITIES.iter().any(|w| tag.eq_ignore_ascii_case(w))),
    );
    let mut severity: Option<Severity> = None;
    for word in words {
        let mapped = Severity::from_tool_word(word).unwrap_or_else(|| {
            let shown: String = word.chars().take(64).collect();
            warn(format!(
                "a result of rule `{rule_id}` of `{}`: unknown severity `{shown}`: treated as unknown",
                context.tool
            ));
            Severity::Unknown
        });
        severity = severity.max(Some(mapped));
    }
    let result_score = properties
        .and_then(|p| p.security_severity.as_ref())
        .and_then(|score| score.number());
    let cvss = properties.and_then(|p| {
        p.cvssv3_score
            .as_ref()
            .and_then(Loose::number)
            .or_else(|| p.cvssv2_score.as_ref().and_then(Loose::number))
    });
    let score = [
        cvss,
        result_score,
        rule.and_then(|rule| rule.security_score),
    ]
    .into_iter()
    .flatten()
    .find(|score| *score > 0.0 && *score <= 10.0);
    if let Some(score) = score {
        severity = severity.max(Some(cvss_band(score)));
    }
    (severity.unwrap_or(Severity::Unknown), score)
}

/// The severity words Trivy tags its rules with.
const TRIVY_SEVERITIES: &[&str] = &["CRITICAL", "HIGH", "MEDIUM", "LOW", "UNKNOWN"];

/// The advisory id leading `text`: `PREFIX-YYYY-N…` (CVE, GO, PYSEC,
/// RUSTSEC, OSV, MAL…) or `GHSA-xxxx-xxxx-xxxx`.
fn advisory_id(text: &str) -> Option<&str> {
    let text = text.trim();
    let parts: Vec<&str> = text.splitn(5, '-').collect();
    let is_prefix =
        |part: &str| (2..=8).contains(&part.len()) && part.bytes().all(|b| b.is_ascii_uppercase());
    let digits =
        |part: &str, min: usize| part.len() >= min && part.bytes().all(|b| b.is_ascii_digit());
    let ghsa_group =
        |part: &str| part.len() == 4 && part.bytes().all(|b| b.is_ascii_alphanumeric());
    let length = match parts.as_slice() {
        ["GHSA", a, b, c, ..]
            if ghsa_group(a) && ghsa_group(b) && ghsa_group(&c[..c.len().min(4)]) =>
        {
            "GHSA-".len() + 4 + 1 + 4 + 1 + 4
        }
        [prefix, year, number, ..] if is_prefix(prefix) && digits(year, 4) => {
            let number_length = number.bytes().take_while(u8::is_ascii_digit).count();
            if number_length == 0 {
                return None;
            }
            prefix.len() + 1 + year.len() + 1 + number_length
        }
        _ => return None,
    };
    text.get(..length)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advisory_ids_lead_rule_ids() {
        assert_eq!(
            advisory_id("CVE-2008-0732-geronimo-j2ee-management_1.1_spec"),
            Some("CVE-2008-0732")
        );
        assert_eq!(advisory_id("GO-2026-4864"), Some("GO-2026-4864"));
        assert_eq!(
            advisory_id("GHSA-abcd-efgh-2345-lodash"),
            Some("GHSA-abcd-efgh-2345")
        );
        assert_eq!(advisory_id("Prototype pollution"), None);
        assert_eq!(advisory_id("CVE-2020-"), None);
        assert_eq!(advisory_id("R1"), None);
        assert_eq!(advisory_id("GHSA-ab"), None);
    }

    #[test]
    fn key_value_lines_name_package_version_and_fixes() {
        let trivy = "Package: libcrypto1.1\nInstalled Version: 1.1.1c-r0\nVulnerability CVE-2019-1549\nSeverity: MEDIUM\nFixed Version: 1.1.1d-r0, 1.1.2";
        let named = key_values(trivy, &["Installed Version"], &["Fixed Version"]).unwrap();
        assert_eq!(
            (named.package.as_str(), named.version.as_str()),
            ("libcrypto1.1", "1.1.1c-r0")
        );
        assert_eq!(named.fixed, ["1.1.1d-r0", "1.1.2"]);
        assert_eq!(field(trivy, &["Severity"]), Some("MEDIUM"));
        assert!(key_values("Package: a\nFixed Version: 2", &["Installed Version"], &[]).is_none());
    }

    #[test]
    fn grype_messages_of_both_generations() {
        let current = grype_message(
            "A low vulnerability in rpm package: package-1, version 1.1.1 was found in image user-input at: somefile-1.txt",
        )
        .unwrap();
        assert_eq!(
            (current.package.as_str(), current.version.as_str()),
            ("package-1", "1.1.1")
        );
        let old = grype_message(
            "The path lib/x-1.0.1.jar reports x at version 1.0.1  which would result in a vulnerable (java-archive) package installed",
        )
        .unwrap();
        assert_eq!((old.package.as_str(), old.version.as_str()), ("x", "1.0.1"));
        assert!(grype_message("Your code imports 1 vulnerable package").is_none());
    }
}
