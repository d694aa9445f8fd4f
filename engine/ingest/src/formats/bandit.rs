//! bandit JSON reports: Python security findings.
//!
//! Each result becomes a finding: rule `test_id`, severity from
//! `issue_severity` (`UNDEFINED`, bandit's default when a test sets none, is
//! `unknown`; so is a word bandit does not use, with a warning, so an
//! unfamiliar rating never lowers risk), the
//! confidence as a `confidence:<level>` tag and the CWE from `issue_cwe`.
//! The fingerprint hashes the code of the flagged lines (`line_range`) without
//! bandit's line-number prefixes and with whitespace collapsed, so it survives
//! lines moving up or down. Files bandit could not scan (`errors`) become
//! incomplete-scan notices: "no findings" in them means nothing.

use crate::error::FormatError;
use crate::formats::generic::utf8_error;
use crate::formats::severity_words::SeverityWords;
use crate::formats::{Output, ParseInput};
use crate::sniff::{Shape, Sniff};
use serde::Deserialize;
use serde::de::IgnoredAny;
use std::borrow::Cow;
use verdict_evidence::{Finding, Location, Notice, NoticeKind, Severity, fingerprint};

const TOOL: &str = "bandit";

pub(crate) fn detect(sniff: &Sniff<'_>) -> bool {
    // bandit's top level: `errors`, `generated_at`, `metrics`, `results`.
    sniff.shape == Shape::JsonObject
        && sniff.has_keys(&["generated_at", "metrics"])
        && (sniff.has_key("errors") || sniff.has_key("results"))
}

pub(crate) fn parse(input: &ParseInput<'_>, output: &mut Output) -> Result<(), FormatError> {
    // Validated up front: serde_json does not check strings it skips.
    let text = std::str::from_utf8(input.bytes).map_err(|e| utf8_error(input.bytes, &e))?;
    let report: Report<'_> = serde_json::from_str(text).map_err(|e| FormatError::json(&e))?;
    let evidence = &mut output.evidence;
    let mut severities = SeverityWords::new("bandit");
    for result in &report.results {
        evidence.findings.push(finding(result, &mut severities));
    }
    for error in &report.errors {
        let reason = error.reason.as_deref().map(one_line).unwrap_or_default();
        evidence.notices.push(Notice {
            source: 0,
            kind: NoticeKind::IncompleteScan,
            message: format!("bandit could not scan `{}`: {reason}", error.filename),
        });
    }
    severities.finish(evidence);
    let version = report
        .results
        .iter()
        .find_map(|result| version_of(result.more_info.as_deref()?));
    output.tool = Some(match version {
        Some(version) => format!("{TOOL} {version}"),
        None => TOOL.to_owned(),
    });
    Ok(())
}

#[derive(Deserialize)]
struct Report<'a> {
    #[serde(default, borrow)]
    errors: Vec<ScanError<'a>>,
    #[serde(rename = "metrics")]
    _metrics: IgnoredAny,
    #[serde(borrow)]
    results: Vec<BanditResult<'a>>,
}

#[derive(Deserialize)]
struct ScanError<'a> {
    #[serde(borrow)]
    filename: Cow<'a, str>,
    #[serde(borrow)]
    reason: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct BanditResult<'a> {
    #[serde(borrow)]
    code: Option<Cow<'a, str>>,
    #[serde(borrow)]
    filename: Cow<'a, str>,
    #[serde(borrow)]
    issue_confidence: Option<Cow<'a, str>>,
    issue_cwe: Option<Cwe>,
    #[serde(borrow)]
    issue_severity: Cow<'a, str>,
    #[serde(borrow)]
    issue_text: Cow<'a, str>,
    line_number: Option<u32>,
    #[serde(default)]
    line_range: Vec<u32>,
    #[serde(borrow)]
    more_info: Option<Cow<'a, str>>,
    #[serde(borrow)]
    test_id: Cow<'a, str>,
    #[serde(borrow)]
    test_name: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct Cwe {
    id: Option<u32>,
}

