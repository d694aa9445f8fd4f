//! Generic documents: any JSON, YAML or TOML file, kept as a JSON value.

use crate::error::FormatError;
use crate::formats::{Output, ParseInput};
use crate::sniff::{Shape, Sniff};
use verdict_evidence::Document;

pub(crate) fn detect_json(sniff: &Sniff<'_>) -> bool {
    matches!(sniff.shape, Shape::JsonObject | Shape::JsonArray)
        && !matches!(sniff.extension().as_deref(), Some("yaml" | "yml" | "toml" | "lock"))
}

pub(crate) fn detect_yaml(sniff: &Sniff<'_>) -> bool {
    matches!(sniff.extension().as_deref(), Some("yaml" | "yml"))
}

pub(crate) fn detect_toml(sniff: &Sniff<'_>) -> bool {
    matches!(sniff.extension().as_deref(), Some("toml"))
}

pub(crate) fn parse_json(input: &ParseInput<'_>, output: &mut Output) -> Result<(), FormatError> {
    let value: serde_json::Value = serde_json::from_slice(input.bytes).map_err(|e| FormatError::json(&e))?;
    output.evidence.documents.push(Document { source: 0, value });
    Ok(())
}

pub(crate) fn parse_yaml(input: &ParseInput<'_>, output: &mut Output) -> Result<(), FormatError> {
    let text = std::str::from_utf8(input.bytes).map_err(|e| utf8_error(input.bytes, &e))?;
    let value: serde_json::Value = serde_yaml_ng::from_str(text).map_err(|e| {
        let error = FormatError::new(e.to_string());
        match e.location() {
            Some(at) => FormatError::new(strip_position(&e.to_string())).at(at.line() as u64, Some(at.column() as u64)),
            None => error,
        }
    })?;
    output.evidence.documents.push(Document { source: 0, value });
    Ok(())
}

pub(crate) fn parse_toml(input: &ParseInput<'_>, output: &mut Output) -> Result<(), FormatError> {
    let text = std::str::from_utf8(input.bytes).map_err(|e| utf8_error(input.bytes, &e))?;
    let value: serde_json::Value = toml::from_str(text).map_err(|e| {
        let message = e.message().to_owned();
        match e.span() {
            Some(span) => {
                let (line, column) = crate::error::line_column(input.bytes, span.start);
                FormatError::new(message).at(line, Some(column))
            }
            None => FormatError::new(message),
        }
    })?;
    output.evidence.documents.push(Document { source: 0, value });
    Ok(())
}

/// A UTF-8 error with the position of the first bad byte.
pub(crate) fn utf8_error(bytes: &[u8], error: &std::str::Utf8Error) -> FormatError {
    let (line, column) = crate::error::line_column(bytes, error.valid_up_to());
    FormatError::new("invalid UTF-8").at(line, Some(column))
}

fn strip_position(message: &str) -> String {
    match message.find(" at line ") {
        Some(index) => message[..index].to_owned(),
        None => message.to_owned(),
    }
}
