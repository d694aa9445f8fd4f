//! cargo-audit: `cargo audit --json` reports of RustSec advisories matched against a `Cargo.lock`.
//!
//! Every entry of `vulnerabilities.list` becomes a [`Vulnerability`] with the
//! RustSec id as `id`, the advisory's `aliases` (CVE, GHSA) as aliases,
//! ecosystem `crates.io` and `versions.patched` as the fixed versions.
//!
//! Every entry of `warnings` (unmaintained, unsound, notice, yanked) becomes a
//! [`Vulnerability`] too, so that a gate can act on it: its id is the
//! informational advisory's id, or `<kind>:<crate>` when the warning has no
//! advisory (yanked crates), and its [`AdvisoryKind`] says what it is
//! (`unmaintained`, `unsound`, `yanked`; `notice` and kinds RustSec may add
//! later are `informational`), so policies tell them apart by a field.
//!
//! Severity, shared with native `Cargo.lock` audits (`cargo-lock`): the band
//! of the CVSS base score when the advisory has a vector, otherwise
//! `unknown`: RustSec gave no rating, and verdict does not invent one
//! (vulnerability policies skip the informational kinds unless configured).
//!
//! An advisory the report marks as withdrawn is kept with kind `withdrawn`
//! and also yields a warning notice. `vulnerabilities.count` must match the list's length, so a
//! truncated or hand-edited report is an error rather than a short list.

use crate::error::FormatError;
use crate::formats::{Output, ParseInput};
use crate::sniff::{Shape, Sniff};
use serde::Deserialize;
use serde::de::{self, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;
use verdict_evidence::{AdvisoryKind, Notice, NoticeKind, Severity, Vulnerability, cvss_band};

/// The OSV ecosystem name of Rust crates.
pub(crate) const ECOSYSTEM: &str = "crates.io";

pub(crate) fn detect(sniff: &Sniff<'_>) -> bool {
    sniff.shape == Shape::JsonObject && sniff.has_keys(&["database", "lockfile", "vulnerabilities"])
}

pub(crate) fn parse(input: &ParseInput<'_>, output: &mut Output) -> Result<(), FormatError> {
    let report: Report<'_> =
        serde_json::from_slice(input.bytes).map_err(|e| FormatError::json(&e))?;
    let vulnerabilities = report.vulnerabilities;
    if let Some(count) = vulnerabilities.count
        && count != vulnerabilities.list.len() as u64
    {
        return Err(FormatError::new(format!(
            "`vulnerabilities.count` is {count} but `vulnerabilities.list` has {} entries",
            vulnerabilities.list.len()
        )));
    }
    output.tool = Some(String::from("cargo-audit"));
    let evidence = &mut output.evidence;
    for entry in &vulnerabilities.list {
        let advisory = &entry.advisory;
        let matched = Match {
            id: advisory.id.to_string(),
            package: &entry.package.name,
            version: &entry.package.version,
            aliases: advisory
                .aliases
                .iter()
                .map(|alias| alias.to_string())
                .collect(),
            patched: entry
                .versions
                .patched
                .iter()
                .map(|req| req.to_string())
                .collect(),
            cvss: score_of(advisory)?,
            warning: advisory.informational.as_deref(),
            withdrawn: advisory.withdrawn.is_some(),
            title: &advisory.title,
            target: None,
        };
        evidence
            .vulnerabilities
            .push(matched.into_vulnerability("cargo-audit"));
        notice_if_withdrawn(advisory, &mut evidence.notices);
    }
    for warning in &report.warnings.0 {
        let (id, aliases, cvss, title) = match &warning.advisory {
            Some(advisory) => (
                advisory.id.to_string(),
                advisory
                    .aliases
                    .iter()
                    .map(|alias| alias.to_string())
                    .collect(),
                score_of(advisory)?,
                advisory.title.to_string(),
            ),
            None => (
                format!("{}:{}", warning.kind, warning.package.name),
                Vec::new(),
                None,
                format!(
                    "crate `{}` {} is {}",
                    warning.package.name, warning.package.version, warning.kind
                ),
            ),
        };
        let patched = warning.versions.as_ref().map_or_else(Vec::new, |versions| {
            versions.patched.iter().map(|req| req.to_string()).collect()
        });
        let matched = Match {
            id,
            package: &warning.package.name,
            version: &warning.package.version,
            aliases,
            patched,
            cvss,
            warning: Some(&warning.kind),
            withdrawn: warning
                .advisory
                .as_ref()
                .is_some_and(|advisory| advisory.withdrawn.is_some()),
            title: &title,
            target: None,
        };
        evidence
            .vulnerabilities
            .push(matched.into_vulnerability("cargo-audit"));
        if let Some(advisory) = &warning.advisory {
            notice_if_withdrawn(advisory, &mut evidence.notices);
        }
    }
    Ok(())
}

/// One RustSec advisory (or warning) matched against one locked crate: what
/// cargo-audit reports and native `Cargo.lock` audits have in common.
pub(crate) struct Match<'a> {
    /// `RUSTSEC-…`, or `<kind>:<crate>` for a warning without an advisory.
    pub id: String,
    pub package: &'a str,
    pub version: &'a str,
    pub aliases: Vec<String>,
    pub patched: Vec<String>,
    /// CVSS base score, when the advisory has a vector.
    pub cvss: Option<f64>,
    /// The warning kind (`unmaintained`, `unsound`, `notice`, `yanked`…) or
    /// informational kind; `None` for a vulnerability.
    pub warning: Option<&'a str>,
    /// Whether the advisory was withdrawn.
    pub withdrawn: bool,
    pub title: &'a str,
    pub target: Option<String>,
}

