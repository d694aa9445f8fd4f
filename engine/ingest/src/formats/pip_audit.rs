//! pip-audit: `pip-audit --format json`, the current object and the legacy list shape.
//!
//! The current shape is `{"dependencies": [...], "fixes": [...]}`; pip-audit
//! before 2.0 wrote the dependency list alone. Each entry of a dependency's
//! `vulns` becomes a [`Vulnerability`] (ecosystem `PyPI`, `fix_versions` as
//! fixed versions, `aliases` when the version writes them, title from the
//! first line of `description`).
//!
//! pip-audit reports no severity, so every record is `unknown` with no CVSS
//! score: verdict does not invent a rating the tool did not give, and an
//! unknown severity fails any `fail-on` threshold unless the policy says how
//! to treat it (a gate that needs ratings should use a scanner that scores).
//! A dependency
//! with a `skip_reason` could not be audited and yields a warning notice. A
//! dependency with neither `vulns` nor `skip_reason` is an error. `fixes`
//! (what `--fix` did) is not evidence and is ignored.

use crate::error::FormatError;
use crate::formats::{Output, ParseInput};
use crate::sniff::{Shape, Sniff};
use serde::Deserialize;
use std::borrow::Cow;
use verdict_evidence::{Notice, NoticeKind, Severity, Vulnerability};

const TOOL: &str = "pip-audit";

/// Longest title kept from a free-text description, in characters.
const TITLE_MAX_CHARS: usize = 200;

pub(crate) fn detect(sniff: &Sniff<'_>) -> bool {
    // Current: `{"dependencies": [{"name", "version", "vulns"}…], "fixes": […]}`;
    // legacy: the list of dependencies alone. Known by the first dependency.
    let dependency = |keys: &[Cow<'_, str>]| {
        let has = |wanted: &str| keys.iter().any(|key| key == wanted);
        has("name") && has("vulns") && (has("version") || has("skip_reason"))
    };
    match sniff.shape {
        Shape::JsonObject => sniff
            .value_of_kind("dependencies", crate::sniff::JsonKind::Array)
            .is_some_and(|dependencies| match dependencies.first_element() {
                Some(first) => dependency(&first.keys()),
                None => sniff.has_key("fixes"),
            }),
        Shape::JsonArray => {
            let keys: Vec<Cow<'_, str>> = sniff.keys().map(Into::into).collect();
            dependency(&keys)
        }
        _ => false,
    }
}

pub(crate) fn parse(input: &ParseInput<'_>, output: &mut Output) -> Result<(), FormatError> {
    let dependencies: Vec<Dependency<'_>> =
        if Sniff::new(input.path, input.bytes).shape == Shape::JsonArray {
            serde_json::from_slice(input.bytes).map_err(|e| FormatError::json(&e))?
        } else {
            let report: Report<'_> =
                serde_json::from_slice(input.bytes).map_err(|e| FormatError::json(&e))?;
            report.dependencies
        };
    output.tool = Some(String::from(TOOL));
    let evidence = &mut output.evidence;
    for (index, dependency) in dependencies.iter().enumerate() {
        if let Some(reason) = &dependency.skip_reason {
            evidence.notices.push(Notice {
                source: 0,
                kind: NoticeKind::Warning,
                message: format!("dependency `{}` was not audited: {reason}", dependency.name),
            });
        }
        let vulns = match (&dependency.vulns, &dependency.skip_reason) {
            (Some(vulns), _) => vulns.as_slice(),
            (None, Some(_)) => &[],
            (None, None) => {
                return Err(FormatError::new(format!(
                    "dependency {} (`{}`) has neither `vulns` nor `skip_reason`",
                    index + 1,
                    dependency.name
                )));
            }
        };
        for vuln in vulns {
            let record = Vulnerability {
                aliases: vuln.aliases.iter().map(|alias| alias.to_string()).collect(),
                ecosystem: Some(String::from("PyPI")),
                version: dependency.version.as_deref().map(str::to_owned),
                fixed_versions: vuln
                    .fix_versions
                    .iter()
                    .map(|fix| fix.to_string())
                    .collect(),
                severity: Severity::Unknown,
                title: vuln.description.as_deref().and_then(summary),
                ..Vulnerability::new(0, TOOL, vuln.id.as_ref(), dependency.name.as_ref())
            };
            evidence.vulnerabilities.push(record.with_fingerprint());
        }
    }
    Ok(())
}

/// A title from free text: its first non-blank line, trimmed, cut to
/// [`TITLE_MAX_CHARS`] characters with `…` when longer. `None` when blank.
pub(crate) fn summary(text: &str) -> Option<String> {
    let line = text.lines().map(str::trim).find(|line| !line.is_empty())?;
    match line.char_indices().nth(TITLE_MAX_CHARS) {
        Some((cut, _)) => Some(format!("{}…", line[..cut].trim_end())),
        None => Some(line.to_owned()),
    }
}

#[derive(Deserialize)]
#[serde(expecting = "a pip-audit report object")]
struct Report<'a> {
    #[serde(borrow)]
    dependencies: Vec<Dependency<'a>>,
}

#[derive(Deserialize)]
#[serde(expecting = "a pip-audit dependency object")]
struct Dependency<'a> {
    #[serde(borrow)]
    name: Cow<'a, str>,
    #[serde(borrow, default)]
    version: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    vulns: Option<Vec<Vuln<'a>>>,
    #[serde(borrow, default)]
    skip_reason: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct Vuln<'a> {
    #[serde(borrow)]
    id: Cow<'a, str>,
    #[serde(borrow, default)]
    fix_versions: Vec<Cow<'a, str>>,
    #[serde(borrow, default)]
    aliases: Vec<Cow<'a, str>>,
    #[serde(borrow, default)]
    description: Option<Cow<'a, str>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_takes_the_first_line_and_caps_it() {
        assert_eq!(
            summary("\n  first line \nsecond").as_deref(),
            Some("first line")
        );
        assert_eq!(summary("  \n "), None);
        let long = "é".repeat(TITLE_MAX_CHARS + 5);
        let cut = summary(&long).unwrap();
        assert_eq!(cut.chars().count(), TITLE_MAX_CHARS + 1);
        assert!(cut.ends_with('…'));
    }
}
