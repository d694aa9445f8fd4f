//! ruff JSON (`ruff check --output-format json`): one object per diagnostic.
//!
//! Every diagnostic makes `ruff check` fail, so each is a finding at `high`
//! unless ruff gives its own `severity` word (recent releases write
//! `error`), which is kept in `level` and mapped like any tool's word. A
//! syntax error has no `code`: its rule is `syntax-error`. Paths are as ruff
//! wrote them (absolute). A clean run writes `[]`, which says nothing about
//! its tool: read it as ruff with `ruff:PATH`.

use crate::error::FormatError;
use crate::formats::generic::utf8_error;
use crate::formats::lint::Fingerprints;
use crate::formats::severity_words::SeverityWords;
use crate::formats::{Output, ParseInput};
use crate::sniff::{Shape, Sniff};
use serde::Deserialize;
use std::borrow::Cow;
use verdict_evidence::{Finding, Location, Severity};

const TOOL: &str = "ruff";

pub(crate) fn detect(sniff: &Sniff<'_>) -> bool {
    // The keys of the first diagnostic.
    sniff.shape == Shape::JsonArray
        && sniff.has_keys(&["code", "filename", "location", "message"])
        && (sniff.has_key("noqa_row") || sniff.has_key("end_location"))
}

#[derive(Deserialize)]
struct Diagnostic<'a> {
    #[serde(borrow)]
    code: Option<Cow<'a, str>>,
    #[serde(borrow)]
    filename: Cow<'a, str>,
    location: Option<Position>,
    end_location: Option<Position>,
    #[serde(borrow)]
    message: Cow<'a, str>,
    #[serde(borrow)]
    name: Option<Cow<'a, str>>,
    #[serde(borrow)]
    severity: Option<Cow<'a, str>>,
    #[serde(borrow)]
    url: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct Position {
    row: Option<u32>,
}

pub(crate) fn parse(input: &ParseInput<'_>, output: &mut Output) -> Result<(), FormatError> {
    let text = std::str::from_utf8(input.bytes).map_err(|e| utf8_error(input.bytes, &e))?;
    let diagnostics: Vec<Diagnostic<'_>> =
        serde_json::from_str(text).map_err(|e| FormatError::json(&e))?;
    let mut fingerprints = Fingerprints::default();
    let mut severities = SeverityWords::new(TOOL);
    for diagnostic in &diagnostics {
        let rule = diagnostic.code.as_deref().unwrap_or("syntax-error");
        let mut finding = Finding::new(0, TOOL, rule);
        finding.severity = match diagnostic.severity.as_deref() {
            Some(word) => severities.map(Some(word)),
            None => Severity::High,
        };
        finding.level = diagnostic.severity.as_deref().map(Into::into);
        finding.message = diagnostic.message.to_string();
        let start = diagnostic
            .location
            .as_ref()
            .and_then(|p| p.row)
            .filter(|&row| row > 0);
        let end = diagnostic
            .end_location
            .as_ref()
            .and_then(|p| p.row)
            .filter(|&row| start.is_some_and(|start| row >= start));
        let path = diagnostic.filename.as_ref();
        finding.location = Some(Location::new(path, start, end.or(start)));
        finding.fingerprint = fingerprints.next(TOOL, rule, path, &diagnostic.message);
        if diagnostic.name.is_some() || diagnostic.url.is_some() {
            finding.rule = Some(std::sync::Arc::new(verdict_evidence::RuleInfo {
                name: diagnostic.name.as_ref().map(|n| n.to_string()),
                help_uri: diagnostic.url.as_ref().map(|u| u.to_string()),
                ..Default::default()
            }));
        }
        output.evidence.findings.push(finding);
    }
    severities.finish(&mut output.evidence);
    output.tool = Some(TOOL.to_owned());
    Ok(())
}
