//! mypy's reports: JSON lines (`mypy -O json`, one object per message) and
//! its default text output (`path:line: error: message  [code]` lines and
//! the `Found N errors…` or `Success: no issues found…` summary).
//!
//! Each message is a finding whose rule is mypy's error code (`arg-type`;
//! `misc` when mypy gives none) and whose severity follows mypy's word, kept
//! in `level`: `error` is high, `warning` medium, `note` low. A clean JSON
//! run writes nothing, which cannot be told from a crash: use the text
//! output when a clean run must count (its `Success:` line says so). In
//! text, the summary's error count must match the error lines read, so a
//! truncated report is an error; any other line (`--pretty` source excerpts,
//! crash messages) is an error too.

use crate::error::FormatError;
use crate::formats::generic::{text_lines, utf8_error};
use crate::formats::lint::{Fingerprints, leading_count};
use crate::formats::severity_words::SeverityWords;
use crate::formats::{Output, ParseInput};
use crate::sniff::{Shape, Sniff};
use serde::Deserialize;
use std::borrow::Cow;
use verdict_evidence::{Evidence, Finding, Location};

const TOOL: &str = "mypy";

pub(crate) fn detect(sniff: &Sniff<'_>) -> bool {
    match sniff.shape {
        // JSON lines: the keys of the first message.
        Shape::JsonObject => {
            sniff.has_keys(&["file", "line", "column", "message", "code", "severity"])
        }
        Shape::Text => sniff
            .first_line()
            .and_then(|line| std::str::from_utf8(line).ok())
            .is_some_and(|line| message_line(line).is_some() || summary(line).is_some()),
        Shape::JsonArray | Shape::Xml => false,
    }
}

pub(crate) fn parse(input: &ParseInput<'_>, output: &mut Output) -> Result<(), FormatError> {
    let mut fingerprints = Fingerprints::default();
    let mut severities = SeverityWords::new(TOOL);
    if Shape::of(input.bytes) == Shape::JsonObject {
        parse_json_lines(
            input.bytes,
            &mut fingerprints,
            &mut severities,
            &mut output.evidence,
        )?;
    } else {
        parse_text(
            input.bytes,
            &mut fingerprints,
            &mut severities,
            &mut output.evidence,
        )?;
    }
    severities.finish(&mut output.evidence);
    output.tool = Some(TOOL.to_owned());
    Ok(())
}

#[derive(Deserialize)]
struct JsonMessage<'a> {
    #[serde(borrow)]
    file: Cow<'a, str>,
    line: Option<i64>,
    end_line: Option<i64>,
    #[serde(borrow)]
    message: Cow<'a, str>,
    #[serde(borrow)]
    hint: Option<Cow<'a, str>>,
    #[serde(borrow)]
    code: Option<Cow<'a, str>>,
    #[serde(borrow)]
    severity: Cow<'a, str>,
}

fn parse_json_lines(
    bytes: &[u8],
    fingerprints: &mut Fingerprints,
    severities: &mut SeverityWords,
    evidence: &mut Evidence,
) -> Result<(), FormatError> {
    let text = std::str::from_utf8(bytes).map_err(|e| utf8_error(bytes, &e))?;
    for (index, line) in text.split('\n').enumerate() {
        let number = index as u64 + 1;
        if line.trim().is_empty() {
            continue;
        }
        let message: JsonMessage<'_> = serde_json::from_str(line).map_err(|e| {
            let error = FormatError::json(&e);
            FormatError::new(format!("not a mypy message: {}", error.message))
                .at(number, error.column)
        })?;
        let start = message
            .line
            .and_then(|l| u32::try_from(l).ok())
            .filter(|&l| l > 0);
        let end = message
            .end_line
            .and_then(|l| u32::try_from(l).ok())
            .filter(|&end| start.is_some_and(|start| end >= start));
        let mut text = message.message.to_string();
        if let Some(hint) = message.hint.as_deref().filter(|hint| !hint.is_empty()) {
            text.push('\n');
            text.push_str(hint);
        }
        evidence.findings.push(finding(
            Parsed {
                path: &message.file,
                start,
                end: end.or(start),
                severity: &message.severity,
                message: text,
                code: message.code.as_deref(),
            },
            fingerprints,
            severities,
        ));
    }
    Ok(())
}

fn parse_text(
    bytes: &[u8],
    fingerprints: &mut Fingerprints,
    severities: &mut SeverityWords,
    evidence: &mut Evidence,
) -> Result<(), FormatError> {
    let mut errors = 0u64;
    let mut summarized = None;
    for line in text_lines(bytes) {
        let (number, line) = line?;
        if line.is_empty() {
            continue;
        }
        if let Some(parsed) = message_line(line) {
            if summarized.is_some() {
                return Err(
                    FormatError::new("a message after mypy's summary line").at(number, None)
                );
            }
            errors += u64::from(parsed.severity == "error");
            evidence
                .findings
                .push(finding(parsed, fingerprints, severities));
        } else if let Some(count) = summary(line) {
            summarized = Some((count, number));
        } else {
            return Err(FormatError::new(
                "not a mypy message or summary line (`path:line: error: message  [code]`)",
            )
            .at(number, None));
        }
    }
    if let Some((count, number)) = summarized
        && count != errors
    {
        return Err(FormatError::new(format!(
            "mypy's summary counts {count} errors but {errors} error lines were read: the report is incomplete"
        ))
        .at(number, None));
    }
    Ok(())
}

