//! safety: `safety check --json` reports, the 1.x list of lists and the 2.x/3.x object.
//!
//! - 1.x writes `[[name, spec, version, advisory, id], …]`, with later 1.x
//!   releases adding `cvssv2` and `cvssv3` objects (or nulls) at the end of
//!   each row. The id is safety's advisory number, the spec (the vulnerable
//!   range) gives no fixed version.
//! - 2.x and 3.x write an object with `report_meta` and `vulnerabilities[]`:
//!   `vulnerability_id` is the id, `CVE` an alias, `fixed_versions` the fixed
//!   versions and `analyzed_version` the installed version.
//!
//! Ids are kept as safety writes them (`33063`, `82332`); the CVE alias is
//! what matches other tools. Severity is the band of the CVSS v3 base score,
//! else of the CVSS v2 base score, when safety gives one (it needs an API key
//! for that); otherwise `unknown`, the same rule as pip-audit's unscored
//! advisories: verdict does not invent a rating the tool did not give. Entries of `ignored_vulnerabilities` are not reported (safety's
//! policy ignored them); their count yields a warning notice. An empty 1.x
//! report (`[]`) has nothing to detect it by and reads as a plain JSON document.

use crate::error::FormatError;
use crate::formats::pip_audit::summary;
use crate::formats::{Output, ParseInput};
use crate::sniff::{Shape, Sniff};
use serde::Deserialize;
use serde::de::{self, IgnoredAny, SeqAccess, Visitor};
use std::borrow::Cow;
use std::fmt;
use verdict_evidence::{Notice, NoticeKind, Severity, Vulnerability, cvss_band};

const TOOL: &str = "safety";

pub(crate) fn detect(sniff: &Sniff<'_>) -> bool {
    match sniff.shape {
        Shape::JsonObject => {
            sniff.has_key("report_meta")
                && (sniff.has_key("scanned_packages") || sniff.has_key("vulnerabilities"))
        }
        Shape::JsonArray => sniff
            .first_element()
            .is_some_and(|first| first_row_is_legacy(first.raw)),
        _ => false,
    }
}

/// True when the array's first element reads as a 1.x row: a list of five
/// strings with a non-empty version, then at most two score objects.
fn first_row_is_legacy(first: &[u8]) -> bool {
    first.first() == Some(&b'[')
        && serde_json::from_slice::<LegacyRow<'_>>(first).is_ok_and(|row| !row.version.is_empty())
}

pub(crate) fn parse(input: &ParseInput<'_>, output: &mut Output) -> Result<(), FormatError> {
    if Sniff::new(input.path, input.bytes).shape == Shape::JsonArray {
        let rows: Vec<LegacyRow<'_>> =
            serde_json::from_slice(input.bytes).map_err(|e| FormatError::json(&e))?;
        output.tool = Some(String::from(TOOL));
        for row in rows {
            let (severity, cvss_score) = severity_of(row.cvssv3.as_ref(), row.cvssv2.as_ref());
            let record = Vulnerability {
                ecosystem: Some(String::from("PyPI")),
                version: Some(row.version.into_owned()),
                severity,
                cvss_score,
                title: summary(&row.advisory),
                ..Vulnerability::new(0, TOOL, row.id, row.name)
            };
            output
                .evidence
                .vulnerabilities
                .push(record.with_fingerprint());
        }
        return Ok(());
    }
    let report: Report<'_> =
        serde_json::from_slice(input.bytes).map_err(|e| FormatError::json(&e))?;
    output.tool = Some(match &report.report_meta.safety_version {
        Some(version) => format!("{TOOL} {version}"),
        None => String::from(TOOL),
    });
    for vuln in report.vulnerabilities {
        let scores = vuln.severity.as_ref();
        let (severity, cvss_score) = severity_of(
            scores.and_then(|s| s.cvssv3.as_ref()),
            scores.and_then(|s| s.cvssv2.as_ref()),
        );
        let record = Vulnerability {
            aliases: vuln.cve.into_iter().map(Cow::into_owned).collect(),
            ecosystem: Some(String::from("PyPI")),
            version: vuln.analyzed_version.map(Cow::into_owned),
            fixed_versions: vuln
                .fixed_versions
                .unwrap_or_default()
                .into_iter()
                .map(Cow::into_owned)
                .collect(),
            severity,
            cvss_score,
            title: vuln.advisory.as_deref().and_then(summary),
            ..Vulnerability::new(
                0,
                TOOL,
                vuln.vulnerability_id.into_owned(),
                vuln.package_name,
            )
        };
        output
            .evidence
            .vulnerabilities
            .push(record.with_fingerprint());
    }
    let ignored = report
        .ignored_vulnerabilities
        .map_or(0, |ignored| ignored.len());
    if ignored > 0 {
        output.evidence.notices.push(Notice {
            source: 0,
            kind: NoticeKind::Warning,
            message: format!(
                "{ignored} vulnerabilities ignored by safety's policy are not reported"
            ),
        });
    }
    Ok(())
}

