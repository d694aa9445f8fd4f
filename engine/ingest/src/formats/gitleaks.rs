//! gitleaks JSON reports: the v8 shape (`RuleID`, `StartLine`, `Fingerprint`…)
//! and the v7 shape (`rule`, `offender`, `lineNumber`, `leakURL`…).
//!
//! An empty report is `[]`, which any tool could write: no detector claims it,
//! so it falls through to the generic `json` format unless the user forces
//! `gitleaks:report.json`. Either way it yields no secrets.
//!
//! Only the redacted form of `Secret` (v8) or `offender` (v7) is kept; `Match`
//! and `line`, which hold the secret in its surrounding text, are never read.

use crate::error::FormatError;
use crate::formats::generic::utf8_error;
use crate::formats::{Output, ParseInput};
use crate::sniff::{Shape, Sniff};
use serde::Deserialize;
use std::borrow::Cow;
use verdict_evidence::{Location, Redacted, Secret, fingerprint};

const TOOL: &str = "gitleaks";

pub(crate) fn detect(sniff: &Sniff<'_>) -> bool {
    // An array of leaks, known by the keys of its first leak.
    if sniff.shape != Shape::JsonArray {
        return false;
    }
    let v8 =
        sniff.has_key("RuleID") && (sniff.has_key("StartLine") || sniff.has_key("Fingerprint"));
    let v7 = sniff.has_keys(&["rule", "offender"])
        && (sniff.has_key("leakURL") || sniff.has_key("lineNumber"));
    v8 || v7
}

/// One record of either version; v8 keys are capitalized, v7 keys are not.
#[derive(Deserialize)]
#[serde(expecting = "a gitleaks leak object")]
struct Leak<'a> {
    #[serde(rename = "RuleID", borrow)]
    rule_id: Option<Cow<'a, str>>,
    #[serde(rename = "File", borrow)]
    file: Option<Cow<'a, str>>,
    #[serde(rename = "StartLine")]
    start_line: Option<u32>,
    #[serde(rename = "EndLine")]
    end_line: Option<u32>,
    #[serde(rename = "Secret", borrow)]
    secret: Option<Cow<'a, str>>,
    #[serde(rename = "Commit", borrow)]
    commit: Option<Cow<'a, str>>,
    #[serde(rename = "Fingerprint", borrow)]
    fingerprint: Option<Cow<'a, str>>,
    // v7
    #[serde(rename = "rule", borrow)]
    v7_rule: Option<Cow<'a, str>>,
    #[serde(rename = "file", borrow)]
    v7_file: Option<Cow<'a, str>>,
    #[serde(rename = "lineNumber")]
    v7_line: Option<u32>,
    #[serde(rename = "offender", borrow)]
    v7_offender: Option<Cow<'a, str>>,
    #[serde(rename = "commit", borrow)]
    v7_commit: Option<Cow<'a, str>>,
}

pub(crate) fn parse(input: &ParseInput<'_>, output: &mut Output) -> Result<(), FormatError> {
    let text = std::str::from_utf8(input.bytes).map_err(|e| utf8_error(input.bytes, &e))?;
    let leaks: Vec<Leak<'_>> = serde_json::from_str(text).map_err(|e| FormatError::json(&e))?;
    output.evidence.secrets.reserve(leaks.len());
    for (index, leak) in leaks.into_iter().enumerate() {
        output.evidence.secrets.push(secret(leak, index + 1)?);
    }
    Ok(())
}

fn secret(leak: Leak<'_>, number: usize) -> Result<Secret, FormatError> {
    let Some(rule_id) = leak.rule_id.or(leak.v7_rule) else {
        return Err(FormatError::new(format!(
            "leak {number} has neither `RuleID` (v8) nor `rule` (v7)"
        )));
    };
    let path = leak.file.or(leak.v7_file).filter(|path| !path.is_empty());
    let start_line = leak.start_line.or(leak.v7_line).filter(|&line| line > 0);
    let end_line = leak.end_line.or(leak.v7_line).filter(|&line| line > 0);
    let commit = leak
        .commit
        .or(leak.v7_commit)
        .filter(|commit| !commit.is_empty() && !commit.bytes().all(|b| b == b'0'));
    let raw = leak.secret.or(leak.v7_offender);
    // `gitleaks --redact` replaces the secret with the word REDACTED.
    let redacted = match raw.as_deref() {
        Some(raw) if raw != "REDACTED" => Redacted::from_secret(raw),
        _ => Redacted::unknown(),
    };
    let fingerprint = match leak
        .fingerprint
        .filter(|fingerprint| !fingerprint.is_empty())
    {
        Some(own) => own.into_owned(),
        None => {
            let line = start_line.map(|line| line.to_string()).unwrap_or_default();
            fingerprint::of(&[
                TOOL,
                &rule_id,
                path.as_deref().unwrap_or(""),
                &line,
                commit.as_deref().unwrap_or(""),
            ])
        }
    };
    Ok(Secret {
        source: 0,
        tool: TOOL.to_owned(),
        rule_id: rule_id.into_owned(),
        location: path.map(|path| Location::new(path.as_ref(), start_line, end_line)),
        commit: commit.map(Cow::into_owned),
        fingerprint,
        redacted,
        verified: None,
        suppressed: false,
    })
}