/// One message, from either shape.
struct Parsed<'a> {
    path: &'a str,
    start: Option<u32>,
    end: Option<u32>,
    severity: &'a str,
    message: String,
    code: Option<&'a str>,
}

fn finding(
    parsed: Parsed<'_>,
    fingerprints: &mut Fingerprints,
    severities: &mut SeverityWords,
) -> Finding {
    // mypy files uncoded errors under `misc` (`--disable-error-code misc`).
    let rule = parsed
        .code
        .filter(|code| !code.is_empty())
        .unwrap_or("misc");
    let mut finding = Finding::new(0, TOOL, rule);
    finding.severity = severities.map(Some(parsed.severity));
    finding.level = Some(parsed.severity.into());
    finding.location = Some(Location::new(parsed.path, parsed.start, parsed.end));
    finding.fingerprint = fingerprints.next(TOOL, rule, parsed.path, &parsed.message);
    finding.message = parsed.message;
    finding
}

/// `path:line[:column][:end_line:end_column]: error|warning|note: message  [code]`,
/// or `path: note: …` for messages about a whole file.
fn message_line(line: &str) -> Option<Parsed<'_>> {
    let (head, severity, rest) = ["error", "warning", "note"].iter().find_map(|word| {
        let marker = format!(": {word}: ");
        line.find(&marker)
            .map(|at| (&line[..at], *word, &line[at + marker.len()..]))
    })?;
    // The head is `path` followed by up to four numbers.
    let mut path = head;
    let mut numbers = Vec::new();
    while numbers.len() < 4 {
        let Some((before, last)) = path.rsplit_once(':') else {
            break;
        };
        match last.parse::<u32>() {
            Ok(number) => {
                numbers.push(number);
                path = before;
            }
            Err(_) => break,
        }
    }
    numbers.reverse();
    if path.is_empty() || path.contains(": ") {
        return None;
    }
    let start = numbers.first().copied().filter(|&l| l > 0);
    let end = (numbers.len() == 4)
        .then(|| numbers[2])
        .filter(|&end| start.is_some_and(|start| end >= start));
    let (message, code) = match rest.rsplit_once("  [") {
        Some((message, code)) if code.ends_with(']') && is_code(&code[..code.len() - 1]) => {
            (message, Some(&code[..code.len() - 1]))
        }
        _ => (rest, None),
    };
    Some(Parsed {
        path,
        start,
        end: end.or(start),
        severity,
        message: message.to_owned(),
        code,
    })
}

fn is_code(text: &str) -> bool {
    !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// The error count of a summary line: `Found 4 errors in 2 files (checked 5
/// source files)` or `Success: no issues found in 1 source file` (zero).
fn summary(line: &str) -> Option<u64> {
    if line.starts_with("Success: no issues found in ") {
        return Some(0);
    }
    let count = leading_count(line.strip_prefix("Found ")?)?;
    let rest = line.split_once(' ')?.1.split_once(' ')?.1;
    (rest.starts_with("error in ") || rest.starts_with("errors in ")).then_some(count)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_message_lines_with_and_without_columns_and_codes() {
        let parsed = message_line("app/m.py:11: error: Bad + op  [operator]").unwrap();
        assert_eq!(
            (parsed.path, parsed.start, parsed.end),
            ("app/m.py", Some(11), Some(11))
        );
        assert_eq!(
            (parsed.message.as_str(), parsed.code),
            ("Bad + op", Some("operator"))
        );
        let parsed = message_line("C:\\x.py:3:5:4:9: note: See [x]").unwrap();
        assert_eq!(
            (parsed.path, parsed.start, parsed.end),
            ("C:\\x.py", Some(3), Some(4))
        );
        assert_eq!(parsed.code, None);
        let parsed = message_line("app/m.py: error: Duplicate module named \"m\"").unwrap();
        assert_eq!((parsed.path, parsed.start), ("app/m.py", None));
        assert!(message_line("mypy: can't read file 'x': No such file").is_none());
    }

    #[test]
    fn reads_summaries() {
        assert_eq!(
            summary("Found 4 errors in 2 files (checked 5 source files)"),
            Some(4)
        );
        assert_eq!(
            summary("Found 1 error in 1 file (errors prevented further checking)"),
            Some(1)
        );
        assert_eq!(
            summary("Success: no issues found in 1 source file"),
            Some(0)
        );
        assert_eq!(summary("Found nothing"), None);
    }
}
