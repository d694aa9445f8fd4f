//! ESLint JSON (`eslint -f json`): one object per linted file with its
//! `messages`.
//!
//! Each message is a finding whose rule is the `ruleId`; ESLint's severity
//! `2` is `error` (high) and `1` is `warning` (medium), the word kept in
//! `level`. A fatal message (a parsing error, `ruleId` null) has the rule
//! `parse-error` and is also an incomplete-scan notice: nothing else in that
//! file was checked. Messages under `suppressedMessages` (`eslint-disable`
//! comments) are findings marked suppressed. Each file's `errorCount` and
//! `warningCount` must match its messages, so a truncated or edited report
//! is an error. Every linted file is listed, so a clean run is recognized.

use crate::error::FormatError;
use crate::formats::generic::utf8_error;
use crate::formats::lint::Fingerprints;
use crate::formats::{Output, ParseInput};
use crate::sniff::{Shape, Sniff};
use serde::Deserialize;
use std::borrow::Cow;
use verdict_evidence::{Evidence, Finding, Location, Notice, NoticeKind, Severity};

const TOOL: &str = "eslint";

pub(crate) fn detect(sniff: &Sniff<'_>) -> bool {
    // The keys of the first file's result.
    sniff.shape == Shape::JsonArray
        && sniff.has_keys(&["filePath", "messages"])
        && (sniff.has_key("errorCount") || sniff.has_key("warningCount"))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct FileResult<'a> {
    #[serde(borrow)]
    file_path: Cow<'a, str>,
    #[serde(borrow)]
    messages: Vec<Message<'a>>,
    #[serde(borrow, default)]
    suppressed_messages: Vec<Message<'a>>,
    error_count: Option<u64>,
    warning_count: Option<u64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Message<'a> {
    #[serde(borrow)]
    rule_id: Option<Cow<'a, str>>,
    severity: u8,
    #[serde(borrow)]
    message: Cow<'a, str>,
    line: Option<u32>,
    end_line: Option<u32>,
    #[serde(default)]
    fatal: bool,
}

pub(crate) fn parse(input: &ParseInput<'_>, output: &mut Output) -> Result<(), FormatError> {
    let text = std::str::from_utf8(input.bytes).map_err(|e| utf8_error(input.bytes, &e))?;
    let files: Vec<FileResult<'_>> =
        serde_json::from_str(text).map_err(|e| FormatError::json(&e))?;
    let mut fingerprints = Fingerprints::default();
    for file in &files {
        let path = file.file_path.as_ref();
        let count = |severity: u8| {
            file.messages
                .iter()
                .filter(|message| message.severity == severity)
                .count() as u64
        };
        if file.error_count.is_some_and(|n| n != count(2))
            || file.warning_count.is_some_and(|n| n != count(1))
        {
            return Err(FormatError::new(format!(
                "the error or warning count of `{path}` does not match its messages: the report is incomplete or edited"
            )));
        }
        for message in &file.messages {
            push(
                path,
                message,
                false,
                &mut fingerprints,
                &mut output.evidence,
            )?;
        }
        for message in &file.suppressed_messages {
            push(path, message, true, &mut fingerprints, &mut output.evidence)?;
        }
    }
    output.tool = Some(TOOL.to_owned());
    Ok(())
}

fn push(
    path: &str,
    message: &Message<'_>,
    suppressed: bool,
    fingerprints: &mut Fingerprints,
    evidence: &mut Evidence,
) -> Result<(), FormatError> {
    let (severity, level) = match message.severity {
        2 => (Severity::High, "error"),
        1 => (Severity::Medium, "warning"),
        _ => {
            return Err(FormatError::new(format!(
                "ESLint severity {} in `{path}`: expected 1 (warning) or 2 (error)",
                message.severity
            )));
        }
    };
    let rule = match (&message.rule_id, message.fatal) {
        (Some(rule), _) => rule.as_ref(),
        (None, true) => "parse-error",
        (None, false) => "no-rule",
    };
    let mut finding = Finding::new(0, TOOL, rule);
    finding.severity = severity;
    finding.level = Some(level.into());
    finding.message = message.message.to_string();
    let start = message.line.filter(|&line| line > 0);
    let end = message
        .end_line
        .filter(|&end| start.is_some_and(|start| end >= start));
    finding.location = Some(Location::new(path, start, end.or(start)));
    finding.suppressed = suppressed;
    if message.fatal {
        finding.tags = vec!["fatal".to_owned()].into();
        evidence.notices.push(Notice {
            source: 0,
            kind: NoticeKind::IncompleteScan,
            message: format!("ESLint could not parse `{path}`"),
        });
    }
    finding.fingerprint = fingerprints.next(TOOL, rule, path, &message.message);
    evidence.findings.push(finding);
    Ok(())
}
