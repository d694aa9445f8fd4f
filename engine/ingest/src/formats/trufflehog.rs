//! trufflehog v3 JSON lines (`trufflehog … --json`): one object per line.
//!
//! The location comes from `SourceMetadata.Data.<Source>`, whatever the source
//! kind (`Git`, `Github`, `Filesystem`, `Gitlab`, `Docker`…): its `file`,
//! `line` and `commit`. Only the redacted form of `Raw` is kept; `RawV2` and
//! `Redacted` (which, despite its name, holds the AWS key id in full) are
//! never read. Releases of 2022 wrote `Raw` as base64 (a Go `[]byte`); such
//! values are decoded before redaction so the prefix and length are right.

use crate::error::FormatError;
use crate::formats::generic::utf8_error;
use crate::formats::{Output, ParseInput};
use crate::sniff::{Shape, Sniff};
use serde::Deserialize;
use std::borrow::Cow;
use std::collections::BTreeMap;
use verdict_evidence::{Location, Redacted, Secret, fingerprint};

const TOOL: &str = "trufflehog";

pub(crate) fn detect(sniff: &Sniff<'_>) -> bool {
    // JSON Lines: the keys of the first record, however long its values.
    sniff.shape == Shape::JsonObject
        && sniff.has_key("SourceMetadata")
        && (sniff.has_key("DetectorName") || sniff.has_key("DetectorType"))
}

#[derive(Deserialize)]
#[serde(expecting = "a trufflehog result object")]
#[serde(rename_all = "PascalCase")]
struct Record<'a> {
    source_metadata: Option<SourceMetadata<'a>>,
    #[serde(borrow)]
    detector_name: Option<Cow<'a, str>>,
    detector_type: Option<i64>,
    verified: Option<bool>,
    #[serde(borrow)]
    verification_error: Option<Cow<'a, str>>,
    #[serde(borrow)]
    raw: Option<Cow<'a, str>>,
    #[serde(rename = "RawV2")]
    raw_v2: Option<serde::de::IgnoredAny>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct SourceMetadata<'a> {
    #[serde(borrow, default)]
    data: BTreeMap<Cow<'a, str>, Origin<'a>>,
}

/// The metadata of one source kind; every kind that points into files names
/// them `file` and `line`.
#[derive(Deserialize)]
#[serde(expecting = "an object with `file` and `line`")]
struct Origin<'a> {
    #[serde(borrow)]
    file: Option<Cow<'a, str>>,
    line: Option<u32>,
    #[serde(borrow)]
    commit: Option<Cow<'a, str>>,
}

pub(crate) fn parse(input: &ParseInput<'_>, output: &mut Output) -> Result<(), FormatError> {
    let text = std::str::from_utf8(input.bytes).map_err(|e| utf8_error(input.bytes, &e))?;
    for (index, line) in text.split('\n').enumerate() {
        let number = index as u64 + 1;
        if line.trim().is_empty() {
            continue;
        }
        let record: Record<'_> = serde_json::from_str(line).map_err(|e| {
            let column = (e.column() > 0).then_some(e.column() as u64);
            FormatError::new(format!(
                "not a trufflehog result: {}",
                FormatError::json(&e).message
            ))
            .at(number, column)
        })?;
        output.evidence.secrets.push(secret(record, number)?);
    }
    Ok(())
}

fn secret(record: Record<'_>, number: u64) -> Result<Secret, FormatError> {
    let rule_id = match (record.detector_name, record.detector_type) {
        (Some(name), _) if !name.is_empty() => name.into_owned(),
        (_, Some(kind)) => kind.to_string(),
        _ => {
            return Err(
                FormatError::new("result has neither `DetectorName` nor `DetectorType`")
                    .at(number, None),
            );
        }
    };
    let origin = record
        .source_metadata
        .and_then(|metadata| metadata.data.into_values().next());
    let (path, line, commit) = match origin {
        Some(origin) => (
            origin.file.filter(|file| !file.is_empty()),
            origin.line.filter(|&line| line > 0),
            origin.commit.filter(|commit| !commit.is_empty()),
        ),
        None => (None, None, None),
    };
    let redacted = match record.raw.as_deref() {
        Some(raw) if record.raw_v2.is_none() => match decode_base64_text(raw) {
            Some(decoded) => Redacted::from_secret(&decoded),
            None => Redacted::from_secret(raw),
        },
        Some(raw) => Redacted::from_secret(raw),
        None => Redacted::unknown(),
    };
    // A failed verification says nothing either way.
    let failed = record
        .verification_error
        .is_some_and(|error| !error.is_empty());
    let verified = if failed { None } else { record.verified };
    let line_text = line.map(|line| line.to_string()).unwrap_or_default();
    let fingerprint = fingerprint::of(&[
        TOOL,
        &rule_id,
        path.as_deref().unwrap_or(""),
        &line_text,
        commit.as_deref().unwrap_or(""),
    ]);
    Ok(Secret {
        source: 0,
        tool: TOOL.to_owned(),
        rule_id,
        location: path.map(|path| Location::new(path.as_ref(), line, line)),
        commit: commit.map(Cow::into_owned),
        fingerprint,
        redacted,
        verified,
        suppressed: false,
    })
}

/// Decodes padded standard base64 whose content is printable text, as the
/// 2022 releases wrote `Raw`; `None` for anything else, so that a secret that
/// merely uses the base64 alphabet is taken as it is.
fn decode_base64_text(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    if bytes.is_empty() || !bytes.len().is_multiple_of(4) {
        return None;
    }
    let value = |b: u8| -> Option<u32> {
        match b {
            b'A'..=b'Z' => Some(u32::from(b - b'A')),
            b'a'..=b'z' => Some(u32::from(b - b'a') + 26),
            b'0'..=b'9' => Some(u32::from(b - b'0') + 52),
            b'+' => Some(62),
            b'/' => Some(63),
            _ => None,
        }
    };
    let mut out = Vec::with_capacity(bytes.len() / 4 * 3);
    let chunks = bytes.len() / 4;
    for (index, chunk) in bytes.chunks_exact(4).enumerate() {
        let padding = chunk.iter().rev().take_while(|&&b| b == b'=').count();
        if padding > 2 || (padding > 0 && index + 1 != chunks) {
            return None;
        }
        let mut group = 0u32;
        for &b in &chunk[..4 - padding] {
            group = (group << 6) | value(b)?;
        }
        group <<= 6 * padding as u32;
        let decoded = [(group >> 16) as u8, (group >> 8) as u8, group as u8];
        out.extend_from_slice(&decoded[..3 - padding]);
    }
    let decoded = String::from_utf8(out).ok()?;
    decoded
        .chars()
        .all(|c| !c.is_control() || c.is_ascii_whitespace())
        .then_some(decoded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_raw_values_are_decoded_only_when_they_are_text() {
        assert_eq!(
            decode_base64_text("QUtJQVlWUDRDSVBQRVJVVklGWEc=").as_deref(),
            Some("AKIAYVP4CIPPERUVIFXG")
        );
        assert_eq!(decode_base64_text("aGk=").as_deref(), Some("hi"));
        assert_eq!(decode_base64_text("AKIAYVP4CIPPERUVIFXG"), None);
        assert_eq!(decode_base64_text("ghp_abcd"), None);
        assert_eq!(decode_base64_text("a=bc"), None);
        assert_eq!(decode_base64_text(""), None);
    }
}
