//! pylint JSON (`--output-format=json`, a list of messages) and JSON2
//! (`--output-format=json2`, `{"messages": […], "statistics": {…}}`).
//!
//! Each message is a finding whose rule is the message id (`C0114`), with
//! the symbol (`missing-module-docstring`) as a tag and rule name, since
//! pylint accepts both in its options. The severity follows pylint's message
//! type, kept in `level`: `fatal` is critical (and pylint could not check
//! the module, so it is also an incomplete-scan notice), `error` high,
//! `warning` medium, `refactor` and `convention` low, `info` info. JSON2's
//! `confidence` becomes a `confidence:<level>` tag. A clean JSON run writes
//! `[]`, which says nothing about its tool: read it with `pylint:PATH`, or
//! use JSON2, which is recognized when clean too.

use crate::error::FormatError;
use crate::formats::generic::utf8_error;
use crate::formats::lint::Fingerprints;
use crate::formats::{Output, ParseInput};
use crate::sniff::{JsonKind, Shape, Sniff};
use serde::Deserialize;
use serde::de::IgnoredAny;
use std::borrow::Cow;
use std::sync::Arc;
use verdict_evidence::{Evidence, Finding, Location, Notice, NoticeKind, RuleInfo, Severity};

const TOOL: &str = "pylint";

pub(crate) fn detect(sniff: &Sniff<'_>) -> bool {
    match sniff.shape {
        // JSON: the keys of the first message.
        Shape::JsonArray => {
            sniff.has_keys(&["type", "symbol", "message", "path"]) && sniff.has_key("message-id")
        }
        // JSON2: `messages` and `statistics` with pylint's own counters.
        Shape::JsonObject => {
            sniff.value_of_kind("messages", JsonKind::Array).is_some()
                && sniff
                    .value_of_kind("statistics", JsonKind::Object)
                    .is_some_and(|statistics| {
                        statistics
                            .keys()
                            .iter()
                            .any(|key| key == "messageTypeCount")
                    })
        }
        Shape::Xml | Shape::Text => false,
    }
}

/// The JSON2 document.
#[derive(Deserialize)]
struct Json2<'a> {
    #[serde(borrow)]
    messages: Vec<Message<'a>>,
    #[serde(rename = "statistics")]
    _statistics: IgnoredAny,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Message<'a> {
    #[serde(borrow, rename = "type")]
    kind: Cow<'a, str>,
    #[serde(borrow)]
    symbol: Option<Cow<'a, str>>,
    #[serde(borrow)]
    message: Cow<'a, str>,
    /// `message-id` in JSON, `messageId` in JSON2.
    #[serde(borrow, alias = "message-id")]
    message_id: Cow<'a, str>,
    #[serde(borrow)]
    confidence: Option<Cow<'a, str>>,
    line: Option<u32>,
    end_line: Option<u32>,
    #[serde(borrow)]
    path: Cow<'a, str>,
}

pub(crate) fn parse(input: &ParseInput<'_>, output: &mut Output) -> Result<(), FormatError> {
    let text = std::str::from_utf8(input.bytes).map_err(|e| utf8_error(input.bytes, &e))?;
    let messages: Vec<Message<'_>> = if input.bytes.trim_ascii_start().starts_with(b"[") {
        serde_json::from_str(text).map_err(|e| FormatError::json(&e))?
    } else {
        let json2: Json2<'_> = serde_json::from_str(text).map_err(|e| FormatError::json(&e))?;
        json2.messages
    };
    let mut fingerprints = Fingerprints::default();
    for message in &messages {
        push(message, &mut fingerprints, &mut output.evidence)?;
    }
    output.tool = Some(TOOL.to_owned());
    Ok(())
}

fn push(
    message: &Message<'_>,
    fingerprints: &mut Fingerprints,
    evidence: &mut Evidence,
) -> Result<(), FormatError> {
    let severity = match message.kind.as_ref() {
        "fatal" => Severity::Critical,
        "error" => Severity::High,
        "warning" => Severity::Medium,
        "refactor" | "convention" => Severity::Low,
        "info" => Severity::Info,
        _ => {
            return Err(FormatError::new(
                "unknown pylint message type: expected fatal, error, warning, refactor, convention or info",
            ));
        }
    };
    let rule = message.message_id.as_ref();
    let path = message.path.as_ref();
    let mut finding = Finding::new(0, TOOL, rule);
    finding.severity = severity;
    finding.level = Some(message.kind.to_string().into());
    finding.message = message.message.to_string();
    let start = message.line.filter(|&line| line > 0);
    let end = message
        .end_line
        .filter(|&end| start.is_some_and(|start| end >= start));
    finding.location = Some(Location::new(path, start, end.or(start)));
    let mut tags: Vec<String> = message.symbol.iter().map(|s| s.to_string()).collect();
    if let Some(confidence) = &message.confidence {
        tags.push(format!("confidence:{}", confidence.to_ascii_lowercase()));
    }
    finding.tags = tags.into();
    if let Some(symbol) = &message.symbol {
        finding.rule = Some(Arc::new(RuleInfo {
            name: Some(symbol.to_string()),
            ..RuleInfo::default()
        }));
    }
    finding.fingerprint = fingerprints.next(TOOL, rule, path, &message.message);
    if severity == Severity::Critical {
        evidence.notices.push(Notice {
            source: 0,
            kind: NoticeKind::IncompleteScan,
            message: format!("pylint could not check `{path}` ({rule})"),
        });
    }
    evidence.findings.push(finding);
    Ok(())
}
