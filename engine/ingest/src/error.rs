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
    pub fn json(error: &serde_json::Error) -> FormatError {
        // serde_json's Display appends " at line L column C"; keep the message
        // part and carry the position in fields, so it prints once.
        let text = error.to_string();
        let message = match text.rfind(" at line ") {
            Some(index) => text[..index].to_owned(),
            None => text,
        };
        let error_at = FormatError::new(message);
        if error.line() == 0 {
            error_at
        } else {
            error_at.at(error.line() as u64, Some(error.column() as u64))
        }
    }

    /// An XML error at a byte offset of the input.
    pub fn xml(error: impl fmt::Display, input: &[u8], offset: u64) -> FormatError {
        let (line, column) = line_column(input, offset as usize);
        FormatError::new(error.to_string()).at(line, Some(column))
    }
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
}
