//! Errors of the ingest stage: every one names the file and, once known, the format.

use std::fmt;
use std::path::PathBuf;

/// What a parser found wrong with its input, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatError {
    /// What is wrong, lowercase, no final period.
    pub message: String,
    /// 1-based line, when known.
    pub line: Option<u64>,
    /// 1-based column, when known.
    pub column: Option<u64>,
}

impl FormatError {
    /// An error with no position.
    pub fn new(message: impl Into<String>) -> FormatError {
        FormatError {
            message: message.into(),
            line: None,
            column: None,
        }
    }

    /// The same error at a position.
    pub fn at(mut self, line: u64, column: Option<u64>) -> FormatError {
        self.line = Some(line);
        self.column = column;
        self
    }

    /// A JSON syntax or shape error, with serde_json's line and column.
    ///
    /// Never quotes the input: serde_json's own text for a shape error says
    /// `invalid type: string "AKIA…", expected u32`, so shape (data) errors
    /// are rebuilt from the kind of value found and what was expected.
    pub fn json(error: &serde_json::Error) -> FormatError {
        // serde_json's Display appends " at line L column C"; keep the message
        // part and carry the position in fields, so it prints once.
        let text = error.to_string();
        let message = match text.rfind(" at line ") {
            Some(index) => &text[..index],
            None => &text,
        };
        let message = match error.classify() {
            // Syntax messages are serde_json's fixed strings.
            serde_json::error::Category::Syntax
            | serde_json::error::Category::Eof
            | serde_json::error::Category::Io => message.to_owned(),
            serde_json::error::Category::Data => without_input_values(message),
        };
        let error_at = FormatError::new(message);
        if error.line() == 0 {
            error_at
        } else {
            error_at.at(error.line() as u64, Some(error.column() as u64))
        }
    }

    /// A YAML error at its position, without input values.
    pub fn yaml(error: &serde_yaml_ng::Error) -> FormatError {
        let text = error.to_string();
        let message = match text.find(" at line ") {
            Some(index) => &text[..index],
            None => &text,
        };
        let message = FormatError::new(without_input_values(message));
        match error.location() {
            Some(at) => message.at(at.line() as u64, Some(at.column() as u64)),
            None => message,
        }
    }

    /// A TOML error at its position in `input`, without input values.
    pub fn toml(error: &toml::de::Error, input: &[u8]) -> FormatError {
        // toml's message may run over several lines ("invalid string\nexpected …").
        let message = error
            .message()
            .split('\n')
            .map(str::trim)
            .filter(|part| !part.is_empty())
            .collect::<Vec<_>>()
            .join(": ");
        // Its syntax messages quote expected characters (`"`), not input.
        let message = FormatError::new(shape_message(&message).unwrap_or(message));
        match error.span() {
            Some(span) => {
                let (line, column) = line_column(input, span.start);
                message.at(line, Some(column))
            }
            None => message,
        }
    }

    /// An XML error at a byte offset of the input. Strings the XML library
    /// quotes from the input (an unknown entity's name, a bad escape) are
    /// left out.
    pub fn xml(error: impl fmt::Display, input: &[u8], offset: u64) -> FormatError {
        let (line, column) = line_column(input, offset as usize);
        FormatError::new(without_quoted_strings(&error.to_string())).at(line, Some(column))
    }
}

/// A serde message with the input's values taken out.
///
/// serde's shape errors are `invalid type: <found>, expected <what>`,
/// `invalid value: …`, `unknown variant `<v>`, expected …` and
/// `unknown field `<f>`, expected …`; `<found>` starts with the kind of
/// value (`string`, `integer`, `map`…) and then quotes it. The kind and the
/// expectation (which comes from verdict's own types, never from input) are
/// kept; the quoted value is dropped. Any other message keeps its text with
/// double-quoted strings (serde quotes input strings that way) left out.
pub(crate) fn without_input_values(message: &str) -> String {
    shape_message(message).unwrap_or_else(|| without_quoted_strings(message))
}

/// serde's shape message without the value it quotes; `None` for any other
/// message.
fn shape_message(message: &str) -> Option<String> {
    // YAML and TOML put the field path first (`line: invalid type: …`).
    for marker in ["invalid type: ", "invalid value: "] {
        if let Some(at) = message.find(marker) {
            let (found, expected) = split_expected(&message[at + marker.len()..]);
            let kind = found
                .split(['"', '`', '\'', '\\'])
                .next()
                .unwrap_or_default()
                .trim();
            return Some(format!("{}{marker}{kind}{expected}", &message[..at]));
        }
    }
    for marker in ["unknown variant", "unknown field"] {
        if let Some(at) = message.find(marker) {
            let (_, expected) = split_expected(&message[at + marker.len()..]);
            return Some(format!("{}{marker}{expected}", &message[..at]));
        }
    }
    None
}

/// Splits `<found>, expected <what>` at the last `, expected ` (the found
/// value may itself contain that text; verdict's expectations never do).
fn split_expected(rest: &str) -> (&str, &str) {
    for marker in [", expected ", ", there are no "] {
        if let Some(index) = rest.rfind(marker) {
            return (&rest[..index], &rest[index..]);
        }
    }
    (rest, "")
}

/// `text` with every double-quoted string (escapes inside, as Rust's
/// `Debug` writes them) replaced by `"…"`. An unterminated quote drops the
/// rest of the text.
fn without_quoted_strings(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('"') {
        out.push_str(&rest[..open]);
        out.push_str("\"…\"");
        let mut close = None;
        let mut escaped = false;
        for (index, c) in rest[open + 1..].char_indices() {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => {
                    close = Some(open + 1 + index);
                    break;
                }
                _ => {}
            }
        }
        match close {
            Some(close) => rest = &rest[close + 1..],
            None => return out,
        }
    }
    out.push_str(rest);
    out
}

