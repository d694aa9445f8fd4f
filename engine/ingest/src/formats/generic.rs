//! Generic documents: any JSON, YAML or TOML file, kept as a JSON value.

use crate::error::FormatError;
use crate::formats::{Output, ParseInput};
use crate::sniff::{Shape, Sniff};
use serde::Deserialize;
use verdict_evidence::Document;

/// Any well-formed JSON object or array. Only well-formed documents count:
/// INI and TOML files can start with `[`, and a file that is not JSON is
/// read as JSON only when its name claims it (`*.json`).
pub(crate) fn detect_json(sniff: &Sniff<'_>) -> bool {
    matches!(sniff.shape, Shape::JsonObject | Shape::JsonArray)
        && serde_json::from_slice::<serde::de::IgnoredAny>(sniff.content).is_ok()
}

/// YAML and TOML have no content that tells them from text: they are read
/// when their file name claims them (`Format::names`), or when forced.
pub(crate) fn detect_by_name_only(_: &Sniff<'_>) -> bool {
    false
}

pub(crate) fn parse_json(input: &ParseInput<'_>, output: &mut Output) -> Result<(), FormatError> {
    let text = std::str::from_utf8(input.bytes).map_err(|e| utf8_error(input.bytes, &e))?;
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| FormatError::json(&e))?;
    output
        .evidence
        .documents
        .push(Document { source: 0, value });
    Ok(())
}

/// Reads every document of a YAML stream (`---` separated), one [`Document`]
/// each, with aliases expanded (serde_yaml_ng caps the expansion, so alias
/// bombs fail with "repetition limit exceeded") and `<<` merge keys applied.
/// Custom tags such as CloudFormation's `!Ref x` become `{"!Ref": "x"}`;
/// `!!binary` stays the base64 text. The empty document a trailing `---`
/// leaves is dropped when the stream holds others.
pub(crate) fn parse_yaml(input: &ParseInput<'_>, output: &mut Output) -> Result<(), FormatError> {
    let text = std::str::from_utf8(input.bytes).map_err(|e| utf8_error(input.bytes, &e))?;
    let mut values = Vec::new();
    for document in serde_yaml_ng::Deserializer::from_str(text) {
        let mut value = serde_yaml_ng::Value::deserialize(document).map_err(|e| yaml_error(&e))?;
        value.apply_merge().map_err(|e| yaml_error(&e))?;
        values.push(yaml_to_json(value)?);
    }
    if values.len() > 1 {
        values.retain(|value| !value.is_null());
    }
    output.evidence.documents.extend(
        values
            .into_iter()
            .map(|value| Document { source: 0, value }),
    );
    Ok(())
}

fn yaml_error(error: &serde_yaml_ng::Error) -> FormatError {
    FormatError::yaml(error)
}

fn yaml_to_json(value: serde_yaml_ng::Value) -> Result<serde_json::Value, FormatError> {
    use serde_json::Value as Json;
    use serde_yaml_ng::Value as Yaml;
    Ok(match value {
        Yaml::Null => Json::Null,
        Yaml::Bool(b) => Json::Bool(b),
        Yaml::Number(number) => {
            if let Some(n) = number.as_u64() {
                Json::from(n)
            } else if let Some(n) = number.as_i64() {
                Json::from(n)
            } else {
                // NaN and infinities have no JSON form and become null.
                number
                    .as_f64()
                    .and_then(serde_json::Number::from_f64)
                    .map_or(Json::Null, Json::Number)
            }
        }
        Yaml::String(s) => Json::String(s),
        Yaml::Sequence(items) => Json::Array(
            items
                .into_iter()
                .map(yaml_to_json)
                .collect::<Result<_, _>>()?,
        ),
        Yaml::Mapping(mapping) => {
            let mut object = serde_json::Map::with_capacity(mapping.len());
            for (key, value) in mapping {
                let key = match key {
                    Yaml::String(s) => s,
                    Yaml::Number(n) => n.to_string(),
                    Yaml::Bool(b) => b.to_string(),
                    Yaml::Null => String::from("null"),
                    Yaml::Sequence(_) | Yaml::Mapping(_) | Yaml::Tagged(_) => {
                        return Err(FormatError::new(
                            "a mapping key is a sequence, mapping or tagged value: only scalar keys are supported",
                        ));
                    }
                };
                object.insert(key, yaml_to_json(value)?);
            }
            Json::Object(object)
        }
        Yaml::Tagged(tagged) => {
            let mut object = serde_json::Map::with_capacity(1);
            object.insert(tagged.tag.to_string(), yaml_to_json(tagged.value)?);
            Json::Object(object)
        }
    })
}

/// Reads a TOML document. Dates and times become their RFC 3339 text.
pub(crate) fn parse_toml(input: &ParseInput<'_>, output: &mut Output) -> Result<(), FormatError> {
    let text = std::str::from_utf8(input.bytes).map_err(|e| utf8_error(input.bytes, &e))?;
    let table: toml::Table =
        toml::from_str(text).map_err(|e| FormatError::toml(&e, input.bytes))?;
    let value = toml_to_json(toml::Value::Table(table));
    output
        .evidence
        .documents
        .push(Document { source: 0, value });
    Ok(())
}

fn toml_to_json(value: toml::Value) -> serde_json::Value {
    use serde_json::Value as Json;
    match value {
        toml::Value::String(s) => Json::String(s),
        toml::Value::Integer(n) => Json::from(n),
        // NaN and infinities have no JSON form and become null.
        toml::Value::Float(f) => serde_json::Number::from_f64(f).map_or(Json::Null, Json::Number),
        toml::Value::Boolean(b) => Json::Bool(b),
        toml::Value::Datetime(datetime) => Json::String(datetime.to_string()),
        toml::Value::Array(items) => Json::Array(items.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(table) => Json::Object(
            table
                .into_iter()
                .map(|(k, v)| (k, toml_to_json(v)))
                .collect(),
        ),
    }
}

/// The lines of a line-based format with their 1-based numbers, trimmed; a
/// line that is not UTF-8 is an error at its line and column.
pub(crate) fn text_lines(bytes: &[u8]) -> impl Iterator<Item = Result<(u64, &str), FormatError>> {
    bytes
        .split(|&b| b == b'\n')
        .enumerate()
        .map(|(index, raw)| {
            let number = index as u64 + 1;
            std::str::from_utf8(raw)
                .map(|line| (number, line.trim()))
                .map_err(|error| {
                    FormatError::new("line is not valid UTF-8")
                        .at(number, Some(error.valid_up_to() as u64 + 1))
                })
        })
}

/// A UTF-8 error with the position of the first bad byte.
pub(crate) fn utf8_error(bytes: &[u8], error: &std::str::Utf8Error) -> FormatError {
    let (line, column) = crate::error::line_column(bytes, error.valid_up_to());
    FormatError::new("invalid UTF-8").at(line, Some(column))
}