impl Match<'_> {
    pub(crate) fn into_vulnerability(self, tool: &str) -> Vulnerability {
        Vulnerability {
            aliases: self.aliases,
            ecosystem: Some(ECOSYSTEM.to_owned()),
            version: Some(self.version.to_owned()),
            fixed_versions: self.patched,
            kind: advisory_kind(self.warning, self.withdrawn),
            severity: severity_of(self.cvss),
            cvss_score: self.cvss,
            title: (!self.title.is_empty()).then(|| self.title.to_owned()),
            target: self.target,
            ..Vulnerability::new(0, tool, self.id, self.package)
        }
        .with_fingerprint()
    }
}

/// The severity rule shared by `cargo-audit` and `cargo-lock` (see the module docs).
pub(crate) fn severity_of(cvss: Option<f64>) -> Severity {
    cvss.map_or(Severity::Unknown, cvss_band)
}

/// The advisory kind of a RustSec warning or informational kind. A
/// withdrawn advisory is `withdrawn` whatever it was; an informational kind
/// verdict does not know is `informational`, never a vulnerability, because
/// RustSec marks only non-vulnerabilities as informational.
pub(crate) fn advisory_kind(warning: Option<&str>, withdrawn: bool) -> AdvisoryKind {
    if withdrawn {
        return AdvisoryKind::Withdrawn;
    }
    match warning {
        None => AdvisoryKind::Vulnerability,
        Some(kind) if kind.eq_ignore_ascii_case("unmaintained") => AdvisoryKind::Unmaintained,
        Some(kind) if kind.eq_ignore_ascii_case("unsound") => AdvisoryKind::Unsound,
        Some(kind) if kind.eq_ignore_ascii_case("yanked") => AdvisoryKind::Yanked,
        Some(_) => AdvisoryKind::Informational,
    }
}

/// The base score of a CVSS v3.0, v3.1 or v4.0 vector.
pub(crate) fn cvss_score(vector: &str) -> Result<f64, String> {
    cvss::Cvss::from_str(vector.trim())
        .map(|cvss| cvss.score())
        .map_err(|error| format!("invalid CVSS vector `{vector}`: {error}"))
}

fn score_of(advisory: &Advisory<'_>) -> Result<Option<f64>, FormatError> {
    advisory
        .cvss
        .as_deref()
        .map(|vector| {
            cvss_score(vector).map_err(|message| {
                FormatError::new(format!("advisory `{}`: {message}", advisory.id))
            })
        })
        .transpose()
}

fn notice_if_withdrawn(advisory: &Advisory<'_>, notices: &mut Vec<Notice>) {
    if let Some(date) = &advisory.withdrawn {
        notices.push(Notice {
            source: 0,
            kind: NoticeKind::Warning,
            message: format!(
                "advisory `{}` was withdrawn on {date} but is still reported",
                advisory.id
            ),
        });
    }
}