fn finding(result: &BanditResult<'_>, severities: &mut SeverityWords) -> Finding {
    let path = result.filename.as_ref();
    let start_line = result
        .line_number
        .or_else(|| result.line_range.iter().copied().min())
        .filter(|&l| l > 0);
    let end_line = result
        .line_range
        .iter()
        .copied()
        .max()
        .filter(|&end| start_line.is_some_and(|s| end >= s));
    let mut finding = Finding::new(0, TOOL, result.test_id.as_ref());
    let word = result.issue_severity.as_ref();
    finding.severity = if word.eq_ignore_ascii_case("undefined") {
        Severity::Unknown
    } else {
        severities.map(Some(word))
    };
    finding.level = Some(word.into());
    finding.message = result.issue_text.clone().into_owned();
    finding.location = Some(Location::new(path, start_line, end_line));
    finding.cwes = result
        .issue_cwe
        .iter()
        .filter_map(|cwe| cwe.id)
        .filter(|&id| id > 0)
        .map(|id| format!("CWE-{id}"))
        .collect();
    let mut tags: Vec<String> = result
        .test_name
        .iter()
        .map(|name| name.clone().into_owned())
        .collect();
    if let Some(confidence) = &result.issue_confidence {
        tags.push(format!("confidence:{}", confidence.to_ascii_lowercase()));
    }
    finding.tags = tags.into();
    let lines = start_line.map(|start| (start, end_line.unwrap_or(start)));
    let snippet = snippet(result.code.as_deref().unwrap_or_default(), lines);
    finding.fingerprint = fingerprint::of(&[TOOL, &result.test_id, path, &snippet]);
    finding
}

/// The flagged lines of bandit's `code` excerpt, without the `NN ` prefix
/// bandit puts on each line and with whitespace collapsed. When no line of
/// the excerpt is numbered within `lines`, the whole excerpt is used.
fn snippet(code: &str, lines: Option<(u32, u32)>) -> String {
    let numbered = code.lines().map(|line| {
        let digits = line.len() - line.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        (line[..digits].parse::<u32>().ok(), &line[digits..])
    });
    let flagged: Vec<&str> = numbered
        .clone()
        .filter(|(number, _)| matches!((number, lines), (Some(n), Some((start, end))) if (start..=end).contains(n)))
        .map(|(_, text)| text)
        .collect();
    if flagged.is_empty() {
        fingerprint::normalize_snippet(
            &numbered
                .map(|(_, text)| text)
                .collect::<Vec<_>>()
                .join("\n"),
        )
    } else {
        fingerprint::normalize_snippet(&flagged.join("\n"))
    }
}

/// The bandit version in a `more_info` link such as
/// `https://bandit.readthedocs.io/en/1.8.3/plugins/…` (not `latest`).
fn version_of(more_info: &str) -> Option<&str> {
    let (_, rest) = more_info.split_once("/en/")?;
    let version = rest.split('/').next()?;
    version
        .starts_with(|c: char| c.is_ascii_digit())
        .then_some(version)
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_keep_flagged_lines_without_numbers() {
        let code = "11 a = 1\n12   b =  2\n13 \n";
        assert_eq!(snippet(code, Some((12, 12))), "b = 2");
        assert_eq!(snippet(code, Some((11, 12))), "a = 1 b = 2");
        assert_eq!(snippet(code, Some((40, 40))), "a = 1 b = 2");
        assert_eq!(snippet(code, None), "a = 1 b = 2");
    }

    #[test]
    fn versions_come_from_documentation_links() {
        assert_eq!(
            version_of("https://bandit.readthedocs.io/en/1.8.3/plugins/b105.html"),
            Some("1.8.3")
        );
        assert_eq!(
            version_of("https://bandit.readthedocs.io/en/latest/blacklists/x.html"),
            None
        );
    }
}