fn severity_of(cvssv3: Option<&Score>, cvssv2: Option<&Score>) -> (Severity, Option<f64>) {
    match cvssv3
        .and_then(|s| s.base_score)
        .or_else(|| cvssv2.and_then(|s| s.base_score))
    {
        Some(score) => (cvss_band(score), Some(score)),
        None => (Severity::Unknown, None),
    }
}

#[derive(Deserialize)]
#[serde(expecting = "a safety report object")]
struct Report<'a> {
    #[serde(borrow)]
    report_meta: Meta<'a>,
    #[serde(borrow)]
    vulnerabilities: Vec<Vuln<'a>>,
    #[serde(default)]
    ignored_vulnerabilities: Option<Vec<IgnoredAny>>,
}

#[derive(Deserialize)]
struct Meta<'a> {
    #[serde(borrow, default)]
    safety_version: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct Vuln<'a> {
    #[serde(borrow)]
    vulnerability_id: Cow<'a, str>,
    #[serde(borrow)]
    package_name: Cow<'a, str>,
    #[serde(borrow, default)]
    analyzed_version: Option<Cow<'a, str>>,
    #[serde(borrow, default, rename = "CVE")]
    cve: Option<Cow<'a, str>>,
    #[serde(default)]
    severity: Option<Scores>,
    #[serde(borrow, default)]
    fixed_versions: Option<Vec<Cow<'a, str>>>,
    #[serde(borrow, default)]
    advisory: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct Scores {
    #[serde(default)]
    cvssv2: Option<Score>,
    #[serde(default)]
    cvssv3: Option<Score>,
}

#[derive(Deserialize)]
struct Score {
    #[serde(default)]
    base_score: Option<f64>,
}

/// One row of a 1.x report.
struct LegacyRow<'a> {
    name: Cow<'a, str>,
    version: Cow<'a, str>,
    advisory: Cow<'a, str>,
    id: Cow<'a, str>,
    cvssv2: Option<Score>,
    cvssv3: Option<Score>,
}

impl<'de: 'a, 'a> Deserialize<'de> for LegacyRow<'a> {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct RowVisitor<'a>(std::marker::PhantomData<&'a ()>);

        impl<'de: 'a, 'a> Visitor<'de> for RowVisitor<'a> {
            type Value = LegacyRow<'a>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a safety 1.x row [name, spec, version, advisory, id]")
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut text = |index: usize| -> Result<Cow<'a, str>, A::Error> {
                    seq.next_element::<Cow<'a, str>>()?.ok_or_else(|| {
                        de::Error::invalid_length(index, &"a row of 5 to 7 elements")
                    })
                };
                let name = text(0)?;
                let _spec = text(1)?;
                let version = text(2)?;
                let advisory = text(3)?;
                let id = text(4)?;
                let cvssv2 = seq.next_element::<Option<Score>>()?.flatten();
                let cvssv3 = seq.next_element::<Option<Score>>()?.flatten();
                if seq.next_element::<IgnoredAny>()?.is_some() {
                    return Err(de::Error::invalid_length(8, &"a row of 5 to 7 elements"));
                }
                Ok(LegacyRow {
                    name,
                    version,
                    advisory,
                    id,
                    cvssv2,
                    cvssv3,
                })
            }
        }

        deserializer.deserialize_seq(RowVisitor(std::marker::PhantomData))
    }
}