#[derive(Deserialize)]
#[serde(expecting = "a cargo-audit report object")]
struct Report<'a> {
    #[serde(borrow)]
    vulnerabilities: Vulnerabilities<'a>,
    #[serde(borrow, default)]
    warnings: Warnings<'a>,
}

#[derive(Deserialize)]
struct Vulnerabilities<'a> {
    #[serde(default)]
    count: Option<u64>,
    #[serde(borrow)]
    list: Vec<Entry<'a>>,
}

#[derive(Deserialize)]
struct Entry<'a> {
    #[serde(borrow)]
    advisory: Advisory<'a>,
    #[serde(borrow)]
    versions: Versions<'a>,
    #[serde(borrow)]
    package: Package<'a>,
}

#[derive(Deserialize)]
struct Advisory<'a> {
    #[serde(borrow)]
    id: Cow<'a, str>,
    #[serde(borrow, default)]
    title: Cow<'a, str>,
    #[serde(borrow, default)]
    aliases: Vec<Cow<'a, str>>,
    #[serde(borrow, default)]
    cvss: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    informational: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    withdrawn: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct Versions<'a> {
    #[serde(borrow, default)]
    patched: Vec<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct Package<'a> {
    #[serde(borrow)]
    name: Cow<'a, str>,
    #[serde(borrow)]
    version: Cow<'a, str>,
}

#[derive(Deserialize)]
struct Warning<'a> {
    #[serde(borrow)]
    kind: Cow<'a, str>,
    #[serde(borrow)]
    package: Package<'a>,
    #[serde(borrow, default)]
    advisory: Option<Advisory<'a>>,
    #[serde(borrow, default)]
    versions: Option<Versions<'a>>,
}

/// `warnings` is a map from kind to warnings in the reports we have seen; a
/// plain list (as older releases may write) is accepted too. Both are read
/// into one list, in file order.
#[derive(Default)]
struct Warnings<'a>(Vec<Warning<'a>>);

impl<'de: 'a, 'a> Deserialize<'de> for Warnings<'a> {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct WarningsVisitor<'a>(std::marker::PhantomData<&'a ()>);

        impl<'de: 'a, 'a> Visitor<'de> for WarningsVisitor<'a> {
            type Value = Warnings<'a>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map from warning kind to warnings, or a list of warnings")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut all = Vec::new();
                while let Some((_kind, warnings)) =
                    map.next_entry::<IgnoredAny, Vec<Warning<'a>>>()?
                {
                    all.extend(warnings);
                }
                Ok(Warnings(all))
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut all = Vec::new();
                while let Some(warning) = seq.next_element::<Warning<'a>>()? {
                    all.push(warning);
                }
                Ok(Warnings(all))
            }

            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Warnings::default())
            }
        }

        deserializer.deserialize_any(WarningsVisitor(std::marker::PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severity_is_the_cvss_band_else_unknown() {
        assert_eq!(severity_of(Some(9.8)), Severity::Critical);
        assert_eq!(severity_of(None), Severity::Unknown);
    }

    #[test]
    fn warning_kinds_become_advisory_kinds() {
        assert_eq!(advisory_kind(None, false), AdvisoryKind::Vulnerability);
        assert_eq!(
            advisory_kind(Some("unmaintained"), false),
            AdvisoryKind::Unmaintained
        );
        assert_eq!(advisory_kind(Some("unsound"), false), AdvisoryKind::Unsound);
        assert_eq!(advisory_kind(Some("yanked"), false), AdvisoryKind::Yanked);
        assert_eq!(
            advisory_kind(Some("notice"), false),
            AdvisoryKind::Informational
        );
        assert_eq!(advisory_kind(None, true), AdvisoryKind::Withdrawn);
    }

    #[test]
    fn cvss_vectors_of_v3_and_v4_score() {
        assert_eq!(
            cvss_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:H/A:N"),
            Ok(7.5)
        );
        assert!(
            cvss_score("CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:N/VC:H/VI:H/VA:N/SC:L/SI:L/SA:N").is_ok()
        );
        assert!(
            cvss_score("AV:N/AC:L/Au:N/C:P/I:P/A:P")
                .unwrap_err()
                .contains("invalid CVSS vector")
        );
    }
}