/// 1-based line and column of a byte offset.
pub fn line_column(input: &[u8], offset: usize) -> (u64, u64) {
    let offset = offset.min(input.len());
    let before = &input[..offset];
    let line = memchr::memchr_iter(b'\n', before).count() as u64 + 1;
    let line_start = memchr::memrchr(b'\n', before).map_or(0, |i| i + 1);
    (line, (offset - line_start) as u64 + 1)
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        match (self.line, self.column) {
            (Some(line), Some(column)) => write!(f, " at line {line} column {column}"),
            (Some(line), None) => write!(f, " at line {line}"),
            _ => Ok(()),
        }
    }
}

impl std::error::Error for FormatError {}

/// An input that could not be ingested.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// The file could not be read.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// A file named explicitly matched no format.
    #[error("`{path}`: no format recognizes this file", path = path.display())]
    Unrecognized {
        /// The file.
        path: PathBuf,
    },
    /// The file is empty or holds only whitespace: the scanner that should
    /// have written it most likely crashed.
    #[error("`{path}`: file is empty (did the scanner that writes it fail?)", path = path.display())]
    Empty {
        /// The file.
        path: PathBuf,
    },
    /// The file is larger than `Options::max_file_bytes`.
    #[error("`{path}`: file is {size} bytes, over the limit of {limit} bytes", path = path.display())]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size, or how much was read before the limit was passed.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// The path is not a regular file, directory or pipe.
    #[error("`{path}`: is a {kind}, not a file", path = path.display())]
    NotAFile {
        /// The path.
        path: PathBuf,
        /// What it is: `character device`, `block device`, `socket`.
        kind: &'static str,
    },
    /// A file changed between finding it in a directory and opening it.
    #[error("`{path}`: file changed while it was being read", path = path.display())]
    Changed {
        /// The file.
        path: PathBuf,
    },
    /// An input directory in which no file was ingested.
    #[error("`{path}`: no report in this directory ({skipped})", path = path.display())]
    NoReports {
        /// The directory.
        path: PathBuf,
        /// What was found instead, e.g. `2 files skipped: 2 not a recognized report format`.
        skipped: String,
    },
    /// A forced format id is not known.
    #[error("unknown format `{id}`")]
    UnknownFormat {
        /// The id given.
        id: String,
    },
    /// The file is not valid input for its format.
    #[error("`{path}`: {format}: {error}", path = path.display())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// The format id.
        format: &'static str,
        /// What is wrong and where.
        error: FormatError,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_column_is_one_based() {
        let input = b"ab\ncd\n";
        assert_eq!(line_column(input, 0), (1, 1));
        assert_eq!(line_column(input, 4), (2, 2));
        assert_eq!(line_column(input, 100), (3, 1));
    }

    #[test]
    fn json_errors_carry_position_once() {
        let error = serde_json::from_str::<serde_json::Value>("{\n  \"a\": }").unwrap_err();
        let text = FormatError::json(&error).to_string();
        assert_eq!(text, "expected value at line 2 column 8");
    }

    const KEY: &str = "AKIAIOSFODNN7EXAMPLE";

    #[test]
    fn json_shape_errors_never_quote_the_value() {
        #[derive(Debug, serde::Deserialize)]
        #[expect(dead_code, reason = "only deserialized")]
        struct Leak {
            line: u32,
        }
        #[derive(Debug, serde::Deserialize)]
        enum Level {
            Low,
        }
        let cases = [
            (
                serde_json::from_str::<Leak>(&format!("{{\"line\": \"{KEY}\"}}")).unwrap_err(),
                "invalid type: string, expected u32 at line 1 column 31",
            ),
            (
                serde_json::from_str::<Leak>(&format!("{{\"line\": \"{KEY}, expected x\"}}"))
                    .unwrap_err(),
                "invalid type: string, expected u32 at line 1 column 43",
            ),
            (
                serde_json::from_str::<Level>(&format!("\"{KEY}\"")).unwrap_err(),
                "unknown variant, expected `Low` at line 1 column 22",
            ),
            (
                serde_json::from_str::<Leak>("{\"line\": -5}").unwrap_err(),
                "invalid value: integer, expected u32 at line 1 column 11",
            ),
        ];
        for (error, expected) in cases {
            let text = FormatError::json(&error).to_string();
            assert_eq!(text, expected);
            assert!(!text.contains(KEY));
        }
    }

    #[test]
    fn yaml_and_toml_errors_never_quote_the_value() {
        let yaml = serde_yaml_ng::from_str::<std::collections::BTreeMap<String, u32>>(&format!(
            "line: {KEY}\n"
        ))
        .unwrap_err();
        let text = FormatError::yaml(&yaml).to_string();
        assert!(
            text.starts_with("line: invalid type: string, expected u32"),
            "{text}"
        );
        assert!(!text.contains(KEY), "{text}");
        let input = format!("line = \"{KEY}\"\n");
        let toml = toml::from_str::<std::collections::BTreeMap<String, u32>>(&input).unwrap_err();
        let text = FormatError::toml(&toml, input.as_bytes()).to_string();
        assert!(
            text.starts_with("invalid type: string, expected u32"),
            "{text}"
        );
        assert!(!text.contains(KEY), "{text}");
    }

    #[test]
    fn quoted_strings_are_left_out_of_other_messages() {
        assert_eq!(
            without_quoted_strings(r#"bad escape: "AKIA\"x" at 3"#),
            r#"bad escape: "…" at 3"#
        );
        assert_eq!(without_quoted_strings(r#"cut "AKIA"#), r#"cut "…""#);
        assert_eq!(
            without_quoted_strings("missing field `x`"),
            "missing field `x`"
        );
    }
}
